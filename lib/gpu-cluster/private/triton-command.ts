import { quantileOf } from './util';

/** Latency quantiles Triton always publishes (the SLO's percentile is added). */
const TRITON_QUANTILES = [50, 90, 95, 99];

/**
 * The Triton command line: the model repository the init containers fill, the three ports, strict
 * readiness, GPU metrics and latency summaries with the SLO's quantile.
 * @internal
 */
export function tritonCommand(http: number, grpc: number, metrics: number, sloPercentile?: number): string[] {
  const quantiles = [...TRITON_QUANTILES];
  if (sloPercentile !== undefined && !quantiles.includes(sloPercentile)) { quantiles.push(sloPercentile); }
  quantiles.sort((a, b) => a - b);
  return [
    'tritonserver',
    '--model-repository=/models',
    `--http-port=${http}`,
    `--grpc-port=${grpc}`,
    `--metrics-port=${metrics}`,
    '--model-control-mode=none',
    '--strict-readiness=true',
    '--exit-on-error=true',
    '--allow-gpu-metrics=true',
    '--metrics-config=summary_latencies=true',
    `--metrics-config=summary_quantiles=${quantiles.map(p => `${quantileOf(p)}:0.001`).join(',')}`,
  ];
}
