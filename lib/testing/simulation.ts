import { Stack } from 'aws-cdk-lib';
import { SimulationInputError, simulate, RunResult } from '../simulation/engine';
import { ChartLike, modelFromConstructs } from '../simulation/from-construct';
import { ServingProfile } from '../simulation/profile';
import { EXAMPLE_PROFILES } from '../simulation/seed';
import { Trace } from '../simulation/traces';

/**
 * Options of {@link Simulation.assertMeetsSlo}.
 */
export interface AssertMeetsSloOptions {
  /**
   * Least share of minutes that must meet the SLO, percent (0-100).
   *
   * @default 99
   */
  readonly minSloMinutesPercent?: number;

  /**
   * Serving profiles by lane construct path or lane kind (`managed-endpoint`, `serverless`, ...):
   * what one instance serves at the SLO, measured by your load test.
   *
   * @default - the example profiles of this repository (lib/simulation/seed.ts); pass your own
   */
  readonly profiles?: { [laneOrKind: string]: ServingProfile };

  /**
   * Lanes to run, by kind or construct path.
   *
   * @default - every lane of the stack except edge fleets
   */
  readonly lanes?: string[];

  /**
   * cdk8s charts whose manifests belong to the app (GPU lanes).
   *
   * @default - none
   */
  readonly charts?: ChartLike[];

  /**
   * Most instance-hours allowed, for cost guards in CI.
   *
   * @default - no limit
   */
  readonly maxInstanceHours?: number;
}

/**
 * Replays a trace through what a stack will really deploy (scaling policies, alarms, schedules) and
 * fails a test when the SLO would be missed. Pure TypeScript, no AWS calls.
 *
 * @example
 * const result = Simulation.assertMeetsSlo(stack, recommenderTrace(1), {
 *   minSloMinutesPercent: 99,
 *   profiles: { 'gpu-cluster': { requestsPerSecondAtSlo: 200, latencyAtSloMs: 80, concurrency: 8 } },
 * });
 */
export class Simulation {
  /**
   * Simulate `trace` through `stack` and throw when fewer than `minSloMinutesPercent` of the minutes
   * meet the SLO the stack's alarms encode (or when `maxInstanceHours` is exceeded). Returns the run.
   */
  public static assertMeetsSlo(stack: Stack, trace: Trace, options: AssertMeetsSloOptions = {}): RunResult {
    const min = options.minSloMinutesPercent ?? 99;
    if (!(min >= 0 && min <= 100)) {
      throw new SimulationInputError(`Simulation.assertMeetsSlo: minSloMinutesPercent (${min}) must be between 0 and 100`);
    }
    const model = modelFromConstructs([stack], options.charts ?? []);
    const result = simulate(model, trace, { profiles: options.profiles ?? EXAMPLE_PROFILES, lanes: options.lanes });
    const problems: string[] = [];
    if (result.sloMinutesPercent < min) {
      const missed = result.minutes.met.map((m, i) => (m ? -1 : i)).filter(i => i >= 0);
      problems.push(`${result.sloMinutesPercent.toFixed(2)}% of minutes meet p${result.sloPercentile} < ${result.sloLatencyMs} ms, fewer than ${min}% `
        + `(${missed.length} of ${result.minutes.met.length} minutes missed, first at minute ${missed[0]}: ${Math.round(result.minutes.rps[missed[0]])} RPS on ${result.minutes.capacity[missed[0]]} instance(s))`);
    }
    if (options.maxInstanceHours !== undefined && result.instanceHours > options.maxInstanceHours) {
      problems.push(`${result.instanceHours.toFixed(1)} instance-hours, more than the ${options.maxInstanceHours} allowed`);
    }
    if (problems.length) {
      const lanes = result.lanes.map(l => `${l.path} (${l.kind}): ${l.sloMinutesPercent.toFixed(2)}% of minutes, ${l.instanceHours.toFixed(1)} instance-h, peak ${l.peakCapacity}`).join('; ');
      throw new Error(`Simulation of ${stack.stackName} on trace '${trace.name}': ${problems.join('; ')}. Lanes: ${lanes}. `
        + 'Fix: raise the minimum or the warm buffer, lower the scaling target, shorten cooldowns, or add a schedule before known surges.');
    }
    return result;
  }

  private constructor() {}
}
