import { Duration, Size, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { scheduleBounds } from '../../core/private/scheduling';
import { AutoscalingPolicy, TriggerKind } from '../../core/autoscaling';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { HardwareTarget } from '../../core/hardware';
import { LaneCapacity } from '../../core/inference-lane';
import { ModelArtifact } from '../../core/model-artifact';
import { checkFinite, checkWholeNumber } from '../../core/private/validation';
import { ProvisionedConcurrencyStatistic } from '../provisioned-concurrency-statistic';
import type { WarmServerlessFunctionProps } from '../warm-serverless-function';
import { checkLogRetention, checkMebibytes, checkSeconds, checkStatistic, reservedConcurrency } from './checks';
import { checkFinalBake } from './deployment';
import { isImageCode } from './function-code';
import { checkResponseStreaming, checkSnapStart, resolveWarmMode } from './warm-mode-checks';
import { WarmMode } from '../warm-mode';

/** The lane's name in validation messages and alarm descriptions. @internal */
export const LANE = 'WarmServerlessFunction (Lambda provisioned concurrency)';

/** Props after defaults and validation: what the building steps use. @internal */
export interface ResolvedProps {
  readonly artifact: ModelArtifact;
  /** Provisioned concurrency (default) or SnapStart. */
  readonly warmMode: WarmMode;
  /** The warm pool's policy; undefined with SnapStart (no pool). */
  readonly policy?: AutoscalingPolicy;
  /** Provisioned-concurrency utilization target (after the warm buffer), when the policy tracks one. */
  readonly utilizationTarget?: number;
  /** The largest warm pool (policy or schedule max); undefined when a bound is a token. */
  readonly peakWarm?: number;
  readonly memoryMiB: number;
  readonly timeout: Duration;
  readonly ephemeral: Size;
  readonly aliasName: string;
  readonly utilizationStatistic: ProvisionedConcurrencyStatistic;
  readonly logRetention: logs.RetentionDays;
  readonly rollbackOnThrottles: boolean;
  readonly reserved: number;
  readonly architecture: lambda.Architecture;
  readonly target: HardwareTarget;
  /** The function runs a container image (the artifact's, or a user image). */
  readonly isContainerImage: boolean;
  /** The user's `code` is a container image. */
  readonly userImage: boolean;
  readonly wantsSigning: boolean;
  /** Spillover alarm threshold, percent (provisioned concurrency only). */
  readonly maxSpillover?: number;
  /** The function URL streams responses (InvokeMode RESPONSE_STREAM). */
  readonly responseStreaming: boolean;
}

/**
 * Every prop check of the lane, in the order the messages should come (what the warm pool can
 * render, sizes, durations, enum-like values, capacity, code and signing, rollout), and the values
 * the building steps use. Props must already carry the topology's defaults.
 * @internal
 */
export function resolveProps(scope: Construct, props: WarmServerlessFunctionProps): ResolvedProps {
  const warmMode = resolveWarmMode(scope, props.warmMode);
  const snapStart = warmMode.isSnapStart;
  // SnapStart has no pool: no policy (rejected before topology defaults), no peak.
  const policy = snapStart ? undefined : props.autoscaling!;
  const utilizationTarget = policy ? checkPolicy(scope, policy) : undefined;
  // The largest warm pool: unknown (undefined) when any bound is a token, never a number made up from one.
  const peaks = policy ? [policy.maxCapacity, ...policy.schedules.map(s => scheduleBounds(policy, s).startMax)] : [0];
  const peakWarm = peaks.every(isConcreteNumber) ? Math.max(...peaks) : undefined;

  const memoryMiB = checkMebibytes(scope, 'memorySize', props.memorySize ?? Size.mebibytes(2048), 128, 10240);
  const timeout = props.timeout ?? Duration.seconds(30);
  checkSeconds(scope, 'timeout', timeout, Duration.seconds(1), Duration.minutes(15), 'Pass a whole number of seconds from 1 second to 15 minutes, e.g. Duration.seconds(30); Lambda stops an invocation at 15 minutes.');
  const ephemeral = Size.mebibytes(checkMebibytes(scope, 'ephemeralStorageSize', props.ephemeralStorageSize ?? Size.mebibytes(512), 512, 10240));
  const aliasName = props.aliasName ?? 'live';
  if (!Token.isUnresolved(aliasName) && (typeof aliasName !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(aliasName) || /^[0-9]+$/.test(aliasName))) {
    throw invalid(scope, 'aliasName', aliasName, 'is not a Lambda alias name (letters, digits, - and _, at most 128, not all digits)', "Use e.g. 'live'.");
  }
  checkWholeNumber(scope, 'retryAttempts', props.retryAttempts, 0, 2, 'Pass 0, 1 or 2.');
  checkSeconds(scope, 'maxEventAge', props.maxEventAge, Duration.minutes(1), Duration.hours(6));
  // Cooldowns (whole seconds), capacities (32-bit) and schedules (Application Auto Scaling cron, IANA
  // time zones) are checked by AutoscalingPolicy itself and its validateFor().
  const utilizationStatistic = checkStatistic(scope, props.utilizationStatistic);
  const logRetention = checkLogRetention(scope, props.logRetention);
  const rollbackOnThrottles = props.rollbackOnThrottles ?? false;
  if (rollbackOnThrottles && (!props.slo || !props.rollout)) {
    throw invalid(scope, 'rollbackOnThrottles', true, 'needs both slo (which renders the throttle alarm) and rollout (which rolls back on it)', 'Pass slo and rollout, or drop rollbackOnThrottles.');
  }

  // Reserved concurrency: the cap that keeps a burst from starving the account. SnapStart: every
  // limit of the platform (image, runtime, /tmp, warm-pool props), and an explicit cap.
  const reserved = snapStart ? checkSnapStart(scope, props, ephemeral.toMebibytes()) : reservedConcurrency(scope, props.reservedConcurrentExecutions, peakWarm);

  const artifact = props.artifact!;
  const architecture = props.architecture ?? (artifact.supports(HardwareTarget.CPU_ARM64) ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64);
  const target = architecture.name === lambda.Architecture.ARM_64.name ? HardwareTarget.CPU_ARM64 : HardwareTarget.CPU_X86_64;
  artifact.variantFor(target, scope.node.path); // fails early, naming the missing build

  const { isContainerImage, userImage, wantsSigning } = checkCode(scope, props);
  checkRollout(scope, props);
  const maxSpillover = snapStart ? undefined : spilloverThreshold(scope, props);
  const responseStreaming = checkResponseStreaming(scope, props, isContainerImage);
  return {
    artifact, warmMode, policy, utilizationTarget, peakWarm, memoryMiB, timeout, ephemeral, aliasName, utilizationStatistic, logRetention,
    rollbackOnThrottles, reserved, architecture, target, isContainerImage, userImage, wantsSigning, maxSpillover, responseStreaming,
  };
}

/**
 * `maxSpilloverPercent`, or 100 minus the SLO's latency percentile (5 for p95), or 5. The alarm's
 * request floor derives from it, so it must be known at synth: a token is an error with a fix rather
 * than a made-up number.
 */
function spilloverThreshold(scope: Construct, props: WarmServerlessFunctionProps): number {
  const explicit = props.maxSpilloverPercent;
  if (explicit !== undefined) {
    if (Token.isUnresolved(explicit)) {
      throw invalid(scope, 'maxSpilloverPercent', '<token>', 'must be known at synth: the spillover alarm counts only minutes with at least ceil(100 ÷ maxSpilloverPercent) invocations',
        'Pass a number from 0 to 100.');
    }
    return explicit;
  }
  const slo = props.slo;
  if (!slo?.latencyThreshold) { return 5; }
  if (Token.isUnresolved(slo.latencyPercentile)) {
    throw invalid(scope, 'maxSpilloverPercent', undefined, "cannot default to 100 minus the SLO's latency percentile, which is a token",
      'Pass maxSpilloverPercent explicitly (e.g. 5 for a p95 objective).');
  }
  return Math.round((100 - slo.latencyPercentile) * 100) / 100;
}

/** What a provisioned-concurrency warm pool can render; returns the utilization target. */
function checkPolicy(scope: Construct, policy: AutoscalingPolicy): number | undefined {
  if (policy.scaleToZero) {
    throw invalid(scope, 'autoscaling.scaleToZero', true, 'is not possible on a warm pool: provisioned concurrency has a floor of 1 environment, and scheduling it to 0 breaks later deployments (aws-cdk #29992)',
      'Use minCapacity >= 1. For pay-per-request with no warm pool, a plain lambda.Function fits better than this lane.');
  }
  policy.validateFor(scope, { lane: LANE, triggers: [TriggerKind.IN_FLIGHT_PER_INSTANCE], scaleToZero: false, schedules: true, stepLimits: false, maxTriggers: 1 });
  const trigger = policy.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE);
  if (!trigger) { return undefined; }
  if (isConcreteNumber(trigger.target) && trigger.target > 1) {
    throw invalid(scope, 'autoscaling.triggers', trigger.toString(), 'asks for more than one request in flight per environment, but a Lambda environment serves one request at a time',
      'Pass the target share of busy warm environments, 0.1-0.9 (e.g. ScalingTrigger.inFlightPerInstance(0.7) keeps 30% of the pool idle for bursts).');
  }
  const utilizationTarget = policy.effectiveTarget(trigger);
  if (isConcreteNumber(utilizationTarget) && (utilizationTarget < 0.1 || utilizationTarget > 0.9)) {
    throw invalid(scope, 'autoscaling.triggers', `${trigger.toString()} with warmBufferPercent ${policy.warmBufferPercent}`, `gives a provisioned-concurrency utilization target of ${utilizationTarget}, outside 0.1-0.9`,
      'Pick a trigger target and warm buffer whose product lands in 0.1-0.9 (the range Application Auto Scaling tracks well for Lambda).');
  }
  return utilizationTarget;
}

