export { ProvisionedConcurrencyStatistic } from './provisioned-concurrency-statistic';
export { WarmServerlessFunction } from './warm-serverless-function';
export type {
  IWarmServerlessFunction, WarmServerlessFunctionAttributes, WarmServerlessFunctionProps,
} from './warm-serverless-function';
