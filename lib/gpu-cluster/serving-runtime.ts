import { checkInteger, checkRange, invalid } from '../core/private/errors';
import { checkList, checkPropsObject } from '../core/private/validation';
import { parseVllmVersion } from './private/vllm';
import { TritonModelConfig } from './triton-model-config';

/**
 * Which inference server a {@link ServingRuntime} runs.
 */
export enum ServingRuntimeKind {
  /** NVIDIA Triton Inference Server (KServe v2 protocol, dynamic batching, any framework). */
  TRITON = 'triton',
  /** vLLM's OpenAI-compatible server (`/v1/completions`, `/v1/chat/completions`): large language models. */
  VLLM = 'vllm',
}

/**
 * Options of the vLLM OpenAI-compatible server ({@link ServingRuntime.vllm}). Each renders as one
 * flag of `python3 -m vllm.entrypoints.openai.api_server`; an unset option leaves vLLM's own default.
 * `--tensor-parallel-size` is not an option: it is the pod's `gpuCount` (one model shard per GPU).
 */
export interface VllmServerOptions {
  /**
   * Model name clients pass in `"model"` and `/v1/models` lists (`--served-model-name`).
   *
   * @default - the served model's name
   */
  readonly servedModelName?: string;

  /**
   * Longest context (prompt + output) in tokens (`--max-model-len`). Lower it when the KV cache of
   * the model's full context does not fit the GPU memory left after the weights.
   *
   * @default - the model's own maximum (its config.json)
   */
  readonly maxModelLen?: number;

  /**
   * Share of each GPU's memory vLLM may use for weights, activations and the KV cache
   * (`--gpu-memory-utilization`), from 0.1 to 0.95 (the rest covers the CUDA context and NCCL).
   *
   * @default 0.9 - vLLM's default, rendered explicitly
   */
  readonly gpuMemoryUtilization?: number;

  /**
   * Most sequences in one engine step (`--max-num-seqs`): the continuous batch's size. The chart's
   * `dynamicBatching.maxBatchSize` sets it too; give one or the other.
   *
   * @default - vLLM's default (256 on the V0 engine; it depends on the GPU on V1)
   */
  readonly maxNumSeqs?: number;

  /**
   * Most tokens in one engine step (`--max-num-batched-tokens`): bounds the prefill chunk.
   *
   * @default - vLLM's default (depends on the engine and chunked prefill)
   */
  readonly maxNumBatchedTokens?: number;

  /**
   * vLLM release the image runs, e.g. `0.10.1`: picks the metric names (the chart reads the KV-cache
   * gauge `vllm:kv_cache_usage_perc` from 0.10.0, `vllm:gpu_cache_usage_perc` before).
   *
   * @default - read from the image tag (`vllm/vllm-openai:v0.10.1`); unknown (a digest-only
   * reference), the KV-cache query reads whichever of the two gauges exists
   */
  readonly vllmVersion?: string;

  /**
   * More flags, e.g. `['--enable-prefix-caching', '--dtype=half']`. Flags the chart renders from
   * other props are rejected here.
   *
   * @default - none
   */
  readonly extraArgs?: string[];
}

/** Flags the chart renders for vLLM (not accepted in extraArgs). */
const VLLM_RENDERED_FLAGS = [
  '--model', '--served-model-name', '--host', '--port', '--tensor-parallel-size', '--gpu-memory-utilization',
  '--max-model-len', '--max-num-seqs', '--max-num-batched-tokens', '--download-dir',
];

/**
 * The inference server the pods run: Triton (the default) or vLLM. A union-like class: pick one with
 * a static factory and pass it as `servingRuntime`.
 *
 * The runtime decides the command line, the ports, the probes (Triton waits on
 * `/v2/models/<name>/ready`, vLLM on `/health`), the Prometheus queries the triggers read, and which
 * triggers are possible (the LLM triggers need vLLM).
 *
 * @example
 * const runtime = ServingRuntime.vllm({ maxModelLen: 8192, gpuMemoryUtilization: 0.9 });
 */
