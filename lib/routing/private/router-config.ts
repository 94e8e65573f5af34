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
  readonly failover?: { table: string; alarms: string[]; cacheMs: number };
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
    } : undefined,
  };
}
