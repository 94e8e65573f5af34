import { Duration, Stack } from 'aws-cdk-lib';
import { DynamicBatching, LaneKind, LaneValidationError, ScaleOutLeadTime, ServiceLevelObjective, TriggerKind } from '../../lib/core';
import { CapacityPlannerProps, CapacityPlanner, SurgeHandling, WorkloadKind } from '../../lib/planning';

/** The article's recommendation model: 1,000 req/s at midday, a 5× surge during flash sales. */
const RECSYS: CapacityPlannerProps = {
  perInstanceRequestsPerSecond: 25,
  pricePerInstanceHour: 1.5,
  traffic: { baselineRequestsPerSecond: 1000, peakMultiplier: 1.5, surgeMultiplier: 5, surgeDuration: Duration.minutes(30) },
};

describe('CapacityPlanner', () => {
  describe('the flash-sale recommendation model', () => {
    // GIVEN 25 req/s per instance at the SLO, 1.50/h, a 20% warm buffer (the interactive default)
    const plan = CapacityPlanner.plan(RECSYS);

    test('sizes each load with the warm buffer kept: 25 × 0.8 = 20 req/s per instance', () => {
      expect(plan.targetRequestsPerInstance).toBe(20);
      expect(plan.warmBufferPercent).toBe(20);
      expect([plan.baselineRequestsPerSecond, plan.peakRequestsPerSecond, plan.surgeRequestsPerSecond]).toEqual([1000, 1500, 5000]);
      expect([plan.instancesAtBaseline, plan.instancesAtPeak, plan.instancesAtSurge]).toEqual([50, 75, 250]);
      expect([plan.minCapacity, plan.maxCapacity]).toEqual([50, 250]);
    });

    test('costs: 75/h at baseline, 375/h in the surge; 0.0167 per 1,000 for one busy instance, 0.0208 for the buffered fleet', () => {
      expect([plan.hourlyCostAtBaseline, plan.hourlyCostAtPeak, plan.hourlyCostAtSurge]).toEqual([75, 112.5, 375]);
      expect(plan.costPer1000AtSlo).toBeCloseTo(1500 / 90_000, 10); // (1000 × 1.5) / (25 × 3600)
      expect(plan.costPer1000AtBaseline).toBeCloseTo((1000 * 75) / (1000 * 3600), 10);
      expect(plan.costPer1000AtPeak).toBeCloseTo((1000 * 112.5) / (1500 * 3600), 10);
      // the warm buffer costs 1/(1-0.2) = 1.25× the fully used price
      expect(plan.costPer1000AtBaseline / plan.costPer1000AtSlo).toBeCloseTo(1.25, 10);
    });

    test('the ready policy scales on requests per instance with the buffer and sensible cooldowns', () => {
      const p = plan.autoscalingPolicy;
      expect([p.minCapacity, p.maxCapacity, p.warmBufferPercent, p.scaleToZero]).toEqual([50, 250, 20, false]);
      expect(p.triggers.map(t => [t.kind, t.target])).toEqual([[TriggerKind.REQUESTS_PER_INSTANCE, 25]]);
      expect(p.effectiveTarget(p.triggers[0])).toBe(20);
      expect(p.scaleOutCooldown.toSeconds()).toBe(60);
      expect(p.scaleInCooldown.toSeconds()).toBe(600);
      expect(plan.trigger).toBe(p.triggers[0]);
    });

    test('states the 2× and 3× staging loads for one instance', () => {
      expect(plan.stagingTestLoads.map(s => [s.multiplier, s.requestsPerSecond])).toEqual([[2, 50], [3, 75]]);
      expect(plan.notes.join('\n')).toMatch(/test it to 2× and 3× in staging/);
    });

    test('a 30-minute surge outlasts the 10-minute lag: autoscaling follows it', () => {
      expect(plan.surgeHandling).toBe(SurgeHandling.AUTOSCALING);
      expect(plan.scaleOutLag.toMinutes()).toBe(10);
      expect(plan.warmBufferToAbsorbSurgePercent).toBeCloseTo(80, 10);
      expect(plan.notes.join('\n')).toMatch(/requests beyond 1250\/s may breach the SLO for up to 10 minutes/);
    });
  });

  test('fleet cost per 1,000 includes rounding up: 90 → 135 req/s at 20 per instance, 2.00/h', () => {
    // GIVEN no buffer: 90/20 = 4.5 → 5 instances, 135/20 = 6.75 → 7 instances
    const plan = CapacityPlanner.plan({
      perInstanceRequestsPerSecond: 20,
      pricePerInstanceHour: 2,
      warmBufferPercent: 0,
      traffic: { baselineRequestsPerSecond: 90, peakMultiplier: 1.5 },
    });
    expect([plan.instancesAtBaseline, plan.instancesAtPeak]).toEqual([5, 7]);
    expect(plan.costPer1000AtBaseline).toBeCloseTo(0.0308642, 7); // 1000 × 10 / (90 × 3600)
    expect(plan.costPer1000AtPeak).toBeCloseTo(0.0288066, 7); // 1000 × 14 / (135 × 3600)
    expect(plan.costPer1000AtSlo).toBeCloseTo(0.0277778, 7); // 1000 × 2 / (20 × 3600)
    expect(plan.surgeHandling).toBe(SurgeHandling.NO_SURGE);
  });

  describe('chooses the trigger from the workload and lane', () => {
    test.each([
      ['interactive, default lane', {}, LaneKind.MANAGED_ENDPOINT, TriggerKind.REQUESTS_PER_INSTANCE, 25],
      ['interactive with a measured concurrency', { concurrencyPerInstance: 8 }, LaneKind.MANAGED_ENDPOINT, TriggerKind.IN_FLIGHT_PER_INSTANCE, 8],
      ['interactive on a GPU cluster', { lane: LaneKind.GPU_CLUSTER }, LaneKind.GPU_CLUSTER, TriggerKind.REQUESTS_PER_INSTANCE, 25],
      ['interactive on serverless (one request per environment)', { lane: LaneKind.SERVERLESS }, LaneKind.SERVERLESS, TriggerKind.IN_FLIGHT_PER_INSTANCE, 1],
      ['batch, default lane: 25 jobs/s × 300 s', { workload: WorkloadKind.BATCH }, LaneKind.BATCH_WORKERS, TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, 7500],
      ['batch with 60 s allowed wait', { workload: WorkloadKind.BATCH, maxTimeInQueue: Duration.seconds(60) }, LaneKind.BATCH_WORKERS, TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, 1500],
      ['batch on an asynchronous managed endpoint', { workload: WorkloadKind.BATCH, lane: LaneKind.MANAGED_ENDPOINT }, LaneKind.MANAGED_ENDPOINT, TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, 7500],
      ['batch on a GPU cluster', { workload: WorkloadKind.BATCH, lane: LaneKind.GPU_CLUSTER }, LaneKind.GPU_CLUSTER, TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, 7500],
    ] as Array<[string, Partial<CapacityPlannerProps>, LaneKind, TriggerKind, number]>)('%s', (_name, extra, lane, kind, target) => {
      const plan = CapacityPlanner.plan({ ...RECSYS, ...extra });
      expect(plan.lane).toBe(lane);
      expect(plan.autoscalingPolicy.triggers.map(t => [t.kind, t.target])).toEqual([[kind, target]]);
    });

    test('batch plans keep no warm buffer by default and scale in after 5 minutes', () => {
      const plan = CapacityPlanner.plan({ ...RECSYS, workload: WorkloadKind.BATCH });
      expect(plan.warmBufferPercent).toBe(0);
      expect(plan.autoscalingPolicy.scaleInCooldown.toMinutes()).toBe(5);
      expect([plan.minCapacity, plan.maxCapacity]).toEqual([40, 200]);
      expect(plan.notes[0]).toMatch(/utilization misleads for batching workloads/);
    });

    test.each([
      // lane, triggers its renderer supports (DESIGN.md trigger table), workload
      [LaneKind.MANAGED_ENDPOINT, [TriggerKind.REQUESTS_PER_INSTANCE, TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.CPU_UTILIZATION], WorkloadKind.INTERACTIVE],
      [LaneKind.GPU_CLUSTER, [TriggerKind.REQUESTS_PER_INSTANCE, TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.GPU_UTILIZATION, TriggerKind.QUEUE_BACKLOG_PER_INSTANCE], WorkloadKind.INTERACTIVE],
      [LaneKind.SERVERLESS, [TriggerKind.IN_FLIGHT_PER_INSTANCE], WorkloadKind.INTERACTIVE],
      [LaneKind.BATCH_WORKERS, [TriggerKind.CPU_UTILIZATION, TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE], WorkloadKind.BATCH],
    ])('the %s policy passes that lane\'s validateFor', (lane, triggers, workload) => {
      const plan = CapacityPlanner.plan({ ...RECSYS, lane, workload });
      expect(() => plan.autoscalingPolicy.validateFor(new Stack(), {
        lane, triggers, scaleToZero: false, schedules: false, stepLimits: false, maxTriggers: 1,
      })).not.toThrow();
    });
  });

  describe('judges the surge against the scale-out lag', () => {
    test.each([
      ['no surge', { traffic: { baselineRequestsPerSecond: 1000 } }, SurgeHandling.NO_SURGE, /Capacity is fixed at 50: no headroom beyond the warm buffer/],
      ['a 1.2× surge fits the 20% buffer (50 × 25 = 1250 ≥ 1200)', { traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 1.2, surgeDuration: Duration.minutes(5) } }, SurgeHandling.WARM_BUFFER, /warm buffer of the baseline fleet serves the 1200 requests\/s surge/],
      ['a 5-minute 5× surge beats a 10-minute lag', { traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 5, surgeDuration: Duration.minutes(5) } }, SurgeHandling.PREWARM, /hold 250 instances warm before known surges \(a ScheduledCapacity with minCapacity 250\), or route the overflow to a small pre-warmed serverless burst pool; a warm buffer of 80% would absorb it/],
      ['a 20× surge cannot be absorbed by any buffer', { traffic: { baselineRequestsPerSecond: 100, surgeMultiplier: 20, surgeDuration: Duration.minutes(5) } }, SurgeHandling.PREWARM, /no warm buffer can absorb it \(95% idle capacity needed; the most is 90%\)/],
      ['a 5-minute surge on serverless (2-minute lag)', { lane: LaneKind.SERVERLESS, traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 5, surgeDuration: Duration.minutes(5) } }, SurgeHandling.AUTOSCALING, /outlasts the 2-minute scale-out lag/],
      ['a measured 1-minute lag', { scaleOutLag: Duration.minutes(1), traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 5, surgeDuration: Duration.minutes(5) } }, SurgeHandling.AUTOSCALING, /outlasts the 1-minute scale-out lag/],
      ['a 2-minute batch surge waits in the queue', { workload: WorkloadKind.BATCH, traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 4, surgeDuration: Duration.minutes(2) } }, SurgeHandling.QUEUE, /the queue holds up to 360000 extra jobs/],
      ['a 30-minute batch surge grows the backlog during the lag', { workload: WorkloadKind.BATCH, traffic: { baselineRequestsPerSecond: 1000, surgeMultiplier: 4, surgeDuration: Duration.minutes(30) } }, SurgeHandling.AUTOSCALING, /the backlog grows by up to 540000 jobs/],
    ] as Array<[string, Partial<CapacityPlannerProps>, SurgeHandling, RegExp]>)('%s', (_name, extra, handling, note) => {
      const plan = CapacityPlanner.plan({ ...RECSYS, ...extra });
      expect(plan.surgeHandling).toBe(handling);
      expect(plan.notes.join('\n')).toMatch(note);
    });
  });

  describe('rejects bad input with a LaneValidationError naming the prop, the value and a fix', () => {
    test.each([
      ['zero per-instance throughput', { perInstanceRequestsPerSecond: 0 }, /CapacityPlanner: 'perInstanceRequestsPerSecond' \(0\) must be greater than 0. Fix: Pass the requests\/s one instance serves/],
      ['a negative price', { pricePerInstanceHour: -1 }, /'pricePerInstanceHour' \(-1\) must be a number of at least 0/],
      ['negative baseline RPS', { traffic: { baselineRequestsPerSecond: -5 } }, /'traffic.baselineRequestsPerSecond' \(-5\) must be greater than 0/],
      ['zero baseline RPS', { traffic: { baselineRequestsPerSecond: 0 } }, /'traffic.baselineRequestsPerSecond' \(0\) must be greater than 0/],
      ['a peak under the baseline', { traffic: { baselineRequestsPerSecond: 10, peakMultiplier: 0.5 } }, /'traffic.peakMultiplier' \(0.5\) must be a number of at least 1/],
      ['a surge under the baseline', { traffic: { baselineRequestsPerSecond: 10, surgeMultiplier: 0.9, surgeDuration: Duration.minutes(1) } }, /'traffic.surgeMultiplier' \(0.9\) must be a number of at least 1/],
      ['a surge without a duration', { traffic: { baselineRequestsPerSecond: 10, surgeMultiplier: 5 } }, /'traffic.surgeDuration' is required with surgeMultiplier/],
      ['a duration without a surge', { traffic: { baselineRequestsPerSecond: 10, surgeDuration: Duration.minutes(5) } }, /'traffic.surgeDuration' \(5 minutes\) is set without surgeMultiplier/],
      ['a zero surge duration', { traffic: { baselineRequestsPerSecond: 10, surgeMultiplier: 2, surgeDuration: Duration.seconds(0) } }, /'traffic.surgeDuration' \(0 seconds\) must be greater than 0/],
      ['a warm buffer over 90%', { warmBufferPercent: 95 }, /'warmBufferPercent' \(95\) must be between 0 and 90/],
      ['a negative warm buffer', { warmBufferPercent: -1 }, /'warmBufferPercent' \(-1\) must be between 0 and 90/],
      ['a mixed workload', { workload: WorkloadKind.MIXED }, /'workload' \("mixed"\) cannot be planned as one lane. Fix: Plan the interactive lane/],
      ['an edge fleet', { lane: LaneKind.EDGE_FLEET }, /'lane' \("edge-fleet"\) has no autoscaling/],
      ['interactive work on batch workers', { lane: LaneKind.BATCH_WORKERS }, /'lane' \("batch-workers"\) cannot serve interactive work/],
      ['batch work on serverless', { workload: WorkloadKind.BATCH, lane: LaneKind.SERVERLESS }, /'lane' \("serverless"\) cannot scale on a queue backlog/],
      ['a concurrency on a batch plan', { workload: WorkloadKind.BATCH, concurrencyPerInstance: 4 }, /'concurrencyPerInstance' \(4\) is not used by batch plans/],
      ['a zero concurrency', { concurrencyPerInstance: 0 }, /'concurrencyPerInstance' \(0\) must be greater than 0/],
      ['a queue wait on an interactive plan', { maxTimeInQueue: Duration.minutes(1) }, /'maxTimeInQueue' \(1 minute\) is only used by batch plans/],
      ['a queue wait shorter than one job', { workload: WorkloadKind.BATCH, perInstanceRequestsPerSecond: 0.01, maxTimeInQueue: Duration.minutes(1) }, /'maxTimeInQueue' \(1 minute\) is shorter than one job takes \(100 s at 0.01 jobs\/s per worker\)/],
      ['an unknown lane from untyped code', { lane: 'k8s' as LaneKind }, /'lane' \("k8s"\) is not a LaneKind. Fix: Use one of: managed-endpoint, gpu-cluster/],
    ] as Array<[string, Partial<CapacityPlannerProps>, RegExp]>)('%s', (_name, extra, message) => {
      const fn = () => CapacityPlanner.plan({ ...RECSYS, ...extra });
      expect(fn).toThrow(message);
      expect(fn).toThrow(LaneValidationError);
    });
  });
});

