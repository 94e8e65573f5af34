import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, AutoscalingPolicyProps, HardwareTarget, LaneScalingSupport, LaneValidationError, ModelArtifact, ModelPrecision, ModelWeights, Rollout,
  ScalingTrigger, ScheduledCapacity, ScheduleFormat, ServiceLevelObjective, ServiceLevelObjectiveProps, ShadowTraffic, TriggerKind,
} from '../../lib';
import { addScheduledActions } from '../../lib/core/private/scheduling';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');
const cpu = [ScalingTrigger.cpuUtilization(50)];

function policy(props: Partial<AutoscalingPolicyProps>): AutoscalingPolicy {
  return new AutoscalingPolicy({ maxCapacity: 10, triggers: cpu, ...props });
}

function schedule(s: Partial<ScheduledCapacity>): ScheduledCapacity {
  return { name: 'sale', start: { minute: '0', hour: '8' }, end: { minute: '0', hour: '20' }, minCapacity: 4, ...s };
}

describe('AutoscalingPolicy: cooldowns (one rule for every lane: whole seconds, at most 1 hour)', () => {
  test('defaults (props omitted): 60 s out, 300 s in', () => {
    const p = policy({});
    expect([p.scaleOutCooldown.toSeconds(), p.scaleInCooldown.toSeconds()]).toEqual([60, 300]);
  });

  test.each([
    ['scaleOutCooldown', Duration.seconds(0)],
    ['scaleOutCooldown', Duration.hours(1)],
    ['scaleInCooldown', Duration.seconds(3600)],
    ['scaleInCooldown', Duration.minutes(1.5)],
  ])('%s %s is accepted', (prop, d) => {
    expect(() => policy({ [prop]: d })).not.toThrow();
  });

  test.each([
    ['scaleOutCooldown', Duration.seconds(1.5), /^AutoscalingPolicy: 'scaleOutCooldown' \(1\.5 seconds\) must be a whole number of seconds.*Fix: Pass a whole number of seconds, at most 1 hour, e\.g\. Duration\.seconds\(2\)\.$/],
    ['scaleInCooldown', Duration.millis(2500), /'scaleInCooldown' \(2 seconds 500 millis\) must be a whole number of seconds/],
    ['scaleInCooldown', Duration.seconds(3601), /'scaleInCooldown' \(1 hour 1 second\) must be at most 1 hour.*Duration\.seconds\(3600\)/],
    ['scaleOutCooldown', Duration.seconds(NaN), /'scaleOutCooldown' \(NaN seconds\) is not a finite duration/],
  ])('%s %s is rejected', (prop, d, msg) => {
    expect(() => policy({ [prop]: d })).toThrow(msg);
  });
});

describe('AutoscalingPolicy: capacities fit Application Auto Scaling (32-bit)', () => {
  test('2,147,483,647 is accepted for max capacity, schedule capacity and step caps', () => {
    const p = policy({
      maxCapacity: 2147483647, maxScaleOutStep: 2147483647, maxScaleInStep: 1,
      schedules: [schedule({ minCapacity: 2147483647, maxCapacity: 2147483647 })],
    });
    expect(p.maxCapacity).toBe(2147483647);
  });

  test.each([
    [{ maxCapacity: 2147483648 }, /^AutoscalingPolicy: 'maxCapacity' \(2147483648\) must be an integer from 1 to 2147483647\. Fix: .*32-bit integers/],
    [{ minCapacity: NaN }, /'minCapacity' \(NaN\) is not a finite number/],
    [{ maxCapacity: Infinity }, /'maxCapacity' \(Infinity\) is not a finite number/],
    [{ maxScaleOutStep: 2147483648 }, /'maxScaleOutStep' \(2147483648\) must be an integer from 1 to 2147483647/],
    [{ maxCapacity: 3000000000, schedules: [schedule({ minCapacity: 2147483648 })] }, /'maxCapacity' \(3000000000\) must be an integer from 1 to 2147483647/],
    [{ schedules: [schedule({ minCapacity: 4, maxCapacity: 2147483648 })] }, /'schedules\[0\]\.maxCapacity' \(2147483648\) must be an integer from 1 to 2147483647/],
  ])('%j is rejected', (props, msg) => {
    expect(() => policy(props)).toThrow(msg);
  });
});