/** Zip package, user image, or the artifact's ECR serving image; and code signing, which covers signed zips only. */
function checkCode(scope: Construct, props: WarmServerlessFunctionProps): { isContainerImage: boolean; userImage: boolean; wantsSigning: boolean } {
  const userImage = props.code !== undefined && isImageCode(props.code);
  const isContainerImage = props.code === undefined || userImage;
  if (isContainerImage) {
    if (props.handler !== undefined) {
      throw invalid(scope, 'handler', props.handler, 'cannot be set for a container image function', 'Set the handler as the image CMD, or pass zip code.');
    }
    if (props.runtime !== undefined) {
      throw invalid(scope, 'runtime', props.runtime.name, 'cannot be set for a container image function', 'Drop runtime; the image brings its own.');
    }
  } else {
    if (props.handler === undefined) {
      throw invalid(scope, 'handler', undefined, 'is required for a zip package', "Pass e.g. handler: 'index.handler'.");
    }
    if (props.runtime === undefined) {
      throw invalid(scope, 'runtime', undefined, 'is required for a zip package', 'Pass e.g. runtime: lambda.Runtime.NODEJS_24_X.');
    }
  }
  const wantsSigning = props.codeSigning ?? props.signingProfile !== undefined;
  if (props.codeSigning === false && props.signingProfile !== undefined) {
    throw invalid(scope, 'codeSigning', false, 'conflicts with signingProfile', 'Drop signingProfile, or set codeSigning: true.');
  }
  if (wantsSigning && isContainerImage) {
    throw invalid(scope, 'codeSigning', true, 'cannot apply to a container image: Lambda code signing (AWS Signer + code signing config) covers zip packages only',
      'Drop codeSigning for images; verify images with ECR image signing (Notation/Signer) and an admission policy instead, or deploy a signed zip package.');
  }
  if (wantsSigning && props.code instanceof lambda.AssetCode) {
    // ENFORCE rejects any zip a Signer job did not produce; the CDK uploads the asset zip unsigned.
    throw invalid(scope, 'code', 'lambda.Code.fromAsset(...)', 'is uploaded unsigned by the CDK, and the ENFORCE code signing config makes Lambda reject it: the deploy would fail',
      'Sign the zip in your pipeline (aws signer start-signing-job) and pass the signed object with lambda.Code.fromBucket(signedBucket, signedKey), or drop codeSigning/signingProfile.');
  }
  return { isContainerImage, userImage, wantsSigning };
}

