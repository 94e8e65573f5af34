import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import './fixtures';
import { ApiContract, ApiContractFinding, ApiContractResult } from '../../lib/testing';

const DIGEST = Buffer.alloc(32, 7).toString('base64');

/** A recipe in the shape the edge lane renders (JSON), with one manifest. */
function recipe(platform: { [key: string]: string }): string {
  return JSON.stringify({
    RecipeFormatVersion: '2020-01-25',
    ComponentName: 'com.example.Model',
    ComponentVersion: '1.4.0',
    Manifests: [{
      Platform: platform,
      Lifecycle: { Setenv: { MODEL_DIR: '{work:path}/model' }, Install: { Script: 'tar -xzf {artifacts:path}/m.gz', Timeout: 600 }, Run: 'python3 serve.py' },
      Artifacts: [{ Uri: 's3://my-bucket/m.gz', Digest: DIGEST, Algorithm: 'SHA-256', Unarchive: 'NONE', Permission: { Read: 'OWNER', Execute: 'NONE' } }],
    }],
  });
}

interface ContractStack {
  readonly stack: cdk.Stack;
  readonly endpoint: sagemaker.CfnEndpoint;
  readonly target: appscaling.CfnScalableTarget;
  readonly policy: appscaling.CfnScalingPolicy;
  readonly alarm: cloudwatch.CfnAlarm;
  readonly fn: lambda.CfnFunction;
  readonly alias: lambda.CfnAlias;
  readonly component: greengrassv2.CfnComponentVersion;
  readonly queue: sqs.CfnQueue;
}

/** A small stack of L1 resources that respects every API contract ApiContract checks. */
function contractStack(id: string = 'Contract', options: { describeAlarms?: boolean; modelRolePrincipal?: string } = {}): ContractStack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, id);
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal(options.modelRolePrincipal ?? 'sagemaker.amazonaws.com') });
  if (options.describeAlarms ?? true) {
    // SageMaker reads the auto-rollback alarms with the execution role.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: 'model-latency', arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME })] }));
  }
  const model = new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: role.roleArn,
    primaryContainer: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1', modelDataUrl: 's3://my-bucket/model.tar.gz' },
  });
  const config = new sagemaker.CfnEndpointConfig(stack, 'Config', {
    productionVariants: [{ variantName: 'primary', modelName: model.attrModelName, instanceType: 'ml.m5.xlarge', initialInstanceCount: 2, initialVariantWeight: 1 }],
  });
  const alarm = new cloudwatch.CfnAlarm(stack, 'Latency', {
    alarmName: 'model-latency',
    namespace: 'AWS/SageMaker',
    metricName: 'ModelLatency',
    dimensions: [{ name: 'VariantName', value: 'primary' }],
    statistic: 'Average',
    period: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: 300000,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
  const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', {
    endpointConfigName: config.attrEndpointConfigName,
    deploymentConfig: {
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 0 },
        maximumExecutionTimeoutInSeconds: 1800,
      },
      autoRollbackConfiguration: { alarms: [{ alarmName: 'model-latency' }] },
    },
  });
  const target = new appscaling.CfnScalableTarget(stack, 'Target', {
    serviceNamespace: 'sagemaker',
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: cdk.Fn.join('', ['endpoint/', endpoint.attrEndpointName, '/variant/primary']),
    minCapacity: 2,
    maxCapacity: 8,
    scheduledActions: [{ scheduledActionName: 'surge', schedule: 'cron(0 8 * * ? *)', scalableTargetAction: { minCapacity: 4, maxCapacity: 8 } }],
  });
  const policy = new appscaling.CfnScalingPolicy(stack, 'Policy', {
    policyName: 'invocations',
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.ref,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: 100,
      predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
    },
  });
  const fnRole = new iam.Role(stack, 'FnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const fn = new lambda.CfnFunction(stack, 'Fn', {
    role: fnRole.roleArn,
    runtime: 'python3.12',
    handler: 'index.handler',
    code: { zipFile: 'def handler(e, c):\n  return 1\n' },
    memorySize: 1024,
    timeout: 30,
    reservedConcurrentExecutions: 20,
  });
  const version = new lambda.CfnVersion(stack, 'Version', { functionName: fn.ref });
  const alias = new lambda.CfnAlias(stack, 'Alias', {
    functionName: fn.ref,
    functionVersion: version.attrVersion,
    name: 'live',
    provisionedConcurrencyConfig: { provisionedConcurrentExecutions: 10 },
  });
  const component = new greengrassv2.CfnComponentVersion(stack, 'Component', { inlineRecipe: recipe({ os: 'linux', architecture: 'aarch64' }) });
  const queue = new sqs.CfnQueue(stack, 'Queue', { visibilityTimeout: 300, messageRetentionPeriod: 1209600, receiveMessageWaitTimeSeconds: 20 });
  return { stack, endpoint, target, policy, alarm, fn, alias, component, queue };
}
function only(findings: ApiContractFinding[]) {
  return findings.map((f) => ({ ruleId: f.ruleId, logicalId: f.logicalId, propertyPath: f.propertyPath }));
}

