import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Stub executables that stand in for moto, boto3 and the CDK CLI, so LocalDeploy's own logic (what it
 * runs, in which order, what it reports, how it fails) is tested in about a second per deployment,
 * without moto_server or `cdk deploy` (10-60 s each: test/testing/local-deploy.test.ts does the real one).
 *
 * - `python`: a node script that recognises LocalDeploy's Python programs by their text: the moto
 *   launcher starts an HTTP server on the given port (moto_server), after writing the profile answer
 *   to LOCAL_DEPLOY_PROFILE_OUT when asked (unless `launcherProfileFails`), the emulator-profile script prints
 *   `scenario.profile`, the boto3 script answers each call from `scenario.boto3` (`<operation>:<StackName>`
 *   first, then `<operation>`), the API-create script prints `scenario.outcomes`.
 * - `bin/moto_server`: only has to be on PATH (the launcher is handed its path).
 * - `cdk/bin/cdk`: exits with `scenario.deploy` / `scenario.bootstrap` (status, stdout, stderr) and appends
 *   `scenario.motoLog` to `moto.log` in its working directory (moto's log of the deployment);
 *   `cdk/lib/api/bootstrap/bootstrap-template.yaml` is the bootstrap template next to it.
 *
 * Every run is recorded in `calls.jsonl` (`kind`, argv, stdin, the AWS_* and CDK_* environment).
 */
export interface FakeScenario {
  readonly profile?: { types: string[]; sageMakerInstanceTypes?: string[]; motoVersion?: string };
  readonly boto3?: { [key: string]: any };
  /** An operation whose call fails the way the boto3 script reports a ClientError. */
  readonly boto3Error?: { operation: string; code: string; message: string };
  /** The boto3 script crashes: exit code 1 and this on stderr. */
  readonly boto3Crash?: string;
  readonly outcomes?: any[];
  /** The API-create script prints this instead of JSON. */
  readonly outcomesRaw?: string;
  readonly deploy?: { status: number; stdout?: string; stderr?: string };
  readonly bootstrap?: { status: number; stdout?: string; stderr?: string };
  readonly motoLog?: string;
  /** moto_server crashes at start-up with this on its log (a Traceback). */
  readonly serverCrash?: string;
  /** The launcher cannot answer the profile query (writes LOCAL_DEPLOY_PROFILE_OUT.err instead). */
  readonly launcherProfileFails?: boolean;
}

export interface FakeCall {
  readonly kind: string;
  readonly argv: string[];
  readonly input: any;
  readonly env: { [key: string]: string };
  readonly cwd: string;
  readonly pid: number;
}

const PYTHON = `#!/usr/bin/env node
const fs = require('fs'); const path = require('path');
const dir = ${JSON.stringify('__DIR__')};
const scenario = JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf-8'));
const argv = process.argv.slice(2);
const code = argv[argv.indexOf('-c') + 1] || '';
const kind = /PR_SET_PDEATHSIG/.test(code) ? 'server' : /get_model_map/.test(code) ? 'profile'
  : /REGION, ACCOUNT, STACK/.test(code) ? 'api-create' : /req\\['calls'\\]/.test(code) ? 'boto3' : 'unknown';
function profileAnswer(input) {
  const p = scenario.profile || { types: [] };
  const attrs = {};
  for (const [t, a] of input.attrs || []) { attrs[t + '\\u0000' + a] = (p.attrs || []).includes(t + '.' + a); }
  return input.profile ? { types: p.types, sageMakerInstanceTypes: p.sageMakerInstanceTypes || [], motoVersion: p.motoVersion || '5.0.0', attrs } : { attrs };
}
const input = kind === 'server' ? (process.env.LOCAL_DEPLOY_PROFILE_IN ? JSON.parse(process.env.LOCAL_DEPLOY_PROFILE_IN) : null) : (() => { try { return JSON.parse(fs.readFileSync(0, 'utf-8')); } catch { return null; } })();
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(AWS_|CDK_|PYTHONWARNINGS|MOTO_)/.test(k)));
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ kind, argv: argv.filter((a) => a !== code), input, env, cwd: process.cwd(), pid: process.pid }) + '\\n');
if (kind === 'server') {
  const out = process.env.LOCAL_DEPLOY_PROFILE_OUT;
  if (out && input) {
    if (scenario.launcherProfileFails) { fs.writeFileSync(out + '.err', "ModuleNotFoundError: No module named 'moto'"); }
    else { fs.writeFileSync(out + '.tmp', JSON.stringify(profileAnswer(input))); fs.renameSync(out + '.tmp', out); }
  }
  if (scenario.serverCrash) { console.log(scenario.serverCrash); process.exit(1); }
  const port = Number(argv[argv.indexOf('-p') + 1]);
  require('http').createServer((req, res) => { res.end('{}'); }).listen(port, 'localhost', () => console.log('fake moto on ' + port));
  setTimeout(() => process.exit(0), 120000);
} else if (kind === 'profile') {
  console.log(JSON.stringify(profileAnswer(input)));
} else if (kind === 'boto3') {
  if (scenario.boto3Crash) { process.stderr.write(scenario.boto3Crash); process.exit(1); }
  const results = [];
  for (const call of input.calls) {
    const op = call.operation.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    if (scenario.boto3Error && scenario.boto3Error.operation === op) {
      console.log(JSON.stringify({ error: { service: call.service, operation: op, code: scenario.boto3Error.code, message: scenario.boto3Error.message } }));
      process.exit(0);
    }
    const b = scenario.boto3 || {};
    const byStack = call.params && call.params.StackName !== undefined ? b[op + ':' + call.params.StackName] : undefined;
    results.push(byStack !== undefined ? byStack : (b[op] !== undefined ? b[op] : {}));
  }
  console.log(JSON.stringify({ results }));
} else if (kind === 'api-create') {
  if (scenario.outcomesRaw !== undefined) { process.stderr.write('api-create crashed'); console.log(scenario.outcomesRaw); process.exit(3); }
  console.log(JSON.stringify({ outcomes: scenario.outcomes || [] }));
} else {
  process.exit(99);
}
`;

const CDK = `#!/usr/bin/env node
const fs = require('fs'); const path = require('path');
const dir = ${JSON.stringify('__DIR__')};
const scenario = JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf-8'));
const argv = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(AWS_|CDK_)/.test(k)));
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ kind: 'cdk ' + argv[0], argv, input: null, env, cwd: process.cwd(), pid: process.pid }) + '\\n');
const r = (argv[0] === 'bootstrap' ? scenario.bootstrap : scenario.deploy) || { status: 0 };
if (argv[0] === 'deploy' && scenario.motoLog) { fs.appendFileSync(path.join(process.cwd(), 'moto.log'), scenario.motoLog); }
process.stdout.write(r.stdout || ''); process.stderr.write(r.stderr || '');
process.exit(r.status);
`;

/** The stub executables in a temp dir; `use(scenario)` sets what they answer, `calls()` what they were asked. */
export class FakeEmulator {
  public readonly dir: string;
  public readonly python: string;
  public readonly cdkCli: string;
  public readonly binDir: string;
  private savedPath?: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-emulator-'));
    this.binDir = path.join(this.dir, 'bin');
    fs.mkdirSync(this.binDir);
    this.python = path.join(this.dir, 'python');
    fs.writeFileSync(this.python, PYTHON.replace(JSON.stringify('__DIR__'), JSON.stringify(this.dir)), { mode: 0o755 });
    fs.writeFileSync(path.join(this.binDir, 'moto_server'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    this.cdkCli = path.join(this.dir, 'cdk', 'bin', 'cdk');
    fs.mkdirSync(path.dirname(this.cdkCli), { recursive: true });
    fs.writeFileSync(this.cdkCli, CDK.replace(JSON.stringify('__DIR__'), JSON.stringify(this.dir)), { mode: 0o755 });
    fs.mkdirSync(path.join(this.dir, 'cdk', 'lib', 'api', 'bootstrap'), { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'cdk', 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'), 'Description: fake bootstrap template\n');
    this.use({});
  }

  /** Puts bin/ (moto_server) first on PATH. */
  public onPath(): void {
    this.savedPath = process.env.PATH;
    process.env.PATH = `${this.binDir}${path.delimiter}${process.env.PATH ?? ''}`;
  }

  public use(scenario: FakeScenario): void {
    fs.writeFileSync(path.join(this.dir, 'scenario.json'), JSON.stringify(scenario));
    fs.writeFileSync(path.join(this.dir, 'calls.jsonl'), '');
  }

  public calls(kind?: string): FakeCall[] {
    return fs.readFileSync(path.join(this.dir, 'calls.jsonl'), 'utf-8').split('\n').filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as FakeCall).filter((c) => kind === undefined || c.kind === kind);
  }

  /** All boto3 calls made so far, flattened: `service.operation` with params. */
  public boto3Calls(): { op: string; params: any }[] {
    return this.calls('boto3').flatMap((c) => c.input.calls.map((x: any) => ({ op: `${x.service}.${x.operation}`, params: x.params })));
  }

  public dispose(): void {
    if (this.savedPath !== undefined) { process.env.PATH = this.savedPath; }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A cloud assembly written by hand (no CDK synth): one stack `Stack` (CloudFormation name `stackName`) with the template. */
export function writeAssembly(template: object, opts: { environment?: string; stackName?: string; displayName?: string; nested?: boolean } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-assembly-'));
  const dir = opts.nested ? path.join(root, 'assembly-Stage') : root;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Stack.template.json'), JSON.stringify(template));
  const stack = {
    type: 'aws:cloudformation:stack',
    environment: opts.environment ?? 'aws://unknown-account/unknown-region',
    properties: { templateFile: 'Stack.template.json', ...(opts.stackName ? { stackName: opts.stackName } : {}) },
    ...(opts.displayName ? { displayName: opts.displayName } : {}),
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '40.0.0', artifacts: { Stack: stack } }));
  if (opts.nested) {
    fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify({ version: '40.0.0', artifacts: { 'assembly-Stage': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } } } }));
  }
  return root;
}
