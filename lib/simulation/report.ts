import { LaneResult, RunResult, SimulateOptions, simulate } from './engine';
import { laneOracle, LaneOracleResult, naiveModel, oracle, OracleResult } from './references';
import { CanaryKind, RolloutTrialResult, rolloutTrials } from './rollout-trials';
import { ReaderFinding, StackModel } from './stack-model';
import { Trace } from './traces';

/** One scenario's run with its references. */
export interface ScenarioReport {
  readonly name: string;
  readonly trace: Trace;
  readonly stack: RunResult;
  readonly oracle: OracleResult;
  /** With a front door: each lane sized exactly for the traffic it served (see `laneOracle`). */
  readonly laneOracle?: LaneOracleResult;
  readonly naive: RunResult;
  readonly findings: ReaderFinding[];
}

/** Run a trace through a stack, the oracle and the naive policy. */
export function runScenario(name: string, model: StackModel, trace: Trace, options: SimulateOptions): ScenarioReport {
  const opts = { ...options, keepSeries: false };
  // A hybrid (a front door routing between lanes) is also compared with an ideal of its own lanes.
  const hybrid = (model.frontDoors ?? []).some(f => f.burst !== undefined);
  const stack = simulate(model, trace, { ...opts, keepSeries: hybrid });
  return {
    name, trace,
    stack: { ...stack, series: undefined },
    oracle: oracle(model, trace, opts),
    laneOracle: hybrid ? laneOracle(model, stack, opts) : undefined,
    naive: simulate(naiveModel(model, opts), trace, opts),
    findings: model.findings,
  };
}

