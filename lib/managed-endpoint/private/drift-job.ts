import { Fn, Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { ResolvedDrift } from './drift-props';

/**
 * The Model Monitor resources of a drift monitor: the data-quality job definition and the monitoring
 * schedule. Fields follow botocore's CreateDataQualityJobDefinition / CreateMonitoringSchedule. Internal.
 */

/** `JobDefinition`: the analyzer against the baseline on the endpoint's captures; reports to S3. */
export function createJobDefinition(scope: Construct, r: ResolvedDrift, role: iam.IRole): sagemaker.CfnDataQualityJobDefinition {
  const jobDefinition = new sagemaker.CfnDataQualityJobDefinition(scope, 'JobDefinition', {
    endpointName: r.endpointName,
    roleArn: role.roleArn,
    dataQualityAppSpecification: {
      imageUri: r.image.imageUri,
      // Per-feature drift metrics in aws/sagemaker/Endpoints/data-metrics (DriftMonitor.metricFeatureDrift).
      environment: { publish_cloudwatch_metrics: 'Enabled' },
    },
    dataQualityBaselineConfig: {
      statisticsResource: { s3Uri: r.baselineBucket.s3UrlForObject(r.statisticsKey) },
      constraintsResource: { s3Uri: r.baselineBucket.s3UrlForObject(r.constraintsKey) },
    },
    dataQualityJobInput: {
      endpointInput: {
        endpointName: r.endpointName,
        localPath: '/opt/ml/processing/input/endpoint',
        s3InputMode: 'File',
        s3DataDistributionType: 'FullyReplicated',
      },
    },
    dataQualityJobOutputConfig: {
      kmsKeyId: r.reportKey?.keyArn,
      monitoringOutputs: [{
        s3Output: { s3Uri: r.reportBucket.s3UrlForObject(r.reportPrefix), localPath: '/opt/ml/processing/output', s3UploadMode: 'EndOfJob' },
      }],
    },
    jobResources: { clusterConfig: { instanceType: r.instanceType, instanceCount: r.instanceCount, volumeSizeInGb: r.volumeSizeGiB } },
    stoppingCondition: { maxRuntimeInSeconds: r.maxRuntime.toSeconds() },
  });
  // SageMaker checks the role's access when it creates the job definition: the policy comes first.
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) { jobDefinition.node.addDependency(policy); }
  return jobDefinition;
}

/** `Schedule`: a DataQuality schedule on the endpoint naming the job definition. */
export function createSchedule(scope: Construct, r: ResolvedDrift, jobDefinition: sagemaker.CfnDataQualityJobDefinition): sagemaker.CfnMonitoringSchedule {
  return new sagemaker.CfnMonitoringSchedule(scope, 'Schedule', {
    // MonitoringScheduleName is required; [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}.
    monitoringScheduleName: Names.uniqueResourceName(scope, { maxLength: 63, separator: '-' }).replace(/[^a-zA-Z0-9-]/g, ''),
    endpointName: r.endpointName,
    monitoringScheduleConfig: {
      // The job definition's name is generated (a change replaces it); its ARN ends with '/<name>'.
      monitoringJobDefinitionName: Fn.select(1, Fn.split('/', jobDefinition.attrJobDefinitionArn)),
      monitoringType: 'DataQuality',
      scheduleConfig: { scheduleExpression: r.scheduleExpression },
    },
  });
}
