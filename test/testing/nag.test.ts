import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ServerlessChecks } from 'cdk-nag';
import { storageStack } from './fixtures';
import { NagCheck } from '../../lib/testing';

function unencryptedQueueStack(): { stack: cdk.Stack; queue: sqs.Queue } {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'Nagged');
  const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  return { stack, queue };
}

describe('NagCheck (cdk-nag 3 AwsSolutions)', () => {
  test('flags an unencrypted queue without DLQ or SSL enforcement', () => {
    const { stack } = unencryptedQueueStack();
    const result = NagCheck.check(stack);
    expect(result.errors.map((f) => `${f.ruleId} ${f.resourcePath}`)).toEqual([
      'AwsSolutions-SQS2 Nagged/Queue/Resource',
      'AwsSolutions-SQS3 Nagged/Queue/Resource',
      'AwsSolutions-SQS4 Nagged/Queue/Resource',
    ]);
    expect(result.errors[0]).toEqual({
      ruleId: 'AwsSolutions-SQS2',
      resourcePath: 'Nagged/Queue/Resource',
      message: 'The SQS Queue does not have server-side encryption enabled.',
      severity: 'error',
      pack: 'AwsSolutions',
    });
    expect(() => NagCheck.assertCompliant(stack)).toThrow(
      /cdk-nag found 3 unsuppressed finding\(s\) under 'Nagged':\n {2}\[error\] AwsSolutions-SQS2 Nagged\/Queue\/Resource: The SQS Queue does not have server-side encryption enabled\./,
    );
    expect(() => NagCheck.assertCompliant(stack)).toThrow(/AwsSolutions-SQS4 Nagged\/Queue\/Resource: The SQS queue does not require requests to use SSL\./);
  });

  test('passes once every finding is suppressed with a reason', () => {
    const { stack, queue } = unencryptedQueueStack();
    NagCheck.suppress(queue, [
      { id: 'AwsSolutions-SQS2', reason: 'Test queue holds no data' },
      { id: 'AwsSolutions-SQS3', reason: 'Test queue needs no dead-letter queue' },
    ]);
    // Suppressions on an ancestor apply to every resource below it.
    NagCheck.suppress(stack, [{ id: 'AwsSolutions-SQS4', reason: 'Only reachable from inside the test VPC' }]);
    const result = NagCheck.assertCompliant(stack);
    expect(result.errors).toEqual([]);
  });

  test('a well-configured stack is compliant', () => {
    const { stack, bucket } = storageStack();
    // Server access logs are out of scope for this fixture.
    NagCheck.suppress(bucket, [{ id: 'AwsSolutions-S1', reason: 'Fixture bucket: access logging is tested elsewhere' }]);
    expect(NagCheck.assertCompliant(stack).errors).toEqual([]);
  });

  test('a suppression without a proper reason throws and applies nothing', () => {
    const { stack, queue } = unencryptedQueueStack();
    expect(() => NagCheck.suppress(queue, [
      { id: 'AwsSolutions-SQS2', reason: 'Test queue holds no data' },
      { id: 'AwsSolutions-SQS3', reason: 'short' },
    ])).toThrow(/cdk-nag suppression of rule on 'Nagged\/Queue': 'AwsSolutions-SQS3' needs a reason of at least 10 characters/);
    expect(() => NagCheck.suppress(queue, [{ id: 'AwsSolutions-SQS3', reason: undefined as unknown as string }]))
      .toThrow(/'AwsSolutions-SQS3' needs a reason of at least 10 characters/);
    expect(() => NagCheck.suppress(queue, [{ id: ' ', reason: 'a long enough reason' }])).toThrow(/every rule needs an id/);
    expect(() => NagCheck.suppress(queue, [])).toThrow(/give at least one rule/);
    // Nothing was acknowledged by the failed calls.
    expect(NagCheck.check(stack).errors.map((f) => f.ruleId)).toContain('AwsSolutions-SQS2');
  });

  test('other packs can be run, and an empty pack list is rejected', () => {
    const { stack } = unencryptedQueueStack();
    const result = NagCheck.check(stack, { packs: [new ServerlessChecks()] });
    expect([...result.errors, ...result.warnings].every((f) => f.pack === 'Serverless')).toBe(true);
    expect(() => NagCheck.check(stack, { packs: [] })).toThrow(/at least one cdk-nag pack is required/);
  });

  test('checking does not register a plugin, so later synths still work', () => {
    const { stack } = unencryptedQueueStack();
    NagCheck.check(stack);
    expect(() => cdk.App.of(stack)!.synth({ force: true })).not.toThrow();
  });
});
