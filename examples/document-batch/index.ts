import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
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
 *   scale-in steps wait until both agree). The SLO (30 minutes) pages; it is not a deployment
 *   alarm (queue age measures capacity, not the new version).
 * - The month-end burst is known: a schedule keeps 2 workers warm on the last day of the month.
 * - A document may take up to 10 minutes, longer than Fargate's 120-second stop timeout, so
 *   workers turn on ECS task scale-in protection while they hold a job: scale-in and
 *   deployments wait for the job instead of killing it.
 * - A job that fails 3 times lands in the dead-letter queue (alarmed), nothing is lost.
 */
export function createDocumentBatchStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, props);
  const workers = new QueueDrainedWorkers(stack, 'DocumentWorkers', {
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
      scaleInCooldown: Duration.minutes(10),
      schedules: [{
        name: 'month-end',
        start: { minute: '0', hour: '6', day: 'L', month: '*', year: '*' },
        end: { minute: '0', hour: '20', day: 'L', month: '*', year: '*' },
        minCapacity: 2,
      }],
    }),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30), { evaluationPeriods: 5 }),
    rollout: Rollout.allAtOnce(),
  });

  // cdk-nag AwsSolutions findings accepted for this example, each with its reason.
  const results = workers.resultsBucket.node.defaultChild as CfnBucket;
  acknowledge(results, 'AwsSolutions-S1', 'Results are written only by the workers\' task role; CloudTrail S3 data events are the audit trail here. Pass resultsAccessLogsBucket to add server access logs.');
  acknowledge(workers.taskDefinition, 'AwsSolutions-ECS2', 'The worker environment holds only non-secret configuration: queue URL, bucket name, key prefixes, model URI, version and card. No credentials.');
  const policy = workers.taskRole.node.tryFindChild('DefaultPolicy')!;
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as any);
  for (const [finding, reason] of [
    ['Action::kms:GenerateDataKey*', 'SQS and S3 SSE-KMS need GenerateDataKey/GenerateDataKeyWithoutPlaintext on the lane\'s own key only (the resource is that key ARN).'],
    ['Action::kms:ReEncrypt*', 'Granted by Bucket.grantPut for SSE-KMS objects, scoped to the lane\'s own key ARN.'],
    ['Action::s3:Abort*', 'AbortMultipartUpload for large result uploads, scoped to the results/ and failures/ prefixes.'],
    [`Resource::<${logicalId(workers.resultsBucket)}.Arn>/${workers.resultsPrefix}*`, 'Workers write result objects whose keys are job IDs, known only at run time; scoped to the results prefix.'],
    [`Resource::<${logicalId(workers.resultsBucket)}.Arn>/${workers.failuresPrefix}*`, 'Workers write failure reports whose keys are job IDs, known only at run time; scoped to the failures prefix.'],
    [`Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<${logicalId(workers.cluster)}>/*`, 'ECS task scale-in protection is set by each running task on itself; task IDs exist only at run time, so the grant covers this cluster\'s tasks.'],
    // The artifact's weights are a CDK file asset: core binds them with s3assets.Asset.grantRead,
    // which reads the whole bootstrap assets bucket (reported to the core owner).
    ['Action::s3:GetObject*', 'Read of the model weights asset (core ModelArtifact binding via s3assets.Asset.grantRead).'],
    ['Action::s3:GetBucket*', 'Read of the model weights asset (core ModelArtifact binding via s3assets.Asset.grantRead).'],
    ['Action::s3:List*', 'Read of the model weights asset (core ModelArtifact binding via s3assets.Asset.grantRead).'],
    ['Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*', 'CDK bootstrap assets bucket holding the model weights; core binds assets bucket-wide (reported to the core owner).'],
  ] as Array<[string, string]>) {
    acknowledge(policy, `AwsSolutions-IAM5[${finding}]`, reason);
  }
  acknowledge(workers.taskDefinition.executionRole!.node.tryFindChild('DefaultPolicy')!, 'AwsSolutions-IAM5[Resource::*]',
    'ecr:GetAuthorizationToken has no resource-level permissions; image pull itself is scoped to the serving image repository.');
  return stack;
}

function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}
