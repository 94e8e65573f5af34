import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations as CoreAnnotations, App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { imagePinning, ImagePinning, requirePinnedImage, warnUnpinnedImage } from '../../lib/core/private/image-pinning';
import { AdmissionController, GpuClusterService, GpuServingChart, GpuServingChartProps, ImageAdmissionPolicyOptions, KubernetesRolloutMode, ServedModel } from '../../lib/gpu-cluster';
import { KubernetesSchema } from '../../lib/testing/kubernetes-schema';
import { HardwareTarget, ModelArtifact, Rollout, ServingImage } from '../../lib/core';

/*
 * Issue 20 part 5 (supply chain): the GPU chart's image admission policy (Kyverno ClusterPolicy) and the
 * core image-pinning helper. The policy is checked field by field, and against the upstream Kyverno v1
 * CRD schema (test/gpu-cluster/fixtures, from kyverno/kyverno config/crds) with unknown fields rejected.
 */

const D = (c: string) => 'sha256:' + c.repeat(64);
const SERVING = `nvcr.io/nvidia/tritonserver@${D('a')}`;
const FETCH = `public.ecr.aws/aws-cli/aws-cli@${D('b')}`;
const UNPACK = `public.ecr.aws/docker/library/busybox@${D('c')}`;
const MODEL: ServedModel = {
  name: 'recsys', version: '1.4.0', weightsUri: 's3://models-bucket/recsys/1.4.0/model.tar.gz', imageUri: SERVING, weightsDigest: D('d'), framework: 'onnx',
};
const COSIGN_PUB = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'admission-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** A throwaway self-signed certificate, as a Notation signing CA would be. */
function certificate(): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=notation-test',
    '-keyout', path.join(tmp, 'k.pem'), '-out', path.join(tmp, 'c.pem'), '-days', '1'], { stdio: 'pipe' });
  return fs.readFileSync(path.join(tmp, 'c.pem'), 'utf-8');
}

function chart(admissionPolicy: ImageAdmissionPolicyOptions | undefined, props: Partial<GpuServingChartProps> = {}): GpuServingChart {
  return new GpuServingChart(new cdk8s.App(), 'recsys', {
    namespace: 'recsys', model: MODEL, fetchImage: FETCH, unpackImage: UNPACK, admissionPolicy, ...props,
  });
}
function policyOf(c: cdk8s.Chart): any {
  const found = (c.toJson() as any[]).filter(o => o.kind === 'ClusterPolicy');
  expect(found).toHaveLength(1);
  return found[0];
}

// ---- a strict structural check against the upstream CRD schema (unknown fields are errors) ----
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'kyverno.io_v1_clusterpolicy.schema.json'), 'utf-8'));
function schemaProblems(value: any, schema: any, at: string = ''): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties) { return []; }
  if (schema['x-kubernetes-int-or-string']) { return ['string', 'number'].includes(typeof value) ? [] : [`${at}: not int-or-string`]; }
  const type = schema.type;
  if (type === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) { return [`${at}: not an object`]; }
    const out: string[] = [];
    for (const r of schema.required ?? []) { if (!(r in value)) { out.push(`${at}.${r}: required`); } }
    for (const [k, v] of Object.entries(value)) {
      if (schema.properties?.[k]) { out.push(...schemaProblems(v, schema.properties[k], `${at}.${k}`)); } else if (schema.additionalProperties) {
        out.push(...schemaProblems(v, schema.additionalProperties, `${at}.${k}`));
      } else if (schema.properties) { out.push(`${at}.${k}: unknown field`); }
    }
    return out;
  }
  if (type === 'array') {
    if (!Array.isArray(value)) { return [`${at}: not an array`]; }
    return value.flatMap((v, i) => schemaProblems(v, schema.items, `${at}[${i}]`));
  }
  if (type === 'string' && typeof value !== 'string') { return [`${at}: not a string`]; }
  if (type === 'boolean' && typeof value !== 'boolean') { return [`${at}: not a boolean`]; }
  if (type === 'integer' && !Number.isInteger(value)) { return [`${at}: not an integer`]; }
  if (schema.enum && !schema.enum.includes(value)) { return [`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`]; }
  if (typeof schema.maximum === 'number' && value > schema.maximum) { return [`${at}: above ${schema.maximum}`]; }
  if (typeof schema.minimum === 'number' && value < schema.minimum) { return [`${at}: below ${schema.minimum}`]; }
  return [];
}

