import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { ModelArtifact, ModelArtifactOptions } from '../core';
import { invalid } from '../core/private/errors';

/**
 * The candidate model a {@link ModelDeliveryPipeline} stage deploys, read from CDK context.
 */
export interface DeliveredModel {
  /** The candidate's model version (`inference-lanes:model-version`). */
  readonly version: string;
  /** `s3://` URI of the candidate's model data (`inference-lanes:model-uri`). */
  readonly uri: string;
  /**
   * Digest of the model data, `sha256:<hex>` (`inference-lanes:model-digest`).
   *
   * @default - not given
   */
  readonly digest?: string;
  /**
   * The approved model package (`inference-lanes:model-package-arn`).
   *
   * @default - not a Model Registry source
   */
  readonly modelPackageArn?: string;
  /**
   * The role the candidate plays in this deploy (`inference-lanes:delivery-role`): `gates`, `shadow`,
   * `canary`, `promote` or `rollback`.
   */
  readonly role: string;
}

/**
 * The CDK context keys by which a {@link ModelDeliveryPipeline} hands the candidate model to the user's app.
 *
 * Every CodeBuild stage runs the app with them (`cdk synth`/`cdk deploy -c inference-lanes:model-version=...`,
 * and `CDK_CONTEXT_JSON` for the gates, so every `new App()` in the project's tests sees them too). The
 * app decides what each role means, typically:
 * - `shadow`: keep the released artifact and mirror traffic to the candidate (`Rollout.mirror(candidate, pct)`);
 * - `canary` and `promote`: the candidate is the artifact; the lanes' rollouts shift traffic and roll back on their alarms;
 * - `rollback`: the previously released version is redeployed (the pipeline passes it as the model version).
 */
export class ModelDeliveryContext {
  /** The candidate's model version. */
  public static readonly MODEL_VERSION_KEY = 'inference-lanes:model-version';
  /** `s3://` URI of the candidate's model data. */
  public static readonly MODEL_URI_KEY = 'inference-lanes:model-uri';
  /** `sha256:<hex>` digest of the candidate's model data. */
  public static readonly MODEL_DIGEST_KEY = 'inference-lanes:model-digest';
  /** The approved model package ARN (Model Registry sources). */
  public static readonly MODEL_PACKAGE_ARN_KEY = 'inference-lanes:model-package-arn';
  /** The role the candidate plays in the deploy. */
  public static readonly ROLE_KEY = 'inference-lanes:delivery-role';
  /** The roles the pipeline passes in `inference-lanes:delivery-role`. */
  public static readonly ROLES: string[] = ['gates', 'shadow', 'canary', 'promote', 'rollback'];

  /**
   * The candidate in CDK context at `scope`, or undefined when the app runs outside the pipeline (no
   * `inference-lanes:model-version`). Throws a LaneValidationError when the context is incomplete
   * (a version without a URI, an unknown role).
   */
  public static of(scope: IConstruct): DeliveredModel | undefined {
    const version = scope.node.tryGetContext(ModelDeliveryContext.MODEL_VERSION_KEY);
    if (version === undefined || version === null || version === '') { return undefined; }
    const uri = scope.node.tryGetContext(ModelDeliveryContext.MODEL_URI_KEY);
    if (typeof uri !== 'string' || !/^s3:\/\/[^/]+\/.+/.test(uri)) {
      throw invalid(`context '${ModelDeliveryContext.MODEL_URI_KEY}'`, ModelDeliveryContext.MODEL_URI_KEY, uri,
        `must be an s3:// URI of the model data when '${ModelDeliveryContext.MODEL_VERSION_KEY}' is given`,
        `Pass -c ${ModelDeliveryContext.MODEL_URI_KEY}=s3://<bucket>/<key> next to -c ${ModelDeliveryContext.MODEL_VERSION_KEY}=${version}.`);
    }
    const role = scope.node.tryGetContext(ModelDeliveryContext.ROLE_KEY) ?? 'canary';
    if (!ModelDeliveryContext.ROLES.includes(String(role))) {
      throw invalid(`context '${ModelDeliveryContext.ROLE_KEY}'`, ModelDeliveryContext.ROLE_KEY, role, 'is not a delivery role',
        `Pass one of ${ModelDeliveryContext.ROLES.join(', ')} (or omit it: canary).`);
    }
    const digest = scope.node.tryGetContext(ModelDeliveryContext.MODEL_DIGEST_KEY);
    const arn = scope.node.tryGetContext(ModelDeliveryContext.MODEL_PACKAGE_ARN_KEY);
    return {
      version: String(version),
      uri,
      digest: digest ? String(digest) : undefined,
      modelPackageArn: arn ? String(arn) : undefined,
      role: String(role),
    };
  }

  /**
   * The candidate as a ModelArtifact (its weights: the object at `inference-lanes:model-uri`, read through a bucket
   * imported by name as the child `DeliveredModelBucket` of `scope`), or undefined outside the pipeline.
   *
   * `options` describe the model as for any artifact (name, image, card, variants, ...); their `version` and
   * `digest` are replaced by the candidate's. A Model Registry candidate's package is in
   * `ModelDeliveryContext.of(scope).modelPackageArn` for apps that deploy the package itself
   * (`ModelArtifact.fromModelPackage`).
   *
   * @example
   * const delivered = ModelDeliveryContext.of(stack);
   * const candidate = ModelDeliveryContext.artifact(stack, { name: 'assistant', version: released.version, image });
   * const artifact = candidate && delivered!.role !== 'shadow' ? candidate : released;
   * const shadow = candidate && delivered!.role === 'shadow' ? Rollout.mirror(candidate, 10) : undefined;
   */
  public static artifact(scope: Construct, options: ModelArtifactOptions): ModelArtifact | undefined {
    const candidate = ModelDeliveryContext.of(scope);
    if (!candidate) { return undefined; }
    const [, bucketName, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(candidate.uri)!;
    const id = 'DeliveredModelBucket';
    const bucket = (scope.node.tryFindChild(id) as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(scope, id, bucketName);
    return ModelArtifact.fromBucket(bucket, key, { ...options, version: candidate.version, digest: candidate.digest });
  }

  private constructor() {}
}
