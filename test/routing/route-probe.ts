import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RouteTarget } from '../../lib/core';
import { InferenceFrontDoor } from '../../lib/routing';

/**
 * Route a front door to a lane's `routeTarget()` and return what is EMITTED: the router role's policy
 * statements, its ROUTER_CONFIG text (tokens as references) and the failover rule's watched alarms.
 * A synchronous target is the primary (with an HTTP burst, so its alarms drive failover); a queue is `jobs`.
 */
export function routeProbe(stack: Stack, target: RouteTarget | undefined, role: 'primary' | 'jobs' = 'primary') {
  if (target === undefined) { throw new Error('the lane returned no route target'); }
  const burst = RouteTarget.http({ url: 'https://burst.example.com/invocations' });
  const frontDoor = new InferenceFrontDoor(stack, 'Probe', role === 'jobs' ? { jobs: target } : { primary: target, burst });
  const t = Template.fromStack(stack);
  const policies = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('ProbeRole'));
  const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
  const routers = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('Probe'));
  if (routers.length !== 1) { throw new Error(`expected one router function, found ${routers.length}`); }
  // Escapes dropped: `"prefix":"results/"`, `"queueUrl":"",{"Ref":"..."}`.
  const config = JSON.stringify(routers[0][1].Properties.Environment.Variables.ROUTER_CONFIG).replace(/\\/g, '');
  const rules = Object.entries(t.findResources('AWS::Events::Rule')).filter(([id]) => id.startsWith('Probe'));
  const watchedAlarms = rules.flatMap(([, r]) => r.Properties.EventPattern.resources as any[]);
  return { frontDoor, template: t, statements, config, watchedAlarms, resolve: (x: any) => stack.resolve(x) };
}
