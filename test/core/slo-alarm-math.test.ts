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

describe('rollback alarms: one datapoint over the rollback window; paging alarms: M of N periods', () => {
  test('default (props omitted): the latency rollback alarm is p95 over 300 s, 1 of 1, low-sample percentiles ignored', () => {
    const stack = new Stack(new App(), 'S');
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300));
    expect(slo.rollbackWindow.toSeconds()).toBe(300);
    slo.render(stack, 'Slo', { laneName: 'lane', latency });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration', ExtendedStatistic: 'p95', EvaluationPeriods: 1, DatapointsToAlarm: 1, Period: 300, Threshold: 300,
      EvaluateLowSampleCountPercentile: 'ignore', AlarmDescription: Match.stringLikeRegexp('fewer than 200 requests leave the state unchanged'),
    });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/EvaluationWindow|EvaluationInterval/);
  });

  test('rollbackWindow: whole minutes from 1 to 60 (edges accepted, 30 s and 61 min rejected)', () => {
    for (const m of [1, 60]) {
      const stack = new Stack(new App(), 'S');
      new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), rollbackWindow: Duration.minutes(m), applicationSignals: false }).render(stack, 'Slo', { laneName: 'lane', latency });
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Period: m * 60 });
    }
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), rollbackWindow: Duration.seconds(30) }))
      .toThrow(/'rollbackWindow' \(30 seconds\) must be a whole number of minutes from 1 to 60\. Fix: Pass e\.g\. Duration\.minutes\(5\)\./);
    expect(() => new ServiceLevelObjective({ latencyThreshold: Duration.millis(300), rollbackWindow: Duration.minutes(61) })).toThrow(/'rollbackWindow' .* must be a whole number of minutes from 1 to 60/);
  });

  test('the paging time-in-queue alarm keeps the M-of-N rule: 2 of 10 one-minute periods by default', () => {
    const stack = new Stack(new App(), 'S');
    ServiceLevelObjective.timeInQueue(Duration.minutes(15)).render(stack, 'Slo', { laneName: 'lane', queueAgeSeconds: age });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', EvaluationPeriods: 10, DatapointsToAlarm: 2, Period: 60 });
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
    const slo = new ServiceLevelObjective({ maxTimeInQueue: Duration.minutes(15), goalPercent: goal, evaluationPeriods: n, minBreachingPeriods: minBreaching });
    expect(slo.datapointsToAlarm).toBe(m);
    slo.render(stack, 'Slo', { laneName: 'lane', queueAgeSeconds: age });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', EvaluationPeriods: n, DatapointsToAlarm: m });
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

/** The error-rate rollback test for an objective of `rate`% with `min` requests. */
const zTest = (rate: number, min: number) => {
  const p = Number((rate / 100).toPrecision(6));
  const q = Number((rate / 100 * (1 - rate / 100)).toPrecision(6));
  return `IF(inv >= ${min} AND err > ${p} * inv, (err - ${p} * inv) * (err - ${p} * inv) / (${q} * inv), 0)`;
};

describe('the error-rate rollback alarm: a one-sided test against the objective, windows with fewer than minRequestsPerPeriod requests read 0', () => {
  test('default for a 1% objective (props omitted): z² over 9.5495 (99.9%) over 300 s, 1 of 1, on Sum of both counts', () => {
    const p = errorRateAlarm({ maxErrorRatePercent: 1 });
    expect(p).toMatchObject({ Threshold: 9.5495, EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(p.Metrics).toEqual([
      { Id: 'expr_1', Expression: 'IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)', Label: 'Errors above 1% (z², one-sided)', ReturnData: true },
      { Id: 'err', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }, Period: 300, Stat: 'Sum' }, ReturnData: false },
      { Id: 'inv', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }, Period: 300, Stat: 'Sum' }, ReturnData: false },
    ]);
  });

  test.each([
    [99.9, 9.5495],
    [99, 5.4119],
    [90, 1.6424],
    [99.999, 18.1893],
  ])('rollbackConfidencePercent %p: threshold z² = %p', (conf, z2) => {
    expect(errorRateAlarm({ maxErrorRatePercent: 1, rollbackConfidencePercent: conf }).Threshold).toBe(z2);
  });

  test('rollbackConfidencePercent below 90 or above 99.999 is rejected', () => {
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: 1, rollbackConfidencePercent: 89.9 })).toThrow(/'rollbackConfidencePercent' \(89\.9\) must be between 90 and 99\.999/);
    expect(() => new ServiceLevelObjective({ maxErrorRatePercent: 1, rollbackConfidencePercent: 99.9991 })).toThrow(/'rollbackConfidencePercent' \(99\.9991\) must be between 90 and 99\.999/);
  });

  test('a 0% objective has no test (no version is at 0%): the rate itself over the window, threshold 0', () => {
    const p = errorRateAlarm({ maxErrorRatePercent: 0 });
    expect(p.Metrics[0].Expression).toBe('IF(inv >= 1000, 100 * err / inv, 0)');
    expect(p.Threshold).toBe(0);
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
  ])('maxErrorRatePercent %p: default minimum %d requests per period', (rate, min) => {
    const slo = new ServiceLevelObjective({ maxErrorRatePercent: rate });
    expect(slo.minRequestsPerPeriod).toBe(min);
    expect(defaultMinRequests(rate)).toBe(min); // the rule lanes reuse for their own rate alarms
    expect(errorRateAlarm({ maxErrorRatePercent: rate }).Metrics[0].Expression).toBe(zTest(rate, min));
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
    expect(errorRateAlarm({ maxErrorRatePercent: 1, minRequestsPerPeriod: 250 }).Metrics[0].Expression).toBe(zTest(1, 250));
    expect(errorRateAlarm({ maxErrorRatePercent: 1, minRequestsPerPeriod: 1 }).Metrics[0].Expression).toBe(zTest(1, 1));
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

  test('the test uses the rollback window (10 minutes: Period 600 on both counts)', () => {
    const p = errorRateAlarm({ maxErrorRatePercent: 2, rollbackWindow: Duration.minutes(10) });
    expect(p.Metrics[0].Expression).toBe(zTest(2, 50));
    expect(p.Metrics.slice(1).map((m: any) => m.MetricStat.Period)).toEqual([600, 600]);
  });

  test('counts win over the deprecated errorRatePercent when a lane passes both', () => {
    const stack = new Stack(new App(), 'S');
    const legacy = new cloudwatch.MathExpression({ expression: 'e / i * 100', usingMetrics: { e: errors, i: requests } });
    new ServiceLevelObjective({ maxErrorRatePercent: 1, applicationSignals: false }).render(stack, 'Slo', { laneName: 'lane', errors, requests, errorRatePercent: legacy });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: zTest(1, 100) })]) });
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
