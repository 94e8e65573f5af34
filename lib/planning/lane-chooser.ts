import { Duration } from 'aws-cdk-lib';
import { HardwareTarget, LaneKind } from '../core';
import { invalid } from '../core/private/errors';
import { LANE_PROFILES } from './private/lane-profiles';
import { budgetText, LANE_ORDER, latencyClassOf, ResolvedAnswers, scoreLanes } from './private/lane-scoring';
import {
  CostClarity, DataLocality, LaneQuestionnaire, LatencyClass, PlanningQuestion, TeamMaturity, TrafficShape, WorkloadKind,
} from './questionnaire';

/**
 * The trade-offs every lane is described by.
 */
export enum TradeOffAspect {
  /** Cold starts and how capacity is added. */
  COLD_STARTS = 'cold-starts',
  /** Toil: patching, upgrades, capacity planning, fleet rollouts. */
  OPERATIONAL_BURDEN = 'operational-burden',
  /** Where the data is processed. */
  DATA_LOCALITY = 'data-locality',
  /** How predictable the bill is. */
  COST_CERTAINTY = 'cost-certainty',
}

/**
 * One answer's effect on one lane's score.
 */
export interface LaneFactor {
  /** The question the answer belongs to. */
  readonly question: PlanningQuestion;
  /** Points added to (positive) or taken from (negative) the lane's score; 0 for a pure constraint. */
  readonly points: number;
  /** Why, in the article's terms. */
  readonly note: string;
}

/**
 * A constraint a lane cannot meet with the given answers.
 */
export interface UnmetConstraint {
  /** The question whose answer the lane cannot satisfy. */
  readonly question: PlanningQuestion;
  /** Why not. */
  readonly note: string;
}

/**
 * What a lane trades off on one aspect.
 */
export interface LaneTradeOff {
  /** The aspect. */
  readonly aspect: TradeOffAspect;
  /** The lane's position on it. */
  readonly note: string;
}

/**
 * One lane in the ranking.
 */
export interface RankedLane {
  /** Position, 1 = best fit. */
  readonly rank: number;
  /** The lane. */
  readonly lane: LaneKind;
  /** Sum of the factors' points. */
  readonly score: number;
  /** True when the lane meets every constraint (no unmet constraints). */
  readonly meetsAllConstraints: boolean;
  /** Notes of the factors that count for the lane. */
  readonly reasons: string[];
  /** Notes of the factors that count against it, unmet constraints included. */
  readonly concerns: string[];
  /** Every factor, with its points. */
  readonly factors: LaneFactor[];
  /** Constraints the lane cannot meet. */
  readonly unmet: UnmetConstraint[];
  /** The lane's trade-offs: cold starts, operational burden, data locality, cost certainty. */
  readonly tradeOffs: LaneTradeOff[];
}

/**
 * The part a lane plays in a hybrid.
 */
export enum HybridRole {
  /** Serves the steady baseline of interactive traffic (or all of a batch workload). */
  BASELINE = 'baseline',
  /** A pre-warmed pool that absorbs surges the baseline cannot follow in time. */
  BURST = 'burst',
  /** Takes offline jobs (summarization, backfills) off the interactive path. */
  OFFLINE = 'offline',
}

/**
 * One lane of a suggested hybrid.
 */
export interface HybridPart {
  /** Its role. */
  readonly role: HybridRole;
  /** The lane. */
  readonly lane: LaneKind;
  /** Why this lane takes this role. */
  readonly why: string;
  /** The questions this part answers that the others could not. */
  readonly covers: PlanningQuestion[];
}

/**
 * Lanes that together meet what no single lane meets: one primary lane chosen by the hardest
 * constraint, the others in supporting roles.
 */
export interface HybridSuggestion {
  /** Baseline first, then burst and offline parts. */
  readonly parts: HybridPart[];
  /** One line, e.g. `managed-endpoint (baseline) + serverless (burst) + batch-workers (offline)`. */
  readonly summary: string;
  /** Constraints the hybrid still does not meet (empty when it meets all). */
  readonly uncovered: UnmetConstraint[];
}

