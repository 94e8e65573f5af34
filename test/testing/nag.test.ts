import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { storageStack } from './fixtures';
import { NagCheck } from '../../lib/testing';
import { requireOptional } from '../../lib/testing/private/optional-module';

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

describe('NagCheck failure paths', () => {
  /** A stack whose only finding is a cdk-nag WARN (AwsSolutions-VPC3: a network ACL exists). */
  function warningOnlyStack(): cdk.Stack {
    const stack = new cdk.Stack(new cdk.App(), 'Warned');
    new ec2.CfnNetworkAcl(stack, 'Acl', { vpcId: 'vpc-0123456789abcdef0' });
    return stack;
  }

  test('a stack that only warns passes by default and fails with failOnWarnings', () => {
    const stack = warningOnlyStack();
    const result = NagCheck.assertCompliant(stack);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((f) => `${f.severity} ${f.ruleId} ${f.resourcePath}`)).toEqual(['warning AwsSolutions-VPC3 Warned/Acl']);
    expect(NagCheck.assertCompliant(stack, { failOnWarnings: false }).warnings).toHaveLength(1);
    expect(() => NagCheck.assertCompliant(stack, { failOnWarnings: true })).toThrow(
      /cdk-nag found 1 unsuppressed finding\(s\) under 'Warned':\n {2}\[warning\] AwsSolutions-VPC3 Warned\/Acl: A Network ACL or Network ACL entry has been implemented\./,
    );
    NagCheck.suppress(stack, [{ id: 'AwsSolutions-VPC3', reason: 'The ACL under test is the point of this fixture' }]);
    expect(NagCheck.assertCompliant(stack, { failOnWarnings: true }).warnings).toEqual([]);
  });

  describe('a rule-level suppression covers the granular findings of that rule', () => {
    function wildcardRoleStack(): { stack: cdk.Stack; role: iam.Role } {
      const stack = new cdk.Stack(new cdk.App(), 'Granular');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/prefix/*'] }));
      role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:ReEncrypt*'], resources: ['arn:aws:kms:us-east-1:123456789012:key/k'] }));
      return { stack, role };
    }

    test('the unsuppressed stack has two granular IAM5 findings', () => {
      const { stack } = wildcardRoleStack();
      expect(NagCheck.check(stack).errors.map((f) => f.ruleId)).toEqual([
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/prefix/*]',
      ]);
    });

    test('AwsSolutions-IAM5 on an ancestor covers AwsSolutions-IAM5[...]', () => {
      const { stack } = wildcardRoleStack();
      NagCheck.suppress(stack, [{ id: 'AwsSolutions-IAM5', reason: 'Wildcards reviewed for this fixture role' }]);
      expect(NagCheck.assertCompliant(stack).errors).toEqual([]);
    });

    test('a granular id covers only itself, and another rule does not cover IAM5', () => {
      const { stack, role } = wildcardRoleStack();
      NagCheck.suppress(role, [
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'ReEncrypt on one key only' },
        { id: 'AwsSolutions-IAM4', reason: 'A different rule entirely' },
        { id: 'AwsSolutions-IAM', reason: 'A prefix of the rule id is not the rule' },
      ]);
      expect(() => NagCheck.assertCompliant(stack)).toThrow(/cdk-nag found 1 unsuppressed finding\(s\)[^]*AwsSolutions-IAM5\[Resource::arn:aws:s3:::bucket\/prefix\/\*\] Granular\/Role\/DefaultPolicy\/Resource/);
    });

    test('a rule-level suppression on a sibling does not leak', () => {
      const { stack } = wildcardRoleStack();
      const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      NagCheck.suppress(other, [{ id: 'AwsSolutions-IAM5', reason: 'Only for the other role' }]);
      expect(NagCheck.check(stack).errors).toHaveLength(2);
    });
  });

  test('a plugin that is not a cdk-nag pack is rejected with what to do instead', () => {
    const { stack } = unencryptedQueueStack();
    const plugin: cdk.IPolicyValidationPlugin = { name: 'NotNag', validate: () => ({ success: true, violations: [] }) };
    expect(() => NagCheck.check(stack, { packs: [plugin] })).toThrow(/NagCheck: pack 'NotNag' is not a cdk-nag 3 NagPack \(it has no validateScope\(scope\)\)/);
  });

  test('cdk-nag is loaded lazily: a missing cdk-nag fails with the install command', () => {
    const notFound = (id: string) => {
      const e = new Error(`Cannot find module '${id}'`) as NodeJS.ErrnoException;
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    };
    expect(() => requireOptional('cdk-nag', 'NagCheck', notFound))
      .toThrow("NagCheck needs the 'cdk-nag' package, which is not installed: run `npm install --save-dev cdk-nag`");
    // Another failure while loading is not disguised as a missing package.
    expect(() => requireOptional('cdk-nag', 'NagCheck', () => { throw new SyntaxError('Unexpected token'); })).toThrow(/^Unexpected token$/);
    expect(requireOptional<{ AwsSolutionsChecks: unknown }>('cdk-nag', 'NagCheck').AwsSolutionsChecks).toBe(AwsSolutionsChecks);
    // The compiled module does not import cdk-nag at load time (only the default pack requires it).
    const source = fs.readFileSync(path.join(__dirname, '../../lib/testing/nag.ts'), 'utf-8');
    expect(source).not.toMatch(/from 'cdk-nag'/);
    expect(source).not.toMatch(/require\('cdk-nag'\)/);
  });

  test('NagCheck without cdk-nag installed throws the install command (module stubbed away)', () => {
    jest.isolateModules(() => {
      jest.doMock('cdk-nag', () => { const e = new Error("Cannot find module 'cdk-nag'") as NodeJS.ErrnoException; e.code = 'MODULE_NOT_FOUND'; throw e; });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../lib/testing/nag') as typeof import('../../lib/testing/nag');
      const { stack } = unencryptedQueueStack();
      expect(() => isolated.NagCheck.check(stack)).toThrow(/NagCheck needs the 'cdk-nag' package, which is not installed: run `npm install --save-dev cdk-nag`/);
      jest.dontMock('cdk-nag');
    });
  });
});
