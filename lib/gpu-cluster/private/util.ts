import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { ServingMetricQueries } from '../serving-metric-queries';

/** Whole seconds of a Duration. @internal */
export function secondsOf(d: Duration): number {
  return d.toSeconds({ integral: false });
}

/** Mebibytes of a size (fails on fractions). @internal */
export function mebibytesOf(s: Size): number {
  return s.toMebibytes({ rounding: SizeRoundingBehavior.FAIL });
}

/** Kubernetes quantity text for a size, e.g. `16Gi` or `512Mi`. @internal */
export function quantityOf(s: Size): string {
  const mib = s.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib)) { return `${Math.ceil(s.toKibibytes({ rounding: SizeRoundingBehavior.NONE }))}Ki`; }
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** True when the value (string) is a DNS-1123 label. @internal */
export function isDnsLabel(v: string, max: number = 63): boolean {
  return v.length <= max && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v);
}

/** True when the string is concrete (not a CDK token). @internal */
export function concrete(v: string | undefined): v is string {
  return v !== undefined && !Token.isUnresolved(v);
}

/** Label matchers text for PromQL, e.g. `namespace="ns",service="svc"`. @internal */
export function promSelector(labels: { [key: string]: string }): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
}

/** The queries with Triton defaults. @internal */
export const DEFAULT_QUERIES = {
  requestsPerSecond: 'sum(rate(nv_inference_request_success{$SELECTOR}[1m]))',
  inFlightRequests: 'sum(rate(nv_inference_request_duration_us{$SELECTOR}[1m])) / 1e6',
  gpuUtilizationPercent: 'avg(nv_gpu_utilization{$SELECTOR}) * 100',
  queueTimeSeconds: '(sum(rate(nv_inference_queue_duration_us{$SELECTOR}[1m])) / 1e6) / clamp_min(sum(rate(nv_inference_request_success{$SELECTOR}[1m])), 0.001)',
  latencyMilliseconds: 'max(nv_inference_request_summary_us{$SELECTOR,quantile="$QUANTILE"} >= 0) / 1000',
  allRequestsPerSecond: 'sum(rate(nv_inference_request_success{$SELECTOR}[1m])) + sum(rate(nv_inference_request_failure{$SELECTOR}[1m]))',
  // No traffic gives no sample (the denominator is filtered by `> 0`), never a 0 % error rate.
  errorRatePercent: '100 * sum(rate(nv_inference_request_failure{$SELECTOR}[1m])) / (sum(rate(nv_inference_request_success{$SELECTOR}[1m])) + sum(rate(nv_inference_request_failure{$SELECTOR}[1m])) > 0)',
};

/**
 * The queries after defaults. The gateway query has no default; the GPU utilization has none on vLLM
 * (it exports no GPU metric); the LLM queries have defaults on vLLM only.
 * @internal
 */
export interface ResolvedQueries {
  readonly requestsPerSecond: string;
  readonly inFlightRequests: string;
  readonly gpuUtilizationPercent?: string;
  readonly queueTimeSeconds: string;
  readonly latencyMilliseconds: string;
  readonly allRequestsPerSecond: string;
  readonly errorRatePercent: string;
  readonly gatewayRequestsPerSecond?: string;
  readonly requestsWaiting?: string;
  readonly kvCacheUtilizationPercent?: string;
  readonly generationTokensPerSecond?: string;
}

/** Merge user queries over the defaults (Triton's, or the server's given). @internal */
export function resolveQueries(q: ServingMetricQueries | undefined, defaults: Omit<ResolvedQueries, 'gatewayRequestsPerSecond'> = DEFAULT_QUERIES): ResolvedQueries {
  return {
    gatewayRequestsPerSecond: q?.gatewayRequestsPerSecond,
    allRequestsPerSecond: q?.allRequestsPerSecond ?? defaults.allRequestsPerSecond,
    requestsPerSecond: q?.requestsPerSecond ?? defaults.requestsPerSecond,
    inFlightRequests: q?.inFlightRequests ?? defaults.inFlightRequests,
    gpuUtilizationPercent: q?.gpuUtilizationPercent ?? defaults.gpuUtilizationPercent,
    queueTimeSeconds: q?.queueTimeSeconds ?? defaults.queueTimeSeconds,
    latencyMilliseconds: q?.latencyMilliseconds ?? defaults.latencyMilliseconds,
    errorRatePercent: q?.errorRatePercent ?? defaults.errorRatePercent,
    requestsWaiting: q?.requestsWaiting ?? defaults.requestsWaiting,
    kvCacheUtilizationPercent: q?.kvCacheUtilizationPercent ?? defaults.kvCacheUtilizationPercent,
    generationTokensPerSecond: q?.generationTokensPerSecond ?? defaults.generationTokensPerSecond,
  };
}

/**
 * A query guarded by a minimum request count (the error rate with the SLO's `minRequestsPerPeriod`;
 * in the Argo analysis also the latency percentile and the queue time): the value itself when the
 * period saw at least `minRequests` requests, 0 when it saw fewer (a handful of requests cannot trip
 * it), no sample when it saw none (no data is never a pass).
 * @internal
 */
export function withMinimumRequests(errorRate: string, allRequestsPerSecond: string, periodSeconds: number, minRequests: number): string {
  return `((${errorRate}) and on() ((${allRequestsPerSecond}) * ${periodSeconds} >= ${minRequests})) or on() (0 * ((${allRequestsPerSecond}) > 0))`;
}

/** Fill `$SELECTOR` and `$QUANTILE`. @internal */
export function renderQuery(template: string, selector: string, quantile?: string): string {
  let out = template.split('$SELECTOR').join(selector);
  if (quantile !== undefined) { out = out.split('$QUANTILE').join(quantile); }
  return out;
}

/** A number as a KEDA metadata string (no exponent, trimmed). @internal */
export function numberText(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** Quantile text of a percentile: 95 → `0.95`, 99.9 → `0.999`. @internal */
export function quantileOf(percentile: number): string {
  return String(Math.round(percentile * 1000) / 100000);
}

/** The object without its undefined fields (cdk8s drops them too, but not inside maps it does not know). @internal */
export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
