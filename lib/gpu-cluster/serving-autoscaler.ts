import { Duration } from 'aws-cdk-lib';
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { toStandardCron } from '../core/private/scheduling';
import { AutoscalingPolicy, ScalingTrigger, TriggerKind } from '../core/autoscaling';
import { invalid } from '../core/private/errors';
import { ScaledObject, ScaledObjectSpecFallback, ScaledObjectSpecTriggers, TriggerAuthentication } from './imports/keda.sh';
import { numberText, renderQuery, secondsOf } from './private/util';
import { KubernetesScalingEngine } from './scaling-engine';
import { ScalingBehavior, ScalingBehaviorRules } from './scaling-behavior';
import { ServingMetricQueries } from './serving-metric-queries';

/**
 * The workload a {@link ServingAutoscaler} scales.
 */
export interface AutoscalerTarget {
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
 * Props of {@link ServingAutoscaler}.
 */
export interface ServingAutoscalerProps {
  /** Name of the HPA or ScaledObject. */
  readonly name: string;

  /** Labels of the autoscaler objects. */
  readonly labels: { [key: string]: string };

  /**
   * Namespace of the objects.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /** The workload to scale (a Deployment or an Argo Rollout). */
  readonly target: AutoscalerTarget;

  /** The shared policy. */
  readonly policy: AutoscalingPolicy;

  /** HPA or KEDA (already resolved, not AUTO). */
  readonly engine: KubernetesScalingEngine;

  /** Fewest replicas of this workload. */
  readonly minReplicas: number;

  /** Most replicas of this workload. */
  readonly maxReplicas: number;

  /**
   * Share of each schedule's capacity this workload holds (1 for the stable track, the traffic
   * share for a canary or shadow).
   *
   * @default 1
   */
  readonly scheduleShare?: number;

  /** PromQL label matchers of the workload's pods (fills `$SELECTOR`). */
  readonly promSelector: string;

  /**
   * The workload's Service (fills `$SERVICE` in the gateway request query).
   *
   * @default - the target's name
   */
  readonly backendService?: string;

  /** Queries (already merged with the defaults). */
  readonly queries: ServingMetricQueries;

  /** Prometheus URL. */
  readonly prometheusUrl: string;

  /** KEDA polling interval. */
  readonly pollingInterval: Duration;

  /**
   * SQS queue URL for a backlog trigger.
   *
   * @default - none
   */
  readonly queueUrl?: string;

  /**
   * Region of the queue.
   *
   * @default - none
   */
  readonly awsRegion?: string;

  /**
   * Role KEDA assumes to read the queue.
   *
   * @default - KEDA's own identity
   */
  readonly queueReaderRoleArn?: string;
}

/**
 * Renders the shared {@link AutoscalingPolicy} for one workload: an `autoscaling/v2`
 * HorizontalPodAutoscaler with explicit behavior (CPU only), or a KEDA ScaledObject with Prometheus,
 * `aws-sqs-queue`, `cpu` and `cron` triggers. Targets are the policy's targets after the warm buffer.
 *
 * Cooldowns become stabilization windows (scale-out cooldown → `scaleUp`, scale-in cooldown →
 * `scaleDown`); step caps become `Pods` policies whose period is the cooldown.
 */
export class ServingAutoscaler extends Construct {
  /** Render the policy's behavior (also used by KEDA's HPA). */
  public static behaviorOf(scope: Construct, policy: AutoscalingPolicy): ScalingBehavior {
    return {
      scaleUp: rules(scope, 'scaleOutCooldown', policy.scaleOutCooldown, 'maxScaleOutStep', policy.maxScaleOutStep),
      scaleDown: rules(scope, 'scaleInCooldown', policy.scaleInCooldown, 'maxScaleInStep', policy.maxScaleInStep),
    };
  }

  /** The HPA, when the engine is HPA. */
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The ScaledObject, when the engine is KEDA. */
  public readonly scaledObject?: ApiObject;
  private auth?: ApiObject;

