import * as child from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage } from '../../lib/core';
import {
  GpuClusterService, GpuClusterServiceProps, GpuServingChart, GpuServingChartProps, KubernetesRolloutMode, TritonModelConfig,
} from '../../lib/gpu-cluster';
import { GATEWAY, MODEL, NEXT } from './served-models';
import { importedCluster } from './imported-cluster';

// Issue 12, items 14-20: what the chart and the service emit at run time (scale from zero, fail-closed
// guardrails, device plugin, ordering, mirror percent, validation gaps), asserted on the manifests
// and the template.

const SLO = ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1 });
const GATEWAY_RPS = 'sum(rate(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/$NAMESPACE/$SERVICE/.*"}[1m]))';
const QUEUE = { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/jobs', awsRegion: 'us-east-1' };

function chart(props: Partial<GpuServingChartProps> = {}): GpuServingChart {
  return new GpuServingChart(new cdk8s.App(), 'recsys', { namespace: 'recsys', model: MODEL, ...props });
}
function find(objs: any[], kind: string, name: string): any {
  const o = objs.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) { throw new Error(`no ${kind}/${name} in ${objs.map(x => `${x.kind}/${x.metadata.name}`).join(', ')}`); }
  return o;
}
const zero = (triggers: ScalingTrigger[], extra: object = {}) => new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 8, triggers, ...extra });

describe('item 14: scale to zero only on signals that exist without pods', () => {
  const options = /Fix: Scale to zero only on a signal that exists without pods: ScalingTrigger\.queueBacklogPerInstance \(SQS\), ScalingTrigger\.requestsPerInstance with metricQueries\.gatewayRequestsPerSecond \(gateway or ingress request metrics\), schedules \(KEDA cron\), or the KEDA HTTP add-on/;

  test.each([
    ['in-flight requests (Triton)', ScalingTrigger.inFlightPerInstance(8)],
    ['requests per pod from Triton\'s counter', ScalingTrigger.requestsPerInstance(50)],
    ['GPU utilization', ScalingTrigger.gpuUtilization(70)],
    ['time in queue (Triton)', ScalingTrigger.timeInQueue(Duration.seconds(2))],
  ])('rejects %s: nv_inference_* series vanish with the last pod', (_what, trigger) => {
    expect(() => chart({ autoscaling: zero([trigger]) })).toThrow(/'autoscaling.scaleToZero' \(true\) cannot wake from zero on .*: the server's metrics \(Triton nv_inference_\*\) exist only while a pod runs/);
    expect(() => chart({ autoscaling: zero([trigger]) })).toThrow(options);
  });

  test('rejects a pod-bound trigger even beside a queue trigger (its no-data errors would trip the fallback at zero)', () => {
    expect(() => chart({ ...QUEUE, autoscaling: zero([ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.inFlightPerInstance(8)]) }))
      .toThrow(/cannot wake from zero on inFlightPerInstance\(8\)/);
  });

  test('rejects CPU alone, naming the options', () => {
    expect(() => chart({ autoscaling: zero([ScalingTrigger.cpuUtilization(60)]) })).toThrow(/KEDA cannot scale out from zero on CPU utilization.*Fix: Scale to zero only on a signal/);
  });

  test('accepts CPU with a schedule: the cron trigger wakes the workload for its window, zero outside it', () => {
    const so = find(chart({ autoscaling: zero([ScalingTrigger.cpuUtilization(60)], { schedules: [{ name: 'batch', start: { minute: '0', hour: '1' }, end: { minute: '0', hour: '5' }, minCapacity: 2 }] }) }).toJson(), 'ScaledObject', 'recsys-scaler');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.triggers.map((t: any) => t.type)).toEqual(['cpu', 'cron']);
    expect(so.spec.fallback).toBeUndefined();
  });

  test('accepts requests per pod measured at the gateway: the query exists at zero, $SERVICE and $NAMESPACE filled, no data is an error', () => {
    const objs = chart({ autoscaling: zero([ScalingTrigger.requestsPerInstance(20)]), metricQueries: { gatewayRequestsPerSecond: GATEWAY_RPS } }).toJson();
    const so = find(objs, 'ScaledObject', 'recsys-scaler');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.triggers).toEqual([{
      type: 'prometheus', name: 'gateway-requests-per-pod', metricType: 'AverageValue',
      metadata: {
        serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
        query: 'sum(rate(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/recsys/recsys/.*"}[1m]))',
        threshold: '20', ignoreNullValues: 'false',
      },
    }]);
  });

  test('canary and shadow autoscalers keep one replica while the stable track scales to zero (their traffic share would 503)', () => {
    const objs = chart({
      model: NEXT, stableModel: MODEL, gateway: GATEWAY,
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10), autoRollback: false }), rolloutMode: KubernetesRolloutMode.GATEWAY_API,
      shadowModel: { ...NEXT, version: '1.6.0' }, shadowPercent: 10,
      autoscaling: zero([ScalingTrigger.requestsPerInstance(20)]), metricQueries: { gatewayRequestsPerSecond: GATEWAY_RPS },
    }).toJson();
    expect(find(objs, 'ScaledObject', 'recsys-scaler').spec.minReplicaCount).toBe(0);
    expect(find(objs, 'ScaledObject', 'recsys-canary-scaler').spec.minReplicaCount).toBe(1);
    expect(find(objs, 'ScaledObject', 'recsys-shadow-scaler').spec.minReplicaCount).toBe(1);
    expect(find(objs, 'ScaledObject', 'recsys-canary-scaler').spec.triggers[0].metadata.query).toContain('httproute/recsys/recsys-canary/');
  });
});

