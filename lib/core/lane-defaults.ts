import { IConstruct } from 'constructs';
import { AutoscalingPolicy } from './autoscaling';
import { invalid, recordInherited } from './errors';
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

/**
 * The defaults a lane at `scope` inherits: those of the nearest enclosing provider.
 * @internal
 */
export function inheritedDefaults(scope: IConstruct): LaneDefaults {
  return defaultsProvider(scope)?.laneDefaults ?? {};
}

/** The nearest enclosing construct that offers lane defaults. */
function defaultsProvider(scope: IConstruct): ILaneDefaultsProvider | undefined {
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 2; i >= 0; i--) {
    const candidate = scopes[i] as Partial<ILaneDefaultsProvider>;
    if (candidate.laneDefaults !== undefined) {
      return candidate as ILaneDefaultsProvider;
    }
  }
  return undefined;
}

/**
 * The props every lane may inherit.
 * @internal
 */
export interface InheritableProps {
  readonly artifact?: ModelArtifact;
  readonly autoscaling?: AutoscalingPolicy;
  readonly slo?: ServiceLevelObjective;
  readonly rollout?: Rollout;
}

/** The props `withLaneDefaults` guarantees: the artifact always, plus the `required` keys. */
export type WithRequired<P, R extends 'artifact' | 'autoscaling'> = P & { readonly [K in R | 'artifact']-?: NonNullable<InheritableProps[K]> };

/**
 * Fill the props a lane was not given from the enclosing provider (a HybridTopology): artifact,
 * autoscaling, SLO, rollout. A prop the lane was given always wins; a lane that cannot render an
 * inherited value fails with its usual error, and the user overrides it on that lane. Only the keys
 * a lane's props declare are filled (`keys`).
 *
 * The artifact is always required; `required` may add `autoscaling`. The result is typed with those
 * keys present, so a lane that keeps it (`const p = withLaneDefaults(...)`) needs no `p.artifact!`.
 *
 * @throws LaneValidationError when no artifact is given or inherited, or `autoscaling` is required
 *   and neither given nor inherited
 * @internal
 */
export function withLaneDefaults<P extends InheritableProps, R extends 'artifact' | 'autoscaling' = 'artifact'>(
  scope: IConstruct, props: P, lane: string, keys: Array<keyof InheritableProps>, required: R[] = ['artifact' as R]): WithRequired<P, R> {
  const provider = defaultsProvider(scope);
  const d = (provider?.laneDefaults ?? {}) as { [key: string]: unknown };
  const filled = { ...props } as unknown as { [key: string]: unknown };
  for (const key of keys) {
    if (filled[key] === undefined && d[key] !== undefined) {
      filled[key] = d[key];
      // Errors about this prop will say it came from the topology (see invalid()).
      recordInherited(scope, key, provider!.node.path);
    }
  }
  for (const key of new Set<'artifact' | 'autoscaling'>(['artifact', ...required])) {
    if (filled[key] === undefined) {
      const what = key === 'artifact' ? 'the ModelArtifact it serves' : 'an AutoscalingPolicy (AutoscalingPolicy.fixed(n) for a fixed fleet)';
      throw invalid(scope, key, undefined, 'is required', `Pass ${what} to the ${lane}, or create it inside a HybridTopology that has one.`);
    }
  }
  return filled as unknown as WithRequired<P, R>;
}
