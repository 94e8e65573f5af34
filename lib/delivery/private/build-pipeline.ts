import { Arn, Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { nagResource } from '../../core/private/nag-ref';
import { acknowledgeInherentFindings } from './nag';
import {
  canaryBakeCommands, contextCommands, deployCommands, freezeCheckCommands, promoteRecordCommands,
  registryArtifactCheckCommands, s3ArtifactCheckCommands, shadowBakeCommands,
} from './commands';
import { AppSourceKind, ModelSourceKind } from '../delivery-source';
import { DeliveryStage, DeliveryStageKind } from '../delivery-stage';
import { bakeOf, DeliverySettings, stageTimeoutMinutes } from './validate';

/** Exported CodeBuild variables of the artifact check (namespace `Model`). */
export const MODEL_VARIABLES = ['MODEL_VERSION', 'MODEL_URI', 'MODEL_DIGEST', 'MODEL_PACKAGE_ARN'];

export interface BuildSettings extends DeliverySettings {
  readonly freezeParameter: ssm.IStringParameter;
  readonly releasedVersionParameter: ssm.IStringParameter;
  readonly pipelineName?: string;
}

/** Build the pipeline: sources, Checks, Gates, then the delivery stages. */
export function buildDeliveryPipeline(scope: Construct, s: BuildSettings): codepipeline.Pipeline {
  const pipeline = new codepipeline.Pipeline(scope, 'Pipeline', {
    pipelineName: s.pipelineName,
    pipelineType: codepipeline.PipelineType.V2,
    executionMode: codepipeline.ExecutionMode.SUPERSEDED,
    crossAccountKeys: true,
    enableKeyRotation: true,
    restartExecutionOnUpdate: false,
  });
  const key = pipeline.artifactBucket.encryptionKey as kms.IKey;
  const appArtifact = new codepipeline.Artifact('App');
  const sourceActions: codepipeline.IAction[] = [appSourceAction(s, appArtifact)];
  let versionIdVariable: string | undefined;
  if (s.source.kind === ModelSourceKind.S3_OBJECT) {
    const modelAction = new actions.S3SourceAction({
      actionName: 'Model', bucket: s.source.bucket, bucketKey: s.source.key!, output: new codepipeline.Artifact('Model'),
      trigger: actions.S3Trigger.NONE, variablesNamespace: 'ModelSource',
    });
    versionIdVariable = modelAction.variables.versionId;
    sourceActions.push(modelAction);
  }
  pipeline.addStage({ stageName: 'Source', actions: sourceActions });
  startOnNewModel(scope, s, pipeline);

  const projects: codebuild.PipelineProject[] = [];
  const project = (id: string, commands: string[], env: { [k: string]: string }, options: { exported?: string[]; install?: string[]; python?: boolean; timeout?: Duration } = {}) => {
    const p = new codebuild.PipelineProject(scope, id, {
      description: `Model delivery: ${id}`,
      encryptionKey: key,
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
      timeout: options.timeout ?? Duration.minutes(30),
      environmentVariables: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, { value: v }])),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { 'shell': 'bash', ...(options.exported ? { 'exported-variables': options.exported } : {}) },
        phases: {
          ...(options.install ? { install: { 'runtime-versions': options.python ? { nodejs: 22, python: 3.12 } : { nodejs: 22 }, 'commands': options.install } } : {}),
          build: { commands },
        },
      }),
    });
    projects.push(p);
    return p;
  };
  const common = { FREEZE_PARAMETER: s.freezeParameter.parameterName, RUNBOOK_URL: s.runbookUrl };

  // Checks: the freeze first, then the artifact.
  const freezeProject = project('FreezeCheck', freezeCheckCommands(), common, { timeout: Duration.minutes(5) });
  s.freezeParameter.grantRead(freezeProject);
  const checkEnv: { [k: string]: string } = {
    REQUIRE_MODEL_CARD: String(s.requireModelCard), SIGNING_KEY_ARN: s.signingKeyArn ?? '', SIGNING_ALGORITHM: s.signingAlgorithm,
  };
  if (s.source.kind === ModelSourceKind.S3_OBJECT) {
    Object.assign(checkEnv, { MODEL_BUCKET: s.source.bucket.bucketName, MODEL_KEY: s.source.key! });
  } else {
    Object.assign(checkEnv, { MODEL_PACKAGE_GROUP: s.source.groupName!, MODEL_DATA_BUCKET: s.source.bucket.bucketName });
  }
  const artifactProject = project('ArtifactCheck',
    s.source.kind === ModelSourceKind.S3_OBJECT ? s3ArtifactCheckCommands() : registryArtifactCheckCommands(),
    checkEnv, { exported: MODEL_VARIABLES });
  grantArtifactRead(s, artifactProject);
  const checkAction = new actions.CodeBuildAction({
    actionName: 'Artifact', project: artifactProject, input: appArtifact, runOrder: 2, variablesNamespace: 'Model',
    environmentVariables: versionIdVariable ? { MODEL_OBJECT_VERSION: { value: versionIdVariable } } : undefined,
  });
  pipeline.addStage({
    stageName: 'Checks',
    actions: [new actions.CodeBuildAction({ actionName: 'Freeze', project: freezeProject, input: appArtifact, runOrder: 1 }), checkAction],
  });
  const candidate = Object.fromEntries(MODEL_VARIABLES.map((v) => [v, { value: checkAction.variable(v) }]));

  // Gates: the project's own synth and tests with the candidate in context.
  const gateProject = project('Gates', [...contextCommands('gates'), ...s.gateCommands], {}, { install: s.gateInstallCommands, python: true, timeout: Duration.hours(1) });
  assumeBootstrapRoles(s, gateProject, ['lookup-role']);
  pipeline.addStage({
    stageName: 'Gates',
    actions: [new actions.CodeBuildAction({ actionName: 'SynthGates', project: gateProject, input: appArtifact, environmentVariables: candidate })],
  });

  for (const stage of s.stages) {
    pipeline.addStage(deliveryStage(s, stage, project, common, appArtifact, candidate, checkAction));
  }
  acknowledgeInherentFindings(pipeline, projects);
  return pipeline;
}

