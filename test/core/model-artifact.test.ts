import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, ServingImage,
} from '../../lib';
import { checkModelDataRegion } from '../../lib/core/private/validation';

const MODEL = path.join(__dirname, '..', '..', 'examples', 'shared', 'model');
const FP32 = path.join(MODEL, 'fp32', 'model.tar.gz');
const INT8 = path.join(MODEL, 'int8', 'model.tar.gz');

function stackWithRole(): { stack: Stack; role: iam.Role } {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return { stack, role };
}

function policyStatements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ModelArtifact identity', () => {
  test('keeps name, version, framework, targets and card', () => {
    const a = ModelArtifact.fromAsset(FP32, { name: 'recsys', version: '1.4.0', framework: 'pytorch', card: { intendedUse: 'ranking', owner: 'ml' } });
    expect(a.name).toBe('recsys');
    expect(a.version).toBe('1.4.0');
    expect(a.targets).toEqual([HardwareTarget.CPU_X86_64]);
    expect(JSON.parse(a.cardJson())).toEqual({ name: 'recsys', version: '1.4.0', framework: 'pytorch', intendedUse: 'ranking', owner: 'ml' });
    expect(a.tags()).toEqual({ 'model:name': 'recsys', 'model:version': '1.4.0', 'model:framework': 'pytorch', 'model:owner': 'ml' });
  });

  test.each([
    ['Rec_Sys', /'name' \("Rec_Sys"\) is not DNS-safe.*Use e.g. 'rec-sys'/],
    ['-recsys', /'name' \("-recsys"\) is not DNS-safe/],
    ['a'.repeat(41), /at most 40 characters/],
  ])('rejects non-DNS-safe name %s', (name, msg) => {
    expect(() => ModelArtifact.fromAsset(FP32, { name, version: '1' })).toThrow(msg);
  });

  test('rejects an empty version', () => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '' })).toThrow(/ModelArtifact\(m\): 'version' \(""\) is required. Fix: Pass the model's version/);
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '  ' })).toThrow(/ModelArtifact\(m\): 'version' \(" {2}"\) is required/);
  });

  test('rejects a version with spaces or slashes', () => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1.0 beta' })).toThrow(/'version' \("1.0 beta"\) may only hold letters, digits/);
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: 'v1/2' })).toThrow(/may only hold/);
  });

  test('rejects a malformed digest', () => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', digest: 'md5:abc' })).toThrow(/'digest' \("md5:abc"\) is not a SHA-256 digest/);
  });

  test('rejects duplicate targets and duplicate variant targets', () => {
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', targets: [HardwareTarget.CPU_ARM64, HardwareTarget.CPU_ARM64] }))
      .toThrow(/'targets' .* lists a target twice/);
    expect(() => ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', targets: [], variants: [] })).toThrow(/'targets' \(\[\]\) is empty/);
    expect(() => ModelArtifact.fromAsset(FP32, {
      name: 'm', version: '1',
      variants: [{ target: HardwareTarget.CPU_X86_64, weights: ModelWeights.fromAsset(INT8) }],
    })).toThrow(/'variants\[0\]\.target' \("cpu-x86_64"\) duplicates a target/);
  });

  test('rejects a local path that does not exist', () => {
    expect(() => ModelWeights.fromAsset('/nope/model.tar.gz')).toThrow(/ModelWeights.fromAsset: 'assetPath' \("\/nope\/model.tar.gz"\) does not exist/);
  });
});

describe('ModelArtifact variants', () => {
  const artifact = ModelArtifact.fromAsset(FP32, {
    name: 'recsys', version: '2.0.0',
    variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: ModelWeights.fromAsset(INT8) }],
  });

  test('resolves the primary build and a variant', () => {
    expect(artifact.variantFor(HardwareTarget.CPU_X86_64).primary).toBe(true);
    const edge = artifact.variantFor(HardwareTarget.EDGE_ARM64);
    expect(edge.primary).toBe(false);
    expect(edge.precision).toBe(ModelPrecision.INT8);
    expect(artifact.availableTargets).toEqual([HardwareTarget.CPU_X86_64, HardwareTarget.EDGE_ARM64]);
  });

  test('a target with no build is a clear error listing the targets it has', () => {
    expect(() => artifact.variantFor(HardwareTarget.NVIDIA_GPU, 'Stack/Gpu'))
      .toThrow(/Stack\/Gpu: 'artifact' \(recsys@2.0.0\) has no build for hardware target 'nvidia-gpu' \(it has: cpu-x86_64, edge-arm64\).*HardwareTarget.NVIDIA_GPU/);
  });

  test('binding a variant uses its own weights and digest (sha256 of the file)', () => {
    const { stack, role } = stackWithRole();
    const b = artifact.bind(stack, { grantee: role, target: HardwareTarget.EDGE_ARM64 });
    expect(b.target).toBe(HardwareTarget.EDGE_ARM64);
    expect(b.precision).toBe(ModelPrecision.INT8);
    expect(b.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const primary = artifact.bind(stack, {});
    expect(primary.digest).not.toEqual(b.digest);
    expect(b.tags['model:target']).toBe('edge-arm64');
  });
});

