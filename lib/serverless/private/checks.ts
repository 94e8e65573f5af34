import { Annotations, Duration, Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { checkDuration, checkOneOf, checkWholeNumber, MAX_APP_AUTOSCALING_CAPACITY } from '../../core/private/validation';
import { ProvisionedConcurrencyStatistic } from '../provisioned-concurrency-statistic';

/** Lambda concurrency, like Application Auto Scaling capacities, is a 32-bit integer. */
export const INT32_MAX = MAX_APP_AUTOSCALING_CAPACITY;

/**
 * Lambda keeps at least 100 of the account's concurrency unreserved; at the default account quota of
 * 1,000, a function can reserve at most 900.
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
export const UNRESERVED_MINIMUM = 100;

/**
 * A Duration prop the platform stores in whole seconds, within [min, max] (core's `checkDuration`:
 * a fraction, NaN or an out-of-range value names the prop instead of crashing in aws-cdk-lib).
 * @internal
 */
export function checkSeconds(scope: Construct, prop: string, value: Duration | undefined, min: Duration, max: Duration | undefined, fix?: string): void {
  checkDuration(scope, prop, value, { unit: 'seconds', min, max, fix });
}

/**
 * A Size prop as whole MiB within [min, max]; returns the MiB (or the token). A fractional MiB
 * gets a message naming the prop instead of aws-cdk-lib's conversion error.
 * @internal
 */
export function checkMebibytes(scope: Construct, prop: string, value: Size, min: number, max: number): number {
  const mib = value.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  checkWholeNumber(scope, `${prop} (MiB)`, mib, min, max, `Pass Size.mebibytes(${min}) to Size.mebibytes(${max}).`);
  return mib;
}

/**
 * An enum-like value from another jsii language or plain JavaScript: one of the enum's values, or
 * an error (TypeScript's types do not reach there).
 * @internal
 */
export function checkStatistic(scope: Construct, value: ProvisionedConcurrencyStatistic | undefined): ProvisionedConcurrencyStatistic {
  checkOneOf(scope, 'utilizationStatistic', value, Object.values(ProvisionedConcurrencyStatistic),
    'Pass ProvisionedConcurrencyStatistic.MAXIMUM (default) or ProvisionedConcurrencyStatistic.AVERAGE.');
  return value ?? ProvisionedConcurrencyStatistic.MAXIMUM;
}

/**
 * A log retention CloudWatch Logs accepts (`PutRetentionPolicy` takes only the listed day counts;
 * `INFINITE` renders no retention). Returns the value to use.
 * @internal
 */
export function checkLogRetention(scope: Construct, value: logs.RetentionDays | undefined): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter(v => typeof v === 'number') as logs.RetentionDays[];
  checkOneOf(scope, 'logRetention', value, allowed, 'Pass a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_MONTH (INFINITE keeps logs forever).');
  return value ?? logs.RetentionDays.ONE_MONTH;
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
  checkWholeNumber(scope, 'reservedConcurrentExecutions', explicit, 1, INT32_MAX, `Pass a whole number from 1 (0 would throttle every request) to ${INT32_MAX}.`);
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

