import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * # Core API for lanes: container image references
 *
 * Not exported from the package. One parse of an Amazon ECR private image URI for every lane (issue 14:
 * the managed endpoint, the batch workers and the serverless lane had three, one hard-coding the `aws`
 * partition), and one reading of the tag or digest at the end of any image reference.
 */

/** The parts of an Amazon ECR private image URI. */
export interface EcrImageReference {
  /** 12-digit account of the registry. */
  readonly account: string;
  /** Region of the registry. */
  readonly region: string;
  /** Partition of that Region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`). */
  readonly partition: string;
  /** Repository name, with its namespace (`team/recsys`). */
  readonly repositoryName: string;
  /** `arn:<partition>:ecr:<region>:<account>:repository/<name>`, for grants and `fromRepositoryAttributes`. */
  readonly repositoryArn: string;
  /** Tag, if the URI has one. */
  readonly tag?: string;
  /** `sha256:<64 hex>`, if the URI has a digest. */
  readonly digest?: string;
}

// <account>.dkr.ecr[-fips].<region>.<domain>/<repository>[:tag][@sha256:digest]
// Repository names as ECR allows them: lowercase alphanumerics separated by '.', '_', '-' or '/'.
const ECR_URI_RE = new RegExp(
  '^(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z]{2}(?:-[a-z]+)+-\\d+)\\.(amazonaws\\.com(?:\\.cn)?|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov)' +
  '\\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)' +
  '(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$',
);

const DOMAIN_PARTITION: Record<string, string> = {
  'amazonaws.com.cn': 'aws-cn',
  'c2s.ic.gov': 'aws-iso',
  'sc2s.sgov.gov': 'aws-iso-b',
};

/**
 * The parts of an Amazon ECR private image URI (`123456789012.dkr.ecr.us-east-1.amazonaws.com/recsys:1.4.0`,
 * also FIPS endpoints, China, GovCloud and ISO Regions), or undefined when the URI is not one (another
 * registry, `public.ecr.aws`, a malformed reference) or is a token. The partition comes from the
 * registry's own Region, not from the stack that uses it (an image in `cn-north-1` is in `aws-cn`
 * whatever the stack is).
 */
export function parseEcrImageUri(uri: string): EcrImageReference | undefined {
  if (typeof uri !== 'string' || Token.isUnresolved(uri)) { return undefined; }
  const m = ECR_URI_RE.exec(uri);
  if (!m) { return undefined; }
  const [, account, region, domain, repositoryName, tag, digest] = m;
  if (repositoryName.length < 2 || repositoryName.length > 256) { return undefined; }
  const partition = DOMAIN_PARTITION[domain] ?? RegionInfo.get(region).partition ?? (region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
  return {
    account, region, partition, repositoryName, tag, digest,
    repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${repositoryName}`,
  };
}

/**
 * The tag or digest at the end of an image reference (`repo:tag`, `repo@sha256:...`; the digest wins
 * when both are given, as registries resolve it), or undefined when it has neither. Works on references
 * whose registry part is a token (`${Token[...]}.dkr.ecr...:1.4.0`): a registry port (`host:5000/repo`)
 * is not read as a tag.
 */
export function tagOrDigestOf(imageUri: string): string | undefined {
  const at = imageUri.lastIndexOf('@');
  if (at >= 0) { return imageUri.slice(at + 1); }
  const slash = imageUri.lastIndexOf('/');
  const colon = imageUri.lastIndexOf(':');
  return colon > slash ? imageUri.slice(colon + 1) : undefined;
}
