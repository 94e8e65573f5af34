/**
 * Router decision overhead per request, in-process (issue 18: p99 under 1 ms excluding network calls).
 *
 * Runs the shipped router (lib/routing/handler/router.js) with clients that answer at once (no network,
 * no SDK), the real clock and the real EMF line serialization (written to a no-op sink), through each
 * routing path. Two numbers per path:
 * - `handle`: wall time of one `router.handle(event)` call, everything included (the instant fake calls too);
 * - `overhead`: what the router itself reports as `RouterOverheadMs` (handle time minus time spent
 *   waiting on lanes and jitter sleeps), i.e. the metric the front door publishes.
 * Jitter is 0 here (it is a deliberate delay, not overhead). Timing only: nothing here is a test.
 *
 *   npm run bench:router   (also the last part of `npm run bench`; BENCH_REQUESTS, default 20000 per path)
 */
import { performance } from 'perf_hooks';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRouter } = require('../lib/routing/handler/router.js');

const N = Number(process.env.BENCH_REQUESTS ?? 20_000);
const WARMUP = Math.min(2_000, N);

const throttled = () => { throw Object.assign(new Error('ThrottlingException'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }); };
const smOk = async () => ({ Body: Buffer.from('{"label":"positive","score":0.97}'), ContentType: 'application/json' });
const lambdaOk = async () => ({ StatusCode: 200, Payload: Buffer.from(JSON.stringify({ statusCode: 200, body: '{"label":"positive"}', headers: { 'content-type': 'application/json' } })) });

interface Path { name: string; config?: object; clients?: object; event: () => object }

const BASE = {
  route: 'Bench/FrontDoor', namespace: 'InferenceLanes/FrontDoor', maxBodyBytes: 6_291_456, hedgeAfterMs: 0, retryAfterSeconds: 5,
  primary: { kind: 'sagemaker', endpointName: 'baseline' },
  burst: { kind: 'lambda', functionName: 'arn:aws:lambda:us-east-1:111111111111:function:burst:live' },
  // A large bucket that refills fully: the spill path never runs out of budget in the benchmark.
  retry: { budgetPercent: 100, bucketSize: 1_000_000, jitterMs: 0 },
  jobs: { kind: 'queue', queueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/jobs', bucket: 'results', prefix: 'results/', maxMessageBytes: 1_048_576 },
};

const ADMISSION = { budgetMs: 240, targetSlowPercent: 1, windowMs: 5000, adjustMs: 1000, gain: 5, increasePercent: 1, minPercent: 5 };

const body1k = JSON.stringify({ text: 'x'.repeat(1000) });
const body1m = JSON.stringify({ text: 'x'.repeat(1_000_000) });
const post = (body: string, path = '/') => () => ({ rawPath: path, headers: { 'content-type': 'application/json' }, requestContext: { http: { method: 'POST' } }, body, isBase64Encoded: false });
const jobId = '0b7c6f1e-2d4a-4c3b-9e8f-1a2b3c4d5e6f';

const PATHS: Path[] = [
  { name: 'primary answers (1 KB)', event: post(body1k) },
  { name: 'primary answers (1 MB)', event: post(body1m) },
  { name: 'spill: throttled -> burst (1 KB)', clients: { sagemaker: { invokeEndpoint: throttled } }, event: post(body1k) },
  {
    name: 'failover, cached ALARM (1 KB)',
    config: { failover: { table: 't', alarms: ['a'], cacheMs: 3_600_000 } },
    clients: { dynamodb: { query: async () => ({ Items: [{ alarm: { S: 'a' }, state: { S: 'ALARM' } }] }), putItem: async () => ({}) } },
    event: post(body1k),
  },
  { name: 'load-aware on, primary answers (1 KB)', config: { admission: ADMISSION }, event: post(body1k) },
  // The primary refuses every call it gets: the admission share falls to 5 %, 95 % go to the burst lane first.
  { name: 'load-aware: offloaded -> burst (1 KB)', config: { admission: ADMISSION }, clients: { sagemaker: { invokeEndpoint: throttled } }, event: post(body1k) },
  {
    name: 'fail-back ramp, cached OK (1 KB)',
    config: { failover: { table: 't', alarms: ['a'], cacheMs: 3_600_000, failbackMs: 3_600_000, failbackStartPercent: 10 } },
    clients: { dynamodb: { query: async () => ({ Items: [{ alarm: { S: 'a' }, state: { S: 'OK' }, failback: { N: String(Date.now()) } }] }), putItem: async () => ({}) } },
    event: post(body1k),
  },
  { name: 'both throttled -> 503 (1 KB)', clients: { sagemaker: { invokeEndpoint: throttled }, lambda: { invoke: throttled } }, event: post(body1k) },
  { name: 'POST /jobs (1 KB)', event: post(body1k, '/jobs') },
  { name: 'GET /jobs/{id} (result)', event: () => ({ rawPath: `/jobs/${jobId}`, requestContext: { http: { method: 'GET' } } }) },
  { name: '413 (limit 1,000,000 B; 1 MB body)', config: { maxBodyBytes: 1_000_000 }, event: post(body1m + 'xx') },
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(path: Path) {
  const overheads: number[] = [];
  const router = createRouter({ ...BASE, ...(path.config ?? {}) }, {
    sagemaker: { invokeEndpoint: smOk },
    lambda: { invoke: lambdaOk },
    sqs: { sendMessage: async () => ({ MessageId: 'm' }) },
    s3: { getObject: async () => ({ Body: Buffer.from('{"done":true}'), ContentType: 'application/json' }) },
    dynamodb: { query: async () => ({ Items: [] }), putItem: async () => ({}) },
    ...(path.clients ?? {}),
    emit: (line: string) => { overheads.push(JSON.parse(line).RouterOverheadMs); },
    log: () => undefined,
    sleep: async () => undefined,
  });
  const event = path.event();
  // As in Lambda: a context, so the per-request deadline timer is set and cleared too.
  const context = { getRemainingTimeInMillis: () => 60_000 };
  const times: number[] = [];
  for (let i = 0; i < WARMUP + N; i++) {
    const t0 = performance.now();
    await router.handle(event, context);
    const dt = performance.now() - t0;
    if (i >= WARMUP) { times.push(dt); }
  }
  const over = overheads.slice(WARMUP).sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  return { times, over };
}

async function main() {
  console.log(`Router decision overhead, in-process, ${N} requests per path after ${WARMUP} warm-up (Node.js ${process.version}, ${require('os').cpus()[0]?.model ?? 'cpu'})`);
  console.log('path'.padEnd(38), 'handle p50/p99/max ms'.padEnd(26), 'RouterOverheadMs p50/p99');
  let worst = 0;
  for (const p of PATHS) {
    const { times, over } = await run(p);
    const f = (x: number) => x.toFixed(3);
    console.log(p.name.padEnd(38), `${f(pct(times, 50))} / ${f(pct(times, 99))} / ${f(times[times.length - 1])}`.padEnd(26), `${f(pct(over, 50))} / ${f(pct(over, 99))}`);
    if (!p.name.includes('1 MB') && !p.name.includes('413')) { worst = Math.max(worst, pct(over, 99)); }
  }
  console.log(`\nWorst p99 RouterOverheadMs over the 1 KB paths: ${worst.toFixed(3)} ms (target: < 1 ms).`);
}

main().catch((e) => { console.error(e); process.exit(1); });
