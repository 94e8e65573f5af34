import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AutoscalingPolicy, ScalingTrigger, TriggerKind } from '../../lib';

describe('LLM scaling triggers', () => {
  test('factories keep kind and target', () => {
    expect(ScalingTrigger.requestsWaitingPerInstance(2)).toMatchObject({ kind: TriggerKind.REQUESTS_WAITING_PER_INSTANCE, target: 2 });
    expect(ScalingTrigger.kvCacheUtilization(80)).toMatchObject({ kind: TriggerKind.KV_CACHE_UTILIZATION, target: 80 });
    expect(ScalingTrigger.tokensPerSecondPerInstance(1500)).toMatchObject({ kind: TriggerKind.TOKENS_PER_SECOND_PER_INSTANCE, target: 1500 });
    expect(ScalingTrigger.kvCacheUtilization(80).toString()).toBe('kvCacheUtilization(80)');
  });

  test.each([
    [() => ScalingTrigger.requestsWaitingPerInstance(0), /ScalingTrigger.requestsWaitingPerInstance: 'waitingRequests' \(0\) must be greater than 0/],
    [() => ScalingTrigger.kvCacheUtilization(0), /ScalingTrigger.kvCacheUtilization: 'targetPercent' \(0\) must be between 1 and 100/],
    [() => ScalingTrigger.kvCacheUtilization(101), /'targetPercent' \(101\) must be between 1 and 100/],
    [() => ScalingTrigger.tokensPerSecondPerInstance(-5), /ScalingTrigger.tokensPerSecondPerInstance: 'tokensPerSecond' \(-5\) must be greater than 0/],
  ])('rejects out-of-range targets (%#)', (make, message) => {
    expect(make).toThrow(message);
  });

  test('boundaries accepted: 1% and 100% KV cache', () => {
    expect(ScalingTrigger.kvCacheUtilization(1).target).toBe(1);
    expect(ScalingTrigger.kvCacheUtilization(100).target).toBe(100);
  });

  test('a lane that does not list an LLM trigger rejects it, says why, and lists what it supports', () => {
    const policy = new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.kvCacheUtilization(80)] });
    const scope = new Construct(new Stack(new App(), 'S'), 'Lane');
    expect(() => policy.validateFor(scope, { lane: 'GpuClusterService (Triton)', triggers: [TriggerKind.GPU_UTILIZATION], scaleToZero: false, schedules: false, stepLimits: false }))
      .toThrow(/S\/Lane: 'autoscaling.triggers' \("kvCacheUtilization\(80\)"\) cannot be rendered by GpuClusterService \(Triton\) \(it is reported only by an LLM server, e.g. vLLM on GpuClusterService\). Fix: Use one of the triggers it supports: ScalingTrigger.gpuUtilization/);
  });
});
