import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, ServingImage } from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { NagCheck } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';

// Issue 16 item 1: a stack built from the lane with its defaults has no unsuppressed cdk-nag
// finding and no user suppression; the lane acknowledges only the granular findings of its own design.

function build(props: Partial<QueueDrainedWorkersProps> = {}, env?: { account: string; region: string }, extra?: (s: Stack) => void): { stack: Stack; w: QueueDrainedWorkers } {
  const stack = new Stack(new App(), 'S', { env });
  const w = new QueueDrainedWorkers(stack, 'W', {
    artifact: demoArtifact(),
    jobTimeout: Duration.minutes(2),
    autoscaling: AutoscalingPolicy.fixed(2),
    ...props,
  });
  extra?.(stack);
  return { stack, w };
}

function findings(stack: Stack): string[] {
  const r = NagCheck.check(stack);
  return [...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`);
}

describe('QueueDrainedWorkers: zero unsuppressed cdk-nag findings with defaults, no user suppression', () => {
  test.each([
    ['environment-agnostic', undefined],
    ['eu-west-1', { account: '111122223333', region: 'eu-west-1' }],
  ])('defaults (%s stack)', (_, env) => {
    expect(findings(build({}, env).stack)).toEqual([]);
  });

  test('GPU workers on ECS Managed Instances (the default: infrastructure and instance roles scoped to the lane) stay clean', () => {
    const { stack } = build({ hardware: HardwareTarget.NVIDIA_GPU });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::ECS::CapacityProvider'))).toHaveLength(1);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup'))).toHaveLength(0);
    expect(findings(stack)).toEqual([]);
  });

  test('GPU workers on EC2 capacity (Auto Scaling group, container-instance role) stay clean', () => {
    const { stack } = build({ hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.autoScalingGroup() });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup'))).toHaveLength(1);
    expect(findings(stack)).toEqual([]);
  });

  test('task protection (ecs task ARNs of the lane cluster) stays clean', () => {
    expect(findings(build({ inFlightJobs: InFlightJobHandling.PROTECT_TASK }).stack)).toEqual([]);
  });

  test('a results bucket the user passes: the prefix grants are still acknowledged on the lane task role', () => {
    const s = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(s, 'Mine', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
    new QueueDrainedWorkers(s, 'W', { artifact: demoArtifact(), jobTimeout: Duration.minutes(2), autoscaling: AutoscalingPolicy.fixed(2), resultsBucket: bucket });
    expect(findings(s)).toEqual([]);
  });
});

describe('the acknowledgements are not blanket', () => {
  test("a user's own wildcard policy still reports", () => {
    const { stack } = build({}, undefined, s => {
      new iam.Role(s, 'Mine', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') })
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::other/*'] }));
    });
    expect(findings(stack)).toEqual(['S/Mine/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::other/*]']);
  });

  test("a wildcard the user adds to the managed-instances infrastructure role still reports (Resource::* is acknowledged only on the lane's Describe policy)", () => {
    const { stack, w } = build({ hardware: HardwareTarget.NVIDIA_GPU });
    w.managedInstancesCapacityProvider!.infrastructureRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:TerminateInstances'], resources: ['*'] }));
    expect(findings(stack)).toEqual(['S/W/InfrastructureRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]']);
  });

  test('environment variables the user adds make ECS2 theirs to judge (not acknowledged)', () => {
    expect(findings(build({ environment: { API_TOKEN_NAME: 'x' } }).stack)).toEqual(['S/W/TaskDefinition/Resource AwsSolutions-ECS2']);
  });

  test('an access-log bucket given: S1 is fixed, not acknowledged', () => {
    const s = new Stack(new App(), 'S');
    const logsBucket = new s3.Bucket(s, 'AccessLogs', { enforceSSL: true });
    new QueueDrainedWorkers(s, 'W', {
      artifact: ModelArtifact.fromBucket(logsBucket, 'm/model.tar.gz', { name: 'm', version: '1', framework: 'pytorch', targets: [HardwareTarget.CPU_X86_64], image: ServingImage.fromRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com/m:1') }),
      jobTimeout: Duration.minutes(2), autoscaling: AutoscalingPolicy.fixed(2), resultsAccessLogsBucket: logsBucket,
    });
    expect(findings(s)).toEqual([]);
    expect(JSON.stringify(Template.fromStack(s).toJSON())).not.toContain('AwsSolutions-S1');
  });
});
