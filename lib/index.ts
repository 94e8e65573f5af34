export * from './core';
export * from './managed-endpoint';
export * from './gpu-cluster';
export * from './serverless';
export * from './batch-workers';
export * from './edge-fleet';
export * from './topology';
export * from './planning';
