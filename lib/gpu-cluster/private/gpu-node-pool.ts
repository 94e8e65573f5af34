import { Duration, IResolvable, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkInteger, invalid, isConcreteNumber } from '../../core/private/errors';
import { checkDnsSubdomain, checkIsDuration } from '../../core/private/validation';
import { GpuCapacityType, GpuDisruptionWindow, GpuNodePoolOptions, KarpenterAmiFamily } from '../gpu-node-provisioning';
import { archOf, CpuArch, gpusOf } from './gpu-instances';
import { concrete } from './util';

/**
 * The GPU NodePool (karpenter.sh/v1) shared by Karpenter and EKS Auto Mode, the Karpenter
 * EC2NodeClass (karpenter.k8s.aws/v1), and the checks that the lane's pods can land on them.
 * Plain objects, applied by a KubernetesManifest; field names and patterns are those of the Karpenter
 * 1.x CRDs (validated in the tests with @kubernetes-models/karpenter).
 * @internal
 */

export const DEFAULT_FAMILIES = ['g5', 'g6', 'g6e'];
export const DEFAULT_NODE_POOL_NAME = 'gpu';
/** The taint every GPU node gets; the chart's default toleration matches it. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' };
/** Labels every GPU node gets (the device plugin's affinity selects `nvidia.com/gpu.present`). */
export const GPU_NODE_LABELS = { 'inference.cdk/accelerator': 'nvidia-gpu', 'nvidia.com/gpu.present': 'true' };

/** The families known to carry NVIDIA GPUs (gpu-instances.ts), by the largest GPU count of a size. */
function maxGpusOfFamily(family: string): number | undefined {
  const sizes = ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge', 'metal'];
  const counts = sizes.map(s => gpusOf(`${family}.${s}`)).filter((n): n is number => n !== undefined);
  return counts.length ? Math.max(...counts) : undefined;
}

/** Karpenter durations are Go durations in h/m/s (`720h`, `10m`), whole seconds here. */
export function karpenterDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0) { return `${seconds / 3600}h`; }
  if (seconds % 60 === 0) { return `${seconds / 60}m`; }
  return `${seconds}s`;
}

/** The NodePool options after defaults and checks. */
export interface ResolvedNodePool {
  readonly name: string;
  readonly families: string[];
  readonly arch: CpuArch;
  readonly capacityTypes: GpuCapacityType[];
  readonly maxGpus?: number;
  readonly maxCpu?: number;
  readonly consolidateAfter: Duration;
  readonly budgetPercent: number;
  readonly windows: GpuDisruptionWindow[];
  readonly expireAfter: Duration;
}

