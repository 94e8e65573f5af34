import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { DynamicBatching, ScaleOutLeadTime } from '../../lib/core';
import { lagSummary, minuteMaxSummary, profileFor, simulate } from '../../lib/simulation/engine';
import { loadExampleApp } from '../../lib/simulation/apps';
import { modelFromConstructs } from '../../lib/simulation/from-construct';
import { arrivalFor, MODELLED_SEPARATELY, modelledSeparately } from '../../lib/simulation/lane-statements';
import { ARRIVAL_SECONDS } from '../../lib/simulation/platform';
import { oracle } from '../../lib/simulation/references';
import { runScenario, toJson, toText } from '../../lib/simulation/report';
import { EXAMPLE_PROFILES } from '../../lib/simulation/seed';
import { LaneLeadTimeSpec } from '../../lib/simulation/stack-model';
import { lane, model, piecewiseTrace, target, tt } from './helpers';

/**
 * Issue 19: what lanes state (dynamicBatching, scaleOutLeadTime) reaches the simulator; the capacity lag
 * (metricCapacityLag: asked for minus in service) is reported per lane.
 */
const ENDPOINT = { requestsPerSecondAtSlo: 12, latencyAtSloMs: 250, concurrency: 4, pricePerInstanceHour: 0.23 };
const BATCHING = { maxBatchSize: 16, maxQueueDelayMs: 20, throughputGainPercent: 40 };
const LEAD: LaneLeadTimeSpec = {
  totalSeconds: 480,
  steps: [
    { step: 'alarm evaluation (3 of 3 one-minute datapoints)', seconds: 180, source: 'AAS target tracking alarms' },
    { step: 'instance launch', seconds: 240, source: 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling.html' },
    { step: 'model load', seconds: 60, source: 'measured' },
  ],
};

describe('dynamic batching in the simulator', () => {
  // In-flight target tracking (high resolution), 2-40 instances, a 2-hour trace: 40 -> 150 -> 40 RPS.
  const scaled = (batching?: typeof BATCHING) => lane({
    initialCapacity: 4, batching,
    scalableTargets: [target({ minCapacity: 2, maxCapacity: 40, targetTracking: [tt({ predefined: 'SageMakerVariantConcurrentRequestsPerModelHighResolution', targetValue: 3, scaleOutCooldown: 60, scaleInCooldown: 300 })] })],
  });
  const trace = piecewiseTrace([[1800, 40], [3600, 150], [1800, 40]]);
  const FIVE_MS = { ...BATCHING, maxQueueDelayMs: 5 };
  const plain = simulate(model(scaled()), trace, { profiles: { default: ENDPOINT } });
  const batched = simulate(model(scaled(FIVE_MS)), trace, { profiles: { default: ENDPOINT } });

  test('a lane stating +40% throughput runs fewer instance-hours at the same SLO minutes', () => {
    // Measured: 94.17% of minutes both; 19.84 -> 17.24 instance-hours (0.87x). The emitted trigger still tracks
    // 3 in flight per instance: a faster instance holds fewer in flight, so the fleet shrinks less than 1/1.4.
    expect(plain.sloMinutesPercent).toBeGreaterThan(90);
    expect(batched.sloMinutesPercent).toBeGreaterThanOrEqual(plain.sloMinutesPercent);
    expect(batched.instanceHours).toBeLessThan(plain.instanceHours * 0.9);
    expect(batched.instanceHours).toBeGreaterThan(plain.instanceHours / 1.4);
    expect(batched.lanes[0].batching).toEqual({ gainPercent: 40, queueDelayMs: 5, measuredWithBatching: false });
    expect(plain.lanes[0].batching).toEqual({ gainPercent: 0, queueDelayMs: 0, measuredWithBatching: false });
  });

  test('the oracle (capacity the SLO needs) falls toward 1/1.4 = 0.71 (measured 0.82: whole instances, the 5 ms out of the budget)', () => {
    const o = (b?: typeof BATCHING) => oracle(model(scaled(b)), trace, { profiles: { default: ENDPOINT } }).instanceHours;
    expect(o(FIVE_MS) / o()).toBeGreaterThan(1 / 1.4);
    expect(o(FIVE_MS) / o()).toBeLessThan(0.85);
  });

  test('the profile: throughput × 1.4, the same latency at the SLO, the delay kept apart', () => {
    const p = profileFor(scaled(BATCHING), { default: ENDPOINT });
    expect(p.requestsPerSecondAtSlo).toBeCloseTo(16.8, 10);
    expect(p.unbatchedRequestsPerSecondAtSlo).toBe(12);
    expect(p.batchDelaySeconds).toBe(0.02);
    expect(p.serviceSeconds).toBeLessThan(profileFor(scaled(), { default: ENDPOINT }).serviceSeconds);
  });

  // Fixed capacity (no scaling), 30 RPS on 4 instances.
  const fixed = (batching?: typeof BATCHING) => lane({ initialCapacity: 4, batching });
  const load = piecewiseTrace([[600, 30]]);
  const lat = (batching?: typeof BATCHING) => simulate(model(fixed(batching)), load, { profiles: { default: ENDPOINT } }).minutes.latencyMs;

  test('latency rises by exactly the queue delay with no gain, and by at most the delay with one', () => {
    const base = lat();
    const delayOnly = lat({ ...BATCHING, throughputGainPercent: 0 });
    const both = lat(BATCHING);
    base.forEach((l, i) => {
      expect(delayOnly[i]).toBeCloseTo(l + 20, 6);
      expect(both[i]).toBeLessThanOrEqual(l + 20 + 1e-9);
      expect(both[i]).toBeGreaterThan(20);
    });
  });

  test('the profile decides first: its own figures, or measuredWithBatching (nothing added twice)', () => {
    expect(lat({ ...BATCHING, throughputGainPercent: 0 })).not.toEqual(lat());
    const prof = (extra: object) => simulate(model(fixed(BATCHING)), load, { profiles: { default: { ...ENDPOINT, ...extra } } }).minutes.latencyMs;
    expect(prof({ measuredWithBatching: true })).toEqual(lat());
    expect(prof({ batchingThroughputGainPercent: 0, batchingQueueDelayMs: 0 })).toEqual(lat());
    const r = simulate(model(fixed(BATCHING)), load, { profiles: { default: { ...ENDPOINT, measuredWithBatching: true } } });
    expect(r.lanes[0].batching).toEqual({ gainPercent: 0, queueDelayMs: 0, measuredWithBatching: true });
  });

  test('a Lambda lane never batches (one event per invocation): a stated batching is ignored', () => {
    const p = profileFor(lane({ kind: 'serverless', batching: BATCHING }), { default: { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200 } });
    expect([p.requestsPerSecondAtSlo, p.batchDelaySeconds]).toEqual([5, 0]);
  });

  test('a batch lane takes the gain (more jobs per worker-second) but not the delay', () => {
    const p = profileFor(lane({ kind: 'batch-workers', batching: { ...BATCHING, throughputGainPercent: 50 } }), { default: { requestsPerSecondAtSlo: 1 / 30, latencyAtSloMs: 30000 } });
    expect(p.requestsPerSecondAtSlo).toBeCloseTo(0.05, 10);
    expect(p.batchDelaySeconds).toBe(0);
  });
});

describe('lead time: the stated scaleOutLeadTime sets the arrival time', () => {
  const tracking = [target({ minCapacity: 2, maxCapacity: 20, targetTracking: [tt({ predefined: 'SageMakerVariantConcurrentRequestsPerModelHighResolution', targetValue: 3 })] })];
  test('stated minus the steps the engine models itself: 480 - 180 (alarm evaluation) = 300 s', () => {
    const a = arrivalFor(lane({ leadTime: LEAD, scalableTargets: tracking }), ENDPOINT);
    expect(a).toEqual({
      seconds: 300, source: 'lane', statedSeconds: 480, modelledSeparatelySeconds: 180, impliedSeconds: 300,
      modelledSeparately: ['alarm evaluation (3 of 3 one-minute datapoints) 180 s'],
    });
  });

  test('which step names count as modelled separately', () => {
    for (const s of ['alarm evaluation', 'CloudWatch datapoints', 'KEDA polling', 'HPA sync', 'metric scrape', 'scale-out cooldown', 'trigger detection']) { expect(MODELLED_SEPARATELY.test(s)).toBe(true); }
    for (const s of ['instance launch', 'image pull', 'model load', 'node provisioning', 'environment init', 'health check']) { expect(MODELLED_SEPARATELY.test(s)).toBe(false); }
    // Second-level scalers the engine does not run count toward the arrival even when they name an alarm.
    for (const s of ['capacity provider managed scaling alarm', 'Karpenter batching of Pending pods', 'cluster autoscaler scan']) { expect(modelledSeparately(s)).toBe(false); }
    expect(modelledSeparately('alarm evaluation and Application Auto Scaling (ScaleOutFromZero)')).toBe(true);
  });

  test('not stated: the platform table; a profile arrivalSeconds wins over both', () => {
    expect(arrivalFor(lane({}), ENDPOINT)).toMatchObject({ seconds: ARRIVAL_SECONDS['managed-endpoint'], source: 'table', statedSeconds: undefined });
    expect(arrivalFor(lane({ leadTime: LEAD, scalableTargets: tracking }), { ...ENDPOINT, arrivalSeconds: 100 })).toMatchObject({ seconds: 100, source: 'profile', impliedSeconds: 300 });
  });

  test('a lane that scales on no load trigger (schedules only, SnapStart): the statement is not the pool arrival, the check says why', () => {
    const scheduledOnly = lane({ kind: 'serverless', leadTime: { totalSeconds: 10, steps: [{ step: 'on-demand cold start beyond the pool: Init (model load)', seconds: 10, source: 'x' }] },
      scalableTargets: [target({ serviceNamespace: 'lambda', scheduled: [{ name: 'event', schedule: 'cron(0 12 * * ? *)', minCapacity: 10 }] })] });
    const r = simulate(model(scheduledOnly), piecewiseTrace([[60, 1]]), { profiles: { default: { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200 } } });
    expect(r.lanes[0].leadTime).toMatchObject({ statedSeconds: 10, impliedArrivalSeconds: 10, arrivalSeconds: ARRIVAL_SECONDS.serverless, arrivalSource: 'table', driftSeconds: null, consistent: true,
      note: expect.stringMatching(/scales on no load trigger/) });
  });

  test('new capacity serves exactly 300 s after the scale-out; the capacity lag series covers those seconds', () => {
    const l = lane({
      initialCapacity: 2, leadTime: LEAD,
      scalableTargets: [target({ minCapacity: 2, maxCapacity: 20, targetTracking: [tt({ predefined: 'SageMakerVariantConcurrentRequestsPerModelHighResolution', targetValue: 3 })] })],
    });
    const r = simulate(model(l), piecewiseTrace([[120, 10], [1200, 60]]), { profiles: { default: ENDPOINT }, keepSeries: true });
    const first = r.lanes[0].activities[0];
    expect(first.to).toBeGreaterThan(first.from);
    const d = r.series![l.path].data;
    const added = first.to - first.from;
    expect(d.capacityLag[first.t]).toBe(added);
    expect(d.capacityLag[first.t + 299]).toBeGreaterThanOrEqual(added);
    expect(d.capacity[first.t + 299]).toBe(first.from);
    expect(d.capacity[first.t + 300]).toBeGreaterThanOrEqual(first.to);
    expect(r.lanes[0].capacityLagMax).toBeGreaterThan(0);
    expect(r.lanes[0].leadTime).toMatchObject({ statedSeconds: 480, impliedArrivalSeconds: 300, arrivalSeconds: 300, arrivalSource: 'lane', driftSeconds: 0, consistent: true });
  });

  test('the check flags drift: a profile arrival time that differs from the stated lead time', () => {
    const r = simulate(model(lane({ initialCapacity: 2, leadTime: LEAD, scalableTargets: tracking })), piecewiseTrace([[60, 1]]), { profiles: { default: { ...ENDPOINT, arrivalSeconds: 100 } } });
    expect(r.lanes[0].leadTime).toMatchObject({ arrivalSeconds: 100, arrivalSource: 'profile', impliedArrivalSeconds: 300, driftSeconds: -200, consistent: false });
  });
});

describe('capacity lag summary (per-minute averages)', () => {
  test('hand-computed: max and nearest-rank p95', () => {
    // 20 minutes: minute 0 lags 2 for 30 s (average 1), minute 5 lags 4 all minute, the rest 0.
    const lag = new Float64Array(1200);
    lag.fill(2, 0, 30);
    lag.fill(4, 300, 360);
    expect(lagSummary(lag, 1200)).toEqual({ capacityLagMax: 4, capacityLagP95: 1 });
    expect(lagSummary(new Float64Array(0), 0)).toEqual({ capacityLagMax: 0, capacityLagP95: 0 });
    // Per-minute Maximum (the serverless lane's metric): minute 0 reads 2, minute 5 reads 4.
    expect(minuteMaxSummary(lag, 1200)).toEqual({ max: 4, p95: 2 });
  });

  test("a Lambda pool: on-demand environments beyond the pool, capped by the pool's room to grow", () => {
    const pool = lane({ kind: 'serverless', initialCapacity: 2, scalableTargets: [target({ serviceNamespace: 'lambda', minCapacity: 2, maxCapacity: 5 })] });
    // 10 RPS × 1 s = 10 concurrent: 2 warm, 8 on demand, the pool may grow by 3 -> reads 3; the true lag is 0 (nothing asked for).
    const r = simulate(model(pool), piecewiseTrace([[120, 10]]), { profiles: { default: { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000 } } });
    expect(r.lanes[0].capacityLagAsEmitted).toEqual({ max: 3, p95: 3 });
    expect([r.lanes[0].capacityLagMax, r.lanes[0].capacityLagP95]).toEqual([0, 0]);
  });
});

describe('from the construct tree (a fake lane statement on the hybrid example)', () => {
  // The example's lanes may not state them yet: state them on the Baseline lane construct here.
  const prev = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  const h = require(path.join('..', '..', 'examples', 'hybrid')).createHybridApp({ stackProps: { env: { account: '123456789012', region: 'us-east-1' } } }); // eslint-disable-line @typescript-eslint/no-require-imports
  if (prev === undefined) { delete process.env.CDK_VALIDATION; } else { process.env.CDK_VALIDATION = prev; }
  const plainModel = modelFromConstructs([h.stack], h.charts);
  const baseline = h.stack.node.findAll().find((c: any) => c.node.path === 'InferenceLanesHybrid/Assistant/Baseline');
  Object.defineProperty(baseline, 'dynamicBatching', { value: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10), throughputGainPercent: 40 }), configurable: true });
  Object.defineProperty(baseline, 'scaleOutLeadTime', {
    value: ScaleOutLeadTime.of([
      { step: 'alarm evaluation', duration: Duration.minutes(1), source: 'high-resolution concurrency metric, 3 of 3 10-second datapoints' },
      { step: 'instance launch and model load', duration: Duration.minutes(5), source: 'measured' },
    ]), configurable: true,
  });
  const statedModel = modelFromConstructs([h.stack], h.charts);

  test('the lane model carries what the construct states; lanes that state nothing are unchanged', () => {
    const b = statedModel.lanes.find(l => l.path === 'InferenceLanesHybrid/Assistant/Baseline')!;
    expect(b.batching).toEqual({ maxBatchSize: 8, maxQueueDelayMs: 10, throughputGainPercent: 40 });
    expect(b.leadTime).toEqual({ totalSeconds: 360, steps: [
      { step: 'alarm evaluation', seconds: 60, source: 'high-resolution concurrency metric, 3 of 3 10-second datapoints' },
      { step: 'instance launch and model load', seconds: 300, source: 'measured' },
    ] });
    const burst = statedModel.lanes.find(l => l.path === 'InferenceLanesHybrid/Assistant/Burst')!;
    expect(burst.batching).toBeUndefined();
    expect(plainModel.lanes.filter(l => l.kind !== 'gpu-cluster').every(l => l.batching === undefined)).toBe(true); // the chart's Triton config is read from its manifest
  });

  test('--json reports per lane the stated lead time against the arrival time, the capacity lag and the batching', () => {
    const trace = piecewiseTrace([[1800, 20], [1800, 60], [1800, 20]]);
    const opts = { profiles: EXAMPLE_PROFILES, lanes: ['managed-endpoint', 'serverless'] };
    const json = toJson([runScenario('fake', statedModel, trace, opts)], []) as any;
    const [b, burst] = json.scenarios[0].lanes;
    expect(b.leadTime).toMatchObject({ statedSeconds: 360, modelledSeparately: ['alarm evaluation 60 s'], impliedArrivalSeconds: 300, arrivalSeconds: 300, arrivalSource: 'lane', consistent: true });
    expect(b.batching).toEqual({ gainPercent: 40, queueDelayMs: 10, measuredWithBatching: false });
    // The serverless lane states its own (merged from main): alarm 180 s (modelled here) + allocation 120 s + Init 10 s.
    expect(burst.leadTime).toMatchObject({
      statedSeconds: 310, modelledSeparately: ['target tracking scale-out alarm on ProvisionedConcurrencyUtilization 180 s'],
      impliedArrivalSeconds: 130, arrivalSeconds: 130, arrivalSource: 'lane', consistent: true,
    });
    for (const l of [b, burst]) { expect(Object.keys(l.capacityLag)).toEqual(['max', 'p95']); }
    // The serverless lane's own metric (on-demand environments within the pool's room) is reported beside it.
    expect(Object.keys(burst.capacityLagAsEmitted)).toEqual(['max', 'p95']);
    expect(b.capacityLagAsEmitted).toBeUndefined();
    const text = toText([runScenario('fake', statedModel, trace, opts)], []);
    expect(text).toMatch(/InferenceLanesHybrid\/Assistant\/Baseline: capacity lag max [\d.]+ \/ p95 [\d.]+; stated lead time 360 s - 60 s modelled separately = 300 s; arrival 300 s \(lane\); batching: \+40% throughput, \+10 ms queue delay/);
  });
});

