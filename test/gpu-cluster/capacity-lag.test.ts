import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuServingChart, KubernetesRolloutMode } from '../../lib/gpu-cluster';
import { importedCluster } from './imported-cluster';

// Issue 19 item 4 for the GPU lane: the capacity lag. PromQL from what the lane's own Prometheus
// (KEDA's, Argo's) can read, and a CloudWatch metric only when Container Insights (enhanced) runs.

const MODEL = {
  name: 'recsys', version: '1.4.0', weightsUri: 's3://models/recsys/1.4.0/model.tar.gz',
  imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3', framework: 'onnx',
};
const policy = new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(8)] });

function artifact(stack: Stack): ModelArtifact {
  return ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
    name: 'recsys', version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], digest: 'sha256:' + 'cd'.repeat(32),
    image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
}

describe('capacityLagQuery (PromQL)', () => {
  test('rolling update: kube-state-metrics of the stable Deployment, in its namespace, clamped at 0', () => {
    const chart = new GpuServingChart(new cdk8s.App(), 'recsys', { namespace: 'recsys', model: MODEL, autoscaling: policy });
    expect(chart.capacityLagQuery).toBe(
      'clamp_min(max(kube_deployment_spec_replicas{namespace="recsys",deployment="recsys"}) - max(kube_deployment_status_replicas_available{namespace="recsys",deployment="recsys"}), 0)');
    // The Deployment it names is the one the chart renders.
    expect(chart.toJson().some((o: any) => o.kind === 'Deployment' && o.metadata.name === 'recsys' && o.metadata.namespace === 'recsys')).toBe(true);
  });

  test('without a namespace: no namespace matcher (the objects land in kubectl\'s namespace); serviceName names the Deployment', () => {
    const chart = new GpuServingChart(new cdk8s.App(), 'x', { model: MODEL, serviceName: 'ranker' });
    expect(chart.capacityLagQuery).toBe(
      'clamp_min(max(kube_deployment_spec_replicas{deployment="ranker"}) - max(kube_deployment_status_replicas_available{deployment="ranker"}), 0)');
  });

  test('ARGO_ROLLOUTS: the Rollout controller\'s desired and available replicas (the Deployment has replicas 0 there)', () => {
    const chart = new GpuServingChart(new cdk8s.App(), 'recsys', {
      namespace: 'recsys', model: MODEL, autoscaling: policy, rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS,
      rollout: Rollout.canary({ percent: 75, bakeTime: Duration.minutes(10), finalBakeTime: Duration.minutes(10) }),
      slo: ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1 }),
    });
    expect(chart.capacityLagQuery).toBe(
      'clamp_min(max(rollout_info_replicas_desired{namespace="recsys",name="recsys"}) - max(rollout_info_replicas_available{namespace="recsys",name="recsys"}), 0)');
  });
});

describe('metricCapacityLag (CloudWatch)', () => {
  test('undefined by default: the lane publishes no CloudWatch signal; the PromQL is on the service', () => {
    const stack = new Stack(new App(), 'Default');
    const service = new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact: artifact(stack), namespace: 'recsys', autoscaling: policy });
    expect(service.metricCapacityLag()).toBeUndefined();
    expect(service.capacityLagQuery).toMatch(/^clamp_min\(max\(kube_deployment_spec_replicas\{namespace="recsys",deployment="recsys"\}\)/);
  });

  test('with containerInsights: IF(desired > available) on ContainerInsights replicas_desired / status_replicas_available, as emitted in an alarm', () => {
    const stack = new Stack(new App(), 'Ci');
    const service = new GpuClusterService(stack, 'Recsys', {
      cluster: importedCluster(stack), artifact: artifact(stack), namespace: 'recsys', autoscaling: policy, containerInsights: true,
    });
    const lag = service.metricCapacityLag()!;
    new cloudwatch.Alarm(stack, 'Lag', { metric: lag, threshold: 0, evaluationPeriods: 10, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD });
    const alarm: any = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0];
    const metrics: any[] = alarm.Properties.Metrics;
    const expr = metrics.find(m => m.Expression);
    const [desired, available] = ['replicas_desired', 'status_replicas_available'].map(name => metrics.find(m => m.MetricStat?.Metric.MetricName === name));
    expect(expr.Expression).toBe(`IF(FILL(${desired.Id}, 0) > FILL(${available.Id}, 0), FILL(${desired.Id}, 0) - FILL(${available.Id}, 0), 0)`);
    for (const m of [desired, available]) {
      expect(m.MetricStat).toEqual({
        Metric: {
          Namespace: 'ContainerInsights', MetricName: m.MetricStat.Metric.MetricName,
          Dimensions: expect.arrayContaining([{ Name: 'ClusterName', Value: 'recsys-gpu' }, { Name: 'Namespace', Value: 'recsys' }, { Name: 'PodName', Value: 'recsys' }]),
        },
        Period: 60, Stat: 'Maximum',
      });
      expect(m.MetricStat.Metric.Dimensions).toHaveLength(3);
    }
  });

  test('containerInsights with ARGO_ROLLOUTS is rejected (Container Insights reports Deployments; the Rollout runs the pods)', () => {
    const stack = new Stack(new App(), 'Argo');
    expect(() => new GpuClusterService(stack, 'Recsys', {
      cluster: importedCluster(stack), artifact: artifact(stack), autoscaling: policy, containerInsights: true,
      rolloutMode: KubernetesRolloutMode.ARGO_ROLLOUTS, rollout: Rollout.canary({ percent: 75, bakeTime: Duration.minutes(10), finalBakeTime: Duration.minutes(10) }),
      slo: ServiceLevelObjective.latency(95, Duration.millis(100), { maxErrorRatePercent: 1 }),
    })).toThrow(/Argo\/Recsys: 'containerInsights' \(true\) cannot give a capacity lag under rolloutMode ARGO_ROLLOUTS: Container Insights reports Deployments.*Fix: Drop containerInsights and chart capacityLagQuery/);
  });

  test('containerInsights: false is the default (undefined)', () => {
    const stack = new Stack(new App(), 'Off');
    const service = new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact: artifact(stack), autoscaling: policy, containerInsights: false });
    expect(service.metricCapacityLag()).toBeUndefined();
  });
});
