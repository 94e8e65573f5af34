import { Duration } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscalingPolicy, TriggerKind } from '../core/autoscaling';
import { DynamicBatching } from '../core/dynamic-batching';
import { invalid } from '../core/private/errors';
import { freezeInForce, versionFreezeError } from '../core/private/freeze-check';
import { ModelArtifact } from '../core/model-artifact';
import { checkDnsSubdomain, checkLabelKey } from '../core/private/validation';
import { ShadowTraffic } from '../core/rollout';
import { VersionFreeze } from '../core/version-freeze';
import { GpuServingOptions } from './gpu-serving-options';
import { ModelServer } from './model-server';
import { capacityLagQuery } from './private/capacity-lag';
import { checkModel, checkModelCache, checkRollout, checkShadow, checkUnused, resolveArtifacts, resolveEngine } from './private/chart-validation';
import { checkServingOptions } from './private/validate-options';
import { ChartImage, checkAdmissionPolicy, renderAdmissionPolicy } from './private/admission-policy';
import { resolvePodSettings } from './private/pod-settings';
import { renderMonitoring } from './private/prometheus-alerts';
import { renderRollbackAnalysis } from './private/rollback-analysis';
import { buildServingTrack, TrackContext, trackServerProps } from './private/serving-track';
import { renderArgoRollout, renderArgoServices, renderRoute } from './private/traffic';
import { resolveBatching } from './private/batching';
import { resolveRuntime, runtimeQueries } from './private/runtime';
import { concrete, isDnsLabel, promSelector, ResolvedQueries, secondsOf } from './private/util';
import { KubernetesRolloutMode } from './rollout-mode';
import { KubernetesScalingEngine } from './scaling-engine';
import { ServedModel } from './served-model';
import { ServingAutoscaler } from './serving-autoscaler';
import { ServingRuntimeKind } from './serving-runtime';

/**
 * Props of {@link GpuServingChart}.
 */
export interface GpuServingChartProps extends cdk8s.ChartProps, GpuServingOptions {
  /**
   * The model version to serve, as plain values. With a canary it is the new version; with
   * `GATEWAY_API` the `stableModel` keeps the rest of the traffic. Give `model` or `artifact`.
   *
   * @default - from `artifact`
   */
  readonly model?: ServedModel;

  /**
   * The model version to serve, as the shared {@link ModelArtifact} (its NVIDIA_GPU build). On a
   * plain chart (no CDK stack) its weights must already be in S3 under a bucket named as text
   * (`ModelArtifact.fromBucket(s3.Bucket.fromBucketName(...), key, ...)`) and its image must be a
   * reference (`ServingImage.fromRegistry`); a local asset needs a stack (use
   * {@link GpuClusterService}). No grant is made: the pods read with whatever credentials they get.
   * Give `model` or `artifact`.
   *
   * @default - `model`
   */
  readonly artifact?: ModelArtifact;

  /**
   * The version currently serving, for a `GATEWAY_API` canary, as a {@link ModelArtifact} (same
   * rules as `artifact`). Give `stableModel` or `stableArtifact`.
   *
   * @default - `stableModel`
   */
  readonly stableArtifact?: ModelArtifact;

  /**
   * Shadow traffic with the shared contract: the candidate artifact (same rules as `artifact`) and
   * the mirrored share. Give `shadow` or `shadowModel` with `shadowPercent`.
   *
   * @default - `shadowModel`
   */
  readonly shadow?: ShadowTraffic;

  /**
   * The version currently serving, for a `GATEWAY_API` canary: it keeps `100 - percent` percent of
   * the traffic. Only `GATEWAY_API` takes it (Argo Rollouts keeps the previous version itself).
   *
   * @default - none
   */
  readonly stableModel?: ServedModel;

  /**
   * A candidate that receives a mirrored share of the traffic (Gateway API RequestMirror); its
   * answers are discarded. Needs a `gateway`.
   *
   * @default - no shadow
   */
  readonly shadowModel?: ServedModel;

  /**
   * Share of requests mirrored to `shadowModel`, percent (1-100).
   *
   * @default - required with shadowModel
   */
  readonly shadowPercent?: number;

