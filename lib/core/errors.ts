/**
 * What a {@link LaneValidationError} is about.
 */
export interface LaneValidationErrorProps {
  /**
   * Where the problem is: a construct path (`Stack/Endpoint`) or a class label (`ModelArtifact(recsys)`).
   */
  readonly where: string;

  /**
   * The prop (or prop path) whose value is wrong, e.g. `autoscaling.minCapacity`.
   */
  readonly prop: string;

  /**
   * The value received, already rendered as text.
   *
   * @default - the value is not quoted in the message
   */
  readonly value?: string;

  /**
   * What is wrong, e.g. `must be less than or equal to 'maxCapacity' (2)`.
   */
  readonly problem: string;

  /**
   * How to fix it, e.g. `Raise maxCapacity or lower minCapacity.`
   */
  readonly fix: string;
}

/**
 * Thrown when props given to a lane or a shared contract cannot be honoured.
 *
 * The message always names the construct (or contract), the prop, the value received and a fix:
 * `Stack/Endpoint: 'autoscaling.minCapacity' (5) must be less than or equal to 'maxCapacity' (2). Fix: ...`
 *
 * (Kept out of the jsii assembly, which cannot model subclasses of `Error`; other languages see a
 * plain error with the same message.)
 *
 * @jsii ignore
 */
export class LaneValidationError extends Error {
  /** Construct path or contract label the error is about. */
  public readonly where: string;
  /** The offending prop. */
  public readonly prop: string;
  /** The offending value as text, if any. */
  public readonly value?: string;
  /** What is wrong. */
  public readonly problem: string;
  /** The suggested fix. */
  public readonly fix: string;

  constructor(props: LaneValidationErrorProps) {
    const quoted = props.value !== undefined ? ` (${props.value})` : '';
    super(`${props.where}: '${props.prop}'${quoted} ${props.problem}. Fix: ${props.fix}`);
    this.name = 'LaneValidationError';
    this.where = props.where;
    this.prop = props.prop;
    this.value = props.value;
    this.problem = props.problem;
    this.fix = props.fix;
    Object.setPrototypeOf(this, LaneValidationError.prototype);
  }
}
