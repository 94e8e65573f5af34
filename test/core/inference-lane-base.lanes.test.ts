import { App } from 'aws-cdk-lib';
import { createGpuClusterStack } from '../../examples/gpu-cluster';
import { createHybridApp } from '../../examples/hybrid';
import { EdgeFleetChannel, GpuClusterService, InferenceLaneBase, ManagedEndpoint, QueueDrainedWorkers, WarmServerlessFunction } from '../../lib';

/**
 * The lanes are built on InferenceLaneBase. Apart from test/core/inference-lane-base.test.ts because it builds
 * whole example apps: `npm run mutate -- core` does not run it (a core mutant would pay for two example apps).
 */
describe('InferenceLaneBase under the lanes', () => {
  test('all five lanes are built on it: the four of the hybrid example and the GPU cluster service', () => {
    const hybrid = createHybridApp();
    const lanes = hybrid.topology.lanes;
    expect(lanes.length).toBe(4);
    for (const lane of lanes) {
      expect(lane).toBeInstanceOf(InferenceLaneBase);
      expect(InferenceLaneBase.isInferenceLane(lane)).toBe(true);
    }
    expect(lanes.map(l => l.constructor)).toEqual([ManagedEndpoint, WarmServerlessFunction, QueueDrainedWorkers, EdgeFleetChannel]);
    const gpuStack = createGpuClusterStack(new App(), 'Gpu');
    const gpu = gpuStack.node.findAll().filter(c => c instanceof GpuClusterService);
    expect(gpu).toHaveLength(1);
    expect(InferenceLaneBase.isInferenceLane(gpu[0])).toBe(true);
  });

});
