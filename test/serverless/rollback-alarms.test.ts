import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Rollout, ServiceLevelObjective } from '../../lib';
import { WarmServerlessFunction } from '../../lib/serverless';
import { baseProps, newStack, only } from './fixtures';

/**
 * Issue 17: CodeDeploy judges a Lambda deployment by the alarms of its deployment group. Alarms on the
 * whole alias dilute a bad canary (5% errors on 10% of traffic read ~0.95%), so the rollback alarms
 * read the version being deployed: `AWS/Lambda` with `FunctionName`, `Resource` (`function:alias`) and
 * `ExecutedVersion` = the version the alias points to. Dashboards, paging and Application Signals keep
 * the alias-wide metrics.
 */
const SLO = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
const CANARY = Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) });

function alarmsOf(t: Template): { [id: string]: any } {
  return t.findResources('AWS::CloudWatch::Alarm');
}
function alarm(t: Template, prefix: string): any {
  const found = Object.entries(alarmsOf(t)).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) { throw new Error(`expected one alarm ${prefix}, found ${found.length}`); }
  return found[0][1];
}
/** Every dimension list of an alarm: its own metric's, or each metric of its metric math. */
function dimensionsOf(a: any): any[][] {
  const p = a.Properties;
  if (p.Dimensions) { return [p.Dimensions]; }
  return (p.Metrics as any[]).filter(m => m.MetricStat).map(m => m.MetricStat.Metric.Dimensions);
}
const hasExecutedVersion = (dims: any[]) => dims.some(d => d.Name === 'ExecutedVersion');

describe('rollback alarms watch the new version only', () => {
  let stack: Stack;
  let t: Template;
  let pool: WarmServerlessFunction;
  beforeAll(() => {
    stack = newStack();
    pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: SLO, rollout: CANARY }));
    t = Template.fromStack(stack);
  });

  test('CodeDeploy watches RollbackLatency and RollbackErrorRate, whose metrics carry ExecutedVersion = the version the alias points to', () => {
    const aliasVersion = only(t, 'AWS::Lambda::Alias').Properties.FunctionVersion;
    expect(aliasVersion).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PoolCurrentVersion/), 'Version'] });
    const functionRef = { Ref: expect.stringMatching(/^Pool[0-9A-F]{8}$/) };
    const watched = (only(t, 'AWS::CodeDeploy::DeploymentGroup').Properties.AlarmConfiguration.Alarms as any[]).map(a => a.Name.Ref);
    expect(watched).toEqual([expect.stringMatching(/^PoolRollbackLatency/), expect.stringMatching(/^PoolRollbackErrorRate/)]);
    const metricNames: string[] = [];
    for (const id of watched) {
      const a = alarmsOf(t)[id];
      const dims = dimensionsOf(a);
      expect(dims.length).toBeGreaterThan(0);
      for (const d of dims) {
        expect(d).toEqual([
          { Name: 'ExecutedVersion', Value: aliasVersion },
          { Name: 'FunctionName', Value: functionRef },
          { Name: 'Resource', Value: { 'Fn::Join': ['', [functionRef, ':live']] } },
        ]);
      }
      metricNames.push(...(a.Properties.MetricName ? [a.Properties.MetricName] : a.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName)));
    }
    expect(metricNames.sort()).toEqual(['Duration', 'Errors', 'Invocations']);
    expect(pool.rollbackAlarms.map(a => a.node.id)).toEqual(['RollbackLatency', 'RollbackErrorRate']);
  });

  test('the rollback alarms judge the same objective as the alias-wide SLO alarms (threshold, statistic, M of N, request floor)', () => {
    for (const kind of ['Latency', 'ErrorRate']) {
      const version = alarm(t, `PoolRollback${kind}`).Properties;
      const aliasWide = alarm(t, `PoolSlo${kind}`).Properties;
      for (const p of ['Threshold', 'ComparisonOperator', 'EvaluationPeriods', 'DatapointsToAlarm', 'TreatMissingData', 'ExtendedStatistic', 'Period', 'MetricName']) {
        expect([kind, p, version[p]]).toEqual([kind, p, aliasWide[p]]);
      }
    }
    expect(alarm(t, 'PoolRollbackErrorRate').Properties.Metrics[0].Expression).toBe(alarm(t, 'PoolSloErrorRate').Properties.Metrics[0].Expression);
    expect(alarm(t, 'PoolRollbackLatency').Properties.AlarmDescription).toMatch(/version being deployed: p95 latency over 300 ms/);
  });

  test('a non-default rollback window and confidence reach the version-scoped alarms too (the copy of the SLO keeps them)', () => {
    const s = newStack();
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1, rollbackWindow: Duration.minutes(10), rollbackConfidencePercent: 99 });
    new WarmServerlessFunction(s, 'Pool', baseProps({ slo, rollout: CANARY }));
    const tt = Template.fromStack(s);
    for (const kind of ['Latency', 'ErrorRate']) {
      const version = alarm(tt, `PoolRollback${kind}`).Properties;
      const aliasWide = alarm(tt, `PoolSlo${kind}`).Properties;
      expect([kind, version.Threshold, version.Period ?? version.Metrics[1].MetricStat.Period]).toEqual([kind, aliasWide.Threshold, aliasWide.Period ?? aliasWide.Metrics[1].MetricStat.Period]);
      expect(version.Period ?? version.Metrics[1].MetricStat.Period).toBe(600);
    }
    expect(alarm(tt, 'PoolRollbackErrorRate').Properties.Threshold).toBe(slo.rollbackErrorTestThreshold);
    expect(slo.rollbackErrorTestThreshold).not.toBe(9.5495);
  });

  test('descriptions: the version-scoped alarms say rollouts roll back on them; the alias-wide SloLatency/SloErrorRate say they page and name the alarm CodeDeploy watches instead', () => {
    for (const kind of ['Latency', 'ErrorRate']) {
      expect(alarm(t, `PoolRollback${kind}`).Properties.AlarmDescription).toMatch(/version being deployed: .*Rollouts roll back on it\.$/);
      const aliasWide: string = alarm(t, `PoolSlo${kind}`).Properties.AlarmDescription;
      expect(aliasWide).not.toMatch(/Rollouts roll back on it/);
      expect(aliasWide).toMatch(new RegExp(`^SLO WarmServerlessFunction .* Whole alias: pages \\(and drives a front door's failover\\)\\. Not a rollback alarm: during a deployment it mixes both versions; CodeDeploy rolls back on Rollback${kind}, the same objective on the version being deployed\\.$`));
      expect(aliasWide.length).toBeLessThanOrEqual(1024);
    }
    // core's objective text is kept
    expect(alarm(t, 'PoolSloErrorRate').Properties.AlarmDescription).toMatch(/error rate above 1% over the last 5 minutes .*at least 100 requests\. Whole alias/);
  });

  test('dashboards, paging and Application Signals stay alias-wide: no ExecutedVersion outside the rollback alarms', () => {
    for (const [id, a] of Object.entries(alarmsOf(t))) {
      if (id.startsWith('PoolRollback')) { continue; }
      if (a.Properties.Namespace === 'AWS/ApplicationSignals') { continue; } // burn-rate alarms: SloName dimension
      for (const d of dimensionsOf(a)) { expect([id, hasExecutedVersion(d)]).toEqual([id, false]); }
    }
    expect(pool.sloAlarms.map(a => a.node.id)).toEqual(['SloLatency', 'SloErrorRate', 'SloThrottles']);
    // Application Signals SLOs: only the alias-wide ones (an SLO on a per-version metric would restart at every deploy)
    const objectives = t.findResources('AWS::ApplicationSignals::ServiceLevelObjective');
    expect(Object.keys(objectives)).toEqual([expect.stringMatching(/^PoolSloLatencyObjective/), expect.stringMatching(/^PoolSloErrorRateObjective/)]);
    expect(JSON.stringify(objectives)).not.toContain('ExecutedVersion');
    for (const m of [pool.metricErrors(), pool.metricInvocations(), pool.metricLatency(), ...pool.saturationMetrics]) {
      expect(JSON.stringify(stack.resolve(m!.toMetricConfig()))).not.toContain('ExecutedVersion');
    }
  });

  test('CloudFormation updates the rollback alarms before the alias (whose update starts the deployment); the warm pool under the alias gets no such dependency', () => {
    const aliasRes = only(t, 'AWS::Lambda::Alias');
    expect([...aliasRes.DependsOn].sort()).toEqual([expect.stringMatching(/^PoolRollbackErrorRate/), expect.stringMatching(/^PoolRollbackLatency/)]);
    expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').DependsOn).toBeUndefined();
  });
});

