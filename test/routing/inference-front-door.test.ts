import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ServiceLevelObjective } from '../../lib/core';
import { InferenceFrontDoor, InferenceFrontDoorProps, RouteTarget } from '../../lib/routing';
import { CfnLint, NagCheck } from '../../lib/testing';
import { ALIAS_ARN, BUCKET_KEY_ARN, ENV, ERRORS_ALARM_ARN, fullStack, LATENCY_ALARM_ARN, lanes, QUEUE_ARN, QUEUE_KEY_ARN } from './front-door-fixtures';

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

/** The ROUTER_CONFIG environment variable as one string (tokens rendered as their references). */
function routerConfigText(template: Template): string {
  const fns = template.findResources('AWS::Lambda::Function');
  const [fn] = Object.values(fns);
  return JSON.stringify(fn.Properties.Environment.Variables.ROUTER_CONFIG);
}

describe('entry: function URL', () => {
  test('AWS_IAM by default (prop omitted), on the live alias, buffered; no public permission', () => {
    const { stack } = fullStack();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Url', 1);
    t.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED', Qualifier: 'live',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoor'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    // The only Lambda permission is the failover rule's (events.amazonaws.com, scoped to the rule).
    const perms = Object.values(t.findResources('AWS::Lambda::Permission'));
    expect(perms.map(p => p.Properties.Principal)).toEqual(['events.amazonaws.com']);
  });

  test('allowUnauthenticatedAccess: true makes the URL public (NONE + both permissions) and warns', () => {
    const { stack } = fullStack({ allowUnauthenticatedAccess: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' });
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true });
    Annotations.fromStack(stack).hasWarning('/FrontDoorStack/FrontDoor', Match.stringLikeRegexp('allowUnauthenticatedAccess is true: anyone who knows the URL'));
  });

  test('allowUnauthenticatedAccess: false is the same as omitting it', () => {
    const { stack } = fullStack({ allowUnauthenticatedAccess: false });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
  });

  test('grantInvokeUrl gives a caller InvokeFunctionUrl (AWS_IAM) and InvokeFunction via the URL only, on the alias', () => {
    const { stack, frontDoor } = fullStack();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    frontDoor.grantInvokeUrl(caller);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: [
          { Action: 'lambda:InvokeFunctionUrl', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^FrontDoorAlias') }, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } },
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^FrontDoorAlias') }, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } } },
        ],
      },
    });
  });
});

describe('router function', () => {
  test('Node.js 24 on arm64, code from the shipped handler folder, env encrypted, JSON logs in its own log group', () => {
    const { stack } = fullStack();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 256, Timeout: 60,
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorKey'), 'Arn'] },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^FrontDoorLogGroup') } },
      ReservedConcurrentExecutions: Match.absent(),
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorKey'), 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: Match.absent() });
  });

  test('the configuration carries targets, limits and the failover table; no payload logging switch exists', () => {
    const { stack } = fullStack();
    const text = routerConfigText(Template.fromStack(stack));
    for (const fragment of [
      '\\"primary\\":{\\"kind\\":\\"sagemaker\\",\\"endpointName\\":\\"Assistant-Baseline\\"}',
      `\\"burst\\":{\\"kind\\":\\"lambda\\",\\"functionName\\":\\"${ALIAS_ARN}\\"}`,
      '\\"bucket\\":\\"assistant-results\\",\\"prefix\\":\\"results/\\",\\"failuresPrefix\\":\\"failures/\\",\\"maxMessageBytes\\":262144',
      // Lambda burst target: 4 MiB body limit by default (base64 inside a 6 MB event).
      '\\"maxBodyBytes\\":4194304,\\"hedgeAfterMs\\":0,\\"retryAfterSeconds\\":5,\\"retry\\":{\\"budgetPercent\\":10,\\"bucketSize\\":10,\\"jitterMs\\":25}',
      '\\"alarms\\":[\\"assistant-primary-latency\\",\\"assistant-primary-errors\\"],\\"cacheMs\\":5000',
    ]) {
      expect(text).toContain(fragment);
    }
    expect(text).not.toMatch(/logPayload/i);
  });

  test('SageMaker-only lanes default to 6 MB; the props are rendered', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    new InferenceFrontDoor(stack, 'FrontDoor', {
      primary: RouteTarget.sageMakerEndpoint({ endpointName: 'a' }),
      burst: RouteTarget.sageMakerEndpoint({ endpointName: 'b', region: 'us-west-2' }),
      hedgeAfter: Duration.millis(120), retryBudgetPercent: 5, retryBucketSize: 3, retryJitter: Duration.millis(0),
      retryAfter: Duration.seconds(2), timeout: Duration.seconds(30), memorySize: 512,
      provisionedConcurrentExecutions: 2, reservedConcurrentExecutions: 50, routeName: 'assistant',
    });
    const t = Template.fromStack(stack);
    const text = routerConfigText(t);
    expect(text).toContain('\\"route\\":\\"assistant\\"');
    expect(text).toContain('\\"burst\\":{\\"kind\\":\\"sagemaker\\",\\"endpointName\\":\\"b\\",\\"region\\":\\"us-west-2\\"}');
    expect(text).toContain('\\"maxBodyBytes\\":6291456,\\"hedgeAfterMs\\":120,\\"retryAfterSeconds\\":2,\\"retry\\":{\\"budgetPercent\\":5,\\"bucketSize\\":3,\\"jitterMs\\":0}');
    expect(text).not.toContain('failover');
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 30, MemorySize: 512, ReservedConcurrentExecutions: 50 });
    t.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    // No alarms on the primary: no failover table, no rule.
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.resourceCountIs('AWS::Events::Rule', 0);
    // The cross-Region burst endpoint's ARN is in its own Region.
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: partitionArn(':sagemaker:us-west-2:111111111111:endpoint/b') }]) },
    });
  });
});

