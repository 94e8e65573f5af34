import { Duration } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceLevelObjective } from '../../core/service-level-objective';

/**
 * Fewest requests in a period for a lane-local rate alarm (throttles, spillover) to count it: enough
 * that one request over stays within the threshold, `ceil(100 ÷ threshold)`, at least 10 and at most
 * 1,000. The rule core's SLO uses for `minRequestsPerPeriod` (copied here because core keeps its
 * helper private; to move into lib/core/private).
 * @internal
 */
export function minRequestsFor(thresholdPercent: number): number {
  if (!(thresholdPercent > 0)) { return 1000; }
  return Math.min(1000, Math.max(10, Math.ceil(100 / thresholdPercent - 1e-9)));
}

/** The alias metrics the lane-local alarms read (per period, Sum). */
export interface AliasRateMetrics {
  readonly invocations: cloudwatch.IMetric;
  readonly throttles: cloudwatch.IMetric;
  readonly spillover: cloudwatch.IMetric;
}

/** Spillover alarm settings. */
export interface SpilloverAlarmProps {
  readonly thresholdPercent: number;
  /** Fewer requests than this in a minute count as 0% (a handful of requests cannot trip it). */
  readonly minRequests: number;
  readonly description: string;
}

/**
 * `SpilloverAlarm`: `ProvisionedConcurrencySpilloverInvocations ÷ Invocations` of the alias, per
 * minute, above the threshold in 3 of 5 minutes, once a minute holds at least `minRequests`
 * invocations. It pages; it is never a rollback alarm (a healthy burst beyond the pool trips it,
 * and CodeDeploy's weighted shift splits the pool).
 * @internal
 */
export function spilloverAlarm(scope: Construct, metrics: AliasRateMetrics, props: SpilloverAlarmProps): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'SpilloverAlarm', {
    metric: new cloudwatch.MathExpression({
      expression: `IF(inv >= ${props.minRequests}, 100 * spill / inv, 0)`,
      usingMetrics: { spill: metrics.spillover, inv: metrics.invocations },
      period: Duration.minutes(1),
      label: 'Spillover beyond the warm pool (%)',
    }),
    threshold: props.thresholdPercent,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
}

/** Throttle alarm settings (M of N from the SLO). */
export interface ThrottleAlarmProps {
  readonly thresholdPercent: number;
  readonly minRequests: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly description: string;
}

/**
 * `SloThrottles`: throttled ÷ (invocations + throttled) of the alias, in percent, above the
 * threshold in M of N periods, once a period holds at least `minRequests` requests (invoked or
 * throttled).
 * @internal
 */
export function throttleAlarm(scope: Construct, metrics: AliasRateMetrics, props: ThrottleAlarmProps): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'SloThrottles', {
    metric: new cloudwatch.MathExpression({
      expression: `IF((inv + thr) >= ${props.minRequests}, 100 * thr / (inv + thr), 0)`,
      usingMetrics: { thr: metrics.throttles, inv: metrics.invocations },
      period: props.period,
      label: 'Throttled requests (%)',
    }),
    threshold: props.thresholdPercent,
    evaluationPeriods: props.evaluationPeriods,
    datapointsToAlarm: props.datapointsToAlarm,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
}

/** The alias metrics the SLO watches. @internal */
export interface SloSourceMetrics extends AliasRateMetrics {
  /** `Duration` of the alias. */
  readonly latency: cloudwatch.Metric;
  /** `Errors` of the alias (Sum). */
  readonly errors: cloudwatch.IMetric;
}

/** What {@link renderSloAlarms} built. @internal */
export interface SloAlarms {
  /** Every SLO alarm: latency, error rate, throttles. */
  readonly sloAlarms: cloudwatch.IAlarm[];
  /** The ones CodeDeploy rolls back on. */
  readonly rollbackAlarms: cloudwatch.IAlarm[];
  readonly throttleAlarm: cloudwatch.IAlarm;
  readonly objectives: applicationsignals.CfnServiceLevelObjective[];
  readonly burnRateAlarms: cloudwatch.IAlarm[];
}

/** Throttle alarm threshold (percent) when the SLO has no error-rate target. */
const DEFAULT_MAX_THROTTLE_PERCENT = 1;

/**
 * The SLO's alarms (core renders latency and the error rate from the alias's `Errors` and
 * `Invocations` counts, with its request floor and 2-of-N rule) plus the lane's throttle alarm, which
 * pages and joins the rollback alarms only with `rollbackOnThrottles`.
 * @internal
 */
export function renderSloAlarms(scope: Construct, slo: ServiceLevelObjective, metrics: SloSourceMetrics, opts: { laneName: string; reserved: number; rollbackOnThrottles: boolean }): SloAlarms {
  const rendered = slo.render(scope, 'Slo', {
    laneName: opts.laneName,
    latency: metrics.latency,
    latencyUnit: cloudwatch.Unit.MILLISECONDS,
    // core builds the error rate with its minimum-request guard: IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)
    errors: metrics.errors,
    requests: metrics.invocations,
  });
  const throttleLimit = slo.maxErrorRatePercent ?? DEFAULT_MAX_THROTTLE_PERCENT;
  // The SLO's own floor when it has an error-rate objective (same threshold), else core's rule for this threshold.
  const minRequests = slo.minRequestsPerPeriod ?? minRequestsFor(throttleLimit);
  const throttles = throttleAlarm(scope, metrics, {
    thresholdPercent: throttleLimit,
    minRequests,
    period: slo.period,
    evaluationPeriods: slo.evaluationPeriods,
    datapointsToAlarm: slo.datapointsToAlarm,
    description: `SLO ${opts.laneName}: throttled requests over ${throttleLimit}% (reserved concurrency ${opts.reserved} exhausted) in ${slo.datapointsToAlarm} of ${slo.evaluationPeriods} periods with at least ${minRequests} requests. ${opts.rollbackOnThrottles ? 'Rollouts roll back on it (rollbackOnThrottles).' : 'Pages; not a rollback alarm: throttles measure the reserved-concurrency cap, which a healthy burst reaches too.'}`,
  });
  return {
    sloAlarms: [...rendered.rollbackAlarms, ...rendered.pagingAlarms, throttles],
    rollbackAlarms: [...rendered.rollbackAlarms, ...(opts.rollbackOnThrottles ? [throttles] : [])],
    throttleAlarm: throttles,
    objectives: rendered.objectives,
    burnRateAlarms: rendered.burnRateAlarms,
  };
}

/**
 * `ColdStartMetricFilter`: on-demand cold starts log a `platform.report` with `initDurationMs` (JSON
 * log format); warm-pool environments initialise ahead of traffic and do not. One sample per cold start.
 * @internal
 */
export function coldStartMetricFilter(scope: Construct, logGroup: logs.ILogGroup, metricName: string): void {
  new logs.MetricFilter(scope, 'ColdStartMetricFilter', {
    logGroup,
    filterPattern: logs.FilterPattern.literal('{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'),
    metricNamespace: 'InferenceLanes/Serverless',
    metricName,
    metricValue: '$.record.metrics.initDurationMs',
    unit: cloudwatch.Unit.MILLISECONDS,
  });
}
