import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';
import { createRouter, deps, httpEvent } from './fakes';

/*
 * The router handler (lib/routing/handler/router.js) running in-process against a local moto server for
 * what it implements on AWS: SQS SendMessage (POST /jobs) and S3 GetObject (GET /jobs/{id}).
 *
 * The AWS SDK for JavaScript v3 is not installed in this repository (the Lambda runtime provides it;
 * `ls node_modules/@aws-sdk` is empty), so the router's SDK adapters (handler/aws.js) cannot be used
 * here. Instead, a minimal client below speaks the two wire protocols to moto (SQS JSON protocol
 * `AmazonSQS.SendMessage`, S3 REST `GET /<bucket>/<key>`) with the same inputs and outputs the router
 * expects from the SDK. What is real: the router's requests as moto receives them, the message as SQS
 * stores it (read back with boto3), the result objects as S3 serves them, and S3's own NoSuchKey answer.
 * moto does not verify signatures, so the client sends an unsigned Authorization header (moto reads the
 * account and Region from it; without one, S3 treats the GET as anonymous and answers 403).
 * Not covered here: SigV4 signing and the SDK adapters (unit-tested with a fake SDK in aws-adapters.test.ts).
 */

const REGION = 'us-east-1';
/** An Authorization header moto parses for account and Region (it does not verify the signature). */
const auth = (service: string) => `AWS4-HMAC-SHA256 Credential=testing/20261201/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

let server: ChildProcess | undefined;
let endpoint = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, 'localhost', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(`${url}/moto-api/`);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer at ${url} within ${timeoutMs} ms`);
}

/** boto3 against moto (setup and read-back only; the router never uses it). */
function boto3(script: string): any {
  const run = spawnSync('python3', ['-c', `
import boto3, json, sys
kw = dict(endpoint_url=${JSON.stringify(endpoint)}, region_name='${REGION}', aws_access_key_id='testing', aws_secret_access_key='testing')
sqs = boto3.client('sqs', **kw); s3 = boto3.client('s3', **kw)
${script}
`], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) { throw new Error(`boto3 failed: ${run.stderr}`); }
  return JSON.parse(run.stdout || 'null');
}

/** The router's client interface over moto's wire protocols (unsigned: moto does not check signatures). */
function motoClients(signed = true) {
  const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  return {
    sqs: {
      async sendMessage(input: any) {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', 'authorization': auth('sqs') },
          body: JSON.stringify(input),
        });
        const body: any = await res.json();
        if (res.status >= 300) { throw awsError(String(body.__type ?? 'SQSError').split('#').pop()!, res.status); }
        return body;
      },
    },
    s3: {
      async getObject(input: any) {
        // Unsigned anonymous GETs get 403 from moto (as from S3 for a private object): send an Authorization header.
        const res = await fetch(`${endpoint}/${input.Bucket}/${input.Key.split('/').map(encodeURIComponent).join('/')}`, { headers: signed ? { authorization: auth('s3') } : {} });
        const bytes = Buffer.from(await res.arrayBuffer());
        if (res.status >= 300) {
          const code = /<Code>([^<]+)<\/Code>/.exec(bytes.toString())?.[1] ?? 'S3Error';
          throw awsError(code, res.status);
        }
        return { Body: bytes, ContentType: res.headers.get('content-type') ?? undefined };
      },
    },
  };
}

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://localhost:${port}`;
  // Its own process group, so afterAll stops exactly this server.
  server = spawn('moto_server', ['-H', 'localhost', '-p', String(port)], { detached: true, stdio: 'ignore' });
  server.unref();
  await waitForServer(endpoint, 30_000);
  boto3(`
sqs.create_queue(QueueName='jobs'); sqs.create_queue(QueueName='jobs.fifo', Attributes={'FifoQueue': 'true'})
s3.create_bucket(Bucket='results')
print('null')`);
}, 60_000);

afterAll(() => {
  if (server?.pid) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
});

function router(queueName = 'jobs', signed = true) {
  const d = deps({ ...motoClients(signed), uuid: () => require('crypto').randomUUID() });
  const r = createRouter({
    route: 'Moto/FrontDoor', namespace: 'InferenceLanes/FrontDoor', maxBodyBytes: 6_291_456, hedgeAfterMs: 0, retryAfterSeconds: 5,
    retry: { budgetPercent: 10, bucketSize: 10, jitterMs: 25 },
    jobs: { kind: 'queue', queueUrl: `${endpoint}/123456789012/${queueName}`, bucket: 'results', prefix: 'results/', failuresPrefix: 'failures/', maxMessageBytes: 262_144 },
  }, d.deps);
  return { r, ...d };
}

