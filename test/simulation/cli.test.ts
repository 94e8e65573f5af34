import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { AutoscalingPolicy, EndpointMode, ManagedEndpoint, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { main } from '../../lib/cli';
import { demoArtifact } from '../../examples/shared/artifact';

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: t => { out += t; }, stderr: t => { err += t; } });
  return { code, out, err };
}

let dir: string;
let assembly: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
  const app = new App({ outdir: path.join(dir, 'cdk.out'), context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Chat', { env: { account: '123456789012', region: 'us-east-1' } });
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: demoArtifact('1.0.0'),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(4)], warmBufferPercent: 20 }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(10) }),
  });
  assembly = app.synth().directory;
  fs.writeFileSync(path.join(dir, 'trace.csv'), 'minute,rps\n' + Array.from({ length: 60 }, (_, i) => `${i},${i < 30 ? 20 : 50}`).join('\n'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('--app <cdk.out> --trace <csv> --json: the issue\'s shape, lanes by construct path, rollout trials', () => {
  const r = run(['simulate', '--app', assembly, '--trace', path.join(dir, 'trace.csv'), '--json', '--trials', '50']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.scenarios).toHaveLength(1);
  expect(j.scenarios[0]).toEqual(expect.objectContaining({
    name: path.join(dir, 'trace.csv'), sloMinutesPercent: expect.any(Number), instanceHours: expect.any(Number), costPer1000: expect.any(Number),
    oracle: expect.objectContaining({ instanceHours: expect.any(Number), costPer1000: expect.any(Number) }),
    naive: expect.objectContaining({ sloMinutesPercent: expect.any(Number), instanceHours: expect.any(Number) }),
  }));
  expect(j.scenarios[0].lanes.map((l: any) => l.path)).toEqual(['Chat/Endpoint']);
  expect(j.rollouts.map((x: any) => [x.lane, x.rps, x.trials])).toEqual([['Chat/Endpoint', 2, 50], ['Chat/Endpoint', 1000, 50]]);
  expect(j.rollouts[1]).toEqual(expect.objectContaining({
    mechanism: 'sagemaker-blue-green', badDetectedWithin5MinPercent: expect.any(Number), p99DetectMinutes: expect.any(Number),
    falseRollbackPercent: expect.any(Number), slowDetectedWithin5MinPercent: expect.any(Number),
  }));
});

test('--scale 3 and --fail-under: a trace three times larger misses the SLO and fails the run', () => {
  const r = run(['simulate', '--app', assembly, '--trace', path.join(dir, 'trace.csv'), '--scale', '3', '--trials', '0', '--fail-under', '99']);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/trace.csv x3/);
  expect(r.err).toMatch(/SLO met in fewer than 99% of minutes: .*trace.csv \d+\.\d+%/);
});

test('--plot writes an SVG per scenario with the SLO line', () => {
  const plots = path.join(dir, 'plots');
  const r = run(['simulate', '--app', assembly, '--trace', path.join(dir, 'trace.csv'), '--trials', '0', '--plot', plots]);
  expect(r.code).toBe(0);
  const files = fs.readdirSync(plots);
  expect(files).toHaveLength(1);
  const svg = fs.readFileSync(path.join(plots, files[0]), 'utf-8');
  expect(svg).toMatch(/^<svg/);
  expect(svg).toMatch(/SLO 300 ms/);
});

test('bad input exits 2 with a clear message', () => {
  expect(run(['simulate', '--bogus'])).toMatchObject({ code: 2, err: expect.stringMatching(/error: unknown flag --bogus/) });
  expect(run(['simulate', '--scale', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--scale must be a number of at least/) });
  expect(run(['simulate', '--start', 'tuesday'])).toMatchObject({ code: 2, err: expect.stringMatching(/--start must be an ISO 8601 time such as 2027-03-03T05:00:00Z, got 'tuesday'/) });
  expect(run(['simulate', '--app', assembly, '--trace', 'nope.csv'])).toMatchObject({ code: 2, err: expect.stringMatching(/--trace nope.csv: no such file and not a built-in trace/) });
  fs.writeFileSync(path.join(dir, 'bad.csv'), 'minute,rps\n0,1\n1,abc\n');
  expect(run(['simulate', '--app', assembly, '--trace', path.join(dir, 'bad.csv'), '--trials', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/bad.csv line 3: rps 'abc' must be a number of at least 0/) });
  expect(run(['simulate', '--app', assembly, '--trace', 'document-batches', '--lanes', 'batch-workers', '--trials', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/no lane to simulate \(lanes found: Chat\/Endpoint \(managed-endpoint\)\)/) });
});

test('help lists the simulate flags', () => {
  expect(run(['simulate', '--help']).out).toMatch(/--trace CSV\|NAME/);
  expect(run(['help']).out).toMatch(/simulate    replay traffic traces/);
});

test('no arguments: the seed scenarios against the example stacks (trials skipped here; the bench runs 1,000)', () => {
  const r = run(['simulate', '--trials', '0', '--json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.scenarios.map((s: any) => [s.name, s.lanes.map((l: any) => l.kind)])).toEqual([
    ['recommender-flash-sale', ['gpu-cluster']],
    ['document-batches', ['batch-workers']],
    ['assistant-marketing-surges', ['managed-endpoint', 'serverless']],
  ]);
  for (const s of j.scenarios) {
    expect(s).toEqual(expect.objectContaining({ sloMinutesPercent: expect.any(Number), oracle: expect.objectContaining({ instanceHours: expect.any(Number) }) }));
  }
  expect(j.rollouts).toEqual([]);
});

test('a built-in trace without --app runs its own seed scenario only', () => {
  const r = run(['simulate', '--trace', 'document-batches', '--scale', '2', '--trials', '0', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out).scenarios.map((s: any) => [s.name, s.trace])).toEqual([['document-batches', 'document-batches x2']]);
});

test('--app <cdk.out> --json: per lane the lead-time check and the capacity lag; a cdk.out has no construct tree, so the lead time reads not stated', () => {
  const r = run(['simulate', '--app', assembly, '--trace', path.join(dir, 'trace.csv'), '--json', '--trials', '0']);
  expect(r.code).toBe(0);
  const lane = JSON.parse(r.out).scenarios[0].lanes[0];
  expect(lane.path).toBe('Chat/Endpoint');
  expect(lane.leadTime).toEqual({
    path: 'Chat/Endpoint', kind: 'managed-endpoint', statedSeconds: null, modelledSeparately: [], modelledSeparatelySeconds: 0,
    impliedArrivalSeconds: null, arrivalSeconds: 360, arrivalSource: 'table', driftSeconds: null, consistent: true,
  });
  expect(lane.capacityLag.max).toBeGreaterThan(0); // 20 -> 50 RPS: instances asked for before they serve
  expect(lane.capacityLag.p95).toBeGreaterThanOrEqual(0);
  expect(lane.batching).toEqual({ gainPercent: 0, queueDelayMs: 0, measuredWithBatching: false });
});
