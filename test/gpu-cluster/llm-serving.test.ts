import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { AutoscalingPolicy, DynamicBatching, HardwareTarget, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuServingChart, GpuServingChartProps, KubernetesRolloutMode, ServedModel, ServingRuntime, ServingRuntimeKind, TritonModelConfig } from '../../lib/gpu-cluster';
import { KubernetesSchema } from '../../lib/testing/kubernetes-schema';
import { importedCluster } from './imported-cluster';

// vLLM beside Triton: what the chart renders for an LLM, and the LLM-native triggers.

const LLM: ServedModel = {
  name: 'assistant', version: '2.0.0',
  weightsUri: 's3://models-bucket/assistant/2.0.0/',
  imageUri: 'vllm/vllm-openai:v0.10.1',
  framework: 'pytorch',
};
const TRITON_MODEL: ServedModel = { name: 'recsys', version: '1.4.0', weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz', imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3', framework: 'onnx' };

function chart(props: Partial<GpuServingChartProps> = {}): any[] {
  return new GpuServingChart(new cdk8s.App(), 'assistant', { namespace: 'llm', model: LLM, servingRuntime: ServingRuntime.vllm(), ...props }).toJson();
}
const find = (objs: any[], kind: string) => objs.find(o => o.kind === kind);
const server = (objs: any[]) => find(objs, 'Deployment').spec.template.spec.containers[0];
const llmPolicy = (triggers: ScalingTrigger[], extra: Partial<ConstructorParameters<typeof AutoscalingPolicy>[0]> = {}) =>
  new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 8, triggers, warmBufferPercent: 25, ...extra });
const SELECTOR = 'namespace="llm",service="assistant"';

describe('vLLM server, by default', () => {
  const objs = chart();
  const c = server(objs);

  test('runs the OpenAI-compatible entry point on the fetched model directory, one shard per GPU, 90% of GPU memory', () => {
    expect(c.image).toBe('vllm/vllm-openai:v0.10.1');
    expect(c.command).toEqual([
      'python3', '-m', 'vllm.entrypoints.openai.api_server',
      '--model=/models/assistant/1', '--served-model-name=assistant', '--host=0.0.0.0', '--port=8000',
      '--tensor-parallel-size=1', '--gpu-memory-utilization=0.9',
    ]);
  });

  test('one port (API, /health and /metrics) on the container and the Service', () => {
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000 }]);
    expect(find(objs, 'Service').spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 8000]]);
  });

  test('waits for the model: startup probe on /health for 20 minutes (120 x 10 s), readiness and liveness on /health', () => {
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 120 });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, periodSeconds: 5 });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 } });
  });

  test('runs offline from the local weights, with writable caches and no usage reporting', () => {
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'HF_HOME', value: '/cache/huggingface' },
      { name: 'VLLM_NO_USAGE_STATS', value: '1' }, { name: 'DO_NOT_TRACK', value: '1' },
    ]));
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(objs.filter(o => o.kind === 'ConfigMap')).toEqual([]);
  });
});