describe('AutoscalingPolicy: schedules (cron fields, week-day names, IANA time zones)', () => {
  test.each([
    [{ start: { minute: '60' } }, /^AutoscalingPolicy: 'schedules\[0\]\.start\.minute' \("60"\) has 60, which is out of range; minute takes 0-59/],
    [{ start: { minute: '0', hour: '25' } }, /'schedules\[0\]\.start\.hour' \("25"\) has 25, which is out of range; hour takes 0-23/],
    [{ end: { minute: '0', day: '32' } }, /'schedules\[0\]\.end\.day' \("32"\) has 32, which is out of range; day-of-month takes 1-31/],
    [{ end: { minute: '0', month: '13' } }, /'schedules\[0\]\.end\.month' \("13"\) has 13, which is out of range/],
    [{ start: { minute: '0', weekDay: 'FUN' } }, /'schedules\[0\]\.start\.weekDay' \("FUN"\) has 'FUN', which is not a number or a known name/],
    [{ start: { minute: 'x' } }, /'schedules\[0\]\.start\.minute' \("x"\) has 'x', which is not a number/],
    [{ start: { minute: '0', weekDay: '2-6' } }, /'schedules\[0\]\.start\.weekDay' \("2-6"\) uses day numbers, which mean different days on Application Auto Scaling \(1 = SUN\) and KEDA \(0 = SUN\)\. Fix: Write week days as names/],
    [{ start: { minute: '0', day: '1', weekDay: 'MON' } }, /'schedules\[0\]\.start\.weekDay' \("MON"\) is set together with day \("1"\).*Fix: Drop day or weekDay\./],
    [{ timeZone: '' }, /'schedules\[0\]\.timeZone' \(""\) is empty: an empty time zone would be dropped and the schedule would run in UTC/],
    [{ timeZone: 'Mars/Olympus' }, /'schedules\[0\]\.timeZone' \("Mars\/Olympus"\) is not an IANA time-zone name/],
    [{ timeZone: 'europe/berlin' }, /Did you mean 'Europe\/Berlin'\?/],
  ])('%j is rejected', (s, msg) => {
    expect(() => policy({ schedules: [schedule(s as Partial<ScheduledCapacity>)] })).toThrow(msg);
  });

  test('accepted edges render unchanged into the scheduled actions', () => {
    // GIVEN the largest minute/hour/day/month values and a time-zone link
    const p = policy({
      schedules: [schedule({ start: { minute: '59', hour: '23', day: '31', month: '12' }, end: { minute: '0', hour: '0', weekDay: 'SAT,SUN' }, timeZone: 'US/Eastern' })],
    });
    const stack = new Stack();
    const target = new appscaling.ScalableTarget(stack, 'T', {
      serviceNamespace: appscaling.ServiceNamespace.ECS, resourceId: 'service/c/s', scalableDimension: 'ecs:service:DesiredCount', minCapacity: 1, maxCapacity: 10,
    });
    // WHEN
    addScheduledActions(target, p);
    // THEN
    const t = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    expect(t.Properties.ScheduledActions.map((a: any) => [a.Schedule, a.Timezone])).toEqual([
      ['cron(59 23 31 12 ? *)', 'US/Eastern'],
      ['cron(0 0 ? * SAT,SUN *)', 'US/Eastern'],
    ]);
  });

  test('a token capacity needs an explicit schedule maxCapacity (no default computed from an unknown value)', () => {
    const max = new CfnParameter(new Stack(), 'Max', { type: 'Number' }).valueAsNumber;
    expect(() => policy({ maxCapacity: max, schedules: [schedule({})] }))
      .toThrow(/'schedules\[0\]\.maxCapacity' cannot default to the larger of the policy maxCapacity and the schedule minCapacity: one of them is a token.*Fix: Pass the schedule maxCapacity explicitly\./);
    expect(() => policy({ maxCapacity: max, schedules: [schedule({ maxCapacity: 20 })] })).not.toThrow();
  });

  describe('validateFor checks schedules the way the lane parses them', () => {
    const scope = new Construct(new Stack(new App(), 'S'), 'Lane');
    const support = (scheduleFormat?: ScheduleFormat): LaneScalingSupport => ({
      lane: 'TestLane', triggers: [TriggerKind.CPU_UTILIZATION], scaleToZero: false, schedules: true, stepLimits: true, scheduleFormat,
    });

    test('KEDA: a year cannot be rendered; Application Auto Scaling (the default) renders it', () => {
      const p = policy({ schedules: [schedule({ start: { minute: '0', hour: '8', day: '27', month: 'NOV', year: '2027' } })] });
      expect(() => p.validateFor(scope, support())).not.toThrow();
      expect(() => p.validateFor(scope, support(ScheduleFormat.APPLICATION_AUTO_SCALING))).not.toThrow();
      expect(() => p.validateFor(scope, support(ScheduleFormat.KEDA)))
        .toThrow(/^S\/Lane: 'autoscaling\.schedules\[0\]\.start\.year' \("2027"\) cannot be rendered: KEDA's cron scaler, 5-field cron has no year\. Fix: Drop the year/);
    });

    test("KEDA: 'L', 'W' and '#' are Application Auto Scaling only", () => {
      const last = policy({ schedules: [schedule({ start: { minute: '0', hour: '8', day: 'L' } })] });
      expect(() => last.validateFor(scope, support())).not.toThrow();
      expect(() => last.validateFor(scope, support(ScheduleFormat.KEDA))).toThrow(/'autoscaling\.schedules\[0\]\.start\.day' \("L"\) has 'L', which is not a number/);
      const nth = policy({ schedules: [schedule({ end: { minute: '0', hour: '8', weekDay: 'MON#2' } })] });
      expect(() => nth.validateFor(scope, support(ScheduleFormat.KEDA))).toThrow(/'autoscaling\.schedules\[0\]\.end\.weekDay' \("MON#2"\)/);
    });

    test('KEDA: a day and a month together are accepted (standard cron)', () => {
      const p = policy({ schedules: [schedule({ start: { minute: '0', hour: '8', day: '1', month: '6' } })] });
      expect(() => p.validateFor(scope, support(ScheduleFormat.KEDA))).not.toThrow();
    });
  });
});

describe('AutoscalingPolicy: tokens', () => {
  test('a token target passes through unchanged without a warm buffer, and cannot take a buffer', () => {
    const target = new CfnParameter(new Stack(), 'T', { type: 'Number' }).valueAsNumber;
    const trigger = ScalingTrigger.inFlightPerInstance(target);
    expect(policy({ triggers: [trigger] }).effectiveTarget(trigger)).toBe(target);
    expect(() => policy({ triggers: [trigger], warmBufferPercent: 20 }).effectiveTarget(trigger))
      .toThrow(/^AutoscalingPolicy: 'warmBufferPercent' \(20\) cannot be applied to inFlightPerInstance\(.*\): the target or the buffer is a token/);
    expect(policy({ triggers: [ScalingTrigger.inFlightPerInstance(10)], warmBufferPercent: 20 }).effectiveTarget(ScalingTrigger.inFlightPerInstance(10))).toBe(8);
  });

  test('ScalingTrigger.timeInQueue: NaN is rejected, 1 second is the accepted edge', () => {
    expect(() => ScalingTrigger.timeInQueue(Duration.seconds(NaN))).toThrow(/^ScalingTrigger\.timeInQueue: 'maxAge' \(NaN seconds\) is not a finite duration/);
    expect(ScalingTrigger.timeInQueue(Duration.seconds(1)).target).toBe(1);
    expect(() => ScalingTrigger.timeInQueue(Duration.millis(999))).toThrow(/'maxAge' \(999 millis\) must be at least 1 second/);
  });
});

describe('ServiceLevelObjective: durations and alarm windows', () => {
  const lat = { latencyThreshold: Duration.millis(200) };

  test.each([
    [{ latencyThreshold: Duration.millis(0.5) }, /^ServiceLevelObjective: 'latencyThreshold' \(0\.5 millis\) must be a whole number of milliseconds/],
    [{ latencyThreshold: Duration.millis(NaN) }, /'latencyThreshold' \(NaN millis\) is not a finite duration/],
    [{ latencyThreshold: Duration.seconds(0.2505) }, /'latencyThreshold' \(0\.2505 seconds\) must be a whole number of milliseconds/],
    [{ ...lat, period: Duration.seconds(NaN) }, /'period' \(NaN seconds\) is not a finite duration/],
    [{ ...lat, period: Duration.seconds(1.5) }, /'period' \(1\.5 seconds\) must be a whole number of seconds/],
    [{ ...lat, period: Duration.minutes(1.5) }, /'period' \(1\.5 minutes\) is not a CloudWatch alarm period\. Fix: Pass 10 s, 30 s or a whole number of minutes\./],
    [{ ...lat, period: Duration.minutes(5), evaluationPeriods: 289 }, /'evaluationPeriods' \(289\) × period \(5 minutes\) spans 86700 s; a CloudWatch alarm looks back at most 1 day \(periods under 1 hour\)\. Fix: Pass evaluationPeriods of at most 288/],
    [{ ...lat, period: Duration.hours(1), evaluationPeriods: 169, applicationSignals: false }, /'evaluationPeriods' \(169\) × period \(1 hour\) spans 608400 s; a CloudWatch alarm looks back at most 7 days/],
    [{ maxTimeInQueue: Duration.seconds(1.5) }, /'maxTimeInQueue' \(1\.5 seconds\) must be a whole number of seconds/],
    [{ maxTimeInQueue: Duration.millis(0) }, /'maxTimeInQueue' \(0 millis\) must be at least 1 second/],
    [{ ...lat, window: Duration.days(NaN) }, /'window' \(NaN days\) is not a finite duration/],
    [{ ...lat, applicationSignals: 'yes' as unknown as boolean }, /'applicationSignals' \("yes"\) is not one of true, false/],
  ])('%j is rejected', (props, msg) => {
    expect(() => new ServiceLevelObjective(props as ServiceLevelObjectiveProps)).toThrow(msg);
  });

  const age = { maxTimeInQueue: Duration.minutes(10) };
  test.each([
    [{ ...age, period: Duration.seconds(10), applicationSignals: false }],
    [{ ...age, period: Duration.minutes(1), evaluationPeriods: 1440 }],
    [{ ...age, period: Duration.minutes(5), evaluationPeriods: 288 }],
    [{ ...age, period: Duration.hours(1), evaluationPeriods: 168, applicationSignals: false }],
    [{ maxTimeInQueue: Duration.seconds(1) }],
    [{ latencyThreshold: Duration.millis(1) }],
    [{ ...lat, rollbackWindow: Duration.minutes(60) }],
  ])('accepted edge %j renders unchanged (the paging alarm on period × evaluationPeriods, the rollback alarm on the rollback window)', props => {
    const stack = new Stack(new App(), 'S');
    const slo = new ServiceLevelObjective(props as ServiceLevelObjectiveProps);
    slo.render(stack, 'Slo', {
      laneName: 'lane',
      latency: new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency' }),
      queueAgeSeconds: new cloudwatch.Metric({ namespace: 'N', metricName: 'Age' }),
    });
    const alarm = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
      .map((a: any) => a.Properties).find((a: any) => a.MetricName === 'Latency' || a.MetricName === 'Age');
    const paging = alarm.MetricName === 'Age';
    expect(alarm.Period).toBe(paging ? slo.period.toSeconds() : slo.rollbackWindow.toSeconds());
    expect(alarm.EvaluationPeriods).toBe(paging ? slo.evaluationPeriods : 1);
    expect(alarm.Threshold).toBe(paging ? slo.maxTimeInQueue!.toSeconds() : slo.latencyThreshold!.toMilliseconds());
  });
});

describe('Rollout: bake times and intervals', () => {
  test.each([
    [() => Rollout.canary({ percent: 10, bakeTime: Duration.minutes(NaN) }), /^Rollout\.canary: 'bakeTime' \(NaN minutes\) is not a finite duration/],
    [() => Rollout.canary({ percent: 10, bakeTime: Duration.millis(1500) }), /'bakeTime' \(1 second 500 millis\) must be between 1 minute and 1 hour\. Fix: Pass e\.g\. Duration\.minutes\(5\)\. Rollout steps are whole minutes, up to an hour, in every lane\./],
    [() => Rollout.linear({ stepPercent: 10, interval: Duration.millis(90500) }), /^Rollout\.linear: 'interval' \(90\.5 seconds\) must be a whole number of minutes\. Fix: Pass Duration\.minutes\(2\)\./],
    [() => Rollout.linear({ stepPercent: 10, interval: Duration.seconds(3660) }), /'interval' \(1 hour 1 minute\) must be between 1 minute and 1 hour/],
    [() => Rollout.allAtOnce({ finalBakeTime: Duration.seconds(1.5) }), /^Rollout\.ALL_AT_ONCE: 'finalBakeTime' \(1\.5 seconds\) must be a whole number of seconds/],
    [() => Rollout.allAtOnce({ finalBakeTime: Duration.seconds(NaN) }), /'finalBakeTime' \(NaN seconds\) is not a finite duration/],
    [() => Rollout.allAtOnce({ finalBakeTime: Duration.seconds(3601) }), /'finalBakeTime' \(1 hour 1 second\) must be at most 1 hour/],
    [() => Rollout.allAtOnce({ autoRollback: 'no' as unknown as boolean }), /'autoRollback' \("no"\) is not one of true, false/],
  ])('rejects %#', (fn, msg) => {
    expect(fn).toThrow(msg);
  });

  test('no message names CodeDeploy or SageMaker (the contract is shared by every lane)', () => {
    expect(() => Rollout.canary({ percent: 10, bakeTime: Duration.seconds(30) })).not.toThrow(/CodeDeploy|SageMaker/);
    expect(() => Rollout.canary({ percent: 10, bakeTime: Duration.seconds(30) })).toThrow(LaneValidationError);
  });

  test('accepted edges: 1 minute and 1 hour steps, a 1-hour final bake, a 0 final bake', () => {
    expect(Rollout.canary({ percent: 1, bakeTime: Duration.minutes(1) }).stepInterval!.toMinutes()).toBe(1);
    expect(Rollout.linear({ stepPercent: 99, interval: Duration.hours(1) }).stepInterval!.toMinutes()).toBe(60);
    expect(Rollout.allAtOnce({ finalBakeTime: Duration.hours(1) }).finalBakeTime.toSeconds()).toBe(3600);
    expect(Rollout.allAtOnce({ finalBakeTime: Duration.seconds(0) }).finalBakeTime.toSeconds()).toBe(0);
  });
});

describe('ModelArtifact: pinned versions, finite card metrics, enum-like values', () => {
  test.each(['latest', 'LATEST', 'stable'])('version %s is rejected: a rollback needs a fixed version', version => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version }))
      .toThrow(new RegExp(`^ModelArtifact\\(m\\): 'version' \\("${version}"\\) is a moving tag, not a version: a rollback could not return to the same bits\\. Fix: Pin the model's exact version`));
  });

  test('a version that merely contains "latest" is a real version', () => {
    expect(ModelArtifact.fromAsset(FP32, { name: 'm', version: 'latest-2026-11-28' }).version).toBe('latest-2026-11-28');
  });

  test.each([
    [NaN, /^ModelArtifact\(m\): 'card\.metrics\['ndcg@10'\]' \(NaN\) is not a finite number\. Fix: Pass the measured value as a finite number, or leave the metric out\./],
    [Infinity, /'card\.metrics\['ndcg@10'\]' \(Infinity\) is not a finite number/],
    ['0.4' as unknown as number, /'card\.metrics\['ndcg@10'\]' \("0\.4"\) is not a finite number/],
  ])('card metric %p is rejected', (value, msg) => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', card: { intendedUse: 'ranking', metrics: { 'ndcg@10': value } } })).toThrow(msg);
  });

  test('finite card metrics (0 and negatives included) are rendered unchanged in the card JSON', () => {
    const a = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', card: { intendedUse: 'ranking', metrics: { 'ndcg@10': 0, 'delta': -0.5 } } });
    expect(JSON.parse(a.cardJson()).metrics).toEqual({ 'ndcg@10': 0, 'delta': -0.5 });
  });

  test('an empty intended use is rejected', () => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', card: { intendedUse: ' ' } }))
      .toThrow(/'card\.intendedUse' \(" "\) must not be empty\. Fix: Say what the model is meant to be used for\./);
  });

  test('unknown hardware targets and precisions from plain JavaScript are rejected with the list', () => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', targets: ['gpu' as HardwareTarget] }))
      .toThrow(/'targets\[0\]' \("gpu"\) is not one of 'cpu-x86_64'/);
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', precision: 'fp64' as ModelPrecision }))
      .toThrow(/'precision' \("fp64"\) is not one of/);
  });
});

