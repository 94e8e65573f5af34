import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AutoscalingPolicy,
  HardwareTarget,
  LaneKind,
  ModelArtifact,
  ModelWeights,
  Rollout,
  ScalingTrigger,
  ServiceLevelObjective,
  ServingImage,
  ShadowTraffic,
} from '../../lib';
import { CaptureMode, EndpointMode, ManagedEndpoint, ManagedEndpointProps, ModelHosting } from '../../lib/managed-endpoint';
import { artifact, bucketOf, MODEL_ENV_1_4_0, repoOf } from './helpers';

// ---------------------------------------------------------------------------------------------
// helpers: bucket/ECR artifacts (no asset staging, so each synth stays fast)
// ---------------------------------------------------------------------------------------------

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
}

type Extra = Partial<ManagedEndpointProps>;

/** Build an endpoint; returns the endpoint and a lazily-synthesized template. */
function build(extra: Extra = {}, instanceType = 'ml.m5.large'): { stack: Stack; endpoint: ManagedEndpoint; template: () => Template } {
  const stack = newStack();
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.realTime({ instanceType }),
    ...extra,
  });
  let t: Template | undefined;
  return { stack, endpoint, template: () => (t ??= Template.fromStack(stack)) };
}

/** Construct an endpoint in a fresh stack (for rejection tests: nothing is synthesized). */
function construct(fn: (stack: Stack) => Extra): () => ManagedEndpoint {
  return () => {
    const stack = newStack();
    const extra = fn(stack);
    return new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), ...extra });
  };
}

const SLO = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
const SCALING = new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 6, triggers: [ScalingTrigger.inFlightPerInstance(4)] });

/** The SLO's rollback alarms (named), leaving out the Application Signals burn-rate alarms (which page). */
function rollbackAlarms(template: Template): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a: any) => a.Properties.Namespace !== 'AWS/ApplicationSignals');
}

function policyStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

// ---------------------------------------------------------------------------------------------
// real-time
// ---------------------------------------------------------------------------------------------

