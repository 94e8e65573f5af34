import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { storageStack } from './fixtures';
import { CfnLint } from '../../lib/testing';

describe('CfnLint (real cfn-lint)', () => {
  test('a well-configured stack has no errors', () => {
    const { stack } = storageStack();
    const result = CfnLint.assertNoErrors(stack);
    expect(result.errors).toEqual([]);
    expect(result.exitCode & 2).toBe(0);
  });

  test('an invalid property and an invalid enum value fail with E3002 / E3030', () => {
    const { stack, bucket } = storageStack();
    const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.addPropertyOverride('Bogus', 1);
    cfnBucket.addPropertyOverride('VersioningConfiguration.Status', 'Nope');
    const logicalId = stack.getLogicalId(cfnBucket);

    const result = CfnLint.lintStack(stack);
    expect(result.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'E3002', logicalId, path: `Resources/${logicalId}/Properties/Bogus` }),
      expect.objectContaining({ rule: 'E3030', logicalId, path: `Resources/${logicalId}/Properties/VersioningConfiguration/Status` }),
    ]));
    expect(() => CfnLint.assertNoErrors(stack)).toThrow(new RegExp([
      "cfn-lint found 2 problem\\(s\\) in stack 'Storage':",
      "  E3002 Resources/Bucket\\w+/Properties/Bogus: Additional properties are not allowed \\('Bogus' was unexpected\\)",
      "  E3030 Resources/Bucket\\w+/Properties/VersioningConfiguration/Status: 'Nope' is not one of \\['Enabled', 'Suspended'\\]",
    ].join('\n')));

    // An ignored rule (with a reason) disappears; the other stays.
    const ignored = CfnLint.lintStack(stack, { ignoreChecks: [{ ruleId: 'E3002', reason: 'escape hatch property under test' }] });
    expect(ignored.errors.map((e) => e.rule)).toEqual(['E3030']);
  });

  test('warnings do not fail unless failOnWarnings is set', () => {
    const template = {
      Parameters: { Unused: { Type: 'String' } },
      Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-test-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    try {
      const result = CfnLint.assertFileHasNoErrors(file);
      expect(result.warnings).toEqual([expect.objectContaining({ rule: 'W2001', path: 'Parameters/Unused' })]);
      expect(() => CfnLint.assertFileHasNoErrors(file, { failOnWarnings: true })).toThrow(/W2001 Parameters\/Unused: Parameter Unused not used/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an ignored check needs a reason', () => {
    const { stack } = storageStack();
    expect(() => CfnLint.lintStack(stack, { ignoreChecks: [{ ruleId: 'W3005', reason: 'meh' }] }))
      .toThrow(/cfn-lint ignored check 'W3005' needs a reason of at least 10 characters/);
    expect(() => CfnLint.lintStack(stack, { ignoreChecks: [{ ruleId: 'W 3005; rm', reason: 'a long enough reason' }] }))
      .toThrow(/ignored check id must look like 'W3005'/);
  });

  test('bad inputs throw clear errors', () => {
    expect(() => CfnLint.lintTemplateJson('{ nope')).toThrow(/cfn-lint: template is not valid JSON/);
    expect(() => CfnLint.lintFile('/does/not/exist.json')).toThrow(/cfn-lint: template file not found: \/does\/not\/exist.json/);
    expect(() => CfnLint.lintTemplateJson('{}', { executable: 'cfn-lint-not-here' }))
      .toThrow(/cfn-lint is not installed: run `pip install cfn-lint 'moto\[server\]'`/);
    expect(CfnLint.isInstalled()).toBe(true);
    expect(CfnLint.isInstalled('cfn-lint-not-here')).toBe(false);
  });
});
