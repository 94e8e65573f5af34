import { simulate } from '../../lib/simulation/engine';
import { TARGET_TRACKING } from '../../lib/simulation/platform';
import { alarm, constantTrace, lane, model, piecewiseTrace, START, target, tt } from './helpers';

// One instance serves 10 RPS at the SLO; 4 slots. The policy tracks invocations per instance per
// minute (600 = 10 RPS per instance).
const PROFILE = { default: { requestsPerSecondAtSlo: 10, latencyAtSloMs: 250, concurrency: 4, arrivalSeconds: 60 } };

describe('Application Auto Scaling target tracking', () => {
  test('constants are the documented ones: 3 of 3 out, 15 of 15 in, 10% scale-in margin', () => {
    expect(TARGET_TRACKING).toMatchObject({ scaleOutDatapoints: 3, scaleInDatapoints: 15, scaleInMargin: 0.1, periodSeconds: 60 });
  });

  test('a scale-out needs 3 breaching one-minute datapoints', () => {
    // GIVEN 2 instances at 15 RPS each (900/min per instance > 600)
    const l = lane({ initialCapacity: 2, scalableTargets: [target({ minCapacity: 2, targetTracking: [tt({ targetValue: 600 })] })] });
    // WHEN
    const r = simulate(model(l), constantTrace(30, 600), { profiles: PROFILE });
    // THEN the first scale-out comes at the end of the third minute, proportional: ceil(2 × 900 / 600) = 3
    expect(r.lanes[0].activities[0]).toMatchObject({ t: 180, from: 2, to: 3 });
  });

  test('two breaching minutes then a quiet one do not scale out', () => {
    const l = lane({ initialCapacity: 2, scalableTargets: [target({ minCapacity: 2, targetTracking: [tt({ targetValue: 600 })] })] });
    const r = simulate(model(l), piecewiseTrace([[120, 30], [60, 10], [120, 30], [60, 10]]), { profiles: PROFILE });
    expect(r.lanes[0].activities).toEqual([]);
  });

  test('scale-in needs 15 of 15 datapoints below 90% of the target', () => {
    // 3 instances; 15 RPS = 300/min per instance, 50% of the target: in after 15 minutes, to ceil(3 × 300/600) = 2
    const l = lane({ initialCapacity: 3, scalableTargets: [target({ minCapacity: 1, targetTracking: [tt({ targetValue: 600 })] })] });
    const r = simulate(model(l), constantTrace(15, 1200), { profiles: PROFILE });
    expect(r.lanes[0].activities[0]).toMatchObject({ t: 900, from: 3, to: 2 });
  });

  test('the 10% margin: at 95% of the target nothing scales in', () => {
    // 2 instances, 19 RPS: 570/min per instance = 95% of 600 (above 540)
    const l = lane({ initialCapacity: 2, scalableTargets: [target({ minCapacity: 1, targetTracking: [tt({ targetValue: 600 })] })] });
    const r = simulate(model(l), constantTrace(19, 3600), { profiles: PROFILE });
    expect(r.lanes[0].activities).toEqual([]);
  });

  test('at 85% of the target it scales in, proportionally', () => {
    // 10 instances, 85 RPS: 510/min per instance (< 540): ceil(10 × 510 / 600) = 9
    const l = lane({ initialCapacity: 10, scalableTargets: [target({ minCapacity: 1, targetTracking: [tt({ targetValue: 600 })] })] });
    const r = simulate(model(l), constantTrace(85, 1200), { profiles: PROFILE });
    expect(r.lanes[0].activities[0]).toMatchObject({ t: 900, from: 10, to: 9 });
  });

  test('scale-in cooldown blocks a second scale-in', () => {
    const l = lane({ initialCapacity: 8, scalableTargets: [target({ minCapacity: 1, targetTracking: [tt({ targetValue: 600, scaleInCooldown: 600 })] })] });
    const r = simulate(model(l), piecewiseTrace([[1200, 20], [1800, 5]]), { profiles: PROFILE });
    const ins = r.lanes[0].activities.filter(a => a.to < a.from);
    expect(ins.length).toBeGreaterThanOrEqual(2);
    expect(ins[1].t - ins[0].t).toBeGreaterThanOrEqual(600);
  });

  test('high-resolution SageMaker concurrency metric scales out after 3 ten-second datapoints', () => {
    const l = lane({ initialCapacity: 2, scalableTargets: [target({ minCapacity: 2, targetTracking: [tt({ predefined: 'SageMakerVariantConcurrentRequestsPerModelHighResolution', targetValue: 2 })] })] });
    const r = simulate(model(l), constantTrace(30, 300), { profiles: PROFILE });
    expect(r.lanes[0].activities[0].t).toBe(30);
  });

  test('new capacity serves only after the arrival delay', () => {
    const l = lane({ initialCapacity: 2, scalableTargets: [target({ minCapacity: 2, targetTracking: [tt({ targetValue: 600 })] })] });
    const r = simulate(model(l), constantTrace(30, 600), { profiles: PROFILE, keepSeries: true });
    const cap = r.series!['App/Lane'].data.capacity;
    expect(cap[180 + 59]).toBe(2);
    expect(cap[180 + 60]).toBe(3);
  });
});

