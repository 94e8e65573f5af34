import { spawnSync } from 'child_process';
import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AutoscalingPolicy, DynamicBatching, HybridTopology, Rollout, ScalingTrigger, ServiceLevelObjective, ShadowTraffic } from '../../lib';
import {
  ComputeReservation, EndpointMode, InferenceComponentModeProps, ManagedEndpoint, ManagedEndpointProps, ModelHosting, RoutingStrategy,
} from '../../lib/managed-endpoint';
import { ApiContract, CfnLint, NagCheck } from '../../lib/testing';
import { artifact, newStack, only, statementsWith } from './helpers';

// Issue 19 item 1: SageMaker inference components (EndpointMode.inferenceComponents), copy-count scaling,
// real-time scale to zero and back, rolling updates of components, RoutingConfig on real-time variants.

const GPU: ComputeReservation = { acceleratorCount: 1, memorySize: Size.gibibytes(16) };

function icMode(extra: Partial<InferenceComponentModeProps> = {}): EndpointMode {
  return EndpointMode.inferenceComponents({ instanceType: 'ml.g5.12xlarge', maxInstanceCount: 2, computeReservation: GPU, ...extra });
}

/** An inference-component endpoint `Endpoint` (ml.g5.12xlarge: 4 GPUs, 48 vCPUs, 192 GiB) with `extra` props. */
function icStack(extra: Partial<ManagedEndpointProps> = {}): { stack: Stack; endpoint: ManagedEndpoint } {
  const stack = newStack();
  const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: icMode(), ...extra });
  return { stack, endpoint };
}

function build(extra: (s: Stack) => Partial<ManagedEndpointProps>): () => ManagedEndpoint {
  return () => {
    const stack = newStack();
    return new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: icMode(), ...extra(stack) });
  };
}

const inFlight = (extra: { scaleToZero?: boolean; minCapacity?: number; maxCapacity?: number } = {}) =>
  new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)], ...extra });
const slo = () => ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
const rolling = { maximumBatchPercent: 25, waitInterval: Duration.minutes(5) };

describe('the mode: one AWS::SageMaker::InferenceComponent per model build, the variant without a model', () => {
  test('defaults by omission: ExecutionRoleArn on the config, ManagedInstanceScaling 1-max, LOR routing, one copy, no scaling, no DeploymentConfig', () => {
    const { stack, endpoint } = icStack();
    const t = Template.fromStack(stack);
    const config = only(t, 'AWS::SageMaker::EndpointConfig').Properties;
    expect(config.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EndpointExecutionRole/), 'Arn'] });
    expect(config.ProductionVariants).toEqual([{
      VariantName: 'primary',
      InstanceType: 'ml.g5.12xlarge',
      InitialInstanceCount: 1,
      ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 2 },
      RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
    }]);
    const ic = only(t, 'AWS::SageMaker::InferenceComponent');
    expect(ic.Properties).toEqual({
      EndpointName: { 'Fn::GetAtt': [only(t, 'AWS::SageMaker::Endpoint').logicalId, 'EndpointName'] },
      VariantName: 'primary',
      InferenceComponentName: endpoint.inferenceComponents[0].componentName,
      Specification: {
        ModelName: { 'Fn::GetAtt': [only(t, 'AWS::SageMaker::Model').logicalId, 'ModelName'] },
        ComputeResourceRequirements: { MinMemoryRequiredInMb: 16384, NumberOfAcceleratorDevicesRequired: 1 },
      },
      RuntimeConfig: { CopyCount: 1 },
      Tags: expect.arrayContaining([{ Key: 'model:version', Value: '1.4.0' }]),
    });
    expect(endpoint.inferenceComponents[0].componentName).toMatch(/^Test-Endpoint-InferenceComponent-[A-F0-9]{8}$/);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    const ep = only(t, 'AWS::SageMaker::Endpoint').Properties;
    expect(ep.DeploymentConfig).toBeUndefined();
    expect(ep.RetainAllVariantProperties).toBeUndefined();
    // The GPU build is bound: the model runs the GPU image and weights.
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ ModelDataUrl: 's3://model-bucket/assistant/1.4.0/fp16/model.tar.gz' }) });
    expect(endpoint.capacity).toEqual(expect.objectContaining({ minInstances: 1, maxInstances: 2, instanceType: 'ml.g5.12xlarge' }));
  });

  test('startup timeouts go to the component (InferenceComponentStartupParameters), not the variant; copies, CPU cores and max memory are rendered', () => {
    const { stack } = icStack({
      mode: icMode({
        containerStartupHealthCheckTimeout: Duration.minutes(10), modelDataDownloadTimeout: Duration.minutes(20), copies: 2, minInstanceCount: 2,
        computeReservation: { acceleratorCount: 2, cpuCores: 0.25, memorySize: Size.mebibytes(128), maxMemorySize: Size.gibibytes(64) },
      }),
      autoscaling: inFlight({ minCapacity: 1 }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      Specification: Match.objectLike({
        StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 1200 },
        ComputeResourceRequirements: { MinMemoryRequiredInMb: 128, MaxMemoryRequiredInMb: 65536, NumberOfAcceleratorDevicesRequired: 2, NumberOfCpuCoresRequired: 0.25 },
      }),
      RuntimeConfig: { CopyCount: 2 },
    });
    const variant = only(t, 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0];
    expect(variant.ContainerStartupHealthCheckTimeoutInSeconds).toBeUndefined();
    expect(variant.ModelName).toBeUndefined();
    expect(variant).toEqual(expect.objectContaining({ InitialInstanceCount: 2, ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 2, MaxInstanceCount: 2 } }));
  });

  test('addModel: a second model on the same endpoint, its own model, component, tags and name; inferenceComponents lists both', () => {
    const { stack, endpoint } = icStack();
    const next = endpoint.addModel('Next', { artifact: artifact(stack, '1.5.0'), computeReservation: { acceleratorCount: 2, memorySize: Size.gibibytes(32) }, copies: 1, componentName: 'assistant-next' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SageMaker::InferenceComponent', 2);
    t.resourceCountIs('AWS::SageMaker::Model', 2);
    t.resourceCountIs('AWS::SageMaker::EndpointConfig', 1);
    t.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      InferenceComponentName: 'assistant-next',
      Specification: Match.objectLike({ ComputeResourceRequirements: { MinMemoryRequiredInMb: 32768, NumberOfAcceleratorDevicesRequired: 2 } }),
      Tags: Match.arrayWith([{ Key: 'model:version', Value: '1.5.0' }]),
    });
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ ModelDataUrl: 's3://model-bucket/assistant/1.5.0/fp16/model.tar.gz', Environment: Match.objectLike({ MODEL_VERSION: '1.5.0' }) }),
      Tags: Match.arrayWith([{ Key: 'model:version', Value: '1.5.0' }]),
    });
    expect(endpoint.inferenceComponents.map(c => `${c.artifactName}@${c.artifactVersion}`)).toEqual(['assistant@1.4.0', 'assistant@1.5.0']);
    expect(next.cfnInferenceComponent.node.path).toBe('Test/Endpoint/Next/InferenceComponent');
    // The role may read both builds' weights, exactly.
    const reads = JSON.stringify(statementsWith(t, 's3:GetObject').map(s => s.Resource));
    expect(reads).toContain(':s3:::model-bucket/assistant/1.4.0/fp16/model.tar.gz');
    expect(reads).toContain(':s3:::model-bucket/assistant/1.5.0/fp16/model.tar.gz');
  });
});

