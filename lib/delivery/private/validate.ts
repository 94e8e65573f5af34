import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { AppSourceKind, DeliveryAppSource, ModelDeliverySource, ModelSourceKind } from '../delivery-source';
import { DeliveryStage, DeliveryStageKind } from '../delivery-stage';
import type { ModelDeliveryPipelineProps } from '../model-delivery-pipeline';

/** KMS SigningAlgorithmSpec values (botocore kms Verify). */
const SIGNING_ALGORITHMS = ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'SM2DSA'];
const ORDER = [DeliveryStageKind.SHADOW, DeliveryStageKind.CANARY, DeliveryStageKind.APPROVAL, DeliveryStageKind.PROMOTE];
const ORDER_TEXT = 'shadow (optional), canary, approval (optional), promote';
const MAX_BAKE = Duration.hours(7);

/** The props after validation, with defaults filled in. */
export interface DeliverySettings {
  readonly source: ModelDeliverySource;
  readonly app: DeliveryAppSource;
  readonly stages: DeliveryStage[];
  readonly requireModelCard: boolean;
  readonly signingKeyArn?: string;
  readonly signature?: ModelDeliveryPipelineProps['signature'];
  readonly signingAlgorithm: string;
  readonly gateCommands: string[];
  readonly gateInstallCommands: string[];
  readonly runbookUrl: string;
  readonly bootstrapQualifier: string;
  readonly deployTimeout: Duration;
}

export const DEFAULT_RUNBOOK_URL = 'https://github.com/cdk-inference-lanes/cdk-inference-lanes#emergency-freeze-runbook';

/** Validate the props; throws LaneValidationError (prop, value, fix) on the first problem. */
export function validateProps(scope: IConstruct, props: ModelDeliveryPipelineProps): DeliverySettings {
  if (!props || typeof props !== 'object') {
    throw invalid(scope, 'props', props, 'are required', 'Pass { source, app, stages }.');
  }
  validateSource(scope, props.source);
  validateApp(scope, props.app);
  validateStages(scope, props.stages);
  const algorithm = props.signature?.signingAlgorithm ?? 'ECDSA_SHA_256';
  if (props.signature !== undefined && !props.signature?.key) {
    throw invalid(scope, 'signature.key', props.signature?.key, 'is required when a signature is configured',
      'Pass the asymmetric KMS key (key usage SIGN_VERIFY) that signed the digests, or omit signature.');
  }
  if (!Token.isUnresolved(algorithm) && !SIGNING_ALGORITHMS.includes(algorithm)) {
    throw invalid(scope, 'signature.signingAlgorithm', algorithm, 'is not a KMS signing algorithm for a digest',
      `Pass one of ${SIGNING_ALGORITHMS.join(', ')}.`);
  }
  for (const [prop, list] of [['gateCommands', props.gateCommands], ['gateInstallCommands', props.gateInstallCommands]] as const) {
    if (list !== undefined && (!Array.isArray(list) || list.some((c) => typeof c !== 'string' || c.trim() === ''))) {
      throw invalid(scope, prop, list, 'must be a list of non-empty shell commands', `Pass e.g. ['npm test'], or omit ${prop} for the default.`);
    }
  }
  const qualifier = props.bootstrapQualifier ?? 'hnb659fds';
  if (!Token.isUnresolved(qualifier) && !/^[a-z0-9]{1,10}$/.test(qualifier)) {
    throw invalid(scope, 'bootstrapQualifier', qualifier, 'is not a CDK bootstrap qualifier (1-10 lowercase letters and digits)',
      "Pass the qualifier of `cdk bootstrap --qualifier`, or omit it for the default 'hnb659fds'.");
  }
  const name = props.pipelineName;
  if (name !== undefined && !Token.isUnresolved(name) && !/^[A-Za-z0-9.@_-]{1,100}$/.test(name)) {
    throw invalid(scope, 'pipelineName', name, 'is not a CodePipeline name (1-100 letters, digits, ., @, _ and -)', "Pass e.g. 'assistant-model-delivery', or omit it.");
  }
  const deployTimeout = props.deployTimeout ?? Duration.hours(1);
  if (!deployTimeout.isUnresolved() && (deployTimeout.toMinutes({ integral: false }) < 5 || deployTimeout.toMinutes({ integral: false }) > 180)) {
    throw invalid(scope, 'deployTimeout', deployTimeout.toHumanString(), 'must be from 5 minutes to 3 hours',
      'Pass how long one cdk deploy with the lanes\' rollouts may take, e.g. Duration.hours(1).');
  }
  checkStageTimeouts(scope, props.stages, deployTimeout);
  return {
    source: props.source,
    app: props.app,
    stages: props.stages,
    requireModelCard: props.requireModelCard ?? true,
    signingKeyArn: props.signature?.key.keyArn,
    signature: props.signature,
    signingAlgorithm: algorithm,
    gateCommands: props.gateCommands ?? ['npx cdk synth --all --quiet $CDK_CONTEXT_ARGS', 'npm test'],
    gateInstallCommands: props.gateInstallCommands ?? ['npm ci', 'pip3 install --quiet cfn-lint'],
    runbookUrl: props.runbookUrl ?? DEFAULT_RUNBOOK_URL,
    bootstrapQualifier: qualifier,
    deployTimeout,
  };
}

