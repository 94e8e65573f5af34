export * from './in-flight-jobs';
export * from './queue-drained-workers';