describe('admissionPolicy with a cosign key (Kyverno)', () => {
  const c = chart({ cosignPublicKey: COSIGN_PUB });
  const policy = policyOf(c);

  test('one cluster-scoped ClusterPolicy, Enforce, admission only, 30 s webhook timeout', () => {
    expect(policy.apiVersion).toBe('kyverno.io/v1');
    expect(policy.metadata.name).toBe('recsys-recsys-images');
    expect(policy.metadata.namespace).toBeUndefined();
    expect(policy.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'recsys', 'inference.cdk/lane': 'gpu-cluster' });
    expect(policy.metadata.annotations['policies.kyverno.io/minversion']).toBe('1.12.0');
    expect(policy.spec).toMatchObject({ validationFailureAction: 'Enforce', background: false, webhookTimeoutSeconds: 30 });
    expect(c.admissionPolicy).toBeDefined();
  });

  test('rule 1 denies any image of the chart\'s pods that is not one of the digests it renders (serving, fetch, unpack)', () => {
    const [digests] = policy.spec.rules;
    expect(digests.name).toBe('chart-image-digests');
    expect(digests.match).toEqual({ any: [{ resources: { kinds: ['Pod'], namespaces: ['recsys'], selector: { matchLabels: { 'app.kubernetes.io/name': 'recsys', 'inference.cdk/lane': 'gpu-cluster' } } } }] });
    expect(digests.validate.foreach).toEqual([{
      list: 'request.object.spec.[ephemeralContainers, initContainers, containers][]',
      deny: { conditions: { any: [{ key: '{{ element.image }}', operator: 'AnyNotIn', value: [FETCH, UNPACK, SERVING] }] } },
    }]);
    // the list is exactly the images the rendered pods run
    const pod = (c.toJson() as any[]).find(o => o.kind === 'Deployment').spec.template.spec;
    const run = [...pod.initContainers, ...pod.containers].map((x: any) => x.image);
    expect(new Set(run)).toEqual(new Set(digests.validate.foreach[0].deny.conditions.any[0].value));
    // the selector matches the chart's pods
    const podLabels = (c.toJson() as any[]).find(o => o.kind === 'Deployment').spec.template.metadata.labels;
    expect(podLabels).toMatchObject(digests.match.any[0].resources.selector.matchLabels);
  });

  test('the deny condition, evaluated as Kyverno does (AnyNotIn per container), admits the chart\'s pod and denies another image', () => {
    const rule = policy.spec.rules[0].validate.foreach[0].deny.conditions.any[0];
    const denied = (pod: any) => [...(pod.ephemeralContainers ?? []), ...(pod.initContainers ?? []), ...pod.containers].some((x: any) => !rule.value.includes(x.image));
    const pod = (c.toJson() as any[]).find(o => o.kind === 'Deployment').spec.template.spec;
    expect(denied(pod)).toBe(false);
    expect(denied({ ...pod, containers: [{ ...pod.containers[0], image: 'nvcr.io/nvidia/tritonserver:24.08-py3' }] })).toBe(true);
    expect(denied({ ...pod, ephemeralContainers: [{ name: 'debug', image: 'busybox' }] })).toBe(true);
  });

  test('rule 2 verifies the serving image\'s cosign signature (Rekor checked by default), digests required, no mutation', () => {
    const verify = policy.spec.rules[1];
    expect(verify.name).toBe('chart-image-signatures');
    expect(verify.match).toEqual(policy.spec.rules[0].match);
    expect(verify.verifyImages).toEqual([{
      type: 'Cosign', imageReferences: [SERVING], mutateDigest: false, verifyDigest: true, required: true,
      attestors: [{ entries: [{ keys: { publicKeys: COSIGN_PUB.trim(), signatureAlgorithm: 'sha256', rekor: { url: 'https://rekor.sigstore.dev' } } }] }],
    }]);
  });

  test('is valid against the upstream Kyverno v1 CRD schema (no unknown field), and the rest of the chart against Kubernetes', () => {
    expect(schemaProblems(policy, FIXTURE.schema)).toEqual([]);
    // the checker does catch a misspelt field
    expect(schemaProblems({ ...policy, spec: { ...policy.spec, rules: [{ ...policy.spec.rules[1], verifyImages: [{ ...policy.spec.rules[1].verifyImages[0], mutateDigests: false }] }] } }, FIXTURE.schema))
      .toEqual(['.spec.rules[0].verifyImages[0].mutateDigests: unknown field']);
    const result = KubernetesSchema.validateManifests(JSON.stringify(c.toJson()), { allowKindsWithoutSchema: ['kyverno.io/v1/ClusterPolicy'] });
    expect(KubernetesSchema.format(result.problems)).toBe('');
  });
});

