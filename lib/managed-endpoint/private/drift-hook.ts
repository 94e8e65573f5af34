import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';

/**
 * The EventBridge target of a drift monitor's retraining hook. Internal.
 *
 * - state machine: aws-events-targets' `SfnStateMachine` (a role EventBridge assumes with
 *   `states:StartExecution` on exactly that state machine);
 * - SageMaker pipeline: a role EventBridge assumes with `sagemaker:StartPipelineExecution` on exactly
 *   that pipeline ARN (the target's ARN is the pipeline ARN; the pipeline runs with its default parameters);
 * - SNS topic: aws-events-targets' `SnsTopic` (a topic policy letting events.amazonaws.com publish;
 *   no role).
 */
export type HookSpec =
  | { readonly kind: 'stateMachine'; readonly stateMachine: sfn.IStateMachine }
  | { readonly kind: 'pipeline'; readonly pipelineArn: string }
  | { readonly kind: 'topic'; readonly topic: sns.ITopic };

const PIPELINE_ARN_RE = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

/** Reject a pipeline ARN that is not one (concrete values only). */
export function checkPipelineArn(scope: Construct | string, arn: string): void {
  if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !PIPELINE_ARN_RE.test(arn))) {
    throw invalid(scope, 'retrainingHook', arn, 'is not a SageMaker pipeline ARN',
      "Pass RetrainingHook.sageMakerPipeline('arn:aws:sagemaker:<region>:<account>:pipeline/<name>').");
  }
}

/** The rule target of the hook (the pipeline's role is created under `scope`). */
export function hookTarget(scope: Construct, hook: HookSpec): events.IRuleTarget {
  switch (hook.kind) {
    case 'stateMachine':
      return new targets.SfnStateMachine(hook.stateMachine);
    case 'topic':
      return new targets.SnsTopic(hook.topic);
    case 'pipeline': {
      const role = new iam.Role(scope, 'RetrainingHookRole', {
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
        description: `EventBridge starts the retraining pipeline of ${scope.node.path}`,
      });
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:StartPipelineExecution'], resources: [hook.pipelineArn] }));
      return { bind: () => ({ arn: hook.pipelineArn, role }) };
    }
  }
}
