import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RequestCaptureOptions } from '../core/request-capture';
import { AutoscalingPolicy } from '../core/autoscaling';
import { DynamicBatching } from '../core/dynamic-batching';
import { ScaleOutLeadTime } from '../core/lead-time';
import { HardwareTarget, LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity } from '../core/inference-lane';
import { ModelArtifact, ModelArtifactBinding } from '../core/model-artifact';
import { withLaneDefaults } from '../core/private/lane-defaults';
import { Rollout } from '../core/rollout';
import { RouteTarget } from '../core/route-target';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { GpuCapacity, GpuCapacityKind } from './gpu-capacity';
import { InFlightJobHandling } from './in-flight-jobs';
import { QueueDrainedWorkersBase } from './queue-drained-workers-base';
import { createCluster, laneCapacity } from './private/capacity';
import { createJobQueue } from './private/job-queue';
import { createResultsBucket } from './private/results-bucket';
import { workerLeadTime } from './private/lead-time';
import { createWorkerAlarms, renderSloAlarms } from './private/rollback-alarms';
import { checkWorkerArtifact, validateWorkerProps } from './private/validate-props';
import { createWorkerScaling, workerScalingMetrics } from './private/worker-scaling';
import { createWorkerService } from './private/worker-service';
import { createTaskRole, createWorkerTask, grantWorkerAccess } from './private/worker-task';

/**
 * Props of {@link QueueDrainedWorkers}.
 */
export interface QueueDrainedWorkersProps {
  /**
   * The model the workers serve: its serving image runs as the worker container and the model's
   * identity and weights location are passed in the `MODEL_*` environment (`MODEL_S3_URI`, ...; read
   * is granted on exactly that object).
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
   * The longest one job may take (with `dynamicBatching`: one batch, run as one inference). The
   * queue's visibility timeout and the workers' stop timeout are derived from it (see
   * `visibilityTimeout` and `inFlightJobs`). Whole seconds, at most 12 hours.
   */
  readonly jobTimeout: Duration;

  /**
   * Dynamic batching: each worker fills a batch of up to `maxBatchSize` jobs with SQS receives of at
   * most 10 messages (several receives for larger batches), waiting at most `maxQueueDelay` after the
   * first job, then runs the batch as one inference. Rendered as the worker's `BATCH_*` environment
   * (lane README "Dynamic batching"); the visibility timeout grows by the fill delay. Delays in whole
   * milliseconds up to 1 minute; `preferredBatchSizes` are rejected (SQS receives cannot express them).
   * Scaling stays in jobs: `queueBacklogPerInstance(n)` still counts messages per worker.
   *
   * @default - no batching: the worker decides how many messages it receives
   */
  readonly dynamicBatching?: DynamicBatching;

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
   * How long the queue must be idle (nothing waiting, nothing in flight, nothing received, each
   * minute) before the workers scale in to the minimum in one step (`IdleScaleIn`). Whole minutes,
   * 1 minute to 1 day; not with `AutoscalingPolicy.fixed`.
   *
   * @default Duration.minutes(2)
   */
  readonly idleScaleInAfter?: Duration;

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
   * How long a received job stays invisible to other workers. Must be at least `jobTimeout` (plus
   * `dynamicBatching.maxQueueDelay`, rounded up to seconds), or a job still being worked on is
   * handed to a second worker.
   *
   * @default - jobTimeout + 30 seconds (+ the batch fill delay with dynamicBatching), at most 12 hours
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
   * The ECS cluster. Fargate workers and GPU workers on managed instances (a cluster-scoped capacity
   * provider that names the cluster) run on an imported cluster too; `GpuCapacity.autoScalingGroup()`
   * needs an `ecs.Cluster` of this app (it registers its capacity provider on it).
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
   * Where GPU workers get their instances: `GpuCapacity.managedInstances()` (ECS Managed Instances:
   * ECS launches, patches and retires instances of `instanceType` for waiting tasks) or
   * `GpuCapacity.autoScalingGroup()` (the lane's Auto Scaling group of the ECS GPU AMI,
   * `maxInstances`). `NVIDIA_GPU` only. Changing it replaces the capacity provider and the service.
   *
   * @default GpuCapacity.managedInstances() on NVIDIA_GPU; must be unset on CPU targets
   */
  readonly gpuCapacity?: GpuCapacity;