/** The error a call throws (so several `toThrow` assertions check one real run). */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** A stack planted with one regression; built and validated in the shared run of `beforeAll`. */
interface Planted<T> {
  /** What the builder returned (the stack and the resources it planted on). */
  readonly built: T;
  /** This stack's result from the shared validator run. */
  readonly result: ApiContractResult;
}

/**
 * Every planted stack of this file is validated in ONE validator run (one Python start-up and one
 * botocore model load instead of ~40): `plant` registers a builder next to the test that reads it,
 * `beforeAll` builds every stack, validates them with `ApiContract.validateStacks` and hands each
 * test its own result. Results come back in order, one per stack, each named by its own stack only.
 */
const planted: Array<{ build: () => { stack: cdk.Stack }; built?: { stack: cdk.Stack }; result?: ApiContractResult }> = [];
let sharedRun: ApiContractResult[] = [];
function plant<T extends { stack: cdk.Stack }>(build: () => T): Planted<T> {
  const entry: { build: () => T; built?: T; result?: ApiContractResult } = { build };
  planted.push(entry as any);
  return {
    get built(): T {
      if (!entry.built) { throw new Error('planted stacks are built in beforeAll'); }
      return entry.built;
    },
    get result(): ApiContractResult {
      if (!entry.result) { throw new Error('planted stacks are validated in beforeAll'); }
      return entry.result;
    },
  };
}
/** A planted stack that is only the clean contract stack with a change made by `plant`. */
function plantOn(change: (c: ContractStack) => void, id?: string, options?: { describeAlarms?: boolean; modelRolePrincipal?: string }): Planted<ContractStack> {
  return plant(() => {
    const c = contractStack(id, options);
    change(c);
    return c;
  });
}

