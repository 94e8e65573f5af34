import { Duration, Token } from 'aws-cdk-lib';
import { DynamicBatching } from '../core/dynamic-batching';
import { checkInteger, invalid } from '../core/private/errors';
import { checkBoolean, checkPropsObject } from '../core/private/validation';

/**
 * Where Triton runs the model instances.
 */
export enum TritonInstanceKind {
  /** On the GPUs given to the pod (`KIND_GPU`). */
  GPU = 'KIND_GPU',
  /** On the CPUs (`KIND_CPU`). */
  CPU = 'KIND_CPU',
}

/**
 * One input or output tensor of a Triton model.
 */
export interface TritonTensor {
  /** Tensor name, as the model graph names it. */
  readonly name: string;

  /** Triton data type, e.g. `TYPE_FP32`, `TYPE_FP16`, `TYPE_INT64`. */
  readonly dataType: string;

  /** Shape without the batch dimension; `-1` for a variable-size dimension. */
  readonly dims: number[];
}

/**
 * Warm-up requests Triton runs on each model instance while it loads (`model_warmup`): the model is
 * not READY (and the pod not in the Service) until they have run, so the first user request does
 * not pay for CUDA kernel selection, TensorRT/cuDNN autotuning or lazy allocations.
 */
export interface TritonWarmup {
  /**
   * Batch sizes to warm up, one sample each, from 1 to `maxBatchSize` (1 for a model without
   * batching).
   *
   * @default - 1 and `maxBatchSize` (each preferred batch size too)
   */
  readonly batchSizes?: number[];

  /**
   * The input tensors of a warm-up request, with fixed dimensions (no `-1`). Floating-point inputs get
   * random data, integer, boolean and string inputs zeros (random integers could be out-of-range ids).
   *
   * @default - the config's `inputs` (an error if one of them has a variable `-1` dimension)
   */
  readonly inputs?: TritonTensor[];

  /**
   * How many times each sample runs.
   *
   * @default 1
   */
  readonly count?: number;
}

/**
 * Props of {@link TritonModelConfig}.
 */
export interface TritonModelConfigProps {
  /**
   * Largest batch the model accepts (Triton `max_batch_size`). Dynamic batching needs at least 1.
   *
   * @deprecated Give the chart's `dynamicBatching` (the shared {@link DynamicBatching} contract)
   * instead: it renders `max_batch_size` and `dynamic_batching`. Still accepted without it.
   * @default - from the chart's `dynamicBatching`
   */
  readonly maxBatchSize?: number;

  /**
   * Merge single requests into batches on the server (Triton `dynamic_batching`).
   *
   * @default true
   */
  readonly dynamicBatching?: boolean;

  /**
   * Batch sizes the dynamic batcher tries to form, ascending, each at most `maxBatchSize`.
   *
   * @deprecated Give `dynamicBatching.preferredBatchSizes` on the chart instead.
   * @default - none: the batcher forms the largest batch it can
   */
  readonly preferredBatchSizes?: number[];

  /**
   * How long a request may wait in the queue for a batch to fill (Triton
   * `max_queue_delay_microseconds`). Trades latency for throughput.
   *
   * @deprecated Give `dynamicBatching.maxQueueDelay` on the chart instead.
   * @default Duration.millis(0) - only requests already queued are batched
   */
  readonly maxQueueDelay?: Duration;

  /**
   * Model instances per pod (Triton `instance_group.count`): more instances overlap execution on
   * one GPU.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * Where the instances run.
   *
   * @default TritonInstanceKind.GPU
   */
  readonly instanceKind?: TritonInstanceKind;

  /**
   * Triton platform, e.g. `pytorch_libtorch`, `onnxruntime_onnx`, `tensorrt_plan`,
   * `tensorflow_savedmodel`. Give `platform` or `backend`, not both.
   *
   * @default - from the model's framework: pytorch → pytorch_libtorch, onnx → onnxruntime_onnx,
   * tensorrt → tensorrt_plan, tensorflow → tensorflow_savedmodel; other frameworks must set it
   */
  readonly platform?: string;

  /**
   * Triton backend, e.g. `python`, `onnxruntime`, `pytorch`. Give `platform` or `backend`, not both.
   *
   * @default - a platform is used
   */
  readonly backend?: string;