describe("the GPU chart's Triton batching, read from the emitted config.pbtxt", () => {
  const gpu = loadExampleApp('gpu-cluster');
  const recsys = gpu.lanes[0];
  const trace = piecewiseTrace([[600, 400]]);

  test('max_batch_size 32, max_queue_delay_microseconds 2000: 2 ms; no gain (the config does not state one)', () => {
    expect(recsys.batching).toEqual({ maxBatchSize: 32, maxQueueDelayMs: 2 });
  });

  test('the example profile was measured with batching: nothing added; a profile measured without it gets + 2 ms', () => {
    const asMeasured = simulate(gpu, trace, { profiles: EXAMPLE_PROFILES });
    expect(asMeasured.lanes[0].batching).toEqual({ gainPercent: 0, queueDelayMs: 0, measuredWithBatching: true });
    const unbatchedProfile = { ...EXAMPLE_PROFILES['gpu-cluster'], measuredWithBatching: false };
    const withDelay = simulate(gpu, trace, { profiles: { 'gpu-cluster': unbatchedProfile } });
    expect(withDelay.lanes[0].batching).toEqual({ gainPercent: 0, queueDelayMs: 2, measuredWithBatching: false });
    asMeasured.minutes.latencyMs.forEach((l, i) => expect(withDelay.minutes.latencyMs[i]).toBeCloseTo(l + 2, 6));
  });

  test('a config without dynamic_batching reads none', () => {
    const w = { spec: { template: { spec: { volumes: [{ configMap: { name: 'c' } }] } } } };
    const { tritonBatching } = require('../../lib/simulation/manifest-reader'); // eslint-disable-line @typescript-eslint/no-require-imports
    expect(tritonBatching(w, [{ kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'config.pbtxt': 'max_batch_size: 8\n' } }], 'default')).toBeUndefined();
    expect(tritonBatching(w, [{ kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'config.pbtxt': 'max_batch_size: 8\ndynamic_batching {\n}\n' } }], 'default'))
      .toEqual({ maxBatchSize: 8, maxQueueDelayMs: 0 });
  });
});

