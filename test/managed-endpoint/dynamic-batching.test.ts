import { App, CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DynamicBatching, HardwareTarget, ModelArtifact, ModelWeights, ServingImage, ShadowTraffic } from '../../lib';
import { EndpointMode, ManagedEndpoint, ManagedEndpointProps, ModelHosting } from '../../lib/managed-endpoint';
import { createManagedEndpointStack } from '../../examples/managed-endpoint';
import { batchingEnvironment } from '../../lib/managed-endpoint/private/batching';
import { bucketOf, newStack, only, repoOf } from './helpers';

/*
 * Issue 19 item 5: DynamicBatching rendered as the serving container's own batching settings, per
 * container family read from the image URI (README "Dynamic batching on SageMaker containers").
 */

const DLC = '763104351884.dkr.ecr.eu-west-1.amazonaws.com';
const TORCHSERVE_GPU = `${DLC}/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker`;
const TORCHSERVE_CPU = `${DLC}/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker`;
const LMI = `${DLC}/djl-inference:0.29.0-lmi11.0.0-cu124`;
const LMI_TRTLLM = `${DLC}/djl-inference:0.29.0-tensorrtllm0.11.0-cu124`;
const TRITON = '785573368785.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-tritonserver:24.08-py3';

const batching = (maxBatchSize = 16, delayMs = 5, extra: Partial<{ preferredBatchSizes: number[] }> = {}) =>
  new DynamicBatching({ maxBatchSize, maxQueueDelay: Duration.millis(delayMs), ...extra });

/** assistant@1.4.0 with `cpuImage` for the CPU build and `gpuImage` for the GPU variant. */
function artifactWith(stack: Stack, cpuImage: ServingImage, gpuImage: ServingImage = cpuImage, weights?: ModelWeights): ModelArtifact {
  const bucket = bucketOf(stack);
  return new ModelArtifact({
    name: 'assistant', version: '1.4.0', framework: 'pytorch',
    weights: weights ?? ModelWeights.fromBucket(bucket, 'assistant/1.4.0/model.tar.gz'),
    image: cpuImage,
    targets: [HardwareTarget.CPU_X86_64],
    variants: [{ target: HardwareTarget.NVIDIA_GPU, weights: ModelWeights.fromBucket(bucket, 'assistant/1.4.0/fp16/model.tar.gz'), image: gpuImage }],
  });
}

interface Setup {
  readonly image?: string;
  readonly mode?: EndpointMode;
  readonly props?: Partial<ManagedEndpointProps>;
  readonly weights?: (bucket: s3.IBucket) => ModelWeights;
  readonly context?: { [key: string]: unknown };
}

function build(s: Setup): { stack: Stack; endpoint: ManagedEndpoint } {
  const stack = newStack();
  for (const [k, v] of Object.entries(s.context ?? {})) { stack.node.setContext(k, v); }
  const image = ServingImage.fromRegistry(s.image ?? TORCHSERVE_GPU);
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifactWith(stack, image, image, s.weights?.(bucketOf(stack))),
    mode: s.mode ?? EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
    ...s.props,
  });
  return { stack, endpoint };
}

function envOf(stack: Stack, id = 'Model'): { [name: string]: string } {
  const models = Template.fromStack(stack).findResources('AWS::SageMaker::Model');
  const entry = Object.entries(models).find(([logicalId]) => logicalId.startsWith(`Endpoint${id}`));
  if (!entry) { throw new Error(`no model ${id}`); }
  return (entry[1] as any).Properties.PrimaryContainer.Environment;
}

const BATCH_KEYS = /^(SAGEMAKER_TS_|OPTION_ROLLING_BATCH|OPTION_MAX_ROLLING_BATCH_SIZE|SERVING_JOB_QUEUE_SIZE)/;

