import { Annotations, Aws, CfnJson, Duration, Lazy, Size, SizeRoundingBehavior, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { acknowledgeNagFindings } from '../../core/private/nag';
import { AutoModeProvisioningOptions, GpuNodePoolOptions, KarpenterAmiFamily, KarpenterProvisioningOptions, GpuCapacityType } from '../gpu-node-provisioning';
import { WorkloadIdentity } from '../workload-identity';
import { checkChartVersion, semverLess, workloadRole } from './cluster-addons';
import { ec2NodeClassManifest, nodePoolManifest, resolveNodePool, ResolvedNodePool } from './gpu-node-pool';
import { modelCacheUserData, NodeCacheDirectory } from './model-cache-node';
import { concrete } from './util';

/**
 * Karpenter for a cluster (issue 19 item 2): the controller's IAM role (Pod Identity or IRSA) with
 * the policy of Karpenter's reference CloudFormation template (v1.14, scoped to the cluster's tags),
 * the node role and its access to the cluster, the SQS interruption queue and its EventBridge rules,
 * the Helm release, and the GPU NodePool + EC2NodeClass; or, for EKS Auto Mode, only the NodePool.
 * One per cluster, shared by every service (the first service creates it, later ones must ask for
 * the same and add their GPU demand to the NodePool's limit).
 * @internal
 */

export const DEFAULT_KARPENTER_VERSION = '1.14.1';
const KARPENTER_ID = 'CdkInferenceLanesKarpenter';
const AUTO_MODE_ID = 'CdkInferenceLanesAutoModeGpu';
/** Namespace and service account of the controller (Karpenter's getting-started defaults). */
const KARPENTER_NAMESPACE = 'kube-system';
const KARPENTER_SERVICE_ACCOUNT = 'karpenter';
/** The tag Karpenter's docs use for subnet and security-group discovery. */
const DISCOVERY_TAG_KEY = 'karpenter.sh/discovery';

/** A cluster's GPU node provisioning, shared by its services. */
export class GpuNodeProvisioner extends Construct {
  /** The Helm release (Karpenter installed here). */
  public readonly release?: eks.HelmChart;
  /** The NodePool (and EC2NodeClass) manifest. */
  public readonly manifest: eks.KubernetesManifest;
  /** The node role (created, or the user's). */
  public readonly nodeRole?: iam.IRole;
  /** The controller's role (Karpenter installed here). */
  public readonly controllerRole?: iam.IRole;
  /** The interruption queue (Karpenter installed here). */
  public readonly interruptionQueue?: sqs.Queue;
  /** The NodePool after defaults. */
  public readonly pool: ResolvedNodePool;
  /** What the first service asked for, to compare with later services. */
  public readonly signature: string;
  /** True for Auto Mode. */
  public readonly autoMode: boolean;
  /** The AMI family (Karpenter). */
  public readonly amiFamily?: KarpenterAmiFamily;
  private readonly gpuDemand: number[] = [];
  private readonly cacheDirectories: NodeCacheDirectory[] = [];

  constructor(scope: Construct, id: string, props: {
    lane: IConstruct;
    cluster: eks.ICluster;
    identity: WorkloadIdentity;
    karpenter?: KarpenterProvisioningOptions;
    autoMode?: AutoModeProvisioningOptions;
    signature: string;
  }) {
    super(scope, id);
    const { lane, cluster } = props;
    const prop = 'nodeProvisioning';
    this.signature = props.signature;
    this.autoMode = props.autoMode !== undefined;
    const options: GpuNodePoolOptions = props.karpenter ?? props.autoMode ?? {};
    this.pool = resolveNodePool(lane, prop, options);
    const gpuLimit = Lazy.number({ produce: () => this.pool.maxGpus ?? Math.max(1, this.gpuDemand.reduce((a, b) => a + b, 0)) });

    if (props.autoMode) {
      const nodeClass = props.autoMode.nodeClassName ?? 'default';
      if (this.pool.capacityTypes.includes(GpuCapacityType.RESERVED)) {
        throw invalid(lane, `${prop}.capacityTypes`, this.pool.capacityTypes, 'includes RESERVED, which an Auto Mode NodePool only uses through capacity reservations selected on a custom NodeClass',
          'Drop GpuCapacityType.RESERVED, or use GpuNodeProvisioning.karpenter({ capacityReservationIds }).');
      }
      this.manifest = new eks.KubernetesManifest(this, 'NodePool', {
        cluster,
        manifest: [nodePoolManifest(this.pool, { group: 'eks.amazonaws.com', kind: 'NodeClass', name: nodeClass, familyLabel: 'eks.amazonaws.com/instance-family' }, gpuLimit)],

      });
      return;
    }

    const o = props.karpenter ?? {};
    const install = o.installController ?? (cluster instanceof eks.Cluster);
    if (install && !(cluster instanceof eks.Cluster)) {
      throw invalid(lane, `${prop}.installController`, true,
        'cannot install Karpenter on an imported cluster: the lane cannot give the nodes access to it (access entry or aws-auth) nor rely on its VPC and OIDC setup',
        'Install Karpenter where the cluster is defined and pass GpuNodeProvisioning.karpenter({ installController: false, nodeRole }), or use GpuNodeProvisioning.existingNodes().');
    }
    if (!install && !o.nodeRole) {
      throw invalid(lane, `${prop}.nodeRole`, undefined,
        `is required when the lane does not install Karpenter (${cluster instanceof eks.Cluster ? 'installController: false' : 'an imported cluster'}): the EC2NodeClass names the node role, and only the Karpenter already running there may pass its own node role`,
        'Pass GpuNodeProvisioning.karpenter({ installController: false, nodeRole: iam.Role.fromRoleName(this, \'KarpenterNodeRole\', \'KarpenterNodeRole-<cluster>\') }), or use GpuNodeProvisioning.existingNodes().');
    }
    const version = o.version ?? DEFAULT_KARPENTER_VERSION;
    if (o.version !== undefined && !install) {
      throw invalid(lane, `${prop}.version`, o.version, 'is not used: installController is false', 'Drop version (the installed Karpenter is yours).');
    }
    checkChartVersion(lane, `${prop}.version`, version, DEFAULT_KARPENTER_VERSION);
    if (concrete(version) && semverLess(version, '1.3.0')) {
      throw invalid(lane, `${prop}.version`, version, 'is older than 1.3.0: the NodePool uses the karpenter.sh/v1 API with capacity reservations (1.3 and newer), and 1.0-1.2 lack the IAM of the reference policy the lane grants',
        `Use '${DEFAULT_KARPENTER_VERSION}'.`);
    }
    this.amiFamily = o.amiFamily ?? KarpenterAmiFamily.AL2023;
    if (!Object.values(KarpenterAmiFamily).includes(this.amiFamily)) {
      throw invalid(lane, `${prop}.amiFamily`, this.amiFamily, `is not one of ${Object.values(KarpenterAmiFamily).map(v => `'${v}'`).join(', ')}`, 'Use a KarpenterAmiFamily.');
    }
    const amiVersion = o.amiVersion ?? 'latest';
    if (concrete(amiVersion) && !/^(latest|v\d+(\.\d+)*)$/.test(amiVersion)) {
      throw invalid(lane, `${prop}.amiVersion`, amiVersion, "is not 'latest' or a release version (v20251120 for AL2023, v1.50.0 for Bottlerocket)", "Pass 'latest' or the AMI release, e.g. 'v20251120'.");
    }
    const rootGiB = (o.rootVolumeSize ?? Size.gibibytes(200)).toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (Number.isFinite(rootGiB) && (!Number.isInteger(rootGiB) || rootGiB < 20 || rootGiB > 59000)) {
      throw invalid(lane, `${prop}.rootVolumeSize`, `${rootGiB} GiB`, 'is not a whole number of GiB from 20 (the EKS AMIs\' snapshot) to 59,000 (the EC2NodeClass volumeSize pattern)', 'Pass e.g. Size.gibibytes(200).');
    }
    const reservations = o.capacityReservationIds ?? [];
    for (const [i, id] of reservations.entries()) {
      if (concrete(id) && !/^cr-[0-9a-z]+$/.test(id)) {
        throw invalid(lane, `${prop}.capacityReservationIds[${i}]`, id, 'is not a capacity reservation id (cr-...)', "Pass the reservation's id, e.g. 'cr-0123456789abcdef0'.");
      }
    }
    if (reservations.length && !this.pool.capacityTypes.includes(GpuCapacityType.RESERVED)) {
      throw invalid(lane, `${prop}.capacityReservationIds`, reservations, "are not used: capacityTypes has no GpuCapacityType.RESERVED, so Karpenter never launches into them",
        'Add GpuCapacityType.RESERVED to capacityTypes (keep ON_DEMAND beside it for overflow).');
    }
    if (!reservations.length && this.pool.capacityTypes.includes(GpuCapacityType.RESERVED)) {
      throw invalid(lane, `${prop}.capacityTypes`, this.pool.capacityTypes, 'includes RESERVED without capacityReservationIds: the EC2NodeClass would select no reservation', 'Pass capacityReservationIds, or drop GpuCapacityType.RESERVED.');
    }
    const clusterName = cluster.clusterName;
    const discoveryTag = { [DISCOVERY_TAG_KEY]: clusterName };

    // ---- node role and its access to the cluster ---------------------------------------------
    let nodeRole: iam.IRole;
    const joins: IConstruct[] = [];
    if (o.nodeRole) {
      nodeRole = o.nodeRole;
    } else {
      const role = new iam.Role(this, 'NodeRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: 'GPU nodes launched by Karpenter (cdk-inference-lanes)',
        managedPolicies: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore']
          .map(name => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
      });
      acknowledgeNagFindings(role, [{
        id: 'AwsSolutions-IAM4',
        reason: 'The EKS node role of Karpenter\'s reference template: the kubelet, the VPC CNI and image pulls need these AWS-maintained node policies, the same an EKS managed node group gets',
        appliesTo: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore']
          .map(name => `Policy::arn:<AWS::Partition>:iam::aws:policy/${name}`),
      }]);
      nodeRole = role;
      const mode = (cluster as eks.Cluster).authenticationMode;
      if (mode === eks.AuthenticationMode.API || mode === eks.AuthenticationMode.API_AND_CONFIG_MAP) {
        joins.push(new eks.CfnAccessEntry(this, 'NodeAccess', { clusterName, principalArn: role.roleArn, type: 'EC2_LINUX' }));
      } else {
        (cluster as eks.Cluster).awsAuth.addRoleMapping(role, { username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] });
        joins.push((cluster as eks.Cluster).awsAuth);
      }
    }
    this.nodeRole = nodeRole;

    // ---- controller: IAM, interruption queue, Helm release ----------------------------------
    if (install) {
      const c = cluster as eks.Cluster;
      this.interruptionQueue = this.addInterruptionQueue();
      const role = workloadRole(lane, cluster, props.identity, KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT, 'ControllerRole',
        'Karpenter controller (kube-system/karpenter): launches and terminates the GPU nodes of this cluster', this);
      this.controllerRole = role;
      const controllerPolicy = this.grantController(role, clusterName, nodeRole, this.interruptionQueue);
      this.release = c.addHelmChart(KARPENTER_ID, {
        chart: 'karpenter',
        repository: 'oci://public.ecr.aws/karpenter/karpenter',
        release: 'karpenter',
        namespace: KARPENTER_NAMESPACE,
        version,
        // The CRDs (crds/ of the chart) and the webhook must be ready before the NodePool is applied.
        wait: true,
        timeout: Duration.minutes(10),
        values: {
          settings: { clusterName, interruptionQueue: this.interruptionQueue.queueName },
          serviceAccount: props.identity === WorkloadIdentity.IRSA ? { annotations: { 'eks.amazonaws.com/role-arn': role.roleArn } } : {},
        },
      });
      // Credentials come when the controller's pod starts: the association (and agent) first.
      const association = this.node.tryFindChild('ControllerRoleAssociation');
      if (association) { this.release.node.addDependency(association); }
      if (props.identity === WorkloadIdentity.POD_IDENTITY && c.eksPodIdentityAgent) { this.release.node.addDependency(c.eksPodIdentityAgent); }
      this.release.node.addDependency(role, controllerPolicy);
      this.warnWithoutSystemNodes(c);
    }

    // ---- NodePool + EC2NodeClass --------------------------------------------------------------
    const { subnetIds, securityGroupIds } = this.nodeNetwork(lane, cluster, o.subnets);
    this.manifest = new eks.KubernetesManifest(this, 'NodePool', {
      cluster,
      manifest: [
        ec2NodeClassManifest({
          name: this.pool.name, roleName: nodeRole.roleName, amiFamily: this.amiFamily, amiVersion, rootVolumeGiB: rootGiB,
          subnetIds, securityGroupIds, discoveryTag, capacityReservationIds: reservations,
          // The services' model cache directories (known once every service is constructed).
          userData: Lazy.any({ produce: () => modelCacheUserData(this.cacheDirectories) }),
        }),
        nodePoolManifest(this.pool, { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: this.pool.name, familyLabel: 'karpenter.k8s.aws/instance-family' }, gpuLimit),
      ],

    });
    for (const dependency of [this.release, ...joins]) {
      if (dependency) { this.manifest.node.addDependency(dependency); }
    }
  }

  /**
   * Karpenter's controller must run on nodes Karpenter does not manage (its chart's affinity): an
   * eks.Cluster without default capacity, node group, Auto Scaling group or Fargate profile has none.
   * Checked at synth, so that capacity added after the service counts.
   */
  private warnWithoutSystemNodes(cluster: eks.Cluster): void {
    this.node.addValidation({
      validate: () => {
        const hasCapacity = cluster.defaultNodegroup !== undefined || cluster.defaultCapacity !== undefined
          || cluster.node.findAll().some(c => c instanceof eks.Nodegroup || c instanceof eks.FargateProfile || c.constructor.name === 'AutoScalingGroup');
        if (!hasCapacity) {
          Annotations.of(this).addWarningV2('cdk-inference-lanes:karpenter-needs-system-nodes',
            `${cluster.node.path} has no default capacity, node group, Auto Scaling group or Fargate profile: Karpenter's controller (kube-system/karpenter) only runs on nodes Karpenter does not manage, so it would stay Pending and no GPU node would ever be launched. `
            + 'Keep defaultCapacity, add a small managed node group (cluster.addNodegroupCapacity) or a Fargate profile for kube-system/karpenter.');
        }
        return [];
      },
    });
  }

  /**
   * A service's model cache directory, created by the nodes' user data (AL2023). Two services may share
   * a directory only with the same owner.
   */
  public addModelCacheDirectory(lane: IConstruct, dir: NodeCacheDirectory): void {
    const same = this.cacheDirectories.find(d => d.path === dir.path);
    if (same && same.uid !== dir.uid) {
      throw invalid(lane, 'runAsUser', dir.uid, `differs from the owner (uid ${same.uid}) another service of this cluster gave its model cache at ${dir.path}: one node directory has one owner`,
        `Pass runAsUser: ${same.uid}, or a modelCache.hostPath of this service's own.`);
    }
    if (!same) { this.cacheDirectories.push(dir); }
  }

  /** A service adds the GPUs its pods need at peak (the NodePool's default limit is the sum). */
  public addGpuDemand(gpus: number): void {
    this.gpuDemand.push(gpus);
  }

  /** Subnets and security groups by id when the lane knows them, else Karpenter's discovery tag. */
  private nodeNetwork(lane: IConstruct, cluster: eks.ICluster, subnets: ec2.SubnetSelection | undefined): { subnetIds?: string[]; securityGroupIds?: string[] } {
    let vpc: ec2.IVpc | undefined;
    try { vpc = cluster.vpc; } catch { vpc = undefined; }
    let subnetIds: string[] | undefined;
    if (vpc) {
      try {
        subnetIds = vpc.selectSubnets(subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
      } catch (e) {
        throw invalid(lane, 'nodeProvisioning.subnets', subnets ? 'a subnet selection' : 'the private subnets (default)', `selects no subnet of the cluster's VPC (${(e as Error).message.split('\n')[0]})`,
          'Pass subnets that exist in the cluster VPC, e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } for a VPC without NAT (with VPC endpoints for ECR, S3, EC2, STS and EKS).');
      }
      if (subnetIds.length === 0) {
        throw invalid(lane, 'nodeProvisioning.subnets', subnets ? 'a subnet selection' : 'the private subnets (default)', "selects no subnet of the cluster's VPC: Karpenter could launch no node", 'Pass subnets that exist in the cluster VPC.');
      }
    } else if (subnets) {
      throw invalid(lane, 'nodeProvisioning.subnets', 'a subnet selection', 'needs the cluster\'s VPC, and this imported cluster has none', 'Pass vpc in eks.Cluster.fromClusterAttributes, or drop subnets (the EC2NodeClass then selects subnets tagged karpenter.sh/discovery=<cluster name>).');
    }
    let securityGroupIds: string[] | undefined;
    try { securityGroupIds = [cluster.clusterSecurityGroupId]; } catch { securityGroupIds = undefined; }
    return { subnetIds, securityGroupIds };
  }

  /** The interruption queue (SQS-managed SSE, 5-minute retention, TLS only) and its four rules. */
  private addInterruptionQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'InterruptionQueue', {
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeNagFindings(queue, [{
      id: 'AwsSolutions-SQS3',
      reason: 'Karpenter interruption events are useful for about two minutes (the Spot warning): a message Karpenter could not handle is stale long before anyone reads a dead-letter queue (Karpenter reference template: no DLQ, 300 s retention)',
    }]);
    const rules: Array<[string, events.EventPattern]> = [
      ['ScheduledChangeRule', { source: ['aws.health'], detailType: ['AWS Health Event'] }],
      ['SpotInterruptionRule', { source: ['aws.ec2'], detailType: ['EC2 Spot Instance Interruption Warning'] }],
      ['RebalanceRule', { source: ['aws.ec2'], detailType: ['EC2 Instance Rebalance Recommendation'] }],
      ['InstanceStateChangeRule', { source: ['aws.ec2'], detailType: ['EC2 Instance State-change Notification'] }],
      ['CapacityReservationInterruptionRule', { source: ['aws.ec2'], detailType: ['EC2 Capacity Reservation Instance Interruption Warning'] }],
    ];
    for (const [id, eventPattern] of rules) {
      new events.Rule(this, id, { eventPattern, targets: [new targets.SqsQueue(queue)] });
    }
    return queue;
  }

  /**
   * The controller's policy: Karpenter's reference CloudFormation template (v1.14), statement by
   * statement, with its tag conditions on this cluster's name (`kubernetes.io/cluster/<name>`,
   * `eks:eks-cluster-name`), the node role as the only role it may pass, this queue and this cluster.
   */
  private grantController(role: iam.IRole, clusterName: string, nodeRole: iam.IRole, queue: sqs.IQueue): iam.Policy {
    const stack = Stack.of(this);
    const ec2Arn = (resource: string, account: string = '*') => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${account}:${resource}`;
    const clusterTag = `kubernetes.io/cluster/${clusterName}`;
    // Condition keys that contain the cluster name: CfnJson, since a token cannot be an object key.
    const json = (id: string, value: object) => new CfnJson(this, id, { value });
    const statements: iam.PolicyStatement[] = [];
    const add = (sid: string, actions: string[], resources: string[], conditions?: { [op: string]: unknown }) => {
      statements.push(new iam.PolicyStatement({ sid, actions, resources, conditions: conditions as { [op: string]: any } }));
    };
    add('AllowScopedEC2InstanceAccessActions', ['ec2:RunInstances', 'ec2:CreateFleet'], [
      `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::image/*`, `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::snapshot/*`,
      ec2Arn('security-group/*'), ec2Arn('subnet/*'), ec2Arn('capacity-reservation/*'), ec2Arn('placement-group/*'),
    ]);
    add('AllowScopedEC2LaunchTemplateAccessActions', ['ec2:RunInstances', 'ec2:CreateFleet'], [ec2Arn('launch-template/*')], {
      StringEquals: json('LaunchTemplateAccess', { [`aws:ResourceTag/${clusterTag}`]: 'owned' }),
      StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
    });
    const created = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map(r => ec2Arn(r));
    add('AllowScopedEC2InstanceActionsWithTags', ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'], created, {
      StringEquals: json('InstanceActionsWithTags', { [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName }),
      StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
    });
    add('AllowScopedResourceCreationTagging', ['ec2:CreateTags'], created, {
      StringEquals: json('CreationTagging', {
        [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName,
        'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
      }),
      StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
    });
    add('AllowScopedResourceTagging', ['ec2:CreateTags'], [ec2Arn('instance/*')], {
      'StringEquals': json('ResourceTagging', { [`aws:ResourceTag/${clusterTag}`]: 'owned' }),
      'StringLike': { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      'StringEqualsIfExists': { 'aws:RequestTag/eks:eks-cluster-name': clusterName },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
    });
    add('AllowScopedDeletion', ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'], [ec2Arn('instance/*'), ec2Arn('launch-template/*')], {
      StringEquals: json('Deletion', { [`aws:ResourceTag/${clusterTag}`]: 'owned' }),
      StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
    });
    add('AllowPassingInstanceRole', ['iam:PassRole'], [nodeRole.roleArn], { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } });
    const profiles = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:instance-profile/*`;
    add('AllowScopedInstanceProfileCreationActions', ['iam:CreateInstanceProfile'], [profiles], {
      StringEquals: json('ProfileCreation', {
        [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName, 'aws:RequestTag/topology.kubernetes.io/region': stack.region,
      }),
      StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
    });
    add('AllowScopedInstanceProfileTagActions', ['iam:TagInstanceProfile'], [profiles], {
      StringEquals: json('ProfileTagging', {
        [`aws:ResourceTag/${clusterTag}`]: 'owned', 'aws:ResourceTag/topology.kubernetes.io/region': stack.region,
        [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName, 'aws:RequestTag/topology.kubernetes.io/region': stack.region,
      }),
      StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
    });
    add('AllowScopedInstanceProfileActions', ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'], [profiles], {
      StringEquals: json('ProfileActions', { [`aws:ResourceTag/${clusterTag}`]: 'owned', 'aws:ResourceTag/topology.kubernetes.io/region': stack.region }),
      StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
    });
    add('AllowInstanceProfileReadActions', ['iam:GetInstanceProfile'], [profiles]);
    add('AllowUnscopedInstanceProfileListAction', ['iam:ListInstanceProfiles'], ['*']);
    const clusterArn = `arn:${Aws.PARTITION}:eks:${Aws.REGION}:${Aws.ACCOUNT_ID}:cluster/${clusterName}`;
    add('AllowAPIServerEndpointDiscovery', ['eks:DescribeCluster'], [clusterArn]);
    add('AllowInterruptionQueueActions', ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], [queue.queueArn]);
    add('AllowRegionalReadActions', [
      'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'ec2:DescribeInstanceTypeOfferings',
      'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribePlacementGroups', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
    ], ['*'], { StringEquals: { 'aws:RequestedRegion': stack.region } });
    add('AllowSSMReadActions', ['ssm:GetParameter'], [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}::parameter/aws/service/*`]);
    add('AllowPricingReadActions', ['pricing:GetProducts'], ['*']);
    add('AllowZonalShiftStatusReadOnly', ['arc-zonal-shift:GetManagedResource'], ['*'], { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': clusterArn } });
    const policy = new iam.Policy(this, 'ControllerPolicy', { statements, roles: [role] });
    acknowledgeNagFindings(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Karpenter\'s reference controller policy (v1.14): instance, volume, fleet, launch-template and instance-profile ids are created at run time, so these statements are scoped by the cluster\'s ownership tags and the karpenter.sh/nodepool tag instead of ids; Describe*, pricing and ListInstanceProfiles have no resource-level permissions',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::image/*',
        'Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*',
        ...['security-group/*', 'subnet/*', 'capacity-reservation/*', 'placement-group/*', 'launch-template/*', 'fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'spot-instances-request/*']
          .map(r => `Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:*:${r}`),
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/*',
        'Resource::arn:<AWS::Partition>:ssm:<AWS::Region>::parameter/aws/service/*',
        'Resource::*',
      ],
    }]);
    return policy;
  }
}

/** The cluster's provisioner, created by the first service (Karpenter or Auto Mode). */
export function gpuNodeProvisioner(lane: IConstruct, cluster: eks.ICluster, identity: WorkloadIdentity,
  karpenter: KarpenterProvisioningOptions | undefined, autoMode: AutoModeProvisioningOptions | undefined): GpuNodeProvisioner {
  const id = autoMode ? AUTO_MODE_ID : KARPENTER_ID + 'Setup';
  const other = cluster.node.tryFindChild(autoMode ? KARPENTER_ID + 'Setup' : AUTO_MODE_ID);
  if (other) {
    throw invalid(lane, 'nodeProvisioning', autoMode ? 'autoMode' : 'karpenter', `differs from the ${autoMode ? 'Karpenter' : 'Auto Mode'} node provisioning another service set up on this cluster`,
      'Use the same nodeProvisioning on every service of the cluster.');
  }
  const signature = signatureOf(karpenter ?? autoMode ?? {});
  const existing = cluster.node.tryFindChild(id) as GpuNodeProvisioner | undefined;
  if (existing) {
    if (existing.signature !== signature) {
      throw invalid(lane, 'nodeProvisioning', JSON.parse(signature), `differs from the GPU NodePool another service set up on this cluster (${existing.signature})`,
        'Pass the same nodeProvisioning options on every service of the cluster (one NodePool serves them all).');
    }
    return existing;
  }
  return new GpuNodeProvisioner(cluster as unknown as Construct, id, { lane, cluster, identity, karpenter, autoMode, signature });
}

/** Options as comparable text (roles by path, durations and sizes by value). */
function signatureOf(o: object): string {
  return JSON.stringify(o, (_k, v) => {
    if (v && typeof v === 'object' && 'node' in v && typeof (v as IConstruct).node?.path === 'string') { return (v as IConstruct).node.path; }
    if (v instanceof Duration) { return v.toHumanString(); }
    if (v && typeof v === 'object' && typeof (v as { toGibibytes?: unknown }).toGibibytes === 'function') { return `${(v as { toGibibytes(): number }).toGibibytes()}GiB`; }
    return v;
  });
}