/** Rollout trials of every lane with a rollout, at each rate, for the three canary kinds. */
export function runRolloutTrials(model: StackModel, rates: number[], options: { profiles: SimulateOptions['profiles']; trials?: number; seed?: number; lanes?: string[] }): RolloutTrialResult[] {
  const out: RolloutTrialResult[] = [];
  const lanes = model.lanes.filter(l => l.kind !== 'edge-fleet' && (!options.lanes || options.lanes.some(n => l.kind === n || l.path === n)));
  for (const lane of lanes) {
    for (const rps of rates) {
      for (const kind of [CanaryKind.BAD_ERRORS, CanaryKind.BAD_LATENCY, CanaryKind.HEALTHY]) {
        out.push(rolloutTrials(lane, { rps, kind, profiles: options.profiles, trials: options.trials, seed: options.seed }));
      }
    }
  }
  return out;
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const r4 = (v: number) => Math.round(v * 1e6) / 1e6;
const ratio = (a: number, b: number) => (b > 0 ? r2(a / b) : null);

/** The `--json` shape (issue 17), with more fields. */
export function toJson(scenarios: ScenarioReport[], rollouts: RolloutTrialResult[]): object {
  return {
    scenarios: scenarios.map(s => ({
      name: s.name,
      trace: s.trace.name,
      sloMinutesPercent: r2(s.stack.sloMinutesPercent),
      instanceHours: r2(s.stack.instanceHours),
      costPer1000: r4(s.stack.costPer1000),
      cost: r2(s.stack.cost),
      requests: Math.round(s.stack.requests),
      slo: { percentile: s.stack.sloPercentile, latencyMs: s.stack.sloLatencyMs },
      // The front door's routing (null without one): spilled after a capacity error, minutes failed over, 503s.
      frontDoor: s.stack.frontDoor ? {
        path: s.stack.frontDoor,
        spilledPercent: r4(s.stack.spilledPercent),
        failedOverMinutes: r2(s.stack.failedOverMinutes),
        unservedRequests: Math.round(s.stack.unservedRequests),
        unservedPercent: r4(s.stack.unservedPercent),
      } : null,
      oracle: { instanceHours: r2(s.oracle.instanceHours), costPer1000: r4(s.oracle.costPer1000), peakCapacity: s.oracle.peakCapacity },
      // With a front door: each lane sized exactly for the traffic it served, in its own unit (null otherwise).
      laneOracle: s.laneOracle ? {
        instanceHours: r2(s.laneOracle.instanceHours), costPer1000: r4(s.laneOracle.costPer1000),
        lanes: s.laneOracle.lanes.map(l => ({ path: l.path, kind: l.kind, instanceHours: r2(l.instanceHours) })),
      } : null,
      naive: { sloMinutesPercent: r2(s.naive.sloMinutesPercent), instanceHours: r2(s.naive.instanceHours), costPer1000: r4(s.naive.costPer1000) },
      ratios: {
        instanceHoursVsOracle: ratio(s.stack.instanceHours, s.oracle.instanceHours),
        instanceHoursVsLaneOracle: s.laneOracle ? ratio(s.stack.instanceHours, s.laneOracle.instanceHours) : null,
        costVsOracle: ratio(s.stack.cost, s.oracle.cost),
        naiveInstanceHoursVsOracle: ratio(s.naive.instanceHours, s.oracle.instanceHours),
      },
      lanes: s.stack.lanes.map((l, i) => ({
        path: l.path, kind: l.kind, sloMinutesPercent: r2(l.sloMinutesPercent), instanceHours: r2(l.instanceHours), costPer1000: r4(l.costPer1000),
        peakCapacity: l.peakCapacity, spilloverPercent: r2(l.spilloverPercent), trafficSharePercent: r2(l.trafficSharePercent), scalingActivities: l.scalingActivities,
        // The lane's metricCapacityLag (asked for minus in service), per-minute averages over the run.
        capacityLag: { max: r2(l.capacityLagMax), p95: r2(l.capacityLagP95) },
        // Lambda lanes: what the lane's own metricCapacityLag proxy reads (on-demand environments within the pool's room).
        ...(l.capacityLagAsEmitted ? { capacityLagAsEmitted: { max: r2(l.capacityLagAsEmitted.max), p95: r2(l.capacityLagAsEmitted.p95) } } : {}),
        // The lane's stated scaleOutLeadTime beside the arrival time the run used (consistent: false = drift).
        leadTime: l.leadTime,
        batching: l.batching,
        naive: s.naive.lanes[i] ? { sloMinutesPercent: r2(s.naive.lanes[i].sloMinutesPercent), instanceHours: r2(s.naive.lanes[i].instanceHours), peakCapacity: s.naive.lanes[i].peakCapacity } : undefined,
      })),
      findings: s.findings.filter(f => f.severity === 'unsupported').map(f => `${f.resource}: ${f.message}`),
    })),
    rollouts: rolloutRows(rollouts),
  };
}

/**
 * One entry per lane and rate, in the issue's shape: the bad-errors canary gives
 * `badDetectedWithin5MinPercent` and `p99DetectMinutes`, the healthy one `falseRollbackPercent`; the
 * p95 +50% canary its own fields.
 */
function rolloutRows(rollouts: RolloutTrialResult[]): object[] {
  const keys = [...new Set(rollouts.map(r => `${r.lane}|${r.rps}`))];
  return keys.map(k => {
    const rs = rollouts.filter(r => `${r.lane}|${r.rps}` === k);
    const of = (kind: CanaryKind) => rs.find(r => r.kind === kind);
    const bad = of(CanaryKind.BAD_ERRORS);
    const lat = of(CanaryKind.BAD_LATENCY);
    const ok = of(CanaryKind.HEALTHY);
    const exposure = (r?: RolloutTrialResult) => (r && Number.isFinite(r.meanExposureRequests) ? Math.round(r.meanExposureRequests) : null);
    return {
      lane: rs[0].lane, mechanism: rs[0].mechanism, rps: rs[0].rps, trials: rs[0].trials, deploymentMinutes: rs[0].deploymentMinutes,
      badDetectedWithin5MinPercent: bad ? r2(bad.detectedWithin5MinPercent) : null,
      badRolledBackPercent: bad ? r2(bad.rolledBackPercent) : null,
      p50DetectMinutes: bad?.p50DetectMinutes ?? null,
      p99DetectMinutes: bad?.p99DetectMinutes ?? null,
      badMeanExposureRequests: exposure(bad),
      slowDetectedWithin5MinPercent: lat ? r2(lat.detectedWithin5MinPercent) : null,
      slowRolledBackPercent: lat ? r2(lat.rolledBackPercent) : null,
      slowMeanExposureRequests: exposure(lat),
      falseRollbackPercent: ok ? r2(ok.rolledBackPercent) : null,
      note: rs[0].note,
    };
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => (r[i] ?? '').length)));
  return rows.map(r => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const money = (v: number) => (v === 0 ? '0' : v < 0.01 ? v.toExponential(2) : v.toFixed(4));

/** Capacity lag, lead time against arrival time, and batching of one lane, on one line. */
function laneLine(l: LaneResult): string {
  const lt = l.leadTime;
  const lead = lt.statedSeconds === null
    ? `arrival ${lt.arrivalSeconds} s (${lt.arrivalSource}; lead time not stated)`
    : lt.note ? `stated lead time ${lt.statedSeconds} s not used (${lt.note}); arrival ${lt.arrivalSeconds} s (${lt.arrivalSource})`
    : `stated lead time ${lt.statedSeconds} s - ${lt.modelledSeparatelySeconds} s modelled separately = ${lt.impliedArrivalSeconds} s; arrival ${lt.arrivalSeconds} s (${lt.arrivalSource})${lt.consistent ? '' : ` DRIFT ${lt.driftSeconds} s`}`;
  const b = l.batching;
  const batching = b.measuredWithBatching ? 'batching: in the profile' : b.gainPercent > 0 || b.queueDelayMs > 0 ? `batching: +${b.gainPercent}% throughput, +${b.queueDelayMs} ms queue delay` : 'batching: none';
  const emitted = l.capacityLagAsEmitted ? ` (the lane's metric reads max ${f1(l.capacityLagAsEmitted.max)} / p95 ${f1(l.capacityLagAsEmitted.p95)})` : '';
  return `${l.path}: capacity lag max ${f1(l.capacityLagMax)} / p95 ${f1(l.capacityLagP95)}${emitted}; ${lead}; ${batching}`;
}

function frontDoorCells(r: RunResult): string[] {
  return r.frontDoor ? [r.spilledPercent.toFixed(3), f1(r.failedOverMinutes), String(Math.round(r.unservedRequests))] : ['-', '-', '-'];
}

/** Human-readable tables: per scenario and lane, the stack beside the oracle and the naive policy. */
export function toText(scenarios: ScenarioReport[], rollouts: RolloutTrialResult[]): string {
  let out = '';
  for (const s of scenarios) {
    const batch = s.stack.lanes.every(l => l.kind === 'batch-workers');
    const slo = batch ? `oldest job < ${(s.stack.sloLatencyMs ?? 0) / 1000} s in queue` : `SLO p${s.stack.sloPercentile} < ${s.stack.sloLatencyMs} ms`;
    out += `\n${s.name} (${s.trace.name}, ${Math.round(s.trace.rps.length / 60)} min, ${slo})\n`;
    out += table([
      ['', 'SLO minutes %', 'instance-h', 'cost/1000', 'peak', 'spill %', 'x oracle (inst-h)', 'x oracle (cost)', 'spilled %', 'failed over min', '503s'],
      ['stack', f2(s.stack.sloMinutesPercent), f1(s.stack.instanceHours), money(s.stack.costPer1000), String(Math.max(...s.stack.lanes.map(l => l.peakCapacity))), '', String(ratio(s.stack.instanceHours, s.oracle.instanceHours)), String(ratio(s.stack.cost, s.oracle.cost)), ...frontDoorCells(s.stack)],
      ...s.stack.lanes.map(l => [`  ${l.path} (${l.kind})`, f2(l.sloMinutesPercent), f1(l.instanceHours), money(l.costPer1000), String(l.peakCapacity), f2(l.spilloverPercent), '', '', '', '', '']),
      ['oracle', '100.00', f1(s.oracle.instanceHours), money(s.oracle.costPer1000), String(s.oracle.peakCapacity), '', '1', '1', '', '', ''],
      ...(s.laneOracle ? [['oracle of the same lanes', '100.00', f1(s.laneOracle.instanceHours), money(s.laneOracle.costPer1000), '', '',
        `stack ${ratio(s.stack.instanceHours, s.laneOracle.instanceHours)}`, `stack ${ratio(s.stack.cost, s.laneOracle.cost)}`, '', '', '']] : []),
      ['naive (70% target tracking)', f2(s.naive.sloMinutesPercent), f1(s.naive.instanceHours), money(s.naive.costPer1000), String(Math.max(...s.naive.lanes.map(l => l.peakCapacity))), '', String(ratio(s.naive.instanceHours, s.oracle.instanceHours)), String(ratio(s.naive.cost, s.oracle.cost)), ...frontDoorCells(s.naive)],
    ]);
    out += s.stack.frontDoor
      ? `  front door ${s.stack.frontDoor}: spilled % = requests sent to the burst lane after a capacity error; failed over = minutes new requests went to the burst lane (primary alarm in ALARM); 503s = served by neither lane (${f2(s.stack.unservedPercent)}%). spill % (lane) = Lambda on-demand beyond provisioned concurrency.\n`
      : (s.stack.lanes.filter(l => l.kind !== 'batch-workers').length > 1 ? '  no front door: every lane serves the whole trace on its own\n' : '');
    for (const l of s.stack.lanes) { out += `  ${laneLine(l)}\n`; }
    const unsupported = s.findings.filter(f => f.severity === 'unsupported');
    if (unsupported.length) {
      out += `  not simulated (${unsupported.length}): ${unsupported.slice(0, 5).map(f => `${f.resource}: ${f.message}`).join('; ')}${unsupported.length > 5 ? '; ...' : ''}\n`;
    }
  }
  if (rollouts.length) {
    out += '\nRollout trials (judged by the emitted alarms / analysis and deployment configs)\n';
    out += table([
      ['lane', 'mechanism', 'rps', 'canary', 'trials', 'rolled back %', '<= 5 min %', 'p50 min', 'p99 min', 'exposure'],
      ...rollouts.map(r => [r.lane, r.mechanism, String(r.rps), r.kind, String(r.trials), f1(r.rolledBackPercent), r.kind === CanaryKind.HEALTHY ? '-' : f1(r.detectedWithin5MinPercent),
        String(r.p50DetectMinutes ?? '-'), String(r.p99DetectMinutes ?? '-'), Number.isFinite(r.meanExposureRequests) ? String(Math.round(r.meanExposureRequests)) : 'all']),
    ]);
    for (const r of rollouts.filter(x => x.note)) { out += `  ${r.lane}: ${r.note}\n`; }
  }
  return out;
}

/** An SVG plot of one scenario: load, serving capacity, latency percentile and the SLO line. */
export function toSvg(s: ScenarioReport): string {
  const W = 960;
  const H = 420;
  const pad = 50;
  const { rps, capacity, latencyMs } = s.stack.minutes;
  const n = rps.length;
  const x = (i: number) => pad + (i / Math.max(1, n - 1)) * (W - 2 * pad);
  const maxRps = Math.max(1, ...rps);
  const maxCap = Math.max(1, ...capacity, ...s.oracle.capacity);
  const slo = s.stack.sloLatencyMs ?? 1;
  const maxLat = Math.max(slo * 2, ...latencyMs.filter(v => v < 1e5).map(v => Math.min(v, slo * 4)));
  const top = (H - 2 * pad) / 2;
  const yTop = (v: number, max: number) => pad + top - (v / max) * top;
  const yBot = (v: number, max: number) => H - pad - (Math.min(v, max) / max) * (top - 10);
  const line = (vals: number[], y: (v: number) => number) => vals.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const misses = s.stack.minutes.met.map((m, i) => (m ? '' : `<rect x="${x(i).toFixed(1)}" y="${pad}" width="${Math.max(1, (W - 2 * pad) / n).toFixed(1)}" height="${H - 2 * pad}" fill="#f4cccc"/>`)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
<title>${esc(s.name)}</title>
<rect width="${W}" height="${H}" fill="white"/>${misses}
<text x="${pad}" y="20" font-size="14">${esc(s.name)}: ${s.stack.sloMinutesPercent.toFixed(2)}% of minutes meet p${s.stack.sloPercentile} &lt; ${slo} ms; ${s.stack.instanceHours.toFixed(1)} instance-h (oracle ${s.oracle.instanceHours.toFixed(1)})</text>
<path d="${line(rps, v => yTop(v, maxRps))}" fill="none" stroke="#999" stroke-width="1"/>
<path d="${line(capacity, v => yTop(v, maxCap))}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>
<path d="${line(s.oracle.capacity, v => yTop(v, maxCap))}" fill="none" stroke="#2ca02c" stroke-width="1" stroke-dasharray="3,2"/>
<path d="${line(latencyMs, v => yBot(v, maxLat))}" fill="none" stroke="#d62728" stroke-width="1"/>
<line x1="${pad}" x2="${W - pad}" y1="${yBot(slo, maxLat)}" y2="${yBot(slo, maxLat)}" stroke="#d62728" stroke-dasharray="6,3"/>
<text x="${W - pad}" y="${yBot(slo, maxLat) - 4}" text-anchor="end" fill="#d62728">SLO ${slo} ms</text>
<text x="${pad}" y="${H - 15}"><tspan fill="#999">load (max ${Math.round(maxRps)}/s)</tspan>  <tspan fill="#1f77b4">capacity (primary lane, max ${maxCap})</tspan>  <tspan fill="#2ca02c">oracle capacity</tspan>  <tspan fill="#d62728">worst latency p${s.stack.sloPercentile} per minute</tspan>  <tspan fill="#c00">shaded: minutes missing the SLO</tspan></text>
</svg>
`;
}

function esc(t: string): string { return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
