import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HardwareTarget, LaneValidationError, ModelArtifact, ModelPrecision, RouteTargetKind, ServingImage } from '../../lib/core';
import { GpuClusterService, GpuClusterServiceProps } from '../../lib/gpu-cluster';
import { routeProbe } from '../routing/route-probe';

function service(props: Partial<GpuClusterServiceProps> = {}) {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'recsys-gpu',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl-handler',
      kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
      handlerRole: iam.Role.fromRoleArn(stack, 'KubectlHandlerRole', 'arn:aws:iam::111122223333:role/kubectl-handler'),
    }),
  });
  const artifact = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
    name: 'recsys', version: '1.4.0', framework: 'onnx', precision: ModelPrecision.FP16, targets: [HardwareTarget.NVIDIA_GPU],
    digest: 'sha256:' + 'cd'.repeat(32), image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
  const svc = new GpuClusterService(stack, 'Recsys', { cluster, artifact, namespace: 'recsys', ...props });
  return { stack, svc };
}

describe('GpuClusterService.routeTarget()', () => {
  test('without routeUrl (the default): no route target', () => {
    expect(service().svc.routeTarget()).toBeUndefined();
  });

  test('with routeUrl: an HTTP target the router POSTs to, and no IAM grant (the network decides)', () => {
    const { stack, svc } = service({ routeUrl: 'https://recsys.internal.example.com/v2/models/recsys/infer' });
    const target = svc.routeTarget();
    expect(target?.kind).toBe(RouteTargetKind.HTTP);
    const p = routeProbe(stack, target);
    expect(p.config).toContain('"primary":{"kind":"http","url":"https://recsys.internal.example.com/v2/models/recsys/infer"');
    expect(p.statements.filter(s => /^(sagemaker|lambda|sqs):/.test(String(s.Action)))).toEqual([]);
  });

  test('routeUrl boundaries: http:// is accepted (inside a VPC), a token is not checked, a URL without a scheme is rejected', () => {
    expect(service({ routeUrl: 'http://10.0.0.5:8000/invocations' }).svc.routeTarget()?.kind).toBe(RouteTargetKind.HTTP);
    const { stack } = service();
    const param = new CfnParameter(stack, 'Url').valueAsString;
    expect(() => service({ routeUrl: param })).not.toThrow();
    expect(() => service({ routeUrl: 'recsys.internal.example.com/infer' })).toThrow(LaneValidationError);
    expect(() => service({ routeUrl: 'recsys.internal.example.com/infer' }))
      .toThrow(/S\/Recsys: 'routeUrl' \("recsys.internal.example.com\/infer"\) is not an http:\/\/ or https:\/\/ URL\. Fix: Pass the Gateway or load balancer URL/);
  });
});