describe('real-time', () => {
  const { endpoint, template } = build({ autoscaling: SCALING, slo: SLO });

  test('renders model, endpoint config and endpoint without a physical endpoint name', () => {
    template().hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: { 'Fn::Join': ['', ['111122223333.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/assistant-serving:cpu-1.4.0']] },
        Mode: 'SingleModel',
        ModelDataUrl: 's3://model-bucket/assistant/1.4.0/model.tar.gz',
        // The lanes' one MODEL_* contract; SageMaker puts single-model weights in /opt/ml/model.
        Environment: MODEL_ENV_1_4_0,
      },
    });
    expect(JSON.stringify(Object.values(template().findResources('AWS::SageMaker::Model'))[0])).toContain('/assistant-serving:cpu-1.4.0');
    template().hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ VariantName: 'primary', InstanceType: 'ml.m5.large', InitialInstanceCount: 2, InitialVariantWeight: 1 })],
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointKey'), 'Arn'] },
      ShadowProductionVariants: Match.absent(),
      AsyncInferenceConfig: Match.absent(),
    });
    template().hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: Match.absent(),
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredWeight' }],
      DeploymentConfig: Match.absent(),
    });
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('scales instances of the variant through the SageMaker service-linked role', () => {
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ResourceId: { 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] }, '/variant/primary']] },
      MinCapacity: 2,
      MaxCapacity: 6,
      RoleARN: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint')])] },
    });
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution' },
        TargetValue: 4,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    // The execution role and the capacity-lag publisher's role: no role for autoscaling.
    expect(Object.keys(template().findResources('AWS::IAM::Role')).sort()).toEqual([expect.stringMatching(/^EndpointCapacityLagRole/), expect.stringMatching(/^EndpointExecutionRole/)]);
  });

  test('SLO alarms watch ModelLatency p95 in microseconds and the 5xx rate, with literal names', () => {
    // latency: p95 of the last 5 minutes (one sliding datapoint), ignored below 200 samples (10 / (1 - 0.95))
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency',
      Namespace: 'AWS/SageMaker',
      ExtendedStatistic: 'p95',
      Period: 300,
      Threshold: 300000,
      Unit: 'Microseconds',
      EvaluateLowSampleCountPercentile: 'ignore',
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const alarms = rollbackAlarms(template());
    const errorRate = alarms.find((a: any) => a.Properties.Metrics);
    // the 5xx rate: a one-sided test of the window's errors against 1% (z² > 3.09²), once the window holds
    // 100 requests (ceil(100 / 1%)); 5-minute sums, one datapoint (M-of-N shapes only the paging alarms)
    expect((errorRate as any).Properties.Metrics.map((m: any) => m.Expression ?? `${m.Id}=${m.MetricStat.Metric.MetricName}/${m.MetricStat.Stat}/${m.MetricStat.Period}`)).toEqual([
      'IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)',
      'err=Invocation5XXErrors/Sum/300', 'inv=Invocations/Sum/300',
    ]);
    expect([errorRate.Properties.Threshold, errorRate.Properties.ComparisonOperator, errorRate.Properties.TreatMissingData]).toEqual([9.5495, 'GreaterThanThreshold', 'notBreaching']);
    expect(alarms.map((a: any) => [a.Properties.DatapointsToAlarm, a.Properties.EvaluationPeriods])).toEqual([[1, 1], [1, 1]]);
    expect(alarms.map((a: any) => a.Properties.AlarmName)).toEqual([
      expect.stringMatching(/^Test-Endpoint-SloLatency-[0-9A-F]{8}$/),
      expect.stringMatching(/^Test-Endpoint-SloErrorRate-[0-9A-F]{8}$/),
    ]);
    expect(endpoint.sloAlarms).toHaveLength(2);
  });

  test('the SLO is also an Application Signals SLO per objective, on the same metrics, with burn-rate alarms that page', () => {
    // THEN: latency on ModelLatency p95 (microseconds), 1-minute periods, 99% attainment over 28 days
    template().resourceCountIs('AWS::ApplicationSignals::ServiceLevelObjective', 2);
    template().hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Name: Match.stringLikeRegexp('^Test-Endpoint-SloLatencyObjective-[0-9A-F]{8}$'),
      Sli: {
        SliMetric: {
          MetricDataQueries: [{
            Id: 'sli',
            MetricStat: {
              Metric: { Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', Dimensions: Match.arrayWith([{ Name: 'VariantName', Value: 'primary' }]) },
              Period: 60, Stat: 'p95', Unit: 'Microseconds',
            },
            ReturnData: true,
          }],
          PeriodSeconds: 60,
        },
        MetricThreshold: 300000,
        ComparisonOperator: 'LessThanOrEqualTo',
      },
      Goal: { AttainmentGoal: 99, Interval: { RollingInterval: { Duration: 28, DurationUnit: 'DAY' } } },
      BurnRateConfigurations: [{ LookBackWindowMinutes: 60 }, { LookBackWindowMinutes: 360 }],
    });
    template().hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Sli: Match.objectLike({
        SliMetric: Match.objectLike({
          MetricDataQueries: Match.arrayWith([
            { Id: 'sli', Expression: 'IF(inv >= 100, 100 * err / inv, 0)', ReturnData: true },
            Match.objectLike({ Id: 'err', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocation5XXErrors' }), Stat: 'Sum', Period: 60 }), ReturnData: false }),
          ]),
        }),
        MetricThreshold: 1,
      }),
    });
    // burn-rate alarms: 2 per objective, on the SLO's name, not among the rollback alarms
    const latencyName = (endpoint.serviceLevelObjectives[0]).name;
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationSignals', MetricName: 'BurnRate', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1,
      Dimensions: [{ Name: 'BurnRateWindowMinutes', Value: '60' }, { Name: 'SloName', Value: latencyName }],
      Threshold: 13.44, ComparisonOperator: 'GreaterThanThreshold',
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationSignals', MetricName: 'BurnRate', EvaluationPeriods: 1,
      Dimensions: [{ Name: 'BurnRateWindowMinutes', Value: '360' }, { Name: 'SloName', Value: latencyName }],
      Threshold: 5.6,
    });
    expect(endpoint.sloBurnRateAlarms).toHaveLength(4);
    expect(endpoint.serviceLevelObjectives).toHaveLength(2);
    expect(endpoint.sloAlarms.some(a => endpoint.sloBurnRateAlarms.includes(a))).toBe(false);
  });

  test('saturation: CPU and memory utilization per instance; capacity in service from Invocations ÷ InvocationsPerInstance', () => {
    expect(endpoint.saturationMetrics.map(m => (m as cloudwatch.Metric).metricName)).toEqual(['CPUUtilization', 'MemoryUtilization']);
    expect((endpoint.saturationMetrics[0] as cloudwatch.Metric).namespace).toBe('/aws/sagemaker/Endpoints');
    const capacity = endpoint.metricCapacityInService() as cloudwatch.MathExpression;
    const used = Object.values(capacity.usingMetrics).map(m => (m as cloudwatch.Metric).metricName);
    expect(used).toEqual(['Invocations', 'InvocationsPerInstance']);
    expect(capacity.expression).toMatch(/^inv[0-9a-f]{8} \/ perinstance[0-9a-f]{8}$/);
  });

  test('the execution role reads exactly the weights, pulls exactly the image repository, and nothing is AWS-managed', () => {
    const statements = policyStatements(template());
    const s3Reads = statements.filter(s => JSON.stringify(s.Action).includes('s3:'));
    expect(s3Reads).toEqual([expect.objectContaining({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::model-bucket/assistant/1.4.0/model.tar.gz']] },
    })]);
    const pull = statements.find(s => JSON.stringify(s.Action).includes('ecr:BatchGetImage'));
    expect(JSON.stringify(pull.Resource)).toContain(':repository/assistant-serving');
    // The publisher's own PutMetricData (InferenceLanes only) is in capacity-lag.test.ts.
    const wildcard = statements.filter(s => s.Resource === '*' && s.Condition?.StringEquals?.['cloudwatch:namespace'] !== 'InferenceLanes').map(s => s.Action);
    expect(wildcard).toEqual(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData']);
    const metrics = statements.find(s => s.Action === 'cloudwatch:PutMetricData');
    expect(metrics.Condition).toEqual({ StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker*'] } });
    template().hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    expect(JSON.stringify(statements)).not.toMatch(/"s3:\*"|"sagemaker:\*"/);
  });

  test('implements IInferenceLane', () => {
    expect(endpoint.laneKind).toBe(LaneKind.MANAGED_ENDPOINT);
    expect([endpoint.artifactName, endpoint.artifactVersion]).toEqual(['assistant', '1.4.0']);
    expect(endpoint.capacity).toEqual(expect.objectContaining({
      minInstances: 2, maxInstances: 6, instanceType: 'ml.m5.large', hardware: HardwareTarget.CPU_X86_64, priceClass: 'per-instance-hour',
      description: '2-6 × ml.m5.large, real-time',
    }));
    const latency = endpoint.metricLatency() as cloudwatch.Metric;
    expect([latency.namespace, latency.metricName, latency.unit]).toEqual(['AWS/SageMaker', 'ModelLatency', cloudwatch.Unit.MICROSECONDS]);
    expect(Object.keys(latency.dimensions!)).toEqual(['EndpointName', 'VariantName']);
    expect((endpoint.metricErrors() as cloudwatch.Metric).metricName).toBe('Invocation5XXErrors');
    expect((endpoint.metricInvocations() as cloudwatch.Metric).metricName).toBe('Invocations');
  });
});

test('requests per instance is converted to SageMaker invocations per MINUTE, after the warm buffer', () => {
  // GIVEN 10 requests/s per instance with a 25% warm buffer → 7.5 req/s → 450 invocations per minute
  const { template } = build({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.requestsPerInstance(10)], warmBufferPercent: 25 }) });
  template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: {
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      TargetValue: 450,
    },
  });
});

