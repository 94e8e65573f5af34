import { Names, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import { AutoscalingPolicy, HardwareTarget, RolloutStrategy, ServiceLevelObjective, ShadowTraffic } from '../../core';
import { checkInteger, describeValue, invalid, isConcreteNumber } from '../../core/private/errors';
import { DataCaptureOptions } from '../data-capture';
import { EndpointMode, InferenceComponentModeProps } from '../endpoint-mode';
import { ComputeReservation, ModelComponent } from '../inference-component';
import { ModelHosting } from '../model-hosting';
import { checkSeconds } from './checks';
import { COMPONENT_FAMILIES, COMPONENT_INSTANCES, ComponentInstance } from './component-instances';
import { renderComponentScaling, validateComponentScaling } from './component-scaling';
import { grantDescribeAlarms, renderComponentSloAlarms, rollbackAlarmNames } from './rollback-alarms';
import { describeRolling, RolloutProps } from './rollout';

/**
 * Inference components of the managed endpoint (`EndpointMode.inferenceComponents`): the checks of the
 * mode, of each compute reservation against the instance type and of the whole fleet, the component
 * resources (`AWS::SageMaker::InferenceComponent` with its SLO alarms, rolling-update DeploymentConfig and
 * copy-count scaling) and the variant of the endpoint configuration. Internal.
 */

/** The props of the lane the mode constrains. */
export interface ComponentModeProps {
  readonly shadow?: ShadowTraffic;
  readonly dataCapture?: DataCaptureOptions;
  readonly hosting?: ModelHosting;
}

/** The instance type's capacity (an unknown type is rejected); undefined for a token type. */
export function componentInstanceOf(scope: IConstruct, mode: EndpointMode): ComponentInstance | undefined {
  const type = mode.instance!.instanceType;
  if (Token.isUnresolved(type)) { return undefined; }
  const found = COMPONENT_INSTANCES.get(type);
  if (!found) {
    throw invalid(scope, 'mode.instanceType', type, 'is not an instance type the library knows the accelerators, vCPUs and memory of, so the compute reservation cannot be checked against it',
      `Use one of ${COMPONENT_FAMILIES} (sizes as SageMaker offers them), or EndpointMode.realTime(...) for this type.`);
  }
  return found;
}

/** Reject lane props inference components cannot take, and a min instance count that defeats scale to zero. */
export function validateComponentMode(scope: IConstruct, mode: EndpointMode, policy: AutoscalingPolicy, props: ComponentModeProps): void {
  const opts = mode.componentOptions!;
  if (props.shadow) {
    throw invalid(scope, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, 'is not available with inference components (a shadow variant needs a ModelName on the variant; component variants have none)',
      'Add the candidate as a second model with endpoint.addModel(...) and send it a share of requests yourself, or use EndpointMode.realTime(...) for shadow testing.');
  }
  if (props.dataCapture) {
    throw invalid(scope, 'dataCapture', `${props.dataCapture.samplingPercent}% sampling`, 'is not rendered for inference components by this lane',
      'Drop dataCapture, or use EndpointMode.realTime(...) for captured requests.');
  }
  if (props.hosting === ModelHosting.MULTI_MODEL) {
    throw invalid(scope, 'hosting', 'MULTI_MODEL', 'is not supported with inference components (each component hosts one model)', 'Add each model with endpoint.addModel(...), or use EndpointMode.realTime(...) for a multi-model endpoint.');
  }
  validateComponentScaling(scope, 'autoscaling', policy);
  if (policy.scaleToZero && isConcreteNumber(opts.minInstanceCount) && opts.minInstanceCount > 0) {
    throw invalid(scope, 'mode.minInstanceCount', opts.minInstanceCount, 'keeps instances running although autoscaling.scaleToZero is set (ManagedInstanceScaling.MinInstanceCount must be 0 to scale to zero)',
      'Drop minInstanceCount (it becomes 0 with scaleToZero), or drop scaleToZero.');
  }
}

/** ManagedInstanceScaling.MinInstanceCount: given, else 0 with scale to zero, else 1. */
export function minInstanceCountOf(opts: InferenceComponentModeProps, policy: AutoscalingPolicy): number {
  return opts.minInstanceCount ?? (policy.scaleToZero ? 0 : 1);
}

/** Reject a reservation one instance of the mode's type cannot hold (tokens skipped). */
export function checkReservation(scope: IConstruct, prop: string, r: ComputeReservation | undefined, mode: EndpointMode, hardware: HardwareTarget, inst: ComponentInstance | undefined): void {
  const type = mode.instance!.instanceType;
  if (r === undefined || r === null || typeof r !== 'object') {
    throw invalid(scope, prop, r, 'is required (InferenceComponentComputeResourceRequirements)', 'Pass e.g. { acceleratorCount: 1, memorySize: Size.gibibytes(8) }.');
  }
  if (!(r.memorySize instanceof Size)) {
    throw invalid(scope, `${prop}.memorySize`, r.memorySize, 'is required (MinMemoryRequiredInMb)', 'Pass e.g. memorySize: Size.gibibytes(8).');
  }
  const min = mebibytes(scope, `${prop}.memorySize`, r.memorySize);
  const max = r.maxMemorySize === undefined ? undefined : mebibytes(scope, `${prop}.maxMemorySize`, r.maxMemorySize);
  if (min !== undefined && max !== undefined && max < min) {
    throw invalid(scope, `${prop}.maxMemorySize`, `${max} MiB`, `is below memorySize (${min} MiB)`, 'Raise maxMemorySize to at least memorySize, or drop it.');
  }
  checkInteger(scope, `${prop}.acceleratorCount`, r.acceleratorCount, 1, Number.MAX_SAFE_INTEGER, 'Pass a whole number of devices, at least 1 (NumberOfAcceleratorDevicesRequired), or omit it on CPU instances.');
  if (isConcreteNumber(r.cpuCores) && (!Number.isFinite(r.cpuCores) || r.cpuCores < 0.25)) {
    throw invalid(scope, `${prop}.cpuCores`, r.cpuCores, 'must be at least 0.25 (NumberOfCpuCoresRequired)', 'Pass e.g. 1 or 0.5.');
  }
  if (r.acceleratorCount === undefined && (hardware === HardwareTarget.NVIDIA_GPU || hardware === HardwareTarget.INFERENTIA)) {
    throw invalid(scope, `${prop}.acceleratorCount`, undefined, `is required on ${type}: the artifact's ${hardware} build cannot run on a copy without an accelerator`,
      'Pass acceleratorCount: 1 (or more for a model sharded over several devices).');
  }
  if (!inst) { return; }
  const limits: [string, number | undefined, number, string][] = [
    ['acceleratorCount', r.acceleratorCount, inst.accelerators, 'accelerators'],
    ['cpuCores', r.cpuCores, inst.vcpus, 'vCPUs'],
    ['memorySize', min, inst.memoryMiB, 'MiB of memory'],
    ['maxMemorySize', max, inst.memoryMiB, 'MiB of memory'],
  ];
  for (const [name, value, limit, unit] of limits) {
    if (isConcreteNumber(value) && value > limit) {
      throw invalid(scope, `${prop}.${name}`, name.endsWith('emorySize') ? `${value} MiB` : value, `exceeds one ${type}, which has ${limit} ${unit}: a copy must fit on one instance`,
        limit === 0 ? 'Use an accelerator instance type (e.g. ml.g5.xlarge), or drop acceleratorCount.' : `Reserve at most ${limit} ${unit} per copy, or use a larger instance type.`);
    }
  }
}

function mebibytes(scope: IConstruct, prop: string, size: Size): number | undefined {
  if (size.isUnresolved()) { return undefined; }
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib < 128) {
    throw invalid(scope, prop, `${mib} MiB`, 'must be a whole number of MiB, at least 128', 'Pass e.g. Size.gibibytes(8).');
  }
  return mib;
}

