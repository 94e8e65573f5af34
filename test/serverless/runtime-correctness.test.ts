import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as signer from 'aws-cdk-lib/aws-signer';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AutoscalingPolicy, ModelArtifact, ModelWeights, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage } from '../../lib';
import { WarmServerlessFunction } from '../../lib/serverless';
import { demoArtifact } from '../../examples/shared/artifact';
import { baseProps, FP32, newStack, only, statements } from './fixtures';

const SLO = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
const CANARY = Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) });

/** A pool with 10-40 warm environments, SLO and canary, for one artifact version. */
function synthVersion(version: string): Template {
  const stack = newStack('Versions');
  new WarmServerlessFunction(stack, 'Pool', baseProps({
    artifact: demoArtifact(version),
    autoscaling: new AutoscalingPolicy({ minCapacity: 10, maxCapacity: 40, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
    slo: SLO,
    rollout: CANARY,
  }));
  return Template.fromStack(stack);
}

function logicalIds(t: Template, type: string): string[] {
  return Object.keys(t.findResources(type));
}

describe('a new version: the alias moves, the warm pool stays registered, CodeDeploy can roll back', () => {
  const v1 = synthVersion('1.4.0');
  const v2 = synthVersion('1.5.0');

  test('a new model version publishes a new Lambda version and points the alias at it', () => {
    const [version1] = logicalIds(v1, 'AWS::Lambda::Version');
    const [version2] = logicalIds(v2, 'AWS::Lambda::Version');
    expect(version1).not.toEqual(version2);
    expect(only(v2, 'AWS::Lambda::Alias').Properties.FunctionVersion).toEqual({ 'Fn::GetAtt': [version2, 'Version'] });
    // the alias is updated in place (same logical ID): CodeDeploy shifts it, and on an alarm shifts it back
    expect(logicalIds(v1, 'AWS::Lambda::Alias')).toEqual(logicalIds(v2, 'AWS::Lambda::Alias'));
    expect(only(v2, 'AWS::Lambda::Alias').UpdatePolicy.CodeDeployLambdaAliasUpdate).toEqual({
      ApplicationName: { Ref: expect.stringMatching(/^PoolDeploymentGroupApplication/) },
      DeploymentGroupName: { Ref: expect.stringMatching(/^PoolDeploymentGroup/) },
    });
    // The old version is not retained: CloudFormation deletes it only in the cleanup phase after the
    // update (CodeDeploy shift included) succeeded, so a rollback still finds it.
    expect(only(v2, 'AWS::Lambda::Version').DeletionPolicy).toBeUndefined();
  });

  test('the scalable target is identical across versions: same logical ID, ResourceId on the alias, never a version', () => {
    const t1 = v1.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
    const t2 = v2.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
    expect(Object.keys(t1)).toEqual([expect.stringMatching(/^PoolAliasAliasScalingTarget[0-9A-F]{8}$/)]);
    expect(t2).toEqual(t1);
    const [target] = Object.values(t1) as any[];
    const [alias] = logicalIds(v1, 'AWS::Lambda::Alias');
    expect(target.Properties.ResourceId).toEqual({ 'Fn::Join': ['', ['function:', { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: alias }] }] }, ':live']] });
    expect(target.Properties.RoleARN).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/aws-service-role/lambda.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency']] });
    // the scaling policy keeps its logical ID too (aws-cdk-lib's path: <alias>/AliasScaling/Target/Tracking)
    expect(logicalIds(v1, 'AWS::ApplicationAutoScaling::ScalingPolicy')).toEqual([expect.stringMatching(/^PoolAliasAliasScalingTargetTracking/)]);
  });

  test('CodeDeploy: service role with the Lambda-limited managed policy (cloudwatch:DescribeAlarms, lambda:GetProvisionedConcurrencyConfig), every required member', () => {
    const group = only(v1, 'AWS::CodeDeploy::DeploymentGroup').Properties;
    // botocore CreateDeploymentGroupInput requires applicationName, deploymentGroupName (CloudFormation names it), serviceRoleArn
    expect(group.ApplicationName).toEqual({ Ref: expect.stringMatching(/^PoolDeploymentGroupApplication/) });
    expect(group.ServiceRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PoolDeploymentGroupServiceRole/), 'Arn'] });
    expect(group.AutoRollbackConfiguration).toEqual({ Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] });
    v1.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'codedeploy.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited']] }],
    });
  });

  test('a pre-traffic hook: CodeDeploy may invoke exactly that function, and the hook may report its status', () => {
    const stack = newStack();
    const hook = new lambda.Function(stack, 'Hook', { code: lambda.Code.fromInline('exports.handler = async () => {}'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X });
    new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: SLO, rollout: Rollout.allAtOnce(), preTrafficHook: hook }));
    const all = statements(Template.fromStack(stack));
    expect(all).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: expect.arrayContaining([{ 'Fn::GetAtt': [expect.stringMatching(/^Hook/), 'Arn'] }]) }),
      expect.objectContaining({ Action: 'codedeploy:PutLifecycleEventHookExecutionStatus' }),
    ]));
  });
});

