import { App, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { RouteTarget, RouteTargetKind } from '../../lib/core';
import { httpTargetUrl, isQueueTarget } from '../../lib/core/route-target';

/**
 * RouteTarget.bind in core (the front door's tests reach it only through the router): what each kind
 * renders for the router, its defaults, and every grant it adds, KMS keys included (issue 21 classes 2 and 3).
 */
function setup() {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'Router', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, role };
}

/** An ARN as the CDK renders one in the stack's partition. */
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

/** The statements of the role's default policy, resolved. */
function statements(stack: Stack): Array<{ Action: unknown; Resource: unknown }> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('SageMaker endpoint: InvokeEndpoint on the lower-cased endpoint ARN in the target Region; 6 MB bodies', () => {
  const { stack, role } = setup();
  const target = RouteTarget.sageMakerEndpoint({ endpointName: 'Chat-Prod', region: 'us-west-2' });
  expect([target.kind, target.identity, target.description]).toEqual([RouteTargetKind.SAGEMAKER_ENDPOINT, 'sagemaker:us-west-2:Chat-Prod', 'SageMaker endpoint Chat-Prod']);
  expect(target.alarms).toEqual([]);
  expect(target.bind(stack, role)).toEqual({ kind: RouteTargetKind.SAGEMAKER_ENDPOINT, endpointName: 'Chat-Prod', region: 'us-west-2', maxBodyBytes: 6_291_456 });
  expect(statements(stack)).toEqual([{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: partitionArn(':sagemaker:us-west-2:111111111111:endpoint/chat-prod') }]);
});

test('SageMaker endpoint by ARN: the Region comes from the ARN, the ARN is granted as given; no Region without either', () => {
  const { stack, role } = setup();
  const arn = 'arn:aws:sagemaker:ap-south-1:222222222222:endpoint/chat';
  expect(RouteTarget.sageMakerEndpoint({ endpointName: 'chat', endpointArn: arn }).bind(stack, role)).toMatchObject({ region: 'ap-south-1' });
  expect(statements(stack)[0].Resource).toBe(arn);
  const local = setup();
  const config = RouteTarget.sageMakerEndpoint({ endpointName: 'chat' }).bind(local.stack, local.role);
  expect(config.region).toBeUndefined();
  expect(statements(local.stack)[0].Resource).toEqual(partitionArn(':sagemaker:eu-west-1:111111111111:endpoint/chat'));
  expect(RouteTarget.sageMakerEndpoint({ endpointName: 'chat' }).identity).toBe('sagemaker::chat');
  const arnWithoutRegion = setup();
  expect(RouteTarget.sageMakerEndpoint({ endpointName: 'c', endpointArn: 'arn:aws:sagemaker::1:endpoint/c' }).bind(arnWithoutRegion.stack, arnWithoutRegion.role).region).toBeUndefined();
});

test('Lambda: InvokeFunction on the function ARN; 4 MiB bodies', () => {
  const { stack, role } = setup();
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:111111111111:function:chat:live');
  const target = RouteTarget.lambdaAlias(fn);
  expect([target.kind, target.identity, target.description]).toEqual([RouteTargetKind.LAMBDA, 'lambda:arn:aws:lambda:eu-west-1:111111111111:function:chat:live', 'Lambda S/Fn']);
  expect(target.bind(stack, role)).toEqual({ kind: RouteTargetKind.LAMBDA, functionName: 'arn:aws:lambda:eu-west-1:111111111111:function:chat:live', maxBodyBytes: 4 * 1024 * 1024 });
  expect(statements(stack)).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:chat:live' }]);
});

test('HTTP: no grant; the URL and 6 MB bodies', () => {
  const { stack, role } = setup();
  const target = RouteTarget.http({ url: 'https://chat.example.com/v1' });
  expect([target.kind, target.identity, target.description]).toEqual([RouteTargetKind.HTTP, 'http:https://chat.example.com/v1', 'URL https://chat.example.com/v1']);
  expect(target.bind(stack, role)).toEqual({ kind: RouteTargetKind.HTTP, url: 'https://chat.example.com/v1', maxBodyBytes: 6_291_456 });
  expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toEqual({});
  expect(httpTargetUrl(target)).toBe('https://chat.example.com/v1');
  expect(httpTargetUrl(RouteTarget.sageMakerEndpoint({ endpointName: 'x' }))).toBeUndefined();
  expect(isQueueTarget(target)).toBe(false);
});

