import { InferenceLaneBase } from '../core/inference-lane-base';
import { Annotations, CfnJson, Size, SizeRoundingBehavior, Stack } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { tagLane } from '../core/private/tagging';
import { AutoscalingPolicy, TriggerKind } from '../core/autoscaling';
import { LaneValidationError } from '../core/errors';
import { checkInteger, invalid, isConcreteNumber } from '../core/private/errors';
import { HardwareTarget, LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity } from '../core/inference-lane';
import { ModelArtifact, ModelArtifactBinding } from '../core/model-artifact';
import { ShadowTraffic } from '../core/rollout';
import { RouteTarget } from '../core/route-target';
import { isConcreteString } from '../core/private/errors';
import { GpuNodeGroupOptions } from './gpu-node-group-options';
import { GpuServingChart } from './gpu-serving-chart';
import { GpuServingOptions } from './gpu-serving-options';
import { checkNvidiaInstanceType, checkPodFits, CpuArch, DEFAULT_CPU, DEFAULT_MEMORY, gpusOf } from './private/gpu-instances';
import { servedModelOf } from './private/served-model-of';
import { concrete } from './private/util';
import { checkOneOf } from '../core/private/validation';
import { checkServingOptions, checkShadowCandidate } from './private/validate-options';
import { KubernetesScalingEngine } from './scaling-engine';
import { WorkloadIdentity } from './workload-identity';
import { withLaneDefaults } from '../core/private/lane-defaults';

const KEDA_RELEASE_ID = 'CdkInferenceLanesKeda';
const KEDA_ROLE_ID = 'CdkInferenceLanesKedaOperatorRole';
const RELEASE_VERSIONS = new WeakMap<eks.HelmChart, string>();
/** Chart props the service takes under another name. */
const CHART_TO_SERVICE_PROPS: { [chartProp: string]: string } = {
  stableModel: 'stableArtifact',
  shadowModel: 'shadow.candidate',
  shadowPercent: 'shadow.samplePercent',
  queueUrl: 'queue',
};
const DEFAULT_KEDA_VERSION = '2.17.2';
const DEVICE_PLUGIN_ID = 'CdkInferenceLanesNvidiaDevicePlugin';
const DEVICE_PLUGIN_VERSION = '0.17.2';
const METRICS_SERVER_ID = 'CdkInferenceLanesMetricsServer';
const METRICS_SERVER_VERSION = '3.12.2';

/** A Helm chart version must be pinned (reproducible installs and rollbacks). */
function checkChartVersion(scope: Construct, prop: string, version: string, example: string): void {
  if (concrete(version) && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw invalid(scope, prop, version, 'is not a pinned chart version (MAJOR.MINOR.PATCH): a floating version makes installs and rollbacks unreproducible', `Pass e.g. '${example}'.`);
  }
}

function semverLess(a: string, b: string): boolean {
  const pa = a.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
  const pb = b.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) { return pa[i] < pb[i]; }
  }
  return false;
}

/**
 * Props of {@link GpuClusterService}.
 */
export interface GpuClusterServiceProps extends GpuServingOptions {
  /**
   * The EKS cluster: one defined in this app (`eks.Cluster`) or imported
   * (`eks.Cluster.fromClusterAttributes` with `kubectlRoleArn` and a kubectl layer or provider).
   */
  readonly cluster: eks.ICluster;

  /**
   * The model. Its NVIDIA_GPU build is served.
   *
   * @default - the artifact of the enclosing HybridTopology (an error if there is none)
   */
  readonly artifact?: ModelArtifact;

  /**
   * Namespace of the Kubernetes objects.
   *
   * @default 'default'
   */
  readonly namespace?: string;

  /**
   * The version currently serving, for a `GATEWAY_API` canary (it keeps the rest of the traffic).
   *
   * @default - none
   */
  readonly stableArtifact?: ModelArtifact;

  /**
   * Mirror a share of the traffic to a candidate version (needs `gateway`).
   *
   * @default - no shadow
   */
  readonly shadow?: ShadowTraffic;