/**
 * The lane chooser's answer.
 */
export interface LaneRecommendation {
  /** The answers used, every default applied. */
  readonly answers: LaneQuestionnaire;
  /** How strict the latency budget is. */
  readonly latencyClass: LatencyClass;
  /** The constraint the primary lane is chosen by (data locality, then latency, throughput, surges, cost). */
  readonly hardestConstraint: PlanningQuestion;
  /**
   * Every lane, best fit first: lanes which would move data out of where it must stay rank after all
   * others; then lanes meeting every constraint before those that do not; then by score. Ties go to
   * the lane that is simpler to operate.
   */
  readonly ranked: RankedLane[];
  /** The lane to build first: the best lane meeting every constraint, or else the hybrid's baseline. */
  readonly primary: LaneKind;
  /**
   * A hybrid, when one lane cannot meet every constraint or the workload mixes interactive and offline work.
   *
   * @default - none: the primary lane meets every constraint on its own
   */
  readonly hybrid?: HybridSuggestion;
  /** One or two sentences for humans. */
  readonly summary: string;
}

/**
 * Maps answers to the decision questionnaire (latency budget, traffic shape, data locality, team
 * maturity, cost clarity, workload kind) to a ranked list of lanes with reasons and trade-offs, and
 * suggests a hybrid when one lane cannot meet every constraint.
 *
 * The rules follow the article's decision framework: strict budgets point toward managed endpoints or
 * tuned clusters and looser ones open the door to serverless and batch; spiky loads pair with
 * serverless or autoscaling managed endpoints, steady high throughput with right-sized clusters; data
 * that cannot leave points to edge or on-premises clusters; low team maturity away from clusters;
 * forecastable usage toward committed capacity, uncertain usage toward elasticity. Pure TypeScript:
 * no AWS calls.
 *
 * @example
 * const rec = LaneChooser.recommend({
 *   workload: WorkloadKind.MIXED,
 *   latencyBudget: Duration.millis(300),
 *   trafficShape: TrafficShape.SPIKY,
 * });
 * rec.hybrid?.summary; // 'managed-endpoint (baseline) + serverless (burst) + batch-workers (offline)'
 */
export class LaneChooser {
  /**
   * Rank the lanes for a set of answers.
   *
   * @throws LaneValidationError for a budget that is not positive, a percentile outside (0, 100],
   *   a negative request rate, or a value that is not one of an enum's members
   */
  public static recommend(answers: LaneQuestionnaire): LaneRecommendation {
    const a = resolve(answers);
    const scores = scoreLanes(a);
    // Data locality is a veto (regulation, privacy): lanes that would move the data rank last.
    const meetsData = (sc: { unmet: { question: PlanningQuestion }[] }) => !sc.unmet.some(u => u.question === PlanningQuestion.DATA_LOCALITY);
    const ranked = scores
      .map(sc => ({ ...sc, score: sc.factors.reduce((t, f) => t + f.points, 0) }))
      .sort((x, y) => Number(meetsData(y)) - Number(meetsData(x))
        || Number(y.unmet.length === 0) - Number(x.unmet.length === 0)
        || y.score - x.score
        || LANE_ORDER.indexOf(x.lane) - LANE_ORDER.indexOf(y.lane))
      .map((sc, i): RankedLane => ({
        rank: i + 1,
        lane: sc.lane,
        score: sc.score,
        meetsAllConstraints: sc.unmet.length === 0,
        reasons: sc.factors.filter(f => f.points > 0).map(f => f.note),
        concerns: sc.factors.filter(f => f.points <= 0).map(f => f.note),
        factors: sc.factors.map(f => ({ ...f })),
        unmet: sc.unmet.map(u => ({ ...u })),
        tradeOffs: tradeOffsOf(sc.lane),
      }));

    const plan = choosePrimary(a, ranked);
    const hardestConstraint = hardestConstraintOf(a);

    return {
      answers: {
        workload: a.workload,
        latencyBudget: answers.latencyBudget,
        latencyPercentile: a.latencyPercentile,
        trafficShape: a.trafficShape,
        sustainedRequestsPerSecond: a.sustainedRequestsPerSecond,
        dataLocality: a.dataLocality,
        teamMaturity: a.teamMaturity,
        costClarity: a.costClarity,
        hardware: a.hardware,
      },
      latencyClass: latencyClassOf(a.latencyMs),
      hardestConstraint,
      ranked,
      primary: plan.primary.lane,
      hybrid: toHybrid(plan),
      summary: summarize(a, hardestConstraint, ranked, plan),
    };
  }

