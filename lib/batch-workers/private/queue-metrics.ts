import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * The CloudWatch metrics of the job queue and the worker service, per minute: one definition used by
 * the lane's public metric methods, its scaling policies and its alarms. Internal to the
 * batch-workers lane.
 */

const MINUTE = Duration.minutes(1);

/** Jobs waiting (SQS ApproximateNumberOfMessagesVisible, Maximum per minute). @internal */
export function backlogMetric(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: MINUTE, ...props });
}

/** Jobs received and not yet deleted (SQS ApproximateNumberOfMessagesNotVisible, Maximum per minute). @internal */
export function inFlightMetric(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', period: MINUTE, ...props });
}

/** Jobs handed to a worker during the minute (SQS NumberOfMessagesReceived, Sum per minute). @internal */
export function receivedMetric(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricNumberOfMessagesReceived({ statistic: 'Sum', period: MINUTE, ...props });
}

/** Age of the oldest waiting job, seconds (SQS ApproximateAgeOfOldestMessage, Maximum per minute). @internal */
export function oldestAgeMetric(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: MINUTE, ...props });
}

/** A Container Insights task count of the service (`RunningTaskCount`, ..., Average per minute). @internal */
export function taskCountMetric(cluster: ecs.ICluster, serviceName: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName,
    dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: serviceName },
    statistic: 'Average',
    period: MINUTE,
    ...props,
  });
}

/**
 * Jobs waiting per running worker (`visible / running`), the backlog-per-worker scaling signal. Pass
 * metric IDs unique in the app when the expression goes into a dashboard beside other lanes'.
 * @internal
 */
export function backlogPerWorkerMetric(visible: cloudwatch.IMetric, running: cloudwatch.IMetric, props?: cloudwatch.MathExpressionOptions,
  visibleId = 'visible', runningId = 'running'): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `${visibleId} / ${runningId}`,
    usingMetrics: { [visibleId]: visible, [runningId]: running },
    label: 'Jobs waiting per running worker',
    period: MINUTE,
    ...props,
  });
}
