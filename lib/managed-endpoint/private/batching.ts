import { checkDynamicBatching } from '../../core/private/batching-checks';
import { Annotations, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DynamicBatching, HardwareTarget, ModelArtifactBinding } from '../../core';
import { invalid, isConcreteNumber, isConcreteString } from '../../core/private/errors';
import { parseEcrImageUri } from '../../core/private/image-uri';
import { describeDuration } from '../../core/private/validation';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import { ComputeReservation } from '../inference-component';
import { ModelHosting } from '../model-hosting';

/**
 * Dynamic batching on SageMaker: the serving container's own batching settings, per container family,
 * read from the image URI. Internal. See the README section "Dynamic batching on SageMaker containers".
 *
 * - SageMaker PyTorch inference containers (`pytorch-inference`, TorchServe since PyTorch 1.6): the
 *   sagemaker-pytorch-inference-toolkit turns `SAGEMAKER_TS_*` into the TorchServe model's
 *   `batchSize`, `maxBatchDelay` (ms), `minWorkers`, `maxWorkers` and `responseTimeout` (s). When ANY of
 *   them is set, the toolkit writes all five, with its own defaults for the rest (workers 1, response
 *   timeout 60 s), which replace the server-wide ones: so the lane sets all five (workers as TorchServe's
 *   default: one per GPU, else one per vCPU, or `SAGEMAKER_MODEL_SERVER_WORKERS`; response timeout
 *   `SAGEMAKER_MODEL_SERVER_TIMEOUT` or 60). Single-model hosting only (the toolkit skips them with
 *   `SAGEMAKER_MULTI_MODEL`).
 *   Source: github.com/aws/sagemaker-pytorch-inference-toolkit `ts_environment.py`, `torchserve.py`.
 * - Large Model Inference (`djl-inference`, DJL Serving): continuous (rolling) batching,
 *   `OPTION_ROLLING_BATCH` (the backend, `auto` unless the user picks one) and
 *   `OPTION_MAX_ROLLING_BATCH_SIZE`; `SERVING_JOB_QUEUE_SIZE` (default 1,000) must be at least the batch.
 *   No queue delay exists (requests join at every decoding step): only `Duration.millis(0)` is accepted.
 *   Source: github.com/deepjavalibrary/djl-serving `serving/docs/lmi/deployment_guide/configurations.md`.
 * - Triton (`sagemaker-tritonserver`): batching is `dynamic_batching` in each model's `config.pbtxt`
 *   inside the model archive; the SageMaker `serve` script maps `SAGEMAKER_TRITON_*` to threads,
 *   shared memory, logging and the default model only. Rejected.
 *   Source: github.com/triton-inference-server/server `docker/sagemaker/serve`.
 * - Anything else (own images, tokens, model packages): the family is unknown. Rejected.
 */

/** A serving-container family the lane recognizes. */
export enum ContainerFamily {
  TORCHSERVE = 'TorchServe',
  LMI = 'Large Model Inference',
  TRITON = 'Triton',
  UNKNOWN = 'unknown',
}

/** What the lane knows about the container of one model. */
export interface DetectedContainer {
  readonly family: ContainerFamily;
  /** For messages: the image (or model package). */
  readonly what: string;
  /** The image tag, when the URI has one. */
  readonly tag?: string;
  /** Why the family is unknown. */
  readonly unknownReason?: string;
}

/** Variables the lane writes for TorchServe batching: the user may not set them next to dynamicBatching. */
export const TORCHSERVE_BATCH_ENV = [
  'SAGEMAKER_TS_BATCH_SIZE', 'SAGEMAKER_TS_MAX_BATCH_DELAY', 'SAGEMAKER_TS_MIN_WORKERS', 'SAGEMAKER_TS_MAX_WORKERS', 'SAGEMAKER_TS_RESPONSE_TIMEOUT',
];
/** Variables the lane writes for LMI continuous batching. */
export const LMI_BATCH_ENV = ['OPTION_MAX_ROLLING_BATCH_SIZE'];

