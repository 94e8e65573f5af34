import { InferenceLaneBase } from '../core/inference-lane-base';
import { rejectFinalBakeTime } from '../core/private/rollout-checks';
import { Annotations, Duration, Stack, Tags, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';
import { tagLane } from '../core/private/tagging';
import { addScheduledActions } from '../core/private/scheduling';
import { AutoscalingPolicy, TriggerKind } from '../core/autoscaling';
import { checkInteger, describeValue, invalid, isConcreteNumber } from '../core/private/errors';
import { checkDuration, checkOneOf } from '../core/private/validation';
import { HardwareTarget, LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity } from '../core/inference-lane';
import { uniqueMetricId } from '../core/private/metric-ids';
import { ModelArtifact, ModelArtifactBinding } from '../core/model-artifact';
import { Rollout, RolloutStrategy } from '../core/rollout';
import { RouteTarget } from '../core/route-target';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { InFlightJobHandling } from './in-flight-jobs';
import { gpuInstanceShape, instanceFamily, UNSUPPORTED_GPU_FAMILIES } from './private/gpu-instances';
import { acknowledgeGpuCapacityFindings, acknowledgeWorkerFindings } from './private/nag';
import { noWorkersWithBacklog, renderWorkerScaling, WorkerScalingMetrics } from './worker-scaling';
import { withLaneDefaults } from '../core/private/lane-defaults';

/** S3 request-metrics filters of the created results bucket (CloudWatch dimension FilterId). */
const RESULTS_FILTER_ID = 'results';
const FAILURES_FILTER_ID = 'failures';
/** Application Auto Scaling capacities and Auto Scaling group sizes are 32-bit signed integers. */
const MAX_INT32 = 2_147_483_647;
/** Fargate's ceiling on a container's stopTimeout. */
const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;
/** SQS's ceiling on a visibility timeout. */
const SQS_MAX_VISIBILITY_SECONDS = 12 * 3600;
/** SQS's retention bounds. */
const SQS_MIN_RETENTION_SECONDS = 60;
const SQS_MAX_RETENTION_SECONDS = 14 * 24 * 3600;
/** Headroom added to the job timeout for the default visibility timeout (result upload, delete). */
const VISIBILITY_HEADROOM_SECONDS = 30;

/** Valid Fargate task sizes: cpu units → [min MiB, max MiB, step MiB]. */
const FARGATE_SIZES: { [cpu: number]: [number, number, number] } = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<name>[:tag|@sha256:digest]`. */
const ECR_URI_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)\/([a-z0-9._\/-]+?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/;

const SUPPORTED_TRIGGERS = [TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE, TriggerKind.CPU_UTILIZATION];

/**
 * Props of {@link QueueDrainedWorkers}.
 */
export interface QueueDrainedWorkersProps {
  /**
   * The model the workers serve: its serving image runs as the worker container and its weights
   * location is passed in `MODEL_DATA_URL` (read is granted on exactly that object).
   *
   * @default - the artifact of the enclosing HybridTopology (an error if there is none)
   */
  readonly artifact?: ModelArtifact;

  /**
   * How many workers run. Supported triggers: `ScalingTrigger.queueBacklogPerInstance` (visible
   * jobs ÷ running workers, target tracking with metric math), `ScalingTrigger.timeInQueue`
   * (step scaling on the age of the oldest job) and `ScalingTrigger.cpuUtilization`. Scale to
   * zero needs a queue trigger. Use `AutoscalingPolicy.fixed(n)` for a fixed worker budget.
   *
   * @default - the policy of the enclosing HybridTopology (an error if there is none)
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * The longest one job may take. The queue's visibility timeout and the workers' stop timeout
   * are derived from it (see `visibilityTimeout` and `inFlightJobs`). Whole seconds, at most
   * 12 hours.
   */
  readonly jobTimeout: Duration;

  /**
   * The hardware the workers run on. `CPU_X86_64` and `CPU_ARM64` run on Fargate;
   * `NVIDIA_GPU` runs on EC2 GPU instances (Amazon Linux 2023 ECS GPU-optimized AMI) through a capacity provider.
   * The artifact must have a build for it.
   *
   * @default HardwareTarget.CPU_X86_64
   */
  readonly hardware?: HardwareTarget;

  /**
   * What happens to a worker's job when ECS stops the worker.
   *
   * @default InFlightJobHandling.FINISH
   */
  readonly inFlightJobs?: InFlightJobHandling;

  /**
   * How a new worker version rolls out. Only `Rollout.allAtOnce()` fits queue workers (an ECS
   * rolling deployment with the circuit breaker and deployment alarms); canary and linear shift
   * traffic, which a queue consumer does not receive, and are rejected.
   *
   * @default - rolling deployment, circuit breaker with rollback, no deployment alarms (time-in-queue
   * alarms are never deployment alarms)
   */
  readonly rollout?: Rollout;

  /**
   * The objective, e.g. `ServiceLevelObjective.timeInQueue(Duration.minutes(30), { maxErrorRatePercent: 5 })`.
   * A time-in-queue alarm pages and is never a deployment alarm (a backlog from before a deploy says
   * nothing about the new version). An error-rate objective counts failure reports against all
   * reports with S3 request metrics on the created results bucket, and deployments roll back on it.
   * Latency objectives are rejected: the lane has no per-job latency metric.
   *
   * @default - no SLO alarms
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * Bring your own job queue. Its visibility timeout, redrive policy, retention and encryption
   * are its owner's: `visibilityTimeout`, `maxReceiveCount`, `retentionPeriod` and
   * `encryptionKey` must then be left unset.
   *
   * @default - a KMS-encrypted queue with a dead-letter queue is created
   */
  readonly queue?: sqs.IQueue;

  /**
   * The dead-letter queue of a brought `queue`, so the lane can alarm on it.
   *
   * @default - the created DLQ, or none for a brought queue (no DLQ alarm)
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * How long a received job stays invisible to other workers. Must be at least `jobTimeout`,
   * or a job still being worked on is handed to a second worker.
   *
   * @default - jobTimeout + 30 seconds (at most 12 hours)
   */
  readonly visibilityTimeout?: Duration;

  /**
   * Receives before a job moves to the dead-letter queue (1-1000).
   *
   * @default 3
   */
  readonly maxReceiveCount?: number;

  /**
   * How long a job may wait in the queue (60 s to 14 days). The dead-letter queue keeps 14 days.
   * For standard queues a message's expiry counts from its first enqueue, also in the DLQ, so
   * keep this well under 14 days if failed jobs must stay inspectable.
   *
   * @default Duration.days(7)
   */
  readonly retentionPeriod?: Duration;

  /**
   * The KMS key encrypting the queue, the DLQ and the results bucket.
   *
   * @default - a key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where workers write results (`resultsPrefix`) and failure reports (`failuresPrefix`).
   *
   * @default - a versioned, KMS-encrypted bucket with public access blocked and TLS enforced
   */
  readonly resultsBucket?: s3.IBucket;

  /**
   * Key prefix for results. Workers may put objects under it and nowhere else.
   *
   * @default 'results/'
   */
  readonly resultsPrefix?: string;

  /**
   * Key prefix for failure reports.
   *
   * @default 'failures/'
   */
  readonly failuresPrefix?: string;

  /**
   * Server access logs destination for the created results bucket.
   *
   * @default - no server access logs
   */
  readonly resultsAccessLogsBucket?: s3.IBucket;

  /**
   * The ECS cluster. A GPU lane needs an `ecs.Cluster` of this app (it registers its capacity
   * provider); an imported cluster can run Fargate workers.
   *
   * @default - a cluster with Container Insights is created (in `vpc`)
   */
  readonly cluster?: ecs.ICluster;

  /**
   * Whether a brought `cluster` has Container Insights enabled. Backlog-per-worker scaling, scale
   * to zero and the no-workers alarm read `ECS/ContainerInsights` task counts.
   *
   * @default - true for a created cluster; false for a brought one
   */
  readonly clusterContainerInsights?: boolean;

  /**
   * The VPC for a created cluster. Must be left unset when `cluster` is given (its VPC is used).
   *
   * @default - a VPC with public and private subnets in 2 AZs, 1 NAT gateway, an S3 gateway
   * endpoint and flow logs to CloudWatch Logs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets the workers run in.
   *
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * CPU units: the Fargate task size (256-16384), or the container's reservation on EC2.
   *
   * @default 2048 on Fargate; no reservation on EC2
   */
  readonly cpu?: number;

  /**
   * Memory, MiB: the Fargate task size (valid for `cpu`), or the container's limit on EC2.
   *
   * @default 8192 on Fargate, 12288 on EC2
   */
  readonly memoryLimitMiB?: number;

  /**
   * GPUs per worker (GPU lanes only; Fargate has no GPUs).
   *
   * @default 1 on NVIDIA_GPU; must be unset on CPU targets
   */
  readonly gpuCount?: number;

  /**
   * EC2 instance type of the GPU capacity (an x86_64 NVIDIA instance: g4dn, g5, g6, p3, p4d, p5...).
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Most GPU instances the capacity provider may launch. Must cover `autoscaling.maxCapacity`
   * workers at `floor(instance GPUs ÷ gpuCount)` workers per instance.
   *
   * @default - twice the instances maxCapacity workers need, so a rolling deployment at full scale
   * (new tasks start before old ones stop) can place its tasks; instances are only launched for
   * tasks that wait for capacity
   */
  readonly maxInstances?: number;

  /**
   * Extra environment for the worker. Keys the lane sets (`JOB_QUEUE_URL`, `MODEL_*`, ...) may not
   * be overridden.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * Command of the worker container.
   *
   * @default - the image's own entrypoint and command
   */
  readonly command?: string[];

  /**
   * Retention of the workers' logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Batch and async inference: jobs pushed to an SQS queue and drained by ECS workers running the
 * model's serving image, scaled on backlog per worker and time in queue, with nothing lost.
 *
 * - Queue: KMS-encrypted (customer key with rotation), TLS enforced, a dead-letter queue with
 *   redrive after `maxReceiveCount`, visibility timeout derived from and checked against the job
 *   timeout, retention that survives an outage. Or bring your own queue.
 * - Workers: Fargate for CPU builds, EC2 GPU instances (Amazon Linux 2023 ECS GPU AMI, `gpuCount`) through a
 *   capacity provider for NVIDIA builds; a new or existing cluster/VPC; graceful shutdown.
 * - Scaling: backlog-per-worker target tracking with metric math (`visible ÷ RunningTaskCount`
 *   from Container Insights), time-in-queue steps on `ApproximateAgeOfOldestMessage`, optional
 *   CPU, scale to zero and back out on the first job, cooldowns, schedules, fixed budgets.
 * - Rollouts: ECS circuit breaker with rollback plus version-health deployment alarms (never queue age).
 * - Alarms: jobs in the DLQ, oldest job older than the SLO, no running worker while jobs wait.
 *
 * @example
 * new QueueDrainedWorkers(this, 'Docs', {
 *   artifact,
 *   jobTimeout: Duration.minutes(10),
 *   inFlightJobs: InFlightJobHandling.PROTECT_TASK,
 *   autoscaling: new AutoscalingPolicy({
 *     maxCapacity: 8, scaleToZero: true,
 *     triggers: [ScalingTrigger.queueBacklogPerInstance(20), ScalingTrigger.timeInQueue(Duration.minutes(10))],
 *   }),
 *   slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)),
 * });
 */
export class QueueDrainedWorkers extends InferenceLaneBase implements IInferenceLane {
  /** The archetype: batch workers. */
  public readonly laneKind: LaneKind = LaneKind.BATCH_WORKERS;
  /** Name of the bound model. */
  public readonly artifactName: string;
  /** Version of the bound model. */
  public readonly artifactVersion: string;
  /** Workers and their hardware. */
  public readonly capacity: LaneCapacity;
  /**
   * The SLO's version-health alarms (`SloErrorRate`): deployments roll back on them (see
   * {@link deploymentAlarms}). Time-in-queue alarms are in {@link sloPagingAlarms}.
   */
  public readonly sloAlarms: cloudwatch.IAlarm[];
  /**
   * The ECS deployment alarms: version-health alarms only (the SLO's alarms other than time in
   * queue, plus `rollout.alarms`). Empty means the circuit breaker alone judges a deployment.
   */
  public readonly deploymentAlarms: cloudwatch.IAlarm[];
  /** The SLO as Application Signals SLOs (construct ID `SloTimeInQueueObjective`). */
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];
  /** The SLO's alarms that page and never roll back (time in queue, `SloTimeInQueue`); empty without one. */
  public readonly sloPagingAlarms?: cloudwatch.IAlarm[];
  /** Burn-rate alarms of those SLOs: they page, deployments do not roll back on them. */
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[];
  /** The job queue. */
  public readonly queue: sqs.IQueue;
  /** The dead-letter queue, if known. */
  public readonly deadLetterQueue?: sqs.IQueue;
  /** The key encrypting the created queue, DLQ and bucket (undefined for brought resources). */
  public readonly encryptionKey?: kms.IKey;
  /** Where results and failure reports go. */
  public readonly resultsBucket: s3.IBucket;
  /** Key prefix of results. */
  public readonly resultsPrefix: string;
  /** Key prefix of failure reports. */
  public readonly failuresPrefix: string;
  /** The ECS cluster. */
  public readonly cluster: ecs.ICluster;
  /** The worker service (construct ID `Resource`). */
  public readonly service: ecs.BaseService;
  /** The worker task definition. */
  public readonly taskDefinition: ecs.TaskDefinition;
  /** The worker container. */
  public readonly container: ecs.ContainerDefinition;
  /** The role the worker code runs with. */
  public readonly taskRole: iam.IRole;
  /** The Application Auto Scaling target (undefined for a fixed worker count). */
  public readonly scalableTarget?: appscaling.ScalableTarget;
  /** The GPU capacity provider (GPU lanes only). */
  public readonly capacityProvider?: ecs.AsgCapacityProvider;
  /** Alarm: jobs landed in the dead-letter queue (undefined without a known DLQ). */
  public readonly deadLetterAlarm?: cloudwatch.Alarm;
  /** Alarm: jobs waiting while no worker runs (undefined without Container Insights). */
  public readonly noWorkersAlarm?: cloudwatch.Alarm;
  /** The job timeout. */
  public readonly jobTimeout: Duration;
  /** The visibility timeout of a created queue (undefined for a brought queue). */
  public readonly visibilityTimeout?: Duration;
  /** The worker container's stop timeout. */
  public readonly stopTimeout: Duration;
  /** What a worker does with its job when stopped. */
  public readonly inFlightJobs: InFlightJobHandling;
  /** The artifact binding the workers run. */
  public readonly binding: ModelArtifactBinding;

  private readonly onFargate: boolean;
  private readonly containerInsights: boolean;
  private readonly jobRequestMetrics: boolean;

  constructor(scope: Construct, id: string, props: QueueDrainedWorkersProps) {
    super(scope, id);
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    props = withLaneDefaults(this, props, 'QueueDrainedWorkers', ['artifact', 'autoscaling', 'slo', 'rollout'], ['artifact', 'autoscaling']);
    const hardware = props.hardware ?? HardwareTarget.CPU_X86_64;
    const policy = props.autoscaling!;
    if (!(props.jobTimeout instanceof Duration)) {
      throw invalid(this, 'jobTimeout', props.jobTimeout, 'is required (a Duration): the visibility and stop timeouts derive from it', 'Pass e.g. jobTimeout: Duration.minutes(5).');
    }
    // Enum-like props arrive as any string or number from other jsii languages and plain JavaScript.
    checkOneOf(this, 'inFlightJobs', props.inFlightJobs, Object.values(InFlightJobHandling));
    checkOneOf(this, 'logRetention', props.logRetention, Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number'));
    if (props.command !== undefined && (!Array.isArray(props.command) || props.command.some(c => typeof c !== 'string'))) {
      throw invalid(this, 'command', props.command, 'is not a list of strings (ECS takes the command as an argument list)', "Pass e.g. ['python', '-m', 'worker'].");
    }
    this.inFlightJobs = props.inFlightJobs ?? InFlightJobHandling.FINISH;
    this.jobTimeout = props.jobTimeout;

    // ---- validation (before any resource exists) ----
    this.onFargate = this.validateHardware(hardware, props);
    const jobSeconds = this.validateJobTimeout(props.jobTimeout);
    this.validateQueueProps(props, jobSeconds);
    this.stopTimeout = this.deriveStopTimeout(jobSeconds);
    this.validateScaling(policy);
    const instanceCap = this.onFargate ? 0 : this.gpuInstanceCap(props, policy);
    this.validateRollout(props.rollout);
    if (props.cluster && props.vpc) {
      throw invalid(this, 'vpc', props.vpc.node.path, 'is set together with cluster', 'Leave vpc unset: the workers run in the cluster\'s VPC.');
    }
    if (props.clusterContainerInsights !== undefined && !props.cluster) {
      throw invalid(this, 'clusterContainerInsights', props.clusterContainerInsights, 'describes a brought cluster but no cluster is given', 'Drop clusterContainerInsights: the created cluster always has Container Insights.');
    }
    this.containerInsights = props.cluster ? (props.clusterContainerInsights ?? false) : true;
    if (!this.containerInsights) {
      const needs = policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE) ? 'autoscaling.triggers (queueBacklogPerInstance)' : policy.scaleToZero ? 'autoscaling.scaleToZero' : undefined;
      if (needs) {
        throw invalid(this, needs, policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE)?.toString() ?? true,
          'needs ECS/ContainerInsights RunningTaskCount, but the brought cluster is not declared to have Container Insights',
          'Enable Container Insights on the cluster and pass clusterContainerInsights: true, or scale on timeInQueue/cpuUtilization without scaleToZero.');
      }
    }
    if (!this.onFargate && props.cluster && !(props.cluster instanceof ecs.Cluster)) {
      throw invalid(this, 'cluster', props.cluster.clusterName, 'is an imported cluster; a GPU lane must register its EC2 capacity provider on the cluster', 'Pass an ecs.Cluster defined in this app, or leave cluster unset to create one.');
    }
    const prefixes = this.validatePrefixes(props);
    this.resultsPrefix = prefixes[0];
    this.failuresPrefix = prefixes[1];
    // An error-rate objective counts job outcomes with S3 request metrics on the two prefixes.
    this.jobRequestMetrics = props.slo?.maxErrorRatePercent !== undefined;
    if (this.jobRequestMetrics && props.resultsBucket) {
      throw invalid(this, 'slo.maxErrorRatePercent', props.slo!.maxErrorRatePercent,
        'needs S3 request metrics on the results and failures prefixes, which the lane configures only on a results bucket it creates',
        'Drop resultsBucket so the lane creates one, or drop the error-rate objective and pass an alarm on your bucket\'s request metrics (or on a metric your workers publish) in rollout.alarms.');
    }

    // ---- queue, DLQ, key, results ----
    if (props.queue) {
      this.queue = props.queue;
      this.deadLetterQueue = props.deadLetterQueue;
    } else {
      const key = props.encryptionKey ?? new kms.Key(this, 'Key', {
        enableKeyRotation: true,
        description: `Encrypts the job queue, dead-letter queue and results of ${this.node.path}`,
      });
      this.encryptionKey = key;
      const visibility = props.visibilityTimeout ?? Duration.seconds(Math.min(jobSeconds + VISIBILITY_HEADROOM_SECONDS, SQS_MAX_VISIBILITY_SECONDS));
      this.visibilityTimeout = visibility;
      const dlq = new sqs.Queue(this, 'DeadLetterQueue', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.seconds(SQS_MAX_RETENTION_SECONDS),
      });
      this.deadLetterQueue = dlq;
      this.queue = new sqs.Queue(this, 'Queue', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        visibilityTimeout: visibility,
        retentionPeriod: props.retentionPeriod ?? Duration.days(7),
        deadLetterQueue: { queue: dlq, maxReceiveCount: props.maxReceiveCount ?? 3 },
      });
    }
    this.resultsBucket = props.resultsBucket ?? new s3.Bucket(this, 'Results', {
      metrics: this.jobRequestMetrics ? [
        { id: RESULTS_FILTER_ID, prefix: this.resultsPrefix },
        { id: FAILURES_FILTER_ID, prefix: this.failuresPrefix },
      ] : undefined,
      versioned: true,
      encryption: this.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: this.encryptionKey ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.resultsAccessLogsBucket,
      serverAccessLogsPrefix: props.resultsAccessLogsBucket ? `${this.node.id}-results/` : undefined,
    });

    // ---- cluster / VPC ----
    this.cluster = props.cluster ?? this.createCluster(props.vpc);

    // ---- task definition, artifact, container ----
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Worker role of ${this.node.path}: consume jobs, read the model, write results`,
    });
    this.taskRole = taskRole;
    // ECS grants the execution role the image pull (ContainerImage.fromEcrRepository); the task role only reads the weights.
    this.binding = props.artifact!.bind(this, { grantee: taskRole, grantImagePull: false, target: hardware, consumer: this.node.path });
    if (!this.binding.imageUri) {
      throw invalid(this, 'artifact', `${props.artifact!.name}@${props.artifact!.version}`, `has no serving image for '${hardware}'`, 'Give the ModelArtifact (or its variant) an image: ServingImage.fromRegistry(...) or fromEcrRepository(...).');
    }
    if (!this.binding.modelDataUrl) {
      throw invalid(this, 'artifact', `${props.artifact!.name}@${props.artifact!.version}`, 'is a SageMaker model package, which ECS workers cannot load', 'Use ModelArtifact.fromAsset or fromBucket for this lane.');
    }
    this.artifactName = this.binding.name;
    this.artifactVersion = this.binding.version;

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    const cpu = props.cpu ?? (this.onFargate ? 2048 : undefined);
    const memory = props.memoryLimitMiB ?? (this.onFargate ? 8192 : 12288);
    if (this.onFargate) {
      this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
        cpu,
        memoryLimitMiB: memory,
        taskRole,
        runtimePlatform: {
          cpuArchitecture: hardware === HardwareTarget.CPU_ARM64 ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
    } else {
      this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
        taskRole,
        networkMode: ecs.NetworkMode.AWS_VPC,
      });
    }
    const environment = this.workerEnvironment(props, jobSeconds);
    this.container = this.taskDefinition.addContainer('worker', {
      image: this.containerImage(this.binding),
      essential: true,
      cpu: this.onFargate ? undefined : cpu,
      memoryLimitMiB: this.onFargate ? undefined : memory,
      gpuCount: this.onFargate ? undefined : (props.gpuCount ?? 1),
      stopTimeout: this.stopTimeout,
      environment,
      command: props.command,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
    });

    // ---- grants ----
    this.queue.grantConsumeMessages(taskRole);
    this.resultsBucket.grantPut(taskRole, `${this.resultsPrefix}*`);
    this.resultsBucket.grantPut(taskRole, `${this.failuresPrefix}*`);
    let taskProtectionArn: string | undefined;
    if (this.inFlightJobs === InFlightJobHandling.PROTECT_TASK) {
      // The ECS agent calls these APIs with the task role when the worker uses the
      // $ECS_AGENT_URI/task-protection/v1/state endpoint. Task IDs are not known at deploy time.
      taskProtectionArn = Stack.of(this).formatArn({ service: 'ecs', resource: 'task', resourceName: `${this.cluster.clusterName}/*` });
      taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        resources: [taskProtectionArn],
      }));
    }
    // cdk-nag findings of the lane's own design, acknowledged on what the lane created (README "cdk-nag").
    acknowledgeWorkerFindings(this, {
      taskRole, taskDefinition: this.taskDefinition, resultsBucket: this.resultsBucket,
      laneBucketWithoutAccessLogs: props.resultsBucket === undefined && props.resultsAccessLogsBucket === undefined,
      resultsPrefix: this.resultsPrefix, failuresPrefix: this.failuresPrefix,
      keyGranted: this.queue.encryptionMasterKey !== undefined || this.resultsBucket.encryptionKey !== undefined,
      userEnvironment: Object.keys(props.environment ?? {}).length > 0,
      taskProtectionArn,
    });

    // ---- SLO alarms and rollout ----
    const slo = props.slo?.render(this, 'Slo', {
      laneName: `QueueDrainedWorkers ${this.node.path}`,
      queueAgeSeconds: this.metricOldestJobAge(),
      // Failed jobs of the running version: failure reports ÷ all reports (S3 request metrics of the
      // created results bucket, configured only for an error-rate objective).
      errors: this.jobRequestMetrics ? this.metricFailedJobs() : undefined,
      requests: this.jobRequestMetrics ? this.metricFinishedJobs() : undefined,
    });
    // Time-in-queue alarms are filtered out of the rollback alarms too, whichever list the SLO puts them in.
    const rollback = slo?.rollbackAlarms ?? [];
    this.sloPagingAlarms = [...(slo?.pagingAlarms ?? []), ...rollback.filter(isTimeInQueueAlarm)];
    this.sloAlarms = rollback.filter(a => !isTimeInQueueAlarm(a));
    this.serviceLevelObjectives = slo?.objectives ?? [];
    this.sloBurnRateAlarms = slo?.burnRateAlarms ?? [];
    // Deployment alarms judge the new version only. Queue age measures capacity: a backlog from
    // before the deploy would roll a healthy version back, so time-in-queue alarms page but never
    // roll back (also filtered here, whichever list the SLO puts them in).
    this.deploymentAlarms = [...this.sloAlarms, ...(props.rollout?.alarms ?? [])];
    const rolloutAlarms = this.deploymentAlarms;
    const autoRollback = props.rollout?.autoRollback ?? true;

    // ---- service ----
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.cluster.vpc,
      allowAllOutbound: true,
      description: `Workers of ${this.node.path}: no inbound; outbound to SQS, S3, ECR and the image registry`,
    });
    const common = {
      cluster: this.cluster,
      desiredCount: policy.isFixed ? policy.minCapacity : undefined,
      securityGroups: [securityGroup],
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { enable: true, rollback: autoRollback },
      deploymentAlarms: rolloutAlarms.length > 0 ? {
        alarmNames: rolloutAlarms.map(a => a.alarmName),
        behavior: autoRollback ? ecs.AlarmBehavior.ROLLBACK_ON_ALARM : ecs.AlarmBehavior.FAIL_ON_ALARM,
      } : undefined,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    };
    if (this.onFargate) {
      this.service = new ecs.FargateService(this, 'Resource', {
        ...common,
        taskDefinition: this.taskDefinition,
        assignPublicIp: false,
        platformVersion: ecs.FargatePlatformVersion.LATEST,
      });
    } else {
      this.capacityProvider = this.createGpuCapacity(props, instanceCap);
      this.service = new ecs.Ec2Service(this, 'Resource', {
        ...common,
        taskDefinition: this.taskDefinition,
        capacityProviderStrategies: [{ capacityProvider: this.capacityProvider.capacityProviderName, weight: 1 }],
      });
      // The cluster's AWS::ECS::ClusterCapacityProviderAssociations must exist before the service is
      // created and outlive it on delete: otherwise the create intermittently fails and the delete
      // fails with "capacity provider is in use". ecs.Cluster adds the association in an aspect at
      // synth, so the dependency is resolved lazily (by type) when the template is prepared.
      this.service.node.addDependency(capacityProviderAssociations(this.cluster));
    }

    // ---- scaling ----
    if (!policy.isFixed) {
      this.scalableTarget = new appscaling.ScalableTarget(this, 'ScalableTarget', {
        serviceNamespace: appscaling.ServiceNamespace.ECS,
        scalableDimension: 'ecs:service:DesiredCount',
        resourceId: `service/${this.cluster.clusterName}/${this.service.serviceName}`,
        minCapacity: policy.minCapacity,
        maxCapacity: policy.maxCapacity,
        // The ECS service-linked role, as ecs.BaseService.autoScaleTaskCount uses: no extra role.
        role: iam.Role.fromRoleArn(this, 'ScalingRole', Stack.of(this).formatArn({
          region: '',
          service: 'iam',
          resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
          resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
        })),
      });
      renderWorkerScaling(this, this.scalableTarget, policy, this.scalingMetricsFor(this.service));
      addScheduledActions(this.scalableTarget, policy);
    }

    // ---- alarms ----
    if (this.deadLetterQueue) {
      this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterJobsAlarm', {
        metric: this.metricDeadLetterJobs()!,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Jobs of ${this.node.path} failed ${props.maxReceiveCount ?? 3} receives and wait in the dead-letter queue. Inspect, fix, then redrive them (nothing is lost until the DLQ retention ends).`,
      });
    }
    if (this.containerInsights) {
      const minutes = this.onFargate ? 5 : 10;
      this.noWorkersAlarm = new cloudwatch.Alarm(this, 'NoWorkersAlarm', {
        metric: noWorkersWithBacklog(this.scalingMetricsFor(this.service), 'Jobs waiting and no worker running or starting'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: minutes,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Jobs of ${this.node.path} have waited ${minutes} minutes with no worker running or starting (capacity, image pull or crash loop).`,
      });
    } else {
      Annotations.of(this).addWarningV2('cdk-inference-lanes:noWorkersAlarm',
        'No "no workers while jobs wait" alarm: the brought cluster is not declared to have Container Insights (clusterContainerInsights).');
    }

    // ---- capacity, tags ----
    const instanceType = this.onFargate
      ? `fargate-${describeUnits(cpu, 1024)}vCPU-${describeUnits(memory, 1024)}GB`
      : (props.instanceType ?? defaultGpuInstance()).toString();
    this.capacity = {
      minInstances: policy.minCapacity,
      maxInstances: policy.maxCapacity,
      instanceType,
      hardware,
      priceClass: this.onFargate ? 'per-task-hour' : 'per-instance-hour',
      description: `${policy.minCapacity}-${policy.maxCapacity} × ${instanceType} queue workers`,
    };
    tagLane(this, this.binding, LaneKind.BATCH_WORKERS);
    if (this.scalableTarget) {
      // cfn-lint's resource schema (1.51) rejects Tags on AWS::ApplicationAutoScaling::ScalableTarget
      // (E3002) although the CDK L1 renders them; keep the lane's tags off that one resource.
      for (const key of [...Object.keys(this.binding.tags), 'inference:lane']) {
        Tags.of(this.scalableTarget).remove(key, { priority: 1000 });
      }
    }
  }

  /**
   * Let `grantee` submit jobs: `sqs:SendMessage` (and `GetQueueAttributes`, `GetQueueUrl`) on the
   * job queue, plus `kms:GenerateDataKey*`/`kms:Decrypt` (and `kms:Encrypt`/`kms:ReEncrypt*`) on
   * its key when the key is known.
   */
  public grantSubmit(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /** Same as {@link grantSubmit}: a batch lane is invoked by submitting a job. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.grantSubmit(grantee);
  }

  /**
   * The job queue as a front-door target for asynchronous jobs (`POST /jobs`, `GET /jobs/{id}`): the router
   * sends to `queue` and reads results under `resultsPrefix` and failure reports under `failuresPrefix` of
   * `resultsBucket`, where the workers write them.
   */
  public routeTarget(): RouteTarget | undefined {
    return RouteTarget.queue({
      queue: this.queue,
      results: { bucket: this.resultsBucket, prefix: this.resultsPrefix, failuresPrefix: this.failuresPrefix },
    });
  }

  /** Jobs waiting to be picked up (SQS ApproximateNumberOfMessagesVisible, Maximum per minute). */
  public metricBacklog(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /** Jobs being worked on (SQS ApproximateNumberOfMessagesNotVisible, Maximum per minute). */
  public metricJobsInFlight(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /** Age of the oldest waiting job, seconds (SQS ApproximateAgeOfOldestMessage, Maximum per minute). */
  public metricOldestJobAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /** Throughput: jobs completed, i.e. deleted by workers (SQS NumberOfMessagesDeleted, Sum per minute). */
  public metricJobsCompleted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricNumberOfMessagesDeleted({ statistic: 'Sum', period: Duration.minutes(1), ...props });
  }

  /** Jobs submitted (SQS NumberOfMessagesSent, Sum per minute). */
  public metricJobsSubmitted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricNumberOfMessagesSent({ statistic: 'Sum', period: Duration.minutes(1), ...props });
  }

  /**
   * Failure reports written under `failuresPrefix` (S3 request metrics `PutRequests`, Sum per minute):
   * one per failed job when workers follow the lane's contract.
   *
   * @returns undefined unless the lane created the results bucket with request metrics (an
   * error-rate objective)
   */
  public metricFailedJobs(props?: cloudwatch.MetricOptions): cloudwatch.Metric | undefined {
    return this.jobRequestMetrics ? this.putRequests(FAILURES_FILTER_ID, { label: 'Failed jobs (failure reports)', ...props }) : undefined;
  }

  /**
   * Jobs that finished, well or not: results plus failure reports (S3 `PutRequests` on both
   * prefixes, Sum per minute). A result uploaded in several parts counts once per part, which only
   * lowers the error rate (never a false rollback).
   *
   * @returns undefined unless the lane created the results bucket with request metrics (an
   * error-rate objective)
   */
  public metricFinishedJobs(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression | undefined {
    if (!this.jobRequestMetrics) { return undefined; }
    return new cloudwatch.MathExpression({
      expression: 'FILL(res, 0) + FILL(fail, 0)',
      usingMetrics: { res: this.putRequests(RESULTS_FILTER_ID), fail: this.putRequests(FAILURES_FILTER_ID) },
      period: Duration.minutes(1),
      label: 'Finished jobs (results + failure reports)',
      ...props,
    });
  }

  /**
   * Jobs in the dead-letter queue (Maximum per minute).
   *
   * @returns undefined when the DLQ is not known (a brought queue without `deadLetterQueue`)
   */
  public metricDeadLetterJobs(props?: cloudwatch.MetricOptions): cloudwatch.Metric | undefined {
    return this.deadLetterQueue?.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /** Running workers (ECS/ContainerInsights RunningTaskCount, Average per minute; needs Container Insights). */
  public metricRunningWorkers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.service.serviceName },
      statistic: 'Average',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** Jobs waiting per running worker: the backlog-per-worker scaling signal (metric math). */
  public metricBacklogPerWorker(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'visible / running',
      usingMetrics: { visible: this.metricBacklog({ statistic: 'Sum' }), running: this.metricRunningWorkers() },
      label: 'Jobs waiting per running worker',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * How full the lane is, per minute: jobs waiting, the oldest job's age (seconds), jobs waiting per
   * running worker (with Container Insights) and the workers' CPU utilization (`AWS/ECS`).
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    const metrics: cloudwatch.IMetric[] = [
      this.metricBacklog({ label: 'Jobs waiting' }),
      this.metricOldestJobAge({ label: 'Oldest job age (s)' }),
    ];
    if (this.containerInsights) {
      const visible = uniqueMetricId(this, 'visible');
      const running = uniqueMetricId(this, 'running');
      metrics.push(new cloudwatch.MathExpression({
        expression: `${visible} / ${running}`,
        usingMetrics: { [visible]: this.metricBacklog(), [running]: this.metricRunningWorkers() },
        period: Duration.minutes(1),
        label: 'Jobs waiting per running worker',
      }));
    }
    metrics.push(this.service.metricCpuUtilization({ period: Duration.minutes(1), label: 'Worker CPU utilization (%)' }));
    return metrics;
  }

  /**
   * Running workers (`ECS/ContainerInsights` `RunningTaskCount`, Average). On GPU capacity a worker
   * is priced as one instance of `capacity.instanceType`, which over-counts when several workers
   * share an instance.
   *
   * @returns undefined when the brought cluster is not declared to have Container Insights
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.containerInsights ? this.metricRunningWorkers({ label: 'Running workers', ...props }) : undefined;
  }

  /**
   * Queue workers have no per-request latency metric.
   *
   * @returns undefined
   */
  public metricLatency(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Failed jobs: failure reports under `failuresPrefix` (see {@link metricFailedJobs}). SQS itself
   * does not count redrives into the DLQ; watch {@link metricDeadLetterJobs} too.
   *
   * @returns undefined unless the lane counts job outcomes (an error-rate objective)
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.metricFailedJobs(props);
  }

  /** Jobs completed (see {@link metricJobsCompleted}). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.metricJobsCompleted(props);
  }

  // ------------------------------------------------------------------ internals

  private validateHardware(hardware: HardwareTarget, props: QueueDrainedWorkersProps): boolean {
    const fargate = hardware === HardwareTarget.CPU_X86_64 || hardware === HardwareTarget.CPU_ARM64;
    if (!fargate && hardware !== HardwareTarget.NVIDIA_GPU) {
      throw invalid(this, 'hardware', hardware, 'cannot run ECS queue workers',
        `Use HardwareTarget.CPU_X86_64 or CPU_ARM64 (Fargate) or NVIDIA_GPU (EC2 GPU capacity).`);
    }
    if (fargate) {
      if (props.gpuCount !== undefined) {
        throw invalid(this, 'gpuCount', props.gpuCount, `requests GPUs on Fargate (hardware '${hardware}'), which has none`,
          'Set hardware: HardwareTarget.NVIDIA_GPU to run on EC2 GPU instances, or drop gpuCount.');
      }
      if (props.instanceType !== undefined) {
        throw invalid(this, 'instanceType', props.instanceType.toString(), `applies to EC2 GPU capacity, but hardware '${hardware}' runs on Fargate`, 'Drop instanceType, or set hardware: HardwareTarget.NVIDIA_GPU.');
      }
      if (props.maxInstances !== undefined) {
        throw invalid(this, 'maxInstances', props.maxInstances, `applies to EC2 GPU capacity, but hardware '${hardware}' runs on Fargate`, 'Drop maxInstances, or set hardware: HardwareTarget.NVIDIA_GPU.');
      }
      const cpu = props.cpu ?? 2048;
      const memory = props.memoryLimitMiB ?? 8192;
      if (isConcreteNumber(cpu) && FARGATE_SIZES[cpu] === undefined) {
        throw invalid(this, 'cpu', cpu, 'is not a Fargate task size', `Use one of ${Object.keys(FARGATE_SIZES).join(', ')}.`);
      }
      if (isConcreteNumber(cpu) && isConcreteNumber(memory)) {
        const [lo, hi, step] = FARGATE_SIZES[cpu];
        if (memory < lo || memory > hi || (memory - lo) % step !== 0) {
          throw invalid(this, 'memoryLimitMiB', memory, `is not valid for a Fargate task of ${cpu} CPU units`, `Use ${lo} to ${hi} MiB in steps of ${step}.`);
        }
      }
    } else {
      checkInteger(this, 'gpuCount', props.gpuCount, 1, 8);
      checkInteger(this, 'maxInstances', props.maxInstances, 1, MAX_INT32);
      checkInteger(this, 'cpu', props.cpu, 128);
      checkInteger(this, 'memoryLimitMiB', props.memoryLimitMiB, 512);
      const it = props.instanceType?.toString();
      if (it !== undefined && !Token.isUnresolved(it)) {
        const why = UNSUPPORTED_GPU_FAMILIES[instanceFamily(it)];
        if (why || !/^(g\d+[a-z]*|p\d+[a-z]*)\.[a-z0-9]+$/.test(it) || /^g\d+g/.test(it)) {
          throw invalid(this, 'instanceType', it, `is not an x86_64 NVIDIA GPU instance type the ECS GPU AMI supports${why ? ` (it ${why})` : ''}`,
            'Use a g4dn, g5, g6, g6e, p3, p4d or p5 instance type, e.g. g5.xlarge.');
        }
      }
    }
    return fargate;
  }

  /**
   * The GPU Auto Scaling group's maximum size. Rejects task sizes that never place on the instance
   * type (more GPUs or memory than one instance has) and an instance cap below what the policy's
   * maxCapacity needs. The default leaves room for a rolling deployment at full scale (ECS starts
   * the new tasks before stopping the old ones: maximumPercent 200).
   */
  private gpuInstanceCap(props: QueueDrainedWorkersProps, policy: AutoscalingPolicy): number {
    const it = (props.instanceType ?? defaultGpuInstance()).toString();
    const gpuCount = props.gpuCount ?? 1;
    const memory = props.memoryLimitMiB ?? 12288;
    const shape = Token.isUnresolved(it) ? undefined : gpuInstanceShape(it);
    if (shape && isConcreteNumber(gpuCount) && gpuCount > shape.gpus) {
      throw invalid(this, 'gpuCount', gpuCount, `exceeds the ${shape.gpus} GPU(s) of one ${it}: the tasks would never be placed`,
        `Lower gpuCount to ${shape.gpus} or less, or pick an instance type with ${gpuCount} GPUs (e.g. g5.12xlarge has 4, g5.48xlarge 8).`);
    }
    if (shape && isConcreteNumber(memory) && memory > shape.memoryMiB) {
      throw invalid(this, 'memoryLimitMiB', memory, `exceeds the ${shape.memoryMiB} MiB of one ${it}: the tasks would never be placed`,
        `Lower memoryLimitMiB well under ${shape.memoryMiB} (the OS and the ECS agent keep some), or pick a larger instance type.`);
    }
    const perInstance = shape && isConcreteNumber(gpuCount) ? Math.floor(shape.gpus / gpuCount) : 1;
    if (!isConcreteNumber(policy.maxCapacity)) {
      return props.maxInstances ?? policy.maxCapacity;
    }
    const needed = Math.ceil(policy.maxCapacity / perInstance);
    if (props.maxInstances !== undefined && isConcreteNumber(props.maxInstances) && props.maxInstances < needed) {
      throw invalid(this, 'maxInstances', props.maxInstances,
        `is below the ${needed} instance(s) that autoscaling.maxCapacity (${policy.maxCapacity}) workers need at ${perInstance} worker(s) per ${it}: workers beyond it would never be placed`,
        `Raise maxInstances to at least ${needed} (${2 * needed} leaves room for a rolling deployment at full scale), or lower maxCapacity.`);
    }
    return props.maxInstances ?? Math.min(2 * needed, MAX_INT32);
  }

  private validateJobTimeout(jobTimeout: Duration): number {
    if (jobTimeout.isUnresolved()) {
      throw invalid(this, 'jobTimeout', jobTimeout, 'is a token', 'Pass a concrete Duration: the visibility and stop timeouts are derived from it at synth time.');
    }
    const ms = jobTimeout.toMilliseconds({ integral: false });
    if (ms < 1000 || ms % 1000 !== 0 || ms > SQS_MAX_VISIBILITY_SECONDS * 1000) {
      throw invalid(this, 'jobTimeout', jobTimeout, 'must be whole seconds from 1 second to 12 hours (the SQS visibility timeout range)', 'Pass e.g. Duration.minutes(5).');
    }
    return ms / 1000;
  }

  private validateQueueProps(props: QueueDrainedWorkersProps, jobSeconds: number): void {
    if (props.queue) {
      const owned: Array<[string, unknown]> = [
        ['visibilityTimeout', props.visibilityTimeout], ['maxReceiveCount', props.maxReceiveCount],
        ['retentionPeriod', props.retentionPeriod], ['encryptionKey', props.encryptionKey],
      ];
      for (const [name, value] of owned) {
        if (value !== undefined) {
          throw invalid(this, name, value instanceof Construct ? value.node.path : value, 'configures a queue this construct creates, but a queue was brought',
            `Set ${name} on the brought queue itself, or drop the queue prop to let the lane create one.`);
        }
      }
      return;
    }
    if (props.deadLetterQueue) {
      throw invalid(this, 'deadLetterQueue', props.deadLetterQueue.node.path, 'is only for a brought queue; the lane creates its own DLQ', 'Drop deadLetterQueue, or bring the queue too.');
    }
    if (props.maxReceiveCount !== undefined && isConcreteNumber(props.maxReceiveCount)) {
      if (!Number.isInteger(props.maxReceiveCount) || props.maxReceiveCount < 1 || props.maxReceiveCount > 1000) {
        throw invalid(this, 'maxReceiveCount', props.maxReceiveCount, 'must be an integer from 1 to 1000 (SQS redrive policy)',
          'Pass e.g. 3: a job moves to the dead-letter queue after that many receives without a delete.');
      }
    }
    checkDuration(this, 'visibilityTimeout', props.visibilityTimeout, { unit: 'seconds' });
    checkDuration(this, 'retentionPeriod', props.retentionPeriod, { unit: 'seconds' });
    const v = props.visibilityTimeout;
    if (v && !v.isUnresolved()) {
      const vs = v.toSeconds();
      if (vs < jobSeconds) {
        throw invalid(this, 'visibilityTimeout', v, `is shorter than jobTimeout (${props.jobTimeout.toHumanString()}): a job still being processed would become visible and run twice`,
          `Raise visibilityTimeout to at least ${jobSeconds} seconds (default: jobTimeout + ${VISIBILITY_HEADROOM_SECONDS} s), or lower jobTimeout.`);
      }
      if (vs > SQS_MAX_VISIBILITY_SECONDS) {
        throw invalid(this, 'visibilityTimeout', v, 'exceeds the SQS maximum of 12 hours', 'Pass Duration.hours(12) or less.');
      }
    }
    const r = props.retentionPeriod;
    if (r && !r.isUnresolved() && (r.toSeconds() < SQS_MIN_RETENTION_SECONDS || r.toSeconds() > SQS_MAX_RETENTION_SECONDS)) {
      throw invalid(this, 'retentionPeriod', r, 'must be between 60 seconds and 14 days (SQS retention range)', 'Pass e.g. Duration.days(7).');
    }
  }

  private deriveStopTimeout(jobSeconds: number): Duration {
    if (!this.onFargate) {
      return Duration.seconds(jobSeconds);
    }
    if (jobSeconds <= FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
      return Duration.seconds(jobSeconds);
    }
    if (this.inFlightJobs === InFlightJobHandling.FINISH) {
      throw invalid(this, 'jobTimeout', Duration.seconds(jobSeconds),
        `exceeds Fargate's 120-second stopTimeout, so with inFlightJobs FINISH a scale-in or deployment would SIGKILL a worker mid-job`,
        'Pass inFlightJobs: InFlightJobHandling.PROTECT_TASK (scale-in waits for the job) or RETURN_TO_QUEUE (the job goes back to the queue), keep jobTimeout at 120 seconds or less, or run on EC2 (HardwareTarget.NVIDIA_GPU).');
    }
    return Duration.seconds(FARGATE_MAX_STOP_TIMEOUT_SECONDS);
  }

  private validateScaling(policy: AutoscalingPolicy): void {
    // The policy itself checks cooldowns (whole seconds, at most 1 hour), 32-bit capacities, cron
    // fields and IANA time zones; validateFor re-checks the schedules as Application Auto Scaling
    // parses them (the default ScheduleFormat), which is how this lane renders them.
    const tracking = policy.triggers.some(t => t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE || t.kind === TriggerKind.CPU_UTILIZATION);
    policy.validateFor(this, {
      lane: 'QueueDrainedWorkers (ECS service auto scaling)',
      triggers: SUPPORTED_TRIGGERS,
      scaleToZero: true,
      schedules: true,
      // Step caps shape the time-in-queue and scale-from-zero steps; target tracking sizes its own steps.
      stepLimits: !tracking,
    });
    if (policy.scaleToZero && !policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE) && !policy.trigger(TriggerKind.TIME_IN_QUEUE)) {
      throw invalid(this, 'autoscaling.scaleToZero', true, 'needs a queue trigger to scale back in and out: CPU utilization has no value with zero workers',
        'Add ScalingTrigger.queueBacklogPerInstance(n) or ScalingTrigger.timeInQueue(d), or drop scaleToZero.');
    }
  }

  private validateRollout(rollout: Rollout | undefined): void {
    if (!rollout) { return; }
    if (rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
      throw invalid(this, 'rollout', rollout.toString(),
        'shifts traffic in steps, but queue workers receive no traffic to shift (each worker pulls jobs itself)',
        'Use Rollout.allAtOnce({ alarms }): an ECS rolling deployment with the circuit breaker and deployment alarms rolls back a bad version.');
    }
    // Any explicit value is rejected (even the default's 10 minutes): it would not be rendered.
    rejectFinalBakeTime(this, rollout, 'an ECS rolling deployment has no final bake phase (ECS derives the alarm watch time from the alarms\' periods)',
      'lengthen the SLO alarms\' evaluationPeriods to watch longer.');
  }

  private validatePrefixes(props: QueueDrainedWorkersProps): [string, string] {
    const out: string[] = [];
    for (const [name, value] of [['resultsPrefix', props.resultsPrefix ?? 'results/'], ['failuresPrefix', props.failuresPrefix ?? 'failures/']] as Array<[string, string]>) {
      if (!Token.isUnresolved(value) && (!/^[A-Za-z0-9!_.'()-][A-Za-z0-9!_.'()/-]*\/$/.test(value) || value.includes('*'))) {
        throw invalid(this, name, value, "must be a non-empty S3 key prefix ending in '/' without wildcards", "Pass e.g. 'results/'.");
      }
      out.push(value);
    }
    const concrete = !Token.isUnresolved(out[0]) && !Token.isUnresolved(out[1]);
    if (concrete && (out[0].startsWith(out[1]) || out[1].startsWith(out[0]))) {
      throw invalid(this, 'failuresPrefix', out[1], `overlaps resultsPrefix (${describeValue(out[0])})`, "Use separate prefixes such as 'results/' and 'failures/'.");
    }
    return [out[0], out[1]];
  }

  private createCluster(vpcProp: ec2.IVpc | undefined): ecs.Cluster {
    let vpc = vpcProp;
    if (!vpc) {
      const created = new ec2.Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 1,
        restrictDefaultSecurityGroup: false,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'workers', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        ],
        gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      });
      created.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
      vpc = created;
    }
    return new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
  }

  private createGpuCapacity(props: QueueDrainedWorkersProps, maxInstances: number): ecs.AsgCapacityProvider {
    const cluster = this.cluster as ecs.Cluster;
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `GPU container instances of ${this.node.path}`,
    });
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.GPU),
      instanceType: props.instanceType ?? defaultGpuInstance(),
      role,
      userData: ec2.UserData.forLinux(),
      requireImdsv2: true,
      securityGroup: new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
        vpc: cluster.vpc,
        allowAllOutbound: true,
        description: `GPU container instances of ${this.node.path}: no inbound`,
      }),
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    const asg = new autoscaling.AutoScalingGroup(this, 'GpuInstances', {
      vpc: cluster.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: 0,
      maxCapacity: maxInstances,
    });
    const provider = new ecs.AsgCapacityProvider(this, 'GpuCapacity', {
      autoScalingGroup: asg,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      targetCapacityPercent: 100,
      // AL2023 ECS AMIs take the same ecs.config user data as AL2 (ECS_CLUSTER=...).
      machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
    });
    cluster.addAsgCapacityProvider(provider);
    // cdk-nag findings of the GPU capacity's design (README "cdk-nag").
    acknowledgeGpuCapacityFindings(asg, role);
    return provider;
  }

  private containerImage(binding: ModelArtifactBinding): ecs.ContainerImage {
    const uri = binding.imageUri!;
    if (binding.imageRepository) {
      // `repo@sha256:...` or `repo:tag`; the repository part may be a token, the suffix is literal.
      const at = uri.lastIndexOf('@');
      const tagOrDigest = at >= 0 ? uri.slice(at + 1) : uri.slice(uri.lastIndexOf(':') + 1);
      return ecs.ContainerImage.fromEcrRepository(binding.imageRepository, tagOrDigest);
    }
    // An ECR image given by URI (e.g. an AWS Deep Learning Container): pull it as an ECR
    // repository so the execution role gets pull on exactly that repository.
    const m = Token.isUnresolved(uri) ? null : ECR_URI_RE.exec(uri);
    if (m) {
      const [, account, region, suffix, name, tag, digest] = m;
      const partition = suffix.endsWith('.cn') ? 'aws-cn' : 'aws';
      const repository = ecr.Repository.fromRepositoryAttributes(this, 'ServingImageRepository', {
        repositoryName: name,
        repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${name}`,
      });
      return ecs.ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
    }
    return ecs.ContainerImage.fromRegistry(uri);
  }

  private workerEnvironment(props: QueueDrainedWorkersProps, jobSeconds: number): { [key: string]: string } {
    const b = this.binding;
    const env: { [key: string]: string } = {
      JOB_QUEUE_URL: this.queue.queueUrl,
      RESULTS_BUCKET: this.resultsBucket.bucketName,
      RESULTS_PREFIX: this.resultsPrefix,
      FAILURES_PREFIX: this.failuresPrefix,
      JOB_TIMEOUT_SECONDS: String(jobSeconds),
      IN_FLIGHT_JOBS: this.inFlightJobs,
      MODEL_NAME: b.name,
      MODEL_VERSION: b.version,
      MODEL_FRAMEWORK: b.framework,
      MODEL_TARGET: b.target,
      MODEL_PRECISION: b.precision,
      MODEL_DATA_URL: b.modelDataUrl!,
      MODEL_CARD: b.cardJson,
    };
    if (this.visibilityTimeout) { env.VISIBILITY_TIMEOUT_SECONDS = String(this.visibilityTimeout.toSeconds()); }
    if (b.digest) { env.MODEL_DIGEST = b.digest; }
    for (const [k, v] of Object.entries(props.environment ?? {})) {
      if (k in env) {
        throw invalid(this, `environment.${k}`, v, `is set by the lane${k.startsWith('MODEL_') ? ' from the artifact' : ''}`, `Drop ${k}; the lane sets ${Object.keys(env).join(', ')}.`);
      }
      if (typeof v !== 'string') {
        throw invalid(this, `environment.${k}`, v, 'is not a string (ECS environment values are strings)', `Pass the value as a string, e.g. '${String(v)}'.`);
      }
      env[k] = v;
    }
    return env;
  }

  private putRequests(filterId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName: 'PutRequests',
      dimensionsMap: { BucketName: this.resultsBucket.bucketName, FilterId: filterId },
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...props,
    });
  }

  private scalingMetricsFor(service: ecs.BaseService | undefined): WorkerScalingMetrics {
    const taskCount = (metricName: string) => new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: service?.serviceName ?? '' },
      statistic: 'Average',
      period: Duration.minutes(1),
    });
    return {
      visible: this.metricBacklog(),
      inFlight: this.metricJobsInFlight(),
      oldestAge: this.metricOldestJobAge(),
      running: taskCount('RunningTaskCount'),
      pending: taskCount('PendingTaskCount'),
      desired: taskCount('DesiredTaskCount'),
      queueName: this.queue.queueName,
      clusterName: this.cluster.clusterName,
      serviceName: service?.serviceName ?? '',
      holdStepsWhileProvisioning: !this.onFargate && this.containerInsights,
    };
  }
}

/** The cluster's capacity-provider associations, looked up when dependencies are resolved (after aspects). */
function capacityProviderAssociations(cluster: ecs.ICluster): IDependable {
  const dependable: IDependable = {};
  Dependable.implement(dependable, {
    get dependencyRoots(): IConstruct[] {
      return cluster.node.findAll().filter(c => c instanceof ecs.CfnClusterCapacityProviderAssociations);
    },
  });
  return dependable;
}

/** True for the SLO's time-in-queue alarm (construct ID `<id>TimeInQueue`, see ServiceLevelObjective.render). */
function isTimeInQueueAlarm(alarm: cloudwatch.IAlarm): boolean {
  return alarm.node.id.endsWith('TimeInQueue');
}

function defaultGpuInstance(): ec2.InstanceType {
  return ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE);
}

function describeUnits(value: number | undefined, per: number): string {
  if (value === undefined || Token.isUnresolved(value)) { return '?'; }
  return String(Math.round((value / per) * 100) / 100);
}