describe('boundary rows: the accepted edge and the first rejected value', () => {
  const ok = (fn: () => unknown) => expect(fn).not.toThrow();
  test.each([
    ['warmBufferPercent', () => policy({ warmBufferPercent: 0 }), () => policy({ warmBufferPercent: -0.01 }), /'warmBufferPercent' \(-0\.01\) must be between 0 and 90/],
    ['warmBufferPercent', () => policy({ warmBufferPercent: 90 }), () => policy({ warmBufferPercent: 90.01 }), /'warmBufferPercent' \(90\.01\) must be between 0 and 90/],
    ['cpuUtilization', () => ScalingTrigger.cpuUtilization(1), () => ScalingTrigger.cpuUtilization(0.99), /'targetPercent' \(0\.99\) must be between 1 and 100/],
    ['cpuUtilization', () => ScalingTrigger.cpuUtilization(100), () => ScalingTrigger.cpuUtilization(100.01), /'targetPercent' \(100\.01\) must be between 1 and 100/],
    ['schedule name', () => policy({ schedules: [schedule({ name: 'a'.repeat(40) })] }), () => policy({ schedules: [schedule({ name: 'a'.repeat(41) })] }), /'schedules\[0\]\.name' \("a{41}"\) is not DNS-safe/],
    ['canary percent', () => Rollout.canary({ percent: 99, bakeTime: Duration.minutes(5) }), () => Rollout.canary({ percent: 99.01, bakeTime: Duration.minutes(5) }), /'percent' \(99\.01\) must be between 1 and 99/],
    ['canary percent', () => Rollout.canary({ percent: 1, bakeTime: Duration.minutes(5) }), () => Rollout.canary({ percent: 0.99, bakeTime: Duration.minutes(5) }), /'percent' \(0\.99\) must be between 1 and 99/],
    ['linear step', () => Rollout.linear({ stepPercent: 99, interval: Duration.minutes(1) }), () => Rollout.linear({ stepPercent: 100, interval: Duration.minutes(1) }), /'stepPercent' \(100\) must be between 1 and 99/],
    ['goalPercent', () => new ServiceLevelObjective({ ...{ latencyThreshold: Duration.millis(1) }, goalPercent: 50 }), () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), goalPercent: 49.99 }), /'goalPercent' \(49\.99\) must be between 50 and 99\.99/],
    ['goalPercent', () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), goalPercent: 99.99 }), () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), goalPercent: 100 }), /'goalPercent' \(100\) must be between 50 and 99\.99/],
    ['latencyPercentile', () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), latencyPercentile: 0.1 }), () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), latencyPercentile: 0.09 }), /'latencyPercentile' \(0\.09\) must be between 0\.1 and 99\.99/],
    ['maxErrorRatePercent', () => new ServiceLevelObjective({ maxErrorRatePercent: 100 }), () => new ServiceLevelObjective({ maxErrorRatePercent: 100.1 }), /'maxErrorRatePercent' \(100\.1\) must be between 0 and 100/],
    ['maxErrorRatePercent', () => new ServiceLevelObjective({ maxErrorRatePercent: 0 }), () => new ServiceLevelObjective({ maxErrorRatePercent: -0.1 }), /'maxErrorRatePercent' \(-0\.1\) must be between 0 and 100/],
    ['evaluationPeriods', () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), evaluationPeriods: 1440 }), () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), evaluationPeriods: 1441 }), /'evaluationPeriods' \(1441\) must be an integer from 1 to 1440/],
    ['window', () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), window: Duration.days(1) }), () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(1), window: Duration.hours(23) }), /'window' \(23 hours\) must be a whole number of days \(at least 1\)/],
  ])('%s', (_name, accepted, rejected, msg) => {
    ok(accepted);
    expect(rejected).toThrow(msg);
  });
});

