import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { invalid } from '../../core/errors';
import { ModelArtifactBinding } from '../../core/model-artifact';

/**
 * True when a user-supplied `lambda.Code` is a container image rather than a zip package.
 * @internal
 */
export function isImageCode(code: lambda.Code): boolean {
  return code instanceof lambda.EcrImageCode || code instanceof lambda.AssetImageCode;
}

// <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag][@sha256:digest]
const PRIVATE_ECR_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/;

/**
 * The tag or digest at the end of an image URI (`repo:tag` or `repo@sha256:...`). Works on
 * URIs whose registry part is a token (`${Token[...]}.dkr.ecr...:1.4.0`): token strings hold no
 * `:` or `@`.
 * @internal
 */
export function tagOrDigestOf(imageUri: string): string | undefined {
  const at = imageUri.lastIndexOf('@');
  if (at >= 0) { return imageUri.slice(at + 1); }
  const slash = imageUri.lastIndexOf('/');
  const colon = imageUri.lastIndexOf(':');
  return colon > slash ? imageUri.slice(colon + 1) : undefined;
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
    return lambda.DockerImageCode.fromEcr(binding.imageRepository, { tagOrDigest });
  }
  if (Token.isUnresolved(uri)) {
    throw invalid(scope, 'artifact.image', uri, 'is a token the lane cannot recognise as an ECR image', 'Use ServingImage.fromEcrRepository(repo, tag) so the repository is known.');
  }
  const m = PRIVATE_ECR_RE.exec(uri);
  if (!m) {
    throw invalid(scope, 'artifact.image', uri, 'is not in an Amazon ECR private repository, and Lambda pulls container images only from ECR private repositories',
      'Copy the image into ECR (e.g. an ECR pull-through cache rule) and use ServingImage.fromEcrRepository(repo, tag), or pass a zip package as code.');
  }
  const [, account, region, cn, repositoryName, tag, digest] = m;
  const stackRegion = Stack.of(scope).region;
  if (!Token.isUnresolved(stackRegion) && stackRegion !== region) {
    throw invalid(scope, 'artifact.image', uri, `is in Region ${region} but the function is in ${stackRegion}; Lambda pulls container images only from ECR in its own Region`,
      `Replicate the repository to ${stackRegion} (ECR replication) and reference that copy.`);
  }
  const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ServingImageRepository', {
    repositoryArn: `arn:${cn ? 'aws-cn' : 'aws'}:ecr:${region}:${account}:repository/${repositoryName}`,
    repositoryName,
  });
  return lambda.DockerImageCode.fromEcr(repository, { tagOrDigest: digest ?? tag ?? 'latest' });
}
