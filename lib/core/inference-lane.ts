import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { HardwareTarget, LaneKind } from './hardware';
import { DynamicBatching } from './dynamic-batching';
import { ScaleOutLeadTime } from './lead-time';
import { RouteTarget } from './route-target';

/**
 * What a lane runs on, for cost math (cost per 1,000 inferences) and capacity views.
 */
export interface LaneCapacity {
  /** Fewest instances (workers, replicas, provisioned environments, devices). */
  readonly minInstances: number;
  /** Most instances. */
  readonly maxInstances: number;
  /** Instance type or size, e.g. `ml.g5.xlarge`, `lambda-2048MB-arm64`, `fargate-2vCPU-8GB`. */
  readonly instanceType: string;
  /** The hardware. */
  readonly hardware: HardwareTarget;
  /** How the lane is billed: `per-instance-hour`, `per-request`, `per-device`, ... */
  readonly priceClass: string;
  /** One line, e.g. `2-20 × ml.g5.xlarge, real-time`. */
  readonly description: string;
}

/**
 * What every lane exposes, so a topology can treat them alike.
 */
export interface IInferenceLane extends IConstruct {
  /** The archetype. */
  readonly laneKind: LaneKind;
  /** Name of the bound model. */
  readonly artifactName: string;
  /** Version of the bound model. */
  readonly artifactVersion: string;
  /** What the lane runs on. */
  readonly capacity: LaneCapacity;
  /** The SLO alarms the lane created (rollouts roll back on them). */
  readonly sloAlarms: cloudwatch.IAlarm[];

  /**
   * SLO alarms that page but never roll a deployment back (time in queue: it measures capacity, not
   * the version).
   *
   * @default - none
   */
  readonly sloPagingAlarms?: cloudwatch.IAlarm[];

  /**
   * The Application Signals SLOs rendered from the lane's SLO (empty when the lane has no SLO, the
   * SLO sets `applicationSignals: false`, or the platform is watched outside CloudWatch).
   */
  readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[];

  /**
   * Burn-rate alarms of those SLOs. They page; rollouts roll back on {@link sloAlarms} instead.
   */
  readonly sloBurnRateAlarms: cloudwatch.IAlarm[];

  /**
   * How full the lane is: utilization, queue depth and age, warm-pool spillover — whatever the
   * platform publishes to CloudWatch, each with a label. Empty when it publishes none.
   */
  readonly saturationMetrics: cloudwatch.IMetric[];

  /**
   * Latency of one inference (the platform's own metric).
   *
   * @returns undefined when the platform has no such metric
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /**
   * Failed inferences.
   *
   * @returns undefined when the platform has no such metric
   */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /**
   * Inferences served.
   *
   * @returns undefined when the platform has no such metric
   */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /**
   * Capacity in service, in the unit `capacity.instanceType` is priced in (instances, warm
   * environments, workers): what cost per 1,000 inferences multiplies the hourly price with.
   * Average per period.
   *
   * @returns undefined when the platform publishes no such metric (cost math then falls back to
   * `capacity.minInstances`)
   */
  metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /**
   * Expected time from a scale-out trigger to the new capacity serving requests, step by step with the
   * source of each figure (cold start as a contract). `scaleOutLeadTime.isStated` is false for a lane
   * that does not state one.
   */
  readonly scaleOutLeadTime: ScaleOutLeadTime;

  /**
   * The dynamic batching the lane renders (planning and the simulator read its stated throughput gain).
   *
   * @default - none: the lane serves requests one by one
   */
  readonly dynamicBatching?: DynamicBatching;

  /**
   * Capacity still on its way: what the scaler asked for minus what serves, in the unit of
   * {@link metricCapacityInService}. Above zero for about {@link scaleOutLeadTime} after each scale-out;
   * staying above zero means capacity cannot be had (quota, no instances, pods Pending).
   *
   * @returns undefined when the platform publishes no such signal
   */
  metricCapacityLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /**
   * Let `grantee` invoke the lane (SageMaker InvokeEndpoint, lambda:InvokeFunction, sqs:SendMessage).
   *
   * @throws LaneValidationError on lanes that are not invoked through IAM (Kubernetes, edge)
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /**
   * How a front door (`InferenceFrontDoor`, `HybridTopology.addFrontDoor`) reaches the lane, with the
   * lane's rollback alarms for failover.
   *
   * @returns undefined when the lane cannot take routed requests (an asynchronous endpoint, an edge
   * fleet, a Kubernetes service without a URL)
   */
  routeTarget(): RouteTarget | undefined;
}