describe('admissionPolicy variants', () => {
  test('transparencyLog: false skips Rekor and SCT (signatures made with --tlog-upload=false)', () => {
    const keys = policyOf(chart({ cosignPublicKey: COSIGN_PUB, transparencyLog: false })).spec.rules[1].verifyImages[0].attestors[0].entries[0].keys;
    expect(keys.rekor).toEqual({ url: 'https://rekor.sigstore.dev', ignoreTlog: true });
    expect(keys.ctlog).toEqual({ ignoreSCT: true });
  });

  test('a Notary certificate renders a Notary verifyImages rule with certificates (schema-valid)', () => {
    const cert = certificate();
    const policy = policyOf(chart({ notaryCertificate: cert }));
    expect(policy.spec.rules[1].verifyImages[0]).toEqual({
      type: 'Notary', imageReferences: [SERVING], mutateDigest: false, verifyDigest: true, required: true,
      attestors: [{ entries: [{ certificates: { cert: cert.trim() } }] }],
    });
    expect(schemaProblems(policy, FIXTURE.schema)).toEqual([]);
  });

  test('no key (documented default): the digest allowlist only; auditOnly renders Audit', () => {
    const policy = policyOf(chart({ auditOnly: true, policyName: 'recsys-digests' }));
    expect(policy.spec.rules.map((r: any) => r.name)).toEqual(['chart-image-digests']);
    expect(policy.spec.validationFailureAction).toBe('Audit');
    expect(policy.metadata.name).toBe('recsys-digests');
    expect(schemaProblems(policy, FIXTURE.schema)).toEqual([]);
  });

  test('a chart without a namespace: policy named after the service, pods matched by labels in any namespace', () => {
    const c = new GpuServingChart(new cdk8s.App(), 'recsys', { model: MODEL, fetchImage: FETCH, unpackImage: UNPACK, admissionPolicy: {} });
    const policy = policyOf(c);
    expect(policy.metadata.name).toBe('recsys-images');
    expect(policy.spec.rules[0].match.any[0].resources.namespaces).toBeUndefined();
  });

  test('no admissionPolicy (documented default): no ClusterPolicy', () => {
    const c = chart(undefined);
    expect((c.toJson() as any[]).filter(o => o.kind === 'ClusterPolicy')).toEqual([]);
    expect(c.admissionPolicy).toBeUndefined();
  });

  test('a Gateway API canary: both tracks\' serving images are admitted and signature-checked', () => {
    const next = `nvcr.io/nvidia/tritonserver@${D('e')}`;
    const c = chart({ cosignPublicKey: COSIGN_PUB }, {
      model: { ...MODEL, version: '1.5.0', imageUri: next }, stableModel: MODEL,
      rolloutMode: KubernetesRolloutMode.GATEWAY_API, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }), gateway: { name: 'gw' },
    });
    const policy = policyOf(c);
    expect(policy.spec.rules[1].verifyImages[0].imageReferences.sort()).toEqual([SERVING, next].sort());
    expect(policy.spec.rules[0].validate.foreach[0].deny.conditions.any[0].value).toEqual(expect.arrayContaining([SERVING, next, FETCH, UNPACK]));
  });
});

