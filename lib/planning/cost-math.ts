import { invalid } from '../core/private/errors';

/**
 * Unit economics of inference, expressed per 1,000 inferences: if an instance costs X per hour and
 * processes Y inferences per hour at your SLO, the cost per 1,000 is `(1000 × X) / Y`.
 *
 * Two levers push Y up — optimization (quantization, pruning, operator fusion) and batching — and
 * the cost falls by `1 - 1/gain`: 40% more throughput from dynamic batching cuts the cost per
 * 1,000 by 28.6%.
 *
 * @example
 * CostMath.costPer1000(1.2, 36_000);          // 0.0333… (X = 1.20/h, Y = 36,000/h)
 * CostMath.costPer1000AtRps(1.2, 10);         // the same, from requests per second
 * CostMath.costReductionPercent(1.4 * 1.15);  // 37.9 (batching, then mixed precision)
 */
export class CostMath {
  /** Seconds in an hour. */
  public static readonly SECONDS_PER_HOUR = 3600;

  /**
   * Cost per 1,000 inferences: `(1000 × hourlyCost) / inferencesPerHour`.
   *
   * @param hourlyCost what the instance (or fleet) costs per hour, in any currency
   * @param inferencesPerHour what it processes per hour while meeting the SLO
   */
  public static costPer1000(hourlyCost: number, inferencesPerHour: number): number {
    checkNonNegative('CostMath.costPer1000', 'hourlyCost', hourlyCost);
    checkPositive('CostMath.costPer1000', 'inferencesPerHour', inferencesPerHour);
    return (1000 * hourlyCost) / inferencesPerHour;
  }

  /**
   * Cost per 1,000 inferences from a request rate: `(1000 × hourlyCost) / (requestsPerSecond × 3600)`.
   */
  public static costPer1000AtRps(hourlyCost: number, requestsPerSecond: number): number {
    checkNonNegative('CostMath.costPer1000AtRps', 'hourlyCost', hourlyCost);
    checkPositive('CostMath.costPer1000AtRps', 'requestsPerSecond', requestsPerSecond);
    return (1000 * hourlyCost) / (requestsPerSecond * CostMath.SECONDS_PER_HOUR);
  }

  /**
   * How much a throughput gain cuts the cost per 1,000 (and the instance count), percent:
   * `(1 - 1/throughputMultiplier) × 100`. Gains multiply: batching (×1.4) then mixed precision
   * (×1.15) is `costReductionPercent(1.4 * 1.15)`.
   *
   * @param throughputMultiplier new throughput ÷ old throughput (1.4 for +40%)
   */
  public static costReductionPercent(throughputMultiplier: number): number {
    checkPositive('CostMath.costReductionPercent', 'throughputMultiplier', throughputMultiplier);
    return (1 - 1 / throughputMultiplier) * 100;
  }

  /**
   * Instances needed to serve a request rate when each instance is driven to `perInstanceRequestsPerSecond`:
   * `ceil(requestsPerSecond / perInstanceRequestsPerSecond)`, at least 1.
   */
  public static instancesFor(requestsPerSecond: number, perInstanceRequestsPerSecond: number): number {
    checkNonNegative('CostMath.instancesFor', 'requestsPerSecond', requestsPerSecond);
    checkPositive('CostMath.instancesFor', 'perInstanceRequestsPerSecond', perInstanceRequestsPerSecond);
    // The epsilon keeps 300 / (25 × 0.8) at 15 instead of 16 when floating point lands at 15.000000000000002.
    return Math.max(1, Math.ceil(requestsPerSecond / perInstanceRequestsPerSecond - 1e-9));
  }

  private constructor() {}
}

function checkPositive(where: string, prop: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(where, prop, value, 'must be greater than 0', `Pass a positive ${prop}.`);
  }
}

function checkNonNegative(where: string, prop: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(where, prop, value, 'must be a number of at least 0', `Pass a ${prop} of 0 or more.`);
  }
}
