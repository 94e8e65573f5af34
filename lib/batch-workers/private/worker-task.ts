import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRequestCapture, renderRequestCapture } from '../../core/private/request-capture';
import { HardwareTarget } from '../../core/hardware';
import { ModelArtifactBinding } from '../../core/model-artifact';
import { parseEcrImageUri, tagOrDigestOf } from '../../core/private/image-uri';
import { InFlightJobHandling } from '../in-flight-jobs';
import { BatchingPlan, batchingEnvironment } from './batching';
import type { QueueDrainedWorkersProps } from '../queue-drained-workers';
import { acknowledgeWorkerFindings } from './nag';

/**
 * The worker task: its role, task definition, container (image, environment, stop timeout, logs)
 * and the grants the worker code needs. Internal to the batch-workers lane.
 */

/** The role the worker code runs with (construct ID `TaskRole`). @internal */
export function createTaskRole(scope: Construct): iam.Role {
  return new iam.Role(scope, 'TaskRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    description: `Worker role of ${scope.node.path}: consume jobs, read the model, write results`,
  });
}

/** What the worker task is built from. @internal */
export interface WorkerTaskOptions {
  readonly taskRole: iam.IRole;
  readonly binding: ModelArtifactBinding;
  /** The `MODEL_*` environment of the bound model. */
  readonly modelEnvironment: { [name: string]: string };
  readonly hardware: HardwareTarget;
  readonly onFargate: boolean;
  /** GPU workers on ECS Managed Instances (a MANAGED_INSTANCES task definition). */
  readonly onManagedInstances: boolean;
  readonly jobSeconds: number;
  readonly stopTimeout: Duration;
  readonly inFlightJobs: InFlightJobHandling;
  readonly queue: sqs.IQueue;
  /** The visibility timeout of a created queue. */
  readonly visibilityTimeout?: Duration;
  readonly resultsBucket: s3.IBucket;
  readonly resultsPrefix: string;
  readonly failuresPrefix: string;
  /** Dynamic batching, if any. */
  readonly batching?: BatchingPlan;
  /** The visibility timeout each batch receive asks for (the created queue's, or the derived one for a brought queue). */
  readonly receiveVisibilitySeconds: number;
}

/** The worker's task definition and its one container. @internal */
export interface WorkerTask {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly container: ecs.ContainerDefinition;
}

/**
 * A Fargate task definition (CPU targets: `cpu`/`memoryLimitMiB` as the task size) or, for GPU
 * workers, a `MANAGED_INSTANCES` or `EC2` one in `awsvpc` mode (container reservation, limit and
 * `gpuCount`), with one essential container
 * `worker` running the serving image.
 * @internal
 */
export function createWorkerTask(scope: Construct, props: QueueDrainedWorkersProps, o: WorkerTaskOptions): WorkerTask {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
  const cpu = props.cpu ?? (o.onFargate ? 2048 : undefined);
  const memory = props.memoryLimitMiB ?? (o.onFargate ? 8192 : 12288);
  const taskDefinition = o.onFargate
    ? new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
      cpu,
      memoryLimitMiB: memory,
      taskRole: o.taskRole,
      runtimePlatform: {
        cpuArchitecture: o.hardware === HardwareTarget.CPU_ARM64 ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    })
    : o.onManagedInstances
      ? new ecs.TaskDefinition(scope, 'TaskDefinition', {
        compatibility: ecs.Compatibility.MANAGED_INSTANCES,
        taskRole: o.taskRole,
        networkMode: ecs.NetworkMode.AWS_VPC,
      })
      : new ecs.Ec2TaskDefinition(scope, 'TaskDefinition', {
        taskRole: o.taskRole,
        networkMode: ecs.NetworkMode.AWS_VPC,
      });
  const container = taskDefinition.addContainer('worker', {
    image: containerImage(scope, o.binding),
    essential: true,
    cpu: o.onFargate ? undefined : cpu,
    memoryLimitMiB: o.onFargate ? undefined : memory,
    gpuCount: o.onFargate ? undefined : (props.gpuCount ?? 1),
    stopTimeout: o.stopTimeout,
    environment: workerEnvironment(scope, props, o),
    command: props.command,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
  });
  return { taskDefinition, container };
}

/**
 * Let the task role consume the queue and put results and failure reports under their prefixes
 * (and, for PROTECT_TASK, set its own task's scale-in protection); acknowledge the cdk-nag findings
 * of that design on what the lane created.
 * @internal
 */
