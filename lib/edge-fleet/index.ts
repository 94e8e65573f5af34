export type { EdgeDeviceClass } from './edge-device-class';
export type { EdgeRing } from './edge-ring';
export { JobExecutionStatus, JobFailureType } from './fleet-job';
export type { ExponentialJobRate, FleetJobOptions, JobAbortCriterion } from './fleet-job';
export { FleetRelease, FleetRing, ReleaseStage } from './fleet-release';
export { EdgeFleetChannel } from './edge-fleet-channel';
export type { EdgeFleetChannelProps } from './edge-fleet-channel';
