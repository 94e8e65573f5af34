import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import * as fc from 'fast-check';
import { AutoscalingPolicy, HardwareTarget, LaneValidationError, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage, ShadowTraffic } from '../../lib/core';
import {
  GpuClusterService, GpuClusterServiceProps, GpuServingChart, GpuServingChartProps, GpuServingOptions, KubernetesRolloutMode, KubernetesScalingEngine,
} from '../../lib/gpu-cluster';
import { KubernetesSchema } from '../../lib/testing/kubernetes-schema';
import { GATEWAY, MODEL, NEXT } from './served-models';
import { importedCluster } from './imported-cluster';

// Issue 13 (what is validated, same answer in the chart and the service) and issue 21 (boundaries,
// documented defaults, logic covered only by snapshots, a property test).


function chart(props: Partial<GpuServingChartProps> = {}): GpuServingChart {
  return new GpuServingChart(new cdk8s.App(), 'recsys', { namespace: 'recsys', model: MODEL, ...props });
}
function find(objs: any[], kind: string, name: string): any {
  const o = objs.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) { throw new Error(`no ${kind}/${name} in ${objs.map(x => `${x.kind}/${x.metadata.name}`).join(', ')}`); }
  return o;
}
function artifact(stack: Stack, version: string = '1.4.0', name: string = 'recsys', id: string = ''): ModelArtifact {
  return ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, `Models${name}${version.replace(/\./g, '')}${id}`, 'models-bucket'), `${name}/${version}/model.tar.gz`, {
    name, version, framework: 'onnx', targets: [HardwareTarget.NVIDIA_GPU], image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
}
function service(props: (stack: Stack) => Partial<GpuClusterServiceProps> = () => ({})): GpuClusterService {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  return new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact: artifact(stack), namespace: 'recsys', ...props(stack) });
}

