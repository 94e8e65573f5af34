import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createManagedEndpointStack } from '../../examples/managed-endpoint';
import { CfnLint, NagCheck } from '../../lib/testing';

// GIVEN the example stack (conversational model, p95 < 300 ms, canary + shadow), built once for every check
let stack: Stack;
let template: Template;
beforeAll(() => {
  stack = createManagedEndpointStack(new App(), 'ManagedEndpointExample');
  template = Template.fromStack(stack);
});

test('serves 1.4.0, shadows 1.5.0 on 20% of traffic and rolls out by canary on the SLO alarms', () => {
  template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
    ProductionVariants: [Match.objectLike({ VariantName: 'primary', InstanceType: 'ml.c5.2xlarge', InitialInstanceCount: 2 })],
    ShadowProductionVariants: [Match.objectLike({ VariantName: 'shadow', InitialVariantWeight: 0.2 })],
    DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: 10 }),
  });
  template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Environment: Match.objectLike({ MODEL_NAME: 'assistant', MODEL_VERSION: '1.5.0', MODEL_LOCAL_DIR: '/opt/ml/model' }) }) });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p95', Threshold: 300000 });
  template.hasResourceProperties('AWS::SageMaker::Endpoint', {
    DeploymentConfig: Match.objectLike({
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: Match.stringLikeRegexp('SloLatency') }, { AlarmName: Match.stringLikeRegexp('SloErrorRate') }] },
      BlueGreenUpdatePolicy: Match.objectLike({ TrafficRoutingConfiguration: Match.objectLike({ Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 25 } }) }),
    }),
  });
});

test('watches the captured requests for drift: an hourly data-quality schedule, a violations alarm, the retraining pipeline as the rule target', () => {
  template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', {
    MonitoringScheduleConfig: Match.objectLike({ MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } }),
  });
  template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
    DataQualityBaselineConfig: { ConstraintsResource: { S3Uri: 's3://assistant-model-monitor-baselines/baselines/assistant/1.4.0/constraints.json' }, StatisticsResource: Match.anyValue() },
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Events', MetricName: 'TriggeredRules' });
  template.hasResourceProperties('AWS::Events::Rule', {
    Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', Match.arrayWith([':pipeline/assistant-retrain'])] } })],
  });
});

test('matches the snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});

test('passes cdk-nag AwsSolutions (every suppression carries a reason)', () => {
  const result = NagCheck.assertCompliant(stack);
  expect(result.errors).toEqual([]);
});

// No skipping: without cfn-lint, CfnLint throws with the install command.
const lint = test;
lint('passes cfn-lint with no errors', () => {
  const result = CfnLint.assertNoErrors(stack);
  expect(result.errors).toEqual([]);
});
