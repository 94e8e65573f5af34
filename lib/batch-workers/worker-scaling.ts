import { Duration, Names } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { AutoscalingPolicy, TriggerKind } from '../core/autoscaling';

/**
 * Renders an {@link AutoscalingPolicy} onto an ECS service's Application Auto Scaling target.
 * Internal to the batch-workers lane.
 */

/** @internal */
export interface WorkerScalingMetrics {
  /** SQS ApproximateNumberOfMessagesVisible of the job queue (1 minute). */
  readonly visible: cloudwatch.Metric;
  /** SQS ApproximateNumberOfMessagesNotVisible of the job queue (jobs in flight, 1 minute). */
  readonly inFlight: cloudwatch.Metric;
  /** SQS ApproximateAgeOfOldestMessage of the job queue (1 minute). */
  readonly oldestAge: cloudwatch.Metric;
  /** ECS/ContainerInsights RunningTaskCount of the service (1 minute). */
  readonly running: cloudwatch.Metric;
  /** ECS/ContainerInsights PendingTaskCount of the service (1 minute). */
  readonly pending: cloudwatch.Metric;
  /** Queue name, for the L1 metric-math policy. */
  readonly queueName: string;
  /** Cluster name, for the L1 metric-math policy. */
  readonly clusterName: string;
  /** Service name, for the L1 metric-math policy. */
  readonly serviceName: string;
}

/** @internal */
export interface RenderedWorkerScaling {
  /** The target-tracking policy on backlog per worker (L1, metric math). */
  readonly backlogPolicy?: appscaling.CfnScalingPolicy;
  /** The time-in-queue step scale-out alarm. */
  readonly timeInQueueAlarm?: cloudwatch.Alarm;
  /** The scale-out-from-zero alarm. */
  readonly fromZeroAlarm?: cloudwatch.Alarm;
  /** The idle scale-in alarm (only when no target-tracking trigger scales in). */
  readonly idleAlarm?: cloudwatch.Alarm;
}

/**
 * `1` while jobs are visible and no worker is running or starting, else `0`. Container Insights
 * publishes no task counts for a service without tasks, so missing counts are filled with 0.
 * @internal
 */
export function noWorkersWithBacklog(m: WorkerScalingMetrics, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'IF(visible > 0 AND (FILL(running, 0) + FILL(pending, 0)) == 0, 1, 0)',
    usingMetrics: { visible: m.visible.with({ statistic: 'Maximum' }), running: m.running, pending: m.pending },
    period: Duration.minutes(1),
    label,
  });
}

/**
 * Backlog-per-worker target tracking, time-in-queue step scaling, optional CPU target tracking,
 * scale-out from zero and the idle scale-in, all on one scalable target.
 * @internal
 */
