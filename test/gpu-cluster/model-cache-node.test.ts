import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, ScalingTrigger, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuClusterServiceProps, GpuNodeProvisioning, KarpenterAmiFamily } from '../../lib/gpu-cluster';
import { CfnLint, NagCheck } from '../../lib/testing';
import { importedCluster } from './imported-cluster';
import { crdProblems } from './karpenter-crd';

// Issue 19 follow-up: the node side of modelCache. The hostPath directory must be writable by the
// pods' runAsUser: with Karpenter (AL2023) the lane creates it in the EC2NodeClass userData; Bottlerocket
// is rejected; elsewhere the lane warns with the alternatives.

const ENV = { account: '111122223333', region: 'us-east-1' };

function artifact(stack: Stack, name: string = 'recsys'): ModelArtifact {
  const bucket = s3.Bucket.fromBucketName(stack, `Models${name}`, 'models-bucket');
  return ModelArtifact.fromBucket(bucket, `${name}/1.4.0/model.tar.gz`, {
    name, version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], digest: 'sha256:' + 'cd'.repeat(32),
    image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
}

function newCluster(stack: Stack): eks.Cluster {
  return new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33, defaultCapacity: 2,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl:1'),
  });
}

const policy = new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(8)] });

/** The EC2NodeClass of the cluster's Karpenter NodePool manifest (CloudFormation references replaced). */
function nodeClassOf(template: Template): any {
  const [, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
    .find(([id]) => id.startsWith('ClusterCdkInferenceLanesKarpenterSetupNodePool'))! as [string, any];
  const m = resource.Properties.Manifest;
  const text = typeof m === 'string' ? m : m['Fn::Join'][1].map((p: any) => typeof p === 'string' ? p : (/Subnet/.test(JSON.stringify(p)) ? 'subnet-0123abcd' : /SecurityGroup/.test(JSON.stringify(p)) ? 'sg-0123abcd' : 'resolved')).join('');
  return JSON.parse(text).find((o: any) => o.kind === 'EC2NodeClass');
}

function build(extra: Partial<GpuClusterServiceProps>, imported: boolean = false) {
  const stack = new Stack(new App(), 'Cache', { env: ENV });
  const cluster = imported ? importedCluster(stack) : newCluster(stack);
  const service = new GpuClusterService(stack, 'Recsys', { cluster, artifact: artifact(stack), autoscaling: policy, ...extra });
  return { stack, cluster, service, template: Template.fromStack(stack) };
}

describe('Karpenter on AL2023: the EC2NodeClass user data creates the cache directory', () => {
  test('default path and runAsUser 1000: a MIME multi-part archive with one shell part, valid against the pinned CRD', () => {
    const { template } = build({ modelCache: {} });
    const nodeClass = nodeClassOf(template);
    expect(nodeClass.spec.userData).toBe([
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="//"',
      '',
      '--//',
      'Content-Type: text/x-shellscript; charset="us-ascii"',
      '',
      '#!/bin/bash',
      '# cdk-inference-lanes modelCache: the node directory the non-root pods fill (hostPath), owned by their runAsUser',
      'set -o errexit',
      "install -d -m 0750 -o 1000 -g 1000 '/var/lib/cdk-inference-lanes/model-cache'",
      '',
      '--//--',
      '',
    ].join('\n'));
    expect(crdProblems(nodeClass)).toEqual([]);
  });

  test('without modelCache no userData is rendered (Karpenter keeps its own)', () => {
    const { template } = build({});
    expect(nodeClassOf(template).spec).not.toHaveProperty('userData');
  });

  test('two services: both directories, each with its owner; the same directory twice is created once', () => {
    const stack = new Stack(new App(), 'Two', { env: ENV });
    const cluster = newCluster(stack);
    new GpuClusterService(stack, 'A', { cluster, artifact: artifact(stack, 'a'), autoscaling: policy, modelCache: {} });
    new GpuClusterService(stack, 'B', { cluster, artifact: artifact(stack, 'b'), autoscaling: policy, modelCache: { hostPath: '/mnt/models' }, runAsUser: 2000 });
    new GpuClusterService(stack, 'C', { cluster, artifact: artifact(stack, 'c'), autoscaling: policy, modelCache: {} });
    const userData: string = nodeClassOf(Template.fromStack(stack)).spec.userData;
    expect(userData.split('\n').filter(l => l.startsWith('install'))).toEqual([
      "install -d -m 0750 -o 1000 -g 1000 '/var/lib/cdk-inference-lanes/model-cache'",
      "install -d -m 0750 -o 2000 -g 2000 '/mnt/models'",
    ]);
  });

  test('one directory with two owners is rejected', () => {
    const stack = new Stack(new App(), 'Clash', { env: ENV });
    const cluster = newCluster(stack);
    new GpuClusterService(stack, 'A', { cluster, artifact: artifact(stack, 'a'), autoscaling: policy, modelCache: {} });
    expect(() => new GpuClusterService(stack, 'B', { cluster, artifact: artifact(stack, 'b'), autoscaling: policy, modelCache: {}, runAsUser: 2000 }))
      .toThrow(/Clash\/B: 'runAsUser' \(2000\) differs from the owner \(uid 1000\) another service of this cluster gave its model cache at \/var\/lib\/cdk-inference-lanes\/model-cache: one node directory has one owner\. Fix: Pass runAsUser: 1000, or a modelCache.hostPath of this service's own\./);
  });

  test('the rendered script really creates the directory with that owner and mode 0750 (run with bash)', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cache-node-')), 'model cache');
    const { template } = build({ modelCache: { hostPath: dir } });
    const userData: string = nodeClassOf(template).spec.userData;
    // The shell part, between its headers and the closing boundary. As root (user data runs as root)
    // it chowns to 1000; as another user only that user's own ids can be given.
    let script = userData.split('\n\n')[2].split('\n--//--')[0];
    const root = process.getuid!() === 0;
    if (!root) { script = script.split('-o 1000 -g 1000').join(`-o ${process.getuid!()} -g ${process.getgid!()}`); }
    execFileSync('bash', ['-c', script]);
    const st = fs.statSync(dir);
    expect(st.isDirectory()).toBe(true);
    expect(st.uid).toBe(root ? 1000 : process.getuid!());
    expect(st.mode & 0o777).toBe(0o750);
    // Idempotent (a reboot runs it again on an existing directory).
    execFileSync('bash', ['-c', script]);
  });
});

describe('the lane\'s managed node group (AL2023): a launch template with the same user data', () => {
  test('modelCache: the node group uses a launch template whose user data creates the directory, the disk moves into it (encrypted gp3)', () => {
    const { template } = build({ modelCache: {}, runAsUser: 2000, nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4, diskSize: Size.gibibytes(150) }) });
    const [[ltId, lt]] = Object.entries(template.findResources('AWS::EC2::LaunchTemplate')) as Array<[string, any]>;
    const data = lt.Properties.LaunchTemplateData;
    const userData = Buffer.from(data.UserData['Fn::Base64'], 'utf-8').toString();
    expect(userData).toContain('Content-Type: multipart/mixed; boundary="//"');
    expect(userData).toContain("install -d -m 0750 -o 2000 -g 2000 '/var/lib/cdk-inference-lanes/model-cache'");
    expect(data.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 150, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }]);
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_x86_64_NVIDIA',
      LaunchTemplate: { Id: { Ref: ltId }, Version: { 'Fn::GetAtt': [ltId, 'LatestVersionNumber'] } },
      DiskSize: Match.absent(),
    });
  });

  test('the node group with its launch template, and Karpenter with its user data, pass cdk-nag (what they add) and cfn-lint', () => {
    const stacks = [{ nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4 }) }, {}].map(extra => {
      const { stack } = build({ modelCache: {}, ...extra });
      const nag = NagCheck.check(stack);
      // What this change adds: the launch template, the EC2NodeClass manifest (the node group's own role is not new here).
      const ours = [...nag.errors, ...nag.warnings].filter(e => /CdkInferenceLanes|GpuNodesLaunchTemplate/.test(e.resourcePath));
      expect(NagCheck.format(ours)).toBe('');
      return stack;
    });
    // both stacks in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading)
    const lints = CfnLint.lintStacks(stacks);
    expect(lints).toHaveLength(2);
    lints.forEach(l => expect(CfnLint.format(l.errors)).toBe(''));
  });

  test('without modelCache: no launch template, diskSize on the node group (unchanged)', () => {
    const { template } = build({ nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4 }) });
    expect(Object.keys(template.findResources('AWS::EC2::LaunchTemplate'))).toHaveLength(0);
    template.hasResourceProperties('AWS::EKS::Nodegroup', { DiskSize: 100, LaunchTemplate: Match.absent() });
  });

  test('a Bottlerocket node group with modelCache is rejected', () => {
    expect(() => build({ modelCache: {}, nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4, amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64_NVIDIA }) }))
      .toThrow(/Cache\/Recsys: 'modelCache' \("\/var\/lib\/cdk-inference-lanes\/model-cache"\) needs a node directory owned by runAsUser, and Bottlerocket's user data is TOML settings without a shell.*Fix: Use an AL2023 NVIDIA amiType for gpuNodeGroup/);
  });
});