describe('a GpuClusterService and its chart: the service states the lead time, the chart the batching', () => {
  const prev = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  const { App } = require('aws-cdk-lib'); // eslint-disable-line @typescript-eslint/no-require-imports
  const stack = require(path.join('..', '..', 'examples', 'gpu-cluster')).createGpuClusterStack(new App(), 'Gpu', { env: { account: '123456789012', region: 'us-east-1' } }); // eslint-disable-line @typescript-eslint/no-require-imports
  if (prev === undefined) { delete process.env.CDK_VALIDATION; } else { process.env.CDK_VALIDATION = prev; }
  const service = stack.node.findAll().find((c: any) => c.chart !== undefined && c.scaleOutLeadTime?.isStated);
  const m = modelFromConstructs([stack], [service.chart]);
  const recsys = m.lanes.find(l => l.path === 'recsys')!;

  test("the chart's lane gets the owning service's stated lead time and the chart's DynamicBatching", () => {
    expect(recsys.batching).toEqual({ maxBatchSize: 32, maxQueueDelayMs: 2 });
    expect(recsys.leadTime!.totalSeconds).toBe(service.scaleOutLeadTime.total.toSeconds());
  });

  test('arrival = stated minus KEDA polling and the HPA stabilization window (the engine runs both)', () => {
    const a = arrivalFor(recsys, EXAMPLE_PROFILES['gpu-cluster']);
    const polling = recsys.leadTime!.steps.filter(s => /polling|stabiliz/i.test(s.step)).reduce((x, s) => x + s.seconds, 0);
    expect(polling).toBeGreaterThan(0);
    expect(a).toMatchObject({ source: 'lane', seconds: recsys.leadTime!.totalSeconds - polling, modelledSeparatelySeconds: polling });
  });
});