/** Copies a component starts with: given (within the policy's bounds), else the policy's minimum, at least 1. */
export function initialCopies(scope: IConstruct, prop: string, copies: number | undefined, policy: AutoscalingPolicy): number {
  checkInteger(scope, prop, copies, 0);
  if (isConcreteNumber(copies) && isConcreteNumber(policy.minCapacity) && isConcreteNumber(policy.maxCapacity)
    && (copies < policy.minCapacity || copies > policy.maxCapacity)) {
    throw invalid(scope, prop, copies, `is outside the autoscaling bounds (${policy.minCapacity}-${policy.maxCapacity} copies)`, 'Start within the policy bounds, or omit copies to start at minCapacity (at least 1).');
  }
  if (copies !== undefined) { return copies; }
  return isConcreteNumber(policy.minCapacity) ? Math.max(1, policy.minCapacity) : policy.minCapacity;
}

/** One component's demand on the fleet, for {@link checkFleet}. */
export interface ComponentDemand {
  readonly prop: string;
  readonly reservation: ComputeReservation;
  readonly copies: number;
  readonly maxCopies: number;
}

/**
 * The fleet (maxInstanceCount instances) must hold the copies every component starts with, and each
 * component's maximum copies on its own; otherwise SageMaker leaves copies unplaced. A sum over resources
 * (accelerators, vCPUs, memory), the necessary condition: packing can need more instances.
 */