describe('compute reservation: checked against one instance of the mode\'s type', () => {
  test.each([
    ['4 accelerators on ml.g5.12xlarge (4 GPUs)', { acceleratorCount: 4, memorySize: Size.gibibytes(1) }],
    ['48 vCPUs', { acceleratorCount: 1, cpuCores: 48, memorySize: Size.gibibytes(1) }],
    ['0.25 vCPU', { acceleratorCount: 1, cpuCores: 0.25, memorySize: Size.gibibytes(1) }],
    ['192 GiB (the whole instance)', { acceleratorCount: 1, memorySize: Size.gibibytes(192) }],
    ['128 MiB', { acceleratorCount: 1, memorySize: Size.mebibytes(128) }],
  ])('accepted edge: %s', (_, r) => {
    expect(build(() => ({ mode: icMode({ computeReservation: r, maxInstanceCount: 1 }) }))).not.toThrow();
  });

  test.each([
    ['5 accelerators', { acceleratorCount: 5, memorySize: Size.gibibytes(1) }, /computeReservation.acceleratorCount.*\(5\).*exceeds one ml.g5.12xlarge, which has 4 accelerators: a copy must fit on one instance/],
    ['48.25 vCPUs', { acceleratorCount: 1, cpuCores: 48.25, memorySize: Size.gibibytes(1) }, /cpuCores.*48.25.*exceeds one ml.g5.12xlarge, which has 48 vCPUs/],
    ['0.2 vCPU', { acceleratorCount: 1, cpuCores: 0.2, memorySize: Size.gibibytes(1) }, /cpuCores.*0.2.*must be at least 0.25 \(NumberOfCpuCoresRequired\)/],
    ['192 GiB + 1 MiB', { acceleratorCount: 1, memorySize: Size.mebibytes(192 * 1024 + 1) }, /memorySize.*196609 MiB.*exceeds one ml.g5.12xlarge, which has 196608 MiB of memory/],
    ['127 MiB', { acceleratorCount: 1, memorySize: Size.mebibytes(127) }, /memorySize.*127 MiB.*must be a whole number of MiB, at least 128/],
    ['max memory below min', { acceleratorCount: 1, memorySize: Size.gibibytes(8), maxMemorySize: Size.gibibytes(4) }, /maxMemorySize.*4096 MiB.*is below memorySize \(8192 MiB\)/],
    ['1.5 accelerators', { acceleratorCount: 1.5, memorySize: Size.gibibytes(1) }, /acceleratorCount.*1.5.*must be an integer >= 1/],
    ['no accelerator on a GPU instance', { memorySize: Size.gibibytes(1) }, /acceleratorCount.*is required on ml.g5.12xlarge: the artifact's nvidia-gpu build cannot run on a copy without an accelerator/],
  ])('rejected: %s', (_, r, message) => {
    expect(build(() => ({ mode: icMode({ computeReservation: r as ComputeReservation }) }))).toThrow(message);
  });

  test('an accelerator on a CPU instance is rejected; a CPU reservation on ml.m5.xlarge is accepted', () => {
    const cpu = (r: ComputeReservation) => build(() => ({ mode: icMode({ instanceType: 'ml.m5.xlarge', computeReservation: r }) }));
    expect(cpu({ acceleratorCount: 1, memorySize: Size.gibibytes(1) })).toThrow(/acceleratorCount.*exceeds one ml.m5.xlarge, which has 0 accelerators.*Use an accelerator instance type/);
    expect(cpu({ cpuCores: 4, memorySize: Size.gibibytes(16) })).not.toThrow();
    expect(cpu({ cpuCores: 4, memorySize: Size.mebibytes(16 * 1024 + 1) })).toThrow(/exceeds one ml.m5.xlarge, which has 16384 MiB of memory/);
  });

  test('a hosting type the library has no capacity table for is rejected with the supported families', () => {
    expect(build(() => ({ mode: icMode({ instanceType: 'ml.c7i.large' }) }))).toThrow(
      /mode.instanceType.*ml.c7i.large.*is not an instance type the library knows the accelerators, vCPUs and memory of.*Use one of ml.g4dn.\*, ml.g5.\*.*ml.inf2.\*/);
  });

  test('mode props: computeReservation and maxInstanceCount are required; counts are checked', () => {
    const mode = (p: Partial<InferenceComponentModeProps>) => () => EndpointMode.inferenceComponents({ instanceType: 'ml.g5.xlarge', maxInstanceCount: 1, computeReservation: GPU, ...p });
    expect(mode({ computeReservation: undefined as any })).toThrow(/EndpointMode.inferenceComponents: 'computeReservation'.*is required/);
    expect(mode({ maxInstanceCount: undefined as any })).toThrow(/'maxInstanceCount'.*is required \(ManagedInstanceScaling.MaxInstanceCount\)/);
    expect(mode({ maxInstanceCount: 0 })).toThrow(/'maxInstanceCount'.*must be an integer >= 1/);
    expect(mode({ minInstanceCount: 2, maxInstanceCount: 1 })).toThrow(/'minInstanceCount' \(2\) must be less than or equal to 'maxInstanceCount' \(1\)/);
    expect(mode({ minInstanceCount: 1, maxInstanceCount: 1 })).not.toThrow();
    expect(mode({ instanceType: 'g5.xlarge' })).toThrow(/is not a SageMaker hosting instance type/);
  });
});

describe('tokens are unknown: rendered as given, the checks that need them skipped', () => {
  test('a CfnParameter instance type and max instance count', () => {
    const stack = newStack();
    const type = new CfnParameter(stack, 'Type', { default: 'ml.g5.12xlarge' }).valueAsString;
    const max = new CfnParameter(stack, 'Max', { type: 'Number', default: 2 }).valueAsNumber;
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.inferenceComponents({ instanceType: type, maxInstanceCount: max, computeReservation: { memorySize: Size.gibibytes(300) } }),
      autoscaling: inFlight({ maxCapacity: 100 }),
    });
    const variant = only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0];
    expect(variant.InstanceType).toEqual({ Ref: 'Type' });
    expect(variant.ManagedInstanceScaling).toEqual({ Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: { Ref: 'Max' } });
  });
});

