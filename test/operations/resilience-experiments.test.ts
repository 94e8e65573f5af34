import { Annotations as Annotations_, App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createHybridApp, HybridApp } from '../../examples/hybrid';
import { LaneKind, LaneValidationError } from '../../lib';
import { ResilienceExperiments, ResilienceExperimentsProps } from '../../lib/operations';
import { CfnLint, NagCheck } from '../../lib/testing';
import { once } from '../once';
import { FakeLane } from './fake-lane';

/*
 * ResilienceExperiments over the hybrid example (serverless Burst, batch Summaries, SageMaker Baseline,
 * edge Kiosks, one front door) and over fake lanes for the GPU kind and the error paths.
 */

type Resources = { [id: string]: any };

function templatesOf(t: Template): Resources {
  return t.findResources('AWS::FIS::ExperimentTemplate');
}

/** The experiment template whose single action is `name`, under the group `group` (logical IDs start with `AssistantExperiments<group><name>`). */
function templateFor(t: Template, group: string, name: string, prefix = 'AssistantExperiments'): any {
  const found = Object.entries(templatesOf(t)).filter(([id]) => id.startsWith(`${prefix}${group}${name}`));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0][1].Properties;
}

function policyStatements(t: Template, group: string, prefix = 'AssistantExperiments'): any[] {
  return Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(`${prefix}${group}Policy`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('the hybrid example with ResilienceExperiments (defaults)', () => {
  let h: HybridApp;
  let x: ResilienceExperiments;
  let t: Template;
  const resolve = (v: unknown) => h.stack.resolve(v);
  beforeAll(() => {
    h = createHybridApp();
    x = h.experiments;
    t = Template.fromStack(h.stack);
  });

  test('one template per lane and fault: Lambda delay and errors on Burst, ECS stop/CPU/network on Summaries, router delay on the front door', () => {
    expect(x.experiments.map(e => `${e.targetPath.split('/').pop()} ${e.fault} ${e.actionId}`)).toEqual([
      'Burst InvocationDelay aws:lambda:invocation-add-delay',
      'Burst InvocationErrors aws:lambda:invocation-error',
      'Summaries StopTasks aws:ecs:stop-task',
      'Summaries CpuStress aws:ecs:task-cpu-stress',
      'Summaries NetworkLatency aws:ecs:task-network-latency',
      'FrontDoor InvocationDelay aws:lambda:invocation-add-delay',
    ]);
    expect(Object.keys(templatesOf(t))).toHaveLength(6);
  });

  test('documented defaults: 5 minutes, 25% of invocations, 1 s delay, errors without running the code, 80% CPU, 200 ms network latency', () => {
    expect(templateFor(t, 'Burst', 'InvocationDelay').Actions).toEqual({
      InvocationDelay: {
        ActionId: 'aws:lambda:invocation-add-delay', Description: expect.stringMatching(/^Delay 25% of the invocations of InferenceLanesHybrid\/Assistant\/Burst by 1000 ms for 5 minutes; stops on the SLO alarms/),
        Parameters: { duration: 'PT5M', invocationPercentage: '25', startupDelayMilliseconds: '1000' },
        Targets: { Functions: 'Functions' },
      },
    });
    expect(templateFor(t, 'Burst', 'InvocationErrors').Actions.InvocationErrors.Parameters).toEqual({ duration: 'PT5M', invocationPercentage: '25', preventExecution: 'true' });
    expect(templateFor(t, 'Summaries', 'StopTasks').Actions.StopTasks).toEqual({ ActionId: 'aws:ecs:stop-task', Description: expect.any(String), Targets: { Tasks: 'Tasks' } });
    expect(templateFor(t, 'Summaries', 'CpuStress').Actions.CpuStress.Parameters).toEqual({ duration: 'PT5M', percent: '80' });
    expect(templateFor(t, 'Summaries', 'NetworkLatency').Actions.NetworkLatency.Parameters).toEqual({ duration: 'PT5M', delayMilliseconds: '200', useEcsFaultInjectionEndpoints: 'true' });
    expect(templateFor(t, 'FrontDoor', 'InvocationDelay').Actions.InvocationDelay.Parameters).toEqual({ duration: 'PT5M', invocationPercentage: '25', startupDelayMilliseconds: '1000' });
  });

  test('targets: the lane\'s functions and tasks by resource tags (kind + per-lane path), the router by ARN; 50% of the tasks', () => {
    expect(templateFor(t, 'Burst', 'InvocationDelay').Targets).toEqual({
      Functions: {
        ResourceType: 'aws:lambda:function', SelectionMode: 'ALL',
        ResourceTags: { 'inference:lane': 'serverless', 'inference:lane-path': 'InferenceLanesHybrid/Assistant/Burst' },
      },
    });
    for (const fault of ['StopTasks', 'CpuStress', 'NetworkLatency']) {
      expect(templateFor(t, 'Summaries', fault).Targets).toEqual({
        Tasks: {
          ResourceType: 'aws:ecs:task', SelectionMode: 'PERCENT(50)',
          ResourceTags: { 'inference:lane': 'batch-workers', 'inference:lane-path': 'InferenceLanesHybrid/Assistant/Summaries' },
        },
      });
    }
    expect(templateFor(t, 'FrontDoor', 'InvocationDelay').Targets).toEqual({
      Functions: { ResourceType: 'aws:lambda:function', SelectionMode: 'ALL', ResourceArns: [resolve(h.frontDoor.routerFunction.functionArn)] },
    });
  });

  test('the per-lane tag lands on the lane\'s function and ECS service only (ECS propagates service tags to tasks)', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AssistantBurst'), 'Arn'] },
      Tags: Match.arrayWith([{ Key: 'inference:lane-path', Value: 'InferenceLanesHybrid/Assistant/Burst' }]),
    });
    t.hasResourceProperties('AWS::ECS::Service', {
      PropagateTags: 'SERVICE',
      Tags: Match.arrayWith([{ Key: 'inference:lane-path', Value: 'InferenceLanesHybrid/Assistant/Summaries' }]),
    });
    const taggedTypes = new Set<string>();
    for (const r of Object.values(t.toJSON().Resources) as any[]) {
      const tags = JSON.stringify(r.Properties?.Tags ?? []);
      if (tags.includes('inference:lane-path')) { taggedTypes.add(r.Type); }
    }
    expect([...taggedTypes].sort()).toEqual(['AWS::ECS::Service', 'AWS::Lambda::Function']);
  });

  test('stop conditions are the lane\'s alarms: Burst its 3 rollback alarms, Summaries its time-in-queue paging alarm', () => {
    const arns = (alarms: { alarmArn: string }[]) => alarms.map(a => ({ Source: 'aws:cloudwatch:alarm', Value: resolve(a.alarmArn) }));
    for (const fault of ['InvocationDelay', 'InvocationErrors']) {
      expect(templateFor(t, 'Burst', fault).StopConditions).toEqual(arns(h.burst.sloAlarms));
    }
    expect(h.summaries.sloAlarms).toHaveLength(0);
    for (const fault of ['StopTasks', 'CpuStress', 'NetworkLatency']) {
      expect(templateFor(t, 'Summaries', fault).StopConditions).toEqual(arns(h.summaries.sloPagingAlarms!));
    }
    expect(x.experiments[0].stopConditionAlarmArns).toEqual(h.burst.sloAlarms.map(a => a.alarmArn));
  });

  test('the router\'s 6 alarms (baseline 2, burst 3, spillover) exceed FIS\'s 5 stop conditions: one composite alarm of all of them', () => {
    const router = templateFor(t, 'FrontDoor', 'InvocationDelay');
    expect(router.StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: { 'Fn::GetAtt': [expect.stringMatching(/^AssistantExperimentsFrontDoorStopCondition/), 'Arn'] } }]);
    const [composite] = Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm')) as any[];
    const rule = JSON.stringify(composite.Properties.AlarmRule);
    for (const alarm of [...h.baseline.sloAlarms, ...h.burst.sloAlarms, h.frontDoor.spilloverAlarm!]) {
      const id = (resolve(alarm.alarmArn) as any)['Fn::GetAtt'][0];
      expect([id, rule.includes(id)]).toEqual([id, true]);
    }
    expect(rule.match(/ALARM\(/g)).toHaveLength(6);
  });

  test('each lane has its own role, assumable by FIS for this account only', () => {
    const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('AssistantExperiments'));
    expect(roles.map(([id]) => id.replace(/Role[0-9A-F]{8}$/, ''))).toEqual(['AssistantExperimentsBurst', 'AssistantExperimentsSummaries', 'AssistantExperimentsFrontDoor']);
    for (const [, role] of roles) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'fis.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':fis:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':experiment/*']] } },
        },
      }]);
    }
    expect(x.roles).toHaveLength(3);
  });

  test('the serverless role: writes fault configs under the prefix, reads only functions tagged with its lane path', () => {
    const bucketArn = resolve(x.lambdaConfigLocation!.bucket.bucketArn);
    expect(policyStatements(t, 'Burst')).toEqual([
      { Sid: 'WriteFaultConfiguration', Action: ['s3:PutObject', 's3:DeleteObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/fis-configs/*']] } },
      {
        Sid: 'InspectTargetFunctions', Action: 'lambda:GetFunction', Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':function:*']] },
        Condition: { StringEquals: { 'aws:ResourceTag/inference:lane-path': 'InferenceLanesHybrid/Assistant/Burst' } },
      },
      { Sid: 'ResolveTargetsByTag', Action: 'tag:GetResources', Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('the router role: lambda:GetFunction on the router function ARN only', () => {
    expect(policyStatements(t, 'FrontDoor')).toContainEqual({
      Sid: 'InspectTargetFunctions', Action: 'lambda:GetFunction', Effect: 'Allow', Resource: resolve(h.frontDoor.routerFunction.functionArn),
    });
  });

  test('the batch role: stops and describes only tasks tagged with its lane path; SSM commands only on managed instances and AWSFIS-Run-* documents', () => {
    const statements = policyStatements(t, 'Summaries');
    const arn = (service: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
    expect(statements).toEqual([
      {
        Sid: 'StopAndDescribeLaneTasks', Action: ['ecs:DescribeTasks', 'ecs:StopTask'], Effect: 'Allow', Resource: arn('ecs', 'task/*'),
        Condition: { StringEquals: { 'aws:ResourceTag/inference:lane-path': 'InferenceLanesHybrid/Assistant/Summaries' } },
      },
      { Sid: 'ListTasks', Action: ['ecs:ListTasks', 'ecs:DescribeContainerInstances'], Effect: 'Allow', Resource: arn('ecs', 'container-instance/*') },
      { Sid: 'DescribeNetwork', Action: ['ec2:DescribeInstances', 'ec2:DescribeSubnets'], Effect: 'Allow', Resource: '*' },
      {
        Sid: 'RunFaultDocumentsInTasks', Action: 'ssm:SendCommand', Effect: 'Allow',
        Resource: [arn('ssm', 'managed-instance/*'), { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, '::document/AWSFIS-Run-*']] }],
      },
      { Sid: 'TrackFaultCommands', Action: ['ssm:ListCommands', 'ssm:CancelCommand'], Effect: 'Allow', Resource: '*' },
      { Sid: 'ResolveTargetsByTag', Action: 'tag:GetResources', Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('the default config bucket: encrypted, TLS only, no public access; templates depend on their role policy', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    for (const [id, r] of Object.entries(templatesOf(t))) {
      const group = id.replace(/^AssistantExperiments/, '').match(/^(Burst|Summaries|FrontDoor)/)![1];
      expect([id, r.DependsOn]).toEqual([id, [expect.stringMatching(new RegExp(`^AssistantExperiments${group}Policy`))]]);
    }
  });

  test('SageMaker and Greengrass lanes are listed as unsupported, with no template, role or tag', () => {
    expect(x.unsupportedLanes.map(u => [u.lanePath, u.laneKind])).toEqual([
      ['InferenceLanesHybrid/Assistant/Baseline', LaneKind.MANAGED_ENDPOINT],
      ['InferenceLanesHybrid/Assistant/Kiosks', LaneKind.EDGE_FLEET],
    ]);
    expect(x.unsupportedLanes[0].reason).toMatch(/no actions for SageMaker endpoints/);
    expect(x.unsupportedLanes[1].reason).toMatch(/no actions for AWS IoT Greengrass/);
    expect(x.experiments.filter(e => /Baseline|Kiosks/.test(e.targetPath))).toEqual([]);
  });

  test('nothing starts an experiment: the construct adds only templates, roles, policies, a composite alarm and the config bucket', () => {
    const types = new Set<string>();
    for (const [id, r] of Object.entries(t.toJSON().Resources) as [string, any][]) {
      if (id.startsWith('AssistantExperiments')) { types.add(r.Type); }
    }
    expect([...types].sort()).toEqual([
      'AWS::CloudWatch::CompositeAlarm', 'AWS::FIS::ExperimentTemplate', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
    ]);
    expect(JSON.stringify(t.toJSON())).not.toMatch(/StartExperiment|fis:Start/);
  });

  test('synth warns what the lanes lack for their faults (the extension layer and environment; the SSM sidecar and fault injection)', () => {
    const warnings = Annotations.fromStack(h.stack).findWarning('*', Match.stringLikeRegexp('experiments on')).map(w => String(w.entry.data));
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/Lambda experiments on InferenceLanesHybrid\/Assistant\/Burst will fail when started: function InferenceLanesHybrid\/Assistant\/Burst\/Resource\/Resource lacks AWS_LAMBDA_EXEC_WRAPPER=\/opt\/aws-fis\/bootstrap; AWS_FIS_CONFIGURATION_LOCATION .*; the AWS FIS Lambda extension layer/),
      expect.stringMatching(/Lambda experiments on InferenceLanesHybrid\/Assistant\/FrontDoor will fail/),
      expect.stringMatching(/CpuStress and NetworkLatency experiments on InferenceLanesHybrid\/Assistant\/Summaries will fail when started: task definition .* lacks an SSM agent sidecar container \(amazon-ssm-agent image\); EnableFaultInjection: true; PidMode: task/),
    ]));
    expect(warnings).toHaveLength(3);
  });

  test('the readiness warnings can be acknowledged by id', () => {
    const h2 = createHybridApp();
    Annotations_.of(h2.experiments).acknowledgeWarning('cdk-inference-lanes:fisEcsNotReady', 'sidecar baked into the image');
    const warnings = Annotations.fromStack(h2.stack).findWarning('*', Match.stringLikeRegexp('experiments on')).map(w => String(w.entry.data));
    expect(warnings).toHaveLength(2);
    expect(warnings.every(w => w.includes('Lambda experiments'))).toBe(true);
  });

  test('each experiment names its prerequisites; stopping tasks needs none', () => {
    const byFault = Object.fromEntries(x.experiments.map(e => [`${e.targetPath.split('/').pop()}/${e.fault}`, e.prerequisites]));
    expect(byFault['Summaries/StopTasks']).toEqual([]);
    expect(byFault['Summaries/NetworkLatency'].join(' ')).toMatch(/enableFaultInjection true and pidMode task/);
    expect(byFault['Summaries/CpuStress'].join(' ')).toMatch(/SSM agent sidecar.*ECS Exec \(enableExecuteCommand\) turned off/);
    expect(byFault['Burst/InvocationErrors'].join(' ')).toMatch(/AWS_FIS_POLL_MAX_WAIT_MILLISECONDS/);
    expect(x.experiments.every(e => typeof e.experimentTemplateId === 'string')).toBe(true);
  });
});

