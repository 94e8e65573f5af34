import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ModelServerProps } from '../model-server';
import { MODEL_ROOT } from './model-env';

/**
 * The two init containers that put the weights in the pod: `fetch-model` downloads them from S3 with
 * the AWS CLI and the pod's credentials (Pod Identity, IRSA, node role or a credentials Secret) into
 * an emptyDir at `/models`; `unpack-model` verifies the digest (when known) and unpacks them to
 * `/models/<name>/1/`. Both read the MODEL_* names of the one model environment contract
 * (MODEL_NAME, MODEL_S3_URI, MODEL_COMPRESSED, MODEL_DIGEST), with the server's values.
 * @internal
 */
export function modelFetchContainers(scope: Construct, props: ModelServerProps, modelEnv: { [name: string]: string }, models: kplus.Volume, tmp: kplus.Volume,
  cache?: ModelCacheMount): kplus.ContainerProps[] {
  const pick = (...names: string[]) => Object.fromEntries(names.filter(n => modelEnv[n] !== undefined).map(n => [n, kplus.EnvValue.fromValue(modelEnv[n])]));
  const cacheEnv: { [name: string]: kplus.EnvValue } = cache
    ? { MODEL_CACHE_ROOT: kplus.EnvValue.fromValue(MODEL_CACHE_ROOT), MODEL_CACHE_KEY: kplus.EnvValue.fromValue(cache.key) }
    : {};
  const fetchEnv: { [name: string]: kplus.EnvValue } = { ...pick('MODEL_NAME', 'MODEL_S3_URI'), HOME: kplus.EnvValue.fromValue('/tmp'), ...cacheEnv };
  if (props.awsRegion) {
    fetchEnv.AWS_REGION = kplus.EnvValue.fromValue(props.awsRegion);
    fetchEnv.AWS_DEFAULT_REGION = kplus.EnvValue.fromValue(props.awsRegion);
  }
  const nonRoot: kplus.ContainerSecurityContextProps = {
    ensureNonRoot: true, user: props.runAsUser, group: props.runAsUser, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
  };
  const resources: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(2) },
    memory: { request: cdk8s.Size.mebibytes(256), limit: cdk8s.Size.gibibytes(1) },
  };
  return [
    {
      name: 'fetch-model',
      image: props.fetchImage,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', cache ? CACHED_FETCH_SCRIPT : FETCH_SCRIPT],
      envVariables: fetchEnv,
      envFrom: props.fetchCredentialsSecret ? [kplus.Env.fromSecret(kplus.Secret.fromSecretName(scope, 'FetchCredentials', props.fetchCredentialsSecret))] : undefined,
      volumeMounts: cache
        ? [{ volume: cache.volume, path: MODEL_CACHE_ROOT }, { volume: tmp, path: '/tmp' }]
        : [{ volume: models, path: MODEL_ROOT }, { volume: tmp, path: '/tmp' }],
      resources,
      securityContext: nonRoot,
    },
    {
      name: 'unpack-model',
      image: props.unpackImage,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', cache ? CACHED_UNPACK_SCRIPT : UNPACK_SCRIPT],
      envVariables: { ...pick('MODEL_NAME', 'MODEL_S3_URI', 'MODEL_COMPRESSED', 'MODEL_DIGEST'), ...cacheEnv },
      volumeMounts: cache ? [{ volume: cache.volume, path: MODEL_CACHE_ROOT }] : [{ volume: models, path: MODEL_ROOT }],
      resources,
      securityContext: nonRoot,
    },
  ];
}

/** Where the init containers mount the node's model cache. @internal */
export const MODEL_CACHE_ROOT = '/model-cache';

/** The node cache the init containers fill: its volume and this model version's directory in it. @internal */
export interface ModelCacheMount {
  readonly volume: kplus.Volume;
  /** `<name>/<version>-<digest hex or 'unverified'>`: the directory the server mounts (subPath). */
  readonly key: string;
}

/** The cache directory of a model version: digests keep re-uploaded weights of one version apart. @internal */
export function modelCacheKey(name: string, version: string, digest: string | undefined): string {
  return `${name}/${version}-${digest ? digest.replace(/^sha256:/, 'sha256-') : 'unverified'}`;
}

/**
 * With a node cache: a hit (the version's directory exists) downloads nothing; a miss downloads into
 * this pod's own directory under `.incoming/` (pod names are unique), cleaning work left over by pods
 * that died more than a day ago. Paths come from MODEL_CACHE_ROOT and MODEL_CACHE_KEY.
 * @internal
 */
