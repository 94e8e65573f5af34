import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The one copy of error-rate metric math in the library (SLO alarms, lane dashboards, topology rows).
 * Not exported from the package.
 */

/** Inputs of {@link errorRatePercent}. */
export interface ErrorRateMath {
  /** Failed requests (a count; its statistic is set to Sum). */
  readonly errors: cloudwatch.IMetric;
  /** All requests (a count; its statistic is set to Sum). */
  readonly requests: cloudwatch.IMetric;
  /**
   * Fewest requests in a period for the rate to count: with fewer, the expression is 0 (a handful of
   * requests cannot breach an error-rate alarm). 0 shows the plain rate (periods without requests are 0).
   */
  readonly minRequests: number;
  /** Period of the expression (it overrides the periods of both metrics). */
  readonly period: Duration;
  /** Label of the expression. */
  readonly label?: string;
  /** Suffix of the metric-math IDs, so several rates can share one graph (`err0`, `inv0`). */
  readonly idSuffix?: string;
}

/**
 * `100 × errors ÷ requests` per period, as CloudWatch metric math:
 * `IF(inv >= minRequests, 100 * err / inv, 0)`, or `IF(inv > 0, 100 * err / inv, 0)` with
 * `minRequests` 0 (so an idle period reads 0, not a missing value).
 */
export function errorRatePercent(math: ErrorRateMath): cloudwatch.MathExpression {
  const suffix = math.idSuffix ?? '';
  const err = `err${suffix}`;
  const req = `inv${suffix}`; // "inferences": the IDs lane dashboards have always used
  const guard = math.minRequests > 0 ? `${req} >= ${math.minRequests}` : `${req} > 0`;
  return new cloudwatch.MathExpression({
    expression: `IF(${guard}, 100 * ${err} / ${req}, 0)`,
    usingMetrics: { [err]: asSum(math.errors), [req]: asSum(math.requests) },
    period: math.period,
    label: math.label,
  });
}

/**
 * The same count metric with the Sum statistic (expressions are left as they are). The expression's
 * period overrides the periods of the metrics it uses.
 */
function asSum(m: cloudwatch.IMetric): cloudwatch.IMetric {
  if (m instanceof cloudwatch.Metric) { return m.with({ statistic: 'Sum' }); }
  return m;
}
