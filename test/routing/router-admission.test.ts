import { BASE_CONFIG, createRouter, deps, fail, fake, httpEvent, lambdaOk, ok, Script } from './fakes';

/*
 * Load-aware spill (router.js `Admission`) and the gradual fail-back, with fake clients and a manual
 * clock: each branch of the new routing decisions.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Admission } = require('../../lib/routing/handler/router.js');

const ADMISSION = { budgetMs: 240, targetSlowPercent: 1, windowMs: 5000, adjustMs: 1000, gain: 5, increasePercent: 1, minPercent: 5 };
const WALL = Date.UTC(2026, 11, 1, 15, 0, 0);

function setup(config: any, clients: { sagemaker?: Script; lambda?: Script; query?: Script; putItem?: Script } = {}, random: number[] = []) {
  const draws = [...random];
  const holder: { advance: (ms: number) => void } = { advance: () => undefined };
  const wall = { now: WALL };
  const sagemaker = fake(clients.sagemaker ?? [ok('{"answer":"primary"}')]);
  const lambda = fake(clients.lambda ?? [lambdaOk({ statusCode: 200, body: '{"answer":"burst"}' })]);
  const query = fake(clients.query ?? [() => ({ Items: [] })]);
  const putItem = fake(clients.putItem ?? [() => ({})]);
  const d = deps({
    sagemaker: { invokeEndpoint: sagemaker.fn },
    lambda: { invoke: lambda.fn },
    dynamodb: { query: query.fn, putItem: putItem.fn },
    random: () => (draws.length ? draws.shift() : 0.5),
    wallNow: () => wall.now,
  });
  holder.advance = d.advance;
  const router = createRouter({ ...BASE_CONFIG, ...config }, d.deps) as any;
  return { router, sagemaker, lambda, query, putItem, draws, wall, holder, ...d };
}

/** A SageMaker answer that takes `ms` on the router's clock. */
const slowOk = (holder: { advance: (ms: number) => void }, ms: number) => () => { holder.advance(ms); return { Body: Buffer.from('{"answer":"primary"}'), ContentType: 'application/json' }; };
const invoke = () => httpEvent('POST', '/', '{"q":1}');

describe('Admission (the per-environment state)', () => {
  test('a slow share above the target multiplies the primary\'s share by max(0.5, 1 - gain x (f - target)), once per adjust period', () => {
    const a = new Admission(ADMISSION);
    expect(a.primaryShare(0)).toBe(1); // first call starts the clock
    for (let i = 0; i < 98; i++) { a.observe(100, 100, false); }
    a.observe(100, 241, false);
    a.observe(100, 0, true); // a refusal counts as slow
    // f = 2 / 100 = 2 %: share x (1 - 5 x (0.02 - 0.01)) = 0.95.
    expect(a.primaryShare(999)).toBe(1);
    expect(a.primaryShare(1000)).toBeCloseTo(0.95, 9);
    expect(a.primaryShare(1999)).toBeCloseTo(0.95, 9);
  });

  test('exactly at the target (1 %) and at the budget (240 ms, not slower) the share grows', () => {
    const a = new Admission(ADMISSION);
    a.share = 0.5;
    a.primaryShare(0);
    for (let i = 0; i < 99; i++) { a.observe(10, 240, false); }
    a.observe(10, 241, false);
    expect(a.primaryShare(1000)).toBeCloseTo(0.51, 9);
  });

  test('a saturated primary (every answer slow) halves the share each period, down to minPercent', () => {
    const a = new Admission(ADMISSION);
    a.primaryShare(0);
    const shares: number[] = [];
    for (let s = 1; s <= 6; s++) {
      a.observe(s * 1000 - 1, 900, false);
      shares.push(a.primaryShare(s * 1000));
    }
    expect(shares.map(x => Math.round(x * 1000) / 1000)).toEqual([0.5, 0.25, 0.125, 0.063, 0.05, 0.05]);
  });

  test('after an idle spell the evidence has decayed: the share grows by increasePercent per elapsed period (at most 100 periods)', () => {
    const a = new Admission(ADMISSION);
    a.primaryShare(0);
    for (let i = 0; i < 10; i++) { a.observe(500, 900, false); }
    expect(a.primaryShare(1000)).toBe(0.5);
    // 20 s later: 10 × e^-4 ≈ 0.18 answers of evidence (< 0.5): no evidence, +1 % × 20 periods.
    expect(a.primaryShare(21000)).toBeCloseTo(0.7, 9);
    expect(a.primaryShare(200000)).toBe(1);
  });

  test('half a decayed answer is enough evidence; less is none', () => {
    const a = new Admission(ADMISSION);
    a.primaryShare(0);
    a.observe(0, 900, false);
    // At 1 s: e^-0.2 ≈ 0.82 answers: judged (halved).
    expect(a.primaryShare(1000)).toBe(0.5);
    // At 4 s (three periods later): e^-0.8 ≈ 0.45 answers: no evidence, +3 %.
    expect(a.primaryShare(4000)).toBeCloseTo(0.53, 9);
  });

  test('evidence decays with windowMs but the slow share is a ratio: old slow answers weigh like new ones until fresh answers dilute them', () => {
    const a = new Admission(ADMISSION);
    a.observe(0, 900, false);
    a.observe(5000, 100, false);
    // slow = e^-1, answers = e^-1 + 1.
    expect(a.slow / a.answers).toBeCloseTo(Math.exp(-1) / (Math.exp(-1) + 1), 9);
  });
});

