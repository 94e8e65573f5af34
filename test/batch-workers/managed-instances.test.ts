import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AutoscalingPolicy, HardwareTarget, LaneValidationError, ScalingTrigger } from '../../lib';
import { GpuCapacity, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { ApiContract, CfnLint, LocalDeploy } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';

/*
 * Issue 19 item 4: GPU workers on Amazon ECS Managed Instances (the default) instead of the
 * hand-built Auto Scaling group, with the infrastructure and instance roles scoped to the lane.
 */

const ENV = { account: '111122223333', region: 'us-east-1' };

function build(over: Partial<QueueDrainedWorkersProps> = {}, environmentAgnostic = false): { stack: Stack; t: Template; w: QueueDrainedWorkers } {
  const stack = new Stack(new App(), 'Gpu', { env: environmentAgnostic ? undefined : ENV });
  const w = new QueueDrainedWorkers(stack, 'Workers', {
    artifact: demoArtifact(),
    hardware: HardwareTarget.NVIDIA_GPU,
    jobTimeout: Duration.minutes(10),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 4, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    ...over,
  });
  return { stack, t: Template.fromStack(stack), w };
}

function rejects(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try { fn(); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(LaneValidationError);
  expect((error as Error).message).toMatch(message);
}

const only = (t: Template, type: string): [string, any] => {
  const found = Object.entries(t.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as [string, any];
};
/** Every statement of every policy attached to the role. */
const policyOf = (t: Template, rolePrefix: RegExp): any[] => Object.values<any>(t.findResources('AWS::IAM::Policy'))
  .filter(p => p.Properties.Roles.some((r: any) => rolePrefix.test(r.Ref)))
  .flatMap(p => p.Properties.PolicyDocument.Statement);

describe('default GPU capacity: ECS Managed Instances', () => {
  const { stack, t, w } = build();
  const [providerId, provider] = only(t, 'AWS::ECS::CapacityProvider');
  const mi = provider.Properties.ManagedInstancesProvider;

  test('a cluster-scoped capacity provider: ClusterName is the lane cluster, no association resource, no Auto Scaling group', () => {
    expect(provider.Properties.ClusterName).toEqual({ Ref: expect.stringMatching(/^WorkersCluster/) });
    expect(provider.Properties.AutoScalingGroupProvider).toBeUndefined();
    expect(t.findResources('AWS::ECS::ClusterCapacityProviderAssociations')).toEqual({});
    expect(t.findResources('AWS::AutoScaling::AutoScalingGroup')).toEqual({});
    expect(w.managedInstancesCapacityProvider).toBeDefined();
    expect(w.capacityProvider).toBeUndefined();
  });

  test('the service places its tasks with the provider (no launch type), the task definition is MANAGED_INSTANCES in awsvpc with the GPU', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: { Ref: providerId }, Weight: 1 }],
      LaunchType: Match.absent(),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['MANAGED_INSTANCES'],
      NetworkMode: 'awsvpc',
      ContainerDefinitions: [Match.objectLike({ ResourceRequirements: [{ Type: 'GPU', Value: '1' }], Memory: 12288 })],
    });
  });

  test('instance requirements only the chosen type meets: NVIDIA GPUs, gpuCount of them, the container memory; on demand; tags propagated', () => {
    expect(mi.InstanceLaunchTemplate).toMatchObject({
      CapacityOptionType: 'ON_DEMAND',
      StorageConfiguration: { StorageSizeGiB: 100 },
      InstanceRequirements: {
        AllowedInstanceTypes: ['g5.xlarge'], AcceleratorTypes: ['gpu'], AcceleratorManufacturers: ['nvidia'],
        AcceleratorCount: { Min: 1 }, MemoryMiB: { Min: 12288 }, VCpuCount: { Min: 1 },
      },
      NetworkConfiguration: {
        Subnets: [{ Ref: expect.stringMatching(/^WorkersVpcworkersSubnet1/) }, { Ref: expect.stringMatching(/^WorkersVpcworkersSubnet2/) }],
        SecurityGroups: [{ 'Fn::GetAtt': [expect.stringMatching(/^WorkersInstanceSecurityGroup/), 'GroupId'] }],
      },
    });
    expect(mi.PropagateTags).toBe('CAPACITY_PROVIDER');
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('GPU managed instances'), SecurityGroupIngress: Match.absent(),
    });
  });

  test('no AWS managed policy anywhere: the infrastructure role policy is written out and scoped to the lane', () => {
    for (const role of Object.values<any>(t.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    expect(mi.InfrastructureRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WorkersInfrastructureRole/), 'Arn'] });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' } })], Version: '2012-10-17' },
      Description: Match.stringLikeRegexp('ECS launches and retires'),
    });
    const statements = policyOf(t, /^WorkersInfrastructureRole/);
    const bySid = Object.fromEntries(statements.map(s => [s.Sid, s]));
    // the instance role and nothing else may be passed, to EC2 only
    expect(bySid.PassTheLaneInstanceRole).toMatchObject({
      Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WorkersInstanceRole/), 'Arn'] },
      Condition: { StringLike: { 'iam:PassedToService': 'ec2.*' } },
    });
    // instances only into the lane's subnets and security group
    const supporting = JSON.stringify(bySid.LaunchIntoTheLaneSubnetsAndSecurityGroup.Resource);
    expect(supporting).toContain('WorkersVpcworkersSubnet1');
    expect(supporting).toContain('WorkersInstanceSecurityGroup');
    expect(supporting).not.toContain('subnet/*');
    expect(supporting).not.toContain('security-group/*');
    // created resources only with the ECS-managed tag, the operator or the create action
    expect(bySid.ProvisionEC2InstancesForManagedInstances.Condition).toEqual({ StringEquals: { 'aws:RequestTag/AmazonECSManaged': 'true' } });
    expect(bySid.CreateLaunchTemplateVersionsForManagedInstances.Condition).toEqual({ StringEquals: { 'ec2:ManagedResourceOperator': 'ecs.amazonaws.com' } });
    expect(bySid.TagOnCreateEC2ResourcesForManagedInstances.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': ['CreateFleet', 'CreateLaunchTemplate', 'RunInstances'] } });
    // this Region and account only (not arn:aws:ec2:*:*)
    expect(JSON.stringify(bySid.ProvisionEC2InstancesForManagedInstances.Resource)).toContain(':ec2:us-east-1:111122223333:instance/*');
    // '*' only for the EC2 Describe calls, which have no resource-level permissions
    for (const s of statements.filter(st => st.Resource === '*')) {
      expect([s.Action].flat().every((a: string) => a.startsWith('ec2:Describe'))).toBe(true);
    }
    // no Spot service-linked role, no resource groups: the lane launches on demand without capacity reservations
    expect(JSON.stringify(statements)).not.toMatch(/CreateServiceLinkedRole|resource-groups|cloudformation:/);
  });

  test('the instance role (in its own instance profile) registers only with the lane cluster', () => {
    expect(mi.InstanceLaunchTemplate.Ec2InstanceProfileArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WorkersInstanceProfile/), 'Arn'] });
    const statements = policyOf(t, /^WorkersInstanceRole/);
    const bySid = Object.fromEntries(statements.map(s => [s.Sid, s]));
    expect(bySid.ECSAgentRegisterAndStateChanges.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WorkersCluster/), 'Arn'] });
    expect(JSON.stringify(bySid.ECSAgentPollAndTelemetry.Resource)).toMatch(/container-instance\/",\{"Ref":"WorkersCluster[0-9A-F]+"\},"\/\*"/);
    expect(statements.filter(s => s.Resource === '*').map(s => s.Action)).toEqual(['ecs:DiscoverPollEndpoint']);
  });

  test('the capacity provider waits for the policies of both roles (ECS uses them as soon as it exists; the roles are ordered by GetAtt)', () => {
    const dependsOn: string[] = provider.DependsOn;
    expect(dependsOn.map(d => d.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'WorkersInfrastructureRoleDefaultPolicy', 'WorkersInfrastructureRoleDescribePolicy', 'WorkersInstanceRoleDefaultPolicy', 'WorkersInstanceRoleDiscoverPolicy',
    ]);
  });

  test('passes cfn-lint with no errors and no warnings (environment-agnostic stack: no dummy Availability Zones)', () => {
    const lint = CfnLint.lintStack(build({}, true).stack);
    expect(CfnLint.format(lint.errors)).toBe('');
    expect(CfnLint.format(lint.warnings)).toBe('');
  });

  test('the task definition, service and managed-instances capacity provider are valid ECS API requests (ApiContract)', () => {
    if (!ApiContract.isInstalled()) { throw new Error('python3 with botocore is required'); }
    const result = ApiContract.validate(stack);
    expect(ApiContract.format(result.errors)).toBe('');
    expect(ApiContract.coveredResourceTypes()).toContain('AWS::ECS::CapacityProvider');
    expect(result.resources.some(r => r.resourceType === 'AWS::ECS::CapacityProvider')).toBe(true);
  });

  test('moto cannot create it: a local deploy skips AWS::ECS::CapacityProvider (README "Local deploy")', () => {
    if (!LocalDeploy.isInstalled()) { throw new Error("moto_server/python3 not found: pip install 'moto[server]' boto3"); }
    expect(LocalDeploy.unsupportedResourceTypes(stack)).toContain('AWS::ECS::CapacityProvider');
  });
});

