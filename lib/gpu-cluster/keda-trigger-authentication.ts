import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Pod identity KEDA uses for a scaler (`spec.podIdentity`).
 */
export interface KedaPodIdentity {
  /** Provider, e.g. `aws`. */
  readonly provider: string;

  /**
   * IAM role KEDA assumes for the scaler.
   *
   * @default - KEDA's own identity (its service account's role)
   */
  readonly roleArn?: string;

  /**
   * Whose identity: `keda` (the operator's) or `workload` (the scaled workload's service account).
   *
   * @default 'keda'
   */
  readonly identityOwner?: string;
}

/**
 * Spec of a KEDA TriggerAuthentication.
 */
export interface KedaTriggerAuthenticationSpec {
  /**
   * Use a pod identity provider.
   *
   * @default - none
   */
  readonly podIdentity?: KedaPodIdentity;
}

/**
 * Props of {@link KedaTriggerAuthentication}.
 */
export interface KedaTriggerAuthenticationProps {
  /**
   * Object metadata.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;

  /** The spec. */
  readonly spec: KedaTriggerAuthenticationSpec;
}

/**
 * A KEDA TriggerAuthentication (`keda.sh/v1alpha1`): how a scaler gets credentials, e.g. AWS pod
 * identity for the `aws-sqs-queue` scaler.
 *
 * @see https://keda.sh/docs/latest/authentication-providers/aws/
 */
export class KedaTriggerAuthentication extends ApiObject {
  /** API version. */
  public static readonly API_VERSION = 'keda.sh/v1alpha1';
  /** Kind. */
  public static readonly KIND = 'TriggerAuthentication';

  constructor(scope: Construct, id: string, props: KedaTriggerAuthenticationProps) {
    super(scope, id, { apiVersion: KedaTriggerAuthentication.API_VERSION, kind: KedaTriggerAuthentication.KIND, metadata: props.metadata, spec: props.spec });
  }
}
