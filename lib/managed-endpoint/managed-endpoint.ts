import { ArnFormat, Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy,
  DynamicBatching,
  IInferenceLane,
  InferenceLaneBase,
  LaneCapacity,
  LaneKind,
  ModelArtifact,
  ModelArtifactBinding,
  Rollout,
  ScaleOutLeadTime,
  ServiceLevelObjective,
  ShadowTraffic,
} from '../core';
import { invalid } from '../core/private/errors';
import { withLaneDefaults } from '../core/private/lane-defaults';
import { RouteTarget } from '../core/route-target';
import { DataCaptureLocation, DataCaptureOptions } from './data-capture';
import { EndpointMode, EndpointModeKind } from './endpoint-mode';
import { InstanceTypeInfo } from './instance-type';
import { IManagedEndpoint, ManagedEndpointAttributes } from './managed-endpoint-ref';
import { ModelHosting } from './model-hosting';
import { describeCapacity, renderAutoscaling } from './private/autoscaling';
import { batchingEnvironment } from './private/batching';
import { warnIfCanaryBelowSloPercentile, warnIfWeightsMayBeOverwritten } from './private/checks';
import { createEndpoint, createEndpointConfig } from './private/endpoint-config';
import {
  endpointLevelMetric, errorsMetric, grantInvokeEndpoint, invocationsMetric, modelLatencyMetric, variantMetric,
} from './private/endpoint-members';
import { importEndpoint } from './private/imported-endpoint';
import { endpointLeadTime } from './private/lead-time';
import { capacityInService, saturationMetrics } from './private/metrics';
import { createModel, createNetworking, grantLogsAndMetrics, resolveHosting } from './private/model';
import { acknowledgeEndpointFindings, newNagNotes } from './private/nag';
import { planEndpoint } from './private/endpoint-plan';
import { AsyncStore, asyncStoreOf, createStorage, grantAsyncCaller } from './private/outputs';
import { renderSloAlarms } from './private/rollback-alarms';
import { renderDeploymentConfig } from './private/rollout';
import { captureLocationOf } from './private/drift-capture';
import { createShadowModel } from './private/shadow';
import { RollingUpdateOptions } from './rolling-update';
import { InferenceComponentOptions, ModelComponent, RoutingStrategy } from './inference-component';
import { ComponentFleet } from './private/component-fleet';
import { componentLeadTime } from './private/component-lead-time';
import { CapacityLagPublisher, capacityLagEnabled } from './private/capacity-lag';


/**
 * Props of {@link ManagedEndpoint}.
 */
export interface ManagedEndpointProps {
  /**
   * The model to serve. Its build for the mode's hardware is bound; the role may read exactly its weights.
   *
   * @default - the artifact of the enclosing HybridTopology (an error if there is none)
   */
  readonly artifact?: ModelArtifact;

  /** Real-time, inference components, serverless or asynchronous hosting. */
  readonly mode: EndpointMode;

  /**
   * How real-time variants (primary, shadow, inference components) spread requests over their instances
   * (`RoutingConfig`). Serverless and async variants take no routing strategy.
   *
   * @default - RoutingStrategy.LEAST_OUTSTANDING_REQUESTS on real-time variants
   */
  readonly routingStrategy?: RoutingStrategy;

