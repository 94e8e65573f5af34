import { VersionFreeze } from '../core/version-freeze';
import { InferenceLaneBase } from '../core/inference-lane-base';
import { Annotations, Duration, SizeRoundingBehavior, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { AutoscalingPolicy, TriggerKind } from '../core/autoscaling';
import { DynamicBatching } from '../core/dynamic-batching';
import { LaneValidationError } from '../core/errors';
import { invalid } from '../core/private/errors';
import { warnUnpinnedImage } from '../core/private/image-pinning';
import { HardwareTarget, LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity } from '../core/inference-lane';
import { ModelArtifact, ModelArtifactBinding } from '../core/model-artifact';
import { ShadowTraffic } from '../core/rollout';
import { RouteTarget } from '../core/route-target';
import { isConcreteString } from '../core/private/errors';
import { GpuNodeGroupOptions } from './gpu-node-group-options';
import { GpuNodeProvisioning, GpuNodeProvisioningKind } from './gpu-node-provisioning';
import { GpuServingChart } from './gpu-serving-chart';
import { GpuServingOptions } from './gpu-serving-options';
import { addDevicePlugin, checkChartVersion, DEFAULT_KEDA_VERSION, KEDA_ROLE_ID, kedaOperatorRole, kedaRelease, METRICS_SERVER_ID, METRICS_SERVER_VERSION, semverLess, sharedHelmRelease, workloadRole } from './private/cluster-addons';
import { DEFAULT_CPU, DEFAULT_MEMORY } from './private/gpu-instances';
import { addNodegroup, checkPodsFitNodegroup } from './private/gpu-nodegroup';
import { setUpNodeProvisioning } from './private/node-provisioning';
import { containerInsightsCapacityLag } from './private/capacity-lag';
import { KubernetesRolloutMode } from './rollout-mode';
import { gpuScaleOutLeadTime } from './private/lead-time';
import { ScaleOutLeadTime } from '../core/lead-time';
import { servedModelOf } from './private/served-model-of';
import { concrete } from './private/util';
import { checkBoolean, checkOneOf } from '../core/private/validation';
import { checkServingOptions, checkShadowCandidate } from './private/validate-options';
import { KubernetesScalingEngine } from './scaling-engine';
import { WorkloadIdentity } from './workload-identity';
import { withLaneDefaults } from '../core/private/lane-defaults';

/** Chart props the service takes under another name. */
const CHART_TO_SERVICE_PROPS: { [chartProp: string]: string } = {
  // The images come from the artifacts (ServingImage), not from an imageUri prop.
  'stableModel.imageUri': 'stableArtifact (image)',
  'shadowModel.imageUri': 'shadow.candidate (image)',
  'model.imageUri': 'artifact (image)',
  stableModel: 'stableArtifact',
  shadowModel: 'shadow.candidate',
  shadowPercent: 'shadow.samplePercent',
  queueUrl: 'queue',
};

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
   * with it). Ignored with `gpuNodeGroup` or Karpenter (`nodeProvisioning`), whose node role gets the grant.
   *
   * @default - the pods' role gets the pull grant (harmless, but the nodes need pull rights of their own)
   */
  readonly nodeRole?: iam.IRole;

  /**
   * Create a GPU node group (only on an `eks.Cluster` defined in this app). The same as
   * `nodeProvisioning: GpuNodeProvisioning.managedNodeGroup(...)` (not both).
   *
   * @default - see nodeProvisioning
   */
  readonly gpuNodeGroup?: GpuNodeGroupOptions;

  /**
   * How GPU nodes come to be for the pods the autoscaler adds: Karpenter (installed here, or already
   * running), an EKS Auto Mode NodePool, a managed node group, or the cluster's existing nodes.
   *
   * @default - GpuNodeProvisioning.karpenter() on an eks.Cluster of this app (Karpenter, a GPU NodePool
   * and EC2NodeClass, the NVIDIA device plugin); GpuNodeProvisioning.existingNodes() on an imported cluster
   */
  readonly nodeProvisioning?: GpuNodeProvisioning;

  /**
   * The URL a front door POSTs inference requests to: the Gateway or load balancer in front of the
   * service (e.g. `https://recsys.internal.example.com/v2/models/recsys/infer`). For an internal load
   * balancer, give the front door the VPC. The lane then has a `routeTarget()` (`RouteTarget.http`).
   *
   * @default - no route target: a front door cannot send requests to this lane
   */
  readonly routeUrl?: string;

  /**
   * The cluster runs CloudWatch Container Insights with enhanced observability (the Amazon CloudWatch
   * Observability EKS add-on, or the CloudWatch agent with `enhanced_container_insights`), which
   * publishes the Deployment's `replicas_desired` and `status_replicas_available` in `ContainerInsights`:
   * then `metricCapacityLag()` is derived from them. The lane does not install the add-on. Rejected
   * with ARGO_ROLLOUTS (the Rollout, not the Deployment, runs the pods there).
   *
   * @default false - `metricCapacityLag()` is undefined; use `capacityLagQuery` (PromQL)
   */
  readonly containerInsights?: boolean;
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
  /** The archetype: `gpu-cluster`. */
  public readonly laneKind = LaneKind.GPU_CLUSTER;
  /** Name of the model the stable (or, with GATEWAY_API, the canary) track serves. */
  public readonly artifactName: string;
  /** Version of that model. */
  public readonly artifactVersion: string;
  /** GPU pods: the policy's replica range, the node group's (or first pod) instance type. */
  public readonly capacity: LaneCapacity;
  /** The cdk8s app holding the chart. */
  public readonly cdk8sApp: cdk8s.App;
  /** The chart. */
  public readonly chart: GpuServingChart;
  /** The dynamic batching the chart renders (Triton `dynamic_batching`, vLLM `--max-num-seqs`). */
  public readonly dynamicBatching?: DynamicBatching;
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
  /** The NVIDIA device plugin Helm release, with a gpuNodeGroup or Karpenter on an AL2023 NVIDIA AMI. */
  public readonly devicePlugin?: eks.HelmChart;
  /** The GPU node group, with gpuNodeGroup. */
  public readonly nodegroup?: eks.Nodegroup;
  /** How the GPU nodes come to be (after defaults). */
  public readonly nodeProvisioning: GpuNodeProvisioningKind;
  /**
   * PromQL of the stable track's capacity lag in pods (see `GpuServingChart.capacityLagQuery`): what the
   * lane's own Prometheus (the one KEDA and Argo read) answers, for a Grafana panel or an alert.
   */
  public readonly capacityLagQuery: string;
  /** The Karpenter Helm release of the cluster, when the lane installs Karpenter. */
  public readonly karpenter?: eks.HelmChart;
  /** The manifest of the cluster's GPU NodePool (and EC2NodeClass), with Karpenter or Auto Mode. */
  public readonly nodePool?: eks.KubernetesManifest;
  /** The namespace. */
  public readonly namespace: string;

  private readonly routeUrl?: string;
  private readonly nodeRoleForPulls?: iam.IRole;
  private readonly leadTime: ScaleOutLeadTime;
  private readonly containerInsightsLag?: { clusterName: string; namespace: string; name: string };

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
    const base = props.serviceName ?? props.artifact!.name;
    const identity = props.workloadIdentity ?? WorkloadIdentity.POD_IDENTITY;
    const policy = props.autoscaling ?? AutoscalingPolicy.fixed(1);

    // ---- GPU nodes (before anything binds to node capacity) ---------------------------------
    const nodes = setUpNodeProvisioning(this, props, identity, policy);
    this.nodeProvisioning = nodes.kind;
    if (nodes.kind === GpuNodeProvisioningKind.MANAGED_NODE_GROUP) {
      const group = nodes.nodeGroup!;
      checkOneOf(this, 'gpuNodeGroup.capacityType', group.capacityType, Object.values(eks.CapacityType));
      checkOneOf(this, 'gpuNodeGroup.amiType', group.amiType, Object.values(eks.NodegroupAmiType));
      if (!(cluster instanceof eks.Cluster)) {
        throw invalid(this, 'gpuNodeGroup', group.instanceTypes ?? ['g5.xlarge'], 'needs a cluster defined in this app (eks.Cluster); an imported cluster cannot get node groups from here',
          'Create the node group where the cluster is defined, or pass an eks.Cluster.');
      }
      checkPodsFitNodegroup(this, { ...props, gpuNodeGroup: group });
      this.nodegroup = addNodegroup(this, cluster, group, props.gpuCount ?? 1, props.cpu ?? DEFAULT_CPU,
        (props.memory ?? DEFAULT_MEMORY).toMebibytes({ rounding: SizeRoundingBehavior.NONE }) / 1024, nodes.cacheDirectory);
      this.devicePlugin = addDevicePlugin(this, cluster, group);
    } else {
      this.devicePlugin = nodes.devicePlugin;
      this.karpenter = nodes.provisioner?.release;
      this.nodePool = nodes.provisioner?.manifest;
      this.nodeRoleForPulls = nodes.provisioner?.nodeRole;
    }

    // ---- identity and artifacts -------------------------------------------------------------
    const role = workloadRole(this, cluster, identity, ns, base, 'WorkloadRole', `Pods of ${base} in ${ns}: read the model weights`);
    this.role = role;
    const models = this.bindArtifacts(props, role);
    this.binding = models.binding;
    this.artifactName = models.binding.name;
    this.artifactVersion = models.binding.version;

    // ---- KEDA, chart, add-ons ---------------------------------------------------------------
    this.keda = this.setUpKeda(props, identity, policy);
    this.cdk8sApp = new cdk8s.App();
    this.chart = this.asService(base, () => new GpuServingChart(this.cdk8sApp, base, {
      ...props,
      // Bound above (with grants): the chart gets plain values.
      artifact: undefined,
      stableArtifact: undefined,
      shadow: undefined,
      namespace: ns,
      model: models.model,
      stableModel: models.stableModel,
      shadowModel: models.shadowModel,
      shadowPercent: props.shadow?.samplePercent,
      freeze: props.freeze ?? VersionFreeze.of(this),
      serviceAccountAnnotations: identity === WorkloadIdentity.IRSA ? { 'eks.amazonaws.com/role-arn': role.roleArn } : {},
      awsRegion: Stack.of(this).region,
      queueUrl: props.queue?.queueUrl,
      disableResourceNameHashes: true,
    }));
    this.dynamicBatching = this.chart.dynamicBatching;
    this.capacityLagQuery = this.chart.capacityLagQuery;
    checkBoolean(this, 'containerInsights', props.containerInsights);
    if (props.containerInsights) {
      if (this.chart.rolloutMode === KubernetesRolloutMode.ARGO_ROLLOUTS) {
        throw invalid(this, 'containerInsights', true, "cannot give a capacity lag under rolloutMode ARGO_ROLLOUTS: Container Insights reports Deployments, and there the Deployment only holds the pod template (replicas 0) while the Rollout runs the pods",
          'Drop containerInsights and chart capacityLagQuery (the Argo Rollouts controller\'s rollout_info_replicas_* metrics), or use another rolloutMode.');
      }
      this.containerInsightsLag = { clusterName: cluster.clusterName, namespace: ns, name: base };
    }
    this.checkKedaVersion(props);
    this.metricsServer = this.addMetricsServer(props);
    this.manifest = this.apply(cluster, identity);

    this.leadTime = gpuScaleOutLeadTime({
      engine: this.chart.scalingEngine, pollingInterval: props.pollingInterval ?? Duration.seconds(30),
      scaleOutCooldown: policy.scaleOutCooldown, provisioning: nodes.kind,
    });

    const instanceType = this.nodegroup ? (nodes.nodeGroup?.instanceTypes?.[0] ?? 'g5.xlarge') : props.instanceTypes?.[0] ?? `${props.gpuCount ?? 1}x nvidia.com/gpu pod`;
    this.capacity = {
      minInstances: policy.minCapacity,
      maxInstances: policy.maxCapacity,
      instanceType,
      hardware: HardwareTarget.NVIDIA_GPU,
      priceClass: 'per-instance-hour',
      description: `${policy.minCapacity}-${policy.maxCapacity} × ${props.gpuCount ?? 1}-GPU pods on ${instanceType}, ${this.chart.scalingEngine.toLowerCase()} scaling`,
    };
  }

  /**
   * Bind the served build (this tags the lane) and the stable and shadow candidates: the pods' role
   * reads their weights, the nodes pull their images (the kubelet pulls with the node role).
   */
  private bindArtifacts(props: GpuClusterServiceProps, role: iam.IRole) {
    const options = { grantee: role, imageGrantee: this.nodegroup?.role ?? this.nodeRoleForPulls ?? props.nodeRole, target: HardwareTarget.NVIDIA_GPU, consumer: this.node.path };
    const { binding } = this.bindModel(props.artifact!, options);
    const stableBinding = props.stableArtifact?.bind(this, options);
    const shadowBinding = props.shadow?.candidate.bind(this, options);
    const model = servedModelOf(this, binding, 'artifact');
    const stableModel = stableBinding ? servedModelOf(this, stableBinding, 'stableArtifact') : undefined;
    const shadowModel = shadowBinding ? servedModelOf(this, shadowBinding, 'shadow.candidate') : undefined;
    if (shadowModel) { checkShadowCandidate(this, 'shadow.candidate', shadowModel, stableModel ? [model, stableModel] : [model]); }
    // Supply chain (issue 20 part 5): a serving image by tag deploys, with a synth warning; with an
    // admission policy the chart rejects it instead.
    if (props.admissionPolicy === undefined) {
      warnUnpinnedImage(this, 'artifact (image)', model.imageUri);
      if (stableModel) { warnUnpinnedImage(this, 'stableArtifact (image)', stableModel.imageUri); }
      if (shadowModel) { warnUnpinnedImage(this, 'shadow.candidate (image)', shadowModel.imageUri); }
    }
    return { binding, model, stableModel, shadowModel };
  }

  /** KEDA: one release and one operator role per cluster, shared by every service; the operator reads the queue. */
  private setUpKeda(props: GpuClusterServiceProps, identity: WorkloadIdentity, policy: AutoscalingPolicy): eks.HelmChart | undefined {
    const cluster = props.cluster;
    let keda: eks.HelmChart | undefined;
    let kedaRole: iam.IRole | undefined = props.kedaOperatorRole;
    const kedaVersion = props.kedaVersion ?? DEFAULT_KEDA_VERSION;
    if (props.installKeda) {
      checkChartVersion(this, 'kedaVersion', kedaVersion, '2.17.2');
      // The operator gets its credentials when its pod starts (IRSA annotation at install time, Pod
      // Identity injected at pod creation): its role and association come before the release.
      if (!kedaRole) { kedaRole = kedaOperatorRole(this, cluster, identity); }
      keda = kedaRelease(this, cluster, kedaVersion, identity === WorkloadIdentity.IRSA && !props.kedaOperatorRole ? kedaRole : undefined);
      const association = cluster.node.tryFindChild(`${KEDA_ROLE_ID}Association`);
      if (association && !props.kedaOperatorRole) { keda.node.addDependency(association); }
    }
    if (policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE)) {
      if (!props.queue) {
        throw invalid(this, 'queue', undefined, 'is required by the queueBacklogPerInstance trigger', 'Pass the sqs.IQueue the model drains.');
      }
      if (!kedaRole && !props.installKeda) {
        throw invalid(this, 'kedaOperatorRole', undefined, 'is needed to let KEDA read the queue (KEDA is not installed by this construct)', 'Pass the KEDA operator role, or set installKeda: true.');
      }
      kedaRole = kedaRole ?? kedaOperatorRole(this, cluster, identity);
      props.queue.grant(kedaRole, 'sqs:GetQueueAttributes');
    } else if (props.queue) {
      throw invalid(this, 'queue', props.queue.node.path, 'is not used: the policy has no queueBacklogPerInstance trigger', 'Add ScalingTrigger.queueBacklogPerInstance(n) or drop queue.');
    }
    return keda;
  }

  private checkKedaVersion(props: GpuClusterServiceProps): void {
    const kedaVersion = props.kedaVersion ?? DEFAULT_KEDA_VERSION;
    if (props.installKeda && this.chart.scalingEngine === KubernetesScalingEngine.KEDA && concrete(kedaVersion) && semverLess(kedaVersion, '2.17.0')) {
      throw invalid(this, 'kedaVersion', kedaVersion, "is older than 2.17.0: the ScaledObjects' fallback holds the current replicas (fallback.behavior), which KEDA 2.16 and older reject or ignore",
        `Use kedaVersion '${DEFAULT_KEDA_VERSION}' or newer.`);
    }
  }

  /** metrics-server for CPU triggers (EKS does not install the resource metrics API). */
  private addMetricsServer(props: GpuClusterServiceProps): eks.HelmChart | undefined {
    const usesCpu = this.chart.policy.trigger(TriggerKind.CPU_UTILIZATION) !== undefined;
    if (props.installMetricsServer) {
      return sharedHelmRelease(this, props.cluster, METRICS_SERVER_ID, 'installMetricsServer', {
        chart: 'metrics-server', repository: 'https://kubernetes-sigs.github.io/metrics-server/', release: 'metrics-server', namespace: 'kube-system',
        version: METRICS_SERVER_VERSION,
      });
    } else if (usesCpu) {
      Annotations.of(this).addWarningV2('cdk-inference-lanes:gpu-cluster-metrics-server',
        `${this.node.path}: the ${this.chart.scalingEngine} CPU trigger reads the resource metrics API, which EKS does not install: without metrics-server the autoscaler never sees CPU load. `
        + 'Set installMetricsServer: true, or install metrics-server yourself (EKS add-on or Helm).');
    }
    return undefined;
  }

  /** Apply the chart after everything its pods and objects need (releases, nodes, identities). */
  private apply(cluster: eks.ICluster, identity: WorkloadIdentity): eks.KubernetesManifest {
    const manifest = new eks.KubernetesManifest(this, 'Manifests', {
      cluster,
      manifest: this.chart.toJson(),
    });
    for (const dependency of [this.keda, this.metricsServer, this.devicePlugin, this.nodegroup, this.nodePool]) {
      if (dependency) { manifest.node.addDependency(dependency); }
    }
    for (const scope of [this, cluster]) {
      for (const child of scope.node.children) {
        if (child instanceof eks.CfnPodIdentityAssociation) { manifest.node.addDependency(child); }
      }
    }
    if (identity === WorkloadIdentity.POD_IDENTITY && cluster instanceof eks.Cluster && cluster.eksPodIdentityAgent) {
      // Pods must not start before the agent that hands them credentials.
      manifest.node.addDependency(cluster.eksPodIdentityAgent);
    }
    return manifest;
  }

  /**
   * Expected time from a scale-out trigger to a new pod in service, step by step with sources: the
   * autoscaler's reaction, a new GPU node (Karpenter or Auto Mode: batching, launch and join, device
   * plugin, image pull), the weights fetch and the model load. See the README "GPU node autoscaling".
   */
  public get scaleOutLeadTime(): ScaleOutLeadTime {
    return this.leadTime;
  }

  /**
   * GPU pods asked for and not yet available (stable track): `IF(desired > available, desired -
   * available, 0)` on Container Insights' enhanced deployment metrics `replicas_desired` and
   * `status_replicas_available` (Maximum per minute, missing values as 0). Above zero for about
   * {@link scaleOutLeadTime} after a scale-out; staying up means pods that cannot get a GPU node.
   *
   * @returns undefined without `containerInsights` (the lane publishes no CloudWatch signal; use `capacityLagQuery`)
   */
  public metricCapacityLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    const lag = this.containerInsightsLag;
    return lag ? containerInsightsCapacityLag(this, lag.clusterName, lag.namespace, lag.name, props) : undefined;
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

}
