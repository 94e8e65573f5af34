import { Duration, Fn, Names, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkInteger, invalid } from '../core/private/errors';
import { checkIsDuration, checkDuration } from '../core/private/validation';
import { CaptureMode } from './data-capture';
import { ManagedEndpoint } from './managed-endpoint';
import { checkPipelineArn, HookSpec, hookTarget } from './private/drift-hook';
import { analyzerImage } from './private/drift-image';
import { createDriftRole, DATA_METRICS_NAMESPACE } from './private/drift-role';

/**
 * What a drift monitor starts when a monitoring run finds violations: exactly one of a Step Functions
 * state machine, a SageMaker pipeline or an SNS topic.
 */
export class RetrainingHook {
  /** Start an execution of `stateMachine` (the event is its input). */
  public static stateMachine(stateMachine: sfn.IStateMachine): RetrainingHook {
    return new RetrainingHook({ kind: 'stateMachine', stateMachine });
  }

  /**
   * Start an execution of the SageMaker pipeline `pipelineArn`
   * (`arn:aws:sagemaker:<region>:<account>:pipeline/<name>`) with its default parameters.
   */
  public static sageMakerPipeline(pipelineArn: string): RetrainingHook {
    checkPipelineArn('RetrainingHook.sageMakerPipeline', pipelineArn);
    return new RetrainingHook({ kind: 'pipeline', pipelineArn });
  }

  /** Publish the event to `topic` (e.g. for a retraining system outside AWS, or a person). */
  public static topic(topic: sns.ITopic): RetrainingHook {
    return new RetrainingHook({ kind: 'topic', topic });
  }

  /** @internal */
  public readonly _spec: HookSpec;

  private constructor(spec: HookSpec) {
    this._spec = spec;
  }
}

/**
 * Props of {@link DriftMonitor}.
 */
export interface DriftMonitorProps {
  /** The endpoint to watch. It must capture requests (`dataCapture` with `CaptureMode.INPUT`). */
  readonly endpoint: ManagedEndpoint;

  /**
   * Bucket holding the baseline: `statistics.json` and `constraints.json` under `baselinePrefix`, as
   * a Model Monitor baselining job (`DefaultModelMonitor.suggest_baseline` on the training set)
   * writes them. The monitor does not run the baselining job.
   */
  readonly baselineBucket: s3.IBucket;

  /** Key prefix of `statistics.json` and `constraints.json` in `baselineBucket` (ending with '/'). */
  readonly baselinePrefix: string;

  /**
   * Key the baseline files are encrypted with (the job role may decrypt with it).
   *
   * @default - the baseline is not encrypted with a customer-managed key
   */
  readonly baselineEncryptionKey?: kms.IKey;

  /**
   * Bucket the monitoring reports (statistics, constraint violations) are written to.
   *
   * @default - the endpoint's capture bucket
   */
  readonly reportBucket?: s3.IBucket;

  /**
   * Key prefix of the reports (ending with '/').
   *
   * @default 'model-monitor/reports/'
   */
  readonly reportPrefix?: string;

  /**
   * Hours between monitoring runs, 1 to 24: 1 renders `cron(0 * ? * * *)`, N renders
   * `cron(0 0/N ? * * *)` (every N hours from midnight UTC), 24 renders `cron(0 0 ? * * *)`.
   * SageMaker starts a run 0-20 minutes after the scheduled time and analyses the previous interval.
   *
   * @default 1
   */
  readonly scheduleIntervalHours?: number;

  /**
   * Longest a monitoring run may take (`MaxRuntimeInSeconds`); at most the schedule interval.
   *
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;

  /**
   * Instance type of the monitoring job (a `MonitoringClusterConfig` instance type).
   *
   * @default 'ml.m5.xlarge'
   */
  readonly instanceType?: string;

  /**
   * Instances of the monitoring job, 1-100.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * Volume size of each job instance in GiB, 1-16384.
   *
   * @default 20
   */
  readonly volumeSizeGiB?: number;

  /**
   * The Model Monitor analyzer image.
   *
   * @default - `sagemaker-model-monitor-analyzer` of the stack's Region, from the AWS account listed
   *   for that Region (20 Regions known; another concrete Region is rejected; an environment-agnostic
   *   stack gets a CloudFormation mapping over the known Regions)
   */
  readonly imageUri?: string;

  /**
   * Started when a monitoring run completes with violations.
   *
   * @default - no hook: the violations alarm only
   */
  readonly retrainingHook?: RetrainingHook;
}

/**
 * Drift monitoring of a {@link ManagedEndpoint} with data capture: a SageMaker Model Monitor
 * data-quality job definition against a given baseline, an hourly (or every N hours) monitoring
 * schedule, an EventBridge rule matching runs that complete with violations, an alarm on that rule
 * and, optionally, a retraining hook the rule starts.
 *
 * @example
 * new DriftMonitor(this, 'Drift', {
 *   endpoint,
 *   baselineBucket, baselinePrefix: 'baselines/assistant/1.4.0/',
 *   retrainingHook: RetrainingHook.stateMachine(retrain),
 * });
 */
