import { App, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cdk8s from 'cdk8s';
import { createDocumentBatchStack } from '../../examples/document-batch';
import { createGpuServingChart } from '../../examples/gpu-cluster/chart';
import { createHybridApp } from '../../examples/hybrid';
import { modelFromConstructs } from '../../lib/simulation/from-construct';
import { compileMetricMath, MetricMathError } from '../../lib/simulation/metric-math';
import { StackModel } from '../../lib/simulation/stack-model';
import { isVersionScoped } from '../../lib/simulation/rollout-trials';
import { readStack } from '../../lib/simulation/template-reader';

let hybrid: StackModel;
let batch: StackModel;
let gpu: StackModel;

beforeAll(() => {
  const h = createHybridApp({ stackProps: { env: { account: '123456789012', region: 'us-east-1' } } });
  hybrid = modelFromConstructs([h.stack]);
  batch = modelFromConstructs([createDocumentBatchStack(new App(), 'DocumentBatch')]);
  gpu = modelFromConstructs([], [createGpuServingChart(new cdk8s.App(), 'recsys')]);
});

describe('reading the hybrid stack', () => {
  test('finds the lanes by their construct paths', () => {
    expect(hybrid.lanes.map(l => [l.path, l.kind])).toEqual([
      ['InferenceLanesHybrid/Assistant/Baseline', 'managed-endpoint'],
      ['InferenceLanesHybrid/Assistant/Burst', 'serverless'],
      ['InferenceLanesHybrid/Assistant/Summaries', 'batch-workers'],
      expect.arrayContaining(['edge-fleet']),
    ]);
  });

  test('the SageMaker baseline: bounds, high-resolution in-flight target tracking with its cooldowns, canary and rollback alarms', () => {
    const l = hybrid.lanes[0];
    expect(l.instanceType).toBe('ml.m5.xlarge');
    expect(l.scalableTargets[0]).toMatchObject({ minCapacity: 2, maxCapacity: 8 });
    expect(l.scalableTargets[0].targetTracking[0]).toMatchObject({
      predefined: 'SageMakerVariantConcurrentRequestsPerModelHighResolution', targetValue: 3.2, scaleOutCooldown: 60, scaleInCooldown: 600, disableScaleIn: false,
    });
    // Blue/green all at once, baking 10 minutes in WaitIntervalInSeconds (the baking period, watched by the alarms).
    expect(l.rollout).toMatchObject({ mechanism: 'sagemaker-blue-green', type: 'ALL_AT_ONCE', canaryPercent: 100, waitSeconds: 600, finalBakeSeconds: 0 });
    const [latency, errors] = l.rollout!.alarms;
    expect(latency).toMatchObject({ period: 300, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 300000, evaluateLowSampleCountPercentile: 'ignore', metric: { metricName: 'ModelLatency', stat: 'p95', unit: 'Microseconds' } });
    // The error rate is the SLO's one-sided test over the 5-minute window (z² > 9.5495), windows of 100+ requests.
    expect(errors).toMatchObject({ period: 300, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 9.5495 });
    expect(errors.math!.expression).toBe('IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)');
    expect(l.slo).toEqual({ latencyPercentile: 95, latencyMs: 300, maxErrorRatePercent: 1, maxTimeInQueue: undefined });
  });

  test('the Lambda burst pool: customized utilization metric, scheduled actions with their time zone, CodeDeploy canary', () => {
    const l = hybrid.lanes[1];
    expect(l.reservedConcurrency).toBe(300);
    const t = l.scalableTargets[0];
    expect(t.targetTracking[0]).toMatchObject({ customized: { metricName: 'ProvisionedConcurrencyUtilization', stat: 'Maximum' }, targetValue: 0.9, scaleOutCooldown: 30 });
    expect(t.scheduled).toEqual([
      { name: 'marketing-event-start', schedule: 'cron(30 16 2 3 ? *)', timeZone: 'America/New_York', minCapacity: 5, maxCapacity: 150 },
      { name: 'marketing-event-end', schedule: 'cron(0 22 2 3 ? *)', timeZone: 'America/New_York', minCapacity: 1, maxCapacity: 50 },
    ]);
    // 75% is no predefined CodeDeploy config: the lane's custom AWS::CodeDeploy::DeploymentConfig is read.
    expect(l.rollout).toMatchObject({ mechanism: 'codedeploy-lambda', type: 'CANARY', canaryPercent: 75, waitSeconds: 300, configName: 'Custom.LambdaCanary75Percent5Minutes' });
    // Throttles page but do not roll back (a healthy burst reaches the reserved cap too).
    // CodeDeploy rolls back on the SLO rendered on the new version's metrics (ExecutedVersion): the trials judge it alone.
    expect(l.rollout!.alarms.map(a => a.logicalId)).toEqual([expect.stringMatching(/RollbackLatency/), expect.stringMatching(/RollbackErrorRate/)]);
    expect(l.rollout!.alarms.map(isVersionScoped)).toEqual([true, true]);
  });

  test('alarms that only page and burn-rate alarms are reported, not dropped', () => {
    const f = hybrid.findings.filter(x => x.lane === 'InferenceLanesHybrid/Assistant/Burst');
    expect(f).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'info', resource: expect.stringMatching(/SpilloverAlarm/), message: expect.stringMatching(/pages only/) }),
      expect.objectContaining({ severity: 'info', resource: expect.stringMatching(/FastBurn/), message: expect.stringMatching(/burn-rate/) }),
    ]));
  });

  test('the front door (its router references every lane) neither merges the lanes nor becomes one; its ROUTER_CONFIG is mapped onto the lanes', () => {
    expect(hybrid.lanes.map(l => l.path)).not.toContain('InferenceLanesHybrid/Assistant/FrontDoor');
    expect(hybrid.frontDoors).toEqual([{
      path: 'InferenceLanesHybrid/Assistant/FrontDoor',
      router: expect.stringMatching(/^AssistantFrontDoor[0-9A-F]{8}$/),
      primary: 'InferenceLanesHybrid/Assistant/Baseline',
      burst: 'InferenceLanesHybrid/Assistant/Burst',
      jobs: 'InferenceLanesHybrid/Assistant/Summaries',
      canary: undefined,
      hedgeAfterMs: 0,
      retry: { budgetPercent: 10, bucketSize: 10, jitterMs: 25 },
      // The baseline's rollback alarms as emitted (the lane reads them too).
      failover: { alarms: [expect.stringMatching(/^AssistantBaselineSloLatency[0-9A-F]{8}$/), expect.stringMatching(/^AssistantBaselineSloErrorRate[0-9A-F]{8}$/)], cacheMs: 5000, failbackMs: 600000, failbackStartPercent: 10 },
      admission: { budgetMs: 240, targetSlowPercent: 1, windowMs: 5000, adjustMs: 1000, gain: 5, increasePercent: 1, minPercent: 5 },
    }]);
    const baselineAlarms = hybrid.lanes[0].alarms.map(a => a.logicalId);
    for (const a of hybrid.frontDoors![0].failover!.alarms) { expect(baselineAlarms).toContain(a); }
    expect(hybrid.findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'info', resource: expect.stringMatching(/^AssistantFrontDoor[0-9A-F]{8}$/), message: expect.stringMatching(/^front door InferenceLanesHybrid\/Assistant\/FrontDoor: primary InferenceLanesHybrid\/Assistant\/Baseline, burst InferenceLanesHybrid\/Assistant\/Burst; spillover on capacity errors/) }),
      expect.objectContaining({ severity: 'info', resource: expect.stringMatching(/^AssistantFrontDoorSpilloverAlarm/), message: expect.stringMatching(/^front door alarm/) }),
    ]));
    expect(hybrid.findings.filter(f => f.severity === 'unsupported' && /front door/.test(f.message))).toEqual([]);
  });
});

