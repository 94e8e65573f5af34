import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamicBatching, HardwareTarget, ModelArtifact, ModelWeights, ServingImage } from '../../lib';
import { ComputeReservation, EndpointMode, ManagedEndpoint, ManagedEndpointProps } from '../../lib/managed-endpoint';
import { bucketOf, newStack } from './helpers';

/*
 * Issue 19 item 5 on inference components: each component's model carries its container's batching
 * variables (the component names the model with Specification.ModelName; the model's Container.Environment
 * is what the container reads), with the real-time checks, and TorchServe workers per copy.
 */

const DLC = '763104351884.dkr.ecr.eu-west-1.amazonaws.com';
const TORCHSERVE_GPU = `${DLC}/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker`;
const TORCHSERVE_CPU = `${DLC}/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker`;
const LMI = `${DLC}/djl-inference:0.29.0-lmi11.0.0-cu124`;
const TRITON = '785573368785.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-tritonserver:24.08-py3';

const GPU: ComputeReservation = { acceleratorCount: 2, memorySize: Size.gibibytes(16) };
const batching = (maxBatchSize = 16, delay = Duration.millis(5)) => new DynamicBatching({ maxBatchSize, maxQueueDelay: delay });

function artifactWith(stack: Stack, version: string, image: string): ModelArtifact {
  const bucket = bucketOf(stack);
  const img = ServingImage.fromRegistry(image);
  return new ModelArtifact({
    name: 'assistant', version, framework: 'pytorch',
    weights: ModelWeights.fromBucket(bucket, `assistant/${version}/model.tar.gz`),
    image: img,
    targets: [HardwareTarget.CPU_X86_64],
    variants: [{ target: HardwareTarget.NVIDIA_GPU, weights: ModelWeights.fromBucket(bucket, `assistant/${version}/fp16/model.tar.gz`), image: img }],
  });
}

function gpuEndpoint(extra: Partial<ManagedEndpointProps> = {}, image = TORCHSERVE_GPU): { stack: Stack; endpoint: ManagedEndpoint } {
  const stack = newStack();
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifactWith(stack, '1.4.0', image),
    mode: EndpointMode.inferenceComponents({ instanceType: 'ml.g5.12xlarge', maxInstanceCount: 2, computeReservation: GPU }),
    capacityLagMetric: false,
    ...extra,
  });
  return { stack, endpoint };
}

/** The container environment of the model the component `index` names. */
function componentEnv(stack: Stack, endpoint: ManagedEndpoint, index: number): { [k: string]: string } {
  const t = Template.fromStack(stack);
  const ic = endpoint.inferenceComponents[index];
  const modelId = stack.getLogicalId(ic.cfnModel);
  const spec = t.toJSON().Resources[stack.getLogicalId(ic.cfnInferenceComponent)].Properties.Specification;
  expect(spec.ModelName).toEqual({ 'Fn::GetAtt': [modelId, 'ModelName'] });
  return t.toJSON().Resources[modelId].Properties.PrimaryContainer.Environment;
}

