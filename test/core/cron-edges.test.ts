import { LaneValidationError } from '../../lib';
import { checkCron } from '../../lib/core/private/cron';

/**
 * The edges of checkCron (core/private/cron.ts) that test/core/validation.test.ts does not reach: the first
 * accepted and first rejected value of each special form (W, L, #, steps, ranges, lists), the accepted-values
 * text of every field on both platforms, and the rate / at forms (issue 21 class 4).
 */
const aas = (expr: string | object) => () => checkCron('Lane', 'schedule', expr as string, 'application-autoscaling');
const keda = (expr: string | object) => () => checkCron('Lane', 'schedule', expr as string, 'keda');
/** An AAS expression with `day` in day-of-month (week-day '?'). */
const day = (d: string) => `cron(0 12 ${d} * ? *)`;
/** An AAS expression with `w` in day-of-week (day '?'). */
const weekDay = (w: string) => `cron(0 12 ? * ${w} *)`;

function message(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LaneValidationError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
}

test('W (nearest weekday): 1W and 31W and LW are accepted, 0W and 32W are out of range', () => {
  for (const ok of ['1W', '31W', 'LW', 'L', '15W,L']) { expect(aas(day(ok))).not.toThrow(); }
  for (const bad of ['0W', '32W']) {
    expect(message(aas(day(bad)))).toContain(`has an invalid day-of-month field "${bad}": it has '${bad}' out of range; day-of-month takes 1-31, with * , - / ? L W (Application Auto Scaling cron)`);
  }
  expect(aas(weekDay('2W'))).toThrow(/invalid day-of-week field "2W"/);
});

test('L after a week day (last given weekday): 1L and 7L and SATL are accepted, 0L, 8L and XL are not', () => {
  for (const ok of ['1L', '7L', 'SATL', 'L']) { expect(aas(weekDay(ok))).not.toThrow(); }
  for (const bad of ['0L', '8L', 'XL']) {
    expect(message(aas(weekDay(bad)))).toContain(`it has '${bad}' (last given weekday) with an unknown day; day-of-week takes 1-7 or SUN-SAT (1 = SUN), with * , - ? L # (Application Auto Scaling cron)`);
  }
  expect(aas(day('5L'))).toThrow(/invalid day-of-month field "5L"/);
});

test('# (nth weekday): MON#1 to MON#5 and 7#3 are accepted; #0, #6, a missing occurrence and an unknown day are not', () => {
  for (const ok of ['MON#1', 'MON#5', '7#3', '1#2']) { expect(aas(weekDay(ok))).not.toThrow(); }
  for (const bad of ['MON#0', 'MON#6', 'MON#', 'FUN#2', '8#2', '0#1', 'MON#12']) {
    expect(message(aas(weekDay(bad)))).toContain(`it has '${bad}': '#' takes a day of week and an occurrence 1-5 (e.g. 'MON#2')`);
  }
});

test('steps: */1, 0/59 and 5/15 are accepted; /0, two steps, a non-number step or a missing step are not', () => {
  for (const ok of ['*/1', '0/59', '5/15', '1-30/2']) { expect(aas(`cron(${ok} * * * ? *)`)).not.toThrow(); }
  for (const bad of ['*/0', '0/15/2', '*/x', '*/', '*/1.5']) {
    expect(message(aas(`cron(${bad} * * * ? *)`))).toContain(`it has '${bad}': a step must be a whole number of at least 1 (e.g. '*/15')`);
  }
  expect(message(aas('cron(a/5 * * * ? *)'))).toContain("it has 'a', which is not a number");
  expect(message(aas('cron(60/5 * * * ? *)'))).toContain('it has 60, which is out of range');
});

test('ranges and values: the edges of each field, a three-part range, negative and fractional numbers', () => {
  expect(aas('cron(0-59 0-23 1-31 1-12 ? 1970-2199)')).not.toThrow();
  expect(aas('cron(5-5 * * * ? *)')).not.toThrow();
  expect(message(aas('cron(1-2-3 * * * ? *)'))).toContain("it has '1-2-3', which is not a value or a range");
  expect(message(aas('cron(1.5 * * * ? *)'))).toContain("it has '1.5', which is not a whole number in range");
  expect(message(aas('cron(0 0 ? * -1 *)'))).toContain("has an invalid day-of-week field \"-1\": it has '', which is not a number or a known name");
  expect(message(aas('cron(0 1-24 * * ? *)'))).toContain('it has 24, which is out of range; hour takes 0-23, with * , - /');
  expect(message(aas('cron(0 0 * DEC-JAN ? *)'))).toContain("the range 'DEC-JAN' running backwards");
  expect(aas('cron(0 0 * JAN-DEC ? *)')).not.toThrow();
  expect(message(aas('cron(0 0 * jan ? *)'))).toContain("it has 'jan', which is not a number or a known name; month takes 1-12 or JAN-DEC, with * , - /");
});

test("'*' and '?' stand alone: with a list they are errors; '?' only where the field takes it", () => {
  expect(message(aas('cron(*,5 * * * ? *)'))).toContain("it combines '*' with a list; minute takes 0-59, with * , - /");
  expect(message(aas('cron(0 0 ?,1 * MON *)'))).toContain("it combines '?' with a list; day-of-month takes 1-31, with * , - / ? L W");
  expect(message(aas('cron(0 0 ,1 * ? *)'))).toContain('it has an empty list item');
  expect(message(aas('cron(0 0 1 ? ? *)'))).toContain("it uses '?', which month does not take on Application Auto Scaling cron; month takes 1-12 or JAN-DEC, with * , - /");
  for (const ok of ['? ? ? ? ?', '* * * * *', '0 0 ? * ?']) { expect(keda(ok)).not.toThrow(); }
});

