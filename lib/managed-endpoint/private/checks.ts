import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ModelArtifactBinding, Rollout, RolloutStrategy, ServiceLevelObjective } from '../../core';
import { describeValue, invalid } from '../../core/private/errors';
import { parseEcrImageUri, tagOrDigestOf } from '../../core/private/image-uri';
import { MODEL_ENV_NAMES } from '../../core/private/model-environment';
import { checkDuration, checkNoModelEnvOverride, describeDuration } from '../../core/private/validation';
import { HOSTING_INSTANCE_TYPES, HOSTING_INSTANCE_TYPES_SOURCE } from './instance-types';

/**
 * Runtime checks of the managed-endpoint lane that need the construct (its stack, its context) or
 * that compare values the SageMaker API constrains beyond the CloudFormation schema. Internal.
 */

/** CDK context key listing extra hosting instance types (newer than the generated list). @internal */
export const EXTRA_INSTANCE_TYPES_CONTEXT = '@cdk-inference-lanes/managed-endpoint:extraInstanceTypes';

/**
 * Reject an `ml.` instance type that SageMaker hosting does not offer (the API's
 * `ProductionVariantInstanceType` enum). Tokens are skipped.
 * @internal
 */
export function checkHostingInstanceType(scope: IConstruct, prop: string, instanceType: string): void {
  if (Token.isUnresolved(instanceType) || HOSTING_INSTANCE_TYPES.has(instanceType)) { return; }
  const extra = scope.node.tryGetContext(EXTRA_INSTANCE_TYPES_CONTEXT);
  if (Array.isArray(extra) && extra.includes(instanceType)) { return; }
  const family = instanceType.split('.').slice(0, 2).join('.') + '.';
  const sameFamily = [...HOSTING_INSTANCE_TYPES].filter(t => t.startsWith(family));
  const hint = sameFamily.length > 0 ? ` (${family}* sizes: ${sameFamily.map(t => t.slice(family.length)).join(', ')})` : '';
  throw invalid(scope, prop, instanceType, `is not a SageMaker hosting instance type${hint}`,
    `Pick a type SageMaker hosting offers, e.g. 'ml.m5.large', 'ml.c6i.2xlarge' or 'ml.g5.xlarge'. The list comes from ${HOSTING_INSTANCE_TYPES_SOURCE}; `
    + `for a type added since, list it in the CDK context key '${EXTRA_INSTANCE_TYPES_CONTEXT}'.`);
}

/** Keys SageMaker accepts in a container's environment. */
const ENV_KEY_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The container environment: no `MODEL_*` name of the lanes' contract may be set by the user (the core
 * rule and wording of every lane), and keys and sizes must fit the SageMaker API (`Environment`: at most
 * 100 entries, keys `[a-zA-Z_][a-zA-Z0-9_]*`, keys and values at most 1024 bytes, 32 KB in total).
 * @internal
 */
export function checkEnvironment(scope: IConstruct, user: { [key: string]: string } | undefined, lane: { [key: string]: string }): void {
  if (!user) { return; }
  const laneKeys = Object.keys(lane);
  checkNoModelEnvOverride(scope, 'environment', user, MODEL_ENV_NAMES);
  for (const [key, value] of Object.entries(user)) {
    if (!Token.isUnresolved(key) && (!ENV_KEY_RE.test(key) || Buffer.byteLength(key) > 1024)) {
      throw invalid(scope, 'environment', key, 'is not a SageMaker environment variable name (letters, digits and _, not starting with a digit, at most 1024 bytes)', "Rename the variable, e.g. 'LOG_LEVEL'.");
    }
    if (typeof value !== 'string') {
      throw invalid(scope, `environment.${key}`, value, 'must be a string', `Pass ${key}: '${describeValue(value)}'.`);
    }
    if (!Token.isUnresolved(value) && Buffer.byteLength(value) > 1024) {
      throw invalid(scope, `environment.${key}`, `${Buffer.byteLength(value)} bytes`, 'exceeds the 1024 bytes SageMaker allows per environment value', 'Pass large values through S3 or the model archive.');
    }
  }
  const all = { ...lane, ...user };
  const count = Object.keys(all).length;
  if (count > 100) {
    throw invalid(scope, 'environment', `${count} variables`, 'exceeds the 100 environment variables SageMaker allows per container (the lane sets ' + laneKeys.length + ')', 'Pass fewer variables.');
  }
  const bytes = Object.entries(all).filter(([k, v]) => !Token.isUnresolved(k) && !Token.isUnresolved(v)).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > 32 * 1024) {
    throw invalid(scope, 'environment', `${bytes} bytes`, 'exceeds the 32 KB SageMaker allows for all environment keys and values of a model', 'Pass large values through S3 or the model archive.');
  }
}