test('CPU utilization targets CPUUtilization summed over the vCPUs, with schedules', () => {
  // ml.c5.2xlarge has 8 vCPUs: 70% per core is 560 in SageMaker's per-instance sum
  const { template } = build({
    autoscaling: new AutoscalingPolicy({
      minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(70)],
      schedules: [{ name: 'launch', start: { hour: '8', minute: '0' }, end: { hour: '20', minute: '0' }, minCapacity: 3 }],
    }),
  }, 'ml.c5.2xlarge');
  template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: {
      CustomizedMetricSpecification: Match.objectLike({
        Namespace: '/aws/sagemaker/Endpoints', MetricName: 'CPUUtilization', Statistic: 'Average',
        Dimensions: Match.arrayWith([{ Name: 'VariantName', Value: 'primary' }]),
      }),
      TargetValue: 560,
    },
  });
  template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    ScheduledActions: [
      Match.objectLike({ ScheduledActionName: 'launch-start', ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 4 } }),
      Match.objectLike({ ScheduledActionName: 'launch-end', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 4 } }),
    ],
  });
});

test('GPU utilization on a 4-GPU instance binds the GPU build and targets the GPU sum; local NVMe means no volume key', () => {
  const { template, endpoint } = build({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 3, triggers: [ScalingTrigger.gpuUtilization(60)] }) }, 'ml.g5.12xlarge');
  template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: {
      CustomizedMetricSpecification: Match.objectLike({ MetricName: 'GPUUtilization' }),
      TargetValue: 240,
    },
  });
  template().hasResourceProperties('AWS::SageMaker::Model', {
    PrimaryContainer: Match.objectLike({ ModelDataUrl: 's3://model-bucket/assistant/1.4.0/fp16/model.tar.gz' }),
  });
  expect(JSON.stringify(Object.values(template().findResources('AWS::SageMaker::Model'))[0])).toContain('/assistant-serving:gpu-1.4.0');
  template().hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: Match.absent() });
  template().resourceCountIs('AWS::KMS::Key', 0);
  expect(endpoint.binding.target).toBe(HardwareTarget.NVIDIA_GPU);
});

test('a fixed fleet renders no scaling target and does not retain variant properties', () => {
  const { template } = build({ autoscaling: AutoscalingPolicy.fixed(3) }, 'ml.t2.medium');
  template().resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  template().hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InitialInstanceCount: 3 })] });
  template().hasResourceProperties('AWS::SageMaker::Endpoint', { RetainAllVariantProperties: Match.absent() });
});

test('a user endpoint name is passed through and scopes the log permissions', () => {
  const { template, endpoint } = build({ endpointName: 'chat-prod' });
  template().hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'chat-prod' });
  expect(JSON.stringify(policyStatements(template()))).toContain('log-group:/aws/sagemaker/Endpoints/chat-prod');
  expect(endpoint.node.defaultChild).toBe(endpoint.cfnEndpoint);
});

// ---------------------------------------------------------------------------------------------
// invocation: grants, API Gateway, import
// ---------------------------------------------------------------------------------------------

test('grantInvoke and API Gateway SagemakerIntegration use exactly this endpoint', () => {
  const { stack, endpoint, template } = build();
  const fn = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  endpoint.grantInvoke(fn);
  const api = new apigateway.RestApi(stack, 'Api');
  api.root.addResource('chat').addMethod('POST', new apigateway.SagemakerIntegration(endpoint));
  template().hasResourceProperties('AWS::ApiGateway::Method', {
    Integration: Match.objectLike({
      Type: 'AWS',
      Uri: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':runtime.sagemaker:path/endpoints/$'), { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] }, '/invocations'])] },
    }),
  });
  const invokes = policyStatements(template()).filter(s => s.Action === 'sagemaker:InvokeEndpoint');
  expect(invokes).toHaveLength(2); // the caller role and API Gateway's credentials role
  for (const s of invokes) {
    expect(s.Resource).toEqual({ Ref: stack.getLogicalId(endpoint.cfnEndpoint) });
  }
});

