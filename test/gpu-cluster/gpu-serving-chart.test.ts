import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cdk8s from 'cdk8s';
import { AutoscalingPolicy, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib/core';
import {
  GpuServingChart, GpuServingChartProps, KubernetesRolloutMode, KubernetesScalingEngine, ServedModel, TritonInstanceKind, TritonModelConfig,
} from '../../lib/gpu-cluster';
import { KubernetesSchema } from '../../lib/testing/kubernetes-schema';

const MODEL: ServedModel = {
  name: 'recsys',
  version: '1.4.0',
  weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz',
  imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
  weightsDigest: 'sha256:' + 'ab'.repeat(32),
  framework: 'onnx',
};
const NEXT: ServedModel = { ...MODEL, version: '1.5.0', weightsUri: 's3://models-bucket/recsys/1.5.0/model.tar.gz' };
const GATEWAY = { name: 'inference-gateway', namespace: 'gateway' };
const SLO = ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1 });

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: any }; spec?: any; data?: any; [k: string]: any };

function chart(props: Partial<GpuServingChartProps> = {}, id: string = 'recsys'): GpuServingChart {
  return new GpuServingChart(new cdk8s.App(), id, { namespace: 'recsys', model: MODEL, ...props });
}
function objects(c: cdk8s.Chart): K8sObject[] {
  return c.toJson() as K8sObject[];
}
function find(c: cdk8s.Chart | K8sObject[], kind: string, name: string): K8sObject {
  const all = Array.isArray(c) ? c : objects(c);
  const o = all.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) { throw new Error(`no ${kind}/${name} in ${all.map(x => `${x.kind}/${x.metadata.name}`).join(', ')}`); }
  return o;
}
function podSpec(c: cdk8s.Chart | K8sObject[], name: string = 'recsys'): any {
  return find(c, 'Deployment', name).spec.template.spec;
}
const inFlight = (extra: Partial<ConstructorParameters<typeof AutoscalingPolicy>[0]> = {}) => new AutoscalingPolicy({
  minCapacity: 3, maxCapacity: 40, triggers: [ScalingTrigger.inFlightPerInstance(8)], warmBufferPercent: 25, ...extra,
});

