import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { uniqueMetricId } from '../../core/private/metric-ids';
import { KubernetesRolloutMode } from '../rollout-mode';

/**
 * Capacity still on its way for the GPU lane (issue 19 item 4): pods the autoscaler asked for minus
 * pods available, in pods, for the stable track.
 *
 * - PromQL (always): kube-state-metrics' `kube_deployment_spec_replicas` /
 *   `kube_deployment_status_replicas_available` of the Deployment, or, under ARGO_ROLLOUTS (the
 *   Deployment only holds the template, `replicas: 0`), the Argo Rollouts controller's
 *   `rollout_info_replicas_desired` / `rollout_info_replicas_available` of the Rollout. Clamped at 0
 *   (the rolling update's surge pod makes available exceed desired for a moment).
 * - CloudWatch (with `containerInsights`): the CloudWatch agent's enhanced Container Insights
 *   deployment metrics `replicas_desired` and `status_replicas_available` (namespace
 *   `ContainerInsights`, dimensions `ClusterName`, `Namespace`, `PodName` = the Deployment's name), the
 *   same `IF(desired > available, desired - available, 0)` math as the batch lane's lag.
 * @internal
 */

/** The PromQL of the stable track's capacity lag (pods). */
export function capacityLagQuery(name: string, namespace: string | undefined, mode: KubernetesRolloutMode): string {
  const ns = namespace === undefined ? '' : `namespace="${namespace}",`;
  if (mode === KubernetesRolloutMode.ARGO_ROLLOUTS) {
    return `clamp_min(max(rollout_info_replicas_desired{${ns}name="${name}"}) - max(rollout_info_replicas_available{${ns}name="${name}"}), 0)`;
  }
  return `clamp_min(max(kube_deployment_spec_replicas{${ns}deployment="${name}"}) - max(kube_deployment_status_replicas_available{${ns}deployment="${name}"}), 0)`;
}

/** Container Insights (enhanced observability) deployment metric of the stable Deployment. */
function deploymentMetric(clusterName: string, namespace: string, name: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ContainerInsights',
    metricName,
    dimensionsMap: { ClusterName: clusterName, Namespace: namespace, PodName: name },
    statistic: 'Maximum',
    period: Duration.minutes(1),
  });
}

/** `IF(desired > available, desired - available, 0)` on the Container Insights deployment metrics. */
export function containerInsightsCapacityLag(scope: IConstruct, clusterName: string, namespace: string, name: string,
  props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
  const ids = { desired: uniqueMetricId(scope, 'desired'), available: uniqueMetricId(scope, 'available') };
  const d = `FILL(${ids.desired}, 0)`;
  const a = `FILL(${ids.available}, 0)`;
  return new cloudwatch.MathExpression({
    expression: `IF(${d} > ${a}, ${d} - ${a}, 0)`,
    usingMetrics: {
      [ids.desired]: deploymentMetric(clusterName, namespace, name, 'replicas_desired'),
      [ids.available]: deploymentMetric(clusterName, namespace, name, 'status_replicas_available'),
    },
    label: props?.label ?? 'GPU pods on their way (desired - available)',
    period: props?.period ?? Duration.minutes(1),
    ...(props?.color ? { color: props.color } : {}),
  });
}
