import { Duration, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AutoscalingPolicy, DynamicBatching, HardwareTarget, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers } from '../../lib/batch-workers';
import { demoArtifact } from '../shared/artifact';

/**
 * The seed's document-understanding model draining bursts of large files.
 *
 * - A fixed worker budget: at most 6 Fargate workers (4 vCPU, 16 GB), none while the queue is
 *   idle; the first job scales out from zero.
 * - Backlog per worker (10 documents) sets the pace; a time-in-queue trigger (5 minutes) adds
 *   workers in steps when documents wait too long; the two compose (tracking only scales out,
 *   scale-in steps wait until both agree); once the queue has been idle for 2 minutes (nothing
 *   waiting, in flight or received) every worker leaves in one step (idleScaleInAfter, default).
 *   The SLO's time in queue (30 minutes) pages; it is not a deployment alarm (queue age measures
 *   capacity, not the new version).
 * - The SLO's error rate (1% of jobs) is the deployment alarm: failure reports ÷ all reports (S3
 *   request metrics on the results and failures prefixes, 5-minute window, one-sided test once 100
 *   jobs finished); ECS rolls a deployment back when it fires (issue 17 rollout trials).
 * - The month-end burst is known: a schedule keeps 2 workers warm on the last day of the month.
 * - A document may take up to 10 minutes, longer than Fargate's 120-second stop timeout, so
 *   workers turn on ECS task scale-in protection while they hold a job: scale-in and
 *   deployments wait for the job instead of killing it.
 * - A job that fails 3 times lands in the dead-letter queue (alarmed), nothing is lost.
 */
export function createDocumentBatchStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, props);
  new QueueDrainedWorkers(stack, 'DocumentWorkers', {
    artifact: demoArtifact(),
    jobTimeout: Duration.minutes(10),
    inFlightJobs: InFlightJobHandling.PROTECT_TASK,
    maxReceiveCount: 3,
    cpu: 4096,
    memoryLimitMiB: 16384,
    autoscaling: new AutoscalingPolicy({
      maxCapacity: 6,
      scaleToZero: true,
      triggers: [
        ScalingTrigger.queueBacklogPerInstance(10),
        ScalingTrigger.timeInQueue(Duration.minutes(5)),
      ],
      scaleOutCooldown: Duration.minutes(2),
      scaleInCooldown: Duration.minutes(1),
      schedules: [{
        name: 'month-end',
        start: { minute: '0', hour: '6', day: 'L', month: '*', year: '*' },
        end: { minute: '0', hour: '20', day: 'L', month: '*', year: '*' },
        minCapacity: 2,
      }],
    }),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30), { evaluationPeriods: 5, maxErrorRatePercent: 1 }),
    rollout: Rollout.allAtOnce(),
  });

  // No cdk-nag suppressions: the lane acknowledges the findings of its own design (lib/batch-workers/README.md).
  return stack;
}

/**
 * The same documents' scanned pages through the GPU layout model (issue 19): GPU workers on Amazon ECS
 * Managed Instances, with dynamic batching.
 *
 * - Capacity: ECS Managed Instances of g5.xlarge (1 NVIDIA A10G each, 1 worker per instance), 150 GiB
 *   task volume for the GPU serving image; no Auto Scaling group, no AMI to track; the infrastructure
 *   role's policy is written out and scoped to this lane (no AWS managed policy).
 * - Batching: a worker fills a batch of up to 16 pages (two SQS receives of at most 10) within 2
 *   seconds of the first page, then runs the batch as one inference (about +40% pages per GPU-hour,
 *   the seed's figure, stated for the planner). The visibility timeout covers the fill delay and the
 *   batch: 5 minutes + 2 s + 30 s.
 * - Scaling stays in pages: 32 waiting pages per worker (two full batches), a time-in-queue step at 5
 *   minutes, zero workers while idle; scale-out lead time from zero is stated (about 9 minutes: a
 *   GPU instance, a large image, the model) and the dashboard draws desired - running workers.
 * - Long batches on EC2 capacity: stopTimeout is the job timeout, and workers protect their task
 *   while they hold a batch (scale-in and deployments wait).
 */
export function createDocumentGpuBatchStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, props);
  new QueueDrainedWorkers(stack, 'PageWorkers', {
    artifact: demoArtifact(),
    hardware: HardwareTarget.NVIDIA_GPU,
    gpuCapacity: GpuCapacity.managedInstances({ taskVolumeSize: Size.gibibytes(150) }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE),
    jobTimeout: Duration.minutes(5),
    inFlightJobs: InFlightJobHandling.PROTECT_TASK,
    dynamicBatching: new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.seconds(2), throughputGainPercent: 40 }),
    imagePullTime: Duration.minutes(3),
    autoscaling: new AutoscalingPolicy({
      maxCapacity: 4,
      scaleToZero: true,
      triggers: [
        ScalingTrigger.queueBacklogPerInstance(32),
        ScalingTrigger.timeInQueue(Duration.minutes(5)),
      ],
      scaleOutCooldown: Duration.minutes(3),
      scaleInCooldown: Duration.minutes(2),
    }),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)),
    rollout: Rollout.allAtOnce(),
  });
  return stack;
}
