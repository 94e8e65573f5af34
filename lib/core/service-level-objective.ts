import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { checkInteger, checkRange, invalid } from './errors';

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
   * breach within this window (at least one).
   *
   * @default 10
   */
  readonly evaluationPeriods?: number;
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
   * Error rate in percent (usually a MathExpression of errors ÷ invocations × 100).
   *
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
 * A service level objective, e.g. "p95 under 200 ms for 99% of minutes" and "errors under 1%".
 * It renders CloudWatch alarms that rollouts roll back on — one source of truth for the lane.
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

  constructor(props: ServiceLevelObjectiveProps) {
    const where = 'ServiceLevelObjective';
    checkRange(where, 'latencyPercentile', props.latencyPercentile, 0.1, 99.99, 'Pass a percentile such as 50, 95 or 99.');
    checkRange(where, 'goalPercent', props.goalPercent, 50, 99.99, 'Pass a goal such as 99 (percent of minutes meeting the objective).');
    checkRange(where, 'maxErrorRatePercent', props.maxErrorRatePercent, 0, 100, 'Pass a percent from 0 to 100.');
    checkInteger(where, 'evaluationPeriods', props.evaluationPeriods, 1, 1440);
    if (props.latencyThreshold && !props.latencyThreshold.isUnresolved() && props.latencyThreshold.toMilliseconds() <= 0) {
      throw invalid(where, 'latencyThreshold', props.latencyThreshold, 'must be greater than 0', 'Pass e.g. Duration.millis(200).');
    }
    if (!props.latencyThreshold && props.maxErrorRatePercent === undefined && !props.maxTimeInQueue) {
      throw invalid(where, 'props', '{}', 'sets no objective', 'Set latencyThreshold, maxErrorRatePercent or maxTimeInQueue.');
    }
    const period = props.period ?? Duration.minutes(1);
    if (!period.isUnresolved() && (period.toSeconds() < 10 || (period.toSeconds() >= 60 && period.toSeconds() % 60 !== 0) || (period.toSeconds() < 60 && ![10, 30].includes(period.toSeconds())))) {
      throw invalid(where, 'period', period, 'is not a CloudWatch alarm period', 'Pass 10 s, 30 s or a whole number of minutes.');
    }
    this.latencyPercentile = props.latencyPercentile ?? 95;
    this.latencyThreshold = props.latencyThreshold;
    this.goalPercent = props.goalPercent ?? 99;
    this.maxErrorRatePercent = props.maxErrorRatePercent;
    this.maxTimeInQueue = props.maxTimeInQueue;
    this.period = period;
    this.evaluationPeriods = props.evaluationPeriods ?? 10;
  }

  /** CloudWatch percentile statistic, e.g. `p95`. */
  public get latencyStatistic(): string {
    return `p${this.latencyPercentile}`;
  }

  /**
   * How many breaching periods of `evaluationPeriods` fire the alarm: the first period beyond what
   * the goal allows (`floor(N × (1 - goal)) + 1`).
   */
  public get datapointsToAlarm(): number {
    return Math.min(this.evaluationPeriods, Math.floor(this.evaluationPeriods * (1 - this.goalPercent / 100) + 1e-9) + 1);
  }

  /** Text such as `p95 < 300 ms for 99% of 1-minute periods`. */
  public toString(): string {
    const parts: string[] = [];
    if (this.latencyThreshold) { parts.push(`p${this.latencyPercentile} < ${this.latencyThreshold.toMilliseconds()} ms`); }
    if (this.maxErrorRatePercent !== undefined) { parts.push(`errors < ${this.maxErrorRatePercent}%`); }
    if (this.maxTimeInQueue) { parts.push(`time in queue < ${this.maxTimeInQueue.toHumanString()}`); }
    return `${parts.join(', ')} for ${this.goalPercent}% of ${this.period.toHumanString()} periods`;
  }

  /**
   * Render the objective as CloudWatch alarms on a lane's metrics. These are the alarms rollouts roll
   * back on. Construct IDs: `<id>Latency`, `<id>ErrorRate`, `<id>TimeInQueue`.
   *
   * @throws LaneValidationError if the SLO asks for a metric the lane does not have
   */
  public renderAlarms(scope: Construct, id: string, source: SloMetricSource): cloudwatch.Alarm[] {
    const alarms: cloudwatch.Alarm[] = [];
    const common = {
      evaluationPeriods: this.evaluationPeriods,
      datapointsToAlarm: this.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    if (this.latencyThreshold) {
      if (!source.latency) {
        throw invalid(scope, 'slo.latencyThreshold', this.latencyThreshold, `cannot be watched: ${source.laneName} has no latency metric`, 'Drop the latency objective for this lane.');
      }
      const unit = source.latencyUnit ?? cloudwatch.Unit.MILLISECONDS;
      alarms.push(new cloudwatch.Alarm(scope, `${id}Latency`, {
        ...common,
        metric: source.latency.with({ statistic: this.latencyStatistic, period: this.period }),
        threshold: toUnit(this.latencyThreshold, unit),
        alarmDescription: `SLO ${source.laneName}: ${this.latencyStatistic} latency over ${this.latencyThreshold.toMilliseconds()} ms in more than ${100 - this.goalPercent}% of periods (${this.datapointsToAlarm} of ${this.evaluationPeriods}). Rollouts roll back on it.`,
      }));
    }
    if (this.maxErrorRatePercent !== undefined) {
      if (!source.errorRatePercent) {
        throw invalid(scope, 'slo.maxErrorRatePercent', this.maxErrorRatePercent, `cannot be watched: ${source.laneName} has no error metric`, 'Drop the error-rate objective for this lane.');
      }
      alarms.push(new cloudwatch.Alarm(scope, `${id}ErrorRate`, {
        ...common,
        metric: source.errorRatePercent,
        threshold: this.maxErrorRatePercent,
        alarmDescription: `SLO ${source.laneName}: error rate over ${this.maxErrorRatePercent}%. Rollouts roll back on it.`,
      }));
    }
    if (this.maxTimeInQueue) {
      if (!source.queueAgeSeconds) {
        throw invalid(scope, 'slo.maxTimeInQueue', this.maxTimeInQueue, `cannot be watched: ${source.laneName} has no queue`, 'Drop the time-in-queue objective for this lane.');
      }
      alarms.push(new cloudwatch.Alarm(scope, `${id}TimeInQueue`, {
        ...common,
        metric: source.queueAgeSeconds,
        threshold: this.maxTimeInQueue.toSeconds(),
        alarmDescription: `SLO ${source.laneName}: oldest job waiting longer than ${this.maxTimeInQueue.toHumanString()}.`,
      }));
    }
    return alarms;
  }
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