describe('least privilege: the router role\'s statements, exactly', () => {
  test('full front door: logs, one endpoint, one alias, one queue (+ its key), two result prefixes (+ their key), own key, its state rows', () => {
    const { stack } = fullStack();
    const t = Template.fromStack(stack);
    const policies = Object.values(t.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FrontDoorLogGroup/), 'Arn'] } },
      { Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: partitionArn(':sagemaker:us-east-1:111111111111:endpoint/assistant-baseline') },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: ALIAS_ARN },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: QUEUE_ARN },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: QUEUE_KEY_ARN },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: [partitionArn(':s3:::assistant-results/results/*'), partitionArn(':s3:::assistant-results/failures/*')] },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: BUCKET_KEY_ARN },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FrontDoorKey/), 'Arn'] } },
      {
        Action: ['dynamodb:Query', 'dynamodb:PutItem'], Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FrontDoorFailoverState/), 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['FrontDoorStack/FrontDoor'] } },
      },
    ]);
    const roles = Object.values(t.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('endpointArn is used as given for the grant, and its Region reaches the router', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const arn = 'arn:aws:sagemaker:eu-west-1:111111111111:endpoint/generated-abc';
    new InferenceFrontDoor(stack, 'FrontDoor', { primary: RouteTarget.sageMakerEndpoint({ endpointName: 'Generated-ABC', endpointArn: arn }) });
    const t = Template.fromStack(stack);
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements[1]).toEqual({ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: arn });
    expect(routerConfigText(t)).toContain('\\"primary\\":{\\"kind\\":\\"sagemaker\\",\\"endpointName\\":\\"Generated-ABC\\",\\"region\\":\\"eu-west-1\\"}');
  });

  test('an unencrypted queue and bucket get no KMS statements; a URL target gets no IAM statement', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const { alias } = lanes(stack);
    const sqs = require('aws-cdk-lib/aws-sqs');
    const s3 = require('aws-cdk-lib/aws-s3');
    new InferenceFrontDoor(stack, 'FrontDoor', {
      primary: RouteTarget.http({ url: 'https://gpu.example.com/invocations' }),
      burst: RouteTarget.lambdaAlias(alias),
      jobs: RouteTarget.queue({ queue: sqs.Queue.fromQueueArn(stack, 'Q', QUEUE_ARN), results: { bucket: s3.Bucket.fromBucketName(stack, 'B', 'plain') } }),
    });
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'], 'lambda:InvokeFunction', 'sqs:SendMessage', 's3:GetObject', 'kms:Decrypt',
    ]);
    expect(statements[3].Resource).toEqual(partitionArn(':s3:::plain/results/*')); // default prefix
  });
});

