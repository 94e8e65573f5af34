/**
 * How one instance of a model build serves: the numbers a load test at the SLO gives you. The same
 * numbers feed `CapacityPlanner` (`perInstanceRequestsPerSecond = requestsPerSecondAtSlo`) and the
 * simulator, so planning and simulation agree.
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
}

/** A profile with its defaults applied and the service time calibrated. */
export interface ResolvedProfile extends Required<ServingProfile> {
  /** Deterministic service time, seconds (calibrated so the percentile at the SLO load matches). */
  readonly serviceSeconds: number;
}
