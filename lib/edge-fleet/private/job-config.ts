import { Duration, Token } from 'aws-cdk-lib';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import { IConstruct } from 'constructs';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { checkDuration, checkFinite, checkOneOf, checkWholeNumber } from '../../core/private/validation';
import { FleetJobOptions, JobAbortCriterion, JobFailureType } from '../fleet-job';

/** The defaults of each ring. @internal */
export const CANARY_JOB_DEFAULTS: FleetJobOptions = {
  abortCriteria: [{ failureType: JobFailureType.ALL, thresholdPercent: 10, minExecutedDevices: 1 }],
  inProgressTimeout: Duration.hours(1),
};

/** @internal */
export const FLEET_JOB_DEFAULTS: FleetJobOptions = {
  exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, increaseAfterSucceededDevices: 5 },
  maximumPerMinute: 50,
  abortCriteria: [{ failureType: JobFailureType.ALL, thresholdPercent: 5, minExecutedDevices: 20 }],
  inProgressTimeout: Duration.hours(1),
};

/**
 * Validate job options and render them as the L1 `IotJobConfiguration`. The nested properties are
 * typed in the L1 and converted to PascalCase by the CDK, except `RateIncreaseCriteria`, which the L1
 * types as `any` and passes through untouched (aws-cdk #32459): it is written in PascalCase here.
 * @internal
 */
export function renderJobConfiguration(scope: IConstruct, prop: string, options: FleetJobOptions, defaults: FleetJobOptions): greengrassv2.CfnDeployment.DeploymentIoTJobConfigurationProperty {
  const rate = options.exponentialRate ?? (options.maximumPerMinute === undefined ? defaults.exponentialRate : undefined);
  const maximumPerMinute = options.maximumPerMinute ?? (options.exponentialRate === undefined ? defaults.maximumPerMinute : undefined);
  const abortCriteria = options.abortCriteria ?? defaults.abortCriteria ?? [];
  const timeout = options.inProgressTimeout ?? defaults.inProgressTimeout;

  checkWholeNumber(scope, `${prop}.maximumPerMinute`, maximumPerMinute, 1, 1000);
  let exponentialRate: greengrassv2.CfnDeployment.IoTJobExponentialRolloutRateProperty | undefined;
  if (rate) {
    const p = `${prop}.exponentialRate`;
    checkWholeNumber(scope, `${p}.baseRatePerMinute`, rate.baseRatePerMinute, 1, 1000);
    checkFinite(scope, `${p}.incrementFactor`, rate.incrementFactor, { fix: 'Pass a factor from 1.1 to 5, e.g. 2.' });
    if (isConcreteNumber(rate.incrementFactor)) {
      if (!(rate.incrementFactor > 1)) {
        throw invalid(scope, `${p}.incrementFactor`, rate.incrementFactor, 'must be greater than 1 (a factor of 1 or less never increases the rate)', 'Pass a factor from 1.1 to 5, e.g. 2.');
      }
      if (rate.incrementFactor > 5 || Math.abs(rate.incrementFactor * 10 - Math.round(rate.incrementFactor * 10)) > 1e-6) {
        throw invalid(scope, `${p}.incrementFactor`, rate.incrementFactor, 'must be at most 5 with at most one decimal', 'Pass e.g. 1.5 or 2.');
      }
    }
    const notified = rate.increaseAfterNotifiedDevices;
    const succeeded = rate.increaseAfterSucceededDevices;
    if ((notified === undefined) === (succeeded === undefined)) {
      throw invalid(scope, `${p}`, { increaseAfterNotifiedDevices: notified, increaseAfterSucceededDevices: succeeded }, 'must set exactly one of increaseAfterNotifiedDevices and increaseAfterSucceededDevices', 'Set increaseAfterSucceededDevices (recommended: a failing version stops accelerating) or increaseAfterNotifiedDevices.');
    }
    checkWholeNumber(scope, `${p}.increaseAfterNotifiedDevices`, notified, 1, INT32_MAX);
    checkWholeNumber(scope, `${p}.increaseAfterSucceededDevices`, succeeded, 1, INT32_MAX);
    if (isConcreteNumber(maximumPerMinute) && isConcreteNumber(rate.baseRatePerMinute) && rate.baseRatePerMinute > maximumPerMinute) {
      throw invalid(scope, `${p}.baseRatePerMinute`, rate.baseRatePerMinute, `must be less than or equal to 'maximumPerMinute' (${maximumPerMinute})`, 'Lower baseRatePerMinute or raise maximumPerMinute.');
    }
    exponentialRate = {
      baseRatePerMinute: rate.baseRatePerMinute,
      incrementFactor: rate.incrementFactor,
      // Untyped in the L1 (`any`): rendered verbatim, so the keys must already be PascalCase.
      rateIncreaseCriteria: notified !== undefined ? { NumberOfNotifiedThings: notified } : { NumberOfSucceededThings: succeeded },
    };
  }

  const criteriaList = renderAbortCriteria(scope, `${prop}.abortCriteria`, abortCriteria);

  let timeoutConfig: greengrassv2.CfnDeployment.IoTJobTimeoutConfigProperty | undefined;
  if (timeout) {
    if (!(timeout instanceof Duration)) {
      throw invalid(scope, `${prop}.inProgressTimeout`, timeout, 'is not a Duration', 'Pass e.g. Duration.minutes(30).');
    }
    // IoT jobs: InProgressTimeoutInMinutes from 1 to 10080 (7 days).
    checkDuration(scope, `${prop}.inProgressTimeout`, timeout, { unit: 'minutes', min: Duration.minutes(1), max: Duration.days(7) });
    timeoutConfig = { inProgressTimeoutInMinutes: timeout.toMinutes() };
  }

  const rollout = exponentialRate || maximumPerMinute !== undefined
    ? { exponentialRate, maximumPerMinute }
    : undefined;
  return {
    jobExecutionsRolloutConfig: rollout,
    abortConfig: criteriaList.length > 0 ? { criteriaList } : undefined,
    timeoutConfig,
  };
}