describe('failover and spillover alarm', () => {
  test('an EventBridge rule on exactly the primary\'s alarms targets the live alias', () => {
    const { stack } = fullStack();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'resources': [LATENCY_ALARM_ARN, ERRORS_ALARM_ARN] },
      Targets: [{ Arn: { Ref: Match.stringLikeRegexp('^FrontDoorAlias') }, Id: 'Target0', RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 } }],
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com',
      FunctionName: { Ref: Match.stringLikeRegexp('^FrontDoorAlias') },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorFailoverRule'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'route', KeyType: 'HASH' }, { AttributeName: 'alarm', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('spillover alarm: > 20 % of requests (at least 10 a minute) spilled in 15 of 15 minutes by default', () => {
    const { stack, frontDoor } = fullStack();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 20, EvaluationPeriods: 15, DatapointsToAlarm: 15, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(inv >= 10, 100 * err / inv, 0)' }),
        Match.objectLike({ Id: 'err', MetricStat: Match.objectLike({ Metric: { Namespace: 'InferenceLanes/FrontDoor', MetricName: 'Spilled', Dimensions: [{ Name: 'Route', Value: 'FrontDoorStack/FrontDoor' }] }, Stat: 'Sum', Period: 60 }) }),
      ]),
    });
    expect(frontDoor.spilloverAlarm).toBeInstanceOf(require('aws-cdk-lib/aws-cloudwatch').Alarm);
  });

  test('threshold and periods are configurable; no burst lane means no spillover alarm', () => {
    const { stack } = fullStack({ spilloverAlarmThresholdPercent: 35, spilloverAlarmEvaluationPeriods: 5 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 35, EvaluationPeriods: 5, DatapointsToAlarm: 5 });
    const app = new App();
    const s2 = new Stack(app, 'S2', { env: ENV });
    const fd = new InferenceFrontDoor(s2, 'FrontDoor', { primary: RouteTarget.sageMakerEndpoint({ endpointName: 'a' }) });
    Template.fromStack(s2).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(fd.spilloverAlarm).toBeUndefined();
  });

  test('metric helpers point at the EMF namespace and the route', () => {
    const { frontDoor, stack } = fullStack();
    const m = stack.resolve(frontDoor.metricRouterOverhead().toMetricConfig().metricStat);
    expect(m).toMatchObject({ namespace: 'InferenceLanes/FrontDoor', metricName: 'RouterOverheadMs', statistic: 'p99', dimensions: [{ name: 'Route', value: 'FrontDoorStack/FrontDoor' }] });
    expect(frontDoor.metricSpilled().metricName).toBe('Spilled');
    expect(frontDoor.metricFailedOver().metricName).toBe('FailedOver');
    expect(frontDoor.metricHedged().metricName).toBe('Hedged');
    expect(frontDoor.metricFailed().metricName).toBe('Failed');
    expect(frontDoor.metricRequests().statistic).toBe('Sum');
  });
});

