import { checkDynamicBatching } from '../core/private/batching-checks';
import { Duration, Token } from 'aws-cdk-lib';
import { AutoscalingPolicy, LaneKind, ScalingTrigger } from '../core';
import { DynamicBatching } from '../core/dynamic-batching';
import { ScaleOutLeadTime } from '../core/lead-time';
import { invalid } from '../core/private/errors';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { CostMath } from './cost-math';
import { planBatching } from './private/batching';
import { WorkloadKind } from './questionnaire';

/**
 * How the request rate moves: a baseline, a daily peak and a surge, as multiples of the baseline.
 *
 * @example
 * // 1,000 requests/s at midday, a 5× surge for 30 minutes during flash sales
 * const traffic: TrafficProfile = {
 *   baselineRequestsPerSecond: 1000,
 *   surgeMultiplier: 5,
 *   surgeDuration: Duration.minutes(30),
 * };
 */
export interface TrafficProfile {
  /** The usual request rate (for batch: jobs per second arriving on average). Greater than 0. */
  readonly baselineRequestsPerSecond: number;

  /**
   * The daily peak as a multiple of the baseline (diurnal curve).
   *
   * @default 1 - no daily peak above the baseline
   */
  readonly peakMultiplier?: number;

  /**
   * A short surge (flash sale, marketing event) as a multiple of the baseline.
   *
   * @default - no surge beyond the daily peak
   */
  readonly surgeMultiplier?: number;

  /**
   * How long a surge lasts. Required with `surgeMultiplier`: it decides whether autoscaling can
   * follow the surge or the capacity must be warm before it starts.
   *
   * @default - no surge
   */
  readonly surgeDuration?: Duration;
}

/**
 * Props of {@link CapacityPlanner.plan}.
 */
export interface CapacityPlannerProps {
  /**
   * Requests per second one instance serves while meeting the SLO (measure it with a load test at
   * your p95/p99 target: this is the "expected capacity of a single instance under your SLO").
   */
  readonly perInstanceRequestsPerSecond: number;

  /** What one instance costs per hour (any currency; the costs come out in the same one). 0 or more. */
  readonly pricePerInstanceHour: number;

  /** Baseline, daily peak and surge. */
  readonly traffic: TrafficProfile;

  /**
   * Interactive or batch. A mixed workload is planned as two lanes: plan each separately.
   *
   * @default WorkloadKind.INTERACTIVE
   */
  readonly workload?: WorkloadKind;

  /**
   * The lane the plan is for; decides the scaling trigger and the typical scale-out lag.
   * Interactive: MANAGED_ENDPOINT, GPU_CLUSTER or SERVERLESS. Batch: BATCH_WORKERS, MANAGED_ENDPOINT
   * (asynchronous) or GPU_CLUSTER. Edge fleets have no autoscaling.
   *
   * @default - LaneKind.MANAGED_ENDPOINT for interactive work, LaneKind.BATCH_WORKERS for batch
   */
  readonly lane?: LaneKind;

  /**
   * Spare capacity kept warm to absorb bursts, percent of each instance's capacity (0-90). Lanes
   * scale out when an instance reaches `capacity × (1 - buffer/100)`.
   *
   * @default 20 for interactive work, 0 for batch (the queue absorbs bursts)
   */
  readonly warmBufferPercent?: number;

  /**
   * Requests one instance holds in flight while meeting the SLO. When set (interactive only), the
   * plan scales on in-flight requests per instance — the most direct signal for latency-bound models —
   * instead of requests per second per instance.
   *
   * @default - requests per instance; 1 on SERVERLESS (one request per execution environment)
   */
  readonly concurrencyPerInstance?: number;

  /**
   * Batch only: the longest a job may wait in the queue. The backlog each worker may hold is the
   * jobs it clears in that time: `perInstanceRequestsPerSecond × maxTimeInQueue`.
   *
   * @default Duration.minutes(5)
   */
  readonly maxTimeInQueue?: Duration;

