import * as path from 'path';
import { Annotations, Duration, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceLevelObjective } from '../core/service-level-objective';
import { acknowledgeNagFindings } from '../core/private/nag';
import { buildFailoverState } from './private/failover-state';
import { frontDoorMetric, FRONT_DOOR_NAMESPACE, spilloverAlarm } from './private/front-door-metrics';
import { buildLogging } from './private/logging';
import { renderRouterConfig } from './private/router-config';
import { validateFrontDoorProps } from './private/validate-props';
import { RouteTarget } from '../core/route-target';

/**
 * Settings of a front door other than its lanes (shared by {@link InferenceFrontDoorProps} and
 * `HybridTopology.addFrontDoor`, which takes lanes instead of targets).
 */
export interface InferenceFrontDoorOptions {
  /**
   * Share of synchronous requests sent to `canary` first (0.1 to 50).
   *
   * @default 10 (with a canary)
   */
  readonly canaryPercent?: number;

  /**
   * Hedging: when the primary has not answered after this long, send the same request to the burst lane
   * too and return whichever answers first (the other call is aborted). Every hedge costs a second
   * inference, on the burst lane's bill, and one retry-budget token; it cuts the tail latency of a slow
   * primary, not its errors. Must be below the SLO's latency threshold.
   *
   * @default - no hedging
   */
  readonly hedgeAfter?: Duration;

  /**
   * The objective the routed lanes serve: `hedgeAfter` must be below its latency threshold, and load-aware
   * spill derives its latency budget and its target share of slow answers from it.
   *
   * @default - hedgeAfter is only checked against the router's timeout; no load-aware spill unless
   * `primaryLatencyBudget` is given
   */
  readonly slo?: ServiceLevelObjective;

  /**
   * Load-aware spill: each router environment watches the primary's recent answers (in-process, no AWS
   * call) and, while more than `(100 - slo percentile) / 5` percent of them (1 % for a p95 objective) are
   * slower than `primaryLatencyBudget` or refused, sends a share of new requests to the burst lane first,
   * before the primary refuses anything. Not a second call (no retry token); each such request is served
   * and billed by the burst lane only. Counted in `metricOffloaded()` and in the spillover alarm.
   *
   * @default true when there is a burst lane and a budget (`primaryLatencyBudget` or an `slo` with a latency
   * threshold); false otherwise
   */
  readonly loadAwareSpill?: boolean;

  /**
   * The primary's latency budget for load-aware spill: answers slower than this count as "slow". At most
   * the SLO latency threshold (a primary allowed to be slower than the objective misses it before the router
   * reacts).
   *
   * @default - 80 % of the SLO latency threshold (240 ms for 300 ms): headroom for the primary's own p95
   * rollback alarm, which must not fire because of the router's reaction time
   */
  readonly primaryLatencyBudget?: Duration;

  /**
   * Gradual fail-back: after the primary's alarms leave ALARM, the share of new requests sent to the primary
   * first grows linearly from 10 % to 100 % over this duration (the rest still go to the burst lane first),
   * so that a primary that scaled in while failed over is not flooded and does not flap back into ALARM.
   * `Duration.seconds(0)`: all traffic returns at once.
   *
   * @default Duration.minutes(10) (with failover)
   */
  readonly failbackDuration?: Duration;

  /**
   * Largest synchronous request body; larger ones get HTTP 413 before any lane is called.
   *
   * @default - the smallest limit of the synchronous targets: 6 MB (6,291,456 bytes) for SageMaker
   * endpoints and URLs, 4 MiB for Lambda targets (the body travels base64-encoded in a 6 MB event)
   */
  readonly maxRequestBodySize?: Size;

  /**
   * Let anyone on the internet call the front door: the function URL's auth type becomes `NONE`.
   * Only for a front door behind your own authenticating layer (e.g. CloudFront with a signed-request
   * function or a WAF). Every caller's requests cost inference on your lanes.
   *
   * @default false - the URL's auth type is `AWS_IAM`: callers sign requests with SigV4 and need
   * `lambda:InvokeFunctionUrl` (see `grantInvokeUrl`)
   */
  readonly allowUnauthenticatedAccess?: boolean;

