export { EndpointMode, EndpointModeKind } from './endpoint-mode';
export type { AsyncModeProps, InstanceModeOptions, RealTimeModeProps, ServerlessModeProps } from './endpoint-mode';
export { CaptureMode } from './data-capture';
export type { DataCaptureOptions } from './data-capture';
export type { RollingUpdateOptions } from './rolling-update';
export { ManagedEndpoint, ModelHosting } from './managed-endpoint';
export type { IManagedEndpoint, ManagedEndpointAttributes, ManagedEndpointProps } from './managed-endpoint';
