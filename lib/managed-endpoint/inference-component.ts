import { Size } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { AutoscalingPolicy, DynamicBatching, ModelArtifact } from '../core';

/**
 * What one copy of a model reserves on an instance of an inference-component endpoint
 * (`InferenceComponentComputeResourceRequirements`). SageMaker places each copy on an instance that
 * has this much free; a reservation larger than one instance of the mode's type is rejected.
 */
export interface ComputeReservation {
  /**
   * Memory reserved for one copy (`MinMemoryRequiredInMb`, at least 128 MiB).
   */
  readonly memorySize: Size;

  /**
   * Most memory one copy may use (`MaxMemoryRequiredInMb`, at least `memorySize`).
   *
   * @default - no limit beyond the instance
   */
  readonly maxMemorySize?: Size;

  /**
   * GPUs or Inferentia/Trainium devices per copy (`NumberOfAcceleratorDevicesRequired`, whole devices).
   * Required on accelerator instances: the artifact's GPU/Inferentia build cannot run without one.
   *
   * @default - none (CPU instances only)
   */
  readonly acceleratorCount?: number;

  /**
   * vCPUs reserved per copy (`NumberOfCpuCoresRequired`, at least 0.25).
   *
   * @default - none reserved: copies share the instance's vCPUs
   */
  readonly cpuCores?: number;
}

/**
 * How a real-time endpoint spreads requests over its instances (`RoutingConfig.RoutingStrategy`).
 */
export enum RoutingStrategy {
  /** Send each request to the instance with the fewest requests in flight (best for variable request sizes, e.g. LLMs). */
  LEAST_OUTSTANDING_REQUESTS = 'LEAST_OUTSTANDING_REQUESTS',
  /** Send each request to a random instance (SageMaker's default when no RoutingConfig is given). */
  RANDOM = 'RANDOM',
}

/**
 * A further model (or version) on an inference-component endpoint: see {@link ManagedEndpoint.addModel}.
 */
export interface InferenceComponentOptions {
  /** The model. Its build for the mode's hardware is bound; the execution role may read exactly its weights. */
  readonly artifact: ModelArtifact;

  /** What one copy reserves on an instance. */
  readonly computeReservation: ComputeReservation;

  /**
   * Copies the component starts with (`RuntimeConfig.CopyCount`). A stack update that changes the
   * component sets the copy count to this value again; autoscaling then moves it.
   *
   * @default - the autoscaling policy's minCapacity, at least 1
   */
  readonly copies?: number;

  /**
   * Copy-count scaling of this component.
   *
   * @default - the endpoint's `autoscaling`
   */
  readonly autoscaling?: AutoscalingPolicy;

  /**
   * Physical name of the inference component (`InferenceComponentName`; callers pass it to
   * `InvokeEndpoint`), so changing it changes how callers address the component.
   *
   * @default - derived from the stack name and construct path (at most 63 characters)
   */
  readonly componentName?: string;

  /**
   * Let this model's container group requests into batches (TorchServe `SAGEMAKER_TS_*`, LMI rolling
   * batch), rendered into the environment of the component's model, with the same checks as the
   * endpoint's `dynamicBatching`. TorchServe's workers follow the copy's reservation (accelerators, else
   * cpuCores rounded up).
   *
   * @default - no batching settings: the container's defaults (the endpoint's `dynamicBatching` applies to its artifact only)
   */
  readonly dynamicBatching?: DynamicBatching;
}

/**
 * One inference component of a {@link ManagedEndpoint}: a model with its compute reservation and copies.
 */
export interface ModelComponent {
  /** `InferenceComponentName`: pass it to `InvokeEndpoint` as `InferenceComponentName`. */
  readonly componentName: string;
  /** Name of the served model. */
  readonly artifactName: string;
  /** Version of the served model. */
  readonly artifactVersion: string;
  /** The L1 model the component runs. */
  readonly cfnModel: sagemaker.CfnModel;
  /** The L1 inference component. */
  readonly cfnInferenceComponent: sagemaker.CfnInferenceComponent;
  /** The copy-count scalable target, when the component scales. */
  readonly scalableTarget?: appscaling.ScalableTarget;
  /** The SLO's alarms on this component's metrics (`InferenceComponentName`); its rolling updates roll back on them. */
  readonly sloAlarms: cloudwatch.IAlarm[];
  /** The batching the component's container renders, undefined without it. */
  readonly dynamicBatching?: DynamicBatching;
}