describe('TorchServe (SageMaker PyTorch inference containers)', () => {
  test('GPU instance: batch size, delay in ms, one worker per GPU, the toolkit response timeout 60 s', () => {
    const { stack, endpoint } = build({ props: { dynamicBatching: batching(16, 5) } });
    const env = envOf(stack);
    expect(Object.fromEntries(Object.entries(env).filter(([k]) => BATCH_KEYS.test(k)))).toEqual({
      SAGEMAKER_TS_BATCH_SIZE: '16',
      SAGEMAKER_TS_MAX_BATCH_DELAY: '5',
      SAGEMAKER_TS_MIN_WORKERS: '1',
      SAGEMAKER_TS_MAX_WORKERS: '1',
      SAGEMAKER_TS_RESPONSE_TIMEOUT: '60',
    });
    expect(env.MODEL_NAME).toBe('assistant');
    expect(endpoint.dynamicBatching?.maxBatchSize).toBe(16);
  });

  test('CPU instance: one worker per vCPU (ml.c5.2xlarge: 8); the largest batch (4096) and the longest real-time delay (59,999 ms)', () => {
    const { stack } = build({ image: TORCHSERVE_CPU, mode: EndpointMode.realTime({ instanceType: 'ml.c5.2xlarge' }), props: { dynamicBatching: new DynamicBatching({ maxBatchSize: 4096, maxQueueDelay: Duration.millis(59_999) }) } });
    expect(envOf(stack)).toEqual(expect.objectContaining({
      SAGEMAKER_TS_BATCH_SIZE: '4096', SAGEMAKER_TS_MAX_BATCH_DELAY: '59999', SAGEMAKER_TS_MIN_WORKERS: '8', SAGEMAKER_TS_MAX_WORKERS: '8',
    }));
  });

  test('real-time: a delay of 60 s leaves no time to infer (rejected); async accepts the contract\'s 1 minute', () => {
    expect(() => build({ image: TORCHSERVE_CPU, mode: EndpointMode.realTime({ instanceType: 'ml.c5.2xlarge' }), props: { dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.minutes(1) }) } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching.maxQueueDelay' \(.*\) leaves no time to infer: a real-time request can wait the whole delay, and SageMaker times out invocations the container has not answered within 60 seconds \(InvokeEndpoint\)\. Fix: Pass a delay well below 60 seconds/);
    const { stack } = build({ image: TORCHSERVE_CPU, mode: EndpointMode.asynchronous({ instanceType: 'ml.c5.2xlarge' }), props: { dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.minutes(1) }) } });
    expect(envOf(stack).SAGEMAKER_TS_MAX_BATCH_DELAY).toBe('60000');
  });

  test('the server-wide workers and timeout the user set carry over to the batched model', () => {
    const { stack } = build({ props: { dynamicBatching: batching(), environment: { SAGEMAKER_MODEL_SERVER_WORKERS: '3', SAGEMAKER_MODEL_SERVER_TIMEOUT: '300' } } });
    expect(envOf(stack)).toEqual(expect.objectContaining({
      SAGEMAKER_TS_MIN_WORKERS: '3', SAGEMAKER_TS_MAX_WORKERS: '3', SAGEMAKER_TS_RESPONSE_TIMEOUT: '300',
      SAGEMAKER_MODEL_SERVER_WORKERS: '3', SAGEMAKER_MODEL_SERVER_TIMEOUT: '300',
    }));
  });

  test('async mode batches too (SageMaker hands the instance up to maxConcurrentInvocationsPerInstance requests)', () => {
    const { stack } = build({ mode: EndpointMode.asynchronous({ instanceType: 'ml.g5.xlarge', maxConcurrentInvocationsPerInstance: 16 }), props: { dynamicBatching: batching(16, 50) } });
    expect(envOf(stack)).toEqual(expect.objectContaining({ SAGEMAKER_TS_BATCH_SIZE: '16', SAGEMAKER_TS_MAX_BATCH_DELAY: '50' }));
  });

  test('async: a batch larger than maxConcurrentInvocationsPerInstance never fills (16 accepted above, 17 rejected)', () => {
    expect(() => build({ mode: EndpointMode.asynchronous({ instanceType: 'ml.g5.xlarge', maxConcurrentInvocationsPerInstance: 16 }), props: { dynamicBatching: batching(17, 50) } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching.maxBatchSize' \(17\) exceeds the async mode's maxConcurrentInvocationsPerInstance \(16\): SageMaker sends each instance at most 16 requests at a time, so a batch of 17 never fills\. Fix: Pass maxBatchSize of at most 16, or raise maxConcurrentInvocationsPerInstance\./);
  });

  test('user variables with the names the lane renders are rejected, each of the five', () => {
    for (const name of ['SAGEMAKER_TS_BATCH_SIZE', 'SAGEMAKER_TS_MAX_BATCH_DELAY', 'SAGEMAKER_TS_MIN_WORKERS', 'SAGEMAKER_TS_MAX_WORKERS', 'SAGEMAKER_TS_RESPONSE_TIMEOUT']) {
      expect(() => build({ props: { dynamicBatching: batching(), environment: { [name]: '8' } } }))
        .toThrow(new RegExp(`Test/Endpoint: 'environment\\.${name}' \\("8"\\) is set by the lane from dynamicBatching \\(the TorchServe batching settings\\)\\. Fix: Drop ${name} from environment, or drop dynamicBatching and configure TorchServe batching yourself\\.`));
    }
  });

  test('without dynamicBatching the user may set SAGEMAKER_TS_* themselves (nothing added, nothing rejected)', () => {
    const { stack } = build({ props: { environment: { SAGEMAKER_TS_BATCH_SIZE: '8' } } });
    const env = envOf(stack);
    expect(Object.keys(env).filter(k => BATCH_KEYS.test(k))).toEqual(['SAGEMAKER_TS_BATCH_SIZE']);
  });

  test('preferred batch sizes are rejected (TorchServe forms batches up to batchSize only)', () => {
    expect(() => build({ props: { dynamicBatching: batching(16, 5, { preferredBatchSizes: [8, 16] }) } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching.preferredBatchSizes' \(\[8,16\]\) cannot be expressed by ManagedEndpoint \(TorchServe\)\. Fix: Remove preferredBatchSizes for this lane/);
  });

  test('multi-model hosting is rejected (the toolkit applies SAGEMAKER_TS_* to single-model endpoints only)', () => {
    expect(() => build({ image: TORCHSERVE_CPU, mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), weights: b => ModelWeights.fromBucketPrefix(b, 'tenants/7/'), props: { dynamicBatching: batching(), hosting: ModelHosting.MULTI_MODEL } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching' \("dynamicBatching\(max 16, delay 5 millis\)"\) cannot be rendered by ManagedEndpoint \(TorchServe\): the PyTorch inference toolkit applies SAGEMAKER_TS_\* to single-model endpoints only/);
  });

  test('PyTorch images before 1.6 (Multi Model Server) are rejected; 1.8 is accepted with a warning; 1.10 without', () => {
    expect(() => build({ image: `${DLC}/pytorch-inference:1.5.1-gpu-py3`, props: { dynamicBatching: batching() } }))
      .toThrow(/cannot be rendered by ManagedEndpoint \(TorchServe\): image .*pytorch-inference:1\.5\.1-gpu-py3 is PyTorch 1\.5: PyTorch inference images before 1\.6 serve with Multi Model Server, not TorchServe/);
    const old = build({ image: `${DLC}/pytorch-inference:1.8.1-gpu-py36`, props: { dynamicBatching: batching() } });
    Annotations.fromStack(old.stack).hasWarning('/Test/Endpoint', Match.stringLikeRegexp('is PyTorch 1.8; sagemaker-pytorch-inference-toolkit reads SAGEMAKER_TS_\\* since September 2021'));
    expect(envOf(old.stack).SAGEMAKER_TS_BATCH_SIZE).toBe('16');
    const recent = build({ image: `${DLC}/pytorch-inference:1.10.2-gpu-py38`, props: { dynamicBatching: batching() } });
    Annotations.fromStack(recent.stack).hasNoWarning('/Test/Endpoint', Match.stringLikeRegexp('SAGEMAKER_TS'));
  });

  test('a GPU instance whose GPU count the lane does not know needs gpuCount (it does not fall back to vCPUs)', () => {
    const context = { '@cdk-inference-lanes/managed-endpoint:extraInstanceTypes': ['ml.g9.xlarge'] };
    expect(() => build({ context, mode: EndpointMode.realTime({ instanceType: 'ml.g9.xlarge' }), props: { dynamicBatching: batching() } }))
      .toThrow(/Test\/Endpoint: 'mode.gpuCount' is needed for dynamicBatching on ml.g9.xlarge: with SAGEMAKER_TS_\* set the toolkit runs 1 worker unless told otherwise.*Fix: Pass vcpuCount \(and gpuCount on GPU instances\) in the mode props, or set environment SAGEMAKER_MODEL_SERVER_WORKERS\./);
    const { stack } = build({ context, mode: EndpointMode.realTime({ instanceType: 'ml.g9.xlarge', gpuCount: 2 }), props: { dynamicBatching: batching() } });
    expect(envOf(stack)).toEqual(expect.objectContaining({ SAGEMAKER_TS_MIN_WORKERS: '2', SAGEMAKER_TS_MAX_WORKERS: '2' }));
  });
});

describe('Large Model Inference (DJL) containers: continuous batching', () => {
  test('rolling batch auto, OPTION_MAX_ROLLING_BATCH_SIZE from maxBatchSize, no job-queue change up to 1000', () => {
    const { stack } = build({ image: LMI, props: { dynamicBatching: batching(1000, 0) } });
    const env = envOf(stack);
    expect(Object.fromEntries(Object.entries(env).filter(([k]) => BATCH_KEYS.test(k)))).toEqual({ OPTION_ROLLING_BATCH: 'auto', OPTION_MAX_ROLLING_BATCH_SIZE: '1000' });
  });

  test('a batch above the default job queue (1000) raises SERVING_JOB_QUEUE_SIZE to the batch', () => {
    const { stack } = build({ image: LMI, props: { dynamicBatching: batching(1001, 0) } });
    expect(envOf(stack)).toEqual(expect.objectContaining({ OPTION_MAX_ROLLING_BATCH_SIZE: '1001', SERVING_JOB_QUEUE_SIZE: '1001' }));
  });

  test('the user picks the backend (vllm) and a job queue; the lane keeps them', () => {
    const { stack } = build({ image: LMI, props: { dynamicBatching: batching(64, 0), environment: { OPTION_ROLLING_BATCH: 'vllm', SERVING_JOB_QUEUE_SIZE: '64' } } });
    expect(envOf(stack)).toEqual(expect.objectContaining({ OPTION_ROLLING_BATCH: 'vllm', OPTION_MAX_ROLLING_BATCH_SIZE: '64', SERVING_JOB_QUEUE_SIZE: '64' }));
  });

  test('a queue delay does not apply: 0 ms accepted (above), 1 ms rejected', () => {
    expect(() => build({ image: LMI, props: { dynamicBatching: batching(64, 1) } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching.maxQueueDelay' \("1 milli"\) does not apply to ManagedEndpoint \(Large Model Inference\): continuous \(rolling\) batching admits requests at every decoding step, so no request waits for a batch to fill\. Fix: Pass maxQueueDelay: Duration\.millis\(0\)/);
  });

  test('multi-model hosting is rejected (LMI variables apply to every model)', () => {
    expect(() => build({ image: LMI, mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), weights: b => ModelWeights.fromBucketPrefix(b, 'tenants/7/'), props: { dynamicBatching: batching(64, 0) } }))
      .toThrow(/cannot be rendered by ManagedEndpoint \(Large Model Inference\): LMI environment variables apply to every model of a multi-model endpoint/);
  });

  test('a job queue shorter than the batch is rejected (63 < 64)', () => {
    expect(() => build({ image: LMI, props: { dynamicBatching: batching(64, 0), environment: { SERVING_JOB_QUEUE_SIZE: '63' } } }))
      .toThrow(/Test\/Endpoint: 'environment.SERVING_JOB_QUEUE_SIZE' \("63"\) is below dynamicBatching.maxBatchSize \(64\): LMI needs a job queue at least as long as the rolling batch\. Fix: Set SERVING_JOB_QUEUE_SIZE to at least 64/);
  });

  test('OPTION_ROLLING_BATCH=disable, or a backend the container does not have, is rejected', () => {
    expect(() => build({ image: LMI, props: { dynamicBatching: batching(64, 0), environment: { OPTION_ROLLING_BATCH: 'disable' } } }))
      .toThrow(/'environment.OPTION_ROLLING_BATCH' \("disable"\) turns continuous batching off, which dynamicBatching asks for\. Fix: Drop OPTION_ROLLING_BATCH \(the lane sets 'auto'\) or pick one of: auto, vllm, lmi-dist\./);
    expect(() => build({ image: LMI_TRTLLM, props: { dynamicBatching: batching(64, 0), environment: { OPTION_ROLLING_BATCH: 'vllm' } } }))
      .toThrow(/'environment.OPTION_ROLLING_BATCH' \("vllm"\) is not a rolling-batch backend of the tensorrtllm LMI container \(auto, trtllm\)/);
    const { stack } = build({ image: LMI_TRTLLM, props: { dynamicBatching: batching(64, 0), environment: { OPTION_ROLLING_BATCH: 'trtllm' } } });
    expect(envOf(stack).OPTION_ROLLING_BATCH).toBe('trtllm');
  });

  test('OPTION_MAX_ROLLING_BATCH_SIZE set by the user next to dynamicBatching is rejected', () => {
    expect(() => build({ image: LMI, props: { dynamicBatching: batching(64, 0), environment: { OPTION_MAX_ROLLING_BATCH_SIZE: '32' } } }))
      .toThrow(/'environment.OPTION_MAX_ROLLING_BATCH_SIZE' \("32"\) is set by the lane from dynamicBatching \(the LMI batching settings\)/);
  });
});

describe('containers and modes that cannot batch from outside', () => {
  test('Triton: batching lives in config.pbtxt', () => {
    expect(() => build({ image: TRITON, props: { dynamicBatching: batching() } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching' \("dynamicBatching\(max 16, delay 5 millis\)"\) cannot be rendered by ManagedEndpoint \(Triton\): Triton reads dynamic_batching from each model's config.pbtxt inside the model archive/);
  });

  test('an image of an unknown family (own repository name) is rejected with the families the lane knows', () => {
    expect(() => build({ image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/assistant-serving:1.4.0', props: { dynamicBatching: batching() } }))
      .toThrow(/cannot be rendered by ManagedEndpoint \(unknown container\): the lane configures batching only for the SageMaker PyTorch inference \(pytorch-inference, TorchServe\) and Large Model Inference \(djl-inference\) containers; 'assistant-serving' is not one of them/);
  });

  test('an image known only at deploy time (ECR repository object) is rejected', () => {
    const stack = newStack();
    const image = ServingImage.fromEcrRepository(repoOf(stack), 'cpu-1.4.0');
    expect(() => new ManagedEndpoint(stack, 'Endpoint', { artifact: artifactWith(stack, image), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), dynamicBatching: batching() }))
      .toThrow(/cannot be rendered by ManagedEndpoint \(unknown container\): the image URI is only known at deploy time/);
  });

  test('a model package is rejected (its container is in the package)', () => {
    const stack = newStack();
    const artifact = ModelArtifact.fromModelPackage('arn:aws:sagemaker:eu-west-1:111122223333:model-package/assistant/3', { name: 'assistant', version: '3', framework: 'pytorch', targets: [HardwareTarget.CPU_X86_64] });
    expect(() => new ManagedEndpoint(stack, 'Endpoint', { artifact, mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), dynamicBatching: batching() }))
      .toThrow(/cannot be rendered by ManagedEndpoint \(unknown container\): the container of a model package is defined in the package/);
  });

  test('serverless: rejected for every family (one invocation per unit of concurrency)', () => {
    expect(() => build({ image: TORCHSERVE_CPU, mode: EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 10 }), props: { dynamicBatching: batching() } }))
      .toThrow(/Test\/Endpoint: 'dynamicBatching' \("dynamicBatching\(max 16, delay 5 millis\)"\) cannot be rendered by ManagedEndpoint \(serverless\): each unit of serverless concurrency serves one invocation at a time/);
  });
});

test('defaults by omission: no batching variables, and dynamicBatching undefined on the lane', () => {
  for (const image of [TORCHSERVE_GPU, LMI]) {
    const { stack, endpoint } = build({ image });
    expect(Object.keys(envOf(stack)).filter(k => BATCH_KEYS.test(k))).toEqual([]);
    expect(endpoint.dynamicBatching).toBeUndefined();
  }
});

test('the shadow model gets the batching of its own container', () => {
  const stack = newStack();
  const image = ServingImage.fromRegistry(TORCHSERVE_GPU);
  const candidate = new ModelArtifact({
    name: 'assistant', version: '1.5.0', framework: 'pytorch', weights: ModelWeights.fromBucket(bucketOf(stack), 'assistant/1.5.0/fp16/model.tar.gz'),
    image, targets: [HardwareTarget.NVIDIA_GPU],
  });
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifactWith(stack, image), mode: EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
    shadow: ShadowTraffic.mirror(candidate, 10), dynamicBatching: batching(8, 2),
  });
  expect(envOf(stack, 'ShadowModel')).toEqual(expect.objectContaining({ SAGEMAKER_TS_BATCH_SIZE: '8', SAGEMAKER_TS_MAX_BATCH_DELAY: '2', MODEL_VERSION: '1.5.0' }));
  expect(envOf(stack, 'Model').SAGEMAKER_TS_BATCH_SIZE).toBe('8');
  expect(only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ShadowProductionVariants).toHaveLength(1);
});

test('the example batches in its TorchServe container and states its lead time', () => {
  const stack = createManagedEndpointStack(new App(), 'Example');
  const models = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Model')) as any[];
  expect(models).toHaveLength(2);
  for (const m of models) {
    expect(m.Properties.PrimaryContainer.Environment).toEqual(expect.objectContaining({
      SAGEMAKER_TS_BATCH_SIZE: '8', SAGEMAKER_TS_MAX_BATCH_DELAY: '10', SAGEMAKER_TS_MIN_WORKERS: '8', SAGEMAKER_TS_MAX_WORKERS: '8',
    }));
  }
  const endpoint = stack.node.findChild('Assistant') as ManagedEndpoint;
  expect(endpoint.scaleOutLeadTime.total.toSeconds()).toBe(400);
});

test('tokens: a CfnParameter batch size and a millisecond delay render as the parameters; a token in seconds is rejected', () => {
  const stack = newStack();
  const size = new CfnParameter(stack, 'BatchSize', { type: 'Number', default: 16 });
  const delay = new CfnParameter(stack, 'DelayMs', { type: 'Number', default: 5 });
  const image = ServingImage.fromRegistry(TORCHSERVE_GPU);
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifactWith(stack, image), mode: EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
    dynamicBatching: new DynamicBatching({ maxBatchSize: size.valueAsNumber, maxQueueDelay: Duration.millis(delay.valueAsNumber) }),
  });
  expect(envOf(stack)).toEqual(expect.objectContaining({ SAGEMAKER_TS_BATCH_SIZE: { Ref: 'BatchSize' }, SAGEMAKER_TS_MAX_BATCH_DELAY: { Ref: 'DelayMs' } }));
  const lmi = newStack();
  const lmiSize = new CfnParameter(lmi, 'BatchSize', { type: 'Number', default: 64 });
  new ManagedEndpoint(lmi, 'Endpoint', {
    artifact: artifactWith(lmi, ServingImage.fromRegistry(LMI)), mode: EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
    dynamicBatching: new DynamicBatching({ maxBatchSize: lmiSize.valueAsNumber, maxQueueDelay: Duration.millis(0) }),
  });
  expect(envOf(lmi)).toEqual(expect.objectContaining({ OPTION_MAX_ROLLING_BATCH_SIZE: { Ref: 'BatchSize' }, OPTION_ROLLING_BATCH: 'auto' }));
  expect(envOf(lmi).SERVING_JOB_QUEUE_SIZE).toBeUndefined();
  const bad = newStack();
  const seconds = new CfnParameter(bad, 'DelayS', { type: 'Number', default: 1 });
  expect(() => new ManagedEndpoint(bad, 'Endpoint', {
    artifact: artifactWith(bad, ServingImage.fromRegistry(TORCHSERVE_GPU)), mode: EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
    dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.seconds(seconds.valueAsNumber) }),
  })).toThrow(/'dynamicBatching.maxQueueDelay' .* is a token in another unit than milliseconds, which cannot be converted at synth\. Fix: Pass the token as Duration.millis\(value\)/);
});

test('a mode the batching code does not know (e.g. one added later) is rejected, not half rendered', () => {
  const stack = newStack();
  const other = Object.assign(Object.create(EndpointMode.prototype), { kind: 'future-mode', instance: { instanceType: 'ml.g5.xlarge' } }) as EndpointMode;
  const binding = artifactWith(stack, ServingImage.fromRegistry(TORCHSERVE_GPU)).bind(stack, { target: HardwareTarget.NVIDIA_GPU });
  expect(() => batchingEnvironment(stack, batching(), { binding, hosting: ModelHosting.SINGLE_MODEL, mode: other }))
    .toThrow(/'dynamicBatching' \("dynamicBatching\(max 16, delay 5 millis\)"\) cannot be rendered by ManagedEndpoint \(future-mode\): the lane renders batching for real-time, inference-component and asynchronous variants only/);
});

test('a plain object instead of a DynamicBatching (plain JavaScript) is rejected', () => {
  expect(() => build({ props: { dynamicBatching: { maxBatchSize: 8, maxQueueDelay: Duration.millis(5) } as unknown as DynamicBatching } }))
    .toThrow(/Test\/Endpoint: 'dynamicBatching' .* is not a DynamicBatching\. Fix: Pass new DynamicBatching\(\{ maxBatchSize: 16, maxQueueDelay: Duration\.millis\(5\) \}\), or omit it\./);
});
