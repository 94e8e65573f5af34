import { IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { checkOneOf } from '../../core/private/validation';
import { GpuServingOptions } from '../gpu-serving-options';
import { ServedModel } from '../served-model';
import { ServingRuntime, ServingRuntimeKind, VllmServerOptions } from '../serving-runtime';
import { TritonModelConfig } from '../triton-model-config';
import { DEFAULT_QUERIES, ResolvedQueries, resolveQueries } from './util';
import { kvCacheQuery, VLLM_QUERIES, vllmVersionOf } from './vllm';

/**
 * The inference server of a chart after defaults: Triton (with its config) or vLLM (with its options
 * and the version its metric names depend on).
 * @internal
 */
export interface ResolvedRuntime {
  readonly kind: ServingRuntimeKind;
  readonly triton?: TritonModelConfig;
  readonly vllm?: VllmServerOptions;
  readonly vllmVersion?: [number, number, number];
}

/** Resolve `servingRuntime` and `triton`; reject what the runtime would not use. @internal */
export function resolveRuntime(scope: IConstruct, props: GpuServingOptions, model: ServedModel): ResolvedRuntime {
  const runtime = props.servingRuntime;
  if (runtime === undefined) { return { kind: ServingRuntimeKind.TRITON, triton: props.triton }; }
  if (!(runtime instanceof ServingRuntime)) {
    throw invalid(scope, 'servingRuntime', runtime, 'is not a ServingRuntime', 'Pass ServingRuntime.triton(config?) or ServingRuntime.vllm(options), or omit it (Triton).');
  }
  checkOneOf(scope, 'servingRuntime.kind', runtime.kind, Object.values(ServingRuntimeKind));
  if (runtime.kind === ServingRuntimeKind.TRITON) {
    if (props.triton && runtime.tritonConfig) {
      throw invalid(scope, 'triton', 'TritonModelConfig', 'conflicts with the config of servingRuntime ServingRuntime.triton(config)', 'Give the Triton config once: in ServingRuntime.triton(config) or as triton.');
    }
    return { kind: ServingRuntimeKind.TRITON, triton: runtime.tritonConfig ?? props.triton };
  }
  const fix = 'vLLM serves the API, /health and /metrics on httpPort: drop it.';
  if (props.triton) {
    throw invalid(scope, 'triton', 'TritonModelConfig', 'is a Triton model configuration, but servingRuntime is vLLM', 'Drop triton; set vLLM\'s batch with dynamicBatching or ServingRuntime.vllm({ maxNumSeqs }).');
  }
  if (props.grpcPort !== undefined) { throw invalid(scope, 'grpcPort', props.grpcPort, 'is not used by vLLM (it has no gRPC endpoint)', fix); }
  if (props.metricsPort !== undefined) { throw invalid(scope, 'metricsPort', props.metricsPort, 'is not used by vLLM (it has no separate metrics port)', fix); }
  const vllm = runtime.vllmOptions ?? {};
  return { kind: ServingRuntimeKind.VLLM, vllm, vllmVersion: vllmVersionOf(vllm, model.imageUri) };
}

/** The runtime's PromQL after the user's overrides. @internal */
export function runtimeQueries(runtime: ResolvedRuntime, props: GpuServingOptions): ResolvedQueries {
  if (runtime.kind !== ServingRuntimeKind.VLLM) { return resolveQueries(props.metricQueries, DEFAULT_QUERIES); }
  return resolveQueries(props.metricQueries, { ...VLLM_QUERIES, kvCacheUtilizationPercent: kvCacheQuery(runtime.vllmVersion) });
}
