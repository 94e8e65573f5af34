import { App, Duration, Stack } from 'aws-cdk-lib';
import { demoArtifact } from '../../examples/shared/artifact';
import { AutoscalingPolicy, EndpointMode, ManagedEndpoint, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { Trace } from '../../lib/simulation/traces';

/** Shared by the Simulation.assertMeetsSlo tests: one SageMaker endpoint, its serving profile, a surge trace. */
export const PROFILES = { 'managed-endpoint': { requestsPerSecondAtSlo: 12, latencyAtSloMs: 250, concurrency: 4, pricePerInstanceHour: 0.23 } };

/** A real-time endpoint scaling between `minCapacity` and `maxCapacity` on in-flight requests, p95 < 300 ms. */
export function endpointStack(minCapacity: number, maxCapacity: number): Stack {
  const stack = new Stack(new App(), 'Endpoint', { env: { account: '123456789012', region: 'us-east-1' } });
  new ManagedEndpoint(stack, 'Chat', {
    artifact: demoArtifact('1.0.0'),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: new AutoscalingPolicy({ minCapacity, maxCapacity, triggers: [ScalingTrigger.inFlightPerInstance(4)], warmBufferPercent: 20 }),
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: Rollout.allAtOnce(),
  });
  return stack;
}

/** 30 minutes at 20 RPS, then 30 minutes at 60 RPS (a surge the endpoint must scale for). */
export function surge(): Trace {
  const rps = new Float64Array(3600);
  rps.fill(20, 0, 1800);
  rps.fill(60, 1800);
  return { name: 'surge', rps, startEpochSeconds: Date.UTC(2027, 2, 3, 5) / 1000 };
}
