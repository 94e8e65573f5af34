import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue, invalid, isConcreteNumber } from '../../core/private/errors';
import { checkDuration, checkFinite } from '../../core/private/validation';
import { Rollout, RolloutStrategy } from '../../core/rollout';
import { EdgeRing } from '../edge-ring';
import { FleetJobOptions } from '../fleet-job';
import { FleetRelease, FleetRing, ReleaseStage } from '../fleet-release';
import { CANARY_JOB_DEFAULTS, FLEET_JOB_DEFAULTS } from './job-config';

/** One ring as the channel builds it. @internal */
export interface RingPlan {
  readonly name: string;
  /** Construct ID of the ring's scope ('Canary', 'Fleet', 'Pilot'...). */
  readonly id: string;
  /** Cumulative share of the class, percent. */
  readonly percent?: number;
  readonly bake?: Duration;
  /** Prop path of the ring's job options, for error messages. */
  readonly jobProp: string;
  readonly job: FleetJobOptions;
  readonly jobDefaults: FleetJobOptions;
}

/** Edge rule for a bake: a stage of the stack, so no platform limit; whole minutes, 1 minute to 30 days. @internal */
export const MAX_BAKE = Duration.days(30);
/** @internal */
export const DEFAULT_BAKE = Duration.days(1);
const RING_NAME_RE = /^[a-z][a-z0-9-]{0,19}$/;

/** Inputs of {@link planRings}. @internal */
export interface RingInputs {
  readonly rings?: EdgeRing[];
  /** The rollout after topology defaults. */
  readonly rollout: Rollout;
  /** True when the user passed `rollout` to the channel (not inherited). */
  readonly rolloutExplicit: boolean;
  readonly canaryJob?: FleetJobOptions;
  readonly fleetJob?: FleetJobOptions;
}

/**
 * The rings of a channel, in rollout order: from `rings`, or from the rollout (canary + fleet, or
 * fleet only). Validates names, shares, bakes and the job props that go with each form.
 * @internal
 */
