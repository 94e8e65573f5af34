import { App, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LaneValidationError, ScalingTrigger } from '../../lib';
import { checkInteger, checkRange, invalid } from '../../lib/core/private/errors';
import { checkAbsolutePath, checkCapacity, checkDnsLabel, checkDnsSubdomain, checkDuration, checkFinite, checkLabelKey, checkLabelValue, checkNonEmpty, checkOneOf, checkPinnedVersion, checkTimeZone, checkWholeNumber, describeDuration, describeValue, checkNoModelEnvOverride, isDuration, MAX_APP_AUTOSCALING_CAPACITY } from '../../lib/core/private/validation';
import { checkCron } from '../../lib/core/private/cron';

/** GIVEN a construct with a path, WHEN a check fails, THEN the message starts with that path. */
function scope(): Construct {
  return new Construct(new Stack(new App(), 'Stack'), 'Lane');
}

function errorOf(fn: () => void): LaneValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LaneValidationError);
    return e as LaneValidationError;
  }
  throw new Error('expected a LaneValidationError, nothing was thrown');
}

describe('describeValue / describeDuration', () => {
  test.each([
    [Duration.seconds(1.5), '1.5 seconds'],
    [Duration.seconds(NaN), 'NaN seconds'],
    [Duration.minutes(Infinity), 'Infinity minutes'],
    [Duration.seconds(1), '1 second'],
    [Duration.seconds(90), '1 minute 30 seconds'],
    [Duration.seconds(0), '0 seconds'],
    [Duration.millis(0.5), '0.5 millis'],
    [Duration.minutes(0.25), '0.25 minutes'],
    // exact: never rounds away the part a message is about
    [Duration.millis(1500), '1 second 500 millis'],
    [Duration.millis(90500), '90.5 seconds'],
    [Duration.millis(90001), '90.001 seconds'],
    [Duration.seconds(3661), '3661 seconds'],
    [Duration.seconds(3660), '1 hour 1 minute'],
    [Duration.seconds(2_147_483_647), '2147483647 seconds'],
    [Duration.seconds(2_147_483_648), '2147483648 seconds'],
    [Duration.minutes(1500), '1 day 1 hour'],
    [Duration.minutes(1501), '1501 minutes'],
    [Duration.millis(86_400_001), '1 day 1 milli'],
  ])('%s reads as %s', (d, text) => {
    expect(describeDuration(d)).toBe(text);
    expect(describeValue(d)).toBe(text);
  });

  test('a token duration reads as <token> in its unit', () => {
    const p = new CfnParameter(new Stack(), 'P', { type: 'Number' });
    expect(describeDuration(Duration.seconds(p.valueAsNumber))).toBe('<token> seconds');
  });

  test.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-0.5, '-0.5'],
    ['x', '"x"'],
    [undefined, 'undefined'],
    [null, 'null'],
    [true, 'true'],
    [['a', 1], '["a",1]'],
    [new Set(['a']), 'Set ["a"]'],
    [{ a: 1 }, '{"a":1}'],
    [ScalingTrigger.inFlightPerInstance(8), 'inFlightPerInstance(8)'],
  ])('%p reads as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  test('class instances read as their class or their own toString, tokens as <token>', () => {
    class Opaque { public readonly x = 1; }
    expect(describeValue(new Opaque())).toBe('an Opaque');
    class Mode { public readonly kind = 'serverless'; }
    expect(describeValue(new Mode())).toBe('a Mode (serverless)');
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'Weights');
    expect(describeValue(bucket)).toBe('S/Weights');
    expect(describeValue(bucket.bucketName)).toBe('<token>');
    expect(describeValue(Token.asAny('x'))).toBe('<token>');
  });

  test('invalid() puts the readable value in the message (not "()" for NaN durations)', () => {
    expect(invalid('X', 'period', Duration.seconds(NaN), 'is bad', 'Fix it.').message).toBe("X: 'period' (NaN seconds) is bad. Fix: Fix it.");
  });
});