test('fromEndpointAttributes adopts an endpoint for invocation, metrics and API Gateway', () => {
  const stack = newStack();
  const imported = ManagedEndpoint.fromEndpointAttributes(stack, 'Legacy', { endpointName: 'Legacy-Chat', variantName: 'AllTraffic' });
  expect(imported.endpointArn).toMatch(/:sagemaker:eu-west-1:111122223333:endpoint\/legacy-chat$/);
  expect((imported.metricInvocations() as cloudwatch.Metric).dimensions).toEqual({ EndpointName: 'Legacy-Chat', VariantName: 'AllTraffic' });
  const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  imported.grantInvoke(role);
  const api = new apigateway.RestApi(stack, 'Api');
  api.root.addMethod('POST', new apigateway.SagemakerIntegration(imported));
  const asyncImport = ManagedEndpoint.fromEndpointAttributes(stack, 'Batch', { endpointName: 'batch', asynchronous: true });
  asyncImport.grantInvoke(role);
  const t = Template.fromStack(stack);
  const invoke = policyStatements(t).filter(s => s.Action === 'sagemaker:InvokeEndpoint');
  expect(invoke.map(s => JSON.stringify(s.Resource))).toEqual([expect.stringContaining(':endpoint/legacy-chat'), expect.stringContaining(':endpoint/legacy-chat')]);
  expect(policyStatements(t).filter(s => s.Action === 'sagemaker:InvokeEndpointAsync').map(s => JSON.stringify(s.Resource))).toEqual([expect.stringContaining(':endpoint/batch')]);
  expect(() => ManagedEndpoint.fromEndpointAttributes(stack, 'Bad', { endpointName: 'bad_name' })).toThrow(/'endpointName' \("bad_name"\) is not a SageMaker endpoint name/);
});

// ---------------------------------------------------------------------------------------------
// rollouts
// ---------------------------------------------------------------------------------------------

describe('rollouts', () => {
  test('canary: blue/green CANARY, bake, final bake and rollback on the SLO alarms', () => {
    const { template } = build({ autoscaling: SCALING, slo: SLO, rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(10), finalBakeTime: Duration.minutes(5) }) });
    const alarmNames = rollbackAlarms(template()).map((a: any) => ({ AlarmName: a.Properties.AlarmName }));
    template().hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        AutoRollbackConfiguration: { Alarms: alarmNames },
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: Match.objectEquals({ Type: 'CANARY', WaitIntervalInSeconds: 600, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 25 } }),
          TerminationWaitInSeconds: 300,
          MaximumExecutionTimeoutInSeconds: 600 + 300 + 3600,
        },
      },
    });
    expect(alarmNames).toHaveLength(2);
  });

  test('linear: LINEAR steps of the new fleet', () => {
    const { template } = build({ autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: 20, interval: Duration.minutes(5) }) });
    template().hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({
          TrafficRoutingConfiguration: Match.objectEquals({ Type: 'LINEAR', WaitIntervalInSeconds: 300, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 } }),
          MaximumExecutionTimeoutInSeconds: 5 * 300 + 600 + 3600,
        }),
      }),
    });
  });

  test('all at once rolls back on extra alarms passed in (by name)', () => {
    const stack = newStack();
    const extra = new cloudwatch.Alarm(stack, 'Business', {
      alarmName: 'checkout-conversion-drop',
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Conversion' }),
      threshold: 1, evaluationPeriods: 1,
    });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack),
      mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      rollout: Rollout.allAtOnce({ alarms: [extra] }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'checkout-conversion-drop' }] },
        // the default 10-minute bake is the baking period SageMaker watches (WaitIntervalInSeconds), not a termination wait
        BlueGreenUpdatePolicy: Match.objectEquals({ TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 }, TerminationWaitInSeconds: 0, MaximumExecutionTimeoutInSeconds: 4200 }),
      },
    });
  });

  test('rolling update: batches of the fleet, rollback on the SLO alarms', () => {
    const { template } = build({
      autoscaling: SCALING, slo: SLO,
      rollingUpdate: { maximumBatchPercent: 25, waitInterval: Duration.minutes(3), rollbackMaximumBatchPercent: 50, maximumExecutionTimeout: Duration.hours(2) },
    });
    template().hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        AutoRollbackConfiguration: { Alarms: Match.arrayWith([Match.objectLike({ AlarmName: Match.stringLikeRegexp('SloLatency') })]) },
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
          WaitIntervalInSeconds: 180,
          RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 },
          MaximumExecutionTimeoutInSeconds: 7200,
        },
        BlueGreenUpdatePolicy: Match.absent(),
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// shadow, data capture, hosting, networking
// ---------------------------------------------------------------------------------------------

test('shadow traffic: a shadow variant of the candidate with the sampling share as its weight', () => {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    autoscaling: new AutoscalingPolicy({ minCapacity: 4, maxCapacity: 8, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    shadow: ShadowTraffic.mirror(artifact(stack, '1.5.0'), 20),
  });
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::SageMaker::Model', 2);
  t.hasResourceProperties('AWS::SageMaker::Model', {
    PrimaryContainer: Match.objectLike({ ModelDataUrl: 's3://model-bucket/assistant/1.5.0/model.tar.gz', Environment: Match.objectLike({ MODEL_NAME: 'assistant', MODEL_VERSION: '1.5.0', MODEL_S3_URI: 's3://model-bucket/assistant/1.5.0/model.tar.gz' }) }),
  });
  t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
    ProductionVariants: [Match.objectLike({ VariantName: 'primary', InitialVariantWeight: 1, InitialInstanceCount: 4 })],
    ShadowProductionVariants: [Match.objectLike({
      VariantName: 'shadow', InitialVariantWeight: 0.2, InitialInstanceCount: 1, InstanceType: 'ml.m5.large',
      ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointShadowModel'), 'ModelName'] },
    })],
  });
  // the role reads both versions' weights, each exactly
  const reads = JSON.stringify(policyStatements(t));
  expect(reads).toContain('model-bucket/assistant/1.4.0/model.tar.gz');
  expect(reads).toContain('model-bucket/assistant/1.5.0/model.tar.gz');
});