  private constructor() {}
}

const WHERE = 'LaneChooser';

function resolve(q: LaneQuestionnaire): ResolvedAnswers {
  const budget: Duration | undefined = q.latencyBudget;
  if (budget === undefined || budget === null) {
    throw invalid(WHERE, 'latencyBudget', undefined, 'is required', 'Pass the latency your callers can accept, e.g. Duration.millis(300).');
  }
  if (budget.isUnresolved()) {
    throw invalid(WHERE, 'latencyBudget', budget, 'is an unresolved token; the planner needs a concrete value', 'Pass a literal Duration such as Duration.millis(300).');
  }
  const latencyMs = budget.toMilliseconds({ integral: false });
  if (!Number.isFinite(latencyMs) || latencyMs <= 0) {
    throw invalid(WHERE, 'latencyBudget', budget, 'must be greater than 0', 'Pass e.g. Duration.millis(300).');
  }
  const percentile = q.latencyPercentile ?? 95;
  if (!Number.isFinite(percentile) || percentile <= 0 || percentile > 100) {
    throw invalid(WHERE, 'latencyPercentile', percentile, 'must be greater than 0 and at most 100', 'Pass a percentile such as 50, 95 or 99.');
  }
  const rps = q.sustainedRequestsPerSecond;
  if (rps !== undefined && (!Number.isFinite(rps) || rps < 0)) {
    throw invalid(WHERE, 'sustainedRequestsPerSecond', rps, 'must be a number of at least 0', 'Pass the request rate you expect to sustain, or leave it out if unknown.');
  }
  return {
    workload: member(WorkloadKind, 'WorkloadKind', 'workload', q.workload ?? WorkloadKind.INTERACTIVE),
    latencyMs,
    latencyPercentile: percentile,
    trafficShape: member(TrafficShape, 'TrafficShape', 'trafficShape', q.trafficShape),
    sustainedRequestsPerSecond: rps,
    dataLocality: member(DataLocality, 'DataLocality', 'dataLocality', q.dataLocality ?? DataLocality.CLOUD_REGION),
    teamMaturity: member(TeamMaturity, 'TeamMaturity', 'teamMaturity', q.teamMaturity ?? TeamMaturity.MEDIUM),
    costClarity: member(CostClarity, 'CostClarity', 'costClarity', q.costClarity ?? CostClarity.UNCERTAIN),
    hardware: q.hardware === undefined ? undefined : member(HardwareTarget, 'HardwareTarget', 'hardware', q.hardware),
  };
}

/** Guard against values from untyped callers (JavaScript, JSON, other jsii languages). */
function member<T extends string>(e: Record<string, T>, enumName: string, prop: string, value: T): T {
  const values = Object.values(e);
  if (!values.includes(value)) {
    throw invalid(WHERE, prop, value, `is not a ${enumName}`, `Use one of: ${values.join(', ')}.`);
  }
  return value;
}

function tradeOffsOf(lane: LaneKind): LaneTradeOff[] {
  const p = LANE_PROFILES[lane];
  return [
    { aspect: TradeOffAspect.COLD_STARTS, note: p.coldStarts },
    { aspect: TradeOffAspect.OPERATIONAL_BURDEN, note: p.operationalBurden },
    { aspect: TradeOffAspect.DATA_LOCALITY, note: p.dataLocality },
    { aspect: TradeOffAspect.COST_CERTAINTY, note: p.costCertainty },
  ];
}

