import { profileFor } from './engine';
import { compare, lowSampleThreshold, s3JobOutcome } from './metrics';
import { compileMetricMath } from './metric-math';
import { Prng } from './prng';
import { ServingProfile } from './profile';
import { tailProbability } from './queueing';
import { AlarmSpec, AnalysisMetricSpec, LaneSpec, MetricRef } from './stack-model';

/** What a canary ships. */
export enum CanaryKind {
  /** Error rate 0.5% -> 5%. */
  BAD_ERRORS = 'bad-errors',
  /** p95 latency +50% (service time × 1.5). */
  BAD_LATENCY = 'bad-latency',
  /** The same as the old version (noise only). */
  HEALTHY = 'healthy',
}

/** Options of {@link rolloutTrials}. */
export interface RolloutTrialOptions {
  readonly rps: number;
  readonly kind: CanaryKind;
  /** @default 1000 */
  readonly trials?: number;
  /** @default 1 */
  readonly seed?: number;
  readonly profiles: Record<string, ServingProfile>;
  /** Error rate of a healthy version, percent. @default the profile's baselineErrorPercent (0.5) */
  readonly healthyErrorPercent?: number;
  /** @default 5 */
  readonly badErrorPercent?: number;
  /** @default 1.5 */
  readonly badLatencyFactor?: number;
  /** Minute-to-minute noise of the error rate and the traffic (log-normal sigma). @default 0.3 */
  readonly noise?: number;
  /**
   * What-if: the rollback alarms watch the new version only (Lambda `ExecutedVersion`, a separate
   * SageMaker variant) instead of the alias / variant that mixes both versions. @default false
   */
  readonly canaryOnlyAlarms?: boolean;
}

/** Outcome of many seeded canaries of one lane. */
export interface RolloutTrialResult {
  readonly lane: string;
  readonly mechanism: string;
  readonly rps: number;
  readonly kind: string;
  readonly trials: number;
  /** Share of trials rolled back, percent (for a healthy canary: false rollbacks). */
  readonly rolledBackPercent: number;
  /** Share of trials rolled back within 5 minutes of the first exposure, percent. */
  readonly detectedWithin5MinPercent: number;
  /** Minutes from exposure to rollback: median and 99th percentile of the rolled-back trials. */
  readonly p50DetectMinutes?: number;
  readonly p99DetectMinutes?: number;
  /** Requests served by the new version before the rollback (or to the end of the deployment), mean. */
  readonly meanExposureRequests: number;
  /** Length of the monitored deployment, minutes. */
  readonly deploymentMinutes: number;
  /** Why the mechanism cannot roll back, when it cannot. */
  readonly note?: string;
}

/** One minute of a version's traffic: requests, failed requests, requests over the latency threshold. */
export interface MinuteCounts { requests: number; errors: number; over: number; latencyQ: number }

/**
 * Run `trials` seeded canaries of one lane, judged exactly as the emitted deployment would judge
 * them: SageMaker blue/green (canary of CAPACITY_PERCENT instances, then all, then the termination
 * wait; the rollback alarms watch the variant, i.e. both fleets together), CodeDeploy Lambda
 * canaries (the alarms watch the alias, both versions; monitoring ends when traffic is fully
 * shifted), Argo Rollouts canaries (analysis on the canary's pods only, `failureLimit`), ECS
 * (deployment alarms, if any). Minutes are sampled: Poisson requests, binomial errors, requests over
 * the latency threshold from the lane's latency model; the error rate and the traffic vary from
 * minute to minute (log-normal `noise`).
 */
