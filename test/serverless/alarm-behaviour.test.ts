import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Rollout, ServiceLevelObjective } from '../../lib';
import { WarmServerlessFunction } from '../../lib/serverless';
import { baseProps, newStack } from './fixtures';

/**
 * Replays per-minute traffic through the alarms AS SYNTHESIZED: the metric-math expression, threshold,
 * comparison and M-of-N of each emitted AWS::CloudWatch::Alarm are read from the template and
 * evaluated like CloudWatch does (missing data is not breaching). Only the expression forms the lane
 * emits are supported (IF, comparisons, + - * /). The latency alarm (a percentile of `Duration`, not
 * metric math) is not replayed. On the code before issue 12's fixes the healthy traces below rolled
 * back: 1 breaching minute of 10, `IF(inv > 0, ...)` (one error of 3 requests = 33%) and the throttle
 * alarm among the rollback alarms.
 *
 * A minute holds alias-wide counts (`Errors`) and the new version's own counts (`Errors@new`): a
 * query with an `ExecutedVersion` dimension reads the `@new` key. Before issue 17's fix the rollback
 * alarms read the alias, so a bad canary was diluted by the old version's traffic.
 */
type Minute = { [metricName: string]: number };

interface EmittedAlarm {
  id: string;
  expression: string;
  ids: { [id: string]: string }; // query id -> metric name (+ '@new' when scoped to ExecutedVersion)
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  comparison: string;
}

function emittedAlarms(t: Template): EmittedAlarm[] {
  return Object.entries(t.findResources('AWS::CloudWatch::Alarm'))
    .filter(([, a]: [string, any]) => a.Properties.Metrics)
    .map(([id, a]: [string, any]) => {
      const p = a.Properties;
      const expr = p.Metrics.find((m: any) => m.Expression);
      const ids: { [id: string]: string } = {};
      for (const m of p.Metrics) {
        if (!m.MetricStat) { continue; }
        const versioned = (m.MetricStat.Metric.Dimensions as any[]).some(d => d.Name === 'ExecutedVersion');
        ids[m.Id] = m.MetricStat.Metric.MetricName + (versioned ? '@new' : '');
      }
      return { id, expression: expr.Expression, ids, threshold: p.Threshold, evaluationPeriods: p.EvaluationPeriods, datapointsToAlarm: p.DatapointsToAlarm ?? p.EvaluationPeriods, comparison: p.ComparisonOperator };
    });
}

function evaluate(expression: string, values: { [id: string]: number }): number {
  if (!/^[\w\s()+\-*/.,>=<]+$/.test(expression)) { throw new Error(`unsupported expression ${expression}`); }
  // IF(cond, a, b) -> ((cond) ? (a) : (b)); the lane's expressions nest no commas inside the branches.
  const js = expression.replace(/IF\(([^,]+),([^,]+),([^)]+)\)/g, '(($1) ? ($2) : ($3))');
  const fn = new Function(...Object.keys(values), `return ${js};`);
  return fn(...Object.values(values));
}

/** True when the alarm would be in ALARM at some minute of the trace. */
function fires(alarm: EmittedAlarm, trace: Minute[]): boolean {
  const breaching = trace.map(minute => {
    const values: { [id: string]: number } = {};
    for (const [id, name] of Object.entries(alarm.ids)) { values[id] = minute[name] ?? 0; }
    const v = evaluate(alarm.expression, values);
    return alarm.comparison === 'GreaterThanThreshold' ? v > alarm.threshold : v >= alarm.threshold;
  });
  for (let end = 0; end < breaching.length; end++) {
    const window = breaching.slice(Math.max(0, end - alarm.evaluationPeriods + 1), end + 1);
    if (window.filter(Boolean).length >= alarm.datapointsToAlarm) { return true; }
  }
  return false;
}

const minutes = (n: number, m: Minute): Minute[] => Array.from({ length: n }, () => ({ ...m }));
/** All traffic on the new version (all at once, or the shift completed): alias-wide and new-version counts alike. */
const allNew = (trace: Minute[]): Minute[] => trace.map(m => ({ ...m, ...Object.fromEntries(Object.entries(m).map(([k, v]) => [`${k}@new`, v])) }));
/** A canary: `share` of `requests` on the new version, each version with its own errors per minute. */
const canary = (n: number, requests: number, share: number, oldErrors: number, newErrors: number): Minute[] =>
  minutes(n, { 'Invocations': requests, 'Errors': oldErrors + newErrors, 'Invocations@new': Math.round(requests * share), 'Errors@new': newErrors });

