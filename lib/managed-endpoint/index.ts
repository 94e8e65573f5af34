export * from './endpoint-mode';
export * from './data-capture';
export * from './rolling-update';
export * from './managed-endpoint';