test('data capture: sampled input and output to an encrypted bucket, the role writes only the prefix', () => {
  const { template } = build({ dataCapture: { samplingPercent: 5, captureModes: [CaptureMode.INPUT], jsonContentTypes: ['application/json'] } });
  template().hasResourceProperties('AWS::SageMaker::EndpointConfig', {
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: 5,
      CaptureOptions: [{ CaptureMode: 'Input' }],
      DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^EndpointOutputBucket') }, '/data-capture/']] },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointKey'), 'Arn'] },
      CaptureContentTypeHeader: { JsonContentTypes: ['application/json'] },
    },
  });
  template().hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
    PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
  });
  const put = policyStatements(template()).find(s => JSON.stringify(s.Action).includes('s3:PutObject'));
  expect(put.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^EndpointOutputBucket/), 'Arn'] }, '/data-capture/*']] });
});

test('multi-model hosting from an S3 prefix; model packages; VPC with network isolation', () => {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'models', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const prefix = new ModelArtifact({
    name: 'tenants', version: '7', weights: ModelWeights.fromBucketPrefix(bucketOf(stack), 'tenants/7/'),
    image: ServingImage.fromEcrRepository(repoOf(stack), 'mme'),
  });
  new ManagedEndpoint(stack, 'Multi', {
    artifact: prefix, mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, networkIsolation: true,
  });
  const pkg = ModelArtifact.fromModelPackage('arn:aws:sagemaker:eu-west-1:111122223333:model-package/assistant/3', { name: 'assistant', version: '3' });
  new ManagedEndpoint(stack, 'Package', { artifact: pkg, mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::SageMaker::Model', {
    PrimaryContainer: Match.objectLike({ Mode: 'MultiModel', ModelDataUrl: 's3://model-bucket/tenants/7/' }),
    EnableNetworkIsolation: true,
    VpcConfig: { Subnets: [{ Ref: Match.stringLikeRegexp('^VpcmodelsSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcmodelsSubnet2') }], SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^MultiSecurityGroup'), 'GroupId'] }] },
  });
  t.hasResourceProperties('AWS::SageMaker::Model', {
    PrimaryContainer: Match.objectEquals({ ModelPackageName: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/assistant/3', Environment: Match.objectLike({ MODEL_NAME: 'assistant', MODEL_VERSION: '3', MODEL_LOCAL_DIR: '/opt/ml/model', MODEL_S3_URI: Match.absent() }) }),
  });
  t.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  expect(JSON.stringify(policyStatements(t))).toContain('ec2:CreateNetworkInterface');
  expect(JSON.stringify(policyStatements(t))).toContain('sagemaker:DescribeModelPackage');
});

// ---------------------------------------------------------------------------------------------
// serverless
// ---------------------------------------------------------------------------------------------

test('serverless: memory, concurrency and provisioned concurrency scaled on its utilization', () => {
  const stack = newStack();
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 50 }),
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
    slo: SLO,
  });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
    ProductionVariants: [{
      VariantName: 'primary', ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointModel'), 'ModelName'] }, InitialVariantWeight: 1,
      ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 50, ProvisionedConcurrency: 2 },
    }],
    KmsKeyId: Match.absent(),
  });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    ScalableDimension: 'sagemaker:variant:DesiredProvisionedConcurrency', MinCapacity: 2, MaxCapacity: 20,
  });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' }, TargetValue: 0.7,
    }),
  });
  t.hasResourceProperties('AWS::SageMaker::Endpoint', {
    DeploymentConfig: Match.absent(), // deployment guardrails do not apply to serverless endpoints
    RetainAllVariantProperties: Match.absent(),
  });
  t.resourceCountIs('AWS::KMS::Key', 0);
  expect(endpoint.capacity.priceClass).toBe('per-request+provisioned-concurrency');
  // saturation: the provisioned pool's utilization and spillover; no capacity metric (cost falls back to min)
  expect(endpoint.saturationMetrics.map(m => (m as cloudwatch.Metric).metricName)).toEqual([
    'ServerlessProvisionedConcurrencyUtilization', 'ServerlessProvisionedConcurrencySpilloverInvocations',
  ]);
  expect(endpoint.metricCapacityInService()).toBeUndefined();
});

// ---------------------------------------------------------------------------------------------
// async
// ---------------------------------------------------------------------------------------------