const HARD_CONSTRAINTS = [PlanningQuestion.DATA_LOCALITY, PlanningQuestion.LATENCY, PlanningQuestion.WORKLOAD];

function meets(l: RankedLane, q: PlanningQuestion): boolean {
  return !l.unmet.some(u => u.question === q);
}

/**
 * A lane that absorbs the surges `base` cannot follow without adding an unmet constraint of its own.
 * The one exception is serverless missing a tail budget: pre-warming the pool is what answers it.
 */
function burstFor(ranked: RankedLane[], base: RankedLane): RankedLane | undefined {
  return ranked.find(l => l !== base
    && l.unmet.every(u => u.question === PlanningQuestion.LATENCY && l.lane === LaneKind.SERVERLESS));
}

/** A primary lane with its supporting lanes, and what they still leave unmet. */
interface Composition {
  readonly primary: RankedLane;
  readonly parts: HybridPart[];
  readonly uncovered: UnmetConstraint[];
}

/**
 * One lane when one lane can meet every constraint; otherwise choose the primary lane by the hardest
 * constraints and let others play supporting roles: the best-ranked lane that, with its supporting
 * lanes, leaves nothing unmet; else the best-ranked lane meeting data locality, latency and
 * workload; else the top-ranked lane.
 */
function choosePrimary(a: ResolvedAnswers, ranked: RankedLane[]): Composition {
  const options = ranked.map(l => compose(a, ranked, l));
  return options.find(c => c.primary.meetsAllConstraints && c.uncovered.length === 0)
    ?? options.find(c => c.uncovered.length === 0)
    ?? options.find(c => HARD_CONSTRAINTS.every(q => meets(c.primary, q)))
    ?? options[0];
}

/** The lanes that support `baseline`: a burst pool for surges it cannot follow, an offline lane for mixed work. */
function compose(a: ResolvedAnswers, ranked: RankedLane[], baseline: RankedLane): Composition {
  const parts: HybridPart[] = [{
    role: HybridRole.BASELINE,
    lane: baseline.lane,
    why: baselineWhy(a, baseline.lane),
    covers: HARD_CONSTRAINTS.filter(q => meets(baseline, q)),
  }];
  const covered = new Set<PlanningQuestion>();

  if (!meets(baseline, PlanningQuestion.TRAFFIC_SHAPE)) {
    const burst = burstFor(ranked, baseline);
    if (burst) {
      covered.add(PlanningQuestion.TRAFFIC_SHAPE);
      parts.push({
        role: HybridRole.BURST,
        lane: burst.lane,
        why: burst.lane === LaneKind.SERVERLESS
          ? 'a small pool of pre-warmed serverless instances absorbs the surges the baseline cannot scale for in time; only traffic beyond the pool sees cold starts'
          : `absorbs the surges the ${baseline.lane} baseline cannot scale for in time`,
        covers: [PlanningQuestion.TRAFFIC_SHAPE],
      });
    }
  }

  const uncovered = baseline.unmet.filter(u => !covered.has(u.question)).map(u => ({ ...u }));
  if (a.workload === WorkloadKind.MIXED) {
    const batch = ranked.find(l => l.lane === LaneKind.BATCH_WORKERS)!;
    if (meets(batch, PlanningQuestion.DATA_LOCALITY)) {
      parts.push({
        role: HybridRole.OFFLINE,
        lane: LaneKind.BATCH_WORKERS,
        why: 'offline jobs (e.g. transcript summarization) go to a queue drained by a fixed number of workers: predictable throughput and cost, failures isolated from the interactive path',
        covers: [PlanningQuestion.WORKLOAD],
      });
    } else if (baseline.lane === LaneKind.GPU_CLUSTER) {
      parts.push({
        role: HybridRole.OFFLINE,
        lane: LaneKind.GPU_CLUSTER,
        why: 'offline jobs run as a separate, queue-scaled deployment on the same on-premises cluster, so the data stays inside your sites',
        covers: [PlanningQuestion.WORKLOAD],
      });
    } else if (baseline.lane === LaneKind.EDGE_FLEET) {
      parts.push({
        role: HybridRole.OFFLINE,
        lane: LaneKind.EDGE_FLEET,
        why: 'offline jobs run on the devices in idle time, where the data is (within their compute ceilings)',
        covers: [PlanningQuestion.WORKLOAD],
      });
    } else {
      uncovered.push({ question: PlanningQuestion.WORKLOAD, note: 'no lane can take the offline jobs without moving the data out of where it must stay' });
    }
  }
  return { primary: baseline, parts, uncovered };
}

