import * as iam from 'aws-cdk-lib/aws-iam';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LaneValidationError } from './errors';
import { invalid } from './private/errors';
import { checkFinite, checkList, checkNonEmpty, checkOneOf, checkPinnedVersion, checkPropsObject, describeValue } from './private/validation';
import { HardwareTarget, ModelPrecision } from './hardware';
import { ArtifactSignature, ArtifactSignatureConfig, checkDigest, ModelWeights, signableWeights } from './model-weights';
import { ServingImage } from './serving-image';

/**
 * A model card: what the model is for and where it stops being trustworthy. It travels with every
 * lane (as tags, annotations, environment or recipe metadata).
 */
export interface ModelCard {
  /** What the model is meant to be used for. */
  readonly intendedUse: string;

  /**
   * Known limits (inputs, populations, conditions where it performs poorly).
   *
   * @default - none stated
   */
  readonly limitations?: string[];

  /**
   * Evaluation metrics, e.g. `{ 'ndcg@10': 0.41, 'p95LatencyMs': 38 }`.
   *
   * @default - none stated
   */
  readonly metrics?: { [name: string]: number };

  /**
   * Owning team or contact.
   *
   * @default - none stated
   */
  readonly owner?: string;
}

/**
 * A build of the model for one hardware target (e.g. an int8 arm64 build for edge).
 */
export interface ModelVariantProps {
  /** The hardware this build runs on. Each target may appear once per artifact. */
  readonly target: HardwareTarget;

  /** The weights of this build. */
  readonly weights: ModelWeights;

  /**
   * The serving image for this build.
   *
   * @default - the artifact's serving image
   */
  readonly image?: ServingImage;

  /**
   * Numeric precision.
   *
   * @default - the artifact's precision
   */
  readonly precision?: ModelPrecision;

  /**
   * Digest (`sha256:<hex>`) of the weights.
   *
   * @default - the digest the weights source knows (file assets), else none
   */
  readonly digest?: string;

  /**
   * A detached signature of the variant's weights file, verified by consumers before use (the edge
   * recipe's Install step; the delivery pipeline). Only a single file can carry one (an asset file or
   * an S3 object; not a prefix, a directory or a model package).
   *
   * @default - unsigned: consumers check the digest only
   */
  readonly signature?: ArtifactSignature;
}

/**
 * Identity and metadata of a model artifact (everything but the weights).
 */
export interface ModelArtifactOptions {
  /** DNS-safe model name (lowercase letters, digits and '-', at most 40 characters): it becomes part of resource names. */
  readonly name: string;

  /** Version of the model (e.g. `1.4.0`, `2026-11-28.1`). Letters, digits, '.', '_' and '-'; at most 63 characters. */
  readonly version: string;

  /**
   * The serving image for the primary build.
   *
   * @default - no image: lanes that need one (managed endpoint, cluster, workers) ask for it
   */
  readonly image?: ServingImage;

  /**
   * Digest (`sha256:<hex>`) of the primary weights.
   *
   * @default - the digest the weights source knows (file assets), else none
   */
  readonly digest?: string;

  /**
   * Framework, e.g. `pytorch`, `onnx`, `tensorrt`, `xgboost`.
   *
   * @default 'unknown'
   */
  readonly framework?: string;

  /**
   * Hardware targets the primary build runs on.
   *
   * @default [HardwareTarget.CPU_X86_64]
   */
  readonly targets?: HardwareTarget[];

  /**
   * Precision of the primary build.
   *
   * @default ModelPrecision.FP32
   */
  readonly precision?: ModelPrecision;

  /**
   * Extra builds for other hardware targets.
   *
   * @default - none
   */
  readonly variants?: ModelVariantProps[];

  /**
   * The model card.
   *
   * @default - none (lanes tag the name and version only)
   */
  readonly card?: ModelCard;

  /**
   * A detached signature of the primary weights file, verified by consumers before use (the edge
   * recipe's Install step; the delivery pipeline). Only a single file can carry one (an asset file or
   * an S3 object; not a prefix, a directory or a model package).
   *
   * @default - unsigned: consumers check the digest only
   */
  readonly signature?: ArtifactSignature;
}

/**
 * Props of {@link ModelArtifact}.
 */
