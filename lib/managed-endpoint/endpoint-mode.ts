import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { checkInteger, describeValue, invalid } from '../core/private/errors';
import { ComputeReservation } from './inference-component';
import { checkSeconds, prefixesOverlap } from './private/checks';

/**
 * How a {@link ManagedEndpoint} serves requests.
 */
export enum EndpointModeKind {
  /** Real-time: synchronous `InvokeEndpoint` on a fleet of instances. */
  REAL_TIME = 'real-time',
  /** Serverless: synchronous `InvokeEndpoint`, SageMaker-managed compute, optional provisioned concurrency. */
  SERVERLESS = 'serverless',
  /** Asynchronous: `InvokeEndpointAsync` with S3 input/output, a queue and scale to zero. */
  ASYNC = 'async',
  /**
   * Real-time inference components: models (or versions) share a managed fleet, each with its compute
   * reservation and copy count; copies and instances scale to zero and back.
   */
  INFERENCE_COMPONENTS = 'inference-components',
}

/**
 * Options shared by the instance-based modes (real-time and async).
 */
export interface InstanceModeOptions {
  /**
   * SageMaker hosting instance type, e.g. `ml.g5.xlarge` or `ml.c6i.2xlarge`. It picks the artifact's
   * build: GPU families (`ml.g*`, `ml.p*`) bind the NVIDIA_GPU variant, Graviton families (`ml.c7g.*`)
   * CPU_ARM64, `ml.inf*`/`ml.trn*` INFERENTIA, everything else CPU_X86_64.
   */
  readonly instanceType: string;

  /**
   * Size of the EBS volume attached to each instance. Instance types with local NVMe storage
   * (`ml.g5`, `ml.g4dn`, `ml.*d`, ...) use that storage instead and reject this.
   *
   * @default - SageMaker's default for the instance type
   */
  readonly volumeSize?: Size;

  /**
   * How long the container may take to pass its first `/ping` health check (60 s - 1 hour).
   *
   * @default - SageMaker's default
   */
  readonly containerStartupHealthCheckTimeout?: Duration;

  /**
   * How long downloading and unpacking the model may take (60 s - 1 hour). Raise it for large models.
   *
   * @default - SageMaker's default
   */
  readonly modelDataDownloadTimeout?: Duration;

  /**
   * vCPUs per instance, used to turn a CPU utilization target into SageMaker's per-instance
   * `CPUUtilization`, which sums all cores (0-100 × vCPUs).
   *
   * @default - derived from the size: `large` 2, `xlarge` 4, `Nxlarge` 4N
   */
  readonly vcpuCount?: number;

  /**
   * NVIDIA GPUs per instance, used to turn a GPU utilization target into SageMaker's
   * `GPUUtilization`, which sums all GPUs (0-100 × GPUs).
   *
   * @default - from a table of common GPU instance types; other types need it for a GPU utilization trigger
   */
  readonly gpuCount?: number;
}

/**
 * Props of {@link EndpointMode.realTime}.
 */
export interface RealTimeModeProps extends InstanceModeOptions {}

/**
 * Props of {@link EndpointMode.serverless}.
 */
export interface ServerlessModeProps {
  /**
   * Memory of each serverless worker: 1024, 2048, 3072, 4096, 5120 or 6144 MiB.
   */
  readonly memorySize: Size;

  /**
   * Most requests served at once (1-200). Requests beyond are throttled.
   */
  readonly maxConcurrency: number;

  /**
   * Workers kept initialized (no cold start), 1 up to `maxConcurrency`. With an autoscaling policy
   * this is the starting value the policy then scales between its bounds.
   *
   * @default - the autoscaling policy's minCapacity when a policy is given, else none (every worker starts cold)
   */
  readonly provisionedConcurrency?: number;
}

/**
 * Props of {@link EndpointMode.inferenceComponents}.
 */
export interface InferenceComponentModeProps extends InstanceModeOptions {
  /** What one copy of the endpoint's artifact reserves on an instance (its inference component). */
  readonly computeReservation: ComputeReservation;

  /**
   * Copies the artifact's component starts with (`RuntimeConfig.CopyCount`).
   *
   * @default - the autoscaling policy's minCapacity, at least 1
   */
  readonly copies?: number;

