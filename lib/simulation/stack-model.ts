/**
 * What the simulator knows about a synthesized stack: per lane, the scaling, alarms and rollout
 * exactly as the templates and manifests will deploy them. Built by `readStack` (template-reader.ts).
 */

/** One metric a policy or alarm reads. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  /** Statistic: Sum, Average, Maximum, Minimum, SampleCount or a percentile such as p95. */
  readonly stat: string;
  /** Seconds. */
  readonly period: number;
  /** Unit the alarm threshold is expressed in (Microseconds for SageMaker ModelLatency). */
  readonly unit?: string;
  /**
   * Dimension names and values (a value that is a reference or other token reads `<token>`); e.g.
   * `ExecutedVersion` marks a Lambda metric of one version. @default none read
   */
  readonly dimensions?: Record<string, string>;
}

/** A metric-math expression with the metrics it references by id. */
export interface MetricMath {
  readonly expression: string;
  readonly metrics: Record<string, MetricRef>;
  /** Seconds (period of the referenced metrics). */
  readonly period: number;
}

/** A CloudWatch alarm as emitted. Exactly one of `metric` and `math` is set. */
export interface AlarmSpec {
  readonly logicalId: string;
  readonly alarmName?: string;
  readonly metric?: MetricRef;
  readonly math?: MetricMath;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData: string;
  /**
   * Percentile alarms: `ignore` keeps the state unchanged while a datapoint has fewer than
   * `10 / (1 - p)` samples (`10 / p` for p < 0.5). @default 'evaluate'
   */
  readonly evaluateLowSampleCountPercentile?: string;
}

/** Target tracking as emitted (predefined or customized metric). */
export interface TargetTrackingSpec {
  readonly logicalId: string;
  /** Predefined metric type, e.g. SageMakerVariantInvocationsPerInstance. */
  readonly predefined?: string;
  readonly customized?: MetricRef;
  readonly math?: MetricMath;
  readonly targetValue: number;
  /** Seconds; the service default when the template leaves it out. */
  readonly scaleOutCooldown: number;
  readonly scaleInCooldown: number;
  readonly disableScaleIn: boolean;
}

/** One step of a step scaling policy (bounds relative to the alarm threshold). */
export interface StepSpec {
  readonly lower?: number;
  readonly upper?: number;
  readonly adjustment: number;
}

/** Step scaling with the alarm(s) that invoke it. */
export interface StepScalingSpec {
  readonly logicalId: string;
  readonly adjustmentType: string;
  /** Seconds. */
  readonly cooldown: number;
  readonly steps: StepSpec[];
  readonly minAdjustmentMagnitude?: number;
  readonly alarms: AlarmSpec[];
}