describe('ModelArtifact.bind grants', () => {
  test('an S3 object: read on exactly that object, never s3:* or *', () => {
    const { stack, role } = stackWithRole();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models-bucket');
    const a = ModelArtifact.fromBucket(bucket, 'recsys/1.4.0/model.tar.gz', { name: 'recsys', version: '1.4.0' });
    const b = a.bind(stack, { grantee: role });
    expect(b.modelDataUrl).toBe('s3://models-bucket/recsys/1.4.0/model.tar.gz');
    expect(b.compressed).toBe(true);
    const statements = policyStatements(stack);
    const resources = JSON.stringify(statements.map(s => s.Resource));
    expect(resources).toContain('models-bucket/recsys/1.4.0/model.tar.gz');
    expect(resources).not.toMatch(/models-bucket\/\*"/);
    for (const s of statements) {
      expect([].concat(s.Action)).not.toContain('s3:*');
      expect(s.Resource).not.toBe('*');
    }
  });

  test('an S3 prefix: read on the prefix only', () => {
    const { stack, role } = stackWithRole();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models-bucket');
    const a = new ModelArtifact({ name: 'multi', version: '1', weights: ModelWeights.fromBucketPrefix(bucket, 'tenants/') });
    const b = a.bind(stack, { grantee: role });
    expect(b.isPrefix).toBe(true);
    const statements = policyStatements(stack);
    expect(JSON.stringify(statements)).toContain('models-bucket/tenants/*');
    expect(statements.find(s => s.Action === 's3:ListBucket').Condition).toEqual({ StringLike: { 's3:prefix': ['tenants/*'] } });
  });

  test('prefix and key validation', () => {
    const stack = new Stack();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'bkt');
    expect(() => ModelWeights.fromBucketPrefix(bucket, 'tenants')).toThrow(/'prefix' \("tenants"\) must end with '\/'. Fix: Pass 'tenants\/'/);
    expect(() => ModelWeights.fromBucket(bucket, '/abs/key')).toThrow(/'key' \("\/abs\/key"\) must be a non-empty key without a leading slash/);
    expect(() => ModelWeights.fromBucket(bucket, 'k', { digest: 'sha256:xyz' })).toThrow(/is not a SHA-256 digest/);
  });

  test('a local asset: one asset per stack, read on its object key', () => {
    const { stack, role } = stackWithRole();
    const a = ModelArtifact.fromAsset(FP32, { name: 'recsys', version: '1' });
    const b1 = a.bind(stack, { grantee: role });
    const b2 = a.bind(stack, {});
    expect(b1.objectKey).toEqual(b2.objectKey);
    expect(stack.node.findAll().filter(c => c.node.id.startsWith('ModelWeights')).length).toBe(1);
    const statements = policyStatements(stack);
    const read = statements.find(s => s.Action === 's3:GetObject');
    expect(JSON.stringify(read.Resource)).toContain(b1.objectKey!);
    expect(JSON.stringify(statements)).not.toMatch(/s3:GetObject\*|s3:List\*|s3:GetBucket\*/);
  });

  test('a model package: DescribeModelPackage on that ARN only', () => {
    const { stack, role } = stackWithRole();
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3';
    const a = ModelArtifact.fromModelPackage(arn, { name: 'recsys', version: '3' });
    const b = a.bind(stack, { grantee: role });
    expect(b.modelPackageArn).toBe(arn);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sagemaker:DescribeModelPackage', Resource: arn })] },
    });
    expect(() => ModelWeights.fromModelPackage('recsys/3')).toThrow(/'modelPackageArn' \("recsys\/3"\) is not a SageMaker model package ARN/);
  });
});

