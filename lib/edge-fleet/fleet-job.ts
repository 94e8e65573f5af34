import { Duration } from 'aws-cdk-lib';

/**
 * Which job executions count toward an abort criterion of a Greengrass deployment's IoT job.
 */
export enum JobFailureType {
  /** Executions whose device reported the deployment as failed. */
  FAILED = 'FAILED',
  /** Executions the device rejected. */
  REJECTED = 'REJECTED',
  /** Executions that stayed in progress longer than the in-progress timeout. */
  TIMED_OUT = 'TIMED_OUT',
  /** Failed, rejected and timed-out executions together. */
  ALL = 'ALL',
}

/**
 * Status of a deployment's IoT job executions, for {@link EdgeFleetChannel.metricJobExecutions}.
 */
export enum JobExecutionStatus {
  /** Devices that reported the deployment as failed (`FailedJobExecutionTotalCount`). */
  FAILED = 'Failed',
  /** Devices that rejected the deployment (`RejectedJobExecutionTotalCount`). */
  REJECTED = 'Rejected',
  /** Devices that applied the deployment (`SuccededJobExecutionTotalCount`, AWS's spelling). */
  SUCCEEDED = 'Succeded',
  /** Executions cancelled, e.g. by an abort criterion (`CanceledJobExecutionTotalCount`). */
  CANCELED = 'Canceled',
  /** Devices installing right now (`InProgressJobExecutionTotalCount`). */
  IN_PROGRESS = 'InProgress',
  /** Devices not reached yet, e.g. offline (`QueuedJobExecutionTotalCount`). */
  QUEUED = 'Queued',
  /** Devices removed from the target group (`RemovedJobExecutionTotalCount`). */
  REMOVED = 'Removed',
}

/**
 * Cancel a deployment's IoT job once enough devices have failed it.
 *
 * Rendered as `AbortConfig.CriteriaList[]` with `Action: CANCEL` (the only action IoT jobs support).
 * Cancelling the job stops notifying further devices; devices that already failed roll back on their
 * own when the failure handling policy is ROLLBACK.
 */
export interface JobAbortCriterion {
  /** Which executions count. */
  readonly failureType: JobFailureType;

  /**
   * Share of executed devices (0-100, at most two decimals) that must match `failureType` to cancel.
   */
  readonly thresholdPercent: number;

  /**
   * Devices that must have executed the deployment before the criterion is evaluated (at least 1).
   */
  readonly minExecutedDevices: number;
}

/**
 * An exponential ramp of the deployment's IoT job: start notifying `baseRatePerMinute` devices per
 * minute and multiply the rate by `incrementFactor` each time enough devices were notified (or
 * succeeded). Rendered as `JobExecutionsRolloutConfig.ExponentialRate`.
 *
 * Set exactly one of `increaseAfterNotifiedDevices` and `increaseAfterSucceededDevices`.
 */
export interface ExponentialJobRate {
  /** Devices notified per minute at the start (1-1000). */
  readonly baseRatePerMinute: number;

  /** Factor the rate grows by at each step: more than 1, at most 5, one decimal (e.g. 1.5, 2). */
  readonly incrementFactor: number;

  /**
   * Grow the rate after this many more devices were notified.
   *
   * @default - grow after succeeded devices (`increaseAfterSucceededDevices`)
   */
  readonly increaseAfterNotifiedDevices?: number;

  /**
   * Grow the rate after this many more devices succeeded (the safer criterion: a failing version
   * stops accelerating).
   *
   * @default - grow after notified devices (`increaseAfterNotifiedDevices`)
   */
  readonly increaseAfterSucceededDevices?: number;
}

/**
 * How one ring's deployment job reaches its devices: rollout rate, abort criteria and timeout.
 */
export interface FleetJobOptions {
  /**
   * Exponential ramp of notifications.
   *
   * @default - canary ring: no ramp; fleet ring: 5 devices per minute, doubling after every 5
   * succeeded devices (only when `maximumPerMinute` is not set either)
   */
  readonly exponentialRate?: ExponentialJobRate;

  /**
   * Most devices notified per minute (1-1000).
   *
   * @default - canary ring: the IoT jobs default (1000 per minute); fleet ring: 50 (only when
   * `exponentialRate` is not set either)
   */
  readonly maximumPerMinute?: number;

  /**
   * When to cancel the job. An empty list renders no abort configuration.
   *
   * @default - the ring's default (canary: 10% of ALL failures after 1 device; fleet: 5% after 20 devices)
   */
  readonly abortCriteria?: JobAbortCriterion[];

  /**
   * How long a device may stay IN_PROGRESS before its execution times out (whole minutes,
   * 1 minute to 7 days). Devices that are offline stay QUEUED and do not time out.
   *
   * @default Duration.hours(1)
   */
  readonly inProgressTimeout?: Duration;
}
