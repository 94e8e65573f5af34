import { Resource, ResourceProps } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LaneKind } from './hardware';
import { IInferenceLane, LaneCapacity } from './inference-lane';
import { DynamicBatching } from './dynamic-batching';
import { ILaneDefaultsProvider } from './lane-defaults';
import { ScaleOutLeadTime } from './lead-time';
import { ModelArtifact, ModelArtifactBinding, ModelArtifactBindOptions } from './model-artifact';
import { invalid } from './private/errors';
import { frozenVersionError } from './private/freeze-check';
import { registerDefaultsProvider } from './private/lane-defaults';
import { modelEnvironment } from './private/model-environment';
import { tagLane } from './private/tagging';
import { RouteTarget } from './route-target';

/** Marks every construct built on {@link InferenceLaneBase} (shared across copies of the library). */
const LANE = Symbol.for('cdk-inference-lanes.InferenceLane');

/**
 * Options of {@link InferenceLaneBase.bindModel}.
 */
export interface LaneModelBindOptions extends ModelArtifactBindOptions {
  /**
   * A local directory the serving code keeps the weights in, passed as `MODEL_LOCAL_DIR`.
   *
   * @default - no `MODEL_LOCAL_DIR`
   */
  readonly modelLocalDir?: string;
}

/**
 * What {@link InferenceLaneBase.bindModel} returns: the binding and the one model environment contract.
 */
export interface LaneModel {
  /** The artifact bound for the lane's hardware (grants done). */
  readonly binding: ModelArtifactBinding;

  /**
   * The `MODEL_*` environment every lane passes to the code that serves the model (Lambda, ECS task,
   * Kubernetes container, Greengrass component): `MODEL_NAME`, `MODEL_VERSION`, `MODEL_FRAMEWORK`,
   * `MODEL_PRECISION`, `MODEL_TARGET`; `MODEL_S3_URI`, `MODEL_S3_BUCKET`, `MODEL_S3_KEY`,
   * `MODEL_S3_IS_PREFIX`, `MODEL_COMPRESSED` where the weights are in S3; `MODEL_DIGEST` when known;
   * `MODEL_CARD` (compact JSON); `MODEL_LOCAL_DIR` when the lane names one.
   */
  readonly environment: { [name: string]: string };
}

/**
 * The base of every lane: what `IInferenceLane` asks that is the same everywhere.
 *
 * - `InferenceLaneBase.isInferenceLane(x)` recognises a lane by a symbol, not by the shape of its
 *   properties (so it works across copies of the library in one app);
 * - the metric methods default to "the platform has no such CloudWatch metric" (undefined), and
 *   `grantInvoke` to a LaneValidationError: a lane overrides what its platform offers;
 * - `bindModel()` binds the artifact, tags the lane with the model identity and its kind, and returns
 *   the one `MODEL_*` environment contract (the same names in Lambda, ECS, Kubernetes and Greengrass).
 *
 * A lane fails validation (at synth) while a {@link VersionFreeze} in force at it locks another version.
 *
 * Lanes take inherited defaults (artifact, autoscaling, SLO, rollout) from the nearest enclosing
 * construct registered with `InferenceLaneBase.provideDefaults` (a HybridTopology registers itself).
 */
export abstract class InferenceLaneBase extends Resource implements IInferenceLane {
  /**
   * True when `x` is a lane built on InferenceLaneBase (any copy of this library).
   */
  public static isInferenceLane(x: unknown): x is InferenceLaneBase {
    return typeof x === 'object' && x !== null && (x as { [LANE]?: boolean })[LANE] === true;
  }

  /**
   * Make lanes created inside `provider` take its `laneDefaults` for the props they were not given.
   * HybridTopology calls this in its constructor; call it in your own construct to give the lanes inside
   * it shared defaults.
   */
  public static provideDefaults(provider: ILaneDefaultsProvider): void {
    registerDefaultsProvider(provider);
  }

