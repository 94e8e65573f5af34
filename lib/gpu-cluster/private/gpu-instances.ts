import { Size } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { concrete } from './util';

/**
 * Default CPU request per pod: fits the 4-vCPU GPU sizes (g4dn/g5/g6.xlarge, the default node group)
 * next to the kubelet's reservation and the DaemonSets. @internal
 */
export const DEFAULT_CPU = 3;
/** Default memory per pod: fits the 16 GiB GPU sizes next to the kubelet's reservation. @internal */
export const DEFAULT_MEMORY = Size.gibibytes(12);

/** CPU architecture of an instance type or AMI. @internal */
export enum CpuArch {
  X86_64 = 'x86_64',
  ARM_64 = 'arm64',
}

/**
 * NVIDIA GPUs per instance, by family and size (EC2 accelerated-computing documentation). A type not
 * listed is unknown: checks that need its GPU count are skipped.
 */
const GPUS: { [family: string]: { [size: string]: number } } = {
  g4dn: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, 'metal': 8 },
  g5: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  g6: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  g6e: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  gr6: { '4xlarge': 1, '8xlarge': 1 },
  g5g: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 2, 'metal': 2 },
  p3: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 },
  p3dn: { '24xlarge': 8 },
  p4d: { '24xlarge': 8 },
  p4de: { '24xlarge': 8 },
  p5: { '4xlarge': 1, '48xlarge': 8 },
  p5e: { '48xlarge': 8 },
  p5en: { '48xlarge': 8 },
};

/** vCPUs and GiB of memory per instance (EC2 accelerated-computing documentation). */
const SHAPES: { [family: string]: { [size: string]: [number, number] } } = {
  g4dn: { 'xlarge': [4, 16], '2xlarge': [8, 32], '4xlarge': [16, 64], '8xlarge': [32, 128], '16xlarge': [64, 256], '12xlarge': [48, 192], 'metal': [96, 384] },
  g5: { 'xlarge': [4, 16], '2xlarge': [8, 32], '4xlarge': [16, 64], '8xlarge': [32, 128], '16xlarge': [64, 256], '12xlarge': [48, 192], '24xlarge': [96, 384], '48xlarge': [192, 768] },
  g6: { 'xlarge': [4, 16], '2xlarge': [8, 32], '4xlarge': [16, 64], '8xlarge': [32, 128], '16xlarge': [64, 256], '12xlarge': [48, 192], '24xlarge': [96, 384], '48xlarge': [192, 768] },
  g6e: { 'xlarge': [4, 32], '2xlarge': [8, 64], '4xlarge': [16, 128], '8xlarge': [32, 256], '16xlarge': [64, 512], '12xlarge': [48, 384], '24xlarge': [96, 768], '48xlarge': [192, 1536] },
  gr6: { '4xlarge': [16, 128], '8xlarge': [32, 256] },
  g5g: { 'xlarge': [4, 8], '2xlarge': [8, 16], '4xlarge': [16, 32], '8xlarge': [32, 64], '16xlarge': [64, 128], 'metal': [64, 128] },
  p3: { '2xlarge': [8, 61], '8xlarge': [32, 244], '16xlarge': [64, 488] },
  p3dn: { '24xlarge': [96, 768] },
  p4d: { '24xlarge': [96, 1152] },
  p4de: { '24xlarge': [96, 1152] },
  p5: { '4xlarge': [16, 256], '48xlarge': [192, 2048] },
  p5e: { '48xlarge': [192, 2048] },
  p5en: { '48xlarge': [192, 2048] },
};

/**
 * Check that one pod's CPU and memory requests can fit an instance type at all. The kubelet
 * reserves CPU and memory (allocatable < capacity) and DaemonSets take their share, so a request equal
 * to the instance's vCPUs or memory never schedules. Unknown types are skipped.
 * @internal
 */
