import './fixtures';
import { ApiContract, ApiContractFinding, ApiContractResult } from '../../lib/testing';

/**
 * ApiContract on the resources issue 19 added to the lanes: inference components (create AND the
 * UpdateInferenceComponent request that carries DeploymentConfig), managed instance scaling and routing on
 * endpoint-config variants, ECS Managed Instances capacity providers, MANAGED_INSTANCES task definitions and
 * capacity provider strategies, Lambda SnapStart and streaming function URLs. One good template, and one bad
 * template per rule (each a copy of the good one with one change), all validated in ONE validator run.
 */

type Template = { Resources: { [id: string]: { Type: string; Properties?: any; DependsOn?: string[] } } };

const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });
const ref = (id: string) => ({ Ref: id });
const trust = (service: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});

/** Every resource issue 19 added, each respecting its API contract. */
function good(): Template {
  return {
    Resources: {
      // --- SageMaker inference components
      ExecRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust('sagemaker.amazonaws.com') } },
      ExecPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'rollback',
          Roles: [ref('ExecRole')],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:latency' }] },
        },
      },
      Model: {
        Type: 'AWS::SageMaker::Model',
        Properties: { ExecutionRoleArn: getAtt('ExecRole', 'Arn'), PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1' } },
      },
      Config: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ExecutionRoleArn: getAtt('ExecRole', 'Arn'),
          ProductionVariants: [{
            VariantName: 'primary', InstanceType: 'ml.g5.12xlarge', InitialInstanceCount: 1,
            ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
            RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
          }],
        },
      },
      Endpoint: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: getAtt('Config', 'EndpointConfigName') } },
      Latency: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'latency', Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', Statistic: 'Average', Period: 60,
          EvaluationPeriods: 3, Threshold: 300000, ComparisonOperator: 'GreaterThanThreshold',
          Dimensions: [{ Name: 'InferenceComponentName', Value: 'assistant' }],
        },
      },
      Component: {
        Type: 'AWS::SageMaker::InferenceComponent',
        Properties: {
          InferenceComponentName: 'assistant',
          EndpointName: getAtt('Endpoint', 'EndpointName'),
          VariantName: 'primary',
          Specification: {
            ModelName: getAtt('Model', 'ModelName'),
            ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, NumberOfCpuCoresRequired: 8, MinMemoryRequiredInMb: 24576 },
          },
          RuntimeConfig: { CopyCount: 4 },
          DeploymentConfig: {
            RollingUpdatePolicy: { MaximumBatchSize: { Type: 'COPY_COUNT', Value: 2 }, WaitIntervalInSeconds: 300 },
            AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'latency' }] },
          },
        },
      },
      CopyTarget: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        DependsOn: ['Component'],
        Properties: {
          ServiceNamespace: 'sagemaker', ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
          ResourceId: 'inference-component/assistant', MinCapacity: 0, MaxCapacity: 4,
        },
      },
      // --- ECS Managed Instances
      Cluster: { Type: 'AWS::ECS::Cluster' },
      InfraRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust('ecs.amazonaws.com') } },
      InstanceRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust('ec2.amazonaws.com') } },
      InstanceProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('InstanceRole')] } },
      Capacity: {
        Type: 'AWS::ECS::CapacityProvider',
        Properties: {
          ClusterName: ref('Cluster'),
          ManagedInstancesProvider: {
            InfrastructureRoleArn: getAtt('InfraRole', 'Arn'),
            PropagateTags: 'CAPACITY_PROVIDER',
            InstanceLaunchTemplate: {
              Ec2InstanceProfileArn: getAtt('InstanceProfile', 'Arn'),
              CapacityOptionType: 'ON_DEMAND',
              NetworkConfiguration: { Subnets: ['subnet-0123456789abcdef0'], SecurityGroups: ['sg-0123456789abcdef0'] },
              StorageConfiguration: { StorageSizeGiB: 150 },
              InstanceRequirements: {
                VCpuCount: { Min: 4, Max: 16 }, MemoryMiB: { Min: 16384 }, AcceleratorCount: { Min: 1, Max: 1 },
                AcceleratorManufacturers: ['nvidia'], AcceleratorTypes: ['gpu'], AllowedInstanceTypes: ['g5.xlarge', 'g6.xlarge'],
              },
            },
          },
        },
      },
      TaskRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com') } },
      Task: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          RequiresCompatibilities: ['MANAGED_INSTANCES'], NetworkMode: 'awsvpc', TaskRoleArn: getAtt('TaskRole', 'Arn'),
          ContainerDefinitions: [{ Name: 'worker', Image: 'public.ecr.aws/docker/library/python:3.12', Memory: 12288, Essential: true, ResourceRequirements: [{ Type: 'GPU', Value: '1' }] }],
        },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: ref('Cluster'), TaskDefinition: ref('Task'), DesiredCount: 1,
          CapacityProviderStrategy: [{ CapacityProvider: ref('Capacity'), Weight: 1, Base: 1 }],
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0123456789abcdef0'], SecurityGroups: ['sg-0123456789abcdef0'] } },
        },
      },
      // --- Lambda SnapStart and response streaming
      FnRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust('lambda.amazonaws.com') } },
      Snap: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Role: getAtt('FnRole', 'Arn'), Runtime: 'python3.12', Handler: 'index.handler', Code: { ZipFile: 'def handler(e, c):\n  return 1\n' },
          SnapStart: { ApplyOn: 'PublishedVersions' }, EphemeralStorage: { Size: 512 },
        },
      },
      SnapVersion: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: ref('Snap') } },
      SnapAlias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: ref('Snap'), FunctionVersion: getAtt('SnapVersion', 'Version'), Name: 'live' } },
      Stream: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: getAtt('FnRole', 'Arn'), Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: 'exports.handler = awslambda.streamifyResponse(async () => {});' } },
      },
      StreamUrl: { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: getAtt('Stream', 'Arn'), AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' } },
      // --- Karpenter's interruption queue, fed by EventBridge rules
      Interruptions: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 300, SqsManagedSseEnabled: true } },
      SpotRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { 'source': ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] }, State: 'ENABLED',
          Targets: [{ Arn: getAtt('Interruptions', 'Arn'), Id: 'Target0' }],
        },
      },
      InterruptionsPolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [ref('Interruptions')],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
              Resource: getAtt('Interruptions', 'Arn'), Condition: { ArnEquals: { 'aws:SourceArn': getAtt('SpotRule', 'Arn') } },
            }],
          },
        },
      },
    },
  };
}

