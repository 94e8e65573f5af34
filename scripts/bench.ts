/**
 * `npm run bench`: synth time and size of the hybrid app and of every example, against two
 * reference points — a plain aws-cdk-lib app with one empty stack (the floor) and an ecs-patterns
 * QueueProcessingFargateService app (the nearest peer, to the batch lane) — printed as ratios.
 *
 * Every case is built and synthesized in this process `RUNS` times after one warm-up run (module
 * loading excluded), and the median is reported. Timing only: nothing here is a test.
 */
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as cdk8s from 'cdk8s';
import { createDocumentBatchStack } from '../examples/document-batch';
import { createEdgePrivacyStack } from '../examples/edge-privacy';
import { createGpuClusterStack } from '../examples/gpu-cluster';
import { createGpuServingChart } from '../examples/gpu-cluster/chart';
import { createHybridApp } from '../examples/hybrid';
import { createManagedEndpointStack } from '../examples/managed-endpoint';
import { createServerlessBurstStack } from '../examples/serverless-burst';

process.env.CDK_VALIDATION = process.env.CDK_VALIDATION ?? 'false';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ENV = { account: '123456789012', region: 'us-east-1' };

interface Case { readonly name: string; readonly run: () => { resources: number; perLane?: { [lane: string]: number } } }

function synthStack(build: (app: App) => Stack): { resources: number } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')) });
  const stack = build(app);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return { resources: Object.keys(template.Resources ?? {}).length };
}

const cases: Case[] = [
  { name: 'floor: aws-cdk-lib, one empty stack', run: () => synthStack(app => new Stack(app, 'Empty', { env: ENV })) },
  {
    name: 'peer: ecs-patterns QueueProcessingFargateService',
    run: () => synthStack(app => {
      const s = new Stack(app, 'Peer', { env: ENV });
      new ecsPatterns.QueueProcessingFargateService(s, 'Svc', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1'), maxScalingCapacity: 6 });
      return s;
    }),
  },
  {
    name: 'hybrid app (bin/): 4 lanes + K8s chart',
    run: () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')) });
      const h = createHybridApp({ app, stackProps: { env: ENV } });
      const template = app.synth().getStackByName(h.stack.stackName).template;
      new cdk8s.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-k8s-')) });
      const perLane: { [lane: string]: number } = {};
      for (const c of h.stack.node.findAll()) {
        const cfn = c as { cfnResourceType?: string };
        if (!cfn.cfnResourceType) { continue; }
        const lane = h.topology.lanes.find(l => c.node.path.startsWith(l.node.path + '/'));
        const frontDoor = h.topology.frontDoors.find(f => c.node.path.startsWith(f.node.path + '/'));
        const key = lane ? `${lane.node.id} (${lane.laneKind})` : frontDoor ? `${frontDoor.node.id} (front door)` : 'shared';
        perLane[key] = (perLane[key] ?? 0) + 1;
      }
      perLane['recsys (K8s objects)'] = h.charts[0].toJson().length;
      return { resources: Object.keys(template.Resources ?? {}).length, perLane };
    },
  },
  { name: 'example: managed-endpoint', run: () => synthStack(app => createManagedEndpointStack(app, 'Me', { env: ENV })) },
  { name: 'example: gpu-cluster (EKS stack)', run: () => synthStack(app => createGpuClusterStack(app, 'Gpu', { env: ENV })) },
  {
    name: 'example: gpu-cluster (standalone chart)',
    run: () => {
      const app = new cdk8s.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-k8s-')) });
      const chart = createGpuServingChart(app);
      app.synth();
      return { resources: chart.toJson().length };
    },
  },
  { name: 'example: serverless-burst', run: () => synthStack(app => createServerlessBurstStack(app, 'Sls', { env: ENV })) },
  { name: 'example: document-batch', run: () => synthStack(app => createDocumentBatchStack(app, 'Batch', { env: ENV })) },
  { name: 'example: edge-privacy', run: () => synthStack(app => createEdgePrivacyStack(app, 'Edge', { env: ENV })) },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const results: { name: string; ms: number; resources: number; perLane?: { [lane: string]: number } }[] = [];
for (const c of cases) {
  const first = c.run(); // warm-up: loads the modules this case needs
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    c.run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  results.push({ name: c.name, ms: median(times), resources: first.resources, perLane: first.perLane });
}

const floor = results[0];
const peer = results[1];
const pad = (s: string, n: number) => (s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length));
console.log(`Synth benchmark: median of ${RUNS} in-process runs after a warm-up (node ${process.version}, ${os.cpus().length} cores)\n`);
console.log(pad('case', 50) + pad('synth ms', 10) + pad('resources', 11) + pad('× floor', 9) + '× peer');
for (const r of results) {
  console.log(pad(r.name, 50) + pad(r.ms.toFixed(0), 10) + pad(String(r.resources), 11) + pad((r.ms / floor.ms).toFixed(1), 9) + (r.ms / peer.ms).toFixed(2));
}
// Cold: what `cdk synth` pays per run (a new process that loads aws-cdk-lib, transpiles bin/ and
// synthesizes), median of 3 — the number a user feels, dominated by module loading.
const cold: number[] = [];
for (let i = 0; i < 3; i++) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', '--prefer-ts-exts', 'bin/app.ts'], {
    env: { ...process.env, CDK_OUTDIR: out, CDK_VALIDATION: 'false' }, encoding: 'utf-8',
  });
  cold.push(Number(process.hrtime.bigint() - t0) / 1e6);
  fs.rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
}
console.log(`\nCold synth of bin/ (new process: module loading + transpile + synth), median of 3: ${(median(cold) / 1000).toFixed(1)} s`);

const hybrid = results.find(r => r.perLane);
if (hybrid?.perLane) {
  console.log('\nHybrid app, resources per lane:');
  for (const [lane, n] of Object.entries(hybrid.perLane)) { console.log(`  ${pad(lane, 36)}${n}`); }
}

// The front door's router: its own decision overhead per request, in-process (issue 18: p99 < 1 ms).
// A separate process, so its timings do not share a heap with the synth runs above (`npm run bench:router` runs it alone).
console.log('');
const router = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(__dirname, 'bench-router.ts')], {
  env: { ...process.env, BENCH_REQUESTS: process.env.BENCH_REQUESTS ?? '20000' }, stdio: 'inherit',
});
if (router.status !== 0) { process.exit(router.status ?? 1); }