  /**
   * The queue a `queueBacklogPerInstance` trigger reads (KEDA `aws-sqs-queue`).
   *
   * @default - none
   */
  readonly queue?: sqs.IQueue;

  /**
   * How the pods get AWS credentials (the model-fetch init container reads the weights with them).
   *
   * @default WorkloadIdentity.POD_IDENTITY
   */
  readonly workloadIdentity?: WorkloadIdentity;

  /**
   * Install KEDA with its Helm chart (release `keda` in namespace `keda`) and apply the manifests
   * after it. Every service of a cluster shares one release (and one KEDA operator role).
   *
   * @default false - KEDA must already run in the cluster when the policy needs it
   */
  readonly installKeda?: boolean;

  /**
   * Version of the KEDA Helm chart: a pinned release, 2.17.0 or newer (the ScaledObjects' fallback
   * uses `behavior`, added in KEDA 2.17).
   *
   * @default '2.17.2'
   */
  readonly kedaVersion?: string;

  /**
   * Install metrics-server with its Helm chart (release `metrics-server` in `kube-system`, chart
   * 3.12.2), once per cluster, and apply the manifests after it. HPA and KEDA `cpu` triggers read the
   * resource metrics API it serves; EKS does not install it. Leave it off when the cluster already
   * runs metrics-server (the EKS add-on or your own release): two releases would conflict.
   *
   * @default false - a CPU trigger then adds a synth warning
   */
  readonly installMetricsServer?: boolean;

  /**
   * Role of an existing KEDA operator; gets `sqs:GetQueueAttributes` on `queue`.
   *
   * @default - with installKeda, a role for the `keda/keda-operator` service account is created
   */
  readonly kedaOperatorRole?: iam.IRole;

  /**
   * Role of the cluster's existing GPU nodes: gets ECR pull on the serving image (the kubelet pulls
   * with it). Ignored with `gpuNodeGroup`, whose role gets the grant.
   *
   * @default - the pods' role gets the pull grant (harmless, but the nodes need pull rights of their own)
   */
  readonly nodeRole?: iam.IRole;

  /**
   * Create a GPU node group (only on an `eks.Cluster` defined in this app).
   *
   * @default - no node group: the cluster already has GPU nodes (or Karpenter provisions them)
   */
  readonly gpuNodeGroup?: GpuNodeGroupOptions;

  /**
   * The URL a front door POSTs inference requests to: the Gateway or load balancer in front of the
   * service (e.g. `https://recsys.internal.example.com/v2/models/recsys/infer`). For an internal load
   * balancer, give the front door the VPC. The lane then has a `routeTarget()` (`RouteTarget.http`).
   *
   * @default - no route target: a front door cannot send requests to this lane
   */
  readonly routeUrl?: string;
}

/**
 * GPU model serving on Kubernetes, attached to an EKS cluster: the {@link GpuServingChart}
 * applied as one `KubernetesManifest` (what `cluster.addCdk8sChart` does, scoped under this
 * construct), an IAM role for the pods' service account (EKS Pod Identity or IRSA) that can read
 * exactly the bound weights, optionally KEDA (Helm) with the manifests ordered after it, and
 * optionally a GPU node group.
 *
 * @example
 * new GpuClusterService(this, 'Recsys', {
 *   cluster, artifact, namespace: 'recsys', installKeda: true,
 *   autoscaling: new AutoscalingPolicy({ minCapacity: 3, maxCapacity: 40, triggers: [ScalingTrigger.inFlightPerInstance(8)], warmBufferPercent: 25 }),
 *   triton: new TritonModelConfig({ maxBatchSize: 32, preferredBatchSizes: [8, 16, 32], maxQueueDelay: Duration.millis(2) }),
 * });
 */
