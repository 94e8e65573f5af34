import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelArtifact, ModelWeights } from '../../lib';
import { MODEL_ENV_NAMES, modelEnvironment } from '../../lib/core/private/model-environment';
import { checkNoModelEnvOverride } from '../../lib/core/private/validation';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');
const DIGEST = 'sha256:' + 'b'.repeat(64);

function stack(): Stack {
  return new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
}

describe('modelEnvironment: one MODEL_* contract for every lane', () => {
  test('an S3 object with a digest: identity, location, digest, card and the local directory', () => {
    const s = stack();
    const bucket = s3.Bucket.fromBucketName(s, 'B', 'models');
    const binding = new ModelArtifact({ name: 'recsys', version: '1.4.0', framework: 'pytorch', digest: DIGEST, weights: ModelWeights.fromBucket(bucket, 'recsys/model.tar.gz') }).bind(s);
    expect(modelEnvironment(binding, '/tmp/model')).toEqual({
      MODEL_NAME: 'recsys', MODEL_VERSION: '1.4.0', MODEL_FRAMEWORK: 'pytorch', MODEL_PRECISION: 'fp32', MODEL_TARGET: 'cpu-x86_64',
      MODEL_S3_URI: 's3://models/recsys/model.tar.gz', MODEL_S3_BUCKET: 'models', MODEL_S3_KEY: 'recsys/model.tar.gz',
      MODEL_S3_IS_PREFIX: 'false', MODEL_COMPRESSED: 'true', MODEL_DIGEST: DIGEST,
      MODEL_CARD: '{"name":"recsys","version":"1.4.0","framework":"pytorch"}', MODEL_LOCAL_DIR: '/tmp/model',
    });
  });

  test('a prefix without a digest and without a local directory: no MODEL_DIGEST, no MODEL_LOCAL_DIR (nothing invented)', () => {
    const s = stack();
    const bucket = s3.Bucket.fromBucketName(s, 'B', 'models');
    const env = modelEnvironment(new ModelArtifact({ name: 'multi', version: '2', weights: ModelWeights.fromBucketPrefix(bucket, 'tenants/') }).bind(s));
    expect(env).toMatchObject({ MODEL_S3_URI: 's3://models/tenants/', MODEL_S3_KEY: 'tenants/', MODEL_S3_IS_PREFIX: 'true', MODEL_COMPRESSED: 'false' });
    expect(env).not.toHaveProperty('MODEL_DIGEST');
    expect(env).not.toHaveProperty('MODEL_LOCAL_DIR');
  });

  test('a local asset: the assets bucket of the stack environment and the asset key; the file digest is known', () => {
    const s = stack();
    const env = modelEnvironment(ModelArtifact.fromAsset(FP32, { name: 'recsys', version: '1' }).bind(s));
    expect(env.MODEL_S3_BUCKET).toBe('cdk-hnb659fds-assets-123456789012-us-east-1');
    expect(env.MODEL_S3_URI).toBe(`s3://cdk-hnb659fds-assets-123456789012-us-east-1/${env.MODEL_S3_KEY}`);
    expect(env.MODEL_DIGEST).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('a model package has no S3 location: no MODEL_S3_* variables', () => {
    const s = stack();
    const env = modelEnvironment(ModelArtifact.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3', { name: 'recsys', version: '3' }).bind(s));
    expect(Object.keys(env).filter(k => k.startsWith('MODEL_S3_') || k === 'MODEL_COMPRESSED')).toEqual([]);
    expect(env.MODEL_VERSION).toBe('3');
  });

  test('every name it sets is in MODEL_ENV_NAMES, and an override of one gets the shared message', () => {
    const s = stack();
    const bucket = s3.Bucket.fromBucketName(s, 'B', 'models');
    const env = modelEnvironment(new ModelArtifact({ name: 'recsys', version: '1', digest: DIGEST, weights: ModelWeights.fromBucket(bucket, 'm.tar.gz') }).bind(s), '/tmp/model');
    expect(Object.keys(env).sort()).toEqual([...MODEL_ENV_NAMES].sort());
    expect(() => checkNoModelEnvOverride('S/Fn', 'environment', { MODEL_S3_URI: 's3://other/m.tar.gz' }, MODEL_ENV_NAMES)).toThrow(
      "S/Fn: 'environment.MODEL_S3_URI' (\"s3://other/m.tar.gz\") is set by the lane from the artifact. Fix: Drop MODEL_S3_URI; the lane sets " +
      'MODEL_NAME, MODEL_VERSION, MODEL_FRAMEWORK, MODEL_PRECISION, MODEL_TARGET, MODEL_S3_URI, MODEL_S3_BUCKET, MODEL_S3_KEY, MODEL_S3_IS_PREFIX, MODEL_COMPRESSED, MODEL_DIGEST, MODEL_CARD, MODEL_LOCAL_DIR.');
  });
});
