#!/usr/bin/env node
/**
 * cdk-inference-lanes command line: choose a lane from the decision questionnaire, and plan a
 * lane's capacity, cost per 1,000 inferences and autoscaling policy. Pure planning, no AWS calls.
 *
 *   cdk-inference-lanes recommend --latency-ms 300 --traffic spiky --workload mixed [--data cloud-region] [--hardware nvidia-gpu] [--json]
 *   cdk-inference-lanes plan --instance-rps 25 --price-per-hour 1.5 --baseline-rps 1000 --surge 5 --surge-minutes 30 [--json]
 *   cdk-inference-lanes simulate [--app cdk.out] [--trace file.csv|name] [--scale 2] [--json] [--plot dir]
 *
 * Exit codes: 0 success, 2 bad input (message on stderr), 1 unexpected failure.
 */
import { Duration } from 'aws-cdk-lib';
import { DynamicBatching, HardwareTarget, LaneKind, LaneValidationError, ServiceLevelObjective } from './core';
import { invalid } from './core/private/errors';
import {
  CapacityPlan, CapacityPlanner, CostClarity, DataLocality, LaneChooser, LaneRecommendation, RankedLane,
  TeamMaturity, TrafficShape, WorkloadKind,
} from './planning';
import { SIMULATE_USAGE, simulateCommand, SimulateUsageError } from './simulation/cli';

/** Where the CLI writes. Tests pass their own to capture output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROGRAM = 'cdk-inference-lanes';

interface FlagSpec {
  readonly name: string;
  readonly value?: string;
  readonly help: string;
  readonly required?: boolean;
}

const RECOMMEND_FLAGS: FlagSpec[] = [
  { name: 'latency-ms', value: 'N', help: 'latency budget in milliseconds (for batch: how long a job may wait)', required: true },
  { name: 'percentile', value: 'P', help: 'percentile the budget is about, 0 < P <= 100 (default 95)' },
  { name: 'traffic', value: 'SHAPE', help: `traffic shape: ${Object.values(TrafficShape).join(' | ')}`, required: true },
  { name: 'workload', value: 'KIND', help: `${Object.values(WorkloadKind).join(' | ')} (default interactive)` },
  { name: 'data', value: 'WHERE', help: `where the data may flow: ${Object.values(DataLocality).join(' | ')} (default cloud-region)` },
  { name: 'team', value: 'LEVEL', help: `team maturity: ${Object.values(TeamMaturity).join(' | ')} (default medium)` },
  { name: 'cost', value: 'CLARITY', help: `can usage be forecast: ${Object.values(CostClarity).join(' | ')} (default uncertain)` },
  { name: 'rps', value: 'N', help: 'sustained requests per second, if known' },
  { name: 'hardware', value: 'TARGET', help: `hardware the model needs: ${Object.values(HardwareTarget).join(' | ')} (default any)` },
  { name: 'json', help: 'print JSON instead of tables' },
];

const PLAN_FLAGS: FlagSpec[] = [
  { name: 'instance-rps', value: 'N', help: 'requests/s one instance serves at the SLO (measured)', required: true },
  { name: 'price-per-hour', value: 'N', help: 'price of one instance per hour', required: true },
  { name: 'baseline-rps', value: 'N', help: 'usual request rate', required: true },
  { name: 'peak', value: 'X', help: 'daily peak as a multiple of the baseline (default 1)' },
  { name: 'surge', value: 'X', help: 'surge as a multiple of the baseline (needs --surge-minutes)' },
  { name: 'surge-minutes', value: 'N', help: 'how long a surge lasts' },
  { name: 'workload', value: 'KIND', help: 'interactive | batch (default interactive)' },
  { name: 'lane', value: 'LANE', help: `${Object.values(LaneKind).join(' | ')} (default managed-endpoint, batch-workers for batch)` },
  { name: 'warm-buffer', value: 'PCT', help: 'spare capacity kept warm, 0-90 (default 20, 0 for batch)' },
  { name: 'concurrency', value: 'N', help: 'in-flight requests per instance at the SLO (scales on in-flight requests)' },
  { name: 'max-queue-seconds', value: 'N', help: 'batch: longest a job may wait (default 300)' },
  { name: 'scale-out-lag-minutes', value: 'N', help: 'time until new capacity serves (default by lane)' },
  { name: 'batch-size', value: 'N', help: 'dynamic batching: most requests per batch, 2-4096 (--instance-rps is then unbatched)' },
  { name: 'batch-delay-ms', value: 'N', help: 'dynamic batching: longest wait for a batch to fill, ms (default 0)' },
  { name: 'batching-gain', value: 'PCT', help: 'dynamic batching: throughput gain you measured, percent (default: none assumed)' },
  { name: 'latency-at-slo-ms', value: 'N', help: 'latency of one instance at --instance-rps, ms (checks batch delay against --slo-ms)' },
  { name: 'slo-ms', value: 'N', help: 'p95 latency threshold of the SLO, ms (the batching budget check)' },
  { name: 'json', help: 'print JSON instead of tables' },
];

/** Library props to the flag that sets them, to point error messages at the flag. */
const FLAG_OF_PROP: Record<string, string> = {
  latencyBudget: '--latency-ms',
  latencyPercentile: '--percentile',
  sustainedRequestsPerSecond: '--rps',
  hardware: '--hardware',
  dataLocality: '--data',
  trafficShape: '--traffic',
  perInstanceRequestsPerSecond: '--instance-rps',
  pricePerInstanceHour: '--price-per-hour',
  'traffic.baselineRequestsPerSecond': '--baseline-rps',
  'traffic.peakMultiplier': '--peak',
  'traffic.surgeMultiplier': '--surge',
  'traffic.surgeDuration': '--surge-minutes',
  'warmBufferPercent': '--warm-buffer',
  'concurrencyPerInstance': '--concurrency',
  'maxTimeInQueue': '--max-queue-seconds',
  'scaleOutLag': '--scale-out-lag-minutes',
  'workload': '--workload',
  'lane': '--lane',
  'maxBatchSize': '--batch-size',
  'maxQueueDelay': '--batch-delay-ms',
  'throughputGainPercent': '--batching-gain',
  'dynamicBatching': '--batch-size',
  'dynamicBatching.maxQueueDelay': '--batch-delay-ms',
  'dynamicBatching.maxBatchSize': '--batch-size',
  'latencyAtSlo': '--latency-at-slo-ms',
  'slo': '--slo-ms',
};

