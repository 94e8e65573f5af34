import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { LaneValidationError, VersionFreeze } from '../../lib';
import {
  DeliveryAppSource, DeliveryStage, ModelDeliveryContext, ModelDeliveryPipeline, ModelDeliveryPipelineProps, ModelDeliverySource,
} from '../../lib/delivery';
import { CfnLint, NagCheck } from '../../lib/testing';
import { once } from '../once';

/*
 * ModelDeliveryPipeline: what is emitted (stages and order, actions, trigger, build commands, approval, IAM),
 * the defaults, every error path, and cfn-lint / cdk-nag on the whole pipeline.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Baseline-Rollback';

interface Fixture { app: App; stack: Stack; bucket: s3.IBucket; alarm: cloudwatch.IAlarm; topic: sns.ITopic }

function fixture(context?: { [k: string]: string }): Fixture {
  const app = new App({ context });
  const stack = new Stack(app, 'Delivery', { env: ENV });
  const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'model-bucket');
  const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', ALARM_ARN);
  const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:approvers');
  return { app, stack, bucket, alarm, topic };
}

function props(f: Fixture, overrides: Partial<ModelDeliveryPipelineProps> = {}): ModelDeliveryPipelineProps {
  return {
    source: ModelDeliverySource.s3Object(f.bucket, 'models/assistant/model.tar.gz'),
    app: DeliveryAppSource.s3Zip(f.bucket, 'apps/app.zip'),
    stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.promote()],
    ...overrides,
  };
}

function fullStages(f: Fixture): DeliveryStage[] {
  return [
    DeliveryStage.shadow({ alarms: [f.alarm], bakeTime: Duration.minutes(10) }),
    DeliveryStage.canary({ rollbackAlarms: [f.alarm], stacks: ['InferenceLanesHybrid'] }),
    DeliveryStage.approval({ notificationTopic: f.topic }),
    DeliveryStage.promote(),
  ];
}

function pipelineProps(t: Template): any {
  const all = Object.values(t.findResources('AWS::CodePipeline::Pipeline'));
  expect(all).toHaveLength(1);
  return (all[0] as any).Properties;
}

/** The project whose logical ID starts with `Delivery<name>` and its parsed buildspec. */
function project(t: Template, name: string): { props: any; spec: any; env: { [k: string]: any } } {
  const found = Object.entries(t.findResources('AWS::CodeBuild::Project')).filter(([id]) => id.startsWith(`Pipeline${name}`) || id.startsWith(`Delivery${name}`));
  expect(found.map(([id]) => id)).toHaveLength(1);
  const p = (found[0][1] as any).Properties;
  const env = Object.fromEntries((p.Environment.EnvironmentVariables ?? []).map((v: any) => [v.Name, v.Value]));
  return { props: p, spec: JSON.parse(p.Source.BuildSpec), env };
}

function statements(t: Template, name: string): any[] {
  return Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(`Pipeline${name}Role`) || id.startsWith(`Delivery${name}Role`))
    .flatMap(([, p]) => (p as any).Properties.PolicyDocument.Statement);
}

function build(f: Fixture, overrides: Partial<ModelDeliveryPipelineProps> = {}): { pipeline: ModelDeliveryPipeline; t: Template } {
  const pipeline = new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, overrides));
  return { pipeline, t: Template.fromStack(f.stack) };
}

