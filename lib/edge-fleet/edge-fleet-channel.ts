import { checkDynamicBatching } from '../core/private/batching-checks';
import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DynamicBatching } from '../core/dynamic-batching';
import { LaneKind } from '../core/hardware';
import { ScaleOutLeadTime } from '../core/lead-time';
import { InferenceLaneBase } from '../core/inference-lane-base';
import { LaneCapacity } from '../core/inference-lane';
import { ModelArtifact } from '../core/model-artifact';
import { invalid } from '../core/private/errors';
import { withLaneDefaults } from '../core/private/lane-defaults';
import { Rollout } from '../core/rollout';
import { EdgeDeviceClass } from './edge-device-class';
import { EdgeRing } from './edge-ring';
import { FleetJobOptions, JobExecutionStatus } from './fleet-job';
import { FleetRelease, ReleaseStage } from './fleet-release';
import { addComponent } from './private/component';
import { addRingDeployments } from './private/deployments';
import { addDeviceClass, DeviceClassState, ThingGroupClaims } from './private/device-class';
import { jobExecutionsMetric } from './private/fleet-health';
import { checkRelease, planRings, RingPlan } from './private/rings';
import { channelSettings } from './private/settings';
import { edgeLeadTime } from './private/lead-time';

/**
 * Props of {@link EdgeFleetChannel}.
 */
export interface EdgeFleetChannelProps {
  /**
   * The model. Each device class gets the build for its hardware target (e.g. the int8 arm64 variant);
   * the build must be a single S3 object with a SHA-256 digest known at synth (a local file asset, or
   * `ModelWeights.fromBucket(bucket, key, { digest })`).
   *
   * @default - the artifact of the enclosing HybridTopology (an error if there is none)
   */
  readonly artifact?: ModelArtifact;

  /** The device classes (at least one), each a thing group (or two, with a canary rollout) with its own deployments. */
  readonly deviceClasses: EdgeDeviceClass[];

  /**
   * How a new version reaches the devices. `Rollout.canary({ percent, bakeTime })` adds a canary ring per
   * device class (a separate thing group meant to hold about `percent`% of the class) that gets the
   * candidate before the fleet ring; `bakeTime` is how long to watch it before `FleetRelease.promote()`
   * (CloudFormation does not wait for devices). `autoRollback` maps to the deployments' failure
   * handling policy (ROLLBACK or DO_NOTHING). Linear rollouts and rollback alarms are rejected:
   * Greengrass ramps with IoT job rates and stops on job abort criteria. With `rings`, only
   * `autoRollback` is used (a canary rollout passed with `rings` is rejected).
   *
   * @default Rollout.allAtOnce() - one fleet ring per device class, rolled back per device on failure
   */
  readonly rollout?: Rollout;

  /**
   * Update rings in rollout order, each with its share of the class and its bake (hours or days),
   * e.g. `[{ name: 'pilot', percent: 1, bake: Duration.days(1) }, { name: 'early', percent: 10,
   * bake: Duration.days(3) }, { name: 'fleet' }]`. Each ring's deployment depends on the previous
   * ring's; `FleetRelease.through(ring, laterRingsVersion)` moves the candidate ring by ring.
   * Replaces the two rings of `Rollout.canary` (and `canaryJob`/`fleetJob`: each ring has its `job`).
   *
   * @default - from `rollout`: a canary ring and a fleet ring with `Rollout.canary`, else one fleet ring
   */
  readonly rings?: EdgeRing[];

  /**
   * Which version each ring runs in this stack version: `canaryOnly()`, `canary(fleetVersion)`,
   * `through(ring, laterRingsVersion?)`, `promote()`, or the emergency `freeze(fleetVersion, canaryVersion?)`
   * / `freezeRings({ ring: version })`.
   *
   * @default - FleetRelease.promote() with one ring; required with two or more rings
   */
  readonly release?: FleetRelease;

  /**
   * Greengrass component name (letters, digits, '.', '-', '_'; at most 128; not starting with `aws.`).
   * Changing it creates a new component and new deployments.
   *
   * @default `models.<artifact name>`
   */
  readonly componentName?: string;

  /**
   * Component version of the candidate (semantic version). Component versions are immutable and kept
   * when they leave the stack (RemovalPolicy.RETAIN) so rings pinned to them and device rollbacks keep
   * working: every change of the recipe needs a new version, and re-creating a version that exists
   * fails the deployment.
   *
   * @default - the artifact's version, when it is a semantic version
   */
  readonly componentVersion?: string;

  /**
   * Prefix of the names of created thing groups, role aliases and IoT policies (letters, digits, '-',
   * '_'; at most 40). Names are unique per account and region: two channels need two prefixes.
   *
   * @default - the artifact's name
   */
  readonly namePrefix?: string;

