import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AutoscalingPolicy, TriggerKind } from '../../core/autoscaling';
import { LeadTimeStep, ScaleOutLeadTime } from '../../core/lead-time';
import { GpuCapacityKind } from '../gpu-capacity';

/**
 * The batch lane's cold start as a contract: the steps from "jobs wait" to "a new worker receives
 * jobs", derived from the lane's props, each with its source; and the capacity-lag metric (desired
 * minus running workers). Internal to the batch-workers lane.
 */

/** Documentation the figures come from. */
const SOURCES = {
  sqsMetrics: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html (SQS sends queue metrics to CloudWatch at one-minute intervals)',
  targetTracking: 'https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html (the high alarm Application Auto Scaling creates: 3 of 3 one-minute datapoints)',
  asgManagedScaling: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html (CapacityProviderReservation, one-minute scale-out alarm of managed scaling)',
  instanceLaunch: 'estimate: EC2 GPU instance launch, boot of the ECS GPU AMI and agent registration (3 minutes; the lane does not measure it)',
  managedInstances: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html (ECS launches an instance for a task waiting for capacity); estimate: launch, boot and registration, 3 minutes',
  fargate: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate.html; estimate: task provisioning and network interface attachment, 1 minute (Fargate states no figure)',
  imagePullGpu: 'estimate: a GPU serving image (Deep Learning Container, 10-20 GB) from ECR at about 100 MB/s, 3 minutes; state yours with imagePullTime',
  imagePullCpu: 'estimate: a CPU serving image (2-5 GB) from ECR, 1 minute; state yours with imagePullTime',
  scheduler: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html (the service scheduler replaces a stopped task to keep the desired count); estimate: 10 seconds',
  modelLoad: 'estimate: weights from S3 (MODEL_S3_URI) and load, 1 minute; state yours with modelLoadTime',
};

/** What the lead time is derived from. @internal */
export interface LeadTimeInputs {
  readonly policy: AutoscalingPolicy;
  readonly onFargate: boolean;
  readonly gpuCapacity?: GpuCapacityKind;
  readonly imagePullTime?: Duration;
  readonly modelLoadTime?: Duration;
}

/**
 * The steps of the lane's fastest scale-out path: the metric reaches CloudWatch, the alarm of the
 * policy that acts first evaluates (the wake-up from zero or the time-in-queue step: 1 one-minute
 * period; backlog or CPU target tracking alone: 3), Application Auto Scaling raises the desired count,
 * capacity arrives (Fargate task, or a GPU instance), the image is pulled, the model loads.
 * A fixed worker budget never scales out: it states the time to replace a stopped worker.
 * @internal
 */
export function workerLeadTime(i: LeadTimeInputs): ScaleOutLeadTime {
  const p = i.policy;
  const steps: LeadTimeStep[] = [];
  if (p.isFixed) {
    // A fixed budget never scales out: what it states is the time to bring a replacement worker into service.
    steps.push({ step: 'ECS service scheduler starts a replacement worker (fixed budget: no scale-out)', duration: Duration.seconds(10), source: SOURCES.scheduler });
  } else {
    steps.push({ step: 'SQS metric published', duration: Duration.minutes(1), source: SOURCES.sqsMetrics });
  }
  if (p.isFixed) {
    // no alarm: the scheduler acts on a stopped task
  } else if (p.scaleToZero || p.trigger(TriggerKind.TIME_IN_QUEUE)) {
    const which = p.scaleToZero ? 'ScaleOutFromZero' : 'TimeInQueueScaleOut';
    steps.push({ step: `alarm evaluation and Application Auto Scaling (${which})`, duration: Duration.minutes(1), source: `the lane's ${which} alarm: 1 of 1 one-minute period (props.autoscaling)` });
  } else {
    steps.push({ step: 'alarm evaluation and Application Auto Scaling (target tracking)', duration: Duration.minutes(3), source: SOURCES.targetTracking });
  }
  if (i.onFargate) {
    steps.push({ step: 'Fargate task start', duration: Duration.minutes(1), source: SOURCES.fargate });
  } else if (i.gpuCapacity === GpuCapacityKind.AUTO_SCALING_GROUP) {
    steps.push({ step: 'capacity provider managed scaling alarm', duration: Duration.minutes(1), source: SOURCES.asgManagedScaling });
    steps.push({ step: 'GPU instance launch and registration', duration: Duration.minutes(3), source: SOURCES.instanceLaunch });
  } else {
    steps.push({ step: 'ECS Managed Instances GPU instance launch and registration', duration: Duration.minutes(3), source: SOURCES.managedInstances });
  }
  steps.push(i.imagePullTime
    ? { step: 'image pull', duration: i.imagePullTime, source: 'props.imagePullTime (stated by the user)' }
    : { step: 'image pull', duration: Duration.minutes(i.onFargate ? 1 : 3), source: i.onFargate ? SOURCES.imagePullCpu : SOURCES.imagePullGpu });
  steps.push(i.modelLoadTime
    ? { step: 'model load', duration: i.modelLoadTime, source: 'props.modelLoadTime (stated by the user)' }
    : { step: 'model load', duration: Duration.minutes(1), source: SOURCES.modelLoad });
  return ScaleOutLeadTime.of(steps);
}

/**
 * Workers asked for and not running yet: `IF(desired > running, desired - running, 0)` on the
 * Container Insights service task counts (missing values count as 0: the service may publish nothing
 * at 0). Metric IDs are unique per lane so several lanes share a dashboard graph.
 * @internal
 */
export function capacityLagMetric(desired: cloudwatch.IMetric, running: cloudwatch.IMetric, ids: { desired: string; running: string },
  props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
  const d = `FILL(${ids.desired}, 0)`;
  const r = `FILL(${ids.running}, 0)`;
  return new cloudwatch.MathExpression({
    expression: `IF(${d} > ${r}, ${d} - ${r}, 0)`,
    usingMetrics: { [ids.desired]: desired, [ids.running]: running },
    label: props?.label ?? 'Workers on their way (desired - running)',
    period: props?.period ?? Duration.minutes(1),
    ...(props?.color ? { color: props.color } : {}),
  });
}