describe('ServingImage', () => {
  test('ECR image: pull granted on the repository, tag and digest URIs', () => {
    const { stack, role } = stackWithRole();
    const repo = ecr.Repository.fromRepositoryName(stack, 'R', 'serving');
    const tagged = ServingImage.fromEcrRepository(repo, '1.4.0').bind(stack, role);
    expect(stack.resolve(tagged.imageUri)).toEqual({ 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/serving:1.4.0']] });
    const digest = 'sha256:' + 'a'.repeat(64);
    expect(stack.resolve(ServingImage.fromEcrRepository(repo, digest).bind(stack).imageUri))
      .toEqual({ 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, `/serving@${digest}`]] });
    const statements = policyStatements(stack);
    const pull = statements.find(s => ([] as string[]).concat(s.Action).includes('ecr:BatchGetImage'));
    expect(JSON.stringify(pull.Resource)).toContain('repository/serving');
  });

  test('registry image is passed through, bad references rejected', () => {
    expect(ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3').bind(new Stack()).imageUri).toBe('nvcr.io/nvidia/tritonserver:24.08-py3');
    expect(() => ServingImage.fromRegistry('Not An Image')).toThrow(/ServingImage.fromRegistry: 'imageUri' \("Not An Image"\) is not an image reference/);
    const repo = ecr.Repository.fromRepositoryName(new Stack(), 'R', 'serving');
    expect(() => ServingImage.fromEcrRepository(repo, 'bad tag!')).toThrow(/'tagOrDigest' \("bad tag!"\) is not a valid image tag/);
  });

  test('the artifact binds its image with its weights', () => {
    const { stack, role } = stackWithRole();
    const a = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', image: ServingImage.fromRegistry('public.ecr.aws/x/y:1') });
    expect(a.bind(stack, { grantee: role }).imageUri).toBe('public.ecr.aws/x/y:1');
  });
});

describe('ModelArtifact sharing', () => {
  test('two versions pointing at the same file share one asset in a stack', () => {
    const { stack, role } = stackWithRole();
    const a = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1' });
    const b = ModelArtifact.fromAsset(FP32, { name: 'm', version: '2' });
    expect(a.bind(stack, { grantee: role }).objectKey).toEqual(b.bind(stack, { grantee: role }).objectKey);
  });

  test('includeImage: false skips the image', () => {
    const { stack } = stackWithRole();
    const a = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', image: ServingImage.fromRegistry('public.ecr.aws/x/y:1') });
    expect(a.bind(stack, { includeImage: false }).imageUri).toBeUndefined();
  });
});

test('grantImagePull: false binds the image without granting pull', () => {
  const { stack, role } = stackWithRole();
  const repo = ecr.Repository.fromRepositoryName(stack, 'R2', 'serving');
  const a = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1', image: ServingImage.fromEcrRepository(repo, '1') });
  const b = a.bind(stack, { grantee: role, grantImagePull: false });
  expect(stack.resolve(b.imageUri)).toEqual({ 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/serving:1']] });
  expect(JSON.stringify(policyStatements(stack))).not.toContain('ecr:');
  expect(policyStatements(stack).map(st => st.Action)).toEqual(['s3:GetObject']);
});

describe('ModelArtifact.bind: Region of the weights\' bucket (bucketRegion), where it is knowable', () => {
  const KEY = 'recsys/1.4.0/model.tar.gz';
  function bindIn(stack: Stack, weights: ModelWeights): string | undefined {
    const binding = new ModelArtifact({ name: 'recsys', version: '1.4.0', weights }).bind(stack);
    expect(binding.bucketRegion).toBe(weights.bind(stack).bucketRegion); // the binding passes the weights' Region on
    return binding.bucketRegion;
  }

  test('a bucket imported with fromBucketAttributes({ region }) in another Region: that Region', () => {
    const { stack } = stackWithRole();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'B', { bucketName: 'models-eu', region: 'eu-west-1' });
    expect(bindIn(stack, ModelWeights.fromBucket(bucket, KEY))).toBe('eu-west-1');
    expect(bindIn(stack, ModelWeights.fromBucketPrefix(bucket, 'recsys/'))).toBe('eu-west-1');
  });

  test('a bucket imported with a Region into an environment-agnostic stack: that Region', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'B', { bucketName: 'models-eu', region: 'eu-west-1' });
    expect(bindIn(stack, ModelWeights.fromBucket(bucket, KEY))).toBe('eu-west-1');
  });

  test('a bucket created in the same stack: the stack\'s Region', () => {
    const { stack } = stackWithRole();
    expect(bindIn(stack, ModelWeights.fromBucket(new s3.Bucket(stack, 'Weights'), KEY))).toBe('us-east-1');
  });

  test('a bucket created in another stack of the app: that stack\'s Region, not the binding stack\'s', () => {
    const app = new App();
    const eu = new Stack(app, 'Eu', { env: { account: '123456789012', region: 'eu-central-1' } });
    const us = new Stack(app, 'Us', { env: { account: '123456789012', region: 'us-east-1' } });
    expect(bindIn(us, ModelWeights.fromBucket(new s3.Bucket(eu, 'Weights'), KEY))).toBe('eu-central-1');
  });

  test('a local asset: the binding stack\'s Region (a token in an environment-agnostic stack)', () => {
    const { stack } = stackWithRole();
    expect(bindIn(stack, ModelWeights.fromAsset(FP32))).toBe('us-east-1');
    const agnostic = new Stack(new App(), 'Agnostic');
    const region = bindIn(agnostic, ModelWeights.fromAsset(FP32));
    expect(Token.isUnresolved(region)).toBe(true);
    expect(agnostic.resolve(region)).toEqual({ Ref: 'AWS::Region' });
  });

  test('unknown: a bucket imported without a Region (fromBucketName, fromBucketArn, attributes without region), a model package', () => {
    const { stack } = stackWithRole();
    expect(bindIn(stack, ModelWeights.fromBucket(s3.Bucket.fromBucketName(stack, 'N', 'models-bucket'), KEY))).toBeUndefined();
    expect(bindIn(stack, ModelWeights.fromBucket(s3.Bucket.fromBucketArn(stack, 'A', 'arn:aws:s3:::models-bucket'), KEY))).toBeUndefined();
    expect(bindIn(stack, ModelWeights.fromBucket(s3.Bucket.fromBucketAttributes(stack, 'T', { bucketName: 'models-bucket' }), KEY))).toBeUndefined();
    expect(bindIn(stack, ModelWeights.fromModelPackage('arn:aws:sagemaker:eu-west-1:123456789012:model-package/recsys/3'))).toBeUndefined();
  });

  test('an import that names the importing stack\'s own Region reads as unknown (indistinguishable from aws-cdk-lib\'s assumption)', () => {
    const { stack } = stackWithRole();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'B', { bucketName: 'models-bucket', region: 'us-east-1' });
    expect(bindIn(stack, ModelWeights.fromBucket(bucket, KEY))).toBeUndefined();
  });
});

