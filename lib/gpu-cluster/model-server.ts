import * as crypto from 'crypto';
import { Duration, Size } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DynamicBatching } from '../core/dynamic-batching';
import { GpuToleration } from './gpu-serving-options';
import { MODEL_ROOT, servedModelEnvironment } from './private/model-env';
import { ModelCacheMount, modelCacheKey, modelFetchContainers } from './private/model-fetch';
import { patchPodSpec } from './private/pod-patches';
import { secondsOf } from './private/util';
import { VLLM_ENVIRONMENT } from './private/vllm';
import { ServedModel } from './served-model';
import { ServingRuntimeKind } from './serving-runtime';
import { TritonModelConfig } from './triton-model-config';

/** Size of the `/models` emptyDir (and its ephemeral-storage request) when the weights are in the node cache. */
const CACHED_MODEL_VOLUME_MIB = 64;

/**
 * Props of {@link ModelServer}. Every value is already resolved by the chart (no defaults here
 * beyond what is documented).
 */
export interface ModelServerProps {
  /** Name of the Deployment, its Service and its PodDisruptionBudget. */
  readonly name: string;
  /** The model version this server runs. */
  readonly model: ServedModel;
  /** Traffic role: `stable`, `canary` or `shadow`. */
  readonly track: string;
  /** Base name shared by every track (the `app.kubernetes.io/name` label). */
  readonly appName: string;
  /** Service account the pods run as. */
  readonly serviceAccount: kplus.IServiceAccount;
  /** Replicas; undefined when an autoscaler owns them. */
  readonly replicas?: number;
  /** GPUs per pod. */
  readonly gpuCount: number;
  /** CPU cores requested. */
  readonly cpu: number;
  /** Memory request and limit. */
  readonly memory: Size;
  /** Instance types (node affinity). */
  readonly instanceTypes: string[];
  /** Node selector. */
  readonly nodeSelector: { [label: string]: string };
  /** Tolerations. */
  readonly tolerations: GpuToleration[];
  /** Priority class name. @default - none */
  readonly priorityClassName?: string;
  /** Termination grace period. */
  readonly terminationGracePeriod: Duration;
  /** preStop sleep. */
  readonly preStopDelay: Duration;
  /** Zone spread. */
  readonly spreadAcrossZones: boolean;
  /** Triton config. @default - none */
  readonly triton?: TritonModelConfig;
  /** Server command. */
  readonly command: string[];
  /** Server environment. */
  readonly environment: { [name: string]: string };
  /** Ports. */
  readonly httpPort: number;
  /** gRPC port. */
  readonly grpcPort: number;
  /** Metrics port. */
  readonly metricsPort: number;
  /** Readiness path. */
  readonly readinessPath: string;
  /** Liveness path. */
  readonly livenessPath: string;
  /** Startup timeout. */
  readonly startupTimeout: Duration;
  /** /dev/shm size. */
  readonly sharedMemorySize: Size;
  /** Model volume size. */
  readonly modelVolumeSize: Size;
  /** Fetch image. */
  readonly fetchImage: string;
  /** Unpack image. */
  readonly unpackImage: string;
  /** UID. */
  readonly runAsUser: number;
  /** PDB maxUnavailable; undefined for no PDB. */
  readonly maxUnavailable?: number;
  /** AWS region for the fetch. @default - from the pod's environment */
  readonly awsRegion?: string;
  /** Secret with AWS credentials for the fetch. @default - none */
  readonly fetchCredentialsSecret?: string;
  /** Labels on the Service (e.g. the scrape label). */
  readonly serviceLabels: { [key: string]: string };

  /**
   * The inference server: Triton (three ports) or vLLM (one port for the API, `/health` and `/metrics`).
   *
   * @default ServingRuntimeKind.TRITON
   */
  readonly runtime?: ServingRuntimeKind;

  /**
   * The shared dynamic batching the Triton config renders.
   *
   * @default - the Triton config's own batch props
   */
  readonly batching?: DynamicBatching;

  /**
   * Directory on the node that caches the weights per model version (a hostPath volume).
   *
   * @default - no cache: the weights go to the pod's emptyDir
   */
  readonly modelCachePath?: string;
}