describe('rollback alarms: fire on a bad version, stay quiet on a healthy burst', () => {
  test('the throttle alarm is a rollback alarm only with rollbackOnThrottles', () => {
    const stack = newStack();
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: SLO, rollout: CANARY, rollbackOnThrottles: true }));
    const group = only(Template.fromStack(stack), 'AWS::CodeDeploy::DeploymentGroup');
    expect(group.Properties.AlarmConfiguration.Alarms).toEqual([
      { Name: { Ref: expect.stringMatching(/^PoolRollbackLatency/) } },
      { Name: { Ref: expect.stringMatching(/^PoolRollbackErrorRate/) } },
      { Name: { Ref: expect.stringMatching(/^PoolSloThrottles/) } },
    ]);
    expect(pool.rollbackAlarms).toContain(pool.throttleAlarm);
  });

  test('rollbackOnThrottles needs an SLO and a rollout', () => {
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', baseProps({ rollbackOnThrottles: true, rollout: CANARY })))
      .toThrow(/'rollbackOnThrottles' \(true\) needs both slo .* and rollout/);
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', baseProps({ rollbackOnThrottles: true, slo: SLO })))
      .toThrow(/'rollbackOnThrottles' \(true\) needs both slo/);
  });

  test('default: with a latency-only SLO the throttle alarm fires above 1% (not on a single throttle), in 2 of 10 minutes, counting minutes with 100+ requests', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: ServiceLevelObjective.latency(95, Duration.millis(300)) }));
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    const throttle = Object.entries(alarms).find(([id]) => id.startsWith('PoolSloThrottles'))![1] as any;
    expect(throttle.Properties.Threshold).toBe(1);
    expect(throttle.Properties.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(throttle.Properties.Metrics[0].Expression).toBe('IF((inv + thr) >= 100, 100 * thr / (inv + thr), 0)');
    expect([throttle.Properties.DatapointsToAlarm, throttle.Properties.EvaluationPeriods]).toEqual([2, 10]);
  });

  test('the error-rate target, when set, is the throttle threshold too, with the SLO\'s request floor (ceil(100 / 2.5) = 40)', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 2.5 }) }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 2.5,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF((inv + thr) >= 40, 100 * thr / (inv + thr), 0)' })]),
    });
    // the error-rate alarm is core's, from the lane's Errors and Invocations counts on the alias
    // (a one-sided test against 2.5% over the 5-minute window: z² over 9.5495, p(1-p) = 0.024375, same floor)
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 9.5495,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(inv >= 40 AND err > 0.025 * inv, (err - 0.025 * inv) * (err - 0.025 * inv) / (0.024375 * inv), 0)' }),
        Match.objectLike({ Id: 'err', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors', Dimensions: Match.arrayWith([Match.objectLike({ Name: 'Resource' })]) }), Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'inv', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocations' }), Stat: 'Sum' }) }),
      ]),
    });
  });

  test('an explicit minRequestsPerPeriod on the SLO is the throttle alarm\'s floor too', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1, minRequestsPerPeriod: 7 }) }));
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF((inv + thr) >= 7, 100 * thr / (inv + thr), 0)' })]),
    });
  });

  test('default spillover threshold without an SLO: 5%, 3 of 5 minutes, counting minutes with 20+ invocations', () => {
    const stack = newStack();
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps());
    const alarm = only(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').Properties;
    expect([alarm.Threshold, alarm.EvaluationPeriods, alarm.DatapointsToAlarm]).toEqual([5, 5, 3]);
    expect(alarm.Metrics[0].Expression).toBe('IF(inv >= 20, 100 * spill / inv, 0)');
    expect(pool.rollbackAlarms).toEqual([]);
  });

  test('maxSpilloverPercent boundaries: 0 and 100 are accepted and rendered with their request floor, -1 and 101 are rejected', () => {
    // request floor ceil(100 / threshold), clamped to 10..1000
    for (const [ok, floor] of [[0, 1000], [0.1, 1000], [3, 34], [10, 10], [100, 10]]) {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', baseProps({ maxSpilloverPercent: ok }));
      const alarm = only(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').Properties;
      expect([alarm.Threshold, alarm.Metrics[0].Expression]).toEqual([ok, `IF(inv >= ${floor}, 100 * spill / inv, 0)`]);
    }
    for (const bad of [-1, 101]) {
      expect(() => new WarmServerlessFunction(newStack(), 'Pool', baseProps({ maxSpilloverPercent: bad }))).toThrow(new RegExp(`'maxSpilloverPercent' \\(${bad}\\) must be between 0 and 100`));
    }
  });
});

