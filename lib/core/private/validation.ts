/**
 * # Core API for lanes: shared validators
 *
 * Not exported from the package (import it as `../core/private/validation` from a lane). Every check
 * throws a `LaneValidationError` through `invalid()` naming the construct path (or contract label),
 * the prop, the value as the user wrote it and a fix, and skips unresolved tokens (an unknown value is
 * never replaced by a default). Use these instead of local regexes so that the same mistake gets the
 * same answer in every lane (issue 13):
 *
 * - durations: `checkDuration(scope, 'timeout', d, { unit: 'seconds', min, max })` for every Duration
 *   prop the platform needs in whole seconds or minutes (Lambda timeouts, cooldowns, visibility timeouts,
 *   probe timeouts, termination grace periods, KEDA polling intervals); it rejects a number, string or
 *   null passed where a Duration belongs (`checkIsDuration` alone when the value is read before the
 *   range check: call it before any `.toSeconds()`/`.isUnresolved()`);
 * - schedules (in ./cron): `checkCron(scope, prop, cronOptionsOrExpression, 'application-autoscaling' | 'keda')`
 *   with the platform the lane renders to, `checkTimeZone(scope, prop, tz)`;
 * - Kubernetes names: `checkDnsLabel` (namespaces, service names, ports names), `checkDnsSubdomain`
 *   (secrets, config maps, priority classes, service accounts), `checkLabelKey`/`checkLabelValue`
 *   (labels, node selectors), `checkAbsolutePath` (HTTP probe paths), `checkNonEmpty` (images);
 * - environment variables: `checkNoModelEnvOverride(scope, 'environment', env, LANE_ENV_KEYS)` rejects a
 *   user variable that would override a `MODEL_*` value the lane sets from the artifact (one wording);
 * - values from other jsii languages and plain JavaScript: `checkOneOf` for enum-like props,
 *   `checkFinite`/`checkWholeNumber` for numbers (NaN and Infinity rejected), `checkCapacity` for
 *   Application Auto Scaling capacities (32-bit), `checkPinnedVersion` where a rollback needs a fixed
 *   version (`latest` rejected), `checkPropsObject` for props/options objects (missing, null, a string)
 *   and `checkList` for lists, `isDuration`/`checkIsDuration` for Durations.
 *
 * `describeValue`/`describeDuration` render values readably and exactly (`1.5 seconds`, `90.5 seconds`
 * for `Duration.millis(90500)`, `NaN`, `a Bucket`): use `describeDuration` instead of `toHumanString()`
 * in any message, which drops everything after the second unit.
 *
 * Regions: `checkModelDataRegion(scope, 'artifact', binding, reason)` where the platform reads model
 * data only in its own Region (SageMaker hosting).
 *
 * Rollouts: read `rollout.linearStepCount` (undefined for a token step percent) instead of the
 * deprecated `linearSteps`. Model data Region: `binding.bucketRegion` (undefined when unknown; may be a
 * token) to reject weights in another Region than the lane.
 *
 * SLOs (lib/core/service-level-objective.ts), what lanes adopt:
 * - pass `errors` and `requests` (counts) to `slo.render(...)` instead of a hand-made
 *   `errorRatePercent` expression: core builds `IF(inv >= minRequestsPerPeriod, 100 * err / inv, 0)`
 *   (lib/core/private/metric-math.ts `errorRatePercent`, also for any other rate a lane graphs);
 * - roll back on `rendered.rollbackAlarms` only; expose `rendered.pagingAlarms` (time in queue) as
 *   `sloPagingAlarms` and never put them into deployment alarms;
 * - use `slo.datapointsToAlarm` for any extra M-of-N alarm (it now includes `minBreachingPeriods`);
 * - for a lane's own rate alarms (throttles, spillover), take the minimum of requests per period from
 *   `defaultMinRequests(thresholdPercent)` in ./metric-math (the SLO's rule: ceil(100 ÷ threshold),
 *   10–1,000; undefined for a token threshold) instead of a copy.
 *
 * Schedules: pass `scheduleFormat: ScheduleFormat.KEDA` in `LaneScalingSupport` when the lane renders
 * KEDA cron (the default checks Application Auto Scaling cron).
 *
 * cdk-nag: `acknowledgeNagFindings(resource, [{ id, reason, appliesTo? }])` from ./nag acknowledges a
 * finding at the resource a lane creates (granular ids for IAM4/IAM5), without importing cdk-nag.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import type { ModelArtifactBinding } from '../model-artifact';
import { describeDuration } from './describe';

export { describeDuration, describeValue } from './describe';

/** A construct or a contract label such as `AutoscalingPolicy`. */
export type Where = IConstruct | string;

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** Bounds of a number check. */
export interface NumberCheck {
  /** Smallest accepted value (inclusive). */
  readonly min?: number;
  /** Largest accepted value (inclusive). */
  readonly max?: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** Fix text; default names the accepted range. */
  readonly fix?: string;
}