describe('checkDuration', () => {
  const opts = { unit: 'seconds' as const, min: Duration.seconds(1), max: Duration.minutes(15) };

  test.each([
    ['lower edge', Duration.seconds(1)],
    ['upper edge', Duration.minutes(15)],
    ['1.5 minutes is 90 whole seconds', Duration.minutes(1.5)],
    ['2000 ms is 2 whole seconds', Duration.millis(2000)],
  ])('accepts %s', (_name, d) => {
    expect(() => checkDuration(scope(), 'timeout', d, opts)).not.toThrow();
  });

  test.each([
    ['a fraction of the unit', Duration.seconds(1.5), /^Stack\/Lane: 'timeout' \(1\.5 seconds\) must be a whole number of seconds.*Fix: Pass a whole number of seconds, from 1 second to 15 minutes, e.g\. Duration\.seconds\(2\)\.$/],
    ['milliseconds that are not whole seconds', Duration.millis(1500), /'timeout' \(1 second 500 millis\) must be a whole number of seconds/],
    ['NaN', Duration.seconds(NaN), /'timeout' \(NaN seconds\) is not a finite duration/],
    ['Infinity', Duration.seconds(Infinity), /'timeout' \(Infinity seconds\) is not a finite duration/],
    ['below the minimum (first rejected)', Duration.millis(0), /'timeout' \(0 millis\) must be from 1 second to 15 minutes/],
    ['above the maximum (first rejected whole second)', Duration.seconds(901), /'timeout' \(15 minutes 1 second\) must be from 1 second to 15 minutes.*Duration\.seconds\(900\)/],
  ])('rejects %s', (_name, d, msg) => {
    expect(() => checkDuration(scope(), 'timeout', d, opts)).toThrow(msg);
  });

  test('minutes: 90 s is 1.5 minutes (rejected), 120 s is accepted', () => {
    expect(() => checkDuration('Rollout', 'bakeTime', Duration.seconds(90), { unit: 'minutes' }))
      .toThrow(/^Rollout: 'bakeTime' \(1 minute 30 seconds\) must be a whole number of minutes.*Duration\.minutes\(2\)/);
    expect(() => checkDuration('Rollout', 'bakeTime', Duration.seconds(120), { unit: 'minutes' })).not.toThrow();
  });

  test('milliseconds: a fraction of a millisecond is rejected, 0 is accepted without a min', () => {
    expect(() => checkDuration('X', 'interval', Duration.millis(0.5), { unit: 'milliseconds' })).toThrow(/'interval' \(0\.5 millis\) must be a whole number of milliseconds/);
    expect(() => checkDuration('X', 'interval', Duration.millis(0), { unit: 'milliseconds' })).not.toThrow();
  });

  test('the first rejected value never reads like the limit (exact rendering)', () => {
    const limit = { unit: 'seconds' as const, max: Duration.seconds(2_147_483_647) };
    expect(() => checkDuration('X', 'p', Duration.seconds(2_147_483_647), limit)).not.toThrow();
    expect(() => checkDuration('X', 'p', Duration.seconds(2_147_483_648), limit))
      .toThrow(/^X: 'p' \(2147483648 seconds\) must be at most 2147483647 seconds\./);
    expect(() => checkDuration('X', 'p', Duration.millis(90500), { unit: 'seconds' }))
      .toThrow(/^X: 'p' \(90\.5 seconds\) must be a whole number of seconds.*Duration\.seconds\(91\)\.$/);
  });

  test('a custom fix is used verbatim', () => {
    expect(() => checkDuration('X', 'p', Duration.seconds(0.5), { unit: 'seconds', fix: 'Use 1 s.' })).toThrow(/Fix: Use 1 s\.$/);
  });

  test('tokens and undefined are skipped', () => {
    const p = new CfnParameter(new Stack(), 'P', { type: 'Number' });
    expect(() => checkDuration('X', 'p', Duration.seconds(p.valueAsNumber), opts)).not.toThrow();
    expect(() => checkDuration('X', 'p', undefined, opts)).not.toThrow();
  });
});

