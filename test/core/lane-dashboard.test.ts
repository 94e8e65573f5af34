import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, EndpointMode, HardwareTarget, IInferenceLane, LaneCapacity, LaneDashboard, LaneKind, ManagedEndpoint, ModelArtifact,
  ScaleOutLeadTime, ScalingTrigger, ServiceLevelObjective, ServingImage,
} from '../../lib';

/** The dashboard body as JSON (tokens replaced by "TOKEN"). */
function dashboardBody(stack: Stack, index = 0): any {
  const dash = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[index] as any;
  const body = stack.resolve(dash.Properties.DashboardBody);
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** Titles of the dashboard's widgets, in order. */
function titles(body: any): string[] {
  return body.widgets.map((w: any) => w.properties.title ?? w.properties.markdown.split('\n')[0]);
}

/** The `metrics` array of the widget titled `title`. */
function metricsOf(body: any, title: string): any[] {
  const w = body.widgets.find((x: any) => x.properties.title === title);
  if (!w) { throw new Error(`no widget '${title}' in ${titles(body).join(', ')}`); }
  return w.properties.metrics;
}

/** A lane with only what the test gives it. */
class BareLane extends Construct implements IInferenceLane {
  public readonly laneKind = LaneKind.GPU_CLUSTER;
  public readonly artifactName = 'assistant';
  public readonly artifactVersion = '1';
  public readonly capacity: LaneCapacity = { minInstances: 3, maxInstances: 6, instanceType: 'g5.xlarge', hardware: HardwareTarget.NVIDIA_GPU, priceClass: 'per-instance-hour', description: '3-6 pods' };
  public readonly sloAlarms: cloudwatch.IAlarm[] = [];
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  public readonly saturationMetrics: cloudwatch.IMetric[] = [];
  constructor(scope: Construct, id: string, private readonly invocations?: cloudwatch.Metric,
    private readonly lag?: cloudwatch.Metric, public readonly scaleOutLeadTime: ScaleOutLeadTime = ScaleOutLeadTime.notStated()) { super(scope, id); }
  public metricCapacityLag(props?: cloudwatch.MetricOptions) { return this.lag?.with(props ?? {}); }
  public metricLatency() { return undefined; }
  public metricErrors() { return undefined; }
  public metricInvocations(props?: cloudwatch.MetricOptions) { return this.invocations?.with(props ?? {}); }
  public metricCapacityInService() { return undefined; }
  public grantInvoke(grantee: iam.IGrantable): iam.Grant { return iam.Grant.drop(grantee, 'bare'); }
  public routeTarget() { return undefined; }
}

describe('LaneDashboard on a SageMaker real-time endpoint', () => {
  let stack: Stack;
  let endpoint: ManagedEndpoint;
  let body: any;
  beforeAll(() => {
    stack = new Stack(new App(), 'Dash', { env: { account: '111122223333', region: 'eu-west-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'model-bucket');
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'assistant-serving');
    endpoint = new ManagedEndpoint(stack, 'Endpoint', {
      artifact: ModelArtifact.fromBucket(bucket, 'assistant/1/model.tar.gz', {
        name: 'assistant', version: '1', image: ServingImage.fromEcrRepository(repo, 'cpu-1'), targets: [HardwareTarget.CPU_X86_64],
      }),
      mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 6, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
      slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    });
    new LaneDashboard(stack, 'EndpointDashboard', { lane: endpoint, hourlyPrice: 0.115, dashboardName: 'assistant-endpoint' });
    body = dashboardBody(stack);
  });

  test('named as asked, with latency, error rate, inferences, saturation, capacity, cost and alarm widgets', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'assistant-endpoint' });
    expect(titles(body)).toEqual([
      '# Dash/Endpoint (managed-endpoint): assistant@1',
      'Latency p50 / p95 / p99', 'Error rate (%)', 'Inferences',
      'Saturation: CPU utilization (% summed over vCPUs)', 'Saturation: Memory utilization (%)', 'Capacity in service',
      'Capacity lag (expected to clear within 6 minutes 40 seconds)',
      'Cost per 1,000 inferences',
      'SLO alarms (rollback) and burn-rate alarms (page)',
    ]);
  });

  test('latency: ModelLatency at p50, p95 and p99 (microseconds)', () => {
    const latency = metricsOf(body, 'Latency p50 / p95 / p99');
    expect(latency.map(m => [m[0], m[1], m[m.length - 1].stat, m[m.length - 1].label])).toEqual([
      ['AWS/SageMaker', 'ModelLatency', 'p50', 'p50 (Microseconds)'],
      ['AWS/SageMaker', 'ModelLatency', 'p95', 'p95 (Microseconds)'],
      ['AWS/SageMaker', 'ModelLatency', 'p99', 'p99 (Microseconds)'],
    ]);
  });

  test('error rate: 100 × Invocation5XXErrors ÷ Invocations', () => {
    const rate = metricsOf(body, 'Error rate (%)');
    expect(rate[0][0]).toEqual({ expression: 'IF(inv0 > 0, 100 * err0 / inv0, 0)', label: 'Error rate (%)', period: 60 });
    expect(rate.slice(1).map(m => [m[1], m[m.length - 1].id, m[m.length - 1].stat])).toEqual([
      ['Invocation5XXErrors', 'err0', 'Sum'], ['Invocations', 'inv0', 'Sum'],
    ]);
  });

  test('saturation: CPUUtilization and MemoryUtilization of the instances', () => {
    const cpu = metricsOf(body, 'Saturation: CPU utilization (% summed over vCPUs)');
    // (the dashboard leaves out `stat` when it is the default, Average)
    expect([cpu[0][0], cpu[0][1], cpu[0][cpu[0].length - 1].stat ?? 'Average', cpu[0][cpu[0].length - 1].period]).toEqual(['/aws/sagemaker/Endpoints', 'CPUUtilization', 'Average', 60]);
  });

  test('capacity in service: Invocations ÷ InvocationsPerInstance, with the bounds as annotations', () => {
    const w = body.widgets.find((x: any) => x.properties.title === 'Capacity in service');
    const expr = w.properties.metrics[0][0];
    expect(expr.expression).toMatch(/^inv[0-9a-f]{8} \/ perinstance[0-9a-f]{8}$/);
    expect(w.properties.metrics.slice(1).map((m: any) => m[1])).toEqual(['Invocations', 'InvocationsPerInstance']);
    expect(w.properties.annotations.horizontal.map((a: any) => a.value)).toEqual([2, 6]);
  });

  test('cost per 1,000 inferences: 1000 × price × capacity in service ÷ inferences per hour', () => {
    const cost = metricsOf(body, 'Cost per 1,000 inferences');
    expect(cost[0][0]).toEqual(expect.objectContaining({ expression: 'IF(inv0 > 0, 1000 * 0.115 * cap0 / inv0, 0)' }));
    expect(cost[0][0].label).toContain('capacity in service × 0.115/h per ml.m5.large');
    // every query is hourly: the cost expression, the capacity expression and the metrics they use
    expect(cost.map(m => m[m.length - 1].period)).toEqual(cost.map(() => 3600));
    expect(cost.find(m => m[m.length - 1].id === 'inv0')[1]).toBe('Invocations');
  });

  test('the alarm widget lists the rollback alarms and the burn-rate alarms', () => {
    const w = body.widgets.find((x: any) => x.type === 'alarm');
    expect(w.properties.alarms).toHaveLength(endpoint.sloAlarms.length + endpoint.sloBurnRateAlarms.length);
    expect(w.properties.alarms).toHaveLength(6);
  });
});

