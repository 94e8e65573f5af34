import { cronMatches, wallTime } from './cron';
import { AlarmEvaluator, MetricReader, PREDEFINED, SeriesStore } from './metrics';
import { KUBERNETES, TARGET_TRACKING } from './platform';
import { KubernetesScalerSpec, ScalableTargetSpec, StepScalingSpec, TargetTrackingSpec } from './stack-model';

/**
 * Capacity of a lane: what is serving and what is on its way. Raising the desired count starts
 * arrivals that serve after `arrivalSeconds`; lowering it cancels pending arrivals first, then
 * removes serving capacity at once.
 */
export class Capacity {
  public inService: number;
  public pending: number[] = [];
  public desired: number;
  /** Seconds a released node stays (cluster-autoscaler scale-down-unneeded-time default 10 min). */
  private readonly released: number[] = [];
  constructor(initial: number, private readonly arrivalSeconds: number, private readonly warmArrivalSeconds?: number, private readonly nodeKeepSeconds = 600) {
    this.inService = initial;
    this.desired = initial;
  }
  public setDesired(n: number, t: number): void {
    n = Math.max(0, Math.round(n));
    this.desired = n;
    let total = this.inService + this.pending.length;
    while (total < n) {
      // Reuse a node released within the keep window (pod only), else a new node + image pull.
      while (this.released.length && this.released[0] < t - this.nodeKeepSeconds) { this.released.shift(); }
      const warm = this.warmArrivalSeconds !== undefined && this.released.length > 0;
      if (warm) { this.released.pop(); }
      this.pending.push(t + (warm ? this.warmArrivalSeconds! : this.arrivalSeconds));
      total++;
    }
    this.pending.sort((a, b) => a - b);
    while (total > n && this.pending.length) { this.pending.pop(); total--; }
    while (total > n) { this.inService--; total--; if (this.warmArrivalSeconds !== undefined) { this.released.push(t); } }
  }
  /** Capacity arriving by second t starts serving. */
  public tick(t: number): void {
    while (this.pending.length && this.pending[0] <= t) { this.pending.shift(); this.inService++; }
  }
  /** Released nodes still billed (kept for reuse). */
  public idleNodes(t: number): number {
    while (this.released.length && this.released[0] < t - this.nodeKeepSeconds) { this.released.shift(); }
    return this.released.length;
  }
}

interface TtState { spec: TargetTrackingSpec; reader: MetricReader; period: number; high: boolean[]; low: boolean[]; lastValue?: number; lastMinuteValue?: number }

/**
 * Application Auto Scaling for one scalable target: target tracking (AlarmHigh 3 of 3 datapoints,
 * AlarmLow 15 of 15 one-minute datapoints below 90% of the target), step scaling invoked by its
 * alarms, cooldowns, scheduled actions. Alarm actions repeat while an alarm stays in ALARM (CloudWatch
 * User Guide, "Alarm actions": "Except for Auto Scaling actions, the actions happen only on state
 * transitions" — https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html);
 * modelled as once per evaluation (every minute, every 10 s for high-resolution target tracking).
 */
export class AasController {
  public min: number;
  public max: number;
  private readonly tts: TtState[];
  private readonly steps: Array<{ spec: StepScalingSpec; alarms: AlarmEvaluator[]; cooldownUntil: number; base: number }>;
  private scaleOutCooldownUntil = -1;
  private scaleInCooldownUntil = -1;
  /** Log of scaling activities (second, from, to, cause) for tests and plots. */
  public readonly activities: Array<{ t: number; from: number; to: number; cause: string }> = [];

  constructor(public readonly spec: ScalableTargetSpec, private readonly startEpoch: number, private readonly capacity: Capacity) {
    this.min = spec.minCapacity;
    this.max = spec.maxCapacity;
    this.tts = spec.targetTracking.map(tt => {
      const metric = tt.predefined ? PREDEFINED[tt.predefined] : tt.customized;
      const highRes = metric?.period === TARGET_TRACKING.highResolutionPeriodSeconds;
      return { spec: tt, reader: new MetricReader(metric, tt.math), period: highRes ? TARGET_TRACKING.highResolutionPeriodSeconds : TARGET_TRACKING.periodSeconds, high: [], low: [] };
    });
    this.steps = spec.stepScaling.map(s => ({ spec: s, alarms: s.alarms.map(a => new AlarmEvaluator(a)), cooldownUntil: -1, base: 0 }));
    this.applySchedulesBefore();
  }

