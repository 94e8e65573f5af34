import { IConstruct } from 'constructs';
import { DynamicBatching } from '../dynamic-batching';
import { invalid } from './errors';

/**
 * # Core API for lanes: the `dynamicBatching` prop
 *
 * Not exported from the package. Every lane checks its `dynamicBatching` prop here first, so a value
 * that is not a DynamicBatching (a plain object, a number, null from plain JavaScript) gets the same
 * LaneValidationError in every lane, before the lane renders or rejects the contract.
 */
export function checkDynamicBatching(scope: IConstruct | string, value: unknown, prop: string = 'dynamicBatching'): DynamicBatching | undefined {
  if (value === undefined) { return undefined; }
  if (!DynamicBatching.isDynamicBatching(value)) {
    throw invalid(scope, prop, value, 'is not a DynamicBatching',
      'Pass new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(5) }), or omit it.');
  }
  return value;
}
