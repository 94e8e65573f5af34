export * from './core';
export * from './managed-endpoint';
export * from './batch-workers';
export * from './serverless';
export * from './edge-fleet';
export * from './topology';
