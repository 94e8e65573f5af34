import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * A Prometheus query an analysis measures.
 */
export interface ArgoPrometheusProvider {
  /** Prometheus server URL. */
  readonly address: string;
  /** PromQL query; its first sample is `result[0]`. */
  readonly query: string;
}

/**
 * Metric provider.
 */
export interface ArgoMetricProvider {
  /** Prometheus. */
  readonly prometheus: ArgoPrometheusProvider;
}

/**
 * One analysis metric.
 */
export interface ArgoAnalysisMetric {
  /** Metric name. */
  readonly name: string;

  /** Where the measurement comes from. */
  readonly provider: ArgoMetricProvider;

  /**
   * Time between measurements, e.g. `60s`.
   *
   * @default - measured once
   */
  readonly interval?: string;

  /**
   * Condition a measurement must meet, e.g. `result[0] <= 300`.
   *
   * @default - none
   */
  readonly successCondition?: string;

  /**
   * Condition that makes a measurement fail. With both conditions set, a measurement that meets
   * neither (e.g. an empty result) is inconclusive.
   *
   * @default - any measurement that does not meet successCondition fails
   */
  readonly failureCondition?: string;

  /**
   * Failed measurements tolerated before the analysis fails. Argo counts them over the whole run,
   * not over a sliding window.
   *
   * @default 0
   */
  readonly failureLimit?: number;

  /**
   * Inconclusive measurements tolerated (over the whole run) before the analysis is Inconclusive,
   * which pauses the rollout.
   *
   * @default 0
   */
  readonly inconclusiveLimit?: number;

  /**
   * Delay before the first measurement, e.g. `60s`.
   *
   * @default - none
   */
  readonly initialDelay?: string;
}

/**
 * A template argument.
 */
export interface ArgoTemplateArgument {
  /** Name. */
  readonly name: string;

  /**
   * Default value.
   *
   * @default - must be passed by the Rollout
   */
  readonly value?: string;
}

/**
 * Spec of an AnalysisTemplate.
 */
export interface ArgoAnalysisTemplateSpec {
  /**
   * Arguments.
   *
   * @default - none
   */
  readonly args?: ArgoTemplateArgument[];

  /** Metrics. */
  readonly metrics: ArgoAnalysisMetric[];
}

/**
 * Props of {@link ArgoAnalysisTemplate}.
 */
export interface ArgoAnalysisTemplateProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: ArgoAnalysisTemplateSpec;
}

/**
 * An Argo Rollouts AnalysisTemplate (`argoproj.io/v1alpha1`): the SLO as Prometheus measurements a
 * rollout is aborted (rolled back) on.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export class ArgoAnalysisTemplate extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'argoproj.io/v1alpha1';
  /** Kind. */
  public static readonly KIND = 'AnalysisTemplate';

  constructor(scope: Construct, id: string, props: ArgoAnalysisTemplateProps) {
    super(scope, id, { apiVersion: ArgoAnalysisTemplate.API_VERSION, kind: ArgoAnalysisTemplate.KIND, metadata: props.metadata, spec: props.spec });
  }
}