/** A bad template: the good one with one change; validated in the shared run. */
const cases: Array<{ name: string; change: (t: Template) => void; result?: ApiContractResult }> = [];
function bad(name: string, change: (t: Template) => void): { readonly result: ApiContractResult } {
  const entry: { name: string; change: (t: Template) => void; result?: ApiContractResult } = { name, change };
  cases.push(entry);
  return { get result() { return entry.result!; } };
}
let clean: ApiContractResult;

beforeAll(() => {
  const templates = [{ name: 'good', templateJson: JSON.stringify(good()) }, ...cases.map((c) => {
    const t = good();
    c.change(t);
    return { name: c.name, templateJson: JSON.stringify(t) };
  })];
  const results = ApiContract.validateTemplates(templates);
  clean = results[0];
  cases.forEach((c, i) => { c.result = results[i + 1]; });
});

const brief = (fs: ApiContractFinding[]) => fs.map((f) => `${f.level} ${f.ruleId} ${f.logicalId} ${f.propertyPath}`);
const p = (t: Template, id: string) => t.Resources[id].Properties;

test('the good template is clean; each new resource is checked against the API requests that receive it', () => {
  expect(brief([...clean.errors, ...clean.warnings])).toEqual([]);
  const ops = Object.fromEntries(clean.resources.map((r) => [r.logicalId, r.operations]));
  expect(ops.Component).toEqual(['sagemaker:CreateInferenceComponent', 'sagemaker:UpdateInferenceComponent']);
  expect(ops.Config).toEqual(['sagemaker:CreateEndpointConfig']);
  expect(ops.Capacity).toEqual(['ecs:CreateCapacityProvider']);
  expect(ops.Task).toEqual(['ecs:RegisterTaskDefinition']);
  expect(ops.Service).toEqual(['ecs:CreateService']);
  expect(ops.Snap).toEqual(['lambda:CreateFunction']);
  expect(ops.StreamUrl).toEqual(['lambda:CreateFunctionUrlConfig']);
  expect(ops.SpotRule).toEqual(['events:PutRule', 'events:PutTargets']);
  // DeploymentConfig is walked (no longer skipped as "update-only"); ClusterName maps onto CreateCapacityProvider's cluster.
  expect(clean.skipped.filter((s) => s.logicalId === 'Component').map((s) => s.propertyPath)).toEqual(['EndpointName', 'Specification.ModelName']);
  expect(clean.skipped.find((s) => s.logicalId === 'Capacity' && s.propertyPath === 'ClusterName')?.reason).toMatch(/placeholder for string cluster/);
  const capacity = clean.resources.find((r) => r.logicalId === 'Capacity')!;
  expect(capacity.checkedFields).toBeGreaterThanOrEqual(14);
  expect(ApiContract.coveredResourceTypes()).toContain('AWS::ECS::CapacityProvider');
});

