import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createDocumentBatchStack, createDocumentGpuBatchStack } from '../../examples/document-batch';
import { QueueDrainedWorkers } from '../../lib/batch-workers';
import { CfnLint, NagCheck } from '../../lib/testing';
import { once } from '../once';

const cpuStack = once(() => createDocumentBatchStack(new App(), 'DocumentBatch'));
const gpuBatchStack = once(() => createDocumentGpuBatchStack(new App(), 'DocumentGpuBatch'));
/** Both example stacks in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading). */
const lints = once(() => CfnLint.lintStacks([cpuStack(), gpuBatchStack()]));

// The example is synthesized once; every check reads the same stack.
let stack: Stack;
let template: Template;

beforeAll(() => {
  stack = cpuStack();
  template = Template.fromStack(stack);
});

test('matches the snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});

test('passes cfn-lint with no errors and no warnings', () => {
  const result = lints()[0];
  expect(CfnLint.format(result.errors)).toBe('');
  expect(CfnLint.format(result.warnings)).toBe('');
});

test('passes cdk-nag AwsSolutions; every acknowledgement carries a reason', () => {
  const result = NagCheck.assertCompliant(stack);
  expect(NagCheck.format(result.warnings)).toBe('');
});

test('an error-rate objective (1% of jobs) is the ECS deployment alarm: S3 request metrics on the two prefixes, the one-sided test once 100 jobs finished', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    MetricsConfigurations: [{ Id: 'results', Prefix: 'results/' }, { Id: 'failures', Prefix: 'failures/' }],
  });
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => /SloErrorRate[0-9A-F]{8}$/.test(id));
  expect(alarms).toHaveLength(1);
  const [alarmId, alarm] = alarms[0] as [string, any];
  const byId = Object.fromEntries(alarm.Properties.Metrics.map((m: any) => [m.Id, m]));
  expect(alarm.Properties.Metrics.find((m: any) => m.ReturnData !== false).Expression)
    .toBe('IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)');
  expect(byId.inv.Expression).toBe('FILL(res, 0) + FILL(fail, 0)');
  for (const [id, filter] of [['err', 'failures'], ['res', 'results'], ['fail', 'failures']]) {
    expect([byId[id].MetricStat.Metric.Namespace, byId[id].MetricStat.Metric.MetricName, byId[id].MetricStat.Stat, byId[id].MetricStat.Period])
      .toEqual(['AWS/S3', 'PutRequests', 'Sum', 300]);
    expect(byId[id].MetricStat.Metric.Dimensions[1]).toEqual({ Name: 'FilterId', Value: filter });
  }
  expect([alarm.Properties.Threshold, alarm.Properties.EvaluationPeriods, alarm.Properties.DatapointsToAlarm, alarm.Properties.TreatMissingData])
    .toEqual([9.5495, 1, 1, 'notBreaching']);
  // ECS rolls back on it (alarms and the circuit breaker); the time-in-queue alarm only pages
  template.hasResourceProperties('AWS::ECS::Service', {
    DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, Alarms: { Enable: true, Rollback: true, AlarmNames: [{ Ref: alarmId }] } }),
  });
});

test('drains bursts with a fixed worker budget, from zero, with a time-in-queue target and SLO', () => {
  // a budget of at most 6 workers, none when idle
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 6 });
  // time in queue: 5 minutes scales out in steps; the 30-minute SLO alarm pages but does not roll
  // deployments back (a backlog from before a deploy says nothing about the new version)
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 300 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800, EvaluationPeriods: 5 });
  // no flapping: backlog tracking only scales out; workers are released by the backlog-and-age and idle steps
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 10, DisableScaleIn: true }),
  });
  // one worker less per minute (the example's 60 s scale-in cooldown) while jobs still wait and fewer would do
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(FILL(visible, 0) > 0 AND FILL(age, 0) < 150 AND FILL(visible, 0) < 10 * (running - 1), 1, 0)' })]),
    EvaluationPeriods: 1,
  });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyName: Match.stringLikeRegexp('BacklogScaleIn'),
    StepScalingPolicyConfiguration: Match.objectLike({ Cooldown: 60, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: -1 }] }),
  });
  // after a burst (issue 17): all workers leave 2 idle minutes after the last job (the queue is empty,
  // so the backlog step above stays quiet), not one per scale-in cooldown
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Metrics: Match.arrayWith([Match.objectLike({ Expression: 'visible + inFlight + received' })]),
    EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 1, ComparisonOperator: 'LessThanThreshold',
  });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyName: Match.stringLikeRegexp('IdleScaleIn'),
    StepScalingPolicyConfiguration: Match.objectLike({ StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -6 }] }),
  });
  // 10-minute documents on Fargate: task protection, stop timeout at Fargate's 120 s ceiling
  template.hasResourceProperties('AWS::ECS::TaskDefinition', {
    Cpu: '4096', Memory: '16384',
    ContainerDefinitions: [Match.objectLike({ StopTimeout: 120 })],
  });
  template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 630, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
});

