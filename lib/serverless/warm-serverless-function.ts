import { Annotations, ArnFormat, Duration, Resource, Size, Stack, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as signer from 'aws-cdk-lib/aws-signer';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { scheduleBounds, tagLane } from '../core/app-autoscaling';
import { AutoscalingPolicy, TriggerKind } from '../core/autoscaling';
import { invalid, isConcreteNumber } from '../core/errors';
import { checkFinite, checkWholeNumber } from '../core/private/validation';
import { HardwareTarget, LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity, uniqueMetricId } from '../core/inference-lane';
import { ModelArtifact, ModelArtifactBinding } from '../core/model-artifact';
import { Rollout, RolloutStrategy } from '../core/rollout';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { ProvisionedConcurrencyStatistic } from './provisioned-concurrency-statistic';
import { deploymentConfigFor } from './private/deployment-config';
import { minRequestsFor, spilloverAlarm, throttleAlarm } from './private/alarms';
import { checkImageTag, checkRegion, imageCodeFor, imageRegionOf, isImageCode, tagOrDigestOf } from './private/function-code';
import { checkLogRetention, checkMebibytes, checkSchedules, checkSeconds, checkStatistic, reservedConcurrency } from './private/checks';
import { addWarmPool } from './private/warm-pool';
import { withLaneDefaults } from '../core/lane-defaults';

/** Lane name used in validation messages and alarm descriptions. */
const LANE = 'WarmServerlessFunction (Lambda provisioned concurrency)';

/** Environment variables the lane sets from the artifact; users may not set them. */
const LANE_ENV_KEYS = ['MODEL_NAME', 'MODEL_VERSION', 'MODEL_FRAMEWORK', 'MODEL_PRECISION', 'MODEL_TARGET', 'MODEL_S3_URI', 'MODEL_S3_BUCKET', 'MODEL_S3_KEY', 'MODEL_S3_IS_PREFIX', 'MODEL_COMPRESSED', 'MODEL_DIGEST', 'MODEL_CARD', 'MODEL_LOCAL_DIR'];

/** Lambda's limit on the total size of a function's environment variables. */
const ENV_LIMIT_BYTES = 4096;

/** CodeDeploy accepts at most 10 alarms per deployment group. */
const CODEDEPLOY_MAX_ALARMS = 10;


/** Throttle alarm threshold (percent) when the SLO has no error-rate target. */
const DEFAULT_MAX_THROTTLE_PERCENT = 1;

/** Memory per vCPU Lambda allocates (1 vCPU at 1,769 MB, up to 6 vCPUs). */
const MB_PER_VCPU = 1769;

/**
 * A warm serverless inference lane: an alias over a Lambda function, whether created here or adopted.
 */
export interface IWarmServerlessFunction extends IInferenceLane {
  /**
   * Name of the Lambda function.
   * @attribute
   */
  readonly functionName: string;

  /**
   * Name of the alias that is the invocation target.
   * @attribute
   */
  readonly aliasName: string;

  /**
   * ARN of the alias (the qualified function ARN callers invoke).
   * @attribute
   */
  readonly aliasArn: string;

  /**
   * Invocations the warm pool could not take: served by on-demand (cold-startable) environments
   * (`AWS/Lambda` `ProvisionedConcurrencySpilloverInvocations`, Sum).
   */
  metricSpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Share of the warm pool busy (`AWS/Lambda` `ProvisionedConcurrencyUtilization`, 0-1, Maximum).
   */
  metricProvisionedConcurrencyUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Requests Lambda refused for lack of concurrency (`AWS/Lambda` `Throttles`, Sum).
   */
  metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * Props of {@link WarmServerlessFunction}.
 */
export interface WarmServerlessFunctionProps {
  /**
   * The model. The lane binds the build for its architecture (`CPU_ARM64` or `CPU_X86_64`),
   * passes its location and identity to the function as environment variables (`MODEL_S3_URI`,
   * `MODEL_VERSION`, `MODEL_DIGEST`, ...) and grants the function's role read on exactly that object.
   *
   * @default - the artifact of the enclosing HybridTopology (an error if there is none)
   */
  readonly artifact?: ModelArtifact;

  /**
   * The warm pool: provisioned concurrency on the alias, from minCapacity to maxCapacity
   * environments. Supported: `ScalingTrigger.inFlightPerInstance(u)` where `u` (0.1-0.9 after the
   * warm buffer) is the target share of busy environments (one Lambda environment serves one request
   * at a time, so in-flight per environment IS the provisioned-concurrency utilization), schedules
   * (pre-warm before known surges), cooldowns and `warmBufferPercent`. Rejected: other triggers,
   * scale-to-zero, step caps.
   *
   * @default - the policy of the enclosing HybridTopology (an error if there is none)
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * The function's code. A zip package (`lambda.Code.fromAsset`, `fromBucket`) fetches the model
   * from `MODEL_S3_URI` at init; a container image (`lambda.Code.fromEcrImage`) brings its own.
   *
   * @default - a container function from the artifact's serving image, which must be in an Amazon ECR
   * private repository in the function's Region (`ServingImage.fromEcrRepository`, or a
   * `ServingImage.fromRegistry` URI of the form `<account>.dkr.ecr.<region>.amazonaws.com/...`)
   */
  readonly code?: lambda.Code;

  /**
   * The handler of a zip package, e.g. `index.handler`. Required with zip code, rejected with images.
   *
   * @default - none (container images use their CMD)
   */
  readonly handler?: string;

  /**
   * The runtime of a zip package. Required with zip code, rejected with images.
   *
   * @default - none (container images bring their runtime)
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Instruction set. Picks the artifact build (`CPU_ARM64` for ARM_64, `CPU_X86_64` for X86_64).
   *
   * @default - ARM_64 when the artifact has a CPU_ARM64 build, else X86_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Memory (128 MiB - 10,240 MiB). Lambda allocates CPU in proportion: one vCPU per 1,769 MB.
   *
   * @default Size.mebibytes(2048)
   */
  readonly memorySize?: Size;

  /**
   * Longest one inference may run (1 s - 15 min).
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * `/tmp` size for unpacked weights (512 MiB - 10,240 MiB).
   *
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageSize?: Size;

  /**
   * Extra environment variables. `OMP_NUM_THREADS` defaults to the vCPUs Lambda allocates for
   * `memorySize` (rounded, 1-6) unless set here; the `MODEL_*` variables belong to the lane.
   *
   * @default - only the lane's variables
   */
  readonly environment?: { [key: string]: string };

  /**
   * Name of the alias every caller invokes. Changing it replaces the alias (and its warm pool).
   *
   * @default 'live'
   */
  readonly aliasName?: string;

  /**
   * Statistic the warm pool's target tracking reads `ProvisionedConcurrencyUtilization` with.
   * See {@link ProvisionedConcurrencyStatistic} for the trade-off (aws-cdk #23088).
   *
   * @default ProvisionedConcurrencyStatistic.MAXIMUM
   */
  readonly utilizationStatistic?: ProvisionedConcurrencyStatistic;

  /**
   * Reserved concurrency: the most environments the function may ever run, so a burst cannot
   * starve the rest of the account. Must be at least the largest warm pool (policy or schedule
   * maxCapacity): provisioned concurrency cannot exceed it.
   *
   * @default - twice the largest warm pool, leaving room for as many on-demand environments as warm ones
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * The service level objective. Renders the alarms rollouts roll back on: latency percentile of
   * `Duration`, error rate, and a throttle-rate alarm (throttled requests are failed requests to callers).
   *
   * @default - no SLO alarms
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * How a new version takes over the alias: CodeDeploy canary, linear or all-at-once traffic
   * shifting, rolled back automatically on the SLO alarms and `rollout.alarms`.
   * `Rollout.finalBakeTime` cannot be rendered (CodeDeploy Lambda deployments end with the last
   * shift): setting it is an error.
   *
   * @default - no CodeDeploy: a new version takes the alias at once, without alarm rollback
   */
  readonly rollout?: Rollout;

  /**
   * Function CodeDeploy runs before shifting traffic (must report with
   * `codedeploy:PutLifecycleEventHookExecutionStatus`, which the lane grants). Needs `rollout`.
   *
   * @default - no pre-traffic hook
   */
  readonly preTrafficHook?: lambda.IFunction;

  /**
   * Function CodeDeploy runs after shifting traffic. Needs `rollout`.
   *
   * @default - no post-traffic hook
   */
  readonly postTrafficHook?: lambda.IFunction;

  /**
   * Require signed code: an AWS Signer profile and a code signing config in ENFORCE mode, so Lambda
   * rejects a zip package not signed by the profile. Only zip packages can be signed this way.
   * With ENFORCE, the code must be a Signer job's output (`lambda.Code.fromBucket(signedBucket, key)`):
   * an unsigned `Code.fromAsset` fails to deploy.
   *
   * @default - false, or true when `signingProfile` is given
   */
  readonly codeSigning?: boolean;

  /**
   * The Signer profile trusted to sign the code.
   *
   * @default - a new `AWS_LAMBDA_SHA384_ECDSA` profile when codeSigning is true
   */
  readonly signingProfile?: signer.ISigningProfile;

  /**
   * Add a function URL on the alias with `AWS_IAM` auth (callers sign requests with SigV4;
   * `grantInvoke` grants `lambda:InvokeFunctionUrl` too).
   *
   * @default false
   */
  readonly functionUrl?: boolean;

  /**
   * KMS key for the environment variables, the log group and the on-failure queue.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where failed asynchronous invocations go (an on-failure destination on the alias).
   *
   * @default - a new KMS-encrypted, TLS-only queue keeping messages 14 days
   */
  readonly onFailureQueue?: sqs.IQueue;

  /**
   * Retries of a failed asynchronous invocation (0-2).
   *
   * @default 2
   */
  readonly retryAttempts?: number;

  /**
   * Oldest an asynchronous event may get before it goes to the on-failure queue (1 min - 6 h).
   *
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;

  /**
   * How long the function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The spillover alarm fires when more than this share of invocations (percent) misses the warm
   * pool in 3 of 5 minutes. With a p95 latency objective, more than 5% cold requests put cold starts
   * into p95, hence the default.
   *
   * @default - 100 minus the SLO's latency percentile (5 for p95), or 5 without a latency objective
   */
  readonly maxSpilloverPercent?: number;

  /**
   * Also roll back on the throttle alarm (`SloThrottles`). Off by default: throttles measure the
   * reserved-concurrency cap, which a healthy burst reaches as well as a slow version, and the alarm
   * watches the alias (both versions) while CodeDeploy shifts; a slow version already trips the
   * latency alarm. The throttle alarm pages either way. Needs `slo` and `rollout`.
   *
   * @default false
   */
  readonly rollbackOnThrottles?: boolean;
}

/**
 * Attributes to adopt an existing alias as a lane with {@link WarmServerlessFunction.fromFunctionAttributes}.
 */
export interface WarmServerlessFunctionAttributes {
  /** Name of the Lambda function. */
  readonly functionName: string;

  /** Name of the alias callers invoke. */
  readonly aliasName: string;

  /** Name of the model the function serves. */
  readonly artifactName: string;

  /** Version of the model the function serves. */
  readonly artifactVersion: string;

  /** What the function runs on, for cost math (e.g. `lambda-2048MB-arm64`, min/max warm environments). */
  readonly capacity: LaneCapacity;

  /**
   * Alarms that watch the function's SLO.
   *
   * @default - none
   */
  readonly sloAlarms?: cloudwatch.IAlarm[];
}

abstract class WarmServerlessFunctionBase extends Resource implements IWarmServerlessFunction {
  public readonly laneKind: LaneKind = LaneKind.SERVERLESS;
  public abstract readonly functionName: string;
  public abstract readonly aliasName: string;
  public abstract readonly aliasArn: string;
  public abstract readonly artifactName: string;
  public abstract readonly artifactVersion: string;
  public abstract readonly capacity: LaneCapacity;
  public abstract readonly sloAlarms: cloudwatch.IAlarm[];
  public abstract readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];
  public abstract readonly sloBurnRateAlarms: cloudwatch.IAlarm[];

  /**
   * How full the warm pool is, per minute: `ProvisionedConcurrencyUtilization` (0-1, Maximum),
   * `ProvisionedConcurrencySpilloverInvocations` (requests served by on-demand environments, which
   * may be cold starts) and `Throttles` (requests refused at the reserved-concurrency cap).
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    return [
      this.metricProvisionedConcurrencyUtilization({ label: 'Warm pool utilization (0-1)' }),
      this.metricSpilloverInvocations({ label: 'Invocations beyond the warm pool' }),
      this.metricThrottles({ label: 'Throttled requests' }),
    ];
  }

  /**
   * Warm environments (provisioned concurrency) in service. Lambda publishes no metric of the
   * allocated pool, so it is derived: `ProvisionedConcurrentExecutions ÷ ProvisionedConcurrencyUtilization`
   * (both Maximum). It exists only while the pool serves requests.
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    const busy = uniqueMetricId(this, 'busy');
    const util = uniqueMetricId(this, 'util');
    return new cloudwatch.MathExpression({
      expression: `${busy} / ${util}`,
      usingMetrics: {
        [busy]: this.aliasMetric('ProvisionedConcurrentExecutions', { statistic: 'Maximum' }),
        [util]: this.metricProvisionedConcurrencyUtilization(),
      },
      period: props?.period ?? Duration.minutes(1),
      label: props?.label ?? 'Warm environments (ProvisionedConcurrentExecutions ÷ ProvisionedConcurrencyUtilization, while busy)',
    });
  }

  /**
   * Latency of one invocation through the alias (`Duration`, milliseconds, p95 unless overridden).
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.aliasMetric('Duration', { statistic: 'p95', ...props });
  }

  /** Failed invocations through the alias (`Errors`, Sum). */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.aliasMetric('Errors', { statistic: 'Sum', ...props });
  }

  /** Invocations through the alias (`Invocations`, Sum; throttled requests are not counted). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.aliasMetric('Invocations', { statistic: 'Sum', ...props });
  }

  /** Throttled requests (`Throttles`, Sum). */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aliasMetric('Throttles', { statistic: 'Sum', ...props });
  }

  /** Invocations the warm pool could not take (`ProvisionedConcurrencySpilloverInvocations`, Sum). */
  public metricSpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aliasMetric('ProvisionedConcurrencySpilloverInvocations', { statistic: 'Sum', ...props });
  }

  /** Busy share of the warm pool (`ProvisionedConcurrencyUtilization`, Maximum). */
  public metricProvisionedConcurrencyUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aliasMetric('ProvisionedConcurrencyUtilization', { statistic: 'Maximum', ...props });
  }

  /** Let `grantee` invoke the alias (`lambda:InvokeFunction` on the alias ARN). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.aliasArn] });
  }

  /** A metric of the alias: `AWS/Lambda` with dimensions `FunctionName` and `Resource` (`function:alias`). */
  protected aliasMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: this.functionName, Resource: `${this.functionName}:${this.aliasName}` },
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/**
 * Serverless inference with a warm pool: a Lambda function (zip package or ECR container image)
 * behind an alias with provisioned concurrency that tracks utilization, schedules that pre-warm
 * before known surges, a reserved-concurrency cap, CodeDeploy canary/linear shifting that rolls back
 * on the SLO's alarms, code signing for zip packages, a spillover alarm for cold starts beyond the
 * warm pool, and an on-failure queue for asynchronous invocations.
 *
 * The alias is always the invocation target. Its provisioned concurrency has one owner, Application
 * Auto Scaling: the alias carries no `ProvisionedConcurrencyConfig`, so a deployment never resets the
 * autoscaled pool nor tries to change provisioned concurrency while CodeDeploy holds the alias weighted.
 *
 * Construct IDs: `Resource` (the function), `Alias`, `Role`, `Key`, `LogGroup`, `OnFailureQueue`,
 * `DeploymentGroup`, `SloLatency`/`SloErrorRate`/`SloThrottles`, `SpilloverAlarm`; with the SLO's Application
 * Signals rendering also `SloLatencyObjective`/`SloErrorRateObjective` and their `…FastBurn`/`…SlowBurn` alarms.
 *
 * @example
 * const pool = new WarmServerlessFunction(this, 'Burst', {
 *   artifact,
 *   code: lambda.Code.fromAsset('handler'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X,
 *   autoscaling: new AutoscalingPolicy({ minCapacity: 5, maxCapacity: 50, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
 *   slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
 *   rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
 * });
 */
