import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CaptureMode, DriftMonitor, DriftMonitorProps, EndpointMode, ManagedEndpoint, RetrainingHook } from '../../lib/managed-endpoint';
import { DataCaptureOptions } from '../../lib/managed-endpoint/data-capture';
import { CfnLint, NagCheck } from '../../lib/testing';
import { artifact, ENV } from './helpers';

// Issue 20 part 4: drift monitoring of a ManagedEndpoint with data capture.

const PIPELINE_ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/retrain-assistant';

/** The endpoint under test; `null` = no data capture. */
function endpointIn(stack: Stack, dataCapture: DataCaptureOptions | null = { samplingPercent: 10 }): ManagedEndpoint {
  return new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    dataCapture: dataCapture ?? undefined,
  });
}

function build(props: Partial<DriftMonitorProps> = {}, opts: { env?: { account?: string; region?: string } | null; dataCapture?: DataCaptureOptions | null } = {}) {
  const stack = new Stack(new App(), 'S', { env: opts.env === null ? undefined : opts.env ?? ENV });
  const endpoint = endpointIn(stack, opts.dataCapture === undefined ? { samplingPercent: 10 } : opts.dataCapture);
  const baselineBucket = new s3.Bucket(stack, 'Baselines', { enforceSSL: true, serverAccessLogsPrefix: 'access/' });
  const monitor = new DriftMonitor(stack, 'Drift', { endpoint, baselineBucket, baselinePrefix: 'baselines/assistant/1.4.0/', ...props });
  return { stack, endpoint, monitor, template: Template.fromStack(stack) };
}

