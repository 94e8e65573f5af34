import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelArtifact, ModelWeights, ServingImage } from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { newStack, statementsWith } from './helpers';

/*
 * Issue 21, item 3: every grant path of ModelArtifact.bind, once in this lane, asserted on the
 * execution role's emitted policy (these only fail in a real account: AccessDenied at model load).
 */

function deploy(make: (stack: ReturnType<typeof newStack>) => ModelArtifact): Template {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', { artifact: make(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
  return Template.fromStack(stack);
}

const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const repo = (stack: ReturnType<typeof newStack>) => ecr.Repository.fromRepositoryName(stack, 'Repo', 'serving');

test('weights object: s3:GetObject on exactly that object, no listing', () => {
  const t = deploy(s => ModelArtifact.fromBucket(s3.Bucket.fromBucketName(s, 'B', 'models'), 'assistant/1/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromEcrRepository(repo(s), '1') }));
  expect(statementsWith(t, 's3:GetObject')).toEqual([{
    Action: 's3:GetObject', Effect: 'Allow', Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::models/assistant/1/model.tar.gz'),
  }]);
  expect(statementsWith(t, 's3:ListBucket')).toEqual([]);
  expect(statementsWith(t, 'kms:Decrypt')).toEqual([]);
});

test('weights prefix (multi-model): GetObject under the prefix and ListBucket limited to it', () => {
  const t = deploy(s => new ModelArtifact({ name: 'tenants', version: '7', weights: ModelWeights.fromBucketPrefix(s3.Bucket.fromBucketName(s, 'B', 'models'), 'tenants/7/'), image: ServingImage.fromEcrRepository(repo(s), 'mme') }));
  expect(statementsWith(t, 's3:GetObject')).toEqual([{
    Action: 's3:GetObject', Effect: 'Allow', Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::models/tenants/7/*'),
  }]);
  expect(statementsWith(t, 's3:ListBucket')).toEqual([{
    Action: 's3:ListBucket', Effect: 'Allow', Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::models'),
    Condition: { StringLike: { 's3:prefix': ['tenants/7/*'] } },
  }]);
});

test('weights in a KMS-encrypted bucket: kms:Decrypt on exactly that bucket key', () => {
  const t = deploy(s => {
    const key = kms.Key.fromKeyArn(s, 'BucketKey', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    const bucket = s3.Bucket.fromBucketAttributes(s, 'B', { bucketName: 'secure-models', encryptionKey: key });
    return ModelArtifact.fromBucket(bucket, 'assistant/1/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromEcrRepository(repo(s), '1') });
  });
  expect(statementsWith(t, 'kms:Decrypt')).toEqual([{
    Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555',
  }]);
});

test('ECR image: pull on exactly that repository, authorization token account-wide (no resource-level form)', () => {
  const t = deploy(s => ModelArtifact.fromBucket(s3.Bucket.fromBucketName(s, 'B', 'models'), 'm/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromEcrRepository(repo(s), '1.4.0') }));
  expect(statementsWith(t, 'ecr:BatchGetImage')).toEqual([{
    Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Effect: 'Allow',
    Resource: join('arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:111122223333:repository/serving'),
  }]);
  expect(statementsWith(t, 'ecr:GetAuthorizationToken')).toEqual([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]);
});

test('model package: DescribeModelPackage on exactly that package, no S3 or ECR grant', () => {
  const arn = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/assistant/3';
  const t = deploy(() => ModelArtifact.fromModelPackage(arn, { name: 'assistant', version: '3' }));
  expect(statementsWith(t, 'sagemaker:DescribeModelPackage')).toEqual([{ Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn }]);
  expect(statementsWith(t, 's3:GetObject')).toEqual([]);
  expect(statementsWith(t, 'ecr:BatchGetImage')).toEqual([]);
});

test('a local file asset: GetObject on exactly the uploaded object, not the whole assets bucket', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'me-grants-'));
  const file = path.join(dir, 'model.tar.gz');
  fs.writeFileSync(file, 'weights');
  const t = deploy(s => ModelArtifact.fromAsset(file, { name: 'assistant', version: '1', image: ServingImage.fromEcrRepository(repo(s), '1') }));
  const statements = statementsWith(t, 's3:GetObject');
  expect(statements).toHaveLength(1);
  const resource = JSON.stringify(statements[0].Resource);
  expect(resource).toMatch(/cdk-hnb659fds-assets-111122223333-eu-west-1\/[0-9a-f]{64}\.gz"/);
  expect(resource).not.toContain('/*');
});