describe('step scaling', () => {
  const stepLane = (cooldown: number) => lane({
    initialCapacity: 1,
    scalableTargets: [target({
      minCapacity: 1,
      stepScaling: [{
        logicalId: 'Step', adjustmentType: 'ChangeInCapacity', cooldown,
        steps: [{ lower: 0, adjustment: 1 }],
        alarms: [alarm({ metric: { namespace: 'AWS/SageMaker', metricName: 'Invocations', stat: 'Sum', period: 60 }, threshold: 0, comparison: 'GreaterThanThreshold' })],
      }],
    })],
  });

  test('a cooldown blocks a second step of the same size', () => {
    const r = simulate(model(stepLane(300)), constantTrace(5, 900), { profiles: PROFILE });
    expect(r.lanes[0].activities.map(a => [a.t, a.to])).toEqual([[60, 2], [360, 3], [660, 4]]);
  });

  test('without a cooldown it steps every minute the alarm stays in ALARM', () => {
    const r = simulate(model(stepLane(0)), constantTrace(5, 300), { profiles: PROFILE });
    expect(r.lanes[0].activities.map(a => a.t)).toEqual([60, 120, 180, 240]);
  });

  test('the alarm needs M of N breaching datapoints', () => {
    const l = stepLane(0);
    const a = l.scalableTargets[0].stepScaling[0];
    const withMofN = { ...l, scalableTargets: [{ ...l.scalableTargets[0], stepScaling: [{ ...a, alarms: [{ ...a.alarms[0], evaluationPeriods: 5, datapointsToAlarm: 3 }] }] }] };
    const r = simulate(model(withMofN), constantTrace(5, 300), { profiles: PROFILE });
    expect(r.lanes[0].activities[0].t).toBe(180);
  });
});

describe('scheduled actions', () => {
  test('cron in a time zone raises the minimum at the local time', () => {
    // 11:45 New York on Wednesday 3 March 2027 = 16:45 UTC = 42,300 s after the start (00:00 New York)
    const l = lane({ initialCapacity: 1, scalableTargets: [target({ minCapacity: 1, scheduled: [
      { name: 'sale-start', schedule: 'cron(45 11 ? * WED *)', timeZone: 'America/New_York', minCapacity: 5 },
      { name: 'sale-end', schedule: 'cron(0 14 ? * WED *)', timeZone: 'America/New_York', minCapacity: 1 },
    ] })] });
    const r = simulate(model(l), constantTrace(1, 43200), { profiles: PROFILE });
    expect(r.lanes[0].activities[0]).toMatchObject({ t: 42300, from: 1, to: 5 });
  });

  test('the state of the latest action before the start applies from the first second', () => {
    const l = lane({ initialCapacity: 1, scalableTargets: [target({ minCapacity: 1, scheduled: [{ name: 'morning', schedule: 'cron(0 0 * * ? *)', minCapacity: 3 }] })] });
    const r = simulate(model(l), constantTrace(1, 120), { profiles: PROFILE, keepSeries: true });
    expect(r.lanes[0].activities[0]).toMatchObject({ t: 0, to: 3 });
    expect(START % 86400).toBe(5 * 3600);
  });
});

