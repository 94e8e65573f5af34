import { ArnFormat, Duration, Lazy, Names, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy,
  HardwareTarget,
  IInferenceLane,
  LaneCapacity,
  LaneKind,
  ModelArtifact,
  ModelArtifactBinding,
  Rollout,
  RolloutStrategy,
  ScalingTrigger,
  ServiceLevelObjective,
  ServiceLevelObjectiveResources,
  ShadowTraffic,
  TriggerKind,
} from '../core';
import { tagLane } from '../core/private/tagging';
import { addScheduledActions } from '../core/private/scheduling';
import { checkInteger, describeValue, invalid, isConcreteNumber } from '../core/private/errors';
import { uniqueMetricId } from '../core/private/metric-ids';
import { CaptureMode, DataCaptureOptions } from './data-capture';
import { EndpointMode, EndpointModeKind } from './endpoint-mode';
import { InstanceTypeInfo, parseInstanceType } from './instance-type';
import { RollingUpdateOptions } from './rolling-update';
import { withLaneDefaults } from '../core/private/lane-defaults';
import { RouteTarget } from '../core/route-target';
import { checkEnvironment, checkHostingInstanceType, checkImageRegion, checkSeconds, prefixesOverlap, warnIfCanaryBelowPercentile, warnIfImageTagMoves, warnIfWeightsMayBeOverwritten } from './private/checks';
import { acknowledgeEndpointFindings } from './private/nag';
import { checkOneOf, describeDuration } from '../core/private/validation';

/**
 * How the model container hosts the artifact.
 */
export enum ModelHosting {
  /** One model per container (a `model.tar.gz`, or an uncompressed object or prefix). */
  SINGLE_MODEL = 'SingleModel',
  /**
   * Many models behind one endpoint, loaded on demand from an S3 prefix (`TargetModel` picks one per
   * request). Needs a multi-model capable container.
   */
  MULTI_MODEL = 'MultiModel',
}

/**
 * A SageMaker endpoint, created here or imported. Usable wherever aws-cdk-lib takes a
 * `sagemaker.IEndpoint`, e.g. `new apigateway.SagemakerIntegration(endpoint)`.
 */
export interface IManagedEndpoint extends sagemaker.IEndpoint {
  /** Name of the production variant (the scaling target and metric dimension). */
  readonly variantName: string;

  /**
   * A metric of the production variant in `AWS/SageMaker` (dimensions `EndpointName`, `VariantName`).
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `ModelLatency` (microseconds) of the production variant: time in the model container,
   * excluding SageMaker's overhead. Average unless `props.statistic` says otherwise.
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /** `Invocation5XXErrors` (sum): requests the model failed. */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /** `Invocations` (sum). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;
}

/**
 * Attributes to adopt an existing endpoint with {@link ManagedEndpoint.fromEndpointAttributes}.
 */
export interface ManagedEndpointAttributes {
  /** Name of the endpoint. */
  readonly endpointName: string;

  /**
   * ARN of the endpoint.
   *
   * @default - built from the name in this stack's account and region (SageMaker ARNs use the lowercase name)
   */
  readonly endpointArn?: string;

  /**
   * Name of the production variant.
   *
   * @default 'primary'
   */
  readonly variantName?: string;

  /**
   * The endpoint is asynchronous: `grantInvoke` grants `InvokeEndpointAsync`.
   *
   * @default false
   */
  readonly asynchronous?: boolean;
}

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

  /** Real-time, serverless or asynchronous hosting. */
  readonly mode: EndpointMode;

  /**
   * Capacity bounds and triggers. Real-time and async scale instances
   * (`sagemaker:variant:DesiredInstanceCount`); serverless scales provisioned concurrency
   * (`sagemaker:variant:DesiredProvisionedConcurrency`).
   *
   * Requests per instance is rendered as `SageMakerVariantInvocationsPerInstance`, which SageMaker
   * counts per MINUTE: the target becomes requests/second × 60.
   *
   * @default - real-time and async: one instance, no scaling; serverless: no provisioned-concurrency scaling
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * How a new version takes over on updates: a blue/green `DeploymentConfig` (all at once, canary or
   * linear) that rolls back automatically on the SLO's alarms plus the rollout's own alarms.
   * Applies to updates only: the first deployment creates the endpoint directly.
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
   * @default - none besides the model's name and version (`MODEL_NAME`, `MODEL_VERSION`)
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
}

/** Variant name of the shadow variant. */
const SHADOW_VARIANT = 'shadow';
/** Above the default tag priority (100) of the lane-wide tags, so the shadow model keeps its own version. */
const SHADOW_TAG_PRIORITY = 110;
const NAME_RE = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** BlueGreenUpdatePolicy / RollingUpdatePolicy MaximumExecutionTimeoutInSeconds range (botocore: 600-28800). */
const MIN_EXECUTION_TIMEOUT = 600;
const MAX_EXECUTION_TIMEOUT = 28800;
const ECR_URI_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::[^@]+|@sha256:[0-9a-f]{64})?$/;

/** A rolling update for messages, e.g. `20% batches, 1 minute apart`. */
function describeRolling(r: RollingUpdateOptions): string {
  const wait = r.waitInterval instanceof Duration ? describeDuration(r.waitInterval) : String(r.waitInterval);
  return `${r.maximumBatchPercent}% batches, ${wait} apart`;
}

/**
 * An alarm's name as a literal when its L1 has one (so an alarm that watches this endpoint does not
 * form a cycle with the endpoint naming it), else its `alarmName` (a reference).
 */
function literalAlarmName(alarm: cloudwatch.IAlarm): string {
  const cfn = alarm.node.defaultChild;
  if (cfn instanceof cloudwatch.CfnAlarm && cfn.alarmName !== undefined && !Token.isUnresolved(cfn.alarmName)) {
    return cfn.alarmName;
  }
  return alarm.alarmName;
}

