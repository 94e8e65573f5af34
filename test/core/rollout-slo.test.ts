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
    expect(slo.datapointsToAlarm).toBe(1);
    expect(slo.toString()).toBe('p95 < 200 ms for 99% of 1 minute periods');
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), goalPercent: 90 }).datapointsToAlarm).toBe(2);
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(200), goalPercent: 95, evaluationPeriods: 60 }).datapointsToAlarm).toBe(4);
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
    expect(alarms).toHaveLength(3);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency', ExtendedStatistic: 'p95', Threshold: 300000, Period: 60, EvaluationPeriods: 10, DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: expectArrayWithExpression('e / i * 100') });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
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
  ])('rejects %j', (props, msg) => {
    expect(() => new ServiceLevelObjective(props)).toThrow(msg);
  });
});

function expectArrayWithExpression(expr: string) {
  return Match.arrayWith([Match.objectLike({ Expression: expr })]);
}