export interface ModelArtifactProps extends ModelArtifactOptions {
  /** The primary build's weights. */
  readonly weights: ModelWeights;
}

/**
 * One build of an artifact, resolved for a hardware target.
 */
export interface ResolvedVariant {
  /** Target asked for. */
  readonly target: HardwareTarget;
  /** Weights of the build. */
  readonly weights: ModelWeights;
  /** Image of the build, if any. */
  readonly image?: ServingImage;
  /** Precision of the build. */
  readonly precision: ModelPrecision;
  /** Digest, if known before binding. */
  readonly digest?: string;
  /** True when this is the primary build. */
  readonly primary: boolean;
  /** Detached signature of the build's weights, if any. @default - unsigned */
  readonly signature?: ArtifactSignature;
}

/**
 * Options for {@link ModelArtifact.bind}.
 */
export interface ModelArtifactBindOptions {
  /**
   * Who reads the artifact (a role, a function, a task role). Gets read on exactly the weights
   * object/prefix and pull on the image repository.
   *
   * @default - nothing is granted
   */
  readonly grantee?: iam.IGrantable;

  /**
   * Who pulls the serving image, when that is not `grantee` (ECS: the task execution role pulls,
   * the task role reads the weights).
   *
   * @default - `grantee`
   */
  readonly imageGrantee?: iam.IGrantable;

  /**
   * Grant image pull to `imageGrantee` (or `grantee`). Lanes whose platform grants the pull itself
   * (ECS grants the task execution role when the image comes from ECR) pass false.
   *
   * @default true
   */
  readonly grantImagePull?: boolean;

  /**
   * Bind the serving image too. Lanes that bring their own code (Lambda zip) pass false so no
   * image asset is created for nothing.
   *
   * @default true
   */
  readonly includeImage?: boolean;

  /**
   * The hardware the consumer runs on; picks the matching variant.
   *
   * @default - the primary build
   */
  readonly target?: HardwareTarget;

  /**
   * Name of the consumer, used in the error when no variant matches.
   *
   * @default - the scope's path
   */
  readonly consumer?: string;
}

/**
 * What a lane gets from binding an artifact: plain values, no classes.
 */
export interface ModelArtifactBinding {
  /** Model name. */
  readonly name: string;
  /** Model version. */
  readonly version: string;
  /** Framework. */
  readonly framework: string;
  /** The hardware target of the bound build. */
  readonly target: HardwareTarget;
  /** Precision of the bound build. */
  readonly precision: ModelPrecision;
  /** True if the primary build was bound, false for a variant. */
  readonly primary: boolean;
  /** `s3://` URI of the weights. @default - a model package */
  readonly modelDataUrl?: string;
  /** Bucket of the weights. @default - a model package */
  readonly bucketName?: string;
  /** Bucket ARN of the weights. @default - a model package */
  readonly bucketArn?: string;
  /**
   * Region of the weights' bucket where it is knowable (a local asset: the binding stack's Region; a
   * bucket of this app: its stack's Region; a bucket imported with `Bucket.fromBucketAttributes({ region })`
   * in another Region: that Region). May be a token (treat it as unknown). Lanes compare it with
   * their stack's Region to reject model data in another Region.
   * @default - unknown (a model package, or a bucket imported without a Region)
   */
  readonly bucketRegion?: string;
  /** Key (or prefix) of the weights. @default - a model package */
  readonly objectKey?: string;
  /** True if the weights are a prefix of many objects. */
  readonly isPrefix: boolean;
  /** True if the weights are a `.tar.gz`. */
  readonly compressed: boolean;
  /** Model package ARN. @default - not a model package */
  readonly modelPackageArn?: string;
  /** Digest (`sha256:<hex>`). @default - unknown */
  readonly digest?: string;
  /** Detached signature of the weights file and its verifying key. @default - unsigned */
  readonly signature?: ArtifactSignatureConfig;
  /** Serving image URI. @default - no image */
  readonly imageUri?: string;
  /** ECR repository of the image. @default - not in ECR */
  readonly imageRepository?: ecr.IRepository;
  /** The model card as compact JSON (`{}` when none). */
  readonly cardJson: string;
  /** Tags every resource of the lane should carry (`model:name`, `model:version`, ...). */
  readonly tags: { [key: string]: string };
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION_RE = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * A versioned model: weights (and variants per hardware target), a serving image, a digest and a
 * model card. Every lane takes one; `bind()` resolves the build for the lane's hardware and grants
 * the lane's principal read on exactly those objects.
 *
 * @example
 * const model = ModelArtifact.fromAsset('./model/model.tar.gz', {
 *   name: 'recsys', version: '1.4.0', framework: 'pytorch',
 *   image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
 *   targets: [HardwareTarget.NVIDIA_GPU],
 *   variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: ModelWeights.fromAsset('./model/int8') }],
 * });
 */
