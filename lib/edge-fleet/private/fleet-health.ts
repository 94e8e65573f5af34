import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { nagResource } from '../../core/private/nag-ref';
import { JobExecutionStatus } from '../fleet-job';

/**
 * # Fleet health of the edge lane
 *
 * Everything that watches a ring's deployment, in one file (issue 17: the lane's rollback/health alarms
 * live in one place): the IoT job lookup (CloudFormation only returns the Greengrass deployment ID),
 * the `AWS/IoT` job-execution metrics and the health alarm on failed + rejected devices, and the
 * cdk-nag acknowledgements of the lookup's design.
 */

/** Construct id of aws-cdk-lib's singleton AwsCustomResource provider function (one per stack). */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Job executions of one IoT job in a given status (`AWS/IoT` `<Status>JobExecutionTotalCount` with the
 * `JobId` dimension; statistic Maximum over 5 minutes unless `props` says otherwise).
 * @internal
 */
export function jobExecutionsMetric(jobId: string, status: JobExecutionStatus, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/IoT',
    metricName: `${status}JobExecutionTotalCount`,
    dimensionsMap: { JobId: jobId },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(5),
    ...props,
  });
}

/** What {@link watchDeployment} needs to know about one ring's deployment. @internal */
export interface WatchedDeployment {
  readonly deployment: greengrassv2.CfnDeployment;
  /** ARN of the ring's thing group (the deployment's target). */
  readonly targetArn: string;
  readonly componentName: string;
  readonly className: string;
  readonly ring: string;
  /** The component version the ring runs. */
  readonly version: string;
  /** Failed plus rejected devices that raise the alarm. */
  readonly threshold: number;
}

/** The IoT job ID of a watched deployment and its health alarm. @internal */
export interface DeploymentHealth {
  readonly jobId: string;
  readonly alarm: cloudwatch.Alarm;
}

/**
 * Watch one ring's deployment: look up its IoT job (`JobLookup`, a custom resource calling
 * `greengrass:GetDeployment`) and alarm on its failed + rejected executions (`HealthAlarm`), both in
 * `ringScope`.
 * @internal
 */
export function watchDeployment(ringScope: Construct, w: WatchedDeployment): DeploymentHealth {
  const jobId = lookupJobId(ringScope, w.deployment, w.targetArn);
  const failed = jobExecutionsMetric(jobId, JobExecutionStatus.FAILED);
  const rejected = jobExecutionsMetric(jobId, JobExecutionStatus.REJECTED);
  const alarm = new cloudwatch.Alarm(ringScope, 'HealthAlarm', {
    metric: new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(rejected, 0)',
      usingMetrics: { failed, rejected },
      period: Duration.minutes(5),
      label: `${w.className} ${w.ring} failed + rejected devices`,
    }),
    threshold: w.threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Edge fleet ${w.componentName}: ${w.threshold} or more ${w.className} devices of the ${w.ring} ring failed or rejected deployment ${w.version}. Do not promote; devices roll back on their own with ROLLBACK.`,
  });
  return { jobId, alarm };
}

/** The IoT job ID of a Greengrass deployment, read with `greengrass:GetDeployment`. */
function lookupJobId(ringScope: Construct, deployment: greengrassv2.CfnDeployment, targetArn: string): string {
  const stack = Stack.of(ringScope);
  const jobArns = stack.formatArn({ service: 'iot', resource: 'job', resourceName: '*' });
  const lookup = new cr.AwsCustomResource(ringScope, 'JobLookup', {
    onUpdate: {
      service: 'GreengrassV2',
      action: 'GetDeployment',
      parameters: { deploymentId: deployment.attrDeploymentId },
      physicalResourceId: cr.PhysicalResourceId.fromResponse('iotJobId'),
      outputPaths: ['iotJobId'],
    },
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({
        actions: ['greengrass:GetDeployment'],
        resources: [stack.formatArn({ service: 'greengrass', resource: 'deployments', resourceName: deployment.attrDeploymentId, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
      // Read-only actions the service authorization reference lists as dependent actions of
      // GetDeployment. The job ID is what is being looked up, hence job/*.
      new iam.PolicyStatement({
        actions: ['iot:DescribeJob'],
        resources: [jobArns],
      }),
      new iam.PolicyStatement({
        actions: ['iot:DescribeThingGroup'],
        resources: [targetArn],
      }),
    ]),
    installLatestAwsSdk: false,
  });
  acknowledgeJobLookupFindings(lookup, jobArns);
  return lookup.getResponseField('iotJobId');
}

/**
 * Acknowledge the cdk-nag findings of a ring's fleet-health lookup (an AwsCustomResource that reads
 * the IoT job a Greengrass deployment created), on what the lane created (README "cdk-nag").
 */
function acknowledgeJobLookupFindings(lookup: IConstruct, jobArnPattern: string): void {
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
