import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamicBatching, HardwareTarget, IInferenceLane, LaneValidationError, Rollout } from '../../lib';
import { EdgeFleetChannel, EdgeFleetChannelProps, FleetRelease } from '../../lib/edge-fleet';
import { rolloutMinutes } from '../../lib/edge-fleet/private/lead-time';
import { demoArtifact } from '../../examples/shared/artifact';

function channel(props: Partial<EdgeFleetChannelProps> = {}): EdgeFleetChannel {
  const stack = new Stack(new App(), 'S');
  return new EdgeFleetChannel(stack, 'Edge', {
    artifact: demoArtifact(),
    deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64, expectedDevices: 1000 }],
    ...props,
  });
}
const steps = (edge: EdgeFleetChannel) => edge.scaleOutLeadTime.steps.map(s => [s.step, s.duration.toSeconds()]);

describe('EdgeFleetChannel scale-out lead time, from the job rates, bakes and timeouts it renders', () => {
  test('rollout model: 5/min doubling after every 5 devices, at most 50/min', () => {
    const rate = { base: 5, factor: 2, every: 5, max: 50, source: '' };
    // 5 @5/min (1 min), 5 @10 (0.5), 5 @20 (0.25), 5 @40 (0.125), then 50/min
    expect(rolloutMinutes(20, rate)).toBeCloseTo(1.875, 6);
    expect(rolloutMinutes(120, rate)).toBeCloseTo(1.875 + 100 / 50, 6);
    expect(rolloutMinutes(0, rate)).toBe(0);
  });

  test('defaults (one fleet ring, default fleet job, installTimeout 10 min) for 1,000 devices', () => {
    const edge = channel();
    // 20 devices in 1.875 min, then 980 at 50/min = 19.6 min: 21.475 min = 1289 s (rounded)
    expect(steps(edge)).toEqual([
      ["fleet ring: IoT job reaches 1000 device(s) of 'gateways'", 1289],
      ['download, verify and unpack the model on each device (at most)', 600],
    ]);
    expect(edge.scaleOutLeadTime.steps[0].source).toMatch(/expectedDevices 1000 × 100%; the fleet ring's default job \(5\/min × 2 after every 5 devices, at most 50\/min\)/);
    expect(edge.scaleOutLeadTime.steps[1].source).toMatch(/props.installTimeout/);
  });

  test('a canary rollout adds the canary ring (IoT default 1,000/min) and its bake; installTimeout comes from the props', () => {
    const edge = channel({ rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(60) }), release: FleetRelease.promote(), installTimeout: Duration.minutes(5) });
    expect(steps(edge)).toEqual([
      ["canary ring: IoT job reaches 100 device(s) of 'gateways'", 6],
      ['canary ring bake before the next ring', 3600],
      ["fleet ring: IoT job reaches 900 device(s) of 'gateways'", Math.round((1.875 + 880 / 50) * 60)],
      ['download, verify and unpack the model on each device (at most)', 300],
    ]);
    expect(edge.scaleOutLeadTime.steps[1].source).toBe('props.rollout bakeTime');
  });

  test('typed rings: each ring\'s share, job rate and bake', () => {
    const edge = channel({
      rings: [
        { name: 'pilot', percent: 1, bake: Duration.days(1), job: { maximumPerMinute: 2 } },
        { name: 'fleet', job: { maximumPerMinute: 100 } },
      ],
      release: FleetRelease.promote(),
    });
    expect(steps(edge)).toEqual([
      ["pilot ring: IoT job reaches 10 device(s) of 'gateways'", 300],
      ['pilot ring bake before the next ring', 86400],
      ["fleet ring: IoT job reaches 990 device(s) of 'gateways'", 594],
      ['download, verify and unpack the model on each device (at most)', 600],
    ]);
    expect(edge.scaleOutLeadTime.steps[0].source).toMatch(/^deviceClasses 'gateways' expectedDevices 1000 × 1%; props.rings\[0\].job \(2 devices per minute\)/);
    expect(edge.scaleOutLeadTime.steps[1].source).toBe('props.rings[0].bake');
  });

  test('the largest class sets the pace; without expectedDevices only the install bound is stated', () => {
    const two = channel({ deviceClasses: [
      { name: 'small', target: HardwareTarget.EDGE_ARM64, expectedDevices: 10 },
      { name: 'large', target: HardwareTarget.EDGE_ARM64, expectedDevices: 500 },
    ] });
    expect(steps(two)[0][0]).toBe("fleet ring: IoT job reaches 500 device(s) of 'large'");
    const unknown = channel({ deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }] });
    expect(steps(unknown)).toEqual([['download, verify and unpack the model on each device (at most)', 600]]);
  });

  test('no capacity-lag signal: devices keep serving the old version while they update (metricCapacityLag undefined)', () => {
    expect(channel().metricCapacityLag()).toBeUndefined();
  });
});

describe('EdgeFleetChannel rejects dynamic batching', () => {
  test('with the reason and a LaneValidationError', () => {
    const make = () => channel({ dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10) }) });
    expect(make).toThrow(LaneValidationError);
    expect(make).toThrow(/S\/Edge: 'dynamicBatching' \("dynamicBatching\(max 8, delay 10 millis\)"\) cannot be rendered by EdgeFleetChannel \(Greengrass v2\): the component runs runCommand on the device and Greengrass has no request path to batch/);
  });
  test('omitted: the channel synthesizes and states no batching', () => {
    const edge = channel();
    expect((edge as IInferenceLane).dynamicBatching).toBeUndefined();
    Template.fromStack(Stack.of(edge)).resourceCountIs('AWS::GreengrassV2::ComponentVersion', 1);
  });
});
