import { AlarmEvaluator, evaluationInterval, lowSampleThreshold, SeriesStore } from '../../lib/simulation/metrics';
import { CanaryKind, isVersionScoped, rolloutTrials } from '../../lib/simulation/rollout-trials';
import { findStep } from '../../lib/simulation/scaling';
import { AlarmSpec, LaneSpec } from '../../lib/simulation/stack-model';
import { alarm, lane } from './helpers';

const requests = (store: SeriesStore, from: number, to: number, rps: number, errorShare = 0) => {
  for (let t = from; t < to; t++) { store.data.requests[t] = rps; store.data.errors[t] = rps * errorShare; }
};
const Z_TEST = 'IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)';
const zAlarm = (props: Partial<AlarmSpec> = {}): AlarmSpec => alarm({
  period: 300, threshold: 9.5495,
  math: { expression: Z_TEST, period: 300, metrics: { err: { namespace: 'AWS/Lambda', metricName: 'Errors', stat: 'Sum', period: 300 }, inv: { namespace: 'AWS/Lambda', metricName: 'Invocations', stat: 'Sum', period: 300 } } },
  ...props,
});

describe('CloudWatch alarm evaluation: sliding window, every minute', () => {
  test('evaluated every 10 s for 10/30-second periods, every minute otherwise', () => {
    expect([evaluationInterval(10), evaluationInterval(30), evaluationInterval(60), evaluationInterval(300)]).toEqual([10, 10, 60, 60]);
  });

  test('a 5-minute period is judged each minute over the last 5 minutes, not at 5-minute boundaries', () => {
    // GIVEN 2 RPS and 5% errors from second 60: 12 errors of 240 requests by minute 3 is not yet 100 + ... (guard: 100 requests)
    const store = new SeriesStore(900);
    requests(store, 60, 900, 2, 0.05);
    const a = new AlarmEvaluator(zAlarm());
    const states: Array<[number, boolean, number | undefined]> = [];
    for (let t = 60; t <= 540; t += 60) { a.evaluate(store, t); states.push([t, a.state, a.lastValue]); }
    // THEN at 120 s: 120 requests, 6 errors: (6 - 1.2)² / (0.0099 × 120) = 19.4 > 9.5495: fires at minute 2, between 5-minute boundaries
    expect(states[0]).toEqual([60, false, 0]); // no requests yet in (−240, 60]: below the 100-request guard
    expect(states[1][0]).toBe(120);
    expect(states[1][1]).toBe(true);
    expect(states[1][2]).toBeCloseTo((6 - 1.2) ** 2 / (0.0099 * 120), 9);
    // and at 540 s the window (240, 540] holds 600 requests, 30 errors: still in ALARM
    expect(states[8][1]).toBe(true);
  });

  test('a healthy 0.5% over the same windows stays quiet (errors below the objective read 0)', () => {
    const store = new SeriesStore(900);
    requests(store, 0, 900, 2, 0.005);
    const a = new AlarmEvaluator(zAlarm());
    for (let t = 60; t <= 900; t += 60) { expect(a.evaluate(store, t)).toBe(false); expect(a.lastValue).toBe(0); }
  });

  test('the test separates rates only with enough requests: 5% of 99 requests reads 0 (guard), of 100 it fires', () => {
    const store = new SeriesStore(300);
    store.data.requests[10] = 99; store.data.errors[10] = 5;
    const a = new AlarmEvaluator(zAlarm());
    a.evaluate(store, 60);
    expect(a.lastValue).toBe(0);
    store.data.requests[10] = 100;
    a.evaluate(store, 120);
    expect(a.lastValue).toBeCloseTo(16 / 0.99, 9);
    expect(a.state).toBe(true);
  });
});

describe('percentile alarms with EvaluateLowSampleCountPercentile: ignore', () => {
  const p95 = alarm({ period: 300, threshold: 300, evaluateLowSampleCountPercentile: 'ignore', metric: { namespace: 'AWS/Lambda', metricName: 'Duration', stat: 'p95', period: 300 } });

  test('the rule: 10 / (1 - p) samples for p >= 0.5 (200 for p95, 1,000 for p99), 10 / p below; nothing without ignore', () => {
    expect(lowSampleThreshold(p95)).toBe(200);
    expect(lowSampleThreshold({ ...p95, metric: { ...p95.metric!, stat: 'p99' } })).toBe(1000);
    expect(lowSampleThreshold({ ...p95, metric: { ...p95.metric!, stat: 'p10' } })).toBe(100);
    expect(lowSampleThreshold({ ...p95, evaluateLowSampleCountPercentile: undefined })).toBeUndefined();
  });

  test('199 slow samples leave the state OK, 200 breach; no sample at all is missing data (not breaching)', () => {
    const store = new SeriesStore(900);
    for (let t = 0; t < 199; t++) { store.data.requests[t] = 1; store.data.latencyQ[t] = 1; } // 1 s each
    const a = new AlarmEvaluator(p95);
    expect(a.evaluate(store, 240)).toBe(false);
    store.data.requests[199] = 1; store.data.latencyQ[199] = 1;
    expect(a.evaluate(store, 300)).toBe(true);
    // 199 samples again: the state stays ALARM; then an empty window: missing, notBreaching → OK
    store.data.requests[199] = 0;
    expect(a.evaluate(store, 360)).toBe(true);
    expect(a.evaluate(store, 900)).toBe(false);
  });
});

