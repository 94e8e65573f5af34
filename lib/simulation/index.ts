export type {
  AlarmSpec, AnalysisMetricSpec, FrontDoorSpec, HpaPolicySpec, KedaTriggerSpec, KubernetesScalerSpec, LaneSpec,
  LaneBatchingSpec, LaneLeadTimeSpec, MetricMath, MetricRef, ReaderFinding, RolloutSpec, ScalableTargetSpec,
  ScheduledActionSpec, SloSpec, StackModel, StepScalingSpec, StepSpec, TargetTrackingSpec,
} from './stack-model';
export type { ArrivalTime, ResolvedProfile, ServingProfile } from './profile';
export { arrivalFor, batchingFor, leadTimeCheck, MODELLED_SEPARATELY, modelledSeparately, NOT_MODELLED } from './lane-statements';
export type { LeadTimeCheck } from './lane-statements';
export { readStack, readCloudAssembly } from './template-reader';
export type { TemplateInput, ManifestInput } from './template-reader';
export { modelFromConstructs, templateInput } from './from-construct';
export type { ChartLike } from './from-construct';
export { simulate, SimulationInputError } from './engine';
export type { SimulateOptions, RunResult, LaneResult } from './engine';
export { oracle, naiveModel } from './references';
export type { OracleResult } from './references';
export { rolloutTrials, CanaryKind } from './rollout-trials';
export type { RolloutTrialOptions, RolloutTrialResult } from './rollout-trials';
export { TraceError, readCsvTrace, scaleTrace, recommenderTrace, assistantTrace, documentBatchTrace, TRACES } from './traces';
export type { Trace } from './traces';
export { runScenario, runRolloutTrials, toJson, toText, toSvg } from './report';
export type { ScenarioReport } from './report';
export { SEED_SCENARIOS, EXAMPLE_PROFILES } from './seed';
export type { SeedScenario } from './seed';
export { loadApp } from './apps';
export { compileMetricMath, MetricMathError } from './metric-math';
