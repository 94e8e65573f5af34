import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import type { QueueDrainedWorkersProps } from '../queue-drained-workers';
import { GpuCapacity, GpuCapacityKind } from '../gpu-capacity';
import { capacityProviderAssociations, createGpuCapacity } from './capacity';
import { createManagedInstancesCapacity } from './managed-instances';
import { defaultGpuInstance } from './validate-props';

/** What the worker service is built from. @internal */
export interface WorkerServiceOptions {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly policy: AutoscalingPolicy;
  readonly onFargate: boolean;
  /** Most GPU instances (Auto Scaling group only). */
  readonly instanceCap: number;
  /** The GPU capacity (GPU workers only). */
  readonly gpuCapacity?: GpuCapacity;
  /** The ECS deployment alarms (version health only). */
  readonly deploymentAlarms: cloudwatch.IAlarm[];
}

/** The worker service and, on GPU workers, its capacity provider. @internal */
export interface WorkerService {
  readonly service: ecs.BaseService;
  readonly capacityProvider?: ecs.AsgCapacityProvider;
  readonly managedInstancesCapacityProvider?: ecs.ManagedInstancesCapacityProvider;
}

/**
 * The worker service (construct ID `Resource`): Fargate, or on the GPU capacity provider (ECS
 * Managed Instances, or the EC2 Auto Scaling group); no
 * inbound; a rolling deployment (100-200 %) with the circuit breaker and the deployment alarms.
 * @internal
 */
export function createWorkerService(scope: Construct, props: QueueDrainedWorkersProps, o: WorkerServiceOptions): WorkerService {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: o.cluster.vpc,
    allowAllOutbound: true,
    description: `Workers of ${scope.node.path}: no inbound; outbound to SQS, S3, ECR and the image registry`,
  });
  const autoRollback = props.rollout?.autoRollback ?? true;
  const common = {
    cluster: o.cluster,
    desiredCount: o.policy.isFixed ? o.policy.minCapacity : undefined,
    securityGroups: [securityGroup],
    vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    circuitBreaker: { enable: true, rollback: autoRollback },
    deploymentAlarms: o.deploymentAlarms.length > 0 ? {
      alarmNames: o.deploymentAlarms.map(a => a.alarmName),
      behavior: autoRollback ? ecs.AlarmBehavior.ROLLBACK_ON_ALARM : ecs.AlarmBehavior.FAIL_ON_ALARM,
    } : undefined,
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
  };
  if (o.onFargate) {
    const service = new ecs.FargateService(scope, 'Resource', {
      ...common,
      taskDefinition: o.taskDefinition,
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
    });
    return { service };
  }
  if (o.gpuCapacity?.kind === GpuCapacityKind.MANAGED_INSTANCES) {
    const managed = createManagedInstancesCapacity(scope, {
      cluster: o.cluster,
      vpcSubnets: props.vpcSubnets,
      instanceType: (props.instanceType ?? defaultGpuInstance()).toString(),
      gpuCount: props.gpuCount ?? 1,
      memoryMiB: props.memoryLimitMiB ?? 12288,
      taskVolumeSize: o.gpuCapacity.taskVolumeSize,
    });
    // FargateService is aws-cdk-lib's service for MANAGED_INSTANCES task definitions; the capacity
    // provider strategy replaces the launch type. The service depends on the provider through its Ref.
    const service = new ecs.FargateService(scope, 'Resource', {
      ...common,
      taskDefinition: o.taskDefinition,
      assignPublicIp: false,
      capacityProviderStrategies: [{ capacityProvider: managed.capacityProviderName, weight: 1 }],
    });
    return { service, managedInstancesCapacityProvider: managed };
  }
  const capacityProvider = createGpuCapacity(scope, o.cluster as ecs.Cluster, props, o.instanceCap);
  const service = new ecs.Ec2Service(scope, 'Resource', {
    ...common,
    taskDefinition: o.taskDefinition,
    capacityProviderStrategies: [{ capacityProvider: capacityProvider.capacityProviderName, weight: 1 }],
  });
  // The cluster's AWS::ECS::ClusterCapacityProviderAssociations must exist before the service is
  // created and outlive it on delete: otherwise the create intermittently fails and the delete
  // fails with "capacity provider is in use". ecs.Cluster adds the association in an aspect at
  // synth, so the dependency is resolved lazily (by type) when the template is prepared.
  service.node.addDependency(capacityProviderAssociations(o.cluster));
  return { service, capacityProvider };
}
