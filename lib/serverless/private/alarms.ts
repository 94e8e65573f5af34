import { Duration } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { defaultMinRequests } from '../../core/private/metric-math';
import { ServiceLevelObjective } from '../../core/service-level-objective';

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
 */
function spilloverAlarm(scope: Construct, metrics: AliasRateMetrics, props: SpilloverAlarmProps): cloudwatch.Alarm {
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
 */
function throttleAlarm(scope: Construct, metrics: AliasRateMetrics, props: ThrottleAlarmProps): cloudwatch.Alarm {
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

/** The alias metrics the lane's alarms read (per minute). @internal */
export interface SloSourceMetrics extends AliasRateMetrics {
  /** `Duration` of the alias. */
  readonly latency: cloudwatch.Metric;
  /** `Errors` of the alias (Sum). */
  readonly errors: cloudwatch.IMetric;
}

/** What {@link renderSloAlarms} built. */
interface SloAlarms {
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
 */
function renderSloAlarms(scope: Construct, slo: ServiceLevelObjective, metrics: SloSourceMetrics, opts: { laneName: string; reserved: number; rollbackOnThrottles: boolean }): SloAlarms {
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
  const minRequests = slo.minRequestsPerPeriod ?? requestFloor(throttleLimit);
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
 */
function coldStartMetricFilter(scope: Construct, logGroup: logs.ILogGroup, metricName: string): void {
  new logs.MetricFilter(scope, 'ColdStartMetricFilter', {
    logGroup,
    filterPattern: logs.FilterPattern.literal('{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'),
    metricNamespace: 'InferenceLanes/Serverless',
    metricName,
    metricValue: '$.record.metrics.initDurationMs',
    unit: cloudwatch.Unit.MILLISECONDS,
  });
}

/** The cold-start metric of a function (custom namespace `InferenceLanes/Serverless`). @internal */
export function coldStartMetricName(functionName: string): string {
  return `ColdStartInitDuration-${functionName}`;
}

/**
 * Fewest requests in a period for a lane rate alarm (throttles, spillover) to count it: core's rule
 * (`defaultMinRequests`, the SLO's `minRequestsPerPeriod` default). The thresholds reaching here are
 * concrete percents (resolveProps and the SLO reject tokens), so the rule always has an answer.
 */
function requestFloor(thresholdPercent: number): number {
  const floor = defaultMinRequests(thresholdPercent);
  if (floor === undefined) { throw new Error(`internal: no request floor for threshold ${thresholdPercent}`); }
  return floor;
}

/** What the lane's alarms are built from. @internal */
export interface LaneAlarmsProps {
  /** Alias-wide metrics (dashboards, paging, failover). */
  readonly metrics: SloSourceMetrics;
  readonly logGroup: logs.ILogGroup;
  readonly functionName: string;
  /** The lane in alarm descriptions, e.g. `WarmServerlessFunction (...) assistant`. */
  readonly laneName: string;
  /** Spillover alarm threshold (percent, concrete). */
  readonly maxSpilloverPercent: number;
  readonly slo?: ServiceLevelObjective;
  /** Reserved concurrency (in the throttle alarm's description). */
  readonly reserved: number;
  readonly rollbackOnThrottles: boolean;
}

/** Every alarm of the lane. @internal */
export interface LaneAlarms {
  readonly spilloverAlarm: cloudwatch.IAlarm;
  /** SLO alarms: latency, error rate, throttles (empty without an SLO). */
  readonly sloAlarms: cloudwatch.IAlarm[];
  readonly throttleAlarm?: cloudwatch.IAlarm;
  /** The SLO alarms CodeDeploy rolls back on. */
  readonly rollbackAlarms: cloudwatch.IAlarm[];
  readonly objectives: applicationsignals.CfnServiceLevelObjective[];
  readonly burnRateAlarms: cloudwatch.IAlarm[];
}

/**
 * The one place the lane builds alarms: `ColdStartMetricFilter`, `SpilloverAlarm` (pages), and with an
 * SLO the SLO's alarms, objectives and burn-rate alarms plus `SloThrottles`.
 * @internal
 */
export function buildAlarms(scope: Construct, props: LaneAlarmsProps): LaneAlarms {
  coldStartMetricFilter(scope, props.logGroup, coldStartMetricName(props.functionName));
  const maxSpillover = props.maxSpilloverPercent;
  const spillMinRequests = requestFloor(maxSpillover);
  const spillover = spilloverAlarm(scope, props.metrics, {
    thresholdPercent: maxSpillover,
    minRequests: spillMinRequests,
    description: `${scope.node.path}: more than ${maxSpillover}% of invocations missed the warm pool (provisioned concurrency) in 3 of 5 minutes with at least ${spillMinRequests} invocations a minute; those may pay a cold start. Raise minCapacity, lower the utilization target, or add a schedule before the surge. Pages; never a rollback alarm.`,
  });
  if (!props.slo) {
    return { spilloverAlarm: spillover, sloAlarms: [], rollbackAlarms: [], objectives: [], burnRateAlarms: [] };
  }
  const slo = renderSloAlarms(scope, props.slo, props.metrics, { laneName: props.laneName, reserved: props.reserved, rollbackOnThrottles: props.rollbackOnThrottles });
  return {
    spilloverAlarm: spillover,
    sloAlarms: slo.sloAlarms,
    throttleAlarm: slo.throttleAlarm,
    rollbackAlarms: slo.rollbackAlarms,
    objectives: slo.objectives,
    burnRateAlarms: slo.burnRateAlarms,
  };
}
