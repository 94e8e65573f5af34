export * from './provisioned-concurrency-statistic';
export * from './warm-serverless-function';
