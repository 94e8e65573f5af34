import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AutoscalingPolicy, HardwareTarget, LaneKind, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage,
} from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';

const ENV = { account: '111122223333', region: 'us-east-1' };
const BACKLOG_MATH = 'visible / running';
const NO_WORKERS_MATH = 'IF(visible > 0 AND (FILL(running, 0) + FILL(pending, 0)) == 0, 1, 0)';
const FROM_ZERO_MATH = 'IF(visible > 0 AND FILL(desired, 0) == 0, 1, 0)';

/** The worker container's environment as a map (order-independent). */
function envOf(t: Template): { [key: string]: unknown } {
  const defs = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
  expect(defs).toHaveLength(1);
  const env: Array<{ Name: string; Value: unknown }> = defs[0].Properties.ContainerDefinitions[0].Environment;
  return Object.fromEntries(env.map(e => [e.Name, e.Value]));
}

// One App, four stacks, one synth: every assertion below reads these templates.
let full: { stack: Stack; t: Template; w: QueueDrainedWorkers; producer: iam.Role };
let gpu: { stack: Stack; t: Template; w: QueueDrainedWorkers };
let brought: { stack: Stack; t: Template; w: QueueDrainedWorkers };
let fixed: { stack: Stack; t: Template; w: QueueDrainedWorkers };

beforeAll(() => {
  const app = new App();

  // GIVEN a CPU lane with every scaling feature, an SLO, an extra rollback alarm and a producer
  {
    const stack = new Stack(app, 'Full', { env: ENV });
    const extra = new cloudwatch.Alarm(stack, 'ExtraAlarm', {
      metric: new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1,
    });
    const w = new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(),
      jobTimeout: Duration.seconds(90),
      maxReceiveCount: 4,
      autoscaling: new AutoscalingPolicy({
        maxCapacity: 6,
        scaleToZero: true,
        warmBufferPercent: 20,
        triggers: [ScalingTrigger.queueBacklogPerInstance(10), ScalingTrigger.timeInQueue(Duration.minutes(5))],
        scaleOutCooldown: Duration.minutes(2),
        scaleInCooldown: Duration.minutes(10),
        schedules: [{ name: 'month-end', start: { minute: '0', hour: '6', day: 'L' }, end: { minute: '0', hour: '20', day: 'L' }, minCapacity: 2 }],
      }),
      slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)),
      rollout: Rollout.allAtOnce({ alarms: [extra] }),
    });
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    w.grantSubmit(producer);
    full = { stack, t: undefined as unknown as Template, w, producer };
  }

  // GIVEN a GPU lane with CPU + backlog target tracking and task protection
  {
    const stack = new Stack(app, 'Gpu', { env: ENV });
    const w = new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(),
      hardware: HardwareTarget.NVIDIA_GPU,
      gpuCapacity: GpuCapacity.autoScalingGroup(),
      jobTimeout: Duration.minutes(15),
      inFlightJobs: InFlightJobHandling.PROTECT_TASK,
      autoscaling: new AutoscalingPolicy({
        minCapacity: 1, maxCapacity: 4,
        triggers: [ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.cpuUtilization(70)],
      }),
    });
    gpu = { stack, t: undefined as unknown as Template, w };
  }

  // GIVEN an imported cluster, queue, DLQ and bucket, scaled on time in queue only
  {
    const stack = new Stack(app, 'Brought', { env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-aaaa1111', 'subnet-bbbb2222'],
    });
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared-batch', vpc });
    const w = new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(),
      cluster,
      queue: sqs.Queue.fromQueueArn(stack, 'Jobs', 'arn:aws:sqs:us-east-1:111122223333:doc-jobs'),
      deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'JobsDlq', 'arn:aws:sqs:us-east-1:111122223333:doc-jobs-dlq'),
      resultsBucket: s3.Bucket.fromBucketName(stack, 'Out', 'doc-results'),
      jobTimeout: Duration.minutes(10),
      inFlightJobs: InFlightJobHandling.RETURN_TO_QUEUE,
      autoscaling: new AutoscalingPolicy({
        minCapacity: 1, maxCapacity: 4,
        triggers: [ScalingTrigger.timeInQueue(Duration.minutes(2))],
        maxScaleOutStep: 2, maxScaleInStep: 1,
      }),
    });
    brought = { stack, t: undefined as unknown as Template, w };
  }

  // GIVEN a fixed ARM64 fleet from an ECR image and an S3 object
  {
    const stack = new Stack(app, 'Fixed', { env: ENV });
    const repo = new ecr.Repository(stack, 'Repo');
    const models = new s3.Bucket(stack, 'Models');
    const artifact = ModelArtifact.fromBucket(models, 'docs/2.0.1/model.tar.gz', {
      name: 'doc-understanding', version: '2.0.1', targets: [HardwareTarget.CPU_ARM64],
      image: ServingImage.fromEcrRepository(repo, '2.0.1'),
    });
    const w = new QueueDrainedWorkers(stack, 'Workers', {
      artifact, hardware: HardwareTarget.CPU_ARM64, jobTimeout: Duration.seconds(60), autoscaling: AutoscalingPolicy.fixed(3),
    });
    fixed = { stack, t: undefined as unknown as Template, w };
  }

  // WHEN the app is synthesized once
  for (const x of [full, gpu, brought, fixed]) {
    x.t = Template.fromStack(x.stack);
  }
});

