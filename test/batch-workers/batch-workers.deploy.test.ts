import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AutoscalingPolicy, DynamicBatching, HardwareTarget, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { QueueDrainedWorkers } from '../../lib/batch-workers';
import { LocalDeploy, LocalDeployResult } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';
import { once } from '../once';

/*
 * A real deployment of the batch lane to a local moto server, then a real message round trip with
 * boto3: jobs are sent, received beyond maxReceiveCount without being deleted, and found in the
 * dead-letter queue — nothing lost.
 *
 * The stack is the whole lane: KMS key, queue + DLQ, results bucket, a new VPC (subnets, NAT,
 * flow log), an ECS cluster, task definition and service, scaling and alarms. One difference from
 * the example: the KMS key is created at stack level and passed as `encryptionKey`, because moto's
 * CloudFormation KMS handler crashes on tagged keys (KeyError 'TagKey'), and the lane tags
 * everything it creates.
 *
 * What moto cannot verify, said plainly: it skips AWS::ApplicationAutoScaling::* (no scaling
 * policies exist), AWS::CloudWatch::Alarm (no alarms), AWS::SQS::QueuePolicy and
 * AWS::S3::BucketPolicy (TLS-only policies are not applied); its S3 handler ignores the bucket's
 * VersioningConfiguration and PublicAccessBlockConfiguration; its ECS service ignores the launch
 * type, network and deployment configuration (circuit breaker, deployment alarms) and runs no
 * task. Those are covered by the template assertions, cfn-lint and cdk-nag in the other files.
 */

const MAX_RECEIVE_COUNT = 2;
const JOBS = 6;

let deployment: LocalDeploy | undefined;
let result: LocalDeployResult;
let queueUrl: string;
let dlqUrl: string;

/** Several boto3 calls in one Python process, in order (each sees what the previous ones did). */
const callAll = (...calls: Array<[string, string, object]>) => deployment!.describeAllViaBoto3(JSON.stringify(calls.map(([service, operation, params]) => ({ service, operation, params }))));
const physicalId = (type: string, logicalIdPrefix: string) => {
  const r = result.created.find(c => c.resourceType === type && c.logicalId.startsWith(logicalIdPrefix));
  if (!r) { throw new Error(`${type} ${logicalIdPrefix}* was not created by moto`); }
  return r.physicalId;
};

beforeAll(() => {
  if (!LocalDeploy.isInstalled()) {
    throw new Error("moto_server/python3 not found: pip install 'moto[server]' boto3");
  }
  const app = new App();
  const stack = new Stack(app, 'BatchWorkersLocal');
  const key = new kms.Key(stack, 'JobsKey', { enableKeyRotation: true });
  new QueueDrainedWorkers(stack, 'Workers', {
    artifact: demoArtifact(),
    jobTimeout: Duration.seconds(60),
    maxReceiveCount: MAX_RECEIVE_COUNT,
    encryptionKey: key,
    autoscaling: new AutoscalingPolicy({
      maxCapacity: 3, scaleToZero: true,
      triggers: [ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.timeInQueue(Duration.minutes(2))],
    }),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(15)),
  });
  deployment = LocalDeploy.deployStack(stack, { timeoutSeconds: 300 });
  result = deployment.result;
  // eslint-disable-next-line no-console
  console.log(`batch-workers local deploy: ${result.stackStatus}, ${result.created.length} created, ${result.skipped.length} skipped, timings ${JSON.stringify(result.timings)}`);
  queueUrl = physicalId('AWS::SQS::Queue', 'WorkersQueue');
  dlqUrl = physicalId('AWS::SQS::Queue', 'WorkersDeadLetterQueue');
}, 600_000);

/** What the read-only tests check, read in ONE boto3 process when the first of them runs (each process costs 1-2 s). */
const read = once(() => {
  const [dlqArn, queueAttrs, dlqAttrs, bucketEncryption, taskDefinition, services] = callAll(
    ['sqs', 'get_queue_attributes', { QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }],
    ['sqs', 'get_queue_attributes', { QueueUrl: queueUrl, AttributeNames: ['All'] }],
    ['sqs', 'get_queue_attributes', { QueueUrl: dlqUrl, AttributeNames: ['All'] }],
    ['s3', 'get_bucket_encryption', { Bucket: physicalId('AWS::S3::Bucket', 'WorkersResults') }],
    ['ecs', 'describe_task_definition', { taskDefinition: physicalId('AWS::ECS::TaskDefinition', 'WorkersTaskDefinition') }],
    ['ecs', 'describe_services', { cluster: physicalId('AWS::ECS::Cluster', 'WorkersCluster'), services: [physicalId('AWS::ECS::Service', 'WorkersService')] }],
  );
  return { dlqArn, queueAttrs, dlqAttrs, bucketEncryption, taskDefinition, services };
});

afterAll(() => {
  deployment?.stop();
});

