import { Duration } from 'aws-cdk-lib';
import { checkDuration, checkPropsObject } from '../core/private/validation';

/**
 * The two ways a {@link WarmServerlessFunction} keeps inference fast to start.
 */
export enum WarmModeKind {
  /** Provisioned concurrency on the alias: initialized environments kept waiting, scaled by Application Auto Scaling. */
  PROVISIONED_CONCURRENCY = 'PROVISIONED_CONCURRENCY',
  /** Lambda SnapStart: each published version is initialized once and new environments resume from its snapshot. */
  SNAP_START = 'SNAP_START',
}

/**
 * Options of {@link WarmMode.provisionedConcurrency}.
 */
export interface ProvisionedConcurrencyWarmModeOptions {
  /**
   * How long Lambda takes to allocate new provisioned concurrency once Application Auto Scaling raises
   * it (the `IN_PROGRESS` to `READY` allocation, every new environment running its Init). Used only for
   * the lane's stated `scaleOutLeadTime`; nothing is rendered from it. Measure it on your function
   * (`aws lambda get-provisioned-concurrency-config`, `LastModified` to `READY`) and state it here.
   *
   * @default Duration.minutes(2) - the Lambda documentation says allocation takes "a few minutes"
   */
  readonly allocationTime?: Duration;
}

/**
 * Options of {@link WarmMode.snapStart}.
 */
export interface SnapStartWarmModeOptions {
  /**
   * How long one new environment takes to resume from the snapshot (the `restoreDurationMs` of its
   * `platform.restoreReport`/`platform.report` log record, plus any after-restore hook). Used only for
   * the lane's stated `scaleOutLeadTime`; nothing is rendered from it.
   *
   * @default Duration.seconds(1) - the SnapStart documentation promises "as low as sub-second" startup
   */
  readonly restoreTime?: Duration;
}

/**
 * How a warm serverless lane avoids paying the model load on requests: ONE choice, because Lambda
 * does not allow both on a version (SnapStart "does not support provisioned concurrency").
 *
 * - `WarmMode.provisionedConcurrency()` (the default): the alias keeps a pool of initialized
 *   environments, sized by the lane's `autoscaling` policy (target tracking on utilization, schedules).
 *   Requests within the pool never see an Init; requests beyond it are on-demand cold starts.
 * - `WarmMode.snapStart()`: `SnapStart: { ApplyOn: PublishedVersions }` on the function. Lambda runs the
 *   Init (the model load) once when the version is published and resumes every new environment from the
 *   encrypted snapshot. No pool, no idle cost, no autoscaling policy: environments are created per
 *   request up to `reservedConcurrentExecutions`, each paying a restore instead of an Init.
 *   Only zip packages on Java 11+, Python 3.12+ and .NET 8+ managed runtimes; no container images, no
 *   EFS, `/tmp` at most 512 MiB (Lambda SnapStart "Supported features and limitations").
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
 */
export class WarmMode {
  /**
   * A provisioned-concurrency warm pool on the alias, sized by the lane's `autoscaling` policy.
   */
  public static provisionedConcurrency(options: ProvisionedConcurrencyWarmModeOptions = {}): WarmMode {
    const where = 'WarmMode.provisionedConcurrency';
    checkPropsObject(where, 'options', options, 'Pass {} for the defaults, or { allocationTime: Duration.seconds(90) } as you measured it.');
    checkDuration(where, 'allocationTime', options.allocationTime, { unit: 'seconds', min: Duration.seconds(1), max: Duration.hours(1) });
    return new WarmMode(WarmModeKind.PROVISIONED_CONCURRENCY, options.allocationTime, undefined);
  }

  /**
   * Lambda SnapStart on published versions: no warm pool; new environments resume from the version's snapshot.
   */
  public static snapStart(options: SnapStartWarmModeOptions = {}): WarmMode {
    const where = 'WarmMode.snapStart';
    checkPropsObject(where, 'options', options, 'Pass {} for the defaults, or { restoreTime: Duration.millis(800) } as you measured it.');
    checkDuration(where, 'restoreTime', options.restoreTime, { unit: 'milliseconds', min: Duration.millis(1), max: Duration.minutes(15) });
    return new WarmMode(WarmModeKind.SNAP_START, undefined, options.restoreTime);
  }

  /** Which mode. */
  public readonly kind: WarmModeKind;
  /** Stated provisioned-concurrency allocation time (provisioned concurrency only). */
  public readonly allocationTime?: Duration;
  /** Stated snapshot restore time (SnapStart only). */
  public readonly restoreTime?: Duration;

  private constructor(kind: WarmModeKind, allocationTime: Duration | undefined, restoreTime: Duration | undefined) {
    this.kind = kind;
    this.allocationTime = allocationTime;
    this.restoreTime = restoreTime;
  }

  /** True for SnapStart. */
  public get isSnapStart(): boolean {
    return this.kind === WarmModeKind.SNAP_START;
  }

  /** E.g. `WarmMode.snapStart()`. */
  public toString(): string {
    return this.isSnapStart ? 'WarmMode.snapStart()' : 'WarmMode.provisionedConcurrency()';
  }
}