describe('class 3: Kubernetes names and paths get the same answer from the chart and the service', () => {
  // [what, options (shared by both), message]
  const cases: Array<[string, Partial<GpuServingOptions> & { namespace?: string }, RegExp]> = [
    ['a namespace with capitals', { namespace: 'RecSys' }, /'namespace' \("RecSys"\) is not a valid Kubernetes name \(RFC 1123 label\)/],
    ['a namespace of 64 characters', { namespace: 'n'.repeat(64) }, /'namespace' \("n{64}"\) is 64 characters long; a Kubernetes name \(RFC 1123 label\) has at most 63/],
    ['a priority class with an underscore', { priorityClassName: 'inference_high' }, /'priorityClassName' \("inference_high"\) is not a valid Kubernetes name \(RFC 1123 subdomain\)/],
    ['a node-selector key with a space', { nodeSelector: { 'gpu product': 'A10G' } }, /'nodeSelector.gpu product' \("gpu product"\) is not a valid Kubernetes label key/],
    ['a node-selector value with a space', { nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA A10G' } }, /'nodeSelector.nvidia.com\/gpu.product' \("NVIDIA A10G"\) is not a valid Kubernetes label value/],
    ['a toleration key with two slashes', { tolerations: [{ key: 'a/b/c', effect: 'NoSchedule' }] }, /'tolerations\[0\].key' \("a\/b\/c"\) is not a valid Kubernetes label key: it has more than one '\/'/],
    ['an unknown taint effect', { tolerations: [{ key: 'gpu', effect: 'NoWay' }] }, /'tolerations\[0\].effect' \("NoWay"\) is not a taint effect/],
    ['a relative readiness path', { readinessPath: 'v2/health/ready' }, /'readinessPath' \("v2\/health\/ready"\) must be an absolute HTTP path starting with '\/'/],
    ['a liveness path with a space', { livenessPath: '/v2/health live' }, /'livenessPath' \("\/v2\/health live"\) must not contain whitespace/],
    ['an empty fetch image', { fetchImage: '' }, /'fetchImage' \(""\) must not be empty/],
    ['an empty command', { command: [] }, /'command' \(\[\]\) must be a non-empty list of non-empty arguments/],
    ['an environment variable the lane sets', { environment: { MODEL_DIR: '/elsewhere' } }, /'environment.MODEL_DIR' \("\/elsewhere"\) is set by the lane from the artifact. Fix: Drop MODEL_DIR; the lane sets MODEL_NAME, MODEL_VERSION, .*MODEL_LOCAL_DIR, MODEL_REPOSITORY, MODEL_DIR, HOME, XDG_CACHE_HOME\./],
    ['a MODEL_* variable of the shared contract', { environment: { MODEL_S3_URI: 's3://elsewhere/w' } }, /'environment.MODEL_S3_URI' \("s3:\/\/elsewhere\/w"\) is set by the lane from the artifact. Fix: Drop MODEL_S3_URI; the lane sets MODEL_NAME/],
    ['an environment variable name with "="', { environment: { 'A=B': 'x' } }, /'environment.A=B' \("x"\) is not a valid environment variable name/],
    ['a gateway name with capitals', { gateway: { name: 'Inference' } }, /'gateway.name' \("Inference"\) is not a valid Kubernetes name/],
    ['a hostname with a scheme', { gateway: GATEWAY, hostnames: ['https://recsys.example.com'] }, /'hostnames\[0\]' \("https:\/\/recsys.example.com"\) is not a Gateway API hostname/],
    ['a monitoring label value over 63 characters', { monitoringLabels: { release: 'r'.repeat(64) } }, /'monitoringLabels.release' \("r{64}"\) is 64 characters long; a Kubernetes label value has at most 63/],
  ];

  test.each(cases)('the chart rejects %s', (_what, options, message) => {
    expect(() => chart(options as Partial<GpuServingChartProps>)).toThrow(message);
  });

  test.each(cases)('the service rejects %s with the same message, naming its own path', (_what, options, message) => {
    expect(() => service(() => options as Partial<GpuClusterServiceProps>)).toThrow(new RegExp(`^S/Recsys: ${message.source}`));
  });

  test('chart-only names: the credentials Secret and service-account annotation keys', () => {
    expect(() => chart({ fetchCredentialsSecret: 'S3_Reader' })).toThrow(/'fetchCredentialsSecret' \("S3_Reader"\) is not a valid Kubernetes name \(RFC 1123 subdomain\)/);
    expect(() => chart({ serviceAccountAnnotations: { 'role arn': 'x' } })).toThrow(/'serviceAccountAnnotations.role arn' \("role arn"\) is not a valid Kubernetes label key/);
    expect(() => chart({ model: { ...MODEL, imageUri: ' ' } })).toThrow(/'model.imageUri' \(" "\) must not be empty/);
  });

  test('edge values are accepted and rendered unchanged: a 63-character namespace, an empty label value, a wildcard hostname', () => {
    const ns = 'n'.repeat(63);
    const objs = chart({ namespace: ns, nodeSelector: { 'example.com/pool': '' }, gateway: GATEWAY, hostnames: ['*.example.com'] }).toJson();
    const dep = find(objs, 'Deployment', 'recsys');
    expect(dep.metadata.namespace).toBe(ns);
    expect(dep.spec.template.spec.nodeSelector).toEqual({ 'example.com/pool': '' });
    expect(find(objs, 'HTTPRoute', 'recsys').spec.hostnames).toEqual(['*.example.com']);
  });
});

describe('class 1: durations the manifests carry in whole seconds are never rounded', () => {
  test.each<[string, Partial<GpuServingChartProps>, RegExp]>([
    ['a KEDA polling interval of 1.5 s (was rendered as 2, or 0 for 0.4 s)', { pollingInterval: Duration.millis(1500), autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) },
      /'pollingInterval' \(1 second 500 millis\) must be a whole number of seconds/],
    ['a polling interval of 0', { pollingInterval: Duration.seconds(0) }, /'pollingInterval' \(0 seconds\) must be at least 1 second/],
    ['a termination grace of 30.5 s', { terminationGracePeriod: Duration.millis(30500) }, /'terminationGracePeriod' \(30 seconds 500 millis\) must be a whole number of seconds/],
    ['a startup timeout of 90.5 s', { startupTimeout: Duration.millis(90500) }, /'startupTimeout' \(.*\) must be a whole number of seconds.*Duration.seconds\(91\)/],
    ['a startup timeout of 95 s (the 10 s probe would round it up to 100 s)', { startupTimeout: Duration.seconds(95) }, /'startupTimeout' \(1 minute 35 seconds\) is not a multiple of the startup probe's 10 s period \(it would be rounded up to 100 s\)/],
    ['a preStop delay of 2.5 s', { preStopDelay: Duration.millis(2500) }, /'preStopDelay' \(2 seconds 500 millis\) must be a whole number of seconds/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => chart(props)).toThrow(message);
  });

  test('the boundary, 1 s, is accepted and rendered as 1; the default is 30 s', () => {
    const scaled = (pollingInterval?: Duration) => find(chart({ pollingInterval, autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) }).toJson(), 'ScaledObject', 'recsys-scaler');
    expect(scaled(Duration.seconds(1)).spec.pollingInterval).toBe(1);
    expect(scaled().spec.pollingInterval).toBe(30);
  });
});

describe('class 2: KEDA cron fields and time zones', () => {
  const schedule = (start: object, timeZone?: string) => new AutoscalingPolicy({
    minCapacity: 1, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(4)],
    schedules: [{ name: 'sale', start, end: { minute: '0', hour: '14' }, minCapacity: 5, timeZone }],
  });

  test.each<[string, object, string | undefined, RegExp]>([
    // what no platform takes: the shared policy rejects it
    ['minute 60', { minute: '60', hour: '11' }, undefined, /'schedules\[0\].start.minute' \("60"\) has 60, which is out of range/],
    ['hour 25', { minute: '0', hour: '25' }, undefined, /'schedules\[0\].start.hour' \("25"\)/],
    ['day 32', { minute: '0', hour: '9', day: '32' }, undefined, /'schedules\[0\].start.day' \("32"\)/],
    ['month 13', { minute: '0', hour: '9', month: '13' }, undefined, /'schedules\[0\].start.month' \("13"\)/],
    ['a week day that does not exist', { minute: '0', hour: '9', weekDay: 'FUNDAY' }, undefined, /'schedules\[0\].start.weekDay' \("FUNDAY"\)/],
    ['an unknown time zone', { minute: '0', hour: '9' }, 'Mars/Olympus_Mons', /'schedules\[0\].timeZone' \("Mars\/Olympus_Mons"\) is not an IANA time-zone name/],
    ['an empty time zone (was dropped to UTC)', { minute: '0', hour: '9' }, '', /'schedules\[0\].timeZone' \(""\) is empty/],
    // what Application Auto Scaling takes but KEDA's 5-field cron does not: the lane rejects it
    ['the last day of the month (L)', { minute: '0', hour: '9', day: 'L' }, undefined, /^recsys: 'autoscaling.schedules.sale.start/],
    ['the second Monday (MON#2)', { minute: '0', hour: '9', weekDay: 'MON#2' }, undefined, /^recsys: 'autoscaling.schedules.sale.start/],
    ['a numeric week day (1 is SUN for Application Auto Scaling, MON for KEDA; the shared policy asks for names)', { minute: '0', hour: '9', weekDay: '2-6' }, undefined,
      /'schedules\[0\].start.weekDay' \("2-6"\) uses day numbers, which mean different days on Application Auto Scaling \(1 = SUN\) and KEDA \(0 = SUN\)/],
  ])('rejects %s', (_what, start, tz, message) => {
    expect(() => chart({ autoscaling: schedule(start, tz) })).toThrow(message);
  });

  test('a day and a month (Black Friday, boundary row) render as a 5-field KEDA cron, time zone kept', () => {
    const so = find(chart({ autoscaling: schedule({ minute: '0', hour: '9', day: '27', month: '11' }, 'Europe/Paris') }).toJson(), 'ScaledObject', 'recsys-scaler');
    expect(so.spec.triggers[1]).toEqual({ type: 'cron', name: 'schedule-sale', metadata: { timezone: 'Europe/Paris', start: '0 9 27 11 *', end: '0 14 * * *', desiredReplicas: '5' } });
  });
});

describe('class 4 and 5: pinned versions; a shadow is a new version of the same model', () => {
  test('a model version "latest" is rejected (a rollback could not return to it)', () => {
    expect(() => chart({ model: { ...MODEL, version: 'latest' } })).toThrow(/'model.version' \("latest"\) is a moving tag, not a version/);
  });

  test('the chart rejects a shadow of another model or of the live version, with the managed endpoint\'s wording', () => {
    expect(() => chart({ gateway: GATEWAY, shadowModel: { ...NEXT, name: 'ranker' }, shadowPercent: 10 }))
      .toThrow(/'shadowModel' \("ranker@1.5.0"\) is a different model than the artifact \(recsys\). Fix: Shadow a new version of the same model; compare different models with separate endpoints\./);
    expect(() => chart({ gateway: GATEWAY, shadowModel: MODEL, shadowPercent: 10 }))
      .toThrow(/'shadowModel' \("recsys@1.4.0"\) is the version already in production. Fix: Shadow a new version, e.g. the next release candidate\./);
    // GATEWAY_API: the stable version serves too
    expect(() => chart({
      model: NEXT, stableModel: MODEL, gateway: GATEWAY, rolloutMode: KubernetesRolloutMode.GATEWAY_API,
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }), shadowModel: MODEL, shadowPercent: 10,
    })).toThrow(/'shadowModel' \("recsys@1.4.0"\) is the version already in production/);
  });

  test('the service rejects them as shadow.candidate, as the managed endpoint does', () => {
    expect(() => service(s => ({ gateway: GATEWAY, shadow: new ShadowTraffic({ candidate: artifact(s, '1.5.0', 'ranker'), samplePercent: 10 }) })))
      .toThrow(/S\/Recsys: 'shadow.candidate' \("ranker@1.5.0"\) is a different model than the artifact \(recsys\)/);
    expect(() => service(s => ({ gateway: GATEWAY, shadow: new ShadowTraffic({ candidate: artifact(s, '1.4.0', 'recsys', 'Shadow'), samplePercent: 10 }) })))
      .toThrow(/S\/Recsys: 'shadow.candidate' \("recsys@1.4.0"\) is the version already in production/);
  });
});

