import { Construct } from 'constructs';
import { AutoscalingPolicy, LaneScalingSupport, LLM_TRIGGER_KINDS, ScalingTrigger, TriggerKind } from '../../core/autoscaling';
import { checkRange, invalid } from '../../core/private/errors';
import { checkPropsObject } from '../../core/private/validation';
import { ModelArtifact } from '../../core/model-artifact';
import { Rollout, RolloutStrategy } from '../../core/rollout';
import { GpuServingChartProps } from '../gpu-serving-chart';
import { KubernetesRolloutMode } from '../rollout-mode';
import { KubernetesScalingEngine } from '../scaling-engine';
import { ServedModel } from '../served-model';
import { ModelCacheOptions } from '../gpu-serving-options';
import { ServingRuntimeKind } from '../serving-runtime';
import { ResolvedRuntime } from './runtime';
import { checkAnalysisCanFail } from './rollback-analysis';
import { bindForChart } from './served-model-of';
import { concrete, isDnsLabel, ResolvedQueries } from './util';
import { checkServedVersion, checkShadowCandidate } from './validate-options';

/**
 * The checks of GpuServingChart that need more than one prop: artifacts against plain models, the
 * rollout against the rollout mode, the shadow track, the scaling engine, props no object would use.
 * @internal
 */

/** Props no object would carry with these settings: an error, not a silent no-op. */
export function checkUnused(scope: Construct, props: GpuServingChartProps, policy: AutoscalingPolicy, engine: KubernetesScalingEngine): void {
  const keda = !policy.isFixed && engine === KubernetesScalingEngine.KEDA;
  if (props.pollingInterval !== undefined && !keda) {
    throw invalid(scope, 'pollingInterval', props.pollingInterval, `is not used: only a KEDA ScaledObject polls (this chart renders ${policy.isFixed ? 'a fixed replica count' : 'an HPA'})`, 'Drop pollingInterval.');
  }
  if (props.hostnames !== undefined && !props.gateway) {
    throw invalid(scope, 'hostnames', props.hostnames, 'is not used: there is no HTTPRoute without a gateway', "Pass gateway: { name: 'inference-gateway' }, or drop hostnames.");
  }
  if (props.monitoringLabels !== undefined && !props.prometheusOperator) {
    throw invalid(scope, 'monitoringLabels', props.monitoringLabels, 'is not used: no ServiceMonitor or PrometheusRule is rendered without prometheusOperator', 'Set prometheusOperator: true, or drop monitoringLabels.');
  }
  if (props.modelCache !== undefined && props.modelVolumeSize !== undefined) {
    throw invalid(scope, 'modelVolumeSize', props.modelVolumeSize.toHumanString(), 'is not used with modelCache: the weights are downloaded and unpacked on the node\'s disk, not in the pod\'s emptyDir',
      'Drop modelVolumeSize, and size the node disk behind modelCache.hostPath for the versions it keeps.');
  }
  const vllm = props.servingRuntime?.kind === ServingRuntimeKind.VLLM;
  for (const key of ['requestsWaiting', 'kvCacheUtilizationPercent', 'generationTokensPerSecond'] as const) {
    if (props.metricQueries?.[key] !== undefined && !vllm) {
      throw invalid(scope, `metricQueries.${key}`, props.metricQueries[key], 'is not used: only an LLM server (servingRuntime ServingRuntime.vllm()) renders the LLM triggers that read it',
        `Drop metricQueries.${key}, or serve the model with ServingRuntime.vllm().`);
    }
  }
  if (props.queueReaderRoleArn !== undefined && !policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE)) {
    throw invalid(scope, 'queueReaderRoleArn', props.queueReaderRoleArn, 'is not used: the policy has no queueBacklogPerInstance trigger', 'Drop queueReaderRoleArn, or add ScalingTrigger.queueBacklogPerInstance(n).');
  }
}