  /**
   * Most instances SageMaker's managed instance scaling may run (`ManagedInstanceScaling.MaxInstanceCount`).
   */
  readonly maxInstanceCount: number;

  /**
   * Fewest instances managed instance scaling keeps (`ManagedInstanceScaling.MinInstanceCount`).
   *
   * @default - 0 with `autoscaling.scaleToZero`, else 1
   */
  readonly minInstanceCount?: number;
}

/**
 * Props of {@link EndpointMode.asynchronous}.
 */
export interface AsyncModeProps extends InstanceModeOptions {
  /**
   * Bucket for request payloads, responses and failures.
   *
   * @default - a bucket the endpoint creates, encrypted with the endpoint's KMS key
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix callers upload request payloads under (`InputLocation`). The execution role may read it.
   *
   * @default 'async-inputs/'
   */
  readonly inputPrefix?: string;

  /**
   * Key prefix SageMaker writes responses under.
   *
   * @default 'async-outputs/'
   */
  readonly outputPrefix?: string;

  /**
   * Key prefix SageMaker writes failed requests under.
   *
   * @default 'async-failures/'
   */
  readonly failurePrefix?: string;

  /**
   * Topic SageMaker notifies when a request succeeds.
   *
   * @default - no success notification
   */
  readonly successTopic?: sns.ITopic;

  /**
   * Topic SageMaker notifies when a request fails.
   *
   * @default - no error notification
   */
  readonly errorTopic?: sns.ITopic;

  /**
   * Include responses of up to 128 KB in the success topic's message.
   *
   * @default false
   */
  readonly includeResponseInSuccessTopic?: boolean;

  /**
   * Requests SageMaker's client sends to each instance's container at once (1-1000).
   *
   * @default - SageMaker picks a value
   */
  readonly maxConcurrentInvocationsPerInstance?: number;

  /**
   * KMS key that encrypts responses and failures in S3.
   *
   * @default - the endpoint's encryption key
   */
  readonly outputEncryptionKey?: kms.IKey;
}

/**
 * The hosting mode of a {@link ManagedEndpoint}: real-time instances, real-time inference components,
 * serverless, or asynchronous (queued) instances. Each mode takes only the props that make sense for it; a lane prop the mode
 * cannot honour (data capture on serverless, a queue trigger on real-time, ...) is a LaneValidationError.
 *
 * @example
 * EndpointMode.realTime({ instanceType: 'ml.g5.xlarge' });
 * EndpointMode.inferenceComponents({ instanceType: 'ml.g5.12xlarge', maxInstanceCount: 2, computeReservation: { acceleratorCount: 1, memorySize: Size.gibibytes(16) } });
 * EndpointMode.serverless({ memorySize: Size.gibibytes(4), maxConcurrency: 20, provisionedConcurrency: 2 });
 * EndpointMode.asynchronous({ instanceType: 'ml.g5.2xlarge', successTopic, errorTopic });
 */
export class EndpointMode {
  /** Real-time inference on a fleet of instances. */
  public static realTime(props: RealTimeModeProps): EndpointMode {
    checkInstanceOptions('EndpointMode.realTime', props);
    return new EndpointMode(EndpointModeKind.REAL_TIME, props, undefined, undefined);
  }