describe('props a controller would never read are rejected, not silently dropped', () => {
  const cpu = new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)] });
  test.each<[string, Partial<GpuServingChartProps>, RegExp]>([
    ['a polling interval with an HPA', { autoscaling: cpu, pollingInterval: Duration.seconds(10) }, /'pollingInterval' \(10 seconds\) is not used: only a KEDA ScaledObject polls \(this chart renders an HPA\)/],
    ['a polling interval with a fixed replica count', { pollingInterval: Duration.seconds(10) }, /'pollingInterval' \(10 seconds\) is not used: .*a fixed replica count/],
    ['host names without a gateway', { hostnames: ['recsys.example.com'] }, /'hostnames' \(\["recsys.example.com"\]\) is not used: there is no HTTPRoute without a gateway/],
    ['monitoring labels without the Prometheus Operator', { monitoringLabels: { release: 'prom' } }, /'monitoringLabels' \(\{"release":"prom"\}\) is not used/],
    ['a queue reader role without a queue trigger', { queueReaderRoleArn: 'arn:aws:iam::111122223333:role/r' }, /'queueReaderRoleArn' .* is not used: the policy has no queueBacklogPerInstance trigger/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => chart(props)).toThrow(message);
  });
});

describe('class 6: enum-like values and numbers from other jsii languages', () => {
  test.each<[string, (s: Stack) => Partial<GpuClusterServiceProps>, RegExp]>([
    ['an unknown workload identity', () => ({ workloadIdentity: 'KIAM' as any }), /S\/Recsys: 'workloadIdentity' \("KIAM"\) is not one of 'POD_IDENTITY', 'IRSA'/],
    ['an unknown capacity type', () => ({ gpuNodeGroup: { maxSize: 2, capacityType: 'RESERVED' as any } }), /'gpuNodeGroup.capacityType' \("RESERVED"\) is not one of 'SPOT', 'ON_DEMAND'/],
  ])('the service rejects %s', (_what, props, message) => {
    expect(() => service(props)).toThrow(message);
  });

  test.each<[string, Partial<GpuServingChartProps>, RegExp]>([
    ['an unknown rollout mode', { rolloutMode: 'BLUE_GREEN' as any }, /'rolloutMode' \("BLUE_GREEN"\) is not one of 'ROLLING_UPDATE', 'GATEWAY_API', 'ARGO_ROLLOUTS'/],
    ['an unknown scaling engine', { scalingEngine: 'VPA' as any }, /'scalingEngine' \("VPA"\) is not one of 'AUTO', 'HPA', 'KEDA'/],
    ['NaN GPUs', { gpuCount: NaN }, /'gpuCount' \(NaN\) must be an integer from 1 to 16/],
    ['infinite CPU', { cpu: Infinity }, /'cpu' \(Infinity\) must be between 0.1 and 192/],
    ['a NaN mirror share', { gateway: GATEWAY, shadowModel: NEXT, shadowPercent: NaN }, /'shadowPercent' \(NaN\) must be between 1 and 100/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => chart(props)).toThrow(message);
  });
});

