import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Rollout as CoreRollout } from '../../core/rollout';
import { GatewayParentRef } from '../gpu-serving-options';
import { Rollout as ArgoRolloutObject, RolloutSpecStrategyCanaryAnalysis } from '../imports/argoproj.io';
import { HTTPRoute, HTTPRouteSpecRulesBackendRefs, HTTPRouteSpecRulesFilters } from '../imports/gateway.networking.k8s.io';
import { argoSteps } from './rollback-analysis';
import { stripUndefined } from './util';

/**
 * How traffic reaches the tracks of a GpuServingChart: the Gateway API HTTPRoute (weights, mirror)
 * and, with Argo Rollouts, the Rollout and its stable/canary Services.
 * @internal
 */

/** Argo routing Services: Argo adds the pod-template hash to their selectors. */
export function renderArgoServices(scope: Construct, base: string, labels: { [key: string]: string }, stable: kplus.Deployment, httpPort: number): { stableService: string; canaryService: string } {
  const stableService = `${base}-stable`;
  const canaryService = `${base}-canary`;
  for (const [cid, name] of [['ArgoStableService', stableService], ['ArgoCanaryService', canaryService]] as const) {
    new kplus.Service(scope, cid, {
      metadata: { name, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      selector: stable,
      ports: [{ name: 'http', port: httpPort, targetPort: httpPort, protocol: kplus.Protocol.TCP }],
    });
  }
  return { stableService, canaryService };
}

/** What the HTTPRoute sends where. */
export interface RouteSpec {
  readonly base: string;
  readonly labels: { [key: string]: string };
  readonly gateway: GatewayParentRef;
  readonly hostnames?: string[];
  readonly httpPort: number;
  readonly backends: Array<{ name: string; weight: number }>;
  /** The shadow Service and the mirrored percent. */
  readonly mirror?: { name: string; percent: number };
}

/** @internal */
export function renderRoute(scope: Construct, spec: RouteSpec): HTTPRoute {
  const backendRefs: HTTPRouteSpecRulesBackendRefs[] = spec.backends.map(b => ({ name: b.name, port: spec.httpPort, weight: b.weight }));
  const filters: HTTPRouteSpecRulesFilters[] | undefined = spec.mirror
    // 100% is the default of a RequestMirror: leaving `percent` out keeps it valid on Gateway API < v1.3.
    ? [{ type: 'RequestMirror', requestMirror: stripUndefined({ backendRef: { name: spec.mirror.name, port: spec.httpPort }, percent: spec.mirror.percent === 100 ? undefined : spec.mirror.percent }) }]
    : undefined;
  return new HTTPRoute(scope, 'Route', {
    metadata: { name: spec.base, labels: spec.labels },
    spec: {
      parentRefs: [stripUndefined({ name: spec.gateway.name, namespace: spec.gateway.namespace, sectionName: spec.gateway.sectionName })],
      hostnames: spec.hostnames,
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters, backendRefs }],
    },
  });
}

/** The Argo Rollout that runs the stable Deployment's pods. */
export interface ArgoRolloutSpec {
  readonly base: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly rollout: CoreRollout;
  /** Fixed replicas; undefined when an autoscaler sets them. */
  readonly replicas?: number;
  readonly startupTimeoutSeconds: number;
  readonly services?: { stableService: string; canaryService: string };
  /** Route the weights through the Gateway API plugin. */
  readonly gatewayRouting: boolean;
  readonly analysis?: RolloutSpecStrategyCanaryAnalysis;
}

/** @internal */
export function renderArgoRollout(scope: Construct, spec: ArgoRolloutSpec): ArgoRolloutObject {
  return new ArgoRolloutObject(scope, 'Rollout', {
    metadata: { name: spec.base, labels: spec.labels },
    spec: {
      replicas: spec.replicas,
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.base, scaleDown: 'never' },
      revisionHistoryLimit: 3,
      // A version that never becomes ready is rolled back too.
      progressDeadlineSeconds: Math.max(600, Math.round(spec.startupTimeoutSeconds) + 300),
      progressDeadlineAbort: true,
      strategy: {
        canary: {
          steps: argoSteps(spec.rollout),
          canaryService: spec.services?.canaryService,
          stableService: spec.services?.stableService,
          analysis: spec.analysis,
          trafficRouting: spec.gatewayRouting
            ? { plugins: { 'argoproj-labs/gatewayAPI': stripUndefined({ httpRoute: spec.base, namespace: spec.namespace }) } }
            : undefined,
        },
      },
    },
  });
}
