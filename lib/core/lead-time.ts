import { Duration } from 'aws-cdk-lib';
import { invalid } from './private/errors';
import { describeDuration, isDuration } from './private/validation';

/**
 * One step between "the trigger fired" and "the new capacity serves requests", with where its
 * figure comes from.
 */
export interface LeadTimeStep {
  /** What happens, e.g. `alarm evaluation`, `instance launch`, `model load`. */
  readonly step: string;
  /** How long it is expected to take. */
  readonly duration: Duration;
  /**
   * Where the figure comes from: a documentation page, the lane's own props (`props.scaleOutCooldown`),
   * or a measurement.
   */
  readonly source: string;
}

/**
 * Cold start as a contract: a lane's expected time from a scale-out trigger to capacity in service,
 * as the sum of its steps, each with its source. Planning and the simulator read it; the lane's
 * dashboard shows it beside the capacity-lag graph.
 *
 * @example
 * const lead = ScaleOutLeadTime.of([
 *   { step: 'alarm evaluation', duration: Duration.minutes(1), source: 'props.autoscaling (1-minute metric)' },
 *   { step: 'instance launch', duration: Duration.minutes(4), source: 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling.html' },
 * ]);
 * lead.total.toSeconds(); // 300
 */
export class ScaleOutLeadTime {
  /**
   * A lead time made of `steps` (in the order they happen).
   */
  public static of(steps: LeadTimeStep[]): ScaleOutLeadTime {
    if (!Array.isArray(steps) || steps.length === 0) {
      throw invalid('ScaleOutLeadTime.of', 'steps', steps, 'is empty or not a list', "Pass at least one step, e.g. [{ step: 'instance launch', duration: Duration.minutes(4), source: 'docs URL' }].");
    }
    for (const [i, s] of steps.entries()) {
      if (typeof s !== 'object' || s === null || typeof s.step !== 'string' || s.step.trim() === '') {
        throw invalid('ScaleOutLeadTime.of', `steps[${i}].step`, s?.step, 'is not a non-empty string', "Name the step, e.g. 'instance launch'.");
      }
      if (!isDuration(s.duration) || s.duration.isUnresolved()) {
        throw invalid('ScaleOutLeadTime.of', `steps[${i}].duration`, s.duration, 'is not a concrete Duration', 'Pass e.g. Duration.seconds(90).');
      }
      if (typeof s.source !== 'string' || s.source.trim() === '') {
        throw invalid('ScaleOutLeadTime.of', `steps[${i}].source`, s.source, 'is not a non-empty string', 'Say where the figure comes from: a documentation URL, a prop, or a measurement.');
      }
    }
    return new ScaleOutLeadTime(steps.map(s => ({ ...s })));
  }

  /**
   * A lane that has not stated its lead time (the base class default).
   */
  public static notStated(): ScaleOutLeadTime {
    return new ScaleOutLeadTime([]);
  }

  /** The steps, in order. Empty when not stated. */
  public readonly steps: LeadTimeStep[];

  private constructor(steps: LeadTimeStep[]) {
    this.steps = steps;
  }

  /** True when the lane stated its lead time. */
  public get isStated(): boolean {
    return this.steps.length > 0;
  }

  /** The sum of the steps (zero when not stated). */
  public get total(): Duration {
    const millis = this.steps.reduce((sum, s) => sum + s.duration.toMilliseconds({ integral: false }), 0);
    return Duration.millis(Math.round(millis));
  }

  /** One line, e.g. `5 minutes: alarm evaluation 1 minute + instance launch 4 minutes`. */
  public describe(): string {
    if (!this.isStated) { return 'not stated'; }
    return `${describeDuration(this.total)}: ${this.steps.map(s => `${s.step} ${describeDuration(s.duration)}`).join(' + ')}`;
  }
}