describe('vLLM options', () => {
  test('render as flags; the tensor-parallel size follows gpuCount', () => {
    const c = server(chart({
      gpuCount: 4, cpu: 40, memory: Size.gibibytes(160), instanceTypes: ['g5.12xlarge'],
      servingRuntime: ServingRuntime.vllm({
        servedModelName: 'meta-llama/Llama-3.1-8B-Instruct', maxModelLen: 8192, gpuMemoryUtilization: 0.85, maxNumSeqs: 128, maxNumBatchedTokens: 8192,
        extraArgs: ['--enable-prefix-caching'],
      }),
    }));
    expect(c.command.slice(3)).toEqual([
      '--model=/models/assistant/1', '--served-model-name=meta-llama/Llama-3.1-8B-Instruct', '--host=0.0.0.0', '--port=8000',
      '--tensor-parallel-size=4', '--gpu-memory-utilization=0.85', '--max-model-len=8192', '--max-num-seqs=128', '--max-num-batched-tokens=8192',
      '--enable-prefix-caching',
    ]);
    expect(c.resources.limits['nvidia.com/gpu']).toBe(4);
  });

  test('the ServiceMonitor scrapes /metrics on the API port (Triton: on its metrics port)', () => {
    expect(find(chart({ prometheusOperator: true }), 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    const triton = new GpuServingChart(new cdk8s.App(), 'recsys', { model: TRITON_MODEL, prometheusOperator: true }).toJson();
    expect(find(triton, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
  });

  test.each([
    ['maxModelLen', { maxModelLen: 15 }, /'maxModelLen' \(15\) must be an integer from 16 to 10000000/],
    ['gpuMemoryUtilization above 0.95', { gpuMemoryUtilization: 0.96 }, /'gpuMemoryUtilization' \(0\.96\) must be between 0\.1 and 0\.95.*CUDA context/],
    ['gpuMemoryUtilization below 0.1', { gpuMemoryUtilization: 0.09 }, /'gpuMemoryUtilization' \(0\.09\) must be between 0\.1 and 0\.95/],
    ['maxNumSeqs', { maxNumSeqs: 0 }, /'maxNumSeqs' \(0\) must be an integer from 1 to 65536/],
    ['maxNumBatchedTokens below maxNumSeqs', { maxNumSeqs: 256, maxNumBatchedTokens: 128 }, /'maxNumBatchedTokens' \(128\) is below maxNumSeqs \(256\): vLLM refuses to start.*Pass at least 256/],
    ['servedModelName', { servedModelName: 'my model' }, /'servedModelName' \("my model"\) is not a model name clients can pass/],
    ['vllmVersion', { vllmVersion: 'latest' }, /'vllmVersion' \("latest"\) is not a vLLM release version.*'0\.10\.1'/],
    ['a tensor-parallel flag', { extraArgs: ['--tensor-parallel-size=2'] }, /'extraArgs\[0\]' \("--tensor-parallel-size=2"\) is a flag the chart renders.*the tensor-parallel size is the pod's gpuCount/],
    ['another rendered flag', { extraArgs: ['--max-model-len', '4096'] }, /'extraArgs\[0\]' \("--max-model-len"\) is a flag the chart renders.*Drop it and use the option or chart prop that renders --max-model-len/],
    ['a value that is not a flag', { extraArgs: ['half'] }, /'extraArgs\[0\]' \("half"\) is not a flag/],
  ])('rejects %s', (_what, options, message) => {
    expect(() => ServingRuntime.vllm(options as any)).toThrow(message);
  });

  test('accepts the boundaries: maxModelLen 16, gpuMemoryUtilization 0.1 and 0.95', () => {
    expect(() => ServingRuntime.vllm({ maxModelLen: 16, gpuMemoryUtilization: 0.95 })).not.toThrow();
    expect(() => ServingRuntime.vllm({ gpuMemoryUtilization: 0.1 })).not.toThrow();
  });

  test('rejects Triton-only props with vLLM', () => {
    expect(() => chart({ triton: new TritonModelConfig({ maxBatchSize: 8 }) }))
      .toThrow(/assistant: 'triton' \("TritonModelConfig"\) is a Triton model configuration, but servingRuntime is vLLM/);
    expect(() => chart({ grpcPort: 9001 })).toThrow(/'grpcPort' \(9001\) is not used by vLLM \(it has no gRPC endpoint\)\. Fix: vLLM serves the API, \/health and \/metrics on httpPort: drop it\./);
    expect(() => chart({ metricsPort: 9002 })).toThrow(/'metricsPort' \(9002\) is not used by vLLM \(it has no separate metrics port\)/);
  });

  test('ServingRuntime.triton(config) is the same as triton; giving both is an error', () => {
    const config = new TritonModelConfig({ maxBatchSize: 8 });
    const a = new GpuServingChart(new cdk8s.App(), 'recsys', { model: TRITON_MODEL, servingRuntime: ServingRuntime.triton(config) }).toJson();
    const b = new GpuServingChart(new cdk8s.App(), 'recsys', { model: TRITON_MODEL, triton: config }).toJson();
    expect(a).toEqual(b);
    expect(ServingRuntime.triton().kind).toBe(ServingRuntimeKind.TRITON);
    expect(ServingRuntime.vllm().isLlmServer).toBe(true);
    expect(() => new GpuServingChart(new cdk8s.App(), 'recsys', { model: TRITON_MODEL, triton: config, servingRuntime: ServingRuntime.triton(config) }))
      .toThrow(/'triton' \("TritonModelConfig"\) conflicts with the config of servingRuntime ServingRuntime\.triton\(config\)/);
  });
});

describe('LLM triggers on vLLM', () => {
  const so = (objs: any[]) => find(objs, 'ScaledObject').spec;

  test('requests waiting, KV cache and generated tokens/s render as KEDA Prometheus triggers with the warm buffer applied', () => {
    const spec = so(chart({
      autoscaling: llmPolicy([ScalingTrigger.requestsWaitingPerInstance(4), ScalingTrigger.kvCacheUtilization(80), ScalingTrigger.tokensPerSecondPerInstance(1000)]),
    }));
    expect(spec.triggers).toEqual([
      {
        type: 'prometheus', name: 'requests-waiting-per-pod', metricType: 'AverageValue',
        metadata: { serverAddress: 'http://prometheus-operated.monitoring.svc:9090', query: `sum(vllm:num_requests_waiting{${SELECTOR}})`, threshold: '3', ignoreNullValues: 'false' },
      },
      {
        type: 'prometheus', name: 'kv-cache-utilization', metricType: 'Value',
        metadata: { serverAddress: 'http://prometheus-operated.monitoring.svc:9090', query: `avg(vllm:kv_cache_usage_perc{${SELECTOR}}) * 100`, threshold: '60', ignoreNullValues: 'false' },
      },
      {
        type: 'prometheus', name: 'generation-tokens-per-second-per-pod', metricType: 'AverageValue',
        metadata: { serverAddress: 'http://prometheus-operated.monitoring.svc:9090', query: `sum(rate(vllm:generation_tokens_total{${SELECTOR}}[1m]))`, threshold: '750', ignoreNullValues: 'false' },
      },
    ]);
    // A blind AverageValue trigger holds the current replicas.
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 1, behavior: 'currentReplicasIfHigher' });
  });

  test.each([
    ['vllm/vllm-openai:v0.9.2', undefined, 'avg(vllm:gpu_cache_usage_perc{$S}) * 100'],
    ['vllm/vllm-openai:v0.10.0', undefined, 'avg(vllm:kv_cache_usage_perc{$S}) * 100'],
    ['vllm/vllm-openai@sha256:' + 'cd'.repeat(32), undefined, '(avg(vllm:kv_cache_usage_perc{$S}) * 100) or (avg(vllm:gpu_cache_usage_perc{$S}) * 100)'],
    ['vllm/vllm-openai@sha256:' + 'cd'.repeat(32), '0.6.3', 'avg(vllm:gpu_cache_usage_perc{$S}) * 100'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v0.11.0@sha256:' + 'cd'.repeat(32), undefined, 'avg(vllm:kv_cache_usage_perc{$S}) * 100'],
  ])('the KV-cache gauge follows the vLLM version (%s, vllmVersion %s)', (imageUri, vllmVersion, query) => {
    const spec = so(chart({ model: { ...LLM, imageUri }, servingRuntime: ServingRuntime.vllm({ vllmVersion }), autoscaling: llmPolicy([ScalingTrigger.kvCacheUtilization(80)]) }));
    expect(spec.triggers[0].metadata.query).toBe(query.split('$S').join(SELECTOR));
  });

  test('the shared triggers read vLLM metrics: in flight = running + waiting, requests/s = successes, queue time from its histogram', () => {
    const spec = so(chart({ autoscaling: llmPolicy([ScalingTrigger.inFlightPerInstance(32), ScalingTrigger.requestsPerInstance(5), ScalingTrigger.timeInQueue(Duration.seconds(2))]) }));
    expect(spec.triggers.map((t: any) => t.metadata.query)).toEqual([
      `sum(vllm:num_requests_running{${SELECTOR}}) + sum(vllm:num_requests_waiting{${SELECTOR}})`,
      `sum(rate(vllm:request_success_total{${SELECTOR}}[1m]))`,
      `sum(rate(vllm:request_queue_time_seconds_sum{${SELECTOR}}[1m])) / clamp_min(sum(rate(vllm:request_queue_time_seconds_count{${SELECTOR}}[1m])), 0.001)`,
    ]);
  });

  test('metricQueries override the LLM queries', () => {
    const spec = so(chart({ metricQueries: { requestsWaiting: 'sum(my_waiting{$SELECTOR})' }, autoscaling: llmPolicy([ScalingTrigger.requestsWaitingPerInstance(4)]) }));
    expect(spec.triggers[0].metadata.query).toBe(`sum(my_waiting{${SELECTOR}})`);
  });

  test('GPU utilization needs a query on vLLM (it exports no GPU metric)', () => {
    expect(() => chart({ autoscaling: llmPolicy([ScalingTrigger.gpuUtilization(70)]) }))
      .toThrow(/'autoscaling.triggers' \("gpuUtilization\(70\)"\) needs metricQueries.gpuUtilizationPercent with vLLM: vLLM exports no GPU metric\. Fix: Pass metricQueries.gpuUtilizationPercent from the NVIDIA DCGM exporter/);
    const spec = so(chart({ metricQueries: { gpuUtilizationPercent: 'avg(DCGM_FI_DEV_GPU_UTIL{$SELECTOR})' }, autoscaling: llmPolicy([ScalingTrigger.gpuUtilization(70)]) }));
    expect(spec.triggers[0]).toMatchObject({ name: 'gpu-utilization', metricType: 'Value', metadata: { threshold: '52.5' } });
  });

  test('scale to zero on an LLM trigger is refused: vLLM series vanish with the last pod', () => {
    expect(() => chart({ autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.requestsWaitingPerInstance(4)] }) }))
      .toThrow(/cannot wake from zero on requestsWaitingPerInstance\(4\): the server's metrics \(vLLM vllm:\*\) exist only while a pod runs/);
  });

  test('every manifest validates against the Kubernetes and CRD schemas', () => {
    const objs = chart({
      autoscaling: llmPolicy([ScalingTrigger.requestsWaitingPerInstance(4), ScalingTrigger.kvCacheUtilization(80)]),
      prometheusOperator: true, modelCache: {}, dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(0) }),
    });
    const result = KubernetesSchema.validateManifests(JSON.stringify(objs));
    expect(KubernetesSchema.format(result.problems)).toBe('');
    expect(result.objects.map(o => o.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'ScaledObject', 'Service', 'ServiceAccount', 'ServiceMonitor']);
  });
});

