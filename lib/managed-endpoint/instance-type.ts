import { HardwareTarget } from '../core';

/**
 * What the lane knows about a SageMaker hosting instance type (`ml.<family>.<size>`).
 * Internal: users pass instance types as strings.
 * @internal
 */
export interface InstanceTypeInfo {
  /** The full type, e.g. `ml.g5.xlarge`. */
  readonly name: string;
  /** Family, e.g. `g5`, `c6i`, `inf1`. */
  readonly family: string;
  /** Size, e.g. `xlarge`, `2xlarge`. */
  readonly size: string;
  /** Hardware the instance runs on. */
  readonly hardware: HardwareTarget;
  /** Burstable (T-class): Application Auto Scaling does not scale these. */
  readonly burstable: boolean;
  /** Nitro instance with local NVMe storage: SageMaker rejects a volume KMS key and a volume size. */
  readonly localStorage: boolean;
  /** First-generation Inferentia: SageMaker falls back to all-at-once deploys and rejects shadow variants. */
  readonly inf1: boolean;
  /** vCPUs, derived from the size (`large` = 2, `xlarge` = 4, `Nxlarge` = 4N); undefined if unknown. */
  readonly vcpus?: number;
  /** NVIDIA GPUs per instance from a table of common types; 0 for non-GPU; undefined if unknown. */
  readonly gpus?: number;
}

const INSTANCE_RE = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

/** Families whose instances carry local NVMe storage without a `d` in the family name. */
const LOCAL_STORAGE_FAMILIES = new Set(['g5', 'g6', 'g6e', 'gr6', 'p5', 'p5e', 'p5en', 'p6-b200', 'trn1', 'trn1n', 'trn2']);

/** GPUs per size for common NVIDIA families (sizes not listed have one GPU unless noted). */
const GPU_TABLE: { [family: string]: { [size: string]: number } } = {
  'g4dn': { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4 },
  'g5': { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  'g6': { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  'g6e': { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 },
  'p2': { 'xlarge': 1, '8xlarge': 8, '16xlarge': 16 },
  'p3': { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 },
  'p3dn': { '24xlarge': 8 },
  'p4d': { '24xlarge': 8 },
  'p4de': { '24xlarge': 8 },
  'p5': { '48xlarge': 8 },
  'p5e': { '48xlarge': 8 },
};

/**
 * Parse a SageMaker instance type; undefined if it does not look like `ml.<family>.<size>`.
 * @internal
 */
export function parseInstanceType(name: string): InstanceTypeInfo | undefined {
  const m = INSTANCE_RE.exec(name);
  if (!m) { return undefined; }
  const [, family, size] = m;
  const letters = family.replace(/^[a-z]+\d+/, '');
  const localStorage = letters.includes('d') || LOCAL_STORAGE_FAMILIES.has(family);
  let hardware = HardwareTarget.CPU_X86_64;
  if (/^(inf|trn)\d/.test(family)) {
    hardware = HardwareTarget.INFERENTIA;
  } else if (/^(g|p)\d/.test(family) && !/^g\d+g/.test(family)) {
    hardware = HardwareTarget.NVIDIA_GPU;
  } else if (/^[a-z]+\d+g/.test(family) || /^g\d+g/.test(family)) {
    // Graviton families: c6g, c7g, m6g, m7g, r6g, r7g, r8g, ... (g5g has Graviton CPUs and NVIDIA T4G GPUs)
    hardware = family.startsWith('g') ? HardwareTarget.NVIDIA_GPU : HardwareTarget.CPU_ARM64;
  }
  return {
    name,
    family,
    size,
    hardware,
    burstable: /^t\d/.test(family),
    localStorage,
    inf1: family === 'inf1',
    vcpus: vcpusOf(size),
    gpus: hardware === HardwareTarget.NVIDIA_GPU ? GPU_TABLE[family]?.[size] : 0,
  };
}

function vcpusOf(size: string): number | undefined {
  if (size === 'medium' || size === 'large') { return 2; }
  if (size === 'xlarge') { return 4; }
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : undefined;
}
