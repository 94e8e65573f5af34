import { BASE_CONFIG, classify, createRouter, deps, fail, fake, httpAnswer, httpEvent, lambdaOk, ok } from './fakes';

/*
 * The router handler (lib/routing/handler/router.js) with fake clients: every branch of issue 18's
 * "Done when" list. The handler is plain JavaScript shipped as-is; these tests load the same file.
 */

const BODY = JSON.stringify({ text: 'SECRET-PAYLOAD hello' });
const JOB_ID = '0b7c6f1e-2d4a-4c3b-9e8f-1a2b3c4d5e6f';

function setup(config: any = {}, clients: { [k: string]: any } = {}, extra: { [k: string]: any } = {}) {
  const sagemaker = fake(clients.sagemaker ?? [ok('{"answer":"primary"}')]);
  const lambda = fake(clients.lambda ?? [lambdaOk({ statusCode: 200, body: '{"answer":"burst"}', headers: { 'content-type': 'application/json' } })]);
  const sqs = fake(clients.sqs ?? [() => ({ MessageId: 'm-1' })]);
  const s3 = fake(clients.s3 ?? [fail('NoSuchKey', 404)]);
  const query = fake(clients.query ?? [() => ({ Items: [] })]);
  const putItem = fake(clients.putItem ?? [() => ({})]);
  const fetch = fake(clients.fetch ?? [httpAnswer(200)]);
  const d = deps({
    sagemaker: { invokeEndpoint: sagemaker.fn },
    lambda: { invoke: lambda.fn },
    sqs: { sendMessage: sqs.fn },
    s3: { getObject: s3.fn },
    dynamodb: { query: query.fn, putItem: putItem.fn },
    fetch: fetch.fn,
    ...extra,
  });
  const router = createRouter({ ...BASE_CONFIG, ...config }, d.deps);
  return { router, sagemaker, lambda, sqs, s3, query, putItem, fetch, ...d };
}

const invoke = (body = BODY, headers?: { [k: string]: string }) => httpEvent('POST', '/', body, headers);

describe('primary first', () => {
  test('a healthy primary answers; the burst lane is not called; one EMF line with Requests 1', async () => {
    const t = setup();
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(res.body).toBe('{"answer":"primary"}');
    expect(t.sagemaker.calls).toHaveLength(1);
    expect(t.sagemaker.calls[0].input).toEqual({ EndpointName: 'baseline', Body: Buffer.from(BODY), ContentType: 'application/json', Accept: undefined });
    expect(t.lambda.calls).toHaveLength(0);
    expect(t.emitted).toHaveLength(1);
    expect(t.emitted[0]).toMatchObject({ Route: 'Test/FrontDoor', Requests: 1, Spilled: 0, FailedOver: 0, Hedged: 0, Failed: 0, ServedBy: 'primary' });
    expect(t.emitted[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'InferenceLanes/FrontDoor', Dimensions: [['Route']] });
    expect(t.emitted[0]._aws.CloudWatchMetrics[0].Metrics).toEqual(expect.arrayContaining([
      { Name: 'Requests', Unit: 'Count' }, { Name: 'Spilled', Unit: 'Count' }, { Name: 'FailedOver', Unit: 'Count' },
      { Name: 'Hedged', Unit: 'Count' }, { Name: 'RouterOverheadMs', Unit: 'Milliseconds' },
    ]));
  });

  test('a binary answer comes back base64-encoded with its content type', async () => {
    const t = setup({}, { sagemaker: [ok('\u0000\u0001bin', 'application/x-npy')] });
    const res = await t.router.handle(invoke());
    expect(res).toMatchObject({ statusCode: 200, isBase64Encoded: true, body: Buffer.from('\u0000\u0001bin').toString('base64'), headers: { 'content-type': 'application/x-npy' } });
  });

  test('a base64-encoded request body is decoded before it is sent to the lane', async () => {
    const t = setup();
    await t.router.handle({ ...invoke(Buffer.from('raw-bytes').toString('base64')), isBase64Encoded: true });
    expect(t.sagemaker.calls[0].input.Body).toEqual(Buffer.from('raw-bytes'));
  });
});