describe('admissionPolicy errors', () => {
  test('a serving image by tag: no digest to admit', () => {
    expect(() => chart({}, { model: { ...MODEL, imageUri: 'nvcr.io/nvidia/tritonserver:24.08-py3' } }))
      .toThrow(/recsys.*'model\.imageUri'.*"nvcr\.io\/nvidia\/tritonserver:24\.08-py3".*is referenced by a mutable tag, not a digest: the admission policy admits only the digests.*Reference the image by digest: 'nvcr\.io\/nvidia\/tritonserver@sha256:<64 hex>'/s);
  });

  test('the default fetch and unpack images are tags: the error names the prop', () => {
    expect(() => new GpuServingChart(new cdk8s.App(), 'recsys', { model: MODEL, unpackImage: UNPACK, admissionPolicy: {} }))
      .toThrow(/'fetchImage'.*public\.ecr\.aws\/aws-cli\/aws-cli:2\.22\.35.*mutable tag.*public\.ecr\.aws\/aws-cli\/aws-cli@sha256:<64 hex>/s);
    expect(() => new GpuServingChart(new cdk8s.App(), 'recsys', { model: MODEL, fetchImage: FETCH, admissionPolicy: {} }))
      .toThrow(/'unpackImage'.*busybox:1\.36\.1.*mutable tag/s);
  });

  test('Gatekeeper is rejected with the fix (it needs Ratify, which the chart does not configure)', () => {
    expect(() => chart({ controller: AdmissionController.GATEKEEPER, cosignPublicKey: COSIGN_PUB }))
      .toThrow(/'admissionPolicy\.controller'.*"gatekeeper".*only through Ratify.*Use AdmissionController\.KYVERNO \(install Kyverno 1\.12\+/s);
    expect(() => chart({ controller: 'opa' as AdmissionController })).toThrow(/'admissionPolicy\.controller'.*is not an AdmissionController/s);
  });

  test('keys and certificates: both at once, not PEM, not parseable, a certificate where a key belongs', () => {
    const cert = certificate();
    expect(() => chart({ cosignPublicKey: COSIGN_PUB, notaryCertificate: cert })).toThrow(/'admissionPolicy\.notaryCertificate'.*together with cosignPublicKey/s);
    expect(() => chart({ cosignPublicKey: 'cosign.pub' })).toThrow(/'admissionPolicy\.cosignPublicKey'.*is not a PEM public key known at synth.*cosign public-key/s);
    expect(() => chart({ cosignPublicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' })).toThrow(/cosignPublicKey.*does not parse as a public key/s);
    expect(() => chart({ cosignPublicKey: cert })).toThrow(/cosignPublicKey.*is not a PEM public key/s);
    expect(() => chart({ notaryCertificate: COSIGN_PUB })).toThrow(/'admissionPolicy\.notaryCertificate'.*is not a PEM certificate/s);
    expect(() => chart({ notaryCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toThrow(/notaryCertificate.*does not parse as a certificate/s);
  });

  test('transparencyLog without a cosign key, and a policy name that is not a DNS subdomain', () => {
    expect(() => chart({ transparencyLog: false })).toThrow(/'admissionPolicy\.transparencyLog'.*is not used: only a cosign key signature is looked up in Rekor/s);
    expect(() => chart({ policyName: 'Recsys_Images' })).toThrow(/admissionPolicy\.policyName/);
    expect(() => chart({ policyName: 'recsys.images' })).not.toThrow();
  });
});

describe('core image pinning (lib/core/private/image-pinning.ts)', () => {
  test.each<[string, ImagePinning]>([
    [SERVING, ImagePinning.DIGEST],
    [`nvcr.io/nvidia/tritonserver:24.08-py3@${D('a')}`, ImagePinning.DIGEST],
    ['nvcr.io/nvidia/tritonserver:24.08-py3', ImagePinning.TAG],
    ['nvcr.io/nvidia/tritonserver', ImagePinning.TAG],
    ['registry.local:5000/recsys', ImagePinning.TAG],
    [`registry.local:5000/recsys@sha256:${'a'.repeat(63)}`, ImagePinning.TAG],
  ])('%s is %s', (uri, expected) => {
    expect(imagePinning(uri)).toBe(expected);
  });

  test('a token reference (or a token tag) is unknown: neither warned about nor rejected', () => {
    const stack = new Stack(new App(), 'S');
    expect(imagePinning(stack.account)).toBe(ImagePinning.UNKNOWN);
    expect(imagePinning(`repo:${stack.region}`)).toBe(ImagePinning.UNKNOWN);
    expect(warnUnpinnedImage(stack, 'image', `${stack.account}.dkr.ecr.us-east-1.amazonaws.com/recsys:${stack.region}`)).toBe(ImagePinning.UNKNOWN);
    expect(() => requirePinnedImage(stack, 'image', stack.account, 'x')).not.toThrow();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a tag warns once with the acknowledgeable id; a digest does not', () => {
    const stack = new Stack(new App(), 'S');
    expect(warnUnpinnedImage(stack, 'artifact (image)', 'nvcr.io/nvidia/tritonserver:24.08-py3')).toBe(ImagePinning.TAG);
    expect(warnUnpinnedImage(stack, 'artifact (image)', SERVING)).toBe(ImagePinning.DIGEST);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('mutable tag'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/artifact \(image\) 'nvcr\.io\/nvidia\/tritonserver:24\.08-py3' is referenced by a mutable tag.*\[ack: cdk-inference-lanes:imageNotPinned\]/s);
    CoreAnnotations.of(stack).acknowledgeWarning('cdk-inference-lanes:imageNotPinned');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('GpuClusterService: a serving image by tag warns; with admissionPolicy an ECR digest image renders the policy', () => {
  function service(image: ServingImage, admissionPolicy?: ImageAdmissionPolicyOptions): { stack: Stack; svc: GpuClusterService } {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'gpu', kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl-handler', kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
        handlerRole: iam.Role.fromRoleArn(stack, 'HandlerRole', 'arn:aws:iam::111122223333:role/kubectl-handler'),
      }),
    });
    const artifact = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
      name: 'recsys', version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], digest: D('d'), image,
    });
    const svc = new GpuClusterService(stack, 'Recsys', {
      cluster, artifact, namespace: 'recsys', nodeRole: iam.Role.fromRoleArn(stack, 'Nodes', 'arn:aws:iam::111122223333:role/nodes'),
      fetchImage: FETCH, unpackImage: UNPACK, admissionPolicy,
    });
    return { stack, svc };
  }

  test('a tag: the synth warning names the prop and the fix', () => {
    const { stack } = service(ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'));
    Annotations.fromStack(stack).hasWarning('/S/Recsys', Match.stringLikeRegexp("artifact \\(image\\) 'nvcr.io/nvidia/tritonserver:24.08-py3' is referenced by a mutable tag"));
  });

  test('an ECR image by digest: no warning, and the policy admits the resolved repository URI @ digest', () => {
    const stackRepo = (s: Stack) => ecr.Repository.fromRepositoryName(s, 'Repo', 'recsys-serving');
    const probe = new Stack(new App(), 'P', { env: { account: '111122223333', region: 'us-east-1' } });
    const { stack, svc } = service(ServingImage.fromEcrRepository(stackRepo(probe), D('f')), { cosignPublicKey: COSIGN_PUB });
    Annotations.fromStack(stack).hasNoWarning('/S/Recsys', Match.stringLikeRegexp('imageNotPinned'));
    const policy = (stack.resolve(svc.chart.toJson()) as any[]).find(o => o.kind === 'ClusterPolicy');
    const refs = JSON.stringify(policy.spec.rules[1].verifyImages[0].imageReferences);
    expect(refs).toContain(`recsys-serving@${D('f')}`);
  });

  test('with admissionPolicy a tag is rejected instead of warned about', () => {
    expect(() => service(ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'), {}))
      .toThrow(/'artifact \(image\)'.*is referenced by a mutable tag, not a digest/s);
  });
});