/**
 * SageMaker pulls the serving image from ECR in the endpoint's Region only. Reject a concrete
 * mismatch; on a region-agnostic stack, warn with the image's Region.
 * @internal
 */
export function checkImageRegion(scope: IConstruct, binding: ModelArtifactBinding): void {
  const uri = binding.imageUri;
  if (!uri) { return; }
  let imageRegion: string | undefined;
  const repoRegion = binding.imageRepository?.env.region;
  if (repoRegion !== undefined && !Token.isUnresolved(repoRegion)) {
    imageRegion = repoRegion;
  } else if (!Token.isUnresolved(uri)) {
    imageRegion = parseEcrImageUri(uri)?.region;
  }
  if (imageRegion === undefined) { return; }
  const stackRegion = Stack.of(scope).region;
  const image = Token.isUnresolved(uri) ? `${binding.imageRepository?.node.path ?? 'repository'} (${imageRegion})` : uri;
  if (Token.isUnresolved(stackRegion)) {
    Annotations.of(scope).addWarningV2('@cdk-inference-lanes/managed-endpoint:imageRegion',
      `The serving image of ${binding.name}@${binding.version} is in ${imageRegion} (${image}); SageMaker pulls images from the endpoint's Region only, and this stack is region-agnostic: deploy it to ${imageRegion} or copy the image.`);
    return;
  }
  if (stackRegion !== imageRegion) {
    throw invalid(scope, 'artifact', `${binding.name}@${binding.version} image ${image}`, `is in ${imageRegion}, but the endpoint is in ${stackRegion}: SageMaker pulls serving images from ECR in the endpoint's Region only`,
      `Replicate the image to ${stackRegion} (ECR replication) and reference that repository, or deploy the stack to ${imageRegion}.`);
  }
}

/**
 * Two S3 key prefixes in the same bucket overlap when one starts with the other (the rule of the
 * batch lane's results and failures prefixes).
 * @internal
 */