/** Rolling-batch backends per LMI container flavour (from the image tag). */
const LMI_BACKENDS = {
  tensorrtllm: ['auto', 'trtllm'],
  neuronx: ['auto'],
  lmi: ['auto', 'vllm', 'lmi-dist'],
};
/** DJL Serving's default job queue size (`job_queue_size`). */
const LMI_DEFAULT_JOB_QUEUE = 1000;
/** The toolkit's response timeout (s) when SAGEMAKER_TS_* are set and SAGEMAKER_TS_RESPONSE_TIMEOUT is not. */
const TS_DEFAULT_RESPONSE_TIMEOUT = 60;
/** PyTorch inference images before 1.6 serve with Multi Model Server, not TorchServe. */
const TORCHSERVE_SINCE = [1, 6];
/** sagemaker-pytorch-inference-toolkit reads SAGEMAKER_TS_* since pull request #106 (September 2021, after v2.0.5): sure for images from PyTorch 1.10 on. */
const TS_ENV_SURE_SINCE = [1, 10];

/** The container family of `binding`'s image, from the repository name of its ECR URI. */
export function detectContainer(binding: ModelArtifactBinding): DetectedContainer {
  if (binding.modelPackageArn) {
    return { family: ContainerFamily.UNKNOWN, what: `model package ${binding.modelPackageArn}`, unknownReason: 'the container of a model package is defined in the package, which the lane cannot read at synth' };
  }
  const uri = binding.imageUri;
  if (uri === undefined || Token.isUnresolved(uri)) {
    return {
      family: ContainerFamily.UNKNOWN,
      what: `image of ${binding.name}@${binding.version}`,
      unknownReason: 'the image URI is only known at deploy time (an image asset or your own ECR repository), so the lane cannot tell which server it runs; batching of your own image is configured inside the image',
    };
  }
  const ecr = parseEcrImageUri(uri);
  const repo = ecr?.repositoryName.split('/').pop();
  const what = `image ${uri}`;
  switch (repo) {
    case 'pytorch-inference': return { family: ContainerFamily.TORCHSERVE, what, tag: ecr?.tag };
    case 'djl-inference': return { family: ContainerFamily.LMI, what, tag: ecr?.tag };
    case 'sagemaker-tritonserver': return { family: ContainerFamily.TRITON, what, tag: ecr?.tag };
    default:
      return {
        family: ContainerFamily.UNKNOWN, what,
        unknownReason: `the lane configures batching only for the SageMaker PyTorch inference (pytorch-inference, TorchServe) and Large Model Inference (djl-inference) containers; ${repo ? `'${repo}'` : 'this image'} is not one of them, and a server's batching that is not configured from outside must be set inside the image`,
      };
  }
}

/** What the batching environment depends on. */
export interface BatchingContext {
  readonly binding: ModelArtifactBinding;
  readonly hosting: ModelHosting;
  readonly mode: EndpointMode;
  readonly info?: InstanceTypeInfo;
  readonly environment?: { [key: string]: string };
  /**
   * Inference components: what one copy reserves. TorchServe's default workers follow the copy (its
   * accelerators, else its reserved vCPUs), not the whole instance.
   */
  readonly reservation?: ComputeReservation;
}

/**
 * The container variables that render `batching` for the model of `ctx.binding` (empty without
 * batching). Throws LaneValidationError for what the container or the mode cannot do.
 */
export function batchingEnvironment(scope: IConstruct, batching: DynamicBatching | undefined, ctx: BatchingContext): { [key: string]: string } {
  if (checkDynamicBatching(scope, batching) === undefined || batching === undefined) { return {}; }
  const { mode, hosting } = ctx;
  if (mode.kind === EndpointModeKind.SERVERLESS) {
    batching.validateFor(scope, {
      lane: 'ManagedEndpoint (serverless)',
      supported: false,
      reason: 'each unit of serverless concurrency serves one invocation at a time (a request beyond the concurrency in use starts new compute), so the container never holds two requests to batch and batching would only add its delay',
    });
  }
  if (mode.kind !== EndpointModeKind.REAL_TIME && mode.kind !== EndpointModeKind.ASYNC && mode.kind !== EndpointModeKind.INFERENCE_COMPONENTS) {
    // A mode this file does not know (e.g. one added later): say so instead of rendering half of it.
    batching.validateFor(scope, { lane: `ManagedEndpoint (${mode.kind})`, supported: false, reason: 'the lane renders batching for real-time, inference-component and asynchronous variants only' });
  }
  checkRealTimeDelay(scope, batching, mode);
  const container = detectContainer(ctx.binding);
  const label = `ManagedEndpoint (${container.family === ContainerFamily.UNKNOWN ? 'unknown container' : container.family})`;
  switch (container.family) {
    case ContainerFamily.TRITON:
      batching.validateFor(scope, {
        lane: label,
        supported: false,
        reason: `Triton reads dynamic_batching from each model's config.pbtxt inside the model archive; the SageMaker Triton container's SAGEMAKER_TRITON_* variables set threads, shared memory, logging and the default model only (${container.what}). Put dynamic_batching in config.pbtxt`,
      });
      return {};
    case ContainerFamily.UNKNOWN:
      batching.validateFor(scope, { lane: label, supported: false, reason: `${container.unknownReason} (${container.what})` });
      return {};
    case ContainerFamily.TORCHSERVE:
      return torchServeEnvironment(scope, batching, label, container, ctx);
    case ContainerFamily.LMI:
      return lmiEnvironment(scope, batching, label, container, ctx, hosting);
  }
}

