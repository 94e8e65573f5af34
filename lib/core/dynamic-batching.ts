import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid, isConcreteNumber } from './private/errors';
import { checkDuration, checkPropsObject, describeDuration, durationMillis } from './private/validation';

/**
 * Props of {@link DynamicBatching}.
 */
export interface DynamicBatchingProps {
  /**
   * Most requests (or jobs) served together in one batch. An integer from 2 to 4,096; each lane may
   * allow less (see its README).
   */
  readonly maxBatchSize: number;

  /**
   * Longest a request waits for others to fill a batch. Whole milliseconds, at most 1 minute; each
   * lane may allow less or round to its unit (Triton: microseconds, TorchServe: milliseconds, SQS long
   * polling: seconds).
   */
  readonly maxQueueDelay: Duration;

  /**
   * Batch sizes the server should prefer to form (Triton `preferred_batch_size`), ascending, each from
   * 1 to maxBatchSize. Lanes that cannot express preferences reject them.
   *
   * @default - none: batches form up to maxBatchSize within maxQueueDelay
   */
  readonly preferredBatchSizes?: number[];

  /**
   * Throughput gained from batching, percent over unbatched serving at the same latency, as you
   * measured it (the seed's retail example: about 40). The capacity planner and the simulator use it;
   * lanes do not.
   *
   * @default - not stated: planning assumes no gain
   */
  readonly throughputGainPercent?: number;
}

/**
 * What a lane can render from a {@link DynamicBatching}; passed to {@link DynamicBatching.validateFor}.
 */
export interface LaneBatchingSupport {
  /** Lane name for messages, e.g. `WarmServerlessFunction`. */
  readonly lane: string;

  /** Whether the lane can batch at all. */
  readonly supported: boolean;

  /**
   * Why the lane cannot batch (shown when `supported` is false), e.g. `Lambda hands one event to each invocation`.
   *
   * @default - no reason given
   */
  readonly reason?: string;

  /**
   * Largest batch the lane's platform can form.
   *
   * @default - the contract's limit (4,096)
   */
  readonly maxBatchSize?: number;

  /**
   * Longest queue delay the lane's platform can wait.
   *
   * @default - the contract's limit (1 minute)
   */
  readonly maxQueueDelay?: Duration;

  /**
   * The unit the platform counts the delay in: a delay that is not a whole number of it is rejected.
   *
   * @default 'milliseconds'
   */
  readonly delayUnit?: string;

  /**
   * Whether the lane can express preferred batch sizes.
   *
   * @default false
   */
  readonly preferredBatchSizes?: boolean;
}

/** Marks every DynamicBatching (shared across copies of the library). */
const BATCHING = Symbol.for('cdk-inference-lanes.DynamicBatching');

/** The longest batch any lane forms. */
const MAX_BATCH = 4096;
/** The longest queue delay any lane waits. */
const MAX_DELAY = Duration.minutes(1);
const UNITS = ['milliseconds', 'seconds'];

/**
 * Dynamic batching as one contract: the server groups requests that arrive close together into one
 * batch (larger batches use the accelerator better; each request may wait up to `maxQueueDelay`).
 * Each lane renders it natively: Triton's `dynamic_batching` on Kubernetes, the serving container's
 * batch settings on SageMaker, messages per receive and per task for the batch workers. A lane that
 * cannot batch rejects it with a {@link LaneValidationError}.
 *
 * @example
 * const batching = new DynamicBatching({
 *   maxBatchSize: 16,
 *   maxQueueDelay: Duration.millis(5),
 *   preferredBatchSizes: [8, 16],
 *   throughputGainPercent: 40,
 * });
 */
export class DynamicBatching {
  /**
   * True when `x` is a DynamicBatching (from any copy of this library).
   */
  public static isDynamicBatching(x: unknown): x is DynamicBatching {
    return typeof x === 'object' && x !== null && (x as { [BATCHING]?: boolean })[BATCHING] === true;
  }

  /** Most requests per batch. */
  public readonly maxBatchSize: number;
  /** Longest a request waits for a batch to fill. */
  public readonly maxQueueDelay: Duration;
  /** Preferred batch sizes, ascending (empty: none). */
  public readonly preferredBatchSizes: number[];
  /** Measured throughput gain, percent (undefined: not stated). */
  public readonly throughputGainPercent?: number;

