/**
 * Kubernetes manifests → lanes: Deployments / Argo Rollouts with their KEDA ScaledObjects or HPAs and
 * Argo analysis (split from template-reader.ts, which reads CloudFormation).
 */
import { AnalysisMetricSpec, HpaPolicySpec, KubernetesScalerSpec, LaneBatchingSpec, LaneSpec, ReaderFinding, RolloutSpec, SloSpec } from './stack-model';

/** Kubernetes objects of one chart or manifest file. */
export interface ManifestInput {
  readonly source: string;
  readonly objects: Array<{ [key: string]: any }>;
}

/** A number from a template or manifest value (numeric strings too); undefined for anything else. */
export function num(v: any): number | undefined {
  if (typeof v === 'number') { return v; }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) { return Number(v); }
  return undefined;
}

/**
 * Triton's dynamic batching as emitted: a `config.pbtxt` with a `dynamic_batching { }` block in a ConfigMap the
 * workload mounts. `max_batch_size` and `max_queue_delay_microseconds` (0 when absent, Triton's default); the
 * throughput gain is not in the config (the lane construct may state it: modelFromConstructs).
 */
export function tritonBatching(w: any, objs: Array<{ [key: string]: any }>, ns: string): LaneBatchingSpec | undefined {
  const volumes: any[] = w.spec?.template?.spec?.volumes ?? [];
  const names = new Set(volumes.map(v => v?.configMap?.name).filter((n): n is string => typeof n === 'string'));
  for (const cm of objs.filter(o => o.kind === 'ConfigMap' && names.has(o.metadata?.name) && (o.metadata?.namespace ?? ns) === ns)) {
    for (const text of Object.values(cm.data ?? {})) {
      if (typeof text !== 'string') { continue; }
      const block = /dynamic_batching\s*\{([^}]*)\}/.exec(text);
      if (!block) { continue; }
      const maxBatch = /(?:^|\n)\s*max_batch_size\s*:\s*(\d+)/.exec(text);
      const delay = /max_queue_delay_microseconds\s*:\s*(\d+)/.exec(block[1]);
      return { maxBatchSize: maxBatch ? Number(maxBatch[1]) : 0, maxQueueDelayMs: delay ? Number(delay[1]) / 1000 : 0 };
    }
  }
  return undefined;
}

