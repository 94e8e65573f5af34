import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { parseEcrImageUri, tagOrDigestOf } from '../../core/private/image-uri';
import { checkPinnedVersion } from '../../core/private/validation';
import { ModelArtifactBinding } from '../../core/model-artifact';

/**
 * True when a user-supplied `lambda.Code` is a container image rather than a zip package.
 * @internal
 */
export function isImageCode(code: lambda.Code): boolean {
  return code instanceof lambda.EcrImageCode || code instanceof lambda.AssetImageCode;
}

/**
 * The Lambda container code for the artifact's serving image. Lambda pulls container images from
 * Amazon ECR private repositories in the function's Region only; anything else is an error.
 * @internal
 */
export function imageCodeFor(scope: Construct, binding: ModelArtifactBinding): lambda.DockerImageCode {
  const uri = binding.imageUri;
  if (uri === undefined) {
    throw invalid(scope, 'artifact', `${binding.name}@${binding.version}`, `has no serving image for '${binding.target}' and no 'code' was given`,
      'Pass code: lambda.Code.fromAsset(<handler dir>) (a zip package that fetches the model at init), or give the artifact an ECR image with ServingImage.fromEcrRepository(repo, tag).');
  }
  if (binding.imageRepository) {
    const tagOrDigest = tagOrDigestOf(uri);
    if (tagOrDigest === undefined || Token.isUnresolved(tagOrDigest)) {
      throw invalid(scope, 'artifact.image', uri, 'has no tag or digest the lane can read', 'Use ServingImage.fromEcrRepository(repo, \'<tag>\') with a literal tag or sha256 digest.');
    }
    checkImageTag(scope, 'artifact.image', tagOrDigest);
    return lambda.DockerImageCode.fromEcr(binding.imageRepository, { tagOrDigest });
  }
  if (Token.isUnresolved(uri)) {
    throw invalid(scope, 'artifact.image', uri, 'is a token the lane cannot recognise as an ECR image', 'Use ServingImage.fromEcrRepository(repo, tag) so the repository is known.');
  }
  const image = parseEcrImageUri(uri);
  if (!image) {
    throw invalid(scope, 'artifact.image', uri, 'is not in an Amazon ECR private repository, and Lambda pulls container images only from ECR private repositories',
      'Copy the image into ECR (e.g. an ECR pull-through cache rule) and use ServingImage.fromEcrRepository(repo, tag), or pass a zip package as code.');
  }
  const tagOrDigest = image.digest ?? image.tag;
  if (tagOrDigest === undefined) {
    throw invalid(scope, 'artifact.image', uri, "has no tag or digest: Lambda would resolve ':latest' once, at deploy, and a rollback could not name the image it ran",
      `Pin the image: '${uri}:<version>' or '${uri}@sha256:<digest>'.`);
  }
  checkImageTag(scope, 'artifact.image', tagOrDigest);
  checkRegion(scope, 'artifact.image', uri, image.region);
  warnIfOtherAccount(scope, 'artifact.image', uri, image.account);
  // core's parse: the repository ARN in the registry's own partition (aws, aws-cn, aws-us-gov, ...).
  const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ServingImageRepository', {
    repositoryArn: image.repositoryArn,
    repositoryName: image.repositoryName,
  });
  return lambda.DockerImageCode.fromEcr(repository, { tagOrDigest });
}

const ECR_REGION_RE = /\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\./;
const ECR_ACCOUNT_RE = /^(\d{12})\.dkr\.ecr\./;

/**
 * An image in another account's repository deploys only if that repository's policy lets
 * `lambda.amazonaws.com` pull (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer) for this account's
 * functions; the lane cannot change another account's policy, so it says so.
 * @internal
 */
export function warnIfOtherAccount(scope: Construct, prop: string, uri: string, imageAccount: string | undefined): void {
  const account = Stack.of(scope).account;
  if (imageAccount === undefined || Token.isUnresolved(account) || account === imageAccount) { return; }
  Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:image-account',
    `${prop} (${uri}) is in account ${imageAccount}, not the stack's ${account}: Lambda pulls it only if that repository's policy allows lambda.amazonaws.com ecr:BatchGetImage and ecr:GetDownloadUrlForLayer with aws:sourceArn arn:<partition>:lambda:<region>:${account}:function:*. Add that statement to the repository policy in ${imageAccount}, or replicate the image into ${account}.`);
}

/** The account of a rendered image URI, when concrete. @internal */
export function imageAccountOf(uri: string): string | undefined {
  return ECR_ACCOUNT_RE.exec(uri)?.[1];
}

/**
 * Lambda pulls container images only from ECR in the function's own Region. The same rule as the
 * managed endpoint: a concrete image Region that differs from a concrete stack Region is an error;
 * a concrete image Region in a region-agnostic stack is a synth warning naming the image Region.
 * @internal
 */
export function checkRegion(scope: Construct, prop: string, uri: string, imageRegion: string): void {
  const stackRegion = Stack.of(scope).region;
  if (Token.isUnresolved(imageRegion)) { return; }
  if (Token.isUnresolved(stackRegion)) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:image-region',
      `${prop} (${uri}) is in Region ${imageRegion}, and the stack is region-agnostic: Lambda pulls container images only from ECR in the function's own Region, so this stack deploys only to ${imageRegion}. Give the stack env: { region: '${imageRegion}' } (or replicate the repository to every Region you deploy to).`);
    return;
  }
  if (stackRegion !== imageRegion) {
    throw invalid(scope, prop, uri, `is in Region ${imageRegion} but the function is in ${stackRegion}; Lambda pulls container images only from ECR in its own Region`,
      `Replicate the repository to ${stackRegion} (ECR replication) and reference that copy.`);
  }
}

/**
 * The image a container function was given, read from the rendered `Code.ImageUri` (intrinsics shown
 * as `${Token}`), and its Region when concrete (`lambda.Code.fromEcrImage` on a repository imported from
 * another Region or stack); no Region when it is the stack's own (a token). Undefined for zip code.
 * @internal
 */
export function renderedImageOf(fn: lambda.Function): { uri: string; region?: string } | undefined {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const code = Stack.of(fn).resolve(cfn.code) as { imageUri?: unknown } | undefined;
  if (!code || code.imageUri === undefined) { return undefined; }
  const uri = readable(code.imageUri);
  return { uri, region: ECR_REGION_RE.exec(uri)?.[1] };
}

/** A resolved CloudFormation string as text, `Fn::Join` flattened and other intrinsics shown as `${Token}`. */
function readable(value: unknown): string {
  if (typeof value === 'string') { return value; }
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (join) { return join[1].map(readable).join(join[0]); }
  return '${Token}'; // no ':' or '@', so tag parsing is not fooled by intrinsic names
}

/**
 * A tag a rollback can return to: a digest, or a pinned tag (not `latest`, `stable`, a range).
 * Lambda resolves a tag to a digest when the version is published, so the running version keeps its
 * bits; but a moving tag makes the template say nothing about which bits a deploy or rollback gets.
 * @internal
 */
export function checkImageTag(scope: Construct, prop: string, tagOrDigest: string | undefined): void {
  if (tagOrDigest === undefined || Token.isUnresolved(tagOrDigest) || tagOrDigest.startsWith('sha256:')) { return; }
  checkPinnedVersion(scope, `${prop} tag`, tagOrDigest, 'Tag the image with its version (e.g. 1.4.0-lambda) or reference its sha256 digest.');
}
