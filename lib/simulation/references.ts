import { DEFAULT_COOLDOWN_SECONDS } from './platform';
import { profileFor, selectLanes, SimulateOptions } from './engine';
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
  const lane = lanes.find(l => l.kind !== 'serverless' && l.kind !== 'batch-workers') ?? lanes[0];
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
  const q = (lane.slo.latencyPercentile ?? options.sloPercentile ?? p.latencyPercentile) / 100;
  const thr = (lane.slo.latencyMs ?? options.sloLatencyMs ?? p.latencyAtSloMs) / 1000;
  let instanceMinutes = 0;
  let peak = 0;
  for (let m = 0; m < minutes; m++) {
    let peakRps = 0;
    for (let s = m * 60; s < Math.min(trace.rps.length, m * 60 + 60); s++) { peakRps = Math.max(peakRps, trace.rps[s]); }
    let n = Math.max(1, Math.floor(peakRps * p.serviceSeconds / p.concurrency));
    if (lane.kind === 'serverless') {
      n = Math.max(1, Math.ceil(peakRps * p.serviceSeconds));
    } else {
      while (tailProbability(thr, n * p.concurrency, peakRps, p.serviceSeconds) > 1 - q) { n++; }
    }
    capacity[m] = n;
    instanceMinutes += n;
    peak = Math.max(peak, n);
  }
  const hours = instanceMinutes / 60;
  const cost = hours * p.pricePerInstanceHour;
  return { instanceHours: hours, cost, costPer1000: totalReq > 0 ? 1000 * cost / totalReq : 0, peakCapacity: peak, sloMinutesPercent: 100, capacity };
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
