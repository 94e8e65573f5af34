/**
 * One HPA scaling policy: at most `value` pods (or percent) per `periodSeconds`.
 * Field names are those of `autoscaling/v2` `HPAScalingPolicy`.
 */
export interface ScalingBehaviorPolicy {
  /** `Pods` or `Percent`. */
  readonly type: string;
  /** Pods or percent allowed to change per period. */
  readonly value: number;
  /** Period the change is limited over (1-1800 seconds). */
  readonly periodSeconds: number;
}

/**
 * Scaling rules for one direction (`autoscaling/v2` `HPAScalingRules`).
 */
export interface ScalingBehaviorRules {
  /**
   * Seconds of past recommendations considered: scale-up uses the lowest, scale-down the highest.
   *
   * @default - Kubernetes default (0 up, 300 down)
   */
  readonly stabilizationWindowSeconds?: number;

  /**
   * `Max`, `Min` or `Disabled`.
   *
   * @default - Kubernetes default (`Max`)
   */
  readonly selectPolicy?: string;

  /**
   * Rate limits.
   *
   * @default - Kubernetes default policies
   */
  readonly policies?: ScalingBehaviorPolicy[];
}

/**
 * HPA behavior (`autoscaling/v2` `HorizontalPodAutoscalerBehavior`), used by the HPA and by KEDA's
 * `advanced.horizontalPodAutoscalerConfig.behavior`.
 */
export interface ScalingBehavior {
  /**
   * Scale-up rules.
   *
   * @default - Kubernetes default
   */
  readonly scaleUp?: ScalingBehaviorRules;

  /**
   * Scale-down rules.
   *
   * @default - Kubernetes default
   */
  readonly scaleDown?: ScalingBehaviorRules;
}