test('without a capacity metric, cost uses min capacity and says so', () => {
  const stack = new Stack(new App(), 'S');
  const lane = new BareLane(stack, 'Pods', new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Requests' }));
  new LaneDashboard(stack, 'D', { lane, hourlyPrice: 1.006, alarmStatusWidget: false });
  const body = dashboardBody(stack);
  expect(titles(body)).toEqual(['# S/Pods (gpu-cluster): assistant@1', 'Inferences', 'Cost per 1,000 inferences']);
  const cost = metricsOf(body, 'Cost per 1,000 inferences')[0][0];
  expect(cost.expression).toBe('IF(inv0 > 0, 1000 * 3.018 / inv0, 0)');
  expect(cost.label).toBe('Pods cost / 1,000 inferences (at min capacity 3 × g5.xlarge: no capacity metric)');
});

test('a lane that states its lead time and publishes a lag metric gets both on its dashboard', () => {
  const stack = new Stack(new App(), 'S');
  const lead = ScaleOutLeadTime.of([
    { step: 'alarm evaluation', duration: Duration.minutes(1), source: 'props' },
    { step: 'node launch', duration: Duration.seconds(90), source: 'docs' },
  ]);
  const lane = new BareLane(stack, 'Pods', new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Requests' }),
    new cloudwatch.Metric({ namespace: 'Custom', metricName: 'PendingPods' }), lead);
  new LaneDashboard(stack, 'D', { lane, alarmStatusWidget: false });
  const body = dashboardBody(stack);
  expect(titles(body)).toEqual([
    '# S/Pods (gpu-cluster): assistant@1', 'Inferences', 'Capacity lag (expected to clear within 2 minutes 30 seconds)',
  ]);
  const header = body.widgets.find((w: any) => w.type === 'text').properties.markdown;
  expect(header).toContain('Scale-out lead time: 2 minutes 30 seconds: alarm evaluation 1 minute + node launch 1 minute 30 seconds');
  expect(metricsOf(body, 'Capacity lag (expected to clear within 2 minutes 30 seconds)')[0]).toEqual(['Custom', 'PendingPods']);
});

test('a lane without a lead time keeps the plain header and no lag graph', () => {
  const stack = new Stack(new App(), 'S');
  const lane = new BareLane(stack, 'Pods', new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Requests' }));
  new LaneDashboard(stack, 'D', { lane, alarmStatusWidget: false });
  const body = dashboardBody(stack);
  expect(body.widgets.find((w: any) => w.type === 'text').properties.markdown).not.toContain('lead time');
  expect(titles(body)).not.toContain('Capacity lag');
});

test('a token price (a CfnParameter) is not rejected and reaches the expression as a reference', () => {
  const stack = new Stack(new App(), 'S');
  const price = new CfnParameter(stack, 'Price', { type: 'Number' }).valueAsNumber;
  const lane = new BareLane(stack, 'Pods', new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Requests' }));
  new LaneDashboard(stack, 'D', { lane, hourlyPrice: price, alarmStatusWidget: false });
  const cost = metricsOf(dashboardBody(stack), 'Cost per 1,000 inferences')[0][0];
  // the price stays a reference (TOKEN here), multiplied by CloudWatch, never a garbage number
  expect(cost.expression).toBe('IF(inv0 > 0, 1000 * TOKEN * 3 / inv0, 0)');
  const raw = JSON.stringify(stack.resolve((Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0] as any).Properties.DashboardBody));
  expect(raw).toContain('{"Ref":"Price"}');
  expect(raw).not.toMatch(/e\+28\d/);
});

test.each([
  ['a negative price', (s: Stack) => ({ lane: new BareLane(s, 'L', new cloudwatch.Metric({ namespace: 'C', metricName: 'R' })), hourlyPrice: -1 }),
    /S\/D: 'hourlyPrice' \(-1\) must be a price of 0 or more per hour. Fix: Pass the hourly price of one g5.xlarge/],
  ['a lane without CloudWatch metrics', (s: Stack) => ({ lane: new BareLane(s, 'L') }),
    /S\/D: 'lane' \("S\/L"\) publishes no CloudWatch metrics \(a gpu-cluster lane\). Fix: Watch this lane where its metrics are/],
  ['a price for a lane without an inference count', (s: Stack) => {
    const lane = new BareLane(s, 'L');
    (lane as any).saturationMetrics = [new cloudwatch.Metric({ namespace: 'C', metricName: 'Util' })];
    return { lane, hourlyPrice: 2 };
  }, /S\/D: 'hourlyPrice' \(2\) cannot be turned into cost per 1,000 inferences: S\/L has no inference-count metric. Fix: Drop hourlyPrice/],
])('rejects %s', (_name, props, message) => {
  const stack = new Stack(new App(), 'S');
  expect(() => new LaneDashboard(stack, 'D', props(stack))).toThrow(message);
});
