import { HardwareTarget } from '../../core/hardware';
import { ModelArtifactBinding } from '../../core/model-artifact';
import { modelEnvironment } from '../../core/private/model-environment';
import { ServedModel } from '../served-model';
import { concrete } from './util';

/**
 * The one MODEL_* environment contract (lib/core/private/model-environment.ts) for a model the chart
 * serves. A model bound from a ModelArtifact keeps its binding's bucket and key (tokens in a stack); a
 * plain ServedModel gets them from its `s3://` URI when the URI is text. MODEL_DIGEST is the digest
 * of the downloaded bytes only (the served model's `weightsDigest`; a directory asset's fingerprint is
 * not one).
 * @internal
 */

/** Where the unpacked weights are in the pod: `/models/<name>/1` (Triton's version directory). */
export const MODEL_ROOT = '/models';

const BINDINGS = new WeakMap<ServedModel, ModelArtifactBinding>();

/** Remember the binding a served model was made from, for its environment. @internal */
export function rememberBinding(model: ServedModel, binding: ModelArtifactBinding): ServedModel {
  BINDINGS.set(model, binding);
  return model;
}

/** Whether the weights are an archive the unpack container extracts. @internal */
export function isCompressed(m: ServedModel): boolean {
  return m.compressed ?? /\.(tar\.gz|tgz|gz)$/.test(m.weightsUri);
}

/** The MODEL_* environment of a served model, undefined values left out. @internal */
export function servedModelEnvironment(m: ServedModel): { [name: string]: string } {
  const bound = BINDINGS.get(m);
  const s3 = concrete(m.weightsUri) ? /^s3:\/\/([^/]+)\/(.*)$/.exec(m.weightsUri) : null;
  const binding = {
    name: m.name,
    version: m.version,
    framework: m.framework,
    precision: m.precision,
    target: bound?.target ?? HardwareTarget.NVIDIA_GPU,
    modelDataUrl: m.weightsUri,
    bucketName: bound ? bound.bucketName : s3?.[1],
    objectKey: bound ? bound.objectKey : s3?.[2],
    isPrefix: bound ? bound.isPrefix : m.weightsUri.endsWith('/'),
    compressed: isCompressed(m),
    digest: m.weightsDigest,
    cardJson: m.cardJson,
  } as ModelArtifactBinding;
  const env = modelEnvironment(binding, `${MODEL_ROOT}/${m.name}/1`);
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}