export function checkFleet(scope: IConstruct, mode: EndpointMode, inst: ComponentInstance | undefined, demands: ComponentDemand[]): void {
  const maxInstances = mode.componentOptions!.maxInstanceCount;
  if (!inst || !isConcreteNumber(maxInstances)) { return; }
  const need = (r: ComputeReservation, n: number) => ({
    accelerators: (r.acceleratorCount ?? 0) * n,
    vcpus: (r.cpuCores ?? 0) * n,
    memoryMiB: (r.memorySize.isUnresolved() ? 0 : r.memorySize.toMebibytes({ rounding: SizeRoundingBehavior.NONE })) * n,
  });
  const capacity = { accelerators: inst.accelerators * maxInstances, vcpus: inst.vcpus * maxInstances, memoryMiB: inst.memoryMiB * maxInstances };
  const over = (n: { accelerators: number; vcpus: number; memoryMiB: number }) =>
    (['accelerators', 'vcpus', 'memoryMiB'] as const).find(k => n[k] > capacity[k]);
  const type = mode.instance!.instanceType;
  for (const d of demands) {
    if (!isConcreteNumber(d.maxCopies)) { continue; }
    const k = over(need(d.reservation, d.maxCopies));
    if (k) {
      throw invalid(scope, d.prop, `${d.maxCopies} copies`, `need ${need(d.reservation, d.maxCopies)[k]} ${k === 'memoryMiB' ? 'MiB of memory' : k}, more than maxInstanceCount ${maxInstances} × ${type} has (${capacity[k]})`,
        'Raise mode.maxInstanceCount, lower the maximum copies (autoscaling.maxCapacity), or reserve less per copy.');
    }
  }
  const total = { accelerators: 0, vcpus: 0, memoryMiB: 0 };
  for (const d of demands) {
    if (!isConcreteNumber(d.copies)) { continue; }
    const n = need(d.reservation, d.copies);
    total.accelerators += n.accelerators; total.vcpus += n.vcpus; total.memoryMiB += n.memoryMiB;
  }
  const k = over(total);
  if (k) {
    throw invalid(scope, 'mode.maxInstanceCount', maxInstances, `cannot hold the copies the components start with (${demands.map(d => `${d.copies} × ${d.prop}`).join(', ')}: ${total[k]} ${k === 'memoryMiB' ? 'MiB of memory' : k}; ${maxInstances} × ${type} has ${capacity[k]})`,
      'Raise maxInstanceCount, or start with fewer copies.');
  }
}

/**
 * Rollouts an inference component can run: rolling batches of copies (`rollingUpdate`), optionally with
 * `Rollout.allAtOnce({ alarms })` for extra rollback alarms. Traffic shifting (canary, linear) and an
 * all-at-once swap are endpoint-level blue/green deployments, which components do not have.
 */
