import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { invalid } from '../../core/private/errors';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';

/**
 * The capacity-lag publisher of a managed endpoint. SageMaker has the asked-for and the running
 * capacity only in its APIs (DescribeEndpoint: `DesiredInstanceCount` / `CurrentInstanceCount` per
 * variant; DescribeInferenceComponent: `RuntimeConfig.DesiredCopyCount` / `CurrentCopyCount`), not in
 * CloudWatch. A rule runs a small inline Lambda every minute that reads them and puts
 * `CapacityLag = max(0, desired - current)` into `InferenceLanes`. Internal.
 */

/** The namespace the publisher writes (and the only one its role may write). */
export const CAPACITY_LAG_NAMESPACE = 'InferenceLanes';
/** The metric name. */
export const CAPACITY_LAG_METRIC = 'CapacityLag';
/** Instances in service (`CurrentInstanceCount`), published for inference-component endpoints. */
export const IN_SERVICE_METRIC = 'InstancesInService';

/**
 * The handler (CommonJS, `index.handler`; the Node.js runtime bundles AWS SDK v3). Kept under the
 * 4,096 characters CloudFormation takes inline. Not found yet (the endpoint or a component is still being
 * created) is skipped; any other error fails the invocation (the function's `Errors` metric shows it).
 */
export const CAPACITY_LAG_HANDLER = `const { SageMakerClient, DescribeEndpointCommand, DescribeInferenceComponentCommand } = require('@aws-sdk/client-sagemaker');
const { CloudWatchClient, PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch');
const sm = new SageMakerClient({});
const cw = new CloudWatchClient({});
const lag = (desired, current) => Math.max(0, (desired || 0) - (current || 0));
const missing = (e) => e && (e.name === 'ValidationException' || e.name === 'ResourceNotFound') && /not (be )?found|could not find|does not exist/i.test(e.message || '');
async function describe(command) {
  try { return await sm.send(command); } catch (e) { if (missing(e)) { return undefined; } throw e; }
}
exports.handler = async () => {
  const env = process.env;
  const data = [];
  const endpoint = await describe(new DescribeEndpointCommand({ EndpointName: env.ENDPOINT_NAME }));
  const variant = ((endpoint && endpoint.ProductionVariants) || []).find((v) => v.VariantName === env.VARIANT_NAME);
  if (variant) {
    const dims = [{ Name: 'EndpointName', Value: env.ENDPOINT_NAME }, { Name: 'VariantName', Value: env.VARIANT_NAME }];
    data.push({ MetricName: env.METRIC_NAME, Dimensions: dims, Value: lag(variant.DesiredInstanceCount, variant.CurrentInstanceCount), Unit: 'Count' });
    if (env.IN_SERVICE_METRIC) {
      data.push({ MetricName: env.IN_SERVICE_METRIC, Dimensions: dims, Value: variant.CurrentInstanceCount || 0, Unit: 'Count' });
    }
  }
  for (const name of (env.COMPONENTS || '').split(',').filter(Boolean)) {
    const component = await describe(new DescribeInferenceComponentCommand({ InferenceComponentName: name }));
    if (!component) { continue; }
    const rc = component.RuntimeConfig || {};
    data.push({
      MetricName: env.METRIC_NAME,
      Dimensions: [{ Name: 'InferenceComponentName', Value: name }],
      Value: lag(rc.DesiredCopyCount, rc.CurrentCopyCount),
      Unit: 'Count',
    });
  }
  if (data.length > 0) {
    await cw.send(new PutMetricDataCommand({ Namespace: env.NAMESPACE, MetricData: data }));
  }
  return data.length;
};
`;

/** Reject `capacityLagMetric` where no publisher can read a lag; the mode's default otherwise. */
export function capacityLagEnabled(scope: IConstruct, mode: EndpointMode, given: boolean | undefined): boolean {
  if (given !== undefined && typeof given !== 'boolean') {
    throw invalid(scope, 'capacityLagMetric', given, 'is not a boolean', 'Pass true or false, or omit it.');
  }
  if (mode.kind === EndpointModeKind.SERVERLESS) {
    if (given === true) {
      throw invalid(scope, 'capacityLagMetric', given, 'has nothing to measure on a serverless endpoint: it has no instances, and DescribeEndpoint reports provisioned concurrency as a setting, not as capacity on its way',
        'Drop capacityLagMetric; watch ServerlessProvisionedConcurrencySpilloverInvocations (saturationMetrics) instead.');
    }
    return false;
  }
  // Async: HasBacklogWithoutCapacity is the lag signal SageMaker publishes itself; the poller is opt-in.
  return given ?? mode.kind !== EndpointModeKind.ASYNC;
}