export function planRings(scope: IConstruct, input: RingInputs): RingPlan[] {
  const rollout = input.rollout;
  if (rollout.strategy === RolloutStrategy.LINEAR) {
    throw invalid(scope, 'rollout', rollout.toString(), 'cannot be rendered: Greengrass ramps a deployment with an exponential IoT job rate, not in timed linear steps', 'Use rings (or Rollout.canary({ percent, bakeTime })) for update rings and the ring\'s job.exponentialRate for the ramp within a ring.');
  }
  if (rollout.alarms.length > 0) {
    throw invalid(scope, 'rollout.alarms', rollout.alarms.length, 'cannot be watched: Greengrass deployments stop on IoT job abort criteria (failure rates), not on CloudWatch alarms', "Express the limit as the ring's job abortCriteria, and check the channel's healthAlarms before promoting.");
  }
  if (input.rings === undefined) {
    if (rollout.strategy !== RolloutStrategy.CANARY) {
      if (input.canaryJob) {
        throw invalid(scope, 'canaryJob', input.canaryJob, 'has no canary ring to configure: the rollout is not a canary', 'Use rings, or Rollout.canary({ percent, bakeTime }), or drop canaryJob.');
      }
      return [{ name: FleetRing.FLEET, id: 'Fleet', percent: 100, jobProp: 'fleetJob', job: input.fleetJob ?? {}, jobDefaults: FLEET_JOB_DEFAULTS }];
    }
    // The edge rule for bakes (Rollout.canary itself applies the shared 1 minute - 1 hour range first).
    if (rollout.stepInterval !== undefined) { checkBake(scope, 'rollout.bakeTime', rollout.stepInterval); }
    return [
      { name: FleetRing.CANARY, id: 'Canary', percent: rollout.percent, bake: rollout.stepInterval, jobProp: 'canaryJob', job: input.canaryJob ?? {}, jobDefaults: CANARY_JOB_DEFAULTS },
      { name: FleetRing.FLEET, id: 'Fleet', percent: 100, jobProp: 'fleetJob', job: input.fleetJob ?? {}, jobDefaults: FLEET_JOB_DEFAULTS },
    ];
  }

  const rings = input.rings;
  if (input.rolloutExplicit && rollout.strategy === RolloutStrategy.CANARY) {
    throw invalid(scope, 'rollout', rollout.toString(), 'defines rings too: a canary rollout and rings cannot both say which devices go first', 'Drop the canary rollout (keep Rollout.allAtOnce({ autoRollback }) for the failure policy) and list the canary as the first ring.');
  }
  for (const prop of ['canaryJob', 'fleetJob'] as const) {
    if (input[prop] !== undefined) {
      throw invalid(scope, prop, input[prop], 'is ignored with rings: each ring has its own job settings', 'Move it to the ring\'s job, e.g. rings: [{ name: \'pilot\', job: { ... } }, ...].');
    }
  }
  if (!Array.isArray(rings) || rings.length === 0) {
    throw invalid(scope, 'rings', rings, 'is empty', "List the rings in rollout order, e.g. [{ name: 'pilot', percent: 1, bake: Duration.days(1) }, { name: 'fleet' }].");
  }
  const plans: RingPlan[] = [];
  let previousPercent = 0;
  rings.forEach((r, i) => {
    const p = `rings[${i}]`;
    const last = i === rings.length - 1;
    if (typeof r.name !== 'string' || !RING_NAME_RE.test(r.name)) {
      throw invalid(scope, `${p}.name`, r.name, "is not a ring name (lowercase letters, digits and '-', starting with a letter, at most 20 characters)", "Use e.g. 'pilot', 'early' or 'fleet'.");
    }
    if (rings.findIndex(o => o.name === r.name) !== i) {
      throw invalid(scope, `${p}.name`, r.name, 'is used by another ring', 'Give each ring its own name.');
    }
    const percent = r.percent ?? (last ? 100 : undefined);
    checkFinite(scope, `${p}.percent`, percent, { min: 1, max: 100, fix: 'Pass the cumulative share of the class this ring reaches, from 1 to 100.' });
    if (isConcreteNumber(percent)) {
      if (percent <= previousPercent) {
        throw invalid(scope, `${p}.percent`, percent, `must be greater than the previous ring's share (${previousPercent}%): percent is cumulative (this ring and every ring before it)`, `Pass a share above ${previousPercent}, e.g. ${Math.min(100, previousPercent * 10 || 1)}.`);
      }
      if (last && percent !== 100) {
        throw invalid(scope, `${p}.percent`, percent, 'must be 100 on the last ring: the last ring is the rest of the class', 'Pass 100 or omit it on the last ring.');
      }
      previousPercent = percent;
    }
    if (last && r.bake !== undefined) {
      throw invalid(scope, `${p}.bake`, r.bake, 'is set on the last ring: no ring comes after it to wait for', 'Drop bake on the last ring; watch its healthAlarms instead.');
    }
    const bake = last ? undefined : (r.bake ?? DEFAULT_BAKE);
    if (bake !== undefined) { checkBake(scope, `${p}.bake`, bake); }
    const single = rings.length === 1;
    plans.push({
      name: r.name,
      id: r.name.charAt(0).toUpperCase() + r.name.slice(1),
      percent,
      bake,
      jobProp: `${p}.job`,
      job: r.job ?? {},
      jobDefaults: i === 0 && !single ? CANARY_JOB_DEFAULTS : FLEET_JOB_DEFAULTS,
    });
  });
  return plans;
}

/**
 * A ring's bake: whole minutes, 1 minute to 30 days. An edge rule: the bake is a stage of the stack
 * (the time between two `cdk deploy`s), so no service limit applies; 30 days bounds typos such as
 * Duration.days(300). Longer holds are what `FleetRelease.freeze` is for.
 * @internal
 */
