import { IConstruct } from 'constructs';
import { invalid, isConcreteString } from '../../core/private/errors';
import { checkPinnedVersion } from '../../core/private/validation';
import { EdgeDeviceClass } from '../edge-device-class';
import { RingPlan } from './rings';
import { isComponentVersion } from './versions';

const GROUP_NAME_RE = /^[A-Za-z0-9:_-]{1,128}$/;
const COMPONENT_NAME_RE = /^[A-Za-z0-9._-]{1,128}$/;

/** An existing group a class names for a ring, with the prop it came from. @internal */
export interface ExistingGroup {
  readonly name: string;
  readonly prop: string;
}

/**
 * The existing thing groups a class names, by ring: `ringThingGroupNames`, `thingGroupName` (the last
 * ring) and `canaryThingGroupName` (the first of several rings).
 * @internal
 */
export function existingGroupsOf(scope: IConstruct, p: string, c: EdgeDeviceClass, rings: RingPlan[]): { [ring: string]: ExistingGroup } {
  const names = rings.map(r => r.name);
  const out: { [ring: string]: ExistingGroup } = {};
  const add = (ring: string, name: string, prop: string) => {
    if (isConcreteString(name) && !GROUP_NAME_RE.test(name)) {
      throw invalid(scope, prop, name, "is not a thing group name (letters, digits, ':', '_', '-'; at most 128)", "Pass the existing group's name, e.g. 'gateways-eu'.");
    }
    if (out[ring] !== undefined) {
      throw invalid(scope, prop, name, `names a second group for ring '${ring}' (${out[ring].prop} names '${out[ring].name}')`, 'Name each ring\'s group once.');
    }
    const clash = Object.entries(out).find(([, g]) => g.name === name);
    if (clash) {
      throw invalid(scope, prop, name, `is also the group of ring '${clash[0]}': a device belongs to one ring group only, and two deployments to one group replace each other`, 'Give each ring its own thing group.');
    }
    out[ring] = { name, prop };
  };
  if (c.canaryThingGroupName !== undefined) {
    if (rings.length < 2) {
      throw invalid(scope, `${p}.canaryThingGroupName`, c.canaryThingGroupName, 'has no canary ring to hold: the rollout is not a canary', 'Use Rollout.canary({ percent, bakeTime }) or rings, or drop canaryThingGroupName.');
    }
    add(names[0], c.canaryThingGroupName, `${p}.canaryThingGroupName`);
  }
  for (const [ring, name] of Object.entries(c.ringThingGroupNames ?? {})) {
    if (!names.includes(ring)) {
      throw invalid(scope, `${p}.ringThingGroupNames.${ring}`, name, `names a group for a ring the channel does not have ('${ring}')`, `Use the ring names: ${names.join(', ')}.`);
    }
    add(ring, name, `${p}.ringThingGroupNames.${ring}`);
  }
  if (c.thingGroupName !== undefined) {
    add(names[names.length - 1], c.thingGroupName, `${p}.thingGroupName`);
  }
  return out;
}

/**
 * An existing group may already have a deployment: this channel's deployment replaces it and
 * Greengrass removes every component the new one does not list. So a class with an existing group
 * must list what its devices keep (`{}` when the group has no deployment).
 * @internal
 */
export function checkKeptComponents(scope: IConstruct, p: string, c: EdgeDeviceClass, existing: { [ring: string]: ExistingGroup }, componentName: string): void {
  const groups = Object.values(existing);
  const keep = c.keepComponents;
  if (groups.length > 0 && keep === undefined) {
    const g = groups[0];
    throw invalid(scope, g.prop, g.name,
      'is an existing thing group: a deployment to a thing group replaces the group\'s current deployment, and Greengrass then removes from its devices every component the new deployment does not list (e.g. the customer\'s other apps)',
      `List what its devices must keep in ${p}.keepComponents (component name -> version, e.g. { 'aws.greengrass.Nucleus': '2.14.0', 'com.example.Kiosk': '3.1.0' }), or {} if the group has no deployment; or omit the group name so the channel creates its own group.`);
  }
  for (const [name, version] of Object.entries(keep ?? {})) {
    const prop = `${p}.keepComponents`;
    if (!COMPONENT_NAME_RE.test(name)) {
      throw invalid(scope, prop, name, "names something that is not a Greengrass component name (letters, digits, '.', '-', '_'; at most 128)", "Use the component's name as the group's deployment lists it, e.g. 'aws.greengrass.Nucleus'.");
    }
    if (isConcreteString(componentName) && name === componentName) {
      throw invalid(scope, prop, name, 'lists the component this channel deploys', `Drop '${name}': the channel sets its version in every ring.`);
    }
    checkPinnedVersion(scope, `${prop}.${name}`, version, "Pass the version the group's deployment runs now, e.g. '2.14.0'.");
    if (isConcreteString(version) && !isComponentVersion(version)) {
      throw invalid(scope, `${prop}.${name}`, version, 'is not a Greengrass component version (semantic version major.minor.patch)', "Pass the version the group's deployment runs now, e.g. '2.14.0'.");
    }
  }
}

/** Kept components as deployment component specifications. @internal */
export function renderKeptComponents(keep: { [name: string]: string } | undefined): { [name: string]: { componentVersion: string } } {
  const out: { [name: string]: { componentVersion: string } } = {};
  for (const name of Object.keys(keep ?? {}).sort()) {
    out[name] = { componentVersion: keep![name] };
  }
  return out;
}