test('the stack deploys: queue, DLQ, key, bucket, VPC and the ECS cluster, task definition and service exist', () => {
  expect(result.stackStatus).toBe('CREATE_COMPLETE');
  const createdTypes = new Set(result.created.map(c => c.resourceType));
  for (const type of ['AWS::KMS::Key', 'AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::EC2::FlowLog',
    'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::IAM::Role', 'AWS::Logs::LogGroup']) {
    expect(createdTypes).toContain(type);
  }
  // Only the types moto does not implement are missing — nothing else was dropped.
  const skippedTypes = Array.from(new Set(result.skipped.map(s => s.resourceType))).sort();
  expect(skippedTypes).toEqual([
    'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy',
    'AWS::ApplicationSignals::ServiceLevelObjective', 'AWS::CloudWatch::Alarm', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy',
  ]);
});

test('the real queue has the KMS key, the redrive policy, the derived visibility timeout and retention', () => {
  const dlqArn = read().dlqArn.Attributes.QueueArn;
  const attrs = read().queueAttrs.Attributes;
  expect(JSON.parse(attrs.RedrivePolicy)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT });
  expect(attrs.VisibilityTimeout).toBe('90'); // 60 s job + 30 s
  expect(attrs.MessageRetentionPeriod).toBe(String(7 * 24 * 3600));
  expect(attrs.KmsMasterKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  const dlqAttrs = read().dlqAttrs.Attributes;
  expect(dlqAttrs.MessageRetentionPeriod).toBe(String(14 * 24 * 3600));
  expect(dlqAttrs.KmsMasterKeyId).toBe(attrs.KmsMasterKeyId);
});

