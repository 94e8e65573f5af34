import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { DynamicBatching } from '../../core/dynamic-batching';
import { Rollout as ArgoRolloutObject } from '../imports/argoproj.io';
import { ModelServer, ModelServerProps } from '../model-server';
import { GpuServingOptions } from '../gpu-serving-options';
import { ServedModel } from '../served-model';
import { ServingAutoscaler, ServingAutoscalerProps } from '../serving-autoscaler';
import { PodSettings } from './pod-settings';
import { ResolvedRuntime } from './runtime';
import { tritonCommand } from './triton-command';
import { vllmCommand } from './vllm';
import { ServingRuntimeKind } from '../serving-runtime';
import { MODEL_ROOT } from './model-env';

/**
 * One serving track of a GpuServingChart (stable, canary or shadow): its model server (Deployment,
 * Service, PDB, Triton config) and, with an autoscaling policy, its HPA or ScaledObject. The three
 * tracks differ only in the few settings of {@link TrackSpec}.
 * @internal
 */

/** What every track of a chart shares. */
export interface TrackContext {
  /** Base name of the objects; the canary and shadow tracks add `-canary` / `-shadow`. */
  readonly base: string;
  /** The model-server settings every track shares. */
  readonly server: Omit<ModelServerProps, 'name' | 'model' | 'track' | 'replicas'>;
  readonly policy: AutoscalingPolicy;
  /** The autoscaler settings every track shares; undefined for a fixed replica count. */
  readonly autoscaler?: Omit<ServingAutoscalerProps, 'name' | 'labels' | 'target' | 'minReplicas' | 'maxReplicas' | 'scheduleShare' | 'promSelector'>;
  /** `hpa` or `scaler`: the suffix of the autoscaler's name. */
  readonly scalerKind: string;
  readonly labels: { [key: string]: string };
  /** The Prometheus selector of a track's Service. */
  readonly selectorFor: (service: string) => string;
}

/** How one track differs. */
export interface TrackSpec {
  /** Construct id: `Stable`, `Canary` or `Shadow` (the autoscaler is `<id>Autoscaler`). */
  readonly id: string;
  readonly track: 'stable' | 'canary' | 'shadow';
  readonly model: ServedModel;
  /**
   * Share of the traffic the track gets (the canary weight, the mirrored share): its fixed replicas
   * and schedule floors are scaled by it, and it never scales below 1 pod (the route or the mirror
   * sends it requests at all times).
   *
   * @default - the stable track: the policy's replicas and floor
   */
  readonly share?: number;
  /** Argo Rollouts runs the pods: the Deployment only holds the template and the autoscaler targets the Rollout. */
  readonly argo?: boolean;
}

/** @internal */
export function buildServingTrack(scope: Construct, ctx: TrackContext, spec: TrackSpec): { server: ModelServer; autoscaler?: ServingAutoscaler } {
  const name = spec.track === 'stable' ? ctx.base : `${ctx.base}-${spec.track}`;
  const policy = ctx.policy;
  const share = spec.share;
  const fixedReplicas = share === undefined ? policy.minCapacity : Math.max(1, Math.ceil(policy.minCapacity * share));
  const server = new ModelServer(scope, spec.id, {
    ...ctx.server,
    name,
    model: spec.model,
    track: spec.track,
    replicas: spec.argo ? 0 : (ctx.autoscaler ? undefined : fixedReplicas),
    // The shadow serves no user: disruptions need not be budgeted.
    ...(spec.track === 'shadow' ? { maxUnavailable: undefined } : {}),
  });
  if (!ctx.autoscaler) { return { server }; }
  if (!spec.argo) { server.deployment.markHasAutoscaler(); }
  const autoscaler = new ServingAutoscaler(scope, `${spec.id}Autoscaler`, {
    ...ctx.autoscaler,
    name: `${name}-${ctx.scalerKind}`,
    labels: ctx.labels,
    target: spec.argo ? { ...ArgoRolloutObject.GVK, name } : { name },
    minReplicas: share === undefined ? policy.minCapacity : 1,
    maxReplicas: policy.maxCapacity,
    scheduleShare: share,
    promSelector: ctx.selectorFor(name),
  });
  return { server, autoscaler };
}

/** The node directory of the model cache when `modelCache.hostPath` is not given. @internal */
export const DEFAULT_MODEL_CACHE_PATH = '/var/lib/cdk-inference-lanes/model-cache';

/** The model-server settings every track of a chart shares, from the chart's props and resolved pod settings. @internal */
export function trackServerProps(props: GpuServingOptions & { readonly awsRegion?: string; readonly fetchCredentialsSecret?: string }, pod: PodSettings,
  shared: { base: string; serviceAccount: kplus.IServiceAccount; scrapeLabel: { [key: string]: string }; modelName: string; runtime: ResolvedRuntime; batching?: DynamicBatching; maxNumSeqs?: number }): TrackContext['server'] {
  const { httpPort, grpcPort, metricsPort } = pod;
  const vllm = shared.runtime.kind === ServingRuntimeKind.VLLM;
  const defaultCommand = vllm
    ? vllmCommand(shared.runtime.vllm!, { modelName: shared.modelName, modelDir: `${MODEL_ROOT}/${shared.modelName}/1`, port: httpPort, gpuCount: pod.gpuCount, maxNumSeqs: shared.maxNumSeqs })
    : tritonCommand(httpPort, grpcPort, metricsPort, props.slo?.latencyPercentile);
  return {
    appName: shared.base,
    serviceAccount: shared.serviceAccount,
    gpuCount: pod.gpuCount, cpu: pod.cpu, memory: pod.memory,
    instanceTypes: props.instanceTypes ?? [],
    nodeSelector: props.nodeSelector ?? {},
    tolerations: pod.tolerations,
    priorityClassName: props.priorityClassName,
    terminationGracePeriod: pod.grace,
    preStopDelay: pod.preStop,
    spreadAcrossZones: props.spreadAcrossZones ?? true,
    triton: shared.runtime.triton,
    batching: shared.batching,
    runtime: shared.runtime.kind,
    modelCachePath: props.modelCache ? (props.modelCache.hostPath ?? DEFAULT_MODEL_CACHE_PATH) : undefined,
    command: props.command ?? defaultCommand,
    environment: props.environment ?? {},
    httpPort, grpcPort, metricsPort,
    // Triton: the model itself is READY (loaded, warm-up run); vLLM answers /health once its engine holds the model.
    readinessPath: props.readinessPath ?? (vllm ? '/health' : `/v2/models/${shared.modelName}/ready`),
    livenessPath: props.livenessPath ?? (vllm ? '/health' : '/v2/health/live'),
    startupTimeout: pod.startupTimeout,
    sharedMemorySize: pod.shm,
    modelVolumeSize: pod.modelVolumeSize,
    fetchImage: props.fetchImage ?? 'public.ecr.aws/aws-cli/aws-cli:2.22.35',
    unpackImage: props.unpackImage ?? 'public.ecr.aws/docker/library/busybox:1.36.1',
    runAsUser: pod.runAsUser,
    maxUnavailable: pod.maxUnavailable,
    awsRegion: props.awsRegion,
    fetchCredentialsSecret: props.fetchCredentialsSecret,
    serviceLabels: shared.scrapeLabel,
  };
}
