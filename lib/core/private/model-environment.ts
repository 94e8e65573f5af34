import { ModelArtifactBinding } from '../model-artifact';

/**
 * # Core API for lanes: the MODEL_* environment contract
 *
 * Not exported from the package. The one set of environment variables a lane passes to the code that
 * serves the model (Lambda, ECS tasks, Kubernetes containers, Greengrass components), with the names
 * the serverless lane documents (issue 14: the lanes had four names for the weights location). Pair it
 * with `checkNoModelEnvOverride(scope, 'environment', userEnv, MODEL_ENV_NAMES)` so a user variable
 * cannot override one of them.
 */

/** Every name {@link modelEnvironment} may set, in the order messages list them. */
export const MODEL_ENV_NAMES: readonly string[] = [
  'MODEL_NAME', 'MODEL_VERSION', 'MODEL_FRAMEWORK', 'MODEL_PRECISION', 'MODEL_TARGET',
  'MODEL_S3_URI', 'MODEL_S3_BUCKET', 'MODEL_S3_KEY', 'MODEL_S3_IS_PREFIX', 'MODEL_COMPRESSED',
  'MODEL_DIGEST', 'MODEL_CARD', 'MODEL_LOCAL_DIR',
];

/**
 * The model's identity and location as environment variables:
 *
 * - `MODEL_NAME`, `MODEL_VERSION`, `MODEL_FRAMEWORK`, `MODEL_PRECISION`, `MODEL_TARGET`: the bound build;
 * - `MODEL_S3_URI`, `MODEL_S3_BUCKET`, `MODEL_S3_KEY`, `MODEL_S3_IS_PREFIX`, `MODEL_COMPRESSED`: where the
 *   weights are (absent for a model package, which has no S3 location);
 * - `MODEL_DIGEST` (`sha256:<hex>`) when it is known, so the code can verify what it downloads;
 * - `MODEL_CARD`: the model card as compact JSON;
 * - `MODEL_LOCAL_DIR` when the lane names a local directory for the weights (e.g. `/tmp/model` on Lambda).
 *
 * Values may be tokens (an asset's bucket and key); nothing is substituted for an unknown value.
 */
export function modelEnvironment(binding: ModelArtifactBinding, localDir?: string): { [name: string]: string } {
  const env: { [name: string]: string } = {
    MODEL_NAME: binding.name,
    MODEL_VERSION: binding.version,
    MODEL_FRAMEWORK: binding.framework,
    MODEL_PRECISION: binding.precision,
    MODEL_TARGET: binding.target,
  };
  if (binding.modelDataUrl !== undefined) {
    env.MODEL_S3_URI = binding.modelDataUrl;
    if (binding.bucketName !== undefined) { env.MODEL_S3_BUCKET = binding.bucketName; }
    if (binding.objectKey !== undefined) { env.MODEL_S3_KEY = binding.objectKey; }
    env.MODEL_S3_IS_PREFIX = String(binding.isPrefix);
    env.MODEL_COMPRESSED = String(binding.compressed);
  }
  if (binding.digest !== undefined) { env.MODEL_DIGEST = binding.digest; }
  env.MODEL_CARD = binding.cardJson;
  if (localDir !== undefined) { env.MODEL_LOCAL_DIR = localDir; }
  return env;
}
