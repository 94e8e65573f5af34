import { loadExampleApp } from '../../lib/simulation/apps';
import { simulate } from '../../lib/simulation/engine';
import { runScenario, toJson, toText } from '../../lib/simulation/report';
import { EXAMPLE_PROFILES } from '../../lib/simulation/seed';
import { FrontDoorSpec, LaneSpec, StackModel } from '../../lib/simulation/stack-model';
import { assistantTrace } from '../../lib/simulation/traces';
import { readStack } from '../../lib/simulation/template-reader';
import { tailProbability } from '../../lib/simulation/queueing';
import { alarm, constantTrace, lane, piecewiseTrace } from './helpers';

// Primary: one single-slot instance with s = 100 ms (takes 10 RPS before every slot is busy);
// burst: a Lambda lane with no reserved concurrency (never throttles).
const PROFILES = {
  'managed-endpoint': { requestsPerSecondAtSlo: 0.0001, latencyAtSloMs: 100, pricePerInstanceHour: 1 },
  'serverless': { requestsPerSecondAtSlo: 5, latencyAtSloMs: 100 },
};
const PRIMARY = 'App/Primary';
const BURST = 'App/Burst';

function pair(fd?: Partial<FrontDoorSpec>, primary: Partial<LaneSpec> = {}): StackModel {
  const lanes = [
    lane({ path: PRIMARY, initialCapacity: 1, ...primary }),
    lane({ path: BURST, kind: 'serverless', anchor: 'Fn', initialCapacity: 0 }),
  ];
  const frontDoors: FrontDoorSpec[] | undefined = fd ? [{
    path: 'App/FrontDoor', router: 'Router', primary: PRIMARY, burst: BURST, hedgeAfterMs: 0,
    retry: { budgetPercent: 100, bucketSize: 10, jitterMs: 25 }, ...fd,
  }] : undefined;
  return { lanes, findings: [], frontDoors };
}

const requestsOf = (r: ReturnType<typeof simulate>, path: string) => r.lanes.find(l => l.path === path)!.requests;

describe('front door spillover', () => {
  test('spills only on capacity exhaustion: a slow but unsaturated primary (9 RPS of 10) keeps every request, even while it misses the SLO', () => {
    const r = simulate(pair({}), constantTrace(9, 120), { profiles: PROFILES });
    expect(r.frontDoor).toBe('App/FrontDoor');
    expect(requestsOf(r, BURST)).toBe(0);
    expect(requestsOf(r, PRIMARY)).toBeCloseTo(9 * 120, 6);
    expect(r.spilledPercent).toBe(0);
    expect(r.unservedRequests).toBe(0);
    expect(r.sloMinutesPercent).toBe(0); // p95 = 0.1 + ln(18)/2 s: the router does not spill on latency
  });

  test('beyond the primary\'s all-slots-busy rate the rest spills to the burst lane (budget 100%)', () => {
    const r = simulate(pair({}), constantTrace(15, 120), { profiles: PROFILES, keepSeries: true });
    expect(requestsOf(r, PRIMARY)).toBeCloseTo(10 * 120, 6);
    expect(requestsOf(r, BURST)).toBeCloseTo(5 * 120, 6);
    expect(r.spilledPercent).toBeCloseTo(100 * 5 / 15, 6);
    expect(r.unservedRequests).toBeCloseTo(0, 9);
    // The primary's rejections are recorded as throttles of that lane.
    expect(r.series![PRIMARY].data.throttles[0]).toBeCloseTo(5, 9);
  });

  test('the retry budget caps the spill: 10% and a bucket of 10 per environment (hand-computed), the rest is answered 503', () => {
    // 20 RPS, primary takes 10: 10 rejected per second. Environments = 20 × 0.1 s = 2, so the bucket holds
    // at most 20 tokens; each second adds 2. Second 0: 10 + 2 = 12 tokens, 10 spill (2 left); second 1:
    // 2 + 2 = 4 spill; then 2 per second.
    const r = simulate(pair({ retry: { budgetPercent: 10, bucketSize: 10, jitterMs: 25 } }), constantTrace(20, 600), { profiles: PROFILES });
    const spilled = 10 + 4 + 2 * 598;
    expect(requestsOf(r, BURST)).toBeCloseTo(spilled, 6);
    expect(r.spilledPercent).toBeCloseTo(100 * spilled / 12000, 6);
    expect(r.unservedRequests).toBeCloseTo(6000 - spilled, 6);
    expect(r.unservedPercent).toBeCloseTo(100 * (6000 - spilled) / 12000, 6);
    // With the whole budget every rejected request gets its one retry.
    const full = simulate(pair({}), constantTrace(20, 600), { profiles: PROFILES });
    expect(requestsOf(full, BURST)).toBeCloseTo(6000, 6);
    expect(full.unservedRequests).toBeCloseTo(0, 9);
  });

  test('without a burst lane in the run nothing spills: rejected requests are 503s', () => {
    const m = pair({ burst: undefined });
    const r = simulate(m, constantTrace(15, 60), { profiles: PROFILES });
    expect(requestsOf(r, BURST)).toBe(0);
    expect(r.unservedRequests).toBeCloseTo(5 * 60, 6);
  });
});

