import { Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { nagResource } from '../../core/private/nag-ref';

/**
 * Amazon ECS Managed Instances for `NVIDIA_GPU` workers: the capacity provider, its infrastructure
 * role (a policy scoped to the lane, written from the AWS managed policy
 * `AmazonECSInfrastructureRolePolicyForManagedInstances` v11), the instance role and profile
 * (scoped from `AmazonECSInstanceRolePolicyForManagedInstances` v1) and the instances' security
 * group. Internal to the batch-workers lane.
 */

/** The task volume of each instance when `taskVolumeSize` is not given. @internal */
export const DEFAULT_TASK_VOLUME_GIB = 100;

/** What the managed-instances capacity is built from. @internal */
export interface ManagedInstancesOptions {
  /** The lane's cluster, created or imported (the provider names it with ClusterName). */
  readonly cluster: ecs.ICluster;
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The one instance type ECS may launch (`allowedInstanceTypes`). */
  readonly instanceType: string;
  readonly gpuCount: number;
  /** The container's memory limit (MiB): instances must have at least this much. */
  readonly memoryMiB: number;
  readonly taskVolumeSize?: Size;
}

/**
 * The capacity provider (construct ID `GpuCapacity`, registered on the cluster: it is a
 * cluster-scoped provider, `ClusterName` on the resource, no association needed), with instance
 * requirements that only `instanceType` meets (NVIDIA GPUs, at least `gpuCount` of them, at least
 * the container's memory), the task volume, tag propagation, on-demand instances.
 * @internal
 */
export function createManagedInstancesCapacity(scope: Construct, o: ManagedInstancesOptions): ecs.ManagedInstancesCapacityProvider {
  const stack = Stack.of(scope);
  const subnets = o.cluster.vpc.selectSubnets(o.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
  const securityGroup = new ec2.SecurityGroup(scope, 'InstanceSecurityGroup', {
    vpc: o.cluster.vpc,
    allowAllOutbound: true,
    description: `GPU managed instances of ${scope.node.path}: no inbound`,
  });
  const instanceRole = new iam.Role(scope, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `ECS agent on the GPU managed instances of ${scope.node.path}`,
  });
  const instanceProfile = new iam.InstanceProfile(scope, 'InstanceProfile', { role: instanceRole });
  const infrastructureRole = new iam.Role(scope, 'InfrastructureRole', {
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    description: `ECS launches and retires the GPU managed instances of ${scope.node.path}`,
  });

  const provider = new ecs.ManagedInstancesCapacityProvider(scope, 'GpuCapacity', {
    infrastructureRole,
    ec2InstanceProfile: instanceProfile,
    subnets,
    securityGroups: [securityGroup],
    taskVolumeStorage: o.taskVolumeSize ?? Size.gibibytes(DEFAULT_TASK_VOLUME_GIB),
    propagateTags: ecs.PropagateManagedInstancesTags.CAPACITY_PROVIDER,
    capacityOptionType: ecs.CapacityOptionType.ON_DEMAND,
    instanceRequirements: {
      vCpuCountMin: 1,
      memoryMin: Size.mebibytes(o.memoryMiB),
      acceleratorTypes: [ec2.AcceleratorType.GPU],
      acceleratorManufacturers: [ec2.AcceleratorManufacturer.NVIDIA],
      acceleratorCountMin: o.gpuCount,
      allowedInstanceTypes: [o.instanceType],
    },
  });
  if (o.cluster instanceof ecs.Cluster) {
    o.cluster.addManagedInstancesCapacityProvider(provider);
  } else {
    // What Cluster.addManagedInstancesCapacityProvider does, for an imported cluster: name it on the provider.
    provider.bind(o.cluster);
  }

  // The ECS agent on the instances (AmazonECSInstanceRolePolicyForManagedInstances, scoped to the lane cluster).
  const clusterArn = o.cluster.clusterArn;
  const containerInstances = stack.formatArn({ service: 'ecs', resource: 'container-instance', resourceName: `${o.cluster.clusterName}/*` });
  // The one '*' statement of each role is a policy of its own, so the lane's Resource::* acknowledgement
  // covers exactly it: a wildcard statement added later to the role's default policy still reports.
  const instanceDiscover = new iam.Policy(scope, 'InstanceRoleDiscoverPolicy', {
    roles: [instanceRole],
    statements: [new iam.PolicyStatement({ sid: 'ECSAgentDiscoverPollEndpoint', actions: ['ecs:DiscoverPollEndpoint'], resources: ['*'] })],
  });
  instanceRole.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ECSAgentRegisterAndStateChanges',
    actions: ['ecs:RegisterContainerInstance', 'ecs:SubmitAttachmentStateChanges', 'ecs:SubmitTaskStateChange'],
    resources: [clusterArn],
  }));
  instanceRole.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ECSAgentPollAndTelemetry',
    actions: ['ecs:Poll', 'ecs:StartTelemetrySession', 'ecs:PutSystemLogEvents'],
    resources: [containerInstances],
  }));

  // What ECS does with the infrastructure role, scoped to this Region and account, the lane's
  // subnets, security group and instance role.
  const ec2Arn = (resource: string, name = '*', account?: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name, account });
  const created = ['fleet', 'instance', 'network-interface', 'launch-template', 'volume'].map(r => ec2Arn(r));
  const launchTemplates = ec2Arn('launch-template');
  const supporting = [
    ...subnets.map(s => ec2Arn('subnet', s.subnetId)),
    ec2Arn('security-group', securityGroup.securityGroupId),
    // AMIs are owned by AWS and chosen by ECS at launch: the ID is not known at deploy time.
    ec2Arn('image', '*', ''),
  ];
  const requestTagged = { StringEquals: { 'aws:RequestTag/AmazonECSManaged': 'true' } };
  const policy = infrastructureRole;
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CreateLaunchTemplateForManagedInstances', actions: ['ec2:CreateLaunchTemplate'], resources: [launchTemplates], conditions: requestTagged,
  }));
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CreateLaunchTemplateVersionsForManagedInstances',
    actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
    resources: [launchTemplates],
    conditions: { StringEquals: { 'ec2:ManagedResourceOperator': 'ecs.amazonaws.com' } },
  }));
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ProvisionEC2InstancesForManagedInstances', actions: ['ec2:CreateFleet', 'ec2:RunInstances'], resources: created, conditions: requestTagged,
  }));
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'RunInstancesForECSManagedLaunchTemplates',
    actions: ['ec2:RunInstances'],
    resources: [launchTemplates],
    conditions: { StringEquals: { 'ec2:ResourceTag/AmazonECSManaged': 'true' } },
  }));
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LaunchIntoTheLaneSubnetsAndSecurityGroup', actions: ['ec2:CreateFleet', 'ec2:RunInstances'], resources: supporting,
  }));
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'TagOnCreateEC2ResourcesForManagedInstances',
    actions: ['ec2:CreateTags'],
    resources: created,
    conditions: { StringEquals: { 'ec2:CreateAction': ['CreateFleet', 'CreateLaunchTemplate', 'RunInstances'] } },
  }));
  policy.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'PassTheLaneInstanceRole',
    actions: ['iam:PassRole'],
    resources: [instanceRole.roleArn],
    conditions: { StringLike: { 'iam:PassedToService': 'ec2.*' } },
  }));
  const infrastructureDescribe = new iam.Policy(scope, 'InfrastructureRoleDescribePolicy', {
    roles: [infrastructureRole],
    statements: [new iam.PolicyStatement({
      sid: 'DescribeEC2ResourcesManagedByECS',
      actions: [
        'ec2:DescribeAvailabilityZones', 'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeInstances',
        'ec2:DescribeLaunchTemplates', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs',
      ],
      resources: ['*'],
    })],
  });
  // ECS uses both roles as soon as the provider exists: create their policies first (and delete them last).
  // (The roles themselves are ordered by the GetAtts of their ARNs.)
  const defaultPolicies = [infrastructureRole, instanceRole].map(r => r.node.tryFindChild('DefaultPolicy')).filter((c): c is iam.Policy => c !== undefined);
  provider.node.addDependency(...defaultPolicies, infrastructureDescribe, instanceDiscover);

  acknowledgeManagedInstancesFindings(scope, {
    instanceRole, infrastructureRole, instanceDiscover, infrastructureDescribe, containerInstances, createdArns: created, imageArn: supporting[supporting.length - 1],
  });
  return provider;
}

