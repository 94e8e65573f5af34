import { ArnFormat, Size, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './private/nag';
import { nagResourceText } from './private/nag-resource-names';

/**
 * How the router reaches a lane.
 */
export enum RouteTargetKind {
  /** SageMaker `InvokeEndpoint` (real-time or serverless endpoint). */
  SAGEMAKER_ENDPOINT = 'sagemaker',
  /** Lambda `Invoke` (RequestResponse) on an alias or version. */
  LAMBDA = 'lambda',
  /** HTTP POST to a URL (a lane behind a load balancer, e.g. the GPU service). */
  HTTP = 'http',
  /** SQS `SendMessage` to a job queue, results read from S3 (asynchronous jobs only). */
  QUEUE = 'queue',
}

/**
 * Options every target takes.
 */
export interface RouteTargetOptions {
  /**
   * The lane's rollback alarms (its SLO alarms). While any is in ALARM, a front door whose primary is
   * this target sends new requests to the burst target (failover), and back when all recover.
   *
   * @default - no failover for this target
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

/**
 * A SageMaker endpoint to route to.
 */
export interface SageMakerEndpointTargetProps extends RouteTargetOptions {
  /** The endpoint's name. */
  readonly endpointName: string;

  /**
   * The endpoint's Region.
   *
   * @default - the front door's Region (or the Region of `endpointArn`)
   */
  readonly region?: string;

  /**
   * The endpoint's ARN, for the IAM grant. Pass it (e.g. `managedEndpoint.endpointArn`) when the name is a token
   * that can hold upper-case letters (a CloudFormation-generated name): SageMaker writes names lower-case in ARNs
   * and IAM compares them case-sensitively.
   *
   * @default - built from `endpointName` (lower-cased when it is known at synth) in `region`
   */
  readonly endpointArn?: string;
}

/**
 * Where a job queue's workers write results.
 */
export interface JobResultsLocation {
  /** The results bucket. */
  readonly bucket: s3.IBucket;

  /**
   * Key prefix of results: the result of job `<id>` is the object `<prefix><id>`.
   *
   * @default 'results/'
   */
  readonly prefix?: string;

  /**
   * Key prefix of failure reports: a failed job `<id>` has the object `<failuresPrefix><id>`.
   *
   * @default - failures are not reported; a failed job stays `pending`
   */
  readonly failuresPrefix?: string;
}

/**
 * A job queue (the batch lane) to hand asynchronous work to.
 */
export interface QueueTargetProps extends RouteTargetOptions {
  /** The queue workers drain. */
  readonly queue: sqs.IQueue;

  /** Where the workers write results. */
  readonly results: JobResultsLocation;

  /**
   * The largest message the router sends (the job body, base64-encoded in a JSON envelope). Larger
   * submissions get HTTP 413. At most the queue's `MaximumMessageSize` (1 KiB to 1 MiB).
   *
   * @default Size.kibibytes(256)
   */
  readonly maxMessageSize?: Size;
}

/**
 * An HTTP endpoint to route to.
 */
export interface HttpTargetProps extends RouteTargetOptions {
  /**
   * The URL the router POSTs the request body to (`https://` or, inside a VPC, `http://`). For a
   * private load balancer, give the front door the VPC (`vpc`).
   */
  readonly url: string;
}

/**
 * What a bound target tells the front door.
 */
export interface RouteTargetConfig {
  /** How the router reaches the lane. */
  readonly kind: RouteTargetKind;
  /** Largest request body this target takes, in bytes. */
  readonly maxBodyBytes: number;
  /** SageMaker endpoint name. @default - not a SageMaker target */
  readonly endpointName?: string;
  /** SageMaker endpoint Region. @default - the front door's Region */
  readonly region?: string;
  /** Lambda function (alias) ARN. @default - not a Lambda target */
  readonly functionName?: string;
  /** HTTP URL. @default - not an HTTP target */
  readonly url?: string;
  /** Job queue URL. @default - not a queue target */
  readonly queueUrl?: string;
  /** Results bucket name. @default - not a queue target */
  readonly bucketName?: string;
  /** Results key prefix. @default - not a queue target */
  readonly resultsPrefix?: string;
  /** Failure reports key prefix. @default - failures not reported */
  readonly failuresPrefix?: string;
  /** Largest job message, in bytes. @default - not a queue target */
  readonly maxMessageBytes?: number;
}

/**
 * A lane the front door routes to: SageMaker endpoint, Lambda alias, HTTP URL or job queue.
 *
 * Targets are plain aws-cdk-lib references, so any lane (or any resource you built yourself) can be
 * routed to. `bind()` grants the router exactly what it needs on that one resource.
 */
export abstract class RouteTarget {
  /**
   * A SageMaker endpoint (real-time or serverless). The router gets `sagemaker:InvokeEndpoint` on
   * that endpoint's ARN only.
   */
  public static sageMakerEndpoint(props: SageMakerEndpointTargetProps): RouteTarget {
    return new SageMakerEndpointTarget(props);
  }

  /**
   * A Lambda alias (or version). The router gets `lambda:InvokeFunction` on that ARN only. Pass the
   * alias that owns the warm pool: an unqualified function runs `$LATEST` without provisioned concurrency.
   */
  public static lambdaAlias(fn: lambda.IFunction, options: RouteTargetOptions = {}): RouteTarget {
    return new LambdaTarget(fn, options);
  }

  /**
   * An HTTP URL (a lane behind a load balancer). No IAM grant: the network decides who reaches it.
   */
  public static http(props: HttpTargetProps): RouteTarget {
    return new HttpTarget(props);
  }

  /**
   * A job queue and its results location (asynchronous jobs: `POST /jobs`, `GET /jobs/{id}`). The
   * router gets `sqs:SendMessage` on the queue (and `kms:GenerateDataKey`/`kms:Decrypt` on its key) and
   * `s3:GetObject` under the results (and failures) prefix.
   */
  public static queue(props: QueueTargetProps): RouteTarget {
    return new QueueTarget(props);
  }

  /** How the router reaches the lane. */
  public abstract readonly kind: RouteTargetKind;

  /** The lane's rollback alarms (failover). */
  public readonly alarms: cloudwatch.IAlarm[];

  protected constructor(options: RouteTargetOptions) {
    this.alarms = options.alarms ?? [];
  }

  /**
   * The same target with other rollback alarms (e.g. `[]` for a lane used as burst or canary, whose alarms
   * the front door does not fail over on).
   */
  public withAlarms(alarms: cloudwatch.IAlarm[]): RouteTarget {
    const copy: RouteTarget = Object.create(Object.getPrototypeOf(this));
    Object.assign(copy, this, { alarms: [...alarms] });
    return copy;
  }

  /**
   * What identifies the lane (`sagemaker:<name>`, `lambda:<arn>`, ...): two targets with the same
   * identity are the same lane.
   */
  public abstract readonly identity: string;

  /** A short description for error messages. */
  public abstract readonly description: string;

  /**
   * Grant `grantee` what the router needs on this target and return its settings.
   */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): RouteTargetConfig;
}

/** SageMaker real-time payloads and Lambda/URL requests: 6 MB (6,291,456 bytes). */
const SIX_MB = 6_291_456;
/**
 * Lambda `Invoke` payloads are at most 6 MB of JSON; the router sends the body base64-encoded in an
 * event, so 4 MiB of body (5.33 MiB encoded) is what fits with room for the envelope.
 */
const LAMBDA_BODY_BYTES = 4 * 1024 * 1024;

class SageMakerEndpointTarget extends RouteTarget {
  public readonly kind = RouteTargetKind.SAGEMAKER_ENDPOINT;
  constructor(private readonly props: SageMakerEndpointTargetProps) {
    super(props);
  }
  public get identity() { return `sagemaker:${this.props.region ?? ''}:${this.props.endpointName}`; }
  public get description() { return `SageMaker endpoint ${this.props.endpointName}`; }
  public bind(scope: Construct, grantee: iam.IGrantable): RouteTargetConfig {
    const stack = Stack.of(scope);
    const name = this.props.endpointName;
    // SageMaker writes endpoint names lower-case in ARNs; IAM compares ARNs case-sensitively.
    const arnName = Token.isUnresolved(name) ? name : name.toLowerCase();
    const arn = this.props.endpointArn ?? stack.formatArn({
      service: 'sagemaker', resource: 'endpoint', resourceName: arnName,
      region: this.props.region, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [arn] }));
    return {
      kind: this.kind,
      endpointName: name,
      region: this.props.region ?? regionOfArn(this.props.endpointArn),
      maxBodyBytes: SIX_MB,
    };
  }
}