describe('issue 21: logic that only snapshots covered, boundaries and documented defaults', () => {
  const argoRollout = (startupTimeout?: Duration) => find(chart({ startupTimeout, rollout: Rollout.allAtOnce({ autoRollback: false }), rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS }).toJson(), 'Rollout', 'recsys');

  test('the Argo progress deadline is the startup timeout + 5 minutes, at least 10 minutes (default startup 10 min → 900 s)', () => {
    expect(argoRollout().spec.progressDeadlineSeconds).toBe(900);
    expect(argoRollout(Duration.minutes(5)).spec.progressDeadlineSeconds).toBe(600);
    expect(argoRollout(Duration.seconds(310)).spec.progressDeadlineSeconds).toBe(610);
    expect(argoRollout(Duration.minutes(1)).spec.progressDeadlineSeconds).toBe(600);
    expect(argoRollout().spec.progressDeadlineAbort).toBe(true);
  });

  test('every Deployment surges one pod and never goes below the desired count (maxSurge 1, maxUnavailable 0)', () => {
    const objs = chart({
      model: NEXT, stableModel: MODEL, gateway: GATEWAY, rolloutMode: KubernetesRolloutMode.GATEWAY_API,
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }), shadowModel: { ...NEXT, version: '1.6.0' }, shadowPercent: 10,
    }).toJson();
    const deployments = objs.filter((o: any) => o.kind === 'Deployment');
    expect(deployments.map((d: any) => d.metadata.name)).toEqual(['recsys', 'recsys-canary', 'recsys-shadow']);
    for (const d of deployments) { expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }); }
  });

  test('GPU count > 1: requests equal limits (extended resources cannot be overcommitted); 16 accepted, 17 rejected', () => {
    const server = (gpuCount: number) => find(chart({ gpuCount }).toJson(), 'Deployment', 'recsys').spec.template.spec.containers[0];
    expect(server(2).resources.requests['nvidia.com/gpu']).toBe(2);
    expect(server(2).resources.limits['nvidia.com/gpu']).toBe(2);
    expect(server(16).resources.limits['nvidia.com/gpu']).toBe(16);
    expect(() => server(17)).toThrow(/'gpuCount' \(17\) must be an integer from 1 to 16/);
  });

  test('documented defaults, props omitted: rolling update, no namespace object, Triton ports, model-volume size, no autoscaler', () => {
    const objs = chart().toJson();
    expect(objs.map((o: any) => o.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const spec = find(objs, 'Deployment', 'recsys').spec.template.spec;
    expect(spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8000, 8001, 8002]);
    expect(spec.volumes.find((v: any) => v.name === 'models').emptyDir.sizeLimit).toBe('20480Mi');
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBe('20Gi');
    expect(spec.initContainers[1].image).toBe('public.ecr.aws/docker/library/busybox:1.36.1');
  });

  test('documented default: the service deploys to namespace "default" (objects and Pod Identity association)', () => {
    const svc = service(() => ({ namespace: undefined }));
    expect(svc.namespace).toBe('default');
    expect(svc.chart.toJson().find((o: any) => o.kind === 'Deployment').metadata.namespace).toBe('default');
    const assoc = Object.values(Template.fromStack(Stack.of(svc)).findResources('AWS::EKS::PodIdentityAssociation'))[0] as any;
    expect(assoc.Properties).toMatchObject({ Namespace: 'default', ServiceAccount: 'recsys' });
  });

  test('documented default: the HPA serves CPU-only policies (AUTO), KEDA the rest', () => {
    expect(chart({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)] }) }).scalingEngine).toBe(KubernetesScalingEngine.HPA);
    expect(chart({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) }).scalingEngine).toBe(KubernetesScalingEngine.KEDA);
  });

  test('documented defaults: 3 CPU and 12 GiB (they fit the default g5.xlarge node group); /dev/shm 1 GiB counts against memory', () => {
    const spec = find(chart({ memory: undefined, cpu: undefined, instanceTypes: ['g5.xlarge'] }).toJson(), 'Deployment', 'recsys').spec.template.spec;
    expect(spec.containers[0].resources.requests.cpu).toBe('3');
    expect(spec.containers[0].resources.limits.memory).toBe('12Gi');
    expect(() => chart({ memory: Size.gibibytes(1) })).toThrow(/'sharedMemorySize' \("1 GiB"\) must be smaller than 'memory'/);
  });
});

