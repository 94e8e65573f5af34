import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  HardwareTarget, HybridTopology, IInferenceLane, LaneCapacity, LaneKind, ModelArtifact, ServiceLevelObjective,
} from '../../lib';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');

/** A minimal lane: enough to exercise the topology without depending on any real lane. */
class FakeLane extends Construct implements IInferenceLane {
  public readonly laneKind = LaneKind.MANAGED_ENDPOINT;
  public readonly capacity: LaneCapacity;
  public readonly sloAlarms: cloudwatch.IAlarm[];
  constructor(scope: Construct, id: string, public readonly artifactName: string, public readonly artifactVersion: string,
    hardware: HardwareTarget = HardwareTarget.CPU_X86_64, withAlarm = true) {
    super(scope, id);
    this.capacity = { minInstances: 2, maxInstances: 4, instanceType: 'ml.m5.xlarge', hardware, priceClass: 'per-instance-hour', description: '2-4 × ml.m5.xlarge' };
    this.sloAlarms = withAlarm ? ServiceLevelObjective.latency(95, Duration.millis(300)).renderAlarms(this, 'Slo', { laneName: id, latency: this.metricLatency() }) : [];
  }
  public metricLatency(props?: cloudwatch.MetricOptions) { return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Latency', dimensionsMap: { Lane: this.node.id }, ...props }); }
  public metricErrors(props?: cloudwatch.MetricOptions) { return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Errors', dimensionsMap: { Lane: this.node.id }, ...props }); }
  public metricInvocations(props?: cloudwatch.MetricOptions) { return new cloudwatch.Metric({ namespace: 'Fake', metricName: 'Invocations', dimensionsMap: { Lane: this.node.id }, ...props }); }
  public grantInvoke(grantee: iam.IGrantable) { return iam.Grant.drop(grantee, 'fake'); }
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
    const template = Template.fromStack(stack);
    // THEN
    expect(topology.lanes.map(l => l.node.id)).toEqual(['A', 'B']);
    expect(topology.describeLanes()[0]).toEqual(expect.objectContaining({ id: 'A', kind: LaneKind.MANAGED_ENDPOINT, version: '1.4.0', sloAlarmCount: 1 }));
    const body = JSON.stringify(stack.resolve((Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as any).Properties.DashboardBody));
    for (const title of ['Latency p50', 'Latency p95', 'Latency p99', 'Errors', 'Invocations', 'SLO alarms', 'Cost per 1,000 inferences']) {
      expect(body).toContain(title);
    }
    expect(body).toContain('1000 * 0.46 / inv0');
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
    const body = JSON.stringify(stack.resolve((Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0] as any).Properties.DashboardBody));
    expect(body).not.toContain('SLO alarms');
    expect(body).toContain('Latency p95');
  });

  test('a lane on another version fails synth unless pinned', () => {
    const { app, topology } = setup();
    const old = new FakeLane(topology, 'Old', 'assistant', '1.3.0');
    expect(() => app.synth()).toThrow(/S\/Topo\/Old: serves version '1.3.0' but the topology expects '1.4.0'.*addLane\(lane, \{ pinnedVersion: '1.3.0' \}\)/s);
    const again = setup();
    const pinned = new FakeLane(again.topology, 'Old', 'assistant', '1.3.0');
    again.topology.addLane(pinned, { pinnedVersion: '1.3.0' });
    expect(() => again.app.synth()).not.toThrow();
    void old;
  });

  test('a lane serving another model fails synth', () => {
    const { app, topology } = setup();
    new FakeLane(topology, 'Other', 'ranker', '1.4.0');
    expect(() => app.synth()).toThrow(/S\/Topo\/Other: serves model 'ranker' but topology S\/Topo serves 'assistant'/);
  });

  test('a lane on hardware the artifact has no build for fails synth', () => {
    const { app, topology } = setup();
    new FakeLane(topology, 'Gpu', 'assistant', '1.4.0', HardwareTarget.NVIDIA_GPU);
    expect(() => app.synth()).toThrow(/S\/Topo\/Gpu: runs on 'nvidia-gpu' but assistant@1.4.0 has no build for it \(it has: cpu-x86_64\)/);
  });

  test('a topology without lanes fails synth', () => {
    const { app } = setup();
    expect(() => app.synth()).toThrow(/S\/Topo: the topology has no lanes/);
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
});
