export { GpuCapacity, GpuCapacityKind } from './gpu-capacity';
export type { ManagedInstancesGpuCapacityOptions } from './gpu-capacity';
export { InFlightJobHandling } from './in-flight-jobs';
export { QueueDrainedWorkers } from './queue-drained-workers';
export type { QueueDrainedWorkersProps } from './queue-drained-workers';