// ---- Inference components: DeploymentConfig goes to UpdateInferenceComponent
const noWait = bad('ic-no-wait', (t) => { delete p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.WaitIntervalInSeconds; });
test('a rolling update without WaitIntervalInSeconds: UpdateInferenceComponent requires it', () => {
  expect(brief(noWait.result.errors)).toEqual(['error required Component DeploymentConfig.RollingUpdatePolicy.WaitIntervalInSeconds']);
  expect(noWait.result.errors[0].apiMember).toBe('sagemaker UpdateInferenceComponent DeploymentConfig.RollingUpdatePolicy.WaitIntervalInSeconds');
  expect(noWait.result.errors[0].message).toMatch(/sagemaker UpdateInferenceComponent rejects the request \(InferenceComponentRollingUpdatePolicy.WaitIntervalInSeconds is required, integer 0..3600\)/);
});

const badType = bad('ic-batch-type', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Type = 'INSTANCE_COUNT'; });
test('a batch size of an endpoint-only type (INSTANCE_COUNT): the enum of UpdateInferenceComponent', () => {
  expect(brief(badType.result.errors)).toEqual(['error enum Component DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Type']);
  expect(badType.result.errors[0].fix).toBe('use one of COPY_COUNT, CAPACITY_PERCENT');
});

const timeout = bad('ic-timeout', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds = 599; });
const timeoutOk = bad('ic-timeout-ok', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds = 600; });
test('MaximumExecutionTimeoutInSeconds: 600 accepted, 599 rejected (model range 600..28800)', () => {
  expect(brief(timeoutOk.result.errors)).toEqual([]);
  expect(brief(timeout.result.errors)).toEqual(['error range Component DeploymentConfig.RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds']);
  expect(timeout.result.errors[0].message).toMatch(/599 is out of range; sagemaker UpdateInferenceComponent .* accepts 600 to 28800/);
});

const pct51 = bad('ic-pct-51', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize = { Type: 'CAPACITY_PERCENT', Value: 51 }; });
const pct50 = bad('ic-pct-50', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize = { Type: 'CAPACITY_PERCENT', Value: 50 }; });
const pct4 = bad('ic-pct-4', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.RollbackMaximumBatchSize = { Type: 'CAPACITY_PERCENT', Value: 4 }; });
test('CAPACITY_PERCENT batch sizes: 5..50 (50 accepted, 51 and 4 rejected)', () => {
  expect(brief(pct50.result.errors)).toEqual([]);
  expect(brief(pct51.result.errors)).toEqual(['error sagemaker-ic-batch-size Component DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Value']);
  expect(pct51.result.errors[0].message).toBe('DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize of Type CAPACITY_PERCENT is 51%: UpdateInferenceComponent accepts 5 to 50');
  expect(brief(pct4.result.errors)).toEqual(['error sagemaker-ic-batch-size Component DeploymentConfig.RollingUpdatePolicy.RollbackMaximumBatchSize.Value']);
});

const copies3 = bad('ic-copies-3', (t) => { p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Value = 3; });
const oneCopy = bad('ic-one-copy', (t) => { p(t, 'Component').RuntimeConfig.CopyCount = 1; p(t, 'Component').DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Value = 1; });
test('COPY_COUNT batch above half the copies warns (3 of 4); one copy at a time of a single copy is accepted', () => {
  expect(brief(copies3.result.warnings)).toEqual(['warning sagemaker-ic-batch-size Component DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Value']);
  expect(copies3.result.warnings[0].fix).toBe('use at most 2 copies (50% of 4)');
  expect(brief([...oneCopy.result.errors, ...oneCopy.result.warnings])).toEqual([]);
});

const noDescribe = bad('ic-no-describe', (t) => { delete t.Resources.ExecPolicy; });
test('rollback alarms of a component need cloudwatch:DescribeAlarms on the endpoint config\'s execution role', () => {
  expect(brief(noDescribe.result.errors)).toEqual(['error sagemaker-rollback-permission Component DeploymentConfig.AutoRollbackConfiguration.Alarms']);
  expect(noDescribe.result.errors[0].apiMember).toBe('sagemaker UpdateInferenceComponent DeploymentConfig');
});

const unknownAlarm = bad('ic-unknown-alarm', (t) => { p(t, 'Component').DeploymentConfig.AutoRollbackConfiguration.Alarms = [{ AlarmName: 'latncy' }]; });
test('a rollback alarm no alarm of the template defines: warned', () => {
  expect(brief(unknownAlarm.result.warnings)).toEqual(['warning alarm-reference Component DeploymentConfig.AutoRollbackConfiguration.Alarms[0].AlarmName']);
});

