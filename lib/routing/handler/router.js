'use strict';
// The front door's router: plain JavaScript (no build step, no bundler), shipped as it is in the package
// and deployed with lambda.Code.fromAsset. It never imports the AWS SDK itself: `createRouter(config, deps)`
// takes the clients (see ./aws.js for the Lambda runtime's AWS SDK v3 adapters, and the fakes in
// test/routing), so every branch runs in a unit test and in the benchmark without the network.
//
// Request and response bodies are never logged. Log lines are metadata only: EMF metrics and errors
// (error name and HTTP status, never the message of a lane's answer, which can echo the payload).

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Errors a lane raises when it is out of capacity: the request may go to the other lane. */
const CAPACITY_ERROR_NAMES = new Set([
  'ThrottlingException', // SageMaker InvokeEndpoint (HTTP 400)
  'ServiceUnavailable', // SageMaker (503)
  'ModelNotReadyException', // SageMaker (429)
  'TooManyRequestsException', // Lambda Invoke (429): concurrency or provisioned concurrency exhausted
]);

/** Time kept back from the function's timeout to answer 504 and write the metrics line. */
const DEADLINE_MARGIN_MS = 1000;

/** HTTP statuses that mean "no capacity right now" (HTTP targets and SDK errors without a known name). */
const CAPACITY_STATUSES = new Set([429, 503]);

/** A lane's answer that the router turns into an HTTP response. */
class LaneError extends Error {
  constructor(kind, status, name) {
    super(`${name} (${status})`);
    this.kind = kind; // 'capacity' | 'client' | 'server' | 'timeout'
    this.status = status;
    this.errorName = name;
  }
}

/** Classify an SDK error (or an HTTP status): capacity errors spill, client errors never do. */
function classify(err) {
  if (err instanceof LaneError) { return err; }
  // The request's deadline passed (or a hedge's loser was aborted): no lane answered in time.
  if (err && (err.name === 'AbortError' || err.name === 'TimeoutError')) { return new LaneError('timeout', 504, err.name); }
  const name = (err && (err.name || err.code)) || 'Error';
  const status = (err && err.$metadata && err.$metadata.httpStatusCode) || (err && err.statusCode) || 500;
  if (CAPACITY_ERROR_NAMES.has(name) || CAPACITY_STATUSES.has(status)) { return new LaneError('capacity', status, name); }
  if (status >= 400 && status < 500) { return new LaneError('client', status, name); }
  return new LaneError('server', status, name);
}

/**
 * A per-router (per execution environment) retry budget: every request adds `budgetPercent / 100`
 * tokens up to `size`; every cross-lane retry or hedge costs one token. With the default 10 % and a
 * bucket of 10, a sustained outage of one lane turns at most 1 in 10 requests into a second call,
 * while an isolated blip still gets its retry.
 */
class TokenBucket {
  constructor(size, budgetPercent) {
    // Kept in thousandths of a token so that 10 × 0.1 is exactly one token.
    this.size = Math.round(size * 1000);
    this.refill = Math.round(budgetPercent * 10);
    this.milli = this.size;
  }
  get tokens() { return this.milli / 1000; }
  set tokens(value) { this.milli = Math.round(value * 1000); }
  onRequest() { this.milli = Math.min(this.size, this.milli + this.refill); }
  tryTake() {
    if (this.milli < 1000) { return false; }
    this.milli -= 1000;
    return true;
  }
}

/** Decayed answers below which the slow share is not judged (no evidence: the share recovers). */
const MIN_EVIDENCE = 0.5;

/**
 * Load-aware admission: each execution environment watches the primary's answers (cheap in-process
 * state, no AWS call) and sends a share of new requests to the burst lane first while the primary is
 * saturated, before it refuses anything. A Lambda environment runs one request at a time, so the primary's
 * in-flight count across the fleet is not visible here; its latency is. "Slow" = answered after
 * `budgetMs` (80 % of the SLO latency threshold by default), refused for capacity, or timed out. Counts decay
 * exponentially with `windowMs`. At most once per `adjustMs`:
 *
 * - slow share f above `targetSlowPercent` (a fifth of the SLO's allowed tail by default, 1 % for p95): the
 *   primary's share is multiplied by max(0.5, 1 - gain × (f - target)) (at least `minPercent` stays, so
 *   the primary keeps being measured and keeps its scaling signal);
 * - otherwise (or with less than half a decayed answer of evidence, e.g. after an idle spell): the share
 *   grows by `increasePercent` per elapsed period, back to 100 %.
 *
 * So the primary runs near the load where `targetSlowPercent` of its answers take longer than the budget,
 * and the burst lane takes the rest. lib/simulation/front-door-model.ts models the same rule per second.
 */
