import { Duration } from 'aws-cdk-lib';

/**
 * A rolling update: replace the fleet in batches instead of standing up a full green fleet. The
 * right shape for large GPU fleets, where a blue/green deploy would briefly double the bill or hit
 * instance quotas. It rolls back on the same alarms as a blue/green rollout. SageMaker does not
 * roll serverless endpoints or endpoints with more than one variant (a shadow variant counts).
 */
export interface RollingUpdateOptions {
  /**
   * Share of the fleet (of an inference component: of its copies) replaced in each batch, percent (5-50).
   * Required on endpoints without inference components; on inference components pass this or
   * `maximumBatchCopies`.
   *
   * @default - none: `maximumBatchCopies` must be given (inference components only)
   */
  readonly maximumBatchPercent?: number;

  /**
   * Inference components only: copies replaced in each batch (`MaximumBatchSize` type `COPY_COUNT`, at least 1).
   *
   * @default - none: batches are `maximumBatchPercent` of the copies
   */
  readonly maximumBatchCopies?: number;

  /** Bake time of each batch, during which the rollback alarms are watched (0 - 1 hour). */
  readonly waitInterval: Duration;

  /**
   * Share of the fleet restored in each rollback batch, percent (1-100).
   *
   * @default - 100: the whole old fleet comes back at once
   */
  readonly rollbackMaximumBatchPercent?: number;

  /**
   * Time limit of the whole rolling deployment (10 minutes - 8 hours).
   *
   * @default - SageMaker's default
   */
  readonly maximumExecutionTimeout?: Duration;
}
