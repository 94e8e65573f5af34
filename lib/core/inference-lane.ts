import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { HardwareTarget, LaneKind } from './hardware';

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
   * Let `grantee` invoke the lane (SageMaker InvokeEndpoint, lambda:InvokeFunction, sqs:SendMessage).
   *
   * @throws LaneValidationError on lanes that are not invoked through IAM (Kubernetes, edge)
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
}