describe('front door failover', () => {
  // The primary's rollback alarm as the lanes emit it: ModelLatency p95 above 300 ms, 1 of 1 minute.
  const latencyAlarm = alarm({ logicalId: 'Latency', threshold: 300, comparison: 'GreaterThanThreshold',
    metric: { namespace: 'AWS/SageMaker', metricName: 'ModelLatency', stat: 'p95', period: 60 } });

  test('while the alarm is in ALARM (seen cacheMs later) new requests go to the burst lane; back after it recovers', () => {
    // 4 RPS (p95 273 ms), 9 RPS from 120 s (p95 1.5 s), 4 RPS from 240 s.
    const m = pair({ failover: { alarms: ['Latency'], cacheMs: 5000, failbackMs: 0, failbackStartPercent: 100 } }, { alarms: [latencyAlarm] });
    const r = simulate(m, piecewiseTrace([[120, 4], [120, 9], [600, 4]]), { profiles: PROFILES, keepSeries: true });
    const burst = r.series![BURST].data.requests;
    const primary = r.series![PRIMARY].data.requests;
    // ALARM at 180 s (the datapoint of 120-180 s), seen at 185 s; the datapoint of 180-240 s still has the
    // primary's 5 slow seconds; 240-300 s has no primary data (notBreaching): OK at 300 s, seen at 305 s.
    expect([burst[184], burst[185], burst[304], burst[305]]).toEqual([0, 9, 4, 0]);
    expect([primary[184], primary[185], primary[304], primary[305]]).toEqual([9, 0, 0, 4]);
    expect(r.failedOverMinutes).toBe(2);
    expect(requestsOf(r, BURST)).toBeCloseTo(9 * 55 + 4 * 65, 6);
    expect(r.spilledPercent).toBe(0);
  });

  test('failed over, the burst lane comes first and what it throttles (reserved concurrency) spills back to the primary', () => {
    // An alarm on a metric with no data, missing = breaching: ALARM from 60 s, seen from 65 s.
    const always = alarm({ logicalId: 'Latency', threshold: 1, treatMissingData: 'breaching', metric: { namespace: 'Custom', metricName: 'None', stat: 'Average', period: 60 } });
    const m = pair({ failover: { alarms: ['Latency'], cacheMs: 5000, failbackMs: 0, failbackStartPercent: 100 } }, { alarms: [always] });
    const burstLane = { ...m.lanes[1], reservedConcurrency: 1 }; // 1 / 0.1 s = 10 RPS
    const r = simulate({ ...m, lanes: [m.lanes[0], burstLane] }, constantTrace(15, 180), { profiles: PROFILES, keepSeries: true });
    const b = r.series![BURST].data;
    const p = r.series![PRIMARY].data;
    expect([b.requests[64], p.requests[64]]).toEqual([5, 10]); // before: primary takes 10, 5 spill to the burst lane
    expect(b.requests[65]).toBeCloseTo(10, 9);
    expect(b.throttles[65]).toBeCloseTo(5, 9);
    expect(p.requests[65]).toBeCloseTo(5, 9);
    expect(r.failedOverMinutes).toBeCloseTo(115 / 60, 9);
    expect(r.unservedRequests).toBeCloseTo(0, 9);
  });

  test('an alarm the router does not fail over on does not move traffic', () => {
    const m = pair({ failover: { alarms: ['Other'], cacheMs: 5000, failbackMs: 0, failbackStartPercent: 100 } }, { alarms: [latencyAlarm] });
    const r = simulate(m, piecewiseTrace([[120, 4], [120, 9], [600, 4]]), { profiles: PROFILES });
    expect(r.failedOverMinutes).toBe(0);
    expect(requestsOf(r, BURST)).toBe(0);
  });
});

