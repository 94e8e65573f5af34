import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ModelArtifact, Rollout, RolloutStrategy, ServiceLevelObjective, ShadowTraffic } from '../../lib';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');

describe('Rollout', () => {
  test('all at once defaults to auto rollback with a 10 minute bake', () => {
    const r = Rollout.allAtOnce();
    expect(r.strategy).toBe(RolloutStrategy.ALL_AT_ONCE);
    expect(r.autoRollback).toBe(true);
    expect(r.finalBakeTime.toMinutes()).toBe(10);
  });

  test('canary and linear keep their shape', () => {
    const c = Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) });
    expect([c.strategy, c.percent, c.stepInterval!.toMinutes()]).toEqual([RolloutStrategy.CANARY, 10, 5]);
    const l = Rollout.linear({ stepPercent: 30, interval: Duration.minutes(2) });
    expect(l.linearSteps).toBe(4);
    expect(l.toString()).toBe('LINEAR 30% / 2 minutes');
  });

  test.each([
    [() => Rollout.canary({ percent: 0, bakeTime: Duration.minutes(5) }), /Rollout.canary: 'percent' \(0\) must be between 1 and 99/],
    [() => Rollout.canary({ percent: 100, bakeTime: Duration.minutes(5) }), /'percent' \(100\) must be between 1 and 99/],
    [() => Rollout.canary({ percent: 10, bakeTime: Duration.seconds(30) }), /'bakeTime' \(30 seconds\) must be between 1 minute and 1 hour/],
    [() => Rollout.canary({ percent: 10, bakeTime: Duration.seconds(90) }), /'bakeTime' \(1 minute 30 seconds\) must be a whole number of minutes.*Duration.minutes\(2\)/],
    [() => Rollout.linear({ stepPercent: 0, interval: Duration.minutes(1) }), /Rollout.linear: 'stepPercent' \(0\) must be between 1 and 99/],
    [() => Rollout.linear({ stepPercent: 10, interval: Duration.hours(2) }), /'interval' \(2 hours\) must be between 1 minute and 1 hour/],
    [() => Rollout.allAtOnce({ finalBakeTime: Duration.hours(2) }), /'finalBakeTime' \(2 hours\) must be at most 1 hour/],
  ])('rejects bad input %#', (fn, msg) => {
    expect(fn).toThrow(msg);
  });
});

describe('ShadowTraffic', () => {
  const candidate = ModelArtifact.fromAsset(FP32, { name: 'm', version: '2' });
  test('mirror keeps the candidate and share', () => {
    const s = ShadowTraffic.mirror(candidate, 20);
    expect(s.candidate.version).toBe('2');
    expect(s.samplePercent).toBe(20);
  });
  test('share outside 1-100 is rejected', () => {
    expect(() => ShadowTraffic.mirror(candidate, 0)).toThrow(/ShadowTraffic: 'samplePercent' \(0\) must be between 1 and 100/);
    expect(() => new ShadowTraffic({ candidate, samplePercent: 101 })).toThrow(/'samplePercent' \(101\) must be between 1 and 100/);
  });
});