describe('item 16: SLO guardrails fail closed', () => {
  const argo = (slo: ServiceLevelObjective, rollout: Rollout = Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10) })) =>
    chart({ slo, rollout, rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS, prometheusOperator: true }).toJson();

  test('no analysis query can turn "no data" into a pass; every metric reads no sample without traffic and 0 below its minimum of canary requests', () => {
    const metrics = find(argo(ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1, maxTimeInQueue: Duration.seconds(1) })), 'AnalysisTemplate', 'recsys-slo').spec.metrics;
    const byName = Object.fromEntries(metrics.map((m: any) => [m.name, m]));
    for (const m of metrics) {
      expect(m.provider.prometheus.query).not.toContain('vector(0)');
      expect(m.successCondition).toMatch(/^len\(result\) > 0 && result\[0\] <=? /);
      expect(m.failureCondition).toMatch(/^len\(result\) > 0 && result\[0\] >=? /);
    }
    const sel = 'namespace="recsys",service="recsys",rollouts_pod_template_hash="{{args.canary-hash}}"';
    const all = `sum(rate(nv_inference_request_success{${sel}}[1m])) + sum(rate(nv_inference_request_failure{${sel}}[1m]))`;
    const rate = `100 * sum(rate(nv_inference_request_failure{${sel}}[1m])) / (sum(rate(nv_inference_request_success{${sel}}[1m])) + sum(rate(nv_inference_request_failure{${sel}}[1m])) > 0)`;
    // N and E: the canary's requests and errors in the 5-minute window (one per-second sample a minute, x 60).
    const n = `(sum_over_time((${all})[5m:1m]) * 60)`;
    const e = `(sum_over_time(((${rate}) / 100 * (${all}))[5m:1m]) * 60)`;
    // The rollback alarms' one-sided test: (E - pN)^2 / (p(1-p)N) with N >= 100 and E > pN; 0 otherwise; no sample with no request.
    expect(byName['error-rate'].provider.prometheus.query).toBe(
      `(((${e} - 0.01 * ${n}) ^ 2 / (0.0099 * ${n})) and on() (${n} >= 100) and on() (${e} > 0.01 * ${n})) or on() (0 * (${n} > 0))`);
    expect(byName['error-rate'].successCondition).toBe('len(result) > 0 && result[0] <= 9.5495');
    // Latency: the window's minutes whose p95 (from >= 20 canary requests in the minute: one slow request
    // out of 20 is not the 95th percentile) was over 100 ms; a minute with fewer is not counted.
    const p95 = `max(nv_inference_request_summary_us{${sel},quantile="0.95"} >= 0) / 1000`;
    expect(byName['latency-p95'].provider.prometheus.query).toBe(`sum_over_time((((${p95}) > bool 100) and on() ((${all}) * 60 >= 20))[5m:1m])`);
    expect([byName['latency-p95'].successCondition, byName['latency-p95'].failureCondition]).toEqual(['len(result) > 0 && result[0] < 2', 'len(result) > 0 && result[0] >= 2']);
    expect(byName['time-in-queue'].successCondition).toBe('len(result) > 0 && result[0] <= 1');
    expect(byName['time-in-queue'].provider.prometheus.query).toMatch(/^\(\(avg_over_time\(\(\(sum\(rate\(nv_inference_queue_duration_us\{.*\)\[5m:1m\]\)\) and on\(\) \(\(avg_over_time\(.*\[5m:1m\]\)\) \* 300 >= 20\)\) or on\(\) \(0 \* \(\(avg_over_time\(.*\) > 0\)\)$/);
  });

  test('the latency minimum follows the percentile: 20 canary requests a minute for p95, 100 for p99, at least 10 for p50', () => {
    const minOf = (percentile: number) => {
      const [m] = find(argo(ServiceLevelObjective.latency(percentile, Duration.millis(100))), 'AnalysisTemplate', 'recsys-slo').spec.metrics;
      return Number(/\* 60 >= (\d+)\)\)\[5m:1m\]\)$/.exec(m.provider.prometheus.query)![1]);
    };
    expect([minOf(95), minOf(99), minOf(50)]).toEqual([20, 100, 10]);
  });

  test('the analysis judges the canary pods only; the PrometheusRule alerts judge every pod of the service', () => {
    const objs = argo(SLO);
    for (const m of find(objs, 'AnalysisTemplate', 'recsys-slo').spec.metrics) {
      const query: string = m.provider.prometheus.query;
      const series = query.match(/nv_\w+\{/g)!.length;
      expect(query.match(/nv_\w+\{namespace="recsys",service="recsys",rollouts_pod_template_hash="\{\{args\.canary-hash\}\}"/g)!.length).toBe(series);
    }
    expect(find(objs, 'Rollout', 'recsys').spec.strategy.canary.analysis.args).toEqual([{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }]);
    // The ServiceMonitor copies the pod label Argo sets to every series, so the selector matches.
    expect(find(objs, 'ServiceMonitor', 'recsys').spec.podTargetLabels).toContain('rollouts-pod-template-hash');
    const alerts = find(objs, 'PrometheusRule', 'recsys-slo').spec.groups[0].rules;
    expect(alerts.map((r: any) => r.expr).join(' ')).not.toContain('rollouts_pod_template_hash');
  });

  test('the SLO\'s minRequestsPerPeriod, objective, rollbackWindow and rollbackConfidencePercent shape the error test; minRequestsPerPeriod also guards the alert', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 2, minRequestsPerPeriod: 30, rollbackWindow: Duration.minutes(3), rollbackConfidencePercent: 99 });
    const objs = argo(slo);
    const analysis = find(objs, 'AnalysisTemplate', 'recsys-slo').spec.metrics.find((m: any) => m.name === 'error-rate');
    const q: string = analysis.provider.prometheus.query;
    expect(q).toMatch(/\[3m:1m\]\) \* 60\) >= 30\) and on\(\) /);
    expect(q).toContain(' - 0.02 * (sum_over_time(');
    expect(q).toContain(') ^ 2 / (0.0196 * (sum_over_time(');
    expect(q).not.toContain('[5m:1m]');
    expect(analysis.successCondition).toBe(`len(result) > 0 && result[0] <= ${slo.rollbackErrorTestThreshold}`);
    expect(slo.rollbackErrorTestThreshold).toBe(5.4119);
    const alert = find(objs, 'PrometheusRule', 'recsys-slo').spec.groups[0].rules.find((r: any) => r.alert === 'ModelErrorRateSloBreached');
    expect(alert.expr).toMatch(/\* 60 >= 30\)\) or on\(\) \(0 \* .* > bool 2\)\[600s:60s\]\) >= 2$/);
  });

  test('every minute, failureLimit 0 (the first failed measurement aborts), inconclusive allowance of one window, whatever the SLO\'s datapointsToAlarm', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(100), { goalPercent: 70, maxErrorRatePercent: 1 });
    expect(slo.datapointsToAlarm).toBe(4);
    for (const m of find(argo(slo, Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10) })), 'AnalysisTemplate', 'recsys-slo').spec.metrics) {
      expect([m.failureLimit, m.inconclusiveLimit, m.interval, m.initialDelay]).toEqual([0, 5, '60s', '60s']);
    }
    const oneMinute = find(argo(ServiceLevelObjective.latency(95, Duration.millis(100), { rollbackWindow: Duration.minutes(1) })), 'AnalysisTemplate', 'recsys-slo').spec.metrics[0];
    // A one-minute window: one slow minute fails.
    expect([oneMinute.inconclusiveLimit, oneMinute.failureCondition, oneMinute.provider.prometheus.query.endsWith('[1m:1m])')]).toEqual([1, 'len(result) > 0 && result[0] >= 1', true]);
  });

  test('a rollout must pause long enough for the analysis to fail: initial delay + two slow minutes (boundary accepted, one second less rejected)', () => {
    const needed = 60 * (1 + 2);
    expect(() => argo(SLO, Rollout.canary({ percent: 10, bakeTime: Duration.minutes(1), finalBakeTime: Duration.seconds(needed - 60) }))).not.toThrow();
    expect(() => argo(SLO, Rollout.canary({ percent: 10, bakeTime: Duration.minutes(1), finalBakeTime: Duration.seconds(needed - 61) })))
      .toThrow(new RegExp(`'rollout' .* pauses ${needed - 1} s in all, but the SLO analysis needs ${needed} s \\(a 60 s initial delay and 2 measurement\\(s\\) of 60 s\\) .* the new version would be promoted unwatched`));
    expect(() => argo(SLO, Rollout.allAtOnce({ finalBakeTime: Duration.seconds(0) }))).toThrow(/pauses 0 s in all/);
    // Without a latency objective one failed measurement is enough: 60 s + 60 s.
    const queueOnly = ServiceLevelObjective.timeInQueue(Duration.seconds(1));
    expect(() => argo(queueOnly, Rollout.allAtOnce({ finalBakeTime: Duration.seconds(120) }))).not.toThrow();
    expect(() => argo(queueOnly, Rollout.allAtOnce({ finalBakeTime: Duration.seconds(119) }))).toThrow(/pauses 119 s in all, but the SLO analysis needs 120 s \(a 60 s initial delay and 1 measurement/);
  });

  test('KEDA Prometheus triggers error on no data (ignoreNullValues "false") and hold the replicas through a fallback', () => {
    const so = find(chart({ autoscaling: new AutoscalingPolicy({ minCapacity: 3, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(8)] }) }).toJson(), 'ScaledObject', 'recsys-scaler');
    expect(so.spec.triggers[0].metadata.ignoreNullValues).toBe('false');
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 3, behavior: 'currentReplicasIfHigher' });
  });

  test('no fallback when no trigger can fail (CPU and cron only)', () => {
    const so = find(chart({
      scalingEngine: undefined,
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)], schedules: [{ name: 'am', start: { minute: '0', hour: '8' }, end: { minute: '0', hour: '9' }, minCapacity: 2 }] }),
    }).toJson(), 'ScaledObject', 'recsys-scaler');
    expect(so.spec.fallback).toBeUndefined();
  });

  test('ServiceMonitor and PrometheusRule carry the monitoring labels: release: kube-prometheus-stack by default, yours when given, none with {}', () => {
    const labelsOf = (props: Partial<GpuServingChartProps>) => {
      const objs = chart({ slo: SLO, prometheusOperator: true, ...props }).toJson();
      return [find(objs, 'ServiceMonitor', 'recsys').metadata.labels, find(objs, 'PrometheusRule', 'recsys-slo').metadata.labels];
    };
    for (const labels of labelsOf({})) { expect(labels.release).toBe('kube-prometheus-stack'); }
    for (const labels of labelsOf({ monitoringLabels: { release: 'monitoring', team: 'ml' } })) { expect(labels).toMatchObject({ release: 'monitoring', team: 'ml' }); }
    for (const labels of labelsOf({ monitoringLabels: {} })) { expect(labels.release).toBeUndefined(); }
    expect(() => labelsOf({ monitoringLabels: { 'bad key!': 'x' } })).toThrow(/'monitoringLabels.bad key!' \("bad key!"\) is not a valid Kubernetes label key/);
  });
});

