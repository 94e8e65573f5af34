/**
 * How the serving pods (and the model-fetch init container) get AWS credentials on EKS.
 */
export enum WorkloadIdentity {
  /**
   * EKS Pod Identity: an IAM role trusted by `pods.eks.amazonaws.com` and a
   * `AWS::EKS::PodIdentityAssociation` for the service account. Needs the
   * `eks-pod-identity-agent` add-on on the cluster (created for clusters defined in this app).
   */
  POD_IDENTITY = 'POD_IDENTITY',

  /**
   * IAM Roles for Service Accounts: an IAM role trusted by the cluster's OIDC provider for exactly
   * this service account, and the `eks.amazonaws.com/role-arn` annotation. Imported clusters need
   * `openIdConnectProvider` in their attributes.
   */
  IRSA = 'IRSA',
}