/** The two pipelines the describes below read (built once, on first use). */
const s3Pipeline = once(() => {
  const f = fixture();
  return { f, t: build(f, { stages: fullStages(f) }).t };
});
const registryPipeline = once(() => {
  const f = fixture();
  const key = kms.Key.fromKeyArn(f.stack, 'Signer', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  const t = build(f, {
    source: ModelDeliverySource.modelPackageGroup('Assistant-Models', { modelDataBucket: f.bucket }),
    app: DeliveryAppSource.connection({ connectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:connection/abc-123', owner: 'acme', repo: 'assistant' }),
    signature: { key },
    requireModelCard: false,
    bootstrapQualifier: 'acme1',
    gateCommands: ['npx jest test/gates'],
  }).t;
  return { f, t };
});
/** Both pipeline stacks in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading). */
const lints = once(() => CfnLint.lintStacks([s3Pipeline().f.stack, registryPipeline().f.stack]));

describe('S3 source, all four stages', () => {
  let f: Fixture;
  let t: Template;
  beforeAll(() => {
    ({ f, t } = s3Pipeline());
  });

  test('a CodePipeline V2 (superseded executions) with stages Source, Checks, Gates, Shadow, Canary, Approval, Promote in that order', () => {
    const p = pipelineProps(t);
    expect(p.PipelineType).toBe('V2');
    expect(p.ExecutionMode).toBe('SUPERSEDED');
    expect(p.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Checks', 'Gates', 'Shadow', 'Canary', 'Approval', 'Promote']);
    expect(p.Stages.map((s: any) => s.Actions.map((a: any) => `${a.Name}:${a.ActionTypeId.Provider}:${a.RunOrder}`))).toEqual([
      ['App:S3:1', 'Model:S3:1'], ['Freeze:CodeBuild:1', 'Artifact:CodeBuild:2'], ['SynthGates:CodeBuild:1'],
      ['DeployShadow:CodeBuild:1'], ['DeployCanary:CodeBuild:1'], ['Approve:Manual:1'], ['DeployPromote:CodeBuild:1'],
    ]);
  });

  test('the S3 sources do not poll; the model action records the object version, which the artifact check reads', () => {
    const p = pipelineProps(t);
    const [app, model] = p.Stages[0].Actions;
    expect(app.Configuration).toEqual({ S3Bucket: 'model-bucket', S3ObjectKey: 'apps/app.zip', PollForSourceChanges: false });
    expect(model.Configuration).toEqual({ S3Bucket: 'model-bucket', S3ObjectKey: 'models/assistant/model.tar.gz', PollForSourceChanges: false });
    expect(model.Namespace).toBe('ModelSource');
    const check = p.Stages[1].Actions[1];
    expect(check.Namespace).toBe('Model');
    expect(JSON.parse(check.Configuration.EnvironmentVariables)).toEqual([{ name: 'MODEL_OBJECT_VERSION', type: 'PLAINTEXT', value: '#{ModelSource.VersionId}' }]);
  });

  test('an EventBridge rule on Object Created of exactly the model key starts the pipeline', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: ['model-bucket'] }, object: { key: ['models/assistant/model.tar.gz'] } } },
      Targets: [Match.objectLike({ Arn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':codepipeline:us-east-1:123456789012:'])] }) })],
    });
  });

  test('every later stage gets the candidate from the artifact check variables', () => {
    const p = pipelineProps(t);
    for (const stage of ['Gates', 'Shadow', 'Canary', 'Promote']) {
      const action = p.Stages.find((s: any) => s.Name === stage).Actions[0];
      expect(JSON.parse(action.Configuration.EnvironmentVariables).map((v: any) => `${v.name}=${v.value}`)).toEqual([
        'MODEL_VERSION=#{Model.MODEL_VERSION}', 'MODEL_URI=#{Model.MODEL_URI}', 'MODEL_DIGEST=#{Model.MODEL_DIGEST}', 'MODEL_PACKAGE_ARN=#{Model.MODEL_PACKAGE_ARN}',
      ]);
    }
  });

  test('the freeze check reads the freeze parameter and fails unless it is off; deploy stages check it again first', () => {
    const freeze = project(t, 'FreezeCheck');
    expect(freeze.spec.phases.build.commands.join('\n')).toMatch(/aws ssm get-parameter --name "\$FREEZE_PARAMETER"[\s\S]*if \[ "\$FROZEN" != "off" \]; then fail "model delivery is frozen/);
    expect(freeze.env.FREEZE_PARAMETER).toEqual({ Ref: expect.stringMatching(/^PipelineFreeze/) });
    expect(freeze.env.RUNBOOK_URL).toMatch(/#emergency-freeze-runbook$/);
    for (const name of ['ShadowDeploy', 'CanaryDeploy', 'PromoteDeploy']) {
      const cmds: string[] = project(t, name).spec.phases.build.commands;
      const deployAt = cmds.findIndex((c) => c.startsWith('npx cdk deploy'));
      expect(cmds.findIndex((c) => c.includes('"$FROZEN" != "off"'))).toBeLessThan(deployAt);
    }
    t.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Value: 'off', Description: Match.stringLikeRegexp('freeze') });
  });

  test('the artifact check: object version metadata, digest comparison, model card; exports the candidate variables', () => {
    const check = project(t, 'ArtifactCheck');
    const cmds = check.spec.phases.build.commands.join('\n');
    expect(cmds).toContain('aws s3api head-object --bucket "$MODEL_BUCKET" --key "$MODEL_KEY" --version-id "$MODEL_OBJECT_VERSION"');
    expect(cmds).toContain('[ "$ACTUAL" = "$EXPECTED" ] || fail "digest mismatch');
    expect(cmds).toContain('--key "$MODEL_KEY.card.json" card.json');
    expect(check.spec.env['exported-variables']).toEqual(['MODEL_VERSION', 'MODEL_URI', 'MODEL_DIGEST', 'MODEL_PACKAGE_ARN']);
    expect(check.env).toMatchObject({ MODEL_BUCKET: 'model-bucket', MODEL_KEY: 'models/assistant/model.tar.gz', REQUIRE_MODEL_CARD: 'true', SIGNING_KEY_ARN: '' });
  });

  test('the gates: default install and commands, the candidate in CDK context and CDK_CONTEXT_JSON', () => {
    const gates = project(t, 'Gates');
    expect(gates.spec.phases.install).toEqual({ 'runtime-versions': { nodejs: 22, python: 3.12 }, 'commands': ['npm ci', 'pip3 install --quiet cfn-lint'] });
    expect(gates.props.Environment.Image).toBe('aws/codebuild/standard:7.0');
    expect(project(t, 'CanaryDeploy').spec.phases.install).toEqual({ 'runtime-versions': { nodejs: 22 }, 'commands': ['npm ci'] });
    const cmds: string[] = gates.spec.phases.build.commands;
    expect(cmds.slice(-2)).toEqual(['npx cdk synth --all --quiet $CDK_CONTEXT_ARGS', 'npm test']);
    expect(cmds).toContain('DELIVERY_ROLE=gates');
    expect(cmds.join('\n')).toContain('-c inference-lanes:model-version=$MODEL_VERSION -c inference-lanes:model-uri=$MODEL_URI');
    expect(cmds.join('\n')).toContain('export CDK_CONTEXT_JSON=');
  });

  test('deploy stages: cdk deploy of the given stacks (default --all) in their role; shadow and canary bake then read the alarms', () => {
    const shadow = project(t, 'ShadowDeploy');
    expect(shadow.spec.phases.build.commands).toContain('DELIVERY_ROLE=shadow');
    expect(shadow.spec.phases.build.commands.join('\n')).toContain('npx cdk deploy --all --require-approval never $CDK_CONTEXT_ARGS');
    expect(shadow.env).toMatchObject({ BAKE_SECONDS: '600', ALARM_NAMES: 'Baseline-Rollback' });
    expect(shadow.props.TimeoutInMinutes).toBe(70);
    const canary = project(t, 'CanaryDeploy');
    const cmds = canary.spec.phases.build.commands.join('\n');
    expect(cmds).toContain('npx cdk deploy InferenceLanesHybrid --require-approval never $CDK_CONTEXT_ARGS');
    expect(cmds).toContain('aws cloudwatch describe-alarms --alarm-names $ALARM_NAMES');
    expect(cmds).toMatch(/RELEASED=\$\(aws ssm get-parameter --name "\$RELEASED_PARAMETER"[\s\S]*DELIVERY_ROLE=rollback[\s\S]*fail "canary rolled back/);
    expect(canary.env).toMatchObject({ BAKE_SECONDS: '900', ALARM_NAMES: 'Baseline-Rollback' });
    expect(canary.props.TimeoutInMinutes).toBe(135);
    const promote = project(t, 'PromoteDeploy');
    expect(promote.spec.phases.build.commands.join('\n')).toContain('aws ssm put-parameter --name "$RELEASED_PARAMETER" --value "$RELEASED" --overwrite');
  });

  test('the approval notifies the topic and names the candidate', () => {
    const approve = pipelineProps(t).Stages[5].Actions[0];
    expect(approve.Configuration).toEqual({
      NotificationArn: 'arn:aws:sns:us-east-1:123456789012:approvers',
      CustomData: 'Promote model #{Model.MODEL_VERSION} (#{Model.MODEL_URI}, #{Model.MODEL_DIGEST}): it passed the checks, gates and canary.',
    });
  });

  test('artifacts are KMS-encrypted with a rotated key; every CodeBuild project uses it', () => {
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const store = pipelineProps(t).ArtifactStore;
    expect(store.EncryptionKey).toEqual({ Id: { 'Fn::GetAtt': [expect.stringMatching(/^PipelineArtifactsBucketEncryptionKey/), 'Arn'] }, Type: 'KMS' });
    for (const p of Object.values<any>(t.findResources('AWS::CodeBuild::Project'))) {
      expect(p.Properties.EncryptionKey).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PipelineArtifactsBucketEncryptionKey/), 'Arn'] });
    }
  });

  test('IAM: the artifact check reads exactly the model object, its card and signature; no statement of ours has a * resource', () => {
    const s = statements(t, 'ArtifactCheck');
    expect(s).toContainEqual({
      Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow',
      Resource: ['model.tar.gz', 'model.tar.gz.card.json', 'model.tar.gz.sig'].map((k) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::model-bucket/models/assistant/${k}`]] })),
    });
    for (const name of ['FreezeCheck', 'ArtifactCheck', 'Gates', 'ShadowDeploy', 'CanaryDeploy', 'PromoteDeploy']) {
      expect(statements(t, name).filter((st) => st.Resource === '*')).toEqual([]);
    }
  });

  test('IAM: deploy stages assume exactly the four CDK bootstrap roles; the gates only the lookup role', () => {
    const roleArn = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/cdk-hnb659fds-${r}-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] });
    for (const name of ['ShadowDeploy', 'CanaryDeploy', 'PromoteDeploy']) {
      expect(statements(t, name)).toContainEqual({ Action: 'sts:AssumeRole', Effect: 'Allow',
        Resource: ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'].map(roleArn) });
    }
    expect(statements(t, 'Gates')).toContainEqual({ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: roleArn('lookup-role') });
    expect(statements(t, 'ArtifactCheck').filter((s) => s.Action === 'sts:AssumeRole')).toEqual([]);
  });

  test('IAM: shadow and canary describe only their alarms; only promote writes the released version', () => {
    for (const name of ['ShadowDeploy', 'CanaryDeploy']) {
      expect(statements(t, name)).toContainEqual({ Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: ALARM_ARN });
    }
    const writes = (name: string) => statements(t, name).filter((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(writes('PromoteDeploy')).toHaveLength(1);
    expect(writes('PromoteDeploy')[0].Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:parameter/', { Ref: expect.stringMatching(/^PipelineReleasedVersion/) }]] });
    for (const name of ['FreezeCheck', 'ArtifactCheck', 'Gates', 'ShadowDeploy', 'CanaryDeploy']) { expect(writes(name)).toEqual([]); }
  });

  test('cfn-lint reports no errors and cdk-nag no unsuppressed findings', () => {
    const nag = NagCheck.check(f.stack);
    expect(NagCheck.format([...nag.errors, ...nag.warnings])).toBe('');
    const lint = lints()[0];
    expect(CfnLint.format(lint.errors)).toBe('');
    // W3005 is aws-cdk-lib's own explicit DependsOn of the pipeline on its role policy.
    expect(CfnLint.format(lint.warnings.filter((w) => w.rule !== 'W3005'))).toBe('');
  });
});

test('the acknowledgements are granular: a wildcard statement added to a pipeline role is still reported', () => {
  const f = fixture();
  const { pipeline } = build(f);
  const role = pipeline.node.findAll().find((c) => c.node.path.endsWith('/ArtifactCheck/Role')) as iam.Role;
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  const ids = NagCheck.check(f.stack).errors.map((e) => e.ruleId);
  expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Resource::*]']));
});

test('cdk-nag is clean in an environment-agnostic stack too (the acknowledged ARNs carry <AWS::Region> and <AWS::AccountId>)', () => {
  const stack = new Stack(new App(), 'Agnostic');
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models');
  new ModelDeliveryPipeline(stack, 'Pipeline', {
    source: ModelDeliverySource.modelPackageGroup('assistant', { modelDataBucket: bucket }),
    app: DeliveryAppSource.s3Zip(bucket, 'app.zip'),
    stages: [DeliveryStage.canary({ rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'A', ALARM_ARN)] }), DeliveryStage.promote()],
  });
  const nag = NagCheck.check(stack);
  expect(NagCheck.format([...nag.errors, ...nag.warnings])).toBe('');
});

describe('Model Registry source', () => {
  let f: Fixture;
  let t: Template;
  beforeAll(() => {
    ({ f, t } = registryPipeline());
  });

  test('an EventBridge rule on approved packages of the group starts the pipeline; only the app is a source action', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.sagemaker'], 'detail-type': ['SageMaker Model Package State Change'], 'detail': { ModelPackageGroupName: ['Assistant-Models'], ModelApprovalStatus: ['Approved'] } },
    });
    const source = pipelineProps(t).Stages[0];
    expect(source.Actions).toHaveLength(1);
    expect(source.Actions[0].ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(source.Actions[0].Configuration).toMatchObject({ FullRepositoryId: 'acme/assistant', BranchName: 'main', DetectChanges: false });
  });

  test('the artifact check takes the newest approved package and verifies the digest and the KMS signature', () => {
    const check = project(t, 'ArtifactCheck');
    const cmds = check.spec.phases.build.commands.join('\n');
    expect(cmds).toContain('aws sagemaker list-model-packages --model-package-group-name "$MODEL_PACKAGE_GROUP" --model-approval-status Approved --sort-by CreationTime --sort-order Descending --max-results 1');
    expect(cmds).toContain('aws kms verify --key-id "$SIGNING_KEY_ARN" --message fileb://digest.bin --message-type DIGEST');
    expect(check.env).toMatchObject({ MODEL_PACKAGE_GROUP: 'Assistant-Models', MODEL_DATA_BUCKET: 'model-bucket', REQUIRE_MODEL_CARD: 'false',
      SIGNING_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', SIGNING_ALGORITHM: 'ECDSA_SHA_256' });
    const s = statements(t, 'ArtifactCheck');
    expect(s).toContainEqual({ Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:model-package/assistant-models/*']] } });
    expect(s).toContainEqual({ Action: 'kms:Verify', Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  });

  test('custom gate commands and bootstrap qualifier', () => {
    expect(project(t, 'Gates').spec.phases.build.commands.slice(-1)).toEqual(['npx jest test/gates']);
    expect(JSON.stringify(statements(t, 'CanaryDeploy'))).toContain(':role/cdk-acme1-deploy-role-');
  });

  test('cfn-lint reports no errors and cdk-nag no unsuppressed findings', () => {
    const nag = NagCheck.check(f.stack);
    expect(NagCheck.format([...nag.errors, ...nag.warnings])).toBe('');
    expect(CfnLint.format(lints()[1].errors)).toBe('');
  });
});

describe('the freeze', () => {
  test('a VersionFreeze in context where the pipeline is synthesized sets the freeze parameter', () => {
    const f = fixture({ [VersionFreeze.CONTEXT_KEY]: '1.4.0', [VersionFreeze.REASON_CONTEXT_KEY]: 'incident 4711' });
    const { t } = build(f);
    t.hasResourceProperties('AWS::SSM::Parameter', { Value: 'frozen at 1.4.0 (incident 4711)' });
  });

  test('a VersionFreeze applied in code above the pipeline freezes it too', () => {
    const f = fixture();
    VersionFreeze.lock('1.4.0', { reason: 'Black Friday' }).applyTo(f.stack);
    build(f).t.hasResourceProperties('AWS::SSM::Parameter', { Value: 'frozen at 1.4.0 (Black Friday)' });
  });

  test('an expired freeze leaves it off', () => {
    const f = fixture({ [VersionFreeze.CONTEXT_KEY]: '1.4.0', [VersionFreeze.UNTIL_CONTEXT_KEY]: '2020-01-01T00:00:00Z' });
    build(f).t.hasResourceProperties('AWS::SSM::Parameter', { Description: Match.stringLikeRegexp('freeze'), Value: 'off' });
  });

  test('a freeze parameter of your own is read instead of creating one', () => {
    const f = fixture();
    const param = ssm.StringParameter.fromStringParameterName(f.stack, 'OnCall', '/oncall/freeze');
    const { pipeline, t } = build(f, { freezeParameter: param });
    expect(pipeline.freezeParameter).toBe(param);
    expect(project(t, 'FreezeCheck').env.FREEZE_PARAMETER).toBe('/oncall/freeze');
    expect(Object.values<any>(t.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Value)).toEqual(['none']);
  });
});

describe('defaults (props omitted)', () => {
  test('no shadow, no approval: Source, Checks, Gates, Canary, Promote; model card required; canary bake 15 minutes; deploy --all', () => {
    const f = fixture();
    const { t } = build(f);
    expect(pipelineProps(t).Stages.map((s: any) => s.Name)).toEqual(['Source', 'Checks', 'Gates', 'Canary', 'Promote']);
    expect(project(t, 'ArtifactCheck').env.REQUIRE_MODEL_CARD).toBe('true');
    expect(project(t, 'CanaryDeploy').env.BAKE_SECONDS).toBe('900');
    expect(project(t, 'PromoteDeploy').spec.phases.build.commands.join('\n')).toContain('npx cdk deploy --all ');
    expect(project(t, 'PromoteDeploy').props.TimeoutInMinutes).toBe(60);
    t.resourceCountIs('AWS::CodeBuild::Project', 5);
  });

  test('shadow without options bakes 30 minutes and reads no alarms (no DescribeAlarms grant)', () => {
    const f = fixture();
    const { t } = build(f, { stages: [DeliveryStage.shadow(), DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.promote()] });
    expect(project(t, 'ShadowDeploy').env).toMatchObject({ BAKE_SECONDS: '1800', ALARM_NAMES: '' });
    expect(statements(t, 'ShadowDeploy').filter((s) => s.Action === 'cloudwatch:DescribeAlarms')).toEqual([]);
  });
});

describe('bad input is rejected with LaneValidationError (prop, value, fix)', () => {
  const reject = (make: (f: Fixture) => Partial<ModelDeliveryPipelineProps>, message: RegExp) => {
    const f = fixture();
    expect(() => new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, make(f)))).toThrow(LaneValidationError);
    const g = fixture();
    expect(() => new ModelDeliveryPipeline(g.stack, 'Pipeline', props(g, make(g)))).toThrow(message);
  };

  test('a source bucket without versioning', () => {
    reject((f) => ({ source: ModelDeliverySource.s3Object(new s3.Bucket(f.stack, 'Unversioned'), 'm.tar.gz') }),
      /Delivery\/Pipeline: 'source.bucket' \("Delivery\/Unversioned"\) has no versioning \(VersioningConfiguration absent\)[\s\S]*versioned: true/);
    reject((f) => ({ source: ModelDeliverySource.s3Object(new s3.Bucket(f.stack, 'Off', { versioned: false }), 'm.tar.gz') }), /'source.bucket'.*has no versioning/);
  });

  test('a versioned bucket of the app is accepted (boundary)', () => {
    const f = fixture();
    expect(() => new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, { source: ModelDeliverySource.s3Object(new s3.Bucket(f.stack, 'V', { versioned: true }), 'm.tar.gz') }))).not.toThrow();
  });

  test('an app zip bucket without versioning, an app key that is not a zip', () => {
    reject((f) => ({ app: DeliveryAppSource.s3Zip(new s3.Bucket(f.stack, 'AppBucket'), 'app.zip') }), /'app.bucket'.*has no versioning/);
    reject((f) => ({ app: DeliveryAppSource.s3Zip(f.bucket, 'app.tar.gz') }), /'app.key' \("app.tar.gz"\) is not a .zip object key/);
  });

  test('a key that is a prefix or empty', () => {
    reject((f) => ({ source: ModelDeliverySource.s3Object(f.bucket, 'models/') }), /'source.key' \("models\/"\) is not an object key/);
    reject((f) => ({ source: ModelDeliverySource.s3Object(f.bucket, '') }), /'source.key'.*is not an object key/);
  });

  test('a bad model package group name, a missing model data bucket', () => {
    reject((f) => ({ source: ModelDeliverySource.modelPackageGroup('bad_name', { modelDataBucket: f.bucket }) }), /'source.groupName' \("bad_name"\) is not a SageMaker model package group name/);
    reject(() => ({ source: ModelDeliverySource.modelPackageGroup('ok', {} as any) }), /'source.modelDataBucket'.*is required/);
  });

  test('a canary without rollback alarms', () => {
    reject(() => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [] }), DeliveryStage.promote()] }),
      /'stages\[0\].rollbackAlarms' \(\[\]\) is required: a canary without rollback alarms cannot roll back[\s\S]*rollbackAlarms: topology.lanes.flatMap\(\(l\) => l.sloAlarms\)/);
    reject(() => ({ stages: [DeliveryStage.canary({} as any), DeliveryStage.promote()] }), /'stages\[0\].rollbackAlarms'.*is required/);
  });

  test('an approval without a notification target', () => {
    reject((f) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.approval({} as any), DeliveryStage.promote()] }),
      /'stages\[1\].notificationTopic'.*is required: nobody would hear of the approval/);
  });

  test('an unknown stage order, a stage twice, a missing canary or promote, no stages', () => {
    reject((f) => ({ stages: [DeliveryStage.promote(), DeliveryStage.canary({ rollbackAlarms: [f.alarm] })] }),
      /'stages\[1\]' \("canary"\) comes after promote: the stage order is unknown[\s\S]*shadow \(optional\), canary, approval \(optional\), promote/);
    reject((f) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.shadow(), DeliveryStage.promote()] }), /'stages\[1\]' \("shadow"\) comes after canary/);
    reject((f) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.promote()] }), /'stages\[1\]' \("canary"\) appears twice/);
    reject(() => ({ stages: [DeliveryStage.shadow(), DeliveryStage.promote()] }), /'stages' \("shadow -> promote"\) has no canary stage/);
    reject((f) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm] })] }), /'stages' \("canary"\) has no promote stage/);
    reject(() => ({ stages: [] }), /'stages'.*is required/);
  });

  test('bake time: 7 hours accepted (shadow, 1-hour deploy), 7 hours and 1 second rejected', () => {
    const f = fixture();
    expect(() => new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, { stages: [DeliveryStage.shadow({ bakeTime: Duration.hours(7) }), DeliveryStage.canary({ rollbackAlarms: [f.alarm] }), DeliveryStage.promote()] }))).not.toThrow();
    reject((g) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [g.alarm], bakeTime: Duration.seconds(7 * 3600 + 1) }), DeliveryStage.promote()] }),
      /'stages\[0\].bakeTime'.*must be from 0 seconds to 7 hours/);
  });

  test('boundaries: qualifier of 10 characters and deployTimeout of 5 minutes and 3 hours accepted; 11 characters, 4 minutes, 3 hours 1 minute rejected', () => {
    for (const ok of [{ bootstrapQualifier: 'abcdefghij' }, { deployTimeout: Duration.minutes(5) }, { deployTimeout: Duration.hours(3) }]) {
      const f = fixture();
      expect(() => new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, ok))).not.toThrow();
    }
    reject(() => ({ bootstrapQualifier: 'abcdefghijk' }), /'bootstrapQualifier' \("abcdefghijk"\) is not a CDK bootstrap qualifier/);
    reject(() => ({ deployTimeout: Duration.minutes(4) }), /'deployTimeout' \("4 minutes"\) must be from 5 minutes to 3 hours/);
    reject(() => ({ deployTimeout: Duration.minutes(181) }), /'deployTimeout'.*must be from 5 minutes to 3 hours/);
  });

  test('an approval comment over 1,000 characters (1,000 accepted), a bad pipeline name', () => {
    const f = fixture();
    expect(() => new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, { stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm] }),
      DeliveryStage.approval({ notificationTopic: f.topic, comment: 'x'.repeat(1000) }), DeliveryStage.promote()] }))).not.toThrow();
    reject((g) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [g.alarm] }), DeliveryStage.approval({ notificationTopic: g.topic, comment: 'x'.repeat(1001) }), DeliveryStage.promote()] }),
      /'stages\[1\].comment' \("x{60}... \(1001 characters\)"\) must be 1-1000 characters/);
    reject(() => ({ pipelineName: 'has space' }), /'pipelineName' \("has space"\) is not a CodePipeline name/);
  });

  test('a stage longer than the 8 hours CodePipeline waits for a CodeBuild action (exactly 8 hours accepted)', () => {
    const f = fixture();
    expect(() => new ModelDeliveryPipeline(f.stack, 'Pipeline', props(f, { deployTimeout: Duration.hours(3),
      stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm], bakeTime: Duration.hours(2) }), DeliveryStage.promote()] }))).not.toThrow();
    reject((g) => ({ deployTimeout: Duration.hours(3), stages: [DeliveryStage.canary({ rollbackAlarms: [g.alarm], bakeTime: Duration.minutes(121) }), DeliveryStage.promote()] }),
      /'stages\[0\].bakeTime' \("2 hours 1 minute"\) makes the canary stage run up to 481 minutes \(2 x deployTimeout \+ bakeTime, deployTimeout 3 hours\), over the 8 hours/);
    reject((g) => ({ deployTimeout: Duration.minutes(61), stages: [DeliveryStage.shadow({ bakeTime: Duration.hours(7) }), DeliveryStage.canary({ rollbackAlarms: [g.alarm] }), DeliveryStage.promote()] }),
      /'stages\[0\].bakeTime' \("7 hours"\) makes the shadow stage run up to 481 minutes \(deployTimeout \+ bakeTime/);
  });

  test('stacks that are not stack names', () => {
    reject((f) => ({ stages: [DeliveryStage.canary({ rollbackAlarms: [f.alarm], stacks: ['a; rm -rf /'] }), DeliveryStage.promote()] }), /'stages\[0\].stacks'.*must be a non-empty list of stack names/);
  });

  test('signature algorithm, bootstrap qualifier, gate commands, deploy timeout, connection ARN', () => {
    reject((f) => ({ signature: { key: kms.Key.fromKeyArn(f.stack, 'K', 'arn:aws:kms:us-east-1:123456789012:key/x'), signingAlgorithm: 'SHA256' } }), /'signature.signingAlgorithm' \("SHA256"\) is not a KMS signing algorithm/);
    reject(() => ({ signature: {} as any }), /'signature.key'.*is required when a signature is configured/);
    reject(() => ({ app: DeliveryAppSource.connection({ connectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:connection/x', owner: '', repo: 'b' }) }), /'app.owner' \(""\) is required/);
    reject(() => ({ bootstrapQualifier: 'Not_Valid' }), /'bootstrapQualifier' \("Not_Valid"\) is not a CDK bootstrap qualifier/);
    reject(() => ({ gateCommands: ['npm test', ' '] }), /'gateCommands'.*must be a list of non-empty shell commands/);
    reject(() => ({ deployTimeout: Duration.hours(9) }), /'deployTimeout'.*must be from 5 minutes to 3 hours/);
    reject(() => ({ app: DeliveryAppSource.connection({ connectionArn: 'arn:aws:iam::123456789012:role/x', owner: 'a', repo: 'b' }) }), /'app.connectionArn'.*is not a CodeConnections connection ARN/);
  });
});

describe('ModelDeliveryContext', () => {
  const at = (context: { [k: string]: string }) => new Stack(new App({ context }), 'S');

  test('undefined outside the pipeline', () => {
    expect(ModelDeliveryContext.of(at({}))).toBeUndefined();
  });

  test('the candidate from the context keys; role defaults to canary', () => {
    expect(ModelDeliveryContext.of(at({ 'inference-lanes:model-version': '1.5.0', 'inference-lanes:model-uri': 's3://b/m.tar.gz', 'inference-lanes:model-digest': 'sha256:ab' })))
      .toEqual({ version: '1.5.0', uri: 's3://b/m.tar.gz', digest: 'sha256:ab', modelPackageArn: undefined, role: 'canary' });
  });

  test('artifact(): undefined outside the pipeline; else the candidate object with its version and digest, read by the consumer', () => {
    expect(ModelDeliveryContext.artifact(at({}), { name: 'assistant', version: '1.4.0' })).toBeUndefined();
    const digest = `sha256:${'a'.repeat(64)}`;
    const stack = at({ 'inference-lanes:model-version': '1.5.0', 'inference-lanes:model-uri': 's3://models/m/model.tar.gz', 'inference-lanes:model-digest': digest });
    const artifact = ModelDeliveryContext.artifact(stack, { name: 'assistant', version: '1.4.0' })!;
    expect(artifact.version).toBe('1.5.0');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const binding = artifact.bind(stack, { grantee: role });
    expect(binding).toMatchObject({ version: '1.5.0', digest, modelDataUrl: 's3://models/m/model.tar.gz', bucketName: 'models', objectKey: 'm/model.tar.gz' });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain(':s3:::models/m/model.tar.gz');
    expect(ModelDeliveryContext.artifact(stack, { name: 'assistant', version: '1.4.0' })!.version).toBe('1.5.0'); // twice in one scope
  });

  test('a version without a URI, an unknown role', () => {
    expect(() => ModelDeliveryContext.of(at({ 'inference-lanes:model-version': '1.5.0' }))).toThrow(/'inference-lanes:model-uri'.*must be an s3:\/\/ URI/);
    expect(() => ModelDeliveryContext.of(at({ 'inference-lanes:model-version': '1.5.0', 'inference-lanes:model-uri': 's3://b/k', 'inference-lanes:delivery-role': 'prod' })))
      .toThrow(/'inference-lanes:delivery-role' \("prod"\) is not a delivery role/);
  });
});
