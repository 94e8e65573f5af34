import * as crypto from 'crypto';
import { Duration, Token } from 'aws-cdk-lib';
import { HardwareTarget } from '../../core/hardware';
import { ModelArtifactBinding } from '../../core/model-artifact';
import { modelEnvironment } from '../../core/private/model-environment';

/**
 * The Greengrass platform each edge target maps to (values the nucleus reports: `os.arch` amd64 /
 * aarch64 on Linux).
 * @internal
 */
export const EDGE_PLATFORMS: { [target: string]: { os: string; architecture: string } } = {
  [HardwareTarget.EDGE_ARM64]: { os: 'linux', architecture: 'aarch64' },
  [HardwareTarget.EDGE_X86_64]: { os: 'linux', architecture: 'amd64' },
};

/** What the recipe needs to know about one build. @internal */
export interface RecipeBuild {
  readonly binding: ModelArtifactBinding;
  /** Lowercase hex SHA-256 of the object. */
  readonly sha256Hex: string;
}

/** Inputs of the recipe. @internal */
export interface RecipeInput {
  readonly componentName: string;
  readonly componentVersion: string;
  readonly publisher: string;
  readonly description: string;
  readonly defaultConfiguration: { [key: string]: string };
  readonly builds: RecipeBuild[];
  readonly runCommand?: string;
  readonly installTimeout: Duration;
}

/**
 * Digest as Greengrass writes it in a recipe: base64 of the raw SHA-256 bytes (the nucleus compares
 * `Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest())`), not hex.
 * @internal
 */
export function recipeDigest(sha256Hex: string): string {
  return Buffer.from(sha256Hex, 'hex').toString('base64');
}

/**
 * The component recipe (RecipeFormatVersion 2020-01-25) as a plain object; tokens (bucket names) stay
 * tokens and are resolved by `Stack.toJsonString`.
 *
 * - one manifest per edge platform, each with its build's S3 URI, `Digest` (base64) and `Algorithm`
 *   `SHA-256`. The service recomputes both when it creates the component version (they are read-only
 *   recipe fields) and the nucleus checks the download against the service's value;
 * - the Install step checks the downloaded file against the SHA-256 computed at synth
 *   (`sha256sum -c`), so a device refuses an object that differs from the one this stack built, even if
 *   the object was overwritten in S3 before the component version was created; `.tar.gz` builds are then
 *   unpacked into `{work:path}/model-<sha256>` (Greengrass itself only unpacks ZIP), a folder per
 *   digest with its `.verified` marker inside, so a rollback to an older version runs its own weights;
 * - when the build carries a detached signature (`ArtifactSignature`), the signature object is the
 *   manifest's second artifact and the Install step, right after the digest check and before unpacking,
 *   writes the verifying key from the recipe and runs `openssl dgst -sha256 -verify key.pem -signature
 *   <sig> <file>`: a mismatch fails Install, so the component never runs unverified weights;
 * - the manifest's `Lifecycle.Setenv` is the MODEL_* environment every lane passes
 *   (`modelEnvironment`: `MODEL_NAME`, `MODEL_VERSION`, ..., `MODEL_S3_URI`, `MODEL_DIGEST`, `MODEL_CARD`)
 *   for that platform's build, with `MODEL_LOCAL_DIR` the verified, unpacked weights: every lifecycle
 *   step (Install, Run) sees it. The nucleus interpolates recipe variables in it (`{work:path}`) and
 *   leaves other braces (the card's JSON) as they are.
 * @internal
 */