describe('rollback alarms fire on a bad version and stay quiet on a healthy one (replayed through the emitted alarms)', () => {
  const stack = newStack();
  const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
  }));
  const t = Template.fromStack(stack);
  const alarms = emittedAlarms(t);
  const byId = (prefix: string) => alarms.find(a => a.id.startsWith(prefix))!;
  const rollbackIds = (only(t, 'AWS::CodeDeploy::DeploymentGroup').Properties.AlarmConfiguration.Alarms as any[]).map(a => a.Name.Ref as string);
  const rollbackFired = (trace: Minute[]) => alarms.filter(a => rollbackIds.includes(a.id) && fires(a, trace)).map(a => a.id);
  /** The whole trace on the new version (the shift completed, or all at once). */
  const rollbackFiredAllNew = (trace: Minute[]) => rollbackFired(allNew(trace));

  test('the replay reads the emitted alarms (error rate and throttles are metric math; 2 rollback alarms on the new version)', () => {
    expect(byId('PoolSloErrorRate').expression).toBe('IF(inv >= 100, 100 * err / inv, 0)');
    expect(byId('PoolSloErrorRate').ids).toEqual({ err: 'Errors', inv: 'Invocations' });
    expect(byId('PoolRollbackErrorRate').expression).toBe('IF(inv >= 100, 100 * err / inv, 0)');
    expect(byId('PoolRollbackErrorRate').ids).toEqual({ err: 'Errors@new', inv: 'Invocations@new' });
    expect(byId('PoolSloThrottles').ids).toEqual({ thr: 'Throttles', inv: 'Invocations' });
    expect(rollbackIds).toEqual([expect.stringMatching(/^PoolRollbackLatency/), expect.stringMatching(/^PoolRollbackErrorRate/)]);
    expect(pool.rollbackAlarms).toHaveLength(2);
  });

  test('issue 17: a 10% canary at 5% errors beside the old version at 0.5% reads 0.95% alias-wide and passes the alias alarm; the rollback alarm reads 5% and fires', () => {
    // 10,000 requests a minute: 1,000 on the canary (50 errors), 9,000 on the old version (45 errors).
    const trace = canary(3, 10_000, 0.1, 45, 50);
    expect(fires(byId('PoolSloErrorRate'), trace)).toBe(false);
    expect(rollbackFired(trace)).toEqual([expect.stringMatching(/^PoolRollbackErrorRate/)]);
  });

  test('a healthy canary beside a failing old version rolls nothing back: the old version\'s errors are not the new one\'s', () => {
    const trace = canary(5, 10_000, 0.1, 450, 1); // old 5%, new 0.1%
    expect(fires(byId('PoolSloErrorRate'), trace)).toBe(true); // the alias-wide alarm pages
    expect(rollbackFired(trace)).toEqual([]);
  });

  test('trade-off: a 10% canary of 900 requests a minute is below the 100-request floor, so even 50% errors there cannot fire', () => {
    const trace = canary(10, 900, 0.1, 0, 45); // 90 canary requests a minute
    expect(rollbackFired(trace)).toEqual([]);
    expect(rollbackFired(canary(2, 1000, 0.1, 0, 50))).toEqual([expect.stringMatching(/^PoolRollbackErrorRate/)]); // 100 a minute: fires
  });

  test('healthy, low traffic: one failed request among 3 in a minute, twice, rolls nothing back', () => {
    const trace = [...minutes(3, { Invocations: 3 }), { Invocations: 3, Errors: 1 }, { Invocations: 3, Errors: 1 }, ...minutes(5, { Invocations: 3 })];
    expect(rollbackFiredAllNew(trace)).toEqual([]);
  });

  test('healthy, one noisy minute at full traffic (5% errors once) rolls nothing back: 2 breaching minutes needed', () => {
    const trace = [...minutes(4, { Invocations: 1000, Errors: 2 }), { Invocations: 1000, Errors: 50 }, ...minutes(5, { Invocations: 1000, Errors: 2 })];
    expect(rollbackFiredAllNew(trace)).toEqual([]);
  });

  test('healthy burst past the reserved cap: the throttle alarm pages, no rollback alarm fires', () => {
    const trace = [...minutes(3, { Invocations: 900 }), ...minutes(4, { Invocations: 900, Throttles: 100 }), ...minutes(3, { Invocations: 900 })];
    expect(fires(byId('PoolSloThrottles'), trace)).toBe(true);
    expect(rollbackFiredAllNew(trace)).toEqual([]);
  });

  test('healthy burst beyond the warm pool: spillover pages, no rollback alarm fires', () => {
    const trace = minutes(5, { Invocations: 1000, ProvisionedConcurrencySpilloverInvocations: 200 });
    expect(fires(byId('PoolSpilloverAlarm'), trace)).toBe(true);
    expect(rollbackFiredAllNew(trace)).toEqual([]);
  });

  test('bad version: 3% errors for 2 minutes at full traffic fires the error-rate rollback alarm', () => {
    const trace = [...minutes(3, { Invocations: 1000, Errors: 1 }), ...minutes(2, { Invocations: 1000, Errors: 30 })];
    expect(rollbackFiredAllNew(trace)).toEqual([expect.stringMatching(/^PoolRollbackErrorRate/)]);
  });

  test('bad version at 100 requests a minute (the floor) still fires: the floor does not hide real failures', () => {
    const trace = minutes(2, { Invocations: 100, Errors: 5 });
    expect(rollbackFiredAllNew(trace)).toEqual([expect.stringMatching(/^PoolRollbackErrorRate/)]);
  });
});

function only(t: Template, type: string): any {
  const all = Object.values(t.findResources(type));
  if (all.length !== 1) { throw new Error(`expected one ${type}, found ${all.length}`); }
  return all[0];
}