abstract class ManagedEndpointBase extends Resource implements IManagedEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantName: string;
  protected abstract readonly invokeAsync: boolean;

  /** A reference to this endpoint for aws-cdk-lib's generated interfaces. */
  public get endpointRef(): sagemaker.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  /**
   * Let `grantee` invoke the endpoint: `sagemaker:InvokeEndpoint` (real-time, serverless) or
   * `sagemaker:InvokeEndpointAsync` (async) on exactly this endpoint.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [this.invokeAsync ? 'sagemaker:InvokeEndpointAsync' : 'sagemaker:InvokeEndpoint'],
      resourceArns: [this.endpointArn],
    });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName },
      ...props,
    });
  }

  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.latencyMetric(props);
  }

  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.metric('Invocation5XXErrors', { statistic: 'Sum', ...props });
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  protected latencyMetric(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: 'Average', unit: cloudwatch.Unit.MICROSECONDS, ...props });
  }
}

/**
 * A SageMaker endpoint serving one {@link ModelArtifact}: real-time, serverless (with provisioned
 * concurrency) or asynchronous (S3 outputs, SNS notifications, backlog scaling and scale to zero).
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
export class ManagedEndpoint extends ManagedEndpointBase implements IInferenceLane {
  /**
   * Adopt an existing endpoint: invoke it, read its metrics, put it behind API Gateway.
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: ManagedEndpointAttributes): IManagedEndpoint {
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(attrs.endpointName) && !NAME_RE.test(attrs.endpointName)) {
      throw invalid(`${scope.node.path}/${id}`, 'endpointName', attrs.endpointName, 'is not a SageMaker endpoint name', 'Pass letters, digits and hyphens, at most 63 characters.');
    }
    const arnName = Token.isUnresolved(attrs.endpointName) ? attrs.endpointName : attrs.endpointName.toLowerCase();
    class Import extends ManagedEndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly endpointArn = attrs.endpointArn ?? stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: arnName });
      public readonly variantName = attrs.variantName ?? 'primary';
      protected readonly invokeAsync = attrs.asynchronous ?? false;
    }
    return new Import(scope, id, {
      environmentFromArn: attrs.endpointArn && !Token.isUnresolved(attrs.endpointArn) ? attrs.endpointArn : undefined,
    });
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
  protected readonly invokeAsync: boolean;

  private readonly instanceInfo?: InstanceTypeInfo;
  private readonly policy?: AutoscalingPolicy;
  private readonly asyncBucket?: s3.IBucket;
  private readonly asyncKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ManagedEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    // A serverless endpoint has no deployment guardrails, so it does not inherit the topology's rollout
    // (an explicit rollout on serverless is rejected below).
    const serverlessMode = props.mode?.kind === EndpointModeKind.SERVERLESS;
    props = withLaneDefaults(this, props, 'ManagedEndpoint', serverlessMode ? ['artifact', 'autoscaling', 'slo'] : ['artifact', 'autoscaling', 'slo', 'rollout']);
    const mode = props.mode;
    if (!(mode instanceof EndpointMode)) {
      throw invalid(this, 'mode', mode, 'is required', 'Pass EndpointMode.realTime(...), EndpointMode.serverless(...) or EndpointMode.asynchronous(...).');
    }
    this.mode = mode;
    this.invokeAsync = mode.kind === EndpointModeKind.ASYNC;
    this.variantName = props.variantName ?? 'primary';
    if (props.endpointName !== undefined && !Token.isUnresolved(props.endpointName) && !NAME_RE.test(props.endpointName)) {
      throw invalid(this, 'endpointName', props.endpointName, 'is not a SageMaker endpoint name', 'Use letters, digits and hyphens (starting alphanumeric), at most 63 characters.');
    }
    if (!Token.isUnresolved(this.variantName) && (!NAME_RE.test(this.variantName) || this.variantName === SHADOW_VARIANT)) {
      throw invalid(this, 'variantName', this.variantName, this.variantName === SHADOW_VARIANT ? 'is reserved for the shadow variant' : 'is not a SageMaker variant name', "Use letters, digits and hyphens, at most 63 characters, e.g. 'primary'.");
    }

    const label = `ManagedEndpoint (${mode.kind})`;
    if (mode.instance) { checkHostingInstanceType(this, 'mode.instanceType', mode.instance.instanceType); }
    this.instanceInfo = mode.instance && !Token.isUnresolved(mode.instance.instanceType) ? parseInstanceType(mode.instance.instanceType) : undefined;
    const info = this.instanceInfo;
    const target = mode.kind === EndpointModeKind.SERVERLESS ? HardwareTarget.CPU_X86_64 : info?.hardware ?? HardwareTarget.CPU_X86_64;
    const policy = props.autoscaling ?? (mode.instanceBased ? AutoscalingPolicy.fixed(1) : undefined);
    this.policy = policy;

    // ---- validation that needs no resources ------------------------------------------------
    this.validateScaling(label, policy, info);
    this.validateModeFeatures(props);
    // A token minCapacity (e.g. a CfnParameter) is rendered as given; checks that need its value skip it.
    const minCapacity = policy?.minCapacity ?? 1;
    const initialCount = !mode.instanceBased ? 0 : isConcreteNumber(minCapacity) ? Math.max(1, minCapacity) : minCapacity;
    this.validateRollout(props, info, initialCount);

    // ---- role, key, bucket ------------------------------------------------------------------
    this.role = props.role ?? new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `SageMaker execution role of ${this.node.path}`,
    });
    const volumeKeyAllowed = mode.instanceBased && !(info?.localStorage ?? false);
    const needsLaneBucket = (mode.asyncOptions !== undefined && mode.asyncOptions.bucket === undefined)
      || (props.dataCapture !== undefined && props.dataCapture.bucket === undefined);
    const needsKey = volumeKeyAllowed || needsLaneBucket
      || (mode.asyncOptions !== undefined && mode.asyncOptions.outputEncryptionKey === undefined)
      || (props.dataCapture !== undefined && props.dataCapture.encryptionKey === undefined);
    this.encryptionKey = props.encryptionKey ?? (needsKey ? new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: `Encrypts the volumes, outputs and captures of ${this.node.path}`,
    }) : undefined);
    if (needsLaneBucket) {
      this.outputBucket = new s3.Bucket(this, 'OutputBucket', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.encryptionKey,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
      });
    }

    // ---- the model ----------------------------------------------------------------------------
    this.binding = props.artifact!.bind(this, { grantee: this.role, target, consumer: this.node.path });
    warnIfWeightsMayBeOverwritten(this, this.binding);
    this.artifactName = this.binding.name;
    this.artifactVersion = this.binding.version;
    const hosting = this.resolveHosting(props, this.binding);
    this.securityGroups = this.createNetworking(props);
    const vpcConfig = props.vpc ? {
      subnets: this.selectSubnets(props.vpc, props.vpcSubnets),
      securityGroupIds: this.securityGroups.map(sg => sg.securityGroupId),
    } : undefined;
    this.cfnModel = this.createModel('Model', this.binding, hosting, props, vpcConfig);

    let shadowModel: sagemaker.CfnModel | undefined;
    if (props.shadow) {
      const candidate = props.shadow.candidate.bind(this, { grantee: this.role, target, consumer: `${this.node.path} (shadow)` });
      if (candidate.name !== this.binding.name) {
        throw invalid(this, 'shadow.candidate', `${candidate.name}@${candidate.version}`, `is a different model than the artifact (${this.binding.name})`, 'Shadow a new version of the same model; compare different models with separate endpoints.');
      }
      if (candidate.version === this.binding.version) {
        throw invalid(this, 'shadow.candidate', `${candidate.name}@${candidate.version}`, 'is the version already in production', 'Shadow a new version, e.g. the next release candidate.');
      }
      warnIfWeightsMayBeOverwritten(this, candidate);
      shadowModel = this.createModel('ShadowModel', candidate, this.resolveHosting(props, candidate), props, vpcConfig);
      // The lane tags everything with the live version (tagLane below); the shadow model carries its own.
      for (const [k, v] of Object.entries(candidate.tags)) {
        Tags.of(shadowModel).add(k, v, { priority: SHADOW_TAG_PRIORITY });
      }
    }

    // ---- endpoint configuration --------------------------------------------------------------
    this.asyncBucket = mode.asyncOptions ? mode.asyncOptions.bucket ?? this.outputBucket : undefined;
    this.asyncKey = mode.asyncOptions ? mode.asyncOptions.outputEncryptionKey ?? this.encryptionKey : undefined;
    const primaryVariant = this.renderVariant(this.variantName, this.cfnModel, initialCount, 1);
    // ceil(fleet × share), at least 1; with a token fleet size the share cannot be computed: 1 instance.
    const shadowCount = isConcreteNumber(initialCount) && props.shadow ? Math.max(1, Math.ceil(initialCount * props.shadow.samplePercent / 100)) : 1;
    const shadowVariant = shadowModel && props.shadow
      ? this.renderVariant(SHADOW_VARIANT, shadowModel, shadowCount, props.shadow.samplePercent / 100)
      : undefined;
    this.cfnEndpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      productionVariants: [primaryVariant],
      shadowProductionVariants: shadowVariant ? [shadowVariant] : undefined,
      kmsKeyId: volumeKeyAllowed ? this.encryptionKey?.keyArn : undefined,
      asyncInferenceConfig: this.renderAsync(),
      dataCaptureConfig: this.renderDataCapture(props.dataCapture),
    });
    this.grantLogsAndMetrics(props);

    // ---- endpoint ------------------------------------------------------------------------------
    const retain = mode.instanceBased && policy !== undefined && !policy.isFixed;
    this.cfnEndpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointConfigName: this.cfnEndpointConfig.attrEndpointConfigName,
      endpointName: this.physicalName,
      // Keep autoscaled instance counts across deploys (aws-cdk#23151); weights still come from the
      // new configuration so a changed shadow sampling share takes effect.
      retainAllVariantProperties: retain ? true : undefined,
      excludeRetainedVariantProperties: retain ? [{ variantPropertyType: 'DesiredWeight' }] : undefined,
      deploymentConfig: Lazy.any({ produce: () => this.deploymentConfig }),
    });
    this.deriveEndpointIdentity(policy);
    this.endpointName = this.getResourceNameAttribute(this.cfnEndpoint.attrEndpointName);
    this.endpointArn = this.getResourceArnAttribute(this.cfnEndpoint.ref, {
      service: 'sagemaker',
      resource: 'endpoint',
      resourceName: this.physicalName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    // ---- SLO alarms and rollout ------------------------------------------------------------
    const slo = props.slo ? this.renderSlo(props.slo) : undefined;
    this.sloAlarms = slo?.rollbackAlarms ?? [];
    this.sloPagingAlarms = slo?.pagingAlarms ?? [];
    this.serviceLevelObjectives = slo?.objectives ?? [];
    this.sloBurnRateAlarms = slo?.burnRateAlarms ?? [];
    this.deploymentConfig = this.renderDeploymentConfig(props);
    if (props.rollout && props.rollout.strategy !== RolloutStrategy.ALL_AT_ONCE && props.slo?.latencyThreshold && (props.rollout.autoRollback ?? true)) {
      warnIfCanaryBelowPercentile(this, props.rollout.percent, props.slo.latencyPercentile, props.rollout.strategy === RolloutStrategy.CANARY ? 'canary' : 'first linear step');
    }

    // ---- autoscaling ----------------------------------------------------------------------------
    this.scalableTarget = this.renderAutoscaling(policy, mode);

    this.capacity = this.describeCapacity(policy);
    tagLane(this, this.binding, LaneKind.MANAGED_ENDPOINT);
    // cdk-nag findings of the lane's own design, acknowledged on what the lane created (README "cdk-nag").
    acknowledgeEndpointFindings(this, {
      ...this.nag,
      role: props.role ? undefined : this.role.node.tryFindChild('DefaultPolicy') ?? this.role,
      outputBucket: this.outputBucket,
    });
  }

  /** What the lane granted by design, for {@link acknowledgeEndpointFindings}. */
  private readonly nag = { unscopedActions: [] as string[], logGroupArns: [] as string[], objectWrites: [] as string[], objectReads: [] as string[], keyGranted: false };

  private deploymentConfig?: sagemaker.CfnEndpoint.DeploymentConfigProperty;

  /**
   * SageMaker fails an update that changes the instance type of a variant registered with Application
   * Auto Scaling (and one that removes such a variant, so renaming the variant does not help). When the
   * variant autoscales, the endpoint's logical ID carries the instance type: a new type creates a new
   * endpoint (and a new scalable target on it), and CloudFormation deletes the old endpoint and
   * deregisters its target after the new one is in service. See "Changing the instance type" in the README.
   */
  private deriveEndpointIdentity(policy: AutoscalingPolicy | undefined): void {
    const instanceType = this.mode.instance?.instanceType;
    const scales = policy !== undefined && !(policy.isFixed && policy.schedules.length === 0);
    if (!scales || instanceType === undefined || Token.isUnresolved(instanceType)) { return; }
    const base = Stack.of(this).getLogicalId(this.cfnEndpoint);
    this.cfnEndpoint.overrideLogicalId(`${base}${instanceType.replace(/[^A-Za-z0-9]/g, '')}`);
  }

  /**
   * Let `grantee` invoke the endpoint. Async endpoints also let it upload request payloads under the
   * input prefix and read responses and failures.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = super.grantInvoke(grantee);
    const opts = this.mode.asyncOptions;
    if (opts && this.asyncBucket) {
      this.asyncBucket.grantPut(grantee, `${opts.inputPrefix ?? 'async-inputs/'}*`);
      this.asyncBucket.grantRead(grantee, `${opts.outputPrefix ?? 'async-outputs/'}*`);
      this.asyncBucket.grantRead(grantee, `${opts.failurePrefix ?? 'async-failures/'}*`);
      this.asyncKey?.grantEncryptDecrypt(grantee);
    }
    return grant;
  }

  /**
   * The endpoint as a front-door target (`sagemaker:InvokeEndpoint`, failover on `sloAlarms`).
   *
   * @returns undefined for an asynchronous endpoint (requests go through S3, not `InvokeEndpoint`)
   */
  public routeTarget(): RouteTarget | undefined {
    if (this.invokeAsync) { return undefined; }
    return RouteTarget.sageMakerEndpoint({ endpointName: this.endpointName, endpointArn: this.endpointArn, alarms: this.sloAlarms });
  }

  /**
   * Async endpoints: requests waiting per instance (`ApproximateBacklogSizePerInstance`, endpoint level).
   */
  public metricBacklogPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateBacklogSizePerInstance', { statistic: 'Average', ...props });
  }

  /**
   * Async endpoints: age of the oldest queued request in seconds (`ApproximateAgeOfOldestRequest`).
   */
  public metricOldestRequestAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateAgeOfOldestRequest', { statistic: 'Maximum', ...props });
  }

  /**
   * Async endpoints: 1 while requests wait and no instance runs (`HasBacklogWithoutCapacity`).
   */
  public metricHasBacklogWithoutCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('HasBacklogWithoutCapacity', { statistic: 'Average', ...props });
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
    const mode = this.mode;
    if (mode.kind === EndpointModeKind.SERVERLESS) {
      if ((mode.serverlessOptions?.provisionedConcurrency ?? 0) === 0 && this.policy === undefined) { return []; }
      return [
        this.metric('ServerlessProvisionedConcurrencyUtilization', { statistic: 'Maximum', period: Duration.minutes(1), label: 'Provisioned concurrency utilization (0-1)' }),
        this.metric('ServerlessProvisionedConcurrencySpilloverInvocations', { statistic: 'Sum', period: Duration.minutes(1), label: 'Invocations beyond provisioned concurrency' }),
      ];
    }
    const metrics: cloudwatch.IMetric[] = [
      this.instanceMetric('CPUUtilization').with({ label: 'CPU utilization (% summed over vCPUs)' }),
      this.instanceMetric('MemoryUtilization').with({ label: 'Memory utilization (%)' }),
    ];
    if ((this.instanceInfo?.gpus ?? mode.instance?.gpuCount ?? 0) > 0) {
      metrics.push(this.instanceMetric('GPUUtilization').with({ label: 'GPU utilization (% summed over GPUs)' }));
    }
    if (mode.kind === EndpointModeKind.ASYNC) {
      metrics.push(this.endpointMetric('ApproximateBacklogSize', { statistic: 'Average', period: Duration.minutes(1), label: 'Queued requests' }));
      metrics.push(this.metricOldestRequestAge({ period: Duration.minutes(1), label: 'Oldest queued request (s)' }));
    }
    return metrics;
  }

  /**
   * Instances in service. SageMaker publishes no instance-count metric, so it is derived from
   * metrics defined per instance: real-time `Invocations ÷ InvocationsPerInstance`, async
   * `ApproximateBacklogSize ÷ ApproximateBacklogSizePerInstance`. The result exists only while
   * requests flow (real-time) or wait (async); cost math needs traffic anyway.
   *
   * @returns undefined for serverless endpoints (provisioned concurrency has no CloudWatch metric)
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    const period = props?.period ?? Duration.minutes(1);
    switch (this.mode.kind) {
      case EndpointModeKind.REAL_TIME: {
        const inv = uniqueMetricId(this, 'inv');
        const per = uniqueMetricId(this, 'perinstance');
        return new cloudwatch.MathExpression({
          expression: `${inv} / ${per}`,
          usingMetrics: { [inv]: this.metric('Invocations', { statistic: 'Sum' }), [per]: this.metric('InvocationsPerInstance', { statistic: 'Sum' }) },
          period,
          label: props?.label ?? 'Instances in service (Invocations ÷ InvocationsPerInstance, while requests flow)',
        });
      }
      case EndpointModeKind.ASYNC: {
        const backlog = uniqueMetricId(this, 'backlog');
        const per = uniqueMetricId(this, 'perinstance');
        return new cloudwatch.MathExpression({
          expression: `${backlog} / ${per}`,
          usingMetrics: {
            [backlog]: this.endpointMetric('ApproximateBacklogSize', { statistic: 'Average' }),
            [per]: this.metricBacklogPerInstance(),
          },
          period,
          label: props?.label ?? 'Instances in service (backlog ÷ backlog per instance, while requests wait)',
        });
      }
      default:
        return undefined;
    }
  }

  // =====================================================================================
  // validation
  // =====================================================================================

  private validateScaling(label: string, policy: AutoscalingPolicy | undefined, info: InstanceTypeInfo | undefined): void {
    if (!policy) { return; }
    const mode = this.mode;
    // 32-bit capacities, cron fields and time zones are checked by the policy itself (core); the
    // Application Auto Scaling cron dialect by validateFor below (its default schedule format).
    const scales = !policy.isFixed || policy.schedules.length > 0;
    if (mode.kind === EndpointModeKind.REAL_TIME) {
      const asyncOnly = policy.triggers.find(t => t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE || t.kind === TriggerKind.TIME_IN_QUEUE);
      if (asyncOnly) {
        throw invalid(this, 'autoscaling.triggers', asyncOnly.toString(), 'is an asynchronous-endpoint signal: a real-time endpoint has no request queue', 'Use EndpointMode.asynchronous(...) for queued work, or scale this endpoint on ScalingTrigger.inFlightPerInstance / requestsPerInstance.');
      }
      if (policy.scaleToZero) {
        throw invalid(this, 'autoscaling.scaleToZero', true, 'is not possible on real-time variants (only inference components scale to zero, which this lane does not render)', 'Keep minCapacity >= 1, or use EndpointMode.asynchronous (scales to zero and back on its backlog) or EndpointMode.serverless (no idle cost).');
      }
      policy.validateFor(this, {
        lane: label,
        triggers: [TriggerKind.REQUESTS_PER_INSTANCE, TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.CPU_UTILIZATION, TriggerKind.GPU_UTILIZATION],
        scaleToZero: false,
        schedules: true,
        stepLimits: false,
      });
    } else if (mode.kind === EndpointModeKind.ASYNC) {
      policy.validateFor(this, {
        lane: label,
        triggers: [TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE, TriggerKind.CPU_UTILIZATION, TriggerKind.GPU_UTILIZATION],
        scaleToZero: true,
        schedules: true,
        stepLimits: false,
      });
      const backlog = policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE);
      if (policy.scaleToZero && !backlog) {
        throw invalid(this, 'autoscaling.scaleToZero', true, 'needs ScalingTrigger.queueBacklogPerInstance on an async endpoint (it scales in to zero on the backlog; HasBacklogWithoutCapacity scales back out)', 'Add ScalingTrigger.queueBacklogPerInstance(n).');
      }
      if (policy.trigger(TriggerKind.TIME_IN_QUEUE) && !backlog) {
        throw invalid(this, 'autoscaling.triggers', policy.triggers.map(t => t.toString()), 'has timeInQueue without queueBacklogPerInstance: the age steps only add instances, nothing would remove them', 'Add ScalingTrigger.queueBacklogPerInstance(n) next to timeInQueue.');
      }
    } else {
      if (policy.scaleToZero) {
        throw invalid(this, 'autoscaling.scaleToZero', true, 'is not a policy setting on serverless endpoints: on-demand serverless capacity already drops to zero when idle, and provisioned concurrency cannot go below 1', 'Drop scaleToZero (and the policy, unless you scale provisioned concurrency).');
      }
      policy.validateFor(this, {
        lane: label,
        triggers: [TriggerKind.IN_FLIGHT_PER_INSTANCE],
        scaleToZero: false,
        schedules: true,
        stepLimits: false,
      });
      const sv = mode.serverlessOptions!;
      if (isConcreteNumber(policy.maxCapacity) && isConcreteNumber(sv.maxConcurrency) && policy.maxCapacity > sv.maxConcurrency) {
        throw invalid(this, 'autoscaling.maxCapacity', policy.maxCapacity, `exceeds the serverless maxConcurrency (${sv.maxConcurrency}); provisioned concurrency cannot exceed it`, 'Lower maxCapacity or raise maxConcurrency.');
      }
      const pc = sv.provisionedConcurrency;
      if (pc !== undefined && isConcreteNumber(pc) && (pc < policy.minCapacity || pc > policy.maxCapacity)) {
        throw invalid(this, 'mode.provisionedConcurrency', pc, `is outside the autoscaling bounds (${policy.minCapacity}-${policy.maxCapacity})`, 'Set provisionedConcurrency within the policy bounds, or omit it to start at minCapacity.');
      }
      const inflight = policy.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE);
      if (inflight && inflight.target > 1) {
        throw invalid(this, 'autoscaling.triggers', inflight.toString(), 'cannot be reached on serverless: one unit of provisioned concurrency serves one request at a time, so the target is a utilization ratio', 'Pass a ratio from 0.1 to 1, e.g. ScalingTrigger.inFlightPerInstance(0.7) for 70% provisioned-concurrency utilization.');
      }
    }
    if (mode.instanceBased && scales && info?.burstable) {
      throw invalid(this, 'mode.instanceType', info.name, 'is a burstable (T-class) instance, which SageMaker autoscaling does not support', 'Use a non-burstable type (e.g. ml.c6i.large or ml.m5.large), or AutoscalingPolicy.fixed(n) without schedules.');
    }
    for (const t of policy.triggers) {
      if (t.kind === TriggerKind.GPU_UTILIZATION) {
        const gpus = mode.instance?.gpuCount ?? info?.gpus;
        if (info && info.hardware !== HardwareTarget.NVIDIA_GPU) {
          throw invalid(this, 'autoscaling.triggers', t.toString(), `cannot be measured on ${info.name}, which has no NVIDIA GPU`, 'Scale on ScalingTrigger.cpuUtilization or inFlightPerInstance, or use a GPU instance type.');
        }
        if (gpus === undefined) {
          throw invalid(this, 'mode.gpuCount', undefined, `is needed for ${t.toString()}: the GPU count of ${mode.instance?.instanceType} is not in the library's table and GPUUtilization sums all GPUs`, 'Pass gpuCount in the mode props.');
        }
      }
      if (t.kind === TriggerKind.CPU_UTILIZATION && (mode.instance?.vcpuCount ?? info?.vcpus) === undefined) {
        throw invalid(this, 'mode.vcpuCount', undefined, `is needed for ${t.toString()}: the vCPU count of ${mode.instance?.instanceType} cannot be derived and CPUUtilization sums all cores`, 'Pass vcpuCount in the mode props.');
      }
    }
  }

  private validateModeFeatures(props: ManagedEndpointProps): void {
    const mode = this.mode;
    if (mode.kind === EndpointModeKind.SERVERLESS) {
      // [prop, readable value when set]
      const unsupported: [string, unknown][] = [
        ['dataCapture', props.dataCapture ? `${props.dataCapture.samplingPercent}% sampling` : undefined],
        ['vpc', props.vpc?.node.path],
        ['networkIsolation', props.networkIsolation ? true : undefined],
        ['rollingUpdate', props.rollingUpdate ? describeRolling(props.rollingUpdate) : undefined],
        ['shadow', props.shadow ? `${props.shadow.candidate.name}@${props.shadow.candidate.version}` : undefined],
      ];
      for (const [prop, value] of unsupported) {
        if (value !== undefined) {
          throw invalid(this, prop, value,
            'is not supported on serverless endpoints (SageMaker Serverless Inference excludes data capture, VPC, network isolation, rolling updates and multi-variant/shadow endpoints)',
            'Drop it, or use EndpointMode.realTime(...).');
        }
      }
      if (props.encryptionKey !== undefined && props.dataCapture === undefined) {
        throw invalid(this, 'encryptionKey', props.encryptionKey.node.path, 'has nothing to encrypt on a serverless endpoint (no instance volume, no outputs)', 'Drop encryptionKey for serverless endpoints.');
      }
    }
    if (props.shadow && mode.kind === EndpointModeKind.ASYNC) {
      throw invalid(this, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, 'is not supported on asynchronous endpoints (SageMaker shadow variants exclude async inference)', 'Test the candidate on a real-time endpoint, or deploy it as a separate async endpoint.');
    }
    if (props.shadow && this.instanceInfo?.inf1) {
      throw invalid(this, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, `is not supported on ${this.instanceInfo.name} (SageMaker shadow variants exclude Inf1 instances)`, 'Use an ml.inf2 or GPU instance type for shadow testing.');
    }
    const info = this.instanceInfo;
    if (info?.localStorage && mode.instance?.volumeSize) {
      throw invalid(this, 'mode.volumeSize', `${mode.instance.volumeSize.toGibibytes()} GiB`, `cannot be set on ${info.name}: it serves from local NVMe storage`, 'Drop volumeSize for this instance type.');
    }
    if (props.dataCapture) {
      const dc = props.dataCapture;
      if (dc.samplingPercent === undefined) {
        throw invalid(this, 'dataCapture.samplingPercent', undefined, 'is required (DataCaptureConfig.InitialSamplingPercentage)', 'Pass a whole percent from 0 to 100, e.g. 10.');
      }
      checkInteger(this, 'dataCapture.samplingPercent', dc.samplingPercent, 0, 100, 'Pass a whole percent from 0 to 100 (InitialSamplingPercentage is an integer).');
      if (dc.captureModes !== undefined && dc.captureModes.length === 0) {
        throw invalid(this, 'dataCapture.captureModes', [], 'is empty', 'List CaptureMode.INPUT and/or CaptureMode.OUTPUT, or omit it for both.');
      }
      for (const [i, m] of (dc.captureModes ?? []).entries()) {
        checkOneOf(this, `dataCapture.captureModes[${i}]`, m, Object.values(CaptureMode), 'Use CaptureMode.INPUT or CaptureMode.OUTPUT.');
      }
      for (const [name, list] of [['jsonContentTypes', dc.jsonContentTypes], ['csvContentTypes', dc.csvContentTypes]] as const) {
        if (list !== undefined && (list.length < 1 || list.length > 10 || list.some(t => typeof t !== 'string' || t.length === 0 || t.length > 256))) {
          throw invalid(this, `dataCapture.${name}`, list, 'must list 1 to 10 non-empty content types (CaptureContentTypeHeader)', "Pass e.g. ['application/json'], or omit it for SageMaker's default.");
        }
      }
      if (dc.prefix !== undefined && !Token.isUnresolved(dc.prefix) && (dc.prefix.startsWith('/') || !dc.prefix.endsWith('/'))) {
        throw invalid(this, 'dataCapture.prefix', dc.prefix, "must be a key prefix ending with '/' and not starting with '/'", "Pass e.g. 'data-capture/'.");
      }
    }
    const asyncOpts = mode.asyncOptions;
    if (props.dataCapture && asyncOpts && (props.dataCapture.bucket ?? this) === (asyncOpts.bucket ?? this)) {
      // Same bucket: captures may not land among (or above) the async payloads, responses and failures.
      const dcPrefix = props.dataCapture.prefix ?? 'data-capture/';
      const asyncPrefixes: [string, string][] = [
        ['inputPrefix', asyncOpts.inputPrefix ?? 'async-inputs/'],
        ['outputPrefix', asyncOpts.outputPrefix ?? 'async-outputs/'],
        ['failurePrefix', asyncOpts.failurePrefix ?? 'async-failures/'],
      ];
      for (const [name, prefix] of asyncPrefixes) {
        if (prefixesOverlap(dcPrefix, prefix)) {
          throw invalid(this, 'dataCapture.prefix', dcPrefix, `overlaps mode.${name} (${describeValue(prefix)}) in the same bucket`, "Use separate prefixes such as 'data-capture/' and 'async-outputs/'.");
        }
      }
    }
    if (props.securityGroups && props.securityGroups.length > 5) {
      throw invalid(this, 'securityGroups', props.securityGroups.length, 'exceeds the 5 security groups SageMaker accepts (VpcConfig.SecurityGroupIds)', 'Pass at most 5 security groups.');
    }
    if (props.securityGroups && props.securityGroups.length === 0) {
      throw invalid(this, 'securityGroups', 0, 'is empty: SageMaker needs at least one security group in VpcConfig', 'Pass at least one security group, or omit securityGroups for one with no inbound rules.');
    }
    if ((props.vpcSubnets || props.securityGroups) && !props.vpc) {
      throw invalid(this, props.vpcSubnets ? 'vpcSubnets' : 'securityGroups', props.vpcSubnets ? props.vpcSubnets : `${props.securityGroups!.length} security group(s)`, 'needs a vpc', 'Pass vpc as well, or drop it.');
    }
  }

  private validateRollout(props: ManagedEndpointProps, info: InstanceTypeInfo | undefined, initialCount: number): void {
    const rollout = props.rollout;
    const rolling = props.rollingUpdate;
    const mode = this.mode;
    if (rollout && mode.kind === EndpointModeKind.SERVERLESS) {
      throw invalid(this, 'rollout', rollout.toString(), 'cannot be honoured on a serverless endpoint: SageMaker deployment guardrails (blue/green traffic shifting, baking and alarm rollback) apply to real-time and asynchronous endpoints only',
        'Drop rollout (serverless updates replace the variant without guardrails), or use EndpointMode.realTime(...) for guarded rollouts with alarm rollback.');
    }
    if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
      if (info?.inf1) {
        throw invalid(this, 'rollout', rollout.toString(), `cannot run on ${info.name}: SageMaker deployment guardrails exclude Inf1 instances and silently fall back to all-at-once`, 'Use Rollout.allAtOnce(...), or an ml.inf2 / GPU instance type.');
      }
      if (isConcreteNumber(rollout.percent) && !Number.isInteger(rollout.percent)) {
        throw invalid(this, rollout.strategy === RolloutStrategy.CANARY ? 'rollout.percent' : 'rollout.stepPercent', rollout.percent, "must be a whole percent: SageMaker's CapacitySize value is an integer", `Pass ${Math.round(rollout.percent)}.`);
      }
      if (rollout.strategy === RolloutStrategy.CANARY && rollout.percent > 50) {
        throw invalid(this, 'rollout.percent', rollout.percent, 'is above 50: SageMaker canaries may take at most half of the new fleet', 'Pass a canary share from 1 to 50 percent.');
      }
      if (rollout.strategy === RolloutStrategy.LINEAR && (rollout.percent < 10 || rollout.percent > 50)) {
        throw invalid(this, 'rollout.stepPercent', rollout.percent, 'is outside 10-50: SageMaker linear steps must be 10-50% of the new fleet', 'Pass a step from 10 to 50 percent.');
      }
      if (isConcreteNumber(initialCount) && initialCount < 2) {
        throw invalid(this, 'rollout', rollout.toString(), `needs at least 2 instances to shift part of the traffic (the fleet starts with ${initialCount}; a canary or step may be at most half of it)`, 'Raise autoscaling.minCapacity to 2 or more, or use Rollout.allAtOnce(...).');
      }
    }
    if (rolling) {
      if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
        throw invalid(this, 'rollingUpdate', describeRolling(rolling), `conflicts with rollout ${rollout.toString()}: an update is either blue/green or rolling`, 'Drop rollingUpdate, or pass Rollout.allAtOnce({ alarms }) for the rollback alarms only.');
      }
      if (info?.inf1) {
        throw invalid(this, 'rollingUpdate', describeRolling(rolling), `cannot run on ${info.name}: SageMaker deployment guardrails exclude Inf1 instances`, 'Drop rollingUpdate.');
      }
      if (rollout?.finalBakeTimeExplicit) {
        throw invalid(this, 'rollout.finalBakeTime', rollout.finalBakeTime, 'cannot be honoured by a rolling update (SageMaker bakes each batch for waitInterval; there is no final bake)', 'Drop finalBakeTime from the Rollout, or use a blue/green rollout without rollingUpdate.');
      }
      if (props.shadow) {
        throw invalid(this, 'rollingUpdate', describeRolling(rolling), 'cannot run with a shadow variant: SageMaker rolling updates exclude multi-variant endpoints', 'Drop rollingUpdate or the shadow variant.');
      }
      if (rolling.maximumBatchPercent === undefined) {
        throw invalid(this, 'rollingUpdate.maximumBatchPercent', undefined, 'is required (RollingUpdatePolicy.MaximumBatchSize)', 'Pass a batch of 5 to 50 percent of the fleet, e.g. 20.');
      }
      checkInteger(this, 'rollingUpdate.maximumBatchPercent', rolling.maximumBatchPercent, 5, 50, 'Pass a batch of 5 to 50 percent of the fleet.');
      checkInteger(this, 'rollingUpdate.rollbackMaximumBatchPercent', rolling.rollbackMaximumBatchPercent, 1, 100);
      if (rolling.waitInterval === undefined) {
        throw invalid(this, 'rollingUpdate.waitInterval', undefined, 'is required (RollingUpdatePolicy.WaitIntervalInSeconds): each batch bakes this long while the alarms are watched', 'Pass e.g. waitInterval: Duration.minutes(5).');
      }
      checkSeconds(this, 'rollingUpdate.waitInterval', rolling.waitInterval, 0, 3600, 'RollingUpdatePolicy.WaitIntervalInSeconds');
      checkSeconds(this, 'rollingUpdate.maximumExecutionTimeout', rolling.maximumExecutionTimeout, MIN_EXECUTION_TIMEOUT, MAX_EXECUTION_TIMEOUT, 'RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds');
    }
  }

  // =====================================================================================
  // rendering
  // =====================================================================================

  private resolveHosting(props: ManagedEndpointProps, binding: ModelArtifactBinding): ModelHosting {
    checkOneOf(this, 'hosting', props.hosting, Object.values(ModelHosting), 'Use ModelHosting.SINGLE_MODEL or ModelHosting.MULTI_MODEL.');
    const hosting = props.hosting ?? (binding.isPrefix ? ModelHosting.MULTI_MODEL : ModelHosting.SINGLE_MODEL);
    if (hosting === ModelHosting.MULTI_MODEL) {
      if (!binding.isPrefix) {
        throw invalid(this, 'hosting', 'MULTI_MODEL', `needs the weights to be an S3 prefix of model archives, but ${binding.name}@${binding.version} is ${binding.modelPackageArn ? 'a model package' : 'a single object'}`, 'Use ModelWeights.fromBucketPrefix(bucket, prefix), or ModelHosting.SINGLE_MODEL.');
      }
      if (this.mode.kind === EndpointModeKind.SERVERLESS) {
        throw invalid(this, 'hosting', 'MULTI_MODEL', 'is not supported on serverless endpoints', 'Use EndpointMode.realTime(...) for multi-model hosting.');
      }
      if (props.shadow) {
        throw invalid(this, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, 'is not supported on multi-model endpoints (SageMaker shadow variants exclude them)', 'Drop the shadow variant, or host a single model.');
      }
    }
    if (this.mode.kind === EndpointModeKind.SERVERLESS && !binding.modelPackageArn && (binding.isPrefix || !binding.compressed)) {
      throw invalid(this, 'artifact', `${binding.name}@${binding.version}`, 'has uncompressed weights, which serverless endpoints cannot load (they need ModelDataUrl to a .tar.gz)', 'Package the weights as model.tar.gz, or use EndpointMode.realTime(...).');
    }
    return hosting;
  }

  private selectSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): string[] {
    let subnets: string[];
    try {
      subnets = vpc.selectSubnets(selection ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    } catch (e) {
      // aws-cdk-lib's message names no prop (e.g. "There are no 'Private' subnet groups in this VPC").
      throw invalid(this, 'vpcSubnets', selection === undefined ? 'default: PRIVATE_WITH_EGRESS' : selection, `selects no subnets of ${vpc.node.path} (${(e as Error).message})`,
        'Pass vpcSubnets that exist in the VPC, e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }.');
    }
    // VpcConfig.Subnets holds 1-16 subnets.
    if (!Token.isUnresolved(subnets) && (subnets.length < 1 || subnets.length > 16)) {
      throw invalid(this, 'vpcSubnets', `${subnets.length} subnets`, 'must select 1 to 16 subnets (SageMaker VpcConfig.Subnets)', 'Select fewer subnets, e.g. { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true }.');
    }
    return subnets;
  }

  private createNetworking(props: ManagedEndpointProps): ec2.ISecurityGroup[] {
    if (!props.vpc) { return []; }
    const groups = props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Model containers of ${this.node.path}`,
      allowAllOutbound: true,
    })];
    // SageMaker attaches ENIs in the subnets on the role's behalf. Network interface actions have no
    // resource-level scoping for the create call; describe calls never do.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
        'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
        'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
      ],
      resources: ['*'],
    }));
    this.nag.unscopedActions.push('ec2 network-interface actions (SageMaker attaches ENIs in your subnets)');
    return groups;
  }

  private createModel(id: string, binding: ModelArtifactBinding, hosting: ModelHosting, props: ManagedEndpointProps,
    vpcConfig: sagemaker.CfnModel.VpcConfigProperty | undefined): sagemaker.CfnModel {
    const laneEnvironment = { MODEL_NAME: binding.name, MODEL_VERSION: binding.version };
    checkEnvironment(this, props.environment, laneEnvironment);
    const environment = { ...laneEnvironment, ...(props.environment ?? {}) };
    let container: sagemaker.CfnModel.ContainerDefinitionProperty;
    if (binding.modelPackageArn) {
      container = { modelPackageName: binding.modelPackageArn, environment };
    } else {
      if (!binding.imageUri) {
        throw invalid(this, 'artifact', `${binding.name}@${binding.version}`, `has no serving image for hardware target '${binding.target}'`, 'Give the ModelArtifact (or its variant) an image: ServingImage.fromEcrRepository(...) or fromRegistry(...).');
      }
      this.checkImage(binding);
      const s3Uri = binding.modelDataUrl!;
      if (hosting === ModelHosting.MULTI_MODEL) {
        container = { image: binding.imageUri, mode: 'MultiModel', modelDataUrl: s3Uri, environment };
      } else if (binding.compressed) {
        container = { image: binding.imageUri, mode: 'SingleModel', modelDataUrl: s3Uri, environment };
      } else {
        // Uncompressed weights (large models): SageMaker copies the object or prefix as is.
        container = {
          image: binding.imageUri,
          mode: 'SingleModel',
          modelDataSource: { s3DataSource: { s3Uri, s3DataType: binding.isPrefix ? 'S3Prefix' : 'S3Object', compressionType: 'None' } },
          environment,
        };
      }
    }
    const model = new sagemaker.CfnModel(this, id, {
      executionRoleArn: this.role.roleArn,
      primaryContainer: container,
      vpcConfig,
      enableNetworkIsolation: props.networkIsolation ? true : undefined,
    });
    // SageMaker checks the role when it creates the model: wait for its policy, not just the role.
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) { model.node.addDependency(policy); }
    return model;
  }

  private checkImage(binding: ModelArtifactBinding): void {
    const uri = binding.imageUri!;
    checkImageRegion(this, binding);
    warnIfImageTagMoves(this, binding);
    if (binding.imageRepository || Token.isUnresolved(uri)) { return; }
    const m = ECR_URI_RE.exec(uri);
    if (!m) {
      throw invalid(this, 'artifact', `${binding.name}@${binding.version} image ${uri}`, 'is not in Amazon ECR: SageMaker hosting pulls images from ECR only', 'Copy the image to an ECR repository and use ServingImage.fromEcrRepository(...) or an ECR image URI.');
    }
    // A registry URI in ECR (e.g. an AWS Deep Learning Container): grant pull on exactly that repository.
    const [, account, region, repo] = m;
    const partition = uri.includes('.amazonaws.com.cn/') ? 'aws-cn' : Stack.of(this).partition;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      resources: [`arn:${partition}:ecr:${region}:${account}:repository/${repo}`],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  }

  private renderVariant(variantName: string, model: sagemaker.CfnModel, count: number, weight: number): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
    const mode = this.mode;
    if (mode.serverlessOptions) {
      const sv = mode.serverlessOptions;
      const pc = sv.provisionedConcurrency ?? (this.policy ? this.policy.minCapacity : undefined);
      return {
        variantName,
        modelName: model.attrModelName,
        initialVariantWeight: weight,
        serverlessConfig: {
          memorySizeInMb: sv.memorySize.toMebibytes(),
          maxConcurrency: sv.maxConcurrency,
          provisionedConcurrency: pc,
        },
      };
    }
    const inst = mode.instance!;
    return {
      variantName,
      modelName: model.attrModelName,
      instanceType: inst.instanceType,
      initialInstanceCount: count,
      initialVariantWeight: weight,
      volumeSizeInGb: inst.volumeSize?.toGibibytes(),
      containerStartupHealthCheckTimeoutInSeconds: inst.containerStartupHealthCheckTimeout?.toSeconds(),
      modelDataDownloadTimeoutInSeconds: inst.modelDataDownloadTimeout?.toSeconds(),
    };
  }

  private renderAsync(): sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty | undefined {
    const opts = this.mode.asyncOptions;
    if (!opts) { return undefined; }
    const bucket = this.asyncBucket!;
    const input = opts.inputPrefix ?? 'async-inputs/';
    const output = opts.outputPrefix ?? 'async-outputs/';
    const failure = opts.failurePrefix ?? 'async-failures/';
    // SageMaker reads the payloads with the execution role and writes responses and failures with it.
    bucket.grantRead(this.role, `${input}*`);
    bucket.grantPut(this.role, `${output}*`);
    bucket.grantPut(this.role, `${failure}*`);
    this.asyncKey?.grantEncryptDecrypt(this.role);
    this.nag.objectReads.push(bucket.arnForObjects(`${input}*`));
    this.nag.objectWrites.push(bucket.arnForObjects(`${output}*`), bucket.arnForObjects(`${failure}*`));
    this.nag.keyGranted ||= this.asyncKey !== undefined;
    opts.successTopic?.grantPublish(this.role);
    opts.errorTopic?.grantPublish(this.role);
    const notification = opts.successTopic || opts.errorTopic ? {
      successTopic: opts.successTopic?.topicArn,
      errorTopic: opts.errorTopic?.topicArn,
      includeInferenceResponseIn: opts.includeResponseInSuccessTopic ? ['SUCCESS_NOTIFICATION_TOPIC'] : undefined,
    } : undefined;
    if (opts.includeResponseInSuccessTopic && !opts.successTopic) {
      throw invalid(this, 'mode.includeResponseInSuccessTopic', true, 'needs a successTopic', 'Pass successTopic, or drop includeResponseInSuccessTopic.');
    }
    return {
      outputConfig: {
        s3OutputPath: bucket.s3UrlForObject(output),
        s3FailurePath: bucket.s3UrlForObject(failure),
        kmsKeyId: this.asyncKey?.keyArn,
        notificationConfig: notification,
      },
      clientConfig: opts.maxConcurrentInvocationsPerInstance !== undefined
        ? { maxConcurrentInvocationsPerInstance: opts.maxConcurrentInvocationsPerInstance }
        : undefined,
    };
  }

  private renderDataCapture(dc: DataCaptureOptions | undefined): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | undefined {
    if (!dc) { return undefined; }
    const bucket = dc.bucket ?? this.outputBucket!;
    const prefix = dc.prefix ?? 'data-capture/';
    const key = dc.encryptionKey ?? this.encryptionKey;
    bucket.grantPut(this.role, `${prefix}*`);
    key?.grantEncrypt(this.role);
    this.nag.objectWrites.push(bucket.arnForObjects(`${prefix}*`));
    this.nag.keyGranted ||= key !== undefined;
    const modes = dc.captureModes ?? [CaptureMode.INPUT, CaptureMode.OUTPUT];
    return {
      enableCapture: true,
      initialSamplingPercentage: dc.samplingPercent,
      destinationS3Uri: bucket.s3UrlForObject(prefix),
      kmsKeyId: key?.keyArn,
      captureOptions: [...new Set(modes)].map(captureMode => ({ captureMode })),
      captureContentTypeHeader: dc.jsonContentTypes || dc.csvContentTypes
        ? { jsonContentTypes: dc.jsonContentTypes, csvContentTypes: dc.csvContentTypes }
        : undefined,
    };
  }

  private grantLogsAndMetrics(props: ManagedEndpointProps): void {
    const stack = Stack.of(this);
    // Log group names carry the endpoint name; a generated name is only known after the endpoint
    // exists (and the endpoint needs the role first), so scope to SageMaker's endpoint log prefix.
    const scoped = props.endpointName !== undefined && !Token.isUnresolved(props.endpointName);
    const group = scoped ? `/aws/sagemaker/Endpoints/${props.endpointName}` : '/aws/sagemaker/Endpoints/*';
    const logArns = [
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: group, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${group}:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: logArns,
    }));
    // With a fixed name only the log-stream wildcard remains (streams are created at run time).
    this.nag.logGroupArns.push(...(scoped ? [logArns[1]] : logArns));
    // PutMetricData has no resource-level permissions; the namespace condition scopes it.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker*'] } },
    }));
  }

  private renderSlo(slo: ServiceLevelObjective): ServiceLevelObjectiveResources {
    const rendered = slo.render(this, 'Slo', {
      laneName: `ManagedEndpoint ${this.node.path}`,
      latency: this.latencyMetric(),
      latencyUnit: cloudwatch.Unit.MICROSECONDS,
      // The SLO builds the 5xx rate with its minimum request count per period (a handful of requests
      // cannot trip the rollback alarm).
      errors: this.metric('Invocation5XXErrors', { statistic: 'Sum', period: slo.period }),
      requests: this.metric('Invocations', { statistic: 'Sum', period: slo.period }),
      // Async: the oldest request's age pages (pagingAlarms) but never rolls a deployment back.
      queueAgeSeconds: this.mode.kind === EndpointModeKind.ASYNC ? this.metricOldestRequestAge({ period: slo.period }) : undefined,
    });
    // The endpoint's DeploymentConfig names these alarms and the alarms watch the endpoint: one side
    // must be a literal to avoid a cycle. Alarms get deterministic names (as aws-cdk's ECS deployment
    // alarms do), so the endpoint keeps a CloudFormation-generated name.
    for (const alarm of rendered.rollbackAlarms) {
      // Unique per construct path, led by the stack name (Names uses the stack's name, not its id).
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmName = Names.uniqueResourceName(alarm, { maxLength: 255, separator: '-' });
    }
    return rendered;
  }

  private renderDeploymentConfig(props: ManagedEndpointProps): sagemaker.CfnEndpoint.DeploymentConfigProperty | undefined {
    const rollout = props.rollout;
    const rolling = props.rollingUpdate;
    if (!rollout && !rolling) { return undefined; }
    const autoRollback = rollout?.autoRollback ?? true;
    const alarmNames = autoRollback ? [
      ...this.sloAlarms.map(a => (a.node.defaultChild as cloudwatch.CfnAlarm).alarmName!),
      ...(rollout?.alarms ?? []).map(literalAlarmName),
    ] : [];
    if (autoRollback && alarmNames.length === 0) {
      throw invalid(this, 'rollout', rollout?.toString() ?? 'rollingUpdate', 'rolls back automatically but has no alarm to roll back on', 'Pass an slo (its latency/error alarms roll back), alarms in the Rollout, or autoRollback: false.');
    }
    if (alarmNames.length > 10) {
      throw invalid(this, 'rollout.alarms', alarmNames.length, 'exceeds the 10 alarms SageMaker watches during a deployment (SLO alarms count too)', 'Combine alarms into a CompositeAlarm, or pass fewer.');
    }
    const autoRollbackConfiguration = alarmNames.length > 0 ? { alarms: alarmNames.map(alarmName => ({ alarmName })) } : undefined;
    if (autoRollback) { this.grantDescribeAlarms(rollout?.alarms ?? []); }
    if (rolling) {
      return {
        autoRollbackConfiguration,
        rollingUpdatePolicy: {
          maximumBatchSize: { type: 'CAPACITY_PERCENT', value: rolling.maximumBatchPercent },
          waitIntervalInSeconds: rolling.waitInterval.toSeconds(),
          rollbackMaximumBatchSize: rolling.rollbackMaximumBatchPercent !== undefined ? { type: 'CAPACITY_PERCENT', value: rolling.rollbackMaximumBatchPercent } : undefined,
          maximumExecutionTimeoutInSeconds: rolling.maximumExecutionTimeout?.toSeconds(),
        },
      };
    }
    const r = rollout!;
    const wait = r.stepInterval?.toSeconds() ?? 0;
    const bake = r.finalBakeTime.toSeconds();
    const steps = r.strategy === RolloutStrategy.LINEAR ? r.linearSteps : r.strategy === RolloutStrategy.CANARY ? 1 : 0;
    // Waits plus an hour to provision the new fleet, within the API's 600 - 28,800 s
    // (BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds).
    const timeout = Math.max(MIN_EXECUTION_TIMEOUT, steps * wait + bake + 3600);
    if (!Token.isUnresolved(wait) && !Token.isUnresolved(bake) && timeout > MAX_EXECUTION_TIMEOUT) {
      throw invalid(this, 'rollout', r.toString(), `waits ${Duration.seconds(steps * wait + bake).toHumanString()} in total; with an hour to provision the new fleet that exceeds SageMaker's 8-hour deployment limit (MaximumExecutionTimeoutInSeconds <= 28800)`, 'Use fewer or shorter steps, or a shorter final bake.');
    }
    const routing: sagemaker.CfnEndpoint.TrafficRoutingConfigProperty = r.strategy === RolloutStrategy.CANARY
      ? { type: 'CANARY', waitIntervalInSeconds: wait, canarySize: { type: 'CAPACITY_PERCENT', value: r.percent } }
      : r.strategy === RolloutStrategy.LINEAR
        ? { type: 'LINEAR', waitIntervalInSeconds: wait, linearStepSize: { type: 'CAPACITY_PERCENT', value: r.percent } }
        // The API requires WaitIntervalInSeconds for every type (the CloudFormation schema does not say so).
        : { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 0 };
    return {
      autoRollbackConfiguration,
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: routing,
        terminationWaitInSeconds: bake,
        maximumExecutionTimeoutInSeconds: timeout,
      },
    };
  }

  /**
   * SageMaker reads the rollback alarms with the execution role during a deployment
   * (`cloudwatch:DescribeAlarms`; without it, the guardrails cannot see an alarm fire). Exactly those
   * alarms: ARNs built from their literal names (a reference to an alarm that watches this endpoint
   * would form a cycle through the role's policy and the model).
   */
  private grantDescribeAlarms(extra: cloudwatch.IAlarm[]): void {
    const stack = Stack.of(this);
    const arnOf = (name: string) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const arns = [
      ...this.sloAlarms.map(a => arnOf((a.node.defaultChild as cloudwatch.CfnAlarm).alarmName!)),
      ...extra.map(a => {
        const cfn = a.node.defaultChild;
        const name = cfn instanceof cloudwatch.CfnAlarm ? cfn.alarmName : undefined;
        // Alarms of this app with a literal name: ARN from the name; imported alarms: their ARN.
        return name !== undefined && !Token.isUnresolved(name) ? arnOf(name) : a.alarmArn;
      }),
    ];
    if (arns.length === 0) { return; }
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: arns }));
  }

  private renderAutoscaling(policy: AutoscalingPolicy | undefined, mode: EndpointMode): appscaling.ScalableTarget | undefined {
    if (!policy || (policy.isFixed && policy.schedules.length === 0)) { return undefined; }
    const serverless = mode.kind === EndpointModeKind.SERVERLESS;
    const target = new appscaling.ScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${this.endpointName}/variant/${this.variantName}`,
      scalableDimension: serverless ? 'sagemaker:variant:DesiredProvisionedConcurrency' : 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: policy.minCapacity,
      maxCapacity: policy.maxCapacity,
      // Application Auto Scaling's service-linked role for SageMaker (what CloudFormation uses when no
      // role is given); a new role without SageMaker permissions would leave every scaling action failing.
      role: iam.Role.fromRoleArn(this, 'AutoScalingRole', Stack.of(this).formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
      }), { mutable: false }),
    });
    const cooldowns = { scaleInCooldown: policy.scaleInCooldown, scaleOutCooldown: policy.scaleOutCooldown };
    const info = this.instanceInfo;
    for (const t of policy.triggers) {
      const value = policy.effectiveTarget(t);
      switch (t.kind) {
        case TriggerKind.REQUESTS_PER_INSTANCE:
          // SageMakerVariantInvocationsPerInstance counts invocations per MINUTE per instance.
          target.scaleToTrackMetric('RequestsPerInstance', {
            predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
            targetValue: Math.round(value * 60 * 1000) / 1000,
            ...cooldowns,
          });
          break;
        case TriggerKind.IN_FLIGHT_PER_INSTANCE:
          target.scaleToTrackMetric(serverless ? 'ProvisionedConcurrencyUtilization' : 'InFlightPerInstance', {
            predefinedMetric: serverless
              ? appscaling.PredefinedMetric.SAGEMAKER_VARIANT_PROVISIONED_CONCURRENCY_UTILIZATION
              : appscaling.PredefinedMetric.SAGEMAKER_VARIANT_CONCURRENT_REQUESTS_PER_MODEL_HIGH_RESOLUTION,
            targetValue: value,
            ...cooldowns,
          });
          break;
        case TriggerKind.CPU_UTILIZATION:
          // CPUUtilization sums every core of an instance (0-100 × vCPUs).
          target.scaleToTrackMetric('CpuUtilization', {
            customMetric: this.instanceMetric('CPUUtilization'),
            targetValue: value * (mode.instance?.vcpuCount ?? info!.vcpus!),
            ...cooldowns,
          });
          break;
        case TriggerKind.GPU_UTILIZATION:
          // GPUUtilization sums every GPU of an instance (0-100 × GPUs).
          target.scaleToTrackMetric('GpuUtilization', {
            customMetric: this.instanceMetric('GPUUtilization'),
            targetValue: value * (mode.instance?.gpuCount ?? info!.gpus!),
            ...cooldowns,
          });
          break;
        case TriggerKind.QUEUE_BACKLOG_PER_INSTANCE:
          target.scaleToTrackMetric('BacklogPerInstance', {
            customMetric: this.metricBacklogPerInstance({ period: Duration.minutes(1) }),
            targetValue: value,
            ...cooldowns,
          });
          break;
        case TriggerKind.TIME_IN_QUEUE:
          this.renderTimeInQueue(target, t, value);
          break;
      }
    }
    if (policy.scaleToZero) {
      // Target tracking cannot leave zero (no instance, no per-instance backlog): add one instance as
      // soon as requests wait without capacity.
      const action = new appscaling.StepScalingAction(this, 'ScaleOutFromZero', {
        scalingTarget: target,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: policy.scaleOutCooldown,
      });
      action.addAdjustment({ adjustment: 1, lowerBound: 0 });
      const alarm = new cloudwatch.Alarm(this, 'HasBacklogWithoutCapacity', {
        metric: this.metricHasBacklogWithoutCapacity({ period: Duration.minutes(1) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.node.path}: requests wait while no instance runs; scales out from zero.`,
      });
      alarm.addAlarmAction(new cwActions.ApplicationScalingAction(action));
    }
    addScheduledActions(target, policy);
    return target;
  }

  private renderTimeInQueue(target: appscaling.ScalableTarget, trigger: ScalingTrigger, seconds: number): void {
    // Age of the oldest request: add capacity in steps as requests wait longer (scale-in is left to
    // the backlog trigger, which validation requires alongside).
    const action = new appscaling.StepScalingAction(this, 'TimeInQueueScaling', {
      scalingTarget: target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: this.policy!.scaleOutCooldown,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    action.addAdjustment({ adjustment: 1, lowerBound: 0, upperBound: seconds });
    action.addAdjustment({ adjustment: 2, lowerBound: seconds, upperBound: 3 * seconds });
    action.addAdjustment({ adjustment: 4, lowerBound: 3 * seconds });
    const alarm = new cloudwatch.Alarm(this, 'TimeInQueueAlarm', {
      metric: this.metricOldestRequestAge({ period: Duration.minutes(1) }),
      threshold: seconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${this.node.path}: oldest request older than ${trigger.toString()}; adds instances.`,
    });
    alarm.addAlarmAction(new cwActions.ApplicationScalingAction(action));
  }

  private describeCapacity(policy: AutoscalingPolicy | undefined): LaneCapacity {
    const mode = this.mode;
    if (mode.serverlessOptions) {
      const sv = mode.serverlessOptions;
      const mib = sv.memorySize.toMebibytes();
      const pc = sv.provisionedConcurrency ?? policy?.minCapacity ?? 0;
      return {
        minInstances: pc,
        maxInstances: policy?.maxCapacity ?? sv.maxConcurrency,
        instanceType: `serverless-${mib}MB`,
        hardware: HardwareTarget.CPU_X86_64,
        priceClass: pc > 0 ? 'per-request+provisioned-concurrency' : 'per-request',
        description: `serverless ${mib} MB, up to ${sv.maxConcurrency} concurrent${pc > 0 ? `, ${policy ? `${policy.minCapacity}-${policy.maxCapacity}` : pc} provisioned` : ''}`,
      };
    }
    const min = policy?.minCapacity ?? 1;
    const max = policy?.maxCapacity ?? 1;
    const type = mode.instance!.instanceType;
    return {
      minInstances: min,
      maxInstances: max,
      instanceType: type,
      hardware: this.binding.target,
      priceClass: 'per-instance-hour',
      description: `${min === max ? `${min}` : `${min}-${max}`} × ${type}, ${mode.kind}`,
    };
  }

  private instanceMetric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: '/aws/sagemaker/Endpoints',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName },
      statistic: 'Average',
      period: Duration.minutes(1),
    });
  }

  private endpointMetric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap: { EndpointName: this.endpointName }, ...props });
  }
}
