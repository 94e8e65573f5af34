import * as crypto from 'crypto';
import * as fs from 'fs';
import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as signer from 'aws-cdk-lib/aws-signer';
import {
  AutoscalingPolicy, HardwareTarget, LaneKind, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage,
} from '../../lib';
import { ProvisionedConcurrencyStatistic, WarmServerlessFunction } from '../../lib/serverless';
import { demoArtifact } from '../../examples/shared/artifact';
import { baseProps, FP32, newStack, only, statements } from './fixtures';

const LAUNCH = {
  name: 'launch',
  start: { minute: '0', hour: '17', day: '2', month: '3' },
  end: { minute: '0', hour: '22', day: '2', month: '3' },
  minCapacity: 80,
  maxCapacity: 120,
  timeZone: 'America/New_York',
};

describe('WarmServerlessFunction: the full warm pool', () => {
  // GIVEN one pool with every feature on (built once: synth is the expensive part)
  let stack: Stack;
  let template: Template;
  let pool: WarmServerlessFunction;
  let extraAlarm: cloudwatch.Alarm;
  beforeAll(() => {
    stack = newStack('Full');
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    extraAlarm = new cloudwatch.Alarm(stack, 'BusinessAlarm', {
      metric: new cloudwatch.Metric({ namespace: 'Chat', metricName: 'AbandonedSessions' }), threshold: 10, evaluationPeriods: 1,
    });
    pool = new WarmServerlessFunction(stack, 'Pool', baseProps({
      autoscaling: new AutoscalingPolicy({
        minCapacity: 10,
        maxCapacity: 40,
        triggers: [ScalingTrigger.inFlightPerInstance(0.8)],
        warmBufferPercent: 25,
        scaleOutCooldown: Duration.seconds(30),
        scaleInCooldown: Duration.minutes(10),
        schedules: [LAUNCH],
      }),
      reservedConcurrentExecutions: 250,
      slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), alarms: [extraAlarm] }),
      functionUrl: true,
      environment: { LOG_LEVEL: 'info' },
    }));
    pool.grantInvoke(caller);
    template = Template.fromStack(stack);
  });

  test('the function: zip code, sizes, reserved cap, KMS environment, JSON logs to its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'], // the demo artifact has a CPU_ARM64 build
      MemorySize: 2048,
      Timeout: 30,
      EphemeralStorage: { Size: 512 },
      ReservedConcurrentExecutions: 250,
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolKey'), 'Arn'] },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^PoolLogGroup') } },
      PackageType: Match.absent(),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolKey'), 'Arn'] } });
  });

  test('the environment carries the artifact identity, location, digest, card and thread count', () => {
    const env = only(template, 'AWS::Lambda::Function').Properties.Environment.Variables;
    const digest = 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(FP32)).digest('hex');
    expect(env).toEqual(expect.objectContaining({
      MODEL_NAME: 'assistant',
      MODEL_VERSION: '1.4.0',
      MODEL_TARGET: 'cpu-arm64',
      MODEL_PRECISION: 'fp32',
      MODEL_DIGEST: digest,
      MODEL_COMPRESSED: 'true',
      MODEL_S3_IS_PREFIX: 'false',
      OMP_NUM_THREADS: '1', // 2048 MB = 1.16 vCPU
      LOG_LEVEL: 'info',
    }));
    expect(JSON.stringify(env.MODEL_S3_URI)).toMatch(/s3:\/\/cdk-hnb659fds-assets-.*\.gz/);
    expect(JSON.parse(env.MODEL_CARD).intendedUse).toMatch(/self-service/);
    expect(pool.laneEnvironment.MODEL_NAME).toBe('assistant');
  });

  test('the role reads exactly the model object, writes its own logs, and nothing broader', () => {
    const all = statements(template);
    const roleStatements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('PoolRole'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const s3Statements = roleStatements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0].Action).toBe('s3:GetObject');
    expect(JSON.stringify(s3Statements[0].Resource)).toMatch(/cdk-hnb659fds-assets-.*\/[0-9a-f]{64}\.gz"/);
    expect(roleStatements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PoolLogGroup/), 'Arn'] } }),
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PoolKey/), 'Arn'] } }),
    ]));
    // no wildcard resources, no s3:* or ecr pulls for the execution role
    for (const s of roleStatements) {
      expect(s.Resource).not.toBe('*');
      expect([s.Action].flat()).not.toContain('s3:*');
      expect([s.Action].flat().some((a: string) => a.startsWith('ecr:'))).toBe(false);
    }
    expect(all.length).toBeGreaterThan(roleStatements.length); // the caller's grant lives elsewhere
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('the alias is the invocation target; it carries no provisioned concurrency of its own', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolCurrentVersion'), 'Version'] },
      ProvisionedConcurrencyConfig: Match.absent(),
      RoutingConfig: Match.absent(),
    });
    expect(pool.aliasName).toBe('live');
    expect(pool.laneKind).toBe(LaneKind.SERVERLESS);
  });

  test('the warm pool: a scalable target on the alias with the policy bounds and the schedule, untagged', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      MinCapacity: 10,
      MaxCapacity: 40,
      // the function name read from the alias ARN (so the target depends on the alias), then the alias
      ResourceId: { 'Fn::Join': ['', ['function:', { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp('^PoolAlias') }] }] }, ':live']] },
      ScheduledActions: [
        { ScheduledActionName: 'launch-start', Schedule: 'cron(0 17 2 3 ? *)', Timezone: 'America/New_York', ScalableTargetAction: { MinCapacity: 80, MaxCapacity: 120 } },
        { ScheduledActionName: 'launch-end', Schedule: 'cron(0 22 2 3 ? *)', Timezone: 'America/New_York', ScalableTargetAction: { MinCapacity: 10, MaxCapacity: 40 } },
      ],
      Tags: Match.absent(), // cfn-lint's schema has no Tags on ScalableTarget
    });
  });

  test('target tracking follows the per-minute Maximum of ProvisionedConcurrencyUtilization at target × (1 - buffer)', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 0.6, // 0.8 × (1 - 25%)
        ScaleOutCooldown: 30,
        ScaleInCooldown: 600,
        PredefinedMetricSpecification: Match.absent(),
        CustomizedMetricSpecification: {
          Namespace: 'AWS/Lambda',
          MetricName: 'ProvisionedConcurrencyUtilization',
          Statistic: 'Maximum',
          Dimensions: [
            { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Pool') } },
            { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^Pool') }, ':live']] } },
          ],
        },
      },
    });
  });

  test('async invocations: retries, max age and a KMS-encrypted, TLS-only on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp('^PoolAlias') }] }] }, // the alias name, from the alias ARN
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolOnFailureQueue'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('SLO alarms: p95 Duration of the alias, error rate (one-sided test over 5 minutes) and throttle rate (from 100 requests at 1%)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      Namespace: 'AWS/Lambda',
      ExtendedStatistic: 'p95',
      Threshold: 300,
      Dimensions: Match.arrayWith([{ Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^Pool') }, ':live']] } }]),
    });
    // error rate: core's one-sided test against 1% over the 5-minute window (z² over 9.5495), from 100 requests
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 9.5495,
      EvaluationPeriods: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(inv >= 100 AND err > 0.01 * inv, (err - 0.01 * inv) * (err - 0.01 * inv) / (0.0099 * inv), 0)' }),
        Match.objectLike({ Id: 'err', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors', Dimensions: Match.arrayWith([{ Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^Pool') }, ':live']] } }]) }), Period: 300, Stat: 'Sum' }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF((inv + thr) >= 100, 100 * thr / (inv + thr), 0)' }),
        Match.objectLike({ Id: 'thr', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Throttles' }), Stat: 'Sum' }) }),
      ]),
    });
    expect(pool.sloAlarms).toHaveLength(3);
    expect(pool.sloAlarms).toContain(pool.throttleAlarm);
  });

  test('the throttle alarm pages but is not a rollback alarm: a healthy burst reaches the reserved cap too', () => {
    // Kills: throttle alarm pushed into rollbackAlarms / the deployment group's alarms.
    expect(pool.throttleAlarm).toBeInstanceOf(cloudwatch.Alarm);
    expect(pool.rollbackAlarms).not.toContain(pool.throttleAlarm);
    const group = only(template, 'AWS::CodeDeploy::DeploymentGroup');
    expect(JSON.stringify(group.Properties.AlarmConfiguration)).not.toMatch(/SloThrottles/);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('throttled requests over 1% .*Pages; not a rollback alarm'),
    });
  });

  test('the SLO is also two Application Signals SLOs (p95 Duration, error rate) with burn-rate alarms that page, not roll back', () => {
    template.resourceCountIs('AWS::ApplicationSignals::ServiceLevelObjective', 2);
    template.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Sli: {
        SliMetric: {
          MetricDataQueries: [Match.objectLike({
            Id: 'sli',
            MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/Lambda', MetricName: 'Duration' }), Period: 60, Stat: 'p95' }),
            ReturnData: true,
          })],
          PeriodSeconds: 60,
        },
        MetricThreshold: 300,
        ComparisonOperator: 'LessThanOrEqualTo',
      },
      Goal: { AttainmentGoal: 99, Interval: { RollingInterval: { Duration: 28, DurationUnit: 'DAY' } }, WarningThreshold: 50 },
      BurnRateConfigurations: [{ LookBackWindowMinutes: 60 }, { LookBackWindowMinutes: 360 }],
    });
    template.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Sli: Match.objectLike({
        SliMetric: Match.objectLike({ MetricDataQueries: Match.arrayWith([{ Id: 'sli', Expression: 'IF(inv >= 100, 100 * err / inv, 0)', ReturnData: true }]) }),
        MetricThreshold: 1,
      }),
    });
    expect(pool.serviceLevelObjectives.map(o => o.name)).toEqual([
      expect.stringMatching(/^Full-Pool-SloLatencyObjective-[0-9A-F]{8}$/), expect.stringMatching(/^Full-Pool-SloErrorRateObjective-[0-9A-F]{8}$/),
    ]);
    expect(pool.sloBurnRateAlarms).toHaveLength(4);
    // CodeDeploy rolls back on the latency and error-rate SLO alarms and the rollout's own alarm only
    const group = Object.values(template.findResources('AWS::CodeDeploy::DeploymentGroup'))[0] as any;
    expect(group.Properties.AlarmConfiguration.Alarms).toHaveLength(3);
    expect(pool.rollbackAlarms.some(a => pool.sloBurnRateAlarms.includes(a))).toBe(false);
  });

  test('saturation: warm-pool utilization, spillover and throttles; capacity in service derived from the busy share', () => {
    expect(pool.saturationMetrics.map(m => (m as cloudwatch.Metric).metricName)).toEqual([
      'ProvisionedConcurrencyUtilization', 'ProvisionedConcurrencySpilloverInvocations', 'Throttles',
    ]);
    const capacity = pool.metricCapacityInService() as cloudwatch.MathExpression;
    expect(capacity.expression).toMatch(/^busy[0-9a-f]{8} \/ util[0-9a-f]{8}$/);
    expect(Object.values(capacity.usingMetrics).map(m => [(m as cloudwatch.Metric).metricName, (m as cloudwatch.Metric).statistic])).toEqual([
      ['ProvisionedConcurrentExecutions', 'Maximum'], ['ProvisionedConcurrencyUtilization', 'Maximum'],
    ]);
  });

  test('cold-start visibility: a spillover alarm at 100 - p95 = 5% (at least 20 invocations a minute) and an init-duration metric filter', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(inv >= 20, 100 * spill / inv, 0)' }),
        Match.objectLike({ Id: 'spill', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ProvisionedConcurrencySpilloverInvocations', Namespace: 'AWS/Lambda' }), Stat: 'Sum' }) }),
      ]),
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'InferenceLanes/Serverless', MetricValue: '$.record.metrics.initDurationMs', Unit: 'Milliseconds' })],
    });
    expect(stack.resolve(pool.metricColdStartInitDuration().metricName)).toEqual({ 'Fn::Join': ['', ['ColdStartInitDuration-', { Ref: expect.stringMatching(/^Pool/) }]] });
    expect(pool.rollbackAlarms).not.toContain(pool.spilloverAlarm);
  });

  test('rollout: CodeDeploy canary 10% / 5 min (predefined), rolling back on the SLO alarms of the new version and the extra alarm', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      AlarmConfiguration: {
        Enabled: true,
        Alarms: [
          { Name: { Ref: Match.stringLikeRegexp('^PoolRollbackLatency') } },
          { Name: { Ref: Match.stringLikeRegexp('^PoolRollbackErrorRate') } },
          { Name: { Ref: Match.stringLikeRegexp('^BusinessAlarm') } },
        ],
      },
    });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
    template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: Match.stringLikeRegexp('^PoolDeploymentGroupApplication') },
          DeploymentGroupName: { Ref: Match.stringLikeRegexp('^PoolDeploymentGroup') },
        },
      },
    });
    expect(pool.rollbackAlarms).toContain(extraAlarm);
  });

  test('function URL with IAM auth on the alias; grantInvoke covers the alias and its URL', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Qualifier: 'live' });
    const callerStatements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('Caller'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(callerStatements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { Ref: expect.stringMatching(/^PoolAlias/) } }),
      expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', Resource: { Ref: expect.stringMatching(/^PoolAlias/) } }),
    ]));
  });

  test('capacity for cost math and tags on every resource', () => {
    expect(pool.capacity).toEqual({
      minInstances: 10,
      maxInstances: 120,
      instanceType: 'lambda-2048MB-arm64',
      hardware: HardwareTarget.CPU_ARM64,
      priceClass: 'per-gb-second',
      description: '10-120 warm × lambda-2048MB-arm64, provisioned concurrency (reserved 250)',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'inference:lane', Value: 'serverless' }, { Key: 'model:name', Value: 'assistant' }, { Key: 'model:version', Value: '1.4.0' }]),
    });
  });
});

