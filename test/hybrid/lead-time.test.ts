import { createHybridApp, HybridApp } from '../../examples/hybrid';
import { IInferenceLane } from '../../lib';

/*
 * Cold start as a contract, across the hybrid: every lane states its expected time from trigger to
 * capacity in service, step by step, each step with its source; the figures follow from the lanes' props.
 */
describe('the hybrid: every lane states its scale-out lead time', () => {
  let hybrid: HybridApp;
  let lanes: IInferenceLane[];
  beforeAll(() => {
    hybrid = createHybridApp();
    lanes = [hybrid.baseline, hybrid.burst, hybrid.summaries, hybrid.edge];
  });

  test('stated, with a source for every step', () => {
    for (const lane of lanes) {
      expect({ lane: lane.node.path, stated: lane.scaleOutLeadTime.isStated }).toEqual({ lane: lane.node.path, stated: true });
      for (const s of lane.scaleOutLeadTime.steps) {
        expect(s.source.trim().length).toBeGreaterThan(10);
        expect(s.duration.toSeconds()).toBeGreaterThanOrEqual(0);
      }
    }
  });

  test('the totals follow from each lane\'s props', () => {
    const totals = Object.fromEntries(lanes.map(l => [l.node.id, l.scaleOutLeadTime.total.toSeconds()]));
    expect(totals).toEqual({
      // in-flight target tracking on 10-second datapoints (30 s) + activity 10 s + ml.m5.xlarge launch 240 s + model 120 s
      Baseline: 400,
      // 3-minute target-tracking alarm + provisioned-concurrency allocation 120 s + init 10 s
      Burst: 310,
      // a fixed budget: replacement worker 10 s + Fargate start 60 s + image 60 s + model 60 s
      Summaries: 190,
      // canary ring (60 kiosks) + 1 h bake + fleet ring (1,140 kiosks at the job rate) + install bound 10 min
      Kiosks: 5661,
    });
  });

  test('the burst pool comes into service faster than the baseline: the front door offloads while the baseline scales', () => {
    expect(hybrid.burst.scaleOutLeadTime.total.toSeconds()).toBeLessThan(hybrid.baseline.scaleOutLeadTime.total.toSeconds());
  });
});
