export { AppSourceKind, DeliveryAppSource, ModelDeliverySource, ModelSourceKind } from './delivery-source';
export type { ConnectionAppSourceProps, ModelPackageGroupSourceOptions, ModelSignatureOptions } from './delivery-source';
export { DeliveryStage, DeliveryStageKind } from './delivery-stage';
export type { ApprovalStageOptions, CanaryStageOptions, DeployStageOptions, ShadowStageOptions } from './delivery-stage';
export { ModelDeliveryContext } from './delivery-context';
export type { DeliveredModel } from './delivery-context';
export { ModelDeliveryPipeline } from './model-delivery-pipeline';
export type { ModelDeliveryPipelineProps } from './model-delivery-pipeline';
