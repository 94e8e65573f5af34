import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { ShadowTraffic } from '../../core';
import { invalid } from '../../core/private/errors';
import { DataCaptureOptions } from '../data-capture';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import { RollingUpdateOptions } from '../rolling-update';
import { validateDataCapture } from './outputs';
import { describeRolling } from './rollout';
import { describeShadow, validateShadow } from './shadow';
import { RoutingStrategy } from '../inference-component';
import { checkOneOf } from '../../core/private/validation';

/**
 * Which features the hosting mode and instance type allow (serverless excludes data capture, VPC,
 * network isolation, rolling updates and shadow variants), and the VPC props. Internal.
 */

/** The props whose availability depends on the mode. */
export interface ModeFeatureProps {
  readonly dataCapture?: DataCaptureOptions;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly networkIsolation?: boolean;
  readonly rollingUpdate?: RollingUpdateOptions;
  readonly shadow?: ShadowTraffic;
  readonly encryptionKey?: kms.IKey;
}

/** Reject features the mode or instance type does not offer, and inconsistent VPC props. */
export function validateModeFeatures(scope: IConstruct, mode: EndpointMode, info: InstanceTypeInfo | undefined, props: ModeFeatureProps): void {
  if (mode.kind === EndpointModeKind.SERVERLESS) {
    validateServerlessFeatures(scope, props);
  }
  validateShadow(scope, props.shadow, mode, info);
  if (info?.localStorage && mode.instance?.volumeSize) {
    throw invalid(scope, 'mode.volumeSize', `${mode.instance.volumeSize.toGibibytes()} GiB`, `cannot be set on ${info.name}: it serves from local NVMe storage`, 'Drop volumeSize for this instance type.');
  }
  validateDataCapture(scope, props.dataCapture, mode.asyncOptions);
  if (props.securityGroups && props.securityGroups.length > 5) {
    throw invalid(scope, 'securityGroups', props.securityGroups.length, 'exceeds the 5 security groups SageMaker accepts (VpcConfig.SecurityGroupIds)', 'Pass at most 5 security groups.');
  }
  if (props.securityGroups && props.securityGroups.length === 0) {
    throw invalid(scope, 'securityGroups', 0, 'is empty: SageMaker needs at least one security group in VpcConfig', 'Pass at least one security group, or omit securityGroups for one with no inbound rules.');
  }
  if ((props.vpcSubnets || props.securityGroups) && !props.vpc) {
    throw invalid(scope, props.vpcSubnets ? 'vpcSubnets' : 'securityGroups', props.vpcSubnets ? props.vpcSubnets : `${props.securityGroups!.length} security group(s)`, 'needs a vpc', 'Pass vpc as well, or drop it.');
  }
}

function validateServerlessFeatures(scope: IConstruct, props: ModeFeatureProps): void {
  // [prop, readable value when set]
  const unsupported: [string, unknown][] = [
    ['dataCapture', props.dataCapture ? `${props.dataCapture.samplingPercent}% sampling` : undefined],
    ['vpc', props.vpc?.node.path],
    ['networkIsolation', props.networkIsolation ? true : undefined],
    ['rollingUpdate', props.rollingUpdate ? describeRolling(props.rollingUpdate) : undefined],
    ['shadow', props.shadow ? describeShadow(props.shadow) : undefined],
  ];
  for (const [prop, value] of unsupported) {
    if (value !== undefined) {
      throw invalid(scope, prop, value,
        'is not supported on serverless endpoints (SageMaker Serverless Inference excludes data capture, VPC, network isolation, rolling updates and multi-variant/shadow endpoints)',
        'Drop it, or use EndpointMode.realTime(...).');
    }
  }
  if (props.encryptionKey !== undefined && props.dataCapture === undefined) {
    throw invalid(scope, 'encryptionKey', props.encryptionKey.node.path, 'has nothing to encrypt on a serverless endpoint (no instance volume, no outputs)', 'Drop encryptionKey for serverless endpoints.');
  }
}

/**
 * `RoutingConfig.RoutingStrategy` of the mode's variants: least outstanding requests unless chosen, on
 * real-time and inference-component variants; a strategy on serverless or async is rejected (no instances
 * to pick from; async requests wait in SageMaker's queue).
 */
export function routingStrategyOf(scope: IConstruct, mode: EndpointMode, strategy: RoutingStrategy | undefined): RoutingStrategy {
  checkOneOf(scope, 'routingStrategy', strategy, Object.values(RoutingStrategy), 'Use RoutingStrategy.LEAST_OUTSTANDING_REQUESTS or RoutingStrategy.RANDOM.');
  if (strategy !== undefined && (mode.kind === EndpointModeKind.SERVERLESS || mode.kind === EndpointModeKind.ASYNC)) {
    throw invalid(scope, 'routingStrategy', strategy, `does not apply to ${mode.kind} endpoints: routing picks an instance for a real-time request (serverless has no instances; async requests are queued)`,
      'Drop routingStrategy, or use EndpointMode.realTime(...) / EndpointMode.inferenceComponents(...).');
  }
  return strategy ?? RoutingStrategy.LEAST_OUTSTANDING_REQUESTS;
}
