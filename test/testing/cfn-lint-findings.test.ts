import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnLint } from '../../lib/testing';

/**
 * How CfnLint reads cfn-lint's JSON findings, against stub executables (no real cfn-lint run): the
 * fields a finding may lack, findings of several files, and the executable it looks for.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-findings-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stub(name: string, stdout: unknown, status: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\ncat <<'EOF'\n${JSON.stringify(stdout)}\nEOF\nexit ${status}\n`, { mode: 0o755 });
  return file;
}

const a = path.join(dir, 'a.json');
const b = path.join(dir, 'b.json');
fs.writeFileSync(a, '{}');
fs.writeFileSync(b, '{}');

test('a finding without Level gets it from its rule letter; without Rule, Location or Message it still reads', () => {
  const exe = stub('levels', [
    { Rule: { Id: 'E3001' }, Location: { Path: ['Resources', 'Q', 'Properties'], Start: { LineNumber: 4 } }, Message: 'bad' },
    { Rule: { Id: 'W2001' }, Location: { Path: ['Parameters', 'P'] } },
    { Rule: { Id: 'I3011' }, Location: { Path: 'Resources/Q' } },
    { Location: { Path: ['Resources', 7] }, Level: 'Warning' },
    {},
  ], 6);
  const result = CfnLint.lintFile(a, { executable: exe });
  expect(result.errors).toEqual([{ rule: 'E3001', level: 'Error', message: 'bad', path: 'Resources/Q/Properties', logicalId: 'Q', line: 4 }]);
  expect(result.warnings).toEqual([
    { rule: 'W2001', level: 'Warning', message: '', path: 'Parameters/P', logicalId: undefined, line: undefined },
    { rule: 'unknown', level: 'Warning', message: '', path: 'Resources/7', logicalId: undefined, line: undefined },
  ]);
  expect(result.informational).toEqual([
    { rule: 'I3011', level: 'Informational', message: '', path: '', logicalId: undefined, line: undefined },
    { rule: 'unknown', level: 'Informational', message: '', path: '', logicalId: undefined, line: undefined },
  ].sort((x, y) => x.path.localeCompare(y.path) || x.rule.localeCompare(y.rule)));
  expect(result.exitCode).toBe(6);
});

test('several files: each finding goes to the file it names; a finding without a file name is an error', () => {
  const exe = stub('two-files', [
    { Filename: b, Rule: { Id: 'E1' }, Level: 'Error', Location: { Path: ['Resources', 'B'] } },
    { Filename: a, Rule: { Id: 'W1' }, Level: 'Warning', Location: { Path: ['Resources', 'A'] } },
  ], 6);
  const [ra, rb] = CfnLint.lintFiles([a, b], { executable: exe });
  expect([ra.templatePath, ra.errors.length, ra.warnings.map((f) => f.rule)]).toEqual([a, 0, ['W1']]);
  expect([rb.templatePath, rb.errors.map((f) => f.rule), rb.warnings.length]).toEqual([b, ['E1'], 0]);
  const nameless = stub('nameless', [{ Rule: { Id: 'E1' }, Level: 'Error' }], 2);
  expect(() => CfnLint.lintFiles([a, b], { executable: nameless })).toThrow(`cfn-lint reported a finding for ${path.resolve('')}, which was not linted`);
});

test('not installed: the default executable is named only when it is not plain cfn-lint', () => {
  const saved = { PATH: process.env.PATH, CFN_LINT_EXECUTABLE: process.env.CFN_LINT_EXECUTABLE };
  try {
    process.env.PATH = path.join(dir, 'empty');
    delete process.env.CFN_LINT_EXECUTABLE;
    expect(() => CfnLint.lintFile(a)).toThrow(/^cfn-lint is not installed: run `pip install cfn-lint 'moto\[server\]'`$/);
    expect(CfnLint.isInstalled()).toBe(false);
    process.env.CFN_LINT_EXECUTABLE = '  ';
    expect(() => CfnLint.lintFile(a)).toThrow(/^cfn-lint is not installed: run/);
    process.env.CFN_LINT_EXECUTABLE = ' my-cfn-lint ';
    expect(() => CfnLint.lintFile(a)).toThrow(/^cfn-lint is not installed \(looked for my-cfn-lint\): run `pip install cfn-lint 'moto\[server\]'`$/);
    process.env.CFN_LINT_EXECUTABLE = stub('from-env', [], 0);
    expect(CfnLint.isInstalled()).toBe(true);
    process.env.PATH = saved.PATH; // the stub needs cat
    expect(CfnLint.lintFile(a).errors).toEqual([]);
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.CFN_LINT_EXECUTABLE === undefined) { delete process.env.CFN_LINT_EXECUTABLE; } else { process.env.CFN_LINT_EXECUTABLE = saved.CFN_LINT_EXECUTABLE; }
  }
});

test('assertFileHasNoErrors returns the result of a clean lint (warnings allowed unless failOnWarnings)', () => {
  const warned = stub('warned', [{ Rule: { Id: 'W2001' }, Location: { Path: ['Parameters', 'P'] } }], 4);
  const result = CfnLint.assertFileHasNoErrors(a, { executable: warned });
  expect(result.warnings.map((f) => f.rule)).toEqual(['W2001']);
  expect(result.templatePath).toBe(a);
  expect(() => CfnLint.assertFileHasNoErrors(a, { executable: warned, failOnWarnings: true })).toThrow(`cfn-lint found 1 problem(s) in template '${a}':\n  W2001 Parameters/P: `);
});