describe('pod', () => {
  // GIVEN a chart with defaults, rendered once
  const objs = objects(chart({ instanceTypes: ['g5.xlarge'], nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A10G' }, priorityClassName: 'inference-high' }));
  const spec = podSpec(objs);
  const server = spec.containers[0];

  test('requests and limits nvidia.com/gpu as numbers, with explicit CPU and memory and no CPU limit', () => {
    expect(server.resources).toEqual({
      requests: { 'cpu': '3', 'memory': '12Gi', 'nvidia.com/gpu': 1, 'ephemeral-storage': '20Gi' },
      limits: { 'memory': '12Gi', 'nvidia.com/gpu': 1 },
    });
    expect(typeof server.resources.limits['nvidia.com/gpu']).toBe('number');
  });

  test('tolerates the GPU taint, selects GPU nodes by instance type and label, spreads across zones', () => {
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge'] }] },
    ]);
    expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A10G' });
    expect(spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: find(objs, 'Deployment', 'recsys').spec.selector.matchLabels },
    }]);
    expect(spec.priorityClassName).toBe('inference-high');
    expect(spec.terminationGracePeriodSeconds).toBe(60);
  });

  test('fetches the weights in an init container into an emptyDir at /models, then verifies and unpacks them', () => {
    const [fetch, unpack] = spec.initContainers;
    expect(fetch.name).toBe('fetch-model');
    expect(fetch.image).toBe('public.ecr.aws/aws-cli/aws-cli:2.22.35');
    expect(fetch.command.join(' ')).toContain('aws s3 cp');
    expect(fetch.env).toEqual(expect.arrayContaining([{ name: 'MODEL_S3_URI', value: MODEL.weightsUri }]));
    expect(fetch.command.join(' ')).not.toContain('MODEL_URI');
    expect(fetch.volumeMounts).toEqual(expect.arrayContaining([{ name: 'models', mountPath: '/models' }]));
    expect(unpack.command.join(' ')).toContain('sha256sum -c');
    expect(unpack.env).toEqual([
      { name: 'MODEL_NAME', value: 'recsys' }, { name: 'MODEL_S3_URI', value: MODEL.weightsUri },
      { name: 'MODEL_COMPRESSED', value: 'true' }, { name: 'MODEL_DIGEST', value: 'sha256:' + 'ab'.repeat(32) },
    ]);
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'models', emptyDir: { sizeLimit: '20480Mi' } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1024Mi' } },
    ]));
    expect(server.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'models', mountPath: '/models' }, { name: 'dshm', mountPath: '/dev/shm' }, { name: 'tmp', mountPath: '/tmp' }, { name: 'cache', mountPath: '/cache' },
    ]));
  });

  test('the server gets the one MODEL_* environment contract, then the lane\'s Triton variables, then the user\'s', () => {
    const env = Object.fromEntries((server.env as Array<{ name: string; value: string }>).map(e => [e.name, e.value]));
    expect(env).toEqual({
      MODEL_NAME: 'recsys', MODEL_VERSION: '1.4.0', MODEL_FRAMEWORK: 'onnx', MODEL_TARGET: 'nvidia-gpu',
      MODEL_S3_URI: MODEL.weightsUri, MODEL_S3_BUCKET: 'models-bucket', MODEL_S3_KEY: 'recsys/1.4.0/model.tar.gz',
      MODEL_S3_IS_PREFIX: 'false', MODEL_COMPRESSED: 'true', MODEL_DIGEST: 'sha256:' + 'ab'.repeat(32), MODEL_LOCAL_DIR: '/models/recsys/1',
      MODEL_REPOSITORY: '/models', MODEL_DIR: '/models/recsys', HOME: '/tmp', XDG_CACHE_HOME: '/cache',
    });
    expect(env).not.toHaveProperty('MODEL_URI');
  });

  test('a prefix without a digest: MODEL_S3_IS_PREFIX true, no MODEL_DIGEST, precision and card when given', () => {
    const prefix = { ...MODEL, weightsUri: 's3://models-bucket/recsys/1.4.0/', weightsDigest: undefined, precision: 'fp16', cardJson: '{"name":"recsys"}' };
    const env = podSpec(objects(chart({ model: prefix, environment: { LOG_VERBOSE: '1' } }))).containers[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'MODEL_S3_IS_PREFIX', value: 'true' }, { name: 'MODEL_S3_KEY', value: 'recsys/1.4.0/' }, { name: 'MODEL_COMPRESSED', value: 'false' },
      { name: 'MODEL_PRECISION', value: 'fp16' }, { name: 'MODEL_CARD', value: '{"name":"recsys"}' }, { name: 'LOG_VERBOSE', value: '1' },
    ]));
    expect(env.map((e: { name: string }) => e.name)).not.toContain('MODEL_DIGEST');
  });

  test('runs every container as non-root with a read-only root filesystem', () => {
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    }
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('recsys');
  });

  test('has startup, readiness and liveness probes on the Triton health endpoints; readiness waits for the model itself', () => {
    expect(server.startupProbe).toMatchObject({ httpGet: { path: '/v2/health/live', port: 8000 }, periodSeconds: 10, failureThreshold: 60 });
    expect(server.readinessProbe).toMatchObject({ httpGet: { path: '/v2/models/recsys/ready', port: 8000 }, periodSeconds: 5, failureThreshold: 3 });
    expect(server.livenessProbe).toMatchObject({ httpGet: { path: '/v2/health/live', port: 8000 }, failureThreshold: 3 });
    expect(server.lifecycle.preStop.exec.command).toEqual(['/bin/sh', '-c', 'sleep 10']);
  });

  test('exposes http, grpc and metrics as named ports, and budgets disruptions', () => {
    expect(find(objs, 'Service', 'recsys').spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 8000], ['grpc', 8001], ['metrics', 8002]]);
    const pdb = find(objs, 'PodDisruptionBudget', 'recsys');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: find(objs, 'Deployment', 'recsys').spec.selector.matchLabels } });
  });

  test('a fixed policy pins the replica count and renders no autoscaler', () => {
    expect(find(objs, 'Deployment', 'recsys').spec.replicas).toBe(1);
    expect(objs.filter(o => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')).toEqual([]);
  });
});

