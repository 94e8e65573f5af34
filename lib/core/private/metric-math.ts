import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The one copy of error-rate metric math in the library (SLO alarms, lane dashboards, topology rows).
 * Not exported from the package.
 */

/** Smallest default minimum of requests per period ({@link defaultMinRequests}). */
export const DEFAULT_MIN_REQUESTS_FLOOR = 10;
/** Largest default minimum of requests per period ({@link defaultMinRequests}). */
export const DEFAULT_MIN_REQUESTS_CEILING = 1000;

/**
 * The default minimum of requests per period for a rate alarm with a threshold in percent: the fewest
 * requests for which one bad request stays within the threshold, `ceil(100 ÷ thresholdPercent)`,
 * clamped to 10–1,000 (100 for 1%, 20 for 5%, 34 for 3%, 10 for 10% or more, 1,000 for 0.1% or less
 * and for 0%). The rule of `ServiceLevelObjective.minRequestsPerPeriod`; lanes use it for their own
 * rate alarms (throttles, spillover) so every rate alarm in the library ignores the same thin periods.
 *
 * Returns undefined when the threshold is unknown (a token) or not a percent (negative, NaN,
 * Infinity): never a substituted default. Pass the result as `minRequests` of {@link errorRatePercent}.
 */
export function defaultMinRequests(thresholdPercent: number): number | undefined {
  if (Token.isUnresolved(thresholdPercent) || typeof thresholdPercent !== 'number' || !Number.isFinite(thresholdPercent) || thresholdPercent < 0) {
    return undefined;
  }
  if (thresholdPercent === 0) { return DEFAULT_MIN_REQUESTS_CEILING; }
  // - 1e-9: a quotient that is whole on paper but lands a hair above it in floating point is not rounded up.
  return Math.min(DEFAULT_MIN_REQUESTS_CEILING, Math.max(DEFAULT_MIN_REQUESTS_FLOOR, Math.ceil(100 / thresholdPercent - 1e-9)));
}

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
