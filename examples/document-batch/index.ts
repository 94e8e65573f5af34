import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AutoscalingPolicy, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { InFlightJobHandling, QueueDrainedWorkers } from '../../lib/batch-workers';
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
