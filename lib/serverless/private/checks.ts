import { Annotations, Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkInteger, invalid, isConcreteNumber } from '../../core/errors';
import { ProvisionedConcurrencyStatistic } from '../provisioned-concurrency-statistic';

/** Application Auto Scaling capacities and Lambda concurrency are 32-bit integers. */
export const INT32_MAX = 2 ** 31 - 1;

/**
 * Lambda keeps at least 100 of the account's concurrency unreserved; at the default account quota of
 * 1,000, a function can reserve at most 900.
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
export const UNRESERVED_MINIMUM = 100;

/**
 * A Duration prop in whole seconds within [minSeconds, maxSeconds]. Tokens are skipped. Checked
 * here so a fractional value gets a message naming the prop instead of aws-cdk-lib's
 * "cannot be converted into a whole number of seconds".
 * @internal
 */
export function checkSeconds(scope: Construct, prop: string, value: Duration | undefined, minSeconds: number, maxSeconds: number, range: string, fix: string): void {
  if (value === undefined || value.isUnresolved()) { return; }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isFinite(seconds)) {
    throw invalid(scope, prop, String(seconds), 'is not a finite duration', fix);
  }
  if (!Number.isInteger(seconds)) {
    // Quoted in seconds: Duration's human string drops the fraction ("1 minute 30 seconds" for 90.5 s).
    throw invalid(scope, prop, `${seconds} seconds`, 'must be a whole number of seconds', `Pass Duration.seconds(${Math.max(minSeconds, Math.min(maxSeconds, Math.round(seconds)))}).`);
  }
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw invalid(scope, prop, value, `must be between ${range}`, fix);
  }
}

/**
 * A Size prop as whole MiB within [min, max]; returns the MiB (or the token). A fractional MiB
 * gets a message naming the prop instead of aws-cdk-lib's conversion error.
 * @internal
 */
export function checkMebibytes(scope: Construct, prop: string, value: Size, min: number, max: number): number {
  const mib = value.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!isConcreteNumber(mib)) { return mib; }
  checkInteger(scope, `${prop} (MiB)`, mib, min, max, `Pass Size.mebibytes(${min}) to Size.mebibytes(${max}).`);
  return mib;
}

/**
 * An enum-like value from another jsii language or plain JavaScript: one of the enum's values, or
 * an error (TypeScript's types do not reach there).
 * @internal
 */
export function checkStatistic(scope: Construct, value: ProvisionedConcurrencyStatistic | undefined): ProvisionedConcurrencyStatistic {
  if (value === undefined) { return ProvisionedConcurrencyStatistic.MAXIMUM; }
  const allowed = Object.values(ProvisionedConcurrencyStatistic) as string[];
  if (!allowed.includes(value as string)) {
    throw invalid(scope, 'utilizationStatistic', value, `is not a ProvisionedConcurrencyStatistic (${allowed.join(', ')})`,
      'Pass ProvisionedConcurrencyStatistic.MAXIMUM (default) or ProvisionedConcurrencyStatistic.AVERAGE.');
  }
  return value;
}

/**
 * A log retention CloudWatch Logs accepts (`PutRetentionPolicy` takes only the listed day counts;
 * `INFINITE` renders no retention). Returns the value to use.
 * @internal
 */
export function checkLogRetention(scope: Construct, value: logs.RetentionDays | undefined): logs.RetentionDays {
  if (value === undefined) { return logs.RetentionDays.ONE_MONTH; }
  if (Token.isUnresolved(value)) { return value; }
  const allowed = Object.values(logs.RetentionDays).filter(v => typeof v === 'number') as number[];
  if (!allowed.includes(value as number)) {
    throw invalid(scope, 'logRetention', value, `is not a retention CloudWatch Logs accepts (days: ${allowed.filter(d => d !== logs.RetentionDays.INFINITE).join(', ')}, or INFINITE)`,
      'Pass a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_MONTH.');
  }
  return value;
}

/**
 * Reserved concurrency against the warm pool and the account:
 * - error below the largest warm pool: Lambda refuses provisioned concurrency above reserved concurrency;
 * - warning below twice the pool: little headroom for the on-demand spillover the lane exists for
 *   (at a full pool, every request beyond reserved concurrency is throttled, not served cold);
 * - warning above 900: more than the default account quota (1,000) minus the 100 Lambda keeps
 *   unreserved; the account's real quota is unknown at synth.
 * @internal
 */
export function reservedConcurrency(scope: Construct, explicit: number | undefined, peakWarm: number | undefined): number {
  checkInteger(scope, 'reservedConcurrentExecutions', explicit, 1, INT32_MAX, 'Pass at least 1 (0 would throttle every request).');
  if (explicit === undefined) {
    if (peakWarm === undefined) {
      // Twice a token is not a token: the default cannot be computed, and a made-up number would be rendered.
      throw invalid(scope, 'reservedConcurrentExecutions', undefined, 'is needed when the pool\'s maxCapacity (or a schedule\'s) is a token: its default, twice the largest warm pool, cannot be computed at synth',
        'Pass reservedConcurrentExecutions explicitly (a number or the same kind of token).');
    }
    if (2 * peakWarm > INT32_MAX) {
      throw invalid(scope, 'reservedConcurrentExecutions', undefined, `defaults to twice the largest warm pool (${2 * peakWarm}), above the 32-bit limit ${INT32_MAX} Lambda accepts`,
        'Pass reservedConcurrentExecutions explicitly, or lower maxCapacity.');
    }
  }
  const reserved = explicit ?? 2 * peakWarm!;
  if (!isConcreteNumber(reserved) || peakWarm === undefined) { return reserved; }
  if (reserved < peakWarm) {
    throw invalid(scope, 'reservedConcurrentExecutions', reserved, `is below the largest warm pool the policy allows (${peakWarm}); provisioned concurrency cannot exceed reserved concurrency`,
      `Raise it to at least ${peakWarm} (${2 * peakWarm} leaves room for spillover), or lower maxCapacity.`);
  }
  if (reserved < 2 * peakWarm) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:reserved-headroom',
      `reservedConcurrentExecutions (${reserved}) leaves ${reserved - peakWarm} environment(s) above the largest warm pool (${peakWarm}): when the pool is at that size, only ${reserved - peakWarm} request(s) beyond it can be served on demand (cold) and the rest are throttled. Reserve ${2 * peakWarm} (twice the pool, the default) or lower the pool.`);
  }
  const accountMax = DEFAULT_ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM;
  if (reserved > accountMax) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:account-concurrency',
      `reservedConcurrentExecutions (${reserved}) needs an account concurrency quota of at least ${reserved + UNRESERVED_MINIMUM} in the Region (Lambda keeps ${UNRESERVED_MINIMUM} unreserved; the default quota is ${DEFAULT_ACCOUNT_CONCURRENCY}). Request the increase in Service Quotas before deploying, or the function fails to create.`);
  }
  return reserved;
}
