import { Resource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { IManagedEndpoint, ManagedEndpointAttributes } from '../managed-endpoint-ref';
import { ENDPOINT_NAME_RE, errorsMetric, grantInvokeEndpoint, invocationsMetric, modelLatencyMetric, variantMetric } from './endpoint-members';

/**
 * An endpoint adopted with `ManagedEndpoint.fromEndpointAttributes`: an `IManagedEndpoint` (invoke it,
 * read its metrics), not a lane. Internal.
 */
class ImportedManagedEndpoint extends Resource implements IManagedEndpoint {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName: string;
  private readonly asynchronous: boolean;

  constructor(scope: Construct, id: string, attrs: ManagedEndpointAttributes) {
    super(scope, id, {
      environmentFromArn: attrs.endpointArn && !Token.isUnresolved(attrs.endpointArn) ? attrs.endpointArn : undefined,
    });
    // SageMaker ARNs carry the lowercase name.
    const arnName = Token.isUnresolved(attrs.endpointName) ? attrs.endpointName : attrs.endpointName.toLowerCase();
    this.endpointName = attrs.endpointName;
    this.endpointArn = attrs.endpointArn ?? Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: arnName });
    this.variantName = attrs.variantName ?? 'primary';
    this.asynchronous = attrs.asynchronous ?? false;
  }

  public get endpointRef(): sagemaker.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return grantInvokeEndpoint(grantee, this.endpointArn, this.asynchronous);
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return variantMetric(this, metricName, props);
  }

  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return modelLatencyMetric(this, props);
  }

  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return errorsMetric(this, props);
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return invocationsMetric(this, props);
  }
}

/** Validate the attributes and adopt the endpoint. */
export function importEndpoint(scope: Construct, id: string, attrs: ManagedEndpointAttributes): IManagedEndpoint {
  if (!Token.isUnresolved(attrs.endpointName) && !ENDPOINT_NAME_RE.test(attrs.endpointName)) {
    throw invalid(`${scope.node.path}/${id}`, 'endpointName', attrs.endpointName, 'is not a SageMaker endpoint name', 'Pass letters, digits and hyphens, at most 63 characters.');
  }
  return new ImportedManagedEndpoint(scope, id, attrs);
}
