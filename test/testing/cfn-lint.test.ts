import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { storageStack } from './fixtures';
import { CfnLint, CfnLintResult } from '../../lib/testing';

describe('CfnLint (real cfn-lint)', () => {
  // cfn-lint costs seconds per run (Python start-up, schemas): the three templates are linted in ONE run.
  let good: CfnLintResult;
  let bad: CfnLintResult;
  let warned: CfnLintResult;
  let badStack: cdk.Stack;
  let badId: string;
  let dir: string;
  beforeAll(() => {
    const { stack: goodStack } = storageStack();
    const built = storageStack({ stackName: 'Broken' });
    badStack = built.stack;
    const cfnBucket = built.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.addPropertyOverride('Bogus', 1);
    cfnBucket.addPropertyOverride('VersioningConfiguration.Status', 'Nope');
    badId = badStack.getLogicalId(cfnBucket);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-test-'));
    const file = (name: string, t: object) => { const f = path.join(dir, name); fs.writeFileSync(f, JSON.stringify(t)); return f; };
    [good, bad, warned] = CfnLint.lintFiles([
      file('good.json', Template.fromStack(goodStack).toJSON()),
      file('bad.json', Template.fromStack(badStack).toJSON()),
      file('warned.json', { Parameters: { Unused: { Type: 'String' } }, Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }),
    ]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('one run, one result per template, findings split by file', () => {
    expect([good, bad, warned].map((r) => path.basename(r.templatePath))).toEqual(['good.json', 'bad.json', 'warned.json']);
    expect(good.exitCode).toBe(bad.exitCode);
    expect(good.exitCode & 2).toBe(2); // the run as a whole had errors (the bad template's)
    expect(good.regions).toEqual(['us-east-1']);
  });

  test('a well-configured stack has no errors', () => {
    expect(good.errors).toEqual([]);
    expect(good.warnings).toEqual([]);
    expect(() => CfnLint.assertResult(good, { failOnWarnings: true })).not.toThrow();
  });

  test('an invalid property and an invalid enum value fail with E3002 / E3030', () => {
    expect(bad.errors).toEqual([
      expect.objectContaining({ rule: 'E3002', logicalId: badId, path: `Resources/${badId}/Properties/Bogus` }),
      expect.objectContaining({ rule: 'E3030', logicalId: badId, path: `Resources/${badId}/Properties/VersioningConfiguration/Status` }),
    ]);
    expect(() => CfnLint.assertResult(bad)).toThrow(new RegExp([
      "cfn-lint found 2 problem\\(s\\) in template '.*bad.json':",
      "  E3002 Resources/Bucket\\w+/Properties/Bogus: Additional properties are not allowed \\('Bogus' was unexpected\\)",
      "  E3030 Resources/Bucket\\w+/Properties/VersioningConfiguration/Status: 'Nope' is not one of \\['Enabled', 'Suspended'\\]",
    ].join('\n')));
  });

  test('assertNoErrors on the stack (a real run) names the stack; an ignored rule (with a reason) disappears', () => {
    expect(() => CfnLint.assertNoErrors(badStack)).toThrow(/^cfn-lint found 2 problem\(s\) in stack 'Broken':\n {2}E3002 /);
    const ignored = CfnLint.lintStack(badStack, { ignoreChecks: [{ ruleId: 'E3002', reason: 'escape hatch property under test' }] });
    expect(ignored.errors.map((e) => e.rule)).toEqual(['E3030']);
  });

  test('warnings do not fail unless failOnWarnings is set', () => {
    expect(warned.errors).toEqual([]);
    expect(warned.warnings).toEqual([expect.objectContaining({ rule: 'W2001', path: 'Parameters/Unused' })]);
    expect(() => CfnLint.assertResult(warned)).not.toThrow();
    expect(() => CfnLint.assertResult(warned, { failOnWarnings: false })).not.toThrow();
    expect(() => CfnLint.assertResult(warned, { failOnWarnings: true })).toThrow(/cfn-lint found 1 problem\(s\) in template '.*warned.json':\n {2}W2001 Parameters\/Unused: Parameter Unused not used/);
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
      .toThrow(/cfn-lint is not installed \(looked for cfn-lint-not-here\): run `pip install cfn-lint 'moto\[server\]'`/);
    expect(CfnLint.isInstalled()).toBe(true);
    expect(CfnLint.isInstalled('cfn-lint-not-here')).toBe(false);
  });
});

/**
 * The linter's own failure paths, against stub executables (no real cfn-lint run: each costs
 * ~3 s). cfn-lint's exit code is a bit mask (2 error, 4 warning, 8 informational); 1 and any other
 * bit are crashes. A validator that reports a crash as a clean lint makes every test on it unable
 * to fail.
 */
describe('CfnLint failure paths (stub cfn-lint executables)', () => {
  let dir: string;
  let template: string;
  const stub = (name: string, body: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-stub-'));
    template = path.join(dir, 'template.json');
    fs.writeFileSync(template, JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([1, 16, 32, 1 | 2, 2 | 16])('exit code %i with no output is a crash, never a clean lint', (code) => {
    const exe = stub(`exit-${code}`, `exit ${code}`);
    expect(() => CfnLint.lintFile(template, { executable: exe })).toThrow(new RegExp(`cfn-lint \\(${exe}\\) crashed with exit code ${code} on ${template}`));
    expect(() => CfnLint.assertFileHasNoErrors(template, { executable: exe })).toThrow(/its exit code is a bit mask: 2 error, 4 warning, 8 informational; anything else is a crash/);
  });

  test('a crash keeps its stderr in the message', () => {
    const exe = stub('traceback', 'echo "Traceback (most recent call last): KeyError: Resources" >&2; exit 32');
    expect(() => CfnLint.lintFile(template, { executable: exe })).toThrow(/crashed with exit code 32[^]*KeyError: Resources/);
  });

  test.each([0, 2, 4])('exit code %i with empty output is a crash (a clean lint prints [])', (code) => {
    const exe = stub(`silent-${code}`, `exit ${code}`);
    expect(() => CfnLint.lintFile(template, { executable: exe }))
      .toThrow(new RegExp(`cfn-lint \\(${exe}\\) printed nothing \\(exit code ${code}\\) on ${template}: a clean lint prints \\[\\], so this is treated as a crash`));
  });

  test('an exit code that disagrees with the findings is not trusted', () => {
    const errorsButClean = stub('errors-but-clean', 'echo "[]"; exit 2');
    expect(() => CfnLint.lintFile(template, { executable: errorsButClean }))
      .toThrow(/exit code 2 reports errors but its output has 0 error finding\(s\)/);
    const finding = '[{"Rule":{"Id":"E3002"},"Level":"Error","Message":"bad","Location":{"Path":["Resources","Queue","Properties","X"]}}]';
    const cleanButErrors = stub('clean-but-errors', `echo '${finding}'; exit 0`);
    expect(() => CfnLint.lintFile(template, { executable: cleanButErrors }))
      .toThrow(/exit code 0 reports no error but its output has 1 error finding\(s\)/);
    const consistent = stub('consistent', `echo '${finding}'; exit 2`);
    expect(CfnLint.lintFile(template, { executable: consistent }).errors).toEqual([
      { rule: 'E3002', level: 'Error', message: 'bad', path: 'Resources/Queue/Properties/X', logicalId: 'Queue', line: undefined },
    ]);
    expect(() => CfnLint.assertFileHasNoErrors(template, { executable: consistent })).toThrow(/cfn-lint found 1 problem\(s\) in template '.*': *\n {2}E3002 Resources\/Queue\/Properties\/X: bad/);
  });

  test('output that is not a JSON array is an error', () => {
    expect(() => CfnLint.lintFile(template, { executable: stub('text', 'echo "E3002 something"; exit 2') })).toThrow(/cfn-lint produced output that is not JSON \(exit code 2\)/);
    expect(() => CfnLint.lintFile(template, { executable: stub('object', 'echo "{}"; exit 0') })).toThrow(/cfn-lint JSON output is not an array/);
  });

  test('CFN_LINT_EXECUTABLE selects the executable when no option is given', () => {
    const exe = stub('env-selected', 'exit 16');
    const saved = process.env.CFN_LINT_EXECUTABLE;
    process.env.CFN_LINT_EXECUTABLE = exe;
    try {
      expect(() => CfnLint.lintFile(template)).toThrow(new RegExp(`cfn-lint \\(${exe}\\) crashed with exit code 16`));
      expect(CfnLint.isInstalled()).toBe(true);
      process.env.CFN_LINT_EXECUTABLE = path.join(dir, 'absent');
      expect(CfnLint.isInstalled()).toBe(false);
      expect(() => CfnLint.lintFile(template)).toThrow(/cfn-lint is not installed \(looked for .*absent\): run `pip install cfn-lint/);
    } finally {
      if (saved === undefined) { delete process.env.CFN_LINT_EXECUTABLE; } else { process.env.CFN_LINT_EXECUTABLE = saved; }
    }
  });

  test('lintFiles: findings of a file that was not linted, an empty list, a duplicate and bad regions are errors', () => {
    const other = path.join(dir, 'other.json');
    fs.writeFileSync(other, '{}');
    const stray = stub('stray', `echo '[{"Filename":"/elsewhere.json","Rule":{"Id":"W1"},"Level":"Warning","Location":{"Path":[]}}]'; exit 4`);
    expect(() => CfnLint.lintFiles([template, other], { executable: stray })).toThrow(/cfn-lint reported a finding for \/elsewhere.json, which was not linted/);
    const split = stub('split', `echo '[{"Filename":"${other}","Rule":{"Id":"W2001"},"Level":"Warning","Location":{"Path":["Parameters","P"]}}]'; exit 4`);
    const [a, b] = CfnLint.lintFiles([template, other], { executable: split });
    expect(a.warnings).toEqual([]);
    expect(b.warnings.map((w) => w.rule)).toEqual(['W2001']);
    expect(() => CfnLint.lintFiles([], { executable: split })).toThrow('cfn-lint: give at least one template file');
    expect(() => CfnLint.lintFiles([template, template], { executable: split })).toThrow(/the same template is given twice/);
    expect(() => CfnLint.lintFile(template, { executable: split, regions: [] })).toThrow(/regions must be region names such as 'eu-west-1' \(got \[\]\)/);
    expect(() => CfnLint.lintFile(template, { executable: split, regions: ['eu-west-1; rm'] })).toThrow(/regions must be region names/);
  });

  describe('regions', () => {
    // The stub records its arguments, so the region choice is checked without running cfn-lint.
    let recorder: string;
    let argsFile: string;
    beforeAll(() => {
      argsFile = path.join(dir, 'args.txt');
      recorder = stub('recorder', `printf '%s\\n' "$@" > ${argsFile}; echo "[]"`);
    });
    const regionsPassed = (): string[] => {
      const args = fs.readFileSync(argsFile, 'utf-8').trim().split('\n');
      const i = args.indexOf('--regions');
      return args.slice(i + 1, args.indexOf('--', i));
    };

    test('a stack is linted against its own region', () => {
      const { stack } = storageStack({ env: { account: '123456789012', region: 'eu-west-1' } });
      expect(CfnLint.lintStack(stack, { executable: recorder }).regions).toEqual(['eu-west-1']);
      expect(regionsPassed()).toEqual(['eu-west-1']);
      const regionOnly = storageStack({ env: { region: 'ap-southeast-2' } }).stack;
      CfnLint.assertNoErrors(regionOnly, { executable: recorder });
      expect(regionsPassed()).toEqual(['ap-southeast-2']);
    });

    test('a region-agnostic stack (the default) falls back to us-east-1', () => {
      const { stack } = storageStack();
      expect(CfnLint.lintStack(stack, { executable: recorder }).regions).toEqual(['us-east-1']);
      expect(regionsPassed()).toEqual(['us-east-1']);
    });

    test('lintStacks lints every stack in one run against every region they target', () => {
      const eu = storageStack({ stackName: 'Eu', env: { region: 'eu-west-1' } }).stack;
      const agnostic = storageStack({ stackName: 'Anywhere' }).stack;
      const results = CfnLint.lintStacks([eu, agnostic], { executable: recorder });
      expect(results).toHaveLength(2);
      expect(regionsPassed()).toEqual(['eu-west-1', 'us-east-1']);
      const args = fs.readFileSync(argsFile, 'utf-8').trim().split('\n');
      expect(args.slice(args.indexOf('--') + 1).map((f) => path.basename(f))).toEqual(['0-Eu.json', '1-Anywhere.json']);
      expect(() => CfnLint.lintStacks([], { executable: recorder })).toThrow('cfn-lint: give at least one stack');
    });

    test('explicit regions win', () => {
      const { stack } = storageStack({ env: { region: 'eu-west-1' } });
      CfnLint.lintStack(stack, { executable: recorder, regions: ['us-west-2', 'eu-central-1'] });
      expect(regionsPassed()).toEqual(['us-west-2', 'eu-central-1']);
    });
  });
});
