// RouteTarget is a core contract (lib/core/route-target.ts): lanes return one from `routeTarget()`.
// Re-exported here so `lib/routing` keeps offering the target factories next to the front door.
export { RouteTarget, RouteTargetKind } from '../core/route-target';
export type {
  HttpTargetProps, JobResultsLocation, QueueTargetProps, RouteTargetConfig, RouteTargetOptions, SageMakerEndpointTargetProps,
} from '../core/route-target';