export class DriftMonitor extends Construct {
  /** The data-quality job definition. */
  public readonly jobDefinition: sagemaker.CfnDataQualityJobDefinition;
  /** The monitoring schedule. */
  public readonly schedule: sagemaker.CfnMonitoringSchedule;
  /** The role the monitoring jobs run with. */
  public readonly role: iam.IRole;
  /** The rule matching monitoring runs that complete with violations. */
  public readonly violationsRule: events.Rule;
  /** In ALARM for one schedule interval after a run that completed with violations. */
  public readonly violationsAlarm: cloudwatch.Alarm;
  /** The schedule expression rendered. */
  public readonly scheduleExpression: string;

  private readonly endpoint: ManagedEndpoint;

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    const endpoint = props.endpoint;
    if (!(endpoint instanceof ManagedEndpoint)) {
      throw invalid(this, 'endpoint', endpoint, 'is required and must be a ManagedEndpoint', 'Pass the ManagedEndpoint to watch (created with dataCapture).');
    }
    this.endpoint = endpoint;
    const capture = endpoint.dataCaptureLocation;
    if (!capture) {
      throw invalid(this, 'endpoint', endpoint.node.path, 'has no data capture: Model Monitor reads the captured requests',
        `Pass dataCapture: { samplingPercent: 10 } (or another share) to the ManagedEndpoint ${endpoint.node.path}.`);
    }
    if (!capture.captureModes.includes(CaptureMode.INPUT)) {
      throw invalid(this, 'endpoint', endpoint.node.path, 'captures only responses (dataCapture.captureModes has no CaptureMode.INPUT): a data-quality monitor analyses the requests',
        'Add CaptureMode.INPUT to dataCapture.captureModes of the endpoint, or omit captureModes for both.');
    }
    if (!(props.baselineBucket && typeof props.baselineBucket.bucketName === 'string')) {
      throw invalid(this, 'baselineBucket', props.baselineBucket, 'is required', 'Pass the bucket holding statistics.json and constraints.json of a Model Monitor baselining job.');
    }
    const baselinePrefix = checkPrefix(this, 'baselinePrefix', props.baselinePrefix, true);
    const reportPrefix = checkPrefix(this, 'reportPrefix', props.reportPrefix, false) ?? 'model-monitor/reports/';
    const hours = props.scheduleIntervalHours ?? 1;
    if (Token.isUnresolved(hours)) {
      throw invalid(this, 'scheduleIntervalHours', hours, 'is a token: it builds the cron expression and the alarm period at synth time', 'Pass a whole number of hours from 1 to 24.');
    }
    checkInteger(this, 'scheduleIntervalHours', hours, 1, 24, 'Pass whole hours from 1 (hourly) to 24 (daily): Model Monitor schedules run on whole hours.');
    this.scheduleExpression = scheduleExpressionOf(hours);
    checkIsDuration(this, 'maxRuntime', props.maxRuntime);
    const maxRuntime = props.maxRuntime ?? Duration.hours(1);
    checkDuration(this, 'maxRuntime', maxRuntime, { min: Duration.seconds(1), max: Duration.hours(hours), unit: 'seconds' });
    const instanceType = props.instanceType ?? 'ml.m5.xlarge';
    if (!Token.isUnresolved(instanceType) && !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType)) {
      throw invalid(this, 'instanceType', instanceType, 'is not a SageMaker processing instance type', "Pass e.g. 'ml.m5.xlarge'.");
    }
    const instanceCount = props.instanceCount ?? 1;
    checkInteger(this, 'instanceCount', instanceCount, 1, 100, 'Pass 1 to 100 instances (MonitoringClusterConfig.InstanceCount).');
    const volumeSizeGiB = props.volumeSizeGiB ?? 20;
    checkInteger(this, 'volumeSizeGiB', volumeSizeGiB, 1, 16384, 'Pass 1 to 16384 GiB (MonitoringClusterConfig.VolumeSizeInGB).');
    const image = analyzerImage(this, props.imageUri);

    const reportBucket = props.reportBucket ?? capture.bucket;
    const reportKey = props.reportBucket ? undefined : capture.encryptionKey;
    const statisticsKey = `${baselinePrefix}statistics.json`;
    const constraintsKey = `${baselinePrefix}constraints.json`;
    const role = this.role = createDriftRole(this, {
      capture,
      baselineBucket: props.baselineBucket,
      baselineObjects: [statisticsKey, constraintsKey],
      baselineKey: props.baselineEncryptionKey,
      reportBucket,
      reportPrefix,
      reportKey,
      imageRepositoryArn: image.repositoryArn,
    });

    this.jobDefinition = new sagemaker.CfnDataQualityJobDefinition(this, 'JobDefinition', {
      endpointName: endpoint.endpointName,
      roleArn: role.roleArn,
      dataQualityAppSpecification: {
        imageUri: image.imageUri,
        // Per-feature drift metrics in aws/sagemaker/Endpoints/data-metrics (see metricFeatureDrift).
        environment: { publish_cloudwatch_metrics: 'Enabled' },
      },
      dataQualityBaselineConfig: {
        statisticsResource: { s3Uri: props.baselineBucket.s3UrlForObject(statisticsKey) },
        constraintsResource: { s3Uri: props.baselineBucket.s3UrlForObject(constraintsKey) },
      },
      dataQualityJobInput: {
        endpointInput: {
          endpointName: endpoint.endpointName,
          localPath: '/opt/ml/processing/input/endpoint',
          s3InputMode: 'File',
          s3DataDistributionType: 'FullyReplicated',
        },
      },
      dataQualityJobOutputConfig: {
        kmsKeyId: reportKey?.keyArn,
        monitoringOutputs: [{
          s3Output: { s3Uri: reportBucket.s3UrlForObject(reportPrefix), localPath: '/opt/ml/processing/output', s3UploadMode: 'EndOfJob' },
        }],
      },
      jobResources: { clusterConfig: { instanceType, instanceCount, volumeSizeInGb: volumeSizeGiB } },
      stoppingCondition: { maxRuntimeInSeconds: maxRuntime.toSeconds() },
    });
    // The role's policy must exist before SageMaker validates the job definition's access.
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) { this.jobDefinition.node.addDependency(policy); }

    this.schedule = new sagemaker.CfnMonitoringSchedule(this, 'Schedule', {
      monitoringScheduleName: Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).replace(/[^a-zA-Z0-9-]/g, ''),
      endpointName: endpoint.endpointName,
      monitoringScheduleConfig: {
        // The job definition has a generated name (a change replaces it); its ARN ends with '/<name>'.
        monitoringJobDefinitionName: Fn.select(1, Fn.split('/', this.jobDefinition.attrJobDefinitionArn)),
        monitoringType: 'DataQuality',
        scheduleConfig: { scheduleExpression: this.scheduleExpression },
      },
    });

    // A monitoring run is a processing job; one that found violations completes with an exit message
    // starting 'CompletedWithViolations' (the execution status Model Monitor reports).
    this.violationsRule = new events.Rule(this, 'ViolationsRule', {
      description: `Monitoring runs of ${this.node.path} that complete with data-quality violations`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Processing Job State Change'],
        detail: {
          MonitoringScheduleArn: [this.schedule.attrMonitoringScheduleArn],
          ProcessingJobStatus: ['Completed'],
          ExitMessage: [{ prefix: 'CompletedWithViolations' }],
        },
      },
    });
    if (props.retrainingHook) {
      const spec = props.retrainingHook._spec;
      if (spec === undefined) {
        throw invalid(this, 'retrainingHook', props.retrainingHook, 'is not a RetrainingHook', 'Pass RetrainingHook.stateMachine(...), RetrainingHook.sageMakerPipeline(...) or RetrainingHook.topic(...).');
      }
      this.violationsRule.addTarget(hookTarget(this, spec));
    }
    const period = Duration.hours(hours);
    this.violationsAlarm = new cloudwatch.Alarm(this, 'ViolationsAlarm', {
      alarmDescription: `${endpoint.node.path}: a Model Monitor run found data-quality violations against the baseline (schedule ${this.scheduleExpression}). Reports: ${reportPrefix}`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: this.violationsRule.ruleName },
        statistic: 'Sum',
        period,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The drift of one feature from the baseline, as Model Monitor publishes it
   * (`feature_baseline_drift_<feature>` in `aws/sagemaker/Endpoints/data-metrics`, dimensions
   * `Endpoint` and `MonitoringSchedule`; maximum by default).
   */
  public metricFeatureDrift(feature: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: DATA_METRICS_NAMESPACE,
      metricName: `feature_baseline_drift_${feature}`,
      dimensionsMap: { Endpoint: this.endpoint.endpointName, MonitoringSchedule: this.schedule.monitoringScheduleName },
      statistic: 'Maximum',
      period: Duration.hours(1),
      ...props,
    });
  }
}

/** The Model Monitor cron expression of an interval in hours. */
function scheduleExpressionOf(hours: number): string {
  if (hours === 1) { return 'cron(0 * ? * * *)'; }
  if (hours === 24) { return 'cron(0 0 ? * * *)'; }
  return `cron(0 0/${hours} ? * * *)`;
}

function checkPrefix(scope: Construct, prop: string, prefix: string | undefined, required: boolean): string | undefined {
  if (prefix === undefined) {
    if (required) { throw invalid(scope, prop, undefined, 'is required', "Pass the key prefix of the baselining job's output, e.g. 'baselines/assistant/1.4.0/'."); }
    return undefined;
  }
  if (typeof prefix !== 'string' || (!Token.isUnresolved(prefix) && (prefix.startsWith('/') || !prefix.endsWith('/') || prefix.length > 900))) {
    throw invalid(scope, prop, prefix, "must be a key prefix ending with '/' and not starting with '/'", "Pass e.g. 'model-monitor/reports/'.");
  }
  return prefix;
}