const variantModel = bad('ic-variant-model', (t) => { p(t, 'Config').ProductionVariants[0].ModelName = getAtt('Model', 'ModelName'); });
test('a component on an endpoint whose variant names a model: rejected (and scale to zero is then impossible)', () => {
  expect(brief(variantModel.result.errors)).toEqual([
    'error sagemaker-ic-variant Component EndpointName',
  ]);
  expect(variantModel.result.errors[0].message).toMatch(/variant primary of endpoint config Config names a model \(ModelName\), so the endpoint does not accept inference components/);
});

const noExecRole = bad('ic-no-exec-role', (t) => { delete p(t, 'Config').ExecutionRoleArn; });
test('a component on an endpoint config without ExecutionRoleArn: rejected', () => {
  expect(brief(noExecRole.result.errors)).toContain('error sagemaker-ic-variant Component EndpointName');
  expect(noExecRole.result.errors.map((f) => f.message)).toContain('endpoint config Config has no ExecutionRoleArn: its variants cannot host inference components');
});

// ---- Endpoint-config variants: ManagedInstanceScaling, RoutingConfig
const minAboveMax = bad('mis-min-above-max', (t) => { p(t, 'Config').ProductionVariants[0].ManagedInstanceScaling.MinInstanceCount = 3; });
const maxZero = bad('mis-max-zero', (t) => { p(t, 'Config').ProductionVariants[0].ManagedInstanceScaling.MaxInstanceCount = 0; });
const badStatus = bad('mis-status', (t) => { p(t, 'Config').ProductionVariants[0].ManagedInstanceScaling.Status = 'ON'; });
test('managed instance scaling: Min above Max, Max 0 (model minimum 1), a Status outside the enum', () => {
  expect(brief(minAboveMax.result.errors)).toEqual(['error sagemaker-managed-scaling Config ProductionVariants[0].ManagedInstanceScaling.MinInstanceCount']);
  expect(minAboveMax.result.errors[0].message).toBe('MinInstanceCount 3 is above MaxInstanceCount 2');
  expect(brief(maxZero.result.errors)).toEqual(expect.arrayContaining(['error range Config ProductionVariants[0].ManagedInstanceScaling.MaxInstanceCount']));
  expect(brief(badStatus.result.errors)).toEqual(['error enum Config ProductionVariants[0].ManagedInstanceScaling.Status']);
});

const scaleInPolicy = bad('mis-scale-in', (t) => { p(t, 'Config').ProductionVariants[0].ManagedInstanceScaling.ScaleInPolicy = { CooldownInMinutes: 4 }; });
test('a scale-in policy without Strategy and with a 4-minute cooldown: required member and range (5..1440)', () => {
  expect(brief(scaleInPolicy.result.errors).sort()).toEqual([
    'error range Config ProductionVariants[0].ManagedInstanceScaling.ScaleInPolicy.CooldownInMinutes',
    'error required Config ProductionVariants[0].ManagedInstanceScaling.ScaleInPolicy.Strategy',
  ]);
});

const zeroWithoutComponents = bad('mis-zero-no-ic', (t) => {
  delete t.Resources.Component;
  p(t, 'Config').ProductionVariants[0].ModelName = getAtt('Model', 'ModelName');
});
test('MinInstanceCount 0 on an endpoint without inference components: rejected with the guide\'s rule', () => {
  expect(brief(zeroWithoutComponents.result.errors)).toEqual(['error sagemaker-scale-to-zero Config ProductionVariants[0].ManagedInstanceScaling.MinInstanceCount']);
  expect(zeroWithoutComponents.result.errors[0].rule).toMatch(/only if it hosts inference components/);
});

const routing = bad('routing-enum', (t) => { p(t, 'Config').ProductionVariants[0].RoutingConfig.RoutingStrategy = 'LEAST_LOADED'; });
const routingMissing = bad('routing-missing', (t) => { p(t, 'Config').ProductionVariants[0].RoutingConfig = {}; });
test('RoutingConfig: RoutingStrategy is required and one of LEAST_OUTSTANDING_REQUESTS, RANDOM', () => {
  expect(brief(routing.result.errors)).toEqual(['error enum Config ProductionVariants[0].RoutingConfig.RoutingStrategy']);
  expect(routing.result.errors[0].fix).toBe('use one of LEAST_OUTSTANDING_REQUESTS, RANDOM');
  expect(brief(routingMissing.result.errors)).toEqual(['error required Config ProductionVariants[0].RoutingConfig.RoutingStrategy']);
});

