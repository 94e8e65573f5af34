import { checkDynamicBatching } from '../core/private/batching-checks';
import { Duration, Size } from 'aws-cdk-lib';
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
import { AutoscalingPolicy } from '../core/autoscaling';
import { DynamicBatching } from '../core/dynamic-batching';
import { ScaleOutLeadTime } from '../core/lead-time';
import { LaneCapacity } from '../core/inference-lane';
import { withLaneDefaults } from '../core/private/lane-defaults';
import { ModelArtifact } from '../core/model-artifact';
import { Rollout } from '../core/rollout';
import { RouteTarget } from '../core/route-target';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { ProvisionedConcurrencyStatistic } from './provisioned-concurrency-statistic';
import { buildAlarms, coldStartMetricName } from './private/alarms';
import { addDeployment } from './private/deployment';
import { functionEnvironment, LAMBDA_MODEL_DIR, ompThreads } from './private/environment';
import { buildFunction } from './private/function';
import { acknowledgeServerlessFindings } from './private/nag';
import { capacityOf, LANE, ResolvedProps, resolveProps } from './private/resolve-props';
import { buildOnFailureQueue, buildSecurity, checkLambdaCanLoad } from './private/security';
import { checkSeconds } from './private/checks';
import { addWarmPool } from './private/warm-pool';
import { importFunction } from './private/imported-function';
import { RequestCaptureOptions } from '../core/request-capture';
import { acknowledgeRequestCapture, renderRequestCapture } from '../core/private/request-capture';
import { IWarmServerlessFunction, WarmServerlessFunctionAttributes, WarmServerlessFunctionBase } from './warm-serverless-function-base';
import { WarmMode } from './warm-mode';
import { rejectPolicyWithSnapStart, resolveWarmMode, SNAPSTART_LANE } from './private/warm-mode-checks';
import { provisionedCapacityLag, serverlessLeadTime } from './private/lead-time';


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
   * How the lane keeps inference fast to start: a provisioned-concurrency warm pool sized by
   * `autoscaling`, or Lambda SnapStart (`SnapStart: { ApplyOn: PublishedVersions }`: the Init, i.e. the
   * model load, runs once per published version and new environments resume from its snapshot). One
   * choice: Lambda does not allow provisioned concurrency on a SnapStart version. SnapStart takes a zip
   * package on a Java 11+, Python 3.12+ or .NET 8+ runtime, `/tmp` of at most 512 MiB, an explicit
   * `reservedConcurrentExecutions`, and no `autoscaling`, `utilizationStatistic` or `maxSpilloverPercent`
   * (a topology's policy is not inherited). README "Warm modes".
   *
   * @default WarmMode.provisionedConcurrency()
   */
  readonly warmMode?: WarmMode;

  /**
   * The warm pool: provisioned concurrency on the alias, from minCapacity to maxCapacity
   * environments. Supported: `ScalingTrigger.inFlightPerInstance(u)` where `u` (0.1-0.9 after the
   * warm buffer) is the target share of busy environments (one Lambda environment serves one request
   * at a time, so in-flight per environment IS the provisioned-concurrency utilization), schedules
   * (pre-warm before known surges), cooldowns and `warmBufferPercent`. Rejected: other triggers,
   * scale-to-zero, step caps.
   *
   * Rejected with `WarmMode.snapStart()` (no pool to size).
   *
   * @default - the policy of the enclosing HybridTopology (an error if there is none); none with SnapStart
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
   * The service level objective. Renders alarms on the latency percentile of `Duration` and the error
   * rate (`Errors ÷ Invocations`, periods with fewer than `minRequestsPerPeriod` requests read 0%): on
   * the whole alias (they page), and with a `rollout` also on the version being deployed (the
   * `ExecutedVersion` dimension), which rollouts roll back on; plus a throttle-rate alarm that pages
   * (throttled requests are failed requests to callers, but a healthy burst reaches the reserved cap
   * too; see `rollbackOnThrottles`).
   *
   * @default - no SLO alarms
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * How a new version takes over the alias: CodeDeploy canary, linear or all-at-once traffic
   * shifting, rolled back automatically on the SLO's latency and error-rate alarms on the new version
   * (`RollbackLatency`, `RollbackErrorRate`) and `rollout.alarms`.
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
   * Stream the response through the function URL (`InvokeMode: RESPONSE_STREAM`, up to 200 MB, bytes
   * sent as the handler writes them): token-by-token output of a generative model. The URL keeps
   * `AWS_IAM` auth. Needs `functionUrl` and a runtime that streams: Node.js managed runtimes
   * (`awslambda.streamifyResponse`) or OS-only runtimes (`provided.al2023`) whose Runtime API client
   * streams; other managed runtimes are rejected (they need the Lambda Web Adapter). The alias's
   * `Invoke` API still answers buffered. README "Response streaming".
   *
   * @default false - the URL buffers the whole response (at most 6 MB)
   */
  readonly responseStreaming?: boolean;

  /**
   * Measured time one new environment takes to load the model in its Init (p95 of
   * `metricColdStartInitDuration()`). Stated in `scaleOutLeadTime`; nothing is rendered from it.
   *
   * @default Duration.seconds(10) - the Init phase limit of an on-demand environment (a longer load is
   * retried inside the first invocation, under the function timeout)
   */
  readonly modelLoadTime?: Duration;

  /**
   * Dynamic batching cannot be rendered by this lane: Lambda hands one event to one environment per
   * invocation, so there is nothing to batch server-side. Setting it is an error.
   *
   * @default - no batching
   */
  readonly dynamicBatching?: DynamicBatching;

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

  /**
   * Sampled request capture for drift monitoring: the function gets `REQUEST_CAPTURE_BUCKET`,
   * `REQUEST_CAPTURE_PREFIX`, `REQUEST_CAPTURE_SAMPLING_PERCENT` (and `REQUEST_CAPTURE_KMS_KEY_ARN`)
   * and `s3:PutObject` on exactly that prefix. Your handler writes the captures (README "Request capture").
   *
   * @default - no request capture
   */
  readonly requestCapture?: RequestCaptureOptions;
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
 * `DeploymentGroup`, `SloLatency`/`SloErrorRate`/`SloThrottles`, `RollbackLatency`/`RollbackErrorRate` (with a
 * rollout), `SpilloverAlarm`; with the SLO's Application
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
    return importFunction(scope, id, attrs);
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
  /** SLO alarms on the whole alias: latency, error rate, throttles (empty without `slo`). They page; CodeDeploy rolls back on `rollbackAlarms`. */
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
  /** Alarm on invocations that missed the warm pool (cold starts). Not a rollback alarm (see README). Undefined with SnapStart (no pool). */
  public readonly spilloverAlarm?: cloudwatch.IAlarm;
  /** The warm mode: provisioned concurrency or SnapStart. */
  public readonly warmMode: WarmMode;
  /** Throttled share of requests (`SloThrottles`), with an SLO: pages; a rollback alarm only with `rollbackOnThrottles`. */
  public readonly throttleAlarm?: cloudwatch.IAlarm;
  /** Every alarm CodeDeploy rolls back on (the SLO's latency and error-rate alarms on the new version, plus `rollout.alarms`); empty without a rollout. */
  public readonly rollbackAlarms: cloudwatch.IAlarm[];
  /** The CodeDeploy deployment group, when a rollout is set. */
  public readonly deploymentGroup?: codedeploy.ILambdaDeploymentGroup;
  /** The code signing config, when code signing is on. */
  public readonly codeSigningConfig?: lambda.ICodeSigningConfig;
  /** The Signer profile trusted by the code signing config, when code signing is on. */
  public readonly signingProfile?: signer.ISigningProfile;
  /** URL of the function URL (AWS_IAM auth), when enabled. */
  public readonly functionUrl?: string;
  /** Environment variables the lane set: the one `MODEL_*` contract from the artifact, and `OMP_NUM_THREADS`. */
  public readonly laneEnvironment: { [key: string]: string };

  private readonly url?: lambda.FunctionUrl;
  private readonly resolved: ResolvedProps;
  private readonly modelLoadTime?: Duration;

  constructor(scope: Construct, id: string, props: WarmServerlessFunctionProps) {
    super(scope, id);
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout). A
    // SnapStart lane has no warm pool: it neither takes nor inherits an autoscaling policy.
    const snapStart = resolveWarmMode(this, props.warmMode).isSnapStart;
    if (snapStart) { rejectPolicyWithSnapStart(this, props); }
    props = snapStart
      ? withLaneDefaults(this, props, 'WarmServerlessFunction', ['artifact', 'slo', 'rollout'])
      : withLaneDefaults(this, props, 'WarmServerlessFunction', ['artifact', 'autoscaling', 'slo', 'rollout'], ['artifact', 'autoscaling']);
    const r = resolveProps(this, props);
    // Lambda gives one event to one environment per invocation: nothing to batch server-side.
    checkDynamicBatching(this, props.dynamicBatching)?.validateFor(this, {
      lane: snapStart ? SNAPSTART_LANE : LANE, supported: false,
      reason: 'Lambda hands one request to one execution environment per invocation (an environment serves one request at a time), so requests cannot be batched inside the function',
    });
    checkSeconds(this, 'modelLoadTime', props.modelLoadTime, Duration.seconds(1), Duration.minutes(15), 'Pass the measured p95 of metricColdStartInitDuration() in whole seconds, e.g. Duration.seconds(8).');
    this.modelLoadTime = props.modelLoadTime;
    this.isContainerImage = r.isContainerImage;
    this.warmMode = r.warmMode;
    this.resolved = r;

    // --- encryption, role, logs; the model (bound, granted, tagged); on-failure queue; the function --
    const sec = buildSecurity(this, { artifact: r.artifact, encryptionKey: props.encryptionKey, logRetention: r.logRetention });
    [this.encryptionKey, this.role, this.logGroup] = [sec.key, sec.role, sec.logGroup];
    // Core's bind grants the role read on exactly the weights (object or prefix, plus the bucket's KMS
    // key). No image pull for the role: Lambda pulls container images with the deployer's permissions
    // (and aws-cdk-lib's EcrImageCode grants lambda.amazonaws.com on repositories this app owns).
    // Zip code binds no image, so an artifact image asset is not built for nothing.
    const model = this.bindModel(r.artifact, {
      target: r.target, consumer: this.node.path, grantee: sec.role, grantImagePull: false, includeImage: props.code === undefined, modelLocalDir: LAMBDA_MODEL_DIR,
    });
    const binding = checkLambdaCanLoad(this, model.binding);
    this.onFailureQueue = props.onFailureQueue ?? buildOnFailureQueue(this, sec.key);
    this.laneEnvironment = { ...model.environment, OMP_NUM_THREADS: ompThreads(r.memoryMiB), ...renderRequestCapture(this, props.requestCapture, sec.role) };
    const built = buildFunction(this, props, r, sec, binding, functionEnvironment(this, this.laneEnvironment, props.environment));
    const fn = built.fn;
    [this.signingProfile, this.codeSigningConfig] = [built.signingProfile, built.codeSigningConfig];
    [this.lambdaFunction, this.version] = [fn, fn.currentVersion];

    // --- the alias: invocation target, owner of the warm pool, async failure destination ---------
    const alias = new lambda.Alias(this, 'Alias', {
      aliasName: r.aliasName,
      version: fn.currentVersion,
      description: r.policy
        ? `Invocation target of ${binding.name}; provisioned concurrency is managed by Application Auto Scaling`
        : `Invocation target of ${binding.name}; SnapStart: environments resume from the published version's snapshot`,
      onFailure: new destinations.SqsDestination(this.onFailureQueue),
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    });
    this.alias = alias;
    [this.functionName, this.aliasName, this.aliasArn] = [fn.functionName, r.aliasName, alias.functionArn];
    [this.artifactName, this.artifactVersion] = [binding.name, binding.version];

    // --- the warm pool: Application Auto Scaling on the alias's provisioned concurrency ----------
    // (none with SnapStart: the function renders `SnapStart: { ApplyOn: PublishedVersions }`)
    if (r.policy) {
      addWarmPool(this, {
        alias,
        policy: r.policy,
        utilizationTarget: r.utilizationTarget,
        statistic: r.utilizationStatistic,
        utilizationMetric: this.metricProvisionedConcurrencyUtilization(),
        // Tag keys the lane and the artifact put on every resource: kept off the scalable target.
        untaggedKeys: [...Object.keys(binding.tags), 'inference:lane'],
      });
    }
    if (props.functionUrl) {
      // Always AWS_IAM; RESPONSE_STREAM only when asked (BUFFERED is the service default, left unrendered).
      this.url = alias.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.AWS_IAM,
        invokeMode: r.responseStreaming ? lambda.InvokeMode.RESPONSE_STREAM : undefined,
      });
      this.functionUrl = this.url.url;
    }

    // --- cold starts, spillover, SLO and rollback alarms (private/alarms.ts); rollout ------------
    const alarms = buildAlarms(this, {
      metrics: {
        invocations: this.aliasMetric('Invocations', { statistic: 'Sum' }), errors: this.aliasMetric('Errors', { statistic: 'Sum' }),
        latency: this.aliasMetric('Duration'), throttles: this.metricThrottles(), spillover: this.metricSpilloverInvocations(),
      },
      logGroup: sec.logGroup, functionName: fn.functionName, laneName: `${LANE} ${binding.name}`,
      maxSpilloverPercent: r.maxSpillover, slo: props.slo, reserved: r.reserved, rollbackOnThrottles: r.rollbackOnThrottles,
      deployedAlias: props.rollout ? alias : undefined,
    });
    [this.spilloverAlarm, this.sloAlarms, this.throttleAlarm] = [alarms.spilloverAlarm, alarms.sloAlarms, alarms.throttleAlarm];
    [this.serviceLevelObjectives, this.sloBurnRateAlarms] = [alarms.objectives, alarms.burnRateAlarms];
    this.rollbackAlarms = [];
    if (props.rollout) {
      const deployment = addDeployment(this, {
        alias, rollout: props.rollout, policy: r.policy, sloRollbackAlarms: alarms.rollbackAlarms,
        preTrafficHook: props.preTrafficHook, postTrafficHook: props.postTrafficHook,
      });
      [this.deploymentGroup, this.rollbackAlarms] = [deployment.group, deployment.alarms];
    }

    this.capacity = capacityOf(r);
    // cdk-nag findings of the lane's own design, acknowledged on what the lane created (README "cdk-nag").
    acknowledgeServerlessFindings({ role: this.role, onFailureQueue: this.onFailureQueue, laneQueue: props.onFailureQueue === undefined, deploymentGroup: this.deploymentGroup });
    acknowledgeRequestCapture(this.role, props.requestCapture);
  }

  /**
   * Init duration of on-demand cold starts (milliseconds), from the function's JSON `platform.report`
   * logs through a metric filter: one sample per cold start outside the warm pool, so SampleCount
   * counts cold starts. Custom namespace `InferenceLanes/Serverless`.
   */
  public metricColdStartInitDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'InferenceLanes/Serverless',
      metricName: coldStartMetricName(this.functionName),
      statistic: 'p95',
      unit: cloudwatch.Unit.MILLISECONDS,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Expected time from a scale-out trigger to warm capacity in service, derived from the props:
   * with provisioned concurrency, the target tracking alarm (3 min), the allocation (`warmMode`
   * `allocationTime`, default 2 min) and the model load (`modelLoadTime`, default 10 s); with SnapStart,
   * Lambda's per-request scaling to the reserved cap and the snapshot restore (default 1 s).
   * README "Scale-out lead time".
   */
  public get scaleOutLeadTime(): ScaleOutLeadTime {
    return serverlessLeadTime(this.resolved, this.modelLoadTime);
  }

  /**
   * Warm capacity still on its way, in environments (provisioned concurrency only): the on-demand
   * environments serving what the pool could not take (`ConcurrentExecutions` minus
   * `ProvisionedConcurrentExecutions` of the alias), capped at what the pool may still grow by.
   *
   * @returns undefined with SnapStart: no scaler asks for capacity; Lambda creates environments per request
   */
  public metricCapacityLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    if (this.warmMode.isSnapStart) { return undefined; }
    return provisionedCapacityLag(this, (name, p) => this.aliasMetric(name, p), this.resolved.peakWarm, props);
  }

  /**
   * Environments in service: with provisioned concurrency the allocated pool (see the base class); with
   * SnapStart the busy on-demand environments (`ConcurrentExecutions` of the alias, Maximum).
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    if (!this.warmMode.isSnapStart) { return super.metricCapacityInService(props); }
    return this.aliasMetric('ConcurrentExecutions', { statistic: 'Maximum', label: 'Busy environments (SnapStart, on demand)', ...props });
  }

  /**
   * How full the lane is: the warm pool's metrics, or with SnapStart (no pool) the busy environments
   * against the reserved cap and the throttles.
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    if (!this.warmMode.isSnapStart) { return super.saturationMetrics; }
    return [
      this.aliasMetric('ConcurrentExecutions', { statistic: 'Maximum', label: `Busy environments (reserved ${this.resolved.reserved})` }),
      this.metricThrottles({ label: 'Throttled requests' }),
    ];
  }

  /**
   * The alias (owner of the warm pool) as a front-door target: `lambda:InvokeFunction` on the alias ARN,
   * failover on `sloAlarms`.
   */
  public routeTarget(): RouteTarget | undefined {
    return RouteTarget.lambdaAlias(this.alias, { alarms: this.sloAlarms });
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