export function rolloutTrials(lane: LaneSpec, options: RolloutTrialOptions): RolloutTrialResult {
  const trials = options.trials ?? 1000;
  const rng = new Prng((options.seed ?? 1) * 7919 + Math.round(options.rps * 13) + options.kind.length);
  const prof = profileFor(lane, options.profiles);
  const r = lane.rollout;
  const base = { lane: lane.path, rps: options.rps, kind: options.kind, trials };
  if (!r || (r.alarms.length === 0 && r.analysis.length === 0)) {
    return {
      ...base, mechanism: r?.mechanism ?? 'none', rolledBackPercent: 0, detectedWithin5MinPercent: 0, meanExposureRequests: Infinity, deploymentMinutes: 0,
      note: r ? `${r.mechanism}: no rollback alarm or analysis is emitted; a bad version is never rolled back by metrics` : 'no rollout mechanism found',
    };
  }
  const healthyErr = (options.healthyErrorPercent ?? prof.baselineErrorPercent) / 100;
  const badErr = (options.badErrorPercent ?? 5) / 100;
  const factor = options.badLatencyFactor ?? 1.5;
  const sigma = options.noise ?? 0.3;
  const q = (lane.slo.latencyPercentile ?? prof.latencyPercentile) / 100;
  const thrMs = lane.slo.latencyMs ?? prof.latencyAtSloMs;
  // Fleet at this traffic: what the profile needs at the SLO plus a 25% warm buffer (the examples'
  // policies scale out at 75-80% of an instance's SLO load), the lane's minimum at least.
  const minCap = lane.scalableTargets[0]?.minCapacity ?? lane.kubernetesScalers[0]?.minReplicas ?? 1;
  const n = Math.max(minCap, Math.ceil(1.25 * options.rps / prof.requestsPerSecondAtSlo - 1e-9), 1);
  const serverless = lane.kind === 'serverless';
  const newIsBad = options.kind !== CanaryKind.HEALTHY;
  const overShare = (bad: boolean, instances: number, rps: number): number => {
    const s = prof.serviceSeconds * (bad && options.kind === CanaryKind.BAD_LATENCY ? factor : 1);
    if (serverless) {
      // Lambda duration: log-normal around the warm duration (sigma 0.2), no queueing.
      const z = Math.log(thrMs / 1000 / s) / 0.2;
      return 1 - normalCdf(z);
    }
    return tailProbability(thrMs / 1000 - prof.batchDelaySeconds, Math.max(1, instances) * prof.concurrency, rps, s);
  };
  // Traffic share of the new version while the canary step lasts.
  const canaryShare = r.mechanism === 'sagemaker-blue-green' && r.sizeType === 'CAPACITY_PERCENT'
    ? Math.min(1, Math.max(1, Math.round(r.canaryPercent * n / 100)) / n)
    : r.canaryPercent / 100;
  // A step's bake; an all-at-once shift with no wait is not watched at all (CodeDeploy AllAtOnce, SageMaker
  // ALL_AT_ONCE with WaitIntervalInSeconds 0).
  const stepMinutes = r.type === 'ALL_AT_ONCE' ? Math.ceil(r.waitSeconds / 60) : Math.max(1, Math.ceil(r.waitSeconds / 60));
  // LINEAR: the share grows by a step every interval until all traffic is shifted.
  const linearStep = r.type === 'LINEAR' ? (r.linearStepPercent ?? r.canaryPercent) / 100 : undefined;
  const sageMaker = r.mechanism === 'sagemaker-blue-green';
  let canaryMinutes = linearStep ? Math.ceil(1 / linearStep - 1e-9) * stepMinutes - stepMinutes : stepMinutes;
  // After the last shift: CodeDeploy stops watching; SageMaker watches only baking periods (WaitIntervalInSeconds:
  // the last linear step's, the all-at-once bake) and not TerminationWaitInSeconds ("additional waiting time after
  // the completion of an endpoint deployment", API BlueGreenUpdatePolicy); Argo's analysis runs through the final
  // pause; ECS deployment alarms through the bake.
  let afterMinutes = r.mechanism === 'codedeploy-lambda' ? 0 : sageMaker ? (linearStep ? stepMinutes : 0) : Math.ceil(r.finalBakeSeconds / 60);
  if (sageMaker && r.type === 'ALL_AT_ONCE') { afterMinutes = canaryMinutes; canaryMinutes = 0; }
  const total = canaryMinutes + afterMinutes;
  const preMinutes = Math.max(0, ...r.alarms.map(a => a.evaluationPeriods * a.period / 60));
  const alarmEvals = r.alarms.map(a => new MinuteAlarm(a, q));
  const detect: number[] = [];
  let exposureSum = 0;
  let within5 = 0;
  for (let trial = 0; trial < trials; trial++) {
    alarmEvals.forEach(a => a.reset());
    const failures = r.analysis.map(() => 0);
    const analysisMinutes: MinuteCounts[][] = r.analysis.map(() => []);
    let rolledBackAt: number | undefined;
    let exposure = 0;
    for (let m = -preMinutes; m < total && rolledBackAt === undefined; m++) {
      const trafficNoise = Math.exp(sigma * 0.5 * rng.normal());
      const rpsNow = options.rps * trafficNoise;
      const share = m < 0 ? 0 : m >= canaryMinutes ? 1 : linearStep ? Math.min(1, (Math.floor(m / stepMinutes) + 1) * linearStep) : canaryShare;
      const errNoise = Math.exp(sigma * rng.normal() - sigma * sigma / 2);
      const sample = (fraction: number, bad: boolean): MinuteCounts => {
        const requests = rng.poisson(rpsNow * fraction * 60);
        const p = Math.min(1, (bad && options.kind === CanaryKind.BAD_ERRORS ? badErr : healthyErr) * errNoise);
        const instances = Math.max(1, Math.round(n * fraction));
        const over = rng.binomial(requests, overShare(bad, instances, rpsNow * fraction));
        return { requests, errors: rng.binomial(requests, p), over, latencyQ: q };
      };
      const newV = sample(share, newIsBad);
      const oldV = sample(1 - share, false);
      exposure += newV.requests;
      const both: MinuteCounts = { requests: newV.requests + oldV.requests, errors: newV.errors + oldV.errors, over: newV.over + oldV.over, latencyQ: q };
      // CloudWatch rollback alarms see the variant / alias (both versions together), or the new version
      // only when their metrics carry its ExecutedVersion (or the canaryOnlyAlarms what-if); those have no
      // data before the new version serves.
      let fired = false;
      for (const a of alarmEvals) {
        const scoped = options.canaryOnlyAlarms || a.versionScoped;
        if (scoped && m < 0) { continue; }
        if (a.push(scoped ? newV : both)) { fired = true; }
      }
      // Argo analysis sees the canary's pods only; a measurement every interval over the query's range
      // (its subquery window, e.g. `[5m:1m]`, else the interval), judged as the emitted query and condition.
      r.analysis.forEach((am, i) => {
        if (m < 0 || am.measures === 'unknown') { return; }
        const seen = analysisMinutes[i];
        seen.push(newV);
        const every = Math.max(1, Math.round(am.interval / 60));
        if (seen.length % every !== 0) { return; }
        if (analysisMeasurementFails(am, seen, q, thrMs)) { failures[i]++; }
        if (failures[i] > am.failureLimit) { fired = true; }
      });
      if (fired && m >= 0) { rolledBackAt = m + 1; }
    }
    exposureSum += exposure;
    if (rolledBackAt !== undefined) {
      detect.push(rolledBackAt);
      if (rolledBackAt <= 5) { within5++; }
    }
  }
  detect.sort((a, b) => a - b);
  const pct = (p: number) => detect.length ? detect[Math.min(detect.length - 1, Math.ceil(p * detect.length) - 1)] : undefined;
  return {
    ...base, mechanism: r.mechanism,
    rolledBackPercent: 100 * detect.length / trials,
    detectedWithin5MinPercent: 100 * within5 / trials,
    p50DetectMinutes: pct(0.5), p99DetectMinutes: pct(0.99),
    meanExposureRequests: exposureSum / trials,
    deploymentMinutes: total,
  };
}

