import { InferenceLaneBase } from '../core/inference-lane-base';
import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { tagLane } from '../core/private/tagging';
import { invalid, isConcreteString } from '../core/private/errors';
import { checkOneOf, checkPinnedVersion, checkWholeNumber } from '../core/private/validation';
import { HardwareTarget, LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity } from '../core/inference-lane';
import { ModelArtifact, ModelArtifactBinding } from '../core/model-artifact';
import { Rollout } from '../core/rollout';
import { RouteTarget } from '../core/route-target';
import { EdgeDeviceClass } from './edge-device-class';
import { FleetJobOptions } from './fleet-job';
import { EdgeRing } from './edge-ring';
import { FleetRelease, ReleaseStage } from './fleet-release';
import { renderJobConfiguration, wholeSeconds } from './private/job-config';
import { acknowledgeJobLookupFindings } from './private/nag';
import { checkKeptComponents, existingGroupsOf, renderKeptComponents } from './private/groups';
import { buildRecipe, EDGE_PLATFORMS, RecipeBuild } from './private/recipe';
import { checkRelease, planRings, ringGroupDescription, RingPlan } from './private/rings';
import { isComponentVersion } from './private/versions';
import { withLaneDefaults } from '../core/private/lane-defaults';

/**
 * Status of a deployment's IoT job executions, for {@link EdgeFleetChannel.metricJobExecutions}.
 */
export enum JobExecutionStatus {
  /** Devices that reported the deployment as failed (`FailedJobExecutionTotalCount`). */
  FAILED = 'Failed',
  /** Devices that rejected the deployment (`RejectedJobExecutionTotalCount`). */
  REJECTED = 'Rejected',
  /** Devices that applied the deployment (`SuccededJobExecutionTotalCount`, AWS's spelling). */
  SUCCEEDED = 'Succeded',
  /** Executions cancelled, e.g. by an abort criterion (`CanceledJobExecutionTotalCount`). */
  CANCELED = 'Canceled',
  /** Devices installing right now (`InProgressJobExecutionTotalCount`). */
  IN_PROGRESS = 'InProgress',
  /** Devices not reached yet, e.g. offline (`QueuedJobExecutionTotalCount`). */
  QUEUED = 'Queued',
  /** Devices removed from the target group (`RemovedJobExecutionTotalCount`). */
  REMOVED = 'Removed',
}

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
   * Command the component runs on the device (the Run lifecycle step), with `MODEL_DIR` pointing at the
   * verified, unpacked model. Recipe variables such as `{configuration:/Threads}` work.
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
}

interface ClassState {
  readonly deviceClass: EdgeDeviceClass;
  readonly binding: ModelArtifactBinding;
  readonly role: iam.IRole;
  readonly roleAliasName?: string;
  readonly groups: { [ring: string]: string };
  /** Rings whose group existed before the channel (their deployment replaces the group's). */
  readonly existingGroups: string[];
  readonly deployments: { [ring: string]: greengrassv2.CfnDeployment };
  readonly versions: { [ring: string]: string };
  readonly jobIds: { [ring: string]: string };
}

const NAME_RE = /^[A-Za-z0-9_-]{1,40}$/;
const COMPONENT_NAME_RE = /^[A-Za-z0-9._-]{1,128}$/;

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
export class EdgeFleetChannel extends InferenceLaneBase implements IInferenceLane {
  /** The archetype. */
  public readonly laneKind = LaneKind.EDGE_FLEET;
  /** Name of the bound model. */
  public readonly artifactName: string;
  /** Version of the candidate model. */
  public readonly artifactVersion: string;
  /** What the lane runs on. */
  public readonly capacity: LaneCapacity;
  /** Edge devices report no inference metrics to the cloud: no SLO alarms. */
  public readonly sloAlarms: cloudwatch.IAlarm[] = [];
  /** Edge devices report no inference metrics to the cloud: no Application Signals SLOs. */
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
  /** No burn-rate alarms (no SLO in CloudWatch); rollouts abort on {@link healthAlarms}' job criteria. */
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  /** Devices report no load to CloudWatch: no saturation metrics. */
  public readonly saturationMetrics: cloudwatch.IMetric[] = [];
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

