import { Duration, Names, Stack, Tags } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AutoscalingPolicy, ScalingTrigger, TriggerKind } from '../../core/autoscaling';
import { addScheduledActions } from '../../core/private/scheduling';
import { backlogMetric, inFlightMetric, oldestAgeMetric, receivedMetric, taskCountMetric } from './queue-metrics';

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
  /** SQS NumberOfMessagesReceived of the job queue (Sum, 1 minute). */
  readonly received: cloudwatch.Metric;
  /** SQS ApproximateAgeOfOldestMessage of the job queue (1 minute). */
  readonly oldestAge: cloudwatch.Metric;
  /** ECS/ContainerInsights RunningTaskCount of the service (1 minute). */
  readonly running: cloudwatch.Metric;
  /** ECS/ContainerInsights PendingTaskCount of the service (1 minute). */
  readonly pending: cloudwatch.Metric;
  /** ECS/ContainerInsights DesiredTaskCount of the service (1 minute). */
  readonly desired: cloudwatch.Metric;
  /** Queue name, for the L1 metric-math policy. */
  readonly queueName: string;
  /** Cluster name, for the L1 metric-math policy. */
  readonly clusterName: string;
  /** Service name, for the L1 metric-math policy. */
  readonly serviceName: string;
  /**
   * Hold the time-in-queue steps while desired workers are not yet running or pending (EC2 capacity:
   * tasks wait in PROVISIONING for minutes while an instance launches). Needs Container Insights.
   */
  readonly holdStepsWhileProvisioning: boolean;
}

/**
 * The oldest job's age, or 0 while desired workers are still PROVISIONING (not yet running or
 * pending): the time-in-queue steps add capacity only once what they asked for earlier has been placed.
 * @internal
 */
export const AGE_WHILE_PLACED_EXPRESSION = 'IF(FILL(desired, 0) > FILL(running, 0) + FILL(pending, 0), 0, age)';

/** Minutes the queue must be idle before the idle scale-in (default of `idleScaleInAfter`). @internal */
export const DEFAULT_IDLE_SCALE_IN_MINUTES = 2;

/** The idle gate: jobs waiting + in flight (Maximum) + received during the minute (Sum); idle below 1 (i.e. 0). @internal */
export const IDLE_EXPRESSION = 'visible + inFlight + received';

/** @internal */
export interface RenderedWorkerScaling {
  /** The target-tracking policy on backlog per worker (L1, metric math). */
  readonly backlogPolicy?: appscaling.CfnScalingPolicy;
  /** The time-in-queue step scale-out alarm. */
  readonly timeInQueueAlarm?: cloudwatch.Alarm;
  /** The scale-out-from-zero alarm. */
  readonly fromZeroAlarm?: cloudwatch.Alarm;
  /** The idle scale-in alarm (every scaling policy). */
  readonly idleAlarm?: cloudwatch.Alarm;
  /** The backlog scale-in alarm (backlog and time-in-queue triggers together). */
  readonly backlogScaleInAlarm?: cloudwatch.Alarm;
}

/**
 * The scale-out-from-zero gate: `1` while jobs are visible and the service's desired count is 0.
 * Tasks still PROVISIONING on EC2 capacity are neither running nor pending, but they are desired, so
 * the gate closes as soon as the first step has raised the desired count. Container Insights does
 * not promise a DesiredTaskCount datapoint for a service at 0, so a missing value counts as 0.
 * @internal
 */
export const FROM_ZERO_EXPRESSION = 'IF(visible > 0 AND FILL(desired, 0) == 0, 1, 0)';

/**
 * The backlog scale-in gate (backlog and time-in-queue triggers together): `1` while jobs wait
 * (`visible > 0`), one worker fewer would still meet the backlog target (`visible < target ×
 * (running − 1)`) and the oldest job is younger than half the time-in-queue threshold. On an empty
 * queue the gate stays closed: the idle scale-in (to the minimum, after `idleScaleInAfter`) is the
 * right action there, not one worker per scale-in cooldown (issue 17: documents trace 1.34x → 1.25x
 * of the oracle's instance-hours).
 * @internal
 */
export function backlogScaleInExpression(target: number, halfAgeSeconds: number): string {
  return `IF(FILL(visible, 0) > 0 AND FILL(age, 0) < ${halfAgeSeconds} AND FILL(visible, 0) < ${target} * (running - 1), 1, 0)`;
}

/**
 * Backlog-per-worker target tracking, time-in-queue step scaling, optional CPU target tracking,
 * scale-out from zero and the scale-in steps, all on one scalable target.
 * @internal
 */
