import * as path from 'path';
import { Duration, Size, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, DynamicBatching, HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, ScalingTrigger, ServiceLevelObjective, ServingImage,
} from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';

/**
 * Two versions of the conversational model on ONE SageMaker endpoint with inference components: 1.4.0 serves
 * users, 1.5.0 runs beside it for callers that ask for it by component name. Each reserves one GPU and 16 GiB
 * per copy on ml.g5.12xlarge instances (4 GPUs each); copies scale on concurrent requests per copy, and the
 * whole endpoint scales to zero when idle and back on the first request (minutes: see the lane README).
 */
export function createInferenceComponentStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, {
    description: 'cdk-inference-lanes example: two model versions on one SageMaker endpoint (inference components, scale to zero)',
    ...props,
  });

  // The GPU (fp16) build, served by the PyTorch GPU Deep Learning Container (SageMaker pulls images from ECR only).
  const image = ServingImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker');
  const weights = ModelWeights.fromAsset(path.join(__dirname, '..', 'shared', 'model', 'fp16', 'model.tar.gz'));
  const build = (version: string) => new ModelArtifact({
    name: 'assistant', version, framework: 'pytorch', weights, image, targets: [HardwareTarget.NVIDIA_GPU], precision: ModelPrecision.FP16,
  });
  // A real 1.5.0 has its own weights; the demo reuses the file (one asset per local file in a stack).
  const batching = () => new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10) });
  const live = build('1.4.0');
  const candidate = build('1.5.0');

  const endpoint = new ManagedEndpoint(stack, 'Assistant', {
    artifact: live,
    mode: EndpointMode.inferenceComponents({
      instanceType: 'ml.g5.12xlarge',
      maxInstanceCount: 2,
      computeReservation: { acceleratorCount: 1, cpuCores: 8, memorySize: Size.gibibytes(24) },
      modelDataDownloadTimeout: Duration.minutes(15),
      containerStartupHealthCheckTimeout: Duration.minutes(10),
    }),
    // Per copy: 4 requests in flight; zero copies (and instances) when idle.
    autoscaling: new AutoscalingPolicy({
      scaleToZero: true,
      maxCapacity: 6,
      triggers: [ScalingTrigger.inFlightPerInstance(4)],
      scaleInCooldown: Duration.minutes(15),
    }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(800), { maxErrorRatePercent: 1 }),
    // A new model in a component replaces one copy at a time, rolling back on that component's SLO alarms.
    rollingUpdate: { maximumBatchCopies: 1, waitInterval: Duration.minutes(5) },
    // TorchServe batches up to 8 requests within 10 ms in each copy (one worker per copy: its one GPU).
    dynamicBatching: batching(),
    // capacityLagMetric (default on): a one-minute publisher of instances and copies asked for, not yet serving.
  });

  endpoint.addModel('Candidate', {
    artifact: candidate,
    computeReservation: { acceleratorCount: 1, cpuCores: 8, memorySize: Size.gibibytes(24) },
    autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 2, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
    dynamicBatching: batching(),
  });

  // No cdk-nag suppressions: the lane acknowledges the findings of its own design (lib/managed-endpoint/README.md).
  return stack;
}
