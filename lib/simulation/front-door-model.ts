import { AlarmEvaluator, SeriesStore } from './metrics';
import { ResolvedProfile } from './profile';
import { tailProbability } from './queueing';
import { Capacity } from './scaling';
import { FrontDoorSpec, LaneSpec } from './stack-model';

/** What the front door model needs of a lane during a run (engine.ts `LaneRun`). */
export interface RoutedLane {
  readonly spec: LaneSpec;
  readonly prof: ResolvedProfile;
  readonly capacity: Capacity;
  readonly store: SeriesStore;
  /** Requests per second the lane takes before answering with a capacity error. */
  acceptRate(): number;
}

/** One second of routing: load offered to each lane, capacity errors each lane answered, 503s. */
export interface RoutedSecond<L> {
  readonly offered: Map<L, number>;
  readonly rejectedAt: Map<L, number>;
  readonly unserved: number;
}

/**
 * The front door's routing during a run, per second and on rates, as lib/routing/handler/router.js
 * `infer()` routes each request (see lib/simulation/README.md, "Front door"):
 *
 * - **failover**: while a failover alarm of the primary is in ALARM (seen `cacheMs` later), every new
 *   request goes to the burst lane first;
 * - **gradual fail-back**: after the alarms leave ALARM, the share of requests sent to the primary first
 *   grows linearly from `failbackStartPercent` to 100% over `failbackMs` from the alarm's state change;
 * - **load-aware admission** (router.js `Admission`): the primary's share is multiplied by
 *   `max(0.5, 1 - gain × (f - target))` each `adjustMs` while the decayed share `f` of its slow answers
 *   (over `budgetMs`, or refused) is above `targetSlowPercent`, and grows by `increasePercent` otherwise;
 *   the rest goes to the burst lane first. The router keeps this state per execution environment; the
 *   model keeps one fleet-wide state on the fleet's answers (no per-environment sampling noise);
 * - **spill** of capacity errors to the other lane within the retry budget (one aggregate token bucket).
 */
export class FrontDoorRun<L extends RoutedLane> {
  public tokens: number;
  public spilled = 0;
  public unserved = 0;
  public failedOverSeconds = 0;
  /** Requests sent to the burst lane first by the fail-back ramp. */
  public failingBack = 0;
  /** Seconds during which the fail-back ramp held back part of the traffic. */
  public failingBackSeconds = 0;
  /** Requests sent to the burst lane first by load-aware admission. */
  public offloaded = 0;
  /** Load-aware admission: the primary's share of new requests (1 = all). */
  public share = 1;
  private answers = 0;
  private slow = 0;
  private recoveredAt: number | undefined;
  private seenOver = false;
  private readonly alarms: AlarmEvaluator[];
  private readonly states: Uint8Array;
  private readonly lag: number;

  constructor(public readonly spec: FrontDoorSpec, public readonly primary: L, public readonly burst: L | undefined, seconds: number) {
    this.tokens = spec.retry.bucketSize;
    const ids = spec.failover?.alarms ?? [];
    this.alarms = primary.spec.alarms.filter(a => ids.includes(a.logicalId)).map(a => new AlarmEvaluator(a));
    this.states = new Uint8Array(seconds);
    this.lag = Math.ceil((spec.failover?.cacheMs ?? 0) / 1000);
  }

  /** Whether new requests go to the burst lane at second t: an alarm was in ALARM `cacheMs` ago (the router's cached state). */
  public failedOver(t: number): boolean {
    let alarm = false;
    for (const a of this.alarms) { if (a.evaluate(this.primary.store, t)) { alarm = true; } }
    this.states[t] = alarm ? 1 : 0;
    const on = !!this.burst && t - this.lag >= 0 && this.states[t - this.lag] === 1;
    if (this.seenOver && !on) {
      // The router reads the alarm's own state timestamp: the ramp starts when the alarm left ALARM.
      this.recoveredAt = t - this.lag;
    }
    this.seenOver = on;
    if (on) { this.failedOverSeconds++; }
    return on;
  }

  /** The fail-back ramp's share of requests that go to the primary first at second t (1 outside a ramp). */
  public failbackShare(t: number): number {
    const f = this.spec.failover;
    if (!f || !(f.failbackMs > 0) || this.recoveredAt === undefined) { return 1; }
    const elapsed = (t - this.recoveredAt) * 1000;
    if (elapsed >= f.failbackMs) { return 1; }
    const start = f.failbackStartPercent / 100;
    return Math.max(start, start + (1 - start) * elapsed / f.failbackMs);
  }

