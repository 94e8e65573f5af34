import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { RolloutStrategy } from '../../core/rollout';
import { MODEL_ENV_NAMES } from '../../core/private/model-environment';
import { checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkDuration, checkLabelKey, checkLabelValue, checkNoModelEnvOverride, checkNonEmpty, checkOneOf, checkPinnedVersion, checkTimeZone } from '../../core/private/validation';
import { checkCron } from '../../core/private/cron';
import { GpuServingOptions } from '../gpu-serving-options';
import { KubernetesRolloutMode } from '../rollout-mode';
import { KubernetesScalingEngine } from '../scaling-engine';
import { ServedModel } from '../served-model';
import { TritonInstanceKind } from '../triton-model-config';
import { concrete } from './util';

/** Variables the server container gets from the lane: the MODEL_* contract, then Triton's and the pod's. @internal */
export const LANE_ENV_KEYS: readonly string[] = [...MODEL_ENV_NAMES, 'MODEL_REPOSITORY', 'MODEL_DIR', 'HOME', 'XDG_CACHE_HOME'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** A Gateway API hostname: a DNS subdomain, optionally with a leading `*.` wildcard. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The Kubernetes names, paths, durations, schedules and enum-like values of the serving options, as
 * both {@link GpuServingChart} and {@link GpuClusterService} take them: one validator, so the same
 * mistake gets the same answer whether the chart runs standalone or on EKS (the service calls it
 * first, so its messages name the construct path in the CDK app). Built on the core validators.
 * @internal
 */
export function checkServingOptions(scope: IConstruct, o: GpuServingOptions, namespace: string | undefined): void {
  // ---- names (RFC 1123) and label syntax ------------------------------------------------------
  checkDnsLabel(scope, 'namespace', namespace, "Use lowercase letters, digits and '-', e.g. 'recsys'.");
  if (o.serviceName !== undefined && concrete(o.serviceName)) {
    checkDnsLabel(scope, 'serviceName', o.serviceName, "Use lowercase letters, digits and '-', e.g. 'recsys'.");
    if (o.serviceName.length > 40) {
      throw invalid(scope, 'serviceName', o.serviceName, 'is longer than 40 characters (suffixes such as -canary-scaler are added to it)', 'Shorten it to 40 characters or fewer.');
    }
  }
  checkDnsSubdomain(scope, 'priorityClassName', o.priorityClassName);
  for (const [key, value] of Object.entries(o.nodeSelector ?? {})) {
    checkLabelKey(scope, `nodeSelector.${key}`, key);
    checkLabelValue(scope, `nodeSelector.${key}`, value);
  }
  for (const [key, value] of Object.entries(o.monitoringLabels ?? {})) {
    checkLabelKey(scope, `monitoringLabels.${key}`, key);
    checkLabelValue(scope, `monitoringLabels.${key}`, value);
  }
  for (const [i, t] of (o.tolerations ?? []).entries()) {
    checkLabelKey(scope, `tolerations[${i}].key`, t.key);
    checkLabelValue(scope, `tolerations[${i}].value`, t.value);
    if (t.effect !== undefined && !TAINT_EFFECTS.includes(t.effect)) {
      throw invalid(scope, `tolerations[${i}].effect`, t.effect, 'is not a taint effect', `Use one of ${TAINT_EFFECTS.join(', ')}.`);
    }
  }
  checkAbsolutePath(scope, 'readinessPath', o.readinessPath);
  checkAbsolutePath(scope, 'livenessPath', o.livenessPath);
  checkNonEmpty(scope, 'fetchImage', o.fetchImage, "Pass an image with the AWS CLI v2, e.g. 'public.ecr.aws/aws-cli/aws-cli:2.22.35'.");
  checkNonEmpty(scope, 'unpackImage', o.unpackImage, "Pass an image with sh, sha256sum, tar and unzip, e.g. 'public.ecr.aws/docker/library/busybox:1.36.1'.");
  if (o.command !== undefined && (o.command.length === 0 || o.command.some(c => concrete(c) && c.trim() === ''))) {
    throw invalid(scope, 'command', o.command, 'must be a non-empty list of non-empty arguments', "Pass e.g. ['tritonserver', '--model-repository=/models'], or omit it for the default Triton command.");
  }
  for (const [key, value] of Object.entries(o.environment ?? {})) {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      throw invalid(scope, `environment.${key}`, value, 'is not a valid environment variable name', "Use letters, digits, '_', '-' and '.', not starting with a digit.");
    }
  }
  checkNoModelEnvOverride(scope, 'environment', o.environment, LANE_ENV_KEYS);
  if (o.gateway) {
    checkDnsSubdomain(scope, 'gateway.name', o.gateway.name);
    checkDnsLabel(scope, 'gateway.namespace', o.gateway.namespace);
    if (o.gateway.sectionName !== undefined) { checkDnsLabel(scope, 'gateway.sectionName', o.gateway.sectionName); }
  }
  for (const [i, h] of (o.hostnames ?? []).entries()) {
    if (concrete(h) && (h.length > 253 || !HOSTNAME.test(h))) {
      throw invalid(scope, `hostnames[${i}]`, h, 'is not a Gateway API hostname (a DNS name, optionally starting with *.; no IP, port or scheme)', "Pass e.g. 'recsys.example.com' or '*.example.com'.");
    }
  }

  // ---- durations the manifests carry in whole seconds ------------------------------------------
  checkDuration(scope, 'pollingInterval', o.pollingInterval, { unit: 'seconds', min: Duration.seconds(1) });
  checkDuration(scope, 'terminationGracePeriod', o.terminationGracePeriod, { unit: 'seconds', min: Duration.seconds(1) });
  checkDuration(scope, 'preStopDelay', o.preStopDelay, { unit: 'seconds' });
  checkDuration(scope, 'startupTimeout', o.startupTimeout, { unit: 'seconds' });
  if (o.autoscaling && !o.autoscaling.isFixed) {
    checkDuration(scope, 'autoscaling.scaleOutCooldown', o.autoscaling.scaleOutCooldown, { unit: 'seconds' });
    checkDuration(scope, 'autoscaling.scaleInCooldown', o.autoscaling.scaleInCooldown, { unit: 'seconds' });
    // ---- KEDA cron: 5 fields, IANA zones ---------------------------------------------------------
    for (const s of o.autoscaling.schedules) {
      checkCron(scope, `autoscaling.schedules.${s.name}.start`, s.start, 'keda');
      checkCron(scope, `autoscaling.schedules.${s.name}.end`, s.end, 'keda');
      checkTimeZone(scope, `autoscaling.schedules.${s.name}.timeZone`, s.timeZone);
    }
  }
  if (o.rollout) {
    checkDuration(scope, o.rollout.strategy === RolloutStrategy.LINEAR ? 'rollout.interval' : 'rollout.bakeTime', o.rollout.stepInterval, { unit: 'seconds' });
    checkDuration(scope, 'rollout.finalBakeTime', o.rollout.finalBakeTime, { unit: 'seconds' });
  }

  // ---- enum-like values (other jsii languages and plain JavaScript pass any string) ------------
  checkOneOf(scope, 'rolloutMode', o.rolloutMode, Object.values(KubernetesRolloutMode));
  checkOneOf(scope, 'scalingEngine', o.scalingEngine, Object.values(KubernetesScalingEngine));
  checkOneOf(scope, 'triton.instanceKind', o.triton?.instanceKind, Object.values(TritonInstanceKind));
}