  /**
   * EC2 instance type of the GPU capacity (an x86_64 NVIDIA instance: g4dn, g5, g6, p3, p4d, p5...).
   * On managed instances it is the one allowed instance type.
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Most GPU instances of the Auto Scaling group (`GpuCapacity.autoScalingGroup()` only: managed
   * instances follow the tasks). Must cover `autoscaling.maxCapacity`
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
   * Sampled request capture for drift monitoring: the worker gets `REQUEST_CAPTURE_BUCKET`,
   * `REQUEST_CAPTURE_PREFIX`, `REQUEST_CAPTURE_SAMPLING_PERCENT` (and `REQUEST_CAPTURE_KMS_KEY_ARN`)
   * and `s3:PutObject` on exactly that prefix; the worker code writes the captures (serverless README "Request capture").
   *
   * @default - no request capture
   */
  readonly requestCapture?: RequestCaptureOptions;

  /**
   * How long a new worker takes to pull its image, as you measured it. Only stated in
   * `scaleOutLeadTime` (nothing is rendered from it). Whole seconds, at most 1 hour.
   *
   * @default - an estimate: 1 minute for a CPU image, 3 minutes for a GPU serving image
   */
  readonly imagePullTime?: Duration;

  /**
   * How long a new worker takes to fetch and load the model before it receives jobs, as you measured
   * it. Only stated in `scaleOutLeadTime`. Whole seconds, at most 1 hour.
   *
   * @default - an estimate: 1 minute
   */
  readonly modelLoadTime?: Duration;

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
export class QueueDrainedWorkers extends QueueDrainedWorkersBase implements IInferenceLane {
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
  /** The Auto Scaling group capacity provider (`GpuCapacity.autoScalingGroup()` only). */
  public readonly capacityProvider?: ecs.AsgCapacityProvider;
  /** The ECS Managed Instances capacity provider (GPU workers on `GpuCapacity.managedInstances()`, the default). */
  public readonly managedInstancesCapacityProvider?: ecs.ManagedInstancesCapacityProvider;
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

  /** The dynamic batching the workers render (undefined: none). */
  public readonly dynamicBatching?: DynamicBatching;

  private readonly onFargate: boolean;
  private readonly leadTime: ScaleOutLeadTime;
  protected readonly containerInsights: boolean;
  protected readonly jobRequestMetrics: boolean;

  constructor(scope: Construct, id: string, props: QueueDrainedWorkersProps) {
    super(scope, id);
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    const p = withLaneDefaults(this, props, 'QueueDrainedWorkers', ['artifact', 'autoscaling', 'slo', 'rollout'], ['artifact', 'autoscaling']);
    const hardware = p.hardware ?? HardwareTarget.CPU_X86_64;
    const policy = p.autoscaling;
    this.jobTimeout = p.jobTimeout;
    // Validation, before any resource exists.
    const v = validateWorkerProps(this, p, hardware, policy);
    ({
      onFargate: this.onFargate, containerInsights: this.containerInsights, jobRequestMetrics: this.jobRequestMetrics,
      inFlightJobs: this.inFlightJobs, stopTimeout: this.stopTimeout, resultsPrefix: this.resultsPrefix, failuresPrefix: this.failuresPrefix,
    } = v);

    // Queue, DLQ, key, results, cluster.
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue, encryptionKey: this.encryptionKey, visibilityTimeout: this.visibilityTimeout } =
      createJobQueue(this, p, v.receiveVisibilitySeconds));
    this.resultsBucket = createResultsBucket(this, p, { ...v, requestMetrics: v.jobRequestMetrics, encryptionKey: this.encryptionKey });
    this.cluster = p.cluster ?? createCluster(this, p.vpc);