const serverlessRouting = bad('routing-serverless', (t) => {
  delete t.Resources.Component;
  p(t, 'Config').ProductionVariants = [{ VariantName: 'primary', ModelName: getAtt('Model', 'ModelName'), ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 }, RoutingConfig: { RoutingStrategy: 'RANDOM' } }];
});
test('RoutingConfig on a serverless variant: rejected', () => {
  expect(brief(serverlessRouting.result.errors)).toEqual(['error sagemaker-routing-serverless Config ProductionVariants[0].RoutingConfig']);
});

// ---- ECS Managed Instances
const noProfile = bad('ecs-no-profile', (t) => { delete p(t, 'Capacity').ManagedInstancesProvider.InstanceLaunchTemplate.Ec2InstanceProfileArn; });
const noInfraRole = bad('ecs-no-infra-role', (t) => { delete p(t, 'Capacity').ManagedInstancesProvider.InfrastructureRoleArn; });
test('a managed instances provider without its instance profile or infrastructure role: CreateCapacityProvider requires both', () => {
  expect(brief(noProfile.result.errors)).toEqual(['error required Capacity ManagedInstancesProvider.InstanceLaunchTemplate.Ec2InstanceProfileArn']);
  expect(noProfile.result.errors[0].apiMember).toBe('ecs CreateCapacityProvider managedInstancesProvider.instanceLaunchTemplate.ec2InstanceProfileArn');
  expect(brief(noInfraRole.result.errors)).toEqual(['error required Capacity ManagedInstancesProvider.InfrastructureRoleArn']);
});

const roleAsProfile = bad('ecs-role-as-profile', (t) => { p(t, 'Capacity').ManagedInstancesProvider.InstanceLaunchTemplate.Ec2InstanceProfileArn = getAtt('InstanceRole', 'Arn'); });
const literalRole = bad('ecs-literal-role', (t) => { p(t, 'Capacity').ManagedInstancesProvider.InstanceLaunchTemplate.Ec2InstanceProfileArn = 'arn:aws:iam::123456789012:role/ecsInstanceRole'; });
test('a role ARN given as the instance profile (token or literal): rejected with the fix', () => {
  for (const r of [roleAsProfile.result, literalRole.result]) {
    expect(brief(r.errors)).toEqual(['error ecs-managed-instances-profile Capacity ManagedInstancesProvider.InstanceLaunchTemplate.Ec2InstanceProfileArn']);
    expect(r.errors[0].fix).toBe('create an AWS::IAM::InstanceProfile for the role and give its Arn');
  }
});

const infraTrust = bad('ecs-infra-trust', (t) => { p(t, 'InfraRole').AssumeRolePolicyDocument = trust('ecs-tasks.amazonaws.com'); });
const profileTrust = bad('ecs-profile-trust', (t) => { p(t, 'InstanceRole').AssumeRolePolicyDocument = trust('ecs.amazonaws.com'); });
const profileAsInfra = bad('ecs-profile-as-infra', (t) => { p(t, 'Capacity').ManagedInstancesProvider.InfrastructureRoleArn = getAtt('InstanceProfile', 'Arn'); });
test('trust: the infrastructure role trusts ecs.amazonaws.com, the instance profile\'s role ec2.amazonaws.com; an instance profile is no infrastructure role', () => {
  expect(brief(infraTrust.result.errors)).toEqual(['error role-trust Capacity ManagedInstancesProvider.InfrastructureRoleArn']);
  expect(infraTrust.result.errors[0].message).toMatch(/role InfraRole does not trust ecs.amazonaws.com \(it trusts ecs-tasks.amazonaws.com\)/);
  expect(brief(profileTrust.result.errors)).toEqual(['error role-trust Capacity ManagedInstancesProvider.InstanceLaunchTemplate.Ec2InstanceProfileArn']);
  expect(brief(profileAsInfra.result.errors)).toEqual(['error ecs-managed-instances-role Capacity ManagedInstancesProvider.InfrastructureRoleArn']);
});

