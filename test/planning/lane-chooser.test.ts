import { Duration, Lazy } from 'aws-cdk-lib';
import { LaneKind, LaneValidationError } from '../../lib/core';
import {
  CostClarity, DataLocality, HybridRole, LaneChooser, LaneQuestionnaire, LaneRecommendation, LatencyClass,
  PlanningQuestion, RankedLane, TeamMaturity, TradeOffAspect, TrafficShape, WorkloadKind,
} from '../../lib/planning';

const M = LaneKind.MANAGED_ENDPOINT;
const C = LaneKind.GPU_CLUSTER;
const S = LaneKind.SERVERLESS;
const B = LaneKind.BATCH_WORKERS;
const E = LaneKind.EDGE_FLEET;

const lane = (rec: LaneRecommendation, kind: LaneKind) => rec.ranked.find(l => l.lane === kind)!;
const order = (rec: LaneRecommendation) => rec.ranked.map(l => l.lane);
const unmet = (rec: LaneRecommendation, kind: LaneKind) => lane(rec, kind).unmet.map(u => u.question);

describe('LaneChooser reproduces the article\'s worked examples', () => {
  test('conversational self-service: p95 < 300 ms with unpredictable surges and offline summarization → managed baseline + serverless burst pool + batch lane', () => {
    // GIVEN the article's conversational model
    const rec = LaneChooser.recommend({
      workload: WorkloadKind.MIXED,
      latencyBudget: Duration.millis(300),
      latencyPercentile: 95,
      trafficShape: TrafficShape.SPIKY,
      costClarity: CostClarity.UNCERTAIN,
    });
    // THEN no single lane meets every constraint...
    expect(rec.ranked.every(l => !l.meetsAllConstraints)).toBe(true);
    expect(unmet(rec, M)).toEqual([PlanningQuestion.TRAFFIC_SHAPE]); // cannot add instances in time
    expect(unmet(rec, S)).toEqual([PlanningQuestion.LATENCY]); // cold starts in the p95 tail
    // ...so the hybrid: a managed endpoint with warm capacity for the baseline, pre-warmed serverless for bursts, batch for summaries
    expect(rec.primary).toBe(M);
    expect(rec.hybrid?.parts.map(p => [p.role, p.lane])).toEqual([
      [HybridRole.BASELINE, M],
      [HybridRole.BURST, S],
      [HybridRole.OFFLINE, B],
    ]);
    expect(rec.hybrid?.uncovered).toEqual([]);
    expect(rec.hybrid?.summary).toBe('managed-endpoint (baseline) + serverless (burst) + batch-workers (offline)');
    expect(rec.hybrid?.parts[0].why).toMatch(/warm capacity and dynamic batching handles the steady baseline within p95 < 300 ms/);
    expect(rec.hybrid?.parts[1].why).toMatch(/pre-warmed serverless instances absorbs the surges/);
    expect(rec.hybrid?.parts[2].why).toMatch(/fixed number of workers/);
    expect(rec.hardestConstraint).toBe(PlanningQuestion.LATENCY);
    expect(rec.summary).toMatch(/^No single lane meets every constraint\. Hardest constraint: latency \(p95 < 300 ms\)\. Suggested hybrid: managed-endpoint \(baseline\)/);
  });

  test.each([
    ['spiky traffic with a looser budget → serverless', { latencyBudget: Duration.seconds(2), trafficShape: TrafficShape.SPIKY }, S, [M, C]],
    ['steady high throughput → GPU cluster with careful right-sizing', { latencyBudget: Duration.millis(200), trafficShape: TrafficShape.STEADY, sustainedRequestsPerSecond: 2000, costClarity: CostClarity.FORECASTABLE }, C, [M]],
    ['low team maturity, same steady high throughput → away from clusters, to a managed endpoint', { latencyBudget: Duration.millis(200), trafficShape: TrafficShape.STEADY, sustainedRequestsPerSecond: 2000, costClarity: CostClarity.FORECASTABLE, teamMaturity: TeamMaturity.LOW }, M, [C]],
    ['data that cannot leave your sites → on-premises cluster', { latencyBudget: Duration.millis(200), trafficShape: TrafficShape.STEADY, dataLocality: DataLocality.ON_PREMISES }, C, [E]],
    ['data that cannot leave the device → edge', { latencyBudget: Duration.millis(50), trafficShape: TrafficShape.STEADY, dataLocality: DataLocality.ON_DEVICE }, E, []],
    ['bursty document understanding, latency in minutes → batch workers', { workload: WorkloadKind.BATCH, latencyBudget: Duration.minutes(10), trafficShape: TrafficShape.SPIKY }, B, [M]],
    ['early production (low maturity, usage unknown) → start simple: a managed platform or serverless', { latencyBudget: Duration.seconds(1), trafficShape: TrafficShape.SEASONAL, teamMaturity: TeamMaturity.LOW }, M, [S]],
    ['a strict p99 budget → managed endpoint or tuned cluster', { latencyBudget: Duration.millis(50), latencyPercentile: 99, trafficShape: TrafficShape.STEADY, teamMaturity: TeamMaturity.HIGH }, C, [M]],
  ] as Array<[string, LaneQuestionnaire, LaneKind, LaneKind[]]>)('%s', (_name, answers, first, next) => {
    const rec = LaneChooser.recommend(answers);
    expect(rec.primary).toBe(first);
    expect(rec.ranked[0].lane).toBe(first);
    expect(rec.ranked[0].meetsAllConstraints).toBe(true);
    expect(order(rec).slice(1, 1 + next.length)).toEqual(next);
    expect(rec.hybrid).toBeUndefined();
    expect(rec.summary).toBe(`${first} meets every constraint (hardest: ${rec.hardestConstraint === PlanningQuestion.LATENCY ? `latency (${/p\d+ < [^)]+/.exec(rec.summary)![0]})` : rec.hardestConstraint}).`);
  });

  test('data that cannot leave your sites ranks every cloud lane last, with the reason', () => {
    const rec = LaneChooser.recommend({ latencyBudget: Duration.millis(200), trafficShape: TrafficShape.STEADY, dataLocality: DataLocality.ON_PREMISES });
    expect(order(rec).slice(0, 2)).toEqual([C, E]);
    for (const cloud of [M, S, B]) {
      expect(lane(rec, cloud).rank).toBeGreaterThan(2);
      expect(lane(rec, cloud).unmet).toContainEqual({ question: PlanningQuestion.DATA_LOCALITY, note: 'runs in a cloud region: the data would leave your sites' });
    }
    expect(rec.hardestConstraint).toBe(PlanningQuestion.DATA_LOCALITY);
  });

  test('a strict tail budget rules serverless out; a median budget only counts against it', () => {
    const strict = (latencyPercentile: number) => LaneChooser.recommend({ latencyBudget: Duration.millis(50), latencyPercentile, trafficShape: TrafficShape.STEADY });
    expect(strict(99).latencyClass).toBe(LatencyClass.STRICT);
    expect(unmet(strict(99), S)).toEqual([PlanningQuestion.LATENCY]);
    expect(lane(strict(99), S).concerns.join('\n')).toMatch(/cold starts \(tens to hundreds of ms, more for heavy models\) do not fit a p99 < 50 ms tail budget/);
    expect(unmet(strict(50), S)).toEqual([]);
  });

  test('an on-premises mixed workload keeps the offline jobs on the cluster, and says what stays unmet', () => {
    const rec = LaneChooser.recommend({ workload: WorkloadKind.MIXED, latencyBudget: Duration.millis(200), trafficShape: TrafficShape.SPIKY, dataLocality: DataLocality.ON_PREMISES });
    expect(rec.hybrid?.parts.map(p => [p.role, p.lane])).toEqual([[HybridRole.BASELINE, C], [HybridRole.OFFLINE, C]]);
    // no lane that may hold the data can absorb surges: said, not hidden
    expect(rec.hybrid?.uncovered.map(u => u.question)).toEqual([PlanningQuestion.TRAFFIC_SHAPE]);
    expect(rec.summary).toMatch(/Still unmet: traffic-shape\./);
  });

  test('a mixed workload whose interactive lane meets everything still gets its offline lane', () => {
    const rec = LaneChooser.recommend({ workload: WorkloadKind.MIXED, latencyBudget: Duration.seconds(2), trafficShape: TrafficShape.SPIKY });
    expect(rec.primary).toBe(S);
    expect(rec.hybrid?.summary).toBe('serverless (baseline) + batch-workers (offline)');
    expect(rec.summary).toMatch(/^serverless meets every constraint of the interactive path; the offline jobs belong in their own lane\./);
  });

  test('no lane meets every constraint and nothing can cover it: the best fit for the hardest constraint, and what stays unmet', () => {
    const rec = LaneChooser.recommend({ latencyBudget: Duration.millis(200), trafficShape: TrafficShape.STEADY, dataLocality: DataLocality.ON_PREMISES, teamMaturity: TeamMaturity.LOW });
    expect(rec.primary).toBe(C);
    expect(rec.hybrid).toBeUndefined();
    expect(rec.summary).toBe('No lane meets every constraint; gpu-cluster fits the hardest (data-locality). Still unmet: team-maturity.');
  });
});

