import { arrivalFor, batchingFor, LeadTimeCheck, leadTimeCheck } from './lane-statements';
import { ARRIVAL_SECONDS, LAMBDA } from './platform';
import { ResolvedProfile, ServingProfile } from './profile';
import { calibrateServiceTime, erlangC, latencyQuantile, tailProbability } from './queueing';
import { AasController, Capacity, HpaController } from './scaling';
import { SeriesStore } from './metrics';
import { FrontDoorRun } from './front-door-model';
import { LaneSpec, StackModel } from './stack-model';
import { Trace } from './traces';

/** A simulation that cannot run as asked (no lane, no serving profile): the message says what to pass. */
export class SimulationInputError extends Error {
  constructor(message: string) { super(message); this.name = 'SimulationInputError'; }
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Serving profiles by lane path, by lane kind, or `default`. */
  readonly profiles: Record<string, ServingProfile>;
  /** Lanes to run (paths or kinds). @default every lane except edge fleets */
  readonly lanes?: string[];
  /** The SLO when the emitted alarms do not say (latency ms at the percentile). */
  readonly sloLatencyMs?: number;
  readonly sloPercentile?: number;
  /** Keep the per-second series (for plots and tests). @default false */
  readonly keepSeries?: boolean;
}

/** Per-lane outcome of one run. */
export interface LaneResult {
  readonly path: string;
  readonly kind: string;
  readonly sloMinutesPercent: number;
  readonly instanceHours: number;
  readonly cost: number;
  readonly requests: number;
  readonly costPer1000: number;
  readonly peakCapacity: number;
  /** Share of this lane's requests served beyond its warm capacity (Lambda on-demand), percent. */
  readonly spilloverPercent: number;
  /** Share of all requests this lane received, percent. */
  readonly trafficSharePercent: number;
  readonly scalingActivities: number;
  /** Every change of desired capacity: second, from, to and what caused it. */
  readonly activities: Array<{ t: number; from: number; to: number; cause: string }>;
  /**
   * Capacity lag (the lane's `metricCapacityLag`: asked for minus in service, in the capacity unit),
   * per-minute averages: the largest and the 95th percentile of the run's minutes.
   */
  readonly capacityLagMax: number;
  readonly capacityLagP95: number;
  /**
   * Lambda lanes: what the serverless lane's emitted `metricCapacityLag` reads (it has no desired-capacity
   * metric): on-demand environments beyond the warm pool, at most the room the pool may still grow by
   * (its current maximum minus the pool), per-minute Maximum; largest and 95th percentile of the minutes.
   * @default undefined for other lanes
   */
  readonly capacityLagAsEmitted?: { max: number; p95: number };
  /** The lane's stated lead time beside the arrival time the run used. */
  readonly leadTime: LeadTimeCheck;
  /** Batching applied: throughput gain percent and queue delay ms (0 and 0 without). */
  readonly batching: { gainPercent: number; queueDelayMs: number; measuredWithBatching: boolean };
}

/** Outcome of one run (one policy) of one trace. */
export interface RunResult {
  readonly sloMinutesPercent: number;
  readonly instanceHours: number;
  readonly cost: number;
  readonly costPer1000: number;
  readonly requests: number;
  readonly lanes: LaneResult[];
  /** Per minute: load (rps), capacity (serving units of the primary lane), latency percentile (ms), met. */
  readonly minutes: { rps: number[]; capacity: number[]; latencyMs: number[]; met: boolean[] };
  readonly sloLatencyMs?: number;
  readonly sloPercentile: number;
  /** The front door whose routing was simulated (its path), if any. */
  readonly frontDoor?: string;
  /** Share of all requests the front door sent to its second lane after a capacity error, percent. */
  readonly spilledPercent: number;
  /** Minutes during which the router sent new requests to the burst lane (primary's alarm in ALARM). */
  readonly failedOverMinutes: number;
  /** Requests neither lane served (503: no capacity, retry budget exhausted, or the second lane throttled). */
  readonly unservedRequests: number;
  readonly unservedPercent: number;
  /** Share of all requests the front door's load-aware admission sent to the burst lane first, percent. */
  readonly offloadedPercent: number;
  /** Minutes of gradual fail-back (part of the traffic still sent to the burst lane first after a failover). */
  readonly failingBackMinutes: number;
  readonly series?: Record<string, SeriesStore>;
}

