export { CfnLint } from './cfn-lint';
export type { CfnLintFinding, CfnLintIgnoredCheck, CfnLintOptions, CfnLintResult } from './cfn-lint';
export { NagCheck } from './nag';
export type { NagCheckOptions, NagCheckResult, NagFinding, NagSuppressionRule } from './nag';
export { KubernetesProblemType, KubernetesSchema } from './kubernetes-schema';
export type {
  KubernetesObjectReport, KubernetesProblem, KubernetesSchemaOptions, KubernetesValidationResult,
} from './kubernetes-schema';
export { LocalDeploy } from './local-deploy';
export type {
  LocalApiCreatedResource, LocalDeployAdaptation, LocalDeployOptions, LocalDeployResult, LocalDeployTimings,
  LocalDeployedResource, LocalSkippedResource,
} from './local-deploy';
export { Snapshot } from './snapshot';
export { ApiContract } from './api-contract';
export type {
  ApiContractFinding, ApiContractIgnoredFinding, ApiContractOptions, ApiContractResourceReport,
  ApiContractResult, ApiContractSkip, ApiContractTemplate, ApiContractUncoveredResource,
} from './api-contract';
export { Simulation } from './simulation';
export type { AssertMeetsSloOptions } from './simulation';
