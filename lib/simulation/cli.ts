import * as fs from 'fs';
import * as path from 'path';
import { loadApp, loadExampleApp } from './apps';
import { selectLanes } from './engine';
import { ServingProfile } from './profile';
import { runRolloutTrials, runScenario, ScenarioReport, toJson, toSvg, toText } from './report';
import { RolloutTrialResult } from './rollout-trials';
import { EXAMPLE_PROFILES, SEED_SCENARIOS } from './seed';
import { StackModel } from './stack-model';
import { readCsvTrace, scaleTrace, Trace, TRACES } from './traces';

/** Where the command writes. */
export interface SimulateIo { stdout(text: string): void; stderr(text: string): void }

/** A usage error (exit code 2). */
export class SimulateUsageError extends Error {}

export const SIMULATE_USAGE = `simulate: replay traffic traces through the synthesized stack (scaling, alarms, rollouts) beside an oracle and a naive policy

  simulate                                   the seed scenarios against this repository's example stacks
  simulate --app cdk.out --trace my.csv      your synthesized app (cdk.out directory or app command) and trace

  --app DIR|CMD      cdk.out directory of 'cdk synth', or a command that synthesizes the app
  --trace CSV|NAME   a CSV file (header second,rps | minute,rps | time,rps) or ${Object.keys(TRACES).join(' | ')}
  --lanes A,B        lanes to run (lane kinds or construct paths); default: all but edge fleets
  --profiles FILE    JSON: serving profile by lane path or kind ({"managed-endpoint": {"requestsPerSecondAtSlo": 12, "latencyAtSloMs": 250, ...}})
  --scale X          multiply the trace (test to 2x and 3x)
  --start ISO        wall-clock start of a relative trace (schedules and cron triggers fire on it);
                     default Wednesday 3 March 2027 00:00 New York (05:00Z); a time,rps CSV keeps its own
  --seed N           seed of the generated traces and trials (default 1)
  --trials N         rollout trials per lane, rate and canary kind (default 1000; 0 skips them)
  --json             print JSON ({ scenarios, rollouts })
  --plot DIR         write an SVG per scenario (load, capacity, latency percentile, SLO line)
  --fail-under P     exit 1 when a scenario meets the SLO in fewer than P% of minutes
`;

interface Args { [flag: string]: string | true }

const FLAGS = new Set(['app', 'trace', 'lanes', 'profiles', 'scale', 'start', 'seed', 'trials', 'json', 'plot', 'fail-under', 'help']);
const BOOLEAN = new Set(['json', 'help']);

function parse(argv: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { throw new SimulateUsageError(`unexpected argument '${a}'`); }
    const name = a.slice(2);
    if (!FLAGS.has(name)) { throw new SimulateUsageError(`unknown flag --${name} (flags: ${[...FLAGS].map(f => `--${f}`).join(', ')})`); }
    if (BOOLEAN.has(name)) { out[name] = true; continue; }
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) { throw new SimulateUsageError(`--${name} needs a value`); }
    out[name] = v;
  }
  return out;
}

function number(args: Args, name: string, dflt: number, min: number): number {
  const v = args[name];
  if (v === undefined) { return dflt; }
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < min) { throw new SimulateUsageError(`--${name} must be a number of at least ${min}, got '${v}'`); }
  return n;
}