/** Application Auto Scaling capacities are 32-bit signed integers. */
export const MAX_APP_AUTOSCALING_CAPACITY = 2_147_483_647;

/** The accepted range, worded as `checkInteger`/`checkRange` in errors.ts word it (same mistake, same text). */
function rangeText(c: NumberCheck): string {
  if (c.integer) {
    if (c.min !== undefined && c.max !== undefined) { return `an integer from ${c.min} to ${c.max}`; }
    if (c.min !== undefined) { return `an integer >= ${c.min}`; }
    if (c.max !== undefined) { return `an integer <= ${c.max}`; }
    return 'an integer';
  }
  if (c.min !== undefined && c.max !== undefined) { return `between ${c.min} and ${c.max}`; }
  if (c.min !== undefined) { return `>= ${c.min}`; }
  if (c.max !== undefined) { return `<= ${c.max}`; }
  return 'a finite number';
}

function fixText(c: NumberCheck): string {
  if (c.integer) { return `Pass ${rangeText(c)}.`; }
  if (c.min !== undefined && c.max !== undefined) { return `Pass a value from ${c.min} to ${c.max}.`; }
  if (c.min !== undefined) { return `Pass a value of at least ${c.min}.`; }
  if (c.max !== undefined) { return `Pass a value of at most ${c.max}.`; }
  return 'Pass a finite number.';
}

/**
 * A finite number (NaN, Infinity and non-numbers from plain JavaScript rejected), optionally whole and
 * within [min, max]. Tokens and undefined are skipped.
 */
export function checkFinite(scope: Where, prop: string, value: number | undefined, check: NumberCheck = {}): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const fix = check.fix ?? fixText(check);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(scope, prop, value, 'is not a finite number', fix);
  }
  if ((check.integer && !Number.isInteger(value)) || (check.min !== undefined && value < check.min) || (check.max !== undefined && value > check.max)) {
    throw invalid(scope, prop, value, `must be ${rangeText(check)}`, fix);
  }
}

/** A whole number within [min, max] (NaN and Infinity rejected). Tokens and undefined are skipped. */
export function checkWholeNumber(scope: Where, prop: string, value: number | undefined, min: number, max?: number, fix?: string): void {
  checkFinite(scope, prop, value, { min, max, integer: true, fix });
}

/** A capacity Application Auto Scaling accepts: a whole number from `min` to 2,147,483,647. */
export function checkCapacity(scope: Where, prop: string, value: number | undefined, min: number = 0): void {
  checkFinite(scope, prop, value, {
    min, max: MAX_APP_AUTOSCALING_CAPACITY, integer: true,
    fix: `Pass an integer from ${min} to ${MAX_APP_AUTOSCALING_CAPACITY} (Application Auto Scaling capacities are 32-bit integers).`,
  });
}

// ---------------------------------------------------------------------------------------------
// Enum-like values and strings
// ---------------------------------------------------------------------------------------------

/**
 * A value that must be one of `allowed` (enum members, statistics, retention days...): other jsii
 * languages and plain JavaScript can pass anything. Tokens and undefined are skipped.
 */
export function checkOneOf<T>(scope: Where, prop: string, value: T | undefined, allowed: readonly T[], fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!allowed.includes(value)) {
    const list = allowed.map(a => typeof a === 'string' ? `'${a}'` : String(a)).join(', ');
    throw invalid(scope, prop, value, `is not one of ${list}`, fix ?? `Pass one of ${list}.`);
  }
}

