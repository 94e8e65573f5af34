import { simulate } from '../../lib/simulation/engine';
import { latencyQuantile, tailProbability } from '../../lib/simulation/queueing';
import { oracle, naiveModel } from '../../lib/simulation/references';
import { assistantTrace, readCsvTrace, recommenderTrace, scaleTrace } from '../../lib/simulation/traces';
import { lane, model, piecewiseTrace, target, tt } from './helpers';

describe('M/D/c latency model', () => {
  test('hand-computed: one slot, s = 100 ms, 5 RPS: p95 = s + ln(ρ/0.05) / (2(μ-λ)) = 330.3 ms', () => {
    expect(latencyQuantile(0.95, 1, 5, 0.1) * 1000).toBeCloseTo(100 + 1000 * Math.log(10) / 10, 6);
    expect(latencyQuantile(0.95, 1, 4, 0.1) * 1000).toBeCloseTo(100 + 1000 * Math.log(8) / 12, 6);
  });
  test('saturated: every request misses', () => {
    expect(tailProbability(10, 2, 20, 0.1)).toBe(1);
    expect(latencyQuantile(0.95, 2, 20, 0.1)).toBe(Infinity);
  });
});

describe('end to end, hand-computed', () => {
  test('a fixed single-slot instance: the minutes at 5 RPS miss p95 < 300 ms, the minutes at 4 RPS meet it', () => {
    // serviceSeconds is calibrated from the profile: 1 slot, p95 = 100 ms at ~0 load gives s = 100 ms.
    const l = lane({ initialCapacity: 1, slo: { latencyPercentile: 95, latencyMs: 300 } });
    const r = simulate(model(l), piecewiseTrace([[120, 4], [60, 5], [60, 4]]), {
      profiles: { default: { requestsPerSecondAtSlo: 0.0001, latencyAtSloMs: 100, pricePerInstanceHour: 1.2 } },
    });
    expect(r.minutes.met).toEqual([true, true, false, true]);
    expect(r.sloMinutesPercent).toBe(75);
    expect(r.instanceHours).toBeCloseTo(4 / 60, 10);
    // cost per 1,000: 1.2 USD/h × 4 min = 0.08 USD for 4×60 + 5×60 + 4×60... requests
    expect(r.costPer1000).toBeCloseTo(1000 * 0.08 / (60 * (4 + 4 + 5 + 4)), 10);
    expect(r.minutes.latencyMs[2]).toBeCloseTo(330.26, 1);
  });

  test('a queue with one worker at 1 job/s and 120 jobs at once: minute 1 misses a 60 s time-in-queue SLO', () => {
    const l = lane({ kind: 'batch-workers', initialCapacity: 1, slo: { maxTimeInQueue: 60 } });
    const r = simulate(model(l), piecewiseTrace([[1, 120], [179, 0]]), { profiles: { 'batch-workers': { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000, pricePerInstanceHour: 0.6 } } });
    expect(r.minutes.met).toEqual([true, false, true]);
    expect(r.instanceHours).toBeCloseTo(3 / 60, 10);
    expect(r.cost).toBeCloseTo(0.03, 10);
    expect(oracle(model(l), piecewiseTrace([[1, 120], [179, 0]]), { profiles: { 'batch-workers': { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000, pricePerInstanceHour: 0.6 } } }).instanceHours).toBeCloseTo(120 / 3600, 10);
  });
});

describe('references', () => {
  const profiles = { default: { requestsPerSecondAtSlo: 10, latencyAtSloMs: 250, concurrency: 4, pricePerInstanceHour: 1 } };
  test('the oracle sizes every minute to its busiest second, instantly', () => {
    const o = oracle(model(lane({})), piecewiseTrace([[60, 10], [60, 100]]), { profiles });
    expect(o.capacity[1]).toBeGreaterThan(o.capacity[0]);
    expect(o.capacity[1]).toBeLessThanOrEqual(10); // pooled queues need at most 1 instance per 10 RPS
    expect(o.sloMinutesPercent).toBe(100);
  });
  test('the naive policy replaces the stack scaling: invocations per instance at 70%, default 300 s cooldowns, no schedules', () => {
    const m = naiveModel(model(lane({ scalableTargets: [target({ minCapacity: 2, maxCapacity: 8, scheduled: [{ name: 'x', schedule: 'cron(0 1 * * ? *)', minCapacity: 5 }], targetTracking: [tt({ targetValue: 1 })] })] })), { profiles });
    expect(m.lanes[0].scalableTargets[0]).toMatchObject({ minCapacity: 2, maxCapacity: 8, scheduled: [], targetTracking: [{ predefined: 'SageMakerVariantInvocationsPerInstance', targetValue: 420, scaleOutCooldown: 300, scaleInCooldown: 300 }] });
  });
});