export function renderWorkerScaling(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy, m: WorkerScalingMetrics,
  idleMinutes: number): RenderedWorkerScaling {
  const backlog = policy.trigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE);
  const age = policy.trigger(TriggerKind.TIME_IN_QUEUE);
  const cpu = policy.trigger(TriggerKind.CPU_UTILIZATION);
  // Step policies do not take part in Application Auto Scaling's "scale in only when every
  // target-tracking policy agrees" rule: a target-tracking policy would remove the workers the
  // time-in-queue steps just added. With a time-in-queue trigger, target tracking only scales out
  // and the scale-in steps below (backlog and idle) release workers once both signals agree.
  const trackingScalesIn = !age;
  const backlogPolicy = backlog ? renderBacklogTracking(scope, target, policy, backlog, trackingScalesIn, m) : undefined;
  if (cpu) {
    target.scaleToTrackMetric('CpuUtilization', {
      predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
      targetValue: policy.effectiveTarget(cpu),
      scaleOutCooldown: policy.scaleOutCooldown,
      scaleInCooldown: policy.scaleInCooldown,
      disableScaleIn: trackingScalesIn ? undefined : true,
    });
  }
  return {
    backlogPolicy,
    timeInQueueAlarm: age ? renderTimeInQueueSteps(scope, target, policy, age, m) : undefined,
    fromZeroAlarm: policy.scaleToZero ? renderScaleOutFromZero(scope, target, policy, m) : undefined,
    backlogScaleInAlarm: backlog && age ? renderBacklogScaleIn(scope, target, policy, backlog, age, m) : undefined,
    idleAlarm: renderIdleScaleIn(scope, target, policy, m, idleMinutes),
  };
}

/** A scale-out cap: `n`, or `limit` when it is lower. */
function cap(n: number, limit?: number): number {
  return Math.min(n, limit ?? n);
}

/** A step policy changing the capacity by whole workers, aggregated by Maximum. */
function stepAction(scope: Construct, id: string, target: appscaling.ScalableTarget, cooldown: Duration): appscaling.StepScalingAction {
  return new appscaling.StepScalingAction(scope, id, {
    scalingTarget: target,
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    cooldown,
    metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
  });
}

/** Scale-in steps wait the scale-in cooldown (whole minutes, at least 1, at most a day) of consecutive agreement. */
function scaleInMinutes(policy: AutoscalingPolicy): number {
  return Math.min(Math.max(1, Math.ceil(policy.scaleInCooldown.toSeconds() / 60)), 1440);
}

/**
 * Target tracking on `visible / running`. aws-cdk's L2 target tracking takes one metric, not metric
 * math (aws-cdk #20659), so the documented "SQS backlog per task" expression is written with the L1
 * Metrics list.
 */
