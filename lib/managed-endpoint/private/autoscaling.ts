import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { AutoscalingPolicy, HardwareTarget, LaneCapacity, ScalingTrigger, TriggerKind } from '../../core';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { addScheduledActions } from '../../core/private/scheduling';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import type { ManagedEndpoint } from '../managed-endpoint';
import { instanceMetric } from './endpoint-members';

/**
 * Capacity of the managed endpoint: the autoscaling checks, the Application Auto Scaling target and
 * policies, the capacity description, and the endpoint identity that follows the instance type of an
 * autoscaled variant. Internal.
 */

/** True when the policy renders a scalable target (it scales, or has schedules). */
export function policyScales(policy: AutoscalingPolicy | undefined): policy is AutoscalingPolicy {
  return policy !== undefined && !(policy.isFixed && policy.schedules.length === 0);
}

/** Reject a policy the mode cannot render. */
export function validateScaling(scope: IConstruct, mode: EndpointMode, label: string, policy: AutoscalingPolicy | undefined, info: InstanceTypeInfo | undefined): void {
  if (!policy) { return; }
  // 32-bit capacities, cron fields and time zones are checked by the policy itself (core); the
  // Application Auto Scaling cron dialect by validateFor below (its default schedule format).
  const options = { lane: label, schedules: true, stepLimits: false };
  if (mode.kind === EndpointModeKind.REAL_TIME) {
    const asyncOnly = policy.triggers.find(t => t.kind === TriggerKind.QUEUE_BACKLOG_PER_INSTANCE || t.kind === TriggerKind.TIME_IN_QUEUE);
    if (asyncOnly) {
      throw invalid(scope, 'autoscaling.triggers', asyncOnly.toString(), 'is an asynchronous-endpoint signal: a real-time endpoint has no request queue', 'Use EndpointMode.asynchronous(...) for queued work, or scale this endpoint on ScalingTrigger.inFlightPerInstance / requestsPerInstance.');
    }
    if (policy.scaleToZero) {
      throw invalid(scope, 'autoscaling.scaleToZero', true, 'is not possible on a real-time variant without inference components: SageMaker scales only inference-component endpoints to zero instances',
        'Use EndpointMode.inferenceComponents(...) (copies and instances scale to zero and back), EndpointMode.asynchronous (scales to zero on its backlog) or EndpointMode.serverless (no idle cost); or keep minCapacity >= 1.');
    }
    policy.validateFor(scope, {
      ...options,
      triggers: [TriggerKind.REQUESTS_PER_INSTANCE, TriggerKind.IN_FLIGHT_PER_INSTANCE, TriggerKind.CPU_UTILIZATION, TriggerKind.GPU_UTILIZATION],
      scaleToZero: false,
    });
  } else if (mode.kind === EndpointModeKind.INFERENCE_COMPONENTS) {
    // Copies scale per component (private/component-scaling.ts, checked with the mode's other rules).
    return;
  } else if (mode.kind === EndpointModeKind.ASYNC) {
    validateAsyncScaling(scope, policy, options);
  } else {
    validateServerlessScaling(scope, mode, policy, options);
  }
  if (mode.instanceBased && policyScales(policy) && info?.burstable) {
    throw invalid(scope, 'mode.instanceType', info.name, 'is a burstable (T-class) instance, which SageMaker autoscaling does not support', 'Use a non-burstable type (e.g. ml.c6i.large or ml.m5.large), or AutoscalingPolicy.fixed(n) without schedules.');
  }
  for (const t of policy.triggers) {
    if (t.kind === TriggerKind.GPU_UTILIZATION) {
      const gpus = mode.instance?.gpuCount ?? info?.gpus;
      if (info && info.hardware !== HardwareTarget.NVIDIA_GPU) {
        throw invalid(scope, 'autoscaling.triggers', t.toString(), `cannot be measured on ${info.name}, which has no NVIDIA GPU`, 'Scale on ScalingTrigger.cpuUtilization or inFlightPerInstance, or use a GPU instance type.');
      }
      if (gpus === undefined) {
        throw invalid(scope, 'mode.gpuCount', undefined, `is needed for ${t.toString()}: the GPU count of ${mode.instance?.instanceType} is not in the library's table and GPUUtilization sums all GPUs`, 'Pass gpuCount in the mode props.');
      }
    }
    if (t.kind === TriggerKind.CPU_UTILIZATION && (mode.instance?.vcpuCount ?? info?.vcpus) === undefined) {
      throw invalid(scope, 'mode.vcpuCount', undefined, `is needed for ${t.toString()}: the vCPU count of ${mode.instance?.instanceType} cannot be derived and CPUUtilization sums all cores`, 'Pass vcpuCount in the mode props.');
    }
  }
}