  /** Serverless inference (CPU only), optionally with provisioned concurrency. */
  public static serverless(props: ServerlessModeProps): EndpointMode {
    const where = 'EndpointMode.serverless';
    // Required in TypeScript; plain JavaScript and other jsii languages can still omit them.
    if (props.memorySize === undefined || props.memorySize === null) {
      throw invalid(where, 'memorySize', undefined, 'is required (ServerlessConfig.MemorySizeInMB)', 'Pass memorySize: Size.gibibytes(n) with n from 1 to 6.');
    }
    if (props.maxConcurrency === undefined || props.maxConcurrency === null) {
      throw invalid(where, 'maxConcurrency', undefined, 'is required (ServerlessConfig.MaxConcurrency): requests beyond it are throttled', 'Pass maxConcurrency from 1 to 200, e.g. 20.');
    }
    if (!props.memorySize.isUnresolved()) {
      const mib = props.memorySize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(mib) || mib < 1024 || mib > 6144 || mib % 1024 !== 0) {
        throw invalid(where, 'memorySize', `${mib} MiB`, 'is not a serverless memory size', 'Pass Size.gibibytes(n) with n from 1 to 6.');
      }
    }
    checkInteger(where, 'maxConcurrency', props.maxConcurrency, 1, 200);
    checkInteger(where, 'provisionedConcurrency', props.provisionedConcurrency, 1, 200);
    if (props.provisionedConcurrency !== undefined && !Token.isUnresolved(props.provisionedConcurrency) && !Token.isUnresolved(props.maxConcurrency)
      && props.provisionedConcurrency > props.maxConcurrency) {
      throw invalid(where, 'provisionedConcurrency', props.provisionedConcurrency, `must be less than or equal to 'maxConcurrency' (${props.maxConcurrency})`, 'Raise maxConcurrency or lower provisionedConcurrency.');
    }
    return new EndpointMode(EndpointModeKind.SERVERLESS, undefined, props, undefined);
  }

  /**
   * Asynchronous inference: requests queue, payloads and responses live in S3, SNS notifies, and the
   * fleet can scale to zero. Named `asynchronous` because `async` is reserved in some languages.
   */
  public static asynchronous(props: AsyncModeProps): EndpointMode {
    const where = 'EndpointMode.asynchronous';
    checkInstanceOptions(where, props);
    checkInteger(where, 'maxConcurrentInvocationsPerInstance', props.maxConcurrentInvocationsPerInstance, 1, 1000);
    const prefixes: [string, string | undefined][] = [['inputPrefix', props.inputPrefix], ['outputPrefix', props.outputPrefix], ['failurePrefix', props.failurePrefix]];
    for (const [name, prefix] of prefixes) {
      if (prefix === undefined || Token.isUnresolved(prefix)) { continue; }
      if (prefix.startsWith('/') || !prefix.endsWith('/') || prefix.length < 2) {
        throw invalid(where, name, prefix, "must be a key prefix ending with '/' and not starting with '/'", "Pass e.g. 'async-outputs/'.");
      }
    }
    // Payloads, responses and failures may not share keys (the batch lane's rule for its prefixes):
    // a response written under the input prefix would be readable as a request, and failures would
    // be mistaken for responses.
    const effective: [string, string][] = [
      ['inputPrefix', props.inputPrefix ?? 'async-inputs/'],
      ['outputPrefix', props.outputPrefix ?? 'async-outputs/'],
      ['failurePrefix', props.failurePrefix ?? 'async-failures/'],
    ];
    for (let i = 0; i < effective.length; i++) {
      for (let j = i + 1; j < effective.length; j++) {
        const [nameA, a] = effective[i];
        const [nameB, b] = effective[j];
        if (prefixesOverlap(a, b)) {
          throw invalid(where, nameB, b, `overlaps ${nameA} (${describeValue(a)})`, "Use separate prefixes such as 'async-inputs/', 'async-outputs/' and 'async-failures/'.");
        }
      }
    }
    return new EndpointMode(EndpointModeKind.ASYNC, props, undefined, props);
  }

  /**
   * Real-time inference components (`AWS::SageMaker::InferenceComponent`): the artifact and any model added
   * with `ManagedEndpoint.addModel` share one fleet of `instanceType`, each reserving accelerators, vCPUs and
   * memory per copy. Autoscaling scales copies (`sagemaker:inference-component:DesiredCopyCount`);
   * SageMaker's managed instance scaling adds and removes instances between min and max instance counts.
   * The only real-time mode that scales to zero.
   */
  public static inferenceComponents(props: InferenceComponentModeProps): EndpointMode {
    const where = 'EndpointMode.inferenceComponents';
    checkInstanceOptions(where, props);
    if (props.computeReservation === undefined || props.computeReservation === null) {
      throw invalid(where, 'computeReservation', undefined, 'is required (InferenceComponentComputeResourceRequirements)', 'Pass e.g. { acceleratorCount: 1, memorySize: Size.gibibytes(8) }.');
    }
    if (props.maxInstanceCount === undefined || props.maxInstanceCount === null) {
      throw invalid(where, 'maxInstanceCount', undefined, 'is required (ManagedInstanceScaling.MaxInstanceCount)', 'Pass the most instances the fleet may run, e.g. 4.');
    }
    checkInteger(where, 'maxInstanceCount', props.maxInstanceCount, 1);
    checkInteger(where, 'minInstanceCount', props.minInstanceCount, 0);
    checkInteger(where, 'copies', props.copies, 0);
    if (props.minInstanceCount !== undefined && !Token.isUnresolved(props.minInstanceCount) && !Token.isUnresolved(props.maxInstanceCount)
      && props.minInstanceCount > props.maxInstanceCount) {
      throw invalid(where, 'minInstanceCount', props.minInstanceCount, `must be less than or equal to 'maxInstanceCount' (${props.maxInstanceCount})`, 'Raise maxInstanceCount or lower minInstanceCount.');
    }
    return new EndpointMode(EndpointModeKind.INFERENCE_COMPONENTS, props, undefined, undefined, props);
  }

  /** Which mode. */
  public readonly kind: EndpointModeKind;
  /** Instance options (real-time and async). */
  public readonly instance?: InstanceModeOptions;
  /** Serverless options. */
  public readonly serverlessOptions?: ServerlessModeProps;
  /** Async options. */
  public readonly asyncOptions?: AsyncModeProps;
  /** Inference-component options. */
  public readonly componentOptions?: InferenceComponentModeProps;

  private constructor(kind: EndpointModeKind, instance?: InstanceModeOptions, serverless?: ServerlessModeProps, asyncOptions?: AsyncModeProps,
    componentOptions?: InferenceComponentModeProps) {
    this.kind = kind;
    this.instance = instance;
    this.serverlessOptions = serverless;
    this.asyncOptions = asyncOptions;
    this.componentOptions = componentOptions;
  }

  /** True for the instance-based modes (real-time, inference components and async). */
  public get instanceBased(): boolean {
    return this.kind !== EndpointModeKind.SERVERLESS;
  }

  /** Text such as `real-time ml.g5.xlarge` or `serverless 4096 MiB`. */
  public toString(): string {
    if (this.serverlessOptions) {
      return `serverless ${this.serverlessOptions.memorySize.toMebibytes({ rounding: SizeRoundingBehavior.NONE })} MiB × ${this.serverlessOptions.maxConcurrency}`;
    }
    return `${this.kind} ${this.instance?.instanceType}`;
  }
}

