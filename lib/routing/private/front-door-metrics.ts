import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { errorRatePercent } from '../../core/private/metric-math';

/** Namespace of the router's Embedded Metric Format lines (handler/router.js writes the same). */
export const FRONT_DOOR_NAMESPACE = 'InferenceLanes/FrontDoor';

/** A front door metric (dimension `Route`); counts are Sums, the overhead a percentile. */
export function frontDoorMetric(name: string, routeName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: FRONT_DOOR_NAMESPACE,
    metricName: name,
    dimensionsMap: { Route: routeName },
    statistic: 'Sum',
    period: Duration.minutes(1),
    ...props,
  });
}

/**
 * Spillover above the threshold in every one of N one-minute periods: the baseline lane is undersized
 * (a short surge that the burst lane absorbs does not page). Idle minutes and minutes with fewer than
 * 10 requests read 0. With load-aware spill, requests offloaded to the burst lane count as spilled (a
 * router that offloads early rarely sees a refusal, so `Spilled` alone would stay blind).
 */
export function spilloverAlarm(scope: Construct, props: { spilloverAlarmThresholdPercent?: number; spilloverAlarmEvaluationPeriods?: number }, routeName: string,
  withOffloaded = false): cloudwatch.Alarm {
  const threshold = props.spilloverAlarmThresholdPercent ?? 20;
  const periods = props.spilloverAlarmEvaluationPeriods ?? 15;
  const spilled = withOffloaded
    ? new cloudwatch.MathExpression({
      expression: 'spl + off',
      usingMetrics: { spl: frontDoorMetric('Spilled', routeName), off: frontDoorMetric('Offloaded', routeName) },
      period: Duration.minutes(1),
      label: 'Spilled + offloaded',
    })
    : frontDoorMetric('Spilled', routeName);
  const rate = errorRatePercent({
    errors: spilled,
    requests: frontDoorMetric('Requests', routeName),
    minRequests: 10,
    period: Duration.minutes(1),
    label: 'Spillover to the burst lane (%)',
  });
  return new cloudwatch.Alarm(scope, 'SpilloverAlarm', {
    metric: rate,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `More than ${threshold}% of requests to ${routeName} ${withOffloaded ? 'spilled or were offloaded' : 'spilled'} to the burst lane in each of ${periods} minutes: the primary (baseline) lane is undersized.`,
  });
}
