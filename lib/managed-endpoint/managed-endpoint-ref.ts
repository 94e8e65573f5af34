import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';

/**
 * A SageMaker endpoint, created here or imported. Usable wherever aws-cdk-lib takes a
 * `sagemaker.IEndpoint`, e.g. `new apigateway.SagemakerIntegration(endpoint)`.
 */
export interface IManagedEndpoint extends sagemaker.IEndpoint {
  /** Name of the production variant (the scaling target and metric dimension). */
  readonly variantName: string;

  /**
   * A metric of the production variant in `AWS/SageMaker` (dimensions `EndpointName`, `VariantName`).
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `ModelLatency` (microseconds) of the production variant: time in the model container,
   * excluding SageMaker's overhead. Average unless `props.statistic` says otherwise.
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /** `Invocation5XXErrors` (sum): requests the model failed. */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /** `Invocations` (sum). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;
}

/**
 * Attributes to adopt an existing endpoint with `ManagedEndpoint.fromEndpointAttributes`.
 */
export interface ManagedEndpointAttributes {
  /** Name of the endpoint. */
  readonly endpointName: string;

  /**
   * ARN of the endpoint.
   *
   * @default - built from the name in this stack's account and region (SageMaker ARNs use the lowercase name)
   */
  readonly endpointArn?: string;

  /**
   * Name of the production variant.
   *
   * @default 'primary'
   */
  readonly variantName?: string;

  /**
   * The endpoint is asynchronous: `grantInvoke` grants `InvokeEndpointAsync`.
   *
   * @default false
   */
  readonly asynchronous?: boolean;
}
