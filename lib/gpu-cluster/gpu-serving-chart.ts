import { Duration } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscalingPolicy, LaneScalingSupport, ScalingTrigger, TriggerKind } from '../core/autoscaling';
import { checkRange, invalid } from '../core/private/errors';
import { ModelArtifact } from '../core/model-artifact';
import { checkDnsSubdomain, checkLabelKey } from '../core/private/validation';
import { Rollout, RolloutStrategy, ShadowTraffic } from '../core/rollout';
import { ArgoAnalysisMetric, ArgoAnalysisTemplate } from './argo-analysis-template';
import { ArgoCanaryStep, ArgoRollout } from './argo-rollout';
import { GatewayHttpRoute, HttpBackendRef, HttpRouteFilter } from './gateway-http-route';
import { GpuServingOptions } from './gpu-serving-options';
import { ModelServer, ModelServerProps } from './model-server';
import { PrometheusAlertRule, PrometheusRule } from './prometheus-rule';
import { resolvePodSettings } from './private/pod-settings';
import { bindForChart } from './private/served-model-of';
import { checkServedVersion, checkServingOptions, checkShadowCandidate } from './private/validate-options';
import { concrete, errorRateWithMinimum, isDnsLabel, promSelector, quantileOf, renderQuery, ResolvedQueries, resolveQueries, secondsOf } from './private/util';
import { KubernetesRolloutMode } from './rollout-mode';
import { KubernetesScalingEngine } from './scaling-engine';
import { ServedModel } from './served-model';
import { ServiceMonitor } from './service-monitor';
import { ServingAutoscaler } from './serving-autoscaler';

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

