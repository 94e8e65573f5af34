import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, EndpointMode, InFlightJobHandling, ManagedEndpoint, ModelArtifact, QueueDrainedWorkers,
  Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage,
} from '../../lib';

/**
 * Lanes imported into an app that already has its platform: a VPC, a model bucket, an ECR
 * repository, an ECS cluster and a job queue with its DLQ and key — all brought by interface
 * (`fromXxxAttributes` / `fromXxxName`), nothing recreated. Only the lanes' own resources are new.
 *
 * In a real app the attributes come from your platform stack's exports or `Vpc.fromLookup`; here
 * they are literals so the example synthesizes anywhere.
 */
export function createExistingAppStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, props);

  // --- what the platform team already runs -------------------------------------------------
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'PlatformVpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f'],
  });
  const models = s3.Bucket.fromBucketName(stack, 'ModelRegistryBucket', 'acme-ml-models');
  const images = ecr.Repository.fromRepositoryName(stack, 'ServingImages', 'acme/assistant-serving');
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'BatchCluster', { clusterName: 'acme-batch', vpc });
  const jobsKey = kms.Key.fromKeyArn(stack, 'JobsKey', 'arn:aws:kms:us-east-1:123456789012:key/1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901');
  const jobs = sqs.Queue.fromQueueAttributes(stack, 'TranscriptJobs', {
    queueArn: 'arn:aws:sqs:us-east-1:123456789012:transcript-summaries',
    keyArn: jobsKey.keyArn,
  });
  const jobsDlq = sqs.Queue.fromQueueArn(stack, 'TranscriptJobsDlq', 'arn:aws:sqs:us-east-1:123456789012:transcript-summaries-dlq');
  const frontend = iam.Role.fromRoleName(stack, 'FrontendRole', 'acme-chat-frontend');

  // --- the model, from the registry bucket ----------------------------------------------------
  const artifact = ModelArtifact.fromBucket(models, 'assistant/1.4.0/model.tar.gz', {
    name: 'assistant',
    version: '1.4.0',
    framework: 'pytorch',
    digest: 'sha256:4f0c4d3a59e1c3f1a2b6c0b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
    image: ServingImage.fromEcrRepository(images, '1.4.0'),
    card: { intendedUse: 'Customer self-service answers (demo).', owner: 'ml-platform' },
  });

  // --- lane 1: a real-time endpoint inside the platform VPC -----------------------------------
  const endpoint = new ManagedEndpoint(stack, 'Assistant', {
    artifact,
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 6, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(10) }),
    vpc,
    networkIsolation: true,
  });
  endpoint.grantInvoke(frontend);

  // --- lane 4: workers draining the platform's existing queue on its existing cluster ----------
  const workers = new QueueDrainedWorkers(stack, 'Summaries', {
    artifact,
    queue: jobs,
    deadLetterQueue: jobsDlq,
    cluster,
    clusterContainerInsights: true,
    jobTimeout: Duration.minutes(2),
    inFlightJobs: InFlightJobHandling.FINISH,
    autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(20)] }),
  });
  workers.grantSubmit(frontend);
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
    Validations.of(frontend).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: `${action} on the job queue's key only, so the frontend can send KMS-encrypted jobs (grantSubmit).` });
  }

  // The lanes acknowledge the findings of their own design (each lane README, "cdk-nag"); the
  // acknowledgements above are for the platform's own frontend role.
  return stack;
}
