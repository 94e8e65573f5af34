import { Duration, Size } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { AutoscalingPolicy, DynamicBatching, ScalingTrigger } from '../../lib';
// Until lib/index.ts re-exports this lane (`export * from './gpu-cluster'`), import it directly.
import { GpuServingChart, ServingRuntime } from '../../lib/gpu-cluster';
import { recsysServingOptions } from './recsys';

/**
 * The same recommendation model as plain Kubernetes YAML for a cluster outside AWS (or an EKS
 * cluster managed with kubectl/GitOps). The init container fetches the weights from S3 with the
 * credentials in the `recsys-s3-reader` Secret (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`);
 * on EKS, drop `fetchCredentialsSecret` and annotate the service account for IRSA or associate
 * it with EKS Pod Identity instead.
 */
export function createGpuServingChart(app: cdk8s.App, id: string = 'recsys'): GpuServingChart {
  return new GpuServingChart(app, id, {
    ...recsysServingOptions(),
    namespace: 'recsys',
    disableResourceNameHashes: true,
    model: {
      name: 'assistant',
      version: '1.4.0',
      weightsUri: 's3://ml-models-example/assistant/1.4.0/fp16/model.tar.gz',
      imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      compressed: true,
      weightsDigest: 'sha256:a63959c0237fd7e3cb431a2884f05e738cf5389ad49825bc004aa134931eeb3e',
      framework: 'pytorch',
      precision: 'fp16',
    },
    awsRegion: 'us-east-1',
    fetchCredentialsSecret: 'recsys-s3-reader',
  });
}

/**
 * The seed's conversational model as an LLM on vLLM (OpenAI-compatible API): an 8B model in fp16
 * (~16 GB of weights) on one A10G (24 GB) per pod, so the KV cache gets what is left of 90% of the
 * GPU memory at an 8k context.
 *
 * Scaling reads the LLM server itself: requests waiting for a batch slot are the first sign a replica
 * is full (scale out at 3 of 4 per pod with the 25% warm buffer), the KV cache at 75% of 85% is the
 * memory side of it. The weights stay on the node's disk (modelCache), so a pod that lands on a node
 * that served this version before starts without downloading them again.
 */
export function createLlmServingChart(app: cdk8s.App, id: string = 'assistant'): GpuServingChart {
  return new GpuServingChart(app, id, {
    namespace: 'assistant',
    createNamespace: true,
    disableResourceNameHashes: true,
    model: {
      name: 'assistant',
      version: '3.1.0',
      weightsUri: 's3://ml-models-example/assistant/3.1.0/hf/',
      imageUri: 'vllm/vllm-openai:v0.10.1@sha256:' + '5b'.repeat(32),
      framework: 'pytorch',
      precision: 'fp16',
    },
    servingRuntime: ServingRuntime.vllm({ maxModelLen: 8192, gpuMemoryUtilization: 0.9, extraArgs: ['--enable-prefix-caching'] }),
    // vLLM batches continuously: the contract's batch size is its --max-num-seqs, with no queue delay.
    dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(0) }),
    gpuCount: 1,
    cpu: 3,
    memory: Size.gibibytes(14),
    sharedMemorySize: Size.gibibytes(2),
    instanceTypes: ['g5.xlarge', 'g6e.xlarge'],
    modelCache: {},
    autoscaling: new AutoscalingPolicy({
      minCapacity: 2,
      maxCapacity: 12,
      triggers: [ScalingTrigger.requestsWaitingPerInstance(4), ScalingTrigger.kvCacheUtilization(85)],
      warmBufferPercent: 25,
      scaleOutCooldown: Duration.seconds(30),
      scaleInCooldown: Duration.minutes(10),
    }),
    pollingInterval: Duration.seconds(15),
    prometheusOperator: true,
    awsRegion: 'us-east-1',
    fetchCredentialsSecret: 'assistant-s3-reader',
  });
}