describe('ServiceLevelObjective', () => {
  test('"p95 under 200 ms for 99% of minutes"', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(200));
    expect(slo.latencyStatistic).toBe('p95');
    expect(slo.goalPercent).toBe(99);
    expect(slo.evaluationPeriods).toBe(10);
    // the goal alone allows 0 breaching periods of 10 (fires on 1); minBreachingPeriods (default 2) wins
    expect(slo.minBreachingPeriods).toBe(2);
    expect(slo.datapointsToAlarm).toBe(2);
    expect(slo.toString()).toBe('p95 < 200 ms for 99% of 1 minute periods');
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), goalPercent: 90 }).datapointsToAlarm).toBe(2);
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), goalPercent: 80 }).datapointsToAlarm).toBe(3);
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), goalPercent: 95, evaluationPeriods: 60 }).datapointsToAlarm).toBe(4);
    // minBreachingPeriods: 1 restores the goal-only rule
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), minBreachingPeriods: 1 }).datapointsToAlarm).toBe(1);
  });

  test('renders latency (unit-converted), error-rate and queue-age alarms', () => {
    const stack = new Stack(new App(), 'S');
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1, maxTimeInQueue: Duration.minutes(15) });
    const latency = new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency', dimensionsMap: { EndpointName: 'e' } });
    const errors = new cloudwatch.MathExpression({ expression: 'e / i * 100', usingMetrics: {
      e: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors' }),
      i: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocations' }) } });
    const age = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage' });
    const alarms = slo.renderAlarms(stack, 'Slo', { laneName: 'lane', latency, latencyUnit: cloudwatch.Unit.MICROSECONDS, errorRatePercent: errors, queueAgeSeconds: age });
    // the time-in-queue alarm is created but is not a rollback alarm
    expect(alarms.map(a => a.node.id)).toEqual(['SloLatency', 'SloErrorRate']);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency', ExtendedStatistic: 'p95', Threshold: 300000, Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    // a lane that still passes the deprecated errorRatePercent gets its expression as given
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: expectArrayWithExpression('e / i * 100') });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900, EvaluationPeriods: 10, DatapointsToAlarm: 2 });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3 + 6);
  });

  test('also renders one period-based Application Signals SLO per objective, and two burn-rate alarms per SLO', () => {
    // GIVEN a latency + error-rate + time-in-queue objective at 99.5% over 30 days
    const stack = new Stack(new App(), 'S');
    const slo = ServiceLevelObjective.latency(99, Duration.millis(250), { maxErrorRatePercent: 2, maxTimeInQueue: Duration.minutes(5), goalPercent: 99.5, window: Duration.days(30) });
    const latency = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Duration', dimensionsMap: { FunctionName: 'f' } });
    const errors = new cloudwatch.MathExpression({ expression: 'IF(inv > 0, 100 * err / inv, 0)', period: Duration.minutes(1), usingMetrics: {
      err: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum' }),
      inv: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Invocations', statistic: 'Sum' }) } });
    const age = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', statistic: 'Maximum' });
    // WHEN
    const r = slo.render(stack, 'Slo', { laneName: 'lane', latency, errorRatePercent: errors, queueAgeSeconds: age });
    // THEN two rollback alarms, one paging alarm (time in queue), three SLOs, six burn-rate alarms
    expect([r.rollbackAlarms.length, r.pagingAlarms.length, r.objectives.length, r.burnRateAlarms.length]).toEqual([2, 1, 3, 6]);
    expect(r.pagingAlarms.map(a => a.node.id)).toEqual(['SloTimeInQueue']);
    expect(r.objectives.map(o => o.node.id)).toEqual(['SloLatencyObjective', 'SloErrorRateObjective', 'SloTimeInQueueObjective']);
    expect(r.burnRateAlarms.map(a => a.node.id)).toEqual([
      'SloLatencyFastBurn', 'SloLatencySlowBurn', 'SloErrorRateFastBurn', 'SloErrorRateSlowBurn', 'SloTimeInQueueFastBurn', 'SloTimeInQueueSlowBurn',
    ]);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Name: Match.stringLikeRegexp('^S-SloLatencyObjective-[0-9A-F]{8}$'),
      Sli: {
        SliMetric: {
          MetricDataQueries: [{ Id: 'sli', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }, Period: 60, Stat: 'p99' }, ReturnData: true }],
          PeriodSeconds: 60,
        },
        MetricThreshold: 250,
        ComparisonOperator: 'LessThanOrEqualTo',
      },
      Goal: { AttainmentGoal: 99.5, Interval: { RollingInterval: { Duration: 30, DurationUnit: 'DAY' } }, WarningThreshold: 50 },
      BurnRateConfigurations: [{ LookBackWindowMinutes: 60 }, { LookBackWindowMinutes: 360 }],
    });
    // an expression: the expression returns data, the metrics it uses do not
    t.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Sli: Match.objectLike({
        SliMetric: {
          MetricDataQueries: [
            { Id: 'sli', Expression: 'IF(inv > 0, 100 * err / inv, 0)', ReturnData: true },
            { Id: 'err', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
            { Id: 'inv', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
          ],
          PeriodSeconds: 60,
        },
        MetricThreshold: 2,
      }),
    });
    t.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', { Sli: Match.objectLike({ MetricThreshold: 300 }) });
    // burn rates for a 30-day window: 2% of the budget in 1 h = 14.4, 5% in 6 h = 6
    expect([slo.fastBurnRateThreshold, slo.slowBurnRateThreshold]).toEqual([14.4, 6]);
    const latencyName = r.objectives[0].name;
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationSignals', MetricName: 'BurnRate', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1,
      Dimensions: [{ Name: 'BurnRateWindowMinutes', Value: '60' }, { Name: 'SloName', Value: latencyName }],
      Threshold: 14.4, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BurnRate', Dimensions: [{ Name: 'BurnRateWindowMinutes', Value: '360' }, { Name: 'SloName', Value: latencyName }], Threshold: 6,
    });
    expect(t.findResources('AWS::CloudWatch::Alarm', { DependsOn: ['SloLatencyObjective'] })).not.toEqual({});
    // the rollback alarms keep their M-of-N shape (99.5% of 10 periods: the goal allows 0, minBreachingPeriods makes it 2)
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 250, Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    // renderAlarms returns the rollback alarms only
    const other = new Stack(new App(), 'O');
    expect(slo.renderAlarms(other, 'Slo', { laneName: 'lane', latency, errorRatePercent: errors, queueAgeSeconds: age }).map(a => a.node.id)).toEqual(['SloLatency', 'SloErrorRate']);
  });

  test('the default window is 28 days: burn-rate thresholds 13.44 (1 h) and 5.6 (6 h)', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300));
    expect([slo.window.toDays(), slo.fastBurnRateThreshold, slo.slowBurnRateThreshold]).toEqual([28, 13.44, 5.6]);
  });

  test('applicationSignals: false renders only the rollback and paging alarms (and allows 10-second periods for the paging M of N)', () => {
    const stack = new Stack(new App(), 'S');
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300), { applicationSignals: false, period: Duration.seconds(10), maxTimeInQueue: Duration.minutes(5) });
    const r = slo.render(stack, 'Slo', { laneName: 'lane', latency: new cloudwatch.Metric({ namespace: 'N', metricName: 'Latency' }), queueAgeSeconds: new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage' }) });
    expect([r.rollbackAlarms.length, r.pagingAlarms.length, r.objectives.length, r.burnRateAlarms.length]).toEqual([1, 1, 0, 0]);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApplicationSignals::ServiceLevelObjective', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Period: 10 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', Period: 300 });
  });

  test('asking for a metric the lane lacks is a clear error', () => {
    const stack = new Stack(new App(), 'S');
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300));
    expect(() => slo.renderAlarms(stack, 'Slo', { laneName: 'EdgeFleetChannel' }))
      .toThrow(/S: 'slo.latencyThreshold' \(300 millis\) cannot be watched: EdgeFleetChannel has no latency metric/);
    expect(() => ServiceLevelObjective.timeInQueue(Duration.minutes(1)).renderAlarms(stack, 'Q', { laneName: 'x' })).toThrow(/'slo.maxTimeInQueue' .* has no queue/);
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: 2 }).renderAlarms(stack, 'E', { laneName: 'x' })).toThrow(/'slo.maxErrorRatePercent' \(2\) cannot be watched/);
  });

  test.each([
    [{ latencyThreshold: Duration.millis(200), latencyPercentile: 100 }, /'latencyPercentile' \(100\) must be between 0.1 and 99.99/],
    [{ latencyThreshold: Duration.millis(200), goalPercent: 100 }, /'goalPercent' \(100\) must be between 50 and 99.99/],
    [{ maxErrorRatePercent: 150 }, /'maxErrorRatePercent' \(150\) must be between 0 and 100/],
    [{ latencyThreshold: Duration.millis(0) }, /'latencyThreshold' \(0 millis\) must be greater than 0/],
    [{}, /'props' \("\{\}"\) sets no objective/],
    [{ latencyThreshold: Duration.millis(200), period: Duration.seconds(45) }, /'period' \(45 seconds\) is not a CloudWatch alarm period/],
    [{ latencyThreshold: Duration.millis(200), evaluationPeriods: 0 }, /'evaluationPeriods' \(0\) must be an integer from 1 to 1440/],
    [{ latencyThreshold: Duration.millis(200), period: Duration.seconds(30) },
      /ServiceLevelObjective: 'period' \(30 seconds\) cannot be the period of an Application Signals SLO \(1 to 15 minutes\). Fix: .*applicationSignals: false/],
    [{ latencyThreshold: Duration.millis(200), period: Duration.minutes(20) }, /'period' \(20 minutes\) cannot be the period of an Application Signals SLO/],
    [{ latencyThreshold: Duration.millis(200), applicationSignals: false, window: Duration.days(7) },
      /'window' \(7 days\) applies to Application Signals SLOs, which applicationSignals: false turns off. Fix: Drop window/],
    [{ latencyThreshold: Duration.millis(200), window: Duration.hours(36) }, /'window' \(1 day 12 hours\) must be a whole number of days \(at least 1\)/],
    [{ latencyThreshold: Duration.millis(200), window: Duration.hours(12) }, /'window' \(12 hours\) must be a whole number of days/],
  ])('rejects %j', (props, msg) => {
    expect(() => new ServiceLevelObjective(props)).toThrow(msg);
  });
});

function expectArrayWithExpression(expr: string) {
  return Match.arrayWith([Match.objectLike({ Expression: expr })]);
}