const requirements = bad('ecs-requirements', (t) => {
  const r = p(t, 'Capacity').ManagedInstancesProvider.InstanceLaunchTemplate.InstanceRequirements;
  delete r.VCpuCount;
  r.AcceleratorManufacturers = ['NVIDIA'];
  r.AcceleratorCount = { Min: 2, Max: 1 };
  r.ExcludedInstanceTypes = ['p3.*'];
});
test('instance requirements: VCpuCount required, manufacturers enum (lower case), Min above Max, allowed and excluded types together', () => {
  expect(brief(requirements.result.errors).sort()).toEqual([
    'error ecs-instance-requirements Capacity ManagedInstancesProvider.InstanceLaunchTemplate.InstanceRequirements.AcceleratorCount',
    'error ecs-instance-requirements Capacity ManagedInstancesProvider.InstanceLaunchTemplate.InstanceRequirements.ExcludedInstanceTypes',
    'error enum Capacity ManagedInstancesProvider.InstanceLaunchTemplate.InstanceRequirements.AcceleratorManufacturers[0]',
    'error required Capacity ManagedInstancesProvider.InstanceLaunchTemplate.InstanceRequirements.VCpuCount',
  ]);
});

const storage = bad('ecs-storage', (t) => {
  const l = p(t, 'Capacity').ManagedInstancesProvider.InstanceLaunchTemplate;
  l.StorageConfiguration.StorageSizeGiB = 0;
  l.CapacityOptionType = 'SPOT_ONLY';
  p(t, 'Capacity').ManagedInstancesProvider.PropagateTags = 'SERVICE';
});
test('storage size 0, capacity option and tag propagation outside their enums: rejected by the model', () => {
  expect(brief(storage.result.errors).sort()).toEqual([
    'error enum Capacity ManagedInstancesProvider.InstanceLaunchTemplate.CapacityOptionType',
    'error enum Capacity ManagedInstancesProvider.PropagateTags',
    'error range Capacity ManagedInstancesProvider.InstanceLaunchTemplate.StorageConfiguration.StorageSizeGiB',
  ]);
});

