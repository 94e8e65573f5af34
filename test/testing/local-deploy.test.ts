import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { storageStack } from './fixtures';
import { LocalDeploy } from '../../lib/testing';
import { once } from '../once';

/**
 * What a user's own stack has and the emulator cannot take as is (issue 16 item 2) or does not
 * create in CloudFormation (issue 15 part 2): a tagged KMS key, an ml.g5 endpoint, a Lambda-backed
 * custom resource whose attribute another resource reads, alarms (metric and metric math) whose
 * ARN is an output, a Lambda alias with provisioned concurrency, autoscaling with a schedule,
 * target tracking and steps, CodeDeploy, an IoT thing group, an Application Signals SLO.
 */
function addUserStyleResources(stack: cdk.Stack, queueMetric: cloudwatch.IMetric) {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  cdk.Tags.of(key).add('team', 'ml-platform');

  const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const model = new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: role.roleArn,
    primaryContainer: { image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-gpu-py311' },
  });
  const config = new sagemaker.CfnEndpointConfig(stack, 'EndpointConfig', {
    productionVariants: [{ variantName: 'AllTraffic', modelName: model.attrModelName, initialInstanceCount: 1, instanceType: 'ml.g5.xlarge', initialVariantWeight: 1 }],
  });
  const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
  const variant = new appscaling.ScalableTarget(stack, 'VariantScaling', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER, scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: `endpoint/${endpoint.attrEndpointName}/variant/AllTraffic`, minCapacity: 1, maxCapacity: 4,
  });
  variant.scaleOnMetric('Steps', { metric: queueMetric, scalingSteps: [{ upper: 0, change: -1 }, { lower: 100, change: +2 }], adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY });

  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  const lookup = new cdk.CfnCustomResource(stack, 'Lookup', { serviceToken: fn.functionArn });
  new ssm.StringParameter(stack, 'LookedUp', { stringValue: lookup.getAtt('Value').toString() });

  const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
  const scaling = alias.addAutoScaling({ minCapacity: 2, maxCapacity: 10 });
  scaling.scaleOnUtilization({ utilizationTarget: 0.7 });
  scaling.scaleOnSchedule('Surge', { schedule: appscaling.Schedule.cron({ minute: '30', hour: '16', day: '2', month: '3' }), minCapacity: 8, timeZone: cdk.TimeZone.AMERICA_NEW_YORK });

  const errors = new cloudwatch.Alarm(stack, 'ErrorRate', {
    metric: new cloudwatch.MathExpression({ expression: '100 * e / MAX([i, 1])', usingMetrics: { e: fn.metricErrors(), i: fn.metricInvocations() }, period: cdk.Duration.minutes(1) }),
    threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2,
  });
  new codedeploy.LambdaDeploymentGroup(stack, 'Deploy', { alias, deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES, alarms: [errors] });
  new codedeploy.LambdaDeploymentConfig(stack, 'Canary', { trafficRouting: new codedeploy.TimeBasedCanaryTrafficRouting({ interval: cdk.Duration.minutes(5), percentage: 20 }) });
  new iot.CfnThingGroup(stack, 'Kiosks', { thingGroupName: 'kiosks', thingGroupProperties: { thingGroupDescription: 'in-store kiosks' } });
  // moto creates these two but lists them without a physical id: LocalDeploy finds them through the IoT API.
  new iot.CfnRoleAlias(stack, 'TokenAlias', { roleAlias: 'kiosk-token', roleArn: role.roleArn });
  new iot.CfnPolicy(stack, 'DevicePolicy', { policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: '*' }] } });
  new cdk.CfnResource(stack, 'Slo', { type: 'AWS::ApplicationSignals::ServiceLevelObjective', properties: { Name: 'latency' } });
  new cdk.CfnOutput(stack, 'ErrorAlarmArn', { value: errors.alarmArn });
  return { key, config, lookup, alias, errors, variant };
}


/**
 * One real deployment to moto, shared by every assertion (bootstrap + deploy take ~10 s).
 */
