/**
 * Assertions shared by the integration tests (test/integ/integ.*.ts). They only run with `npm run integ`
 * (a real deployment); offline, `npm test` compares the synthesized snapshots only.
 *
 * Each lane resource found in the stack gets one live check of the state a user relies on:
 * a SageMaker endpoint is InService, a Lambda alias exists with its name, an SQS queue answers with
 * its ARN (and a redrive policy when it has one), a Greengrass component version is DEPLOYABLE.
 */
import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';

const WAIT = { interval: Duration.seconds(30), totalTimeout: Duration.minutes(30) };

/** Adds a live assertion for every lane resource of `stack`; returns how many were added (an integ test with none is a mistake). */
export function assertLaneResources(test: IntegTest, stack: Stack): number {
  let count = 0;
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    if (c instanceof sagemaker.CfnEndpoint) {
      test.assertions.awsApiCall('SageMaker', 'describeEndpoint', { EndpointName: c.attrEndpointName })
        .expect(ExpectedResult.objectLike({ EndpointStatus: 'InService' }))
        .waitForAssertions(WAIT);
      count++;
    } else if (c instanceof lambda.CfnAlias) {
      test.assertions.awsApiCall('Lambda', 'getAlias', { FunctionName: c.functionName, Name: c.name })
        .expect(ExpectedResult.objectLike({ Name: c.name }));
      count++;
    } else if (c instanceof sqs.CfnQueue) {
      const attrs: Record<string, unknown> = { QueueArn: c.attrArn };
      if (c.redrivePolicy !== undefined) attrs.RedrivePolicy = Match.stringLikeRegexp('deadLetterTargetArn');
      test.assertions.awsApiCall('SQS', 'getQueueAttributes', { QueueUrl: c.ref, AttributeNames: ['All'] })
        .expect(ExpectedResult.objectLike({ Attributes: attrs }));
      count++;
    } else if (c instanceof greengrassv2.CfnComponentVersion) {
      test.assertions.awsApiCall('GreengrassV2', 'describeComponent', { arn: c.attrArn })
        .expect(ExpectedResult.objectLike({ status: { componentState: 'DEPLOYABLE' } }))
        .waitForAssertions(WAIT);
      count++;
    }
  }
  return count;
}