  /**
   * Command the component runs on the device (the Run lifecycle step). It sees the MODEL_* environment
   * every lane passes (`MODEL_NAME`, `MODEL_VERSION`, ..., `MODEL_DIGEST`, `MODEL_CARD`), with
   * `MODEL_LOCAL_DIR` pointing at the verified, unpacked model. Recipe variables such as
   * `{configuration:/Threads}` work. A command reading the retired `$MODEL_DIR` or `$MODEL_SHA256` is
   * rejected.
   *
   * @default - no Run step: the component installs (verifies and unpacks) the model for an inference
   * component that depends on it
   */
  readonly runCommand?: string;

  /**
   * Default configuration of the component, merged with the model identity (`ModelName`,
   * `ModelVersion`, `Framework`, `ModelCard`).
   *
   * @default - the model identity only
   */
  readonly configuration?: { [key: string]: string };

  /**
   * Time the Install step may take (verify the SHA-256 and unpack the model).
   *
   * @default Duration.minutes(10)
   */
  readonly installTimeout?: Duration;

  /**
   * IoT job settings of the canary ring's deployments (`Rollout.canary` only; with `rings`, use `rings[i].job`).
   *
   * @default - no rate limit; abort when 10% of executed devices fail, reject or time out (from the
   * first device); executions time out after 1 hour in progress
   */
  readonly canaryJob?: FleetJobOptions;

  /**
   * IoT job settings of the fleet ring's deployments (not with `rings`: use `rings[i].job`).
   *
   * @default - 5 devices per minute doubling after every 5 succeeded devices, at most 50 per minute;
   * abort when 5% of executed devices fail, reject or time out (after 20 devices); executions time out
   * after 1 hour in progress
   */
  readonly fleetJob?: FleetJobOptions;

  /**
   * Notify running components before updating them so they can defer the update (`NOTIFY_COMPONENTS`),
   * or update without asking (`SKIP_NOTIFY_COMPONENTS`).
   *
   * @default true
   */
  readonly notifyComponents?: boolean;

  /**
   * Time components have to defer an update after the notification.
   *
   * @default Duration.seconds(60)
   */
  readonly componentUpdateTimeout?: Duration;

  /**
   * Time components have to validate a configuration update.
   *
   * @default Duration.seconds(30)
   */
  readonly configurationValidationTimeout?: Duration;

  /**
   * Watch each ring's deployment: look up its IoT job (a custom resource calling
   * `greengrass:GetDeployment`, since CloudFormation only returns the deployment ID) and alarm on
   * failed and rejected executions (`AWS/IoT` `FailedJobExecutionTotalCount` +
   * `RejectedJobExecutionTotalCount`). Adds one Lambda function to the stack.
   *
   * @default true
   */
  readonly fleetHealth?: boolean;

  /**
   * Failed plus rejected devices of one ring's deployment that raise its health alarm.
   *
   * @default 1
   */
  readonly healthAlarmFailedDevices?: number;

  /**
   * Dynamic batching cannot be rendered by this lane: the component runs `runCommand` on the device,
   * and Greengrass has no request path of its own to batch. Rendering the settings into the component
   * configuration would not make the device's process honour them, so setting it is an error: pass
   * your server's batch settings in `configuration` (e.g. `{ MaxBatchSize: '8' }`) and read them with
   * `{configuration:/MaxBatchSize}` in `runCommand`.
   *
   * @default - no batching
   */
  readonly dynamicBatching?: DynamicBatching;
}

/**
 * An update channel that ships the quantized edge builds of a model to Greengrass v2 device fleets.
 *
 * - one component version per model version: its recipe has a manifest per edge platform with the
 *   build's S3 URI and SHA-256 digest, and an Install step that verifies the digest on the device;
 * - per device class: thing groups (created or referenced), a token exchange role with read on exactly
 *   the class's build (plus role alias and IoT policy), and one deployment per update ring;
 * - update rings (canary then fleet, or N typed `rings` with shares and bakes in hours or days): each
 *   ring's deployment after the previous ring's (DependsOn), each with an
 *   IoT job rollout rate, abort criteria, in-progress timeout, ROLLBACK failure handling, component update
 *   and configuration validation policies — typed here, rendered in the PascalCase CloudFormation wants;
 * - `FleetRelease.freeze(...)` keeps every ring on its version: no new deployment revision;
 * - fleet health: alarms on each deployment's failed and rejected job executions.
 *
 * Greengrass has no AWS Signer integration for component artifacts (CloudFormation's
 * `AWS::Signer::SigningProfile` supports the Lambda and Notation-OCI platforms only); integrity rests on
 * the SHA-256 digest, checked by the nucleus against the service's value and by the Install step
 * against the value computed at synth.
 *
 * @example
 * new EdgeFleetChannel(this, 'Edge', {
 *   artifact,
 *   deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }],
 *   rollout: Rollout.canary({ percent: 5, bakeTime: Duration.hours(1) }),
 *   release: FleetRelease.canary('1.3.0'),
 * });
 */