  /**
   * Share of requests that may become a second call (cross-lane retry or hedge), per router execution
   * environment: each request adds `retryBudgetPercent / 100` tokens to a bucket of `retryBucketSize`.
   *
   * @default 10
   */
  readonly retryBudgetPercent?: number;

  /**
   * Size of the retry token bucket (the most retries one environment makes in a burst of failures).
   *
   * @default 10
   */
  readonly retryBucketSize?: number;

  /**
   * Random delay (0 to this) before a cross-lane retry, so that environments refused at the same moment
   * do not retry in lock-step.
   *
   * @default Duration.millis(25)
   */
  readonly retryJitter?: Duration;

  /**
   * How long an execution environment keeps the failover state before reading it again (one DynamoDB
   * query per environment per period; no CloudWatch call per request).
   *
   * @default Duration.seconds(5)
   */
  readonly failoverStateCacheTtl?: Duration;

  /**
   * The `Retry-After` of 503 answers (no lane had capacity, or the retry budget is spent).
   *
   * @default Duration.seconds(5)
   */
  readonly retryAfter?: Duration;

  /**
   * The spillover alarm fires when more than this percent of requests spill to the burst lane in every
   * one of `spilloverAlarmEvaluationPeriods` one-minute periods: the baseline is undersized.
   *
   * @default 20
   */
  readonly spilloverAlarmThresholdPercent?: number;

  /**
   * One-minute periods the spillover must stay above the threshold.
   *
   * @default 15
   */
  readonly spilloverAlarmEvaluationPeriods?: number;

  /**
   * The router's timeout (a synchronous request waits at most this long).
   *
   * @default Duration.seconds(60) - SageMaker real-time invocations time out after 60 seconds
   */
  readonly timeout?: Duration;

  /**
   * The router's memory (CPU scales with it).
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Provisioned concurrency of the router's `live` alias: environments initialized ahead of traffic, so
   * no request waits for a cold start of the router (about 200-400 ms for this handler). The router has
   * no SnapStart (not offered for Node.js); its init is small, so a few warm environments usually suffice.
   *
   * @default 0 - on-demand environments only
   */
  readonly provisionedConcurrentExecutions?: number;

  /**
   * Reserved concurrency of the router (also caps it).
   *
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Run the router in a VPC, e.g. to reach an internal load balancer (`RouteTarget.http`). The VPC then
   * needs a NAT gateway or interface endpoints for SageMaker Runtime, Lambda, SQS, S3 and DynamoDB.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the router in `vpc`.
   *
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Retention of the router's logs (metrics and errors; never payloads).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key for the router's logs, environment and failover state.
   *
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Name of the route in metrics (the `Route` dimension).
   *
   * @default - the construct path
   */
  readonly routeName?: string;
}

/**
 * Props of {@link InferenceFrontDoor}.
 */
export interface InferenceFrontDoorProps extends InferenceFrontDoorOptions {
  /**
   * The lane that takes synchronous requests first (the baseline), e.g. the managed endpoint.
   *
   * @default - no synchronous route (`POST /` answers 404); then `jobs` is required
   */
  readonly primary?: RouteTarget;

  /**
   * The lane that takes what the primary cannot: requests the primary refuses for capacity
   * (spillover), hedges, and all new requests while the primary's alarms are in ALARM (failover).
   *
   * @default - no spillover and no failover: capacity errors of the primary become 503 with Retry-After
   */
  readonly burst?: RouteTarget;

  /**
   * A candidate lane for a cross-lane canary (e.g. a new version on another lane): `canaryPercent` of
   * synchronous requests go to it first, with the primary as the fallback on capacity errors. Not used
   * while failed over; canary requests are never hedged. Watch `metricCanary()` next to the lanes' own SLOs.
   *
   * @default - no weighted split
   */
  readonly canary?: RouteTarget;

