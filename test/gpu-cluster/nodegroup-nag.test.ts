import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, ScalingTrigger, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuNodeProvisioning } from '../../lib/gpu-cluster';
import { NagCheck } from '../../lib/testing';

/*
 * A user's app needs no suppressions: whichever node source the lane creates, cdk-nag reports nothing on
 * the lane's own resources (the findings on aws-cdk-lib's eks.Cluster internals are the cluster's, not the lane's).
 */
test.each([
  ['managedNodeGroup()', GpuNodeProvisioning.managedNodeGroup({ maxSize: 4 })],
  ['karpenter()', GpuNodeProvisioning.karpenter()],
])('%s: no cdk-nag finding on the lane\'s resources, the node role\'s AWS-maintained policies acknowledged with a reason', (_name, nodeProvisioning) => {
  const stack = new Stack(new App(), 'Ng', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33, defaultCapacity: 2,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl:1'),
  });
  const artifact = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'M', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
    name: 'recsys', version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], digest: 'sha256:' + 'cd'.repeat(32),
    image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
  new GpuClusterService(stack, 'Recsys', {
    cluster, artifact, nodeProvisioning,
    autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(8)] }),
  });
  const nag = NagCheck.check(stack);
  const lanes = [...nag.errors, ...nag.warnings].filter(f => f.resourcePath.startsWith('Ng/Recsys/') || /CdkInferenceLanes/.test(f.resourcePath));
  expect(NagCheck.format(lanes)).toBe('');
  const role = Object.values(stack.node.findAll()).find(c => c.node.path.endsWith('GpuNodes/NodeGroupRole/Resource') || c.node.path.endsWith('Karpenter/NodeRole/Resource')
    || /KarpenterSetup\/NodeRole\/Resource$/.test(c.node.path));
  expect(role).toBeDefined();
  expect(JSON.stringify((role as any).cfnOptions.metadata)).toMatch(/AwsSolutions-IAM4.*AmazonEKSWorkerNodePolicy/);
});
