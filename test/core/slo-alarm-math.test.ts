import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ServiceLevelObjective, ServiceLevelObjectiveProps } from '../../lib';
import { defaultMinRequests } from '../../lib/core/private/metric-math';

const errors = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensionsMap: { FunctionName: 'f' } });
const requests = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Invocations', dimensionsMap: { FunctionName: 'f' } });
const latency = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Duration', dimensionsMap: { FunctionName: 'f' } });
const age = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', statistic: 'Maximum' });

/** Render an SLO on counted errors/requests and return the emitted error-rate alarm. */
function errorRateAlarm(props: ServiceLevelObjectiveProps): Record<string, any> {
  const stack = new Stack(new App(), 'S');
  new ServiceLevelObjective({ applicationSignals: false, ...props }).render(stack, 'Slo', { laneName: 'lane', errors, requests, latency });
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
  const withMath = Object.values(alarms).filter(a => a.Properties.Metrics);
  expect(withMath).toHaveLength(1);
  return withMath[0].Properties;
}

describe('rollback alarms need at least minBreachingPeriods breaching periods', () => {
  test('default (prop omitted): 99% of 10 one-minute periods fires on 2 of 10, emitted as EvaluationPeriods 10 / DatapointsToAlarm 2', () => {
    const stack = new Stack(new App(), 'S');
    ServiceLevelObjective.latency(95, Duration.millis(300)).render(stack, 'Slo', { laneName: 'lane', latency });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', EvaluationPeriods: 10, DatapointsToAlarm: 2, Period: 60 });
  });

  test.each([
    // [goal, N, minBreaching, expected M]
    [99, 10, undefined, 2],
    [99, 10, 1, 1],
    [90, 10, 1, 2],
    [80, 10, undefined, 3],
    [99, 100, undefined, 2],
    [95, 60, undefined, 4],
    [99, 10, 10, 10],
    [50, 2, undefined, 2],
    [99, 1440, 5, 15],
  ])('goal %d%%, N = %d, minBreachingPeriods %p: fires on %d', (goal, n, minBreaching, m) => {
    const stack = new Stack(new App(), 'S');
    const slo = new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), goalPercent: goal, evaluationPeriods: n, minBreachingPeriods: minBreaching });
    expect(slo.datapointsToAlarm).toBe(m);
    slo.render(stack, 'Slo', { laneName: 'lane', latency });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', EvaluationPeriods: n, DatapointsToAlarm: m });
  });

  test('minBreachingPeriods above evaluationPeriods is rejected (edge: equal is accepted)', () => {
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), evaluationPeriods: 5, minBreachingPeriods: 5 })).not.toThrow();
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), evaluationPeriods: 5, minBreachingPeriods: 6 }))
      .toThrow(/^ServiceLevelObjective: 'minBreachingPeriods' \(6\) leaves fewer evaluation periods \(5\) than minBreachingPeriods \(6\): the alarm could never fire\. Fix: Raise evaluationPeriods to at least 6, or pass minBreachingPeriods: 5\.$/);
  });

  test('evaluationPeriods: 1 with the default minBreachingPeriods names the default', () => {
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), evaluationPeriods: 1 }))
      .toThrow(/'evaluationPeriods' \(1\) leaves fewer evaluation periods \(1\) than minBreachingPeriods \(default 2\) \(2\).*Fix: Raise evaluationPeriods to at least 2, or pass minBreachingPeriods: 1\./);
    expect(new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), evaluationPeriods: 1, minBreachingPeriods: 1 }).datapointsToAlarm).toBe(1);
  });

  test.each([0, 1.5, NaN])('minBreachingPeriods %p is rejected', v => {
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), minBreachingPeriods: v }))
      .toThrow(new RegExp(`'minBreachingPeriods' \\(${v}\\) must be an integer from 1 to 1440`));
  });
});

