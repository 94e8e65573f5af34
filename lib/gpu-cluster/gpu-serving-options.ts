import { VersionFreeze } from '../core/version-freeze';
import { Duration, Size } from 'aws-cdk-lib';
import { AutoscalingPolicy } from '../core/autoscaling';
import { DynamicBatching } from '../core/dynamic-batching';
import { Rollout } from '../core/rollout';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { KubernetesRolloutMode } from './rollout-mode';
import { KubernetesScalingEngine } from './scaling-engine';
import { ServingMetricQueries } from './serving-metric-queries';
import { ServingRuntime } from './serving-runtime';
import { TritonModelConfig } from './triton-model-config';

/**
 * The admission controller that enforces {@link ImageAdmissionPolicyOptions}.
 */
export enum AdmissionController {
  /** Kyverno 1.12+: a `kyverno.io/v1` ClusterPolicy (digest allowlist and `verifyImages`). */
  KYVERNO = 'kyverno',
  /**
   * OPA Gatekeeper. Not rendered: Gatekeeper verifies signatures only through Ratify (an external data
   * provider with its own CRDs and verifiers), which the chart neither installs nor configures; choosing
   * it is rejected with that fix rather than rendering a policy that checks nothing.
   */
  GATEKEEPER = 'gatekeeper',
}

/**
 * An image admission policy for the chart's pods: they may only run the image digests the chart
 * renders, and (with a key or certificate) only images signed by it.
 */
export interface ImageAdmissionPolicyOptions {
  /**
   * Which admission controller enforces it (it must be installed in the cluster).
   *
   * @default AdmissionController.KYVERNO
   */
  readonly controller?: AdmissionController;

  /**
   * PEM public key (`-----BEGIN PUBLIC KEY-----`) of cosign signatures (`cosign sign --key`; an AWS
   * KMS key works: `cosign sign --key awskms:///alias/...`, public key from `cosign public-key`).
   * Renders a `verifyImages` rule of type Cosign. Give at most one of `cosignPublicKey` and
   * `notaryCertificate`.
   *
   * @default - no signature check: only the digest allowlist
   */
  readonly cosignPublicKey?: string;

  /**
   * PEM certificate (`-----BEGIN CERTIFICATE-----`, the signing certificate or its CA) of Notation
   * signatures made with an X.509 key (`notation sign --key`). Renders a `verifyImages` rule of type
   * Notary. Not for AWS Signer: its signatures require the AWS Signer Notation plugin, which Kyverno's
   * built-in Notary verifier does not run (see the lane README).
   *
   * @default - no signature check: only the digest allowlist
   */
  readonly notaryCertificate?: string;

  /**
   * With `cosignPublicKey`: also require the signature's entry in the public Rekor transparency log
   * (what `cosign sign` does by default). Set false for signatures made with `--tlog-upload=false`.
   *
   * @default true
   */
  readonly transparencyLog?: boolean;

  /**
   * Report violations (PolicyReports) instead of refusing the pods.
   *
   * @default false (Enforce)
   */
  readonly auditOnly?: boolean;

  /**
   * Name of the cluster-scoped policy.
   *
   * @default - `<serviceName>-images`, prefixed with the namespace when the chart has one
   */
  readonly policyName?: string;
}

/**
 * The Gateway (listener) a route attaches to (`parentRefs[]`).
 */
export interface GatewayParentRef {
  /** Name of the Gateway. */
  readonly name: string;

  /**
   * Namespace of the Gateway.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;

  /**
   * Listener name on the Gateway.
   *
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;
}

/**
 * A node taint the serving pods tolerate.
 */
export interface GpuToleration {
  /** Taint key, e.g. `nvidia.com/gpu`. */
  readonly key: string;

  /**
   * Taint value; without it the toleration matches any value (`operator: Exists`).
   *
   * @default - any value
   */
  readonly value?: string;

