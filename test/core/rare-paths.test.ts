import { App, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, ModelWeights, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { labelOf, latencyAt, relabel } from '../../lib/core/private/dashboard-rows';
import { nagText } from '../../lib/core/private/nag-ref';
import { nagResourceText } from '../../lib/core/private/nag-resource-names';
import { checkFinite, checkTimeZone, describeValue } from '../../lib/core/private/validation';

/**
 * Core paths no other test of test/core executed (found with jest --coverage on lib/core; each was a
 * no-coverage mutant in `npm run mutate -- core`): rare errors, fallbacks for values of another kind.
 */
const trigger = ScalingTrigger.cpuUtilization(50);

describe('AutoscalingPolicy rare errors', () => {
  test('scaleToZero without a trigger has no way back out of zero', () => {
    // a maxCapacity known only at deploy time skips the empty-triggers check; this one still applies
    expect(() => new AutoscalingPolicy({ maxCapacity: Token.asNumber({ Ref: 'Max' }), scaleToZero: true, triggers: [] }))
      .toThrow("AutoscalingPolicy: 'scaleToZero' (true) needs a trigger to scale back out from zero. Fix: Add a trigger such as ScalingTrigger.queueBacklogPerInstance(n).");
  });

  test('a schedule without start or end', () => {
    for (const edge of ['start', 'end'] as const) {
      const schedule = { name: 'peak', start: { minute: '0', hour: '8' }, end: { minute: '0', hour: '18' }, minCapacity: 2, [edge]: undefined };
      expect(() => new AutoscalingPolicy({ maxCapacity: 4, triggers: [trigger], schedules: [schedule as never] }))
        .toThrow(`AutoscalingPolicy: 'schedules[0].${edge}' is required. Fix: Pass cron options, e.g. { minute: '0', hour: '7', weekDay: 'MON-FRI' }.`);
    }
    const withNull = { name: 'peak', start: null, end: { minute: '0', hour: '18' }, minCapacity: 2 };
    expect(() => new AutoscalingPolicy({ maxCapacity: 4, triggers: [trigger], schedules: [withNull as never] })).toThrow(/'schedules\[0\]\.start' \(null\) is required/);
  });

  test('a schedule window at 0 needs scaleToZero; with it, 0 is accepted', () => {
    const zero = { name: 'night', start: { minute: '0', hour: '22' }, end: { minute: '0', hour: '6' }, minCapacity: 0 };
    expect(() => new AutoscalingPolicy({ maxCapacity: 4, triggers: [trigger], schedules: [zero] }))
      .toThrow("AutoscalingPolicy: 'schedules[0].minCapacity' (0) is 0 but the policy does not allow scaleToZero. Fix: Set scaleToZero: true or use minCapacity >= 1.");
    expect(() => new AutoscalingPolicy({ minCapacity: 0, maxCapacity: 4, scaleToZero: true, triggers: [trigger], schedules: [zero] })).not.toThrow();
  });
});

test('ModelArtifact variants: weights that are not ModelWeights are named with the fix', () => {
  const bucket = s3.Bucket.fromBucketName(new Stack(new App(), 'S'), 'B', 'weights');
  const weights = ModelWeights.fromBucket(bucket, 'm/1/model.tar.gz');
  expect(() => new ModelArtifact({ name: 'm', version: '1', weights, variants: [{ target: HardwareTarget.EDGE_ARM64, weights: { path: 'x' } as never }] }))
    .toThrow("ModelArtifact(m): 'variants[0].weights' ({\"path\":\"x\"}) is not ModelWeights. Fix: Pass ModelWeights.fromAsset(...), fromBucket(...), fromBucketPrefix(...) or fromModelPackage(...).");
});

test('ServiceLevelObjective latency in SECONDS and MICROSECONDS reaches the alarm threshold in that unit; other units are rejected', () => {
  const threshold = (unit: cloudwatch.Unit) => {
    const stack = new Stack(new App(), 'S');
    const slo = new ServiceLevelObjective({ latencyThreshold: Duration.millis(1500), applicationSignals: false });
    const metric = new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency' });
    const [alarm] = slo.renderAlarms(stack, 'Lane', { latency: metric, latencyUnit: unit } as never) as cloudwatch.Alarm[];
    return stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).threshold);
  };
  expect(threshold(cloudwatch.Unit.SECONDS)).toBe(1.5);
  expect(threshold(cloudwatch.Unit.MILLISECONDS)).toBe(1500);
  expect(threshold(cloudwatch.Unit.MICROSECONDS)).toBe(1_500_000);
  expect(() => threshold(cloudwatch.Unit.BYTES)).toThrow("ServiceLevelObjective: 'latencyUnit' (\"Bytes\") is not a time unit. Fix: Report latency in MICROSECONDS, MILLISECONDS or SECONDS.");
});

