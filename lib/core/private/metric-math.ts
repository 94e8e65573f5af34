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
    usingMetrics: { [err]: asSum(math.errors, math.period), [req]: asSum(math.requests, math.period) },
    period: math.period,
    label: math.label,
  });
}

/**
 * The same count metric with the Sum statistic over the expression's period (expressions are left as
 * they are): the expression's period would override it anyway, and aws-cdk-lib warns when it does.
 */
function asSum(m: cloudwatch.IMetric, period: Duration): cloudwatch.IMetric {
  if (m instanceof cloudwatch.Metric) { return m.with({ statistic: 'Sum', period }); }
  return m;
}

/**
 * The standard normal quantile (inverse CDF) of `p` in (0, 1): Acklam's rational approximation
 * (relative error below 1.2e-9), enough for alarm thresholds.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) { throw new RangeError(`normalQuantile: ${p} is not in (0, 1)`); }
  const a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
  const b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
  const c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) { return -normalQuantile(1 - p); }
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Inputs of {@link errorRateExcess}. */
export interface ErrorRateExcessMath {
  /** Failed requests (a count; its statistic is set to Sum). */
  readonly errors: cloudwatch.IMetric;
  /** All requests (a count; its statistic is set to Sum). */
  readonly requests: cloudwatch.IMetric;
  /** The objective's highest acceptable error rate, percent (strictly between 0 and 100). */
  readonly maxErrorRatePercent: number;
  /** Fewest requests in the window for the test to count (at least 1). */
  readonly minRequests: number;
  /** The window (period of the expression). */
  readonly period: Duration;
  /** Label of the expression. */
  readonly label?: string;
}

/** Shortest decimal text of a number (6 significant digits), for metric-math literals. */
function literal(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/**
 * A one-sided test that a window's error rate is above the objective, as CloudWatch metric math
 * (only `IF`, `AND`, comparisons and `+ - * /`, which every metric-math alarm accepts):
 *
 * `IF(inv >= G AND err > p * inv, (err - p * inv) * (err - p * inv) / (p(1-p) * inv), 0)`
 *
 * with `p` the objective's rate. The value is the squared z-score of the errors against what a version
 * exactly at the objective would produce (binomial, normal approximation), and 0 when the errors are at
 * or below that expectation or the window holds fewer than `G` requests. An alarm on it with the
 * threshold `z²` ({@link zSquared}) fires when the errors exceed the objective's expectation by more
 * than `z` standard deviations: a version at the objective trips it with probability about
 * `1 - confidence` per evaluation, a healthier one far less, and a clearly worse one as soon as the window
 * holds enough requests to tell (a few hundred at 2 RPS, one minute's worth at 1,000 RPS).
 */
export function errorRateExcess(math: ErrorRateExcessMath): cloudwatch.MathExpression {
  const p = math.maxErrorRatePercent / 100;
  const expected = `${literal(p)} * inv`;
  return new cloudwatch.MathExpression({
    expression: `IF(inv >= ${Math.max(1, math.minRequests)} AND err > ${expected}, (err - ${expected}) * (err - ${expected}) / (${literal(p * (1 - p))} * inv), 0)`,
    usingMetrics: { err: asSum(math.errors, math.period), inv: asSum(math.requests, math.period) },
    period: math.period,
    label: math.label,
  });
}

/** `z²` for a one-sided test at `confidencePercent` (9.5495 at 99.9%), rounded to 4 decimals. */
export function zSquared(confidencePercent: number): number {
  const z = normalQuantile(confidencePercent / 100);
  return Math.round(z * z * 1e4) / 1e4;
}
