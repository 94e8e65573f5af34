import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import {
  AutoscalingPolicy, AutoscalingPolicyProps, LaneValidationError, ModelArtifact, Rollout, ScalingTrigger, ScheduledCapacity,
  ScheduleFormat, ServiceLevelObjective, ServiceLevelObjectiveProps, TriggerKind,
} from '../../lib';
import { addScheduledActions, toStandardCron } from '../../lib/core/private/scheduling';

/**
 * Property-based tests of the core contracts (issue 13): random valid props construct and render;
 * random invalid props always raise LaneValidationError, never another error type (a crash inside
 * aws-cdk-lib, a TypeError). Fixed seed and bounded runs keep this to a few seconds in `npm test`;
 * FC_RUNS=1000 FC_SEED=<n> runs longer.
 */
const RUNS = Number(process.env.FC_RUNS ?? 40);
const SEED = Number(process.env.FC_SEED ?? 20261201);
const params = { seed: SEED, numRuns: RUNS };

/** Runs `build`; anything thrown must be a LaneValidationError. Returns whether it threw. */
function throwsOnlyLaneValidationError(build: () => unknown): boolean {
  try {
    build();
    return false;
  } catch (e) {
    if (!(e instanceof LaneValidationError)) {
      throw new Error(`expected a LaneValidationError, got ${(e as Error).constructor?.name}: ${(e as Error).message}`);
    }
    expect(e.message).toMatch(/^.+: '.+'.* Fix: .+/s);
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const ZONES = ['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'US/Eastern', undefined];
const KINDS = [
  () => ScalingTrigger.cpuUtilization(60), () => ScalingTrigger.gpuUtilization(70), () => ScalingTrigger.inFlightPerInstance(8),
  () => ScalingTrigger.requestsPerInstance(50), () => ScalingTrigger.queueBacklogPerInstance(10), () => ScalingTrigger.timeInQueue(Duration.minutes(5)),
];

const cronOptions: fc.Arbitrary<appscaling.CronOptions> = fc.record({
  minute: fc.integer({ min: 0, max: 59 }).map(String),
  hour: fc.integer({ min: 0, max: 23 }).map(String),
  dayOrWeek: fc.oneof(
    fc.constant({}),
    fc.integer({ min: 1, max: 31 }).map(d => ({ day: String(d) })),
    fc.subarray(DAYS, { minLength: 1 }).map(ds => ({ weekDay: ds.join(',') })),
    fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 6 })).map(([a, b]) => ({ weekDay: `${DAYS[a]}-${DAYS[Math.max(a, b)]}` })),
  ),
  month: fc.option(fc.integer({ min: 1, max: 12 }).map(String), { nil: undefined }),
}).map(({ minute, hour, dayOrWeek, month }) => ({ minute, hour, ...dayOrWeek, ...(month ? { month } : {}) }));

const schedules: fc.Arbitrary<ScheduledCapacity[]> = fc.array(
  fc.record({ start: cronOptions, end: cronOptions, minCapacity: fc.integer({ min: 1, max: 50 }), timeZone: fc.constantFrom(...ZONES) }),
  { maxLength: 2 },
).map(list => list.map((s, i) => ({ name: `window-${i}`, ...s, ...(s.timeZone ? {} : { timeZone: undefined }) })));

const validPolicy: fc.Arbitrary<AutoscalingPolicyProps> = fc.record({
  min: fc.integer({ min: 1, max: 100 }),
  extra: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(2147483647 - 100)),
  triggers: fc.subarray(KINDS, { minLength: 1, maxLength: 3 }),
  warmBufferPercent: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
  out: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }),
  inn: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }),
  step: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  schedules,
}).map(r => ({
  minCapacity: r.min,
  maxCapacity: r.min + r.extra,
  triggers: r.triggers.map(k => k()),
  warmBufferPercent: r.warmBufferPercent,
  scaleOutCooldown: r.out === undefined ? undefined : Duration.seconds(r.out),
  scaleInCooldown: r.inn === undefined ? undefined : Duration.seconds(r.inn),
  maxScaleOutStep: r.step,
  schedules: r.schedules,
}));

