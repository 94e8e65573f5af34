import { checkDynamicBatching } from '../../core/private/batching-checks';
import { Duration, Token, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DynamicBatching } from '../../core/dynamic-batching';
import { invalid } from '../../core/private/errors';

/**
 * Dynamic batching for queue workers: how a {@link DynamicBatching} becomes SQS `ReceiveMessage`
 * calls and a batch per worker. Internal to the batch-workers lane.
 *
 * A worker fills one batch with up to `maxBatchSize` jobs: a first receive long-polls for the first
 * job (20 s, the SQS maximum), then further receives of at most 10 messages each (the SQS maximum
 * per receive) until the batch is full or `maxQueueDelay` has passed since the first job arrived,
 * each long-polling for at most the delay left (whole seconds, 0-20: a delay under a second is a
 * short poll). The batch runs as one inference; then every job's result or failure report is
 * written and the jobs are deleted. Scaling stays in jobs (backlog per worker counts messages).
 */

/** SQS ReceiveMessage: MaxNumberOfMessages is 1-10. */
export const SQS_MAX_MESSAGES_PER_RECEIVE = 10;
/** SQS ReceiveMessage: WaitTimeSeconds is 0-20. */
export const SQS_MAX_WAIT_SECONDS = 20;

/** The worker variables a DynamicBatching renders. @internal */
export const BATCH_ENV = {
  maxSize: 'BATCH_MAX_SIZE',
  maxDelayMs: 'BATCH_MAX_DELAY_MS',
  receiveMaxMessages: 'BATCH_RECEIVE_MAX_MESSAGES',
  receiveWaitSeconds: 'BATCH_RECEIVE_WAIT_SECONDS',
  receivesPerBatch: 'BATCH_RECEIVES_PER_BATCH',
  visibilityTimeoutSeconds: 'BATCH_VISIBILITY_TIMEOUT_SECONDS',
} as const;

/** What a validated DynamicBatching renders. @internal */
export interface BatchingPlan {
  readonly maxBatchSize: number;
  readonly maxDelayMs: number;
  /** MaxNumberOfMessages of each receive: min(10, maxBatchSize). */
  readonly receiveMaxMessages: number;
  /** WaitTimeSeconds of the receives that fill a batch: min(20, whole seconds of maxQueueDelay). */
  readonly receiveWaitSeconds: number;
  /** Receives needed for a full batch: ceil(maxBatchSize ÷ 10). */
  readonly receivesPerBatch: number;
  /** The longest a job waits in a worker before its batch runs, whole seconds rounded up. */
  readonly fillSeconds: number;
}

/**
 * Check `dynamicBatching` against what the lane renders (core `validateFor`: delays in whole
 * milliseconds up to the contract's 1 minute; no preferred sizes, which SQS receives cannot express)
 * and derive the receive parameters. A batch larger than 10 is filled by several receives.
 * @internal
 */
export function planBatching(scope: Construct, batching: DynamicBatching | undefined): BatchingPlan | undefined {
  if (checkDynamicBatching(scope, batching) === undefined || batching === undefined) { return undefined; }
  // The receive parameters and the visibility timeout are derived at synth time: tokens cannot be.
  if (Token.isUnresolved(batching.maxBatchSize)) {
    throw invalid(scope, 'dynamicBatching.maxBatchSize', batching.maxBatchSize, 'is a token', 'Pass a number: the messages per receive and receives per batch are derived from it at synth time.');
  }
  if (batching.maxQueueDelay.isUnresolved()) {
    throw invalid(scope, 'dynamicBatching.maxQueueDelay', batching.maxQueueDelay, 'is a token', 'Pass a concrete Duration: the long-poll wait and the visibility timeout are derived from it at synth time.');
  }
  batching.validateFor(scope, {
    lane: 'QueueDrainedWorkers (SQS ReceiveMessage, up to 10 messages per receive)',
    supported: true,
    delayUnit: 'milliseconds',
    preferredBatchSizes: false,
  });
  const maxBatchSize = batching.maxBatchSize;
  const maxDelayMs = batching.maxQueueDelayMillis;
  return {
    maxBatchSize,
    maxDelayMs,
    receiveMaxMessages: Math.min(SQS_MAX_MESSAGES_PER_RECEIVE, maxBatchSize),
    receiveWaitSeconds: Math.min(SQS_MAX_WAIT_SECONDS, Math.floor(maxDelayMs / 1000)),
    receivesPerBatch: Math.ceil(maxBatchSize / SQS_MAX_MESSAGES_PER_RECEIVE),
    fillSeconds: Math.ceil(maxDelayMs / 1000),
  };
}

/** The worker variables of a plan. @internal */
export function batchingEnvironment(plan: BatchingPlan, visibility: Duration | number): { [name: string]: string } {
  const seconds = typeof visibility === 'number' ? visibility : visibility.toSeconds();
  return {
    [BATCH_ENV.maxSize]: String(plan.maxBatchSize),
    [BATCH_ENV.maxDelayMs]: String(plan.maxDelayMs),
    [BATCH_ENV.receiveMaxMessages]: String(plan.receiveMaxMessages),
    [BATCH_ENV.receiveWaitSeconds]: String(plan.receiveWaitSeconds),
    [BATCH_ENV.receivesPerBatch]: String(plan.receivesPerBatch),
    // a visibilityTimeout CfnParameter stays a token (resolved in the environment at deploy)
    [BATCH_ENV.visibilityTimeoutSeconds]: Tokenization.stringifyNumber(seconds),
  };
}