describe('item 18: RequestMirror percent needs Gateway API v1.3', () => {
  const shadow = (percent: number, gatewayApiVersion?: string) => chart({ gateway: GATEWAY, shadowModel: NEXT, shadowPercent: percent, gatewayApiVersion }).toJson();

  test('a share below 100% on Gateway API 1.2 is rejected; 1.3.0 renders percent', () => {
    expect(() => shadow(20, '1.2.1')).toThrow(/'shadowPercent' \(20\) cannot be honoured by Gateway API 1.2.1: RequestMirror 'percent' is in the Standard channel from v1.3.0.*HTTPRouteRequestPercentageMirror/);
    expect(find(shadow(20, '1.3.0'), 'HTTPRoute', 'recsys').spec.rules[0].filters[0].requestMirror.percent).toBe(20);
    expect(() => shadow(20, 'latest')).toThrow(/'gatewayApiVersion' \("latest"\) is not a Gateway API release version/);
  });

  test('100% is rendered without percent (the RequestMirror default), valid on any version', () => {
    expect(find(shadow(100, '1.0.0'), 'HTTPRoute', 'recsys').spec.rules[0].filters[0].requestMirror).toEqual({ backendRef: { name: 'recsys-shadow', port: 8000 } });
  });
});

describe('item 19: validation gaps', () => {
  test('a TorchScript model (pytorch_libtorch, or backend pytorch) needs declared inputs and outputs; ONNX may leave them to auto-complete', () => {
    const torch = { ...MODEL, framework: 'pytorch' };
    expect(() => chart({ model: torch, triton: new TritonModelConfig({ maxBatchSize: 8 }) }))
      .toThrow(/'triton.inputs' \(\[\]\) must declare the input and output tensors of model 'recsys' \(framework pytorch\): Triton cannot auto-complete/);
    expect(() => chart({ triton: new TritonModelConfig({ maxBatchSize: 8, backend: 'pytorch', inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [4] }] }) }))
      .toThrow(/must declare the input and output tensors/);
    expect(find(chart({ triton: new TritonModelConfig({ maxBatchSize: 8 }) }).toJson(), 'ConfigMap', 'recsys-triton').data['config.pbtxt']).not.toContain('input [');
  });

  test.each([
    ['g4ad (AMD GPUs)', 'g4ad.xlarge', 1, /'instanceTypes\[0\]' \("g4ad.xlarge"\) has AMD Radeon Pro V520 GPUs, not NVIDIA: no node advertises nvidia.com\/gpu/],
    ['a CPU instance', 'm5.xlarge', 1, /is not an NVIDIA GPU instance type/],
    ['more GPUs than the type has', 'g5.xlarge', 2, /'instanceTypes\[0\]' \("g5.xlarge"\) has 1 GPU\(s\) but each pod requests 2 \(gpuCount\): the pods would never fit on it. Fix: Lower gpuCount to 1 or pick a larger size \(e.g. one with 2 GPUs such as g5.12xlarge\)/],
  ])('the chart rejects %s', (_what, type, gpuCount, message) => {
    expect(() => chart({ instanceTypes: [type], gpuCount })).toThrow(message);
  });

  test('CPU and memory must leave room for the kubelet: on a g5.xlarge (4 vCPU, 16 GiB) 3.9 CPU and 15 GiB fit, 4 CPU or 16 GiB never do', () => {
    const server = find(chart({ instanceTypes: ['g5.xlarge'], cpu: 3.9, memory: Size.gibibytes(15) }).toJson(), 'Deployment', 'recsys').spec.template.spec.containers[0];
    expect([server.resources.requests.cpu, server.resources.limits.memory]).toEqual(['3.9', '15Gi']);
    expect(() => chart({ instanceTypes: ['g5.xlarge'], cpu: 4 }))
      .toThrow(/'instanceTypes\[0\]' \("g5.xlarge"\) has 4 vCPUs, and each pod requests 4 CPU \(cpu\): the kubelet and DaemonSets reserve part of every node, so the pods would never fit on it/);
    expect(() => chart({ instanceTypes: ['g5.xlarge'], memory: Size.gibibytes(16) })).toThrow(/has 16 GiB of memory, and each pod requests 16 GiB \(memory\)/);
    expect(() => chart({ instanceTypes: ['g6e.xlarge'], memory: Size.gibibytes(16) })).not.toThrow();
  });

  test('GPU count boundary: 4 GPUs fit a g5.12xlarge (accepted), 5 do not', () => {
    const server = find(chart({ instanceTypes: ['g5.12xlarge'], gpuCount: 4 }).toJson(), 'Deployment', 'recsys').spec.template.spec.containers[0];
    expect(server.resources.limits['nvidia.com/gpu']).toBe(4);
    expect(() => chart({ instanceTypes: ['g5.12xlarge'], gpuCount: 5 })).toThrow(/has 4 GPU\(s\) but each pod requests 5/);
  });
});

