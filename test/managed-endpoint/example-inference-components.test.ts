import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createInferenceComponentStack } from '../../examples/managed-endpoint';
import { ApiContract, CfnLint, NagCheck } from '../../lib/testing';

// GIVEN the inference-component example (two versions on one endpoint, scale to zero), built once for every check
let stack: Stack;
let template: Template;
beforeAll(() => {
  stack = createInferenceComponentStack(new App(), 'InferenceComponentExample');
  template = Template.fromStack(stack);
});

test('one endpoint, no model on its variant, managed instance scaling 0-2 ml.g5.12xlarge with least-outstanding-requests routing', () => {
  template.resourceCountIs('AWS::SageMaker::Endpoint', 1);
  const configs = Object.values(template.findResources('AWS::SageMaker::EndpointConfig')) as any[];
  expect(configs).toHaveLength(1);
  expect(configs[0].Properties.ProductionVariants).toEqual([{
    VariantName: 'primary', InstanceType: 'ml.g5.12xlarge', InitialInstanceCount: 1,
    ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
    RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
  }]);
  expect(configs[0].Properties.ExecutionRoleArn).toBeDefined();
});

test('two inference components (1.4.0 and 1.5.0), each 1 GPU / 8 vCPUs / 24 GiB per copy, rolling one copy at a time on its own SLO alarms', () => {
  const ics = Object.values(template.findResources('AWS::SageMaker::InferenceComponent')) as any[];
  expect(ics.map(r => r.Properties.Tags.find((t: any) => t.Key === 'model:version').Value).sort()).toEqual(['1.4.0', '1.5.0']);
  for (const ic of ics) {
    expect(ic.Properties.Specification).toEqual(expect.objectContaining({
      ComputeResourceRequirements: { MinMemoryRequiredInMb: 24576, NumberOfAcceleratorDevicesRequired: 1, NumberOfCpuCoresRequired: 8 },
      StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 900 },
    }));
    expect(ic.Properties.DeploymentConfig.RollingUpdatePolicy).toEqual({ MaximumBatchSize: { Type: 'COPY_COUNT', Value: 1 }, WaitIntervalInSeconds: 300 });
    const alarms = ic.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms.map((a: any) => a.AlarmName);
    expect(alarms).toHaveLength(2);
    for (const name of alarms) {
      expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }))).toContain(ic.Properties.InferenceComponentName);
    }
  }
});

test('both scale copies on concurrency per copy, from zero and back on NoCapacityInvocationFailures', () => {
  const targets = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
  expect(targets.map(t => [t.Properties.ScalableDimension, t.Properties.MinCapacity, t.Properties.MaxCapacity]).sort()).toEqual([
    ['sagemaker:inference-component:DesiredCopyCount', 0, 2], ['sagemaker:inference-component:DesiredCopyCount', 0, 6],
  ]);
  expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'NoCapacityInvocationFailures' } }))).toHaveLength(2);
  expect(Object.keys(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
    Properties: { TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' } }) },
  }))).toHaveLength(2);
});

test('each component\'s model batches in TorchServe (8 within 10 ms, one worker per one-GPU copy)', () => {
  const models = Object.values(template.findResources('AWS::SageMaker::Model')) as any[];
  expect(models).toHaveLength(2);
  for (const m of models) {
    expect(m.Properties.PrimaryContainer.Environment).toMatchObject({
      SAGEMAKER_TS_BATCH_SIZE: '8', SAGEMAKER_TS_MAX_BATCH_DELAY: '10', SAGEMAKER_TS_MIN_WORKERS: '1', SAGEMAKER_TS_MAX_WORKERS: '1',
    });
  }
});

test('the capacity-lag publisher reads the endpoint and both components every minute', () => {
  const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
  expect(fns).toHaveLength(1);
  const names = (Object.values(template.findResources('AWS::SageMaker::InferenceComponent')) as any[]).map(r => r.Properties.InferenceComponentName);
  expect(fns[0].Properties.Environment.Variables.COMPONENTS).toBe(names.join(','));
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
});

test('passes cdk-nag AwsSolutions with no finding', () => {
  const r = NagCheck.check(stack);
  expect([...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`)).toEqual([]);
});

test('passes cfn-lint with no errors', () => {
  expect(CfnLint.assertNoErrors(stack).errors).toEqual([]);
});

test('passes the API contract checks', () => {
  expect(ApiContract.format(ApiContract.validate(stack).errors)).toBe('');
});

test('matches the snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});
