import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AutoscalingPolicy, TriggerKind } from '../../core/autoscaling';
import { HardwareTarget } from '../../core/hardware';
import { ModelArtifact, ModelArtifactBinding } from '../../core/model-artifact';
import { checkInteger, describeValue, invalid, isConcreteNumber } from '../../core/private/errors';
import { rejectFinalBakeTime } from '../../core/private/rollout-checks';
import { MODEL_ENV_NAMES } from '../../core/private/model-environment';
import { REQUEST_CAPTURE_ENV } from '../../core/private/request-capture';
import { checkDuration, checkNoModelEnvOverride, checkOneOf } from '../../core/private/validation';
import { Rollout, RolloutStrategy } from '../../core/rollout';
import { GpuCapacity, GpuCapacityKind } from '../gpu-capacity';
import { BATCH_ENV, BatchingPlan, planBatching } from './batching';
import { InFlightJobHandling } from '../in-flight-jobs';
import { DEFAULT_IDLE_SCALE_IN_MINUTES } from './worker-scaling';
import type { QueueDrainedWorkersProps } from '../queue-drained-workers';
import { gpuInstanceShape, instanceFamily, UNSUPPORTED_GPU_FAMILIES } from './gpu-instances';

/**
 * Validation of {@link QueueDrainedWorkersProps}, before any resource exists. Internal to the
 * batch-workers lane: every check throws a LaneValidationError through `invalid()`.
 */

/** Application Auto Scaling capacities and Auto Scaling group sizes are 32-bit signed integers. */
export const MAX_INT32 = 2_147_483_647;
/** Fargate's ceiling on a container's stopTimeout. */
const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;
/** SQS's ceiling on a visibility timeout. */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * 3600;
/** SQS's retention bounds. */
const SQS_MIN_RETENTION_SECONDS = 60;
export const SQS_MAX_RETENTION_SECONDS = 14 * 24 * 3600;
/** Headroom added to the job timeout for the default visibility timeout (result upload, delete). */
export const VISIBILITY_HEADROOM_SECONDS = 30;

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

/** The worker variables the lane sets besides the MODEL_* ones (and VISIBILITY_TIMEOUT_SECONDS for a created queue). */
const LANE_ENV_NAMES = ['JOB_QUEUE_URL', 'RESULTS_BUCKET', 'RESULTS_PREFIX', 'FAILURES_PREFIX', 'JOB_TIMEOUT_SECONDS', 'IN_FLIGHT_JOBS'];

const SUPPORTED_TRIGGERS = [TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE, TriggerKind.CPU_UTILIZATION];

/** What the validated props decide. @internal */
export interface ValidatedWorkerProps {
  /** CPU targets run on Fargate; NVIDIA_GPU on EC2 GPU capacity. */
  readonly onFargate: boolean;
  /** `jobTimeout` in seconds. */
  readonly jobSeconds: number;
  /** The worker container's stop timeout. */
  readonly stopTimeout: Duration;
  /** What a worker does with its job when stopped. */
  readonly inFlightJobs: InFlightJobHandling;
  /** Most GPU instances of the Auto Scaling group (0 on Fargate and on managed instances). */
  readonly instanceCap: number;
  /** The GPU capacity (undefined on Fargate). */
  readonly gpuCapacity?: GpuCapacity;
  /** Container Insights task counts are available (created cluster, or declared on a brought one). */
  readonly containerInsights: boolean;
  readonly resultsPrefix: string;
  readonly failuresPrefix: string;
  /** An error-rate objective: S3 request metrics on the results bucket count job outcomes. */
  readonly jobRequestMetrics: boolean;
  /** Consecutive idle minutes before the idle scale-in (`idleScaleInAfter`). */
  readonly idleMinutes: number;
  /** How `dynamicBatching` is received (undefined: one job per receive). */
  readonly batching?: BatchingPlan;
  /**
   * The visibility timeout each receive must hold its jobs for: `jobTimeout` + the batch fill delay +
   * 30 s, at most 12 hours (the default of a created queue; passed on each receive with batching).
   */
  readonly receiveVisibilitySeconds: number;
}

/** The default GPU instance type. @internal */
export function defaultGpuInstance(): ec2.InstanceType {
  return ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE);
}

/**
 * Check every prop the lane renders and derive what the building steps need.
 * @internal
 */