describe('error-rate alarms ignore periods with fewer than minRequestsPerPeriod requests', () => {
  test('default for a 1% objective (prop omitted): IF(inv >= 100, 100 * err / inv, 0) on Sum of both counts', () => {
    const p = errorRateAlarm({ maxErrorRatePercent: 1 });
    expect(p).toMatchObject({ Threshold: 1, EvaluationPeriods: 10, DatapointsToAlarm: 2, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(p.Metrics).toEqual([
      { Id: 'expr_1', Expression: 'IF(inv >= 100, 100 * err / inv, 0)', Label: 'Error rate (%)', ReturnData: true },
      { Id: 'err', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
      { Id: 'inv', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
    ]);
  });

  test.each([
    // [maxErrorRatePercent, default minimum]
    [1, 100],
    [5, 20],
    [3, 34],
    [10, 10],
    [20, 10],
    [0.1, 1000],
    [0.05, 1000],
    [0, 1000],
  ])('maxErrorRatePercent %p: default minimum %d requests per period', (rate, min) => {
    const slo = new ServiceLevelObjective({ maxErrorRatePercent: rate });
    expect(slo.minRequestsPerPeriod).toBe(min);
    expect(defaultMinRequests(rate)).toBe(min); // the rule lanes reuse for their own rate alarms
    expect(errorRateAlarm({ maxErrorRatePercent: rate }).Metrics[0].Expression).toBe(`IF(inv >= ${min}, 100 * err / inv, 0)`);
  });

  test('defaultMinRequests (lib/core/private/metric-math): clamp edges, and unknown for a token or a non-percent', () => {
    // 10 % is the first threshold clamped up to the floor; 9.99 % needs 11; 0.1 % and below hit the ceiling; 0.11 % needs 910.
    expect(defaultMinRequests(9.99)).toBe(11);
    expect(defaultMinRequests(10)).toBe(10);
    expect(defaultMinRequests(100)).toBe(10);
    expect(defaultMinRequests(0.11)).toBe(910);
    expect(defaultMinRequests(0.1)).toBe(1000);
    expect(defaultMinRequests(0.01)).toBe(1000);
    const token = new CfnParameter(new Stack(), 'T', { type: 'Number' }).valueAsNumber;
    for (const v of [token, NaN, Infinity, -1, '5' as unknown as number]) {
      expect(defaultMinRequests(v)).toBeUndefined();
    }
  });

  test('an explicit minimum is emitted as given; 1 is the accepted edge, 0 the first rejected', () => {
    expect(errorRateAlarm({ maxErrorRatePercent: 1, minRequestsPerPeriod: 250 }).Metrics[0].Expression).toBe('IF(inv >= 250, 100 * err / inv, 0)');
    expect(errorRateAlarm({ maxErrorRatePercent: 1, minRequestsPerPeriod: 1 }).Metrics[0].Expression).toBe('IF(inv >= 1, 100 * err / inv, 0)');
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: 1, minRequestsPerPeriod: 0 }))
      .toThrow(/^ServiceLevelObjective: 'minRequestsPerPeriod' \(0\) must be an integer >= 1\. Fix: Pass a whole number of requests of at least 1/);
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: 1, minRequestsPerPeriod: 2.5 })).toThrow(/'minRequestsPerPeriod' \(2\.5\) must be an integer >= 1/);
  });

  test('minRequestsPerPeriod without an error-rate objective is rejected', () => {
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), minRequestsPerPeriod: 50 }))
      .toThrow(/'minRequestsPerPeriod' \(50\) applies to an error-rate objective, and there is none\. Fix: Drop minRequestsPerPeriod, or set maxErrorRatePercent\./);
  });

  test('a token error-rate objective needs an explicit minimum (no default is substituted for an unknown value)', () => {
    const p = new CfnParameter(new Stack(), 'Max', { type: 'Number' });
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: p.valueAsNumber }))
      .toThrow(/'minRequestsPerPeriod' cannot default: it derives from maxErrorRatePercent, which is a token.*Fix: Pass minRequestsPerPeriod explicitly/);
    expect(new ServiceLevelObjective({ maxErrorRatePercent: p.valueAsNumber, minRequestsPerPeriod: 100 }).minRequestsPerPeriod).toBe(100);
  });

  test('the expression uses the SLO period (5 minutes: Period 300 on both counts)', () => {
    const p = errorRateAlarm({ maxErrorRatePercent: 2, period: Duration.minutes(5) });
    expect(p.Metrics[0].Expression).toBe('IF(inv >= 50, 100 * err / inv, 0)');
    expect(p.Metrics.slice(1).map((m: any) => m.MetricStat.Period)).toEqual([300, 300]);
  });

  test('counts win over the deprecated errorRatePercent when a lane passes both', () => {
    const stack = new Stack(new App(), 'S');
    const legacy = new cloudwatch.MathExpression({ expression: 'e / i * 100', usingMetrics: { e: errors, i: requests } });
    new ServiceLevelObjective({ maxErrorRatePercent: 1, applicationSignals: false }).render(stack, 'Slo', { laneName: 'lane', errors, requests, errorRatePercent: legacy });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(inv >= 100, 100 * err / inv, 0)' })]) });
  });

  test('the Application Signals SLO watches the same guarded expression', () => {
    const stack = new Stack(new App(), 'S');
    new ServiceLevelObjective({ maxErrorRatePercent: 1 }).render(stack, 'Slo', { laneName: 'lane', errors, requests });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Sli: Match.objectLike({ SliMetric: Match.objectLike({ MetricDataQueries: Match.arrayWith([{ Id: 'sli', Expression: 'IF(inv >= 100, 100 * err / inv, 0)', ReturnData: true }]) }) }),
    });
  });

  test('a lane with an error count but no request count has no error-rate metric', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: 1 }).render(stack, 'Slo', { laneName: 'lane', errors }))
      .toThrow(/'slo.maxErrorRatePercent' \(1\) cannot be watched: lane has no error metric/);
  });
});

