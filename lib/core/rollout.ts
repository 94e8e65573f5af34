import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { checkRange, invalid } from './private/errors';
import { checkDuration, checkIsDuration, checkList, checkOneOf, checkPropsObject, describeDuration } from './private/validation';
import { ModelArtifact } from './model-artifact';

/**
 * How a new version takes over traffic.
 */
export enum RolloutStrategy {
  /** Shift everything at once (still rolls back on alarms during the bake time). */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** Shift a small share, bake, then the rest. */
  CANARY = 'CANARY',
  /** Shift equal steps at an interval. */
  LINEAR = 'LINEAR',
}

/**
 * Options shared by every rollout.
 */
export interface RolloutOptions {
  /**
   * Alarms that roll the deployment back, in addition to the SLO's own alarms.
   *
   * @default - only the SLO's alarms
   */
  readonly alarms?: cloudwatch.IAlarm[];

  /**
   * Roll back automatically when an alarm fires during the rollout.
   *
   * @default true
   */
  readonly autoRollback?: boolean;

  /**
   * Time the fully shifted new version runs before the old one is released. Whether the rollback alarms
   * watch it depends on the platform: SageMaker watches it for an all-at-once rollout (its baking period)
   * but not after the last step of a canary or linear one (the old fleet is only kept for a manual
   * rollback); Argo Rollouts pauses on it with the analysis running; lanes that cannot render it reject it
   * (CodeDeploy for Lambda, ECS rolling deployments). Each lane's README says which.
   *
   * @default Duration.minutes(10)
   */
  readonly finalBakeTime?: Duration;
}

/**
 * Props of {@link Rollout.canary}.
 */
export interface CanaryRolloutProps extends RolloutOptions {
  /** Share of traffic (1-99 percent) sent to the new version first. */
  readonly percent: number;
  /** How long the canary bakes before the rest shifts. */
  readonly bakeTime: Duration;
}

/**
 * Props of {@link Rollout.linear}.
 */
export interface LinearRolloutProps extends RolloutOptions {
  /** Share of traffic (1-99 percent) shifted at each step. */
  readonly stepPercent: number;
  /** Time between steps. */
  readonly interval: Duration;
}

/**
 * A progressive delivery plan with automatic rollback. Lanes render it natively (SageMaker
 * blue/green, CodeDeploy, ECS circuit breaker + alarms, Argo Rollouts / Gateway API weights,
 * Greengrass rollout rings); a combination a lane cannot do is a LaneValidationError.
 */
export class Rollout {
  /** Everything at once, rolled back if an alarm fires during the final bake. */
  public static allAtOnce(options: RolloutOptions = {}): Rollout {
    checkPropsObject('Rollout.allAtOnce', 'options', options, 'Pass e.g. { finalBakeTime: Duration.minutes(10) }, or nothing.');
    return new Rollout(RolloutStrategy.ALL_AT_ONCE, options);
  }

  /** Canary: `percent` first, bake for `bakeTime`, then the rest. */
  public static canary(props: CanaryRolloutProps): Rollout {
    checkPropsObject('Rollout.canary', 'props', props, 'Pass { percent, bakeTime }, e.g. { percent: 10, bakeTime: Duration.minutes(5) }.');
    checkRange('Rollout.canary', 'percent', props.percent, 1, 99, 'Pass a canary share from 1 to 99 percent.');
    checkBake('Rollout.canary', 'bakeTime', props.bakeTime);
    return new Rollout(RolloutStrategy.CANARY, props, props.percent, props.bakeTime);
  }

  /** Linear: `stepPercent` every `interval` until all traffic has shifted. */
  public static linear(props: LinearRolloutProps): Rollout {
    checkPropsObject('Rollout.linear', 'props', props, 'Pass { stepPercent, interval }, e.g. { stepPercent: 25, interval: Duration.minutes(5) }.');
    checkRange('Rollout.linear', 'stepPercent', props.stepPercent, 1, 99, 'Pass a step from 1 to 99 percent.');
    checkBake('Rollout.linear', 'interval', props.interval);
    return new Rollout(RolloutStrategy.LINEAR, props, props.stepPercent, props.interval);
  }

  /** Strategy. */
  public readonly strategy: RolloutStrategy;
  /** Canary share or linear step, percent (0 for all-at-once). */
  public readonly percent: number;
  /** Canary bake time or linear interval. */
  public readonly stepInterval?: Duration;
  /** Extra rollback alarms. */
  public readonly alarms: cloudwatch.IAlarm[];
  /** Roll back automatically on alarms. */
  public readonly autoRollback: boolean;
  /** Final bake time. */
  public readonly finalBakeTime: Duration;
  /** True when the user set `finalBakeTime` (lanes that cannot render it must reject it). */
  public readonly finalBakeTimeExplicit: boolean;