/** Run the `simulate` command; returns the exit code. */
export function simulateCommand(argv: string[], io: SimulateIo): number {
  const args = parse(argv);
  if (args.help) { io.stdout(SIMULATE_USAGE); return 0; }
  const seed = number(args, 'seed', 1, 0);
  const scale = number(args, 'scale', 1, Number.MIN_VALUE);
  const trials = number(args, 'trials', 1000, 0);
  const failUnder = args['fail-under'] === undefined ? undefined : number(args, 'fail-under', 0, 0);
  let profiles: Record<string, ServingProfile> = EXAMPLE_PROFILES;
  if (typeof args.profiles === 'string') {
    try { profiles = { ...EXAMPLE_PROFILES, ...JSON.parse(fs.readFileSync(args.profiles, 'utf-8')) }; } catch (e) {
      throw new SimulateUsageError(`--profiles ${args.profiles}: ${(e as Error).message}`);
    }
  }
  const laneFilter = typeof args.lanes === 'string' ? args.lanes.split(',').map(s => s.trim()).filter(s => s) : undefined;
  let start: number | undefined;
  if (typeof args.start === 'string') {
    start = Date.parse(args.start) / 1000;
    if (!Number.isFinite(start)) { throw new SimulateUsageError(`--start must be an ISO 8601 time such as 2027-03-03T05:00:00Z, got '${args.start}'`); }
  }
  const traceFrom = (name: string | undefined, fallback: (seed: number) => Trace): Trace => {
    let t: Trace;
    if (name === undefined) { t = fallback(seed); } else if (TRACES[name]) { t = TRACES[name](seed); } else {
      if (!fs.existsSync(name)) { throw new SimulateUsageError(`--trace ${name}: no such file and not a built-in trace (${Object.keys(TRACES).join(', ')})`); }
      const text = fs.readFileSync(name, 'utf-8');
      t = readCsvTrace(text, path.basename(name));
      if (start !== undefined && !/^\s*time\s*,/im.test(text.split(/\r?\n/).find(l => l.trim() && !l.trim().startsWith('#')) ?? '')) { t = { ...t, startEpochSeconds: start }; }
      return scaleTrace(t, scale);
    }
    if (start !== undefined) { t = { ...t, startEpochSeconds: start }; }
    return scaleTrace(t, scale);
  };
  const scenarios: ScenarioReport[] = [];
  const rollouts: RolloutTrialResult[] = [];
  const trace = typeof args.trace === 'string' ? args.trace : undefined;
  if (typeof args.app === 'string') {
    const model = loadApp(args.app);
    const jobs = trace !== undefined ? [{ name: trace, lanes: laneFilter, fallback: TRACES['assistant-marketing-surges'] }]
      : SEED_SCENARIOS.filter(s => selectLanes(model, laneFilter ?? s.lanes).some(l => s.lanes.includes(l.kind))).map(s => ({ name: s.name, lanes: laneFilter ?? s.lanes, fallback: s.trace }));
    if (jobs.length === 0) { throw new SimulateUsageError(`--app ${args.app}: no lane to simulate (found: ${model.lanes.map(l => `${l.path} (${l.kind})`).join(', ') || 'none'}); pass --trace and --lanes`); }
    for (const j of jobs) { scenarios.push(runScenario(j.name, model, traceFrom(trace, j.fallback), { profiles, lanes: j.lanes })); }
    if (trials > 0) { rollouts.push(...runRolloutTrials(model, [2, 1000], { profiles, trials, seed, lanes: laneFilter })); }
  } else {
    const models: Record<string, StackModel> = {};
    for (const s of SEED_SCENARIOS) {
      if (laneFilter && !laneFilter.some(n => s.lanes.includes(n))) { continue; }
      // A built-in trace picks its own scenario; a CSV runs through every seed scenario.
      if (trace !== undefined && TRACES[trace] && trace !== s.name) { continue; }
      const model = models[s.app] ??= loadExampleApp(s.app);
      scenarios.push(runScenario(s.name, model, traceFrom(trace, s.trace), { profiles, lanes: laneFilter ?? s.lanes }));
      if (trials > 0) { rollouts.push(...runRolloutTrials(model, [2, 1000], { profiles, trials, seed, lanes: laneFilter ?? s.lanes })); }
    }
  }
  // A lane shared by two example apps (the recommender chart is in the hybrid app too) is tried once.
  const seen = new Set<string>();
  const uniqueRollouts = rollouts.filter(r => { const k = `${r.lane}|${r.rps}|${r.kind}`; if (seen.has(k)) { return false; } seen.add(k); return true; });
  if (typeof args.plot === 'string') {
    fs.mkdirSync(args.plot, { recursive: true });
    for (const s of scenarios) {
      const file = path.join(args.plot, `${s.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.svg`);
      fs.writeFileSync(file, toSvg(s));
      if (!args.json) { io.stderr(`wrote ${file}\n`); }
    }
  }
  io.stdout(args.json ? JSON.stringify(toJson(scenarios, uniqueRollouts), undefined, 2) + '\n' : toText(scenarios, uniqueRollouts));
  if (failUnder !== undefined) {
    const failing = scenarios.filter(s => s.stack.sloMinutesPercent < failUnder);
    if (failing.length) {
      io.stderr(`SLO met in fewer than ${failUnder}% of minutes: ${failing.map(s => `${s.name} ${s.stack.sloMinutesPercent.toFixed(2)}%`).join(', ')}\n`);
      return 1;
    }
  }
  return 0;
}