/** One invalid change to otherwise valid policy props. */
const policyBreakers: fc.Arbitrary<(p: AutoscalingPolicyProps) => AutoscalingPolicyProps> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -1, 0.5, 2147483648).map(v => (p: AutoscalingPolicyProps) => ({ ...p, maxCapacity: v })),
  fc.constantFrom(NaN, -1, 1.5, 2147483648).map(v => (p: AutoscalingPolicyProps) => ({ ...p, minCapacity: v })),
  fc.constantFrom(NaN, 1.5, 3601, 0.001).map(v => (p: AutoscalingPolicyProps) => ({ ...p, scaleOutCooldown: Duration.seconds(v) })),
  fc.constantFrom(NaN, 2.5, 7200).map(v => (p: AutoscalingPolicyProps) => ({ ...p, scaleInCooldown: Duration.seconds(v) })),
  fc.constantFrom(NaN, -5, 91, Infinity).map(v => (p: AutoscalingPolicyProps) => ({ ...p, warmBufferPercent: v })),
  fc.constantFrom(0, 1.5, NaN, 2147483648).map(v => (p: AutoscalingPolicyProps) => ({ ...p, maxScaleInStep: v })),
  fc.constantFrom<Partial<appscaling.CronOptions>>(
    { minute: '60' }, { hour: '24' }, { day: '32' }, { day: '0' }, { month: '13' }, { weekDay: 'FUN' }, { weekDay: '1' }, { minute: 'x' },
    { day: '1', weekDay: 'MON' }, { weekDay: '?' }, { minute: '*/0' }, { hour: '9-5' }, { year: '1969' },
  ).map(bad => (p: AutoscalingPolicyProps) => ({ ...p, schedules: [{ name: 'bad', start: { minute: '0', hour: '8', ...bad }, end: { minute: '0', hour: '9' }, minCapacity: p.minCapacity ?? 1 }] })),
  fc.constantFrom('', ' ', 'Mars/Olympus', 'utc', '+01:00', 'america/new_york').map(tz => (p: AutoscalingPolicyProps) => ({
    ...p, schedules: [{ name: 'tz', start: { minute: '0' }, end: { minute: '30' }, minCapacity: p.minCapacity ?? 1, timeZone: tz }],
  })),
  // wrong types from plain JavaScript / other jsii languages
  // (null for an optional prop defaulted with ?? reads as omitted, as everywhere in the library)
  fc.constantFrom<unknown>(60, '60s', { seconds: 60 }).map(v => (p: AutoscalingPolicyProps) => ({ ...p, scaleOutCooldown: v as Duration })),
  fc.constantFrom<unknown>('cpu', 5, null, [{}]).map(v => (p: AutoscalingPolicyProps) => ({ ...p, triggers: (Array.isArray(v) ? v : [v]) as ScalingTrigger[] })),
  fc.constant((p: AutoscalingPolicyProps) => ({ ...p, schedules: 'flash-sale' as unknown as [] })),
  fc.constant((p: AutoscalingPolicyProps) => ({ ...p, minCapacity: p.maxCapacity + 1 })),
  fc.constant((p: AutoscalingPolicyProps) => ({ ...p, triggers: [] as ScalingTrigger[], minCapacity: 1, maxCapacity: 5 })),
);

const validSlo: fc.Arbitrary<ServiceLevelObjectiveProps> = fc.record({
  latencyMs: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
  percentile: fc.constantFrom(50, 90, 95, 99, 99.9),
  goal: fc.oneof(fc.integer({ min: 50, max: 99 }), fc.constantFrom(99.5, 99.9, 99.99)),
  n: fc.integer({ min: 2, max: 60 }),
  minBreaching: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  periodMinutes: fc.integer({ min: 1, max: 15 }),
  errorRate: fc.option(fc.oneof(fc.constantFrom(0, 0.1, 1, 5), fc.integer({ min: 1, max: 100 })), { nil: undefined }),
  minRequests: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  queueMinutes: fc.option(fc.integer({ min: 1, max: 1440 }), { nil: undefined }),
  windowDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
}).filter(r => r.latencyMs !== undefined || r.errorRate !== undefined || r.queueMinutes !== undefined)
  .map(r => ({
    latencyThreshold: r.latencyMs === undefined ? undefined : Duration.millis(r.latencyMs),
    latencyPercentile: r.percentile,
    goalPercent: r.goal,
    evaluationPeriods: r.n,
    minBreachingPeriods: r.minBreaching,
    period: Duration.minutes(r.periodMinutes),
    maxErrorRatePercent: r.errorRate,
    minRequestsPerPeriod: r.errorRate === undefined ? undefined : r.minRequests,
    maxTimeInQueue: r.queueMinutes === undefined ? undefined : Duration.minutes(r.queueMinutes),
    window: r.windowDays === undefined ? undefined : Duration.days(r.windowDays),
  }));