describe('numbers', () => {
  test.each([
    [NaN, /'n' \(NaN\) is not a finite number/],
    [Infinity, /'n' \(Infinity\) is not a finite number/],
    [-Infinity, /'n' \(-Infinity\) is not a finite number/],
    ['3' as unknown as number, /'n' \("3"\) is not a finite number/],
    [0.5, /'n' \(0\.5\) must be an integer from 1 to 10\. Fix: Pass an integer from 1 to 10\./],
    [0, /'n' \(0\) must be an integer from 1 to 10/],
    [11, /'n' \(11\) must be an integer from 1 to 10/],
  ])('checkFinite rejects %p', (value, msg) => {
    expect(() => checkFinite('X', 'n', value, { min: 1, max: 10, integer: true })).toThrow(msg);
  });

  test('checkFinite accepts both edges, fractions when not integer, and skips tokens', () => {
    expect(() => checkFinite('X', 'n', 1, { min: 1, max: 10, integer: true })).not.toThrow();
    expect(() => checkFinite('X', 'n', 10, { min: 1, max: 10, integer: true })).not.toThrow();
    expect(() => checkFinite('X', 'n', 0.5, { min: 0 })).not.toThrow();
    expect(() => checkFinite('X', 'n', -0.01, { min: 0 })).toThrow(/'n' \(-0\.01\) must be >= 0\. Fix: Pass a value of at least 0\./);
    expect(() => checkFinite('X', 'n', 5, { max: 4 })).toThrow(/'n' \(5\) must be <= 4/);
    expect(() => checkFinite('X', 'n', Token.asNumber({ resolve: () => NaN }), { min: 1 })).not.toThrow();
  });

  test('checkWholeNumber', () => {
    expect(() => checkWholeNumber('X', 'n', 2.5, 0)).toThrow(/'n' \(2\.5\) must be an integer >= 0\. Fix: Pass an integer >= 0\./);
    expect(() => checkWholeNumber('X', 'n', 0, 0)).not.toThrow();
  });

  test('checkCapacity: 2,147,483,647 accepted, one more rejected (Application Auto Scaling is 32-bit)', () => {
    expect(MAX_APP_AUTOSCALING_CAPACITY).toBe(2147483647);
    expect(() => checkCapacity('AutoscalingPolicy', 'maxCapacity', 2147483647, 1)).not.toThrow();
    expect(() => checkCapacity('AutoscalingPolicy', 'maxCapacity', 2147483648, 1))
      .toThrow(/^AutoscalingPolicy: 'maxCapacity' \(2147483648\) must be an integer from 1 to 2147483647\. Fix: .*32-bit integers/);
    expect(() => checkCapacity('X', 'minCapacity', -1)).toThrow(/'minCapacity' \(-1\) must be an integer from 0 to 2147483647/);
  });
});

describe('checkOneOf', () => {
  test('an unknown statistic from plain JavaScript is rejected with the list', () => {
    expect(() => checkOneOf(scope(), 'statistic', 'Maximun', ['Average', 'Maximum']))
      .toThrow(/^Stack\/Lane: 'statistic' \("Maximun"\) is not one of 'Average', 'Maximum'\. Fix: Pass one of 'Average', 'Maximum'\.$/);
  });
  test('numbers (log retention days) and members pass; tokens and undefined are skipped', () => {
    expect(() => checkOneOf('X', 'retention', 7, [1, 3, 5, 7])).not.toThrow();
    expect(() => checkOneOf('X', 'retention', 8, [1, 3, 5, 7])).toThrow(/'retention' \(8\) is not one of 1, 3, 5, 7/);
    expect(() => checkOneOf('X', 'retention', Token.asNumber({ resolve: () => 8 }), [1, 3])).not.toThrow();
    expect(() => checkOneOf('X', 'retention', undefined, [1, 3])).not.toThrow();
  });
});

describe('strings and versions', () => {
  test('checkNonEmpty', () => {
    expect(() => checkNonEmpty(scope(), 'image', '')).toThrow(/^Stack\/Lane: 'image' \(""\) must not be empty\. Fix: Pass a non-empty image\.$/);
    expect(() => checkNonEmpty('X', 'image', '  ')).toThrow(/'image' \(" {2}"\) must not be empty/);
    expect(() => checkNonEmpty('X', 'image', 'a')).not.toThrow();
  });

  test.each(['1.4.0', 'v2', '2024-06-01', 'sha256-abc', '1.0.0-rc.1'])('checkPinnedVersion accepts %s', v => {
    expect(() => checkPinnedVersion('X', 'version', v)).not.toThrow();
  });

  test.each([
    ['latest', /'version' \("latest"\) is a moving tag, not a version/],
    ['LATEST', /is a moving tag/],
    ['stable', /is a moving tag/],
    ['', /'version' \(""\) must not be empty/],
    ['^1.2.0', /'version' \("\^1\.2\.0"\) is a version range, not a pinned version/],
    ['~1.2', /is a version range/],
    ['>=1.0.0', /is a version range/],
    ['1.x', /is a version range/],
    ['1.2 || 1.3', /is a version range/],
  ])('checkPinnedVersion rejects %p', (v, msg) => {
    expect(() => checkPinnedVersion('X', 'version', v)).toThrow(msg);
    expect(() => checkPinnedVersion('X', 'version', v)).toThrow(/Fix: Pin an exact version/);
  });
});