describe('queue, dead-letter queue, key and results', () => {
  test('the job queue is KMS-encrypted, redrives to the DLQ after maxReceiveCount and derives its visibility timeout', () => {
    full.t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersKey'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 4 },
      VisibilityTimeout: 120, // jobTimeout 90 s + 30 s
      MessageRetentionPeriod: 7 * 24 * 3600,
    });
    full.t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersKey'), 'Arn'] },
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedrivePolicy: Match.absent(),
    });
    full.t.resourceCountIs('AWS::SQS::Queue', 2);
    full.t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('both queues deny requests without TLS', () => {
    const policies = full.t.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const p of Object.values(policies)) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]));
    }
  });

  test('results go to a versioned, KMS-encrypted bucket with public access blocked and TLS enforced', () => {
    full.t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersKey'), 'Arn'] } } })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    full.t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a brought queue, DLQ and bucket are used as they are: nothing is created', () => {
    brought.t.resourceCountIs('AWS::SQS::Queue', 0);
    brought.t.resourceCountIs('AWS::KMS::Key', 0);
    brought.t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(envOf(brought.t)).toMatchObject({
      RESULTS_BUCKET: 'doc-results',
      JOB_QUEUE_URL: { 'Fn::Join': ['', ['https://sqs.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/111122223333/doc-jobs']] },
    });
    expect(envOf(brought.t).VISIBILITY_TIMEOUT_SECONDS).toBeUndefined(); // the owner's setting, not known here
    brought.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'doc-jobs-dlq' }],
      Threshold: 1,
    });
  });
});