describe('WarmServerlessFunction: variants', () => {
  test('AVERAGE renders aws-cdk-lib scaleOnUtilization (predefined LambdaProvisionedConcurrencyUtilization)', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ utilizationStatistic: ProvisionedConcurrencyStatistic.AVERAGE }));
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 0.7,
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        CustomizedMetricSpecification: Match.absent(),
      },
    });
  });

  test('a fixed pool: scalable target min = max, no tracking, default reserved = 2 × pool, no SLO or CodeDeploy', () => {
    const stack = newStack();
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ autoscaling: AutoscalingPolicy.fixed(3) }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 3, ScheduledActions: Match.absent() });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 6 });
    t.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1); // only the spillover alarm
    expect(pool.sloAlarms).toEqual([]);
    expect(pool.deploymentGroup).toBeUndefined();
  });

  test('custom canary 20% / 7 min and linear 25% / 2 min get their own CodeDeploy configs', () => {
    const stack = newStack();
    const slo = ServiceLevelObjective.latency(99, Duration.millis(500));
    // one artifact object per stack: two ModelArtifact objects for the same file collide in core (see README)
    const artifact = demoArtifact();
    new WarmServerlessFunction(stack, 'Canary', baseProps({ artifact, slo, rollout: Rollout.canary({ percent: 20, bakeTime: Duration.minutes(7) }), autoscaling: AutoscalingPolicy.fixed(5) }));
    new WarmServerlessFunction(stack, 'Linear', baseProps({ artifact, slo, rollout: Rollout.linear({ stepPercent: 25, interval: Duration.minutes(2) }), autoscaling: AutoscalingPolicy.fixed(4) }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 20, CanaryInterval: 7 } },
    });
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 2 } },
    });
    // the spillover threshold follows the p99 objective: 1%
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(inv >= 100, 100 * spill / inv, 0)' })]) });
  });

  test('all-at-once with hooks: hooks in the alias update policy, hooks may report their status', () => {
    const stack = newStack();
    const hook = new lambda.Function(stack, 'PreHook', { code: lambda.Code.fromInline('exports.handler = async () => {}'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X });
    new WarmServerlessFunction(stack, 'Pool', baseProps({
      slo: ServiceLevelObjective.latency(95, Duration.millis(300)),
      rollout: Rollout.allAtOnce(),
      preTrafficHook: hook,
    }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' });
    t.hasResource('AWS::Lambda::Alias', { UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.objectLike({ BeforeAllowTrafficHook: { Ref: Match.stringLikeRegexp('^PreHook') } }) } });
    expect(statements(t)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'codedeploy:PutLifecycleEventHookExecutionStatus' }),
    ]));
  });

  test('autoRollback: false shifts traffic without alarm rollback', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(1), autoRollback: false }), autoscaling: AutoscalingPolicy.fixed(10) }));
    Template.fromStack(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      AutoRollbackConfiguration: { Enabled: false },
      AlarmConfiguration: Match.absent(),
    });
  });

  test('a canary whose share of the warm floor is below one environment is a synth warning', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({
      slo: ServiceLevelObjective.latency(95, Duration.millis(300)),
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }), // 2 × 10% = 0.2 warm environments
    }));
    Annotations.fromStack(stack).hasWarning('/S/Pool', Match.stringLikeRegexp('splits the alias.*0.2 warm environment.*at least 10'));
  });

  test('code signing: a Signer profile and an ENFORCE code signing config on the function', () => {
    const stack = newStack();
    const signed = s3.Bucket.fromBucketName(stack, 'Signed', 'acme-signed-code');
    const pool = new WarmServerlessFunction(stack, 'Pool', baseProps({ codeSigning: true, code: lambda.Code.fromBucket(signed, 'signed/handler.zip') }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Signer::SigningProfile', { PlatformId: 'AWSLambda-SHA384-ECDSA' });
    t.hasResourceProperties('AWS::Lambda::CodeSigningConfig', {
      CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Enforce' },
      AllowedPublishers: { SigningProfileVersionArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolSigningProfile'), 'ProfileVersionArn'] }] },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { CodeSigningConfigArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PoolCodeSigningConfig'), 'CodeSigningConfigArn'] } });
    t.hasResourceProperties('AWS::Lambda::Function', { Code: { S3Bucket: 'acme-signed-code', S3Key: 'signed/handler.zip' } });
    expect(stack.resolve(pool.signingProfile!.signingProfileVersionArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PoolSigningProfile/), 'ProfileVersionArn'] });
  });

  test('no code: a container function from the artifact image in ECR (tag kept), no runtime or handler', () => {
    const stack = newStack();
    const repo = new ecr.Repository(stack, 'Repo');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2.0.1', image: ServingImage.fromEcrRepository(repo, '2.0.1-lambda') });
    const pool = new WarmServerlessFunction(stack, 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(2), memorySize: Size.gibibytes(8) });
    const t = Template.fromStack(stack);
    const fn = only(t, 'AWS::Lambda::Function').Properties;
    expect(fn.PackageType).toBe('Image');
    expect(fn.Runtime).toBeUndefined();
    expect(fn.Handler).toBeUndefined();
    expect(fn.Architectures).toEqual(['x86_64']); // the artifact only has a CPU_X86_64 build
    expect(fn.Environment.Variables.OMP_NUM_THREADS).toBe('5'); // 8192 MB / 1769
    expect(JSON.stringify(fn.Code.ImageUri)).toContain(':2.0.1-lambda');
    expect(pool.isContainerImage).toBe(true);
  });

  test('no code: a registry URI in ECR private in the stack Region is accepted', () => {
    const stack = newStack('S', 'eu-west-1');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '2', image: ServingImage.fromRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/chat:2.0') });
    new WarmServerlessFunction(stack, 'Pool', { artifact, autoscaling: AutoscalingPolicy.fixed(1) });
    const fn = only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties;
    expect(JSON.stringify(fn.Code.ImageUri)).toMatch(/111122223333\.dkr\.ecr\.eu-west-1\..*\/ml\/chat:2\.0/);
  });

  test('weights from an S3 bucket: core grants read on exactly that object', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'acme-models');
    const artifact = ModelArtifact.fromBucket(bucket, 'chat/3.0.0/model.tar.gz', { name: 'chat', version: '3.0.0' });
    new WarmServerlessFunction(stack, 'Pool', baseProps({ artifact, autoscaling: AutoscalingPolicy.fixed(1) }));
    const t = Template.fromStack(stack);
    const s3Statements = statements(t).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(JSON.stringify(s3Statements)).toContain('acme-models/chat/3.0.0/model.tar.gz');
    expect(JSON.stringify(s3Statements)).not.toContain('acme-models/*');
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MODEL_S3_URI: 's3://acme-models/chat/3.0.0/model.tar.gz' }) } });
  });

  test('fromFunctionAttributes adopts an existing alias: metrics on its dimensions, grantInvoke on its ARN', () => {
    const stack = newStack();
    const lane = WarmServerlessFunction.fromFunctionAttributes(stack, 'Adopted', {
      functionName: 'chat-burst', aliasName: 'prod', artifactName: 'assistant', artifactVersion: '1.3.0',
      capacity: { minInstances: 5, maxInstances: 50, instanceType: 'lambda-2048MB-arm64', hardware: HardwareTarget.CPU_ARM64, priceClass: 'per-gb-second', description: '5-50 warm' },
    });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    lane.grantInvoke(role);
    const latency = lane.metricLatency() as cloudwatch.Metric;
    expect(latency.metricName).toBe('Duration');
    expect(latency.dimensions).toEqual({ FunctionName: 'chat-burst', Resource: 'chat-burst:prod' });
    expect(lane.metricSpilloverInvocations().metricName).toBe('ProvisionedConcurrencySpilloverInvocations');
    expect(lane.laneKind).toBe(LaneKind.SERVERLESS);
    expect(lane.sloAlarms).toEqual([]);
    expect([lane.serviceLevelObjectives, lane.sloBurnRateAlarms]).toEqual([[], []]);
    expect((lane.saturationMetrics[0] as cloudwatch.Metric).dimensions).toEqual({ FunctionName: 'chat-burst', Resource: 'chat-burst:prod' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:us-east-1:123456789012:function:chat-burst:prod']] },
        }],
      },
    });
  });
});

