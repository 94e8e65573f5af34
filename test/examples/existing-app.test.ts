import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createExistingAppStack } from '../../examples/existing-app';
import { CfnLint, NagCheck } from '../../lib/testing';

const stack = createExistingAppStack(new App(), 'ExistingApp');
const template = Template.fromStack(stack);

test('brings the VPC, cluster, queue, bucket and repository by interface: none is created', () => {
  for (const type of ['AWS::EC2::VPC', 'AWS::ECS::Cluster', 'AWS::SQS::Queue', 'AWS::ECR::Repository', 'AWS::KMS::Key']) {
    expect([type, Object.keys(template.findResources(type)).length]).toEqual([type, type === 'AWS::KMS::Key' ? 1 : 0]);
  }
});

test('the endpoint reads exactly the registry object and runs in the platform VPC with network isolation', () => {
  template.hasResourceProperties('AWS::SageMaker::Model', {
    EnableNetworkIsolation: true,
    VpcConfig: Match.objectLike({ Subnets: ['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f'] }),
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [Match.stringLikeRegexp('arn:'), Match.anyValue(), ':s3:::acme-ml-models/assistant/1.4.0/model.tar.gz']] },
    })]) },
  });
});

test('the workers drain the existing queue on the existing cluster', () => {
  template.hasResourceProperties('AWS::ECS::Service', { Cluster: 'acme-batch' });
  const td = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any;
  const env = td.Properties.ContainerDefinitions[0].Environment.find((e: any) => e.Name === 'JOB_QUEUE_URL');
  expect(JSON.stringify(env.Value)).toContain('transcript-summaries');
});

test('the existing frontend role may invoke the endpoint and submit jobs', () => {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: ['acme-chat-frontend'],
    PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Action: 'sagemaker:InvokeEndpoint' }),
      Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']) }),
    ]) },
  });
});

test('passes cfn-lint and cdk-nag', () => {
  expect(CfnLint.format(CfnLint.lintStack(stack).errors)).toBe('');
  expect(NagCheck.format(NagCheck.check(stack).errors)).toBe('');
});

test('snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});