interface ValidateForBase { readonly lane: string; readonly schedules: boolean; readonly stepLimits: boolean }

function validateAsyncScaling(scope: IConstruct, policy: AutoscalingPolicy, options: ValidateForBase): void {
  policy.validateFor(scope, {
    ...options,
    triggers: [TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, TriggerKind.TIME_IN_QUEUE, TriggerKind.CPU_UTILIZATION, TriggerKind.GPU_UTILIZATION],
    scaleToZero: true,
  });
  const backlog = policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE);
  if (policy.scaleToZero && !backlog) {
    throw invalid(scope, 'autoscaling.scaleToZero', true, 'needs ScalingTrigger.queueBacklogPerInstance on an async endpoint (it scales in to zero on the backlog; HasBacklogWithoutCapacity scales back out)', 'Add ScalingTrigger.queueBacklogPerInstance(n).');
  }
  if (policy.trigger(TriggerKind.TIME_IN_QUEUE) && !backlog) {
    throw invalid(scope, 'autoscaling.triggers', policy.triggers.map(t => t.toString()), 'has timeInQueue without queueBacklogPerInstance: the age steps only add instances, nothing would remove them', 'Add ScalingTrigger.queueBacklogPerInstance(n) next to timeInQueue.');
  }
}

function validateServerlessScaling(scope: IConstruct, mode: EndpointMode, policy: AutoscalingPolicy, options: ValidateForBase): void {
  if (policy.scaleToZero) {
    throw invalid(scope, 'autoscaling.scaleToZero', true, 'is not a policy setting on serverless endpoints: on-demand serverless capacity already drops to zero when idle, and provisioned concurrency cannot go below 1', 'Drop scaleToZero (and the policy, unless you scale provisioned concurrency).');
  }
  policy.validateFor(scope, { ...options, triggers: [TriggerKind.IN_FLIGHT_PER_INSTANCE], scaleToZero: false });
  const sv = mode.serverlessOptions!;
  if (isConcreteNumber(policy.maxCapacity) && isConcreteNumber(sv.maxConcurrency) && policy.maxCapacity > sv.maxConcurrency) {
    throw invalid(scope, 'autoscaling.maxCapacity', policy.maxCapacity, `exceeds the serverless maxConcurrency (${sv.maxConcurrency}); provisioned concurrency cannot exceed it`, 'Lower maxCapacity or raise maxConcurrency.');
  }
  const pc = sv.provisionedConcurrency;
  if (pc !== undefined && isConcreteNumber(pc) && (pc < policy.minCapacity || pc > policy.maxCapacity)) {
    throw invalid(scope, 'mode.provisionedConcurrency', pc, `is outside the autoscaling bounds (${policy.minCapacity}-${policy.maxCapacity})`, 'Set provisionedConcurrency within the policy bounds, or omit it to start at minCapacity.');
  }
  const inflight = policy.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE);
  if (inflight && inflight.target > 1) {
    throw invalid(scope, 'autoscaling.triggers', inflight.toString(), 'cannot be reached on serverless: one unit of provisioned concurrency serves one request at a time, so the target is a utilization ratio', 'Pass a ratio from 0.1 to 1, e.g. ScalingTrigger.inFlightPerInstance(0.7) for 70% provisioned-concurrency utilization.');
  }
}

/**
 * The Application Auto Scaling target of the variant and its policies (target tracking per trigger,
 * step scaling on the oldest request's age, scale-out from zero, schedules).
 */