export function resolveArtifacts(scope: Construct, props: GpuServingChartProps): GpuServingChartProps {
  const pick = (plainProp: string, plain: ServedModel | undefined, artifactProp: string, artifact: ModelArtifact | undefined): ServedModel | undefined => {
    if (plain !== undefined && artifact !== undefined) {
      throw invalid(scope, artifactProp, `${artifact.name}@${artifact.version}`, `conflicts with '${plainProp}' (${plain.name}@${plain.version})`, `Give either ${plainProp} or ${artifactProp}.`);
    }
    return artifact ? bindForChart(scope, artifactProp, artifact) : plain;
  };
  const model = pick('model', props.model, 'artifact', props.artifact);
  if (!model) {
    throw invalid(scope, 'model', undefined, 'is required (or artifact)', "Pass artifact: ModelArtifact.fromBucket(...) or model: { name, version, weightsUri, imageUri }.");
  }
  const stableModel = pick('stableModel', props.stableModel, 'stableArtifact', props.stableArtifact);
  if (props.shadow && (props.shadowModel !== undefined || props.shadowPercent !== undefined)) {
    throw invalid(scope, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, "conflicts with 'shadowModel'/'shadowPercent'", 'Give either shadow or shadowModel with shadowPercent.');
  }
  const shadowModel = props.shadow ? bindForChart(scope, 'shadow.candidate', props.shadow.candidate) : props.shadowModel;
  return { ...props, model, stableModel, shadowModel, shadowPercent: props.shadow?.samplePercent ?? props.shadowPercent };
}

export function checkModel(scope: Construct, prop: string, m: ServedModel): void {
  checkServedVersion(scope, prop, m);
  if (concrete(m.name) && !isDnsLabel(m.name, 40)) {
    throw invalid(scope, `${prop}.name`, m.name, 'is not a DNS label of at most 40 characters', "Use lowercase letters, digits and '-'.");
  }
  if (concrete(m.version) && !/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(m.version)) {
    throw invalid(scope, `${prop}.version`, m.version, 'is not a valid label value', "Use e.g. '1.4.0'.");
  }
  if (concrete(m.weightsUri) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/.test(m.weightsUri)) {
    throw invalid(scope, `${prop}.weightsUri`, m.weightsUri, 'is not an s3:// URI of an object or prefix', "The model-fetch init container reads S3: pass e.g. 's3://models/recsys/1.4.0/model.tar.gz'.");
  }
  if (m.weightsDigest !== undefined && concrete(m.weightsDigest) && !/^sha256:[0-9a-f]{64}$/.test(m.weightsDigest)) {
    throw invalid(scope, `${prop}.weightsDigest`, m.weightsDigest, 'is not a SHA-256 digest', "Pass 'sha256:' and 64 lowercase hex characters.");
  }
}

/**
 * Scale to zero only on signals that exist while no pod runs: the server's own metrics (Triton
 * `nv_inference_*`, `nv_gpu_utilization`) disappear with the last pod, so KEDA would never see
 * demand again (and with `ignoreNullValues: "false"` their errors would trip the fallback).
 */
export function checkWakeFromZero(scope: Construct, policy: AutoscalingPolicy, queries: ResolvedQueries, vllm: boolean = false): void {
  const fix = 'Scale to zero only on a signal that exists without pods: ScalingTrigger.queueBacklogPerInstance (SQS), '
    + 'ScalingTrigger.requestsPerInstance with metricQueries.gatewayRequestsPerSecond (gateway or ingress request metrics), '
    + 'schedules (KEDA cron), or the KEDA HTTP add-on (an HTTPScaledObject you manage outside this chart); otherwise keep minCapacity >= 1.';
  const podBound = policy.triggers.filter(t => !wakesFromZero(t, queries) && t.kind !== TriggerKind.CPU_UTILIZATION);
  if (podBound.length > 0) {
    throw invalid(scope, 'autoscaling.scaleToZero', true,
      `cannot wake from zero on ${podBound.map(t => t.toString()).join(', ')}: the server's metrics (${vllm ? 'vLLM vllm:*' : 'Triton nv_inference_*'}) exist only while a pod runs, so at zero KEDA has no data to scale out on`, fix);
  }
  // A schedule wakes the workload at its start (KEDA cron exists without pods): CPU beside it scales
  // the window, and outside the windows the workload stays at zero.
  const scheduled = policy.schedules.some(sc => sc.minCapacity > 0);
  if (!scheduled && !policy.triggers.some(t => wakesFromZero(t, queries))) {
    throw invalid(scope, 'autoscaling.scaleToZero', true, 'needs a trigger that can wake a workload at zero: KEDA cannot scale out from zero on CPU utilization', fix);
  }
}

