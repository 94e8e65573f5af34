import { CanaryKind, rolloutTrials } from '../../lib/simulation/rollout-trials';
import { AlarmSpec, RolloutSpec } from '../../lib/simulation/stack-model';
import { alarm, lane, target } from './helpers';

const PROFILES = {
  'managed-endpoint': { requestsPerSecondAtSlo: 12, latencyAtSloMs: 250, concurrency: 4 },
  'serverless': { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200 },
};

function errorAlarm(expression: string, m = 2, n = 10): AlarmSpec {
  return alarm({
    logicalId: 'SloErrorRate', evaluationPeriods: n, datapointsToAlarm: m, threshold: 1,
    math: { expression, period: 60, metrics: {
      err: { namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', stat: 'Sum', period: 60 },
      inv: { namespace: 'AWS/SageMaker', metricName: 'Invocations', stat: 'Sum', period: 60 },
    } },
  });
}

function sageMaker(alarms: AlarmSpec[]): RolloutSpec {
  return { mechanism: 'sagemaker-blue-green', type: 'CANARY', canaryPercent: 25, sizeType: 'CAPACITY_PERCENT', waitSeconds: 600, finalBakeSeconds: 600, alarms, analysis: [] };
}

const endpoint = (alarms: AlarmSpec[]) => lane({ scalableTargets: [target({ minCapacity: 2, maxCapacity: 100 })], rollout: sageMaker(alarms), slo: { latencyPercentile: 95, latencyMs: 300, maxErrorRatePercent: 1 } });

test('a bad canary (0.5% -> 5% errors) at 1,000 RPS is rolled back within 5 minutes by a 2-of-10 error-rate alarm on the variant', () => {
  const r = rolloutTrials(endpoint([errorAlarm('IF(inv > 0, 100 * err / inv, 0)')]), { rps: 1000, kind: CanaryKind.BAD_ERRORS, profiles: PROFILES, trials: 300 });
  expect(r.rolledBackPercent).toBe(100);
  expect(r.detectedWithin5MinPercent).toBeGreaterThanOrEqual(99);
  expect(r.p50DetectMinutes).toBe(2); // M = 2 breaching minutes
});

test('M of N: with 1 of 1 the first breaching minute rolls back (2 of 10 needs two)', () => {
  const one = rolloutTrials(endpoint([errorAlarm('IF(inv > 0, 100 * err / inv, 0)', 1, 1)]), { rps: 1000, kind: CanaryKind.BAD_ERRORS, profiles: PROFILES, trials: 100 });
  expect(one.p50DetectMinutes).toBe(1);
});

test('at 2 RPS a healthy canary trips an error-rate alarm with no minimum-request guard; a guard above the traffic silences it (and the bad one too)', () => {
  const noGuard = rolloutTrials(endpoint([errorAlarm('IF(inv > 0, 100 * err / inv, 0)')]), { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 300 });
  expect(noGuard.rolledBackPercent).toBeGreaterThan(50);
  const guard = rolloutTrials(endpoint([errorAlarm('IF(inv >= 1000, 100 * err / inv, 0)')]), { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 300 });
  expect(guard.rolledBackPercent).toBe(0);
  const guardBad = rolloutTrials(endpoint([errorAlarm('IF(inv >= 1000, 100 * err / inv, 0)')]), { rps: 2, kind: CanaryKind.BAD_ERRORS, profiles: PROFILES, trials: 100 });
  expect(guardBad.rolledBackPercent).toBe(0);
});

test('CodeDeploy canaries are judged on the alias: a 10% canary dilutes 5% errors to ~0.95%, under a 1% threshold', () => {
  const l = lane({
    kind: 'serverless', scalableTargets: [target({ serviceNamespace: 'lambda', minCapacity: 5 })],
    rollout: { mechanism: 'codedeploy-lambda', type: 'CANARY', canaryPercent: 10, waitSeconds: 300, finalBakeSeconds: 0, alarms: [errorAlarm('IF(inv > 0, 100 * err / inv, 0)')], analysis: [] },
  });
  const r = rolloutTrials(l, { rps: 1000, kind: CanaryKind.BAD_ERRORS, profiles: PROFILES, trials: 300 });
  expect(r.deploymentMinutes).toBe(5);
  expect(r.rolledBackPercent).toBeLessThan(99);
});

test('Argo analysis on the canary pods: failureLimit 1 aborts on the second failed measurement', () => {
  const l = lane({
    kind: 'gpu-cluster', slo: { latencyPercentile: 95, latencyMs: 100, maxErrorRatePercent: 1 },
    rollout: { mechanism: 'argo-canary', type: 'CANARY', canaryPercent: 10, waitSeconds: 600, finalBakeSeconds: 600, alarms: [], analysis: [
      { name: 'error-rate', interval: 60, failureLimit: 1, successCondition: 'result[0] <= 1', query: 'failure', measures: 'error-rate', bound: 1 },
    ] },
  });
  const r = rolloutTrials(l, { rps: 1000, kind: CanaryKind.BAD_ERRORS, profiles: { 'gpu-cluster': { requestsPerSecondAtSlo: 200, latencyAtSloMs: 80, concurrency: 8 } }, trials: 100 });
  expect(r.p50DetectMinutes).toBe(2);
  expect(r.p99DetectMinutes).toBe(2);
});

test('a lane without rollback alarms never rolls back, and says why', () => {
  const l = lane({ kind: 'batch-workers', rollout: { mechanism: 'ecs', type: 'ALL_AT_ONCE', canaryPercent: 100, waitSeconds: 0, finalBakeSeconds: 0, alarms: [], analysis: [] } });
  const r = rolloutTrials(l, { rps: 2, kind: CanaryKind.BAD_ERRORS, profiles: { 'batch-workers': { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000 } } });
  expect(r).toMatchObject({ rolledBackPercent: 0, note: 'ecs: no rollback alarm or analysis is emitted; a bad version is never rolled back by metrics' });
});

test('the same seed gives the same trials', () => {
  const l = endpoint([errorAlarm('IF(inv > 0, 100 * err / inv, 0)')]);
  const a = rolloutTrials(l, { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 200, seed: 4 });
  expect(rolloutTrials(l, { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 200, seed: 4 })).toEqual(a);
  expect(rolloutTrials(l, { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 200, seed: 5 })).not.toEqual(a);
});

test('Argo analysis over a 5-minute interval with a minimum of 100 canary requests never measures a 0.2 RPS canary', () => {
  const l = lane({
    kind: 'gpu-cluster', slo: { latencyPercentile: 95, latencyMs: 100, maxErrorRatePercent: 1 },
    rollout: { mechanism: 'argo-canary', type: 'CANARY', canaryPercent: 10, waitSeconds: 600, finalBakeSeconds: 0, alarms: [], analysis: [
      { name: 'error-rate', interval: 300, failureLimit: 0, successCondition: 'result[0] <= 2', query: 'failure', measures: 'error-rate', bound: 2, minRequests: 100 },
    ] },
  });
  const profiles = { 'gpu-cluster': { requestsPerSecondAtSlo: 200, latencyAtSloMs: 80, concurrency: 8 } };
  expect(rolloutTrials(l, { rps: 2, kind: CanaryKind.BAD_ERRORS, profiles, trials: 100 }).rolledBackPercent).toBe(0);
  const atLoad = rolloutTrials(l, { rps: 1000, kind: CanaryKind.BAD_ERRORS, profiles, trials: 100 });
  expect([atLoad.rolledBackPercent, atLoad.p50DetectMinutes]).toEqual([100, 5]); // the first 5-minute measurement
});

test('canary-only alarms (what-if) see no data before the new version serves', () => {
  const l = endpoint([errorAlarm('IF(inv > 0, 100 * err / inv, 0)')]);
  const mixed = rolloutTrials(l, { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 200 });
  const only = rolloutTrials(l, { rps: 2, kind: CanaryKind.HEALTHY, profiles: PROFILES, trials: 200, canaryOnlyAlarms: true });
  expect(mixed.p50DetectMinutes).toBe(1); // the variant alarm is already in ALARM from the old version's noise
  expect(only.p50DetectMinutes).toBeGreaterThan(1);
});

test('LINEAR shifts a step every interval: 10% every 2 minutes is 18 minutes at 10-90%, then all traffic', () => {
  const l = lane({
    kind: 'serverless', scalableTargets: [target({ serviceNamespace: 'lambda', minCapacity: 5 })],
    rollout: { mechanism: 'codedeploy-lambda', type: 'LINEAR', canaryPercent: 10, linearStepPercent: 10, waitSeconds: 120, finalBakeSeconds: 0, alarms: [errorAlarm('IF(inv > 0, 100 * err / inv, 0)')], analysis: [] },
  });
  const r = rolloutTrials(l, { rps: 1000, kind: CanaryKind.BAD_ERRORS, profiles: PROFILES, trials: 100 });
  expect(r.deploymentMinutes).toBe(18);
  // 5% errors reach 1% of the alias at a 20% share (minutes 2-3): rolled back from minute ~3-5
  expect(r.rolledBackPercent).toBe(100);
  expect(r.p99DetectMinutes).toBeLessThanOrEqual(8);
});
