import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

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
