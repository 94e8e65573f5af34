import { Stack, Token } from 'aws-cdk-lib';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { HardwareTarget, LaneKind } from '../../core/hardware';
import { ModelArtifact, ModelArtifactBinding } from '../../core/model-artifact';
import { invalid, isConcreteString } from '../../core/private/errors';
import { tagLane } from '../../core/private/tagging';
import { checkOneOf, checkWholeNumber } from '../../core/private/validation';
import { EdgeDeviceClass } from '../edge-device-class';
import { checkKeptComponents, existingGroupsOf } from './groups';
import { EDGE_PLATFORMS } from './recipe';
import { RingPlan, ringGroupDescription } from './rings';

/**
 * # A device class of the edge lane
 *
 * What one device class gets: its build bound and tagged (one binding per class, because each class
 * may run another hardware target), its token exchange role (or the one it brings) with read on
 * exactly that build, the role alias and IoT policy, and a thing group per ring.
 */

/** Names of created groups, role aliases and policies, and device class names. @internal */
export const NAME_RE = /^[A-Za-z0-9_-]{1,40}$/;

/** What the channel keeps per device class. @internal */
export interface DeviceClassState {
  readonly deviceClass: EdgeDeviceClass;
  readonly binding: ModelArtifactBinding;
  readonly role: iam.IRole;
  readonly roleAliasName?: string;
  /** Thing group name per ring. */
  readonly groups: { [ring: string]: string };
  /** Rings whose group existed before the channel (their deployment replaces the group's). */
  readonly existingGroups: string[];
  readonly deployments: { [ring: string]: greengrassv2.CfnDeployment };
  readonly versions: { [ring: string]: string };
  readonly jobIds: { [ring: string]: string };
}

/**
 * Who targets which thing group: two deployments to one thing group replace each other, so every
 * ring of every class of a channel needs its own group.
 * @internal
 */
export class ThingGroupClaims {
  private readonly owners = new Map<string, string>();

  constructor(private readonly channel: Construct) {}

  /** Claim `name` for `owner`, or throw naming the owner that has it. */
  public claim(name: string, prop: string, owner: string): void {
    if (!isConcreteString(name)) { return; }
    const other = this.owners.get(name);
    if (other !== undefined) {
      throw invalid(this.channel, prop, name, `is also the thing group of ${other}: a deployment to a thing group replaces the group's previous one, so the two would undo each other`, 'Give every ring of every device class its own thing group.');
    }
    this.owners.set(name, owner);
  }
}

/** Inputs of {@link addDeviceClass}. @internal */
export interface DeviceClassInput {
  readonly artifact: ModelArtifact;
  readonly classes: EdgeDeviceClass[];
  readonly index: number;
  readonly rings: RingPlan[];
  readonly namePrefix: string;
  readonly componentName: string;
  readonly claims: ThingGroupClaims;
}

/**
 * Validate `classes[index]`, bind its build in a scope named after the class (tagged with the build's
 * identity and the lane kind), and create its role, role alias, IoT policy and ring groups there.
 * @internal
 */
export function addDeviceClass(channel: Construct, input: DeviceClassInput): DeviceClassState {
  const { artifact, rings, namePrefix } = input;
  const c = input.classes[input.index];
  const p = `deviceClasses[${input.index}]`;
  checkDeviceClass(channel, p, c, input.index, input.classes);
  const existing = existingGroupsOf(channel, p, c, rings);
  for (const [ring, g] of Object.entries(existing)) {
    input.claims.claim(g.name, g.prop, `ring '${ring}' of device class '${c.name}'`);
  }
  checkKeptComponents(channel, p, c, existing, input.componentName);

  const scope = new Construct(channel, c.name);
  const consumer = `${channel.node.path} device class '${c.name}'`;
  // What InferenceLaneBase.bindModel does, for this class's scope: the lane has one build per class.
  // No grantee here: the asset source of core's ModelWeights grants read on the whole assets bucket.
  // The lane grants read on exactly the build's object below.
  const binding = artifact.bind(scope, { target: c.target, consumer });
  checkBuild(channel, p, binding, artifact, c, consumer);

  const { role, roleAliasName } = deviceRole(scope, c, namePrefix, `Greengrass token exchange role of ${c.name} devices (${artifact.name}): reads the ${binding.target} ${binding.precision} build only`);
  // Exactly the object (and its KMS key, if any) through the weights source itself.
  const variant = artifact.variantFor(c.target, consumer);
  variant.weights.bind(scope, role);
  // And exactly the detached signature object, when the build is signed.
  variant.signature?.bind(scope, role);
  // The nucleus asks for the bucket's region before downloading.
  iam.Grant.addToPrincipal({ grantee: role, actions: ['s3:GetBucketLocation'], resourceArns: [...new Set([binding.bucketArn!, ...(binding.signature ? [binding.signature.bucketArn] : [])])] });

  const groups: { [ring: string]: string } = {};
  let previousPercent = 0;
  rings.forEach(ring => {
    const given = existing[ring.name];
    if (given) {
      groups[ring.name] = given.name;
    } else {
      const name = ring.name === 'fleet' ? `${namePrefix}-${c.name}` : `${namePrefix}-${c.name}-${ring.name}`;
      const id = `${ring.id}Group`;
      input.claims.claim(name, 'namePrefix', `the group the channel creates for ${c.name} (${id})`);
      new iot.CfnThingGroup(scope, id, {
        thingGroupName: name,
        thingGroupProperties: { thingGroupDescription: ringGroupDescription(ring, previousPercent, c.name, `${binding.target}`, artifact.name) },
      });
      groups[ring.name] = name;
    }
    previousPercent = ring.percent ?? previousPercent;
  });

  tagLane(scope, binding, LaneKind.EDGE_FLEET);
  return { deviceClass: c, binding, role, roleAliasName, groups, existingGroups: Object.keys(existing), deployments: {}, versions: {}, jobIds: {} };
}

