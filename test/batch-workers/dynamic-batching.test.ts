import { spawnSync } from 'child_process';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AutoscalingPolicy, DynamicBatching, HardwareTarget, LaneValidationError, ScalingTrigger } from '../../lib';
import { QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';

/*
 * Issue 19 item 5: DynamicBatching rendered by the batch lane as messages per receive and per batch
 * (the worker's BATCH_* environment), a visibility timeout that covers the fill delay, and the
 * reference worker (examples/document-batch/worker/batching.py) honouring it against SQS (moto).
 */

function build(batching: DynamicBatching | undefined, over: Partial<QueueDrainedWorkersProps> = {}): { t: Template; w: QueueDrainedWorkers } {
  const stack = new Stack(new App(), 'Batch');
  const w = new QueueDrainedWorkers(stack, 'Workers', {
    artifact: demoArtifact(),
    jobTimeout: Duration.minutes(5),
    hardware: HardwareTarget.NVIDIA_GPU,
    dynamicBatching: batching,
    autoscaling: new AutoscalingPolicy({ maxCapacity: 4, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    ...over,
  });
  return { t: Template.fromStack(stack), w };
}

const batching = (maxBatchSize: number, maxQueueDelay: Duration) => new DynamicBatching({ maxBatchSize, maxQueueDelay });

function env(t: Template): { [name: string]: unknown } {
  const td = Object.values<any>(t.findResources('AWS::ECS::TaskDefinition'))[0];
  return Object.fromEntries(td.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
}
const batchEnv = (t: Template) => Object.fromEntries(Object.entries(env(t)).filter(([k]) => k.startsWith('BATCH_')));

function rejects(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try { fn(); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(LaneValidationError);
  expect((error as Error).message).toMatch(message);
}

describe('what a DynamicBatching renders', () => {
  test('16 jobs within 2.5 s: 2 receives of at most 10, long-poll 2 s, visibility jobTimeout + 3 s + 30 s on the queue and on each receive', () => {
    const { t, w } = build(batching(16, Duration.millis(2500)));
    expect(batchEnv(t)).toEqual({
      BATCH_MAX_SIZE: '16', BATCH_MAX_DELAY_MS: '2500', BATCH_RECEIVE_MAX_MESSAGES: '10', BATCH_RECEIVE_WAIT_SECONDS: '2',
      BATCH_RECEIVES_PER_BATCH: '2', BATCH_VISIBILITY_TIMEOUT_SECONDS: '333',
    });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 333, RedrivePolicy: Match.anyValue() });
    expect(env(t).VISIBILITY_TIMEOUT_SECONDS).toBe('333');
    expect(w.dynamicBatching?.maxBatchSize).toBe(16);
  });

  test('a batch of 4 within 50 ms: one receive of 4, a short poll (WaitTimeSeconds 0), 1 s of fill rounded up', () => {
    const { t } = build(batching(4, Duration.millis(50)));
    expect(batchEnv(t)).toMatchObject({ BATCH_RECEIVE_MAX_MESSAGES: '4', BATCH_RECEIVE_WAIT_SECONDS: '0', BATCH_RECEIVES_PER_BATCH: '1', BATCH_VISIBILITY_TIMEOUT_SECONDS: '331' });
  });

  test('long polling is capped at the SQS maximum of 20 s; the contract maximum delay (1 minute) and batch (4,096) are accepted', () => {
    expect(batchEnv(build(batching(10, Duration.seconds(20))).t).BATCH_RECEIVE_WAIT_SECONDS).toBe('20');
    const { t } = build(batching(4096, Duration.minutes(1)));
    expect(batchEnv(t)).toMatchObject({ BATCH_RECEIVE_WAIT_SECONDS: '20', BATCH_RECEIVES_PER_BATCH: '410', BATCH_VISIBILITY_TIMEOUT_SECONDS: '390' });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 390, RedrivePolicy: Match.anyValue() });
  });

  test('scaling stays in jobs: the backlog target is the same with and without batching', () => {
    for (const b of [undefined, batching(16, Duration.millis(200))]) {
      build(b).t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 5 }),
      });
    }
  });

  test('a brought queue: each receive asks for jobTimeout + fill + 30 s (the queue\'s own timeout is its owner\'s)', () => {
    const stack = new Stack(new App(), 'Brought');
    new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(), jobTimeout: Duration.minutes(5), hardware: HardwareTarget.NVIDIA_GPU,
      queue: sqs.Queue.fromQueueArn(stack, 'Jobs', 'arn:aws:sqs:us-east-1:111122223333:jobs'),
      dynamicBatching: batching(8, Duration.seconds(2)), autoscaling: AutoscalingPolicy.fixed(1),
    });
    const e = env(Template.fromStack(stack));
    expect(e.BATCH_VISIBILITY_TIMEOUT_SECONDS).toBe('332');
    expect(e.VISIBILITY_TIMEOUT_SECONDS).toBeUndefined();
  });

  test('a visibilityTimeout parameter (a token) is passed to each receive as that parameter, not replaced by a default', () => {
    const stack = new Stack(new App(), 'Tok');
    const p = new CfnParameter(stack, 'Visibility', { type: 'Number', default: 400 });
    new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(), jobTimeout: Duration.minutes(5), hardware: HardwareTarget.NVIDIA_GPU, visibilityTimeout: Duration.seconds(p.valueAsNumber),
      dynamicBatching: batching(8, Duration.seconds(2)), autoscaling: AutoscalingPolicy.fixed(1),
    });
    expect(env(Template.fromStack(stack)).BATCH_VISIBILITY_TIMEOUT_SECONDS).toEqual({ Ref: 'Visibility' });
  });

  test('by omission: no BATCH_* variables, the queue visibility is jobTimeout + 30 s, BATCH_* names are the user\'s', () => {
    const { t, w } = build(undefined, { environment: { BATCH_MAX_SIZE: '3' } });
    expect(batchEnv(t)).toEqual({ BATCH_MAX_SIZE: '3' });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 330, RedrivePolicy: Match.anyValue() });
    expect(w.dynamicBatching).toBeUndefined();
  });
});

