// Hand-written binding (not generated): no installed @kubernetes-models package has the Kyverno CRDs, so
// scripts/gen-crd-imports.ts cannot generate it. Same pattern as the generated files; the fields are
// those of kyverno/kyverno api/kyverno/v1 (ClusterPolicy, Rule, ImageVerification, AttestorSet, Attestor,
// StaticKeyAttestor, CertificateAttestor) in Kyverno 1.12+, JSON names as in the CRD. Only the fields
// the GPU lane renders; not exported from the package.
/* eslint-disable */
import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';
import { Construct } from 'constructs';

/** `ClusterPolicy.spec.rules.match.any.resources.selector`. */
export interface ClusterPolicySpecRulesMatchAnyResourcesSelector {
  readonly matchLabels?: { [key: string]: string };
}

/** `ClusterPolicy.spec.rules.match.any.resources` (ResourceDescription). */
export interface ClusterPolicySpecRulesMatchAnyResources {
  readonly kinds?: string[];
  readonly namespaces?: string[];
  readonly selector?: ClusterPolicySpecRulesMatchAnyResourcesSelector;
}

/** `ClusterPolicy.spec.rules.match.any` (ResourceFilter). */
export interface ClusterPolicySpecRulesMatchAny {
  readonly resources: ClusterPolicySpecRulesMatchAnyResources;
}

/** `ClusterPolicy.spec.rules.match` (MatchResources). */
export interface ClusterPolicySpecRulesMatch {
  readonly any: ClusterPolicySpecRulesMatchAny[];
}

/** `ClusterPolicy.spec.rules.validate.foreach.deny.conditions.any` (Condition). */
export interface ClusterPolicySpecRulesValidateForeachDenyConditionsAny {
  readonly key: string;
  /** `Equals`, `NotEquals`, `AnyIn`, `AllIn`, `AnyNotIn`, `AllNotIn`, ... */
  readonly operator: string;
  readonly value: string[];
}

/** `ClusterPolicy.spec.rules.validate.foreach.deny.conditions` (AnyAllConditions). */
export interface ClusterPolicySpecRulesValidateForeachDenyConditions {
  readonly any: ClusterPolicySpecRulesValidateForeachDenyConditionsAny[];
}

/** `ClusterPolicy.spec.rules.validate.foreach.deny`. */
export interface ClusterPolicySpecRulesValidateForeachDeny {
  readonly conditions: ClusterPolicySpecRulesValidateForeachDenyConditions;
}

/** `ClusterPolicy.spec.rules.validate.foreach` (ForEachValidation). */
export interface ClusterPolicySpecRulesValidateForeach {
  /** A JMESPath expression over the admission request that yields the list to iterate. */
  readonly list: string;
  readonly deny: ClusterPolicySpecRulesValidateForeachDeny;
}

/** `ClusterPolicy.spec.rules.validate` (Validation). */
export interface ClusterPolicySpecRulesValidate {
  readonly message: string;
  readonly foreach: ClusterPolicySpecRulesValidateForeach[];
}

/** `ClusterPolicy.spec.rules.verifyImages.attestors.entries.keys.rekor` (Rekor). */
export interface ClusterPolicySpecRulesVerifyImagesAttestorsEntriesKeysRekor {
  readonly url: string;
  readonly ignoreTlog?: boolean;
}

/** `ClusterPolicy.spec.rules.verifyImages.attestors.entries.keys.ctlog` (CTLog). */
export interface ClusterPolicySpecRulesVerifyImagesAttestorsEntriesKeysCtlog {
  readonly ignoreSCT?: boolean;
}

/** `ClusterPolicy.spec.rules.verifyImages.attestors.entries.keys` (StaticKeyAttestor). */
export interface ClusterPolicySpecRulesVerifyImagesAttestorsEntriesKeys {
  /** PEM public key(s) of cosign signatures. */
  readonly publicKeys: string;
  /** `sha256` (default) or `sha512`. */
  readonly signatureAlgorithm?: string;
  /** Rekor transparency log (`url` is required by the CRD); `ignoreTlog` skips the log lookup. */
  readonly rekor?: ClusterPolicySpecRulesVerifyImagesAttestorsEntriesKeysRekor;
  /** Certificate transparency (SCT) check; `ignoreSCT` skips it. */
  readonly ctlog?: ClusterPolicySpecRulesVerifyImagesAttestorsEntriesKeysCtlog;
}

/** `ClusterPolicy.spec.rules.verifyImages.attestors.entries.certificates` (CertificateAttestor). */
export interface ClusterPolicySpecRulesVerifyImagesAttestorsEntriesCertificates {
  /** PEM certificate (JSON name `cert`). */
  readonly cert: string;
}

/** `ClusterPolicy.spec.rules.verifyImages.attestors.entries` (Attestor: exactly one of keys, certificates). */
export interface ClusterPolicySpecRulesVerifyImagesAttestorsEntries {
  readonly keys?: ClusterPolicySpecRulesVerifyImagesAttestorsEntriesKeys;
  readonly certificates?: ClusterPolicySpecRulesVerifyImagesAttestorsEntriesCertificates;
}

/** `ClusterPolicy.spec.rules.verifyImages.attestors` (AttestorSet). */
export interface ClusterPolicySpecRulesVerifyImagesAttestors {
  readonly count?: number;
  readonly entries: ClusterPolicySpecRulesVerifyImagesAttestorsEntries[];
}

/** `ClusterPolicy.spec.rules.verifyImages` (ImageVerification). */
export interface ClusterPolicySpecRulesVerifyImages {
  /** `Cosign` (default) or `Notary`. */
  readonly type?: string;
  readonly imageReferences: string[];
  readonly attestors: ClusterPolicySpecRulesVerifyImagesAttestors[];
  /** Replace tags by digests (CRD default true). */
  readonly mutateDigest: boolean;
  /** Require a digest (CRD default true). */
  readonly verifyDigest: boolean;
  /** Every matching image must be verified (CRD default true). */
  readonly required: boolean;
}

/** `ClusterPolicy.spec.rules` (Rule). */
export interface ClusterPolicySpecRules {
  readonly name: string;
  readonly match: ClusterPolicySpecRulesMatch;
  readonly validate?: ClusterPolicySpecRulesValidate;
  readonly verifyImages?: ClusterPolicySpecRulesVerifyImages[];
}

/** `ClusterPolicy.spec` (Spec). */
export interface ClusterPolicySpec {
  /** `Enforce` or `Audit` (Kyverno 1.12; 1.13+ also reads it, preferring a rule's `failureAction`). */
  readonly validationFailureAction: string;
  readonly background: boolean;
  /** 1-30. */
  readonly webhookTimeoutSeconds?: number;
  readonly rules: ClusterPolicySpecRules[];
}

/** Props of {@link ClusterPolicy}. */
export interface ClusterPolicyProps {
  /** Object metadata. */
  readonly metadata?: ApiObjectMetadata;
  /** The spec. */
  readonly spec: ClusterPolicySpec;
}

/** A Kyverno cluster-wide policy (`kyverno.io/v1`, kind `ClusterPolicy`). */
export class ClusterPolicy extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy' };

  public constructor(scope: Construct, id: string, props: ClusterPolicyProps) {
    super(scope, id, { ...ClusterPolicy.GVK, metadata: props.metadata, spec: props.spec });
  }
}
