import * as crypto from 'crypto';
import { Token } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { requirePinnedImage } from '../../core/private/image-pinning';
import { checkDnsSubdomain } from '../../core/private/validation';
import { AdmissionController, ImageAdmissionPolicyOptions } from '../gpu-serving-options';
import { ClusterPolicy, ClusterPolicySpecRules, ClusterPolicySpecRulesMatch, ClusterPolicySpecRulesVerifyImages } from '../imports/kyverno.io';

/**
 * # The GPU chart's image admission policy (issue 20 part 5, supply chain)
 *
 * One Kyverno `ClusterPolicy` (kyverno.io/v1, Kyverno 1.12+) over the chart's pods (its namespace and
 * its `app.kubernetes.io/name` + `inference.cdk/lane` labels):
 *
 * - rule `chart-image-digests` (validate, foreach over containers, init and ephemeral containers):
 *   denies any image not in the list of exact `repo@sha256:...` references the chart renders;
 * - rule `chart-image-signatures` (verifyImages, with a cosign key or a Notary certificate): the
 *   serving images must carry a signature by that key. `mutateDigest: false` (the images already
 *   are digests, and Kyverno refuses `mutateDigest: true` with the Audit action), `verifyDigest` and
 *   `required` true.
 * @internal
 */

/** One image the chart renders, with the prop that set it. */
export interface ChartImage {
  readonly prop: string;
  readonly image: string;
  /** Serving images are signature-checked; helper images (fetch, unpack) are only digest-pinned. */
  readonly signed: boolean;
}

export interface AdmissionPolicyInput {
  readonly base: string;
  readonly namespace?: string;
  readonly podLabels: { [key: string]: string };
  readonly labels: { [key: string]: string };
  readonly images: ChartImage[];
}

const REKOR_URL = 'https://rekor.sigstore.dev';
const PEM_KEY_RE = /^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/;
const PEM_CERT_RE = /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

/** Check the options and every image before anything is rendered. */
export function checkAdmissionPolicy(scope: Construct, o: ImageAdmissionPolicyOptions, images: ChartImage[]): void {
  const p = 'admissionPolicy';
  if (o === null || typeof o !== 'object') {
    throw invalid(scope, p, o, 'is not an object', 'Pass { controller: AdmissionController.KYVERNO, cosignPublicKey } or {} for the digest allowlist only.');
  }
  const controller = o.controller ?? AdmissionController.KYVERNO;
  if (controller === AdmissionController.GATEKEEPER) {
    throw invalid(scope, `${p}.controller`, controller,
      'is not supported: Gatekeeper verifies image signatures only through Ratify (an external data provider with its own CRDs and verifiers), which this chart neither installs nor configures',
      'Use AdmissionController.KYVERNO (install Kyverno 1.12+ in the cluster), or omit admissionPolicy and apply your Gatekeeper ConstraintTemplate with Ratify yourself.');
  }
  if (controller !== AdmissionController.KYVERNO) {
    throw invalid(scope, `${p}.controller`, controller, 'is not an AdmissionController', 'Use AdmissionController.KYVERNO.');
  }
  if (o.cosignPublicKey !== undefined && o.notaryCertificate !== undefined) {
    throw invalid(scope, `${p}.notaryCertificate`, 'a certificate', 'is given together with cosignPublicKey: the chart renders one signature check', 'Give cosignPublicKey (cosign signatures) or notaryCertificate (Notation signatures), not both.');
  }
  if (o.cosignPublicKey !== undefined) {
    checkPem(scope, `${p}.cosignPublicKey`, o.cosignPublicKey, PEM_KEY_RE, 'key', 'Pass the output of `cosign public-key --key <key>` (a PEM public key).');
  }
  if (o.notaryCertificate !== undefined) {
    checkPem(scope, `${p}.notaryCertificate`, o.notaryCertificate, PEM_CERT_RE, 'certificate', 'Pass the PEM certificate (or CA certificate) your Notation signing key chains to.');
  }
  if (o.transparencyLog !== undefined && o.cosignPublicKey === undefined) {
    throw invalid(scope, `${p}.transparencyLog`, o.transparencyLog, 'is not used: only a cosign key signature is looked up in Rekor', 'Drop transparencyLog, or give cosignPublicKey.');
  }
  checkDnsSubdomain(scope, `${p}.policyName`, o.policyName, "Pass a DNS subdomain such as 'recsys-images'.");
  for (const i of images) {
    requirePinnedImage(scope, i.prop, i.image, 'the admission policy admits only the digests the chart renders (a tag may later name other bytes)');
  }
}