test('document batch: backlog-per-worker metric math, time-in-queue and scale-from-zero step policies with their alarms, month-end schedule', () => {
  const t = batch.lanes[0].scalableTargets[0];
  expect(t).toMatchObject({ serviceNamespace: 'ecs', minCapacity: 0, maxCapacity: 6 });
  expect(t.targetTracking[0]).toMatchObject({ math: { expression: 'visible / running' }, targetValue: 10, scaleOutCooldown: 120, scaleInCooldown: 60 });
  expect(t.stepScaling.map(s => [s.cooldown, s.steps, s.alarms.map(a => [a.threshold, a.comparison])])).toEqual([
    [120, [{ lower: 0, upper: 300, adjustment: 1 }, { lower: 300, upper: 900, adjustment: 2 }, { lower: 900, upper: undefined, adjustment: 4 }], [[300, 'GreaterThanOrEqualToThreshold']]],
    [120, [{ lower: 0, upper: undefined, adjustment: 1 }], [[1, 'GreaterThanOrEqualToThreshold']]],
    // With a time-in-queue trigger, target tracking only scales out; these two release workers (issue 12 item 10).
    [60, [{ lower: 0, upper: undefined, adjustment: -1 }], [[1, 'GreaterThanOrEqualToThreshold']]],
    [60, [{ lower: undefined, upper: 0, adjustment: -6 }], [[1, 'LessThanThreshold']]],
  ]);
  expect(t.scheduled.map(s => s.schedule)).toEqual(['cron(0 6 L * ? *)', 'cron(0 20 L * ? *)']);
  expect(batch.lanes[0].slo.maxTimeInQueue).toBe(1800);
  expect(batch.lanes[0].visibilityTimeout).toBe(630);
});

