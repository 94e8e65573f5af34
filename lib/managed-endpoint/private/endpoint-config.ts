import { Lazy } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { AutoscalingPolicy, ShadowTraffic } from '../../core';
import { DataCaptureOptions } from '../data-capture';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { deriveEndpointIdentity } from './autoscaling';
import { renderComponentVariant } from './inference-components';
import { renderAsync, renderDataCapture, asyncStoreOf, EndpointStorage } from './outputs';
import { EndpointNagNotes } from './nag';
import { SHADOW_VARIANT, shadowInstanceCount } from './shadow';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The endpoint configuration of the managed endpoint: the production variant (instances or
 * serverless capacity), the shadow variant, the volume key, async inference and data capture. Internal.
 */

/** What the endpoint configuration is made of. */
export interface EndpointConfigParts {
  readonly mode: EndpointMode;
  readonly policy?: AutoscalingPolicy;
  readonly variantName: string;
  readonly model: sagemaker.CfnModel;
  /** Instances the production variant starts with (0 for serverless). */
  readonly initialCount: number;
  readonly shadow?: ShadowTraffic;
  readonly shadowModel?: sagemaker.CfnModel;
  readonly dataCapture?: DataCaptureOptions;
  readonly storage: EndpointStorage;
  readonly role: iam.IRole;
  readonly nag: EndpointNagNotes;
  /** `RoutingConfig.RoutingStrategy` of real-time instance variants (not serverless, not async). */
  readonly routingStrategy: string;
  /** The containers' VPC and isolation: on the configuration too for inference components (no model on the variant). */
  readonly vpcConfig?: sagemaker.CfnModel.VpcConfigProperty;
  readonly networkIsolation?: boolean;
}

/** The `CfnEndpointConfig` (construct ID `EndpointConfig`). */
export function createEndpointConfig(scope: Construct, parts: EndpointConfigParts): sagemaker.CfnEndpointConfig {
  const { mode, storage } = parts;
  const components = mode.kind === EndpointModeKind.INFERENCE_COMPONENTS;
  // Least-outstanding-requests (or random) routing spreads requests over instances: real-time variants only
  // (serverless has no instances; async requests are pulled from SageMaker's internal queue).
  const routing = mode.kind === EndpointModeKind.REAL_TIME ? { routingConfig: { routingStrategy: parts.routingStrategy } } : {};
  const primaryVariant = components
    ? renderComponentVariant(mode, parts.policy!, parts.variantName, parts.routingStrategy)
    : { ...renderVariant(mode, parts.policy, parts.variantName, parts.model, parts.initialCount, 1), ...routing };
  const shadowVariant = parts.shadowModel && parts.shadow
    ? { ...renderVariant(mode, parts.policy, SHADOW_VARIANT, parts.shadowModel, shadowInstanceCount(parts.shadow, parts.initialCount), parts.shadow.samplePercent / 100), ...routing }
    : undefined;
  return new sagemaker.CfnEndpointConfig(scope, 'EndpointConfig', {
    // Inference components: the configuration names the role (the variant has no model to take it from).
    executionRoleArn: components ? parts.role.roleArn : undefined,
    // ... and its VPC and network isolation (each component's model carries them as well).
    vpcConfig: components ? parts.vpcConfig : undefined,
    enableNetworkIsolation: components && parts.networkIsolation ? true : undefined,
    productionVariants: [primaryVariant],
    shadowProductionVariants: shadowVariant ? [shadowVariant] : undefined,
    kmsKeyId: storage.volumeKeyAllowed ? storage.encryptionKey?.keyArn : undefined,
    asyncInferenceConfig: renderAsync(scope, mode.asyncOptions, asyncStoreOf(mode, storage), parts.role, parts.nag),
    dataCaptureConfig: renderDataCapture(parts.dataCapture, storage, parts.role, parts.nag),
  });
}

function renderVariant(mode: EndpointMode, policy: AutoscalingPolicy | undefined, variantName: string, model: sagemaker.CfnModel, count: number,
  weight: number): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  if (mode.serverlessOptions) {
    const sv = mode.serverlessOptions;
    const pc = sv.provisionedConcurrency ?? (policy ? policy.minCapacity : undefined);
    return {
      variantName,
      modelName: model.attrModelName,
      initialVariantWeight: weight,
      serverlessConfig: {
        memorySizeInMb: sv.memorySize.toMebibytes(),
        maxConcurrency: sv.maxConcurrency,
        provisionedConcurrency: pc,
      },
    };
  }
  const inst = mode.instance!;
  return {
    variantName,
    modelName: model.attrModelName,
    instanceType: inst.instanceType,
    initialInstanceCount: count,
    initialVariantWeight: weight,
    volumeSizeInGb: inst.volumeSize?.toGibibytes(),
    containerStartupHealthCheckTimeoutInSeconds: inst.containerStartupHealthCheckTimeout?.toSeconds(),
    modelDataDownloadTimeoutInSeconds: inst.modelDataDownloadTimeout?.toSeconds(),
  };
}

/** What {@link createEndpoint} needs. @internal */
export interface EndpointResourceProps {
  readonly mode: EndpointMode;
  readonly policy?: AutoscalingPolicy;
  readonly endpointConfig: sagemaker.CfnEndpointConfig;
  readonly physicalName: string;
  /** The rollout's DeploymentConfig, read at synthesis (it needs the SLO alarms, created later). */
  readonly deploymentConfig: () => sagemaker.CfnEndpoint.DeploymentConfigProperty | undefined;
}

/** The endpoint (construct ID `Resource`). @internal */
export function createEndpoint(scope: Construct, p: EndpointResourceProps): sagemaker.CfnEndpoint {
  // Inference components: copies scale per component and SageMaker manages the instance count.
  const retain = p.mode.instanceBased && !p.mode.componentOptions && p.policy !== undefined && !p.policy.isFixed;
  const endpoint = new sagemaker.CfnEndpoint(scope, 'Resource', {
    endpointConfigName: p.endpointConfig.attrEndpointConfigName,
    endpointName: p.physicalName,
    // Keep autoscaled instance counts across deploys (aws-cdk#23151); weights still come from the
    // new configuration so a changed shadow sampling share takes effect.
    retainAllVariantProperties: retain ? true : undefined,
    excludeRetainedVariantProperties: retain ? [{ variantPropertyType: 'DesiredWeight' }] : undefined,
    deploymentConfig: Lazy.any({ produce: () => p.deploymentConfig() }),
  });
  deriveEndpointIdentity(endpoint, p.mode, p.policy);
  return endpoint;
}