class Admission {
  constructor(cfg) {
    this.budgetMs = cfg.budgetMs;
    this.target = cfg.targetSlowPercent / 100;
    this.windowMs = cfg.windowMs;
    this.adjustMs = cfg.adjustMs;
    this.gain = cfg.gain;
    this.increase = cfg.increasePercent / 100;
    this.minShare = cfg.minPercent / 100;
    this.share = 1;
    this.answers = 0;
    this.slow = 0;
    this.at = undefined;
    this.adjustedAt = undefined;
  }
  decay(t) {
    if (this.at !== undefined && t > this.at) {
      const k = Math.exp(-(t - this.at) / this.windowMs);
      this.answers *= k;
      this.slow *= k;
    }
    this.at = t;
  }
  /** One answer (or refusal) of the primary, `latencyMs` after it was called. */
  observe(t, latencyMs, refused) {
    this.decay(t);
    this.answers += 1;
    if (refused || latencyMs > this.budgetMs) { this.slow += 1; }
  }
  /** Probability that a new request goes to the primary first. */
  primaryShare(t) {
    if (this.adjustedAt === undefined) { this.adjustedAt = t; return this.share; }
    const elapsed = t - this.adjustedAt;
    if (elapsed < this.adjustMs) { return this.share; }
    const periods = Math.min(100, Math.floor(elapsed / this.adjustMs));
    this.adjustedAt += periods * this.adjustMs;
    this.decay(t);
    const f = this.answers >= MIN_EVIDENCE ? this.slow / this.answers : 0;
    if (f > this.target) {
      this.share = Math.max(this.minShare, this.share * Math.max(0.5, 1 - this.gain * (f - this.target)));
    } else {
      this.share = Math.min(1, this.share + this.increase * periods);
    }
    return this.share;
  }
}

function header(headers, name) {
  if (!headers) { return undefined; }
  const wanted = name.toLowerCase();
  for (const k of Object.keys(headers)) { if (k.toLowerCase() === wanted) { return headers[k]; } }
  return undefined;
}

function isTextual(contentType) {
  return /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]*\+json))/i.test(contentType || '');
}

