import { Duration, Names } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { describeDuration } from './describe';
import { invalid } from './errors';

/**
 * Building blocks of `ServiceLevelObjective.render` (lib/core/service-level-objective.ts): the Application
 * Signals objectives and their burn-rate alarms, and small metric helpers. Not exported from the package.
 */

/**
 * A burn-rate alarm of the Application Signals SLOs: fires when `budgetPercent` of the window's
 * error budget is spent within `lookBackMinutes`.
 */
export interface BurnRateAlarmSpec {
  readonly suffix: string;
  readonly lookBackMinutes: number;
  readonly budgetPercent: number;
}

/** Fast burn: 2% of the budget within 1 hour; slow burn: 5% within 6 hours. */
export const BURN_RATE_ALARMS: BurnRateAlarmSpec[] = [
  { suffix: 'FastBurn', lookBackMinutes: 60, budgetPercent: 2 },
  { suffix: 'SlowBurn', lookBackMinutes: 360, budgetPercent: 5 },
];

/** Burn-rate threshold: `budget × window minutes ÷ look-back minutes`, 6 decimals. */
export function burnRateThreshold(window: Duration, spec: BurnRateAlarmSpec): number {
  const windowMinutes = window.toMinutes();
  return Math.round(spec.budgetPercent / 100 * windowMinutes / spec.lookBackMinutes * 1e6) / 1e6;
}

/** What an objective is judged on. */
export interface ObjectiveShape {
  readonly goalPercent: number;
  readonly period: Duration;
  readonly window: Duration;
}

/** A period-based Application Signals SLO on `metric` (good when at most `threshold`). */
export function renderObjective(scope: Construct, id: string, metric: cloudwatch.IMetric, threshold: number, what: string, shape: ObjectiveShape): applicationsignals.CfnServiceLevelObjective {
  const periodSeconds = shape.period.toSeconds();
  const objective = new applicationsignals.CfnServiceLevelObjective(scope, id, {
    name: 'placeholder',
    description: truncate(`${what} in ${shape.goalPercent}% of ${describeDuration(shape.period)} periods over a rolling ${shape.window.toDays()} days. Burn-rate alarms page on it.`, 1024),
    sli: {
      sliMetric: {
        metricDataQueries: toMetricDataQueries(scope, metric, periodSeconds),
        periodSeconds,
      },
      metricThreshold: threshold,
      comparisonOperator: 'LessThanOrEqualTo',
    },
    goal: {
      attainmentGoal: shape.goalPercent,
      interval: { rollingInterval: { duration: shape.window.toDays(), durationUnit: 'DAY' } },
      warningThreshold: 50,
    },
    burnRateConfigurations: BURN_RATE_ALARMS.map(b => ({ lookBackWindowMinutes: b.lookBackMinutes })),
  });
  // Unique per construct path and led by the stack name; SLO names are unique per account and Region.
  objective.name = Names.uniqueResourceName(objective, { maxLength: 128, separator: '-' });
  return objective;
}

/** The two burn-rate alarms of an objective (`<id>FastBurn`, `<id>SlowBurn`); they page. */
export function renderBurnRateAlarms(scope: Construct, id: string, objective: applicationsignals.CfnServiceLevelObjective, what: string, window: Duration): cloudwatch.Alarm[] {
  return BURN_RATE_ALARMS.map(spec => {
    const threshold = burnRateThreshold(window, spec);
    const alarm = new cloudwatch.Alarm(scope, `${id}${spec.suffix}`, {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/ApplicationSignals',
        metricName: 'BurnRate',
        dimensionsMap: { SloName: objective.name, BurnRateWindowMinutes: String(spec.lookBackMinutes) },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: truncate(`${what}: ${spec.budgetPercent}% of the ${window.toDays()}-day error budget spent within ${spec.lookBackMinutes / 60} hour(s) (burn rate over ${threshold}). Page; rollouts roll back on the SLO's rollback alarms instead.`, 1024),
    });
    alarm.node.addDependency(objective);
    return alarm;
  });
}

/** The metric judged on the SLO's period (the M-of-N math counts periods of that length). */
export function withPeriod(m: cloudwatch.IMetric, period: Duration): cloudwatch.IMetric {
  if (m instanceof cloudwatch.Metric || m instanceof cloudwatch.MathExpression) { return m.with({ period }); }
  return m;
}

/**
 * CloudWatch judges a percentile alarm's datapoint "statistically significant" from `10 / (1 - p)` samples
 * for p >= 0.5 (`10 / p` below): fewer, and `EvaluateLowSampleCountPercentile: ignore` keeps the state.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/percentiles-with-low-samples.html
 */
export function lowSampleCount(percentile: number): number {
  const p = percentile / 100;
  return Math.ceil((p >= 0.5 ? 10 / (1 - p) : 10 / p) - 1e-9);
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/**
 * A CloudWatch metric or metric-math expression as the `MetricDataQueries` of an Application Signals
 * SLI: the metric (or expression) returns data, the metrics an expression uses do not.
 */
export function toMetricDataQueries(scope: Construct, metric: cloudwatch.IMetric, periodSeconds: number): applicationsignals.CfnServiceLevelObjective.MetricDataQueryProperty[] {
  const queries: applicationsignals.CfnServiceLevelObjective.MetricDataQueryProperty[] = [];
  const visit = (m: cloudwatch.IMetric, queryId: string, returnData: boolean) => {
    const config = m.toMetricConfig();
    if (config.metricStat) {
      const stat = config.metricStat;
      queries.push({
        id: queryId,
        metricStat: {
          metric: {
            namespace: stat.namespace,
            metricName: stat.metricName,
            dimensions: stat.dimensions?.map(d => ({ name: d.name, value: String(d.value) })),
          },
          period: periodSeconds,
          stat: stat.statistic,
          unit: stat.unitFilter,
        },
        accountId: stat.accountOverride,
        returnData,
      });
    } else if (config.mathExpression) {
      const math = config.mathExpression;
      queries.push({ id: queryId, expression: math.expression, returnData });
      for (const [usedId, used] of Object.entries(math.usingMetrics)) {
        visit(used, usedId, false);
      }
    } else {
      // Unreachable from render(): the rollback alarm on the same metric rejects search expressions first.
      throw invalid(scope, 'slo', m.toString(), 'watches a search expression, which an Application Signals SLO cannot use', 'Pass a metric or a metric-math expression, or set applicationSignals: false.');
    }
  };
  visit(metric, 'sli', true);
  return queries;
}

export function toUnit(d: Duration, unit: cloudwatch.Unit): number {
  switch (unit) {
    case cloudwatch.Unit.MICROSECONDS: return d.toMilliseconds() * 1000;
    case cloudwatch.Unit.SECONDS: return d.toMilliseconds() / 1000;
    case cloudwatch.Unit.MILLISECONDS: return d.toMilliseconds();
    default:
      throw invalid('ServiceLevelObjective', 'latencyUnit', unit, 'is not a time unit', 'Report latency in MICROSECONDS, MILLISECONDS or SECONDS.');
  }
}
