import { Fn, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { checkInteger, invalid, isConcreteNumber } from '../../core/private/errors';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { GpuClusterServiceProps } from '../gpu-cluster-service';
import { GpuNodeGroupOptions } from '../gpu-node-group-options';
import { checkNvidiaInstanceType, checkPodFits, CpuArch, gpusOf } from './gpu-instances';
import { modelCacheUserData, NodeCacheDirectory } from './model-cache-node';
import { concrete } from './util';

/**
 * The GPU node group a GpuClusterService may create for its pods, and the checks that the pods can
 * land on it (taint, instance types, enough nodes for the policy's maxCapacity).
 * @internal
 */

/** The pods must be able to land on the node group created for them (taint and instance types). */
export function checkPodsFitNodegroup(lane: Construct, props: GpuClusterServiceProps): void {
  const groupTypes = props.gpuNodeGroup!.instanceTypes ?? ['g5.xlarge'];
  const podTypes = props.instanceTypes;
  if (podTypes && podTypes.every(concrete) && groupTypes.every(concrete) && !podTypes.some(t => groupTypes.includes(t))) {
    throw invalid(lane, 'instanceTypes', podTypes, `has no type in common with gpuNodeGroup.instanceTypes (${groupTypes.join(', ')}): the pods could never run on the node group created for them`,
      'List at least one of the node group\'s instance types in instanceTypes, or drop instanceTypes.');
  }
  // At peak the policy's maxCapacity pods need nodes: more than maxSize nodes can hold never run.
  const gpuCount = props.gpuCount ?? 1;
  const perNode = Math.max(...groupTypes.map(t => concrete(t) ? Math.floor((gpusOf(t) ?? Number.MAX_SAFE_INTEGER) / gpuCount) : Number.MAX_SAFE_INTEGER));
  const maxPods = (props.autoscaling ?? AutoscalingPolicy.fixed(1)).maxCapacity;
  const maxSize = props.gpuNodeGroup!.maxSize;
  if (isConcreteNumber(maxPods) && isConcreteNumber(maxSize) && perNode < Number.MAX_SAFE_INTEGER && maxSize * perNode < maxPods) {
    throw invalid(lane, 'gpuNodeGroup.maxSize', maxSize, `holds at most ${maxSize * perNode} pods of ${gpuCount} GPU(s) (${perNode} per node), below the policy's maxCapacity (${maxPods}): the pods beyond it would stay Pending at peak`,
      `Raise gpuNodeGroup.maxSize to ${Math.ceil(maxPods / perNode)}, or lower autoscaling.maxCapacity to ${maxSize * perNode}.`);
  }
  const tolerations = props.tolerations;
  const tolerates = (t: { key: string; value?: string; effect?: string }) => t.key === 'nvidia.com/gpu' && (t.value === undefined || t.value === 'true') && (t.effect === undefined || t.effect === 'NoSchedule');
  if (tolerations && !tolerations.some(tolerates)) {
    throw invalid(lane, 'tolerations', tolerations, "do not tolerate the node group's taint nvidia.com/gpu=true:NoSchedule: the pods could never run on it",
      "Add { key: 'nvidia.com/gpu', effect: 'NoSchedule' } to tolerations (or omit tolerations for that default).");
  }
}

export function addNodegroup(lane: Construct, cluster: eks.Cluster, o: GpuNodeGroupOptions, gpuCount: number, cpu: number, memoryGiB: number,
  cacheDirectory?: NodeCacheDirectory): eks.Nodegroup {
  const amiType = o.amiType ?? eks.NodegroupAmiType.AL2023_X86_64_NVIDIA;
  const ami = String(amiType);
  if (!ami.includes('NVIDIA')) {
    throw invalid(lane, 'gpuNodeGroup.amiType', amiType, 'has no NVIDIA driver', 'Use AL2023_X86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_X86_64_NVIDIA or BOTTLEROCKET_ARM_64_NVIDIA.');
  }
  const amiArch = ami.includes('ARM_64') ? CpuArch.ARM_64 : CpuArch.X86_64;
  const types = o.instanceTypes ?? ['g5.xlarge'];
  for (const [i, t] of types.entries()) {
    checkNvidiaInstanceType(lane, `gpuNodeGroup.instanceTypes[${i}]`, t, gpuCount, amiArch, ami);
    checkPodFits(lane, `gpuNodeGroup.instanceTypes[${i}]`, t, cpu, memoryGiB);
  }
  const min = o.minSize ?? 1;
  checkInteger(lane, 'gpuNodeGroup.minSize', min, 0);
  checkInteger(lane, 'gpuNodeGroup.maxSize', o.maxSize, 1);
  if (min > o.maxSize) {
    throw invalid(lane, 'gpuNodeGroup.minSize', min, `must be less than or equal to 'maxSize' (${o.maxSize})`, 'Raise maxSize or lower minSize.');
  }
  const disk = o.diskSize ?? Size.gibibytes(100);
  // With a model cache: a launch template whose user data creates the cache directory (EKS merges its
  // own nodeadm part into the MIME archive); the root volume moves into it (diskSize cannot be given with one).
  let launchTemplateSpec: eks.LaunchTemplateSpec | undefined;
  if (cacheDirectory) {
    const template = new ec2.CfnLaunchTemplate(lane, 'GpuNodesLaunchTemplate', {
      launchTemplateData: {
        userData: Fn.base64(modelCacheUserData([cacheDirectory])!),
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: disk.toGibibytes(), volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
      },
    });
    launchTemplateSpec = { id: template.ref, version: template.attrLatestVersionNumber };
  }
  const nodegroup = new eks.Nodegroup(lane, 'GpuNodes', {
    launchTemplateSpec,
    cluster,
    instanceTypes: types.map(t => new ec2.InstanceType(t)),
    amiType,
    minSize: min,
    maxSize: o.maxSize,
    diskSize: launchTemplateSpec ? undefined : disk.toGibibytes(),
    capacityType: o.capacityType ?? eks.CapacityType.ON_DEMAND,
    subnets: o.subnets,
    labels: { 'inference.cdk/accelerator': 'nvidia-gpu', 'nvidia.com/gpu.present': 'true', ...(o.labels ?? {}) },
    taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }],
  });
  // The node role aws-cdk-lib creates for the group: the three AWS-maintained policies EKS requires of a node role.
  acknowledgeNagFindings(nodegroup.role, [{
    id: 'AwsSolutions-IAM4',
    reason: 'The EKS managed node group role: the kubelet, the VPC CNI and image pulls need these AWS-maintained node policies (EKS user guide, "Amazon EKS node IAM role")',
    appliesTo: NODE_POLICIES.map(name => `Policy::arn:<AWS::Partition>:iam::aws:policy/${name}`),
  }]);
  return nodegroup;
}

/** The policies aws-cdk-lib attaches to a managed node group's role. */
const NODE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'];