/** Check and default the NodePool options (`prop` is e.g. `nodeProvisioning` for error messages). */
export function resolveNodePool(scope: IConstruct, prop: string, o: GpuNodePoolOptions): ResolvedNodePool {
  const name = o.nodePoolName ?? DEFAULT_NODE_POOL_NAME;
  checkDnsSubdomain(scope, `${prop}.nodePoolName`, name);
  const families = o.instanceFamilies ?? DEFAULT_FAMILIES;
  if (families.length === 0) {
    throw invalid(scope, `${prop}.instanceFamilies`, families, 'is empty: the NodePool could launch nothing', `Pass NVIDIA GPU families, e.g. ${JSON.stringify(DEFAULT_FAMILIES)}.`);
  }
  for (const [i, f] of families.entries()) {
    if (concrete(f) && (f.includes('.') || maxGpusOfFamily(f) === undefined)) {
      throw invalid(scope, `${prop}.instanceFamilies[${i}]`, f, 'is not an NVIDIA GPU instance family this library knows (g4dn, g5, g5g, g6, g6e, gr6, p3, p3dn, p4d, p4de, p5, p5e, p5en)',
        "Pass e.g. 'g5', 'g6', 'g6e', 'p4d' or 'p5' (family names, not instance types such as 'g5.xlarge').");
    }
  }
  const arches = new Set(families.filter(concrete).map(f => archOf(`${f}.xlarge`)));
  if (arches.size > 1) {
    throw invalid(scope, `${prop}.instanceFamilies`, families, 'mixes Arm (g5g) and x86_64 families: one image rarely serves both, and the pods do not select an architecture',
      'Use only x86_64 families (g5, g6, g6e, p4d, p5...) or only g5g.');
  }
  const capacityTypes = o.capacityTypes ?? [GpuCapacityType.ON_DEMAND];
  if (capacityTypes.length === 0) {
    throw invalid(scope, `${prop}.capacityTypes`, capacityTypes, 'is empty: the NodePool could launch nothing', 'Pass e.g. [GpuCapacityType.ON_DEMAND].');
  }
  for (const [i, t] of capacityTypes.entries()) {
    if (!Object.values(GpuCapacityType).includes(t)) {
      throw invalid(scope, `${prop}.capacityTypes[${i}]`, t, `is not one of ${Object.values(GpuCapacityType).map(v => `'${v}'`).join(', ')}`, 'Use a GpuCapacityType.');
    }
  }
  if (o.maxGpus !== undefined) { checkInteger(scope, `${prop}.maxGpus`, o.maxGpus, 1); }
  if (o.maxCpu !== undefined) { checkInteger(scope, `${prop}.maxCpu`, o.maxCpu, 1); }
  const budgetPercent = o.disruptionBudgetPercent ?? 10;
  checkInteger(scope, `${prop}.disruptionBudgetPercent`, budgetPercent, 0, 100);
  checkIsDuration(scope, `${prop}.consolidateAfter`, o.consolidateAfter);
  checkIsDuration(scope, `${prop}.expireAfter`, o.expireAfter);
  const consolidateAfter = o.consolidateAfter ?? Duration.minutes(10);
  const expireAfter = o.expireAfter ?? Duration.days(30);
  for (const [what, d] of [['consolidateAfter', consolidateAfter], ['expireAfter', expireAfter]] as const) {
    if (!d.isUnresolved() && (d.toMilliseconds() % 1000 !== 0 || d.toSeconds() < 1)) {
      throw invalid(scope, `${prop}.${what}`, d.toHumanString(), 'is not a whole number of seconds of at least 1 s (Karpenter durations are h/m/s)', 'Pass e.g. Duration.minutes(10).');
    }
  }
  const windows = o.noDisruptionWindows ?? [];
  for (const [i, w] of windows.entries()) {
    checkIsDuration(scope, `${prop}.noDisruptionWindows[${i}].duration`, w.duration);
    if (concrete(w.schedule) && !/^(\S+\s+\S+\s+\S+\s+\S+\s+\S+|@(annually|yearly|monthly|weekly|daily|midnight|hourly))$/.test(w.schedule.trim())) {
      throw invalid(scope, `${prop}.noDisruptionWindows[${i}].schedule`, w.schedule, 'is not a 5-field cron expression (minute hour day-of-month month day-of-week, UTC) or a macro such as @daily', "Pass e.g. '0 11 * * 3' (Wednesdays 11:00 UTC).");
    }
    // The CRD's budget duration pattern: hours and/or minutes only.
    if (!w.duration.isUnresolved() && (w.duration.toSeconds() % 60 !== 0 || w.duration.toSeconds() < 60)) {
      throw invalid(scope, `${prop}.noDisruptionWindows[${i}].duration`, w.duration.toHumanString(), 'is not a whole number of minutes of at least 1 minute (Karpenter budget durations are hours and minutes)', 'Pass e.g. Duration.hours(2).');
    }
  }
  return {
    name, families, arch: [...arches][0] ?? CpuArch.X86_64, capacityTypes, maxGpus: o.maxGpus, maxCpu: o.maxCpu,
    consolidateAfter, budgetPercent, windows, expireAfter,
  };
}

/** Pod placement the lane renders, to check against the NodePool. */
export interface PodPlacement {
  readonly gpuCount: number;
  readonly instanceTypes?: string[];
  readonly tolerations?: Array<{ key: string; value?: string; effect?: string; operator?: string }>;
}

/** The lane's pods must be able to land on the NodePool's nodes: taint, instance types, GPUs per node. */
export function checkPodsFitNodePool(scope: IConstruct, prop: string, pool: ResolvedNodePool, pods: PodPlacement): void {
  const tolerates = (t: { key: string; value?: string; effect?: string; operator?: string }) =>
    t.key === GPU_TAINT.key && (t.operator === 'Exists' || t.value === undefined || t.value === GPU_TAINT.value) && (t.effect === undefined || t.effect === GPU_TAINT.effect);
  if (pods.tolerations && !pods.tolerations.some(tolerates)) {
    throw invalid(scope, 'tolerations', pods.tolerations, `do not tolerate the NodePool's taint nvidia.com/gpu=true:NoSchedule (${prop}): the pods would stay Pending and no node would be launched for them`,
      "Add { key: 'nvidia.com/gpu', effect: 'NoSchedule' } to tolerations (or omit tolerations for that default).");
  }
  const podTypes = (pods.instanceTypes ?? []).filter(concrete);
  if (podTypes.length && pool.families.every(concrete) && !podTypes.some(t => pool.families.includes(t.split('.')[0]))) {
    throw invalid(scope, 'instanceTypes', pods.instanceTypes, `has no type of the NodePool's instance families (${pool.families.join(', ')}): the pods would stay Pending and no node would be launched for them`,
      `Add the family to ${prop}.instanceFamilies, or list one of its types in instanceTypes.`);
  }
  const most = Math.max(...pool.families.filter(concrete).map(f => maxGpusOfFamily(f) ?? Number.MAX_SAFE_INTEGER));
  if (Number.isInteger(pods.gpuCount) && most !== -Infinity && pods.gpuCount > most) {
    throw invalid(scope, 'gpuCount', pods.gpuCount, `is more than any size of the NodePool's families has (at most ${most} GPUs in ${pool.families.join(', ')}): no node could hold one pod`,
      `Lower gpuCount to ${most}, or add a family with ${pods.gpuCount} GPUs per node (e.g. 'p5') to ${prop}.instanceFamilies.`);
  }
  if (pool.maxGpus !== undefined && isConcreteNumber(pool.maxGpus) && Number.isInteger(pods.gpuCount) && pool.maxGpus < pods.gpuCount) {
    throw invalid(scope, `${prop}.maxGpus`, pool.maxGpus, `is below one pod's gpuCount (${pods.gpuCount}): the NodePool could never launch a node for it`, `Raise maxGpus to at least ${pods.gpuCount}.`);
  }
}

