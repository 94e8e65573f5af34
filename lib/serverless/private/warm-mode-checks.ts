import { Annotations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { checkWholeNumber } from '../../core/private/validation';
import { WarmMode } from '../warm-mode';
import type { WarmServerlessFunctionProps } from '../warm-serverless-function';
import { INT32_MAX } from './checks';

/** The lane's name in SnapStart messages. @internal */
export const SNAPSTART_LANE = 'WarmServerlessFunction (Lambda SnapStart)';

/** The largest `/tmp` SnapStart accepts (Lambda SnapStart "Supported features and limitations"). @internal */
export const SNAPSTART_MAX_EPHEMERAL_MIB = 512;

/**
 * The warm mode, checked for being a WarmMode (plain JavaScript and other jsii languages can pass
 * anything). Default: provisioned concurrency.
 * @internal
 */
export function resolveWarmMode(scope: Construct, value: WarmMode | undefined): WarmMode {
  if (value === undefined) { return WarmMode.provisionedConcurrency(); }
  if (!(value instanceof WarmMode)) {
    throw invalid(scope, 'warmMode', value, 'is not a WarmMode', 'Pass WarmMode.provisionedConcurrency() or WarmMode.snapStart().');
  }
  return value;
}

/**
 * SnapStart with an explicit autoscaling policy: the policy sizes a provisioned-concurrency pool,
 * which SnapStart excludes. Checked before topology defaults are filled: an inherited policy is not
 * applied to a SnapStart lane (README "Warm modes").
 * @internal
 */
export function rejectPolicyWithSnapStart(scope: Construct, props: WarmServerlessFunctionProps): void {
  if (props.autoscaling === undefined) { return; }
  throw invalid(scope, 'autoscaling', describePolicy(props), `cannot be rendered with WarmMode.snapStart(): the policy sizes a provisioned-concurrency warm pool, and Lambda does not allow provisioned concurrency on a SnapStart version`,
    'Drop autoscaling and cap the on-demand environments with reservedConcurrentExecutions, or use WarmMode.provisionedConcurrency() to keep the warm pool.');
}

function describePolicy(props: WarmServerlessFunctionProps): string {
  const p = props.autoscaling!;
  const triggers = p.triggers.map(t => t.toString()).join(', ');
  return `${p.minCapacity}-${p.maxCapacity}${triggers ? `, ${triggers}` : ''}${p.schedules.length ? `, schedules ${p.schedules.map(s => s.name).join(', ')}` : ''}`;
}

/**
 * Everything Lambda SnapStart cannot do, in the order a user meets it: warm-pool props, container
 * images, the runtime, `/tmp`; and reserved concurrency, which is the only cap left without a pool.
 * Returns the reserved concurrency.
 * @internal
 */
export function checkSnapStart(scope: Construct, props: WarmServerlessFunctionProps, ephemeralMiB: number): number {
  if (props.utilizationStatistic !== undefined) {
    throw invalid(scope, 'utilizationStatistic', props.utilizationStatistic, 'tunes the provisioned-concurrency target tracking, which WarmMode.snapStart() does not have', 'Drop utilizationStatistic, or use WarmMode.provisionedConcurrency().');
  }
  if (props.maxSpilloverPercent !== undefined) {
    throw invalid(scope, 'maxSpilloverPercent', props.maxSpilloverPercent, 'is the threshold of the warm-pool spillover alarm, which WarmMode.snapStart() does not have (every environment is on demand, restored from the snapshot)',
      'Drop maxSpilloverPercent; watch restores with metricColdStartInitDuration() and latency with slo.');
  }
  const image = props.code === undefined || props.code instanceof lambda.EcrImageCode || props.code instanceof lambda.AssetImageCode;
  if (image) {
    throw invalid(scope, 'code', props.code === undefined ? "the artifact's serving image (no code given)" : 'a container image',
      'cannot use WarmMode.snapStart(): Lambda SnapStart supports zip packages on managed runtimes only, not container images',
      'Pass a zip package (lambda.Code.fromAsset(dir)) with a SnapStart runtime (Java 11+, Python 3.12+, .NET 8+), or use WarmMode.provisionedConcurrency() for images.');
  }
  const runtime = props.runtime;
  if (runtime !== undefined && !runtime.supportsSnapStart) {
    throw invalid(scope, 'runtime', runtime.name, 'does not support Lambda SnapStart (supported: Java 11 and later, Python 3.12 and later, .NET 8 and later managed runtimes; not Node.js, Ruby or OS-only runtimes)',
      'Use e.g. lambda.Runtime.PYTHON_3_13 or JAVA_21, or use WarmMode.provisionedConcurrency() with this runtime.');
  }
  if (isConcreteNumber(ephemeralMiB) && ephemeralMiB > SNAPSTART_MAX_EPHEMERAL_MIB) {
    throw invalid(scope, 'ephemeralStorageSize', `${ephemeralMiB} MiB`, `exceeds the ${SNAPSTART_MAX_EPHEMERAL_MIB} MiB of /tmp Lambda SnapStart supports`,
      `Keep ephemeralStorageSize at Size.mebibytes(${SNAPSTART_MAX_EPHEMERAL_MIB}) (the default) and load weights into memory during Init, or use WarmMode.provisionedConcurrency().`);
  }
  const reserved = props.reservedConcurrentExecutions;
  if (reserved === undefined) {
    throw invalid(scope, 'reservedConcurrentExecutions', undefined, 'is required with WarmMode.snapStart(): without a warm pool there is no pool size to derive the cap from, and an uncapped function can take the whole account concurrency in a burst',
      'Pass the most environments the function may run, e.g. reservedConcurrentExecutions: 100.');
  }
  checkWholeNumber(scope, 'reservedConcurrentExecutions', reserved, 1, INT32_MAX, `Pass a whole number from 1 (0 would throttle every request) to ${INT32_MAX}.`);
  return reserved;
}

/**
 * `responseStreaming`: the function URL's invoke mode, so it needs the URL, and a runtime that can
 * stream: Node.js managed runtimes natively (`awslambda.streamifyResponse`), OS-only runtimes
 * (`provided.*`) through their own Runtime API client. Other managed runtimes cannot stream without
 * the Lambda Web Adapter layer, which this lane does not add. A container image brings its runtime:
 * the lane cannot see it, so it says so instead of guessing.
 * @internal
 */
export function checkResponseStreaming(scope: Construct, props: WarmServerlessFunctionProps, isContainerImage: boolean): boolean {
  const streaming = props.responseStreaming ?? false;
  if (!streaming) { return false; }
  if (props.responseStreaming !== true) {
    throw invalid(scope, 'responseStreaming', props.responseStreaming, 'is not a boolean', 'Pass true or false.');
  }
  if (!props.functionUrl) {
    throw invalid(scope, 'responseStreaming', true, 'sets the invoke mode of the function URL (InvokeMode RESPONSE_STREAM), but functionUrl is not enabled',
      'Set functionUrl: true (the URL keeps AWS_IAM auth), or drop responseStreaming and call InvokeWithResponseStream on the alias yourself.');
  }
  if (isContainerImage) {
    Annotations.of(scope).addInfoV2('cdk-inference-lanes:serverless:streaming-image',
      'responseStreaming with a container image: the image must stream itself (a Node.js base image with awslambda.streamifyResponse, a custom runtime, or the Lambda Web Adapter with AWS_LWA_INVOKE_MODE=response_stream); the lane cannot check the image.');
    return true;
  }
  const runtime = props.runtime!;
  const streams = runtime.family === lambda.RuntimeFamily.NODEJS || runtime.family === lambda.RuntimeFamily.OTHER;
  if (!streams) {
    throw invalid(scope, 'responseStreaming', `true with runtime ${runtime.name}`, 'cannot stream: Lambda streams responses natively on Node.js managed runtimes only; other managed runtimes need a custom runtime or the Lambda Web Adapter',
      'Use a Node.js runtime (lambda.Runtime.NODEJS_24_X with awslambda.streamifyResponse), an OS-only runtime (lambda.Runtime.PROVIDED_AL2023) that streams through the Runtime API, or a container image with the Lambda Web Adapter.');
  }
  return true;
}
