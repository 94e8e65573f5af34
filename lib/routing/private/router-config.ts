import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { durationMillis } from '../../core/private/validation';
import type { InferenceFrontDoorProps } from '../inference-front-door';
import { RouteTarget, RouteTargetConfig } from '../../core/route-target';
import { FailoverStateResources } from './failover-state';
import { FRONT_DOOR_NAMESPACE } from './front-door-metrics';

/**
 * What the router reads from ROUTER_CONFIG (handler/router.js `createRouter(config, ...)`). Binding the
 * targets here grants the router exactly what it needs on each.
 */
export interface RouterConfig {
  readonly route: string;
  readonly namespace: string;
  readonly primary?: { [key: string]: unknown };
  readonly burst?: { [key: string]: unknown };
  readonly jobs?: { [key: string]: unknown };
  readonly canary?: { percent: number; target: { [key: string]: unknown } };
  readonly maxBodyBytes: number;
  readonly hedgeAfterMs: number;
  readonly retryAfterSeconds: number;
  readonly retry: { budgetPercent: number; bucketSize: number; jitterMs: number };
  readonly failover?: { table: string; alarms: string[]; cacheMs: number; failbackMs: number; failbackStartPercent: number };
  readonly admission?: AdmissionConfig;
}

/** Load-aware spill as the router runs it (handler/router.js `Admission`). */
export interface AdmissionConfig {
  readonly budgetMs: number;
  readonly targetSlowPercent: number;
  readonly windowMs: number;
  readonly adjustMs: number;
  readonly gain: number;
  readonly increasePercent: number;
  readonly minPercent: number;
}

/** Constants of load-aware spill (tuned on the assistant scenario, lib/simulation; see lib/routing/README.md). */
export const ADMISSION = {
  /** Default budget: this share of the SLO latency threshold. */
  budgetOfThreshold: 0.8,
  /** Target share of slow answers: the SLO's allowed tail (100 - percentile) divided by this. */
  tailDivisor: 5,
  windowMs: 5000,
  adjustMs: 1000,
  gain: 5,
  increasePercent: 1,
  minPercent: 5,
} as const;

/** Default fail-back ramp. */
export const FAILBACK = { duration: Duration.minutes(10), startPercent: 10 } as const;

/**
 * The admission settings, or undefined when load-aware spill is off: a burst lane and a budget (explicit,
 * or 80 % of the SLO latency threshold) are needed; tokens in the budget or the SLO leave it off.
 */
export function admissionConfig(props: InferenceFrontDoorProps): AdmissionConfig | undefined {
  if (!props.primary || !props.burst || props.loadAwareSpill === false) { return undefined; }
  const threshold = props.slo?.latencyThreshold;
  let budgetMs: number | undefined;
  if (props.primaryLatencyBudget !== undefined) {
    if (props.primaryLatencyBudget.isUnresolved()) { return undefined; }
    budgetMs = durationMillis(props.primaryLatencyBudget);
  } else if (threshold !== undefined && !threshold.isUnresolved()) {
    budgetMs = Math.round(durationMillis(threshold) * ADMISSION.budgetOfThreshold);
  }
  if (budgetMs === undefined) { return undefined; }
  const percentile = props.slo?.latencyThreshold !== undefined ? props.slo.latencyPercentile : 95;
  return {
    budgetMs,
    targetSlowPercent: Math.round(1e6 * (100 - percentile) / ADMISSION.tailDivisor) / 1e6,
    windowMs: ADMISSION.windowMs,
    adjustMs: ADMISSION.adjustMs,
    gain: ADMISSION.gain,
    increasePercent: ADMISSION.increasePercent,
    minPercent: ADMISSION.minPercent,
  };
}

function syncSettings(c: RouteTargetConfig): { [key: string]: unknown } {
  switch (c.kind) {
    case 'sagemaker': return { kind: c.kind, endpointName: c.endpointName, ...(c.region ? { region: c.region } : {}) };
    case 'lambda': return { kind: c.kind, functionName: c.functionName };
    default: return { kind: c.kind, url: c.url };
  }
}

export function renderRouterConfig(scope: Construct, props: InferenceFrontDoorProps, grantee: iam.IGrantable, route: string, failover?: FailoverStateResources): RouterConfig {
  const bindSync = (t: RouteTarget | undefined) => (t ? t.bind(scope, grantee) : undefined);
  const primary = bindSync(props.primary);
  const burst = bindSync(props.burst);
  const canary = bindSync(props.canary);
  const jobs = props.jobs?.bind(scope, grantee);
  const targetLimit = Math.min(...[primary, burst, canary].filter((c): c is RouteTargetConfig => !!c).map(c => c.maxBodyBytes), 6_291_456);
  const requested = props.maxRequestBodySize && !props.maxRequestBodySize.isUnresolved() ? props.maxRequestBodySize.toBytes() : undefined;
  if (requested !== undefined && requested > targetLimit) {
    const smallest = [[props.primary, primary], [props.burst, burst], [props.canary, canary]].find(([, c]) => c && (c as RouteTargetConfig).maxBodyBytes === targetLimit)![0] as RouteTarget;
    throw invalid(scope, 'maxRequestBodySize', requested, `is larger than ${smallest.description} takes (${targetLimit} bytes)`,
      `Pass at most Size.bytes(${targetLimit}), or send larger inputs as jobs.`);
  }
  const maxBodyBytes = requested ?? targetLimit;
  return {
    route,
    namespace: FRONT_DOOR_NAMESPACE,
    primary: primary ? syncSettings(primary) : undefined,
    burst: burst ? syncSettings(burst) : undefined,
    canary: canary ? { percent: props.canaryPercent ?? 10, target: syncSettings(canary) } : undefined,
    jobs: jobs ? {
      kind: jobs.kind, queueUrl: jobs.queueUrl, bucket: jobs.bucketName, prefix: jobs.resultsPrefix,
      ...(jobs.failuresPrefix ? { failuresPrefix: jobs.failuresPrefix } : {}), maxMessageBytes: jobs.maxMessageBytes,
    } : undefined,
    maxBodyBytes,
    hedgeAfterMs: props.hedgeAfter ? durationMillis(props.hedgeAfter) : 0,
    retryAfterSeconds: (props.retryAfter ?? Duration.seconds(5)).toSeconds(),
    retry: {
      budgetPercent: props.retryBudgetPercent ?? 10,
      bucketSize: props.retryBucketSize ?? 10,
      jitterMs: durationMillis(props.retryJitter ?? Duration.millis(25)),
    },
    failover: failover ? {
      table: failover.table.tableName,
      alarms: failover.alarmNames,
      cacheMs: durationMillis(props.failoverStateCacheTtl ?? Duration.seconds(5)),
      failbackMs: durationMillis(props.failbackDuration ?? FAILBACK.duration),
      failbackStartPercent: FAILBACK.startPercent,
    } : undefined,
    admission: admissionConfig(props),
  };
}