describe('load-aware spill and gradual fail-back', () => {
  const slo = ServiceLevelObjective.latency(95, Duration.millis(300));

  test('defaults with an SLO (props omitted): budget 80 % of the threshold, 1 % slow for p95, fail-back 10 % -> 100 % over 10 minutes', () => {
    const { stack } = fullStack({ slo });
    const text = routerConfigText(Template.fromStack(stack));
    expect(text).toContain('\\"cacheMs\\":5000,\\"failbackMs\\":600000,\\"failbackStartPercent\\":10');
    expect(text).toContain('\\"admission\\":{\\"budgetMs\\":240,\\"targetSlowPercent\\":1,\\"windowMs\\":5000,\\"adjustMs\\":1000,\\"gain\\":5,\\"increasePercent\\":1,\\"minPercent\\":5}');
  });

  test('the target slow share follows the SLO percentile (p99: 0.2 %); an explicit budget is rendered as given', () => {
    const { stack } = fullStack({ slo: ServiceLevelObjective.latency(99, Duration.millis(500)), primaryLatencyBudget: Duration.millis(500) });
    expect(routerConfigText(Template.fromStack(stack))).toContain('\\"admission\\":{\\"budgetMs\\":500,\\"targetSlowPercent\\":0.2,');
  });

  test('no SLO and no budget: load-aware spill is off (no admission in the config); an explicit budget turns it on', () => {
    const { stack } = fullStack();
    expect(routerConfigText(Template.fromStack(stack))).not.toContain('admission');
    const { stack: s2 } = fullStack({ primaryLatencyBudget: Duration.millis(200) });
    expect(routerConfigText(Template.fromStack(s2))).toContain('\\"admission\\":{\\"budgetMs\\":200,\\"targetSlowPercent\\":1,');
  });

  test('loadAwareSpill: false leaves it off; failbackDuration 0 fails back at once; 1 hour is the longest ramp', () => {
    const { stack } = fullStack({ slo, loadAwareSpill: false, failbackDuration: Duration.seconds(0) });
    const text = routerConfigText(Template.fromStack(stack));
    expect(text).not.toContain('admission');
    expect(text).toContain('\\"failbackMs\\":0,');
    const { stack: s2 } = fullStack({ failbackDuration: Duration.hours(1) });
    expect(routerConfigText(Template.fromStack(s2))).toContain('\\"failbackMs\\":3600000,');
  });

  test('with load-aware spill the spillover alarm counts offloaded requests too; without, Spilled only', () => {
    const { stack } = fullStack({ slo });
    const [alarm] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarm.Properties.AlarmDescription).toMatch(/spilled or were offloaded to the burst lane in each of 15 minutes/);
    const byId = Object.fromEntries(alarm.Properties.Metrics.map((m: any) => [m.Id, m]));
    expect(Object.keys(byId).sort()).toEqual(['err', 'expr_1', 'inv', 'off', 'spl']);
    expect(byId.expr_1).toMatchObject({ Expression: 'IF(inv >= 10, 100 * err / inv, 0)' });
    expect(byId.err).toMatchObject({ Expression: 'spl + off', ReturnData: false });
    expect(byId.off.MetricStat).toMatchObject({ Metric: { MetricName: 'Offloaded', Namespace: 'InferenceLanes/FrontDoor' }, Stat: 'Sum', Period: 60 });
    expect(byId.spl.MetricStat).toMatchObject({ Metric: { MetricName: 'Spilled', Namespace: 'InferenceLanes/FrontDoor' }, Stat: 'Sum', Period: 60 });
    expect(byId.inv.MetricStat).toMatchObject({ Metric: { MetricName: 'Requests' } });
    const { stack: s2 } = fullStack();
    const alarms = Object.values(Template.fromStack(s2).findResources('AWS::CloudWatch::Alarm'));
    expect(JSON.stringify(alarms)).not.toContain('Offloaded');
  });

  test('metricOffloaded and metricFailingBack; both on the requests widget', () => {
    const { stack, frontDoor } = fullStack({ slo });
    expect(frontDoor.metricOffloaded().metricName).toBe('Offloaded');
    expect(frontDoor.metricFailingBack().metricName).toBe('FailingBack');
    const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
    new cloudwatch.Dashboard(stack, 'Dashboard', { widgets: [frontDoor.widgets()] });
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('\\"Offloaded\\"');
    expect(body).toContain('\\"FailingBack\\"');
  });
});

test('widgets: routed requests, overhead p50/p99 and the spillover alarm, on a dashboard', () => {
  const { stack, frontDoor } = fullStack();
  const widgets = frontDoor.widgets();
  expect(widgets).toHaveLength(3);
  const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
  new cloudwatch.Dashboard(stack, 'Dashboard', { widgets: [widgets] });
  const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  for (const name of ['Requests', 'Spilled', 'FailedOver', 'Hedged', 'Canary', 'Failed', 'RouterOverheadMs']) {
    expect(body).toContain(`\\"${name}\\"`);
  }
  expect(body).toContain('\\"stat\\":\\"p99\\"');
  expect(body).toContain('Spillover to the burst lane');
});