describe('documented defaults (props omitted)', () => {
  test('ServiceLevelObjective', () => {
    const slo = new ServiceLevelObjective({ latencyThreshold: Duration.millis(200) });
    expect([slo.latencyPercentile, slo.goalPercent, slo.evaluationPeriods, slo.minBreachingPeriods, slo.period.toSeconds(), slo.window.toDays(), slo.applicationSignals, slo.minRequestsPerPeriod])
      .toEqual([95, 99, 10, 2, 60, 28, true, undefined]);
  });
  test('Rollout', () => {
    const r = Rollout.allAtOnce();
    expect([r.autoRollback, r.finalBakeTime.toMinutes(), r.finalBakeTimeExplicit, r.alarms]).toEqual([true, 10, false, []]);
  });
  test('ModelArtifact', () => {
    const a = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1' });
    expect([a.framework, a.targets, a.precision, a.card]).toEqual(['unknown', [HardwareTarget.CPU_X86_64], ModelPrecision.FP32, undefined]);
  });
  test('AutoscalingPolicy', () => {
    const p = new AutoscalingPolicy({ maxCapacity: 3, triggers: cpu });
    expect([p.minCapacity, p.warmBufferPercent, p.scaleToZero, p.maxScaleOutStep, p.maxScaleInStep, p.schedules]).toEqual([1, 0, false, undefined, undefined, []]);
    expect(new AutoscalingPolicy({ maxCapacity: 3, triggers: cpu, scaleToZero: true }).minCapacity).toBe(0);
  });
});

