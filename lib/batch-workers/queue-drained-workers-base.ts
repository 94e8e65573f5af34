import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { InferenceLaneBase } from '../core/inference-lane-base';
import { uniqueMetricId } from '../core/private/metric-ids';
import { capacityLagMetric } from './private/lead-time';
import { backlogMetric, backlogPerWorkerMetric, inFlightMetric, oldestAgeMetric, taskCountMetric } from './private/queue-metrics';
import { FAILURES_FILTER_ID, finishedJobsMetric, putRequests } from './private/results-bucket';

/**
 * The metrics of a queue-drained worker lane (jobs, workers, saturation, capacity lag), kept apart
 * from {@link QueueDrainedWorkers} so its main file stays the construct and its props.
 *
 * @internal
 */
export abstract class QueueDrainedWorkersBase extends InferenceLaneBase {
  /** The job queue. */
  public abstract readonly queue: sqs.IQueue;
  /** The dead-letter queue, when known. */
  public abstract readonly deadLetterQueue?: sqs.IQueue;
  /** Where workers write results and failure reports. */
  public abstract readonly resultsBucket: s3.IBucket;
  /** The workers' cluster. */
  public abstract readonly cluster: ecs.ICluster;
  /** The workers' service. */
  public abstract readonly service: ecs.BaseService;
  /** Whether the cluster publishes Container Insights task counts. */
  protected abstract readonly containerInsights: boolean;
  /** Whether the results bucket counts job outcomes (S3 request metrics). */
  protected abstract readonly jobRequestMetrics: boolean;

  /**
   * Workers asked for and not yet running: `IF(desired > running, desired - running, 0)` on the
   * Container Insights `DesiredTaskCount` and `RunningTaskCount` of the service (Average per minute,
   * missing values as 0). Above zero for about {@link scaleOutLeadTime} after a scale-out; staying up
   * means no capacity (GPU quota, no instances of the type, image pull failures).
   *
   * @returns undefined without Container Insights (a brought cluster not declared to have it)
   */
  public metricCapacityLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    if (!this.containerInsights) { return undefined; }
    return capacityLagMetric(
      taskCountMetric(this.cluster, this.service.serviceName, 'DesiredTaskCount'),
      this.metricRunningWorkers(),
      { desired: uniqueMetricId(this, 'desired'), running: uniqueMetricId(this, 'running') },
      props,
    );
  }

  /** Jobs waiting to be picked up (SQS ApproximateNumberOfMessagesVisible, Maximum per minute). */
  public metricBacklog(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return backlogMetric(this.queue, props);
  }

  /** Jobs being worked on (SQS ApproximateNumberOfMessagesNotVisible, Maximum per minute). */
  public metricJobsInFlight(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return inFlightMetric(this.queue, props);
  }

  /** Age of the oldest waiting job, seconds (SQS ApproximateAgeOfOldestMessage, Maximum per minute). */
  public metricOldestJobAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return oldestAgeMetric(this.queue, props);
  }

  /** Throughput: jobs completed, i.e. deleted by workers (SQS NumberOfMessagesDeleted, Sum per minute). */
  public metricJobsCompleted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricNumberOfMessagesDeleted({ statistic: 'Sum', period: Duration.minutes(1), ...props });
  }

  /** Jobs submitted (SQS NumberOfMessagesSent, Sum per minute). */
  public metricJobsSubmitted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricNumberOfMessagesSent({ statistic: 'Sum', period: Duration.minutes(1), ...props });
  }

  /**
   * Failure reports written under `failuresPrefix` (S3 request metrics `PutRequests`, Sum per minute):
   * one per failed job when workers follow the lane's contract.
   *
   * @returns undefined unless the lane created the results bucket with request metrics (an
   * error-rate objective)
   */
  public metricFailedJobs(props?: cloudwatch.MetricOptions): cloudwatch.Metric | undefined {
    return this.jobRequestMetrics ? putRequests(this.resultsBucket, FAILURES_FILTER_ID, { label: 'Failed jobs (failure reports)', ...props }) : undefined;
  }

  /**
   * Jobs that finished, well or not: results plus failure reports (S3 `PutRequests` on both
   * prefixes, Sum per minute). A result uploaded in several parts counts once per part, which only
   * lowers the error rate (never a false rollback).
   *
   * @returns undefined unless the lane created the results bucket with request metrics (an
   * error-rate objective)
   */
  public metricFinishedJobs(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression | undefined {
    return this.jobRequestMetrics ? finishedJobsMetric(this.resultsBucket, props) : undefined;
  }

  /**
   * Jobs in the dead-letter queue (Maximum per minute).
   *
   * @returns undefined when the DLQ is not known (a brought queue without `deadLetterQueue`)
   */
  public metricDeadLetterJobs(props?: cloudwatch.MetricOptions): cloudwatch.Metric | undefined {
    return this.deadLetterQueue ? backlogMetric(this.deadLetterQueue, props) : undefined;
  }

  /** Running workers (ECS/ContainerInsights RunningTaskCount, Average per minute; needs Container Insights). */
  public metricRunningWorkers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return taskCountMetric(this.cluster, this.service.serviceName, 'RunningTaskCount', props);
  }

  /** Jobs waiting per running worker: the backlog-per-worker scaling signal (metric math). */
  public metricBacklogPerWorker(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return backlogPerWorkerMetric(this.metricBacklog({ statistic: 'Sum' }), this.metricRunningWorkers(), props);
  }

  /**
   * How full the lane is, per minute: jobs waiting, the oldest job's age (seconds), jobs waiting per
   * running worker (with Container Insights) and the workers' CPU utilization (`AWS/ECS`).
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    return [
      this.metricBacklog({ label: 'Jobs waiting' }),
      this.metricOldestJobAge({ label: 'Oldest job age (s)' }),
      // Metric IDs unique in the app: dashboards put several lanes' expressions in one widget.
      ...(this.containerInsights ? [backlogPerWorkerMetric(this.metricBacklog(), this.metricRunningWorkers(), {}, uniqueMetricId(this, 'visible'), uniqueMetricId(this, 'running'))] : []),
      this.service.metricCpuUtilization({ period: Duration.minutes(1), label: 'Worker CPU utilization (%)' }),
    ];
  }

  /**
   * Running workers (`ECS/ContainerInsights` `RunningTaskCount`, Average). On GPU capacity a worker
   * is priced as one instance of `capacity.instanceType`, which over-counts when several workers
   * share an instance.
   *
   * @returns undefined when the brought cluster is not declared to have Container Insights
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.containerInsights ? this.metricRunningWorkers({ label: 'Running workers', ...props }) : undefined;
  }

  /**
   * Failed jobs: failure reports under `failuresPrefix` (see {@link metricFailedJobs}). SQS itself
   * does not count redrives into the DLQ; watch {@link metricDeadLetterJobs} too.
   *
   * @returns undefined unless the lane counts job outcomes (an error-rate objective)
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.metricFailedJobs(props);
  }

  /** Jobs completed (see {@link metricJobsCompleted}). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.metricJobsCompleted(props);
  }
}