describe('step adjustments: bound inclusiveness follows the breach direction (AAS StepAdjustment)', () => {
  const steps = [{ upper: 0, adjustment: -6 }];
  test('below the threshold (a <= alarm) the upper bound is inclusive: metric = threshold matches upper 0', () => {
    expect(findStep(steps, 0, true)).toBe(steps[0]);
    expect(findStep(steps, 0.5, true)).toBeUndefined();
  });
  test('above the threshold the lower bound is inclusive and the upper exclusive', () => {
    const up = [{ lower: 0, upper: 300, adjustment: 1 }, { lower: 300, adjustment: 2 }];
    expect(findStep(up, 0, false)).toBe(up[0]);
    expect(findStep(up, 300, false)).toBe(up[1]);
    expect(findStep(steps, 0, false)).toBeUndefined();
  });
});

describe('rollout trials read version-scoped alarms', () => {
  const withDims = (dims: Record<string, string>): AlarmSpec => {
    const a = zAlarm();
    return { ...a, math: { ...a.math!, metrics: Object.fromEntries(Object.entries(a.math!.metrics).map(([k, m]) => [k, { ...m, namespace: 'AWS/Lambda', dimensions: dims }])) } };
  };
  test('ExecutedVersion on every metric marks the alarm as watching the new version only; alias metrics mix both', () => {
    expect(isVersionScoped(withDims({ FunctionName: 'f', Resource: 'f:live', ExecutedVersion: '<token>' }))).toBe(true);
    expect(isVersionScoped(withDims({ FunctionName: 'f', Resource: 'f:live' }))).toBe(false);
  });

  test('a 10% Lambda canary with 5% errors at 1,000 RPS: on the alias metric (0.95% on average, noisy minutes above 1%) it is caught in under a third of the trials, on the version metric in all, within 5 minutes', () => {
    const l = (a: AlarmSpec): LaneSpec => lane({
      kind: 'serverless', slo: { latencyPercentile: 95, latencyMs: 300, maxErrorRatePercent: 1 },
      rollout: { mechanism: 'codedeploy-lambda', type: 'CANARY', canaryPercent: 10, waitSeconds: 300, finalBakeSeconds: 0, alarms: [a], analysis: [] },
    });
    const opts = { rps: 1000, kind: CanaryKind.BAD_ERRORS, trials: 200, profiles: { default: { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200 } } };
    expect(rolloutTrials(l(withDims({ FunctionName: 'f', Resource: 'f:live' })), opts).detectedWithin5MinPercent).toBeLessThan(33);
    expect(rolloutTrials(l(withDims({ FunctionName: 'f', Resource: 'f:live', ExecutedVersion: '<token>' })), opts).detectedWithin5MinPercent).toBe(100);
  });
});

describe('which minutes of a deployment are watched', () => {
  const sm = (waitSeconds: number, finalBakeSeconds: number): LaneSpec => lane({
    slo: { latencyPercentile: 95, latencyMs: 300, maxErrorRatePercent: 1 },
    scalableTargets: [],
    rollout: { mechanism: 'sagemaker-blue-green', type: 'ALL_AT_ONCE', canaryPercent: 100, waitSeconds, finalBakeSeconds, alarms: [zAlarm({ math: { ...zAlarm().math!, metrics: { err: { namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', stat: 'Sum', period: 300 }, inv: { namespace: 'AWS/SageMaker', metricName: 'Invocations', stat: 'Sum', period: 300 } } } })], analysis: [] },
  });
  const opts = { rps: 1000, kind: CanaryKind.BAD_ERRORS, trials: 50, profiles: { default: { requestsPerSecondAtSlo: 12, latencyAtSloMs: 250, concurrency: 4 } } };
  test('SageMaker ALL_AT_ONCE: the baking period (WaitIntervalInSeconds) is watched, TerminationWaitInSeconds (after completion) is not', () => {
    const unwatched = rolloutTrials(sm(0, 600), opts);
    expect([unwatched.rolledBackPercent, unwatched.deploymentMinutes]).toEqual([0, 0]);
    const baked = rolloutTrials(sm(600, 0), opts);
    expect([baked.detectedWithin5MinPercent, baked.deploymentMinutes]).toEqual([100, 10]);
  });
});