describe('front door load-aware spill (router.js Admission, fleet-wide)', () => {
  const ADMISSION = { budgetMs: 240, targetSlowPercent: 1, windowMs: 5000, adjustMs: 1000, gain: 5, increasePercent: 1, minPercent: 5 };

  test('a saturated primary: the share halves after the first second; the next step follows the decayed slow share (hand-computed)', () => {
    // 15 RPS, primary takes 10 (all slots busy): second 0 sends all 15 to the primary, 5 refused and spilled.
    const r = simulate(pair({ admission: ADMISSION }), constantTrace(15, 3), { profiles: PROFILES, keepSeries: true });
    const p = r.series![PRIMARY].data.requests;
    const b = r.series![BURST].data.requests;
    expect([p[0], b[0]]).toEqual([10, 5]);
    // Every answer slow (saturated) or refused: f = 1, share × max(0.5, 1 - 5 × 0.99) = 0.5.
    expect(p[1]).toBeCloseTo(7.5, 9);
    expect(b[1]).toBeCloseTo(7.5, 9);
    // Second 1: 7.5 served, slow share tail(0.24 s) of M/D/1 at 7.5 RPS, s = 0.1 s; evidence decays by e^-0.2.
    const k = Math.exp(-0.2);
    const f = (15 * k + 7.5 * tailProbability(0.24, 1, 7.5, 0.1)) / (15 * k + 7.5);
    const share = 0.5 * Math.max(0.5, 1 - 5 * (f - 0.01));
    expect(p[2]).toBeCloseTo(15 * share, 9);
    expect(r.offloadedPercent).toBeCloseTo(100 * (7.5 + 15 * (1 - share)) / 45, 9);
    expect(r.spilledPercent).toBeCloseTo(100 * 5 / 45, 9);
  });

  test('a slow but unsaturated primary (9 RPS of 10): the burst lane takes the excess before anything is refused, and the SLO is met', () => {
    const without = simulate(pair({}), constantTrace(9, 600), { profiles: PROFILES });
    const withAdm = simulate(pair({ admission: ADMISSION }), constantTrace(9, 600), { profiles: PROFILES, keepSeries: true });
    expect(without.sloMinutesPercent).toBe(0);
    expect(withAdm.sloMinutesPercent).toBe(100);
    expect(withAdm.spilledPercent).toBe(0);
    expect(withAdm.offloadedPercent).toBeGreaterThan(20);
    // In the last minute the primary runs near the point where 1 % of its answers take over 240 ms.
    const p = withAdm.series![PRIMARY].data.requests;
    const tail = p.slice(540, 600).map(x => tailProbability(0.24, 1, x, 0.1));
    expect(Math.max(...tail)).toBeLessThan(0.03);
    expect(Math.max(...tail)).toBeGreaterThan(0.005);
  });

  test('a fast primary keeps every request (share 100 %): nothing offloaded', () => {
    // 0.5 RPS: 0.35 % of answers over 240 ms (below the 1 % target); at 2 RPS it would be 2.1 %.
    expect(tailProbability(0.24, 1, 0.5, 0.1)).toBeLessThan(0.01);
    expect(tailProbability(0.24, 1, 2, 0.1)).toBeGreaterThan(0.01);
    const r = simulate(pair({ admission: ADMISSION }), constantTrace(0.5, 300), { profiles: PROFILES });
    expect(r.offloadedPercent).toBe(0);
    expect(requestsOf(r, BURST)).toBe(0);
  });
});