export class WarmServerlessFunction extends WarmServerlessFunctionBase {
  /**
   * Adopt an existing function alias as a lane (metrics, grants and capacity for a topology).
   */
  public static fromFunctionAttributes(scope: Construct, id: string, attrs: WarmServerlessFunctionAttributes): IWarmServerlessFunction {
    class Import extends WarmServerlessFunctionBase {
      public readonly functionName = attrs.functionName;
      public readonly aliasName = attrs.aliasName;
      public readonly aliasArn = Stack.of(scope).formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: `${attrs.functionName}:${attrs.aliasName}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      public readonly artifactName = attrs.artifactName;
      public readonly artifactVersion = attrs.artifactVersion;
      public readonly capacity = attrs.capacity;
      public readonly sloAlarms = [...(attrs.sloAlarms ?? [])];
      public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
      public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
    }
    return new Import(scope, id);
  }

  /** Name of the Lambda function. */
  public readonly functionName: string;
  /** Name of the alias callers invoke. */
  public readonly aliasName: string;
  /** ARN of the alias callers invoke. */
  public readonly aliasArn: string;
  /** Name of the bound model. */
  public readonly artifactName: string;
  /** Version of the bound model. */
  public readonly artifactVersion: string;
  /** Warm environments (min-max), size and architecture, for cost math. */
  public readonly capacity: LaneCapacity;
  /** SLO alarms: latency, error rate, throttles (empty without `slo`). CodeDeploy rolls back on them. */
  public readonly sloAlarms: cloudwatch.IAlarm[];
  /** The SLO as Application Signals SLOs (construct IDs `SloLatencyObjective`, `SloErrorRateObjective`). */
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];
  /** Burn-rate alarms of those SLOs: they page, CodeDeploy does not roll back on them. */
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[];

  /** The Lambda function (invoke the alias, not the function). */
  public readonly lambdaFunction: lambda.IFunction;
  /** The version the alias points at after this deployment. */
  public readonly version: lambda.IVersion;
  /** The alias: the invocation target and the owner of the warm pool. */
  public readonly alias: lambda.IAlias;
  /** The function's execution role. */
  public readonly role: iam.IRole;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The KMS key of the environment, logs and on-failure queue. */
  public readonly encryptionKey: kms.IKey;
  /** Where failed asynchronous invocations go. */
  public readonly onFailureQueue: sqs.IQueue;
  /** True when the function runs a container image. */
  public readonly isContainerImage: boolean;
  /** Alarm on invocations that missed the warm pool (cold starts). Not a rollback alarm (see README). */
  public readonly spilloverAlarm: cloudwatch.IAlarm;
  /**
   * Throttled share of requests (`SloThrottles`), when an SLO is set: pages, and is a rollback alarm
   * only with `rollbackOnThrottles`.
   */
  public readonly throttleAlarm?: cloudwatch.IAlarm;
  /** Every alarm CodeDeploy rolls back on (SLO latency and error-rate alarms plus `rollout.alarms`); empty without a rollout. */
  public readonly rollbackAlarms: cloudwatch.IAlarm[];
  /** The CodeDeploy deployment group, when a rollout is set. */
  public readonly deploymentGroup?: codedeploy.ILambdaDeploymentGroup;
  /** The code signing config, when code signing is on. */
  public readonly codeSigningConfig?: lambda.ICodeSigningConfig;
  /** The Signer profile trusted by the code signing config, when code signing is on. */
  public readonly signingProfile?: signer.ISigningProfile;
  /** URL of the function URL (AWS_IAM auth), when enabled. */
  public readonly functionUrl?: string;
  /** Environment variables the lane set from the artifact and memory size. */
  public readonly laneEnvironment: { [key: string]: string };

  private readonly url?: lambda.FunctionUrl;
  private readonly coldStartMetricName: string;

  constructor(scope: Construct, id: string, props: WarmServerlessFunctionProps) {
    super(scope, id);
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    props = withLaneDefaults(this, props, 'WarmServerlessFunction', ['artifact', 'autoscaling', 'slo', 'rollout'], ['artifact', 'autoscaling']);
    const policy = props.autoscaling!;

    // --- scaling support: what a provisioned-concurrency warm pool can render -------------------
    if (policy.scaleToZero) {
      throw invalid(this, 'autoscaling.scaleToZero', true, 'is not possible on a warm pool: provisioned concurrency has a floor of 1 environment, and scheduling it to 0 breaks later deployments (aws-cdk #29992)',
        'Use minCapacity >= 1. For pay-per-request with no warm pool, a plain lambda.Function fits better than this lane.');
    }
    policy.validateFor(this, { lane: LANE, triggers: [TriggerKind.IN_FLIGHT_PER_INSTANCE], scaleToZero: false, schedules: true, stepLimits: false, maxTriggers: 1 });
    checkSchedules(this, policy);
    const trigger = policy.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE);
    let utilizationTarget: number | undefined;
    if (trigger) {
      if (isConcreteNumber(trigger.target) && trigger.target > 1) {
        throw invalid(this, 'autoscaling.triggers', trigger.toString(), 'asks for more than one request in flight per environment, but a Lambda environment serves one request at a time',
          'Pass the target share of busy warm environments, 0.1-0.9 (e.g. ScalingTrigger.inFlightPerInstance(0.7) keeps 30% of the pool idle for bursts).');
      }
      utilizationTarget = policy.effectiveTarget(trigger);
      if (isConcreteNumber(utilizationTarget) && (utilizationTarget < 0.1 || utilizationTarget > 0.9)) {
        throw invalid(this, 'autoscaling.triggers', `${trigger.toString()} with warmBufferPercent ${policy.warmBufferPercent}`, `gives a provisioned-concurrency utilization target of ${utilizationTarget}, outside 0.1-0.9`,
          'Pick a trigger target and warm buffer whose product lands in 0.1-0.9 (the range Application Auto Scaling tracks well for Lambda).');
      }
    }
    // The largest warm pool: unknown (undefined) when any bound is a token, never a number made up from one.
    const peaks = [policy.maxCapacity, ...policy.schedules.map(s => scheduleBounds(policy, s).startMax)];
    const peakWarm = peaks.every(isConcreteNumber) ? Math.max(...peaks) : undefined;

    // --- sizes ---------------------------------------------------------------------------------
    const memoryMiB = checkMebibytes(this, 'memorySize', props.memorySize ?? Size.mebibytes(2048), 128, 10240);
    const timeout = props.timeout ?? Duration.seconds(30);
    checkSeconds(this, 'timeout', timeout, Duration.seconds(1), Duration.minutes(15), 'Pass a whole number of seconds from 1 second to 15 minutes, e.g. Duration.seconds(30); Lambda stops an invocation at 15 minutes.');
    const ephemeral = Size.mebibytes(checkMebibytes(this, 'ephemeralStorageSize', props.ephemeralStorageSize ?? Size.mebibytes(512), 512, 10240));
    const aliasName = props.aliasName ?? 'live';
    if (!Token.isUnresolved(aliasName) && (!/^[a-zA-Z0-9_-]{1,128}$/.test(aliasName) || /^[0-9]+$/.test(aliasName))) {
      throw invalid(this, 'aliasName', aliasName, 'is not a Lambda alias name (letters, digits, - and _, at most 128, not all digits)', "Use e.g. 'live'.");
    }
    checkWholeNumber(this, 'retryAttempts', props.retryAttempts, 0, 2, 'Pass 0, 1 or 2.');
    checkSeconds(this, 'maxEventAge', props.maxEventAge, Duration.minutes(1), Duration.hours(6));
    // Application Auto Scaling takes cooldowns in whole seconds (aws-cdk-lib would crash on a fraction, naming no prop).
    checkSeconds(this, 'autoscaling.scaleOutCooldown', policy.scaleOutCooldown, Duration.seconds(0), undefined);
    checkSeconds(this, 'autoscaling.scaleInCooldown', policy.scaleInCooldown, Duration.seconds(0), undefined);
    const utilizationStatistic = checkStatistic(this, props.utilizationStatistic);
    const logRetention = checkLogRetention(this, props.logRetention);
    const rollbackOnThrottles = props.rollbackOnThrottles ?? false;
    if (rollbackOnThrottles && (!props.slo || !props.rollout)) {
      throw invalid(this, 'rollbackOnThrottles', true, 'needs both slo (which renders the throttle alarm) and rollout (which rolls back on it)', 'Pass slo and rollout, or drop rollbackOnThrottles.');
    }

    // --- reserved concurrency: the cap that keeps a burst from starving the account --------------
    const reserved = reservedConcurrency(this, props.reservedConcurrentExecutions, peakWarm);

    // --- architecture and artifact --------------------------------------------------------------
    const architecture = props.architecture ?? (props.artifact!.supports(HardwareTarget.CPU_ARM64) ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64);
    const target = architecture.name === lambda.Architecture.ARM_64.name ? HardwareTarget.CPU_ARM64 : HardwareTarget.CPU_X86_64;
    const artifact = props.artifact!;
    artifact.variantFor(target, this.node.path); // fails early, naming the missing build

    // --- code: zip package, user image, or the artifact's ECR serving image ----------------------
    const userImage = props.code !== undefined && isImageCode(props.code);
    this.isContainerImage = props.code === undefined || userImage;
    if (this.isContainerImage) {
      if (props.handler !== undefined) {
        throw invalid(this, 'handler', props.handler, 'cannot be set for a container image function', 'Set the handler as the image CMD, or pass zip code.');
      }
      if (props.runtime !== undefined) {
        throw invalid(this, 'runtime', props.runtime.name, 'cannot be set for a container image function', 'Drop runtime; the image brings its own.');
      }
    } else {
      if (props.handler === undefined) {
        throw invalid(this, 'handler', undefined, 'is required for a zip package', "Pass e.g. handler: 'index.handler'.");
      }
      if (props.runtime === undefined) {
        throw invalid(this, 'runtime', undefined, 'is required for a zip package', 'Pass e.g. runtime: lambda.Runtime.NODEJS_24_X.');
      }
    }
    const wantsSigning = props.codeSigning ?? props.signingProfile !== undefined;
    if (props.codeSigning === false && props.signingProfile !== undefined) {
      throw invalid(this, 'codeSigning', false, 'conflicts with signingProfile', 'Drop signingProfile, or set codeSigning: true.');
    }
    if (wantsSigning && this.isContainerImage) {
      throw invalid(this, 'codeSigning', true, 'cannot apply to a container image: Lambda code signing (AWS Signer + code signing config) covers zip packages only',
        'Drop codeSigning for images; verify images with ECR image signing (Notation/Signer) and an admission policy instead, or deploy a signed zip package.');
    }
    if (wantsSigning && props.code instanceof lambda.AssetCode) {
      // ENFORCE rejects any zip a Signer job did not produce; the CDK uploads the asset zip unsigned.
      throw invalid(this, 'code', 'lambda.Code.fromAsset(...)', 'is uploaded unsigned by the CDK, and the ENFORCE code signing config makes Lambda reject it: the deploy would fail',
        'Sign the zip in your pipeline (aws signer start-signing-job) and pass the signed object with lambda.Code.fromBucket(signedBucket, signedKey), or drop codeSigning/signingProfile.');
    }

    // --- rollout checks -------------------------------------------------------------------------
    if (!props.rollout && (props.preTrafficHook || props.postTrafficHook)) {
      throw invalid(this, props.preTrafficHook ? 'preTrafficHook' : 'postTrafficHook', props.preTrafficHook?.node.path ?? props.postTrafficHook?.node.path, 'needs a rollout: hooks run inside a CodeDeploy deployment',
        'Pass rollout: Rollout.canary({...}) (or Rollout.allAtOnce()), or drop the hook.');
    }
    if (props.rollout) {
      checkFinalBake(this, props.rollout);
    }
    checkFinite(this, 'maxSpilloverPercent', props.maxSpilloverPercent, { min: 0, max: 100, fix: 'Pass a percent from 0 to 100.' });

    // --- encryption, role, logs, on-failure queue -----------------------------------------------
    const stack = Stack.of(this);
    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: `Environment, logs and failed events of the ${artifact.name} warm serverless lane (${this.node.path})`,
    });
    {
      // CloudWatch Logs encrypts the log group with the key; scoped to this account's log groups.
      // Added to a key this stack owns (the lane's, or a kms.Key of the same app); an imported key's
      // policy is not ours to change, and without this statement the log group fails to create.
      const logsStatement = this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
      }));
      if (!logsStatement.statementAdded) {
        Annotations.of(this).addWarningV2('cdk-inference-lanes:serverless:imported-key',
          `encryptionKey (${this.encryptionKey.keyArn}) is imported, so the lane cannot add the key-policy statement CloudWatch Logs needs to encrypt the log group: make sure its key policy allows logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* (condition kms:EncryptionContext:aws:logs:arn), or the log group fails to create.`);
      }
    }
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}: reads ${artifact.name}@${artifact.version}, writes its own logs`,
    });
    this.role = role;
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: this.encryptionKey,
    });
    this.logGroup = logGroup;
    logGroup.grantWrite(role);
    this.encryptionKey.grantDecrypt(role);
    // Core's bind grants the role read on exactly the weights (object or prefix, plus the bucket's KMS
    // key). No image pull for the role: Lambda pulls container images with the deployer's permissions
    // (and aws-cdk-lib's EcrImageCode grants lambda.amazonaws.com on repositories this app owns).
    // Zip code binds no image, so an artifact image asset is not built for nothing.
    const binding = artifact.bind(this, { target, consumer: this.node.path, grantee: role, grantImagePull: false, includeImage: props.code === undefined });
    if (binding.modelPackageArn !== undefined || binding.modelDataUrl === undefined) {
      throw invalid(this, 'artifact', `${binding.name}@${binding.version}`, 'is a SageMaker model package, which Lambda cannot load',
        'Use ModelArtifact.fromAsset or ModelArtifact.fromBucket so the function can fetch the weights from S3.');
    }
    this.onFailureQueue = props.onFailureQueue ?? new sqs.Queue(this, 'OnFailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // --- environment ----------------------------------------------------------------------------
    const userEnv = props.environment ?? {};
    for (const key of Object.keys(userEnv)) {
      if (LANE_ENV_KEYS.includes(key)) {
        throw invalid(this, `environment.${key}`, userEnv[key], 'is set by the lane from the artifact', `Drop ${key}; the lane sets ${LANE_ENV_KEYS.join(', ')}.`);
      }
    }
    const laneEnv = laneEnvironment(binding, memoryMiB);
    this.laneEnvironment = laneEnv;
    const environment: { [key: string]: string } = { ...laneEnv, ...userEnv };
    checkEnvironmentSize(this, environment);

    // --- code signing ---------------------------------------------------------------------------
    if (wantsSigning) {
      this.signingProfile = props.signingProfile ?? new signer.SigningProfile(this, 'SigningProfile', { platform: signer.Platform.AWS_LAMBDA_SHA384_ECDSA });
      this.codeSigningConfig = new lambda.CodeSigningConfig(this, 'CodeSigningConfig', {
        signingProfiles: [this.signingProfile],
        untrustedArtifactOnDeployment: lambda.UntrustedArtifactOnDeployment.ENFORCE,
        description: `Only code signed by the trusted profile may deploy to ${this.node.path}`,
      });
    }

    // --- the function ---------------------------------------------------------------------------
    const common = {
      role,
      architecture,
      memorySize: memoryMiB,
      timeout,
      ephemeralStorageSize: ephemeral,
      environment,
      environmentEncryption: this.encryptionKey,
      reservedConcurrentExecutions: reserved,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      description: truncate(`${binding.name}@${binding.version} (${binding.target}, ${binding.precision}) warm serverless inference`, 256),
      codeSigningConfig: this.codeSigningConfig,
    };
    let fn: lambda.Function;
    if (props.code === undefined) {
      fn = new lambda.DockerImageFunction(this, 'Resource', { ...common, code: imageCodeFor(this, binding) });
    } else if (userImage) {
      fn = new lambda.Function(this, 'Resource', { ...common, code: props.code, handler: lambda.Handler.FROM_IMAGE, runtime: lambda.Runtime.FROM_IMAGE });
      const image = imageRegionOf(fn);
      if (image) {
        checkImageTag(this, 'code', tagOrDigestOf(image.uri));
        checkRegion(this, 'code', image.uri, image.region);
      }
    } else {
      fn = new lambda.Function(this, 'Resource', { ...common, code: props.code, handler: props.handler!, runtime: props.runtime! });
    }
    this.lambdaFunction = fn;
    this.version = fn.currentVersion;

    // --- the alias: invocation target, owner of the warm pool, async failure destination ---------
    const alias = new lambda.Alias(this, 'Alias', {
      aliasName,
      version: fn.currentVersion,
      description: `Invocation target of ${binding.name}; provisioned concurrency is managed by Application Auto Scaling`,
      onFailure: new destinations.SqsDestination(this.onFailureQueue),
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    });
    this.alias = alias;
    this.functionName = fn.functionName;
    this.aliasName = aliasName;
    this.aliasArn = alias.functionArn;
    this.artifactName = binding.name;
    this.artifactVersion = binding.version;

    // --- the warm pool: Application Auto Scaling on the alias's provisioned concurrency ----------
    addWarmPool(this, {
      alias,
      policy,
      utilizationTarget,
      statistic: utilizationStatistic,
      utilizationMetric: this.metricProvisionedConcurrencyUtilization(),
      // Tag keys the lane and the artifact put on every resource: kept off the scalable target.
      untaggedKeys: [...Object.keys(binding.tags), 'inference:lane'],
    });

    // --- invocation -----------------------------------------------------------------------------
    if (props.functionUrl) {
      this.url = alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
      this.functionUrl = this.url.url;
    }

    // --- cold-start visibility ------------------------------------------------------------------
    // On-demand cold starts log a platform.report with initDurationMs (JSON log format); warm-pool
    // environments initialise ahead of traffic and do not. One sample per cold start.
    this.coldStartMetricName = `ColdStartInitDuration-${fn.functionName}`;
    new logs.MetricFilter(this, 'ColdStartMetricFilter', {
      logGroup,
      filterPattern: logs.FilterPattern.literal('{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'),
      metricNamespace: 'InferenceLanes/Serverless',
      metricName: this.coldStartMetricName,
      metricValue: '$.record.metrics.initDurationMs',
      unit: cloudwatch.Unit.MILLISECONDS,
    });
    const rates = {
      invocations: this.aliasMetric('Invocations', { statistic: 'Sum' }),
      throttles: this.metricThrottles(),
      spillover: this.metricSpilloverInvocations(),
    };
    const maxSpillover = props.maxSpilloverPercent ?? (props.slo?.latencyThreshold ? Math.round((100 - props.slo.latencyPercentile) * 100) / 100 : 5);
    const spillMinRequests = minRequestsFor(maxSpillover);
    this.spilloverAlarm = spilloverAlarm(this, rates, {
      thresholdPercent: maxSpillover,
      minRequests: spillMinRequests,
      description: `${this.node.path}: more than ${maxSpillover}% of invocations missed the warm pool (provisioned concurrency) in 3 of 5 minutes with at least ${spillMinRequests} invocations a minute; those may pay a cold start. Raise minCapacity, lower the utilization target, or add a schedule before the surge. Pages; never a rollback alarm.`,
    });

    // --- SLO alarms ------------------------------------------------------------------------------
    const laneName = `${LANE} ${binding.name}`;
    const sloAlarms: cloudwatch.IAlarm[] = [];
    const rollbackSloAlarms: cloudwatch.IAlarm[] = [];
    this.serviceLevelObjectives = [];
    this.sloBurnRateAlarms = [];
    if (props.slo) {
      const slo = props.slo;
      const rendered = slo.render(this, 'Slo', {
        laneName,
        latency: this.aliasMetric('Duration'),
        latencyUnit: cloudwatch.Unit.MILLISECONDS,
        // core builds the error rate with its minimum-request guard: IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)
        errors: this.aliasMetric('Errors', { statistic: 'Sum' }),
        requests: this.aliasMetric('Invocations', { statistic: 'Sum' }),
      });
      sloAlarms.push(...rendered.rollbackAlarms, ...rendered.pagingAlarms);
      rollbackSloAlarms.push(...rendered.rollbackAlarms);
      this.serviceLevelObjectives = rendered.objectives;
      this.sloBurnRateAlarms = rendered.burnRateAlarms;
      const throttleLimit = slo.maxErrorRatePercent ?? DEFAULT_MAX_THROTTLE_PERCENT;
      // The SLO's own floor when it has an error-rate objective (same threshold), else core's rule for this threshold.
      const throttleMinRequests = slo.minRequestsPerPeriod ?? minRequestsFor(throttleLimit);
      this.throttleAlarm = throttleAlarm(this, rates, {
        thresholdPercent: throttleLimit,
        minRequests: throttleMinRequests,
        period: slo.period,
        evaluationPeriods: slo.evaluationPeriods,
        datapointsToAlarm: slo.datapointsToAlarm,
        description: `SLO ${laneName}: throttled requests over ${throttleLimit}% (reserved concurrency ${reserved} exhausted) in ${slo.datapointsToAlarm} of ${slo.evaluationPeriods} periods with at least ${throttleMinRequests} requests. ${rollbackOnThrottles ? 'Rollouts roll back on it (rollbackOnThrottles).' : 'Pages; not a rollback alarm: throttles measure the reserved-concurrency cap, which a healthy burst reaches too.'}`,
      });
      sloAlarms.push(this.throttleAlarm);
      if (rollbackOnThrottles) { rollbackSloAlarms.push(this.throttleAlarm); }
    }
    this.sloAlarms = sloAlarms;

    // --- rollout: CodeDeploy traffic shifting with alarm rollback --------------------------------
    this.rollbackAlarms = [];
    if (props.rollout) {
      const rollout = props.rollout;
      const alarms = [...rollbackSloAlarms, ...rollout.alarms];
      if (alarms.length > CODEDEPLOY_MAX_ALARMS) {
        throw invalid(this, 'rollout.alarms', `${alarms.length} alarms (${rollbackSloAlarms.length} from the SLO)`, `exceeds the ${CODEDEPLOY_MAX_ALARMS} alarms a CodeDeploy deployment group accepts`, 'Combine alarms into a cloudwatch.CompositeAlarm.');
      }
      if (rollout.autoRollback && alarms.length === 0) {
        throw invalid(this, 'rollout', rollout.toString(), 'rolls back on alarms, but there are none (no slo, no rollout.alarms)',
          'Pass slo (its alarms become rollback alarms) or rollout alarms, or use autoRollback: false for plain traffic shifting.');
      }
      warnIfCanaryIsCold(this, rollout, policy);
      this.rollbackAlarms = alarms;
      const group = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
        alias,
        deploymentConfig: deploymentConfigFor(this, rollout),
        alarms,
        preHook: props.preTrafficHook,
        postHook: props.postTrafficHook,
        autoRollback: {
          failedDeployment: rollout.autoRollback,
          stoppedDeployment: false,
          deploymentInAlarm: rollout.autoRollback && alarms.length > 0,
        },
      });
      for (const hook of [props.preTrafficHook, props.postTrafficHook]) {
        if (hook) { group.grantPutLifecycleEventHookExecutionStatus(hook); }
      }
      this.deploymentGroup = group;
    }

    // --- capacity and tags -----------------------------------------------------------------------
    const instanceType = `lambda-${memoryMiB}MB-${architecture.name}`;
    this.capacity = {
      minInstances: policy.minCapacity,
      maxInstances: peakWarm ?? policy.maxCapacity,
      instanceType,
      hardware: target,
      priceClass: 'per-gb-second',
      description: `${policy.minCapacity}-${peakWarm ?? policy.maxCapacity} warm × ${instanceType}, provisioned concurrency (reserved ${reserved})`,
    };
    tagLane(this, binding, LaneKind.SERVERLESS);
  }

  /**
   * Init duration of on-demand cold starts (milliseconds), from the function's JSON `platform.report`
   * logs through a metric filter: one sample per cold start outside the warm pool, so SampleCount
   * counts cold starts. Custom namespace `InferenceLanes/Serverless`.
   */
  public metricColdStartInitDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'InferenceLanes/Serverless',
      metricName: this.coldStartMetricName,
      statistic: 'p95',
      unit: cloudwatch.Unit.MILLISECONDS,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Let `grantee` invoke the alias: `lambda:InvokeFunction` on the alias ARN, plus
   * `lambda:InvokeFunctionUrl` when the function URL is enabled.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = this.alias.grantInvoke(grantee);
    return this.url ? grant.combine(this.url.grantInvokeUrl(grantee)) : grant;
  }
}