/** Where the NodePool's nodes come from: a Karpenter EC2NodeClass or an Auto Mode NodeClass. */
export interface NodeClassRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** The label of the instance family (`karpenter.k8s.aws/instance-family` or `eks.amazonaws.com/instance-family`). */
  readonly familyLabel: string;
}

/** The NodePool manifest (`maxGpus` may be a token: the sum of the services' demand, known at synth). */
export function nodePoolManifest(pool: ResolvedNodePool, ref: NodeClassRef, gpuLimit: number | IResolvable): Record<string, unknown> {
  const budgets: Array<Record<string, unknown>> = [{ nodes: `${pool.budgetPercent}%` }];
  for (const w of pool.windows) {
    budgets.push({ nodes: '0', schedule: w.schedule.trim(), duration: karpenterDuration(w.duration) });
  }
  const limits: Record<string, unknown> = { 'nvidia.com/gpu': gpuLimit };
  if (pool.maxCpu !== undefined) { limits.cpu = pool.maxCpu; }
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: pool.name, labels: { 'app.kubernetes.io/managed-by': 'cdk-inference-lanes' } },
    spec: {
      template: {
        metadata: { labels: { ...GPU_NODE_LABELS } },
        spec: {
          nodeClassRef: { group: ref.group, kind: ref.kind, name: ref.name },
          requirements: [
            { key: ref.familyLabel, operator: 'In', values: [...pool.families] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...pool.capacityTypes] },
            { key: 'kubernetes.io/arch', operator: 'In', values: [pool.arch === CpuArch.ARM_64 ? 'arm64' : 'amd64'] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ],
          taints: [{ ...GPU_TAINT }],
          expireAfter: karpenterDuration(pool.expireAfter),
        },
      },
      limits,
      disruption: {
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
        consolidateAfter: karpenterDuration(pool.consolidateAfter),
        budgets,
      },
    },
  };
}

/** What the EC2NodeClass needs from the cluster (tokens allowed). */
export interface NodeClassInputs {
  readonly name: string;
  readonly roleName: string;
  readonly amiFamily: KarpenterAmiFamily;
  readonly amiVersion: string;
  readonly rootVolumeGiB: number;
  /** Subnet ids, or undefined to select by the discovery tag. */
  readonly subnetIds?: string[];
  /** Security group ids, or undefined to select by the discovery tag. */
  readonly securityGroupIds?: string[];
  readonly discoveryTag: { [key: string]: string };
  readonly capacityReservationIds: string[];
  /** `spec.userData` (AL2023 MIME multi-part); may resolve to undefined (then absent). */
  readonly userData?: IResolvable;
}

/** The EC2NodeClass manifest. */
export function ec2NodeClassManifest(i: NodeClassInputs): Record<string, unknown> {
  const gp3 = (size: number) => ({ volumeSize: `${size}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true });
  // AL2023: one root volume. Bottlerocket: a small OS volume (xvda) and the data volume (xvdb) that
  // holds the container images; giving blockDeviceMappings replaces Karpenter's defaults, so both.
  const blockDeviceMappings = i.amiFamily === KarpenterAmiFamily.BOTTLEROCKET
    ? [{ deviceName: '/dev/xvda', ebs: gp3(4) }, { deviceName: '/dev/xvdb', ebs: gp3(i.rootVolumeGiB) }]
    : [{ deviceName: '/dev/xvda', rootVolume: true, ebs: gp3(i.rootVolumeGiB) }];
  const spec: Record<string, unknown> = {
    role: i.roleName,
    amiSelectorTerms: [{ alias: `${i.amiFamily}@${i.amiVersion}` }],
    subnetSelectorTerms: i.subnetIds ? i.subnetIds.map(id => ({ id })) : [{ tags: { ...i.discoveryTag } }],
    securityGroupSelectorTerms: i.securityGroupIds ? i.securityGroupIds.map(id => ({ id })) : [{ tags: { ...i.discoveryTag } }],
    blockDeviceMappings,
    metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
    tags: { 'inference.cdk/lane': 'gpu-cluster' },
  };
  if (i.userData !== undefined) { spec.userData = i.userData; }
  if (i.capacityReservationIds.length) {
    spec.capacityReservationSelectorTerms = i.capacityReservationIds.map(id => ({ id }));
  }
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: i.name, labels: { 'app.kubernetes.io/managed-by': 'cdk-inference-lanes' } },
    spec,
  };
}

/** True when a value is a CDK token. */
export function isToken(v: unknown): boolean {
  return Token.isUnresolved(v);
}
