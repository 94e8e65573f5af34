import { App, Duration, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { InferenceLaneBase, LaneCapacity, LaneKind, HardwareTarget, ScaleOutLeadTime } from '../../lib';

describe('ScaleOutLeadTime', () => {
  test('sums its steps and describes them in order', () => {
    const lead = ScaleOutLeadTime.of([
      { step: 'alarm evaluation', duration: Duration.minutes(1), source: 'props.autoscaling' },
      { step: 'instance launch', duration: Duration.minutes(4), source: 'https://docs.aws.amazon.com/' },
      { step: 'model load', duration: Duration.millis(1500), source: 'measured' },
    ]);
    expect(lead.isStated).toBe(true);
    expect(lead.total.toMilliseconds()).toBe(301_500);
    expect(lead.steps.map(s => s.step)).toEqual(['alarm evaluation', 'instance launch', 'model load']);
    expect(lead.describe()).toBe('301.5 seconds: alarm evaluation 1 minute + instance launch 4 minutes + model load 1 second 500 millis');
  });

  test('not stated: no steps, zero total', () => {
    const lead = ScaleOutLeadTime.notStated();
    expect(lead.isStated).toBe(false);
    expect(lead.total.toSeconds()).toBe(0);
    expect(lead.describe()).toBe('not stated');
  });

  test.each([
    ['no steps', [], /ScaleOutLeadTime.of: 'steps' \(\[\]\) is empty or not a list/],
    ['a step without a name', [{ step: ' ', duration: Duration.seconds(1), source: 'x' }], /'steps\[0\].step' \(" "\) is not a non-empty string/],
    ['a number as duration', [{ step: 'a', duration: 5, source: 'x' }], /'steps\[0\].duration' \(5\) is not a concrete Duration/],
    ['a step without a source', [{ step: 'a', duration: Duration.seconds(1), source: '' }], /'steps\[0\].source' \(""\) is not a non-empty string. Fix: Say where the figure comes from/],
  ])('rejects %s', (_name, steps, message) => {
    expect(() => ScaleOutLeadTime.of(steps as any)).toThrow(message);
  });

  test('property: the total is the sum of the steps', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 1, maxLength: 8 }), ms => {
      const lead = ScaleOutLeadTime.of(ms.map((m, i) => ({ step: `s${i}`, duration: Duration.millis(m), source: 'test' })));
      return lead.total.toMilliseconds() === ms.reduce((a, b) => a + b, 0);
    }), { numRuns: Number(process.env.FC_RUNS ?? 100) });
  });
});

class MinimalLane extends InferenceLaneBase {
  public readonly laneKind = LaneKind.GPU_CLUSTER;
  public readonly artifactName = 'm';
  public readonly artifactVersion = '1';
  public readonly capacity: LaneCapacity = { minInstances: 1, maxInstances: 1, instanceType: 'x', hardware: HardwareTarget.CPU_X86_64, priceClass: 'per-instance-hour', description: 'x' };
}

test('InferenceLaneBase: a lane that states nothing has no lead time and no lag metric', () => {
  const lane = new MinimalLane(new Construct(new Stack(new App(), 'S'), 'C'), 'L');
  expect(lane.scaleOutLeadTime.isStated).toBe(false);
  expect(lane.metricCapacityLag()).toBeUndefined();
});
