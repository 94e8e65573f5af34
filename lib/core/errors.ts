import { IConstruct } from 'constructs';
import { Token } from 'aws-cdk-lib';
import { describeValue as describeReadably } from './private/describe';

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
  /** The suggested fix. */
  public readonly fix: string;

  constructor(props: LaneValidationErrorProps) {
    const quoted = props.value !== undefined ? ` (${props.value})` : '';
    super(`${props.where}: '${props.prop}'${quoted} ${props.problem}. Fix: ${props.fix}`);
    this.name = 'LaneValidationError';
    this.where = props.where;
    this.prop = props.prop;
    this.value = props.value;
    this.fix = props.fix;
    Object.setPrototypeOf(this, LaneValidationError.prototype);
  }
}

/**
 * Render a user value for an error message.
 * @internal
 */
export function describeValue(value: unknown): string {
  return describeReadably(value);
}

/**
 * Where a scope is, for error messages.
 * @internal
 */
export function whereOf(scope: IConstruct | string): string {
  if (typeof scope === 'string') { return scope; }
  return scope.node.path || scope.node.id || '<root>';
}

/**
 * Build a LaneValidationError.
 * @internal
 */
export function invalid(scope: IConstruct | string, prop: string, value: unknown, problem: string, fix: string): LaneValidationError {
  return new LaneValidationError({ where: whereOf(scope), prop, value: value === undefined ? undefined : describeValue(value), problem, fix });
}

/**
 * True when the value is a number that is not an unresolved token.
 * @internal
 */
export function isConcreteNumber(value: number | undefined): value is number {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * True when the value is a string that is not an unresolved token.
 * @internal
 */
export function isConcreteString(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * Check that a number lies in [min, max] (tokens skipped).
 * @internal
 */
export function checkRange(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number, fix?: string): void {
  if (!isConcreteNumber(value)) { return; }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw invalid(scope, prop, value, `must be between ${min} and ${max}`, fix ?? `Pass a value from ${min} to ${max}.`);
  }
}

/**
 * Check that a number is an integer in [min, max] (tokens skipped).
 * @internal
 */
export function checkInteger(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER, fix?: string): void {
  if (!isConcreteNumber(value)) { return; }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw invalid(scope, prop, value, `must be ${range}`, fix ?? `Pass ${range}.`);
  }
}
