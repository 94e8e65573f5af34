import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import {
  AutoscalingPolicy, DynamicBatching, EdgeFleetChannel, EndpointMode, FleetRelease, GpuServingChart, HardwareTarget, HybridTopology,
  InferenceFrontDoor, InFlightJobHandling, JobFailureType, ManagedEndpoint, QueueDrainedWorkers, Rollout, ScalingTrigger,
  ServiceLevelObjective, WarmServerlessFunction,
} from '../../lib';
import { DriftMonitor, RetrainingHook } from '../../lib/managed-endpoint';
import { ResilienceExperiments } from '../../lib/operations';
import { createGpuServingChart } from '../gpu-cluster/chart';
import { demoArtifact } from '../shared/artifact';

/** Options of {@link createHybridApp}. */
export interface HybridAppOptions {
  /** The CDK app to add the stack to. @default a new App */
  readonly app?: App;
  /** Stack props (env, ...). */
  readonly stackProps?: StackProps;
  /**
   * Show the SLO alarm states on the topology dashboard (the topology's `alarmStatusWidget`).
   * No switch is needed for the local emulator: `LocalDeploy` adapts its own copy of the template.
   * @default true
   */
  readonly alarmStatusWidget?: boolean;
  /**
   * Write the GPU recommender's Kubernetes manifests (for any cluster) into this directory.
   * @default - not written (the chart is still built and returned)
   */
  readonly manifestsDir?: string;
}

/** What {@link createHybridApp} builds. */
export interface HybridApp {
  readonly app: App;
  readonly stack: Stack;
  readonly topology: HybridTopology;
  readonly baseline: ManagedEndpoint;
  readonly burst: WarmServerlessFunction;
  readonly summaries: QueueDrainedWorkers;
  readonly edge: EdgeFleetChannel;
  /** The one HTTPS entry: baseline first, spillover and failover to the burst pool, jobs to the summaries queue. */
  readonly frontDoor: InferenceFrontDoor;
  /** Kubernetes charts of the GPU lane (plain manifests for any cluster). */
  readonly charts: GpuServingChart[];
  /** AWS FIS experiment templates for Burst, Summaries and the front door's router (created, never started). */
  readonly experiments: ResilienceExperiments;
  /** Model Monitor drift checks on the baseline's captured requests, starting retraining on violations. */
  readonly drift: DriftMonitor;
}

const HANDLER_DIR = path.join(__dirname, '..', 'serverless-burst', 'handler');

/**
 * The seed's conversational hybrid: a customer self-service model with p95 < 300 ms and
 * unpredictable marketing surges.
 *
 * - **Baseline**: a SageMaker real-time endpoint with warm capacity (2-8 instances, in-flight
 *   target tracking with a 20% warm buffer), blue/green all-at-once rollouts baked 10 minutes on
 *   the SLO's rollback alarms.
 * - **Burst**: a pre-warmed Lambda pool (provisioned concurrency 1-50, 5-150 during a known
 *   marketing event) that absorbs bursts; canary rollouts (75% first) that roll back on the SLO.
 * - **Summaries**: offline transcript summarization on a fixed budget of 2 Fargate workers
 *   draining an SQS queue (DLQ, nothing lost).
 * - **Kiosks**: the privacy-sensitive int8 edge build shipped to in-store kiosks through a
 *   Greengrass update channel (canary ring first, abort thresholds, rollback).
 * - **Recommender**: the high-throughput GPU recommender as plain Kubernetes manifests (cdk8s) for
 *   any cluster; `examples/gpu-cluster` attaches the same chart to EKS.
 *
 * One artifact, one SLO, one rollout default; each lane overrides what it must.
 */