  private constructor(strategy: RolloutStrategy, options: RolloutOptions, percent: number = 0, stepInterval?: Duration) {
    this.strategy = strategy;
    this.percent = percent;
    this.stepInterval = stepInterval;
    checkList(`Rollout.${strategy}`, 'alarms', options.alarms, 'Pass a list of CloudWatch alarms, e.g. [errorAlarm].');
    for (const [i, a] of (options.alarms ?? []).entries()) {
      if (typeof a !== 'object' || a === null || typeof (a as Partial<cloudwatch.IAlarm>).alarmArn !== 'string') {
        throw invalid(`Rollout.${strategy}`, `alarms[${i}]`, a, 'is not a CloudWatch alarm', 'Pass an alarm (cloudwatch.Alarm, or cloudwatch.Alarm.fromAlarmArn(...)).');
      }
    }
    this.alarms = [...(options.alarms ?? [])];
    this.autoRollback = options.autoRollback ?? true;
    this.finalBakeTime = options.finalBakeTime ?? Duration.minutes(10);
    this.finalBakeTimeExplicit = options.finalBakeTime !== undefined;
    checkOneOf(`Rollout.${strategy}`, 'autoRollback', options.autoRollback, [true, false]);
    checkDuration(`Rollout.${strategy}`, 'finalBakeTime', this.finalBakeTime, { unit: 'seconds', fix: 'Pass a whole number of seconds up to 1 hour, e.g. Duration.minutes(10).' });
    if (!this.finalBakeTime.isUnresolved() && this.finalBakeTime.toSeconds() > 3600) {
      throw invalid(`Rollout.${strategy}`, 'finalBakeTime', this.finalBakeTime, 'must be at most 1 hour', 'Pass Duration.minutes(60) or less.');
    }
  }

  /**
   * Number of traffic shifts to reach 100%: `ceil(100 ÷ stepPercent)` for a linear rollout, 1 for a
   * canary or all-at-once.
   *
   * Undefined when the linear step percent is a token (e.g. a `CfnParameter`): the count is unknown
   * until deploy, and no number computed from the token's placeholder means anything. A lane that
   * needs it (a total deployment time, a timeout) must skip that check or reject the token; it must
   * not substitute a default.
   */
  public get linearStepCount(): number | undefined {
    if (this.strategy !== RolloutStrategy.LINEAR) { return 1; }
    return Token.isUnresolved(this.percent) ? undefined : Math.ceil(100 / this.percent);
  }

  /**
   * Number of linear steps to reach 100% (1 for a canary or all-at-once).
   *
   * A token step percent has no step count: this throws a LaneValidationError naming the prop instead
   * of returning a number computed from the token's placeholder.
   *
   * @deprecated use `linearStepCount`, which is undefined (unknown) for a token step percent.
   */
  public get linearSteps(): number {
    const count = this.linearStepCount;
    if (count === undefined) {
      throw invalid(`Rollout.${this.strategy}`, 'stepPercent', this.percent, 'is a token (unknown until deploy), so the number of linear steps is unknown',
        'Pass a number, or read linearStepCount (undefined for a token) and skip what needs the step count.');
    }
    return count;
  }

  /** Short text, e.g. `CANARY 10% / 5 minutes` (a token percent reads `<token>%`). */
  public toString(): string {
    if (this.strategy === RolloutStrategy.ALL_AT_ONCE) { return 'ALL_AT_ONCE'; }
    const percent = Token.isUnresolved(this.percent) ? '<token>' : String(this.percent);
    return `${this.strategy} ${percent}% / ${this.stepInterval ? describeDuration(this.stepInterval) : 'undefined'}`;
  }
}

function checkBake(where: string, prop: string, d: Duration): void {
  if (d === undefined) { throw invalid(where, prop, d, 'is required', 'Pass e.g. Duration.minutes(5).'); }
  checkIsDuration(where, prop, d, 'minutes');
  if (d.isUnresolved()) { return; }
  checkDuration(where, prop, d, { unit: 'milliseconds', fix: 'Pass e.g. Duration.minutes(5).' });
  const seconds = d.toSeconds({ integral: false });
  if (seconds < 60 || seconds > 3600) {
    throw invalid(where, prop, d, 'must be between 1 minute and 1 hour', 'Pass e.g. Duration.minutes(5). Rollout steps are whole minutes, up to an hour, in every lane.');
  }
  if (seconds % 60 !== 0) {
    throw invalid(where, prop, d, 'must be a whole number of minutes', `Pass Duration.minutes(${Math.ceil(seconds / 60)}).`);
  }
}

/**
 * Props of {@link ShadowTraffic}.
 */
export interface ShadowTrafficProps {
  /** The candidate version that receives mirrored requests; its answers are discarded. */
  readonly candidate: ModelArtifact;
  /** Share of production requests mirrored to the candidate, percent (1-100). */
  readonly samplePercent: number;
}

/**
 * Shadow traffic: mirror a share of production requests to a candidate version without returning
 * its answers to users, for realistic load profiles before any user exposure.
 */
export class ShadowTraffic {
  /** Mirror `samplePercent` of requests to `candidate`. */
  public static mirror(candidate: ModelArtifact, samplePercent: number): ShadowTraffic {
    return new ShadowTraffic({ candidate, samplePercent });
  }

  /** The candidate. */
  public readonly candidate: ModelArtifact;
  /** Mirrored share, percent. */
  public readonly samplePercent: number;

  constructor(props: ShadowTrafficProps) {
    checkPropsObject('ShadowTraffic', 'props', props, 'Pass { candidate, samplePercent }, or use ShadowTraffic.mirror(candidate, samplePercent).');
    checkRange('ShadowTraffic', 'samplePercent', props.samplePercent, 1, 100, 'Pass a share from 1 to 100 percent.');
    if (typeof (props.candidate as Partial<ModelArtifact> | undefined)?.bind !== 'function' || typeof props.candidate.version !== 'string') {
      throw invalid('ShadowTraffic', 'candidate', props.candidate, 'is not a ModelArtifact', 'Pass the candidate model as a ModelArtifact (e.g. ModelArtifact.fromAsset(...)).');
    }
    this.candidate = props.candidate;
    this.samplePercent = props.samplePercent;
  }
}