export function resolveEngine(scope: Construct, policy: AutoscalingPolicy, asked: KubernetesScalingEngine, queries: ResolvedQueries, runtime: ResolvedRuntime): KubernetesScalingEngine {
  const hpa: LaneScalingSupport = {
    lane: 'GpuClusterService (HPA)', triggers: [TriggerKind.CPU_UTILIZATION], scaleToZero: false, schedules: false, stepLimits: true,
  };
  const vllm = runtime.kind === ServingRuntimeKind.VLLM;
  const keda: LaneScalingSupport = {
    lane: vllm ? 'GpuClusterService (KEDA, vLLM)' : 'GpuClusterService (KEDA, Triton)',
    triggers: [TriggerKind.REQUESTS_PER_INSTANCE, TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.CPU_UTILIZATION,
      // vLLM exports no GPU metric: GPU utilization needs the user's (DCGM) query.
      ...(!vllm || queries.gpuUtilizationPercent !== undefined ? [TriggerKind.GPU_UTILIZATION] : []),
      TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE, ...(vllm ? LLM_TRIGGERS : [])],
    scaleToZero: true, schedules: true, stepLimits: true,
  };
  const gpu = policy.trigger(TriggerKind.GPU_UTILIZATION);
  if (vllm && gpu && queries.gpuUtilizationPercent === undefined) {
    throw invalid(scope, 'autoscaling.triggers', gpu.toString(), 'needs metricQueries.gpuUtilizationPercent with vLLM: vLLM exports no GPU metric',
      "Pass metricQueries.gpuUtilizationPercent from the NVIDIA DCGM exporter (e.g. 'avg(DCGM_FI_DEV_GPU_UTIL{namespace=\"llm\",pod=~\"assistant-.*\"})'), or scale on ScalingTrigger.kvCacheUtilization or requestsWaitingPerInstance.");
  }
  let engine = asked;
  if (asked === KubernetesScalingEngine.AUTO) {
    const hpaFits = policy.triggers.every(t => t.kind === TriggerKind.CPU_UTILIZATION) && !policy.scaleToZero && policy.schedules.length === 0;
    engine = hpaFits ? KubernetesScalingEngine.HPA : KubernetesScalingEngine.KEDA;
  }
  if (engine === KubernetesScalingEngine.HPA) {
    if (policy.scaleToZero) {
      throw invalid(scope, 'autoscaling.scaleToZero', true, 'is not possible with an HPA (minReplicas 0 is invalid)', 'Use scalingEngine KEDA (or AUTO) to scale to zero.');
    }
    policy.validateFor(scope, hpa);
  } else {
    policy.validateFor(scope, keda);
    if (policy.scaleToZero) { checkWakeFromZero(scope, policy, queries, vllm); }
  }
  for (const s of policy.schedules) {
    const max = s.maxCapacity ?? Math.max(policy.maxCapacity, s.minCapacity);
    if (max !== policy.maxCapacity) {
      throw invalid(scope, `autoscaling.schedules.${s.name}.maxCapacity`, max, `differs from the policy's maxCapacity (${policy.maxCapacity}): a KEDA cron trigger raises the floor only, maxReplicaCount stays fixed`,
        `Size the policy's maxCapacity for the surge (>= ${s.minCapacity}) and drop the schedule's maxCapacity.`);
    }
  }
  return engine;
}

