import { App } from 'aws-cdk-lib';
import { createDocumentBatchStack } from '../../examples/document-batch';
import { modelFromConstructs } from '../../lib/simulation/from-construct';
import { SeriesStore, isSupportedMetric } from '../../lib/simulation/metrics';
import { CanaryKind, rolloutTrials } from '../../lib/simulation/rollout-trials';
import { EXAMPLE_PROFILES } from '../../lib/simulation/seed';
import { LaneSpec, MetricRef } from '../../lib/simulation/stack-model';
import { readStack } from '../../lib/simulation/template-reader';

// Issue 17 rollout trials for the batch lane: job outcomes as S3 request metrics, the error-rate alarm's
// nested metric math, ECS deployment alarms watched through the bake time.

let worker: LaneSpec;
beforeAll(() => {
  const m = modelFromConstructs([createDocumentBatchStack(new App(), 'DocumentBatch')]);
  worker = m.lanes.find(l => l.path === 'DocumentBatch/DocumentWorkers')!;
});

const put = (filter: string): MetricRef => ({ namespace: 'AWS/S3', metricName: 'PutRequests', stat: 'Sum', period: 300, dimensions: { BucketName: '<token>', FilterId: filter } });

test('S3 PutRequests of the failures filter count failed jobs, of the results filter the jobs that succeeded; other filters are not simulated', () => {
  const store = new SeriesStore(600);
  for (let s = 0; s < 600; s++) { store.data.requests[s] = 2; store.data.errors[s] = s % 10 === 0 ? 1 : 0; }
  expect(store.metric(put('failures'), 600)).toBe(30); // 300 s, one failed job every 10 s
  expect(store.metric(put('results'), 600)).toBe(600 - 30);
  expect(isSupportedMetric(put('results'))).toBe(true);
  expect(isSupportedMetric(put('everything'))).toBe(false);
  expect(store.metric(put('everything'), 600)).toBeUndefined();
  expect(isSupportedMetric({ ...put('failures'), metricName: 'GetRequests' })).toBe(false);
});

test('the example\'s ECS deployment alarm is read from the Ref, with the nested `inv` expression inlined, watched for a 300-second bake', () => {
  const r = worker.rollout!;
  expect([r.mechanism, r.type, r.canaryPercent, r.waitSeconds, r.finalBakeSeconds]).toEqual(['ecs', 'ALL_AT_ONCE', 100, 0, 300]);
  expect(r.alarms.map(a => a.logicalId)).toEqual([expect.stringMatching(/^DocumentWorkersSloErrorRate/)]);
  const a = r.alarms[0];
  const inv = '(FILL(res, 0) + FILL(fail, 0))';
  expect(a.math!.expression).toBe(`IF(${inv} >= 100 AND err > 0.01 * ${inv}, (err - 0.01 * ${inv}) * (err - 0.01 * ${inv}) / (0.0099 * ${inv}), 0)`);
  expect(Object.keys(a.math!.metrics).sort()).toEqual(['err', 'fail', 'res']);
  expect([a.period, a.threshold, a.evaluationPeriods, a.datapointsToAlarm]).toEqual([300, 9.5495, 1, 1]);
});

test('nested metric math two levels deep is inlined; a reference to nothing is reported, not guessed', () => {
  const alarmWith = (metrics: any[]) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'a', Threshold: 5, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', Metrics: metrics } });
  const stat = (id: string, name: string) => ({ Id: id, ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: name }, Period: 60, Stat: 'Sum' } });
  const svc = { Type: 'AWS::ECS::Service', Properties: { DeploymentConfiguration: { Alarms: { Enable: true, Rollback: true, AlarmNames: ['a'] } } } };
  const m = readStack([{ stackName: 'S', template: { Resources: { Svc: svc, A: alarmWith([
    { Id: 'out', Expression: '100 * err / total' },
    { Id: 'total', Expression: 'ok + err2', ReturnData: false },
    { Id: 'err2', Expression: 'FILL(err, 0)', ReturnData: false },
    stat('err', 'Errors'), stat('ok', 'Invocations'),
  ]) } } }]);
  expect(m.lanes[0].rollout!.alarms[0].math!.expression).toBe('100 * err / (ok + (FILL(err, 0)))');
  expect(m.lanes[0].rollout!.finalBakeSeconds).toBe(60);
  const bad = readStack([{ stackName: 'S', template: { Resources: { Svc: svc, A: alarmWith([{ Id: 'out', Expression: 'err / nothing' }, stat('err', 'Errors')]) } } }]);
  expect(bad.lanes[0].rollout!.alarms).toEqual([]);
  expect(bad.findings.map(f => f.message)).toContain('metric math references nothing, which are not metrics of the alarm');
});

describe('DocumentWorkers rollout trials (1,000 seeded trials, jobs per second), judged by the emitted alarm', () => {
  const run = (rps: number, kind: CanaryKind) => rolloutTrials(worker, { rps, kind, profiles: EXAMPLE_PROFILES, trials: 1000, seed: 1 });
  test.each([2, 1000])('%d jobs/s: a bad version (0.5% -> 5% failed jobs) is rolled back within 5 minutes in >= 99%; a healthy one in <= 1%', rps => {
    const bad = run(rps, CanaryKind.BAD_ERRORS);
    expect(bad.mechanism).toBe('ecs');
    expect(bad.deploymentMinutes).toBe(5);
    expect(bad.detectedWithin5MinPercent).toBeGreaterThanOrEqual(99);
    expect(bad.p99DetectMinutes).toBeLessThanOrEqual(5);
    expect(run(rps, CanaryKind.HEALTHY).rolledBackPercent).toBeLessThanOrEqual(1);
  });
  test('a bad version at 2 jobs/s needs the 100-job guard to fill: not on the first minute (the median is 3)', () => {
    expect(run(2, CanaryKind.BAD_ERRORS).p50DetectMinutes).toBe(3);
  });
  test('with no deployment alarm (a time-in-queue-only SLO) nothing is rolled back', () => {
    const none = { ...worker, rollout: { ...worker.rollout!, alarms: [], finalBakeSeconds: 0 } };
    expect(rolloutTrials(none, { rps: 2, kind: CanaryKind.BAD_ERRORS, profiles: EXAMPLE_PROFILES, trials: 10 }).detectedWithin5MinPercent).toBe(0);
  });
});

test('the lane\'s SLO reads the error-rate objective from the inlined expression and the time in queue from the paging alarm', () => {
  expect(worker.slo).toMatchObject({ maxErrorRatePercent: 1, maxTimeInQueue: 1800 });
});
