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
 */
type Minute = { [metricName: string]: number };

interface EmittedAlarm {
  id: string;
  expression: string;
  ids: { [id: string]: string }; // query id -> metric name
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
      for (const m of p.Metrics) { if (m.MetricStat) { ids[m.Id] = m.MetricStat.Metric.MetricName; } }
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

  test('the replay reads the emitted alarms (error rate and throttles are metric math; 2 rollback alarms)', () => {
    expect(byId('PoolSloErrorRate').expression).toBe('IF(inv >= 100, 100 * err / inv, 0)');
    expect(byId('PoolSloThrottles').ids).toEqual({ thr: 'Throttles', inv: 'Invocations' });
    expect(rollbackIds).toEqual([expect.stringMatching(/^PoolSloLatency/), expect.stringMatching(/^PoolSloErrorRate/)]);
    expect(pool.rollbackAlarms).toHaveLength(2);
  });

  test('healthy, low traffic: one failed request among 3 in a minute, twice, rolls nothing back', () => {
    const trace = [...minutes(3, { Invocations: 3 }), { Invocations: 3, Errors: 1 }, { Invocations: 3, Errors: 1 }, ...minutes(5, { Invocations: 3 })];
    expect(rollbackFired(trace)).toEqual([]);
  });

  test('healthy, one noisy minute at full traffic (5% errors once) rolls nothing back: 2 breaching minutes needed', () => {
    const trace = [...minutes(4, { Invocations: 1000, Errors: 2 }), { Invocations: 1000, Errors: 50 }, ...minutes(5, { Invocations: 1000, Errors: 2 })];
    expect(rollbackFired(trace)).toEqual([]);
  });

  test('healthy burst past the reserved cap: the throttle alarm pages, no rollback alarm fires', () => {
    const trace = [...minutes(3, { Invocations: 900 }), ...minutes(4, { Invocations: 900, Throttles: 100 }), ...minutes(3, { Invocations: 900 })];
    expect(fires(byId('PoolSloThrottles'), trace)).toBe(true);
    expect(rollbackFired(trace)).toEqual([]);
  });

  test('healthy burst beyond the warm pool: spillover pages, no rollback alarm fires', () => {
    const trace = minutes(5, { Invocations: 1000, ProvisionedConcurrencySpilloverInvocations: 200 });
    expect(fires(byId('PoolSpilloverAlarm'), trace)).toBe(true);
    expect(rollbackFired(trace)).toEqual([]);
  });

  test('bad version: 3% errors for 2 minutes at full traffic fires the error-rate rollback alarm', () => {
    const trace = [...minutes(3, { Invocations: 1000, Errors: 1 }), ...minutes(2, { Invocations: 1000, Errors: 30 })];
    expect(rollbackFired(trace)).toEqual([expect.stringMatching(/^PoolSloErrorRate/)]);
  });

  test('bad version at 100 requests a minute (the floor) still fires: the floor does not hide real failures', () => {
    const trace = minutes(2, { Invocations: 100, Errors: 5 });
    expect(rollbackFired(trace)).toEqual([expect.stringMatching(/^PoolSloErrorRate/)]);
  });
});

function only(t: Template, type: string): any {
  const all = Object.values(t.findResources(type));
  if (all.length !== 1) { throw new Error(`expected one ${type}, found ${all.length}`); }
  return all[0];
}
