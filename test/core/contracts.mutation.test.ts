/**
 * Tests written against the survivors of `npm run mutate -- core` (rollout, serving image, error-rate
 * math, standard cron, checkRange). Each test names the mutation it kills.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as crypto from 'crypto';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Rollout, RolloutStrategy, ServingImage, ShadowTraffic, ModelArtifact } from '../../lib';
import { toStandardCron } from '../../lib/core/private/scheduling';
import { checkInteger, checkRange } from '../../lib/core/private/errors';
import { defaultMinRequests, errorRatePercent } from '../../lib/core/private/metric-math';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');
const DIGEST = 'sha256:' + 'ab'.repeat(32);

function stackWithRole(): { stack: Stack; role: iam.Role } {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return { stack, role };
}

function policyActions(stack: Stack): string[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as any[];
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action)));
}

describe('Rollout (mutation survivors)', () => {
  test('extra alarms are kept, as a copy (kills alarms = [])', () => {
    const stack = new Stack();
    const alarm = new cloudwatch.Alarm(stack, 'A', { metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1 });
    const given = [alarm];
    const r = Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), alarms: given });
    expect(r.alarms).toEqual([alarm]);
    expect(r.alarms).not.toBe(given);
    expect(Rollout.allAtOnce().alarms).toEqual([]);
  });

  test('every extra alarm must be a CloudWatch alarm (null, a string, an object without alarmArn rejected by index)', () => {
    const fix = 'Fix: Pass an alarm (cloudwatch.Alarm, or cloudwatch.Alarm.fromAlarmArn(...)).';
    const stack = new Stack();
    const ok = cloudwatch.Alarm.fromAlarmArn(stack, 'A', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:a');
    const bad = (a: unknown) => () => Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), alarms: [ok, a as cloudwatch.IAlarm] });
    expect(bad(null)).toThrow(`Rollout.CANARY: 'alarms[1]' (null) is not a CloudWatch alarm. ${fix}`);
    expect(bad('arn:aws:cloudwatch:us-east-1:123456789012:alarm:a')).toThrow(/^Rollout\.CANARY: 'alarms\[1\]' \("arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"\) is not a CloudWatch alarm\./);
    expect(bad({ alarmName: 'a' })).toThrow(/^Rollout\.CANARY: 'alarms\[1\]' \(.*\) is not a CloudWatch alarm\./);
    expect(() => Rollout.allAtOnce({ alarms: [{ alarmArn: 5 } as unknown as cloudwatch.IAlarm] })).toThrow(/^Rollout\.ALL_AT_ONCE: 'alarms\[0\]' .* is not a CloudWatch alarm/);
    expect(Rollout.linear({ stepPercent: 50, interval: Duration.minutes(1), alarms: [ok] }).alarms).toEqual([ok]);
  });

  test('alarms must be a list and options an object, with their fixes', () => {
    expect(() => Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), alarms: 'x' as unknown as cloudwatch.IAlarm[] }))
      .toThrow(/^Rollout\.CANARY: 'alarms' \("x"\) .*Fix: Pass a list of CloudWatch alarms, e\.g\. \[errorAlarm\]\.$/);
    expect(() => Rollout.allAtOnce(null as unknown as {})).toThrow(
      "Rollout.allAtOnce: 'options' (null) is not a props object. Fix: Pass e.g. { finalBakeTime: Duration.minutes(10) }, or nothing.",
    );
  });

  test('ShadowTraffic props must be an object', () => {
    const fix = 'Fix: Pass { candidate, samplePercent }, or use ShadowTraffic.mirror(candidate, samplePercent).';
    expect(() => new ShadowTraffic(undefined as unknown as { candidate: ModelArtifact; samplePercent: number })).toThrow(`ShadowTraffic: 'props' is required. ${fix}`);
    expect(() => new ShadowTraffic(null as unknown as { candidate: ModelArtifact; samplePercent: number })).toThrow(`ShadowTraffic: 'props' (null) is not a props object. ${fix}`);
  });

  test('finalBakeTimeExplicit is true only when finalBakeTime is passed (kills the constant false)', () => {
    expect(Rollout.allAtOnce({ finalBakeTime: Duration.minutes(10) }).finalBakeTimeExplicit).toBe(true);
    expect(Rollout.allAtOnce().finalBakeTimeExplicit).toBe(false);
    expect(Rollout.linear({ stepPercent: 25, interval: Duration.minutes(1) }).finalBakeTimeExplicit).toBe(false);
  });

  test('a non-boolean autoRollback names the strategy (kills the empty label)', () => {
    expect(() => Rollout.allAtOnce({ autoRollback: 'yes' as unknown as boolean })).toThrow(
      /^Rollout\.ALL_AT_ONCE: 'autoRollback' \("yes"\) is not one of true, false\. Fix: Pass one of true, false\.$/,
    );
    expect(Rollout.allAtOnce({ autoRollback: false }).autoRollback).toBe(false);
  });

  test('toString per strategy (kills the ALL_AT_ONCE branch and its text)', () => {
    expect(Rollout.allAtOnce().toString()).toBe('ALL_AT_ONCE');
    expect(Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }).toString()).toBe('CANARY 10% / 5 minutes');
    expect(Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }).linearStepCount).toBe(1);
    expect(Rollout.allAtOnce().linearStepCount).toBe(1);
  });

  test('a missing bake time is required, a token bake time is accepted unchanged (kills the undefined/token branches)', () => {
    expect(() => Rollout.canary({ percent: 10, bakeTime: undefined as unknown as Duration })).toThrow(
      /^Rollout\.canary: 'bakeTime' is required\. Fix: Pass e\.g\. Duration\.minutes\(5\)\.$/,
    );
    expect(() => Rollout.linear({ stepPercent: 10, interval: undefined as unknown as Duration })).toThrow(/^Rollout\.linear: 'interval' is required/);
    const token = Duration.minutes(Token.asNumber({ Ref: 'Bake' }));
    const r = Rollout.canary({ percent: 10, bakeTime: token });
    expect(r.stepInterval).toBe(token);
    expect(r.strategy).toBe(RolloutStrategy.CANARY);
  });

  test('bake time edges: 1 minute and 1 hour accepted, 59 s and 61 min rejected', () => {
    expect(Rollout.canary({ percent: 1, bakeTime: Duration.minutes(1) }).stepInterval!.toMinutes()).toBe(1);
    expect(Rollout.canary({ percent: 99, bakeTime: Duration.hours(1) }).stepInterval!.toMinutes()).toBe(60);
    expect(() => Rollout.canary({ percent: 10, bakeTime: Duration.seconds(59) })).toThrow(/'bakeTime' \(59 seconds\) must be between 1 minute and 1 hour/);
    expect(() => Rollout.canary({ percent: 10, bakeTime: Duration.minutes(61) })).toThrow(/'bakeTime' \(1 hour 1 minute\) must be between 1 minute and 1 hour/);
    expect(Rollout.allAtOnce({ finalBakeTime: Duration.hours(1) }).finalBakeTime.toSeconds()).toBe(3600);
    expect(() => Rollout.allAtOnce({ finalBakeTime: Duration.seconds(3601) })).toThrow(/'finalBakeTime' \(1 hour 1 second\) must be at most 1 hour/);
  });

  test('ShadowTraffic: the default fix text (kills the empty fix)', () => {
    const candidate = ModelArtifact.fromAsset(FP32, { name: 'm', version: '2' });
    expect(() => ShadowTraffic.mirror(candidate, 0)).toThrow(/^ShadowTraffic: 'samplePercent' \(0\) must be between 1 and 100\. Fix: Pass a share from 1 to 100 percent\.$/);
    expect(ShadowTraffic.mirror(candidate, 100).samplePercent).toBe(100);
  });
});

describe('ServingImage (mutation survivors)', () => {
  let dockerDir: string;
  beforeAll(() => {
    dockerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'serving-image-'));
    fs.writeFileSync(path.join(dockerDir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\n');
  });
  afterAll(() => fs.rmSync(dockerDir, { recursive: true, force: true }));

  test('fromAsset: one image asset per stack, named from the directory, pull granted only to a grantee', () => {
    const image = ServingImage.fromAsset(dockerDir);
    expect(image.description).toBe(`docker image asset ${dockerDir}`);
    const { stack, role } = stackWithRole();
    const first = image.bind(stack, role);
    const second = image.bind(stack);
    const id = 'ServingImage' + crypto.createHash('sha256').update(path.resolve(dockerDir)).digest('hex').slice(0, 8);
    expect(stack.node.tryFindChild(id)).toBeDefined();
    expect(stack.node.children.filter((c) => c.node.id.startsWith('ServingImage'))).toHaveLength(1);
    expect(second.imageUri).toBe(first.imageUri);
    expect(stack.resolve(first.imageUri)).toEqual({ 'Fn::Sub': expect.stringContaining('cdk-hnb659fds-container-assets-123456789012-us-east-1') });
    expect(first.repository).toBeDefined();
    expect(policyActions(stack)).toEqual(expect.arrayContaining(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']));
    // A second ServingImage for the same directory reuses the stack's asset (tryFindChild).
    const again = ServingImage.fromAsset(dockerDir).bind(stack);
    expect(again.imageUri).toBe(first.imageUri);

    const other = stackWithRole();
    image.bind(other.stack);
    expect(policyActions(other.stack)).toEqual([]);
  });

  test('fromEcrRepository: default tag latest, digest as @sha256, description names repo and tag', () => {
    const { stack, role } = stackWithRole();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'models');
    const def = ServingImage.fromEcrRepository(repo);
    expect(def.description).toBe('ecr S/Repo:latest');
    expect(stack.resolve(def.bind(stack).imageUri)).toEqual({ 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/models:latest']] });
    expect(stack.resolve(ServingImage.fromEcrRepository(repo, DIGEST).bind(stack, role).imageUri))
      .toEqual({ 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, `/models@${DIGEST}`]] });
    expect(policyActions(stack)).toEqual(expect.arrayContaining(['ecr:BatchGetImage']));
  });

  test('fromEcrRepository: tag rules (anchored, 128 characters), full message', () => {
    const stack = new Stack();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'models');
    expect(() => ServingImage.fromEcrRepository(repo, 'T'.repeat(128))).not.toThrow();
    expect(() => ServingImage.fromEcrRepository(repo, 'T'.repeat(129))).toThrow(/is not a valid image tag/);
    // a bad first character with a valid tail (the pattern must be anchored at the start)
    expect(() => ServingImage.fromEcrRepository(repo, '-1.4.0')).toThrow(
      /^ServingImage\.fromEcrRepository: 'tagOrDigest' \("-1\.4\.0"\) is not a valid image tag or sha256 digest\. Fix: Pass a tag such as '1\.4\.0' or 'sha256:<64 hex>'\.$/,
    );
    expect(() => ServingImage.fromEcrRepository(repo, 'bad tag')).toThrow(/is not a valid image tag/);
    expect(() => ServingImage.fromEcrRepository(repo, Token.asString({ Ref: 'Tag' }))).not.toThrow();
  });

  test('fromRegistry: untagged, uppercase tags, digests accepted; trailing junk, long tags, bad digests rejected', () => {
    const ok = [
      'nvcr.io/nvidia/tritonserver',
      'nvcr.io/nvidia/tritonserver:Latest_GPU',
      `nvcr.io/nvidia/tritonserver@${DIGEST}`,
      'repo:' + 'T'.repeat(128),
    ];
    for (const uri of ok) {
      const image = ServingImage.fromRegistry(uri);
      expect(image.description).toBe(`image ${uri}`);
      expect(image.bind(new Stack()).imageUri).toBe(uri);
    }
    const bad = [
      'nvcr.io/nvidia/tritonserver:24.08 extra',
      'repo:' + 'T'.repeat(129),
      'repo@sha256:' + 'zz'.repeat(32),
      'repo@sha256:abc',
    ];
    for (const uri of bad) {
      expect(() => ServingImage.fromRegistry(uri)).toThrow(/is not an image reference/);
    }
    expect(() => ServingImage.fromRegistry('Not An Image')).toThrow(
      "ServingImage.fromRegistry: 'imageUri' (\"Not An Image\") is not an image reference. Fix: Pass e.g. "
      + "'763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311' or 'nvcr.io/nvidia/tritonserver:24.08-py3'.",
    );
  });
});

describe('error-rate math, standard cron, checkRange (mutation survivors)', () => {
  const errors = new cloudwatch.Metric({ namespace: 'N', metricName: 'Errors' });
  const requests = new cloudwatch.Metric({ namespace: 'N', metricName: 'Requests' });

  test('minRequests 0 guards with inv > 0; 1 with inv >= 1 (kills > vs >= and the constant condition)', () => {
    expect(errorRatePercent({ errors, requests, minRequests: 0, period: Duration.minutes(1) }).expression).toBe('IF(inv > 0, 100 * err / inv, 0)');
    expect(errorRatePercent({ errors, requests, minRequests: 1, period: Duration.minutes(1) }).expression).toBe('IF(inv >= 1, 100 * err / inv, 0)');
    expect(errorRatePercent({ errors, requests, minRequests: 10, period: Duration.minutes(1), idSuffix: '0' }).expression).toBe('IF(inv0 >= 10, 100 * err0 / inv0, 0)');
  });

  test('metrics become Sum; an expression is used as is; label and period are the expression\'s', () => {
    // (asSum's `instanceof Metric` -> true mutant is equivalent: MathExpression.with({ statistic }) returns the
    // same expression, and MathExpression only accepts IMetrics that implement `with`.)
    const expr = new cloudwatch.MathExpression({ expression: 'e1 + e2', usingMetrics: { e1: errors, e2: errors } });
    const math = errorRatePercent({ errors: expr, requests, minRequests: 0, period: Duration.minutes(5), label: 'Error rate' });
    expect(math.usingMetrics.err).toBe(expr);
    expect((math.usingMetrics.inv as cloudwatch.Metric).statistic).toBe('Sum');
    expect((math.usingMetrics.inv as cloudwatch.Metric).metricName).toBe('Requests');
    expect(math.label).toBe('Error rate');
    expect(math.period.toMinutes()).toBe(5);
  });

  test('defaultMinRequests: unknown (undefined) for a token, NaN, a negative or a string; 1,000 for 0%', () => {
    for (const v of [Token.asNumber({ Ref: 'T' }), NaN, -Infinity, -0.5, '5' as unknown as number]) {
      expect(defaultMinRequests(v)).toBeUndefined();
    }
    expect(defaultMinRequests(0)).toBe(1000);
    expect(defaultMinRequests(5)).toBe(20);
  });

  test("toStandardCron: '?' reads as '*' in the week-day field; omitted fields are '*'", () => {
    expect(toStandardCron({ minute: '0', hour: '7', weekDay: '?' })).toBe('0 7 * * *');
    expect(toStandardCron({ minute: '30', day: '1', month: 'JAN' })).toBe('30 * 1 JAN *');
    expect(toStandardCron({})).toBe('* * * * *');
  });

  test('checkInteger without a fix names the range in the fix, open-ended or bounded', () => {
    expect(() => checkInteger('W', 'p', 1.5, 0)).toThrow(/^W: 'p' \(1\.5\) must be an integer >= 0\. Fix: Pass an integer >= 0\.$/);
    expect(() => checkInteger('W', 'p', 6, 1, 5)).toThrow(/^W: 'p' \(6\) must be an integer from 1 to 5\. Fix: Pass an integer from 1 to 5\.$/);
    expect(() => checkInteger('W', 'p', 0, 1, 5, 'Custom.')).toThrow(/Fix: Custom\.$/);
    expect(() => checkInteger('W', 'p', 5, 1, 5)).not.toThrow();
  });

  test('checkRange without a fix names the range in the fix; NaN is rejected', () => {
    expect(() => checkRange('W', 'p', 6, 1, 5)).toThrow(/^W: 'p' \(6\) must be between 1 and 5\. Fix: Pass a value from 1 to 5\.$/);
    expect(() => checkRange('W', 'p', NaN, 1, 5)).toThrow(/'p' \(NaN\) must be between 1 and 5/);
    expect(() => checkRange('W', 'p', 5, 1, 5)).not.toThrow();
    expect(() => checkRange('W', 'p', Token.asNumber({ Ref: 'X' }), 1, 5)).not.toThrow();
  });
});
