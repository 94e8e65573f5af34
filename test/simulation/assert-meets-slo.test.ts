import { App, Duration, Stack } from 'aws-cdk-lib';
import { AutoscalingPolicy, EndpointMode, ManagedEndpoint, ScalingTrigger, ServiceLevelObjective, Rollout } from '../../lib';
import { Simulation } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';
import { Trace } from '../../lib/simulation/traces';

const PROFILES = { 'managed-endpoint': { requestsPerSecondAtSlo: 12, latencyAtSloMs: 250, concurrency: 4, pricePerInstanceHour: 0.23 } };

function endpointStack(minCapacity: number, maxCapacity: number): Stack {
  const stack = new Stack(new App(), 'Endpoint', { env: { account: '123456789012', region: 'us-east-1' } });
  new ManagedEndpoint(stack, 'Chat', {
    artifact: demoArtifact('1.0.0'),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({ minCapacity, maxCapacity, triggers: [ScalingTrigger.inFlightPerInstance(4)], warmBufferPercent: 20 }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.allAtOnce(),
  });
  return stack;
}

// 30 minutes at 20 RPS, then 30 minutes at 60 RPS (a surge the endpoint must scale for).
function surge(): Trace {
  const rps = new Float64Array(3600);
  rps.fill(20, 0, 1800);
  rps.fill(60, 1800);
  return { name: 'surge', rps, startEpochSeconds: Date.UTC(2027, 2, 3, 5) / 1000 };
}

test('passes when the emitted scaling keeps the SLO, and returns the run', () => {
  const r = Simulation.assertMeetsSlo(endpointStack(6, 10), surge(), { profiles: PROFILES, minSloMinutesPercent: 99 });
  expect(r.sloMinutesPercent).toBeGreaterThanOrEqual(99);
  expect(r.lanes[0].path).toBe('Endpoint/Chat');
});

test('fails a build whose maximum capacity cannot carry the surge, naming the numbers and the fix', () => {
  expect(() => Simulation.assertMeetsSlo(endpointStack(1, 3), surge(), { profiles: PROFILES, minSloMinutesPercent: 99 }))
    .toThrow(/Simulation of Endpoint on trace 'surge': \d+\.\d+% of minutes meet p95 < 300 ms, fewer than 99% \(\d+ of 60 minutes missed, first at minute \d+: \d+ RPS on \d+ instance\(s\)\).*Fix: raise the minimum/);
});

test('a cost guard: maxInstanceHours', () => {
  expect(() => Simulation.assertMeetsSlo(endpointStack(6, 10), surge(), { profiles: PROFILES, minSloMinutesPercent: 0, maxInstanceHours: 1 }))
    .toThrow(/\d+\.\d instance-hours, more than the 1 allowed/);
});

test('rejects a percentage outside 0-100 and a stack without a profile for its lane', () => {
  expect(() => Simulation.assertMeetsSlo(endpointStack(1, 3), surge(), { profiles: PROFILES, minSloMinutesPercent: 101 }))
    .toThrow(/minSloMinutesPercent \(101\) must be between 0 and 100/);
  expect(() => Simulation.assertMeetsSlo(endpointStack(1, 3), surge(), { profiles: {} }))
    .toThrow(/no serving profile for lane Endpoint\/Chat \(managed-endpoint\): pass profiles\['Endpoint\/Chat'\] or profiles\['managed-endpoint'\]/);
});
