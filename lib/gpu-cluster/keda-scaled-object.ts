import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { ScalingBehavior } from './scaling-behavior';

/**
 * The workload a ScaledObject scales (any resource with a `/scale` subresource).
 */
export interface KedaScaleTargetRef {
  /** Name of the workload. */
  readonly name: string;

  /**
   * Kind of the workload.
   *
   * @default 'Deployment'
   */
  readonly kind?: string;

  /**
   * API version of the workload.
   *
   * @default 'apps/v1'
   */
  readonly apiVersion?: string;
}

/**
 * Reference from a trigger to a TriggerAuthentication.
 */
export interface KedaAuthenticationRef {
  /** Name of the TriggerAuthentication. */
  readonly name: string;

  /**
   * `TriggerAuthentication` or `ClusterTriggerAuthentication`.
   *
   * @default 'TriggerAuthentication'
   */
  readonly kind?: string;
}

/**
 * One KEDA trigger (`spec.triggers[]`).
 */
export interface KedaTrigger {
  /** Scaler type, e.g. `prometheus`, `aws-sqs-queue`, `cron`, `cpu`. */
  readonly type: string;

  /**
   * Trigger name (shows in the HPA metric name).
   *
   * @default - none
   */
  readonly name?: string;

  /**
   * `AverageValue`, `Value` or `Utilization`.
   *
   * @default - the scaler's default (`AverageValue`)
   */
  readonly metricType?: string;

  /** Scaler metadata; every value is a string. */
  readonly metadata: { [key: string]: string };

  /**
   * Credentials for the scaler.
   *
   * @default - none
   */
  readonly authenticationRef?: KedaAuthenticationRef;
}

/**
 * The HPA KEDA creates (`spec.advanced.horizontalPodAutoscalerConfig`).
 */
export interface KedaHorizontalPodAutoscalerConfig {
  /**
   * Name of the HPA.
   *
   * @default - `keda-hpa-<scaledobject>`
   */
  readonly name?: string;

  /**
   * Scaling behavior of the HPA.
   *
   * @default - Kubernetes default
   */
  readonly behavior?: ScalingBehavior;
}

/**
 * Advanced ScaledObject settings (`spec.advanced`).
 */
export interface KedaAdvancedConfig {
  /**
   * HPA settings.
   *
   * @default - KEDA defaults
   */
  readonly horizontalPodAutoscalerConfig?: KedaHorizontalPodAutoscalerConfig;

  /**
   * Restore the workload's replica count when the ScaledObject is deleted.
   *
   * @default false
   */
  readonly restoreToOriginalReplicaCount?: boolean;
}

/**
 * What KEDA does when a trigger keeps failing (`spec.fallback`), e.g. Prometheus is down or a query
 * returns no sample with `ignoreNullValues: "false"`. Applies to `AverageValue` triggers.
 */
export interface KedaFallback {
  /** Failed polls in a row before the fallback applies. */
  readonly failureThreshold: number;

  /** Replicas the fallback asks for. */
  readonly replicas: number;

  /**
   * `static` (exactly `replicas`), `currentReplicas`, `currentReplicasIfHigher` or
   * `currentReplicasIfLower` (KEDA 2.17+).
   *
   * @default 'static'
   */
  readonly behavior?: string;
}

/**
 * Spec of a KEDA ScaledObject (`keda.sh/v1alpha1`).
 */
export interface KedaScaledObjectSpec {
  /** What to scale. */
  readonly scaleTargetRef: KedaScaleTargetRef;

  /** Triggers; the HPA scales to satisfy the most demanding one. */
  readonly triggers: KedaTrigger[];

  /**
   * Fewest replicas; 0 lets KEDA scale to zero.
   *
   * @default 0
   */
  readonly minReplicaCount?: number;

  /**
   * Most replicas.
   *
   * @default 100
   */
  readonly maxReplicaCount?: number;

  /**
   * Seconds between trigger checks.
   *
   * @default 30
   */
  readonly pollingInterval?: number;

  /**
   * Seconds after the last active trigger before scaling to zero (only with `minReplicaCount: 0`).
   *
   * @default 300
   */
  readonly cooldownPeriod?: number;

  /**
   * Advanced settings.
   *
   * @default - none
   */
  readonly advanced?: KedaAdvancedConfig;

  /**
   * Replicas to hold while triggers fail.
   *
   * @default - none: a failing trigger leaves the HPA without that metric
   */
  readonly fallback?: KedaFallback;
}

/**
 * Props of {@link KedaScaledObject}.
 */
export interface KedaScaledObjectProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: KedaScaledObjectSpec;
}

/**
 * A KEDA ScaledObject (`keda.sh/v1alpha1`, kind `ScaledObject`), typed.
 *
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
 */
export class KedaScaledObject extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'keda.sh/v1alpha1';
  /** Kind. */
  public static readonly KIND = 'ScaledObject';

  constructor(scope: Construct, id: string, props: KedaScaledObjectProps) {
    super(scope, id, { apiVersion: KedaScaledObject.API_VERSION, kind: KedaScaledObject.KIND, metadata: props.metadata, spec: props.spec });
  }
}
