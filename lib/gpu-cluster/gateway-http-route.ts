import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * The Gateway (listener) a route attaches to (`parentRefs[]`).
 */
export interface GatewayParentRef {
  /** Name of the Gateway. */
  readonly name: string;

  /**
   * Namespace of the Gateway.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;

  /**
   * Listener name on the Gateway.
   *
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;
}

/**
 * A backend of a rule (`backendRefs[]`), a Service by default.
 */
export interface HttpBackendRef {
  /** Service name. */
  readonly name: string;

  /**
   * Service port.
   *
   * @default - required by most implementations for Services
   */
  readonly port?: number;

  /**
   * Relative weight of this backend among the rule's backends.
   *
   * @default 1
   */
  readonly weight?: number;
}

/**
 * The backend a RequestMirror filter copies requests to.
 */
export interface HttpMirrorBackendRef {
  /** Service name. */
  readonly name: string;

  /**
   * Service port.
   *
   * @default - required by most implementations for Services
   */
  readonly port?: number;
}

/**
 * RequestMirror filter settings.
 */
export interface HttpRequestMirror {
  /** Where mirrored requests go; their responses are discarded. */
  readonly backendRef: HttpMirrorBackendRef;

  /**
   * Share of requests mirrored, percent (Gateway API v1.2+; an extended feature).
   *
   * @default 100
   */
  readonly percent?: number;
}

/**
 * A filter of a rule (`filters[]`).
 */
export interface HttpRouteFilter {
  /** Filter type, e.g. `RequestMirror`. */
  readonly type: string;

  /**
   * Mirror settings when `type` is `RequestMirror`.
   *
   * @default - none
   */
  readonly requestMirror?: HttpRequestMirror;
}

/**
 * A path match.
 */
export interface HttpPathMatch {
  /**
   * `PathPrefix`, `Exact` or `RegularExpression`.
   *
   * @default 'PathPrefix'
   */
  readonly type?: string;

  /**
   * The path.
   *
   * @default '/'
   */
  readonly value?: string;
}

/**
 * A request match.
 */
export interface HttpRouteMatch {
  /**
   * Path match.
   *
   * @default - every path
   */
  readonly path?: HttpPathMatch;
}

/**
 * A routing rule (`rules[]`).
 */
export interface HttpRouteRule {
  /**
   * Which requests the rule matches.
   *
   * @default - every request
   */
  readonly matches?: HttpRouteMatch[];

  /**
   * Filters applied to matched requests.
   *
   * @default - none
   */
  readonly filters?: HttpRouteFilter[];

  /**
   * Weighted backends.
   *
   * @default - none (requests are rejected)
   */
  readonly backendRefs?: HttpBackendRef[];
}

/**
 * Spec of an HTTPRoute.
 */
export interface HttpRouteSpec {
  /** Gateways the route attaches to. */
  readonly parentRefs: GatewayParentRef[];

  /**
   * Host names the route serves.
   *
   * @default - every host name of the listener
   */
  readonly hostnames?: string[];

  /** Rules. */
  readonly rules: HttpRouteRule[];
}

/**
 * Props of {@link GatewayHttpRoute}.
 */
export interface GatewayHttpRouteProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: HttpRouteSpec;
}

/**
 * A Gateway API HTTPRoute (`gateway.networking.k8s.io/v1`), typed: weighted backends for canaries and
 * RequestMirror filters for shadow traffic.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */
export class GatewayHttpRoute extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'gateway.networking.k8s.io/v1';
  /** Kind. */
  public static readonly KIND = 'HTTPRoute';

  constructor(scope: Construct, id: string, props: GatewayHttpRouteProps) {
    super(scope, id, { apiVersion: GatewayHttpRoute.API_VERSION, kind: GatewayHttpRoute.KIND, metadata: props.metadata, spec: props.spec });
  }
}
