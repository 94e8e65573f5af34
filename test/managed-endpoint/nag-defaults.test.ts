import { App, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointMode, ManagedEndpoint, ManagedEndpointProps } from '../../lib/managed-endpoint';
import { NagCheck } from '../../lib/testing';
import { artifact, ENV } from './helpers';

// Issue 16 item 1: a stack built from the lane with its defaults has no unsuppressed cdk-nag
// finding and no user suppression; the lane acknowledges only the granular findings of its own design.

function build(props: Partial<ManagedEndpointProps> = {}, env: typeof ENV | undefined = ENV, extra?: (s: Stack) => void): { stack: Stack; endpoint: ManagedEndpoint } {
  const stack = new Stack(new App(), 'S', { env });
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    ...props,
  });
  extra?.(stack);
  return { stack, endpoint };
}

function findings(stack: Stack): string[] {
  const r = NagCheck.check(stack);
  return [...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`);
}

describe('ManagedEndpoint: zero unsuppressed cdk-nag findings with defaults, no user suppression', () => {
  test.each([
    ['eu-west-1 stack', ENV],
    ['environment-agnostic stack (<AWS::Region> in the ARNs)', undefined],
  ])('defaults (%s)', (_, env) => {
    expect(findings(build({}, env).stack)).toEqual([]);
  });

  test('serverless inference mode', () => {
    expect(findings(build({ mode: EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 10 }) }).stack)).toEqual([]);
  });

  test('data capture and async inference on the lane bucket and key', () => {
    const { stack } = build({
      mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.xlarge' }),
      dataCapture: { samplingPercent: 10 },
    });
    expect(findings(stack)).toEqual([]);
  });

  test('a VPC endpoint (ENI actions on *) and a fixed endpointName (only the log-stream wildcard) stay clean', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'models', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, endpointName: 'assistant',
    });
    // Only the user's VPC (flow logs, EC2 rules) may report: nothing under the endpoint.
    expect(findings(stack).filter(f => f.startsWith('S/Endpoint/'))).toEqual([]);
  });

  test('the acknowledgements are written to the template (cdk_nag metadata with the granular ids and reasons)', () => {
    const t = Template.fromStack(build().stack);
    const policy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('EndpointExecutionRoleDefaultPolicy'))![1];
    const ack = policy.Metadata.cdk_nag.rules_to_suppress;
    // cdk-nag 2's format keeps one entry per rule id (granular items merged under it).
    expect(ack).toHaveLength(1);
    expect(ack[0].id).toBe('AwsSolutions-IAM5');
    expect(ack[0].reason).toMatch(/^Only actions without resource-level permissions: cloudwatch:PutMetricData \(limited by a cloudwatch:namespace condition\), ecr:GetAuthorizationToken/);
    expect(ack[0].applies_to).toEqual([
      'Resource::*',
      'Resource::arn:<AWS::Partition>:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/Endpoints/*',
      'Resource::arn:<AWS::Partition>:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/Endpoints/*:log-stream:*',
    ]);
  });
});

describe('the acknowledgements are not blanket', () => {
  test("a user's own wildcard policy still reports", () => {
    const { stack } = build({}, ENV, s => {
      const mine = new iam.Role(s, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      mine.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    });
    expect(findings(stack)).toEqual(['S/Mine/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]']);
  });

  test('another action wildcard added to the lane role still reports', () => {
    const { stack, endpoint } = build();
    endpoint.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::other-bucket'] }));
    expect(findings(stack)).toEqual(['S/Endpoint/ExecutionRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action::s3:*]']);
  });

  test('a role the user passes is the user\'s: its findings are not acknowledged by the lane', () => {
    const s2 = new Stack(new App(), 'S', { env: ENV });
    const role = new iam.Role(s2, 'Theirs', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    new ManagedEndpoint(s2, 'Endpoint', { artifact: artifact(s2), mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), role });
    expect(findings(s2)).toEqual(expect.arrayContaining(['S/Theirs/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]']));
  });
});