function torchServeEnvironment(scope: IConstruct, batching: DynamicBatching, label: string, container: DetectedContainer, ctx: BatchingContext): { [key: string]: string } {
  const version = frameworkVersion(container.tag);
  if (version && older(version, TORCHSERVE_SINCE)) {
    batching.validateFor(scope, { lane: label, supported: false, reason: `${container.what} is PyTorch ${version.join('.')}: PyTorch inference images before 1.6 serve with Multi Model Server, not TorchServe. Use a pytorch-inference image of 1.10 or later` });
  }
  if (ctx.hosting === ModelHosting.MULTI_MODEL) {
    batching.validateFor(scope, { lane: label, supported: false, reason: 'the PyTorch inference toolkit applies SAGEMAKER_TS_* to single-model endpoints only (multi-model endpoints need a config.properties baked into the image)' });
  }
  batching.validateFor(scope, { lane: label, supported: true, delayUnit: 'milliseconds', preferredBatchSizes: false });
  const env = ctx.environment ?? {};
  rejectOwned(scope, env, TORCHSERVE_BATCH_ENV, 'TorchServe');
  checkAsyncConcurrency(scope, batching, ctx.mode);
  if (version && older(version, TS_ENV_SURE_SINCE)) {
    Annotations.of(scope).addWarningV2('@cdk-inference-lanes/managed-endpoint:torchserveEnvVersion',
      `dynamicBatching: ${container.what} is PyTorch ${version.join('.')}; sagemaker-pytorch-inference-toolkit reads SAGEMAKER_TS_* since September 2021 (pull request #106); images built before ignore them: use PyTorch 1.10 or later.`);
  }
  return {
    SAGEMAKER_TS_BATCH_SIZE: numberText(batching.maxBatchSize),
    SAGEMAKER_TS_MAX_BATCH_DELAY: delayMillisText(scope, batching),
    // Setting any SAGEMAKER_TS_* makes the toolkit write all five; keep the server's workers and timeout.
    ...torchServeWorkers(scope, ctx),
    SAGEMAKER_TS_RESPONSE_TIMEOUT: env.SAGEMAKER_MODEL_SERVER_TIMEOUT ?? String(TS_DEFAULT_RESPONSE_TIMEOUT),
  };
}

/**
 * Workers of the batched model: what the server would have used without SAGEMAKER_TS_* (the user's
 * SAGEMAKER_MODEL_SERVER_WORKERS, else TorchServe's default: one per GPU, else one per vCPU).
 */
