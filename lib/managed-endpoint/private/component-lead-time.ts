import { Duration } from 'aws-cdk-lib';
import { AutoscalingPolicy, LeadTimeStep, ScaleOutLeadTime, TriggerKind } from '../../core';
import { EndpointMode } from '../endpoint-mode';
import { INSTANCE_STEPS } from './lead-time';

/**
 * The scale-out lead time of an inference-component endpoint: from demand to a new copy serving. A copy
 * that fits on a running instance only loads the model; one that does not waits for managed instance
 * scaling to launch an instance first. The lead time states the slower path (the one scale to zero always
 * takes), with the same typical figures as the lane's instance path (private/lead-time.ts). Internal.
 */

const ZERO_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html';

export function componentLeadTime(mode: EndpointMode, policy: AutoscalingPolicy | undefined): ScaleOutLeadTime {
  const steps: LeadTimeStep[] = [];
  const trigger = triggerStep(policy);
  if (trigger) {
    steps.push(trigger);
    steps.push({
      step: 'scaling activity (DesiredCopyCount)',
      duration: Duration.seconds(INSTANCE_STEPS.activitySeconds),
      source: 'typical, not published: the alarm invokes the policy at once and Application Auto Scaling raises the component\'s DesiredCopyCount',
    });
  }
  steps.push({
    step: `instance launch by managed instance scaling (${mode.instance?.instanceType}; skipped when a running instance has room for the copy)`,
    duration: Duration.seconds(INSTANCE_STEPS.launchSeconds),
    source: `typical, not published (the same figure as the lane's instance path); from zero SageMaker says the provisioning "takes several minutes" (${ZERO_DOC})`,
  });
  steps.push({
    step: 'model download + load into the new copy',
    duration: Duration.seconds(INSTANCE_STEPS.modelLoadSeconds),
    source: 'default, not derived: the artifact\'s size is not known at synth (bounded by modelDataDownloadTimeout and containerStartupHealthCheckTimeout of the mode)',
  });
  return ScaleOutLeadTime.of(steps);
}

function triggerStep(policy: AutoscalingPolicy | undefined): LeadTimeStep | undefined {
  if (!policy || policy.isFixed) { return undefined; }
  if (policy.scaleToZero) {
    return {
      step: 'no-capacity alarm (NoCapacityInvocationFailures, 1 × 1 min; the requests that wake the component fail)',
      duration: Duration.minutes(1),
      source: `props.autoscaling.scaleToZero: the lane's wake-up alarm (1 of 1 one-minute datapoint; its step policy adds one copy), AWS's documented pattern (${ZERO_DOC})`,
    };
  }
  if (policy.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE)) {
    return {
      step: 'scale-out alarm (ConcurrentRequestsPerCopy high resolution, 3 × 10 s)',
      duration: Duration.seconds(30),
      source: 'props.autoscaling (inFlightPerInstance, per copy): SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution, 10-second datapoints; target tracking\'s scale-out alarm needs 3 of 3 above the target',
    };
  }
  return {
    step: 'scale-out alarm (InvocationsPerCopy, 3 × 1 min)',
    duration: Duration.minutes(3),
    source: 'props.autoscaling (requestsPerInstance, per copy): SageMakerInferenceComponentInvocationsPerCopy, a one-minute metric; target tracking\'s scale-out alarm needs 3 of 3 above the target',
  };
}