describe('the fleet must hold the copies (maxInstanceCount × instance)', () => {
  test('one component\'s maximum copies: 8 × 1 GPU on 2 × ml.g5.12xlarge accepted, 9 rejected', () => {
    expect(build(() => ({ autoscaling: inFlight({ maxCapacity: 8 }) }))).not.toThrow();
    expect(build(() => ({ autoscaling: inFlight({ maxCapacity: 9 }) }))).toThrow(
      /'mode.computeReservation' \("9 copies"\) need 9 accelerators, more than maxInstanceCount 2 × ml.g5.12xlarge has \(8\).*Raise mode.maxInstanceCount/);
  });

  test('the copies all components start with: 4 + 4 GPUs on one instance rejected when the second model is added', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: icMode({ maxInstanceCount: 1, copies: 3 }), autoscaling: inFlight({ maxCapacity: 4 }),
    });
    expect(() => endpoint.addModel('Next', { artifact: artifact(stack, '1.5.0'), computeReservation: GPU, copies: 1, autoscaling: inFlight({ maxCapacity: 1 }) })).not.toThrow();
    expect(() => endpoint.addModel('Third', { artifact: artifact(stack, '1.6.0'), computeReservation: GPU, copies: 1, autoscaling: inFlight({ maxCapacity: 1 }) })).toThrow(
      /'mode.maxInstanceCount' \(1\) cannot hold the copies the components start with \(3 × mode.computeReservation, 1 × addModel\(Next\).computeReservation, 1 × addModel\(Third\).computeReservation: 5 accelerators; 1 × ml.g5.12xlarge has 4\)/);
  });

  test('copies outside the policy bounds are rejected; 0 copies only with scale to zero', () => {
    expect(build(() => ({ mode: icMode({ copies: 5 }), autoscaling: inFlight() }))).toThrow(/'mode.copies' \(5\) is outside the autoscaling bounds \(1-4 copies\)/);
    expect(build(() => ({ mode: icMode({ copies: 0 }), autoscaling: inFlight() }))).toThrow(/'mode.copies' \(0\) is outside the autoscaling bounds/);
    expect(build(() => ({ mode: icMode({ copies: 0 }), autoscaling: inFlight({ scaleToZero: true }) }))).not.toThrow();
  });
});

