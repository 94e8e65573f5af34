export * from './edge-device-class';
export * from './edge-ring';
export * from './fleet-job';
export * from './fleet-release';
export * from './edge-fleet-channel';
