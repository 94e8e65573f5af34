import { Size } from 'aws-cdk-lib';
import { checkPropsObject } from '../core/private/validation';

/** The kinds of EC2 capacity GPU workers can run on. */
export enum GpuCapacityKind {
  /** Amazon ECS Managed Instances: ECS launches, patches and retires the GPU instances. */
  MANAGED_INSTANCES = 'managed-instances',
  /** An Auto Scaling group the lane builds (ECS GPU-optimized AMI) behind an ECS capacity provider. */
  AUTO_SCALING_GROUP = 'auto-scaling-group',
}

/** Options of {@link GpuCapacity.managedInstances}. */
export interface ManagedInstancesGpuCapacityOptions {
  /**
   * Size of each instance's task volume (container images, logs, scratch). GPU serving images are
   * large (a Deep Learning Container is 10-20 GB). Whole GiB, 1 (the ECS API minimum) to 16,384
   * (the EBS volume maximum).
   *
   * @default Size.gibibytes(100)
   */
  readonly taskVolumeSize?: Size;
}

/**
 * Where `NVIDIA_GPU` workers get their EC2 instances: a choice, not flags.
 *
 * - `GpuCapacity.managedInstances()` (default): an ECS Managed Instances capacity provider. ECS
 *   launches instances of `instanceType` for tasks waiting for capacity, keeps them patched
 *   (replacing instances on its own schedule) and retires idle ones. No Auto Scaling group, no AMI to track; the
 *   lane writes the infrastructure role's policy itself, scoped to its own subnets, security group
 *   and instance role (not the AWS managed `AmazonECSInfrastructureRolePolicyForManagedInstances`).
 * - `GpuCapacity.autoScalingGroup()`: the hand-built Auto Scaling group of the Amazon Linux 2023
 *   ECS GPU-optimized AMI behind a capacity provider with managed scaling (`maxInstances` applies).
 *
 * Changing the choice on a deployed lane replaces the capacity provider and the worker service.
 */
export class GpuCapacity {
  /**
   * Amazon ECS Managed Instances (the default for GPU workers).
   */
  public static managedInstances(options: ManagedInstancesGpuCapacityOptions = {}): GpuCapacity {
    checkPropsObject('GpuCapacity.managedInstances', 'options', options, 'Pass {} for the defaults, or { taskVolumeSize: Size.gibibytes(100) }.');
    return new GpuCapacity(GpuCapacityKind.MANAGED_INSTANCES, options.taskVolumeSize);
  }

  /**
   * An Auto Scaling group 0..`maxInstances` of the ECS GPU-optimized Amazon Linux 2023 AMI behind a
   * capacity provider with managed scaling and termination protection.
   */
  public static autoScalingGroup(): GpuCapacity {
    return new GpuCapacity(GpuCapacityKind.AUTO_SCALING_GROUP, undefined);
  }

  /** Which capacity. */
  public readonly kind: GpuCapacityKind;
  /** The task volume size (managed instances only). */
  public readonly taskVolumeSize?: Size;

  private constructor(kind: GpuCapacityKind, taskVolumeSize: Size | undefined) {
    this.kind = kind;
    this.taskVolumeSize = taskVolumeSize;
  }

  /** A short description, for messages. */
  public toString(): string {
    return this.kind === GpuCapacityKind.MANAGED_INSTANCES ? 'GpuCapacity.managedInstances()' : 'GpuCapacity.autoScalingGroup()';
  }
}