describe('the GPU page workers (issue 19): ECS Managed Instances with dynamic batching', () => {
  let gpuStack: Stack;
  let gpu: Template;
  let lane: QueueDrainedWorkers;
  beforeAll(() => {
    gpuStack = gpuBatchStack();
    gpu = Template.fromStack(gpuStack);
    lane = gpuStack.node.findChild('PageWorkers') as QueueDrainedWorkers;
  });

  test('matches the snapshot', () => {
    expect(gpu.toJSON()).toMatchSnapshot();
  });

  test('passes cfn-lint and cdk-nag AwsSolutions with no finding and no suppression of its own', () => {
    const lint = lints()[1];
    expect(CfnLint.format(lint.errors)).toBe('');
    expect(CfnLint.format(lint.warnings)).toBe('');
    expect(NagCheck.format(NagCheck.assertCompliant(gpuStack).warnings)).toBe('');
  });

  test('GPU capacity from ECS Managed Instances: g5.xlarge only, 150 GiB task volume, no Auto Scaling group, no AWS managed policy', () => {
    gpu.hasResourceProperties('AWS::ECS::CapacityProvider', {
      ManagedInstancesProvider: Match.objectLike({
        InstanceLaunchTemplate: Match.objectLike({
          StorageConfiguration: { StorageSizeGiB: 150 },
          InstanceRequirements: Match.objectLike({ AllowedInstanceTypes: ['g5.xlarge'], AcceleratorManufacturers: ['nvidia'] }),
        }),
      }),
    });
    gpu.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
    expect(JSON.stringify(gpu.toJSON())).not.toContain('AmazonECSInfrastructureRolePolicyForManagedInstances');
    gpu.hasResourceProperties('AWS::ECS::TaskDefinition', { RequiresCompatibilities: ['MANAGED_INSTANCES'] });
  });

  test('batches of 16 pages within 2 s: two receives of 10, a 2 s long poll; visibility 5 min + 2 s + 30 s; scaling stays in pages', () => {
    const td = Object.values<any>(gpu.findResources('AWS::ECS::TaskDefinition'))[0];
    const env = Object.fromEntries(td.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
    expect([env.BATCH_MAX_SIZE, env.BATCH_MAX_DELAY_MS, env.BATCH_RECEIVE_MAX_MESSAGES, env.BATCH_RECEIVE_WAIT_SECONDS, env.BATCH_RECEIVES_PER_BATCH, env.BATCH_VISIBILITY_TIMEOUT_SECONDS])
      .toEqual(['16', '2000', '10', '2', '2', '332']);
    gpu.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 332, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    gpu.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 32, DisableScaleIn: true }),
    });
    expect(lane.dynamicBatching?.throughputGainPercent).toBe(40);
  });

  test('states its cold start: 9 minutes from the first page to a worker receiving jobs, and a capacity-lag metric', () => {
    expect(lane.scaleOutLeadTime.describe()).toBe(
      '9 minutes: SQS metric published 1 minute + alarm evaluation and Application Auto Scaling (ScaleOutFromZero) 1 minute + '
      + 'ECS Managed Instances GPU instance launch and registration 3 minutes + image pull 3 minutes + model load 1 minute');
    expect(lane.metricCapacityLag()).toBeDefined();
  });
});