/**
 * One version of the model served on GPUs: a Deployment (cdk8s-plus, with escape hatches for what
 * cdk8s-plus cannot express), a Service with named ports, an optional Triton ConfigMap and a
 * PodDisruptionBudget. The chart creates one per track (stable, canary, shadow).
 *
 * The pod: an init container fetches the weights from S3 into an emptyDir at `/models`, a second
 * one verifies the digest and unpacks them to `/models/<model>/1/`; the server container requests
 * `nvidia.com/gpu`, mounts `/dev/shm` (memory emptyDir), writable `/tmp` and `/cache`, runs as
 * non-root with a read-only root filesystem, and has startup, readiness and liveness probes.
 */
export class ModelServer extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service. */
  public readonly service: kplus.Service;
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Labels that select this server's pods. */
  public readonly selector: { [key: string]: string };
  /** The Triton ConfigMap, if any. */
  public readonly tritonConfig?: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: ModelServerProps) {
    super(scope, id);
    this.name = props.name;
    const m = props.model;
    const labels: { [key: string]: string } = {
      'app.kubernetes.io/name': props.appName,
      'app.kubernetes.io/instance': props.name,
      'app.kubernetes.io/version': m.version,
      'app.kubernetes.io/component': 'model-server',
      'inference.cdk/lane': 'gpu-cluster',
      'inference.cdk/track': props.track,
    };
    const annotations: { [key: string]: string } = {
      'inference.cdk/model': `${m.name}@${m.version}`,
      'inference.cdk/weights-uri': m.weightsUri,
    };
    if (m.weightsDigest) { annotations['inference.cdk/weights-digest'] = m.weightsDigest; }
    if (m.precision) { annotations['inference.cdk/precision'] = m.precision; }
    if (m.cardJson) { annotations['inference.cdk/model-card'] = m.cardJson; }

    // Volumes: model repository, /dev/shm, writable temp and cache.
    // With the node cache the weights live on the node's disk: the emptyDir only holds the Triton config.
    const modelVolumeSize = props.modelCachePath !== undefined ? Size.mebibytes(CACHED_MODEL_VOLUME_MIB) : props.modelVolumeSize;
    const modelsVolume = kplus.Volume.fromEmptyDir(this, 'ModelsVolume', 'models', { sizeLimit: cdk8s.Size.mebibytes(modelVolumeSize.toMebibytes()) });
    const shmVolume = kplus.Volume.fromEmptyDir(this, 'ShmVolume', 'dshm', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: cdk8s.Size.mebibytes(props.sharedMemorySize.toMebibytes()) });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: cdk8s.Size.gibibytes(2) });
    const cacheVolume = kplus.Volume.fromEmptyDir(this, 'CacheVolume', 'cache', { sizeLimit: cdk8s.Size.gibibytes(2) });

    const serverMounts: kplus.VolumeMount[] = [
      { volume: modelsVolume, path: MODEL_ROOT },
      { volume: shmVolume, path: '/dev/shm' },
      { volume: tmpVolume, path: '/tmp' },
      { volume: cacheVolume, path: '/cache' },
    ];
    let modelCache: ModelCacheMount | undefined;
    if (props.modelCachePath !== undefined) {
      // The node's cache: the init containers fill <key>, the server reads it read-only as the version directory.
      const volume = kplus.Volume.fromHostPath(this, 'ModelCacheVolume', 'model-cache', { path: props.modelCachePath, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE });
      modelCache = { volume, key: modelCacheKey(m.name, m.version, m.weightsDigest) };
      serverMounts.push({ volume, path: `${MODEL_ROOT}/${m.name}/1`, subPath: modelCache.key, readOnly: true });
      annotations['inference.cdk/model-cache'] = `${props.modelCachePath}/${modelCache.key}`;
    }
    if (props.triton) {
      const text = props.triton.render(m.name, m.framework ?? 'unknown', props.batching);
      this.tritonConfig = new kplus.ConfigMap(this, 'TritonConfig', {
        metadata: { name: `${props.name}-triton`, labels },
        data: { 'config.pbtxt': text },
      });
      const configVolume = kplus.Volume.fromConfigMap(this, 'TritonConfigVolume', this.tritonConfig, { name: 'triton-config' });
      serverMounts.push({ volume: configVolume, path: `${MODEL_ROOT}/${m.name}/config.pbtxt`, subPath: 'config.pbtxt', readOnly: true });
      // subPath mounts do not follow ConfigMap edits: a changed config rolls the pods instead.
      annotations['inference.cdk/triton-config-sha256'] = crypto.createHash('sha256').update(text).digest('hex');
    }

    const modelEnv = servedModelEnvironment(m);

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name, labels, annotations: { 'inference.cdk/model': annotations['inference.cdk/model'] } },
      replicas: props.replicas,
      // GPUs are scarce: surge one pod at a time and never drop below the desired count.
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: cdk8s.Duration.seconds(secondsOf(props.terminationGracePeriod)),
      securityContext: { ensureNonRoot: true, user: props.runAsUser, group: props.runAsUser, fsGroup: props.runAsUser },
      initContainers: modelFetchContainers(this, props, modelEnv, modelsVolume, tmpVolume, modelCache),
      containers: [this.serverContainer(props, modelEnv, serverMounts)],
    });
    for (const [k, v] of Object.entries(labels)) { this.deployment.podMetadata.addLabel(k, v); }
    for (const [k, v] of Object.entries(annotations)) { this.deployment.podMetadata.addAnnotation(k, v); }
    this.selector = { ...this.deployment.matchLabels };

    patchPodSpec(this.deployment, { ...props, modelVolumeSize }, this.selector);

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: props.name, labels: { ...labels, ...props.serviceLabels } },
      type: kplus.ServiceType.CLUSTER_IP,
      selector: this.deployment,
      ports: this.ports(props).map(p => ({ name: p.name, port: p.number, targetPort: p.number, protocol: kplus.Protocol.TCP })),
    });

    if (props.maxUnavailable !== undefined) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: props.name, labels },
        spec: {
          maxUnavailable: k8s.IntOrString.fromNumber(props.maxUnavailable),
          selector: { matchLabels: { ...this.selector } },
        },
      });
    }
  }

  /** The server's named ports: vLLM has one (API, health and metrics), Triton three. */
  private ports(props: ModelServerProps): Array<{ name: string; number: number }> {
    if (props.runtime === ServingRuntimeKind.VLLM) { return [{ name: 'http', number: props.httpPort }]; }
    return [{ name: 'http', number: props.httpPort }, { name: 'grpc', number: props.grpcPort }, { name: 'metrics', number: props.metricsPort }];
  }

  /** The server container: the image, the environment, ports, mounts, probes and the preStop delay. */
  private serverContainer(props: ModelServerProps, modelEnv: { [name: string]: string }, serverMounts: kplus.VolumeMount[]): kplus.ContainerProps {
    const m = props.model;
    const nonRoot: kplus.ContainerSecurityContextProps = {
      ensureNonRoot: true, user: props.runAsUser, group: props.runAsUser, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
    };
    // The one MODEL_* contract (MODEL_LOCAL_DIR = /models/<name>/1), then the lane's own variables
    // (Triton's repository and model directory, writable home and cache), then the user's.
    const env: { [name: string]: kplus.EnvValue } = {};
    for (const [k, v] of Object.entries({
      ...modelEnv,
      MODEL_REPOSITORY: MODEL_ROOT,
      MODEL_DIR: `${MODEL_ROOT}/${m.name}`,
      HOME: '/tmp',
      XDG_CACHE_HOME: '/cache',
      ...(props.runtime === ServingRuntimeKind.VLLM ? VLLM_ENVIRONMENT : {}),
      ...props.environment,
    })) { env[k] = kplus.EnvValue.fromValue(v); }
    const probePort = { port: props.httpPort };
    return {
      name: 'server',
      image: m.imageUri,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: props.command,
      envVariables: env,
      ports: this.ports(props),
      volumeMounts: serverMounts,
      securityContext: nonRoot,
      startup: kplus.Probe.fromHttpGet(props.livenessPath, {
        // startupTimeout is a multiple of the period (checked), so period × threshold is exactly it.
        ...probePort, periodSeconds: cdk8s.Duration.seconds(10), timeoutSeconds: cdk8s.Duration.seconds(5),
        failureThreshold: Math.max(1, Math.ceil(secondsOf(props.startupTimeout) / 10)),
      }),
      readiness: kplus.Probe.fromHttpGet(props.readinessPath, {
        ...probePort, periodSeconds: cdk8s.Duration.seconds(5), timeoutSeconds: cdk8s.Duration.seconds(3), failureThreshold: 3, successThreshold: 1,
      }),
      liveness: kplus.Probe.fromHttpGet(props.livenessPath, {
        ...probePort, periodSeconds: cdk8s.Duration.seconds(10), timeoutSeconds: cdk8s.Duration.seconds(5), failureThreshold: 3,
      }),
      lifecycle: secondsOf(props.preStopDelay) > 0
        ? { preStop: kplus.Handler.fromCommand(['/bin/sh', '-c', `sleep ${secondsOf(props.preStopDelay)}`]) }
        : undefined,
    };
  }
}
