import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The router's key and log group (house style of the Lambda lanes: own rotated key, one-month retention). */
export function buildLogging(scope: Construct, props: { encryptionKey?: kms.IKey; logRetention?: logs.RetentionDays }): { key: kms.IKey; logGroup: logs.LogGroup } {
  const stack = Stack.of(scope);
  const key = props.encryptionKey ?? new kms.Key(scope, 'Key', {
    enableKeyRotation: true,
    description: `Logs and environment of the front door router ${scope.node.path}`,
  });
  if (!props.encryptionKey) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
    }));
  }
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    encryptionKey: key,
  });
  return { key, logGroup };
}
