import { App, Duration, Stack } from 'aws-cdk-lib';
import { AutoscalingPolicy, HardwareTarget, LaneValidationError } from '../../lib';
import { GpuCapacity, QueueDrainedWorkers } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';

/* GpuCapacity options of the wrong type get a LaneValidationError, not a TypeError. */
test('GpuCapacity.managedInstances("x") is rejected', () => {
  expect(() => GpuCapacity.managedInstances('x' as any)).toThrow(LaneValidationError);
  expect(() => GpuCapacity.managedInstances('x' as any)).toThrow(/^GpuCapacity\.managedInstances: 'options' \("x"\) is not a props object/);
});

test('a taskVolumeSize that is not a Size is rejected by the lane', () => {
  const make = () => new QueueDrainedWorkers(new Stack(new App(), 'S'), 'W', {
    artifact: demoArtifact(), hardware: HardwareTarget.NVIDIA_GPU, jobTimeout: Duration.minutes(1), autoscaling: AutoscalingPolicy.fixed(1),
    gpuCapacity: GpuCapacity.managedInstances({ taskVolumeSize: 100 as any }),
  });
  expect(make).toThrow(LaneValidationError);
  expect(make).toThrow(/^S\/W: 'gpuCapacity\.taskVolumeSize' \(100\) is not a Size\. Fix: Pass e\.g\. Size\.gibibytes\(100\)\.$/);
});