  /**
   * `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
   *
   * @default - every effect
   */
  readonly effect?: string;
}

/**
 * A model cache on the node's local disk: the weights of one model version are fetched from S3 once
 * per node, not once per pod. The pod's init containers download and unpack into
 * `<hostPath>/<name>/<version>-<digest>` only when that directory is missing (unpacked in a pod-private
 * directory, verified against the digest, then renamed into place), and the server reads it read-only.
 *
 * A hostPath volume: the Pod Security `baseline` and `restricted` levels refuse it, and the directory
 * must be writable by `runAsUser` on every GPU node. `GpuClusterService` creates it in the nodes' user
 * data with Karpenter on AL2023 (EC2NodeClass `userData`) and on its own AL2023 managed node group (a
 * launch template), rejects it on Bottlerocket, and warns elsewhere (create it yourself).
 */
export interface ModelCacheOptions {
  /**
   * Absolute directory on the node that holds the cache.
   *
   * @default '/var/lib/cdk-inference-lanes/model-cache'
   */
  readonly hostPath?: string;
}

/**
 * Options shared by {@link GpuServingChart} (any cluster) and {@link GpuClusterService} (EKS): how the
 * model is served, scaled, rolled out and watched.
 */
export interface GpuServingOptions {
  /**
   * Base name of the Kubernetes objects (Deployment, Service, ...). DNS-safe, at most 40 characters.
   * Changing it replaces every object.
   *
   * @default - the model name
   */
  readonly serviceName?: string;

  /**
   * Create the namespace as the first object of the chart.
   *
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * The shared autoscaling policy, rendered as an HPA or a KEDA ScaledObject.
   *
   * @default AutoscalingPolicy.fixed(1)
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * Which autoscaler renders the policy.
   *
   * @default KubernetesScalingEngine.AUTO
   */
  readonly scalingEngine?: KubernetesScalingEngine;

  /**
   * How often KEDA checks the triggers.
   *
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;

  /**
   * GPUs per pod (`nvidia.com/gpu` requests and limits).
   *
   * @default 1
   */
  readonly gpuCount?: number;

  /**
   * CPU cores requested per pod. No CPU limit is set (throttling hurts tail latency). A request
   * equal to (or above) an instance type's vCPUs never schedules there (the kubelet reserves some):
   * such a type in `instanceTypes` or the node group is rejected.
   *
   * @default 3 - fits the 4-vCPU GPU sizes (g4dn/g5/g6.xlarge)
   */
  readonly cpu?: number;

  /**
   * Memory per pod (request and limit). `/dev/shm` counts against it.
   *
   * @default Size.gibibytes(12) - fits the 16 GiB GPU sizes (g4dn/g5/g6.xlarge)
   */
  readonly memory?: Size;

  /**
   * EC2 instance types the pods may run on (`node.kubernetes.io/instance-type` node affinity).
   *
   * @default - any node that advertises `nvidia.com/gpu`
   */
  readonly instanceTypes?: string[];

  /**
   * Extra node labels the pods require, e.g. `{ 'nvidia.com/gpu.product': 'NVIDIA-A10G' }` (GPU
   * feature discovery) or `{ 'karpenter.k8s.aws/instance-family': 'g5' }`.
   *
   * @default - none
   */
  readonly nodeSelector?: { [label: string]: string };

  /**
   * Taints the pods tolerate.
   *
   * @default [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] - the usual GPU node taint
   */
  readonly tolerations?: GpuToleration[];

  /**
   * PriorityClass of the pods (it must exist in the cluster).
   *
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;

  /**
   * Time a pod gets to finish in-flight requests when it stops.
   *
   * @default Duration.seconds(60)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * Wait before the server is signalled to stop, so load balancers stop sending requests first.
   *
   * @default Duration.seconds(10)
   */
  readonly preStopDelay?: Duration;

  /**
   * Spread the pods across availability zones (`topology.kubernetes.io/zone`, `maxSkew: 1`,
   * `ScheduleAnyway` — GPUs are scarce, so an uneven spread beats a pending pod).
   *
   * @default true
   */
  readonly spreadAcrossZones?: boolean;