test('the real results bucket is KMS-encrypted (moto drops VersioningConfiguration: versioning is asserted on the template)', () => {
  const enc = read().bucketEncryption.ServerSideEncryptionConfiguration.Rules[0];
  expect(enc.ApplyServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
});

test('the real task definition points the worker at the real queue and bucket, with the stop timeout of the job', () => {
  const container = read().taskDefinition.taskDefinition.containerDefinitions[0];
  const env = Object.fromEntries((container.environment as Array<{ name: string; value: string }>).map(e => [e.name, e.value]));
  expect(env.JOB_QUEUE_URL).toBe(queueUrl);
  expect(env.RESULTS_BUCKET).toBe(physicalId('AWS::S3::Bucket', 'WorkersResults'));
  expect(env.MODEL_S3_URI).toMatch(/^s3:\/\/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.gz$/);
  expect(env.MODEL_S3_BUCKET).toBe('cdk-hnb659fds-assets-123456789012-us-east-1');
  expect(env.MODEL_DATA_URL).toBeUndefined();
  expect(container.stopTimeout).toBe(60);
  expect(read().services.services[0].status).toBe('ACTIVE');
});

test('round trip: jobs received beyond maxReceiveCount without a delete land in the DLQ — nothing lost', () => {
  const started = Date.now();
  type Message = { Body: string; ReceiptHandle: string; Attributes: { ApproximateReceiveCount: string } };
  // VisibilityTimeout 0 hands each failed job straight back, as a crashed worker's timeout would.
  const receive = (url: string): [string, string, object] => ['sqs', 'receive_message', {
    QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, AttributeNames: ['ApproximateReceiveCount'],
  }];
  const messages = (response: { [key: string]: any }) => (response.Messages ?? []) as Message[];
  const jobOf = (m: { Body: string }) => JSON.parse(m.Body).job as number;
  // GIVEN producers submit jobs; WHEN workers receive them (the calls run in order, in one boto3 process)
  const [sent, firstReceive] = callAll(
    ['sqs', 'send_message_batch', {
      QueueUrl: queueUrl,
      Entries: Array.from({ length: JOBS }, (_, i) => ({ Id: `job${i + 1}`, MessageBody: JSON.stringify({ job: i + 1, document: `s3://inbox/doc-${i + 1}.pdf` }) })),
    }],
    receive(queueUrl),
  );
  expect(sent.Successful).toHaveLength(JOBS);

  // job 6 succeeds (deleted), jobs 1-5 keep failing (never deleted): received again in rounds 2..maxReceiveCount+1.
  const rounds: number[] = [];
  const first = messages(firstReceive);
  rounds.push(first.length);
  const done = first.find(m => jobOf(m) === JOBS)!;
  const later = callAll(
    ['sqs', 'delete_message', { QueueUrl: queueUrl, ReceiptHandle: done.ReceiptHandle }],
    ...Array.from({ length: MAX_RECEIVE_COUNT }, () => receive(queueUrl)),
    ['sqs', 'get_queue_attributes', { QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }],
    receive(dlqUrl),
  );
  for (let round = 2; round <= MAX_RECEIVE_COUNT + 1; round++) {
    rounds.push(messages(later[round - 1]).length);
  }

  // THEN after maxReceiveCount receives the failed jobs left the queue for the DLQ
  expect(rounds).toEqual([JOBS, JOBS - 1, 0]);
  const queueAttrs = later[MAX_RECEIVE_COUNT + 1].Attributes;
  expect(queueAttrs).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  const dead = messages(later[MAX_RECEIVE_COUNT + 2]);
  const deadJobs = dead.map(jobOf).sort((a, b) => a - b);
  expect(deadJobs).toEqual([1, 2, 3, 4, 5]);
  for (const m of dead) {
    expect(Number(m.Attributes.ApproximateReceiveCount)).toBeGreaterThanOrEqual(MAX_RECEIVE_COUNT);
  }
  // nothing lost: every job sent was either completed (deleted) or is waiting in the DLQ
  expect(deadJobs.length + 1).toBe(JOBS);
  // eslint-disable-next-line no-console
  console.log(`batch-workers round trip: sent ${JOBS}, receives per round ${JSON.stringify(rounds)}, completed 1, in DLQ ${deadJobs.length} (jobs ${deadJobs.join(',')}), lost 0, ${Date.now() - started} ms`);
});

/*
 * The second stack of this file, deployed onto the first one's moto server (`onServerOf`: no second
 * server start, bootstrap or jest suite; was managed-instances.deploy.test.ts). What a local deploy
 * (moto) proves about GPU workers on ECS Managed Instances, said plainly: moto's
 * CloudFormation has no AWS::ECS::CapacityProvider (skipped silently, stack CREATE_COMPLETE), and its
 * ECS API models only Auto Scaling group providers (CreateCapacityProvider drops
 * managedInstancesProvider), so the capacity provider exists nowhere locally. The roles, instance
 * profile, MANAGED_INSTANCES task definition (with the BATCH_* environment) and the service are
 * created; the service runs no task. The provider is covered by the template tests, cfn-lint and
 * cdk-nag (managed-instances.test.ts). KMS key passed for moto's tagged-key crash (see above).
 */
describe('GPU workers on ECS Managed Instances (a second stack on the same moto server)', () => {
  let gpu: LocalDeploy | undefined;
  let gpuResult: LocalDeployResult;

  beforeAll(() => {
    const stack = new Stack(new App(), 'GpuWorkersLocal');
    new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(),
      hardware: HardwareTarget.NVIDIA_GPU,
      jobTimeout: Duration.minutes(5),
      encryptionKey: new kms.Key(stack, 'JobsKey', { enableKeyRotation: true }),
      dynamicBatching: new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.seconds(2) }),
      autoscaling: new AutoscalingPolicy({ maxCapacity: 2, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(32)] }),
    });
    gpu = LocalDeploy.deployStack(stack, { timeoutSeconds: 300, onServerOf: deployment });
    gpuResult = gpu.result;
    // eslint-disable-next-line no-console
    console.log(LocalDeploy.formatResult(gpuResult));
  }, 600_000);

  afterAll(() => {
    gpu?.stop();
  });

  test('CREATE_COMPLETE, but the managed-instances capacity provider exists nowhere locally (reported, not silent)', () => {
    expect(gpuResult.stackStatus).toBe('CREATE_COMPLETE');
    expect(gpuResult.unsupportedTypes).toContain('AWS::ECS::CapacityProvider');
    const provider = gpuResult.skipped.filter(s => s.resourceType === 'AWS::ECS::CapacityProvider');
    expect(provider).toHaveLength(1);
    expect(gpuResult.notCreated.map(n => n.resourceType)).toEqual(['AWS::ECS::CapacityProvider']);
    expect(gpuResult.notCreated[0].reason).toMatch(/no API mapping for AWS::ECS::CapacityProvider/);
    const createdTypes = new Set(gpuResult.created.map(c => c.resourceType));
    for (const type of ['AWS::IAM::InstanceProfile', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ECS::Cluster']) {
      expect(createdTypes).toContain(type);
    }
  });

  test('the real task definition has the GPU and the rendered batching contract (moto does not keep requiresCompatibilities: asserted on the template)', () => {
    const td = gpuResult.created.find(c => c.resourceType === 'AWS::ECS::TaskDefinition')!;
    const [described] = gpu!.describeAllViaBoto3(JSON.stringify([{ service: 'ecs', operation: 'describe_task_definition', params: { taskDefinition: td.physicalId } }]));
    const def = described.taskDefinition;
    expect(def.requiresCompatibilities).toBeUndefined();
    const container = def.containerDefinitions[0];
    expect(container.resourceRequirements).toEqual([{ type: 'GPU', value: '1' }]);
    const env = Object.fromEntries((container.environment as Array<{ name: string; value: string }>).map(e => [e.name, e.value]));
    expect([env.BATCH_MAX_SIZE, env.BATCH_RECEIVE_MAX_MESSAGES, env.BATCH_RECEIVE_WAIT_SECONDS, env.BATCH_VISIBILITY_TIMEOUT_SECONDS]).toEqual(['16', '10', '2', '332']);
  });
});