/**
 * One Argo measurement of an analysis metric, as the emitted query and condition judge it, after the
 * minutes `seen` (oldest first, the canary's pods only): true when it fails. The window is the query's
 * range (`[5m:1m]`) or the interval. The error test: `(E − p·N)² ÷ (p(1−p)·N) > z²` with
 * `N >= minRequests` and `E > p·N`; the latency count: the window's minutes whose percentile (nearest
 * rank, from at least `minRequestsPerMinute` requests) is over the threshold, failing at `failAt`.
 */
export function analysisMeasurementFails(am: AnalysisMetricSpec, seen: MinuteCounts[], q: number, thrMs: number): boolean {
  const every = Math.max(1, Math.round(am.interval / 60));
  const window = Math.max(every, Math.round((am.windowSeconds ?? am.interval) / 60));
  if (am.breachMinutes) {
    const bm = am.breachMinutes;
    const breaching = seen.slice(-window).filter(x => x.requests > 0 && x.requests >= bm.minRequestsPerMinute && percentileOver(x, am.quantile ?? q)).length;
    return breaching >= bm.failAt;
  }
  const c: MinuteCounts = { requests: 0, errors: 0, over: 0, latencyQ: q };
  for (const x of seen.slice(-window)) { c.requests += x.requests; c.errors += x.errors; c.over += x.over; }
  return !analysisPasses(am, c, thrMs);
}

function analysisPasses(am: AnalysisMetricSpec, c: MinuteCounts, thrMs: number): boolean {
  if (am.bound === undefined) { return true; }
  // A query guarded by a minimum request count returns no failure below it (`minRequests`).
  if (am.minRequests !== undefined && c.requests < am.minRequests) { return true; }
  if (am.measures === 'error-rate' && am.zTest) {
    const { p, z2 } = am.zTest;
    const excess = c.errors - p * c.requests;
    return !(c.requests > 0 && excess > 0 && excess * excess / (p * (1 - p) * c.requests) > z2);
  }
  if (am.measures === 'error-rate') {
    // (100 * failures / clamp_min(total, 0.001)) or vector(0)
    const v = c.requests > 0 ? 100 * c.errors / c.requests : 0;
    return v <= am.bound;
  }
  // Latency quantile of the canary's requests over the bound (the query's `or vector(0)` passes on no data).
  if (c.requests === 0) { return true; }
  void thrMs;
  return !percentileOver(c, am.quantile ?? 0.95);
}