  /**
   * Input tensors. PyTorch (libtorch) models need them; ONNX, TensorRT and TensorFlow models can
   * leave them to Triton's auto-complete.
   *
   * @default - none (Triton auto-completes where the backend can)
   */
  readonly inputs?: TritonTensor[];

  /**
   * Output tensors.
   *
   * @default - none (Triton auto-completes where the backend can)
   */
  readonly outputs?: TritonTensor[];

  /**
   * Warm-up requests run while the model loads (`model_warmup`), so a pod only becomes ready (the
   * chart's readiness probe reads `/v2/models/<name>/ready`) once its model has served them.
   *
   * @default - with `inputs` whose dimensions are all fixed: one sample at batch size 1 and one at
   * `maxBatchSize` (and at each preferred size); otherwise no warm-up (Triton needs concrete shapes:
   * pass `warmup.inputs`)
   */
  readonly warmup?: TritonWarmup;

  /**
   * Turn the default warm-up off.
   *
   * @default false
   */
  readonly disableWarmup?: boolean;
}

const PLATFORMS: { [framework: string]: string } = {
  pytorch: 'pytorch_libtorch',
  onnx: 'onnxruntime_onnx',
  tensorrt: 'tensorrt_plan',
  tensorflow: 'tensorflow_savedmodel',
};

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const TYPE_RE = /^TYPE_[A-Z0-9]+$/;

/**
 * A Triton Inference Server model configuration (`config.pbtxt`) with dynamic batching. The chart
 * renders it into a ConfigMap mounted into the serving container at `/models/<name>/config.pbtxt`.
 *
 * @example
 * const config = new TritonModelConfig({
 *   maxBatchSize: 64,
 *   preferredBatchSizes: [16, 32, 64],
 *   maxQueueDelay: Duration.millis(2),
 *   instanceCount: 2,
 * });
 */
export class TritonModelConfig {
  /** Largest batch, when set here (deprecated: the chart's `dynamicBatching` sets it). */
  public readonly maxBatchSize?: number;
  /** Dynamic batching on. */
  public readonly dynamicBatching: boolean;
  /** Preferred batch sizes. */
  public readonly preferredBatchSizes: number[];
  /** Longest queue delay for batching. */
  public readonly maxQueueDelay: Duration;
  /** Instances per pod. */
  public readonly instanceCount: number;
  /** Where instances run. */
  public readonly instanceKind: TritonInstanceKind;
  /** Input tensors declared. */
  public readonly inputs: TritonTensor[];
  /** Output tensors declared. */
  public readonly outputs: TritonTensor[];
  private readonly props: TritonModelConfigProps;

