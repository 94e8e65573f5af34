import { Duration } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { Rollout, RolloutStrategy } from '../../core/rollout';

/**
 * CodeDeploy's predefined Lambda configurations, keyed `<strategy>/<percent>/<minutes>`.
 * A matching rollout uses the predefined config (no extra resource); anything else gets a
 * custom `AWS::CodeDeploy::DeploymentConfig`.
 */
const PREDEFINED: { [key: string]: codedeploy.ILambdaDeploymentConfig } = {
  'CANARY/10/5': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  'CANARY/10/10': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  'CANARY/10/15': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  'CANARY/10/30': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
  'LINEAR/10/1': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  'LINEAR/10/2': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
  'LINEAR/10/3': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
  'LINEAR/10/10': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
};

/**
 * The CodeDeploy Lambda deployment configuration for a shared {@link Rollout}: a predefined one
 * when it matches exactly, else a custom `LambdaDeploymentConfig` (construct ID `DeploymentConfig`).
 * @internal
 */
export function deploymentConfigFor(scope: Construct, rollout: Rollout): codedeploy.ILambdaDeploymentConfig {
  if (rollout.strategy === RolloutStrategy.ALL_AT_ONCE) {
    return codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE;
  }
  const prop = rollout.strategy === RolloutStrategy.CANARY ? 'rollout.percent' : 'rollout.stepPercent';
  if (!Number.isInteger(rollout.percent)) {
    throw invalid(scope, prop, rollout.percent, 'must be a whole percent for CodeDeploy Lambda traffic shifting', `Pass ${Math.max(1, Math.round(rollout.percent))}.`);
  }
  const interval = rollout.stepInterval ?? Duration.minutes(1);
  const minutes = interval.isUnresolved() ? undefined : interval.toMinutes();
  const predefined = minutes === undefined ? undefined : PREDEFINED[`${rollout.strategy}/${rollout.percent}/${minutes}`];
  if (predefined) { return predefined; }
  const trafficRouting = rollout.strategy === RolloutStrategy.CANARY
    ? new codedeploy.TimeBasedCanaryTrafficRouting({ percentage: rollout.percent, interval })
    : new codedeploy.TimeBasedLinearTrafficRouting({ percentage: rollout.percent, interval });
  return new codedeploy.LambdaDeploymentConfig(scope, 'DeploymentConfig', { trafficRouting });
}