/** Resolve a profile for a lane: by path, then kind, then `default`. */
export function profileFor(lane: LaneSpec, profiles: Record<string, ServingProfile>): ResolvedProfile {
  const p = profiles[lane.path] ?? profiles[lane.kind] ?? profiles.default;
  if (!p) {
    throw new SimulationInputError(`no serving profile for lane ${lane.path} (${lane.kind}): pass profiles['${lane.path}'] or profiles['${lane.kind}'] with requestsPerSecondAtSlo and latencyAtSloMs`);
  }
  if (!(p.requestsPerSecondAtSlo > 0) || !(p.latencyAtSloMs > 0)) {
    throw new SimulationInputError(`serving profile of ${lane.path}: requestsPerSecondAtSlo (${p.requestsPerSecondAtSlo}) and latencyAtSloMs (${p.latencyAtSloMs}) must be greater than 0`);
  }
  const percentile = p.latencyPercentile ?? 95;
  const concurrency = p.concurrency ?? 1;
  // Batching: one instance serves (1 + gain) × the unbatched rate at the same latency (the contract's
  // definition of the gain), and each request waits up to the queue delay on top (added in serve()).
  const batching = batchingFor(lane, p);
  const rps = p.requestsPerSecondAtSlo * (1 + batching.gainPercent / 100);
  const serviceSeconds = lane.kind === 'serverless' || lane.kind === 'batch-workers'
    ? p.latencyAtSloMs / 1000 / (1 + batching.gainPercent / 100)
    : calibrateServiceTime(rps, p.latencyAtSloMs / 1000, concurrency, percentile / 100);
  const arrival = arrivalFor(lane, p);
  return {
    requestsPerSecondAtSlo: rps, latencyAtSloMs: p.latencyAtSloMs, latencyPercentile: percentile, concurrency,
    coldStartMs: p.coldStartMs ?? 0, arrivalSeconds: arrival.seconds,
    pricePerInstanceHour: p.pricePerInstanceHour ?? 0, onDemandPricePerSecond: p.onDemandPricePerSecond ?? 0,
    baselineErrorPercent: p.baselineErrorPercent ?? 0.5, serviceSeconds,
    batchingThroughputGainPercent: batching.gainPercent, batchingQueueDelayMs: batching.delayMs, measuredWithBatching: batching.measuredWithBatching,
    unbatchedRequestsPerSecondAtSlo: p.requestsPerSecondAtSlo, batchDelaySeconds: batching.delayMs / 1000, arrival,
  };
}

/** One lane during a run. */
class LaneRun {
  public readonly capacity: Capacity;
  public readonly aas: AasController[] = [];
  public readonly hpa: HpaController[] = [];
  public readonly store: SeriesStore;
  public instanceSeconds = 0;
  public onDemandSeconds = 0;
  public requests = 0;
  public spill = 0;
  public peak = 0;
  private odWindow: Array<[number, number]> = [];
  private odWarm = 0;
  // Batch queue: FIFO of [arrival second, jobs].
  private queue: Array<[number, number]> = [];
  private queued = 0;
  private work = 0;

  /**
   * Requests per second the lane takes before answering with a capacity error (what the router spills
   * on): all slots busy on SageMaker/GPU (c / s; a model server with a bounded queue answers 503 and
   * SageMaker a throttling error), reserved concurrency on Lambda (TooManyRequestsException).
   */
  public acceptRate(): number {
    if (this.spec.kind === 'serverless') { return this.spec.reservedConcurrency !== undefined ? this.spec.reservedConcurrency / this.prof.serviceSeconds : Infinity; }
    if (this.spec.kind === 'batch-workers') { return Infinity; }
    return this.capacity.inService * this.prof.concurrency / this.prof.serviceSeconds;
  }

