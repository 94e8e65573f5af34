export * from './delivery-source';
export * from './delivery-stage';
export * from './delivery-context';
export * from './model-delivery-pipeline';
