/**
 * What one instance offers to inference-component copies: accelerators (NVIDIA GPUs, or Inferentia /
 * Trainium devices), vCPUs and memory, from the EC2 specifications of the same hardware (an `ml.` type
 * runs on the EC2 type of the same name). Only these types are accepted by `EndpointMode.inferenceComponents`:
 * the compute reservation is checked against them. Internal.
 */
export interface ComponentInstance {
  readonly accelerators: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
}

const GiB = 1024;

/** [size, vCPUs, memory GiB, accelerators] per family. */
const TABLE: { [family: string]: [string, number, number, number][] } = {
  'g4dn': [['xlarge', 4, 16, 1], ['2xlarge', 8, 32, 1], ['4xlarge', 16, 64, 1], ['8xlarge', 32, 128, 1], ['12xlarge', 48, 192, 4], ['16xlarge', 64, 256, 1]],
  'g5': [['xlarge', 4, 16, 1], ['2xlarge', 8, 32, 1], ['4xlarge', 16, 64, 1], ['8xlarge', 32, 128, 1], ['12xlarge', 48, 192, 4], ['16xlarge', 64, 256, 1],
    ['24xlarge', 96, 384, 4], ['48xlarge', 192, 768, 8]],
  'g6': [['xlarge', 4, 16, 1], ['2xlarge', 8, 32, 1], ['4xlarge', 16, 64, 1], ['8xlarge', 32, 128, 1], ['12xlarge', 48, 192, 4], ['16xlarge', 64, 256, 1],
    ['24xlarge', 96, 384, 4], ['48xlarge', 192, 768, 8]],
  'g6e': [['xlarge', 4, 32, 1], ['2xlarge', 8, 64, 1], ['4xlarge', 16, 128, 1], ['8xlarge', 32, 256, 1], ['12xlarge', 48, 384, 4], ['16xlarge', 64, 512, 1],
    ['24xlarge', 96, 768, 4], ['48xlarge', 192, 1536, 8]],
  'p4d': [['24xlarge', 96, 1152, 8]],
  'p4de': [['24xlarge', 96, 1152, 8]],
  'p5': [['48xlarge', 192, 2048, 8]],
  'inf2': [['xlarge', 4, 16, 1], ['8xlarge', 32, 128, 1], ['24xlarge', 96, 384, 6], ['48xlarge', 192, 768, 12]],
  'trn1': [['2xlarge', 8, 32, 1], ['32xlarge', 128, 512, 16]],
  'm5': [['large', 2, 8, 0], ['xlarge', 4, 16, 0], ['2xlarge', 8, 32, 0], ['4xlarge', 16, 64, 0], ['12xlarge', 48, 192, 0], ['24xlarge', 96, 384, 0]],
  'c5': [['large', 2, 4, 0], ['xlarge', 4, 8, 0], ['2xlarge', 8, 16, 0], ['4xlarge', 16, 32, 0], ['9xlarge', 36, 72, 0], ['18xlarge', 72, 144, 0]],
  'm6i': [['large', 2, 8, 0], ['xlarge', 4, 16, 0], ['2xlarge', 8, 32, 0], ['4xlarge', 16, 64, 0], ['8xlarge', 32, 128, 0], ['12xlarge', 48, 192, 0],
    ['16xlarge', 64, 256, 0], ['24xlarge', 96, 384, 0], ['32xlarge', 128, 512, 0]],
  'c6i': [['large', 2, 4, 0], ['xlarge', 4, 8, 0], ['2xlarge', 8, 16, 0], ['4xlarge', 16, 32, 0], ['8xlarge', 32, 64, 0], ['12xlarge', 48, 96, 0],
    ['16xlarge', 64, 128, 0], ['24xlarge', 96, 192, 0], ['32xlarge', 128, 256, 0]],
};

/** Every supported type, e.g. `ml.g5.12xlarge`. */
export const COMPONENT_INSTANCES: ReadonlyMap<string, ComponentInstance> = new Map(
  Object.entries(TABLE).flatMap(([family, sizes]) => sizes.map(([size, vcpus, gib, accelerators]) =>
    [`ml.${family}.${size}`, { accelerators, vcpus, memoryMiB: gib * GiB }] as [string, ComponentInstance])),
);

/** The families, for messages: `ml.g5.*, ml.g6.*, ...`. */
export const COMPONENT_FAMILIES = Object.keys(TABLE).map(f => `ml.${f}.*`).join(', ');
