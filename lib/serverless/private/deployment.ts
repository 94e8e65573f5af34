import { rejectFinalBakeTime } from '../../core/private/rollout-checks';
import { Annotations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { Rollout, RolloutStrategy } from '../../core/rollout';
import { deploymentConfigFor } from './deployment-config';

/** CodeDeploy accepts at most 10 alarms per deployment group. */
const CODEDEPLOY_MAX_ALARMS = 10;

/** What the CodeDeploy deployment is built from. @internal */
export interface DeploymentProps {
  readonly alias: lambda.Alias;
  readonly rollout: Rollout;
  /** The warm pool's policy; undefined with SnapStart. */
  readonly policy?: AutoscalingPolicy;
  /** The SLO's rollback alarms (latency, error rate, and throttles with rollbackOnThrottles). */
  readonly sloRollbackAlarms: cloudwatch.IAlarm[];
  readonly preTrafficHook?: lambda.IFunction;
  readonly postTrafficHook?: lambda.IFunction;
}

/**
 * CodeDeploy traffic shifting on the alias (`DeploymentGroup`, plus a custom `DeploymentConfig` when
 * no predefined one matches), rolling back on the SLO's rollback alarms and `rollout.alarms`. The
 * service role is aws-cdk-lib's, with `AWSCodeDeployRoleForLambdaLimited` (`cloudwatch:DescribeAlarms`
 * to read the alarms, `lambda:UpdateAlias`/`GetAlias`, `lambda:GetProvisionedConcurrencyConfig`);
 * hooks are granted `lambda:InvokeFunction` on exactly the hook and may report their status.
 * Returns the group and every rollback alarm.
 * @internal
 */
export function addDeployment(scope: Construct, props: DeploymentProps): { group: codedeploy.LambdaDeploymentGroup; alarms: cloudwatch.IAlarm[] } {
  const { rollout } = props;
  const alarms = [...props.sloRollbackAlarms, ...rollout.alarms];
  if (alarms.length > CODEDEPLOY_MAX_ALARMS) {
    throw invalid(scope, 'rollout.alarms', `${alarms.length} alarms (${props.sloRollbackAlarms.length} from the SLO)`, `exceeds the ${CODEDEPLOY_MAX_ALARMS} alarms a CodeDeploy deployment group accepts`, 'Combine alarms into a cloudwatch.CompositeAlarm.');
  }
  if (rollout.autoRollback && alarms.length === 0) {
    throw invalid(scope, 'rollout', rollout.toString(), 'rolls back on alarms, but there are none (no slo, no rollout.alarms)',
      'Pass slo (its alarms become rollback alarms) or rollout alarms, or use autoRollback: false for plain traffic shifting.');
  }
  if (props.policy) { warnIfCanaryIsCold(scope, rollout, props.policy); }
  const group = new codedeploy.LambdaDeploymentGroup(scope, 'DeploymentGroup', {
    alias: props.alias,
    deploymentConfig: deploymentConfigFor(scope, rollout),
    alarms,
    preHook: props.preTrafficHook,
    postHook: props.postTrafficHook,
    autoRollback: {
      failedDeployment: rollout.autoRollback,
      stoppedDeployment: false,
      deploymentInAlarm: rollout.autoRollback && alarms.length > 0,
    },
  });
  for (const hook of [props.preTrafficHook, props.postTrafficHook]) {
    if (hook) { group.grantPutLifecycleEventHookExecutionStatus(hook); }
  }
  return { group, alarms };
}

/**
 * Any explicit `finalBakeTime` is rejected (even the default's 10 minutes): it would not be rendered.
 * @internal
 */
export function checkFinalBake(scope: Construct, rollout: Rollout): void {
  rejectFinalBakeTime(scope, rollout, 'CodeDeploy Lambda deployments end when the last traffic shift completes and have no final bake phase',
    'to watch the new version longer, lengthen the canary bakeTime / linear interval or add a postTrafficHook that runs checks.');
}

/** Lambda splits the alias's provisioned concurrency by weight while CodeDeploy shifts. */
function warnIfCanaryIsCold(scope: Construct, rollout: Rollout, policy: AutoscalingPolicy): void {
  if (rollout.strategy === RolloutStrategy.ALL_AT_ONCE) { return; }
  if (!isConcreteNumber(policy.minCapacity) || !isConcreteNumber(rollout.percent)) { return; }
  const warmForNew = policy.minCapacity * rollout.percent / 100;
  if (warmForNew < 1) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:serverless:cold-canary',
      `While CodeDeploy shifts ${rollout.percent}% to the new version, Lambda splits the alias's provisioned concurrency by weight: ${policy.minCapacity} × ${rollout.percent}% = ${warmForNew} warm environment(s) for the new version at the pool's floor, so its first requests may be cold starts and can breach the latency SLO. Raise autoscaling.minCapacity to at least ${Math.ceil(100 / rollout.percent)} or the canary percent, or raise the floor with a schedule around deploys.`);
  }
}