describe('Triton dynamic batching', () => {
  test('renders config.pbtxt into a ConfigMap mounted at /models/<model>/config.pbtxt, and rolls pods when it changes', () => {
    const triton = new TritonModelConfig({
      maxBatchSize: 32, preferredBatchSizes: [8, 16, 32], maxQueueDelay: Duration.millis(2), instanceCount: 2,
      inputs: [{ name: 'INPUT__0', dataType: 'TYPE_FP16', dims: [256] }],
      outputs: [{ name: 'OUTPUT__0', dataType: 'TYPE_FP16', dims: [100] }],
    });
    const objs = objects(chart({ triton, model: { ...MODEL, framework: 'pytorch' } }));
    const text = find(objs, 'ConfigMap', 'recsys-triton').data['config.pbtxt'];
    expect(text).toContain('platform: "pytorch_libtorch"');
    expect(text).toContain('max_batch_size: 32');
    expect(text).toContain('preferred_batch_size: [ 8, 16, 32 ]');
    expect(text).toContain('max_queue_delay_microseconds: 2000');
    expect(text).toMatch(/count: 2\s+kind: KIND_GPU/);
    expect(text).toMatch(/name: "INPUT__0"\s+data_type: TYPE_FP16\s+dims: \[ 256 \]/);
    const dep = find(objs, 'Deployment', 'recsys');
    expect(dep.spec.template.spec.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'triton-config', mountPath: '/models/recsys/config.pbtxt', subPath: 'config.pbtxt', readOnly: true },
    ]));
    expect(dep.spec.template.metadata.annotations['inference.cdk/triton-config-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a CPU instance group and a backend render as asked', () => {
    const text = new TritonModelConfig({ maxBatchSize: 8, backend: 'python', instanceKind: TritonInstanceKind.CPU }).render('m', 'whatever');
    expect(text).toContain('backend: "python"');
    expect(text).toContain('kind: KIND_CPU');
  });

  test.each([
    [{ maxBatchSize: 0 }, /'maxBatchSize' \(0\) must be an integer >= 1\. Fix: Dynamic batching needs maxBatchSize >= 1/],
    [{ maxBatchSize: 16, preferredBatchSizes: [8, 32] }, /'preferredBatchSizes\[1\]' \(32\) must be an integer from 1 to 16/],
    [{ maxBatchSize: 16, preferredBatchSizes: [8, 4] }, /must be strictly ascending/],
    [{ maxBatchSize: 16, maxQueueDelay: Duration.seconds(11) }, /'maxQueueDelay'.*between 0 and 10 seconds/],
    [{ maxBatchSize: 16, dynamicBatching: false, preferredBatchSizes: [4] }, /'preferredBatchSizes'.*needs dynamic batching/],
    [{ maxBatchSize: 16, platform: 'onnxruntime_onnx', backend: 'python' }, /'backend'.*conflicts with platform/],
    [{ maxBatchSize: 16, inputs: [{ name: 'x', dataType: 'FP32', dims: [4] }] }, /'inputs\[0\].dataType' \("FP32"\) is not a Triton data type/],
    [{ maxBatchSize: 16, outputs: [{ name: 'y', dataType: 'TYPE_FP32', dims: [0] }] }, /'outputs\[0\].dims'/],
  ])('rejects %p', (props, message) => {
    expect(() => new TritonModelConfig(props as any)).toThrow(message);
  });

  test('rejects a framework without a Triton platform when none is given', () => {
    const triton = new TritonModelConfig({ maxBatchSize: 4 });
    expect(() => chart({ triton, model: { ...MODEL, framework: 'xgboost' } })).toThrow(/'platform' is not set and framework 'xgboost' has no default Triton platform/);
  });
});

