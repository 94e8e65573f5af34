export * from './route-target';
export * from './inference-front-door';
