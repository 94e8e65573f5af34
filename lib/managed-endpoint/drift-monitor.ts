import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invalid } from '../core/private/errors';
import { DataCaptureLocation } from './data-capture';
import { IManagedEndpoint } from './managed-endpoint-ref';
import { createViolationsAlarm, createViolationsRule } from './private/drift-alarms';
import { checkPipelineArn, HookSpec } from './private/drift-hook';
import { createJobDefinition, createSchedule } from './private/drift-job';
import { resolveDriftProps } from './private/drift-props';
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
  /**
   * The endpoint to watch: a `ManagedEndpoint` created with `dataCapture` (capturing requests), or an
   * endpoint created elsewhere (`ManagedEndpoint.fromEndpointAttributes`) with `dataCapture` given here.
   */
  readonly endpoint: IManagedEndpoint;

  /**
   * Where the endpoint captures requests.
   *
   * @default - the endpoint's `dataCaptureLocation` (a ManagedEndpoint created with `dataCapture`)
   */
  readonly dataCapture?: DataCaptureLocation;

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
 * Drift monitoring of a SageMaker endpoint with data capture: a Model Monitor data-quality job
 * definition against a given baseline, an hourly (or every N hours) monitoring schedule, an
 * EventBridge rule matching runs that complete with violations, an alarm on that rule and,
 * optionally, a retraining hook the rule starts.
 *
 * Construct IDs: `JobRole`, `JobDefinition` (replaced when its fields change), `Schedule`,
 * `ViolationsRule`, `ViolationsAlarm`, `RetrainingHookRole` (SageMaker pipeline hook).
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

  private readonly endpointName: string;

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    const r = resolveDriftProps(this, props);
    const hook = props.retrainingHook;
    if (hook !== undefined && !(hook instanceof RetrainingHook)) {
      throw invalid(this, 'retrainingHook', hook, 'is not a RetrainingHook', 'Pass RetrainingHook.stateMachine(...), RetrainingHook.sageMakerPipeline(...) or RetrainingHook.topic(...).');
    }
    this.endpointName = r.endpointName;
    this.scheduleExpression = r.scheduleExpression;
    this.role = createDriftRole(this, {
      capture: r.capture,
      baselineBucket: r.baselineBucket,
      baselineObjects: [r.statisticsKey, r.constraintsKey],
      baselineKey: props.baselineEncryptionKey,
      reportBucket: r.reportBucket,
      reportPrefix: r.reportPrefix,
      reportKey: r.reportKey,
      imageRepositoryArn: r.image.repositoryArn,
    });
    this.jobDefinition = createJobDefinition(this, r, this.role);
    this.schedule = createSchedule(this, r, this.jobDefinition);
    this.violationsRule = createViolationsRule(this, this.schedule.attrMonitoringScheduleArn, hook?._spec);
    this.violationsAlarm = createViolationsAlarm(this, this.violationsRule, r.hours,
      `${props.endpoint.node.path}: a Model Monitor run found data-quality violations against the baseline (schedule ${r.scheduleExpression}). Reports: ${r.reportPrefix}`);
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
      dimensionsMap: { Endpoint: this.endpointName, MonitoringSchedule: this.schedule.monitoringScheduleName },
      statistic: 'Maximum',
      period: Duration.hours(1),
      ...props,
    });
  }
}
