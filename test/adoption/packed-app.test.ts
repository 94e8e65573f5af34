import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Issue 16, "Done when" (first bullet, the nag and snapshot parts): a new user's app built from the
 * PACKED package, not from this repository. The package is built the way it is published (jsii,
 * `npm run build`) in a scratch copy of the sources, packed with `npm pack`, installed offline into a
 * temporary app directory (`npm install <tarball> --offline`; the peer dependencies aws-cdk-lib,
 * constructs, cdk8s, cdk8s-plus-28 and the dev tool cdk-nag are symlinked from the shared install,
 * as a user's own install would provide them). The app is written from the README only: it cannot
 * reach examples/ or test/ and has no cdk-nag suppression of its own.
 *
 * Then the same app, unmodified, is deployed with the installed package's LocalDeploy (moto; issue 16
 * item 2): it must reach CREATE_COMPLETE and list the adaptations it made to the synthesized template.
 */

const ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = fs.realpathSync(path.join(ROOT, 'node_modules'));
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-28', 'cdk-nag', 'aws-cdk'];

/** The user's app, as a user writes it in TypeScript from the package README. */
const APP_TS = `
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import {
  AutoscalingPolicy, EdgeFleetChannel, EndpointMode, FleetRelease, HardwareTarget, HybridTopology, ManagedEndpoint,
  ModelArtifact, ModelPrecision, ModelWeights, QueueDrainedWorkers, Rollout, ScalingTrigger, ServiceLevelObjective,
  ServingImage, WarmServerlessFunction,
} from 'cdk-inference-lanes';

export function buildApp(modelDir: string): Stack {
  const app = new App();
  const stack = new Stack(app, 'Recommender', { env: { account: '123456789012', region: 'eu-west-1' } });
  const artifact = ModelArtifact.fromAsset(path.join(modelDir, 'cpu', 'model.tar.gz'), {
    name: 'recommender',
    version: '2.0.0',
    framework: 'pytorch',
    image: ServingImage.fromRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/recommender:2.0.0'),
    targets: [HardwareTarget.CPU_X86_64, HardwareTarget.CPU_ARM64],
    variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: ModelWeights.fromAsset(path.join(modelDir, 'edge', 'model.tar.gz')) }],
  });
  const topology = new HybridTopology(stack, 'Lanes', {
    artifact,
    slo: ServiceLevelObjective.latency(95, Duration.millis(300)),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10) }),
    hourlyPrices: { 'ml.m5.xlarge': 0.23 },
  });
  new ManagedEndpoint(topology, 'Endpoint', {
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(10) }),
  });
  new WarmServerlessFunction(topology, 'Burst', { autoscaling: AutoscalingPolicy.fixed(2) });
  new QueueDrainedWorkers(topology, 'Batch', {
    jobTimeout: Duration.minutes(2),
    autoscaling: AutoscalingPolicy.fixed(1),
    slo: ServiceLevelObjective.timeInQueue(Duration.hours(1)),
    rollout: Rollout.allAtOnce(),
  });
  new EdgeFleetChannel(topology, 'Stores', {
    deviceClasses: [{ name: 'kiosks', target: HardwareTarget.EDGE_ARM64, expectedDevices: 500 }],
    release: FleetRelease.canaryOnly(),
  });
  return stack;
}
`;

/** What the user's test does with the package's testing helpers (cdk-nag is the user's dev dependency). */
const CHECK_JS = `
const fs = require('fs');
const path = require('path');
const { Template } = require('aws-cdk-lib/assertions');
const { NagCheck, Snapshot } = require('cdk-inference-lanes/testing');
const { buildApp } = require('./app');
const models = path.join(__dirname, 'models');
const first = buildApp(models);
const nag = NagCheck.check(first);
const before = Template.fromStack(first).toJSON();
// The same app plus the user's own wildcard statement: that one must still report.
const planted = buildApp(models);
const iam = require('aws-cdk-lib/aws-iam');
new iam.Role(planted, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
  .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
const plantedNag = NagCheck.check(planted);
fs.writeFileSync(path.join(models, 'edge', 'model.tar.gz'), 'int8 weights, retrained');
const after = Template.fromStack(buildApp(models)).toJSON();
process.stdout.write(JSON.stringify({
  findings: [...nag.errors, ...nag.warnings].map(f => f.resourcePath + ' ' + f.ruleId),
  plantedFindings: [...plantedNag.errors, ...plantedNag.warnings].map(f => f.resourcePath + ' ' + f.ruleId),
  rawEqual: JSON.stringify(before) === JSON.stringify(after),
  maskedBefore: Snapshot.maskTemplate(before),
  maskedAfter: Snapshot.maskTemplate(after),
  resourceTypes: [...new Set(Object.values(before.Resources).map(r => r.Type))].sort(),
  taggedKeys: Object.entries(before.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Key' && r.Properties && r.Properties.Tags).map(([id]) => id).sort(),
}));
`;

