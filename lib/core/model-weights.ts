import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { invalid } from './private/errors';

/**
 * Where a model's weights live, once bound to a stack.
 */
export interface ModelWeightsConfig {
  /**
   * `s3://bucket/key` of the object, or `s3://bucket/prefix/` of a prefix.
   *
   * @default - no S3 location (a model package)
   */
  readonly s3Uri?: string;

  /**
   * Bucket holding the weights.
   *
   * @default - no S3 location (a model package)
   */
  readonly bucketName?: string;

  /**
   * Object key (or key prefix when `isPrefix`).
   *
   * @default - no S3 location (a model package)
   */
  readonly objectKey?: string;

  /**
   * ARN of the bucket holding the weights.
   *
   * @default - no S3 location (a model package)
   */
  readonly bucketArn?: string;

  /**
   * Region of the bucket holding the weights, where it is knowable at synth time, so a lane can
   * reject weights in another Region than the model that reads them (SageMaker, Lambda and
   * Greengrass read model data from a bucket in their own Region):
   *
   * - a local asset: the binding stack's Region (the CDK assets bucket of that stack's environment);
   * - a bucket created in a stack of this app: that stack's Region;
   * - an imported bucket whose Region differs from the importing stack's, i.e. one imported with
   *   `Bucket.fromBucketAttributes(scope, id, { bucketName, region })`: that Region.
   *
   * May be a token (an environment-agnostic stack's `AWS::Region`): treat it as unknown when comparing.
   *
   * @default - unknown: a model package, or a bucket imported without a Region (`fromBucketName`,
   * `fromBucketArn`: aws-cdk-lib assumes the importing stack's Region, which may not be the bucket's)
   */
  readonly bucketRegion?: string;

  /**
   * True when `objectKey` is a prefix holding many objects (multi-model hosting).
   */
  readonly isPrefix: boolean;

  /**
   * True when the object is a compressed tarball (`.tar.gz`) that SageMaker unpacks.
   */
  readonly compressed: boolean;

  /**
   * SageMaker model package ARN.
   *
   * @default - not a model package
   */
  readonly modelPackageArn?: string;

  /**
   * Content digest, `sha256:<hex>`, where it is knowable at synth time.
   *
   * @default - unknown
   */
  readonly digest?: string;
}

/**
 * Options for {@link ModelWeights.fromBucket}.
 */
export interface BucketWeightsOptions {
  /**
   * Digest of the object (`sha256:<64 hex>`) so consumers and devices can verify what they download.
   *
   * @default - no digest: lanes that need one (edge) ask for it
   */
  readonly digest?: string;
}

/**
 * The model's weights: a local file or directory uploaded as an asset, an S3 object or prefix, or a
 * SageMaker model package. Bind it to get its location; binding grants read on exactly that location.
 */
export abstract class ModelWeights {
  /**
   * A local file or directory, uploaded to the CDK assets bucket at deploy time.
   *
   * A single file keeps its bytes (its SHA-256 becomes the digest); a directory is zipped by the CDK
   * and has no digest (the zip's hash is not known at synth time).
   */
  public static fromAsset(assetPath: string): ModelWeights {
    return new AssetWeights(assetPath);
  }

  /**
   * One existing S3 object (e.g. `model.tar.gz`).
   */
  public static fromBucket(bucket: s3.IBucket, key: string, options: BucketWeightsOptions = {}): ModelWeights {
    return new BucketWeights(bucket, key, false, options.digest);
  }

  /**
   * An existing S3 prefix holding many models (multi-model hosting, sharded weights).
   */
  public static fromBucketPrefix(bucket: s3.IBucket, prefix: string): ModelWeights {
    return new BucketWeights(bucket, prefix, true, undefined);
  }

  /**
   * An existing SageMaker model package (versioned in the model registry). Only lanes that can
   * deploy a model package (ManagedEndpoint) accept it.
   */
  public static fromModelPackage(modelPackageArn: string): ModelWeights {
    return new ModelPackageWeights(modelPackageArn);
  }

  /** A human-readable description of the source, for errors and docs. */
  public abstract readonly description: string;