test('queue, defaults: results under results/, 256 KiB messages, no failure reports; SendMessage and GetObject on the prefix only', () => {
  const { stack, role } = setup();
  const queue = new sqs.Queue(stack, 'Jobs', { encryption: sqs.QueueEncryption.SQS_MANAGED });
  const bucket = new s3.Bucket(stack, 'Results');
  const target = RouteTarget.queue({ queue, results: { bucket } });
  expect(isQueueTarget(target)).toBe(true);
  expect([target.kind, target.description]).toEqual([RouteTargetKind.QUEUE, 'queue S/Jobs']);
  const q = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
  const b = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  expect(stack.resolve(target.identity)).toEqual({ 'Fn::Join': ['', ['queue:', { 'Fn::GetAtt': [q, 'Arn'] }]] });
  const config = target.bind(stack, role);
  expect(stack.resolve(config)).toEqual({
    kind: RouteTargetKind.QUEUE, queueUrl: { Ref: q }, bucketName: { Ref: b },
    resultsPrefix: 'results/', failuresPrefix: undefined, maxMessageBytes: 262_144, maxBodyBytes: 6_291_456,
  });
  expect(statements(stack)).toEqual([
    { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [q, 'Arn'] } },
    { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [b, 'Arn'] }, '/results/*']] } },
  ]);
  // the prefix wildcard is acknowledged for cdk-nag on the grantee, with the reason
  const roleJson = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  expect(roleJson).toContain('AwsSolutions-IAM5');
  expect(roleJson).toContain('Job results are objects named by job id under the results prefix: s3:GetObject on that prefix only, no other bucket access.');
  expect(roleJson).toContain(`Resource::<${b}.Arn>/results/*`);
});

test('queue with KMS keys, failure reports and a message size: kms:Decrypt + GenerateDataKey on the queue key, kms:Decrypt on the bucket key, both prefixes', () => {
  const { stack, role } = setup();
  const queueKey = new kms.Key(stack, 'QueueKey');
  const bucketKey = new kms.Key(stack, 'BucketKey');
  const queue = new sqs.Queue(stack, 'Jobs', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: queueKey });
  const bucket = new s3.Bucket(stack, 'Results', { encryption: s3.BucketEncryption.KMS, encryptionKey: bucketKey });
  const config = RouteTarget.queue({ queue, results: { bucket, prefix: 'out/', failuresPrefix: 'failed/' }, maxMessageSize: Size.kibibytes(1024) }).bind(stack, role);
  expect([config.resultsPrefix, config.failuresPrefix, config.maxMessageBytes]).toEqual(['out/', 'failed/', 1_048_576]);
  const s = statements(stack);
  expect(s).toContainEqual({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [stack.getLogicalId(queueKey.node.defaultChild as kms.CfnKey), 'Arn'] } });
  expect(s).toContainEqual({ Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [stack.getLogicalId(bucketKey.node.defaultChild as kms.CfnKey), 'Arn'] } });
  const objects = s.find((x) => x.Action === 's3:GetObject')!.Resource as unknown[];
  expect(objects.map((r: any) => r['Fn::Join'][1][1])).toEqual(['/out/*', '/failed/*']);
});

test('withAlarms keeps the kind, identity and config; alarms given at creation are kept', () => {
  const { stack, role } = setup();
  const alarm = { alarmArn: 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:a', alarmName: 'a' } as never;
  const target = RouteTarget.http({ url: 'https://x', alarms: [alarm] });
  expect(target.alarms).toEqual([alarm]);
  const copy = target.withAlarms([]);
  expect(copy.bind(stack, role)).toEqual(target.bind(stack, role));
  expect(httpTargetUrl(copy)).toBe('https://x');
  expect(copy.alarms).toEqual([]);
});