export function checkBake(scope: IConstruct, prop: string, bake: Duration): void {
  if (!(bake instanceof Duration)) {
    throw invalid(scope, prop, bake, 'is not a Duration', 'Pass e.g. Duration.days(1).');
  }
  if (bake.isUnresolved()) { return; }
  const seconds = bake.toSeconds({ integral: false });
  if (Number.isFinite(seconds) && (seconds < 60 || seconds > MAX_BAKE.toSeconds())) {
    throw invalid(scope, prop, bake, 'must be from 1 minute to 30 days: it is how long to watch the ring\'s devices before the next ring gets the version (a stage between two deployments of the stack)', 'Pass e.g. Duration.hours(12) or Duration.days(3); to hold a version longer, use FleetRelease.freeze.');
  }
  checkDuration(scope, prop, bake, { unit: 'minutes', min: Duration.minutes(1), max: MAX_BAKE });
}

/**
 * Check a release against the rings. @internal
 */
export function checkRelease(scope: IConstruct, release: FleetRelease | undefined, rings: RingPlan[]): FleetRelease {
  const names = rings.map(r => r.name);
  const several = rings.length > 1;
  if (release === undefined) {
    if (several) {
      throw invalid(scope, 'release', undefined, `is required with ${rings.length} rings (${names.join(', ')})`, `Pass FleetRelease.canaryOnly() (or FleetRelease.through('${names[0]}')) for the first release, FleetRelease.canary(<version the other rings run>) for later ones, then FleetRelease.promote() after the bakes.`);
    }
    return FleetRelease.promote();
  }
  const canaryStage = release.stage === ReleaseStage.CANARY || release.stage === ReleaseStage.CANARY_ONLY;
  if (!several && canaryStage) {
    throw invalid(scope, 'release', release.toString(), 'needs a canary ring, but the rollout is not a canary', 'Use rollout: Rollout.canary({ percent, bakeTime }) or rings, or FleetRelease.promote().');
  }
  if (release.stage === ReleaseStage.FROZEN) {
    const pins = release.pinnedVersions;
    if (pins === undefined && !several && release.canaryVersion !== undefined) {
      throw invalid(scope, 'release', release.toString(), 'pins a canary ring, but the rollout is not a canary', 'Call FleetRelease.freeze(fleetVersion) without a canary version.');
    }
    if (pins !== undefined) {
      const missing = names.filter(n => pins[n] === undefined);
      const unknown = Object.keys(pins).filter(n => !names.includes(n));
      if (missing.length > 0 || unknown.length > 0) {
        throw invalid(scope, 'release', release.toString(), `must pin exactly the rings ${names.join(', ')}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}${unknown.length ? ` (not rings: ${unknown.join(', ')})` : ''}`, 'List every ring with the component version it runs now, so no deployment leaves the stack.');
      }
    }
  }
  if (release.stage === ReleaseStage.THROUGH && !names.includes(release.throughRing!)) {
    throw invalid(scope, 'release', release.toString(), `names a ring the channel does not have (${describeValue(release.throughRing)})`, `Use one of: ${names.join(', ')}.`);
  }
  return release;
}

/**
 * Description of a created ring group: what to put there and how long to bake (the legacy canary
 * and fleet texts are kept as they were).
 * @internal
 */
export function ringGroupDescription(ring: RingPlan, previousPercent: number, className: string, target: string, model: string): string {
  const label = ring.id;
  const share = ring.percent !== undefined && !Token.isUnresolved(ring.percent) ? ring.percent - previousPercent : undefined;
  const what = [
    share !== undefined && ring.bake !== undefined ? `put about ${share}% of the class here` : undefined,
    ring.bake !== undefined ? `bake ${ring.bake.toHumanString()} before promoting` : undefined,
  ].filter(x => x !== undefined);
  const head = `${label} ring of ${className} devices (${target}) for ${model}`;
  return `${head}${what.length > 0 ? `: ${what.join(' and ')}` : ''}. A device belongs to one ring group only.`;
}