describe('rejections', () => {
  test('preferred batch sizes: SQS receives cannot express them (core wording)', () => {
    rejects(() => build(new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.millis(100), preferredBatchSizes: [8, 16] })),
      /'dynamicBatching.preferredBatchSizes' \(\[8,16\]\) cannot be expressed by QueueDrainedWorkers \(SQS ReceiveMessage, up to 10 messages per receive\).*Remove preferredBatchSizes/);
  });

  test('a visibility timeout that covers the job but not the fill delay; the exact sum is accepted', () => {
    rejects(() => build(batching(16, Duration.millis(2500)), { visibilityTimeout: Duration.seconds(302) }),
      /'visibilityTimeout' \(5 minutes 2 seconds\) is shorter than jobTimeout \(5 minutes\) plus dynamicBatching.maxQueueDelay \(2500 ms, 3 s rounded up\).*at least 303 seconds/);
    build(batching(16, Duration.millis(2500)), { visibilityTimeout: Duration.seconds(303) }).t
      .hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 303, RedrivePolicy: Match.anyValue() });
  });

  test('jobTimeout + maxQueueDelay beyond the 12-hour SQS visibility timeout; 12 h - 60 s with a 60 s delay is accepted', () => {
    rejects(() => build(batching(16, Duration.minutes(1)), { jobTimeout: Duration.hours(12) }),
      /'dynamicBatching.maxQueueDelay' \(1 minute\) plus jobTimeout \(12 hours\) exceeds the 12-hour SQS visibility timeout.*at most 43140 seconds/);
    build(batching(16, Duration.minutes(1)), { jobTimeout: Duration.seconds(43140) }).t
      .hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 43200, RedrivePolicy: Match.anyValue() });
  });

  test('environment may not override the BATCH_* variables the lane sets', () => {
    rejects(() => build(batching(16, Duration.millis(200)), { environment: { BATCH_MAX_SIZE: '32' } }),
      /'environment.BATCH_MAX_SIZE' \("32"\) is set by the lane.*BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS/);
  });

  test('tokens: the receive parameters and the visibility timeout are derived at synth time', () => {
    const stack = new Stack(new App(), 'Tok');
    const n = new CfnParameter(stack, 'N', { type: 'Number' }).valueAsNumber;
    const lane = (b: DynamicBatching) => new QueueDrainedWorkers(stack, `W${stack.node.children.length}`, {
      artifact: demoArtifact(), jobTimeout: Duration.minutes(2), dynamicBatching: b, autoscaling: AutoscalingPolicy.fixed(1),
    });
    rejects(() => lane(new DynamicBatching({ maxBatchSize: n, maxQueueDelay: Duration.millis(5) })), /'dynamicBatching.maxBatchSize' .* is a token.*derived from it at synth time/);
    rejects(() => lane(new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(n) })), /'dynamicBatching.maxQueueDelay' .* is a token.*Pass a concrete Duration/);
  });

  test('a plain object instead of a DynamicBatching', () => {
    rejects(() => build({ maxBatchSize: 16, maxQueueDelay: Duration.millis(5) } as unknown as DynamicBatching),
      /'dynamicBatching' .* is not a DynamicBatching.*new DynamicBatching/);
  });
});