  /**
   * The job queue of asynchronous work (`POST /jobs`, `GET /jobs/{id}`): a `RouteTarget.queue(...)`.
   *
   * @default - no job route (`/jobs` answers 404)
   */
  readonly jobs?: RouteTarget;
}

/**
 * One authenticated HTTPS entry to a hybrid of lanes: a Lambda function URL (`AWS_IAM` auth) in
 * front of a small router that sends each request to the primary lane first, spills to the burst lane on
 * throttling and (load-aware) while the primary is saturated, fails over while the primary's rollback alarms
 * are in ALARM and fails back gradually, and hands `POST /jobs` to the batch lane's queue.
 *
 * Construct IDs: `Resource` (the router function), `Alias` (`live`, owner of the URL), `Url`, `Role`,
 * `Key`, `LogGroup`, `FailoverState` (table) and `FailoverRule` (only with primary alarms), `SpilloverAlarm`
 * (only with a burst lane). Changing an ID replaces the resource.
 */
export class InferenceFrontDoor extends Construct {
  /** The router function. */
  public readonly routerFunction: lambda.Function;
  /** The `live` alias the URL and the failover rule invoke. */
  public readonly alias: lambda.Alias;
  /** The function URL. */
  public readonly functionUrl: lambda.FunctionUrl;
  /** The HTTPS URL callers use. */
  public readonly url: string;
  /** The router's execution role. */
  public readonly role: iam.IRole;
  /** Key of the logs, environment and failover state. */
  public readonly encryptionKey: kms.IKey;
  /** The router's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The route's name in metrics. */
  public readonly routeName: string;
  /** Fires when spillover stays above the threshold (undefined without a burst lane). */
  public readonly spilloverAlarm?: cloudwatch.Alarm;
  /** The failover state store: one item per primary alarm (undefined when the primary has no alarms). */
  public readonly failoverTable?: dynamodb.ITable;
  /** The EventBridge rule that records the primary's alarm state changes (undefined without alarms). */
  public readonly failoverRule?: events.IRule;