describe('front door gradual fail-back', () => {
  const latencyAlarm = alarm({ logicalId: 'Latency', threshold: 300, comparison: 'GreaterThanThreshold',
    metric: { namespace: 'AWS/SageMaker', metricName: 'ModelLatency', stat: 'p95', period: 60 } });

  test('after the alarm leaves ALARM (300 s, seen at 305 s) the primary-first share ramps from 10 % to 100 % over failbackMs (60 s)', () => {
    const m = pair({ failover: { alarms: ['Latency'], cacheMs: 5000, failbackMs: 60000, failbackStartPercent: 10 } }, { alarms: [latencyAlarm] });
    const r = simulate(m, piecewiseTrace([[120, 4], [120, 9], [600, 4]]), { profiles: PROFILES, keepSeries: true });
    const primary = r.series![PRIMARY].data.requests;
    const burst = r.series![BURST].data.requests;
    // The ramp is measured from the alarm's own state change (300 s), not from when the router saw it.
    expect(primary[304]).toBe(0);
    expect(primary[305]).toBeCloseTo(4 * (0.1 + 0.9 * 5 / 60), 9);
    expect(burst[305]).toBeCloseTo(4 - primary[305], 9);
    expect(primary[330]).toBeCloseTo(4 * 0.55, 9);
    expect([primary[359], primary[360]]).toEqual([expect.closeTo(4 * (0.1 + 0.9 * 59 / 60), 9), 4]);
    expect(r.failedOverMinutes).toBe(2);
    expect(r.failingBackMinutes).toBeCloseTo(55 / 60, 9);
  });

  test('failbackMs 0: all traffic returns at once (the previous behaviour)', () => {
    const m = pair({ failover: { alarms: ['Latency'], cacheMs: 5000, failbackMs: 0, failbackStartPercent: 10 } }, { alarms: [latencyAlarm] });
    const r = simulate(m, piecewiseTrace([[120, 4], [120, 9], [600, 4]]), { profiles: PROFILES, keepSeries: true });
    expect(r.series![PRIMARY].data.requests[305]).toBe(4);
    expect(r.failingBackMinutes).toBe(0);
  });
});

describe('no front door', () => {
  test('no spill: every interactive lane serves the whole trace on its own', () => {
    const r = simulate(pair(), constantTrace(15, 120), { profiles: PROFILES });
    expect(r.frontDoor).toBeUndefined();
    expect(requestsOf(r, PRIMARY)).toBeCloseTo(15 * 120, 6);
    expect(requestsOf(r, BURST)).toBeCloseTo(15 * 120, 6);
    expect([r.spilledPercent, r.failedOverMinutes, r.unservedRequests]).toEqual([0, 0, 0]);
    expect(r.requests).toBeCloseTo(15 * 120, 6);
  });

  test('a front door whose primary is not run does not route (the burst lane alone gets the trace)', () => {
    const r = simulate(pair({}), constantTrace(15, 60), { profiles: PROFILES, lanes: ['serverless'] });
    expect(r.frontDoor).toBeUndefined();
    expect(requestsOf(r, BURST)).toBeCloseTo(15 * 60, 6);
  });
});