  /**
   * How long it takes from the start of a surge until new capacity serves (alarm, launch, image and
   * model load). Surges shorter than this cannot be followed by autoscaling.
   *
   * @default - typical figures, measure yours: MANAGED_ENDPOINT and GPU_CLUSTER 10 minutes,
   *   BATCH_WORKERS 3 minutes, SERVERLESS 2 minutes
   */
  readonly scaleOutLag?: Duration;

  /**
   * The lane's stated lead time (`lane.scaleOutLeadTime`): its total is the scale-out lag surges are
   * judged against, so the plan and the lane's contract agree. Give this or `scaleOutLag`, not both.
   *
   * @default - `scaleOutLag`, else the typical figures listed there
   */
  readonly scaleOutLeadTime?: ScaleOutLeadTime;

  /**
   * The dynamic batching the lane renders (the same object you pass as the lane's `dynamicBatching`).
   * `perInstanceRequestsPerSecond` is then the UNBATCHED figure: its stated `throughputGainPercent`
   * raises it to `perInstance × (1 + gain/100)` for instance counts, cost per 1,000, the trigger and the
   * staging loads; no gain is assumed when it is not stated. Its `maxQueueDelay` is added to each
   * request's latency for the SLO budget check (see `latencyAtSlo` and `slo`).
   *
   * @default - no batching: no gain, no added delay
   */
  readonly dynamicBatching?: DynamicBatching;

  /**
   * Latency at the SLO percentile of one instance loaded at `perInstanceRequestsPerSecond` (from the
   * same load test), without batching's queue delay. With `slo` it checks the budget: the plan is
   * rejected when `latencyAtSlo + dynamicBatching.maxQueueDelay` exceeds the SLO's latency threshold.
   *
   * @default - not known: the budget is not checked (the notes say what to check)
   */
  readonly latencyAtSlo?: Duration;

  /**
   * The lane's service level objective; its `latencyThreshold` is the budget batching's queue delay
   * must fit in.
   *
   * @default - not known: the budget is not checked (the notes say what to check)
   */
  readonly slo?: ServiceLevelObjective;
}

/**
 * How the plan copes with the surge.
 */
export enum SurgeHandling {
  /** There is no surge beyond the daily peak. */
  NO_SURGE = 'no-surge',
  /** The warm buffer of the baseline fleet serves the surge at the SLO. */
  WARM_BUFFER = 'warm-buffer',
  /** The surge outlasts the scale-out lag: autoscaling adds capacity; the warm buffer bridges the lag. */
  AUTOSCALING = 'autoscaling',
  /** Batch: the surge is over before new workers start; the queue holds the extra jobs until they drain. */
  QUEUE = 'queue',
  /**
   * The surge is over before new capacity would serve: hold the surge capacity warm before known
   * surges (a ScheduledCapacity), or route the overflow to a pre-warmed burst lane.
   */
  PREWARM = 'prewarm',
}

/**
 * A load to run in staging: the article recommends testing one instance to 2× and 3× its expected
 * capacity under the SLO, with production-like data and replayed burst patterns.
 */
export interface StagingLoad {
  /** 2 or 3. */
  readonly multiplier: number;
  /** Requests per second to send to one instance. */
  readonly requestsPerSecond: number;
  /** What to check at that load. */
  readonly description: string;
}

/**
 * A capacity plan: bounds, warm buffer, costs per 1,000 inferences and a ready autoscaling policy.
 */