describe('CapacityPlanner with dynamic batching (issue 19 item 5)', () => {
  const batching = (gain?: number, delayMs = 5) => new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(delayMs), throughputGainPercent: gain });

  describe("the seed's retail example: modest dynamic batching, about +40% throughput", () => {
    // GIVEN the flash-sale model measured unbatched at 25 req/s per instance, and batching stated at +40%
    const plain = CapacityPlanner.plan(RECSYS);
    const plan = CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(40) });

    test('each instance serves 25 × 1.4 = 35 req/s: tracked at 28 after the 20% buffer', () => {
      expect(plan.perInstanceRequestsPerSecond).toBe(25);
      expect(plan.batchingThroughputGainPercent).toBe(40);
      expect(plan.servedRequestsPerInstance).toBeCloseTo(35, 10);
      expect(plan.targetRequestsPerInstance).toBeCloseTo(28, 10);
      expect(plan.autoscalingPolicy.triggers.map(t => [t.kind, t.target])).toEqual([[TriggerKind.REQUESTS_PER_INSTANCE, plan.servedRequestsPerInstance]]);
      expect(plan.stagingTestLoads.map(l => Math.round(l.requestsPerSecond))).toEqual([70, 105]);
    });

    test('instance counts fall roughly 30% at peak (the seed: "reducing instance count roughly 30% at peak")', () => {
      expect([plan.instancesAtBaseline, plan.instancesAtPeak, plan.instancesAtSurge]).toEqual([36, 54, 179]);
      expect([plain.instancesAtBaseline, plain.instancesAtPeak, plain.instancesAtSurge]).toEqual([50, 75, 250]);
      expect(1 - plan.instancesAtPeak / plain.instancesAtPeak).toBeCloseTo(0.28, 2);
      expect([plan.minCapacity, plan.maxCapacity]).toEqual([36, 179]);
    });

    test('cost per 1,000 falls by 1 - 1/1.4 = 28.6% for one busy instance, and with the fleet', () => {
      expect(plan.costPer1000AtSlo).toBeCloseTo(1000 * 1.5 / (35 * 3600), 10);
      expect(1 - plan.costPer1000AtSlo / plain.costPer1000AtSlo).toBeCloseTo(0.2857, 4);
      expect(plan.costPer1000AtPeak).toBeCloseTo(1000 * 54 * 1.5 / (1500 * 3600), 10);
      expect(plan.costPer1000AtPeak).toBeLessThan(plain.costPer1000AtPeak);
    });

    test('the notes state the gain as stated, and the unchecked SLO budget', () => {
      expect(plan.notes).toContainEqual(expect.stringMatching(/^Batching: \+40% throughput as stated \(dynamicBatching\(max 16, delay 5 millis\)\): each instance serves 25 × 1\.4 = 35 requests\/s/));
      expect(plan.notes).toContainEqual(expect.stringMatching(/SLO budget not checked \(no slo with a latency threshold\): batching adds up to 5 ms/));
      expect(plan.batchingQueueDelayMs).toBe(5);
    });
  });

  test('without dynamicBatching (default): no gain, the note says so', () => {
    const plan = CapacityPlanner.plan(RECSYS);
    expect([plan.batchingThroughputGainPercent, plan.servedRequestsPerInstance, plan.batchingQueueDelayMs]).toEqual([0, 25, 0]);
    expect(plan.notes).toContainEqual('Batching: none (no dynamicBatching): planned at 25 requests/s per instance, no throughput gain assumed.');
  });

  test('batching with no stated gain: planned unbatched, and the note asks for the gain', () => {
    const plan = CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(undefined) });
    expect([plan.batchingThroughputGainPercent, plan.servedRequestsPerInstance, plan.instancesAtPeak]).toEqual([0, 25, 75]);
    expect(plan.notes).toContainEqual(expect.stringMatching(/^Batching: no throughput gain stated .*planned at the unbatched 25 requests\/s per instance; measure the gain and pass it as dynamicBatching\.throughputGainPercent\./));
  });

  test('a serverless plan with batching is rejected, as the lane rejects it', () => {
    expect(() => CapacityPlanner.plan({ ...RECSYS, lane: LaneKind.SERVERLESS, dynamicBatching: batching(40) }))
      .toThrow(/CapacityPlanner: 'dynamicBatching' .*cannot be rendered by serverless: Lambda hands one event to each invocation.*plan a lane that batches/s);
    expect(() => CapacityPlanner.plan({ ...RECSYS, lane: LaneKind.GPU_CLUSTER, dynamicBatching: batching(40) })).not.toThrow();
  });

  test('batch plans: the gain raises the backlog per worker', () => {
    const plan = CapacityPlanner.plan({
      perInstanceRequestsPerSecond: 0.5, pricePerInstanceHour: 1, workload: WorkloadKind.BATCH,
      traffic: { baselineRequestsPerSecond: 2 }, dynamicBatching: batching(50, 1000),
    });
    expect(plan.servedRequestsPerInstance).toBe(0.75);
    expect(plan.autoscalingPolicy.triggers[0].target).toBe(225); // 0.75 × 300 s
    expect(plan.instancesAtBaseline).toBe(3);
  });

  describe('SLO budget: latency at the SLO + maxQueueDelay <= the threshold', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(100));
    test('boundary accepted: 95 ms + 5 ms = 100 ms, 0 ms to spare', () => {
      const plan = CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(40, 5), latencyAtSlo: Duration.millis(95), slo });
      expect(plan.notes).toContainEqual('SLO budget: 95 ms at the SLO + up to 5 ms of batch queue delay = 100 ms, within the p95 < 100 ms objective (0 ms to spare).');
    });
    test('first rejected: 96 ms + 5 ms = 101 ms', () => {
      expect(() => CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(40, 5), latencyAtSlo: Duration.millis(96), slo }))
        .toThrow(/CapacityPlanner: 'dynamicBatching\.maxQueueDelay' .*adds up to 5 ms to each request: 96 ms at the SLO \+ 5 ms = 101 ms is over the SLO's p95 threshold \(100 ms\).*at most 4 ms/s);
      expect(() => CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(40, 5), latencyAtSlo: Duration.millis(96), slo })).toThrow(LaneValidationError);
    });
    test('no room at all for a delay: the fix says lower the load', () => {
      expect(() => CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(40, 5), latencyAtSlo: Duration.millis(99.5), slo }))
        .toThrow(/Plan a lower load per instance/);
    });
    test('threshold known, latency not: a warning with the latency to stay under', () => {
      const plan = CapacityPlanner.plan({ ...RECSYS, dynamicBatching: batching(40, 5), slo });
      expect(plan.notes).toContainEqual('Warning: SLO budget not checked (no latencyAtSlo): batching adds up to 5 ms to each request, so latency at the SLO must stay under 95 ms for the p95 < 100 ms objective.');
    });
    test('latency at the SLO over the threshold is rejected even without batching', () => {
      expect(() => CapacityPlanner.plan({ ...RECSYS, latencyAtSlo: Duration.millis(101), slo }))
        .toThrow(/'latencyAtSlo' .*is over the SLO's p95 threshold \(101 ms > 100 ms\)/s);
      expect(() => CapacityPlanner.plan({ ...RECSYS, latencyAtSlo: Duration.millis(100), slo })).not.toThrow();
    });
    test('a latency of 0 is rejected', () => {
      expect(() => CapacityPlanner.plan({ ...RECSYS, latencyAtSlo: Duration.millis(0), slo })).toThrow(/'latencyAtSlo' .*must be greater than 0/s);
    });
  });
});

