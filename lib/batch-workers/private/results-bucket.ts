import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { QueueDrainedWorkersProps } from '../queue-drained-workers';

/** S3 request-metrics filters of the created results bucket (CloudWatch dimension FilterId). @internal */
export const RESULTS_FILTER_ID = 'results';
/** @internal */
export const FAILURES_FILTER_ID = 'failures';

/** What the created results bucket needs to know. @internal */
export interface ResultsBucketOptions {
  readonly resultsPrefix: string;
  readonly failuresPrefix: string;
  /** Turn on S3 request metrics on the two prefixes (an error-rate objective). */
  readonly requestMetrics: boolean;
  /** The lane's key (undefined: SSE-S3). */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The brought results bucket, or a versioned, KMS-encrypted bucket (bucket key) with public access
 * blocked and TLS enforced (construct ID `Results`), with request metrics on the two prefixes for
 * an error-rate objective.
 * @internal
 */
export function createResultsBucket(scope: Construct, props: QueueDrainedWorkersProps, o: ResultsBucketOptions): s3.IBucket {
  return props.resultsBucket ?? new s3.Bucket(scope, 'Results', {
    metrics: o.requestMetrics ? [
      { id: RESULTS_FILTER_ID, prefix: o.resultsPrefix },
      { id: FAILURES_FILTER_ID, prefix: o.failuresPrefix },
    ] : undefined,
    versioned: true,
    encryption: o.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: o.encryptionKey,
    bucketKeyEnabled: o.encryptionKey ? true : undefined,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    serverAccessLogsBucket: props.resultsAccessLogsBucket,
    serverAccessLogsPrefix: props.resultsAccessLogsBucket ? `${scope.node.id}-results/` : undefined,
  });
}

/** `AWS/S3 PutRequests` of one request-metrics filter of the bucket (Sum per minute). @internal */
export function putRequests(bucket: s3.IBucket, filterId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/S3',
    metricName: 'PutRequests',
    dimensionsMap: { BucketName: bucket.bucketName, FilterId: filterId },
    statistic: 'Sum',
    period: Duration.minutes(1),
    ...props,
  });
}

/**
 * Jobs that finished, well or not: results plus failure reports (`PutRequests` of both filters, Sum
 * per minute).
 * @internal
 */
export function finishedJobsMetric(bucket: s3.IBucket, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'FILL(res, 0) + FILL(fail, 0)',
    usingMetrics: { res: putRequests(bucket, RESULTS_FILTER_ID), fail: putRequests(bucket, FAILURES_FILTER_ID) },
    period: Duration.minutes(1),
    label: 'Finished jobs (results + failure reports)',
    ...props,
  });
}