const TRITON_QUANTILES = [50, 90, 95, 99];

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
  public readonly route?: GatewayHttpRoute;
  /** The Argo Rollout, in ARGO_ROLLOUTS mode. */
  public readonly argoRollout?: ArgoRollout;
  /** The SLO AnalysisTemplate, in ARGO_ROLLOUTS mode with automatic rollback. */
  public readonly analysisTemplate?: ArgoAnalysisTemplate;
  /** The ServiceMonitor. */
  public readonly serviceMonitor?: ServiceMonitor;
  /** The SLO alerts. */
  public readonly prometheusRule?: PrometheusRule;
  /** The autoscaling policy. */
  public readonly policy: AutoscalingPolicy;

  constructor(scope: Construct, id: string, props: GpuServingChartProps) {
    super(scope, id, props);
    // The shared ModelArtifact contract, bound to plain values; the rest reads model/stableModel/shadowModel.
    props = this.resolveArtifacts(props);
    const model = props.model!;
    const base = props.serviceName ?? model.name;
    this.serviceName = base;
    const policy = props.autoscaling ?? AutoscalingPolicy.fixed(1);
    this.policy = policy;
    const ns = props.namespace;
    const mode = props.rolloutMode ?? KubernetesRolloutMode.ROLLING_UPDATE;
    this.rolloutMode = mode;

    // ---- validation -------------------------------------------------------------------------
    checkServingOptions(this, props, ns);
    checkDnsSubdomain(this, 'fetchCredentialsSecret', props.fetchCredentialsSecret, "Pass the name of a Secret in the chart's namespace, e.g. 'recsys-s3-reader'.");
    for (const key of Object.keys(props.serviceAccountAnnotations ?? {})) {
      checkLabelKey(this, `serviceAccountAnnotations.${key}`, key);
    }
    this.checkModel('model', model);
    if (concrete(base) && (!isDnsLabel(base, 40))) {
      throw invalid(this, 'serviceName', base, 'is not a DNS label of at most 40 characters (suffixes such as -canary are added)', "Use lowercase letters, digits and '-', e.g. 'recsys'.");
    }
    if (props.createNamespace && ns === undefined) {
      throw invalid(this, 'createNamespace', true, 'needs a namespace', "Pass namespace: 'recsys' (a ChartProps field).");
    }
    const {
      gpuCount, cpu, memory, shm, modelVolumeSize, httpPort, grpcPort, metricsPort, grace, preStop, startupTimeout, tolerations, maxUnavailable, runAsUser,
    } = resolvePodSettings(this, props, [['model', model], ['stableModel', props.stableModel], ['shadowModel', props.shadowModel]]);
    const queries = resolveQueries(props.metricQueries);
    const engine = this.resolveEngine(policy, props.scalingEngine ?? KubernetesScalingEngine.AUTO, queries);
    this.scalingEngine = engine;
    this.checkUnused(props, engine);
    if (policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE) && (!props.queueUrl || !props.awsRegion)) {
      throw invalid(this, 'queueUrl', props.queueUrl, 'and awsRegion are needed by the queueBacklogPerInstance trigger (KEDA aws-sqs-queue)', 'Pass queueUrl and awsRegion.');
    }

    const rollout = props.rollout;
    const shadowPercent = this.checkRollout(mode, rollout, props);
    const slo = props.slo;
    const argoAnalysis = mode === KubernetesRolloutMode.ARGO_ROLLOUTS && rollout !== undefined && rollout.autoRollback;
    if (slo && !argoAnalysis && !props.prometheusOperator) {
      throw invalid(this, 'slo', slo.toString(), 'is not watched: on Kubernetes the SLO renders as Prometheus alerts (prometheusOperator) or an Argo analysis (ARGO_ROLLOUTS with autoRollback)',
        'Set prometheusOperator: true, or use rolloutMode ARGO_ROLLOUTS with an automatically rolled-back rollout, or drop slo.');
    }

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
    // kube-prometheus-stack selects ServiceMonitors and PrometheusRules by `release: <its release>`.
    const monitoringLabels = props.monitoringLabels ?? { release: 'kube-prometheus-stack' };
    const scrapeLabel = { 'inference.cdk/metrics': base };
    const command = props.command ?? tritonCommand(httpPort, grpcPort, metricsPort, slo?.latencyPercentile);
    const common: Omit<ModelServerProps, 'name' | 'model' | 'track' | 'replicas'> = {
      appName: base,
      serviceAccount,
      gpuCount, cpu, memory,
      instanceTypes: props.instanceTypes ?? [],
      nodeSelector: props.nodeSelector ?? {},
      tolerations,
      priorityClassName: props.priorityClassName,
      terminationGracePeriod: grace,
      preStopDelay: preStop,
      spreadAcrossZones: props.spreadAcrossZones ?? true,
      triton: props.triton,
      command,
      environment: props.environment ?? {},
      httpPort, grpcPort, metricsPort,
      readinessPath: props.readinessPath ?? '/v2/health/ready',
      livenessPath: props.livenessPath ?? '/v2/health/live',
      startupTimeout,
      sharedMemorySize: shm,
      modelVolumeSize,
      fetchImage: props.fetchImage ?? 'public.ecr.aws/aws-cli/aws-cli:2.22.35',
      unpackImage: props.unpackImage ?? 'public.ecr.aws/docker/library/busybox:1.36.1',
      runAsUser,
      maxUnavailable,
      awsRegion: props.awsRegion,
      fetchCredentialsSecret: props.fetchCredentialsSecret,
      serviceLabels: scrapeLabel,
    };
    const autoscaled = !policy.isFixed;
    const argo = mode === KubernetesRolloutMode.ARGO_ROLLOUTS;
    const stableModel = mode === KubernetesRolloutMode.GATEWAY_API ? props.stableModel! : model;

    this.stable = new ModelServer(this, 'Stable', {
      ...common, name: base, model: stableModel, track: 'stable',
      // With Argo Rollouts the Deployment only holds the pod template; the Rollout runs the pods.
      replicas: argo ? 0 : (autoscaled ? undefined : policy.minCapacity),
    });
    if (autoscaled && !argo) { this.stable.deployment.markHasAutoscaler(); }

    const autoscalerCommon = {
      policy, engine, queries, prometheusUrl,
      namespace: ns,
      pollingInterval: props.pollingInterval ?? Duration.seconds(30),
      queueUrl: props.queueUrl,
      awsRegion: props.awsRegion,
      queueReaderRoleArn: props.queueReaderRoleArn,
    };
    const selectorFor = (service: string) => promSelector({ ...(ns ? { namespace: ns } : {}), service });
    const scalerKind = engine === KubernetesScalingEngine.HPA ? 'hpa' : 'scaler';
    if (autoscaled) {
      this.autoscalers.push(new ServingAutoscaler(this, 'StableAutoscaler', {
        ...autoscalerCommon,
        name: `${base}-${scalerKind}`,
        labels: appLabels,
        target: argo ? { apiVersion: ArgoRollout.API_VERSION, kind: ArgoRollout.KIND, name: base } : { name: base },
        minReplicas: policy.minCapacity,
        maxReplicas: policy.maxCapacity,
        promSelector: selectorFor(base),
      }));
    }

    if (mode === KubernetesRolloutMode.GATEWAY_API) {
      const share = rollout!.percent / 100;
      this.canary = new ModelServer(this, 'Canary', {
        ...common, name: `${base}-canary`, model, track: 'canary',
        replicas: autoscaled ? undefined : Math.max(1, Math.ceil(policy.minCapacity * share)),
      });
      if (autoscaled) {
        this.canary.deployment.markHasAutoscaler();
        this.autoscalers.push(new ServingAutoscaler(this, 'CanaryAutoscaler', {
          ...autoscalerCommon,
          name: `${base}-canary-${scalerKind}`,
          labels: appLabels,
          target: { name: `${base}-canary` },
          // Never 0: the route sends this track its share of the traffic at all times.
          minReplicas: 1,
          maxReplicas: policy.maxCapacity,
          scheduleShare: share,
          promSelector: selectorFor(`${base}-canary`),
        }));
      }
    }

    if (props.shadowModel) {
      const share = shadowPercent! / 100;
      this.shadow = new ModelServer(this, 'Shadow', {
        ...common, name: `${base}-shadow`, model: props.shadowModel, track: 'shadow',
        replicas: autoscaled ? undefined : Math.max(1, Math.ceil(policy.minCapacity * share)),
        // The shadow serves no user: disruptions need not be budgeted.
        maxUnavailable: undefined,
      });
      if (autoscaled) {
        this.shadow.deployment.markHasAutoscaler();
        this.autoscalers.push(new ServingAutoscaler(this, 'ShadowAutoscaler', {
          ...autoscalerCommon,
          name: `${base}-shadow-${scalerKind}`,
          labels: appLabels,
          target: { name: `${base}-shadow` },
          // Never 0: the mirror keeps sending this track its share of the traffic.
          minReplicas: 1,
          maxReplicas: policy.maxCapacity,
          scheduleShare: share,
          promSelector: selectorFor(`${base}-shadow`),
        }));
      }
    }

    // Argo routing services: Argo adds the pod-template hash to their selectors.
    let argoStableService: string | undefined;
    let argoCanaryService: string | undefined;
    if (argo && props.gateway) {
      argoStableService = `${base}-stable`;
      argoCanaryService = `${base}-canary`;
      for (const [cid, name] of [['ArgoStableService', argoStableService], ['ArgoCanaryService', argoCanaryService]] as const) {
        new kplus.Service(this, cid, {
          metadata: { name, labels: appLabels },
          type: kplus.ServiceType.CLUSTER_IP,
          selector: this.stable.deployment,
          ports: [{ name: 'http', port: httpPort, targetPort: httpPort, protocol: kplus.Protocol.TCP }],
        });
      }
    }

    if (props.gateway) {
      const backendRefs: HttpBackendRef[] = mode === KubernetesRolloutMode.GATEWAY_API
        ? [{ name: base, port: httpPort, weight: 100 - rollout!.percent }, { name: `${base}-canary`, port: httpPort, weight: rollout!.percent }]
        : argo
          ? [{ name: argoStableService!, port: httpPort, weight: 100 }, { name: argoCanaryService!, port: httpPort, weight: 0 }]
          : [{ name: base, port: httpPort, weight: 100 }];
      const filters: HttpRouteFilter[] | undefined = this.shadow
        // 100% is the default of a RequestMirror: leaving `percent` out keeps it valid on Gateway API < v1.3.
        ? [{ type: 'RequestMirror', requestMirror: stripUndefined({ backendRef: { name: this.shadow.name, port: httpPort }, percent: shadowPercent === 100 ? undefined : shadowPercent }) }]
        : undefined;
      this.route = new GatewayHttpRoute(this, 'Route', {
        metadata: { name: base, labels: appLabels },
        spec: {
          parentRefs: [stripUndefined({ name: props.gateway.name, namespace: props.gateway.namespace, sectionName: props.gateway.sectionName })],
          hostnames: props.hostnames,
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters, backendRefs }],
        },
      });
    }

    if (argo) {
      let analysis;
      if (rollout!.autoRollback) {
        this.analysisTemplate = new ArgoAnalysisTemplate(this, 'SloAnalysis', {
          metadata: { name: `${base}-slo`, labels: appLabels },
          spec: {
            args: [{ name: 'canary-hash' }],
            metrics: this.analysisMetrics(props, queries, prometheusUrl, ns, base),
          },
        });
        analysis = {
          templates: [{ templateName: `${base}-slo` }],
          args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
          startingStep: 1,
        };
      }
      this.argoRollout = new ArgoRollout(this, 'Rollout', {
        metadata: { name: base, labels: appLabels },
        spec: {
          replicas: autoscaled ? undefined : policy.minCapacity,
          workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: base, scaleDown: 'never' },
          revisionHistoryLimit: 3,
          // A version that never becomes ready is rolled back too.
          progressDeadlineSeconds: Math.max(600, Math.round(secondsOf(startupTimeout)) + 300),
          progressDeadlineAbort: true,
          strategy: {
            canary: {
              steps: argoSteps(rollout!),
              canaryService: argoCanaryService,
              stableService: argoStableService,
              analysis,
              trafficRouting: props.gateway
                ? { plugins: { 'argoproj-labs/gatewayAPI': stripUndefined({ httpRoute: base, namespace: ns }) as { [key: string]: string } } }
                : undefined,
            },
          },
        },
      });
    }

    if (props.prometheusOperator) {
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
        metadata: { name: base, labels: { ...appLabels, ...monitoringLabels } },
        spec: {
          selector: { matchLabels: scrapeLabel },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
          podTargetLabels: ['app.kubernetes.io/version', 'inference.cdk/track', 'rollouts-pod-template-hash'],
        },
      });
      if (slo) {
        this.prometheusRule = new PrometheusRule(this, 'SloAlerts', {
          metadata: { name: `${base}-slo`, labels: { ...appLabels, ...monitoringLabels } },
          spec: { groups: [{ name: `${base}-slo`, rules: this.alertRules(props, queries, ns, base) }] },
        });
      }
    }
  }

  /** Props no object would carry with these settings: an error, not a silent no-op. */
  private checkUnused(props: GpuServingChartProps, engine: KubernetesScalingEngine): void {
    const keda = !this.policy.isFixed && engine === KubernetesScalingEngine.KEDA;
    if (props.pollingInterval !== undefined && !keda) {
      throw invalid(this, 'pollingInterval', props.pollingInterval, `is not used: only a KEDA ScaledObject polls (this chart renders ${this.policy.isFixed ? 'a fixed replica count' : 'an HPA'})`, 'Drop pollingInterval.');
    }
    if (props.hostnames !== undefined && !props.gateway) {
      throw invalid(this, 'hostnames', props.hostnames, 'is not used: there is no HTTPRoute without a gateway', "Pass gateway: { name: 'inference-gateway' }, or drop hostnames.");
    }
    if (props.monitoringLabels !== undefined && !props.prometheusOperator) {
      throw invalid(this, 'monitoringLabels', props.monitoringLabels, 'is not used: no ServiceMonitor or PrometheusRule is rendered without prometheusOperator', 'Set prometheusOperator: true, or drop monitoringLabels.');
    }
    if (props.queueReaderRoleArn !== undefined && !this.policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE)) {
      throw invalid(this, 'queueReaderRoleArn', props.queueReaderRoleArn, 'is not used: the policy has no queueBacklogPerInstance trigger', 'Drop queueReaderRoleArn, or add ScalingTrigger.queueBacklogPerInstance(n).');
    }
  }

  private resolveArtifacts(props: GpuServingChartProps): GpuServingChartProps {
    const pick = (plainProp: string, plain: ServedModel | undefined, artifactProp: string, artifact: ModelArtifact | undefined): ServedModel | undefined => {
      if (plain !== undefined && artifact !== undefined) {
        throw invalid(this, artifactProp, `${artifact.name}@${artifact.version}`, `conflicts with '${plainProp}' (${plain.name}@${plain.version})`, `Give either ${plainProp} or ${artifactProp}.`);
      }
      return artifact ? bindForChart(this, artifactProp, artifact) : plain;
    };
    const model = pick('model', props.model, 'artifact', props.artifact);
    if (!model) {
      throw invalid(this, 'model', undefined, 'is required (or artifact)', "Pass artifact: ModelArtifact.fromBucket(...) or model: { name, version, weightsUri, imageUri }.");
    }
    const stableModel = pick('stableModel', props.stableModel, 'stableArtifact', props.stableArtifact);
    if (props.shadow && (props.shadowModel !== undefined || props.shadowPercent !== undefined)) {
      throw invalid(this, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, "conflicts with 'shadowModel'/'shadowPercent'", 'Give either shadow or shadowModel with shadowPercent.');
    }
    const shadowModel = props.shadow ? bindForChart(this, 'shadow.candidate', props.shadow.candidate) : props.shadowModel;
    return { ...props, model, stableModel, shadowModel, shadowPercent: props.shadow?.samplePercent ?? props.shadowPercent };
  }

  private checkModel(prop: string, m: ServedModel): void {
    checkServedVersion(this, prop, m);
    if (concrete(m.name) && !isDnsLabel(m.name, 40)) {
      throw invalid(this, `${prop}.name`, m.name, 'is not a DNS label of at most 40 characters', "Use lowercase letters, digits and '-'.");
    }
    if (concrete(m.version) && !/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(m.version)) {
      throw invalid(this, `${prop}.version`, m.version, 'is not a valid label value', "Use e.g. '1.4.0'.");
    }
    if (concrete(m.weightsUri) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/.test(m.weightsUri)) {
      throw invalid(this, `${prop}.weightsUri`, m.weightsUri, 'is not an s3:// URI of an object or prefix', "The model-fetch init container reads S3: pass e.g. 's3://models/recsys/1.4.0/model.tar.gz'.");
    }
    if (m.weightsDigest !== undefined && concrete(m.weightsDigest) && !/^sha256:[0-9a-f]{64}$/.test(m.weightsDigest)) {
      throw invalid(this, `${prop}.weightsDigest`, m.weightsDigest, 'is not a SHA-256 digest', "Pass 'sha256:' and 64 lowercase hex characters.");
    }
  }

  /**
   * Scale to zero only on signals that exist while no pod runs: the server's own metrics (Triton
   * `nv_inference_*`, `nv_gpu_utilization`) disappear with the last pod, so KEDA would never see
   * demand again (and with `ignoreNullValues: "false"` their errors would trip the fallback).
   */
  private checkWakeFromZero(policy: AutoscalingPolicy, queries: ResolvedQueries): void {
    const fix = 'Scale to zero only on a signal that exists without pods: ScalingTrigger.queueBacklogPerInstance (SQS), '
      + 'ScalingTrigger.requestsPerInstance with metricQueries.gatewayRequestsPerSecond (gateway or ingress request metrics), '
      + 'schedules (KEDA cron), or the KEDA HTTP add-on (an HTTPScaledObject you manage outside this chart); otherwise keep minCapacity >= 1.';
    const podBound = policy.triggers.filter(t => !wakesFromZero(t, queries) && t.kind !== TriggerKind.CPU_UTILIZATION);
    if (podBound.length > 0) {
      throw invalid(this, 'autoscaling.scaleToZero', true,
        `cannot wake from zero on ${podBound.map(t => t.toString()).join(', ')}: the server's metrics (Triton nv_inference_*) exist only while a pod runs, so at zero KEDA has no data to scale out on`, fix);
    }
    // A schedule wakes the workload at its start (KEDA cron exists without pods): CPU beside it scales
    // the window, and outside the windows the workload stays at zero.
    const scheduled = policy.schedules.some(sc => sc.minCapacity > 0);
    if (!scheduled && !policy.triggers.some(t => wakesFromZero(t, queries))) {
      throw invalid(this, 'autoscaling.scaleToZero', true, 'needs a trigger that can wake a workload at zero: KEDA cannot scale out from zero on CPU utilization', fix);
    }
  }

  private resolveEngine(policy: AutoscalingPolicy, asked: KubernetesScalingEngine, queries: ResolvedQueries): KubernetesScalingEngine {
    const hpa: LaneScalingSupport = {
      lane: 'GpuClusterService (HPA)', triggers: [TriggerKind.CPU_UTILIZATION], scaleToZero: false, schedules: false, stepLimits: true,
    };
    const keda: LaneScalingSupport = {
      lane: 'GpuClusterService (KEDA)',
      triggers: [TriggerKind.REQUESTS_PER_INSTANCE, TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.CPU_UTILIZATION, TriggerKind.GPU_UTILIZATION,
        TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE],
      scaleToZero: true, schedules: true, stepLimits: true,
    };
    let engine = asked;
    if (asked === KubernetesScalingEngine.AUTO) {
      const hpaFits = policy.triggers.every(t => t.kind === TriggerKind.CPU_UTILIZATION) && !policy.scaleToZero && policy.schedules.length === 0;
      engine = hpaFits ? KubernetesScalingEngine.HPA : KubernetesScalingEngine.KEDA;
    }
    if (engine === KubernetesScalingEngine.HPA) {
      if (policy.scaleToZero) {
        throw invalid(this, 'autoscaling.scaleToZero', true, 'is not possible with an HPA (minReplicas 0 is invalid)', 'Use scalingEngine KEDA (or AUTO) to scale to zero.');
      }
      policy.validateFor(this, hpa);
    } else {
      policy.validateFor(this, keda);
      if (policy.scaleToZero) { this.checkWakeFromZero(policy, queries); }
    }
    for (const s of policy.schedules) {
      const max = s.maxCapacity ?? Math.max(policy.maxCapacity, s.minCapacity);
      if (max !== policy.maxCapacity) {
        throw invalid(this, `autoscaling.schedules.${s.name}.maxCapacity`, max, `differs from the policy's maxCapacity (${policy.maxCapacity}): a KEDA cron trigger raises the floor only, maxReplicaCount stays fixed`,
          `Size the policy's maxCapacity for the surge (>= ${s.minCapacity}) and drop the schedule's maxCapacity.`);
      }
    }
    return engine;
  }

  /** Validate the rollout for the mode; returns the shadow percent. */
  private checkRollout(mode: KubernetesRolloutMode, rollout: Rollout | undefined, props: GpuServingChartProps): number | undefined {
    if (rollout && rollout.alarms.length > 0) {
      throw invalid(this, 'rollout.alarms', rollout.alarms.length, 'cannot stop a Kubernetes rollout (they are CloudWatch alarms)', 'Express the condition in the slo (Prometheus), and use rolloutMode ARGO_ROLLOUTS.');
    }
    if (props.stableModel && mode !== KubernetesRolloutMode.GATEWAY_API) {
      throw invalid(this, 'stableModel', `${props.stableModel.name}@${props.stableModel.version}`, `is only used by rolloutMode GATEWAY_API (this chart uses ${mode})`,
        mode === KubernetesRolloutMode.ARGO_ROLLOUTS ? 'Drop stableModel: Argo Rollouts keeps the previous version itself.' : 'Drop stableModel or use rolloutMode GATEWAY_API.');
    }
    switch (mode) {
      case KubernetesRolloutMode.ROLLING_UPDATE:
        if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
          throw invalid(this, 'rollout', rollout.toString(), 'cannot be rendered by a rolling update (no traffic weights)', 'Use rolloutMode GATEWAY_API (a fixed canary weight) or ARGO_ROLLOUTS (steps with SLO analysis).');
        }
        if (rollout && rollout.autoRollback) {
          throw invalid(this, 'rollout.autoRollback', true, 'is not possible with a rolling update (Kubernetes does not watch the SLO)', 'Use rolloutMode ARGO_ROLLOUTS, or pass Rollout.allAtOnce({ autoRollback: false }).');
        }
        break;
      case KubernetesRolloutMode.GATEWAY_API:
        if (!rollout || rollout.strategy !== RolloutStrategy.CANARY) {
          throw invalid(this, 'rollout', rollout?.toString(), 'must be a canary with rolloutMode GATEWAY_API (a fixed weight between two Deployments)', 'Pass Rollout.canary({ percent, bakeTime, autoRollback: false }), or use ARGO_ROLLOUTS for linear and all-at-once steps.');
        }
        if (rollout.autoRollback) {
          throw invalid(this, 'rollout.autoRollback', true, 'is not possible with rolloutMode GATEWAY_API: the weight is static and no controller watches the SLO', 'Pass autoRollback: false (promote or roll back by editing the app), or use rolloutMode ARGO_ROLLOUTS.');
        }
        if (!props.gateway) {
          throw invalid(this, 'gateway', undefined, 'is required by rolloutMode GATEWAY_API (the HTTPRoute splits the traffic)', "Pass gateway: { name: 'inference-gateway', namespace: 'gateway' }.");
        }
        if (!props.stableModel) {
          throw invalid(this, 'stableModel', undefined, `is required by rolloutMode GATEWAY_API: it keeps ${100 - rollout.percent}% of the traffic`, 'Pass the version currently serving as stableModel.');
        }
        this.checkModel('stableModel', props.stableModel);
        if (props.stableModel.version === props.model!.version) {
          throw invalid(this, 'stableModel.version', props.stableModel.version, 'equals the canary version', 'Pass the previous version as stableModel.');
        }
        break;
      case KubernetesRolloutMode.ARGO_ROLLOUTS:
        if (!rollout) {
          throw invalid(this, 'rollout', undefined, 'is required by rolloutMode ARGO_ROLLOUTS', 'Pass e.g. Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10) }).');
        }
        if (rollout.autoRollback && !props.slo) {
          throw invalid(this, 'rollout.autoRollback', true, 'needs an slo: the Argo analysis measures it', 'Pass slo, or autoRollback: false.');
        }
        if (rollout.autoRollback && props.slo) {
          // The analysis runs in the background during the pauses; after the last one the rollout is
          // complete. It must be able to fail (initial delay + datapointsToAlarm periods) before that.
          const observed = argoSteps(rollout).reduce((sum, st) => sum + (st.pause ? Number(st.pause.duration!.replace(/s$/, '')) : 0), 0);
          const period = Math.round(secondsOf(props.slo.period));
          const needed = period * (1 + props.slo.datapointsToAlarm);
          if (observed < needed) {
            throw invalid(this, 'rollout', rollout.toString(),
              `pauses ${observed} s in all, but the SLO analysis needs ${needed} s (a ${period} s initial delay and ${props.slo.datapointsToAlarm} breaching period(s) of ${period} s) before it can fail: the new version would be promoted unwatched`,
              `Make the bake times add up to at least ${needed} s (e.g. finalBakeTime: Duration.seconds(${needed})), or shorten the SLO period.`);
          }
        }
        break;
    }
    if (props.shadowModel === undefined) {
      if (props.shadowPercent !== undefined) {
        throw invalid(this, 'shadowPercent', props.shadowPercent, 'has no shadowModel to mirror to', 'Pass shadowModel or drop shadowPercent.');
      }
      return undefined;
    }
    this.checkModel('shadowModel', props.shadowModel);
    checkShadowCandidate(this, props.shadow ? 'shadow.candidate' : 'shadowModel', props.shadowModel, mode === KubernetesRolloutMode.GATEWAY_API && props.stableModel ? [props.model!, props.stableModel] : [props.model!]);
    if (props.shadowPercent === undefined) {
      throw invalid(this, 'shadowPercent', undefined, 'is required with shadowModel', 'Pass the mirrored share, e.g. 10.');
    }
    checkRange(this, 'shadowPercent', props.shadowPercent, 1, 100, 'Pass a share from 1 to 100 percent.');
    if (!Number.isInteger(props.shadowPercent)) {
      throw invalid(this, 'shadowPercent', props.shadowPercent, 'must be a whole percent (Gateway API RequestMirror percent)', `Pass ${Math.round(props.shadowPercent)}.`);
    }
    if (!props.gateway) {
      throw invalid(this, 'gateway', undefined, 'is required for shadow traffic (an HTTPRoute RequestMirror filter copies the requests)', "Pass gateway: { name: 'inference-gateway' }.");
    }
    const gatewayApi = props.gatewayApiVersion;
    if (gatewayApi !== undefined && concrete(gatewayApi)) {
      const m = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(gatewayApi);
      if (!m) {
        throw invalid(this, 'gatewayApiVersion', gatewayApi, 'is not a Gateway API release version', "Pass the installed CRDs' bundle version, e.g. '1.3.0'.");
      }
      const older = Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 3);
      if (older && props.shadowPercent < 100) {
        throw invalid(this, 'shadowPercent', props.shadowPercent,
          `cannot be honoured by Gateway API ${gatewayApi}: RequestMirror 'percent' is in the Standard channel from v1.3.0 (older CRDs reject the field, or the gateway mirrors every request)`,
          'Upgrade the Gateway API CRDs and your implementation to v1.3.0 or newer (it must list HTTPRouteRequestPercentageMirror in GatewayClass status.supportedFeatures), or mirror 100%.');
      }
    }
    return props.shadowPercent;
  }

  private analysisMetrics(props: GpuServingChartProps, q: ResolvedQueries, address: string, ns: string | undefined, base: string): ArgoAnalysisMetric[] {
    const slo = props.slo!;
    const selector = promSelector({ ...(ns ? { namespace: ns } : {}), service: base }) + ',rollouts_pod_template_hash="{{args.canary-hash}}"';
    const period = Math.round(secondsOf(slo.period));
    const common = {
      interval: `${period}s`,
      // The canary's pods need one scrape and one rate window before a measurement means anything.
      initialDelay: `${period}s`,
      // Argo counts failed measurements over the whole run (not M of the last N): the run fails at
      // the `datapointsToAlarm`-th breaching period.
      failureLimit: slo.datapointsToAlarm - 1,
      // No sample (no traffic, no scrape, NaN) is neither a success nor a failure: inconclusive. Past
      // the same allowance the run is Inconclusive and Argo pauses the rollout for a person.
      inconclusiveLimit: slo.datapointsToAlarm - 1,
    };
    // Fail closed: an empty result never satisfies the success condition (no `or vector(0)`).
    const conditions = (threshold: number) => ({
      successCondition: `len(result) > 0 && result[0] <= ${threshold}`,
      failureCondition: `len(result) > 0 && result[0] > ${threshold}`,
    });
    const metrics: ArgoAnalysisMetric[] = [];
    if (slo.latencyThreshold) {
      metrics.push({
        ...common,
        name: `latency-p${slo.latencyPercentile}`,
        ...conditions(slo.latencyThreshold.toMilliseconds()),
        provider: { prometheus: { address, query: renderQuery(q.latencyMilliseconds, selector, quantileOf(slo.latencyPercentile)) } },
      });
    }
    if (slo.maxErrorRatePercent !== undefined) {
      metrics.push({
        ...common,
        name: 'error-rate',
        ...conditions(slo.maxErrorRatePercent),
        provider: { prometheus: { address, query: errorRateWithMinimum(renderQuery(q.errorRatePercent, selector), renderQuery(q.allRequestsPerSecond, selector), period, slo.minRequestsPerPeriod!) } },
      });
    }
    if (slo.maxTimeInQueue) {
      // The queue-time query reads 0 while idle (it also drives KEDA): only measure with traffic.
      const traffic = renderQuery(q.requestsPerSecond, selector);
      metrics.push({
        ...common,
        name: 'time-in-queue',
        ...conditions(slo.maxTimeInQueue.toSeconds({ integral: false })),
        provider: { prometheus: { address, query: `(${renderQuery(q.queueTimeSeconds, selector)}) and on() (${traffic} > 0)` } },
      });
    }
    return metrics;
  }

  private alertRules(props: GpuServingChartProps, q: ResolvedQueries, ns: string | undefined, base: string): PrometheusAlertRule[] {
    const slo = props.slo!;
    const selector = promSelector({ ...(ns ? { namespace: ns } : {}), service: base });
    const step = Math.round(secondsOf(slo.period));
    const window = step * slo.evaluationPeriods;
    // Fires when at least `datapointsToAlarm` of the last `evaluationPeriods` periods breach — the
    // same rule as the CloudWatch alarms of the AWS lanes.
    const breaches = (expr: string, threshold: number) => `sum_over_time(((${expr}) > bool ${threshold})[${window}s:${step}s]) >= ${slo.datapointsToAlarm}`;
    const labels = { severity: 'page', lane: 'gpu-cluster', model: props.model!.name };
    const rules: PrometheusAlertRule[] = [];
    if (slo.latencyThreshold) {
      rules.push({
        alert: 'ModelLatencySloBreached',
        expr: breaches(renderQuery(q.latencyMilliseconds, selector, quantileOf(slo.latencyPercentile)), slo.latencyThreshold.toMilliseconds()),
        labels,
        annotations: { summary: `${base}: p${slo.latencyPercentile} latency over ${slo.latencyThreshold.toMilliseconds()} ms in ${slo.datapointsToAlarm} of ${slo.evaluationPeriods} periods (SLO ${slo.toString()})` },
      });
    }
    if (slo.maxErrorRatePercent !== undefined) {
      rules.push({
        alert: 'ModelErrorRateSloBreached',
        expr: breaches(errorRateWithMinimum(renderQuery(q.errorRatePercent, selector), renderQuery(q.allRequestsPerSecond, selector), step, slo.minRequestsPerPeriod!), slo.maxErrorRatePercent),
        labels,
        annotations: { summary: `${base}: error rate over ${slo.maxErrorRatePercent}% (SLO ${slo.toString()})` },
      });
    }
    if (slo.maxTimeInQueue) {
      rules.push({
        alert: 'ModelTimeInQueueSloBreached',
        expr: breaches(renderQuery(q.queueTimeSeconds, selector), slo.maxTimeInQueue.toSeconds({ integral: false })),
        labels,
        annotations: { summary: `${base}: requests wait longer than ${slo.maxTimeInQueue.toHumanString()} in the batching queue` },
      });
    }
    if (!this.policy.scaleToZero) {
      // The SLO alerts read nothing when no pod is scraped: say so instead of staying silent.
      rules.push({
        alert: 'ModelMetricsAbsent',
        expr: `absent(up{${selector}} == 1)`,
        for: `${window}s`,
        labels,
        annotations: { summary: `${base}: no model-server pod has been scraped for ${window} s; the SLO alerts cannot fire without data` },
      });
    }
    return rules;
  }
}