describe('validation', () => {
  function build(props: Partial<InferenceFrontDoorProps>, useDefaults = true) {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const l = lanes(stack);
    const base = useDefaults ? { primary: l.primary, burst: l.burst } : {};
    return () => new InferenceFrontDoor(stack, 'FrontDoor', { ...base, ...props } as InferenceFrontDoorProps);
  }
  const sm = (name: string) => RouteTarget.sageMakerEndpoint({ endpointName: name });

  test('a front door without lanes', () => {
    expect(build({}, false)).toThrow("S/FrontDoor: 'primary' is missing, and so are burst and jobs: a front door without lanes routes nothing. Fix: Pass primary: RouteTarget.sageMakerEndpoint({...}) (or lambdaAlias/http) for synchronous inference, and/or jobs: RouteTarget.queue({...}) for asynchronous jobs.");
  });

  test('a burst lane that is the primary (same endpoint name, separate objects)', () => {
    expect(build({ primary: sm('same'), burst: sm('same') }, false)).toThrow(/S\/FrontDoor: 'burst' \("SageMaker endpoint same"\) is the same lane as primary: spillover and failover would retry the lane that just refused\. Fix: Pass a different lane as burst/);
    expect(build({ primary: sm('same'), burst: sm('other') }, false)).not.toThrow();
  });

  test('the same Lambda alias as primary and burst', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const fn = lambda.Function.fromFunctionArn(stack, 'F', ALIAS_ARN);
    expect(() => new InferenceFrontDoor(stack, 'FrontDoor', { primary: RouteTarget.lambdaAlias(fn), burst: RouteTarget.lambdaAlias(fn) })).toThrow(/'burst' \("Lambda S\/F"\) is the same lane as primary/);
  });

  test('a burst without a primary', () => {
    expect(build({ burst: sm('b') }, false)).toThrow(/'burst' \("SageMaker endpoint b"\) is given without a primary/);
  });

  test('an async route without a queue target', () => {
    expect(build({ jobs: sm('not-a-queue') })).toThrow(/S\/FrontDoor: 'jobs' \("SageMaker endpoint not-a-queue"\) is a sagemaker target: the async route \(POST \/jobs\) needs a queue target\. Fix: Pass jobs: RouteTarget\.queue/);
  });

  test('a queue as a synchronous lane', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const { jobs } = lanes(stack);
    expect(() => new InferenceFrontDoor(stack, 'FrontDoor', { primary: jobs })).toThrow(/'primary' \("queue S\/Jobs"\) is a queue: a queue cannot answer a synchronous request\. Fix: Pass the queue as jobs/);
  });

  test('a hedge budget above (or at) the SLO latency threshold; just below is accepted', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300));
    expect(build({ hedgeAfter: Duration.millis(301), slo })).toThrow(/S\/FrontDoor: 'hedgeAfter' \(301 millis\) is not below the SLO latency threshold \(300 millis\): a hedge sent that late answers after the objective is already missed\. Fix: Pass a hedgeAfter below 300 millis/);
    expect(build({ hedgeAfter: Duration.millis(300), slo })).toThrow(/'hedgeAfter' \(300 millis\) is not below the SLO latency threshold/);
    expect(build({ hedgeAfter: Duration.millis(299), slo })).not.toThrow();
  });

  test('a load-aware spill budget above the SLO latency threshold is rejected; at the threshold it is accepted', () => {
    const slo = ServiceLevelObjective.latency(95, Duration.millis(300));
    expect(build({ primaryLatencyBudget: Duration.millis(301), slo })).toThrow("S/FrontDoor: 'primaryLatencyBudget' (301 millis) is above the SLO latency threshold (300 millis): the primary would miss the objective before the router spills to the burst lane. Fix: Pass a primaryLatencyBudget of at most 300 millis (the default is 80 % of it), or drop primaryLatencyBudget.");
    expect(build({ primaryLatencyBudget: Duration.millis(300), slo })).not.toThrow();
    expect(build({ primaryLatencyBudget: Duration.millis(1) })).not.toThrow();
    expect(build({ primaryLatencyBudget: Duration.millis(0) })).toThrow(/'primaryLatencyBudget' \(0 millis\) must be from 1 milli to 15 minutes/);
  });

  test('load-aware spill without a burst lane, without a budget, switched off with a budget, at the timeout', () => {
    expect(build({ primary: sm('a'), primaryLatencyBudget: Duration.millis(200) }, false)).toThrow(/S\/FrontDoor: 'primaryLatencyBudget' \(200 millis\) needs a burst target: load-aware spill sends requests to the burst lane\. Fix: Pass burst, or drop it\./);
    expect(build({ primary: sm('a'), loadAwareSpill: true }, false)).toThrow(/'loadAwareSpill' \(true\) needs a burst target/);
    expect(build({ loadAwareSpill: true })).toThrow(/'loadAwareSpill' \(true\) has no latency budget: there is no primaryLatencyBudget and no slo with a latency threshold to derive it from\. Fix: Pass primaryLatencyBudget/);
    expect(build({ loadAwareSpill: true, slo: ServiceLevelObjective.latency(95, Duration.millis(300)) })).not.toThrow();
    expect(build({ loadAwareSpill: false, primaryLatencyBudget: Duration.millis(200) })).toThrow(/'primaryLatencyBudget' \(200 millis\) is given but loadAwareSpill is false: the budget is only used by load-aware spill\. Fix: Drop primaryLatencyBudget/);
    expect(build({ primaryLatencyBudget: Duration.seconds(10), timeout: Duration.seconds(10) })).toThrow(/'primaryLatencyBudget' \(10 seconds\) is not below the router's timeout \(10 seconds\)/);
    expect(build({ primaryLatencyBudget: Duration.seconds(9), timeout: Duration.seconds(10) })).not.toThrow();
  });

  test('failbackDuration without failover, above 1 hour, fractional milliseconds', () => {
    expect(build({ primary: sm('a'), burst: sm('b'), failbackDuration: Duration.minutes(5) }, false)).toThrow(/S\/FrontDoor: 'failbackDuration' \(5 minutes\) is given without failover: the primary has no alarms \(or there is no burst lane\), so traffic never fails over and never fails back\. Fix: Pass the primary's rollback alarms and a burst lane, or drop failbackDuration\./);
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const l = lanes(stack);
    let n = 0;
    const withAlarms = (failbackDuration: Duration) => () => new InferenceFrontDoor(stack, `FD${n++}`, { primary: l.primary, burst: l.burst, failbackDuration });
    expect(withAlarms(Duration.seconds(3601))).toThrow(/'failbackDuration' \(1 hour 1 second\) must be from 0 millis to 1 hour/);
    expect(withAlarms(Duration.seconds(3600))).not.toThrow();
    expect(withAlarms(Duration.millis(0.5))).toThrow(/'failbackDuration' \(0.5 millis\) must be a whole number of milliseconds/);
  });

  test('hedging without a burst lane, hedging at the timeout, fractional milliseconds', () => {
    expect(build({ primary: sm('a'), hedgeAfter: Duration.millis(50) }, false)).toThrow(/'hedgeAfter' \(50 millis\) needs a burst target/);
    expect(build({ hedgeAfter: Duration.seconds(10), timeout: Duration.seconds(10) })).toThrow(/'hedgeAfter' \(10 seconds\) is not below the router's timeout \(10 seconds\)/);
    expect(build({ hedgeAfter: Duration.millis(0.5) })).toThrow(/'hedgeAfter' \(0.5 millis\) must be a whole number of milliseconds/);
  });

  test('request size limits: 6 MB accepted, one byte more rejected; 0 rejected; a Lambda lane caps at 4 MiB', () => {
    const smOnly = { primary: sm('a'), burst: sm('b') };
    expect(build({ ...smOnly, maxRequestBodySize: Size.bytes(6_291_456) }, false)).not.toThrow();
    expect(build({ ...smOnly, maxRequestBodySize: Size.bytes(6_291_457) }, false)).toThrow("S/FrontDoor: 'maxRequestBodySize' (6291457) must be from 1 to 6291456 bytes. Fix: Lambda function URLs and synchronous invocations take at most 6 MB (6,291,456 bytes); send larger inputs as jobs with an S3 key.");
    expect(build({ ...smOnly, maxRequestBodySize: Size.bytes(0) }, false)).toThrow(/'maxRequestBodySize' \(0\) must be from 1 to 6291456 bytes/);
    expect(build({ maxRequestBodySize: Size.mebibytes(4) })).not.toThrow();
    expect(build({ maxRequestBodySize: Size.bytes(4 * 1024 * 1024 + 1) })).toThrow(/S\/FrontDoor: 'maxRequestBodySize' \(4194305\) is larger than Lambda S\/WarmAlias takes \(4194304 bytes\)\. Fix: Pass at most Size\.bytes\(4194304\), or send larger inputs as jobs\./);
  });

  test('job message size: 1 KiB to 1 MiB', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const { queue, bucket } = lanes(stack);
    const mk = (size: Size) => () => new InferenceFrontDoor(new Stack(app, `S${size.toBytes()}`, { env: ENV }), 'FrontDoor', {
      jobs: RouteTarget.queue({ queue, results: { bucket }, maxMessageSize: size }),
    });
    expect(mk(Size.mebibytes(1))).not.toThrow();
    expect(mk(Size.bytes(1_048_577))).toThrow(/'jobs\.maxMessageSize' \(1048577\) must be from 1024 to 1048576 bytes\. Fix: SQS messages are 1 KiB to 1 MiB/);
    expect(mk(Size.bytes(1023))).toThrow(/'jobs\.maxMessageSize' \(1023\) must be from 1024 to 1048576 bytes/);
  });

  test('results prefixes end in / and have no wildcards', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const { queue, bucket } = lanes(stack);
    expect(() => new InferenceFrontDoor(stack, 'FrontDoor', { jobs: RouteTarget.queue({ queue, results: { bucket, prefix: 'results' } }) }))
      .toThrow(/'jobs\.results\.prefix' \("results"\) must be a non-empty S3 key prefix ending in '\/' without wildcards/);
  });

  test('primary alarms without a burst lane; alarms on the burst lane', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const { alarms, burst } = lanes(stack);
    expect(() => new InferenceFrontDoor(stack, 'A', { primary: RouteTarget.sageMakerEndpoint({ endpointName: 'a', alarms }) }))
      .toThrow(/'primary\.alarms' \(2\) are given without a burst target: there is no lane to fail over to/);
    expect(() => new InferenceFrontDoor(stack, 'B', { primary: RouteTarget.sageMakerEndpoint({ endpointName: 'a' }), burst: RouteTarget.sageMakerEndpoint({ endpointName: 'b', alarms }) }))
      .toThrow(/'burst\.alarms' \(2\) are not used/);
    void burst;
  });

  test('an HTTP target URL must be http(s)', () => {
    expect(build({ primary: RouteTarget.http({ url: 'gpu.internal:8080' }), burst: sm('b') }, false)).toThrow(/'primary\.url' \("gpu\.internal:8080"\) is not an http:\/\/ or https:\/\/ URL/);
  });

  test('retry budget, bucket, jitter, cache TTL, alarm threshold: boundaries', () => {
    expect(build({ retryBudgetPercent: 100, retryBucketSize: 1000, retryJitter: Duration.seconds(1), failoverStateCacheTtl: Duration.minutes(1) })).not.toThrow();
    expect(build({ retryBudgetPercent: 100.5 })).toThrow(/'retryBudgetPercent' \(100\.5\) must be between 0 and 100/);
    expect(build({ retryBucketSize: 0 })).toThrow(/'retryBucketSize' \(0\) must be an integer from 1 to 1000/);
    expect(build({ retryJitter: Duration.millis(1001) })).toThrow(/'retryJitter' \(1 second 1 milli\) must be from 0 millis to 1 second/);
    expect(build({ failoverStateCacheTtl: Duration.millis(999) })).toThrow(/'failoverStateCacheTtl' \(999 millis\) must be from 1 second to 1 minute/);
    expect(build({ spilloverAlarmThresholdPercent: 0 })).toThrow(/'spilloverAlarmThresholdPercent' \(0\) must be between 0\.1 and 100/);
    expect(build({ retryBudgetPercent: NaN })).toThrow(/'retryBudgetPercent' \(NaN\) is not a finite number/);
  });

  test('provisioned concurrency above reserved concurrency', () => {
    expect(build({ provisionedConcurrentExecutions: 5, reservedConcurrentExecutions: 4 })).toThrow(/'provisionedConcurrentExecutions' \(5\) exceeds reservedConcurrentExecutions \(4\)/);
    expect(build({ provisionedConcurrentExecutions: 4, reservedConcurrentExecutions: 4 })).not.toThrow();
  });
});

