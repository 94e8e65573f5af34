import { Template } from 'aws-cdk-lib/assertions';
import { HardwareTarget, ModelArtifact, ModelWeights, ServingImage } from '../../lib';
import { EndpointMode, ManagedEndpoint, ModelHosting } from '../../lib/managed-endpoint';
import { bucketOf, construct, endpointStack, newStack, only, repoOf } from './helpers';

/*
 * Issue 14: the model container gets the lanes' one MODEL_* contract (core modelEnvironment), with
 * MODEL_LOCAL_DIR where SageMaker puts single-model weights, and every value within SageMaker's
 * 1024 bytes per environment value (ContainerDefinition.Environment).
 */

function environmentOf(stack: ReturnType<typeof newStack>): { [name: string]: unknown } {
  return only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Environment;
}

/** An artifact whose model card JSON is exactly `bytes` long. */
function artifactWithCard(stack: ReturnType<typeof newStack>, bytes: number): ModelArtifact {
  const make = (n: number) => ModelArtifact.fromBucket(bucketOf(stack), 'assistant/1.4.0/model.tar.gz', {
    name: 'assistant', version: '1.4.0', framework: 'pytorch', image: ServingImage.fromEcrRepository(repoOf(stack), 'cpu-1.4.0'),
    targets: [HardwareTarget.CPU_X86_64], card: { intendedUse: 'x'.repeat(n) },
  });
  const base = Buffer.byteLength(make(1).cardJson()) - 1;
  const artifact = make(bytes - base);
  expect(Buffer.byteLength(artifact.cardJson())).toBe(bytes);
  return artifact;
}

test('user variables sit beside the MODEL_* contract', () => {
  const env = environmentOf(endpointStack({ environment: { LOG_LEVEL: 'info' } }).stack);
  expect(env).toEqual(expect.objectContaining({ LOG_LEVEL: 'info', MODEL_NAME: 'assistant', MODEL_S3_URI: 's3://model-bucket/assistant/1.4.0/model.tar.gz', MODEL_LOCAL_DIR: '/opt/ml/model' }));
});

test('multi-model hosting: the prefix in MODEL_S3_URI, no MODEL_LOCAL_DIR (SageMaker loads each model into a directory of its own)', () => {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: new ModelArtifact({ name: 'tenants', version: '7', weights: ModelWeights.fromBucketPrefix(bucketOf(stack), 'tenants/7/'), image: ServingImage.fromEcrRepository(repoOf(stack), 'mme') }),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
  });
  const env = environmentOf(stack);
  expect(env).toEqual(expect.objectContaining({ MODEL_S3_URI: 's3://model-bucket/tenants/7/', MODEL_S3_KEY: 'tenants/7/', MODEL_S3_IS_PREFIX: 'true', MODEL_COMPRESSED: 'false' }));
  expect(env.MODEL_LOCAL_DIR).toBeUndefined();
});

test('an uncompressed prefix hosted as one model: MODEL_LOCAL_DIR /opt/ml/model (SageMaker copies the prefix there)', () => {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: new ModelArtifact({ name: 'llm', version: '2', weights: ModelWeights.fromBucketPrefix(bucketOf(stack), 'llm/2/'), image: ServingImage.fromEcrRepository(repoOf(stack), 'llm-2') }),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    hosting: ModelHosting.SINGLE_MODEL,
  });
  expect(environmentOf(stack)).toEqual(expect.objectContaining({ MODEL_S3_IS_PREFIX: 'true', MODEL_COMPRESSED: 'false', MODEL_LOCAL_DIR: '/opt/ml/model' }));
});

test('a model card of 1024 bytes is passed; 1025 bytes is rejected (SageMaker allows 1024 bytes per environment value)', () => {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', { artifact: artifactWithCard(stack, 1024), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
  expect(Buffer.byteLength(environmentOf(stack).MODEL_CARD as string)).toBe(1024);
  expect(construct(s => ({ artifact: artifactWithCard(s, 1025) })))
    .toThrow(/Test\/Endpoint: 'artifact' \("assistant@1.4.0: MODEL_CARD of 1025 bytes"\) exceeds the 1024 bytes SageMaker allows per environment value \(ContainerDefinition.Environment\)\. Fix: Shorten the model card/);
});
