import { App, Aws, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AutoscalingPolicy, HardwareTarget, LaneKind, ModelArtifact, ModelPrecision, ScalingTrigger, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuClusterServiceProps, TritonModelConfig, WorkloadIdentity } from '../../lib/gpu-cluster';
import { importedCluster } from './imported-cluster';

type K8sObject = { kind: string; metadata: { name: string; [k: string]: any }; spec?: any; [k: string]: any };


function bucketArtifact(stack: Stack, version: string = '1.4.0'): ModelArtifact {
  const bucket = s3.Bucket.fromBucketName(stack, `Models${version.replace(/\./g, '')}`, 'models-bucket');
  return ModelArtifact.fromBucket(bucket, `recsys/${version}/model.tar.gz`, {
    name: 'recsys', version, framework: 'onnx', precision: ModelPrecision.FP16,
    targets: [HardwareTarget.NVIDIA_GPU],
    digest: 'sha256:' + 'cd'.repeat(32),
    image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
}

function objectsOf(stack: Stack, service: GpuClusterService): K8sObject[] {
  return stack.resolve(service.chart.toJson()) as K8sObject[];
}

describe('on an imported cluster with EKS Pod Identity, KEDA and a queue', () => {
  // GIVEN an imported cluster, an artifact in an existing bucket and a queue-backlog policy, built once
  const stack = new Stack(new App(), 'Imported', { env: { account: '111122223333', region: 'us-east-1' } });
  const queue = new sqs.Queue(stack, 'Jobs', { encryption: sqs.QueueEncryption.SQS_MANAGED });
  const service = new GpuClusterService(stack, 'Recsys', {
    cluster: importedCluster(stack),
    artifact: bucketArtifact(stack),
    namespace: 'recsys',
    installKeda: true,
    queue,
    autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(8), ScalingTrigger.queueBacklogPerInstance(20)] }),
    triton: new TritonModelConfig({ maxBatchSize: 32, preferredBatchSizes: [16, 32], maxQueueDelay: Duration.millis(2) }),
  });
  const template = Template.fromStack(stack);
  const objs = objectsOf(stack, service);

  test('the pods\' role is assumed through EKS Pod Identity for exactly the recsys service account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }],
      },
      Description: 'Pods of recsys in recsys: read the model weights',
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'recsys-gpu', Namespace: 'recsys', ServiceAccount: 'recsys',
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecsysWorkloadRole'), 'Arn'] },
    });
  });

  test('the role can read exactly the bound weights object, nothing else', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^RecsysWorkloadRole') }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::models-bucket/recsys/1.4.0/model.tar.gz']] },
    }]);
  });

  test('KEDA is installed from its Helm chart, reads the queue through its own role, and the manifests wait for both', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'keda', Repository: 'https://kedacore.github.io/charts', Release: 'keda', Namespace: 'keda', Version: '2.17.2', Wait: true, CreateNamespace: true,
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'keda', ServiceAccount: 'keda-operator' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sqs:GetQueueAttributes', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Jobs'), 'Arn'] } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^ClusterCdkInferenceLanesKedaOperatorRole') }],
    });
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const [logicalId, manifest] = Object.entries(manifests).find(([id]) => id.startsWith('RecsysManifests'))!;
    expect(logicalId).toMatch(/^RecsysManifests[0-9A-F]{8}$/);
    const dependsOn: string[] = (manifest as any).DependsOn;
    const helm = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0];
    const associations = Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation'));
    expect(dependsOn).toEqual(expect.arrayContaining([helm, ...associations]));
    expect((manifest as any).Properties.ServiceToken).toBe('arn:aws:lambda:us-east-1:111122223333:function:kubectl-handler');
  });

  test('the chart carries the bound S3 URI, the region and the queue URL, and scales on in-flight requests and the backlog', () => {
    const init = objs.find(o => o.kind === 'Deployment')!.spec.template.spec.initContainers[0];
    expect(init.env).toEqual(expect.arrayContaining([
      { name: 'MODEL_S3_URI', value: 's3://models-bucket/recsys/1.4.0/model.tar.gz' },
      { name: 'AWS_REGION', value: 'us-east-1' },
    ]));
    const so = objs.find(o => o.kind === 'ScaledObject')!;
    expect(so.spec.triggers.map((t: any) => t.type)).toEqual(['prometheus', 'aws-sqs-queue']);
    expect(so.spec.triggers[1].metadata.queueURL).toEqual({ Ref: expect.stringMatching(/^Jobs/) });
    expect(objs.find(o => o.kind === 'TriggerAuthentication')!.spec).toEqual({ podIdentity: { provider: 'aws' } });
    expect(objs.find(o => o.kind === 'ServiceAccount')!.metadata.annotations).toBeUndefined();
  });

  test('implements IInferenceLane: GPU capacity, no CloudWatch metrics, no IAM invoke, model tags', () => {
    expect(service.laneKind).toBe(LaneKind.GPU_CLUSTER);
    expect(service.artifactVersion).toBe('1.4.0');
    expect(service.capacity).toMatchObject({ minInstances: 1, maxInstances: 10, hardware: HardwareTarget.NVIDIA_GPU, priceClass: 'per-instance-hour' });
    expect(service.metricLatency()).toBeUndefined();
    expect(service.sloAlarms).toEqual([]);
    // watched outside CloudWatch: no Application Signals SLOs, burn-rate alarms, saturation or capacity metrics
    expect([service.serviceLevelObjectives, service.sloBurnRateAlarms, service.saturationMetrics, service.metricCapacityInService()]).toEqual([[], [], [], undefined]);
    expect(() => service.grantInvoke(new iam.AccountRootPrincipal())).toThrow(/Imported\/Recsys: 'grantInvoke' is not supported: a gpu-cluster lane is not invoked through IAM\. Fix: Reach the lane through its own entry point \(its Kubernetes Service/);
    template.hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'inference:lane', Value: 'gpu-cluster' }, { Key: 'model:target', Value: 'nvidia-gpu' }, { Key: 'model:version', Value: '1.4.0' }]),
    });
  });
});

