import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelArtifact, ModelWeights, ServingImage } from '../../lib';

/**
 * Every grant path of ModelArtifact.bind, asserted as the exact IAM statements emitted (issue 21
 * class 3): removing or widening any grant fails here, not at run time with AccessDenied.
 */

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const s3Arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${rest}`]] });

function setup() {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return { stack, role };
}

/** The statements of the role's policy (the only policy in these stacks). */
function statements(stack: Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('ModelArtifact.bind: the exact statements granted', () => {
  test('S3 object: s3:GetObject on that key only', () => {
    const { stack, role } = setup();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models');
    ModelArtifact.fromBucket(bucket, 'recsys/1.4.0/model.tar.gz', { name: 'recsys', version: '1.4.0' }).bind(stack, { grantee: role });
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: s3Arn('models/recsys/1.4.0/model.tar.gz') },
    ]);
  });

  test('S3 prefix: s3:GetObject on prefix* and s3:ListBucket on the bucket, conditioned on the prefix', () => {
    const { stack, role } = setup();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models');
    new ModelArtifact({ name: 'multi', version: '1', weights: ModelWeights.fromBucketPrefix(bucket, 'tenants/') }).bind(stack, { grantee: role });
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: s3Arn('models/tenants/*') },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: s3Arn('models'), Condition: { StringLike: { 's3:prefix': ['tenants/*'] } } },
    ]);
  });

  test('KMS-encrypted bucket (imported key): kms:Decrypt on exactly that key', () => {
    const { stack, role } = setup();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'B', { bucketName: 'models', encryptionKey: kms.Key.fromKeyArn(stack, 'K', KEY_ARN) });
    ModelArtifact.fromBucket(bucket, 'recsys/model.tar.gz', { name: 'recsys', version: '1' }).bind(stack, { grantee: role });
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: s3Arn('models/recsys/model.tar.gz') },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });

  test('KMS-encrypted prefix in a bucket of the same stack: kms:Decrypt on that bucket\'s key', () => {
    const { stack, role } = setup();
    const bucket = new s3.Bucket(stack, 'Weights', { encryption: s3.BucketEncryption.KMS });
    new ModelArtifact({ name: 'multi', version: '1', weights: ModelWeights.fromBucketPrefix(bucket, 'p/') }).bind(stack, { grantee: role });
    const keyLogicalId = stack.getLogicalId(bucket.encryptionKey!.node.defaultChild as kms.CfnKey);
    const bucketLogicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketLogicalId, 'Arn'] }, '/p/*']] } },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bucketLogicalId, 'Arn'] }, Condition: { StringLike: { 's3:prefix': ['p/*'] } } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyLogicalId, 'Arn'] } },
    ]);
  });

  test('an unencrypted bucket gets no KMS statement (default: no key)', () => {
    const { stack, role } = setup();
    ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'models'), 'k', { name: 'r', version: '1' }).bind(stack, { grantee: role });
    expect(statements(stack).filter(s => String(s.Action).startsWith('kms:'))).toEqual([]);
  });

  test('local asset + ECR image: GetObject on the asset key, pull on exactly that repository, token on * (ECR has no resource for it)', () => {
    const { stack, role } = setup();
    const repo = ecr.Repository.fromRepositoryName(stack, 'R', 'serving');
    const b = ModelArtifact.fromAsset(FP32, { name: 'r', version: '1', image: ServingImage.fromEcrRepository(repo, '1.4.0') }).bind(stack, { grantee: role });
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: s3Arn(`cdk-hnb659fds-assets-123456789012-us-east-1/${b.objectKey}`) },
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:123456789012:repository/serving']] },
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('a registry image grants nothing for the image', () => {
    const { stack, role } = setup();
    ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'models'), 'k', { name: 'r', version: '1', image: ServingImage.fromRegistry('public.ecr.aws/x/y:1') })
      .bind(stack, { grantee: role });
    expect(statements(stack)).toEqual([{ Action: 's3:GetObject', Effect: 'Allow', Resource: s3Arn('models/k') }]);
  });

  test('model package: sagemaker:DescribeModelPackage on that ARN only', () => {
    const { stack, role } = setup();
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3';
    ModelArtifact.fromModelPackage(arn, { name: 'recsys', version: '3' }).bind(stack, { grantee: role });
    expect(statements(stack)).toEqual([{ Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: arn }]);
  });

  test('no grantee: nothing is granted', () => {
    const { stack } = setup();
    ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'models'), 'k', { name: 'r', version: '1' }).bind(stack, {});
    expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toEqual({});
  });
});