  /**
   * Annotations of the service account, e.g. `eks.amazonaws.com/role-arn` for IRSA.
   *
   * @default - none
   */
  readonly serviceAccountAnnotations?: { [key: string]: string };

  /**
   * AWS region of the weights bucket (and of the SQS queue).
   *
   * @default - the region the pod's environment provides (IRSA and Pod Identity inject it)
   */
  readonly awsRegion?: string;

  /**
   * Name of a Secret holding `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (or other AWS CLI
   * environment) for the model-fetch init container, for clusters outside AWS.
   *
   * @default - the credentials the cluster gives the pod
   */
  readonly fetchCredentialsSecret?: string;

  /**
   * URL of the SQS queue a `queueBacklogPerInstance` trigger reads.
   *
   * @default - none (a backlog trigger is an error)
   */
  readonly queueUrl?: string;

  /**
   * IAM role KEDA assumes to read the queue's attributes.
   *
   * @default - KEDA's own identity
   */
  readonly queueReaderRoleArn?: string;
}

/**
 * GPU model serving as plain Kubernetes manifests (cdk8s): a Deployment per track with
 * `nvidia.com/gpu` resources, tolerations, node selection, zone spread, a model-fetch init
 * container, `/dev/shm`, probes and non-root containers; a Service with named ports; a
 * PodDisruptionBudget; the shared {@link AutoscalingPolicy} as an HPA or KEDA ScaledObject; an
 * optional Triton dynamic-batching ConfigMap; Gateway API canaries and shadow traffic or Argo
 * Rollouts with SLO analysis; optional ServiceMonitor and PrometheusRule.
 *
 * It runs on any cluster: `new cdk8s.App(); new GpuServingChart(app, 'recsys', {...}); app.synth()`
 * writes YAML for `kubectl apply`. On EKS, {@link GpuClusterService} creates it for you.
 */
export class GpuServingChart extends cdk8s.Chart {
  /** Base name of the objects. */
  public readonly serviceName: string;
  /**
   * PromQL of the stable track's capacity lag, in pods (asked for minus available, at least 0):
   * kube-state-metrics' `kube_deployment_spec_replicas` minus `kube_deployment_status_replicas_available`
   * of the Deployment, or under ARGO_ROLLOUTS the Argo Rollouts controller's
   * `rollout_info_replicas_desired` minus `rollout_info_replicas_available` of the Rollout. For a
   * Grafana panel or a PrometheusRule; above 0 while new pods wait for a node, an image or the model.
   */
  public readonly capacityLagQuery: string;
  /** The stable track (the only one without a rollout). */
  public readonly stable: ModelServer;
  /** The GATEWAY_API canary track. */
  public readonly canary?: ModelServer;
  /** The shadow track. */
  public readonly shadow?: ModelServer;
  /** The scaling engine used (never AUTO). */
  public readonly scalingEngine: KubernetesScalingEngine;
  /** The rollout mode used. */
  public readonly rolloutMode: KubernetesRolloutMode;
  /** The autoscalers (stable first). */
  public readonly autoscalers: ServingAutoscaler[] = [];
  /** The service account the pods run as. */
  public readonly serviceAccountName: string;
  /** The HTTPRoute, with a gateway. */
  public readonly route?: cdk8s.ApiObject;
  /** The Argo Rollout, in ARGO_ROLLOUTS mode. */
  public readonly argoRollout?: cdk8s.ApiObject;
  /** The SLO AnalysisTemplate, in ARGO_ROLLOUTS mode with automatic rollback. */
  public readonly analysisTemplate?: cdk8s.ApiObject;
  /** The ServiceMonitor. */
  public readonly serviceMonitor?: cdk8s.ApiObject;
  /** The SLO alerts. */
  public readonly prometheusRule?: cdk8s.ApiObject;
  /** The autoscaling policy. */
  public readonly policy: AutoscalingPolicy;
  /** The dynamic batching the pods run (the shared contract), if any. */
  public readonly dynamicBatching?: DynamicBatching;
  /** The image admission policy (a Kyverno ClusterPolicy), with `admissionPolicy`. */
  public readonly admissionPolicy?: cdk8s.ApiObject;