    // The artifact, the task definition and its container, grants.
    this.taskRole = createTaskRole(this);
    // ECS grants the execution role the image pull (ContainerImage.fromEcrRepository); the task role only reads the weights.
    const model = this.bindModel(p.artifact, { grantee: this.taskRole, grantImagePull: false, target: hardware, consumer: this.node.path });
    this.binding = checkWorkerArtifact(this, p.artifact, model.binding, hardware);
    this.artifactName = this.binding.name;
    this.artifactVersion = this.binding.version;
    const task = {
      ...v, onManagedInstances: v.gpuCapacity?.kind === GpuCapacityKind.MANAGED_INSTANCES, taskRole: this.taskRole, binding: this.binding, modelEnvironment: model.environment, hardware,
      queue: this.queue, visibilityTimeout: this.visibilityTimeout, resultsBucket: this.resultsBucket,
    };
    ({ taskDefinition: this.taskDefinition, container: this.container } = createWorkerTask(this, p, task));
    grantWorkerAccess(this, p, task, this.cluster, this.taskDefinition);

    // SLO alarms, deployment alarms.
    ({
      sloAlarms: this.sloAlarms, sloPagingAlarms: this.sloPagingAlarms, serviceLevelObjectives: this.serviceLevelObjectives,
      sloBurnRateAlarms: this.sloBurnRateAlarms, deploymentAlarms: this.deploymentAlarms,
    } = renderSloAlarms(this, p.slo, p.rollout, {
      label: `QueueDrainedWorkers ${this.node.path}`,
      oldestJobAge: this.metricOldestJobAge(),
      failedJobs: this.metricFailedJobs(),
      finishedJobs: this.metricFinishedJobs(),
    }));

    // Service, scaling, operational alarms.
    ({ service: this.service, capacityProvider: this.capacityProvider, managedInstancesCapacityProvider: this.managedInstancesCapacityProvider } =
      createWorkerService(this, p, { ...v, cluster: this.cluster, taskDefinition: this.taskDefinition, policy, deploymentAlarms: this.deploymentAlarms }));
    if (!policy.isFixed) {
      this.scalableTarget = createWorkerScaling(this, {
        queue: this.queue, cluster: this.cluster, service: this.service, policy,
        holdStepsWhileProvisioning: !this.onFargate && this.containerInsights,
        laneTagKeys: [...Object.keys(this.binding.tags), 'inference:lane'],
        idleMinutes: v.idleMinutes,
      });
    }
    ({ deadLetterAlarm: this.deadLetterAlarm, noWorkersAlarm: this.noWorkersAlarm } = createWorkerAlarms(this, {
      deadLetterJobs: this.metricDeadLetterJobs(),
      maxReceiveCount: p.maxReceiveCount ?? 3,
      scalingMetrics: this.containerInsights ? workerScalingMetrics(this.queue, this.cluster, this.service, !this.onFargate) : undefined,
      onFargate: this.onFargate,
    }));
    this.capacity = laneCapacity(p, policy, hardware, this.onFargate);
    this.dynamicBatching = p.dynamicBatching;
    this.leadTime = workerLeadTime({
      policy, onFargate: this.onFargate, gpuCapacity: v.gpuCapacity?.kind, imagePullTime: p.imagePullTime, modelLoadTime: p.modelLoadTime,
    });
  }

  /**
   * Expected time from "jobs wait" to "a new worker receives jobs", step by step with sources, derived
   * from the props: SQS metric publication (1 min), the first scale-out alarm (1 period for the wake-up
   * from zero and the time-in-queue steps, 3 for target tracking alone), capacity (Fargate task start,
   * or a GPU instance from ECS Managed Instances / the Auto Scaling group), image pull
   * (`imagePullTime`) and model load (`modelLoadTime`). For `AutoscalingPolicy.fixed`: the time to
   * replace a stopped worker (the ECS service scheduler, then capacity, image and model).
   */
  public get scaleOutLeadTime(): ScaleOutLeadTime {
    return this.leadTime;
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

}