export class ServingRuntime {
  /**
   * Triton Inference Server, optionally with a model configuration (`config.pbtxt` with dynamic
   * batching and warm-up).
   *
   * @param config the model configuration, mounted at `/models/<name>/config.pbtxt`
   */
  public static triton(config?: TritonModelConfig): ServingRuntime {
    return new ServingRuntime(ServingRuntimeKind.TRITON, config, undefined);
  }

  /**
   * vLLM's OpenAI-compatible server for a large language model: the weights (a Hugging Face model
   * directory) are served from `/models/<name>/1`, on one port (API, `/health` and `/metrics`).
   */
  public static vllm(options: VllmServerOptions = {}): ServingRuntime {
    const where = 'ServingRuntime.vllm';
    checkPropsObject(where, 'options', options, 'Pass {} for the defaults, or e.g. { maxModelLen: 8192, maxNumSeqs: 256 }.');
    checkList(where, 'extraArgs', options.extraArgs ?? [], "Pass a list of arguments, e.g. ['--enable-prefix-caching'].");
    checkInteger(where, 'maxModelLen', options.maxModelLen, 16, 10_000_000, 'Pass the context length in tokens, e.g. 8192.');
    checkRange(where, 'gpuMemoryUtilization', options.gpuMemoryUtilization, 0.1, 0.95,
      'Pass a share from 0.1 to 0.95, e.g. 0.9: above 0.95 the CUDA context and NCCL buffers run out of memory.');
    checkInteger(where, 'maxNumSeqs', options.maxNumSeqs, 1, 65536, 'Pass the continuous batch size, e.g. 256.');
    checkInteger(where, 'maxNumBatchedTokens', options.maxNumBatchedTokens, 1, 10_000_000, 'Pass tokens per engine step, e.g. 8192.');
    if (options.maxNumBatchedTokens !== undefined && options.maxNumSeqs !== undefined && options.maxNumBatchedTokens < options.maxNumSeqs) {
      throw invalid(where, 'maxNumBatchedTokens', options.maxNumBatchedTokens, `is below maxNumSeqs (${options.maxNumSeqs}): vLLM refuses to start (each sequence needs a token per step)`,
        `Pass at least ${options.maxNumSeqs}.`);
    }
    if (options.servedModelName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}$/.test(options.servedModelName)) {
      throw invalid(where, 'servedModelName', options.servedModelName, 'is not a model name clients can pass', "Use letters, digits, '.', '_', '-', '/' or ':', e.g. 'assistant' or 'meta-llama/Llama-3.1-8B-Instruct'.");
    }
    if (options.vllmVersion !== undefined && parseVllmVersion(options.vllmVersion) === undefined) {
      throw invalid(where, 'vllmVersion', options.vllmVersion, 'is not a vLLM release version', "Pass e.g. '0.10.1'.");
    }
    for (const [i, arg] of (options.extraArgs ?? []).entries()) {
      const flag = arg.split('=')[0];
      if (VLLM_RENDERED_FLAGS.includes(flag)) {
        throw invalid(where, `extraArgs[${i}]`, arg, 'is a flag the chart renders', flag === '--tensor-parallel-size'
          ? 'Drop it: the tensor-parallel size is the pod\'s gpuCount.'
          : `Drop it and use the option or chart prop that renders ${flag}.`);
      }
      if (!arg.startsWith('-')) {
        throw invalid(where, `extraArgs[${i}]`, arg, 'is not a flag', "Pass flags with their values, e.g. '--dtype=half'.");
      }
    }
    return new ServingRuntime(ServingRuntimeKind.VLLM, undefined, { ...options, extraArgs: [...(options.extraArgs ?? [])] });
  }

  private constructor(
    /** Which server. */
    public readonly kind: ServingRuntimeKind,
    /** Triton's model configuration, if given. */
    public readonly tritonConfig: TritonModelConfig | undefined,
    /** vLLM's options (vLLM only). */
    public readonly vllmOptions: VllmServerOptions | undefined,
  ) {}

  /** Whether the server is a large-language-model server (the LLM triggers need one). */
  public get isLlmServer(): boolean {
    return this.kind === ServingRuntimeKind.VLLM;
  }

  /** Short text, e.g. `vllm` or `triton`. */
  public toString(): string {
    return this.kind;
  }
}