/**
 * An optional boolean prop: plain JavaScript can pass a string (`'yes'`), a number or null, which a
 * truthiness test would silently read as true or false. Undefined is skipped.
 */
export function checkBoolean(scope: Where, prop: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') { return; }
  throw invalid(scope, prop, value, 'is not a boolean', 'Pass true or false, or omit it.');
}

/**
 * A props or options object (plain JavaScript can pass nothing, null, a string or an array where a
 * contract takes props): a LaneValidationError instead of a TypeError on the first property read.
 * Tokens are not props objects either.
 */
export function checkPropsObject(scope: Where, prop: string, value: unknown, fix: string): void {
  if (value === undefined) {
    throw invalid(scope, prop, value, 'is required', fix);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Token.isUnresolved(value)) {
    throw invalid(scope, prop, value, 'is not a props object', fix);
  }
}

/** A list (array) if set: plain JavaScript can pass one item or a string where a list belongs. Undefined is skipped. */
export function checkList(scope: Where, prop: string, value: unknown, fix: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!Array.isArray(value)) {
    throw invalid(scope, prop, value, 'is not a list', fix);
  }
}

/** A non-empty string (whitespace-only counts as empty). Tokens are skipped; undefined is skipped. */
export function checkNonEmpty(scope: Where, prop: string, value: string | undefined, fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(scope, prop, value, 'must not be empty', fix ?? `Pass a non-empty ${prop}.`);
  }
}

const UNPINNED = /^(latest|stable|current|newest|\*)$/i;

/**
 * A version a rollback can return to: not empty, not `latest` (or `stable`, `*`), not a range
 * (`^1.2`, `~1.2`, `>=1`, `1.x`). Tokens are skipped.
 */
export function checkPinnedVersion(scope: Where, prop: string, value: string | undefined, fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const f = fix ?? `Pin an exact version (e.g. '1.4.0') so a rollback returns to the same bits.`;
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(scope, prop, value, 'must not be empty', f);
  }
  if (UNPINNED.test(value.trim())) {
    throw invalid(scope, prop, value, 'is a moving tag, not a version: a rollback could not return to the same bits', f);
  }
  if (/\s|[\^~<>*]|\|\||(^|\.)[xX](\.|$)/.test(value)) {
    throw invalid(scope, prop, value, 'is a version range, not a pinned version', f);
  }
}

// ---------------------------------------------------------------------------------------------
// Environment variables
// ---------------------------------------------------------------------------------------------

/**
 * The user's environment variables must not override the ones a lane sets from the artifact
 * (`MODEL_NAME`, `MODEL_VERSION`, `MODEL_S3_URI`...): one wording in every lane,
 *
 * `<path>: 'environment.MODEL_VERSION' ("2.0") is set by the lane from the artifact. Fix: Drop MODEL_VERSION; the lane sets MODEL_NAME, MODEL_VERSION, ...`
 *
 * `prop` is the prop holding the variables (`environment`, or e.g. `container.environment`);
 * `reservedNames` the names the lane sets, in the order the fix lists them. A token map or a token
 * name is skipped (unknown); undefined is skipped; a value that is not a map (plain JavaScript) is
 * rejected.
 */