  /** The state of the scheduled actions at the start: the latest action in the 35 days before. */
  private applySchedulesBefore(): void {
    if (this.spec.scheduled.length === 0) { return; }
    // Backwards from the start: the first action that matches is the latest one.
    for (let m = 1; m <= 35 * 1440; m++) {
      const epoch = this.startEpoch - m * 60;
      const a = this.spec.scheduled.find(x => cronMatches(x.schedule, epoch, x.timeZone));
      if (a) { this.min = a.minCapacity ?? this.min; this.max = a.maxCapacity ?? this.max; break; }
    }
    this.clamp(0, 'schedule (before start)');
  }

  private clamp(t: number, cause: string): void {
    const d = this.capacity.desired;
    const n = Math.min(this.max, Math.max(this.min, d));
    if (n !== d) { this.set(t, n, cause); }
  }

  private set(t: number, n: number, cause: string): void {
    this.activities.push({ t, from: this.capacity.desired, to: n, cause });
    this.capacity.setDesired(n, t);
  }

  /** Run one second: schedules at minute boundaries, policies at their period ends. */
  public tick(store: SeriesStore, t: number): void {
    if (t % 60 === 0) {
      for (const a of this.spec.scheduled) {
        if (cronMatches(a.schedule, this.startEpoch + t, a.timeZone)) {
          this.min = a.minCapacity ?? this.min;
          this.max = a.maxCapacity ?? this.max;
          this.clamp(t, `scheduled action ${a.name}`);
        }
      }
    }
    const inService = Math.max(this.capacity.inService, 0);
    const desired = this.capacity.desired;
    let out = -1;
    let outCause = '';
    const inProposals: number[] = [];
    let allReadyToScaleIn = this.tts.length > 0;
    for (const tt of this.tts) {
      if (t > 0 && t % tt.period === 0) {
        const v = tt.reader.read(store, t, tt.period);
        tt.lastValue = v;
        tt.high.push(v !== undefined && v > tt.spec.targetValue);
        if (tt.high.length > TARGET_TRACKING.scaleOutDatapoints) { tt.high.shift(); }
      }
      if (t > 0 && t % 60 === 0) {
        const v = tt.reader.read(store, t, 60);
        tt.lastMinuteValue = v;
        tt.low.push(v !== undefined && v < tt.spec.targetValue * (1 - TARGET_TRACKING.scaleInMargin));
        if (tt.low.length > TARGET_TRACKING.scaleInDatapoints) { tt.low.shift(); }
      }
      const highAlarm = tt.high.length === TARGET_TRACKING.scaleOutDatapoints && tt.high.every(b => b);
      const lowAlarm = tt.low.length === TARGET_TRACKING.scaleInDatapoints && tt.low.every(b => b);
      const acts = t > 0 && t % (highAlarm && tt.period < 60 ? tt.period : 60) === 0;
      const v = tt.lastValue;
      if (highAlarm && acts && v !== undefined) {
        // Proportional: the capacity that brings the metric back to the target.
        const p = Math.ceil(Math.max(inService, 1) * v / tt.spec.targetValue - 1e-9);
        if (p > out) { out = p; outCause = `target tracking ${tt.spec.logicalId} (${round(v)} > ${tt.spec.targetValue})`; }
      }
      if (!tt.spec.disableScaleIn) {
        const vMinute = tt.lastMinuteValue;
        if (lowAlarm && t % 60 === 0 && vMinute !== undefined) {
          inProposals.push(Math.max(Math.ceil(inService * vMinute / tt.spec.targetValue - 1e-9), 0));
        } else {
          allReadyToScaleIn = false;
        }
      }
    }
    let stepIn: number | undefined;
    let stepInCause = '';
    for (const st of this.steps) {
      for (const a of st.alarms) {
        a.evaluate(store, t);
        if (!a.state || t % 60 !== 0 || t === 0) { continue; }
        const delta = (a.lastValue ?? a.spec.threshold) - a.spec.threshold;
        const step = findStep(st.spec.steps, delta, /^LessThan/.test(a.spec.comparison));
        if (!step) { continue; }
        const inCooldown = t < st.cooldownUntil;
        // AAS step scaling: during the cooldown, the capacity added by the initiating scale-out counts
        // toward the next one (Application Auto Scaling User Guide, step scaling cooldown).
        const base = inCooldown ? st.base : desired;
        const p = adjust(st.spec.adjustmentType, base, step.adjustment, st.spec.minAdjustmentMagnitude);
        if (p > desired && p > out) {
          out = p;
          outCause = `step scaling ${st.spec.logicalId} (${a.spec.logicalId})`;
          if (!inCooldown) { st.base = desired; st.cooldownUntil = t + st.spec.cooldown; }
        } else if (p < desired && !inCooldown && (stepIn === undefined || p > stepIn)) {
          // A step scale-in is not held back by target tracking (AAS put-scaling-policy docs warn of it).
          stepIn = p;
          stepInCause = `step scaling ${st.spec.logicalId} (${a.spec.logicalId})`;
          st.cooldownUntil = t + st.spec.cooldown;
        }
      }
    }
    if (out > desired) {
      const target = Math.min(this.max, Math.max(this.min, out));
      // Target tracking scale-out cooldown: the proposal is computed on the serving capacity, so the
      // capacity still arriving counts toward the next scale-out (it continues, not excessively); the
      // cooldown blocks scale-in.
      if (target > desired) {
        this.set(t, target, outCause);
        this.scaleOutCooldownUntil = t + maxCooldown(this.tts, 'out');
        this.scaleInCooldownUntil = -1; // a scale-out ends a scale-in cooldown
      }
      return;
    }
    if (stepIn !== undefined) {
      const target = Math.min(this.max, Math.max(this.min, stepIn));
      if (target < desired) { this.set(t, target, stepInCause); return; }
    }
    if (allReadyToScaleIn && inProposals.length && t >= this.scaleInCooldownUntil && t >= this.scaleOutCooldownUntil) {
      const target = Math.min(this.max, Math.max(this.min, Math.max(...inProposals)));
      if (target < desired) {
        this.set(t, target, 'target tracking scale-in');
        this.scaleInCooldownUntil = t + maxCooldown(this.tts, 'in');
      }
    }
  }
}

