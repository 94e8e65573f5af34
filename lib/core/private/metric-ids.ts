import { IConstruct } from 'constructs';

/**
 * A metric-math ID unique to one construct (`<base><8 hex chars of its address>`), so expressions of
 * several lanes can share one dashboard graph without their IDs colliding.
 */
export function uniqueMetricId(scope: IConstruct, base: string): string {
  return `${base}${scope.node.addr.slice(-8)}`;
}