/** A scheduled action (UTC unless `timeZone`). */
export interface ScheduledActionSpec {
  readonly name: string;
  readonly schedule: string;
  readonly timeZone?: string;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

/** An Application Auto Scaling scalable target and its policies. */
export interface ScalableTargetSpec {
  readonly logicalId: string;
  readonly serviceNamespace: string;
  readonly scalableDimension: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetTracking: TargetTrackingSpec[];
  readonly stepScaling: StepScalingSpec[];
  readonly scheduled: ScheduledActionSpec[];
}

/** A KEDA trigger as the simulator models it. */
export interface KedaTriggerSpec {
  readonly type: string;
  readonly name?: string;
  readonly metadata: Record<string, string>;
  readonly metricType?: string;
}

/** A KEDA ScaledObject or a plain HPA, with the HPA behaviour. */
export interface KubernetesScalerSpec {
  readonly kind: 'ScaledObject' | 'HorizontalPodAutoscaler';
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** KEDA polling interval, seconds (HPA: the controller's 15-second sync period). */
  readonly pollingInterval: number;
  readonly triggers: KedaTriggerSpec[];
  /** HPA behaviour: stabilization windows (seconds) and rate policies. */
  readonly scaleUpStabilization: number;
  readonly scaleDownStabilization: number;
  readonly scaleUpPolicies: HpaPolicySpec[];
  readonly scaleDownPolicies: HpaPolicySpec[];
  readonly scaleUpSelect: string;
  readonly scaleDownSelect: string;
}

/** One HPA scaling policy (`type: Pods|Percent, value, periodSeconds`). */
export interface HpaPolicySpec {
  readonly type: string;
  readonly value: number;
  readonly periodSeconds: number;
}

/** One Argo Rollouts analysis metric (Prometheus). */
export interface AnalysisMetricSpec {
  readonly name: string;
  /** Seconds between measurements. */
  readonly interval: number;
  readonly failureLimit: number;
  readonly successCondition: string;
  readonly query: string;
  /** What the query measures, as the simulator reads it. */
  readonly measures: 'latency' | 'error-rate' | 'unknown';
  /** The bound in the success condition (`result[0] <= X`). */
  readonly bound?: number;
  /** For latency: the quantile (0.95). */
  readonly quantile?: number;
  /** Fewest requests in the window for a measurement to count (a guard in the query). */
  readonly minRequests?: number;
  /** Range of the query (`[5m:1m]`), seconds, when longer than the interval: a sliding window. @default the interval */
  readonly windowSeconds?: number;
  /**
   * Error rate judged by the SLO's one-sided test instead of `result <= bound`: fails when
   * `(errors − p·n)² / (p(1−p)·n) > z2` with errors above `p·n`.
   */
  readonly zTest?: { readonly p: number; readonly z2: number };
  /**
   * Latency judged by counting the window's minutes whose percentile (from at least
   * `minRequestsPerMinute` requests) is over `thresholdMs`: fails when the count reaches `failAt`.
   */
  readonly breachMinutes?: { readonly thresholdMs: number; readonly minRequestsPerMinute: number; readonly failAt: number };
}

/** How new versions reach traffic, as emitted. */
export interface RolloutSpec {
  /** sagemaker-blue-green | codedeploy-lambda | ecs | argo-canary */
  readonly mechanism: string;
  /** CANARY | LINEAR | ALL_AT_ONCE */
  readonly type: string;
  /** Share of traffic (or capacity) on the new version during the first step, percent. */
  readonly canaryPercent: number;
  /** Seconds the first step waits before the next. */
  readonly waitSeconds: number;
  /** Linear: percent added per step. */
  readonly linearStepPercent?: number;
  /** Seconds of the final bake (SageMaker TerminationWaitInSeconds, Argo's last pause). */
  readonly finalBakeSeconds: number;
  /** Alarms that roll back. */
  readonly alarms: AlarmSpec[];
  /** Argo analysis. */
  readonly analysis: AnalysisMetricSpec[];
  /** CodeDeploy config name or SageMaker capacity-size type (for the report). */
  readonly configName?: string;
  /** SageMaker canaries are sized in instances (CAPACITY_PERCENT) rather than traffic. */
  readonly sizeType?: string;
}

/** A lane found in the stack. */
export interface LaneSpec {
  /** Construct path of the lane (or the anchor logical id when paths are unknown). */
  readonly path: string;
  /** managed-endpoint | serverless | batch-workers | gpu-cluster | edge-fleet */
  readonly kind: string;
  /** Logical id (or Kubernetes name) of the resource that identifies the lane. */
  readonly anchor: string;
  readonly instanceType?: string;
  readonly scalableTargets: ScalableTargetSpec[];
  readonly kubernetesScalers: KubernetesScalerSpec[];
  readonly rollout?: RolloutSpec;
  /** Every alarm of the lane (scaling, rollback, paging). */
  readonly alarms: AlarmSpec[];
  /** Lambda reserved concurrency. */
  readonly reservedConcurrency?: number;
  /** ECS desired count / Kubernetes replicas / SageMaker initial instance count. */
  readonly initialCapacity?: number;
  /** SQS visibility timeout, seconds (batch lanes). */
  readonly visibilityTimeout?: number;
  /** The SLO the lane's alarms encode (read from the rollback alarms). */
  readonly slo: SloSpec;
  /**
   * The dynamic batching the lane construct declares (`lane.dynamicBatching`), read from the construct
   * tree (modelFromConstructs); a template or manifest does not carry it. @default none known
   */
  readonly batching?: LaneBatchingSpec;
  /**
   * The lane construct's stated `scaleOutLeadTime`, read from the construct tree. @default not stated
   */
  readonly leadTime?: LaneLeadTimeSpec;
}

/** A lane's dynamic batching as the simulator uses it. */
export interface LaneBatchingSpec {
  readonly maxBatchSize: number;
  /** Longest a request waits for a batch, milliseconds. */
  readonly maxQueueDelayMs: number;
  /** Stated throughput gain, percent. @default not stated (no gain) */
  readonly throughputGainPercent?: number;
}

/** A lane's stated scale-out lead time: its steps in seconds with their sources. */
export interface LaneLeadTimeSpec {
  readonly totalSeconds: number;
  readonly steps: Array<{ readonly step: string; readonly seconds: number; readonly source: string }>;
}

/** The SLO read back from the emitted alarms. */
export interface SloSpec {
  /** e.g. 95 */
  readonly latencyPercentile?: number;
  /** Milliseconds. */
  readonly latencyMs?: number;
  readonly maxErrorRatePercent?: number;
  /** Seconds. */
  readonly maxTimeInQueue?: number;
}

/** Something the reader found but cannot (or does not) simulate. */
export interface ReaderFinding {
  /** Lane path, if the resource belongs to one. */
  readonly lane?: string;
  /** Logical id or Kubernetes kind/name. */
  readonly resource: string;
  readonly type: string;
  /** unsupported: changes behaviour the simulator ignores; info: read, not simulated (paging). */
  readonly severity: 'unsupported' | 'info';
  readonly message: string;
}

/** Everything read from one app (templates + manifests). */
export interface StackModel {
  readonly lanes: LaneSpec[];
  readonly findings: ReaderFinding[];
  /** Front doors (InferenceFrontDoor routers) read from ROUTER_CONFIG. @default none */
  readonly frontDoors?: FrontDoorSpec[];
}

/**
 * A front door's routing as its router reads it (lib/routing/handler/router.js, ROUTER_CONFIG), with
 * its targets mapped onto the lanes (lane paths).
 */
export interface FrontDoorSpec {
  /** Construct path of the front door (its `route`). */
  readonly path: string;
  /** Logical id of the router function. */
  readonly router: string;
  /** Lane path of the primary target. */
  readonly primary?: string;
  /** Lane path of the burst target. */
  readonly burst?: string;
  /** Lane path of the jobs (batch) target. */
  readonly jobs?: string;
  /** Cross-lane canary (weighted split): percent and lane path. */
  readonly canary?: { percent: number; lane?: string };
  readonly hedgeAfterMs: number;
  /** Per-environment token bucket: each request adds budgetPercent/100 tokens up to bucketSize; a spill costs 1. */
  readonly retry: { budgetPercent: number; bucketSize: number; jitterMs: number };
  /**
   * Primary alarms (logical ids in the primary lane's `alarms`) the router fails over on; the state cache TTL;
   * the gradual fail-back (primary-first share from `failbackStartPercent` to 100% over `failbackMs`; 0 = at once).
   */
  readonly failover?: { alarms: string[]; cacheMs: number; failbackMs: number; failbackStartPercent: number };
  /** Load-aware admission (router.js `Admission`): undefined when off. */
  readonly admission?: { budgetMs: number; targetSlowPercent: number; windowMs: number; adjustMs: number; gain: number; increasePercent: number; minPercent: number };
}
