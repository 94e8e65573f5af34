export { ResilienceExperiments } from './resilience-experiments';
export type {
  ExperimentSummary, KubernetesFaultTarget, LambdaFaultConfigLocation, ResilienceExperimentsProps, UnsupportedLane,
} from './resilience-experiments';