// 30 runs with a fixed seed in `npm test`; a longer run: FC_RUNS=500 FC_SEED=$RANDOM npx jest test/gpu-cluster/validation.test.ts -t property
const RUNS = Number(process.env.FC_RUNS ?? 30);
const SEED = Number(process.env.FC_SEED ?? 1312);

describe('property: random valid props give schema-valid manifests; random invalid props only LaneValidationError', () => {
  const valid = fc.record({
    gpuCount: fc.integer({ min: 1, max: 4 }),
    cpu: fc.integer({ min: 1, max: 32 }),
    memoryGiB: fc.integer({ min: 8, max: 64 }),
    minCapacity: fc.integer({ min: 1, max: 5 }),
    extra: fc.integer({ min: 0, max: 20 }),
    trigger: fc.constantFrom('cpu', 'inflight', 'requests', 'gpu'),
    pollingSeconds: fc.integer({ min: 1, max: 120 }),
    graceSeconds: fc.integer({ min: 11, max: 600 }),
    mode: fc.constantFrom('rolling', 'argo', 'gateway'),
    shadowPercent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
    priorityClassName: fc.option(fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}[a-z0-9]$/).filter(s => !/\.\.|\.-|-\./.test(s)), { nil: undefined }),
  });
  const toProps = (v: any): Partial<GpuServingChartProps> => {
    const triggers = { cpu: ScalingTrigger.cpuUtilization(60), inflight: ScalingTrigger.inFlightPerInstance(8), requests: ScalingTrigger.requestsPerInstance(50), gpu: ScalingTrigger.gpuUtilization(70) };
    const mode = v.mode === 'argo' ? KubernetesRolloutMode.ARGO_ROLLOUTS : v.mode === 'gateway' ? KubernetesRolloutMode.GATEWAY_API : KubernetesRolloutMode.ROLLING_UPDATE;
    return {
      namespace: v.namespace, gpuCount: v.gpuCount, cpu: v.cpu, memory: Size.gibibytes(v.memoryGiB), priorityClassName: v.priorityClassName,
      autoscaling: new AutoscalingPolicy({ minCapacity: v.minCapacity, maxCapacity: v.minCapacity + v.extra + 1, triggers: [(triggers as any)[v.trigger]] }),
      pollingInterval: v.trigger === 'cpu' ? undefined : Duration.seconds(v.pollingSeconds), terminationGracePeriod: Duration.seconds(v.graceSeconds),
      rolloutMode: mode,
      rollout: mode === KubernetesRolloutMode.ARGO_ROLLOUTS ? Rollout.canary({ percent: 20, bakeTime: Duration.minutes(10) })
        : mode === KubernetesRolloutMode.GATEWAY_API ? Rollout.canary({ percent: 20, bakeTime: Duration.minutes(10), autoRollback: false }) : undefined,
      slo: mode === KubernetesRolloutMode.ARGO_ROLLOUTS ? ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1 }) : undefined,
      model: mode === KubernetesRolloutMode.GATEWAY_API ? NEXT : MODEL,
      stableModel: mode === KubernetesRolloutMode.GATEWAY_API ? MODEL : undefined,
      gateway: mode !== KubernetesRolloutMode.ROLLING_UPDATE || v.shadowPercent !== undefined ? GATEWAY : undefined,
      shadowModel: v.shadowPercent !== undefined ? { ...NEXT, version: '1.6.0' } : undefined,
      shadowPercent: v.shadowPercent,
      prometheusOperator: true,
    };
  };

  test('random valid charts synthesize and every manifest validates against the Kubernetes and CRD schemas', () => {
    const samples = fc.sample(valid, { seed: SEED, numRuns: RUNS });
    const objects = samples.flatMap((v, i) => new GpuServingChart(new cdk8s.App(), `c${i}`, { model: MODEL, ...toProps(v) }).toJson());
    const result = KubernetesSchema.validateManifests(JSON.stringify(objects));
    expect(KubernetesSchema.format(result.problems)).toBe('');
    expect(result.objects.length).toBe(objects.length);
  });

  test('random invalid values raise LaneValidationError and nothing else', () => {
    const invalidProp = fc.oneof(
      fc.record({ gpuCount: fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 17, max: 99 }), fc.constant(NaN), fc.double({ min: 1.1, max: 1.9, noNaN: true })) }),
      fc.record({ namespace: fc.stringMatching(/^[A-Z_ .]{1,10}$/) }),
      fc.record({ pollingInterval: fc.integer({ min: 1, max: 999 }).map(ms => Duration.millis(ms * 1000 + 500)) }),
      fc.record({ nodeSelector: fc.stringMatching(/^[ !@#$%^&*]{1,5}$/).map(k => ({ [k]: 'x' })) }),
      fc.record({ readinessPath: fc.stringMatching(/^[a-z]{1,10}$/) }),
      fc.record({ shadowPercent: fc.oneof(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 101, max: 500 })), shadowModel: fc.constant(NEXT), gateway: fc.constant(GATEWAY) }),
      fc.record({ rolloutMode: fc.stringMatching(/^[A-Z]{3,8}$/) as fc.Arbitrary<any> }),
      fc.record({ instanceTypes: fc.constantFrom(['g4ad.xlarge'], ['m5.large'], ['g5xlarge']) }),
    );
    fc.assert(fc.property(invalidProp, (bad) => {
      try {
        chart(bad as Partial<GpuServingChartProps>);
      } catch (e) {
        return e instanceof LaneValidationError;
      }
      return false;
    }), { seed: SEED, numRuns: RUNS });
  });
});

describe('errors raised by the chart inside a GpuClusterService name the service and its props', () => {
  test('GATEWAY_API without the stable version: S/Recsys and stableArtifact, not the chart path and stableModel', () => {
    expect(() => service(() => ({
      gateway: GATEWAY, rolloutMode: KubernetesRolloutMode.GATEWAY_API, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }),
    }))).toThrow(/^S\/Recsys: 'stableArtifact' is required by rolloutMode GATEWAY_API: it keeps 90% of the traffic. Fix: Pass the version currently serving as stableArtifact\.$/);
  });

  test('a chart rule (polling interval without KEDA) names the service path', () => {
    expect(() => service(() => ({ pollingInterval: Duration.seconds(5) }))).toThrow(/^S\/Recsys: 'pollingInterval' \(5 seconds\) is not used/);
  });
});