describe('addModel errors', () => {
  test('on an endpoint without inference components', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
    expect(() => endpoint.addModel('Next', { artifact: artifact(stack, '1.5.0'), computeReservation: GPU })).toThrow(
      /'addModel\(Next\)'.*needs EndpointMode.inferenceComponents\(\.\.\.\): a real-time endpoint serves one model per variant/);
  });

  test('the same build twice, a bad component name, a missing artifact, an unsupported trigger of its own policy', () => {
    const { stack, endpoint } = icStack({ autoscaling: inFlight({ maxCapacity: 2 }) });
    expect(() => endpoint.addModel('Again', { artifact: artifact(stack), computeReservation: GPU })).toThrow(/'addModel\(Again\).artifact' \("assistant@1.4.0"\) is already served by component Test-Endpoint-InferenceComponent-/);
    expect(() => endpoint.addModel('BadName', { artifact: artifact(stack, '2.0.0'), computeReservation: GPU, componentName: 'has_underscore' })).toThrow(/'addModel\(BadName\).componentName' \("has_underscore"\) is not an inference component name/);
    expect(() => endpoint.addModel('TooLong', { artifact: artifact(stack, '2.0.1'), computeReservation: GPU, componentName: 'a'.repeat(64) })).toThrow(/'addModel\(TooLong\).componentName'.*is not an inference component name/);
    expect(() => endpoint.addModel('Longest', { artifact: artifact(stack, '2.0.2'), computeReservation: GPU, componentName: 'a'.repeat(63) })).not.toThrow();
    expect(() => endpoint.addModel('NoArtifact', { computeReservation: GPU } as any)).toThrow(/'addModel\(NoArtifact\).artifact'.*is required/);
    expect(() => endpoint.addModel('Cpu', { artifact: artifact(stack, '2.1.0'), computeReservation: GPU, autoscaling: new AutoscalingPolicy({ maxCapacity: 2, triggers: [ScalingTrigger.cpuUtilization(60)] }) }))
      .toThrow(/'addModel\(Cpu\).autoscaling.triggers'|autoscaling.triggers.*cpuUtilization\(60\).*cannot be rendered by ManagedEndpoint \(inference-components/);
  });
});

describe('autoscaling on copy count: sagemaker:inference-component:DesiredCopyCount', () => {
  test('inFlightPerInstance(n) tracks SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution at n per copy; the target waits for the component', () => {
    const { stack, endpoint } = icStack({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 6, triggers: [ScalingTrigger.inFlightPerInstance(4)], warmBufferPercent: 25 }) });
    const t = Template.fromStack(stack);
    const target = only(t, 'AWS::ApplicationAutoScaling::ScalableTarget');
    const name = endpoint.inferenceComponents[0].componentName;
    expect(target.Properties).toEqual(expect.objectContaining({
      ServiceNamespace: 'sagemaker', ResourceId: `inference-component/${name}`, ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 1, MaxCapacity: 6,
    }));
    expect(t.toJSON().Resources[target.logicalId].DependsOn).toEqual([only(t, 'AWS::SageMaker::InferenceComponent').logicalId]);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' },
        TargetValue: 3,
      }),
    });
    // The variant itself is not registered: SageMaker's managed instance scaling owns the instance count.
    expect(JSON.stringify(t.toJSON())).not.toContain('sagemaker:variant:DesiredInstanceCount');
  });

  test('requestsPerInstance(2) tracks SageMakerInferenceComponentInvocationsPerCopy per minute (120)', () => {
    const { stack } = icStack({ autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.requestsPerInstance(2)] }) });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentInvocationsPerCopy' }, TargetValue: 120 }),
    });
  });

  test.each([
    ['cpuUtilization', ScalingTrigger.cpuUtilization(60), /'autoscaling.triggers' \("cpuUtilization\(60\)"\) cannot be rendered by ManagedEndpoint \(inference-components; the triggers count per copy\).*Use one of the triggers it supports: ScalingTrigger.inFlightPerInstance, ScalingTrigger.requestsPerInstance\./],
    ['gpuUtilization', ScalingTrigger.gpuUtilization(60), /cannot be rendered by ManagedEndpoint \(inference-components.*ScalingTrigger.inFlightPerInstance, ScalingTrigger.requestsPerInstance/],
    ['kvCacheUtilization (an LLM-server signal)', ScalingTrigger.kvCacheUtilization(70), /'autoscaling.triggers'.*kvCacheUtilization.*ManagedEndpoint \(inference-components.*ScalingTrigger.inFlightPerInstance, ScalingTrigger.requestsPerInstance/],
    ['queueBacklogPerInstance', ScalingTrigger.queueBacklogPerInstance(5), /'autoscaling.triggers' \("queueBacklogPerInstance\(5\)"\) is an asynchronous-endpoint signal: inference components serve real-time requests/],
  ])('%s is rejected with the supported list', (_, trigger, message) => {
    expect(build(() => ({ autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [trigger] }) }))).toThrow(message);
  });

  test('schedules become scheduled actions on the component\'s target', () => {
    const { stack } = icStack({
      autoscaling: new AutoscalingPolicy({
        maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)],
        schedules: [{ name: 'peak', minCapacity: 3, start: { hour: '8', minute: '0' }, end: { hour: '18', minute: '0' } }],
      }),
    });
    const target = only(Template.fromStack(stack), 'AWS::ApplicationAutoScaling::ScalableTarget').Properties;
    expect(target.ScalableDimension).toBe('sagemaker:inference-component:DesiredCopyCount');
    expect(target.ScheduledActions).toEqual(expect.arrayContaining([expect.objectContaining({ ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 4 } })]));
  });

  test('a component added with its own policy scales on it; without one it takes the endpoint\'s', () => {
    const { stack, endpoint } = icStack({ autoscaling: inFlight({ maxCapacity: 4 }) });
    endpoint.addModel('Own', { artifact: artifact(stack, '1.5.0'), computeReservation: GPU, autoscaling: new AutoscalingPolicy({ maxCapacity: 2, triggers: [ScalingTrigger.requestsPerInstance(1)] }) });
    endpoint.addModel('Shared', { artifact: artifact(stack, '1.6.0'), computeReservation: GPU });
    const targets = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget')).map((r: any) => r.Properties.MaxCapacity);
    expect(targets.sort()).toEqual([2, 4, 4]);
  });
});