type ProjectFactory = (id: string, commands: string[], env: { [k: string]: string }, options?: { exported?: string[]; install?: string[]; python?: boolean; timeout?: Duration }) => codebuild.PipelineProject;

function deliveryStage(s: BuildSettings, stage: DeliveryStage, project: ProjectFactory, common: { [k: string]: string },
  app: codepipeline.Artifact, candidate: { [k: string]: codebuild.BuildEnvironmentVariable }, check: actions.CodeBuildAction): codepipeline.StageOptions {
  const stacks = stage.deployOptions.stacks?.join(' ') ?? '--all';
  const deploy = (id: string, role: string, tail: string[], env: { [k: string]: string }) => {
    const p = project(id, [...deployCommands(role, stacks), ...tail], { ...common, ...env },
      { install: ['npm ci'], timeout: Duration.minutes(stageTimeoutMinutes(stage, s.deployTimeout)) });
    s.freezeParameter.grantRead(p);
    assumeBootstrapRoles(s, p, ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role']);
    return p;
  };
  switch (stage.kind) {
    case DeliveryStageKind.SHADOW: {
      const bake = bakeOf(stage);
      const alarms = stage.shadowOptions?.alarms ?? [];
      const p = deploy('ShadowDeploy', 'shadow', shadowBakeCommands(), { BAKE_SECONDS: String(bake.toSeconds()), ALARM_NAMES: alarms.map((a) => a.alarmName).join(' ') });
      grantDescribeAlarms(p, alarms.map((a) => a.alarmArn));
      return { stageName: 'Shadow', actions: [new actions.CodeBuildAction({ actionName: 'DeployShadow', project: p, input: app, environmentVariables: candidate })] };
    }
    case DeliveryStageKind.CANARY: {
      const bake = bakeOf(stage);
      const alarms = stage.canaryOptions!.rollbackAlarms;
      const p = deploy('CanaryDeploy', 'canary', canaryBakeCommands(stacks), {
        BAKE_SECONDS: String(bake.toSeconds()), ALARM_NAMES: alarms.map((a) => a.alarmName).join(' '),
        RELEASED_PARAMETER: s.releasedVersionParameter.parameterName,
      });
      grantDescribeAlarms(p, alarms.map((a) => a.alarmArn));
      s.releasedVersionParameter.grantRead(p);
      return { stageName: 'Canary', actions: [new actions.CodeBuildAction({ actionName: 'DeployCanary', project: p, input: app, environmentVariables: candidate })] };
    }
    case DeliveryStageKind.APPROVAL: {
      const o = stage.approvalOptions!;
      return {
        stageName: 'Approval',
        actions: [new actions.ManualApprovalAction({
          actionName: 'Approve',
          notificationTopic: o.notificationTopic,
          additionalInformation: o.comment ?? `Promote model ${check.variable('MODEL_VERSION')} (${check.variable('MODEL_URI')}, ${check.variable('MODEL_DIGEST')}): it passed the checks, gates and canary.`,
        })],
      };
    }
    default: {
      const p = deploy('PromoteDeploy', 'promote', promoteRecordCommands(), { RELEASED_PARAMETER: s.releasedVersionParameter.parameterName });
      s.releasedVersionParameter.grantWrite(p);
      return { stageName: 'Promote', actions: [new actions.CodeBuildAction({ actionName: 'DeployPromote', project: p, input: app, environmentVariables: candidate })] };
    }
  }
}

function appSourceAction(s: BuildSettings, output: codepipeline.Artifact): codepipeline.IAction {
  if (s.app.kind === AppSourceKind.S3_ZIP) {
    return new actions.S3SourceAction({ actionName: 'App', bucket: s.app.bucket!, bucketKey: s.app.key!, output, trigger: actions.S3Trigger.NONE });
  }
  const c = s.app.connectionProps!;
  return new actions.CodeStarConnectionsSourceAction({
    actionName: 'App', connectionArn: c.connectionArn, owner: c.owner, repo: c.repo, branch: c.branch ?? 'main', output, triggerOnPush: false,
  });
}

/** The EventBridge rule that starts the pipeline on a new model. */
function startOnNewModel(scope: Construct, s: BuildSettings, pipeline: codepipeline.Pipeline): void {
  const pattern: events.EventPattern = s.source.kind === ModelSourceKind.S3_OBJECT
    ? { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [s.source.bucket.bucketName] }, object: { key: [s.source.key!] } } }
    : { source: ['aws.sagemaker'], detailType: ['SageMaker Model Package State Change'], detail: { ModelPackageGroupName: [s.source.groupName!], ModelApprovalStatus: ['Approved'] } };
  new events.Rule(scope, 'OnNewModel', {
    description: s.source.kind === ModelSourceKind.S3_OBJECT ? 'Starts model delivery on a new version of the model object' : 'Starts model delivery when a model package is approved',
    eventPattern: pattern,
    targets: [new targets.CodePipeline(pipeline)],
  });
}