describe('on a cluster defined in the app, with IRSA and a GPU node group', () => {
  // GIVEN an eks.Cluster (kubectl layer imported: no layer package is installed here), built once
  const stack = new Stack(new App(), 'Owned', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_31,
    defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl-v31:1'),
  });
  const repo = ecr.Repository.fromRepositoryName(stack, 'Triton', 'tritonserver');
  const artifact = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
    name: 'recsys', version: '1.4.0', framework: 'onnx', targets: [HardwareTarget.NVIDIA_GPU], image: ServingImage.fromEcrRepository(repo, '24.08-py3'),
  });
  const service = new GpuClusterService(stack, 'Recsys', {
    cluster, artifact, namespace: 'recsys',
    workloadIdentity: WorkloadIdentity.IRSA,
    gpuNodeGroup: { maxSize: 8, instanceTypes: ['g5.xlarge', 'g5.2xlarge'] },
  });
  const template = Template.fromStack(stack);

  test('creates an NVIDIA node group tainted for GPU workloads, and lets its nodes pull the serving image', () => {
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_x86_64_NVIDIA',
      InstanceTypes: ['g5.xlarge', 'g5.2xlarge'],
      ScalingConfig: { MinSize: 1, MaxSize: 8 },
      DiskSize: 100,
      CapacityType: 'ON_DEMAND',
      Taints: [{ Effect: 'NO_SCHEDULE', Key: 'nvidia.com/gpu', Value: 'true' }],
      Labels: { 'inference.cdk/accelerator': 'nvidia-gpu' },
    });
    const nodeRole = Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.startsWith('RecsysGpuNodesNodeGroupRole'))!;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'] })]) },
      Roles: [{ Ref: nodeRole }],
    });
  });

  test('the pods\' role trusts the cluster\'s OIDC provider for the recsys service account, and the chart annotates it', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: { Ref: Match.stringLikeRegexp('^ClusterOpenIdConnectProvider') } } })] },
      Description: 'Pods of recsys in recsys: read the model weights',
    });
    const conditions = Object.values(template.findResources('AWS::CloudFormation::CustomResource'))
      .concat(Object.values(template.findResources('Custom::AWSCDKCfnJson')))
      .map((r: any) => JSON.stringify(r.Properties.Value));
    expect(conditions.some(v => v.includes('system:serviceaccount:recsys:recsys') && v.includes('sts.amazonaws.com'))).toBe(true);
    const sa = objectsOf(stack, service).find(o => o.kind === 'ServiceAccount')!;
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': { 'Fn::GetAtt': [expect.stringMatching(/^RecsysWorkloadRole/), 'Arn'] } });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
  });

  test('the manifests are applied after the node group', () => {
    const manifest = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith('RecsysManifests'))![1] as any;
    const nodegroup = Object.keys(template.findResources('AWS::EKS::Nodegroup'))[0];
    expect(manifest.DependsOn).toEqual(expect.arrayContaining([nodegroup]));
  });
});

