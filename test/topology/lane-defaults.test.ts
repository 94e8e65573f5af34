import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, EndpointMode, HybridTopology, ManagedEndpoint, ModelArtifact, QueueDrainedWorkers, Rollout, ScalingTrigger,
  ServiceLevelObjective,
} from '../../lib';
import { withLaneDefaults } from '../../lib/core/private/lane-defaults';
import { demoArtifact } from '../../examples/shared/artifact';

function topology(props: { rollout?: Rollout } = {}) {
  const stack = new Stack(new App(), 'S');
  const topo = new HybridTopology(stack, 'Topo', {
    artifact: demoArtifact('2.0.0'),
    autoscaling: AutoscalingPolicy.fixed(3),
    slo: ServiceLevelObjective.latency(95, Duration.millis(250), { applicationSignals: false }),
    ...props,
  });
  return { stack, topo };
}

test('a lane inside the topology inherits the artifact, the policy and the SLO it was not given', () => {
  const { stack, topo } = topology();
  const endpoint = new ManagedEndpoint(topo, 'Baseline', { mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }) });
  expect(endpoint.artifactVersion).toBe('2.0.0');
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InitialInstanceCount: 3 })] });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p95', Threshold: 250000 });
});

test("a lane's own props win over the topology's", () => {
  const { stack, topo } = topology();
  new ManagedEndpoint(topo, 'Baseline', {
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    slo: ServiceLevelObjective.latency(99, Duration.millis(500), { applicationSignals: false }),
  });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Threshold: 500000 });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
});

test('an inherited value a lane cannot render fails with that lane\'s error; an override fixes it', () => {
  const { topo } = topology({ rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) });
  expect(() => new QueueDrainedWorkers(topo, 'Batch', { jobTimeout: Duration.minutes(1), slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30), { applicationSignals: false }) }))
    .toThrow(/S\/Topo\/Batch: 'rollout' \("CANARY 10% \/ 5 minutes"\) shifts traffic in steps.*Fix: .*\(The 'rollout' was not passed to S\/Topo\/Batch: it was inherited from the topology S\/Topo\. Pass 'rollout' to the lane to override it there\.\)$/);
  const workers = new QueueDrainedWorkers(topo, 'Batch2', {
    jobTimeout: Duration.minutes(1),
    rollout: Rollout.allAtOnce(),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30), { applicationSignals: false }),
  });
  expect(workers.capacity.minInstances).toBe(3);
});

test('outside a topology, artifact (and autoscaling where required) must be given', () => {
  const stack = new Stack(new App(), 'S');
  expect(() => new ManagedEndpoint(stack, 'E', { mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }) }))
    .toThrow(/S\/E: 'artifact' is required. Fix: Pass the ModelArtifact it serves to the ManagedEndpoint, or create it inside a HybridTopology that has one./);
  expect(() => new QueueDrainedWorkers(stack, 'W', { artifact: demoArtifact(), jobTimeout: Duration.minutes(1) }))
    .toThrow(/S\/W: 'autoscaling' is required. Fix: Pass an AutoscalingPolicy \(AutoscalingPolicy.fixed\(n\) for a fixed fleet\) to the QueueDrainedWorkers/);
});

test('an error about a prop the lane was given itself does not mention the topology', () => {
  const { topo } = topology();
  expect(() => new QueueDrainedWorkers(topo, 'Batch', {
    jobTimeout: Duration.minutes(1),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30), { applicationSignals: false }),
  })).toThrow(/^(?!.*inherited from the topology).*'rollout' \("CANARY 10% \/ 5 minutes"\) shifts traffic in steps/s);
});

test('an inherited autoscaling policy a lane cannot render says where it came from (nested prop)', () => {
  const stack = new Stack(new App(), 'S');
  const topo = new HybridTopology(stack, 'Topo', {
    artifact: demoArtifact('2.0.0'),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(10)] }),
  });
  expect(() => new ManagedEndpoint(topo, 'Baseline', { mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }) }))
    .toThrow(/^S\/Topo\/Baseline: 'autoscaling\.triggers' .*\(The 'autoscaling' was not passed to S\/Topo\/Baseline: it was inherited from the topology S\/Topo\./s);
});

describe('withLaneDefaults (lib/core/lane-defaults): the artifact is always required and typed as present', () => {
  interface FakeLaneProps { readonly artifact?: ModelArtifact; readonly autoscaling?: AutoscalingPolicy; readonly slo?: ServiceLevelObjective }

  test('inside a topology: the artifact (and autoscaling when required) come back typed as present', () => {
    const { topo } = topology();
    const lane = new Construct(topo, 'Lane');
    const p = withLaneDefaults(lane, {} as FakeLaneProps, 'FakeLane', ['artifact', 'autoscaling', 'slo'], ['autoscaling']);
    // Typed without `!`: these lines only compile because the result has artifact and autoscaling.
    const artifact: ModelArtifact = p.artifact;
    const policy: AutoscalingPolicy = p.autoscaling;
    expect(artifact.version).toBe('2.0.0');
    expect(policy.maxCapacity).toBe(3);
  });

  test('outside a topology, a missing artifact is rejected even when required lists only autoscaling', () => {
    const lane = new Construct(new Stack(new App(), 'S'), 'Lane');
    expect(() => withLaneDefaults(lane, { autoscaling: AutoscalingPolicy.fixed(1) } as FakeLaneProps, 'FakeLane', ['artifact', 'autoscaling'], ['autoscaling']))
      .toThrow(/^S\/Lane: 'artifact' is required\. Fix: Pass the ModelArtifact it serves to the FakeLane, or create it inside a HybridTopology that has one\.$/);
    expect(() => withLaneDefaults(lane, { artifact: demoArtifact('1.0.0') } as FakeLaneProps, 'FakeLane', ['artifact', 'autoscaling'], ['autoscaling']))
      .toThrow(/^S\/Lane: 'autoscaling' is required\. Fix: Pass an AutoscalingPolicy \(AutoscalingPolicy\.fixed\(n\) for a fixed fleet\) to the FakeLane/);
  });
});