  /**
   * Triton model configuration with dynamic batching, mounted from a ConfigMap at
   * `/models/<model>/config.pbtxt`. Same as `servingRuntime: ServingRuntime.triton(config)`.
   *
   * @default - no config file: the weights archive must carry its own (or Triton auto-completes it)
   */
  readonly triton?: TritonModelConfig;

  /**
   * Dynamic batching (the shared contract). Triton: `max_batch_size` and `dynamic_batching {
   * preferred_batch_size, max_queue_delay_microseconds }` in the rendered `config.pbtxt` (a delay of at
   * most 10 seconds). vLLM: `--max-num-seqs` (its continuous batch); vLLM never delays a request to fill
   * a batch, so `maxQueueDelay` must be 0 and preferred sizes are rejected.
   *
   * @default - no batching contract: Triton uses the `triton` config's own (deprecated) batch props; vLLM
   * its default batch
   */
  readonly dynamicBatching?: DynamicBatching;

  /**
   * The inference server: Triton, or vLLM for a large language model (OpenAI-compatible API, the
   * LLM triggers requestsWaitingPerInstance, kvCacheUtilization and tokensPerSecondPerInstance).
   *
   * @default - Triton (with the `triton` config, if any)
   */
  readonly servingRuntime?: ServingRuntime;

  /**
   * Keep the weights in a cache on the node's disk, so a pod on a node that already holds this
   * model version starts without downloading it.
   *
   * @default - no cache: each pod downloads the weights into its own emptyDir
   */
  readonly modelCache?: ModelCacheOptions;

  /**
   * Container command of the server.
   *
   * @default - Triton: `tritonserver --model-repository=/models` with the HTTP, gRPC and metrics
   * ports, strict readiness and summary latencies (for the SLO's percentile)
   */
  readonly command?: string[];

  /**
   * Extra environment variables of the server.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * HTTP port of the server.
   *
   * @default 8000
   */
  readonly httpPort?: number;

  /**
   * gRPC port of the server (Triton only).
   *
   * @default 8001
   */
  readonly grpcPort?: number;

  /**
   * Prometheus metrics port of the server (Triton only: vLLM serves `/metrics` on the HTTP port).
   *
   * @default 8002
   */
  readonly metricsPort?: number;

  /**
   * Readiness probe path (HTTP GET on the HTTP port): a pod joins the Service only once it answers.
   *
   * @default - Triton: '/v2/models/<model name>/ready' (the model is loaded and warmed up); vLLM: '/health'
   */
  readonly readinessPath?: string;

  /**
   * Liveness and startup probe path.
   *
   * @default - Triton: '/v2/health/live'; vLLM: '/health' (answered once the engine has loaded the model)
   */
  readonly livenessPath?: string;

  /**
   * Longest a pod may take to load the model before it is restarted (startup probe, every 10 s:
   * a multiple of 10 seconds, at least 10 seconds).
   *
   * @default - Duration.minutes(10) for Triton, Duration.minutes(20) for vLLM (tens of GB of weights
   * to load, CUDA graphs to capture)
   */
  readonly startupTimeout?: Duration;

  /**
   * Size of `/dev/shm` (a memory-backed emptyDir; counts against `memory`).
   *
   * @default Size.gibibytes(1)
   */
  readonly sharedMemorySize?: Size;

  /**
   * Size of the model volume the init containers fill (an emptyDir; also requested as
   * ephemeral storage).
   *
   * @default Size.gibibytes(20)
   */
  readonly modelVolumeSize?: Size;

  /**
   * Image of the model-fetch init container (needs the AWS CLI v2).
   *
   * @default 'public.ecr.aws/aws-cli/aws-cli:2.22.35'
   */
  readonly fetchImage?: string;

