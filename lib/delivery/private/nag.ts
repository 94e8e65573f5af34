import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { nagResource, nagText } from '../../core/private/nag-ref';

/**
 * The cdk-nag findings inherent in aws-cdk-lib's CodePipeline and CodeBuild grants, acknowledged
 * granularly on the delivery pipeline's own roles (never on the user's resources):
 * - every action role reads and writes pipeline artifacts: `s3:GetObject*`, `s3:List*`, ... on
 *   `<artifact bucket>/*` and `kms:GenerateDataKey*`/`kms:ReEncrypt*` on the artifact key;
 * - every CodeBuild role writes its own log group (`/aws/codebuild/<project>:*`) and report groups
 *   (`report-group/<project>-*`);
 * - the artifact bucket has no server access logs.
 */
export function acknowledgeInherentFindings(pipeline: codepipeline.Pipeline, projects: codebuild.PipelineProject[]): void {
  const bucketObjects = nagResource(pipeline, pipeline.artifactBucket.arnForObjects('*'));
  const artifactActions = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'].map((a) => `Action::${a}`);
  const artifactReason = "aws-cdk-lib's CodePipeline grants: read and write of this pipeline's artifact bucket objects and use of its KMS key (the action groups are the library's)";
  // The pipeline's role and the roles aws-cdk-lib creates for its source actions, all inside the pipeline.
  const pipelineRoles: IConstruct[] = pipeline.node.findAll().filter((c) => c instanceof iam.Role);
  for (const role of pipelineRoles) {
    acknowledgeNagFindings(role, [{ id: 'AwsSolutions-IAM5', reason: artifactReason,
      appliesTo: [...artifactActions, 'Action::s3:Abort*', 'Action::s3:DeleteObject*', bucketObjects] }]);
  }
  for (const project of projects) {
    const stack = Stack.of(project);
    const region = nagText(project, stack.region);
    const account = nagText(project, stack.account);
    const name = nagText(project, project.projectName);
    acknowledgeNagFindings(project.role!, [{
      id: 'AwsSolutions-IAM5',
      reason: `${artifactReason}; the project's own CloudWatch log group and CodeBuild report groups (named after the project)`,
      appliesTo: [
        ...artifactActions, bucketObjects,
        `Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/codebuild/${name}:*`,
        `Resource::arn:<AWS::Partition>:codebuild:${region}:${account}:report-group/${name}-*`,
      ],
    }]);
  }
  acknowledgeNagFindings(pipeline.artifactBucket, [{ id: 'AwsSolutions-S1',
    reason: 'The artifact bucket holds transient pipeline artifacts (KMS-encrypted, TLS only, no public access); CodePipeline and CloudTrail record who starts and reads executions' }]);
}