  constructor(scope: Construct, id: string, props: GpuServingChartProps) {
    super(scope, id, props);
    const userProps = props;
    // The shared ModelArtifact contract, bound to plain values; the rest reads model/stableModel/shadowModel.
    props = resolveArtifacts(this, props);
    const model = props.model!;
    const base = props.serviceName ?? model.name;
    this.serviceName = base;
    const policy = props.autoscaling ?? AutoscalingPolicy.fixed(1);
    this.policy = policy;
    const ns = props.namespace;
    const mode = props.rolloutMode ?? KubernetesRolloutMode.ROLLING_UPDATE;
    this.rolloutMode = mode;
    this.capacityLagQuery = capacityLagQuery(base, ns, mode);

    // ---- validation -------------------------------------------------------------------------
    const { pod, queries, engine, shadowPercent, runtime, batching, maxNumSeqs } = this.validate(props, base, policy, mode);
    this.dynamicBatching = batching;
    this.scalingEngine = engine;
    const { rollout, slo } = props;
    const freeze = props.freeze ?? VersionFreeze.of(this);
    const frozen = versionFreezeError(this, 'model.version', model.version, freeze);
    if (frozen) { throw frozen; }

    // ---- objects ----------------------------------------------------------------------------
    const appLabels = { 'app.kubernetes.io/name': base, 'app.kubernetes.io/part-of': 'cdk-inference-lanes', 'inference.cdk/lane': 'gpu-cluster' };
    if (props.createNamespace) {
      const namespace = new k8s.KubeNamespace(this, 'Namespace', { metadata: { name: ns!, labels: appLabels } });
      // A Namespace is cluster-scoped: drop the chart namespace cdk8s puts on every object.
      namespace.addJsonPatch(cdk8s.JsonPatch.remove('/metadata/namespace'));
    }
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: base, labels: appLabels, annotations: props.serviceAccountAnnotations },
      automountToken: false,
    });
    this.serviceAccountName = base;

    const prometheusUrl = props.prometheusUrl ?? 'http://prometheus-operated.monitoring.svc:9090';
    const scrapeLabel = { 'inference.cdk/metrics': base };
    const httpPort = pod.httpPort;
    const tracks: TrackContext = {
      base, policy, labels: appLabels,
      server: trackServerProps(props, pod, { base, serviceAccount, scrapeLabel, modelName: model.name, runtime, batching, maxNumSeqs }),
      autoscaler: policy.isFixed ? undefined : {
        policy, engine, queries, prometheusUrl,
        namespace: ns,
        pollingInterval: props.pollingInterval ?? Duration.seconds(30),
        queueUrl: props.queueUrl,
        awsRegion: props.awsRegion,
        queueReaderRoleArn: props.queueReaderRoleArn,
      },
      scalerKind: engine === KubernetesScalingEngine.HPA ? 'hpa' : 'scaler',
      selectorFor: (service: string) => promSelector({ ...(ns ? { namespace: ns } : {}), service }),
    };
    const argo = mode === KubernetesRolloutMode.ARGO_ROLLOUTS;
    const gatewayCanary = mode === KubernetesRolloutMode.GATEWAY_API;
    const track = (spec: Parameters<typeof buildServingTrack>[2]) => {
      const built = buildServingTrack(this, tracks, spec);
      if (built.autoscaler) { this.autoscalers.push(built.autoscaler); }
      return built.server;
    };
    // With Argo Rollouts the stable Deployment only holds the pod template; the Rollout runs the pods.
    this.stable = track({ id: 'Stable', track: 'stable', model: gatewayCanary ? props.stableModel! : model, argo });
    if (gatewayCanary) {
      this.canary = track({ id: 'Canary', track: 'canary', model, share: rollout!.percent / 100 });
    }
    if (props.shadowModel) {
      this.shadow = track({ id: 'Shadow', track: 'shadow', model: props.shadowModel, share: shadowPercent! / 100 });
    }

    const traffic = this.renderTraffic(props, { base, appLabels, httpPort, prometheusUrl, queries, shadowPercent, startupTimeout: pod.startupTimeout });
    this.route = traffic.route;
    this.analysisTemplate = traffic.analysisTemplate;
    this.argoRollout = traffic.argoRollout;
    if (this.argoRollout && freezeInForce(this, freeze)) {
      // While frozen no step may advance: Argo Rollouts holds a paused rollout where it is.
      this.argoRollout.addJsonPatch(cdk8s.JsonPatch.add('/spec/paused', true));
    }

    if (props.admissionPolicy !== undefined) {
      const images = this.chartImages(userProps);
      checkAdmissionPolicy(this, props.admissionPolicy, images);
      this.admissionPolicy = renderAdmissionPolicy(this, props.admissionPolicy, {
        base, namespace: ns, images, labels: appLabels,
        podLabels: { 'app.kubernetes.io/name': base, 'inference.cdk/lane': 'gpu-cluster' },
      });
    }

    if (props.prometheusOperator) {
      // kube-prometheus-stack selects ServiceMonitors and PrometheusRules by `release: <its release>`.
      const monitoringLabels = props.monitoringLabels ?? { release: 'kube-prometheus-stack' };
      const monitoring = renderMonitoring(this, {
        base, namespace: ns, labels: { ...appLabels, ...monitoringLabels }, scrapeLabel, queries, policy, modelName: model.name, slo,
        // vLLM serves /metrics on its API port.
        metricsPortName: runtime.kind === ServingRuntimeKind.VLLM ? 'http' : 'metrics',
      });
      this.serviceMonitor = monitoring.serviceMonitor;
      this.prometheusRule = monitoring.prometheusRule;
    }
  }

  /**
   * Every image the chart's pods run (read from the rendered Deployments), with the prop that set it:
   * serving images are signature-checked by the admission policy, helper images only digest-pinned.
   */
  private chartImages(userProps: GpuServingChartProps): ChartImage[] {
    const servingProp = (track: string) => {
      if (track === 'Shadow') { return userProps.shadow ? 'shadow.candidate (image)' : 'shadowModel.imageUri'; }
      if (track === 'Stable' && this.canary) { return userProps.stableArtifact ? 'stableArtifact (image)' : 'stableModel.imageUri'; }
      return userProps.artifact ? 'artifact (image)' : 'model.imageUri';
    };
    const images: ChartImage[] = [];
    for (const [track, server] of [['Stable', this.stable], ['Canary', this.canary], ['Shadow', this.shadow]] as const) {
      if (!server) { continue; }
      for (const c of server.deployment.initContainers) {
        // fetch-model (fetchImage) and unpack-model (unpackImage), lib/gpu-cluster/private/model-fetch.ts
        images.push({ prop: c.name === 'unpack-model' ? 'unpackImage' : c.name === 'fetch-model' ? 'fetchImage' : `init container ${c.name}`, image: c.image, signed: false });
      }
      for (const c of server.deployment.containers) {
        images.push({ prop: servingProp(track), image: c.image, signed: true });
      }
    }
    return images;
  }

  /** The HTTPRoute (weights, mirror) and, with Argo Rollouts, its Services, the Rollout and the rollback analysis. */
  private renderTraffic(props: GpuServingChartProps, t: {
    base: string; appLabels: { [key: string]: string }; httpPort: number; prometheusUrl: string; queries: ResolvedQueries; shadowPercent?: number; startupTimeout: Duration;
  }): { route?: cdk8s.ApiObject; analysisTemplate?: cdk8s.ApiObject; argoRollout?: cdk8s.ApiObject } {
    const { base, appLabels, httpPort, prometheusUrl, queries, shadowPercent } = t;
    const { rollout, slo, namespace: ns } = props;
    const argo = this.rolloutMode === KubernetesRolloutMode.ARGO_ROLLOUTS;
    const gatewayCanary = this.rolloutMode === KubernetesRolloutMode.GATEWAY_API;
    let route: cdk8s.ApiObject | undefined;
    let analysisTemplate: cdk8s.ApiObject | undefined;
    let argoRollout: cdk8s.ApiObject | undefined;
    const argoServices = argo && props.gateway ? renderArgoServices(this, base, appLabels, this.stable.deployment, httpPort) : undefined;
    if (props.gateway) {
      const backends = gatewayCanary
        ? [{ name: base, weight: 100 - rollout!.percent }, { name: `${base}-canary`, weight: rollout!.percent }]
        : argoServices
          ? [{ name: argoServices.stableService, weight: 100 }, { name: argoServices.canaryService, weight: 0 }]
          : [{ name: base, weight: 100 }];
      route = renderRoute(this, {
        base, labels: appLabels, gateway: props.gateway, hostnames: props.hostnames, httpPort, backends,
        mirror: this.shadow ? { name: this.shadow.name, percent: shadowPercent! } : undefined,
      });
    }

    if (argo) {
      const rollback = rollout!.autoRollback
        ? renderRollbackAnalysis(this, { base, namespace: ns, labels: appLabels, prometheusUrl, queries, slo: slo! })
        : undefined;
      analysisTemplate = rollback?.template;
      argoRollout = renderArgoRollout(this, {
        base, namespace: ns, labels: appLabels, rollout: rollout!,
        replicas: this.policy.isFixed ? this.policy.minCapacity : undefined,
        startupTimeoutSeconds: secondsOf(t.startupTimeout),
        services: argoServices,
        gatewayRouting: props.gateway !== undefined,
        analysis: rollback?.analysis,
      });
    }
    return { route, analysisTemplate, argoRollout };
  }

  /** Every check that needs more than one prop; returns the resolved pod settings, queries and engine. */
  private validate(props: GpuServingChartProps, base: string, policy: AutoscalingPolicy, mode: KubernetesRolloutMode) {
    const ns = props.namespace;
    checkServingOptions(this, props, ns);
    checkDnsSubdomain(this, 'fetchCredentialsSecret', props.fetchCredentialsSecret, "Pass the name of a Secret in the chart's namespace, e.g. 'recsys-s3-reader'.");
    for (const key of Object.keys(props.serviceAccountAnnotations ?? {})) {
      checkLabelKey(this, `serviceAccountAnnotations.${key}`, key);
    }
    checkModel(this, 'model', props.model!);
    if (concrete(base) && (!isDnsLabel(base, 40))) {
      throw invalid(this, 'serviceName', base, 'is not a DNS label of at most 40 characters (suffixes such as -canary are added)', "Use lowercase letters, digits and '-', e.g. 'recsys'.");
    }
    if (props.createNamespace && ns === undefined) {
      throw invalid(this, 'createNamespace', true, 'needs a namespace', "Pass namespace: 'recsys' (a ChartProps field).");
    }
    const { runtime, batching, maxNumSeqs } = resolveBatching(this, props, resolveRuntime(this, props, props.model!), props.model!);
    const pod = resolvePodSettings(this, props, [['model', props.model], ['stableModel', props.stableModel], ['shadowModel', props.shadowModel]], runtime);
    const queries = runtimeQueries(runtime, props);
    const engine = resolveEngine(this, policy, props.scalingEngine ?? KubernetesScalingEngine.AUTO, queries, runtime);
    checkUnused(this, props, policy, engine);
    if (policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE) && (!props.queueUrl || !props.awsRegion)) {
      throw invalid(this, 'queueUrl', props.queueUrl, 'and awsRegion are needed by the queueBacklogPerInstance trigger (KEDA aws-sqs-queue)', 'Pass queueUrl and awsRegion.');
    }
    checkRollout(this, mode, props.rollout, props);
    const shadowPercent = checkShadow(this, mode, props);
    const argoAnalysis = mode === KubernetesRolloutMode.ARGO_ROLLOUTS && props.rollout !== undefined && props.rollout.autoRollback;
    if (props.slo && !argoAnalysis && !props.prometheusOperator) {
      throw invalid(this, 'slo', props.slo.toString(), 'is not watched: on Kubernetes the SLO renders as Prometheus alerts (prometheusOperator) or an Argo analysis (ARGO_ROLLOUTS with autoRollback)',
        'Set prometheusOperator: true, or use rolloutMode ARGO_ROLLOUTS with an automatically rolled-back rollout, or drop slo.');
    }
    checkModelCache(this, props.modelCache);
    return { pod, queries, engine, shadowPercent, runtime, batching, maxNumSeqs };
  }
}
