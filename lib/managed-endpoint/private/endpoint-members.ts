import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The members of `IManagedEndpoint` that a ManagedEndpoint and an imported endpoint
 * (`ManagedEndpoint.fromEndpointAttributes`) share: one copy, called from both classes. Internal.
 */

/** SageMaker endpoint and variant names: letters, digits and hyphens, at most 63 characters. */
export const ENDPOINT_NAME_RE = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Where an endpoint's metrics are: its name and the production variant's name. */
export interface EndpointIdentity {
  readonly endpointName: string;
  readonly variantName: string;
}

/** A metric of the production variant in `AWS/SageMaker` (dimensions `EndpointName`, `VariantName`). */
export function variantMetric(ep: EndpointIdentity, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SageMaker',
    metricName,
    dimensionsMap: { EndpointName: ep.endpointName, VariantName: ep.variantName },
    ...props,
  });
}

/** `ModelLatency` (microseconds, Average unless `props` says otherwise). */
export function modelLatencyMetric(ep: EndpointIdentity, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return variantMetric(ep, 'ModelLatency', { statistic: 'Average', unit: cloudwatch.Unit.MICROSECONDS, ...props });
}

/** `Invocation5XXErrors` (Sum). */
export function errorsMetric(ep: EndpointIdentity, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return variantMetric(ep, 'Invocation5XXErrors', { statistic: 'Sum', ...props });
}

/** `Invocations` (Sum). */
export function invocationsMetric(ep: EndpointIdentity, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return variantMetric(ep, 'Invocations', { statistic: 'Sum', ...props });
}

/** A per-instance metric of the variant in `/aws/sagemaker/Endpoints` (Average, per minute). */
export function instanceMetric(ep: EndpointIdentity, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: '/aws/sagemaker/Endpoints',
    metricName,
    dimensionsMap: { EndpointName: ep.endpointName, VariantName: ep.variantName },
    statistic: 'Average',
    period: Duration.minutes(1),
  });
}

/** An endpoint-level metric in `AWS/SageMaker` (dimension `EndpointName` only: async queue metrics). */
export function endpointLevelMetric(ep: EndpointIdentity, metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap: { EndpointName: ep.endpointName }, ...props });
}

/**
 * `sagemaker:InvokeEndpoint` (real-time, serverless) or `sagemaker:InvokeEndpointAsync` (async) on
 * exactly this endpoint.
 */
export function grantInvokeEndpoint(grantee: iam.IGrantable, endpointArn: string, asynchronous: boolean): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [asynchronous ? 'sagemaker:InvokeEndpointAsync' : 'sagemaker:InvokeEndpoint'],
    resourceArns: [endpointArn],
  });
}
