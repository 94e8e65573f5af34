import { Duration, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GpuNodeGroupOptions } from './gpu-node-group-options';

/** How a {@link GpuClusterService} gets GPU nodes. */
export enum GpuNodeProvisioningKind {
  /** Karpenter (Helm chart, NodePool, EC2NodeClass) launches nodes for Pending pods. */
  KARPENTER = 'karpenter',
  /** An EKS Auto Mode NodePool (Karpenter run by EKS) launches nodes for Pending pods. */
  AUTO_MODE = 'auto-mode',
  /** A fixed-range EKS managed node group. */
  MANAGED_NODE_GROUP = 'managed-node-group',
  /** Nothing is created: the cluster already has GPU nodes (or its own node autoscaler). */
  EXISTING_NODES = 'existing-nodes',
}

/** Capacity types a Karpenter or Auto Mode NodePool may launch (`karpenter.sh/capacity-type`). */
export enum GpuCapacityType {
  /** On-Demand instances. */
  ON_DEMAND = 'on-demand',
  /** Spot instances (interrupted with a 2-minute warning; Karpenter drains them through its queue). */
  SPOT = 'spot',
  /** On-Demand Capacity Reservations (ODCRs, Capacity Blocks) selected by `capacityReservationIds`. */
  RESERVED = 'reserved',
}

/** AMI family of the nodes Karpenter launches (EC2NodeClass `amiSelectorTerms` alias). */
export enum KarpenterAmiFamily {
  /**
   * Amazon Linux 2023: for GPU instance types Karpenter resolves the EKS-optimized accelerated
   * (NVIDIA) variant, which has the driver and container toolkit but not the Kubernetes device plugin
   * (installed by the lane).
   */
  AL2023 = 'al2023',
  /** Bottlerocket: its NVIDIA variants ship the driver and the device plugin. */
  BOTTLEROCKET = 'bottlerocket',
}

/** A time window in which Karpenter voluntarily disrupts no node (a `budgets` entry with `nodes: "0"`). */
export interface GpuDisruptionWindow {
  /**
   * When the window starts: a 5-field cron expression in UTC (Karpenter budgets have no time zone),
   * e.g. `'0 11 * * 3'` for Wednesdays 11:00 UTC.
   */
  readonly schedule: string;

  /** How long the window lasts (whole minutes, Karpenter's `h`/`m` durations). */
  readonly duration: Duration;
}

/** Options of the NodePool shared by Karpenter and EKS Auto Mode. */
export interface GpuNodePoolOptions {
  /**
   * Instance families the NodePool may launch (NVIDIA GPU families only).
   *
   * @default ['g5', 'g6', 'g6e'] - 1 to 8 NVIDIA A10G / L4 / L40S GPUs per node; add `p4d` or `p5` for 8-GPU training-class nodes
   */
  readonly instanceFamilies?: string[];

  /**
   * Capacity types, in no order (Karpenter prefers reserved, then spot, then on-demand when several are allowed).
   *
   * @default [GpuCapacityType.ON_DEMAND]
   */
  readonly capacityTypes?: GpuCapacityType[];

  /**
   * Most GPUs the NodePool may have at once (`limits: nvidia.com/gpu`, counted on node capacity).
   *
   * @default - the sum over the cluster's services of (maxCapacity + 1 surge pod) × gpuCount
   */
  readonly maxGpus?: number;

  /**
   * Most vCPUs the NodePool may have at once (`limits: cpu`).
   *
   * @default - no CPU limit (the GPU limit bounds the fleet; vCPUs per GPU vary from 4 to 24 across sizes)
   */
  readonly maxCpu?: number;

  /**
   * How long a node must be empty or underutilized before Karpenter consolidates it
   * (`consolidationPolicy: WhenEmptyOrUnderutilized`).
   *
   * @default Duration.minutes(10) - longer than the lane's scale-in cooldowns, so a scale-in followed by a burst keeps its warm GPU nodes
   */
  readonly consolidateAfter?: Duration;

  /**
   * Most nodes voluntarily disrupted at once (consolidation, drift, expiry), in percent of the NodePool's nodes.
   *
   * @default 10
   */
  readonly disruptionBudgetPercent?: number;

  /**
   * Windows in which no node is voluntarily disrupted (e.g. a known traffic peak).
   *
   * @default - none
   */
  readonly noDisruptionWindows?: GpuDisruptionWindow[];

  /**
   * Node lifetime: Karpenter replaces nodes older than this (security patches, AMI updates).
   *
   * @default Duration.days(30) - Karpenter's default (720h)
   */
  readonly expireAfter?: Duration;

  /**
   * Name of the NodePool (and of the EC2NodeClass with Karpenter). One per cluster, shared by its services.
   *
   * @default 'gpu'
   */
  readonly nodePoolName?: string;
}

/** Options of {@link GpuNodeProvisioning.karpenter}. */
export interface KarpenterProvisioningOptions extends GpuNodePoolOptions {
  /**
   * Install the Karpenter controller (Helm chart, its IAM role, the interruption queue and rules, the
   * node role). Only on an `eks.Cluster` defined in this app; on an imported cluster pass `false`, with
   * `nodeRole`, when Karpenter already runs there.
   *
   * @default true on an eks.Cluster; an imported cluster needs false
   */
  readonly installController?: boolean;

