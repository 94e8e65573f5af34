import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import { checkInteger, describeValue, invalid } from '../../core/private/errors';
import { checkOneOf } from '../../core/private/validation';
import { CaptureMode, DataCaptureOptions } from '../data-capture';
import { AsyncModeProps, EndpointMode } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import { prefixesOverlap } from './checks';
import { EndpointNagNotes } from './nag';

/**
 * Where the managed endpoint writes: its encryption key and output bucket, asynchronous inference
 * (payloads, responses, failures, notifications) and data capture. Internal.
 */

const DEFAULT_INPUT_PREFIX = 'async-inputs/';
const DEFAULT_OUTPUT_PREFIX = 'async-outputs/';
const DEFAULT_FAILURE_PREFIX = 'async-failures/';
/** Default key prefix of data capture (also read by the drift monitor). */
export const DEFAULT_CAPTURE_PREFIX = 'data-capture/';

/** The key and bucket the endpoint uses. */
export interface EndpointStorage {
  /** The key (given or created), if anything needs one. */
  readonly encryptionKey?: kms.IKey;
  /** The bucket the endpoint created for async outputs and data capture, if any. */
  readonly outputBucket?: s3.IBucket;
  /** The instance type has EBS volumes SageMaker encrypts with the key (`KmsKeyId` of the config). */
  readonly volumeKeyAllowed: boolean;
}

/** What the storage depends on. */
export interface StorageProps {
  readonly encryptionKey?: kms.IKey;
  readonly dataCapture?: DataCaptureOptions;
}

/** Create the key and the bucket when something needs them and the user passed none. */
export function createStorage(scope: Construct, mode: EndpointMode, info: InstanceTypeInfo | undefined, props: StorageProps): EndpointStorage {
  const volumeKeyAllowed = mode.instanceBased && !(info?.localStorage ?? false);
  const needsLaneBucket = (mode.asyncOptions !== undefined && mode.asyncOptions.bucket === undefined)
    || (props.dataCapture !== undefined && props.dataCapture.bucket === undefined);
  const needsKey = volumeKeyAllowed || needsLaneBucket
    || (mode.asyncOptions !== undefined && mode.asyncOptions.outputEncryptionKey === undefined)
    || (props.dataCapture !== undefined && props.dataCapture.encryptionKey === undefined);
  const encryptionKey = props.encryptionKey ?? (needsKey ? new kms.Key(scope, 'Key', {
    enableKeyRotation: true,
    description: `Encrypts the volumes, outputs and captures of ${scope.node.path}`,
  }) : undefined);
  const outputBucket = needsLaneBucket ? new s3.Bucket(scope, 'OutputBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
  }) : undefined;
  return { encryptionKey, outputBucket, volumeKeyAllowed };
}

/** Reject data-capture options SageMaker does not accept, and captures among the async payloads. */
export function validateDataCapture(scope: IConstruct, dc: DataCaptureOptions | undefined, asyncOpts: AsyncModeProps | undefined): void {
  if (!dc) { return; }
  if (dc.samplingPercent === undefined) {
    throw invalid(scope, 'dataCapture.samplingPercent', undefined, 'is required (DataCaptureConfig.InitialSamplingPercentage)', 'Pass a whole percent from 0 to 100, e.g. 10.');
  }
  checkInteger(scope, 'dataCapture.samplingPercent', dc.samplingPercent, 0, 100, 'Pass a whole percent from 0 to 100 (InitialSamplingPercentage is an integer).');
  if (dc.captureModes !== undefined && dc.captureModes.length === 0) {
    throw invalid(scope, 'dataCapture.captureModes', [], 'is empty', 'List CaptureMode.INPUT and/or CaptureMode.OUTPUT, or omit it for both.');
  }
  for (const [i, m] of (dc.captureModes ?? []).entries()) {
    checkOneOf(scope, `dataCapture.captureModes[${i}]`, m, Object.values(CaptureMode), 'Use CaptureMode.INPUT or CaptureMode.OUTPUT.');
  }
  for (const [name, list] of [['jsonContentTypes', dc.jsonContentTypes], ['csvContentTypes', dc.csvContentTypes]] as const) {
    if (list !== undefined && (list.length < 1 || list.length > 10 || list.some(t => typeof t !== 'string' || t.length === 0 || t.length > 256))) {
      throw invalid(scope, `dataCapture.${name}`, list, 'must list 1 to 10 non-empty content types (CaptureContentTypeHeader)', "Pass e.g. ['application/json'], or omit it for SageMaker's default.");
    }
  }
  if (dc.prefix !== undefined && !Token.isUnresolved(dc.prefix) && (dc.prefix.startsWith('/') || !dc.prefix.endsWith('/'))) {
    throw invalid(scope, 'dataCapture.prefix', dc.prefix, "must be a key prefix ending with '/' and not starting with '/'", "Pass e.g. 'data-capture/'.");
  }
  if (asyncOpts && (dc.bucket ?? scope) === (asyncOpts.bucket ?? scope)) {
    // Same bucket: captures may not land among (or above) the async payloads, responses and failures.
    const dcPrefix = dc.prefix ?? DEFAULT_CAPTURE_PREFIX;
    const asyncPrefixes: [string, string][] = [
      ['inputPrefix', asyncOpts.inputPrefix ?? DEFAULT_INPUT_PREFIX],
      ['outputPrefix', asyncOpts.outputPrefix ?? DEFAULT_OUTPUT_PREFIX],
      ['failurePrefix', asyncOpts.failurePrefix ?? DEFAULT_FAILURE_PREFIX],
    ];
    for (const [name, prefix] of asyncPrefixes) {
      if (prefixesOverlap(dcPrefix, prefix)) {
        throw invalid(scope, 'dataCapture.prefix', dcPrefix, `overlaps mode.${name} (${describeValue(prefix)}) in the same bucket`, "Use separate prefixes such as 'data-capture/' and 'async-outputs/'.");
      }
    }
  }
}

