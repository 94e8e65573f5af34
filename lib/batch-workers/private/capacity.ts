import { Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';
import { HardwareTarget } from '../../core/hardware';
import { LaneCapacity } from '../../core/inference-lane';
import { AutoscalingPolicy } from '../../core/autoscaling';
import type { QueueDrainedWorkersProps } from '../queue-drained-workers';
import { acknowledgeGpuCapacityFindings } from './nag';
import { defaultGpuInstance } from './validate-props';

/**
 * Where the workers run: the created cluster (and VPC), the EC2 GPU capacity provider, and the
 * lane's `capacity` description. Internal to the batch-workers lane.
 */

/**
 * An ECS cluster with Container Insights (construct ID `Cluster`) in `vpc`, or in a created VPC
 * (`Vpc`: 2 AZs, public + private subnets, 1 NAT gateway, an S3 gateway endpoint, REJECT flow logs).
 * @internal
 */
export function createCluster(scope: Construct, vpcProp: ec2.IVpc | undefined): ecs.Cluster {
  let vpc = vpcProp;
  if (!vpc) {
    const created = new ec2.Vpc(scope, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'workers', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    created.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(scope, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    vpc = created;
  }
  return new ecs.Cluster(scope, 'Cluster', {
    vpc,
    containerInsightsV2: ecs.ContainerInsights.ENABLED,
  });
}

/**
 * EC2 GPU capacity for `NVIDIA_GPU` workers: an Auto Scaling group 0..`maxInstances` of the ECS
 * GPU-optimized Amazon Linux 2023 AMI (IMDSv2, encrypted gp3 root) behind a capacity provider with
 * managed scaling and termination protection, registered on the cluster.
 * @internal
 */
export function createGpuCapacity(scope: Construct, cluster: ecs.Cluster, props: QueueDrainedWorkersProps, maxInstances: number): ecs.AsgCapacityProvider {
  const role = new iam.Role(scope, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `GPU container instances of ${scope.node.path}`,
  });
  const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.GPU),
    instanceType: props.instanceType ?? defaultGpuInstance(),
    role,
    userData: ec2.UserData.forLinux(),
    requireImdsv2: true,
    securityGroup: new ec2.SecurityGroup(scope, 'InstanceSecurityGroup', {
      vpc: cluster.vpc,
      allowAllOutbound: true,
      description: `GPU container instances of ${scope.node.path}: no inbound`,
    }),
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
  });
  const asg = new autoscaling.AutoScalingGroup(scope, 'GpuInstances', {
    vpc: cluster.vpc,
    vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    launchTemplate,
    minCapacity: 0,
    maxCapacity: maxInstances,
  });
  const provider = new ecs.AsgCapacityProvider(scope, 'GpuCapacity', {
    autoScalingGroup: asg,
    enableManagedScaling: true,
    enableManagedTerminationProtection: true,
    targetCapacityPercent: 100,
    // AL2023 ECS AMIs take the same ecs.config user data as AL2 (ECS_CLUSTER=...).
    machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
  });
  cluster.addAsgCapacityProvider(provider);
  // cdk-nag findings of the GPU capacity's design (README "cdk-nag").
  acknowledgeGpuCapacityFindings(asg, role);
  return provider;
}

/**
 * The cluster's capacity-provider associations, looked up when dependencies are resolved (after
 * aspects: ecs.Cluster adds the association in an aspect at synth).
 * @internal
 */
export function capacityProviderAssociations(cluster: ecs.ICluster): IDependable {
  const dependable: IDependable = {};
  Dependable.implement(dependable, {
    get dependencyRoots(): IConstruct[] {
      return cluster.node.findAll().filter(c => c instanceof ecs.CfnClusterCapacityProviderAssociations);
    },
  });
  return dependable;
}

/** What the lane runs on, for cost math and planning. @internal */
export function laneCapacity(props: QueueDrainedWorkersProps, policy: AutoscalingPolicy, hardware: HardwareTarget, onFargate: boolean): LaneCapacity {
  const instanceType = onFargate
    ? `fargate-${describeUnits(props.cpu ?? 2048, 1024)}vCPU-${describeUnits(props.memoryLimitMiB ?? 8192, 1024)}GB`
    : (props.instanceType ?? defaultGpuInstance()).toString();
  return {
    minInstances: policy.minCapacity,
    maxInstances: policy.maxCapacity,
    instanceType,
    hardware,
    priceClass: onFargate ? 'per-task-hour' : 'per-instance-hour',
    description: `${policy.minCapacity}-${policy.maxCapacity} × ${instanceType} queue workers`,
  };
}

function describeUnits(value: number | undefined, per: number): string {
  if (value === undefined || Token.isUnresolved(value)) { return '?'; }
  return String(Math.round((value / per) * 100) / 100);
}
