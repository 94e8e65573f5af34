import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AutoscalingPolicy, DynamicBatching, IInferenceLane, LaneValidationError, ScalingTrigger } from '../../lib';
import { WarmMode, WarmServerlessFunction, WarmServerlessFunctionProps } from '../../lib/serverless';
import { baseProps, newStack, snapProps } from './fixtures';

const lane = (props: WarmServerlessFunctionProps, stack: Stack = newStack()) => new WarmServerlessFunction(stack, 'Pool', props);
const seconds = (pool: WarmServerlessFunction) => pool.scaleOutLeadTime.steps.map(s => s.duration.toSeconds());

describe('scale-out lead time, derived from the props', () => {
  test('default provisioned concurrency with a utilization trigger: alarm 3 min + allocation 2 min + Init 10 s = 310 s, each step with a source', () => {
    const pool = lane(baseProps());
    const lead = pool.scaleOutLeadTime;
    expect(lead.isStated).toBe(true);
    expect(seconds(pool)).toEqual([180, 120, 10]);
    expect(lead.total.toSeconds()).toBe(310);
    expect(lead.steps.map(s => s.source)).toEqual([
      expect.stringMatching(/target-tracking.*3 of 3 one-minute/),
      expect.stringMatching(/^default: .*provisioned-concurrency\.html/),
      expect.stringMatching(/^default: .*Init phase limited to 10 seconds/),
    ]);
    expect(lead.describe()).toMatch(/^5 minutes 10 seconds: target tracking scale-out alarm/);
  });

  test('stated allocation and model load times replace the defaults and name their props', () => {
    const pool = lane(baseProps({ warmMode: WarmMode.provisionedConcurrency({ allocationTime: Duration.seconds(75) }), modelLoadTime: Duration.seconds(4) }));
    expect(seconds(pool)).toEqual([180, 75, 4]);
    expect(pool.scaleOutLeadTime.steps[1].source).toBe('props.warmMode allocationTime (measured)');
    expect(pool.scaleOutLeadTime.steps[2].source).toBe('props.modelLoadTime (measured)');
  });

  test('a fixed pool (no trigger) does not grow on load: the lead time is one on-demand Init', () => {
    const pool = lane(baseProps({ autoscaling: AutoscalingPolicy.fixed(5), modelLoadTime: Duration.seconds(7) }));
    expect(seconds(pool)).toEqual([7]);
    expect(pool.scaleOutLeadTime.steps[0].step).toMatch(/on-demand cold start/);
  });

  test('SnapStart: no alarm, no allocation; scaling waves to the reserved cap + restore (default 1 s)', () => {
    expect(seconds(lane(snapProps()))).toEqual([0, 1]);
    // boundary: 1,000 environments fit in the first 10-second wave; 1,001 need a second
    expect(seconds(lane(snapProps({ reservedConcurrentExecutions: 1000 })))).toEqual([0, 1]);
    expect(seconds(lane(snapProps({ reservedConcurrentExecutions: 1001 })))).toEqual([10, 1]);
    const stated = lane(snapProps({ warmMode: WarmMode.snapStart({ restoreTime: Duration.millis(600) }) }));
    expect(stated.scaleOutLeadTime.total.toMilliseconds()).toBe(600);
    expect(stated.scaleOutLeadTime.steps[1].source).toBe('props.warmMode restoreTime (measured)');
  });

  test('modelLoadTime must be whole seconds from 1 s to 15 min', () => {
    expect(() => lane(baseProps({ modelLoadTime: Duration.millis(1500) }))).toThrow(/'modelLoadTime' \(1 second 500 millis\) must be a whole number of seconds/);
    expect(() => lane(baseProps({ modelLoadTime: Duration.seconds(901) }))).toThrow(/'modelLoadTime' \(15 minutes 1 second\) must be from 1 second to 15 minutes/);
    expect(seconds(lane(baseProps({ modelLoadTime: Duration.minutes(15) })))[2]).toBe(900);
  });
});

describe('capacity lag metric', () => {
  function lagExpression(pool: WarmServerlessFunction, stack: Stack): any {
    const lag = pool.metricCapacityLag() as cloudwatch.MathExpression;
    // render it the way the dashboard does: an alarm on it shows the metric queries as emitted
    lag.createAlarm(stack, 'Lag', { threshold: 1, evaluationPeriods: 1 });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    return Object.entries(alarms).find(([id]) => id.startsWith('Lag'))![1].Properties.Metrics;
  }

  test('provisioned concurrency: on-demand environments (ConcurrentExecutions - ProvisionedConcurrentExecutions), capped at the room left to grow the pool (largest pool 20)', () => {
    const stack = newStack();
    const pool = lane(baseProps(), stack);
    const metrics = lagExpression(pool, stack);
    const top = metrics.find((m: any) => m.ReturnData !== false);
    expect(top.Expression).toMatch(/^MIN\(\[ondemand\w+, headroom\w+\]\)$/);
    const exprs = metrics.map((m: any) => m.Expression).filter(Boolean).join('\n');
    expect(exprs).toMatch(/IF\(20 > IF\(FILL\(util\w+, 0\) > 0, FILL\(busy\w+, 0\) \/ FILL\(util\w+, 0\), 0\), 20 - /);
    const names = metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
    expect([...new Set(names)]).toEqual(['ConcurrentExecutions', 'ProvisionedConcurrencyUtilization', 'ProvisionedConcurrentExecutions']);
    for (const m of metrics.filter((x: any) => x.MetricStat)) {
      expect(m.MetricStat.Metric.Dimensions).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'Resource' })]));
      expect(m.MetricStat.Stat).toBe('Maximum');
    }
  });

  test('a schedule raising the pool to 30 moves the cap to the largest pool', () => {
    const stack = newStack();
    const pool = lane(baseProps({
      autoscaling: new AutoscalingPolicy({
        minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)],
        schedules: [{ name: 'launch', start: { minute: '0', hour: '17' }, end: { minute: '0', hour: '22' }, minCapacity: 30 }],
      }),
      reservedConcurrentExecutions: 60,
    }), stack);
    expect(lagExpression(pool, stack).map((m: any) => m.Expression).filter(Boolean).join('\n')).toMatch(/IF\(30 > /);
  });

  test('SnapStart: undefined (no scaler asks for capacity); capacity in service is the busy environments', () => {
    const pool = lane(snapProps());
    expect(pool.metricCapacityLag()).toBeUndefined();
    expect((pool.metricCapacityInService() as any).metricName).toBe('ConcurrentExecutions');
    expect(pool.saturationMetrics.map((m: any) => m.metricName)).toEqual(['ConcurrentExecutions', 'Throttles']);
  });
});

describe('dynamic batching is rejected: one request per invocation', () => {
  const batching = () => new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(5) });
  test('provisioned concurrency', () => {
    const make = () => lane(baseProps({ dynamicBatching: batching() }));
    expect(make).toThrow(LaneValidationError);
    expect(make).toThrow(/S\/Pool: 'dynamicBatching' \("dynamicBatching\(max 16, delay 5 millis\)"\) cannot be rendered by WarmServerlessFunction \(Lambda provisioned concurrency\): Lambda hands one request to one execution environment per invocation/);
  });
  test('SnapStart names its mode', () => {
    expect(() => lane(snapProps({ dynamicBatching: batching() }))).toThrow(/cannot be rendered by WarmServerlessFunction \(Lambda SnapStart\): Lambda hands one request/);
  });
  test('omitted: nothing to reject, and the lane states no batching', () => {
    expect((lane(baseProps()) as IInferenceLane).dynamicBatching).toBeUndefined();
  });
});
