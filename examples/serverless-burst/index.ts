import * as path from 'path';
import { CfnOutput, Duration, Size, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AutoscalingPolicy, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { ProvisionedConcurrencyStatistic, WarmMode, WarmServerlessFunction } from '../../lib/serverless';
import { demoArtifact } from '../shared/artifact';

/** Directory of the demo handler (plain Node.js, no bundled dependencies). */
export const HANDLER_DIR = path.join(__dirname, 'handler');

/** Directory of the SnapStart variant's handler (Python 3.14, standard library + the runtime's boto3). */
export const SNAPSTART_HANDLER_DIR = path.join(__dirname, 'snapstart');

/**
 * The seed's conversational model behind a pre-warmed serverless burst pool.
 *
 * - 10 warm environments (provisioned concurrency on the `live` alias) absorb everyday bursts;
 *   target tracking on the per-minute Maximum of ProvisionedConcurrencyUtilization keeps ~40% of
 *   the pool idle (in-flight target 0.8 per environment with a 25% warm buffer = 0.6) and grows
 *   the pool up to 60.
 * - A marketing event (a product launch announced at 17:30 New York time on 2 March 2027) raises
 *   the floor to 80 warm environments at 17:00, 30 minutes before the announcement, and restores
 *   the everyday bounds at 22:00.
 * - Reserved concurrency 300 caps the function so a viral burst cannot starve the account.
 * - New versions roll out as a CodeDeploy canary (10% for 5 minutes) and roll back on the SLO:
 *   p95 < 300 ms, errors < 1%, throttles < 1%.
 * - Callers use the alias or its IAM-authenticated function URL.
 */
export function createServerlessBurstStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, {
    description: 'cdk-inference-lanes example: pre-warmed serverless burst pool for the conversational model',
    ...props,
  });

  const pool = new WarmServerlessFunction(stack, 'ChatBurst', {
    artifact: demoArtifact(),
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    // memorySize: 2 GiB default (~1.2 vCPU, so the lane sets OMP_NUM_THREADS=1)
    timeout: Duration.seconds(10),
    autoscaling: new AutoscalingPolicy({
      minCapacity: 10,
      maxCapacity: 60,
      triggers: [ScalingTrigger.inFlightPerInstance(0.8)],
      warmBufferPercent: 25,
      scaleOutCooldown: Duration.seconds(30),
      scaleInCooldown: Duration.minutes(10),
      schedules: [{
        name: 'spring-launch',
        start: { minute: '0', hour: '17', day: '2', month: '3', year: '2027' },
        end: { minute: '0', hour: '22', day: '2', month: '3', year: '2027' },
        minCapacity: 80,
        maxCapacity: 200,
        timeZone: 'America/New_York',
      }],
    }),
    utilizationStatistic: ProvisionedConcurrencyStatistic.MAXIMUM,
    // Twice the launch pool (200): room for 200 on-demand environments beyond the warm pool at the peak.
    reservedConcurrentExecutions: 400,
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    functionUrl: true,
  });

  // No cdk-nag suppressions: the lane acknowledges the findings of its own design (lib/serverless/README.md).

  new CfnOutput(stack, 'FunctionName', { value: pool.functionName });
  new CfnOutput(stack, 'AliasArn', { value: pool.aliasArn });
  // No output for the function URL: moto (the local deploy test) crashes on an Output that reads
  // an attribute of AWS::Lambda::Url, which it does not support. Read it with
  // `aws lambda get-function-url-config --function-name <FunctionName> --qualifier live`.
  return stack;
}

/**
 * The streaming variant: the same conversational model answering token by token.
 *
 * - `handler/stream.mjs` wraps the handler in `awslambda.streamifyResponse` and writes server-sent
 *   events; the alias's function URL has `InvokeMode: RESPONSE_STREAM` and keeps `AWS_IAM` auth.
 * - A smaller warm pool (5-30 environments, in-flight target 0.7): a streamed answer holds its
 *   environment for the whole generation, so the pool is sized by concurrent streams.
 * - `modelLoadTime` states the measured Init (4 s), so `scaleOutLeadTime` reads 3 min (alarm) +
 *   90 s (allocation, measured) + 4 s.
 */
export function createStreamingChatStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, {
    description: 'cdk-inference-lanes example: streamed token output from a warm serverless pool',
    ...props,
  });
  const pool = new WarmServerlessFunction(stack, 'ChatStream', {
    artifact: demoArtifact(),
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'stream.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    timeout: Duration.seconds(60),
    warmMode: WarmMode.provisionedConcurrency({ allocationTime: Duration.seconds(90) }),
    modelLoadTime: Duration.seconds(4),
    autoscaling: new AutoscalingPolicy({
      minCapacity: 5,
      maxCapacity: 30,
      triggers: [ScalingTrigger.inFlightPerInstance(0.7)],
      scaleOutCooldown: Duration.seconds(30),
      scaleInCooldown: Duration.minutes(10),
    }),
    slo: ServiceLevelObjective.latency(95, Duration.seconds(20), { maxErrorRatePercent: 1 }),
    functionUrl: true,
    responseStreaming: true,
  });
  new CfnOutput(stack, 'FunctionName', { value: pool.functionName });
  new CfnOutput(stack, 'AliasArn', { value: pool.aliasArn });
  new CfnOutput(stack, 'ScaleOutLeadTime', { value: pool.scaleOutLeadTime.describe() });
  return stack;
}

/**
 * The same model on Lambda SnapStart instead of a provisioned-concurrency pool: the right choice when
 * traffic is too spiky to keep a pool paid for, and the model loads slowly.
 *
 * - Init (download from S3, digest check, parse) runs once when the version is published; new
 *   environments resume from the snapshot with the model in memory. No warm pool, no scaling policy
 *   (Lambda forbids provisioned concurrency on a SnapStart version): every environment is on demand.
 * - Reserved concurrency 100 caps the function (SnapStart lanes must state their cap).
 * - `scaleOutLeadTime` reads the restore time (stated: 800 ms measured) and no alarm or allocation.
 * - Canary rollouts on the SLO as in the pool example: CodeDeploy shifts the alias between published
 *   (snapshotted) versions.
 */
export function createSnapStartStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, {
    description: 'cdk-inference-lanes example: the conversational model on Lambda SnapStart (no warm pool)',
    ...props,
  });
  const fn = new WarmServerlessFunction(stack, 'Assistant', {
    artifact: demoArtifact(),
    code: lambda.Code.fromAsset(SNAPSTART_HANDLER_DIR),
    handler: 'handler.handler',
    runtime: lambda.Runtime.PYTHON_3_14,
    architecture: lambda.Architecture.ARM_64,
    memorySize: Size.mebibytes(2048),
    timeout: Duration.seconds(10),
    warmMode: WarmMode.snapStart({ restoreTime: Duration.millis(800) }),
    reservedConcurrentExecutions: 100,
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    functionUrl: true,
  });
  // cdk-nag's L1 wants the newest Python aws-cdk-lib lists (python3.15), which CloudFormation does not accept
  // yet (cfn-lint E3030): 3.14 is the newest deployable one. The one acknowledgement of this example.
  Validations.of(fn.node.findChild('Resource')).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'python3.14 is the newest Python runtime CloudFormation accepts (python3.15, listed by aws-cdk-lib, fails cfn-lint E3030)',
  });
  new CfnOutput(stack, 'FunctionName', { value: fn.functionName });
  new CfnOutput(stack, 'ScaleOutLeadTime', { value: fn.scaleOutLeadTime.describe() });
  return stack;
}
