import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkInteger, checkRange, invalid } from '../../core/private/errors';
import { GpuServingOptions, GpuToleration } from '../gpu-serving-options';
import { ServedModel } from '../served-model';
import { ServingRuntimeKind } from '../serving-runtime';
import { ResolvedRuntime } from './runtime';
import { checkNvidiaInstanceType, checkPodFits, DEFAULT_CPU, DEFAULT_MEMORY } from './gpu-instances';
import { secondsOf } from './util';

/** The startup probe's period; its failure threshold is startupTimeout ÷ period. @internal */
export const STARTUP_PERIOD_SECONDS = 10;

const DEFAULT_TOLERATIONS: GpuToleration[] = [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }];

/** The pod's settings after defaults, checked. @internal */
export interface PodSettings {
  readonly gpuCount: number;
  readonly cpu: number;
  readonly memory: Size;
  readonly shm: Size;
  readonly modelVolumeSize: Size;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly metricsPort: number;
  readonly grace: Duration;
  readonly preStop: Duration;
  readonly startupTimeout: Duration;
  readonly tolerations: GpuToleration[];
  readonly maxUnavailable: number;
  readonly runAsUser: number;
}

/**
 * Resolve and check what one model-server pod needs: GPUs, CPU and memory (and that they fit the
 * instance types), volumes, ports, grace and probes, tolerations, the Triton tensors of TorchScript
 * models. @internal
 */
export function resolvePodSettings(scope: IConstruct, props: GpuServingOptions, models: Array<[string, ServedModel | undefined]>, runtime: ResolvedRuntime): PodSettings {
  const gpuCount = props.gpuCount ?? 1;
  checkInteger(scope, 'gpuCount', gpuCount, 1, 16);
  const cpu = props.cpu ?? DEFAULT_CPU;
  checkRange(scope, 'cpu', cpu, 0.1, 192, 'Pass the CPU cores the server needs beside the GPU, e.g. 3.');
  const memory = props.memory ?? DEFAULT_MEMORY;
  const shm = props.sharedMemorySize ?? Size.gibibytes(1);
  if (!Token.isUnresolved(memory.toMebibytes()) && memory.toMebibytes() < 512) {
    throw invalid(scope, 'memory', memory.toHumanString(), 'is below 512 MiB', 'Pass e.g. Size.gibibytes(12).');
  }
  if (shm.toMebibytes() >= memory.toMebibytes()) {
    throw invalid(scope, 'sharedMemorySize', shm.toHumanString(), `must be smaller than 'memory' (${memory.toHumanString()}): /dev/shm counts against the memory limit`, 'Lower sharedMemorySize or raise memory.');
  }
  const modelVolumeSize = props.modelVolumeSize ?? Size.gibibytes(20);
  if (modelVolumeSize.toMebibytes() < 64) {
    throw invalid(scope, 'modelVolumeSize', modelVolumeSize.toHumanString(), 'is below 64 MiB', 'Pass room for the archive and the unpacked weights, e.g. Size.gibibytes(20).');
  }
  const httpPort = props.httpPort ?? 8000;
  const grpcPort = props.grpcPort ?? 8001;
  const metricsPort = props.metricsPort ?? 8002;
  for (const [prop, port] of [['httpPort', httpPort], ['grpcPort', grpcPort], ['metricsPort', metricsPort]] as const) {
    checkInteger(scope, prop, port, 1024, 65535, 'Pass an unprivileged port (1024-65535): the server runs as non-root.');
  }
  if (new Set([httpPort, grpcPort, metricsPort]).size !== 3) {
    throw invalid(scope, 'metricsPort', [httpPort, grpcPort, metricsPort], 'repeats a port (http, grpc and metrics need their own)', 'Give each port its own number.');
  }
  const grace = props.terminationGracePeriod ?? Duration.seconds(60);
  const preStop = props.preStopDelay ?? Duration.seconds(10);
  if (secondsOf(preStop) >= secondsOf(grace)) {
    throw invalid(scope, 'preStopDelay', preStop, `must be shorter than 'terminationGracePeriod' (${grace.toHumanString()})`, 'Lower preStopDelay or raise terminationGracePeriod.');
  }
  const startupTimeout = props.startupTimeout ?? Duration.minutes(runtime.kind === ServingRuntimeKind.VLLM ? 20 : 10);
  if (secondsOf(startupTimeout) < 10) {
    throw invalid(scope, 'startupTimeout', startupTimeout, 'is below 10 seconds', 'Give the server time to load the model, e.g. Duration.minutes(10).');
  }
  if (!startupTimeout.isUnresolved() && secondsOf(startupTimeout) % STARTUP_PERIOD_SECONDS !== 0) {
    const up = Math.ceil(secondsOf(startupTimeout) / STARTUP_PERIOD_SECONDS) * STARTUP_PERIOD_SECONDS;
    throw invalid(scope, 'startupTimeout', startupTimeout, `is not a multiple of the startup probe's ${STARTUP_PERIOD_SECONDS} s period (it would be rounded up to ${up} s)`,
      `Pass Duration.seconds(${up}) or Duration.seconds(${up - STARTUP_PERIOD_SECONDS}).`);
  }
  const tolerations = props.tolerations ?? DEFAULT_TOLERATIONS;
  const maxUnavailable = props.maxUnavailable ?? 1;
  checkInteger(scope, 'maxUnavailable', maxUnavailable, 1);
  const runAsUser = props.runAsUser ?? 1000;
  checkInteger(scope, 'runAsUser', runAsUser, 1, 2147483647, 'Pass a non-root user id such as 1000.');
  for (const [i, t] of (props.instanceTypes ?? []).entries()) {
    // Pods pinned to a type without (enough) NVIDIA GPUs would stay Pending forever.
    checkNvidiaInstanceType(scope, `instanceTypes[${i}]`, t, gpuCount);
    checkPodFits(scope, `instanceTypes[${i}]`, t, cpu, memory.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) / 1024);
  }
  const triton = runtime.triton;
  for (const [prop, m] of models) {
    if (m && triton && triton.needsTensorDeclarations(m.framework ?? 'unknown') && (triton.inputs.length === 0 || triton.outputs.length === 0)) {
      throw invalid(scope, 'triton.inputs', triton.inputs.map(t => t.name),
        `must declare the input and output tensors of ${prop} '${m.name}' (framework ${m.framework}): Triton cannot auto-complete a TorchScript (pytorch_libtorch) config, the model would fail to load`,
        "Pass inputs and outputs, e.g. inputs: [{ name: 'INPUT__0', dataType: 'TYPE_FP32', dims: [-1] }], outputs: [{ name: 'OUTPUT__0', dataType: 'TYPE_FP32', dims: [-1] }].");
    }
  }
  return { gpuCount, cpu, memory, shm, modelVolumeSize, httpPort, grpcPort, metricsPort, grace, preStop, startupTimeout, tolerations, maxUnavailable, runAsUser };
}