test('GPU chart: KEDA ScaledObject triggers and HPA behaviour, Argo canary with its analysis', () => {
  const l = gpu.lanes[0];
  expect([l.path, l.kind, l.anchor]).toEqual(['recsys', 'gpu-cluster', 'Deployment/recsys']);
  expect(l.kubernetesScalers[0]).toMatchObject({ kind: 'ScaledObject', minReplicas: 2, maxReplicas: 40, pollingInterval: 15, scaleUpStabilization: 30, scaleDownStabilization: 300 });
  expect(l.kubernetesScalers[0].triggers.map(t => t.type)).toEqual(['prometheus', 'cron']);
  expect(l.rollout).toMatchObject({ mechanism: 'argo-canary', canaryPercent: 75, waitSeconds: 600, finalBakeSeconds: 600 });
  // Read from the emitted queries: the 5-minute subquery window, the error test (p, z², 100-request guard)
  // and the latency count (one-minute p95 over 100 ms from 20+ requests, fails at 2).
  expect(l.rollout!.analysis.map(a => [a.measures, a.bound, a.failureLimit, a.interval, a.windowSeconds])).toEqual([['latency', 2, 0, 60, 300], ['error-rate', 9.5495, 0, 60, 300]]);
  expect(l.rollout!.analysis[0].breachMinutes).toEqual({ thresholdMs: 100, minRequestsPerMinute: 20, failAt: 2 });
  expect([l.rollout!.analysis[1].zTest, l.rollout!.analysis[1].minRequests]).toEqual([{ p: 0.01, z2: 9.5495 }, 100]);
  expect(gpu.findings.filter(f => f.type === 'analysis')).toEqual([]);
  expect(l.slo).toMatchObject({ latencyPercentile: 95, latencyMs: 100, maxErrorRatePercent: 1 });
});

describe('unsupported constructs are reported', () => {
  test('a scaling policy on a target the simulator does not know, and an anomaly-detection alarm', () => {
    const stack = new Stack(new App(), 'S');
    const target = new appscaling.ScalableTarget(stack, 'Table', { serviceNamespace: appscaling.ServiceNamespace.DYNAMODB, resourceId: 'table/t', scalableDimension: 'dynamodb:table:ReadCapacityUnits', minCapacity: 1, maxCapacity: 5 });
    target.scaleToTrackMetric('Read', { predefinedMetric: appscaling.PredefinedMetric.DYNAMODB_READ_CAPACITY_UTILIZATION, targetValue: 70 });
    new cloudwatch.CfnAlarm(stack, 'Anomaly', { comparisonOperator: 'GreaterThanUpperThreshold', evaluationPeriods: 1, thresholdMetricId: 'ad1', metrics: [] });
    const m = modelFromConstructs([stack]);
    expect(m.lanes).toEqual([]);
    expect(m.findings.map(f => [f.resource, f.severity, f.message])).toEqual(expect.arrayContaining([
      [expect.stringMatching(/^Table/), 'unsupported', expect.stringMatching(/not attached to any lane/)],
      [expect.stringMatching(/^Anomaly/), 'unsupported', expect.stringMatching(/not attached to any lane/)],
    ]));
  });

  test('an alarm whose metric math the simulator cannot evaluate names the function', () => {
    const m = readStack([{ stackName: 'S', template: { Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' } } },
      A: { Type: 'AWS::CloudWatch::Alarm', Properties: { Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', Metrics: [
        { Id: 'e', Expression: 'RATE(m)', ReturnData: true },
        { Id: 'm', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }] }, Period: 60, Stat: 'Sum' } },
      ] } },
    } } }]);
    expect(m.findings).toEqual([expect.objectContaining({ resource: 'A', severity: 'unsupported', message: expect.stringMatching(/function RATE is not supported/) })]);
  });
});

