import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AutoscalingPolicy, HardwareTarget, LaneDashboard, LaneValidationError, ScalingTrigger } from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';

/*
 * Issue 19 item 4: cold start as a contract for the batch lane. scaleOutLeadTime is derived from the
 * props (scaling path, capacity kind, stated image pull and model load) with a source per step;
 * metricCapacityLag is desired minus running workers (Container Insights), drawn by LaneDashboard.
 */

function lane(over: Partial<QueueDrainedWorkersProps> = {}, stack = new Stack(new App(), 'Lead')): QueueDrainedWorkers {
  return new QueueDrainedWorkers(stack, 'Workers', {
    artifact: demoArtifact(),
    jobTimeout: Duration.minutes(2),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 4, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    ...over,
  });
}

const steps = (w: QueueDrainedWorkers) => w.scaleOutLeadTime.steps.map(s => [s.step, s.duration.toSeconds()]);

function rejects(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try { fn(); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(LaneValidationError);
  expect((error as Error).message).toMatch(message);
}

describe('scaleOutLeadTime, derived from the props', () => {
  test('Fargate from zero: metric 1 min + wake-up alarm 1 min + task start 1 min + image 1 min + model 1 min = 5 minutes', () => {
    const w = lane();
    expect(steps(w)).toEqual([
      ['SQS metric published', 60], ['alarm evaluation and Application Auto Scaling (ScaleOutFromZero)', 60],
      ['Fargate task start', 60], ['image pull', 60], ['model load', 60],
    ]);
    expect(w.scaleOutLeadTime.total.toSeconds()).toBe(300);
    expect(w.scaleOutLeadTime.describe()).toMatch(/^5 minutes: SQS metric published 1 minute \+ /);
    for (const s of w.scaleOutLeadTime.steps) { expect(s.source.length).toBeGreaterThan(10); }
    expect(w.scaleOutLeadTime.steps[0].source).toMatch(/sqs-available-cloudwatch-metrics/);
    expect(w.scaleOutLeadTime.steps[1].source).toMatch(/ScaleOutFromZero alarm: 1 of 1 one-minute period/);
  });

  test('GPU on managed instances (the default) with a time-in-queue trigger above zero: 9 minutes, the instance launch and a GPU image pull', () => {
    const w = lane({
      hardware: HardwareTarget.NVIDIA_GPU, jobTimeout: Duration.minutes(10),
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.timeInQueue(Duration.minutes(5))] }),
    });
    expect(steps(w)).toEqual([
      ['SQS metric published', 60], ['alarm evaluation and Application Auto Scaling (TimeInQueueScaleOut)', 60],
      ['ECS Managed Instances GPU instance launch and registration', 180], ['image pull', 180], ['model load', 60],
    ]);
    expect(w.scaleOutLeadTime.steps[2].source).toMatch(/ManagedInstances\.html/);
  });

  test('GPU on the Auto Scaling group with backlog tracking alone: 3 target-tracking datapoints and the managed-scaling alarm, 12 minutes', () => {
    const w = lane({
      hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.autoScalingGroup(), jobTimeout: Duration.minutes(10),
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    });
    expect(steps(w)).toEqual([
      ['SQS metric published', 60], ['alarm evaluation and Application Auto Scaling (target tracking)', 180],
      ['capacity provider managed scaling alarm', 60], ['GPU instance launch and registration', 180], ['image pull', 180], ['model load', 60],
    ]);
    expect(w.scaleOutLeadTime.total.toMinutes()).toBe(12);
    expect(w.scaleOutLeadTime.steps[1].source).toMatch(/3 of 3 one-minute datapoints/);
  });

  test('stated image pull and model load replace the estimates, with the prop as source; 0 and 1 hour are accepted edges', () => {
    const w = lane({ imagePullTime: Duration.seconds(0), modelLoadTime: Duration.hours(1) });
    expect(w.scaleOutLeadTime.steps.slice(-2)).toEqual([
      { step: 'image pull', duration: Duration.seconds(0), source: 'props.imagePullTime (stated by the user)' },
      { step: 'model load', duration: Duration.hours(1), source: 'props.modelLoadTime (stated by the user)' },
    ]);
  });

  test('a fixed worker budget never scales out: it states the time to replace a stopped worker', () => {
    const w = lane({ autoscaling: AutoscalingPolicy.fixed(2) });
    expect(w.scaleOutLeadTime.isStated).toBe(true);
    expect(w.scaleOutLeadTime.steps[0].step).toMatch(/replacement worker \(fixed budget: no scale-out\)/);
    expect(w.scaleOutLeadTime.steps.map(s => s.step)).not.toContain('SQS metric published');
    expect(w.scaleOutLeadTime.steps.some(s => /alarm/.test(s.step))).toBe(false);
  });

  test.each([
    ['imagePullTime', { imagePullTime: Duration.millis(1500) }, /'imagePullTime' \(1 second 500 millis\) must be a whole number of seconds/],
    ['imagePullTime', { imagePullTime: Duration.seconds(3601) }, /'imagePullTime' \(1 hour 1 second\)|'imagePullTime' \(3601 seconds\)/],
    ['modelLoadTime', { modelLoadTime: Duration.minutes(61) }, /'modelLoadTime' \(61 minutes\)|'modelLoadTime' \(1 hour 1 minute\)/],
  ])('%s out of range is rejected', (_, over, message) => {
    rejects(() => lane(over as Partial<QueueDrainedWorkersProps>), message);
  });

  test('a token image pull time is rejected (the lead time is stated at synth)', () => {
    const stack = new Stack(new App(), 'Tok');
    const p = new CfnParameter(stack, 'Pull', { type: 'Number' });
    rejects(() => lane({ imagePullTime: Duration.seconds(p.valueAsNumber) }, stack), /'imagePullTime' .* is a token.*concrete Duration/);
  });
});

describe('metricCapacityLag', () => {
  test('IF(desired > running, desired - running, 0) on the Container Insights task counts of the service, drawn by LaneDashboard with the lead time', () => {
    const stack = new Stack(new App(), 'Lag');
    const w = lane({}, stack);
    new LaneDashboard(stack, 'Dashboard', { lane: w });
    const body = JSON.stringify(Template.fromStack(stack).toJSON());
    const id = (base: string) => `${base}${w.node.addr.slice(-8)}`;
    expect(body).toContain(`IF(FILL(${id('desired')}, 0) > FILL(${id('running')}, 0), FILL(${id('desired')}, 0) - FILL(${id('running')}, 0), 0)`);
    expect(body).toContain('Capacity lag (expected to clear within 5 minutes)');
    expect(body).toMatch(/ECS\/ContainerInsights\\",\\"DesiredTaskCount\\",\\"ClusterName\\"/);
    const lag = w.metricCapacityLag() as any;
    expect(Object.keys(lag.usingMetrics).sort()).toEqual([id('desired'), id('running')]);
    expect([lag.usingMetrics[id('desired')].metricName, lag.usingMetrics[id('running')].metricName]).toEqual(['DesiredTaskCount', 'RunningTaskCount']);
  });

  test('undefined on a brought cluster without Container Insights', () => {
    const stack = new Stack(new App(), 'NoCi');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] });
    const w = lane({
      cluster: ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared', vpc }),
      inFlightJobs: InFlightJobHandling.FINISH,
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2, triggers: [ScalingTrigger.timeInQueue(Duration.minutes(2))] }),
    }, stack);
    expect(w.metricCapacityLag()).toBeUndefined();
  });
});
