export * from './cfn-lint';
export * from './nag';
export * from './kubernetes-schema';
export * from './local-deploy';
export * from './snapshot';
export * from './api-contract';
export * from './simulation';
