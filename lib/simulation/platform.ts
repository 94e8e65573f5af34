/**
 * Platform constants of the simulator, each with its source. Values that AWS does not publish are
 * marked "typical" and can be overridden per lane through the serving profile / simulation options.
 */

/**
 * Target tracking: Application Auto Scaling creates two alarms per policy. The scale-out alarm
 * (AlarmHigh) fires on 3 of 3 one-minute datapoints above the target, the scale-in alarm (AlarmLow)
 * on 15 of 15 one-minute datapoints below 90% of the target.
 * Sources: the alarms AAS creates (visible in CloudWatch; reported in
 * github.com/hashicorp/terraform-provider-aws/issues/42553 "60 second period, 3 out of 3 datapoints"
 * and github.com/aws/copilot-cli/issues/4233 "scale-out 3 datapoints in 3 minutes, scale-in 15 in 15");
 * the 10% margin: Application Auto Scaling User Guide, "How target tracking scaling works": a policy
 * removes capacity only when the metric falls below the target by more than 10% (typically).
 * https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
 */
export const TARGET_TRACKING = {
  scaleOutDatapoints: 3,
  scaleInDatapoints: 15,
  /** Seconds per datapoint for standard (one-minute) metrics. */
  periodSeconds: 60,
  /** The scale-in alarm's threshold is target × (1 - margin). */
  scaleInMargin: 0.1,
  /**
   * High-resolution SageMaker metrics (SageMakerVariantConcurrentRequestsPerModelHighResolution) are
   * published every 10 seconds, "up to 6x faster" scale-out than one-minute metrics
   * (SageMaker Developer Guide, endpoint auto scaling; AWS ML blog, July 2024). Modelled as 10-second
   * datapoints, 3 of 3 to scale out; scale-in keeps one-minute datapoints, 15 of 15.
   */
  highResolutionPeriodSeconds: 10,
};

/**
 * Default cooldowns when the template leaves them out (seconds): 300 for ECS services, SageMaker
 * variants and custom resources, 0 for Lambda provisioned concurrency and others.
 * Source: Application Auto Scaling API reference, TargetTrackingScalingPolicyConfiguration
 * ScaleInCooldown / ScaleOutCooldown.
 */
export const DEFAULT_COOLDOWN_SECONDS: Record<string, number> = {
  'ecs': 300,
  'sagemaker': 300,
  'custom-resource': 300,
  'lambda': 0,
  'dynamodb': 0,
  'comprehend': 0,
};

/**
 * CloudWatch: a metric datapoint for a one-minute period becomes visible to alarms after the period
 * ends; alarms are evaluated once per period. The simulator evaluates every alarm at the end of each
 * of its periods with the datapoints of the finished periods (no extra ingestion delay: optimistic).
 */
export const CLOUDWATCH = { minimumPeriodSeconds: 10 };

/**
 * Seconds from "desired capacity raised" to "new capacity serves traffic", per lane. AWS publishes no
 * figure for any of these: they are ASSUMPTIONS of typical values, to be replaced by what you measure
 * (`arrivalSeconds` in the serving profile):
 * - SageMaker real-time instance: provision an instance, pull the image, load the model; "several
 *   minutes" in practice. 360 s.
 * - Lambda provisioned concurrency: new environments are initialized before they serve (the
 *   allocation reports IN_PROGRESS, then READY; Lambda Developer Guide, "Configuring provisioned
 *   concurrency"). 120 s.
 * - Fargate task: ENI, image pull of a small image, start. 90 s.
 * - Kubernetes pod needing a new GPU node: node launch ~90 s, multi-GB serving image pull ~90 s, model
 *   load ~60 s. 240 s.
 * - Kubernetes pod on a node with room (image cached): model load only. 60 s.
 */
export const ARRIVAL_SECONDS: Record<string, number> = {
  'managed-endpoint': 360,
  'serverless': 120,
  'batch-workers': 90,
  'gpu-cluster': 240,
  'gpu-cluster-warm-node': 60,
};

/**
 * Lambda on-demand (spillover beyond provisioned concurrency): each new execution environment pays
 * a cold start (the profile's `coldStartMs`); an environment stays warm after use for minutes
 * (not documented; commonly observed 5-15 minutes). Modelled: 300 s idle keep-alive.
 * Burst: since 2023 each function scales by 1,000 environments per 10 seconds (Lambda Developer
 * Guide, "Lambda scaling behavior"), far above the traces here; reserved concurrency caps it and the
 * excess is throttled (Throttles metric).
 */
export const LAMBDA = { warmKeepAliveSeconds: 300, burstPer10Seconds: 1000 };

/**
 * KEDA polls every `pollingInterval` (default 30 s; KEDA ScaledObject spec) and feeds the HPA, which
 * syncs every 15 s (kube-controller-manager --horizontal-pod-autoscaler-sync-period default) and
 * ignores changes within 10% of the target (--horizontal-pod-autoscaler-tolerance default 0.1).
 * HPA defaults (autoscaling/v2 HorizontalPodAutoscalerBehavior): scale up with no stabilization,
 * max(100%, 4 pods) per 15 s; scale down with a 300 s stabilization window, 100% per 15 s.
 */
export const KUBERNETES = { hpaSyncSeconds: 15, hpaTolerance: 0.1, kedaDefaultPollingSeconds: 30 };

/**
 * Prometheus `rate(x[1m])` over a scrape interval of 15 s (Prometheus operator default 30 s, Triton
 * ServiceMonitor examples 15 s): the KEDA prometheus trigger sees the average of the last minute.
 */
export const PROMETHEUS = { rateWindowSeconds: 60 };

/**
 * SQS: ApproximateNumberOfMessagesVisible / ApproximateAgeOfOldestMessage are published every
 * minute (SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS": "at one-minute
 * intervals"). A received message is invisible for the visibility timeout.
 */
export const SQS = { metricPeriodSeconds: 60 };
