import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import type { LambdaFaultConfigLocation } from '../resilience-experiments';

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

/**
 * Acknowledge the cdk-nag IAM5 finding of the config-location statement (`<bucket ARN>/<prefix>*`: FIS
 * names the objects it writes). Called at synth, when the bucket ARN renders as cdk-nag prints it; a
 * location that does not render (e.g. a cross-stack import) is left for the user to review.
 */
export function acknowledgeConfigLocation(policy: iam.Policy, location: LambdaFaultConfigLocation): void {
  const rendered = renderForNag(Stack.of(policy).resolve(location.bucket.arnForObjects(`${location.prefix}*`)));
  if (rendered === undefined) { return; }
  acknowledgeNagFindings(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'AWS FIS writes and deletes fault configurations under the config prefix with object names it chooses; the statement covers that prefix only',
    appliesTo: [`Resource::${rendered}`],
  }]);
}

/** A resolved CloudFormation value as cdk-nag prints it in a finding (`<Id.Attr>`, `<AWS::Partition>`). */
export function renderForNag(value: unknown): string | undefined {
  if (typeof value === 'string') { return value; }
  if (typeof value !== 'object' || value === null) { return undefined; }
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown; 'Fn::Join'?: unknown };
  if (typeof v.Ref === 'string') { return `<${v.Ref}>`; }
  if (Array.isArray(v['Fn::GetAtt']) && v['Fn::GetAtt'].length === 2) { return `<${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}>`; }
  if (Array.isArray(v['Fn::Join']) && typeof v['Fn::Join'][0] === 'string' && Array.isArray(v['Fn::Join'][1])) {
    const parts = (v['Fn::Join'][1] as unknown[]).map(renderForNag);
    return parts.some(p => p === undefined) ? undefined : parts.join(v['Fn::Join'][0]);
  }
  return undefined;
}