/** The user's local deploy of the same app, unmodified (the package's LocalDeploy adapts the synthesized template). */
const DEPLOY_JS = `
const path = require('path');
const { LocalDeploy } = require('cdk-inference-lanes/testing');
const { buildApp } = require('./app');
const deployment = LocalDeploy.deployStack(buildApp(path.join(__dirname, 'models')));
try {
  const r = deployment.result;
  process.stdout.write(JSON.stringify({
    stackStatus: r.stackStatus,
    adaptations: r.adaptations,
    created: r.created.length,
    skipped: r.skipped.map(s => s.resourceType),
    deployMs: r.timings.deployMs,
    totalMs: r.timings.totalMs,
  }));
} finally {
  deployment.stop();
}
`;

interface Deployed { stackStatus: string; adaptations: { logicalId: string; resourceType: string; change: string; reason: string }[]; created: number; skipped: string[]; deployMs: number; totalMs: number }

interface Result { taggedKeys: string[]; findings: string[]; plantedFindings: string[]; rawEqual: boolean; maskedBefore: object; maskedAfter: object; resourceTypes: string[] }

let work: string;
let tarball: string;
/** The package as npm installed it in the user's app. */
let installed: string;
/** The user's app directory. */
let appDir: string;
let result: Result;
/** The LocalDeploy result (LocalDeploy fails with the install command when moto is missing: nothing is skipped). */
let deployed: Deployed | undefined;
const timings: { [step: string]: number } = {};

/** True when the repository's jsii output (.jsii and the .js beside each lib source) is newer than every .ts source in lib/. */
function jsiiOutputIsFresh(): boolean {
  const assembly = path.join(ROOT, '.jsii');
  if (!fs.existsSync(assembly)) { return false; }
  const built = fs.statSync(assembly).mtimeMs;
  const stale = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) { return stale(f); }
    if (!e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) { return false; }
    const js = f.replace(/\.ts$/, '.js');
    return fs.statSync(f).mtimeMs > built || !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(f).mtimeMs;
  });
  return !stale(path.join(ROOT, 'lib'));
}