  private readonly classes = new Map<string, ClassState>();
  private readonly rings: RingPlan[];
  private readonly namePrefix: string;
  /** Thing group name -> who targets it, to refuse two deployments of this channel to one group. */
  private readonly groupOwners = new Map<string, string>();

  constructor(scope: Construct, id: string, props: EdgeFleetChannelProps) {
    super(scope, id);
    // Props not given come from the enclosing HybridTopology (artifact, policy, SLO, rollout).
    const rolloutExplicit = props.rollout !== undefined;
    props = withLaneDefaults(this, props, 'EdgeFleetChannel', ['artifact', 'rollout']);
    const artifact = props.artifact!;
    const rollout = props.rollout ?? Rollout.allAtOnce();
    this.rings = planRings(this, { rings: props.rings, rollout, rolloutExplicit, canaryJob: props.canaryJob, fleetJob: props.fleetJob });
    this.ringNames = this.rings.map(r => r.name);
    this.release = checkRelease(this, props.release, this.rings);
    this.canaryBakeTime = this.rings.length > 1 ? this.rings[0].bake : undefined;

    this.namePrefix = props.namePrefix ?? artifact.name;
    if (isConcreteString(this.namePrefix) && (typeof this.namePrefix !== 'string' || !NAME_RE.test(this.namePrefix))) {
      throw invalid(this, 'namePrefix', this.namePrefix, "may only hold letters, digits, '-' and '_' (at most 40 characters)", "Pass e.g. 'assistant-edge'.");
    }
    this.componentName = props.componentName ?? `models.${artifact.name}`;
    if (isConcreteString(this.componentName) && (typeof this.componentName !== 'string' || !COMPONENT_NAME_RE.test(this.componentName) || this.componentName.toLowerCase().startsWith('aws.'))) {
      throw invalid(this, 'componentName', this.componentName, "is not a Greengrass component name (letters, digits, '.', '-', '_'; at most 128; the 'aws.' prefix is reserved)", "Pass e.g. 'com.example.AssistantModel'.");
    }
    this.componentVersion = props.componentVersion ?? artifact.version;
    if (isConcreteString(this.componentVersion) && !isComponentVersion(this.componentVersion)) {
      const prop = props.componentVersion === undefined ? 'artifact.version' : 'componentVersion';
      checkPinnedVersion(this, prop, this.componentVersion, "Pass componentVersion, e.g. '1.4.0': a Greengrass component version is a semantic version major.minor.patch, pinned so rollbacks return to the same bits.");
      throw invalid(this, prop, this.componentVersion, 'is not a Greengrass component version (semantic version major.minor.patch)', "Pass componentVersion, e.g. '1.4.0', mapping this model version to a component version.");
    }
    this.artifactName = artifact.name;
    this.artifactVersion = artifact.version;

    const installTimeout = props.installTimeout ?? Duration.minutes(10);
    wholeSeconds(this, 'installTimeout', installTimeout);
    const updateTimeout = wholeSeconds(this, 'componentUpdateTimeout', props.componentUpdateTimeout ?? Duration.seconds(60));
    const validationTimeout = wholeSeconds(this, 'configurationValidationTimeout', props.configurationValidationTimeout ?? Duration.seconds(30));
    const alarmDevices = props.healthAlarmFailedDevices ?? 1;
    checkWholeNumber(this, 'healthAlarmFailedDevices', alarmDevices, 1);
    for (const prop of ['notifyComponents', 'fleetHealth'] as const) {
      if (props[prop] !== undefined && typeof props[prop] !== 'boolean') {
        throw invalid(this, prop, props[prop], 'is not a boolean', `Pass true or false, or omit ${prop} for the default.`);
      }
    }
    if (props.runCommand !== undefined && isConcreteString(props.runCommand) && (typeof props.runCommand !== 'string' || props.runCommand.trim() === '')) {
      throw invalid(this, 'runCommand', props.runCommand, 'is empty: the Run step would start nothing', 'Pass the command that serves the model, e.g. \'python3 -u serve.py --model "$MODEL_DIR"\', or omit runCommand for an install-only component.');
    }
    for (const [key, value] of Object.entries(props.configuration ?? {})) {
      if (typeof value !== 'string') {
        throw invalid(this, `configuration.${key}`, value, 'is not a string', `Pass it as text, e.g. '${String(value)}'.`);
      }
    }

    const classes = props.deviceClasses ?? [];
    if (!Array.isArray(classes) || classes.length === 0) {
      throw invalid(this, 'deviceClasses', classes, Array.isArray(classes) ? 'is empty' : 'is not a list', "List at least one device class, e.g. { name: 'gateways', target: HardwareTarget.EDGE_ARM64 }.");
    }

    // The builds: one binding per device class (grants its role), one recipe manifest per platform.
    const bindings = classes.map((c, i) => this.bindClass(artifact, c, i, classes));
    const builds = new Map<HardwareTarget, RecipeBuild>();
    for (const b of bindings) {
      if (!builds.has(b.target)) {
        builds.set(b.target, { binding: b, sha256Hex: b.digest!.slice('sha256:'.length) });
      }
    }

    const recipe = buildRecipe({
      componentName: this.componentName,
      componentVersion: this.componentVersion,
      publisher: artifact.card?.owner ?? 'cdk-inference-lanes',
      description: `${artifact.name} ${artifact.version} for edge devices (${[...builds.values()].map(b => `${b.binding.target} ${b.binding.precision}`).join(', ')}); the Install step verifies the SHA-256 of the download.`,
      defaultConfiguration: {
        ModelName: artifact.name,
        ModelVersion: artifact.version,
        Framework: artifact.framework,
        ModelCard: artifact.cardJson(),
        ...(props.configuration ?? {}),
      },
      builds: [...builds.values()],
      runCommand: props.runCommand,
      installTimeout,
    });
    this.component = new greengrassv2.CfnComponentVersion(this, 'Component', {
      inlineRecipe: Stack.of(this).toJsonString(recipe),
    });
    // Rings pinned to older versions and device rollbacks need the old versions to stay.
    this.component.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const [k, v] of Object.entries(artifact.tags())) {
      Tags.of(this.component).add(k, v);
    }
    Tags.of(this.component).add('inference:lane', LaneKind.EDGE_FLEET);