export function renderWorkerScaling(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy, m: WorkerScalingMetrics): RenderedWorkerScaling {
  const out: { -readonly [K in keyof RenderedWorkerScaling]: RenderedWorkerScaling[K] } = {};
  const backlog = policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE);
  const age = policy.trigger(TriggerKind.TIME_IN_QUEUE);
  const cpu = policy.trigger(TriggerKind.CPU_UTILIZATION);

  if (backlog) {
    // aws-cdk's L2 target tracking takes one metric, not metric math (aws-cdk #20659), so the
    // documented "SQS backlog per task" expression is written with the L1 Metrics list.
    out.backlogPolicy = new appscaling.CfnScalingPolicy(scope, 'BacklogPerWorker', {
      policyName: `${Names.uniqueResourceName(scope, { maxLength: 200 })}-BacklogPerWorker`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: policy.effectiveTarget(backlog),
        scaleOutCooldown: policy.scaleOutCooldown.toSeconds(),
        scaleInCooldown: policy.scaleInCooldown.toSeconds(),
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible',
              label: 'Jobs waiting (ApproximateNumberOfMessagesVisible)',
              returnData: false,
              metricStat: {
                metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: m.queueName }] },
                stat: 'Sum',
              },
            },
            {
              id: 'running',
              label: 'Running workers (ECS/ContainerInsights RunningTaskCount)',
              returnData: false,
              metricStat: {
                metric: {
                  namespace: 'ECS/ContainerInsights',
                  metricName: 'RunningTaskCount',
                  dimensions: [{ name: 'ClusterName', value: m.clusterName }, { name: 'ServiceName', value: m.serviceName }],
                },
                stat: 'Average',
              },
            },
            {
              id: 'backlogPerWorker',
              label: 'Jobs waiting per running worker',
              expression: 'visible / running',
              returnData: true,
            },
          ],
        },
      },
    });
  }

  if (cpu) {
    target.scaleToTrackMetric('CpuUtilization', {
      predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
      targetValue: policy.effectiveTarget(cpu),
      scaleOutCooldown: policy.scaleOutCooldown,
      scaleInCooldown: policy.scaleInCooldown,
    });
  }

  const cap = (n: number, limit?: number) => Math.min(n, limit ?? n);

  if (age) {
    const threshold = policy.effectiveTarget(age);
    const action = new appscaling.StepScalingAction(scope, 'TimeInQueueScaleOut', {
      scalingTarget: target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: policy.scaleOutCooldown,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    // Bounds are relative to the alarm threshold T: [T, 2T) +1, [2T, 4T) +2, [4T, ∞) +4,
    // each capped by maxScaleOutStep.
    const tiers: Array<{ lower: number; upper?: number; change: number }> = [
      { lower: 0, upper: threshold, change: cap(1, policy.maxScaleOutStep) },
      { lower: threshold, upper: 3 * threshold, change: cap(2, policy.maxScaleOutStep) },
      { lower: 3 * threshold, change: cap(4, policy.maxScaleOutStep) },
    ];
    for (const t of tiers) {
      action.addAdjustment({ adjustment: t.change, lowerBound: t.lower, upperBound: t.upper });
    }
    out.timeInQueueAlarm = new cloudwatch.Alarm(scope, 'TimeInQueueAlarm', {
      metric: m.oldestAge.with({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Scale out: the oldest job has waited ${threshold} s or more (time-in-queue trigger ${age.toString()}).`,
    });
    out.timeInQueueAlarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  }

  if (policy.scaleToZero) {
    // Target tracking cannot scale out from zero: with no running worker, backlog ÷ workers has
    // no value. This step policy adds the first worker(s) when jobs wait and nobody works.
    const action = new appscaling.StepScalingAction(scope, 'ScaleOutFromZero', {
      scalingTarget: target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: policy.scaleOutCooldown,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    action.addAdjustment({ adjustment: cap(1, policy.maxScaleOutStep), lowerBound: 0 });
    out.fromZeroAlarm = new cloudwatch.Alarm(scope, 'ScaleOutFromZeroAlarm', {
      metric: noWorkersWithBacklog(m, 'Jobs waiting and no worker running or starting'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Scale out from zero: jobs are waiting and no worker is running or starting.',
    });
    out.fromZeroAlarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  }

  if (!backlog && !cpu && age) {
    // Time in queue only scales out; with no target tracking to scale back in, release workers
    // once the queue has been empty (nothing waiting, nothing in flight) for the scale-in cooldown.
    const idleMinutes = Math.max(1, Math.ceil(policy.scaleInCooldown.toSeconds() / 60));
    const action = new appscaling.StepScalingAction(scope, 'IdleScaleIn', {
      scalingTarget: target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: policy.scaleInCooldown,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    action.addAdjustment({ adjustment: -cap(policy.maxCapacity, policy.maxScaleInStep), upperBound: 0 });
    out.idleAlarm = new cloudwatch.Alarm(scope, 'IdleScaleInAlarm', {
      metric: new cloudwatch.MathExpression({
        expression: 'visible + inFlight',
        usingMetrics: { visible: m.visible.with({ statistic: 'Maximum' }), inFlight: m.inFlight.with({ statistic: 'Maximum' }) },
        period: Duration.minutes(1),
        label: 'Jobs waiting or in flight',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: Math.min(idleMinutes, 1440),
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Scale in: no job waiting or in flight for ${idleMinutes} minute(s).`,
    });
    out.idleAlarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  }

  return out;
}