describe('autoscaling', () => {
  test('CPU only: an autoscaling/v2 HPA with explicit behavior from the cooldowns and step caps, replicas left to it', () => {
    const objs = objects(chart({
      autoscaling: new AutoscalingPolicy({
        minCapacity: 2, maxCapacity: 10, triggers: [ScalingTrigger.cpuUtilization(70)], warmBufferPercent: 10,
        scaleOutCooldown: Duration.seconds(45), scaleInCooldown: Duration.minutes(10), maxScaleOutStep: 3, maxScaleInStep: 1,
      }),
    }));
    const hpa = find(objs, 'HorizontalPodAutoscaler', 'recsys-hpa');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'recsys' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 63 } } }],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 45, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 3, periodSeconds: 45 }] },
        scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }] },
      },
    });
    expect(find(objs, 'Deployment', 'recsys').spec.replicas).toBeUndefined();
    expect(objs.some(o => o.kind === 'ScaledObject')).toBe(false);
  });

  test('in-flight requests: a KEDA ScaledObject on a Prometheus query, target after the warm buffer, cron floor for the flash sale', () => {
    const objs = objects(chart({
      autoscaling: inFlight({
        scaleOutCooldown: Duration.seconds(30), scaleInCooldown: Duration.minutes(10),
        schedules: [{ name: 'flash-sale', start: { minute: '45', hour: '11', weekDay: 'WED' }, end: { minute: '0', hour: '14', weekDay: 'WED' }, minCapacity: 30, timeZone: 'America/New_York' }],
      }),
      pollingInterval: Duration.seconds(15),
    }));
    const so = find(objs, 'ScaledObject', 'recsys-scaler');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'recsys' },
      minReplicaCount: 3, maxReplicaCount: 40, pollingInterval: 15,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleUp: { stabilizationWindowSeconds: 30 }, scaleDown: { stabilizationWindowSeconds: 600 } } } },
    });
    expect(so.spec.cooldownPeriod).toBeUndefined();
    expect(so.spec.triggers).toEqual([
      {
        type: 'prometheus', name: 'in-flight-per-pod', metricType: 'AverageValue',
        metadata: {
          serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
          query: 'sum(rate(nv_inference_request_duration_us{namespace="recsys",service="recsys"}[1m])) / 1e6',
          threshold: '6',
          ignoreNullValues: 'false',
        },
      },
      { type: 'cron', name: 'schedule-flash-sale', metadata: { timezone: 'America/New_York', start: '45 11 * * WED', end: '0 14 * * WED', desiredReplicas: '30' } },
    ]);
    expect(find(objs, 'Deployment', 'recsys').spec.replicas).toBeUndefined();
  });

  test('every KEDA trigger kind and the SQS backlog with its TriggerAuthentication; a blind Prometheus holds the replicas (fallback)', () => {
    const objs = objects(chart({
      autoscaling: new AutoscalingPolicy({
        minCapacity: 2, maxCapacity: 8, warmBufferPercent: 20, scaleInCooldown: Duration.minutes(15),
        triggers: [
          ScalingTrigger.requestsPerInstance(100), ScalingTrigger.gpuUtilization(70), ScalingTrigger.timeInQueue(Duration.seconds(2)),
          ScalingTrigger.queueBacklogPerInstance(10), ScalingTrigger.cpuUtilization(80),
        ],
      }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/recsys-jobs',
      awsRegion: 'us-east-1',
      queueReaderRoleArn: 'arn:aws:iam::111122223333:role/keda-sqs',
    }));
    const so = find(objs, 'ScaledObject', 'recsys-scaler');
    expect(so.spec.minReplicaCount).toBe(2);
    expect(so.spec.cooldownPeriod).toBeUndefined();
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: 'currentReplicasIfHigher' });
    const byName = Object.fromEntries(so.spec.triggers.map((t: any) => [t.name, t]));
    expect(byName['requests-per-pod']).toMatchObject({ type: 'prometheus', metricType: 'AverageValue', metadata: { threshold: '80', ignoreNullValues: 'false', query: expect.stringContaining('nv_inference_request_success') } });
    expect(byName['gpu-utilization']).toMatchObject({ type: 'prometheus', metricType: 'Value', metadata: { threshold: '56', ignoreNullValues: 'false', query: 'avg(nv_gpu_utilization{namespace="recsys",service="recsys"}) * 100' } });
    expect(byName['time-in-queue']).toMatchObject({ type: 'prometheus', metricType: 'Value', metadata: { threshold: '1.6', ignoreNullValues: 'false', query: expect.stringContaining('nv_inference_queue_duration_us') } });
    expect(byName['cpu-utilization']).toEqual({ type: 'cpu', name: 'cpu-utilization', metricType: 'Utilization', metadata: { value: '64' } });
    expect(byName['queue-backlog-per-pod']).toEqual({
      type: 'aws-sqs-queue', name: 'queue-backlog-per-pod',
      metadata: { queueURL: 'https://sqs.us-east-1.amazonaws.com/111122223333/recsys-jobs', queueLength: '8', awsRegion: 'us-east-1', scaleOnInFlight: 'true' },
      authenticationRef: { name: 'recsys-scaler-sqs' },
    });
    expect(find(objs, 'TriggerAuthentication', 'recsys-scaler-sqs').spec).toEqual({ podIdentity: { provider: 'aws', roleArn: 'arn:aws:iam::111122223333:role/keda-sqs' } });
  });

  test('scale to zero on an SQS backlog (CPU beside it): minReplicaCount 0, cooldown from the scale-in cooldown, a fallback of at least one pod (applied while pods run)', () => {
    const so = find(chart({
      autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 8, scaleInCooldown: Duration.minutes(15), triggers: [ScalingTrigger.queueBacklogPerInstance(10), ScalingTrigger.cpuUtilization(80)] }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/recsys-jobs', awsRegion: 'us-east-1',
    }), 'ScaledObject', 'recsys-scaler');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.cooldownPeriod).toBe(900);
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 1, behavior: 'currentReplicasIfHigher' });
  });

  test.each([
    ['HPA cannot scale to zero', { scalingEngine: KubernetesScalingEngine.HPA, autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.requestsPerInstance(5)] }) },
      /'autoscaling.scaleToZero' \(true\) is not possible with an HPA \(minReplicas 0 is invalid\)/],
    ['HPA renders CPU only', { scalingEngine: KubernetesScalingEngine.HPA, autoscaling: inFlight() },
      /'autoscaling.triggers' \("inFlightPerInstance\(8\)"\) cannot be rendered by GpuClusterService \(HPA\)\. Fix: Use one of the triggers it supports: ScalingTrigger.cpuUtilization/],
    ['HPA renders no schedules', { scalingEngine: KubernetesScalingEngine.HPA, autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)], schedules: [{ name: 's', start: { hour: '1' }, end: { hour: '2' }, minCapacity: 2 }] }) },
      /'autoscaling.schedules' \(\["s"\]\) cannot be rendered by GpuClusterService \(HPA\)/],
    ['KEDA cannot wake from zero on CPU', { autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)] }) },
      /cannot scale out from zero on CPU utilization/],
    ['a schedule cannot raise the ceiling', { autoscaling: inFlight({ maxCapacity: 10, schedules: [{ name: 'flash-sale', start: { hour: '11' }, end: { hour: '14' }, minCapacity: 30 }] }) },
      /'autoscaling.schedules.flash-sale.maxCapacity' \(30\) differs from the policy's maxCapacity \(10\): a KEDA cron trigger raises the floor only/],
    ['a schedule has no year', { autoscaling: inFlight({ schedules: [{ name: 'bf', start: { hour: '11', year: '2026' }, end: { hour: '14' }, minCapacity: 30 }] }) },
      /'autoscaling.schedules.bf.start.year' \("2026"\) cannot be rendered: KEDA's cron scaler, 5-field cron has no year/],
    ['a backlog trigger needs a queue', { autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }) },
      /'queueUrl' and awsRegion are needed by the queueBacklogPerInstance trigger/],
    ['a backlog target under one job after the buffer', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', awsRegion: 'us-east-1', autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, warmBufferPercent: 50, triggers: [ScalingTrigger.queueBacklogPerInstance(1)] }) },
      /leaves a backlog target of 0.5 after the 50% warm buffer, below 1 job per pod/],
    ['a step cap needs a cooldown period', { autoscaling: inFlight({ scaleOutCooldown: Duration.seconds(0), maxScaleOutStep: 2 }) },
      /'autoscaling.scaleOutCooldown' \(0 seconds\) must be between 1 second and 30 minutes when 'maxScaleOutStep' is set/],
  ])('rejects: %s', (_what, props, message) => {
    expect(() => chart(props as Partial<GpuServingChartProps>)).toThrow(message);
  });
});

