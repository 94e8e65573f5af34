import * as path from 'path';
import { App, CfnParameter, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  HardwareTarget, HybridTopology, IInferenceLane, LaneCapacity, LaneKind, LaneValidationError, ModelArtifact, ScaleOutLeadTime, ServiceLevelObjective,
} from '../../lib';
import { RouteTarget } from '../../lib/core';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');

/** A minimal lane: enough to exercise the topology without depending on any real lane. */
class FakeLane extends Construct implements IInferenceLane {
  public readonly laneKind = LaneKind.MANAGED_ENDPOINT;
  public readonly capacity: LaneCapacity;
  public readonly sloAlarms: cloudwatch.IAlarm[];
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[];
  public readonly saturationMetrics: cloudwatch.IMetric[];
  public readonly scaleOutLeadTime = ScaleOutLeadTime.of([{ step: 'instance launch', duration: Duration.minutes(4), source: 'fake' }]);
  constructor(scope: Construct, id: string, public readonly artifactName: string, public readonly artifactVersion: string,
    hardware: HardwareTarget = HardwareTarget.CPU_X86_64, withAlarm = true, private readonly withCapacity = false) {
    super(scope, id);
    this.capacity = { minInstances: 2, maxInstances: 4, instanceType: 'ml.m5.xlarge', hardware, priceClass: 'per-instance-hour', description: '2-4 × ml.m5.xlarge' };
    const slo = withAlarm ? ServiceLevelObjective.latency(95, Duration.millis(300)).render(this, 'Slo', { laneName: id, latency: this.metricLatency() }) : undefined;
    this.sloAlarms = slo?.rollbackAlarms ?? [];
    this.serviceLevelObjectives = slo?.objectives ?? [];
    this.sloBurnRateAlarms = slo?.burnRateAlarms ?? [];
    this.saturationMetrics = [new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Utilization', dimensionsMap: { Lane: id }, label: 'Utilization' })];
  }
  public metricCapacityInService(props?: cloudwatch.MetricOptions) {
    return this.withCapacity ? new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Instances', dimensionsMap: { Lane: this.node.id }, ...props }) : undefined;
  }
  public metricCapacityLag(props?: cloudwatch.MetricOptions) {
    return this.withCapacity ? new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Lag', dimensionsMap: { Lane: this.node.id }, ...props }) : undefined;
  }
  public metricLatency(props?: cloudwatch.MetricOptions) { return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Latency', dimensionsMap: { Lane: this.node.id }, ...props }); }
  public metricErrors(props?: cloudwatch.MetricOptions) { return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Errors', dimensionsMap: { Lane: this.node.id }, ...props }); }
  public metricInvocations(props?: cloudwatch.MetricOptions) { return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Invocations', dimensionsMap: { Lane: this.node.id }, ...props }); }
  public grantInvoke(grantee: iam.IGrantable) { return iam.Grant.drop(grantee, 'fake'); }
  public routeTarget(): RouteTarget | undefined { return undefined; }
}

/** A dashboard's body as JSON (tokens replaced by "TOKEN"). */
function dashboardBodyOf(stack: Stack, dashboard: cloudwatch.Dashboard): any {
  const cfn = dashboard.node.defaultChild as cloudwatch.CfnDashboard;
  const body = stack.resolve(cfn.dashboardBody);
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** The topology's dashboard body (synthesizes the app first: the body is rendered at validation). */
function dashboardBody(stack: Stack): any {
  Template.fromStack(stack);
  const topo = stack.node.findChild('Topo') as HybridTopology;
  return dashboardBodyOf(stack, topo.dashboard);
}

function titles(body: any): string[] {
  return body.widgets.map((w: any) => w.properties.title ?? w.properties.markdown.split('\n')[0]);
}

function metricsOf(body: any, title: string): any[] {
  const w = body.widgets.find((x: any) => x.properties.title === title);
  if (!w) { throw new Error(`no widget '${title}' in ${titles(body).join(', ')}`); }
  return w.properties.metrics;
}

function setup(version = '1.4.0') {
  const app = new App();
  const stack = new Stack(app, 'S');
  const artifact = ModelArtifact.fromAsset(FP32, { name: 'assistant', version, variants: [] });
  const topology = new HybridTopology(stack, 'Topo', { artifact, hourlyPrices: { 'ml.m5.xlarge': 0.23 } });
  return { app, stack, topology, artifact };
}

describe('HybridTopology', () => {
  test('finds lanes inside it, summarizes them and renders one dashboard with every lane side by side', () => {
    // GIVEN
    const { stack, topology } = setup();
    new FakeLane(topology, 'A', 'assistant', '1.4.0');
    new FakeLane(topology, 'B', 'assistant', '1.4.0');
    // WHEN
    const body = dashboardBody(stack);
    // THEN
    expect(topology.lanes.map(l => l.node.id)).toEqual(['A', 'B']);
    expect(topology.describeLanes()[0]).toEqual(expect.objectContaining({ id: 'A', kind: LaneKind.MANAGED_ENDPOINT, version: '1.4.0', sloAlarmCount: 1 }));
    expect(titles(body)).toEqual([
      '# Topo: assistant@1.4.0',
      'Latency p50', 'Latency p95', 'Latency p99',
      'Errors', 'Error rate (%)', 'Invocations',
      'Saturation: A', 'Saturation: B',
      'SLO alarms (rollouts roll back on these)', 'SLO burn-rate alarms (these page)',
      'Cost per 1,000 inferences',
    ]);
    // no lane has a capacity metric: cost at min capacity (2 × 0.23), and no capacity graph
    expect(metricsOf(body, 'Cost per 1,000 inferences').map(m => m[0].expression).filter(Boolean)).toEqual([
      'IF(inv0 > 0, 1000 * 0.46 / inv0, 0)', 'IF(inv1 > 0, 1000 * 0.46 / inv1, 0)',
    ]);
    expect(metricsOf(body, 'Latency p95').map(m => [m[1], m[m.length - 1].stat, m[m.length - 1].label])).toEqual([['Latency', 'p95', 'A p95'], ['Latency', 'p95', 'B p95']]);
    expect(metricsOf(body, 'Saturation: A').map(m => m[1])).toEqual(['Utilization']);
    // one rollback alarm and two burn-rate alarms per lane
    const alarmWidgets = body.widgets.filter((w: any) => w.type === 'alarm').map((w: any) => w.properties.alarms.length);
    expect(alarmWidgets).toEqual([2, 4]);
  });

  test('capacity in service is graphed per lane and prices the cost per 1,000 inferences where a lane has it', () => {
    const { stack, topology } = setup();
    new FakeLane(topology, 'A', 'assistant', '1.4.0', HardwareTarget.CPU_X86_64, true, true);
    new FakeLane(topology, 'B', 'assistant', '1.4.0');
    const body = dashboardBody(stack);
    expect(metricsOf(body, 'Capacity in service').map(m => [m[1], m[m.length - 1].label])).toEqual([['Instances', 'A (ml.m5.xlarge)']]);
    const cost = metricsOf(body, 'Cost per 1,000 inferences').filter(m => m[0].expression).map(m => [m[0].expression, m[0].label]);
    expect(cost).toEqual([
      ['IF(inv0 > 0, 1000 * 0.23 * cap0 / inv0, 0)', 'A cost / 1,000 inferences (capacity in service × 0.23/h per ml.m5.xlarge)'],
      ['IF(inv1 > 0, 1000 * 0.46 / inv1, 0)', 'B cost / 1,000 inferences (at min capacity 2 × ml.m5.xlarge: no capacity metric)'],
    ]);
    const cap0 = metricsOf(body, 'Cost per 1,000 inferences').find(m => m[m.length - 1].id === 'cap0');
    expect([cap0[1], cap0[cap0.length - 1].period]).toEqual(['Instances', 3600]);
  });

  test('laneDashboards: every lane with CloudWatch metrics gets its own dashboard inside the lane, priced from hourlyPrices', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1.4.0', variants: [] });
    const topology = new HybridTopology(stack, 'Topo', { artifact, hourlyPrices: { 'ml.m5.xlarge': 0.23 }, laneDashboards: true, alarmStatusWidget: false });
    new FakeLane(topology, 'A', 'assistant', '1.4.0');
    new FakeLane(topology, 'B', 'assistant', '1.4.0', HardwareTarget.CPU_X86_64, false, true);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 3);
    expect(topology.laneDashboards.map(d => d.node.path)).toEqual(['S/Topo/A/LaneDashboard', 'S/Topo/B/LaneDashboard']);
    const a = dashboardBodyOf(stack, topology.laneDashboards[0].dashboard);
    expect(titles(a)).toEqual([
      '# S/Topo/A (managed-endpoint): assistant@1.4.0', 'Latency p50 / p95 / p99', 'Error rate (%)', 'Inferences',
      'Saturation: Utilization', 'Cost per 1,000 inferences',
    ]);
    const b = dashboardBodyOf(stack, topology.laneDashboards[1].dashboard);
    expect(titles(b)).toContain('Capacity in service');
    expect(metricsOf(b, 'Cost per 1,000 inferences')[0][0].expression).toBe('IF(inv0 > 0, 1000 * 0.23 * cap0 / inv0, 0)');
    // synthesizing again adds nothing
    Template.fromStack(stack);
    expect(topology.laneDashboards).toHaveLength(2);
  });

  test('tags every lane resource with the topology, but not the dashboard (CloudFormation rejects it)', () => {
    const { stack, topology } = setup();
    new FakeLane(topology, 'A', 'assistant', '1.4.0');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {});
    const dash = Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0] as any;
    expect(dash.Properties.Tags).toBeUndefined();
  });

  test('alarmStatusWidget: false leaves the alarm widget out', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1' });
    const topology = new HybridTopology(stack, 'Topo', { artifact, alarmStatusWidget: false });
    new FakeLane(topology, 'A', 'assistant', '1');
    const body = dashboardBody(stack);
    expect(titles(body).filter(t => t.startsWith('SLO'))).toEqual([]);
    expect(titles(body)).toContain('Latency p95');
  });

  test('a lane on another version fails synth unless pinned', () => {
    const { app, topology } = setup();
    const old = new FakeLane(topology, 'Old', 'assistant', '1.3.0');
    expect(() => app.synth()).toThrow(/^S\/Topo\/Old: 'artifact\.version' \("1\.3\.0"\) differs from the topology's version \('1\.4\.0'\)\. Fix: Pass topology\.artifact to the lane, or register it with addLane\(lane, \{ pinnedVersion: '1\.3\.0' \}\)\.$/);
    expect(() => app.synth()).toThrow(LaneValidationError);
    const again = setup();
    const pinned = new FakeLane(again.topology, 'Old', 'assistant', '1.3.0');
    again.topology.addLane(pinned, { pinnedVersion: '1.3.0' });
    expect(() => again.app.synth()).not.toThrow();
    void old;
  });

  test('a lane serving another model fails synth', () => {
    const { app, topology } = setup();
    new FakeLane(topology, 'Other', 'ranker', '1.4.0');
    expect(() => app.synth()).toThrow(/^S\/Topo\/Other: 'artifact\.name' \("ranker"\) differs from the model of topology S\/Topo \('assistant'\)\. Fix: Pass topology\.artifact to the lane/);
  });

  test('a lane on hardware the artifact has no build for fails synth', () => {
    const { app, topology } = setup();
    new FakeLane(topology, 'Gpu', 'assistant', '1.4.0', HardwareTarget.NVIDIA_GPU);
    expect(() => app.synth()).toThrow(/^S\/Topo\/Gpu: 'capacity\.hardware' \("nvidia-gpu"\) has no build in assistant@1\.4\.0 \(it has: cpu-x86_64\)\. Fix: Add a variant \{ target: HardwareTarget\.NVIDIA_GPU, weights: \.\.\. \}/);
  });

  test('a topology without lanes fails synth', () => {
    const { app } = setup();
    expect(() => app.synth()).toThrow(/^S\/Topo: 'lanes' \(\[\]\) is empty: the topology has no lanes\. Fix: Create at least one lane inside the topology, or register one with addLane\(\)\.$/);
  });

  test('lanes from other scopes are added with addLane', () => {
    const { stack, topology } = setup();
    const outside = new FakeLane(stack, 'Outside', 'assistant', '1.4.0', HardwareTarget.CPU_X86_64, false);
    topology.addLane(outside);
    expect(topology.lanes.map(l => l.node.id)).toEqual(['Outside']);
  });

  test('cost per 1,000 inferences = 1000 × hourly price / inferences per hour', () => {
    const { topology } = setup();
    const lane = new FakeLane(topology, 'A', 'assistant', '1.4.0');
    expect(topology.costPerThousand(lane, 36000)).toBeCloseTo(1000 * 0.23 / 36000, 10);
    expect(() => topology.costPerThousand(lane, 0)).toThrow(/S\/Topo: 'inferencesPerHour' \(0\) must be greater than 0/);
  });

  test('negative prices are rejected', () => {
    const stack = new Stack();
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1' });
    expect(() => new HybridTopology(stack, 'T', { artifact, hourlyPrices: { 'ml.g5.xlarge': -1 } }))
      .toThrow(/T: 'hourlyPrices.ml.g5.xlarge' \(-1\) must be a price of 0 or more per hour/);
  });

  test('a token price (CfnParameter) is accepted and priced on the dashboard', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const price = new CfnParameter(stack, 'Price', { type: 'Number' }).valueAsNumber;
    const topology = new HybridTopology(stack, 'Topo', { artifact: ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1' }), hourlyPrices: { 'ml.m5.xlarge': price } });
    new FakeLane(topology, 'A', 'assistant', '1');
    expect(JSON.stringify(dashboardBody(stack))).toContain('Cost per 1,000 inferences');
  });

  test('a price for an instance type no lane runs on fails synth instead of being ignored', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1' });
    const topology = new HybridTopology(stack, 'Topo', { artifact, hourlyPrices: { 'ml.m5.xlrage': 0.23 } });
    new FakeLane(topology, 'A', 'assistant', '1');
    expect(() => app.synth()).toThrow(/^S\/Topo: 'hourlyPrices\.ml\.m5\.xlrage' \(0\.23\) matches no lane's instance type \(the lanes run on: ml\.m5\.xlarge\)\. Fix: Key the price by one of those instance types, or remove it\.$/);
  });

  test('several problems: the first is thrown as a LaneValidationError and the others are listed in its fix', () => {
    const { app, topology } = setup();
    new FakeLane(topology, 'Other', 'ranker', '1.4.0');
    new FakeLane(topology, 'Old', 'assistant', '1.3.0');
    expect(() => app.synth()).toThrow(/^S\/Topo\/Other: 'artifact\.name' \("ranker"\) differs.*\(1 more problem\(s\) in the topology: S\/Topo\/Old: 'artifact\.version' \("1\.3\.0"\) differs/s);
  });

  test('a pinned lane on yet another version names the pin', () => {
    const { app, topology } = setup();
    const lane = new FakeLane(topology, 'Old', 'assistant', '1.2.0');
    topology.addLane(lane, { pinnedVersion: '1.3.0' });
    expect(() => app.synth()).toThrow(/'artifact\.version' \("1\.2\.0"\) differs from the version it was pinned to with addLane \('1\.3\.0'\)/);
  });
});

/** A lane whose metrics carry a token of its own stack (like a real endpoint name). */
class TokenLane extends FakeLane {
  private readonly topicName: string;
  constructor(scope: Construct, id: string) {
    super(scope, id, 'assistant', '1.4.0', HardwareTarget.CPU_X86_64, false);
    this.topicName = new CfnResource(this, 'Named', { type: 'AWS::SNS::Topic' }).getAtt('TopicName').toString();
  }
  public metricLatency(props?: cloudwatch.MetricOptions) {
    return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Latency', dimensionsMap: { Name: this.topicName ?? 'x' }, ...props });
  }
}

describe('HybridTopology: lanes in another stack', () => {
  test('same account and Region: the dashboard imports the lane\'s values (no raw Fn::GetAtt of another stack)', () => {
    // GIVEN the topology in stack A and a lane in stack B
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    const topology = new HybridTopology(a, 'Topo', { artifact: ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1.4.0' }) });
    topology.addLane(new TokenLane(b, 'Lane'));
    // WHEN
    const asm = app.synth();
    // THEN A's dashboard body uses Fn::ImportValue, and B exports the value
    const body = JSON.stringify(Object.values(asm.getStackByName('A').template.Resources).find((r: any) => r.Type === 'AWS::CloudWatch::Dashboard'));
    expect(body).not.toContain('Fn::GetAtt');
    expect(body).toContain('Fn::ImportValue');
    const outputs = asm.getStackByName('B').template.Outputs;
    expect(Object.values(outputs).map((o: any) => o.Value)).toContainEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LaneNamed/), 'TopicName'] });
    expect(asm.getStackByName('A').dependencies.map(d => d.id)).toContain('B');
  });

  test('another account or Region is rejected with a fix', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: '111111111111', region: 'us-east-1' } });
    const b = new Stack(app, 'B', { env: { account: '111111111111', region: 'eu-west-1' } });
    const topology = new HybridTopology(a, 'Topo', { artifact: ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1.4.0' }) });
    topology.addLane(new TokenLane(b, 'Lane'));
    expect(() => app.synth()).toThrow(new RegExp(
      "^B/Lane: 'addLane\\(lane\\)' \\(\"B\"\\) is in stack B \\(account 111111111111, Region eu-west-1\\) but the topology's dashboard is in stack A \\(account 111111111111, Region us-east-1\\): "
      + "a dashboard cannot reference another environment's resources\\. Fix: Create the lane in a stack with the same account and Region as A, or leave it out of this topology and give it its own LaneDashboard\\.$"));
  });

