import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AutoscalingPolicy, HybridTopology, LaneValidationError, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { ProvisionedConcurrencyStatistic, WarmMode, WarmModeKind, WarmServerlessFunction, WarmServerlessFunctionProps } from '../../lib/serverless';
import { CfnLint, NagCheck } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';
import { baseProps, HANDLER_DIR, newStack, only, snapProps } from './fixtures';

const build = (props: WarmServerlessFunctionProps, stack: Stack = newStack()) => () => new WarmServerlessFunction(stack, 'Pool', props);

function synth(props: WarmServerlessFunctionProps): { pool: WarmServerlessFunction; template: Template; stack: Stack } {
  const stack = newStack();
  const pool = new WarmServerlessFunction(stack, 'Pool', props);
  return { pool, template: Template.fromStack(stack), stack };
}

describe('warm mode: provisioned concurrency (the default) or SnapStart, one choice', () => {
  test('default (warmMode omitted): provisioned concurrency through Application Auto Scaling, no SnapStart on the function', () => {
    const { pool, template } = synth(baseProps());
    expect(pool.warmMode.kind).toBe(WarmModeKind.PROVISIONED_CONCURRENCY);
    expect(only(template, 'AWS::Lambda::Function').Properties.SnapStart).toBeUndefined();
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'lambda:function:ProvisionedConcurrency', MinCapacity: 2, MaxCapacity: 20 });
    expect(pool.spilloverAlarm).toBeDefined();
  });

  test('explicit WarmMode.provisionedConcurrency() renders the same template as the default', () => {
    const a = synth(baseProps()).template.toJSON();
    const b = synth(baseProps({ warmMode: WarmMode.provisionedConcurrency() })).template.toJSON();
    expect(b).toEqual(a);
  });

  test('SnapStart: SnapStart ApplyOn PublishedVersions on the function; no scalable target, no ProvisionedConcurrencyConfig, no spillover alarm', () => {
    const { pool, template } = synth(snapProps());
    template.hasResourceProperties('AWS::Lambda::Function', {
      SnapStart: { ApplyOn: 'PublishedVersions' },
      Runtime: 'python3.13',
      ReservedConcurrentExecutions: 50,
      EphemeralStorage: { Size: 512 },
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Version', { ProvisionedConcurrencyConfig: Match.absent() });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    expect(pool.spilloverAlarm).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => id.includes('Spillover'))).toEqual([]);
    expect(pool.warmMode.kind).toBe(WarmModeKind.SNAP_START);
    expect(pool.capacity).toMatchObject({ minInstances: 0, maxInstances: 50 });
    expect(pool.capacity.description).toMatch(/SnapStart/);
  });

  test('SnapStart: the cold-start metric filter reads restoreDurationMs (a resumed environment has no initDurationMs)', () => {
    const snap = synth(snapProps()).template;
    snap.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('restoreDurationMs > 0'), MetricTransformations: [Match.objectLike({ MetricValue: '$.record.metrics.restoreDurationMs' })] });
    synth(baseProps()).template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricValue: '$.record.metrics.initDurationMs' })] });
  });

  test('SnapStart on arm64 and on Java 21 and .NET 8 is accepted (current SnapStart docs list no architecture limit)', () => {
    for (const runtime of [lambda.Runtime.JAVA_21, lambda.Runtime.DOTNET_8, lambda.Runtime.PYTHON_3_12]) {
      const { template } = synth(snapProps({ runtime, architecture: lambda.Architecture.ARM_64, code: lambda.Code.fromAsset(HANDLER_DIR) }));
      template.hasResourceProperties('AWS::Lambda::Function', { SnapStart: { ApplyOn: 'PublishedVersions' }, Architectures: ['arm64'], Runtime: runtime.name });
    }
  });

  test('SnapStart with a rollout: CodeDeploy still shifts the alias between published versions and rolls back on the version alarms', () => {
    const { pool, template } = synth(snapProps({
      slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
      rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    }));
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AlarmConfiguration: Match.objectLike({ Enabled: true }),
    });
    template.hasResource('AWS::Lambda::Alias', { UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() } });
    expect(pool.rollbackAlarms.length).toBeGreaterThanOrEqual(2);
    // the rollback alarms read the version being deployed (ExecutedVersion), published with SnapStart
    const rollback = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('PoolRollback'));
    expect(rollback.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rollback)).toMatch(/ExecutedVersion/);
  });

  test('SnapStart inside a HybridTopology does not inherit the topology\'s warm-pool policy', () => {
    const stack = newStack();
    const topology = new HybridTopology(stack, 'T', {
      artifact: demoArtifact(),
      autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
    });
    const { artifact: _a, ...rest } = snapProps();
    new WarmServerlessFunction(topology, 'Snap', rest);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { SnapStart: { ApplyOn: 'PublishedVersions' } });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });
});

