import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What data capture records.
 */
export enum CaptureMode {
  /** Request payloads. */
  INPUT = 'Input',
  /** Response payloads. */
  OUTPUT = 'Output',
}

/**
 * Data capture: record a sample of requests and responses to S3 (for Model Monitor, drift checks,
 * building evaluation sets). Applies to the production variant and, if present, the shadow variant.
 * Not available on serverless endpoints.
 */
export interface DataCaptureOptions {
  /** Share of requests captured, percent (0-100). */
  readonly samplingPercent: number;

  /**
   * What to capture.
   *
   * @default [CaptureMode.INPUT, CaptureMode.OUTPUT]
   */
  readonly captureModes?: CaptureMode[];

  /**
   * Bucket the captures are written to.
   *
   * @default - the bucket the endpoint creates for its outputs, encrypted with the endpoint's KMS key
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix of the captures (ending with '/').
   *
   * @default 'data-capture/'
   */
  readonly prefix?: string;

  /**
   * KMS key SageMaker encrypts the captures with.
   *
   * @default - the endpoint's encryption key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * JSON content types to capture (requests must carry one of these `Content-Type`s).
   *
   * @default - SageMaker's default (JSON payloads are base64-encoded)
   */
  readonly jsonContentTypes?: string[];

  /**
   * CSV content types to capture.
   *
   * @default - SageMaker's default
   */
  readonly csvContentTypes?: string[];
}

/**
 * Where an endpoint's data capture lands: `ManagedEndpoint.dataCaptureLocation` (its bucket or the one it
 * created, the prefix, the key), or, for an endpoint created elsewhere, what its `DataCaptureConfig` says.
 * {@link DriftMonitor} reads the captures from here.
 */
export interface DataCaptureLocation {
  /** The bucket the captures are written to. */
  readonly bucket: s3.IBucket;

  /** Key prefix of the captures (ending with '/'), as in `DestinationS3Uri`. */
  readonly prefix: string;

  /**
   * The key the captures are encrypted with.
   *
   * @default - none (the bucket's default encryption)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What is captured.
   *
   * @default [CaptureMode.INPUT, CaptureMode.OUTPUT]
   */
  readonly captureModes?: CaptureMode[];

  /**
   * Share of requests captured, percent.
   *
   * @default - not known (informational only)
   */
  readonly samplingPercent?: number;
}