describe('the assistant seed scenario on the hybrid example, through its real front door', () => {
  const model = loadExampleApp('hybrid');
  const s = runScenario('assistant-marketing-surges', model, assistantTrace(1), { profiles: EXAMPLE_PROFILES, lanes: ['managed-endpoint', 'serverless'] });
  const met = s.stack.minutes.met;
  const share = (from: number, to: number) => 100 * met.slice(from, to).filter(x => x).length / (to - from);

  test('baseline + burst through the front door: measured SLO minutes, offload, no failover, cost vs the oracle', () => {
    expect(s.stack.frontDoor).toBe('InferenceLanesHybrid/Assistant/FrontDoor');
    // The emitted router config: load-aware spill at 80 % of the 300 ms threshold, 1 % slow; 10-minute fail-back.
    expect(model.frontDoors![0].admission).toEqual({ budgetMs: 240, targetSlowPercent: 1, windowMs: 5000, adjustMs: 1000, gain: 5, increasePercent: 1, minPercent: 5 });
    expect(model.frontDoors![0].failover).toMatchObject({ failbackMs: 600000, failbackStartPercent: 10 });
    // Measured (seed 1): every minute meets the SLO (98.75 % before load-aware spill and fail-back).
    expect(s.stack.sloMinutesPercent).toBe(100);
    // The router offloads before the primary is saturated: its rollback alarms never fire, nothing is refused.
    expect(s.stack.failedOverMinutes).toBe(0);
    expect(s.stack.spilledPercent).toBeLessThan(0.01);
    expect(s.stack.unservedPercent).toBe(0);
    expect(s.stack.offloadedPercent).toBeGreaterThan(50);
    expect(s.stack.offloadedPercent).toBeLessThan(60);
    // The baseline stays at its minimum (2 instances): its in-flight target (3.2) is above the load at which
    // it keeps 99 % of its answers under 240 ms, so the burst pool carries the rest.
    const baseline = s.stack.lanes.find(l => l.kind === 'managed-endpoint')!;
    expect(baseline.peakCapacity).toBe(2);
    const burst = s.stack.lanes.find(l => l.kind === 'serverless')!;
    expect(burst.trafficSharePercent).toBeGreaterThan(50);
    // Cost 0.84x the oracle's (1.59x before; 0.96x with the pool tracking 0.8 in-flight plus a 25% warm buffer;
    // 1.15x with 10 warm environments, 40 at the event): the pool serves the offloaded requests more cheaply than
    // the SageMaker instances the oracle sizes.
    expect(s.stack.cost / s.oracle.cost).toBeGreaterThan(0.8);
    expect(s.stack.cost / s.oracle.cost).toBeLessThan(0.9);
    // Instance-hours against an oracle of the same lanes (each sized exactly for what it served): 1.18x.
    expect(s.stack.instanceHours / s.laneOracle!.instanceHours).toBeLessThanOrEqual(1.25);
  });

  test('the announced event (17:00-21:00 New York) and the unannounced surge (10:00-10:20) meet the SLO in every minute', () => {
    expect(share(17 * 60, 21 * 60)).toBe(100);
    expect(share(10 * 60, 10 * 60 + 20)).toBe(100);
  });

  test('the report carries spilled share, failed-over minutes and 503s in the table and --json', () => {
    const json = toJson([s], []) as { scenarios: Array<{ frontDoor: { path: string; spilledPercent: number; failedOverMinutes: number; unservedRequests: number } }> };
    expect(json.scenarios[0].frontDoor).toMatchObject({ path: 'InferenceLanesHybrid/Assistant/FrontDoor', unservedRequests: Math.round(s.stack.unservedRequests) });
    expect(json.scenarios[0].frontDoor.failedOverMinutes).toBeCloseTo(s.stack.failedOverMinutes, 2);
    const text = toText([s], []);
    expect(text).toMatch(/spilled %\s+failed over min\s+503s/);
    expect(text).toMatch(new RegExp(`\\nstack .* ${s.stack.spilledPercent.toFixed(3)}\\s+${s.stack.failedOverMinutes.toFixed(1)}\\s+${Math.round(s.stack.unservedRequests)}\\n`));
    expect(text).toMatch(/front door InferenceLanesHybrid\/Assistant\/FrontDoor: spilled %/);
  });
});

