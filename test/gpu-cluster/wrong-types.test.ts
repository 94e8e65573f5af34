import { App, Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { HardwareTarget, LaneValidationError, ModelArtifact, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuServingChart, ServingRuntime, TritonModelConfig } from '../../lib/gpu-cluster';
import { importedCluster } from './imported-cluster';
import * as s3 from 'aws-cdk-lib/aws-s3';

/*
 * Issue 19's new GPU props from plain JavaScript or another jsii language: a value of the wrong type is
 * a LaneValidationError naming the prop, never a TypeError and never silently read as "set".
 */
const MODEL = { name: 'recsys', version: '1.4.0', weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz', imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3', framework: 'onnx' };
const chart = (extra: object) => () => new GpuServingChart(new cdk8s.App(), 'C', { model: MODEL, ...extra } as any);

test.each([
  ['servingRuntime {}', chart({ servingRuntime: {} }), /^C: 'servingRuntime' \(\{\}\) is not a ServingRuntime\. Fix: Pass ServingRuntime\.triton\(config\?\) or ServingRuntime\.vllm\(options\), or omit it \(Triton\)\.$/],
  ['servingRuntime "vllm"', chart({ servingRuntime: 'vllm' }), /'servingRuntime' \("vllm"\) is not a ServingRuntime/],
  ['servingRuntime null', chart({ servingRuntime: null }), /'servingRuntime' \(null\) is not a ServingRuntime/],
  ['modelCache "yes"', chart({ modelCache: 'yes' }), /'modelCache' \("yes"\) is not a props object\. Fix: Pass \{\} for the default directory/],
  ['modelCache.hostPath 5', chart({ modelCache: { hostPath: 5 } }), /'modelCache.hostPath' \(5\) is not a string/],
  ['vllm options "x"', () => ServingRuntime.vllm('x' as any), /^ServingRuntime\.vllm: 'options' \("x"\) is not a props object/],
  ['vllm extraArgs "x"', () => ServingRuntime.vllm({ extraArgs: 'x' } as any), /'extraArgs' \("x"\) is not a list/],
  ['triton warmup "x"', () => new TritonModelConfig({ warmup: 'x' } as any), /^TritonModelConfig: 'warmup' \("x"\) is not a props object/],
  ['triton disableWarmup "x"', () => new TritonModelConfig({ disableWarmup: 'x' } as any), /^TritonModelConfig: 'disableWarmup' \("x"\) is not a boolean\. Fix: Pass true or false, or omit it\.$/],
])('%s', (_name, make, message) => {
  expect(make).toThrow(LaneValidationError);
  expect(make).toThrow(message);
});

describe('GpuClusterService', () => {
  const service = (extra: object) => () => {
    const stack = new Stack(new App(), 'Svc', { env: { account: '111122223333', region: 'us-east-1' } });
    const artifact = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'M', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
      name: 'recsys', version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], digest: 'sha256:' + 'cd'.repeat(32),
      image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
    });
    new GpuClusterService(stack, 'Recsys', { cluster: importedCluster(stack), artifact, ...extra } as any);
  };
  test.each([
    ['nodeProvisioning {}', { nodeProvisioning: {} }, /^Svc\/Recsys: 'nodeProvisioning' \(\{\}\) is not a GpuNodeProvisioning\. Fix: Use GpuNodeProvisioning\.karpenter\(\), \.autoMode\(\), \.managedNodeGroup\(\) or \.existingNodes\(\)\.$/],
    ['nodeProvisioning null', { nodeProvisioning: null }, /'nodeProvisioning' \(null\) is not a GpuNodeProvisioning/],
    ['containerInsights "yes"', { containerInsights: 'yes' }, /^Svc\/Recsys: 'containerInsights' \("yes"\) is not a boolean/],
  ])('%s', (_name, extra, message) => {
    expect(service(extra)).toThrow(LaneValidationError);
    expect(service(extra)).toThrow(message);
  });
});
