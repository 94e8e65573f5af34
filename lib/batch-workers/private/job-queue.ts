import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDrainedWorkersProps } from '../queue-drained-workers';
import { SQS_MAX_RETENTION_SECONDS } from './validate-props';

/** The job queue and what comes with it. @internal */
export interface JobQueue {
  readonly queue: sqs.IQueue;
  /** The dead-letter queue, if known (created, or brought with the queue). */
  readonly deadLetterQueue?: sqs.IQueue;
  /** The key of a created queue (undefined for a brought queue). */
  readonly encryptionKey?: kms.IKey;
  /** The visibility timeout of a created queue (undefined for a brought queue). */
  readonly visibilityTimeout?: Duration;
}

/**
 * The brought queue as it is, or a KMS-encrypted job queue (customer key with rotation unless one is
 * given, TLS enforced) with a dead-letter queue (14 days) after `maxReceiveCount` receives and a
 * visibility timeout of `jobTimeout + 30 s` (plus the batch fill delay with dynamic batching; construct IDs `Key`, `DeadLetterQueue`, `Queue`).
 * @internal
 */
export function createJobQueue(scope: Construct, props: QueueDrainedWorkersProps, defaultVisibilitySeconds: number): JobQueue {
  if (props.queue) {
    return { queue: props.queue, deadLetterQueue: props.deadLetterQueue };
  }
  const key = props.encryptionKey ?? new kms.Key(scope, 'Key', {
    enableKeyRotation: true,
    description: `Encrypts the job queue, dead-letter queue and results of ${scope.node.path}`,
  });
  const visibility = props.visibilityTimeout ?? Duration.seconds(defaultVisibilitySeconds);
  const dlq = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(SQS_MAX_RETENTION_SECONDS),
  });
  const queue = new sqs.Queue(scope, 'Queue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    visibilityTimeout: visibility,
    retentionPeriod: props.retentionPeriod ?? Duration.days(7),
    deadLetterQueue: { queue: dlq, maxReceiveCount: props.maxReceiveCount ?? 3 },
  });
  return { queue, deadLetterQueue: dlq, encryptionKey: key, visibilityTimeout: visibility };
}