describe('LocalDeploy (cdk bootstrap + deploy to moto_server)', () => {
  let deployment: LocalDeploy;
  let stack: cdk.Stack;
  let ids: { [name: string]: string };

  beforeAll(() => {
    const built = storageStack({ stackName: 'LocalDeployProbe' });
    stack = built.stack;
    const alarm = new cloudwatch.Alarm(stack, 'Backlog', {
      metric: built.queue.metricApproximateNumberOfMessagesVisible(), threshold: 10, evaluationPeriods: 1,
    });
    const target = new appscaling.CfnScalableTarget(stack, 'Target', {
      serviceNamespace: 'sagemaker', scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId: 'endpoint/probe/variant/AllTraffic', minCapacity: 1, maxCapacity: 2,
    });
    new cdk.CfnOutput(stack, 'QueueUrl', { value: built.queue.queueUrl });
    new cdk.CfnOutput(stack, 'BucketName', { value: built.bucket.bucketName });
    const user = addUserStyleResources(stack, built.queue.metricApproximateNumberOfMessagesVisible());
    const idOf = (c: any) => stack.getLogicalId((c.node.defaultChild ?? c) as cdk.CfnElement);
    ids = {
      bucket: idOf(built.bucket),
      queue: idOf(built.queue),
      dlq: idOf(stack.node.findChild('DeadLetters')),
      alarm: idOf(alarm),
      target: stack.getLogicalId(target),
      key: idOf(user.key),
      config: idOf(user.config),
      lookup: idOf(user.lookup),
      alias: idOf(user.alias),
      errors: idOf(user.errors),
    };
    deployment = LocalDeploy.deployStack(stack);
    // eslint-disable-next-line no-console
    console.log(`LocalDeploy timings (ms): ${JSON.stringify(deployment.result.timings)}\n${LocalDeploy.formatResult(deployment.result)}`);
  }, 600_000);

  afterAll(() => deployment?.stop());

  /**
   * What the first tests read back from the resources CloudFormation created, in ONE boto3 process
   * when the first of them runs (each process costs 1-2 s).
   */
  const read = once(() => {
    const created = new Map(deployment.result.created.map((r) => [r.logicalId, r]));
    const physicalId = (logicalId: string) => created.get(logicalId)?.physicalId ?? `<${logicalId} not created>`;
    const [encryption, versioning, buckets, queue, dlq, tags, config] = deployment.describeAllViaBoto3(JSON.stringify([
      { service: 's3', operation: 'get_bucket_encryption', params: { Bucket: physicalId(ids.bucket) } },
      { service: 's3', operation: 'get_bucket_versioning', params: { Bucket: physicalId(ids.bucket) } },
      { service: 's3', operation: 'ListBuckets' },
      { service: 'sqs', operation: 'GetQueueAttributes', params: { QueueUrl: deployment.result.outputs.QueueUrl, AttributeNames: ['All'] } },
      { service: 'sqs', operation: 'get_queue_url', params: { QueueName: physicalId(ids.dlq).split('/').pop() } },
      { service: 'kms', operation: 'list_resource_tags', params: { KeyId: physicalId(ids.key) } },
      { service: 'sagemaker', operation: 'describe_endpoint_config', params: { EndpointConfigName: physicalId(ids.config).split('/').pop() } },
    ]));
    return { encryption, versioning, buckets, queue, dlq, tags, config };
  });

  test('the stack is created and the real resources exist', () => {
    const result = deployment.result;
    expect(result).toMatchObject({ stackName: 'LocalDeployProbe', stackStatus: 'CREATE_COMPLETE', account: '123456789012', region: 'us-east-1' });
    expect(result.endpointUrl).toMatch(/^http:\/\/localhost:\d+$/);
    const created = new Map(result.created.map((r) => [r.logicalId, r]));
    expect(created.get(ids.bucket)).toMatchObject({ resourceType: 'AWS::S3::Bucket', status: 'CREATE_COMPLETE' });
    expect(created.get(ids.queue)).toMatchObject({ resourceType: 'AWS::SQS::Queue', status: 'CREATE_COMPLETE' });
    expect(created.get(ids.dlq)).toMatchObject({ resourceType: 'AWS::SQS::Queue' });

    const bucketName = created.get(ids.bucket)!.physicalId;
    expect(result.outputs.BucketName).toBe(bucketName);
    const { encryption, versioning, buckets, queue, dlq } = read();
    expect(encryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    // moto's CloudFormation S3 bucket applies BucketEncryption and Tags only: VersioningConfiguration is dropped.
    expect(versioning).toEqual({});
    expect(buckets.Buckets.map((b: any) => b.Name)).toEqual(expect.arrayContaining([bucketName, 'cdk-hnb659fds-assets-123456789012-us-east-1']));
    expect(queue.Attributes.SqsManagedSseEnabled).toBe('true');
    expect(JSON.parse(queue.Attributes.RedrivePolicy)).toMatchObject({ maxReceiveCount: 3 });

    // Read in the same boto3 process (the single-call form, describeViaBoto3, is used below: list_stacks, and its failures).
    const dlqUrl = dlq.QueueUrl;
    expect(dlqUrl).toMatch(/\/123456789012\/LocalDeployProbe-DeadLetters/);
  });

  test('resource types moto does not support are reported as skipped (whether or not then created via API)', () => {
    const result = deployment.result;
    const skipped = new Map(result.skipped.map((r) => [r.logicalId, r]));
    expect(skipped.get(ids.alarm)).toEqual({
      logicalId: ids.alarm, resourceType: 'AWS::CloudWatch::Alarm', reason: 'moto does not support AWS::CloudWatch::Alarm in CloudFormation',
    });
    expect(skipped.get(ids.target)).toMatchObject({ resourceType: 'AWS::ApplicationAutoScaling::ScalableTarget' });
    expect(skipped.get(ids.lookup)).toEqual({
      logicalId: ids.lookup, resourceType: 'AWS::CloudFormation::CustomResource',
      reason: 'removed from the emulator template: a Lambda-backed custom resource (its provider would have to run in Docker)',
    });
    expect(result.unsupportedTypes).toEqual(expect.arrayContaining([
      'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::CloudWatch::Alarm', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy',
    ]));
    // The same list is known without deploying (plus the custom resource, which LocalDeploy removes before moto sees it).
    expect(LocalDeploy.unsupportedResourceTypes(stack)).toEqual([...result.unsupportedTypes, 'AWS::CloudFormation::CustomResource'].sort());
    // Besides those, only the custom resource LocalDeploy removed and the version moto lists without a physical id are skipped.
    expect(Array.from(new Set(result.skipped.map((r) => r.resourceType))).filter((t) => !result.unsupportedTypes.includes(t)).sort())
      .toEqual(['AWS::CloudFormation::CustomResource', 'AWS::IoT::Policy', 'AWS::IoT::RoleAlias', 'AWS::Lambda::Version']);
  });

  test('the created/skipped split: every template resource is in exactly one place', () => {
    const result = deployment.result;
    const template = Object.keys(Template.fromStack(stack).toJSON().Resources);
    const created = result.created.map((r) => r.logicalId);
    const skipped = result.skipped.map((r) => r.logicalId);
    expect([...created, ...skipped].sort()).toEqual([...template].sort());
    expect(new Set([...created, ...skipped]).size).toBe(template.length);
    // What moto's CloudFormation skipped is then created via API, not created, or (created by moto but listed without a
    // physical id) confirmed through the API: exactly one of the three.
    const viaApi = result.createdViaApi.map((r) => r.logicalId);
    const notCreated = result.notCreated.map((r) => r.logicalId);
    const confirmed = result.confirmedViaApi.map((r) => r.logicalId);
    expect([...viaApi, ...notCreated, ...confirmed].sort()).toEqual([...skipped].sort());
    expect(new Set([...viaApi, ...notCreated, ...confirmed]).size).toBe(skipped.length);
    expect(created.filter((id) => viaApi.includes(id))).toEqual([]);
    expect(result.created.every((r) => r.physicalId.length > 0 && r.status === 'CREATE_COMPLETE')).toBe(true);
    expect(result.created.length).toBe(13);
    expect(result.confirmedViaApi).toEqual(expect.arrayContaining([{
      logicalId: expect.stringMatching(/^FnCurrentVersion/), resourceType: 'AWS::Lambda::Version',
      physicalId: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:LocalDeployProbe-Fn\w+-\w+:1$/),
      status: 'created by CloudFormation, found with ListVersionsByFunction',
    }, {
      logicalId: 'TokenAlias', resourceType: 'AWS::IoT::RoleAlias',
      physicalId: 'arn:aws:iot:us-east-1:123456789012:rolealias/kiosk-token', status: 'created by CloudFormation, found with DescribeRoleAlias',
    }, {
      logicalId: 'DevicePolicy', resourceType: 'AWS::IoT::Policy',
      physicalId: expect.stringMatching(/^arn:aws:iot:us-east-1:123456789012:policy\//), status: 'created by CloudFormation, found with GetPolicy',
    }]));
    expect(result.confirmedViaApi).toHaveLength(3);
    expect(result.createdViaApi.length).toBe(17);
    expect(result.notCreated.map((r) => `${r.resourceType}: ${r.reason}`).sort()).toEqual([
      'AWS::ApplicationSignals::ServiceLevelObjective: moto lacks the API: moto has no ApplicationSignals service',
      'AWS::CloudFormation::CustomResource: a Lambda-backed custom resource: its provider function would have to run (Docker), so it is not created locally',
      'AWS::CodeDeploy::DeploymentConfig: moto lacks the API: CreateDeploymentConfig is not implemented by moto',
    ]);
  });

  test("the user's stack deploys unmodified: every adaptation is listed and applies to the emulator only", () => {
    const result = deployment.result;
    const changes = result.adaptations.map((a) => `${a.logicalId} ${a.resourceType}: ${a.change}`);
    expect(changes).toEqual(expect.arrayContaining([
      `${ids.key} AWS::KMS::Key: removed Tags (1: team)`,
      `${ids.config} AWS::SageMaker::EndpointConfig: ProductionVariants[0].InstanceType ml.g5.xlarge -> ml.g4dn.xlarge`,
      `${ids.lookup} AWS::CloudFormation::CustomResource: removed from the emulator template; references to it get placeholder values`,
      `Outputs/ErrorAlarmArn Output: references to resources the emulator's CloudFormation does not create replaced: GetAtt ${ids.errors}.Arn -> 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:LocalDeployProbe-${ids.errors}'`,
    ]));
    expect(result.adaptations).toHaveLength(6);
    // The real template keeps the tags and the instance type.
    const real = Template.fromStack(stack);
    real.hasResourceProperties('AWS::KMS::Key', { Tags: [{ Key: 'team', Value: 'ml-platform' }] });
    real.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g5.xlarge' })] });
    // The emulator got the adapted ones.
    expect(result.created.find((r) => r.logicalId === ids.key)).toBeDefined();
    expect(result.created.find((r) => r.logicalId === ids.config)).toBeDefined();
    const { tags, config } = read();
    expect(tags.Tags).toEqual([]);
    expect(config.ProductionVariants[0].InstanceType).toBe('ml.g4dn.xlarge');
    const printed = LocalDeploy.formatResult(result);
    expect(printed).toMatch(/^LocalDeployProbe: CREATE_COMPLETE; 16 created by CloudFormation, 17 created via API, 3 not created\nAdapted for the emulator \(6; the real template is unchanged\):\n/);
    expect(printed).toContain(`  ${ids.key} (AWS::KMS::Key): removed Tags (1: team) — moto's KMS CloudFormation handler crashes on tagged keys`);
  });

  test('what CloudFormation skipped is created through the service APIs and reads back', () => {
    const result = deployment.result;
    const viaApi = new Map(result.createdViaApi.map((r) => [r.logicalId, r]));
    const errors = viaApi.get(ids.errors)!;
    expect(errors).toMatchObject({ resourceType: 'AWS::CloudWatch::Alarm', physicalId: `LocalDeployProbe-${ids.errors}`, apiCalls: ['PutMetricAlarm'], notes: [] });
    expect(errors.readBack).toBe('DescribeAlarms: metric math, 3 queries GreaterThanOrEqualToThreshold 5.0 over 3x-');
    const alias = viaApi.get(ids.alias)!;
    expect(alias).toMatchObject({ resourceType: 'AWS::Lambda::Alias', apiCalls: ['CreateAlias'], readBack: 'GetAlias: live -> version 1',
      notes: ['ProvisionedConcurrencyConfig (2) not applied: moto lacks PutProvisionedConcurrencyConfig'] });
    const byType = (t: string) => result.createdViaApi.filter((r) => r.resourceType === t);
    expect(byType('AWS::ApplicationAutoScaling::ScalingPolicy').map((r) => r.readBack).sort()).toEqual([
      expect.stringMatching(/^DescribeScalingPolicies: StepScaling 1 steps on endpoint\/LocalDeployProbe-Endpoint-\w+\/variant\/AllTraffic$/),
      expect.stringMatching(/^DescribeScalingPolicies: StepScaling 1 steps on endpoint\/LocalDeployProbe-Endpoint-\w+\/variant\/AllTraffic$/),
      expect.stringMatching(/^DescribeScalingPolicies: TargetTrackingScaling target 0.7 on function:LocalDeployProbe-Fn\w+-\w+:live$/),
    ]);
    expect(byType('AWS::ApplicationAutoScaling::ScalableTarget').find((r) => r.apiCalls.includes('PutScheduledAction Surge'))!.readBack)
      .toMatch(/lambda:function:ProvisionedConcurrency min 2 max 10; DescribeScheduledActions: 1$/);
    expect(byType('AWS::CodeDeploy::DeploymentGroup')[0].readBack)
      .toBe(`GetDeploymentGroup: LocalDeployProbe-${byType('AWS::CodeDeploy::DeploymentGroup')[0].logicalId}, config CodeDeployDefault.LambdaCanary10Percent5Minutes, 1 rollback alarms sent (moto does not return alarmConfiguration), auto-rollback True`);
    expect(byType('AWS::IoT::ThingGroup')[0]).toMatchObject({ physicalId: 'kiosks', readBack: 'DescribeThingGroup: arn:aws:iot:us-east-1:123456789012:thinggroup/kiosks' });
    expect(byType('AWS::S3::BucketPolicy')[0].readBack).toBe('GetBucketPolicy: 1 statement(s)');

    // Independently, through the APIs: the alarms with their real dimensions and math, the policies, the alias.
    const [alarms, policies, scheduled, aliasRead] = deployment.describeAllViaBoto3(JSON.stringify([
      { service: 'cloudwatch', operation: 'describe_alarms', params: {} },
      { service: 'application-autoscaling', operation: 'describe_scaling_policies', params: { ServiceNamespace: 'sagemaker' } },
      { service: 'application-autoscaling', operation: 'describe_scheduled_actions', params: { ServiceNamespace: 'lambda' } },
      { service: 'lambda', operation: 'get_alias', params: { FunctionName: alias.physicalId.split(':')[6], Name: 'live' } },
    ]));
    const alarmByName = new Map<string, any>(alarms.MetricAlarms.map((a: any) => [a.AlarmName, a]));
    expect(alarmByName.size).toBe(4);
    const math = alarmByName.get(`LocalDeployProbe-${ids.errors}`);
    expect(math.Metrics.map((m: any) => m.Expression ?? m.MetricStat.Metric.MetricName)).toEqual(['100 * e / MAX([i, 1])', 'Errors', 'Invocations']);
    expect(math.DatapointsToAlarm).toBe(2);
    // The output that referenced the alarm resolves to the alarm LocalDeploy created.
    expect(result.outputs.ErrorAlarmArn).toBe(math.AlarmArn);
    expect(Object.keys(result.outputs).sort()).toEqual(['BucketName', 'ErrorAlarmArn', 'QueueUrl']);
    // The backlog alarm watches the real queue (a Ref/GetAtt resolved from the created stack).
    const backlog = alarmByName.get(`LocalDeployProbe-${ids.alarm}`);
    expect(backlog.Dimensions).toEqual([{ Name: 'QueueName', Value: result.outputs.QueueUrl.split('/').pop() }]);
    // Step alarms trigger the step policies they belong to.
    const stepArns = policies.ScalingPolicies.map((p: any) => p.PolicyARN).sort();
    expect(stepArns).toHaveLength(2);
    expect([...alarmByName.values()].filter((a) => a.AlarmActions.length > 0).map((a) => a.AlarmActions[0]).sort()).toEqual(stepArns);
    expect(scheduled.ScheduledActions).toEqual([expect.objectContaining({ Schedule: 'cron(30 16 2 3 ? *)', Timezone: 'America/New_York', ScalableTargetAction: { MinCapacity: 8 } })]);
    expect(aliasRead.FunctionVersion).toBe('1');
  });

  test("the README's per-type table says what a real run reports", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    const table = readme.slice(readme.indexOf('| Resource type | Locally |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const documented = new Map<string, string>();
    for (const line of rows) {
      const [, types, locally] = line.split('|').map((c) => c.trim());
      const category = /^created by CloudFormation/.test(locally) ? 'created by CloudFormation' : /^created via API/.test(locally) ? 'created via API' : 'not created';
      for (const m of types.matchAll(/`([^`]+)`/g)) { documented.set(m[1], category); }
    }
    const rowOf = (type: string) => (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' ? 'Custom::*'
      : documented.has(type) ? type : `${type.split('::').slice(0, 2).join('::')}::*`);
    const r = deployment.result;
    const observed = [
      ...[...r.created, ...r.confirmedViaApi].map((x) => [x.resourceType, 'created by CloudFormation']),
      ...r.createdViaApi.map((x) => [x.resourceType, 'created via API']),
      ...r.notCreated.map((x) => [x.resourceType, 'not created']),
    ];
    // Every type of this deploy (23 of them) has a row, and the row says what happened to it.
    expect(new Set(observed.map(([t]) => t)).size).toBeGreaterThanOrEqual(20);
    for (const [type, category] of observed) {
      expect([type, documented.get(rowOf(type))]).toEqual([type, category]);
    }
  });

  test('phases are timed', () => {
    const t = deployment.result.timings;
    for (const phase of [t.serverStartMs, t.synthMs, t.bootstrapMs, t.deployMs, t.readBackMs, t.apiCreateMs]) {
      expect(phase).toBeGreaterThan(0);
    }
    expect(t.totalMs).toBeGreaterThanOrEqual(t.serverStartMs + t.bootstrapMs + t.deployMs + t.readBackMs + t.apiCreateMs);
  });

  test('boto3 failures and bad parameters throw clear errors', () => {
    expect(() => deployment.describeViaBoto3('sqs', 'get_queue_attributes', JSON.stringify({ QueueUrl: `${deployment.endpointUrl}/123456789012/nope` })))
      .toThrow(/boto3 sqs.get_queue_attributes failed: AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist/);
    expect(() => deployment.describeViaBoto3('sqs', 'list_queues', '{ nope')).toThrow(/LocalDeploy.describeViaBoto3\(sqs, list_queues\): params are not valid JSON/);
    expect(() => deployment.describeViaBoto3('sqs', 'list_queues', '[1]')).toThrow(/params must be a JSON object/);
    expect(() => deployment.describeViaBoto3('sqs', 'fly_to_the_moon')).toThrow(/boto3 sqs.fly_to_the_moon failed: ValueError: unknown operation fly_to_the_moon for service sqs/);
    expect(() => deployment.describeAllViaBoto3('{"service": "sqs"}')).toThrow(/calls must be a JSON array of \{service, operation, params\?\}/);
    expect(() => deployment.describeAllViaBoto3('[')).toThrow(/describeAllViaBoto3: calls are not valid JSON/);
  });

  // Failure paths, on the same moto server (a different stack each: moto handles first deploys only).
  test('a stack the emulator rejects fails with the cause and the fix (here with the adaptations off)', () => {
    const stack = new cdk.Stack(new cdk.App(), 'Rejected');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    cdk.Tags.of(key).add('team', 'ml-platform');
    let message = '';
    try {
      LocalDeploy.deployStack(stack, { adaptForEmulator: false, onServerOf: deployment });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^cdk deploy of 'Rejected' against moto failed \(exit code 1\)\.\ncdk said:\n {2}❌ +Rejected failed to deploy/);
    expect(message).toContain("Cause: moto's KMS CloudFormation handler crashes on an AWS::KMS::Key with Tags (moto answers HTTP 500). Fix: keep adaptForEmulator on (the default)");
    expect(message).toContain("moto raised: KeyError: 'TagKey'");
  }, 120_000);

  test('a deploy that exits 0 while the stack is not CREATE_COMPLETE is a failure (stub CDK CLI)', () => {
    // A stand-in for the CDK CLI: it creates the stack with a custom resource whose provider moto can
    // never run (no Docker), so the stack stays CREATE_IN_PROGRESS, and exits 0 like a CLI that stopped waiting.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-cdk-'));
    try {
      const realCli = require.resolve('aws-cdk/package.json');
      const bootstrapDir = path.join(dir, 'lib', 'api', 'bootstrap');
      fs.mkdirSync(bootstrapDir, { recursive: true });
      fs.copyFileSync(path.join(path.dirname(realCli), 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'), path.join(bootstrapDir, 'bootstrap-template.yaml'));
      fs.mkdirSync(path.join(dir, 'bin'));
      const cli = path.join(dir, 'bin', 'cdk');
      const py = [
        'import boto3, io, json, os, sys, zipfile',
        "kw = dict(endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-1')",
        "buf = io.BytesIO(); z = zipfile.ZipFile(buf, 'w'); z.writestr('index.js', 'exports.handler = async () => ({})'); z.close()",
        "iam = boto3.client('iam', **kw); role = iam.create_role(RoleName='r', AssumeRolePolicyDocument='{}')['Role']['Arn']",
        "fn = boto3.client('lambda', **kw).create_function(FunctionName='provider', Runtime='nodejs22.x', Role=role, Handler='index.handler', Code={'ZipFile': buf.getvalue()})['FunctionArn']",
        "tpl = {'Resources': {'Lookup': {'Type': 'Custom::Lookup', 'Properties': {'ServiceToken': fn}}}}",
        "boto3.client('cloudformation', **kw).create_stack(StackName=sys.argv[1], TemplateBody=json.dumps(tpl))",
      ].join('\n');
      fs.writeFileSync(cli, `const { execFileSync } = require('child_process');\nif (process.argv[2] === 'deploy') { execFileSync('python3', ['-W', 'ignore', '-c', ${JSON.stringify(py)}, process.argv[3]], { stdio: 'inherit' }); }\n`);
      const { stack } = storageStack({ stackName: 'Stubbed' });
      expect(() => LocalDeploy.deployStack(stack, { cdkCliPath: cli, onServerOf: deployment }))
        .toThrow(/^cdk deploy of 'Stubbed' exited 0 but the stack is CREATE_IN_PROGRESS\./);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('createSkippedViaApi: false leaves what CloudFormation skipped uncreated, and says so', () => {
    const { stack: plain } = storageStack({ stackName: 'NoApiCreation' });
    const other = LocalDeploy.deployStack(plain, { onServerOf: deployment, createSkippedViaApi: false });
    try {
      expect(other.result.createdViaApi).toEqual([]);
      expect(other.result.notCreated.map((r) => `${r.resourceType}: ${r.reason}`)).toEqual([
        'AWS::S3::BucketPolicy: moto does not support AWS::S3::BucketPolicy in CloudFormation; createSkippedViaApi is off',
        'AWS::SQS::QueuePolicy: moto does not support AWS::SQS::QueuePolicy in CloudFormation; createSkippedViaApi is off',
        'AWS::SQS::QueuePolicy: moto does not support AWS::SQS::QueuePolicy in CloudFormation; createSkippedViaApi is off',
      ]);
      const bucket = other.result.created.find((r) => r.resourceType === 'AWS::S3::Bucket')!.physicalId;
      expect(() => other.describeViaBoto3('s3', 'get_bucket_policy', JSON.stringify({ Bucket: bucket }))).toThrow(/NoSuchBucketPolicy/);
    } finally {
      other.stop();
    }
  }, 120_000);

  test('onServerOf: the failed deploys above borrowed this server and left it running; a stack for another region is refused', () => {
    // The deploys above ran with onServerOf: their stop() (on failure, or explicit) must not stop the host's server.
    expect(deployment.running).toBe(true);
    const stacks = deployment.describeViaBoto3('cloudformation', 'list_stacks').StackSummaries.map((x: any) => x.StackName).sort();
    expect(stacks).toEqual(expect.arrayContaining(['CDKToolkit', 'LocalDeployProbe', 'NoApiCreation', 'Stubbed']));
    const { stack: elsewhere } = storageStack({ stackName: 'Elsewhere', env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => LocalDeploy.deployStack(elsewhere, { onServerOf: deployment }))
      .toThrow("LocalDeploy: onServerOf runs account 123456789012 in us-east-1, but stack 'Elsewhere' targets 123456789012 in eu-west-1");
  });

  test('stop() kills the server and is idempotent', () => {
    const url = deployment.endpointUrl;
    expect(deployment.running).toBe(true);
    deployment.stop();
    deployment.stop();
    expect(deployment.running).toBe(false);
    expect(() => deployment.describeViaBoto3('sqs', 'list_queues')).toThrow(/the moto server is stopped/);
    const probe = require('child_process').spawnSync(process.execPath, ['-e',
      `require('http').get('${url}/moto-api/', () => process.exit(0)).on('error', () => process.exit(3))`], { timeout: 10_000 });
    expect(probe.status).toBe(3);
  });

  test('onServerOf a stopped deployment is an error', () => {
    expect(() => LocalDeploy.deployStack(storageStack({ stackName: 'Late' }).stack, { onServerOf: deployment }))
      .toThrow('LocalDeploy: onServerOf is a deployment whose moto server is stopped');
  });
});

describe('LocalDeploy preconditions', () => {
  test('lists the resource types moto can create', () => {
    const types = LocalDeploy.supportedResourceTypes();
    expect(types).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SageMaker::Endpoint', 'AWS::Lambda::Function']));
    expect(types).not.toContain('AWS::CloudWatch::Alarm');
    expect(() => LocalDeploy.supportedResourceTypes('python-not-here')).toThrow(/python-not-here is not installed/);
  });

  test('a stack that is not in the assembly is reported with the available stacks', () => {
    const { app } = storageStack({ stackName: 'Present' });
    const dir = app.synth().directory;
    expect(() => LocalDeploy.deployAssembly(dir, 'Absent')).toThrow(/LocalDeploy: stack 'Absent' not found in .*; stacks: Present/);
    expect(() => LocalDeploy.deployAssembly('/does/not/exist', 'Present')).toThrow();
  });

  test('missing moto_server gives the install hint', () => {
    const { app } = storageStack();
    const dir = app.synth().directory;
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(LocalDeploy.isInstalled()).toBe(false);
      expect(() => LocalDeploy.deployAssembly(dir, 'Storage')).toThrow(/moto is not installed: run `pip install cfn-lint 'moto\[server\]'`/);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(LocalDeploy.isInstalled()).toBe(true);
  });
});

