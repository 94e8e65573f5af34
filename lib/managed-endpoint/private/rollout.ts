import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { Rollout, RolloutStrategy } from '../../core';
import { checkInteger, invalid, isConcreteNumber } from '../../core/private/errors';
import { rejectFinalBakeTime } from '../../core/private/rollout-checks';
import { describeDuration } from '../../core/private/validation';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import { RollingUpdateOptions } from '../rolling-update';
import { checkSeconds } from './checks';
import { grantDescribeAlarms, rollbackAlarmNames } from './rollback-alarms';

/**
 * How a new version takes over: the rollout / rolling update checks and the endpoint's
 * `DeploymentConfig` (blue/green traffic shifting or rolling batches, with alarm rollback). Internal.
 */

/** BlueGreenUpdatePolicy / RollingUpdatePolicy MaximumExecutionTimeoutInSeconds range (botocore: 600-28800). */
const MIN_EXECUTION_TIMEOUT = 600;
const MAX_EXECUTION_TIMEOUT = 28800;

/** The props that decide how an update rolls out. */
export interface RolloutProps {
  readonly rollout?: Rollout;
  readonly rollingUpdate?: RollingUpdateOptions;
  /** Whether the endpoint has a shadow variant (rolling updates exclude multi-variant endpoints). */
  readonly hasShadow: boolean;
}

/** A rolling update for messages, e.g. `20% batches, 1 minute apart`. */
export function describeRolling(r: RollingUpdateOptions): string {
  const wait = r.waitInterval instanceof Duration ? describeDuration(r.waitInterval) : String(r.waitInterval);
  const batch = r.maximumBatchPercent !== undefined || r.maximumBatchCopies === undefined ? `${r.maximumBatchPercent}%` : `${r.maximumBatchCopies}-copy`;
  return `${batch} batches, ${wait} apart`;
}

/** Reject a rollout or rolling update SageMaker's deployment guardrails cannot run. */
export function validateRollout(scope: IConstruct, mode: EndpointMode, props: RolloutProps, info: InstanceTypeInfo | undefined, initialCount: number): void {
  const rollout = props.rollout;
  if (rollout && mode.kind === EndpointModeKind.SERVERLESS) {
    throw invalid(scope, 'rollout', rollout.toString(), 'cannot be honoured on a serverless endpoint: SageMaker deployment guardrails (blue/green traffic shifting, baking and alarm rollback) apply to real-time and asynchronous endpoints only',
      'Drop rollout (serverless updates replace the variant without guardrails), or use EndpointMode.realTime(...) for guarded rollouts with alarm rollback.');
  }
  if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
    validateTrafficShift(scope, rollout, info, initialCount);
  }
  if (props.rollingUpdate) {
    validateRollingUpdate(scope, props.rollingUpdate, rollout, info, props.hasShadow);
  }
}

function validateTrafficShift(scope: IConstruct, rollout: Rollout, info: InstanceTypeInfo | undefined, initialCount: number): void {
  if (info?.inf1) {
    throw invalid(scope, 'rollout', rollout.toString(), `cannot run on ${info.name}: SageMaker deployment guardrails exclude Inf1 instances and silently fall back to all-at-once`, 'Use Rollout.allAtOnce(...), or an ml.inf2 / GPU instance type.');
  }
  if (isConcreteNumber(rollout.percent) && !Number.isInteger(rollout.percent)) {
    throw invalid(scope, rollout.strategy === RolloutStrategy.CANARY ? 'rollout.percent' : 'rollout.stepPercent', rollout.percent, "must be a whole percent: SageMaker's CapacitySize value is an integer", `Pass ${Math.round(rollout.percent)}.`);
  }
  // A token share (e.g. a CfnParameter) is unknown: rendered as given, its range left to SageMaker.
  if (rollout.strategy === RolloutStrategy.CANARY && isConcreteNumber(rollout.percent) && rollout.percent > 50) {
    throw invalid(scope, 'rollout.percent', rollout.percent, 'is above 50: SageMaker canaries may take at most half of the new fleet', 'Pass a canary share from 1 to 50 percent.');
  }
  if (rollout.strategy === RolloutStrategy.LINEAR && isConcreteNumber(rollout.percent) && (rollout.percent < 10 || rollout.percent > 50)) {
    throw invalid(scope, 'rollout.stepPercent', rollout.percent, 'is outside 10-50: SageMaker linear steps must be 10-50% of the new fleet', 'Pass a step from 10 to 50 percent.');
  }
  if (isConcreteNumber(initialCount) && initialCount < 2) {
    throw invalid(scope, 'rollout', rollout.toString(), `needs at least 2 instances to shift part of the traffic (the fleet starts with ${initialCount}; a canary or step may be at most half of it)`, 'Raise autoscaling.minCapacity to 2 or more, or use Rollout.allAtOnce(...).');
  }
}

