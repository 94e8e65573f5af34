import { checkDynamicBatching } from '../../core/private/batching-checks';
import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DynamicBatching } from '../../core/dynamic-batching';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { GpuServingOptions } from '../gpu-serving-options';
import { ServedModel } from '../served-model';
import { ServingRuntimeKind } from '../serving-runtime';
import { TritonModelConfig } from '../triton-model-config';
import { ResolvedRuntime } from './runtime';

/**
 * The shared {@link DynamicBatching} contract on the GPU lane: Triton renders it into `config.pbtxt`
 * (`max_batch_size`, `dynamic_batching { preferred_batch_size, max_queue_delay_microseconds }`); vLLM
 * batches continuously, so only the batch size means something there (`--max-num-seqs`).
 * @internal
 */

/** Longest queue delay the chart lets Triton wait (as TritonModelConfig has always enforced). @internal */
export const TRITON_MAX_QUEUE_DELAY = Duration.seconds(10);

/** The runtime with the batching applied, and vLLM's batch size. @internal */
export interface ResolvedBatching {
  readonly runtime: ResolvedRuntime;
  readonly batching?: DynamicBatching;
  /** `--max-num-seqs` from the contract (vLLM). */
  readonly maxNumSeqs?: number;
}

/** Check the contract against the runtime and resolve the Triton config that renders it. @internal */
export function resolveBatching(scope: IConstruct, props: GpuServingOptions, runtime: ResolvedRuntime, model: ServedModel): ResolvedBatching {
  const b = checkDynamicBatching(scope, props.dynamicBatching);
  if (runtime.kind === ServingRuntimeKind.VLLM) {
    if (!b) { return { runtime }; }
    if (!b.maxQueueDelay.isUnresolved() && b.maxQueueDelay.toMilliseconds({ integral: false }) > 0) {
      throw invalid(scope, 'dynamicBatching.maxQueueDelay', b.maxQueueDelay,
        'cannot be rendered by vLLM: it batches continuously (every engine step admits waiting sequences), it never holds a request back to fill a batch',
        'Pass maxQueueDelay: Duration.millis(0) with vLLM; the batch size becomes --max-num-seqs.');
    }
    b.validateFor(scope, { lane: 'GpuClusterService (vLLM)', supported: true, maxQueueDelay: Duration.millis(0), preferredBatchSizes: false });
    if (runtime.vllm?.maxNumSeqs !== undefined) {
      throw invalid(scope, 'servingRuntime.maxNumSeqs', runtime.vllm.maxNumSeqs, `conflicts with dynamicBatching.maxBatchSize (${b.maxBatchSize}): both set --max-num-seqs`,
        'Give the batch size once: dynamicBatching (shared with the other lanes) or ServingRuntime.vllm({ maxNumSeqs }).');
    }
    return { runtime, batching: b, maxNumSeqs: b.maxBatchSize };
  }

  const config = runtime.triton;
  if (!b) {
    if (config && config.maxBatchSize === undefined) {
      throw invalid(scope, 'triton.maxBatchSize', undefined, 'is not set and the chart has no dynamicBatching: Triton needs max_batch_size',
        'Pass dynamicBatching: new DynamicBatching({ maxBatchSize: 32, maxQueueDelay: Duration.millis(2) }) (or, deprecated, triton maxBatchSize).');
    }
    return { runtime };
  }
  b.validateFor(scope, { lane: 'GpuClusterService (Triton)', supported: true, maxQueueDelay: TRITON_MAX_QUEUE_DELAY, delayUnit: 'milliseconds', preferredBatchSizes: true });
  if (config && config.maxBatchSize !== undefined) {
    throw invalid(scope, 'triton.maxBatchSize', config.maxBatchSize, `conflicts with dynamicBatching (${b.toString()})`,
      'Drop maxBatchSize, preferredBatchSizes and maxQueueDelay from the Triton config: dynamicBatching renders max_batch_size and dynamic_batching.');
  }
  if (config && !config.dynamicBatching) {
    throw invalid(scope, 'triton.dynamicBatching', false, `conflicts with dynamicBatching (${b.toString()})`, 'Drop dynamicBatching: false from the Triton config, or drop the chart\'s dynamicBatching.');
  }
  const resolved = config ?? new TritonModelConfig({});
  for (const size of resolved.warmupBatchSizes(b.maxBatchSize, b.preferredBatchSizes)) {
    if (isConcreteNumber(b.maxBatchSize) && size > b.maxBatchSize) {
      throw invalid(scope, 'triton.warmup.batchSizes', size, `is larger than dynamicBatching.maxBatchSize (${b.maxBatchSize})`, `Warm up at batch sizes from 1 to ${b.maxBatchSize}.`);
    }
  }
  if (!config) {
    try {
      resolved.platformFor(model.framework ?? 'unknown');
    } catch {
      throw invalid(scope, 'dynamicBatching', b.toString(), `renders a Triton config.pbtxt, which needs a platform, and framework '${model.framework ?? 'unknown'}' has none`,
        "Pass triton: new TritonModelConfig({ platform: 'onnxruntime_onnx' }) (or backend), or set the model's framework.");
    }
  }
  return { runtime: { ...runtime, triton: resolved }, batching: b };
}