  /**
   * Bind the weights to a scope; grants `grantee` read on exactly this location.
   */
  public abstract bind(scope: Construct, grantee?: iam.IGrantable): ModelWeightsConfig;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** @internal */
export function checkDigest(where: string, prop: string, digest: string | undefined): void {
  if (digest === undefined || Token.isUnresolved(digest)) { return; }
  if (!DIGEST_RE.test(digest)) {
    throw invalid(where, prop, digest, 'is not a SHA-256 digest', "Pass 'sha256:' followed by 64 lowercase hex characters (e.g. the output of `sha256sum`).");
  }
}

/**
 * s3:GetObject on exactly one object (or the objects under one prefix, plus listing that prefix),
 * and decrypt on the bucket's key if it has one. No action wildcards.
 */
function grantObjectRead(grantee: iam.IGrantable, bucket: s3.IBucket, key: string, isPrefix: boolean): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects(isPrefix ? `${key}*` : key)] });
  if (isPrefix) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${key}*`] } },
    }));
  }
  bucket.encryptionKey?.grantDecrypt(grantee);
}

/**
 * The Region of a bucket where it is knowable (see {@link ModelWeightsConfig.bucketRegion}): an owned
 * bucket's stack Region; an imported bucket's own Region when it differs from its importing stack's
 * (aws-cdk-lib fills the importing stack's Region in when none was given, so an equal Region cannot
 * tell an explicit Region from that assumption and reads as unknown).
 */
function bucketRegionOf(bucket: s3.IBucket): string | undefined {
  const home = Stack.of(bucket).region;
  if (Resource.isOwnedResource(bucket)) { return home; }
  const region = bucket.env?.region;
  if (region === undefined || region === home) { return undefined; }
  return region;
}

class AssetWeights extends ModelWeights {
  public readonly description: string;
  private readonly assets = new WeakMap<Stack, s3assets.Asset>();
  private readonly fileDigest?: string;

  constructor(private readonly assetPath: string) {
    super();
    this.description = `local asset ${assetPath}`;
    if (!fs.existsSync(assetPath)) {
      throw invalid('ModelWeights.fromAsset', 'assetPath', assetPath, 'does not exist', 'Pass the path of a model file or directory that exists at synth time.');
    }
    if (fs.statSync(assetPath).isFile()) {
      this.fileDigest = 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(assetPath)).digest('hex');
    }
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ModelWeightsConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      const base = 'ModelWeights' + crypto.createHash('sha256').update(path.resolve(this.assetPath)).digest('hex').slice(0, 8);
      // Two artifacts (e.g. two versions) may point at the same file: share one asset per stack.
      asset = (stack.node.tryFindChild(base) as s3assets.Asset | undefined) ?? new s3assets.Asset(stack, base, { path: this.assetPath });
      this.assets.set(stack, asset);
    }
    if (grantee) {
      // Read on exactly this object, not the whole CDK assets bucket.
      grantObjectRead(grantee, asset.bucket, asset.s3ObjectKey, false);
    }
    const key = asset.s3ObjectKey;
    return {
      s3Uri: asset.s3ObjectUrl,
      bucketName: asset.s3BucketName,
      bucketArn: asset.bucket.bucketArn,
      // The assets bucket of the binding stack's environment (bootstrap), in that stack's Region.
      bucketRegion: stack.region,
      objectKey: key,
      isPrefix: false,
      compressed: /\.tar\.gz$|\.tgz$/.test(this.assetPath),
      // A directory is zipped by the CDK: its fingerprint is not the SHA-256 of the uploaded zip, so
      // no digest is claimed (consumers that verify downloads, like edge devices, need a real one).
      digest: this.fileDigest,
    };
  }
}

class BucketWeights extends ModelWeights {
  public readonly description: string;

  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly isPrefix: boolean, private readonly digest?: string) {
    super();
    this.description = `s3 ${isPrefix ? 'prefix' : 'object'} ${key}`;
    const factory = isPrefix ? 'ModelWeights.fromBucketPrefix' : 'ModelWeights.fromBucket';
    if (!Token.isUnresolved(key)) {
      if (key.length === 0 || key.startsWith('/')) {
        throw invalid(factory, isPrefix ? 'prefix' : 'key', key, 'must be a non-empty key without a leading slash', "Pass e.g. 'models/recsys/1.4.0/model.tar.gz'.");
      }
      if (isPrefix && !key.endsWith('/')) {
        throw invalid(factory, 'prefix', key, "must end with '/'", `Pass '${key}/'.`);
      }
    }
    checkDigest(factory, 'options.digest', digest);
  }

  public bind(_scope: Construct, grantee?: iam.IGrantable): ModelWeightsConfig {
    if (grantee) {
      // Read on exactly this object or prefix, never the whole bucket.
      grantObjectRead(grantee, this.bucket, this.key, this.isPrefix);
    }
    return {
      s3Uri: `s3://${this.bucket.bucketName}/${this.key}`,
      bucketName: this.bucket.bucketName,
      bucketArn: this.bucket.bucketArn,
      bucketRegion: bucketRegionOf(this.bucket),
      objectKey: this.key,
      isPrefix: this.isPrefix,
      compressed: !this.isPrefix && /\.tar\.gz$|\.tgz$/.test(this.key),
      digest: this.digest,
    };
  }
}