/** Hooks need a rollout; CodeDeploy Lambda deployments have no final bake; the spillover threshold is a percent. */
function checkRollout(scope: Construct, props: WarmServerlessFunctionProps): void {
  if (!props.rollout && (props.preTrafficHook || props.postTrafficHook)) {
    throw invalid(scope, props.preTrafficHook ? 'preTrafficHook' : 'postTrafficHook', props.preTrafficHook?.node.path ?? props.postTrafficHook?.node.path, 'needs a rollout: hooks run inside a CodeDeploy deployment',
      'Pass rollout: Rollout.canary({...}) (or Rollout.allAtOnce()), or drop the hook.');
  }
  if (props.rollout) {
    checkFinalBake(scope, props.rollout);
  }
  checkFinite(scope, 'maxSpilloverPercent', props.maxSpilloverPercent, { min: 0, max: 100, fix: 'Pass a percent from 0 to 100.' });
}

/**
 * What the lane runs on, for cost math: warm environments from the policy's floor to the largest
 * warm pool (policy or schedule max; the policy max when a bound is a token), memory and architecture.
 * @internal
 */
export function capacityOf(r: ResolvedProps): LaneCapacity {
  const instanceType = `lambda-${r.memoryMiB}MB-${r.architecture.name}`;
  if (!r.policy) {
    // SnapStart: no warm environment; on demand up to the reserved cap, each restored from the snapshot.
    return {
      minInstances: 0,
      maxInstances: r.reserved,
      instanceType,
      hardware: r.target,
      priceClass: 'per-gb-second',
      description: `0-${r.reserved} on-demand × ${instanceType}, SnapStart (restored from the published version's snapshot; reserved ${r.reserved})`,
    };
  }
  const peak = r.peakWarm ?? r.policy.maxCapacity;
  return {
    minInstances: r.policy.minCapacity,
    maxInstances: peak,
    instanceType,
    hardware: r.target,
    priceClass: 'per-gb-second',
    description: `${r.policy.minCapacity}-${peak} warm × ${instanceType}, provisioned concurrency (reserved ${r.reserved})`,
  };
}