function validateSource(scope: IConstruct, source: ModelDeliverySource): void {
  if (!(source instanceof ModelDeliverySource)) {
    throw invalid(scope, 'source', source, 'is not a ModelDeliverySource',
      "Pass ModelDeliverySource.s3Object(bucket, key) or ModelDeliverySource.modelPackageGroup('name', { modelDataBucket }).");
  }
  if (source.kind === ModelSourceKind.S3_OBJECT) {
    const key = source.key;
    if (typeof key !== 'string' || (!Token.isUnresolved(key) && (key.trim() === '' || key.endsWith('/') || key.startsWith('/')))) {
      throw invalid(scope, 'source.key', key, 'is not an object key', "Pass the key of the model object, e.g. 'models/assistant/model.tar.gz' (no leading '/', not a prefix).");
    }
    requireVersioned(scope, 'source.bucket', source.bucket,
      'The S3 source action reads object versions: create the bucket with versioned: true (new s3.Bucket(this, \'Models\', { versioned: true, eventBridgeEnabled: true })).');
  } else {
    const group = source.groupName;
    if (typeof group !== 'string' || (!Token.isUnresolved(group) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(group))) {
      throw invalid(scope, 'source.groupName', group, 'is not a SageMaker model package group name (1-63 letters, digits and hyphens)',
        "Pass the group's name, e.g. 'assistant-models'.");
    }
    if (!source.bucket) {
      throw invalid(scope, 'source.modelDataBucket', source.bucket, 'is required', 'Pass the bucket the packages keep their model data in; the artifact check reads it to compute the digest.');
    }
  }
}

function validateApp(scope: IConstruct, app: DeliveryAppSource): void {
  if (!(app instanceof DeliveryAppSource)) {
    throw invalid(scope, 'app', app, 'is not a DeliveryAppSource',
      'Pass DeliveryAppSource.s3Zip(bucket, key) or DeliveryAppSource.connection({ connectionArn, owner, repo }).');
  }
  if (app.kind === AppSourceKind.S3_ZIP) {
    if (typeof app.key !== 'string' || (!Token.isUnresolved(app.key) && !app.key.endsWith('.zip'))) {
      throw invalid(scope, 'app.key', app.key, 'is not a .zip object key', "Pass the key of a zip of the CDK app, e.g. 'apps/assistant.zip'.");
    }
    requireVersioned(scope, 'app.bucket', app.bucket!, 'The S3 source action reads object versions: create the bucket with versioned: true.');
  } else {
    const c = app.connectionProps!;
    for (const [prop, value] of [['connectionArn', c?.connectionArn], ['owner', c?.owner], ['repo', c?.repo]] as const) {
      if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.trim() === '')) {
        throw invalid(scope, `app.${prop}`, value, 'is required', `Pass the ${prop} of the repository holding the CDK app.`);
      }
    }
    if (!Token.isUnresolved(c.connectionArn) && !/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/.+/.test(c.connectionArn)) {
      throw invalid(scope, 'app.connectionArn', c.connectionArn, 'is not a CodeConnections connection ARN',
        "Pass e.g. 'arn:aws:codeconnections:us-east-1:123456789012:connection/abc-123'.");
    }
  }
}