export function readManifests(m: ManifestInput, findings: ReaderFinding[]): LaneSpec[] {
  const objs = m.objects;
  const lanes: LaneSpec[] = [];
  const workloads = objs.filter(o => (o.kind === 'Deployment' || o.kind === 'Rollout') && !(o.kind === 'Rollout' && o.spec?.workloadRef));
  const scalers = objs.filter(o => o.kind === 'ScaledObject' || o.kind === 'HorizontalPodAutoscaler');
  for (const w of workloads) {
    const name = w.metadata?.name;
    const ns = w.metadata?.namespace ?? 'default';
    const rolloutObj = objs.find(o => o.kind === 'Rollout' && o.metadata?.namespace === ns && (o.metadata?.name === name || o.spec?.workloadRef?.name === name));
    const scaleTargetNames = new Set([name, rolloutObj?.metadata?.name]);
    const mine = scalers.filter(s => (s.metadata?.namespace ?? 'default') === ns && scaleTargetNames.has(s.spec?.scaleTargetRef?.name));
    // source/namespace/name, with repeated segments once (chart 'recsys', namespace 'recsys', name 'recsys' -> 'recsys')
    const lanePath = `${m.source}/${ns}/${name}`.split('/').filter((seg, i, all) => i === 0 || seg !== all[i - 1]).join('/');
    const kubernetesScalers = mine.map(s => readScaler(s, lanePath, findings));
    const analysis: AnalysisMetricSpec[] = [];
    let rollout: RolloutSpec | undefined;
    if (rolloutObj) {
      const canary = rolloutObj.spec?.strategy?.canary;
      if (canary) {
        const templates: string[] = (canary.analysis?.templates ?? []).map((t: any) => t.templateName);
        for (const t of objs.filter(o => o.kind === 'AnalysisTemplate' && templates.includes(o.metadata?.name))) {
          for (const metric of t.spec?.metrics ?? []) { analysis.push(readAnalysisMetric(metric, lanePath, findings)); }
        }
        const steps: any[] = canary.steps ?? [];
        const firstWeight = steps.find(s => s.setWeight !== undefined)?.setWeight ?? 100;
        const pauses = steps.filter(s => s.pause).map(s => durationSeconds(s.pause.duration));
        rollout = {
          mechanism: 'argo-canary', type: 'CANARY', canaryPercent: Number(firstWeight), waitSeconds: pauses[0] ?? 0,
          finalBakeSeconds: pauses.length > 1 ? pauses[pauses.length - 1] : 0, alarms: [], analysis, configName: `${steps.length} steps`,
        };
      } else {
        findings.push({ lane: lanePath, resource: `Rollout/${rolloutObj.metadata?.name}`, type: 'Rollout', severity: 'unsupported', message: 'blue-green Argo rollouts are not simulated' });
      }
    }
    const laneLabel = w.metadata?.labels?.['inference.cdk/lane'] ?? 'gpu-cluster';
    const latencyMetric = analysis.find(a => a.measures === 'latency');
    const errorMetric = analysis.find(a => a.measures === 'error-rate');
    const slo: SloSpec = {
      latencyPercentile: analysis.find(a => a.measures === 'latency')?.quantile !== undefined ? analysis.find(a => a.measures === 'latency')!.quantile! * 100 : undefined,
      latencyMs: latencyMetric?.breachMinutes?.thresholdMs ?? latencyMetric?.bound,
      maxErrorRatePercent: errorMetric?.zTest ? errorMetric.zTest.p * 100 : errorMetric?.bound,
    };
    const batching = tritonBatching(w, objs, ns);
    lanes.push({
      ...(batching ? { batching } : {}),
      path: lanePath, kind: laneLabel, anchor: `${w.kind}/${name}`, scalableTargets: [], kubernetesScalers, rollout,
      alarms: [], initialCapacity: num(w.spec?.replicas), slo,
      instanceType: w.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchExpressions?.find((e: any) => e.key === 'node.kubernetes.io/instance-type')?.values?.[0],
    });
  }
  const known = new Set(['Deployment', 'Rollout', 'ScaledObject', 'HorizontalPodAutoscaler', 'AnalysisTemplate']);
  for (const o of objs) {
    if (!known.has(o.kind) && /scal|autoscal/i.test(String(o.kind))) {
      findings.push({ resource: `${o.kind}/${o.metadata?.name}`, type: String(o.kind), severity: 'unsupported', message: 'scaling object kind not simulated' });
    }
    if ((o.kind === 'ScaledObject' || o.kind === 'HorizontalPodAutoscaler') && !workloads.some(w => [w.metadata?.name].concat(objs.filter(r => r.kind === 'Rollout').map(r => r.metadata?.name)).includes(o.spec?.scaleTargetRef?.name))) {
      findings.push({ resource: `${o.kind}/${o.metadata?.name}`, type: o.kind, severity: 'unsupported', message: `scales ${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}, which is not in the manifests` });
    }
  }
  return lanes;
}

function readScaler(s: any, lanePath: string, findings: ReaderFinding[]): KubernetesScalerSpec {
  const behavior = s.kind === 'ScaledObject' ? s.spec?.advanced?.horizontalPodAutoscalerConfig?.behavior ?? {} : s.spec?.behavior ?? {};
  const pol = (x: any): HpaPolicySpec[] => (x?.policies ?? []).map((p: any) => ({ type: p.type, value: Number(p.value), periodSeconds: Number(p.periodSeconds) }));
  // Kubernetes HPA defaults (autoscaling/v2 API reference, HorizontalPodAutoscalerBehavior):
  // scale up: no stabilization, max(100% or 4 pods) per 15 s; scale down: 300 s stabilization, 100% per 15 s.
  const triggers = s.kind === 'ScaledObject'
    ? (s.spec?.triggers ?? []).map((t: any) => ({ type: t.type, name: t.name, metadata: t.metadata ?? {}, metricType: t.metricType }))
    : (s.spec?.metrics ?? []).map((m: any) => ({
      type: m.type === 'Resource' ? `resource-${m.resource?.name}` : String(m.type).toLowerCase(), name: m.resource?.name ?? m.pods?.metric?.name,
      metadata: { averageUtilization: String(m.resource?.target?.averageUtilization ?? ''), averageValue: String(m.pods?.target?.averageValue ?? m.resource?.target?.averageValue ?? '') },
      metricType: m.resource?.target?.type ?? m.pods?.target?.type,
    }));
  for (const t of triggers) {
    if (!['prometheus', 'cron', 'aws-sqs-queue', 'resource-cpu', 'cpu'].includes(t.type)) {
      findings.push({ lane: lanePath, resource: `${s.kind}/${s.metadata?.name}`, type: `trigger ${t.type}`, severity: 'unsupported', message: `trigger type ${t.type} is not simulated` });
    }
  }
  return {
    kind: s.kind,
    name: s.metadata?.name,
    minReplicas: num(s.spec?.minReplicaCount ?? s.spec?.minReplicas) ?? (s.kind === 'ScaledObject' ? 0 : 1),
    maxReplicas: num(s.spec?.maxReplicaCount ?? s.spec?.maxReplicas) ?? 100,
    pollingInterval: num(s.spec?.pollingInterval) ?? (s.kind === 'ScaledObject' ? 30 : 15),
    triggers,
    scaleUpStabilization: num(behavior.scaleUp?.stabilizationWindowSeconds) ?? 0,
    scaleDownStabilization: num(behavior.scaleDown?.stabilizationWindowSeconds) ?? 300,
    scaleUpPolicies: behavior.scaleUp?.policies ? pol(behavior.scaleUp) : [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }],
    scaleDownPolicies: behavior.scaleDown?.policies ? pol(behavior.scaleDown) : [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    scaleUpSelect: behavior.scaleUp?.selectPolicy ?? 'Max',
    scaleDownSelect: behavior.scaleDown?.selectPolicy ?? 'Max',
  };
}