function wakesFromZero(t: ScalingTrigger, queries: ResolvedQueries): boolean {
  return t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE
    || (t.kind === TriggerKind.REQUESTS_PER_INSTANCE && queries.gatewayRequestsPerSecond !== undefined);
}

function argoSteps(rollout: Rollout): ArgoCanaryStep[] {
  const steps: ArgoCanaryStep[] = [];
  const pause = (d: Duration) => ({ pause: { duration: `${Math.round(secondsOf(d))}s` } });
  if (rollout.strategy === RolloutStrategy.CANARY) {
    steps.push({ setWeight: rollout.percent }, pause(rollout.stepInterval!));
  } else if (rollout.strategy === RolloutStrategy.LINEAR) {
    for (let w = rollout.percent; w < 100; w += rollout.percent) {
      steps.push({ setWeight: w }, pause(rollout.stepInterval!));
    }
  }
  steps.push({ setWeight: 100 });
  if (secondsOf(rollout.finalBakeTime) > 0) { steps.push(pause(rollout.finalBakeTime)); }
  return steps;
}

function tritonCommand(http: number, grpc: number, metrics: number, sloPercentile?: number): string[] {
  const quantiles = [...TRITON_QUANTILES];
  if (sloPercentile !== undefined && !quantiles.includes(sloPercentile)) { quantiles.push(sloPercentile); }
  quantiles.sort((a, b) => a - b);
  return [
    'tritonserver',
    '--model-repository=/models',
    `--http-port=${http}`,
    `--grpc-port=${grpc}`,
    `--metrics-port=${metrics}`,
    '--model-control-mode=none',
    '--strict-readiness=true',
    '--exit-on-error=true',
    '--allow-gpu-metrics=true',
    '--metrics-config=summary_latencies=true',
    `--metrics-config=summary_quantiles=${quantiles.map(p => `${quantileOf(p)}:0.001`).join(',')}`,
  ];
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