describe('warm mode: combinations SnapStart cannot do are rejected with a LaneValidationError', () => {
  test.each<[string, Partial<WarmServerlessFunctionProps>, RegExp]>([
    ['an autoscaling policy (the warm pool)', { autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }) },
      /S\/Pool: 'autoscaling' \("2-20, inFlightPerInstance\(0.7\)"\) cannot be rendered with WarmMode.snapStart\(\): .*Lambda does not allow provisioned concurrency on a SnapStart version.*Fix: Drop autoscaling and cap the on-demand environments with reservedConcurrentExecutions/],
    ['a fixed warm pool', { autoscaling: AutoscalingPolicy.fixed(5) }, /'autoscaling' \("5-5"\) cannot be rendered with WarmMode.snapStart\(\)/],
    ['a utilization statistic', { utilizationStatistic: ProvisionedConcurrencyStatistic.AVERAGE },
      /'utilizationStatistic' \("Average"\) tunes the provisioned-concurrency target tracking, which WarmMode.snapStart\(\) does not have/],
    ['a spillover threshold', { maxSpilloverPercent: 5 }, /'maxSpilloverPercent' \(5\) is the threshold of the warm-pool spillover alarm, which WarmMode.snapStart\(\) does not have/],
    ['a Node.js runtime', { runtime: lambda.Runtime.NODEJS_24_X },
      /'runtime' \("nodejs24.x"\) does not support Lambda SnapStart \(supported: Java 11 and later, Python 3.12 and later, .NET 8 and later managed runtimes.*Fix: Use e.g. lambda.Runtime.PYTHON_3_13/],
    ['Python 3.11 (below 3.12)', { runtime: lambda.Runtime.PYTHON_3_11 }, /'runtime' \("python3.11"\) does not support Lambda SnapStart/],
    ['an OS-only runtime', { runtime: lambda.Runtime.PROVIDED_AL2023 }, /'runtime' \("provided.al2023"\) does not support Lambda SnapStart/],
    ['/tmp above 512 MiB', { ephemeralStorageSize: Size.mebibytes(513) },
      /'ephemeralStorageSize' \("513 MiB"\) exceeds the 512 MiB of \/tmp Lambda SnapStart supports/],
    ['no reserved concurrency', { reservedConcurrentExecutions: undefined },
      /'reservedConcurrentExecutions' is required with WarmMode.snapStart\(\)/],
    ['reserved concurrency 0', { reservedConcurrentExecutions: 0 }, /'reservedConcurrentExecutions' \(0\)/],
  ])('SnapStart with %s', (_what, overrides, message) => {
    expect(build(snapProps(overrides))).toThrow(LaneValidationError);
    expect(build(snapProps(overrides))).toThrow(message);
  });

  test('SnapStart with a container image (the artifact\'s serving image, or a user image) is rejected', () => {
    const noCode = { ...snapProps(), code: undefined, handler: undefined, runtime: undefined };
    expect(build(noCode)).toThrow(/'code' \("the artifact's serving image \(no code given\)"\) cannot use WarmMode.snapStart\(\): Lambda SnapStart supports zip packages on managed runtimes only, not container images/);
    const stack = newStack();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'chat');
    const image = { ...snapProps(), code: lambda.Code.fromEcrImage(repo, { tagOrDigest: 'v1' }), handler: undefined, runtime: undefined };
    expect(build(image, stack)).toThrow(/'code' \("a container image"\) cannot use WarmMode.snapStart\(\)/);
  });

  test('boundary: /tmp of exactly 512 MiB is accepted with SnapStart', () => {
    synth(snapProps({ ephemeralStorageSize: Size.mebibytes(512) })).template.hasResourceProperties('AWS::Lambda::Function', { EphemeralStorage: { Size: 512 } });
  });

  test('a value that is not a WarmMode is rejected', () => {
    expect(build(baseProps({ warmMode: 'snapstart' as unknown as WarmMode }))).toThrow(/'warmMode' \("snapstart"\) is not a WarmMode.*Fix: Pass WarmMode.provisionedConcurrency\(\) or WarmMode.snapStart\(\)/);
  });
});