/** The triggers only an LLM server (vLLM) can render. @internal */
const LLM_TRIGGERS: TriggerKind[] = [...LLM_TRIGGER_KINDS];

/** The node cache directory must be an absolute, normalized path other than `/`. @internal */
export function checkModelCache(scope: Construct, cache: ModelCacheOptions | undefined): void {
  if (cache === undefined) { return; }
  checkPropsObject(scope, 'modelCache', cache, "Pass {} for the default directory, or { hostPath: '/var/lib/cdk-inference-lanes/model-cache' }.");
  const path = cache.hostPath;
  if (path !== undefined && typeof path !== 'string') {
    throw invalid(scope, 'modelCache.hostPath', path, 'is not a string', "Pass e.g. '/var/lib/cdk-inference-lanes/model-cache'.");
  }
  if (path === undefined || !concrete(path)) { return; }
  if (!path.startsWith('/') || path === '/' || path.endsWith('/') || path.split('/').some(p => p === '..' || p === '.') || path.includes('//')) {
    throw invalid(scope, 'modelCache.hostPath', path, 'is not an absolute node directory (normalized, not /)', "Pass e.g. '/var/lib/cdk-inference-lanes/model-cache'.");
  }
}

/** Validate the rollout for the rollout mode. */
export function checkRollout(scope: Construct, mode: KubernetesRolloutMode, rollout: Rollout | undefined, props: GpuServingChartProps): void {
  if (rollout && rollout.alarms.length > 0) {
    throw invalid(scope, 'rollout.alarms', rollout.alarms.length, 'cannot stop a Kubernetes rollout (they are CloudWatch alarms)', 'Express the condition in the slo (Prometheus), and use rolloutMode ARGO_ROLLOUTS.');
  }
  if (props.stableModel && mode !== KubernetesRolloutMode.GATEWAY_API) {
    throw invalid(scope, 'stableModel', `${props.stableModel.name}@${props.stableModel.version}`, `is only used by rolloutMode GATEWAY_API (this chart uses ${mode})`,
      mode === KubernetesRolloutMode.ARGO_ROLLOUTS ? 'Drop stableModel: Argo Rollouts keeps the previous version itself.' : 'Drop stableModel or use rolloutMode GATEWAY_API.');
  }
  switch (mode) {
    case KubernetesRolloutMode.ROLLING_UPDATE:
      if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
        throw invalid(scope, 'rollout', rollout.toString(), 'cannot be rendered by a rolling update (no traffic weights)', 'Use rolloutMode GATEWAY_API (a fixed canary weight) or ARGO_ROLLOUTS (steps with SLO analysis).');
      }
      if (rollout && rollout.autoRollback) {
        throw invalid(scope, 'rollout.autoRollback', true, 'is not possible with a rolling update (Kubernetes does not watch the SLO)', 'Use rolloutMode ARGO_ROLLOUTS, or pass Rollout.allAtOnce({ autoRollback: false }).');
      }
      break;
    case KubernetesRolloutMode.GATEWAY_API:
      if (!rollout || rollout.strategy !== RolloutStrategy.CANARY) {
        throw invalid(scope, 'rollout', rollout?.toString(), 'must be a canary with rolloutMode GATEWAY_API (a fixed weight between two Deployments)', 'Pass Rollout.canary({ percent, bakeTime, autoRollback: false }), or use ARGO_ROLLOUTS for linear and all-at-once steps.');
      }
      if (rollout.autoRollback) {
        throw invalid(scope, 'rollout.autoRollback', true, 'is not possible with rolloutMode GATEWAY_API: the weight is static and no controller watches the SLO', 'Pass autoRollback: false (promote or roll back by editing the app), or use rolloutMode ARGO_ROLLOUTS.');
      }
      if (!props.gateway) {
        throw invalid(scope, 'gateway', undefined, 'is required by rolloutMode GATEWAY_API (the HTTPRoute splits the traffic)', "Pass gateway: { name: 'inference-gateway', namespace: 'gateway' }.");
      }
      if (!props.stableModel) {
        throw invalid(scope, 'stableModel', undefined, `is required by rolloutMode GATEWAY_API: it keeps ${100 - rollout.percent}% of the traffic`, 'Pass the version currently serving as stableModel.');
      }
      checkModel(scope, 'stableModel', props.stableModel);
      if (props.stableModel.version === props.model!.version) {
        throw invalid(scope, 'stableModel.version', props.stableModel.version, 'equals the canary version', 'Pass the previous version as stableModel.');
      }
      break;
    case KubernetesRolloutMode.ARGO_ROLLOUTS:
      if (!rollout) {
        throw invalid(scope, 'rollout', undefined, 'is required by rolloutMode ARGO_ROLLOUTS', 'Pass e.g. Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10) }).');
      }
      if (rollout.autoRollback && !props.slo) {
        throw invalid(scope, 'rollout.autoRollback', true, 'needs an slo: the Argo analysis measures it', 'Pass slo, or autoRollback: false.');
      }
      if (rollout.autoRollback && props.slo) { checkAnalysisCanFail(scope, rollout, props.slo); }
      break;
  }
}

