import { App, CfnParameter, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, ScalingTrigger, ServingImage } from '../../lib/core';
import {
  GpuCapacityType, GpuClusterService, GpuClusterServiceProps, GpuNodeProvisioning, GpuNodeProvisioningKind, KarpenterAmiFamily, WorkloadIdentity,
} from '../../lib/gpu-cluster';
import { CfnLint, KubernetesSchema, NagCheck } from '../../lib/testing';
import { importedCluster } from './imported-cluster';
import { crdProblems } from './karpenter-crd';

// Issue 19 item 2: GPU node autoscaling. What is emitted for Karpenter (the default on an eks.Cluster
// of the app), EKS Auto Mode and imported clusters, and every rejection.

const ENV = { account: '111122223333', region: 'us-east-1' };

function artifact(stack: Stack, version: string = '1.4.0'): ModelArtifact {
  const bucket = s3.Bucket.fromBucketName(stack, `Models${version.replace(/\./g, '')}`, 'models-bucket');
  return ModelArtifact.fromBucket(bucket, `recsys/${version}/model.tar.gz`, {
    name: 'recsys', version, targets: [HardwareTarget.NVIDIA_GPU], digest: 'sha256:' + 'cd'.repeat(32),
    image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
}

function newCluster(stack: Stack, props: Partial<eks.ClusterProps> = {}): eks.Cluster {
  return new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33, defaultCapacity: 2,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl:1'),
    ...props,
  });
}

const policy = (max: number) => new AutoscalingPolicy({ minCapacity: 1, maxCapacity: max, triggers: [ScalingTrigger.inFlightPerInstance(8)] });

/** A manifest of a KubernetesManifest, with CloudFormation references replaced by plausible values. */
function manifestOf(template: Template, logicalIdPrefix: string): any[] {
  const [, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith(logicalIdPrefix))! as [string, any];
  const m = resource.Properties.Manifest;
  if (typeof m === 'string') { return JSON.parse(m); }
  const text = m['Fn::Join'][1].map((part: any) => {
    if (typeof part === 'string') { return part; }
    const ref = JSON.stringify(part);
    if (/Subnet/.test(ref)) { return 'subnet-0123abcd'; }
    if (/ClusterSecurityGroupId/.test(ref)) { return 'sg-0123abcd'; }
    if (/NodeRole/.test(ref)) { return 'KarpenterNodeRole-recsys'; }
    return 'resolved-at-deploy';
  }).join('');
  return JSON.parse(text);
}

const karpenterPrefix = 'ClusterCdkInferenceLanesKarpenterSetupNodePool';

