import { DEFAULT_COOLDOWN_SECONDS } from './platform';
import { profileFor, RunResult, selectLanes, SimulateOptions } from './engine';
import { tailProbability } from './queueing';
import { LaneSpec, StackModel } from './stack-model';
import { Trace } from './traces';

/** What the oracle needs: exactly the capacity each minute needs, available instantly. */
export interface OracleResult {
  readonly instanceHours: number;
  readonly cost: number;
  readonly costPer1000: number;
  readonly peakCapacity: number;
  readonly sloMinutesPercent: number;
  /** Instances per minute. */
  readonly capacity: number[];
}

/**
 * The oracle: every minute, the fewest instances of the primary lane whose latency percentile at the
 * minute's busiest second meets the SLO (same M/D/c model as the run), with no delay, no minimum and
 * no maximum. For a batch lane: the work itself (job-seconds ÷ 3,600), i.e. workers at 100% busy.
 */
export function oracle(model: StackModel, trace: Trace, options: SimulateOptions): OracleResult {
  const lanes = selectLanes(model, options.lanes);
  // The front door's primary when it routes (the burst lane only takes what the primary rejects).
  const fdPrimary = (model.frontDoors ?? []).map(f => lanes.find(l => l.path === f.primary)).find(l => l !== undefined);
  const lane = fdPrimary ?? lanes.find(l => l.kind !== 'serverless' && l.kind !== 'batch-workers') ?? lanes[0];
  const p = profileFor(lane, options.profiles);
  const minutes = Math.ceil(trace.rps.length / 60);
  const capacity = new Array<number>(minutes).fill(0);
  let totalReq = 0;
  for (const v of trace.rps) { totalReq += v; }
  if (lane.kind === 'batch-workers') {
    const hours = totalReq / p.requestsPerSecondAtSlo / 3600;
    const cost = hours * p.pricePerInstanceHour;
    return { instanceHours: hours, cost, costPer1000: totalReq > 0 ? 1000 * cost / totalReq : 0, peakCapacity: 0, sloMinutesPercent: 100, capacity };
  }
  const sized = exactCapacity(lane, trace.rps, options, 1);
  const cost = sized.hours * p.pricePerInstanceHour;
  return { instanceHours: sized.hours, cost, costPer1000: totalReq > 0 ? 1000 * cost / totalReq : 0, peakCapacity: sized.peak, sloMinutesPercent: 100, capacity: sized.capacity };
}

/**
 * Every minute, the fewest instances of `lane` whose latency percentile at the minute's busiest second
 * meets the SLO (M/D/c), or for a Lambda lane exactly the concurrent executions that second needs; `min`
 * instances at least.
 */
function exactCapacity(lane: LaneSpec, rps: ArrayLike<number>, options: SimulateOptions, min: number): { hours: number; peak: number; capacity: number[] } {
  const p = profileFor(lane, options.profiles);
  const q = (lane.slo.latencyPercentile ?? options.sloPercentile ?? p.latencyPercentile) / 100;
  const thr = (lane.slo.latencyMs ?? options.sloLatencyMs ?? p.latencyAtSloMs) / 1000;
  const minutes = Math.ceil(rps.length / 60);
  const capacity = new Array<number>(minutes).fill(0);
  let instanceMinutes = 0;
  let peak = 0;
  for (let m = 0; m < minutes; m++) {
    let peakRps = 0;
    for (let s = m * 60; s < Math.min(rps.length, m * 60 + 60); s++) { peakRps = Math.max(peakRps, rps[s]); }
    let n = Math.max(min, Math.floor(peakRps * p.serviceSeconds / p.concurrency));
    if (lane.kind === 'serverless') {
      n = Math.max(min, Math.ceil(peakRps * p.serviceSeconds));
    } else {
      // Batching's queue delay comes out of the latency budget; no capacity meets a budget under the service time.
      const budget = thr - p.batchDelaySeconds;
      while (budget >= p.serviceSeconds && tailProbability(budget, n * p.concurrency, peakRps, p.serviceSeconds) > 1 - q) { n++; }
    }
    capacity[m] = n;
    instanceMinutes += n;
    peak = Math.max(peak, n);
  }
  return { hours: instanceMinutes / 60, peak, capacity };
}

/** The per-lane oracle of a run: {@link laneOracle}. */
export interface LaneOracleResult {
  readonly instanceHours: number;
  readonly cost: number;
  readonly costPer1000: number;
  /** Per lane (path): the exact instance-hours for the traffic it served, in its own unit. */
  readonly lanes: Array<{ path: string; kind: string; instanceHours: number; cost: number }>;
}

