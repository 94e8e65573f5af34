/**
 * `npx ts-node --transpile-only --prefer-ts-exts scripts/simulate-bench.ts`: the measurements issue 17
 * asks for, printed as tables (timing only here; the rules are pinned by test/simulation).
 *
 * 1. Speed: one simulated day of the hybrid stack (SageMaker baseline + Lambda burst lane) at
 *    per-second resolution, median of 5 runs in this one process (Node runs it on one core).
 * 2. The seed scenarios at 1x, 2x and 3x their traces: SLO minutes, instance-hours and cost against
 *    the oracle, and the naive policy beside them.
 * 3. What-ifs: the default changes that would bring each scenario to <= 1.25x the oracle (as emitted beside them).
 * 4. Rollout trials: 1,000 seeded canaries per lane, kind and rate (2 and 1,000 RPS), judged by the
 *    emitted alarms/analysis; then the same with alternative alarm designs.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { demoArtifact } from '../examples/shared/artifact';
import { CapacityPlanner, EndpointMode, LaneKind, ManagedEndpoint, Rollout, ServiceLevelObjective } from '../lib';
import { loadExampleApp } from '../lib/simulation/apps';
import { modelFromConstructs } from '../lib/simulation/from-construct';
import { simulate } from '../lib/simulation/engine';
import { laneOracle, oracle, naiveModel } from '../lib/simulation/references';
import { CanaryKind, rolloutTrials } from '../lib/simulation/rollout-trials';
import { EXAMPLE_PROFILES, SEED_SCENARIOS } from '../lib/simulation/seed';
import { LaneSpec, StackModel } from '../lib/simulation/stack-model';
import { assistantTrace, scaleTrace } from '../lib/simulation/traces';

process.env.CDK_VALIDATION = 'false';
const TRIALS = Number(process.env.SIM_TRIALS ?? 1000);
const P = { profiles: EXAMPLE_PROFILES };
const f = (v: number, d = 2) => v.toFixed(d);

function table(rows: Array<Array<string | number>>): void {
  const cells = rows.map(r => r.map(String));
  const w = cells[0].map((_, i) => Math.max(...cells.map(r => (r[i] ?? '').length)));
  for (const r of cells) { console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')); }
}

const models: Record<string, StackModel> = {};
for (const s of SEED_SCENARIOS) { models[s.app] ??= loadExampleApp(s.app); }

// 1. speed
{
  const trace = assistantTrace(1);
  const lanes = ['managed-endpoint', 'serverless'];
  simulate(models.hybrid, trace, { ...P, lanes });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    simulate(models.hybrid, trace, { ...P, lanes });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`\n1. One simulated day of the hybrid (2 lanes, 86,400 one-second steps): median ${f(times[2], 0)} ms (min ${f(times[0], 0)}, max ${f(times[4], 0)}) of 5 runs, one process\n`);
}

// 2. seed scenarios at 1x, 2x, 3x
console.log('2. Seed scenarios (example stacks as emitted)');
const rows: Array<Array<string | number>> = [['scenario', 'scale', 'SLO min %', 'inst-h', 'oracle inst-h', 'x oracle', 'x same-lanes oracle', 'cost x oracle', 'naive SLO %', 'naive inst-h', 'naive x oracle']];
for (const s of SEED_SCENARIOS) {
  for (const scale of [1, 2, 3]) {
    const trace = scaleTrace(s.trace(1), scale);
    const opts = { ...P, lanes: s.lanes };
    const hybrid = (models[s.app].frontDoors ?? []).some(fd => fd.burst !== undefined);
    const r = simulate(models[s.app], trace, { ...opts, keepSeries: hybrid });
    const o = oracle(models[s.app], trace, opts);
    const lo = hybrid ? laneOracle(models[s.app], r, opts) : undefined;
    const n = simulate(naiveModel(models[s.app], opts), trace, opts);
    rows.push([s.name, `${scale}x`, f(r.sloMinutesPercent), f(r.instanceHours, 1), f(o.instanceHours, 1), f(r.instanceHours / o.instanceHours), lo ? f(r.instanceHours / lo.instanceHours) : '-', f(r.cost / o.cost), f(n.sloMinutesPercent), f(n.instanceHours, 1), f(n.instanceHours / o.instanceHours)]);
  }
}
table(rows);

// 3. what-ifs
console.log('\n3. What-ifs (1x traces): the emitted policies beside the CapacityPlanner\'s');
const whatifs: Array<[string, string, StackModel]> = [
  ['recommender-flash-sale', 'as emitted', models['gpu-cluster']],
  ['document-batches', 'as emitted', models['document-batch']],
  ['assistant-marketing-surges', 'as emitted', models.hybrid],
];
// The CapacityPlanner's policy for the assistant (baseline 15 RPS, daily peak 4x, a 12x surge of 20 min),
// rendered by a ManagedEndpoint on its own (no burst lane), then simulated like the examples.
{
  const p = EXAMPLE_PROFILES['managed-endpoint'];
  const plan = CapacityPlanner.plan({
    perInstanceRequestsPerSecond: p.requestsPerSecondAtSlo, pricePerInstanceHour: p.pricePerInstanceHour ?? 0, lane: LaneKind.MANAGED_ENDPOINT,
    concurrencyPerInstance: p.concurrency,
    traffic: { baselineRequestsPerSecond: 15, peakMultiplier: 4, surgeMultiplier: 12, surgeDuration: Duration.minutes(20) },
  });
  const stack = new Stack(new App(), 'Planned', { env: { account: '123456789012', region: 'us-east-1' } });
  new ManagedEndpoint(stack, 'Assistant', {
    artifact: demoArtifact('1.4.0'), mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), autoscaling: plan.autoscalingPolicy,
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }), rollout: Rollout.allAtOnce(),
  });
  whatifs.push(['assistant-marketing-surges', `CapacityPlanner policy on one SageMaker lane (min ${plan.minCapacity}, max ${plan.maxCapacity}, ${plan.surgeHandling})`, modelFromConstructs([stack])]);
}
const wrows: Array<Array<string | number>> = [['scenario', 'change', 'SLO min %', 'inst-h', 'x oracle', 'cost x oracle']];
for (const [name, change, m] of whatifs) {
  const s = SEED_SCENARIOS.find(x => x.name === name)!;
  const trace = s.trace(1);
  const opts = { ...P, lanes: m.lanes.some(l => s.lanes.includes(l.kind)) ? s.lanes : undefined };
  const r = simulate(m, trace, opts);
  const o = oracle(m, trace, opts);
  wrows.push([name, change, f(r.sloMinutesPercent), f(r.instanceHours, 1), f(r.instanceHours / o.instanceHours), f(r.cost / o.cost)]);
}
table(wrows);

// 3a. What lanes state (issue 19): batching and lead time read from the lane constructs; capacity lag per lane.
console.log('\n3a. What the lanes state (dynamicBatching, scaleOutLeadTime) and the capacity lag (asked for minus in service, per-minute averages)');
const srows: Array<Array<string | number>> = [['scenario', 'lane', 'stated lead s', 'arrival s (source)', 'consistent', 'batching', 'lag max', 'lag p95']];
for (const s of SEED_SCENARIOS) {
  const r = simulate(models[s.app], s.trace(1), { ...P, lanes: s.lanes });
  for (const l of r.lanes) {
    const b = l.batching;
    srows.push([s.name, l.path, l.leadTime.statedSeconds ?? 'not stated', `${l.leadTime.arrivalSeconds} (${l.leadTime.arrivalSource})`, String(l.leadTime.consistent),
      b.measuredWithBatching ? 'in profile' : b.gainPercent || b.queueDelayMs ? `+${b.gainPercent}%, +${b.queueDelayMs} ms` : 'none', f(l.capacityLagMax, 1), f(l.capacityLagP95, 1)]);
  }
}
table(srows);
// Fake statements on the hybrid's SageMaker baseline (what a lane helper would state), 1x assistant trace.
{
  const s = SEED_SCENARIOS.find(x => x.name === 'assistant-marketing-surges')!;
  const trace = s.trace(1);
  const opts = { ...P, lanes: s.lanes };
  const withBaseline = (extra: Partial<LaneSpec>): StackModel => ({ ...models.hybrid, lanes: models.hybrid.lanes.map(l => (l.kind === 'managed-endpoint' ? { ...l, ...extra } : l)) });
  const lead = { totalSeconds: 360, steps: [{ step: 'alarm evaluation', seconds: 60, source: 'fake' }, { step: 'instance launch and model load', seconds: 300, source: 'fake' }] };
  const cases: Array<[string, StackModel]> = [
    ['as emitted (both lanes state their lead times)', models.hybrid],
    ['Baseline states dynamicBatching +40%, 10 ms', withBaseline({ batching: { maxBatchSize: 8, maxQueueDelayMs: 10, throughputGainPercent: 40 } })],
    ['Baseline lead time replaced: 60 s alarm + 300 s launch/load', withBaseline({ leadTime: lead })],
  ];
  const frows: Array<Array<string | number>> = [['assistant-marketing-surges', 'SLO min %', 'inst-h', 'Baseline inst-h', 'x oracle', 'x same-lanes oracle', 'Baseline lag max']];
  for (const [name, m] of cases) {
    const r = simulate(m, trace, { ...opts, keepSeries: true });
    const o = oracle(m, trace, opts);
    const lo = laneOracle(m, r, opts);
    const b = r.lanes.find(l => l.kind === 'managed-endpoint')!;
    frows.push([name, f(r.sloMinutesPercent), f(r.instanceHours, 1), f(b.instanceHours, 1), f(r.instanceHours / o.instanceHours), lo ? f(r.instanceHours / lo.instanceHours) : '-', f(b.capacityLagMax, 1)]);
  }
  table(frows);
}

// 4. rollout trials
function trialRows(title: string, lanes: LaneSpec[], extra: { canaryOnlyAlarms?: boolean } = {}): void {
  console.log(`\n${title}`);
  const out: Array<Array<string | number>> = [['lane', 'mechanism', 'rps', 'bad 5% errors: <=5 min %', 'p99 min', 'bad p95 +50%: <=5 min %', 'healthy: false rollback %']];
  for (const lane of lanes) {
    for (const rps of [2, 1000]) {
      const run = (kind: CanaryKind) => rolloutTrials(lane, { rps, kind, profiles: EXAMPLE_PROFILES, trials: TRIALS, seed: 1, ...extra });
      const be = run(CanaryKind.BAD_ERRORS);
      const bl = run(CanaryKind.BAD_LATENCY);
      const h = run(CanaryKind.HEALTHY);
      out.push([lane.path, be.mechanism, rps, f(be.detectedWithin5MinPercent, 1), String(be.p99DetectMinutes ?? '-'), f(bl.detectedWithin5MinPercent, 1), f(h.rolledBackPercent, 1)]);
    }
  }
  table(out);
}
const rolloutLanes = [
  ...models.hybrid.lanes.filter(l => l.kind === 'managed-endpoint' || l.kind === 'serverless'),
  ...models['gpu-cluster'].lanes,
  ...models['document-batch'].lanes,
];
trialRows(`4. Rollout trials (${TRIALS} per cell), emitted alarms and deployment configs`, rolloutLanes);

trialRows('4a. Serverless lane judged on the new version only (its RollbackLatency/RollbackErrorRate carry ExecutedVersion; same as 4 since the lane emits them)',
  rolloutLanes.filter(l => l.kind === 'serverless'), { canaryOnlyAlarms: true });
// The GPU lane's Argo analysis is read as emitted (the rollback alarms' design: every minute over the 5-minute
// rollbackWindow, the one-sided error test, two slow one-minute p95s; example first step 75%): no what-if rows.