describe('real-time scale to zero and back', () => {
  test('scaleToZero: 0 copies, MinInstanceCount 0 (InitialInstanceCount 1), a step policy +1 copy on the NoCapacityInvocationFailures alarm of the component', () => {
    const { stack, endpoint } = icStack({ autoscaling: inFlight({ scaleToZero: true }) });
    const t = Template.fromStack(stack);
    const name = endpoint.inferenceComponents[0].componentName;
    expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties).toEqual(expect.objectContaining({ MinCapacity: 0, MaxCapacity: 4 }));
    expect(only(t, 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0]).toEqual(expect.objectContaining({
      InitialInstanceCount: 1, ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
    }));
    t.hasResourceProperties('AWS::SageMaker::InferenceComponent', { RuntimeConfig: { CopyCount: 1 } });
    expect(endpoint.capacity).toEqual(expect.objectContaining({ minInstances: 0, maxInstances: 2, description: '0-2 × ml.g5.12xlarge, inference-components' }));
    const step = Object.entries(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } }));
    expect(step).toHaveLength(1);
    expect((step[0][1] as any).Properties.StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: 'ChangeInCapacity', Cooldown: 370, MetricAggregationType: 'Maximum', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker', MetricName: 'NoCapacityInvocationFailures', Dimensions: [{ Name: 'InferenceComponentName', Value: name }],
      Statistic: 'Sum', Period: 60, Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: step[0][0] }],
    });
  });

  test('the wake-up cooldown covers the first copy (activity 10 s + launch 240 s + load 120 s = 370 s), so retried requests do not add a copy a minute; a longer scaleOutCooldown wins', () => {
    const cooldownOf = (policy: AutoscalingPolicy) => {
      const t = Template.fromStack(icStack({ autoscaling: policy }).stack);
      const step = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } }));
      const tracking = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'TargetTrackingScaling' } }));
      return [(step[0] as any).Properties.StepScalingPolicyConfiguration.Cooldown, (tracking[0] as any).Properties.TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown];
    };
    expect(cooldownOf(inFlight({ scaleToZero: true }))).toEqual([370, 60]);
    expect(cooldownOf(new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)], scaleOutCooldown: Duration.seconds(369) }))).toEqual([370, 369]);
    expect(cooldownOf(new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)], scaleOutCooldown: Duration.minutes(10) }))).toEqual([600, 600]);
  });

  test('without scaleToZero there is no wake-up alarm or step policy', () => {
    const t = Template.fromStack(icStack({ autoscaling: inFlight() }).stack);
    expect(Object.keys(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'NoCapacityInvocationFailures' } }))).toHaveLength(0);
    expect(Object.keys(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } }))).toHaveLength(0);
  });

  test('scaleOutLeadTime states the wake-up path step by step: alarm 1 min + activity + instance launch + model load', () => {
    const zero = icStack({ autoscaling: inFlight({ scaleToZero: true }) }).endpoint.scaleOutLeadTime;
    expect(zero.steps.map(s => s.step)).toEqual([
      expect.stringMatching(/^no-capacity alarm \(NoCapacityInvocationFailures, 1 × 1 min; the requests that wake the component fail\)/),
      'scaling activity (DesiredCopyCount)',
      expect.stringMatching(/^instance launch by managed instance scaling \(ml.g5.12xlarge/),
      'model download + load into the new copy',
    ]);
    expect(zero.total.toSeconds()).toBe(60 + 10 + 240 + 120);
    expect(zero.steps[2].source).toMatch(/takes several minutes/);
    expect(icStack({ autoscaling: inFlight() }).endpoint.scaleOutLeadTime.total.toSeconds()).toBe(30 + 10 + 240 + 120);
    expect(icStack({ autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.requestsPerInstance(2)] }) }).endpoint.scaleOutLeadTime.total.toSeconds()).toBe(180 + 10 + 240 + 120);
    expect(icStack().endpoint.scaleOutLeadTime.total.toSeconds()).toBe(240 + 120);
  });

  test('scale to zero on a real-time variant WITHOUT inference components is a LaneValidationError that points to inference components', () => {
    const stack = newStack();
    expect(() => new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), autoscaling: inFlight({ scaleToZero: true }),
    })).toThrow(/Test\/Endpoint: 'autoscaling.scaleToZero' \(true\) is not possible on a real-time variant without inference components: SageMaker scales only inference-component endpoints to zero instances.*Use EndpointMode.inferenceComponents\(\.\.\.\)/);
  });

  test('minInstanceCount > 0 defeats scale to zero and is rejected; 0 is accepted', () => {
    expect(build(() => ({ mode: icMode({ minInstanceCount: 1 }), autoscaling: inFlight({ scaleToZero: true }) }))).toThrow(
      /'mode.minInstanceCount' \(1\) keeps instances running although autoscaling.scaleToZero is set/);
    expect(build(() => ({ mode: icMode({ minInstanceCount: 0 }), autoscaling: inFlight({ scaleToZero: true }) }))).not.toThrow();
  });
});