export const CACHED_FETCH_SCRIPT = [
  'set -eu',
  'final="${MODEL_CACHE_ROOT}/${MODEL_CACHE_KEY}"',
  'work="${MODEL_CACHE_ROOT}/.incoming/${HOSTNAME}"',
  'if [ -d "$final" ]; then echo "model cache hit: $final"; exit 0; fi',
  'if [ ! -w "${MODEL_CACHE_ROOT}" ]; then echo "model cache ${MODEL_CACHE_ROOT} is not writable by uid $(id -u): create the node directory owned by that user" >&2; exit 1; fi',
  'mkdir -p "${MODEL_CACHE_ROOT}/.incoming"',
  'find "${MODEL_CACHE_ROOT}/.incoming" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null || true',
  'rm -rf "$work" && mkdir -p "$work/unpacked"',
  'echo "model cache miss: fetching ${MODEL_S3_URI}"',
  'case "${MODEL_S3_URI}" in',
  '  */) aws s3 sync --only-show-errors "${MODEL_S3_URI}" "$work/unpacked/" ;;',
  '  *) aws s3 cp --only-show-errors "${MODEL_S3_URI}" "$work/weights" ;;',
  'esac',
].join('\n');

/**
 * With a node cache: verifies the digest and unpacks into the pod's own directory, then moves it to
 * the version's directory in one rename (same filesystem), so no pod ever reads a partial copy. Pods
 * racing on one node: the first to create `<key>.claim` (mkdir is atomic) renames, the others drop
 * their copy and wait for its directory (at most 10 minutes). A claim older than 30 minutes without
 * its directory (a pod that died between the two steps) is taken over.
 * @internal
 */
export const CACHED_UNPACK_SCRIPT = [
  'set -eu',
  'final="${MODEL_CACHE_ROOT}/${MODEL_CACHE_KEY}"',
  'work="${MODEL_CACHE_ROOT}/.incoming/${HOSTNAME}"',
  'if [ -d "$final" ]; then rm -rf "$work"; exit 0; fi',
  'if [ -f "$work/weights" ]; then',
  '  if [ -n "${MODEL_DIGEST:-}" ]; then (cd "$work" && echo "${MODEL_DIGEST#sha256:}  weights" | sha256sum -c -); fi',
  '  case "${MODEL_COMPRESSED}:${MODEL_S3_URI}" in',
  '    true:*|*.tar.gz|*.tgz) tar -xzf "$work/weights" -C "$work/unpacked" ;;',
  '    *.zip) unzip -q -o "$work/weights" -d "$work/unpacked" ;;',
  '    *) mv "$work/weights" "$work/unpacked/$(basename "${MODEL_S3_URI}")" ;;',
  '  esac',
  '  rm -f "$work/weights"',
  'fi',
  'mkdir -p "$(dirname "$final")"',
  'if [ -d "$final.claim" ] && [ ! -d "$final" ] && [ -n "$(find "$final.claim" -maxdepth 0 -mmin +30)" ]; then rmdir "$final.claim" 2>/dev/null || true; fi',
  'if mkdir "$final.claim" 2>/dev/null; then',
  '  mv "$work/unpacked" "$final"',
  '  rm -rf "$work"',
  '  echo "model cached: $final"',
  'else',
  '  rm -rf "$work"',
  '  i=0',
  '  while [ ! -d "$final" ]; do',
  '    i=$((i + 1))',
  '    if [ "$i" -gt 600 ]; then echo "another pod claimed $final but did not finish in 10 minutes; remove $final.claim if no pod is unpacking" >&2; exit 1; fi',
  '    sleep 1',
  '  done',
  'fi',
].join('\n');

/** Downloads the weights; a prefix is synced straight into the version directory. */
const FETCH_SCRIPT = [
  'set -eu',
  'mkdir -p "/models/.download" "/models/${MODEL_NAME}/1"',
  'case "${MODEL_S3_URI}" in',
  '  */) aws s3 sync --only-show-errors "${MODEL_S3_URI}" "/models/${MODEL_NAME}/1/" ;;',
  '  *) aws s3 cp --only-show-errors "${MODEL_S3_URI}" "/models/.download/weights" ;;',
  'esac',
].join('\n');

/** Verifies the digest (`sha256:<hex>`, when known) and unpacks the weights to `/models/<name>/1/`. */
const UNPACK_SCRIPT = [
  'set -eu',
  'cd /models',
  'if [ -f .download/weights ]; then',
  '  if [ -n "${MODEL_DIGEST:-}" ]; then echo "${MODEL_DIGEST#sha256:}  .download/weights" | sha256sum -c -; fi',
  '  case "${MODEL_COMPRESSED}:${MODEL_S3_URI}" in',
  '    true:*|*.tar.gz|*.tgz) tar -xzf .download/weights -C "${MODEL_NAME}/1" ;;',
  '    *.zip) unzip -q -o .download/weights -d "${MODEL_NAME}/1" ;;',
  '    *) mv .download/weights "${MODEL_NAME}/1/$(basename "${MODEL_S3_URI}")" ;;',
  '  esac',
  '  rm -rf .download',
  'fi',
].join('\n');
