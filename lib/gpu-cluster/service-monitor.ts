import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * A label selector by exact labels.
 */
export interface MatchLabelsSelector {
  /** Labels that must all match. */
  readonly matchLabels: { [key: string]: string };
}

/**
 * One scraped endpoint (`spec.endpoints[]`).
 */
export interface ServiceMonitorEndpoint {
  /** Name of the Service port. */
  readonly port: string;

  /**
   * HTTP path.
   *
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * Scrape interval, e.g. `15s`.
   *
   * @default - Prometheus' global interval
   */
  readonly interval?: string;
}

/**
 * Spec of a ServiceMonitor.
 */
export interface ServiceMonitorSpec {
  /** Services to scrape. */
  readonly selector: MatchLabelsSelector;

  /** Endpoints to scrape on each. */
  readonly endpoints: ServiceMonitorEndpoint[];

  /**
   * Pod labels copied onto the scraped series (e.g. `rollouts-pod-template-hash`).
   *
   * @default - none
   */
  readonly podTargetLabels?: string[];
}

/**
 * Props of {@link ServiceMonitor}.
 */
export interface ServiceMonitorProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: ServiceMonitorSpec;
}

/**
 * A Prometheus Operator ServiceMonitor (`monitoring.coreos.com/v1`).
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export class ServiceMonitor extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'monitoring.coreos.com/v1';
  /** Kind. */
  public static readonly KIND = 'ServiceMonitor';

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id, { apiVersion: ServiceMonitor.API_VERSION, kind: ServiceMonitor.KIND, metadata: props.metadata, spec: props.spec });
  }
}