export function checkPodFits(scope: IConstruct, prop: string, instanceType: string, cpu: number, memoryGiB: number): void {
  if (!concrete(instanceType)) { return; }
  const [family, size] = instanceType.split('.');
  const shape = SHAPES[family]?.[size];
  if (!shape) { return; }
  const [vcpus, gib] = shape;
  if (Number.isFinite(cpu) && cpu >= vcpus) {
    throw invalid(scope, prop, instanceType, `has ${vcpus} vCPUs, and each pod requests ${cpu} CPU (cpu): the kubelet and DaemonSets reserve part of every node, so the pods would never fit on it`,
      `Request less CPU (e.g. cpu: ${Math.max(1, vcpus - 1)}) or pick a larger size.`);
  }
  if (Number.isFinite(memoryGiB) && memoryGiB >= gib) {
    throw invalid(scope, prop, instanceType, `has ${gib} GiB of memory, and each pod requests ${memoryGiB} GiB (memory): the kubelet and DaemonSets reserve part of every node, so the pods would never fit on it`,
      `Request less memory (e.g. memory: Size.gibibytes(${Math.floor(gib * 0.75)})) or pick a larger size.`);
  }
}

/** GPU families with Arm (Graviton or Grace) CPUs. */
const ARM_FAMILIES = ['g5g', 'p6e-gb200'];
/** GPU families whose GPUs are not NVIDIA (no `nvidia.com/gpu`). */
const NON_NVIDIA_FAMILIES: { [family: string]: string } = { g4ad: 'AMD Radeon Pro V520' };

/** NVIDIA GPUs of an instance type, or undefined when unknown. @internal */
export function gpusOf(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  return GPUS[family]?.[size];
}

/** CPU architecture of a GPU instance type. @internal */
export function archOf(instanceType: string): CpuArch {
  return ARM_FAMILIES.includes(instanceType.split('.')[0]) ? CpuArch.ARM_64 : CpuArch.X86_64;
}

/**
 * Check that a GPU instance type can run `nvidia.com/gpu` pods: an NVIDIA family (g and p), the CPU
 * architecture of the AMI (when known), and at least `gpuCount` GPUs (when the type is known).
 * @internal
 */
export function checkNvidiaInstanceType(scope: IConstruct, prop: string, instanceType: string, gpuCount: number, amiArch?: CpuArch, amiName?: string): void {
  if (!concrete(instanceType)) { return; }
  if (!/^(g|p)[0-9][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
    throw invalid(scope, prop, instanceType, 'is not an NVIDIA GPU instance type (g* or p* families)', "Pass e.g. 'g5.xlarge', 'g6.2xlarge' or 'p4d.24xlarge'.");
  }
  const family = instanceType.split('.')[0];
  if (NON_NVIDIA_FAMILIES[family]) {
    throw invalid(scope, prop, instanceType, `has ${NON_NVIDIA_FAMILIES[family]} GPUs, not NVIDIA: no node advertises nvidia.com/gpu, the pods would never schedule`,
      "Pass an NVIDIA family such as 'g4dn', 'g5', 'g6' or 'g6e'.");
  }
  const arch = archOf(instanceType);
  if (amiArch !== undefined && arch !== amiArch) {
    throw invalid(scope, prop, instanceType, `is an ${arch} instance type but the AMI type ${amiName ?? amiArch} is ${amiArch}: the node group cannot launch it`,
      arch === CpuArch.ARM_64
        ? 'Use amiType AL2023_ARM_64_NVIDIA or BOTTLEROCKET_ARM_64_NVIDIA for Arm GPU instances, or an x86_64 family such as g5.'
        : 'Use an x86_64 NVIDIA AMI (AL2023_X86_64_NVIDIA or BOTTLEROCKET_X86_64_NVIDIA), or an Arm GPU family such as g5g.');
  }
  const gpus = gpusOf(instanceType);
  if (gpus !== undefined && Number.isInteger(gpuCount) && gpuCount > gpus) {
    throw invalid(scope, prop, instanceType, `has ${gpus} GPU(s) but each pod requests ${gpuCount} (gpuCount): the pods would never fit on it`,
      `Lower gpuCount to ${gpus} or pick a larger size (e.g. one with ${gpuCount} GPUs such as ${largerType(family, gpuCount) ?? 'g5.12xlarge'}).`);
  }
}

function largerType(family: string, gpus: number): string | undefined {
  const sizes = GPUS[family] ?? {};
  const size = Object.keys(sizes).find(k => sizes[k] >= gpus);
  return size ? `${family}.${size}` : undefined;
}