function policyStatements(t: Template, rolePrefix: string): any[] {
  const roles = t.findResources('AWS::IAM::Role');
  const roleId = Object.keys(roles).find(id => id.startsWith(rolePrefix))!;
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
  return policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('DriftMonitor: what is emitted with the defaults', () => {
  test('a data-quality job definition on the endpoint: analyzer image of eu-west-1, baseline files, endpoint input, reports on the capture bucket with the capture key', () => {
    const { template } = build();
    template.resourceCountIs('AWS::SageMaker::DataQualityJobDefinition', 1);
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] },
      DataQualityAppSpecification: {
        ImageUri: { 'Fn::Join': ['', ['468650794304.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/sagemaker-model-monitor-analyzer']] },
        Environment: { publish_cloudwatch_metrics: 'Enabled' },
      },
      DataQualityBaselineConfig: {
        StatisticsResource: { S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Baselines') }, '/baselines/assistant/1.4.0/statistics.json']] } },
        ConstraintsResource: { S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Baselines') }, '/baselines/assistant/1.4.0/constraints.json']] } },
      },
      DataQualityJobInput: {
        EndpointInput: {
          EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] },
          LocalPath: '/opt/ml/processing/input/endpoint',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
        },
      },
      DataQualityJobOutputConfig: {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointKey'), 'Arn'] },
        MonitoringOutputs: [{
          S3Output: {
            S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^EndpointOutputBucket') }, '/model-monitor/reports/']] },
            LocalPath: '/opt/ml/processing/output',
            S3UploadMode: 'EndOfJob',
          },
        }],
      },
      JobResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 20 } },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftJobRole'), 'Arn'] },
    });
  });

  test('an hourly DataQuality schedule on the endpoint naming the job definition by the name at the end of its ARN', () => {
    const { template, monitor } = build();
    expect(monitor.scheduleExpression).toBe('cron(0 * ? * * *)');
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', {
      MonitoringScheduleName: Match.stringLikeRegexp('^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$'),
      EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] },
      MonitoringScheduleConfig: {
        MonitoringType: 'DataQuality',
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
        MonitoringJobDefinitionName: { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftJobDefinition'), 'JobDefinitionArn'] }] }] },
      },
    });
  });

  test('a rule on processing jobs of this schedule that complete with violations, and an alarm on that rule over one schedule interval', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Processing Job State Change'],
        'detail': {
          MonitoringScheduleArn: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftSchedule'), 'MonitoringScheduleArn'] }],
          ProcessingJobStatus: ['Completed'],
          ExitMessage: [{ prefix: 'CompletedWithViolations' }],
        },
      },
      State: 'ENABLED',
    });
    // No hook by default: the rule has no target.
    const rule = Object.entries(template.findResources('AWS::Events::Rule')).find(([id]) => !id.includes('CapacityLag'))![1] as any;
    expect(rule.Properties.Targets).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('^DriftViolationsRule') } }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('the job role: reads the capture prefix and exactly the two baseline files, writes the report prefix, metrics in the data-metrics namespace, processing-job logs, the analyzer repository', () => {
    const { template } = build();
    const statements = policyStatements(template, 'DriftJobRole');
    const json = JSON.stringify(statements);
    expect(json).toContain('/data-capture/*');
    expect(json).toContain('/baselines/assistant/1.4.0/statistics.json');
    expect(json).toContain('/baselines/assistant/1.4.0/constraints.json');
    expect(json).not.toContain('/baselines/assistant/1.4.0/*');
    expect(json).toContain('/model-monitor/reports/*');
    const metrics = statements.find(s => s.Action === 'cloudwatch:PutMetricData');
    expect(metrics).toMatchObject({ Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'aws/sagemaker/Endpoints/data-metrics' } } });
    const pull = statements.find(s => Array.isArray(s.Action) && s.Action.includes('ecr:BatchGetImage'));
    expect(pull.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:468650794304:repository/sagemaker-model-monitor-analyzer']] });
    const logs = statements.find(s => Array.isArray(s.Action) && s.Action.includes('logs:PutLogEvents'));
    expect(JSON.stringify(logs.Resource)).toContain(':log-group:/aws/sagemaker/ProcessingJobs*');
    // The only '*' resources: PutMetricData and GetAuthorizationToken.
    expect(statements.filter(s => s.Resource === '*').map(s => s.Action).sort()).toEqual(['cloudwatch:PutMetricData', 'ecr:GetAuthorizationToken']);
    // Decrypts the captures with the endpoint key.
    expect(statements.some(s => JSON.stringify(s.Action).includes('kms:Decrypt') && JSON.stringify(s.Resource).includes('EndpointKey'))).toBe(true);
  });

  test('the ManagedEndpoint exposes where it captures (bucket, default prefix, key, modes)', () => {
    const { endpoint } = build();
    expect(endpoint.dataCaptureLocation).toMatchObject({ prefix: 'data-capture/', samplingPercent: 10, captureModes: ['Input', 'Output'] });
    expect(endpoint.dataCaptureLocation!.bucket).toBe(endpoint.outputBucket);
    expect(endpoint.dataCaptureLocation!.encryptionKey).toBe(endpoint.encryptionKey);
    const bare = new Stack(new App(), 'B', { env: ENV });
    expect(endpointIn(bare, null).dataCaptureLocation).toBeUndefined();
  });

  test('cfn-lint: no errors; cdk-nag: no unsuppressed finding under the monitor', () => {
    const { stack } = build({ retrainingHook: RetrainingHook.sageMakerPipeline(PIPELINE_ARN) });
    expect(CfnLint.assertNoErrors(stack).errors).toEqual([]);
    const r = NagCheck.check(stack);
    expect([...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`).filter(f => f.startsWith('S/Drift') || f.startsWith('S/Endpoint'))).toEqual([]);
  });

  test('environment-agnostic stack: the analyzer account comes from a mapping over the 20 known Regions (FindInMap on AWS::Region)', () => {
    const { template } = build({}, { env: null });
    const mappings = template.toJSON().Mappings;
    const mapping = Object.values(mappings)[0] as Record<string, { account: string }>;
    expect(Object.keys(mapping)).toHaveLength(20);
    expect(mapping['us-east-1'].account).toBe('156813124566');
    expect(mapping['us-west-2'].account).toBe('159807026194');
    const job = Object.values(template.findResources('AWS::SageMaker::DataQualityJobDefinition'))[0] as any;
    expect(JSON.stringify(job.Properties.DataQualityAppSpecification.ImageUri)).toContain('Fn::FindInMap');
  });
});

describe('DriftMonitor: options', () => {
  test.each([
    [2, 'cron(0 0/2 ? * * *)', 7200],
    [12, 'cron(0 0/12 ? * * *)', 43200],
    [23, 'cron(0 0/23 ? * * *)', 82800],
    [24, 'cron(0 0 ? * * *)', 86400],
  ])('scheduleIntervalHours %d renders %s and an alarm period of %d s', (hours, expr, period) => {
    const { template } = build({ scheduleIntervalHours: hours });
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { MonitoringScheduleConfig: { ScheduleConfig: { ScheduleExpression: expr } } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Period: period });
  });

  test('job resources, runtime, image, report bucket and prefix as given (a report bucket of the user: no KmsKeyId)', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const reports = new s3.Bucket(stack, 'Reports');
    const endpoint = endpointIn(stack);
    new DriftMonitor(stack, 'Drift', {
      endpoint, baselineBucket: reports, baselinePrefix: 'b/', reportBucket: reports, reportPrefix: 'drift/',
      instanceType: 'ml.c5.xlarge', instanceCount: 100, volumeSizeGiB: 16384, maxRuntime: Duration.minutes(30),
      imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-analyzer:1',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      DataQualityAppSpecification: { ImageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-analyzer:1' },
      JobResources: { ClusterConfig: { InstanceType: 'ml.c5.xlarge', InstanceCount: 100, VolumeSizeInGB: 16384 } },
      StoppingCondition: { MaxRuntimeInSeconds: 1800 },
      DataQualityJobOutputConfig: {
        KmsKeyId: Match.absent(),
        MonitoringOutputs: [{ S3Output: Match.objectLike({ S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Reports') }, '/drift/']] } }) }],
      },
    });
    // A user image: no pull grant from the default analyzer repository.
    expect(JSON.stringify(policyStatements(t, 'DriftJobRole'))).not.toContain('ecr:');
  });

  test('a long construct path still gives a schedule name SageMaker accepts (<= 63, pattern)', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const deep = new Construct(new Construct(stack, 'AVeryLongParentConstructNameForTesting'), 'AnotherQuiteLongChildConstructName');
    new DriftMonitor(deep, 'DriftMonitorWithAnEvenLongerIdentifier', { endpoint: endpointIn(stack), baselineBucket: s3.Bucket.fromBucketName(stack, 'B', 'baselines'), baselinePrefix: 'b/' });
    const name = (Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::MonitoringSchedule'))[0] as any).Properties.MonitoringScheduleName;
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
  });

  test('maxRuntime may equal the interval (24 h daily)', () => {
    const { template } = build({ scheduleIntervalHours: 24, maxRuntime: Duration.hours(24) });
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', { StoppingCondition: { MaxRuntimeInSeconds: 86400 } });
  });

  test('retraining hook: a state machine gets a role with states:StartExecution on exactly that state machine', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const sm = new sfn.StateMachine(stack, 'Retrain', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')) });
    const endpoint = endpointIn(stack);
    new DriftMonitor(stack, 'Drift', { endpoint, baselineBucket: s3.Bucket.fromBucketName(stack, 'B', 'baselines'), baselinePrefix: 'b/', retrainingHook: RetrainingHook.stateMachine(sm) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Retrain') }, RoleArn: Match.anyValue() })] });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^Retrain') } }] },
    });
  });

  test('retraining hook: a SageMaker pipeline gets a role EventBridge assumes with sagemaker:StartPipelineExecution on exactly that pipeline', () => {
    const { template } = build({ retrainingHook: RetrainingHook.sageMakerPipeline(PIPELINE_ARN) });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: PIPELINE_ARN, RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftRetrainingHookRole'), 'Arn'] } })] });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })] },
    });
    expect(policyStatements(template, 'DriftRetrainingHookRole')).toEqual([{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: PIPELINE_ARN }]);
  });

  test('retraining hook: an SNS topic is the target (no role) and its policy lets EventBridge publish', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const topic = new sns.Topic(stack, 'Retrain');
    new DriftMonitor(stack, 'Drift', { endpoint: endpointIn(stack), baselineBucket: s3.Bucket.fromBucketName(stack, 'B', 'baselines'), baselinePrefix: 'b/', retrainingHook: RetrainingHook.topic(topic) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Retrain') }, RoleArn: Match.absent() })] });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } })] },
    });
  });

  test('an endpoint created elsewhere: monitored with the capture location given (bucket, prefix, key); the job reads that prefix', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const imported = ManagedEndpoint.fromEndpointAttributes(stack, 'Imported', { endpointName: 'legacy-assistant' });
    const captures = s3.Bucket.fromBucketName(stack, 'Captures', 'legacy-captures');
    new DriftMonitor(stack, 'Drift', {
      endpoint: imported, dataCapture: { bucket: captures, prefix: 'capture/' },
      baselineBucket: s3.Bucket.fromBucketName(stack, 'B', 'baselines'), baselinePrefix: 'b/',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      EndpointName: 'legacy-assistant',
      DataQualityJobInput: { EndpointInput: Match.objectLike({ EndpointName: 'legacy-assistant' }) },
      // Reports default to the capture bucket; no key given, no KmsKeyId.
      DataQualityJobOutputConfig: { KmsKeyId: Match.absent(), MonitoringOutputs: [{ S3Output: Match.objectLike({ S3Uri: 's3://legacy-captures/model-monitor/reports/' }) }] },
    });
    t.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { EndpointName: 'legacy-assistant' });
    expect(JSON.stringify(policyStatements(t, 'DriftJobRole'))).toContain('legacy-captures/capture/*');
  });

  test('metricFeatureDrift: feature_baseline_drift_<feature> in aws/sagemaker/Endpoints/data-metrics by endpoint and schedule', () => {
    const { monitor, stack } = build();
    const m = monitor.metricFeatureDrift('age');
    expect(m.namespace).toBe('aws/sagemaker/Endpoints/data-metrics');
    expect(m.metricName).toBe('feature_baseline_drift_age');
    expect(m.statistic).toBe('Maximum');
    expect(stack.resolve(m.dimensions)).toEqual({
      Endpoint: { 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointName'] },
      MonitoringSchedule: expect.stringMatching(/^[a-zA-Z0-9-]+$/),
    });
  });
});

describe('DriftMonitor: bad input', () => {
  test('an endpoint without data capture', () => {
    expect(() => build({}, { dataCapture: null })).toThrow(
      /S\/Drift.*endpoint.*S\/Endpoint.*has no data capture.*Pass dataCapture: \{ samplingPercent: 10 \}.*S\/Endpoint/s);
  });

  test('an endpoint capturing only responses', () => {
    expect(() => build({}, { dataCapture: { samplingPercent: 10, captureModes: [CaptureMode.OUTPUT] } })).toThrow(
      /captures only responses.*Add CaptureMode.INPUT/s);
  });

  test('no endpoint (plain JavaScript)', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(() => new DriftMonitor(stack, 'Drift', { baselineBucket: s3.Bucket.fromBucketName(stack, 'B', 'baselines'), baselinePrefix: 'b/' } as any)).toThrow(
      /endpoint.*is required.*Pass the endpoint to watch/s);
  });

  test('an imported endpoint without dataCapture; a dataCapture without bucket or with a malformed prefix', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const imported = ManagedEndpoint.fromEndpointAttributes(stack, 'Imported', { endpointName: 'legacy-assistant' });
    const baselineBucket = s3.Bucket.fromBucketName(stack, 'B', 'baselines');
    expect(() => new DriftMonitor(stack, 'D1', { endpoint: imported, baselineBucket, baselinePrefix: 'b/' })).toThrow(
      /endpoint.*S\/Imported.*has no data capture.*pass its location as dataCapture: \{ bucket, prefix \}/s);
    expect(() => new DriftMonitor(stack, 'D2', { endpoint: imported, baselineBucket, baselinePrefix: 'b/', dataCapture: { prefix: 'c/' } as any })).toThrow(
      /dataCapture.bucket.*is required/s);
    expect(() => new DriftMonitor(stack, 'D3', { endpoint: imported, baselineBucket, baselinePrefix: 'b/', dataCapture: { bucket: baselineBucket, prefix: 'c' } })).toThrow(
      /dataCapture.prefix.*must be a key prefix ending with '\/'/s);
  });

  test('a retrainingHook that is not a RetrainingHook (plain JavaScript)', () => {
    expect(() => build({ retrainingHook: { topicArn: 'x' } as any })).toThrow(/retrainingHook.*is not a RetrainingHook.*RetrainingHook.stateMachine/s);
  });

  test('no baseline bucket, no or a malformed baseline prefix, a malformed report prefix', () => {
    expect(() => build({ baselineBucket: undefined as any })).toThrow(/baselineBucket.*is required.*statistics.json and constraints.json/s);
    expect(() => build({ baselinePrefix: undefined as any })).toThrow(/baselinePrefix.*is required.*baselines\/assistant\/1.4.0\//s);
    expect(() => build({ baselinePrefix: 'baselines' })).toThrow(/baselinePrefix.*must be a key prefix ending with '\/'/s);
    expect(() => build({ reportPrefix: '/reports/' })).toThrow(/reportPrefix.*not starting with '\/'/s);
  });

  test.each([0, 25, 1.5])('scheduleIntervalHours %p', (hours) => {
    expect(() => build({ scheduleIntervalHours: hours })).toThrow(/scheduleIntervalHours.*Pass whole hours from 1 \(hourly\) to 24 \(daily\)/s);
  });

  test('scheduleIntervalHours as a token (it builds the cron expression and the alarm period)', () => {
    expect(() => build({ scheduleIntervalHours: Token.asNumber({ Ref: 'Hours' }) })).toThrow(/scheduleIntervalHours.*is a token.*Pass a whole number of hours from 1 to 24/s);
  });

  test('maxRuntime longer than the interval, or not a Duration', () => {
    expect(() => build({ maxRuntime: Duration.seconds(3601) })).toThrow(/maxRuntime.*must be from 1 second to 1 hour/s);
    expect(() => build({ scheduleIntervalHours: 2, maxRuntime: Duration.seconds(7201) })).toThrow(/maxRuntime.*to 2 hours/s);
    expect(() => build({ maxRuntime: 600 as any })).toThrow(/maxRuntime.*is not a Duration/s);
  });

  test('instance type, count, volume size out of range', () => {
    expect(() => build({ instanceType: 'm5.xlarge' })).toThrow(/instanceType.*is not a SageMaker processing instance type.*ml.m5.xlarge/s);
    expect(() => build({ instanceCount: 0 })).toThrow(/instanceCount.*1 to 100/s);
    expect(() => build({ instanceCount: 101 })).toThrow(/instanceCount.*1 to 100/s);
    expect(() => build({ volumeSizeGiB: 16385 })).toThrow(/volumeSizeGiB.*1 to 16384/s);
  });

  test('a concrete Region without a known analyzer image, no imageUri', () => {
    expect(() => build({}, { env: { account: '111122223333', region: 'eu-south-2' } })).toThrow(
      /imageUri.*has no default in Region eu-south-2.*Pass imageUri: '<account>.dkr.ecr.eu-south-2.amazonaws.com\/sagemaker-model-monitor-analyzer'/s);
    // The same Region with an image is accepted.
    expect(() => build({ imageUri: '999999999999.dkr.ecr.eu-south-2.amazonaws.com/sagemaker-model-monitor-analyzer' }, { env: { account: '111122223333', region: 'eu-south-2' } })).not.toThrow();
  });

  test('a pipeline ARN that is not one', () => {
    expect(() => RetrainingHook.sageMakerPipeline('arn:aws:sagemaker:eu-west-1:111122223333:endpoint/x')).toThrow(
      /RetrainingHook.sageMakerPipeline.*retrainingHook.*is not a SageMaker pipeline ARN.*pipeline\/<name>/s);
  });
});
