import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { InferenceFrontDoor, InferenceFrontDoorProps, RouteTarget } from '../../lib/routing';

/*
 * Lanes as imported aws-cdk-lib references (what a lane exposes): the stack holds the front door's
 * resources only, so the template, cfn-lint and cdk-nag results are the front door's own.
 */
export const ENV = { account: '111111111111', region: 'us-east-1' };
export const ALIAS_ARN = 'arn:aws:lambda:us-east-1:111111111111:function:assistant-warm:live';
export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:111111111111:assistant-jobs';
export const QUEUE_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';
export const BUCKET_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/66666666-7777-8888-9999-000000000000';
export const LATENCY_ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:assistant-primary-latency';
export const ERRORS_ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:assistant-primary-errors';

export function lanes(stack: Stack) {
  const alias = lambda.Function.fromFunctionArn(stack, 'WarmAlias', ALIAS_ARN);
  const queue = sqs.Queue.fromQueueAttributes(stack, 'Jobs', { queueArn: QUEUE_ARN, keyArn: QUEUE_KEY_ARN });
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Results', {
    bucketName: 'assistant-results', encryptionKey: kms.Key.fromKeyArn(stack, 'ResultsKey', BUCKET_KEY_ARN),
  });
  const alarms = [
    cloudwatch.Alarm.fromAlarmArn(stack, 'PrimaryLatency', LATENCY_ALARM_ARN),
    cloudwatch.Alarm.fromAlarmArn(stack, 'PrimaryErrors', ERRORS_ALARM_ARN),
  ];
  return {
    alias, queue, bucket, alarms,
    primary: RouteTarget.sageMakerEndpoint({ endpointName: 'Assistant-Baseline', alarms }),
    burst: RouteTarget.lambdaAlias(alias),
    jobs: RouteTarget.queue({ queue, results: { bucket, prefix: 'results/', failuresPrefix: 'failures/' } }),
  };
}

/** The full front door: SageMaker primary with alarms, Lambda burst, job queue. */
export function fullStack(props: Partial<InferenceFrontDoorProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'FrontDoorStack', { env: ENV });
  const l = lanes(stack);
  const frontDoor = new InferenceFrontDoor(stack, 'FrontDoor', { primary: l.primary, burst: l.burst, jobs: l.jobs, ...props });
  return { app, stack, frontDoor, ...l };
}
