import { Duration } from 'aws-cdk-lib';
import { AutoscalingPolicy, LeadTimeStep, ScaleOutLeadTime, TriggerKind } from '../../core';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';

/**
 * The managed endpoint's scale-out lead time: from demand above the target to a new instance serving,
 * step by step with the source of each figure. Internal. See the README section "Scale-out lead time".
 */

const DOCS = 'https://docs.aws.amazon.com/sagemaker/latest/dg';
const TARGET_TRACKING_DOC = 'https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html';
/** Target tracking's scale-out alarm (AlarmHigh) needs 3 of 3 datapoints above the target. */
const TT_DATAPOINTS = 3;
const TT_SOURCE = `Application Auto Scaling target tracking: its scale-out alarm fires on 3 of 3 datapoints above the target (${TARGET_TRACKING_DOC}; the AlarmHigh alarm it creates)`;

/** One step per instance path, typical figures (AWS publishes none). Same total as the simulator's 360 s SageMaker arrival. */
export const INSTANCE_STEPS = {
  activitySeconds: 10,
  launchSeconds: 240,
  modelLoadSeconds: 120,
};
/** Serverless: "The model must download and the server must respond successfully to /ping within 3 minutes." */
export const SERVERLESS_COLD_START_BOUND = Duration.minutes(3);

/** The lead time of an endpoint in `mode` scaled by `policy` (undefined: one fixed instance); not stated for other modes. */
export function endpointLeadTime(mode: EndpointMode, policy: AutoscalingPolicy | undefined): ScaleOutLeadTime {
  if (mode.kind === EndpointModeKind.SERVERLESS) {
    // On-demand capacity serves a request beyond the warm (provisioned) concurrency at once, after a
    // cold start; provisioned-concurrency scaling (3 one-minute datapoints, then allocation) comes later.
    return ScaleOutLeadTime.of([{
      step: 'serverless cold start',
      duration: SERVERLESS_COLD_START_BOUND,
      source: `documented upper bound for new compute, model download and a healthy /ping: ${DOCS}/serverless-endpoints-invoke.html ("must download and respond to /ping within 3 minutes"); measure yours with the ModelSetupTime metric`,
    }]);
  }
  if (mode.kind !== EndpointModeKind.REAL_TIME && mode.kind !== EndpointModeKind.ASYNC) {
    // A mode this file does not know (e.g. one added later) states nothing rather than the instance path.
    return ScaleOutLeadTime.notStated();
  }
  const steps: LeadTimeStep[] = [];
  const alarm = triggerStep(mode, policy);
  if (alarm) {
    steps.push(alarm);
    steps.push({
      step: 'scaling activity',
      duration: Duration.seconds(INSTANCE_STEPS.activitySeconds),
      source: 'typical, not published: the alarm invokes the policy at once and Application Auto Scaling calls UpdateEndpointWeightsAndCapacities (DescribeScalingActivities shows its start)',
    });
  }
  steps.push({
    step: `instance launch + container start (${mode.instance?.instanceType})`,
    duration: Duration.seconds(INSTANCE_STEPS.launchSeconds),
    source: 'typical, not published (no SageMaker page states a launch time): provision the instance, pull the image, start the server; with the model load it is the simulator\'s 360 s SageMaker arrival (lib/simulation/platform.ts). Replace with what you measure',
  });
  steps.push({
    step: 'model download + load',
    duration: Duration.seconds(INSTANCE_STEPS.modelLoadSeconds),
    source: 'default, not derived: the artifact\'s size is not known at synth (until /ping succeeds; the mode\'s modelDataDownloadTimeout and containerStartupHealthCheckTimeout bound it)',
  });
  return ScaleOutLeadTime.of(steps);
}

/**
 * The alarm that starts a scale-out, the fastest of the policy's triggers (any one scales out).
 * Async with scale to zero: the path out of zero, the lane's HasBacklogWithoutCapacity alarm.
 */
function triggerStep(mode: EndpointMode, policy: AutoscalingPolicy | undefined): LeadTimeStep | undefined {
  if (!policy || policy.isFixed) { return undefined; }
  if (mode.kind === EndpointModeKind.ASYNC && policy.scaleToZero) {
    return {
      step: 'scale-out-from-zero alarm (HasBacklogWithoutCapacity, 2 × 1 min)',
      duration: Duration.minutes(2),
      source: 'props.autoscaling.scaleToZero: the lane\'s scale-out-from-zero alarm (2 of 2 one-minute datapoints; its step policy adds the first instance)',
    };
  }
  const candidates: LeadTimeStep[] = [];
  for (const t of policy.triggers) {
    switch (t.kind) {
      case TriggerKind.IN_FLIGHT_PER_INSTANCE:
        candidates.push({
          step: 'scale-out alarm (ConcurrentRequestsPerModel, 3 × 10 s)',
          duration: Duration.seconds(TT_DATAPOINTS * 10),
          source: `props.autoscaling (inFlightPerInstance); 10-second datapoints: ${DOCS}/endpoint-auto-scaling-add-code-define.html; ${TT_SOURCE}`,
        });
        break;
      case TriggerKind.TIME_IN_QUEUE:
        candidates.push({
          step: 'time-in-queue alarm (ApproximateAgeOfOldestRequest, 1 × 1 min)',
          duration: Duration.minutes(1),
          source: 'props.autoscaling (timeInQueue): the lane\'s step-scaling alarm (evaluationPeriods 1, period 1 minute)',
        });
        break;
      default: {
        const metric = ({
          [TriggerKind.REQUESTS_PER_INSTANCE]: 'InvocationsPerInstance',
          [TriggerKind.CPU_UTILIZATION]: 'CPUUtilization',
          [TriggerKind.GPU_UTILIZATION]: 'GPUUtilization',
          [TriggerKind.QUEUE_BACKLOG_PER_INSTANCE]: 'ApproximateBacklogSizePerInstance',
        } as Record<string, string>)[t.kind] ?? t.kind;
        candidates.push({
          step: `scale-out alarm (${metric}, 3 × 1 min)`,
          duration: Duration.minutes(TT_DATAPOINTS),
          source: `props.autoscaling (${t.toString()}): a one-minute metric; ${TT_SOURCE}`,
        });
      }
    }
  }
  if (candidates.length === 0) { return undefined; }
  return candidates.reduce((a, b) => (b.duration.toSeconds() < a.duration.toSeconds() ? b : a));
}