/**
 * The per-lane oracle of a run through a front door (a hybrid): each lane sized exactly, every minute,
 * for the traffic it served in that run (the same split of requests between the lanes), in its own
 * unit — SageMaker instances by the M/D/c rule of {@link oracle}, Lambda environments by the concurrent
 * executions each second needs (no minimum: a Lambda lane that served nothing needs none). It compares a
 * hybrid's instance-hours with an ideal of the same lanes, where {@link oracle} (the primary lane alone)
 * would compare SageMaker instance-hours with Lambda environment-hours. The run must keep its series
 * (`keepSeries`); batch lanes are left out (they serve the queue, not the front door's requests).
 */
export function laneOracle(model: StackModel, run: RunResult, options: SimulateOptions): LaneOracleResult | undefined {
  if (!run.series) { return undefined; }
  const lanes: LaneOracleResult['lanes'] = [];
  let requests = 0;
  for (const l of run.lanes) {
    const spec = model.lanes.find(x => x.path === l.path);
    const series = run.series[l.path];
    if (!spec || !series || spec.kind === 'batch-workers') { continue; }
    const served = series.data.requests;
    const sized = exactCapacity(spec, served, options, spec.kind === 'serverless' ? 0 : 1);
    const cost = sized.hours * profileFor(spec, options.profiles).pricePerInstanceHour;
    lanes.push({ path: l.path, kind: spec.kind, instanceHours: sized.hours, cost });
    requests += l.requests;
  }
  const instanceHours = lanes.reduce((a, l) => a + l.instanceHours, 0);
  const cost = lanes.reduce((a, l) => a + l.cost, 0);
  return { instanceHours, cost, costPer1000: requests > 0 ? 1000 * cost / requests : 0, lanes };
}

/**
 * The naive policy most users start with, in place of the stack's scaling: invocations-per-instance
 * (SageMaker), provisioned-concurrency utilization (Lambda) or CPU (ECS, Kubernetes HPA) target
 * tracking at 70% of what one instance serves at the SLO, default cooldowns, the stack's min/max, no
 * schedules, no step policies.
 */
export function naiveModel(model: StackModel, options: SimulateOptions): StackModel {
  return {
    findings: model.findings,
    frontDoors: model.frontDoors,
    lanes: model.lanes.map(l => naiveLane(l, options)),
  };
}

function naiveLane(lane: LaneSpec, options: SimulateOptions): LaneSpec {
  if (lane.kind === 'edge-fleet') { return lane; }
  const p = profileFor(lane, options.profiles);
  if (lane.kubernetesScalers.length) {
    const k = lane.kubernetesScalers[0];
    return {
      ...lane,
      kubernetesScalers: [{
        kind: 'HorizontalPodAutoscaler', name: `${k.name}-naive`, minReplicas: Math.max(1, k.minReplicas), maxReplicas: k.maxReplicas, pollingInterval: 15,
        triggers: [{ type: 'resource-cpu', metadata: { averageUtilization: '70' }, metricType: 'Utilization' }],
        scaleUpStabilization: 0, scaleDownStabilization: 300,
        scaleUpPolicies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }],
        scaleDownPolicies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], scaleUpSelect: 'Max', scaleDownSelect: 'Max',
      }],
    };
  }
  return {
    ...lane,
    scalableTargets: lane.scalableTargets.map(t => {
      const ns = t.serviceNamespace;
      const predefined = ns === 'sagemaker' ? 'SageMakerVariantInvocationsPerInstance' : ns === 'lambda' ? 'LambdaProvisionedConcurrencyUtilization' : 'ECSServiceAverageCPUUtilization';
      const target = ns === 'sagemaker' ? 0.7 * p.requestsPerSecondAtSlo * 60 : ns === 'lambda' ? 0.7 : 70;
      const cd = DEFAULT_COOLDOWN_SECONDS[ns] ?? 300;
      return {
        ...t, minCapacity: Math.max(t.minCapacity, ns === 'ecs' ? 1 : t.minCapacity), scheduled: [], stepScaling: [],
        targetTracking: [{ logicalId: 'Naive70', predefined, targetValue: target, scaleOutCooldown: cd, scaleInCooldown: cd, disableScaleIn: false }],
      };
    }),
  };
}
