/**
 * Written against the survivors and uncovered mutants of `npm run mutate -- core` in
 * lib/core/model-weights.ts (digest check, prefix errors), lib/core/private/nag.ts (missing id or
 * reason, merging acknowledgements of the same rule) and the ShadowTraffic candidate check.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ModelArtifact, ModelWeights, ShadowTraffic } from '../../lib';
import { acknowledgeNagFindings } from '../../lib/core/private/nag';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');
const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);

function bucket(): s3.IBucket {
  return s3.Bucket.fromBucketName(new Stack(new App(), 'S'), 'B', 'models');
}

describe('ModelWeights digest and key checks', () => {
  test('a valid digest is accepted and reaches the binding (kills the always-reject mutant)', () => {
    const b = bucket();
    const weights = ModelWeights.fromBucket(b, 'm/model.tar.gz', { digest: DIGEST });
    expect(weights.bind(b.stack as Stack).digest).toBe(DIGEST);
    expect(() => ModelWeights.fromBucket(b, 'k', { digest: Token.asString({ Ref: 'Digest' }) })).not.toThrow();
  });

  test('a malformed digest: full message with the fix', () => {
    expect(() => ModelWeights.fromBucket(bucket(), 'k', { digest: DIGEST.toUpperCase() })).toThrow(
      `ModelWeights.fromBucket: 'options.digest' ("${DIGEST.toUpperCase()}") is not a SHA-256 digest. Fix: Pass 'sha256:' followed by 64 lowercase hex characters (e.g. the output of \`sha256sum\`).`,
    );
    expect(() => ModelWeights.fromBucket(bucket(), 'k', { digest: DIGEST + '0' })).toThrow(/is not a SHA-256 digest/);
  });

  test('an empty or absolute prefix names the prop prefix; an empty key names key', () => {
    expect(() => ModelWeights.fromBucketPrefix(bucket(), '')).toThrow(
      "ModelWeights.fromBucketPrefix: 'prefix' (\"\") must be a non-empty key without a leading slash. Fix: Pass e.g. 'models/recsys/1.4.0/model.tar.gz'.",
    );
    expect(() => ModelWeights.fromBucketPrefix(bucket(), '/models/')).toThrow(/^ModelWeights\.fromBucketPrefix: 'prefix' \("\/models\/"\) must be a non-empty key/);
    expect(() => ModelWeights.fromBucket(bucket(), '')).toThrow(/^ModelWeights\.fromBucket: 'key' \(""\) must be a non-empty key/);
    expect(() => ModelWeights.fromBucketPrefix(bucket(), 'models')).toThrow(/^ModelWeights\.fromBucketPrefix: 'prefix' \("models"\) must end with '\/'\. Fix: Pass 'models\/'\.$/);
  });
});

describe('ModelWeights descriptions, asset ids, compression', () => {
  test('descriptions name the source', () => {
    const b = bucket();
    expect(ModelWeights.fromBucket(b, 'm/model.tar.gz').description).toBe('s3 object m/model.tar.gz');
    expect(ModelWeights.fromBucketPrefix(b, 'm/').description).toBe('s3 prefix m/');
    expect(ModelWeights.fromAsset(FP32).description).toBe(`local asset ${FP32}`);
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3';
    expect(ModelWeights.fromModelPackage(arn).description).toBe(`model package ${arn}`);
  });

  test('model package ARNs: anchored at the start, any partition; full message', () => {
    expect(() => ModelWeights.fromModelPackage('arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/recsys/3')).not.toThrow();
    expect(() => ModelWeights.fromModelPackage('x-arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3')).toThrow(
      "ModelWeights.fromModelPackage: 'modelPackageArn' (\"x-arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3\") is not a SageMaker model package ARN. "
      + "Fix: Pass 'arn:aws:sagemaker:REGION:ACCOUNT:model-package/NAME/VERSION'.",
    );
    expect(() => ModelWeights.fromModelPackage('arn:aws:sagemaker:us-east-1:12345678901:model-package/recsys/3')).toThrow(/is not a SageMaker model package ARN/);
  });

  test('a missing asset path: full message', () => {
    expect(() => ModelWeights.fromAsset('/no/such/model.tar.gz')).toThrow(
      "ModelWeights.fromAsset: 'assetPath' (\"/no/such/model.tar.gz\") does not exist. Fix: Pass the path of a model file or directory that exists at synth time.",
    );
  });

  test('an asset is one construct per stack named from the path hash; it is an object, compressed only for a .tar.gz/.tgz ending', () => {
    const stack = new Stack(new App(), 'S');
    const c = ModelWeights.fromAsset(FP32).bind(stack);
    const id = 'ModelWeights' + crypto.createHash('sha256').update(path.resolve(FP32)).digest('hex').slice(0, 8);
    expect(stack.node.tryFindChild(id)).toBeInstanceOf(Construct);
    expect(c.isPrefix).toBe(false);
    expect(c.compressed).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weights-'));
    try {
      for (const [name, compressed] of [['model.tgz', true], ['model.tar.gz.sha256', false], ['model.tgz.old', false], ['model.bin', false]] as const) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, name);
        expect([name, ModelWeights.fromAsset(file).bind(stack).compressed]).toEqual([name, compressed]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('acknowledgeNagFindings', () => {
  function queue(): sqs.CfnQueue {
    const q = new sqs.Queue(new Stack(new App(), 'S'), 'Q');
    return q.node.defaultChild as sqs.CfnQueue;
  }
  const rules = (cfn: sqs.CfnQueue) => (cfn.getMetadata('cdk_nag') as { rules_to_suppress: unknown[] }).rules_to_suppress;

  test('a missing id or reason is rejected (not replaced by a placeholder)', () => {
    const cfn = queue();
    expect(() => acknowledgeNagFindings(cfn, [{ id: undefined as unknown as string, reason: 'a long enough reason' }])).toThrow(
      /^S\/Q\/Resource: 'findings\[0\]\.id' is empty\. Fix: Pass the cdk-nag rule id, e\.g\. 'AwsSolutions-SQS3'\.$/,
    );
    expect(() => acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-SQS3', reason: undefined as unknown as string }])).toThrow(
      /^S\/Q\/Resource: 'findings\[0\]\.reason' is shorter than 10 characters/,
    );
    expect(cfn.getMetadata('cdk_nag')).toBeUndefined();
  });

  test('granular acknowledgements of one rule are merged (applies_to unioned, first reason kept)', () => {
    const cfn = queue();
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-IAM5', reason: 'first reason, long enough', appliesTo: ['Resource::a'] }]);
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-IAM5', reason: 'second reason, long enough', appliesTo: ['Resource::b', 'Resource::a'] }]);
    expect(rules(cfn)).toEqual([{ id: 'AwsSolutions-IAM5', reason: 'first reason, long enough', applies_to: ['Resource::a', 'Resource::b'] }]);
  });

  test('a rule-level entry absorbs granular ones: a later rule-level reason wins, a later granular one keeps the rule-level entry', () => {
    const cfn = queue();
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-SQS3', reason: 'granular reason here', appliesTo: ['x'] }]);
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-SQS3', reason: 'rule-level reason here' }]);
    expect(rules(cfn)).toEqual([{ id: 'AwsSolutions-SQS3', reason: 'rule-level reason here' }]);
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-SQS3', reason: 'another granular one', appliesTo: ['y'] }]);
    expect(rules(cfn)).toEqual([{ id: 'AwsSolutions-SQS3', reason: 'rule-level reason here' }]);
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-SQS3', reason: 'latest rule-level reason' }]);
    expect(rules(cfn)).toEqual([{ id: 'AwsSolutions-SQS3', reason: 'latest rule-level reason' }]);
  });
});

describe('ShadowTraffic candidate', () => {
  test('anything but a ModelArtifact is rejected with the fix', () => {
    const fix = 'Fix: Pass the candidate model as a ModelArtifact (e.g. ModelArtifact.fromAsset(...)).';
    expect(() => new ShadowTraffic({ candidate: undefined as unknown as ModelArtifact, samplePercent: 10 })).toThrow(`ShadowTraffic: 'candidate' is not a ModelArtifact. ${fix}`);
    expect(() => new ShadowTraffic({ candidate: { version: '2' } as unknown as ModelArtifact, samplePercent: 10 })).toThrow(/^ShadowTraffic: 'candidate' \(.*\) is not a ModelArtifact\./);
    expect(() => new ShadowTraffic({ candidate: { bind: () => undefined, version: 2 } as unknown as ModelArtifact, samplePercent: 10 })).toThrow(/is not a ModelArtifact/);
    const candidate = ModelArtifact.fromAsset(FP32, { name: 'm', version: '2' });
    expect(new ShadowTraffic({ candidate, samplePercent: 10 }).candidate).toBe(candidate);
  });
});
