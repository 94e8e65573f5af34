import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HardwareTarget, ModelArtifact, ModelWeights, ServingImage } from '../../lib';
import { EndpointMode, ManagedEndpoint, ManagedEndpointProps } from '../../lib/managed-endpoint';

/** Shared fixtures of the managed-endpoint tests: bucket/ECR artifacts, no asset staging. */

export const ENV = { account: '111122223333', region: 'eu-west-1' };

export function newStack(props: StackProps = { env: ENV }, id = 'Test'): Stack {
  return new Stack(new App(), id, props);
}

export function bucketOf(stack: Stack): s3.IBucket {
  return (stack.node.tryFindChild('Models') as s3.IBucket) ?? s3.Bucket.fromBucketName(stack, 'Models', 'model-bucket');
}

export function repoOf(stack: Stack): ecr.IRepository {
  return (stack.node.tryFindChild('Repo') as ecr.IRepository) ?? ecr.Repository.fromRepositoryName(stack, 'Repo', 'assistant-serving');
}

/** assistant@version: a CPU build (object) and an NVIDIA GPU variant, images in the stack's ECR repository. */
export function artifact(stack: Stack, version = '1.4.0'): ModelArtifact {
  const bucket = bucketOf(stack);
  return ModelArtifact.fromBucket(bucket, `assistant/${version}/model.tar.gz`, {
    name: 'assistant',
    version,
    framework: 'pytorch',
    image: ServingImage.fromEcrRepository(repoOf(stack), `cpu-${version}`),
    targets: [HardwareTarget.CPU_X86_64],
    variants: [{
      target: HardwareTarget.NVIDIA_GPU,
      weights: ModelWeights.fromBucket(bucket, `assistant/${version}/fp16/model.tar.gz`),
      image: ServingImage.fromEcrRepository(repoOf(stack), `gpu-${version}`),
    }],
  });
}

/** A real-time ml.m5.large endpoint `Endpoint` in a new stack, with `extra` props; returns the stack. */
export function endpointStack(extra: Partial<ManagedEndpointProps> = {}, instanceType = 'ml.m5.large'): { stack: Stack; endpoint: ManagedEndpoint } {
  const stack = newStack();
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.realTime({ instanceType }),
    ...extra,
  });
  return { stack, endpoint };
}

/** Build the endpoint in a fresh stack (for rejection tests). */
export function construct(fn: (stack: Stack) => Partial<ManagedEndpointProps>): () => ManagedEndpoint {
  return () => {
    const stack = newStack();
    const extra = fn(stack);
    return new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), ...extra });
  };
}

/** Every IAM policy statement of the template. */
export function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** Statements whose Action is (or includes) `action`. */
export function statementsWith(template: Template, action: string): any[] {
  return policyStatements(template).filter(s => ([] as string[]).concat(s.Action).includes(action));
}

/** The only resource of a type (fails if there is not exactly one). */
export function only(template: Template, type: string): { logicalId: string; Properties: any } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) { throw new Error(`expected one ${type}, found ${found.length}`); }
  const [logicalId, resource] = found[0];
  return { logicalId, Properties: (resource as any).Properties };
}

/** The MODEL_* environment of `artifact(stack, '1.4.0')` on a CPU instance with single-model hosting. */
export const MODEL_ENV_1_4_0 = {
  MODEL_NAME: 'assistant',
  MODEL_VERSION: '1.4.0',
  MODEL_FRAMEWORK: 'pytorch',
  MODEL_PRECISION: 'fp32',
  MODEL_TARGET: 'cpu-x86_64',
  MODEL_S3_URI: 's3://model-bucket/assistant/1.4.0/model.tar.gz',
  MODEL_S3_BUCKET: 'model-bucket',
  MODEL_S3_KEY: 'assistant/1.4.0/model.tar.gz',
  MODEL_S3_IS_PREFIX: 'false',
  MODEL_COMPRESSED: 'true',
  MODEL_CARD: '{"name":"assistant","version":"1.4.0","framework":"pytorch"}',
  // SageMaker extracts a single model's archive into /opt/ml/model.
  MODEL_LOCAL_DIR: '/opt/ml/model',
};
