import { Duration, Names, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { checkInteger, checkRange, invalid, isConcreteNumber } from './private/errors';
import { defaultMinRequests, errorRatePercent } from './private/metric-math';
import { checkDuration, checkOneOf, checkPropsObject, describeDuration, describeValue, durationMillis } from './private/validation';

/**
 * Props of {@link ServiceLevelObjective}.
 */
export interface ServiceLevelObjectiveProps {
  /**
   * Latency percentile the objective is about (50, 95, 99, ...).
   *
   * @default 95
   */
  readonly latencyPercentile?: number;

  /**
   * The latency the percentile must stay under.
   *
   * @default - no latency objective
   */
  readonly latencyThreshold?: Duration;

  /**
   * Share of periods (minutes) that must meet the objective, percent.
   *
   * @default 99
   */
  readonly goalPercent?: number;

  /**
   * Highest acceptable error rate, percent of requests.
   *
   * @default - no error-rate objective
   */
  readonly maxErrorRatePercent?: number;

  /**
   * Longest a queued job may wait (batch lanes).
   *
   * @default - no queue-age objective
   */
  readonly maxTimeInQueue?: Duration;

  /**
   * Length of one period the objective is judged on.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * Number of periods an alarm looks at. The alarm fires when more periods than the goal allows
   * breach within this window, and at least `minBreachingPeriods` (see {@link datapointsToAlarm}).
   *
   * @default 10
   */
  readonly evaluationPeriods?: number;

  /**
   * Fewest breaching periods (of `evaluationPeriods`) that fire a rollback alarm, whatever the goal
   * allows. One noisy minute must not roll back a healthy version on SageMaker, CodeDeploy or ECS:
   * at the default goal (99%, N = 10) the goal alone would fire on 1 breaching period of 10.
   * At most `evaluationPeriods`. 1 restores the goal-only rule.
   *
   * @default 2
   */
  readonly minBreachingPeriods?: number;

  /**
   * Fewest requests in a period for its error rate to count: a period with fewer requests reads as
   * 0% in the error-rate alarm (`IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)`), so a
   * handful of requests at low traffic cannot trip it. Applies to error-rate objectives of lanes that
   * offer error and request counts (`SloMetricSource.errors` and `requests`).
   *
   * @default - enough requests that one failed request stays within `maxErrorRatePercent`:
   * `ceil(100 ÷ maxErrorRatePercent)`, at least 10 and at most 1,000 (100 for 1%, 20 for 5%,
   * 1,000 for 0.1% or less)
   */
  readonly minRequestsPerPeriod?: number;

  /**
   * Also render each objective as a period-based CloudWatch Application Signals SLO
   * (`AWS::ApplicationSignals::ServiceLevelObjective`) on the same metric, with `goalPercent` as its
   * attainment goal, `period` as its period, a rolling `window`, burn-rate look-back windows of 60 and
   * 360 minutes, and two burn-rate alarms per objective that page (see {@link ServiceLevelObjective.render}).
   *
   * Application Signals judges periods of 1 to 15 minutes: with a 10- or 30-second `period`, set this
   * to false.
   *
   * @default true
   */
  readonly applicationSignals?: boolean;

  /**
   * The rolling interval of the Application Signals SLOs: the window whose error budget the burn-rate
   * alarms watch. Whole days. 28 days holds four of every weekday, so weekly traffic patterns weigh
   * the same in every window.
   *
   * @default Duration.days(28)
   */
  readonly window?: Duration;
}

/**
 * The metrics a lane offers an SLO to watch.
 */
export interface SloMetricSource {
  /** Lane name for alarm descriptions, e.g. `ManagedEndpoint chat-baseline`. */
  readonly laneName: string;

  /**
   * A latency metric of the lane; the statistic is replaced by the SLO's percentile.
   *
   * @default - the lane has no latency metric: a latency objective is an error
   */
  readonly latency?: cloudwatch.Metric;

  /**
   * Unit the latency metric is reported in.
   *
   * @default cloudwatch.Unit.MILLISECONDS
   */
  readonly latencyUnit?: cloudwatch.Unit;

  /**
   * Failed requests, a count (its statistic becomes Sum). With `requests`, the SLO builds the error
   * rate itself: `IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)`.
   *
   * @default - the lane has no error metric: an error-rate objective is an error (unless
   * `errorRatePercent` is given)
   */
  readonly errors?: cloudwatch.IMetric;

  /**
   * All requests, a count (its statistic becomes Sum); the denominator of the error rate.
   *
   * @default - the lane has no request metric: an error-rate objective is an error (unless
   * `errorRatePercent` is given)
   */
  readonly requests?: cloudwatch.IMetric;

  /**
   * Error rate in percent, computed by the lane.
   *
   * @deprecated Pass `errors` and `requests` instead: only then does the error-rate alarm ignore
   * periods with fewer than `minRequestsPerPeriod` requests. Used as given when `errors` and
   * `requests` are absent.
   * @default - the lane has no error metric: an error-rate objective is an error
   */
  readonly errorRatePercent?: cloudwatch.IMetric;

  /**
   * Age of the oldest queued job, in seconds.
   *
   * @default - the lane has no queue: a time-in-queue objective is an error
   */
  readonly queueAgeSeconds?: cloudwatch.IMetric;
}

/**
 * What {@link ServiceLevelObjective.render} created for one lane.
 */
export interface ServiceLevelObjectiveResources {
  /**
   * The M-of-N CloudWatch alarms rollouts roll back on (percentile statistic, `datapointsToAlarm` of
   * `evaluationPeriods`) about the health of the version: construct IDs `<id>Latency`, `<id>ErrorRate`.
   */
  readonly rollbackAlarms: cloudwatch.Alarm[];

  /**
   * M-of-N alarms that page but must not roll a deployment back: `<id>TimeInQueue`. Queue age
   * measures capacity, not the health of a version; a backlog from before a deploy would roll back a
   * healthy version.
   */
  readonly pagingAlarms: cloudwatch.Alarm[];

  /**
   * The period-based Application Signals SLOs, one per objective: construct IDs
   * `<id>LatencyObjective`, `<id>ErrorRateObjective`, `<id>TimeInQueueObjective`. Empty when
   * `applicationSignals` is false.
   */
  readonly objectives: applicationsignals.CfnServiceLevelObjective[];

  /**
   * Burn-rate alarms on the objectives' `AWS/ApplicationSignals` `BurnRate` metric, two per objective:
   * `<id><Objective>FastBurn` (2% of the window's error budget spent within 1 hour) and
   * `<id><Objective>SlowBurn` (5% within 6 hours). They page; rollouts do not roll back on them.
   */
  readonly burnRateAlarms: cloudwatch.Alarm[];
}

/**
 * A burn-rate alarm of the Application Signals SLOs: fires when `budgetPercent` of the window's
 * error budget is spent within `lookBackMinutes`.
 */
interface BurnRateAlarmSpec {
  readonly suffix: string;
  readonly lookBackMinutes: number;
  readonly budgetPercent: number;
}

const BURN_RATE_ALARMS: BurnRateAlarmSpec[] = [
  { suffix: 'FastBurn', lookBackMinutes: 60, budgetPercent: 2 },
  { suffix: 'SlowBurn', lookBackMinutes: 360, budgetPercent: 5 },
];

/**
 * A service level objective, e.g. "p95 under 200 ms for 99% of minutes" and "errors under 1%".
 * It renders CloudWatch alarms that rollouts roll back on — one source of truth for the lane — and,
 * where AWS offers them, period-based CloudWatch Application Signals SLOs on the same metrics with
 * burn-rate alarms that page.
 *
 * @example
 * const slo = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
 */
export class ServiceLevelObjective {
  /** A latency objective: percentile `percentile` under `threshold`, plus optional other targets. */
  public static latency(percentile: number, threshold: Duration, options: ServiceLevelObjectiveProps = {}): ServiceLevelObjective {
    return new ServiceLevelObjective({ ...options, latencyPercentile: percentile, latencyThreshold: threshold });
  }

  /** A batch objective: no job waits longer than `maxWait`. */
  public static timeInQueue(maxWait: Duration, options: ServiceLevelObjectiveProps = {}): ServiceLevelObjective {
    return new ServiceLevelObjective({ ...options, maxTimeInQueue: maxWait });
  }

  /** Latency percentile. */
  public readonly latencyPercentile: number;
  /** Latency threshold. */
  public readonly latencyThreshold?: Duration;
  /** Goal, percent of periods. */
  public readonly goalPercent: number;
  /** Highest error rate, percent. */
  public readonly maxErrorRatePercent?: number;
  /** Longest time in queue. */
  public readonly maxTimeInQueue?: Duration;
  /** Period. */
  public readonly period: Duration;
  /** Evaluation periods. */
  public readonly evaluationPeriods: number;
  /** Fewest breaching periods that fire a rollback alarm. */
  public readonly minBreachingPeriods: number;
  /**
   * Fewest requests in a period for its error rate to count (see
   * {@link ServiceLevelObjectiveProps.minRequestsPerPeriod}); undefined without an error-rate objective.
   */
  public readonly minRequestsPerPeriod?: number;
  /** Whether Application Signals SLOs (and burn-rate alarms) are rendered too. */
  public readonly applicationSignals: boolean;
  /** Rolling interval of the Application Signals SLOs. */
  public readonly window: Duration;

  constructor(props: ServiceLevelObjectiveProps) {
    const where = 'ServiceLevelObjective';
    checkPropsObject(where, 'props', props, 'Pass e.g. { latencyThreshold: Duration.millis(200) } or { maxErrorRatePercent: 1 }.');
    checkRange(where, 'latencyPercentile', props.latencyPercentile, 0.1, 99.99, 'Pass a percentile such as 50, 95 or 99.');
    checkRange(where, 'goalPercent', props.goalPercent, 50, 99.99, 'Pass a goal such as 99 (percent of minutes meeting the objective).');
    checkRange(where, 'maxErrorRatePercent', props.maxErrorRatePercent, 0, 100, 'Pass a percent from 0 to 100.');
    checkInteger(where, 'evaluationPeriods', props.evaluationPeriods, 1, 1440);
    checkDuration(where, 'latencyThreshold', props.latencyThreshold, { unit: 'milliseconds', fix: 'Pass a whole number of milliseconds, e.g. Duration.millis(200).' });
    if (props.latencyThreshold && !props.latencyThreshold.isUnresolved() && durationMillis(props.latencyThreshold) <= 0) {
      throw invalid(where, 'latencyThreshold', props.latencyThreshold, 'must be greater than 0', 'Pass e.g. Duration.millis(200).');
    }
    checkDuration(where, 'maxTimeInQueue', props.maxTimeInQueue, { unit: 'seconds', min: Duration.seconds(1), fix: 'Pass a whole number of seconds, e.g. Duration.minutes(30).' });
    checkOneOf(where, 'applicationSignals', props.applicationSignals, [true, false]);
    if (!props.latencyThreshold && props.maxErrorRatePercent === undefined && !props.maxTimeInQueue) {
      throw invalid(where, 'props', '{}', 'sets no objective', 'Set latencyThreshold, maxErrorRatePercent or maxTimeInQueue.');
    }
    const period = props.period ?? Duration.minutes(1);
    checkDuration(where, 'period', period, { unit: 'seconds', fix: 'Pass 10 s, 30 s or a whole number of minutes.' });
    if (!period.isUnresolved() && (period.toSeconds() < 10 || (period.toSeconds() >= 60 && period.toSeconds() % 60 !== 0) || (period.toSeconds() < 60 && ![10, 30].includes(period.toSeconds())))) {
      // CloudWatch alarms take 10, 20, 30 s or whole minutes; aws-cdk-lib metrics take 1, 5, 10, 30 s or whole minutes.
      throw invalid(where, 'period', period, 'is not a CloudWatch alarm period', 'Pass 10 s, 30 s or a whole number of minutes.');
    }
    const n = props.evaluationPeriods ?? 10;
    if (!period.isUnresolved() && isConcreteNumber(n)) {
      // PutMetricAlarm: Period × EvaluationPeriods at most 1 day for periods under 1 hour, 7 days otherwise.
      const limit = period.toSeconds() < 3600 ? 86_400 : 604_800;
      if (period.toSeconds() * n > limit) {
        throw invalid(where, 'evaluationPeriods', n, `× period (${describeValue(period)}) spans ${period.toSeconds() * n} s; a CloudWatch alarm looks back at most ${limit === 86_400 ? '1 day (periods under 1 hour)' : '7 days'}`,
          `Pass evaluationPeriods of at most ${Math.floor(limit / period.toSeconds())}, or a longer period.`);
      }
    }
    this.latencyPercentile = props.latencyPercentile ?? 95;
    this.latencyThreshold = props.latencyThreshold;
    this.goalPercent = props.goalPercent ?? 99;
    this.maxErrorRatePercent = props.maxErrorRatePercent;
    this.maxTimeInQueue = props.maxTimeInQueue;
    const applicationSignals = props.applicationSignals ?? true;
    if (applicationSignals && !period.isUnresolved() && (period.toSeconds() < 60 || period.toSeconds() > 900)) {
      throw invalid(where, 'period', period, 'cannot be the period of an Application Signals SLO (1 to 15 minutes)',
        'Use a period of 1 to 15 minutes, or pass applicationSignals: false to render only the CloudWatch alarms.');
    }
    if (!applicationSignals && props.window !== undefined) {
      throw invalid(where, 'window', props.window, 'applies to Application Signals SLOs, which applicationSignals: false turns off',
        'Drop window, or drop applicationSignals: false.');
    }
    const window = props.window ?? Duration.days(28);
    checkDuration(where, 'window', window, { unit: 'milliseconds', fix: 'Pass e.g. Duration.days(28).' });
    if (!window.isUnresolved() && (window.toMilliseconds() < DAY_MS || window.toMilliseconds() % DAY_MS !== 0)) {
      throw invalid(where, 'window', window, 'must be a whole number of days (at least 1)', 'Pass e.g. Duration.days(28).');
    }
    this.period = period;
    this.evaluationPeriods = props.evaluationPeriods ?? 10;
    for (const [prop, v] of [['evaluationPeriods', props.evaluationPeriods], ['goalPercent', props.goalPercent], ['minBreachingPeriods', props.minBreachingPeriods]] as const) {
      if (v !== undefined && Token.isUnresolved(v)) {
        // DatapointsToAlarm is computed from these at synth; a token would be silently replaced.
        throw invalid(where, prop, v, 'cannot be a token: the alarms\' DatapointsToAlarm is computed from it at synth', `Pass a concrete ${prop}.`);
      }
    }
    if (props.latencyPercentile !== undefined && Token.isUnresolved(props.latencyPercentile)) {
      throw invalid(where, 'latencyPercentile', props.latencyPercentile, 'cannot be a token: it names the CloudWatch statistic (p95) at synth', 'Pass a concrete percentile such as 95.');
    }
    checkInteger(where, 'minBreachingPeriods', props.minBreachingPeriods, 1, 1440);
    this.minBreachingPeriods = props.minBreachingPeriods ?? 2;
    if (isConcreteNumber(this.evaluationPeriods) && isConcreteNumber(this.minBreachingPeriods) && this.minBreachingPeriods > this.evaluationPeriods) {
      const which = props.minBreachingPeriods === undefined ? 'minBreachingPeriods (default 2)' : 'minBreachingPeriods';
      throw invalid(where, props.minBreachingPeriods === undefined ? 'evaluationPeriods' : 'minBreachingPeriods',
        props.minBreachingPeriods === undefined ? this.evaluationPeriods : this.minBreachingPeriods,
        `leaves fewer evaluation periods (${this.evaluationPeriods}) than ${which} (${this.minBreachingPeriods}): the alarm could never fire`,
        `Raise evaluationPeriods to at least ${this.minBreachingPeriods}, or pass minBreachingPeriods: ${this.evaluationPeriods}.`);
    }
    if (props.minRequestsPerPeriod !== undefined && props.maxErrorRatePercent === undefined) {
      throw invalid(where, 'minRequestsPerPeriod', props.minRequestsPerPeriod, 'applies to an error-rate objective, and there is none', 'Drop minRequestsPerPeriod, or set maxErrorRatePercent.');
    }
    checkInteger(where, 'minRequestsPerPeriod', props.minRequestsPerPeriod, 1, Number.MAX_SAFE_INTEGER, 'Pass a whole number of requests of at least 1 (1 counts every period that has a request).');
    if (props.minRequestsPerPeriod === undefined && props.maxErrorRatePercent !== undefined && !isConcreteNumber(props.maxErrorRatePercent)) {
      throw invalid(where, 'minRequestsPerPeriod', undefined, 'cannot default: it derives from maxErrorRatePercent, which is a token (unknown until deploy)',
        'Pass minRequestsPerPeriod explicitly (e.g. 100 for a 1% objective).');
    }
    this.minRequestsPerPeriod = props.maxErrorRatePercent === undefined ? undefined
      : props.minRequestsPerPeriod ?? defaultMinRequests(props.maxErrorRatePercent);
    this.applicationSignals = applicationSignals;
    this.window = window;
  }

  /**
   * Burn-rate threshold of the fast-burn alarm: 2% of the window's error budget spent within 1 hour
   * (`0.02 × window minutes ÷ 60`; 14.4 for a 30-day window, 13.44 for the default 28 days).
   */
  public get fastBurnRateThreshold(): number {
    return this.burnRateThreshold(BURN_RATE_ALARMS[0]);
  }

  /**
   * Burn-rate threshold of the slow-burn alarm: 5% of the window's error budget spent within 6 hours
   * (`0.05 × window minutes ÷ 360`; 6 for a 30-day window, 5.6 for the default 28 days).
   */
  public get slowBurnRateThreshold(): number {
    return this.burnRateThreshold(BURN_RATE_ALARMS[1]);
  }

  /** CloudWatch percentile statistic, e.g. `p95`. */
  public get latencyStatistic(): string {
    return `p${this.latencyPercentile}`;
  }

  /**
   * How many breaching periods of `evaluationPeriods` fire the alarm: the first period beyond what
   * the goal allows, and at least `minBreachingPeriods`:
   * `max(minBreachingPeriods, floor(N × (1 - goal)) + 1)` (2 of 10 at the defaults).
   */
  public get datapointsToAlarm(): number {
    const byGoal = Math.floor(this.evaluationPeriods * (1 - this.goalPercent / 100) + 1e-9) + 1;
    return Math.min(this.evaluationPeriods, Math.max(this.minBreachingPeriods, byGoal));
  }

  /** Text such as `p95 < 300 ms for 99% of 1-minute periods`. */
  public toString(): string {
    const parts: string[] = [];
    if (this.latencyThreshold) { parts.push(`p${this.latencyPercentile} < ${this.latencyThreshold.toMilliseconds()} ms`); }
    if (this.maxErrorRatePercent !== undefined) { parts.push(`errors < ${this.maxErrorRatePercent}%`); }
    if (this.maxTimeInQueue) { parts.push(`time in queue < ${describeDuration(this.maxTimeInQueue)}`); }
    return `${parts.join(', ')} for ${this.goalPercent}% of ${describeDuration(this.period)} periods`;
  }

  /**
   * Render the objective as CloudWatch alarms on a lane's metrics and return the alarms rollouts roll
   * back on: `<id>Latency`, `<id>ErrorRate` (the time-in-queue alarm `<id>TimeInQueue` is created but
   * only pages; see {@link render}).
   *
   * With `applicationSignals` (the default) this also creates the Application Signals SLOs and their
   * burn-rate alarms (see {@link render}, which returns them too); only the rollback alarms are
   * returned here.
   *
   * @throws LaneValidationError if the SLO asks for a metric the lane does not have
   */
  public renderAlarms(scope: Construct, id: string, source: SloMetricSource): cloudwatch.Alarm[] {
    return this.render(scope, id, source).rollbackAlarms;
  }

  /**
   * Render the objective on a lane's metrics:
   *
   * - **rollback alarms** (`<id>Latency`, `<id>ErrorRate`): plain CloudWatch alarms, percentile
   *   statistic, `period`, firing when `datapointsToAlarm` of `evaluationPeriods` periods miss the
   *   objective (at least `minBreachingPeriods`). The error rate is
   *   `IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)` when the lane offers error and request
   *   counts. Rollouts roll back on these: they react within minutes, which a canary's bake time needs.
   * - **paging alarms** (`<id>TimeInQueue`): the same M-of-N shape on the age of the oldest queued
   *   job. They page and never roll back: queue age measures capacity, and a backlog from before a
   *   deploy would roll back a healthy version.
   * - **Application Signals SLOs** (`<id>LatencyObjective`, ...; with `applicationSignals`): period-based
   *   SLOs on the same metric and threshold (a period is good when the value is at most the
   *   threshold), attainment goal `goalPercent`, rolling `window`, burn-rate look-back windows of 60
   *   and 360 minutes.
   * - **burn-rate alarms** (`<id>LatencyFastBurn`, `<id>LatencySlowBurn`, ...): `AWS/ApplicationSignals`
   *   `BurnRate` (dimensions `SloName`, `BurnRateWindowMinutes`), Maximum per minute, one breaching
   *   datapoint: fast burn when 2% of the window's error budget is spent within 1 hour, slow burn when
   *   5% is spent within 6 hours (multi-window burn-rate alerting). They page rather than roll back: a
   *   1-hour look-back stays high for up to an hour after a bad version is gone.
   *
   * @throws LaneValidationError if the SLO asks for a metric the lane does not have
   */
  public render(scope: Construct, id: string, source: SloMetricSource): ServiceLevelObjectiveResources {
    const rollbackAlarms: cloudwatch.Alarm[] = [];
    const pagingAlarms: cloudwatch.Alarm[] = [];
    const objectives: applicationsignals.CfnServiceLevelObjective[] = [];
    const burnRateAlarms: cloudwatch.Alarm[] = [];
    const common = {
      evaluationPeriods: this.evaluationPeriods,
      datapointsToAlarm: this.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const add = (kind: string, metric: cloudwatch.IMetric, threshold: number, what: string, alarmDescription: string, rollback: boolean = true) => {
      (rollback ? rollbackAlarms : pagingAlarms).push(new cloudwatch.Alarm(scope, `${id}${kind}`, { ...common, metric, threshold, alarmDescription }));
      if (this.applicationSignals) {
        const objective = this.renderObjective(scope, `${id}${kind}Objective`, metric, threshold, `SLO ${source.laneName}: ${what}`);
        objectives.push(objective);
        burnRateAlarms.push(...this.renderBurnRateAlarms(scope, `${id}${kind}`, objective, `SLO ${source.laneName}: ${what}`));
      }
    };
    if (this.latencyThreshold) {
      if (!source.latency) {
        throw invalid(scope, 'slo.latencyThreshold', this.latencyThreshold, `cannot be watched: ${source.laneName} has no latency metric`, 'Drop the latency objective for this lane.');
      }
      const unit = source.latencyUnit ?? cloudwatch.Unit.MILLISECONDS;
      const ms = this.latencyThreshold.toMilliseconds();
      add('Latency', source.latency.with({ statistic: this.latencyStatistic, period: this.period }), toUnit(this.latencyThreshold, unit),
        `${this.latencyStatistic} latency at most ${ms} ms`,
        `SLO ${source.laneName}: ${this.latencyStatistic} latency over ${ms} ms in more than ${100 - this.goalPercent}% of periods (${this.datapointsToAlarm} of ${this.evaluationPeriods}). Rollouts roll back on it.`);
    }
    if (this.maxErrorRatePercent !== undefined) {
      const counted = source.errors && source.requests;
      const rate = counted
        ? errorRatePercent({ errors: source.errors!, requests: source.requests!, minRequests: this.minRequestsPerPeriod!, period: this.period, label: 'Error rate (%)' })
        : source.errorRatePercent && withPeriod(source.errorRatePercent, this.period);
      if (!rate) {
        throw invalid(scope, 'slo.maxErrorRatePercent', this.maxErrorRatePercent, `cannot be watched: ${source.laneName} has no error metric`, 'Drop the error-rate objective for this lane.');
      }
      const guard = counted ? `, periods with at least ${this.minRequestsPerPeriod} requests` : '';
      add('ErrorRate', rate, this.maxErrorRatePercent,
        `error rate at most ${this.maxErrorRatePercent}%`,
        `SLO ${source.laneName}: error rate over ${this.maxErrorRatePercent}% in more than ${100 - this.goalPercent}% of periods (${this.datapointsToAlarm} of ${this.evaluationPeriods}${guard}). Rollouts roll back on it.`);
    }
    if (this.maxTimeInQueue) {
      if (!source.queueAgeSeconds) {
        throw invalid(scope, 'slo.maxTimeInQueue', this.maxTimeInQueue, `cannot be watched: ${source.laneName} has no queue`, 'Drop the time-in-queue objective for this lane.');
      }
      add('TimeInQueue', withPeriod(source.queueAgeSeconds, this.period), this.maxTimeInQueue.toSeconds(),
        `oldest job waits at most ${describeDuration(this.maxTimeInQueue)}`,
        `SLO ${source.laneName}: oldest job waiting longer than ${describeDuration(this.maxTimeInQueue)} (${this.datapointsToAlarm} of ${this.evaluationPeriods} periods). Pages; rollouts do not roll back on it (queue age measures capacity, not the version).`,
        false);
    }
    return { rollbackAlarms, pagingAlarms, objectives, burnRateAlarms };
  }

  private burnRateThreshold(spec: BurnRateAlarmSpec): number {
    const windowMinutes = this.window.toMinutes();
    return Math.round(spec.budgetPercent / 100 * windowMinutes / spec.lookBackMinutes * 1e6) / 1e6;
  }

  private renderObjective(scope: Construct, id: string, metric: cloudwatch.IMetric, threshold: number, what: string): applicationsignals.CfnServiceLevelObjective {
    const periodSeconds = this.period.toSeconds();
    const objective = new applicationsignals.CfnServiceLevelObjective(scope, id, {
      name: 'placeholder',
      description: truncate(`${what} in ${this.goalPercent}% of ${describeDuration(this.period)} periods over a rolling ${this.window.toDays()} days. Burn-rate alarms page on it.`, 1024),
      sli: {
        sliMetric: {
          metricDataQueries: toMetricDataQueries(scope, metric, periodSeconds),
          periodSeconds,
        },
        metricThreshold: threshold,
        comparisonOperator: 'LessThanOrEqualTo',
      },
      goal: {
        attainmentGoal: this.goalPercent,
        interval: { rollingInterval: { duration: this.window.toDays(), durationUnit: 'DAY' } },
        warningThreshold: 50,
      },
      burnRateConfigurations: BURN_RATE_ALARMS.map(b => ({ lookBackWindowMinutes: b.lookBackMinutes })),
    });
    // Unique per construct path and led by the stack name; SLO names are unique per account and Region.
    objective.name = Names.uniqueResourceName(objective, { maxLength: 128, separator: '-' });
    return objective;
  }

  private renderBurnRateAlarms(scope: Construct, id: string, objective: applicationsignals.CfnServiceLevelObjective, what: string): cloudwatch.Alarm[] {
    return BURN_RATE_ALARMS.map(spec => {
      const threshold = this.burnRateThreshold(spec);
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
        alarmDescription: truncate(`${what}: ${spec.budgetPercent}% of the ${this.window.toDays()}-day error budget spent within ${spec.lookBackMinutes / 60} hour(s) (burn rate over ${threshold}). Page; rollouts roll back on the SLO's M-of-N alarms instead.`, 1024),
      });
      alarm.node.addDependency(objective);
      return alarm;
    });
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The metric judged on the SLO's period (the M-of-N math counts periods of that length). */
function withPeriod(m: cloudwatch.IMetric, period: Duration): cloudwatch.IMetric {
  if (m instanceof cloudwatch.Metric || m instanceof cloudwatch.MathExpression) { return m.with({ period }); }
  return m;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/**
 * A CloudWatch metric or metric-math expression as the `MetricDataQueries` of an Application Signals
 * SLI: the metric (or expression) returns data, the metrics an expression uses do not.
 */
function toMetricDataQueries(scope: Construct, metric: cloudwatch.IMetric, periodSeconds: number): applicationsignals.CfnServiceLevelObjective.MetricDataQueryProperty[] {
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

function toUnit(d: Duration, unit: cloudwatch.Unit): number {
  switch (unit) {
    case cloudwatch.Unit.MICROSECONDS: return d.toMilliseconds() * 1000;
    case cloudwatch.Unit.SECONDS: return d.toMilliseconds() / 1000;
    case cloudwatch.Unit.MILLISECONDS: return d.toMilliseconds();
    default:
      throw invalid('ServiceLevelObjective', 'latencyUnit', unit, 'is not a time unit', 'Report latency in MICROSECONDS, MILLISECONDS or SECONDS.');
  }
}
