// Simulation of synthesized stacks on traffic traces (pure TypeScript, no AWS calls). Not part of the
// jsii API: import from 'cdk-inference-lanes/lib/simulation'. See lib/simulation/README.md.
export * from './stack-model';
export * from './profile';
export { readStack, readCloudAssembly, TemplateInput, ManifestInput } from './template-reader';
export { modelFromConstructs, templateInput, ChartLike } from './from-construct';
export { simulate, SimulateOptions, RunResult, LaneResult, SimulationInputError } from './engine';
export { oracle, naiveModel, OracleResult } from './references';
export { rolloutTrials, CanaryKind, RolloutTrialOptions, RolloutTrialResult } from './rollout-trials';
export { Trace, TraceError, readCsvTrace, scaleTrace, recommenderTrace, assistantTrace, documentBatchTrace, TRACES } from './traces';
export { runScenario, runRolloutTrials, toJson, toText, toSvg, ScenarioReport } from './report';
export { SEED_SCENARIOS, EXAMPLE_PROFILES, SeedScenario } from './seed';
export { loadApp } from './apps';
export { compileMetricMath, MetricMathError } from './metric-math';
