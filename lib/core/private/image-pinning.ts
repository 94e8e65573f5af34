import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { tagOrDigestOf } from './image-uri';

/**
 * # Core API for lanes: images referenced by digest (issue 20 part 5, supply chain)
 *
 * Not exported from the package. A tag (`:1.4.0`, `:latest`, or none) is mutable: the registry can
 * point it at other bytes after the image was scanned and signed, and every node pulls whatever it
 * points at then. A digest (`@sha256:...`) names the bytes. One reading of an image reference for every
 * lane, and one answer when it is not pinned:
 *
 * - by default a lane WARNS (`cdk-inference-lanes:imageNotPinned`, acknowledgeable with
 *   `Annotations.of(scope).acknowledgeWarning('cdk-inference-lanes:imageNotPinned')`): a tag still
 *   deploys, as it did before;
 * - where the lane promises digests (the GPU chart's admission policy admits exactly the digests it
 *   renders) it REJECTS with `requirePinnedImage`, naming the prop and the fix.
 *
 * References whose tag or digest is a token are unknown and are neither warned about nor rejected.
 */

/** How an image reference names its bytes. */
export enum ImagePinning {
  /** `repo@sha256:<64 hex>` (also `repo:tag@sha256:...`: the digest wins). */
  DIGEST = 'digest',
  /** `repo:tag`, or no tag at all (`latest`). */
  TAG = 'tag',
  /** The reference (or its tag/digest part) is a token. */
  UNKNOWN = 'unknown',
}

/** The warning id of an unpinned image (to acknowledge it). */
export const IMAGE_NOT_PINNED_WARNING = 'cdk-inference-lanes:imageNotPinned';

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** How `imageUri` names its bytes. */
export function imagePinning(imageUri: string): ImagePinning {
  if (typeof imageUri !== 'string') { return ImagePinning.UNKNOWN; }
  const ref = tagOrDigestOf(imageUri);
  if (ref !== undefined && Token.isUnresolved(ref)) { return ImagePinning.UNKNOWN; }
  if (ref === undefined && Token.isUnresolved(imageUri)) { return ImagePinning.UNKNOWN; }
  return ref !== undefined && imageUri.includes('@') && DIGEST_RE.test(ref) ? ImagePinning.DIGEST : ImagePinning.TAG;
}

/** `repo@sha256:<digest>` for the fix text: the reference without its tag. */
function digestForm(imageUri: string): string {
  const slash = imageUri.lastIndexOf('/');
  const colon = imageUri.lastIndexOf(':');
  const repo = colon > slash ? imageUri.slice(0, colon) : imageUri;
  return `${repo}@sha256:<64 hex>`;
}

function fixFor(imageUri: string): string {
  return `Reference the image by digest: '${digestForm(imageUri)}' (the digest \`aws ecr describe-images\`, \`crane digest\` or \`docker buildx imagetools inspect\` prints), or ServingImage.fromEcrRepository(repo, 'sha256:<64 hex>').`;
}

/**
 * Warn (acknowledgeable) when `imageUri` is referenced by a mutable tag. Returns how it is pinned.
 * The warning is construct metadata: the CDK CLI prints it; a plain cdk8s app does not read it.
 */
export function warnUnpinnedImage(scope: IConstruct, prop: string, imageUri: string): ImagePinning {
  const pinning = imagePinning(imageUri);
  if (pinning === ImagePinning.TAG) {
    Annotations.of(scope).addWarningV2(IMAGE_NOT_PINNED_WARNING,
      `${prop} '${imageUri}' is referenced by a mutable tag: the registry may serve other bytes than were scanned and signed. ${fixFor(imageUri)} ` +
      `(Acknowledge with Annotations.of(scope).acknowledgeWarning('${IMAGE_NOT_PINNED_WARNING}') if a tag is intended.)`);
  }
  return pinning;
}

/** Reject `imageUri` when it is referenced by a mutable tag; `why` says what needs the digest. */
export function requirePinnedImage(scope: IConstruct, prop: string, imageUri: string, why: string): void {
  if (imagePinning(imageUri) === ImagePinning.TAG) {
    throw invalid(scope, prop, imageUri, `is referenced by a mutable tag, not a digest: ${why}`, fixFor(imageUri));
  }
}