/** The variables the lane passes to the function: model identity, location, digest, card, threads. */
function laneEnvironment(binding: ModelArtifactBinding, memoryMiB: number): { [key: string]: string } {
  const env: { [key: string]: string } = {
    MODEL_NAME: binding.name,
    MODEL_VERSION: binding.version,
    MODEL_FRAMEWORK: binding.framework,
    MODEL_PRECISION: binding.precision,
    MODEL_TARGET: binding.target,
    MODEL_S3_URI: binding.modelDataUrl!,
    MODEL_S3_BUCKET: binding.bucketName!,
    MODEL_S3_KEY: binding.objectKey!,
    MODEL_S3_IS_PREFIX: String(binding.isPrefix),
    MODEL_COMPRESSED: String(binding.compressed),
    MODEL_CARD: binding.cardJson,
    MODEL_LOCAL_DIR: '/tmp/model',
    OMP_NUM_THREADS: String(threadsFor(memoryMiB)),
  };
  if (binding.digest !== undefined) { env.MODEL_DIGEST = binding.digest; }
  return env;
}

/** vCPUs Lambda allocates for a memory size: one per 1,769 MB, rounded, 1-6. */
function threadsFor(memoryMiB: number): number {
  if (!isConcreteNumber(memoryMiB)) { return 1; }
  return Math.max(1, Math.min(6, Math.round(memoryMiB / MB_PER_VCPU)));
}