  constructor(props: TritonModelConfigProps) {
    const where = 'TritonModelConfig';
    this.dynamicBatching = props.dynamicBatching ?? true;
    checkInteger(where, 'maxBatchSize', props.maxBatchSize, this.dynamicBatching ? 1 : 0, Number.MAX_SAFE_INTEGER,
      this.dynamicBatching ? 'Dynamic batching needs maxBatchSize >= 1; pass e.g. 32, or dynamicBatching: false.' : undefined);
    if (props.maxBatchSize === undefined) {
      // The batch comes from the chart's DynamicBatching contract: the deprecated batching props need maxBatchSize.
      for (const [prop, value] of [['preferredBatchSizes', props.preferredBatchSizes], ['maxQueueDelay', props.maxQueueDelay]] as const) {
        if (value !== undefined) {
          throw invalid(where, prop, value, 'needs maxBatchSize (the deprecated batching props go together)', 'Pass the batch as the chart\'s dynamicBatching: new DynamicBatching({ maxBatchSize, maxQueueDelay, preferredBatchSizes }).');
        }
      }
    }
    checkInteger(where, 'instanceCount', props.instanceCount, 1, 64);
    const preferred = props.preferredBatchSizes ?? [];
    if (preferred.length > 0 && !this.dynamicBatching) {
      throw invalid(where, 'preferredBatchSizes', preferred, 'needs dynamic batching', 'Drop preferredBatchSizes or set dynamicBatching: true.');
    }
    for (const [i, size] of preferred.entries()) {
      checkInteger(where, `preferredBatchSizes[${i}]`, size, 1, props.maxBatchSize!, `Each preferred batch size must be from 1 to maxBatchSize (${props.maxBatchSize}).`);
      if (i > 0 && size <= preferred[i - 1]) {
        throw invalid(where, 'preferredBatchSizes', preferred, 'must be strictly ascending', `Pass e.g. [${[...new Set(preferred)].sort((a, b) => a - b).join(', ')}].`);
      }
    }
    const delay = props.maxQueueDelay ?? Duration.millis(0);
    if (!delay.isUnresolved()) {
      const micros = delay.toMilliseconds({ integral: false }) * 1000;
      if (micros < 0 || micros > 10_000_000) {
        throw invalid(where, 'maxQueueDelay', delay, 'must be between 0 and 10 seconds', 'Pass e.g. Duration.millis(2): a few milliseconds trade little latency for much larger batches.');
      }
      if (micros > 0 && !this.dynamicBatching) {
        throw invalid(where, 'maxQueueDelay', delay, 'needs dynamic batching', 'Drop maxQueueDelay or set dynamicBatching: true.');
      }
    }
    if (props.platform !== undefined && props.backend !== undefined) {
      throw invalid(where, 'backend', props.backend, `conflicts with platform ${JSON.stringify(props.platform)}`, 'Give either platform or backend.');
    }
    for (const [list, tensors] of [['inputs', props.inputs ?? []], ['outputs', props.outputs ?? []]] as Array<[string, TritonTensor[]]>) {
      for (const [i, t] of tensors.entries()) {
        if (!Token.isUnresolved(t.name) && !NAME_RE.test(t.name)) {
          throw invalid(where, `${list}[${i}].name`, t.name, 'is not a tensor name', "Use the graph's tensor name, e.g. 'INPUT__0'.");
        }
        if (!TYPE_RE.test(t.dataType)) {
          throw invalid(where, `${list}[${i}].dataType`, t.dataType, 'is not a Triton data type', "Pass e.g. 'TYPE_FP32', 'TYPE_FP16' or 'TYPE_INT64'.");
        }
        if (t.dims.length === 0 || t.dims.some(d => !Number.isInteger(d) || d === 0 || d < -1)) {
          throw invalid(where, `${list}[${i}].dims`, t.dims, 'must list positive sizes or -1 (variable)', 'Pass the shape without the batch dimension, e.g. [128] or [-1, 64].');
        }
      }
    }
    checkBoolean(where, 'disableWarmup', props.disableWarmup);
    if (props.warmup !== undefined) {
      checkPropsObject(where, 'warmup', props.warmup, 'Pass e.g. { batchSizes: [1, 8], count: 1 }, or omit it.');
    }
    if (props.warmup !== undefined && props.disableWarmup) {
      throw invalid(where, 'warmup', props.warmup.batchSizes ?? [], 'conflicts with disableWarmup: true', 'Give warmup or disableWarmup, not both.');
    }
    const w = props.warmup;
    if (w) {
      checkInteger(where, 'warmup.count', w.count, 1, 1000, 'Run each warm-up sample 1 to 1000 times, e.g. 1.');
      for (const [i, size] of (w.batchSizes ?? []).entries()) {
        // Without maxBatchSize here the chart checks the sizes against its dynamicBatching.
        const max = props.maxBatchSize === undefined ? Number.MAX_SAFE_INTEGER : Math.max(1, props.maxBatchSize);
        checkInteger(where, `warmup.batchSizes[${i}]`, size, 1, max, props.maxBatchSize === 0
          ? 'A model without batching (maxBatchSize 0) warms up at batch size 1 only.'
          : `Each warm-up batch size must be from 1 to maxBatchSize (${props.maxBatchSize}).`);
      }
      if (w.batchSizes !== undefined && w.batchSizes.length === 0) {
        throw invalid(where, 'warmup.batchSizes', w.batchSizes, 'is empty', 'Pass e.g. [1, 32], or omit it for 1 and maxBatchSize.');
      }
      for (const [i, t] of (w.inputs ?? []).entries()) {
        if (!Token.isUnresolved(t.name) && !NAME_RE.test(t.name)) {
          throw invalid(where, `warmup.inputs[${i}].name`, t.name, 'is not a tensor name', "Use the graph's tensor name, e.g. 'INPUT__0'.");
        }
        if (!TYPE_RE.test(t.dataType)) {
          throw invalid(where, `warmup.inputs[${i}].dataType`, t.dataType, 'is not a Triton data type', "Pass e.g. 'TYPE_FP32'.");
        }
        checkFixedDims(where, `warmup.inputs[${i}].dims`, t.dims);
      }
      const inputs = w.inputs ?? props.inputs ?? [];
      if (inputs.length === 0) {
        throw invalid(where, 'warmup.inputs', [], 'is needed: the config declares no inputs to build a warm-up request from', "Pass warmup.inputs, e.g. [{ name: 'INPUT__0', dataType: 'TYPE_FP32', dims: [256] }].");
      }
      if (w.inputs === undefined) {
        inputs.forEach((t, i) => checkFixedDims(where, `inputs[${i}].dims`, t.dims,
          `Pass warmup.inputs with the shape to warm up, e.g. [{ name: '${t.name}', dataType: '${t.dataType}', dims: [${t.dims.map(d => d === -1 ? 128 : d).join(', ')}] }].`));
      }
    }
    this.maxBatchSize = props.maxBatchSize;
    this.preferredBatchSizes = [...preferred];
    this.maxQueueDelay = delay;
    this.instanceCount = props.instanceCount ?? 1;
    this.instanceKind = props.instanceKind ?? TritonInstanceKind.GPU;
    this.inputs = [...(props.inputs ?? [])];
    this.outputs = [...(props.outputs ?? [])];
    this.props = props;
  }

