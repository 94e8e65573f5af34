import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The existing EKS cluster the GPU-lane tests attach to (imported: no cluster is created), optionally with its OIDC provider. */
export function importedCluster(stack: Stack, withOidc: boolean = false): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'recsys-gpu',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl-handler',
      kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
      handlerRole: iam.Role.fromRoleArn(stack, 'KubectlHandlerRole', 'arn:aws:iam::111122223333:role/kubectl-handler'),
    }),
    openIdConnectProvider: withOidc
      ? iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123')
      : undefined,
  });
}