const sloBreakers: fc.Arbitrary<(p: ServiceLevelObjectiveProps) => ServiceLevelObjectiveProps> = fc.oneof(
  fc.constantFrom(NaN, 0, 0.5, -1).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, latencyThreshold: v < 0 ? Duration.millis(0) : Duration.millis(v) })),
  fc.constantFrom(NaN, 49, 100, Infinity).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, goalPercent: v })),
  fc.constantFrom(NaN, 0, 100, 120).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, latencyPercentile: v })),
  fc.constantFrom(NaN, 0, 1.5, 1441).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, evaluationPeriods: v })),
  fc.constant((p: ServiceLevelObjectiveProps) => ({ ...p, minBreachingPeriods: (p.evaluationPeriods ?? 10) + 1 })),
  fc.constantFrom(NaN, 1.5, 45, 5).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, period: Duration.seconds(v) })),
  fc.constantFrom(NaN, 0.5, 1.5).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, maxTimeInQueue: Duration.seconds(v) })),
  fc.constantFrom(NaN, -1, 101).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, maxErrorRatePercent: v })),
  fc.constantFrom(0, 2.5, NaN).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, maxErrorRatePercent: 1, minRequestsPerPeriod: v })),
  fc.constantFrom(Duration.hours(12), Duration.days(NaN), Duration.days(1.5)).map(w => (p: ServiceLevelObjectiveProps) => ({ ...p, window: w })),
  fc.constant((p: ServiceLevelObjectiveProps) => ({ ...p, period: Duration.minutes(5), evaluationPeriods: 289 })),
  fc.constant((_p: ServiceLevelObjectiveProps) => ({} as ServiceLevelObjectiveProps)),
  // wrong types from plain JavaScript / other jsii languages
  fc.constantFrom<unknown>(200, '200ms', null).map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, latencyThreshold: v as Duration })),
  fc.constantFrom<unknown>(60, '1m').map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, period: v as Duration })),
  fc.constantFrom<unknown>(28, 'P28D').map(v => (p: ServiceLevelObjectiveProps) => ({ ...p, window: v as Duration })),
);

const validRollout: fc.Arbitrary<() => Rollout> = fc.oneof(
  fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }).map(s => () => Rollout.allAtOnce({ finalBakeTime: s === undefined ? undefined : Duration.seconds(s) })),
  fc.tuple(fc.oneof(fc.integer({ min: 1, max: 99 }), fc.double({ min: 1, max: 99, noNaN: true })), fc.integer({ min: 1, max: 60 }))
    .map(([percent, m]) => () => Rollout.canary({ percent, bakeTime: Duration.minutes(m) })),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 60, max: 3600 }).map(s => s - (s % 60)))
    .map(([stepPercent, s]) => () => Rollout.linear({ stepPercent, interval: Duration.seconds(s) })),
);

const invalidRollout: fc.Arbitrary<() => Rollout> = fc.oneof(
  fc.constantFrom(NaN, 1.5, 3601, 7200).map(s => () => Rollout.allAtOnce({ finalBakeTime: Duration.seconds(s) })),
  fc.constantFrom(0, 100, NaN, -3, Infinity).map(percent => () => Rollout.canary({ percent, bakeTime: Duration.minutes(5) })),
  fc.constantFrom(NaN, 0.5, 30, 90, 3660, 1.5 * 60 + 0.5).map(s => () => Rollout.canary({ percent: 10, bakeTime: Duration.seconds(s) })),
  fc.constantFrom(0, 100, NaN).map(stepPercent => () => Rollout.linear({ stepPercent, interval: Duration.minutes(1) })),
  fc.constantFrom(NaN, 59, 61, 3601).map(s => () => Rollout.linear({ stepPercent: 10, interval: Duration.seconds(s) })),
  // wrong types from plain JavaScript / other jsii languages
  fc.constantFrom<unknown>(5, '5m', null, {}).map(v => () => Rollout.canary({ percent: 10, bakeTime: v as Duration })),
  fc.constantFrom<unknown>(600, 'PT10M').map(v => () => Rollout.allAtOnce({ finalBakeTime: v as Duration })),
  fc.constantFrom<unknown>(undefined, null, 'linear', 25).map(v => () => Rollout.linear(v as never)),
);