describe('choices and their props', () => {
  test('instanceType, gpuCount, memory and taskVolumeSize reach the instance requirements', () => {
    const { t } = build({
      instanceType: new ec2.InstanceType('g6.12xlarge'), gpuCount: 2, memoryLimitMiB: 65536,
      gpuCapacity: GpuCapacity.managedInstances({ taskVolumeSize: Size.gibibytes(200) }),
    });
    t.hasResourceProperties('AWS::ECS::CapacityProvider', {
      ManagedInstancesProvider: Match.objectLike({
        InstanceLaunchTemplate: Match.objectLike({
          StorageConfiguration: { StorageSizeGiB: 200 },
          InstanceRequirements: Match.objectLike({ AllowedInstanceTypes: ['g6.12xlarge'], AcceleratorCount: { Min: 2 }, MemoryMiB: { Min: 65536 } }),
        }),
      }),
    });
  });

  test('GpuCapacity.autoScalingGroup() keeps the hand-built group: launch template, ASG, capacity provider association, EC2 task definition', () => {
    const { t, w } = build({ gpuCapacity: GpuCapacity.autoScalingGroup(), maxInstances: 5 });
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: '5' });
    t.hasResourceProperties('AWS::ECS::CapacityProvider', { AutoScalingGroupProvider: Match.anyValue(), ManagedInstancesProvider: Match.absent() });
    t.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 1);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { RequiresCompatibilities: ['EC2'] });
    expect(w.capacityProvider).toBeDefined();
    expect(w.managedInstancesCapacityProvider).toBeUndefined();
  });

  test('toString and kind of each factory', () => {
    expect(GpuCapacity.managedInstances().toString()).toBe('GpuCapacity.managedInstances()');
    expect(GpuCapacity.autoScalingGroup().toString()).toBe('GpuCapacity.autoScalingGroup()');
    expect(GpuCapacity.managedInstances().kind).toBe('managed-instances');
  });

  test('task volume edges: 1 GiB and 16,384 GiB are rendered as given', () => {
    for (const gib of [1, 16384]) {
      build({ gpuCapacity: GpuCapacity.managedInstances({ taskVolumeSize: Size.gibibytes(gib) }) }).t
        .hasResourceProperties('AWS::ECS::CapacityProvider', {
          ManagedInstancesProvider: Match.objectLike({ InstanceLaunchTemplate: Match.objectLike({ StorageConfiguration: { StorageSizeGiB: gib } }) }),
        });
    }
  });
});

