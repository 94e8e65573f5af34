import { Simulation } from '../../lib/testing';
import { endpointStack, PROFILES, surge } from './endpoint-fixtures';

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