describe('traces', () => {
  test('the recommender peaks near 1,000 RPS at midday and reaches 5x during the flash sale within 2 minutes', () => {
    const t = recommenderTrace(1);
    expect(t.rps.length).toBe(86400);
    const at = (h: number, m = 0) => t.rps[h * 3600 + m * 60];
    expect(at(11, 50)).toBeGreaterThan(850);
    expect(at(11, 50)).toBeLessThan(1150);
    expect(at(12, 2) / at(11, 58)).toBeGreaterThan(4.3);
    expect(at(13, 10)).toBeLessThan(1200);
  });
  test('scale multiplies (2x, 3x) and rejects a non-positive factor', () => {
    const t = assistantTrace(1);
    expect(scaleTrace(t, 3).rps[1000]).toBeCloseTo(3 * t.rps[1000]);
    expect(scaleTrace(t, 2).name).toBe('assistant-marketing-surges x2');
    expect(() => scaleTrace(t, 0)).toThrow(/scale must be a number greater than 0, got 0/);
  });
  test('the same seed gives the same trace, another seed another one', () => {
    expect(recommenderTrace(7).rps).toEqual(recommenderTrace(7).rps);
    expect(recommenderTrace(8).rps[100]).not.toBe(recommenderTrace(7).rps[100]);
  });
});

describe('CSV traces', () => {
  test('per-minute rows hold for 60 seconds', () => {
    const t = readCsvTrace('minute,rps\n0,10\n1,20\n');
    expect(t.rps.length).toBe(120);
    expect([t.rps[0], t.rps[59], t.rps[60]]).toEqual([10, 10, 20]);
  });
  test('per-second rows and ISO timestamps (start taken from the first row)', () => {
    expect(readCsvTrace('second,rps\n# comment\n0,1\n1,2\n\n2,3').rps).toEqual(new Float64Array([1, 2, 3]));
    const t = readCsvTrace('time,rps\n2027-03-03T12:00:00Z,5\n2027-03-03T12:01:00Z,6\n');
    expect(t.startEpochSeconds).toBe(Date.UTC(2027, 2, 3, 12) / 1000);
    expect(t.rps.length).toBe(120);
  });
  test('errors name the line and the problem', () => {
    expect(() => readCsvTrace('', 'a.csv')).toThrow(/a.csv: empty trace/);
    expect(() => readCsvTrace('t,v\n0,1', 'a.csv')).toThrow(/a.csv line 1: header must be 'second,rps', 'minute,rps' or 'time,rps', got 't,v'/);
    expect(() => readCsvTrace('minute,rps\n0,1\n1', 'a.csv')).toThrow(/a.csv line 3: expected 2 columns/);
    expect(() => readCsvTrace('minute,rps\n0,1\n1,-2', 'a.csv')).toThrow(/a.csv line 3: rps '-2' must be a number of at least 0/);
    expect(() => readCsvTrace('minute,rps\n0,1\nx,2', 'a.csv')).toThrow(/a.csv line 3: minute 'x' is not a number/);
    expect(() => readCsvTrace('minute,rps\n0,1\n2,2', 'a.csv')).toThrow(/a.csv line 3: minute 2 out of sequence \(expected 1/);
    expect(() => readCsvTrace('minute,rps\n', 'a.csv')).toThrow(/a.csv: no rows after the header/);
    expect(() => readCsvTrace('time,rps\n2027-03-03T12:00:00Z,5\n2027-03-03T12:05:00Z,6\n', 'a.csv')).toThrow(/timestamps must be 1 or 60 seconds apart, got 300/);
    expect(() => readCsvTrace('time,rps\nyesterday,5\n', 'a.csv')).toThrow(/time 'yesterday' is not an ISO 8601 timestamp/);
  });
});

test('determinism: the same seed gives the same result', () => {
  const l = lane({ initialCapacity: 2, scalableTargets: [target({ minCapacity: 2, maxCapacity: 20, targetTracking: [tt({ targetValue: 420 })] })] });
  const opts = { profiles: { default: { requestsPerSecondAtSlo: 10, latencyAtSloMs: 250, concurrency: 4 } } };
  const trace = { ...assistantTrace(3), rps: assistantTrace(3).rps.slice(0, 7200) };
  const a = simulate(model(l), trace, opts);
  const b = simulate(model(l), { ...assistantTrace(3), rps: assistantTrace(3).rps.slice(0, 7200) }, opts);
  expect(a).toEqual(b);
  expect(a.lanes[0].scalingActivities).toBeGreaterThan(0);
});