export function checkNoModelEnvOverride(scope: Where, prop: string, env: { [name: string]: unknown } | undefined, reservedNames: readonly string[]): void {
  if (env === undefined || Token.isUnresolved(env)) { return; }
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw invalid(scope, prop, env, 'is not a map of environment variable names to values', `Pass e.g. { LOG_LEVEL: 'info' }.`);
  }
  for (const [name, value] of Object.entries(env)) {
    if (Token.isUnresolved(name)) { continue; }
    if (reservedNames.includes(name)) {
      throw invalid(scope, `${prop}.${name}`, value, 'is set by the lane from the artifact', `Drop ${name}; the lane sets ${reservedNames.join(', ')}.`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

/**
 * Model data in another Region than the lane that reads it, where both Regions are known (a bucket
 * Region from `binding.bucketRegion`, the lane's stack Region; tokens and undefined are unknown and
 * skipped). One wording for every lane:
 *
 * `<path>: 'artifact' ("s3://models-eu/recsys/model.tar.gz") is in Region eu-west-1, but the lane is in us-east-1: <reason>. Fix: ...`
 *
 * `reason` says what the platform does, e.g. "SageMaker reads model data only from a bucket in the
 * endpoint's Region". Call it only where the platform really needs the same Region (SageMaker hosting);
 * a lane that downloads the weights itself may read across Regions.
 */
export function checkModelDataRegion(scope: IConstruct, prop: string, binding: Pick<ModelArtifactBinding, 'bucketRegion' | 'modelDataUrl' | 'bucketName'>, reason: string): void {
  const bucketRegion = binding.bucketRegion;
  const laneRegion = Stack.of(scope).region;
  if (bucketRegion === undefined || Token.isUnresolved(bucketRegion) || Token.isUnresolved(laneRegion) || bucketRegion === laneRegion) { return; }
  throw invalid(scope, prop, binding.modelDataUrl ?? binding.bucketName, `is in Region ${bucketRegion}, but the lane is in ${laneRegion}: ${reason}`,
    `Copy the weights to a bucket in ${laneRegion} (e.g. with S3 Cross-Region Replication) and pass that bucket, or deploy the lane in ${bucketRegion}.`);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes names and paths
// ---------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * An RFC 1123 DNS label (namespaces, Service names, container and port names): lowercase letters,
 * digits and '-', starting and ending with a letter or digit, at most 63 characters. Tokens skipped.
 */
export function checkDnsLabel(scope: Where, prop: string, value: string | undefined, fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const f = fix ?? `Use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'recsys-v2').`;
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(scope, prop, value, 'must not be empty (a Kubernetes name, RFC 1123 label)', f);
  }
  if (value.length > 63) {
    throw invalid(scope, prop, value, `is ${value.length} characters long; a Kubernetes name (RFC 1123 label) has at most 63`, 'Shorten it to 63 characters or fewer.');
  }
  if (!DNS_LABEL.test(value)) {
    throw invalid(scope, prop, value, 'is not a valid Kubernetes name (RFC 1123 label)', f);
  }
}

/**
 * An RFC 1123 DNS subdomain (Secrets, ConfigMaps, PriorityClasses, ServiceAccounts, label-key
 * prefixes): dot-separated DNS labels, at most 253 characters. Tokens skipped.
 */
export function checkDnsSubdomain(scope: Where, prop: string, value: string | undefined, fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const f = fix ?? `Use lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (e.g. 'model-pull.v1').`;
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(scope, prop, value, 'must not be empty (a Kubernetes name, RFC 1123 subdomain)', f);
  }
  if (value.length > 253) {
    throw invalid(scope, prop, value, `is ${value.length} characters long; a Kubernetes name (RFC 1123 subdomain) has at most 253`, 'Shorten it to 253 characters or fewer.');
  }
  if (!DNS_SUBDOMAIN.test(value)) {
    throw invalid(scope, prop, value, 'is not a valid Kubernetes name (RFC 1123 subdomain)', f);
  }
}

/**
 * A Kubernetes label or annotation key (also node-selector keys): an optional DNS-subdomain prefix
 * and '/', then a name of at most 63 characters (alphanumerics, '-', '_', '.'; alphanumeric at both
 * ends). Tokens skipped.
 */
export function checkLabelKey(scope: Where, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const fix = `Use '[prefix/]name' with a DNS-subdomain prefix and a name of letters, digits, '-', '_' and '.' (e.g. 'karpenter.sh/capacity-type').`;
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(scope, prop, value, 'must not be empty (a Kubernetes label key)', fix);
  }
  const parts = value.split('/');
  if (parts.length > 2) {
    throw invalid(scope, prop, value, "is not a valid Kubernetes label key: it has more than one '/'", fix);
  }
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    throw invalid(scope, prop, value, `is not a valid Kubernetes label key: its prefix '${prefix}' is not a DNS subdomain (at most 253 characters)`, fix);
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    throw invalid(scope, prop, value, `is not a valid Kubernetes label key: its name '${name}' must be 1-63 letters, digits, '-', '_' or '.', alphanumeric at both ends`, fix);
  }
}

/**
 * A Kubernetes label value (also node-selector values): empty, or at most 63 alphanumerics, '-', '_'
 * and '.', alphanumeric at both ends. Tokens skipped.
 */