describe('where the lane cannot create the directory', () => {
  test('Bottlerocket with modelCache is rejected (TOML user data, no shell)', () => {
    expect(() => build({ modelCache: {}, nodeProvisioning: GpuNodeProvisioning.karpenter({ amiFamily: KarpenterAmiFamily.BOTTLEROCKET }) }))
      .toThrow(/Cache\/Recsys: 'modelCache' \("\/var\/lib\/cdk-inference-lanes\/model-cache"\) needs a node directory owned by runAsUser, and Bottlerocket's user data is TOML settings without a shell.*Use KarpenterAmiFamily.AL2023/);
  });

  test('Bottlerocket without modelCache still works (no userData)', () => {
    const { template } = build({ nodeProvisioning: GpuNodeProvisioning.karpenter({ amiFamily: KarpenterAmiFamily.BOTTLEROCKET }) });
    expect(nodeClassOf(template).spec).not.toHaveProperty('userData');
  });

  test.each([
    ['existing nodes', { nodeProvisioning: GpuNodeProvisioning.existingNodes() }, true, /the nodes are not the lane's/],
    ['EKS Auto Mode', { nodeProvisioning: GpuNodeProvisioning.autoMode() }, true, /EKS Auto Mode nodes take no user data/],
  ])('%s with modelCache: a warning naming the command and the alternatives', (_name, extra, imported, where) => {
    const { stack } = build({ modelCache: {}, ...extra } as Partial<GpuClusterServiceProps>, imported);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('gpu-model-cache-directory'));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toMatch(where);
    expect(text).toMatch(/install -d -m 0750 -o 1000 -g 1000 \/var\/lib\/cdk-inference-lanes\/model-cache/);
    expect(text).toMatch(/DaemonSet whose root init container only runs that command/);
  });

  test('no warning without modelCache, nor with Karpenter on AL2023 or the lane\'s managed node group', () => {
    for (const extra of [{ nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4 }) }, { modelCache: {} },
      { modelCache: {}, nodeProvisioning: GpuNodeProvisioning.managedNodeGroup({ maxSize: 4 }) }]) {
      const { stack } = build(extra);
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('gpu-model-cache-directory'))).toHaveLength(0);
    }
  });
});
