import { Duration } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HardwareTarget, IInferenceLane, LaneCapacity, LaneKind, ScaleOutLeadTime } from '../../lib';
import { RouteTarget } from '../../lib/core';

/** A lane of any kind with `alarmCount` rollback alarms and `pagingCount` paging alarms, and no resources of its own. */
export class FakeLane extends Construct implements IInferenceLane {
  public readonly capacity: LaneCapacity = {
    minInstances: 1, maxInstances: 2, instanceType: 'fake', hardware: HardwareTarget.CPU_X86_64, priceClass: 'per-instance-hour', description: 'fake',
  };
  public readonly artifactName = 'demo';
  public readonly artifactVersion = '1.0.0';
  public readonly sloAlarms: cloudwatch.IAlarm[] = [];
  public readonly sloPagingAlarms: cloudwatch.IAlarm[] = [];
  public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  public readonly saturationMetrics: cloudwatch.IMetric[] = [];
  public readonly scaleOutLeadTime = ScaleOutLeadTime.notStated();

  constructor(scope: Construct, id: string, public readonly laneKind: LaneKind, alarmCount = 1, pagingCount = 0) {
    super(scope, id);
    const alarm = (name: string) => new cloudwatch.Alarm(this, name, {
      metric: new cloudwatch.Metric({ namespace: 'Fake', metricName: name, dimensionsMap: { Lane: id }, period: Duration.minutes(1) }),
      threshold: 1, evaluationPeriods: 1,
    });
    for (let i = 0; i < alarmCount; i++) { this.sloAlarms.push(alarm(`Rollback${i}`)); }
    for (let i = 0; i < pagingCount; i++) { this.sloPagingAlarms.push(alarm(`Paging${i}`)); }
  }
  public metricCapacityInService() { return undefined; }
  public metricCapacityLag() { return undefined; }
  public metricLatency() { return undefined; }
  public metricErrors() { return undefined; }
  public metricInvocations() { return undefined; }
  public grantInvoke(grantee: iam.IGrantable) { return iam.Grant.drop(grantee, 'fake'); }
  public routeTarget(): RouteTarget | undefined { return undefined; }
}