export function checkLabelValue(scope: Where, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const fix = "Use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'g5.xlarge').";
  if (typeof value !== 'string') {
    throw invalid(scope, prop, value, 'is not a string (a Kubernetes label value)', fix);
  }
  if (value.length > 63) {
    throw invalid(scope, prop, value, `is ${value.length} characters long; a Kubernetes label value has at most 63`, fix);
  }
  if (value.length > 0 && !LABEL_NAME.test(value)) {
    throw invalid(scope, prop, value, 'is not a valid Kubernetes label value', fix);
  }
}

/**
 * An absolute HTTP path (probe paths, health checks): starts with '/', no whitespace or control
 * characters, no fragment. Tokens skipped.
 */
export function checkAbsolutePath(scope: Where, prop: string, value: string | undefined, fix?: string): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  const f = fix ?? "Pass an absolute path such as '/v2/health/ready'.";
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw invalid(scope, prop, value, "must be an absolute HTTP path starting with '/'", f);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f#]/.test(value)) {
    throw invalid(scope, prop, value, 'must not contain whitespace, control characters or a fragment (#)', f);
  }
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

/** The unit a platform needs a duration in. */
export type DurationUnit = 'milliseconds' | 'seconds' | 'minutes';

/** What {@link checkDuration} checks. */
export interface DurationCheck {
  /** The platform stores the duration as a whole number of this unit. */
  readonly unit: DurationUnit;
  /** Shortest accepted duration (inclusive). @default - 0 */
  readonly min?: Duration;
  /** Longest accepted duration (inclusive). @default - no limit */
  readonly max?: Duration;
  /** Fix text. @default - names the accepted range and unit */
  readonly fix?: string;
}

const UNIT_MS: Record<DurationUnit, number> = { milliseconds: 1, seconds: 1000, minutes: 60_000 };
const UNIT_FACTORY: Record<DurationUnit, string> = { milliseconds: 'Duration.millis', seconds: 'Duration.seconds', minutes: 'Duration.minutes' };