/** A served model's version must be pinned (a rollback returns to it). @internal */
export function checkServedVersion(scope: IConstruct, prop: string, m: ServedModel): void {
  checkPinnedVersion(scope, `${prop}.version`, m.version, "Pin the model version, e.g. '1.4.0': the pods' labels, the rollout and a rollback refer to it.");
  checkNonEmpty(scope, `${prop}.imageUri`, m.imageUri, "Pass the serving image, e.g. 'nvcr.io/nvidia/tritonserver:24.08-py3'.");
}

/**
 * Shadow traffic is for a new version of the same model, as on the managed endpoint: a shadow of
 * another model or of a version already serving is rejected with the same wording.
 * @internal
 */
export function checkShadowCandidate(scope: IConstruct, prop: string, shadow: ServedModel, live: ServedModel[]): void {
  const primary = live[0];
  if (concrete(shadow.name) && concrete(primary.name) && shadow.name !== primary.name) {
    throw invalid(scope, prop, `${shadow.name}@${shadow.version}`, `is a different model than the artifact (${primary.name})`, 'Shadow a new version of the same model; compare different models with separate endpoints.');
  }
  if (live.some(m => concrete(m.version) && m.version === shadow.version)) {
    throw invalid(scope, prop, `${shadow.name}@${shadow.version}`, 'is the version already in production', 'Shadow a new version, e.g. the next release candidate.');
  }
}
