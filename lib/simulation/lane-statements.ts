import { ARRIVAL_SECONDS } from './platform';
import { ArrivalTime, ServingProfile } from './profile';
import { LaneSpec } from './stack-model';

/**
 * Steps of a stated lead time that the simulator models itself, by their name: the scale-out alarm's
 * datapoints and evaluation (AasController: 3 of 3 one-minute or 10-second datapoints), KEDA polling and
 * the HPA sync and stabilization (HpaController), metric scrape windows (the Prometheus rate window the
 * trigger reads), cooldowns. Counting them in the arrival time too would delay new capacity twice.
 * Every other step (instance or node launch, image pull, model load, environment init, health checks)
 * is the arrival time: from "desired capacity raised" to "capacity serves".
 */
export const MODELLED_SEPARATELY = /alarm|evaluat|datapoint|metric|poll|scrape|sync|cooldown|detect|trigger|stabiliz/i;

/**
 * Second-level scalers the engine does not run, even when their step names an alarm: an ECS capacity
 * provider's managed scaling (its own alarm on the Auto Scaling group), node autoscalers (cluster
 * autoscaler, Karpenter). Their steps count toward the arrival time.
 */
export const NOT_MODELLED = /capacity provider|managed scaling|node|cluster autoscaler|karpenter/i;

/** Whether the engine models a stated step itself (so it is left out of the arrival time). */
export function modelledSeparately(step: string): boolean {
  return MODELLED_SEPARATELY.test(step) && !NOT_MODELLED.test(step);
}

/** Lanes whose platform can batch (Lambda hands one event to each invocation). */
const BATCHING_KINDS = new Set(['managed-endpoint', 'gpu-cluster', 'batch-workers']);

/**
 * The batching a run applies to a lane: the profile's own figures first, then what the lane states;
 * none when the profile was measured with batching on (its figures already include it) or the lane's
 * platform cannot batch.
 */
export function batchingFor(lane: LaneSpec, p: ServingProfile): { gainPercent: number; delayMs: number; measuredWithBatching: boolean } {
  const measuredWithBatching = p.measuredWithBatching ?? false;
  if (measuredWithBatching || !BATCHING_KINDS.has(lane.kind)) { return { gainPercent: 0, delayMs: 0, measuredWithBatching }; }
  const gainPercent = p.batchingThroughputGainPercent ?? lane.batching?.throughputGainPercent ?? 0;
  // A batch lane's delay is a receive wait of at most seconds against a time-in-queue SLO of minutes: not added.
  const delayMs = lane.kind === 'batch-workers' ? 0 : p.batchingQueueDelayMs ?? lane.batching?.maxQueueDelayMs ?? 0;
  return { gainPercent: Math.max(0, gainPercent), delayMs: Math.max(0, delayMs), measuredWithBatching };
}

/**
 * The arrival time of new capacity for a lane: the profile's `arrivalSeconds` when given (your
 * measurement), else the lane's stated `scaleOutLeadTime` minus the steps the simulator models itself
 * ({@link MODELLED_SEPARATELY}), else the platform table (ARRIVAL_SECONDS).
 */
export function arrivalFor(lane: LaneSpec, p: ServingProfile): ArrivalTime {
  const lead = lane.leadTime;
  const modelled = lead ? lead.steps.filter(s => modelledSeparately(s.step)) : [];
  const modelledSeconds = modelled.reduce((a, s) => a + s.seconds, 0);
  const implied = lead ? Math.max(0, lead.totalSeconds - modelledSeconds) : undefined;
  const base = {
    statedSeconds: lead?.totalSeconds, modelledSeparatelySeconds: modelledSeconds,
    modelledSeparately: modelled.map(s => `${s.step} ${s.seconds} s`), impliedSeconds: implied,
  };
  if (p.arrivalSeconds !== undefined) { return { ...base, seconds: p.arrivalSeconds, source: 'profile' }; }
  if (implied !== undefined && !scalesOnLoad(lane)) {
    // e.g. a Lambda pool with schedules only, or SnapStart: the lane states how extra load gets served
    // (on-demand cold starts), which is not the time a scheduled pool change takes.
    return {
      ...base, seconds: ARRIVAL_SECONDS[lane.kind] ?? 120, source: 'table',
      note: 'the lane scales on no load trigger: its stated lead time is for capacity beyond the pool (on-demand), not for scheduled pool changes',
    };
  }
  if (implied !== undefined) { return { ...base, seconds: implied, source: 'lane' }; }
  return { ...base, seconds: ARRIVAL_SECONDS[lane.kind] ?? 120, source: 'table' };
}

/** Whether the emitted scaling reacts to load (a target tracking or step policy, a KEDA/HPA trigger other than cron). */
export function scalesOnLoad(lane: LaneSpec): boolean {
  return lane.scalableTargets.some(t => t.targetTracking.length > 0 || t.stepScaling.length > 0)
    || lane.kubernetesScalers.some(k => k.triggers.some(tr => tr.type !== 'cron'));
}

/**
 * The lead-time check of one lane: the stated lead time beside the arrival time the simulator used, so
 * the contract and the simulation cannot drift silently. `consistent` is false when the lane states a
 * lead time and the simulator ran with another arrival time (a profile's `arrivalSeconds`).
 */
export interface LeadTimeCheck {
  readonly path: string;
  readonly kind: string;
  /** The lane's stated lead time, seconds (null: not stated). */
  readonly statedSeconds: number | null;
  /** Stated steps the simulator models itself (left out of the arrival time). */
  readonly modelledSeparately: string[];
  readonly modelledSeparatelySeconds: number;
  /** Stated minus modelled separately (null: not stated). */
  readonly impliedArrivalSeconds: number | null;
  /** The arrival time the run used. */
  readonly arrivalSeconds: number;
  readonly arrivalSource: string;
  /** Arrival used minus implied (null: not stated). */
  readonly driftSeconds: number | null;
  /** True when not stated, when the run used the implied arrival, or when the statement does not time the pool (see note). */
  readonly consistent: boolean;
  /** Why a stated lead time was not used (absent otherwise). */
  readonly note?: string;
}

/** The check for a lane with its profile. */
export function leadTimeCheck(lane: LaneSpec, arrival: ArrivalTime): LeadTimeCheck {
  const implied = arrival.impliedSeconds ?? null;
  const drift = implied === null || arrival.note ? null : arrival.seconds - implied;
  return {
    ...(arrival.note ? { note: arrival.note } : {}),
    path: lane.path, kind: lane.kind, statedSeconds: arrival.statedSeconds ?? null,
    modelledSeparately: arrival.modelledSeparately, modelledSeparatelySeconds: arrival.modelledSeparatelySeconds,
    impliedArrivalSeconds: implied, arrivalSeconds: arrival.seconds, arrivalSource: arrival.source,
    driftSeconds: drift, consistent: drift === null || Math.abs(drift) < 1e-9,
  };
}