function checkPem(scope: Construct, prop: string, value: string, re: RegExp, what: 'key' | 'certificate', fix: string): void {
  if (typeof value !== 'string' || Token.isUnresolved(value) || !re.test(value)) {
    throw invalid(scope, prop, typeof value === 'string' && value.length > 60 ? value.slice(0, 60) + '...' : value, `is not a PEM ${what === 'key' ? 'public key' : 'certificate'} known at synth`, fix);
  }
  try {
    if (what === 'key') { crypto.createPublicKey(value); } else { new crypto.X509Certificate(value); }
  } catch (e) {
    throw invalid(scope, prop, value.slice(0, 60) + '...', `does not parse as a ${what === 'key' ? 'public key' : 'certificate'} (${(e as Error).message})`, fix);
  }
}

/** The ClusterPolicy. */
export function renderAdmissionPolicy(scope: Construct, o: ImageAdmissionPolicyOptions, input: AdmissionPolicyInput): ClusterPolicy {
  const images = [...new Set(input.images.map(i => i.image))];
  const signed = [...new Set(input.images.filter(i => i.signed).map(i => i.image))];
  const match: ClusterPolicySpecRulesMatch = {
    any: [{
      resources: {
        kinds: ['Pod'],
        ...(input.namespace ? { namespaces: [input.namespace] } : {}),
        selector: { matchLabels: input.podLabels },
      },
    }],
  };
  const rules: ClusterPolicySpecRules[] = [{
    name: 'chart-image-digests',
    match,
    validate: {
      message: `Pods of ${input.base} may only run the image digests its chart renders: ${images.join(', ')}.`,
      foreach: [{
        list: 'request.object.spec.[ephemeralContainers, initContainers, containers][]',
        deny: { conditions: { any: [{ key: '{{ element.image }}', operator: 'AnyNotIn', value: images }] } },
      }],
    },
  }];
  const verify = verifyImagesOf(o, signed);
  if (verify) { rules.push({ name: 'chart-image-signatures', match, verifyImages: [verify] }); }
  const name = o.policyName ?? (input.namespace ? `${input.namespace}-${input.base}-images` : `${input.base}-images`);
  const policy = new ClusterPolicy(scope, 'ImageAdmissionPolicy', {
    metadata: {
      name,
      labels: input.labels,
      annotations: {
        'policies.kyverno.io/title': `Image digests and signatures of ${input.base}`,
        'policies.kyverno.io/subject': 'Pod',
        'policies.kyverno.io/minversion': '1.12.0',
      },
    },
    spec: {
      validationFailureAction: o.auditOnly ? 'Audit' : 'Enforce',
      // Admission only: a background scan would need registry access from the reports controller.
      background: false,
      // Signature lookups call the registry (and Rekor): the API server's maximum.
      webhookTimeoutSeconds: 30,
      rules,
    },
  });
  // A ClusterPolicy is cluster-scoped: drop the chart namespace cdk8s puts on every object.
  if (input.namespace) { policy.addJsonPatch(cdk8s.JsonPatch.remove('/metadata/namespace')); }
  return policy;
}

function verifyImagesOf(o: ImageAdmissionPolicyOptions, signed: string[]): ClusterPolicySpecRulesVerifyImages | undefined {
  const common = { imageReferences: signed, mutateDigest: false, verifyDigest: true, required: true };
  if (o.cosignPublicKey !== undefined) {
    const tlog = o.transparencyLog ?? true;
    return {
      type: 'Cosign', ...common,
      attestors: [{
        entries: [{
          keys: {
            publicKeys: o.cosignPublicKey.trim(),
            signatureAlgorithm: 'sha256',
            rekor: tlog ? { url: REKOR_URL } : { url: REKOR_URL, ignoreTlog: true },
            ...(tlog ? {} : { ctlog: { ignoreSCT: true } }),
          },
        }],
      }],
    };
  }
  if (o.notaryCertificate !== undefined) {
    return { type: 'Notary', ...common, attestors: [{ entries: [{ certificates: { cert: o.notaryCertificate.trim() } }] }] };
  }
  return undefined;
}