    const policies: greengrassv2.CfnDeployment.DeploymentPoliciesProperty = {
      failureHandlingPolicy: rollout.autoRollback ? 'ROLLBACK' : 'DO_NOTHING',
      componentUpdatePolicy: {
        action: (props.notifyComponents ?? true) ? 'NOTIFY_COMPONENTS' : 'SKIP_NOTIFY_COMPONENTS',
        timeoutInSeconds: updateTimeout,
      },
      configurationValidationPolicy: { timeoutInSeconds: validationTimeout },
    };
    const jobs: { [ring: string]: greengrassv2.CfnDeployment.DeploymentIoTJobConfigurationProperty } = {};
    for (const ring of this.rings) {
      jobs[ring.name] = renderJobConfiguration(this, ring.jobProp, ring.job, ring.jobDefaults);
    }

    classes.forEach(c => {
      const state = this.classes.get(c.name)!;
      const scope = this.node.findChild(c.name) as Construct;
      let previous: greengrassv2.CfnDeployment | undefined;
      for (const plan of this.rings) {
        const ring = plan.name;
        const version = this.release.versionFor(ring, this.componentVersion, this.ringNames);
        if (version === undefined) { continue; }
        const ringScope = new Construct(scope, plan.id);
        const targetArn = Stack.of(this).formatArn({ service: 'iot', resource: 'thinggroup', resourceName: state.groups[ring] });
        const deployment = new greengrassv2.CfnDeployment(ringScope, 'Deployment', {
          targetArn,
          deploymentName: `${this.componentName}-${c.name}-${ring}`,
          components: {
            // A deployment to a thing group replaces the group's previous one, and Greengrass removes
            // every component it does not list: the components the class keeps come first.
            ...renderKeptComponents(c.keepComponents),
            [this.componentName]: {
              componentVersion: version,
              configurationUpdate: c.configuration ? { merge: JSON.stringify(c.configuration) } : undefined,
            },
          },
          deploymentPolicies: policies,
          iotJobConfiguration: jobs[ring],
        });
        deployment.node.addDependency(this.component);
        const group = scope.node.tryFindChild(`${plan.id}Group`);
        if (group) { deployment.node.addDependency(group); }
        // Ring order: CloudFormation creates each ring's deployment after the previous ring's.
        if (previous) { deployment.node.addDependency(previous); }
        previous = deployment;
        state.deployments[ring] = deployment;
        state.versions[ring] = version;
        // A deployment's properties depend only on its pinned version, never on the candidate artifact:
        // a frozen ring renders identically whatever the stack is given.
        Tags.of(ringScope).remove('model:version', { priority: 300 });
        Tags.of(ringScope).add('edge:component-version', version, { priority: 300 });
        if (props.fleetHealth ?? true) {
          this.watch(ringScope, c.name, ring, deployment, targetArn, state, alarmDevices);
        }
      }
    });
    if (this.release.stage !== ReleaseStage.PROMOTED) {
      Annotations.of(this).addInfo(`EdgeFleetChannel ${this.componentName}: release ${this.release.toString()}, candidate ${this.componentVersion}.`);
    }

