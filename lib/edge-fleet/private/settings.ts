import { Duration } from 'aws-cdk-lib';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { ModelArtifact } from '../../core/model-artifact';
import { invalid, isConcreteString } from '../../core/private/errors';
import { checkPinnedVersion, checkWholeNumber } from '../../core/private/validation';
import { Rollout } from '../../core/rollout';
import { EdgeDeviceClass } from '../edge-device-class';
import type { EdgeFleetChannelProps } from '../edge-fleet-channel';
import { NAME_RE } from './device-class';
import { wholeSeconds } from './job-config';
import { isComponentVersion } from './versions';

/**
 * # The channel's scalar props, checked and defaulted
 *
 * Names, versions, timeouts, switches, the Run command and the component configuration, in the order
 * the channel has always checked them (so the first mistake reported stays the same).
 */

const COMPONENT_NAME_RE = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Names the edge lane passed to the Run step before the one MODEL_* contract (issue 14), with their
 * replacements: a Run command still reading them would start with an empty value on every device.
 */
const RETIRED_ENV: { [name: string]: string } = {
  MODEL_DIR: 'MODEL_LOCAL_DIR',
  MODEL_SHA256: 'MODEL_DIGEST (sha256:<hex>)',
};

/** The channel's settings after defaults. @internal */
export interface ChannelSettings {
  readonly namePrefix: string;
  readonly componentName: string;
  readonly componentVersion: string;
  readonly installTimeout: Duration;
  readonly healthAlarmFailedDevices: number;
  readonly fleetHealth: boolean;
  readonly policies: greengrassv2.CfnDeployment.DeploymentPoliciesProperty;
  readonly classes: EdgeDeviceClass[];
}

/**
 * Check the channel's scalar props and apply their defaults.
 * @internal
 */
export function channelSettings(channel: Construct, props: EdgeFleetChannelProps, artifact: ModelArtifact, rollout: Rollout): ChannelSettings {
  const namePrefix = props.namePrefix ?? artifact.name;
  if (isConcreteString(namePrefix) && (typeof namePrefix !== 'string' || !NAME_RE.test(namePrefix))) {
    throw invalid(channel, 'namePrefix', namePrefix, "may only hold letters, digits, '-' and '_' (at most 40 characters)", "Pass e.g. 'assistant-edge'.");
  }
  const componentName = props.componentName ?? `models.${artifact.name}`;
  if (isConcreteString(componentName) && (typeof componentName !== 'string' || !COMPONENT_NAME_RE.test(componentName) || componentName.toLowerCase().startsWith('aws.'))) {
    throw invalid(channel, 'componentName', componentName, "is not a Greengrass component name (letters, digits, '.', '-', '_'; at most 128; the 'aws.' prefix is reserved)", "Pass e.g. 'com.example.AssistantModel'.");
  }
  const componentVersion = props.componentVersion ?? artifact.version;
  if (isConcreteString(componentVersion) && !isComponentVersion(componentVersion)) {
    const prop = props.componentVersion === undefined ? 'artifact.version' : 'componentVersion';
    checkPinnedVersion(channel, prop, componentVersion, "Pass componentVersion, e.g. '1.4.0': a Greengrass component version is a semantic version major.minor.patch, pinned so rollbacks return to the same bits.");
    throw invalid(channel, prop, componentVersion, 'is not a Greengrass component version (semantic version major.minor.patch)', "Pass componentVersion, e.g. '1.4.0', mapping this model version to a component version.");
  }

  const installTimeout = props.installTimeout ?? Duration.minutes(10);
  wholeSeconds(channel, 'installTimeout', installTimeout);
  const updateTimeout = wholeSeconds(channel, 'componentUpdateTimeout', props.componentUpdateTimeout ?? Duration.seconds(60));
  const validationTimeout = wholeSeconds(channel, 'configurationValidationTimeout', props.configurationValidationTimeout ?? Duration.seconds(30));
  const healthAlarmFailedDevices = props.healthAlarmFailedDevices ?? 1;
  checkWholeNumber(channel, 'healthAlarmFailedDevices', healthAlarmFailedDevices, 1);
  for (const prop of ['notifyComponents', 'fleetHealth'] as const) {
    if (props[prop] !== undefined && typeof props[prop] !== 'boolean') {
      throw invalid(channel, prop, props[prop], 'is not a boolean', `Pass true or false, or omit ${prop} for the default.`);
    }
  }
  checkRunCommand(channel, props.runCommand);
  for (const [key, value] of Object.entries(props.configuration ?? {})) {
    if (typeof value !== 'string') {
      throw invalid(channel, `configuration.${key}`, value, 'is not a string', `Pass it as text, e.g. '${String(value)}'.`);
    }
  }

  const classes = props.deviceClasses ?? [];
  if (!Array.isArray(classes) || classes.length === 0) {
    throw invalid(channel, 'deviceClasses', classes, Array.isArray(classes) ? 'is empty' : 'is not a list', "List at least one device class, e.g. { name: 'gateways', target: HardwareTarget.EDGE_ARM64 }.");
  }
  const policies: greengrassv2.CfnDeployment.DeploymentPoliciesProperty = {
    failureHandlingPolicy: rollout.autoRollback ? 'ROLLBACK' : 'DO_NOTHING',
    componentUpdatePolicy: {
      action: (props.notifyComponents ?? true) ? 'NOTIFY_COMPONENTS' : 'SKIP_NOTIFY_COMPONENTS',
      timeoutInSeconds: updateTimeout,
    },
    configurationValidationPolicy: { timeoutInSeconds: validationTimeout },
  };
  return {
    namePrefix, componentName, componentVersion, installTimeout, healthAlarmFailedDevices, fleetHealth: props.fleetHealth ?? true, policies, classes,
  };
}

/** A Run command starts something and reads the MODEL_* contract, not the names it replaced. */
function checkRunCommand(channel: Construct, runCommand: string | undefined): void {
  if (runCommand === undefined || !isConcreteString(runCommand)) { return; }
  if (typeof runCommand !== 'string' || runCommand.trim() === '') {
    throw invalid(channel, 'runCommand', runCommand, 'is empty: the Run step would start nothing', 'Pass the command that serves the model, e.g. \'python3 -u serve.py --model "$MODEL_LOCAL_DIR"\', or omit runCommand for an install-only component.');
  }
  for (const [old, replacement] of Object.entries(RETIRED_ENV)) {
    if (new RegExp(`\\$\\{?${old}\\b`).test(runCommand)) {
      throw invalid(channel, 'runCommand', runCommand, `reads $${old}, which the component no longer sets: it passes the one MODEL_* environment of every lane`, `Read ${replacement} instead, e.g. 'python3 -u serve.py --model "$MODEL_LOCAL_DIR"'.`);
    }
  }
}