test('services of one cluster share one KEDA release and one KEDA operator role', () => {
  const stack = new Stack(new App(), 'Shared', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = importedCluster(stack);
  const backlog = () => new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] });
  new GpuClusterService(stack, 'A', { cluster, artifact: bucketArtifact(stack), serviceName: 'a', installKeda: true, queue: new sqs.Queue(stack, 'QA'), autoscaling: backlog() });
  new GpuClusterService(stack, 'B', { cluster, artifact: bucketArtifact(stack, '1.5.0'), serviceName: 'b', installKeda: true, queue: new sqs.Queue(stack, 'QB'), autoscaling: backlog() });
  const template = Template.fromStack(stack);
  template.resourceCountIs('Custom::AWSCDK-EKS-HelmChart', 1);
  template.resourcePropertiesCountIs('AWS::EKS::PodIdentityAssociation', { ServiceAccount: 'keda-operator' }, 1);
  const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ClusterCdkInferenceLanesKedaOperatorRole') }] } }))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  expect(statements.map((st: any) => st.Resource['Fn::GetAtt'][0])).toEqual([expect.stringMatching(/^QA/), expect.stringMatching(/^QB/)]);
  expect(() => new GpuClusterService(stack, 'C', { cluster, artifact: bucketArtifact(stack, '1.6.0'), serviceName: 'c', installKeda: true, kedaVersion: '2.15.0' }))
    .toThrow(/Shared\/C: 'kedaVersion' \("2.15.0"\) differs from the KEDA 2.17.2 another service installs on this cluster/);
});

test('with Pod Identity on a cluster defined in the app, the agent add-on is created and the pods wait for it', () => {
  const stack = new Stack(new App(), 'PodIdentity');
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_31, defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'L', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl:1'),
  });
  new GpuClusterService(stack, 'Recsys', { cluster, artifact: bucketArtifact(stack) });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
  const addon = Object.keys(template.findResources('AWS::EKS::Addon'))[0];
  const manifest = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.startsWith('RecsysManifests'))![1] as any;
  expect(manifest.DependsOn).toEqual(expect.arrayContaining([addon]));
});

describe('rejections', () => {
  const build = (overrides: (stack: Stack) => Partial<GpuClusterServiceProps>) => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    return () => new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact: bucketArtifact(stack), ...overrides(stack) });
  };

  test.each<[string, (stack: Stack) => Partial<GpuClusterServiceProps>, RegExp]>([
    ['a node group on an imported cluster', () => ({ gpuNodeGroup: { maxSize: 4 } }),
      /S\/Recsys: 'gpuNodeGroup' \(\["g5.xlarge"\]\) needs a cluster defined in this app \(eks.Cluster\)/],
    ['IRSA without the imported cluster\'s OIDC provider', () => ({ workloadIdentity: WorkloadIdentity.IRSA }),
      /'workloadIdentity' \("IRSA"\) needs the cluster's OpenID Connect provider/],
    ['a queue trigger without a queue', () => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }) }),
      /'queue' is required by the queueBacklogPerInstance trigger/],
    ['a queue trigger KEDA cannot read', (s) => ({ queue: new sqs.Queue(s, 'Q'), autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }) }),
      /'kedaOperatorRole' is needed to let KEDA read the queue/],
    ['a queue without a queue trigger', (s) => ({ queue: new sqs.Queue(s, 'Q') }),
      /'queue' \("S\/Q"\) is not used: the policy has no queueBacklogPerInstance trigger/],
    ['a model package', () => ({ artifact: ModelArtifact.fromModelPackage('arn:aws:sagemaker:us-east-1:111122223333:model-package/recsys/3', { name: 'recsys', version: '3', targets: [HardwareTarget.NVIDIA_GPU], image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3') }) }),
      /'artifact' \("recsys@3"\) has no S3 weights/],
    ['an artifact without a GPU build', (s) => ({ artifact: ModelArtifact.fromBucket(s3.Bucket.fromBucketName(s, 'B', 'cpu-models'), 'k.tar.gz', { name: 'cpu-only', version: '1', image: ServingImage.fromRegistry('python:3.12') }) }),
      /S\/Recsys: 'artifact' \(cpu-only@1\) has no build for hardware target 'nvidia-gpu'/],
    ['a namespace that is not DNS-safe', () => ({ namespace: 'RecSys' }), /S\/Recsys: 'namespace' \("RecSys"\) is not a valid Kubernetes name \(RFC 1123 label\)/],
  ])('rejects %s', (_what, overrides, message) => {
    expect(build(overrides)).toThrow(message);
  });

  test('rejects a node group without NVIDIA drivers or GPUs', () => {
    const stack = new Stack(new App(), 'N');
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_31, defaultCapacity: 0,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'L', `arn:aws:lambda:us-east-1:${Aws.ACCOUNT_ID}:layer:kubectl:1`),
    });
    const props = { cluster, artifact: bucketArtifact(stack) };
    expect(() => new GpuClusterService(stack, 'A', { ...props, gpuNodeGroup: { maxSize: 2, amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD } }))
      .toThrow(/'gpuNodeGroup.amiType' \("AL2023_x86_64_STANDARD"\) has no NVIDIA driver/);
    expect(() => new GpuClusterService(stack, 'B', { ...props, gpuNodeGroup: { maxSize: 2, instanceTypes: ['m5.xlarge'] } }))
      .toThrow(/'gpuNodeGroup.instanceTypes\[0\]' \("m5.xlarge"\) is not an NVIDIA GPU instance type/);
  });
});
