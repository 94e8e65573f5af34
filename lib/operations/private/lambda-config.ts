import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';

/**
 * # Resilience experiments: where FIS and the Lambda extension exchange fault configurations
 *
 * Not exported from the package.
 */

/** The default key prefix (the FIS user guide's example uses a folder the same way). */
export const DEFAULT_CONFIG_PREFIX = 'fis-configs/';

/**
 * The bucket FIS writes Lambda fault configurations to when none is given: S3-managed encryption, TLS
 * only, no public access, versioned. Kept on stack deletion (the CDK default for buckets).
 */
export function createConfigBucket(scope: Construct): s3.IBucket {
  const bucket = new s3.Bucket(scope, 'LambdaFaultConfig', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
  });
  acknowledgeNagFindings(bucket, [{
    id: 'AwsSolutions-S1',
    reason: 'Holds only short-lived AWS FIS fault configurations, written by the experiment roles and read by the FIS Lambda extension; FIS records each experiment itself',
  }]);
  return bucket;
}