describe('workers', () => {
  test('CPU workers run on Fargate with the serving image, the model location and a stop timeout of the job timeout', () => {
    full.t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '2048',
      Memory: '8192',
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({
        Name: 'worker',
        Essential: true,
        StopTimeout: 90,
        Image: { 'Fn::Join': ['', ['763104351884.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker']] },
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
      })],
    });
    expect(envOf(full.t)).toMatchObject({
      IN_FLIGHT_JOBS: 'finish', JOB_TIMEOUT_SECONDS: '90', VISIBILITY_TIMEOUT_SECONDS: '120',
      MODEL_NAME: 'assistant', MODEL_VERSION: '1.4.0', MODEL_TARGET: 'cpu-x86_64', MODEL_PRECISION: 'fp32',
      MODEL_S3_URI: expect.stringMatching(/^s3:\/\/.*\.gz$/), MODEL_DIGEST: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      MODEL_S3_IS_PREFIX: 'false', MODEL_COMPRESSED: 'true',
      RESULTS_PREFIX: 'results/', FAILURES_PREFIX: 'failures/',
      JOB_QUEUE_URL: { Ref: expect.stringMatching(/^WorkersQueue/) },
      RESULTS_BUCKET: { Ref: expect.stringMatching(/^WorkersResults/) },
    });
    full.t.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', DesiredCount: Match.absent() });
  });

  test('an ECR image given by URI is pulled as that repository by the execution role', () => {
    full.t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('ExecutionRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: 'arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference',
      })]) },
    });
  });

  test('a created cluster has Container Insights, a VPC with one NAT gateway and flow logs', () => {
    full.t.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    full.t.resourceCountIs('AWS::EC2::NatGateway', 1);
    full.t.resourceCountIs('AWS::EC2::FlowLog', 1);
    full.t.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  test('GPU workers run on EC2 GPU instances through a managed capacity provider', () => {
    gpu.t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['EC2'],
      NetworkMode: 'awsvpc',
      ContainerDefinitions: [Match.objectLike({
        Memory: 12288,
        ResourceRequirements: [{ Type: 'GPU', Value: '1' }],
        StopTimeout: 900, // EC2 has no 120-second ceiling
        Image: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      })],
    });
    expect(envOf(gpu.t)).toMatchObject({ MODEL_PRECISION: 'fp16', MODEL_TARGET: 'nvidia-gpu', IN_FLIGHT_JOBS: 'protect-task' });
    gpu.t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'g5.xlarge',
        ImageId: { Ref: Match.stringLikeRegexp('^SsmParameterValueawsserviceecsoptimizedamiamazonlinux2023gpurecommendedimageid') },
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    // maxInstances omitted: 4 workers at 1 per g5.xlarge, twice over for a rolling deployment at full scale
    gpu.t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: '8' });
    gpu.t.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({
        ManagedScaling: Match.objectLike({ Status: 'ENABLED', TargetCapacity: 100 }),
        ManagedTerminationProtection: 'ENABLED',
      }),
    });
    gpu.t.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: Match.arrayWith([{ Ref: Match.stringLikeRegexp('GpuCapacity') }]),
    });
    gpu.t.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: Match.absent(),
      CapacityProviderStrategy: [{ CapacityProvider: { Ref: Match.stringLikeRegexp('GpuCapacity') }, Weight: 1 }],
    });
    expect(gpu.w.capacity).toMatchObject({ instanceType: 'g5.xlarge', hardware: HardwareTarget.NVIDIA_GPU, priceClass: 'per-instance-hour', minInstances: 1, maxInstances: 4 });
  });

  test('a fixed ARM64 fleet has a desired count, no scaling, and reads exactly its weights object', () => {
    fixed.t.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    fixed.t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    fixed.t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    fixed.t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({ Image: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':2.0.1'])]) }) })],
    });
    fixed.t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('WorkersTaskRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Models'), 'Arn'] }, '/docs/2.0.1/model.tar.gz']] },
      })]) },
    });
    expect(fixed.w.capacity.description).toBe('3-3 × fargate-2vCPU-8GB queue workers');
  });
});

