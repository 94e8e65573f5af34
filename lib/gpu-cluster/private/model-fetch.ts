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
export function modelFetchContainers(scope: Construct, props: ModelServerProps, modelEnv: { [name: string]: string }, models: kplus.Volume, tmp: kplus.Volume): kplus.ContainerProps[] {
  const pick = (...names: string[]) => Object.fromEntries(names.filter(n => modelEnv[n] !== undefined).map(n => [n, kplus.EnvValue.fromValue(modelEnv[n])]));
  const fetchEnv: { [name: string]: kplus.EnvValue } = { ...pick('MODEL_NAME', 'MODEL_S3_URI'), HOME: kplus.EnvValue.fromValue('/tmp') };
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
      command: ['/bin/sh', '-c', FETCH_SCRIPT],
      envVariables: fetchEnv,
      envFrom: props.fetchCredentialsSecret ? [kplus.Env.fromSecret(kplus.Secret.fromSecretName(scope, 'FetchCredentials', props.fetchCredentialsSecret))] : undefined,
      volumeMounts: [{ volume: models, path: MODEL_ROOT }, { volume: tmp, path: '/tmp' }],
      resources,
      securityContext: nonRoot,
    },
    {
      name: 'unpack-model',
      image: props.unpackImage,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', UNPACK_SCRIPT],
      envVariables: pick('MODEL_NAME', 'MODEL_S3_URI', 'MODEL_COMPRESSED', 'MODEL_DIGEST'),
      volumeMounts: [{ volume: models, path: MODEL_ROOT }],
      resources,
      securityContext: nonRoot,
    },
  ];
}

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
