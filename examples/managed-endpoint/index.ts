import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AutoscalingPolicy, DynamicBatching, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ShadowTraffic } from '../../lib';
// Until lib/index.ts re-exports this lane (`export * from './managed-endpoint'`), import it directly.
import { DriftMonitor, EndpointMode, ManagedEndpoint, RetrainingHook } from '../../lib/managed-endpoint';
import { demoArtifact } from '../shared/artifact';

/**
 * The seed's conversational model on a SageMaker real-time endpoint: p95 under 300 ms, a canary
 * rollout that rolls back on the SLO alarms, and the next version (1.5.0) shadow-tested on 20% of
 * live traffic while 1.4.0 answers users; a drift monitor on the captured requests starts retraining.
 */
export function createManagedEndpointStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, {
    description: 'cdk-inference-lanes example: conversational model on a SageMaker endpoint (canary + shadow)',
    ...props,
  });

  const live = demoArtifact('1.4.0');
  // The release candidate. A real 1.5.0 has its own weights; the demo reuses the 1.4.0 file. (Calling
  // demoArtifact('1.5.0') here trips a core issue: two artifacts with the same local weights file
  // collide on the asset's construct id in one stack.)
  const candidate = new ModelArtifact({
    name: live.name, version: '1.5.0', framework: live.framework, weights: live.weights,
    image: live.image, targets: live.targets, card: live.card,
  });

  const endpoint = new ManagedEndpoint(stack, 'Assistant', {
    artifact: live,
    mode: EndpointMode.realTime({ instanceType: 'ml.c5.2xlarge' }),
    autoscaling: new AutoscalingPolicy({
      minCapacity: 2,
      maxCapacity: 8,
      // Concurrency is the direct signal for a latency-bound model; requests/s guards bursts of short prompts.
      triggers: [ScalingTrigger.inFlightPerInstance(4), ScalingTrigger.requestsPerInstance(20)],
      warmBufferPercent: 20,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(10),
      schedules: [{
        name: 'business-hours',
        start: { minute: '0', hour: '7', weekDay: 'MON-FRI' },
        end: { minute: '0', hour: '19', weekDay: 'MON-FRI' },
        minCapacity: 3,
        timeZone: 'Europe/Berlin',
      }],
    }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(10), finalBakeTime: Duration.minutes(10) }),
    shadow: ShadowTraffic.mirror(candidate, 20),
    dataCapture: { samplingPercent: 10 },
    // The image is the SageMaker PyTorch inference container (TorchServe): batches of up to 8 requests that
    // arrive within 10 ms (SAGEMAKER_TS_BATCH_SIZE / SAGEMAKER_TS_MAX_BATCH_DELAY; the 8 workers of the
    // ml.c5.2xlarge are kept). The inference handler must run the model on the whole batch to gain from it.
    dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10) }),
  });

  // Drift: hourly Model Monitor data-quality runs on the captured requests against the baseline the
  // training pipeline wrote for 1.4.0 (statistics.json, constraints.json); a run with violations raises
  // the alarm and starts the retraining pipeline. The bucket and the pipeline belong to the training side.
  new DriftMonitor(stack, 'AssistantDrift', {
    endpoint,
    baselineBucket: s3.Bucket.fromBucketName(stack, 'Baselines', 'assistant-model-monitor-baselines'),
    baselinePrefix: `baselines/${live.name}/${live.version}/`,
    retrainingHook: RetrainingHook.sageMakerPipeline(stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: 'assistant-retrain' })),
  });

  // No cdk-nag suppressions: the lane acknowledges the findings of its own design (lib/managed-endpoint/README.md).
  return stack;
}

export { createInferenceComponentStack } from './inference-components';
