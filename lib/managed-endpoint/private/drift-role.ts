import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NagFindingAcknowledgement, acknowledgeNagFindings } from '../../core/private/nag';
import { nagResource } from '../../core/private/nag-ref';
import { DataCaptureLocation } from '../data-capture';

/**
 * The execution role of the drift monitor's processing jobs and its cdk-nag acknowledgements. Internal.
 *
 * The job reads the endpoint's captures (prefix only) and the two baseline files, writes its reports
 * under the report prefix, publishes `aws/sagemaker/Endpoints/data-metrics` metrics, writes its logs
 * under `/aws/sagemaker/ProcessingJobs` and pulls the analyzer image.
 */
export const DATA_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';

export interface DriftRoleParts {
  readonly capture: DataCaptureLocation;
  readonly baselineBucket: s3.IBucket;
  readonly baselineObjects: string[];
  readonly baselineKey?: kms.IKey;
  readonly reportBucket: s3.IBucket;
  readonly reportPrefix: string;
  readonly reportKey?: kms.IKey;
  /** ECR repository ARN of the default analyzer image; undefined for a user image. */
  readonly imageRepositoryArn?: string;
}

/** Create the role (construct ID `JobRole`) and grant it exactly what the job needs. */
export function createDriftRole(scope: Construct, p: DriftRoleParts): iam.Role {
  const role = new iam.Role(scope, 'JobRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Model Monitor data-quality jobs of ${scope.node.path}`,
  });
  const stack = Stack.of(scope);
  const { capture } = p;
  capture.bucket.grantRead(role, `${capture.prefix}*`);
  capture.encryptionKey?.grantDecrypt(role);
  for (const key of p.baselineObjects) { p.baselineBucket.grantRead(role, key); }
  p.baselineKey?.grantDecrypt(role);
  p.reportBucket.grantPut(role, `${p.reportPrefix}*`);
  p.reportKey?.grantEncrypt(role);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': DATA_METRICS_NAMESPACE } },
  }));
  const logGroups = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/ProcessingJobs*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [logGroups],
  }));
  if (p.imageRepositoryArn) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], resources: [p.imageRepositoryArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  }
  const findings: NagFindingAcknowledgement[] = [
    {
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
      reason: 'Only actions without resource-level permissions: cloudwatch:PutMetricData (limited to the aws/sagemaker/Endpoints/data-metrics namespace by a condition) and ecr:GetAuthorizationToken (the image pull itself is scoped to the analyzer repository).',
    },
    {
      id: 'AwsSolutions-IAM5',
      appliesTo: [nagResource(scope, logGroups)],
      reason: 'Processing-job log groups and streams are named per job at run time (/aws/sagemaker/ProcessingJobs prefix only).',
    },
    {
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        nagResource(scope, capture.bucket.arnForObjects(`${capture.prefix}*`)),
        nagResource(scope, p.reportBucket.arnForObjects(`${p.reportPrefix}*`)),
        'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:Abort*',
      ],
      reason: 'The job reads the captures SageMaker writes under the capture prefix (keys by hour, known at run time) and writes its reports under the report prefix; grants are limited to those prefixes.',
    },
  ];
  if (capture.encryptionKey || p.baselineKey || p.reportKey) {
    findings.push({
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
      reason: 'Decrypt the captures and encrypt the reports with the keys of those buckets only (statement resources are those key ARNs).',
    });
  }
  acknowledgeNagFindings(role.node.tryFindChild('DefaultPolicy') ?? role, findings);
  return role;
}