/** Largest value of the Greengrass and IoT APIs' integer fields. @internal */
export const INT32_MAX = 2147483647;

/**
 * Whole seconds of a duration (tokens passed through), rejecting fractions, zero, non-Durations and
 * values above the APIs' 32-bit integers.
 * @internal
 */
export function wholeSeconds(scope: IConstruct, prop: string, d: Duration): number {
  if (!(d instanceof Duration)) {
    throw invalid(scope, prop, d, 'is not a Duration', 'Pass e.g. Duration.seconds(60).');
  }
  if (d.isUnresolved() || Token.isUnresolved(d.toSeconds({ integral: false }))) {
    return d.toSeconds();
  }
  checkDuration(scope, prop, d, { unit: 'seconds', min: Duration.seconds(1), max: Duration.seconds(INT32_MAX) });
  return d.toSeconds();
}

/** Abort criteria as the L1 `CriteriaList` (Action CANCEL), one per failure type. */
function renderAbortCriteria(scope: IConstruct, prop: string, abortCriteria: JobAbortCriterion[]): greengrassv2.CfnDeployment.IoTJobAbortCriteriaProperty[] {
  if (!Array.isArray(abortCriteria)) {
    throw invalid(scope, prop, abortCriteria, 'is not a list', 'Pass a list of { failureType, thresholdPercent, minExecutedDevices }, or [] for no abort criteria.');
  }
  const seen = new Set<JobFailureType>();
  return abortCriteria.map((c, i) => {
    const p = `${prop}[${i}]`;
    checkFinite(scope, `${p}.thresholdPercent`, c.thresholdPercent, { min: 0, max: 100, fix: 'Pass a percent from 0 to 100 with at most two decimals.' });
    if (isConcreteNumber(c.thresholdPercent) && Math.abs(c.thresholdPercent * 100 - Math.round(c.thresholdPercent * 100)) > 1e-6) {
      throw invalid(scope, `${p}.thresholdPercent`, c.thresholdPercent, 'has more than two decimals (IoT jobs accept e.g. 10.99, not 10.999)', `Pass ${Math.round(c.thresholdPercent * 100) / 100}.`);
    }
    checkWholeNumber(scope, `${p}.minExecutedDevices`, c.minExecutedDevices, 1, INT32_MAX);
    checkOneOf(scope, `${p}.failureType`, c.failureType, Object.values(JobFailureType), 'Use JobFailureType.FAILED, REJECTED, TIMED_OUT or ALL.');
    if (seen.has(c.failureType)) {
      throw invalid(scope, `${p}.failureType`, c.failureType, 'is listed twice', 'Keep one criterion per failure type.');
    }
    seen.add(c.failureType);
    return {
      failureType: c.failureType,
      action: 'CANCEL',
      thresholdPercentage: c.thresholdPercent,
      minNumberOfExecutedThings: c.minExecutedDevices,
    };
  });
}