/** Validate the shadow track; returns the mirrored percent. */
export function checkShadow(scope: Construct, mode: KubernetesRolloutMode, props: GpuServingChartProps): number | undefined {
  if (props.shadowModel === undefined) {
    if (props.shadowPercent !== undefined) {
      throw invalid(scope, 'shadowPercent', props.shadowPercent, 'has no shadowModel to mirror to', 'Pass shadowModel or drop shadowPercent.');
    }
    return undefined;
  }
  checkModel(scope, 'shadowModel', props.shadowModel);
  checkShadowCandidate(scope, props.shadow ? 'shadow.candidate' : 'shadowModel', props.shadowModel, mode === KubernetesRolloutMode.GATEWAY_API && props.stableModel ? [props.model!, props.stableModel] : [props.model!]);
  if (props.shadowPercent === undefined) {
    throw invalid(scope, 'shadowPercent', undefined, 'is required with shadowModel', 'Pass the mirrored share, e.g. 10.');
  }
  checkRange(scope, 'shadowPercent', props.shadowPercent, 1, 100, 'Pass a share from 1 to 100 percent.');
  if (!Number.isInteger(props.shadowPercent)) {
    throw invalid(scope, 'shadowPercent', props.shadowPercent, 'must be a whole percent (Gateway API RequestMirror percent)', `Pass ${Math.round(props.shadowPercent)}.`);
  }
  if (!props.gateway) {
    throw invalid(scope, 'gateway', undefined, 'is required for shadow traffic (an HTTPRoute RequestMirror filter copies the requests)', "Pass gateway: { name: 'inference-gateway' }.");
  }
  const gatewayApi = props.gatewayApiVersion;
  if (gatewayApi !== undefined && concrete(gatewayApi)) {
    const m = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(gatewayApi);
    if (!m) {
      throw invalid(scope, 'gatewayApiVersion', gatewayApi, 'is not a Gateway API release version', "Pass the installed CRDs' bundle version, e.g. '1.3.0'.");
    }
    const older = Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 3);
    if (older && props.shadowPercent < 100) {
      throw invalid(scope, 'shadowPercent', props.shadowPercent,
        `cannot be honoured by Gateway API ${gatewayApi}: RequestMirror 'percent' is in the Standard channel from v1.3.0 (older CRDs reject the field, or the gateway mirrors every request)`,
        'Upgrade the Gateway API CRDs and your implementation to v1.3.0 or newer (it must list HTTPRouteRequestPercentageMirror in GatewayClass status.supportedFeatures), or mirror 100%.');
    }
  }
  return props.shadowPercent;
}

function wakesFromZero(t: ScalingTrigger, queries: ResolvedQueries): boolean {
  return t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE
    || (t.kind === TriggerKind.REQUESTS_PER_INSTANCE && queries.gatewayRequestsPerSecond !== undefined);
}
