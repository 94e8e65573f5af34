/**
 * How one instance of a model build serves: the numbers a load test at the SLO gives you. The same
 * numbers feed `CapacityPlanner` (`perInstanceRequestsPerSecond = requestsPerSecondAtSlo`) and the
 * simulator, so planning and simulation agree. Batching maps the same way: the planner's
 * `dynamicBatching.throughputGainPercent` / `maxQueueDelay` are `batchingThroughputGainPercent` /
 * `batchingQueueDelayMs` here (or come from the lane's `dynamicBatching`).
 *
 * Core hookup (proposed): `ModelVariant.profile?: ServingProfile` in lib/core/model-artifact.ts;
 * until then pass profiles to the simulator by lane path or lane kind.
 */
export interface ServingProfile {
  /** Requests per second one instance (pod, task, Lambda environment) serves while meeting the SLO. */
  readonly requestsPerSecondAtSlo: number;
  /** Latency at the SLO percentile when loaded at `requestsPerSecondAtSlo`, milliseconds. */
  readonly latencyAtSloMs: number;
  /** The percentile `latencyAtSloMs` is about. @default 95 */
  readonly latencyPercentile?: number;
  /** Requests one instance serves in parallel (model-server workers, batch slots). @default 1 */
  readonly concurrency?: number;
  /** Extra latency of the first request of a new execution environment (Lambda on-demand), ms. @default 0 */
  readonly coldStartMs?: number;
  /** Seconds from "capacity requested" to "capacity serves". @default - per lane, see platform.ts ARRIVAL_SECONDS */
  readonly arrivalSeconds?: number;
  /** Price of one instance-hour (Lambda: one provisioned-concurrency environment-hour). @default 0 */
  readonly pricePerInstanceHour?: number;
  /** Lambda: price of one on-demand execution second at the function's memory size. @default 0 */
  readonly onDemandPricePerSecond?: number;
  /** Share of requests that fail on a healthy version, percent. @default 0.5 */
  readonly baselineErrorPercent?: number;
  /**
   * Throughput gained from dynamic batching, percent over `requestsPerSecondAtSlo` (then the unbatched
   * figure) at the same latency: one instance serves `requestsPerSecondAtSlo × (1 + gain/100)`.
   * @default - the lane's stated `dynamicBatching.throughputGainPercent`, else 0
   */
  readonly batchingThroughputGainPercent?: number;
  /**
   * Longest a request waits for a batch to fill, ms: added to every request's latency (an upper bound:
   * under load batches fill before the delay). @default - the lane's `dynamicBatching.maxQueueDelay`, else 0
   */
  readonly batchingQueueDelayMs?: number;
  /**
   * The profile was measured with the lane's batching on (its throughput and latency include the gain
   * and the queue delay): neither is added again. @default false
   */
  readonly measuredWithBatching?: boolean;
}

/** Where a lane's arrival time (desired capacity raised -> capacity serving) comes from. */
export interface ArrivalTime {
  /** Seconds the simulator waits from "desired capacity raised" to "capacity serves". */
  readonly seconds: number;
  /** `profile` (arrivalSeconds), `lane` (its stated scaleOutLeadTime) or `table` (platform.ts ARRIVAL_SECONDS). */
  readonly source: 'profile' | 'lane' | 'table';
  /** The lane's stated lead time, seconds (undefined when not stated). */
  readonly statedSeconds?: number;
  /** Seconds of the stated steps the simulator models itself (alarm evaluation, polling, cooldowns). */
  readonly modelledSeparatelySeconds: number;
  /** The stated steps left out of the arrival time because the simulator models them. */
  readonly modelledSeparately: string[];
  /** What the stated lead time implies for the arrival time: stated minus modelled separately. */
  readonly impliedSeconds?: number;
  /** Why a stated lead time was not used for the arrival time. @default none */
  readonly note?: string;
}

/** A profile with its defaults applied and the service time calibrated. */
export interface ResolvedProfile extends Required<ServingProfile> {
  /** Deterministic service time, seconds (calibrated so the percentile at the SLO load matches). */
  readonly serviceSeconds: number;
  /** `requestsPerSecondAtSlo` as given (before the batching gain, which `requestsPerSecondAtSlo` includes). */
  readonly unbatchedRequestsPerSecondAtSlo: number;
  /** Batching's queue delay added to each request, seconds. */
  readonly batchDelaySeconds: number;
  /** Where `arrivalSeconds` comes from, and the stated lead time it was derived from. */
  readonly arrival: ArrivalTime;
}