describe('rolling updates of components: DeploymentConfig.RollingUpdatePolicy with the component\'s own rollback alarms', () => {
  test('percent batches, rollback on the SLO alarms on InferenceComponentName; the role may describe exactly them', () => {
    const { stack, endpoint } = icStack({ slo: slo(), rollingUpdate: { ...rolling, rollbackMaximumBatchPercent: 100, maximumExecutionTimeout: Duration.hours(1) } });
    const t = Template.fromStack(stack);
    const name = endpoint.inferenceComponents[0].componentName;
    const alarms = endpoint.inferenceComponents[0].sloAlarms.map(a => (a.node.defaultChild as cloudwatch.CfnAlarm).alarmName);
    expect(alarms).toEqual([expect.stringMatching(/^Test-Endpoint-SloLatency-/), expect.stringMatching(/^Test-Endpoint-SloErrorRate-/)]);
    t.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      DeploymentConfig: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 }, WaitIntervalInSeconds: 300,
          RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 }, MaximumExecutionTimeoutInSeconds: 3600,
        },
        AutoRollbackConfiguration: { Alarms: alarms.map(AlarmName => ({ AlarmName })) },
      },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: alarms[0], MetricName: 'ModelLatency', Dimensions: [{ Name: 'InferenceComponentName', Value: name }], ExtendedStatistic: 'p95' });
    expect(JSON.stringify(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: alarms[1] } }))).toContain(`"Value":"${name}"`);
    expect(endpoint.sloAlarms).toHaveLength(2);
    const describe = statementsWith(t, 'cloudwatch:DescribeAlarms');
    expect(describe).toHaveLength(1);
    expect(JSON.stringify(describe[0].Resource)).toContain(alarms[0]);
    // No endpoint-level guardrails: the endpoint has no DeploymentConfig.
    expect(only(t, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig).toBeUndefined();
  });

  test('copy batches (COPY_COUNT) and the rollout\'s extra alarms; each component rolls back on its own SLO alarms', () => {
    const stack = newStack();
    const extra = new cloudwatch.Alarm(stack, 'Extra', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Bad' }), threshold: 1, evaluationPeriods: 1, alarmName: 'app-bad' });
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: icMode(), slo: slo(), rollout: Rollout.allAtOnce({ alarms: [extra] }),
      rollingUpdate: { maximumBatchCopies: 1, waitInterval: Duration.seconds(0) },
    });
    endpoint.addModel('Next', { artifact: artifact(stack, '1.5.0'), computeReservation: GPU });
    const t = Template.fromStack(stack);
    const ics = Object.values(t.findResources('AWS::SageMaker::InferenceComponent')).map((r: any) => r.Properties.DeploymentConfig);
    expect(ics).toHaveLength(2);
    for (const [i, dc] of ics.entries()) {
      expect(dc.RollingUpdatePolicy).toEqual({ MaximumBatchSize: { Type: 'COPY_COUNT', Value: 1 }, WaitIntervalInSeconds: 0 });
      const own = endpoint.inferenceComponents[i].sloAlarms.map(a => ({ AlarmName: (a.node.defaultChild as cloudwatch.CfnAlarm).alarmName }));
      expect(dc.AutoRollbackConfiguration.Alarms).toEqual([...own, { AlarmName: 'app-bad' }]);
    }
    expect(endpoint.sloAlarms).toHaveLength(4);
    // The pages of each component's SLO (Application Signals objectives, burn-rate alarms) are listed on the lane too.
    expect(endpoint.serviceLevelObjectives).toHaveLength(4);
    expect(endpoint.sloBurnRateAlarms).toHaveLength(8);
  });

  test.each([
    ['canary', () => Rollout.canary({ percent: 25, bakeTime: Duration.minutes(10) }), /'rollout' \("CANARY 25% \/ 10 minutes"\) cannot be honoured by inference components: canary and linear traffic shifting are endpoint-level blue\/green deployments.*Use rollingUpdate: \{ maximumBatchPercent \(5-50\) or maximumBatchCopies, waitInterval \}, optionally with rollout: Rollout.allAtOnce\(\{ alarms \}\)/],
    ['linear', () => Rollout.linear({ stepPercent: 20, interval: Duration.minutes(5) }), /'rollout' \("LINEAR 20% \/ 5 minutes"\) cannot be honoured by inference components.*Use rollingUpdate/],
  ])('%s traffic shifting is rejected with the supported list', (_, rollout, message) => {
    expect(build(() => ({ slo: slo(), rollout: rollout() }))).toThrow(message);
    expect(build(() => ({ slo: slo(), rollout: rollout(), rollingUpdate: rolling }))).toThrow(message);
  });

  test('all at once without rollingUpdate is rejected (components replace at most half their copies per batch)', () => {
    expect(build(() => ({ slo: slo(), rollout: Rollout.allAtOnce() }))).toThrow(/'rollout' \("ALL_AT_ONCE"\) needs rollingUpdate on inference components: a component replaces at most half of its copies per batch/);
  });

  test('batch size: exactly one of percent and copies; percent 5 and 50 accepted, 4 and 51 rejected; copies >= 1', () => {
    const ok = (r: any) => expect(build(() => ({ slo: slo(), rollingUpdate: { waitInterval: Duration.minutes(1), ...r } }))).not.toThrow();
    const bad = (r: any, m: RegExp) => expect(build(() => ({ slo: slo(), rollingUpdate: { waitInterval: Duration.minutes(1), ...r } }))).toThrow(m);
    ok({ maximumBatchPercent: 5 });
    ok({ maximumBatchPercent: 50 });
    bad({ maximumBatchPercent: 4 }, /'rollingUpdate.maximumBatchPercent' \(4\) must be an integer from 5 to 50.*5-50% of the copy count/);
    bad({ maximumBatchPercent: 51 }, /'rollingUpdate.maximumBatchPercent' \(51\) must be an integer from 5 to 50/);
    bad({ maximumBatchCopies: 0 }, /'rollingUpdate.maximumBatchCopies' \(0\) must be an integer >= 1/);
    bad({ maximumBatchPercent: 10, maximumBatchCopies: 1 }, /'rollingUpdate'.*needs exactly one of maximumBatchPercent and maximumBatchCopies/);
    bad({}, /'rollingUpdate'.*needs exactly one of maximumBatchPercent and maximumBatchCopies/);
    bad({ maximumBatchPercent: 10, waitInterval: Duration.seconds(3601) }, /'rollingUpdate.waitInterval'/);
  });

  test('inside a HybridTopology with a canary rollout, a component endpoint does not inherit it (explicit rollingUpdate still applies)', () => {
    const stack = newStack();
    const topology = new HybridTopology(stack, 'Topo', {
      artifact: artifact(stack), slo: slo(), rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(10) }), alarmStatusWidget: false,
    });
    new ManagedEndpoint(topology, 'Plain', { mode: icMode() });
    new ManagedEndpoint(topology, 'Rolling', { mode: icMode(), rollingUpdate: rolling });
    const dcs = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::InferenceComponent')).map((r: any) => r.Properties.DeploymentConfig);
    expect(dcs.filter(d => d === undefined)).toHaveLength(1);
    expect(dcs.filter(d => d !== undefined)[0].RollingUpdatePolicy.MaximumBatchSize).toEqual({ Type: 'CAPACITY_PERCENT', Value: 25 });
  });

  test('no alarm to roll back on, a final bake, and COPY_COUNT on an endpoint without components are rejected', () => {
    expect(build(() => ({ rollingUpdate: rolling }))).toThrow(/Test\/Endpoint: 'rollingUpdate' \("25% batches, 5 minutes apart"\) rolls back automatically but has no alarm to roll back on/);
    expect(build(() => ({ rollingUpdate: rolling, rollout: Rollout.allAtOnce({ autoRollback: false }) }))).not.toThrow();
    expect(build(() => ({ slo: slo(), rollingUpdate: rolling, rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(5) }) }))).toThrow(/'rollout.finalBakeTime'.*has no place in a rolling update/);
    const stack = newStack();
    expect(() => new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), slo: slo(),
      rollingUpdate: { maximumBatchCopies: 1, waitInterval: Duration.minutes(1) },
    })).toThrow(/'rollingUpdate.maximumBatchCopies' \(1\) applies to inference components only/);
  });
});