// ---- on EKS ------------------------------------------------------------------------------------

function ownedCluster(stack: Stack): eks.Cluster {
  return new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_31, defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl-v31:1'),
  });
}
function artifact(stack: Stack, version: string = '1.4.0'): ModelArtifact {
  return ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, `Models${version.replace(/\./g, '')}`, 'models-bucket'), `recsys/${version}/model.tar.gz`, {
    name: 'recsys', version, framework: 'onnx', targets: [HardwareTarget.NVIDIA_GPU], image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
}
function service(props: (stack: Stack, cluster: eks.ICluster) => Partial<GpuClusterServiceProps>, owned: boolean = true): { stack: Stack; template: () => Template; svc: GpuClusterService } {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = owned ? ownedCluster(stack) : importedCluster(stack);
  const svc = new GpuClusterService(stack, 'Recsys', { cluster, artifact: artifact(stack), namespace: 'recsys', ...props(stack, cluster) });
  return { stack, template: () => Template.fromStack(stack), svc };
}
const manifestOf = (t: Template) => Object.entries(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith('RecsysManifests'))![1] as any;

describe('item 15: the default AL2023 NVIDIA node group gets the NVIDIA device plugin', () => {
  test('AL2023 (default): the device-plugin Helm chart tolerates the GPU taint and selects the node group\'s label; the manifests wait for it', () => {
    const { template } = service(() => ({ gpuNodeGroup: { maxSize: 4 } }));
    const t = template();
    t.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_x86_64_NVIDIA', InstanceTypes: ['g5.xlarge'], ScalingConfig: { MinSize: 1, MaxSize: 4 }, Labels: { 'inference.cdk/accelerator': 'nvidia-gpu', 'nvidia.com/gpu.present': 'true' } });
    const [id, plugin] = Object.entries(t.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'nvidia-device-plugin' } }))[0] as [string, any];
    expect(plugin.Properties).toMatchObject({ Repository: 'https://nvidia.github.io/k8s-device-plugin', Release: 'nvidia-device-plugin', Namespace: 'kube-system', Version: '0.17.2' });
    const values = JSON.parse(plugin.Properties.Values);
    expect(values.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] }]);
    expect(manifestOf(t).DependsOn).toEqual(expect.arrayContaining([id]));
  });

  test('Bottlerocket NVIDIA ships the plugin: nothing installed, and a plugin version is rejected', () => {
    const { template } = service(() => ({ gpuNodeGroup: { maxSize: 4, amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64_NVIDIA } }));
    template().resourcePropertiesCountIs('Custom::AWSCDK-EKS-HelmChart', { Chart: 'nvidia-device-plugin' }, 0);
    expect(() => service(() => ({ gpuNodeGroup: { maxSize: 4, amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64_NVIDIA, devicePluginVersion: '0.17.2' } })))
      .toThrow(/'gpuNodeGroup.devicePluginVersion' \("0.17.2"\) is not used: the BOTTLEROCKET_x86_64_NVIDIA AMI ships the NVIDIA device plugin/);
  });

  test('the plugin version must be pinned', () => {
    expect(() => service(() => ({ gpuNodeGroup: { maxSize: 4, devicePluginVersion: 'latest' } })))
      .toThrow(/'gpuNodeGroup.devicePluginVersion' \("latest"\) is not a pinned chart version/);
  });
});

