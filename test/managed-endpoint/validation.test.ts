import { CfnParameter, Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  AutoscalingPolicy, LaneValidationError, ModelArtifact, ModelWeights, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage, ShadowTraffic,
} from '../../lib';
import { CaptureMode, EndpointMode, ManagedEndpoint, ManagedEndpointProps, ModelHosting } from '../../lib/managed-endpoint';
import { artifact, bucketOf, construct, endpointStack, newStack, only, repoOf } from './helpers';

/*
 * Issue 13 (bad input) and issue 21 (boundaries) for the managed-endpoint lane: every rejection names
 * the construct, the prop, the value and a fix; each limit is tested at the accepted edge and at the
 * first rejected value.
 */

const SLO = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
const SCALING = new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 6, triggers: [ScalingTrigger.inFlightPerInstance(4)] });
const js = <T>(value: unknown): T => value as T; // what plain JavaScript or another jsii language may pass

function variant(extra: Partial<ManagedEndpointProps>, instanceType = 'ml.m5.large'): any {
  return only(Template.fromStack(endpointStack(extra, instanceType).stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0];
}
function deployment(extra: Partial<ManagedEndpointProps>): any {
  return only(Template.fromStack(endpointStack(extra).stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig;
}
function rejects(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(LaneValidationError);
  expect(fn).toThrow(message);
}

describe('durations: whole seconds in the API range', () => {
  const realTime = (d: Partial<{ containerStartupHealthCheckTimeout: Duration; modelDataDownloadTimeout: Duration }>) => () => EndpointMode.realTime({ instanceType: 'ml.m5.large', ...d });

  test.each<[string, () => unknown, RegExp]>([
    ['fractional startup timeout', realTime({ containerStartupHealthCheckTimeout: Duration.seconds(90.5) }),
      /EndpointMode.realTime: 'containerStartupHealthCheckTimeout' \(90.5 seconds\) must be a whole number of seconds \(the platform stores seconds\)\. Fix: Pass a whole number of seconds from 1 minute to 1 hour \(SageMaker's ContainerStartupHealthCheckTimeoutInSeconds\), e.g. Duration.seconds\(91\)\./],
    ['startup timeout 59 s', realTime({ containerStartupHealthCheckTimeout: Duration.seconds(59) }), /'containerStartupHealthCheckTimeout' \(59 seconds\) must be from 1 minute to 1 hour/],
    ['startup timeout 3601 s', realTime({ containerStartupHealthCheckTimeout: Duration.seconds(3601) }), /'containerStartupHealthCheckTimeout' \(1 hour 1 second\) must be from 1 minute to 1 hour/],
    ['fractional download timeout', realTime({ modelDataDownloadTimeout: Duration.millis(60500) }), /'modelDataDownloadTimeout' \(1 minute 500 millis\) must be a whole number of seconds.*e.g. Duration.seconds\(61\)/],
    ['download timeout 3601 s', realTime({ modelDataDownloadTimeout: Duration.seconds(3601) }), /'modelDataDownloadTimeout' \(1 hour 1 second\) must be from 1 minute to 1 hour\. Fix: .*\(SageMaker's ModelDataDownloadTimeoutInSeconds\), e.g. Duration.seconds\(3600\)/],
    ['NaN download timeout', realTime({ modelDataDownloadTimeout: Duration.seconds(NaN) }), /'modelDataDownloadTimeout' \(NaN seconds\) is not a finite duration/],
    ['a number instead of a Duration', realTime({ modelDataDownloadTimeout: js<Duration>(600) }), /'modelDataDownloadTimeout' \(600\) is not a Duration/],
    ['rolling wait 1.5 s', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.seconds(1.5) } })),
      /Test\/Endpoint: 'rollingUpdate.waitInterval' \(1.5 seconds\) must be a whole number of seconds.*\(SageMaker's RollingUpdatePolicy.WaitIntervalInSeconds\), e.g. Duration.seconds\(2\)/],
    ['rolling wait 3601 s', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.seconds(3601) } })),
      /'rollingUpdate.waitInterval' \(1 hour 1 second\) must be from 0 seconds to 1 hour/],
    ['rolling timeout 599 s', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.minutes(1), maximumExecutionTimeout: Duration.seconds(599) } })),
      /'rollingUpdate.maximumExecutionTimeout' \(9 minutes 59 seconds\) must be from 10 minutes to 8 hours/],
    ['rolling timeout 28801 s', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.minutes(1), maximumExecutionTimeout: Duration.seconds(28801) } })),
      /'rollingUpdate.maximumExecutionTimeout' \(8 hours 1 second\) must be from 10 minutes to 8 hours/],
    ['rolling without waitInterval (JavaScript)', construct(() => ({ slo: SLO, rollingUpdate: js({ maximumBatchPercent: 20 }) })),
      /'rollingUpdate.waitInterval' is required \(RollingUpdatePolicy.WaitIntervalInSeconds\)/],
    ['rolling without maximumBatchPercent (JavaScript)', construct(() => ({ slo: SLO, rollingUpdate: js({ waitInterval: Duration.minutes(1) }) })),
      /'rollingUpdate.maximumBatchPercent' is required \(RollingUpdatePolicy.MaximumBatchSize\)/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('the accepted edges are rendered unchanged', () => {
    expect(variant({ mode: EndpointMode.realTime({ instanceType: 'ml.m5.large', containerStartupHealthCheckTimeout: Duration.seconds(60), modelDataDownloadTimeout: Duration.hours(1) }) }))
      .toEqual(expect.objectContaining({ ContainerStartupHealthCheckTimeoutInSeconds: 60, ModelDataDownloadTimeoutInSeconds: 3600 }));
    expect(deployment({ autoscaling: SCALING, slo: SLO, rollingUpdate: { maximumBatchPercent: 5, waitInterval: Duration.seconds(0), maximumExecutionTimeout: Duration.seconds(600) } }).RollingUpdatePolicy)
      .toEqual({ MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 5 }, WaitIntervalInSeconds: 0, MaximumExecutionTimeoutInSeconds: 600 });
    expect(deployment({ autoscaling: SCALING, slo: SLO, rollingUpdate: { maximumBatchPercent: 50, waitInterval: Duration.hours(1), maximumExecutionTimeout: Duration.hours(8) } }).RollingUpdatePolicy)
      .toEqual({ MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 }, WaitIntervalInSeconds: 3600, MaximumExecutionTimeoutInSeconds: 28800 });
  });
});