describe('Lambda provisioned concurrency and spillover', () => {
  const LAMBDA = { serverless: { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200, coldStartMs: 1500 } };

  test('beyond the provisioned environments requests spill to on-demand and the new ones start cold', () => {
    // 2 environments, 20 RPS × 0.2 s = 4 concurrent: 2 spill, 2 new cold environments in the first second
    const l = lane({ kind: 'serverless', initialCapacity: 2, scalableTargets: [target({ serviceNamespace: 'lambda', minCapacity: 2, maxCapacity: 2 })] });
    const r = simulate(model(l), constantTrace(20, 60), { profiles: LAMBDA, keepSeries: true });
    const d = r.series!['App/Lane'].data;
    expect(d.spill[0]).toBeCloseTo(10);
    expect(d.cold[0]).toBe(2);
    expect(d.cold[1]).toBe(0); // warm after first use
    expect(r.lanes[0].spilloverPercent).toBeCloseTo(50);
  });

  test('reserved concurrency throttles the excess', () => {
    const l = lane({ kind: 'serverless', reservedConcurrency: 3, initialCapacity: 2, scalableTargets: [target({ serviceNamespace: 'lambda', minCapacity: 2, maxCapacity: 2 })] });
    const r = simulate(model(l), constantTrace(20, 60), { profiles: LAMBDA, keepSeries: true });
    expect(r.series!['App/Lane'].data.throttles[5]).toBeCloseTo(5); // 1 of 4 concurrent
    expect(r.sloMinutesPercent).toBe(0); // 25% throttled > 1% error budget
  });
});

describe('SQS backlog', () => {
  test('the oldest message ages while workers drain the queue in order', () => {
    const l = lane({ kind: 'batch-workers', initialCapacity: 1, slo: { maxTimeInQueue: 60 } });
    const r = simulate(model(l), piecewiseTrace([[1, 120], [179, 0]]), { profiles: { 'batch-workers': { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000 } }, keepSeries: true });
    const d = r.series!['App/Lane'].data;
    expect(d.visible[0]).toBe(119);
    expect(d.oldestAge[59]).toBe(59);
    expect(d.visible[120]).toBe(0);
  });
});

describe('KEDA and the HPA', () => {
  const GPU = { 'gpu-cluster': { requestsPerSecondAtSlo: 200, latencyAtSloMs: 80, concurrency: 8, arrivalSeconds: 60 } };
  const scaler = (props: Record<string, unknown> = {}) => ({
    kind: 'ScaledObject' as const, name: 's', minReplicas: 2, maxReplicas: 40, pollingInterval: 15,
    triggers: [{ type: 'prometheus', metadata: { threshold: '6' }, metricType: 'AverageValue' }],
    scaleUpStabilization: 0, scaleDownStabilization: 600,
    scaleUpPolicies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }],
    scaleDownPolicies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], scaleUpSelect: 'Max', scaleDownSelect: 'Max', ...props,
  });

  test('scale-up is limited to max(100%, 4 pods) per 15-second sync', () => {
    const l = lane({ kind: 'gpu-cluster', kubernetesScalers: [scaler()], slo: { latencyPercentile: 95, latencyMs: 100 } });
    const r = simulate(model(l), constantTrace(3000, 300), { profiles: GPU });
    const ups = r.lanes[0].activities.filter(a => a.to > a.from);
    expect(ups[0]).toMatchObject({ from: 2, to: 6 }); // +4 pods beats +100% from 2
    for (const a of ups) { expect(a.to).toBeLessThanOrEqual(Math.max(2 * a.from, a.from + 4)); }
  });

  test('the scale-down stabilization window holds the highest recommendation for 600 s', () => {
    const l = lane({ kind: 'gpu-cluster', kubernetesScalers: [scaler()], slo: { latencyPercentile: 95, latencyMs: 100 } });
    // steady at 1,000 RPS for 30 minutes (the recommendation equals the replicas), then 100 RPS
    const r = simulate(model(l), piecewiseTrace([[1800, 1000], [1500, 100]]), { profiles: GPU });
    const downs = r.lanes[0].activities.filter(a => a.to < a.from && a.t >= 1800);
    expect(downs[0].t).toBeGreaterThanOrEqual(1800 + 600 - 15);
    expect(downs[0].t).toBeLessThanOrEqual(1800 + 600 + 60);
  });

  test('a cron trigger holds desiredReplicas between start and end (time zone)', () => {
    const cron = { type: 'cron', metadata: { start: '45 11 * * WED', end: '0 14 * * WED', timezone: 'America/New_York', desiredReplicas: '30' } };
    const l = lane({ kind: 'gpu-cluster', kubernetesScalers: [scaler({ triggers: [cron] })], slo: { latencyPercentile: 95, latencyMs: 100 } });
    const r = simulate(model(l), constantTrace(10, 15 * 3600), { profiles: GPU, keepSeries: true });
    // 11:45 New York: the cron trigger asks for 30; the HPA rate limit gets there in 4 syncs (2, 6, 12, 24, 30)
    expect(r.lanes[0].activities.filter(a => a.t >= 42300 && a.t <= 42345).map(a => a.to)).toEqual([6, 12, 24, 30]);
    expect(r.lanes[0].activities.find(a => a.to === 6)?.t).toBe(42300);
    const down = r.lanes[0].activities.find(a => a.from === 30 && a.to < 30);
    expect(down!.t).toBeGreaterThanOrEqual(14 * 3600 + 600); // after 14:00 plus the 600 s stabilization
  });
});