describe('item 17: the KEDA operator has its identity before KEDA starts', () => {
  test('with Pod Identity the keda-operator association is created and the KEDA Helm release depends on it (even without a queue trigger)', () => {
    const { template } = service(() => ({ installKeda: true }), false);
    const t = template();
    const [assocId] = Object.keys(t.findResources('AWS::EKS::PodIdentityAssociation', { Properties: { Namespace: 'keda', ServiceAccount: 'keda-operator' } }));
    const keda = Object.values(t.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'keda' } }))[0] as any;
    expect(keda.DependsOn).toEqual(expect.arrayContaining([assocId]));
  });

  test('a floating or pre-2.17 KEDA version is rejected', () => {
    expect(() => service(() => ({ installKeda: true, kedaVersion: 'latest' }), false)).toThrow(/'kedaVersion' \("latest"\) is not a pinned chart version/);
    expect(() => service(() => ({ installKeda: true, kedaVersion: '2.16.1', autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) }), false))
      .toThrow(/'kedaVersion' \("2.16.1"\) is older than 2.17.0/);
    expect(() => service(() => ({ installKeda: true, kedaVersion: '2.17.0', autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) }), false)).not.toThrow();
  });
});

describe('item 19 on EKS: metrics-server and instance types', () => {
  const cpu = () => new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)] });

  test('a CPU trigger without metrics-server warns at synth; installMetricsServer installs it and orders the manifests after it', () => {
    const warned = service(() => ({ autoscaling: cpu() }), false);
    Annotations.fromStack(warned.stack).hasWarning('/S/Recsys', Match.stringLikeRegexp('the HPA CPU trigger reads the resource metrics API, which EKS does not install'));
    const installed = service(() => ({ autoscaling: cpu(), installMetricsServer: true }), false);
    Annotations.fromStack(installed.stack).hasNoWarning('/S/Recsys', Match.stringLikeRegexp('metrics-server'));
    const t = installed.template();
    const [id] = Object.keys(t.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'metrics-server', Repository: 'https://kubernetes-sigs.github.io/metrics-server/', Namespace: 'kube-system', Version: '3.12.2' } }));
    expect(manifestOf(t).DependsOn).toEqual(expect.arrayContaining([id]));
  });

  test('no warning without a CPU trigger', () => {
    const quiet = service(() => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) }), false);
    // (the only other warning is the supply-chain one about the demo image's tag, issue 20 part 5)
    Annotations.fromStack(quiet.stack).hasNoWarning('/S/Recsys', Match.not(Match.stringLikeRegexp('imageNotPinned')));
  });

  test.each<[string, Partial<GpuClusterServiceProps['gpuNodeGroup']>, RegExp]>([
    ['g4ad (AMD)', { instanceTypes: ['g4ad.xlarge'] }, /'gpuNodeGroup.instanceTypes\[0\]' \("g4ad.xlarge"\) has AMD Radeon Pro V520 GPUs, not NVIDIA/],
    ['g5g (arm64) on the x86 AMI', { instanceTypes: ['g5g.xlarge'] }, /'gpuNodeGroup.instanceTypes\[0\]' \("g5g.xlarge"\) is an arm64 instance type but the AMI type AL2023_x86_64_NVIDIA is x86_64.*Fix: Use amiType AL2023_ARM_64_NVIDIA/],
    ['g5 on the arm64 AMI', { instanceTypes: ['g5.xlarge'], amiType: eks.NodegroupAmiType.AL2023_ARM_64_NVIDIA }, /"g5.xlarge"\) is an x86_64 instance type but the AMI type AL2023_ARM_64_NVIDIA is arm64/],
  ])('the node group rejects %s', (_what, nodeGroup, message) => {
    expect(() => service(() => ({ gpuNodeGroup: { maxSize: 2, ...nodeGroup } }))).toThrow(message);
  });

  test('the node group rejects a size the pods cannot fit (the old defaults, 4 CPU, on a g5.xlarge)', () => {
    expect(() => service(() => ({ cpu: 4, gpuNodeGroup: { maxSize: 2 } }))).toThrow(/S\/Recsys: 'gpuNodeGroup.instanceTypes\[0\]' \("g5.xlarge"\) has 4 vCPUs, and each pod requests 4 CPU/);
  });

  test('the pods must be able to land on the node group made for them: a common instance type, the GPU taint tolerated', () => {
    expect(() => service(() => ({ instanceTypes: ['g6.xlarge'], gpuNodeGroup: { maxSize: 2, instanceTypes: ['g5.xlarge'] } })))
      .toThrow(/S\/Recsys: 'instanceTypes' \(\["g6.xlarge"\]\) has no type in common with gpuNodeGroup.instanceTypes \(g5.xlarge\): the pods could never run on the node group created for them/);
    expect(() => service(() => ({ tolerations: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }], gpuNodeGroup: { maxSize: 2 } })))
      .toThrow(/'tolerations' .* do not tolerate the node group's taint nvidia.com\/gpu=true:NoSchedule/);
    const ok = service(() => ({ instanceTypes: ['g5.xlarge', 'g6.xlarge'], tolerations: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }], gpuNodeGroup: { maxSize: 2 } }));
    expect(ok.svc.chart.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  });

  test('the node group must hold the policy\'s maxCapacity pods at peak (boundary: 8 × 1 GPU on 8 g5.xlarge accepted, 9 rejected)', () => {
    const policy = (max: number) => new AutoscalingPolicy({ minCapacity: 1, maxCapacity: max, triggers: [ScalingTrigger.inFlightPerInstance(4)] });
    const ok = service(() => ({ autoscaling: policy(8), gpuNodeGroup: { maxSize: 8 } }));
    ok.template().hasResourceProperties('AWS::EKS::Nodegroup', { ScalingConfig: { MinSize: 1, MaxSize: 8 } });
    expect(() => service(() => ({ autoscaling: policy(9), gpuNodeGroup: { maxSize: 8 } })))
      .toThrow(/'gpuNodeGroup.maxSize' \(8\) holds at most 8 pods of 1 GPU\(s\) \(1 per node\), below the policy's maxCapacity \(9\).*Fix: Raise gpuNodeGroup.maxSize to 9, or lower autoscaling.maxCapacity to 8/);
    // 2-GPU pods on 4-GPU nodes: 2 per node
    expect(() => service(() => ({ gpuCount: 2, cpu: 8, memory: Size.gibibytes(64), autoscaling: policy(9), gpuNodeGroup: { maxSize: 4, instanceTypes: ['g5.12xlarge'] } })))
      .toThrow(/holds at most 8 pods of 2 GPU\(s\) \(2 per node\)/);
  });

  test('g5g on the arm64 NVIDIA AMI is accepted', () => {
    const { template } = service(() => ({ memory: Size.gibibytes(6), gpuNodeGroup: { maxSize: 2, instanceTypes: ['g5g.xlarge'], amiType: eks.NodegroupAmiType.AL2023_ARM_64_NVIDIA } }));
    template().hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_ARM_64_NVIDIA', InstanceTypes: ['g5g.xlarge'] });
  });
});

