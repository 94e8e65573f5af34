/**
 * The package root: the public constructs and contracts, listed one by one (no `export *`), so that a
 * helper a module keeps for the library is never reachable from here by accident. The test helpers are
 * the `cdk-inference-lanes/testing` entry point (lib/testing); the simulator is `lib/simulation`.
 */
export {
  ArtifactSignature, AutoscalingPolicy, DynamicBatching, HardwareTarget, InferenceLaneBase, LaneDashboard, LaneKind, LaneValidationError,
  ModelArtifact, ModelPrecision, ModelWeights, Rollout, RolloutStrategy, RouteTarget, RouteTargetKind,
  ScaleOutLeadTime, ScalingTrigger, ScheduleFormat, ServiceLevelObjective, ServingImage, ShadowTraffic, TriggerKind, VersionFreeze,
} from './core';
export type {
  ArtifactSignatureConfig, AutoscalingPolicyProps, BucketWeightsOptions, DynamicBatchingProps, LaneBatchingSupport, LeadTimeStep, CanaryRolloutProps, HttpTargetProps, IInferenceLane,
  ILaneDefaultsProvider, JobResultsLocation, LaneCapacity, LaneDashboardProps, LaneDefaults, LaneModel,
  LaneModelBindOptions, LaneScalingSupport, LaneValidationErrorProps, LinearRolloutProps,
  ModelArtifactBindOptions, ModelArtifactBinding, ModelArtifactOptions, ModelArtifactProps, ModelCard,
  ModelVariantProps, ModelWeightsConfig, QueueTargetProps, RequestCaptureOptions, ResolvedVariant, RolloutOptions, RouteTargetConfig,
  RouteTargetOptions, SageMakerEndpointTargetProps, ScheduledCapacity, ServiceLevelObjectiveProps,
  ServiceLevelObjectiveResources, ServingImageConfig, ShadowTrafficProps, SloMetricSource, VersionFreezeOptions,
} from './core';
export { CaptureMode, DriftMonitor, EndpointMode, EndpointModeKind, ManagedEndpoint, ModelHosting, RetrainingHook, RoutingStrategy } from './managed-endpoint';
export type {
  AsyncModeProps, DataCaptureLocation, DataCaptureOptions, DriftMonitorProps, IManagedEndpoint, InstanceModeOptions, ManagedEndpointAttributes,
  ManagedEndpointProps, RealTimeModeProps, RollingUpdateOptions, ServerlessModeProps,
  ComputeReservation, InferenceComponentModeProps, InferenceComponentOptions, ModelComponent,
} from './managed-endpoint';
export {
  AdmissionController, GpuClusterService, GpuServingChart, KubernetesRolloutMode, KubernetesScalingEngine, ModelServer, ServingAutoscaler,
  TritonInstanceKind, TritonModelConfig, WorkloadIdentity,
  GpuCapacityType, GpuNodeProvisioning, GpuNodeProvisioningKind, KarpenterAmiFamily,
} from './gpu-cluster';
export type {
  AutoscalerTarget, GatewayParentRef, GpuClusterServiceProps, GpuNodeGroupOptions, GpuServingChartProps, GpuServingOptions, GpuToleration,
  ImageAdmissionPolicyOptions, ModelServerProps, ScalingBehavior, ScalingBehaviorPolicy, ScalingBehaviorRules, ServedModel, ServingAutoscalerProps,
  ServingMetricQueries, TritonModelConfigProps, TritonTensor,
  AutoModeProvisioningOptions, GpuDisruptionWindow, GpuNodePoolOptions, KarpenterProvisioningOptions,
} from './gpu-cluster';
export { ServingRuntime, ServingRuntimeKind } from './gpu-cluster';
export type { ModelCacheOptions, TritonWarmup, VllmServerOptions } from './gpu-cluster';
export { ProvisionedConcurrencyStatistic, WarmMode, WarmModeKind, WarmServerlessFunction } from './serverless';
export type {
  IWarmServerlessFunction, ProvisionedConcurrencyWarmModeOptions, SnapStartWarmModeOptions, WarmServerlessFunctionAttributes, WarmServerlessFunctionProps,
} from './serverless';
export { GpuCapacity, GpuCapacityKind, InFlightJobHandling, QueueDrainedWorkers } from './batch-workers';
export type { ManagedInstancesGpuCapacityOptions, QueueDrainedWorkersProps } from './batch-workers';
export {
  EdgeFleetChannel, FleetRelease, FleetRing, JobExecutionStatus, JobFailureType, ReleaseStage,
} from './edge-fleet';
export type {
  EdgeDeviceClass, EdgeFleetChannelProps, EdgeRing, ExponentialJobRate, FleetJobOptions, JobAbortCriterion,
} from './edge-fleet';
export { HybridTopology } from './topology';
export type {
  AddLaneOptions, FrontDoorSummary, HybridTopologyProps, LaneSummary, TopologyFrontDoorProps,
} from './topology';
export { ResilienceExperiments } from './operations';
export type {
  ExperimentSummary, KubernetesFaultTarget, LambdaFaultConfigLocation, ResilienceExperimentsProps, UnsupportedLane,
} from './operations';
export {
  AppSourceKind, DeliveryAppSource, DeliveryStage, DeliveryStageKind, ModelDeliveryContext, ModelDeliveryPipeline, ModelDeliverySource,
  ModelSourceKind,
} from './delivery';
export type {
  ApprovalStageOptions, CanaryStageOptions, ConnectionAppSourceProps, DeliveredModel, DeployStageOptions, ModelDeliveryPipelineProps,
  ModelPackageGroupSourceOptions, ModelSignatureOptions, ShadowStageOptions,
} from './delivery';
// RouteTarget and its props are the core contract, exported above with lib/core.
export { InferenceFrontDoor } from './routing';
export type { InferenceFrontDoorOptions, InferenceFrontDoorProps } from './routing';
export {
  CapacityPlanner, CostClarity, CostMath, DataLocality, HybridRole, LaneChooser, LatencyClass, PlanningQuestion,
  SurgeHandling, TeamMaturity, TradeOffAspect, TrafficShape, WorkloadKind,
} from './planning';
export type {
  CapacityPlan, CapacityPlannerProps, HybridPart, HybridSuggestion, LaneFactor, LaneQuestionnaire,
  LaneRecommendation, LaneTradeOff, RankedLane, StagingLoad, TrafficProfile, UnmetConstraint,
} from './planning';
