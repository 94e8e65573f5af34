import { Duration, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { checkInteger, invalid } from '../../core/private/errors';
import { checkDuration, checkIsDuration } from '../../core/private/validation';
import { CaptureMode, DataCaptureLocation } from '../data-capture';
import type { DriftMonitorProps } from '../drift-monitor';
import { ManagedEndpoint } from '../managed-endpoint';
import { AnalyzerImage, analyzerImage } from './drift-image';

/**
 * The drift monitor's props, checked against the Model Monitor API (botocore `sagemaker`
 * CreateDataQualityJobDefinition / CreateMonitoringSchedule) and resolved to what is rendered. Internal.
 */
export interface ResolvedDrift {
  readonly endpointName: string;
  readonly capture: DataCaptureLocation;
  readonly baselineBucket: s3.IBucket;
  readonly statisticsKey: string;
  readonly constraintsKey: string;
  readonly reportBucket: s3.IBucket;
  readonly reportPrefix: string;
  /** The capture key when the reports go to the capture bucket; none for a user's report bucket. */
  readonly reportKey?: kms.IKey;
  readonly hours: number;
  readonly scheduleExpression: string;
  readonly maxRuntime: Duration;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGiB: number;
  readonly image: AnalyzerImage;
}

export const DEFAULT_REPORT_PREFIX = 'model-monitor/reports/';

/** Validate and resolve (before any resource exists). */
export function resolveDriftProps(scope: Construct, props: DriftMonitorProps): ResolvedDrift {
  const endpoint = props.endpoint;
  if (!endpoint || typeof endpoint.endpointName !== 'string') {
    throw invalid(scope, 'endpoint', endpoint, 'is required', 'Pass the endpoint to watch: a ManagedEndpoint created with dataCapture, or an imported one with dataCapture here.');
  }
  const capture = checkCapture(scope, props.dataCapture ?? (endpoint instanceof ManagedEndpoint ? endpoint.dataCaptureLocation : undefined), endpoint);
  if (!(props.baselineBucket && typeof props.baselineBucket.bucketName === 'string')) {
    throw invalid(scope, 'baselineBucket', props.baselineBucket, 'is required', 'Pass the bucket holding statistics.json and constraints.json of a Model Monitor baselining job.');
  }
  const baselinePrefix = checkPrefix(scope, 'baselinePrefix', props.baselinePrefix, "Pass the key prefix of the baselining job's output, e.g. 'baselines/assistant/1.4.0/'.");
  const reportPrefix = props.reportPrefix === undefined ? DEFAULT_REPORT_PREFIX : checkPrefix(scope, 'reportPrefix', props.reportPrefix, "Pass e.g. 'model-monitor/reports/'.");
  const hours = props.scheduleIntervalHours ?? 1;
  if (Token.isUnresolved(hours)) {
    throw invalid(scope, 'scheduleIntervalHours', hours, 'is a token: it builds the cron expression and the alarm period at synth time', 'Pass a whole number of hours from 1 to 24.');
  }
  checkInteger(scope, 'scheduleIntervalHours', hours, 1, 24, 'Pass whole hours from 1 (hourly) to 24 (daily): Model Monitor schedules run on whole hours.');
  checkIsDuration(scope, 'maxRuntime', props.maxRuntime);
  const maxRuntime = props.maxRuntime ?? Duration.hours(1);
  // MaxRuntimeInSeconds is 1-86400; a run longer than the interval would still run when the next starts.
  checkDuration(scope, 'maxRuntime', maxRuntime, { min: Duration.seconds(1), max: Duration.hours(hours), unit: 'seconds' });
  const instanceType = props.instanceType ?? 'ml.m5.xlarge';
  if (!Token.isUnresolved(instanceType) && !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType)) {
    throw invalid(scope, 'instanceType', instanceType, 'is not a SageMaker processing instance type', "Pass e.g. 'ml.m5.xlarge'.");
  }
  const instanceCount = props.instanceCount ?? 1;
  checkInteger(scope, 'instanceCount', instanceCount, 1, 100, 'Pass 1 to 100 instances (MonitoringClusterConfig.InstanceCount).');
  const volumeSizeGiB = props.volumeSizeGiB ?? 20;
  checkInteger(scope, 'volumeSizeGiB', volumeSizeGiB, 1, 16384, 'Pass 1 to 16384 GiB (MonitoringClusterConfig.VolumeSizeInGB).');
  return {
    endpointName: endpoint.endpointName,
    capture,
    baselineBucket: props.baselineBucket,
    statisticsKey: `${baselinePrefix}statistics.json`,
    constraintsKey: `${baselinePrefix}constraints.json`,
    reportBucket: props.reportBucket ?? capture.bucket,
    reportPrefix,
    reportKey: props.reportBucket ? undefined : capture.encryptionKey,
    hours,
    scheduleExpression: scheduleExpressionOf(hours),
    maxRuntime,
    instanceType,
    instanceCount,
    volumeSizeGiB,
    image: analyzerImage(scope, props.imageUri),
  };
}

/** The Model Monitor cron expression of an interval in whole hours (ScheduleConfig accepts only these forms). */
function scheduleExpressionOf(hours: number): string {
  if (hours === 1) { return 'cron(0 * ? * * *)'; }
  if (hours === 24) { return 'cron(0 0 ? * * *)'; }
  return `cron(0 0/${hours} ? * * *)`;
}

/** The endpoint's capture: present, with a bucket and prefix, capturing requests. */
function checkCapture(scope: Construct, capture: DataCaptureLocation | undefined, endpoint: { node?: { path: string }; endpointName: string }): DataCaptureLocation {
  const name = endpoint.node?.path ?? endpoint.endpointName;
  if (!capture) {
    throw invalid(scope, 'endpoint', name, 'has no data capture: Model Monitor reads the captured requests',
      endpoint instanceof ManagedEndpoint
        ? `Pass dataCapture: { samplingPercent: 10 } (or another share) to the ManagedEndpoint ${name}.`
        : 'Enable data capture on the endpoint and pass its location as dataCapture: { bucket, prefix } (an imported endpoint does not say where it captures).');
  }
  if (!capture.bucket || typeof capture.bucket.arnForObjects !== 'function') {
    throw invalid(scope, 'dataCapture.bucket', capture.bucket, 'is required', 'Pass the s3.IBucket of the endpoint\'s DataCaptureConfig.DestinationS3Uri.');
  }
  checkPrefix(scope, 'dataCapture.prefix', capture.prefix, "Pass the key prefix of DestinationS3Uri, e.g. 'data-capture/'.");
  const modes = capture.captureModes ?? [CaptureMode.INPUT, CaptureMode.OUTPUT];
  if (!modes.includes(CaptureMode.INPUT)) {
    throw invalid(scope, 'endpoint', name, 'captures only responses (dataCapture.captureModes has no CaptureMode.INPUT): a data-quality monitor analyses the requests',
      'Add CaptureMode.INPUT to dataCapture.captureModes of the endpoint, or omit captureModes for both.');
  }
  return capture;
}

function checkPrefix(scope: Construct, prop: string, prefix: string | undefined, fix: string): string {
  if (prefix === undefined) {
    throw invalid(scope, prop, undefined, 'is required', fix);
  }
  if (typeof prefix !== 'string' || (!Token.isUnresolved(prefix) && (prefix.startsWith('/') || !prefix.endsWith('/') || prefix.length > 900))) {
    throw invalid(scope, prop, prefix, "must be a key prefix ending with '/' and not starting with '/' (at most 900 characters)", fix);
  }
  return prefix;
}