describe('the reference worker honours the rendered contract (examples/document-batch/worker/batching.py, against moto)', () => {
  test('25 jobs, batches of 16 within 300 ms: 16 (10 + 6 in two receives), then 9 after the delay, then none; every receive holds its jobs for the rendered visibility', () => {
    const rendered = batchEnv(build(batching(16, Duration.millis(300))).t) as { [k: string]: string };
    const script = `
import json, os, sys, time
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, '../../examples/document-batch/worker'))})
for k, v in (('AWS_DEFAULT_REGION', 'us-east-1'), ('AWS_ACCESS_KEY_ID', 'testing'), ('AWS_SECRET_ACCESS_KEY', 'testing')): os.environ[k] = v
import boto3
from moto import mock_aws
from batching import BatchSettings, collect_batch
with mock_aws():
    sqs = boto3.client('sqs')
    url = sqs.create_queue(QueueName='jobs')['QueueUrl']
    for i in range(25): sqs.send_message(QueueUrl=url, MessageBody=str(i))
    calls = []
    receive = sqs.receive_message
    def spy(**kw):
        r = receive(**kw); calls.append([kw['MaxNumberOfMessages'], kw['WaitTimeSeconds'], kw['VisibilityTimeout'], len(r.get('Messages', []))]); return r
    sqs.receive_message = spy
    s = BatchSettings.from_environment()
    t0 = time.monotonic(); b1 = collect_batch(sqs, url, s); t1 = time.monotonic(); b2 = collect_batch(sqs, url, s); t2 = time.monotonic()
    b3 = collect_batch(sqs, url, s, first_wait_seconds=0)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
    print(json.dumps({'sizes': [len(b1), len(b2), len(b3)], 'calls': calls, 'second': t2 - t1, 'notVisible': attrs['ApproximateNumberOfMessagesNotVisible']}))
`;
    const run = spawnSync('python3', ['-c', script], { env: { ...process.env, ...rendered }, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Traceback/);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(out.sizes).toEqual([16, 9, 0]);
    // first batch: a long poll for the first job, then the 6 missing (never more than 10 per receive)
    expect(out.calls.slice(0, 2)).toEqual([[10, 20, 331, 10], [6, 0, 331, 6]]);
    expect(out.calls.every((c: number[]) => c[0] >= 1 && c[0] <= 10 && c[1] >= 0 && c[1] <= 20 && c[2] === 331)).toBe(true);
    // the second batch waited for more jobs about the 300 ms delay (short polls, WaitTimeSeconds 0), not longer
    expect(out.second).toBeGreaterThanOrEqual(0.29);
    expect(out.second).toBeLessThan(2);
    expect(out.notVisible).toBe('25');
  });
});