describe("CapacityPlanner with the lane's stated lead time (issue 19 item 4)", () => {
  const lead = ScaleOutLeadTime.of([
    { step: 'alarm evaluation', duration: Duration.minutes(3), source: 'AAS target tracking' },
    { step: 'instance launch and model load', duration: Duration.minutes(6), source: 'measured' },
  ]);

  test('surges are judged against the stated total (9 minutes), and the notes name the steps', () => {
    const plan = CapacityPlanner.plan({ ...RECSYS, scaleOutLeadTime: lead });
    expect(plan.scaleOutLag.toSeconds()).toBe(540);
    expect(plan.scaleOutLagSource).toBe('scaleOutLeadTime');
    expect(plan.notes).toContainEqual('Scale-out lag: 9 minutes as the lane states it (9 minutes: alarm evaluation 3 minutes + instance launch and model load 6 minutes).');
  });

  test('a 8-minute surge: autoscaling can follow it with a 7-minute stated lead time, not with a 9-minute one', () => {
    const traffic = { ...RECSYS.traffic, surgeDuration: Duration.minutes(8) };
    const short = ScaleOutLeadTime.of([{ step: 'instance launch', duration: Duration.minutes(7), source: 'measured' }]);
    expect(CapacityPlanner.plan({ ...RECSYS, traffic, scaleOutLeadTime: short }).surgeHandling).toBe(SurgeHandling.AUTOSCALING);
    expect(CapacityPlanner.plan({ ...RECSYS, traffic, scaleOutLeadTime: lead }).surgeHandling).toBe(SurgeHandling.PREWARM);
  });

  test('default: the typical figure, and the note asks for the lane\'s statement', () => {
    const plan = CapacityPlanner.plan(RECSYS);
    expect([plan.scaleOutLag.toSeconds(), plan.scaleOutLagSource]).toEqual([600, 'typical']);
    expect(plan.notes).toContainEqual("Scale-out lag: 10 minutes, a typical figure for managed-endpoint; pass the lane's scaleOutLeadTime (or a measured scaleOutLag).");
    expect(CapacityPlanner.plan({ ...RECSYS, scaleOutLag: Duration.minutes(4) }).scaleOutLagSource).toBe('scaleOutLag');
  });

  test('both given, or a lead time the lane did not state: rejected', () => {
    expect(() => CapacityPlanner.plan({ ...RECSYS, scaleOutLeadTime: lead, scaleOutLag: Duration.minutes(4) }))
      .toThrow(/CapacityPlanner: 'scaleOutLeadTime' .*is given together with scaleOutLag.*Give one/s);
    expect(() => CapacityPlanner.plan({ ...RECSYS, scaleOutLeadTime: ScaleOutLeadTime.notStated() }))
      .toThrow(/'scaleOutLeadTime' .*is not stated by the lane \(no steps\)/s);
  });
});