export class GpuClusterService extends InferenceLaneBase implements IInferenceLane {
  /** The archetype. */
  public readonly laneKind = LaneKind.GPU_CLUSTER;
  /** Name of the served model. */
  public readonly artifactName: string;
  /** Version of the served model. */
  public readonly artifactVersion: string;
  /** What the lane runs on. */
  public readonly capacity: LaneCapacity;
  /**
   * CloudWatch SLO alarms: none. On Kubernetes the SLO is watched in Prometheus (PrometheusRule
   * alerts and the Argo analysis that rolls back).
   */
  public readonly sloAlarms: cloudwatch.IAlarm[] = [];
  /**
   * Application Signals SLOs: none. The SLO renders as the chart's PrometheusRule (recording rules
   * and burn alerts) and Argo analysis, which read the model server's Prometheus metrics.
   */
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
  /** Burn-rate alarms in CloudWatch: none (the PrometheusRule alerts instead). */
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  /**
   * CloudWatch saturation metrics: none. GPU utilization, queue time and replicas live in
   * Prometheus (DCGM exporter, the model server's metrics, kube-state-metrics).
   */
  public readonly saturationMetrics: cloudwatch.IMetric[] = [];
  /** The cdk8s app holding the chart. */
  public readonly cdk8sApp: cdk8s.App;
  /** The chart. */
  public readonly chart: GpuServingChart;
  /** The manifest applying the chart. */
  public readonly manifest: eks.KubernetesManifest;
  /** The role of the pods' service account. */
  public readonly role: iam.IRole;
  /** The binding of the served build. */
  public readonly binding: ModelArtifactBinding;
  /** The KEDA Helm release, with installKeda. */
  public readonly keda?: eks.HelmChart;
  /** The metrics-server Helm release, with installMetricsServer. */
  public readonly metricsServer?: eks.HelmChart;
  /** The NVIDIA device plugin Helm release, with a gpuNodeGroup on an AL2023 NVIDIA AMI. */
  public readonly devicePlugin?: eks.HelmChart;
  /** The GPU node group, with gpuNodeGroup. */
  public readonly nodegroup?: eks.Nodegroup;
  /** The namespace. */
  public readonly namespace: string;

  private readonly routeUrl?: string;