describe('metric math', () => {
  test('evaluates the emitted error-rate guard', () => {
    const f = compileMetricMath('IF(inv >= 100, 100 * err / inv, 0)').evaluate;
    expect(f({ inv: 99, err: 50 })).toBe(0);
    expect(f({ inv: 100, err: 2 })).toBe(2);
  });
  test('FILL, AND and comparisons', () => {
    const f = compileMetricMath('IF(visible > 0 AND (FILL(running, 0) + FILL(pending, 0)) == 0, 1, 0)').evaluate;
    expect(f({ visible: 3, running: undefined, pending: undefined })).toBe(1);
    expect(f({ visible: 3, running: 1, pending: 0 })).toBe(0);
  });
  test('missing data propagates; division by zero is missing', () => {
    expect(compileMetricMath('visible / running').evaluate({ visible: 3, running: 0 })).toBeUndefined();
    expect(compileMetricMath('a + 1').evaluate({})).toBeUndefined();
  });
  test('errors name the expression and the problem', () => {
    expect(() => compileMetricMath('ANOMALY_DETECTION_BAND(m, 2)')).toThrow(MetricMathError);
    expect(() => compileMetricMath('a +')).toThrow(/metric math 'a \+': ends too early/);
    expect(() => compileMetricMath('IF(a)')).toThrow(/IF takes 2 or 3 arguments, got 1/);
    expect(() => compileMetricMath('a $ b')).toThrow(/cannot read '\$ b'/);
  });
});

test('the edge lane is read and reported as not simulated', () => {
  const edge = hybrid.lanes.find(l => l.kind === 'edge-fleet')!;
  expect(edge.path).toMatch(/^InferenceLanesHybrid\/Assistant\/Kiosks/);
  expect(hybrid.findings).toEqual(expect.arrayContaining([expect.objectContaining({ lane: edge.path, severity: 'info', message: expect.stringMatching(/edge fleets serve on devices/) })]));
});

