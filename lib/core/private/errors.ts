import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LaneValidationError } from '../errors';
import { describeValue as describeReadably } from './describe';

/**
 * # Core API for lanes: building a LaneValidationError
 *
 * Not exported from the package. `invalid(scope, prop, value, problem, fix)` is the one way a lane
 * reports bad input: it names the construct path, the prop, the value as the user wrote it and the fix,
 * and says when the prop was inherited from a topology. The range checks skip unresolved tokens.
 */
/**
 * Render a user value for an error message.
 */
export function describeValue(value: unknown): string {
  return describeReadably(value);
}

/**
 * Where a scope is, for error messages.
 */
export function whereOf(scope: IConstruct | string): string {
  if (typeof scope === 'string') { return scope; }
  return scope.node.path || scope.node.id || '<root>';
}

/**
 * Build a LaneValidationError.
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
 */
export function isConcreteNumber(value: number | undefined): value is number {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * True when the value is a string that is not an unresolved token.
 */
export function isConcreteString(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * Check that a number lies in [min, max] (tokens skipped).
 */
export function checkRange(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number, fix?: string): void {
  if (!isConcreteNumber(value)) { return; }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw invalid(scope, prop, value, `must be between ${min} and ${max}`, fix ?? `Pass a value from ${min} to ${max}.`);
  }
}

/**
 * Check that a number is an integer in [min, max] (tokens skipped).
 */
export function checkInteger(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER, fix?: string): void {
  if (!isConcreteNumber(value)) { return; }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw invalid(scope, prop, value, `must be ${range}`, fix ?? `Pass ${range}.`);
  }
}