/** The hybrid with experiments, as the validators test checks it (its own app, not the one of the describe above). */
const validatedHybrid = once(() => createHybridApp());
/** GPU pod experiments on a fake GPU lane (the 'GPU lanes (EKS pods)' test reads and checks it). */
const gpuPods = once(() => {
  const { stack } = fixture();
  const gpu = new FakeLane(stack, 'Gpu', LaneKind.GPU_CLUSTER, 2);
  const x = new ResilienceExperiments(stack, 'X', { lanes: [gpu], kubernetes: [{ lane: gpu, ...GPU_K8S }] });
  return { stack, x };
});
/** Both stacks in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading). */
const lints = once(() => CfnLint.lintStacks([validatedHybrid().stack, gpuPods().stack]));

describe('validators', () => {
  test('cfn-lint reports no errors and cdk-nag no unsuppressed findings on the hybrid with experiments', () => {
    const h = validatedHybrid();
    expect(h.experiments.experiments).toHaveLength(6);
    const nag = NagCheck.check(h.stack);
    expect(NagCheck.format(nag.errors)).toBe('');
    expect(NagCheck.format(nag.warnings)).toBe('');
    const lint = lints()[0];
    expect(CfnLint.format(lint.errors)).toBe('');
    expect(CfnLint.format(lint.warnings.filter(w => w.message.includes('Experiments')))).toBe('');
  });
});

