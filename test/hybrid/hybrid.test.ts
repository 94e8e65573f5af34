import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createHybridApp, HybridApp } from '../../examples/hybrid';
import { LaneKind } from '../../lib';
import { CfnLint, KubernetesSchema, NagCheck } from '../../lib/testing';

let hybrid: HybridApp;
let template: Template;
const manifestsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybrid-manifests-'));

beforeAll(() => {
  hybrid = createHybridApp({ manifestsDir });
  template = Template.fromStack(hybrid.stack);
});

test('one artifact, four AWS lanes in one topology, each serving the same version', () => {
  expect(hybrid.topology.lanes.map(l => [l.node.id, l.laneKind, l.artifactVersion])).toEqual([
    ['Baseline', LaneKind.MANAGED_ENDPOINT, '1.4.0'],
    ['Burst', LaneKind.SERVERLESS, '1.4.0'],
    ['Summaries', LaneKind.BATCH_WORKERS, '1.4.0'],
    ['Kiosks', LaneKind.EDGE_FLEET, '1.4.0'],
  ]);
});

test('every lane carries the model and topology tags', () => {
  for (const type of ['AWS::SageMaker::Endpoint', 'AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::IAM::Role']) {
    template.hasResourceProperties(type, {
      Tags: Match.arrayWith([{ Key: 'model:name', Value: 'assistant' }, { Key: 'model:version', Value: '1.4.0' }]),
    });
  }
  template.hasResourceProperties('AWS::SageMaker::Endpoint', { Tags: Match.arrayWith([{ Key: 'inference:topology', Value: 'Assistant' }]) });
});

test('the baseline scales on in-flight requests with the warm buffer and rolls out blue/green all at once, baked on the SLO rollback alarms', () => {
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution' },
      TargetValue: 3.2,
    }),
  });
  template.hasResourceProperties('AWS::SageMaker::Endpoint', {
    DeploymentConfig: Match.objectLike({
      // The 10-minute bake is SageMaker's baking period (WaitIntervalInSeconds), the one its alarms watch.
      BlueGreenUpdatePolicy: Match.objectLike({ TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 } }),
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: Match.stringLikeRegexp('-Baseline-SloLatency-') }, { AlarmName: Match.stringLikeRegexp('-Baseline-SloErrorRate-') }] },
    }),
  });
});

test('the burst pool keeps one warm environment, pre-warms 5 for the marketing event, and canaries 75% first', () => {
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    ScalableDimension: 'lambda:function:ProvisionedConcurrency',
    MinCapacity: 1,
    MaxCapacity: 50,
    ScheduledActions: Match.arrayWith([Match.objectLike({ ScheduledActionName: 'marketing-event-start', ScalableTargetAction: { MinCapacity: 5, MaxCapacity: 150 } })]),
  });
  template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
    TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 75, CanaryInterval: 5 } },
  });
});

test('the summaries lane is a fixed budget of 2 workers with a DLQ', () => {
  template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
});

test('the SLO renders per lane: Application Signals SLOs with burn-rate alarms, and a dashboard per AWS lane beside the topology\'s', () => {
  // latency + error rate for the baseline and the burst pool, time in queue for the summaries
  template.resourceCountIs('AWS::ApplicationSignals::ServiceLevelObjective', 5);
  expect(hybrid.topology.lanes.map(l => [l.node.id, l.serviceLevelObjectives.length, l.sloBurnRateAlarms.length])).toEqual([
    ['Baseline', 2, 4], ['Burst', 2, 4], ['Summaries', 1, 2], ['Kiosks', 0, 0],
  ]);
  template.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
    Sli: Match.objectLike({ MetricThreshold: 3600, ComparisonOperator: 'LessThanOrEqualTo' }),
    Goal: Match.objectLike({ AttainmentGoal: 99 }),
  });
  // the topology's dashboard and one per lane with CloudWatch metrics (not the edge lane)
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 4);
  expect(hybrid.topology.laneDashboards.map(d => d.node.path)).toEqual([
    'InferenceLanesHybrid/Assistant/Baseline/LaneDashboard', 'InferenceLanesHybrid/Assistant/Burst/LaneDashboard', 'InferenceLanesHybrid/Assistant/Summaries/LaneDashboard',
  ]);
});

test('passes cfn-lint (AWS resource schemas) with no errors', () => {
  const result = CfnLint.lintStack(hybrid.stack);
  expect(CfnLint.format(result.errors)).toBe('');
});

test('passes cdk-nag AwsSolutions; every acknowledgement carries a reason', () => {
  const result = NagCheck.check(hybrid.stack);
  expect(NagCheck.format(result.errors)).toBe('');
});

test('the GPU recommender manifests are written for any cluster and validate against the Kubernetes and CRD schemas', () => {
  const files = fs.readdirSync(manifestsDir).filter(f => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    KubernetesSchema.assertFileValid(path.join(manifestsDir, f));
  }
  const kinds = hybrid.charts[0].toJson().map((o: any) => o.kind);
  expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'ScaledObject', 'PodDisruptionBudget']));
});

test('snapshot (asset hashes masked)', () => {
  expect(template.toJSON()).toMatchSnapshot();
});

test('operations kit in the hybrid: drift checks on the baseline\'s captured requests, FIS experiments, the signed edge build', () => {
  // Drift (issue 20 part 4): the baseline captures requests; an hourly data-quality schedule watches them.
  template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
    DataCaptureConfig: Match.objectLike({ EnableCapture: true, InitialSamplingPercentage: 10 }),
  });
  template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', {
    EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AssistantBaseline'), 'EndpointName'] },
    MonitoringScheduleConfig: Match.objectLike({ MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } }),
  });
  template.resourceCountIs('AWS::SageMaker::DataQualityJobDefinition', 1);
  expect(hybrid.drift).toBeDefined();
  // Resilience (part 2): templates per supported lane, each stopped by alarms; never started by a deploy.
  expect(Object.keys(template.findResources('AWS::FIS::ExperimentTemplate')).length).toBe(6);
  // Supply chain (part 5): the kiosks verify the int8 build's signature before unpacking it.
  const recipes = JSON.stringify(template.findResources('AWS::GreengrassV2::ComponentVersion'));
  expect(recipes).toMatch(/openssl dgst -sha256 -verify \{work:path\}\/model-signing-key-[0-9a-f]+\.pem -signature \{artifacts:path\}\/[0-9a-f]+\.sig/);
  expect(recipes.indexOf('openssl dgst')).toBeLessThan(recipes.indexOf('tar -xzf'));
});