describe('Kubernetes names and paths', () => {
  test('checkDnsLabel: 63 characters accepted, 64 rejected; shape rules', () => {
    expect(() => checkDnsLabel('X', 'namespace', 'a'.repeat(63))).not.toThrow();
    expect(() => checkDnsLabel('X', 'namespace', 'a'.repeat(64))).toThrow(/'namespace' \("a{64}"\) is 64 characters long; a Kubernetes name \(RFC 1123 label\) has at most 63/);
    expect(() => checkDnsLabel(scope(), 'namespace', 'Prod')).toThrow(/^Stack\/Lane: 'namespace' \("Prod"\) is not a valid Kubernetes name \(RFC 1123 label\)\. Fix: Use lowercase/);
    expect(() => checkDnsLabel('X', 'namespace', '-a')).toThrow(/is not a valid Kubernetes name/);
    expect(() => checkDnsLabel('X', 'namespace', 'a.b')).toThrow(/is not a valid Kubernetes name \(RFC 1123 label\)/);
    expect(() => checkDnsLabel('X', 'namespace', '')).toThrow(/'namespace' \(""\) must not be empty/);
    expect(() => checkDnsLabel('X', 'namespace', 'ml-serving-2')).not.toThrow();
  });

  test('checkDnsSubdomain: dots allowed, 253 accepted, 254 rejected', () => {
    const ok = Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.').slice(0, 253);
    expect(ok.length).toBe(253);
    expect(() => checkDnsSubdomain('X', 'secretName', ok)).not.toThrow();
    expect(() => checkDnsSubdomain('X', 'secretName', ok + 'a')).toThrow(/is 254 characters long; a Kubernetes name \(RFC 1123 subdomain\) has at most 253/);
    expect(() => checkDnsSubdomain('X', 'secretName', 'model-pull.v1')).not.toThrow();
    expect(() => checkDnsSubdomain('X', 'secretName', 'model_pull')).toThrow(/'secretName' \("model_pull"\) is not a valid Kubernetes name \(RFC 1123 subdomain\)/);
    expect(() => checkDnsSubdomain('X', 'secretName', 'a..b')).toThrow(/RFC 1123 subdomain/);
  });

  test.each(['app', 'karpenter.sh/capacity-type', 'node.kubernetes.io/instance-type', 'a_b.c-d', 'x'.repeat(63)])('checkLabelKey accepts %s', k => {
    expect(() => checkLabelKey('X', 'nodeSelector', k)).not.toThrow();
  });

  test.each([
    ['', /'nodeSelector' \(""\) must not be empty \(a Kubernetes label key\)/],
    ['x'.repeat(64), /its name 'x{64}' must be 1-63/],
    ['Bad_/x', /its prefix 'Bad_' is not a DNS subdomain/],
    ['a/b/c', /has more than one '\/'/],
    ['example.com/', /its name '' must be 1-63/],
    ['-app', /its name '-app' must be 1-63/],
    ['/app', /its prefix '' is not a DNS subdomain/],
  ])('checkLabelKey rejects %p', (k, msg) => {
    expect(() => checkLabelKey('X', 'nodeSelector', k)).toThrow(msg);
  });

  test('checkLabelValue: empty and 63 accepted, 64 and bad shapes rejected', () => {
    expect(() => checkLabelValue('X', 'labels.tier', '')).not.toThrow();
    expect(() => checkLabelValue('X', 'labels.tier', 'g5.xlarge')).not.toThrow();
    expect(() => checkLabelValue('X', 'labels.tier', 'v'.repeat(63))).not.toThrow();
    expect(() => checkLabelValue('X', 'labels.tier', 'v'.repeat(64))).toThrow(/is 64 characters long; a Kubernetes label value has at most 63/);
    expect(() => checkLabelValue('X', 'labels.tier', 'a b')).toThrow(/'labels.tier' \("a b"\) is not a valid Kubernetes label value/);
    expect(() => checkLabelValue('X', 'labels.tier', 'a/b')).toThrow(/is not a valid Kubernetes label value/);
    expect(() => checkLabelValue('X', 'labels.tier', 'x.')).toThrow(/is not a valid Kubernetes label value/);
  });

  test('checkAbsolutePath', () => {
    expect(() => checkAbsolutePath('X', 'readinessPath', '/v2/health/ready')).not.toThrow();
    expect(() => checkAbsolutePath('X', 'readinessPath', '/')).not.toThrow();
    expect(() => checkAbsolutePath('X', 'readinessPath', '/ping?full=1')).not.toThrow();
    expect(() => checkAbsolutePath('X', 'readinessPath', 'health')).toThrow(/'readinessPath' \("health"\) must be an absolute HTTP path starting with '\/'/);
    expect(() => checkAbsolutePath('X', 'readinessPath', '')).toThrow(/must be an absolute HTTP path/);
    expect(() => checkAbsolutePath('X', 'readinessPath', '/a b')).toThrow(/must not contain whitespace/);
    expect(() => checkAbsolutePath('X', 'readinessPath', '/a#b')).toThrow(/or a fragment/);
  });

  test('tokens are skipped by every name check', () => {
    const t = Token.asString({ resolve: () => 'BAD NAME' });
    for (const check of [checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, checkAbsolutePath, checkNonEmpty, checkPinnedVersion]) {
      expect(() => check('X', 'p', t)).not.toThrow();
    }
  });
});