describe('container images: Region and pinning', () => {
  const repoIn = (stack: Stack, region: string) => ecr.Repository.fromRepositoryArn(stack, 'Repo', `arn:aws:ecr:${region}:111122223333:repository/chat`);

  test('a user image in another Region than a concrete stack Region is rejected', () => {
    const stack = newStack();
    expect(() => new WarmServerlessFunction(stack, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repoIn(stack, 'us-west-2'), { tagOrDigest: '2.0' }), handler: undefined, runtime: undefined })))
      .toThrow(/S\/Pool: 'code' \("111122223333\.dkr\.ecr\.us-west-2\..*chat:2\.0"\) is in Region us-west-2 but the function is in us-east-1/);
  });

  test('a user image in the stack Region is accepted and rendered as given', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repoIn(stack, 'us-east-1'), { tagOrDigest: '2.0' }), handler: undefined, runtime: undefined }));
    expect(JSON.stringify(only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties.Code.ImageUri)).toMatch(/111122223333\.dkr\.ecr\.us-east-1\..*chat:2\.0/);
  });

  test('a region-agnostic stack: a concrete image Region is a synth warning naming it (artifact image and user image)', () => {
    const agnostic = () => new Stack(new App(), 'Agnostic');
    const s1 = agnostic();
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/chat:2.0') });
    new WarmServerlessFunction(s1, 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) });
    Annotations.fromStack(s1).hasWarning('/Agnostic/Pool', Match.stringLikeRegexp("artifact.image .* is in Region eu-west-1, and the stack is region-agnostic.*env: \\{ region: 'eu-west-1' \\}"));
    const s2 = agnostic();
    new WarmServerlessFunction(s2, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repoIn(s2, 'us-west-2'), { tagOrDigest: '2.0' }), handler: undefined, runtime: undefined }));
    Annotations.fromStack(s2).hasWarning('/Agnostic/Pool', Match.stringLikeRegexp('code .* is in Region us-west-2, and the stack is region-agnostic'));
  });

  test('a repository in the stack itself carries no concrete Region: no warning, no error', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const repo = new ecr.Repository(stack, 'Repo');
    new WarmServerlessFunction(stack, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repo, { tagOrDigest: '2.0' }), handler: undefined, runtime: undefined }));
    Annotations.fromStack(stack).hasNoWarning('/Agnostic/Pool', Match.stringLikeRegexp('region-agnostic'));
  });

  test('an image in another account: a warning that its repository policy must let Lambda pull; none for the stack account', () => {
    const stack = newStack(); // account 123456789012
    new WarmServerlessFunction(stack, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repoIn(stack, 'us-east-1'), { tagOrDigest: '2.0' }), handler: undefined, runtime: undefined }));
    Annotations.fromStack(stack).hasWarning('/S/Pool', Match.stringLikeRegexp("code .* is in account 111122223333, not the stack's 123456789012: Lambda pulls it only if that repository's policy allows lambda.amazonaws.com"));
    const same = newStack();
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/chat:2.0') });
    new WarmServerlessFunction(same, 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) });
    expect(Annotations.fromStack(same).findWarning('/S/Pool', Match.stringLikeRegexp('is in account'))).toEqual([]);
    const other = newStack();
    const foreign = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry('111122223333.dkr.ecr.us-east-1.amazonaws.com/ml/chat:2.0') });
    new WarmServerlessFunction(other, 'Pool', { artifact: foreign, autoscaling: AutoscalingPolicy.fixed(1) });
    Annotations.fromStack(other).hasWarning('/S/Pool', Match.stringLikeRegexp('artifact.image .* is in account 111122223333'));
  });

  test('an untagged registry URI is rejected, never resolved to :latest', () => {
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry('111122223333.dkr.ecr.us-east-1.amazonaws.com/ml/chat') });
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) }))
      .toThrow(/'artifact.image' \("111122223333.dkr.ecr.us-east-1.amazonaws.com\/ml\/chat"\) has no tag or digest.*Fix: Pin the image/);
  });

  test('a moving tag (latest) is rejected for the artifact image and for user image code; a version tag is accepted', () => {
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry('111122223333.dkr.ecr.us-east-1.amazonaws.com/ml/chat:latest') });
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) }))
      .toThrow(/'artifact.image tag' \("latest"\) is a moving tag, not a version/);
    const stack = newStack();
    expect(() => new WarmServerlessFunction(stack, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repoIn(stack, 'us-east-1'), { tagOrDigest: 'latest' }), handler: undefined, runtime: undefined })))
      .toThrow(/S\/Pool: 'code tag' \("latest"\) is a moving tag/);
    const ok = newStack();
    new WarmServerlessFunction(ok, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repoIn(ok, 'us-east-1'), { tagOrDigest: '2.0.1-lambda' }), handler: undefined, runtime: undefined }));
    expect(JSON.stringify(only(Template.fromStack(ok), 'AWS::Lambda::Function').Properties.Code.ImageUri)).toContain(':2.0.1-lambda');
  });

  test('a digest-pinned registry URI is rendered with its digest', () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    const stack = newStack();
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry(`111122223333.dkr.ecr.us-east-1.amazonaws.com/ml/chat@${digest}`) });
    new WarmServerlessFunction(stack, 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) });
    expect(JSON.stringify(only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties.Code.ImageUri)).toContain(`/ml/chat@${digest}`);
  });

  test('ECR pull for image functions: the repository lets lambda.amazonaws.com pull; the execution role gets no ecr:*', () => {
    const stack = newStack();
    const repo = new ecr.Repository(stack, 'Repo');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromEcrRepository(repo, '2.0') });
    new WarmServerlessFunction(stack, 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryPolicyText: { Statement: [Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Principal: { Service: 'lambda.amazonaws.com' } })] },
    });
    expect(statements(t).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ecr:')))).toEqual([]);
  });
});

