import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AutoscalingPolicy, HardwareTarget, ModelArtifact, ModelWeights, ScalingTrigger, ServingImage,
} from '../../lib';
import { GpuCapacity, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';

// Issue 21 for the batch lane: each documented @default that changes the template is tested by
// omitting the prop; every grant path of the artifact binding is tested once in this lane.

const ENV = { account: '111122223333', region: 'us-east-1' };

/** The minimum: artifact, job timeout and a policy; everything else omitted. */
function minimal(over: Partial<QueueDrainedWorkersProps> = {}, setup?: (s: Stack) => Partial<QueueDrainedWorkersProps>): { t: Template; w: QueueDrainedWorkers } {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const w = new QueueDrainedWorkers(stack, 'W', {
    artifact: demoArtifact(),
    jobTimeout: Duration.seconds(60),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    ...over,
    ...(setup ? setup(stack) : {}),
  });
  return { t: Template.fromStack(stack), w };
}

function container(t: Template): any {
  return (Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0] as any).Properties.ContainerDefinitions[0];
}

function taskRoleStatements(t: Template): any[] {
  const policies = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^WTaskRole') }] } })) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

function executionRoleStatements(t: Template): any[] {
  const policies = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ExecutionRole') }] } })) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('documented defaults, by omission', () => {
  let t: Template;
  let w: QueueDrainedWorkers;
  beforeAll(() => { ({ t, w } = minimal()); });

  test('maxReceiveCount defaults to 3 (redrive and the DLQ alarm\'s description)', () => {
    t.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }), maxReceiveCount: 3 } });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('failed 3 receives') });
  });

  test('visibilityTimeout defaults to jobTimeout + 30 s; retention to 7 days; the DLQ keeps 14 days', () => {
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 90, MessageRetentionPeriod: 604800 });
    t.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() });
    expect(w.visibilityTimeout?.toSeconds()).toBe(90);
  });

  test('hardware defaults to CPU_X86_64 on Fargate, 2048 CPU / 8192 MiB; inFlightJobs to FINISH (stopTimeout = jobTimeout)', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'], Cpu: '2048', Memory: '8192',
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
    expect(container(t).StopTimeout).toBe(60);
    expect(container(t).Environment).toEqual(expect.arrayContaining([{ Name: 'IN_FLIGHT_JOBS', Value: 'finish' }]));
  });

  test('logRetention defaults to one month; no command, the image\'s own', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(container(t).Command).toBeUndefined();
    expect(container(t).EntryPoint).toBeUndefined();
  });

  test('results and failures prefixes default to results/ and failures/; no server access logs', () => {
    expect(container(t).Environment).toEqual(expect.arrayContaining([{ Name: 'RESULTS_PREFIX', Value: 'results/' }, { Name: 'FAILURES_PREFIX', Value: 'failures/' }]));
    const bucket = (Object.values(t.findResources('AWS::S3::Bucket'))[0] as any).Properties;
    expect(bucket.LoggingConfiguration).toBeUndefined();
  });

  test('the created VPC: 2 AZs of public and private subnets, one NAT gateway, an S3 gateway endpoint; workers in the private subnets', () => {
    t.resourceCountIs('AWS::EC2::Subnet', 4);
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }) });
    const svc = (Object.values(t.findResources('AWS::ECS::Service'))[0] as any).Properties;
    expect(svc.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual([
      { Ref: expect.stringMatching(/^WVpcworkersSubnet1/) }, { Ref: expect.stringMatching(/^WVpcworkersSubnet2/) },
    ]);
  });

  test('no SLO and no rollout: no SLO alarms, no deployment alarms, the circuit breaker rolls back', () => {
    expect(w.sloAlarms).toEqual([]);
    expect(w.sloPagingAlarms).toEqual([]);
    expect(w.deploymentAlarms).toEqual([]);
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, Alarms: { AlarmNames: [], Enable: false, Rollback: false } }),
    });
  });

  test('policy defaults: scale-out cooldown 60 s, scale-in cooldown 300 s on the tracking policy', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ ScaleOutCooldown: 60, ScaleInCooldown: 300, TargetValue: 5 }),
    });
  });

  test('GPU defaults: ECS Managed Instances of g5.xlarge (100 GiB task volume, on demand), 1 GPU, 12288 MiB, no CPU reservation', () => {
    const gpu = minimal({ hardware: HardwareTarget.NVIDIA_GPU }).t;
    const c = container(gpu);
    expect([c.ResourceRequirements, c.Memory, c.Cpu]).toEqual([[{ Type: 'GPU', Value: '1' }], 12288, undefined]);
    gpu.hasResourceProperties('AWS::ECS::TaskDefinition', { RequiresCompatibilities: ['MANAGED_INSTANCES'], NetworkMode: 'awsvpc' });
    gpu.hasResourceProperties('AWS::ECS::CapacityProvider', {
      ManagedInstancesProvider: Match.objectLike({
        InstanceLaunchTemplate: Match.objectLike({
          CapacityOptionType: 'ON_DEMAND',
          StorageConfiguration: { StorageSizeGiB: 100 },
          InstanceRequirements: Match.objectLike({ AllowedInstanceTypes: ['g5.xlarge'], AcceleratorCount: { Min: 1 }, MemoryMiB: { Min: 12288 } }),
        }),
      }),
    });
    expect(gpu.findResources('AWS::AutoScaling::AutoScalingGroup')).toEqual({});
    expect(gpu.findResources('AWS::EC2::LaunchTemplate')).toEqual({});
  });

  test('GPU defaults on the Auto Scaling group: g5.xlarge, twice the needed instances', () => {
    const gpu = minimal({ hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.autoScalingGroup() }).t;
    gpu.hasResourceProperties('AWS::ECS::TaskDefinition', { RequiresCompatibilities: ['EC2'] });
    gpu.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'g5.xlarge' }) });
    gpu.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: '6' });
  });
});