describe('tokens: no value is computed from an unknown', () => {
  test.each(['evaluationPeriods', 'goalPercent', 'minBreachingPeriods'])('a token %s is rejected (DatapointsToAlarm is computed at synth)', prop => {
    const token = new CfnParameter(new Stack(), 'P', { type: 'Number' }).valueAsNumber;
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), [prop]: token }))
      .toThrow(new RegExp(`^ServiceLevelObjective: '${prop}' \\(<token>\\) cannot be a token: the alarms' DatapointsToAlarm is computed from it at synth\\. Fix: Pass a concrete ${prop}\\.$`));
  });

  test('a token latency percentile is rejected (it names the statistic)', () => {
    const token = new CfnParameter(new Stack(), 'P', { type: 'Number' }).valueAsNumber;
    expect(() => ServiceLevelObjective.latency(token, Duration.millis(200)))
      .toThrow(/^ServiceLevelObjective: 'latencyPercentile' \(<token>\) cannot be a token: it names the CloudWatch statistic \(p95\) at synth/);
  });

  test('token thresholds render as references', () => {
    const stack = new Stack(new App(), 'S');
    const ms = new CfnParameter(stack, 'Ms', { type: 'Number' }).valueAsNumber;
    new ServiceLevelObjective({ latencyThreshold: Duration.millis(ms), applicationSignals: false })
      .render(stack, 'Slo', { laneName: 'l', latency: new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: { Ref: 'Ms' } });
  });
});

