import { Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { LaneValidationError } from '../../core/errors';
import { invalid } from '../../core/private/errors';
import { HardwareTarget } from '../../core/hardware';
import { ModelArtifact, ModelArtifactBinding } from '../../core/model-artifact';
import { ServedModel } from '../served-model';
import { rememberBinding } from './model-env';
import { concrete } from './util';

/**
 * The chart's plain view of a bound NVIDIA_GPU build: S3 weights, a serving image, the digest when
 * it is the digest of the downloaded bytes.
 * @internal
 */
export function servedModelOf(scope: IConstruct, b: ModelArtifactBinding, prop: string): ServedModel {
  if (!b.modelDataUrl) {
    throw invalid(scope, prop, `${b.name}@${b.version}`, 'has no S3 weights (a model package cannot be fetched by the init container)', 'Use ModelArtifact.fromAsset or fromBucket for the GPU cluster lane.');
  }
  if (!b.imageUri) {
    throw invalid(scope, prop, `${b.name}@${b.version}`, 'has no serving image for its NVIDIA_GPU build', "Pass image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3') (or on the variant).");
  }
  // A directory asset's digest is the CDK fingerprint of the directory, not of the zip bytes.
  const zip = concrete(b.objectKey) && b.objectKey.endsWith('.zip');
  return rememberBinding({
    name: b.name,
    version: b.version,
    weightsUri: b.modelDataUrl,
    imageUri: b.imageUri,
    compressed: b.compressed,
    weightsDigest: zip || b.isPrefix ? undefined : b.digest,
    framework: b.framework,
    precision: b.precision,
    cardJson: b.cardJson,
  }, b);
}

/**
 * Bind an artifact for a plain chart (no CDK stack, no grants): its NVIDIA_GPU build must already be
 * in S3 with a concrete bucket name, and its image must be a concrete reference. A local asset (or
 * anything that resolves only at deploy time) needs a stack: {@link GpuClusterService}.
 * @internal
 */
export function bindForChart(scope: Construct, prop: string, artifact: ModelArtifact): ServedModel {
  const label = `${artifact.name}@${artifact.version}`;
  const variant = artifact.variantFor(HardwareTarget.NVIDIA_GPU, scope.node.path);
  const fix = 'Upload the weights to S3 and pass ModelArtifact.fromBucket(s3.Bucket.fromBucketName(...), key, ...) with ServingImage.fromRegistry(...), '
    + 'or deploy with GpuClusterService in a CDK stack (it uploads assets and grants access).';
  let binding: ModelArtifactBinding;
  try {
    binding = artifact.bind(scope, { target: HardwareTarget.NVIDIA_GPU, grantImagePull: false, consumer: scope.node.path });
  } catch (e) {
    if (e instanceof LaneValidationError) { throw e; }
    const needsStack = [variant.weights.description, variant.image?.description].filter(d => d !== undefined && /asset/.test(d));
    throw invalid(scope, prop, label, `needs a CDK stack to upload its ${needsStack.length > 0 ? needsStack.join(' and ') : 'weights or image'}: a plain chart has no stack`, fix);
  }
  for (const [what, value] of [['a weights URI', binding.modelDataUrl], ['an image', binding.imageUri]] as const) {
    if (value !== undefined && Token.isUnresolved(value)) {
      throw invalid(scope, prop, label, `has ${what} that is only known at deploy time (a bucket or repository from a stack): a plain chart must write it as text`, fix);
    }
  }
  return servedModelOf(scope, binding, prop);
}