export class EdgeFleetChannel extends InferenceLaneBase {
  /** The archetype. */
  public readonly laneKind = LaneKind.EDGE_FLEET;
  /** Name of the bound model. */
  public readonly artifactName: string;
  /** Version of the candidate model. */
  public readonly artifactVersion: string;
  /** What the lane runs on. */
  public readonly capacity: LaneCapacity;
  /** One alarm per deployed ring and device class on failed + rejected job executions. */
  public readonly healthAlarms: cloudwatch.IAlarm[] = [];
  /** Greengrass component name. */
  public readonly componentName: string;
  /** Component version of the candidate. */
  public readonly componentVersion: string;
  /** The candidate component version resource. */
  public readonly component: greengrassv2.CfnComponentVersion;
  /** The release this stack version renders. */
  public readonly release: FleetRelease;
  /** How long to watch the first ring before the next one gets the candidate (with two or more rings). */
  public readonly canaryBakeTime?: Duration;
  /** Names of the update rings, in rollout order (`['canary', 'fleet']` with `Rollout.canary`). */
  public readonly ringNames: string[];

  private readonly classes = new Map<string, DeviceClassState>();
  private readonly rings: RingPlan[];
  private readonly installTimeout: Duration;
  private readonly deviceClassList: EdgeDeviceClass[];

  constructor(scope: Construct, id: string, props: EdgeFleetChannelProps) {
    super(scope, id);
    // Props not given come from the enclosing HybridTopology (artifact, rollout).
    const rolloutExplicit = props.rollout !== undefined;
    const p = withLaneDefaults(this, props, 'EdgeFleetChannel', ['artifact', 'rollout']);
    const artifact = p.artifact;
    const rollout = p.rollout ?? Rollout.allAtOnce();
    this.rings = planRings(this, { rings: p.rings, rollout, rolloutExplicit, canaryJob: p.canaryJob, fleetJob: p.fleetJob });
    this.ringNames = this.rings.map(r => r.name);
    this.release = checkRelease(this, p.release, this.rings);
    this.canaryBakeTime = this.rings.length > 1 ? this.rings[0].bake : undefined;
    const settings = channelSettings(this, p, artifact, rollout);
    checkDynamicBatching(this, p.dynamicBatching)?.validateFor(this, {
      lane: 'EdgeFleetChannel (Greengrass v2)', supported: false,
      reason: 'the component runs runCommand on the device and Greengrass has no request path to batch; batch settings in the component configuration would not make your process honour them',
    });
    this.installTimeout = settings.installTimeout;
    this.deviceClassList = settings.classes;
    this.componentName = settings.componentName;
    this.componentVersion = settings.componentVersion;
    this.artifactName = artifact.name;
    this.artifactVersion = artifact.version;

    // Per class: its build bound and tagged, its role, its ring groups.
    const claims = new ThingGroupClaims(this);
    settings.classes.forEach((_c, index) => {
      const state = addDeviceClass(this, {
        artifact, classes: settings.classes, index, rings: this.rings, namePrefix: settings.namePrefix, componentName: this.componentName, claims,
      });
      this.classes.set(state.deviceClass.name, state);
    });
    const states = [...this.classes.values()];
    this.component = addComponent(this, {
      artifact,
      bindings: states.map(s => s.binding),
      componentName: this.componentName,
      componentVersion: this.componentVersion,
      configuration: p.configuration,
      runCommand: p.runCommand,
      installTimeout: settings.installTimeout,
    });
    this.healthAlarms.push(...addRingDeployments(this, {
      classes: states,
      rings: this.rings,
      release: this.release,
      component: this.component,
      componentName: this.componentName,
      componentVersion: this.componentVersion,
      policies: settings.policies,
      fleetHealth: settings.fleetHealth,
      healthAlarmFailedDevices: settings.healthAlarmFailedDevices,
    }));
    if (this.release.stage !== ReleaseStage.PROMOTED) {
      Annotations.of(this).addInfo(`EdgeFleetChannel ${this.componentName}: release ${this.release.toString()}, candidate ${this.componentVersion}.`);
    }
    this.capacity = this.deviceCapacity(settings.classes);
  }

  /**
   * Expected time for a release to reach every device of the largest class (by `expectedDevices`):
   * per ring, the IoT job rollout at the ring's rate (exponential rate and maximum per minute, as
   * rendered) and its bake before the next ring, then the on-device install, bounded by
   * `installTimeout`. Without `expectedDevices` the rollout steps are left out. README "Scale-out lead time".
   */
  public get scaleOutLeadTime(): ScaleOutLeadTime {
    return edgeLeadTime(this.rings, this.installTimeout, this.deviceClassList);
  }

