import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { nagResource } from '../../core/private/nag-ref';

/** Construct id of aws-cdk-lib's singleton AwsCustomResource provider function (one per stack). */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Acknowledge the cdk-nag findings of a ring's fleet-health lookup (an AwsCustomResource that reads
 * the IoT job a Greengrass deployment created), on what the lane created (README "cdk-nag").
 * @internal
 */
export function acknowledgeJobLookupFindings(lookup: IConstruct, jobArnPattern: string): void {
  acknowledgeNagFindings(lookup.node.tryFindChild('CustomResourcePolicy') ?? lookup, [{
    id: 'AwsSolutions-IAM5',
    appliesTo: [nagResource(lookup, jobArnPattern)],
    reason: 'iot:DescribeJob (read-only) on the IoT job a Greengrass deployment creates: its ID is what the lookup reads (GetDeployment returns it), so it cannot be named in advance.',
  }]);
  // The provider function is a per-stack singleton: created by the first AwsCustomResource.
  const provider = Stack.of(lookup).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  const serviceRole = provider?.node.tryFindChild('ServiceRole');
  if (serviceRole) {
    acknowledgeNagFindings(serviceRole, [{
      id: 'AwsSolutions-IAM4',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      reason: 'The aws-cdk-lib AwsCustomResource provider function only writes its own CloudWatch logs with the basic execution policy; its API calls use the scoped per-lookup policies.',
    }]);
  }
}