class ModelPackageWeights extends ModelWeights {
  public readonly description: string;

  constructor(private readonly arn: string) {
    super();
    this.description = `model package ${arn}`;
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/.+/.test(arn)) {
      throw invalid('ModelWeights.fromModelPackage', 'modelPackageArn', arn, 'is not a SageMaker model package ARN', "Pass 'arn:aws:sagemaker:REGION:ACCOUNT:model-package/NAME/VERSION'.");
    }
  }

  public bind(_scope: Construct, grantee?: iam.IGrantable): ModelWeightsConfig {
    if (grantee) {
      iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeModelPackage'], resourceArns: [this.arn] });
    }
    return { isPrefix: false, compressed: false, modelPackageArn: this.arn };
  }
}

/**
 * A detached signature of a model file, once bound: where the signature object is and the key that
 * verifies it.
 */
export interface ArtifactSignatureConfig {
  /** `s3://bucket/key` of the signature object. */
  readonly s3Uri: string;
  /** Bucket of the signature object. */
  readonly bucketName: string;
  /** ARN of that bucket. */
  readonly bucketArn: string;
  /** Key of the signature object. */
  readonly objectKey: string;
  /** PEM (`-----BEGIN PUBLIC KEY-----`) of the key that verifies the signature. */
  readonly publicKeyPem: string;
  /** Digest the signature is made over: always `sha256` (`openssl dgst -sha256 -sign`, or AWS KMS `Sign` with `ECDSA_SHA_256` / `RSASSA_PKCS1_V1_5_SHA_256` over the file). */
  readonly digestAlgorithm: string;
}

/**
 * A detached signature of a model file (the raw signature bytes over the file's SHA-256, as
 * `openssl dgst -sha256 -sign key.pem -out model.sig model.tar.gz` or AWS KMS `Sign` write them: DER
 * for ECDSA, PKCS#1 v1.5 for RSA) and the public key that verifies it. Consumers that download the file
 * verify it before use (the edge recipe's Install step runs `openssl dgst -sha256 -verify`); the
 * delivery pipeline verifies the same object with the same key.
 */
export abstract class ArtifactSignature {
  /**
   * A signature object in S3.
   *
   * @param publicKeyPem the verifying key, PEM `-----BEGIN PUBLIC KEY-----` (RSA or EC)
   */
  public static fromBucket(bucket: s3.IBucket, key: string, publicKeyPem: string): ArtifactSignature {
    return new BucketSignature(bucket, key, publicKeyPem);
  }

  /**
   * A local signature file, uploaded as an asset next to the model's.
   *
   * @param publicKeyPem the verifying key, PEM `-----BEGIN PUBLIC KEY-----` (RSA or EC)
   */
  public static fromAsset(signaturePath: string, publicKeyPem: string): ArtifactSignature {
    return new AssetSignature(signaturePath, publicKeyPem);
  }

  /** The verifying key (PEM). */
  public readonly publicKeyPem: string;

  protected constructor(factory: string, publicKeyPem: string) {
    checkPublicKeyPem(factory, publicKeyPem);
    this.publicKeyPem = publicKeyPem.trim() + '\n';
  }

  /** Bind the signature to a scope; grants `grantee` read on exactly the signature object. */
  public abstract bind(scope: Construct, grantee?: iam.IGrantable): ArtifactSignatureConfig;
}

