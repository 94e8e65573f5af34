import { IInferenceLane, LaneKind, RouteTarget } from '../../core';
import { invalid } from '../../core/private/errors';

/** The lanes of a front door, by role (`primary`, `burst`, `canary`, `jobs`). */
export type FrontDoorLanes = { [role: string]: IInferenceLane | undefined };

/**
 * Each lane's route target, by role. Throws a LaneValidationError naming the front door's path, the role
 * (the prop), the lane's path (the value) and what to do when a lane is not part of the topology or has
 * no route target.
 */
export function resolveRouteTargets(frontDoorPath: string, topologyPath: string, lanesOfTopology: IInferenceLane[], lanes: FrontDoorLanes, failover: boolean): { [role: string]: RouteTarget | undefined } {
  const targets: { [role: string]: RouteTarget | undefined } = {};
  for (const [role, lane] of Object.entries(lanes)) {
    if (lane === undefined) { continue; }
    if (!lanesOfTopology.includes(lane)) {
      throw invalid(frontDoorPath, role, lane.node.path, `is not a lane of topology ${topologyPath}`,
        'Create the lane inside the topology, or register it with topology.addLane(lane) before addFrontDoor.');
    }
    const target = lane.routeTarget();
    if (target === undefined) {
      throw invalid(frontDoorPath, role, lane.node.path, `cannot be routed to: ${whyNot(lane.laneKind)}`, fixFor(role));
    }
    targets[role] = target;
  }
  // The front door fails over on the primary's rollback alarms only, and only when there is a burst lane
  // to fail over to (and failover is wanted); the other lanes' alarms stay on their own dashboards.
  for (const role of Object.keys(targets)) {
    const keep = failover && role === 'primary' && targets.burst !== undefined;
    if (!keep && targets[role]!.alarms.length > 0) { targets[role] = targets[role]!.withAlarms([]); }
  }
  return targets;
}

function whyNot(kind: LaneKind): string {
  switch (kind) {
    case LaneKind.MANAGED_ENDPOINT: return 'an asynchronous endpoint takes requests through S3 (InvokeEndpointAsync), not InvokeEndpoint';
    case LaneKind.GPU_CLUSTER: return 'the Kubernetes service has no URL the front door knows (routeUrl is not set)';
    case LaneKind.EDGE_FLEET: return 'an edge fleet runs the model on devices and takes no requests from the cloud';
    default: return `the ${kind} lane has no route target`;
  }
}

function fixFor(role: string): string {
  return role === 'jobs'
    ? 'Pass a QueueDrainedWorkers lane as jobs.'
    : `Pass a routable lane as ${role}: a real-time or serverless ManagedEndpoint, a WarmServerlessFunction, or a GpuClusterService with routeUrl.`;
}