describe('grants for the weights (ModelArtifact.bind through the lane)', () => {
  test('zip code binds no image: an artifact image is neither granted nor built', () => {
    const stack = newStack();
    const repo = new ecr.Repository(stack, 'Repo');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromEcrRepository(repo, '2.0') });
    new WarmServerlessFunction(stack, 'Pool', baseProps({ artifact }));
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', { RepositoryPolicyText: Match.absent() });
  });

  test('a local asset (what the removed description-keyed grantReadWeights workaround special-cased): exactly s3:GetObject on the object MODEL_S3_BUCKET/MODEL_S3_KEY name, nothing bucket-wide', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps());
    const t = Template.fromStack(stack);
    const env = only(t, 'AWS::Lambda::Function').Properties.Environment.Variables;
    expect(env.MODEL_S3_KEY).toMatch(/^[0-9a-f]{64}\.gz$/);
    const s3Statements = statements(t).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${env.MODEL_S3_BUCKET}/${env.MODEL_S3_KEY}`]] },
    }]);
  });

  test('a prefix: s3:GetObject on prefix* and s3:ListBucket only under the prefix', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'acme-models');
    const artifact = new ModelArtifact({ weights: ModelWeights.fromBucketPrefix(bucket, 'chat/3.0.0/'), name: 'chat', version: '3.0.0' });
    new WarmServerlessFunction(stack, 'Pool', baseProps({ artifact }));
    const s3Statements = statements(Template.fromStack(stack)).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-models/chat/3.0.0/*']] } }),
      expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['chat/3.0.0/*'] } } }),
    ]);
  });

  test('a KMS-encrypted bucket: kms:Decrypt on exactly that bucket key', () => {
    const stack = newStack();
    const bucketKey = kms.Key.fromKeyArn(stack, 'BucketKey', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Models', { bucketName: 'acme-models', encryptionKey: bucketKey });
    const artifact = ModelArtifact.fromBucket(bucket, 'chat/3.0.0/model.tar.gz', { name: 'chat', version: '3.0.0' });
    new WarmServerlessFunction(stack, 'Pool', baseProps({ artifact }));
    expect(statements(Template.fromStack(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555' }),
    ]));
  });
});

describe('documented defaults, by omission', () => {
  test('no functionUrl: no AWS::Lambda::Url, and grantInvoke grants lambda:InvokeFunction only', () => {
    const stack = newStack();
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps());
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    pool.grantInvoke(caller);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Url', 0);
    expect(pool.functionUrl).toBeUndefined();
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { Ref: Match.stringLikeRegexp('^PoolAlias') } })] },
    });
  });

  test('a signingProfile alone turns code signing on (codeSigning defaults to true with a profile)', () => {
    const stack = newStack();
    const profile = new signer.SigningProfile(stack, 'Profile', { platform: signer.Platform.AWS_LAMBDA_SHA384_ECDSA });
    const signed = s3.Bucket.fromBucketName(stack, 'Signed', 'acme-signed');
    new WarmServerlessFunction(stack, 'Pool', baseProps({ signingProfile: profile, code: lambda.Code.fromBucket(signed, 'handler.zip') }));
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Signer::SigningProfile', 1); // the given one, no new profile
    t.hasResourceProperties('AWS::Lambda::CodeSigningConfig', {
      AllowedPublishers: { SigningProfileVersionArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Profile'), 'ProfileVersionArn'] }] },
    });
  });

  test('no codeSigning and no profile: no code signing config on the function', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps());
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::CodeSigningConfig', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { CodeSigningConfigArn: Match.absent() });
  });

  test('spillover default with an SLO that has no latency objective: 5%', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ slo: new ServiceLevelObjective({ maxErrorRatePercent: 2 }) }));
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(inv >= 20, 100 * spill / inv, 0)' })]),
    });
  });

  test('a given onFailureQueue is the destination and no queue is created', () => {
    const stack = newStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Failures', 'arn:aws:sqs:us-east-1:123456789012:failures');
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ onFailureQueue: queue }));
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SQS::Queue', 0);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:123456789012:failures' } } });
    expect(pool.onFailureQueue).toBe(queue);
  });
});

describe('keys, signing and concurrency limits', () => {
  test('a user kms.Key of the app gets the CloudWatch Logs statement the log group needs', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'UserKey');
    new WarmServerlessFunction(stack, 'Pool', baseProps({ encryptionKey: key }));
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: { 'Fn::Join': ['', ['logs.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } } })]) },
    });
  });

  test('an imported key: a warning that its policy must allow CloudWatch Logs', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'UserKey', 'arn:aws:kms:us-east-1:123456789012:key/abcd');
    new WarmServerlessFunction(stack, 'Pool', baseProps({ encryptionKey: key }));
    Annotations.fromStack(stack).hasWarning('/S/Pool', Match.stringLikeRegexp('encryptionKey \\(arn:aws:kms:us-east-1:123456789012:key/abcd\\) is imported.*logs.<region>.amazonaws.com'));
  });

  test('code signing with Code.fromAsset is rejected: ENFORCE refuses the unsigned asset zip', () => {
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', baseProps({ codeSigning: true })))
      .toThrow(/'code' \("lambda.Code.fromAsset\(...\)"\) is uploaded unsigned by the CDK.*Fix: Sign the zip .*lambda.Code.fromBucket/);
  });

  test.each([
    // [reserved, warning expected] for a 2-20 pool (peak 20)
    [40, false], // the default's 2 x pool: no warning
    [39, true], // first value under twice the pool
    [20, true], // equal to the pool: accepted, warned
  ])('reserved concurrency %d against a peak pool of 20: headroom warning %s', (reserved, warned) => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ reservedConcurrentExecutions: reserved }));
    const found = Annotations.fromStack(stack).findWarning('/S/Pool', Match.stringLikeRegexp('leaves .* above the largest warm pool'));
    expect(found.length).toBe(warned ? 1 : 0);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: reserved });
  });

  test('reserved concurrency below the pool (19 for 20) is rejected', () => {
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', baseProps({ reservedConcurrentExecutions: 19 })))
      .toThrow(/'reservedConcurrentExecutions' \(19\) is below the largest warm pool the policy allows \(20\)/);
  });

  test('reserved concurrency above 900 warns about the account quota; 900 does not; 2^31-1 is the largest accepted', () => {
    const warned = (reserved: number) => {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', baseProps({ reservedConcurrentExecutions: reserved }));
      return Annotations.fromStack(stack).findWarning('/S/Pool', Match.stringLikeRegexp('needs an account concurrency quota of at least')).length;
    };
    expect(warned(900)).toBe(0);
    expect(warned(901)).toBe(1);
    expect(warned(2 ** 31 - 1)).toBe(1);
    expect(() => new WarmServerlessFunction(newStack(), 'Pool', baseProps({ reservedConcurrentExecutions: 2 ** 31 })))
      .toThrow(/'reservedConcurrentExecutions' \(2147483648\) must be an integer from 1 to 2147483647/);
  });
});