function checkPublicKeyPem(factory: string, pem: string): void {
  if (typeof pem !== 'string' || Token.isUnresolved(pem) || !/^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/.test(pem)) {
    throw invalid(factory, 'publicKeyPem', typeof pem === 'string' && pem.length > 60 ? pem.slice(0, 60) + '...' : pem,
      "is not a PEM public key (a literal '-----BEGIN PUBLIC KEY-----' block, known at synth)",
      'Pass the output of `openssl pkey -pubout -in signing-key.pem` (or of `aws kms get-public-key` converted to PEM).');
  }
  try {
    crypto.createPublicKey(pem);
  } catch (e) {
    throw invalid(factory, 'publicKeyPem', pem.slice(0, 60) + '...', `does not parse as a public key (${(e as Error).message})`,
      'Pass the output of `openssl pkey -pubout -in signing-key.pem` (or of `aws kms get-public-key` converted to PEM).');
  }
}

class BucketSignature extends ArtifactSignature {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, publicKeyPem: string) {
    super('ArtifactSignature.fromBucket', publicKeyPem);
    if (!Token.isUnresolved(key) && (typeof key !== 'string' || key.length === 0 || key.startsWith('/') || key.endsWith('/'))) {
      throw invalid('ArtifactSignature.fromBucket', 'key', key, 'must be the key of one object (non-empty, no leading or trailing slash)', "Pass e.g. 'models/recsys/1.4.0/model.tar.gz.sig'.");
    }
  }

  public bind(_scope: Construct, grantee?: iam.IGrantable): ArtifactSignatureConfig {
    if (grantee) { grantObjectRead(grantee, this.bucket, this.key, false); }
    return {
      s3Uri: `s3://${this.bucket.bucketName}/${this.key}`, bucketName: this.bucket.bucketName, bucketArn: this.bucket.bucketArn,
      objectKey: this.key, publicKeyPem: this.publicKeyPem, digestAlgorithm: 'sha256',
    };
  }
}

class AssetSignature extends ArtifactSignature {
  private readonly assets = new WeakMap<Stack, s3assets.Asset>();

  constructor(private readonly signaturePath: string, publicKeyPem: string) {
    super('ArtifactSignature.fromAsset', publicKeyPem);
    if (typeof signaturePath !== 'string' || !fs.existsSync(signaturePath) || !fs.statSync(signaturePath).isFile()) {
      throw invalid('ArtifactSignature.fromAsset', 'signaturePath', signaturePath, 'is not a file that exists at synth time', 'Pass the path of the detached signature file (e.g. model.tar.gz.sig).');
    }
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ArtifactSignatureConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      const id = 'ModelSignature' + crypto.createHash('sha256').update(path.resolve(this.signaturePath)).digest('hex').slice(0, 8);
      asset = (stack.node.tryFindChild(id) as s3assets.Asset | undefined) ?? new s3assets.Asset(stack, id, { path: this.signaturePath });
      this.assets.set(stack, asset);
    }
    if (grantee) { grantObjectRead(grantee, asset.bucket, asset.s3ObjectKey, false); }
    return {
      s3Uri: asset.s3ObjectUrl, bucketName: asset.s3BucketName, bucketArn: asset.bucket.bucketArn,
      objectKey: asset.s3ObjectKey, publicKeyPem: this.publicKeyPem, digestAlgorithm: 'sha256',
    };
  }
}

/**
 * What a signature can be made over: one object (an asset file or an S3 object), not a prefix, a
 * zipped directory or a model package.
 * @internal
 */
export function signableWeights(weights: ModelWeights): string | undefined {
  if (weights instanceof ModelPackageWeights) { return 'a SageMaker model package (the model registry versions and approves it; its ARN is not a file a consumer downloads)'; }
  if (weights instanceof BucketWeights && (weights as unknown as { isPrefix: boolean }).isPrefix) { return 'an S3 prefix (many objects: a detached signature covers one file)'; }
  if (weights instanceof AssetWeights && !(weights as unknown as { fileDigest?: string }).fileDigest) { return 'a directory asset (the CDK zips it at synth: the zip is not the file that was signed)'; }
  return undefined;
}