function validateRollingUpdate(scope: IConstruct, rolling: RollingUpdateOptions, rollout: Rollout | undefined, info: InstanceTypeInfo | undefined, hasShadow: boolean): void {
  if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
    throw invalid(scope, 'rollingUpdate', describeRolling(rolling), `conflicts with rollout ${rollout.toString()}: an update is either blue/green or rolling`, 'Drop rollingUpdate, or pass Rollout.allAtOnce({ alarms }) for the rollback alarms only.');
  }
  if (info?.inf1) {
    throw invalid(scope, 'rollingUpdate', describeRolling(rolling), `cannot run on ${info.name}: SageMaker deployment guardrails exclude Inf1 instances`, 'Drop rollingUpdate.');
  }
  if (rollout) {
    rejectFinalBakeTime(scope, rollout, 'a rolling update has no final bake (SageMaker bakes each batch for rollingUpdate.waitInterval)',
      'lengthen rollingUpdate.waitInterval to watch each batch longer, or use a blue/green rollout without rollingUpdate.');
  }
  if (hasShadow) {
    throw invalid(scope, 'rollingUpdate', describeRolling(rolling), 'cannot run with a shadow variant: SageMaker rolling updates exclude multi-variant endpoints', 'Drop rollingUpdate or the shadow variant.');
  }
  if (rolling.maximumBatchCopies !== undefined) {
    throw invalid(scope, 'rollingUpdate.maximumBatchCopies', rolling.maximumBatchCopies, 'applies to inference components only: an endpoint rolling update replaces instances in percent batches',
      'Pass maximumBatchPercent (5-50), or use EndpointMode.inferenceComponents(...).');
  }
  if (rolling.maximumBatchPercent === undefined) {
    throw invalid(scope, 'rollingUpdate.maximumBatchPercent', undefined, 'is required (RollingUpdatePolicy.MaximumBatchSize)', 'Pass a batch of 5 to 50 percent of the fleet, e.g. 20.');
  }
  checkInteger(scope, 'rollingUpdate.maximumBatchPercent', rolling.maximumBatchPercent, 5, 50, 'Pass a batch of 5 to 50 percent of the fleet.');
  checkInteger(scope, 'rollingUpdate.rollbackMaximumBatchPercent', rolling.rollbackMaximumBatchPercent, 1, 100);
  if (rolling.waitInterval === undefined) {
    throw invalid(scope, 'rollingUpdate.waitInterval', undefined, 'is required (RollingUpdatePolicy.WaitIntervalInSeconds): each batch bakes this long while the alarms are watched', 'Pass e.g. waitInterval: Duration.minutes(5).');
  }
  checkSeconds(scope, 'rollingUpdate.waitInterval', rolling.waitInterval, 0, 3600, 'RollingUpdatePolicy.WaitIntervalInSeconds');
  checkSeconds(scope, 'rollingUpdate.maximumExecutionTimeout', rolling.maximumExecutionTimeout, MIN_EXECUTION_TIMEOUT, MAX_EXECUTION_TIMEOUT, 'RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds');
}

/**
 * The endpoint's `DeploymentConfig`: blue/green (all at once, canary, linear) or rolling, rolling back
 * on the SLO's alarms plus the rollout's own (unless `autoRollback: false`); the role may describe them.
 */
export function renderDeploymentConfig(scope: IConstruct, role: iam.IRole, props: RolloutProps, sloAlarms: cloudwatch.IAlarm[]): sagemaker.CfnEndpoint.DeploymentConfigProperty | undefined {
  const rollout = props.rollout;
  const rolling = props.rollingUpdate;
  if (!rollout && !rolling) { return undefined; }
  const autoRollback = rollout?.autoRollback ?? true;
  const alarmNames = autoRollback ? rollbackAlarmNames(sloAlarms, rollout?.alarms ?? []) : [];
  if (autoRollback && alarmNames.length === 0) {
    throw invalid(scope, 'rollout', rollout?.toString() ?? 'rollingUpdate', 'rolls back automatically but has no alarm to roll back on', 'Pass an slo (its latency/error alarms roll back), alarms in the Rollout, or autoRollback: false.');
  }
  if (alarmNames.length > 10) {
    throw invalid(scope, 'rollout.alarms', alarmNames.length, 'exceeds the 10 alarms SageMaker watches during a deployment (SLO alarms count too)', 'Combine alarms into a CompositeAlarm, or pass fewer.');
  }
  const autoRollbackConfiguration = alarmNames.length > 0 ? { alarms: alarmNames.map(alarmName => ({ alarmName })) } : undefined;
  if (autoRollback) { grantDescribeAlarms(scope, role, sloAlarms, rollout?.alarms ?? []); }
  if (rolling) {
    return {
      autoRollbackConfiguration,
      rollingUpdatePolicy: {
        maximumBatchSize: { type: 'CAPACITY_PERCENT', value: rolling.maximumBatchPercent! },
        waitIntervalInSeconds: rolling.waitInterval.toSeconds(),
        rollbackMaximumBatchSize: rolling.rollbackMaximumBatchPercent !== undefined ? { type: 'CAPACITY_PERCENT', value: rolling.rollbackMaximumBatchPercent } : undefined,
        maximumExecutionTimeoutInSeconds: rolling.maximumExecutionTimeout?.toSeconds(),
      },
    };
  }
  return { autoRollbackConfiguration, blueGreenUpdatePolicy: renderBlueGreen(scope, rollout!) };
}

