import * as eks from 'aws-cdk-lib/aws-eks';
import { IConstruct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { GpuClusterServiceProps } from '../gpu-cluster-service';
import { GpuNodeGroupOptions } from '../gpu-node-group-options';
import { GpuNodeProvisioning, GpuNodeProvisioningKind, KarpenterAmiFamily } from '../gpu-node-provisioning';
import { WorkloadIdentity } from '../workload-identity';
import { installDevicePlugin } from './cluster-addons';
import { checkPodsFitNodePool } from './gpu-node-pool';
import { gpuNodeProvisioner, GpuNodeProvisioner } from './karpenter';
import { modelCacheDirectoryFor, NodeCacheDirectory } from './model-cache-node';

/**
 * Which node provisioning a GpuClusterService gets (prop, `gpuNodeGroup` or the default for its
 * cluster), and for Karpenter / Auto Mode: the cluster's shared provisioner, the checks that the pods
 * fit its NodePool, their GPU demand on its limit, and the NVIDIA device plugin where the AMI needs it.
 * The managed node group itself stays in gpu-nodegroup.ts.
 * @internal
 */
export interface NodeProvisioningResult {
  readonly kind: GpuNodeProvisioningKind;
  readonly nodeGroup?: GpuNodeGroupOptions;
  readonly provisioner?: GpuNodeProvisioner;
  readonly devicePlugin?: eks.HelmChart;
  /** The model cache directory the lane's managed node group must create (its launch template). */
  readonly cacheDirectory?: NodeCacheDirectory;
}

export function setUpNodeProvisioning(lane: IConstruct, props: GpuClusterServiceProps, identity: WorkloadIdentity, policy: AutoscalingPolicy): NodeProvisioningResult {
  const cluster = props.cluster;
  const chosen = resolveProvisioning(lane, props);
  if (!Object.values(GpuNodeProvisioningKind).includes(chosen.kind)) {
    throw invalid(lane, 'nodeProvisioning', chosen.kind, 'is not a GpuNodeProvisioning', 'Use GpuNodeProvisioning.karpenter(), .autoMode(), .managedNodeGroup() or .existingNodes().');
  }
  switch (chosen.kind) {
    case GpuNodeProvisioningKind.EXISTING_NODES:
      modelCacheDirectoryFor(lane, props, chosen.kind, undefined);
      return { kind: chosen.kind };
    case GpuNodeProvisioningKind.MANAGED_NODE_GROUP: {
      const ami = String(chosen.nodeGroupOptions?.amiType ?? eks.NodegroupAmiType.AL2023_X86_64_NVIDIA);
      const cacheDirectory = modelCacheDirectoryFor(lane, props, chosen.kind, undefined, ami);
      return { kind: chosen.kind, nodeGroup: chosen.nodeGroupOptions, cacheDirectory };
    }
    default:
      break;
  }
  if (chosen.kind === GpuNodeProvisioningKind.AUTO_MODE && cluster instanceof eks.Cluster) {
    throw invalid(lane, 'nodeProvisioning', 'autoMode', 'needs a cluster that runs EKS Auto Mode, and an eks.Cluster (aws-eks) cannot enable it (its cluster resource has no compute configuration)',
      'Create the cluster with aws-eks-v2 (compute: { nodePools: [] }) or the console and import it with eks.Cluster.fromClusterAttributes, or use GpuNodeProvisioning.karpenter().');
  }
  const k = chosen.karpenterOptions;
  if (k && (k.amiFamily === KarpenterAmiFamily.BOTTLEROCKET)) {
    if (k.installDevicePlugin === true || k.devicePluginVersion !== undefined) {
      throw invalid(lane, k.installDevicePlugin === true ? 'nodeProvisioning.installDevicePlugin' : 'nodeProvisioning.devicePluginVersion', k.installDevicePlugin === true ? true : k.devicePluginVersion,
        'is not used: Bottlerocket NVIDIA AMIs ship the NVIDIA device plugin (a second one would fight over the GPUs)', 'Drop installDevicePlugin and devicePluginVersion.');
    }
  }
  if (k && k.installDevicePlugin === false && k.devicePluginVersion !== undefined) {
    throw invalid(lane, 'nodeProvisioning.devicePluginVersion', k.devicePluginVersion, 'is not used: installDevicePlugin is false', 'Drop devicePluginVersion.');
  }
  // Bottlerocket cannot create the model cache directory: rejected before anything is built.
  const cacheDir = modelCacheDirectoryFor(lane, props, chosen.kind, k ? (k.amiFamily ?? KarpenterAmiFamily.AL2023) : undefined);
  const provisioner = gpuNodeProvisioner(lane, cluster, identity, k, chosen.autoModeOptions);
  if (cacheDir) { provisioner.addModelCacheDirectory(lane, cacheDir); }
  const gpuCount = props.gpuCount ?? 1;
  checkPodsFitNodePool(lane, 'nodeProvisioning', provisioner.pool, { gpuCount, instanceTypes: props.instanceTypes, tolerations: props.tolerations });
  // At peak: maxCapacity pods plus the rolling update's surge pod, each with gpuCount GPUs.
  const max = policy.maxCapacity;
  if (isConcreteNumber(max) && Number.isInteger(gpuCount)) {
    const demand = (max + 1) * gpuCount;
    if (provisioner.pool.maxGpus !== undefined && isConcreteNumber(provisioner.pool.maxGpus) && provisioner.pool.maxGpus < max * gpuCount) {
      throw invalid(lane, 'nodeProvisioning.maxGpus', provisioner.pool.maxGpus, `is below what the policy's maxCapacity (${max}) pods of ${gpuCount} GPU(s) need (${max * gpuCount}): the pods beyond it would stay Pending at peak`,
        `Raise maxGpus to at least ${demand} (one more pod for the rolling update's surge), or omit it (the default is the sum of the services' demand).`);
    }
    provisioner.addGpuDemand(demand);
  } else if (provisioner.pool.maxGpus === undefined) {
    throw invalid(lane, 'nodeProvisioning.maxGpus', undefined, `is needed: the policy's maxCapacity (or gpuCount) is only known at deploy time, so the NodePool's GPU limit cannot be derived from it`,
      'Pass maxGpus (the most GPUs the NodePool may run at once).');
  }
  let devicePlugin: eks.HelmChart | undefined;
  if (k && provisioner.amiFamily === KarpenterAmiFamily.AL2023 && k.installDevicePlugin !== false) {
    devicePlugin = installDevicePlugin(lane, cluster, 'nodeProvisioning.devicePluginVersion', k.devicePluginVersion);
  }
  return { kind: chosen.kind, provisioner, devicePlugin };
}

function resolveProvisioning(lane: IConstruct, props: GpuClusterServiceProps): GpuNodeProvisioning {
  if (props.gpuNodeGroup && props.nodeProvisioning) {
    throw invalid(lane, 'gpuNodeGroup', props.gpuNodeGroup.instanceTypes ?? ['g5.xlarge'], `is given together with nodeProvisioning (${props.nodeProvisioning.kind}): the pods would get two node sources`,
      'Pass only nodeProvisioning (GpuNodeProvisioning.managedNodeGroup({...}) for a node group).');
  }
  if (props.gpuNodeGroup) { return GpuNodeProvisioning.managedNodeGroup(props.gpuNodeGroup); }
  if (props.nodeProvisioning !== undefined) {
    if (!(props.nodeProvisioning instanceof GpuNodeProvisioning)) {
      throw invalid(lane, 'nodeProvisioning', props.nodeProvisioning, 'is not a GpuNodeProvisioning', 'Use GpuNodeProvisioning.karpenter(), .autoMode(), .managedNodeGroup() or .existingNodes().');
    }
    return props.nodeProvisioning;
  }
  return props.cluster instanceof eks.Cluster ? GpuNodeProvisioning.karpenter() : GpuNodeProvisioning.existingNodes();
}
