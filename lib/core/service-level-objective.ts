import { Duration, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { checkInteger, checkRange, invalid, isConcreteNumber } from './private/errors';
import { defaultMinRequests, errorRateExcess, errorRatePercent, zSquared } from './private/metric-math';
import { BURN_RATE_ALARMS, burnRateThreshold, lowSampleCount, renderBurnRateAlarms, renderObjective, toUnit, withPeriod } from './private/slo-rendering';
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
   * Number of periods an M-of-N alarm looks at: the paging time-in-queue alarm and the lanes' own
   * M-of-N alarms (throttles, Prometheus alerts). It fires when more periods than the goal allows
   * breach within this window, and at least `minBreachingPeriods` (see {@link datapointsToAlarm}).
   * The rollback alarms judge one `rollbackWindow` instead.
   *
   * @default 10
   */
  readonly evaluationPeriods?: number;

  /**
   * Fewest breaching periods (of `evaluationPeriods`) that fire an M-of-N alarm (paging time in queue,
   * lanes' throttle alarms and Prometheus alerts), whatever the goal allows: at the default goal (99%,
   * N = 10) the goal alone would fire on 1 breaching period of 10. At most `evaluationPeriods`. 1
   * restores the goal-only rule.
   *
   * @default 2
   */
  readonly minBreachingPeriods?: number;

  /**
   * Fewest requests in a period for its error rate to count: a rollback window with fewer requests
   * reads 0 in the error-rate rollback test, and a period with fewer reads 0% in the Application
   * Signals objective (`IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)`), so a handful of requests
   * at low traffic cannot trip them. Applies to error-rate objectives of lanes that offer error and
   * request counts (`SloMetricSource.errors` and `requests`).
   *
   * @default - enough requests that one failed request stays within `maxErrorRatePercent`:
   * `ceil(100 ÷ maxErrorRatePercent)`, at least 10 and at most 1,000 (100 for 1%, 20 for 5%,
   * 1,000 for 0.1% or less)
   */
  readonly minRequestsPerPeriod?: number;

  /**
   * The window the **rollback alarms** judge: each is one datapoint over this window (Period = the
   * window, EvaluationPeriods = DatapointsToAlarm = 1). CloudWatch evaluates a metric alarm with a
   * period of a minute or more every minute, over a sliding window by default (the alarm's
   * `EvaluationWindow` left unset is `SlidingWindow`), so the alarm judges the last `rollbackWindow`
   * of data each minute: a canary's first minutes count together instead of minute by minute.
   *
   * Why a window and not M-of-N one-minute periods: at low traffic one minute holds too few requests
   * to tell a bad version from noise (2 RPS on a 10% canary is 12 requests a minute), and M-of-N
   * breaching minutes at high traffic reacts no faster than a window that fills in a minute.
   * Whole minutes, 1 to 60.
   *
   * @default Duration.minutes(5)
   */
  readonly rollbackWindow?: Duration;

  /**
   * Confidence of the error-rate rollback test, percent: the error-rate rollback alarm fires when the
   * window's failed requests exceed what a version exactly at `maxErrorRatePercent` would fail by more
   * than `z` standard deviations (one-sided, `z` the standard normal quantile of this confidence). A
   * version at the objective trips it in about `100 - rollbackConfidencePercent` percent of
   * evaluations, a healthier one far less. 90 to 99.999.
   *
   * @default 99.9 (z = 3.09, alarm threshold z² = 9.5495)
   */
  readonly rollbackConfidencePercent?: number;

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
   * The CloudWatch alarms rollouts roll back on, about the health of the version: one datapoint over
   * `rollbackWindow` each (percentile latency; the error rate's one-sided test): construct IDs
   * `<id>Latency`, `<id>ErrorRate`.
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
  /** The window the rollback alarms judge (see {@link ServiceLevelObjectiveProps.rollbackWindow}). */
  public readonly rollbackWindow: Duration;
  /** Confidence of the error-rate rollback test, percent. */
  public readonly rollbackConfidencePercent: number;
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
    const rollbackWindow = props.rollbackWindow ?? Duration.minutes(5);
    checkDuration(where, 'rollbackWindow', rollbackWindow, { unit: 'seconds', fix: 'Pass a whole number of minutes from 1 to 60, e.g. Duration.minutes(5).' });
    if (!rollbackWindow.isUnresolved() && (rollbackWindow.toSeconds() < 60 || rollbackWindow.toSeconds() > 3600 || rollbackWindow.toSeconds() % 60 !== 0)) {
      throw invalid(where, 'rollbackWindow', rollbackWindow, 'must be a whole number of minutes from 1 to 60', 'Pass e.g. Duration.minutes(5).');
    }
    if (rollbackWindow.isUnresolved()) {
      throw invalid(where, 'rollbackWindow', rollbackWindow, 'cannot be a token: the rollback alarms\' Period is computed from it at synth', 'Pass a concrete Duration, e.g. Duration.minutes(5).');
    }
    this.rollbackWindow = rollbackWindow;
    if (props.rollbackConfidencePercent !== undefined && Token.isUnresolved(props.rollbackConfidencePercent)) {
      throw invalid(where, 'rollbackConfidencePercent', props.rollbackConfidencePercent, 'cannot be a token: the alarm threshold (z²) is computed from it at synth', 'Pass a concrete percent such as 99.9.');
    }
    checkRange(where, 'rollbackConfidencePercent', props.rollbackConfidencePercent, 90, 99.999, 'Pass a confidence such as 99.9 (percent).');
    this.rollbackConfidencePercent = props.rollbackConfidencePercent ?? 99.9;
  }

  /**
   * Threshold of the error-rate rollback alarm: `z²` of a one-sided test at `rollbackConfidencePercent`
   * (9.5495 at 99.9%). The alarm's value is the squared z-score of the window's errors against a
   * version exactly at `maxErrorRatePercent` (0 when at or below it).
   */
  public get rollbackErrorTestThreshold(): number {
    return zSquared(this.rollbackConfidencePercent);
  }

  /**
   * Burn-rate threshold of the fast-burn alarm: 2% of the window's error budget spent within 1 hour
   * (`0.02 × window minutes ÷ 60`; 14.4 for a 30-day window, 13.44 for the default 28 days).
   */
  public get fastBurnRateThreshold(): number {
    return burnRateThreshold(this.window, BURN_RATE_ALARMS[0]);
  }

  /**
   * Burn-rate threshold of the slow-burn alarm: 5% of the window's error budget spent within 6 hours
   * (`0.05 × window minutes ÷ 360`; 6 for a 30-day window, 5.6 for the default 28 days).
   */
  public get slowBurnRateThreshold(): number {
    return burnRateThreshold(this.window, BURN_RATE_ALARMS[1]);
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
   * - **rollback alarms** (`<id>Latency`, `<id>ErrorRate`): one datapoint over `rollbackWindow`
   *   (Period = the window, 1 of 1), judged every minute on CloudWatch's sliding window. Latency: the
   *   percentile statistic over the threshold, `EvaluateLowSampleCountPercentile: ignore`. Error rate
   *   (when the lane offers error and request counts): the squared z-score of the window's errors against
   *   a version at `maxErrorRatePercent`,
   *   `IF(inv >= G AND err > p * inv, (err - p * inv) * (err - p * inv) / (p(1-p) * inv), 0)`, over
   *   {@link rollbackErrorTestThreshold}. Rollouts roll back on these: they react within minutes, which a
   *   canary's bake time needs, and stay quiet on a healthy version at low traffic.
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
    const pagingShape = {
      evaluationPeriods: this.evaluationPeriods,
      datapointsToAlarm: this.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    // Rollback alarms: one datapoint over the rollback window, evaluated every minute on CloudWatch's
    // default sliding window (EvaluationWindow is not emitted: SlidingWindow is its default).
    const rollbackShape = {
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const windowText = describeDuration(this.rollbackWindow);
    const objective = (kind: string, metric: cloudwatch.IMetric, threshold: number, what: string) => {
      if (!this.applicationSignals) { return; }
      const o = renderObjective(scope, `${id}${kind}Objective`, metric, threshold, `SLO ${source.laneName}: ${what}`, this);
      objectives.push(o);
      burnRateAlarms.push(...renderBurnRateAlarms(scope, `${id}${kind}`, o, `SLO ${source.laneName}: ${what}`, this.window));
    };
    if (this.latencyThreshold) {
      if (!source.latency) {
        throw invalid(scope, 'slo.latencyThreshold', this.latencyThreshold, `cannot be watched: ${source.laneName} has no latency metric`, 'Drop the latency objective for this lane.');
      }
      const unit = source.latencyUnit ?? cloudwatch.Unit.MILLISECONDS;
      const ms = this.latencyThreshold.toMilliseconds();
      const threshold = toUnit(this.latencyThreshold, unit);
      rollbackAlarms.push(new cloudwatch.Alarm(scope, `${id}Latency`, {
        ...rollbackShape,
        metric: source.latency.with({ statistic: this.latencyStatistic, period: this.rollbackWindow }),
        threshold,
        // Fewer than 10 / (1 - percentile) samples (200 for p95) leave the state unchanged: a p95 of a few dozen requests is noise.
        evaluateLowSampleCountPercentile: 'ignore',
        alarmDescription: `SLO ${source.laneName}: ${this.latencyStatistic} latency over ${ms} ms over the last ${windowText} (sliding, evaluated every minute; windows with fewer than ${lowSampleCount(this.latencyPercentile)} requests leave the state unchanged). Rollouts roll back on it.`,
      }));
      objective('Latency', source.latency.with({ statistic: this.latencyStatistic, period: this.period }), threshold, `${this.latencyStatistic} latency at most ${ms} ms`);
    }
    if (this.maxErrorRatePercent !== undefined) {
      const counted = source.errors && source.requests;
      const rate = counted
        ? errorRatePercent({ errors: source.errors!, requests: source.requests!, minRequests: this.minRequestsPerPeriod!, period: this.period, label: 'Error rate (%)' })
        : source.errorRatePercent && withPeriod(source.errorRatePercent, this.period);
      if (!rate) {
        throw invalid(scope, 'slo.maxErrorRatePercent', this.maxErrorRatePercent, `cannot be watched: ${source.laneName} has no error metric`, 'Drop the error-rate objective for this lane.');
      }
      const max = this.maxErrorRatePercent;
      const testable = counted && isConcreteNumber(max) && max > 0 && max < 100;
      if (testable) {
        // A one-sided test against the objective: quiet on a healthy version at low traffic, fast at high traffic.
        const z2 = this.rollbackErrorTestThreshold;
        rollbackAlarms.push(new cloudwatch.Alarm(scope, `${id}ErrorRate`, {
          ...rollbackShape,
          metric: errorRateExcess({ errors: source.errors!, requests: source.requests!, maxErrorRatePercent: max, minRequests: this.minRequestsPerPeriod!, period: this.rollbackWindow, label: `Errors above ${max}% (z², one-sided)` }),
          threshold: z2,
          alarmDescription: `SLO ${source.laneName}: error rate above ${max}% over the last ${windowText} (sliding, evaluated every minute) with ${this.rollbackConfidencePercent}% confidence: squared z-score of the failed requests against ${max}% over ${z2}, once the window holds at least ${this.minRequestsPerPeriod} requests. Rollouts roll back on it.`,
        }));
      } else {
        // A lane-computed rate (deprecated errorRatePercent) or a 0% / 100% objective: the rate itself over the window.
        const plain = counted
          ? errorRatePercent({ errors: source.errors!, requests: source.requests!, minRequests: this.minRequestsPerPeriod!, period: this.rollbackWindow, label: 'Error rate (%)' })
          : withPeriod(source.errorRatePercent!, this.rollbackWindow);
        const guard = counted ? `, windows with at least ${this.minRequestsPerPeriod} requests` : '';
        rollbackAlarms.push(new cloudwatch.Alarm(scope, `${id}ErrorRate`, {
          ...rollbackShape,
          metric: plain,
          threshold: max,
          alarmDescription: `SLO ${source.laneName}: error rate over ${max}% over the last ${windowText} (sliding, evaluated every minute${guard}). Rollouts roll back on it.`,
        }));
      }
      objective('ErrorRate', rate, max, `error rate at most ${max}%`);
    }
    if (this.maxTimeInQueue) {
      if (!source.queueAgeSeconds) {
        throw invalid(scope, 'slo.maxTimeInQueue', this.maxTimeInQueue, `cannot be watched: ${source.laneName} has no queue`, 'Drop the time-in-queue objective for this lane.');
      }
      const metric = withPeriod(source.queueAgeSeconds, this.period);
      pagingAlarms.push(new cloudwatch.Alarm(scope, `${id}TimeInQueue`, {
        ...pagingShape,
        metric,
        threshold: this.maxTimeInQueue.toSeconds(),
        alarmDescription: `SLO ${source.laneName}: oldest job waiting longer than ${describeDuration(this.maxTimeInQueue)} (${this.datapointsToAlarm} of ${this.evaluationPeriods} periods). Pages; rollouts do not roll back on it (queue age measures capacity, not the version).`,
      }));
      objective('TimeInQueue', metric, this.maxTimeInQueue.toSeconds(), `oldest job waits at most ${describeDuration(this.maxTimeInQueue)}`);
    }
    return { rollbackAlarms, pagingAlarms, objectives, burnRateAlarms };
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