describe('WarmServerlessFunction: rejections', () => {
  const build = (overrides: Parameters<typeof baseProps>[0], stack: Stack = newStack()) => () => new WarmServerlessFunction(stack, 'Pool', baseProps(overrides));
  const policy = (p: Partial<ConstructorParameters<typeof AutoscalingPolicy>[0]>) => new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)], ...p });

  test.each([
    ['CPU utilization', ScalingTrigger.cpuUtilization(60)],
    ['GPU utilization', ScalingTrigger.gpuUtilization(70)],
    ['queue backlog', ScalingTrigger.queueBacklogPerInstance(5)],
    ['requests per instance', ScalingTrigger.requestsPerInstance(10)],
  ])('rejects a %s trigger, naming the supported one', (_name, trigger) => {
    expect(build({ autoscaling: policy({ triggers: [trigger] }) })).toThrow(/S\/Pool: 'autoscaling.triggers' .* cannot be rendered by WarmServerlessFunction \(Lambda provisioned concurrency\). Fix: Use one of the triggers it supports: ScalingTrigger.inFlightPerInstance\./);
  });

  test('rejects scale-to-zero, citing aws-cdk #29992', () => {
    const p = new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(0.5)] });
    expect(build({ autoscaling: p })).toThrow(/'autoscaling.scaleToZero' \(true\) is not possible on a warm pool.*#29992/);
  });

  test('rejects step caps (target tracking sets step sizes)', () => {
    expect(build({ autoscaling: policy({ maxScaleOutStep: 5 }) })).toThrow(/'autoscaling.maxScaleOutStep' \(5\) cannot be honoured/);
  });

  test('rejects more than one in-flight request per environment', () => {
    expect(build({ autoscaling: policy({ triggers: [ScalingTrigger.inFlightPerInstance(8)] }) })).toThrow(/inFlightPerInstance\(8\).*a Lambda environment serves one request at a time.*0\.1-0\.9/);
  });

  test('rejects a utilization target outside 0.1-0.9 after the warm buffer', () => {
    expect(build({ autoscaling: policy({ triggers: [ScalingTrigger.inFlightPerInstance(0.95)] }) })).toThrow(/utilization target of 0.95, outside 0.1-0.9/);
    expect(build({ autoscaling: policy({ triggers: [ScalingTrigger.inFlightPerInstance(0.15)], warmBufferPercent: 50 }) })).toThrow(/with warmBufferPercent 50.*utilization target of 0.075/);
  });

  test('rejects reserved concurrency below the largest warm pool, schedules included', () => {
    expect(build({ autoscaling: policy({ schedules: [LAUNCH] }), reservedConcurrentExecutions: 100 }))
      .toThrow(/'reservedConcurrentExecutions' \(100\) is below the largest warm pool the policy allows \(120\).*Raise it to at least 120/);
    expect(build({ reservedConcurrentExecutions: 0 })).toThrow(/'reservedConcurrentExecutions' \(0\) must be an integer from 1 to 2147483647/);
  });

  test('rejects sizes Lambda does not offer', () => {
    expect(build({ memorySize: Size.mebibytes(64) })).toThrow(/'memorySize \(MiB\)' \(64\) must be an integer from 128 to 10240/);
    expect(build({ timeout: Duration.minutes(16) })).toThrow(/'timeout' \(16 minutes\) must be from 1 second to 15 minutes/);
    expect(build({ ephemeralStorageSize: Size.mebibytes(256) })).toThrow(/'ephemeralStorageSize \(MiB\)' \(256\) must be an integer from 512 to 10240/);
    expect(build({ retryAttempts: 3 })).toThrow(/'retryAttempts' \(3\)/);
    expect(build({ maxEventAge: Duration.seconds(30) })).toThrow(/'maxEventAge' \(30 seconds\) must be from 1 minute to 6 hours/);
    expect(build({ aliasName: '42' })).toThrow(/'aliasName' \("42"\) is not a Lambda alias name/);
    expect(build({ maxSpilloverPercent: 150 })).toThrow(/'maxSpilloverPercent' \(150\) must be between 0 and 100/);
  });

  test('zip code needs handler and runtime; images refuse them', () => {
    expect(build({ handler: undefined })).toThrow(/'handler' is required for a zip package/);
    expect(build({ runtime: undefined })).toThrow(/'runtime' is required for a zip package/);
    const stack = newStack();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'chat');
    expect(build({ code: lambda.Code.fromEcrImage(repo, { tagOrDigest: '1' }) }, stack)).toThrow(/'handler' \("index.handler"\) cannot be set for a container image function/);
  });

  test('code signing: refused for container images, and codeSigning: false conflicts with a profile', () => {
    const stack = newStack();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'chat');
    expect(build({ code: lambda.Code.fromEcrImage(repo), handler: undefined, runtime: undefined, codeSigning: true }, stack))
      .toThrow(/'codeSigning' \(true\) cannot apply to a container image: Lambda code signing .* covers zip packages only/);
    const stack2 = newStack();
    const profile = new signer.SigningProfile(stack2, 'P', { platform: signer.Platform.AWS_LAMBDA_SHA384_ECDSA });
    expect(build({ codeSigning: false, signingProfile: profile }, stack2)).toThrow(/'codeSigning' \(false\) conflicts with signingProfile/);
  });

  test('no code and an image outside ECR, in another Region, or no image at all', () => {
    const gpuImage = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '1', image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3') });
    expect(build({ artifact: gpuImage, code: undefined, handler: undefined, runtime: undefined })).toThrow(/'artifact.image' \("nvcr.io\/nvidia\/tritonserver:24.08-py3"\) is not in an Amazon ECR private repository.*pull-through cache/);
    const otherRegion = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '1', image: ServingImage.fromRegistry('111122223333.dkr.ecr.us-west-2.amazonaws.com/chat:1') });
    expect(build({ artifact: otherRegion, code: undefined, handler: undefined, runtime: undefined })).toThrow(/is in Region us-west-2 but the function is in us-east-1/);
    const noImage = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '1' });
    expect(build({ artifact: noImage, code: undefined, handler: undefined, runtime: undefined })).toThrow(/'artifact' \("chat@1"\) has no serving image for 'cpu-x86_64' and no 'code' was given/);
  });

  test('artifacts Lambda cannot load: a model package, or no CPU build', () => {
    const pkg = ModelArtifact.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/chat/3', { name: 'chat', version: '3' });
    expect(build({ artifact: pkg })).toThrow(/is a SageMaker model package, which Lambda cannot load/);
    const gpuOnly = ModelArtifact.fromAsset(FP32, { name: 'chat', version: '1', targets: [HardwareTarget.NVIDIA_GPU] });
    expect(build({ artifact: gpuOnly })).toThrow(/has no build for hardware target 'cpu-x86_64'/);
  });

  test('environment: lane-owned variables and the 4 KB limit', () => {
    expect(build({ environment: { MODEL_S3_URI: 's3://elsewhere/model' } })).toThrow(/'environment.MODEL_S3_URI' \("s3:\/\/elsewhere\/model"\) is set by the lane from the artifact/);
    expect(build({ environment: { PROMPT: 'x'.repeat(5000) } })).toThrow(/exceeds Lambda's 4096-byte limit on environment variables \(largest: PROMPT 5006 B/);
  });

  test('rollout combinations CodeDeploy cannot render', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300));
    const hook = (s: Stack) => lambda.Function.fromFunctionName(s, 'Hook', 'CodeDeployHook_check');
    const s1 = newStack();
    expect(build({ preTrafficHook: hook(s1) }, s1)).toThrow(/'preTrafficHook' .* needs a rollout/);
    expect(build({ slo, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), finalBakeTime: Duration.minutes(20) }) }))
      .toThrow(/'rollout.finalBakeTime' \(20 minutes\) cannot be rendered: CodeDeploy Lambda deployments .* no final bake phase/);
    // An explicit value equal to the core default is not silently ignored either.
    expect(build({ slo, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), finalBakeTime: Duration.minutes(10) }) }))
      .toThrow(/'rollout.finalBakeTime' \(10 minutes\) cannot be rendered/);
    expect(build({ slo, rollout: Rollout.canary({ percent: 12.5, bakeTime: Duration.minutes(5) }) })).toThrow(/'rollout.percent' \(12.5\) must be a whole percent/);
    expect(build({ rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) })).toThrow(/'rollout' \("CANARY 10% \/ 5 minutes"\) rolls back on alarms, but there are none/);
    const s2 = newStack();
    const alarms = Array.from({ length: 9 }, (_, i) => new cloudwatch.Alarm(s2, `A${i}`, { metric: new cloudwatch.Metric({ namespace: 'X', metricName: `m${i}` }), threshold: 1, evaluationPeriods: 1 }));
    expect(build({ slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }), rollout: Rollout.allAtOnce({ alarms }) }, s2))
      .toThrow(/'rollout.alarms' \("11 alarms \(2 from the SLO\)"\) exceeds the 10 alarms/);
  });

  test('an SLO on time in queue: the lane has no queue metric', () => {
    expect(build({ slo: ServiceLevelObjective.timeInQueue(Duration.minutes(1)) })).toThrow(/'slo.maxTimeInQueue' .* cannot be watched: WarmServerlessFunction .* has no queue/);
  });
});