describe('load-aware spill in the router', () => {
  test('a slow primary: after the next adjust period a draw at or above the share goes to the burst lane first (Offloaded, no retry token)', async () => {
    const t = setup({ admission: ADMISSION }, { sagemaker: [slowOk({ advance: (ms: number) => t.advance(ms) }, 900)] }, [0.99, 0.4]);
    await t.router.handle(invoke());
    // One answer, slower than the 240 ms budget.
    expect([t.router.admission.answers, t.router.admission.slow]).toEqual([1, 1]);
    const tokens = t.router.bucket.tokens;
    t.advance(200);
    // 1.1 s after the first decision: f = 100 % → share × max(0.5, 1 - 5 × 0.99) = 0.5; draw 0.99 ≥ 0.5.
    const res = await t.router.handle(invoke());
    expect(t.router.admission.share).toBe(0.5);
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.sagemaker.calls).toHaveLength(1);
    expect(t.lambda.calls).toHaveLength(1);
    expect(t.emitted[1]).toMatchObject({ Offloaded: 1, Spilled: 0, FailedOver: 0, FailingBack: 0, ServedBy: 'burst' });
    expect(t.emitted[1]._aws.CloudWatchMetrics[0].Metrics).toEqual(expect.arrayContaining([{ Name: 'Offloaded', Unit: 'Count' }, { Name: 'FailingBack', Unit: 'Count' }]));
    // Not a retry: no token taken (the bucket was full and stays full).
    expect(t.router.bucket.tokens).toBe(tokens);
    // A draw below the share goes to the primary.
    await t.router.handle(invoke());
    expect(t.emitted[2]).toMatchObject({ Offloaded: 0, ServedBy: 'primary' });
  });

  test('an offloaded request that the burst lane throttles falls back to the primary (one budgeted retry)', async () => {
    // Draws: the first spill's jitter, then the admission draw (0.99), then the second spill's jitter.
    const t = setup({ admission: ADMISSION }, { sagemaker: [fail('ThrottlingException', 400), ok('{"answer":"primary"}')], lambda: [lambdaOk({ statusCode: 200, body: '{}' }), fail('TooManyRequestsException', 429)] }, [0.5, 0.99]);
    await t.router.handle(invoke()); // primary refuses (slow), spills to the burst lane
    expect(t.emitted[0]).toMatchObject({ Spilled: 1, ServedBy: 'burst' });
    t.advance(1000);
    const res = await t.router.handle(invoke());
    expect(t.router.admission.share).toBe(0.5);
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(t.emitted[1]).toMatchObject({ Offloaded: 1, Spilled: 1, ServedBy: 'primary' });
  });

  test('fast answers keep the share at 100 %: no draw is made (the random source is not called)', async () => {
    let draws = 0;
    const t = setup({ admission: ADMISSION });
    t.deps.random = () => { draws++; return 0.5; };
    const r = createRouter({ ...BASE_CONFIG, admission: ADMISSION }, t.deps) as any;
    for (let i = 0; i < 5; i++) { await r.handle(invoke()); t.advance(1000); }
    expect(draws).toBe(0);
    expect(r.admission.share).toBe(1);
  });

  test('without admission in the config (the default without an SLO) nothing is tracked', async () => {
    const t = setup({}, { sagemaker: [slowOk({ advance: (ms: number) => t.advance(ms) }, 5000)] });
    expect(t.router.admission).toBeUndefined();
    await t.router.handle(invoke());
    t.advance(2000);
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(t.emitted[1]).toMatchObject({ Offloaded: 0 });
  });

  test('a hedge loser aborted by the router before the budget is not counted as slow; a primary without a burst lane is not tracked', async () => {
    const t = setup({ admission: ADMISSION, hedgeAfterMs: 100 }, {
      sagemaker: [(_: any, o: any) => new Promise((_r, reject) => o.abortSignal.addEventListener('abort', () => { const e = new Error('aborted'); e.name = 'AbortError'; reject(e); }))],
    });
    const p = t.router.handle(invoke());
    await new Promise(r => setImmediate(r));
    t.advance(150);
    t.timers[0].fn(); // the hedge fires; the burst lane answers; the primary is aborted
    const res = await p;
    await new Promise(r => setImmediate(r));
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.router.admission.answers).toBe(1);
    expect(t.router.admission.slow).toBe(0);
    expect(createRouter({ ...BASE_CONFIG, burst: undefined, admission: ADMISSION }, t.deps).admission).toBeUndefined();
  });
});

