import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';

// The built-in CloudFormation validation of `app.synth()` costs 2-9 s per test file; these tests run the
// real validators (cfn-lint, cdk-nag, moto) instead.
process.env.CDK_VALIDATION = 'false';

/** Props of {@link storageStack}. */
export interface StorageStackProps {
  readonly env?: cdk.Environment;
  readonly stackName?: string;
}

/** A small, well-configured stack: encrypted versioned bucket + encrypted queue with a DLQ. */
export function storageStack(props: StorageStackProps = {}): { app: cdk.App; stack: cdk.Stack; bucket: s3.Bucket; queue: sqs.Queue } {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, props.stackName ?? 'Storage', { env: props.env });
  const bucket = new s3.Bucket(stack, 'Bucket', {
    versioned: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
  });
  const dlq = new sqs.Queue(stack, 'DeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  const queue = new sqs.Queue(stack, 'Queue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
  });
  return { app, stack, bucket, queue };
}