describe('dashboard rows for metrics that are neither Metric nor MathExpression', () => {
  const custom: cloudwatch.IMetric = { toMetricConfig: () => ({}), toString: () => 'custom-metric', warnings: undefined } as never;
  const metric = new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency', unit: cloudwatch.Unit.MILLISECONDS });
  const expr = new cloudwatch.MathExpression({ expression: 'm * 2', usingMetrics: { m: metric } });

  test('labelOf: the label, else the metric name or the expression, else its text', () => {
    expect(labelOf(custom)).toBe('custom-metric');
    expect(labelOf(metric)).toBe('Latency');
    expect(labelOf(metric.with({ label: 'p95' }))).toBe('p95');
    expect(labelOf(expr)).toBe('m * 2');
  });

  test('relabel: metrics and expressions get the label, anything else is returned as is', () => {
    expect(relabel(custom, 'x')).toBe(custom);
    expect(labelOf(relabel(metric, 'x'))).toBe('x');
    expect(labelOf(relabel(expr, 'y'))).toBe('y');
  });

  test('latencyAt: a metric at the statistic, labelled with its unit; an expression only for p50; nothing without latency', () => {
    const lane = (m?: cloudwatch.IMetric) => ({ metricLatency: () => m }) as never;
    const p95 = latencyAt(lane(metric), 'p95', 'latency') as cloudwatch.Metric;
    expect([p95.statistic, p95.label]).toEqual(['p95', 'latency (Milliseconds)']);
    const noUnit = latencyAt(lane(new cloudwatch.Metric({ namespace: 'N', metricName: 'L' })), 'p99', 'latency') as cloudwatch.Metric;
    expect(noUnit.label).toBe('latency');
    expect(latencyAt(lane(expr), 'p50', 'latency')).toBe(expr);
    expect(latencyAt(lane(expr), 'p95', 'latency')).toBeUndefined();
    expect(latencyAt(lane(undefined), 'p50', 'latency')).toBeUndefined();
  });
});

test('nag texts of references: Ref, GetAtt, Join, Sub, ImportValue, and anything else as JSON', () => {
  const stack = new Stack(new App(), 'S');
  expect(nagText(stack, Fn.importValue('SharedBucketArn'))).toBe('SharedBucketArn');
  expect(nagResourceText(stack, Fn.importValue('SharedBucketArn'))).toBe('SharedBucketArn');
  expect(nagResourceText(stack, Fn.join('/', [Fn.ref('Bucket'), '*']))).toBe('<Bucket>/*');
  expect(nagResourceText(stack, Fn.getAtt('Bucket', 'Arn').toString())).toBe('<Bucket.Arn>');
  expect(nagResourceText(stack, Fn.sub('arn:${AWS::Partition}:s3:::${Name}/*'))).toBe('arn:<AWS::Partition>:s3:::<Name>/*');
  const other = Fn.findInMap('Map', 'a', 'b');
  expect(nagText(stack, other)).toBe('{"Fn::FindInMap":["Map","a","b"]}');
  expect(nagResourceText(stack, other)).toBe('{"Fn::FindInMap":["Map","a","b"]}');
});

test('describeValue: an object that cannot be written as JSON is "an object"; a long one is cut at 200 characters', () => {
  const circular: { self?: unknown } = {};
  circular.self = circular;
  expect(describeValue(circular)).toBe('an object');
  const long = describeValue({ text: 'x'.repeat(300) });
  expect(long).toHaveLength(200);
  expect(long.endsWith('…')).toBe(true);
  expect(describeValue({ a: 1 })).toBe('{"a":1}');
});

test('checkFinite: the accepted range in words for every combination of bounds', () => {
  const msg = (check: Parameters<typeof checkFinite>[3], value: number) => {
    try {
      checkFinite('X', 'n', value, check);
    } catch (e) {
      return (e as Error).message;
    }
    return 'ok';
  };
  expect(msg({ integer: true, max: 5 }, 6)).toContain('must be an integer <= 5');
  expect(msg({ integer: true }, 1.5)).toContain('must be an integer');
  expect(msg({ integer: true }, 1.5)).not.toContain('<=');
  expect(msg({ max: 5 }, 6)).toContain('must be <= 5');
  expect(msg({ max: 5 }, 5)).toBe('ok');
  expect(msg({ integer: true, max: 5 }, 5)).toBe('ok');
});

test('checkTimeZone: a known name in the wrong case is rejected with the right spelling', () => {
  expect(() => checkTimeZone('X', 'timeZone', 'America/New_york')).toThrow("X: 'timeZone' (\"America/New_york\") is not an IANA time-zone name (case matters: 'America/New_York'). Fix: Pass 'America/New_York'.");
  expect(() => checkTimeZone('X', 'timeZone', 'America/New_York')).not.toThrow();
});
