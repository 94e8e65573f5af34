/**
 * # Core API for lanes: sampled request capture
 *
 * Not exported from the package. The serverless and batch lanes render `requestCapture` the same way: the
 * capture location and sampling rate as `REQUEST_CAPTURE_*` environment variables, `s3:PutObject` on exactly
 * the prefix (and `kms:GenerateDataKey` on the key). The handler writes SageMaker `captureData` JSON Lines.
 */
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { RequestCaptureOptions } from '../request-capture';
import { checkInteger, invalid } from './errors';
import { acknowledgeNagFindings } from './nag';
import { nagResource } from './nag-ref';


/** Default capture prefix. @internal */
export const DEFAULT_REQUEST_CAPTURE_PREFIX = 'request-capture/';

/** Environment variables the lanes set for request capture. @internal */
export const REQUEST_CAPTURE_ENV = {
  bucket: 'REQUEST_CAPTURE_BUCKET',
  prefix: 'REQUEST_CAPTURE_PREFIX',
  sampling: 'REQUEST_CAPTURE_SAMPLING_PERCENT',
  key: 'REQUEST_CAPTURE_KMS_KEY_ARN',
} as const;

/**
 * Validate `requestCapture`, grant `grantee` `s3:PutObject` on exactly `<prefix>*` (and
 * `kms:GenerateDataKey` on the key) and return the environment variables. Undefined without capture.
 * @internal
 */
export function renderRequestCapture(scope: IConstruct, opts: RequestCaptureOptions | undefined, grantee: iam.IGrantable): { [name: string]: string } | undefined {
  if (opts === undefined) { return undefined; }
  if (typeof opts !== 'object' || opts === null) {
    throw invalid(scope, 'requestCapture', opts, 'is not an object', "Pass { samplingPercent: 10, bucket } or omit it.");
  }
  if (opts.samplingPercent === undefined) {
    throw invalid(scope, 'requestCapture.samplingPercent', undefined, 'is required', 'Pass a whole percent from 0 to 100, e.g. 10.');
  }
  checkInteger(scope, 'requestCapture.samplingPercent', opts.samplingPercent, 0, 100, 'Pass a whole percent from 0 to 100, e.g. 10.');
  if (!opts.bucket || typeof opts.bucket.arnForObjects !== 'function') {
    throw invalid(scope, 'requestCapture.bucket', opts.bucket, 'is required', 'Pass the s3.IBucket the captures go to.');
  }
  const prefix = opts.prefix ?? DEFAULT_REQUEST_CAPTURE_PREFIX;
  if (typeof prefix !== 'string' || (!Token.isUnresolved(prefix) && (prefix.startsWith('/') || !prefix.endsWith('/')))) {
    throw invalid(scope, 'requestCapture.prefix', prefix, "must be a key prefix ending with '/' and not starting with '/'", "Pass e.g. 'request-capture/'.");
  }
  const key = opts.encryptionKey ?? opts.bucket.encryptionKey;
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [opts.bucket.arnForObjects(`${prefix}*`)] });
  if (key) {
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey'], resourceArns: [key.keyArn] });
  }
  const env: { [name: string]: string } = {
    [REQUEST_CAPTURE_ENV.bucket]: opts.bucket.bucketName,
    [REQUEST_CAPTURE_ENV.prefix]: prefix,
    [REQUEST_CAPTURE_ENV.sampling]: String(opts.samplingPercent),
  };
  if (key) { env[REQUEST_CAPTURE_ENV.key] = key.keyArn; }
  return env;
}

/** The object ARN pattern granted, for cdk-nag acknowledgements. @internal */
export function requestCaptureObjects(opts: RequestCaptureOptions): string {
  return opts.bucket.arnForObjects(`${opts.prefix ?? DEFAULT_REQUEST_CAPTURE_PREFIX}*`);
}

/**
 * Acknowledge the one cdk-nag finding of the capture grant (objects under the prefix) on the lane's
 * role policy. Nothing when the lane did not create the role.
 * @internal
 */
export function acknowledgeRequestCapture(role: IConstruct | undefined, opts: RequestCaptureOptions | undefined): void {
  if (!role || !opts) { return; }
  acknowledgeNagFindings(role.node.tryFindChild('DefaultPolicy') ?? role, [{
    id: 'AwsSolutions-IAM5',
    appliesTo: [nagResource(role, requestCaptureObjects(opts))],
    reason: 'Request capture: the handler puts one object per captured batch under the capture prefix (keys by hour, known at run time); s3:PutObject only, on that prefix only.',
  }]);
}