/**
 * Blue/green: where the bakes go.
 *
 * - ALL_AT_ONCE: the final bake is the baking period, `TrafficRoutingConfiguration.WaitIntervalInSeconds`
 *   (SageMaker guide, all at once traffic shifting: "Once the green fleet starts receiving traffic, the baking
 *   period begins ... If any alarms trip during the baking period, then an auto-rollback initiates");
 *   `TerminationWaitInSeconds` 0. Earlier versions rendered it as `TerminationWaitInSeconds`, which SageMaker does
 *   not watch with alarms: the all-at-once shift was never watched at all.
 * - CANARY / LINEAR: each step bakes for `WaitIntervalInSeconds` (watched); the final bake stays
 *   `TerminationWaitInSeconds`: after the last shift SageMaker keeps the old fleet that long (a manual rollback
 *   target) WITHOUT watching the alarms (API: "Additional waiting time ... after the completion of an endpoint
 *   deployment before terminating the old endpoint fleet"; the guides name the baking periods only).
 */
function renderBlueGreen(scope: IConstruct, r: Rollout): sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty {
  const allAtOnce = r.strategy === RolloutStrategy.ALL_AT_ONCE;
  const bake = r.finalBakeTime.toSeconds();
  // Both fields take 0-3600 s (botocore TrafficRoutingConfig.WaitIntervalInSeconds, TerminationWaitInSeconds): the
  // Rollout itself rejects a finalBakeTime above 1 hour (LaneValidationError on 'finalBakeTime'); a token passes.
  const wait = allAtOnce ? bake : r.stepInterval?.toSeconds() ?? 0;
  const termination = allAtOnce ? 0 : bake;
  // Waits that SageMaker sits through: one per step (one for a canary, ceil(100 / step) for linear, the baking
  // period all at once) plus the termination wait.
  const steps = allAtOnce ? 1 : r.linearStepCount;
  // Waits plus an hour to provision the new fleet, within the API's 600 - 28,800 s
  // (BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds). Unknown (a token) step count or wait:
  // no timeout is rendered (SageMaker's default applies; token arithmetic would render a wrong number).
  const known = steps !== undefined && !Token.isUnresolved(wait) && !Token.isUnresolved(termination);
  const timeout = known ? Math.max(MIN_EXECUTION_TIMEOUT, steps * wait + termination + 3600) : undefined;
  if (known && timeout! > MAX_EXECUTION_TIMEOUT) {
    throw invalid(scope, 'rollout', r.toString(), `waits ${Duration.seconds(steps * wait + termination).toHumanString()} in total; with an hour to provision the new fleet that exceeds SageMaker's 8-hour deployment limit (MaximumExecutionTimeoutInSeconds <= 28800)`, 'Use fewer or shorter steps, or a shorter final bake.');
  }
  const routing: sagemaker.CfnEndpoint.TrafficRoutingConfigProperty = r.strategy === RolloutStrategy.CANARY
    ? { type: 'CANARY', waitIntervalInSeconds: wait, canarySize: { type: 'CAPACITY_PERCENT', value: r.percent } }
    : r.strategy === RolloutStrategy.LINEAR
      ? { type: 'LINEAR', waitIntervalInSeconds: wait, linearStepSize: { type: 'CAPACITY_PERCENT', value: r.percent } }
      // The API requires WaitIntervalInSeconds for every type (the CloudFormation schema does not say so).
      : { type: 'ALL_AT_ONCE', waitIntervalInSeconds: wait };
  return {
    trafficRoutingConfiguration: routing,
    terminationWaitInSeconds: termination,
    maximumExecutionTimeoutInSeconds: timeout,
  };
}