describe('checkModelDataRegion (lib/core/private/validation): one wording for model data in another Region', () => {
  const REASON = "SageMaker reads model data only from a bucket in the endpoint's Region";
  function laneIn(region?: string): Construct {
    const stack = new Stack(new App(), 'S', region ? { env: { account: '123456789012', region } } : {});
    return new Construct(stack, 'Lane');
  }
  function bindingIn(lane: Construct, bucketRegion?: string) {
    const stack = Stack.of(lane);
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'B', { bucketName: 'models-eu', region: bucketRegion });
    return new ModelArtifact({ name: 'recsys', version: '1.4.0', weights: ModelWeights.fromBucket(bucket, 'recsys/model.tar.gz') }).bind(lane);
  }

  test('a bucket in another Region is rejected naming the URI, both Regions, the reason and a fix', () => {
    const lane = laneIn('us-east-1');
    expect(() => checkModelDataRegion(lane, 'artifact', bindingIn(lane, 'eu-west-1'), REASON)).toThrow(
      "S/Lane: 'artifact' (\"s3://models-eu/recsys/model.tar.gz\") is in Region eu-west-1, but the lane is in us-east-1: SageMaker reads model data only from a bucket in the endpoint's Region. " +
      'Fix: Copy the weights to a bucket in us-east-1 (e.g. with S3 Cross-Region Replication) and pass that bucket, or deploy the lane in eu-west-1.');
  });

  test('skipped when either Region is unknown: a bucket imported without a Region, an environment-agnostic lane, an asset', () => {
    const lane = laneIn('us-east-1');
    expect(() => checkModelDataRegion(lane, 'artifact', bindingIn(lane, undefined), REASON)).not.toThrow();
    const agnostic = laneIn(undefined);
    expect(() => checkModelDataRegion(agnostic, 'artifact', bindingIn(agnostic, 'eu-west-1'), REASON)).not.toThrow();
    const asset = ModelArtifact.fromAsset(FP32, { name: 'recsys', version: '1' }).bind(lane);
    expect(() => checkModelDataRegion(lane, 'artifact', asset, REASON)).not.toThrow();
  });

  test('the same Region passes', () => {
    const lane = laneIn('eu-west-1');
    const bucket = new s3.Bucket(Stack.of(lane), 'Weights');
    const b = new ModelArtifact({ name: 'recsys', version: '1', weights: ModelWeights.fromBucket(bucket, 'm.tar.gz') }).bind(lane);
    expect(b.bucketRegion).toBe('eu-west-1');
    expect(() => checkModelDataRegion(lane, 'artifact', b, REASON)).not.toThrow();
  });
});
