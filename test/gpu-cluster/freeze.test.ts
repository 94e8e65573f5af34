import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import {
  GpuServingChart, KubernetesRolloutMode, LaneValidationError, Rollout, ServiceLevelObjective, VersionFreeze,
} from '../../lib';
import { createGpuClusterStack } from '../../examples/gpu-cluster';
import { GpuClusterService } from '../../lib/gpu-cluster';
import { GATEWAY, MODEL, NEXT } from './served-models';

/** The chart in Argo Rollouts mode, serving `model` under `freeze`. */
function argoChart(model = MODEL, freeze?: VersionFreeze, app = new cdk8s.App()): GpuServingChart {
  return new GpuServingChart(app, 'recsys', {
    namespace: 'recsys', model, gateway: GATEWAY,
    slo: ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1 }),
    rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(10) }),
    rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS,
    freeze,
  });
}
const rolloutOf = (c: GpuServingChart) => (c.toJson() as any[]).find(o => o.kind === 'Rollout');

describe('GPU lane under an emergency freeze', () => {
  const FROZEN = VersionFreeze.lock('1.4.0', { reason: 'incident 4711' });

  test('a chart serving another version is rejected, naming the chart, the version and the lock', () => {
    expect(() => argoChart(NEXT, FROZEN)).toThrow(LaneValidationError);
    expect(() => argoChart(NEXT, FROZEN)).toThrow(
      /^recsys: 'model.version' \("1.5.0"\) would be deployed while versions are frozen at 1.4.0 \(incident 4711; set by VersionFreeze\)\. Fix: Serve 1.4.0/);
  });

  test('serving the locked version, the Argo Rollout is rendered paused; unfrozen it is not', () => {
    expect(rolloutOf(argoChart(MODEL, FROZEN)).spec.paused).toBe(true);
    expect(rolloutOf(argoChart(MODEL)).spec.paused).toBeUndefined();
  });

  test('an expired freeze neither rejects nor pauses', () => {
    const expired = VersionFreeze.lock('1.4.0', { reason: 'done', until: '2020-01-01T00:00:00Z' });
    expect(rolloutOf(argoChart(NEXT, expired)).spec.paused).toBeUndefined();
  });

  test('a freeze applied to the cdk8s app reaches a chart alone', () => {
    const app = new cdk8s.App();
    FROZEN.applyTo(app);
    expect(() => argoChart(NEXT, undefined, app)).toThrow(/would be deployed while versions are frozen at 1.4.0/);
  });

  test('GpuClusterService passes the freeze in force at it (CDK context) to its chart', () => {
    const app = new App({ context: { 'inference-lanes:freeze': '9.9.9', 'inference-lanes:freeze-reason': 'incident 4711' } });
    expect(() => createGpuClusterStack(app, 'Gpu')).toThrow(/would be deployed while versions are frozen at 9.9.9 \(incident 4711; set by context 'inference-lanes:freeze'\)/);
    const ok = new App();
    const stack: Stack = createGpuClusterStack(ok, 'Gpu');
    const service = stack.node.findAll().find((c): c is GpuClusterService => c instanceof GpuClusterService)!;
    expect(service.chart.toJson().some((o: any) => o.spec?.paused)).toBe(false);
  });
});