function checkDeviceClass(channel: Construct, p: string, c: EdgeDeviceClass, i: number, all: EdgeDeviceClass[]): void {
  if (c === null || typeof c !== 'object') {
    throw invalid(channel, p, c, 'is not a device class', "Pass { name: 'gateways', target: HardwareTarget.EDGE_ARM64 }.");
  }
  if (typeof c.name !== 'string' || (isConcreteString(c.name) && !NAME_RE.test(c.name))) {
    throw invalid(channel, `${p}.name`, c.name, "may only hold letters, digits, '-' and '_' (at most 40 characters)", "Use e.g. 'gateways'.");
  }
  if (all.findIndex(o => o.name === c.name) !== i) {
    throw invalid(channel, `${p}.name`, c.name, 'is used by another device class', 'Give each device class its own name.');
  }
  checkOneOf(channel, `${p}.target`, c.target, Object.keys(EDGE_PLATFORMS) as HardwareTarget[], 'Use HardwareTarget.EDGE_ARM64 (linux/aarch64) or HardwareTarget.EDGE_X86_64 (linux/amd64): an edge target.');
  checkWholeNumber(channel, `${p}.expectedDevices`, c.expectedDevices, 0);
  for (const [key, value] of Object.entries(c.configuration ?? {})) {
    if (typeof value !== 'string') {
      throw invalid(channel, `${p}.configuration.${key}`, value, 'is not a string', `Pass it as text, e.g. '${String(value)}'.`);
    }
  }
}

/** A Greengrass artifact is one S3 object whose SHA-256 the devices can check. */
function checkBuild(channel: Construct, p: string, b: ModelArtifactBinding, artifact: ModelArtifact, c: EdgeDeviceClass, consumer: string): void {
  const variant = artifact.variantFor(c.target, consumer);
  if (b.modelDataUrl === undefined || b.objectKey === undefined || b.bucketArn === undefined) {
    throw invalid(channel, `${p}.target`, c.target, `selects a build with no S3 object (${variant.weights.description}): Greengrass downloads artifacts from S3`, 'Give this target a variant whose weights are a file asset or an S3 object.');
  }
  if (b.isPrefix) {
    throw invalid(channel, `${p}.target`, c.target, `selects a build stored under an S3 prefix (${variant.weights.description}): a Greengrass artifact is one object`, 'Package the build as one archive (.tar.gz or .zip) and use ModelWeights.fromBucket or fromAsset.');
  }
  if (b.digest === undefined || Token.isUnresolved(b.digest)) {
    throw invalid(channel, `${p}.target`, c.target, `selects a build without a SHA-256 digest known at synth (${variant.weights.description}): devices could not verify what they download`, "Pass the digest: ModelWeights.fromBucket(bucket, key, { digest: 'sha256:<64 hex>' }) or the variant's digest.");
  }
  const sigKey = b.signature?.objectKey;
  if (sigKey !== undefined && !Token.isUnresolved(sigKey) && !Token.isUnresolved(b.objectKey) && sigKey.split('/').pop() === b.objectKey.split('/').pop()) {
    throw invalid(channel, `${p}.target`, c.target, `selects a build whose signature object has the same file name as its weights ('${sigKey.split('/').pop()}'): Greengrass downloads both into one folder`, "Name the signature after the file it signs, e.g. 'model.tar.gz.sig'.");
  }
}

/** The class's own role, or a created token exchange role with its role alias and IoT policy. */
function deviceRole(scope: Construct, c: EdgeDeviceClass, namePrefix: string, description: string): { role: iam.IRole; roleAliasName?: string } {
  if (c.deviceRole) {
    return { role: c.deviceRole };
  }
  const role = new iam.Role(scope, 'DeviceRole', {
    assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
    description,
  });
  const roleAliasName = `${namePrefix}-${c.name}-tes`;
  const alias = new iot.CfnRoleAlias(scope, 'RoleAlias', {
    roleAlias: roleAliasName,
    roleArn: role.roleArn,
    credentialDurationSeconds: 3600,
  });
  const aliasArn = Stack.of(scope).formatArn({ service: 'iot', resource: 'rolealias', resourceName: roleAliasName });
  const policy = new iot.CfnPolicy(scope, 'RoleAliasPolicy', {
    policyName: `${namePrefix}-${c.name}-tes-alias`,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: aliasArn }],
    },
  });
  policy.node.addDependency(alias);
  return { role, roleAliasName };
}