  constructor(public readonly spec: LaneSpec, public readonly prof: ResolvedProfile, seconds: number, startEpoch: number) {
    this.store = new SeriesStore(seconds);
    const target = spec.scalableTargets[0];
    const scaler = spec.kubernetesScalers[0];
    const initial = target ? Math.min(target.maxCapacity, Math.max(target.minCapacity, spec.initialCapacity ?? target.minCapacity))
      : scaler ? scaler.minReplicas : spec.initialCapacity ?? 1;
    const gpu = spec.kind === 'gpu-cluster';
    // A pod on a node kept from a scale-in loads the model only: never slower than a cold arrival.
    this.capacity = new Capacity(initial, prof.arrivalSeconds, gpu ? Math.min(prof.arrivalSeconds, ARRIVAL_SECONDS['gpu-cluster-warm-node']) : undefined);
    for (const t of spec.scalableTargets) { this.aas.push(new AasController(t, startEpoch, this.capacity)); }
    for (const k of spec.kubernetesScalers) {
      this.hpa.push(new HpaController(k, startEpoch, this.capacity, (tr, t) => this.observe(tr, t)));
    }
  }

  /** What a Kubernetes trigger reads (Prometheus rate over the last minute, CPU, SQS length). */
  private observe(tr: { type: string; metadata: Record<string, string> }, t: number): number | undefined {
    const from = Math.max(0, t - 60);
    if (t <= from) { return undefined; }
    const d = this.store.data;
    let sum = 0;
    if (tr.type === 'prometheus') {
      // in flight across pods = sum over pods of concurrency (rate of busy time).
      for (let i = from; i < t; i++) { sum += d.inflightPerInstance[i] * d.capacity[i]; }
      return sum / (t - from);
    }
    if (tr.type === 'resource-cpu' || tr.type === 'cpu') {
      for (let i = from; i < t; i++) { sum += d.cpu[i]; }
      return sum / (t - from);
    }
    if (tr.type === 'aws-sqs-queue') { return d.visible[t - 1]; }
    return undefined;
  }

  public control(t: number): void {
    this.capacity.tick(t);
    for (const a of this.aas) { a.tick(this.store, t); }
    for (const h of this.hpa) { h.tick(t); }
    this.capacity.tick(t);
  }

  /** Serve one second of load; returns requests over the latency threshold and failed requests. */
  public serve(t: number, lambda: number, thresholdSeconds: number, q: number): { over: number; failed: number; latency: number } {
    const d = this.store.data;
    const n = this.capacity.inService;
    const p = this.prof;
    d.requests[t] = lambda;
    d.capacity[t] = n;
    d.pending[t] = this.capacity.pending.length;
    d.running[t] = n;
    d.desired[t] = n + this.capacity.pending.length;
    d.capacityLag[t] = this.capacity.pending.length;
    this.requests += lambda;
    this.instanceSeconds += n + this.capacity.pending.length + this.capacity.idleNodes(t);
    this.peak = Math.max(this.peak, n + this.capacity.pending.length);
    if (this.spec.kind === 'batch-workers') { return this.serveQueue(t, lambda, thresholdSeconds); }
    if (this.spec.kind === 'serverless') { return this.serveLambda(t, lambda, thresholdSeconds, q); }
    const c = n * p.concurrency;
    const s = p.serviceSeconds;
    const rho = c > 0 ? Math.min(1, lambda * s / c) : 1;
    d.cpu[t] = 100 * rho;
    d.utilization[t] = rho;
    d.invocationsPerInstance[t] = n > 0 ? lambda / n : 0;
    const saturated = lambda > 0 && (c === 0 || lambda * s >= c);
    // Batching's queue delay: every request waits up to it for a batch (an upper bound), and is in flight meanwhile.
    const delay = p.batchDelaySeconds;
    const meanLatency = saturated ? s * 10 : s + delay + (lambda > 0 ? erlangC(c, lambda * s) / (2 * (c / s - lambda)) : 0);
    d.inflightPerInstance[t] = n > 0 ? Math.min(lambda * meanLatency, saturated ? c * 2 : Infinity) / n : 0;
    const latency = latencyQuantile(q, c, lambda, s) + delay;
    d.latencyQ[t] = latency;
    const overShare = lambda > 0 ? tailProbability(thresholdSeconds - delay, c, lambda, s) : 0;
    d.over[t] = overShare * lambda;
    return { over: overShare * lambda, failed: 0, latency };
  }

