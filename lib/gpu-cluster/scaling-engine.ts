/**
 * Which Kubernetes autoscaler renders the {@link AutoscalingPolicy}.
 */
export enum KubernetesScalingEngine {
  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) when the policy only scales on CPU utilization and
   * has no schedules and no scale-to-zero; a KEDA ScaledObject otherwise.
   */
  AUTO = 'AUTO',

  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) with explicit behavior. Renders CPU utilization only;
   * anything else in the policy is an error.
   */
  HPA = 'HPA',

  /**
   * A KEDA ScaledObject (keda.sh/v1alpha1): Prometheus triggers for requests, in-flight requests,
   * GPU utilization and time in queue, `aws-sqs-queue` for backlog, `cron` for schedules, and scale
   * to zero. Needs KEDA in the cluster.
   */
  KEDA = 'KEDA',
}