describe('response streaming through the function URL', () => {
  test('default (responseStreaming omitted): the URL has no InvokeMode (BUFFERED, the service default) and AWS_IAM auth', () => {
    const { template } = synth(baseProps({ functionUrl: true }));
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: Match.absent() });
  });

  test('responseStreaming: InvokeMode RESPONSE_STREAM on the alias URL, which stays AWS_IAM', () => {
    const { template } = synth(baseProps({ functionUrl: true, responseStreaming: true }));
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM', Qualifier: 'live' });
  });

  test('responseStreaming on an OS-only runtime (custom runtime streaming through the Runtime API) is accepted', () => {
    const { template } = synth(baseProps({ functionUrl: true, responseStreaming: true, runtime: lambda.Runtime.PROVIDED_AL2023, handler: 'bootstrap' }));
    template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
  });

  test('responseStreaming: false renders a buffered URL', () => {
    synth(baseProps({ functionUrl: true, responseStreaming: false })).template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: Match.absent() });
  });

  test('without functionUrl it is rejected', () => {
    expect(build(baseProps({ responseStreaming: true }))).toThrow(LaneValidationError);
    expect(build(baseProps({ responseStreaming: true }))).toThrow(/'responseStreaming' \(true\) sets the invoke mode of the function URL \(InvokeMode RESPONSE_STREAM\), but functionUrl is not enabled.*Fix: Set functionUrl: true/);
  });

  test.each([lambda.Runtime.PYTHON_3_13, lambda.Runtime.JAVA_21])('on %s (no native streaming) it is rejected', (runtime) => {
    expect(build(baseProps({ functionUrl: true, responseStreaming: true, runtime }))).toThrow(
      new RegExp(`'responseStreaming' \\("true with runtime ${runtime.name.replace('.', '\\.')}"\\) cannot stream: Lambda streams responses natively on Node.js managed runtimes only.*Lambda Web Adapter`));
  });

  test('SnapStart and streaming together fail on the runtime (no SnapStart runtime streams natively)', () => {
    expect(build(snapProps({ functionUrl: true, responseStreaming: true }))).toThrow(/'responseStreaming' \("true with runtime python3.13"\) cannot stream/);
  });

  test('a container image streams only if the image does: accepted with an info annotation', () => {
    const stack = newStack();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'chat');
    new WarmServerlessFunction(stack, 'Pool', baseProps({ code: lambda.Code.fromEcrImage(repo, { tagOrDigest: 'v1' }), handler: undefined, runtime: undefined, functionUrl: true, responseStreaming: true }));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
    Annotations.fromStack(stack).hasInfo('/S/Pool', Match.stringLikeRegexp('responseStreaming with a container image: the image must stream itself'));
  });
});

test('SnapStart synthesizes without warnings (aws-cdk-lib\'s "published versions only" warning is acknowledged: the alias points at currentVersion)', () => {
  const { stack } = synth(snapProps());
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toEqual([]);
});

test('a SnapStart lane with a rollout, and a streaming lane, pass cfn-lint and cdk-nag AwsSolutions', () => {
  const stacks = [
    snapProps({ runtime: lambda.Runtime.JAVA_25, code: lambda.Code.fromAsset(HANDLER_DIR), handler: 'example.Handler::handleRequest', slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }), rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) }),
    baseProps({ functionUrl: true, responseStreaming: true }),
  ].map(props => synth(props).stack);
  // both stacks in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading)
  const lints = CfnLint.lintStacks(stacks);
  expect(lints).toHaveLength(2);
  stacks.forEach((stack, i) => {
    expect(CfnLint.format(lints[i].errors)).toBe('');
    const nag = NagCheck.check(stack);
    expect(NagCheck.format(nag.errors)).toBe('');
    expect(NagCheck.format(nag.warnings)).toBe('');
  });
});
