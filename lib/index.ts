export * from './core';
export * from './batch-workers';
export * from './serverless';
export * from './topology';
