import { Aws, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
// Until lib/index.ts re-exports this lane (`export * from './gpu-cluster'`), import it directly.
import { GpuCapacityType, GpuClusterService, GpuNodeProvisioning } from '../../lib/gpu-cluster';
import { demoArtifact } from '../shared/artifact';
import { recsysServingOptions } from './recsys';

/**
 * The seed's recommendation model on an existing EKS cluster with GPU nodes: Triton with dynamic
 * batching, KEDA scaling on in-flight requests with a 25% warm buffer and a cron floor for the 5x
 * flash sale, an Argo Rollouts canary (Gateway API weights) rolled back on the p95 SLO.
 *
 * The cluster is imported: this machine has no kubectl Lambda layer package
 * (`@aws-cdk/lambda-layer-kubectl-v31`), so the example reuses the kubectl provider of the stack that
 * created the cluster. Pass the real values as context:
 *
 *   -c gpu-cluster:clusterName=recsys-gpu
 *   -c gpu-cluster:kubectlRoleArn=arn:aws:iam::111122223333:role/recsys-gpu-kubectl
 *   -c gpu-cluster:kubectlFunctionArn=arn:aws:lambda:us-east-1:111122223333:function:recsys-gpu-kubectl-handler
 *   -c gpu-cluster:kubectlHandlerRoleArn=arn:aws:iam::111122223333:role/recsys-gpu-kubectl-handler
 *   -c gpu-cluster:karpenterNodeRoleName=KarpenterNodeRole-recsys-gpu
 *
 * GPU nodes come from Karpenter, which already runs in that cluster (an imported cluster cannot get
 * Karpenter's controller IAM, interruption queue or node access from here): the service adds a GPU
 * NodePool and EC2NodeClass for its node role, with room for the flash sale's peak, on-demand first and
 * Spot allowed, and no voluntary node disruption during the Wednesday sale.
 */
export function createGpuClusterStack(scope: Construct, id: string, props?: StackProps): Stack {
  const stack = new Stack(scope, id, {
    description: 'cdk-inference-lanes example: recommendation model on EKS GPU nodes (Triton, KEDA, Argo Rollouts)',
    ...props,
  });
  const ctx = (key: string, fallback: string): string => stack.node.tryGetContext(`gpu-cluster:${key}`) ?? fallback;
  const accountRole = (name: string) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`;

  const kubectlRoleArn = ctx('kubectlRoleArn', accountRole('recsys-gpu-kubectl'));
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: ctx('clusterName', 'recsys-gpu'),
    kubectlRoleArn,
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', {
      functionArn: ctx('kubectlFunctionArn', `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:recsys-gpu-kubectl-handler`),
      kubectlRoleArn,
      handlerRole: iam.Role.fromRoleArn(stack, 'KubectlHandlerRole', ctx('kubectlHandlerRoleArn', accountRole('recsys-gpu-kubectl-handler'))),
    }),
  });

  new GpuClusterService(stack, 'Recsys', {
    ...recsysServingOptions(),
    cluster,
    artifact: demoArtifact('1.4.0'),
    namespace: 'recsys',
    installKeda: true,
    nodeProvisioning: GpuNodeProvisioning.karpenter({
      installController: false,
      nodeRole: iam.Role.fromRoleName(stack, 'KarpenterNodeRole', ctx('karpenterNodeRoleName', 'KarpenterNodeRole-recsys-gpu'), { mutable: false }),
      instanceFamilies: ['g5', 'g6'],
      capacityTypes: [GpuCapacityType.ON_DEMAND, GpuCapacityType.SPOT],
      // The flash sale (Wednesdays 11:55-13:05 America/New_York = 15:55-17:05 UTC in winter, 16:55 in summer):
      // no consolidation or drift replacement from 15:00 to 18:00 UTC, covering both.
      noDisruptionWindows: [{ schedule: '0 15 * * 3', duration: Duration.hours(3) }],
    }),
  });

  return stack;
}
