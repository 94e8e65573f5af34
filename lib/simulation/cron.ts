/**
 * Cron matching for Application Auto Scaling scheduled actions (`cron(m h dom mon dow year)`,
 * `at(...)`, `rate(...)`) and KEDA cron triggers (`m h dom mon dow`), in an IANA time zone.
 */
const DOW: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const MON: Record<string, number> = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

/** Wall-clock parts of an instant in a time zone. */
export interface WallTime { year: number; month: number; day: number; hour: number; minute: number; dow: number; lastDay: number }

const formatters: Record<string, Intl.DateTimeFormat> = {};
const offsets = new Map<string, number>();

/** UTC offset (seconds) of `timeZone` during the hour containing `epochSeconds`, cached per hour. */
function offsetSeconds(epochSeconds: number, timeZone: string): number {
  const hour = Math.floor(epochSeconds / 3600);
  const key = `${timeZone}@${hour}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const f = formatters[timeZone] ??= new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    const parts: Record<string, string> = {};
    for (const p of f.formatToParts(new Date(hour * 3600 * 1000))) { parts[p.type] = p.value; }
    const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second)) / 1000;
    off = local - hour * 3600;
    offsets.set(key, off);
  }
  return off;
}

/** Local wall time of `epochSeconds` in `timeZone` (UTC when undefined). */
export function wallTime(epochSeconds: number, timeZone = 'UTC'): WallTime {
  const local = new Date((epochSeconds + (timeZone === 'UTC' ? 0 : offsetSeconds(epochSeconds, timeZone))) * 1000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  return {
    year, month, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes(),
    dow: local.getUTCDay(), lastDay: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

type FieldMatcher = (value: number, w: WallTime) => boolean;

function compileField(field: string, names: Record<string, number>, isDom: boolean): FieldMatcher {
  if (field === '*' || field === '?') { return () => true; }
  const parts = field.split(',').map(part => {
    if (isDom && part === 'L') { return (v: number, w: WallTime) => v === w.lastDay; }
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const val = (x: string) => names[x.toUpperCase()] ?? Number(x);
    let lo: number;
    let hi: number;
    if (range === '*') { lo = 0; hi = 9999; } else if (range.includes('-')) { [lo, hi] = range.split('-').map(val); } else { lo = val(range); hi = stepText ? 9999 : lo; }
    if ([lo, hi, step].some(x => !Number.isFinite(x))) { throw new Error(`cron field '${field}' is not understood`); }
    return (v: number) => v >= lo && v <= hi && (v - lo) % step === 0;
  });
  return (v, w) => parts.some(p => p(v, w));
}

const compiled = new Map<string, (w: WallTime) => boolean>();

function compileCron(expression: string): (w: WallTime) => boolean {
  let fn = compiled.get(expression);
  if (fn) { return fn; }
  const aas = /^cron\((.*)\)$/.exec(expression.trim());
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}\)$/.exec(expression.trim());
  if (at) {
    const [y, mo, d, h, mi] = at.slice(1).map(Number);
    fn = w => w.year === y && w.month === mo && w.day === d && w.hour === h && w.minute === mi;
  } else {
    const fields = (aas ? aas[1] : expression).trim().split(/\s+/);
    if (fields.length < 5) { throw new Error(`cron expression '${expression}' has ${fields.length} fields; expected 5 (KEDA) or 6 (Application Auto Scaling)`); }
    const [mi, h, dom, mon, dow, year] = fields;
    // AAS day-of-week is 1-7 = SUN-SAT; KEDA (standard cron) is 0-6 = SUN-SAT.
    const dowNames = aas ? Object.fromEntries(Object.entries(DOW).map(([k, v]) => [k, v + 1])) : DOW;
    const m = [compileField(mi, {}, false), compileField(h, {}, false), compileField(dom, {}, true), compileField(mon, MON, false), compileField(dow, dowNames, false), year === undefined ? () => true : compileField(year, {}, false)];
    const shift = aas ? 1 : 0;
    fn = w => m[0](w.minute, w) && m[1](w.hour, w) && m[2](w.day, w) && m[3](w.month, w) && m[4](w.dow + shift, w) && m[5](w.year, w);
  }
  compiled.set(expression, fn);
  return fn;
}

/** Whether the cron expression fires at the minute containing `epochSeconds`. */
export function cronMatches(expression: string, epochSeconds: number, timeZone?: string): boolean {
  return compileCron(expression)(wallTime(epochSeconds, timeZone));
}
