import { Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
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

/** SSM public parameters holding the FIS Lambda extension layer ARN per architecture (FIS user guide). */
export function extensionLayerParameter(architecture: string): string {
  return `/aws/service/fis/lambda-extension/AWS-FIS-extension-${architecture}/1.x.x`;
}

/**
 * Make `fn` ready for the FIS Lambda actions: the extension layer (resolved from the SSM public
 * parameter for its architecture, in the function's stack), the wrapper and config-location
 * environment, and read access to the config location (ListBucket with a prefix condition, GetObject
 * under the prefix), as the FIS user guide lists them. Container-image functions cannot take layers.
 */
export function prepareFunction(owner: Construct, fn: lambda.Function, location: LambdaFaultConfigLocation): void {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  if (cfn.packageType === 'Image') {
    throw invalid(owner, 'enableLambdaFaults(fn)', fn.node.path, 'is a container-image function, which cannot use Lambda layers',
      'Copy the AWS FIS Lambda extension into the image (/opt/extensions and /opt/aws-fis) and set the environment yourself (lib/operations/README.md), or use a zip function.');
  }
  const arch = fn.architecture.name;
  const layerArn = ssm.StringParameter.valueForStringParameter(fn, extensionLayerParameter(arch));
  fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(owner, `FisExtension${Names.uniqueId(fn)}`, layerArn));
  fn.addEnvironment('AWS_LAMBDA_EXEC_WRAPPER', '/opt/aws-fis/bootstrap');
  fn.addEnvironment('AWS_FIS_CONFIGURATION_LOCATION', `${location.bucket.bucketArn}/${location.prefix}`);
  // So aws:lambda:invocation-error sees the fault before it judges an invocation (FIS actions reference).
  fn.addEnvironment('AWS_FIS_POLL_MAX_WAIT_MILLISECONDS', '2000');
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ListFisConfigLocation', actions: ['s3:ListBucket'], resources: [location.bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${location.prefix}*`] } },
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadFisConfigs', actions: ['s3:GetObject'], resources: [location.bucket.arnForObjects(`${location.prefix}*`)] }));
}

/** Acknowledge the IAM5 finding of the function role's GetObject statement (called at synth, see acknowledgeConfigLocation). */
export function acknowledgeFunctionRead(fn: lambda.Function, location: LambdaFaultConfigLocation): void {
  if (!fn.role) { return; }
  const rendered = renderForNag(Stack.of(fn).resolve(location.bucket.arnForObjects(`${location.prefix}*`)));
  if (rendered === undefined) { return; }
  acknowledgeNagFindings(fn.role, [{
    id: 'AwsSolutions-IAM5',
    reason: 'The AWS FIS Lambda extension reads the fault configurations FIS writes under the config prefix, with object names FIS chooses',
    appliesTo: [`Resource::${rendered}`],
  }]);
}
