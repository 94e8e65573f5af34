/**
 * Masks the volatile parts of synthesized CloudFormation templates so snapshots stay stable
 * across asset content changes, CDK upgrades and machines.
 *
 * Masked (every value derived from asset content, so a changed model file or handler leaves the
 * snapshot equal):
 * - 64-hex asset hashes and SHA-256 digests (S3 object keys such as `<hash>.zip` or `<hash>.gz`,
 *   container image tags, `asset.<hash>` metadata paths, `sha256:<hex>` digests, the edge lane's
 *   `MODEL_DIGEST` (`sha256:<hex>`) and `{work:path}/model-<hex>` folders) become `[HASH]`;
 * - base64 SHA-256 digests (44 characters ending in `=`, e.g. a Greengrass recipe's artifact
 *   `Digest`) become `[SHA256-BASE64]`;
 * - shortened hex digests in `.verified-<hex>` install markers become `.verified-[HASH]`;
 * - legacy `AssetParameters<hash>S3Bucket<8hex>` parameter names become `AssetParameters[HASH]S3Bucket`;
 * - Lambda version logical ids `<Fn>CurrentVersion<8HEX><32hex>` become `<Fn>CurrentVersion[HASH]`;
 * - concrete account/region in bootstrap bucket and repository names
 *   (`cdk-hnb659fds-assets-123456789012-us-east-1`) become `cdk-hnb659fds-assets-[ACCOUNT]-[REGION]`;
 * - the `CDKMetadata` analytics blob (`v2:deflate64:...`) becomes `v2:deflate64:[MASKED]`.
 *
 * Construct-path-derived suffixes (logical ids, cdk8s names) are deterministic and left alone.
 */
export class Snapshot {
  /**
   * Masks every volatile substring of a text (typically a template as JSON text).
   *
   * @param text the text to mask
   */
  public static mask(text: string): string {
    let out = text;
    for (const [pattern, replacement] of MASKS) {
      out = out.replace(pattern, replacement);
    }
    return out;
  }

  /**
   * Whether `text` contains anything `mask` would change.
   *
   * @param text the text to test
   */
  public static needsMasking(text: string): boolean {
    for (const [pattern] of MASKS) {
      pattern.lastIndex = 0;
      if (pattern.test(text)) {
        pattern.lastIndex = 0;
        return true;
      }
    }
    return false;
  }

  /**
   * Returns a deep copy of a JSON value (e.g. `Template.fromStack(stack).toJSON()`) with every
   * string and every object key masked.
   *
   * @param template the JSON object to mask
   */
  public static maskTemplate(template: { [key: string]: any }): { [key: string]: any } {
    return maskValue(template);
  }
}

const HEX64 = '[0-9a-f]{64}';

/** Ordered: the specific patterns run before the generic 64-hex one. */
const MASKS: ReadonlyArray<[RegExp, string]> = [
  [new RegExp(`AssetParameters(?:${HEX64}|\\[HASH\\])(S3Bucket|S3VersionKey|ArtifactHash)[0-9A-F]{8}`, 'g'), 'AssetParameters[HASH]$1'],
  [/CurrentVersion[0-9A-F]{8}[0-9a-f]{32}/g, 'CurrentVersion[HASH]'],
  [/(cdk-[a-z0-9]+-(?:assets|container-assets|deploy-role|cfn-exec-role|file-publishing-role|image-publishing-role|lookup-role))-\d{12}-([a-z]{2}(?:-gov)?-[a-z]+-\d)/g, '$1-[ACCOUNT]-[REGION]'],
  [/v2:deflate64:[A-Za-z0-9+/=]+/g, 'v2:deflate64:[MASKED]'],
  [new RegExp(HEX64, 'g'), '[HASH]'],
  [/\.verified-[0-9a-f]{8,63}(?![0-9a-f])/g, '.verified-[HASH]'],
  // Exactly 32 bytes in base64 (43 characters and one '='), standing alone: a SHA-256 digest.
  [/(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g, '[SHA256-BASE64]'],
];

function maskValue(value: any): any {
  if (typeof value === 'string') {
    return Snapshot.mask(value);
  }
  if (Array.isArray(value)) {
    return value.map(maskValue);
  }
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: any } = {};
    for (const [k, v] of Object.entries(value)) {
      out[Snapshot.mask(k)] = maskValue(v);
    }
    return out;
  }
  return value;
}
