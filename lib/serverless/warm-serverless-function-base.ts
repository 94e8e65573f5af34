import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LaneKind } from '../core/hardware';
import { IInferenceLane, LaneCapacity } from '../core/inference-lane';
import { uniqueMetricId } from '../core/private/metric-ids';
import { InferenceLaneBase } from '../core/inference-lane-base';
import { RouteTarget } from '../core/route-target';

/**
 * A warm serverless inference lane: an alias over a Lambda function, whether created here or adopted.
 */
export interface IWarmServerlessFunction extends IInferenceLane {
  /**
   * Name of the Lambda function.
   * @attribute
   */
  readonly functionName: string;

  /**
   * Name of the alias that is the invocation target.
   * @attribute
   */
  readonly aliasName: string;

  /**
   * ARN of the alias (the qualified function ARN callers invoke).
   * @attribute
   */
  readonly aliasArn: string;

  /**
   * Invocations the warm pool could not take: served by on-demand (cold-startable) environments
   * (`AWS/Lambda` `ProvisionedConcurrencySpilloverInvocations`, Sum).
   */
  metricSpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Share of the warm pool busy (`AWS/Lambda` `ProvisionedConcurrencyUtilization`, 0-1, Maximum).
   */
  metricProvisionedConcurrencyUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Requests Lambda refused for lack of concurrency (`AWS/Lambda` `Throttles`, Sum).
   */
  metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * What a created and an adopted warm serverless lane share: the alias's metrics, invoke grant and
 * front-door target. Not exported from the package: a hidden base class, whose members jsii copies
 * into {@link WarmServerlessFunction}.
 * @internal
 */
export abstract class WarmServerlessFunctionBase extends InferenceLaneBase implements IWarmServerlessFunction {
  public readonly laneKind: LaneKind = LaneKind.SERVERLESS;
  public abstract readonly functionName: string;
  public abstract readonly aliasName: string;
  public abstract readonly aliasArn: string;

  /**
   * How full the warm pool is, per minute: `ProvisionedConcurrencyUtilization` (0-1, Maximum),
   * `ProvisionedConcurrencySpilloverInvocations` (requests served by on-demand environments, which
   * may be cold starts) and `Throttles` (requests refused at the reserved-concurrency cap).
   */
  public get saturationMetrics(): cloudwatch.IMetric[] {
    return [
      this.metricProvisionedConcurrencyUtilization({ label: 'Warm pool utilization (0-1)' }),
      this.metricSpilloverInvocations({ label: 'Invocations beyond the warm pool' }),
      this.metricThrottles({ label: 'Throttled requests' }),
    ];
  }

  /**
   * Warm environments (provisioned concurrency) in service. Lambda publishes no metric of the
   * allocated pool, so it is derived: `ProvisionedConcurrentExecutions ÷ ProvisionedConcurrencyUtilization`
   * (both Maximum). It exists only while the pool serves requests.
   */
  public metricCapacityInService(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    const busy = uniqueMetricId(this, 'busy');
    const util = uniqueMetricId(this, 'util');
    // Both inputs at the expression's period: a priced topology asks for hourly figures, and
    // CloudWatch would otherwise override the inputs' periods (a synth warning the user cannot fix).
    const period = props?.period ?? Duration.minutes(1);
    return new cloudwatch.MathExpression({
      expression: `${busy} / ${util}`,
      usingMetrics: {
        [busy]: this.aliasMetric('ProvisionedConcurrentExecutions', { statistic: 'Maximum', period }),
        [util]: this.metricProvisionedConcurrencyUtilization({ period }),
      },
      period,
      label: props?.label ?? 'Warm environments (ProvisionedConcurrentExecutions ÷ ProvisionedConcurrencyUtilization, while busy)',
    });
  }

  /**
   * Latency of one invocation through the alias (`Duration`, milliseconds, p95 unless overridden).
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.aliasMetric('Duration', { statistic: 'p95', ...props });
  }

  /** Failed invocations through the alias (`Errors`, Sum). */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.aliasMetric('Errors', { statistic: 'Sum', ...props });
  }

  /** Invocations through the alias (`Invocations`, Sum; throttled requests are not counted). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.aliasMetric('Invocations', { statistic: 'Sum', ...props });
  }

  /** Throttled requests (`Throttles`, Sum). */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aliasMetric('Throttles', { statistic: 'Sum', ...props });
  }

  /** Invocations the warm pool could not take (`ProvisionedConcurrencySpilloverInvocations`, Sum). */
  public metricSpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aliasMetric('ProvisionedConcurrencySpilloverInvocations', { statistic: 'Sum', ...props });
  }

  /** Busy share of the warm pool (`ProvisionedConcurrencyUtilization`, Maximum). */
  public metricProvisionedConcurrencyUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aliasMetric('ProvisionedConcurrencyUtilization', { statistic: 'Maximum', ...props });
  }

  /** Let `grantee` invoke the alias (`lambda:InvokeFunction` on the alias ARN). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.aliasArn] });
  }

  /**
   * The alias as a front-door target (`lambda:InvokeFunction` on the alias ARN, failover on `sloAlarms`).
   */
  public routeTarget(): RouteTarget | undefined {
    const id = 'RouteTargetAlias';
    const fn = (this.node.tryFindChild(id) as lambda.IFunction | undefined) ?? lambda.Function.fromFunctionArn(this, id, this.aliasArn);
    return RouteTarget.lambdaAlias(fn, { alarms: this.sloAlarms });
  }

  /** A metric of the alias: `AWS/Lambda` with dimensions `FunctionName` and `Resource` (`function:alias`). */
  protected aliasMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: this.functionName, Resource: `${this.functionName}:${this.aliasName}` },
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/**
 * Attributes to adopt an existing alias as a lane with {@link WarmServerlessFunction.fromFunctionAttributes}.
 */
export interface WarmServerlessFunctionAttributes {
  /** Name of the Lambda function. */
  readonly functionName: string;

  /** Name of the alias callers invoke. */
  readonly aliasName: string;

  /** Name of the model the function serves. */
  readonly artifactName: string;

  /** Version of the model the function serves. */
  readonly artifactVersion: string;

  /** What the function runs on, for cost math (e.g. `lambda-2048MB-arm64`, min/max warm environments). */
  readonly capacity: LaneCapacity;

  /**
   * Alarms that watch the function's SLO.
   *
   * @default - none
   */
  readonly sloAlarms?: cloudwatch.IAlarm[];
}