  private serveLambda(t: number, lambda: number, thr: number, q: number): { over: number; failed: number; latency: number } {
    const d = this.store.data;
    const p = this.prof;
    const s = p.serviceSeconds;
    const P = this.capacity.inService;
    const reserved = this.spec.reservedConcurrency ?? Infinity;
    const demand = lambda * s;
    const allowed = Math.min(demand, reserved);
    const throttledShare = demand > 0 ? (demand - allowed) / demand : 0;
    const warm = Math.min(allowed, P);
    const spillConc = allowed - warm;
    // The lane's metricCapacityLag proxy: on-demand environments, capped by the room left to grow the pool.
    const room = Math.max(0, (this.aas[0]?.max ?? P) - P);
    d.capacityLagEmitted[t] = Math.min(spillConc, room);
    // On-demand environments stay warm for the keep-alive after use: the pool is the peak of the window.
    const cold = Math.max(0, Math.ceil(spillConc - this.odWarm - 1e-9));
    // Sliding maximum over the keep-alive window (monotonic deque of [second, concurrency]).
    while (this.odWindow.length && this.odWindow[this.odWindow.length - 1][1] <= spillConc) { this.odWindow.pop(); }
    this.odWindow.push([t, spillConc]);
    while (this.odWindow[0][0] <= t - LAMBDA.warmKeepAliveSeconds) { this.odWindow.shift(); }
    this.odWarm = this.odWindow[0][1];
    const spillReq = demand > 0 ? lambda * spillConc / demand : 0;
    const coldReq = Math.min(cold, spillReq);
    this.spill += spillReq;
    this.onDemandSeconds += spillConc + coldReq * p.coldStartMs / 1000;
    d.utilization[t] = P > 0 ? warm / P : (demand > 0 ? 1 : 0);
    d.inflightPerInstance[t] = P > 0 ? warm / P : 0;
    d.spill[t] = spillReq;
    d.cold[t] = coldReq;
    d.throttles[t] = lambda * throttledShare;
    d.cpu[t] = 100 * d.utilization[t];
    const coldLatency = s + p.coldStartMs / 1000;
    const overShare = (s > thr ? 1 - throttledShare : (coldLatency > thr && lambda > 0 ? coldReq / lambda : 0));
    // Duration metric excludes the cold-start init (Lambda reports Init Duration separately).
    d.latencyQ[t] = s;
    const userLatency = lambda > 0 && coldReq / lambda > 1 - q ? coldLatency : s;
    d.over[t] = overShare * lambda;
    return { over: overShare * lambda, failed: lambda * throttledShare, latency: userLatency };
  }

