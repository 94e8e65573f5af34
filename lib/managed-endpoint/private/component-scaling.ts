import { Duration, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { AutoscalingPolicy, TriggerKind } from '../../core';
import { invalid } from '../../core/private/errors';
import { addScheduledActions } from '../../core/private/scheduling';
import { INSTANCE_STEPS } from './lead-time';

/**
 * Copy-count scaling of an inference component: the checks, the Application Auto Scaling target
 * (`inference-component/<name>`, `sagemaker:inference-component:DesiredCopyCount`), target tracking per
 * copy, and the way back from zero copies (a step policy on the `NoCapacityInvocationFailures` alarm,
 * AWS's documented pattern). Internal.
 */

/** The scalable dimension of an inference component. */
export const COPY_COUNT_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';

/** Reject a policy an inference component cannot render (the supported triggers are listed). */
export function validateComponentScaling(scope: IConstruct, prop: string, policy: AutoscalingPolicy): void {
  const asyncOnly = policy.triggers.find(t => t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE || t.kind === TriggerKind.TIME_IN_QUEUE);
  if (asyncOnly) {
    throw invalid(scope, `${prop}.triggers`, asyncOnly.toString(), 'is an asynchronous-endpoint signal: inference components serve real-time requests, they have no request queue',
      'Scale copies on ScalingTrigger.inFlightPerInstance(n) (concurrent requests per copy) or requestsPerInstance(n) (requests per second per copy).');
  }
  policy.validateFor(scope, {
    lane: 'ManagedEndpoint (inference-components; the triggers count per copy)',
    triggers: [TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.REQUESTS_PER_INSTANCE],
    scaleToZero: true,
    schedules: true,
    stepLimits: false,
  });
}

/** True when the policy needs a scalable target (it scales, or has schedules). */
export function componentScales(policy: AutoscalingPolicy): boolean {
  return !(policy.isFixed && policy.schedules.length === 0);
}

/**
 * The copy-count target of one component, under `scope`: `ScalableTarget`, its target-tracking policies
 * (`InFlightPerCopy`, `RequestsPerCopy`), and with scale to zero `ScaleOutFromZero` +
 * `NoCapacityInvocationFailures`. The target waits for the component (its resource ID is a literal name).
 */
export function renderComponentScaling(scope: Construct, component: IConstruct, componentName: string, policy: AutoscalingPolicy): appscaling.ScalableTarget | undefined {
  if (!componentScales(policy)) { return undefined; }
  const target = new appscaling.ScalableTarget(scope, 'ScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    resourceId: `inference-component/${componentName}`,
    scalableDimension: COPY_COUNT_DIMENSION,
    minCapacity: policy.minCapacity,
    maxCapacity: policy.maxCapacity,
    // The service-linked role Application Auto Scaling uses for SageMaker (endpoints and components alike).
    role: iam.Role.fromRoleArn(scope, 'AutoScalingRole', Stack.of(scope).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
    }), { mutable: false }),
  });
  target.node.addDependency(component);
  const cooldowns = { scaleInCooldown: policy.scaleInCooldown, scaleOutCooldown: policy.scaleOutCooldown };
  const inflight = policy.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE);
  if (inflight) {
    target.scaleToTrackMetric('InFlightPerCopy', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION,
      targetValue: policy.effectiveTarget(inflight),
      ...cooldowns,
    });
  }
  const requests = policy.trigger(TriggerKind.REQUESTS_PER_INSTANCE);
  if (requests) {
    // SageMakerInferenceComponentInvocationsPerCopy counts invocations per MINUTE per copy.
    target.scaleToTrackMetric('RequestsPerCopy', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
      targetValue: Math.round(policy.effectiveTarget(requests) * 60 * 1000) / 1000,
      ...cooldowns,
    });
  }
  if (policy.scaleToZero) {
    addScaleOutFromZero(scope, target, componentName, policy);
  }
  addScheduledActions(target, policy);
  return target;
}

/**
 * Target tracking cannot leave zero copies (no copy, no per-copy metric). SageMaker counts requests that
 * found no capacity in `NoCapacityInvocationFailures`; an alarm on it adds one copy, and managed instance
 * scaling starts an instance for it. The requests that woke the component fail (they are not queued).
 */
function addScaleOutFromZero(scope: Construct, target: appscaling.ScalableTarget, componentName: string, policy: AutoscalingPolicy): void {
  const action = new appscaling.StepScalingAction(scope, 'ScaleOutFromZero', {
    scalingTarget: target,
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    cooldown: wakeUpCooldown(policy),
  });
  action.addAdjustment({ adjustment: 1, lowerBound: 0 });
  const alarm = new cloudwatch.Alarm(scope, 'NoCapacityInvocationFailures', {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName: 'NoCapacityInvocationFailures',
      dimensionsMap: { InferenceComponentName: componentName },
      statistic: 'Sum',
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `${scope.node.path}: requests to ${componentName} found no copy; adds one (scale out from zero).`,
  });
  alarm.addAlarmAction(new cwActions.ApplicationScalingAction(action));
}

/**
 * The wake-up policy's cooldown: at least the time the first copy takes to serve (activity, instance launch,
 * model load: the lane's stated figures). Callers retry while the copy starts, so the alarm stays in ALARM
 * and CloudWatch invokes the policy every minute; with the 1-minute scale-out cooldown each invocation
 * would add one more copy (and instances for them) before the first one serves. During the cooldown a
 * further +1 counts the copy already on its way (Application Auto Scaling step scaling), so it adds none.
 * Target tracking is not held back by this cooldown: once a copy serves, it scales on the per-copy metric.
 */
export function wakeUpCooldown(policy: AutoscalingPolicy): Duration {
  const firstCopy = INSTANCE_STEPS.activitySeconds + INSTANCE_STEPS.launchSeconds + INSTANCE_STEPS.modelLoadSeconds;
  return Duration.seconds(Math.max(policy.scaleOutCooldown.toSeconds(), firstCopy));
}
