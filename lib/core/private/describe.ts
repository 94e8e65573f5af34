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

/**
 * A Duration for a message: fractions, NaN and Infinity as written (`1.5 seconds`, `NaN seconds`), whole
 * amounts as aws-cdk-lib prints them (`1 minute 30 seconds`), tokens as `<token> seconds`.
 * Never throws (aws-cdk-lib's own conversions throw on NaN and fractions).
 */
export function describeDuration(d: Duration): string {
  const m = /^Duration\.(\w+)\((.*)\)$/.exec(d.toString());
  if (!m) { return d.toString(); }
  const labels = UNIT_LABELS[m[1]] ?? [m[1], m[1]];
  if (d.isUnresolved()) { return `<token> ${labels[1]}`; }
  const amount = Number(m[2]);
  if (Number.isInteger(amount) && amount >= 0) {
    // Whole amounts read best the way aws-cdk-lib prints them (`1 minute 30 seconds`).
    const human = d.toHumanString();
    if (human) { return human; }
  }
  // Fractions, NaN and Infinity as written: `1.5 seconds` (toHumanString gives `1 second 500 millis`, or '' for NaN).
  return `${m[2]} ${amount === 1 ? labels[0] : labels[1]}`;
}

/**
 * Render a user value for an error message: strings quoted, numbers as written (`NaN`, `Infinity`),
 * durations in their own unit (`1.5 seconds`), arrays element by element, objects with their own
 * `toString()` through it, other class instances by their class name, plain objects as JSON.
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
    return name ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
  }
  try {
    const json = JSON.stringify(obj);
    return json.length > 200 ? json.slice(0, 199) + '…' : json;
  } catch {
    return 'an object';
  }
}
