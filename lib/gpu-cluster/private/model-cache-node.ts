import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { GpuClusterServiceProps } from '../gpu-cluster-service';
import { GpuNodeProvisioningKind, KarpenterAmiFamily } from '../gpu-node-provisioning';
import { DEFAULT_MODEL_CACHE_PATH } from './serving-track';
import { concrete } from './util';

/**
 * The node side of `modelCache`: the hostPath directory must exist and be writable by the pods'
 * `runAsUser` (the pods are non-root and never chown it). With Karpenter on AL2023 the lane writes it
 * into the EC2NodeClass `userData` (a MIME multi-part archive with one shell part: Karpenter keeps the
 * part and appends its own nodeadm NodeConfig part); Bottlerocket's user data is TOML settings with no
 * shell, so modelCache is rejected there. The lane's managed node group (AL2023) gets a launch template
 * with the same user data (EKS merges its own nodeadm part). Elsewhere (Auto Mode, existing nodes) the
 * lane cannot reach the node and warns with the alternatives.
 * @internal
 */

/** A directory the node must create, owned by `uid:uid`. */
export interface NodeCacheDirectory {
  readonly path: string;
  readonly uid: number;
}

/** Warning id when the lane cannot create the cache directory on the nodes. */
export const MODEL_CACHE_DIRECTORY_WARNING = 'cdk-inference-lanes:gpu-model-cache-directory';

/** The EC2NodeClass userData (AL2023) that creates the cache directories, or undefined without any. */
export function modelCacheUserData(dirs: NodeCacheDirectory[]): string | undefined {
  if (dirs.length === 0) { return undefined; }
  const quote = (s: string) => `'${s.split('\'').join('\'"\'"\'')}'`;
  return [
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="//"',
    '',
    '--//',
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    '',
    '#!/bin/bash',
    '# cdk-inference-lanes modelCache: the node directory the non-root pods fill (hostPath), owned by their runAsUser',
    'set -o errexit',
    ...dirs.map(d => `install -d -m 0750 -o ${d.uid} -g ${d.uid} ${quote(d.path)}`),
    '',
    '--//--',
    '',
  ].join('\n');
}

/**
 * What the service's modelCache needs from its node provisioning: a directory for Karpenter (AL2023),
 * an error for Bottlerocket, a warning where the lane does not configure the nodes.
 */
export function modelCacheDirectoryFor(lane: IConstruct, props: GpuClusterServiceProps, kind: GpuNodeProvisioningKind,
  amiFamily: KarpenterAmiFamily | undefined, nodeGroupAmi?: string): NodeCacheDirectory | undefined {
  if (!props.modelCache) { return undefined; }
  const path = props.modelCache.hostPath ?? DEFAULT_MODEL_CACHE_PATH;
  const uid = props.runAsUser ?? 1000;
  const bottlerocket = (kind === GpuNodeProvisioningKind.KARPENTER && amiFamily === KarpenterAmiFamily.BOTTLEROCKET)
    || (kind === GpuNodeProvisioningKind.MANAGED_NODE_GROUP && nodeGroupAmi !== undefined && nodeGroupAmi.startsWith('BOTTLEROCKET'));
  if (bottlerocket) {
    throw invalid(lane, 'modelCache', path,
      "needs a node directory owned by runAsUser, and Bottlerocket's user data is TOML settings without a shell (the lane cannot create it; Bottlerocket's SELinux policy also confines what containers may write on the host)",
      kind === GpuNodeProvisioningKind.KARPENTER
        ? 'Use KarpenterAmiFamily.AL2023 (the lane creates the directory in the EC2NodeClass user data), or drop modelCache.'
        : 'Use an AL2023 NVIDIA amiType for gpuNodeGroup (the lane creates the directory in its launch template user data), or drop modelCache.');
  }
  if (kind === GpuNodeProvisioningKind.KARPENTER || kind === GpuNodeProvisioningKind.MANAGED_NODE_GROUP) {
    return concrete(path) && isConcreteNumber(uid) ? { path, uid } : undefined;
  }
  const where = kind === GpuNodeProvisioningKind.AUTO_MODE ? 'EKS Auto Mode nodes take no user data' : 'the nodes are not the lane\'s';
  Annotations.of(lane).addWarningV2(MODEL_CACHE_DIRECTORY_WARNING,
    `modelCache: ${where}, so the lane cannot create ${path} owned by uid ${uid} on them; until something does, the fetch-model init container fails with that fix. `
    + `Create it in the nodes' user data or AMI (install -d -m 0750 -o ${uid} -g ${uid} ${path}), or run a DaemonSet whose root init container only runs that command (privileged namespace), or use GpuNodeProvisioning.karpenter() (AL2023) or a managed node group, where the lane writes it into the user data.`);
  return undefined;
}