const dnsName = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/);
const version = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?$/).filter(v => !/^(latest|stable|current|newest)$/i.test(v) && !/(^|\.)[xX](\.|$)/.test(v));
const validArtifact = fc.record({
  name: dnsName,
  version,
  metrics: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9@]{0,10}$/), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 3 }),
});

const invalidArtifact = fc.oneof(
  fc.constantFrom('Rec_Sys', '-a', 'a'.repeat(41), '', 'UPPER').map(name => ({ name, version: '1', metrics: {} })),
  fc.constantFrom('latest', 'LATEST', 'stable', '', ' ', '1.0 beta', 'v1/2', '^1.2').map(v => ({ name: 'm', version: v, metrics: {} })),
  fc.constantFrom(NaN, Infinity, -Infinity).map(x => ({ name: 'm', version: '1', metrics: { ndcg: x } })),
);

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('AutoscalingPolicy (property-based)', () => {
  test('valid props construct, pass validateFor on both schedule formats and render scheduled actions', () => {
    fc.assert(fc.property(validPolicy, props => {
      const policy = new AutoscalingPolicy(props);
      const stack = new Stack();
      const support = { lane: 'Any', triggers: Object.values(TriggerKind), scaleToZero: true, schedules: true, stepLimits: true };
      policy.validateFor(stack, support);
      policy.validateFor(stack, { ...support, scheduleFormat: ScheduleFormat.KEDA });
      const target = new appscaling.ScalableTarget(stack, 'T', {
        serviceNamespace: appscaling.ServiceNamespace.ECS, resourceId: 'service/c/s', scalableDimension: 'ecs:service:DesiredCount',
        minCapacity: policy.minCapacity, maxCapacity: policy.maxCapacity,
      });
      addScheduledActions(target, policy);
      const t = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
      const actions = t.Properties.ScheduledActions ?? [];
      expect(actions).toHaveLength(2 * policy.schedules.length);
      for (const a of actions) { expect(a.Schedule).toMatch(/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/); }
      for (const s of policy.schedules) { expect(toStandardCron(s.start).split(' ')).toHaveLength(5); }
      for (const trig of policy.triggers) { expect(Number.isFinite(policy.effectiveTarget(trig))).toBe(true); }
    }), params);
  });

  test('one invalid change always raises LaneValidationError', () => {
    fc.assert(fc.property(validPolicy, policyBreakers, (props, breaker) => {
      expect(throwsOnlyLaneValidationError(() => new AutoscalingPolicy(breaker(props)))).toBe(true);
    }), params);
  });

  test('KEDA-only rejections (year, L, #) raise LaneValidationError in validateFor', () => {
    fc.assert(fc.property(fc.constantFrom<appscaling.CronOptions>({ minute: '0', year: '2027' }, { minute: '0', day: 'L' }, { minute: '0', weekDay: 'MON#2' }, { minute: '0', day: '15W' }), start => {
      const policy = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.cpuUtilization(50)], schedules: [{ name: 's', start, end: { minute: '30' }, minCapacity: 2 }] });
      const support = { lane: 'Any', triggers: Object.values(TriggerKind), scaleToZero: true, schedules: true, stepLimits: true, scheduleFormat: ScheduleFormat.KEDA };
      expect(throwsOnlyLaneValidationError(() => policy.validateFor(new Stack(), support))).toBe(true);
    }), { ...params, numRuns: 8 });
  });
});