  /** Names of the device classes. */
  public get deviceClassNames(): string[] {
    return [...this.classes.keys()];
  }

  /**
   * The role the devices of a class use (through their role alias) to download the class's build.
   */
  public deviceRole(deviceClass: string): iam.IRole {
    return this.state(deviceClass).role;
  }

  /**
   * Name of the role alias created for a class; devices set it as the nucleus's `iotRoleAlias`.
   *
   * @returns undefined when the class brought its own `deviceRole`
   */
  public roleAliasName(deviceClass: string): string | undefined {
    return this.state(deviceClass).roleAliasName;
  }

  /**
   * How long to watch a ring before the next ring gets the candidate.
   *
   * @returns undefined for the last ring
   */
  public ringBake(ring: string): Duration | undefined {
    const plan = this.rings.find(r => r.name === ring);
    if (!plan) {
      throw invalid(this, 'ring', ring, 'is not a ring of this channel', `Use one of: ${this.ringNames.join(', ')}.`);
    }
    return plan.bake;
  }

  /**
   * Add a statement to the role a class's devices use (their token exchange role). A Greengrass core
   * device has exactly one role alias (`iotRoleAlias`) and so one role: everything its components
   * call in AWS (other channels' models, logs, your own buckets) must be allowed on that role.
   */
  public addToDeviceRolePolicy(deviceClass: string, statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.state(deviceClass).role.addToPrincipalPolicy(statement);
  }

  /** Name of the thing group of a class's ring. */
  public thingGroupName(deviceClass: string, ring: string): string {
    const name = this.state(deviceClass).groups[ring];
    if (name === undefined) {
      throw invalid(this, 'ring', ring, `is not a ring of device class '${deviceClass}'`, `Use one of: ${Object.keys(this.state(deviceClass).groups).join(', ')}.`);
    }
    return name;
  }

  /**
   * The component version a class's ring runs in this stack version.
   *
   * @returns undefined when the ring has no deployment (first canary release)
   */
  public deployedVersion(deviceClass: string, ring: string): string | undefined {
    return this.state(deviceClass).versions[ring];
  }

  /**
   * The Greengrass deployment of a class's ring.
   *
   * @returns undefined when the ring has no deployment in this stack version
   */
  public deploymentFor(deviceClass: string, ring: string): greengrassv2.CfnDeployment | undefined {
    return this.state(deviceClass).deployments[ring];
  }

  /**
   * Job executions of a class's ring deployment in a given status (`AWS/IoT` `<Status>JobExecutionTotalCount`
   * with the deployment's IoT job ID; statistic Maximum over 5 minutes).
   *
   * @throws LaneValidationError when fleet health is off or the ring has no deployment
   */
  public metricJobExecutions(deviceClass: string, ring: string, status: JobExecutionStatus, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const jobId = this.state(deviceClass).jobIds[ring];
    if (jobId === undefined) {
      throw invalid(this, 'fleetHealth', this.state(deviceClass).deployments[ring] ? false : `no ${ring} deployment`, `gives no IoT job ID for the ${ring} ring of '${deviceClass}'`, 'Keep fleetHealth enabled (the default) and ask for a ring that is deployed in this release.');
    }
    return jobExecutionsMetric(jobId, status, props);
  }

  /**
   * Edge models run on the devices and are not invoked through IAM.
   *
   * @throws LaneValidationError always
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    throw invalid(this, 'grantInvoke', grantee.grantPrincipal.toString(), 'is not possible: the model runs on the devices and is not invoked through IAM', 'Call the local inference component on the device (e.g. over Greengrass IPC) instead.');
  }

  private state(deviceClass: string): DeviceClassState {
    const s = this.classes.get(deviceClass);
    if (!s) {
      throw invalid(this, 'deviceClass', deviceClass, 'is not a device class of this channel', `Use one of: ${[...this.classes.keys()].join(', ')}.`);
    }
    return s;
  }

  /**
   * Devices are not counted in CloudWatch (`metricCapacityInService()` is undefined): the capacity is
   * the sum of the classes' `expectedDevices`.
   */
  private deviceCapacity(classes: EdgeDeviceClass[]): LaneCapacity {
    const devices = classes.reduce((n, c) => n + (c.expectedDevices ?? 0), 0);
    return {
      minInstances: devices,
      maxInstances: devices,
      instanceType: 'greengrass-core-device',
      hardware: classes[0].target,
      priceClass: 'per-device',
      description: classes.map(c => `${c.name}: ${c.target} ${this.classes.get(c.name)!.binding.precision}, ${c.expectedDevices ?? 'unknown'} devices`).join('; ') + `; rings: ${this.ringNames.join(' then ')}`,
    };
  }
}
