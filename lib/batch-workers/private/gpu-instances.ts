/**
 * NVIDIA GPU instance types the ECS GPU-optimized Amazon Linux 2023 AMI runs on: GPUs and memory per
 * instance. Used to reject task sizes that never place and to size the capacity provider's
 * Auto Scaling group. Internal to the batch-workers lane.
 */

/** GPUs and memory (MiB) of one instance. @internal */
export interface GpuInstanceShape {
  readonly gpus: number;
  readonly memoryMiB: number;
}

const GIB = 1024;

/** [size, gpus, GiB] rows of a family. */
type Rows = Array<[string, number, number]>;

const G5_LIKE: Rows = [
  ['xlarge', 1, 16], ['2xlarge', 1, 32], ['4xlarge', 1, 64], ['8xlarge', 1, 128],
  ['12xlarge', 4, 192], ['16xlarge', 1, 256], ['24xlarge', 4, 384], ['48xlarge', 8, 768],
];

const FAMILIES: { [family: string]: Rows } = {
  g4dn: [['xlarge', 1, 16], ['2xlarge', 1, 32], ['4xlarge', 1, 64], ['8xlarge', 1, 128], ['12xlarge', 4, 192], ['16xlarge', 1, 256], ['metal', 8, 384]],
  g5: G5_LIKE,
  g6: G5_LIKE,
  g6e: [['xlarge', 1, 32], ['2xlarge', 1, 64], ['4xlarge', 1, 128], ['8xlarge', 1, 256], ['12xlarge', 4, 384], ['16xlarge', 1, 512], ['24xlarge', 4, 768], ['48xlarge', 8, 1536]],
  p3: [['2xlarge', 1, 61], ['8xlarge', 4, 244], ['16xlarge', 8, 488]],
  p3dn: [['24xlarge', 8, 768]],
  p4d: [['24xlarge', 8, 1152]],
  p4de: [['24xlarge', 8, 1152]],
  p5: [['48xlarge', 8, 2048]],
  p5e: [['48xlarge', 8, 2048]],
  p5en: [['48xlarge', 8, 2048]],
};

/** Families the lane refuses: not NVIDIA, not x86_64, or no longer supported by the AL2023 GPU AMI's driver. @internal */
export const UNSUPPORTED_GPU_FAMILIES: { [family: string]: string } = {
  g4ad: 'has AMD Radeon GPUs, not NVIDIA',
  g5g: 'is arm64 (Graviton), and the ECS GPU AMI is x86_64',
  p2: 'has NVIDIA K80 GPUs, which the Amazon Linux 2023 ECS GPU AMI\'s driver no longer supports',
  g3: 'has NVIDIA M60 GPUs, which the Amazon Linux 2023 ECS GPU AMI does not list',
  g3s: 'has NVIDIA M60 GPUs, which the Amazon Linux 2023 ECS GPU AMI does not list',
};

/** The shape of a known instance type, or undefined. @internal */
export function gpuInstanceShape(instanceType: string): GpuInstanceShape | undefined {
  const [family, size] = instanceType.split('.');
  const row = (FAMILIES[family] ?? []).find(r => r[0] === size);
  return row ? { gpus: row[1], memoryMiB: row[2] * GIB } : undefined;
}

/** The family of an instance type (`g5` of `g5.xlarge`). @internal */
export function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[0];
}

/** Known families, for messages. @internal */
export const KNOWN_GPU_FAMILIES = Object.keys(FAMILIES);
