import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { Duration } from 'aws-cdk-lib';
import { HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, Rollout, ServingImage, ShadowTraffic } from '../../lib/core';
import { GpuServingChart, GpuServingChartProps, KubernetesRolloutMode } from '../../lib/gpu-cluster';
import { demoArtifact } from '../../examples/shared/artifact';

// Issue 16 item 3: a plain chart takes the shared ModelArtifact (weights already in S3), with a clear
// error for what needs a stack; the hand-typed `model` keeps working.

// Buckets are referenced by name only: the scope is a throwaway stack, the chart never sees it.
const refs = new Stack();
const bucket = s3.Bucket.fromBucketName(refs, 'Models', 'models-bucket');
const IMAGE = ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3');
const DIGEST = 'sha256:' + 'ef'.repeat(32);
const artifact = (version: string, extra: object = {}) => ModelArtifact.fromBucket(bucket, `recsys/${version}/model.tar.gz`, {
  name: 'recsys', version, framework: 'onnx', precision: ModelPrecision.FP16, targets: [HardwareTarget.NVIDIA_GPU], digest: DIGEST, image: IMAGE, ...extra,
});
function chart(props: Partial<GpuServingChartProps>): any[] {
  return new GpuServingChart(new cdk8s.App(), 'recsys', { namespace: 'recsys', ...props } as GpuServingChartProps).toJson();
}
const deployment = (objs: any[], name: string = 'recsys') => objs.find(o => o.kind === 'Deployment' && o.metadata.name === name);

test('an artifact in S3 renders like the hand-typed model: URI, image, digest, precision and card', () => {
  const objs = chart({ artifact: artifact('1.4.0') });
  const pod = deployment(objs).spec.template;
  expect(pod.spec.containers[0].image).toBe('nvcr.io/nvidia/tritonserver:24.08-py3');
  expect(pod.spec.initContainers[0].env).toEqual(expect.arrayContaining([{ name: 'MODEL_S3_URI', value: 's3://models-bucket/recsys/1.4.0/model.tar.gz' }]));
  expect(pod.spec.initContainers[1].env).toEqual(expect.arrayContaining([{ name: 'MODEL_DIGEST', value: 'sha256:' + 'ef'.repeat(32) }, { name: 'MODEL_COMPRESSED', value: 'true' }]));
  expect(pod.metadata.annotations).toMatchObject({ 'inference.cdk/precision': 'fp16', 'inference.cdk/model': 'recsys@1.4.0' });
  expect(JSON.parse(pod.metadata.annotations['inference.cdk/model-card'])).toMatchObject({ name: 'recsys', version: '1.4.0', framework: 'onnx' });
  expect(pod.metadata.labels['app.kubernetes.io/version']).toBe('1.4.0');
});

test('the NVIDIA_GPU variant is served when the primary build is for another target', () => {
  const multi = ModelArtifact.fromBucket(bucket, 'recsys/1.4.0/cpu.tar.gz', {
    name: 'recsys', version: '1.4.0', image: IMAGE,
    variants: [{ target: HardwareTarget.NVIDIA_GPU, precision: ModelPrecision.FP16, weights: ModelWeights.fromBucket(bucket, 'recsys/1.4.0/gpu.tar.gz') }],
  });
  expect(deployment(chart({ artifact: multi })).spec.template.spec.initContainers[0].env).toEqual(expect.arrayContaining([{ name: 'MODEL_S3_URI', value: 's3://models-bucket/recsys/1.4.0/gpu.tar.gz' }]));
});

test('GATEWAY_API canary and shadow traffic from artifacts (stableArtifact, ShadowTraffic)', () => {
  const objs = chart({
    artifact: artifact('1.5.0'), stableArtifact: artifact('1.4.0'), gateway: { name: 'gw' },
    rolloutMode: KubernetesRolloutMode.GATEWAY_API, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }),
    shadow: new ShadowTraffic({ candidate: artifact('1.6.0'), samplePercent: 5 }),
  });
  expect(deployment(objs).spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.4.0');
  expect(deployment(objs, 'recsys-canary').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.5.0');
  expect(deployment(objs, 'recsys-shadow').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.6.0');
  expect(objs.find(o => o.kind === 'HTTPRoute').spec.rules[0].filters[0].requestMirror).toEqual({ backendRef: { name: 'recsys-shadow', port: 8000 }, percent: 5 });
});

test.each<[string, () => Partial<GpuServingChartProps>, RegExp]>([
  ['a local asset (needs a stack to upload)', () => ({ artifact: demoArtifact('1.4.0') }),
    /^recsys: 'artifact' \("assistant@1.4.0"\) needs a CDK stack to upload its local asset \S+model.tar.gz: a plain chart has no stack. Fix: Upload the weights to S3 and pass ModelArtifact.fromBucket\(.*or deploy with GpuClusterService/],
  ['an image in an ECR repository of a stack (known at deploy time only)', () => ({ artifact: artifact('1.4.0', { image: ServingImage.fromEcrRepository(new ecr.Repository(new Stack(), 'Repo'), '24.08') }) }),
    /'artifact' \("recsys@1.4.0"\) has an image that is only known at deploy time \(a bucket or repository from a stack\)/],
  ['an artifact without an NVIDIA_GPU build', () => ({ artifact: ModelArtifact.fromBucket(bucket, 'cpu.tar.gz', { name: 'recsys', version: '1.4.0', image: IMAGE }) }),
    /'artifact' \(recsys@1.4.0\) has no build for hardware target 'nvidia-gpu'/],
  ['both model and artifact', () => ({ artifact: artifact('1.4.0'), model: { name: 'recsys', version: '1.4.0', weightsUri: 's3://b/k.tar.gz', imageUri: 'x/y:1' } }),
    /'artifact' \("recsys@1.4.0"\) conflicts with 'model' \(recsys@1.4.0\)/],
  ['neither model nor artifact', () => ({}), /'model' is required \(or artifact\)/],
  ['shadow next to shadowModel', () => ({ artifact: artifact('1.4.0'), gateway: { name: 'gw' }, shadow: new ShadowTraffic({ candidate: artifact('1.6.0'), samplePercent: 5 }), shadowPercent: 5 }),
    /'shadow' \("recsys@1.6.0"\) conflicts with 'shadowModel'\/'shadowPercent'/],
  ['a shadow artifact of the live version', () => ({ artifact: artifact('1.4.0'), gateway: { name: 'gw' }, shadow: new ShadowTraffic({ candidate: artifact('1.4.0'), samplePercent: 5 }) }),
    /'shadow.candidate' \("recsys@1.4.0"\) is the version already in production/],
])('rejects %s', (_what, props, message) => {
  expect(() => chart(props())).toThrow(message);
});