export function buildRecipe(input: RecipeInput): { [key: string]: unknown } {
  const manifests = input.builds.map(b => {
    const platform = EDGE_PLATFORMS[b.binding.target];
    const key = b.binding.objectKey ?? '';
    const concreteKey = !Token.isUnresolved(key);
    const fileName = concreteKey ? key.split('/').pop() ?? key : undefined;
    const file = fileName ? `{artifacts:path}/${fileName}` : '"$(ls -1 {artifacts:path}/* | head -n 1)"';
    const zip = concreteKey && /\.zip$/i.test(key);
    let modelDir: string;
    let marker: string;
    const script = [
      'set -eu',
      `echo "${b.sha256Hex}  ${file}" | sha256sum -c -`,
    ];
    if (zip) {
      // Greengrass unpacks ZIP artifacts to {artifacts:decompressedPath}/<name without extension>,
      // a folder per component version: a rollback finds its own files there.
      modelDir = `{artifacts:decompressedPath}/${fileName!.replace(/\.zip$/i, '')}`;
      marker = `{work:path}/.verified-${b.sha256Hex}`;
    } else if (b.binding.compressed) {
      // One folder per digest, never shared between builds: a rollback or a freeze that restores an
      // older component version skips Install (its marker is still there) and its MODEL_LOCAL_DIR still
      // holds its own weights. The marker lives inside the folder it vouches for.
      modelDir = `{work:path}/model-${b.sha256Hex}`;
      marker = `${modelDir}/.verified`;
      script.push(`rm -rf ${modelDir} && mkdir -p ${modelDir}`, `tar -xzf ${file} -C ${modelDir}`);
    } else {
      // {artifacts:path} is a folder per component version.
      modelDir = '{artifacts:path}';
      marker = `{work:path}/.verified-${b.sha256Hex}`;
    }
    const sig = b.binding.signature;
    if (sig) {
      // A detached signature over the file, verified before anything is unpacked or marked verified:
      // the key is written from the recipe (it is part of the component version, signed off by this
      // stack), the signature object is the manifest's second artifact. Needs `openssl` on the device.
      const sigKey = sig.objectKey;
      const sigFile = Token.isUnresolved(sigKey) ? `"{artifacts:path}/$(basename '${sig.s3Uri}')"` : `{artifacts:path}/${sigKey.split('/').pop()}`;
      const keyFile = `{work:path}/model-signing-key-${crypto.createHash('sha256').update(sig.publicKeyPem).digest('hex').slice(0, 12)}.pem`;
      script.splice(2, 0,
        `cat > ${keyFile} <<'PEM'\n${sig.publicKeyPem.trim()}\nPEM`,
        `openssl dgst -${sig.digestAlgorithm} -verify ${keyFile} -signature ${sigFile} ${file}`);
    }
    script.push(`touch ${marker}`);
    const lifecycle: { [key: string]: unknown } = {
      // The one MODEL_* contract of every lane (Lambda, ECS, Kubernetes), for this platform's build.
      Setenv: modelEnvironment(b.binding, modelDir),
      Install: {
        Script: script.join('\n'),
        Skipif: `exists ${marker}`,
        Timeout: input.installTimeout.toSeconds(),
        RequiresPrivilege: false,
      },
    };
    if (input.runCommand !== undefined) {
      lifecycle.Run = { Script: input.runCommand, RequiresPrivilege: false };
    }
    return {
      Name: `${platform.os}-${platform.architecture} ${b.binding.target} ${b.binding.precision}`,
      Platform: { os: platform.os, architecture: platform.architecture },
      Lifecycle: lifecycle,
      Artifacts: [{
        Uri: b.binding.modelDataUrl,
        Digest: recipeDigest(b.sha256Hex),
        Algorithm: 'SHA-256',
        Unarchive: zip ? 'ZIP' : 'NONE',
        Permission: { Read: 'OWNER', Execute: 'NONE' },
      }, ...(b.binding.signature ? [{
        Uri: b.binding.signature.s3Uri,
        Unarchive: 'NONE',
        Permission: { Read: 'OWNER', Execute: 'NONE' },
      }] : [])],
    };
  });
  return {
    RecipeFormatVersion: '2020-01-25',
    ComponentName: input.componentName,
    ComponentVersion: input.componentVersion,
    ComponentDescription: input.description,
    ComponentPublisher: input.publisher,
    ComponentConfiguration: { DefaultConfiguration: input.defaultConfiguration },
    Manifests: manifests,
  };
}