describe('tokens: a token Rollout percent has no step count', () => {
  test('linearStepCount is undefined for a token step percent; the percent itself stays the token', () => {
    const stack = new Stack(new App(), 'S');
    const step = new CfnParameter(stack, 'Step', { type: 'Number' }).valueAsNumber;
    const r = Rollout.linear({ stepPercent: step, interval: Duration.minutes(5) });
    expect(r.linearStepCount).toBeUndefined();
    expect(stack.resolve(r.percent)).toEqual({ Ref: 'Step' });
    expect(r.toString()).toBe('LINEAR <token>% / 5 minutes');
  });

  test('the deprecated linearSteps throws a LaneValidationError naming the prop instead of a number from the placeholder', () => {
    const step = new CfnParameter(new Stack(), 'Step', { type: 'Number' }).valueAsNumber;
    const r = Rollout.linear({ stepPercent: step, interval: Duration.minutes(5) });
    expect(() => r.linearSteps).toThrow(LaneValidationError);
    expect(() => r.linearSteps).toThrow(/^Rollout\.LINEAR: 'stepPercent' \(<token>\) is a token \(unknown until deploy\), so the number of linear steps is unknown\. Fix: Pass a number, or read linearStepCount/);
  });

  test('a token canary percent: one shift, known (the count does not depend on the percent)', () => {
    const pct = new CfnParameter(new Stack(), 'Pct', { type: 'Number' }).valueAsNumber;
    const r = Rollout.canary({ percent: pct, bakeTime: Duration.minutes(5) });
    expect(r.linearStepCount).toBe(1);
    expect(r.linearSteps).toBe(1);
    expect(r.toString()).toBe('CANARY <token>% / 5 minutes');
  });

  test.each([
    // [stepPercent, shifts]: the edges of the accepted range and a non-divisor
    [1, 100], [30, 4], [33, 4], [34, 3], [50, 2], [99, 2],
  ])('concrete step %d%%: %d shifts (linearStepCount and linearSteps agree)', (step, count) => {
    const r = Rollout.linear({ stepPercent: step, interval: Duration.minutes(1) });
    expect(r.linearStepCount).toBe(count);
    expect(r.linearSteps).toBe(count);
  });

  test('all-at-once: one shift', () => {
    expect(Rollout.allAtOnce().linearStepCount).toBe(1);
  });
});

