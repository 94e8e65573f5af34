const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/**
 * True when `v` is a Greengrass component version (semantic version `major.minor.patch`, optionally
 * `-prerelease`; at most 64 characters).
 * @internal
 */
export function isComponentVersion(v: string): boolean {
  return SEMVER_RE.test(v) && v.length <= 64;
}