/** Read access for the artifact check: exactly the model object (and its card and signature), or the registry. */
function grantArtifactRead(s: BuildSettings, p: codebuild.PipelineProject): void {
  const bucket = s.source.bucket;
  if (s.source.kind === ModelSourceKind.S3_OBJECT) {
    const k = s.source.key!;
    p.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucket.arnForObjects(k), bucket.arnForObjects(`${k}.card.json`), bucket.arnForObjects(`${k}.sig`)],
    }));
  } else {
    const stack = Stack.of(p);
    const group = s.source.groupName!;
    const packages = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${Token.isUnresolved(group) ? group : group.toLowerCase()}/*` });
    p.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListModelPackages'], resources: ['*'] }));
    p.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeModelPackage'], resources: [packages] }));
    p.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    acknowledgeNagFindings(p.role!, [{
      id: 'AwsSolutions-IAM5',
      reason: "sagemaker:ListModelPackages has no resource-level permissions; the group's package versions and their model data keys are only known once a package is approved",
      appliesTo: ['Resource::*', nagResource(p, packages), nagResource(p, bucket.arnForObjects('*'))],
    }]);
  }
  bucket.encryptionKey?.grantDecrypt(p);
  if (s.signature) {
    s.signature.key.grant(p, 'kms:Verify');
  }
}

function grantDescribeAlarms(p: codebuild.PipelineProject, alarmArns: string[]): void {
  if (alarmArns.length === 0) { return; }
  p.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: alarmArns }));
}

/** sts:AssumeRole on the CDK bootstrap roles by name (`cdk-<qualifier>-<role>-<account>-<region>`). */
function assumeBootstrapRoles(s: BuildSettings, p: codebuild.PipelineProject, roles: string[]): void {
  p.addToRolePolicy(new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: roles.map((r) => Arn.format({ partition: Aws.PARTITION, service: 'iam', region: '', account: Aws.ACCOUNT_ID, resource: 'role',
      resourceName: `cdk-${s.bootstrapQualifier}-${r}-${Aws.ACCOUNT_ID}-${Aws.REGION}` })),
  }));
}
