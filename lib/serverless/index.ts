export { ProvisionedConcurrencyStatistic } from './provisioned-concurrency-statistic';
export { WarmServerlessFunction } from './warm-serverless-function';
export type { WarmServerlessFunctionAttributes, WarmServerlessFunctionProps } from './warm-serverless-function';
export type { IWarmServerlessFunction } from './warm-serverless-function-base';
