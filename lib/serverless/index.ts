export { ProvisionedConcurrencyStatistic } from './provisioned-concurrency-statistic';
export { WarmMode, WarmModeKind } from './warm-mode';
export type { ProvisionedConcurrencyWarmModeOptions, SnapStartWarmModeOptions } from './warm-mode';
export { WarmServerlessFunction } from './warm-serverless-function';
export type { WarmServerlessFunctionProps } from './warm-serverless-function';
export type { IWarmServerlessFunction, WarmServerlessFunctionAttributes } from './warm-serverless-function-base';
