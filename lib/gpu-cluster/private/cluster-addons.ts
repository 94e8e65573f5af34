import { CfnJson } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { GpuNodeGroupOptions } from '../gpu-node-group-options';
import { WorkloadIdentity } from '../workload-identity';
import { concrete } from './util';

/**
 * What a GpuClusterService installs or creates on the cluster besides its chart: the Helm releases
 * every service of a cluster shares (KEDA, metrics-server, the NVIDIA device plugin, one version
 * each) and the IAM roles of the pods and of the KEDA operator (Pod Identity or IRSA).
 * @internal
 */

const KEDA_RELEASE_ID = 'CdkInferenceLanesKeda';
export const KEDA_ROLE_ID = 'CdkInferenceLanesKedaOperatorRole';
const RELEASE_VERSIONS = new WeakMap<eks.HelmChart, string>();
export const DEFAULT_KEDA_VERSION = '2.17.2';
const DEVICE_PLUGIN_ID = 'CdkInferenceLanesNvidiaDevicePlugin';
const DEVICE_PLUGIN_VERSION = '0.17.2';
export const METRICS_SERVER_ID = 'CdkInferenceLanesMetricsServer';
export const METRICS_SERVER_VERSION = '3.12.2';

/** A Helm chart version must be pinned (reproducible installs and rollbacks). */
export function checkChartVersion(scope: Construct, prop: string, version: string, example: string): void {
  if (concrete(version) && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw invalid(scope, prop, version, 'is not a pinned chart version (MAJOR.MINOR.PATCH): a floating version makes installs and rollbacks unreproducible', `Pass e.g. '${example}'.`);
  }
}

export function semverLess(a: string, b: string): boolean {
  const pa = a.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
  const pb = b.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) { return pa[i] < pb[i]; }
  }
  return false;
}

/** A Helm release shared by every service of the cluster (one per release id and version). */
export function sharedHelmRelease(lane: IConstruct, cluster: eks.ICluster, id: string, prop: string, options: eks.HelmChartOptions): eks.HelmChart {
  const existing = cluster.node.tryFindChild(`chart-${id}`) as eks.HelmChart | undefined; // addHelmChart prefixes 'chart-'
  if (existing) {
    const installed = RELEASE_VERSIONS.get(existing);
    if (installed !== options.version) {
      throw invalid(lane, prop, options.version, `differs from the ${options.chart} ${installed} another service installs on this cluster`, `Use '${installed}' on every service of the cluster.`);
    }
    return existing;
  }
  const release = cluster.addHelmChart(id, options);
  RELEASE_VERSIONS.set(release, options.version!);
  return release;
}

/** The KEDA Helm release of the cluster, created by the first service that asks. */
export function kedaRelease(lane: Construct, cluster: eks.ICluster, version: string, irsaRole: iam.IRole | undefined): eks.HelmChart {
  const existing = cluster.node.tryFindChild(`chart-${KEDA_RELEASE_ID}`) as eks.HelmChart | undefined; // addHelmChart prefixes 'chart-'
  if (existing) {
    const installed = RELEASE_VERSIONS.get(existing);
    if (installed !== version) {
      throw invalid(lane, 'kedaVersion', version, `differs from the KEDA ${installed} another service installs on this cluster`, `Use kedaVersion '${installed}' on every service of the cluster.`);
    }
    return existing;
  }
  const release = cluster.addHelmChart(KEDA_RELEASE_ID, {
    chart: 'keda',
    repository: 'https://kedacore.github.io/charts',
    release: 'keda',
    namespace: 'keda',
    createNamespace: true,
    version,
    // The admission webhook must be ready before ScaledObjects are applied.
    wait: true,
    values: irsaRole ? { podIdentity: { aws: { irsa: { enabled: true, roleArn: irsaRole.roleArn } } } } : undefined,
  });
  RELEASE_VERSIONS.set(release, version);
  return release;
}

/** The role of the `keda/keda-operator` service account, one per cluster. */
export function kedaOperatorRole(lane: Construct, cluster: eks.ICluster, identity: WorkloadIdentity): iam.IRole {
  const existing = cluster.node.tryFindChild(KEDA_ROLE_ID) as iam.IRole | undefined;
  return existing ?? workloadRole(lane, cluster, identity, 'keda', 'keda-operator', KEDA_ROLE_ID, 'KEDA operator (keda/keda-operator): credentials of its AWS scalers (SQS)', cluster);
}

export function workloadRole(lane: Construct, cluster: eks.ICluster, identity: WorkloadIdentity, ns: string, serviceAccount: string, id: string, description: string, scope: Construct = lane): iam.Role {
  if (identity === WorkloadIdentity.IRSA) {
    let provider: iam.IOpenIdConnectProvider;
    try {
      provider = cluster.openIdConnectProvider;
    } catch {
      throw invalid(lane, 'workloadIdentity', 'IRSA', 'needs the cluster\'s OpenID Connect provider, and this imported cluster has none', 'Pass openIdConnectProvider in eks.Cluster.fromClusterAttributes, or use WorkloadIdentity.POD_IDENTITY.');
    }
    const conditions = new CfnJson(scope, `${id}Conditions`, {
      value: {
        [`${provider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com',
        [`${provider.openIdConnectProviderIssuer}:sub`]: `system:serviceaccount:${ns}:${serviceAccount}`,
      },
    });
    return new iam.Role(scope, id, { assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringEquals: conditions }), description });
  }
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
    description,
  });
  new eks.CfnPodIdentityAssociation(scope, `${id}Association`, {
    clusterName: cluster.clusterName,
    namespace: ns,
    serviceAccount,
    roleArn: role.roleArn,
  });
  return role;
}

/** The NVIDIA device plugin for AL2023 NVIDIA nodes, once per cluster. */
export function addDevicePlugin(lane: Construct, cluster: eks.Cluster, o: GpuNodeGroupOptions): eks.HelmChart | undefined {
  const ami = String(o.amiType ?? eks.NodegroupAmiType.AL2023_X86_64_NVIDIA);
  // The AL2023 NVIDIA AMIs carry the driver and container toolkit but not the Kubernetes device
  // plugin: without it no node advertises nvidia.com/gpu. Bottlerocket NVIDIA AMIs ship it.
  if (!ami.startsWith('AL2023_')) {
    if (o.devicePluginVersion !== undefined) {
      throw invalid(lane, 'gpuNodeGroup.devicePluginVersion', o.devicePluginVersion, `is not used: the ${ami} AMI ships the NVIDIA device plugin`, 'Drop devicePluginVersion.');
    }
    return undefined;
  }
  return installDevicePlugin(lane, cluster, 'gpuNodeGroup.devicePluginVersion', o.devicePluginVersion);
}

/** The NVIDIA device plugin release of the cluster (once per cluster, one version). */
export function installDevicePlugin(lane: IConstruct, cluster: eks.ICluster, prop: string, requested: string | undefined): eks.HelmChart {
  const version = requested ?? DEVICE_PLUGIN_VERSION;
  checkChartVersion(lane, prop, version, DEVICE_PLUGIN_VERSION);
  return sharedHelmRelease(lane, cluster, DEVICE_PLUGIN_ID, prop, {
    chart: 'nvidia-device-plugin',
    repository: 'https://nvidia.github.io/k8s-device-plugin',
    release: 'nvidia-device-plugin',
    namespace: 'kube-system',
    version,
    values: {
      // Run on the tainted GPU nodes, selected by the label the node group or NodePool sets (the
      // chart's default affinity otherwise needs Node Feature Discovery labels EKS does not add).
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] }] } } },
    },
  });
}
