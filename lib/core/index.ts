/**
 * The public contracts of lib/core, listed one by one (no `export *`), so that a helper marked
 * `@internal` in a contract's file is never reachable from the package root by accident.
 *
 * Helpers for lanes are imported from their module path instead: `../core/errors` (`invalid`,
 * `checkRange`, `checkInteger`, `isConcreteNumber`...), `../core/private/validation`,
 * `../core/private/metric-math`, `../core/lane-defaults` (`withLaneDefaults`), `../core/inference-lane`
 * (`uniqueMetricId`), `../core/lane-dashboard` (`costPerThousand`...), `../core/model-weights`
 * (`checkDigest`).
 */

export { LaneValidationError } from './errors';
export type { LaneValidationErrorProps } from './errors';

export { HardwareTarget, LaneKind, ModelPrecision } from './hardware';

export { ArtifactSignature, ModelWeights } from './model-weights';
export type { ArtifactSignatureConfig, BucketWeightsOptions, ModelWeightsConfig } from './model-weights';

export { ServingImage } from './serving-image';
export type { ServingImageConfig } from './serving-image';

export { ModelArtifact } from './model-artifact';
export type {
  ModelArtifactBinding, ModelArtifactBindOptions, ModelArtifactOptions, ModelArtifactProps, ModelCard, ModelVariantProps, ResolvedVariant,
} from './model-artifact';

export { AutoscalingPolicy, ScalingTrigger, ScheduleFormat, TriggerKind } from './autoscaling';

export { DynamicBatching } from './dynamic-batching';
export type { DynamicBatchingProps, LaneBatchingSupport } from './dynamic-batching';

export { ScaleOutLeadTime } from './lead-time';
export type { LeadTimeStep } from './lead-time';
export type { AutoscalingPolicyProps, LaneScalingSupport, ScheduledCapacity } from './autoscaling';

export { Rollout, RolloutStrategy, ShadowTraffic } from './rollout';
export type { CanaryRolloutProps, LinearRolloutProps, RolloutOptions, ShadowTrafficProps } from './rollout';

export { ServiceLevelObjective } from './service-level-objective';
export type { ServiceLevelObjectiveProps, ServiceLevelObjectiveResources, SloMetricSource } from './service-level-objective';

export type { IInferenceLane, LaneCapacity } from './inference-lane';

export { InferenceLaneBase } from './inference-lane-base';
export type { LaneModel, LaneModelBindOptions } from './inference-lane-base';

export type { ILaneDefaultsProvider, LaneDefaults } from './lane-defaults';

export { LaneDashboard } from './lane-dashboard';
export type { LaneDashboardProps } from './lane-dashboard';

export type { RequestCaptureOptions } from './request-capture';

export { VersionFreeze } from './version-freeze';
export type { VersionFreezeOptions } from './version-freeze';

export { RouteTarget, RouteTargetKind } from './route-target';
export type {
  HttpTargetProps, JobResultsLocation, QueueTargetProps, RouteTargetConfig, RouteTargetOptions, SageMakerEndpointTargetProps,
} from './route-target';