test('async: S3 outputs with KMS, SNS topics, backlog scaling, scale to zero and out from zero, time in queue', () => {
  const stack = newStack();
  const success = new sns.Topic(stack, 'Done');
  const failure = new sns.Topic(stack, 'Failed');
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.asynchronous({
      instanceType: 'ml.g5.2xlarge', successTopic: success, errorTopic: failure, includeResponseInSuccessTopic: true,
      maxConcurrentInvocationsPerInstance: 4,
    }),
    autoscaling: new AutoscalingPolicy({
      scaleToZero: true, maxCapacity: 10,
      triggers: [ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.timeInQueue(Duration.minutes(10))],
    }),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)),
  });
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  endpoint.grantInvoke(caller);
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
    ProductionVariants: [Match.objectLike({ InitialInstanceCount: 1, InstanceType: 'ml.g5.2xlarge' })],
    AsyncInferenceConfig: {
      OutputConfig: {
        S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^EndpointOutputBucket') }, '/async-outputs/']] },
        S3FailurePath: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^EndpointOutputBucket') }, '/async-failures/']] },
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointKey'), 'Arn'] },
        NotificationConfig: { SuccessTopic: { Ref: Match.stringLikeRegexp('^Done') }, ErrorTopic: { Ref: Match.stringLikeRegexp('^Failed') }, IncludeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC'] },
      },
      ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
    },
    KmsKeyId: Match.absent(), // ml.g5 serves from local NVMe
  });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 10 });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      CustomizedMetricSpecification: Match.objectLike({ Namespace: 'AWS/SageMaker', MetricName: 'ApproximateBacklogSizePerInstance', Dimensions: [{ Name: 'EndpointName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] } }] }),
      TargetValue: 5,
    }),
  });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'HasBacklogWithoutCapacity', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1,
    AlarmActions: [{ Ref: Match.stringLikeRegexp('^EndpointScaleOutFromZero') }],
  });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: Match.objectLike({ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
  });
  // time in queue 10 min: +1 from 600 s, +2 from 1200 s, +4 from 2400 s (bounds are relative to the alarm threshold)
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: Match.objectLike({
      MetricAggregationType: 'Maximum',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 600, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 600, MetricIntervalUpperBound: 1800, ScalingAdjustment: 2 },
        { MetricIntervalLowerBound: 1800, ScalingAdjustment: 4 },
      ],
    }),
  });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestRequest', Threshold: 600 });
  // the SLO's time in queue pages; it is not a rollback alarm (a backlog from before a deploy would roll back a healthy version)
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestRequest', Threshold: 1800, DatapointsToAlarm: 2, EvaluationPeriods: 10 });
  expect(endpoint.sloAlarms).toEqual([]);
  expect(endpoint.sloPagingAlarms).toHaveLength(1);
  t.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
    Sli: Match.objectLike({
      SliMetric: Match.objectLike({ MetricDataQueries: [Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateAgeOfOldestRequest' }), Stat: 'Maximum' }) })] }),
      MetricThreshold: 1800,
    }),
  });
  expect(endpoint.saturationMetrics.map(m => (m as cloudwatch.Metric).metricName)).toEqual([
    'CPUUtilization', 'MemoryUtilization', 'GPUUtilization', 'ApproximateBacklogSize', 'ApproximateAgeOfOldestRequest',
  ]);
  const capacity = endpoint.metricCapacityInService() as cloudwatch.MathExpression;
  expect(Object.values(capacity.usingMetrics).map(m => (m as cloudwatch.Metric).metricName)).toEqual(['ApproximateBacklogSize', 'ApproximateBacklogSizePerInstance']);
  const statements = policyStatements(t);
  const text = JSON.stringify(statements);
  expect(text).toContain('/async-inputs/*');
  expect(text).toContain('/async-outputs/*');
  expect(text).toContain('sagemaker:InvokeEndpointAsync');
  expect(statements.filter(s => s.Action === 'sns:Publish').map(s => JSON.stringify(s.Resource))).toEqual([
    expect.stringContaining('Done'), expect.stringContaining('Failed'),
  ]);
  expect(endpoint.capacity.description).toBe('0-10 × ml.g5.2xlarge, async');
});

// ---------------------------------------------------------------------------------------------
// rejections: each names the construct, the prop, the value and a fix
// ---------------------------------------------------------------------------------------------

