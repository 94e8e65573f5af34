import { AlarmSpec, LaneSpec, ScalableTargetSpec, StackModel, TargetTrackingSpec } from '../../lib/simulation/stack-model';
import { Trace } from '../../lib/simulation/traces';

export const START = Date.UTC(2027, 2, 3, 5, 0, 0) / 1000; // Wed 3 March 2027 00:00 New York

export function constantTrace(rps: number, seconds: number, name = 'constant'): Trace {
  return { name, rps: new Float64Array(seconds).fill(rps), startEpochSeconds: START };
}

export function piecewiseTrace(parts: Array<[number, number]>): Trace {
  const total = parts.reduce((a, [s]) => a + s, 0);
  const rps = new Float64Array(total);
  let t = 0;
  for (const [seconds, v] of parts) { rps.fill(v, t, t + seconds); t += seconds; }
  return { name: 'piecewise', rps, startEpochSeconds: START };
}

export function tt(props: Partial<TargetTrackingSpec> & { targetValue: number }): TargetTrackingSpec {
  return { logicalId: 'Policy', scaleOutCooldown: 0, scaleInCooldown: 0, disableScaleIn: false, predefined: 'SageMakerVariantInvocationsPerInstance', ...props };
}

export function target(props: Partial<ScalableTargetSpec>): ScalableTargetSpec {
  return { logicalId: 'Target', serviceNamespace: 'sagemaker', scalableDimension: 'sagemaker:variant:DesiredInstanceCount', minCapacity: 1, maxCapacity: 10, targetTracking: [], stepScaling: [], scheduled: [], ...props };
}

export function lane(props: Partial<LaneSpec>): LaneSpec {
  return { path: 'App/Lane', kind: 'managed-endpoint', anchor: 'Endpoint', scalableTargets: [], kubernetesScalers: [], alarms: [], slo: { latencyPercentile: 95, latencyMs: 300 }, ...props };
}

export function model(...lanes: LaneSpec[]): StackModel { return { lanes, findings: [] }; }

export function alarm(props: Partial<AlarmSpec>): AlarmSpec {
  return { logicalId: 'Alarm', period: 60, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 0, comparison: 'GreaterThanThreshold', treatMissingData: 'notBreaching', ...props };
}
