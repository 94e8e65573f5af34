import { IConstruct } from 'constructs';
import { AutoscalingPolicy } from '../autoscaling';
import { ILaneDefaultsProvider, LaneDefaults } from '../lane-defaults';
import { ModelArtifact } from '../model-artifact';
import { Rollout } from '../rollout';
import { ServiceLevelObjective } from '../service-level-objective';
import { invalid, recordInherited } from './errors';

/**
 * # Core API for lanes: inherited defaults
 *
 * Not exported from the package. A lane calls `withLaneDefaults(this, props, 'LaneName', keys)` first
 * in its constructor: props it was not given are filled from the nearest enclosing construct registered
 * with `registerDefaultsProvider` (a HybridTopology), and the artifact is required.
 */

/**
 * The defaults a lane at `scope` inherits: those of the nearest enclosing provider.
 */
export function inheritedDefaults(scope: IConstruct): LaneDefaults {
  return defaultsProvider(scope)?.laneDefaults ?? {};
}

/** Marks a construct registered with {@link registerDefaultsProvider}. */
const PROVIDER = Symbol.for('cdk-inference-lanes.LaneDefaultsProvider');

/**
 * Make lanes created inside `provider` inherit its `laneDefaults` (what
 * `InferenceLaneBase.provideDefaults` does; HybridTopology calls it in its constructor). Only a
 * registered construct provides defaults: a construct that merely has a `laneDefaults` property does not.
 */
export function registerDefaultsProvider(provider: ILaneDefaultsProvider): void {
  Object.defineProperty(provider, PROVIDER, { value: true, enumerable: false });
}

/** The nearest enclosing construct registered as a defaults provider. */
function defaultsProvider(scope: IConstruct): ILaneDefaultsProvider | undefined {
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 2; i >= 0; i--) {
    if ((scopes[i] as unknown as { [PROVIDER]?: boolean })[PROVIDER] === true) {
      return scopes[i] as ILaneDefaultsProvider;
    }
  }
  return undefined;
}

/**
 * The props every lane may inherit.
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