describe('ServiceLevelObjective (property-based)', () => {
  const metrics = {
    laneName: 'lane',
    latency: new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency' }),
    errors: new cloudwatch.Metric({ namespace: 'N', metricName: 'Errors' }),
    requests: new cloudwatch.Metric({ namespace: 'N', metricName: 'Requests' }),
    queueAgeSeconds: new cloudwatch.Metric({ namespace: 'N', metricName: 'Age' }),
  };

  test('valid props construct and render: paging alarms M of N with M = max(minBreaching, goal term) <= N, rollback alarms 1 of 1 over the rollback window', () => {
    fc.assert(fc.property(validSlo, props => {
      const slo = new ServiceLevelObjective(props);
      const stack = new Stack(new App(), 'S');
      const r = slo.render(stack, 'Slo', metrics);
      expect(r.rollbackAlarms.length + r.pagingAlarms.length).toBe([props.latencyThreshold, props.maxErrorRatePercent, props.maxTimeInQueue].filter(x => x !== undefined).length);
      expect(slo.datapointsToAlarm).toBeLessThanOrEqual(slo.evaluationPeriods);
      expect(slo.datapointsToAlarm).toBeGreaterThanOrEqual(Math.min(slo.minBreachingPeriods, slo.evaluationPeriods));
      const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties)
        .filter((a: any) => a.MetricName !== 'BurnRate');
      for (const a of alarms) {
        const paging = a.MetricName === 'Age';
        expect([a.EvaluationPeriods, a.DatapointsToAlarm]).toEqual(paging ? [slo.evaluationPeriods, slo.datapointsToAlarm] : [1, 1]);
        if (a.MetricName === 'Latency') { expect(a.Period).toBe(slo.rollbackWindow.toSeconds()); }
      }
      if (props.maxErrorRatePercent !== undefined) {
        const rate = alarms.find((a: any) => a.Metrics);
        const max = props.maxErrorRatePercent;
        const p = Number((max / 100).toPrecision(6));
        const q = Number((max / 100 * (1 - max / 100)).toPrecision(6));
        // The one-sided test against the objective; a 0% or 100% objective keeps the plain rate over the window.
        expect(rate.Metrics[0].Expression).toBe(max > 0 && max < 100
          ? `IF(inv >= ${slo.minRequestsPerPeriod} AND err > ${p} * inv, (err - ${p} * inv) * (err - ${p} * inv) / (${q} * inv), 0)`
          : `IF(inv >= ${slo.minRequestsPerPeriod}, 100 * err / inv, 0)`);
        expect(rate.Threshold).toBe(max > 0 && max < 100 ? slo.rollbackErrorTestThreshold : max);
      }
    }), params);
  });

  test('one invalid change always raises LaneValidationError', () => {
    fc.assert(fc.property(validSlo, sloBreakers, (props, breaker) => {
      expect(throwsOnlyLaneValidationError(() => new ServiceLevelObjective(breaker(props)))).toBe(true);
    }), params);
  });
});

describe('Rollout (property-based)', () => {
  test('valid props construct and keep their values', () => {
    fc.assert(fc.property(validRollout, make => {
      const r = make();
      expect(r.finalBakeTime.toSeconds()).toBeLessThanOrEqual(3600);
      if (r.stepInterval) { expect(r.stepInterval.toSeconds() % 60).toBe(0); }
    }), params);
  });

  test('invalid props always raise LaneValidationError', () => {
    fc.assert(fc.property(invalidRollout, make => {
      expect(throwsOnlyLaneValidationError(make)).toBe(true);
    }), params);
  });
});

describe('ModelArtifact (property-based)', () => {
  test('valid identities construct and bind with a grant on exactly their object', () => {
    fc.assert(fc.property(validArtifact, ({ name, version: v, metrics }) => {
      const stack = new Stack(new App(), 'S');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
      const a = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'models'), `${name}/${v}/model.tar.gz`, { name, version: v, card: { intendedUse: 'tests', metrics } });
      const b = a.bind(stack, { grantee: role });
      expect([b.name, b.version, b.modelDataUrl]).toEqual([name, v, `s3://models/${name}/${v}/model.tar.gz`]);
      expect(JSON.parse(a.cardJson()).metrics ?? {}).toEqual(metrics);
    }), params);
  });

  test('invalid identities always raise LaneValidationError', () => {
    fc.assert(fc.property(invalidArtifact, ({ name, version: v, metrics }) => {
      const stack = new Stack();
      expect(throwsOnlyLaneValidationError(() => ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'models'), 'k', { name, version: v, card: { intendedUse: 'tests', metrics } }))).toBe(true);
    }), params);
  });
});