    const devices = classes.reduce((n, c) => n + (c.expectedDevices ?? 0), 0);
    this.capacity = {
      minInstances: devices,
      maxInstances: devices,
      instanceType: 'greengrass-core-device',
      hardware: classes[0].target,
      priceClass: 'per-device',
      description: classes.map(c => `${c.name}: ${c.target} ${this.classes.get(c.name)!.binding.precision}, ${c.expectedDevices ?? 'unknown'} devices`).join('; ') + `; rings: ${this.ringNames.join(' then ')}`,
    };
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
    return new cloudwatch.Metric({
      namespace: 'AWS/IoT',
      metricName: `${status}JobExecutionTotalCount`,
      dimensionsMap: { JobId: jobId },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Edge devices report no inference latency to CloudWatch. */
  public metricLatency(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /** Edge devices report no inference errors to CloudWatch. */
  public metricErrors(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /** Edge devices report no inference counts to CloudWatch. */
  public metricInvocations(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Devices are not counted in CloudWatch: undefined. `capacity.minInstances` is the sum of the
   * device classes' `expectedDevices`.
   */
  public metricCapacityInService(_props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return undefined;
  }

  /**
   * Not routable: devices run the model locally and take no requests from the cloud.
   *
   * @returns undefined always
   */
  public routeTarget(): RouteTarget | undefined {
    return undefined;
  }

  /**
   * Edge models run on the devices and are not invoked through IAM.
   *
   * @throws LaneValidationError always
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    throw invalid(this, 'grantInvoke', grantee.grantPrincipal.toString(), 'is not possible: the model runs on the devices and is not invoked through IAM', 'Call the local inference component on the device (e.g. over Greengrass IPC) instead.');
  }

  private state(deviceClass: string): ClassState {
    const s = this.classes.get(deviceClass);
    if (!s) {
      throw invalid(this, 'deviceClass', deviceClass, 'is not a device class of this channel', `Use one of: ${[...this.classes.keys()].join(', ')}.`);
    }
    return s;
  }

  private bindClass(artifact: ModelArtifact, c: EdgeDeviceClass, i: number, all: EdgeDeviceClass[]): ModelArtifactBinding {
    const p = `deviceClasses[${i}]`;
    if (c === null || typeof c !== 'object') {
      throw invalid(this, p, c, 'is not a device class', "Pass { name: 'gateways', target: HardwareTarget.EDGE_ARM64 }.");
    }
    if (typeof c.name !== 'string' || (isConcreteString(c.name) && !NAME_RE.test(c.name))) {
      throw invalid(this, `${p}.name`, c.name, "may only hold letters, digits, '-' and '_' (at most 40 characters)", "Use e.g. 'gateways'.");
    }
    if (all.findIndex(o => o.name === c.name) !== i) {
      throw invalid(this, `${p}.name`, c.name, 'is used by another device class', 'Give each device class its own name.');
    }
    checkOneOf(this, `${p}.target`, c.target, Object.keys(EDGE_PLATFORMS) as HardwareTarget[], 'Use HardwareTarget.EDGE_ARM64 (linux/aarch64) or HardwareTarget.EDGE_X86_64 (linux/amd64): an edge target.');
    checkWholeNumber(this, `${p}.expectedDevices`, c.expectedDevices, 0);
    for (const [key, value] of Object.entries(c.configuration ?? {})) {
      if (typeof value !== 'string') {
        throw invalid(this, `${p}.configuration.${key}`, value, 'is not a string', `Pass it as text, e.g. '${String(value)}'.`);
      }
    }
    const existing = existingGroupsOf(this, p, c, this.rings);
    for (const [ring, g] of Object.entries(existing)) {
      this.claimGroup(g.name, g.prop, `ring '${ring}' of device class '${c.name}'`);
    }
    checkKeptComponents(this, p, c, existing, this.componentName);

    const scope = new Construct(this, c.name);
    const consumer = `${this.node.path} device class '${c.name}'`;
    // No grantee here: the asset source of core's ModelWeights grants read on the whole assets bucket.
    // The lane grants read on exactly the build's object below.
    const binding = artifact.bind(scope, { target: c.target, consumer });
    this.checkBuild(p, binding, artifact, c, consumer);

    const namePrefix = this.namePrefix;
    let role: iam.IRole;
    let roleAliasName: string | undefined;
    if (c.deviceRole) {
      role = c.deviceRole;
    } else {
      role = new iam.Role(scope, 'DeviceRole', {
        assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
        description: `Greengrass token exchange role of ${c.name} devices (${artifact.name}): reads the ${binding.target} ${binding.precision} build only`,
      });
      roleAliasName = `${namePrefix}-${c.name}-tes`;
      new iot.CfnRoleAlias(scope, 'RoleAlias', {
        roleAlias: roleAliasName,
        roleArn: role.roleArn,
        credentialDurationSeconds: 3600,
      });
      const aliasArn = Stack.of(this).formatArn({ service: 'iot', resource: 'rolealias', resourceName: roleAliasName });
      const policy = new iot.CfnPolicy(scope, 'RoleAliasPolicy', {
        policyName: `${namePrefix}-${c.name}-tes-alias`,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: aliasArn }],
        },
      });
      policy.node.addDependency(scope.node.findChild('RoleAlias'));
    }
    this.grantBuild(scope, role, artifact, c, consumer, binding);

    const groups: { [ring: string]: string } = {};
    let previousPercent = 0;
    this.rings.forEach(ring => {
      const given = existing[ring.name];
      groups[ring.name] = given?.name ?? this.createGroup(scope, `${ring.id}Group`,
        ring.name === 'fleet' ? `${namePrefix}-${c.name}` : `${namePrefix}-${c.name}-${ring.name}`,
        ringGroupDescription(ring, previousPercent, c.name, `${binding.target}`, artifact.name));
      previousPercent = ring.percent ?? previousPercent;
    });

    tagLane(scope, binding, LaneKind.EDGE_FLEET);
    this.classes.set(c.name, {
      deviceClass: c, binding, role, roleAliasName, groups, existingGroups: Object.keys(existing), deployments: {}, versions: {}, jobIds: {},
    });
    return binding;
  }

  private checkBuild(p: string, b: ModelArtifactBinding, artifact: ModelArtifact, c: EdgeDeviceClass, consumer: string): void {
    const variant = artifact.variantFor(c.target, consumer);
    if (b.modelDataUrl === undefined || b.objectKey === undefined || b.bucketArn === undefined) {
      throw invalid(this, `${p}.target`, c.target, `selects a build with no S3 object (${variant.weights.description}): Greengrass downloads artifacts from S3`, 'Give this target a variant whose weights are a file asset or an S3 object.');
    }
    if (b.isPrefix) {
      throw invalid(this, `${p}.target`, c.target, `selects a build stored under an S3 prefix (${variant.weights.description}): a Greengrass artifact is one object`, 'Package the build as one archive (.tar.gz or .zip) and use ModelWeights.fromBucket or fromAsset.');
    }
    if (b.digest === undefined || Token.isUnresolved(b.digest)) {
      throw invalid(this, `${p}.target`, c.target, `selects a build without a SHA-256 digest known at synth (${variant.weights.description}): devices could not verify what they download`, "Pass the digest: ModelWeights.fromBucket(bucket, key, { digest: 'sha256:<64 hex>' }) or the variant's digest.");
    }
  }

  private grantBuild(scope: Construct, role: iam.IRole, artifact: ModelArtifact, c: EdgeDeviceClass, consumer: string, b: ModelArtifactBinding): void {
    const variant = artifact.variantFor(c.target, consumer);
    // Exactly the object (and its KMS key, if any) through the weights source itself.
    variant.weights.bind(scope, role);
    // The nucleus asks for the bucket's region before downloading.
    iam.Grant.addToPrincipal({ grantee: role, actions: ['s3:GetBucketLocation'], resourceArns: [b.bucketArn!] });
  }

  /** Two deployments to one thing group replace each other: every ring of every class needs its own group. */
  private claimGroup(name: string, prop: string, owner: string): void {
    if (!isConcreteString(name)) { return; }
    const other = this.groupOwners.get(name);
    if (other !== undefined) {
      throw invalid(this, prop, name, `is also the thing group of ${other}: a deployment to a thing group replaces the group's previous one, so the two would undo each other`, 'Give every ring of every device class its own thing group.');
    }
    this.groupOwners.set(name, owner);
  }

  private createGroup(scope: Construct, id: string, name: string, description: string): string {
    this.claimGroup(name, 'namePrefix', `the group the channel creates for ${scope.node.id} (${id})`);
    new iot.CfnThingGroup(scope, id, {
      thingGroupName: name,
      thingGroupProperties: { thingGroupDescription: description },
    });
    return name;
  }

  private watch(ringScope: Construct, className: string, ring: string, deployment: greengrassv2.CfnDeployment, targetArn: string, state: ClassState, threshold: number): void {
    const stack = Stack.of(this);
    const jobArns = stack.formatArn({ service: 'iot', resource: 'job', resourceName: '*' });
    const lookup = new cr.AwsCustomResource(ringScope, 'JobLookup', {
      onUpdate: {
        service: 'GreengrassV2',
        action: 'GetDeployment',
        parameters: { deploymentId: deployment.attrDeploymentId },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('iotJobId'),
        outputPaths: ['iotJobId'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['greengrass:GetDeployment'],
          resources: [stack.formatArn({ service: 'greengrass', resource: 'deployments', resourceName: deployment.attrDeploymentId, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
        // Read-only actions the service authorization reference lists as dependent actions of
        // GetDeployment. The job ID is what is being looked up, hence job/*.
        new iam.PolicyStatement({
          actions: ['iot:DescribeJob'],
          resources: [jobArns],
        }),
        new iam.PolicyStatement({
          actions: ['iot:DescribeThingGroup'],
          resources: [targetArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeJobLookupFindings(lookup, jobArns);
    const jobId = lookup.getResponseField('iotJobId');
    state.jobIds[ring] = jobId;
    const failed = this.metricJobExecutions(className, ring, JobExecutionStatus.FAILED);
    const rejected = this.metricJobExecutions(className, ring, JobExecutionStatus.REJECTED);
    this.healthAlarms.push(new cloudwatch.Alarm(ringScope, 'HealthAlarm', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(rejected, 0)',
        usingMetrics: { failed, rejected },
        period: Duration.minutes(5),
        label: `${className} ${ring} failed + rejected devices`,
      }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Edge fleet ${this.componentName}: ${threshold} or more ${className} devices of the ${ring} ring failed or rejected deployment ${state.versions[ring]}. Do not promote; devices roll back on their own with ROLLBACK.`,
    }));
  }
}