describe('the model-fetch init containers read the MODEL_* contract (the emitted unpack script, run with sh)', () => {
  // GIVEN the weights the fetch container left in /models/.download, and the unpack container as emitted
  const runUnpack = (digestOf: (actual: string) => string) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-unpack-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'model.onnx'), 'weights');
    fs.mkdirSync(path.join(root, 'models', '.download'), { recursive: true });
    fs.mkdirSync(path.join(root, 'models', 'recsys', '1'), { recursive: true });
    const archive = path.join(root, 'models', '.download', 'weights');
    child.execFileSync('tar', ['-czf', archive, '-C', path.join(root, 'src'), '.']);
    const actual = 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(archive)).digest('hex');
    const model = { ...MODEL, weightsDigest: digestOf(actual) };
    const objs = new GpuServingChart(new cdk8s.App(), 'recsys', { model }).toJson();
    const unpack = objs.find((o: any) => o.kind === 'Deployment').spec.template.spec.initContainers[1];
    const env = Object.fromEntries(unpack.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    // WHEN the script runs with the container's environment (in the test's models directory)
    const result = child.spawnSync('sh', ['-c', unpack.command[2].replace('cd /models', `cd ${root}/models`)], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf-8' });
    return { status: result.status, files: fs.readdirSync(path.join(root, 'models', 'recsys', '1')), env };
  };

  test('a matching MODEL_DIGEST: the archive (MODEL_COMPRESSED) is unpacked into /models/<MODEL_NAME>/1', () => {
    const run = runUnpack(actual => actual);
    expect(run.env.MODEL_COMPRESSED).toBe('true');
    expect(run.status).toBe(0);
    expect(run.files).toEqual(['model.onnx']);
  });

  test('a different MODEL_DIGEST: the container fails and nothing is unpacked', () => {
    const run = runUnpack(() => 'sha256:' + '0'.repeat(64));
    expect(run.status).not.toBe(0);
    expect(run.files).toEqual([]);
  });
});