  constructor(scope: Construct, id: string, props: ServingAutoscalerProps) {
    super(scope, id);
    const policy = props.policy;
    const behavior = ServingAutoscaler.behaviorOf(scope, policy);
    const metadata: ApiObjectMetadata = { name: props.name, labels: props.labels, namespace: props.namespace };

    if (props.engine === KubernetesScalingEngine.HPA) {
      const cpu = policy.trigger(TriggerKind.CPU_UTILIZATION);
      this.hpa = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: props.target.apiVersion ?? 'apps/v1', kind: props.target.kind ?? 'Deployment', name: props.target.name },
          minReplicas: props.minReplicas,
          maxReplicas: props.maxReplicas,
          metrics: cpu ? [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: Math.floor(policy.effectiveTarget(cpu)) } },
          }] : undefined,
          behavior: behavior as k8s.HorizontalPodAutoscalerBehaviorV2,
        },
      });
      return;
    }

    const triggers: ScaledObjectSpecTriggers[] = [];
    for (const t of policy.triggers) {
      triggers.push(this.renderTrigger(t, props, metadata));
    }
    const share = props.scheduleShare ?? 1;
    for (const s of policy.schedules) {
      for (const [prop, cron] of [['start', s.start], ['end', s.end]] as const) {
        if (cron.year !== undefined) {
          throw invalid(scope, `autoscaling.schedules.${s.name}.${prop}.year`, cron.year, 'cannot be rendered: KEDA cron has 5 fields (no year)', 'Drop the year; bound the window with day and month.');
        }
      }
      triggers.push({
        type: 'cron',
        name: `schedule-${s.name}`,
        metadata: {
          timezone: s.timeZone ?? 'UTC',
          start: toStandardCron(s.start),
          end: toStandardCron(s.end),
          desiredReplicas: String(Math.max(s.minCapacity === 0 ? 0 : 1, Math.ceil(s.minCapacity * share))),
        },
      });
    }
    this.scaledObject = new ScaledObject(this, 'Resource', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: props.target.apiVersion ?? 'apps/v1', kind: props.target.kind ?? 'Deployment', name: props.target.name },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: Math.round(secondsOf(props.pollingInterval)),
        // Only used when scaling to zero: how long every trigger must be idle first.
        cooldownPeriod: policy.scaleToZero ? Math.round(secondsOf(policy.scaleInCooldown)) : undefined,
        triggers,
        advanced: { horizontalPodAutoscalerConfig: { name: props.name, behavior } },
        fallback: fallbackOf(triggers, props.minReplicas),
      },
    });
  }

  /** The TriggerAuthentication of the SQS trigger, if the policy scales on a queue backlog. */
  public get triggerAuthentication(): ApiObject | undefined {
    return this.auth;
  }

  private renderTrigger(t: ScalingTrigger, props: ServingAutoscalerProps, metadata: ApiObjectMetadata): ScaledObjectSpecTriggers {
    const target = props.policy.effectiveTarget(t);
    const q = props.queries;
    const prom = (name: string, query: string, metricType: string): ScaledObjectSpecTriggers => ({
      type: 'prometheus',
      name,
      metricType,
      metadata: {
        serverAddress: props.prometheusUrl,
        query,
        threshold: numberText(target),
        // No sample is an error (then the fallback), never a 0 that scales the workload in.
        ignoreNullValues: 'false',
      },
    });
    const server = (name: string, query: string | undefined, metricType: string) => {
      if (query === undefined) {
        throw invalid(this.node.scope ?? this, 'metricQueries', name, `has no query for the ${t.toString()} trigger`, 'Pass the PromQL in metricQueries (see ServingMetricQueries).');
      }
      return prom(name, renderQuery(query, props.promSelector), metricType);
    };
    switch (t.kind) {
      case TriggerKind.REQUESTS_PER_INSTANCE:
        if (q.gatewayRequestsPerSecond !== undefined) {
          const gatewayQuery = q.gatewayRequestsPerSecond
            .split('$SERVICE').join(props.backendService ?? props.target.name)
            .split('$NAMESPACE').join(props.namespace ?? 'default');
          return prom('gateway-requests-per-pod', gatewayQuery, 'AverageValue');
        }
        return server('requests-per-pod', q.requestsPerSecond, 'AverageValue');
      case TriggerKind.IN_FLIGHT_PER_INSTANCE:
        return server('in-flight-per-pod', q.inFlightRequests, 'AverageValue');
      case TriggerKind.GPU_UTILIZATION:
        // A mean across pods: 'Value' makes the HPA scale by current/target.
        return server('gpu-utilization', q.gpuUtilizationPercent, 'Value');
      case TriggerKind.TIME_IN_QUEUE:
        return server('time-in-queue', q.queueTimeSeconds, 'Value');
      // LLM servers (vLLM): the chart rejects these triggers on Triton before an autoscaler is built.
      case TriggerKind.REQUESTS_WAITING_PER_INSTANCE:
        // Summed over the pods; AverageValue: the HPA divides by the replica count.
        return server('requests-waiting-per-pod', q.requestsWaiting, 'AverageValue');
      case TriggerKind.KV_CACHE_UTILIZATION:
        // A mean percent across pods, like GPU utilization: 'Value' scales by current/target.
        return server('kv-cache-utilization', q.kvCacheUtilizationPercent, 'Value');
      case TriggerKind.TOKENS_PER_SECOND_PER_INSTANCE:
        return server('generation-tokens-per-second-per-pod', q.generationTokensPerSecond, 'AverageValue');
      case TriggerKind.CPU_UTILIZATION:
        return { type: 'cpu', name: 'cpu-utilization', metricType: 'Utilization', metadata: { value: String(Math.floor(target)) } };
      case TriggerKind.QUEUE_BACKLOG_PER_INSTANCE: {
        // The scaler takes an integer: round the buffered target down (keeps at least the buffer).
        const length = Math.floor(target);
        if (length < 1) {
          throw invalid(this.node.scope ?? this, 'autoscaling.triggers', t.toString(), `leaves a backlog target of ${target} after the ${props.policy.warmBufferPercent}% warm buffer, below 1 job per pod`, 'Raise jobsPerInstance or lower warmBufferPercent.');
        }
        const auth = new TriggerAuthentication(this, 'QueueAuthentication', {
          metadata: { ...metadata, name: `${props.name}-sqs` },
          spec: { podIdentity: { provider: 'aws', roleArn: props.queueReaderRoleArn } },
        });
        this.auth = auth;
        return {
          type: 'aws-sqs-queue',
          name: 'queue-backlog-per-pod',
          metadata: {
            queueURL: props.queueUrl!,
            queueLength: String(length),
            awsRegion: props.awsRegion!,
            scaleOnInFlight: 'true',
          },
          authenticationRef: { name: auth.name },
        };
      }
    }
    throw invalid(this.node.scope ?? this, 'autoscaling.triggers', t.toString(), 'is not known to the GPU cluster lane', 'Use a ScalingTrigger factory.');
  }
}

