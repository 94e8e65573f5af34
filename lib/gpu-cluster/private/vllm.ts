import { Token } from 'aws-cdk-lib';
import { VllmServerOptions } from '../serving-runtime';

/**
 * vLLM specifics of the chart: its command line, the version its metric names depend on and the
 * PromQL the triggers read (vLLM's Prometheus metrics on the API port's `/metrics`).
 * @internal
 */

/** `[major, minor, patch]` of a vLLM version (`0.10.1`, `v0.10.1.post1`), or undefined. @internal */
export function parseVllmVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[.+-].*)?$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** The vLLM version: the option, else the image tag (`vllm/vllm-openai:v0.10.1[@sha256:...]`). @internal */
export function vllmVersionOf(options: VllmServerOptions, imageUri: string): [number, number, number] | undefined {
  if (options.vllmVersion !== undefined) { return parseVllmVersion(options.vllmVersion); }
  if (Token.isUnresolved(imageUri)) { return undefined; }
  const lastPart = imageUri.slice(imageUri.lastIndexOf('/') + 1);
  const tag = /:([^@]+)/.exec(lastPart)?.[1];
  return tag ? parseVllmVersion(tag) : undefined;
}

/**
 * The KV-cache usage gauge (0-1) as percent, per pod averaged. vLLM PR 18354 replaced
 * `vllm:gpu_cache_usage_perc` with `vllm:kv_cache_usage_perc` (the old name deprecated, then hidden);
 * the new name from 0.10.0 (whose /metrics shows it), the old one before; with an unknown version
 * the query reads whichever exists.
 * @internal
 */
export function kvCacheQuery(version: [number, number, number] | undefined): string {
  const NEW = 'avg(vllm:kv_cache_usage_perc{$SELECTOR}) * 100';
  const OLD = 'avg(vllm:gpu_cache_usage_perc{$SELECTOR}) * 100';
  if (version === undefined) { return `(${NEW}) or (${OLD})`; }
  return version[0] > 0 || version[1] >= 10 ? NEW : OLD;
}

/** Requests of the OpenAI API (not /health or /metrics), from the HTTP instrumentator vLLM runs. */
const API = 'handler=~"/v1/.*"';

/** vLLM's queries (same meaning and unit as the Triton defaults). @internal */
export const VLLM_QUERIES = {
  requestsPerSecond: 'sum(rate(vllm:request_success_total{$SELECTOR}[1m]))',
  // Requests the engine holds: running in the batch plus waiting for a slot.
  inFlightRequests: 'sum(vllm:num_requests_running{$SELECTOR}) + sum(vllm:num_requests_waiting{$SELECTOR})',
  queueTimeSeconds: 'sum(rate(vllm:request_queue_time_seconds_sum{$SELECTOR}[1m])) / clamp_min(sum(rate(vllm:request_queue_time_seconds_count{$SELECTOR}[1m])), 0.001)',
  latencyMilliseconds: 'histogram_quantile($QUANTILE, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{$SELECTOR}[1m]))) * 1000',
  allRequestsPerSecond: `sum(rate(http_requests_total{$SELECTOR,${API}}[1m]))`,
  errorRatePercent: `100 * sum(rate(http_requests_total{$SELECTOR,${API},status="5xx"}[1m])) / (sum(rate(http_requests_total{$SELECTOR,${API}}[1m])) > 0)`,
  requestsWaiting: 'sum(vllm:num_requests_waiting{$SELECTOR})',
  generationTokensPerSecond: 'sum(rate(vllm:generation_tokens_total{$SELECTOR}[1m]))',
};

/** The server command: the OpenAI-compatible entry point on the model directory the init containers fill. @internal */
export function vllmCommand(o: VllmServerOptions, c: { modelName: string; modelDir: string; port: number; gpuCount: number; maxNumSeqs?: number }): string[] {
  const args = [
    'python3', '-m', 'vllm.entrypoints.openai.api_server',
    `--model=${c.modelDir}`,
    `--served-model-name=${o.servedModelName ?? c.modelName}`,
    '--host=0.0.0.0',
    `--port=${c.port}`,
    // One shard per GPU of the pod.
    `--tensor-parallel-size=${c.gpuCount}`,
    `--gpu-memory-utilization=${o.gpuMemoryUtilization ?? 0.9}`,
  ];
  if (o.maxModelLen !== undefined) { args.push(`--max-model-len=${o.maxModelLen}`); }
  const seqs = o.maxNumSeqs ?? c.maxNumSeqs;
  if (seqs !== undefined) { args.push(`--max-num-seqs=${seqs}`); }
  if (o.maxNumBatchedTokens !== undefined) { args.push(`--max-num-batched-tokens=${o.maxNumBatchedTokens}`); }
  args.push(...(o.extraArgs ?? []));
  return args;
}

/** The server's environment: offline (weights are local), writable caches, no usage reporting. @internal */
export const VLLM_ENVIRONMENT: { [name: string]: string } = {
  HF_HOME: '/cache/huggingface',
  HF_HUB_OFFLINE: '1',
  VLLM_NO_USAGE_STATS: '1',
  DO_NOT_TRACK: '1',
};
