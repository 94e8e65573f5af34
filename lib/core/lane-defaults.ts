import { IConstruct } from 'constructs';
import { AutoscalingPolicy } from './autoscaling';
import { ModelArtifact } from './model-artifact';
import { Rollout } from './rollout';
import { ServiceLevelObjective } from './service-level-objective';

/**
 * Defaults a group of lanes shares (what a HybridTopology holds). A lane created inside a construct
 * that provides them takes each one it was not given.
 */
export interface LaneDefaults {
  /**
   * The model.
   *
   * @default - none: each lane must be given its artifact
   */
  readonly artifact?: ModelArtifact;

  /**
   * The autoscaling policy.
   *
   * @default - each lane's own default
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * The service level objective.
   *
   * @default - each lane's own default
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * The rollout.
   *
   * @default - each lane's own default
   */
  readonly rollout?: Rollout;
}

/**
 * A construct whose children lanes inherit {@link LaneDefaults} (HybridTopology is one).
 */
export interface ILaneDefaultsProvider extends IConstruct {
  /** The defaults lanes inside this construct inherit. */
  readonly laneDefaults: LaneDefaults;
}
