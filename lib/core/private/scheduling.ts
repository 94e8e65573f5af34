import { TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { AutoscalingPolicy, ScheduledCapacity } from '../autoscaling';

/**
 * # Core API for lanes: schedules
 *
 * Not exported from the package. How the AWS lanes (SageMaker, Lambda, ECS all scale through
 * Application Auto Scaling) render an AutoscalingPolicy's schedules, and the 5-field cron KEDA takes.
 * The cron checks are in ./cron.
 */

/**
 * The capacity a schedule keeps during its window, and the bounds it restores after.
 */
export function scheduleBounds(policy: AutoscalingPolicy, s: ScheduledCapacity): { startMin: number; startMax: number; endMin: number; endMax: number } {
  return {
    startMin: s.minCapacity,
    startMax: s.maxCapacity ?? Math.max(policy.maxCapacity, s.minCapacity),
    endMin: policy.minCapacity,
    endMax: policy.maxCapacity,
  };
}

/**
 * Add the policy's schedules to an Application Auto Scaling target: one action raising the bounds at
 * the window's start, one restoring them at its end.
 */
export function addScheduledActions(target: appscaling.ScalableTarget, policy: AutoscalingPolicy): void {
  for (const s of policy.schedules) {
    const b = scheduleBounds(policy, s);
    const timeZone = s.timeZone ? TimeZone.of(s.timeZone) : undefined;
    target.scaleOnSchedule(`${s.name}-start`, {
      schedule: appscaling.Schedule.cron(s.start),
      minCapacity: b.startMin,
      maxCapacity: b.startMax,
      timeZone,
    });
    target.scaleOnSchedule(`${s.name}-end`, {
      schedule: appscaling.Schedule.cron(s.end),
      minCapacity: b.endMin,
      maxCapacity: b.endMax,
      timeZone,
    });
  }
}

/**
 * A 5-field standard cron (minute hour day month weekday), for Kubernetes/KEDA.
 */
export function toStandardCron(c: appscaling.CronOptions): string {
  return [c.minute ?? '*', c.hour ?? '*', c.day ?? '*', c.month ?? '*', (c.weekDay ?? '*').replace('?', '*')].join(' ');
}
