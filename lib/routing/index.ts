export { RouteTarget, RouteTargetKind } from './route-target';
export type {
  HttpTargetProps, JobResultsLocation, QueueTargetProps, RouteTargetConfig, RouteTargetOptions,
  SageMakerEndpointTargetProps,
} from './route-target';
export { InferenceFrontDoor } from './inference-front-door';
export type { InferenceFrontDoorOptions, InferenceFrontDoorProps } from './inference-front-door';