/**
 * While a Prometheus or SQS trigger keeps failing (3 polls), hold the current replica count and at
 * least the floor (at least 1). At zero replicas the fallback does nothing: KEDA serves it to the HPA, which
 * is idle at zero (KEDA's executor only logs there), so a blind scaler keeps a workload at zero. KEDA applies the
 * fallback to `AverageValue` triggers; a failing `Value` trigger only leaves the HPA without that
 * metric (the HPA then does not scale in on the others). `behavior` needs KEDA 2.17+.
 */
function fallbackOf(triggers: ScaledObjectSpecTriggers[], minReplicas: number): ScaledObjectSpecFallback | undefined {
  if (!triggers.some(t => (t.type === 'prometheus' || t.type === 'aws-sqs-queue') && (t.metricType ?? 'AverageValue') === 'AverageValue')) {
    return undefined;
  }
  return { failureThreshold: FALLBACK_FAILURES, replicas: Math.max(1, minReplicas), behavior: 'currentReplicasIfHigher' };
}

/** Failed polls before the KEDA fallback applies. */
const FALLBACK_FAILURES = 3;

function rules(scope: Construct, cooldownProp: string, cooldown: Duration, stepProp: string, step: number | undefined): ScalingBehaviorRules {
  const window = Math.round(secondsOf(cooldown));
  if (window > 3600) {
    throw invalid(scope, `autoscaling.${cooldownProp}`, cooldown, 'is longer than an HPA stabilization window (at most 1 hour)', 'Pass Duration.hours(1) or less.');
  }
  if (step === undefined) {
    return { stabilizationWindowSeconds: window };
  }
  if (window < 1 || window > 1800) {
    throw invalid(scope, `autoscaling.${cooldownProp}`, cooldown, `must be between 1 second and 30 minutes when '${stepProp}' is set (it becomes the HPA policy period)`, 'Pass a cooldown such as Duration.minutes(1).');
  }
  return { stabilizationWindowSeconds: window, selectPolicy: 'Max', policies: [{ type: 'Pods', value: step, periodSeconds: window }] };
}