describe('rollouts and shadow traffic', () => {
  test('GATEWAY_API: stable and canary Deployments behind one HTTPRoute weighted 90/10, the canary scaled on its share of the surge', () => {
    const objs = objects(chart({
      model: NEXT, stableModel: MODEL, gateway: GATEWAY, hostnames: ['recsys.example.com'],
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10), autoRollback: false }),
      rolloutMode: KubernetesRolloutMode.GATEWAY_API,
      autoscaling: inFlight({ schedules: [{ name: 'flash-sale', start: { hour: '11' }, end: { hour: '14' }, minCapacity: 30 }] }),
    }));
    expect(find(objs, 'Deployment', 'recsys').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.4.0');
    expect(find(objs, 'Deployment', 'recsys-canary').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.5.0');
    const route = find(objs, 'HTTPRoute', 'recsys');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'inference-gateway', namespace: 'gateway' }],
      hostnames: ['recsys.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'recsys', port: 8000, weight: 90 }, { name: 'recsys-canary', port: 8000, weight: 10 }],
      }],
    });
    const canaryScaler = find(objs, 'ScaledObject', 'recsys-canary-scaler');
    expect(canaryScaler.spec.scaleTargetRef.name).toBe('recsys-canary');
    expect(canaryScaler.spec.minReplicaCount).toBe(1);
    expect(canaryScaler.spec.triggers.find((t: any) => t.type === 'cron').metadata.desiredReplicas).toBe('3');
    expect(canaryScaler.spec.triggers[0].metadata.query).toContain('service="recsys-canary"');
  });

  test('shadow: a RequestMirror filter copies 20% of requests to the candidate, which has no disruption budget', () => {
    const objs = objects(chart({ gateway: GATEWAY, shadowModel: NEXT, shadowPercent: 20 }));
    expect(find(objs, 'HTTPRoute', 'recsys').spec.rules[0]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'recsys-shadow', port: 8000 }, percent: 20 } }],
      backendRefs: [{ name: 'recsys', port: 8000, weight: 100 }],
    });
    expect(find(objs, 'Deployment', 'recsys-shadow').spec.template.metadata.labels['inference.cdk/track']).toBe('shadow');
    expect(objs.filter(o => o.kind === 'PodDisruptionBudget').map(o => o.metadata.name)).toEqual(['recsys']);
  });

  test('ARGO_ROLLOUTS: a Rollout over the Deployment with canary steps, Gateway API routing and SLO analysis that rolls back', () => {
    const objs = objects(chart({
      gateway: GATEWAY, slo: SLO, prometheusOperator: true, autoscaling: inFlight(),
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10), finalBakeTime: Duration.minutes(5) }),
      rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS,
    }));
    expect(find(objs, 'Deployment', 'recsys').spec.replicas).toBe(0);
    const rollout = find(objs, 'Rollout', 'recsys');
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.spec.replicas).toBeUndefined();
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'recsys', scaleDown: 'never' });
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
    expect(rollout.spec.strategy.canary).toEqual({
      steps: [{ setWeight: 10 }, { pause: { duration: '600s' } }, { setWeight: 100 }, { pause: { duration: '300s' } }],
      canaryService: 'recsys-canary',
      stableService: 'recsys-stable',
      analysis: { templates: [{ templateName: 'recsys-slo' }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }], startingStep: 1 },
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'recsys', namespace: 'recsys' } } },
    });
    expect(find(objs, 'HTTPRoute', 'recsys').spec.rules[0].backendRefs).toEqual([
      { name: 'recsys-stable', port: 8000, weight: 100 }, { name: 'recsys-canary', port: 8000, weight: 0 },
    ]);
    expect(find(objs, 'ScaledObject', 'recsys-scaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'recsys' });
    const metrics = find(objs, 'AnalysisTemplate', 'recsys-slo').spec.metrics;
    expect(metrics.map((m: any) => [m.name, m.successCondition, m.failureCondition, m.interval, m.initialDelay, m.failureLimit, m.inconclusiveLimit])).toEqual([
      // Two slow minutes (p95 over 100 ms) in the 5-minute rollback window; the error test's z² (99.9%).
      ['latency-p95', 'len(result) > 0 && result[0] < 2', 'len(result) > 0 && result[0] >= 2', '60s', '60s', 0, 5],
      ['error-rate', 'len(result) > 0 && result[0] <= 9.5495', 'len(result) > 0 && result[0] > 9.5495', '60s', '60s', 0, 5],
    ]);
    // Fail closed: no query turns "no data" into a passing 0.
    for (const m of metrics) { expect(m.provider.prometheus.query).not.toMatch(/vector\(0\)/); }
    expect(metrics[0].provider.prometheus.query).toContain('quantile="0.95"');
    expect(metrics[0].provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.canary-hash}}"');
    // The server publishes the SLO's quantile.
    expect(podSpec(objs).containers[0].command).toContain('--metrics-config=summary_quantiles=0.5:0.001,0.9:0.001,0.95:0.001,0.99:0.001');
  });

  test('ARGO_ROLLOUTS: linear steps, all-at-once, and replica-weighted canaries without a gateway', () => {
    const linear = find(chart({ slo: SLO, rollout: Rollout.linear({ stepPercent: 25, interval: Duration.minutes(5), finalBakeTime: Duration.minutes(0) }), rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS }), 'Rollout', 'recsys');
    expect(linear.spec.strategy.canary.steps).toEqual([
      { setWeight: 25 }, { pause: { duration: '300s' } }, { setWeight: 50 }, { pause: { duration: '300s' } }, { setWeight: 75 }, { pause: { duration: '300s' } }, { setWeight: 100 },
    ]);
    expect(linear.spec.strategy.canary.trafficRouting).toBeUndefined();
    expect(linear.spec.replicas).toBe(1);
    const once = find(chart({ rollout: Rollout.allAtOnce({ autoRollback: false }), rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS }), 'Rollout', 'recsys');
    expect(once.spec.strategy.canary).toEqual({ steps: [{ setWeight: 100 }, { pause: { duration: '600s' } }] });
  });

  test('the SLO as Prometheus alerts with the same "N of M periods" rule as the CloudWatch alarms, and a ServiceMonitor', () => {
    const objs = objects(chart({ slo: ServiceLevelObjective.latency(99, Duration.millis(250), { goalPercent: 90, maxTimeInQueue: Duration.seconds(1) }), prometheusOperator: true }));
    expect(find(objs, 'ServiceMonitor', 'recsys').spec).toEqual({
      selector: { matchLabels: { 'inference.cdk/metrics': 'recsys' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
      podTargetLabels: ['app.kubernetes.io/version', 'inference.cdk/track', 'rollouts-pod-template-hash'],
    });
    const rules = find(objs, 'PrometheusRule', 'recsys-slo').spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['ModelLatencySloBreached', 'ModelTimeInQueueSloBreached', 'ModelMetricsAbsent']);
    // Fail closed: missing data pages instead of silencing the SLO alerts.
    expect(rules[2]).toMatchObject({ expr: 'absent(up{namespace="recsys",service="recsys"} == 1)', for: '600s' });
    // 90% of 10 one-minute periods: the alarm fires at 2 breaching periods.
    expect(rules[0].expr).toBe('sum_over_time(((max(nv_inference_request_summary_us{namespace="recsys",service="recsys",quantile="0.99"} >= 0) / 1000) > bool 250)[600s:60s]) >= 2');
  });

  test.each([
    ['a canary without traffic weights', { rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) },
      /'rollout' \("CANARY 10% \/ 5 minutes"\) cannot be rendered by a rolling update/],
    ['a rolling update that should roll back on the SLO', { rollout: Rollout.allAtOnce() },
      /'rollout.autoRollback' \(true\) is not possible with a rolling update \(Kubernetes does not watch the SLO\)/],
    ['GATEWAY_API linear steps', { rolloutMode: KubernetesRolloutMode.GATEWAY_API, gateway: GATEWAY, stableModel: MODEL, model: NEXT, rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(5), autoRollback: false }) },
      /'rollout' \("LINEAR 10% \/ 5 minutes"\) must be a canary with rolloutMode GATEWAY_API/],
    ['GATEWAY_API automatic rollback', { rolloutMode: KubernetesRolloutMode.GATEWAY_API, gateway: GATEWAY, stableModel: MODEL, model: NEXT, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) },
      /'rollout.autoRollback' \(true\) is not possible with rolloutMode GATEWAY_API: the weight is static/],
    ['GATEWAY_API without a gateway', { rolloutMode: KubernetesRolloutMode.GATEWAY_API, stableModel: MODEL, model: NEXT, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }) },
      /'gateway' is required by rolloutMode GATEWAY_API/],
    ['GATEWAY_API without the stable version', { rolloutMode: KubernetesRolloutMode.GATEWAY_API, gateway: GATEWAY, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }) },
      /'stableModel' is required by rolloutMode GATEWAY_API: it keeps 90% of the traffic/],
    ['GATEWAY_API with the same version twice', { rolloutMode: KubernetesRolloutMode.GATEWAY_API, gateway: GATEWAY, stableModel: MODEL, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }) },
      /'stableModel.version' \("1.4.0"\) equals the canary version/],
    ['ARGO_ROLLOUTS without a rollout', { rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS }, /'rollout' is required by rolloutMode ARGO_ROLLOUTS/],
    ['ARGO_ROLLOUTS rollback without an SLO', { rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) },
      /'rollout.autoRollback' \(true\) needs an slo: the Argo analysis measures it/],
    ['a stable model outside GATEWAY_API', { rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS, slo: SLO, stableModel: MODEL, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) },
      /'stableModel' \("recsys@1.4.0"\) is only used by rolloutMode GATEWAY_API.*Argo Rollouts keeps the previous version itself/],
    ['CloudWatch alarms as rollback triggers', { rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS, slo: SLO, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), alarms: [cloudwatch.Alarm.fromAlarmArn(new Stack(), 'A', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:x')] }) },
      /'rollout.alarms' \(1\) cannot stop a Kubernetes rollout \(they are CloudWatch alarms\)/],
    ['shadow without a gateway', { shadowModel: NEXT, shadowPercent: 10 }, /'gateway' is required for shadow traffic/],
    ['a shadow share without a shadow', { shadowPercent: 10 }, /'shadowPercent' \(10\) has no shadowModel to mirror to/],
    ['a shadow without a share', { gateway: GATEWAY, shadowModel: NEXT }, /'shadowPercent' is required with shadowModel/],
    ['a fractional mirror share', { gateway: GATEWAY, shadowModel: NEXT, shadowPercent: 12.5 }, /'shadowPercent' \(12.5\) must be a whole percent/],
    ['an SLO nobody watches', { slo: SLO }, /'slo' \(".*"\) is not watched: on Kubernetes the SLO renders as Prometheus alerts/],
  ])('rejects: %s', (_what, props, message) => {
    expect(() => chart(props as Partial<GpuServingChartProps>)).toThrow(message);
  });
});

