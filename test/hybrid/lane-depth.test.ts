import { Template } from 'aws-cdk-lib/assertions';
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

describe('the hybrid baseline batches (the seed: warm capacity and dynamic batching)', () => {
  test('TorchServe batch settings on the baseline model, one worker per vCPU of ml.m5.xlarge', () => {
    const hybrid = createHybridApp();
    const models = Template.fromStack(hybrid.stack).findResources('AWS::SageMaker::Model');
    const envs = Object.values(models).map((m: any) => m.Properties.PrimaryContainer?.Environment ?? {});
    expect(envs).toHaveLength(1);
    expect(envs[0]).toMatchObject({
      SAGEMAKER_TS_BATCH_SIZE: '8', SAGEMAKER_TS_MAX_BATCH_DELAY: '10',
      SAGEMAKER_TS_MIN_WORKERS: '4', SAGEMAKER_TS_MAX_WORKERS: '4', SAGEMAKER_TS_RESPONSE_TIMEOUT: '60',
    });
    expect(hybrid.baseline.dynamicBatching?.maxBatchSize).toBe(8);
    // no gain stated: planning and the simulator assume none
    expect(hybrid.baseline.dynamicBatching?.throughputGainPercent).toBeUndefined();
  });

  test('the lanes that cannot batch state none', () => {
    const hybrid = createHybridApp();
    expect(hybrid.burst.dynamicBatching).toBeUndefined();
    expect(hybrid.edge.dynamicBatching).toBeUndefined();
  });
});
