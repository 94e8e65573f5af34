import { Aspects, Duration, IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { IInferenceLane, LaneKind } from '../core';
import { invalid } from '../core/private/errors';
import { HybridTopology } from '../topology';
import { buildExperimentGroup, ExperimentSettings, FaultTarget } from './private/experiment-group';
import { acknowledgeConfigLocation, acknowledgeFunctionRead, createConfigBucket, DEFAULT_CONFIG_PREFIX, prepareFunction } from './private/lambda-config';
import { readinessWarnings } from './private/readiness';
import { resolveSettings, resolveTargets } from './private/validate-props';

/**
 * Where the AWS FIS Lambda extension and AWS FIS exchange fault configurations: an S3 bucket and a
 * prefix. The experiment role writes and deletes objects under the prefix; each target function reads
 * them (see the README: the function needs the extension layer, two environment variables and read access).
 */
export interface LambdaFaultConfigLocation {
  /** The bucket (one per Region; it may be shared by many experiments). */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix, ending in `/`.
   *
   * @default 'fis-configs/'
   */
  readonly prefix?: string;
}

/**
 * The Kubernetes side of a GPU lane, which `IInferenceLane` does not describe: where its pods run and
 * the service account AWS FIS acts as. The experiment role must also be mapped to a Kubernetes user
 * (EKS access entry or `aws-auth`) and that service account bound to an RBAC role (see the README).
 */
export interface KubernetesFaultTarget {
  /** The GPU lane (`laneKind` `gpu-cluster`) these pods belong to. */
  readonly lane: IInferenceLane;

  /** Name of the EKS cluster the pods run in (FIS target parameter `clusterIdentifier`). */
  readonly clusterName: string;

  /** Namespace of the serving pods. */
  readonly namespace: string;

  /**
   * Label selector of the serving pods, one `key=value` (FIS target parameter `selectorValue` with
   * `selectorType: labelSelector`).
   */
  readonly labelSelector: string;

  /**
   * The Kubernetes service account AWS FIS runs its fault pods as, in `namespace` (FIS action parameter
   * `kubernetesServiceAccount`). It needs the RBAC permissions listed in the README.
   */
  readonly serviceAccountName: string;
}

/**
 * Props of {@link ResilienceExperiments}.
 */
export interface ResilienceExperimentsProps {
  /**
   * The lanes to create experiments for. Lanes that AWS FIS cannot inject faults into (SageMaker
   * endpoints, Greengrass edge fleets) are listed in `unsupportedLanes`, not faked.
   *
   * @default - every lane of the HybridTopology the construct is created in (its front doors' router
   * functions too)
   */
  readonly lanes?: IInferenceLane[];

  /**
   * How long each fault lasts (the FIS action `duration`), from 1 minute to 12 hours.
   *
   * @default Duration.minutes(5)
   */
  readonly duration?: Duration;

  /**
   * Share of Lambda invocations that get the delay or the error (FIS `invocationPercentage`), 1-100.
   *
   * @default 25
   */
  readonly invocationPercent?: number;

  /**
   * Delay added before a Lambda invocation runs (FIS `startupDelayMilliseconds`), whole milliseconds from
   * 0 to 15 minutes (Lambda's longest timeout).
   *
   * @default Duration.seconds(1)
   */
  readonly invocationDelay?: Duration;

  /**
   * Share of ECS tasks and Kubernetes pods of a lane that are hit (target selection mode `PERCENT(n)`),
   * 1-100.
   *
   * @default 50
   */
  readonly targetPercent?: number;

  /**
   * CPU load the stress action puts on each hit ECS task (FIS `percent`), 1-100.
   *
   * @default 80
   */
  readonly cpuStressPercent?: number;

  /**
   * Network latency added to each hit ECS task or pod (FIS `delayMilliseconds`), whole milliseconds from
   * 1 ms to 1 minute.
   *
   * @default Duration.millis(200)
   */
  readonly networkLatency?: Duration;

  /**
   * Where FIS writes Lambda fault configurations.
   *
   * @default - a bucket `LambdaFaultConfig` (S3-managed encryption, TLS only, no public access) and
   * prefix `fis-configs/`, created only when there is a Lambda target
   */
  readonly lambdaConfigLocation?: LambdaFaultConfigLocation;

  /**
   * The Kubernetes side of each GPU lane (`gpu-cluster`). Required for every GPU lane in `lanes`.
   *
   * @default - none (a GPU lane is then rejected)
   */
  readonly kubernetes?: KubernetesFaultTarget[];

  /**
   * Also create an invocation-delay experiment on the router function of each front door of the enclosing
   * HybridTopology (also when `lanes` is given), stopped by the alarms of the lanes it routes to and its
   * spillover alarm.
   *
   * @default true
   */
  readonly frontDoors?: boolean;
}

/** One experiment template created by {@link ResilienceExperiments}. */
export interface ExperimentSummary {
  /** Construct path of the lane (or of the front door). */
  readonly targetPath: string;
  /** Lane kind, or `front-door`. */
  readonly targetKind: string;
  /** The fault, e.g. `InvocationDelay`, `StopTasks`. */
  readonly fault: string;
  /** The FIS action, e.g. `aws:lambda:invocation-add-delay`. */
  readonly actionId: string;
  /** ID of the experiment template (`EXT...`), for `aws fis start-experiment --experiment-template-id`. */
  readonly experimentTemplateId: string;
  /** The stop conditions: ARNs of the alarms that stop the experiment. */
  readonly stopConditionAlarmArns: string[];
  /** What must be in place before the experiment can run (empty when nothing). */
  readonly prerequisites: string[];
}

/** A lane AWS FIS cannot inject faults into. */
export interface UnsupportedLane {
  /** Construct path of the lane. */
  readonly lanePath: string;
  /** Lane kind. */
  readonly laneKind: LaneKind;
  /** Why, and what to do instead. */
  readonly reason: string;
}

/**
 * AWS FIS experiment templates for the lanes of a hybrid topology: faults that a lane's SLO must
 * survive, each stopped by the lane's own SLO alarms.
 *
 * - serverless lanes: Lambda invocation delay and invocation errors (`aws:lambda:invocation-add-delay`,
 *   `aws:lambda:invocation-error`), and an invocation delay on each front door's router function;
 * - batch workers: ECS task stop, CPU stress and network latency (`aws:ecs:stop-task`,
 *   `aws:ecs:task-cpu-stress`, `aws:ecs:task-network-latency`);
 * - GPU lanes on EKS: pod delete and pod network latency (`aws:eks:pod-delete`,
 *   `aws:eks:pod-network-latency`), with the cluster, namespace, selector and service account from
 *   `kubernetes`;
 * - SageMaker endpoints and Greengrass edge fleets: none (FIS has no actions for them), listed in
 *   `unsupportedLanes`.
 *
 * Targets are found by resource tags (the lane's kind and a per-lane `inference:lane-path` tag this
 * construct adds to the lane's Lambda functions and ECS services; ECS propagates it to tasks). Each
 * lane's experiments use their own role, allowed only on resources carrying that lane's tag. Stop
 * conditions are the lane's rollback alarms and paging alarms (more than 5, FIS's limit, are combined
 * in one composite alarm). Nothing starts an experiment: run one with
 * `aws fis start-experiment --experiment-template-id <id>`.
 *
 * Create it after the lanes and the front doors: it reads them when it is constructed.
 *
 * @example
 * new ResilienceExperiments(topology, 'Experiments', { duration: Duration.minutes(10) });
 */
export class ResilienceExperiments extends Construct {
  /** The experiment templates, one per lane and fault. */
  public readonly experiments: ExperimentSummary[] = [];
  /** Lanes FIS cannot inject faults into, and why. */
  public readonly unsupportedLanes: UnsupportedLane[] = [];
  /** The experiment roles, one per lane or front door. */
  public readonly roles: iam.IRole[] = [];
  /** Where Lambda fault configurations are exchanged (undefined without Lambda targets). */
  public readonly lambdaConfigLocation?: LambdaFaultConfigLocation;

  private readonly targets: FaultTarget[];
  private readonly prepared: lambda.Function[] = [];

  constructor(scope: Construct, id: string, props: ResilienceExperimentsProps = {}) {
    super(scope, id);
    const settings: ExperimentSettings = resolveSettings(this, props);
    const topology = HybridTopology.of(this);
    const resolved = resolveTargets(this, props, topology);
    this.targets = resolved.targets;
    this.unsupportedLanes.push(...resolved.unsupported);

    if (this.targets.some(t => t.kind === LaneKind.SERVERLESS || t.kind === 'front-door')) {
      this.lambdaConfigLocation = props.lambdaConfigLocation
        ? { bucket: props.lambdaConfigLocation.bucket, prefix: props.lambdaConfigLocation.prefix ?? DEFAULT_CONFIG_PREFIX }
        : { bucket: createConfigBucket(this), prefix: DEFAULT_CONFIG_PREFIX };
    }
    const configPolicies: iam.Policy[] = [];
    for (const target of this.targets) {
      const group = buildExperimentGroup(this, target, settings, this.lambdaConfigLocation);
      this.roles.push(group.role);
      this.experiments.push(...group.experiments);
      if (target.kind === LaneKind.SERVERLESS || target.kind === 'front-door') { configPolicies.push(group.policy); }
    }
    // Warnings only: what FIS needs inside the lane (the Lambda extension, the SSM agent sidecar) is
    // the lane's to add; synth names what is missing, the template is created either way.
    Aspects.of(this).add(new SynthAspect(this, this.targets, configPolicies, this.prepared, this.lambdaConfigLocation));
  }

  /**
   * Make a Lambda function ready for the Lambda experiments (opt-in, because it changes the function):
   * adds the AWS FIS Lambda extension layer (from the SSM public parameter
   * `/aws/service/fis/lambda-extension/AWS-FIS-extension-<arch>/1.x.x`, resolved at deploy in the
   * function's stack), the environment `AWS_LAMBDA_EXEC_WRAPPER=/opt/aws-fis/bootstrap`,
   * `AWS_FIS_CONFIGURATION_LOCATION` and `AWS_FIS_POLL_MAX_WAIT_MILLISECONDS=2000`, and lets the function
   * role list and read the config location. Pass e.g. the serverless lane's function or the front door's
   * `routerFunction`. The extension runs on every invocation (it polls the location), not only during
   * experiments.
   *
   * @throws LaneValidationError when there is no Lambda target (so no config location), or for a
   * container-image function (layers do not apply to images)
   */
  public enableLambdaFaults(fn: lambda.Function): void {
    if (!(fn instanceof lambda.Function)) {
      throw invalid(this, 'enableLambdaFaults(fn)', fn, 'is not a lambda.Function', 'Pass the function of a serverless lane or a front door\'s routerFunction.');
    }
    if (!this.lambdaConfigLocation) {
      throw invalid(this, 'enableLambdaFaults(fn)', fn.node.path, 'has no config location to read: these experiments have no Lambda target',
        'Include a serverless lane or a front door in the experiments first.');
    }
    prepareFunction(this, fn, this.lambdaConfigLocation);
    this.prepared.push(fn);
  }
}

/**
 * At synth (once, when the construct is visited): warns about targets that are not ready for their
 * faults, and acknowledges the config-location statements for cdk-nag (the bucket ARN renders only then).
 */
class SynthAspect implements IAspect {
  private done = false;
  constructor(
    private readonly owner: ResilienceExperiments, private readonly targets: FaultTarget[],
    private readonly configPolicies: iam.Policy[], private readonly prepared: lambda.Function[], private readonly location?: LambdaFaultConfigLocation) {}

  public visit(node: IConstruct): void {
    if (node !== this.owner || this.done) { return; }
    this.done = true;
    readinessWarnings(this.owner, this.targets, this.location);
    for (const policy of this.configPolicies) { acknowledgeConfigLocation(policy, this.location!); }
    for (const fn of this.prepared) { acknowledgeFunctionRead(fn, this.location!); }
  }
}