describe('without a rollout, or with throttles', () => {
  test('no rollout: no Rollback* alarms, the SLO alarms read the alias (described as paging only), and the alias has no added dependency', () => {
    const stack = newStack();
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: SLO }));
    const t = Template.fromStack(stack);
    expect(Object.keys(alarmsOf(t)).filter(id => id.startsWith('PoolRollback'))).toEqual([]);
    expect(dimensionsOf(alarm(t, 'PoolSloLatency')).some(hasExecutedVersion)).toBe(false);
    expect(only(t, 'AWS::Lambda::Alias').DependsOn).toBeUndefined();
    expect(pool.rollbackAlarms).toEqual([]);
    for (const kind of ['Latency', 'ErrorRate']) {
      expect(alarm(t, `PoolSlo${kind}`).Properties.AlarmDescription).toMatch(/ Whole alias: pages \(and drives a front door's failover\)\. Not a rollback alarm: no rollout is set\.$/);
    }
  });

  test('applicationSignals: false renders the same version-scoped rollback alarms', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1, applicationSignals: false }), rollout: CANARY }));
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApplicationSignals::ServiceLevelObjective', 0);
    expect(dimensionsOf(alarm(t, 'PoolRollbackErrorRate')).every(hasExecutedVersion)).toBe(true);
  });

  test('rollbackOnThrottles: the throttle alarm joins the rollback alarms and stays alias-wide (the reserved cap is shared by both versions)', () => {
    const stack = newStack();
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: SLO, rollout: CANARY, rollbackOnThrottles: true }));
    const t = Template.fromStack(stack);
    expect(pool.rollbackAlarms.map(a => a.node.id)).toEqual(['RollbackLatency', 'RollbackErrorRate', 'SloThrottles']);
    expect(dimensionsOf(alarm(t, 'PoolSloThrottles')).some(hasExecutedVersion)).toBe(false);
  });
});
