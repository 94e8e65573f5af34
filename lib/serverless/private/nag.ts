import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';

/** What the lane created, for {@link acknowledgeServerlessFindings}. */
export interface ServerlessNagFacts {
  readonly role: iam.IRole;
  readonly onFailureQueue: sqs.IQueue;
  /** True when the lane created the on-failure queue (not passed by the user). */
  readonly laneQueue: boolean;
  readonly deploymentGroup?: codedeploy.ILambdaDeploymentGroup;
}

/**
 * Acknowledge the cdk-nag findings the warm serverless lane's own design causes, on the resources
 * it created (README "cdk-nag"). Nothing else is covered: a user's statement on another resource,
 * or another action wildcard on the lane role, still reports.
 * @internal
 */
export function acknowledgeServerlessFindings(f: ServerlessNagFacts): void {
  if (f.laneQueue) {
    acknowledgeNagFindings(f.onFailureQueue, [{
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of asynchronous invocations (the dead-letter store); a DLQ behind it would only move the same messages again.',
    }]);
  }
  if (f.onFailureQueue.encryptionMasterKey) {
    acknowledgeNagFindings(target(f.role), [{
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
      reason: 'What sqs.grantSendMessages needs to write to the KMS-encrypted on-failure queue; the statement is scoped to that queue key ARN.',
    }]);
  }
  const group = f.deploymentGroup as IConstruct | undefined;
  const serviceRole = group?.node.tryFindChild('ServiceRole');
  if (serviceRole) {
    acknowledgeNagFindings(serviceRole, [{
      id: 'AwsSolutions-IAM4',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited'],
      reason: 'AWSCodeDeployRoleForLambdaLimited is the AWS-documented service role for CodeDeploy Lambda traffic shifting (UpdateAlias/GetAlias, DescribeAlarms, hooks named CodeDeployHook_*); it is not a FullAccess policy.',
    }]);
  }
}

/** The role's DefaultPolicy when it has one (the cdk_nag template metadata lands on the policy). */
function target(role: iam.IRole): IConstruct {
  return role.node.tryFindChild('DefaultPolicy') ?? role;
}
