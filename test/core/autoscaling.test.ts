import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { AutoscalingPolicy, LaneValidationError, ScalingTrigger, TriggerKind } from '../../lib';
import { addScheduledActions, toStandardCron } from '../../lib/core/private/scheduling';

describe('ScalingTrigger factories', () => {
  test.each([
    [ScalingTrigger.requestsPerInstance(50), TriggerKind.REQUESTS_PER_INSTANCE, 50],
    [ScalingTrigger.inFlightPerInstance(8), TriggerKind.IN_FLIGHT_PER_INSTANCE, 8],
    [ScalingTrigger.cpuUtilization(60), TriggerKind.CPU_UTILIZATION, 60],
    [ScalingTrigger.gpuUtilization(70), TriggerKind.GPU_UTILIZATION, 70],
    [ScalingTrigger.queueBacklogPerInstance(10), TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, 10],
    [ScalingTrigger.timeInQueue(Duration.minutes(5)), TriggerKind.TIME_IN_QUEUE, 300],
  ])('%s', (trigger, kind, target) => {
    expect(trigger.kind).toBe(kind);
    expect(trigger.target).toBe(target);
  });

  test('rejections name the factory, the value and the fix', () => {
    expect(() => ScalingTrigger.requestsPerInstance(0)).toThrow(/ScalingTrigger.requestsPerInstance: 'requestsPerSecond' \(0\) must be greater than 0/);
    expect(() => ScalingTrigger.inFlightPerInstance(-2)).toThrow(/'concurrentRequests' \(-2\) must be greater than 0/);
    expect(() => ScalingTrigger.cpuUtilization(120)).toThrow(/ScalingTrigger.cpuUtilization: 'targetPercent' \(120\) must be between 1 and 100/);
    expect(() => ScalingTrigger.gpuUtilization(0)).toThrow(/'targetPercent' \(0\) must be between 1 and 100/);
    expect(() => ScalingTrigger.queueBacklogPerInstance(0)).toThrow(/'jobsPerInstance' \(0\) must be greater than 0/);
    expect(() => ScalingTrigger.timeInQueue(Duration.millis(10))).toThrow(/'maxAge' \(10 millis\) must be at least 1 second/);
  });
});