describe('graceful shutdown', () => {
  test('RETURN_TO_QUEUE on Fargate caps the stop timeout at 120 s and tells the worker', () => {
    brought.t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ StopTimeout: 120, Environment: Match.arrayWith([{ Name: 'IN_FLIGHT_JOBS', Value: 'return-to-queue' }]) })],
    });
    expect(brought.w.stopTimeout.toSeconds()).toBe(120);
  });

  test('PROTECT_TASK grants task scale-in protection on the cluster\'s tasks only', () => {
    gpu.t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('WorkersTaskRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{
        Effect: 'Allow',
        Action: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:111122223333:task/', { Ref: Match.stringLikeRegexp('WorkersCluster') }, '/*']] },
      }]) },
    });
    const statements = JSON.stringify(full.t.findResources('AWS::IAM::Policy'));
    expect(statements).not.toContain('ecs:UpdateTaskProtection');
  });
});

describe('scaling', () => {
  test('backlog per worker is target tracking with metric math: visible messages ÷ Container Insights RunningTaskCount', () => {
    full.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: Match.stringLikeRegexp('WorkersScalableTarget') },
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 8, // 10 jobs per worker with a 20% warm buffer
        ScaleOutCooldown: 120,
        ScaleInCooldown: 600,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'visible', Label: Match.anyValue(), ReturnData: false,
              MetricStat: {
                Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersQueue'), 'QueueName'] } }] },
                Stat: 'Sum',
              },
            },
            {
              Id: 'running', Label: Match.anyValue(), ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'ECS/ContainerInsights', MetricName: 'RunningTaskCount',
                  Dimensions: [
                    { Name: 'ClusterName', Value: { Ref: Match.stringLikeRegexp('WorkersCluster') } },
                    { Name: 'ServiceName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkersService'), 'Name'] } },
                  ],
                },
                Stat: 'Average',
              },
            },
            { Id: 'backlogPerWorker', Label: Match.anyValue(), Expression: BACKLOG_MATH, ReturnData: true },
          ],
        },
      },
    });
  });

  test('the scalable target spans 0..max with the ECS service-linked role and the schedules', () => {
    full.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0, MaxCapacity: 6,
      ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount',
      RoleARN: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::111122223333:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'])]) }),
      ScheduledActions: [
        { ScheduledActionName: 'month-end-start', Schedule: 'cron(0 6 L * ? *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 6 } },
        { ScheduledActionName: 'month-end-end', Schedule: 'cron(0 20 L * ? *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 6 } },
      ],
      Tags: Match.absent(),
    });
    full.t.resourceCountIs('AWS::IAM::Role', 4); // key-less roles: task, execution, flow log, producer — no scaling role
  });

  test('time in queue is step scaling on ApproximateAgeOfOldestMessage with growing steps', () => {
    // 5 minutes with a 20% warm buffer: threshold 240 s
    full.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      PolicyName: Match.stringLikeRegexp('TimeInQueueScaleOut'),
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity', Cooldown: 120, MetricAggregationType: 'Maximum',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 240, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 240, MetricIntervalUpperBound: 720, ScalingAdjustment: 2 },
          { MetricIntervalLowerBound: 720, ScalingAdjustment: 4 },
        ],
      },
    });
    full.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage', Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 60,
      Threshold: 240, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('WorkersTimeInQueueScaleOut') }],
    });
  });

  test('scale to zero adds a step policy that scales out from zero on the first waiting job, gated on the desired count', () => {
    full.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: Match.stringLikeRegexp('ScaleOutFromZero'),
      StepScalingPolicyConfiguration: Match.objectLike({ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
    });
    full.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('WorkersScaleOutFromZero') }],
      Threshold: 1, EvaluationPeriods: 1,
      Metrics: [
        Match.objectLike({ Expression: FROM_ZERO_MATH, ReturnData: true }),
        Match.objectLike({ Id: 'visible', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }) }) }),
        Match.objectLike({ Id: 'desired', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'ECS/ContainerInsights', MetricName: 'DesiredTaskCount' }) }) }),
      ],
    });
    // backlog tracking (scale-out only), time-in-queue steps, from zero, backlog scale-in, idle scale-in
    full.t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 5);
  });

  test('CPU utilization is predefined target tracking', () => {
    gpu.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
  });

  test('time in queue alone scales in once the queue is idle, honouring step caps', () => {
    brought.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: Match.stringLikeRegexp('TimeInQueueScaleOut'),
      StepScalingPolicyConfiguration: Match.objectLike({
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 120, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 120, MetricIntervalUpperBound: 360, ScalingAdjustment: 2 },
          { MetricIntervalLowerBound: 360, ScalingAdjustment: 2 }, // capped by maxScaleOutStep
        ],
      }),
    });
    brought.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: Match.stringLikeRegexp('IdleScaleIn'),
      StepScalingPolicyConfiguration: Match.objectLike({ Cooldown: 300, StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }] }),
    });
    brought.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold', Threshold: 1, EvaluationPeriods: 2, DatapointsToAlarm: 2,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'visible + inFlight + received' })]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('WorkersIdleScaleIn') }],
    });
    brought.t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: { 'Fn::Join': ['', ['service/shared-batch/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersService'), 'Name'] }]] },
    });
  });
});

describe('rollout and alarms', () => {
  test('deployments use the circuit breaker with rollback and the version-health alarms only (not time in queue)', () => {
    full.t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { Enable: true, Rollback: true, AlarmNames: [{ Ref: Match.stringLikeRegexp('ExtraAlarm') }] },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
    });
    expect(full.w.sloAlarms).toEqual([]);
    expect(full.w.sloPagingAlarms!.map(a => a.node.id)).toEqual(['SloTimeInQueue']);
    expect(full.w.deploymentAlarms).toHaveLength(1);
  });

  test('the SLO alarm watches the oldest job age against the time-in-queue objective', () => {
    full.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800, ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: Match.stringLikeRegexp('oldest job waiting longer than 30 minutes'),
    });
  });

  test('the time-in-queue objective is also an Application Signals SLO with burn-rate alarms that page, not roll back', () => {
    full.t.resourceCountIs('AWS::ApplicationSignals::ServiceLevelObjective', 1);
    full.t.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Sli: {
        SliMetric: {
          MetricDataQueries: [{
            Id: 'sli',
            MetricStat: { Metric: Match.objectLike({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage' }), Period: 60, Stat: 'Maximum' },
            ReturnData: true,
          }],
          PeriodSeconds: 60,
        },
        MetricThreshold: 1800,
        ComparisonOperator: 'LessThanOrEqualTo',
      },
      Goal: { AttainmentGoal: 99, Interval: { RollingInterval: { Duration: 28, DurationUnit: 'DAY' } }, WarningThreshold: 50 },
    });
    const name = full.w.serviceLevelObjectives[0].name;
    for (const [window, threshold] of [['60', 13.44], ['360', 5.6]] as const) {
      full.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApplicationSignals', MetricName: 'BurnRate', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: threshold,
        Dimensions: [{ Name: 'BurnRateWindowMinutes', Value: window }, { Name: 'SloName', Value: name }],
      });
    }
    expect(full.w.sloBurnRateAlarms).toHaveLength(2);
  });

  test('saturation and capacity in service: queue depth and age, backlog per worker, CPU; running workers (Container Insights)', () => {
    const sat = full.w.saturationMetrics;
    expect(sat.map(m => (m instanceof cloudwatch.Metric ? m.metricName : (m as cloudwatch.MathExpression).label))).toEqual([
      'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'Jobs waiting per running worker', 'CPUUtilization',
    ]);
    expect((full.w.metricCapacityInService() as cloudwatch.Metric).metricName).toBe('RunningTaskCount');
    // a brought cluster without Container Insights: no worker count, no backlog per worker
    expect(brought.w.metricCapacityInService()).toBeUndefined();
    expect(brought.w.saturationMetrics).toHaveLength(3);
  });

  test('jobs in the DLQ alarm at the first message; jobs waiting with no worker alarm after minutes', () => {
    full.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersDeadLetterQueue'), 'QueueName'] } }],
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1,
    });
    full.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('no worker running or starting \\(capacity'),
      EvaluationPeriods: 5, AlarmActions: Match.absent(),
      Metrics: Match.arrayWith([Match.objectLike({ Expression: NO_WORKERS_MATH })]),
    });
    gpu.t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('no worker running or starting \\(capacity'), EvaluationPeriods: 10,
    });
  });

  test('without Container Insights on a brought cluster there is no no-workers alarm, and a warning says so', () => {
    expect(brought.w.noWorkersAlarm).toBeUndefined();
    Annotations.fromStack(brought.stack).hasWarning('/Brought/Workers', Match.stringLikeRegexp('Container Insights'));
  });
});

describe('grants, metrics and the lane contract', () => {
  test('grantSubmit gives SendMessage on the queue and data-key use on its key', () => {
    full.t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Producer') }],
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']), Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersQueue'), 'Arn'] } }),
        Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']), Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersKey'), 'Arn'] } }),
      ]) },
    });
  });

  test('workers consume the queue and put only under the results and failures prefixes', () => {
    full.t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('WorkersTaskRole') }],
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({
          Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersQueue'), 'Arn'] },
        }),
        Match.objectLike({
          Action: Match.arrayWith(['s3:PutObject']),
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersResults'), 'Arn'] }, '/results/*']] },
        }),
        Match.objectLike({
          Action: Match.arrayWith(['s3:PutObject']),
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkersResults'), 'Arn'] }, '/failures/*']] },
        }),
      ]) },
    });
    const json = JSON.stringify(full.t.findResources('AWS::IAM::Policy'));
    expect(json).not.toMatch(/"s3:\*"|"sqs:\*"|"kms:\*"/);
  });

  test('the lane reports what it runs and offers backlog, age and throughput metrics', () => {
    const w = full.w;
    expect(w.laneKind).toBe(LaneKind.BATCH_WORKERS);
    expect(w.artifactName).toBe('assistant');
    expect(w.artifactVersion).toBe('1.4.0');
    expect(w.capacity).toMatchObject({ minInstances: 0, maxInstances: 6, instanceType: 'fargate-2vCPU-8GB', priceClass: 'per-task-hour' });
    expect(w.metricBacklogPerWorker().expression).toBe(BACKLOG_MATH);
    expect(w.metricOldestJobAge().metricName).toBe('ApproximateAgeOfOldestMessage');
    expect(w.metricBacklog().metricName).toBe('ApproximateNumberOfMessagesVisible');
    expect((w.metricInvocations() as cloudwatch.Metric).metricName).toBe('NumberOfMessagesDeleted');
    expect(w.metricJobsCompleted().statistic).toBe('Sum');
    expect(w.metricLatency()).toBeUndefined();
    expect(w.metricErrors()).toBeUndefined();
    full.t.hasResourceProperties('AWS::SQS::Queue', {
      Tags: Match.arrayWith([{ Key: 'inference:lane', Value: 'batch-workers' }, { Key: 'model:version', Value: '1.4.0' }]),
    });
  });
});

describe('rejections', () => {
  const base = (): QueueDrainedWorkersProps => ({
    artifact: demoArtifact(),
    jobTimeout: Duration.seconds(60),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
  });
  const build = (overrides: Partial<QueueDrainedWorkersProps>, stackSetup?: (s: Stack) => Partial<QueueDrainedWorkersProps>) => {
    const stack = new Stack(new App(), 'S');
    const extra = stackSetup ? stackSetup(stack) : {};
    return new QueueDrainedWorkers(stack, 'W', { ...base(), ...overrides, ...extra });
  };

  test('a visibility timeout shorter than the job timeout', () => {
    expect(() => build({ jobTimeout: Duration.minutes(5), visibilityTimeout: Duration.minutes(4) }))
      .toThrow(/S\/W: 'visibilityTimeout' \(4 minutes\) is shorter than jobTimeout \(5 minutes\).*run twice.*at least 300 seconds/);
  });

  test('a visibility timeout over 12 hours, and a job timeout outside whole seconds or over 12 hours', () => {
    expect(() => build({ visibilityTimeout: Duration.hours(13) })).toThrow(/'visibilityTimeout' \(13 hours\) exceeds the SQS maximum of 12 hours/);
    expect(() => build({ jobTimeout: Duration.hours(13) })).toThrow(/'jobTimeout' \(13 hours\) must be whole seconds from 1 second to 12 hours/);
    expect(() => build({ jobTimeout: Duration.millis(1500) })).toThrow(/'jobTimeout' .* must be whole seconds/);
  });

  test('maxReceiveCount below 1 or not an integer', () => {
    expect(() => build({ maxReceiveCount: 0 })).toThrow(/'maxReceiveCount' \(0\) must be an integer from 1 to 1000/);
    expect(() => build({ maxReceiveCount: 2.5 })).toThrow(/'maxReceiveCount' \(2.5\) must be an integer from 1 to 1000/);
  });

  test('a retention period outside the SQS range', () => {
    expect(() => build({ retentionPeriod: Duration.days(15) })).toThrow(/'retentionPeriod' \(15 days\) must be between 60 seconds and 14 days/);
  });

  test('scale to zero without a queue trigger', () => {
    expect(() => build({ autoscaling: new AutoscalingPolicy({ maxCapacity: 3, scaleToZero: true, triggers: [ScalingTrigger.cpuUtilization(60)] }) }))
      .toThrow(/'autoscaling.scaleToZero' \(true\) needs a queue trigger.*queueBacklogPerInstance/);
  });

  test('a trigger the lane cannot render, with the supported list', () => {
    expect(() => build({ autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.requestsPerInstance(50)] }) }))
      .toThrow(/'autoscaling.triggers' \("requestsPerInstance\(50\)"\) cannot be rendered by QueueDrainedWorkers.*ScalingTrigger.queueBacklogPerInstance, ScalingTrigger.timeInQueue, ScalingTrigger.cpuUtilization/);
  });

  test('step caps with a target-tracking trigger', () => {
    expect(() => build({ autoscaling: new AutoscalingPolicy({ maxCapacity: 3, maxScaleOutStep: 1, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }) }))
      .toThrow(/'autoscaling.maxScaleOutStep' \(1\) cannot be honoured by QueueDrainedWorkers/);
  });

  test('GPU requested on Fargate, and EC2-only props on Fargate', () => {
    expect(() => build({ gpuCount: 1 })).toThrow(/'gpuCount' \(1\) requests GPUs on Fargate.*HardwareTarget.NVIDIA_GPU/);
    expect(() => build({ instanceType: new ec2.InstanceType('g5.xlarge') })).toThrow(/'instanceType' \("g5.xlarge"\) applies to EC2 GPU capacity/);
    expect(() => build({ maxInstances: 2 })).toThrow(/'maxInstances' \(2\) applies to EC2 GPU capacity/);
  });

  test('a non-GPU instance type for GPU workers, and hardware ECS cannot run', () => {
    expect(() => build({ hardware: HardwareTarget.NVIDIA_GPU, instanceType: new ec2.InstanceType('m5.xlarge') }))
      .toThrow(/'instanceType' \("m5.xlarge"\) is not an x86_64 NVIDIA GPU instance type/);
    expect(() => build({ hardware: HardwareTarget.NVIDIA_GPU, instanceType: new ec2.InstanceType('g5g.xlarge') }))
      .toThrow(/'instanceType' \("g5g.xlarge"\) is not an x86_64 NVIDIA GPU instance type/);
    expect(() => build({ hardware: HardwareTarget.INFERENTIA })).toThrow(/'hardware' \("inferentia"\) cannot run ECS queue workers/);
  });

  test('invalid Fargate task sizes', () => {
    expect(() => build({ cpu: 3000 })).toThrow(/'cpu' \(3000\) is not a Fargate task size/);
    expect(() => build({ cpu: 1024, memoryLimitMiB: 16384 })).toThrow(/'memoryLimitMiB' \(16384\) is not valid for a Fargate task of 1024 CPU units. Fix: Use 2048 to 8192 MiB/);
  });

  test('a job timeout past Fargate\'s 120-second stop timeout when jobs must finish', () => {
    expect(() => build({ jobTimeout: Duration.minutes(5) }))
      .toThrow(/'jobTimeout' \(5 minutes\) exceeds Fargate's 120-second stopTimeout.*PROTECT_TASK.*RETURN_TO_QUEUE/);
  });

  test('canary and linear rollouts, and a final bake time ECS cannot render', () => {
    expect(() => build({ rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) }))
      .toThrow(/'rollout' \("CANARY 10% \/ 5 minutes"\) shifts traffic in steps.*Rollout.allAtOnce/);
    expect(() => build({ rollout: Rollout.linear({ stepPercent: 25, interval: Duration.minutes(2) }) })).toThrow(/'rollout' \("LINEAR 25%.*shifts traffic in steps/);
    expect(() => build({ rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(20) }) }))
      .toThrow(/'rollout.finalBakeTime' \(20 minutes\) cannot be rendered: an ECS rolling deployment has no final bake phase \(ECS derives the alarm watch time from the alarms' periods\)\. Fix: Drop finalBakeTime; lengthen/);
    expect(() => build({ rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(10) }) }))
      .toThrow(/'rollout.finalBakeTime' \(10 minutes\) cannot be rendered: an ECS rolling deployment has no final bake phase \(ECS derives the alarm watch time from the alarms' periods\)\. Fix: Drop finalBakeTime; lengthen/);
  });

  test('SLO objectives the lane has no metric for', () => {
    expect(() => build({ slo: ServiceLevelObjective.latency(95, Duration.millis(300)) })).toThrow(/'slo.latencyThreshold'.*has no latency metric/);
  });

  test('an artifact without a build or an image for the hardware', () => {
    const cpuOnly = ModelArtifact.fromAsset(`${__dirname}/../../examples/shared/model/fp32/model.tar.gz`, {
      name: 'docs', version: '1.0.0', image: ServingImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
    });
    expect(() => build({ artifact: cpuOnly, hardware: HardwareTarget.NVIDIA_GPU })).toThrow(/has no build for hardware target 'nvidia-gpu'/);
    const noImage = ModelArtifact.fromAsset(`${__dirname}/../../examples/shared/model/fp32/model.tar.gz`, { name: 'docs', version: '1.0.0' });
    expect(() => build({ artifact: noImage })).toThrow(/'artifact' \("docs@1.0.0"\) has no serving image for 'cpu-x86_64'/);
  });

  test('queue settings next to a brought queue, and a DLQ without one', () => {
    expect(() => build({ maxReceiveCount: 5 }, s => ({ queue: sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:us-east-1:111122223333:q') })))
      .toThrow(/'maxReceiveCount' \(5\) configures a queue this construct creates, but a queue was brought/);
    expect(() => build({}, s => ({ deadLetterQueue: sqs.Queue.fromQueueArn(s, 'D', 'arn:aws:sqs:us-east-1:111122223333:d') })))
      .toThrow(/'deadLetterQueue' .* is only for a brought queue/);
  });

  test('a brought cluster: with a VPC, without Container Insights for backlog scaling, or imported for GPU', () => {
    const imported = (s: Stack) => {
      const vpc = ec2.Vpc.fromVpcAttributes(s, 'V', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] });
      return { vpc, cluster: ecs.Cluster.fromClusterAttributes(s, 'C', { clusterName: 'c', vpc }) };
    };
    expect(() => build({}, s => imported(s))).toThrow(/'vpc' .* is set together with cluster/);
    expect(() => build({}, s => ({ cluster: imported(s).cluster })))
      .toThrow(/'autoscaling.triggers \(queueBacklogPerInstance\)' .* needs ECS\/ContainerInsights RunningTaskCount.*clusterContainerInsights: true/);
    expect(() => build({ hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.autoScalingGroup(), clusterContainerInsights: true }, s => ({ cluster: imported(s).cluster })))
      .toThrow(/'cluster' \("c"\) is an imported cluster; GpuCapacity.autoScalingGroup\(\) must register its EC2 capacity provider.*GpuCapacity.managedInstances\(\) \(the default/);
  });

  test('environment that would override lane variables, and overlapping prefixes', () => {
    expect(() => build({ environment: { JOB_QUEUE_URL: 'x' } })).toThrow(/'environment.JOB_QUEUE_URL' \("x"\) is set by the lane. Fix: Drop JOB_QUEUE_URL; the lane sets JOB_QUEUE_URL, /);
    expect(() => build({ environment: { MODEL_VERSION: '9' } })).toThrow(/'environment.MODEL_VERSION' \("9"\) is set by the lane from the artifact. Fix: Drop MODEL_VERSION/);
    expect(() => build({ resultsPrefix: 'out/', failuresPrefix: 'out/failed/' })).toThrow(/'failuresPrefix' \("out\/failed\/"\) overlaps resultsPrefix/);
    expect(() => build({ resultsPrefix: 'results' })).toThrow(/'resultsPrefix' \("results"\) must be a non-empty S3 key prefix ending in '\/'/);
  });
});
