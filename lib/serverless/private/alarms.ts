import { Duration } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { defaultMinRequests } from '../../core/private/metric-math';
import { ServiceLevelObjective, SloMetricSource } from '../../core/service-level-objective';

/** The alias metrics the lane-local alarms read (per period, Sum). */
export interface AliasRateMetrics {
  readonly invocations: cloudwatch.IMetric;
  readonly throttles: cloudwatch.IMetric;
  readonly spillover: cloudwatch.IMetric;
}

/** Spillover alarm settings. */
interface SpilloverAlarmProps {
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
interface ThrottleAlarmProps {
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

/** How the SLO alarms are described and which ones roll back. */
interface SloAlarmOptions {
  readonly laneName: string;
  readonly reserved: number;
  readonly rollbackOnThrottles: boolean;
  /** The alias CodeDeploy shifts, when there is a rollout: its rollback alarms watch the new version only. */
  readonly deployedAlias?: lambda.Alias;
}

/**
 * The SLO's alarms (core renders latency and the error rate from `Errors` and `Invocations` counts,
 * with its request floor and M-of-N rule) plus the lane's throttle alarm, which pages and joins the
 * rollback alarms only with `rollbackOnThrottles`.
 *
 * - `SloLatency`, `SloErrorRate` (+ Application Signals SLOs and burn-rate alarms): the whole alias,
 *   for paging, failover and dashboards;
 * - with a rollout, `RollbackLatency`, `RollbackErrorRate`: the same objective on the version being
 *   deployed only (see {@link newVersionMetrics}). These are the alarms CodeDeploy watches.
 */
function renderSloAlarms(scope: Construct, slo: ServiceLevelObjective, metrics: SloSourceMetrics, opts: SloAlarmOptions): SloAlarms {
  const rendered = slo.render(scope, 'Slo', sloSource(opts.laneName, metrics));
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
  // Core describes its rollback alarms as what rollouts roll back on; the alias-wide ones are not (see describeAliasWide).
  rendered.rollbackAlarms.forEach(a => describeAliasWide(a, opts.deployedAlias !== undefined));
  let versionAlarms: cloudwatch.IAlarm[] = rendered.rollbackAlarms;
  if (opts.deployedAlias) {
    // Alarms only: an Application Signals SLO on a per-version metric would restart its window at every deploy.
    versionAlarms = alarmsOnly(slo).render(scope, 'Rollback', sloSource(`${opts.laneName}, version being deployed`, newVersionMetrics(opts.deployedAlias))).rollbackAlarms;
    // CloudFormation updates these alarms to the new version before it updates the alias (the
    // AWS::Lambda::Alias resource only, not the warm pool under it), which starts the deployment.
    opts.deployedAlias.node.defaultChild!.node.addDependency(...versionAlarms);
  }
  return {
    sloAlarms: [...rendered.rollbackAlarms, ...rendered.pagingAlarms, throttles],
    rollbackAlarms: [...versionAlarms, ...(opts.rollbackOnThrottles ? [throttles] : [])],
    throttleAlarm: throttles,
    objectives: rendered.objectives,
    burnRateAlarms: rendered.burnRateAlarms,
  };
}

/** The sentence core ends each rollback alarm's description with. */
const CORE_ROLLBACK_SENTENCE = ' Rollouts roll back on it.';

/**
 * Rewrites the end of an alias-wide SLO alarm's description (`SloLatency`, `SloErrorRate`): core
 * renders them as rollback alarms ("Rollouts roll back on it."), but CodeDeploy watches the
 * version-scoped `RollbackLatency` / `RollbackErrorRate` instead, and without a rollout nothing rolls
 * back. The alarm pages (and a front door fails over on the lane's `sloAlarms`). Done here, on the
 * rendered `AWS::CloudWatch::Alarm`, until core's `render` can be told the alarms only page.
 */
function describeAliasWide(alarm: cloudwatch.Alarm, withRollout: boolean): void {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const core = cfn.alarmDescription ?? '';
  const what = core.endsWith(CORE_ROLLBACK_SENTENCE) ? core.slice(0, -CORE_ROLLBACK_SENTENCE.length) : core;
  const versionScoped = alarm.node.id.replace(/^Slo/, 'Rollback');
  cfn.alarmDescription = `${what} Whole alias: pages (and drives a front door's failover). ${withRollout
    ? `Not a rollback alarm: during a deployment it mixes both versions; CodeDeploy rolls back on ${versionScoped}, the same objective on the version being deployed.`
    : 'Not a rollback alarm: no rollout is set.'}`;
}

function sloSource(laneName: string, metrics: Pick<SloSourceMetrics, 'latency' | 'errors' | 'invocations'>): SloMetricSource {
  return {
    laneName,
    latency: metrics.latency,
    latencyUnit: cloudwatch.Unit.MILLISECONDS,
    // core builds the error rate with its minimum-request guard: IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)
    errors: metrics.errors,
    requests: metrics.invocations,
  };
}

/**
 * `Duration`, `Errors` and `Invocations` of the version the alias points at, as invoked through the
 * alias: `AWS/Lambda` with dimensions `FunctionName`, `Resource` (`function:alias`) and
 * `ExecutedVersion` (the new version's number, `Fn::GetAtt <Version>.Version`). While CodeDeploy
 * shifts 10% to a version with 5% errors beside an old one at 0.5%, the alias-wide rate reads ~0.95%
 * and passes a 1% objective; the new version's own rate reads 5%. Lambda publishes this dimension set
 * for invocations through an alias (Lambda Developer Guide, monitoring metrics: "By Executed Version
 * (ExecutedVersion) – View metrics for a combination of alias and version. Use the ExecutedVersion
 * dimension to compare error rates for two versions of a function that are both targets of a weighted
 * alias"; CloudFormation's metric specs list `ExecutedVersion, FunctionName, Resource` for `Duration`,
 * `Errors` and `Invocations`).
 */
function newVersionMetrics(alias: lambda.Alias): Pick<SloSourceMetrics, 'latency' | 'errors' | 'invocations'> {
  const functionName = alias.version.lambda.functionName;
  const metric = (metricName: string, statistic: string) => new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: functionName, Resource: `${functionName}:${alias.aliasName}`, ExecutedVersion: alias.version.version },
    statistic,
    period: Duration.minutes(1),
  });
  return { latency: metric('Duration', 'Average'), errors: metric('Errors', 'Sum'), invocations: metric('Invocations', 'Sum') };
}