  /**
   * The warm-up samples rendered into `model_warmup` (empty when there is none), for a largest batch
   * of `maxBatchSize`.
   *
   * @param maxBatchSize the largest batch the config renders
   * @param preferredBatchSizes the preferred batch sizes the config renders
   */
  public warmupBatchSizes(maxBatchSize: number, preferredBatchSizes: number[]): number[] {
    if (this.props.disableWarmup) { return []; }
    const inputs = this.props.warmup?.inputs ?? this.inputs;
    if (this.props.warmup === undefined && (inputs.length === 0 || inputs.some(t => t.dims.includes(-1)))) { return []; }
    const sizes = this.props.warmup?.batchSizes ?? (maxBatchSize === 0 ? [1] : [1, ...preferredBatchSizes, maxBatchSize]);
    return [...new Set(sizes)].sort((a, b) => a - b);
  }

  /** The `model_warmup` lines. */
  private renderWarmup(maxBatchSize: number, preferredBatchSizes: number[]): string[] {
    const sizes = this.warmupBatchSizes(maxBatchSize, preferredBatchSizes);
    if (sizes.length === 0) { return []; }
    const inputs = this.props.warmup?.inputs ?? this.inputs;
    const count = this.props.warmup?.count ?? 1;
    const out = ['model_warmup ['];
    sizes.forEach((size, i) => {
      out.push('  {', `    name: "warmup-batch-${size}"`, `    batch_size: ${size}`);
      for (const t of inputs) {
        out.push('    inputs {', `      key: "${t.name}"`, '      value: {', `        data_type: ${t.dataType}`, `        dims: [ ${t.dims.join(', ')} ]`,
          `        ${warmupData(t.dataType)}`, '      }', '    }');
      }
      out.push(`    count: ${count}`, i === sizes.length - 1 ? '  }' : '  },');
    });
    out.push(']');
    return out;
  }

  /**
   * Whether the model's `config.pbtxt` must declare its inputs and outputs: Triton cannot
   * auto-complete them for TorchScript (`pytorch_libtorch`, backend `pytorch`), whose files carry no
   * tensor names or shapes, so such a model fails to load.
   *
   * @param framework the model's framework, used when no platform/backend is set
   */
  public needsTensorDeclarations(framework: string): boolean {
    const backend = this.props.backend;
    if (backend !== undefined) { return backend === 'pytorch'; }
    return (this.props.platform ?? PLATFORMS[framework.toLowerCase()]) === 'pytorch_libtorch';
  }

  /**
   * The platform or backend line for a framework.
   *
   * @throws LaneValidationError when neither is set and the framework has no known platform
   */
  public platformFor(framework: string): string {
    if (this.props.backend !== undefined) { return `backend: "${this.props.backend}"`; }
    const platform = this.props.platform ?? PLATFORMS[framework.toLowerCase()];
    if (platform === undefined) {
      throw invalid('TritonModelConfig', 'platform', undefined, `is not set and framework '${framework}' has no default Triton platform`,
        `Pass platform (one of ${Object.values(PLATFORMS).join(', ')}) or backend (e.g. 'python').`);
    }
    return `platform: "${platform}"`;
  }

