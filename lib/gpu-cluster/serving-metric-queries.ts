/**
 * PromQL the chart scales and analyses on. Each query may use `$SELECTOR` (label matchers for the
 * pods of one Deployment, e.g. `namespace="recsys",service="recsys"`) and the latency query
 * `$QUANTILE` (e.g. `0.95`). The defaults read Triton Inference Server metrics scraped through the
 * chart's ServiceMonitor (which adds the `namespace`, `service` and `pod` labels).
 *
 * With `ServingRuntime.vllm()` the defaults read vLLM's metrics instead (see the lane README).
 * Replace them for another server (TorchServe, a custom FastAPI) — same meaning, same unit.
 */
export interface ServingMetricQueries {
  /**
   * Requests per second, summed over the pods (KEDA divides by the replica count).
   *
   * @default 'sum(rate(nv_inference_request_success{$SELECTOR}[1m]))'
   */
  readonly requestsPerSecond?: string;

  /**
   * Requests being processed at once, summed over the pods. The default applies Little's law:
   * seconds of request time accrued per second = mean concurrency.
   *
   * @default 'sum(rate(nv_inference_request_duration_us{$SELECTOR}[1m])) / 1e6'
   */
  readonly inFlightRequests?: string;

  /**
   * Mean GPU utilization of the pods, percent (0-100).
   *
   * @default 'avg(nv_gpu_utilization{$SELECTOR}) * 100'
   */
  readonly gpuUtilizationPercent?: string;

  /**
   * Mean time a request waits in the server's batching queue, seconds.
   *
   * @default '(sum(rate(nv_inference_queue_duration_us{$SELECTOR}[1m])) / 1e6) / clamp_min(sum(rate(nv_inference_request_success{$SELECTOR}[1m])), 0.001)'
   */
  readonly queueTimeSeconds?: string;

  /**
   * Latency at quantile `$QUANTILE`, milliseconds (the worst pod). The default needs Triton's
   * summary latencies, which the default Triton command line turns on.
   *
   * @default 'max(nv_inference_request_summary_us{$SELECTOR,quantile="$QUANTILE"} >= 0) / 1000'
   */
  readonly latencyMilliseconds?: string;

  /**
   * Failed requests, percent of all requests. It must return no sample (not 0) when there is no
   * traffic: the SLO analysis treats "no data" as inconclusive, never as a success.
   *
   * @default '100 * sum(rate(nv_inference_request_failure{$SELECTOR}[1m])) / (sum(rate(nv_inference_request_success{$SELECTOR}[1m])) + sum(rate(nv_inference_request_failure{$SELECTOR}[1m])) > 0)'
   */
  readonly errorRatePercent?: string;

  /**
   * All requests per second (successful and failed), summed over the pods. With the SLO's
   * `minRequestsPerPeriod` it decides whether a period's error rate counts: a period with fewer
   * requests reads 0% (as in the AWS lanes' alarms), a period with none has no sample.
   *
   * @default 'sum(rate(nv_inference_request_success{$SELECTOR}[1m])) + sum(rate(nv_inference_request_failure{$SELECTOR}[1m]))'
   */
  readonly allRequestsPerSecond?: string;

  /**
   * Requests per second measured in front of the pods by the gateway or ingress (Envoy Gateway,
   * Istio, NGINX, ...), summed over the backend. Unlike the server's own metrics this series exists
   * while no pod runs, so it is what lets a `requestsPerInstance` trigger wake a workload from
   * zero. It may use `$NAMESPACE` and `$SERVICE` (the backend Service: `recsys`, `recsys-canary`,
   * `recsys-shadow`); `$SELECTOR` is not filled (gateway series do not carry the pods' labels).
   *
   * When set, `requestsPerInstance` scales on it instead of `requestsPerSecond`.
   *
   * @example 'sum(rate(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/$NAMESPACE/$SERVICE/.*"}[1m]))'
   * @default - none: scale to zero then needs a queue-backlog trigger
   */
  readonly gatewayRequestsPerSecond?: string;

  /**
   * Requests waiting for a place in the batch, summed over the pods (KEDA divides by the replica
   * count). Read by `ScalingTrigger.requestsWaitingPerInstance` (vLLM only).
   *
   * @default 'sum(vllm:num_requests_waiting{$SELECTOR})'
   */
  readonly requestsWaiting?: string;

  /**
   * Mean KV-cache usage of the pods, percent (0-100). Read by `ScalingTrigger.kvCacheUtilization`
   * (vLLM only).
   *
   * @default - 'avg(vllm:kv_cache_usage_perc{$SELECTOR}) * 100' from vLLM 0.10.0,
   * 'avg(vllm:gpu_cache_usage_perc{$SELECTOR}) * 100' before, both (`or`) when the version is unknown
   */
  readonly kvCacheUtilizationPercent?: string;

  /**
   * Generated (output) tokens per second, summed over the pods (KEDA divides by the replica count).
   * Read by `ScalingTrigger.tokensPerSecondPerInstance` (vLLM only).
   *
   * @default 'sum(rate(vllm:generation_tokens_total{$SELECTOR}[1m]))'
   */
  readonly generationTokensPerSecond?: string;
}
