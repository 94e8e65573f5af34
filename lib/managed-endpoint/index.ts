export { EndpointMode, EndpointModeKind } from './endpoint-mode';
export type { AsyncModeProps, InstanceModeOptions, RealTimeModeProps, ServerlessModeProps } from './endpoint-mode';
export { CaptureMode } from './data-capture';
export type { DataCaptureOptions } from './data-capture';
export type { RollingUpdateOptions } from './rolling-update';
export { ManagedEndpoint } from './managed-endpoint';
export { ModelHosting } from './model-hosting';
export type { IManagedEndpoint, ManagedEndpointAttributes } from './managed-endpoint-ref';
export type { ManagedEndpointProps } from './managed-endpoint';