export interface CapacityPlan {
  /** The lane planned for. */
  readonly lane: LaneKind;
  /** Interactive or batch. */
  readonly workload: WorkloadKind;
  /** One instance's capacity at the SLO as measured (unbatched when `dynamicBatching` is given), requests/s. */
  readonly perInstanceRequestsPerSecond: number;
  /** Throughput gain from dynamic batching applied to the plan, percent (0 when not stated). */
  readonly batchingThroughputGainPercent: number;
  /**
   * Requests/s one instance serves at the SLO in the plan: `perInstanceRequestsPerSecond × (1 + gain/100)`.
   * Instance counts, costs, the trigger and the staging loads use it.
   */
  readonly servedRequestsPerInstance: number;
  /**
   * Longest a request waits for a batch to fill (added to latency), milliseconds.
   *
   * @default - 0 without batching; undefined when the delay is a token
   */
  readonly batchingQueueDelayMs?: number;
  /** Price of one instance per hour. */
  readonly pricePerInstanceHour: number;
  /** Requests/s each instance is driven to before scaling out: capacity × (1 - buffer). */
  readonly targetRequestsPerInstance: number;
  /** Warm buffer, percent. */
  readonly warmBufferPercent: number;
  /** Baseline rate, requests/s. */
  readonly baselineRequestsPerSecond: number;
  /** Daily peak rate, requests/s. */
  readonly peakRequestsPerSecond: number;
  /** Surge rate, requests/s (the peak rate when there is no surge). */
  readonly surgeRequestsPerSecond: number;
  /** Instances serving the baseline with the warm buffer kept. */
  readonly instancesAtBaseline: number;
  /** Instances serving the daily peak with the warm buffer kept. */
  readonly instancesAtPeak: number;
  /** Instances serving the surge with the warm buffer kept. */
  readonly instancesAtSurge: number;
  /** Fewest instances: the baseline fleet. */
  readonly minCapacity: number;
  /** Most instances: the surge (or peak) fleet. */
  readonly maxCapacity: number;
  /** Fleet cost per hour at the baseline. */
  readonly hourlyCostAtBaseline: number;
  /** Fleet cost per hour at the daily peak. */
  readonly hourlyCostAtPeak: number;
  /** Fleet cost per hour during the surge. */
  readonly hourlyCostAtSurge: number;
  /** Cost per 1,000 inferences of one instance fully used at the SLO: `(1000 × price) / (capacity × 3600)`. */
  readonly costPer1000AtSlo: number;
  /** Cost per 1,000 inferences of the fleet at the baseline (warm buffer and rounding included). */
  readonly costPer1000AtBaseline: number;
  /** Cost per 1,000 inferences of the fleet at the daily peak. */
  readonly costPer1000AtPeak: number;
  /** Cost per 1,000 inferences of the fleet during the surge. */
  readonly costPer1000AtSurge: number;
  /** How the surge is handled. */
  readonly surgeHandling: SurgeHandling;
  /** The scale-out lag the surge was judged against. */
  readonly scaleOutLag: Duration;
  /** Where the scale-out lag comes from: `scaleOutLag` (props), `scaleOutLeadTime` (the lane's statement) or `typical`. */
  readonly scaleOutLagSource: string;
  /**
   * The warm buffer that would let the baseline fleet serve the surge with no scaling at all,
   * percent: `(1 - baseline/surge) × 100`. Above 90 no buffer can do it.
   */
  readonly warmBufferToAbsorbSurgePercent: number;
  /** The scaling trigger chosen for the lane and workload. */
  readonly trigger: ScalingTrigger;
  /** The policy to give the lane. */
  readonly autoscalingPolicy: AutoscalingPolicy;
  /** Loads to test one instance with in staging (2× and 3× its capacity at the SLO). */
  readonly stagingTestLoads: StagingLoad[];
  /** Why the plan looks the way it does, and what to do about surges. */
  readonly notes: string[];
}

/**
 * Sizes a lane from a measured per-instance throughput at the SLO, an instance price and a traffic
 * profile: min/max capacity, warm buffer, cost per 1,000 inferences at baseline, peak and surge, the
 * staging test loads, and a ready {@link AutoscalingPolicy} with a trigger suited to the work
 * (requests or in-flight requests per instance for interactive lanes, queue backlog per worker for
 * batch — utilization misleads for batching workloads). Pure TypeScript: no AWS calls.
 *
 * @example
 * const plan = CapacityPlanner.plan({
 *   perInstanceRequestsPerSecond: 25,
 *   pricePerInstanceHour: 1.5,
 *   traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 5, surgeDuration: Duration.minutes(30) },
 * });
 * new ManagedEndpoint(this, 'Endpoint', { ..., autoscaling: plan.autoscalingPolicy });
 */