  /**
   * Render `config.pbtxt` for the model directory `/models/<modelName>`.
   *
   * @param modelName name of the model (the directory Triton loads)
   * @param framework the model's framework, used when no platform/backend is set
   * @param batching the shared dynamic batching (`max_batch_size` and `dynamic_batching`); give it or
   * this config's deprecated `maxBatchSize`
   * @default batching - this config's own (deprecated) batching props
   */
  public render(modelName: string, framework: string, batching?: DynamicBatching): string {
    const where = 'TritonModelConfig';
    if (batching && this.maxBatchSize !== undefined) {
      throw invalid(where, 'maxBatchSize', this.maxBatchSize, `conflicts with dynamicBatching (${batching.toString()})`,
        'Drop maxBatchSize, preferredBatchSizes and maxQueueDelay from the Triton config: the chart\'s dynamicBatching renders them.');
    }
    if (batching && !this.dynamicBatching) {
      throw invalid(where, 'dynamicBatching', false, `conflicts with the chart's dynamicBatching (${batching.toString()})`, 'Drop dynamicBatching: false, or drop the chart\'s dynamicBatching.');
    }
    if (!batching && this.maxBatchSize === undefined) {
      throw invalid(where, 'maxBatchSize', undefined, 'is not set and the chart has no dynamicBatching: Triton needs max_batch_size',
        'Pass the chart\'s dynamicBatching: new DynamicBatching({ maxBatchSize: 32, maxQueueDelay: Duration.millis(2) }) (or, deprecated, maxBatchSize here; 0 with dynamicBatching: false for a model without a batch dimension).');
    }
    const maxBatchSize = batching ? batching.maxBatchSize : this.maxBatchSize!;
    const preferred = batching ? batching.preferredBatchSizes : this.preferredBatchSizes;
    const delayMicros = batching ? batching.maxQueueDelayMillis * 1000 : Math.round(this.maxQueueDelay.toMilliseconds({ integral: false }) * 1000);
    for (const [i, size] of (this.props.warmup?.batchSizes ?? []).entries()) {
      checkInteger(where, `warmup.batchSizes[${i}]`, size, 1, Math.max(1, maxBatchSize), `Each warm-up batch size must be from 1 to the largest batch (${maxBatchSize}).`);
    }
    const lines: string[] = [
      `name: "${modelName}"`,
      this.platformFor(framework),
      `max_batch_size: ${maxBatchSize}`,
    ];
    lines.push(...renderTensors('input', this.props.inputs));
    lines.push(...renderTensors('output', this.props.outputs));
    if (this.dynamicBatching) {
      lines.push('dynamic_batching {');
      if (preferred.length > 0) {
        lines.push(`  preferred_batch_size: [ ${preferred.join(', ')} ]`);
      }
      lines.push(`  max_queue_delay_microseconds: ${delayMicros}`);
      lines.push('}');
    }
    lines.push('instance_group [', '  {', `    count: ${this.instanceCount}`, `    kind: ${this.instanceKind}`, '  }', ']');
    lines.push(...this.renderWarmup(maxBatchSize, preferred));
    return lines.join('\n') + '\n';
  }
}

/** Zeros for integer, boolean and string inputs (random ids could be out of range), random data for floating point. */
function warmupData(dataType: string): string {
  return /^TYPE_(FP|BF)/.test(dataType) ? 'random_data: true' : 'zero_data: true';
}

function checkFixedDims(where: string, prop: string, dims: number[], fix?: string): void {
  if (dims.length === 0 || dims.some(d => !Number.isInteger(d) || d < 1)) {
    throw invalid(where, prop, dims, 'must list fixed positive sizes for a warm-up request (Triton cannot build a sample of a variable -1 dimension)',
      fix ?? 'Pass the shape to warm up without the batch dimension, e.g. [256] or [128, 64].');
  }
}

function renderTensors(kind: string, tensors: TritonTensor[] | undefined): string[] {
  if (!tensors || tensors.length === 0) { return []; }
  const out = [`${kind} [`];
  tensors.forEach((t, i) => {
    out.push('  {', `    name: "${t.name}"`, `    data_type: ${t.dataType}`, `    dims: [ ${t.dims.join(', ')} ]`, i === tensors.length - 1 ? '  }' : '  },');
  });
  out.push(']');
  return out;
}