describe('every answer moves the ranking in the direction the article argues', () => {
  // A neutral base: an interactive model, p95 < 300 ms, seasonal traffic, cloud data, medium team, usage unknown.
  const BASE: LaneQuestionnaire = {
    workload: WorkloadKind.INTERACTIVE,
    latencyBudget: Duration.millis(300),
    latencyPercentile: 95,
    trafficShape: TrafficShape.SEASONAL,
    dataLocality: DataLocality.CLOUD_REGION,
    teamMaturity: TeamMaturity.MEDIUM,
    costClarity: CostClarity.UNCERTAIN,
  };

  interface Case {
    /** The article's argument. */
    readonly claim: string;
    /** Answers besides the base. */
    readonly base?: Partial<LaneQuestionnaire>;
    /** One answer, from the value favouring `falls` to the value favouring `rises`. */
    readonly steps: Array<Partial<LaneQuestionnaire>>;
    readonly rises: LaneKind;
    readonly falls: LaneKind;
  }

  const CASES: Case[] = [
    {
      claim: 'strict budgets point toward managed endpoints; looser budgets open the door to serverless',
      steps: [50, 300, 5000, 600_000].map(ms => ({ latencyBudget: Duration.millis(ms) })),
      rises: S, falls: M,
    },
    {
      claim: 'strict budgets point toward tuned clusters; budgets in minutes open the door to batch lanes',
      base: { workload: WorkloadKind.BATCH },
      steps: [50, 300, 5000, 600_000].map(ms => ({ latencyBudget: Duration.millis(ms) })),
      rises: B, falls: C,
    },
    {
      claim: 'a tail percentile exposes serverless cold starts (a noticeable p95 bump)',
      base: { sustainedRequestsPerSecond: 0.5 },
      steps: [{ latencyPercentile: 50 }, { latencyPercentile: 99 }],
      rises: M, falls: S,
    },
    {
      claim: 'spiky loads pair well with serverless; steady high throughput with clusters',
      steps: [TrafficShape.STEADY, TrafficShape.SEASONAL, TrafficShape.SPIKY].map(trafficShape => ({ trafficShape })),
      rises: S, falls: C,
    },
    {
      claim: 'spiky loads pair well with autoscaling managed endpoints rather than clusters',
      base: { latencyBudget: Duration.seconds(2), teamMaturity: TeamMaturity.HIGH, costClarity: CostClarity.FORECASTABLE, sustainedRequestsPerSecond: 1000 },
      steps: [TrafficShape.STEADY, TrafficShape.SEASONAL, TrafficShape.SPIKY].map(trafficShape => ({ trafficShape })),
      rises: M, falls: C,
    },
    {
      claim: 'steady HIGH throughput benefits from right-sized clusters; a trickle favours paying for active time',
      base: { trafficShape: TrafficShape.STEADY, latencyBudget: Duration.seconds(2) },
      steps: [0.5, 10, 1000].map(sustainedRequestsPerSecond => ({ sustainedRequestsPerSecond })),
      rises: C, falls: S,
    },
    {
      claim: 'data that cannot leave constrained environments points to edge or on-premises',
      steps: [DataLocality.CLOUD_REGION, DataLocality.ON_PREMISES, DataLocality.ON_DEVICE].map(dataLocality => ({ dataLocality })),
      rises: E, falls: M,
    },
    {
      claim: 'data kept inside your sites points to an on-premises cluster',
      steps: [DataLocality.CLOUD_REGION, DataLocality.ON_PREMISES].map(dataLocality => ({ dataLocality })),
      rises: C, falls: M,
    },
    {
      claim: 'without capacity for patching nodes, prefer services that hide the heavy lifting',
      base: { trafficShape: TrafficShape.STEADY },
      steps: [TeamMaturity.LOW, TeamMaturity.MEDIUM, TeamMaturity.HIGH].map(teamMaturity => ({ teamMaturity })),
      rises: C, falls: M,
    },
    {
      claim: 'fleet rollouts need seasoned operators (edge gains on a strict budget as maturity grows)',
      base: { latencyBudget: Duration.millis(50), trafficShape: TrafficShape.STEADY },
      steps: [TeamMaturity.LOW, TeamMaturity.MEDIUM, TeamMaturity.HIGH].map(teamMaturity => ({ teamMaturity })),
      rises: E, falls: S,
    },
    {
      claim: 'forecastable usage → committed capacity lowers the cost per inference; uncertain usage → elasticity first',
      base: { latencyBudget: Duration.seconds(2) },
      steps: [CostClarity.UNCERTAIN, CostClarity.FORECASTABLE].map(costClarity => ({ costClarity })),
      rises: C, falls: S,
    },
    {
      claim: 'forecastable usage favours committed instances over pay-per-use',
      base: { latencyBudget: Duration.seconds(2), sustainedRequestsPerSecond: 0.5 },
      steps: [CostClarity.UNCERTAIN, CostClarity.FORECASTABLE].map(costClarity => ({ costClarity })),
      rises: M, falls: S,
    },
    {
      claim: 'throughput-bound work whose latency is measured in minutes belongs on a batch lane',
      base: { latencyBudget: Duration.minutes(10) },
      steps: [WorkloadKind.INTERACTIVE, WorkloadKind.MIXED, WorkloadKind.BATCH].map(workload => ({ workload })),
      rises: B, falls: M,
    },
  ];

  test.each(CASES.map(c => [c.claim, c] as [string, Case]))('%s', (_claim, c) => {
    const recs = c.steps.map(step => LaneChooser.recommend({ ...BASE, ...c.base, ...step }));
    const gap = recs.map(r => lane(r, c.rises).score - lane(r, c.falls).score);
    const ahead = recs.map(r => lane(r, c.rises).rank < lane(r, c.falls).rank);
    // THEN the score gap widens at every step...
    for (let i = 1; i < gap.length; i++) {
      expect(gap[i]).toBeGreaterThan(gap[i - 1]);
    }
    // ...and the ranking flips once: `falls` ahead at the first answer, `rises` ahead from some step on.
    expect(ahead[0]).toBe(false);
    expect(ahead[ahead.length - 1]).toBe(true);
    expect(ahead).toEqual([...ahead].sort()); // false..., true... (never flips back)
  });
});

