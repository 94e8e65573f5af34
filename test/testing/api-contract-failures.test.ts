import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiContract, ApiContractFinding } from '../../lib/testing';

/**
 * ApiContract's own failure paths and its text, against stub interpreters (no botocore run): a
 * validator that crashes, prints something else than JSON, or reports findings (issue 21 class 1).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-contract-stub-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stub "python" that ignores the script it is given and runs `body` (sh). */
function stub(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\ncat > /dev/null\n${body}\n`, { mode: 0o755 });
  return file;
}

const finding = (over: Partial<ApiContractFinding>): ApiContractFinding => ({
  level: 'error', ruleId: 'sqs-attribute-range', template: 'template', logicalId: 'Q', resourceType: 'AWS::SQS::Queue', constructPath: 'App/Q/Resource',
  propertyPath: 'DelaySeconds', apiMember: 'Attributes.DelaySeconds', value: '901', rule: '0-900', message: 'out of range', fix: 'use 900 or less', ...over,
});

/** A validator reply with these findings for one template. */
function reply(findings: ApiContractFinding[]): string {
  return JSON.stringify({ botocoreVersion: '1.2.3', results: [{ findings, skipped: [], resources: [], uncovered: [] }] });
}

const TEMPLATE = JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } });

test('the validator crashes: an error with its exit code and output', () => {
  const crash = stub('crash', 'echo "partial"; echo "Traceback: boom" >&2; exit 3');
  expect(() => ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: crash })).toThrow(/^ApiContract validator failed \(exit code 3\):\nTraceback: boom\npartial\n$/);
});

test('the validator prints something that is not JSON: an error with what it printed', () => {
  const text = stub('text', 'echo "no json here"; echo "warn" >&2; exit 0');
  expect(() => ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: text })).toThrow(/^ApiContract validator printed something that is not JSON:\nno json here\nwarn\n$/);
});

test('no templates: no validator run (an interpreter that would fail is not started)', () => {
  const crash = stub('crash-empty', 'exit 9');
  expect(ApiContract.validateTemplates([], { pythonExecutable: crash })).toEqual([]);
  expect(ApiContract.validateStacks([], { pythonExecutable: crash })).toEqual([]);
});

test('the result of a reply: errors and warnings apart, ignored findings (by rule, or by rule and logical id) moved to ignored', () => {
  const warning = finding({ level: 'warning', ruleId: 'lambda-provisioned-autoscaled', logicalId: 'A' });
  const other = finding({ logicalId: 'R' });
  const py = stub('reply', `echo '${reply([finding({}), warning, other])}'`);
  const result = ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: py });
  expect(result).toMatchObject({ template: 'template', valid: false, botocoreVersion: '1.2.3', skipped: [], resources: [], uncovered: [], ignored: [] });
  expect(result.errors).toEqual([finding({}), other]);
  expect(result.warnings).toEqual([warning]);
  expect(result.durationMs).toBeGreaterThanOrEqual(0);

  const ignored = ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: py, ignoreFindings: [{ ruleId: 'sqs-attribute-range', logicalId: 'R', reason: 'planted for this test' }] });
  expect(ignored.errors).toEqual([finding({})]);
  expect(ignored.ignored).toEqual([other]);
  const byRule = ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: py, ignoreFindings: [{ ruleId: 'sqs-attribute-range', reason: 'planted for this test' }] });
  expect(byRule.errors).toEqual([]);
  expect(byRule.valid).toBe(true);
  expect(byRule.ignored).toEqual([finding({}), other]);
});

test('an ignored finding needs a rule id that looks like one', () => {
  const py = stub('unused', 'exit 9');
  for (const ruleId of ['', 'Alarm-Metric', '1rule', 'rule_x', ' alarm']) {
    expect(() => ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: py, ignoreFindings: [{ ruleId, reason: 'a long enough reason' }] }))
      .toThrow(`ApiContract: an ignored finding's ruleId must look like 'alarm-metric-exclusive' (got ${JSON.stringify(ruleId)})`);
  }
  expect(() => ApiContract.validateTemplate(TEMPLATE, { pythonExecutable: stub('ok', `echo '${reply([])}'`), ignoreFindings: [{ ruleId: 'a1-b', reason: 'a long enough reason' }] })).not.toThrow();
});

test('assertTemplateValid: throws on errors (on warnings too with failOnWarnings) with every finding formatted; returns the result otherwise', () => {
  const onlyWarning = stub('warning', `echo '${reply([finding({ level: 'warning', ruleId: 'w-rule' })])}'`);
  expect(ApiContract.assertTemplateValid(TEMPLATE, { pythonExecutable: onlyWarning }).warnings.map((f) => f.ruleId)).toEqual(['w-rule']);
  expect(() => ApiContract.assertTemplateValid(TEMPLATE, { pythonExecutable: onlyWarning, failOnWarnings: true }))
    .toThrow(/^ApiContract found 1 problem\(s\) in template:\n {2}\[warning\] w-rule App\/Q\/Resource/);
  const two = stub('two', `echo '${reply([finding({}), finding({ ruleId: 'sqs-fifo-name', propertyPath: '', constructPath: '' })])}'`);
  expect(() => ApiContract.assertTemplateValid(TEMPLATE, { pythonExecutable: two })).toThrow([
    'ApiContract found 2 problem(s) in template:',
    '  [error] sqs-attribute-range App/Q/Resource (Q AWS::SQS::Queue) DelaySeconds = 901: out of range. Rule: 0-900. Fix: use 900 or less.',
    '  [error] sqs-fifo-name Q (Q AWS::SQS::Queue) <resource> = 901: out of range. Rule: 0-900. Fix: use 900 or less.',
  ].join('\n'));
});

test('coveredResourceTypes: the SageMaker, Lambda, SQS and alarm types the validator checks (a copy)', () => {
  const types = ApiContract.coveredResourceTypes();
  expect(types).toEqual(expect.arrayContaining(['AWS::SQS::Queue', 'AWS::CloudWatch::Alarm']));
  expect(types.every((t) => /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(t))).toBe(true);
  types.length = 0;
  expect(ApiContract.coveredResourceTypes().length).toBeGreaterThan(5);
});