describe('grant paths of the artifact binding, once in this lane', () => {
  test('an S3 object: s3:GetObject on exactly that key, nothing on the bucket', () => {
    const { t } = minimal({}, s => ({
      artifact: ModelArtifact.fromBucket(new s3.Bucket(s, 'Models'), 'docs/1.0.0/model.tar.gz', {
        name: 'docs', version: '1.0.0', image: ServingImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
      }),
    }));
    const reads = taskRoleStatements(t).filter(st => [st.Action].flat().some((a: string) => a.startsWith('s3:Get') || a.startsWith('s3:List')));
    expect(reads).toEqual([{
      Action: 's3:GetObject', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Models/), 'Arn'] }, '/docs/1.0.0/model.tar.gz']] },
    }]);
  });

  test('an S3 prefix: s3:GetObject under the prefix and s3:ListBucket conditioned on it', () => {
    const { t } = minimal({}, s => ({
      artifact: new ModelArtifact({
        name: 'docs', version: '1.0.0', weights: ModelWeights.fromBucketPrefix(new s3.Bucket(s, 'Models'), 'docs/1.0.0/'),
        image: ServingImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
      }),
    }));
    const st = taskRoleStatements(t);
    expect(st).toEqual(expect.arrayContaining([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Models/), 'Arn'] }, '/docs/1.0.0/*']] } },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Models/), 'Arn'] }, Condition: { StringLike: { 's3:prefix': ['docs/1.0.0/*'] } } },
    ]));
  });

  test('weights in a KMS-encrypted bucket: kms:Decrypt on that bucket\'s key', () => {
    const { t } = minimal({}, s => {
      const key = new kms.Key(s, 'ModelKey');
      return {
        artifact: ModelArtifact.fromBucket(new s3.Bucket(s, 'Models', { encryption: s3.BucketEncryption.KMS, encryptionKey: key }), 'm/model.tar.gz', {
          name: 'docs', version: '1.0.0', image: ServingImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
        }),
      };
    });
    expect(taskRoleStatements(t)).toEqual(expect.arrayContaining([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ModelKey/), 'Arn'] } },
    ]));
  });

  test('an ECR serving image: the execution role pulls exactly that repository; the task role has no ECR access', () => {
    const { t } = minimal({}, s => ({
      artifact: ModelArtifact.fromAsset(`${__dirname}/../../examples/shared/model/fp32/model.tar.gz`, {
        name: 'docs', version: '1.0.0', image: ServingImage.fromEcrRepository(new ecr.Repository(s, 'Repo'), '1.0.0'),
      }),
    }));
    expect(executionRoleStatements(t)).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Repo/), 'Arn'] },
      }),
      expect.objectContaining({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
    ]));
    expect(JSON.stringify(taskRoleStatements(t))).not.toContain('ecr:');
    expect(container(t).Image).toEqual({ 'Fn::Join': ['', [expect.anything(), '.dkr.ecr.', expect.anything(), '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/^Repo/) }, ':1.0.0']] });
  });

  test.each([
    ['aws-cn', 'cn-north-1', '111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/team/docs:2.0'],
    ['aws-us-gov', 'us-gov-west-1', '111122223333.dkr.ecr.us-gov-west-1.amazonaws.com/team/docs:2.0'],
    ['aws', 'eu-west-1', '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/docs@sha256:' + 'ab'.repeat(32)],
  ])('an ECR image URI in the %s partition (%s): pulled as that repository, with its own partition in the ARN', (partition, region, uri) => {
    // A stack in the image's Region (a pull never crosses partitions).
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region } });
    new QueueDrainedWorkers(stack, 'W', {
      artifact: ModelArtifact.fromBucket(new s3.Bucket(stack, 'Models'), 'm/model.tar.gz', { name: 'docs', version: '2.0', image: ServingImage.fromRegistry(uri) }),
      jobTimeout: Duration.seconds(60), autoscaling: AutoscalingPolicy.fixed(1),
    });
    const t = Template.fromStack(stack);
    expect(executionRoleStatements(t)).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: `arn:${partition}:ecr:${region}:111122223333:repository/team/docs`,
    })]));
    // The tag or digest of the URI is what the container pulls.
    expect(JSON.stringify(container(t).Image)).toContain(uri.includes('@') ? `/team/docs@sha256:${'ab'.repeat(32)}` : '/team/docs:2.0');
  });

  test('the results bucket\'s key: the workers may encrypt results with exactly the lane\'s key', () => {
    const { t } = minimal();
    const enc = taskRoleStatements(t).filter(st => [st.Action].flat().includes('kms:GenerateDataKey*'));
    expect(enc.length).toBeGreaterThan(0);
    for (const st of enc) { expect(st.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WKey/), 'Arn'] }); }
  });
});

describe('brought queue and bucket encrypted with customer keys', () => {
  test('imported with their keys, the workers get kms:Decrypt on the queue key and data keys on the bucket key', () => {
    const { t } = minimal({}, s => ({
      queue: sqs.Queue.fromQueueAttributes(s, 'Jobs', { queueArn: 'arn:aws:sqs:us-east-1:111122223333:jobs', keyArn: 'arn:aws:kms:us-east-1:111122223333:key/q-key' }),
      resultsBucket: s3.Bucket.fromBucketAttributes(s, 'Out', { bucketName: 'out', encryptionKey: kms.Key.fromKeyArn(s, 'OutKey', 'arn:aws:kms:us-east-1:111122223333:key/b-key') }),
    }));
    const st = taskRoleStatements(t);
    const on = (key: string) => st.filter(x => x.Resource === `arn:aws:kms:us-east-1:111122223333:key/${key}`).flatMap(x => [x.Action].flat());
    expect(on('q-key')).toEqual(expect.arrayContaining(['kms:Decrypt']));
    expect(on('b-key')).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Encrypt']));
    expect(st.find(x => [x.Action].flat().includes('sqs:ReceiveMessage')).Resource).toBe('arn:aws:sqs:us-east-1:111122223333:jobs');
  });
});
