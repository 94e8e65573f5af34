import { Duration, Token } from 'aws-cdk-lib';

/**
 * Readable rendering of user values for error messages. Not exported from the package.
 */

const UNIT_LABELS: Record<string, [string, string]> = {
  millis: ['milli', 'millis'], // aws-cdk-lib's own labels, as in toHumanString()
  seconds: ['second', 'seconds'],
  minutes: ['minute', 'minutes'],
  hours: ['hour', 'hours'],
  days: ['day', 'days'],
};

/** Units of an exact breakdown, coarsest first, with aws-cdk-lib's labels. */
const BREAKDOWN: Array<[number, string, string]> = [
  [86_400_000, 'day', 'days'],
  [3_600_000, 'hour', 'hours'],
  [60_000, 'minute', 'minutes'],
  [1000, 'second', 'seconds'],
  [1, 'milli', 'millis'],
];

const UNIT_MILLIS: Record<string, number> = { millis: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * A Duration for a message, always exact (a message about a value must not round it away):
 *
 * - whole amounts that break down into at most two units read as aws-cdk-lib prints them
 *   (`1 minute 30 seconds`, `1 second 500 millis`, `0 seconds`);
 * - whole amounts that need three or more units (where `toHumanString()` would drop the rest:
 *   `Duration.millis(90500)` is not "1 minute 30 seconds") read as the exact amount in the
 *   smallest unit needed, milliseconds as decimal seconds: `90.5 seconds`, `2147483648 seconds`;
 * - fractions, NaN and Infinity as written (`1.5 seconds`, `NaN seconds`), tokens as `<token> seconds`.
 *
 * Never throws (aws-cdk-lib's own conversions throw on NaN and fractions).
 */
export function describeDuration(d: Duration): string {
  const m = /^Duration\.(\w+)\((.*)\)$/.exec(d.toString());
  if (!m) { return d.toString(); }
  const labels = UNIT_LABELS[m[1]] ?? [m[1], m[1]];
  if (d.isUnresolved()) { return `<token> ${labels[1]}`; }
  const amount = Number(m[2]);
  const ms = amount * (UNIT_MILLIS[m[1]] ?? NaN);
  if (Number.isInteger(amount) && amount >= 0 && Number.isSafeInteger(ms)) {
    if (ms === 0) { return `0 ${labels[1]}`; }
    const parts: string[] = [];
    let finest = BREAKDOWN[0];
    let rest = ms;
    for (const unit of BREAKDOWN) {
      const n = Math.floor(rest / unit[0]);
      if (n > 0) {
        parts.push(`${n} ${n === 1 ? unit[1] : unit[2]}`);
        rest -= n * unit[0];
        finest = unit;
      }
    }
    if (parts.length <= 2) { return parts.join(' '); }
    // Three or more units: one exact number (ms as decimal seconds, which reads better than 90500 millis).
    const [per, , many] = finest[0] === 1 ? BREAKDOWN[3] : finest;
    return `${ms / per} ${many}`;
  }
  // Fractions, NaN and Infinity as written: `1.5 seconds` (toHumanString gives `1 second 500 millis`, or '' for NaN).
  return `${m[2]} ${amount === 1 ? labels[0] : labels[1]}`;
}

/**
 * Render a user value for an error message: strings quoted, numbers as written (`NaN`, `Infinity`),
 * durations in their own unit (`1.5 seconds`), arrays element by element, objects with their own
 * `toString()` through it, other class instances by their class name and `kind` (`an EndpointMode (serverless)`),
 * plain objects as JSON.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) { return 'undefined'; }
  if (value === null) { return 'null'; }
  if (typeof value === 'object' && Token.isUnresolved(value)) { return '<token>'; }
  if (typeof value === 'string') {
    return Token.isUnresolved(value) ? '<token>' : JSON.stringify(value);
  }
  if (typeof value === 'number') { return Token.isUnresolved(value) ? '<token>' : String(value); }
  if (typeof value === 'boolean' || typeof value === 'bigint') { return String(value); }
  if (typeof value === 'symbol') { return value.toString(); }
  if (typeof value === 'function') { return `[function ${value.name || 'anonymous'}]`; }
  if (value instanceof Duration) { return describeDuration(value); }
  if (Array.isArray(value)) { return `[${value.map(describeValue).join(',')}]`; } // JSON-like for primitives: ["a",1]
  if (value instanceof Set) { return `Set [${[...value].map(describeValue).join(', ')}]`; }
  if (value instanceof Map) { return `Map {${[...value].map(([k, v]) => `${describeValue(k)} => ${describeValue(v)}`).join(', ')}}`; }
  const obj = value as object;
  const proto = Object.getPrototypeOf(obj);
  const ownToString = (obj as { toString?: unknown }).toString;
  if (typeof ownToString === 'function' && ownToString !== Object.prototype.toString) {
    const text = String(ownToString.call(obj));
    if (text && !text.startsWith('[object ')) { return text; }
  }
  if (proto !== null && proto !== Object.prototype) {
    const name = proto.constructor?.name;
    const kind = (obj as { kind?: unknown }).kind;
    const suffix = typeof kind === 'string' && kind ? ` (${kind})` : '';
    return name ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}${suffix}` : 'an object';
  }
  try {
    const json = JSON.stringify(obj);
    return json.length > 200 ? json.slice(0, 199) + '…' : json;
  } catch {
    return 'an object';
  }
}