  /** The archetype. */
  public abstract readonly laneKind: LaneKind;
  /** Name of the bound model. */
  public abstract readonly artifactName: string;
  /** Version of the bound model. */
  public abstract readonly artifactVersion: string;
  /** What the lane runs on. */
  public abstract readonly capacity: LaneCapacity;
  /**
   * The SLO alarms the lane created (rollouts roll back on them).
   *
   * @default - none (a lane whose platform is watched outside CloudWatch)
   */
  public readonly sloAlarms: cloudwatch.IAlarm[] = [];
  /**
   * SLO alarms that page but never roll a deployment back.
   *
   * @default - none
   */
  public readonly sloPagingAlarms?: cloudwatch.IAlarm[];
  /**
   * The Application Signals SLOs rendered from the lane's SLO.
   *
   * @default - none
   */
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
  /**
   * Burn-rate alarms of those SLOs.
   *
   * @default - none
   */
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  /**
   * How full the lane is, whatever the platform publishes to CloudWatch.
   *
   * @default - none
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    return [];
  }

  /**
   * The dynamic batching the lane renders (a lane that batches redeclares and assigns it).
   *
   * @default - none
   */
  public readonly dynamicBatching?: DynamicBatching;

  /**
   * Expected time from a scale-out trigger to capacity in service.
   *
   * @default - not stated (lanes override this getter with their steps and sources)
   */
  public get scaleOutLeadTime(): ScaleOutLeadTime {
    return ScaleOutLeadTime.notStated();
  }

  constructor(scope: Construct, id: string, props: ResourceProps = {}) {
    super(scope, id, props);
    Object.defineProperty(this, LANE, { value: true, enumerable: false });
    // An emergency freeze (VersionFreeze) in force here fails the synth of a lane serving another version.
    this.node.addValidation({ validate: () => { const e = frozenVersionError(this); return e ? [e.message] : []; } });
  }

  /**
   * Latency of one inference.
   *
   * @returns undefined: the platform has no such CloudWatch metric (lanes that have one override this)
   */
  public metricLatency(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Failed inferences.
   *
   * @returns undefined: the platform has no such CloudWatch metric (lanes that have one override this)
   */
  public metricErrors(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Inferences served.
   *
   * @returns undefined: the platform has no such CloudWatch metric (lanes that have one override this)
   */
  public metricInvocations(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Capacity in service.
   *
   * @returns undefined: the platform has no such CloudWatch metric (cost math falls back to
   * `capacity.minInstances`)
   */
  public metricCapacityInService(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Capacity still on its way (asked for minus in service).
   *
   * @returns undefined: the platform publishes no such signal (lanes that have one override this)
   */
  public metricCapacityLag(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Let `grantee` invoke the lane.
   *
   * @throws LaneValidationError: this lane is not invoked through IAM (lanes that are override this)
   */
  public grantInvoke(_grantee: iam.IGrantable): iam.Grant {
    throw invalid(this, 'grantInvoke', undefined, `is not supported: a ${this.laneKind} lane is not invoked through IAM`,
      'Reach the lane through its own entry point (its Kubernetes Service, its Greengrass deployment), or grant on a lane that is invoked through IAM.');
  }

  /**
   * How a front door reaches the lane.
   *
   * @returns undefined: the lane cannot take routed requests (lanes that can override this)
   */
  public routeTarget(): RouteTarget | undefined {
    return undefined;
  }

  /**
   * Bind the artifact for this lane, tag everything under the lane with the model identity and
   * `inference:lane`, and return the binding with the one `MODEL_*` environment contract.
   */
  protected bindModel(artifact: ModelArtifact, options: LaneModelBindOptions = {}): LaneModel {
    const { modelLocalDir, ...bindOptions } = options;
    const binding = artifact.bind(this, bindOptions);
    tagLane(this, binding, this.laneKind);
    return { binding, environment: modelEnvironment(binding, modelLocalDir) };
  }
}