export function createHybridApp(options: HybridAppOptions = {}): HybridApp {
  const app = options.app ?? new App();
  const stack = new Stack(app, 'InferenceLanesHybrid', {
    description: 'cdk-inference-lanes: conversational model — managed baseline, warm serverless burst pool, batch summarization',
    ...options.stackProps,
  });

  const topology = new HybridTopology(stack, 'Assistant', {
    // The int8 edge build is signed: kiosks verify the signature before they unpack the weights (supply chain).
    artifact: demoArtifact('1.4.0', { signed: true }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    // Your prices (on-demand, per instance or task hour); nothing is looked up over the network.
    hourlyPrices: { 'ml.m5.xlarge': 0.23, 'fargate-2vCPU-8GB': 0.1165 },
    alarmStatusWidget: options.alarmStatusWidget ?? true,
    // A dashboard per lane too (Baseline, Burst, Summaries; the edge lane reports no CloudWatch metrics).
    laneDashboards: true,
  });

  // Lanes inside the topology inherit its artifact, SLO and rollout; each overrides what it must.
  const baseline = new ManagedEndpoint(topology, 'Baseline', {
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({
      minCapacity: 2,
      maxCapacity: 8,
      triggers: [ScalingTrigger.inFlightPerInstance(4)],
      warmBufferPercent: 20,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(10),
    }),
    // SageMaker canaries are counted in instances, and its alarms see both fleets (no per-fleet metric).
    // A canary is at most half the fleet (SageMaker's limit), 1 of the minimum 2 instances, and at low
    // traffic (2 RPS) half the requests cannot tell 5% errors from 0.5% within 5 minutes on the mixed
    // metric (lib/simulation README, "Rollback alarms and low traffic"). So: blue/green all at once,
    // baked 10 minutes on the rollback alarms with the old fleet kept for an immediate rollback (the
    // bake must be SageMaker's baking period, WaitIntervalInSeconds, to be watched: a lane change).
    rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(10) }),
    // 10% of requests and responses captured (KMS-encrypted bucket) for the drift monitor below.
    dataCapture: { samplingPercent: 10 },
    // The seed's baseline: warm capacity AND dynamic batching. TorchServe groups up to 8 requests that
    // arrive within 10 ms (SAGEMAKER_TS_BATCH_SIZE / SAGEMAKER_TS_MAX_BATCH_DELAY); the 10 ms come out of
    // the 300 ms p95 budget. No throughput gain is stated: a batch helps only with a batch-aware handler,
    // so planning and the simulator assume none until you measure it (throughputGainPercent).
    dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10) }),
  });

  const burst = new WarmServerlessFunction(topology, 'Burst', {
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    timeout: Duration.seconds(10),
    autoscaling: new AutoscalingPolicy({
      // One warm environment outside the event, 5 from its start: the front door offloads to the pool
      // before the baseline saturates, and on-demand environments take the rest. Provisioned concurrency
      // tracks 0.9 in-flight per environment with no warm buffer and scales in after 5 minutes (npm run
      // simulate, assistant scenario: 100% of minutes, 1.18x the instance-hours of an oracle of the same
      // lanes, 0.84x the single-lane oracle's cost; at 0.8 with a 25% buffer and 10 minutes: 1.71x).
      minCapacity: 1,
      maxCapacity: 50,
      triggers: [ScalingTrigger.inFlightPerInstance(0.9)],
      warmBufferPercent: 0,
      scaleOutCooldown: Duration.seconds(30),
      scaleInCooldown: Duration.minutes(5),
      schedules: [{
        name: 'marketing-event',
        start: { minute: '30', hour: '16', day: '2', month: '3' },
        end: { minute: '0', hour: '22', day: '2', month: '3' },
        minCapacity: 5,
        maxCapacity: 150,
        timeZone: 'America/New_York',
      }],
    }),
    // Twice the largest warm pool (150): room to spill over on demand when the pool is full.
    reservedConcurrentExecutions: 300,
    // 75% first: at 2 RPS the new version needs ~450 requests within the 5-minute rollback window to
    // tell 5% errors from 0.5% in 99% of deployments (lib/simulation README, "Rollback alarms and low traffic").
    rollout: Rollout.canary({ percent: 75, bakeTime: Duration.minutes(5) }),
  });

  const summaries = new QueueDrainedWorkers(topology, 'Summaries', {
    jobTimeout: Duration.minutes(2),
    inFlightJobs: InFlightJobHandling.FINISH,
    autoscaling: AutoscalingPolicy.fixed(2),
    slo: ServiceLevelObjective.timeInQueue(Duration.hours(1), { evaluationPeriods: 5 }),
    rollout: Rollout.allAtOnce(),
  });

  const edge = new EdgeFleetChannel(topology, 'Kiosks', {
    componentName: 'com.example.Assistant',
    deviceClasses: [{ name: 'kiosks', target: HardwareTarget.EDGE_ARM64, expectedDevices: 1200 }],
    rollout: Rollout.canary({ percent: 5, bakeTime: Duration.hours(1) }),
    release: FleetRelease.canaryOnly(),
    runCommand: 'python3 -u /opt/assistant/serve.py --model "$MODEL_LOCAL_DIR"',
    canaryJob: { abortCriteria: [{ failureType: JobFailureType.ALL, thresholdPercent: 10, minExecutedDevices: 3 }], inProgressTimeout: Duration.minutes(30) },
  });

  // One authenticated HTTPS entry (SigV4, function URL with AWS_IAM): the baseline first, spillover to the
  // warm pool on throttling, failover to it while the baseline's rollback alarms are in ALARM, and
  // POST /jobs to the summaries queue. The SLO is the topology's.
  const frontDoor = topology.addFrontDoor('FrontDoor', { primary: baseline, burst, jobs: summaries });

  // Fault-injection experiments (AWS FIS), each stopped by its lane's SLO alarms; SageMaker and Greengrass are
  // listed in experiments.unsupportedLanes. Synth warns what the lanes still need before they can run.
  const experiments = new ResilienceExperiments(topology, 'Experiments');

  // Drift: hourly Model Monitor data-quality runs on the baseline's captured requests against the baseline
  // the training pipeline wrote for this version; a run with violations raises the alarm and starts the
  // retraining pipeline (both belong to the training side: referenced by name).
  const drift = new DriftMonitor(topology, 'Drift', {
    endpoint: baseline,
    baselineBucket: s3.Bucket.fromBucketName(stack, 'Baselines', 'assistant-model-monitor-baselines'),
    baselinePrefix: 'baselines/assistant/1.4.0/',
    retrainingHook: RetrainingHook.sageMakerPipeline(stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: 'assistant-retrain' })),
  });

  const k8sApp = new cdk8s.App({ outdir: options.manifestsDir ?? fs.mkdtempSync(path.join(require('os').tmpdir(), 'manifests-')) });
  const recommender = createGpuServingChart(k8sApp, 'recsys');
  if (options.manifestsDir) {
    k8sApp.synth();
  }

  // No cdk-nag suppressions: each lane acknowledges the findings of its own design (its README, "cdk-nag").


  new CfnOutput(stack, 'BaselineEndpointName', { value: baseline.endpointName });
  new CfnOutput(stack, 'BurstFunctionName', { value: burst.functionName });
  new CfnOutput(stack, 'SummariesQueueUrl', { value: summaries.queue.queueUrl });
  new CfnOutput(stack, 'FrontDoorUrl', { value: frontDoor.url });

  return { app, stack, topology, baseline, burst, summaries, edge, frontDoor, charts: [recommender], experiments, drift };
}