export function validateComponentRollout(scope: IConstruct, props: RolloutProps): void {
  const supported = 'rollingUpdate: { maximumBatchPercent (5-50) or maximumBatchCopies, waitInterval }, optionally with rollout: Rollout.allAtOnce({ alarms }) for extra rollback alarms';
  const rollout = props.rollout;
  if (rollout && rollout.strategy !== RolloutStrategy.ALL_AT_ONCE) {
    throw invalid(scope, 'rollout', rollout.toString(), 'cannot be honoured by inference components: canary and linear traffic shifting are endpoint-level blue/green deployments; a component updates in rolling batches of copies',
      `Use ${supported}.`);
  }
  if (rollout && !props.rollingUpdate) {
    throw invalid(scope, 'rollout', rollout.toString(), 'needs rollingUpdate on inference components: a component replaces at most half of its copies per batch (MaximumBatchSize 5-50%), so there is no all-at-once swap',
      `Use ${supported}.`);
  }
  const rolling = props.rollingUpdate;
  if (!rolling) { return; }
  if (rollout?.finalBakeTimeExplicit) {
    throw invalid(scope, 'rollout.finalBakeTime', rollout.finalBakeTime.toSeconds(), 'has no place in a rolling update (SageMaker bakes each batch for rollingUpdate.waitInterval)', 'Drop finalBakeTime and lengthen rollingUpdate.waitInterval to watch each batch longer.');
  }
  const percent = rolling.maximumBatchPercent;
  const copies = rolling.maximumBatchCopies;
  if ((percent === undefined) === (copies === undefined)) {
    throw invalid(scope, 'rollingUpdate', describeValue({ maximumBatchPercent: percent, maximumBatchCopies: copies }), 'needs exactly one of maximumBatchPercent and maximumBatchCopies (RollingUpdatePolicy.MaximumBatchSize)',
      'Pass maximumBatchPercent (5-50) or maximumBatchCopies (at least 1).');
  }
  checkInteger(scope, 'rollingUpdate.maximumBatchPercent', percent, 5, 50, 'Pass a batch of 5 to 50 percent of the copies (SageMaker: MaximumBatchSize must be 5-50% of the copy count).');
  checkInteger(scope, 'rollingUpdate.maximumBatchCopies', copies, 1, Number.MAX_SAFE_INTEGER, 'Pass a whole number of copies, at least 1.');
  checkInteger(scope, 'rollingUpdate.rollbackMaximumBatchPercent', rolling.rollbackMaximumBatchPercent, 1, 100);
  if (rolling.waitInterval === undefined) {
    throw invalid(scope, 'rollingUpdate.waitInterval', undefined, 'is required (RollingUpdatePolicy.WaitIntervalInSeconds): each batch bakes this long while the alarms are watched', 'Pass e.g. waitInterval: Duration.minutes(5).');
  }
  checkSeconds(scope, 'rollingUpdate.waitInterval', rolling.waitInterval, 0, 3600, 'RollingUpdatePolicy.WaitIntervalInSeconds');
  checkSeconds(scope, 'rollingUpdate.maximumExecutionTimeout', rolling.maximumExecutionTimeout, 600, 28800, 'RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds');
}

/** The component's rolling-update DeploymentConfig, rolling back on its own SLO alarms plus the rollout's. */
function renderComponentDeployment(scope: IConstruct, role: iam.IRole, props: RolloutProps, sloAlarms: cloudwatch.IAlarm[]): sagemaker.CfnInferenceComponent.InferenceComponentDeploymentConfigProperty | undefined {
  const rolling = props.rollingUpdate;
  if (!rolling) { return undefined; }
  const rollout = props.rollout;
  const autoRollback = rollout?.autoRollback ?? true;
  const names = autoRollback ? rollbackAlarmNames(sloAlarms, rollout?.alarms ?? []) : [];
  if (autoRollback && names.length === 0) {
    throw invalid(scope, 'rollingUpdate', describeRolling(rolling), 'rolls back automatically but has no alarm to roll back on', 'Pass an slo (its latency/error alarms roll back), alarms in a Rollout.allAtOnce({ alarms }), or autoRollback: false.');
  }
  if (names.length > 10) {
    throw invalid(scope, 'rollout.alarms', names.length, 'exceeds the 10 alarms SageMaker watches during a deployment (SLO alarms count too)', 'Combine alarms into a CompositeAlarm, or pass fewer.');
  }
  if (autoRollback) { grantDescribeAlarms(scope, role, sloAlarms, rollout?.alarms ?? []); }
  const batch = rolling.maximumBatchCopies !== undefined
    ? { type: 'COPY_COUNT', value: rolling.maximumBatchCopies }
    : { type: 'CAPACITY_PERCENT', value: rolling.maximumBatchPercent! };
  return {
    rollingUpdatePolicy: {
      maximumBatchSize: batch,
      waitIntervalInSeconds: rolling.waitInterval.toSeconds(),
      rollbackMaximumBatchSize: rolling.rollbackMaximumBatchPercent !== undefined ? { type: 'CAPACITY_PERCENT', value: rolling.rollbackMaximumBatchPercent } : undefined,
      maximumExecutionTimeoutInSeconds: rolling.maximumExecutionTimeout?.toSeconds(),
    },
    autoRollbackConfiguration: names.length > 0 ? { alarms: names.map(alarmName => ({ alarmName })) } : undefined,
  };
}

/** What one component is built from. */
export interface ComponentParts {
  readonly model: sagemaker.CfnModel;
  readonly artifactName: string;
  readonly artifactVersion: string;
  readonly reservation: ComputeReservation;
  readonly copies: number;
  readonly policy: AutoscalingPolicy;
  readonly componentName?: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly endpointPath: string;
  readonly role: iam.IRole;
  readonly slo?: ServiceLevelObjective;
  readonly rollout: RolloutProps;
}

