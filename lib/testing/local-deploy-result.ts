// What LocalDeploy returns (public API, exported through ./local-deploy).

/**
 * One change LocalDeploy made to the synthesized template so the emulator can deploy it.
 */
export interface LocalDeployAdaptation {
  /** Logical id of the changed resource (or `Outputs/<key>`). */
  readonly logicalId: string;
  /** Its resource type (`Output` for an output). */
  readonly resourceType: string;
  /** What was changed. */
  readonly change: string;
  /** Why the emulator needs it (real AWS gets the unchanged template). */
  readonly reason: string;
}

/**
 * A resource moto's CloudFormation skipped that LocalDeploy created through the service API.
 */
export interface LocalApiCreatedResource {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type. */
  readonly resourceType: string;
  /** Physical id (name or ARN) of what was created. */
  readonly physicalId: string;
  /** The API calls that created it, e.g. `RegisterScalableTarget`, `PutScheduledAction marketing-event`. */
  readonly apiCalls: string[];
  /** What reading it back through the API returned, in one line. */
  readonly readBack: string;
  /** Properties that could not be applied (moto lacks the API), e.g. provisioned concurrency. */
  readonly notes: string[];
}

/**
 * Time spent in each phase of a local deployment, in milliseconds.
 */
export interface LocalDeployTimings {
  /** Starting moto_server until it answers HTTP. */
  readonly serverStartMs: number;
  /** Synthesizing the app and copying the cloud assembly to a temp dir. */
  readonly synthMs: number;
  /** Bootstrapping (the bootstrap template's stack, or `cdk bootstrap` with `cliBootstrap`). */
  readonly bootstrapMs: number;
  /** `cdk deploy`. */
  readonly deployMs: number;
  /** Reading back stack resources and outputs with boto3. */
  readonly readBackMs: number;
  /** Creating and reading back the skipped resources through the service APIs. */
  readonly apiCreateMs: number;
  /** Everything. */
  readonly totalMs: number;
}

/**
 * A resource that moto really created.
 */
export interface LocalDeployedResource {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type, e.g. `AWS::SQS::Queue`. */
  readonly resourceType: string;
  /** Physical id reported by moto (queue URL, bucket name, ARN...). */
  readonly physicalId: string;
  /** Resource status, e.g. `CREATE_COMPLETE`. */
  readonly status: string;
}

/**
 * A template resource that moto did not create (moto skips unsupported types but still
 * reports the stack as CREATE_COMPLETE).
 */
export interface LocalSkippedResource {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type, e.g. `AWS::CloudWatch::Alarm`. */
  readonly resourceType: string;
  /** Why it is considered skipped. */
  readonly reason: string;
}

/**
 * What a local deployment produced.
 */
export interface LocalDeployResult {
  /** CloudFormation stack name. */
  readonly stackName: string;
  /** Stack status reported by moto, e.g. `CREATE_COMPLETE`. */
  readonly stackStatus: string;
  /** Account the stack was deployed to (moto's account). */
  readonly account: string;
  /** Region the stack was deployed to. */
  readonly region: string;
  /** The moto endpoint, e.g. `http://localhost:5123`. */
  readonly endpointUrl: string;
  /** Template resources moto created. */
  readonly created: LocalDeployedResource[];
  /**
   * Template resources moto's CloudFormation did not create (including those LocalDeploy then
   * created through the API: see `createdViaApi` and `notCreated`).
   */
  readonly skipped: LocalSkippedResource[];
  /** Skipped resources LocalDeploy created through the service APIs on the same moto server. */
  readonly createdViaApi: LocalApiCreatedResource[];
  /** Skipped resources that exist nowhere locally, each with the reason (e.g. moto lacks the API). */
  readonly notCreated: LocalSkippedResource[];
  /**
   * Skipped resources moto's CloudFormation did create but lists without a physical id (Lambda
   * versions, IoT role aliases and policies), found through the service API; their `status` says how.
   */
  readonly confirmedViaApi: LocalDeployedResource[];
  /** Changes made to the template for the emulator (the real template is unchanged). */
  readonly adaptations: LocalDeployAdaptation[];
  /** Resource types moto logged as "not supported by moto's CloudFormation implementation". */
  readonly unsupportedTypes: string[];
  /** Stack outputs (key to value). */
  readonly outputs: { [key: string]: string };
  /** Time spent per phase. */
  readonly timings: LocalDeployTimings;
}
