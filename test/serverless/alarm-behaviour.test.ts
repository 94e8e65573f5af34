import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Rollout, ServiceLevelObjective } from '../../lib';
import { WarmServerlessFunction } from '../../lib/serverless';
import { modelFromConstructs } from '../../lib/simulation/from-construct';
import { AlarmEvaluator, SeriesStore } from '../../lib/simulation/metrics';
import { isVersionScoped } from '../../lib/simulation/rollout-trials';
import { AlarmSpec, LaneSpec } from '../../lib/simulation/stack-model';
import { baseProps, newStack, only } from './fixtures';

/**
 * Replays per-minute traffic through the alarms AS SYNTHESIZED, with the simulator's alarm evaluator
 * (lib/simulation: the template reader turns each emitted AWS::CloudWatch::Alarm into an `AlarmSpec`,
 * `AlarmEvaluator` judges it every minute on CloudWatch's sliding window with M of N, missing data per
 * TreatMissingData and `EvaluateLowSampleCountPercentile: ignore`). Nothing about the alarms is
 * restated here: expression, period, threshold, comparison and M-of-N all come from the template.
 *
 * A minute holds alias-wide counts (`Errors`) and the new version's own counts (`Errors@new`). An
 * alarm whose metrics all carry the `ExecutedVersion` dimension reads the `@new` series (the new
 * version serves nothing before the deployment, so it has no history); the others read the alias.
 * `DurationP95` is the minute's p95 in milliseconds (the latency alarms read it weighted by requests).
 *
 * Before issue 17's fix the rollback alarms read the alias, so a bad canary was diluted by the old
 * version's traffic. Before the SLO rework (core: one 5-minute sliding window, one-sided error test)
 * they were 2 of 10 one-minute periods of `IF(inv >= 100, 100 * err / inv, 0)` over 1%.
 */
type Minute = { [metric: string]: number };

const SERIES: { [metric: string]: 'requests' | 'errors' | 'throttles' | 'spill' } = {
  Invocations: 'requests', Errors: 'errors', Throttles: 'throttles', ProvisionedConcurrencySpilloverInvocations: 'spill',
};

/** One minute's counts at the minute's first second: a period's Sum is the minute's count. */
function store(trace: Minute[], suffix: string): SeriesStore {
  const s = new SeriesStore(trace.length * 60);
  trace.forEach((m, i) => {
    for (const [metric, series] of Object.entries(SERIES)) { s.data[series][i * 60] = m[metric + suffix] ?? 0; }
    s.data.latencyQ[i * 60] = (m[`DurationP95${suffix}`] ?? 0) / 1000;
  });
  return s;
}

/** Minute (1-based) at whose end each alarm is first in ALARM; alarms that never fire are left out. */
function replay(alarms: AlarmSpec[], trace: Minute[]): { [logicalId: string]: number } {
  const stores = { alias: store(trace, ''), version: store(trace, '@new') };
  const fired: { [logicalId: string]: number } = {};
  for (const spec of alarms) {
    const evaluator = new AlarmEvaluator(spec);
    const s = isVersionScoped(spec) ? stores.version : stores.alias;
    for (let minute = 1; minute <= trace.length; minute++) {
      if (evaluator.evaluate(s, minute * 60)) { fired[spec.logicalId] = minute; break; }
    }
  }
  return fired;
}

const minutes = (n: number, m: Minute): Minute[] => Array.from({ length: n }, () => ({ ...m }));
/** All traffic on the new version (all at once, or the shift completed): alias-wide and new-version counts alike. */
const allNew = (trace: Minute[]): Minute[] => trace.map(m => ({ ...m, ...Object.fromEntries(Object.entries(m).filter(([k]) => !/^(Throttles|Provisioned)/.test(k)).map(([k, v]) => [`${k}@new`, v])) }));
/** A canary: `share` of `requests` on the new version, each version with its own errors per minute. */
const canary = (n: number, requests: number, share: number, oldErrors: number, newErrors: number): Minute[] =>
  minutes(n, { 'Invocations': requests, 'Errors': oldErrors + newErrors, 'Invocations@new': Math.round(requests * share), 'Errors@new': newErrors });