/**
 * The same objective without Application Signals (period, M of N, thresholds, request floor, rollback
 * window and confidence copied; `window` only shapes Application Signals and is left out), for alarms
 * that must not create SLOs of their own.
 */
function alarmsOnly(slo: ServiceLevelObjective): ServiceLevelObjective {
  if (!slo.applicationSignals) { return slo; }
  return new ServiceLevelObjective({
    latencyPercentile: slo.latencyPercentile,
    latencyThreshold: slo.latencyThreshold,
    goalPercent: slo.goalPercent,
    maxErrorRatePercent: slo.maxErrorRatePercent,
    maxTimeInQueue: slo.maxTimeInQueue,
    period: slo.period,
    evaluationPeriods: slo.evaluationPeriods,
    minBreachingPeriods: slo.minBreachingPeriods,
    minRequestsPerPeriod: slo.minRequestsPerPeriod,
    rollbackWindow: slo.rollbackWindow,
    rollbackConfidencePercent: slo.rollbackConfidencePercent,
    applicationSignals: false,
  });
}

/**
 * `ColdStartMetricFilter`: on-demand cold starts log a `platform.report` with `initDurationMs` (JSON
 * log format); warm-pool environments initialise ahead of traffic and do not. One sample per cold start.
 * With SnapStart a new environment resumes from the snapshot instead: its `platform.report` carries
 * `restoreDurationMs` (Telemetry API report metrics), which the filter reads instead.
 */