describe('reading a front door from a template', () => {
  const fn = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'burst-fn', Runtime: 'nodejs20.x' } };
  const alias = { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live', FunctionVersion: '1' } };
  const router = (config: unknown) => ({ Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { ROUTER_CONFIG: config } } } });

  test('literal target names are matched against the lanes; targets outside the lanes, hedging, the canary and unknown alarms are findings', () => {
    const config = JSON.stringify({
      route: 'S/FrontDoor', primary: { kind: 'lambda', functionName: 'burst-fn:live' }, burst: { kind: 'http', url: 'https://lb.example' },
      canary: { percent: 5, target: { kind: 'http', url: 'https://canary.example' } }, hedgeAfterMs: 150,
      retry: { budgetPercent: 20, bucketSize: 5, jitterMs: 10 }, failover: { table: 't', alarms: ['not-in-this-stack'], cacheMs: 2000 },
    });
    const m = readStack([{ stackName: 'S', template: { Resources: { Fn: fn, Alias: alias, Router: router(config) } } }]);
    expect(m.lanes.map(l => l.kind)).toEqual(['serverless']);
    expect(m.frontDoors).toEqual([{
      path: 'S/FrontDoor', router: 'Router', primary: m.lanes[0].path, burst: undefined, jobs: undefined,
      canary: { percent: 5, lane: undefined }, hedgeAfterMs: 150, retry: { budgetPercent: 20, bucketSize: 5, jitterMs: 10 },
      // No fail-back settings in the config (an older router): back at once; no admission.
      failover: { alarms: [], cacheMs: 2000, failbackMs: 0, failbackStartPercent: 100 }, admission: undefined,
    }]);
    expect(m.findings.filter(f => f.resource === 'Router' && f.severity === 'unsupported').map(f => f.message)).toEqual([
      'front door failover alarm not-in-this-stack is not an alarm of this stack; failover on it not simulated',
      'front door burst target (http) is not a lane the simulator runs; requests routed to it are not simulated',
      'front door canary target (http) is not a lane the simulator runs; requests routed to it are not simulated',
      'front door hedging (after 150 ms) is not simulated: requests the primary answers slowly are not sent to the burst lane',
      'front door cross-lane canary (5%) is not simulated: every request goes to the primary first',
    ]);
  });

  test('load-aware spill and the fail-back ramp are read from the config and named in the info finding', () => {
    const admission = { budgetMs: 240, targetSlowPercent: 1, windowMs: 5000, adjustMs: 1000, gain: 5, increasePercent: 1, minPercent: 5 };
    const config = JSON.stringify({
      route: 'S/FrontDoor', primary: { kind: 'lambda', functionName: 'burst-fn:live' }, hedgeAfterMs: 0, admission,
      failover: { table: 't', alarms: [], cacheMs: 5000, failbackMs: 600000, failbackStartPercent: 10 },
    });
    const m = readStack([{ stackName: 'S', template: { Resources: { Fn: fn, Alias: alias, Router: router(config) } } }]);
    expect(m.frontDoors![0]).toMatchObject({ admission, failover: { alarms: [], cacheMs: 5000, failbackMs: 600000, failbackStartPercent: 10 } });
    expect(m.findings.filter(f => f.resource === 'Router' && f.severity === 'info').map(f => f.message)).toEqual([
      'front door S/FrontDoor: primary S/Fn, burst -; spillover on capacity errors (retry budget 10%, bucket 10), load-aware admission (budget 240 ms, 1% slow) and failover on 0 alarm(s) with a 10-minute fail-back from 10% simulated',
    ]);
  });

  test('a ROUTER_CONFIG that is not readable at synth time is reported, and the lanes run on their own traffic', () => {
    const m = readStack([{ stackName: 'S', template: { Resources: { Fn: fn, Alias: alias, Router: router({ 'Fn::Sub': '${Cfg}' }) } } }]);
    expect(m.frontDoors).toEqual([]);
    expect(m.findings).toEqual([expect.objectContaining({ resource: 'Router', severity: 'unsupported', message: expect.stringMatching(/^front door router: ROUTER_CONFIG is not readable at synth time/) })]);
  });
});
