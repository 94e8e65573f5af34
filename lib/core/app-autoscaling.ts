import { Tags, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { IConstruct } from 'constructs';
import { AutoscalingPolicy, ScheduledCapacity } from './autoscaling';
import { LaneKind } from './hardware';
import { ModelArtifactBinding } from './model-artifact';

/**
 * Shared renderings used by the AWS lanes (SageMaker, Lambda, ECS all scale through Application
 * Auto Scaling). Internal to the library: lanes import it from core, users never see it.
 */

/**
 * The capacity a schedule keeps during its window, and the bounds it restores after.
 * @internal
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
 * @internal
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
 * @internal
 */
export function toStandardCron(c: appscaling.CronOptions): string {
  return [c.minute ?? '*', c.hour ?? '*', c.day ?? '*', c.month ?? '*', (c.weekDay ?? '*').replace('?', '*')].join(' ');
}

/**
 * Resource types that aws-cdk-lib tags but CloudFormation (and cfn-lint) do not accept Tags on.
 * @internal
 */
export const UNTAGGABLE_TYPES = ['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::CloudWatch::Dashboard'];

/**
 * Tag everything under `scope` with the model identity and the lane kind.
 * @internal
 */
export function tagLane(scope: IConstruct, binding: ModelArtifactBinding, kind: LaneKind): void {
  // cfn-lint (E3002) rejects Tags on scalable targets and dashboards even though the L2s render them.
  const options = { excludeResourceTypes: UNTAGGABLE_TYPES };
  for (const [k, v] of Object.entries(binding.tags)) {
    Tags.of(scope).add(k, v, options);
  }
  Tags.of(scope).add('inference:lane', kind, options);
}
