/**
 * One model version as the Kubernetes chart needs it: plain values (URIs, version, digest), no AWS
 * constructs, so {@link GpuServingChart} also runs outside AWS.
 *
 * {@link GpuClusterService} fills it from `ModelArtifact.bind()`; on other clusters, fill it yourself
 * with the artifact's S3 URI and serving image.
 *
 * @example
 * const model: ServedModel = {
 *   name: 'recsys', version: '1.4.0',
 *   weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz',
 *   imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
 *   compressed: true,
 * };
 */
export interface ServedModel {
  /**
   * Model name (DNS-safe, at most 40 characters). It names the Kubernetes objects and the model
   * directory `/models/<name>` the server loads.
   */
  readonly name: string;

  /** Model version, e.g. `1.4.0`. Becomes the `app.kubernetes.io/version` label. */
  readonly version: string;

  /**
   * `s3://bucket/key` of the weights object, or `s3://bucket/prefix/` of a prefix (ends with `/`).
   * The model-fetch init container downloads it with the AWS CLI and whatever credentials the pod
   * has (EKS Pod Identity, IRSA, node role, or the `fetchCredentialsSecret`).
   */
  readonly weightsUri: string;

  /** Serving image URI (`registry/repo:tag` or `@sha256:...`). */
  readonly imageUri: string;

  /**
   * Whether the weights object is a gzip-compressed tarball that is unpacked into the model
   * directory.
   *
   * @default - true when `weightsUri` ends with `.tar.gz`, `.tgz` or `.gz`
   */
  readonly compressed?: boolean;

  /**
   * SHA-256 of the weights object (`sha256:<64 hex>`). The init container refuses to serve weights
   * whose digest differs. Ignored for prefixes.
   *
   * @default - not verified
   */
  readonly weightsDigest?: string;

  /**
   * Framework of the build, e.g. `pytorch`, `onnx`, `tensorrt`. Picks the Triton platform when a
   * {@link TritonModelConfig} does not name one.
   *
   * @default 'unknown'
   */
  readonly framework?: string;

  /**
   * Numeric precision of the build, e.g. `fp16` (an annotation for people and dashboards).
   *
   * @default - not annotated
   */
  readonly precision?: string;

  /**
   * The model card as JSON, carried as a pod annotation.
   *
   * @default - no card annotation
   */
  readonly cardJson?: string;
}