function checkInstanceOptions(where: string, props: InstanceModeOptions): void {
  if (typeof props.instanceType !== 'string') {
    throw invalid(where, 'instanceType', props.instanceType, 'is required', "Pass a SageMaker hosting instance type, e.g. 'ml.g5.xlarge' or 'ml.c6i.2xlarge'.");
  }
  if (!Token.isUnresolved(props.instanceType) && !/^ml\.[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(props.instanceType)) {
    throw invalid(where, 'instanceType', props.instanceType, "is not a SageMaker hosting instance type ('ml.<family>.<size>')", "Pass e.g. 'ml.g5.xlarge' or 'ml.c6i.2xlarge'.");
  }
  if (props.volumeSize && !props.volumeSize.isUnresolved()) {
    const gib = props.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if ( (!Number.isInteger(gib) || gib < 1 || gib > 512)) {
      throw invalid(where, 'volumeSize', `${gib} GiB`, 'must be a whole number of GiB from 1 to 512', 'Pass e.g. Size.gibibytes(100).');
    }
  }
  checkSeconds(where, 'containerStartupHealthCheckTimeout', props.containerStartupHealthCheckTimeout, 60, 3600, 'ContainerStartupHealthCheckTimeoutInSeconds');
  checkSeconds(where, 'modelDataDownloadTimeout', props.modelDataDownloadTimeout, 60, 3600, 'ModelDataDownloadTimeoutInSeconds');
  checkInteger(where, 'vcpuCount', props.vcpuCount, 1);
  checkInteger(where, 'gpuCount', props.gpuCount, 1);
}
