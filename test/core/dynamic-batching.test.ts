import { App, Duration, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { DynamicBatching, LaneValidationError } from '../../lib';

const scope = () => new Construct(new Stack(new App(), 'S'), 'Lane');

describe('DynamicBatching', () => {
  test('keeps what it was given; preferred sizes default to none', () => {
    const b = new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(5) });
    expect(b.maxBatchSize).toBe(16);
    expect(b.maxQueueDelayMillis).toBe(5);
    expect(b.preferredBatchSizes).toEqual([]);
    expect(b.throughputGainPercent).toBeUndefined();
    expect(b.toString()).toBe('dynamicBatching(max 16, delay 5 millis)');
  });

  test('states preferred sizes and gain', () => {
    const b = new DynamicBatching({ maxBatchSize: 32, maxQueueDelay: Duration.millis(10), preferredBatchSizes: [8, 16, 32], throughputGainPercent: 40 });
    expect(b.toString()).toBe('dynamicBatching(max 32, delay 10 millis, preferred 8/16/32)');
    expect(b.throughputGainPercent).toBe(40);
  });

  test.each([
    ['maxBatchSize 1 (the first rejected)', { maxBatchSize: 1, maxQueueDelay: Duration.millis(5) }, /DynamicBatching: 'maxBatchSize' \(1\) must be an integer from 2 to 4096/],
    ['maxBatchSize 4097', { maxBatchSize: 4097, maxQueueDelay: Duration.millis(5) }, /'maxBatchSize' \(4097\) must be an integer from 2 to 4096/],
    ['a fractional maxBatchSize', { maxBatchSize: 2.5, maxQueueDelay: Duration.millis(5) }, /'maxBatchSize' \(2.5\) must be an integer/],
    ['no maxBatchSize', { maxQueueDelay: Duration.millis(5) }, /DynamicBatching: 'maxBatchSize' is required. Fix: Pass an integer from 2 to 4096/],
    ['no maxQueueDelay', { maxBatchSize: 8 }, /'maxQueueDelay' is required. Fix: Pass e.g. Duration.millis\(5\)/],
    ['a number as maxQueueDelay', { maxBatchSize: 8, maxQueueDelay: 5 }, /'maxQueueDelay' \(5\) is not a Duration/],
    ['a delay over 1 minute', { maxBatchSize: 8, maxQueueDelay: Duration.millis(60_001) }, /'maxQueueDelay' \(1 minute 1 milli\) must be at most 1 minute/],
    ['a fractional millisecond', { maxBatchSize: 8, maxQueueDelay: Duration.millis(0.5) }, /must be a whole number of milliseconds/],
    ['preferred sizes above max', { maxBatchSize: 8, maxQueueDelay: Duration.millis(5), preferredBatchSizes: [4, 16] }, /'preferredBatchSizes\[1\]' \(16\) must be an integer from 1 to 8/],
    ['preferred sizes out of order', { maxBatchSize: 16, maxQueueDelay: Duration.millis(5), preferredBatchSizes: [16, 8] }, /must be strictly ascending \(no repeats\). Fix: Sort them and drop repeats, e.g. \[8, 16\]/],
    ['repeated preferred sizes', { maxBatchSize: 16, maxQueueDelay: Duration.millis(5), preferredBatchSizes: [8, 8] }, /strictly ascending/],
    ['a negative gain', { maxBatchSize: 16, maxQueueDelay: Duration.millis(5), throughputGainPercent: -1 }, /'throughputGainPercent' \(-1\) must be between 0 and 1000/],
    ['a gain over 1000', { maxBatchSize: 16, maxQueueDelay: Duration.millis(5), throughputGainPercent: 1001 }, /between 0 and 1000/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => new DynamicBatching(props as any)).toThrow(LaneValidationError);
    expect(() => new DynamicBatching(props as any)).toThrow(message);
  });

  test('accepts the boundaries: 2 and 4096, 0 ms and 1 minute, gain 0 and 1000', () => {
    expect(() => new DynamicBatching({ maxBatchSize: 2, maxQueueDelay: Duration.millis(0), throughputGainPercent: 0 })).not.toThrow();
    expect(() => new DynamicBatching({ maxBatchSize: 4096, maxQueueDelay: Duration.minutes(1), throughputGainPercent: 1000 })).not.toThrow();
  });

  describe('validateFor', () => {
    const batching = new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(5), preferredBatchSizes: [8, 16] });

    test('a lane that cannot batch rejects it with its reason', () => {
      expect(() => batching.validateFor(scope(), { lane: 'WarmServerlessFunction', supported: false, reason: 'Lambda hands one event to each invocation' }))
        .toThrow(/S\/Lane: 'dynamicBatching' \("dynamicBatching\(max 16, delay 5 millis, preferred 8\/16\)"\) cannot be rendered by WarmServerlessFunction: Lambda hands one event to each invocation. Fix: Remove dynamicBatching from this lane/);
    });

    test('a batch larger than the lane allows is rejected; equal is accepted', () => {
      const support = { lane: 'QueueDrainedWorkers', supported: true, maxBatchSize: 10, preferredBatchSizes: true };
      expect(() => batching.validateFor(scope(), support)).toThrow(/'dynamicBatching.maxBatchSize' \(16\) is more than QueueDrainedWorkers can batch \(10\). Fix: Pass at most 10/);
      expect(() => batching.validateFor(scope(), { ...support, maxBatchSize: 16 })).not.toThrow();
    });

    test('a delay that is not a whole number of the lane unit is rejected', () => {
      expect(() => batching.validateFor(scope(), { lane: 'QueueDrainedWorkers', supported: true, delayUnit: 'seconds', maxQueueDelay: Duration.seconds(20), preferredBatchSizes: true }))
        .toThrow(/'dynamicBatching.maxQueueDelay' \(5 millis\) must be a whole number of seconds.*QueueDrainedWorkers waits a whole number of seconds, at most 20 seconds/);
    });

    test('a delay longer than the lane allows is rejected', () => {
      const long = new DynamicBatching({ maxBatchSize: 4, maxQueueDelay: Duration.seconds(30) });
      expect(() => long.validateFor(scope(), { lane: 'Q', supported: true, delayUnit: 'seconds', maxQueueDelay: Duration.seconds(20) }))
        .toThrow(/'dynamicBatching.maxQueueDelay' \(30 seconds\) must be at most 20 seconds/);
    });

    test('preferred sizes on a lane that cannot express them are rejected', () => {
      expect(() => batching.validateFor(scope(), { lane: 'ManagedEndpoint (TorchServe)', supported: true }))
        .toThrow(/'dynamicBatching.preferredBatchSizes' \(\[8,16\]\) cannot be expressed by ManagedEndpoint \(TorchServe\)/);
    });

    test('an unknown delay unit is a programming error with a clear message', () => {
      expect(() => batching.validateFor(scope(), { lane: 'Q', supported: true, delayUnit: 'hours', preferredBatchSizes: true }))
        .toThrow(/'LaneBatchingSupport.delayUnit' \("hours"\) is not a supported unit/);
    });
  });

  test('property: every valid batching passes a lane that supports the contract limits', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 4096 }), fc.integer({ min: 0, max: 60_000 }), fc.uniqueArray(fc.integer({ min: 1, max: 4096 }), { maxLength: 4 }),
      (max, delay, prefs) => {
        const preferred = prefs.filter(p => p <= max).sort((a, b) => a - b);
        const b = new DynamicBatching({ maxBatchSize: max, maxQueueDelay: Duration.millis(delay), preferredBatchSizes: preferred });
        b.validateFor(scope(), { lane: 'any', supported: true, preferredBatchSizes: true });
        return b.maxQueueDelayMillis === delay && b.maxBatchSize === max;
      }), { numRuns: Number(process.env.FC_RUNS ?? 100) });
  });
});