/** Milliseconds of a concrete Duration without throwing (NaN stays NaN). */
export function durationMillis(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

function amountIn(d: Duration, unit: DurationUnit): number {
  switch (unit) {
    case 'milliseconds': return d.toMilliseconds({ integral: false });
    case 'seconds': return d.toSeconds({ integral: false });
    case 'minutes': return d.toMinutes({ integral: false });
  }
}

/**
 * True for an aws-cdk-lib `Duration` (duck-typed, so a Duration from another copy of aws-cdk-lib
 * counts): plain JavaScript and other jsii languages can pass a number or a string where the type
 * says Duration.
 */
export function isDuration(value: unknown): value is Duration {
  if (value instanceof Duration) { return true; }
  if (typeof value !== 'object' || value === null) { return false; }
  const d = value as Partial<Record<'isUnresolved' | 'toMilliseconds' | 'toSeconds' | 'toHumanString', unknown>>;
  return typeof d.isUnresolved === 'function' && typeof d.toMilliseconds === 'function'
    && typeof d.toSeconds === 'function' && typeof d.toHumanString === 'function';
}

/**
 * A value that must be a `Duration` if set: a number, a string, null or any other object (plain
 * JavaScript, other jsii languages) is a LaneValidationError, not a crash on `.toSeconds()` later.
 * Undefined is skipped. Call it before anything dereferences the value; {@link checkDuration} calls it.
 */
export function checkIsDuration(scope: Where, prop: string, value: unknown, unit: DurationUnit = 'seconds'): asserts value is Duration | undefined {
  if (value === undefined || isDuration(value)) { return; }
  const amount = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : (unit === 'milliseconds' ? 500 : 30);
  const noun = value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  throw invalid(scope, prop, value, 'is not a Duration', `Pass an aws-cdk-lib Duration, not ${noun}, e.g. ${UNIT_FACTORY[unit]}(${amount}).`);
}

/**
 * A Duration the platform stores as a whole number of `unit` within [min, max]. Rejects values that
 * are not a Duration (see {@link checkIsDuration}), NaN and Infinity, fractions of the unit
 * (aws-cdk-lib would crash later with "cannot be converted into a whole number of seconds", naming no
 * prop), and values out of range. Tokens and undefined are skipped.
 */
export function checkDuration(scope: Where, prop: string, d: Duration | undefined, check: DurationCheck): void {
  checkIsDuration(scope, prop, d, check.unit);
  if (d === undefined || d.isUnresolved()) { return; }
  const { unit } = check;
  const min = check.min ?? Duration.millis(0);
  const range = check.max
    ? (check.min ? `from ${describeDuration(min)} to ${describeDuration(check.max)}` : `at most ${describeDuration(check.max)}`)
    : (check.min ? `at least ${describeDuration(min)}` : '');
  const fix = check.fix ?? `Pass a whole number of ${unit}${range ? ', ' + range : ''}, e.g. ${UNIT_FACTORY[unit]}(${suggest(d, check)}).`;
  const amount = amountIn(d, unit);
  if (!Number.isFinite(amount)) {
    throw invalid(scope, prop, d, 'is not a finite duration', fix);
  }
  // Same arithmetic as aws-cdk-lib's conversion (amount × unit ÷ target unit), so what passes here converts there.
  if (!Number.isInteger(amount)) {
    throw invalid(scope, prop, d, `must be a whole number of ${unit} (the platform stores ${unit})`, fix);
  }
  const ms = durationMillis(d);
  if (ms < durationMillis(min) || (check.max !== undefined && ms > durationMillis(check.max))) {
    throw invalid(scope, prop, d, `must be ${range}`, fix);
  }
}

function suggest(d: Duration, check: DurationCheck): number {
  const per = UNIT_MS[check.unit];
  const minU = Math.ceil(durationMillis(check.min ?? Duration.millis(0)) / per);
  const maxU = check.max ? Math.floor(durationMillis(check.max) / per) : Number.MAX_SAFE_INTEGER;
  const ms = d.isUnresolved() ? NaN : durationMillis(d);
  const wanted = Number.isFinite(ms) ? Math.round(ms / per) : minU;
  return Math.min(maxU, Math.max(minU, wanted));
}

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

let supportedZones: Set<string> | undefined;

function zones(): Set<string> {
  if (!supportedZones) {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    supportedZones = new Set(intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : []);
  }
  return supportedZones;
}

/** Name shape of IANA zones and links, case as in the database (`America/New_York`, `Etc/GMT+9`, `EST5EDT`, `UTC`). */
const ZONE_SHAPE = /^[A-Z][A-Za-z0-9+-]*(?:_[A-Za-z0-9+-]+)*(?:\/[A-Z][A-Za-z0-9+-]*(?:_[A-Za-z0-9+-]+)*)*$/;

/**
 * An IANA time-zone name as Application Auto Scaling (scheduled actions) and KEDA (Go's
 * `time.LoadLocation`) read it: a canonical name or a link (`UTC`, `Etc/UTC`, `US/Eastern`), with the
 * database's exact case. An empty string is rejected (never silently dropped to UTC); offsets
 * (`+01:00`) and unknown names are rejected. Tokens and undefined are skipped.
 */
export function checkTimeZone(scope: Where, prop: string, tz: string | undefined): void {
  if (tz === undefined || Token.isUnresolved(tz)) { return; }
  const fix = "Pass an IANA time-zone name such as 'UTC', 'America/New_York' or 'Europe/Berlin'.";
  if (typeof tz !== 'string' || tz.trim() === '') {
    throw invalid(scope, prop, tz, 'is empty: an empty time zone would be dropped and the schedule would run in UTC', "Pass 'UTC' explicitly, or an IANA time-zone name such as 'America/New_York'.");
  }
  if (zones().has(tz)) { return; }
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  if (resolved === undefined || !ZONE_SHAPE.test(tz)) {
    const hint = resolved !== undefined ? ` Did you mean '${resolved}'? (names are case-sensitive)` : '';
    throw invalid(scope, prop, tz, 'is not an IANA time-zone name', fix + hint);
  }
  if (resolved.toLowerCase() === tz.toLowerCase() && resolved !== tz) {
    throw invalid(scope, prop, tz, `is not an IANA time-zone name (case matters: '${resolved}')`, `Pass '${resolved}'.`);
  }
}
