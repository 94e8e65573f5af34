import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AutoscalingPolicy } from '../../core';
import { uniqueMetricId } from '../../core/private/metric-ids';
import { EndpointModeKind } from '../endpoint-mode';
import { InstanceTypeInfo } from '../instance-type';
import type { ManagedEndpoint } from '../managed-endpoint';
import { endpointLevelMetric, instanceMetric } from './endpoint-members';

/**
 * The managed endpoint's derived metrics: how full it is (saturation) and the instances in service
 * (for cost math). Internal.
 */

/** See `ManagedEndpoint.saturationMetrics`. */
export function saturationMetrics(endpoint: ManagedEndpoint, policy: AutoscalingPolicy | undefined, info: InstanceTypeInfo | undefined): cloudwatch.IMetric[] {
  const mode = endpoint.mode;
  if (mode.kind === EndpointModeKind.SERVERLESS) {
    if ((mode.serverlessOptions?.provisionedConcurrency ?? 0) === 0 && policy === undefined) { return []; }
    return [
      endpoint.metric('ServerlessProvisionedConcurrencyUtilization', { statistic: 'Maximum', period: Duration.minutes(1), label: 'Provisioned concurrency utilization (0-1)' }),
      endpoint.metric('ServerlessProvisionedConcurrencySpilloverInvocations', { statistic: 'Sum', period: Duration.minutes(1), label: 'Invocations beyond provisioned concurrency' }),
    ];
  }
  const metrics: cloudwatch.IMetric[] = [
    instanceMetric(endpoint, 'CPUUtilization').with({ label: 'CPU utilization (% summed over vCPUs)' }),
    instanceMetric(endpoint, 'MemoryUtilization').with({ label: 'Memory utilization (%)' }),
  ];
  if ((info?.gpus ?? mode.instance?.gpuCount ?? 0) > 0) {
    metrics.push(instanceMetric(endpoint, 'GPUUtilization').with({ label: 'GPU utilization (% summed over GPUs)' }));
  }
  if (mode.kind === EndpointModeKind.ASYNC) {
    metrics.push(endpointLevelMetric(endpoint, 'ApproximateBacklogSize', { statistic: 'Average', period: Duration.minutes(1), label: 'Queued requests' }));
    metrics.push(endpoint.metricOldestRequestAge({ period: Duration.minutes(1), label: 'Oldest queued request (s)' }));
  }
  return metrics;
}

/** See `ManagedEndpoint.metricCapacityInService`. */
export function capacityInService(endpoint: ManagedEndpoint, props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
  const period = props?.period ?? Duration.minutes(1);
  switch (endpoint.mode.kind) {
    case EndpointModeKind.REAL_TIME: {
      const inv = uniqueMetricId(endpoint, 'inv');
      const per = uniqueMetricId(endpoint, 'perinstance');
      return new cloudwatch.MathExpression({
        expression: `${inv} / ${per}`,
        usingMetrics: { [inv]: endpoint.metric('Invocations', { statistic: 'Sum' }), [per]: endpoint.metric('InvocationsPerInstance', { statistic: 'Sum' }) },
        period,
        label: props?.label ?? 'Instances in service (Invocations ÷ InvocationsPerInstance, while requests flow)',
      });
    }
    case EndpointModeKind.ASYNC: {
      const backlog = uniqueMetricId(endpoint, 'backlog');
      const per = uniqueMetricId(endpoint, 'perinstance');
      return new cloudwatch.MathExpression({
        expression: `${backlog} / ${per}`,
        usingMetrics: {
          [backlog]: endpointLevelMetric(endpoint, 'ApproximateBacklogSize', { statistic: 'Average' }),
          [per]: endpoint.metricBacklogPerInstance(),
        },
        period,
        label: props?.label ?? 'Instances in service (backlog ÷ backlog per instance, while requests wait)',
      });
    }
    default:
      return undefined;
  }
}
