import { Annotations, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { ModelArtifact, ModelArtifactBinding } from '../../core/model-artifact';

/** What the lane's security pieces are built from. @internal */
export interface SecurityProps {
  readonly artifact: ModelArtifact;
  readonly encryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/** The key, role and log group. @internal */
export interface Security {
  readonly key: kms.IKey;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * `Key` (rotating; CloudWatch Logs may use it for this account's log groups), `Role` (writes its own
 * log group, decrypts its environment; the lane's `bindModel` then grants it read on exactly the
 * weights) and `LogGroup`. The grants are added in this order so the role's policy reads logs, key,
 * weights, then queue.
 * @internal
 */
export function buildSecurity(scope: Construct, props: SecurityProps): Security {
  const { artifact } = props;
  const key = props.encryptionKey ?? new kms.Key(scope, 'Key', {
    enableKeyRotation: true,
    description: `Environment, logs and failed events of the ${artifact.name} warm serverless lane (${scope.node.path})`,
  });
  allowLogs(scope, key);
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${scope.node.path}: reads ${artifact.name}@${artifact.version}, writes its own logs`,
  });
  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: props.logRetention, encryptionKey: key });
  logGroup.grantWrite(role);
  key.grantDecrypt(role);
  return { key, role, logGroup };
}

/**
 * Lambda loads weights from S3 only: a SageMaker model package (no S3 location) is an error.
 * Returns the binding, now known to carry `modelDataUrl`.
 * @internal
 */
export function checkLambdaCanLoad(scope: Construct, binding: ModelArtifactBinding): ModelArtifactBinding {
  if (binding.modelPackageArn !== undefined || binding.modelDataUrl === undefined) {
    throw invalid(scope, 'artifact', `${binding.name}@${binding.version}`, 'is a SageMaker model package, which Lambda cannot load',
      'Use ModelArtifact.fromAsset or ModelArtifact.fromBucket so the function can fetch the weights from S3.');
  }
  return binding;
}

/** `OnFailureQueue`: failed asynchronous invocations, KMS-encrypted with the lane key, TLS-only, kept 14 days. @internal */
export function buildOnFailureQueue(scope: Construct, key: kms.IKey): sqs.IQueue {
  return new sqs.Queue(scope, 'OnFailureQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}

/**
 * CloudWatch Logs encrypts the log group with the key; scoped to this account's log groups. Added to
 * a key this app owns (the lane's, or a `kms.Key` passed in); an imported key's policy is not ours to
 * change, and without the statement the log group fails to create: say so.
 */
function allowLogs(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  const result = key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
  }));
  if (!result.statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:imported-key',
      `encryptionKey (${key.keyArn}) is imported, so the lane cannot add the key-policy statement CloudWatch Logs needs to encrypt the log group: make sure its key policy allows logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* (condition kms:EncryptionContext:aws:logs:arn), or the log group fails to create.`);
  }
}
