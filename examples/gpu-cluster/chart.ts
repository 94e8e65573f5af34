import * as cdk8s from 'cdk8s';
// Until lib/index.ts re-exports this lane (`export * from './gpu-cluster'`), import it directly.
import { GpuServingChart } from '../../lib/gpu-cluster';
import { recsysServingOptions } from './recsys';

/**
 * The same recommendation model as plain Kubernetes YAML for a cluster outside AWS (or an EKS
 * cluster managed with kubectl/GitOps). The init container fetches the weights from S3 with the
 * credentials in the `recsys-s3-reader` Secret (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`);
 * on EKS, drop `fetchCredentialsSecret` and annotate the service account for IRSA or associate
 * it with EKS Pod Identity instead.
 */
export function createGpuServingChart(app: cdk8s.App, id: string = 'recsys'): GpuServingChart {
  return new GpuServingChart(app, id, {
    ...recsysServingOptions(),
    namespace: 'recsys',
    disableResourceNameHashes: true,
    model: {
      name: 'assistant',
      version: '1.4.0',
      weightsUri: 's3://ml-models-example/assistant/1.4.0/fp16/model.tar.gz',
      imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      compressed: true,
      weightsDigest: 'sha256:a63959c0237fd7e3cb431a2884f05e738cf5389ad49825bc004aa134931eeb3e',
      framework: 'pytorch',
      precision: 'fp16',
    },
    awsRegion: 'us-east-1',
    fetchCredentialsSecret: 'recsys-s3-reader',
  });
}