describe('checkTimeZone', () => {
  test.each(['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Calcutta', 'US/Eastern', 'Etc/GMT+9', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince'])('accepts %s', tz => {
    expect(() => checkTimeZone('X', 'timeZone', tz)).not.toThrow();
  });

  test.each([
    ['', /'timeZone' \(""\) is empty: an empty time zone would be dropped and the schedule would run in UTC\. Fix: Pass 'UTC' explicitly/],
    [' ', /is empty/],
    ['Mars/Olympus', /'timeZone' \("Mars\/Olympus"\) is not an IANA time-zone name\. Fix: Pass an IANA time-zone name such as 'UTC'/],
    ['america/new_york', /is not an IANA time-zone name.*Did you mean 'America\/New_York'\?/],
    ['utc', /is not an IANA time-zone name.*Did you mean 'UTC'\?/],
    ['+01:00', /'timeZone' \("\+01:00"\) is not an IANA time-zone name/],
    ['EST', /is not an IANA time-zone name|^$/],
  ])('rejects %p', (tz, msg) => {
    if (tz === 'EST') {
      // 'EST' is a real (legacy) IANA zone: accepted where the runtime knows it.
      expect(() => checkTimeZone('X', 'timeZone', tz)).not.toThrow();
      return;
    }
    expect(() => checkTimeZone(scope(), 'timeZone', tz)).toThrow(msg);
  });

  test('tokens and undefined are skipped', () => {
    expect(() => checkTimeZone('X', 'timeZone', Token.asString({ resolve: () => '' }))).not.toThrow();
    expect(() => checkTimeZone('X', 'timeZone', undefined)).not.toThrow();
  });
});