export class CapacityPlanner {
  /**
   * Plan capacity and cost for one lane.
   *
   * @throws LaneValidationError for non-positive rates, multipliers under 1, a surge without a
   *   duration, a buffer outside 0-90, or a lane that cannot serve the workload
   */
  public static plan(props: CapacityPlannerProps): CapacityPlan {
    const workload = props.workload ?? WorkloadKind.INTERACTIVE;
    const batch = workload === WorkloadKind.BATCH;
    checkWorkload(workload);
    const lane = props.lane ?? (batch ? LaneKind.BATCH_WORKERS : LaneKind.MANAGED_ENDPOINT);
    checkLane(workload, lane);

    const measured = props.perInstanceRequestsPerSecond;
    positive('perInstanceRequestsPerSecond', measured, 'Pass the requests/s one instance serves at your SLO (measure it with a load test).');
    checkDynamicBatching(WHERE, props.dynamicBatching);
    if (props.dynamicBatching !== undefined && lane === LaneKind.SERVERLESS) {
      // The same answer the lane gives (WarmServerlessFunction rejects dynamicBatching).
      throw invalid(WHERE, 'dynamicBatching', props.dynamicBatching.toString(), 'cannot be rendered by serverless: Lambda hands one event to each invocation',
        'Remove dynamicBatching from this plan, or plan a lane that batches (gpu-cluster, managed-endpoint, batch-workers).');
    }
    const batching = planBatching(WHERE, measured, batch, props.dynamicBatching, props.latencyAtSlo, props.slo);
    // Everything below sizes on what one instance serves with batching's stated gain.
    const perInstance = batching.servedPerInstance;
    atLeast('pricePerInstanceHour', props.pricePerInstanceHour, 0, 'Pass the hourly price of one instance, 0 or more.');
    const t = props.traffic;
    if (!t) {
      throw invalid(WHERE, 'traffic', undefined, 'is required', 'Pass { baselineRequestsPerSecond, peakMultiplier?, surgeMultiplier?, surgeDuration? }.');
    }
    positive('traffic.baselineRequestsPerSecond', t.baselineRequestsPerSecond, 'Pass the usual request rate, greater than 0.');
    const peakMult = t.peakMultiplier ?? 1;
    atLeast('traffic.peakMultiplier', peakMult, 1, 'Pass the daily peak as a multiple of the baseline, 1 or more (1.5 for 50% above).');
    if (t.surgeMultiplier !== undefined) {
      atLeast('traffic.surgeMultiplier', t.surgeMultiplier, 1, 'Pass the surge as a multiple of the baseline, 1 or more (5 for a 5× surge).');
      if (t.surgeDuration === undefined) {
        throw invalid(WHERE, 'traffic.surgeDuration', undefined, 'is required with surgeMultiplier', 'Pass how long a surge lasts, e.g. Duration.minutes(30).');
      }
    } else if (t.surgeDuration !== undefined) {
      throw invalid(WHERE, 'traffic.surgeDuration', t.surgeDuration, 'is set without surgeMultiplier', 'Pass surgeMultiplier too, or drop surgeDuration.');
    }
    const surgeSeconds = t.surgeDuration ? seconds('traffic.surgeDuration', t.surgeDuration) : undefined;

    const buffer = props.warmBufferPercent ?? (batch ? 0 : 20);
    if (!isConcrete(buffer) || buffer < 0 || buffer > 90) {
      throw invalid(WHERE, 'warmBufferPercent', buffer, 'must be between 0 and 90', 'Pass the share of capacity kept idle for bursts, e.g. 20.');
    }
    if (props.concurrencyPerInstance !== undefined) {
      positive('concurrencyPerInstance', props.concurrencyPerInstance, 'Pass the requests one instance holds in flight at your SLO.');
      if (batch) {
        throw invalid(WHERE, 'concurrencyPerInstance', props.concurrencyPerInstance, 'is not used by batch plans (they scale on queue backlog per worker)', 'Drop concurrencyPerInstance, or plan an interactive workload.');
      }
    }
    if (props.maxTimeInQueue !== undefined && !batch) {
      throw invalid(WHERE, 'maxTimeInQueue', props.maxTimeInQueue, 'is only used by batch plans', 'Drop maxTimeInQueue, or set workload: WorkloadKind.BATCH.');
    }
    const lead = props.scaleOutLeadTime;
    if (lead !== undefined && props.scaleOutLag !== undefined) {
      throw invalid(WHERE, 'scaleOutLeadTime', lead.describe(), 'is given together with scaleOutLag', "Give one: the lane's scaleOutLeadTime (its stated steps), or scaleOutLag (your own figure).");
    }
    if (lead !== undefined && !lead.isStated) {
      throw invalid(WHERE, 'scaleOutLeadTime', 'not stated', 'is not stated by the lane (no steps)', 'Pass scaleOutLag with a measured figure, or drop scaleOutLeadTime to use the typical figure.');
    }
    const lagSource = lead ? 'scaleOutLeadTime' : props.scaleOutLag ? 'scaleOutLag' : 'typical';
    const lag = lead ? lead.total : props.scaleOutLag ?? DEFAULT_SCALE_OUT_LAG[lane];
    const lagSeconds = seconds(lead ? 'scaleOutLeadTime' : 'scaleOutLag', lag);

    // Sizing: each instance is driven to its capacity minus the warm buffer.
    const target = perInstance * (1 - buffer / 100);
    const baseRps = t.baselineRequestsPerSecond;
    const peakRps = baseRps * peakMult;
    const surgeRps = Math.max(peakRps, baseRps * (t.surgeMultiplier ?? peakMult));
    const atBaseline = CostMath.instancesFor(baseRps, target);
    const atPeak = CostMath.instancesFor(peakRps, target);
    const atSurge = CostMath.instancesFor(surgeRps, target);
    const min = atBaseline;
    const max = Math.max(atBaseline, atPeak, atSurge);

    const price = props.pricePerInstanceHour;
    const notes: string[] = [];

    // Trigger: what the lane should track.
    let trigger: ScalingTrigger;
    if (batch) {
      const waitSeconds = seconds('maxTimeInQueue', props.maxTimeInQueue ?? Duration.minutes(5));
      const backlog = Math.floor(perInstance * waitSeconds + 1e-9);
      if (backlog < 1) {
        throw invalid(WHERE, 'maxTimeInQueue', props.maxTimeInQueue ?? Duration.minutes(5), `is shorter than one job takes (${round(1 / perInstance, 2)} s at ${round(perInstance, 3)} jobs/s per worker)`, 'Allow a longer wait, or measure a faster worker.');
      }
      trigger = ScalingTrigger.queueBacklogPerInstance(backlog);
      notes.push(`Scales on queue backlog per worker (${backlog} jobs = ${round(perInstance, 3)} jobs/s × ${waitSeconds} s of allowed wait): utilization misleads for batching workloads.`);
    } else if (lane === LaneKind.SERVERLESS || props.concurrencyPerInstance !== undefined) {
      const concurrency = props.concurrencyPerInstance ?? 1;
      trigger = ScalingTrigger.inFlightPerInstance(concurrency);
      notes.push(`Scales on in-flight requests per instance (${concurrency} at the SLO), the most direct signal for latency-bound models.`);
    } else {
      trigger = ScalingTrigger.requestsPerInstance(perInstance);
      notes.push(`Scales on requests per instance (${round(perInstance, 3)}/s at the SLO); tracked at ${round(target, 3)}/s after the ${buffer}% warm buffer.`);
    }

    const policy = new AutoscalingPolicy({
      minCapacity: min,
      maxCapacity: max,
      triggers: [trigger],
      warmBufferPercent: buffer,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: batch ? Duration.minutes(5) : Duration.minutes(10),
    });

    // Surge: can autoscaling follow it?
    const absorbPercent = surgeRps > baseRps ? (1 - baseRps / surgeRps) * 100 : 0;
    let handling: SurgeHandling;
    const surgeMin = surgeSeconds !== undefined ? round(surgeSeconds / 60, 1) : 0;
    const lagMin = round(lagSeconds / 60, 1);
    if (t.surgeMultiplier === undefined || surgeRps <= peakRps) {
      handling = SurgeHandling.NO_SURGE;
    } else if (min * perInstance >= surgeRps - 1e-9) {
      handling = SurgeHandling.WARM_BUFFER;
      notes.push(`The ${buffer}% warm buffer of the baseline fleet serves the ${round(surgeRps, 1)} requests/s surge at the SLO.`);
    } else if (surgeSeconds !== undefined && surgeSeconds > lagSeconds) {
      handling = SurgeHandling.AUTOSCALING;
      const during = batch
        ? `the backlog grows by up to ${Math.ceil((surgeRps - min * perInstance) * lagSeconds)} jobs (time in queue rises) for up to ${lagMin} minutes`
        : `requests beyond ${round(min * perInstance, 1)}/s may breach the SLO for up to ${lagMin} minutes`;
      notes.push(`The ${surgeMin}-minute surge outlasts the ${lagMin}-minute scale-out lag: autoscaling follows it up to ${max} instances; until new capacity serves, only the warm buffer absorbs it (${during}).`);
    } else if (batch) {
      handling = SurgeHandling.QUEUE;
      const extraJobs = Math.ceil((surgeRps - min * perInstance) * (surgeSeconds ?? 0));
      const drainSeconds = extraJobs / Math.max(1e-9, max * perInstance - baseRps);
      notes.push(`The ${surgeMin}-minute surge is over before the ${lagMin}-minute scale-out lag: the queue holds up to ${extraJobs} extra jobs, which ${max} workers drain in about ${round(drainSeconds / 60, 1)} minutes once started.`);
    } else {
      handling = SurgeHandling.PREWARM;
      const bufferNote = absorbPercent <= 90
        ? `a warm buffer of ${round(absorbPercent, 1)}% would absorb it, at that much idle capacity all day`
        : `no warm buffer can absorb it (${round(absorbPercent, 1)}% idle capacity needed; the most is 90%)`;
      notes.push(`The ${surgeMin}-minute surge is over before the ${lagMin}-minute scale-out lag: hold ${atSurge} instances warm before known surges (a ScheduledCapacity with minCapacity ${atSurge}), or route the overflow to a small pre-warmed serverless burst pool; ${bufferNote}.`);
    }
    if (max === min) {
      notes.push(`Capacity is fixed at ${min}: no headroom beyond the warm buffer.`);
    }
    notes.push(`Document ${round(perInstance, 3)} requests/s as one instance's capacity under the SLO, and test it to 2× and 3× in staging with production-like data, replaying recent traces with their burst patterns.`);

    notes.push(lead ? `Scale-out lag: ${round(lagSeconds / 60, 1)} minutes as the lane states it (${lead.describe()}).`
      : props.scaleOutLag ? `Scale-out lag: ${round(lagSeconds / 60, 1)} minutes as given (scaleOutLag).`
        : `Scale-out lag: ${round(lagSeconds / 60, 1)} minutes, a typical figure for ${lane}; pass the lane's scaleOutLeadTime (or a measured scaleOutLag).`);
    notes.push(...batching.notes);
    const hourly = (n: number) => n * price;
    return {
      lane,
      workload,
      perInstanceRequestsPerSecond: measured,
      batchingThroughputGainPercent: batching.gainPercent,
      servedRequestsPerInstance: perInstance,
      batchingQueueDelayMs: batching.queueDelayMs,
      pricePerInstanceHour: price,
      targetRequestsPerInstance: target,
      warmBufferPercent: buffer,
      baselineRequestsPerSecond: baseRps,
      peakRequestsPerSecond: peakRps,
      surgeRequestsPerSecond: surgeRps,
      instancesAtBaseline: atBaseline,
      instancesAtPeak: atPeak,
      instancesAtSurge: atSurge,
      minCapacity: min,
      maxCapacity: max,
      hourlyCostAtBaseline: hourly(atBaseline),
      hourlyCostAtPeak: hourly(atPeak),
      hourlyCostAtSurge: hourly(atSurge),
      costPer1000AtSlo: CostMath.costPer1000AtRps(price, perInstance),
      costPer1000AtBaseline: CostMath.costPer1000AtRps(hourly(atBaseline), baseRps),
      costPer1000AtPeak: CostMath.costPer1000AtRps(hourly(atPeak), peakRps),
      costPer1000AtSurge: CostMath.costPer1000AtRps(hourly(atSurge), surgeRps),
      surgeHandling: handling,
      scaleOutLag: lag,
      scaleOutLagSource: lagSource,
      warmBufferToAbsorbSurgePercent: absorbPercent,
      trigger,
      autoscalingPolicy: policy,
      stagingTestLoads: [2, 3].map(m => ({
        multiplier: m,
        requestsPerSecond: m * perInstance,
        description: `${m}× one instance's capacity at the SLO: latency degrades gracefully, backpressure and timeouts hold, autoscaling reacts, nothing is lost`,
      })),
      notes,
    };
  }