export function renderAutoscaling(endpoint: ManagedEndpoint, policy: AutoscalingPolicy | undefined, info: InstanceTypeInfo | undefined): appscaling.ScalableTarget | undefined {
  if (!policyScales(policy) || endpoint.mode.kind === EndpointModeKind.INFERENCE_COMPONENTS) { return undefined; }
  const mode = endpoint.mode;
  const serverless = mode.kind === EndpointModeKind.SERVERLESS;
  const target = new appscaling.ScalableTarget(endpoint, 'ScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    resourceId: `endpoint/${endpoint.endpointName}/variant/${endpoint.variantName}`,
    scalableDimension: serverless ? 'sagemaker:variant:DesiredProvisionedConcurrency' : 'sagemaker:variant:DesiredInstanceCount',
    minCapacity: policy.minCapacity,
    maxCapacity: policy.maxCapacity,
    // Application Auto Scaling's service-linked role for SageMaker (what CloudFormation uses when no
    // role is given); a new role without SageMaker permissions would leave every scaling action failing.
    role: iam.Role.fromRoleArn(endpoint, 'AutoScalingRole', Stack.of(endpoint).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
    }), { mutable: false }),
  });
  for (const t of policy.triggers) {
    addTrigger(endpoint, target, policy, t, info);
  }
  if (policy.scaleToZero) {
    addScaleOutFromZero(endpoint, target, policy);
  }
  addScheduledActions(target, policy);
  return target;
}

function addTrigger(endpoint: ManagedEndpoint, target: appscaling.ScalableTarget, policy: AutoscalingPolicy, t: ScalingTrigger, info: InstanceTypeInfo | undefined): void {
  const mode = endpoint.mode;
  const serverless = mode.kind === EndpointModeKind.SERVERLESS;
  const cooldowns = { scaleInCooldown: policy.scaleInCooldown, scaleOutCooldown: policy.scaleOutCooldown };
  const value = policy.effectiveTarget(t);
  switch (t.kind) {
    case TriggerKind.REQUESTS_PER_INSTANCE:
      // SageMakerVariantInvocationsPerInstance counts invocations per MINUTE per instance.
      target.scaleToTrackMetric('RequestsPerInstance', {
        predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
        targetValue: Math.round(value * 60 * 1000) / 1000,
        ...cooldowns,
      });
      break;
    case TriggerKind.IN_FLIGHT_PER_INSTANCE:
      target.scaleToTrackMetric(serverless ? 'ProvisionedConcurrencyUtilization' : 'InFlightPerInstance', {
        predefinedMetric: serverless
          ? appscaling.PredefinedMetric.SAGEMAKER_VARIANT_PROVISIONED_CONCURRENCY_UTILIZATION
          : appscaling.PredefinedMetric.SAGEMAKER_VARIANT_CONCURRENT_REQUESTS_PER_MODEL_HIGH_RESOLUTION,
        targetValue: value,
        ...cooldowns,
      });
      break;
    case TriggerKind.CPU_UTILIZATION:
      // CPUUtilization sums every core of an instance (0-100 × vCPUs).
      target.scaleToTrackMetric('CpuUtilization', {
        customMetric: instanceMetric(endpoint, 'CPUUtilization'),
        targetValue: value * (mode.instance?.vcpuCount ?? info!.vcpus!),
        ...cooldowns,
      });
      break;
    case TriggerKind.GPU_UTILIZATION:
      // GPUUtilization sums every GPU of an instance (0-100 × GPUs).
      target.scaleToTrackMetric('GpuUtilization', {
        customMetric: instanceMetric(endpoint, 'GPUUtilization'),
        targetValue: value * (mode.instance?.gpuCount ?? info!.gpus!),
        ...cooldowns,
      });
      break;
    case TriggerKind.QUEUE_BACKLOG_PER_INSTANCE:
      target.scaleToTrackMetric('BacklogPerInstance', {
        customMetric: endpoint.metricBacklogPerInstance({ period: Duration.minutes(1) }),
        targetValue: value,
        ...cooldowns,
      });
      break;
    case TriggerKind.TIME_IN_QUEUE:
      addTimeInQueue(endpoint, target, policy, t, value);
      break;
  }
}

/**
 * Target tracking cannot leave zero (no instance, no per-instance backlog): add one instance as soon
 * as requests wait without capacity.
 */