const PROCESS_IO: CliIo = {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
};

/**
 * Run the CLI.
 *
 * @param argv the arguments after the program name
 * @returns the exit code: 0 success, 2 bad input, 1 unexpected failure
 */
export function main(argv: string[], io: CliIo = PROCESS_IO): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'recommend':
        return recommend(rest, io);
      case 'plan':
        return plan(rest, io);
      case 'simulate':
        return simulateCommand(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout(usage());
        return 0;
      case undefined:
        io.stderr(`error: a command is required\n\n${usage()}`);
        return 2;
      default:
        throw invalid(PROGRAM, 'command', command, 'is not a command', 'Use recommend, plan or help.');
    }
  } catch (e) {
    if (e instanceof SimulateUsageError || (e instanceof Error && ['TraceError', 'SimulationInputError'].includes(e.name))) {
      io.stderr(`error: ${e.message}\nRun '${PROGRAM} simulate --help' for usage.\n`);
      return 2;
    }
    if (e instanceof LaneValidationError) {
      const flag = FLAG_OF_PROP[e.prop];
      io.stderr(`error: ${e.message}\n${flag ? `       (set with ${flag})\n` : ''}Run '${PROGRAM} help' for usage.\n`);
      return 2;
    }
    io.stderr(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// recommend

function recommend(argv: string[], io: CliIo): number {
  const args = parseFlags('recommend', argv, RECOMMEND_FLAGS);
  if (args.has('help')) { io.stdout(usage()); return 0; }
  const where = `${PROGRAM} recommend`;
  const rec = LaneChooser.recommend({
    latencyBudget: Duration.millis(duration(where, args, 'latency-ms')!),
    latencyPercentile: num(where, args, 'percentile'),
    trafficShape: oneOf(where, args, 'traffic', TrafficShape, 'a traffic shape')!,
    workload: oneOf(where, args, 'workload', WorkloadKind, 'a workload kind'),
    dataLocality: oneOf(where, args, 'data', DataLocality, 'a data locality'),
    teamMaturity: oneOf(where, args, 'team', TeamMaturity, 'a team maturity'),
    costClarity: oneOf(where, args, 'cost', CostClarity, 'a cost clarity'),
    sustainedRequestsPerSecond: num(where, args, 'rps'),
    hardware: oneOf(where, args, 'hardware', HardwareTarget, 'a hardware target'),
  });
  io.stdout(args.has('json') ? jsonText(recommendationJson(rec)) : recommendationText(rec));
  return 0;
}

function recommendationJson(rec: LaneRecommendation): object {
  const { latencyBudget, ...answers } = rec.answers;
  return {
    ...rec,
    hybrid: rec.hybrid ?? null,
    answers: { ...answers, latencyBudgetMs: latencyBudget.toMilliseconds({ integral: false }) },
  };
}

function recommendationText(rec: LaneRecommendation): string {
  const a = rec.answers;
  const out: string[] = [];
  const rps = a.sustainedRequestsPerSecond !== undefined ? `, ${a.sustainedRequestsPerSecond} RPS sustained` : '';
  out.push(`Lane recommendation: ${a.workload} workload, p${a.latencyPercentile} < ${a.latencyBudget.toMilliseconds({ integral: false })} ms (${rec.latencyClass}), ${a.trafficShape} traffic${rps}, data ${a.dataLocality}${a.hardware ? `, hardware ${a.hardware}` : ''}, team maturity ${a.teamMaturity}, cost ${a.costClarity}`);
  out.push('');
  out.push(table(['#', 'Lane', 'Score', 'Meets all', 'Unmet constraints'], rec.ranked.map(l => [
    String(l.rank), l.lane, String(l.score), l.meetsAllConstraints ? 'yes' : 'no', l.unmet.map(u => u.question).join(', ') || '-',
  ]), [true, false, true, false, false]));
  out.push('');
  out.push(rec.summary);
  if (rec.hybrid) {
    out.push('');
    out.push('Hybrid parts:');
    out.push(table(['Role', 'Lane', 'Why'], rec.hybrid.parts.map(p => [p.role, p.lane, p.why])));
    for (const u of rec.hybrid.uncovered) {
      out.push(`  still unmet (${u.question}): ${u.note}`);
    }
  }
  const detailed = rec.hybrid ? rec.hybrid.parts.map(p => p.lane) : [rec.primary];
  for (const lane of detailed.filter((l, i) => detailed.indexOf(l) === i)) {
    out.push('');
    out.push(laneDetails(rec.ranked.find(l => l.lane === lane)!));
  }
  return out.join('\n') + '\n';
}

function laneDetails(l: RankedLane): string {
  const out = [`${l.lane} (rank ${l.rank}, score ${l.score})`];
  const unmet = new Set(l.unmet.map(u => u.note));
  out.push(table(['Points', 'Question', 'Why'], l.factors.map(f => [
    f.points > 0 ? `+${f.points}` : String(f.points), f.question, unmet.has(f.note) ? `UNMET: ${f.note}` : f.note,
  ]), [true, false, false]));
  out.push('  Trade-offs:');
  out.push(table(['Aspect', 'Note'], l.tradeOffs.map(t => [t.aspect, t.note]), undefined, false, 4));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// plan

function plan(argv: string[], io: CliIo): number {
  const args = parseFlags('plan', argv, PLAN_FLAGS);
  if (args.has('help')) { io.stdout(usage()); return 0; }
  const where = `${PROGRAM} plan`;
  const surgeMinutes = duration(where, args, 'surge-minutes');
  const queueSeconds = duration(where, args, 'max-queue-seconds');
  const lagMinutes = duration(where, args, 'scale-out-lag-minutes');
  const batchSize = num(where, args, 'batch-size');
  for (const needsSize of ['batch-delay-ms', 'batching-gain']) {
    if (batchSize === undefined && args.has(needsSize)) {
      throw invalid(where, `--${needsSize}`, args.get(needsSize), 'is a dynamic-batching setting but --batch-size is missing', 'Add --batch-size N (most requests per batch), or drop it.');
    }
  }
  const delayMs = num(where, args, 'batch-delay-ms');
  const dynamicBatching = batchSize !== undefined
    ? new DynamicBatching({ maxBatchSize: batchSize, maxQueueDelay: Duration.millis(delayMs ?? 0), throughputGainPercent: num(where, args, 'batching-gain') })
    : undefined;
  const latencyAtSloMs = duration(where, args, 'latency-at-slo-ms');
  const sloMs = duration(where, args, 'slo-ms');
  const result = CapacityPlanner.plan({
    dynamicBatching,
    latencyAtSlo: latencyAtSloMs !== undefined ? Duration.millis(latencyAtSloMs) : undefined,
    slo: sloMs !== undefined ? ServiceLevelObjective.latency(95, Duration.millis(sloMs)) : undefined,
    perInstanceRequestsPerSecond: num(where, args, 'instance-rps')!,
    pricePerInstanceHour: num(where, args, 'price-per-hour')!,
    traffic: {
      baselineRequestsPerSecond: num(where, args, 'baseline-rps')!,
      peakMultiplier: num(where, args, 'peak'),
      surgeMultiplier: num(where, args, 'surge'),
      surgeDuration: surgeMinutes !== undefined ? Duration.seconds(surgeMinutes * 60) : undefined,
    },
    workload: oneOf(where, args, 'workload', WorkloadKind, 'a workload kind'),
    lane: oneOf(where, args, 'lane', LaneKind, 'a lane'),
    warmBufferPercent: num(where, args, 'warm-buffer'),
    concurrencyPerInstance: num(where, args, 'concurrency'),
    maxTimeInQueue: queueSeconds !== undefined ? Duration.seconds(queueSeconds) : undefined,
    scaleOutLag: lagMinutes !== undefined ? Duration.seconds(lagMinutes * 60) : undefined,
  });
  io.stdout(args.has('json') ? jsonText(planJson(result)) : planText(result));
  return 0;
}

/**
 * JSON output with sensible precision: integers as they are; other numbers of magnitude 1 or more to
 * 2 decimals (money, rates, instance counts), smaller ones to 4 significant digits (a cost per 1,000
 * inferences such as 0.01667 keeps its meaning). Never a float artefact like 0.016666666666666666.
 */
export function roundForJson(n: number): number {
  if (!Number.isFinite(n) || Number.isInteger(n)) { return n; }
  const rounded = Math.abs(n) >= 1 ? Math.round(n * 100) / 100 : Number(n.toPrecision(4));
  return Object.is(rounded, -0) ? 0 : rounded;
}

function jsonText(value: object): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' ? roundForJson(v) : v), 2) + '\n';
}

function planJson(p: CapacityPlan): object {
  const { autoscalingPolicy: policy, trigger, scaleOutLag, ...rest } = p;
  return {
    ...rest,
    scaleOutLagSeconds: scaleOutLag.toSeconds({ integral: false }),
    trigger: { kind: trigger.kind, target: trigger.target },
    autoscalingPolicy: {
      minCapacity: policy.minCapacity,
      maxCapacity: policy.maxCapacity,
      warmBufferPercent: policy.warmBufferPercent,
      scaleToZero: policy.scaleToZero,
      triggers: policy.triggers.map(t => ({ kind: t.kind, target: t.target, effectiveTarget: policy.effectiveTarget(t) })),
      scaleOutCooldownSeconds: policy.scaleOutCooldown.toSeconds(),
      scaleInCooldownSeconds: policy.scaleInCooldown.toSeconds(),
    },
  };
}

function planText(p: CapacityPlan): string {
  const policy = p.autoscalingPolicy;
  const out: string[] = [];
  out.push(`Capacity plan: ${p.lane}, ${p.workload}; one instance serves ${fmt(p.perInstanceRequestsPerSecond)} RPS at the SLO, driven to ${fmt(p.targetRequestsPerInstance)} RPS (${fmt(p.warmBufferPercent)}% warm buffer)`);
  out.push('');
  out.push(table(['Load', 'RPS', 'Instances', 'Cost/hour', 'Cost per 1,000'], [
    ['baseline', fmt(p.baselineRequestsPerSecond), String(p.instancesAtBaseline), money(p.hourlyCostAtBaseline), per1000(p.costPer1000AtBaseline)],
    ['peak', fmt(p.peakRequestsPerSecond), String(p.instancesAtPeak), money(p.hourlyCostAtPeak), per1000(p.costPer1000AtPeak)],
    ['surge', fmt(p.surgeRequestsPerSecond), String(p.instancesAtSurge), money(p.hourlyCostAtSurge), per1000(p.costPer1000AtSurge)],
    ['1 instance at SLO', fmt(p.perInstanceRequestsPerSecond), '1', money(p.pricePerInstanceHour), per1000(p.costPer1000AtSlo)],
  ], [false, true, true, true, true]));
  out.push('');
  out.push('Autoscaling policy:');
  out.push(table(['Setting', 'Value'], [
    ['min / max capacity', `${policy.minCapacity} / ${policy.maxCapacity}`],
    ['trigger', `${p.trigger.toString()}, tracked at ${fmt(policy.effectiveTarget(p.trigger))} after the warm buffer`],
    ['warm buffer', `${fmt(policy.warmBufferPercent)}%`],
    ['cooldowns', `scale-out ${policy.scaleOutCooldown.toHumanString()}, scale-in ${policy.scaleInCooldown.toHumanString()}`],
  ], undefined, false));
  out.push('');
  out.push(`Surge handling: ${p.surgeHandling} (scale-out lag ${p.scaleOutLag.toHumanString()}; a warm buffer absorbing the surge without scaling would be ${fmt(p.warmBufferToAbsorbSurgePercent)}%)`);
  out.push('');
  out.push('Staging test loads (one instance):');
  out.push(table(['Load', 'RPS', 'Check'], p.stagingTestLoads.map(s => [`${s.multiplier}x`, fmt(s.requestsPerSecond), s.description]), [false, true, false], false));
  out.push('');
  out.push('Notes:');
  for (const n of p.notes) { out.push(`  - ${n}`); }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// argument parsing (by hand: no dependencies)

function parseFlags(command: string, argv: string[], specs: FlagSpec[]): Map<string, string> {
  const where = `${PROGRAM} ${command}`;
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '-h' || token === '--help') { flags.set('help', ''); continue; }
    if (!token.startsWith('--')) {
      throw invalid(where, token, undefined, 'is not an option', `Options start with '--'; run '${PROGRAM} help'.`);
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq >= 0 ? eq : undefined);
    const spec = specs.find(s => s.name === name);
    if (!spec) {
      throw invalid(where, `--${name}`, undefined, `is not an option of ${command}`, `Use one of: ${specs.map(s => '--' + s.name).join(', ')}.`);
    }
    if (flags.has(name)) {
      throw invalid(where, `--${name}`, undefined, 'is given twice', 'Give each option once.');
    }
    if (!spec.value) {
      if (eq >= 0) {
        throw invalid(where, `--${name}`, token.slice(eq + 1), 'takes no value', `Write --${name} alone.`);
      }
      flags.set(name, '');
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) {
      value = token.slice(eq + 1);
    } else {
      // The next token is the value, unless it is another option ("-5" is a value: options start with "--").
      const next = argv[i + 1];
      value = next !== undefined && !next.startsWith('--') ? next : undefined;
      if (value !== undefined) { i++; }
    }
    if (value === undefined || value === '') {
      throw invalid(where, `--${name}`, undefined, `needs a value (${spec.value})`, `Write --${name} ${spec.value}.`);
    }
    flags.set(name, value);
  }
  for (const s of specs) {
    if (s.required && !flags.has(s.name) && !flags.has('help')) {
      throw invalid(where, `--${s.name}`, undefined, 'is required', `Pass --${s.name} ${s.value}: ${s.help}.`);
    }
  }
  return flags;
}

function num(where: string, flags: Map<string, string>, name: string): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) { return undefined; }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    throw invalid(where, `--${name}`, raw, 'is not a number', `Pass a number, e.g. --${name} 10.`);
  }
  return n;
}

