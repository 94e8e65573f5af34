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
  const origin = typeof scope === 'string' ? undefined : inheritedFrom(scope, prop);
  const where = whereOf(scope);
  const fullFix = origin
    ? `${fix} (The '${origin.key}' was not passed to ${origin.lanePath}: it was inherited from the topology ${origin.providerPath}. Pass '${origin.key}' to the lane to override it there.)`
    : fix;
  return new LaneValidationError({ where, prop, value: value === undefined ? undefined : describeValue(value), problem, fix: fullFix });
}

/** Props each lane inherited, and from whom (filled by `withLaneDefaults`). */
const INHERITED = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Remember that `lane` inherited `key` from the defaults provider at `providerPath`, so errors about
 * that prop say where the value came from.
 * @internal
 */
export function recordInherited(lane: IConstruct, key: string, providerPath: string): void {
  const m = INHERITED.get(lane) ?? new Map<string, string>();
  m.set(key, providerPath);
  INHERITED.set(lane, m);
}

/** The inherited prop an error about `prop` on `scope` (or a construct inside a lane) is about. */
function inheritedFrom(scope: IConstruct, prop: string): { key: string; lanePath: string; providerPath: string } | undefined {
  const key = prop.split(/[.[ ]/)[0];
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const providerPath = INHERITED.get(scopes[i])?.get(key);
    if (providerPath !== undefined) { return { key, lanePath: scopes[i].node.path, providerPath }; }
  }
  return undefined;
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
