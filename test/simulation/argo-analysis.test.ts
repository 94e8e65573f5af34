import * as cdk8s from 'cdk8s';
import { createGpuServingChart } from '../../examples/gpu-cluster/chart';
import { modelFromConstructs } from '../../lib/simulation/from-construct';
import { analysisMeasurementFails, CanaryKind, MinuteCounts, rolloutTrials } from '../../lib/simulation/rollout-trials';
import { EXAMPLE_PROFILES } from '../../lib/simulation/seed';

// The example chart's emitted AnalysisTemplate, read by the simulator (no hand-passed what-if), replayed
// minute by minute through the evaluator the rollout trials use.
const lane = modelFromConstructs([], [createGpuServingChart(new cdk8s.App(), 'recsys')]).lanes[0];
const [latency, errors] = lane.rollout!.analysis;
const minute = (requests: number, errs: number, over = 0): MinuteCounts => ({ requests, errors: errs, over, latencyQ: 0.95 });
const fails = (am: typeof errors, minutes: MinuteCounts[]) => analysisMeasurementFails(am, minutes, 0.95, 100);

describe('error rate: the one-sided test over the 5-minute window, 100+ requests', () => {
  test('2 RPS on a 75% canary (90 requests a minute): 5% errors fail at the second minute, not the first (fewer than 100 requests)', () => {
    expect(fails(errors, [minute(90, 5)])).toBe(false);
    // N = 180, E = 9: (9 - 1.8)^2 / (0.0099 * 180) = 29.1 > 9.5495
    expect(fails(errors, [minute(90, 5), minute(90, 4)])).toBe(true);
  });

  test('healthy noise stays quiet; the boundary is hand-computed: 11 errors in 450 requests pass (9.48), 12 fail (12.6)', () => {
    const five = (errs: number[]) => errs.map(e => minute(90, e));
    expect(fails(errors, five([0, 1, 0, 2, 0]))).toBe(false);
    expect(fails(errors, five([2, 2, 2, 2, 3]))).toBe(false); // 11 of 450: (11 - 4.5)^2 / 4.455 = 9.48
    expect(fails(errors, five([2, 2, 2, 3, 3]))).toBe(true); // 12 of 450: 12.6
    // Only the last 5 minutes count: an old bad minute slides out.
    expect(fails(errors, [minute(90, 30), ...five([0, 0, 0, 0, 0])])).toBe(false);
  });

  test('1,000 RPS: one minute of a 5% canary fails at once; a healthy 0.5% minute with 2x noise does not', () => {
    expect(fails(errors, [minute(45000, 2250)])).toBe(true);
    expect(fails(errors, [minute(45000, 450)])).toBe(false);
  });
});

describe('latency: two one-minute p95s over 100 ms in the window fail', () => {
  test('one slow minute (an overload the whole fleet shares) is quiet; two fail; a minute under 20 requests is not judged', () => {
    const slow = minute(1000, 0, 100); // 10% over the threshold: p95 over
    const fast = minute(1000, 0, 10);
    expect(fails(latency, [fast, slow, fast, fast, fast])).toBe(false);
    expect(fails(latency, [fast, slow, fast, slow, fast])).toBe(true);
    expect(fails(latency, [slow, fast, fast, fast, fast, slow])).toBe(false); // the first slid out of the window
    expect(fails(latency, [minute(19, 0, 19), minute(19, 0, 19)])).toBe(false);
    expect(fails(latency, [minute(20, 0, 2), minute(20, 0, 2)])).toBe(true); // 2 of 20 over: nearest-rank p95 is over
  });
});

describe('trials with the emitted analysis (issue 17 targets, 400 seeded trials each)', () => {
  const run = (rps: number, kind: CanaryKind) => rolloutTrials(lane, { rps, kind, profiles: EXAMPLE_PROFILES, trials: 400, seed: 1 });
  test.each([2, 1000])('%d RPS: a 5% canary is rolled back within 5 minutes in >= 99%, a healthy one in <= 1%', rps => {
    expect(run(rps, CanaryKind.BAD_ERRORS).detectedWithin5MinPercent).toBeGreaterThanOrEqual(99);
    expect(run(rps, CanaryKind.HEALTHY).rolledBackPercent).toBeLessThanOrEqual(1);
  });
});

describe('the reader reports what it cannot read instead of guessing', () => {
  test('a windowed query that is neither the error test nor the latency count is unsupported (and skipped), as is a queue-time metric', () => {
    const findings: any[] = [];
    const { readManifests } = require('../../lib/simulation/manifest-reader');
    const objs = [
      { kind: 'Deployment', metadata: { name: 'm', namespace: 'n' }, spec: { replicas: 1 } },
      { kind: 'Rollout', metadata: { name: 'm', namespace: 'n' }, spec: { workloadRef: { kind: 'Deployment', name: 'm' }, strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '300s' } }], analysis: { templates: [{ templateName: 't' }] } } } } },
      { kind: 'AnalysisTemplate', metadata: { name: 't' }, spec: { metrics: [
        { name: 'odd', interval: '60s', successCondition: 'result[0] <= 1', provider: { prometheus: { query: 'avg_over_time((100 * sum(rate(x_failure[1m])))[5m:1m])' } } },
        { name: 'queue', interval: '60s', successCondition: 'result[0] <= 1', provider: { prometheus: { query: 'sum(rate(nv_inference_queue_duration_us[1m]))' } } },
        { name: 'plain', interval: '60s', successCondition: 'result[0] <= 1', provider: { prometheus: { query: 'sum(rate(x_failure[1m]))' } } },
      ] } },
    ];
    const lanes = readManifests({ source: 'app', objects: objs }, findings);
    expect(lanes[0].rollout.analysis.map((a: any) => [a.name, a.measures])).toEqual([['odd', 'unknown'], ['queue', 'unknown'], ['plain', 'error-rate']]);
    expect(findings.filter(f => f.type === 'analysis').map(f => f.resource)).toEqual(['AnalysisTemplate metric odd', 'AnalysisTemplate metric queue']);
  });
});