export class ModelArtifact {
  /** Weights from a local file or directory (S3 asset). */
  public static fromAsset(assetPath: string, options: ModelArtifactOptions): ModelArtifact {
    return new ModelArtifact({ ...options, weights: ModelWeights.fromAsset(assetPath) });
  }

  /** Weights from an existing S3 object. */
  public static fromBucket(bucket: s3.IBucket, key: string, options: ModelArtifactOptions): ModelArtifact {
    return new ModelArtifact({ ...options, weights: ModelWeights.fromBucket(bucket, key, { digest: options.digest }) });
  }

  /** An existing SageMaker model package. */
  public static fromModelPackage(modelPackageArn: string, options: ModelArtifactOptions): ModelArtifact {
    return new ModelArtifact({ ...options, weights: ModelWeights.fromModelPackage(modelPackageArn) });
  }

  /** Model name (DNS-safe). */
  public readonly name: string;
  /** Model version. */
  public readonly version: string;
  /** Framework. */
  public readonly framework: string;
  /** Targets of the primary build. */
  public readonly targets: HardwareTarget[];
  /** Precision of the primary build. */
  public readonly precision: ModelPrecision;
  /** Primary weights. */
  public readonly weights: ModelWeights;
  /** Primary image. */
  public readonly image?: ServingImage;
  /** Digest of the primary weights, if given. */
  public readonly digest?: string;
  /** The model card. */
  public readonly card?: ModelCard;
  /** Detached signature of the primary weights, if given. */
  public readonly signature?: ArtifactSignature;
  private readonly variantList: ModelVariantProps[];