function toHybrid(c: Composition): HybridSuggestion | undefined {
  if (c.parts.length < 2) { return undefined; }
  return { parts: c.parts, summary: c.parts.map(p => `${p.lane} (${p.role})`).join(' + '), uncovered: c.uncovered };
}

function baselineWhy(a: ResolvedAnswers, lane: LaneKind): string {
  switch (lane) {
    case LaneKind.MANAGED_ENDPOINT:
      return `a managed endpoint with warm capacity and dynamic batching handles the steady baseline within ${budgetText(a)}`;
    case LaneKind.GPU_CLUSTER:
      return `warm, right-sized replicas on a cluster handle the baseline within ${budgetText(a)}`;
    case LaneKind.SERVERLESS:
      return `a pre-warmed serverless pool handles the baseline within ${budgetText(a)}`;
    case LaneKind.BATCH_WORKERS:
      return 'queue-drained workers handle the throughput-bound work';
    case LaneKind.EDGE_FLEET:
      return 'on-device inference keeps the data where it must stay';
  }
}

function hardestConstraintOf(a: ResolvedAnswers): PlanningQuestion {
  const cls = latencyClassOf(a.latencyMs);
  if (a.dataLocality !== DataLocality.CLOUD_REGION) { return PlanningQuestion.DATA_LOCALITY; }
  if (a.workload !== WorkloadKind.BATCH && (cls === LatencyClass.STRICT || cls === LatencyClass.TIGHT)) { return PlanningQuestion.LATENCY; }
  if (a.workload === WorkloadKind.BATCH) { return PlanningQuestion.WORKLOAD; }
  if (a.trafficShape === TrafficShape.SPIKY) { return PlanningQuestion.TRAFFIC_SHAPE; }
  if (a.costClarity === CostClarity.FORECASTABLE) { return PlanningQuestion.COST_CLARITY; }
  if (a.teamMaturity === TeamMaturity.LOW) { return PlanningQuestion.TEAM_MATURITY; }
  return PlanningQuestion.LATENCY;
}

function summarize(a: ResolvedAnswers, hardest: PlanningQuestion, ranked: RankedLane[], plan: Composition): string {
  const h = hardest === PlanningQuestion.LATENCY ? `latency (${budgetText(a)})` : hardest;
  const primary = plan.primary;
  const hybrid = toHybrid(plan);
  const top = ranked[0];
  const aside = top !== primary
    ? ` (${top.lane} ranks higher, but ${primary.lane} leaves less unmet.)`
    : '';
  const rest = plan.uncovered.length > 0
    ? ` Still unmet: ${plan.uncovered.map(u => u.question).join(', ')}.`
    : '';
  if (hybrid) {
    const lead = primary.meetsAllConstraints
      ? `${primary.lane} meets every constraint of the interactive path; the offline jobs belong in their own lane.`
      : 'No single lane meets every constraint.';
    return `${lead} Hardest constraint: ${h}. Suggested hybrid: ${hybrid.summary}.${rest}${aside}`;
  }
  if (plan.uncovered.length === 0) {
    return `${primary.lane} meets every constraint (hardest: ${h}).${aside}`;
  }
  return `No lane meets every constraint; ${primary.lane} fits the hardest (${h}).${rest}${aside}`;
}
