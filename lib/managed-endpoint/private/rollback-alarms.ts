import { ArnFormat, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { ServiceLevelObjective, ServiceLevelObjectiveResources } from '../../core';
import { EndpointModeKind } from '../endpoint-mode';
import type { ManagedEndpoint } from '../managed-endpoint';
import { errorsMetric, invocationsMetric, modelLatencyMetric } from './endpoint-members';

/**
 * The managed endpoint's rollback and SLO alarms in one place (issue 17: rollout trials change them
 * here only): the SLO rendered into alarms with literal names, the alarm names a DeploymentConfig
 * rolls back on, and the execution role's `cloudwatch:DescribeAlarms` on exactly those alarms. Internal.
 */

/**
 * The SLO as alarms and Application Signals SLOs. Its latency (`ModelLatency`) and 5xx error-rate
 * alarms roll deployments back; an async endpoint's oldest-request age pages only. The rollback
 * alarms get literal names (see {@link rollbackAlarmNames}).
 */
export function renderSloAlarms(endpoint: ManagedEndpoint, slo: ServiceLevelObjective): ServiceLevelObjectiveResources {
  const rendered = slo.render(endpoint, 'Slo', {
    laneName: `ManagedEndpoint ${endpoint.node.path}`,
    latency: modelLatencyMetric(endpoint),
    latencyUnit: cloudwatch.Unit.MICROSECONDS,
    // The SLO builds the 5xx rate with its minimum request count per period (a handful of requests
    // cannot trip the rollback alarm).
    errors: errorsMetric(endpoint, { period: slo.period }),
    requests: invocationsMetric(endpoint, { period: slo.period }),
    // Async: the oldest request's age pages (pagingAlarms) but never rolls a deployment back.
    queueAgeSeconds: endpoint.mode.kind === EndpointModeKind.ASYNC ? endpoint.metricOldestRequestAge({ period: slo.period }) : undefined,
  });
  nameRollbackAlarms(rendered);
  return rendered;
}

/**
 * The SLO on one inference component's own metrics (`AWS/SageMaker`, dimension `InferenceComponentName`:
 * `ModelLatency`, `Invocation5XXErrors`, `Invocations`), so a component's rolling update rolls back on its
 * own health, not on the other models sharing the endpoint. Construct IDs under `scope`: `Slo...`.
 */
export function renderComponentSloAlarms(scope: Construct, laneName: string, slo: ServiceLevelObjective, componentName: string): ServiceLevelObjectiveResources {
  const metric = (metricName: string, props: cloudwatch.MetricOptions) =>
    new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap: { InferenceComponentName: componentName }, ...props });
  const rendered = slo.render(scope, 'Slo', {
    laneName,
    latency: metric('ModelLatency', { statistic: 'Average', unit: cloudwatch.Unit.MICROSECONDS }),
    latencyUnit: cloudwatch.Unit.MICROSECONDS,
    errors: metric('Invocation5XXErrors', { statistic: 'Sum', period: slo.period }),
    requests: metric('Invocations', { statistic: 'Sum', period: slo.period }),
  });
  nameRollbackAlarms(rendered);
  return rendered;
}

/**
 * The endpoint's (or component's) DeploymentConfig names these alarms and the alarms watch it: one side
 * must be a literal to avoid a cycle. Alarms get deterministic names (as aws-cdk's ECS deployment alarms
 * do), so the endpoint keeps a CloudFormation-generated name.
 */
function nameRollbackAlarms(rendered: ServiceLevelObjectiveResources): void {
  for (const alarm of rendered.rollbackAlarms) {
    // Unique per construct path, led by the stack name (Names uses the stack's name, not its id).
    (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmName = Names.uniqueResourceName(alarm, { maxLength: 255, separator: '-' });
  }
}

/**
 * An alarm's name as a literal when its L1 has one (so an alarm that watches this endpoint does not
 * form a cycle with the endpoint naming it), else its `alarmName` (a reference).
 */
function literalAlarmName(alarm: cloudwatch.IAlarm): string {
  const cfn = alarm.node.defaultChild;
  if (cfn instanceof cloudwatch.CfnAlarm && cfn.alarmName !== undefined && !Token.isUnresolved(cfn.alarmName)) {
    return cfn.alarmName;
  }
  return alarm.alarmName;
}

/** The name of an SLO alarm (set by {@link renderSloAlarms}). */
function sloAlarmName(alarm: cloudwatch.IAlarm): string {
  return (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmName!;
}

/** The alarms a deployment rolls back on: the SLO's rollback alarms, then the rollout's own. */
export function rollbackAlarmNames(sloAlarms: cloudwatch.IAlarm[], rolloutAlarms: cloudwatch.IAlarm[]): string[] {
  return [...sloAlarms.map(sloAlarmName), ...rolloutAlarms.map(literalAlarmName)];
}

/**
 * SageMaker reads the rollback alarms with the execution role during a deployment
 * (`cloudwatch:DescribeAlarms`; without it, the guardrails cannot see an alarm fire). Exactly those
 * alarms: ARNs built from their literal names (a reference to an alarm that watches this endpoint
 * would form a cycle through the role's policy and the model).
 */
export function grantDescribeAlarms(scope: IConstruct, role: iam.IRole, sloAlarms: cloudwatch.IAlarm[], extra: cloudwatch.IAlarm[]): void {
  const stack = Stack.of(scope);
  const arnOf = (name: string) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const arns = [
    ...sloAlarms.map(a => arnOf(sloAlarmName(a))),
    ...extra.map(a => {
      const cfn = a.node.defaultChild;
      const name = cfn instanceof cloudwatch.CfnAlarm ? cfn.alarmName : undefined;
      // Alarms of this app with a literal name: ARN from the name; imported alarms: their ARN.
      return name !== undefined && !Token.isUnresolved(name) ? arnOf(name) : a.alarmArn;
    }),
  ];
  if (arns.length === 0) { return; }
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: arns }));
}