  constructor(props: DynamicBatchingProps) {
    const where = 'DynamicBatching';
    checkPropsObject(where, 'props', props, 'Pass { maxBatchSize, maxQueueDelay }, e.g. { maxBatchSize: 16, maxQueueDelay: Duration.millis(5) }.');
    if (props.maxBatchSize === undefined) {
      throw invalid(where, 'maxBatchSize', undefined, 'is required', 'Pass an integer from 2 to 4096, e.g. 16.');
    }
    checkBatchSize(where, 'maxBatchSize', props.maxBatchSize, 2, MAX_BATCH);
    if (props.maxQueueDelay === undefined) {
      throw invalid(where, 'maxQueueDelay', undefined, 'is required', 'Pass e.g. Duration.millis(5).');
    }
    checkDuration(where, 'maxQueueDelay', props.maxQueueDelay, { unit: 'milliseconds', max: MAX_DELAY });
    const preferred = props.preferredBatchSizes ?? [];
    if (!Array.isArray(preferred)) {
      throw invalid(where, 'preferredBatchSizes', preferred, 'is not a list of batch sizes', 'Pass e.g. [8, 16].');
    }
    for (const [i, size] of preferred.entries()) {
      const max = isConcreteNumber(props.maxBatchSize) ? props.maxBatchSize : MAX_BATCH;
      checkBatchSize(where, `preferredBatchSizes[${i}]`, size, 1, max);
      const prev = preferred[i - 1];
      if (i > 0 && isConcreteNumber(size) && isConcreteNumber(prev) && size <= prev) {
        throw invalid(where, 'preferredBatchSizes', preferred, 'must be strictly ascending (no repeats)', `Sort them and drop repeats, e.g. [${[...new Set(preferred)].sort((a, b) => a - b).join(', ')}].`);
      }
    }
    const gain = props.throughputGainPercent;
    if (gain !== undefined && !Token.isUnresolved(gain) && (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0 || gain > 1000)) {
      throw invalid(where, 'throughputGainPercent', gain, 'must be between 0 and 1000', 'Pass the gain you measured, in percent over unbatched serving, e.g. 40.');
    }
    this.maxBatchSize = props.maxBatchSize;
    this.maxQueueDelay = props.maxQueueDelay;
    this.preferredBatchSizes = [...preferred];
    this.throughputGainPercent = gain;
    Object.defineProperty(this, BATCHING, { value: true, enumerable: false });
  }

  /** Short text, e.g. `dynamicBatching(max 16, delay 5 milliseconds)`. */
  public toString(): string {
    const pref = this.preferredBatchSizes.length > 0 ? `, preferred ${this.preferredBatchSizes.join('/')}` : '';
    return `dynamicBatching(max ${this.maxBatchSize}, delay ${describeDuration(this.maxQueueDelay)}${pref})`;
  }

  /**
   * Throw a LaneValidationError for anything the lane cannot render: batching at all (with the
   * lane's reason), a batch larger or a delay longer than its platform allows, a delay that is not a
   * whole number of the platform's unit, preferred sizes it cannot express.
   *
   * @param prop the lane's prop name in messages
   * @default prop 'dynamicBatching'
   */
  public validateFor(scope: IConstruct, support: LaneBatchingSupport, prop: string = 'dynamicBatching'): void {
    if (!support.supported) {
      const why = support.reason ? `: ${support.reason}` : '';
      throw invalid(scope, prop, this.toString(), `cannot be rendered by ${support.lane}${why}`,
        'Remove dynamicBatching from this lane, or serve the model from a lane that batches (GpuClusterService, ManagedEndpoint, QueueDrainedWorkers).');
    }
    if (support.maxBatchSize !== undefined && isConcreteNumber(this.maxBatchSize) && this.maxBatchSize > support.maxBatchSize) {
      throw invalid(scope, `${prop}.maxBatchSize`, this.maxBatchSize, `is more than ${support.lane} can batch (${support.maxBatchSize})`, `Pass at most ${support.maxBatchSize}.`);
    }
    const unit = support.delayUnit ?? 'milliseconds';
    if (!UNITS.includes(unit)) {
      throw invalid(scope, 'LaneBatchingSupport.delayUnit', unit, 'is not a supported unit', `Use one of: ${UNITS.join(', ')}.`);
    }
    checkDuration(scope, `${prop}.maxQueueDelay`, this.maxQueueDelay, {
      unit: unit as 'milliseconds' | 'seconds',
      max: support.maxQueueDelay ?? MAX_DELAY,
      fix: `${support.lane} waits a whole number of ${unit}${support.maxQueueDelay ? `, at most ${describeDuration(support.maxQueueDelay)}` : ''}: pass e.g. ${unit === 'seconds' ? 'Duration.seconds(1)' : 'Duration.millis(5)'}.`,
    });
    if (this.preferredBatchSizes.length > 0 && !support.preferredBatchSizes) {
      throw invalid(scope, `${prop}.preferredBatchSizes`, this.preferredBatchSizes, `cannot be expressed by ${support.lane}`, 'Remove preferredBatchSizes for this lane (maxBatchSize and maxQueueDelay still apply).');
    }
  }

  /** The delay in whole milliseconds (tokens: throws). */
  public get maxQueueDelayMillis(): number {
    return Math.round(durationMillis(this.maxQueueDelay));
  }
}

function checkBatchSize(where: string, prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) { return; }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(where, prop, value, `must be an integer from ${min} to ${max}`, `Pass e.g. ${Math.min(max, Math.max(min, 16))}.`);
  }
}
