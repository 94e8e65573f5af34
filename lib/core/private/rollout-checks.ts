import { IConstruct } from 'constructs';
import { Rollout } from '../rollout';
import { invalid } from './errors';

/**
 * # Core API for lanes: rollout checks
 *
 * Not exported from the package. The one rejection of a `finalBakeTime` a lane cannot render: any
 * explicit value (even the default's 10 minutes), since it would be dropped silently. The lane says why
 * (`reason`) and how to watch the new version longer instead (`fix`).
 */
export function rejectFinalBakeTime(scope: IConstruct, rollout: Rollout, reason: string, fix: string): void {
  if (rollout.finalBakeTimeExplicit) {
    throw invalid(scope, 'rollout.finalBakeTime', rollout.finalBakeTime, `cannot be rendered: ${reason}`, `Drop finalBakeTime; ${fix}`);
  }
}