  private serveQueue(t: number, arrivals: number, maxAge: number): { over: number; failed: number; latency: number } {
    const d = this.store.data;
    if (arrivals > 0) { this.queue.push([t, arrivals]); this.queued += arrivals; }
    const n = this.capacity.inService;
    this.work += n * this.prof.requestsPerSecondAtSlo;
    let busy = 0;
    while (this.work > 1e-9 && this.queue.length) {
      const head = this.queue[0];
      const take = Math.min(head[1], this.work);
      head[1] -= take;
      this.work -= take;
      this.queued -= take;
      busy += take;
      if (head[1] <= 1e-9) { this.queue.shift(); }
    }
    if (!this.queue.length) { this.work = 0; this.queued = 0; }
    const age = this.queue.length ? t - this.queue[0][0] : 0;
    d.visible[t] = this.queued;
    // Messages received and not yet deleted: the jobs being processed (Little's law: completions per second × seconds per job).
    d.notVisible[t] = Math.min(n, busy / this.prof.requestsPerSecondAtSlo);
    // Jobs handed to workers this second (the fluid model takes them as they are worked on).
    d.received[t] = busy;
    d.oldestAge[t] = age;
    d.cpu[t] = n > 0 ? 100 * Math.min(1, busy / (n * this.prof.requestsPerSecondAtSlo)) : 0;
    d.utilization[t] = d.cpu[t] / 100;
    d.latencyQ[t] = age;
    return { over: age > maxAge ? 1 : 0, failed: 0, latency: age };
  }
}

/**
 * Replay a trace through the lanes of a stack, second by second. With a front door (read from the
 * router's ROUTER_CONFIG) whose primary is run: every request goes to the primary; what the primary
 * rejects with a capacity error (beyond its all-slots-busy rate) spills to the burst lane while the
 * retry budget has a token, the rest is answered 503; while a failover alarm of the primary is in ALARM
 * (seen `cacheMs` later) new requests go to the burst lane first and spill back to the primary.
 * Without a front door every interactive lane serves the whole trace on its own (as if called
 * directly); a batch lane gets the trace as jobs only when it is the only lane run.
 */