describe('weighted split (canary)', () => {
  test('the canary target is granted and rendered with its percent (default 10)', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const { primary, burst } = lanes(stack);
    new InferenceFrontDoor(stack, 'FrontDoor', { primary, burst, canary: RouteTarget.sageMakerEndpoint({ endpointName: 'candidate' }) });
    const t = Template.fromStack(stack);
    expect(routerConfigText(t)).toContain('\\"canary\\":{\\"percent\\":10,\\"target\\":{\\"kind\\":\\"sagemaker\\",\\"endpointName\\":\\"candidate\\"}}');
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: partitionArn(':sagemaker:us-east-1:111111111111:endpoint/candidate') }]) },
    });
  });

  test('canaryPercent 0.1 and 50 accepted; 0, 50.5, without a canary, a canary that is the primary or burst: rejected', () => {
    const mk = (props: Partial<InferenceFrontDoorProps>) => () => {
      const app = new App();
      const stack = new Stack(app, 'S', { env: ENV });
      const l = lanes(stack);
      return new InferenceFrontDoor(stack, 'FrontDoor', { primary: l.primary, burst: l.burst, ...props });
    };
    const cand = RouteTarget.http({ url: 'https://candidate.example.com/' });
    expect(mk({ canary: cand, canaryPercent: 0.1 })).not.toThrow();
    expect(mk({ canary: cand, canaryPercent: 50 })).not.toThrow();
    expect(mk({ canary: cand, canaryPercent: 0 })).toThrow(/S\/FrontDoor: 'canaryPercent' \(0\) must be between 0\.1 and 50\. Fix: Pass a percent from 0\.1 to 50/);
    expect(mk({ canary: cand, canaryPercent: 50.5 })).toThrow(/'canaryPercent' \(50\.5\) must be between 0\.1 and 50/);
    expect(mk({ canaryPercent: 5 })).toThrow(/'canaryPercent' \(5\) is given without a canary lane/);
    expect(mk({ canary: RouteTarget.sageMakerEndpoint({ endpointName: 'Assistant-Baseline' }) })).toThrow(/'canary' \("SageMaker endpoint Assistant-Baseline"\) is the same lane as primary: a canary must be another lane/);
    expect(mk({ canary: RouteTarget.http({ url: 'ftp://x' }) })).toThrow(/'canary\.url' \("ftp:\/\/x"\) is not an http:\/\/ or https:\/\/ URL/);
  });
});

