import { HardwareTarget, LaneKind } from '../../core';
import { CostClarity, DataLocality, LatencyClass, PlanningQuestion, TeamMaturity, TrafficShape, WorkloadKind } from '../questionnaire';

/**
 * The lane chooser's rules, one table per question. Every rule quotes the argument it comes from in
 * the product article's decision framework; the points only encode its direction and weight.
 *
 * Internal: the public surface is LaneChooser.
 */

/** Answers with every default applied. @internal */
export interface ResolvedAnswers {
  readonly workload: WorkloadKind;
  readonly latencyMs: number;
  readonly latencyPercentile: number;
  readonly trafficShape: TrafficShape;
  readonly sustainedRequestsPerSecond?: number;
  readonly dataLocality: DataLocality;
  readonly teamMaturity: TeamMaturity;
  readonly costClarity: CostClarity;
  readonly hardware?: HardwareTarget;
}

/** One scored factor. @internal */
export interface Factor {
  readonly question: PlanningQuestion;
  readonly points: number;
  readonly note: string;
}

/** One constraint a lane cannot meet. @internal */
export interface Unmet {
  readonly question: PlanningQuestion;
  readonly note: string;
}

/** All factors and unmet constraints of one lane. @internal */
export interface LaneScore {
  readonly lane: LaneKind;
  readonly factors: Factor[];
  readonly unmet: Unmet[];
}

/** Every lane, in the tie-break order: simplest to operate first ("start simple"). @internal */
export const LANE_ORDER: LaneKind[] = [
  LaneKind.MANAGED_ENDPOINT,
  LaneKind.SERVERLESS,
  LaneKind.BATCH_WORKERS,
  LaneKind.GPU_CLUSTER,
  LaneKind.EDGE_FLEET,
];

/** Steady traffic at or above this rate counts as high throughput. @internal */
export const HIGH_THROUGHPUT_RPS = 100;
/** Below this rate an always-on instance mostly idles. @internal */
export const LOW_VOLUME_RPS = 1;
/** From this percentile up a latency budget is a tail budget (cold starts show up in it). @internal */
export const TAIL_PERCENTILE = 90;

/** The latency class of a budget. @internal */
export function latencyClassOf(latencyMs: number): LatencyClass {
  if (latencyMs < 100) { return LatencyClass.STRICT; }
  if (latencyMs < 1000) { return LatencyClass.TIGHT; }
  if (latencyMs < 60_000) { return LatencyClass.RELAXED; }
  return LatencyClass.OFFLINE;
}