export function simulate(model: StackModel, trace: Trace, options: SimulateOptions): RunResult {
  const lanes = selectLanes(model, options.lanes);
  if (lanes.length === 0) { throw new SimulationInputError(`no lane to simulate (lanes found: ${model.lanes.map(l => `${l.path} (${l.kind})`).join(', ') || 'none'})`); }
  const seconds = trace.rps.length;
  const runs = lanes.map(l => new LaneRun(l, profileFor(l, options.profiles), seconds, trace.startEpochSeconds));
  const batchOnly = runs.every(r => r.spec.kind === 'batch-workers');
  const fdSpec = (model.frontDoors ?? []).find(f => runs.some(r => r.spec.path === f.primary));
  const fd = fdSpec ? new FrontDoorRun(fdSpec, runs.find(r => r.spec.path === fdSpec.primary)!, runs.find(r => r.spec.path === fdSpec.burst && fdSpec.burst !== fdSpec.primary), seconds) : undefined;
  const primary = fd?.primary ?? runs.find(r => r.spec.kind !== 'serverless' && r.spec.kind !== 'batch-workers') ?? runs.find(r => r.spec.kind === 'serverless') ?? runs[0];
  const slo = primary.spec.slo;
  const q = (slo.latencyPercentile ?? options.sloPercentile ?? primary.prof.latencyPercentile) / 100;
  const thrMs = batchOnly ? (slo.maxTimeInQueue ?? 3600) * 1000 : slo.latencyMs ?? options.sloLatencyMs ?? primary.prof.latencyAtSloMs;
  const thr = thrMs / 1000;
  const maxError = (slo.maxErrorRatePercent ?? 1) / 100;
  const minutes = Math.ceil(seconds / 60);
  const out = { rps: new Array<number>(minutes).fill(0), capacity: new Array<number>(minutes).fill(0), latencyMs: new Array<number>(minutes).fill(0), met: new Array<boolean>(minutes).fill(true) };
  let mReq = 0;
  let mOver = 0;
  let mFail = 0;
  let mLatency = 0;
  let mBatchMiss = false;
  const laneMet = runs.map(() => ({ req: 0, over: 0, fail: 0, met: 0 }));
  for (let t = 0; t < seconds; t++) {
    for (const r of runs) { r.control(t); }
    const lambda = trace.rps[t];
    // Offered load per lane, and the requests each lane rejects before serving (capacity errors).
    const offered = new Map<LaneRun, number>();
    const rejectedAt = new Map<LaneRun, number>();
    let unserved = 0;
    if (fd) {
      const routed = fd.route(t, lambda);
      for (const [r, n] of routed.offered) { offered.set(r, n); }
      for (const [r, n] of routed.rejectedAt) { rejectedAt.set(r, n); }
      unserved += routed.unserved;
    }
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i];
      let share: number;
      if (fd) {
        share = offered.get(r) ?? 0;
      } else if (batchOnly || runs.length === 1) {
        share = lambda;
      } else {
        share = r.spec.kind === 'batch-workers' ? 0 : lambda;
      }
      const res = r.serve(t, share, thr, q);
      if (r.spec.kind === 'batch-workers') {
        if (res.over > 0) { mBatchMiss = true; laneMet[i].over = 1; }
      } else {
        const rejected = rejectedAt.get(r) ?? 0;
        if (fd) {
          // Lambda throttles of a spilled request are answered 503 too.
          if (res.failed > 0) { unserved += res.failed; }
        } else {
          mReq += share; mFail += res.failed;
        }
        mOver += res.over;
        laneMet[i].req += share + rejected; laneMet[i].over += res.over; laneMet[i].fail += res.failed + rejected;
        if (share > 0 && res.latency > mLatency) { mLatency = res.latency; }
      }
      if (r.spec.kind === 'batch-workers' && res.latency > mLatency) { mLatency = res.latency; }
    }
    if (fd) {
      fd.observe(t, offered.get(fd.primary) ?? 0, rejectedAt.get(fd.primary) ?? 0);
      mReq += lambda; mFail += unserved; fd.unserved += unserved;
      // Capacity errors the lane answered (after serve(), which sets the Lambda Throttles it computes itself).
      for (const [r, n] of rejectedAt) { r.store.data.throttles[t] += n; }
    }
    out.rps[Math.floor(t / 60)] += lambda / 60;
    out.capacity[Math.floor(t / 60)] = Math.max(out.capacity[Math.floor(t / 60)], primary.capacity.inService);
    if (t % 60 === 59 || t === seconds - 1) {
      const m = Math.floor(t / 60);
      const met = batchOnly ? !mBatchMiss : (mReq === 0 || (mOver / mReq <= 1 - q + 1e-9 && mFail / mReq <= maxError));
      out.met[m] = met;
      out.latencyMs[m] = Number.isFinite(mLatency) ? mLatency * 1000 : 1e6;
      runs.forEach((r, i) => {
        const lm = laneMet[i];
        const ok = r.spec.kind === 'batch-workers' ? lm.over === 0 : (lm.req === 0 || (lm.over / lm.req <= 1 - q + 1e-9 && lm.fail / lm.req <= maxError));
        if (ok) { lm.met++; }
        lm.req = 0; lm.over = 0; lm.fail = 0;
      });
      mReq = 0; mOver = 0; mFail = 0; mLatency = 0; mBatchMiss = false;
    }
  }
  const totalReq = runs.reduce((a, r) => a + r.requests, 0);
  const laneResults: LaneResult[] = runs.map((r, i) => {
    const instanceHours = r.instanceSeconds / 3600;
    const cost = instanceHours * r.prof.pricePerInstanceHour + r.onDemandSeconds * r.prof.onDemandPricePerSecond;
    return {
      path: r.spec.path, kind: r.spec.kind,
      sloMinutesPercent: 100 * laneMet[i].met / minutes,
      instanceHours, cost, requests: r.requests, costPer1000: r.requests > 0 ? 1000 * cost / r.requests : 0,
      peakCapacity: r.peak,
      spilloverPercent: r.requests > 0 ? 100 * r.spill / r.requests : 0,
      trafficSharePercent: totalReq > 0 ? 100 * r.requests / totalReq : 0,
      scalingActivities: r.aas.reduce((a, x) => a + x.activities.length, 0) + r.hpa.reduce((a, x) => a + x.activities.length, 0),
      activities: [...r.aas.flatMap(x => x.activities), ...r.hpa.flatMap(x => x.activities)].sort((a, b) => a.t - b.t),
      ...lagSummary(r.store.data.capacityLag, seconds),
      ...(r.spec.kind === 'serverless' ? { capacityLagAsEmitted: minuteMaxSummary(r.store.data.capacityLagEmitted, seconds) } : {}),
      leadTime: leadTimeCheck(r.spec, r.prof.arrival),
      batching: { gainPercent: r.prof.batchingThroughputGainPercent, queueDelayMs: r.prof.batchingQueueDelayMs, measuredWithBatching: r.prof.measuredWithBatching },
    };
  });
  const instanceHours = laneResults.reduce((a, l) => a + l.instanceHours, 0);
  const cost = laneResults.reduce((a, l) => a + l.cost, 0);
  const requests = batchOnly ? runs[0].requests : trace.rps.reduce((a, v) => a + v, 0);
  return {
    sloMinutesPercent: 100 * out.met.filter(x => x).length / minutes,
    instanceHours, cost, requests, costPer1000: requests > 0 ? 1000 * cost / requests : 0,
    lanes: laneResults, minutes: out, sloLatencyMs: thrMs, sloPercentile: q * 100,
    frontDoor: fd?.spec.path,
    spilledPercent: fd && requests > 0 ? 100 * fd.spilled / requests : 0,
    failedOverMinutes: fd ? fd.failedOverSeconds / 60 : 0,
    unservedRequests: fd ? fd.unserved : 0,
    unservedPercent: fd && requests > 0 ? 100 * fd.unserved / requests : 0,
    offloadedPercent: fd && requests > 0 ? 100 * fd.offloaded / requests : 0,
    failingBackMinutes: fd ? fd.failingBackSeconds / 60 : 0,
    series: options.keepSeries ? Object.fromEntries(runs.map(r => [r.spec.path, r.store])) : undefined,
  };
}