export function validateWorkerProps(scope: Construct, props: QueueDrainedWorkersProps, hardware: HardwareTarget, policy: AutoscalingPolicy): ValidatedWorkerProps {
  if (!(props.jobTimeout instanceof Duration)) {
    throw invalid(scope, 'jobTimeout', props.jobTimeout, 'is required (a Duration): the visibility and stop timeouts derive from it', 'Pass e.g. jobTimeout: Duration.minutes(5).');
  }
  // Enum-like props arrive as any string or number from other jsii languages and plain JavaScript.
  checkOneOf(scope, 'inFlightJobs', props.inFlightJobs, Object.values(InFlightJobHandling));
  checkOneOf(scope, 'logRetention', props.logRetention, Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number'));
  if (props.command !== undefined && (!Array.isArray(props.command) || props.command.some(c => typeof c !== 'string'))) {
    throw invalid(scope, 'command', props.command, 'is not a list of strings (ECS takes the command as an argument list)', "Pass e.g. ['python', '-m', 'worker'].");
  }
  const inFlightJobs = props.inFlightJobs ?? InFlightJobHandling.FINISH;
  const onFargate = validateHardware(scope, hardware, props);
  const jobSeconds = validateJobTimeout(scope, props.jobTimeout);
  const batching = planBatching(scope, props.dynamicBatching);
  validateQueueProps(scope, props, jobSeconds, batching);
  const stopTimeout = deriveStopTimeout(scope, onFargate, inFlightJobs, jobSeconds);
  validateScaling(scope, policy);
  const idleMinutes = validateIdleScaleIn(scope, props.idleScaleInAfter, policy);
  const gpuCapacity = validateGpuCapacity(scope, props, onFargate);
  const instanceCap = onFargate ? 0 : gpuInstanceCap(scope, props, policy, gpuCapacity!);
  validateRollout(scope, props.rollout);
  const containerInsights = validateCluster(scope, props, policy, onFargate, gpuCapacity);
  const [resultsPrefix, failuresPrefix] = validatePrefixes(scope, props);
  validateEnvironment(scope, props, batching);
  for (const [name, d] of [['imagePullTime', props.imagePullTime], ['modelLoadTime', props.modelLoadTime]] as Array<[string, Duration | undefined]>) {
    checkDuration(scope, name, d, { unit: 'seconds', max: Duration.hours(1) });
    if (d !== undefined && d.isUnresolved()) {
      throw invalid(scope, name, d, 'is a token', 'Pass a concrete Duration: scaleOutLeadTime states it at synth time.');
    }
  }
  // An error-rate objective counts job outcomes with S3 request metrics on the two prefixes.
  const jobRequestMetrics = props.slo?.maxErrorRatePercent !== undefined;
  if (jobRequestMetrics && props.resultsBucket) {
    throw invalid(scope, 'slo.maxErrorRatePercent', props.slo!.maxErrorRatePercent,
      'needs S3 request metrics on the results and failures prefixes, which the lane configures only on a results bucket it creates',
      'Drop resultsBucket so the lane creates one, or drop the error-rate objective and pass an alarm on your bucket\'s request metrics (or on a metric your workers publish) in rollout.alarms.');
  }
  const receiveVisibilitySeconds = Math.min(jobSeconds + (batching?.fillSeconds ?? 0) + VISIBILITY_HEADROOM_SECONDS, SQS_MAX_VISIBILITY_SECONDS);
  return {
    onFargate, jobSeconds, stopTimeout, inFlightJobs, instanceCap, gpuCapacity, containerInsights, resultsPrefix, failuresPrefix, jobRequestMetrics, idleMinutes,
    batching, receiveVisibilitySeconds,
  };
}

/** `vpc` with `cluster`, Container Insights of a brought cluster, GPU workers on an imported cluster. */
function validateCluster(scope: Construct, props: QueueDrainedWorkersProps, policy: AutoscalingPolicy, onFargate: boolean, gpuCapacity: GpuCapacity | undefined): boolean {
  if (props.cluster && props.vpc) {
    throw invalid(scope, 'vpc', props.vpc.node.path, 'is set together with cluster', 'Leave vpc unset: the workers run in the cluster\'s VPC.');
  }
  if (props.clusterContainerInsights !== undefined && !props.cluster) {
    throw invalid(scope, 'clusterContainerInsights', props.clusterContainerInsights, 'describes a brought cluster but no cluster is given', 'Drop clusterContainerInsights: the created cluster always has Container Insights.');
  }
  const containerInsights = props.cluster ? (props.clusterContainerInsights ?? false) : true;
  if (!containerInsights) {
    const needs = policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE) ? 'autoscaling.triggers (queueBacklogPerInstance)' : policy.scaleToZero ? 'autoscaling.scaleToZero' : undefined;
    if (needs) {
      throw invalid(scope, needs, policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE)?.toString() ?? true,
        'needs ECS/ContainerInsights RunningTaskCount, but the brought cluster is not declared to have Container Insights',
        'Enable Container Insights on the cluster and pass clusterContainerInsights: true, or scale on timeInQueue/cpuUtilization without scaleToZero.');
    }
  }
  // A managed-instances provider names its cluster (ClusterName): it works on an imported cluster too.
  if (!onFargate && gpuCapacity?.kind === GpuCapacityKind.AUTO_SCALING_GROUP && props.cluster && !(props.cluster instanceof ecs.Cluster)) {
    throw invalid(scope, 'cluster', props.cluster.clusterName, 'is an imported cluster; GpuCapacity.autoScalingGroup() must register its EC2 capacity provider on the cluster',
      'Use GpuCapacity.managedInstances() (the default: a cluster-scoped provider that names the imported cluster), pass an ecs.Cluster defined in this app, or leave cluster unset to create one.');
  }
  return containerInsights;
}

