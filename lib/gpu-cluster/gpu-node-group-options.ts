import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';

/**
 * A GPU-ready EKS managed node group created by {@link GpuClusterService} (only on a cluster defined
 * in the same app, `eks.Cluster`). Nodes are tainted `nvidia.com/gpu=true:NoSchedule` so only GPU
 * workloads (which tolerate it) land there.
 *
 * A managed node group does not follow pod demand by itself: run Cluster Autoscaler or Karpenter
 * so the KEDA/HPA replica count turns into nodes.
 */
export interface GpuNodeGroupOptions {
  /**
   * GPU instance types.
   *
   * @default ['g5.xlarge'] - one NVIDIA A10G, 4 vCPU, 16 GiB
   */
  readonly instanceTypes?: string[];

  /**
   * NVIDIA AMI type. With an AL2023 NVIDIA AMI the NVIDIA device plugin is installed (Helm); the
   * Bottlerocket NVIDIA AMIs ship it. Its CPU architecture must match the instance types.
   *
   * @default eks.NodegroupAmiType.AL2023_X86_64_NVIDIA
   */
  readonly amiType?: eks.NodegroupAmiType;

  /**
   * Version of the NVIDIA device plugin Helm chart installed for AL2023 NVIDIA AMIs (which carry the
   * driver but not the plugin); the release `nvidia-device-plugin` in `kube-system` tolerates the GPU
   * taint and runs on nodes labelled `nvidia.com/gpu.present=true` (this node group sets it).
   * Bottlerocket NVIDIA AMIs ship the plugin: nothing is installed and this prop is rejected.
   *
   * @default '0.17.2'
   */
  readonly devicePluginVersion?: string;

  /**
   * Fewest nodes.
   *
   * @default 1
   */
  readonly minSize?: number;

  /** Most nodes. */
  readonly maxSize: number;

  /**
   * Root volume size (container images of GPU servers are large). With `modelCache` it is the
   * encrypted gp3 root volume of the node group's launch template (which then carries the user data
   * creating the cache directory).
   *
   * @default Size.gibibytes(100)
   */
  readonly diskSize?: Size;

  /**
   * On-demand or Spot capacity.
   *
   * @default eks.CapacityType.ON_DEMAND
   */
  readonly capacityType?: eks.CapacityType;

  /**
   * Subnets of the nodes.
   *
   * @default - the cluster's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Extra node labels.
   *
   * @default - only `inference.cdk/accelerator: nvidia-gpu`
   */
  readonly labels?: { [key: string]: string };
}