describe('validators and snapshot', () => {
  test('cfn-lint: no errors; the one warning is aws-cdk-lib\'s DependsOn on an explicit role (W3005)', () => {
    const { stack } = fullStack();
    const result = CfnLint.lintStack(stack);
    expect(CfnLint.format(result.errors)).toBe('');
    // lambda.Function adds DependsOn on the role it is given; cfn-lint notes the GetAtt already orders it.
    expect(result.warnings.map(w => `${w.rule} ${w.message}`)).toEqual([
      expect.stringMatching(/^W3005 'FrontDoorRole[0-9A-F]{8}' dependency already enforced by a 'GetAtt' at 'Resources\/FrontDoor[0-9A-F]{8}\/Properties\/Role'$/),
    ]);
  });

  test('cdk-nag AwsSolutions: no errors and no warnings, with no suppressions', () => {
    const { app, stack } = fullStack();
    const result = NagCheck.check(app);
    expect(NagCheck.format(result.errors)).toBe('');
    expect(NagCheck.format(result.warnings)).toBe('');
    // The only acknowledgement is the by-design results prefix (IAM5 on s3:GetObject <prefix>*), in the template's audit trail.
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.values(roles)[0].Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: 'Job results are objects named by job id under the results prefix: s3:GetObject on that prefix only, no other bucket access.',
      applies_to: ['Resource::arn:<AWS::Partition>:s3:::assistant-results/results/*', 'Resource::arn:<AWS::Partition>:s3:::assistant-results/failures/*'],
    }]);
  });

  test('cdk-nag: the results-prefix acknowledgement also matches a bucket created in the same stack (token name)', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const s3 = require('aws-cdk-lib/aws-s3');
    const sqs = require('aws-cdk-lib/aws-sqs');
    const bucket = new s3.Bucket(stack, 'Results');
    const queue = new sqs.Queue(stack, 'Queue');
    new InferenceFrontDoor(stack, 'FrontDoor', { jobs: RouteTarget.queue({ queue, results: { bucket } }) });
    const result = NagCheck.check(app);
    const mine = [...result.errors, ...result.warnings].filter(f => f.resourcePath.startsWith('S/FrontDoor/'));
    expect(NagCheck.format(mine)).toBe('');
  });

  test('in a VPC: the router gets VpcConfig and the ENI permissions (acknowledged: no resource-level ARNs), nag-clean', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const ec2 = require('aws-cdk-lib/aws-ec2');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new InferenceFrontDoor(stack, 'FrontDoor', { primary: RouteTarget.http({ url: 'http://gpu.internal/invocations' }), vpc });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() } });
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      Effect: 'Allow', Resource: '*',
    });
    const result = NagCheck.check(app);
    const mine = [...result.errors, ...result.warnings].filter(f => f.resourcePath.startsWith('S/FrontDoor/'));
    expect(NagCheck.format(mine)).toBe('');
  });

  test('snapshot', () => {
    const { stack } = fullStack();
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