/**
 * The component under `scope`: `InferenceComponent` (named: Application Auto Scaling and the alarms need
 * the name, and the resource's Ref is its ARN), `Slo*` alarms on its metrics, its DeploymentConfig and
 * copy-count scaling.
 */
export function createComponent(scope: Construct, mode: EndpointMode, parts: ComponentParts): RenderedComponent {
  const ic = new sagemaker.CfnInferenceComponent(scope, 'InferenceComponent', {
    endpointName: parts.endpointName,
    variantName: parts.variantName,
    specification: {
      modelName: parts.model.attrModelName,
      computeResourceRequirements: renderReservation(parts.reservation),
      startupParameters: renderStartup(mode),
    },
    runtimeConfig: { copyCount: parts.copies },
  });
  const componentName = parts.componentName ?? Names.uniqueResourceName(ic, { maxLength: 63, separator: '-' });
  ic.inferenceComponentName = componentName;
  const slo = parts.slo ? renderComponentSloAlarms(scope, `ManagedEndpoint ${parts.endpointPath} component ${parts.artifactName}`, parts.slo, componentName) : undefined;
  const sloAlarms = slo?.rollbackAlarms ?? [];
  ic.deploymentConfig = renderComponentDeployment(scope, parts.role, parts.rollout, sloAlarms);
  // The model waits for the role's policy (createModel); the component reads the model through the role too.
  const policyNode = parts.role.node.tryFindChild('DefaultPolicy');
  if (policyNode) { ic.node.addDependency(policyNode); }
  const scalableTarget = renderComponentScaling(scope, ic, componentName, parts.policy);
  return {
    component: {
      componentName,
      artifactName: parts.artifactName,
      artifactVersion: parts.artifactVersion,
      cfnModel: parts.model,
      cfnInferenceComponent: ic,
      scalableTarget,
      sloAlarms,
    },
    objectives: slo?.objectives ?? [],
    burnRateAlarms: slo?.burnRateAlarms ?? [],
  };
}

/** A component and the SLO resources that page (the lane lists them with its own). */
export interface RenderedComponent {
  readonly component: ModelComponent;
  readonly objectives: applicationsignals.CfnServiceLevelObjective[];
  readonly burnRateAlarms: cloudwatch.IAlarm[];
}

function renderReservation(r: ComputeReservation): sagemaker.CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty {
  return {
    minMemoryRequiredInMb: r.memorySize.toMebibytes(),
    maxMemoryRequiredInMb: r.maxMemorySize?.toMebibytes(),
    numberOfAcceleratorDevicesRequired: r.acceleratorCount,
    numberOfCpuCoresRequired: r.cpuCores,
  };
}

/** Startup timeouts belong to the component (InferenceComponentStartupParameters), not to the variant. */
function renderStartup(mode: EndpointMode): sagemaker.CfnInferenceComponent.InferenceComponentStartupParametersProperty | undefined {
  const inst = mode.instance!;
  if (!inst.containerStartupHealthCheckTimeout && !inst.modelDataDownloadTimeout) { return undefined; }
  return {
    containerStartupHealthCheckTimeoutInSeconds: inst.containerStartupHealthCheckTimeout?.toSeconds(),
    modelDataDownloadTimeoutInSeconds: inst.modelDataDownloadTimeout?.toSeconds(),
  };
}

/**
 * The variant of a component endpoint: instance type, initial instances, managed instance scaling and
 * routing; no ModelName (components name their models), no startup timeouts (on the components).
 */
export function renderComponentVariant(mode: EndpointMode, policy: AutoscalingPolicy, variantName: string, routingStrategy: string): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  const opts = mode.componentOptions!;
  const min = minInstanceCountOf(opts, policy);
  return {
    variantName,
    instanceType: opts.instanceType,
    // InitialInstanceCount is at least 1 (API); managed instance scaling may then go down to MinInstanceCount.
    initialInstanceCount: isConcreteNumber(min) ? Math.max(1, min) : 1,
    volumeSizeInGb: opts.volumeSize?.toGibibytes(),
    managedInstanceScaling: { status: 'ENABLED', minInstanceCount: min, maxInstanceCount: opts.maxInstanceCount },
    routingConfig: { routingStrategy },
  };
}
