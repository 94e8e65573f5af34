import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { IInferenceLane } from '../inference-lane';
import { LaneValidationError } from '../errors';
import { VersionFreeze } from '../version-freeze';
import { invalid } from './errors';

/**
 * # Core API for lanes: the emergency freeze
 *
 * Not exported from the package. `frozenVersionError(lane)` is the one check of a lane against the
 * freeze in force at it ({@link VersionFreeze.of}); InferenceLaneBase runs it as a construct validation
 * and HybridTopology for each of its lanes, so a frozen synth fails naming every lane and the version
 * it would deploy. An expired freeze is not enforced; the lane gets a warning instead.
 */
export function frozenVersionError(lane: IInferenceLane, now: number = Date.now()): LaneValidationError | undefined {
  return versionFreezeError(lane, 'artifact.version', lane.artifactVersion, VersionFreeze.of(lane), now);
}

/**
 * True when `freeze` is given and in force at `now`; an expired freeze warns on `scope` and is not in force.
 */
export function freezeInForce(scope: IConstruct, freeze: VersionFreeze | undefined, now: number = Date.now()): freeze is VersionFreeze {
  if (!freeze) { return false; }
  if (!freeze.isInForceAt(now)) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:freeze-expired',
      `The version freeze ${freeze.toString()} has expired and is no longer enforced: lift it (${liftHint(freeze)}).`);
    return false;
  }
  return true;
}

/**
 * The error for `version` (prop `prop` of `scope`) under `freeze`, or undefined when it is the locked
 * version, unknown (a token), or no freeze is in force. Used by lanes that are not a CDK construct
 * (the GPU lane's cdk8s chart) with the freeze they were given.
 */
export function versionFreezeError(scope: IConstruct, prop: string, version: string, freeze: VersionFreeze | undefined, now: number = Date.now()): LaneValidationError | undefined {
  if (!freezeInForce(scope, freeze, now)) { return undefined; }
  if (Token.isUnresolved(version) || version === freeze.version) { return undefined; }
  return invalid(scope, prop, version,
    `would be deployed while versions are frozen at ${freeze.version} (${freeze.reason}${freeze.until ? `, until ${freeze.until}` : ''}; set by ${freeze.source})`,
    `Serve ${freeze.version} on this lane (give it the artifact of version ${freeze.version}), or lift the freeze (${liftHint(freeze)}).`);
}

function liftHint(freeze: VersionFreeze): string {
  return freeze.source.startsWith('context')
    ? `drop -c ${VersionFreeze.CONTEXT_KEY}=${freeze.version}`
    : 'remove the VersionFreeze from the code';
}