describe('pod validation', () => {
  test.each([
    ['zero GPUs', { gpuCount: 0 }, /'gpuCount' \(0\) must be an integer from 1 to 16/],
    ['/dev/shm as large as memory', { memory: Size.gibibytes(2), sharedMemorySize: Size.gibibytes(2) }, /'sharedMemorySize' \("2 GiB"\) must be smaller than 'memory'/],
    ['a repeated port', { grpcPort: 8000 }, /'metricsPort' \(\[8000,8000,8002\]\) repeats a port/],
    ['a privileged port', { httpPort: 80 }, /'httpPort' \(80\) must be an integer from 1024 to 65535/],
    ['a preStop longer than the grace period', { preStopDelay: Duration.seconds(60) }, /'preStopDelay' \(1 minute\) must be shorter than 'terminationGracePeriod'/],
    ['an unknown taint effect', { tolerations: [{ key: 'gpu', effect: 'NoWay' }] }, /'tolerations\[0\].effect' \("NoWay"\) is not a taint effect/],
    ['an instance type typo', { instanceTypes: ['g5xlarge'] }, /'instanceTypes\[0\]' \("g5xlarge"\) is not an NVIDIA GPU instance type/],
    ['a startup timeout of 5 s', { startupTimeout: Duration.seconds(5) }, /'startupTimeout' \(5 seconds\) is below 10 seconds/],
    ['weights outside S3', { model: { ...MODEL, weightsUri: 'https://example.com/model.tar.gz' } }, /'model.weightsUri' \("https:\/\/example.com\/model.tar.gz"\) is not an s3:\/\/ URI/],
    ['a malformed digest', { model: { ...MODEL, weightsDigest: 'md5:abc' } }, /'model.weightsDigest' \("md5:abc"\) is not a SHA-256 digest/],
    ['a service name that is not DNS-safe', { serviceName: 'RecSys' }, /'serviceName' \("RecSys"\) is not a valid Kubernetes name \(RFC 1123 label\)/],
    ['a namespace to create without a name', { namespace: undefined, createNamespace: true }, /'createNamespace' \(true\) needs a namespace/],
  ])('rejects: %s', (_what, props, message) => {
    expect(() => chart(props as Partial<GpuServingChartProps>)).toThrow(message);
  });
});