  test('an environment-agnostic lane stack next to a concrete topology stack is rejected too', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: '111111111111', region: 'us-east-1' } });
    const b = new Stack(app, 'B');
    const topology = new HybridTopology(a, 'Topo', { artifact: ModelArtifact.fromAsset(FP32, { name: 'assistant', version: '1.4.0' }) });
    topology.addLane(new TokenLane(b, 'Lane'));
    expect(() => app.synth()).toThrow(/is in stack B \(account any, Region any\) but the topology's dashboard is in stack A/);
  });
});

describe('HybridTopology props and addLane from plain JavaScript: LaneValidationError, never a TypeError', () => {
  const artifact = () => ModelArtifact.fromAsset(FP32, { name: 'recsys', version: '1.4.0' });
  function topo(props: unknown): HybridTopology {
    return new HybridTopology(new Stack(new App(), 'S'), 'Topo', props as never);
  }

  test.each([
    ['no props', undefined, /^S\/Topo: 'props' is required\. Fix: Pass \{ artifact \}/],
    ['props null', null, /^S\/Topo: 'props' \(null\) is not a props object/],
    ['no artifact', {}, /^S\/Topo: 'artifact' is required\. Fix: Pass the model every lane serves/],
    ['artifact a string', { artifact: 's3://b/model.tar.gz' }, /^S\/Topo: 'artifact' \("s3:\/\/b\/model\.tar\.gz"\) is not a ModelArtifact/],
    ['autoscaling a plain object', { autoscaling: { maxCapacity: 4 } }, /^S\/Topo: 'autoscaling' \(\{"maxCapacity":4\}\) is not an AutoscalingPolicy/],
    ['slo a number', { slo: 300 }, /^S\/Topo: 'slo' \(300\) is not a ServiceLevelObjective/],
    ['rollout a string', { rollout: 'CANARY' }, /^S\/Topo: 'rollout' \("CANARY"\) is not a Rollout/],
    ['hourlyPrices a number', { hourlyPrices: 1.4 }, /^S\/Topo: 'hourlyPrices' \(1\.4\) is not a props object/],
    ['alarmStatusWidget a string', { alarmStatusWidget: 'yes' }, /^S\/Topo: 'alarmStatusWidget' \("yes"\) is not one of true, false/],
    ['laneDashboards a number', { laneDashboards: 1 }, /^S\/Topo: 'laneDashboards' \(1\) is not one of true, false/],
    ['dashboardName a number', { dashboardName: 7 }, /^S\/Topo: 'dashboardName' \(7\) is not a string/],
  ])('%s', (_name, extra, msg) => {
    const props = extra === undefined || extra === null ? extra : { artifact: artifact(), ...(extra as object) };
    const fn = () => topo(_name === 'no artifact' ? {} : props);
    expect(fn).toThrow(LaneValidationError);
    expect(fn).toThrow(msg);
  });

  test('addLane: a non-lane, options that are not an object, a pinnedVersion that is not a string', () => {
    const t = topo({ artifact: artifact() });
    const lane = new FakeLane(t.node.scope as Construct, 'Lane', 'recsys', '0.9.0');
    expect(() => t.addLane({ laneKind: 'x' } as never)).toThrow(/^S\/Topo: 'addLane\(lane\)' \(\{"laneKind":"x"\}\) is not an inference lane \(IInferenceLane\)/);
    expect(() => t.addLane(null as never)).toThrow(/^S\/Topo: 'addLane\(lane\)' \(null\) is not an inference lane/);
    expect(() => t.addLane(lane, null as never)).toThrow(/^S\/Topo: 'addLane\(options\)' \(null\) is not a props object/);
    expect(() => t.addLane(lane, { pinnedVersion: 0.9 as never })).toThrow(/^S\/Topo: 'pinnedVersion' \(0\.9\) is not a string\. Fix: Pass the version the lane serves as text, e\.g\. '0\.9\.0'\./);
    expect(() => t.addLane(lane, { pinnedVersion: '0.9.0' })).not.toThrow();
    expect(t.lanes).toContain(lane);
  });
});
