import { Duration, Size, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { checkDuration, checkFinite, checkWholeNumber, describeDuration, durationMillis } from '../../core/private/validation';
import type { InferenceFrontDoorProps } from '../inference-front-door';
import { httpTargetUrl, isQueueTarget, RouteTarget } from '../../core/route-target';

/** Lambda function URLs and synchronous invocations: 6 MB request payloads. */
export const MAX_SYNC_BODY_BYTES = 6_291_456;
/** SQS messages: 1 KiB to 1 MiB. */
export const MIN_MESSAGE_BYTES = 1024;
export const MAX_MESSAGE_BYTES = 1_048_576;
/** Lambda's longest timeout (a function URL waits as long as the function runs). */
export const MAX_TIMEOUT_SECONDS = 900;

/**
 * Validate a front door's props (tokens skipped). Throws LaneValidationError naming prop, value and fix.
 */
export function validateFrontDoorProps(scope: IConstruct, props: InferenceFrontDoorProps): void {
  const { primary, burst, jobs } = props;
  if (!primary && !burst && !jobs) {
    throw invalid(scope, 'primary', undefined, 'is missing, and so are burst and jobs: a front door without lanes routes nothing',
      'Pass primary: RouteTarget.sageMakerEndpoint({...}) (or lambdaAlias/http) for synchronous inference, and/or jobs: RouteTarget.queue({...}) for asynchronous jobs.');
  }
  if (!primary && burst) {
    throw invalid(scope, 'burst', burst.description, 'is given without a primary: the burst lane only takes what the primary cannot',
      'Pass the baseline lane as primary and the burst lane as burst.');
  }
  const canary = props.canary;
  if (canary && !primary) {
    throw invalid(scope, 'canary', canary.description, 'is given without a primary: a canary takes a share of the primary\'s traffic',
      'Pass the lane serving the current version as primary and the candidate as canary.');
  }
  if (props.canaryPercent !== undefined && !canary) {
    throw invalid(scope, 'canaryPercent', props.canaryPercent, 'is given without a canary lane', 'Pass canary: RouteTarget...(...), or drop canaryPercent.');
  }
  checkFinite(scope, 'canaryPercent', props.canaryPercent, {
    min: 0.1, max: 50, fix: 'Pass a percent from 0.1 to 50 (beyond half the traffic, promote the candidate with the lane\'s own rollout).',
  });
  for (const [prop, t] of [['primary', primary], ['burst', burst], ['canary', canary]] as Array<[string, RouteTarget | undefined]>) {
    if (t && isQueueTarget(t)) {
      throw invalid(scope, prop, t.description, 'is a queue: a queue cannot answer a synchronous request',
        `Pass the queue as jobs (POST /jobs hands work to it) and a synchronous lane (SageMaker endpoint, Lambda alias or URL) as ${prop}.`);
    }
    const url = t ? httpTargetUrl(t) : undefined;
    if (url !== undefined && !Token.isUnresolved(url) && !/^https?:\/\/[^\s/]+/i.test(url)) {
      throw invalid(scope, `${prop}.url`, url, 'is not an http:// or https:// URL', 'Pass the load balancer URL, e.g. https://lane.internal.example.com/invocations.');
    }
  }
  if (primary && burst && primary.identity === burst.identity) {
    throw invalid(scope, 'burst', burst.description, 'is the same lane as primary: spillover and failover would retry the lane that just refused',
      'Pass a different lane as burst (e.g. the warm serverless alias behind a SageMaker primary), or drop burst.');
  }
  for (const [prop, other] of [['primary', primary], ['burst', burst]] as Array<[string, RouteTarget | undefined]>) {
    if (canary && other && canary.identity === other.identity) {
      throw invalid(scope, 'canary', canary.description, `is the same lane as ${prop}: a canary must be another lane`,
        'Pass the candidate lane as canary, or drop canary.');
    }
  }
  if (canary && canary.alarms.length > 0) {
    throw invalid(scope, 'canary.alarms', canary.alarms.length, 'are not used: the front door fails over from the primary to the burst lane only',
      'Drop the canary target\'s alarms (roll the candidate back with its lane\'s own rollout alarms).');
  }
  if (jobs && !isQueueTarget(jobs)) {
    throw invalid(scope, 'jobs', jobs.description, `is a ${jobs.kind} target: the async route (POST /jobs) needs a queue target`,
      'Pass jobs: RouteTarget.queue({ queue, results: { bucket, prefix } }) (the batch lane\'s queue), or drop jobs.');
  }
  if (primary && primary.alarms.length > 0 && !burst) {
    throw invalid(scope, 'primary.alarms', primary.alarms.length, 'are given without a burst target: there is no lane to fail over to',
      'Pass burst: the lane that takes traffic while the primary\'s alarms are in ALARM, or drop the alarms.');
  }
  if (burst && burst.alarms.length > 0) {
    throw invalid(scope, 'burst.alarms', burst.alarms.length, 'are not used: the front door fails over from the primary to the burst lane only',
      'Drop the burst target\'s alarms (watch them on the lane\'s dashboard).');
  }

  // --- sizes ---------------------------------------------------------------------------------------
  checkSize(scope, 'maxRequestBodySize', props.maxRequestBodySize, 1, MAX_SYNC_BODY_BYTES,
    'Lambda function URLs and synchronous invocations take at most 6 MB (6,291,456 bytes); send larger inputs as jobs with an S3 key.');
  if (jobs && isQueueTarget(jobs)) {
    checkSize(scope, 'jobs.maxMessageSize', jobs.props.maxMessageSize, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES,
      'SQS messages are 1 KiB to 1 MiB (the queue\'s MaximumMessageSize); pass at most what the queue accepts.');
    for (const [prop, prefix] of [['jobs.results.prefix', jobs.props.results.prefix], ['jobs.results.failuresPrefix', jobs.props.results.failuresPrefix]] as Array<[string, string | undefined]>) {
      if (prefix !== undefined && !Token.isUnresolved(prefix) && (prefix === '' || !prefix.endsWith('/') || /[*?]/.test(prefix))) {
        throw invalid(scope, prop, prefix, "must be a non-empty S3 key prefix ending in '/' without wildcards", "Pass e.g. 'results/'.");
      }
    }
  }

  // --- router timing -------------------------------------------------------------------------------
  checkDuration(scope, 'timeout', props.timeout, { unit: 'seconds', min: Duration.seconds(1), max: Duration.seconds(MAX_TIMEOUT_SECONDS) });
  checkDuration(scope, 'retryJitter', props.retryJitter, { unit: 'milliseconds', min: Duration.millis(0), max: Duration.seconds(1) });
  checkDuration(scope, 'failoverStateCacheTtl', props.failoverStateCacheTtl, { unit: 'milliseconds', min: Duration.seconds(1), max: Duration.minutes(1) });
  checkDuration(scope, 'retryAfter', props.retryAfter, { unit: 'seconds', min: Duration.seconds(1), max: Duration.hours(1) });
  checkFinite(scope, 'retryBudgetPercent', props.retryBudgetPercent, { min: 0, max: 100 });
  checkWholeNumber(scope, 'retryBucketSize', props.retryBucketSize, 1, 1000);
  checkFinite(scope, 'spilloverAlarmThresholdPercent', props.spilloverAlarmThresholdPercent, { min: 0.1, max: 100 });
  checkWholeNumber(scope, 'spilloverAlarmEvaluationPeriods', props.spilloverAlarmEvaluationPeriods, 1, 60);
  checkWholeNumber(scope, 'memorySize', props.memorySize, 128, 10_240);
  checkWholeNumber(scope, 'provisionedConcurrentExecutions', props.provisionedConcurrentExecutions, 0);
  checkWholeNumber(scope, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions, 0);

  // --- hedging -------------------------------------------------------------------------------------
  if (props.hedgeAfter !== undefined) {
    if (!burst) {
      throw invalid(scope, 'hedgeAfter', props.hedgeAfter, 'needs a burst target: a hedge is a second call to the burst lane',
        'Pass burst, or drop hedgeAfter.');
    }
    checkDuration(scope, 'hedgeAfter', props.hedgeAfter, { unit: 'milliseconds', min: Duration.millis(1), max: Duration.seconds(MAX_TIMEOUT_SECONDS) });
    const threshold = props.slo?.latencyThreshold;
    if (threshold && !props.hedgeAfter.isUnresolved() && !threshold.isUnresolved()
      && durationMillis(props.hedgeAfter) >= durationMillis(threshold)) {
      throw invalid(scope, 'hedgeAfter', props.hedgeAfter,
        `is not below the SLO latency threshold (${describeDuration(threshold)}): a hedge sent that late answers after the objective is already missed`,
        `Pass a hedgeAfter below ${describeDuration(threshold)}, e.g. the primary's p50-p90 latency, or drop hedgeAfter.`);
    }
  }
  const timeout = props.timeout;
  if (props.hedgeAfter && timeout && !props.hedgeAfter.isUnresolved() && !timeout.isUnresolved()
    && durationMillis(props.hedgeAfter) >= durationMillis(timeout)) {
    throw invalid(scope, 'hedgeAfter', props.hedgeAfter, `is not below the router's timeout (${describeDuration(timeout)})`,
      'Pass a hedgeAfter below the timeout, or raise timeout.');
  }
  // --- load-aware spill and fail-back ----------------------------------------------------------------
  validateLoadAwareSpill(scope, props);
  if (props.failbackDuration !== undefined) {
    if (!(primary && burst && primary.alarms.length > 0)) {
      throw invalid(scope, 'failbackDuration', props.failbackDuration, 'is given without failover: the primary has no alarms (or there is no burst lane), so traffic never fails over and never fails back',
        'Pass the primary\'s rollback alarms and a burst lane, or drop failbackDuration.');
    }
    checkDuration(scope, 'failbackDuration', props.failbackDuration, { unit: 'milliseconds', min: Duration.millis(0), max: Duration.hours(1) });
  }
  const reserved = props.reservedConcurrentExecutions;
  const warm = props.provisionedConcurrentExecutions;
  if (reserved !== undefined && warm !== undefined && !Token.isUnresolved(reserved) && !Token.isUnresolved(warm) && warm > reserved) {
    throw invalid(scope, 'provisionedConcurrentExecutions', warm, `exceeds reservedConcurrentExecutions (${reserved})`,
      'Raise reservedConcurrentExecutions or lower provisionedConcurrentExecutions.');
  }
}

/** A Size in bytes within [min, max] (tokens skipped). */
function checkSize(scope: IConstruct, prop: string, size: Size | undefined, min: number, max: number, fix: string): void {
  if (size === undefined || size.isUnresolved()) { return; }
  const bytes = size.toBytes();
  if (!Number.isFinite(bytes) || bytes < min || bytes > max) {
    throw invalid(scope, prop, bytes, `must be from ${min} to ${max} bytes`, fix);
  }
}

/**
 * Load-aware spill: needs a burst lane and a budget; the budget is at most the SLO latency threshold and
 * below the router's timeout.
 */
function validateLoadAwareSpill(scope: IConstruct, props: InferenceFrontDoorProps): void {
  const { burst, loadAwareSpill } = props;
  const budget = props.primaryLatencyBudget;
  if (loadAwareSpill !== undefined && typeof loadAwareSpill !== 'boolean') {
    throw invalid(scope, 'loadAwareSpill', loadAwareSpill, 'is not a boolean', 'Pass true or false.');
  }
  if (budget !== undefined && loadAwareSpill === false) {
    throw invalid(scope, 'primaryLatencyBudget', budget, 'is given but loadAwareSpill is false: the budget is only used by load-aware spill',
      'Drop primaryLatencyBudget, or drop loadAwareSpill: false.');
  }
  if ((budget !== undefined || loadAwareSpill === true) && !burst) {
    throw invalid(scope, budget !== undefined ? 'primaryLatencyBudget' : 'loadAwareSpill', budget ?? loadAwareSpill,
      'needs a burst target: load-aware spill sends requests to the burst lane', 'Pass burst, or drop it.');
  }
  const threshold = props.slo?.latencyThreshold;
  if (loadAwareSpill === true && budget === undefined && threshold === undefined) {
    throw invalid(scope, 'loadAwareSpill', true, 'has no latency budget: there is no primaryLatencyBudget and no slo with a latency threshold to derive it from',
      'Pass primaryLatencyBudget (e.g. Duration.millis(240)) or slo: ServiceLevelObjective.latency(95, Duration.millis(300)).');
  }
  if (budget === undefined) { return; }
  checkDuration(scope, 'primaryLatencyBudget', budget, { unit: 'milliseconds', min: Duration.millis(1), max: Duration.seconds(MAX_TIMEOUT_SECONDS) });
  if (threshold && !budget.isUnresolved() && !threshold.isUnresolved() && durationMillis(budget) > durationMillis(threshold)) {
    throw invalid(scope, 'primaryLatencyBudget', budget,
      `is above the SLO latency threshold (${describeDuration(threshold)}): the primary would miss the objective before the router spills to the burst lane`,
      `Pass a primaryLatencyBudget of at most ${describeDuration(threshold)} (the default is 80 % of it), or drop primaryLatencyBudget.`);
  }
  const timeout = props.timeout ?? Duration.seconds(60);
  if (!budget.isUnresolved() && !timeout.isUnresolved() && durationMillis(budget) >= durationMillis(timeout)) {
    throw invalid(scope, 'primaryLatencyBudget', budget, `is not below the router's timeout (${describeDuration(timeout)})`,
      'Pass a primaryLatencyBudget below the timeout, or raise timeout.');
  }
}