describe('rollout boundaries (SageMaker: canary <= 50% of the fleet, linear steps 10-50%, whole percents)', () => {
  const canary = (percent: number) => Rollout.canary({ percent, bakeTime: Duration.minutes(5) });
  const linear = (stepPercent: number) => Rollout.linear({ stepPercent, interval: Duration.minutes(5) });
  const routing = (rollout: Rollout) => deployment({ autoscaling: SCALING, slo: SLO, rollout }).BlueGreenUpdatePolicy.TrafficRoutingConfiguration;

  test('canary 50% and 1% are accepted; linear 10% and 50% are accepted', () => {
    expect(routing(canary(50)).CanarySize).toEqual({ Type: 'CAPACITY_PERCENT', Value: 50 });
    expect(routing(canary(1)).CanarySize).toEqual({ Type: 'CAPACITY_PERCENT', Value: 1 });
    expect(routing(linear(10)).LinearStepSize).toEqual({ Type: 'CAPACITY_PERCENT', Value: 10 });
    expect(routing(linear(50)).LinearStepSize).toEqual({ Type: 'CAPACITY_PERCENT', Value: 50 });
  });

  test.each<[string, () => unknown, RegExp]>([
    ['canary 51%', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: canary(51) })), /'rollout.percent' \(51\) is above 50: SageMaker canaries may take at most half of the new fleet/],
    ['canary 12.5%', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: canary(12.5) })), /'rollout.percent' \(12.5\) must be a whole percent: SageMaker's CapacitySize value is an integer\. Fix: Pass 13\./],
    ['linear 9%', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: linear(9) })), /'rollout.stepPercent' \(9\) is outside 10-50/],
    ['linear 51%', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: linear(51) })), /'rollout.stepPercent' \(51\) is outside 10-50/],
    ['linear 12.5%', construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: linear(12.5) })), /'rollout.stepPercent' \(12.5\) must be a whole percent/],
    ['rolling batch 4%', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 4, waitInterval: Duration.minutes(1) } })), /'rollingUpdate.maximumBatchPercent' \(4\) must be an integer from 5 to 50/],
    ['rolling batch 51%', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 51, waitInterval: Duration.minutes(1) } })), /'rollingUpdate.maximumBatchPercent' \(51\) must be an integer from 5 to 50/],
    ['rollback batch 0%', construct(() => ({ slo: SLO, rollingUpdate: { maximumBatchPercent: 20, waitInterval: Duration.minutes(1), rollbackMaximumBatchPercent: 0 } })), /'rollingUpdate.rollbackMaximumBatchPercent' \(0\) must be an integer from 1 to 100/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('10 rollback alarms are accepted, 11 rejected', () => {
    const alarms = (s: any, n: number) => Array.from({ length: n }, (_, i) => new cloudwatch.Alarm(s, `A${i}`, { alarmName: `a${i}`, metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }), threshold: 1, evaluationPeriods: 1 }));
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), slo: SLO, rollout: Rollout.allAtOnce({ alarms: alarms(stack, 8) }) });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms).toHaveLength(10);
    rejects(construct(s => ({ slo: SLO, rollout: Rollout.allAtOnce({ alarms: alarms(s, 9) }) })), /'rollout.alarms' \(11\) exceeds the 10 alarms SageMaker watches/);
  });
});

