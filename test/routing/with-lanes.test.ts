import { Template } from 'aws-cdk-lib/assertions';
import { createHybridApp } from '../../examples/hybrid';
import { InferenceFrontDoor, RouteTarget } from '../../lib/routing';

/*
 * The front door wired to the hybrid example's real lanes (the README's snippet): a lane exposes what the
 * RouteTarget factories take, nothing in lib/routing imports a lane. Checks the grants land on the lanes'
 * own resources (tokens, not guessed names) and the failover rule watches the baseline's rollback alarms.
 */
test('front door over the hybrid example\'s baseline, burst and summaries lanes', () => {
  const { stack, baseline, burst, summaries } = createHybridApp();
  const frontDoor = new InferenceFrontDoor(stack, 'FrontDoor', {
    primary: RouteTarget.sageMakerEndpoint({ endpointName: baseline.endpointName, endpointArn: baseline.endpointArn, alarms: baseline.sloAlarms }),
    burst: RouteTarget.lambdaAlias(burst.alias),
    jobs: RouteTarget.queue({ queue: summaries.queue, results: { bucket: summaries.resultsBucket, prefix: summaries.resultsPrefix } }),
  });
  const t = Template.fromStack(stack);
  const routerPolicy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('FrontDoorRole'))![1];
  const statements = routerPolicy.Properties.PolicyDocument.Statement;
  const resolved = (x: any) => stack.resolve(x);
  expect(statements).toContainEqual({ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: resolved(baseline.endpointArn) });
  expect(statements).toContainEqual({ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: resolved(burst.alias.functionArn) });
  expect(statements).toContainEqual({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: resolved(summaries.queue.queueArn) });
  expect(statements).toContainEqual({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: resolved(summaries.queue.encryptionMasterKey!.keyArn) });
  expect(baseline.sloAlarms.length).toBeGreaterThan(0);
  t.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'resources': baseline.sloAlarms.map(a => resolved(a.alarmArn)) },
  });
  expect(frontDoor.failoverTable).toBeDefined();
});