  constructor(props: ModelArtifactProps) {
    checkPropsObject('ModelArtifact', 'props', props, "Pass { name, version, weights }, e.g. { name: 'recsys', version: '1.4.0', weights: ModelWeights.fromAsset('./model.tar.gz') }.");
    const label = `ModelArtifact(${typeof props.name === 'string' ? props.name : describeValue(props.name)})`;
    if (typeof props.name !== 'string') {
      throw invalid(label, 'name', props.name, 'is not a string', "Pass a DNS-safe name such as 'recsys'.");
    }
    if (!Token.isUnresolved(props.name) && (!NAME_RE.test(props.name) || props.name.length > 40)) {
      throw invalid(label, 'name', props.name, 'is not DNS-safe (lowercase letters, digits and hyphens, starting and ending alphanumeric, at most 40 characters)', `Use e.g. '${toDnsSafe(props.name)}'.`);
    }
    if (props.version === undefined || props.version === null || (typeof props.version === 'string' && props.version.trim() === '')) {
      throw invalid(label, 'version', props.version ?? '', 'is required', "Pass the model's version, e.g. '1.4.0'. Artifacts are versioned so rollouts can roll back.");
    }
    if (typeof props.version !== 'string') {
      throw invalid(label, 'version', props.version, 'is not a string', `Pass the version as text, e.g. '${describeValue(props.version).replace(/"/g, '')}'.`);
    }
    if (!Token.isUnresolved(props.version) && (!VERSION_RE.test(props.version) || props.version.length > 63)) {
      throw invalid(label, 'version', props.version, "may only hold letters, digits, '.', '_' and '-' (at most 63 characters, alphanumeric at both ends)", "Use e.g. '1.4.0' or '2026-11-28.1'.");
    }
    // Duck-typed (not instanceof): two copies of the library in one app must still work together.
    if (typeof (props.weights as Partial<ModelWeights> | undefined)?.bind !== 'function') {
      throw invalid(label, 'weights', props.weights, 'is not ModelWeights', 'Pass ModelWeights.fromAsset(...), fromBucket(...), fromBucketPrefix(...) or fromModelPackage(...).');
    }
    if (props.image !== undefined && typeof (props.image as Partial<ServingImage> | null)?.bind !== 'function') {
      throw invalid(label, 'image', props.image, 'is not a ServingImage', 'Pass ServingImage.fromRegistry(...), fromEcrRepository(...) or fromAsset(...).');
    }
    checkList(label, 'variants', props.variants, 'Pass a list of variants, e.g. [{ target: HardwareTarget.EDGE_ARM64, weights: ModelWeights.fromAsset(...) }].');
    checkList(label, 'targets', props.targets, 'Pass a list of HardwareTarget, e.g. [HardwareTarget.NVIDIA_GPU].');
    for (const [i, v] of (props.variants ?? []).entries()) {
      checkPropsObject(label, `variants[${i}]`, v, 'Pass { target, weights }, e.g. { target: HardwareTarget.EDGE_ARM64, weights: ModelWeights.fromAsset(...) }.');
      if (typeof (v.weights as Partial<ModelWeights> | undefined)?.bind !== 'function') {
        throw invalid(label, `variants[${i}].weights`, v.weights, 'is not ModelWeights', 'Pass ModelWeights.fromAsset(...), fromBucket(...), fromBucketPrefix(...) or fromModelPackage(...).');
      }
    }
    checkPinnedVersion(label, 'version', props.version, "Pin the model's exact version (e.g. '1.4.0'): a rollback returns to the version a lane was deployed with.");
    checkDigest(label, 'digest', props.digest);
    checkSignature(label, 'signature', props.signature, props.weights);
    for (const [i, v] of (props.variants ?? []).entries()) { checkSignature(label, `variants[${i}].signature`, v.signature, v.weights); }
    checkModelCard(label, props.card);
    const targets = props.targets ?? [HardwareTarget.CPU_X86_64];
    if (targets.length === 0) {
      throw invalid(label, 'targets', targets, 'is empty', 'List at least one HardwareTarget, or omit it for CPU_X86_64.');
    }
    const seen = new Set<HardwareTarget>(targets);
    if (seen.size !== targets.length) {
      throw invalid(label, 'targets', targets, 'lists a target twice', 'List each HardwareTarget once.');
    }
    targets.forEach((t, i) => checkOneOf(label, `targets[${i}]`, t, Object.values(HardwareTarget)));
    checkOneOf(label, 'precision', props.precision, Object.values(ModelPrecision));
    for (const [i, v] of (props.variants ?? []).entries()) {
      checkOneOf(label, `variants[${i}].target`, v.target, Object.values(HardwareTarget));
      checkOneOf(label, `variants[${i}].precision`, v.precision, Object.values(ModelPrecision));
      if (seen.has(v.target)) {
        throw invalid(label, `variants[${i}].target`, v.target, 'duplicates a target already served by the primary build or another variant', 'Give each hardware target one build only.');
      }
      seen.add(v.target);
      checkDigest(label, `variants[${i}].digest`, v.digest);
    }
    this.name = props.name;
    this.version = props.version;
    this.framework = props.framework ?? 'unknown';
    this.targets = [...targets];
    this.precision = props.precision ?? ModelPrecision.FP32;
    this.weights = props.weights;
    this.image = props.image;
    this.digest = props.digest;
    this.card = props.card;
    this.signature = props.signature;
    this.variantList = [...(props.variants ?? [])];
  }

  /** Every hardware target this artifact has a build for. */
  public get availableTargets(): HardwareTarget[] {
    return [...this.targets, ...this.variantList.map(v => v.target)];
  }

  /** True if some build runs on `target`. */
  public supports(target: HardwareTarget): boolean {
    return this.availableTargets.includes(target);
  }

  /**
   * The build for a hardware target.
   *
   * @param consumer who asks (construct path or lane name), for the error message
   * @throws LaneValidationError naming the targets that do have a build
   */
  public variantFor(target: HardwareTarget, consumer: string = 'a lane'): ResolvedVariant {
    if (this.targets.includes(target)) {
      return { target, weights: this.weights, image: this.image, precision: this.precision, digest: this.digest, primary: true, signature: this.signature };
    }
    const v = this.variantList.find(x => x.target === target);
    if (!v) {
      throw new LaneValidationError({
        where: consumer,
        prop: 'artifact',
        value: `${this.name}@${this.version}`,
        problem: `has no build for hardware target '${target}' (it has: ${this.availableTargets.join(', ')})`,
        fix: `Add a variant { target: HardwareTarget.${enumKey(target)}, weights: ... } to the ModelArtifact, or deploy this lane to one of the targets it has.`,
      });
    }
    return { target, weights: v.weights, image: v.image ?? this.image, precision: v.precision ?? this.precision, digest: v.digest, primary: false, signature: v.signature };
  }