describe('objects from plain JavaScript', () => {
  test('ModelArtifact weights and ShadowTraffic candidates must be the library\'s classes', () => {
    expect(() => new ModelArtifact({ name: 'm', version: '1', weights: 's3://bucket/key' as never }))
      .toThrow(/^ModelArtifact\(m\): 'weights' \("s3:\/\/bucket\/key"\) is not ModelWeights\. Fix: Pass ModelWeights\.fromAsset/);
    expect(() => ShadowTraffic.mirror('candidate-v2' as never, 10))
      .toThrow(/^ShadowTraffic: 'candidate' \("candidate-v2"\) is not a ModelArtifact/);
  });
});

describe('durations from plain JavaScript and other jsii languages (a number or string where a Duration belongs)', () => {
  test.each([
    ['Rollout.canary bakeTime', () => Rollout.canary({ percent: 10, bakeTime: 5 as never }),
      /^Rollout\.canary: 'bakeTime' \(5\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not a number, e\.g\. Duration\.minutes\(5\)\.$/],
    ['Rollout.linear interval', () => Rollout.linear({ stepPercent: 10, interval: '5m' as never }),
      /^Rollout\.linear: 'interval' \("5m"\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not a string/],
    ['Rollout.canary bakeTime null', () => Rollout.canary({ percent: 10, bakeTime: null as never }),
      /^Rollout\.canary: 'bakeTime' \(null\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not null/],
    ['Rollout finalBakeTime', () => Rollout.allAtOnce({ finalBakeTime: 600 as never }),
      /^Rollout\.ALL_AT_ONCE: 'finalBakeTime' \(600\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not a number, e\.g\. Duration\.seconds\(600\)\.$/],
    ['ScalingTrigger.timeInQueue maxAge', () => ScalingTrigger.timeInQueue(300 as never),
      /^ScalingTrigger\.timeInQueue: 'maxAge' \(300\) is not a Duration\. Fix: .*Duration\.seconds\(300\)/],
    ['ScalingTrigger.timeInQueue maxAge missing', () => ScalingTrigger.timeInQueue(undefined as never),
      /^ScalingTrigger\.timeInQueue: 'maxAge' is required/],
    ['AutoscalingPolicy scaleOutCooldown', () => policy({ scaleOutCooldown: 60 as never }),
      /^AutoscalingPolicy: 'scaleOutCooldown' \(60\) is not a Duration/],
    ['AutoscalingPolicy scaleInCooldown', () => policy({ scaleInCooldown: { seconds: 60 } as never }),
      /^AutoscalingPolicy: 'scaleInCooldown' \(\{"seconds":60\}\) is not a Duration\. Fix: Pass an aws-cdk-lib Duration, not an object/],
    ['SLO latencyThreshold', () => new ServiceLevelObjective({ latencyThreshold: 200 as never }),
      /^ServiceLevelObjective: 'latencyThreshold' \(200\) is not a Duration\. Fix: .*Duration\.millis\(200\)/],
    ['SLO maxTimeInQueue', () => new ServiceLevelObjective({ maxTimeInQueue: '30m' as never }),
      /^ServiceLevelObjective: 'maxTimeInQueue' \("30m"\) is not a Duration/],
    ['SLO period', () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), period: 60 as never }),
      /^ServiceLevelObjective: 'period' \(60\) is not a Duration/],
    ['SLO window', () => new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), window: 28 as never }),
      /^ServiceLevelObjective: 'window' \(28\) is not a Duration/],
  ])('%s: a LaneValidationError, not a TypeError', (_name, fn, msg) => {
    expect(fn).toThrow(LaneValidationError);
    expect(fn).toThrow(msg);
  });

  test('triggers and schedules that are not the contract\'s shapes are LaneValidationErrors', () => {
    expect(() => policy({ triggers: ['cpu'] as never })).toThrow(/^AutoscalingPolicy: 'triggers\[0\]' \("cpu"\) is not a ScalingTrigger\. Fix: Build triggers with the ScalingTrigger factories/);
    expect(() => policy({ triggers: ScalingTrigger.cpuUtilization(50) as never })).toThrow(/^AutoscalingPolicy: 'triggers' \(cpuUtilization\(50\)\) is not a list of ScalingTrigger/);
    expect(() => policy({ schedules: [null as never] })).toThrow(/^AutoscalingPolicy: 'schedules\[0\]' \(null\) is not a scheduled capacity/);
    expect(() => policy({ schedules: schedule({}) as never })).toThrow(/^AutoscalingPolicy: 'schedules' .* is not a list of scheduled capacities/);
    expect(() => policy({ schedules: [schedule({ name: 7 as never })] })).toThrow(/^AutoscalingPolicy: 'schedules\[0\]\.name' \(7\) is not a string/);
  });
});