describe('capacity and hardware', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['an instance type SageMaker does not offer', () => endpointStack({}, 'ml.m5.huge'),
      /Test\/Endpoint: 'mode.instanceType' \("ml.m5.huge"\) is not a SageMaker hosting instance type \(ml.m5.\* sizes: large, xlarge, 2xlarge, 4xlarge, 12xlarge, 24xlarge\)\. Fix: Pick a type SageMaker hosting offers.*botocore/],
    ['a family SageMaker hosting does not have', () => endpointStack({}, 'ml.t3.large'), /'mode.instanceType' \("ml.t3.large"\) is not a SageMaker hosting instance type\. Fix:/],
    ['max capacity above 2^31-1', construct(() => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2 ** 31, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) })),
      /AutoscalingPolicy: 'maxCapacity' \(2147483648\) must be an integer from 1 to 2147483647\. Fix: .*32-bit integers/],
    ['volume size 513 GiB', () => EndpointMode.realTime({ instanceType: 'ml.m5.large', volumeSize: Size.gibibytes(513) }), /'volumeSize' \("513 GiB"\) must be a whole number of GiB from 1 to 512/],
    ['serverless memory 7 GiB', () => EndpointMode.serverless({ memorySize: Size.gibibytes(7), maxConcurrency: 5 }), /'memorySize' \("7168 MiB"\) is not a serverless memory size/],
    ['serverless concurrency 201', () => EndpointMode.serverless({ memorySize: Size.gibibytes(1), maxConcurrency: 201 }), /'maxConcurrency' \(201\) must be an integer from 1 to 200/],
    ['serverless without maxConcurrency (JavaScript)', () => EndpointMode.serverless(js({ memorySize: Size.gibibytes(2) })),
      /EndpointMode.serverless: 'maxConcurrency' is required \(ServerlessConfig.MaxConcurrency\).*Fix: Pass maxConcurrency from 1 to 200/],
    ['serverless without memorySize (JavaScript)', () => EndpointMode.serverless(js({ maxConcurrency: 5 })), /'memorySize' is required/],
    ['a mode without instanceType (JavaScript)', () => EndpointMode.realTime(js({})), /EndpointMode.realTime: 'instanceType' is required/],
    ['no mode at all (JavaScript)', construct(() => ({ mode: js<EndpointMode>(undefined) })), /Test\/Endpoint: 'mode' is required\. Fix: Pass EndpointMode.realTime/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('the accepted edges: 2^31-1, 512 GiB, 6 GiB x 200, a type newer than the list through the context key', () => {
    const stack = newStack();
    stack.node.setContext('@cdk-inference-lanes/managed-endpoint:extraInstanceTypes', ['ml.m9.large']);
    new ManagedEndpoint(stack, 'Big', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large', volumeSize: Size.gibibytes(512) }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2 ** 31 - 1, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    });
    new ManagedEndpoint(stack, 'New', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m9.large' }) });
    new ManagedEndpoint(stack, 'Sls', { artifact: artifact(stack), mode: EndpointMode.serverless({ memorySize: Size.gibibytes(6), maxConcurrency: 200 }) });
    const t = Template.fromStack(stack);
    expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties.MaxCapacity).toBe(2147483647);
    const variants = Object.values(t.findResources('AWS::SageMaker::EndpointConfig')).map((c: any) => c.Properties.ProductionVariants[0]);
    expect(variants.map(v => v.InstanceType ?? v.ServerlessConfig)).toEqual(['ml.m5.large', 'ml.m9.large', { MemorySizeInMB: 6144, MaxConcurrency: 200 }]);
    expect(variants[0].VolumeSizeInGB).toBe(512);
  });
});