/** Text such as `p95 < 300 ms`. @internal */
export function budgetText(a: ResolvedAnswers): string {
  const ms = a.latencyMs;
  const v = ms >= 60_000 ? `${round(ms / 60_000)} min` : ms >= 1000 ? `${round(ms / 1000)} s` : `${round(ms)} ms`;
  return `p${a.latencyPercentile} < ${v}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const M = LaneKind.MANAGED_ENDPOINT;
const C = LaneKind.GPU_CLUSTER;
const S = LaneKind.SERVERLESS;
const B = LaneKind.BATCH_WORKERS;
const E = LaneKind.EDGE_FLEET;

class Scorer {
  public readonly scores = new Map<LaneKind, { factors: Factor[]; unmet: Unmet[] }>();

  constructor() {
    for (const l of LANE_ORDER) { this.scores.set(l, { factors: [], unmet: [] }); }
  }

  public add(lane: LaneKind, question: PlanningQuestion, points: number, note: string): void {
    this.scores.get(lane)!.factors.push({ question, points, note });
  }

  public unmet(lane: LaneKind, question: PlanningQuestion, points: number, note: string): void {
    this.add(lane, question, points, note);
    this.scores.get(lane)!.unmet.push({ question, note });
  }
}

/**
 * Score every lane against the answers.
 * @internal
 */
export function scoreLanes(a: ResolvedAnswers): LaneScore[] {
  const s = new Scorer();
  scoreWorkload(s, a);
  scoreLatency(s, a);
  scoreTraffic(s, a);
  scoreData(s, a);
  scoreTeam(s, a);
  scoreCost(s, a);
  scoreHardware(s, a);
  return LANE_ORDER.map(lane => ({ lane, ...s.scores.get(lane)! }));
}

function scoreWorkload(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.WORKLOAD;
  if (a.workload === WorkloadKind.BATCH) {
    s.add(B, q, 6, 'ideal for large files and throughput-bound jobs: predictable throughput and cost control via fixed worker counts');
    s.add(C, q, 1, 'dynamic batching on accelerators maximizes throughput per node');
    s.add(M, q, 1, 'asynchronous endpoints queue requests and scale on the backlog');
    s.unmet(S, q, -6, 'strict timeouts and limited concurrency per instance cap job size and throughput');
    s.unmet(E, q, -6, 'restricted memory and compute ceilings limit throughput on devices');
    return;
  }
  s.add(M, q, 2, 'hosts a synchronous endpoint with integrated logging, one-click scaling profiles, versioning and canary support');
  s.add(C, q, 1, 'serves synchronous requests behind load-balanced services, with full control of runtime and accelerators');
  s.add(S, q, 1, 'serves request/response traffic and scales to zero and back');
  if (a.workload === WorkloadKind.MIXED) {
    s.unmet(B, q, -6, 'delayed feedback: it can take the offline jobs but not the interactive requests');
    s.add(B, q, 3, 'takes the offline jobs with fixed workers, isolated from the interactive path');
  } else {
    s.unmet(B, q, -6, 'delayed feedback: jobs wait in a queue, unsuitable for interactive requests');
  }
}

function scoreLatency(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.LATENCY;
  const budget = budgetText(a);
  const tail = a.latencyPercentile >= TAIL_PERCENTILE;
  switch (latencyClassOf(a.latencyMs)) {
    case LatencyClass.STRICT:
      s.add(M, q, 3, `a strict budget (${budget}) points toward managed endpoints with warm capacity`);
      s.add(C, q, 3, `a strict budget (${budget}) points toward finely tuned clusters`);
      if (tail) {
        s.unmet(S, q, -4, `cold starts (tens to hundreds of ms, more for heavy models) do not fit a ${budget} tail budget`);
      } else {
        s.add(S, q, -2, `cold starts and invocation overhead eat most of a ${budget} budget`);
      }
      s.unmet(B, q, -6, `queued jobs take minutes, not the ${budget} asked for`);
      s.add(E, q, 2, 'on-device inference removes the network round trip');
      break;
    case LatencyClass.TIGHT:
      s.add(M, q, 2, `warm instances keep ${budget} predictable`);
      s.add(C, q, 2, `warm replicas keep ${budget} predictable`);
      if (tail) {
        s.unmet(S, q, -2, `cold starts beyond the pre-warmed pool land in the ${budget} tail`);
      } else {
        s.add(S, q, 1, `cold starts rarely reach the median (${budget})`);
      }
      s.unmet(B, q, -6, `queued jobs take minutes, not the ${budget} asked for`);
      s.add(E, q, 1, 'on-device inference saves the network round trip');
      break;
    case LatencyClass.RELAXED:
      s.add(M, q, 1, `${budget} leaves room for any synchronous lane`);
      s.add(C, q, 1, `${budget} leaves room for any synchronous lane`);
      s.add(S, q, 2, `a looser budget (${budget}) opens the door to serverless: cold starts fit in it`);
      s.add(B, q, -2, `queue wait is measured in minutes; ${budget} is at risk under a backlog`);
      break;
    case LatencyClass.OFFLINE:
      s.add(S, q, 2, `a looser budget (${budget}) opens the door to serverless`);
      s.add(B, q, 3, `a budget measured in minutes (${budget}) suits a queue drained at a controlled pace`);
      break;
  }
}

function scoreTraffic(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.TRAFFIC_SHAPE;
  const latencyBound = a.workload !== WorkloadKind.BATCH
    && [LatencyClass.STRICT, LatencyClass.TIGHT].includes(latencyClassOf(a.latencyMs));
  switch (a.trafficShape) {
    case TrafficShape.STEADY:
      s.add(C, q, 3, 'steady high throughput benefits from clusters with careful right-sizing');
      s.add(M, q, 1, 'a fixed instance count matches a flat load');
      s.add(B, q, 1, 'a fixed worker count drains a steady stream');
      s.add(S, q, -1, 'paying only for active time saves nothing when the load never idles');
      break;
    case TrafficShape.SEASONAL:
      s.add(M, q, 2, 'autoscaling plus scheduled capacity raises the floor before known peaks');
      s.add(S, q, 1, 'scheduled pre-warming fills the warm pool before known peaks');
      s.add(C, q, 1, 'scheduled scaling (KEDA cron) adds replicas before known peaks');
      s.add(B, q, 1, 'scheduled worker counts follow known peaks');
      // Known peaks are still peaks: a device serves at its fixed ceiling (as for spiky traffic).
      s.unmet(E, q, -1, 'a device fleet cannot add capacity for peaks: requests beyond a device\'s compute ceiling wait');
      break;
    case TrafficShape.SPIKY:
      s.add(S, q, 3, 'spiky loads pair well with serverless: scale to zero and back, pay only for active time');
      s.add(M, q, 2, 'autoscaling managed endpoints follow spikes with a warm buffer');
      s.add(C, q, -2, 'new GPU nodes take minutes, and sizing for spikes means idle nodes');
      if (latencyBound) {
        s.unmet(M, q, 0, `new instances take minutes: unpredictable surges beyond the warm buffer breach ${budgetText(a)}`);
        s.unmet(C, q, 0, `new GPU nodes take minutes: unpredictable surges beyond the spare replicas breach ${budgetText(a)}`);
      }
      s.add(B, q, 1, 'the queue absorbs bursts; workers drain them at a controlled pace');
      s.unmet(E, q, -1, 'a device cannot scale out: surges beyond its compute ceiling wait');
      break;
  }
  const rps = a.sustainedRequestsPerSecond;
  if (rps === undefined) { return; }
  if (a.trafficShape === TrafficShape.STEADY && rps >= HIGH_THROUGHPUT_RPS) {
    s.add(C, q, 2, `at ${rps} requests/s sustained, right-sized nodes give the lowest cost per 1,000 inferences`);
    s.add(S, q, -1, `${rps} requests/s sustained keeps environments busy: per-request billing costs more than busy instances`);
  }
  if (rps < LOW_VOLUME_RPS) {
    s.add(S, q, 2, `at ${rps} requests/s an always-on instance mostly idles; serverless bills only active time`);
    s.add(M, q, -1, `at ${rps} requests/s an always-on instance mostly idles`);
    s.add(C, q, -1, `at ${rps} requests/s a GPU node mostly idles`);
  }
}

function scoreData(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.DATA_LOCALITY;
  switch (a.dataLocality) {
    case DataLocality.CLOUD_REGION:
      s.add(E, q, -2, 'no locality need to pay for device constraints: restricted memory, compute ceilings, fleet updates over intermittent connectivity');
      break;
    case DataLocality.ON_PREMISES:
      s.add(C, q, 3, 'an on-premises cluster keeps data inside your sites (the chart runs on any Kubernetes)');
      s.add(E, q, 3, 'data stays on the device or gateway where it is produced');
      for (const l of [M, S, B]) {
        s.unmet(l, q, -10, 'runs in a cloud region: the data would leave your sites');
      }
      break;
    case DataLocality.ON_DEVICE:
      s.add(E, q, 6, 'data never leaves the device, and inference works offline');
      s.unmet(C, q, -10, 'a cluster receives the data off the device');
      for (const l of [M, S, B]) {
        s.unmet(l, q, -10, 'runs in a cloud region: the data would leave the device');
      }
      break;
  }
}

function scoreTeam(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.TEAM_MATURITY;
  switch (a.teamMaturity) {
    case TeamMaturity.LOW:
      s.unmet(C, q, -4, 'needs capacity for patching nodes, tuning schedulers and managing upgrades');
      s.unmet(E, q, -2, 'rolling out updates to fleets with intermittent connectivity needs seasoned operators');
      s.add(M, q, 2, 'hides the undifferentiated heavy lifting');
      s.add(S, q, 2, 'hides the most: no servers to patch, no capacity to plan');
      s.add(B, q, 1, 'serverless containers: no nodes to patch');
      break;
    case TeamMaturity.MEDIUM:
      s.add(C, q, -1, 'node updates, security patches and capacity planning are a standing cost');
      s.add(E, q, -1, 'fleet updates and A/B tests across device classes are a standing cost');
      break;
    case TeamMaturity.HIGH:
      s.add(C, q, 2, 'deeper control (native libraries, schedulers, sidecars) yields efficiency gains');
      s.add(E, q, 1, 'can run quantized builds and staged fleet rollouts');
      break;
  }
}

function scoreCost(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.COST_CLARITY;
  switch (a.costClarity) {
    case CostClarity.FORECASTABLE:
      s.add(C, q, 2, 'reserved or committed nodes reduce the cost per inference of a forecastable load');
      s.add(M, q, 2, 'committed instances reduce the cost per inference of a forecastable load');
      s.add(B, q, 1, 'fixed worker counts make spend predictable');
      s.add(S, q, -1, 'pay-per-use costs more than committed capacity once usage is forecastable');
      break;
    case CostClarity.UNCERTAIN:
      s.add(S, q, 2, 'elasticity first: pay only for active time until patterns stabilize');
      s.add(M, q, 1, 'autoscaling bounds keep spend elastic');
      s.add(C, q, -1, 'committing to nodes before usage is known risks paying for idle capacity');
      break;
  }
}

const CLOUD_LANES = [LaneKind.MANAGED_ENDPOINT, LaneKind.SERVERLESS, LaneKind.BATCH_WORKERS, LaneKind.GPU_CLUSTER];

function scoreHardware(s: Scorer, a: ResolvedAnswers): void {
  const q = PlanningQuestion.HARDWARE;
  switch (a.hardware) {
    case undefined:
      return;
    case HardwareTarget.CPU_X86_64:
    case HardwareTarget.CPU_ARM64:
      s.add(C, q, -2, 'a GPU cluster for a CPU model pays for accelerators it does not use');
      s.unmet(E, q, -2, `devices run device builds (${HardwareTarget.EDGE_ARM64}, ${HardwareTarget.EDGE_X86_64}), not a cloud ${a.hardware} build`);
      return;
    case HardwareTarget.NVIDIA_GPU:
      s.add(C, q, 3, 'GPU nodes with dynamic batching: the lane built for NVIDIA GPUs');
      s.add(M, q, 1, 'GPU instances (ml.g5, ml.g6, ml.p4d) host the model');
      s.add(B, q, 1, 'GPU workers run on EC2 capacity (g5 by default)');
      s.unmet(S, q, -10, 'Lambda has no GPUs');
      s.unmet(E, q, -2, `devices run device builds (${HardwareTarget.EDGE_ARM64}, ${HardwareTarget.EDGE_X86_64}), not a data-center GPU build`);
      return;
    case HardwareTarget.INFERENTIA:
      s.add(M, q, 2, 'Inferentia instances (ml.inf2) host Neuron-compiled models');
      s.unmet(S, q, -10, 'Lambda has no Inferentia');
      s.unmet(B, q, -10, 'the workers run on Fargate CPUs or NVIDIA GPU instances only');
      s.unmet(C, q, -10, 'the GPU chart schedules NVIDIA GPUs (nvidia.com/gpu), not Neuron devices');
      s.unmet(E, q, -10, 'devices run device builds, not Inferentia');
      return;
    case HardwareTarget.EDGE_ARM64:
    case HardwareTarget.EDGE_X86_64:
      s.add(E, q, 4, `ships the ${a.hardware} build to the devices`);
      for (const l of CLOUD_LANES) {
        s.unmet(l, q, -10, `runs in a cloud region, not on your ${a.hardware} devices`);
      }
      return;
  }
}