/** What the publisher reads. */
export interface CapacityLagProps {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly variantName: string;
  /**
   * Also publish `InstancesInService` (`CurrentInstanceCount`): inference-component endpoints, whose instances
   * SageMaker's managed instance scaling sets and no CloudWatch metric counts.
   */
  readonly instancesInService?: boolean;
}

/**
 * The publisher: `Function` (inline, Node.js 24), its log group (one month), its role (DescribeEndpoint on
 * the endpoint, DescribeInferenceComponent on each component, PutMetricData in `InferenceLanes` only) and
 * a one-minute `Schedule` rule. Components are added as the endpoint gets them.
 */
export class CapacityLagPublisher extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  private readonly components: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: CapacityLagProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Publishes the capacity lag of ${scope.node.path}`,
    });
    logGroup.grantWrite(this.role);
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [props.endpointArn] }));
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': CAPACITY_LAG_NAMESPACE } },
    }));
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(CAPACITY_LAG_HANDLER),
      // The role by ARN (immutable): aws-cdk-lib would add a DependsOn on the Role next to its GetAtt (cfn-lint
      // W3005); the function waits for the role's policy explicitly below.
      role: iam.Role.fromRoleArn(this, 'RoleRef', this.role.roleArn, { mutable: false }),
      logGroup,
      memorySize: 128,
      timeout: Duration.seconds(30),
      description: `Every minute: DesiredInstanceCount - CurrentInstanceCount (and copies per inference component) of ${scope.node.path} into ${CAPACITY_LAG_NAMESPACE}/${CAPACITY_LAG_METRIC}`,
      environment: {
        ENDPOINT_NAME: props.endpointName,
        VARIANT_NAME: props.variantName,
        COMPONENTS: '',
        NAMESPACE: CAPACITY_LAG_NAMESPACE,
        METRIC_NAME: CAPACITY_LAG_METRIC,
        ...(props.instancesInService ? { IN_SERVICE_METRIC } : {}),
      },
      // A missed minute is superseded by the next run: no retries, no queue of stale invocations.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    });
    this.function.node.addDependency(this.role.node.findChild('DefaultPolicy'));
    new events.Rule(this, 'Schedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      description: `Capacity lag of ${scope.node.path}`,
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    acknowledgeNagFindings(this.role.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
      reason: 'cloudwatch:PutMetricData has no resource-level permissions; the statement is limited to the InferenceLanes namespace by a cloudwatch:namespace condition.',
    }]);
  }

  /** Read one more inference component (its name into the function, DescribeInferenceComponent on its ARN). */
  public addComponent(componentName: string): void {
    this.components.push(componentName);
    this.function.addEnvironment('COMPONENTS', this.components.join(','));
    // The ARN from the literal name, not the component's Ref: the role need not wait for the component.
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeInferenceComponent'], resources: [inferenceComponentArn(this, componentName)] }));
  }

  /** `CapacityLag` of the variant (instances). */
  public metricVariant(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return lagMetric({ EndpointName: this.props.endpointName, VariantName: this.props.variantName }, 'Capacity lag (instances asked for, not in service)', props);
  }

  /** `InstancesInService` of the variant (published with `instancesInService`). */
  public metricInstancesInService(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: CAPACITY_LAG_NAMESPACE,
      metricName: IN_SERVICE_METRIC,
      dimensionsMap: { EndpointName: this.props.endpointName, VariantName: this.props.variantName },
      statistic: 'Average',
      period: Duration.minutes(1),
      label: 'Instances in service (CurrentInstanceCount)',
      ...props,
    });
  }

  /** `CapacityLag` of one inference component (copies). */
  public metricComponent(componentName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return lagMetric({ InferenceComponentName: componentName }, `Capacity lag of ${componentName} (copies asked for, not in service)`, props);
  }
}

function lagMetric(dimensionsMap: { [name: string]: string }, label: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: CAPACITY_LAG_NAMESPACE,
    metricName: CAPACITY_LAG_METRIC,
    dimensionsMap,
    statistic: 'Maximum',
    period: Duration.minutes(1),
    label,
    ...props,
  });
}

/** The ARN of an inference component by name. */
export function inferenceComponentArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'inference-component', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}