describe('standalone use (any Kubernetes)', () => {
  test('synthesizes YAML that validates against the Kubernetes and CRD schemas, with no unknown fields', () => {
    // GIVEN every feature at once: GATEWAY_API canary, shadow, KEDA with SQS, Triton, monitoring
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-chart-'));
    const app = new cdk8s.App({ outdir });
    new GpuServingChart(app, 'recsys', {
      namespace: 'recsys', createNamespace: true, model: NEXT, stableModel: MODEL, gateway: GATEWAY,
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10), autoRollback: false }), rolloutMode: KubernetesRolloutMode.GATEWAY_API,
      shadowModel: { ...NEXT, version: '1.6.0-rc1' }, shadowPercent: 5,
      autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(8), ScalingTrigger.queueBacklogPerInstance(20)], maxScaleOutStep: 4 }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/recsys', awsRegion: 'us-east-1', fetchCredentialsSecret: 'aws-reader',
      triton: new TritonModelConfig({ maxBatchSize: 16 }), slo: SLO, prometheusOperator: true,
    });
    new GpuServingChart(app, 'ranker', {
      namespace: 'recsys', model: { ...MODEL, name: 'ranker' },
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)] }),
    });
    // WHEN the app is synthesized like `cdk8s synth`
    app.synth();
    const files = fs.readdirSync(outdir).sort();
    expect(files).toEqual(['ranker.k8s.yaml', 'recsys.k8s.yaml']);
    // THEN every object validates, CRDs included, and a planted unknown field is caught
    const objs = files.flatMap((f: string) => cdk8s.Yaml.load(path.join(outdir, f)));
    const planted = JSON.parse(JSON.stringify(objs));
    planted.find((o: any) => o.kind === 'ScaledObject').spec.triggerz = [];
    planted.find((o: any) => o.kind === 'Deployment').spec.template.spec.containers[0].gpus = 1;
    const result = KubernetesSchema.validateManifests(JSON.stringify([...objs, ...planted]));
    expect(KubernetesSchema.format(result.problems.filter(p => p.index < objs.length))).toBe('');
    expect(result.problems.map(p => `${p.problemType} ${p.kind} ${p.path}`)).toEqual(expect.arrayContaining([
      'UNKNOWN_FIELD ScaledObject /spec/triggerz',
      'UNKNOWN_FIELD Deployment /spec/template/spec/containers/0/gpus',
    ]));
    expect(new Set(result.objects.map(o => o.schemaModule?.split('/').slice(0, 2).join('/')))).toEqual(new Set([
      'kubernetes-models/v1', 'kubernetes-models/apps', 'kubernetes-models/policy', 'kubernetes-models/autoscaling',
      '@kubernetes-models/keda', '@kubernetes-models/gateway-api', '@kubernetes-models/prometheus-operator',
    ]));
    const ns = objs.find((o: any) => o.kind === 'Namespace');
    expect(ns.metadata.namespace).toBeUndefined();
  });
});
