import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { acknowledgeNagFindings, NagFindingAcknowledgement } from '../../core/private/nag';
import { nagResource } from '../../core/private/nag-ref';

/** What the lane created and granted, for {@link acknowledgeWorkerFindings}. */
export interface WorkerNagFacts {
  readonly taskRole: iam.IRole;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly resultsBucket: s3.IBucket;
  /** The lane created the results bucket and no access-log bucket was given. */
  readonly laneBucketWithoutAccessLogs: boolean;
  readonly resultsPrefix: string;
  readonly failuresPrefix: string;
  /** The task role was granted use of a KMS key (encrypted queue or results bucket). */
  readonly keyGranted: boolean;
  /** The user added environment variables of their own (then ECS2 is theirs to judge). */
  readonly userEnvironment: boolean;
  /** The task-protection statement's ARN pattern (InFlightJobHandling.PROTECT_TASK), if granted. */
  readonly taskProtectionArn?: string;
}

/**
 * Acknowledge the cdk-nag findings the queue-drained workers' own design causes, on the resources
 * the lane created (README "cdk-nag"). Each IAM5 acknowledgement names the granular finding, so a
 * user's own wildcard (another action or resource) still reports.
 * @internal
 */
export function acknowledgeWorkerFindings(scope: IConstruct, f: WorkerNagFacts): void {
  const task: NagFindingAcknowledgement[] = [{
    id: 'AwsSolutions-IAM5',
    appliesTo: [nagResource(scope, f.resultsBucket.arnForObjects(`${f.resultsPrefix}*`)), nagResource(scope, f.resultsBucket.arnForObjects(`${f.failuresPrefix}*`)), 'Action::s3:Abort*'],
    reason: 'Workers write result and failure objects whose keys are job IDs, known only at run time (Bucket.grantPut on the results and failures prefixes only, including AbortMultipartUpload for large results).',
  }];
  if (f.keyGranted) {
    task.push({
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
      reason: 'What the SQS consume and S3 put grants need for SSE-KMS; the statement resource is the lane key ARN only.',
    });
  }
  if (f.taskProtectionArn) {
    task.push({
      id: 'AwsSolutions-IAM5',
      appliesTo: [nagResource(scope, f.taskProtectionArn)],
      reason: 'ecs:UpdateTaskProtection/GetTaskProtection on the tasks of the lane cluster: task IDs are known only at run time.',
    });
  }
  acknowledgeNagFindings(policyOf(f.taskRole), task);

  const executionRole = f.taskDefinition.executionRole;
  if (executionRole) {
    acknowledgeNagFindings(policyOf(executionRole), [{
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
      reason: 'ecr:GetAuthorizationToken, which has no resource-level permissions (granted by ECS for the image pull); the pull itself is scoped to the serving image repository.',
    }]);
  }
  if (!f.userEnvironment) {
    acknowledgeNagFindings(f.taskDefinition, [{
      id: 'AwsSolutions-ECS2',
      reason: 'The lane environment holds only non-secret configuration: queue URL, bucket name, key prefixes, model URI, version, digest and card. Variables you add are yours to review.',
    }]);
  }
  if (f.laneBucketWithoutAccessLogs) {
    acknowledgeNagFindings(f.resultsBucket, [{
      id: 'AwsSolutions-S1',
      reason: 'Results are written only by the workers task role (versioned, SSL-only, encrypted); CloudTrail S3 data events are the audit trail. Pass resultsAccessLogsBucket to add server access logs.',
    }]);
  }
}

function policyOf(role: iam.IRole): IConstruct {
  return role.node.tryFindChild('DefaultPolicy') ?? role;
}

/**
 * Acknowledge the findings of the GPU container instances (EC2 capacity the lane creates for
 * `NVIDIA_GPU` workers): written by aws-cdk-lib's `Cluster.addAsgCapacityProvider`.
 * @internal
 */
export function acknowledgeGpuCapacityFindings(autoScalingGroup: IConstruct, instanceRole: iam.IRole): void {
  acknowledgeNagFindings(autoScalingGroup, [{
    id: 'AwsSolutions-AS3',
    reason: 'ECS managed scaling (the capacity provider) drives this group from the task count; its scaling activities are in the group activity history and ECS service events, and the lane pages on the queue age, not on instance events.',
  }]);
  acknowledgeNagFindings(policyOf(instanceRole), [{
    id: 'AwsSolutions-IAM5',
    appliesTo: ['Resource::*', 'Action::ecs:Submit*'],
    reason: 'The ECS container agent permissions aws-cdk-lib grants for EC2 capacity (as in AmazonEC2ContainerServiceforEC2Role): DiscoverPollEndpoint, ecr:GetAuthorizationToken and logs calls have no resource-level permissions; Poll, RegisterContainerInstance, StartTelemetrySession and Submit* state changes are limited to the lane cluster by condition or ARN.',
  }]);
}