describe('invariants over every combination of answers', () => {
  // 3 × 4 × 2 × 3 × 3 × 3 × 2 × 3 = 3,888 answer sets; violations are collected, then asserted once.
  const all: Array<[LaneQuestionnaire, LaneRecommendation]> = [];
  for (const workload of Object.values(WorkloadKind)) {
    for (const ms of [50, 300, 5000, 600_000]) {
      for (const latencyPercentile of [50, 95]) {
        for (const trafficShape of Object.values(TrafficShape)) {
          for (const dataLocality of Object.values(DataLocality)) {
            for (const teamMaturity of Object.values(TeamMaturity)) {
              for (const costClarity of Object.values(CostClarity)) {
                for (const sustainedRequestsPerSecond of [undefined, 0.5, 500]) {
                  const q: LaneQuestionnaire = { workload, latencyBudget: Duration.millis(ms), latencyPercentile, trafficShape, dataLocality, teamMaturity, costClarity, sustainedRequestsPerSecond };
                  all.push([q, LaneChooser.recommend(q)]);
                }
              }
            }
          }
        }
      }
    }
  }
  const describeAnswers = (q: LaneQuestionnaire) => JSON.stringify({ ...q, latencyBudget: q.latencyBudget.toMilliseconds() });
  const violations = (check: (q: LaneQuestionnaire, rec: LaneRecommendation) => string | undefined) =>
    all.map(([q, rec]) => { const v = check(q, rec); return v ? `${describeAnswers(q)}: ${v}` : undefined; }).filter(v => v !== undefined);

  test('3,888 answer sets: five distinct lanes ranked 1-5; data-locality vetoes last, then lanes meeting every constraint, then score', () => {
    expect(all).toHaveLength(3888);
    const key = (l: RankedLane) => [l.unmet.some(u => u.question === PlanningQuestion.DATA_LOCALITY) ? 1 : 0, l.meetsAllConstraints ? 0 : 1, -l.score];
    expect(violations((_q, rec) => {
      if (rec.ranked.map(l => l.rank).join() !== '1,2,3,4,5' || new Set(order(rec)).size !== 5) { return 'ranks'; }
      for (let i = 1; i < 5; i++) {
        const [a, b] = [key(rec.ranked[i - 1]), key(rec.ranked[i])];
        const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
        if (cmp > 0) { return `order at ${i}`; }
      }
      for (const l of rec.ranked) {
        if (l.score !== l.factors.reduce((t, f) => t + f.points, 0)) { return `score of ${l.lane}`; }
        if (l.meetsAllConstraints !== (l.unmet.length === 0)) { return `meetsAllConstraints of ${l.lane}`; }
        if (l.tradeOffs.map(t => t.aspect).join() !== 'cold-starts,operational-burden,data-locality,cost-certainty') { return `trade-offs of ${l.lane}`; }
      }
      return undefined;
    })).toEqual([]);
  });

  test('the primary is the top-ranked lane; when one lane meets every constraint it is the primary and there is no hybrid (except the offline lane of mixed work)', () => {
    expect(violations((q, rec) => {
      if (rec.primary !== rec.ranked[0].lane) { return `primary ${rec.primary} is not rank 1`; }
      if (rec.ranked.some(l => l.meetsAllConstraints)) {
        if (!rec.ranked[0].meetsAllConstraints) { return 'a lane meets everything but the primary does not'; }
        if (rec.hybrid && (q.workload !== WorkloadKind.MIXED || rec.hybrid.parts.some(p => p.role === HybridRole.BURST))) { return 'needless hybrid'; }
      }
      return undefined;
    })).toEqual([]);
  });

  test('hybrids start with the primary as baseline and have at least two parts; mixed work always gets an offline lane', () => {
    expect(violations((q, rec) => {
      if (rec.hybrid) {
        if (rec.hybrid.parts.length < 2) { return 'a one-part hybrid'; }
        if (rec.hybrid.parts[0].role !== HybridRole.BASELINE || rec.hybrid.parts[0].lane !== rec.primary) { return 'baseline is not the primary'; }
      }
      if (q.workload === WorkloadKind.MIXED) {
        const offline = rec.hybrid?.parts.find(p => p.role === HybridRole.OFFLINE)?.lane;
        const expected = q.dataLocality === DataLocality.CLOUD_REGION ? B : rec.primary;
        if (offline !== expected) { return `offline lane ${offline}, expected ${expected}`; }
      }
      return undefined;
    })).toEqual([]);
  });
});

