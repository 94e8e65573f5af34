import { Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import { HardwareTarget, ModelArtifactBinding, ShadowTraffic } from '../../core';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import { warnIfWeightsMayBeOverwritten } from './checks';

/**
 * The shadow variant of the managed endpoint: a candidate version of the same model, mirrored a
 * share of production requests, its answers discarded. Internal.
 */

/** Variant name of the shadow variant. */
export const SHADOW_VARIANT = 'shadow';
/** Above the default tag priority (100) of the lane-wide tags, so the shadow model keeps its own version. */
const SHADOW_TAG_PRIORITY = 110;

/** `name@version` of the candidate, for messages. */
export function describeShadow(shadow: ShadowTraffic): string {
  return `${shadow.candidate.name}@${shadow.candidate.version}`;
}

/** Reject a shadow variant where SageMaker offers none (async endpoints, Inf1 instances). */
export function validateShadow(scope: IConstruct, shadow: ShadowTraffic | undefined, mode: EndpointMode, info: InstanceTypeInfo | undefined): void {
  if (shadow && mode.kind === EndpointModeKind.ASYNC) {
    throw invalid(scope, 'shadow', describeShadow(shadow), 'is not supported on asynchronous endpoints (SageMaker shadow variants exclude async inference)', 'Test the candidate on a real-time endpoint, or deploy it as a separate async endpoint.');
  }
  if (shadow && info?.inf1) {
    throw invalid(scope, 'shadow', describeShadow(shadow), `is not supported on ${info.name} (SageMaker shadow variants exclude Inf1 instances)`, 'Use an ml.inf2 or GPU instance type for shadow testing.');
  }
}

/** How the lane binds the candidate: the same role and hardware as the live model. */
export interface ShadowBindOptions {
  readonly grantee: iam.IGrantable;
  readonly target: HardwareTarget;
}

/**
 * Bind the candidate (a newer version of the live model) and create its model with `createModel`;
 * the shadow model is tagged with the candidate's identity.
 */
export function createShadowModel(scope: Construct, shadow: ShadowTraffic, live: ModelArtifactBinding, options: ShadowBindOptions,
  createModel: (candidate: ModelArtifactBinding) => sagemaker.CfnModel): sagemaker.CfnModel {
  const candidate = shadow.candidate.bind(scope, { grantee: options.grantee, target: options.target, consumer: `${scope.node.path} (shadow)` });
  if (candidate.name !== live.name) {
    throw invalid(scope, 'shadow.candidate', `${candidate.name}@${candidate.version}`, `is a different model than the artifact (${live.name})`, 'Shadow a new version of the same model; compare different models with separate endpoints.');
  }
  if (candidate.version === live.version) {
    throw invalid(scope, 'shadow.candidate', `${candidate.name}@${candidate.version}`, 'is the version already in production', 'Shadow a new version, e.g. the next release candidate.');
  }
  warnIfWeightsMayBeOverwritten(scope, candidate);
  const model = createModel(candidate);
  // The lane tags everything with the live version (bindModel); the shadow model carries its own.
  for (const [k, v] of Object.entries(candidate.tags)) {
    Tags.of(model).add(k, v, { priority: SHADOW_TAG_PRIORITY });
  }
  return model;
}

/** Instances of the shadow variant: ceil(fleet × share), at least 1; with a token fleet size, 1. */
export function shadowInstanceCount(shadow: ShadowTraffic, initialCount: number): number {
  return isConcreteNumber(initialCount) ? Math.max(1, Math.ceil(initialCount * shadow.samplePercent / 100)) : 1;
}