  constructor(scope: Construct, id: string, props: GpuClusterServiceProps) {
    super(scope, id);
    if (isConcreteString(props.routeUrl) && !/^https?:\/\/[^\s/]+/i.test(props.routeUrl)) {
      throw invalid(this, 'routeUrl', props.routeUrl, 'is not an http:// or https:// URL', 'Pass the Gateway or load balancer URL, e.g. https://recsys.internal.example.com/v2/models/recsys/infer.');
    }
    this.routeUrl = props.routeUrl;
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    props = withLaneDefaults(this, props, 'GpuClusterService', ['artifact', 'autoscaling', 'slo', 'rollout']);
    const cluster = props.cluster;
    const ns = props.namespace ?? 'default';
    this.namespace = ns;
    // The chart runs the same checks; here first, so that messages name this construct's path.
    checkServingOptions(this, props, ns);
    checkOneOf(this, 'workloadIdentity', props.workloadIdentity, Object.values(WorkloadIdentity));
    checkOneOf(this, 'gpuNodeGroup.capacityType', props.gpuNodeGroup?.capacityType, Object.values(eks.CapacityType));
    checkOneOf(this, 'gpuNodeGroup.amiType', props.gpuNodeGroup?.amiType, Object.values(eks.NodegroupAmiType));
    const base = props.serviceName ?? props.artifact!.name;
    const identity = props.workloadIdentity ?? WorkloadIdentity.POD_IDENTITY;
    const policy = props.autoscaling ?? AutoscalingPolicy.fixed(1);

    // ---- node group (before anything binds to node capacity) ---------------------------------
    if (props.gpuNodeGroup) {
      if (!(cluster instanceof eks.Cluster)) {
        throw invalid(this, 'gpuNodeGroup', props.gpuNodeGroup.instanceTypes ?? ['g5.xlarge'], 'needs a cluster defined in this app (eks.Cluster); an imported cluster cannot get node groups from here',
          'Create the node group where the cluster is defined, or pass an eks.Cluster.');
      }
      this.checkPodsFitNodegroup(props);
      this.nodegroup = this.addNodegroup(cluster, props.gpuNodeGroup, props.gpuCount ?? 1, props.cpu ?? DEFAULT_CPU,
        (props.memory ?? DEFAULT_MEMORY).toMebibytes({ rounding: SizeRoundingBehavior.NONE }) / 1024);
      this.devicePlugin = this.addDevicePlugin(cluster, props.gpuNodeGroup);
    }

    // ---- identity ---------------------------------------------------------------------------
    const role = this.workloadRole(cluster, identity, ns, base, 'WorkloadRole', `Pods of ${base} in ${ns}: read the model weights`);
    this.role = role;

    // ---- artifacts --------------------------------------------------------------------------
    // The kubelet pulls images with the node role: ECR pull goes to the nodes when they are known.
    const imageGrantee = this.nodegroup?.role ?? props.nodeRole;
    const bind = (artifact: ModelArtifact) => artifact.bind(this, { grantee: role, imageGrantee, target: HardwareTarget.NVIDIA_GPU, consumer: this.node.path });
    const binding = bind(props.artifact!);
    this.binding = binding;
    this.artifactName = binding.name;
    this.artifactVersion = binding.version;
    const stableBinding = props.stableArtifact ? bind(props.stableArtifact) : undefined;
    const shadowBinding = props.shadow ? bind(props.shadow.candidate) : undefined;
    const model = servedModelOf(this, binding, 'artifact');
    const stableModel = stableBinding ? servedModelOf(this, stableBinding, 'stableArtifact') : undefined;
    const shadowModel = shadowBinding ? servedModelOf(this, shadowBinding, 'shadow.candidate') : undefined;
    if (shadowModel) { checkShadowCandidate(this, 'shadow.candidate', shadowModel, stableModel ? [model, stableModel] : [model]); }

    // ---- KEDA (one release and one operator role per cluster, shared by every service) -------
    let kedaRole: iam.IRole | undefined = props.kedaOperatorRole;
    const kedaVersion = props.kedaVersion ?? DEFAULT_KEDA_VERSION;
    if (props.installKeda) {
      checkChartVersion(this, 'kedaVersion', kedaVersion, '2.17.2');
      // The operator gets its credentials when its pod starts (IRSA annotation at install time, Pod
      // Identity injected at pod creation): its role and association come before the release.
      if (!kedaRole) { kedaRole = this.kedaOperatorRole(cluster, identity); }
      this.keda = this.kedaRelease(cluster, kedaVersion, identity === WorkloadIdentity.IRSA && !props.kedaOperatorRole ? kedaRole : undefined);
      const association = cluster.node.tryFindChild(`${KEDA_ROLE_ID}Association`);
      if (association && !props.kedaOperatorRole) { this.keda.node.addDependency(association); }
    }
    if (policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE)) {
      if (!props.queue) {
        throw invalid(this, 'queue', undefined, 'is required by the queueBacklogPerInstance trigger', 'Pass the sqs.IQueue the model drains.');
      }
      if (!kedaRole && !props.installKeda) {
        throw invalid(this, 'kedaOperatorRole', undefined, 'is needed to let KEDA read the queue (KEDA is not installed by this construct)', 'Pass the KEDA operator role, or set installKeda: true.');
      }
      kedaRole = kedaRole ?? this.kedaOperatorRole(cluster, identity);
      props.queue.grant(kedaRole, 'sqs:GetQueueAttributes');
    } else if (props.queue) {
      throw invalid(this, 'queue', props.queue.node.path, 'is not used: the policy has no queueBacklogPerInstance trigger', 'Add ScalingTrigger.queueBacklogPerInstance(n) or drop queue.');
    }