  /**
   * Version of the Karpenter Helm chart (`oci://public.ecr.aws/karpenter/karpenter`), pinned, 1.3.0 or
   * newer (capacity reservations).
   *
   * @default '1.14.1'
   */
  readonly version?: string;

  /**
   * The role of the nodes (EC2NodeClass `role`). Required on an imported cluster: its Karpenter
   * controller must be allowed to pass it, and it must be able to join the cluster.
   *
   * @default - a role with the EKS worker, CNI, ECR pull and SSM managed policies, allowed to join the cluster
   */
  readonly nodeRole?: iam.IRole;

  /**
   * AMI family.
   *
   * @default KarpenterAmiFamily.AL2023
   */
  readonly amiFamily?: KarpenterAmiFamily;

  /**
   * AMI version of the alias (`al2023@<version>`): `latest` or a release such as `v20251120`
   * (AL2023) / `v1.50.0` (Bottlerocket). With `latest`, every new AMI release drifts the nodes, which
   * Karpenter replaces within the disruption budget.
   *
   * @default 'latest'
   */
  readonly amiVersion?: string;

  /**
   * Root volume (gp3, encrypted) of each node: large enough for GPU server images (Triton and vLLM
   * images are 8-15 GiB compressed) and the model cache.
   *
   * @default Size.gibibytes(200)
   */
  readonly rootVolumeSize?: Size;

  /**
   * Subnets of the nodes (EC2NodeClass `subnetSelectorTerms`, by id).
   *
   * @default - the cluster VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Capacity reservations Karpenter may launch into (`capacityReservationSelectorTerms`, by id
   * `cr-...`); needs `GpuCapacityType.RESERVED` in `capacityTypes`.
   *
   * @default - none
   */
  readonly capacityReservationIds?: string[];

  /**
   * Install the NVIDIA device plugin (Helm) for AL2023 nodes. Turn it off when the cluster already runs
   * it (or the NVIDIA GPU operator).
   *
   * @default true with AL2023 (rejected with Bottlerocket, which ships the plugin)
   */
  readonly installDevicePlugin?: boolean;

  /**
   * Version of the NVIDIA device plugin Helm chart.
   *
   * @default '0.17.2'
   */
  readonly devicePluginVersion?: string;
}

/** Options of {@link GpuNodeProvisioning.autoMode}. */
export interface AutoModeProvisioningOptions extends GpuNodePoolOptions {
  /**
   * The Auto Mode NodeClass (`eks.amazonaws.com/v1`) the NodePool uses.
   *
   * @default 'default' - the NodeClass EKS creates with Auto Mode
   */
  readonly nodeClassName?: string;
}

/**
 * How a {@link GpuClusterService} gets GPU nodes for the pods its autoscaler adds.
 *
 * @example
 * new GpuClusterService(this, 'Recsys', {
 *   cluster, artifact,
 *   nodeProvisioning: GpuNodeProvisioning.karpenter({ capacityTypes: [GpuCapacityType.ON_DEMAND, GpuCapacityType.SPOT] }),
 * });
 */
export class GpuNodeProvisioning {
  /**
   * Karpenter: launches GPU nodes for Pending pods and consolidates them when idle. On an
   * `eks.Cluster` of this app it is installed (the default there); on an imported cluster pass
   * `installController: false` and `nodeRole`.
   */
  public static karpenter(options: KarpenterProvisioningOptions = {}): GpuNodeProvisioning {
    return new GpuNodeProvisioning(GpuNodeProvisioningKind.KARPENTER, options, undefined, undefined);
  }

  /**
   * An EKS Auto Mode GPU NodePool. The cluster must run EKS Auto Mode (aws-eks-v2 `compute`, or the
   * console), imported here: an `eks.Cluster` (aws-eks) cannot enable it. Auto Mode brings the NVIDIA
   * driver and device plugin.
   */
  public static autoMode(options: AutoModeProvisioningOptions = {}): GpuNodeProvisioning {
    return new GpuNodeProvisioning(GpuNodeProvisioningKind.AUTO_MODE, undefined, options, undefined);
  }

  /**
   * A managed node group with a fixed size range (only on an `eks.Cluster` of this app). It does not
   * follow pod demand by itself.
   */
  public static managedNodeGroup(options: GpuNodeGroupOptions): GpuNodeProvisioning {
    return new GpuNodeProvisioning(GpuNodeProvisioningKind.MANAGED_NODE_GROUP, undefined, undefined, options);
  }

  /** Nothing: the cluster already has GPU nodes, or its own node autoscaler (the default on an imported cluster). */
  public static existingNodes(): GpuNodeProvisioning {
    return new GpuNodeProvisioning(GpuNodeProvisioningKind.EXISTING_NODES, undefined, undefined, undefined);
  }

  private constructor(
    /** Which mechanism. */
    public readonly kind: GpuNodeProvisioningKind,
    /** Options with KARPENTER. */
    public readonly karpenterOptions: KarpenterProvisioningOptions | undefined,
    /** Options with AUTO_MODE. */
    public readonly autoModeOptions: AutoModeProvisioningOptions | undefined,
    /** Options with MANAGED_NODE_GROUP. */
    public readonly nodeGroupOptions: GpuNodeGroupOptions | undefined,
  ) {}
}