  /**
   * Capacity bounds and triggers. Real-time and async scale instances
   * (`sagemaker:variant:DesiredInstanceCount`); serverless scales provisioned concurrency
   * (`sagemaker:variant:DesiredProvisionedConcurrency`); inference components scale the copies of each component
   * (`sagemaker:inference-component:DesiredCopyCount`, the triggers count per copy; `scaleToZero` allowed).
   *
   * Requests per instance is rendered as `SageMakerVariantInvocationsPerInstance` (per copy:
   * `SageMakerInferenceComponentInvocationsPerCopy`), which SageMaker counts per MINUTE: the target becomes
   * requests/second × 60.
   *
   * @default - real-time and async: one instance, no scaling; inference components: one copy each, no scaling;
   *   serverless: no provisioned-concurrency scaling
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * How a new version takes over on updates: a blue/green `DeploymentConfig` (all at once, canary or
   * linear) that rolls back automatically on the SLO's alarms plus the rollout's own alarms.
   * Applies to updates only: the first deployment creates the endpoint directly.
   *
   * SageMaker watches the alarms during baking periods (`WaitIntervalInSeconds`) only. All at once,
   * `finalBakeTime` is that baking period (watched; `TerminationWaitInSeconds` 0). Canary and linear: each step
   * bakes for `bakeTime` / `interval` (watched); `finalBakeTime` becomes `TerminationWaitInSeconds`: after the
   * last shift SageMaker keeps the old fleet that long WITHOUT watching the alarms (no automatic rollback then).
   *
   * @default - SageMaker's default update: blue/green all at once, no alarms
   */
  readonly rollout?: Rollout;

  /**
   * Replace instances in batches instead of a blue/green fleet. Takes its rollback alarms from the
   * SLO and from `rollout` (which must then be all-at-once).
   *
   * @default - blue/green
   */
  readonly rollingUpdate?: RollingUpdateOptions;

  /**
   * Mirror a share of production requests to a candidate version (a shadow variant); its answers
   * are discarded. The shadow variant runs on the same instance type with a fixed instance count.
   *
   * @default - no shadow variant
   */
  readonly shadow?: ShadowTraffic;

  /**
   * The objective. Its latency (percentile of `ModelLatency`) and 5xx error-rate alarms roll back
   * rollouts; the oldest-request age of async endpoints pages but does not roll back.
   *
   * @default - no SLO alarms
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * Record a sample of requests and responses to S3.
   *
   * @default - no data capture
   */
  readonly dataCapture?: DataCaptureOptions;

  /**
   * Single-model or multi-model hosting.
   *
   * @default - MULTI_MODEL when the weights are an S3 prefix, else SINGLE_MODEL
   */
  readonly hosting?: ModelHosting;

  /**
   * Physical name of the endpoint. Changing it replaces the endpoint.
   *
   * @default - a name CloudFormation generates
   */
  readonly endpointName?: string;

  /**
   * Name of the production variant. Keep it stable: SageMaker deployment guardrails need the same
   * variant name in the old and the new endpoint configuration.
   *
   * @default 'primary'
   */
  readonly variantName?: string;

  /**
   * Execution role SageMaker assumes to pull the image, read the weights and write outputs.
   * Grants are added to it (imported roles must already allow them).
   *
   * @default - a role scoped to exactly this endpoint's image, weights, outputs, logs and keys
   */
  readonly role?: iam.IRole;

  /**
   * KMS key for the instance storage volumes (where the instance type has EBS volumes; local NVMe
   * storage is hardware-encrypted and SageMaker rejects a key there), async outputs, data capture and
   * the bucket the endpoint creates.
   *
   * @default - a key with rotation enabled, created when something needs it
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Variables passed to the model container.
   *
   * @default - none besides the lanes' `MODEL_*` environment (`MODEL_NAME`, `MODEL_VERSION`, `MODEL_S3_URI`, ...,
   *   `MODEL_LOCAL_DIR` = `/opt/ml/model` for single-model hosting); those names cannot be set here
   */
  readonly environment?: { [key: string]: string };

  /**
   * VPC the model containers run in. Not available on serverless endpoints.
   *
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets in `vpc`.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the containers in `vpc`.
   *
   * @default - one security group with no inbound rules
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Isolate the containers from the network (no calls in or out; SageMaker still downloads the model).
   * Not available on serverless endpoints.
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * Let the serving container group requests into batches, through the container's own settings
   * (read from the image URI): TorchServe `SAGEMAKER_TS_*` on the SageMaker PyTorch inference images,
   * rolling batch (`OPTION_MAX_ROLLING_BATCH_SIZE`, `maxQueueDelay` 0) on the Large Model Inference
   * images. Rejected on serverless endpoints, multi-model hosting, Triton (batching lives in
   * `config.pbtxt`) and images the lane cannot identify. Applies to the shadow model too. See the
   * README, "Dynamic batching on SageMaker containers".
   *
   * @default - no batching settings: the container's defaults
   */
  readonly dynamicBatching?: DynamicBatching;