/** Nearest-rank percentile `q` of the minute(s) over the latency threshold: enough requests are over it. */
function percentileOver(c: MinuteCounts, q: number): boolean {
  return c.over >= c.requests - Math.ceil(q * c.requests) + 1;
}

/**
 * A CloudWatch alarm evaluated on sampled minutes: every minute (periods of a minute or more), N
 * datapoints over a sliding window ending now, each aggregating `period` minutes; ALARM when M breach
 * (TreatMissingData for empty datapoints). The same rule as `AlarmEvaluator` in metrics.ts.
 */
class MinuteAlarm {
  private minutes: MinuteCounts[] = [];
  private readonly expr?: (v: Record<string, number | undefined>) => number | undefined;
  private readonly periodMinutes: number;
  /** True when the alarm's metrics carry the new version's `ExecutedVersion` dimension (Lambda). */
  public readonly versionScoped: boolean;
  private readonly lowSamples?: number;
  private state = false;
  constructor(private readonly spec: AlarmSpec, private readonly q: number) {
    this.lowSamples = lowSampleThreshold(spec);
    if (spec.math) { this.expr = compileMetricMath(spec.math.expression).evaluate; }
    this.periodMinutes = Math.max(1, Math.round(spec.period / 60));
    this.versionScoped = isVersionScoped(spec);
  }
  public reset(): void { this.minutes = []; this.state = false; }
  /** Add one minute and evaluate; returns the state. */
  public push(m: MinuteCounts): boolean {
    this.minutes.push(m);
    const keep = this.periodMinutes * this.spec.evaluationPeriods;
    if (this.minutes.length > keep) { this.minutes.splice(0, this.minutes.length - keep); }
    let breaching = 0;
    for (let i = 0; i < this.spec.evaluationPeriods; i++) {
      const to = this.minutes.length - i * this.periodMinutes;
      const from = Math.max(0, to - this.periodMinutes);
      const c: MinuteCounts = { requests: 0, errors: 0, over: 0, latencyQ: this.q };
      for (let k = from; k < to; k++) { c.requests += this.minutes[k].requests; c.errors += this.minutes[k].errors; c.over += this.minutes[k].over; }
      // EvaluateLowSampleCountPercentile: ignore: too few (but some) samples in the newest datapoint, the state stays.
      if (i === 0 && this.lowSamples !== undefined && c.requests > 0 && c.requests < this.lowSamples) { return this.state; }
      const v = to <= 0 ? undefined : this.value(c);
      const breach = v === undefined ? this.spec.treatMissingData === 'breaching' : compare(v, this.spec.comparison, this.spec.threshold);
      if (breach) { breaching++; }
    }
    this.state = breaching >= this.spec.datapointsToAlarm;
    return this.state;
  }
  private value(c: MinuteCounts): number | undefined {
    if (this.spec.metric) { return metricOf(this.spec.metric, c, this.spec.threshold, this.q); }
    const vals: Record<string, number | undefined> = {};
    for (const [id, m] of Object.entries(this.spec.math!.metrics)) { vals[id] = metricOf(m, c, undefined, this.q); }
    return this.expr!(vals);
  }
}

/**
 * Whether an alarm watches one version only: Lambda metrics with the `ExecutedVersion` dimension
 * (the version the deployment shifts to). SageMaker variant metrics mix both fleets of a blue/green
 * deployment; CodeDeploy alias metrics (`Resource` = function:alias) mix both versions.
 */
export function isVersionScoped(a: AlarmSpec): boolean {
  const refs = a.metric ? [a.metric] : Object.values(a.math?.metrics ?? {});
  return refs.length > 0 && refs.every(r => r.dimensions?.ExecutedVersion !== undefined);
}

function metricOf(ref: MetricRef, c: MinuteCounts, threshold: number | undefined, q: number): number | undefined {
  const { metricName: name, stat } = ref;
  // Batch jobs: a request is a job; S3 PutRequests of the failures filter count failed jobs, of the results filter the others.
  const outcome = s3JobOutcome(ref);
  if (outcome) { return outcome === 'failures' ? c.errors : c.requests - c.errors; }
  if (/Invocations$/.test(name) && !/Spillover/.test(name)) { return c.requests; }
  if (/Error/.test(name)) { return c.errors; }
  if (/Throttles|Spillover/.test(name)) { return 0; }
  if (/Latency|Duration/.test(name) && threshold !== undefined) {
    if (c.requests === 0) { return undefined; }
    const p = /^p(\d+(?:\.\d+)?)$/.exec(stat) ? Number(stat.slice(1)) / 100 : q;
    // Nearest-rank percentile over the threshold iff enough samples are over it.
    const over = c.over >= c.requests - Math.ceil(p * c.requests) + 1;
    return over ? threshold * 2 : threshold / 2;
  }
  return undefined;
}

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
