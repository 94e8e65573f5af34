import * as crypto from 'crypto';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { invalid } from './private/errors';

/**
 * A serving image, once bound.
 */
export interface ServingImageConfig {
  /** Full image URI (`registry/repo:tag` or `@sha256:...`). */
  readonly imageUri: string;

  /**
   * The ECR repository holding the image, when it is in ECR.
   *
   * @default - not in ECR (a public registry)
   */
  readonly repository?: ecr.IRepository;
}

/**
 * The container image that serves the model: a local Dockerfile directory (image asset), an ECR
 * repository and tag, or a registry URI. Binding grants pull on exactly that repository.
 */
export abstract class ServingImage {
  /**
   * Build from a local directory with a Dockerfile at deploy time (needs a Docker engine at deploy time).
   */
  public static fromAsset(directory: string, options: ecrAssets.DockerImageAssetOptions = {}): ServingImage {
    return new AssetImage(directory, options);
  }

  /**
   * An image in an ECR repository.
   *
   * @param tagOrDigest a tag (`1.4.0`) or a digest (`sha256:...`)
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string = 'latest'): ServingImage {
    return new EcrImage(repository, tagOrDigest);
  }

  /**
   * An image by URI from any registry (public ECR, a SageMaker/DLC framework image, Docker Hub, ...).
   */
  public static fromRegistry(imageUri: string): ServingImage {
    return new RegistryImage(imageUri);
  }

  /** A human-readable description of the image, for errors and docs. */
  public abstract readonly description: string;

  /**
   * Bind the image to a scope; grants `grantee` pull on the repository.
   */
  public abstract bind(scope: Construct, grantee?: iam.IGrantable): ServingImageConfig;
}

class AssetImage extends ServingImage {
  public readonly description: string;
  private readonly assets = new WeakMap<Stack, ecrAssets.DockerImageAsset>();

  constructor(private readonly directory: string, private readonly options: ecrAssets.DockerImageAssetOptions) {
    super();
    this.description = `docker image asset ${directory}`;
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ServingImageConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      const id = 'ServingImage' + crypto.createHash('sha256').update(path.resolve(this.directory)).digest('hex').slice(0, 8);
      asset = (stack.node.tryFindChild(id) as ecrAssets.DockerImageAsset | undefined) ?? new ecrAssets.DockerImageAsset(stack, id, { directory: this.directory, ...this.options });
      this.assets.set(stack, asset);
    }
    if (grantee) { asset.repository.grantPull(grantee); }
    return { imageUri: asset.imageUri, repository: asset.repository };
  }
}

class EcrImage extends ServingImage {
  public readonly description: string;

  constructor(private readonly repository: ecr.IRepository, private readonly tagOrDigest: string) {
    super();
    this.description = `ecr ${repository.node.path}:${tagOrDigest}`;
    if (!Token.isUnresolved(tagOrDigest) && !/^(sha256:[0-9a-f]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.test(tagOrDigest)) {
      throw invalid('ServingImage.fromEcrRepository', 'tagOrDigest', tagOrDigest, 'is not a valid image tag or sha256 digest', "Pass a tag such as '1.4.0' or 'sha256:<64 hex>'.");
    }
  }

  public bind(_scope: Construct, grantee?: iam.IGrantable): ServingImageConfig {
    if (grantee) { this.repository.grantPull(grantee); }
    const uri = this.tagOrDigest.startsWith('sha256:')
      ? `${this.repository.repositoryUri}@${this.tagOrDigest}`
      : this.repository.repositoryUriForTag(this.tagOrDigest);
    return { imageUri: uri, repository: this.repository };
  }
}

class RegistryImage extends ServingImage {
  public readonly description: string;

  constructor(private readonly imageUri: string) {
    super();
    this.description = `image ${imageUri}`;
    if (!Token.isUnresolved(imageUri) && !/^[a-z0-9][a-z0-9.:_/-]*[a-z0-9](:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})?$/.test(imageUri)) {
      throw invalid('ServingImage.fromRegistry', 'imageUri', imageUri, 'is not an image reference', "Pass e.g. '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311' or 'nvcr.io/nvidia/tritonserver:24.08-py3'.");
    }
  }

  public bind(_scope: Construct, _grantee?: iam.IGrantable): ServingImageConfig {
    return { imageUri: this.imageUri };
  }
}