const bothKinds = bad('ecs-both-kinds', (t) => { p(t, 'Capacity').AutoScalingGroupProvider = { AutoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/asg' }; });
test('a capacity provider with both an Auto Scaling group and managed instances: rejected', () => {
  expect(brief(bothKinds.result.errors)).toEqual(['error ecs-capacity-provider-kind Capacity ManagedInstancesProvider']);
});

const noNetworkMode = bad('ecs-no-network-mode', (t) => { delete p(t, 'Task').NetworkMode; });
const bridge = bad('ecs-bridge', (t) => { p(t, 'Task').NetworkMode = 'bridge'; });
const badCompat = bad('ecs-compat-enum', (t) => { p(t, 'Task').RequiresCompatibilities = ['MANAGED_INSTANCE']; });
test('MANAGED_INSTANCES task definitions: a network mode is required (awsvpc or host); the compatibility enum', () => {
  expect(brief(noNetworkMode.result.errors)).toEqual(['error ecs-managed-instances-network Task NetworkMode']);
  expect(brief(bridge.result.errors)).toEqual(['error ecs-managed-instances-network Task NetworkMode']);
  expect(bridge.result.errors[0].message).toBe('NetworkMode bridge on a MANAGED_INSTANCES task definition');
  expect(brief(badCompat.result.errors)).toContain('error enum Task RequiresCompatibilities[0]');
});

const fargateTask = bad('ecs-task-fargate', (t) => { p(t, 'Task').RequiresCompatibilities = ['FARGATE']; p(t, 'Task').Cpu = '4096'; p(t, 'Task').Memory = '16384'; p(t, 'Task').ContainerDefinitions[0].ResourceRequirements = undefined; });
test('a service on managed instances capacity whose task definition only allows FARGATE: rejected', () => {
  expect(brief(fargateTask.result.errors)).toEqual(['error ecs-task-compatibility Service CapacityProviderStrategy']);
  expect(fargateTask.result.errors[0].fix).toBe('add MANAGED_INSTANCES to RequiresCompatibilities of Task');
});

const twoBases = bad('ecs-two-bases', (t) => {
  p(t, 'Service').CapacityProviderStrategy = [{ CapacityProvider: ref('Capacity'), Weight: 1, Base: 1 }, { CapacityProvider: 'FARGATE', Weight: 1, Base: 2 }];
});
const zeroWeights = bad('ecs-zero-weights', (t) => {
  p(t, 'Service').CapacityProviderStrategy = [{ CapacityProvider: ref('Capacity'), Weight: 0 }, { CapacityProvider: 'other', Weight: 0 }];
});
const weightRange = bad('ecs-weight-range', (t) => { p(t, 'Service').CapacityProviderStrategy[0].Weight = 1001; p(t, 'Service').CapacityProviderStrategy[0].Base = 100001; });
test('capacity provider strategies: one base only, a weight above 0, no mixing with Fargate; model ranges of weight and base', () => {
  expect(brief(twoBases.result.errors).sort()).toEqual([
    'error ecs-capacity-strategy Service CapacityProviderStrategy',
    'error ecs-capacity-strategy Service CapacityProviderStrategy[1].Base',
    'error ecs-task-compatibility Service CapacityProviderStrategy',
  ]);
  expect(brief(zeroWeights.result.errors)).toEqual(['error ecs-capacity-strategy Service CapacityProviderStrategy']);
  expect(zeroWeights.result.errors[0].message).toBe('every provider of the strategy has Weight 0');
  expect(brief(weightRange.result.errors).sort()).toEqual([
    'error range Service CapacityProviderStrategy[0].Base',
    'error range Service CapacityProviderStrategy[0].Weight',
  ]);
});

const launchType = bad('ecs-launch-type', (t) => { p(t, 'Service').LaunchType = 'MANAGED_INSTANCES'; });
test('LaunchType together with a capacity provider strategy: rejected', () => {
  expect(brief(launchType.result.errors)).toEqual(['error ecs-launch-type-exclusive Service CapacityProviderStrategy']);
});

// ---- Lambda SnapStart and streaming URLs
const snapRuntime = bad('snap-runtime', (t) => { p(t, 'Snap').Runtime = 'python3.11'; });
const snapJava = bad('snap-java', (t) => { p(t, 'Snap').Runtime = 'java21'; p(t, 'Snap').Handler = 'x.Handler::handleRequest'; delete p(t, 'Snap').Code.ZipFile; p(t, 'Snap').Code.S3Bucket = 'artifacts'; p(t, 'Snap').Code.S3Key = 'k.zip'; });
const snapNode = bad('snap-node', (t) => { p(t, 'Snap').Runtime = 'nodejs22.x'; });
test('SnapStart runtimes: python3.12 and java21 accepted, python3.11 and nodejs22.x rejected', () => {
  expect(brief([...snapJava.result.errors, ...snapJava.result.warnings])).toEqual([]);
  expect(brief(snapRuntime.result.errors)).toEqual(['error lambda-snapstart Snap SnapStart.ApplyOn']);
  expect(snapRuntime.result.errors[0].message).toBe('runtime python3.11 does not support SnapStart: CreateFunction rejects it');
  expect(brief(snapNode.result.errors)).toEqual(['error lambda-snapstart Snap SnapStart.ApplyOn']);
});

const snapStorage = bad('snap-storage', (t) => { p(t, 'Snap').EphemeralStorage.Size = 513; });
const snapApplyOn = bad('snap-apply-on', (t) => { p(t, 'Snap').SnapStart.ApplyOn = 'AllVersions'; });
test('SnapStart: 512 MB of ephemeral storage accepted, 513 rejected; ApplyOn outside the enum', () => {
  expect(brief(snapStorage.result.errors)).toEqual(['error lambda-snapstart Snap EphemeralStorage.Size']);
  expect(brief(snapApplyOn.result.errors)).toEqual(['error enum Snap SnapStart.ApplyOn']);
  expect(snapApplyOn.result.errors[0].fix).toBe('use one of PublishedVersions, None');
});

const snapProvisioned = bad('snap-provisioned', (t) => { p(t, 'SnapAlias').ProvisionedConcurrencyConfig = { ProvisionedConcurrentExecutions: 2 }; });
const snapOffProvisioned = bad('snap-off-provisioned', (t) => { p(t, 'Snap').SnapStart.ApplyOn = 'None'; p(t, 'SnapAlias').ProvisionedConcurrencyConfig = { ProvisionedConcurrentExecutions: 2 }; });
test('provisioned concurrency on an alias of a SnapStart function: rejected (with ApplyOn None it is fine)', () => {
  expect(brief(snapProvisioned.result.errors)).toEqual(['error lambda-snapstart-provisioned SnapAlias ProvisionedConcurrencyConfig']);
  expect(snapProvisioned.result.errors[0].fix).toBe('choose one warm mode: remove ProvisionedConcurrencyConfig or SnapStart');
  expect(brief(snapOffProvisioned.result.errors)).toEqual([]);
});

const streamMode = bad('url-invoke-mode', (t) => { p(t, 'StreamUrl').InvokeMode = 'STREAM'; });
const streamPython = bad('url-python', (t) => { p(t, 'Stream').Runtime = 'python3.12'; });
const streamAdapter = bad('url-python-adapter', (t) => {
  p(t, 'Stream').Runtime = 'python3.12';
  p(t, 'Stream').Layers = ['arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerX86:25'];
});
test('function URL InvokeMode: enum; RESPONSE_STREAM on a Python function warns unless the Lambda Web Adapter layer is attached', () => {
  expect(brief(streamMode.result.errors)).toEqual(['error enum StreamUrl InvokeMode']);
  expect(streamMode.result.errors[0].fix).toBe('use one of BUFFERED, RESPONSE_STREAM');
  expect(brief(streamPython.result.warnings)).toEqual(['warning lambda-streaming-runtime StreamUrl InvokeMode']);
  expect(streamPython.result.warnings[0].message).toMatch(/function Stream runs python3.12 without the Lambda Web Adapter: the client gets the whole response at the end/);
  expect(brief([...streamAdapter.result.errors, ...streamAdapter.result.warnings])).toEqual([]);
});

// ---- EventBridge rules feeding an SQS queue (Karpenter's interruption queue)
const noQueuePolicy = bad('events-no-policy', (t) => { delete t.Resources.InterruptionsPolicy; });
const otherSource = bad('events-other-source', (t) => {
  p(t, 'InterruptionsPolicy').PolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn'] = getAtt('Interruptions', 'Arn');
});
test('an SQS target whose queue policy does not let events.amazonaws.com send for this rule: EventBridge drops the events', () => {
  for (const r of [noQueuePolicy.result, otherSource.result]) {
    expect(brief(r.errors)).toEqual(['error events-sqs-target SpotRule Targets[0].Arn']);
  }
  expect(noQueuePolicy.result.errors[0].message).toBe(
    'no AWS::SQS::QueuePolicy of queue Interruptions allows events.amazonaws.com sqs:SendMessage for this rule: EventBridge drops every event it matches');
});

const fifo = bad('events-fifo', (t) => { p(t, 'Interruptions').FifoQueue = true; p(t, 'Interruptions').QueueName = 'interruptions.fifo'; });
const cmk = bad('events-cmk', (t) => { delete p(t, 'Interruptions').SqsManagedSseEnabled; p(t, 'Interruptions').KmsMasterKeyId = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'; });
test('a FIFO queue target without MessageGroupId is rejected; a customer-managed-key queue warns', () => {
  expect(brief(fifo.result.errors)).toEqual(['error events-sqs-target SpotRule Targets[0].SqsParameters.MessageGroupId']);
  expect(brief(cmk.result.warnings)).toEqual(['warning events-sqs-target SpotRule Targets[0].Arn']);
});

const noPattern = bad('events-no-pattern', (t) => { delete p(t, 'SpotRule').EventPattern; });
const badTargetId = bad('events-target-id', (t) => { p(t, 'SpotRule').Targets[0].Id = '#target'; p(t, 'SpotRule').State = 'ON'; });
test('a rule without pattern or schedule; a target Id starting outside [.-_A-Za-z0-9] and a State outside the enum', () => {
  expect(brief(noPattern.result.errors)).toEqual(['error events-rule-trigger SpotRule EventPattern']);
  expect(brief(badTargetId.result.errors).sort()).toEqual(['error enum SpotRule State', 'error pattern SpotRule Targets[0].Id']);
});

const noOrder = bad('ic-target-order', (t) => { delete t.Resources.CopyTarget.DependsOn; });
test('a copy-count scalable target naming the component by literal name without DependsOn: it can be registered before the component exists', () => {
  expect(brief(noOrder.result.errors)).toEqual(['error autoscaling-target-order CopyTarget ResourceId']);
  expect(noOrder.result.errors[0].fix).toBe('add DependsOn: Component to the scalable target');
});

const asgAndFargate = bad('ecs-asg-fargate', (t) => {
  t.Resources.AsgCapacity = { Type: 'AWS::ECS::CapacityProvider', Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: 'gpu-asg' } } };
  p(t, 'Task').RequiresCompatibilities = ['EC2', 'FARGATE'];
  p(t, 'Task').Cpu = '1024';
  p(t, 'Task').Memory = '16384';
  delete p(t, 'Task').ContainerDefinitions[0].ResourceRequirements;
  p(t, 'Service').CapacityProviderStrategy = [{ CapacityProvider: ref('AsgCapacity'), Weight: 1 }, { CapacityProvider: 'FARGATE', Weight: 1 }];
});
test('a strategy mixing an Auto Scaling group provider with Fargate: rejected (one kind per strategy)', () => {
  expect(brief(asgAndFargate.result.errors).filter((f) => f.includes('ecs-capacity-strategy'))).toEqual(['error ecs-capacity-strategy Service CapacityProviderStrategy']);
  expect(asgAndFargate.result.errors.find((f) => f.ruleId === 'ecs-capacity-strategy')!.message).toBe('the strategy mixes Auto Scaling group and Fargate providers');
});