  /**
   * Publish the capacity on its way (`InferenceLanes` / `CapacityLag`, desired minus current) with a
   * small scheduled Lambda that reads DescribeEndpoint (instances of the variant) and, for inference
   * components, DescribeInferenceComponent (copies of each) every minute: SageMaker puts neither count in
   * CloudWatch. `metricCapacityLag()` returns it. Rejected on serverless endpoints (no instances).
   *
   * @default - true for real-time and inference-component endpoints; false for async endpoints, whose
   *   `metricCapacityLag()` is SageMaker's own `HasBacklogWithoutCapacity` (requests wait, no instance runs)
   */
  readonly capacityLagMetric?: boolean;
}

/**
 * A SageMaker endpoint serving one {@link ModelArtifact}: real-time, real-time inference components (several
 * models or versions on one fleet, copy-count scaling, scale to zero; see {@link ManagedEndpoint.addModel}),
 * serverless (with provisioned concurrency) or asynchronous (S3 outputs, SNS notifications, backlog scaling and
 * scale to zero).
 * It renders the shared {@link AutoscalingPolicy} into Application Auto Scaling, a {@link Rollout}
 * into deployment guardrails with alarm rollback, {@link ShadowTraffic} into a shadow variant, and
 * the {@link ServiceLevelObjective} into the alarms those roll back on. The execution role may do
 * exactly what the endpoint needs and nothing more.
 *
 * @example
 * new ManagedEndpoint(this, 'Chat', {
 *   artifact,
 *   mode: EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
 *   autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
 *   slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
 *   rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(10) }),
 *   shadow: ShadowTraffic.mirror(candidate, 20),
 * });
 */