describe('rollback alarms fire on a bad version and stay quiet on a healthy one (replayed through the emitted alarms by the simulator\'s evaluator)', () => {
  const stack = newStack();
  const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
  }));
  const t = Template.fromStack(stack);
  const model = modelFromConstructs([stack]);
  const lane: LaneSpec = model.lanes.find(l => l.kind === 'serverless')!;
  const alarm = (prefix: string) => {
    const found = lane.alarms.filter(a => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(a.logicalId)); // not <prefix>FastBurn...
    if (found.length !== 1) { throw new Error(`expected one alarm ${prefix}, found ${found.length}`); }
    return found[0];
  };
  /** The alarms CodeDeploy watches, as the template reader found them in the deployment group. */
  const rollback = lane.rollout!.alarms;
  const rollbackFired = (trace: Minute[]) => replay(rollback, trace);
  const rollbackFiredAllNew = (trace: Minute[]) => rollbackFired(allNew(trace));
  const pages = (prefix: string, trace: Minute[]) => replay([alarm(prefix)], trace)[alarm(prefix).logicalId] !== undefined;
  const ROLLBACK_ERRORS = expect.stringMatching(/^PoolRollbackErrorRate/);
  const ROLLBACK_LATENCY = expect.stringMatching(/^PoolRollbackLatency/);

  test('the replay reads every emitted alarm: the 2 rollback alarms are version-scoped 5-minute windows, the alias-wide ones are not rollback alarms', () => {
    expect(model.findings.filter(f => f.severity === 'unsupported')).toEqual([]);
    const ids = (only(t, 'AWS::CodeDeploy::DeploymentGroup').Properties.AlarmConfiguration.Alarms as any[]).map(a => a.Name.Ref);
    expect(rollback.map(a => a.logicalId)).toEqual(ids);
    expect(ids).toEqual([ROLLBACK_LATENCY, ROLLBACK_ERRORS]);
    expect(pool.rollbackAlarms).toHaveLength(2);
    expect(rollback.map(isVersionScoped)).toEqual([true, true]);
    for (const a of rollback) { expect([a.period, a.evaluationPeriods, a.datapointsToAlarm]).toEqual([300, 1, 1]); }
    expect(alarm('PoolRollbackErrorRate').math!.expression).toBe('IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)');
    expect(alarm('PoolRollbackLatency').metric).toMatchObject({ metricName: 'Duration', stat: 'p95' });
    expect(alarm('PoolRollbackLatency').evaluateLowSampleCountPercentile).toBe('ignore');
    for (const prefix of ['PoolSloErrorRate', 'PoolSloLatency', 'PoolSloThrottles', 'PoolSpilloverAlarm']) {
      expect(isVersionScoped(alarm(prefix))).toBe(false);
      expect(ids).not.toContain(alarm(prefix).logicalId);
    }
  });

  test('issue 17: a 10% canary at 5% errors beside the old version at 0.5% reads 0.95% alias-wide and passes the alias alarm; the rollback alarm reads 5% and fires in the first minute', () => {
    // 10,000 requests a minute: 1,000 on the canary (50 errors), 9,000 on the old version (45 errors).
    const trace = canary(5, 10_000, 0.1, 45, 50);
    expect(pages('PoolSloErrorRate', trace)).toBe(false);
    expect(rollbackFired(trace)).toEqual({ [alarm('PoolRollbackErrorRate').logicalId]: 1 });
  });

  test('a healthy canary beside a failing old version rolls nothing back: the old version\'s errors are not the new one\'s', () => {
    const trace = canary(5, 10_000, 0.1, 450, 1); // old 5%, new 0.1%
    expect(pages('PoolSloErrorRate', trace)).toBe(true); // the alias-wide alarm pages
    expect(rollbackFired(trace)).toEqual({});
  });

  test('changed by the SLO rework: the request floor counts the 5-minute window, so a canary of 90 requests a minute at 50% errors now fires (2nd minute); below 20 a minute it never can', () => {
    // Before: a floor of 100 requests per MINUTE hid this canary for the whole bake.
    expect(rollbackFired(canary(10, 900, 0.1, 0, 45))).toEqual({ [alarm('PoolRollbackErrorRate').logicalId]: 2 });
    // Trade-off: 15 canary requests a minute hold 75 in the window, under the 100-request floor.
    expect(rollbackFired(canary(10, 150, 0.1, 0, 7))).toEqual({});
    expect(rollbackFired(canary(2, 1000, 0.1, 0, 50))).toEqual({ [alarm('PoolRollbackErrorRate').logicalId]: 1 }); // 100 in a minute: fires at once
  });

  test('healthy, low traffic: one failed request among 3 in a minute, twice, rolls nothing back', () => {
    const trace = [...minutes(3, { Invocations: 3 }), { Invocations: 3, Errors: 1 }, { Invocations: 3, Errors: 1 }, ...minutes(5, { Invocations: 3 })];
    expect(rollbackFiredAllNew(trace)).toEqual({});
  });

  test('changed by the SLO rework: healthy at 2 RPS, 2 errors in 2 of 10 minutes (1.7% of 120) no longer rolls back: 5 errors of 600 in the window are within the test', () => {
    const trace = [...minutes(3, { Invocations: 120, Errors: 0 }), { Invocations: 120, Errors: 2 }, { Invocations: 120, Errors: 1 }, { Invocations: 120, Errors: 2 }, ...minutes(4, { Invocations: 120, Errors: 0 })];
    expect(rollbackFiredAllNew(trace)).toEqual({});
  });

  test('healthy, one noisy minute at full traffic (5% errors once) rolls nothing back: 58 errors of 5,000 in the window are within noise of 1%', () => {
    const trace = [...minutes(4, { Invocations: 1000, Errors: 2 }), { Invocations: 1000, Errors: 50 }, ...minutes(5, { Invocations: 1000, Errors: 2 })];
    expect(rollbackFiredAllNew(trace)).toEqual({});
  });

  test('healthy burst past the reserved cap: the throttle alarm pages, no rollback alarm fires', () => {
    const trace = [...minutes(3, { Invocations: 900 }), ...minutes(4, { Invocations: 900, Throttles: 100 }), ...minutes(3, { Invocations: 900 })];
    expect(pages('PoolSloThrottles', trace)).toBe(true);
    expect(rollbackFiredAllNew(trace)).toEqual({});
  });

  test('healthy burst beyond the warm pool: spillover pages, no rollback alarm fires', () => {
    const trace = minutes(5, { Invocations: 1000, ProvisionedConcurrencySpilloverInvocations: 200, DurationP95: 250 });
    expect(pages('PoolSpilloverAlarm', trace)).toBe(true);
    expect(rollbackFiredAllNew(trace)).toEqual({});
  });

  test('bad version: errors over the objective fire the error-rate rollback alarm within 5 minutes of exposure (3%: minute 1; 1.5%: minute 4)', () => {
    expect(rollbackFiredAllNew(minutes(5, { Invocations: 1000, Errors: 30 }))).toEqual({ [alarm('PoolRollbackErrorRate').logicalId]: 1 });
    // 1.5% at 1,000 a minute: after k minutes 15k errors against 10k expected, z² = (5k)² / (0.0099 × 1000k) = 2.53k: over 9.5495 at k = 4
    expect(rollbackFiredAllNew(minutes(5, { Invocations: 1000, Errors: 15 }))).toEqual({ [alarm('PoolRollbackErrorRate').logicalId]: 4 });
  });

  test('bad version at 100 requests a minute (the floor) still fires in its first minute: the floor does not hide real failures', () => {
    expect(rollbackFiredAllNew(minutes(2, { Invocations: 100, Errors: 5 }))).toEqual({ [alarm('PoolRollbackErrorRate').logicalId]: 1 });
  });

  test('bad version: p95 of 450 ms on the new version fires the latency rollback alarm in its first minute; a healthy 250 ms stays quiet', () => {
    expect(rollbackFiredAllNew(minutes(5, { Invocations: 1000, DurationP95: 450 }))).toEqual({ [alarm('PoolRollbackLatency').logicalId]: 1 });
    expect(rollbackFiredAllNew(minutes(10, { Invocations: 1000, DurationP95: 250 }))).toEqual({});
  });

  test('trade-off: under 200 requests in 5 minutes the latency alarm keeps its state (low-sample percentile), so a slow version at 30 a minute is not rolled back on latency', () => {
    expect(rollbackFiredAllNew(minutes(10, { Invocations: 30, DurationP95: 900 }))).toEqual({});
    expect(rollbackFiredAllNew(minutes(10, { Invocations: 40, DurationP95: 900 }))).toEqual({ [alarm('PoolRollbackLatency').logicalId]: 5 }); // 200 in the window at minute 5
  });
});