describe('rejections', () => {
  test('gpuCapacity on Fargate workers', () => {
    rejects(() => build({ hardware: HardwareTarget.CPU_X86_64, jobTimeout: Duration.minutes(2), gpuCapacity: GpuCapacity.managedInstances() }),
      /'gpuCapacity' \("GpuCapacity.managedInstances\(\)"\) applies to GPU workers, but hardware 'cpu-x86_64' runs on Fargate.*Drop gpuCapacity/);
  });

  test('maxInstances with managed instances (the default): no Auto Scaling group to cap', () => {
    rejects(() => build({ maxInstances: 8 }),
      /'maxInstances' \(8\) caps an Auto Scaling group, but GPU workers run on ECS Managed Instances.*GpuCapacity.autoScalingGroup\(\)/);
  });

  test('a gpuCapacity that is not a GpuCapacity (plain JavaScript)', () => {
    rejects(() => build({ gpuCapacity: { kind: 'managed-instances' } as unknown as GpuCapacity }), /'gpuCapacity' .* is not a GpuCapacity.*GpuCapacity.managedInstances\(\)/);
  });

  test.each([
    ['0 GiB', Size.gibibytes(0), /'gpuCapacity.taskVolumeSize' \(.?0 MiB.?\) must be whole GiB from 1/],
    ['1.5 GiB', Size.mebibytes(1536), /'gpuCapacity.taskVolumeSize' \(.?1536 MiB.?\) must be whole GiB/],
    ['16,385 GiB', Size.gibibytes(16385), /'gpuCapacity.taskVolumeSize' \(.?16778240 MiB.?\) must be whole GiB from 1 \(the ECS API minimum\) to 16,384/],
  ])('taskVolumeSize %s', (_, size, message) => {
    rejects(() => build({ gpuCapacity: GpuCapacity.managedInstances({ taskVolumeSize: size }) }), message);
  });
});

describe('an imported cluster', () => {
  test('GPU workers on managed instances run on it: the provider names the imported cluster, the agent is scoped to its ARN', () => {
    const stack = new Stack(new App(), 'Imported', { env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-aaaa1111', 'subnet-bbbb2222'] });
    new QueueDrainedWorkers(stack, 'Workers', {
      artifact: demoArtifact(), hardware: HardwareTarget.NVIDIA_GPU, jobTimeout: Duration.minutes(10),
      cluster: ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared-gpu', vpc }),
      clusterContainerInsights: true,
      autoscaling: new AutoscalingPolicy({ maxCapacity: 2, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECS::CapacityProvider', {
      ClusterName: 'shared-gpu',
      ManagedInstancesProvider: Match.objectLike({
        InstanceLaunchTemplate: Match.objectLike({ NetworkConfiguration: Match.objectLike({ Subnets: ['subnet-aaaa1111', 'subnet-bbbb2222'] }) }),
      }),
    });
    const register = policyOf(t, /^WorkersInstanceRole/).find(s => s.Sid === 'ECSAgentRegisterAndStateChanges');
    expect(JSON.stringify(register.Resource)).toContain(':ecs:us-east-1:111122223333:cluster/shared-gpu');
  });
});
