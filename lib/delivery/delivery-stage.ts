import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';

/** The kind of a {@link DeliveryStage}, in the only order the pipeline accepts them. */
export enum DeliveryStageKind {
  /** Deploy the candidate as shadow traffic (optional; before the canary). */
  SHADOW = 'SHADOW',
  /** Deploy the candidate as the new version; the lanes' rollouts roll back on their alarms (required). */
  CANARY = 'CANARY',
  /** A manual approval (optional; after the canary). */
  APPROVAL = 'APPROVAL',
  /** Deploy the candidate everywhere and record it as the released version (required; last). */
  PROMOTE = 'PROMOTE',
}

/** Options shared by the stages that run `cdk deploy`. */
export interface DeployStageOptions {
  /**
   * The stacks of the app to deploy (`cdk deploy` arguments: stack names or glob patterns).
   *
   * @default - every stack of the app (`--all`)
   */
  readonly stacks?: string[];
}

/** Options of {@link DeliveryStage.shadow}. */
export interface ShadowStageOptions extends DeployStageOptions {
  /**
   * How long the candidate takes shadow traffic before its alarms are read; from 0 to 7 hours, and with
   * `deployTimeout` at most 8 hours (CodePipeline's limit for a CodeBuild action, which waits).
   *
   * @default Duration.minutes(30)
   */
  readonly bakeTime?: Duration;

  /**
   * Alarms on the shadow candidate (its latency or errors); the stage fails when one is in ALARM after the
   * bake time.
   *
   * @default - none: the stage passes when the deploy succeeds
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

/** Options of {@link DeliveryStage.canary}. */
export interface CanaryStageOptions extends DeployStageOptions {
  /**
   * The lanes' rollback alarms (at least one). The lanes' own rollouts roll back on them during the
   * deploy; after the deploy and the bake time the stage reads them again, and when one is in ALARM it
   * redeploys the last released version (automatic rollback) and fails.
   */
  readonly rollbackAlarms: cloudwatch.IAlarm[];

  /**
   * How long the new version serves before the alarms are read again; from 0 to 7 hours, and with twice
   * `deployTimeout` at most 8 hours (CodePipeline's limit for a CodeBuild action, which waits).
   *
   * @default Duration.minutes(15)
   */
  readonly bakeTime?: Duration;
}

/** Options of {@link DeliveryStage.approval}. */
export interface ApprovalStageOptions {
  /**
   * Who is told that a candidate waits for approval. Required: an approval nobody hears about expires
   * after 7 days and fails the execution.
   */
  readonly notificationTopic: sns.ITopic;

  /**
   * Extra text in the approval request.
   *
   * @default - the model version and URI
   */
  readonly comment?: string;
}

/**
 * One stage after the checks and gates. The pipeline accepts them in this order only:
 * `shadow` (optional) → `canary` (required) → `approval` (optional) → `promote` (required), each at most once.
 */
export class DeliveryStage {
  /** Deploy the app with the candidate in the shadow role (`inference-lanes:delivery-role=shadow`). */
  public static shadow(options: ShadowStageOptions = {}): DeliveryStage {
    return new DeliveryStage(DeliveryStageKind.SHADOW, { deploy: options, shadow: options ?? {} });
  }

  /** Deploy the app with the candidate as the new version (`inference-lanes:delivery-role=canary`). */
  public static canary(options: CanaryStageOptions): DeliveryStage {
    return new DeliveryStage(DeliveryStageKind.CANARY, { deploy: options, canary: options });
  }

  /** A manual approval (CodePipeline manual approval action) announced on an SNS topic. */
  public static approval(options: ApprovalStageOptions): DeliveryStage {
    return new DeliveryStage(DeliveryStageKind.APPROVAL, { approval: options });
  }

  /** Deploy the app with the candidate in the promote role and record it as the released version. */
  public static promote(options: DeployStageOptions = {}): DeliveryStage {
    return new DeliveryStage(DeliveryStageKind.PROMOTE, { deploy: options });
  }

  /** The kind of stage. */
  public readonly kind: DeliveryStageKind;
  /** The deploy options (shadow, canary, promote). */
  public readonly deployOptions: DeployStageOptions;
  /** @default - not a shadow stage */
  public readonly shadowOptions?: ShadowStageOptions;
  /** @default - not a canary stage */
  public readonly canaryOptions?: CanaryStageOptions;
  /** @default - not an approval stage */
  public readonly approvalOptions?: ApprovalStageOptions;

  private constructor(kind: DeliveryStageKind, o: { deploy?: DeployStageOptions; shadow?: ShadowStageOptions; canary?: CanaryStageOptions; approval?: ApprovalStageOptions }) {
    this.kind = kind;
    this.deployOptions = o.deploy ?? {};
    this.shadowOptions = o.shadow;
    this.canaryOptions = o.canary;
    this.approvalOptions = o.approval;
  }
}