    // ---- chart ------------------------------------------------------------------------------
    this.cdk8sApp = new cdk8s.App();
    const annotations: { [key: string]: string } = {};
    if (identity === WorkloadIdentity.IRSA) { annotations['eks.amazonaws.com/role-arn'] = role.roleArn; }
    this.chart = this.asService(base, () => new GpuServingChart(this.cdk8sApp, base, {
      ...props,
      // Bound above (with grants): the chart gets plain values.
      artifact: undefined,
      stableArtifact: undefined,
      shadow: undefined,
      namespace: ns,
      model,
      stableModel,
      shadowModel,
      shadowPercent: props.shadow?.samplePercent,
      serviceAccountAnnotations: annotations,
      awsRegion: Stack.of(this).region,
      queueUrl: props.queue?.queueUrl,
      disableResourceNameHashes: true,
    }));

    if (props.installKeda && this.chart.scalingEngine === KubernetesScalingEngine.KEDA && concrete(kedaVersion) && semverLess(kedaVersion, '2.17.0')) {
      throw invalid(this, 'kedaVersion', kedaVersion, "is older than 2.17.0: the ScaledObjects' fallback holds the current replicas (fallback.behavior), which KEDA 2.16 and older reject or ignore",
        `Use kedaVersion '${DEFAULT_KEDA_VERSION}' or newer.`);
    }
    const usesCpu = this.chart.policy.trigger(TriggerKind.CPU_UTILIZATION) !== undefined;
    if (props.installMetricsServer) {
      this.metricsServer = this.sharedHelmRelease(cluster, METRICS_SERVER_ID, 'installMetricsServer', {
        chart: 'metrics-server', repository: 'https://kubernetes-sigs.github.io/metrics-server/', release: 'metrics-server', namespace: 'kube-system',
        version: METRICS_SERVER_VERSION,
      });
    } else if (usesCpu) {
      Annotations.of(this).addWarningV2('cdk-inference-lanes:gpu-cluster-metrics-server',
        `${this.node.path}: the ${this.chart.scalingEngine} CPU trigger reads the resource metrics API, which EKS does not install: without metrics-server the autoscaler never sees CPU load. `
        + 'Set installMetricsServer: true, or install metrics-server yourself (EKS add-on or Helm).');
    }

    // ---- apply ------------------------------------------------------------------------------
    this.manifest = new eks.KubernetesManifest(this, 'Manifests', {
      cluster,
      manifest: this.chart.toJson(),
    });
    if (this.keda) { this.manifest.node.addDependency(this.keda); }
    if (this.metricsServer) { this.manifest.node.addDependency(this.metricsServer); }
    if (this.devicePlugin) { this.manifest.node.addDependency(this.devicePlugin); }
    if (this.nodegroup) { this.manifest.node.addDependency(this.nodegroup); }
    for (const scope of [this, cluster]) {
      for (const child of scope.node.children) {
        if (child instanceof eks.CfnPodIdentityAssociation) { this.manifest.node.addDependency(child); }
      }
    }
    if (identity === WorkloadIdentity.POD_IDENTITY && cluster instanceof eks.Cluster && cluster.eksPodIdentityAgent) {
      // Pods must not start before the agent that hands them credentials.
      this.manifest.node.addDependency(cluster.eksPodIdentityAgent);
    }

