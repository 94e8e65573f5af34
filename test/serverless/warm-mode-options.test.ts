import { Duration } from 'aws-cdk-lib';
import { LaneValidationError } from '../../lib';
import { WarmMode } from '../../lib/serverless';

/* The warm-mode factories check their options (plain JavaScript, other jsii languages, out-of-range statements). */
test.each([
  ['options "x" (SnapStart)', () => WarmMode.snapStart('x' as any), /^WarmMode\.snapStart: 'options' \("x"\) is not a props object/],
  ['options "x" (provisioned concurrency)', () => WarmMode.provisionedConcurrency('x' as any), /^WarmMode\.provisionedConcurrency: 'options' \("x"\) is not a props object/],
  ['allocationTime as a number', () => WarmMode.provisionedConcurrency({ allocationTime: 5 as any }), /'allocationTime' \(5\) is not a Duration/],
  ['allocationTime over 1 hour', () => WarmMode.provisionedConcurrency({ allocationTime: Duration.seconds(3601) }), /'allocationTime' \(1 hour 1 second\) must be from 1 second to 1 hour/],
  ['allocationTime 0', () => WarmMode.provisionedConcurrency({ allocationTime: Duration.seconds(0) }), /'allocationTime' \(0 seconds\) must be from 1 second to 1 hour/],
  ['restoreTime as a number', () => WarmMode.snapStart({ restoreTime: 5 as any }), /'restoreTime' \(5\) is not a Duration/],
  ['restoreTime over 15 minutes', () => WarmMode.snapStart({ restoreTime: Duration.millis(900_001) }), /'restoreTime' .* must be from 1 milli to 15 minutes/],
])('%s is rejected', (_name, make, message) => {
  expect(make).toThrow(LaneValidationError);
  expect(make).toThrow(message);
});

test('the boundaries are accepted', () => {
  expect(WarmMode.provisionedConcurrency({ allocationTime: Duration.seconds(1) }).allocationTime!.toSeconds()).toBe(1);
  expect(WarmMode.provisionedConcurrency({ allocationTime: Duration.hours(1) }).allocationTime!.toSeconds()).toBe(3600);
  expect(WarmMode.snapStart({ restoreTime: Duration.millis(1) }).restoreTime!.toMilliseconds()).toBe(1);
  expect(WarmMode.snapStart({ restoreTime: Duration.minutes(15) }).restoreTime!.toMinutes()).toBe(15);
});
