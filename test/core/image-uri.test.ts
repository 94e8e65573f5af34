import { CfnParameter, Stack } from 'aws-cdk-lib';
import { parseEcrImageUri, tagOrDigestOf } from '../../lib/core/private/image-uri';

const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('parseEcrImageUri: one parse of ECR private image URIs for every lane', () => {
  test.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/recsys:1.4.0',
      { account: '123456789012', region: 'us-east-1', partition: 'aws', repositoryName: 'recsys', tag: '1.4.0', digest: undefined, repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/recsys' }],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/recsys@${DIGEST}`,
      { account: '123456789012', region: 'eu-west-1', partition: 'aws', repositoryName: 'team/recsys', tag: undefined, digest: DIGEST, repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team/recsys' }],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/recsys:2',
      { account: '123456789012', region: 'cn-north-1', partition: 'aws-cn', repositoryName: 'recsys', tag: '2', digest: undefined, repositoryArn: 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/recsys' }],
    ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/recsys:2',
      { account: '123456789012', region: 'us-gov-west-1', partition: 'aws-us-gov', repositoryName: 'recsys', tag: '2', digest: undefined, repositoryArn: 'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/recsys' }],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/recsys:2',
      { account: '123456789012', region: 'us-east-1', partition: 'aws', repositoryName: 'recsys', tag: '2', digest: undefined, repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/recsys' }],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/recsys:2',
      { account: '123456789012', region: 'us-iso-east-1', partition: 'aws-iso', repositoryName: 'recsys', tag: '2', digest: undefined, repositoryArn: 'arn:aws-iso:ecr:us-iso-east-1:123456789012:repository/recsys' }],
    [`763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311@${DIGEST}`,
      { account: '763104351884', region: 'us-east-1', partition: 'aws', repositoryName: 'pytorch-inference', tag: '2.3.0-gpu-py311', digest: DIGEST, repositoryArn: 'arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference' }],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/recsys',
      { account: '123456789012', region: 'us-east-1', partition: 'aws', repositoryName: 'recsys', tag: undefined, digest: undefined, repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/recsys' }],
  ])('%s', (uri, parts) => {
    expect(parseEcrImageUri(uri)).toEqual(parts);
  });

  test.each([
    'public.ecr.aws/nginx/nginx:1.27',
    'nvcr.io/nvidia/tritonserver:24.08-py3',
    'recsys:1.4.0',
    '12345678901.dkr.ecr.us-east-1.amazonaws.com/recsys:1', // 11-digit account
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/Recsys:1', // uppercase repository
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/recsys:', // empty tag
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/recsys@sha256:abc', // short digest
    '123456789012.dkr.ecr.us-east-1.example.com/recsys:1', // not an AWS domain
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/r:1', // repository names have at least 2 characters
    '',
  ])('not an ECR private image: %p', uri => {
    expect(parseEcrImageUri(uri)).toBeUndefined();
  });

  test('a token URI is unknown (undefined), never parsed from its placeholder', () => {
    const uri = new CfnParameter(new Stack(), 'Image', { type: 'String' }).valueAsString;
    expect(parseEcrImageUri(uri)).toBeUndefined();
    expect(parseEcrImageUri(42 as never)).toBeUndefined();
  });
});

describe('tagOrDigestOf', () => {
  test.each([
    ['recsys:1.4.0', '1.4.0'],
    [`recsys:1.4.0@${DIGEST}`, DIGEST],
    ['registry.local:5000/recsys', undefined],
    ['registry.local:5000/recsys:2', '2'],
    ['recsys', undefined],
  ])('%s -> %p', (uri, expected) => {
    expect(tagOrDigestOf(uri)).toBe(expected);
  });

  test('a token registry with a literal tag still yields the tag', () => {
    const account = new CfnParameter(new Stack(), 'Account', { type: 'String' }).valueAsString;
    expect(tagOrDigestOf(`${account}.dkr.ecr.us-east-1.amazonaws.com/recsys:1.4.0`)).toBe('1.4.0');
  });
});
