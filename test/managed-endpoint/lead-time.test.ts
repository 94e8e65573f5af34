import { Duration, Size } from 'aws-cdk-lib';
import { AutoscalingPolicy, LaneDashboard, ScalingTrigger } from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { endpointLeadTime } from '../../lib/managed-endpoint/private/lead-time';
import { artifact, endpointStack, newStack } from './helpers';

/*
 * Issue 19 item 4: cold start as a contract. The lead time is derived from the mode and the policy's
 * triggers (README "Scale-out lead time"); SageMaker publishes no desired-capacity metric, so the lag
 * is undefined.
 */

const seconds = (d: Duration) => d.toSeconds();

function leadOf(mode: EndpointMode, autoscaling?: AutoscalingPolicy) {
  const stack = newStack();
  return new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode, autoscaling }).scaleOutLeadTime;
}

test('real-time on in-flight requests: high-resolution alarm 30 s + activity 10 s + launch 240 s + model load 120 s = 400 s', () => {
  const lead = leadOf(EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' }),
    new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }));
  expect(lead.isStated).toBe(true);
  expect(lead.steps.map(s => [s.step, seconds(s.duration)])).toEqual([
    ['scale-out alarm (ConcurrentRequestsPerModel, 3 × 10 s)', 30],
    ['scaling activity', 10],
    ['instance launch + container start (ml.g5.xlarge)', 240],
    ['model download + load', 120],
  ]);
  expect(seconds(lead.total)).toBe(400);
  expect(lead.steps[0].source).toMatch(/props\.autoscaling \(inFlightPerInstance\); 10-second datapoints: https:\/\/docs\.aws\.amazon\.com\/sagemaker\/latest\/dg\/endpoint-auto-scaling-add-code-define\.html/);
  for (const s of lead.steps) { expect(s.source.length).toBeGreaterThan(20); }
});

test('real-time on requests per instance (a one-minute metric): 3 minutes of alarm, 550 s in all', () => {
  const lead = leadOf(EndpointMode.realTime({ instanceType: 'ml.c5.xlarge' }),
    new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.requestsPerInstance(20)] }));
  expect(lead.steps[0]).toEqual(expect.objectContaining({ step: 'scale-out alarm (InvocationsPerInstance, 3 × 1 min)', duration: Duration.minutes(3) }));
  expect(seconds(lead.total)).toBe(550);
});

test('several triggers: the fastest alarm starts the scale-out (in-flight 30 s beats CPU 180 s)', () => {
  const lead = leadOf(EndpointMode.realTime({ instanceType: 'ml.c5.xlarge' }),
    new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(60), ScalingTrigger.inFlightPerInstance(4)] }));
  expect(lead.steps[0].step).toBe('scale-out alarm (ConcurrentRequestsPerModel, 3 × 10 s)');
  expect(seconds(lead.total)).toBe(400);
});

test('async with scale to zero: the path out of zero, HasBacklogWithoutCapacity 2 × 1 min (490 s)', () => {
  const lead = leadOf(EndpointMode.asynchronous({ instanceType: 'ml.g5.xlarge' }),
    new AutoscalingPolicy({ minCapacity: 0, maxCapacity: 4, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }));
  expect(lead.steps[0]).toEqual(expect.objectContaining({ step: 'scale-out-from-zero alarm (HasBacklogWithoutCapacity, 2 × 1 min)', duration: Duration.minutes(2) }));
  expect(seconds(lead.total)).toBe(490);
});

test('async above zero: time in queue (1 × 1 min) is faster than the backlog target (3 × 1 min)', () => {
  const lead = leadOf(EndpointMode.asynchronous({ instanceType: 'ml.g5.xlarge' }),
    new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.timeInQueue(Duration.minutes(2))] }));
  expect(lead.steps[0]).toEqual(expect.objectContaining({ step: 'time-in-queue alarm (ApproximateAgeOfOldestRequest, 1 × 1 min)', duration: Duration.minutes(1) }));
  expect(seconds(lead.total)).toBe(430);
});

test('default (one fixed instance, no trigger): only the instance path, no alarm or activity step (360 s)', () => {
  const { endpoint } = endpointStack();
  expect(endpoint.scaleOutLeadTime.steps.map(s => s.step)).toEqual(['instance launch + container start (ml.m5.large)', 'model download + load']);
  expect(seconds(endpoint.scaleOutLeadTime.total)).toBe(360);
});

test('serverless: the documented 3-minute bound of a cold start, with or without provisioned concurrency', () => {
  for (const mode of [
    EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 10 }),
    EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 10, provisionedConcurrency: 2 }),
  ]) {
    const lead = leadOf(mode);
    expect(lead.steps).toHaveLength(1);
    expect(lead.steps[0].step).toBe('serverless cold start');
    expect(lead.steps[0].source).toMatch(/serverless-endpoints-invoke\.html.*ModelSetupTime/);
    expect(seconds(lead.total)).toBe(180);
  }
});

test('metricCapacityLag is the published CapacityLag (InferenceLanes, EndpointName + VariantName, Maximum per minute); the dashboard states the lead time', () => {
  const { stack, endpoint } = endpointStack({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 3, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) });
  const lag = endpoint.metricCapacityLag() as any;
  expect(lag.namespace).toBe('InferenceLanes');
  expect(lag.metricName).toBe('CapacityLag');
  expect(stack.resolve(lag.dimensions)).toEqual({ EndpointName: { 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointName'] }, VariantName: 'primary' });
  expect(lag.statistic).toBe('Maximum');
  expect(lag.period.toSeconds()).toBe(60);
  const dashboard = new LaneDashboard(stack, 'Dashboard', { lane: endpoint });
  const body = JSON.stringify(stack.resolve((dashboard.dashboard.node.defaultChild as any).dashboardBody));
  expect(body).toContain('Scale-out lead time: 6 minutes 40 seconds: scale-out alarm (ConcurrentRequestsPerModel, 3 × 10 s) 30 seconds');
  expect(body).toContain('Capacity lag (expected to clear within 6 minutes 40 seconds)');
  expect(body).toContain('[\\"InferenceLanes\\",\\"CapacityLag\\",\\"EndpointName\\"');
});

test('capacityLagMetric: false leaves metricCapacityLag undefined and renders no publisher', () => {
  const { endpoint } = endpointStack({ capacityLagMetric: false });
  expect(endpoint.metricCapacityLag()).toBeUndefined();
  expect(endpoint.capacityLagFunction).toBeUndefined();
});

test('a mode the lead-time code does not know (e.g. one added later) states nothing rather than the instance path', () => {
  const other = Object.assign(Object.create(EndpointMode.prototype), { kind: 'inference-components', instance: { instanceType: 'ml.g5.xlarge' } }) as EndpointMode;
  expect(other instanceof EndpointMode).toBe(true);
  const lead = endpointLeadTime(other, new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }));
  expect(lead.isStated).toBe(false);
  expect(lead.describe()).toBe('not stated');
});