describe('rejections', () => {
  const serverless = EndpointMode.serverless({ memorySize: Size.gibibytes(2), maxConcurrency: 10 });
  const asyncMode = EndpointMode.asynchronous({ instanceType: 'ml.m5.large' });
  test.each<[string, () => unknown, RegExp]>([
    ['async trigger on real-time', construct(() => ({ autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }) })),
      /Test\/Endpoint: 'autoscaling.triggers' \("queueBacklogPerInstance\(5\)"\) is an asynchronous-endpoint signal.*Fix: Use EndpointMode.asynchronous/],
    ['scale to zero on real-time', construct(() => ({ autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) })),
      /'autoscaling.scaleToZero' \(true\) is not possible on a real-time variant without inference components.*Use EndpointMode.inferenceComponents/],
    ['min > max', () => new AutoscalingPolicy({ minCapacity: 5, maxCapacity: 2, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
      /'minCapacity' \(5\) must be less than or equal to 'maxCapacity' \(2\)/],
    ['T-class with autoscaling', () => build({ autoscaling: SCALING }, 'ml.t2.medium'),
      /'mode.instanceType' \("ml.t2.medium"\) is a burstable \(T-class\) instance, which SageMaker autoscaling does not support/],
    ['T-class with a schedule', () => build({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 1, schedules: [{ name: 'day', start: { hour: '8' }, end: { hour: '18' }, minCapacity: 1 }] }) }, 'ml.t2.large'),
      /is a burstable \(T-class\) instance/],
    ['trigger the mode cannot render (requests on serverless)', construct(() => ({ mode: serverless, autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.requestsPerInstance(5)] }) })),
      /'autoscaling.triggers' \("requestsPerInstance\(5\)"\) cannot be rendered by ManagedEndpoint \(serverless\).*inFlightPerInstance/],
    ['canary on serverless', construct(() => ({ mode: serverless, slo: SLO, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) })),
      /'rollout' \("CANARY 10% \/ 5 minutes"\) cannot be honoured on a serverless endpoint: SageMaker deployment guardrails .* apply to real-time and asynchronous endpoints only/],
    ['all-at-once rollout on serverless (no guardrails there either)', construct(() => ({ mode: serverless, slo: SLO, rollout: Rollout.allAtOnce() })),
      /'rollout' \("ALL_AT_ONCE"\) cannot be honoured on a serverless endpoint.*Fix: Drop rollout/],
    ['shadow on serverless', construct(s => ({ mode: serverless, shadow: ShadowTraffic.mirror(artifact(s, '2.0.0'), 10) })),
      /'shadow' \("assistant@2.0.0"\) is not supported on serverless endpoints/],
    ['data capture on serverless', construct(() => ({ mode: serverless, dataCapture: { samplingPercent: 5 } })),
      /'dataCapture' \("5% sampling"\) is not supported on serverless endpoints/],
    ['VPC on serverless', construct(s => ({ mode: serverless, vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0 }) })),
      /'vpc' \("Test\/Vpc"\) is not supported on serverless endpoints/],
    ['shadow on async', construct(s => ({ mode: asyncMode, shadow: ShadowTraffic.mirror(artifact(s, '2.0.0'), 10) })),
      /'shadow' \("assistant@2.0.0"\) is not supported on asynchronous endpoints/],
    ['shadow on a multi-model endpoint', construct(s => ({
      artifact: new ModelArtifact({ name: 'assistant', version: '1', weights: ModelWeights.fromBucketPrefix(bucketOf(s), 'm/'), image: ServingImage.fromEcrRepository(repoOf(s), 'x') }),
      shadow: ShadowTraffic.mirror(artifact(s, '2.0.0'), 10),
    })), /'shadow' \("assistant@2.0.0"\) is not supported on multi-model endpoints/],
    ['shadow of the same version', construct(s => ({ shadow: ShadowTraffic.mirror(artifact(s, '1.4.0'), 10) })),
      /'shadow.candidate' \("assistant@1.4.0"\) is the version already in production/],
    ['canary above half the fleet', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: Rollout.canary({ percent: 60, bakeTime: Duration.minutes(5) }) })),
      /'rollout.percent' \(60\) is above 50/],
    ['linear step below 10%', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: 5, interval: Duration.minutes(5) }) })),
      /'rollout.stepPercent' \(5\) is outside 10-50/],
    ['canary on a single instance', construct(() => ({ slo: SLO, rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(5) }) })),
      /needs at least 2 instances to shift part of the traffic \(the fleet starts with 1/],
    ['linear longer than SageMaker allows (first second over 28,800 s)', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(40), finalBakeTime: Duration.minutes(21) }) })),
      /waits 7 hours 1 minute in total.*8-hour deployment limit \(MaximumExecutionTimeoutInSeconds <= 28800\)/],
    ['canary on Inf1', () => build({ autoscaling: SCALING, slo: SLO, rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(5) }) }, 'ml.inf1.xlarge'),
      /cannot run on ml.inf1.xlarge: SageMaker deployment guardrails exclude Inf1 instances/],
    ['auto rollback without alarms', construct(() => ({ rollout: Rollout.allAtOnce() })),
      /'rollout' \("ALL_AT_ONCE"\) rolls back automatically but has no alarm to roll back on/],
    ['rolling update with a canary', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(5) }), rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.minutes(1) } })),
      /'rollingUpdate' \("20% batches, 1 minute apart"\) conflicts with rollout CANARY 25% \/ 5 minutes/],
    ['rolling update with a shadow variant', construct(s => ({ slo: SLO, shadow: ShadowTraffic.mirror(artifact(s, '2.0.0'), 10), rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.minutes(1) } })),
      /SageMaker rolling updates exclude multi-variant endpoints/],
    ['a final bake with a rolling update', construct(() => ({ rollout: Rollout.allAtOnce({ alarms: [], finalBakeTime: Duration.minutes(5) }), slo: SLO, rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.minutes(1) } })),
      /'rollout.finalBakeTime' \(5 minutes\) cannot be rendered: a rolling update has no final bake \(SageMaker bakes each batch for rollingUpdate.waitInterval\)\. Fix: Drop finalBakeTime; lengthen rollingUpdate.waitInterval/],
    ['rolling batch outside 5-50%', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 80, waitInterval: Duration.minutes(1) } })),
      /'rollingUpdate.maximumBatchPercent' \(80\) must be an integer from 5 to 50/],
    ['GPU trigger on a CPU instance', construct(() => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 3, triggers: [ScalingTrigger.gpuUtilization(60)] }) })),
      /'autoscaling.triggers' \("gpuUtilization\(60\)"\) cannot be measured on ml.m5.large, which has no NVIDIA GPU/],
    ['GPU trigger on an unknown GPU type', () => build({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 3, triggers: [ScalingTrigger.gpuUtilization(60)] }) }, 'ml.g7e.2xlarge'),
      /'mode.gpuCount' is needed for gpuUtilization\(60\)/],
    ['serverless in-flight above 1', construct(() => ({ mode: serverless, autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 5, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) })),
      /'autoscaling.triggers' \("inFlightPerInstance\(4\)"\) cannot be reached on serverless.*inFlightPerInstance\(0.7\)/],
    ['serverless scaling beyond maxConcurrency', construct(() => ({ mode: serverless, autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 50, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }) })),
      /'autoscaling.maxCapacity' \(50\) exceeds the serverless maxConcurrency \(10\)/],
    ['serverless provisioned concurrency outside the bounds', construct(() => ({
      mode: EndpointMode.serverless({ memorySize: Size.gibibytes(2), maxConcurrency: 10, provisionedConcurrency: 8 }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
    })), /'mode.provisionedConcurrency' \(8\) is outside the autoscaling bounds \(1-4\)/],
    ['serverless scale to zero', construct(() => ({ mode: serverless, autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(0.5)] }) })),
      /'autoscaling.scaleToZero' \(true\) is not a policy setting on serverless endpoints/],
    ['async scale to zero without a backlog trigger', construct(() => ({ mode: asyncMode, autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60)] }) })),
      /'autoscaling.scaleToZero' \(true\) needs ScalingTrigger.queueBacklogPerInstance on an async endpoint/],
    ['async time in queue alone', construct(() => ({ mode: asyncMode, autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.timeInQueue(Duration.minutes(5))] }) })),
      /has timeInQueue without queueBacklogPerInstance/],
    ['step caps (target tracking sets its own steps)', construct(() => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)], maxScaleOutStep: 2 }) })),
      /'autoscaling.maxScaleOutStep' \(2\) cannot be honoured by ManagedEndpoint \(real-time\)/],
    ['an image outside ECR', construct(s => ({
      artifact: ModelArtifact.fromBucket(bucketOf(s), 'm/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3') }),
    })), /image nvcr.io\/nvidia\/tritonserver:24.08-py3"\) is not in Amazon ECR/],
    ['an artifact without image', construct(s => ({ artifact: ModelArtifact.fromBucket(bucketOf(s), 'm/model.tar.gz', { name: 'assistant', version: '1' }) })),
      /'artifact' \("assistant@1"\) has no serving image for hardware target 'cpu-x86_64'/],
    ['multi-model hosting of a single object', construct(() => ({ hosting: ModelHosting.MULTI_MODEL })),
      /'hosting' \("MULTI_MODEL"\) needs the weights to be an S3 prefix/],
    ['uncompressed weights on serverless', construct(s => ({
      mode: serverless,
      artifact: ModelArtifact.fromBucket(bucketOf(s), 'm/model.onnx', { name: 'assistant', version: '1', image: ServingImage.fromEcrRepository(repoOf(s), 'x') }),
    })), /has uncompressed weights, which serverless endpoints cannot load/],
    ['a volume size on a local-NVMe instance', construct(() => ({ mode: EndpointMode.realTime({ instanceType: 'ml.g5.xlarge', volumeSize: Size.gibibytes(100) }) })), /'mode.volumeSize' \("100 GiB"\) cannot be set on ml.g5.xlarge: it serves from local NVMe storage/],
    ['a bad endpoint name', construct(() => ({ endpointName: 'chat_prod' })), /'endpointName' \("chat_prod"\) is not a SageMaker endpoint name/],
    ['the reserved shadow variant name', construct(() => ({ variantName: 'shadow' })), /'variantName' \("shadow"\) is reserved for the shadow variant/],
    ['more than 10 rollback alarms', construct(s => ({
      slo: SLO,
      rollout: Rollout.allAtOnce({
        alarms: Array.from({ length: 9 }, (_, i) => new cloudwatch.Alarm(s, `A${i}`, { alarmName: `a${i}`, metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }), threshold: 1, evaluationPeriods: 1 })),
      }),
    })), /'rollout.alarms' \(11\) exceeds the 10 alarms SageMaker watches/],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  test.each<[string, () => unknown, RegExp]>([
    ['instance type', () => EndpointMode.realTime({ instanceType: 'm5.large' }), /EndpointMode.realTime: 'instanceType' \("m5.large"\) is not a SageMaker hosting instance type/],
    ['serverless memory', () => EndpointMode.serverless({ memorySize: Size.mebibytes(1500), maxConcurrency: 5 }), /'memorySize' \("1500 MiB"\) is not a serverless memory size/],
    ['serverless concurrency', () => EndpointMode.serverless({ memorySize: Size.gibibytes(1), maxConcurrency: 500 }), /'maxConcurrency' \(500\) must be an integer from 1 to 200/],
    ['provisioned above max', () => EndpointMode.serverless({ memorySize: Size.gibibytes(1), maxConcurrency: 5, provisionedConcurrency: 6 }), /'provisionedConcurrency' \(6\) must be less than or equal to 'maxConcurrency' \(5\)/],
    ['async prefix', () => EndpointMode.asynchronous({ instanceType: 'ml.m5.large', outputPrefix: 'out' }), /'outputPrefix' \("out"\) must be a key prefix ending with '\/'/],
    ['async same prefixes', () => EndpointMode.asynchronous({ instanceType: 'ml.m5.large', outputPrefix: 'o/', failurePrefix: 'o/' }), /'failurePrefix' \("o\/"\) overlaps outputPrefix \("o\/"\)/],
    ['startup timeout', () => EndpointMode.realTime({ instanceType: 'ml.m5.large', containerStartupHealthCheckTimeout: Duration.seconds(10) }), /'containerStartupHealthCheckTimeout' \(10 seconds\) must be from 1 minute to 1 hour\. Fix: .*SageMaker's ContainerStartupHealthCheckTimeoutInSeconds/],
  ])('mode: %s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  test('a T-class fixed fleet is fine (no autoscaling)', () => {
    const { template } = build({ autoscaling: AutoscalingPolicy.fixed(1) }, 'ml.t2.medium');
    template().hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InstanceType: 'ml.t2.medium', InitialInstanceCount: 1 })] });
    template().resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });
});

test('SLO alarm names are led by the stack name (not its id), so two stacks from one app path do not collide', () => {
  const stack = new Stack(new App(), 'Chat', { stackName: 'prod-chat' });
  new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), slo: SLO });
  const names = rollbackAlarms(Template.fromStack(stack)).map((a: any) => a.Properties.AlarmName);
  expect(names).toEqual([expect.stringMatching(/^prodchat-Endpoint-SloLatency-[0-9A-F]{8}$/), expect.stringMatching(/^prodchat-Endpoint-SloErrorRate-[0-9A-F]{8}$/)]);
});