/** Where an async endpoint keeps its payloads and with which key. */
export interface AsyncStore {
  readonly bucket: s3.IBucket;
  readonly key?: kms.IKey;
}

/** The bucket and key of an async endpoint (the mode's, else the endpoint's), or undefined. */
export function asyncStoreOf(mode: EndpointMode, storage: EndpointStorage): AsyncStore | undefined {
  const opts = mode.asyncOptions;
  if (!opts) { return undefined; }
  return { bucket: (opts.bucket ?? storage.outputBucket)!, key: opts.outputEncryptionKey ?? storage.encryptionKey };
}

/**
 * `AsyncInferenceConfig`: SageMaker reads the payloads with the execution role and writes responses
 * and failures with it, and publishes to the notification topics.
 */
export function renderAsync(scope: IConstruct, opts: AsyncModeProps | undefined, store: AsyncStore | undefined, role: iam.IRole, nag: EndpointNagNotes): sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty | undefined {
  if (!opts || !store) { return undefined; }
  const { bucket, key } = store;
  const input = opts.inputPrefix ?? DEFAULT_INPUT_PREFIX;
  const output = opts.outputPrefix ?? DEFAULT_OUTPUT_PREFIX;
  const failure = opts.failurePrefix ?? DEFAULT_FAILURE_PREFIX;
  bucket.grantRead(role, `${input}*`);
  bucket.grantPut(role, `${output}*`);
  bucket.grantPut(role, `${failure}*`);
  key?.grantEncryptDecrypt(role);
  nag.objectReads.push(bucket.arnForObjects(`${input}*`));
  nag.objectWrites.push(bucket.arnForObjects(`${output}*`), bucket.arnForObjects(`${failure}*`));
  nag.keyGranted ||= key !== undefined;
  opts.successTopic?.grantPublish(role);
  opts.errorTopic?.grantPublish(role);
  const notification = opts.successTopic || opts.errorTopic ? {
    successTopic: opts.successTopic?.topicArn,
    errorTopic: opts.errorTopic?.topicArn,
    includeInferenceResponseIn: opts.includeResponseInSuccessTopic ? ['SUCCESS_NOTIFICATION_TOPIC'] : undefined,
  } : undefined;
  if (opts.includeResponseInSuccessTopic && !opts.successTopic) {
    throw invalid(scope, 'mode.includeResponseInSuccessTopic', true, 'needs a successTopic', 'Pass successTopic, or drop includeResponseInSuccessTopic.');
  }
  return {
    outputConfig: {
      s3OutputPath: bucket.s3UrlForObject(output),
      s3FailurePath: bucket.s3UrlForObject(failure),
      kmsKeyId: key?.keyArn,
      notificationConfig: notification,
    },
    clientConfig: opts.maxConcurrentInvocationsPerInstance !== undefined
      ? { maxConcurrentInvocationsPerInstance: opts.maxConcurrentInvocationsPerInstance }
      : undefined,
  };
}

/** Callers of an async endpoint upload payloads under the input prefix and read responses and failures. */
export function grantAsyncCaller(grantee: iam.IGrantable, opts: AsyncModeProps, store: AsyncStore): void {
  store.bucket.grantPut(grantee, `${opts.inputPrefix ?? DEFAULT_INPUT_PREFIX}*`);
  store.bucket.grantRead(grantee, `${opts.outputPrefix ?? DEFAULT_OUTPUT_PREFIX}*`);
  store.bucket.grantRead(grantee, `${opts.failurePrefix ?? DEFAULT_FAILURE_PREFIX}*`);
  store.key?.grantEncryptDecrypt(grantee);
}

/** `DataCaptureConfig`: the role writes the captures under the prefix, encrypted with the key. */
export function renderDataCapture(dc: DataCaptureOptions | undefined, storage: EndpointStorage, role: iam.IRole, nag: EndpointNagNotes): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | undefined {
  if (!dc) { return undefined; }
  const bucket = dc.bucket ?? storage.outputBucket!;
  const prefix = dc.prefix ?? DEFAULT_CAPTURE_PREFIX;
  const key = dc.encryptionKey ?? storage.encryptionKey;
  bucket.grantPut(role, `${prefix}*`);
  key?.grantEncrypt(role);
  nag.objectWrites.push(bucket.arnForObjects(`${prefix}*`));
  nag.keyGranted ||= key !== undefined;
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
