/**
 * The hardware a model build runs on. Lanes ask a {@link ModelArtifact} for the variant that matches
 * the hardware they deploy to.
 */
export enum HardwareTarget {
  /** General-purpose x86_64 CPUs (SageMaker ml.m5 and ml.c5, Fargate X86_64, Lambda x86_64). */
  CPU_X86_64 = 'cpu-x86_64',
  /** Graviton / arm64 CPUs (Lambda arm64, Fargate ARM64, ml.*g instances). */
  CPU_ARM64 = 'cpu-arm64',
  /** NVIDIA GPUs (ml.g*, ml.p*, EC2 g/p families, Kubernetes `nvidia.com/gpu`). */
  NVIDIA_GPU = 'nvidia-gpu',
  /** AWS Inferentia (ml.inf*). */
  INFERENTIA = 'inferentia',
  /** Edge devices on arm64 (gateways, boards running Greengrass). */
  EDGE_ARM64 = 'edge-arm64',
  /** Edge devices on x86_64. */
  EDGE_X86_64 = 'edge-x86_64',
}

/**
 * Numeric precision of a model build.
 */
export enum ModelPrecision {
  /** 32-bit float. */
  FP32 = 'fp32',
  /** 16-bit float. */
  FP16 = 'fp16',
  /** bfloat16. */
  BF16 = 'bf16',
  /** 8-bit integer quantized. */
  INT8 = 'int8',
  /** 4-bit integer quantized. */
  INT4 = 'int4',
}

/**
 * The kind of lane (deployment archetype).
 */
export enum LaneKind {
  /** SageMaker endpoints. */
  MANAGED_ENDPOINT = 'managed-endpoint',
  /** Kubernetes GPU serving. */
  GPU_CLUSTER = 'gpu-cluster',
  /** Lambda with a provisioned-concurrency warm pool. */
  SERVERLESS = 'serverless',
  /** SQS drained by ECS workers. */
  BATCH_WORKERS = 'batch-workers',
  /** Greengrass v2 device fleets. */
  EDGE_FLEET = 'edge-fleet',
}