function checkEnvironmentSize(scope: Construct, env: { [key: string]: string }): void {
  // Only the parts known at synth time count; tokens (bucket names, keys) resolve at deploy.
  let bytes = 0;
  const sizes: Array<[string, number]> = [];
  for (const [k, v] of Object.entries(env)) {
    const n = Buffer.byteLength(k) + (Token.isUnresolved(v) ? 0 : Buffer.byteLength(v));
    bytes += n;
    sizes.push([k, n]);
  }
  if (bytes > ENV_LIMIT_BYTES) {
    const biggest = sizes.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ${n} B`).join(', ');
    throw invalid(scope, 'environment', `${bytes} bytes`, `exceeds Lambda's ${ENV_LIMIT_BYTES}-byte limit on environment variables (largest: ${biggest})`,
      'Shorten the model card (MODEL_CARD carries it) or move large values to SSM Parameter Store.');
  }
}

function checkFinalBake(scope: Construct, rollout: Rollout): void {
  const bake = rollout.finalBakeTime;
  // Any explicit value is rejected (even the default's 10 minutes): it would not be rendered.
  if (rollout.finalBakeTimeExplicit) {
    throw invalid(scope, 'rollout.finalBakeTime', bake, 'cannot be rendered: CodeDeploy Lambda deployments end when the last traffic shift completes and have no final bake phase',
      'Drop finalBakeTime; to watch the new version longer, lengthen the canary bakeTime / linear interval or add a postTrafficHook that runs checks.');
  }
}

function warnIfCanaryIsCold(scope: Construct, rollout: Rollout, policy: AutoscalingPolicy): void {
  if (rollout.strategy === RolloutStrategy.ALL_AT_ONCE) { return; }
  if (!isConcreteNumber(policy.minCapacity) || !isConcreteNumber(rollout.percent)) { return; }
  const warmForNew = policy.minCapacity * rollout.percent / 100;
  if (warmForNew < 1) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:cold-canary',
      `While CodeDeploy shifts ${rollout.percent}% to the new version, Lambda splits the alias's provisioned concurrency by weight: ${policy.minCapacity} × ${rollout.percent}% = ${warmForNew} warm environment(s) for the new version at the pool's floor, so its first requests may be cold starts and can breach the latency SLO. Raise autoscaling.minCapacity to at least ${Math.ceil(100 / rollout.percent)} or the canary percent, or raise the floor with a schedule around deploys.`);
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}