describe('enum-like values from other languages are checked at run time', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['an unknown capture mode', construct(() => ({ dataCapture: { samplingPercent: 5, captureModes: [js<CaptureMode>('Both')] } })),
      /'dataCapture.captureModes\[0\]' \("Both"\) is not one of 'Input', 'Output'\. Fix: Use CaptureMode.INPUT or CaptureMode.OUTPUT/],
    ['an unknown hosting', construct(() => ({ hosting: js<ModelHosting>('Multi') })), /'hosting' \("Multi"\) is not one of 'SingleModel', 'MultiModel'/],
    ['a fractional sampling percent', construct(() => ({ dataCapture: { samplingPercent: 5.5 } })), /'dataCapture.samplingPercent' \(5.5\) must be an integer from 0 to 100/],
    ['a sampling percent of 101', construct(() => ({ dataCapture: { samplingPercent: 101 } })), /'dataCapture.samplingPercent' \(101\) must be an integer from 0 to 100/],
    ['no sampling percent (JavaScript)', construct(() => ({ dataCapture: js({}) })), /'dataCapture.samplingPercent' is required \(DataCaptureConfig.InitialSamplingPercentage\)/],
    ['11 JSON content types', construct(() => ({ dataCapture: { samplingPercent: 5, jsonContentTypes: Array.from({ length: 11 }, (_, i) => `application/x${i}+json`) } })),
      /'dataCapture.jsonContentTypes' .* must list 1 to 10 non-empty content types/],
    ['an empty CSV content type list', construct(() => ({ dataCapture: { samplingPercent: 5, csvContentTypes: [] } })), /'dataCapture.csvContentTypes' \(\[\]\) must list 1 to 10/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('sampling 0% and 100% are accepted and rendered', () => {
    for (const samplingPercent of [0, 100]) {
      expect(only(Template.fromStack(endpointStack({ dataCapture: { samplingPercent } }).stack), 'AWS::SageMaker::EndpointConfig').Properties.DataCaptureConfig.InitialSamplingPercentage).toBe(samplingPercent);
    }
  });
});

describe('tokens are unknown values: rendered as given, checks that need them skipped', () => {
  test('a CfnParameter min capacity renders InitialInstanceCount as the parameter and allows a canary', () => {
    const stack = newStack();
    const min = new CfnParameter(stack, 'MinInstances', { type: 'Number', default: 2 });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ minCapacity: min.valueAsNumber, maxCapacity: 8, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
      slo: SLO, rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(5) }),
      shadow: ShadowTraffic.mirror(artifact(stack, '1.5.0'), 20),
    });
    const t = Template.fromStack(stack);
    const config = only(t, 'AWS::SageMaker::EndpointConfig').Properties;
    expect(config.ProductionVariants[0].InitialInstanceCount).toEqual({ Ref: 'MinInstances' });
    expect(config.ShadowProductionVariants[0].InitialInstanceCount).toBe(1);
    expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties.MinCapacity).toEqual({ Ref: 'MinInstances' });
    expect(only(t, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type).toBe('CANARY');
  });

  test('a CfnParameter linear step is rendered as given; the step count is unknown, so no MaximumExecutionTimeoutInSeconds (SageMaker\'s default)', () => {
    const stack = newStack();
    const step = new CfnParameter(stack, 'StepPercent', { type: 'Number', default: 20 });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: step.valueAsNumber, interval: Duration.minutes(5) }),
    });
    const policy = only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy;
    expect(policy.TrafficRoutingConfiguration).toEqual({ Type: 'LINEAR', WaitIntervalInSeconds: 300, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: { Ref: 'StepPercent' } } });
    expect(policy.MaximumExecutionTimeoutInSeconds).toBeUndefined();
    expect(policy.TerminationWaitInSeconds).toBe(600);
  });

  test('a CfnParameter canary share is rendered as given; one wait, so the timeout is known (300 + 600 + 3600 s)', () => {
    const stack = newStack();
    const share = new CfnParameter(stack, 'CanaryPercent', { type: 'Number', default: 60 });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      autoscaling: SCALING, slo: SLO, rollout: Rollout.canary({ percent: share.valueAsNumber, bakeTime: Duration.minutes(5) }),
    });
    const policy = only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy;
    expect(policy.TrafficRoutingConfiguration.CanarySize).toEqual({ Type: 'CAPACITY_PERCENT', Value: { Ref: 'CanaryPercent' } });
    expect(policy.MaximumExecutionTimeoutInSeconds).toBe(4500);
  });

  test('a CfnParameter instance type is rendered as given (and keeps the plain endpoint logical ID)', () => {
    const stack = newStack();
    const type = new CfnParameter(stack, 'InstanceType', { type: 'String', default: 'ml.m5.large' });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: type.valueAsString }),
      autoscaling: SCALING,
    });
    const t = Template.fromStack(stack);
    expect(only(t, 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].InstanceType).toEqual({ Ref: 'InstanceType' });
    expect(only(t, 'AWS::SageMaker::Endpoint').logicalId).toMatch(/^Endpoint[0-9A-F]{8}$/);
  });
});

