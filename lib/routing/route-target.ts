// RouteTarget is a core contract (lib/core/route-target.ts): lanes return one from `routeTarget()`.
// Re-exported here so `lib/routing` keeps offering the target factories next to the front door.
export {
  RouteTarget, RouteTargetKind, RouteTargetOptions, RouteTargetConfig, SageMakerEndpointTargetProps,
  JobResultsLocation, QueueTargetProps, HttpTargetProps,
} from '../core/route-target';