export function grantWorkerAccess(scope: Construct, props: QueueDrainedWorkersProps, o: WorkerTaskOptions, cluster: ecs.ICluster, taskDefinition: ecs.TaskDefinition): void {
  o.queue.grantConsumeMessages(o.taskRole);
  o.resultsBucket.grantPut(o.taskRole, `${o.resultsPrefix}*`);
  o.resultsBucket.grantPut(o.taskRole, `${o.failuresPrefix}*`);
  let taskProtectionArn: string | undefined;
  if (o.inFlightJobs === InFlightJobHandling.PROTECT_TASK) {
    // The ECS agent calls these APIs with the task role when the worker uses the
    // $ECS_AGENT_URI/task-protection/v1/state endpoint. Task IDs are not known at deploy time.
    taskProtectionArn = Stack.of(scope).formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` });
    o.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
      resources: [taskProtectionArn],
    }));
  }
  // cdk-nag findings of the lane's own design, acknowledged on what the lane created (README "cdk-nag").
  acknowledgeWorkerFindings(scope, {
    taskRole: o.taskRole, taskDefinition, resultsBucket: o.resultsBucket,
    laneBucketWithoutAccessLogs: props.resultsBucket === undefined && props.resultsAccessLogsBucket === undefined,
    resultsPrefix: o.resultsPrefix, failuresPrefix: o.failuresPrefix,
    keyGranted: o.queue.encryptionMasterKey !== undefined || o.resultsBucket.encryptionKey !== undefined,
    userEnvironment: Object.keys(props.environment ?? {}).length > 0,
    taskProtectionArn,
  });
}

/**
 * The serving image: from its ECR repository when the binding has one, or when the URI is an ECR
 * image (e.g. an AWS Deep Learning Container) so the execution role gets pull on exactly that
 * repository (in the image's own partition); from the registry otherwise.
 */
function containerImage(scope: Construct, binding: ModelArtifactBinding): ecs.ContainerImage {
  const uri = binding.imageUri!;
  if (binding.imageRepository) {
    // `repo@sha256:...` or `repo:tag`; the repository part may be a token, the suffix is literal.
    return ecs.ContainerImage.fromEcrRepository(binding.imageRepository, tagOrDigestOf(uri) ?? 'latest');
  }
  const ref = parseEcrImageUri(uri);
  if (ref) {
    const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ServingImageRepository', {
      repositoryName: ref.repositoryName,
      repositoryArn: ref.repositoryArn,
    });
    return ecs.ContainerImage.fromEcrRepository(repository, ref.digest ?? ref.tag ?? 'latest');
  }
  return ecs.ContainerImage.fromRegistry(uri);
}

/**
 * The lane's variables (queue, results, timeouts, in-flight handling), the one `MODEL_*` environment
 * of the bound model (InferenceLaneBase.bindModel), then the user's `environment` (checked by
 * validateEnvironment: it overrides neither).
 */
function workerEnvironment(scope: Construct, props: QueueDrainedWorkersProps, o: WorkerTaskOptions): { [key: string]: string } {
  const env: { [key: string]: string } = {
    JOB_QUEUE_URL: o.queue.queueUrl,
    RESULTS_BUCKET: o.resultsBucket.bucketName,
    RESULTS_PREFIX: o.resultsPrefix,
    FAILURES_PREFIX: o.failuresPrefix,
    JOB_TIMEOUT_SECONDS: String(o.jobSeconds),
    IN_FLIGHT_JOBS: o.inFlightJobs,
  };
  if (o.visibilityTimeout) { env.VISIBILITY_TIMEOUT_SECONDS = String(o.visibilityTimeout.toSeconds()); }
  // Dynamic batching: messages per receive and per batch, and the visibility each receive holds its
  // jobs for (a created queue's own timeout; for a brought queue, jobTimeout + fill delay + 30 s).
  if (o.batching) {
    Object.assign(env, batchingEnvironment(o.batching, o.visibilityTimeout ?? o.receiveVisibilitySeconds));
  }
  // Request capture (issue 20): location and sampling rate, s3:PutObject on exactly the prefix.
  const capture = renderRequestCapture(scope, props.requestCapture, o.taskRole);
  acknowledgeRequestCapture(o.taskRole, props.requestCapture);
  return { ...env, ...capture, ...o.modelEnvironment, ...props.environment };
}