describe('spillover to the burst lane on capacity errors', () => {
  test.each([
    ['ThrottlingException', 400],
    ['ServiceUnavailable', 503],
    ['ModelNotReadyException', 429],
  ])('SageMaker %s (%i) spills to the burst lane after a jittered delay', async (name, status) => {
    const t = setup({}, { sagemaker: [fail(name, status)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(res.body).toBe('{"answer":"burst"}');
    expect(t.lambda.calls).toHaveLength(1);
    expect(t.lambda.calls[0].input.FunctionName).toBe(BASE_CONFIG.burst.functionName);
    expect(JSON.parse(t.lambda.calls[0].input.Payload.toString())).toEqual({
      body: Buffer.from(BODY).toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json' },
    });
    expect(t.sleeps).toEqual([12.5]); // random() 0.5 × jitter 25 ms
    expect(t.emitted[0]).toMatchObject({ Spilled: 1, Failed: 0, ServedBy: 'burst' });
  });

  test('Lambda TooManyRequestsException on a Lambda primary spills to a SageMaker burst lane', async () => {
    const t = setup({
      primary: { kind: 'lambda', functionName: 'arn:aws:lambda:us-east-1:111111111111:function:warm:live' },
      burst: { kind: 'sagemaker', endpointName: 'burst-endpoint' },
    }, { lambda: [fail('TooManyRequestsException', 429)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.sagemaker.calls[0].input.EndpointName).toBe('burst-endpoint');
  });

  test.each([429, 503])('HTTP %i from a URL primary spills to the burst lane', async (status) => {
    const t = setup({ primary: { kind: 'http', url: 'http://gpu.internal/invocations' } }, { fetch: [httpAnswer(status)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.fetch.calls[0].input).toBe('http://gpu.internal/invocations');
    expect(t.fetch.calls[0].options).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
  });

  test('a URL burst lane serves what a SageMaker primary refused', async () => {
    const t = setup({ burst: { kind: 'http', url: 'http://gpu.internal/invocations' } }, {
      sagemaker: [fail('ThrottlingException', 400)], fetch: [httpAnswer(200, 'from-gpu', 'text/plain')],
    });
    const res = await t.router.handle(invoke());
    expect(res).toMatchObject({ statusCode: 200, body: 'from-gpu', headers: { 'content-type': 'text/plain', 'x-inference-lane': 'burst' } });
  });
});

describe('no spill on client errors', () => {
  test.each([
    ['ValidationError', 400],
    ['ModelError', 424],
    ['AccessDeniedException', 403],
  ])('SageMaker %s (%i) is returned to the caller; the burst lane is not called', async (name, status) => {
    const t = setup({}, { sagemaker: [fail(name, status)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).message).toBe(`The lane rejected the request (${name}).`);
    expect(t.lambda.calls).toHaveLength(0);
    expect(t.emitted[0]).toMatchObject({ Spilled: 0, Failed: 0 });
  });

  test('HTTP 400 from a URL primary is not retried', async () => {
    const t = setup({ primary: { kind: 'http', url: 'https://gpu.example.com/' } }, { fetch: [httpAnswer(400)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(400);
    expect(t.lambda.calls).toHaveLength(0);
  });

  test('a 4xx from the burst lane after a spill is the answer (not a 503)', async () => {
    const t = setup({}, { sagemaker: [fail('ThrottlingException', 400)], lambda: [lambdaOk({ statusCode: 422, body: 'bad' })] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(422);
  });

  test('a server error (500) of the primary is a 502, not a spill: only capacity errors spill', async () => {
    const t = setup({}, { sagemaker: [fail('InternalFailure', 500)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(502);
    expect(t.lambda.calls).toHaveLength(0);
    expect(t.emitted[0]).toMatchObject({ Failed: 1 });
  });

  test('a Lambda FunctionError is a 502 and is not retried', async () => {
    const t = setup({ primary: BASE_CONFIG.burst, burst: { kind: 'sagemaker', endpointName: 'b' } }, {
      lambda: [() => ({ StatusCode: 200, FunctionError: 'Unhandled', Payload: Buffer.from('{"errorMessage":"SECRET-PAYLOAD"}') })],
    });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).message).toBe('The lane failed (FunctionError:Unhandled).');
    expect(t.sagemaker.calls).toHaveLength(0);
  });
});

describe('both lanes down, retry budget', () => {
  test('both lanes out of capacity: 503 with Retry-After and exactly one cross-lane retry', async () => {
    const t = setup({}, { sagemaker: [fail('ThrottlingException', 400)], lambda: [fail('TooManyRequestsException', 429)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body).message).toBe('Service unavailable: no lane has capacity. Retry after 5 s.');
    expect(t.sagemaker.calls).toHaveLength(1);
    expect(t.lambda.calls).toHaveLength(1);
    expect(t.emitted[0]).toMatchObject({ Spilled: 1, Failed: 1 });
  });

  test('no burst lane: a throttled primary is a 503 with Retry-After', async () => {
    const t = setup({ burst: undefined }, { sagemaker: [fail('ThrottlingException', 400)] });
    const res = await t.router.handle(invoke());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body).message).toBe('Service unavailable: the lane has no capacity. Retry after 5 s.');
  });

  test('retry budget exhausted: the second throttled request is not retried (503, RetryBudgetExhausted)', async () => {
    const t = setup({ retry: { budgetPercent: 0, bucketSize: 1, jitterMs: 0 } }, { sagemaker: [fail('ThrottlingException', 400)] });
    const first = await t.router.handle(invoke());
    const second = await t.router.handle(invoke());
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe('5');
    expect(JSON.parse(second.body).message).toBe('Service unavailable: the retry budget is exhausted. Retry after 5 s.');
    expect(t.lambda.calls).toHaveLength(1);
    expect(t.emitted[1]).toMatchObject({ RetryBudgetExhausted: 1, Spilled: 0, Failed: 1 });
    expect(t.sleeps).toEqual([]); // jitter 0: no sleep
  });

  test('the bucket refills by budgetPercent per request: 10 % means one retry per 10 requests once it is empty', async () => {
    const t = setup({ retry: { budgetPercent: 10, bucketSize: 1, jitterMs: 0 } }, { sagemaker: [fail('ThrottlingException', 400)] });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) { statuses.push((await t.router.handle(invoke())).statusCode); }
    // full bucket (1) at the start, then +0.1 per request: retries on requests 1, 11 and 21.
    expect(statuses.map((s, i) => (s === 200 ? i + 1 : 0)).filter(Boolean)).toEqual([1, 11, 21]);
    expect(t.lambda.calls).toHaveLength(3);
  });
});

describe('failover on the primary\'s alarm state', () => {
  const failover = { failover: { table: 'state-table', alarms: ['primary-latency', 'primary-errors'], cacheMs: 5000 } };
  const item = (alarm: string, state: string) => ({ route: { S: 'Test/FrontDoor' }, alarm: { S: alarm }, state: { S: state }, ts: { N: '1' } });

  test('while an alarm is in ALARM new requests go to the burst lane first; back to the primary after recovery', async () => {
    const states = [[item('primary-latency', 'ALARM'), item('primary-errors', 'OK')], [item('primary-latency', 'OK'), item('primary-errors', 'OK')]];
    const t = setup(failover, { query: [() => ({ Items: states[0] }), () => ({ Items: states[1] })] });
    const during = await t.router.handle(invoke());
    expect(during.headers['x-inference-lane']).toBe('burst');
    expect(t.sagemaker.calls).toHaveLength(0);
    expect(t.emitted[0]).toMatchObject({ FailedOver: 1, Spilled: 0 });
    expect(t.query.calls[0].input).toEqual({
      TableName: 'state-table', KeyConditionExpression: '#r = :r', ExpressionAttributeNames: { '#r': 'route' },
      ExpressionAttributeValues: { ':r': { S: 'Test/FrontDoor' } }, ConsistentRead: false,
    });

    // Within the cache TTL the state is not read again.
    t.advance(4999);
    await t.router.handle(invoke());
    expect(t.query.calls).toHaveLength(1);
    expect(t.sagemaker.calls).toHaveLength(0);

    // After the TTL the recovered state is read: primary again.
    t.advance(1);
    const after = await t.router.handle(invoke());
    expect(t.query.calls).toHaveLength(2);
    expect(after.headers['x-inference-lane']).toBe('primary');
    expect(t.emitted[2]).toMatchObject({ FailedOver: 0 });
  });

  test('during failover a throttled burst lane falls back to the primary (one retry)', async () => {
    const t = setup(failover, { query: [() => ({ Items: [item('primary-errors', 'ALARM')] })], lambda: [fail('TooManyRequestsException', 429)] });
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(t.emitted[0]).toMatchObject({ FailedOver: 1, Spilled: 1 });
  });

  test('alarms of other routes and INSUFFICIENT_DATA do not fail over', async () => {
    const t = setup(failover, { query: [() => ({ Items: [item('someone-else', 'ALARM'), item('primary-latency', 'INSUFFICIENT_DATA')] })] });
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('primary');
  });

  test('a state-store error keeps the last known state and logs no payload', async () => {
    const t = setup(failover, { query: [() => ({ Items: [item('primary-latency', 'ALARM')] }), fail('ProvisionedThroughputExceededException', 400)] });
    await t.router.handle(invoke());
    t.advance(5000);
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.logs).toContainEqual({ level: 'WARN', message: 'failover state unavailable; keeping the last known state', error: 'ProvisionedThroughputExceededException' });
  });

  test('an EventBridge alarm state change is recorded with an ordering condition; this environment re-reads at once', async () => {
    const t = setup(failover);
    await t.router.handle(invoke()); // loads the (empty) state
    const event = {
      'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', 'time': '2026-12-01T15:00:00Z',
      'detail': { alarmName: 'primary-latency', state: { value: 'ALARM', timestamp: '2026-12-01T15:00:00.123+0000' } },
    };
    const out = await t.router.handle(event);
    expect(out).toEqual({ recorded: true });
    const ts = String(Date.parse('2026-12-01T15:00:00.123+0000'));
    expect(t.putItem.calls[0].input).toEqual({
      TableName: 'state-table',
      Item: { route: { S: 'Test/FrontDoor' }, alarm: { S: 'primary-latency' }, state: { S: 'ALARM' }, ts: { N: ts } },
      ConditionExpression: 'attribute_not_exists(#ts) OR #ts < :ts',
      ExpressionAttributeNames: { '#ts': 'ts' },
      ExpressionAttributeValues: { ':ts': { N: ts } },
    });
    expect(t.emitted).toHaveLength(1); // the state change is not a request
    await t.router.handle(invoke());
    expect(t.query.calls).toHaveLength(2);
  });

  test('an out-of-order (older) state change is dropped; an unknown alarm is ignored', async () => {
    const t = setup(failover, { putItem: [fail('ConditionalCheckFailedException', 400)] });
    const base = { 'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change' };
    expect(await t.router.handle({ ...base, detail: { alarmName: 'primary-latency', state: { value: 'OK', timestamp: '2026-12-01T14:00:00Z' } } })).toEqual({ stale: true });
    expect(await t.router.handle({ ...base, detail: { alarmName: 'other', state: { value: 'ALARM' } } })).toEqual({ ignored: true });
    expect(t.putItem.calls).toHaveLength(1);
  });
});

describe('hedging (off by default)', () => {
  function pending() {
    let resolve!: (v: any) => void; let reject!: (e: any) => void;
    const p = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { p, resolve, reject };
  }

  test('off by default: no timer is set', async () => {
    const t = setup();
    await t.router.handle(invoke());
    expect(t.timers).toHaveLength(0);
  });

  test('the primary answering before hedgeAfter clears the timer; the burst lane is not called', async () => {
    const t = setup({ hedgeAfterMs: 80 });
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(t.timers).toHaveLength(1);
    expect(t.timers[0].ms).toBe(80);
    expect(t.timers[0].cleared).toBe(true);
    expect(t.lambda.calls).toHaveLength(0);
  });

  test('a primary slower than hedgeAfter: the burst lane is called, its answer wins, the primary call is aborted', async () => {
    const slow = pending();
    let primarySignal: AbortSignal | undefined;
    const t = setup({ hedgeAfterMs: 80 }, { sagemaker: [(_i: any, o: any) => { primarySignal = o.abortSignal; return slow.p; }] });
    const done = t.router.handle(invoke());
    await new Promise(r => setImmediate(r));
    expect(t.lambda.calls).toHaveLength(0);
    t.timers[0].fn(); // 80 ms elapsed
    const res = await done;
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(primarySignal?.aborted).toBe(true);
    expect(t.emitted[0]).toMatchObject({ Hedged: 1, Spilled: 0 });
    slow.resolve({ Body: Buffer.from('late') });
  });

  test('a hedge costs a retry token: with an empty bucket no hedge is sent', async () => {
    const slow = pending();
    const t = setup({ hedgeAfterMs: 80, retry: { budgetPercent: 0, bucketSize: 1, jitterMs: 0 } }, { sagemaker: [() => slow.p] });
    t.router.bucket.tokens = 0;
    const done = t.router.handle(invoke());
    await new Promise(r => setImmediate(r));
    t.timers[0].fn();
    slow.resolve({ Body: Buffer.from('{"slow":true}'), ContentType: 'application/json' });
    const res = await done;
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(t.lambda.calls).toHaveLength(0);
    expect(t.emitted[0]).toMatchObject({ Hedged: 0, RetryBudgetExhausted: 1 });
  });

  test('the primary throttling before hedgeAfter spills as usual', async () => {
    const t = setup({ hedgeAfterMs: 80 }, { sagemaker: [fail('ThrottlingException', 400)] });
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('burst');
    expect(t.emitted[0]).toMatchObject({ Hedged: 0, Spilled: 1 });
  });

  test('hedged and both fail for capacity: 503 with Retry-After', async () => {
    const slow = pending();
    const t = setup({ hedgeAfterMs: 80 }, { sagemaker: [() => slow.p], lambda: [fail('TooManyRequestsException', 429)] });
    const done = t.router.handle(invoke());
    await new Promise(r => setImmediate(r));
    t.timers[0].fn();
    await new Promise(r => setImmediate(r));
    slow.reject(Object.assign(new Error('x'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    const res = await done;
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});

describe('request size limit', () => {
  test('a body of exactly maxBodyBytes is accepted; one byte more is a 413 and no lane is called', async () => {
    const t = setup({ maxBodyBytes: 10 });
    expect((await t.router.handle(invoke('x'.repeat(10)))).statusCode).toBe(200);
    const res = await t.router.handle(invoke('x'.repeat(11)));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).message).toBe('Request body is 11 bytes; this route accepts at most 10 bytes.');
    expect(t.sagemaker.calls).toHaveLength(1);
    expect(t.emitted[1]).toMatchObject({ Rejected: 1 });
  });

  test('the 6 MB default: 6,291,456 bytes pass, 6,291,457 are refused', async () => {
    const t = setup();
    expect((await t.router.handle(invoke('x'.repeat(6_291_456)))).statusCode).toBe(200);
    expect((await t.router.handle(invoke('x'.repeat(6_291_457)))).statusCode).toBe(413);
  });
});

describe('async jobs', () => {
  const jobs = { jobs: { kind: 'queue', queueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/jobs', bucket: 'results-bucket', prefix: 'results/', failuresPrefix: 'failures/', maxMessageBytes: 1024 } };

  test('POST /jobs enqueues a message with a job id and answers 202 with the id', async () => {
    const t = setup(jobs);
    const res = await t.router.handle(httpEvent('POST', '/jobs', '{"doc":"SECRET-PAYLOAD"}'));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ jobId: JOB_ID, status: 'queued', location: `/jobs/${JOB_ID}` });
    expect(res.headers.location).toBe(`/jobs/${JOB_ID}`);
    const sent = t.sqs.calls[0].input;
    expect(sent.QueueUrl).toBe(jobs.jobs.queueUrl);
    expect(sent.MessageGroupId).toBeUndefined();
    expect(sent.MessageAttributes).toEqual({ jobId: { DataType: 'String', StringValue: JOB_ID } });
    const msg = JSON.parse(sent.MessageBody);
    expect(msg).toMatchObject({
      jobId: JOB_ID, contentType: 'application/json', resultBucket: 'results-bucket', resultKey: `results/${JOB_ID}`,
      failureKey: `failures/${JOB_ID}`, bodyEncoding: 'base64',
    });
    expect(Buffer.from(msg.body, 'base64').toString()).toBe('{"doc":"SECRET-PAYLOAD"}');
    expect(t.emitted[0]).toMatchObject({ JobsSubmitted: 1, Operation: 'submitJob' });
  });

  test('a FIFO queue gets the job id as message group and deduplication id', async () => {
    const t = setup({ jobs: { ...jobs.jobs, queueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/jobs.fifo' } });
    await t.router.handle(httpEvent('POST', '/jobs', '{}'));
    expect(t.sqs.calls[0].input).toMatchObject({ MessageGroupId: JOB_ID, MessageDeduplicationId: JOB_ID });
  });

  test('a job whose message would exceed maxMessageBytes is a 413 and nothing is sent', async () => {
    const t = setup(jobs);
    const res = await t.router.handle(httpEvent('POST', '/jobs', 'x'.repeat(1024)));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).message).toMatch(/^The job message would be \d+ bytes \(body base64-encoded in a JSON envelope\); the queue accepts at most 1024 bytes\./);
    expect(t.sqs.calls).toHaveLength(0);
  });

  test('GET /jobs/{id}: the result object is returned when it exists', async () => {
    const t = setup(jobs, { s3: [ok('{"summary":"done"}')] });
    const res = await t.router.handle(httpEvent('GET', `/jobs/${JOB_ID}`));
    expect(res).toMatchObject({ statusCode: 200, body: '{"summary":"done"}', headers: { 'x-job-status': 'succeeded' } });
    expect(t.s3.calls[0].input).toEqual({ Bucket: 'results-bucket', Key: `results/${JOB_ID}` });
  });

  test('GET /jobs/{id}: no result and no failure report yet is 202 pending with Retry-After', async () => {
    const t = setup(jobs, { s3: [fail('NoSuchKey', 404)] });
    const res = await t.router.handle(httpEvent('GET', `/jobs/${JOB_ID}`));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ jobId: JOB_ID, status: 'pending' });
    expect(res.headers).toMatchObject({ 'x-job-status': 'pending', 'retry-after': '5' });
    expect(t.s3.calls.map(c => c.input.Key)).toEqual([`results/${JOB_ID}`, `failures/${JOB_ID}`]);
  });

  test('GET /jobs/{id}: a failure report makes the status failed', async () => {
    const t = setup(jobs, { s3: [fail('NoSuchKey', 404), ok('{"error":"x"}')] });
    const res = await t.router.handle(httpEvent('GET', `/jobs/${JOB_ID}`));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ jobId: JOB_ID, status: 'failed', report: `s3://results-bucket/failures/${JOB_ID}` });
  });

  test('GET /jobs/{id}: S3 403 (no s3:ListBucket, by design) reads as pending and is counted', async () => {
    const t = setup({ jobs: { ...jobs.jobs, failuresPrefix: undefined } }, { s3: [fail('AccessDenied', 403)] });
    const res = await t.router.handle(httpEvent('GET', `/jobs/${JOB_ID}`));
    expect(res.statusCode).toBe(202);
    expect(t.emitted[0]).toMatchObject({ JobLookupDenied: 1, JobLookups: 1 });
  });

  test('GET /jobs/{id} with a malformed id is a 400 and S3 is not called', async () => {
    const t = setup(jobs);
    const res = await t.router.handle(httpEvent('GET', '/jobs/../../etc'));
    expect(res.statusCode).toBe(400);
    expect(t.s3.calls).toHaveLength(0);
  });

  test('a throttled queue is a 503 with Retry-After', async () => {
    const t = setup(jobs, { sqs: [fail('RequestThrottled', 429)] });
    const res = await t.router.handle(httpEvent('POST', '/jobs', '{}'));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  test('without a job route /jobs is a 404; without a sync route POST / is a 404', async () => {
    expect((await setup().router.handle(httpEvent('POST', '/jobs', '{}'))).statusCode).toBe(404);
    const asyncOnly = setup({ ...jobs, primary: undefined, burst: undefined });
    const res = await asyncOnly.router.handle(invoke());
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).message).toBe('This front door has no synchronous route; POST /jobs instead.');
  });
});

describe('logs and metrics', () => {
  test('no payload (request, answer or error message) ever reaches a log or metric line', async () => {
    const t = setup({ jobs: { kind: 'queue', queueUrl: 'q', bucket: 'b', prefix: 'results/', maxMessageBytes: 1_000_000 } }, {
      sagemaker: [fail('ThrottlingException', 400), fail('ValidationError', 400), fail('InternalFailure', 500)],
      lambda: [lambdaOk({ statusCode: 200, body: 'SECRET-PAYLOAD answer' })],
      sqs: [fail('InternalError', 500)],
    });
    await t.router.handle(invoke());
    await t.router.handle(invoke());
    await t.router.handle(invoke());
    await t.router.handle(httpEvent('POST', '/jobs', BODY));
    const text = JSON.stringify([t.emitted, t.logs]);
    expect(text).not.toMatch(/SECRET-PAYLOAD/);
    expect(t.logs).toContainEqual({ level: 'ERROR', message: 'job not enqueued', error: 'InternalError', status: 500 });
  });

  test('router overhead excludes the time spent waiting for lanes and jitter', async () => {
    const t = setup({}, { sagemaker: [() => { t.advance(40); throw Object.assign(new Error(), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }); }] },
      { sleep: async (ms: number) => { t.advance(ms); } });
    t.lambda.calls.length = 0;
    await t.router.handle(invoke());
    expect(t.emitted[0].RouterOverheadMs).toBe(0);
  });

  test('unknown routes are a 404 and still counted', async () => {
    const t = setup();
    const res = await t.router.handle(httpEvent('DELETE', '/'));
    expect(res.statusCode).toBe(404);
    expect(t.emitted[0]).toMatchObject({ Requests: 1, Operation: 'other' });
  });
});

describe('classify', () => {
  test.each([
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, 'capacity'],
    [{ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }, 'capacity'],
    [{ name: 'Whatever', $metadata: { httpStatusCode: 503 } }, 'capacity'],
    [{ name: 'ValidationError', $metadata: { httpStatusCode: 400 } }, 'client'],
    [{ name: 'InternalDependencyException', $metadata: { httpStatusCode: 530 } }, 'server'],
    [{ name: 'TimeoutError' }, 'timeout'],
    [{ name: 'AbortError' }, 'timeout'],
    [{ name: 'Error' }, 'server'],
  ])('%j is a %s error', (err, kind) => {
    expect(classify(err).kind).toBe(kind);
  });
});

describe('size of a base64-encoded body', () => {
  test.each([1, 2, 3, 10, 11])('a %i-byte binary body is measured exactly before decoding', async (n) => {
    const t = setup({ maxBodyBytes: 10 });
    const res = await t.router.handle({ ...invoke(Buffer.alloc(n, 7).toString('base64')), isBase64Encoded: true });
    expect(res.statusCode).toBe(n > 10 ? 413 : 200);
  });
});

describe('weighted split (cross-lane canary)', () => {
  const canary = { canary: { percent: 10, target: { kind: 'http', url: 'http://candidate.internal/' } } };

  test('a draw below the percent goes to the canary lane; at or above it, to the primary', async () => {
    const below = setup(canary, { fetch: [httpAnswer(200, 'from-canary', 'text/plain')] }, { random: () => 0.0999 });
    const res = await below.router.handle(invoke());
    expect(res).toMatchObject({ statusCode: 200, body: 'from-canary', headers: { 'x-inference-lane': 'canary' } });
    expect(below.sagemaker.calls).toHaveLength(0);
    expect(below.emitted[0]).toMatchObject({ Canary: 1, ServedBy: 'canary' });

    const at = setup(canary, {}, { random: () => 0.1 });
    expect((await at.router.handle(invoke())).headers['x-inference-lane']).toBe('primary');
    expect(at.fetch.calls).toHaveLength(0);
    expect(at.emitted[0]).toMatchObject({ Canary: 0 });
  });

  test('a throttled canary falls back to the primary (one budgeted retry), not to the burst lane', async () => {
    const t = setup(canary, { fetch: [httpAnswer(503)] }, { random: () => 0 });
    const res = await t.router.handle(invoke());
    expect(res.headers['x-inference-lane']).toBe('primary');
    expect(t.lambda.calls).toHaveLength(0);
    expect(t.emitted[0]).toMatchObject({ Canary: 1, Spilled: 1 });
  });

  test('no canary traffic while failed over, and canary requests are never hedged', async () => {
    const failover = { failover: { table: 't', alarms: ['a'], cacheMs: 5000 } };
    const t = setup({ ...canary, ...failover }, { query: [() => ({ Items: [{ alarm: { S: 'a' }, state: { S: 'ALARM' } }] })] }, { random: () => 0 });
    expect((await t.router.handle(invoke())).headers['x-inference-lane']).toBe('burst');
    expect(t.fetch.calls).toHaveLength(0);

    const h = setup({ ...canary, hedgeAfterMs: 50 }, {}, { random: () => 0 });
    await h.router.handle(invoke());
    expect(h.timers).toHaveLength(0);
  });
});

describe('deadline before the function timeout', () => {
  const hanging = (_i: any, o: any) => new Promise((_res, rej) => {
    o.abortSignal.addEventListener('abort', () => rej(Object.assign(new Error('aborted'), { name: 'AbortError' })));
  });
  const context = { getRemainingTimeInMillis: () => 3000 };

  test('a lane that does not answer is aborted 1 s before the timeout: 504, counted, not spilled', async () => {
    const t = setup({}, { sagemaker: [hanging] });
    const done = t.router.handle(invoke(), context);
    await new Promise(r => setImmediate(r));
    expect(t.timers).toHaveLength(1);
    expect(t.timers[0].ms).toBe(2000);
    t.timers[0].fn();
    const res = await done;
    expect(res.statusCode).toBe(504);
    expect(JSON.parse(res.body).message).toBe("No lane answered before the router's deadline.");
    expect(t.lambda.calls).toHaveLength(0);
    expect(t.emitted[0]).toMatchObject({ Failed: 1, Spilled: 0 });
  });

  test('an answered request clears its deadline timer', async () => {
    const t = setup();
    await t.router.handle(invoke(), context);
    expect(t.timers[0].cleared).toBe(true);
  });

  test('hedged calls are both aborted at the deadline: 504', async () => {
    const t = setup({ hedgeAfterMs: 80 }, { sagemaker: [hanging], lambda: [hanging] });
    const done = t.router.handle(invoke(), context);
    await new Promise(r => setImmediate(r));
    const [deadlineTimer, hedgeTimer] = t.timers;
    expect(hedgeTimer.ms).toBe(80);
    hedgeTimer.fn();
    await new Promise(r => setImmediate(r));
    expect(t.lambda.calls).toHaveLength(1);
    deadlineTimer.fn();
    expect((await done).statusCode).toBe(504);
  });
});