describe('TorchServe per component', () => {
  test('the artifact component: SAGEMAKER_TS_* with workers = the copy\'s accelerators (2 of the instance\'s 4 GPUs)', () => {
    const { stack, endpoint } = gpuEndpoint({ dynamicBatching: batching() });
    expect(componentEnv(stack, endpoint, 0)).toMatchObject({
      SAGEMAKER_TS_BATCH_SIZE: '16', SAGEMAKER_TS_MAX_BATCH_DELAY: '5',
      SAGEMAKER_TS_MIN_WORKERS: '2', SAGEMAKER_TS_MAX_WORKERS: '2', SAGEMAKER_TS_RESPONSE_TIMEOUT: '60',
    });
    expect(endpoint.dynamicBatching).toBeDefined();
    expect(endpoint.inferenceComponents[0].dynamicBatching).toBe(endpoint.dynamicBatching);
  });

  test('CPU copies: workers = cpuCores rounded up (1.5 -> 2); without cpuCores the instance vCPUs (ml.m5.xlarge: 4)', () => {
    for (const [cpuCores, workers] of [[1.5, '2'], [0.25, '1'], [undefined, '4']] as const) {
      const stack = newStack();
      const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
        artifact: artifactWith(stack, '1.4.0', TORCHSERVE_CPU),
        mode: EndpointMode.inferenceComponents({ instanceType: 'ml.m5.xlarge', maxInstanceCount: 1, computeReservation: { cpuCores, memorySize: Size.gibibytes(2) } }),
        dynamicBatching: batching(), capacityLagMetric: false,
      });
      expect(componentEnv(stack, endpoint, 0).SAGEMAKER_TS_MIN_WORKERS).toBe(workers);
    }
  });

  test('SAGEMAKER_MODEL_SERVER_WORKERS wins over the reservation', () => {
    const { stack, endpoint } = gpuEndpoint({ dynamicBatching: batching(), environment: { SAGEMAKER_MODEL_SERVER_WORKERS: '3' } });
    expect(componentEnv(stack, endpoint, 0).SAGEMAKER_TS_MAX_WORKERS).toBe('3');
  });
});

describe('addModel({ dynamicBatching }): each component its own', () => {
  test('an LMI candidate batches (OPTION_MAX_ROLLING_BATCH_SIZE), the TorchServe artifact without batching gets none', () => {
    const { stack, endpoint } = gpuEndpoint();
    const candidate = endpoint.addModel('Candidate', {
      artifact: artifactWith(stack, '1.5.0', LMI), computeReservation: GPU,
      dynamicBatching: batching(32, Duration.millis(0)),
    });
    expect(componentEnv(stack, endpoint, 1)).toMatchObject({ OPTION_MAX_ROLLING_BATCH_SIZE: '32', OPTION_ROLLING_BATCH: 'auto' });
    expect(Object.keys(componentEnv(stack, endpoint, 0)).filter(k => k.startsWith('SAGEMAKER_TS_') || k.startsWith('OPTION_'))).toEqual([]);
    expect(candidate.dynamicBatching?.maxBatchSize).toBe(32);
    expect(endpoint.dynamicBatching).toBeUndefined();
  });

  test('a Triton candidate is rejected with the reason, naming the added model\'s path', () => {
    const { stack, endpoint } = gpuEndpoint();
    expect(() => endpoint.addModel('Candidate', { artifact: artifactWith(stack, '1.5.0', TRITON), computeReservation: GPU, dynamicBatching: batching() }))
      .toThrow(/Test\/Endpoint\/Candidate: 'dynamicBatching' .* cannot be rendered by ManagedEndpoint \(Triton\): Triton reads dynamic_batching from each model's config.pbtxt/);
  });

  test('LMI with a queue delay is rejected (continuous batching has none)', () => {
    const { stack, endpoint } = gpuEndpoint();
    expect(() => endpoint.addModel('Candidate', { artifact: artifactWith(stack, '1.5.0', LMI), computeReservation: GPU, dynamicBatching: batching(8, Duration.millis(5)) }))
      .toThrow(/'dynamicBatching.maxQueueDelay' .* does not apply to ManagedEndpoint \(Large Model Inference\)/);
  });
});

describe('real-time limits apply to components', () => {
  test('59,999 ms is accepted, 60 s is rejected (InvokeEndpoint answers within 60 s)', () => {
    expect(() => gpuEndpoint({ dynamicBatching: batching(8, Duration.millis(59_999)) })).not.toThrow();
    expect(() => gpuEndpoint({ dynamicBatching: batching(8, Duration.seconds(60)) }))
      .toThrow(/'dynamicBatching.maxQueueDelay' .* leaves no time to infer: a real-time request can wait the whole delay/);
  });

  test('an own image (unknown container) is rejected as on real-time', () => {
    expect(() => gpuEndpoint({ dynamicBatching: batching() }, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-server:1'))
      .toThrow(/cannot be rendered by ManagedEndpoint \(unknown container\).*'my-server' is not one of them/);
  });
});