class LambdaTarget extends RouteTarget {
  public readonly kind = RouteTargetKind.LAMBDA;
  constructor(private readonly fn: lambda.IFunction, options: RouteTargetOptions) {
    super(options);
  }
  public get identity() { return `lambda:${this.fn.functionArn}`; }
  public get description() { return `Lambda ${this.fn.node.path}`; }
  public bind(_scope: Construct, grantee: iam.IGrantable): RouteTargetConfig {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
    return { kind: this.kind, functionName: this.fn.functionArn, maxBodyBytes: LAMBDA_BODY_BYTES };
  }
}

class HttpTarget extends RouteTarget {
  public readonly kind = RouteTargetKind.HTTP;
  constructor(private readonly props: HttpTargetProps) {
    super(props);
  }
  public get identity() { return `http:${this.props.url}`; }
  public get description() { return `URL ${this.props.url}`; }
  /** The URL (validated by the front door). */
  public get url() { return this.props.url; }
  public bind(): RouteTargetConfig {
    return { kind: this.kind, url: this.props.url, maxBodyBytes: SIX_MB };
  }
}

class QueueTarget extends RouteTarget {
  public readonly kind = RouteTargetKind.QUEUE;
  constructor(public readonly props: QueueTargetProps) {
    super(props);
  }
  public get identity() { return `queue:${this.props.queue.queueArn}`; }
  public get description() { return `queue ${this.props.queue.node.path}`; }
  public bind(scope: Construct, grantee: iam.IGrantable): RouteTargetConfig {
    const { queue, results } = this.props;
    const prefix = results.prefix ?? 'results/';
    // grantSendMessages: sqs:SendMessage (+ GetQueueAttributes/GetQueueUrl) and, for a KMS queue,
    // kms:Decrypt + kms:GenerateDataKey on its key.
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey) {
      grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [queue.encryptionMasterKey.keyArn],
      }));
    }
    const keys = [`${prefix}*`, ...(results.failuresPrefix ? [`${results.failuresPrefix}*`] : [])];
    const objectArns = keys.map(k => results.bucket.arnForObjects(k));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objectArns }));
    if (Construct.isConstruct(grantee.grantPrincipal)) {
      acknowledgeNagFindings(grantee.grantPrincipal, [{
        id: 'AwsSolutions-IAM5',
        appliesTo: objectArns.map(arn => `Resource::${nagResourceText(scope, arn)}`),
        reason: 'Job results are objects named by job id under the results prefix: s3:GetObject on that prefix only, no other bucket access.',
      }]);
    }
    if (results.bucket.encryptionKey) {
      grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [results.bucket.encryptionKey.keyArn] }));
    }
    return {
      kind: this.kind,
      queueUrl: queue.queueUrl,
      bucketName: results.bucket.bucketName,
      resultsPrefix: prefix,
      failuresPrefix: results.failuresPrefix,
      maxMessageBytes: (this.props.maxMessageSize ?? Size.kibibytes(256)).toBytes(),
      maxBodyBytes: SIX_MB,
    };
  }
}

function regionOfArn(arn: string | undefined): string | undefined {
  if (arn === undefined || Token.isUnresolved(arn)) { return undefined; }
  return arn.split(':')[3] || undefined;
}

/** @internal */
export function isQueueTarget(t: RouteTarget): t is QueueTarget {
  return t instanceof QueueTarget;
}

/** @internal */
export function httpTargetUrl(t: RouteTarget): string | undefined {
  return t instanceof HttpTarget ? t.url : undefined;
}