test('a step scale-in (ExactCapacity 0) is not held back by target tracking', () => {
  const l = lane({
    kind: 'batch-workers', initialCapacity: 3, slo: { maxTimeInQueue: 600 },
    scalableTargets: [target({
      serviceNamespace: 'ecs', minCapacity: 0,
      targetTracking: [tt({ predefined: 'ECSServiceAverageCPUUtilization', targetValue: 70 })],
      stepScaling: [{
        logicalId: 'Empty', adjustmentType: 'ExactCapacity', cooldown: 60, steps: [{ lower: 0, adjustment: 0 }],
        alarms: [alarm({ evaluationPeriods: 3, datapointsToAlarm: 3, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold',
          math: { expression: 'IF(FILL(visible, 0) == 0, 1, 0)', period: 60, metrics: { visible: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', stat: 'Maximum', period: 60 } } } })],
      }],
    })],
  });
  const r = simulate(model(l), constantTrace(0, 600), { profiles: { 'batch-workers': { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000 } } });
  expect(r.lanes[0].activities[0]).toMatchObject({ t: 180, from: 3, to: 0, cause: expect.stringMatching(/step scaling Empty/) });
});

test('two step scale-ins in ALARM at once: the one leaving the larger capacity wins (AAS, multiple scaling policies); a <= alarm at its threshold takes the upper: 0 step', () => {
  const visible = { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', stat: 'Maximum', period: 60 };
  const idle = { logicalId: 'Idle', adjustmentType: 'ChangeInCapacity', cooldown: 60, steps: [{ upper: 0, adjustment: -6 }],
    alarms: [alarm({ threshold: 0, comparison: 'LessThanOrEqualToThreshold', math: { expression: 'FILL(visible, 0)', period: 60, metrics: { visible } } })] };
  const oneByOne = { logicalId: 'OneByOne', adjustmentType: 'ChangeInCapacity', cooldown: 60, steps: [{ lower: 0, adjustment: -1 }],
    alarms: [alarm({ threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', math: { expression: 'IF(FILL(visible, 0) < 1, 1, 0)', period: 60, metrics: { visible } } })] };
  const run = (steps: any[]) => simulate(model(lane({
    kind: 'batch-workers', initialCapacity: 4, slo: { maxTimeInQueue: 600 },
    scalableTargets: [target({ serviceNamespace: 'ecs', minCapacity: 0, stepScaling: steps })],
  })), constantTrace(0, 300), { profiles: { 'batch-workers': { requestsPerSecondAtSlo: 1, latencyAtSloMs: 1000 } } }).lanes[0].activities;
  // The idle step alone empties the service at the first evaluation (an empty queue reads 0, at the threshold).
  expect(run([idle])[0]).toMatchObject({ t: 60, from: 4, to: 0 });
  // With the one-by-one step also in ALARM, its larger capacity wins every minute: 3, 2, 1, 0.
  expect(run([idle, oneByOne]).map(a => [a.t, a.to])).toEqual([[60, 3], [120, 2], [180, 1], [240, 0]]);
});