/**
 * The step adjustment for `delta` = metric − threshold. Bounds are inclusive/exclusive by the breach's
 * direction (Application Auto Scaling API, StepAdjustment): above the threshold the lower bound is
 * inclusive and the upper exclusive; below it (a LessThan alarm) the lower bound is exclusive and the
 * upper inclusive, so `upper: 0` matches a metric exactly at the threshold of a `<=` alarm.
 */
export function findStep<T extends { lower?: number; upper?: number }>(steps: T[], delta: number, below: boolean): T | undefined {
  return steps.find(s => below
    ? (s.lower === undefined || delta > s.lower) && (s.upper === undefined || delta <= s.upper)
    : (s.lower === undefined || delta >= s.lower) && (s.upper === undefined || delta < s.upper));
}

function maxCooldown(tts: TtState[], dir: 'in' | 'out'): number {
  return Math.max(0, ...tts.map(x => dir === 'in' ? x.spec.scaleInCooldown : x.spec.scaleOutCooldown));
}

function adjust(type: string, base: number, adj: number, minMagnitude?: number): number {
  if (type === 'ExactCapacity') { return adj; }
  if (type === 'PercentChangeInCapacity') {
    let d = Math.trunc(base * adj / 100);
    if (minMagnitude && Math.abs(d) < minMagnitude) { d = Math.sign(adj) * minMagnitude; }
    return base + d;
  }
  return base + adj;
}

function round(v: number): number { return Math.round(v * 100) / 100; }

/**
 * KEDA (ScaledObject) or a plain HPA: metrics polled every `pollingInterval`, the HPA syncing every
 * 15 s with a 10% tolerance, stabilization windows (scale up: the lowest recommendation in the
 * window, scale down: the highest) and rate policies. Cron triggers hold `desiredReplicas` between
 * their start and end.
 */
export class HpaController {
  private readonly recs: Array<[number, number]> = [];
  private polled: number[] = [];
  public readonly activities: Array<{ t: number; from: number; to: number; cause: string }> = [];
  constructor(public readonly spec: KubernetesScalerSpec, private readonly startEpoch: number, private readonly capacity: Capacity,
    private readonly observe: (trigger: KubernetesScalerSpec['triggers'][number], t: number) => number | undefined) {}

