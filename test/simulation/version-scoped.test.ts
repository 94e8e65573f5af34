import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ServiceLevelObjective } from '../../lib';
import { modelFromConstructs } from '../../lib/simulation/from-construct';
import { CanaryKind, isVersionScoped, rolloutTrials } from '../../lib/simulation/rollout-trials';

/**
 * The SLO accepts Lambda metrics scoped to one version (`ExecutedVersion`), and the simulator reads them
 * from the synthesized template as alarms that watch the new version only.
 */
function stackWith(versionScoped: boolean, percent: number): Stack {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
  const version = fn.currentVersion;
  const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version });
  const dims: Record<string, string> = { FunctionName: fn.functionName, Resource: `${fn.functionName}:live`, ...(versionScoped ? { ExecutedVersion: version.version } : {}) };
  const metric = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: dims });
  const alarms = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1, applicationSignals: false })
    .renderAlarms(stack, 'Slo', { laneName: 'fn', latency: metric('Duration'), errors: metric('Errors'), requests: metric('Invocations') });
  new codedeploy.LambdaDeploymentGroup(stack, 'Deploy', {
    alias, alarms,
    deploymentConfig: new codedeploy.LambdaDeploymentConfig(stack, 'Config', { trafficRouting: new codedeploy.TimeBasedCanaryTrafficRouting({ percentage: percent, interval: Duration.minutes(5) }) }),
  });
  return stack;
}

test('the SLO renders ExecutedVersion metrics as given; the reader keeps the dimension and the trials judge the new version only', () => {
  const scoped = modelFromConstructs([stackWith(true, 10)]).lanes.find(l => l.kind === 'serverless')!;
  const mixed = modelFromConstructs([stackWith(false, 10)]).lanes.find(l => l.kind === 'serverless')!;
  expect(scoped.rollout).toMatchObject({ mechanism: 'codedeploy-lambda', type: 'CANARY', canaryPercent: 10, waitSeconds: 300 });
  expect(scoped.rollout!.alarms.map(isVersionScoped)).toEqual([true, true]);
  expect(mixed.rollout!.alarms.map(isVersionScoped)).toEqual([false, false]);
  expect(scoped.rollout!.alarms[1].math!.metrics.err.dimensions).toMatchObject({ ExecutedVersion: '<token>' });
  expect(scoped.slo).toMatchObject({ latencyPercentile: 95, latencyMs: 300, maxErrorRatePercent: 1 });
  // 5% errors on a 10% canary at 1,000 RPS: the version's own metrics catch every bad canary within 5 minutes.
  const opts = { rps: 1000, kind: CanaryKind.BAD_ERRORS, trials: 200, profiles: { default: { requestsPerSecondAtSlo: 5, latencyAtSloMs: 200 } } };
  expect(rolloutTrials(scoped, opts).detectedWithin5MinPercent).toBe(100);
  expect(rolloutTrials(mixed, opts).detectedWithin5MinPercent).toBeLessThan(33);
});