export class ManagedEndpoint extends InferenceLaneBase implements IManagedEndpoint, IInferenceLane {
  /**
   * Adopt an existing endpoint: invoke it, read its metrics, put it behind API Gateway.
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: ManagedEndpointAttributes): IManagedEndpoint {
    return importEndpoint(scope, id, attrs);
  }

  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName: string;
  /** The archetype. */
  public readonly laneKind: LaneKind = LaneKind.MANAGED_ENDPOINT;
  public readonly artifactName: string;
  public readonly artifactVersion: string;
  public readonly capacity: LaneCapacity;
  /** The SLO's M-of-N alarms on the version's health (latency, 5xx error rate): deployments roll back on them. */
  public readonly sloAlarms: cloudwatch.IAlarm[];
  /**
   * The SLO's M-of-N alarms that page but do not roll back (async time in queue: queue age measures
   * capacity, not the health of a version).
   */
  public readonly sloPagingAlarms?: cloudwatch.IAlarm[];
  /** The SLO as Application Signals SLOs (construct IDs `SloLatencyObjective`, ...). */
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];
  /** Burn-rate alarms of those SLOs: they page, deployments do not roll back on them. */
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[];
  /** The hosting mode. */
  public readonly mode: EndpointMode;
  /** The execution role SageMaker assumes. */
  public readonly role: iam.IRole;
  /** The encryption key, when one is used. */
  public readonly encryptionKey?: kms.IKey;
  /** The bucket the endpoint created for async outputs and data capture, if any. */
  public readonly outputBucket?: s3.IBucket;
  /** Where data capture writes (for {@link DriftMonitor}); undefined without `dataCapture`. */
  public readonly dataCaptureLocation?: DataCaptureLocation;
  /** The Application Auto Scaling target, when capacity scales. */
  public readonly scalableTarget?: appscaling.ScalableTarget;
  /** Security groups of the containers, when in a VPC. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The bound artifact (plain values). */
  public readonly binding: ModelArtifactBinding;
  /** The L1 model. */
  public readonly cfnModel: sagemaker.CfnModel;
  /** The L1 endpoint configuration. */
  public readonly cfnEndpointConfig: sagemaker.CfnEndpointConfig;
  /** The L1 endpoint. */
  public readonly cfnEndpoint: sagemaker.CfnEndpoint;
  /** The batching the container renders (`dynamicBatching`), undefined without it. */
  public readonly dynamicBatching?: DynamicBatching;
  /** The function that publishes `CapacityLag` every minute (`capacityLagMetric`), when rendered. */
  public readonly capacityLagFunction?: lambda.IFunction;

  private readonly instanceInfo?: InstanceTypeInfo;
  private readonly policy?: AutoscalingPolicy;
  private readonly asyncStore?: AsyncStore;
  /** What the lane granted by design, for {@link acknowledgeEndpointFindings}. */
  private readonly nag = newNagNotes();
  private deploymentConfig?: sagemaker.CfnEndpoint.DeploymentConfigProperty;
  /** The inference components (EndpointMode.inferenceComponents only). */
  private readonly fleet?: ComponentFleet;
  /** The capacity-lag publisher (`capacityLagMetric`). */
  private readonly lagPublisher?: CapacityLagPublisher;

  constructor(scope: Construct, id: string, props: ManagedEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    // A serverless endpoint has no deployment guardrails, so it does not inherit the topology's rollout
    // (an explicit rollout on serverless is rejected below).
    // Inference components neither: they update in rolling batches of copies (pass rollingUpdate), not by the
    // topology's blue/green traffic shifting.
    const noGuardrails = props.mode?.kind === EndpointModeKind.SERVERLESS || props.mode?.kind === EndpointModeKind.INFERENCE_COMPONENTS;
    props = withLaneDefaults(this, props, 'ManagedEndpoint', noGuardrails ? ['artifact', 'autoscaling', 'slo'] : ['artifact', 'autoscaling', 'slo', 'rollout']);
    const mode = props.mode;
    if (!(mode instanceof EndpointMode)) {
      throw invalid(this, 'mode', mode, 'is required', 'Pass EndpointMode.realTime(...), EndpointMode.inferenceComponents(...), EndpointMode.serverless(...) or EndpointMode.asynchronous(...).');
    }
    this.mode = mode;
    this.variantName = props.variantName ?? 'primary';
    // ---- validation that needs no resources (private/endpoint-plan.ts) ----------------------------
    const { info, target, policy, components, componentInstance, routingStrategy, initialCount, rolloutProps } = planEndpoint(this, mode, this.variantName, props);
    this.instanceInfo = info;
    this.policy = policy;

    // ---- role, key, bucket ------------------------------------------------------------------
    this.role = props.role ?? new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `SageMaker execution role of ${this.node.path}`,
    });
    const storage = createStorage(this, mode, info, props);
    this.encryptionKey = storage.encryptionKey;
    this.outputBucket = storage.outputBucket;
    this.dataCaptureLocation = captureLocationOf(props.dataCapture, storage);

    // ---- the models (bindModel also tags the lane with the live model's identity) ----------------
    this.binding = this.bindModel(props.artifact!, { grantee: this.role, target, consumer: this.node.path }).binding;
    warnIfWeightsMayBeOverwritten(this, this.binding);
    this.artifactName = this.binding.name;
    this.artifactVersion = this.binding.version;
    const network = createNetworking(this, props, this.role, this.nag);
    this.securityGroups = network.securityGroups;
    const modelOf = (modelId: string, binding: ModelArtifactBinding) => {
      const hosting = resolveHosting(this, mode, props, binding);
      // Inference components: TorchServe's workers follow one copy's reservation (private/batching.ts).
      const reservation = mode.componentOptions?.computeReservation;
      const batching = batchingEnvironment(this, props.dynamicBatching, { binding, hosting, mode, info, environment: props.environment, reservation });
      return createModel(this, modelId, binding, hosting, props, this.role, network.vpcConfig, batching);
    };
    this.cfnModel = modelOf('Model', this.binding);
    this.dynamicBatching = props.dynamicBatching;
    const shadowModel = props.shadow
      ? createShadowModel(this, props.shadow, this.binding, { grantee: this.role, target }, candidate => modelOf('ShadowModel', candidate))
      : undefined;

    // ---- endpoint configuration and endpoint ---------------------------------------------------
    this.asyncStore = asyncStoreOf(mode, storage);
    this.cfnEndpointConfig = createEndpointConfig(this, {
      mode, policy, variantName: this.variantName, model: this.cfnModel, initialCount, shadow: props.shadow, shadowModel,
      dataCapture: props.dataCapture, storage, role: this.role, nag: this.nag, routingStrategy,
      vpcConfig: network.vpcConfig, networkIsolation: props.networkIsolation,
    });
    grantLogsAndMetrics(this, props.endpointName, this.role, this.nag);
    // The DeploymentConfig is rendered once the SLO alarms exist (below).
    this.cfnEndpoint = createEndpoint(this, { mode, policy, endpointConfig: this.cfnEndpointConfig, physicalName: this.physicalName, deploymentConfig: () => this.deploymentConfig });
    this.endpointName = this.getResourceNameAttribute(this.cfnEndpoint.attrEndpointName);
    this.endpointArn = this.getResourceArnAttribute(this.cfnEndpoint.ref, {
      service: 'sagemaker',
      resource: 'endpoint',
      resourceName: this.physicalName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    // ---- SLO alarms, rollout, autoscaling ------------------------------------------------------
    // Inference components: the SLO is rendered per component, on its own metrics (createComponent).
    const slo = props.slo && !components ? renderSloAlarms(this, props.slo) : undefined;
    this.sloAlarms = slo?.rollbackAlarms ?? [];
    this.sloPagingAlarms = slo?.pagingAlarms ?? [];
    this.serviceLevelObjectives = slo?.objectives ?? [];
    this.sloBurnRateAlarms = slo?.burnRateAlarms ?? [];
    this.deploymentConfig = components ? undefined : renderDeploymentConfig(this, this.role, rolloutProps, this.sloAlarms);
    if (components) {
      this.fleet = new ComponentFleet(this, {
        mode, instance: componentInstance, hardware: target, policy: policy!, role: this.role, slo: props.slo, rollout: rolloutProps,
        endpointName: this.endpointName, variantName: this.variantName,
        laneSloAlarms: this.sloAlarms, laneObjectives: this.serviceLevelObjectives, laneBurnRateAlarms: this.sloBurnRateAlarms,
        createModel: (scope, binding, batching, reservation) => {
          const hosting = resolveHosting(this, mode, props, binding);
          const env = batchingEnvironment(scope, batching, { binding, hosting, mode, info, environment: props.environment, reservation });
          return createModel(scope, 'Model', binding, hosting, props, this.role, network.vpcConfig, env);
        },
      });
      this.fleet.addPrimary(this.cfnModel, this.binding, props.dynamicBatching);
    }
    if (capacityLagEnabled(this, mode, props.capacityLagMetric)) {
      this.lagPublisher = new CapacityLagPublisher(this, 'CapacityLag', {
        endpointName: this.endpointName, endpointArn: this.endpointArn, variantName: this.variantName, instancesInService: components,
      });
      this.capacityLagFunction = this.lagPublisher.function;
      for (const c of this.fleet?.components ?? []) { this.lagPublisher.addComponent(c.componentName); }
    }
    warnIfCanaryBelowSloPercentile(this, props.rollout, props.slo);
    this.scalableTarget = renderAutoscaling(this, policy, info);
    this.capacity = describeCapacity(mode, policy, this.binding.target);
    // cdk-nag findings of the lane's own design, acknowledged on what the lane created (README "cdk-nag").
    acknowledgeEndpointFindings(this, {
      ...this.nag,
      role: props.role ? undefined : this.role.node.tryFindChild('DefaultPolicy') ?? this.role,
      outputBucket: this.outputBucket,
    });
  }

  /**
   * The inference components, the artifact's first (empty unless the mode is `EndpointMode.inferenceComponents`).
   */
  public get inferenceComponents(): ModelComponent[] {
    return [...(this.fleet?.components ?? [])];
  }

  /**
   * Serve a further model (or another version) on this inference-component endpoint: its own
   * `AWS::SageMaker::InferenceComponent` (construct `id`) with its compute reservation, copies, copy-count
   * scaling, SLO alarms and rolling updates, sharing the endpoint's fleet. Callers pick the model with
   * `InferenceComponentName` on `InvokeEndpoint`.
   */
  public addModel(id: string, options: InferenceComponentOptions): ModelComponent {
    if (!this.fleet) {
      throw invalid(this, `addModel(${id})`, options?.artifact?.name, `needs EndpointMode.inferenceComponents(...): a ${this.mode.kind} endpoint serves one model per variant`,
        'Use EndpointMode.inferenceComponents(...) to host several models or versions on one endpoint, or create another ManagedEndpoint.');
    }
    const component = this.fleet.addModel(id, options);
    this.lagPublisher?.addComponent(component.componentName);
    return component;
  }

  /** A reference to this endpoint for aws-cdk-lib's generated interfaces. */
  public get endpointRef(): sagemaker.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  /**
   * Let `grantee` invoke the endpoint: `sagemaker:InvokeEndpoint` (real-time, serverless) or
   * `sagemaker:InvokeEndpointAsync` (async) on exactly this endpoint. Async endpoints also let it
   * upload request payloads under the input prefix and read responses and failures.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = grantInvokeEndpoint(grantee, this.endpointArn, this.mode.kind === EndpointModeKind.ASYNC);
    const opts = this.mode.asyncOptions;
    if (opts && this.asyncStore) { grantAsyncCaller(grantee, opts, this.asyncStore); }
    return grant;
  }

  /**
   * The endpoint as a front-door target (`sagemaker:InvokeEndpoint`, failover on `sloAlarms`).
   *
   * @returns undefined for an asynchronous endpoint (requests go through S3, not `InvokeEndpoint`)
   */
  public routeTarget(): RouteTarget | undefined {
    if (this.mode.kind === EndpointModeKind.ASYNC) { return undefined; }
    return RouteTarget.sageMakerEndpoint({ endpointName: this.endpointName, endpointArn: this.endpointArn, alarms: this.sloAlarms });
  }

  /** A metric of the production variant in `AWS/SageMaker` (dimensions `EndpointName`, `VariantName`). */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return variantMetric(this, metricName, props);
  }

  /**
   * `ModelLatency` (microseconds) of the production variant: time in the model container, excluding
   * SageMaker's overhead. Average unless `props.statistic` says otherwise.
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return modelLatencyMetric(this, props);
  }

  /** `Invocation5XXErrors` (sum): requests the model failed. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return errorsMetric(this, props);
  }

  /** `Invocations` (sum). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return invocationsMetric(this, props);
  }

  /**
   * Async endpoints: requests waiting per instance (`ApproximateBacklogSizePerInstance`, endpoint level).
   */
  public metricBacklogPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return endpointLevelMetric(this, 'ApproximateBacklogSizePerInstance', { statistic: 'Average', ...props });
  }

  /**
   * Async endpoints: age of the oldest queued request in seconds (`ApproximateAgeOfOldestRequest`).
   */
  public metricOldestRequestAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return endpointLevelMetric(this, 'ApproximateAgeOfOldestRequest', { statistic: 'Maximum', ...props });
  }

  /**
   * Async endpoints: 1 while requests wait and no instance runs (`HasBacklogWithoutCapacity`).
   */
  public metricHasBacklogWithoutCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return endpointLevelMetric(this, 'HasBacklogWithoutCapacity', { statistic: 'Average', ...props });
  }

  /**
   * How full the endpoint is, per minute:
   * - real-time and async: `CPUUtilization` (summed over the vCPUs, 0-100 × vCPUs),
   *   `MemoryUtilization`, and `GPUUtilization` (summed over the GPUs) on GPU instances;
   * - async also: queued requests (`ApproximateBacklogSize`) and the oldest request's age;
   * - serverless with provisioned concurrency: `ServerlessProvisionedConcurrencyUtilization` and
   *   `ServerlessProvisionedConcurrencySpilloverInvocations` (requests beyond the warm pool);
   *   on-demand serverless publishes no saturation metric (empty).
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    return saturationMetrics(this, this.policy, this.instanceInfo);
  }

  /**
   * Expected time from a scale-out trigger to a new instance serving (serverless: the cold start of
   * on-demand capacity), step by step with the source of each figure. See the README, "Scale-out lead time".
   */
  public get scaleOutLeadTime(): ScaleOutLeadTime {
    // Inference components: from demand to a new copy (private/component-lead-time.ts).
    return this.fleet ? componentLeadTime(this.mode, this.policy) : endpointLeadTime(this.mode, this.policy);
  }

  /**
   * Capacity still on its way (desired minus in service), in instances, per minute (Maximum):
   * `InferenceLanes` / `CapacityLag` (`EndpointName`, `VariantName`), published by the lane's
   * `capacityLagMetric` function from DescribeEndpoint; async endpoints without it: `HasBacklogWithoutCapacity`
   * (1 while requests wait and no instance runs: at least one instance missing). See the README,
   * "Capacity lag".
   *
   * @returns undefined on serverless endpoints, and with `capacityLagMetric: false` on real-time and
   * inference-component endpoints
   */
  public metricCapacityLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    if (this.lagPublisher) { return this.lagPublisher.metricVariant(props); }
    if (this.mode.kind === EndpointModeKind.ASYNC) {
      return this.metricHasBacklogWithoutCapacity({ statistic: 'Maximum', period: Duration.minutes(1), label: 'Capacity lag (1: requests wait and no instance runs)', ...props });
    }
    return undefined;
  }

  /**
   * Copies of one inference component asked for and not yet in service (`InferenceLanes` / `CapacityLag`,
   * dimension `InferenceComponentName`), per minute (Maximum).
   *
   * @returns undefined unless the endpoint hosts inference components and publishes its capacity lag
   */
  public metricComponentCapacityLag(component: ModelComponent, props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    if (!this.lagPublisher || !this.fleet) { return undefined; }
    return this.lagPublisher.metricComponent(component.componentName, props);
  }

  /**
   * Instances in service. SageMaker publishes no instance-count metric, so it is derived from
   * metrics defined per instance: real-time `Invocations ÷ InvocationsPerInstance`, async
   * `ApproximateBacklogSize ÷ ApproximateBacklogSizePerInstance`. The result exists only while
   * requests flow (real-time) or wait (async); cost math needs traffic anyway. Inference components:
   * `InferenceLanes` / `InstancesInService` (`CurrentInstanceCount`), published by the capacity-lag function.
   *
   * @returns undefined for serverless endpoints (provisioned concurrency has no CloudWatch metric), and for
   * inference components with `capacityLagMetric: false`
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    // Inference components: the publisher's CurrentInstanceCount (no derivation: copies, not instances, take requests).
    if (this.fleet) { return this.lagPublisher?.metricInstancesInService(props); }
    return capacityInService(this, props);
  }

}