describe('on EKS (GpuClusterService)', () => {
  test('a vLLM artifact with the LLM triggers, batching and the node cache goes through the service into the applied manifest', () => {
    const stack = new Stack(new App(), 'Llm', { env: { account: '111122223333', region: 'us-east-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket');
    const artifact = ModelArtifact.fromBucket(bucket, 'assistant/2.0.0/hf/', {
      name: 'assistant', version: '2.0.0', framework: 'pytorch', targets: [HardwareTarget.NVIDIA_GPU],
      image: ServingImage.fromRegistry('vllm/vllm-openai:v0.10.1'),
    });
    const service = new GpuClusterService(stack, 'Assistant', {
      cluster: importedCluster(stack), artifact, namespace: 'llm', installKeda: true,
      servingRuntime: ServingRuntime.vllm({ maxModelLen: 8192 }),
      dynamicBatching: new DynamicBatching({ maxBatchSize: 64, maxQueueDelay: Duration.millis(0) }),
      modelCache: {},
      autoscaling: llmPolicy([ScalingTrigger.requestsWaitingPerInstance(4), ScalingTrigger.tokensPerSecondPerInstance(2000)]),
    });
    const objs = stack.resolve(service.chart.toJson()) as any[];
    expect(server(objs).command).toEqual(expect.arrayContaining(['--max-model-len=8192', '--max-num-seqs=64', '--model=/models/assistant/1']));
    expect(find(objs, 'ScaledObject').spec.triggers.map((t: any) => [t.name, t.metadata.threshold])).toEqual([['requests-waiting-per-pod', '3'], ['generation-tokens-per-second-per-pod', '1500']]);
    const manifest = JSON.stringify(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifest).toContain('vllm:num_requests_waiting');
    expect(manifest).toContain('model-cache');
  });

  test('a KV-cache trigger on a Triton service is rejected with the service\'s path', () => {
    const stack = new Stack(new App(), 'Tri', { env: { account: '111122223333', region: 'us-east-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket');
    const artifact = ModelArtifact.fromBucket(bucket, 'recsys/1.4.0/model.tar.gz', {
      name: 'recsys', version: '1.4.0', framework: 'onnx', targets: [HardwareTarget.NVIDIA_GPU], image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
    });
    expect(() => new GpuClusterService(stack, 'Recsys', {
      cluster: importedCluster(stack), artifact, namespace: 'recsys', installKeda: true, autoscaling: llmPolicy([ScalingTrigger.kvCacheUtilization(80)]),
    })).toThrow(/Tri\/Recsys.*'autoscaling.triggers' \("kvCacheUtilization\(80\)"\) cannot be rendered by GpuClusterService \(KEDA, Triton\) \(it is reported only by an LLM server/);
  });
});

describe('SLO on vLLM', () => {
  test('the Argo analysis and the alerts read vLLM\'s latency histogram and the API\'s 5xx responses', () => {
    const objs = chart({
      slo: ServiceLevelObjective.latency(95, Duration.seconds(2), { maxErrorRatePercent: 1 }),
      rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(10) }),
      rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS,
      prometheusOperator: true,
    });
    const analysis = JSON.stringify(find(objs, 'AnalysisTemplate').spec.metrics);
    expect(analysis).toContain('histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{');
    expect(analysis).toContain('http_requests_total{');
    expect(analysis).toContain('status=\\\"5xx\\\"');
    expect(analysis).not.toContain('nv_inference');
    const alerts = JSON.stringify(find(objs, 'PrometheusRule').spec);
    expect(alerts).toContain('vllm:e2e_request_latency_seconds_bucket');
    expect(alerts).not.toContain('nv_inference');
    // No Triton latency-summary flags on the vLLM command line.
    expect(server(objs).command.join(' ')).not.toContain('summary_quantiles');
  });
});

describe('LLM triggers on Triton (not an LLM server)', () => {
  const triton = (triggers: ScalingTrigger[], extra: Partial<GpuServingChartProps> = {}) =>
    () => new GpuServingChart(new cdk8s.App(), 'recsys', { model: TRITON_MODEL, autoscaling: llmPolicy(triggers), ...extra });

  test.each([
    [ScalingTrigger.kvCacheUtilization(80), 'kvCacheUtilization\\(80\\)'],
    [ScalingTrigger.requestsWaitingPerInstance(4), 'requestsWaitingPerInstance\\(4\\)'],
    [ScalingTrigger.tokensPerSecondPerInstance(1000), 'tokensPerSecondPerInstance\\(1000\\)'],
  ])('rejects %s naming the supported triggers', (trigger, text) => {
    expect(triton([trigger])).toThrow(new RegExp(
      `recsys: 'autoscaling.triggers' \\("${text}"\\) cannot be rendered by GpuClusterService \\(KEDA, Triton\\) \\(it is reported only by an LLM server, e\\.g\\. vLLM on GpuClusterService\\)\\. Fix: `
      + 'Use one of the triggers it supports: ScalingTrigger.requestsPerInstance, ScalingTrigger.inFlightPerInstance, ScalingTrigger.cpuUtilization, ScalingTrigger.gpuUtilization, ScalingTrigger.queueBacklogPerInstance, ScalingTrigger.timeInQueue\\.'));
  });

  test('LLM queries are not used on Triton', () => {
    expect(triton([ScalingTrigger.inFlightPerInstance(8)], { metricQueries: { kvCacheUtilizationPercent: 'avg(x)' } }))
      .toThrow(/'metricQueries.kvCacheUtilizationPercent' \("avg\(x\)"\) is not used: only an LLM server \(servingRuntime ServingRuntime\.vllm\(\)\) renders the LLM triggers that read it/);
  });
});