describe('AutoscalingPolicy', () => {
  test('defaults', () => {
    const p = new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(8)] });
    expect(p.minCapacity).toBe(1);
    expect(p.scaleOutCooldown.toSeconds()).toBe(60);
    expect(p.scaleInCooldown.toSeconds()).toBe(300);
    expect(p.warmBufferPercent).toBe(0);
    expect(p.scaleToZero).toBe(false);
  });

  test('warm buffer lowers the tracked target', () => {
    const t = ScalingTrigger.inFlightPerInstance(8);
    const p = new AutoscalingPolicy({ maxCapacity: 4, triggers: [t], warmBufferPercent: 25 });
    expect(p.effectiveTarget(t)).toBe(6);
  });

  test('fixed fleet needs no trigger; min 0 needs scaleToZero', () => {
    const p = AutoscalingPolicy.fixed(3);
    expect(p.isFixed).toBe(true);
    expect(p.minCapacity).toBe(3);
    const z = new AutoscalingPolicy({ maxCapacity: 5, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] });
    expect(z.minCapacity).toBe(0);
  });

  test.each([
    [{ minCapacity: 5, maxCapacity: 2, triggers: [ScalingTrigger.cpuUtilization(50)] }, /AutoscalingPolicy: 'minCapacity' \(5\) must be less than or equal to 'maxCapacity' \(2\)\. Fix: Raise maxCapacity or lower minCapacity\./],
    [{ maxCapacity: 0 }, /'maxCapacity' \(0\) must be an integer from 1 to 2147483647/],
    [{ minCapacity: 1.5, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)] }, /'minCapacity' \(1.5\) must be an integer from 0 to 2147483647/],
    [{ minCapacity: 0, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)] }, /'minCapacity' \(0\) is 0 but scaleToZero is not set/],
    [{ minCapacity: 2, maxCapacity: 4, scaleToZero: true, triggers: [ScalingTrigger.cpuUtilization(50)] }, /'scaleToZero' \(true\) conflicts with minCapacity 2/],
    [{ minCapacity: 1, maxCapacity: 4 }, /'triggers' \(\[\]\) is empty while capacity may range from 1 to 4.*AutoscalingPolicy.fixed/],
    [{ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50), ScalingTrigger.cpuUtilization(70)] }, /lists 'cpuUtilization' twice/],
    [{ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)], warmBufferPercent: 95 }, /'warmBufferPercent' \(95\) must be between 0 and 90/],
    [{ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)], maxScaleOutStep: 0 }, /'maxScaleOutStep' \(0\) must be an integer from 1 to 2147483647/],
    [{ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)], schedules: [{ name: 'Flash Sale', start: { hour: '9' }, end: { hour: '12' }, minCapacity: 2 }] }, /'schedules\[0\]\.name' \("Flash Sale"\) is not DNS-safe/],
    [{ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)], schedules: [{ name: 'sale', start: { hour: '9' }, end: { hour: '12' }, minCapacity: 6, maxCapacity: 5 }] }, /'schedules\[0\]\.minCapacity' \(6\) must be less than or equal to the schedule's maxCapacity \(5\)/],
    [{ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)], schedules: [{ name: 'a', start: {}, end: {}, minCapacity: 1 }, { name: 'a', start: {}, end: {}, minCapacity: 1 }] }, /'schedules\[1\]\.name' \("a"\) is used by another schedule/],
  ])('rejects %j', (props, msg) => {
    expect(() => new AutoscalingPolicy(props as any)).toThrow(msg);
  });

  test('negative cooldowns are rejected (by Duration itself)', () => {
    expect(() => new AutoscalingPolicy({ maxCapacity: 2, triggers: [ScalingTrigger.cpuUtilization(50)], scaleInCooldown: Duration.seconds(-5) }))
      .toThrow(/Duration amounts cannot be negative/);
  });

  describe('validateFor', () => {
    const scope = new Stack(new App(), 'S');
    const support = { lane: 'TestLane', triggers: [TriggerKind.CPU_UTILIZATION], scaleToZero: false, schedules: false, stepLimits: false };

    test('unsupported trigger lists the supported ones', () => {
      const p = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.timeInQueue(Duration.minutes(2))] });
      expect(() => p.validateFor(scope, support)).toThrow(/S: 'autoscaling.triggers' \("timeInQueue\(2 minutes\)"\) cannot be rendered by TestLane. Fix: Use one of the triggers it supports: ScalingTrigger.cpuUtilization\./);
      expect(() => p.validateFor(scope, support)).toThrow(LaneValidationError);
    });

    test('scale to zero, schedules, step caps, trigger count', () => {
      const z = new AutoscalingPolicy({ maxCapacity: 3, scaleToZero: true, triggers: [ScalingTrigger.cpuUtilization(50)] });
      expect(() => z.validateFor(scope, support)).toThrow(/'autoscaling.scaleToZero' \(true\) is not possible on TestLane/);
      const s = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.cpuUtilization(50)], schedules: [{ name: 'sale', start: { hour: '8' }, end: { hour: '20' }, minCapacity: 2 }] });
      expect(() => s.validateFor(scope, support)).toThrow(/'autoscaling.schedules' \(\["sale"\]\) cannot be rendered by TestLane/);
      const st = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.cpuUtilization(50)], maxScaleOutStep: 2 });
      expect(() => st.validateFor(scope, support)).toThrow(/'autoscaling.maxScaleOutStep' \(2\) cannot be honoured by TestLane/);
      const sti = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.cpuUtilization(50)], maxScaleInStep: 1 });
      expect(() => sti.validateFor(scope, support)).toThrow(/'autoscaling.maxScaleInStep' \(1\) cannot be honoured/);
      const two = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.cpuUtilization(50), ScalingTrigger.gpuUtilization(50)] });
      expect(() => two.validateFor(scope, { ...support, triggers: [TriggerKind.CPU_UTILIZATION, TriggerKind.GPU_UTILIZATION], maxTriggers: 1 }))
        .toThrow(/has 2 triggers but TestLane renders at most 1/);
    });

    test('a supported policy passes', () => {
      const p = new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.cpuUtilization(50)] });
      expect(() => p.validateFor(scope, support)).not.toThrow();
    });
  });
});

describe('schedule rendering helpers', () => {
  test('scheduled actions raise and restore the bounds', () => {
    const stack = new Stack();
    const target = new appscaling.ScalableTarget(stack, 'T', {
      serviceNamespace: appscaling.ServiceNamespace.ECS, resourceId: 'service/c/s', scalableDimension: 'ecs:service:DesiredCount', minCapacity: 1, maxCapacity: 10,
    });
    const policy = new AutoscalingPolicy({
      minCapacity: 1, maxCapacity: 10, triggers: [ScalingTrigger.cpuUtilization(50)],
      schedules: [{ name: 'flash-sale', start: { hour: '8', minute: '45' }, end: { hour: '20', minute: '0' }, minCapacity: 6, timeZone: 'Europe/Berlin' }],
    });
    addScheduledActions(target, policy);
    const actions = Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget');
    const scheduled = (Object.values(actions)[0] as any).Properties.ScheduledActions;
    expect(scheduled).toEqual([
      expect.objectContaining({ ScheduledActionName: 'flash-sale-start', Schedule: 'cron(45 8 * * ? *)', ScalableTargetAction: { MinCapacity: 6, MaxCapacity: 10 }, Timezone: 'Europe/Berlin' }),
      expect.objectContaining({ ScheduledActionName: 'flash-sale-end', Schedule: 'cron(0 20 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 10 } }),
    ]);
  });

  test('standard 5-field cron for Kubernetes', () => {
    expect(toStandardCron({ minute: '45', hour: '8', weekDay: 'MON-FRI' })).toBe('45 8 * * MON-FRI');
    expect(toStandardCron({})).toBe('* * * * *');
  });
});

test('ScalingTrigger.timeInQueue text is exact: 90,500 ms reads timeInQueue(90.5 seconds)', () => {
  expect(ScalingTrigger.timeInQueue(Duration.millis(90500)).toString()).toBe('timeInQueue(90.5 seconds)');
  expect(ScalingTrigger.timeInQueue(Duration.minutes(5)).toString()).toBe('timeInQueue(5 minutes)');
});
