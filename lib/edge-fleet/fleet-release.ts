import { Token } from 'aws-cdk-lib';
import { invalid } from '../core/private/errors';
import { checkPinnedVersion } from '../core/private/validation';
import { isComponentVersion } from './private/versions';

/**
 * Names of the two rings of a canary rollout (`Rollout.canary`): the canary ring gets a new version
 * first, the fleet ring after it. Rings given as `rings` have the names listed there.
 */
export enum FleetRing {
  /** A small thing group that gets the candidate first. */
  CANARY = 'canary',
  /** The rest of the device class. */
  FLEET = 'fleet',
}

/**
 * Where a channel stands in rolling out its candidate.
 */
export enum ReleaseStage {
  /** First release: only the canary ring is deployed; the fleet ring has no deployment yet. */
  CANARY_ONLY = 'CANARY_ONLY',
  /** The canary ring runs the candidate; the fleet ring stays on the version it runs. */
  CANARY = 'CANARY',
  /** Every ring runs the candidate. */
  PROMOTED = 'PROMOTED',
  /** Every ring stays pinned to the version it runs; no new deployment revision. */
  FROZEN = 'FROZEN',
  /** Every ring up to and including a named ring runs the candidate; later rings stay where they are. */
  THROUGH = 'THROUGH',
}

/**
 * Which version each update ring of an {@link EdgeFleetChannel} runs in this stack version.
 *
 * CloudFormation cannot wait for devices: creating a Greengrass deployment returns as soon as the
 * IoT job exists, long before any device installed anything. So a canary bake is a stage of the
 * stack, not a wait inside one deployment:
 *
 * 1. `FleetRelease.canary(fleetVersion)` (or `canaryOnly()` the very first time): deploy; the canary
 *    ring gets the candidate, the fleet ring keeps `fleetVersion`.
 * 2. Bake: watch the canary ring's health alarms for at least the rollout's bake time.
 * 3. `FleetRelease.promote()`: deploy again; the fleet ring gets the candidate.
 *
 * `FleetRelease.freeze(...)` is the emergency switch: every ring is pinned to the version it runs,
 * so the deployments render exactly as before and CloudFormation creates no new deployment revision,
 * whatever artifact the stack is given, until the freeze is lifted.
 */
export class FleetRelease {
  /**
   * First release of a channel: the canary ring gets the candidate, the fleet ring gets no
   * deployment yet. Do not use it once the fleet ring has a deployment from this channel: that
   * deployment would be removed from the stack (use `canary(fleetVersion)`).
   */
  public static canaryOnly(): FleetRelease {
    return new FleetRelease(ReleaseStage.CANARY_ONLY);
  }

  /**
   * The canary ring gets the candidate; the fleet ring stays on `fleetVersion`, the component version
   * it runs now (its deployment is unchanged when that is the version it was last deployed with).
   */
  public static canary(fleetVersion: string): FleetRelease {
    checkVersion('FleetRelease.canary', 'fleetVersion', fleetVersion);
    return new FleetRelease(ReleaseStage.CANARY, fleetVersion);
  }

  /**
   * Every ring gets the candidate. The fleet ring's deployment is created after the canary ring's
   * (CloudFormation DependsOn), seconds apart: bake the canary before promoting, not during.
   */
  public static promote(): FleetRelease {
    return new FleetRelease(ReleaseStage.PROMOTED);
  }

  /**
   * Emergency freeze: pin the fleet ring to `fleetVersion` and the canary ring to `canaryVersion` (the
   * versions they run now). The deployments render exactly as before, so CloudFormation leaves them
   * alone and devices get no new revision while frozen; the candidate component version is still
   * registered (not deployed) so it can be inspected.
   *
   * @param fleetVersion the component version the fleet ring runs now
   * @param canaryVersion the component version the canary ring runs now; defaults to `fleetVersion`
   */
  public static freeze(fleetVersion: string, canaryVersion?: string): FleetRelease {
    checkVersion('FleetRelease.freeze', 'fleetVersion', fleetVersion);
    checkVersion('FleetRelease.freeze', 'canaryVersion', canaryVersion);
    return new FleetRelease(ReleaseStage.FROZEN, fleetVersion, canaryVersion);
  }

  /**
   * Rings given as `rings`: every ring up to and including `ring` gets the candidate; the rings after
   * it stay on `laterRingsVersion`, the component version they run now (or get no deployment yet when
   * it is omitted: the first rollout of a channel). `through(<last ring>)` is `promote()`.
   *
   * @param ring the last ring that gets the candidate in this stack version
   * @param laterRingsVersion the component version the later rings run now
   */
  public static through(ring: string, laterRingsVersion?: string): FleetRelease {
    if (!Token.isUnresolved(ring) && (typeof ring !== 'string' || ring.length === 0)) {
      throw invalid('FleetRelease.through', 'ring', ring, 'is not a ring name', "Pass the name of one of the channel's rings, e.g. 'pilot'.");
    }
    checkVersion('FleetRelease.through', 'laterRingsVersion', laterRingsVersion);
    return new FleetRelease(ReleaseStage.THROUGH, laterRingsVersion, undefined, ring);
  }