function readAnalysisMetric(metric: any, lanePath: string, findings: ReaderFinding[]): AnalysisMetricSpec {
  const query: string = metric.provider?.prometheus?.query ?? '';
  const cond: string = metric.successCondition ?? '';
  const bound = /result\[0\]\s*(<=?)\s*([0-9.]+)/.exec(cond);
  const quantile = /quantile="([0-9.]+)"/.exec(query);
  const measures = /queue/i.test(query) ? 'unknown' : quantile ? 'latency' : /failure|error|5xx/i.test(query) ? 'error-rate' : 'unknown';
  // The rollback window of a subquery range (`[5m:1m]`), and the guards and tests the lane renders
  // (lib/gpu-cluster/private/rollback-analysis.ts).
  const range = /\[(\d+)m:1m\]/.exec(query);
  const windowSeconds = range ? Number(range[1]) * 60 : undefined;
  let zTest: AnalysisMetricSpec['zTest'];
  let minRequests: number | undefined;
  let breachMinutes: AnalysisMetricSpec['breachMinutes'];
  if (measures === 'error-rate' && /\^ 2 \//.test(query) && bound) {
    const p = /- ([0-9.e-]+) \* \(sum_over_time/.exec(query);
    const guard = />= (\d+)\) and on\(\)/.exec(query);
    if (p) { zTest = { p: Number(p[1]), z2: Number(bound[2]) }; }
    minRequests = guard ? Number(guard[1]) : undefined;
  }
  if (measures === 'latency' && windowSeconds !== undefined && bound) {
    const over = /> bool ([0-9.]+)\)/.exec(query);
    const perMinute = /\* 60 >= (\d+)\)/.exec(query);
    if (over) {
      breachMinutes = { thresholdMs: Number(over[1]), minRequestsPerMinute: perMinute ? Number(perMinute[1]) : 0, failAt: bound[1] === '<' ? Number(bound[2]) : Number(bound[2]) + 1 };
    }
  }
  const understood = measures !== 'unknown' && bound && (windowSeconds === undefined || zTest || breachMinutes);
  if (!metric.provider?.prometheus || !understood) {
    findings.push({ lane: lanePath, resource: `AnalysisTemplate metric ${metric.name}`, type: 'analysis', severity: 'unsupported', message: 'analysis metric the simulator cannot read (needs a Prometheus latency-quantile or error-rate query and `result[0] <= X`, or the lane\'s windowed error test / latency breach count)' });
  }
  return {
    name: metric.name, interval: durationSeconds(metric.interval ?? '60s'), failureLimit: num(metric.failureLimit) ?? 0,
    successCondition: cond, query, measures: understood ? measures : 'unknown', bound: bound ? Number(bound[2]) : undefined, quantile: quantile ? Number(quantile[1]) : undefined,
    ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    ...(minRequests !== undefined ? { minRequests } : {}),
    ...(zTest ? { zTest } : {}),
    ...(breachMinutes ? { breachMinutes } : {}),
  };
}

function durationSeconds(d: any): number {
  if (typeof d === 'number') { return d; }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(d));
  if (!m) { return 0; }
  const v = Number(m[1]);
  return m[2] === 'ms' ? v / 1000 : m[2] === 'm' ? v * 60 : m[2] === 'h' ? v * 3600 : v;
}