function renderBacklogTracking(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy,
  backlog: ScalingTrigger, trackingScalesIn: boolean, m: WorkerScalingMetrics): appscaling.CfnScalingPolicy {
  return new appscaling.CfnScalingPolicy(scope, 'BacklogPerWorker', {
    policyName: `${Names.uniqueResourceName(scope, { maxLength: 200 })}-BacklogPerWorker`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: policy.effectiveTarget(backlog),
      scaleOutCooldown: policy.scaleOutCooldown.toSeconds(),
      scaleInCooldown: policy.scaleInCooldown.toSeconds(),
      disableScaleIn: trackingScalesIn ? undefined : true,
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

/** Steps on the oldest job's age T: [T, 2T) +1, [2T, 4T) +2, [4T, ∞) +4, each capped by maxScaleOutStep. */
function renderTimeInQueueSteps(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy,
  age: ScalingTrigger, m: WorkerScalingMetrics): cloudwatch.Alarm {
  const threshold = policy.effectiveTarget(age);
  const action = stepAction(scope, 'TimeInQueueScaleOut', target, policy.scaleOutCooldown);
  // Bounds are relative to the alarm threshold T.
  const tiers: Array<{ lower: number; upper?: number; change: number }> = [
    { lower: 0, upper: threshold, change: cap(1, policy.maxScaleOutStep) },
    { lower: threshold, upper: 3 * threshold, change: cap(2, policy.maxScaleOutStep) },
    { lower: 3 * threshold, change: cap(4, policy.maxScaleOutStep) },
  ];
  for (const t of tiers) {
    action.addAdjustment({ adjustment: t.change, lowerBound: t.lower, upperBound: t.upper });
  }
  const ageMetric = m.oldestAge.with({ statistic: 'Maximum', period: Duration.minutes(1) });
  const alarm = new cloudwatch.Alarm(scope, 'TimeInQueueAlarm', {
    metric: m.holdStepsWhileProvisioning
      ? new cloudwatch.MathExpression({
        expression: AGE_WHILE_PLACED_EXPRESSION,
        usingMetrics: { age: ageMetric, desired: m.desired, running: m.running, pending: m.pending },
        period: Duration.minutes(1),
        label: 'Oldest job age (s), 0 while workers are still being placed',
      })
      : ageMetric,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Scale out: the oldest job has waited ${threshold} s or more (time-in-queue trigger ${age.toString()})${m.holdStepsWhileProvisioning ? ', and every desired worker is running or pending' : ''}.`,
  });
  alarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  return alarm;
}

/**
 * Target tracking cannot scale out from zero: with no running worker, backlog ÷ workers has no
 * value. This step policy adds the first worker when jobs wait and the service's desired count is 0.
 * Gating on the desired count (not running + pending) keeps it from adding another worker every
 * cooldown while EC2 GPU tasks are still PROVISIONING (neither running nor pending).
 */
function renderScaleOutFromZero(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy, m: WorkerScalingMetrics): cloudwatch.Alarm {
  const action = stepAction(scope, 'ScaleOutFromZero', target, policy.scaleOutCooldown);
  action.addAdjustment({ adjustment: cap(1, policy.maxScaleOutStep), lowerBound: 0 });
  const alarm = new cloudwatch.Alarm(scope, 'ScaleOutFromZeroAlarm', {
    metric: new cloudwatch.MathExpression({
      expression: FROM_ZERO_EXPRESSION,
      usingMetrics: { visible: m.visible.with({ statistic: 'Maximum' }), desired: m.desired },
      period: Duration.minutes(1),
      label: 'Jobs waiting and no worker desired',
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'Scale out from zero: jobs are waiting and the service\'s desired count is 0.',
  });
  alarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  return alarm;
}

/**
 * Target tracking on backlog does not scale in next to a time-in-queue trigger: remove one worker per
 * scale-in cooldown while jobs wait, one worker fewer would still meet the backlog target and the
 * oldest job is younger than half the time-in-queue threshold (a hysteresis band below the first step
 * at T). An empty queue is left to the idle scale-in ({@link backlogScaleInExpression}).
 */
function renderBacklogScaleIn(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy,
  backlog: ScalingTrigger, age: ScalingTrigger, m: WorkerScalingMetrics): cloudwatch.Alarm {
  const inMinutes = scaleInMinutes(policy);
  const backlogTarget = policy.effectiveTarget(backlog);
  const halfAge = Math.round(policy.effectiveTarget(age) / 2);
  const action = stepAction(scope, 'BacklogScaleIn', target, policy.scaleInCooldown);
  action.addAdjustment({ adjustment: -1, lowerBound: 0 });
  const alarm = new cloudwatch.Alarm(scope, 'BacklogScaleInAlarm', {
    metric: new cloudwatch.MathExpression({
      expression: backlogScaleInExpression(backlogTarget, halfAge),
      usingMetrics: {
        visible: m.visible.with({ statistic: 'Maximum' }),
        running: m.running,
        age: m.oldestAge.with({ statistic: 'Maximum' }),
      },
      period: Duration.minutes(1),
      label: 'Jobs waiting, and one worker fewer would still meet the backlog and age targets',
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: inMinutes,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Scale in by one: for ${inMinutes} minute(s) jobs wait, fewer than ${backlogTarget} jobs per worker would wait with one worker less, and the oldest job is younger than ${halfAge} s (an empty queue is left to the idle scale-in).`,
  });
  alarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  return alarm;
}

/**
 * Scale in to the minimum in one step (or by `maxScaleInStep`) once the queue has been idle for
 * `idleMinutes` consecutive one-minute periods: nothing waiting, nothing in flight (received and not
 * yet deleted: no worker holds a job) and nothing received during the minute (a job shorter than a
 * minute can start and finish between two samples of the SQS gauges). Rendered for every scaling
 * policy: target tracking would release idle workers only after 15 minutes, and the backlog scale-in
 * step one per scale-in cooldown (issue 17: 4.29x the oracle's instance-hours on the documents trace).
 * A metric missing in a period counts as not idle (no scale-in on missing data).
 */
function renderIdleScaleIn(scope: Construct, target: appscaling.ScalableTarget, policy: AutoscalingPolicy, m: WorkerScalingMetrics, idleMinutes: number): cloudwatch.Alarm {
  const action = stepAction(scope, 'IdleScaleIn', target, policy.scaleInCooldown);
  action.addAdjustment({ adjustment: -cap(policy.maxCapacity, policy.maxScaleInStep), upperBound: 0 });
  const alarm = new cloudwatch.Alarm(scope, 'IdleScaleInAlarm', {
    metric: new cloudwatch.MathExpression({
      expression: IDLE_EXPRESSION,
      usingMetrics: {
        visible: m.visible.with({ statistic: 'Maximum' }),
        inFlight: m.inFlight.with({ statistic: 'Maximum' }),
        received: m.received.with({ statistic: 'Sum' }),
      },
      period: Duration.minutes(1),
      label: 'Jobs waiting, in flight or received',
    }),
    // Counts are whole numbers: `< 1` is `== 0`, and the value (0) lies strictly below the threshold, so
    // the step interval (upper bound 0 = threshold + 0) matches whatever side of a bound is inclusive.
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: idleMinutes,
    datapointsToAlarm: idleMinutes,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Scale in to the minimum: no job waiting, in flight or received for ${idleMinutes} consecutive minute(s).`,
  });
  alarm.addAlarmAction(new cwactions.ApplicationScalingAction(action));
  return alarm;
}

/** What the worker scaling is built from. @internal */
export interface WorkerScalingOptions {
  readonly queue: sqs.IQueue;
  readonly cluster: ecs.ICluster;
  readonly service: ecs.BaseService;
  readonly policy: AutoscalingPolicy;
  /** EC2 capacity with Container Insights: hold the time-in-queue steps while workers are PROVISIONING. */
  readonly holdStepsWhileProvisioning: boolean;
  /** Tag keys to keep off the scalable target (the lane's tags). */
  readonly laneTagKeys: string[];
  /** Consecutive idle minutes before the idle scale-in. */
  readonly idleMinutes: number;
}

/** The queue and service metrics the scaling policies and alarms read. @internal */
export function workerScalingMetrics(queue: sqs.IQueue, cluster: ecs.ICluster, service: ecs.IService, holdStepsWhileProvisioning: boolean): WorkerScalingMetrics {
  return {
    visible: backlogMetric(queue),
    inFlight: inFlightMetric(queue),
    received: receivedMetric(queue),
    oldestAge: oldestAgeMetric(queue),
    running: taskCountMetric(cluster, service.serviceName, 'RunningTaskCount'),
    pending: taskCountMetric(cluster, service.serviceName, 'PendingTaskCount'),
    desired: taskCountMetric(cluster, service.serviceName, 'DesiredTaskCount'),
    queueName: queue.queueName,
    clusterName: cluster.clusterName,
    serviceName: service.serviceName,
    holdStepsWhileProvisioning,
  };
}

/**
 * The ECS service's scalable target (`ScalableTarget`, min/max of the policy, the ECS
 * service-linked role), its policies and alarms ({@link renderWorkerScaling}) and scheduled actions.
 * @internal
 */
export function createWorkerScaling(scope: Construct, o: WorkerScalingOptions): appscaling.ScalableTarget {
  const target = new appscaling.ScalableTarget(scope, 'ScalableTarget', {
    serviceNamespace: appscaling.ServiceNamespace.ECS,
    scalableDimension: 'ecs:service:DesiredCount',
    resourceId: `service/${o.cluster.clusterName}/${o.service.serviceName}`,
    minCapacity: o.policy.minCapacity,
    maxCapacity: o.policy.maxCapacity,
    // The ECS service-linked role, as ecs.BaseService.autoScaleTaskCount uses: no extra role.
    role: iam.Role.fromRoleArn(scope, 'ScalingRole', Stack.of(scope).formatArn({
      region: '',
      service: 'iam',
      resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
      resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
    })),
  });
  renderWorkerScaling(scope, target, o.policy, workerScalingMetrics(o.queue, o.cluster, o.service, o.holdStepsWhileProvisioning), o.idleMinutes);
  addScheduledActions(target, o.policy);
  // cfn-lint's resource schema (1.51) rejects Tags on AWS::ApplicationAutoScaling::ScalableTarget
  // (E3002) although the CDK L1 renders them; keep the lane's tags off that one resource.
  for (const key of o.laneTagKeys) {
    Tags.of(target).remove(key, { priority: 1000 });
  }
  return target;
}