describe('environment: no name of the lanes\' MODEL_* contract can be set (core checkNoModelEnvOverride, one wording in every lane)', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['MODEL_VERSION', construct(() => ({ environment: { MODEL_VERSION: '9.9.9' } })),
      /Test\/Endpoint: 'environment.MODEL_VERSION' \("9.9.9"\) is set by the lane from the artifact\. Fix: Drop MODEL_VERSION; the lane sets MODEL_NAME, MODEL_VERSION, MODEL_FRAMEWORK, MODEL_PRECISION, MODEL_TARGET, MODEL_S3_URI, MODEL_S3_BUCKET, MODEL_S3_KEY, MODEL_S3_IS_PREFIX, MODEL_COMPRESSED, MODEL_DIGEST, MODEL_CARD, MODEL_LOCAL_DIR\./],
    // Reserved even where this artifact sets no value (no digest for a bucket object).
    ['MODEL_DIGEST', construct(() => ({ environment: { MODEL_DIGEST: 'sha256:x' } })), /'environment.MODEL_DIGEST' \("sha256:x"\) is set by the lane from the artifact/],
    ['MODEL_S3_URI', construct(() => ({ environment: { MODEL_S3_URI: 's3://b/k' } })), /'environment.MODEL_S3_URI' \("s3:\/\/b\/k"\) is set by the lane from the artifact/],
    ['MODEL_NAME', construct(() => ({ environment: { MODEL_NAME: 'other' } })), /'environment.MODEL_NAME' \("other"\) is set by the lane from the artifact/],
    ['a key SageMaker rejects', construct(() => ({ environment: { 'log-level': 'info' } })), /'environment' \("log-level"\) is not a SageMaker environment variable name/],
    ['a non-string value (JavaScript)', construct(() => ({ environment: js({ WORKERS: 4 }) })), /'environment.WORKERS' \(4\) must be a string/],
    ['a value over 1024 bytes', construct(() => ({ environment: { PROMPT: 'x'.repeat(1025) } })), /'environment.PROMPT' \("1025 bytes"\) exceeds the 1024 bytes SageMaker allows/],
    ['101 variables with the lane\'s twelve', construct(() => ({ environment: Object.fromEntries(Array.from({ length: 89 }, (_, i) => [`V${i}`, 'x'])) })),
      /'environment' \("101 variables"\) exceeds the 100 environment variables SageMaker allows per container \(the lane sets 12\)/],
    ['more than 32 KB in total', construct(() => ({ environment: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`V${i}`, 'x'.repeat(1000)])) })),
      /'environment' \("40\d{3} bytes"\) exceeds the 32 KB SageMaker allows/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('edges: a 1024-byte value and 100 variables in total are accepted and rendered', () => {
    const env = Object.fromEntries(Array.from({ length: 88 }, (_, i) => [`V${i}`, 'x']));
    env.V0 = 'y'.repeat(1024);
    const model = only(Template.fromStack(endpointStack({ environment: env }).stack), 'AWS::SageMaker::Model').Properties;
    expect(Object.keys(model.PrimaryContainer.Environment)).toHaveLength(100);
    expect(model.PrimaryContainer.Environment.V0).toHaveLength(1024);
    expect(model.PrimaryContainer.Environment.MODEL_VERSION).toBe('1.4.0');
  });
});

