import { Annotations, Duration } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ServiceLevelObjective } from '../../core/service-level-objective';
import { Rollout } from '../../core/rollout';
import { WorkerScalingMetrics } from './worker-scaling';

/**
 * Every alarm of the batch-workers lane that is not a scaling trigger, in one file (issue 17 rollout
 * trials change these without touching the rest of the lane): the SLO's alarms split into version
 * health (deployment alarms) and paging (time in queue), the dead-letter alarm and the no-workers
 * alarm. Internal to the batch-workers lane.
 */

/** The SLO's alarms and the ECS deployment alarms. @internal */
export interface WorkerSloAlarms {
  /** Version-health alarms of the SLO (error rate): deployments roll back on them. */
  readonly sloAlarms: cloudwatch.IAlarm[];
  /** Alarms that page and never roll back (time in queue). */
  readonly sloPagingAlarms: cloudwatch.IAlarm[];
  readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];
  readonly sloBurnRateAlarms: cloudwatch.IAlarm[];
  /** `sloAlarms` + `rollout.alarms`: what ECS rolls a deployment back on. */
  readonly deploymentAlarms: cloudwatch.IAlarm[];
}

/** The metrics an SLO is rendered on. @internal */
export interface WorkerSloMetrics {
  readonly label: string;
  readonly oldestJobAge: cloudwatch.IMetric;
  /** Failure reports (an error-rate objective only). */
  readonly failedJobs?: cloudwatch.IMetric;
  /** Results + failure reports (an error-rate objective only). */
  readonly finishedJobs?: cloudwatch.IMetric;
}

/**
 * Render the SLO (construct ID prefix `Slo`) and split its alarms. Deployment alarms judge the new
 * version only. Queue age measures capacity: a backlog from before the deploy would roll a healthy
 * version back, so time-in-queue alarms page but never roll back (filtered out of the rollback
 * alarms too, whichever list the SLO puts them in).
 * @internal
 */
export function renderSloAlarms(scope: Construct, slo: ServiceLevelObjective | undefined, rollout: Rollout | undefined, m: WorkerSloMetrics): WorkerSloAlarms {
  const r = slo?.render(scope, 'Slo', {
    laneName: m.label,
    queueAgeSeconds: m.oldestJobAge,
    // Failed jobs of the running version: failure reports ÷ all reports (S3 request metrics of the
    // created results bucket, configured only for an error-rate objective).
    errors: m.failedJobs,
    requests: m.finishedJobs,
  });
  const rollback = r?.rollbackAlarms ?? [];
  const sloAlarms = rollback.filter(a => !isTimeInQueueAlarm(a));
  return {
    sloAlarms,
    sloPagingAlarms: [...(r?.pagingAlarms ?? []), ...rollback.filter(isTimeInQueueAlarm)],
    serviceLevelObjectives: r?.objectives ?? [],
    sloBurnRateAlarms: r?.burnRateAlarms ?? [],
    deploymentAlarms: [...sloAlarms, ...(rollout?.alarms ?? [])],
  };
}

/** True for the SLO's time-in-queue alarm (construct ID `<id>TimeInQueue`, see ServiceLevelObjective.render). */
function isTimeInQueueAlarm(alarm: cloudwatch.IAlarm): boolean {
  return alarm.node.id.endsWith('TimeInQueue');
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

/** What the operational alarms watch. @internal */
export interface WorkerAlarmOptions {
  /** Jobs in the dead-letter queue, when the DLQ is known. */
  readonly deadLetterJobs?: cloudwatch.IMetric;
  readonly maxReceiveCount: number;
  /** Queue and task-count metrics, when Container Insights is available. */
  readonly scalingMetrics?: WorkerScalingMetrics;
  readonly onFargate: boolean;
}

/** The operational alarms (they page; never deployment alarms). @internal */
export interface WorkerAlarms {
  readonly deadLetterAlarm?: cloudwatch.Alarm;
  readonly noWorkersAlarm?: cloudwatch.Alarm;
}

/**
 * `DeadLetterJobsAlarm` (≥ 1 job in a known DLQ) and `NoWorkersAlarm` (jobs waiting, no worker
 * running or starting for 5 minutes on Fargate, 10 on EC2; needs Container Insights, else a warning).
 * @internal
 */
export function createWorkerAlarms(scope: Construct, o: WorkerAlarmOptions): WorkerAlarms {
  const deadLetterAlarm = o.deadLetterJobs ? new cloudwatch.Alarm(scope, 'DeadLetterJobsAlarm', {
    metric: o.deadLetterJobs,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Jobs of ${scope.node.path} failed ${o.maxReceiveCount} receives and wait in the dead-letter queue. Inspect, fix, then redrive them (nothing is lost until the DLQ retention ends).`,
  }) : undefined;
  if (!o.scalingMetrics) {
    Annotations.of(scope).addWarningV2('cdk-inference-lanes:noWorkersAlarm',
      'No "no workers while jobs wait" alarm: the brought cluster is not declared to have Container Insights (clusterContainerInsights).');
    return { deadLetterAlarm };
  }
  const minutes = o.onFargate ? 5 : 10;
  const noWorkersAlarm = new cloudwatch.Alarm(scope, 'NoWorkersAlarm', {
    metric: noWorkersWithBacklog(o.scalingMetrics, 'Jobs waiting and no worker running or starting'),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: minutes,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Jobs of ${scope.node.path} have waited ${minutes} minutes with no worker running or starting (capacity, image pull or crash loop).`,
  });
  return { deadLetterAlarm, noWorkersAlarm };
}