  /**
   * Emergency freeze of a channel with `rings`: pin every ring to the component version it runs now.
   * Every ring must be listed, so no deployment silently leaves the stack.
   *
   * @param versions ring name -> component version it runs now, e.g. `{ pilot: '1.4.0', fleet: '1.3.0' }`
   */
  public static freezeRings(versions: { [ring: string]: string }): FleetRelease {
    const entries = Object.entries(versions ?? {});
    if (entries.length === 0) {
      throw invalid('FleetRelease.freezeRings', 'versions', versions, 'lists no ring', "Pin every ring to the version it runs now, e.g. { pilot: '1.4.0', fleet: '1.3.0' }.");
    }
    for (const [ring, v] of entries) {
      checkVersion('FleetRelease.freezeRings', `versions.${ring}`, v);
    }
    return new FleetRelease(ReleaseStage.FROZEN, undefined, undefined, undefined, { ...versions });
  }

  private constructor(
    /** The stage. */
    public readonly stage: ReleaseStage,
    /** Version pinned on the fleet ring (CANARY and FROZEN stages), or on the rings after `throughRing` (THROUGH). */
    public readonly fleetVersion?: string,
    /** Version pinned on the canary ring (FROZEN stage; defaults to the fleet version). */
    public readonly canaryVersion?: string,
    /** The last ring that gets the candidate (THROUGH stage). */
    public readonly throughRing?: string,
    private readonly pins?: { [ring: string]: string },
  ) {}

  /** Ring name -> pinned version, for `freezeRings` (a copy). */
  public get pinnedVersions(): { [ring: string]: string } | undefined {
    return this.pins ? { ...this.pins } : undefined;
  }

  /**
   * The component version `ring` runs under this release, or undefined when the ring gets no deployment.
   *
   * @param ring the update ring's name (e.g. `FleetRing.CANARY`)
   * @param candidateVersion the channel's candidate component version
   * @param ringNames every ring in rollout order; omitted: `['canary', 'fleet']`
   */
  public versionFor(ring: string, candidateVersion: string, ringNames?: string[]): string | undefined {
    const names = ringNames ?? [FleetRing.CANARY, FleetRing.FLEET];
    const index = names.indexOf(ring);
    const first = index === 0 && names.length > 1;
    const last = index === names.length - 1;
    switch (this.stage) {
      case ReleaseStage.CANARY_ONLY:
        return first ? candidateVersion : undefined;
      case ReleaseStage.CANARY:
        return first ? candidateVersion : this.fleetVersion;
      case ReleaseStage.PROMOTED:
        return candidateVersion;
      case ReleaseStage.THROUGH:
        return index <= names.indexOf(this.throughRing!) ? candidateVersion : this.fleetVersion;
      case ReleaseStage.FROZEN:
      default:
        if (this.pins) { return this.pins[ring]; }
        return last ? this.fleetVersion : (this.canaryVersion ?? this.fleetVersion);
    }
  }

  /** Short text, e.g. `CANARY (fleet on 1.3.0)`. */
  public toString(): string {
    switch (this.stage) {
      case ReleaseStage.CANARY: return `CANARY (fleet on ${this.fleetVersion})`;
      case ReleaseStage.THROUGH: return `THROUGH ${this.throughRing} (later rings ${this.fleetVersion === undefined ? 'not deployed' : `on ${this.fleetVersion}`})`;
      case ReleaseStage.FROZEN:
        if (this.pins) { return `FROZEN (${Object.entries(this.pins).map(([r, v]) => `${r} on ${v}`).join(', ')})`; }
        return `FROZEN (fleet on ${this.fleetVersion}, canary on ${this.canaryVersion ?? this.fleetVersion})`;
      default: return this.stage;
    }
  }
}

function checkVersion(where: string, prop: string, v: string | undefined): void {
  if (v === undefined || Token.isUnresolved(v)) { return; }
  checkPinnedVersion(where, prop, v, "Pass the component version the ring runs now, e.g. '1.3.0'.");
  if (!isComponentVersion(v)) {
    throw invalid(where, prop, v, 'is not a Greengrass component version (semantic version major.minor.patch)', "Pass the component version the ring runs now, e.g. '1.3.0'.");
  }
}