describe('async S3 prefixes may not overlap (same rule as the batch lane)', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['output under input', () => EndpointMode.asynchronous({ instanceType: 'ml.m5.large', inputPrefix: 'jobs/', outputPrefix: 'jobs/out/' }),
      /EndpointMode.asynchronous: 'outputPrefix' \("jobs\/out\/"\) overlaps inputPrefix \("jobs\/"\)\. Fix: Use separate prefixes/],
    ['input equal to the default output', () => EndpointMode.asynchronous({ instanceType: 'ml.m5.large', inputPrefix: 'async-outputs/' }), /'outputPrefix' \("async-outputs\/"\) overlaps inputPrefix \("async-outputs\/"\)/],
    ['failures above outputs', () => EndpointMode.asynchronous({ instanceType: 'ml.m5.large', outputPrefix: 'r/ok/', failurePrefix: 'r/' }), /'failurePrefix' \("r\/"\) overlaps outputPrefix \("r\/ok\/"\)/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('siblings sharing a name start are fine (jobs/ vs jobs-out/)', () => {
    const mode = EndpointMode.asynchronous({ instanceType: 'ml.m5.large', inputPrefix: 'jobs/', outputPrefix: 'jobs-out/', failurePrefix: 'jobs-failed/' });
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode });
    const out = only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.AsyncInferenceConfig.OutputConfig;
    expect(JSON.stringify([out.S3OutputPath, out.S3FailurePath])).toMatch(/jobs-out\/.*jobs-failed\//);
  });
});

describe('shadow candidates (kept)', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['another model', construct(s => ({
      shadow: ShadowTraffic.mirror(ModelArtifact.fromBucket(bucketOf(s), 'o/model.tar.gz', { name: 'other', version: '2', image: ServingImage.fromEcrRepository(repoOf(s), 'x') }), 10),
    })), /'shadow.candidate' \("other@2"\) is a different model than the artifact \(assistant\)/],
    ['the live version', construct(s => ({ shadow: ShadowTraffic.mirror(artifact(s, '1.4.0'), 10) })), /'shadow.candidate' \("assistant@1.4.0"\) is the version already in production/],
    ['a multi-model prefix', construct(s => ({
      artifact: new ModelArtifact({ name: 'assistant', version: '1', weights: ModelWeights.fromBucketPrefix(bucketOf(s), 'm/'), image: ServingImage.fromEcrRepository(repoOf(s), 'x') }),
      shadow: ShadowTraffic.mirror(artifact(s, '2.0.0'), 10),
    })), /'shadow' \("assistant@2.0.0"\) is not supported on multi-model endpoints/],
  ])('a shadow of %s is rejected', (_name, fn, message) => rejects(fn, message));
});

describe('schedules: Application Auto Scaling cron and IANA time zones (checked by the core policy, rendered by the lane)', () => {
  const withSchedule = (schedule: object) => construct(() => ({
    autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)], schedules: [{ name: 'day', start: { hour: '8', minute: '0' }, end: { hour: '18', minute: '0' }, minCapacity: 2, ...schedule } as any] }),
  }));

  test.each<[string, () => unknown, RegExp]>([
    ['minute 60', withSchedule({ start: { hour: '8', minute: '60' } }), /AutoscalingPolicy: 'schedules\[0\].start.minute' \("60"\) has 60, which is out of range; minute takes 0-59.*\(Application Auto Scaling cron\)/],
    ['hour 25', withSchedule({ end: { hour: '25', minute: '0' } }), /'schedules\[0\].end.hour' \("25"\) has 25, which is out of range/],
    ['an unknown time zone', withSchedule({ timeZone: 'Mars/Olympus' }), /'schedules\[0\].timeZone' \("Mars\/Olympus"\) is not an IANA time-zone name/],
    ['an empty time zone', withSchedule({ timeZone: '' }), /'schedules\[0\].timeZone' \(""\) is empty: an empty time zone would be dropped/],
  ])('%s is rejected', (_name, fn, message) => rejects(fn, message));

  test('a valid schedule with a time zone is rendered as two scheduled actions in that zone', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)], schedules: [{ name: 'day', start: { hour: '8', minute: '0' }, end: { hour: '18', minute: '0' }, minCapacity: 2, timeZone: 'Europe/Dublin' }] }),
    });
    const actions = only(Template.fromStack(stack), 'AWS::ApplicationAutoScaling::ScalableTarget').Properties.ScheduledActions;
    expect(actions.map((a: any) => [a.ScheduledActionName, a.Schedule, a.Timezone, a.ScalableTargetAction])).toEqual([
      ['day-start', 'cron(0 8 * * ? *)', 'Europe/Dublin', { MinCapacity: 2, MaxCapacity: 4 }],
      ['day-end', 'cron(0 18 * * ? *)', 'Europe/Dublin', { MinCapacity: 1, MaxCapacity: 4 }],
    ]);
  });
});