function respond(status, body, headers) {
  return { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function bytesResponse(status, bytes, contentType, headers) {
  const ct = contentType || 'application/octet-stream';
  const buf = Buffer.from(bytes);
  if (isTextual(ct)) {
    return { statusCode: status, headers: { 'content-type': ct, ...headers }, body: buf.toString('utf8') };
  }
  return { statusCode: status, headers: { 'content-type': ct, ...headers }, body: buf.toString('base64'), isBase64Encoded: true };
}

/**
 * Build a router.
 *
 * @param config what the construct rendered into ROUTER_CONFIG (see lib/routing/private/router-config.ts)
 * @param deps { sagemaker, lambda, sqs, s3, dynamodb, fetch, now, random, sleep, emit, uuid, log }
 */
function createRouter(config, deps) {
  const now = deps.now || (() => performance.now());
  const setTimer = deps.setTimer || setTimeout;
  const clearTimer = deps.clearTimer || clearTimeout;
  const uuid = deps.uuid || (() => require('node:crypto').randomUUID());
  const random = deps.random || Math.random;
  const sleep = deps.sleep || ((ms) => new Promise((r) => setTimeout(r, ms)));
  const emit = deps.emit || ((line) => process.stdout.write(line + '\n'));
  const log = deps.log || ((obj) => process.stdout.write(JSON.stringify(obj) + '\n'));
  const wallNow = deps.wallNow || Date.now;
  const retry = config.retry || { budgetPercent: 10, bucketSize: 10, jitterMs: 25 };
  const bucket = new TokenBucket(retry.bucketSize, retry.budgetPercent);
  const state = { alarming: new Set(), recoveredAt: undefined, loadedAt: -Infinity, loading: undefined };
  const admission = config.admission && config.primary && config.burst ? new Admission(config.admission) : undefined;

  // ---- failover state (written by the EventBridge rule's invocations, cached per environment) ----

  async function failedOver() {
    if (!config.failover || !config.burst) { return false; }
    if (now() - state.loadedAt >= config.failover.cacheMs) {
      if (!state.loading) {
        state.loading = loadState().finally(() => { state.loading = undefined; });
      }
      await state.loading;
    }
    return state.alarming.size > 0;
  }

  /**
   * Gradual fail-back: after the primary's alarms leave ALARM, the share of new requests that go to the
   * primary first grows linearly from `failbackStartPercent` to 100 % over `failbackMs` (wall clock from the
   * alarm's state timestamp, so every environment ramps alike); the rest still go to the burst lane first.
   * Call after failedOver() (which refreshes the cached state).
   */
  function failbackShare() {
    const f = config.failover;
    if (!f || !(f.failbackMs > 0) || state.recoveredAt === undefined) { return 1; }
    const elapsed = wallNow() - state.recoveredAt;
    if (elapsed >= f.failbackMs) { return 1; }
    const start = f.failbackStartPercent / 100;
    return Math.max(start, start + (1 - start) * (elapsed / f.failbackMs));
  }

  async function loadState() {
    try {
      const out = await deps.dynamodb.query({
        TableName: config.failover.table,
        KeyConditionExpression: '#r = :r',
        ExpressionAttributeNames: { '#r': 'route' },
        ExpressionAttributeValues: { ':r': { S: config.route } },
        ConsistentRead: false,
      });
      const alarming = new Set();
      let recoveredAt;
      for (const item of out.Items || []) {
        const name = item.alarm && item.alarm.S;
        if (!config.failover.alarms.includes(name)) { continue; }
        if (item.state && item.state.S === 'ALARM') {
          alarming.add(name);
        } else if (item.failback && item.failback.N) {
          // Left ALARM at this time (the alarm's own state timestamp): the fail-back ramp starts there.
          const at = Number(item.failback.N);
          if (recoveredAt === undefined || at > recoveredAt) { recoveredAt = at; }
        }
      }
      state.alarming = alarming;
      state.recoveredAt = recoveredAt;
    } catch (err) {
      // Keep the last known state: a state-store blip must not flip traffic.
      log({ level: 'WARN', message: 'failover state unavailable; keeping the last known state', error: err && err.name });
    }
    state.loadedAt = now();
  }

  async function onAlarmStateChange(event) {
    const detail = event.detail || {};
    const alarm = detail.alarmName;
    if (!config.failover || !config.failover.alarms.includes(alarm)) {
      log({ level: 'WARN', message: 'ignored a state change of an alarm this route does not fail over on', alarm });
      return { ignored: true };
    }
    const value = detail.state && detail.state.value;
    const ts = Date.parse((detail.state && detail.state.timestamp) || event.time || '') || wallNow();
    // Leaving ALARM starts the gradual fail-back: the item keeps when (only such transitions carry it).
    const leftAlarm = value !== 'ALARM' && detail.previousState && detail.previousState.value === 'ALARM';
    try {
      await deps.dynamodb.putItem({
        TableName: config.failover.table,
        Item: {
          route: { S: config.route }, alarm: { S: alarm }, state: { S: String(value) }, ts: { N: String(ts) },
          ...(leftAlarm ? { failback: { N: String(ts) } } : {}),
        },
        // Events can arrive out of order: an older state never overwrites a newer one.
        ConditionExpression: 'attribute_not_exists(#ts) OR #ts < :ts',
        ExpressionAttributeNames: { '#ts': 'ts' },
        ExpressionAttributeValues: { ':ts': { N: String(ts) } },
      });
    } catch (err) {
      if (err && err.name === 'ConditionalCheckFailedException') { return { stale: true }; }
      throw err;
    }
    state.loadedAt = -Infinity; // this environment re-reads at once
    log({ level: 'INFO', message: 'failover state recorded', alarm, state: value });
    return { recorded: true };
  }

  // ---- calling one lane ----

  async function callLane(target, req, signal) {
    switch (target.kind) {
      case 'sagemaker': {
        const out = await deps.sagemaker.invokeEndpoint({
          EndpointName: target.endpointName,
          Body: req.body,
          ContentType: req.contentType,
          Accept: req.accept,
        }, { region: target.region, abortSignal: signal });
        return { status: 200, bytes: out.Body, contentType: out.ContentType };
      }
      case 'lambda': {
        const event = { body: req.body.toString('base64'), isBase64Encoded: true, headers: { 'content-type': req.contentType } };
        const out = await deps.lambda.invoke({
          FunctionName: target.functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(event)),
        }, { abortSignal: signal });
        if (out.FunctionError) { throw new LaneError('server', 502, `FunctionError:${out.FunctionError}`); }
        const text = Buffer.from(out.Payload || []).toString('utf8');
        let parsed;
        try { parsed = JSON.parse(text || 'null'); } catch { parsed = undefined; }
        if (parsed && typeof parsed === 'object' && typeof parsed.statusCode === 'number') {
          const st = parsed.statusCode;
          if (st >= 400) { throw classify({ name: `Http${st}`, $metadata: { httpStatusCode: st } }); }
          const body = parsed.body === undefined ? '' : parsed.body;
          const bytes = parsed.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
          return { status: st, bytes, contentType: header(parsed.headers, 'content-type') || 'application/json' };
        }
        return { status: 200, bytes: Buffer.from(text), contentType: 'application/json' };
      }
      case 'http': {
        const res = await deps.fetch(target.url, {
          method: 'POST', body: req.body, signal,
          headers: { 'content-type': req.contentType, ...(req.accept ? { accept: req.accept } : {}) },
        });
        if (res.status >= 400) {
          // Drain the body without reading it into a log.
          try { await res.arrayBuffer(); } catch { /* ignore */ }
          throw classify({ name: `Http${res.status}`, $metadata: { httpStatusCode: res.status } });
        }
        const bytes = Buffer.from(await res.arrayBuffer());
        return { status: res.status, bytes, contentType: res.headers.get('content-type') || 'application/octet-stream' };
      }
      default:
        throw new LaneError('server', 500, `UnknownTarget:${target.kind}`);
    }
  }

  /** Call a lane, timing the wait so that the router's own overhead can be measured. */
  async function timed(m, target, req, signal) {
    const t0 = now();
    const effective = signal && req.deadline ? AbortSignal.any([signal, req.deadline]) : (signal || req.deadline);
    const watched = admission !== undefined && target === config.primary;
    try {
      const out = await callLane(target, req, effective);
      if (watched) { const t1 = now(); admission.observe(t1, t1 - t0, false); }
      return out;
    } catch (err) {
      const e = classify(err);
      if (watched) {
        const t1 = now();
        // A hedge's loser aborted by the router: slow only if it was already past the budget.
        const aborted = e.kind === 'timeout' && signal && signal.aborted && !(req.deadline && req.deadline.aborted);
        admission.observe(t1, t1 - t0, !aborted && (e.kind === 'capacity' || e.kind === 'timeout'));
      }
      throw e;
    } finally {
      m.waitMs += now() - t0;
    }
  }

  async function jitter(m) {
    const ms = random() * retry.jitterMs;
    if (ms <= 0) { return; }
    const t0 = now();
    await sleep(ms);
    m.waitMs += now() - t0;
  }

  // ---- synchronous inference ----

  async function infer(req, m) {
    const lanes = [];
    const isFailedOver = await failedOver();
    // Weighted split for a cross-lane canary: a share of requests goes to the canary lane first, with the
    // primary as its fallback. Not while failed over (the primary is unhealthy then) and never hedged.
    const toCanary = !isFailedOver && !!config.canary && random() * 100 < config.canary.percent;
    // Not failed over and not a canary request: the fail-back ramp, then load-aware admission, may still
    // send it to the burst lane first (a draw only when a share is below 100 %).
    let burstFirst = false;
    if (!isFailedOver && !toCanary && config.burst && config.primary) {
      const ramp = failbackShare();
      if (ramp < 1 && random() >= ramp) {
        m.FailingBack = 1;
        burstFirst = true;
      } else if (admission) {
        const share = admission.primaryShare(now());
        if (share < 1 && random() >= share) {
          m.Offloaded = 1;
          burstFirst = true;
        }
      }
    }
    if (isFailedOver) {
      m.FailedOver = 1;
      lanes.push(['burst', config.burst], ['primary', config.primary]);
    } else if (toCanary) {
      m.Canary = 1;
      lanes.push(['canary', config.canary.target], ['primary', config.primary]);
    } else if (burstFirst) {
      lanes.push(['burst', config.burst], ['primary', config.primary]);
    } else {
      lanes.push(['primary', config.primary]);
      if (config.burst) { lanes.push(['burst', config.burst]); }
    }
    const [firstName, first] = lanes[0];
    const second = lanes[1];

    let firstError;
    if (second && config.hedgeAfterMs > 0 && !isFailedOver && !toCanary && !burstFirst) {
      const hedged = await hedge(req, m, first, second);
      if (hedged.result) { return hedged; }
      firstError = hedged.error;
      if (hedged.secondTried) { return { error: firstError, bothTried: true }; }
    } else {
      try {
        return { result: await timed(m, first, req), lane: firstName };
      } catch (err) {
        firstError = err;
      }
    }
    if (firstError.kind !== 'capacity' || !second) { return { error: firstError }; }
    if (!bucket.tryTake()) {
      m.RetryBudgetExhausted = 1;
      return { error: firstError, budgetExhausted: true };
    }
    await jitter(m);
    m.Spilled = 1;
    try {
      return { result: await timed(m, second[1], req), lane: second[0] };
    } catch (err) {
      if (err.kind === 'client') { return { error: err }; }
      return { error: err, bothTried: true };
    }
  }

  /**
   * Hedging: call the primary; if it has not answered after `hedgeAfterMs`, call the burst lane too
   * (one retry-budget token) and take the first success. The loser is aborted.
   */
  function hedge(req, m, first, second) {
    return new Promise((resolve) => {
      const controllers = [new AbortController(), new AbortController()];
      let settled = false;
      let pending = 1;
      let firstError;
      let secondTried = false;
      const finish = (value) => {
        if (settled) { return; }
        settled = true;
        clearTimerOnce();
        resolve(value);
      };
      const failed = (err, idx) => {
        pending -= 1;
        if (idx === 0) { firstError = err; } else if (firstError === undefined) { firstError = err; }
        if (idx === 0 && !secondTried) {
          // The primary failed before the hedge fired: fall back to the normal spill path.
          finish({ error: err, secondTried: false });
        } else if (pending === 0) {
          finish({ error: idx === 1 && err.kind === 'capacity' ? err : firstError, secondTried: true });
        }
      };
      const start = (idx, [name, target]) => {
        timed(m, target, req, controllers[idx].signal).then((result) => {
          controllers[1 - idx].abort();
          finish({ result, lane: name });
        }, (err) => failed(err, idx));
      };
      const timer = setTimer(() => {
        if (settled) { return; }
        if (!bucket.tryTake()) { m.RetryBudgetExhausted = 1; return; }
        m.Hedged = 1;
        secondTried = true;
        pending += 1;
        start(1, second);
      }, config.hedgeAfterMs);
      const clearTimerOnce = () => clearTimer(timer);
      start(0, ['primary', first]);
    });
  }

  async function handleSync(event, m, deadline) {
    const size = bodySize(event);
    if (size > config.maxBodyBytes) {
      m.Rejected = 1;
      return respond(413, { message: `Request body is ${size} bytes; this route accepts at most ${config.maxBodyBytes} bytes.` });
    }
    const body = decodeBody(event);
    const req = {
      body,
      contentType: header(event.headers, 'content-type') || 'application/json',
      accept: header(event.headers, 'accept'),
      deadline,
    };
    const out = await infer(req, m);
    if (out.result) {
      m.ServedBy = out.lane;
      return bytesResponse(out.result.status || 200, out.result.bytes, out.result.contentType, { 'x-inference-lane': out.lane });
    }
    const err = out.error;
    if (err.kind === 'client') {
      return respond(err.status, { message: `The lane rejected the request (${err.errorName}).` });
    }
    m.Failed = 1;
    if (err.kind === 'timeout') {
      return respond(504, { message: 'No lane answered before the router\'s deadline.' });
    }
    if (err.kind === 'capacity' || out.bothTried) {
      const retryAfter = String(config.retryAfterSeconds);
      const why = out.budgetExhausted ? 'the retry budget is exhausted' : (out.bothTried ? 'no lane has capacity' : 'the lane has no capacity');
      return respond(503, { message: `Service unavailable: ${why}. Retry after ${retryAfter} s.` }, { 'retry-after': retryAfter });
    }
    return respond(502, { message: `The lane failed (${err.errorName}).` });
  }

  // ---- async jobs ----

  async function submitJob(event, m) {
    if (!config.jobs) { return respond(404, { message: 'This front door has no job route.' }); }
    const body = decodeBody(event);
    const jobId = uuid();
    const message = JSON.stringify({
      jobId,
      submittedAt: new Date(Date.now()).toISOString(),
      contentType: header(event.headers, 'content-type') || 'application/json',
      resultBucket: config.jobs.bucket,
      resultKey: `${config.jobs.prefix}${jobId}`,
      failureKey: config.jobs.failuresPrefix ? `${config.jobs.failuresPrefix}${jobId}` : undefined,
      bodyEncoding: 'base64',
      body: body.toString('base64'),
    });
    const size = Buffer.byteLength(message);
    if (size > config.jobs.maxMessageBytes) {
      m.Rejected = 1;
      return respond(413, { message: `The job message would be ${size} bytes (body base64-encoded in a JSON envelope); the queue accepts at most ${config.jobs.maxMessageBytes} bytes. Put large inputs in S3 and submit their key.` });
    }
    const fifo = /\.fifo$/.test(config.jobs.queueUrl);
    const t0 = now();
    try {
      await deps.sqs.sendMessage({
        QueueUrl: config.jobs.queueUrl,
        MessageBody: message,
        MessageAttributes: { jobId: { DataType: 'String', StringValue: jobId } },
        ...(fifo ? { MessageGroupId: jobId, MessageDeduplicationId: jobId } : {}),
      });
    } catch (err) {
      const e = classify(err);
      m.Failed = 1;
      log({ level: 'ERROR', message: 'job not enqueued', error: e.errorName, status: e.status });
      if (e.kind === 'capacity') {
        return respond(503, { message: 'The job queue is throttling; retry later.' }, { 'retry-after': String(config.retryAfterSeconds) });
      }
      return respond(502, { message: `The job could not be enqueued (${e.errorName}).` });
    } finally {
      m.waitMs += now() - t0;
    }
    m.JobsSubmitted = 1;
    return respond(202, { jobId, status: 'queued', location: `/jobs/${jobId}` }, { location: `/jobs/${jobId}` });
  }

  async function getObject(key, m) {
    const t0 = now();
    try {
      const out = await deps.s3.getObject({ Bucket: config.jobs.bucket, Key: key });
      return { found: true, bytes: out.Body, contentType: out.ContentType };
    } catch (err) {
      const e = classify(err);
      // Without s3:ListBucket (not granted: least privilege), S3 answers 403 for a missing key.
      if (e.errorName === 'NoSuchKey' || e.status === 404 || e.status === 403) {
        if (e.status === 403) { m.JobLookupDenied = 1; }
        return { found: false };
      }
      throw e;
    } finally {
      m.waitMs += now() - t0;
    }
  }

  async function jobStatus(jobId, m) {
    if (!config.jobs) { return respond(404, { message: 'This front door has no job route.' }); }
    if (!JOB_ID.test(jobId)) { return respond(400, { message: 'Job ids are UUIDs as returned by POST /jobs.' }); }
    m.JobLookups = 1;
    try {
      const result = await getObject(`${config.jobs.prefix}${jobId}`, m);
      if (result.found) {
        return bytesResponse(200, result.bytes, result.contentType, { 'x-job-status': 'succeeded' });
      }
      if (config.jobs.failuresPrefix) {
        const failure = await getObject(`${config.jobs.failuresPrefix}${jobId}`, m);
        if (failure.found) {
          return respond(200, { jobId, status: 'failed', report: `s3://${config.jobs.bucket}/${config.jobs.failuresPrefix}${jobId}` }, { 'x-job-status': 'failed' });
        }
      }
    } catch (err) {
      m.Failed = 1;
      log({ level: 'ERROR', message: 'job lookup failed', error: err.errorName, status: err.status });
      return respond(502, { message: `The job's result could not be read (${err.errorName}).` });
    }
    return respond(202, { jobId, status: 'pending' }, { 'x-job-status': 'pending', 'retry-after': String(config.retryAfterSeconds) });
  }

  // ---- entry ----

  /** Decoded size without decoding, exact when near or over the limit (an oversized body is refused before it is copied). */
  function bodySize(event) {
    const b = event.body;
    if (b === undefined || b === null) { return 0; }
    if (!event.isBase64Encoded) {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit: a body that fits even then needs no scan
      // (the value returned is then only known to be within the limit).
      if (b.length * 3 <= config.maxBodyBytes) { return b.length; }
      return Buffer.byteLength(b, 'utf8');
    }
    const padding = b.endsWith('==') ? 2 : (b.endsWith('=') ? 1 : 0);
    return Math.floor((b.length * 3) / 4) - padding;
  }

  function decodeBody(event) {
    if (event.body === undefined || event.body === null) { return Buffer.alloc(0); }
    return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  }

  function emitMetrics(m, operation, started) {
    const overhead = Math.max(0, now() - started - m.waitMs);
    const names = ['Requests', 'Spilled', 'FailedOver', 'FailingBack', 'Offloaded', 'Hedged', 'Canary', 'Failed', 'Rejected', 'RetryBudgetExhausted', 'JobsSubmitted', 'JobLookups', 'JobLookupDenied'];
    const line = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{
          Namespace: config.namespace,
          Dimensions: [['Route']],
          Metrics: [...names.map((Name) => ({ Name, Unit: 'Count' })), { Name: 'RouterOverheadMs', Unit: 'Milliseconds' }],
        }],
      },
      Route: config.route,
      Operation: operation,
      ServedBy: m.ServedBy,
      RouterOverheadMs: Math.round(overhead * 1000) / 1000,
    };
    for (const n of names) { line[n] = m[n] || 0; }
    emit(JSON.stringify(line));
    return overhead;
  }

  async function handle(event, context) {
    if (event && event.source === 'aws.cloudwatch' && event['detail-type'] === 'CloudWatch Alarm State Change') {
      return onAlarmStateChange(event);
    }
    const started = now();
    // Abort lane calls DEADLINE_MARGIN_MS before the function would time out, so the caller gets a 504
    // and the request is still counted (a Lambda timeout would end the request without either).
    let deadline;
    let deadlineTimer;
    if (context && typeof context.getRemainingTimeInMillis === 'function') {
      const controller = new AbortController();
      deadline = controller.signal;
      deadlineTimer = setTimer(() => controller.abort(), Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS));
    }
    bucket.onRequest();
    const m = { Requests: 1, waitMs: 0 };
    const http = (event && event.requestContext && event.requestContext.http) || {};
    const method = (http.method || '').toUpperCase();
    const path = (event && event.rawPath) || http.path || '/';
    let operation = 'other';
    let res;
    try {
      if (method === 'POST' && (path === '/' || path === '/invocations')) {
        operation = 'invoke';
        res = (config.primary || config.burst) ? await handleSync(event, m, deadline) : respond(404, { message: 'This front door has no synchronous route; POST /jobs instead.' });
      } else if (method === 'POST' && path === '/jobs') {
        operation = 'submitJob';
        res = await submitJob(event, m);
      } else if (method === 'GET' && path.startsWith('/jobs/')) {
        operation = 'getJob';
        res = await jobStatus(path.slice('/jobs/'.length), m);
      } else {
        res = respond(404, { message: 'Routes: POST / (or /invocations), POST /jobs, GET /jobs/{id}.' });
      }
    } catch (err) {
      m.Failed = 1;
      log({ level: 'ERROR', message: 'router error', error: err && (err.errorName || err.name) });
      res = respond(500, { message: 'Router error.' });
    }
    if (deadlineTimer !== undefined) { clearTimer(deadlineTimer); }
    emitMetrics(m, operation, started);
    return res;
  }

  return { handle, bucket, state, admission, _onAlarmStateChange: onAlarmStateChange };
}

module.exports = { createRouter, classify, Admission, TokenBucket, LaneError, CAPACITY_ERROR_NAMES };
