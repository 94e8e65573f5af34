import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * The Deployment whose pod template the Rollout uses (`spec.workloadRef`).
 */
export interface ArgoWorkloadRef {
  /** API version of the workload. */
  readonly apiVersion: string;
  /** Kind of the workload. */
  readonly kind: string;
  /** Name of the workload. */
  readonly name: string;

  /**
   * `never`, `onsuccess` or `progressively`: what Argo does to the referenced Deployment's replicas.
   *
   * @default 'never'
   */
  readonly scaleDown?: string;
}

/**
 * A pause step.
 */
export interface ArgoPause {
  /**
   * How long, e.g. `600s`.
   *
   * @default - indefinitely (until promoted by hand)
   */
  readonly duration?: string;
}

/**
 * One canary step: set a weight or pause.
 */
export interface ArgoCanaryStep {
  /**
   * Percent of traffic (or replicas, without a traffic router) on the new version.
   *
   * @default - not a setWeight step
   */
  readonly setWeight?: number;

  /**
   * Pause.
   *
   * @default - not a pause step
   */
  readonly pause?: ArgoPause;
}

/**
 * Where an argument's value comes from.
 */
export interface ArgoArgumentValueFrom {
  /**
   * `Stable` or `Latest`: the pod-template hash of that ReplicaSet.
   *
   * @default - not from a pod template hash
   */
  readonly podTemplateHashValue?: string;
}

/**
 * An argument passed to an analysis.
 */
export interface ArgoAnalysisArgument {
  /** Argument name. */
  readonly name: string;

  /**
   * Literal value.
   *
   * @default - from `valueFrom`
   */
  readonly value?: string;

  /**
   * Value source.
   *
   * @default - the literal value
   */
  readonly valueFrom?: ArgoArgumentValueFrom;
}

/**
 * Reference to an AnalysisTemplate.
 */
export interface ArgoAnalysisTemplateRef {
  /** Name of the template. */
  readonly templateName: string;
}

/**
 * Background analysis of a canary (`strategy.canary.analysis`): runs while the steps progress and
 * aborts (rolls back) the rollout when it fails.
 */
export interface ArgoBackgroundAnalysis {
  /** Templates to run. */
  readonly templates: ArgoAnalysisTemplateRef[];

  /**
   * Arguments.
   *
   * @default - none
   */
  readonly args?: ArgoAnalysisArgument[];

  /**
   * Step index at which the analysis starts.
   *
   * @default 0
   */
  readonly startingStep?: number;
}

/**
 * Traffic routing of a canary.
 */
export interface ArgoTrafficRouting {
  /**
   * Traffic router plugins by name, e.g. `argoproj-labs/gatewayAPI: { httpRoute, namespace }`.
   *
   * @default - none
   */
  readonly plugins?: { [plugin: string]: { [key: string]: string } };
}

/**
 * Canary strategy.
 */
export interface ArgoCanaryStrategy {
  /** Steps. */
  readonly steps: ArgoCanaryStep[];

  /**
   * Service that selects the canary pods (needed with traffic routing).
   *
   * @default - none
   */
  readonly canaryService?: string;

  /**
   * Service that selects the stable pods (needed with traffic routing).
   *
   * @default - none
   */
  readonly stableService?: string;

  /**
   * Background analysis.
   *
   * @default - none: no automatic rollback
   */
  readonly analysis?: ArgoBackgroundAnalysis;

  /**
   * Traffic routing.
   *
   * @default - weights by replica counts
   */
  readonly trafficRouting?: ArgoTrafficRouting;

  /**
   * Seconds to keep the aborted canary's pods before scaling them down.
   *
   * @default 30
   */
  readonly abortScaleDownDelaySeconds?: number;
}

/**
 * Rollout strategy.
 */
export interface ArgoRolloutStrategy {
  /** Canary strategy. */
  readonly canary: ArgoCanaryStrategy;
}

/**
 * Spec of an Argo Rollout.
 */
export interface ArgoRolloutSpec {
  /** The Deployment that holds the pod template. */
  readonly workloadRef: ArgoWorkloadRef;

  /** The strategy. */
  readonly strategy: ArgoRolloutStrategy;

  /**
   * Replicas.
   *
   * @default - 1, or what an autoscaler sets
   */
  readonly replicas?: number;

  /**
   * Old ReplicaSets kept for rollback.
   *
   * @default 10
   */
  readonly revisionHistoryLimit?: number;

  /**
   * Seconds for a step to make progress before the rollout is marked failed.
   *
   * @default 600
   */
  readonly progressDeadlineSeconds?: number;

  /**
   * Abort (roll back) when the progress deadline passes.
   *
   * @default false
   */
  readonly progressDeadlineAbort?: boolean;
}

/**
 * Props of {@link ArgoRollout}.
 */
export interface ArgoRolloutProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: ArgoRolloutSpec;
}

/**
 * An Argo Rollouts Rollout (`argoproj.io/v1alpha1`), typed for canaries that reference a Deployment.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/specification/
 */
export class ArgoRollout extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'argoproj.io/v1alpha1';
  /** Kind. */
  public static readonly KIND = 'Rollout';

  constructor(scope: Construct, id: string, props: ArgoRolloutProps) {
    super(scope, id, { apiVersion: ArgoRollout.API_VERSION, kind: ArgoRollout.KIND, metadata: props.metadata, spec: props.spec });
  }
}