  public tick(t: number): void {
    const s = this.spec;
    if (t % s.pollingInterval === 0) {
      this.polled = s.triggers.map(tr => {
        if (tr.type === 'cron') { return this.cronActive(tr.metadata, t) ? Number(tr.metadata.desiredReplicas) : 0; }
        const v = this.observe(tr, t);
        return v ?? NaN;
      });
    }
    if (t % KUBERNETES.hpaSyncSeconds !== 0) { return; }
    const current = this.capacity.desired;
    let raw = 0;
    s.triggers.forEach((tr, i) => {
      const v = this.polled[i];
      if (v === undefined || Number.isNaN(v)) { return; }
      if (tr.type === 'cron') { raw = Math.max(raw, v); return; }
      const target = Number(tr.metadata.threshold ?? tr.metadata.averageValue ?? tr.metadata.averageUtilization ?? tr.metadata.value);
      if (!(target > 0)) { return; }
      let want: number;
      if (tr.type === 'resource-cpu' || tr.type === 'cpu') {
        const ratio = v / target;
        want = Math.abs(ratio - 1) <= KUBERNETES.hpaTolerance ? current : Math.ceil(Math.max(current, 1) * ratio);
      } else {
        // AverageValue: total metric ÷ target per pod.
        const ratio = current > 0 ? v / (target * current) : Infinity;
        want = current > 0 && Math.abs(ratio - 1) <= KUBERNETES.hpaTolerance ? current : Math.ceil(v / target - 1e-9);
      }
      raw = Math.max(raw, want);
    });
    raw = Math.min(s.maxReplicas, Math.max(s.minReplicas, raw));
    this.recs.push([t, raw]);
    const window = Math.max(s.scaleUpStabilization, s.scaleDownStabilization);
    while (this.recs.length && this.recs[0][0] < t - window) { this.recs.shift(); }
    let next = current;
    if (raw > current) {
      const upRecs = this.recs.filter(([rt]) => rt >= t - s.scaleUpStabilization).map(r => r[1]);
      next = Math.max(current, Math.min(...upRecs));
      const limits = s.scaleUpPolicies.map(p => p.type === 'Percent' ? Math.ceil(current * (1 + p.value / 100)) : current + p.value);
      const limit = s.scaleUpSelect === 'Min' ? Math.min(...limits) : s.scaleUpSelect === 'Disabled' ? current : Math.max(...limits);
      next = Math.min(next, Math.max(limit, 1));
    } else if (raw < current) {
      const downRecs = this.recs.filter(([rt]) => rt >= t - s.scaleDownStabilization).map(r => r[1]);
      next = Math.min(current, Math.max(...downRecs));
      const limits = s.scaleDownPolicies.map(p => p.type === 'Percent' ? Math.floor(current * (1 - p.value / 100)) : current - p.value);
      const limit = s.scaleDownSelect === 'Min' ? Math.max(...limits) : s.scaleDownSelect === 'Disabled' ? current : Math.min(...limits);
      next = Math.max(next, limit);
    }
    next = Math.min(s.maxReplicas, Math.max(s.minReplicas, next));
    if (next !== current) {
      this.activities.push({ t, from: current, to: next, cause: `${s.kind} ${s.name}` });
      this.capacity.setDesired(next, t);
    }
  }

  private readonly cronState = new Map<Record<string, string>, { minute: number; active: boolean }>();

  private cronActive(md: Record<string, string>, t: number): boolean {
    // Active if the most recent start is later than the most recent end; scanned back 7 days once,
    // then carried forward minute by minute.
    const minute = Math.floor((this.startEpoch + t) / 60);
    const tz = md.timezone;
    let st = this.cronState.get(md);
    if (!st) {
      let active = false;
      for (let m = 7 * 1440; m >= 1; m--) {
        const e = (minute - m) * 60;
        if (cronMatches(md.end, e, tz)) { active = false; }
        if (cronMatches(md.start, e, tz)) { active = true; }
      }
      st = { minute: minute - 1, active };
      this.cronState.set(md, st);
    }
    while (st.minute < minute) {
      st.minute++;
      if (cronMatches(md.end, st.minute * 60, tz)) { st.active = false; }
      if (cronMatches(md.start, st.minute * 60, tz)) { st.active = true; }
    }
    return st.active;
  }
}

export { wallTime };