describe('checkCron: Application Auto Scaling', () => {
  const aas = (expr: Parameters<typeof checkCron>[2]) => () => checkCron(scope(), 'schedules[0].start', expr, 'application-autoscaling');

  test.each([
    'cron(0 7 ? * MON-FRI *)',
    'cron(59 23 31 12 ? 2199)',
    'cron(0 0 1 1 ? 1970)',
    'cron(0/15 * * * ? *)',
    'cron(0 12 L * ? *)',
    'cron(0 12 15W * ? *)',
    'cron(0 12 ? * 6L *)',
    'cron(0 12 ? * MON#2 *)',
    'cron(0 12 ? * 1,7 *)',
    'cron(0 8-18/2 ? JAN-MAR SUN-SAT *)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'at(2027-11-27T08:00:00)',
  ])('accepts %s', expr => {
    expect(aas(expr)).not.toThrow();
  });

  test.each([
    ['cron(60 * * * ? *)', /'schedules\[0\]\.start' \("cron\(60 \* \* \* \? \*\)"\) has an invalid minute field "60": it has 60, which is out of range; minute takes 0-59/],
    ['cron(0 24 * * ? *)', /invalid hour field "24": it has 24, which is out of range; hour takes 0-23/],
    ['cron(0 0 32 * ? *)', /invalid day-of-month field "32".*day-of-month takes 1-31/],
    ['cron(0 0 0 * ? *)', /invalid day-of-month field "0"/],
    ['cron(0 0 1 13 ? *)', /invalid month field "13".*month takes 1-12 or JAN-DEC/],
    ['cron(0 0 ? * 8 *)', /invalid day-of-week field "8".*day-of-week takes 1-7 or SUN-SAT \(1 = SUN\)/],
    ['cron(0 0 ? * 0 *)', /invalid day-of-week field "0"/],
    ['cron(0 0 ? * FUN *)', /invalid day-of-week field "FUN": it has 'FUN', which is not a number or a known name/],
    ['cron(0 0 ? * mon *)', /invalid day-of-week field "mon"/],
    ['cron(a 0 * * ? *)', /invalid minute field "a": it has 'a', which is not a number/],
    ['cron(0 0 * * ? 2200)', /invalid year field "2200"/],
    ['cron(0 0 * * ? 1969)', /invalid year field "1969"/],
    ['cron(0 0 * * MON *)', /has day-of-month "\*" and day-of-week "MON": exactly one of them must be '\?'/],
    ['cron(0 0 ? * ? *)', /exactly one of them must be '\?'/],
    ['cron(0 0 * * ?)', /has 5 field\(s\); Application Auto Scaling cron takes exactly 6/],
    ['0 0 * * ?', /is not 'cron\(\.\.\.\)', 'rate\(\.\.\.\)' or 'at\(\.\.\.\)'/],
    ['cron(0 18-9 * * ? *)', /the range '18-9' running backwards/],
    ['cron(*/0 * * * ? *)', /a step must be a whole number of at least 1/],
    ['cron(0 0 ? * MON/2 *)', /uses a step \('\/'\), which day-of-week does not take/],
    ['cron(0 0 ? * MON#6 *)', /'#' takes a day of week and an occurrence 1-5/],
    ['cron(0 0 1,,2 * ? *)', /has an empty list item/],
    ['cron(? 0 * * ? *)', /uses '\?', which minute does not take/],
    ['rate(1 minutes)', /is not a valid rate/],
    ['rate(0 minutes)', /is not a valid rate/],
    ['rate(5 seconds)', /is not a valid rate/],
    ['at(2027-02-30T08:00:00)', /is not a valid one-time schedule/],
  ])('rejects %s', (expr, msg) => {
    expect(aas(expr)).toThrow(msg);
    expect(aas(expr)).toThrow(/^Stack\/Lane: .*Fix: /);
  });

  test('cron options (the shared contract) are checked field by field, with the field in the prop', () => {
    expect(aas({ minute: '0', hour: '7', weekDay: 'MON-FRI' })).not.toThrow();
    expect(aas({ minute: '0', hour: '7', day: '1', month: 'JAN', year: '2027' })).not.toThrow();
    expect(aas({ minute: '60' })).toThrow(/^Stack\/Lane: 'schedules\[0\]\.start\.minute' \("60"\) has 60, which is out of range; minute takes 0-59, with \* , - \/ \(Application Auto Scaling cron\)\. Fix: /);
    expect(aas({ minute: '0', hour: '25' })).toThrow(/'schedules\[0\]\.start\.hour' \("25"\) has 25, which is out of range/);
    expect(aas({ minute: '0', day: '32' })).toThrow(/'schedules\[0\]\.start\.day' \("32"\)/);
    expect(aas({ minute: '0', month: '13' })).toThrow(/'schedules\[0\]\.start\.month' \("13"\)/);
    expect(aas({ minute: '0', weekDay: 'FUN' })).toThrow(/'schedules\[0\]\.start\.weekDay' \("FUN"\) has 'FUN', which is not a number or a known name/);
    expect(aas({ minute: '0', hour: 'noon' })).toThrow(/'schedules\[0\]\.start\.hour' \("noon"\) has 'noon', which is not a number/);
    expect(aas({ minute: '0', day: '1', weekDay: 'MON' })).toThrow(/'schedules\[0\]\.start\.weekDay' \("MON"\) is set together with day \("1"\).*Fix: Drop day or weekDay\./);
    expect(aas({ minute: '0', weekDay: '?' })).toThrow(/'schedules\[0\]\.start\.weekDay' \("\?"\) is '\?' explicitly/);
    expect(aas({ minute: 5 as unknown as string })).toThrow(/'schedules\[0\]\.start\.minute' \(5\) is not a cron field \(text\)/);
    expect(aas({ minute: '0', hours: '7' } as never)).toThrow(/'schedules\[0\]\.start\.hours' \("7"\) is not a cron field/);
  });

  test('tokens and undefined are skipped', () => {
    expect(aas(undefined)).not.toThrow();
    expect(aas({ minute: Token.asString({ resolve: () => '99' }) })).not.toThrow();
  });
});