describe('deployment configs and Kubernetes objects from raw templates', () => {
  const alarmRes = (name: string) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: name, Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2, Period: 60, ComparisonOperator: 'GreaterThanThreshold', Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average' } });

  test('SageMaker LINEAR blue/green and an ECS service with deployment alarms', () => {
    const m = readStack([{ stackName: 'S', template: { Resources: {
      Ep: { Type: 'AWS::SageMaker::Endpoint', Properties: { DeploymentConfig: {
        BlueGreenUpdatePolicy: { TerminationWaitInSeconds: 120, TrafficRoutingConfiguration: { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 }, WaitIntervalInSeconds: 300 } },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'ep-errors' }] },
      } } },
      EpAlarm: alarmRes('ep-errors'),
      Svc: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 3, DeploymentConfiguration: { Alarms: { Enable: true, Rollback: true, AlarmNames: ['svc-alarm'] } } } },
      SvcAlarm: alarmRes('svc-alarm'),
    } } }]);
    expect(m.lanes.map(l => [l.path, l.rollout?.mechanism, l.rollout?.type, l.rollout?.linearStepPercent ?? l.rollout?.canaryPercent, l.rollout?.waitSeconds, l.rollout?.alarms.map(a => a.alarmName)])).toEqual([
      ['S/Ep', 'sagemaker-blue-green', 'LINEAR', 20, 300, ['ep-errors']],
      ['S/Svc', 'ecs', 'ALL_AT_ONCE', 100, 0, ['svc-alarm']],
    ]);
    expect(m.lanes[1].initialCapacity).toBe(3);
  });

  test('a rollback alarm on a metric the simulator does not produce is reported (it would read as missing data); a produced one is not', () => {
    const m = readStack([{ stackName: 'S', template: { Resources: {
      Svc: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 2, DeploymentConfiguration: { Alarms: { Enable: true, Rollback: true, AlarmNames: ['svc-cpu', 'svc-custom'] } } } },
      Cpu: alarmRes('svc-cpu'),
      Custom: { Type: 'AWS::CloudWatch::Alarm', Properties: { ...alarmRes('svc-custom').Properties, Namespace: 'MyApp', MetricName: 'BadAnswers', TreatMissingData: 'notBreaching' } },
    } } }]);
    expect(m.lanes[0].rollout!.alarms.map(a => a.alarmName)).toEqual(['svc-cpu', 'svc-custom']);
    expect(m.findings).toEqual([expect.objectContaining({ lane: 'S/Svc', resource: 'Custom', severity: 'unsupported', message: 'metric MyApp BadAnswers is not simulated: it reads as missing data (notBreaching)' })]);
  });

  test('CodeDeploy linear config and a custom config (reported, simulated all at once)', () => {
    const lambdaLane = (cfg: string) => ({
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' } }, UpdatePolicy: { CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: 'Dg' } } } },
      Dg: { Type: 'AWS::CodeDeploy::DeploymentGroup', Properties: { DeploymentConfigName: cfg, AlarmConfiguration: { Enabled: true, Alarms: [] } } },
    });
    const linear = readStack([{ stackName: 'S', template: { Resources: lambdaLane('CodeDeployDefault.LambdaLinear10PercentEvery2Minutes') } }]);
    expect(linear.lanes[0].rollout).toMatchObject({ mechanism: 'codedeploy-lambda', type: 'LINEAR', linearStepPercent: 10, waitSeconds: 120, configName: 'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes' });
    expect(linear.findings).toEqual([]);
    const custom = readStack([{ stackName: 'S', template: { Resources: lambdaLane('MyConfig') } }]);
    expect(custom.lanes[0].rollout).toMatchObject({ type: 'ALL_AT_ONCE', canaryPercent: 100 });
    expect(custom.findings).toEqual([expect.objectContaining({ resource: 'Dg', severity: 'unsupported', message: 'deployment config MyConfig is not a predefined Lambda config; simulated as all-at-once' })]);
  });

  test('a plain HPA with its behaviour and defaults; an unsupported KEDA trigger and an orphan scaler are reported', () => {
    const m = readStack([], [{ source: 'chart', objects: [
      { kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: { replicas: 2 } },
      { kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'ns' }, spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 9,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
        behavior: { scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } },
      } },
      { kind: 'ScaledObject', metadata: { name: 'kafka', namespace: 'ns' }, spec: { scaleTargetRef: { name: 'web' }, triggers: [{ type: 'kafka', metadata: {} }] } },
      { kind: 'ScaledObject', metadata: { name: 'orphan', namespace: 'ns' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'gone' }, triggers: [] } },
    ] }]);
    const hpa = m.lanes[0].kubernetesScalers.find(s => s.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa).toMatchObject({ minReplicas: 2, maxReplicas: 9, pollingInterval: 15, scaleUpStabilization: 60, scaleDownStabilization: 300, scaleUpPolicies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] });
    expect(hpa.triggers[0]).toMatchObject({ type: 'resource-cpu', metadata: { averageUtilization: '60' } });
    expect(m.findings.map(f => f.message)).toEqual(expect.arrayContaining([
      'trigger type kafka is not simulated',
      'scales Deployment/gone, which is not in the manifests',
    ]));
  });

  test('an EKS manifest that is not readable JSON at synth time is reported', () => {
    const m = readStack([{ stackName: 'S', template: { Resources: { K: { Type: 'Custom::AWSCDK-EKS-KubernetesResource', Properties: { Manifest: { 'Fn::GetAtt': ['X', 'Y'] } } } } } }]);
    expect(m.findings).toEqual([expect.objectContaining({ resource: 'K', severity: 'unsupported', message: expect.stringMatching(/manifest is not readable JSON at synth time/) })]);
  });
});