describe('trade-offs are the article\'s', () => {
  const rec = LaneChooser.recommend({ latencyBudget: Duration.millis(300), trafficShape: TrafficShape.STEADY });
  const note = (kind: LaneKind, aspect: TradeOffAspect) => lane(rec, kind).tradeOffs.find(t => t.aspect === aspect)!.note;

  test.each([
    [S, TradeOffAspect.COLD_STARTS, /tens to hundreds of ms for light models, more for heavy initialization/],
    [S, TradeOffAspect.OPERATIONAL_BURDEN, /limited concurrency per instance and strict timeouts/],
    [C, TradeOffAspect.OPERATIONAL_BURDEN, /node updates, security patches/],
    [C, TradeOffAspect.DATA_LOCALITY, /on premises included/],
    [E, TradeOffAspect.DATA_LOCALITY, /data stays on the device and inference works offline/],
    [E, TradeOffAspect.OPERATIONAL_BURDEN, /intermittent connectivity/],
    [B, TradeOffAspect.COST_CERTAINTY, /fixed worker counts/],
    [B, TradeOffAspect.COLD_STARTS, /delayed feedback/],
    [M, TradeOffAspect.OPERATIONAL_BURDEN, /limited system-level control, opinionated networking and quotas/],
    [M, TradeOffAspect.COST_CERTAINTY, /per instance-hour/],
  ])('%s %s', (kind, aspect, text) => {
    expect(note(kind, aspect)).toMatch(text);
  });

  test('reasons and concerns split the factors by sign', () => {
    const s = lane(rec, S);
    expect(s.reasons).toEqual(s.factors.filter(f => f.points > 0).map(f => f.note));
    expect(s.concerns).toEqual(s.factors.filter(f => f.points <= 0).map(f => f.note));
    expect(s.concerns).toContain('paying only for active time saves nothing when the load never idles');
  });
});

