import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * One alerting rule.
 */
export interface PrometheusAlertRule {
  /** Alert name. */
  readonly alert: string;

  /** PromQL expression; the alert fires while it returns samples. */
  readonly expr: string;

  /**
   * How long the expression must hold, e.g. `1m`.
   *
   * @default - fires at once
   */
  readonly for?: string;

  /**
   * Labels added to the alert.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations (summary, description).
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * A rule group.
 */
export interface PrometheusRuleGroup {
  /** Group name. */
  readonly name: string;

  /** Rules. */
  readonly rules: PrometheusAlertRule[];
}

/**
 * Spec of a PrometheusRule.
 */
export interface PrometheusRuleSpec {
  /** Groups. */
  readonly groups: PrometheusRuleGroup[];
}

/**
 * Props of {@link PrometheusRule}.
 */
export interface PrometheusRuleProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: PrometheusRuleSpec;
}

/**
 * A Prometheus Operator PrometheusRule (`monitoring.coreos.com/v1`): the SLO as Prometheus alerts.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class PrometheusRule extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'monitoring.coreos.com/v1';
  /** Kind. */
  public static readonly KIND = 'PrometheusRule';

  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id, { apiVersion: PrometheusRule.API_VERSION, kind: PrometheusRule.KIND, metadata: props.metadata, spec: props.spec });
  }
}
