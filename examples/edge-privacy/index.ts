import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, Rollout } from '../../lib';
import { EdgeFleetChannel, FleetRelease, JobFailureType } from '../../lib/edge-fleet';

const MODEL_DIR = path.join(__dirname, '..', 'shared', 'model');

/**
 * Props of {@link createEdgePrivacyStack}.
 */
export interface EdgePrivacyStackProps extends StackProps {
  /**
   * Which version each ring runs.
   *
   * @default FleetRelease.canary('1.3.0') - the canary rings get 1.4.0, the fleets stay on 1.3.0
   */
  readonly release?: FleetRelease;

  /**
   * Model version (and component version) of the candidate.
   *
   * @default '1.4.0'
   */
  readonly version?: string;

  /**
   * Look up each deployment's IoT job and alarm on failures (adds a Lambda-backed custom resource).
   *
   * @default true
   */
  readonly fleetHealth?: boolean;
}

/**
 * The demo model's privacy-sensitive edge build: the same model as every other example, quantized to
 * int8 and run on the devices so that customer inputs never leave the store. Two builds, for arm64
 * gateways and x86_64 kiosks. In this demo both builds are the same int8 file; a real pipeline
 * compiles one per instruction set.
 */
export function edgeArtifact(version: string = '1.4.0'): ModelArtifact {
  // One ModelWeights instance for both targets: one S3 asset, one digest.
  const int8 = ModelWeights.fromAsset(path.join(MODEL_DIR, 'int8', 'model.tar.gz'));
  return ModelArtifact.fromAsset(path.join(MODEL_DIR, 'fp32', 'model.tar.gz'), {
    name: 'assistant',
    version,
    framework: 'pytorch',
    targets: [HardwareTarget.CPU_X86_64],
    variants: [
      { target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: int8 },
      { target: HardwareTarget.EDGE_X86_64, precision: ModelPrecision.INT8, weights: int8 },
    ],
    card: {
      intendedUse: 'On-device customer self-service answers in stores; inputs stay on the device (demo).',
      limitations: ['English only', 'int8: about 1 point lower ndcg@10 than fp32'],
      metrics: { ndcgAt10: 0.40 },
      owner: 'ml-platform',
    },
  });
}

/**
 * Edge privacy example: an update channel shipping the int8 builds to two device classes
 * (arm64 gateways, x86_64 kiosks), each with a canary ring (about 5% of the class, baked for an hour
 * before promotion) and abort thresholds, rolled back per device on failure.
 */
export function createEdgePrivacyStack(scope: Construct, id: string, props: EdgePrivacyStackProps = {}): Stack {
  const stack = new Stack(scope, id, props);
  new EdgeFleetChannel(stack, 'Edge', {
    artifact: edgeArtifact(props.version ?? '1.4.0'),
    componentName: 'com.example.AssistantModel',
    deviceClasses: [
      { name: 'gateways', target: HardwareTarget.EDGE_ARM64, expectedDevices: 400 },
      { name: 'kiosks', target: HardwareTarget.EDGE_X86_64, expectedDevices: 1200, configuration: { Threads: '2' } },
    ],
    rollout: Rollout.canary({ percent: 5, bakeTime: Duration.hours(1) }),
    release: props.release ?? FleetRelease.canary('1.3.0'),
    runCommand: 'python3 -u /opt/assistant/serve.py --model "$MODEL_LOCAL_DIR" --threads {configuration:/Threads} --no-telemetry',
    configuration: { Threads: '4' },
    canaryJob: {
      abortCriteria: [{ failureType: JobFailureType.ALL, thresholdPercent: 10, minExecutedDevices: 3 }],
      inProgressTimeout: Duration.minutes(30),
    },
    fleetJob: {
      exponentialRate: { baseRatePerMinute: 10, incrementFactor: 2, increaseAfterSucceededDevices: 20 },
      maximumPerMinute: 100,
      abortCriteria: [
        { failureType: JobFailureType.FAILED, thresholdPercent: 5, minExecutedDevices: 50 },
        { failureType: JobFailureType.TIMED_OUT, thresholdPercent: 20, minExecutedDevices: 50 },
      ],
      inProgressTimeout: Duration.hours(2),
    },
    fleetHealth: props.fleetHealth ?? true,
  });

  // No cdk-nag suppressions: the lane acknowledges the findings of its own design (lib/edge-fleet/README.md).
  return stack;
}