/** Largest and 95th-percentile per-minute average of a per-second capacity-lag series. */
export function lagSummary(lag: ArrayLike<number>, seconds: number): { capacityLagMax: number; capacityLagP95: number } {
  const minutes: number[] = [];
  for (let m = 0; m * 60 < seconds; m++) {
    let sum = 0;
    const end = Math.min(seconds, m * 60 + 60);
    for (let i = m * 60; i < end; i++) { sum += lag[i]; }
    minutes.push(sum / (end - m * 60));
  }
  if (minutes.length === 0) { return { capacityLagMax: 0, capacityLagP95: 0 }; }
  const sorted = [...minutes].sort((a, b) => a - b);
  // Nearest rank.
  const p95 = sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)];
  return { capacityLagMax: sorted[sorted.length - 1], capacityLagP95: p95 };
}

/** Largest and 95th percentile (nearest rank) of the per-minute Maximum of a per-second series. */
export function minuteMaxSummary(xs: ArrayLike<number>, seconds: number): { max: number; p95: number } {
  const minutes: number[] = [];
  for (let m = 0; m * 60 < seconds; m++) {
    let mx = 0;
    for (let i = m * 60; i < Math.min(seconds, m * 60 + 60); i++) { mx = Math.max(mx, xs[i]); }
    minutes.push(mx);
  }
  if (minutes.length === 0) { return { max: 0, p95: 0 }; }
  minutes.sort((a, b) => a - b);
  return { max: minutes[minutes.length - 1], p95: minutes[Math.max(0, Math.ceil(0.95 * minutes.length) - 1)] };
}

export function selectLanes(model: StackModel, names?: string[]): LaneSpec[] {
  const all = model.lanes.filter(l => l.kind !== 'edge-fleet');
  if (!names || names.length === 0) { return all; }
  return all.filter(l => names.some(n => l.path === n || l.kind === n || l.path.endsWith(`/${n}`)));
}
