import * as s3 from 'aws-cdk-lib/aws-s3';
import * as kms from 'aws-cdk-lib/aws-kms';

/** What kind of model source a {@link ModelDeliverySource} is. */
export enum ModelSourceKind {
  /** A model object in a versioned S3 bucket: every new object version is a candidate. */
  S3_OBJECT = 'S3_OBJECT',
  /** A SageMaker Model Registry model package group: every package approved in it is a candidate. */
  MODEL_PACKAGE_GROUP = 'MODEL_PACKAGE_GROUP',
}

/**
 * Options of {@link ModelDeliverySource.modelPackageGroup}.
 */
export interface ModelPackageGroupSourceOptions {
  /**
   * The bucket the group's packages keep their model data in (`ModelDataUrl`). The artifact check reads
   * the model data from here only, to compute its digest; a package whose model data is elsewhere fails
   * the check.
   */
  readonly modelDataBucket: s3.IBucket;
}

/**
 * Where candidate models come from, and what starts the pipeline.
 *
 * - `s3Object(bucket, key)`: a new version of one object (an EventBridge rule on the bucket's
 *   `Object Created` events for that key starts the pipeline; the S3 source action records the version).
 * - `modelPackageGroup(name, { modelDataBucket })`: an EventBridge rule on `SageMaker Model Package State
 *   Change` with `ModelApprovalStatus: Approved` in that group starts the pipeline; the artifact check
 *   delivers the newest approved package of the group.
 */
export abstract class ModelDeliverySource {
  /**
   * A model object in a versioned S3 bucket. The bucket must have versioning and EventBridge notifications
   * turned on (`new s3.Bucket(..., { versioned: true, eventBridgeEnabled: true })`).
   *
   * The object's user metadata carries the model identity: `x-amz-meta-model-version` (required) and
   * `x-amz-meta-sha256` (the expected digest, `sha256:<hex>` or bare hex; required). The model card is
   * the object `<key>.card.json`, the signature (where configured) `<key>.sig`.
   *
   * @param bucket the bucket (versioned)
   * @param key the object key, e.g. `models/assistant/model.tar.gz`
   */
  public static s3Object(bucket: s3.IBucket, key: string): ModelDeliverySource {
    return new S3ObjectSource(bucket, key);
  }

  /**
   * A SageMaker Model Registry model package group. The package's `CustomerMetadataProperties` carry
   * `model-version` (else its `ModelPackageVersion` is used) and `sha256` (the expected digest; required);
   * the model card is the package's `ModelCard`.
   *
   * @param groupName the model package group name
   */
  public static modelPackageGroup(groupName: string, options: ModelPackageGroupSourceOptions): ModelDeliverySource {
    return new ModelPackageGroupSource(groupName, options);
  }

  /** The kind of source. */
  public abstract readonly kind: ModelSourceKind;
  /** Bucket of the model data (the source object's bucket, or the registry's model data bucket). */
  public abstract readonly bucket: s3.IBucket;
  /**
   * Key of the source object.
   *
   * @default - a model package group (no fixed key)
   */
  public abstract readonly key?: string;
  /**
   * The model package group name.
   *
   * @default - an S3 object source
   */
  public abstract readonly groupName?: string;
}

class S3ObjectSource extends ModelDeliverySource {
  public readonly kind = ModelSourceKind.S3_OBJECT;
  public readonly groupName = undefined;
  constructor(public readonly bucket: s3.IBucket, public readonly key: string) { super(); }
}

class ModelPackageGroupSource extends ModelDeliverySource {
  public readonly kind = ModelSourceKind.MODEL_PACKAGE_GROUP;
  public readonly bucket: s3.IBucket;
  public readonly key = undefined;
  constructor(public readonly groupName: string, options: ModelPackageGroupSourceOptions) {
    super();
    this.bucket = options?.modelDataBucket;
  }
}

/** What kind of app source a {@link DeliveryAppSource} is. */
export enum AppSourceKind {
  /** A zip of the CDK app in S3. */
  S3_ZIP = 'S3_ZIP',
  /** A Git repository through an AWS CodeConnections (CodeStar) connection. */
  CONNECTION = 'CONNECTION',
}

/**
 * Props of {@link DeliveryAppSource.connection}.
 */
export interface ConnectionAppSourceProps {
  /** ARN of the AWS CodeConnections connection (`arn:aws:codeconnections:...` or `arn:aws:codestar-connections:...`). */
  readonly connectionArn: string;
  /** Repository owner (user or organization). */
  readonly owner: string;
  /** Repository name. */
  readonly repo: string;
  /**
   * Branch the pipeline deploys.
   *
   * @default 'main'
   */
  readonly branch?: string;
}

/**
 * Where the pipeline gets the user's CDK app it deploys with each candidate. Changes to the app do not
 * start the pipeline (a model does); an execution takes the app as it is at that moment.
 */
export abstract class DeliveryAppSource {
  /**
   * A zip of the CDK app (the repository root: `package.json`, `cdk.json`, ...) in a versioned bucket.
   */
  public static s3Zip(bucket: s3.IBucket, key: string): DeliveryAppSource {
    return new S3ZipAppSource(bucket, key);
  }

  /**
   * A Git repository through an AWS CodeConnections connection.
   */
  public static connection(props: ConnectionAppSourceProps): DeliveryAppSource {
    return new ConnectionAppSource(props);
  }

  /** The kind of source. */
  public abstract readonly kind: AppSourceKind;
  /** @default - not an S3 zip */
  public abstract readonly bucket?: s3.IBucket;
  /** @default - not an S3 zip */
  public abstract readonly key?: string;
  /** @default - not a connection */
  public abstract readonly connectionProps?: ConnectionAppSourceProps;
}

class S3ZipAppSource extends DeliveryAppSource {
  public readonly kind = AppSourceKind.S3_ZIP;
  public readonly connectionProps = undefined;
  constructor(public readonly bucket: s3.IBucket, public readonly key: string) { super(); }
}

class ConnectionAppSource extends DeliveryAppSource {
  public readonly kind = AppSourceKind.CONNECTION;
  public readonly bucket = undefined;
  public readonly key = undefined;
  constructor(public readonly connectionProps: ConnectionAppSourceProps) { super(); }
}

/**
 * Where a signature over the model's digest is verified (AWS KMS `Verify` with an asymmetric signing key).
 */
export interface ModelSignatureOptions {
  /** The asymmetric KMS key (key usage `SIGN_VERIFY`) whose private half signed the digest. */
  readonly key: kms.IKey;

  /**
   * The signing algorithm (a KMS `SigningAlgorithmSpec`).
   *
   * @default 'ECDSA_SHA_256'
   */
  readonly signingAlgorithm?: string;
}
