import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoscalingPolicy, ScalingTrigger } from '../../lib';
import { QueueDrainedWorkers } from '../../lib/batch-workers';
import { RequestCaptureOptions } from '../../lib/core';
import { demoArtifact } from '../../examples/shared/artifact';

// Issue 20 part 4: sampled request capture for the batch lane (shared builder in
// lib/serverless/request-capture.ts; schema documented in the serverless README "Request capture").

function roleStatements(t: Template, rolePrefix: string): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(rolePrefix) }] } }))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('QueueDrainedWorkers requestCapture', () => {
  function workers(capture?: (s: Stack) => RequestCaptureOptions, env?: { [k: string]: string }) {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    new QueueDrainedWorkers(stack, 'W', {
      artifact: demoArtifact(),
      jobTimeout: Duration.seconds(60),
      autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
      requestCapture: capture?.(stack),
      environment: env,
    });
    return Template.fromStack(stack);
  }
  const containerEnv = (t: Template) => Object.fromEntries(((Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0] as any).Properties.ContainerDefinitions[0].Environment as any[]).map(e => [e.Name, e.Value]));

  test('the worker gets the capture variables and its task role s3:PutObject on exactly the prefix', () => {
    const t = workers(s => ({ samplingPercent: 25, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket'), prefix: 'batch-capture/' }));
    expect(containerEnv(t)).toMatchObject({ REQUEST_CAPTURE_BUCKET: 'captures-bucket', REQUEST_CAPTURE_PREFIX: 'batch-capture/', REQUEST_CAPTURE_SAMPLING_PERCENT: '25' });
    const put = roleStatements(t, '^WTaskRole').filter(s => JSON.stringify(s).includes('batch-capture'));
    expect(put).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::captures-bucket/batch-capture/*']] } }]);
  });

  test('default by omission: no capture variable', () => {
    expect(Object.keys(containerEnv(workers())).filter(k => k.startsWith('REQUEST_CAPTURE_'))).toEqual([]);
  });

  test('bad input: sampling out of range; the user environment may not set a capture variable', () => {
    expect(() => workers(s => ({ samplingPercent: 101, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') }))).toThrow(/requestCapture.samplingPercent.*0 to 100/s);
    expect(() => workers(s => ({ samplingPercent: 10, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') }), { REQUEST_CAPTURE_BUCKET: 'other' }))
      .toThrow(/environment.REQUEST_CAPTURE_BUCKET.*is set by the lane/s);
  });
});
