import * as iam from 'aws-cdk-lib/aws-iam';
import { HardwareTarget } from '../core/hardware';

/**
 * A class of edge devices that run the same build of the model (e.g. arm64 gateways, x86_64 kiosks).
 *
 * Each class gets its own thing groups (a fleet ring, and a canary ring with a canary rollout), its own
 * Greengrass deployments, and its own device role with read access to exactly its build's objects.
 * A device must belong to exactly one ring group of one class: Greengrass merges the deployments of
 * every group a device is in, and two versions of the same component on one device fail both.
 */
export interface EdgeDeviceClass {
  /**
   * Name of the class: letters, digits, '-' and '_', at most 40 characters. It becomes part of thing
   * group, role alias and IoT policy names and of construct IDs: renaming a class replaces its resources.
   */
  readonly name: string;

  /**
   * The hardware of the class; picks the artifact's build. `EDGE_ARM64` devices get the manifest for
   * `linux/aarch64`, `EDGE_X86_64` devices the one for `linux/amd64`.
   */
  readonly target: HardwareTarget;

  /**
   * Name of an existing thing group holding the class's fleet ring (the last ring). Requires
   * `keepComponents`: the channel's deployment replaces the group's current deployment.
   *
   * @default - a thing group `<namePrefix>-<name>` is created
   */
  readonly thingGroupName?: string;

  /**
   * Name of an existing thing group holding the class's canary ring (the first of two or more rings).
   * Requires `keepComponents`.
   *
   * @default - a thing group `<namePrefix>-<name>-canary` is created when the rollout is a canary
   */
  readonly canaryThingGroupName?: string;

  /**
   * Existing thing groups by ring name (for `rings`), e.g. `{ pilot: 'store-pilots' }`. Requires
   * `keepComponents`.
   *
   * @default - a thing group `<namePrefix>-<name>-<ring>` is created per ring (`<namePrefix>-<name>` for
   * the ring named `fleet`)
   */
  readonly ringThingGroupNames?: { [ring: string]: string };

  /**
   * Components the devices of this class must keep, by name with their version, e.g.
   * `{ 'aws.greengrass.Nucleus': '2.14.0', 'com.example.Kiosk': '3.1.0' }`. Merged into every ring's
   * deployment of the class. A Greengrass deployment to a thing group replaces the group's previous
   * deployment and the devices remove every component it does not list, so this is required as soon
   * as the class names an existing thing group (pass `{}` when that group has no deployment). Keep
   * the versions current: the next stack deployment installs exactly these.
   *
   * @default - none; required with an existing thing group
   */
  readonly keepComponents?: { [componentName: string]: string };

  /**
   * The Greengrass token exchange role the class's devices already use (through their role alias). It
   * is granted read on exactly the class's build; no role alias or IoT policy is created. A core device
   * has one role alias (`iotRoleAlias`) and so one role: pass it here when the devices already run
   * Greengrass, or when another channel ships to the same devices (`otherChannel.deviceRole('gateways')`).
   *
   * @default - a token exchange role, a role alias `<namePrefix>-<name>-tes` and an IoT policy allowing
   * `iot:AssumeRoleWithCertificate` on that alias are created. Setting that alias as the devices'
   * `iotRoleAlias` makes this role their only role: add what else they need with
   * `EdgeFleetChannel.addToDeviceRolePolicy`.
   */
  readonly deviceRole?: iam.IRole;

  /**
   * How many devices the class has, for capacity and cost views.
   *
   * @default - unknown (counted as 0)
   */
  readonly expectedDevices?: number;

  /**
   * Configuration merged onto the component's defaults on this class's devices (the deployment's
   * `ConfigurationUpdate.Merge`), e.g. `{ Threads: '2' }`.
   *
   * @default - the component's default configuration
   */
  readonly configuration?: { [key: string]: string };
}