function coldStartMetricFilter(scope: Construct, logGroup: logs.ILogGroup, metricName: string, field: 'initDurationMs' | 'restoreDurationMs'): void {
  new logs.MetricFilter(scope, 'ColdStartMetricFilter', {
    logGroup,
    filterPattern: logs.FilterPattern.literal(`{ $.type = "platform.report" && $.record.metrics.${field} > 0 }`),
    metricNamespace: 'InferenceLanes/Serverless',
    metricName,
    metricValue: `$.record.metrics.${field}`,
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
  /** Spillover alarm threshold (percent, concrete); undefined with SnapStart (no warm pool, no alarm). */
  readonly maxSpilloverPercent?: number;
  readonly slo?: ServiceLevelObjective;
  /** Reserved concurrency (in the throttle alarm's description). */
  readonly reserved: number;
  readonly rollbackOnThrottles: boolean;
  /**
   * The alias CodeDeploy shifts, when there is a rollout: the SLO's rollback alarms then watch the
   * version being deployed (`RollbackLatency`, `RollbackErrorRate`).
   *
   * @default - no rollout: the SLO alarms watch the alias
   */
  readonly deployedAlias?: lambda.Alias;
}

/** Every alarm of the lane. @internal */
export interface LaneAlarms {
  readonly spilloverAlarm?: cloudwatch.IAlarm;
  /** SLO alarms: latency, error rate, throttles (empty without an SLO). */
  readonly sloAlarms: cloudwatch.IAlarm[];
  readonly throttleAlarm?: cloudwatch.IAlarm;
  /** The SLO alarms CodeDeploy rolls back on (version-scoped with a rollout). */
  readonly rollbackAlarms: cloudwatch.IAlarm[];
  readonly objectives: applicationsignals.CfnServiceLevelObjective[];
  readonly burnRateAlarms: cloudwatch.IAlarm[];
}

/**
 * The one place the lane builds alarms: `ColdStartMetricFilter`, `SpilloverAlarm` (pages), and with an
 * SLO the SLO's alarms, objectives and burn-rate alarms plus `SloThrottles` (the whole alias), and with
 * a rollout too the rollback alarms on the version being deployed.
 * @internal
 */
export function buildAlarms(scope: Construct, props: LaneAlarmsProps): LaneAlarms {
  coldStartMetricFilter(scope, props.logGroup, coldStartMetricName(props.functionName), props.maxSpilloverPercent === undefined ? 'restoreDurationMs' : 'initDurationMs');
  const maxSpillover = props.maxSpilloverPercent;
  const spillMinRequests = maxSpillover === undefined ? 0 : requestFloor(maxSpillover);
  const spillover = maxSpillover === undefined ? undefined : spilloverAlarm(scope, props.metrics, {
    thresholdPercent: maxSpillover,
    minRequests: spillMinRequests,
    description: `${scope.node.path}: more than ${maxSpillover}% of invocations missed the warm pool (provisioned concurrency) in 3 of 5 minutes with at least ${spillMinRequests} invocations a minute; those may pay a cold start. Raise minCapacity, lower the utilization target, or add a schedule before the surge. Pages; never a rollback alarm.`,
  });
  if (!props.slo) {
    return { spilloverAlarm: spillover, sloAlarms: [], rollbackAlarms: [], objectives: [], burnRateAlarms: [] };
  }
  const slo = renderSloAlarms(scope, props.slo, props.metrics, {
    laneName: props.laneName, reserved: props.reserved, rollbackOnThrottles: props.rollbackOnThrottles, deployedAlias: props.deployedAlias,
  });
  return {
    spilloverAlarm: spillover,
    sloAlarms: slo.sloAlarms,
    throttleAlarm: slo.throttleAlarm,
    rollbackAlarms: slo.rollbackAlarms,
    objectives: slo.objectives,
    burnRateAlarms: slo.burnRateAlarms,
  };
}