describe('defaults and validation', () => {
  test('applies documented defaults and reports them in answers', () => {
    const rec = LaneChooser.recommend({ latencyBudget: Duration.millis(300), trafficShape: TrafficShape.SPIKY });
    expect(rec.answers).toMatchObject({
      workload: WorkloadKind.INTERACTIVE,
      latencyPercentile: 95,
      dataLocality: DataLocality.CLOUD_REGION,
      teamMaturity: TeamMaturity.MEDIUM,
      costClarity: CostClarity.UNCERTAIN,
    });
  });

  test.each([
    ['a percentile over 100', { latencyPercentile: 120 }, /LaneChooser: 'latencyPercentile' \(120\) must be greater than 0 and at most 100. Fix: Pass a percentile such as 50, 95 or 99./],
    ['a percentile of 0', { latencyPercentile: 0 }, /'latencyPercentile' \(0\) must be greater than 0 and at most 100/],
    ['a negative percentile', { latencyPercentile: -5 }, /'latencyPercentile' \(-5\) must be greater than 0 and at most 100/],
    ['a zero budget', { latencyBudget: Duration.millis(0) }, /'latencyBudget' \(0 millis\) must be greater than 0/],
    ['an unresolved budget', { latencyBudget: Duration.millis(Lazy.number({ produce: () => 300 })) }, /'latencyBudget' \(.*\) is an unresolved token; the planner needs a concrete value/],
    ['a negative request rate', { sustainedRequestsPerSecond: -1 }, /'sustainedRequestsPerSecond' \(-1\) must be a number of at least 0/],
    ['an unknown traffic shape from untyped code', { trafficShape: 'bursty' as TrafficShape }, /'trafficShape' \("bursty"\) is not a TrafficShape. Fix: Use one of: steady, spiky, seasonal./],
    ['an unknown workload', { workload: 'stream' as WorkloadKind }, /'workload' \("stream"\) is not a WorkloadKind/],
    ['an unknown locality', { dataLocality: 'eu' as DataLocality }, /'dataLocality' \("eu"\) is not a DataLocality/],
    ['an unknown maturity', { teamMaturity: 'expert' as TeamMaturity }, /'teamMaturity' \("expert"\) is not a TeamMaturity/],
    ['an unknown cost clarity', { costClarity: 'fixed' as CostClarity }, /'costClarity' \("fixed"\) is not a CostClarity/],
  ] as Array<[string, Partial<LaneQuestionnaire>, RegExp]>)('rejects %s', (_name, extra, message) => {
    const fn = () => LaneChooser.recommend({ latencyBudget: Duration.millis(300), trafficShape: TrafficShape.SPIKY, ...extra });
    expect(fn).toThrow(message);
    expect(fn).toThrow(LaneValidationError);
  });
});
