import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { addScheduledActions } from '../../core/private/scheduling';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { ProvisionedConcurrencyStatistic } from '../provisioned-concurrency-statistic';

/** What the warm pool is built from. */
export interface WarmPoolProps {
  readonly alias: lambda.Alias;
  readonly policy: AutoscalingPolicy;
  /** Provisioned-concurrency utilization target (after the warm buffer), when the policy tracks one. */
  readonly utilizationTarget?: number;
  readonly statistic: ProvisionedConcurrencyStatistic;
  /** `ProvisionedConcurrencyUtilization` of the alias, per minute, Maximum. */
  readonly utilizationMetric: cloudwatch.Metric;
  /** Tag keys to keep off the scalable target (cfn-lint's schema has no Tags on it). */
  readonly untaggedKeys: string[];
}

/**
 * The warm pool: an Application Auto Scaling scalable target on the alias's provisioned concurrency,
 * target tracking and scheduled actions.
 *
 * The target is built with the public `ScalableTarget` API at the construct path aws-cdk-lib's
 * `alias.addAutoScaling()` uses (`<alias>/AliasScaling/Target`), with the same `ResourceId`
 * (`function:<name>:<alias>`, read from the alias ARN so it depends on the alias) and the same
 * service-linked role: its logical ID is unchanged. Changing that ID would replace the target, and
 * CloudFormation deletes the old one after creating the new one — which deregisters the pool.
 *
 * The ResourceId names the alias, never a version: a new version taking the alias keeps the same
 * scalable target (Lambda moves the alias's provisioned concurrency to the new version).
 * @internal
 */
export function addWarmPool(scope: Construct, props: WarmPoolProps): appscaling.ScalableTarget {
  const { alias, policy } = props;
  const stack = Stack.of(scope);
  const holder = new Construct(alias, 'AliasScaling');
  const role = iam.Role.fromRoleArn(holder, 'ScalingRole', stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role/aws-service-role/lambda.application-autoscaling.amazonaws.com',
    resourceName: 'AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency',
  }));
  const target = new appscaling.ScalableTarget(holder, 'Target', {
    serviceNamespace: appscaling.ServiceNamespace.LAMBDA,
    scalableDimension: 'lambda:function:ProvisionedConcurrency',
    resourceId: `function:${alias.functionName}`,
    role,
    minCapacity: policy.minCapacity,
    maxCapacity: policy.maxCapacity,
  });
  if (props.utilizationTarget !== undefined) {
    const cooldowns = { scaleOutCooldown: policy.scaleOutCooldown, scaleInCooldown: policy.scaleInCooldown };
    if (props.statistic === ProvisionedConcurrencyStatistic.AVERAGE) {
      // Application Auto Scaling's predefined LambdaProvisionedConcurrencyUtilization metric (Average).
      target.scaleToTrackMetric('Tracking', {
        targetValue: props.utilizationTarget,
        predefinedMetric: appscaling.PredefinedMetric.LAMBDA_PROVISIONED_CONCURRENCY_UTILIZATION,
        ...cooldowns,
      });
    } else {
      // aws-cdk #23088: track the per-minute Maximum with a customized metric on the alias.
      target.scaleToTrackMetric('Tracking', {
        targetValue: props.utilizationTarget,
        customMetric: props.utilizationMetric.with({ statistic: 'Maximum', period: Duration.minutes(1) }),
        ...cooldowns,
      });
    }
  }
  addScheduledActions(target, policy);
  // AWS::ApplicationAutoScaling::ScalableTarget gained `Tags` in CloudFormation recently (aws-cdk-lib
  // renders them), but cfn-lint's schema rejects the property (E3002). A scalable target costs
  // nothing, so its tags carry no cost attribution: keep them off so every validator passes.
  for (const key of props.untaggedKeys) {
    Tags.of(target).remove(key, { priority: 300 });
  }
  return target;
}