function timed<T>(step: string, f: () => T): T {
  const t0 = Date.now();
  try { return f(); } finally { timings[step] = (Date.now() - t0) / 1000; }
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (e: any) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'packed-app-'));
  // 1. Build the package as published (jsii compiles .js and .d.ts beside the .ts), in a scratch
  //    copy so the repository's own tree (and a concurrent jest run) is untouched.
  const src = path.join(work, 'src');
  fs.mkdirSync(src);
  // `npm test` runs the same jsii compile in place just before jest (`npm run jsii-check`): when its output
  // is newer than every source in lib/, pack that output; otherwise (a lone `npx jest` after an edit) compile here.
  const reuse = jsiiOutputIsFresh();
  for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'CHANGELOG.md', 'API.md', 'lib', 'bin', 'examples', ...(reuse ? ['.jsii'] : [])].filter(e => fs.existsSync(path.join(ROOT, e)))) {
    fs.cpSync(path.join(ROOT, entry), path.join(src, entry), { recursive: true, filter: f => reuse || !/\.(js|d\.ts)$/.test(f) || f.endsWith(path.join('bin', 'cdk-inference-lanes.js')) || f.includes(path.join('lib', 'routing', 'handler')) });
  }
  fs.symlinkSync(NODE_MODULES, path.join(src, 'node_modules'));
  if (!reuse) {
    timed('build (jsii)', () => run(path.join(NODE_MODULES, '.bin', 'jsii'), ['--silence-warnings=reserved-word'], src));
  }
  // 2. npm pack.
  tarball = path.join(work, timed('npm pack', () => run('npm', ['pack', '--silent', '--pack-destination', work], src)).trim().split('\n').pop()!);
  // 3. A user's app directory: install the tarball offline; peers from the shared install.
  const app = path.join(work, 'app');
  appDir = app;
  fs.mkdirSync(path.join(app, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'user-app', version: '0.0.0', private: true }));
  timed('npm install (offline)', () => run('npm', ['install', '--offline', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--no-save', tarball], app));
  installed = path.join(app, 'node_modules', 'cdk-inference-lanes');
  // After the install (npm prunes what its tree does not know).
  for (const peer of PEERS) { fs.symlinkSync(path.join(NODE_MODULES, peer), path.join(app, 'node_modules', peer)); }
  for (const [dir, text] of [['cpu', 'fp32 weights'], ['edge', 'int8 weights']]) {
    fs.mkdirSync(path.join(app, 'models', dir), { recursive: true });
    fs.writeFileSync(path.join(app, 'models', dir, 'model.tar.gz'), text);
  }
  fs.writeFileSync(path.join(app, 'app.ts'), APP_TS);
  fs.writeFileSync(path.join(app, 'check.js'), CHECK_JS);
  // 4. Compile the user's TypeScript against the package's published .d.ts, then run it.
  timed('tsc (user app)', () => run(path.join(NODE_MODULES, '.bin', 'tsc'), ['--strict', '--skipLibCheck', '--target', 'ES2020', '--module', 'commonjs', '--types', 'node', '--typeRoots', path.join(NODE_MODULES, '@types'), 'app.ts'], app));
  result = JSON.parse(timed('synth + cdk-nag + snapshots', () => run(process.execPath, ['check.js'], app)));
  // 5. LocalDeploy of the same app, unmodified, from the installed package (needs moto_server).
  fs.writeFileSync(path.join(app, 'deploy.js'), DEPLOY_JS);
  deployed = JSON.parse(timed('LocalDeploy (moto)', () => run(process.execPath, ['deploy.js'], app)));
  // eslint-disable-next-line no-console
  console.log(`packed-app LocalDeploy: ${deployed!.stackStatus}, ${deployed!.created} created, ${deployed!.skipped.length} skipped, adaptations: ${deployed!.adaptations.map(a => `${a.resourceType} ${a.logicalId}: ${a.change}`).join('; ')}`);
  // eslint-disable-next-line no-console
  console.log(`packed-app timings (s): ${JSON.stringify(timings)}`);
}, 600_000);

afterAll(() => {
  if (work) { fs.rmSync(work, { recursive: true, force: true }); }
});

function packedFiles(): string[] {
  return run('tar', ['tzf', tarball], work).split('\n').filter(Boolean).map(f => f.replace(/^package\//, ''));
}

test('the tarball ships the built library, the examples as documentation, and no tests or library sources', () => {
  const files = packedFiles();
  expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'lib/testing/index.js', 'lib/testing/private/api-contract.py', '.jsii', 'examples/hybrid/index.ts', 'examples/shared/model/int8/model.tar.gz']));
  expect(files.filter(f => /^test\//.test(f))).toEqual([]);
  expect(files.filter(f => f.startsWith('lib/') && f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
});

test('every relative link in the shipped READMEs points to a file the package ships (issue 16 item 6)', () => {
  const files = packedFiles();
  const broken: string[] = [];
  for (const readme of files.filter(f => f.endsWith('README.md'))) {
    const text = fs.readFileSync(path.join(installed, readme), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].split('#')[0];
      if (!target || /^[a-z]+:/i.test(target)) { continue; }
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(readme), target)).replace(/\/$/, '');
      if (!files.some(f => f === resolved || f.startsWith(`${resolved}/`))) { broken.push(`${readme} -> ${m[1]}`); }
    }
  }
  expect(broken).toEqual([]);
});

test('the app composes the managed endpoint, serverless, batch and edge lanes in one topology', () => {
  expect(result.resourceTypes).toEqual(expect.arrayContaining([
    'AWS::SageMaker::Endpoint', 'AWS::Lambda::Function', 'AWS::ECS::Service', 'AWS::GreengrassV2::Deployment', 'AWS::CloudWatch::Dashboard',
  ]));
  // The user's code has no suppression of its own.
  expect(APP_TS + CHECK_JS).not.toMatch(/acknowledge|suppress|Validations/);
});

test('zero unsuppressed cdk-nag AwsSolutions findings, with no user suppression', () => {
  expect(result.findings).toEqual([]);
});

test("the lanes' acknowledgements are not blanket: the user's own wildcard policy still reports", () => {
  expect(result.plantedFindings).toEqual(['Recommender/Mine/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]']);
});

test('a changed edge model file changes the template but not the masked snapshot', () => {
  expect(result.rawEqual).toBe(false);
  expect(result.maskedAfter).toEqual(result.maskedBefore);
});

test('the packaged CLI runs from node_modules/.bin: recommend --hardware, rounded --json', () => {
  const out = run(path.join(appDir, 'node_modules', '.bin', 'cdk-inference-lanes'), ['recommend', '--latency-ms', '300', '--traffic', 'seasonal', '--hardware', 'nvidia-gpu', '--json'], appDir);
  const rec = JSON.parse(out);
  expect(rec.answers.hardware).toBe('nvidia-gpu');
  expect(rec.ranked.find((l: { lane: string }) => l.lane === 'serverless').meetsAllConstraints).toBe(false);
  expect(out).not.toMatch(/\d\.\d{7,}/);
});

test("LocalDeploy from the installed package reaches CREATE_COMPLETE on the user's app unmodified, listing its adaptations", () => {
  expect(deployed).toBeDefined();
  expect(deployed!.stackStatus).toBe('CREATE_COMPLETE');
  expect(deployed!.created).toBeGreaterThan(0);
  expect(deployed!.adaptations.length).toBeGreaterThan(0);
  // The lanes' KMS keys carry tags that moto's KMS handler cannot take: LocalDeploy removes them, and says so.
  const kms = deployed!.adaptations.filter(a => a.resourceType === 'AWS::KMS::Key');
  expect(result.taggedKeys.length).toBeGreaterThanOrEqual(3);
  expect(kms.map(a => a.logicalId).sort()).toEqual(result.taggedKeys);
  for (const a of kms) {
    expect(a.change).toMatch(/^removed Tags \(\d+: /);
    expect(a.reason).toMatch(/TagKey/);
  }
  // The user's code does not adapt anything itself.
  expect(APP_TS + DEPLOY_JS).not.toMatch(/adaptForEmulator|localEmulator/);
});