describe('ApiContract (botocore models)', () => {
  beforeAll(() => {
    for (const p of planted) { p.built = p.build(); }
    sharedRun = ApiContract.validateStacks(planted.map((p) => p.built!.stack));
    expect(sharedRun).toHaveLength(planted.length);
    planted.forEach((p, i) => { p.result = sharedRun[i]; });
  });

  test('a stack that respects every contract is valid; every covered resource is checked against its API', () => {
    const { stack } = contractStack();
    const result = ApiContract.assertValid(stack);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const ops = Object.fromEntries(result.resources.map((r) => [r.resourceType, r.operations]));
    expect(ops).toEqual({
      'AWS::SageMaker::Model': ['sagemaker:CreateModel'],
      'AWS::SageMaker::EndpointConfig': ['sagemaker:CreateEndpointConfig'],
      'AWS::SageMaker::Endpoint': ['sagemaker:CreateEndpoint'],
      'AWS::CloudWatch::Alarm': ['cloudwatch:PutMetricAlarm'],
      'AWS::ApplicationAutoScaling::ScalableTarget': ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:PutScheduledAction'],
      'AWS::ApplicationAutoScaling::ScalingPolicy': ['application-autoscaling:PutScalingPolicy'],
      'AWS::Lambda::Function': ['lambda:CreateFunction', 'lambda:PutFunctionConcurrency'],
      'AWS::Lambda::Version': ['lambda:PublishVersion'],
      'AWS::Lambda::Alias': ['lambda:CreateAlias', 'lambda:PutProvisionedConcurrencyConfig'],
      'AWS::GreengrassV2::ComponentVersion': ['greengrassv2:CreateComponentVersion'],
      'AWS::SQS::Queue': ['sqs:CreateQueue'],
      'AWS::IAM::Role': ['iam:CreateRole'],
      'AWS::IAM::Policy': ['iam:PutRolePolicy'],
    });
    for (const r of result.resources) {
      expect([r.resourceType, r.checkedFields > 0 || r.resourceType === 'AWS::Lambda::Version']).toEqual([r.resourceType, true]);
    }
    expect(result.resources.find((r) => r.resourceType === 'AWS::SageMaker::Endpoint')?.constructPath).toBe('Contract/Endpoint');
    expect(result.botocoreVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  const noWaitInterval = plantOn((c) => c.endpoint.addPropertyDeletionOverride('DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds'));
  test('ALL_AT_ONCE traffic routing without WaitIntervalInSeconds: CreateEndpoint requires it (cfn-lint passes it)', () => {
    const { stack, endpoint } = noWaitInterval.built;
    const result = noWaitInterval.result;
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({
      ruleId: 'required',
      logicalId: stack.resolve(endpoint.logicalId),
      resourceType: 'AWS::SageMaker::Endpoint',
      constructPath: 'Contract/Endpoint',
      propertyPath: 'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds',
      apiMember: 'sagemaker CreateEndpoint DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds',
      value: '<absent>',
      rule: 'sagemaker CreateEndpoint requires DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds (TrafficRoutingConfig.WaitIntervalInSeconds)',
    })]);
    // assertValid validates the stack itself (its own run) and throws; one real run, three checks of its message.
    const thrown = thrownBy(() => ApiContract.assertValid(stack));
    expect(() => { throw thrown; }).toThrow(new RegExp([
      "ApiContract found 1 problem\\(s\\) in stack 'Contract':",
      '  \\[error\\] required Contract/Endpoint \\(Endpoint \\S+\\) DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds = <absent>: ',
    ].join('\n').replace('\\S+', 'AWS::SageMaker::Endpoint')));
    expect(() => { throw thrown; }).toThrow(/is missing WaitIntervalInSeconds: sagemaker CreateEndpoint rejects the request \(TrafficRoutingConfig.WaitIntervalInSeconds is required, integer 0..3600\)/);
    expect(() => { throw thrown; }).toThrow(/Fix: set DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds \(integer 0..3600\)/);
  });

  const noDescribe = plant(() => contractStack('NoDescribe', { describeAlarms: false }));
  test('auto-rollback alarms need cloudwatch:DescribeAlarms on the execution role (resolved through config, model and IAM policies)', () => {
    const result = noDescribe.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'sagemaker-rollback-permission', logicalId: 'Endpoint', propertyPath: 'DeploymentConfig.AutoRollbackConfiguration.Alarms' }]);
    expect(result.errors[0].message).toBe(
      'no policy of execution role Role1ABCC5F0 (NoDescribe/Role/Resource) allows cloudwatch:DescribeAlarms: SageMaker cannot read the rollback alarms, so a bad version is not rolled back');
    expect(result.errors[0].fix).toBe('grant cloudwatch:DescribeAlarms on the rollback alarm ARNs to Role1ABCC5F0 (NoDescribe/Role/Resource)');
  });

  const queueAgeAlarm = plantOn(({ alarm }) => {
    alarm.addPropertyOverride('Namespace', 'AWS/SQS');
    alarm.addPropertyOverride('MetricName', 'ApproximateAgeOfOldestMessage');
    alarm.addPropertyOverride('Dimensions', [{ Name: 'QueueName', Value: 'jobs' }]);
  });
  test('a rollback alarm that only watches a queue\'s age is a warning (issue 12 item 13, caught on the pre-fix examples)', () => {
    const result = queueAgeAlarm.result;
    expect(result.errors).toEqual([]);
    expect(only(result.warnings)).toEqual([{ ruleId: 'rollback-alarm-queue-signal', logicalId: 'Endpoint', propertyPath: 'DeploymentConfig.AutoRollbackConfiguration.Alarms[0].AlarmName' }]);
    expect(result.warnings[0].message).toBe(
      'rollback alarm Latency (Contract/Latency) watches only ApproximateAgeOfOldestMessage: a backlog that existed before the deploy rolls back a healthy version');
  });

  const singlePeriod = plantOn(({ alarm }) => alarm.addPropertyOverride('DatapointsToAlarm', 1));
  // ServiceLevelObjective's rollback alarms: one datapoint over a window (Period = the window, 1 of 1)
  const window120 = plantOn(({ alarm }) => { alarm.addPropertyOverride('DatapointsToAlarm', 1); alarm.addPropertyOverride('EvaluationPeriods', 1); alarm.addPropertyOverride('Period', 120); });
  const window60 = plantOn(({ alarm }) => { alarm.addPropertyOverride('DatapointsToAlarm', 1); alarm.addPropertyOverride('EvaluationPeriods', 1); alarm.addPropertyOverride('Period', 60); });
  test('one datapoint over a window of 2 minutes or more is accepted; over 1 minute it is the single-period warning', () => {
    expect(window120.result.warnings.map((f) => f.ruleId)).not.toContain('rollback-alarm-single-period');
    expect(only(window60.result.warnings)).toEqual([{ ruleId: 'rollback-alarm-single-period', logicalId: 'Endpoint', propertyPath: 'DeploymentConfig.AutoRollbackConfiguration.Alarms[0].AlarmName' }]);
    expect(window60.result.warnings[0].fix).toBe('set DatapointsToAlarm (M of N) to 2 or more, or judge one window of at least 2 minutes (Period >= 120 s)');
  });
  const twoOfThree = plant(() => contractStack('TwoOfThree'));
  test('a rollback alarm that fires on a single 1-minute period is a warning (issue 12 item 12); 2 of N is accepted', () => {
    const result = singlePeriod.result;
    expect(only(result.warnings)).toEqual([{ ruleId: 'rollback-alarm-single-period', logicalId: 'Endpoint', propertyPath: 'DeploymentConfig.AutoRollbackConfiguration.Alarms[0].AlarmName' }]);
    expect(result.warnings[0].message).toBe('rollback alarm Latency (Contract/Latency) fires on 1 breaching period');
    // The clean stack's alarm is 2 of 3.
    expect(twoOfThree.result.warnings).toEqual([]);
  });

  const wrongTrust = plant(() => contractStack('WrongTrust', { modelRolePrincipal: 'lambda.amazonaws.com' }));
  test('a role the service cannot assume fails where the API checks it (CreateModel)', () => {
    const result = wrongTrust.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'role-trust', logicalId: 'Model', propertyPath: 'ExecutionRoleArn' }]);
    expect(result.errors[0].message).toBe(
      'role Role1ABCC5F0 (WrongTrust/Role/Resource) does not trust sagemaker.amazonaws.com (it trusts lambda.amazonaws.com): CreateModel fails: SageMaker cannot assume the role');
  });

  const iotAlias = plant(() => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Iot');
    const deviceRole = new iam.Role(stack, 'DeviceRole', { assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com') });
    new iot.CfnRoleAlias(stack, 'Alias', { roleAlias: 'kiosks-tes', roleArn: deviceRole.roleArn, credentialDurationSeconds: 3600 });
    new iot.CfnPolicy(stack, 'Policy', {
      policyName: 'kiosks-tes-alias',
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: stack.formatArn({ service: 'iot', resource: 'rolealias', resourceName: 'kiosk-tes' }) }] },
    });
    return { stack };
  });
  test('an IoT policy granting a role alias the template does not define is a warning', () => {
    const result = iotAlias.result;
    expect(result.errors).toEqual([]);
    expect(only(result.warnings)).toEqual([{ ruleId: 'iot-role-alias-ref', logicalId: 'Policy', propertyPath: 'PolicyDocument.Statement[0].Resource' }]);
    expect(result.warnings[0].message).toBe('the policy grants role alias "kiosk-tes", but this template defines kiosks-tes');
  });

  // A synthesized App is cached: each variant gets its own stack.
  const waitIntervalMax = plantOn(({ endpoint }) => endpoint.addPropertyOverride('DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds', 3600));
  const waitIntervalOver = plantOn(({ endpoint }) => endpoint.addPropertyOverride('DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds', 3601));
  test('the model ranges are checked at their boundaries (WaitIntervalInSeconds 0..3600)', () => {
    expect(waitIntervalMax.result.errors).toEqual([]);
    const result = waitIntervalOver.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'range', logicalId: 'Endpoint', propertyPath: 'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds' }]);
    expect(result.errors[0].message).toMatch(/3601 is out of range; sagemaker CreateEndpoint .*WaitIntervalInSeconds accepts 0 to 3600/);
  });

  const unknownMetricType = plantOn(({ policy }) => policy.addPropertyOverride('TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType', 'SageMakerVariantGPUUtilization'));
  test('a predefined metric type that does not exist fails with the list of valid types', () => {
    const result = unknownMetricType.result;
    expect(only(result.errors)).toEqual([{
      ruleId: 'enum', logicalId: 'Policy', propertyPath: 'TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType',
    }]);
    expect(result.errors[0].message).toMatch(/"SageMakerVariantGPUUtilization" is not a valid MetricType: application-autoscaling PutScalingPolicy .* accepts one of .*SageMakerVariantInvocationsPerInstance/);
    expect(result.errors[0].constructPath).toBe('Contract/Policy');
  });

  test('a predefined metric of another service than the scaled dimension is rejected', () => {
    const { stack, policy } = contractStack();
    policy.addPropertyOverride('TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType', 'ECSServiceAverageCPUUtilization');
    expect(() => ApiContract.assertValid(stack)).toThrow(/autoscaling-metric-dimension .*PredefinedMetricType ECSServiceAverageCPUUtilization measures ecs:service:\.\.\., but the policy scales sagemaker:variant:DesiredInstanceCount/);
  });

  const namespaceMismatch = plantOn(({ target }) => target.addPropertyOverride('ServiceNamespace', 'ecs'));
  test('a scalable dimension that does not match its service namespace fails on the target and on the policy that scales it', () => {
    const result = namespaceMismatch.result;
    expect(only(result.errors)).toEqual([
      { ruleId: 'autoscaling-dimension-namespace', logicalId: 'Policy', propertyPath: 'ScalableDimension' },
      { ruleId: 'autoscaling-dimension-namespace', logicalId: 'Target', propertyPath: 'ScalableDimension' },
    ]);
    expect(result.errors[1].message).toBe(
      'ScalableDimension sagemaker:variant:DesiredInstanceCount belongs to namespace sagemaker, but ServiceNamespace is ecs: application-autoscaling RegisterScalableTarget rejects the pair');
  });

  const provisionedEqual = plantOn(({ alias }) => alias.addPropertyOverride('ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions', 20));
  const provisionedOver = plantOn(({ alias }) => alias.addPropertyOverride('ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions', 21));
  test('provisioned concurrency above the reserved concurrency fails; equal is accepted', () => {
    expect(provisionedEqual.result.errors).toEqual([]);
    const result = provisionedOver.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'lambda-provisioned-over-reserved', logicalId: 'Alias', propertyPath: 'ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions' }]);
    expect(result.errors[0].message).toBe('provisioned concurrency 21 exceeds the reserved concurrency 20 of function Fn: PutProvisionedConcurrencyConfig fails');
    expect(result.errors[0].fix).toBe('lower the provisioned concurrency to at most 20, or raise ReservedConcurrentExecutions of Fn');
  });

  const autoscaledOver = plantOn(({ stack, alias }) => {
    new appscaling.CfnScalableTarget(stack, 'PcTarget', {
      serviceNamespace: 'lambda',
      scalableDimension: 'lambda:function:ProvisionedConcurrency',
      resourceId: cdk.Fn.join('', ['function:', cdk.Fn.select(6, cdk.Fn.split(':', alias.ref)), ':live']),
      minCapacity: 25,
      maxCapacity: 40,
    });
  });
  test('an autoscaled provisioned concurrency above the reserved concurrency: minimum is an error, maximum a warning', () => {
    const result = autoscaledOver.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'lambda-provisioned-over-reserved', logicalId: 'PcTarget', propertyPath: 'MinCapacity' }]);
    expect(only(result.warnings)).toEqual([
      // The alias also sets ProvisionedConcurrencyConfig while the target scales it.
      { ruleId: 'lambda-provisioned-autoscaled', logicalId: 'Alias', propertyPath: 'ProvisionedConcurrencyConfig' },
      { ruleId: 'lambda-provisioned-over-reserved', logicalId: 'PcTarget', propertyPath: 'MaxCapacity' },
    ]);
  });

  const arm64Recipe = plantOn(({ component }) => component.addPropertyOverride('InlineRecipe', recipe({ os: 'linux', architecture: 'arm64' })));
  test('a Greengrass recipe whose platform no core device reports fails (arm64 is reported as aarch64)', () => {
    const result = arm64Recipe.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'greengrass-platform', logicalId: 'Component', propertyPath: 'InlineRecipe.Manifests[0].Platform.architecture' }]);
    expect(result.errors[0].message).toBe('Platform.architecture "arm64" is not an architecture a Greengrass core device reports, so no device matches this manifest and the deployment fails');
    expect(result.errors[0].fix).toBe('use aarch64');
    expect(result.errors[0].value).toBe('"arm64"');
  });

  const recipeRules = plantOn(({ component }) => {
    const r = JSON.parse(recipe({ os: 'Linux', architecture: 'amd64' }));
    r.RecipeFormatVersion = '2021-01-01';
    r.Manifests[0].Artifacts[0].Digest = 'ab'.repeat(32);
    r.Manifests[0].Lifecycle.Startup = 'serve --daemon';
    r.Manifests[0].Lifecycle.PostInstall = 'echo';
    component.addPropertyOverride('InlineRecipe', JSON.stringify(r));
  });
  test('Greengrass recipe rules: format version, digest, lifecycle keys, Run with Startup', () => {
    const result = recipeRules.result;
    expect(only(result.errors)).toEqual([
      { ruleId: 'greengrass-artifact-digest', logicalId: 'Component', propertyPath: 'InlineRecipe.Manifests[0].Artifacts[0].Digest' },
      { ruleId: 'greengrass-lifecycle', logicalId: 'Component', propertyPath: 'InlineRecipe.Manifests[0].Lifecycle' },
      { ruleId: 'greengrass-lifecycle', logicalId: 'Component', propertyPath: 'InlineRecipe.Manifests[0].Lifecycle.PostInstall' },
      { ruleId: 'greengrass-platform', logicalId: 'Component', propertyPath: 'InlineRecipe.Manifests[0].Platform.os' },
      { ruleId: 'greengrass-recipe-format-version', logicalId: 'Component', propertyPath: 'InlineRecipe.RecipeFormatVersion' },
    ]);
    expect(result.errors[0].message).toMatch(/is not a base64 SHA-256 digest \(hex\? base64-encode the raw hash bytes\)/);
  });

  const metricAndMetrics = plantOn(({ alarm }) => alarm.addPropertyOverride('Metrics', [
    { Id: 'm1', MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency' }, Period: 60, Stat: 'Average' }, ReturnData: true },
  ]));
  test('an alarm with both MetricName and Metrics fails', () => {
    const { stack } = metricAndMetrics.built;
    const result = metricAndMetrics.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'alarm-metric-exclusive', logicalId: 'Latency', propertyPath: 'Metrics' }]);
    expect(() => ApiContract.assertValid(stack)).toThrow(
      /alarm-metric-exclusive Contract\/Latency \(Latency AWS::CloudWatch::Alarm\) Metrics = .*both MetricName \("ModelLatency"\) and Metrics are set: PutMetricAlarm rejects the alarm/);
  });

  const mathRules = plantOn(({ alarm }) => {
    for (const p of ['MetricName', 'Namespace', 'Dimensions', 'Statistic', 'Period']) {
      alarm.addPropertyDeletionOverride(p);
    }
    alarm.addPropertyOverride('Metrics', [
      { Id: 'Errors', MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocation5XXErrors' }, Period: 60, Stat: 'Sum' } },
      { Id: 'rate', Expression: '100 * Errors / 10' },
    ]);
  });
  test('metric-math alarm rules: one query returns data, ids start lowercase, no single-metric fields', () => {
    const result = mathRules.result;
    expect(only(result.errors)).toEqual([
      { ruleId: 'metric-math-return-data', logicalId: 'Latency', propertyPath: 'Metrics' },
      { ruleId: 'metric-query-id', logicalId: 'Latency', propertyPath: 'Metrics[0].Id' },
    ]);
    expect(result.errors[0].message).toBe('Metrics: 2 queries return data ([0], [1]); the alarm needs exactly one');
  });

  const unknownVariant = plantOn(({ target, endpoint }) => target.addPropertyOverride('ResourceId', cdk.Fn.join('', ['endpoint/', endpoint.attrEndpointName, '/variant/secondary'])));
  test('a scalable target of a variant the endpoint config does not define fails (resolved through the template)', () => {
    const result = unknownVariant.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'autoscaling-sagemaker-variant', logicalId: 'Target', propertyPath: 'ResourceId' }]);
    expect(result.errors[0].message).toBe('ResourceId scales variant "secondary", but endpoint config Config has variants primary');
  });

  const undefinedQuery = plantOn(({ alarm }) => {
    for (const p of ['MetricName', 'Namespace', 'Dimensions', 'Statistic', 'Period']) {
      alarm.addPropertyDeletionOverride(p);
    }
    alarm.addPropertyOverride('Metrics', [
      { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocation5XXErrors' }, Period: 60, Stat: 'Total' }, ReturnData: false },
      { Id: 'rate', Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', ReturnData: true },
    ]);
  });
  test('an expression that references an undefined query id, and a statistic CloudWatch does not know, fail', () => {
    const result = undefinedQuery.result;
    expect(only(result.errors)).toEqual([
      { ruleId: 'metric-statistic', logicalId: 'Latency', propertyPath: 'Metrics[0].MetricStat.Stat' },
      { ruleId: 'metric-math-reference', logicalId: 'Latency', propertyPath: 'Metrics[1].Expression' },
    ]);
    expect(result.errors[1].message).toBe('Metrics[1].Expression references invocations, which no query of Metrics defines');
  });

  const autoscaledAlias = plantOn(({ stack, alias }) => {
    new appscaling.CfnScalableTarget(stack, 'PcTarget', {
      serviceNamespace: 'lambda',
      scalableDimension: 'lambda:function:ProvisionedConcurrency',
      resourceId: cdk.Fn.join('', ['function:', cdk.Fn.select(6, cdk.Fn.split(':', alias.ref)), ':live']),
      minCapacity: 5,
      maxCapacity: 20,
    });
  });
  test('an alias whose provisioned concurrency is also autoscaled is a warning', () => {
    const { stack } = autoscaledAlias.built;
    const result = autoscaledAlias.result;
    expect(result.errors).toEqual([]);
    expect(only(result.warnings)).toEqual([{ ruleId: 'lambda-provisioned-autoscaled', logicalId: 'Alias', propertyPath: 'ProvisionedConcurrencyConfig' }]);
    expect(() => ApiContract.assertValid(stack, { failOnWarnings: true })).toThrow(/\[warning\] lambda-provisioned-autoscaled Contract\/Alias/);
  });

  const ecsTask = plant(() => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Ecs');
    new ecs.CfnTaskDefinition(stack, 'Task', {
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '1024',
      memory: '1024',
      containerDefinitions: [{
        name: 'worker',
        image: 'public.ecr.aws/docker/library/python:3.12',
        resourceRequirements: [{ type: 'GPU', value: '1' }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'workers' } },
      }],
    });
    return { stack };
  });
  test('ECS task definitions: a GPU on Fargate, an impossible Fargate size, awslogs without its region', () => {
    const result = ecsTask.result;
    expect(only(result.errors)).toEqual([
      { ruleId: 'ecs-awslogs', logicalId: 'Task', propertyPath: 'ContainerDefinitions[0].LogConfiguration.Options.awslogs-region' },
      { ruleId: 'ecs-fargate-gpu', logicalId: 'Task', propertyPath: 'ContainerDefinitions[0].ResourceRequirements' },
      { ruleId: 'ecs-fargate-size', logicalId: 'Task', propertyPath: 'Memory' },
    ]);
    expect(result.errors[2].fix).toBe('use one of: Memory 2048, 3072, 4096, 5120, 6144, 7168, 8192');
  });

  const stepStack = (id: string, gapAt: number) => plant(() => {
    const c = contractStack(id);
    c.policy.addPropertyOverride('PolicyType', 'StepScaling');
    c.policy.addPropertyDeletionOverride('TargetTrackingScalingPolicyConfiguration');
    c.policy.addPropertyOverride('StepScalingPolicyConfiguration', {
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 300, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: gapAt, ScalingAdjustment: 2 },
      ],
    });
    return c;
  });
  const contiguousSteps = stepStack('Contiguous', 300);
  const gapSteps = stepStack('Gap', 400);
  test('step scaling intervals with a gap fail; contiguous ones pass', () => {
    expect(contiguousSteps.result.errors).toEqual([]);
    const result = gapSteps.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'autoscaling-step-intervals', logicalId: 'Policy', propertyPath: 'StepScalingPolicyConfiguration.StepAdjustments' }]);
    expect(result.errors[0].message).toBe('gap between 300 and 400');
  });

  const logsAndKms = plant(() => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Logs');
    new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 50, tags: [{ key: 'team', value: 'ml' }] });
    new kms.CfnKey(stack, 'Key', { enableKeyRotation: true, keyPolicy: { Version: '2012-10-17', Statement: [] }, tags: [{ key: 'team', value: 'ml' }] });
    return { stack };
  });
  test('a log retention CloudWatch Logs does not offer fails (PutRetentionPolicy); KMS tags map onto TagKey/TagValue', () => {
    const result = logsAndKms.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'logs-retention', logicalId: 'Logs', propertyPath: 'RetentionInDays' }]);
    expect(result.errors[0].message).toBe('RetentionInDays 50 is not a retention CloudWatch Logs offers: PutRetentionPolicy rejects it');
    expect(result.errors[0].fix).toBe('use the nearest allowed value, e.g. 60');
    expect(result.resources.map((r) => [r.logicalId, r.operations])).toEqual([
      ['Logs', ['logs:CreateLogGroup', 'logs:PutRetentionPolicy']],
      ['Key', ['kms:CreateKey']],
    ]);
  });

  const bigInlinePolicy = plant(() => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Iam');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // The L2 Role moves statements into overflow managed policies when they grow too large; an L1 policy does not.
    const resources = Array.from({ length: 300 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/models/*`);
    new iam.CfnPolicy(stack, 'Big', {
      policyName: 'big',
      roles: [role.roleName],
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] },
    });
    return { stack };
  });
  test('a role whose inline policies exceed 10,240 characters fails (counted across AWS::IAM::Policy resources)', () => {
    const result = bigInlinePolicy.result;
    expect(only(result.errors)).toEqual([{ ruleId: 'iam-inline-policy-size', logicalId: 'Role1ABCC5F0', propertyPath: 'Policies' }]);
    expect(result.errors[0].message).toMatch(/^the inline policies of role Role1ABCC5F0 \(Iam\/Role\/Resource\) total at least \d{5} characters: PutRolePolicy fails with LimitExceeded$/);
  });

  const sqsEdges = plantOn(({ queue }) => {
    queue.addPropertyOverride('VisibilityTimeout', 43200);
    queue.addPropertyOverride('MessageRetentionPeriod', 60);
  });
  const sqsBeyond = plantOn(({ queue }) => {
    queue.addPropertyOverride('VisibilityTimeout', 43201);
    queue.addPropertyOverride('MessageRetentionPeriod', 59);
  });
  test('SQS attribute ranges are checked at their boundaries', () => {
    expect(sqsEdges.result.errors).toEqual([]);
    const result = sqsBeyond.result;
    expect(only(result.errors)).toEqual([
      { ruleId: 'sqs-attribute-range', logicalId: 'Queue', propertyPath: 'MessageRetentionPeriod' },
      { ruleId: 'sqs-attribute-range', logicalId: 'Queue', propertyPath: 'VisibilityTimeout' },
    ]);
    expect(result.errors[1].message).toBe('VisibilityTimeout 43201 is outside 0..43200: CreateQueue rejects it');
  });

  const tokenCapacity = plantOn(({ stack, target }) => {
    const max = new cdk.CfnParameter(stack, 'MaxCapacity', { type: 'Number' });
    target.addPropertyOverride('MaxCapacity', max.valueAsNumber);
  });
  test('tokens are valid placeholders of the right type: not checked, and counted', () => {
    const result = tokenCapacity.result;
    expect(result.errors).toEqual([]);
    expect(result.skipped).toEqual(expect.arrayContaining([
      expect.objectContaining({ logicalId: 'Target', propertyPath: 'MaxCapacity', reason: expect.stringMatching(/^unresolved Ref MaxCapacity: a valid placeholder for integer MaxCapacity, not checked$/) }),
      expect.objectContaining({ logicalId: 'Target', propertyPath: 'ResourceId', reason: expect.stringMatching(/^unresolved Fn::Join: a valid placeholder for string ResourceId/) }),
      // A required member given as a token counts as present.
      expect.objectContaining({ logicalId: 'Endpoint', propertyPath: 'EndpointConfigName', reason: expect.stringMatching(/^unresolved Fn::GetAtt Config.EndpointConfigName/) }),
    ]));
  });

  const updateOnly = plantOn(({ endpoint }) => endpoint.addPropertyOverride('RetainAllVariantProperties', true));
  test('every skipped field is counted: tokens, generated names, properties with no API counterpart, uncovered types', () => {
    const result = updateOnly.result;
    expect(result.skipped).toEqual(expect.arrayContaining([
      expect.objectContaining({ logicalId: 'Endpoint', propertyPath: 'RetainAllVariantProperties', reason: 'UpdateEndpoint-only parameter; no create API to check it against' }),
      expect.objectContaining({ logicalId: 'Endpoint', propertyPath: 'EndpointName', reason: 'sagemaker CreateEndpoint EndpointName is generated or supplied by CloudFormation; not checked' }),
    ]));
    const perResource = result.resources.reduce((n, r) => n + r.skippedFields, 0);
    expect(perResource).toBe(result.skipped.length);
    expect(result.uncovered).toEqual([]);
    const custom = ApiContract.validateTemplate(JSON.stringify({ Resources: { C: { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' } } } }));
    expect(custom.uncovered).toEqual([{ template: 'template', logicalId: 'C', resourceType: 'Custom::Thing', constructPath: '' }]);
  });

  test('templates given as JSON: construct paths from aws:cdk:path metadata; many templates in one run', () => {
    const template = {
      Resources: {
        Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs', FifoQueue: true, DelaySeconds: 901 }, Metadata: { 'aws:cdk:path': 'App/Jobs/Resource' } },
      },
    };
    const [bad, clean] = ApiContract.validateTemplates([
      { name: 'first', templateJson: JSON.stringify(template) },
      { name: 'second', templateJson: JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }) },
    ]);
    expect(bad.errors.map((f) => [f.template, f.constructPath, f.ruleId, f.propertyPath])).toEqual([
      ['first', 'App/Jobs/Resource', 'sqs-attribute-range', 'DelaySeconds'],
      ['first', 'App/Jobs/Resource', 'sqs-fifo-name', 'QueueName'],
    ]);
    expect(clean.valid).toBe(true);
    expect(clean.template).toBe('second');
    expect(() => ApiContract.validateTemplate('{ nope')).toThrow(/ApiContract: template 'template' is not valid JSON/);
  });

  test('accepted findings need a reason and move to ignored', () => {
    const { stack, alarm } = contractStack();
    alarm.addPropertyOverride('Metrics', [{ Id: 'm1', Expression: 'm0 * 2' }]);
    expect(() => ApiContract.validate(stack, { ignoreFindings: [{ ruleId: 'alarm-metric-exclusive', reason: 'meh' }] }))
      .toThrow(/ApiContract ignored finding 'alarm-metric-exclusive' needs a reason of at least 10 characters/);
    const result = ApiContract.assertValid(stack, { ignoreFindings: [{ ruleId: 'alarm-metric-exclusive', logicalId: 'Latency', reason: 'planted for this test' }] });
    expect(result.ignored.map((f) => f.ruleId)).toEqual(['alarm-metric-exclusive']);
  });

  test('a missing Python fails with the install command; so does a Python without botocore', () => {
    const { stack } = contractStack();
    expect(() => ApiContract.validate(stack, { pythonExecutable: '/nonexistent/python3' }))
      .toThrow("ApiContract needs Python 3 with botocore, but '/nonexistent/python3' is not installed: run `pip install cfn-lint 'moto[server]'`");
    expect(ApiContract.isInstalled('/nonexistent/python3')).toBe(false);
    expect(ApiContract.isInstalled()).toBe(true);
    // An interpreter without site-packages cannot import botocore.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-contract-'));
    try {
      const bare = path.join(dir, 'python-bare');
      fs.writeFileSync(bare, '#!/bin/sh\nexec python3 -I -S "$@"\n', { mode: 0o755 });
      expect(() => ApiContract.validate(stack, { pythonExecutable: bare }))
        .toThrow(/ApiContract needs botocore in '.*python-bare' \(botocore is not importable: No module named 'botocore'\): run `pip install cfn-lint 'moto\[server\]'`/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const manyStacks = ['A', 'B', 'C'].map((id) => plant(() => contractStack(id)));
  test('one child process validates many stacks', () => {
    // Every planted stack of this file went through the one validateStacks call of beforeAll.
    expect(manyStacks.map((p) => [p.result.template, p.result.valid])).toEqual([['A', true], ['B', true], ['C', true]]);
    expect(sharedRun.length).toBeGreaterThanOrEqual(30);
    // One run: every result reports the same duration (speed is measured by `npm run bench`, not by a timed test).
    expect(new Set(sharedRun.map((r) => r.durationMs)).size).toBe(1);
  });
});

test('the validator ships as the Python file ApiContract runs (package.json files: lib/**/*.py)', () => {
  // ApiContract runs python3 lib/testing/private/api-contract.py (no embedded copy): the npm package must carry it.
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf-8'));
  expect(pkg.files).toContain('lib/**/*.py');
  expect(fs.existsSync(path.join(__dirname, '../../lib/testing/private/api-contract.py'))).toBe(true);
});