function thrownBy(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

/** An app and a stack for fake lanes. */
const GPU_K8S = { clusterName: 'gpu-serving', namespace: 'serving', labelSelector: 'app=recsys', serviceAccountName: 'fis-experiments' };

function fixture(): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'Ops', { env: { account: '111111111111', region: 'eu-west-1' } }) };
}

describe('props', () => {
  test('given values are emitted: duration, percentages, delays', () => {
    const { stack } = fixture();
    const fn = new FakeLane(stack, 'Fn', LaneKind.SERVERLESS);
    const workers = new FakeLane(stack, 'Workers', LaneKind.BATCH_WORKERS);
    new ResilienceExperiments(stack, 'X', {
      lanes: [fn, workers], duration: Duration.minutes(12), invocationPercent: 100, invocationDelay: Duration.millis(250),
      targetPercent: 1, cpuStressPercent: 100, networkLatency: Duration.millis(75),
    });
    const t = Template.fromStack(stack);
    expect(templateFor(t, 'Fn', 'InvocationDelay', 'X').Actions.InvocationDelay.Parameters).toEqual({ duration: 'PT12M', invocationPercentage: '100', startupDelayMilliseconds: '250' });
    expect(templateFor(t, 'Workers', 'CpuStress', 'X').Actions.CpuStress.Parameters).toEqual({ duration: 'PT12M', percent: '100' });
    expect(templateFor(t, 'Workers', 'NetworkLatency', 'X').Actions.NetworkLatency.Parameters).toEqual({ duration: 'PT12M', delayMilliseconds: '75', useEcsFaultInjectionEndpoints: 'true' });
    expect(templateFor(t, 'Workers', 'StopTasks', 'X').Targets.Tasks.SelectionMode).toBe('PERCENT(1)');
    // Outside a topology: no inference:topology tag, the lane-path tag is <stack name>/<path in the stack>.
    expect(templateFor(t, 'Fn', 'InvocationDelay', 'X').Targets.Functions.ResourceTags).toEqual({ 'inference:lane': 'serverless', 'inference:lane-path': 'Ops/Fn' });
  });

  test('boundaries accepted: 1 minute and 12 hours, 1% and 100%, 0 ms and 15 min delay, 1 ms and 1 min latency', () => {
    for (const p of [
      { duration: Duration.minutes(1) }, { duration: Duration.hours(12) }, { invocationPercent: 1 }, { targetPercent: 100 },
      { invocationDelay: Duration.millis(0) }, { invocationDelay: Duration.minutes(15) }, { networkLatency: Duration.millis(1) }, { networkLatency: Duration.minutes(1) },
    ] as ResilienceExperimentsProps[]) {
      const { stack } = fixture();
      expect(() => new ResilienceExperiments(stack, 'X', { ...p, lanes: [new FakeLane(stack, 'Fn', LaneKind.SERVERLESS)] })).not.toThrow();
    }
    const { stack } = fixture();
    new ResilienceExperiments(stack, 'X', { duration: Duration.hours(12), lanes: [new FakeLane(stack, 'Fn', LaneKind.SERVERLESS)] });
    expect(templateFor(Template.fromStack(stack), 'Fn', 'InvocationErrors', 'X').Actions.InvocationErrors.Parameters.duration).toBe('PT12H');
  });

  const rejected: [string, ResilienceExperimentsProps, RegExp][] = [
    ['duration below 1 minute', { duration: Duration.seconds(59) }, /X: 'duration' \(59 seconds\) must be from 1 minute to 12 hours\. Fix: Pass a whole number of seconds from 1 minute to 12 hours \(the AWS FIS action limits\)/],
    ['duration above 12 hours', { duration: Duration.seconds(12 * 3600 + 1) }, /'duration' .* must be from 1 minute to 12 hours/],
    ['duration not a Duration', { duration: 300 as any }, /'duration' \(300\) is not a Duration/],
    ['invocationPercent 0', { invocationPercent: 0 }, /'invocationPercent' \(0\) must be an integer from 1 to 100\. Fix: Pass a whole percentage from 1 to 100\./],
    ['invocationPercent 101', { invocationPercent: 101 }, /'invocationPercent' \(101\) must be an integer from 1 to 100/],
    ['targetPercent 50.5', { targetPercent: 50.5 }, /'targetPercent' \(50\.5\) must be an integer from 1 to 100/],
    ['cpuStressPercent 101', { cpuStressPercent: 101 }, /'cpuStressPercent' \(101\) must be an integer from 1 to 100/],
    ['invocationDelay above 15 minutes', { invocationDelay: Duration.millis(900_001) }, /'invocationDelay' .* must be at most 15 minutes\. Fix: Pass whole milliseconds from 0 to 15 minutes \(Lambda's longest timeout\)/],
    ['networkLatency 0', { networkLatency: Duration.millis(0) }, /'networkLatency' \(0 millis\) must be from 1 milli to 1 minute\. Fix: Pass whole milliseconds from 1 ms to 1 minute/],
    ['networkLatency above 1 minute', { networkLatency: Duration.millis(60_001) }, /'networkLatency' \(1 minute 1 milli\) must be from 1 milli to 1 minute/],
    ['frontDoors not a boolean', { frontDoors: 'no' as any }, /'frontDoors' \("no"\) is not one of true, false/],
    ['an unknown prop', { durationMinutes: 5 } as any, /'durationMinutes' \(5\) is not a prop of ResilienceExperiments\. Fix: Use one of: lanes, duration/],
    ['a config location without a bucket', { lambdaConfigLocation: { bucket: undefined as any, prefix: 'fis' } }, /'lambdaConfigLocation.bucket' is not an S3 bucket \(IBucket\)\. Fix: Pass s3.Bucket.fromBucketName/],
  ];
  test.each(rejected)('rejects %s, naming prop, value and fix', (_, p, message) => {
    const { stack } = fixture();
    const lane = new FakeLane(stack, 'Fn', LaneKind.SERVERLESS);
    const error = thrownBy(() => new ResilienceExperiments(stack, 'X', { lanes: [lane], ...p }));
    expect(error).toBeInstanceOf(LaneValidationError);
    expect(error.message).toMatch(message);
  });

  test('a given config location: no bucket created, the role writes under that bucket and prefix', () => {
    const { stack } = fixture();
    const bucket = s3.Bucket.fromBucketName(stack, 'Configs', 'team-fis-configs');
    const x = new ResilienceExperiments(stack, 'X', { lanes: [new FakeLane(stack, 'Fn', LaneKind.SERVERLESS)], lambdaConfigLocation: { bucket, prefix: 'lanes/fis/' } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(policyStatements(t, 'Fn', 'X')[0]).toEqual({
      Sid: 'WriteFaultConfiguration', Action: ['s3:PutObject', 's3:DeleteObject'], Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::team-fis-configs/lanes/fis/*']] },
    });
    expect(x.lambdaConfigLocation!.prefix).toBe('lanes/fis/');
    expect(NagCheck.format(NagCheck.check(stack).errors)).toBe('');
  });

  test('a config prefix must end in "/"', () => {
    const { stack } = fixture();
    const bucket = s3.Bucket.fromBucketName(stack, 'Configs', 'team-fis-configs');
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [new FakeLane(stack, 'Fn', LaneKind.SERVERLESS)], lambdaConfigLocation: { bucket, prefix: 'fis' } }))
      .toThrow(/'lambdaConfigLocation.prefix' \("fis"\) is not a key prefix ending in "\/".*Fix: Pass e\.g\. 'fis-configs\/', or omit it\./);
  });

  test('no Lambda target: no config bucket', () => {
    const { stack } = fixture();
    const x = new ResilienceExperiments(stack, 'X', { lanes: [new FakeLane(stack, 'Workers', LaneKind.BATCH_WORKERS)] });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
    expect(x.lambdaConfigLocation).toBeUndefined();
  });

  test('frontDoors: false leaves the router out', () => {
    const h = createHybridApp();
    const x = new ResilienceExperiments(h.topology, 'ExperimentsWithoutRouter', { frontDoors: false });
    expect(x.experiments.map(e => e.targetKind)).not.toContain('front-door');
    expect(x.experiments).toHaveLength(5);
  });
});

describe('stop conditions', () => {
  test('exactly 5 alarms (FIS\'s limit) are 5 stop conditions; 6 become one composite alarm', () => {
    const { stack } = fixture();
    const five = new FakeLane(stack, 'Five', LaneKind.SERVERLESS, 3, 2);
    const six = new FakeLane(stack, 'Six', LaneKind.BATCH_WORKERS, 4, 2);
    new ResilienceExperiments(stack, 'X', { lanes: [five, six] });
    const t = Template.fromStack(stack);
    expect(templateFor(t, 'Five', 'InvocationDelay', 'X').StopConditions).toEqual([...five.sloAlarms, ...five.sloPagingAlarms].map(a => ({ Source: 'aws:cloudwatch:alarm', Value: stack.resolve(a.alarmArn) })));
    expect(templateFor(t, 'Six', 'StopTasks', 'X').StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: { 'Fn::GetAtt': [expect.stringMatching(/^XSixStopCondition/), 'Arn'] } }]);
    t.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
  });

  test('a lane without SLO alarms is rejected: its experiments would have no stop condition', () => {
    const { stack } = fixture();
    const lane = new FakeLane(stack, 'Quiet', LaneKind.SERVERLESS, 0, 0);
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [lane] })).toThrow(
      /Ops\/X: 'lanes\[0\]' \("Ops\/Quiet"\) has no SLO alarms \(sloAlarms and sloPagingAlarms are empty\), so its experiments would have no stop condition\. Fix: Give the lane an SLO/);
  });

  test('inside a topology, a lane without alarms names the lane and how to leave it out', () => {
    const h = createHybridApp();
    new FakeLane(h.topology, 'Quiet', LaneKind.BATCH_WORKERS, 0, 0);
    expect(() => new ResilienceExperiments(h.topology, 'More')).toThrow(/'lanes' \("InferenceLanesHybrid\/Assistant\/Quiet"\) has no SLO alarms.*or leave it out: pass lanes without it/);
  });
});

describe('lanes', () => {
  test('outside a topology, lanes is required', () => {
    const { stack } = fixture();
    expect(() => new ResilienceExperiments(stack, 'X')).toThrow(/Ops\/X: 'lanes' is required outside a HybridTopology\. Fix: Pass the lanes/);
  });

  test('an empty list is rejected', () => {
    const { stack } = fixture();
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [] })).toThrow(/'lanes' \(\[\]\) is empty\. Fix: Pass at least one lane/);
  });

  test('something that is not a lane (unknown lane) is rejected', () => {
    const { stack } = fixture();
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [{ laneKind: 'serverless' } as any] })).toThrow(/'lanes\[0\]' .* is not an inference lane \(IInferenceLane\)\. Fix: Pass lane constructs/);
  });

  test('a lane of a kind it does not know is rejected', () => {
    const { stack } = fixture();
    const lane = new FakeLane(stack, 'Odd', 'quantum' as LaneKind);
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [lane] })).toThrow(/'lanes\[0\].laneKind' \("quantum"\) of lane Ops\/Odd is not a lane kind ResilienceExperiments knows/);
  });

  test('a lane listed twice is rejected', () => {
    const { stack } = fixture();
    const lane = new FakeLane(stack, 'Fn', LaneKind.SERVERLESS);
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [lane, lane] })).toThrow(/'lanes\[1\]' \("Ops\/Fn"\) is listed twice/);
  });

  test('only unsupported lanes: no templates, both listed', () => {
    const { stack } = fixture();
    const x = new ResilienceExperiments(stack, 'X', { lanes: [new FakeLane(stack, 'Ep', LaneKind.MANAGED_ENDPOINT), new FakeLane(stack, 'Edge', LaneKind.EDGE_FLEET)] });
    expect(x.experiments).toEqual([]);
    expect(x.unsupportedLanes.map(u => u.laneKind)).toEqual([LaneKind.MANAGED_ENDPOINT, LaneKind.EDGE_FLEET]);
    Template.fromStack(stack).resourceCountIs('AWS::FIS::ExperimentTemplate', 0);
  });
});

describe('GPU lanes (EKS pods)', () => {
  const k8s = GPU_K8S;

  test('pod delete and pod network latency, targeting the pods by cluster, namespace and label; the role may describe that cluster only', () => {
    const { stack, x } = gpuPods();
    const t = Template.fromStack(stack);
    const target = {
      Pods: {
        ResourceType: 'aws:eks:pod', SelectionMode: 'PERCENT(50)',
        Parameters: { clusterIdentifier: 'gpu-serving', namespace: 'serving', selectorType: 'labelSelector', selectorValue: 'app=recsys' },
      },
    };
    expect(templateFor(t, 'Gpu', 'PodDelete', 'X').Targets).toEqual(target);
    expect(templateFor(t, 'Gpu', 'PodDelete', 'X').Actions.PodDelete).toEqual({
      ActionId: 'aws:eks:pod-delete', Description: expect.any(String), Parameters: { kubernetesServiceAccount: 'fis-experiments' }, Targets: { Pods: 'Pods' },
    });
    expect(templateFor(t, 'Gpu', 'PodNetworkLatency', 'X').Actions.PodNetworkLatency.Parameters).toEqual({ duration: 'PT5M', delayMilliseconds: '200', kubernetesServiceAccount: 'fis-experiments' });
    expect(templateFor(t, 'Gpu', 'PodNetworkLatency', 'X').StopConditions).toHaveLength(2);
    expect(policyStatements(t, 'Gpu', 'X')).toEqual([
      { Sid: 'DescribeCluster', Action: 'eks:DescribeCluster', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:111111111111:cluster/gpu-serving']] } },
      { Sid: 'DescribeSubnets', Action: 'ec2:DescribeSubnets', Effect: 'Allow', Resource: '*' },
      { Sid: 'ResolveTargetsByTag', Action: 'tag:GetResources', Effect: 'Allow', Resource: '*' },
    ]);
    expect(x.experiments.map(e => e.prerequisites.join(' '))).toEqual([expect.stringMatching(/fis-experiment/), expect.stringMatching(/privileged Pod Security Standard/)]);
    expect(NagCheck.format(NagCheck.check(stack).errors)).toBe('');
    expect(CfnLint.format(lints()[1].errors)).toBe('');
  });

  test('boundaries accepted: a 100-character cluster name, a 63-character namespace, a prefixed label key with an empty value', () => {
    const { stack } = fixture();
    const gpu = new FakeLane(stack, 'Gpu', LaneKind.GPU_CLUSTER);
    expect(() => new ResilienceExperiments(stack, 'X', {
      lanes: [gpu], kubernetes: [{ lane: gpu, ...k8s, clusterName: 'c'.repeat(100), namespace: 'n'.repeat(63), labelSelector: 'app.kubernetes.io/name=' }],
    })).not.toThrow();
  });

  test('a GPU lane without its Kubernetes side is rejected with the fix', () => {
    const { stack } = fixture();
    const gpu = new FakeLane(stack, 'Gpu', LaneKind.GPU_CLUSTER);
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [gpu] })).toThrow(
      /'kubernetes' has no entry for the GPU lane Ops\/Gpu: FIS pod actions need the EKS cluster, namespace, pod selector and a Kubernetes service account.*Fix: Add \{ lane: <that lane>, clusterName/);
  });

  const bad: [string, object, RegExp][] = [
    ['a label selector with two labels', { labelSelector: 'app=recsys,tier=gpu' }, /'kubernetes\[0\].labelSelector' \("app=recsys,tier=gpu"\) is not one key=value label selector/],
    ['a namespace with capitals', { namespace: 'Serving' }, /'kubernetes\[0\].namespace' \("Serving"\) is not a valid Kubernetes name \(RFC 1123 label\)/],
    ['a 64-character namespace', { namespace: 'n'.repeat(64) }, /'kubernetes\[0\].namespace' .* is 64 characters long; a Kubernetes name \(RFC 1123 label\) has at most 63/],
    ['an empty service account', { serviceAccountName: '' }, /'kubernetes\[0\].serviceAccountName' \(""\) must not be empty/],
    ['no namespace', { namespace: undefined }, /'kubernetes\[0\].namespace' is required\. Fix: Pass it, e\.g\. namespace: 'serving'\./],
    ['a cluster name with a space', { clusterName: 'gpu serving' }, /'kubernetes\[0\].clusterName' \("gpu serving"\) is not an EKS cluster name/],
    ['a 101-character cluster name', { clusterName: 'c'.repeat(101) }, /'kubernetes\[0\].clusterName' .* is not an EKS cluster name \(1-100/],
  ];
  test.each(bad)('rejects %s', (_, override, message) => {
    const { stack } = fixture();
    const gpu = new FakeLane(stack, 'Gpu', LaneKind.GPU_CLUSTER);
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [gpu], kubernetes: [{ lane: gpu, ...k8s, ...override }] })).toThrow(message);
  });

  test('an entry for a lane that is not among the lanes, or not a GPU lane, is rejected', () => {
    const { stack } = fixture();
    const gpu = new FakeLane(stack, 'Gpu', LaneKind.GPU_CLUSTER);
    const other = new FakeLane(stack, 'Other', LaneKind.GPU_CLUSTER);
    const fn = new FakeLane(stack, 'Fn', LaneKind.SERVERLESS);
    expect(() => new ResilienceExperiments(stack, 'X', { lanes: [gpu], kubernetes: [{ lane: gpu, ...k8s }, { lane: other, ...k8s }] }))
      .toThrow(/'kubernetes\[1\].lane' \("Ops\/Other"\) is not one of the lanes the experiments are for/);
    expect(() => new ResilienceExperiments(stack, 'Y', { lanes: [gpu, fn], kubernetes: [{ lane: gpu, ...k8s }, { lane: fn, ...k8s }] }))
      .toThrow(/'kubernetes\[1\].lane' \("Ops\/Fn"\) is a serverless lane, not a gpu-cluster lane/);
  });
});

describe('enableLambdaFaults', () => {
  function laneWithFunction(architecture = lambda.Architecture.ARM_64) {
    const { stack } = fixture();
    const lane = new FakeLane(stack, 'Fn', LaneKind.SERVERLESS);
    const fn = new lambda.Function(lane, 'Resource', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'), architecture,
    });
    const x = new ResilienceExperiments(stack, 'X', { lanes: [lane] });
    return { stack, fn, x };
  }

  test('adds the extension layer for the function\'s architecture, the environment and read access to the config location; no warning then', () => {
    const { stack, fn, x } = laneWithFunction();
    x.enableLambdaFaults(fn);
    const t = Template.fromStack(stack);
    const params = t.toJSON().Parameters;
    const [layerParam] = Object.entries(params).filter(([, p]: [string, any]) => p.Default === '/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x');
    expect(layerParam[1]).toEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x' });
    const bucketArn = stack.resolve(x.lambdaConfigLocation!.bucket.bucketArn);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Layers: [{ Ref: layerParam[0] }],
      Environment: {
        Variables: {
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap',
          AWS_FIS_CONFIGURATION_LOCATION: { 'Fn::Join': ['', [bucketArn, '/fis-configs/']] },
          AWS_FIS_POLL_MAX_WAIT_MILLISECONDS: '2000',
        },
      },
      Tags: Match.arrayWith([{ Key: 'inference:lane-path', Value: 'Ops/Fn' }]),
    });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({ Sid: 'ListFisConfigLocation', Action: 's3:ListBucket', Effect: 'Allow', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['fis-configs/*'] } } });
    expect(statements).toContainEqual({ Sid: 'ReadFisConfigs', Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/fis-configs/*']] } });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('will fail when started'))).toEqual([]);
    // The fixture function's own findings (L1 runtime, IAM4 basic execution role) are not ours; the config read is acknowledged.
    expect(NagCheck.format(NagCheck.check(stack).errors.filter(e => !/^AwsSolutions-(L1|IAM4)/.test(e.ruleId)))).toBe('');
  });

  test('an x86_64 function gets the x86_64 layer; without enableLambdaFaults synth warns', () => {
    const { stack, fn, x } = laneWithFunction(lambda.Architecture.X86_64);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('function Ops/Fn/Resource/Resource lacks'))).toHaveLength(1);
    const second = laneWithFunction(lambda.Architecture.X86_64);
    second.x.enableLambdaFaults(second.fn);
    expect(JSON.stringify(Template.fromStack(second.stack).toJSON().Parameters)).toContain('/aws/service/fis/lambda-extension/AWS-FIS-extension-x86_64/1.x.x');
    void fn; void x;
  });

  test('errors: a container-image function, experiments without a Lambda target, something that is not a function', () => {
    const { stack, x } = laneWithFunction();
    const image = new lambda.DockerImageFunction(stack, 'Image', { code: lambda.DockerImageCode.fromEcr(ecr.Repository.fromRepositoryName(stack, 'Repo', 'serve')) });
    expect(() => x.enableLambdaFaults(image)).toThrow(/Ops\/X: 'enableLambdaFaults\(fn\)' \("Ops\/Image"\) is a container-image function, which cannot use Lambda layers\. Fix: Copy the AWS FIS Lambda extension into the image/);
    expect(() => x.enableLambdaFaults({} as any)).toThrow(/'enableLambdaFaults\(fn\)' .* is not a lambda.Function/);
    const workersOnly = new ResilienceExperiments(stack, 'W', { lanes: [new FakeLane(stack, 'Workers', LaneKind.BATCH_WORKERS)] });
    expect(() => workersOnly.enableLambdaFaults(image)).toThrow(/'enableLambdaFaults\(fn\)' \("Ops\/Image"\) has no config location to read: these experiments have no Lambda target/);
  });
});
