import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Sampled request capture for lanes without SageMaker data capture (the serverless function and the
 * batch workers): the lane passes the capture location and sampling rate to the handler as
 * environment variables and lets it put objects under exactly that prefix. The handler writes the
 * captures, one JSON object per line in SageMaker data capture's `captureData` format (see the
 * serverless README, "Request capture"), so a Model Monitor job can read them like an endpoint's.
 */
export interface RequestCaptureOptions {
  /** Share of requests captured, whole percent (0-100), as SageMaker's `InitialSamplingPercentage`. */
  readonly samplingPercent: number;

  /** Bucket the captures are written to. */
  readonly bucket: s3.IBucket;

  /**
   * Key prefix of the captures (ending with '/'); the handler writes
   * `<prefix>yyyy/mm/dd/hh/<unique id>.jsonl`.
   *
   * @default 'request-capture/'
   */
  readonly prefix?: string;

  /**
   * KMS key the handler encrypts the captures with (`SSEKMSKeyId` of `PutObject`); the lane grants
   * `kms:GenerateDataKey` on it.
   *
   * @default - the bucket's own key when it has one (`s3.Bucket` with KMS encryption), else none
   *   (the bucket's default encryption)
   */
  readonly encryptionKey?: kms.IKey;
}
