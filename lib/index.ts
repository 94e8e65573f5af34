export * from './core';
export * from './batch-workers';
export * from './topology';
