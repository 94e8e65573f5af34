import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, Rollout, ServiceLevelObjective, ServingImage } from '../../lib';
import { WarmServerlessFunction, WarmServerlessFunctionProps } from '../../lib/serverless';
import { NagCheck } from '../../lib/testing';
import { FP32 } from './fixtures';

// Issue 16 item 1: a stack built from the lane with its defaults has no unsuppressed cdk-nag
// finding and no user suppression; the lane acknowledges only the granular findings of its own design.

/** The defaults: a container function from the artifact's ECR image in the function's Region. */
function build(props: Partial<WarmServerlessFunctionProps> = {}, extra?: (s: Stack) => void): { stack: Stack; fn: WarmServerlessFunction } {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const fn = new WarmServerlessFunction(stack, 'Fn', {
    artifact: ModelArtifact.fromAsset(FP32, {
      name: 'assistant', version: '1.0.0', framework: 'pytorch', targets: [HardwareTarget.CPU_ARM64],
      image: ServingImage.fromRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com/assistant:1.0.0'),
    }),
    autoscaling: AutoscalingPolicy.fixed(2),
    ...props,
  });
  extra?.(stack);
  return { stack, fn };
}

function findings(stack: Stack): string[] {
  const r = NagCheck.check(stack);
  return [...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`);
}

describe('WarmServerlessFunction: zero unsuppressed cdk-nag findings with defaults, no user suppression', () => {
  test('defaults', () => {
    expect(findings(build().stack)).toEqual([]);
  });

  test('with an SLO and a canary rollout (CodeDeploy deployment group and its service role)', () => {
    const { stack, fn } = build({
      slo: ServiceLevelObjective.latency(95, Duration.millis(300)),
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    });
    expect(fn.deploymentGroup).toBeDefined();
    expect(findings(stack)).toEqual([]);
  });
});

describe('the acknowledgements are not blanket', () => {
  test("a user's own wildcard policy still reports", () => {
    const { stack } = build({}, s => {
      new iam.Role(s, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*'], resources: ['*'] }));
    });
    expect(findings(stack)).toEqual([
      'S/Mine/DefaultPolicy/Resource AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'S/Mine/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
    ]);
  });

  test('an on-failure queue the user passes is not acknowledged (SQS3 is theirs to judge)', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    const queue = new sqs.Queue(stack, 'Failures', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
    new WarmServerlessFunction(stack, 'Fn', {
      artifact: ModelArtifact.fromAsset(FP32, {
        name: 'assistant', version: '1.0.0', framework: 'pytorch', targets: [HardwareTarget.CPU_ARM64],
        image: ServingImage.fromRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com/assistant:1.0.0'),
      }),
      autoscaling: AutoscalingPolicy.fixed(2),
      onFailureQueue: queue,
    });
    expect(findings(stack)).toEqual(['S/Failures/Resource AwsSolutions-SQS3']);
  });
});