describe('Karpenter by default on an eks.Cluster of the app', () => {
  // GIVEN a new cluster and a service that does not say how it gets nodes
  const stack = new Stack(new App(), 'Karp', { env: ENV });
  const cluster = newCluster(stack);
  const service = new GpuClusterService(stack, 'Recsys', { cluster, artifact: artifact(stack), autoscaling: policy(10), installKeda: true });
  const template = Template.fromStack(stack);
  const [nodeClass, nodePool] = manifestOf(template, karpenterPrefix);

  test('the Karpenter Helm chart is installed, pinned, from its OCI registry, with the cluster and queue settings', () => {
    expect(service.nodeProvisioning).toBe(GpuNodeProvisioningKind.KARPENTER);
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'karpenter', Repository: 'oci://public.ecr.aws/karpenter/karpenter', Version: '1.14.1', Release: 'karpenter', Namespace: 'kube-system', Wait: true,
      Values: { 'Fn::Join': ['', ['{"settings":{"clusterName":"', { Ref: Match.stringLikeRegexp('^Cluster') }, '","interruptionQueue":"',
        { 'Fn::GetAtt': [Match.stringLikeRegexp('InterruptionQueue'), 'QueueName'] }, '"},"serviceAccount":{}}']] },
    });
  });

  test('the controller gets its credentials through EKS Pod Identity for kube-system/karpenter, before the release starts it', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'karpenter' });
    const [, release] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart')).find(([id]) => id.includes('Karpenter'))! as [string, any];
    expect(release.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/ControllerRoleAssociation/), expect.stringMatching(/ControllerPolicy/), expect.stringMatching(/EksPodIdentityAgent/),
    ]));
  });

  test('the controller policy is Karpenter\'s reference policy, scoped to this cluster, node role, queue and Region; no FullAccess, no iam:* or ec2:*', () => {
    const [policyDoc] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('ControllerPolicy') } })) as any[];
    const statements = policyDoc.Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual([
      'AllowScopedEC2InstanceAccessActions', 'AllowScopedEC2LaunchTemplateAccessActions', 'AllowScopedEC2InstanceActionsWithTags', 'AllowScopedResourceCreationTagging',
      'AllowScopedResourceTagging', 'AllowScopedDeletion', 'AllowPassingInstanceRole', 'AllowScopedInstanceProfileCreationActions', 'AllowScopedInstanceProfileTagActions',
      'AllowScopedInstanceProfileActions', 'AllowInstanceProfileReadActions', 'AllowUnscopedInstanceProfileListAction', 'AllowAPIServerEndpointDiscovery',
      'AllowInterruptionQueueActions', 'AllowRegionalReadActions', 'AllowSSMReadActions', 'AllowPricingReadActions', 'AllowZonalShiftStatusReadOnly',
    ]);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    for (const s of statements) {
      expect([s.Action].flat().every((a: string) => !a.endsWith(':*'))).toBe(true);
    }
    // Terminate only instances tagged as this cluster's and a NodePool's.
    expect(bySid.AllowScopedDeletion.Action).toEqual(['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate']);
    expect(bySid.AllowScopedDeletion.Condition.StringLike).toEqual({ 'aws:ResourceTag/karpenter.sh/nodepool': '*' });
    expect(bySid.AllowScopedDeletion.Condition.StringEquals['Fn::GetAtt'][0]).toMatch(/Deletion/);
    // The tag condition keys carry the cluster's name (a CfnJson, since the name is a token).
    const jsons = Object.values(template.findResources('Custom::AWSCDKCfnJson')).map((r: any) => JSON.stringify(r.Properties.Value));
    const deletion = jsons.find(j => j.includes('aws:ResourceTag/kubernetes.io/cluster/') && !j.includes('topology') && !j.includes('RequestTag'));
    expect(deletion).toContain('owned');
    // PassRole: exactly the node role, only to EC2.
    expect(bySid.AllowPassingInstanceRole.Action).toBe('iam:PassRole');
    expect(bySid.AllowPassingInstanceRole.Resource['Fn::GetAtt'][0]).toMatch(/NodeRole/);
    expect(bySid.AllowPassingInstanceRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } });
    // The queue, the cluster, the Region.
    expect(bySid.AllowInterruptionQueueActions.Resource['Fn::GetAtt'][0]).toMatch(/InterruptionQueue/);
    expect(bySid.AllowRegionalReadActions.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } });
    expect(JSON.stringify(bySid.AllowAPIServerEndpointDiscovery.Resource)).toContain(':cluster/');
    // No AWS managed policy on the controller.
    const [controllerRole] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('^Karpenter controller') } })) as any[];
    expect(controllerRole.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the node role has the EKS node policies and joins the cluster (aws-auth on a CONFIG_MAP cluster)', () => {
    const [nodeRole] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('^GPU nodes launched by Karpenter') } })) as any[];
    expect(JSON.stringify(nodeRole.Properties.ManagedPolicyArns)).toMatch(/AmazonEKSWorkerNodePolicy.*AmazonEKS_CNI_Policy.*AmazonEC2ContainerRegistryPullOnly.*AmazonSSMManagedInstanceCore/);
    const awsAuth = JSON.stringify(Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith('ClusterAwsAuthmanifest'))![1]);
    expect(awsAuth).toMatch(/CdkInferenceLanesKarpenterSetupNodeRole/);
    expect(awsAuth).toContain('system:node:{{EC2PrivateDNSName}}');
  });

  test('the interruption queue: SQS-managed SSE, 5-minute retention, TLS only, fed by the five EventBridge rules', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 300 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as any[];
    expect(rules.map(r => r.Properties.EventPattern['detail-type'][0]).sort()).toEqual([
      'AWS Health Event', 'EC2 Capacity Reservation Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation', 'EC2 Instance State-change Notification', 'EC2 Spot Instance Interruption Warning',
    ]);
    for (const r of rules) { expect(r.Properties.Targets[0].Arn['Fn::GetAtt'][0]).toMatch(/InterruptionQueue/); }
  });

  test('the NodePool (defaults): g5/g6/g6e on-demand amd64 nodes, the GPU taint, GPU limit from the policy, consolidation with a 10% budget, 720h expiry', () => {
    expect(nodePool.apiVersion).toBe('karpenter.sh/v1');
    expect(nodePool.metadata.name).toBe('gpu');
    expect(nodePool.spec.template.spec).toEqual({
      nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' },
      requirements: [
        { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g5', 'g6', 'g6e'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      ],
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
      expireAfter: '720h',
    });
    expect(nodePool.spec.template.metadata.labels).toEqual({ 'inference.cdk/accelerator': 'nvidia-gpu', 'nvidia.com/gpu.present': 'true' });
    // (maxCapacity 10 + 1 surge pod) × 1 GPU; no CPU limit by default.
    expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': 11 });
    expect(nodePool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '10m', budgets: [{ nodes: '10%' }] });
  });

  test('the pods tolerate the NodePool\'s taint (the chart\'s default toleration)', () => {
    const deployment = service.chart.toJson().find((o: any) => o.kind === 'Deployment');
    const tolerations = deployment.spec.template.spec.tolerations;
    // `Exists` matches the taint's value `true` (an `Equal` toleration without a value would not).
    expect(tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('the EC2NodeClass: AL2023 alias, the node role, the cluster\'s private subnets and security group by id, a 200 GiB encrypted gp3 root, IMDSv2 only', () => {
    expect(nodeClass.apiVersion).toBe('karpenter.k8s.aws/v1');
    expect(nodeClass.spec).toEqual({
      role: 'KarpenterNodeRole-recsys',
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      subnetSelectorTerms: [{ id: 'subnet-0123abcd' }, { id: 'subnet-0123abcd' }, { id: 'subnet-0123abcd' }],
      securityGroupSelectorTerms: [{ id: 'sg-0123abcd' }],
      blockDeviceMappings: [{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '200Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      tags: { 'inference.cdk/lane': 'gpu-cluster' },
    });
    const raw = JSON.stringify(Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith(karpenterPrefix))![1]);
    expect(raw).toMatch(/ClusterDefaultVpcPrivateSubnet1Subnet.*ClusterDefaultVpcPrivateSubnet2Subnet.*ClusterDefaultVpcPrivateSubnet3Subnet/);
    expect(raw).toContain('ClusterSecurityGroupId');
  });

  test('NodePool and EC2NodeClass validate against the Karpenter CRD schemas (@kubernetes-models/karpenter), no unknown field', () => {
    const result = KubernetesSchema.validateManifests(JSON.stringify([nodeClass, nodePool]));
    expect(KubernetesSchema.format(result.problems)).toBe('');
    expect(result.objects.map(o => o.schemaModule)).toEqual(['@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass', '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool']);
    // The check can fail: a consolidation policy Karpenter does not know and an unknown field are reported.
    const bad = { ...nodePool, spec: { ...nodePool.spec, disruption: { ...nodePool.spec.disruption, consolidationPolicy: 'Always' }, replica: 1 } };
    const problems = KubernetesSchema.validateManifests(JSON.stringify([bad])).problems.map(p => `${p.problemType} ${p.path}`);
    expect(problems).toEqual(expect.arrayContaining(['SCHEMA /spec/disruption/consolidationPolicy', 'UNKNOWN_FIELD /spec/replica']));
  });

  test('... and against the CRDs of the pinned Karpenter 1.14.1 (types, enums, patterns, unknown fields, the CEL rules on rendered fields)', () => {
    expect([...crdProblems(nodeClass), ...crdProblems(nodePool)]).toEqual([]);
    // The check can fail: a Karpenter duration in days and an unknown field are caught.
    expect(crdProblems({ ...nodePool, spec: { ...nodePool.spec, disruption: { ...nodePool.spec.disruption, consolidateAfter: '1d' } } }).join()).toMatch(/consolidateAfter must match pattern/);
    expect(crdProblems({ ...nodeClass, spec: { ...nodeClass.spec, amiFamily: 'AL2023', rootVolumeSize: 1 } }).join()).toMatch(/must NOT have additional properties.*rootVolumeSize/);
  });

  test('the NVIDIA device plugin is installed (AL2023 has no plugin), and the service\'s manifests wait for it and for the NodePool, which waits for Karpenter and the node access', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'nvidia-device-plugin', Version: '0.17.2', Namespace: 'kube-system' });
    const resources = template.toJSON().Resources;
    const serviceManifest = Object.entries(resources).find(([id]) => id.startsWith('RecsysManifests'))![1] as any;
    expect(serviceManifest.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${karpenterPrefix}`)), expect.stringMatching(/NvidiaDevicePlugin/)]));
    const pool = Object.entries(resources).find(([id]) => id.startsWith(karpenterPrefix))![1] as any;
    expect(pool.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/chartCdkInferenceLanesKarpenter/), expect.stringMatching(/AwsAuthmanifest/)]));
  });

  test('the nodes pull the serving image with the node role (grant on the Karpenter node role when the image is in ECR)', () => {
    // The image here is a public registry: no grant is needed, and none is made to the pods' role.
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(JSON.stringify(policies)).not.toContain('ecr:BatchGetImage');
  });

  test('scaleOutLeadTime: KEDA polling, Karpenter batching, launch and join, device plugin, image pull, weights, model load, each with a source', () => {
    const lead = service.scaleOutLeadTime;
    expect(lead.steps.map(s => [s.step, s.duration.toSeconds()])).toEqual([
      ['KEDA polling', 30],
      ['scale-out stabilization window', 60],
      ['Karpenter batching of Pending pods', 10],
      ['GPU instance launch, boot and join', 90],
      ['NVIDIA device plugin advertises nvidia.com/gpu', 20],
      ['serving image pull on the new node', 60],
      ['model weights fetch, digest check and unpack', 20],
      ['model load and first passing readiness probe', 30],
    ]);
    expect(lead.total.toSeconds()).toBe(320);
    expect(lead.steps.every(s => s.source.length > 10)).toBe(true);
    expect(lead.steps[2].source).toContain('karpenter.sh/docs/reference/settings');
    // No CloudWatch signal of pods pending for a node: the lag metric is not offered.
    expect(service.metricCapacityLag()).toBeUndefined();
  });

  test('passes cdk-nag AwsSolutions (on every resource of the lane and its Karpenter; the eks.Cluster fixture\'s own are not ours) and cfn-lint', () => {
    const nag = NagCheck.check(stack);
    const ours = [...nag.errors, ...nag.warnings].filter(e => /CdkInferenceLanes|\/Recsys\//.test(e.resourcePath));
    expect(NagCheck.format(ours)).toBe('');
    // The check ran (the eks.Cluster fixture's own Lambda roles are reported, and they are not the lane's).
    expect(nag.errors.some(e => /ClusterResourceProvider/.test(e.resourcePath))).toBe(true);
    expect(CfnLint.format(CfnLint.lintStack(stack).errors)).toBe('');
  });
});

describe('Karpenter options', () => {
  test('spot and reserved capacity, a no-disruption window, CPU and GPU limits, Bottlerocket, IRSA, an access entry on an API cluster', () => {
    const stack = new Stack(new App(), 'Opts', { env: ENV });
    const cluster = newCluster(stack, { authenticationMode: eks.AuthenticationMode.API });
    new GpuClusterService(stack, 'Recsys', {
      cluster, artifact: artifact(stack), autoscaling: policy(4), workloadIdentity: WorkloadIdentity.IRSA,
      nodeProvisioning: GpuNodeProvisioning.karpenter({
        instanceFamilies: ['g6e', 'p5'], capacityTypes: [GpuCapacityType.RESERVED, GpuCapacityType.SPOT, GpuCapacityType.ON_DEMAND],
        capacityReservationIds: ['cr-0123456789abcdef0'], maxGpus: 16, maxCpu: 512,
        noDisruptionWindows: [{ schedule: '0 11 * * 3', duration: Duration.hours(2) }], disruptionBudgetPercent: 20,
        consolidateAfter: Duration.minutes(30), expireAfter: Duration.days(7), amiFamily: KarpenterAmiFamily.BOTTLEROCKET, amiVersion: 'v1.50.0',
        rootVolumeSize: Size.gibibytes(500), nodePoolName: 'llm-gpu',
      }),
    });
    const template = Template.fromStack(stack);
    const [nodeClass, nodePool] = manifestOf(template, karpenterPrefix);
    expect(nodePool.metadata.name).toBe('llm-gpu');
    expect(nodePool.spec.template.spec.requirements.slice(0, 2)).toEqual([
      { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g6e', 'p5'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['reserved', 'spot', 'on-demand'] },
    ]);
    expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': 16, 'cpu': 512 });
    expect(nodePool.spec.disruption).toEqual({
      consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '30m',
      budgets: [{ nodes: '20%' }, { nodes: '0', schedule: '0 11 * * 3', duration: '2h' }],
    });
    expect(nodePool.spec.template.spec.expireAfter).toBe('168h');
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.50.0' }]);
    expect(nodeClass.spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeSize: '4Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
      { deviceName: '/dev/xvdb', ebs: { volumeSize: '500Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
    ]);
    expect(KubernetesSchema.format(KubernetesSchema.validateManifests(JSON.stringify([nodeClass, nodePool])).problems)).toBe('');
    expect([...crdProblems(nodeClass), ...crdProblems(nodePool)]).toEqual([]);
    // Bottlerocket ships the device plugin: no release.
    expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).not.toContain('nvidia-device-plugin');
    // IRSA: the service account annotation and an OIDC trust for kube-system:karpenter.
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter', Values: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('eks.amazonaws.com/role-arn')])]) }) });
    expect(JSON.stringify(template.findResources('Custom::AWSCDKCfnJson'))).toContain('system:serviceaccount:kube-system:karpenter');
    // API authentication: an EC2_LINUX access entry for the node role, no aws-auth.
    template.hasResourceProperties('AWS::EKS::AccessEntry', { Type: 'EC2_LINUX', PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('NodeRole'), 'Arn'] } });
  });

  test('two services share one Karpenter and one NodePool whose GPU limit is the sum of their peaks; different options are rejected', () => {
    const stack = new Stack(new App(), 'Shared', { env: ENV });
    const cluster = newCluster(stack);
    new GpuClusterService(stack, 'A', { cluster, artifact: artifact(stack), serviceName: 'a', autoscaling: policy(4) });
    new GpuClusterService(stack, 'B', { cluster, artifact: artifact(stack, '1.5.0'), serviceName: 'b', autoscaling: policy(2), gpuCount: 2, instanceTypes: ['g5.12xlarge'], cpu: 8 });
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter' }, 1);
    template.resourcePropertiesCountIs('Custom::AWSCDK-EKS-HelmChart', { Chart: 'nvidia-device-plugin' }, 1);
    const [, nodePool] = manifestOf(template, karpenterPrefix);
    expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': (4 + 1) * 1 + (2 + 1) * 2 });
    expect(() => new GpuClusterService(stack, 'C', { cluster, artifact: artifact(stack, '1.6.0'), serviceName: 'c', nodeProvisioning: GpuNodeProvisioning.karpenter({ capacityTypes: [GpuCapacityType.SPOT] }) }))
      .toThrow(/Shared\/C: 'nodeProvisioning' .* differs from the GPU NodePool another service set up on this cluster.*Fix: Pass the same nodeProvisioning options on every service/);
  });
});

test('Karpenter on an eks.Cluster without any node for its controller warns at synth (and not with default capacity)', () => {
  const warnings = (defaultCapacity: number, nodegroup: boolean) => {
    const stack = new Stack(new App(), 'W', { env: ENV });
    const cluster = newCluster(stack, { defaultCapacity });
    new GpuClusterService(stack, 'Recsys', { cluster, artifact: artifact(stack) });
    if (nodegroup) { cluster.addNodegroupCapacity('System', { minSize: 2 }); }
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('karpenter-needs-system-nodes'));
  };
  expect(warnings(0, false).map(w => w.entry.data)).toEqual([expect.stringMatching(/W\/Cluster has no default capacity, node group, Auto Scaling group or Fargate profile: Karpenter's controller/)]);
  expect(warnings(0, true)).toEqual([]);
  expect(warnings(2, false)).toEqual([]);
});

test('the kubelet pulls an ECR serving image with the Karpenter node role (the grant goes there, not to the pods)', () => {
  const stack = new Stack(new App(), 'Ecr', { env: ENV });
  const cluster = newCluster(stack);
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'tritonserver');
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models-bucket');
  new GpuClusterService(stack, 'Recsys', {
    cluster,
    artifact: ModelArtifact.fromBucket(bucket, 'recsys/1.4.0/model.tar.gz', { name: 'recsys', version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], image: ServingImage.fromEcrRepository(repo, '24.08-py3') }),
  });
  const template = Template.fromStack(stack);
  const pulls = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => JSON.stringify(p.Properties.PolicyDocument).includes('ecr:BatchGetImage')) as any[];
  expect(pulls.map(p => p.Properties.Roles[0].Ref)).toEqual([expect.stringMatching(/^ClusterCdkInferenceLanesKarpenterSetupNodeRole/)]);
});

test('managedNodeGroup() is the gpuNodeGroup path: a node group and the device plugin, no Karpenter; its lead time counts no node launch', () => {
  const stack = new Stack(new App(), 'Ng', { env: ENV });
  const service = new GpuClusterService(stack, 'Recsys', {
    cluster: newCluster(stack), artifact: artifact(stack), autoscaling: policy(4),
    nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4 }),
  });
  const template = Template.fromStack(stack);
  expect(service.nodeProvisioning).toBe(GpuNodeProvisioningKind.MANAGED_NODE_GROUP);
  template.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_x86_64_NVIDIA', ScalingConfig: { MaxSize: 4, MinSize: 1 } });
  template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'nvidia-device-plugin' });
  expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).not.toContain('"Chart":"karpenter"');
  expect(service.scaleOutLeadTime.steps.find(s => s.step.startsWith('free GPU on the node group'))!.duration.toSeconds()).toBe(0);
  // Its options keep the gpuNodeGroup names in messages.
  expect(() => new GpuClusterService(stack, 'B', { cluster: service.node.scope!.node.findChild('Cluster') as eks.Cluster, artifact: artifact(stack, '1.5.0'), serviceName: 'b', autoscaling: policy(9), nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 8 }) }))
    .toThrow(/'gpuNodeGroup.maxSize' \(8\) holds at most 8 pods/);
});

describe('imported clusters', () => {
  const build = (props: Partial<GpuClusterServiceProps>) => {
    const stack = new Stack(new App(), 'Imp', { env: ENV });
    const service = new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact: artifact(stack), ...props });
    return { stack, service, template: Template.fromStack(stack) };
  };

  test('by default nothing is provisioned: the cluster\'s existing nodes (lead time without a node launch)', () => {
    const { service, template } = build({});
    expect(service.nodeProvisioning).toBe(GpuNodeProvisioningKind.EXISTING_NODES);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/karpenter|NodePool|nvidia-device-plugin/);
    expect(service.scaleOutLeadTime.steps.map(s => s.step)).toContain('free GPU on an existing node (node provisioning is the cluster\'s)');
    expect(service.scaleOutLeadTime.total.toSeconds()).toBe(30 + 60 + 0 + 20 + 30);
  });

  test('Karpenter already running there: only the NodePool and EC2NodeClass (discovery tags), with the given node role', () => {
    const { stack, service, template } = build({
      nodeProvisioning: GpuNodeProvisioning.karpenter({ installController: false, nodeRole: iam.Role.fromRoleName(new Stack(), 'R', 'KarpenterNodeRole-recsys-gpu') }),
    });
    expect(service.karpenter).toBeUndefined();
    expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).not.toContain('"karpenter"');
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    const [nodeClass, nodePool] = manifestOf(template, 'ClusterCdkInferenceLanesKarpenterSetupNodePool');
    expect(nodeClass.spec.role).toBe('KarpenterNodeRole-recsys-gpu');
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'recsys-gpu' } }]);
    expect(nodeClass.spec.securityGroupSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'recsys-gpu' } }]);
    expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': 2 });
    expect(service.nodePool).toBeDefined();
    expect(stack.node.path).toBe('Imp');
  });

  test('EKS Auto Mode: a NodePool on the Auto Mode NodeClass, no Karpenter, no device plugin (Auto Mode brings it)', () => {
    const { service, template } = build({ nodeProvisioning: GpuNodeProvisioning.autoMode({ instanceFamilies: ['g6'] }) });
    expect(service.nodeProvisioning).toBe(GpuNodeProvisioningKind.AUTO_MODE);
    const [nodePool] = manifestOf(template, 'ClusterCdkInferenceLanesAutoModeGpuNodePool');
    expect(nodePool.spec.template.spec.nodeClassRef).toEqual({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' });
    expect(nodePool.spec.template.spec.requirements[0]).toEqual({ key: 'eks.amazonaws.com/instance-family', operator: 'In', values: ['g6'] });
    expect(nodePool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    template.resourceCountIs('Custom::AWSCDK-EKS-HelmChart', 0);
    expect(KubernetesSchema.format(KubernetesSchema.validateManifests(JSON.stringify([nodePool])).problems)).toBe('');
    expect(crdProblems(nodePool)).toEqual([]);
    expect(service.scaleOutLeadTime.steps[2].step).toBe('Auto Mode batching of Pending pods');
  });
});

describe('rejections', () => {
  const onNew = (props: (s: Stack) => Partial<GpuClusterServiceProps>) => () => {
    const stack = new Stack(new App(), 'N', { env: ENV });
    new GpuClusterService(stack, 'Recsys', { cluster: newCluster(stack), artifact: artifact(stack), autoscaling: policy(4), ...props(stack) });
  };
  const onImported = (props: (s: Stack) => Partial<GpuClusterServiceProps>) => () => {
    const stack = new Stack(new App(), 'I', { env: ENV });
    new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact: artifact(stack), ...props(stack) });
  };
  const karp = (o: Parameters<typeof GpuNodeProvisioning.karpenter>[0]) => () => ({ nodeProvisioning: GpuNodeProvisioning.karpenter(o) });

  test.each<[string, () => void, RegExp]>([
    ['Karpenter on an imported cluster without a node role', onImported(karp({})),
      /I\/Recsys: 'nodeProvisioning.nodeRole' is required when the lane does not install Karpenter \(an imported cluster\).*Fix: Pass GpuNodeProvisioning.karpenter\(\{ installController: false, nodeRole/],
    ['installing Karpenter on an imported cluster', onImported(karp({ installController: true })),
      /I\/Recsys: 'nodeProvisioning.installController' \(true\) cannot install Karpenter on an imported cluster/],
    ['installController false without a node role on a new cluster', onNew(karp({ installController: false })),
      /'nodeProvisioning.nodeRole' is required when the lane does not install Karpenter \(installController: false\)/],
    ['a version with installController false', onNew(() => ({ nodeProvisioning: GpuNodeProvisioning.karpenter({ installController: false, nodeRole: iam.Role.fromRoleName(new Stack(), 'R', 'n'), version: '1.14.1' }) })),
      /'nodeProvisioning.version' \("1.14.1"\) is not used: installController is false/],
    ['Auto Mode on an eks.Cluster', onNew(() => ({ nodeProvisioning: GpuNodeProvisioning.autoMode() })),
      /'nodeProvisioning' \("autoMode"\) needs a cluster that runs EKS Auto Mode, and an eks.Cluster \(aws-eks\) cannot enable it/],
    ['reserved capacity on Auto Mode', onImported(() => ({ nodeProvisioning: GpuNodeProvisioning.autoMode({ capacityTypes: [GpuCapacityType.RESERVED] }) })),
      /'nodeProvisioning.capacityTypes' \(\["reserved"\]\) includes RESERVED, which an Auto Mode NodePool only uses/],
    ['a node group and nodeProvisioning together', onNew(() => ({ gpuNodeGroup: { maxSize: 4 }, nodeProvisioning: GpuNodeProvisioning.karpenter() })),
      /'gpuNodeGroup' \(\["g5.xlarge"\]\) is given together with nodeProvisioning \(karpenter\)/],
    ['a floating chart version', onNew(karp({ version: 'latest' })), /'nodeProvisioning.version' \("latest"\) is not a pinned chart version/],
    ['a chart older than 1.3.0', onNew(karp({ version: '1.2.9' })), /'nodeProvisioning.version' \("1.2.9"\) is older than 1.3.0/],
    ['no instance family', onNew(karp({ instanceFamilies: [] })), /'nodeProvisioning.instanceFamilies' \(\[\]\) is empty/],
    ['an instance type as a family', onNew(karp({ instanceFamilies: ['g5.xlarge'] })), /'nodeProvisioning.instanceFamilies\[0\]' \("g5.xlarge"\) is not an NVIDIA GPU instance family/],
    ['a CPU family', onNew(karp({ instanceFamilies: ['m5'] })), /'nodeProvisioning.instanceFamilies\[0\]' \("m5"\) is not an NVIDIA GPU instance family/],
    ['Arm and x86 families together', onNew(karp({ instanceFamilies: ['g5', 'g5g'] })), /'nodeProvisioning.instanceFamilies' \(\["g5","g5g"\]\) mixes Arm \(g5g\) and x86_64 families/],
    ['no capacity type', onNew(karp({ capacityTypes: [] })), /'nodeProvisioning.capacityTypes' \(\[\]\) is empty/],
    ['an unknown capacity type', onNew(karp({ capacityTypes: ['preemptible' as GpuCapacityType] })), /'nodeProvisioning.capacityTypes\[0\]' \("preemptible"\) is not one of 'on-demand', 'spot', 'reserved'/],
    ['reserved capacity without reservations', onNew(karp({ capacityTypes: [GpuCapacityType.RESERVED] })), /includes RESERVED without capacityReservationIds/],
    ['reservations without reserved capacity', onNew(karp({ capacityReservationIds: ['cr-0123456789abcdef0'] })), /'nodeProvisioning.capacityReservationIds' \(\["cr-0123456789abcdef0"\]\) are not used: capacityTypes has no GpuCapacityType.RESERVED/],
    ['a bad reservation id', onNew(karp({ capacityTypes: [GpuCapacityType.RESERVED], capacityReservationIds: ['odcr-1'] })), /'nodeProvisioning.capacityReservationIds\[0\]' \("odcr-1"\) is not a capacity reservation id/],
    ['a GPU limit below the policy\'s peak (4 pods × 1 GPU)', onNew(karp({ maxGpus: 3 })), /'nodeProvisioning.maxGpus' \(3\) is below what the policy's maxCapacity \(4\) pods of 1 GPU\(s\) need \(4\).*Fix: Raise maxGpus to at least 5/],
    ['a GPU limit that cannot be derived (maxCapacity only known at deploy time)', onNew((st) => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: Token.asNumber(new CfnParameter(st, 'Max', { type: 'Number' })), triggers: [ScalingTrigger.inFlightPerInstance(8)] }) })),
      /'nodeProvisioning.maxGpus' is needed: the policy's maxCapacity \(or gpuCount\) is only known at deploy time/],
    ['subnets the cluster VPC does not have', onNew(() => ({ nodeProvisioning: GpuNodeProvisioning.karpenter({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }) })),
      /'nodeProvisioning.subnets' \("a subnet selection"\) selects no subnet of the cluster's VPC/],
    ['a budget above 100%', onNew(karp({ disruptionBudgetPercent: 101 })), /'nodeProvisioning.disruptionBudgetPercent' \(101\)/],
    ['a window that is not cron', onNew(karp({ noDisruptionWindows: [{ schedule: 'every wednesday', duration: Duration.hours(1) }] })), /'nodeProvisioning.noDisruptionWindows\[0\].schedule' \("every wednesday"\) is not a 5-field cron expression/],
    ['a window of seconds', onNew(karp({ noDisruptionWindows: [{ schedule: '0 11 * * 3', duration: Duration.seconds(90) }] })), /'nodeProvisioning.noDisruptionWindows\[0\].duration' \("1 minute 30 seconds"\) is not a whole number of minutes/],
    ['a fractional consolidateAfter', onNew(karp({ consolidateAfter: Duration.millis(1500) })), /'nodeProvisioning.consolidateAfter' .* is not a whole number of seconds/],
    ['an AMI version that is not a release', onNew(karp({ amiVersion: '2025.11' })), /'nodeProvisioning.amiVersion' \("2025.11"\) is not 'latest' or a release version/],
    ['a root volume below the AMI snapshot', onNew(karp({ rootVolumeSize: Size.gibibytes(19) })), /'nodeProvisioning.rootVolumeSize' \("19 GiB"\) is not a whole number of GiB from 20/],
    ['a device plugin on Bottlerocket', onNew(karp({ amiFamily: KarpenterAmiFamily.BOTTLEROCKET, devicePluginVersion: '0.17.2' })), /'nodeProvisioning.devicePluginVersion' \("0.17.2"\) is not used: Bottlerocket NVIDIA AMIs ship the NVIDIA device plugin/],
    ['a device plugin version without the plugin', onNew(karp({ installDevicePlugin: false, devicePluginVersion: '0.17.2' })), /'nodeProvisioning.devicePluginVersion' \("0.17.2"\) is not used: installDevicePlugin is false/],
    ['pods that do not tolerate the GPU taint', onNew(() => ({ tolerations: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }] })),
      /'tolerations' .* do not tolerate the NodePool's taint nvidia.com\/gpu=true:NoSchedule \(nodeProvisioning\)/],
    ['pods pinned to a type outside the families', onNew(() => ({ instanceTypes: ['p4d.24xlarge'], cpu: 8 })), /'instanceTypes' \(\["p4d.24xlarge"\]\) has no type of the NodePool's instance families \(g5, g6, g6e\)/],
    ['pods with more GPUs than any size of the families', onNew(() => ({ gpuCount: 9, cpu: 8 })), /'gpuCount' \(9\) is more than any size of the NodePool's families has \(at most 8 GPUs in g5, g6, g6e\)/],
    ['Auto Mode after Karpenter on the same cluster', () => {
      const stack = new Stack(new App(), 'Mix', { env: ENV });
      const cluster = importedCluster(stack);
      new GpuClusterService(stack, 'A', { cluster, artifact: artifact(stack), serviceName: 'a', nodeProvisioning: GpuNodeProvisioning.autoMode() });
      new GpuClusterService(stack, 'B', { cluster, artifact: artifact(stack, '1.5.0'), serviceName: 'b', nodeProvisioning: GpuNodeProvisioning.karpenter({ installController: false, nodeRole: iam.Role.fromRoleName(stack, 'R', 'n') }) });
    }, /Mix\/B: 'nodeProvisioning' \("karpenter"\) differs from the Auto Mode node provisioning another service set up on this cluster/],
  ])('rejects %s', (_what, build, message) => {
    expect(build).toThrow(message);
  });

  test('boundaries: a GPU limit equal to the peak, a 100% budget, a 1-minute window (cron or @daily), 8 GPUs per pod on g5/g6/g6e and a 20 GiB root are accepted', () => {
    expect(onNew(karp({ maxGpus: 4 }))).not.toThrow();
    expect(onNew(karp({ disruptionBudgetPercent: 100, noDisruptionWindows: [{ schedule: '@daily', duration: Duration.minutes(1) }] }))).not.toThrow();
    expect(onNew(karp({ disruptionBudgetPercent: 100, noDisruptionWindows: [{ schedule: '0 0 * * *', duration: Duration.minutes(1) }] }))).not.toThrow();
    expect(onNew(karp({ rootVolumeSize: Size.gibibytes(20) }))).not.toThrow();
    expect(onNew(() => ({ gpuCount: 8, cpu: 8 }))).not.toThrow();
    // A deploy-time maxCapacity is not checked against maxGpus (unknown), and maxGpus is the limit.
    expect(onNew((st) => ({
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: Token.asNumber(new CfnParameter(st, 'Max', { type: 'Number' })), triggers: [ScalingTrigger.inFlightPerInstance(8)] }),
      nodeProvisioning: GpuNodeProvisioning.karpenter({ maxGpus: 12 }),
    }))).not.toThrow();
  });
});