  private constructor() {}
}

const WHERE = 'CapacityPlanner';

const DEFAULT_SCALE_OUT_LAG: Record<LaneKind, Duration> = {
  [LaneKind.MANAGED_ENDPOINT]: Duration.minutes(10),
  [LaneKind.GPU_CLUSTER]: Duration.minutes(10),
  [LaneKind.SERVERLESS]: Duration.minutes(2),
  [LaneKind.BATCH_WORKERS]: Duration.minutes(3),
  [LaneKind.EDGE_FLEET]: Duration.minutes(10),
};

function checkWorkload(workload: WorkloadKind): void {
  if (workload === WorkloadKind.MIXED) {
    throw invalid(WHERE, 'workload', workload, 'cannot be planned as one lane', 'Plan the interactive lane (WorkloadKind.INTERACTIVE) and the offline lane (WorkloadKind.BATCH) separately.');
  }
  if (workload !== WorkloadKind.INTERACTIVE && workload !== WorkloadKind.BATCH) {
    throw invalid(WHERE, 'workload', workload, 'is not a WorkloadKind', `Use one of: ${WorkloadKind.INTERACTIVE}, ${WorkloadKind.BATCH}.`);
  }
}

function checkLane(workload: WorkloadKind, lane: LaneKind): void {
  if (!Object.values(LaneKind).includes(lane)) {
    throw invalid(WHERE, 'lane', lane, 'is not a LaneKind', `Use one of: ${Object.values(LaneKind).join(', ')}.`);
  }
  if (lane === LaneKind.EDGE_FLEET) {
    throw invalid(WHERE, 'lane', lane, 'has no autoscaling: each device serves its own traffic', 'Size devices by their own throughput; plan the cloud lanes here.');
  }
  if (workload === WorkloadKind.INTERACTIVE && lane === LaneKind.BATCH_WORKERS) {
    throw invalid(WHERE, 'lane', lane, 'cannot serve interactive work (jobs wait in a queue: delayed feedback)', 'Plan a managed-endpoint, gpu-cluster or serverless lane, or set workload: WorkloadKind.BATCH.');
  }
  if (workload === WorkloadKind.BATCH && lane === LaneKind.SERVERLESS) {
    throw invalid(WHERE, 'lane', lane, 'cannot scale on a queue backlog, and its strict timeouts cap job size', 'Plan batch work on batch-workers, managed-endpoint (asynchronous) or gpu-cluster.');
  }
}

function isConcrete(n: number): boolean {
  return typeof n === 'number' && !Token.isUnresolved(n) && Number.isFinite(n);
}

function positive(prop: string, value: number, fix: string): void {
  if (!isConcrete(value) || value <= 0) {
    throw invalid(WHERE, prop, value, 'must be greater than 0', fix);
  }
}

function atLeast(prop: string, value: number, min: number, fix: string): void {
  if (!isConcrete(value) || value < min) {
    throw invalid(WHERE, prop, value, `must be a number of at least ${min}`, fix);
  }
}

function seconds(prop: string, d: Duration): number {
  if (d.isUnresolved()) {
    throw invalid(WHERE, prop, d, 'is an unresolved token; the planner needs a concrete value', 'Pass a literal Duration.');
  }
  const s = d.toSeconds({ integral: false });
  if (!(s > 0)) {
    throw invalid(WHERE, prop, d, 'must be greater than 0', 'Pass e.g. Duration.minutes(5).');
  }
  return s;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