  /**
   * Image of the unpack init container (needs `sh`, `sha256sum`, `tar` and `unzip`).
   *
   * @default 'public.ecr.aws/docker/library/busybox:1.36.1'
   */
  readonly unpackImage?: string;

  /**
   * User id the containers run as (never root).
   *
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * Most pods of one Deployment down at once during voluntary disruptions (PodDisruptionBudget).
   *
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * Render a Prometheus Operator ServiceMonitor (scraping the metrics port) and, with an SLO, a
   * PrometheusRule with its alerts. Needs the Prometheus Operator CRDs in the cluster.
   *
   * @default false
   */
  readonly prometheusOperator?: boolean;

  /**
   * Labels on the ServiceMonitor and the PrometheusRule, so that your Prometheus selects them. A
   * kube-prometheus-stack installation selects `release: <its Helm release name>` by default; pass
   * `{}` when your Prometheus selects every object (`serviceMonitorSelectorNilUsesHelmValues: false`).
   *
   * @default { release: 'kube-prometheus-stack' } - the release name of a default kube-prometheus-stack install
   */
  readonly monitoringLabels?: { [key: string]: string };

  /**
   * Prometheus server KEDA and Argo Rollouts query.
   *
   * @default 'http://prometheus-operated.monitoring.svc:9090' - kube-prometheus-stack in `monitoring`
   */
  readonly prometheusUrl?: string;

  /**
   * PromQL for scaling and analysis.
   *
   * @default - Triton metrics (see ServingMetricQueries)
   */
  readonly metricQueries?: ServingMetricQueries;

  /**
   * The service level objective: Argo analysis (automatic rollback) and Prometheus alerts.
   *
   * @default - none
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * An emergency freeze (see the README's runbook). While it is in force, the chart must serve the
   * locked version (`model.version`), or construction fails naming the chart and the version it would
   * deploy; an Argo Rollout is rendered paused (`spec.paused: true`), so no step advances.
   *
   * @default - the freeze in force where the chart is: on GpuClusterService, the one at the service
   * (CDK context `inference-lanes:freeze` or `VersionFreeze.applyTo`); on a chart alone, one applied to
   * its cdk8s App with `VersionFreeze.applyTo(app)`
   */
  readonly freeze?: VersionFreeze;

  /**
   * How a new version takes over.
   *
   * @default - a rolling update
   */
  readonly rollout?: Rollout;

  /**
   * Which Kubernetes mechanism renders the rollout.
   *
   * @default KubernetesRolloutMode.ROLLING_UPDATE
   */
  readonly rolloutMode?: KubernetesRolloutMode;

  /**
   * The Gateway the model's HTTPRoute attaches to. Needed for GATEWAY_API canaries and for shadow
   * traffic; with ARGO_ROLLOUTS it makes the canary weights real traffic weights.
   *
   * @default - no HTTPRoute
   */
  readonly gateway?: GatewayParentRef;

  /**
   * Version of the Gateway API CRDs and implementation in the cluster, e.g. `1.2.1`. A mirrored share
   * below 100% (`shadowPercent`) needs v1.3.0 or newer (RequestMirror `percent`); with an older
   * version such a share is rejected. 100% is rendered without `percent` and works on any version.
   *
   * @default - v1.3.0 or newer is assumed
   */
  readonly gatewayApiVersion?: string;

  /**
   * Host names of the HTTPRoute.
   *
   * @default - every host name of the gateway listener
   */
  readonly hostnames?: string[];

  /**
   * An admission policy (Kyverno) that admits in the chart's pods only the image digests the chart
   * renders (serving, shadow, stable, model-fetch and unpack images) and, with a key or certificate,
   * only serving images signed by it. Every image must then be referenced by digest
   * (`repo@sha256:...`), including `fetchImage` and `unpackImage` (their defaults are tags).
   *
   * @default - no admission policy (a serving image referenced by a tag gets a synth warning on
   * GpuClusterService)
   */
  readonly admissionPolicy?: ImageAdmissionPolicyOptions;
}