function validateHardware(scope: Construct, hardware: HardwareTarget, props: QueueDrainedWorkersProps): boolean {
  const fargate = hardware === HardwareTarget.CPU_X86_64 || hardware === HardwareTarget.CPU_ARM64;
  if (!fargate && hardware !== HardwareTarget.NVIDIA_GPU) {
    throw invalid(scope, 'hardware', hardware, 'cannot run ECS queue workers',
      `Use HardwareTarget.CPU_X86_64 or CPU_ARM64 (Fargate) or NVIDIA_GPU (EC2 GPU capacity).`);
  }
  if (fargate) {
    if (props.gpuCount !== undefined) {
      throw invalid(scope, 'gpuCount', props.gpuCount, `requests GPUs on Fargate (hardware '${hardware}'), which has none`,
        'Set hardware: HardwareTarget.NVIDIA_GPU to run on EC2 GPU instances, or drop gpuCount.');
    }
    if (props.instanceType !== undefined) {
      throw invalid(scope, 'instanceType', props.instanceType.toString(), `applies to EC2 GPU capacity, but hardware '${hardware}' runs on Fargate`, 'Drop instanceType, or set hardware: HardwareTarget.NVIDIA_GPU.');
    }
    if (props.maxInstances !== undefined) {
      throw invalid(scope, 'maxInstances', props.maxInstances, `applies to EC2 GPU capacity, but hardware '${hardware}' runs on Fargate`, 'Drop maxInstances, or set hardware: HardwareTarget.NVIDIA_GPU.');
    }
    const cpu = props.cpu ?? 2048;
    const memory = props.memoryLimitMiB ?? 8192;
    if (isConcreteNumber(cpu) && FARGATE_SIZES[cpu] === undefined) {
      throw invalid(scope, 'cpu', cpu, 'is not a Fargate task size', `Use one of ${Object.keys(FARGATE_SIZES).join(', ')}.`);
    }
    if (isConcreteNumber(cpu) && isConcreteNumber(memory)) {
      const [lo, hi, step] = FARGATE_SIZES[cpu];
      if (memory < lo || memory > hi || (memory - lo) % step !== 0) {
        throw invalid(scope, 'memoryLimitMiB', memory, `is not valid for a Fargate task of ${cpu} CPU units`, `Use ${lo} to ${hi} MiB in steps of ${step}.`);
      }
    }
  } else {
    checkInteger(scope, 'gpuCount', props.gpuCount, 1, 8);
    checkInteger(scope, 'maxInstances', props.maxInstances, 1, MAX_INT32);
    checkInteger(scope, 'cpu', props.cpu, 128);
    checkInteger(scope, 'memoryLimitMiB', props.memoryLimitMiB, 512);
    const it = props.instanceType?.toString();
    if (it !== undefined && !Token.isUnresolved(it)) {
      const why = UNSUPPORTED_GPU_FAMILIES[instanceFamily(it)];
      if (why || !/^(g\d+[a-z]*|p\d+[a-z]*)\.[a-z0-9]+$/.test(it) || /^g\d+g/.test(it)) {
        throw invalid(scope, 'instanceType', it, `is not an x86_64 NVIDIA GPU instance type the ECS GPU AMI supports${why ? ` (it ${why})` : ''}`,
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
function gpuInstanceCap(scope: Construct, props: QueueDrainedWorkersProps, policy: AutoscalingPolicy, capacity: GpuCapacity): number {
  const it = (props.instanceType ?? defaultGpuInstance()).toString();
  const gpuCount = props.gpuCount ?? 1;
  const memory = props.memoryLimitMiB ?? 12288;
  const shape = Token.isUnresolved(it) ? undefined : gpuInstanceShape(it);
  if (shape && isConcreteNumber(gpuCount) && gpuCount > shape.gpus) {
    throw invalid(scope, 'gpuCount', gpuCount, `exceeds the ${shape.gpus} GPU(s) of one ${it}: the tasks would never be placed`,
      `Lower gpuCount to ${shape.gpus} or less, or pick an instance type with ${gpuCount} GPUs (e.g. g5.12xlarge has 4, g5.48xlarge 8).`);
  }
  if (shape && isConcreteNumber(memory) && memory > shape.memoryMiB) {
    throw invalid(scope, 'memoryLimitMiB', memory, `exceeds the ${shape.memoryMiB} MiB of one ${it}: the tasks would never be placed`,
      `Lower memoryLimitMiB well under ${shape.memoryMiB} (the OS and the ECS agent keep some), or pick a larger instance type.`);
  }
  const perInstance = shape && isConcreteNumber(gpuCount) ? Math.floor(shape.gpus / gpuCount) : 1;
  // Managed instances follow the tasks: ECS launches what waiting tasks need, up to autoscaling.maxCapacity workers.
  if (capacity.kind === GpuCapacityKind.MANAGED_INSTANCES) { return 0; }
  if (!isConcreteNumber(policy.maxCapacity)) {
    return props.maxInstances ?? policy.maxCapacity;
  }
  const needed = Math.ceil(policy.maxCapacity / perInstance);
  if (props.maxInstances !== undefined && isConcreteNumber(props.maxInstances) && props.maxInstances < needed) {
    throw invalid(scope, 'maxInstances', props.maxInstances,
      `is below the ${needed} instance(s) that autoscaling.maxCapacity (${policy.maxCapacity}) workers need at ${perInstance} worker(s) per ${it}: workers beyond it would never be placed`,
      `Raise maxInstances to at least ${needed} (${2 * needed} leaves room for a rolling deployment at full scale), or lower maxCapacity.`);
  }
  return props.maxInstances ?? Math.min(2 * needed, MAX_INT32);
}

/**
 * `gpuCapacity`: only on GPU workers, one of the factories; `maxInstances` only with the Auto Scaling
 * group; `taskVolumeSize` whole GiB from 1 (ECS API) to 16,384 (EBS). Returns the choice (default
 * managed instances) or undefined on Fargate.
 */
function validateGpuCapacity(scope: Construct, props: QueueDrainedWorkersProps, onFargate: boolean): GpuCapacity | undefined {
  const capacity = props.gpuCapacity;
  if (onFargate) {
    if (capacity !== undefined) {
      throw invalid(scope, 'gpuCapacity', String(capacity), `applies to GPU workers, but hardware '${props.hardware ?? HardwareTarget.CPU_X86_64}' runs on Fargate`,
        'Drop gpuCapacity, or set hardware: HardwareTarget.NVIDIA_GPU.');
    }
    return undefined;
  }
  if (capacity !== undefined && !(capacity instanceof GpuCapacity)) {
    throw invalid(scope, 'gpuCapacity', capacity, 'is not a GpuCapacity', 'Pass GpuCapacity.managedInstances() or GpuCapacity.autoScalingGroup().');
  }
  const chosen = capacity ?? GpuCapacity.managedInstances();
  if (chosen.kind === GpuCapacityKind.MANAGED_INSTANCES && props.maxInstances !== undefined) {
    throw invalid(scope, 'maxInstances', props.maxInstances,
      'caps an Auto Scaling group, but GPU workers run on ECS Managed Instances (the default), which launch exactly the instances waiting tasks need',
      'Drop maxInstances (autoscaling.maxCapacity caps the workers, and so the instances), or pass gpuCapacity: GpuCapacity.autoScalingGroup().');
  }
  const size = chosen.taskVolumeSize;
  if (size !== undefined && !(size instanceof Size)) {
    throw invalid(scope, 'gpuCapacity.taskVolumeSize', size, 'is not a Size', 'Pass e.g. Size.gibibytes(100).');
  }
  if (size !== undefined && !size.isUnresolved()) {
    const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(gib) || gib < 1 || gib > 16_384) {
      throw invalid(scope, 'gpuCapacity.taskVolumeSize', `${size.toMebibytes({ rounding: SizeRoundingBehavior.NONE })} MiB`, 'must be whole GiB from 1 (the ECS API minimum) to 16,384 (the EBS volume maximum)',
        'Pass e.g. Size.gibibytes(100): GPU serving images are 10-20 GB.');
    }
  }
  return chosen;
}

function validateJobTimeout(scope: Construct, jobTimeout: Duration): number {
  if (jobTimeout.isUnresolved()) {
    throw invalid(scope, 'jobTimeout', jobTimeout, 'is a token', 'Pass a concrete Duration: the visibility and stop timeouts are derived from it at synth time.');
  }
  const ms = jobTimeout.toMilliseconds({ integral: false });
  if (ms < 1000 || ms % 1000 !== 0 || ms > SQS_MAX_VISIBILITY_SECONDS * 1000) {
    throw invalid(scope, 'jobTimeout', jobTimeout, 'must be whole seconds from 1 second to 12 hours (the SQS visibility timeout range)', 'Pass e.g. Duration.minutes(5).');
  }
  return ms / 1000;
}

function validateQueueProps(scope: Construct, props: QueueDrainedWorkersProps, jobSeconds: number, batching: BatchingPlan | undefined): void {
  const fill = batching?.fillSeconds ?? 0;
  if (batching && jobSeconds + fill > SQS_MAX_VISIBILITY_SECONDS) {
    throw invalid(scope, 'dynamicBatching.maxQueueDelay', Duration.millis(batching.maxDelayMs),
      `plus jobTimeout (${props.jobTimeout.toHumanString()}) exceeds the 12-hour SQS visibility timeout: the first job of a batch would become visible again before its batch finishes`,
      `Lower jobTimeout to at most ${SQS_MAX_VISIBILITY_SECONDS - fill} seconds, or shorten maxQueueDelay.`);
  }
  if (props.queue) {
    const owned: Array<[string, unknown]> = [
      ['visibilityTimeout', props.visibilityTimeout], ['maxReceiveCount', props.maxReceiveCount],
      ['retentionPeriod', props.retentionPeriod], ['encryptionKey', props.encryptionKey],
    ];
    for (const [name, value] of owned) {
      if (value !== undefined) {
        throw invalid(scope, name, value instanceof Construct ? value.node.path : value, 'configures a queue this construct creates, but a queue was brought',
          `Set ${name} on the brought queue itself, or drop the queue prop to let the lane create one.`);
      }
    }
    return;
  }
  if (props.deadLetterQueue) {
    throw invalid(scope, 'deadLetterQueue', props.deadLetterQueue.node.path, 'is only for a brought queue; the lane creates its own DLQ', 'Drop deadLetterQueue, or bring the queue too.');
  }
  if (props.maxReceiveCount !== undefined && isConcreteNumber(props.maxReceiveCount)) {
    if (!Number.isInteger(props.maxReceiveCount) || props.maxReceiveCount < 1 || props.maxReceiveCount > 1000) {
      throw invalid(scope, 'maxReceiveCount', props.maxReceiveCount, 'must be an integer from 1 to 1000 (SQS redrive policy)',
        'Pass e.g. 3: a job moves to the dead-letter queue after that many receives without a delete.');
    }
  }
  checkDuration(scope, 'visibilityTimeout', props.visibilityTimeout, { unit: 'seconds' });
  checkDuration(scope, 'retentionPeriod', props.retentionPeriod, { unit: 'seconds' });
  const v = props.visibilityTimeout;
  if (v && !v.isUnresolved()) {
    const vs = v.toSeconds();
    if (vs < jobSeconds) {
      throw invalid(scope, 'visibilityTimeout', v, `is shorter than jobTimeout (${props.jobTimeout.toHumanString()}): a job still being processed would become visible and run twice`,
        `Raise visibilityTimeout to at least ${jobSeconds} seconds (default: jobTimeout + ${VISIBILITY_HEADROOM_SECONDS} s), or lower jobTimeout.`);
    }
    if (batching && vs < jobSeconds + fill) {
      throw invalid(scope, 'visibilityTimeout', v,
        `is shorter than jobTimeout (${props.jobTimeout.toHumanString()}) plus dynamicBatching.maxQueueDelay (${batching.maxDelayMs} ms, ${fill} s rounded up): the first job of a batch waits for the batch to fill, then runs with it, and would become visible and run twice`,
        `Raise visibilityTimeout to at least ${jobSeconds + fill} seconds (default: jobTimeout + maxQueueDelay + ${VISIBILITY_HEADROOM_SECONDS} s), or lower jobTimeout or maxQueueDelay.`);
    }
    if (vs > SQS_MAX_VISIBILITY_SECONDS) {
      throw invalid(scope, 'visibilityTimeout', v, 'exceeds the SQS maximum of 12 hours', 'Pass Duration.hours(12) or less.');
    }
  }
  const r = props.retentionPeriod;
  if (r && !r.isUnresolved() && (r.toSeconds() < SQS_MIN_RETENTION_SECONDS || r.toSeconds() > SQS_MAX_RETENTION_SECONDS)) {
    throw invalid(scope, 'retentionPeriod', r, 'must be between 60 seconds and 14 days (SQS retention range)', 'Pass e.g. Duration.days(7).');
  }
}

function deriveStopTimeout(scope: Construct, onFargate: boolean, inFlightJobs: InFlightJobHandling, jobSeconds: number): Duration {
  if (!onFargate) {
    return Duration.seconds(jobSeconds);
  }
  if (jobSeconds <= FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    return Duration.seconds(jobSeconds);
  }
  if (inFlightJobs === InFlightJobHandling.FINISH) {
    throw invalid(scope, 'jobTimeout', Duration.seconds(jobSeconds),
      `exceeds Fargate's 120-second stopTimeout, so with inFlightJobs FINISH a scale-in or deployment would SIGKILL a worker mid-job`,
      'Pass inFlightJobs: InFlightJobHandling.PROTECT_TASK (scale-in waits for the job) or RETURN_TO_QUEUE (the job goes back to the queue), keep jobTimeout at 120 seconds or less, or run on EC2 (HardwareTarget.NVIDIA_GPU).');
  }
  return Duration.seconds(FARGATE_MAX_STOP_TIMEOUT_SECONDS);
}

function validateScaling(scope: Construct, policy: AutoscalingPolicy): void {
  // The policy itself checks cooldowns (whole seconds, at most 1 hour), 32-bit capacities, cron
  // fields and IANA time zones; validateFor re-checks the schedules as Application Auto Scaling
  // parses them (the default ScheduleFormat), which is how this lane renders them.
  const tracking = policy.triggers.some(t => t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE || t.kind === TriggerKind.CPU_UTILIZATION);
  policy.validateFor(scope, {
    lane: 'QueueDrainedWorkers (ECS service auto scaling)',
    triggers: SUPPORTED_TRIGGERS,
    scaleToZero: true,
    schedules: true,
    // Step caps shape the time-in-queue and scale-from-zero steps; target tracking sizes its own steps.
    stepLimits: !tracking,
  });
  if (policy.scaleToZero && !policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE) && !policy.trigger(TriggerKind.TIME_IN_QUEUE)) {
    throw invalid(scope, 'autoscaling.scaleToZero', true, 'needs a queue trigger to scale back in and out: CPU utilization has no value with zero workers',
      'Add ScalingTrigger.queueBacklogPerInstance(n) or ScalingTrigger.timeInQueue(d), or drop scaleToZero.');
  }
}

/**
 * `idleScaleInAfter`: whole minutes from 1 minute to 1 day (the alarm's evaluation periods × 1 minute,
 * CloudWatch's 1-day ceiling), only with a scaling policy. Returns the minutes (the default when unset
 * or a token: the alarm needs a number).
 */
function validateIdleScaleIn(scope: Construct, idle: Duration | undefined, policy: AutoscalingPolicy): number {
  checkDuration(scope, 'idleScaleInAfter', idle, { unit: 'minutes', min: Duration.minutes(1), max: Duration.days(1) });
  if (idle === undefined) { return DEFAULT_IDLE_SCALE_IN_MINUTES; }
  if (policy.isFixed) {
    throw invalid(scope, 'idleScaleInAfter', idle, 'configures the idle scale-in, but AutoscalingPolicy.fixed(n) renders no scaling',
      'Drop idleScaleInAfter, or use an AutoscalingPolicy with triggers.');
  }
  if (idle.isUnresolved()) {
    throw invalid(scope, 'idleScaleInAfter', idle, 'is a token', 'Pass a concrete Duration: it becomes the idle alarm\'s number of evaluation periods at synth time.');
  }
  return idle.toMinutes();
}

function validateRollout(scope: Construct, rollout: Rollout | undefined): void {
  if (!rollout) { return; }
  if (rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
    throw invalid(scope, 'rollout', rollout.toString(),
      'shifts traffic in steps, but queue workers receive no traffic to shift (each worker pulls jobs itself)',
      'Use Rollout.allAtOnce({ alarms }): an ECS rolling deployment with the circuit breaker and deployment alarms rolls back a bad version.');
  }
  // Any explicit value is rejected (even the default's 10 minutes): it would not be rendered.
  rejectFinalBakeTime(scope, rollout, 'an ECS rolling deployment has no final bake phase (ECS derives the alarm watch time from the alarms\' periods)',
    'lengthen the SLO alarms\' evaluationPeriods to watch longer.');
}

function validatePrefixes(scope: Construct, props: QueueDrainedWorkersProps): [string, string] {
  const out: string[] = [];
  for (const [name, value] of [['resultsPrefix', props.resultsPrefix ?? 'results/'], ['failuresPrefix', props.failuresPrefix ?? 'failures/']] as Array<[string, string]>) {
    if (!Token.isUnresolved(value) && (!/^[A-Za-z0-9!_.'()-][A-Za-z0-9!_.'()/-]*\/$/.test(value) || value.includes('*'))) {
      throw invalid(scope, name, value, "must be a non-empty S3 key prefix ending in '/' without wildcards", "Pass e.g. 'results/'.");
    }
    out.push(value);
  }
  const concrete = !Token.isUnresolved(out[0]) && !Token.isUnresolved(out[1]);
  if (concrete && (out[0].startsWith(out[1]) || out[1].startsWith(out[0]))) {
    throw invalid(scope, 'failuresPrefix', out[1], `overlaps resultsPrefix (${describeValue(out[0])})`, "Use separate prefixes such as 'results/' and 'failures/'.");
  }
  return [out[0], out[1]];
}

/**
 * The bound artifact must have a serving image for the hardware and weights in S3 (not a model
 * package); returns the binding.
 * @internal
 */
export function checkWorkerArtifact(scope: Construct, artifact: ModelArtifact, binding: ModelArtifactBinding, hardware: HardwareTarget): ModelArtifactBinding {
  if (!binding.imageUri) {
    throw invalid(scope, 'artifact', `${artifact.name}@${artifact.version}`, `has no serving image for '${hardware}'`, 'Give the ModelArtifact (or its variant) an image: ServingImage.fromRegistry(...) or fromEcrRepository(...).');
  }
  if (!binding.modelDataUrl) {
    throw invalid(scope, 'artifact', `${artifact.name}@${artifact.version}`, 'is a SageMaker model package, which ECS workers cannot load', 'Use ModelArtifact.fromAsset or fromBucket for this lane.');
  }
  return binding;
}

/**
 * The user's `environment` may override neither the model's `MODEL_*` variables (core wording) nor
 * the lane's own; values must be strings.
 */
function validateEnvironment(scope: Construct, props: QueueDrainedWorkersProps, batching: BatchingPlan | undefined): void {
  checkNoModelEnvOverride(scope, 'environment', props.environment, MODEL_ENV_NAMES);
  const laneNames = [
    ...LANE_ENV_NAMES, ...(props.queue ? [] : ['VISIBILITY_TIMEOUT_SECONDS']), ...(props.requestCapture ? Object.values(REQUEST_CAPTURE_ENV) : []),
    ...(batching ? Object.values(BATCH_ENV) : []),
  ];
  for (const [k, v] of Object.entries(props.environment ?? {})) {
    if (laneNames.includes(k)) {
      throw invalid(scope, `environment.${k}`, v, 'is set by the lane', `Drop ${k}; the lane sets ${laneNames.join(', ')} and the MODEL_* variables.`);
    }
    if (typeof v !== 'string') {
      throw invalid(scope, `environment.${k}`, v, 'is not a string (ECS environment values are strings)', `Pass the value as a string, e.g. '${String(v)}'.`);
    }
  }
}