test('the accepted-values text of every KEDA field', () => {
  expect(message(keda('x * * * *'))).toContain("it has 'x', which is not a number; minute takes 0-59, with * , - / ? (KEDA's cron scaler, 5-field cron)");
  expect(message(keda('* x * * *'))).toContain('hour takes 0-23, with * , - / ?');
  expect(message(keda('* * x * *'))).toContain('day-of-month takes 1-31, with * , - / ?');
  expect(message(keda('* * * x *'))).toContain('month takes 1-12 or JAN-DEC, with * , - / ?');
  expect(message(keda('* * * * x'))).toContain('day-of-week takes 0-6 or SUN-SAT (0 = SUN), with * , - / ?');
  expect(keda('0 0 * * sun-sat')).not.toThrow();
  expect(keda('0 0 * * 0-6')).not.toThrow();
  expect(message(keda('0 0 0 * *'))).toContain('it has 0, which is out of range');
  expect(message(keda('0 0 * * *  * '))).toContain('has 6 field(s)');
  expect(keda('  0 0 * * *  ')).not.toThrow();
  expect(message(keda('0 0 * *'))).toContain("has 4 field(s); KEDA's cron scaler, 5-field cron takes exactly 5");
});

test('rate: singular only for 1, plural otherwise; hours and days; nothing else', () => {
  for (const ok of ['rate(1 minute)', 'rate(2 minutes)', 'rate(1 hour)', 'rate(12 hours)', 'rate(1 day)', 'rate(7 days)', ' rate(5 minutes) ']) { expect(aas(ok)).not.toThrow(); }
  for (const bad of ['rate(2 minute)', 'rate(1 hours)', 'rate(1 days)', 'rate(2 day)', 'rate(1.5 hours)', 'rate(-1 minutes)', 'rate(5  minutes)', 'rate(5 weeks)', 'rate()']) {
    expect(message(aas(bad))).toContain("is not a valid rate: 'rate(N unit)' with a whole N of at least 1 and unit minute(s)/hour(s)/day(s) (singular only for 1)");
  }
});

test('at: a real date and time, to the second', () => {
  for (const ok of ['at(2028-02-29T23:59:59)', 'at(2027-12-31T00:00:00)']) { expect(aas(ok)).not.toThrow(); }
  for (const bad of ['at(2027-02-29T08:00:00)', 'at(2027-13-01T08:00:00)', 'at(2027-00-10T08:00:00)', 'at(2027-04-31T08:00:00)', 'at(2027-01-01T24:00:00)',
    'at(2027-01-01T08:60:00)', 'at(2027-01-01T08:00:60)', 'at(2027-01-01 08:00:00)', 'at(2027-1-01T08:00:00)']) {
    expect(message(aas(bad))).toContain("is not a valid one-time schedule: 'at(yyyy-mm-ddThh:mm:ss)'");
  }
});

test('cron: exactly 6 fields, and exactly one of day-of-month and day-of-week is ?', () => {
  expect(message(aas('cron(0 0 * * ? * *)'))).toContain('has 7 field(s); Application Auto Scaling cron takes exactly 6: minute hour day-of-month month day-of-week year');
  expect(message(aas('cron(0 0 1 * MON *)'))).toContain('has day-of-month "1" and day-of-week "MON": exactly one of them must be \'?\' (Application Auto Scaling cron)');
  expect(aas('cron(0 0 ? * * *)')).not.toThrow();
  expect(aas('cron(0 0 * * ? *)')).not.toThrow();
  expect(message(aas('cron (0 0 * * ? *)'))).toContain("is not 'cron(...)', 'rate(...)' or 'at(...)' (Application Auto Scaling schedule expressions)");
  expect(message(aas('cron(0 0 * * ? *))'))).toContain('has an invalid year field');
});

test('cron options: not an object, and each platform\'s fix text', () => {
  for (const bad of [null, 5, true]) {
    expect(message(aas(bad as never))).toBe(`Lane: 'schedule' (${JSON.stringify(bad)}) is not a schedule (cron options or an expression). Fix: Write e.g. { minute: '0', hour: '7', weekDay: 'MON-FRI' } (cron(0 7 ? * MON-FRI *)); set either day or weekDay, not both.`);
  }
  expect(message(keda({ minute: '61' }))).toBe("Lane: 'schedule.minute' (\"61\") has 61, which is out of range; minute takes 0-59, with * , - / ? (KEDA's cron scaler, 5-field cron). Fix: Write e.g. { minute: '0', hour: '7', weekDay: 'MON-FRI' } (0 7 * * MON-FRI); no year field.");
  expect(message(aas({ minute: '0', day: '?' }))).toBe("Lane: 'schedule.day' (\"?\") is '?' explicitly; the schedule fills '?' in itself. Fix: Drop day.");
  expect(message(keda({ minute: 7 }))).toContain("'schedule.minute' (7) is not a cron field (text); minute takes 0-59, with * , - / ?");
  expect(message(aas({ minute: '0', year: '1969' }))).toContain("'schedule.year' (\"1969\") has 1969, which is out of range; year takes 1970-2199, with * , - /");
});