  constructor(scope: Construct, id: string, props: InferenceFrontDoorProps) {
    super(scope, id);
    validateFrontDoorProps(this, props);
    this.routeName = props.routeName ?? this.node.path;

    const logging = buildLogging(this, props);
    this.encryptionKey = logging.key;
    this.logGroup = logging.logGroup;
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the front door router ${this.node.path}: invokes its lanes, writes its own logs`,
    });
    this.role = role;
    logging.logGroup.grantWrite(role);
    if (props.vpc) {
      // What AWSLambdaVPCAccessExecutionRole grants, without the managed policy (ENIs have no resource-level ARNs).
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }));
      acknowledgeNagFindings(role, [{
        id: 'AwsSolutions-IAM5', appliesTo: ['Resource::*'],
        reason: 'Lambda in a VPC manages its ENIs; EC2 network-interface actions have no resource-level ARNs (same as AWSLambdaVPCAccessExecutionRole).',
      }]);
    }

    const failover = props.primary && props.burst && props.primary.alarms.length > 0
      ? buildFailoverState(this, props.primary.alarms, this.routeName) : undefined;
    this.failoverTable = failover?.table;
    this.failoverRule = failover?.rule;
    const config = renderRouterConfig(this, props, role, this.routeName, failover);

    this.routerFunction = new lambda.Function(this, 'Resource', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'handler')),
      role,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      environment: { ROUTER_CONFIG: Stack.of(this).toJsonString(config) },
      environmentEncryption: logging.key,
      logGroup: logging.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
      description: `Front door router of ${this.node.path}: primary first, spillover, failover, async jobs`,
    });
    logging.key.grantDecrypt(role);
    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName: 'live',
      version: this.routerFunction.currentVersion,
      provisionedConcurrentExecutions: props.provisionedConcurrentExecutions || undefined,
      description: 'Invocation target of the front door URL and of the failover rule',
    });
    if (failover) { failover.connect(this, this.alias, role); }

    const authType = props.allowUnauthenticatedAccess === true ? lambda.FunctionUrlAuthType.NONE : lambda.FunctionUrlAuthType.AWS_IAM;
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      Annotations.of(this).addWarningV2('cdk-inference-lanes:unauthenticatedFrontDoor',
        'allowUnauthenticatedAccess is true: anyone who knows the URL can run inference on your lanes. Put an authenticating layer in front of it.');
    }
    this.functionUrl = this.alias.addFunctionUrl({ authType, invokeMode: lambda.InvokeMode.BUFFERED });
    this.url = this.functionUrl.url;

    this.spilloverAlarm = props.burst ? spilloverAlarm(this, props, this.routeName, config.admission !== undefined) : undefined;
  }

  /**
   * Let `grantee` call the front door's URL (`lambda:InvokeFunctionUrl` with the `AWS_IAM` auth type and
   * `lambda:InvokeFunction` via the URL only, on the `live` alias).
   */
  public grantInvokeUrl(grantee: iam.IGrantable): iam.Grant {
    return this.alias.grantInvokeUrl(grantee);
  }

  /** Requests the router received (all routes). */
  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('Requests', this.routeName, props);
  }

  /** Requests the primary refused for capacity that went to the burst lane. */
  public metricSpilled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('Spilled', this.routeName, props);
  }

  /** Requests sent to the burst lane first because the primary's alarms were in ALARM. */
  public metricFailedOver(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('FailedOver', this.routeName, props);
  }

  /**
   * Requests sent to the burst lane first by load-aware spill (the primary's recent answers were slow); the
   * spillover alarm counts them with `metricSpilled()`.
   */
  public metricOffloaded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('Offloaded', this.routeName, props);
  }

  /** Requests sent to the burst lane first by the gradual fail-back after a failover. */
  public metricFailingBack(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('FailingBack', this.routeName, props);
  }

  /** Requests hedged to the burst lane. */
  public metricHedged(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('Hedged', this.routeName, props);
  }

  /** Requests sent to the canary lane first (weighted split). */
  public metricCanary(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('Canary', this.routeName, props);
  }

  /** Requests answered with a 5xx (no lane could serve them). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('Failed', this.routeName, props);
  }

  /** The router's own time per request, excluding the calls to lanes (p99 by default). */
  public metricRouterOverhead(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return frontDoorMetric('RouterOverheadMs', this.routeName, { statistic: 'p99', ...props });
  }

  /**
   * Dashboard widgets of the route: requests and how they were routed, the router's own overhead, and the
   * spillover alarm (for a topology dashboard or your own).
   */
  public widgets(): cloudwatch.IWidget[] {
    const counts = new cloudwatch.GraphWidget({
      title: `Front door ${this.routeName}: requests`,
      left: [this.metricRequests(), this.metricSpilled(), this.metricOffloaded(), this.metricFailedOver(), this.metricFailingBack(), this.metricHedged(), this.metricCanary(), this.metricFailed()],
      width: 12,
    });
    const overhead = new cloudwatch.GraphWidget({
      title: `Front door ${this.routeName}: router overhead (ms)`,
      left: [this.metricRouterOverhead({ statistic: 'p50', label: 'p50' }), this.metricRouterOverhead({ label: 'p99' })],
      width: 6,
    });
    const widgets: cloudwatch.IWidget[] = [counts, overhead];
    if (this.spilloverAlarm) {
      widgets.push(new cloudwatch.AlarmWidget({ title: 'Spillover to the burst lane', alarm: this.spilloverAlarm, width: 6 }));
    }
    return widgets;
  }

  /** The namespace of the front door's metrics. */
  public static get metricNamespace(): string {
    return FRONT_DOOR_NAMESPACE;
  }
}
