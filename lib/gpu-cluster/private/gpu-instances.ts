import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { concrete } from './util';

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