describe('gradual fail-back', () => {
  const FAILOVER = { table: 'state-table', alarms: ['primary-latency', 'primary-errors'], cacheMs: 5000, failbackMs: 600000, failbackStartPercent: 10 };
  const item = (alarm: string, state: string, failback?: number) => ({
    route: { S: 'Test/FrontDoor' }, alarm: { S: alarm }, state: { S: state }, ts: { N: '1' },
    ...(failback !== undefined ? { failback: { N: String(failback) } } : {}),
  });

  test('halfway through the ramp 55 % go to the primary first: a draw of 0.55 or more goes to the burst lane (FailingBack), below it to the primary', async () => {
    const recovered = WALL - 300000;
    const t = setup({ failover: FAILOVER }, { query: [() => ({ Items: [item('primary-latency', 'OK', recovered), item('primary-errors', 'OK')] })] }, [0.55, 0.5499]);
    const first = await t.router.handle(invoke());
    expect(first.headers['x-inference-lane']).toBe('burst');
    expect(t.emitted[0]).toMatchObject({ FailingBack: 1, FailedOver: 0, Offloaded: 0 });
    const second = await t.router.handle(invoke());
    expect(second.headers['x-inference-lane']).toBe('primary');
    expect(t.emitted[1]).toMatchObject({ FailingBack: 0 });
  });

  test('the ramp starts at 10 % and ends after failbackMs: then no draw is made', async () => {
    const t = setup({ failover: FAILOVER }, { query: [() => ({ Items: [item('primary-latency', 'OK', WALL)] })] }, [0.1, 0.0999]);
    expect((await t.router.handle(invoke())).headers['x-inference-lane']).toBe('burst');
    expect((await t.router.handle(invoke())).headers['x-inference-lane']).toBe('primary');
    t.wall.now = WALL + 600000;
    t.draws.push(0.99);
    expect((await t.router.handle(invoke())).headers['x-inference-lane']).toBe('primary');
    expect(t.draws).toEqual([0.99]);
  });

  test('the latest recovery of the route\'s alarms counts; another route\'s alarm and an alarm in ALARM do not ramp', async () => {
    const t = setup({ failover: FAILOVER }, { query: [() => ({ Items: [item('primary-latency', 'OK', WALL - 590000), item('primary-errors', 'OK', WALL - 1000), item('other', 'OK', WALL)] })] });
    await t.router.handle(invoke());
    expect(t.router.state.recoveredAt).toBe(WALL - 1000);
    const t2 = setup({ failover: FAILOVER }, { query: [() => ({ Items: [item('primary-latency', 'ALARM'), item('primary-errors', 'OK', WALL - 1000)] })] });
    const res = await t2.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t2.emitted[0]).toMatchObject({ FailedOver: 1, FailingBack: 0 });
  });

  test('failbackMs 0: traffic returns at once', async () => {
    const t = setup({ failover: { ...FAILOVER, failbackMs: 0 } }, { query: [() => ({ Items: [item('primary-latency', 'OK', WALL)] })] }, [0.99]);
    expect((await t.router.handle(invoke())).headers['x-inference-lane']).toBe('primary');
  });

  test('ramp and admission combine: the ramp draw first, then the admission draw', async () => {
    const t = setup({ failover: FAILOVER, admission: ADMISSION }, { query: [() => ({ Items: [item('primary-latency', 'OK', WALL - 300000)] })] }, [0.1, 0.99]);
    t.router.admission.share = 0.5;
    t.router.admission.adjustedAt = 1000;
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.emitted[0]).toMatchObject({ FailingBack: 0, Offloaded: 1 });
  });

  test('leaving ALARM records when (failback); OK after INSUFFICIENT_DATA and entering ALARM do not', async () => {
    const t = setup({ failover: FAILOVER });
    const change = (value: string, previous: string, timestamp: string) => ({
      'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', 'time': timestamp,
      'detail': { alarmName: 'primary-latency', state: { value, timestamp }, previousState: { value: previous } },
    });
    await t.router.handle(change('OK', 'ALARM', '2026-12-01T15:00:00.000Z'));
    await t.router.handle(change('OK', 'INSUFFICIENT_DATA', '2026-12-01T15:01:00.000Z'));
    await t.router.handle(change('ALARM', 'OK', '2026-12-01T15:02:00.000Z'));
    const items = t.putItem.calls.map(c => c.input.Item);
    expect(items[0]).toEqual({ route: { S: 'Test/FrontDoor' }, alarm: { S: 'primary-latency' }, state: { S: 'OK' }, ts: { N: String(WALL) }, failback: { N: String(WALL) } });
    expect(items[1].failback).toBeUndefined();
    expect(items[2].failback).toBeUndefined();
  });
});
