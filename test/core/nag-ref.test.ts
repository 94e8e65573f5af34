import { App, ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { nagResource, nagText } from '../../lib/core/private/nag-ref';

// The text cdk-nag uses for a value in a granular finding id (its flattenCfnReference of the
// resolved value), so lanes can acknowledge exactly the findings their own ARNs cause.

test('an ARN of an environment-agnostic stack: pseudo parameters as <AWS::...>', () => {
  const stack = new Stack(new App(), 'S');
  const arn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/Endpoints/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  expect(nagResource(stack, arn)).toBe('Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*');
});

test('a concrete environment: the literal region and account', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const arn = stack.formatArn({ service: 'iot', resource: 'job', resourceName: '*' });
  expect(nagText(stack, arn)).toBe('arn:<AWS::Partition>:iot:eu-west-1:111122223333:job/*');
});

test('Fn::GetAtt and Ref become <Id.Attr> and <Id>; Fn::Sub placeholders become <...>', () => {
  const stack = new Stack(new App(), 'S');
  const bucket = new s3.Bucket(stack, 'Results');
  const id = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  expect(id).toMatch(/^Results[0-9A-F]{8}$/);
  expect(nagResource(stack, bucket.arnForObjects('results/*'))).toBe(`Resource::<${id}.Arn>/results/*`);
  expect(nagText(stack, bucket.bucketName)).toBe(`<${id}>`);
  expect(nagText(stack, Fn.sub('arn:${AWS::Partition}:s3:::x/*'))).toBe('arn:<AWS::Partition>:s3:::x/*');
  expect(nagText(stack, 'plain')).toBe('plain');
});
