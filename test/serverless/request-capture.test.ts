import { spawnSync } from 'child_process';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RequestCaptureOptions } from '../../lib/core';
import { WarmServerlessFunction } from '../../lib/serverless';
import { NagCheck } from '../../lib/testing';
import { baseProps, HANDLER_DIR, newStack, only } from './fixtures';

// Issue 20 part 4: sampled request capture for the serverless and batch lanes (same captureData
// schema as SageMaker data capture, written by the handler; the lane renders location, rate, grant).

function lambdaWith(capture: (s: Stack) => RequestCaptureOptions | undefined, env?: { [k: string]: string }) {
  const stack = newStack();
  const fn = new WarmServerlessFunction(stack, 'Fn', baseProps({ requestCapture: capture(stack), environment: env }));
  return { stack, fn, t: Template.fromStack(stack) };
}

function roleStatements(t: Template, rolePrefix: string): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(rolePrefix) }] } }))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('WarmServerlessFunction requestCapture', () => {
  test('environment: bucket, default prefix, sampling; s3:PutObject only, on exactly the prefix; a KMS bucket key gets GenerateDataKey only', () => {
    const { t } = lambdaWith(s => ({ samplingPercent: 10, bucket: new s3.Bucket(s, 'Captures', { encryption: s3.BucketEncryption.KMS }) }));
    const fn = only(t, 'AWS::Lambda::Function');
    expect(fn.Properties.Environment.Variables).toMatchObject({
      REQUEST_CAPTURE_BUCKET: { Ref: expect.stringMatching(/^Captures/) },
      REQUEST_CAPTURE_PREFIX: 'request-capture/',
      REQUEST_CAPTURE_SAMPLING_PERCENT: '10',
      REQUEST_CAPTURE_KMS_KEY_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^CapturesKey/), 'Arn'] },
    });
    const st = roleStatements(t, '^FnRole');
    const put = st.filter(s => JSON.stringify(s).includes('request-capture'));
    expect(put).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Captures/), 'Arn'] }, '/request-capture/*']] } }]);
    expect(st).toContainEqual({ Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CapturesKey/), 'Arn'] } });
  });

  test('prefix and key as given; sampling 0 and 100 accepted', () => {
    const { t } = lambdaWith(s => ({ samplingPercent: 100, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket'), prefix: 'cap/', encryptionKey: new kms.Key(s, 'K') }));
    expect(only(t, 'AWS::Lambda::Function').Properties.Environment.Variables).toMatchObject({
      REQUEST_CAPTURE_BUCKET: 'captures-bucket', REQUEST_CAPTURE_PREFIX: 'cap/', REQUEST_CAPTURE_SAMPLING_PERCENT: '100',
      REQUEST_CAPTURE_KMS_KEY_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^K/), 'Arn'] },
    });
    expect(() => lambdaWith(s => ({ samplingPercent: 0, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') }))).not.toThrow();
  });

  test('default by omission: no REQUEST_CAPTURE_* variable and no s3:PutObject', () => {
    const { t } = lambdaWith(() => undefined);
    const vars = only(t, 'AWS::Lambda::Function').Properties.Environment.Variables;
    expect(Object.keys(vars).filter(k => k.startsWith('REQUEST_CAPTURE_'))).toEqual([]);
    expect(JSON.stringify(roleStatements(t, '^FnRole'))).not.toContain('s3:PutObject');
  });

  test('an unencrypted bucket and no key: no KMS variable, no KMS grant for capture', () => {
    const { t } = lambdaWith(s => ({ samplingPercent: 5, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') }));
    expect(only(t, 'AWS::Lambda::Function').Properties.Environment.Variables.REQUEST_CAPTURE_KMS_KEY_ARN).toBeUndefined();
  });

  test('cdk-nag: no unsuppressed finding under the function with capture', () => {
    const { stack } = lambdaWith(s => ({ samplingPercent: 10, bucket: new s3.Bucket(s, 'Captures', { encryption: s3.BucketEncryption.KMS, enforceSSL: true, serverAccessLogsPrefix: 'logs/' }) }));
    const r = NagCheck.check(stack);
    expect([...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`).filter(f => f.startsWith('S/Fn/'))).toEqual([]);
  });

  test.each([
    [-1, /requestCapture.samplingPercent.*Pass a whole percent from 0 to 100/s],
    [101, /requestCapture.samplingPercent.*Pass a whole percent from 0 to 100/s],
    [2.5, /requestCapture.samplingPercent.*Pass a whole percent from 0 to 100/s],
  ])('samplingPercent %p is rejected', (pct, msg) => {
    expect(() => lambdaWith(s => ({ samplingPercent: pct, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') }))).toThrow(msg);
  });

  test('missing sampling, missing bucket, malformed prefix, overriding a capture variable', () => {
    expect(() => lambdaWith(s => ({ bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') } as any))).toThrow(/requestCapture.samplingPercent.*is required/s);
    expect(() => lambdaWith(() => ({ samplingPercent: 10 } as any))).toThrow(/requestCapture.bucket.*is required/s);
    expect(() => lambdaWith(s => ({ samplingPercent: 10, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket'), prefix: 'cap' }))).toThrow(/requestCapture.prefix.*ending with '\/'/s);
    expect(() => lambdaWith(s => ({ samplingPercent: 10, bucket: s3.Bucket.fromBucketName(s, 'B', 'captures-bucket') }), { REQUEST_CAPTURE_PREFIX: 'x/' }))
      .toThrow(/environment.REQUEST_CAPTURE_PREFIX.*is set by the lane \(requestCapture\)/s);
  });
});

describe('example handler capture helper (examples/serverless-burst/handler/capture.mjs)', () => {
  test('writes SageMaker captureData records under <prefix>yyyy/mm/dd/hh/<id>.jsonl', () => {
    const script = `
      import { captureRecord, captureKey } from ${JSON.stringify(path.join(HANDLER_DIR, 'capture.mjs'))};
      const when = new Date(Date.UTC(2026, 11, 1, 7, 5, 9, 123));
      console.log(JSON.stringify({ record: captureRecord({ input: '{"text":"hi"}', output: '{"label":"x"}', eventId: 'e1', inferenceTime: when }), key: captureKey('request-capture/', when, 'e1') }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf-8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      record: {
        captureData: {
          endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: '{"text":"hi"}', encoding: 'JSON' },
          endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: '{"label":"x"}', encoding: 'JSON' },
        },
        eventMetadata: { eventId: 'e1', inferenceTime: '2026-12-01T07:05:09Z' },
        eventVersion: '0',
      },
      key: 'request-capture/2026/12/01/07/e1.jsonl',
    });
  });
});