function torchServeWorkers(scope: IConstruct, ctx: BatchingContext): { [key: string]: string } {
  const user = ctx.environment?.SAGEMAKER_MODEL_SERVER_WORKERS;
  let workers: string | undefined = user;
  const copy = ctx.reservation;
  if (workers === undefined && copy) {
    // One copy of an inference component sees the accelerators it reserved (SageMaker places each copy on
    // its own devices) and, with cpuCores, a CPU quota (the JVM counts ceil(quota) processors); without
    // cpuCores the copy shares the instance's vCPUs.
    if (isConcreteNumber(copy.acceleratorCount)) {
      workers = String(copy.acceleratorCount);
    } else if (isConcreteNumber(copy.cpuCores)) {
      workers = String(Math.max(1, Math.ceil(copy.cpuCores)));
    }
  }
  if (workers === undefined) {
    const instance = ctx.mode.instance;
    const gpus = instance?.gpuCount ?? ctx.info?.gpus;
    const vcpus = instance?.vcpuCount ?? ctx.info?.vcpus;
    // A GPU instance whose GPU count is unknown must not fall back to its vCPUs.
    const gpuHardware = ctx.info?.hardware === HardwareTarget.NVIDIA_GPU;
    const count = gpus !== undefined && gpus > 0 ? gpus : gpuHardware ? undefined : vcpus;
    if (count === undefined || !isConcreteNumber(count)) {
      throw invalid(scope, gpuHardware ? 'mode.gpuCount' : 'mode.vcpuCount', undefined,
        `is needed for dynamicBatching on ${instance?.instanceType}: with SAGEMAKER_TS_* set the toolkit runs 1 worker unless told otherwise, and the lane keeps TorchServe's default (one worker per GPU, else per vCPU) but cannot look up this instance type`,
        'Pass vcpuCount (and gpuCount on GPU instances) in the mode props, or set environment SAGEMAKER_MODEL_SERVER_WORKERS.');
    }
    workers = String(count);
  }
  return { SAGEMAKER_TS_MIN_WORKERS: workers, SAGEMAKER_TS_MAX_WORKERS: workers };
}

function lmiEnvironment(scope: IConstruct, batching: DynamicBatching, label: string, container: DetectedContainer, ctx: BatchingContext,
  hosting: ModelHosting): { [key: string]: string } {
  if (hosting === ModelHosting.MULTI_MODEL) {
    batching.validateFor(scope, { lane: label, supported: false, reason: 'LMI environment variables apply to every model of a multi-model endpoint; per-model batching needs a serving.properties in each model archive' });
  }
  const delay = batching.maxQueueDelay;
  if (!delay.isUnresolved() && batching.maxQueueDelayMillis !== 0) {
    throw invalid(scope, 'dynamicBatching.maxQueueDelay', describeDuration(delay),
      `does not apply to ${label}: continuous (rolling) batching admits requests at every decoding step, so no request waits for a batch to fill`,
      'Pass maxQueueDelay: Duration.millis(0) (maxBatchSize becomes OPTION_MAX_ROLLING_BATCH_SIZE).');
  }
  batching.validateFor(scope, { lane: label, supported: true, delayUnit: 'milliseconds', preferredBatchSizes: false });
  const env = ctx.environment ?? {};
  rejectOwned(scope, env, LMI_BATCH_ENV, 'LMI');
  checkAsyncConcurrency(scope, batching, ctx.mode);
  const tag = container.tag ?? '';
  const flavour = tag.includes('tensorrtllm') ? 'tensorrtllm' : tag.includes('neuronx') ? 'neuronx' : 'lmi';
  const backends = LMI_BACKENDS[flavour];
  const chosen = env.OPTION_ROLLING_BATCH;
  if (isConcreteString(chosen) && !backends.includes(chosen)) {
    throw invalid(scope, 'environment.OPTION_ROLLING_BATCH', chosen,
      chosen === 'disable' ? 'turns continuous batching off, which dynamicBatching asks for' : `is not a rolling-batch backend of the ${flavour} LMI container (${backends.join(', ')})`,
      `Drop OPTION_ROLLING_BATCH (the lane sets 'auto') or pick one of: ${backends.join(', ')}.`);
  }
  const out: { [key: string]: string } = { OPTION_MAX_ROLLING_BATCH_SIZE: numberText(batching.maxBatchSize) };
  if (chosen === undefined) { out.OPTION_ROLLING_BATCH = 'auto'; }
  const queue = env.SERVING_JOB_QUEUE_SIZE;
  if (queue === undefined) {
    if (isConcreteNumber(batching.maxBatchSize) && batching.maxBatchSize > LMI_DEFAULT_JOB_QUEUE) {
      out.SERVING_JOB_QUEUE_SIZE = String(batching.maxBatchSize);
    }
  } else if (isConcreteString(queue) && isConcreteNumber(batching.maxBatchSize) && Number(queue) < batching.maxBatchSize) {
    throw invalid(scope, 'environment.SERVING_JOB_QUEUE_SIZE', queue,
      `is below dynamicBatching.maxBatchSize (${batching.maxBatchSize}): LMI needs a job queue at least as long as the rolling batch`,
      `Set SERVING_JOB_QUEUE_SIZE to at least ${batching.maxBatchSize}, or drop it (the lane raises the default 1000 when the batch is larger).`);
  }
  return out;
}