/** An S3 source action needs a versioned bucket: reject a bucket of this app without versioning. */
function requireVersioned(scope: IConstruct, prop: string, bucket: s3.IBucket, fix: string): void {
  if (!bucket) {
    throw invalid(scope, prop, bucket, 'is required', fix);
  }
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) { return; } // imported: its versioning is unknown here (see the README)
  const versioning = cfn.versioningConfiguration as s3.CfnBucket.VersioningConfigurationProperty | undefined;
  const status = versioning && !Token.isUnresolved(versioning) ? versioning.status : undefined;
  if (versioning !== undefined && Token.isUnresolved(versioning)) { return; }
  if (status !== undefined && Token.isUnresolved(status)) { return; }
  if (status !== 'Enabled') {
    throw invalid(scope, prop, bucket.node.path, `has no versioning (VersioningConfiguration ${status === undefined ? 'absent' : status})`, fix);
  }
}

function validateStages(scope: IConstruct, stages: DeliveryStage[]): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    throw invalid(scope, 'stages', stages, 'is required', `Pass the stages in the order ${ORDER_TEXT}, e.g. [DeliveryStage.canary({ rollbackAlarms }), DeliveryStage.promote()].`);
  }
  let last = -1;
  stages.forEach((stage, i) => {
    if (!(stage instanceof DeliveryStage)) {
      throw invalid(scope, `stages[${i}]`, stage, 'is not a DeliveryStage', 'Build stages with DeliveryStage.shadow/canary/approval/promote.');
    }
    const at = ORDER.indexOf(stage.kind);
    if (at === last) {
      throw invalid(scope, `stages[${i}]`, stage.kind.toLowerCase(), 'appears twice', `Give each stage at most once, in the order ${ORDER_TEXT}.`);
    }
    if (at < last) {
      throw invalid(scope, `stages[${i}]`, stage.kind.toLowerCase(), `comes after ${ORDER[last].toLowerCase()}: the stage order is unknown`,
        `Order the stages ${ORDER_TEXT}.`);
    }
    last = at;
    validateStage(scope, `stages[${i}]`, stage);
  });
  for (const required of [DeliveryStageKind.CANARY, DeliveryStageKind.PROMOTE]) {
    if (!stages.some((s) => s.kind === required)) {
      throw invalid(scope, 'stages', stages.map((s) => s.kind.toLowerCase()).join(' -> '), `has no ${required.toLowerCase()} stage`,
        `Add DeliveryStage.${required.toLowerCase()}(...): the stages are ${ORDER_TEXT}.`);
    }
  }
}

function validateStage(scope: IConstruct, prop: string, stage: DeliveryStage): void {
  const stacks = stage.deployOptions.stacks;
  if (stacks !== undefined && (!Array.isArray(stacks) || stacks.length === 0 || stacks.some((s) => typeof s !== 'string' || !/^[A-Za-z0-9*/_.-]+$/.test(s)))) {
    throw invalid(scope, `${prop}.stacks`, stacks, 'must be a non-empty list of stack names or glob patterns',
      "Pass e.g. ['InferenceLanesHybrid'] or omit stacks to deploy every stack (--all).");
  }
  if (stage.kind === DeliveryStageKind.CANARY) {
    const alarms = stage.canaryOptions?.rollbackAlarms;
    if (!Array.isArray(alarms) || alarms.length === 0) {
      throw invalid(scope, `${prop}.rollbackAlarms`, alarms, 'is required: a canary without rollback alarms cannot roll back',
        "Pass the lanes' rollback alarms, e.g. DeliveryStage.canary({ rollbackAlarms: topology.lanes.flatMap((l) => l.sloAlarms) }).");
    }
    checkAlarms(scope, `${prop}.rollbackAlarms`, alarms);
    checkBake(scope, `${prop}.bakeTime`, stage.canaryOptions?.bakeTime);
  }
  if (stage.kind === DeliveryStageKind.SHADOW) {
    if (stage.shadowOptions?.alarms !== undefined) { checkAlarms(scope, `${prop}.alarms`, stage.shadowOptions.alarms); }
    checkBake(scope, `${prop}.bakeTime`, stage.shadowOptions?.bakeTime);
  }
  const comment = stage.approvalOptions?.comment;
  if (comment !== undefined && !Token.isUnresolved(comment) && (comment.trim() === '' || comment.length > 1000)) {
    throw invalid(scope, `${prop}.comment`, comment.length > 60 ? `${comment.slice(0, 60)}... (${comment.length} characters)` : comment,
      'must be 1-1000 characters (CodePipeline ActionConfigurationValue)', 'Shorten the comment, or omit it for the default naming the candidate.');
  }
  if (stage.kind === DeliveryStageKind.APPROVAL && !stage.approvalOptions?.notificationTopic) {
    throw invalid(scope, `${prop}.notificationTopic`, stage.approvalOptions?.notificationTopic,
      'is required: nobody would hear of the approval, which expires after 7 days and fails the execution',
      'Pass an SNS topic the approvers subscribe to: DeliveryStage.approval({ notificationTopic }).');
  }
}