describe('time-in-queue alarms page and never roll back', () => {
  test('a time-in-queue objective renders a paging alarm, no rollback alarm', () => {
    const stack = new Stack(new App(), 'S');
    const r = ServiceLevelObjective.timeInQueue(Duration.minutes(30)).render(stack, 'Slo', { laneName: 'workers', queueAgeSeconds: age });
    expect(r.rollbackAlarms).toEqual([]);
    expect(r.pagingAlarms.map(a => a.node.id)).toEqual(['SloTimeInQueue']);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800, EvaluationPeriods: 10, DatapointsToAlarm: 2,
      AlarmDescription: Match.stringLikeRegexp('Pages; rollouts do not roll back on it'),
    });
    expect(ServiceLevelObjective.timeInQueue(Duration.minutes(30)).renderAlarms(new Stack(new App(), 'O'), 'Slo', { laneName: 'workers', queueAgeSeconds: age })).toEqual([]);
  });
});

describe('durations in descriptions and contract texts are exact (describeDuration)', () => {
  test('a time-in-queue objective of 3,661 s is described as 3661 seconds, not "1 hour 1 minute"', () => {
    const stack = new Stack(new App(), 'S');
    const slo = ServiceLevelObjective.timeInQueue(Duration.seconds(3661), { applicationSignals: false });
    expect(slo.toString()).toBe('time in queue < 3661 seconds for 99% of 1 minute periods');
    slo.render(stack, 'Slo', { laneName: 'l', queueAgeSeconds: new cloudwatch.Metric({ namespace: 'N', metricName: 'Age' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^SLO l: oldest job waiting longer than 3661 seconds \\(2 of 10 periods\\)'),
      Threshold: 3661,
    });
  });

  test('whole durations of at most two units read as before (1 hour 30 minutes)', () => {
    expect(ServiceLevelObjective.timeInQueue(Duration.minutes(90), { applicationSignals: false }).toString()).toBe('time in queue < 1 hour 30 minutes for 99% of 1 minute periods');
  });
});
