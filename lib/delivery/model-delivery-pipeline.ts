import { Duration } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { VersionFreeze } from '../core';
import { DeliveryAppSource, ModelDeliverySource, ModelSignatureOptions } from './delivery-source';
import { DeliveryStage } from './delivery-stage';
import { buildDeliveryPipeline } from './private/build-pipeline';
import { validateProps } from './private/validate';

/**
 * Props of {@link ModelDeliveryPipeline}.
 */
export interface ModelDeliveryPipelineProps {
  /** Where candidate models come from (an S3 object version or an approved model package). */
  readonly source: ModelDeliverySource;

  /** The CDK app each stage deploys with the candidate in CDK context. */
  readonly app: DeliveryAppSource;

  /**
   * The stages after the checks and gates, in this order: `DeliveryStage.shadow()` (optional),
   * `DeliveryStage.canary({ rollbackAlarms })`, `DeliveryStage.approval({ notificationTopic })` (optional),
   * `DeliveryStage.promote()`.
   */
  readonly stages: DeliveryStage[];

  /**
   * Require a model card (S3: the object `<key>.card.json` with a non-empty `intendedUse`; registry: the
   * package's `ModelCard`).
   *
   * @default true
   */
  readonly requireModelCard?: boolean;

  /**
   * Verify a signature over the model's SHA-256 digest with AWS KMS (S3: the object `<key>.sig`; registry:
   * the package's `CustomerMetadataProperties.signature`, base64).
   *
   * @default - no signature check
   */
  readonly signature?: ModelSignatureOptions;

  /**
   * Commands of the synth gates (run in the app's root after `gateInstallCommands`, with the candidate in
   * `$CDK_CONTEXT_ARGS` and `CDK_CONTEXT_JSON`). The project's own tests are the gates: cfn-lint, cdk-nag,
   * Kubernetes schemas, API contracts and simulation, where the project has them.
   *
   * @default ['npx cdk synth --all --quiet $CDK_CONTEXT_ARGS', 'npm test']
   */
  readonly gateCommands?: string[];

  /**
   * Commands that install the gates' tools.
   *
   * @default ['npm ci', 'pip3 install --quiet cfn-lint']
   */
  readonly gateInstallCommands?: string[];

  /**
   * The SSM parameter on-call sets to freeze delivery: any value but `off` fails every execution at its
   * first action (and every deploy stage before it deploys).
   *
   * @default - a parameter `/inference-lanes/delivery/<path-hash>/freeze`, `off` unless a VersionFreeze is in
   * force where the pipeline is synthesized (`-c inference-lanes:freeze=...`)
   */
  readonly freezeParameter?: ssm.IStringParameter;

  /**
   * The link printed when an execution is stopped by the freeze.
   *
   * @default 'https://github.com/cdk-inference-lanes/cdk-inference-lanes#emergency-freeze-runbook'
   */
  readonly runbookUrl?: string;

  /**
   * Qualifier of the CDK bootstrap stack of the target account and Region (the deploy stages assume its
   * `cdk-<qualifier>-deploy-role`, `-file-publishing-role`, `-image-publishing-role` and `-lookup-role`).
   *
   * @default 'hnb659fds'
   */
  readonly bootstrapQualifier?: string;

  /**
   * How long one `cdk deploy` (with the lanes' rollouts) may take, from 5 minutes to 3 hours. A stage's CodeBuild
   * timeout is one deploy (two for the canary, which may redeploy the released version) plus its bake time, at
   * most the 8 hours CodePipeline waits for a CodeBuild action.
   *
   * @default Duration.hours(1)
   */
  readonly deployTimeout?: Duration;

  /**
   * Name of the pipeline.
   *
   * @default - generated
   */
  readonly pipelineName?: string;
}

/**
 * A CodePipeline (V2) that delivers a model through the project's own gates to production:
 *
 * source → Checks (freeze, then digest, model card, signature) → Gates (synth + the project's tests in
 * CodeBuild) → Shadow → Canary (automatic rollback) → Approval → Promote.
 *
 * Each deploy stage runs `cdk deploy` of the user's app with the candidate in CDK context
 * ({@link ModelDeliveryContext}); the app puts the candidate in the role the stage names. A freeze (the
 * `freezeParameter`, or `-c inference-lanes:freeze` where the app is deployed) stops it.
 */
export class ModelDeliveryPipeline extends Construct {
  /** The CodePipeline. */
  public readonly pipeline: codepipeline.IPipeline;
  /** The parameter that freezes delivery (`off` = not frozen). */
  public readonly freezeParameter: ssm.IStringParameter;
  /** The parameter holding the last promoted candidate (JSON: version, uri, digest, modelPackageArn; `none` before the first). */
  public readonly releasedVersionParameter: ssm.IStringParameter;

  constructor(scope: Construct, id: string, props: ModelDeliveryPipelineProps) {
    super(scope, id);
    const settings = validateProps(this, props);
    const freeze = VersionFreeze.of(this);
    this.freezeParameter = props.freezeParameter ?? new ssm.StringParameter(this, 'Freeze', {
      description: 'Model delivery freeze: any value but off stops every execution (see the Emergency freeze runbook)',
      stringValue: freeze && freeze.isInForceAt(Date.now()) ? `frozen at ${freeze.toString()}` : 'off',
    });
    this.releasedVersionParameter = new ssm.StringParameter(this, 'ReleasedVersion', {
      description: 'The model the delivery pipeline promoted last (JSON), the canary rolls back to it',
      stringValue: 'none',
    });
    this.pipeline = buildDeliveryPipeline(this, {
      ...settings,
      freezeParameter: this.freezeParameter,
      releasedVersionParameter: this.releasedVersionParameter,
      pipelineName: props.pipelineName,
    });
  }
}