function checkAlarms(scope: IConstruct, prop: string, alarms: cloudwatch.IAlarm[]): void {
  if (!Array.isArray(alarms) || alarms.some((a) => !a || typeof a.alarmArn !== 'string')) {
    throw invalid(scope, prop, alarms, 'must be a list of CloudWatch alarms', 'Pass IAlarm objects (Alarm.fromAlarmArn for alarms of another app).');
  }
}

function checkBake(scope: IConstruct, prop: string, bake: Duration | undefined): void {
  if (bake === undefined || bake.isUnresolved()) { return; }
  if (bake.toSeconds() < 0 || bake.toSeconds() > MAX_BAKE.toSeconds()) {
    throw invalid(scope, prop, bake.toHumanString(), 'must be from 0 seconds to 7 hours (the CodeBuild project waits)',
      'Pass e.g. Duration.minutes(15).');
  }
}

/** The longest a CodeBuild action may run in CodePipeline (its non-configurable action timeout). */
export const MAX_ACTION_MINUTES = 8 * 60;

/** Default bake times. */
export const DEFAULT_SHADOW_BAKE = Duration.minutes(30);
export const DEFAULT_CANARY_BAKE = Duration.minutes(15);

/** The bake time of a deploy stage (0 for promote). */
export function bakeOf(stage: DeliveryStage): Duration {
  switch (stage.kind) {
    case DeliveryStageKind.SHADOW: return stage.shadowOptions?.bakeTime ?? DEFAULT_SHADOW_BAKE;
    case DeliveryStageKind.CANARY: return stage.canaryOptions?.bakeTime ?? DEFAULT_CANARY_BAKE;
    default: return Duration.seconds(0);
  }
}

/** CodeBuild timeout of a deploy stage: one deploy (two for the canary, which may redeploy the released version) plus the bake. */
export function stageTimeoutMinutes(stage: DeliveryStage, deployTimeout: Duration): number {
  const deploys = stage.kind === DeliveryStageKind.CANARY ? 2 : 1;
  return Math.ceil(deployTimeout.toMinutes({ integral: false }) * deploys + bakeOf(stage).toMinutes({ integral: false }));
}

function checkStageTimeouts(scope: IConstruct, stages: DeliveryStage[], deployTimeout: Duration): void {
  if (deployTimeout.isUnresolved()) { return; }
  stages.forEach((stage, i) => {
    if (stage.kind === DeliveryStageKind.APPROVAL || bakeOf(stage).isUnresolved()) { return; }
    const minutes = stageTimeoutMinutes(stage, deployTimeout);
    if (minutes > MAX_ACTION_MINUTES) {
      const formula = stage.kind === DeliveryStageKind.CANARY ? '2 x deployTimeout + bakeTime' : 'deployTimeout + bakeTime';
      throw invalid(scope, `stages[${i}].bakeTime`, bakeOf(stage).toHumanString(),
        `makes the ${stage.kind.toLowerCase()} stage run up to ${minutes} minutes (${formula}, deployTimeout ${deployTimeout.toHumanString()}), over the 8 hours CodePipeline waits for a CodeBuild action`,
        `Shorten bakeTime or deployTimeout so that ${formula} is at most 8 hours.`);
    }
  });
}
