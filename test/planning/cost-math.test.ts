import { Duration } from 'aws-cdk-lib';
import { LaneValidationError } from '../../lib/core';
import { CapacityPlanner, CostMath } from '../../lib/planning';

describe('CostMath: cost per 1,000 inferences = (1000 × hourly cost) / inferences per hour at the SLO', () => {
  test.each([
    // hourly cost, inferences/hour, hand-computed result
    [3.0, 36_000, 0.083333],     // 3000 / 36000
    [1.2, 36_000, 0.033333],     // 1200 / 36000
    [1.5, 90_000, 0.016667],     // 25 req/s × 3600 = 90,000/h
    [0.0, 1_000, 0],             // a free instance costs nothing
    [10, 1_000, 10],             // 1,000 inferences an hour for 10/h: 10 per 1,000
  ])('costPer1000(%p, %p) = %p', (hourly, perHour, expected) => {
    expect(CostMath.costPer1000(hourly, perHour)).toBeCloseTo(expected, 6);
  });

  test('costPer1000AtRps converts requests per second to inferences per hour', () => {
    // 10 req/s = 36,000/h
    expect(CostMath.costPer1000AtRps(1.2, 10)).toBeCloseTo(CostMath.costPer1000(1.2, 36_000), 12);
    expect(CostMath.costPer1000AtRps(1.2, 10)).toBeCloseTo(0.033333, 6);
  });

  describe("the article's retail example", () => {
    const price = 1.5;
    const before = 25; // req/s per instance at the SLO
    const batched = before * 1.4; // dynamic batching: +40% throughput
    const mixedPrecision = batched * 1.15; // mixed precision: another +15%

    test('40% more throughput from batching cuts the cost per 1,000 by 1 - 1/1.4 ≈ 28.6%', () => {
      const c0 = CostMath.costPer1000AtRps(price, before);
      const c1 = CostMath.costPer1000AtRps(price, batched);
      expect(c0).toBeCloseTo(0.0166667, 7); // 1500 / 90,000
      expect(c1).toBeCloseTo(0.0119048, 7); // 1500 / 126,000
      expect((1 - c1 / c0) * 100).toBeCloseTo(28.571, 3);
      expect(CostMath.costReductionPercent(1.4)).toBeCloseTo(28.571, 3);
    });

    test('mixed precision on top (+15%) cuts another 1 - 1/1.15 ≈ 13.0%, 37.9% in all', () => {
      const c1 = CostMath.costPer1000AtRps(price, batched);
      const c2 = CostMath.costPer1000AtRps(price, mixedPrecision);
      expect(c2).toBeCloseTo(0.0103520, 7); // 1500 / 144,900
      expect((1 - c2 / c1) * 100).toBeCloseTo(13.043, 3);
      expect(CostMath.costReductionPercent(1.4 * 1.15)).toBeCloseTo(37.888, 3);
    });

    test('~30% fewer instances at peak: batching alone takes a 5,000 req/s peak from 200 to 143 instances', () => {
      // GIVEN the flash-sale peak (1,000 req/s × 5) and no warm buffer, to compare raw counts
      const peakInstances = (perInstance: number) => CapacityPlanner.plan({
        perInstanceRequestsPerSecond: perInstance,
        pricePerInstanceHour: price,
        warmBufferPercent: 0,
        traffic: { baselineRequestsPerSecond: 1000, peakMultiplier: 5 },
      }).instancesAtPeak;
      // THEN 5000/25 = 200, ceil(5000/35) = 143, ceil(5000/40.25) = 125
      expect(peakInstances(before)).toBe(200);
      expect(peakInstances(batched)).toBe(143);
      expect(peakInstances(mixedPrecision)).toBe(125);
      const fewer = (1 - peakInstances(batched) / peakInstances(before)) * 100;
      expect(fewer).toBeCloseTo(28.5, 1); // "roughly 30%"
      // Both levers together would predict 37.5% fewer; the article's "roughly 30%" matches batching alone.
      expect((1 - peakInstances(mixedPrecision) / peakInstances(before)) * 100).toBeCloseTo(37.5, 1);
    });

    test('the cost per 1,000 of the fleet falls with the same factor when the counts divide evenly', () => {
      const plan = (perInstance: number) => CapacityPlanner.plan({
        perInstanceRequestsPerSecond: perInstance,
        pricePerInstanceHour: price,
        warmBufferPercent: 0,
        traffic: { baselineRequestsPerSecond: 1400, surgeMultiplier: 5, surgeDuration: Duration.minutes(30) },
      });
      // 1400/25 = 56 instances, 1400/35 = 40 instances: exactly 1/1.4 as many
      expect(plan(25).instancesAtBaseline).toBe(56);
      expect(plan(35).instancesAtBaseline).toBe(40);
      expect(plan(35).costPer1000AtBaseline / plan(25).costPer1000AtBaseline).toBeCloseTo(1 / 1.4, 10);
    });
  });

  test('instancesFor rounds up, never below 1, and is not fooled by floating point', () => {
    expect(CostMath.instancesFor(100, 30)).toBe(4);
    expect(CostMath.instancesFor(90, 30)).toBe(3);
    expect(CostMath.instancesFor(0, 30)).toBe(1);
    // 1.1 / 0.1 is 11.000000000000002 in floating point
    expect(CostMath.instancesFor(1.1, 0.1)).toBe(11);
  });

  test.each([
    ['costPer1000 with 0 inferences/hour', () => CostMath.costPer1000(1, 0), /CostMath.costPer1000: 'inferencesPerHour' \(0\) must be greater than 0/],
    ['costPer1000 with a negative price', () => CostMath.costPer1000(-1, 10), /'hourlyCost' \(-1\) must be a number of at least 0/],
    ['costPer1000AtRps with negative RPS', () => CostMath.costPer1000AtRps(1, -5), /'requestsPerSecond' \(-5\) must be greater than 0/],
    ['costReductionPercent of 0', () => CostMath.costReductionPercent(0), /'throughputMultiplier' \(0\) must be greater than 0/],
    ['instancesFor with NaN', () => CostMath.instancesFor(Number.NaN, 1), /'requestsPerSecond' \(NaN\) must be a number of at least 0/],
  ])('rejects %s', (_name, fn, message) => {
    expect(fn).toThrow(message);
    expect(fn).toThrow(LaneValidationError);
  });
});