interface ManagedInstancesNagFacts {
  readonly instanceRole: iam.Role;
  readonly infrastructureRole: iam.Role;
  readonly instanceDiscover: iam.Policy;
  readonly infrastructureDescribe: iam.Policy;
  readonly containerInstances: string;
  readonly createdArns: string[];
  readonly imageArn: string;
}

/** The cdk-nag IAM5 findings of the two roles, acknowledged granularly on each policy (README "cdk-nag"). */
function acknowledgeManagedInstancesFindings(scope: Construct, f: ManagedInstancesNagFacts): void {
  acknowledgeNagFindings(f.instanceDiscover, [{
    id: 'AwsSolutions-IAM5',
    appliesTo: ['Resource::*'],
    reason: 'The ECS agent on the managed instances calls ecs:DiscoverPollEndpoint, which has no resource-level permissions (the only statement of this policy).',
  }]);
  acknowledgeNagFindings(f.instanceRole.node.tryFindChild('DefaultPolicy') ?? f.instanceRole, [{
    id: 'AwsSolutions-IAM5',
    appliesTo: [nagResource(scope, f.containerInstances)],
    reason: 'The ECS agent polls and sends telemetry for the container instances of the lane cluster only, whose IDs exist only at run time. Registration and state changes are on the cluster ARN.',
  }]);
  acknowledgeNagFindings(f.infrastructureDescribe, [{
    id: 'AwsSolutions-IAM5',
    appliesTo: ['Resource::*'],
    reason: 'EC2 Describe calls ECS makes to choose instance types and zones have no resource-level permissions (the only statement of this policy).',
  }]);
  acknowledgeNagFindings(f.infrastructureRole.node.tryFindChild('DefaultPolicy') ?? f.infrastructureRole, [{
    id: 'AwsSolutions-IAM5',
    appliesTo: [...f.createdArns.map(a => nagResource(scope, a)), nagResource(scope, f.imageArn)],
    reason: 'ECS creates the launch templates, fleets, instances, volumes and network interfaces at run time (IDs unknown at deploy), each statement conditioned on the AmazonECSManaged request/resource tag, ManagedResourceOperator or CreateAction; AMIs are chosen by ECS. Subnets, security group and the passed role are the lane\'s own ARNs.',
  }]);
}