  /**
   * One second of `rejected` capacity errors: each request first adds budgetPercent/100 tokens
   * (router.js `bucket.onRequest()`), capped at bucketSize per router environment (one environment per
   * concurrent request); each spill takes one token.
   */
  public spill(lambda: number, rejected: number, environments: number): number {
    const cap = this.spec.retry.bucketSize * Math.max(1, environments);
    this.tokens = Math.min(cap, this.tokens + lambda * this.spec.retry.budgetPercent / 100);
    const n = this.burst ? Math.min(rejected, this.tokens) : 0;
    this.tokens -= n;
    this.spilled += n;
    return n;
  }

  /** Route one second of `lambda` requests: who takes what first, what spills, what is answered 503. */
  public route(t: number, lambda: number): RoutedSecond<L> {
    const offered = new Map<L, number>();
    const rejectedAt = new Map<L, number>();
    const over = this.failedOver(t);
    const burst = this.burst;
    let toPrimary = lambda;
    if (burst) {
      if (over) {
        toPrimary = 0;
      } else {
        const ramp = this.failbackShare(t);
        if (ramp < 1) { this.failingBackSeconds++; }
        const afterRamp = lambda * ramp;
        this.failingBack += lambda - afterRamp;
        toPrimary = afterRamp * this.share;
        this.offloaded += afterRamp - toPrimary;
      }
    }
    const toBurst = lambda - toPrimary;
    const primaryRate = this.primary.acceptRate();
    const accP = Math.min(toPrimary, primaryRate);
    const rejP = toPrimary - accP;
    const burstRate = burst ? burst.acceptRate() : 0;
    const accB = Math.min(toBurst, burstRate);
    const rejB = toBurst - accB;
    const rejected = rejP + rejB;
    const spilled = this.spill(lambda, rejected, lambda * this.primary.prof.serviceSeconds);
    // Tokens go to the refused requests of both streams alike.
    const spillToBurst = rejected > 0 ? spilled * rejP / rejected : 0;
    const spillToPrimary = spilled - spillToBurst;
    const acc2B = Math.min(spillToBurst, Math.max(0, burstRate - accB));
    const acc2P = Math.min(spillToPrimary, Math.max(0, primaryRate - accP));
    offered.set(this.primary, accP + acc2P);
    rejectedAt.set(this.primary, rejP + spillToPrimary - acc2P);
    if (burst) {
      offered.set(burst, accB + acc2B);
      rejectedAt.set(burst, rejB + spillToBurst - acc2B);
    }
    const unserved = rejected - spilled + (spillToBurst - acc2B) + (spillToPrimary - acc2P);
    return { offered, rejectedAt, unserved };
  }

  /**
   * After the lanes served second t: what the routers saw of the primary (its answers, the slow ones and
   * its refusals) updates load-aware admission for the next second.
   */
  public observe(t: number, served: number, refused: number): void {
    const a = this.spec.admission;
    if (!a || !this.burst) { return; }
    const k = Math.exp(-1000 / a.windowMs);
    const slowServed = served > 0 ? served * this.slowShare(t, served, a.budgetMs / 1000) : 0;
    this.answers = this.answers * k + served + refused;
    this.slow = this.slow * k + slowServed + refused;
    // Adjusted once per adjustMs (1 s by default: every second of the run).
    if (a.adjustMs > 1000 && (t * 1000) % a.adjustMs >= 1000) { return; }
    // As the router: below half a decayed answer of evidence (no recent answer) the share recovers.
    const f = this.answers >= 0.5 ? this.slow / this.answers : 0;
    const target = a.targetSlowPercent / 100;
    if (f > target) {
      this.share = Math.max(a.minPercent / 100, this.share * Math.max(0.5, 1 - a.gain * (f - target)));
    } else {
      this.share = Math.min(1, this.share + a.increasePercent / 100 * Math.max(1, a.adjustMs / 1000));
    }
  }

  /** Share of the primary's answers in second t slower than `budget` seconds (same M/D/c model as the lane). */
  private slowShare(t: number, lambda: number, budget: number): number {
    const lane = this.primary;
    if (lane.spec.kind === 'serverless') {
      // Cold starts and throttles as the lane judged them against the SLO threshold.
      return Math.min(1, lane.store.data.over[t] / lambda);
    }
    return tailProbability(budget - lane.prof.batchDelaySeconds, lane.capacity.inService * lane.prof.concurrency, lambda, lane.prof.serviceSeconds);
  }
}