/** The user may not set a variable the lane renders from dynamicBatching (one wording for both families). */
function rejectOwned(scope: IConstruct, env: { [key: string]: string }, owned: string[], server: string): void {
  for (const name of owned) {
    if (name in env) {
      throw invalid(scope, `environment.${name}`, env[name], `is set by the lane from dynamicBatching (the ${server} batching settings)`,
        `Drop ${name} from environment, or drop dynamicBatching and configure ${server} batching yourself.`);
    }
  }
}

/** InvokeEndpoint: "model containers must respond to requests within 60 seconds". */
const REAL_TIME_RESPONSE_MILLIS = 60_000;

/**
 * A real-time request may wait the whole delay before its batch runs: a delay of 60 s or more leaves no time
 * to infer before the invocation times out. Async invocations wait up to an hour; they keep the contract's limit.
 */
function checkRealTimeDelay(scope: IConstruct, batching: DynamicBatching, mode: EndpointMode): void {
  const realTime = mode.kind === EndpointModeKind.REAL_TIME || mode.kind === EndpointModeKind.INFERENCE_COMPONENTS;
  if (!realTime || batching.maxQueueDelay.isUnresolved()) { return; }
  if (batching.maxQueueDelayMillis >= REAL_TIME_RESPONSE_MILLIS) {
    throw invalid(scope, 'dynamicBatching.maxQueueDelay', batching.maxQueueDelay,
      'leaves no time to infer: a real-time request can wait the whole delay, and SageMaker times out invocations the container has not answered within 60 seconds (InvokeEndpoint)',
      'Pass a delay well below 60 seconds (batching delays are usually milliseconds, e.g. Duration.millis(10)), or use EndpointMode.asynchronous(...) for long waits.');
  }
}

/**
 * Async endpoints hand each instance at most `maxConcurrentInvocationsPerInstance` requests at a time: a
 * batch larger than that never fills, and every batch waits the whole delay.
 */
function checkAsyncConcurrency(scope: IConstruct, batching: DynamicBatching, mode: EndpointMode): void {
  const max = mode.asyncOptions?.maxConcurrentInvocationsPerInstance;
  if (max !== undefined && isConcreteNumber(max) && isConcreteNumber(batching.maxBatchSize) && batching.maxBatchSize > max) {
    throw invalid(scope, 'dynamicBatching.maxBatchSize', batching.maxBatchSize,
      `exceeds the async mode's maxConcurrentInvocationsPerInstance (${max}): SageMaker sends each instance at most ${max} requests at a time, so a batch of ${batching.maxBatchSize} never fills`,
      `Pass maxBatchSize of at most ${max}, or raise maxConcurrentInvocationsPerInstance.`);
  }
}

/** A number as environment text; a token (e.g. a CfnParameter) stays a token, resolved at deploy time. */
function numberText(n: number): string {
  return Token.isUnresolved(n) ? Tokenization.stringifyNumber(n) : String(n);
}

/** The queue delay in whole milliseconds; a token delay must be given in milliseconds (no conversion of tokens). */
function delayMillisText(scope: IConstruct, batching: DynamicBatching): string {
  const delay = batching.maxQueueDelay;
  if (!delay.isUnresolved()) { return String(batching.maxQueueDelayMillis); }
  try {
    return numberText(delay.toMilliseconds());
  } catch {
    throw invalid(scope, 'dynamicBatching.maxQueueDelay', delay, 'is a token in another unit than milliseconds, which cannot be converted at synth',
      'Pass the token as Duration.millis(value), e.g. Duration.millis(param.valueAsNumber).');
  }
}

/** `[major, minor]` from a DLC tag such as `2.3.0-gpu-py311`; undefined when the tag does not start with one. */
function frameworkVersion(tag: string | undefined): number[] | undefined {
  const m = tag ? /^(\d+)\.(\d+)/.exec(tag) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function older(v: number[], than: number[]): boolean {
  return v[0] < than[0] || (v[0] === than[0] && v[1] < than[1]);
}
