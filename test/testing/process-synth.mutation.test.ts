/**
 * The process and synth helpers every validator stands on (lib/testing/private), written against the
 * survivors and uncovered mutants of `npm run mutate -- testing`: explicit executable paths, a command
 * that times out, cannot start or is killed by a signal, output tails, reasons at the 10-character
 * edge, stacks outside an App, stacks inside a Stage.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import './fixtures';
import {
  checkReason, findExecutable, makeTempDir, PYTHON_TOOLS_INSTALL_HINT, removeDir, runSync, sleepSync, tail, TIED_TO_PARENT_LAUNCHER,
} from '../../lib/testing/private/process';
import { synthStack } from '../../lib/testing/private/synth';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'process-mutation-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('findExecutable', () => {
  test('an explicit path is returned only for an executable file', () => {
    const exe = path.join(dir, 'tool');
    fs.writeFileSync(exe, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, 'data', { mode: 0o644 });
    expect(findExecutable(exe)).toBe(exe);
    expect(findExecutable(plain)).toBeUndefined();
    expect(findExecutable(dir)).toBeUndefined(); // a directory is not an executable
    expect(findExecutable(path.join(dir, 'missing'))).toBeUndefined();
  });

  test('a bare name is searched on PATH, in order, skipping empty entries and non-executables', () => {
    const first = path.join(dir, 'p1');
    const second = path.join(dir, 'p2');
    fs.mkdirSync(first);
    fs.mkdirSync(second);
    fs.writeFileSync(path.join(first, 'only-data'), 'x', { mode: 0o644 });
    fs.writeFileSync(path.join(second, 'only-data'), '#!/bin/sh\n', { mode: 0o755 });
    const saved = process.env.PATH;
    try {
      process.env.PATH = ['', first, second].join(path.delimiter);
      expect(findExecutable('only-data')).toBe(path.join(second, 'only-data'));
      expect(findExecutable('absent-tool')).toBeUndefined();
      delete process.env.PATH;
      expect(findExecutable('only-data')).toBeUndefined();
    } finally {
      process.env.PATH = saved;
    }
  });

  test('an empty PATH entry does not mean the current directory', () => {
    const cwdDir = path.join(dir, 'cwd');
    fs.mkdirSync(cwdDir);
    fs.writeFileSync(path.join(cwdDir, 'cwd-tool'), '#!/bin/sh\n', { mode: 0o755 });
    const [savedPath, savedCwd] = [process.env.PATH, process.cwd()];
    try {
      process.chdir(cwdDir);
      process.env.PATH = ['', path.join(dir, 'p1')].join(path.delimiter);
      expect(findExecutable('cwd-tool')).toBeUndefined();
    } finally {
      process.chdir(savedCwd);
      process.env.PATH = savedPath;
    }
  });
});

describe('runSync', () => {
  test('returns status, stdout and stderr; a non-zero exit is not an error', () => {
    const r = runSync(process.execPath, { args: ['-e', "process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"], timeoutMs: 30_000, label: 'probe' });
    expect([r.status, r.stdout, r.stderr]).toEqual([3, 'out', 'err']);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.durationMs).toBeLessThan(60_000);
  });

  test('input, env and cwd reach the child', () => {
    const r = runSync(process.execPath, {
      args: ['-e', "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(s+'|'+process.env.PROBE_VAR+'|'+process.cwd()))"],
      input: 'hello', env: { ...process.env, PROBE_VAR: 'v1' }, cwd: dir, timeoutMs: 30_000, label: 'probe',
    });
    expect(r.stdout).toBe(`hello|v1|${fs.realpathSync(dir)}`);
  });

  test('a command past its timeout throws naming the label, seconds, command and its output', () => {
    // 2.5 s: rounds to 3 s (Math.round), where floor would say 2 s; long enough for the child to print 'started' on a busy machine
    expect(() => runSync(process.execPath, { args: ['-e', "console.error('started'); setTimeout(() => {}, 20000)"], timeoutMs: 2500, label: 'slow tool' }))
      .toThrow(new RegExp(`^slow tool timed out after 3s: ${process.execPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} -e console\\.error\\('started'\\); setTimeout\\(\\(\\) => \\{\\}, 20000\\)\\nstarted\\n$`));
  });

  test('a command that cannot start throws "could not be started"', () => {
    expect(() => runSync(path.join(dir, 'no-such-binary'), { args: [], timeoutMs: 5000, label: 'ghost' }))
      .toThrow(/^ghost could not be started \(.*no-such-binary\): spawnSync .*no-such-binary ENOENT$/);
  });

  test('a command killed by a signal throws naming the signal', () => {
    expect(() => runSync(process.execPath, { args: ['-e', "console.error('dying'); process.kill(process.pid, 'SIGKILL')"], timeoutMs: 30_000, label: 'victim' }))
      .toThrow(/^victim was killed by signal SIGKILL after \d+ms: .* -e console\.error\('dying'\); process\.kill\(process\.pid, 'SIGKILL'\)\ndying\n$/);
  });
});

describe('tail, temp dirs, sleep, reasons', () => {
  test('tail keeps the last lines and says how many were cut', () => {
    expect(tail(undefined)).toBe('');
    expect(tail(null)).toBe('');
    expect(tail('')).toBe('');
    expect(tail('a\nb\n\n')).toBe('a\nb\n');
    expect(tail('a\nb\nc', 3)).toBe('a\nb\nc\n');
    expect(tail('a\nb\nc\nd', 3)).toBe('...(1 lines cut)\nb\nc\nd\n');
    const long = Array.from({ length: 45 }, (_, i) => `l${i}`).join('\n');
    expect(tail(long)).toBe(`...(5 lines cut)\n${Array.from({ length: 40 }, (_, i) => `l${i + 5}`).join('\n')}\n`);
    expect(tail('  indented\nlast')).toBe('  indented\nlast\n');
  });

  test('makeTempDir creates a fresh directory with the prefix; removeDir removes it and ignores undefined or missing', () => {
    const d = makeTempDir('mutation-probe-');
    expect(path.basename(d)).toMatch(/^mutation-probe-/);
    expect(path.dirname(d)).toBe(os.tmpdir());
    expect(fs.statSync(d).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(d, 'f'), 'x');
    removeDir(d);
    expect(fs.existsSync(d)).toBe(false);
    expect(() => removeDir(d)).not.toThrow();
    expect(() => removeDir(undefined)).not.toThrow();
  });

  test('sleepSync blocks for about the given time', () => {
    const t = Date.now();
    sleepSync(120);
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
  });

  test('the launcher execs the program with its arguments and a parent-death signal of SIGTERM', () => {
    // process.test.ts checks that a launched child dies with its parent; a broken launcher that starts nothing
    // passes that test too, so this one checks that the program really runs, with PR_SET_PDEATHSIG set.
    const probe = 'import ctypes, sys; v = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(v)); print(v.value, sys.argv[1:])';
    const r = runSync('python3', { args: ['-c', TIED_TO_PARENT_LAUNCHER, findExecutable('python3')!, '-c', probe, 'a', 'b c'], timeoutMs: 30_000, label: 'launcher' });
    expect([r.status, r.stdout.trim()]).toEqual([0, "15 ['a', 'b c']"]);
  });

  test('the install hint names both Python tools', () => {
    expect(PYTHON_TOOLS_INSTALL_HINT).toBe("pip install cfn-lint 'moto[server]'");
  });

  test('a reason needs 10 characters after trimming', () => {
    expect(() => checkReason('what', 'ID', '0123456789')).not.toThrow();
    expect(() => checkReason('what', 'ID', ' 012345678 ')).toThrow(
      /^what 'ID' needs a reason of at least 10 characters explaining why it is safe to ignore \(got " 012345678 "\)$/,
    );
    expect(() => checkReason('what', 'ID', undefined)).toThrow(/\(got ""\)$/);
    expect(() => checkReason('what', 'ID', null as unknown as string)).toThrow(/\(got ""\)$/);
  });
});

describe('synthStack', () => {
  test('a stack outside an App cannot be synthesized', () => {
    const root = new Construct(undefined as unknown as Construct, 'Root');
    const stack = new cdk.Stack(root, 'Loose');
    expect(() => synthStack(stack)).toThrow("Stack 'Root/Loose' is not part of an App or Stage, so it cannot be synthesized");
  });

  test('a synthesized template that is not on disk is reported with its path', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Gone');
    app.synth();
    const realExists = fs.existsSync;
    const spy = jest.spyOn(fs, 'existsSync').mockImplementation((p) => (String(p).endsWith('Gone.template.json') ? false : realExists(p)));
    try {
      expect(() => synthStack(stack)).toThrow(/^Synthesized template for stack 'Gone' not found at .*Gone\.template\.json$/);
    } finally {
      spy.mockRestore();
    }
  });

  test('a stack in an App: its template, one assembly directory', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Top');
    new sqs.Queue(stack, 'Q');
    const s = synthStack(stack);
    expect(s.assemblyDir).toBe(s.rootAssemblyDir);
    expect(s.templatePath).toBe(path.join(s.assemblyDir, 'Top.template.json'));
    expect(Object.values(s.template.Resources).map((r: any) => r.Type)).toEqual(['AWS::SQS::Queue']);
  });

  test('a stack in a Stage: the nested assembly holds the template, the root assembly is the App\'s', () => {
    const app = new cdk.App();
    const stage = new cdk.Stage(app, 'Prod');
    const stack = new cdk.Stack(stage, 'Inner');
    new sqs.Queue(stack, 'Q');
    const s = synthStack(stack);
    expect(s.assemblyDir).not.toBe(s.rootAssemblyDir);
    expect(s.assemblyDir).toBe(path.join(s.rootAssemblyDir, 'assembly-Prod'));
    expect(fs.existsSync(path.join(s.rootAssemblyDir, 'manifest.json'))).toBe(true);
    expect(s.templatePath).toBe(path.join(s.assemblyDir, stack.templateFile));
    expect(fs.existsSync(s.templatePath)).toBe(true);
    expect(Object.values(s.template.Resources).map((r: any) => r.Type)).toEqual(['AWS::SQS::Queue']);
  });
});