describe('props of the contracts from plain JavaScript (missing, null, wrong type): LaneValidationError, never a TypeError', () => {
  const weights = ModelWeights.fromAsset(FP32);
  test.each([
    ['AutoscalingPolicy(undefined)', () => new AutoscalingPolicy(undefined as never), /^AutoscalingPolicy: 'props' is required\. Fix: Pass \{ maxCapacity, triggers \}/],
    ['ServiceLevelObjective(null)', () => new ServiceLevelObjective(null as never), /^ServiceLevelObjective: 'props' \(null\) is not a props object/],
    ['Rollout.canary()', () => Rollout.canary(undefined as never), /^Rollout\.canary: 'props' is required\. Fix: Pass \{ percent, bakeTime \}/],
    ['Rollout.linear("25%")', () => Rollout.linear('25%' as never), /^Rollout\.linear: 'props' \("25%"\) is not a props object/],
    ['Rollout.allAtOnce(null)', () => Rollout.allAtOnce(null as never), /^Rollout\.allAtOnce: 'options' \(null\) is not a props object/],
    ['Rollout alarms not a list', () => Rollout.allAtOnce({ alarms: 'arn:aws:cloudwatch:us-east-1:1:alarm:x' as never }), /^Rollout\.ALL_AT_ONCE: 'alarms' \("arn:aws:cloudwatch:us-east-1:1:alarm:x"\) is not a list/],
    ['Rollout alarm not an alarm', () => Rollout.allAtOnce({ alarms: ['x' as never] }), /^Rollout\.ALL_AT_ONCE: 'alarms\[0\]' \("x"\) is not a CloudWatch alarm/],
    ['ShadowTraffic(undefined)', () => new ShadowTraffic(undefined as never), /^ShadowTraffic: 'props' is required/],
    ['ModelArtifact(undefined)', () => new ModelArtifact(undefined as never), /^ModelArtifact: 'props' is required\. Fix: Pass \{ name, version, weights \}/],
    ['ModelArtifact name a number', () => new ModelArtifact({ name: 7 as never, version: '1', weights }), /^ModelArtifact\(7\): 'name' \(7\) is not a string/],
    ['ModelArtifact version a number', () => new ModelArtifact({ name: 'm', version: 1.4 as never, weights }), /^ModelArtifact\(m\): 'version' \(1\.4\) is not a string\. Fix: Pass the version as text, e\.g\. '1\.4'\./],
    ['ModelArtifact image not a ServingImage', () => new ModelArtifact({ name: 'm', version: '1', weights, image: 'nvcr.io/x:1' as never }), /^ModelArtifact\(m\): 'image' \("nvcr\.io\/x:1"\) is not a ServingImage/],
    ['ModelArtifact variants not a list', () => new ModelArtifact({ name: 'm', version: '1', weights, variants: { target: HardwareTarget.EDGE_ARM64, weights } as never }), /^ModelArtifact\(m\): 'variants' .* is not a list/],
    ['ModelArtifact variant null', () => new ModelArtifact({ name: 'm', version: '1', weights, variants: [null as never] }), /^ModelArtifact\(m\): 'variants\[0\]' \(null\) is not a props object/],
    ['ModelArtifact targets a string', () => new ModelArtifact({ name: 'm', version: '1', weights, targets: 'cpu-x86_64' as never }), /^ModelArtifact\(m\): 'targets' \("cpu-x86_64"\) is not a list/],
  ])('%s', (_name, fn, msg) => {
    expect(fn).toThrow(LaneValidationError);
    expect(fn).toThrow(msg);
  });

  test('valid props still construct (a real alarm, an empty alarm list, no options)', () => {
    const stack = new Stack();
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'A', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors');
    expect(Rollout.allAtOnce({ alarms: [alarm] }).alarms).toEqual([alarm]);
    expect(Rollout.allAtOnce({ alarms: [] }).alarms).toEqual([]);
    expect(Rollout.allAtOnce().alarms).toEqual([]);
  });
});
