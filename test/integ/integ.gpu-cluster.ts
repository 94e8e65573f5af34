/**
 * Integration test of examples/gpu-cluster (the EKS stack). It imports an existing GPU cluster, so
 * `npm run integ` needs one (pass `-c gpu-cluster:clusterName=...` and the kubectl role/provider ARNs,
 * see examples/gpu-cluster/index.ts); `npm test` checks its snapshot offline.
 */
import { App } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createGpuClusterStack } from '../../examples/gpu-cluster';

const app = new App();
const stack = createGpuClusterStack(app, 'IntegGpuCluster');
const test = new IntegTest(app, 'IntegGpuClusterInteg', { testCases: [stack] });
const clusterName = stack.node.tryGetContext('gpu-cluster:clusterName') ?? 'recsys-gpu';
// The cluster the manifests were applied to is up; the kubectl custom resources succeeded or the deploy failed.
test.assertions.awsApiCall('EKS', 'describeCluster', { name: clusterName })
  .expect(ExpectedResult.objectLike({ cluster: { name: clusterName, status: 'ACTIVE' } }));
app.synth();