/** A number that becomes a Duration: Duration refuses negative amounts, so say so in the flag's terms. */
function duration(where: string, flags: Map<string, string>, name: string): number | undefined {
  const n = num(where, flags, name);
  if (n !== undefined && n <= 0) {
    throw invalid(where, `--${name}`, n, 'must be greater than 0', `Pass a positive number, e.g. --${name} ${name === 'latency-ms' ? 300 : 5}.`);
  }
  return n;
}

function oneOf<T extends string>(where: string, flags: Map<string, string>, name: string, e: Record<string, T>, what: string): T | undefined {
  const raw = flags.get(name);
  if (raw === undefined) { return undefined; }
  const values = Object.values(e);
  const found = values.find(v => v === raw.toLowerCase());
  if (!found) {
    throw invalid(where, `--${name}`, raw, `is not ${what}`, `Use one of: ${values.join(', ')}.`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// output helpers

function table(headers: string[], rows: string[][], rightAlign?: boolean[], showHeader: boolean = true, indent: number = 2): string {
  const all = showHeader ? [headers, ...rows] : rows;
  const widths = headers.map((_, c) => Math.max(...all.map(r => (r[c] ?? '').length)));
  const line = (r: string[]) => ' '.repeat(indent) + r.map((cell, c) => {
    if (c === r.length - 1 && !rightAlign?.[c]) { return cell; }
    return rightAlign?.[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]);
  }).join('  ');
  return all.map(line).join('\n');
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function money(n: number): string {
  return n.toFixed(2);
}

function per1000(n: number): string {
  return n.toFixed(4);
}

function usage(): string {
  const flags = (specs: FlagSpec[]) => specs.map(s => {
    const left = `--${s.name}${s.value ? ' ' + s.value : ''}`;
    return `    ${left.padEnd(28)}${s.help}${s.required ? ' [required]' : ''}`;
  }).join('\n');
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    '  recommend   rank the deployment lanes for your answers to the decision questionnaire',
    flags(RECOMMEND_FLAGS),
    '',
    '  plan        size a lane: min/max capacity, warm buffer, cost per 1,000 inferences, autoscaling policy',
    flags(PLAN_FLAGS),
    '',
    '  simulate    replay traffic traces through the synthesized stack, beside an oracle and a naive policy',
    SIMULATE_USAGE.split('\n').slice(2).map(l => (l ? `  ${l}` : l)).join('\n'),
    '  help        show this text',
    '',
    'Examples:',
    `  ${PROGRAM} recommend --latency-ms 300 --traffic spiky --workload mixed`,
    `  ${PROGRAM} plan --instance-rps 25 --price-per-hour 1.5 --baseline-rps 1000 --surge 5 --surge-minutes 30`,
    '',
    'Exit codes: 0 success, 2 bad input (message on stderr), 1 unexpected failure.',
    '',
  ].join('\n');
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