describe('VPC and network isolation: on the endpoint configuration (the variant has no model) and on each model', () => {
  test('an inference-component endpoint in a VPC renders VpcConfig and EnableNetworkIsolation on the configuration; a real-time one does not', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'm', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: icMode(), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, networkIsolation: true,
    });
    const t = Template.fromStack(stack);
    const config = only(t, 'AWS::SageMaker::EndpointConfig').Properties;
    const model = only(t, 'AWS::SageMaker::Model').Properties;
    expect(config.EnableNetworkIsolation).toBe(true);
    expect(config.VpcConfig).toEqual(model.VpcConfig);
    expect(config.VpcConfig.Subnets).toHaveLength(2);
    expect(model.EnableNetworkIsolation).toBe(true);
    const r = NagCheck.check(stack);
    expect([...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`).filter(f => f.startsWith('Test/Endpoint/'))).toEqual([]);

    const rt = newStack();
    const rtVpc = new ec2.Vpc(rt, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'm', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new ManagedEndpoint(rt, 'Endpoint', {
      artifact: artifact(rt), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), vpc: rtVpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, networkIsolation: true,
    });
    const rtConfig = only(Template.fromStack(rt), 'AWS::SageMaker::EndpointConfig').Properties;
    expect(rtConfig.VpcConfig).toBeUndefined();
    expect(rtConfig.EnableNetworkIsolation).toBeUndefined();
  });
});

describe('lane props inference components cannot take', () => {
  test('shadow, data capture and multi-model hosting are rejected with a fix', () => {
    expect(build(s => ({ shadow: ShadowTraffic.mirror(artifact(s, '1.5.0'), 10) }))).toThrow(/'shadow' \("assistant@1.5.0"\) is not available with inference components.*endpoint.addModel/);
    expect(build(() => ({ dataCapture: { samplingPercent: 10 } }))).toThrow(/'dataCapture' \("10% sampling"\) is not rendered for inference components by this lane/);
    expect(build(() => ({ hosting: ModelHosting.MULTI_MODEL }))).toThrow(/'hosting' \("MULTI_MODEL"\) is not supported with inference components/);
    expect(build(() => ({ dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(5) }) }))).toThrow(/'dynamicBatching' .* cannot be rendered by ManagedEndpoint \(unknown container\)/);
  });
});

describe('RoutingConfig: least outstanding requests on every real-time variant, a prop for RANDOM, none on serverless/async', () => {
  test('real-time primary and shadow variants route to the least loaded instance by default', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), shadow: ShadowTraffic.mirror(artifact(stack, '1.5.0'), 20),
    });
    const config = only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties;
    expect(config.ProductionVariants[0].RoutingConfig).toEqual({ RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' });
    expect(config.ShadowProductionVariants[0].RoutingConfig).toEqual({ RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' });
    expect(config.ExecutionRoleArn).toBeUndefined();
  });

  test('RoutingStrategy.RANDOM is rendered on real-time and component variants', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), routingStrategy: RoutingStrategy.RANDOM });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].RoutingConfig).toEqual({ RoutingStrategy: 'RANDOM' });
    const ic = icStack({ routingStrategy: RoutingStrategy.RANDOM });
    expect(only(Template.fromStack(ic.stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].RoutingConfig).toEqual({ RoutingStrategy: 'RANDOM' });
  });

  test('serverless and async variants carry no RoutingConfig by default, and reject one', () => {
    const modes: [string, EndpointMode][] = [
      ['serverless', EndpointMode.serverless({ memorySize: Size.gibibytes(2), maxConcurrency: 5 })],
      ['async', EndpointMode.asynchronous({ instanceType: 'ml.m5.large' })],
    ];
    for (const [kind, mode] of modes) {
      const stack = newStack();
      new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode });
      expect(only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].RoutingConfig).toBeUndefined();
      const s2 = newStack();
      expect(() => new ManagedEndpoint(s2, 'Endpoint', { artifact: artifact(s2), mode, routingStrategy: RoutingStrategy.LEAST_OUTSTANDING_REQUESTS })).toThrow(
        new RegExp(`'routingStrategy' \\("LEAST_OUTSTANDING_REQUESTS"\\) does not apply to ${kind} endpoints`));
    }
  });

  test('a value from another language that is not a strategy is rejected', () => {
    const stack = newStack();
    expect(() => new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), routingStrategy: 'FASTEST' as RoutingStrategy }))
      .toThrow(/'routingStrategy' \("FASTEST"\) is not one of 'LEAST_OUTSTANDING_REQUESTS', 'RANDOM'/);
  });
});

describe('real checks on a scale-to-zero endpoint hosting two versions with rolling updates', () => {
  let stack: Stack;
  beforeAll(() => {
    stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: icMode(), autoscaling: inFlight({ scaleToZero: true }), slo: slo(), rollingUpdate: rolling,
    });
    endpoint.addModel('Next', { artifact: artifact(stack, '1.5.0'), computeReservation: GPU });
  });

  test('cdk-nag: no finding, no suppression', () => {
    const r = NagCheck.check(stack);
    expect([...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`)).toEqual([]);
  });

  test('cfn-lint: no error or warning', () => {
    const r = CfnLint.lintStack(stack);
    expect(CfnLint.format([...r.errors, ...r.warnings])).toBe('');
  });

  test('ApiContract: CreateEndpointConfig, CreateInferenceComponent, RegisterScalableTarget and PutScalingPolicy accept every property', () => {
    const r = ApiContract.validate(stack);
    expect(ApiContract.format(r.errors)).toBe('');
  });

  test('the component\'s DeploymentConfig satisfies botocore\'s UpdateInferenceComponent model', () => {
    const ic: any = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::InferenceComponent'))[0];
    const request = { InferenceComponentName: 'x', RuntimeConfig: ic.Properties.RuntimeConfig, DeploymentConfig: ic.Properties.DeploymentConfig };
    const py = [
      'import json, sys, botocore.session',
      'from botocore.validate import ParamValidator',
      "m = botocore.session.get_session().get_service_model('sagemaker')",
      "shape = m.operation_model('UpdateInferenceComponent').input_shape",
      'r = ParamValidator().validate(json.loads(sys.stdin.read()), shape)',
      "print(json.dumps(r.generate_report()))",
      "p = m.shape_for('InferenceComponentRollingUpdatePolicy').members",
      "print(p['WaitIntervalInSeconds'].metadata['max'])",
    ].join('\n');
    const out = spawnSync('python3', ['-c', py], { input: JSON.stringify(request), encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const [report, maxWait] = out.stdout.trim().split('\n');
    expect(JSON.parse(report)).toBe('');
    expect(request.DeploymentConfig.RollingUpdatePolicy.WaitIntervalInSeconds).toBeLessThanOrEqual(Number(maxWait));
  });
});
