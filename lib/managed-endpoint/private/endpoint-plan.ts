import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { HardwareTarget } from '../../core/hardware';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { RoutingStrategy } from '../inference-component';
import { InstanceTypeInfo, parseInstanceType } from '../instance-type';
import type { ManagedEndpointProps } from '../managed-endpoint';
import { validateScaling } from './autoscaling';
import { checkHostingInstanceType } from './checks';
import { ENDPOINT_NAME_RE } from './endpoint-members';
import { ComponentInstance } from './component-instances';
import { componentInstanceOf, validateComponentMode, validateComponentRollout } from './inference-components';
import { routingStrategyOf, validateModeFeatures } from './mode-features';
import { RolloutProps, validateRollout } from './rollout';
import { SHADOW_VARIANT } from './shadow';

/**
 * What a ManagedEndpoint decides before it creates anything: the checks that need no resources and
 * the values the constructor builds from. Internal to the managed-endpoint lane.
 * @internal
 */
export interface EndpointPlan {
  readonly info?: InstanceTypeInfo;
  readonly target: HardwareTarget;
  readonly policy?: AutoscalingPolicy;
  readonly components: boolean;
  readonly componentInstance?: ComponentInstance;
  readonly routingStrategy: RoutingStrategy;
  readonly initialCount: number;
  readonly rolloutProps: RolloutProps;
}

/** Validate the props that need no resources and derive the plan (names, instance type, scaling, mode features, rollout). @internal */
export function planEndpoint(scope: IConstruct, mode: EndpointMode, variantName: string, props: ManagedEndpointProps): EndpointPlan {
  checkNames(scope, props.endpointName, variantName);
  if (mode.instance) { checkHostingInstanceType(scope, 'mode.instanceType', mode.instance.instanceType); }
  const info = mode.instance && !Token.isUnresolved(mode.instance.instanceType) ? parseInstanceType(mode.instance.instanceType) : undefined;
  const target = mode.kind === EndpointModeKind.SERVERLESS ? HardwareTarget.CPU_X86_64 : info?.hardware ?? HardwareTarget.CPU_X86_64;
  const policy = props.autoscaling ?? (mode.instanceBased ? AutoscalingPolicy.fixed(1) : undefined);
  validateScaling(scope, mode, `ManagedEndpoint (${mode.kind})`, policy, info);
  validateModeFeatures(scope, mode, info, props);
  const components = mode.kind === EndpointModeKind.INFERENCE_COMPONENTS;
  const componentInstance = components ? componentInstanceOf(scope, mode) : undefined;
  if (components) { validateComponentMode(scope, mode, policy!, props); }
  const routingStrategy = routingStrategyOf(scope, mode, props.routingStrategy);
  // A token minCapacity (e.g. a CfnParameter) is rendered as given; checks that need its value skip it.
  const minCapacity = policy?.minCapacity ?? 1;
  const initialCount = !mode.instanceBased ? 0 : isConcreteNumber(minCapacity) ? Math.max(1, minCapacity) : minCapacity;
  const rolloutProps: RolloutProps = { rollout: props.rollout, rollingUpdate: props.rollingUpdate, hasShadow: props.shadow !== undefined };
  if (components) { validateComponentRollout(scope, rolloutProps); } else { validateRollout(scope, mode, rolloutProps, info, initialCount); }
  return { info, target, policy, components, componentInstance, routingStrategy, initialCount, rolloutProps };
}

/** The endpoint and variant names SageMaker accepts (tokens skipped). */
function checkNames(scope: IConstruct, endpointName: string | undefined, variant: string): void {
  if (endpointName !== undefined && !Token.isUnresolved(endpointName) && !ENDPOINT_NAME_RE.test(endpointName)) {
    throw invalid(scope, 'endpointName', endpointName, 'is not a SageMaker endpoint name', 'Use letters, digits and hyphens (starting alphanumeric), at most 63 characters.');
  }
  if (!Token.isUnresolved(variant) && (!ENDPOINT_NAME_RE.test(variant) || variant === SHADOW_VARIANT)) {
    throw invalid(scope, 'variantName', variant, variant === SHADOW_VARIANT ? 'is reserved for the shadow variant' : 'is not a SageMaker variant name', "Use letters, digits and hyphens, at most 63 characters, e.g. 'primary'.");
  }
}