describe('checkCron: KEDA (robfig/cron standard 5 fields)', () => {
  const keda = (expr: Parameters<typeof checkCron>[2]) => () => checkCron('GpuServingChart', 'schedules[0].end', expr, 'keda');

  test.each([
    '0 7 * * MON-FRI',
    '59 23 31 12 6',
    '0 0 1 1 0',
    '*/15 * * * *',
    '0 8-18/2 * * *',
    '0 12 1 6 *',
    '0 12 ? * mon',
    '0 12 * jan-mar *',
    '5/15 * * * *',
  ])('accepts %s', expr => {
    expect(keda(expr)).not.toThrow();
  });

  test.each([
    ['60 * * * *', /^GpuServingChart: 'schedules\[0\]\.end' \("60 \* \* \* \*"\) has an invalid minute field "60": it has 60, which is out of range; minute takes 0-59.*\(KEDA's cron scaler, 5-field cron\)\. Fix: /],
    ['0 25 * * *', /invalid hour field "25"/],
    ['0 0 32 * *', /invalid day-of-month field "32"/],
    ['0 0 * 13 *', /invalid month field "13"/],
    ['0 0 * * 7', /invalid day-of-week field "7": it has 7, which is out of range; day-of-week takes 0-6 or SUN-SAT \(0 = SUN\)/],
    ['0 0 * * FUN', /invalid day-of-week field "FUN"/],
    ['0 0 L * *', /invalid day-of-month field "L"/],
    ['0 0 * * MON#2', /invalid day-of-week field "MON#2"/],
    ['0 0 * * * 2027', /has 6 field\(s\); KEDA's cron scaler, 5-field cron takes exactly 5/],
    ['@daily', /has 1 field\(s\)/],
    ['cron(0 0 * * ? *)', /has 6 field\(s\); KEDA's cron scaler, 5-field cron takes exactly 5: minute hour day-of-month month day-of-week \(no seconds, no year, no descriptors such as @daily\)\. Fix/],
  ])('rejects %s', (expr, msg) => {
    expect(keda(expr)).toThrow(msg);
  });

  test('cron options: year cannot be rendered, day and weekDay together are standard cron (accepted)', () => {
    expect(keda({ minute: '0', hour: '7', weekDay: 'MON-FRI' })).not.toThrow();
    expect(keda({ minute: '0', hour: '7', day: '1', month: '6' })).not.toThrow();
    expect(keda({ minute: '0', day: '1', weekDay: 'MON' })).not.toThrow();
    expect(keda({ minute: '0', year: '2027' })).toThrow(/'schedules\[0\]\.end\.year' \("2027"\) cannot be rendered: KEDA's cron scaler, 5-field cron has no year/);
    expect(keda({ minute: '0', weekDay: '7' })).toThrow(/'schedules\[0\]\.end\.weekDay' \("7"\) has 7, which is out of range; day-of-week takes 0-6/);
  });
});

describe('errors are always LaneValidationError', () => {
  test('for every check', () => {
    const fns: Array<() => void> = [
      () => checkDuration('X', 'p', Duration.seconds(0.5), { unit: 'seconds' }),
      () => checkFinite('X', 'p', NaN),
      () => checkOneOf('X', 'p', 'z', ['a']),
      () => checkCron('X', 'p', 'cron(x)', 'application-autoscaling'),
      () => checkTimeZone('X', 'p', 'Nowhere/Land'),
      () => checkDnsLabel('X', 'p', 'A'),
      () => checkLabelKey('X', 'p', '??'),
      () => checkPinnedVersion('X', 'p', 'latest'),
    ];
    for (const fn of fns) {
      const e = errorOf(fn);
      expect(e.prop).toBe('p');
      expect(e.fix.length).toBeGreaterThan(5);
    }
  });
});

describe('validators never crash on values of the wrong type (plain JavaScript, other jsii languages)', () => {
  const weird: unknown[] = [30, '30s', null, {}, [], true, NaN, Symbol('s'), () => 1, new Date(0)];
  const validators: Array<[string, (v: unknown) => void]> = [
    ['checkDuration', v => checkDuration('X', 'p', v as Duration, { unit: 'seconds' })],
    ['checkFinite', v => checkFinite('X', 'p', v as number)],
    ['checkWholeNumber', v => checkWholeNumber('X', 'p', v as number, 0, 10)],
    ['checkCapacity', v => checkCapacity('X', 'p', v as number)],
    ['checkOneOf', v => checkOneOf('X', 'p', v, ['a', 'b'])],
    ['checkNonEmpty', v => checkNonEmpty('X', 'p', v as string)],
    ['checkPinnedVersion', v => checkPinnedVersion('X', 'p', v as string)],
    ['checkDnsLabel', v => checkDnsLabel('X', 'p', v as string)],
    ['checkDnsSubdomain', v => checkDnsSubdomain('X', 'p', v as string)],
    ['checkLabelKey', v => checkLabelKey('X', 'p', v as string)],
    ['checkLabelValue', v => checkLabelValue('X', 'p', v as string)],
    ['checkAbsolutePath', v => checkAbsolutePath('X', 'p', v as string)],
    ['checkTimeZone', v => checkTimeZone('X', 'p', v as string)],
    ['checkCron (application-autoscaling)', v => checkCron('X', 'p', v as string, 'application-autoscaling')],
    ['checkCron (keda)', v => checkCron('X', 'p', v as string, 'keda')],
    ['checkRange', v => checkRange('X', 'p', v as number, 0, 10)],
    ['checkInteger', v => checkInteger('X', 'p', v as number, 0, 10)],
  ];
  test.each(validators)('%s: returns or throws a LaneValidationError naming the prop', (_name, check) => {
    for (const v of weird) {
      try {
        check(v);
      } catch (e) {
        expect(e).toBeInstanceOf(LaneValidationError);
        expect((e as LaneValidationError).message).toMatch(/^X: 'p(\.\w+)?' /);
      }
    }
  });

  test('checkDuration rejects each non-Duration with the same problem and a fix in the check\'s unit', () => {
    expect(() => checkDuration('X', 'p', 30 as never, { unit: 'seconds' })).toThrow(/^X: 'p' \(30\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not a number, e\.g\. Duration\.seconds\(30\)\.$/);
    expect(() => checkDuration('X', 'p', '30s' as never, { unit: 'minutes' })).toThrow(/^X: 'p' \("30s"\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not a string, e\.g\. Duration\.minutes\(30\)\.$/);
    expect(() => checkDuration('X', 'p', null as never, { unit: 'milliseconds' })).toThrow(/^X: 'p' \(null\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not null, e\.g\. Duration\.millis\(500\)\.$/);
    expect(() => checkDuration('X', 'p', -1 as never, { unit: 'seconds' })).toThrow(/^X: 'p' \(-1\) is not a Duration\. Fix: .*Duration\.seconds\(30\)\.$/);
  });

  test('isDuration: Durations (also duck-typed copies) yes, numbers/strings/plain objects no', () => {
    expect(isDuration(Duration.seconds(1))).toBe(true);
    const copy = { isUnresolved: () => false, toMilliseconds: () => 1000, toSeconds: () => 1, toHumanString: () => '1 second' };
    expect(isDuration(copy)).toBe(true);
    for (const v of [1, '1s', null, undefined, { seconds: 1 }]) { expect(isDuration(v)).toBe(false); }
  });
});

describe('checkNoModelEnvOverride (one wording for every lane)', () => {
  const LANE = ['MODEL_NAME', 'MODEL_VERSION', 'MODEL_S3_URI'];

  test('a user variable named like a lane variable is rejected with the lane\'s list in the fix', () => {
    expect(() => checkNoModelEnvOverride(scope(), 'environment', { LOG_LEVEL: 'info', MODEL_VERSION: '2.0' }, LANE)).toThrow(
      new LaneValidationError({
        where: 'Stack/Lane', prop: 'environment.MODEL_VERSION', value: '"2.0"', problem: 'is set by the lane from the artifact',
        fix: 'Drop MODEL_VERSION; the lane sets MODEL_NAME, MODEL_VERSION, MODEL_S3_URI.',
      }).message,
    );
    expect(errorOf(() => checkNoModelEnvOverride(scope(), 'environment', { MODEL_NAME: 'x' }, LANE)).message).toBe(
      "Stack/Lane: 'environment.MODEL_NAME' (\"x\") is set by the lane from the artifact. Fix: Drop MODEL_NAME; the lane sets MODEL_NAME, MODEL_VERSION, MODEL_S3_URI.");
  });

  test('the prop path is the caller\'s (e.g. a container\'s environment)', () => {
    expect(() => checkNoModelEnvOverride('Chart', 'container.environment', { MODEL_S3_URI: 's3://b/k' }, LANE))
      .toThrow(/^Chart: 'container\.environment\.MODEL_S3_URI' \("s3:\/\/b\/k"\) is set by the lane from the artifact\. Fix: Drop MODEL_S3_URI;/);
  });

  test('other names, near misses, undefined and token maps pass; a non-map is rejected', () => {
    expect(() => checkNoModelEnvOverride('X', 'environment', { LOG_LEVEL: 'info', MODEL_CACHE: '1', model_name: 'x' }, LANE)).not.toThrow();
    expect(() => checkNoModelEnvOverride('X', 'environment', undefined, LANE)).not.toThrow();
    expect(() => checkNoModelEnvOverride('X', 'environment', Token.asAny({ MODEL_NAME: 'x' }) as never, LANE)).not.toThrow();
    expect(() => checkNoModelEnvOverride('X', 'environment', null as never, LANE)).toThrow(/^X: 'environment' \(null\) is not a map of environment variable names to values/);
    expect(() => checkNoModelEnvOverride('X', 'environment', 'MODEL_NAME=x' as never, LANE)).toThrow(/^X: 'environment' \("MODEL_NAME=x"\) is not a map/);
  });
});