    const instanceType = props.gpuNodeGroup?.instanceTypes?.[0] ?? props.instanceTypes?.[0] ?? `${props.gpuCount ?? 1}x nvidia.com/gpu pod`;
    this.capacity = {
      minInstances: policy.minCapacity,
      maxInstances: policy.maxCapacity,
      instanceType,
      hardware: HardwareTarget.NVIDIA_GPU,
      priceClass: 'per-instance-hour',
      description: `${policy.minCapacity}-${policy.maxCapacity} × ${props.gpuCount ?? 1}-GPU pods on ${instanceType}, ${this.chart.scalingEngine.toLowerCase()} scaling`,
    };
    tagLane(this, binding, LaneKind.GPU_CLUSTER);
  }

  /** Kubernetes serving exposes no CloudWatch metric: undefined. */
  public metricLatency(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /** Kubernetes serving exposes no CloudWatch metric: undefined. */
  public metricErrors(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /** Kubernetes serving exposes no CloudWatch metric: undefined. */
  public metricInvocations(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Kubernetes serving exposes no CloudWatch metric: undefined. Ready replicas are
   * `kube_deployment_status_replicas_available` in Prometheus; cost math falls back to
   * `capacity.minInstances`.
   */
  public metricCapacityInService(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * The service as a front-door target (`RouteTarget.http`, POST to `routeUrl`).
   *
   * @returns undefined without `routeUrl` (the lane's Service has no address the front door knows)
   */
  public routeTarget(): RouteTarget | undefined {
    return this.routeUrl === undefined ? undefined : RouteTarget.http({ url: this.routeUrl });
  }

  /**
   * Not possible: a Kubernetes Service is not invoked through IAM.
   *
   * @throws LaneValidationError always
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    throw invalid(this, 'grantInvoke', grantee.grantPrincipal.toString(), 'is not possible: the model is reached through its Kubernetes Service or Gateway, not through IAM',
      'Allow the caller with a Kubernetes NetworkPolicy or your gateway\'s authentication instead.');
  }

  /**
   * Build the chart so that its errors name this construct and this construct's props: the chart
   * lives in its own cdk8s app, whose path (`recsys`) a user of the service would not recognize.
   */
  private asService<T>(chartId: string, build: () => T): T {
    try {
      return build();
    } catch (e) {
      if (!(e instanceof LaneValidationError) || e.where !== chartId) { throw e; }
      const rename = (text: string) => Object.entries(CHART_TO_SERVICE_PROPS).reduce((t, [from, to]) => t.split(from).join(to), text);
      throw new LaneValidationError({ where: this.node.path, prop: rename(e.prop), value: e.value, problem: e.problem, fix: rename(e.fix) });
    }
  }

  /** A Helm release shared by every service of the cluster (one per release id and version). */
  private sharedHelmRelease(cluster: eks.ICluster, id: string, prop: string, options: eks.HelmChartOptions): eks.HelmChart {
    const existing = cluster.node.tryFindChild(`chart-${id}`) as eks.HelmChart | undefined; // addHelmChart prefixes 'chart-'
    if (existing) {
      const installed = RELEASE_VERSIONS.get(existing);
      if (installed !== options.version) {
        throw invalid(this, prop, options.version, `differs from the ${options.chart} ${installed} another service installs on this cluster`, `Use '${installed}' on every service of the cluster.`);
      }
      return existing;
    }
    const release = cluster.addHelmChart(id, options);
    RELEASE_VERSIONS.set(release, options.version!);
    return release;
  }

  /** The KEDA Helm release of the cluster, created by the first service that asks. */
  private kedaRelease(cluster: eks.ICluster, version: string, irsaRole: iam.IRole | undefined): eks.HelmChart {
    const existing = cluster.node.tryFindChild(`chart-${KEDA_RELEASE_ID}`) as eks.HelmChart | undefined; // addHelmChart prefixes 'chart-'
    if (existing) {
      const installed = RELEASE_VERSIONS.get(existing);
      if (installed !== version) {
        throw invalid(this, 'kedaVersion', version, `differs from the KEDA ${installed} another service installs on this cluster`, `Use kedaVersion '${installed}' on every service of the cluster.`);
      }
      return existing;
    }
    const release = cluster.addHelmChart(KEDA_RELEASE_ID, {
      chart: 'keda',
      repository: 'https://kedacore.github.io/charts',
      release: 'keda',
      namespace: 'keda',
      createNamespace: true,
      version,
      // The admission webhook must be ready before ScaledObjects are applied.
      wait: true,
      values: irsaRole ? { podIdentity: { aws: { irsa: { enabled: true, roleArn: irsaRole.roleArn } } } } : undefined,
    });
    RELEASE_VERSIONS.set(release, version);
    return release;
  }

  /** The role of the `keda/keda-operator` service account, one per cluster. */
  private kedaOperatorRole(cluster: eks.ICluster, identity: WorkloadIdentity): iam.IRole {
    const existing = cluster.node.tryFindChild(KEDA_ROLE_ID) as iam.IRole | undefined;
    return existing ?? this.workloadRole(cluster, identity, 'keda', 'keda-operator', KEDA_ROLE_ID, 'KEDA operator (keda/keda-operator): credentials of its AWS scalers (SQS)', cluster);
  }

  private workloadRole(cluster: eks.ICluster, identity: WorkloadIdentity, ns: string, serviceAccount: string, id: string, description: string, scope: Construct = this): iam.Role {
    if (identity === WorkloadIdentity.IRSA) {
      let provider: iam.IOpenIdConnectProvider;
      try {
        provider = cluster.openIdConnectProvider;
      } catch {
        throw invalid(this, 'workloadIdentity', 'IRSA', 'needs the cluster\'s OpenID Connect provider, and this imported cluster has none', 'Pass openIdConnectProvider in eks.Cluster.fromClusterAttributes, or use WorkloadIdentity.POD_IDENTITY.');
      }
      const conditions = new CfnJson(scope, `${id}Conditions`, {
        value: {
          [`${provider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com',
          [`${provider.openIdConnectProviderIssuer}:sub`]: `system:serviceaccount:${ns}:${serviceAccount}`,
        },
      });
      return new iam.Role(scope, id, { assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringEquals: conditions }), description });
    }
    const role = new iam.Role(scope, id, {
      assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
      description,
    });
    new eks.CfnPodIdentityAssociation(scope, `${id}Association`, {
      clusterName: cluster.clusterName,
      namespace: ns,
      serviceAccount,
      roleArn: role.roleArn,
    });
    return role;
  }

  /** The pods must be able to land on the node group created for them (taint and instance types). */
  private checkPodsFitNodegroup(props: GpuClusterServiceProps): void {
    const groupTypes = props.gpuNodeGroup!.instanceTypes ?? ['g5.xlarge'];
    const podTypes = props.instanceTypes;
    if (podTypes && podTypes.every(concrete) && groupTypes.every(concrete) && !podTypes.some(t => groupTypes.includes(t))) {
      throw invalid(this, 'instanceTypes', podTypes, `has no type in common with gpuNodeGroup.instanceTypes (${groupTypes.join(', ')}): the pods could never run on the node group created for them`,
        'List at least one of the node group\'s instance types in instanceTypes, or drop instanceTypes.');
    }
    // At peak the policy's maxCapacity pods need nodes: more than maxSize nodes can hold never run.
    const gpuCount = props.gpuCount ?? 1;
    const perNode = Math.max(...groupTypes.map(t => concrete(t) ? Math.floor((gpusOf(t) ?? Number.MAX_SAFE_INTEGER) / gpuCount) : Number.MAX_SAFE_INTEGER));
    const maxPods = (props.autoscaling ?? AutoscalingPolicy.fixed(1)).maxCapacity;
    const maxSize = props.gpuNodeGroup!.maxSize;
    if (isConcreteNumber(maxPods) && isConcreteNumber(maxSize) && perNode < Number.MAX_SAFE_INTEGER && maxSize * perNode < maxPods) {
      throw invalid(this, 'gpuNodeGroup.maxSize', maxSize, `holds at most ${maxSize * perNode} pods of ${gpuCount} GPU(s) (${perNode} per node), below the policy's maxCapacity (${maxPods}): the pods beyond it would stay Pending at peak`,
        `Raise gpuNodeGroup.maxSize to ${Math.ceil(maxPods / perNode)}, or lower autoscaling.maxCapacity to ${maxSize * perNode}.`);
    }
    const tolerations = props.tolerations;
    const tolerates = (t: { key: string; value?: string; effect?: string }) => t.key === 'nvidia.com/gpu' && (t.value === undefined || t.value === 'true') && (t.effect === undefined || t.effect === 'NoSchedule');
    if (tolerations && !tolerations.some(tolerates)) {
      throw invalid(this, 'tolerations', tolerations, "do not tolerate the node group's taint nvidia.com/gpu=true:NoSchedule: the pods could never run on it",
        "Add { key: 'nvidia.com/gpu', effect: 'NoSchedule' } to tolerations (or omit tolerations for that default).");
    }
  }

  /** The NVIDIA device plugin for AL2023 NVIDIA nodes, once per cluster. */
  private addDevicePlugin(cluster: eks.Cluster, o: GpuNodeGroupOptions): eks.HelmChart | undefined {
    const ami = String(o.amiType ?? eks.NodegroupAmiType.AL2023_X86_64_NVIDIA);
    // The AL2023 NVIDIA AMIs carry the driver and container toolkit but not the Kubernetes device
    // plugin: without it no node advertises nvidia.com/gpu. Bottlerocket NVIDIA AMIs ship it.
    if (!ami.startsWith('AL2023_')) {
      if (o.devicePluginVersion !== undefined) {
        throw invalid(this, 'gpuNodeGroup.devicePluginVersion', o.devicePluginVersion, `is not used: the ${ami} AMI ships the NVIDIA device plugin`, 'Drop devicePluginVersion.');
      }
      return undefined;
    }
    const version = o.devicePluginVersion ?? DEVICE_PLUGIN_VERSION;
    checkChartVersion(this, 'gpuNodeGroup.devicePluginVersion', version, DEVICE_PLUGIN_VERSION);
    return this.sharedHelmRelease(cluster, DEVICE_PLUGIN_ID, 'gpuNodeGroup.devicePluginVersion', {
      chart: 'nvidia-device-plugin',
      repository: 'https://nvidia.github.io/k8s-device-plugin',
      release: 'nvidia-device-plugin',
      namespace: 'kube-system',
      version,
      values: {
        // Run on the tainted GPU nodes, selected by the label the node group sets (the chart's
        // default affinity otherwise needs Node Feature Discovery labels EKS does not add).
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] }] } } },
      },
    });
  }

  private addNodegroup(cluster: eks.Cluster, o: GpuNodeGroupOptions, gpuCount: number, cpu: number, memoryGiB: number): eks.Nodegroup {
    const amiType = o.amiType ?? eks.NodegroupAmiType.AL2023_X86_64_NVIDIA;
    const ami = String(amiType);
    if (!ami.includes('NVIDIA')) {
      throw invalid(this, 'gpuNodeGroup.amiType', amiType, 'has no NVIDIA driver', 'Use AL2023_X86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_X86_64_NVIDIA or BOTTLEROCKET_ARM_64_NVIDIA.');
    }
    const amiArch = ami.includes('ARM_64') ? CpuArch.ARM_64 : CpuArch.X86_64;
    const types = o.instanceTypes ?? ['g5.xlarge'];
    for (const [i, t] of types.entries()) {
      checkNvidiaInstanceType(this, `gpuNodeGroup.instanceTypes[${i}]`, t, gpuCount, amiArch, ami);
      checkPodFits(this, `gpuNodeGroup.instanceTypes[${i}]`, t, cpu, memoryGiB);
    }
    const min = o.minSize ?? 1;
    checkInteger(this, 'gpuNodeGroup.minSize', min, 0);
    checkInteger(this, 'gpuNodeGroup.maxSize', o.maxSize, 1);
    if (min > o.maxSize) {
      throw invalid(this, 'gpuNodeGroup.minSize', min, `must be less than or equal to 'maxSize' (${o.maxSize})`, 'Raise maxSize or lower minSize.');
    }
    const disk = o.diskSize ?? Size.gibibytes(100);
    return new eks.Nodegroup(this, 'GpuNodes', {
      cluster,
      instanceTypes: types.map(t => new ec2.InstanceType(t)),
      amiType,
      minSize: min,
      maxSize: o.maxSize,
      diskSize: disk.toGibibytes(),
      capacityType: o.capacityType ?? eks.CapacityType.ON_DEMAND,
      subnets: o.subnets,
      labels: { 'inference.cdk/accelerator': 'nvidia-gpu', 'nvidia.com/gpu.present': 'true', ...(o.labels ?? {}) },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }],
    });
  }
}
