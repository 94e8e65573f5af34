import { Simulation } from '../../lib/testing';
import { endpointStack, PROFILES, surge } from '../simulation/endpoint-fixtures';

/**
 * Simulation.assertMeetsSlo's defaults and edges (issue 21 classes 2 and 4); its main cases are in
 * test/simulation/assert-meets-slo.test.ts.
 */
const big = endpointStack(6, 10);
const small = endpointStack(1, 3);
const passing = Simulation.assertMeetsSlo(big, surge(), { profiles: PROFILES, minSloMinutesPercent: 0 });
const failing = Simulation.assertMeetsSlo(small, surge(), { profiles: PROFILES, minSloMinutesPercent: 0 });

test('the default minimum is 99% of minutes', () => {
  expect(failing.sloMinutesPercent).toBeLessThan(99);
  expect(() => Simulation.assertMeetsSlo(small, surge(), { profiles: PROFILES })).toThrow(/fewer than 99% /);
  expect(passing.sloMinutesPercent).toBeGreaterThanOrEqual(99);
  expect(Simulation.assertMeetsSlo(big, surge(), { profiles: PROFILES }).sloMinutesPercent).toBe(passing.sloMinutesPercent);
});

test('edges: a minimum equal to the result passes, just above fails; 0 and 100 are accepted, outside is rejected', () => {
  expect(() => Simulation.assertMeetsSlo(small, surge(), { profiles: PROFILES, minSloMinutesPercent: failing.sloMinutesPercent })).not.toThrow();
  expect(() => Simulation.assertMeetsSlo(small, surge(), { profiles: PROFILES, minSloMinutesPercent: failing.sloMinutesPercent + 0.01 })).toThrow(/of minutes meet p95 < 300 ms/);
  expect(passing.sloMinutesPercent).toBe(100);
  expect(() => Simulation.assertMeetsSlo(big, surge(), { profiles: PROFILES, minSloMinutesPercent: 100 })).not.toThrow();
  for (const bad of [-0.01, 100.01, NaN]) {
    expect(() => Simulation.assertMeetsSlo(big, surge(), { profiles: PROFILES, minSloMinutesPercent: bad })).toThrow(`Simulation.assertMeetsSlo: minSloMinutesPercent (${bad}) must be between 0 and 100`);
  }
});

test('edges of the cost guard: instance-hours equal to the limit pass, any less fails', () => {
  const hours = passing.instanceHours;
  expect(() => Simulation.assertMeetsSlo(big, surge(), { profiles: PROFILES, minSloMinutesPercent: 0, maxInstanceHours: hours })).not.toThrow();
  expect(() => Simulation.assertMeetsSlo(big, surge(), { profiles: PROFILES, minSloMinutesPercent: 0, maxInstanceHours: hours - 0.01 }))
    .toThrow(`${hours.toFixed(1)} instance-hours, more than the ${hours - 0.01} allowed`);
});

test('both problems in one message, then every lane with its numbers, then the fix', () => {
  const lane = failing.lanes[0];
  let message = '';
  try {
    Simulation.assertMeetsSlo(small, surge(), { profiles: PROFILES, minSloMinutesPercent: 100, maxInstanceHours: 0 });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(/^Simulation of Endpoint on trace 'surge': \d+\.\d\d% of minutes meet p95 < 300 ms, fewer than 100% \(\d+ of 60 minutes missed, first at minute \d+: \d+ RPS on \d+ instance\(s\)\); \d+\.\d instance-hours, more than the 0 allowed\. Lanes: /);
  expect(message).toContain(`. Lanes: Endpoint/Chat (managed-endpoint): ${lane.sloMinutesPercent.toFixed(2)}% of minutes, ${lane.instanceHours.toFixed(1)} instance-h, peak ${lane.peakCapacity}. `
    + 'Fix: raise the minimum or the warm buffer, lower the scaling target, shorten cooldowns, or add a schedule before known surges.');
  const missed = failing.minutes.met.map((m, i) => (m ? -1 : i)).filter((i) => i >= 0);
  expect(message).toContain(`(${missed.length} of 60 minutes missed, first at minute ${missed[0]}: ${Math.round(failing.minutes.rps[missed[0]])} RPS on ${failing.minutes.capacity[missed[0]]} instance(s))`);
});

test('without profiles the example profiles are used', () => {
  expect(() => Simulation.assertMeetsSlo(big, surge(), { minSloMinutesPercent: 0 })).not.toThrow();
});