  /** Tags every lane resource carries. */
  public tags(): { [key: string]: string } {
    const tags: { [key: string]: string } = {
      'model:name': this.name,
      'model:version': this.version,
      'model:framework': this.framework,
    };
    if (this.card?.owner) { tags['model:owner'] = this.card.owner; }
    return tags;
  }

  /** The model card (plus identity) as compact JSON. */
  public cardJson(): string {
    return JSON.stringify({ name: this.name, version: this.version, framework: this.framework, ...(this.card ?? {}) });
  }

  /**
   * Bind the build for `options.target` to a scope. Grants `options.grantee` read on exactly the
   * weights (object or prefix) and pull on the image repository.
   */
  public bind(scope: Construct, options: ModelArtifactBindOptions = {}): ModelArtifactBinding {
    const variant = this.variantFor(options.target ?? this.targets[0], options.consumer ?? scope.node.path);
    const weights = variant.weights.bind(scope, options.grantee);
    const imageGrantee = (options.grantImagePull ?? true) ? options.imageGrantee ?? options.grantee : undefined;
    const image = (options.includeImage ?? true) ? variant.image?.bind(scope, imageGrantee) : undefined;
    return {
      name: this.name,
      version: this.version,
      framework: this.framework,
      target: variant.target,
      precision: variant.precision,
      primary: variant.primary,
      modelDataUrl: weights.s3Uri,
      bucketName: weights.bucketName,
      bucketArn: weights.bucketArn,
      bucketRegion: weights.bucketRegion,
      objectKey: weights.objectKey,
      isPrefix: weights.isPrefix,
      compressed: weights.compressed,
      modelPackageArn: weights.modelPackageArn,
      digest: variant.digest ?? weights.digest,
      signature: variant.signature?.bind(scope, options.grantee),
      imageUri: image?.imageUri,
      imageRepository: image?.repository,
      cardJson: this.cardJson(),
      tags: { ...this.tags(), 'model:target': variant.target, 'model:precision': variant.precision },
    };
  }
}

function enumKey(target: HardwareTarget): string {
  const entry = Object.entries(HardwareTarget).find(([, v]) => v === target);
  return entry ? entry[0] : String(target);
}

function toDnsSafe(name: string): string {
  const s = String(name ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return s || 'my-model';
}

/** A model card's metrics must be finite numbers (NaN would render as `null` in the card JSON and tags). */
function checkModelCard(label: string, card: ModelCard | undefined): void {
  if (!card) { return; }
  checkNonEmpty(label, 'card.intendedUse', card.intendedUse, 'Say what the model is meant to be used for.');
  for (const [name, value] of Object.entries(card.metrics ?? {})) {
    checkFinite(label, `card.metrics['${name}']`, value, { fix: 'Pass the measured value as a finite number, or leave the metric out.' });
  }
}

/** A signature is a detached signature object over one file. */
function checkSignature(label: string, prop: string, signature: ArtifactSignature | undefined, weights: ModelWeights): void {
  if (signature === undefined) { return; }
  if (typeof (signature as Partial<ArtifactSignature> | null)?.bind !== 'function' || typeof signature.publicKeyPem !== 'string') {
    throw invalid(label, prop, signature, 'is not an ArtifactSignature', "Pass ArtifactSignature.fromBucket(bucket, 'model.tar.gz.sig', publicKeyPem) or ArtifactSignature.fromAsset('./model.tar.gz.sig', publicKeyPem).");
  }
  const unsignable = signableWeights(weights);
  if (unsignable) {
    throw invalid(label, prop, signature.constructor?.name ?? 'ArtifactSignature', `is set on ${unsignable}`,
      'Sign a single model file (ModelWeights.fromAsset(file) or ModelWeights.fromBucket(bucket, key)) and pass its detached signature, or drop the signature.');
  }
}
