import { Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { invalid } from './errors';
import { checkOneOf, type Where } from './validation';

/**
 * # Core API for lanes: cron checks
 *
 * Not exported from the package. `checkCron(scope, prop, cronOptionsOrExpression, platform)` checks a
 * schedule against the grammar of the platform the lane renders it to (Application Auto Scaling's
 * 6-field cron, or KEDA's 5-field standard cron), with one wording in every lane.
 */
/** Where a schedule is rendered. */
export type CronPlatform = 'application-autoscaling' | 'keda';

interface FieldSpec {
  readonly name: 'minute' | 'hour' | 'day' | 'month' | 'weekDay' | 'year';
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** First numeric value of `names[0]`. */
  readonly namesFrom?: number;
  readonly question?: boolean;
  readonly step: boolean;
  readonly last?: boolean;
  readonly weekdayW?: boolean;
  readonly nth?: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Application Auto Scaling `cron(minute hour day-of-month month day-of-week year)`. */
const AAS_FIELDS: FieldSpec[] = [
  { name: 'minute', label: 'minute', min: 0, max: 59, step: true },
  { name: 'hour', label: 'hour', min: 0, max: 23, step: true },
  { name: 'day', label: 'day-of-month', min: 1, max: 31, step: true, question: true, last: true, weekdayW: true },
  { name: 'month', label: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1, step: true },
  { name: 'weekDay', label: 'day-of-week', min: 1, max: 7, names: DAYS, namesFrom: 1, step: false, question: true, last: true, nth: true },
  { name: 'year', label: 'year', min: 1970, max: 2199, step: true },
];

/** KEDA's cron scaler: robfig/cron v3 standard parser, `minute hour day-of-month month day-of-week`. */
const KEDA_FIELDS: FieldSpec[] = [
  { name: 'minute', label: 'minute', min: 0, max: 59, step: true, question: true },
  { name: 'hour', label: 'hour', min: 0, max: 23, step: true, question: true },
  { name: 'day', label: 'day-of-month', min: 1, max: 31, step: true, question: true },
  { name: 'month', label: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1, step: true, question: true },
  { name: 'weekDay', label: 'day-of-week', min: 0, max: 6, names: DAYS, namesFrom: 0, step: true, question: true },
];

function platformLabel(platform: CronPlatform): string {
  return platform === 'keda' ? "KEDA's cron scaler, 5-field cron" : 'Application Auto Scaling cron';
}

function valueText(spec: FieldSpec, platform: CronPlatform): string {
  const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
  const extra: string[] = [];
  if (spec.question) { extra.push('?'); }
  if (spec.last) { extra.push('L'); }
  if (spec.weekdayW) { extra.push('W'); }
  if (spec.nth) { extra.push('#'); }
  const chars = ['*', ',', '-', ...(spec.step ? ['/'] : []), ...extra].join(' ');
  const note = spec.name === 'weekDay' ? (platform === 'keda' ? ' (0 = SUN)' : ' (1 = SUN)') : '';
  return `${spec.min}-${spec.max}${names}${note}, with ${chars}`;
}

/** Parse one value of a field (number or name). Returns undefined if it is neither. */
function atom(spec: FieldSpec, text: string, platform: CronPlatform): number | undefined {
  if (/^\d+$/.test(text)) { return Number(text); }
  if (spec.names) {
    // robfig lower-cases names; Application Auto Scaling documents upper case: accept upper case only
    // there, so one spelling works on every platform.
    const key = platform === 'keda' ? text.toUpperCase() : text;
    const i = spec.names.indexOf(key);
    if (i >= 0) { return i + (spec.namesFrom ?? 0); }
  }
  return undefined;
}

/** The problem with one cron field, or undefined if the platform accepts it. */
function fieldProblem(spec: FieldSpec, field: string, platform: CronPlatform): string | undefined {
  const accepted = `${spec.label} takes ${valueText(spec, platform)}`;
  if (field === '') { return `is empty; ${accepted}`; }
  for (const part of field.split(',')) {
    if (part === '') { return `has an empty list item; ${accepted}`; }
    if (part === '*' || (part === '?' && spec.question)) {
      if (field.includes(',')) { return `combines '${part}' with a list; ${accepted}`; }
      continue;
    }
    if (part === '?') { return `uses '?', which ${spec.label} does not take on ${platformLabel(platform)}; ${accepted}`; }
    if (spec.last && part === 'L') { continue; }
    if (spec.weekdayW && (part === 'LW' || /^\d+W$/.test(part))) {
      const n = part === 'LW' ? spec.min : Number(part.slice(0, -1));
      if (n < spec.min || n > spec.max) { return `has '${part}' out of range; ${accepted}`; }
      continue;
    }
    if (spec.last && /L$/.test(part) && spec.name === 'weekDay') {
      const n = atom(spec, part.slice(0, -1), platform);
      if (n === undefined || n < spec.min || n > spec.max) { return `has '${part}' (last given weekday) with an unknown day; ${accepted}`; }
      continue;
    }
    if (spec.nth && part.includes('#')) {
      const [d, k] = part.split('#');
      const n = atom(spec, d, platform);
      if (n === undefined || n < spec.min || n > spec.max || !/^[1-5]$/.test(k ?? '')) {
        return `has '${part}': '#' takes a day of week and an occurrence 1-5 (e.g. 'MON#2'); ${accepted}`;
      }
      continue;
    }
    let body = part;
    let step: string | undefined;
    if (part.includes('/')) {
      if (!spec.step) { return `uses a step ('/'), which ${spec.label} does not take on ${platformLabel(platform)}; ${accepted}`; }
      [body, step] = part.split('/', 2);
      if (part.split('/').length > 2 || step === undefined || !/^\d+$/.test(step) || Number(step) < 1) {
        return `has '${part}': a step must be a whole number of at least 1 (e.g. '*/15'); ${accepted}`;
      }
      if (body === '*') { continue; }
    }
    const bounds = body.split('-');
    if (bounds.length > 2) { return `has '${part}', which is not a value or a range; ${accepted}`; }
    const values = bounds.map(b => atom(spec, b, platform));
    for (const [i, v] of values.entries()) {
      if (v === undefined) {
        const what = /^\d*\.\d+$|^-/.test(bounds[i]) || /^\d+$/.test(bounds[i]) ? 'is not a whole number in range' : (spec.names ? 'is not a number or a known name' : 'is not a number');
        return `has '${bounds[i]}', which ${what}; ${accepted}`;
      }
      if (v < spec.min || v > spec.max) {
        return `has ${bounds[i]}, which is out of range; ${accepted}`;
      }
    }
    if (values.length === 2 && values[0]! > values[1]!) {
      return `has the range '${body}' running backwards; ${accepted}`;
    }
  }
  return undefined;
}

/** The fields of a cron expression text for a platform, or a problem. */
function splitExpression(expr: string, platform: CronPlatform): { fields?: string[]; problem?: string; kind?: 'rate' | 'at' } {
  if (platform === 'keda') {
    const fields = expr.trim().split(/\s+/);
    if (fields.length !== 5) {
      return { problem: `has ${fields.length} field(s); ${platformLabel(platform)} takes exactly 5: minute hour day-of-month month day-of-week (no seconds, no year, no descriptors such as @daily)` };
    }
    return { fields };
  }
  const m = /^(cron|rate|at)\((.*)\)$/.exec(expr.trim());
  if (!m) { return { problem: "is not 'cron(...)', 'rate(...)' or 'at(...)' (Application Auto Scaling schedule expressions)" }; }
  if (m[1] === 'rate') {
    const r = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(m[2]);
    if (!r || Number(r[1]) < 1 || (Number(r[1]) === 1) !== !r[2].endsWith('s')) {
      return { problem: "is not a valid rate: 'rate(N unit)' with a whole N of at least 1 and unit minute(s)/hour(s)/day(s) (singular only for 1)" };
    }
    return { kind: 'rate' };
  }
  if (m[1] === 'at') {
    const a = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(m[2]);
    const date = a ? new Date(Date.UTC(+a[1], +a[2] - 1, +a[3], +a[4], +a[5], +a[6])) : undefined;
    if (!a || !date || date.getUTCMonth() !== +a[2] - 1 || date.getUTCDate() !== +a[3] || +a[4] > 23 || +a[5] > 59 || +a[6] > 59) {
      return { problem: "is not a valid one-time schedule: 'at(yyyy-mm-ddThh:mm:ss)'" };
    }
    return { kind: 'at' };
  }
  const fields = m[2].trim().split(/\s+/);
  if (fields.length !== 6) {
    return { problem: `has ${fields.length} field(s); ${platformLabel(platform)} takes exactly 6: minute hour day-of-month month day-of-week year` };
  }
  return { fields };
}

const CRON_FIX: Record<CronPlatform, string> = {
  'application-autoscaling': "Write e.g. { minute: '0', hour: '7', weekDay: 'MON-FRI' } (cron(0 7 ? * MON-FRI *)); set either day or weekDay, not both.",
  'keda': "Write e.g. { minute: '0', hour: '7', weekDay: 'MON-FRI' } (0 7 * * MON-FRI); no year field.",
};

function checkFields(scope: Where, prop: string, value: string | appscaling.CronOptions, fields: Array<string | undefined>, platform: CronPlatform, perField: boolean): void {
  const specs = platform === 'keda' ? KEDA_FIELDS : AAS_FIELDS;
  for (const [i, spec] of specs.entries()) {
    const field = fields[i];
    if (field === undefined || Token.isUnresolved(field)) { continue; }
    if (typeof field !== 'string') {
      throw invalid(scope, perField ? `${prop}.${spec.name}` : prop, field, `is not a cron field (text); ${spec.label} takes ${valueText(spec, platform)}`, CRON_FIX[platform]);
    }
    const problem = fieldProblem(spec, field, platform);
    if (problem) {
      if (perField) {
        throw invalid(scope, `${prop}.${spec.name}`, field, `${problem} (${platformLabel(platform)})`, CRON_FIX[platform]);
      }
      throw invalid(scope, prop, value, `has an invalid ${spec.label} field ${JSON.stringify(field)}: it ${problem} (${platformLabel(platform)})`, CRON_FIX[platform]);
    }
  }
}

/**
 * A schedule as the platform the lane renders to will parse it, field by field and range-checked
 * (minute 60, hour 25, day 32, month 13, unknown week-day names, non-numeric fields are rejected with
 * the field named):
 *
 * - `application-autoscaling`: `cron(minute hour day-of-month month day-of-week year)` with `?` in
 *   exactly one of day-of-month/day-of-week, names JAN-DEC/SUN-SAT (1 = SUN), `L`, `W`, `#`; also
 *   `rate(N unit)` and `at(yyyy-mm-ddThh:mm:ss)` for expression strings. From `CronOptions` (how
 *   aws-cdk-lib's `Schedule.cron` renders them: day defaults to `?` when weekDay is set), setting
 *   both `day` and `weekDay` is rejected (aws-cdk-lib would throw naming no prop).
 * - `keda`: standard 5-field cron as KEDA's cron scaler parses it (robfig/cron v3): no year, no `L`,
 *   `W` or `#`, day-of-week 0-6 (0 = SUN) or SUN-SAT, `?` reads as `*`.
 *
 * `expr` is either the expression text or aws-cdk-lib `CronOptions` (the shared contract's schedule
 * type); with options the message names `<prop>.<field>`. Tokens and undefined are skipped.
 */
export function checkCron(scope: Where, prop: string, expr: string | appscaling.CronOptions | undefined, platform: CronPlatform): void {
  if (expr === undefined || Token.isUnresolved(expr)) { return; }
  checkOneOf(scope, `${prop} (platform)`, platform, ['application-autoscaling', 'keda'] as CronPlatform[]);
  if (typeof expr === 'string') {
    const split = splitExpression(expr, platform);
    if (split.problem) { throw invalid(scope, prop, expr, split.problem, CRON_FIX[platform]); }
    if (!split.fields) { return; }
    checkFields(scope, prop, expr, split.fields, platform, false);
    if (platform === 'application-autoscaling') {
      const [day, weekDay] = [split.fields[2], split.fields[4]];
      if ((day === '?') === (weekDay === '?')) {
        throw invalid(scope, prop, expr, `has day-of-month ${JSON.stringify(day)} and day-of-week ${JSON.stringify(weekDay)}: exactly one of them must be '?' (Application Auto Scaling cron)`, CRON_FIX[platform]);
      }
    }
    return;
  }
  if (typeof expr !== 'object' || expr === null) {
    throw invalid(scope, prop, expr, 'is not a schedule (cron options or an expression)', CRON_FIX[platform]);
  }
  const known = ['minute', 'hour', 'day', 'month', 'weekDay', 'year'];
  const unknown = Object.keys(expr).filter(k => !known.includes(k));
  if (unknown.length > 0) {
    throw invalid(scope, `${prop}.${unknown[0]}`, (expr as Record<string, unknown>)[unknown[0]], `is not a cron field (cron options take ${known.join(', ')})`, CRON_FIX[platform]);
  }
  if (platform === 'keda') {
    if (expr.year !== undefined) {
      throw invalid(scope, `${prop}.year`, expr.year, `cannot be rendered: ${platformLabel(platform)} has no year`, 'Drop the year; bound the window with day and month.');
    }
    checkFields(scope, prop, expr, [expr.minute, expr.hour, expr.day, expr.month, expr.weekDay], platform, true);
    return;
  }
  if (expr.day !== undefined && expr.weekDay !== undefined) {
    throw invalid(scope, `${prop}.weekDay`, expr.weekDay, `is set together with day (${JSON.stringify(expr.day)}): Application Auto Scaling cron takes one of day-of-month or day-of-week`, 'Drop day or weekDay.');
  }
  if (expr.day === '?' || expr.weekDay === '?') {
    const which = expr.day === '?' ? 'day' : 'weekDay';
    throw invalid(scope, `${prop}.${which}`, '?', "is '?' explicitly; the schedule fills '?' in itself", `Drop ${which}.`);
  }
  checkFields(scope, prop, expr, [expr.minute, expr.hour, expr.day, expr.month, expr.weekDay, expr.year], platform, true);
}
