import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { HookSpec, hookTarget } from './drift-hook';

/**
 * The drift monitor's signal: the rule matching monitoring runs that complete with violations (and
 * starting the retraining hook), and the alarm on that rule. Change the violations signal here only. Internal.
 */

/**
 * `ViolationsRule`. A monitoring run is a processing job (`DescribeProcessingJob` carries
 * `MonitoringScheduleArn` and `ExitMessage`); the analyzer writes `/opt/ml/output/message` starting
 * `CompletedWithViolations:` when it finds violations, which SageMaker reports as the exit message.
 */
export function createViolationsRule(scope: Construct, scheduleArn: string, hook: HookSpec | undefined): events.Rule {
  const rule = new events.Rule(scope, 'ViolationsRule', {
    description: `Monitoring runs of ${scope.node.path} that complete with data-quality violations`,
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Processing Job State Change'],
      detail: {
        MonitoringScheduleArn: [scheduleArn],
        ProcessingJobStatus: ['Completed'],
        ExitMessage: [{ prefix: 'CompletedWithViolations' }],
      },
    },
  });
  if (hook) { rule.addTarget(hookTarget(scope, hook)); }
  return rule;
}

/** `ViolationsAlarm`: the rule matched in the last schedule interval (missing data = OK). */
export function createViolationsAlarm(scope: Construct, rule: events.Rule, hours: number, description: string): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'ViolationsAlarm', {
    alarmDescription: description,
    metric: new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensionsMap: { RuleName: rule.ruleName },
      statistic: 'Sum',
      period: Duration.hours(hours),
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