function addScaleOutFromZero(endpoint: ManagedEndpoint, target: appscaling.ScalableTarget, policy: AutoscalingPolicy): void {
  const action = new appscaling.StepScalingAction(endpoint, 'ScaleOutFromZero', {
    scalingTarget: target,
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    cooldown: policy.scaleOutCooldown,
  });
  action.addAdjustment({ adjustment: 1, lowerBound: 0 });
  const alarm = new cloudwatch.Alarm(endpoint, 'HasBacklogWithoutCapacity', {
    metric: endpoint.metricHasBacklogWithoutCapacity({ period: Duration.minutes(1) }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `${endpoint.node.path}: requests wait while no instance runs; scales out from zero.`,
  });
  alarm.addAlarmAction(new cwActions.ApplicationScalingAction(action));
}

/**
 * Age of the oldest request: add capacity in steps as requests wait longer (scale-in is left to the
 * backlog trigger, which validation requires alongside).
 */
function addTimeInQueue(endpoint: ManagedEndpoint, target: appscaling.ScalableTarget, policy: AutoscalingPolicy, trigger: ScalingTrigger, seconds: number): void {
  const action = new appscaling.StepScalingAction(endpoint, 'TimeInQueueScaling', {
    scalingTarget: target,
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    cooldown: policy.scaleOutCooldown,
    metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
  });
  action.addAdjustment({ adjustment: 1, lowerBound: 0, upperBound: seconds });
  action.addAdjustment({ adjustment: 2, lowerBound: seconds, upperBound: 3 * seconds });
  action.addAdjustment({ adjustment: 4, lowerBound: 3 * seconds });
  const alarm = new cloudwatch.Alarm(endpoint, 'TimeInQueueAlarm', {
    metric: endpoint.metricOldestRequestAge({ period: Duration.minutes(1) }),
    threshold: seconds,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `${endpoint.node.path}: oldest request older than ${trigger.toString()}; adds instances.`,
  });
  alarm.addAlarmAction(new cwActions.ApplicationScalingAction(action));
}

/** What the endpoint runs on, for cost math and the topology. */
export function describeCapacity(mode: EndpointMode, policy: AutoscalingPolicy | undefined, hardware: HardwareTarget): LaneCapacity {
  if (mode.serverlessOptions) {
    const sv = mode.serverlessOptions;
    const mib = sv.memorySize.toMebibytes();
    const pc = sv.provisionedConcurrency ?? policy?.minCapacity ?? 0;
    return {
      minInstances: pc,
      maxInstances: policy?.maxCapacity ?? sv.maxConcurrency,
      instanceType: `serverless-${mib}MB`,
      hardware: HardwareTarget.CPU_X86_64,
      priceClass: pc > 0 ? 'per-request+provisioned-concurrency' : 'per-request',
      description: `serverless ${mib} MB, up to ${sv.maxConcurrency} concurrent${pc > 0 ? `, ${policy ? `${policy.minCapacity}-${policy.maxCapacity}` : pc} provisioned` : ''}`,
    };
  }
  const ic = mode.componentOptions;
  const min = ic ? ic.minInstanceCount ?? (policy?.scaleToZero ? 0 : 1) : policy?.minCapacity ?? 1;
  const max = ic ? ic.maxInstanceCount : policy?.maxCapacity ?? 1;
  const type = mode.instance!.instanceType;
  return {
    minInstances: min,
    maxInstances: max,
    instanceType: type,
    hardware,
    priceClass: 'per-instance-hour',
    description: `${min === max ? `${min}` : `${min}-${max}`} × ${type}, ${mode.kind}`,
  };
}

/**
 * SageMaker fails an update that changes the instance type of a variant registered with Application
 * Auto Scaling (and one that removes such a variant, so renaming the variant does not help). When the
 * variant autoscales, the endpoint's logical ID carries the instance type: a new type creates a new
 * endpoint (and a new scalable target on it), and CloudFormation deletes the old endpoint and
 * deregisters its target after the new one is in service. See "Changing the instance type" in the README.
 */
export function deriveEndpointIdentity(cfnEndpoint: sagemaker.CfnEndpoint, mode: EndpointMode, policy: AutoscalingPolicy | undefined): void {
  const instanceType = mode.instance?.instanceType;
  if (!policyScales(policy) || mode.componentOptions || instanceType === undefined || Token.isUnresolved(instanceType)) { return; }
  const base = Stack.of(cfnEndpoint).getLogicalId(cfnEndpoint);
  cfnEndpoint.overrideLogicalId(`${base}${instanceType.replace(/[^A-Za-z0-9]/g, '')}`);
}