test('POST /jobs: the job message really is in the SQS queue, with its job id and result key', async () => {
  const { r, emitted } = router();
  const res = await r.handle(httpEvent('POST', '/jobs', '{"document":"s3://inbox/contract.pdf"}'));
  expect(res.statusCode).toBe(202);
  const { jobId } = JSON.parse(res.body);
  expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
  const messages = boto3(`
r = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName='jobs')['QueueUrl'], MaxNumberOfMessages=10, MessageAttributeNames=['All'])
print(json.dumps([{'body': m['Body'], 'attrs': m.get('MessageAttributes', {})} for m in r.get('Messages', [])]))`);
  expect(messages).toHaveLength(1);
  const msg = JSON.parse(messages[0].body);
  expect(msg).toMatchObject({ jobId, resultBucket: 'results', resultKey: `results/${jobId}`, failureKey: `failures/${jobId}`, bodyEncoding: 'base64' });
  expect(Buffer.from(msg.body, 'base64').toString()).toBe('{"document":"s3://inbox/contract.pdf"}');
  expect(messages[0].attrs.jobId).toMatchObject({ DataType: 'String', StringValue: jobId });
  expect(emitted[0]).toMatchObject({ JobsSubmitted: 1, Failed: 0 });
});

test('POST /jobs to a FIFO queue: SQS accepts the job id as group and deduplication id', async () => {
  const { r } = router('jobs.fifo');
  const res = await r.handle(httpEvent('POST', '/jobs', '{}'));
  expect(res.statusCode).toBe(202);
  const { jobId } = JSON.parse(res.body);
  const groups = boto3(`
r = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName='jobs.fifo')['QueueUrl'], AttributeNames=['MessageGroupId'])
print(json.dumps([m['Attributes']['MessageGroupId'] for m in r.get('Messages', [])]))`);
  expect(groups).toEqual([jobId]);
});

test('POST /jobs to a queue that does not exist: the SQS error becomes a 502, not a crash', async () => {
  const { r, logs } = router('missing');
  const res = await r.handle(httpEvent('POST', '/jobs', '{}'));
  expect(res.statusCode).toBe(502);
  expect(logs[0]).toMatchObject({ level: 'ERROR', message: 'job not enqueued', status: 400 });
});

test('GET /jobs/{id}: pending while S3 says NoSuchKey, the result once a worker wrote it, failed once a failure report exists', async () => {
  const { r, emitted } = router();
  const submitted = JSON.parse((await r.handle(httpEvent('POST', '/jobs', '{}'))).body);
  const pending = await r.handle(httpEvent('GET', `/jobs/${submitted.jobId}`));
  expect(pending.statusCode).toBe(202);
  expect(emitted[1]).toMatchObject({ JobLookups: 1, JobLookupDenied: 0 }); // a real NoSuchKey (404), not a 403
  expect(JSON.parse(pending.body)).toEqual({ jobId: submitted.jobId, status: 'pending' });

  boto3(`s3.put_object(Bucket='results', Key='results/${submitted.jobId}', Body=b'{"summary":"three pages"}', ContentType='application/json'); print('null')`);
  const done = await r.handle(httpEvent('GET', `/jobs/${submitted.jobId}`));
  expect(done).toMatchObject({ statusCode: 200, body: '{"summary":"three pages"}', headers: { 'content-type': 'application/json', 'x-job-status': 'succeeded' } });

  const other = JSON.parse((await r.handle(httpEvent('POST', '/jobs', '{}'))).body);
  boto3(`s3.put_object(Bucket='results', Key='failures/${other.jobId}', Body=b'{"error":"OOM"}'); print('null')`);
  const failed = await r.handle(httpEvent('GET', `/jobs/${other.jobId}`));
  expect(failed.statusCode).toBe(200);
  expect(JSON.parse(failed.body)).toEqual({ jobId: other.jobId, status: 'failed', report: `s3://results/failures/${other.jobId}` });
});

test('GET /jobs/{id} answered 403 by S3 (access denied, as for a role without s3:ListBucket asking for a missing key): pending, counted as JobLookupDenied', async () => {
  // moto answers an anonymous GET of an existing private object with 403, as S3 does.
  const jobId = '0b7c6f1e-2d4a-4c3b-9e8f-1a2b3c4d5e6f';
  boto3(`s3.put_object(Bucket='results', Key='results/${jobId}', Body=b'private'); print('null')`);
  const { r, emitted } = router('jobs', false);
  const res = await r.handle(httpEvent('GET', `/jobs/${jobId}`));
  expect(res.statusCode).toBe(202);
  expect(emitted[0]).toMatchObject({ JobLookups: 1, JobLookupDenied: 1 });
});
