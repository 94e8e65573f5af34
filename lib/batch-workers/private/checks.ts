import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';

/**
 * Lane-local stand-ins for core's shared validators (`lib/core/private/validation.ts`, landing on
 * main): same signatures and wording, so the lane switches to core's by changing one import.
 * Internal to the batch-workers lane.
 */

/** @internal */
export interface DurationCheck {
  readonly unit: 'seconds' | 'minutes';
  readonly min?: Duration;
  readonly max?: Duration;
  readonly fix?: string;
}

/**
 * A Duration the platform stores as a whole number of `unit` within [min, max] (NaN, Infinity and
 * fractions rejected). Tokens and undefined are skipped.
 * @internal
 */
export function checkDuration(scope: IConstruct, prop: string, d: Duration | undefined, check: DurationCheck): void {
  if (d === undefined || d.isUnresolved()) { return; }
  const amount = check.unit === 'seconds' ? d.toSeconds({ integral: false }) : d.toMinutes({ integral: false });
  const ms = d.toMilliseconds({ integral: false });
  const minMs = check.min?.toMilliseconds() ?? 0;
  const maxMs = check.max?.toMilliseconds();
  const range = check.max ? ` from ${check.min?.toHumanString() ?? '0 seconds'} to ${check.max.toHumanString()}` : check.min ? ` of at least ${check.min.toHumanString()}` : '';
  const fix = check.fix ?? `Pass a whole number of ${check.unit}${range}, e.g. Duration.${check.unit}(${Number.isFinite(amount) ? Math.max(Math.round(amount), Math.ceil(minMs / (check.unit === 'seconds' ? 1000 : 60000))) : 1}).`;
  if (!Number.isFinite(amount)) {
    throw invalid(scope, prop, d, 'is not a finite duration', fix);
  }
  if (!Number.isInteger(amount)) {
    throw invalid(scope, prop, d, `must be a whole number of ${check.unit} (the platform stores ${check.unit})`, fix);
  }
  if (ms < minMs || (maxMs !== undefined && ms > maxMs)) {
    throw invalid(scope, prop, d, `must be${range}`, fix);
  }
}

/**
 * A value that must be one of `allowed` (other jsii languages and plain JavaScript can pass
 * anything). Tokens and undefined are skipped.
 * @internal
 */
export function checkOneOf<T>(scope: IConstruct, prop: string, value: T | undefined, allowed: readonly T[], fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!allowed.includes(value)) {
    const list = allowed.map(a => typeof a === 'string' ? `'${a}'` : String(a)).join(', ');
    throw invalid(scope, prop, value, `is not one of ${list}`, fix ?? `Pass one of ${list}.`);
  }
}