export function prefixesOverlap(a: string, b: string): boolean {
  if (Token.isUnresolved(a) || Token.isUnresolved(b)) { return false; }
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * A Duration the SageMaker API takes in whole seconds within [minSeconds, maxSeconds] (the core
 * validator; a non-Duration from plain JavaScript is rejected first). Tokens are skipped.
 * @internal
 */
export function checkSeconds(scope: IConstruct | string, prop: string, d: Duration | undefined, minSeconds: number, maxSeconds: number, apiField: string): void {
  if (d === undefined) { return; }
  if (!(d instanceof Duration)) {
    throw invalid(scope, prop, d, 'is not a Duration', `Pass e.g. Duration.seconds(${Math.max(60, minSeconds)}).`);
  }
  const min = Duration.seconds(minSeconds);
  const max = Duration.seconds(maxSeconds);
  checkDuration(scope, prop, d, {
    unit: 'seconds', min, max,
    fix: `Pass a whole number of seconds from ${describeDuration(min)} to ${describeDuration(max)} (SageMaker's ${apiField}), e.g. Duration.seconds(${suggestSeconds(d, minSeconds, maxSeconds)}).`,
  });
}

function suggestSeconds(d: Duration, minSeconds: number, maxSeconds: number): number {
  const seconds = d.isUnresolved() ? NaN : Math.round(d.toMilliseconds({ integral: false }) / 1000);
  return Number.isFinite(seconds) ? Math.min(maxSeconds, Math.max(minSeconds, seconds)) : Math.min(maxSeconds, Math.max(minSeconds, 60));
}

/** An S3 key named after its content (CDK assets: `<sha256>.<ext>`). */
const CONTENT_ADDRESSED_KEY = /(^|\/)[0-9a-f]{64}(\.[A-Za-z0-9.]+)?$/;

/**
 * A rollback (or a scale-out of the old version after one) downloads the old model's `ModelDataUrl`
 * again. When the key holds neither the version nor the content hash, a later version may have
 * overwritten it and the "old" version would serve the new weights: warn at synth.
 * @internal
 */
export function warnIfWeightsMayBeOverwritten(scope: IConstruct, binding: ModelArtifactBinding): void {
  const key = binding.objectKey;
  if (binding.modelPackageArn || key === undefined || Token.isUnresolved(key) || Token.isUnresolved(binding.version)) { return; }
  if (key.includes(binding.version) || CONTENT_ADDRESSED_KEY.test(key)) { return; }
  Annotations.of(scope).addWarningV2('@cdk-inference-lanes/managed-endpoint:versionlessWeights',
    `The weights of ${binding.name}@${binding.version} are at s3://…/${key}, a key without the version or a content hash: if a later version overwrites it, `
    + 'a rollback (and any instance the old version starts afterwards) loads the new weights. Put the version in the key (e.g. models/<name>/<version>/model.tar.gz) or enable S3 versioning and never overwrite.');
}

/**
 * The SLO's latency alarm watches the variant, old and new fleet together. A canary (or linear step)
 * that takes at most (100 - percentile)% of the traffic cannot move that percentile on its own: a
 * slow canary would bake without the latency alarm firing. Warn at synth.
 * @internal
 */
export function warnIfCanaryBelowPercentile(scope: IConstruct, stepPercent: number, percentile: number | undefined, what: string): void {
  if (percentile === undefined || Token.isUnresolved(stepPercent) || Token.isUnresolved(percentile)) { return; }
  if (stepPercent > 100 - percentile) { return; }
  Annotations.of(scope).addWarningV2('@cdk-inference-lanes/managed-endpoint:canaryBelowPercentile',
    `The ${what} takes ${stepPercent}% of the traffic, but the SLO's latency alarm watches p${percentile} of the whole variant (old and new fleet): `
    + `a share of at most ${Math.round((100 - percentile) * 100) / 100}% cannot move p${percentile}, so a slow new version bakes without that alarm firing. `
    + `Use a larger ${what} (over ${Math.round((100 - percentile) * 100) / 100}%), a higher percentile, or an extra rollback alarm on a statistic the ${what} can move.`);
}

/**
 * An image by a moving tag (`latest`, or no tag): instances the old version starts after a rollback
 * (or any scale-out) may pull a newer image than the one it was deployed with. Warn at synth.
 * @internal
 */
export function warnIfImageTagMoves(scope: IConstruct, binding: ModelArtifactBinding): void {
  const uri = binding.imageUri;
  if (!uri) { return; }
  // A token URI (ECR repository) still ends with the literal tag appended by repositoryUriForTag.
  const tag = tagOrDigestOf(uri);
  const moving = tag === 'latest' || (!Token.isUnresolved(uri) && tag === undefined);
  if (!moving) { return; }
  Annotations.of(scope).addWarningV2('@cdk-inference-lanes/managed-endpoint:movingImageTag',
    `The serving image of ${binding.name}@${binding.version} is referenced by a moving tag (${Token.isUnresolved(uri) ? ':latest' : uri}): `
    + 'instances started later (scale-out, or the old version after a rollback) may pull a newer image. Pin a version tag or a sha256 digest.');
}

/** Warn when a canary or first linear step is too small a share to move the SLO's percentile (rollouts that roll back on it). */
export function warnIfCanaryBelowSloPercentile(scope: IConstruct, rollout: Rollout | undefined, slo: ServiceLevelObjective | undefined): void {
  if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE && slo?.latencyThreshold && (rollout.autoRollback ?? true)) {
    warnIfCanaryBelowPercentile(scope, rollout.percent, slo.latencyPercentile, rollout.strategy === RolloutStrategy.CANARY ? 'canary' : 'first linear step');
  }
}
