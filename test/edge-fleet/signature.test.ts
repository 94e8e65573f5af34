import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ArtifactSignature, HardwareTarget, ModelArtifact, ModelPrecision, ModelWeights, Rollout } from '../../lib';
import { EdgeFleetChannel } from '../../lib/edge-fleet';
import { weightsTarball } from './tarballs';

/*
 * Issue 20 part 5: a model file can carry a detached signature; the edge recipe's Install step verifies
 * it with openssl before the weights are unpacked or marked verified. The Install script is run here
 * with `sh` and the machine's openssl on a real file signed with a throwaway key.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-signature-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tarball(name: string, content: string): string {
  return weightsTarball(tmp, name, content);
}

const signing = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PUB = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const OTHER_PUB = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** What `openssl dgst -sha256 -sign key.pem -out file.sig file` writes (DER ECDSA over the SHA-256). */
function sign(file: string, key: crypto.KeyObject = signing.privateKey): string {
  const sig = `${file}.sig`;
  fs.writeFileSync(sig, crypto.sign('sha256', fs.readFileSync(file), key));
  return sig;
}

const MODEL = tarball('v14', 'weights of 1.4.0');
const MODEL_SIG = sign(MODEL);

function channel(signature: ArtifactSignature | undefined, weights = ModelWeights.fromAsset(MODEL)): Template {
  const stack = new Stack(new App(), 'S');
  const artifact = new ModelArtifact({
    name: 'assistant', version: '1.4.0', weights,
    variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights, signature }],
  });
  new EdgeFleetChannel(stack, 'Edge', {
    artifact, deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], rollout: Rollout.allAtOnce(), fleetHealth: false,
  });
  return Template.fromStack(stack);
}

function manifestOf(t: Template): any {
  const [component] = Object.values(t.findResources('AWS::GreengrassV2::ComponentVersion')) as any[];
  const inline = component.Properties.InlineRecipe;
  const text = typeof inline === 'string' ? inline : inline['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '<token>')).join('');
  return JSON.parse(text).Manifests[0];
}

/** Run the Install script as the nucleus would (sh, variables substituted), with `model` and `sig` downloaded. */
function install(manifest: any, model: string, sig: string | undefined): { ok: boolean; output: string; work: string } {
  const root = fs.mkdtempSync(path.join(tmp, 'device-'));
  const artifacts = path.join(root, 'artifacts');
  const work = path.join(root, 'work');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.mkdirSync(work, { recursive: true });
  const script: string = manifest.Lifecycle.Install.Script.replace(/\{artifacts:path\}/g, artifacts).replace(/\{work:path\}/g, work);
  // the nucleus names each download after the last segment of its S3 URI
  const modelName = script.match(/ {2}(\S+)" \| sha256sum/)![1];
  fs.copyFileSync(model, modelName);
  if (sig) {
    const sigName = script.match(/-signature (\S+) /)![1];
    fs.copyFileSync(sig, sigName);
  }
  try {
    const output = execFileSync('sh', ['-c', script], { encoding: 'utf-8', stdio: 'pipe' });
    return { ok: true, output, work };
  } catch (e: any) {
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`, work };
  }
}

describe('a signed edge build (ArtifactSignature.fromAsset)', () => {
  const t = channel(ArtifactSignature.fromAsset(MODEL_SIG, PUB));
  const manifest = manifestOf(t);
  const script: string = manifest.Lifecycle.Install.Script;

  test('the signature object is the manifest\'s second artifact (no unpack, owner read)', () => {
    expect(manifest.Artifacts).toHaveLength(2);
    expect(manifest.Artifacts[1]).toEqual({ Uri: '<token>', Unarchive: 'NONE', Permission: { Read: 'OWNER', Execute: 'NONE' } });
    // the token is the signature asset's S3 URL (the model's is the other asset)
    const raw = JSON.stringify(Object.values(t.findResources('AWS::GreengrassV2::ComponentVersion'))[0]);
    expect(raw).toMatch(/"Uri\\":\\"","?\{"Fn::Sub":"s3:\/\/cdk-[a-z0-9]+-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.sig"\}/);
  });

  test('Install writes the key from the recipe and runs openssl after the digest check, before unpacking', () => {
    const lines = script.split('\n');
    expect(lines[0]).toBe('set -eu');
    expect(lines[1]).toMatch(/sha256sum -c -$/);
    expect(lines[2]).toMatch(/^cat > \{work:path\}\/model-signing-key-[0-9a-f]{12}\.pem <<'PEM'$/);
    expect(script).toContain(PUB.trim());
    const verify = lines.findIndex(l => l.startsWith('openssl dgst -sha256 -verify {work:path}/model-signing-key-'));
    expect(verify).toBeGreaterThan(2);
    expect(lines[verify]).toMatch(/-signature \{artifacts:path\}\/[0-9a-f]{64}\.sig \{artifacts:path\}\/[0-9a-f]{64}\.gz$/);
    expect(verify).toBeLessThan(lines.findIndex(l => l.startsWith('tar -xzf')));
    expect(lines[lines.length - 1]).toMatch(/^touch .*\/\.verified$/);
  });

  test('run with sh and openssl: the signed file installs ("Verified OK") and is unpacked', () => {
    const r = install(manifest, MODEL, MODEL_SIG);
    expect(r.output).toContain('Verified OK');
    expect(r.ok).toBe(true);
    const dir = fs.readdirSync(r.work).find(d => d.startsWith('model-') && !d.endsWith('.pem'))!;
    expect(fs.readFileSync(path.join(r.work, dir, 'weights.txt'), 'utf-8')).toBe('weights of 1.4.0');
    expect(fs.existsSync(path.join(r.work, dir, '.verified'))).toBe(true);
  });

  test('run with sh and openssl: a signature by another key fails Install and nothing is marked verified', () => {
    const forged = path.join(tmp, 'forged.sig');
    fs.writeFileSync(forged, crypto.sign('sha256', fs.readFileSync(MODEL), other.privateKey));
    const r = install(manifest, MODEL, forged);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/Verification failure/);
    expect(fs.readdirSync(r.work).filter(d => d.startsWith('model-') && !d.endsWith('.pem'))).toEqual([]);
  });

  test('run with sh and openssl: a missing signature download fails Install', () => {
    const r = install(manifest, MODEL, undefined);
    expect(r.ok).toBe(false);
  });

  test('the device role reads exactly the signature object too', () => {
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toMatch(/[0-9a-f]{64}\.sig/);
  });
});

describe('a signature made with the openssl CLI and an RSA key (the documented producer command)', () => {
  test('installs with sh and openssl; a tampered model file fails the SHA-256 check before openssl runs', () => {
    const key = path.join(tmp, 'rsa.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'pipe' });
    const pub = execFileSync('openssl', ['pkey', '-in', key, '-pubout'], { encoding: 'utf-8' });
    const model = tarball('rsa', 'weights signed with rsa');
    const sig = `${model}.sig`;
    execFileSync('openssl', ['dgst', '-sha256', '-sign', key, '-out', sig, model], { stdio: 'pipe' });
    const m = manifestOf(channel(ArtifactSignature.fromAsset(sig, pub), ModelWeights.fromAsset(model)));
    const ok = install(m, model, sig);
    expect(ok.output).toContain('Verified OK');
    expect(ok.ok).toBe(true);
    const tampered = install(m, MODEL, sig);
    expect(tampered.ok).toBe(false);
    expect(tampered.output).toMatch(/FAILED/);
    expect(tampered.output).not.toMatch(/Verif/);
  });
});

describe('a signature whose S3 key is a token', () => {
  test('Install names the downloaded file after the resolved URI at run time (basename)', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'Models');
    const sigKey = new CfnParameter(stack, 'SigKey').valueAsString;
    const weights = ModelWeights.fromBucket(bucket, 'assistant/1.4.0/model.tar.gz', { digest: 'sha256:' + '0'.repeat(64) });
    new EdgeFleetChannel(stack, 'Edge', {
      artifact: new ModelArtifact({ name: 'assistant', version: '1.4.0', weights, targets: [HardwareTarget.EDGE_ARM64], signature: ArtifactSignature.fromBucket(bucket, sigKey, PUB) }),
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], rollout: Rollout.allAtOnce(), fleetHealth: false,
    });
    const m = manifestOf(Template.fromStack(stack));
    expect(m.Lifecycle.Install.Script).toContain(`-signature "{artifacts:path}/$(basename 's3://<token>/<token>')" {artifacts:path}/model.tar.gz`);
    expect(m.Artifacts[1].Uri).toBe('s3://<token>/<token>');
  });
});

describe('an unsigned edge build', () => {
  test('has one artifact and no openssl step (documented default: digest check only)', () => {
    const m = manifestOf(channel(undefined));
    expect(m.Artifacts).toHaveLength(1);
    expect(m.Lifecycle.Install.Script).not.toMatch(/openssl|PEM/);
    const r = install(m, MODEL, undefined);
    expect(r.ok).toBe(true);
  });
});

describe('a signature object in S3 (ArtifactSignature.fromBucket)', () => {
  test('is the second artifact by its S3 URI, and the device role may GetObject exactly that key', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'Models');
    const weights = ModelWeights.fromBucket(bucket, 'assistant/1.4.0/model.tar.gz', { digest: 'sha256:' + '0'.repeat(64) });
    new EdgeFleetChannel(stack, 'Edge', {
      artifact: new ModelArtifact({
        name: 'assistant', version: '1.4.0', weights, targets: [HardwareTarget.EDGE_ARM64],
        signature: ArtifactSignature.fromBucket(bucket, 'assistant/1.4.0/model.tar.gz.sig', PUB),
      }),
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], rollout: Rollout.allAtOnce(), fleetHealth: false,
    });
    const t = Template.fromStack(stack);
    const m = manifestOf(t);
    expect(m.Artifacts[1].Uri).toBe('s3://<token>/assistant/1.4.0/model.tar.gz.sig');
    expect(m.Lifecycle.Install.Script).toContain('-signature {artifacts:path}/model.tar.gz.sig {artifacts:path}/model.tar.gz');
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [Match.anyValue(), '/assistant/1.4.0/model.tar.gz.sig']] },
      })]) },
    });
  });

  test('a signature named like its weights file is rejected (one download folder)', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'Models');
    const weights = ModelWeights.fromBucket(bucket, 'assistant/1.4.0/model.tar.gz', { digest: 'sha256:' + '0'.repeat(64) });
    expect(() => new EdgeFleetChannel(stack, 'Edge', {
      artifact: new ModelArtifact({
        name: 'assistant', version: '1.4.0', weights, targets: [HardwareTarget.EDGE_ARM64],
        signature: ArtifactSignature.fromBucket(bucket, 'sigs/model.tar.gz', PUB),
      }),
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], rollout: Rollout.allAtOnce(), fleetHealth: false,
    })).toThrow(/deviceClasses\[0\]\.target.*same file name as its weights \('model\.tar\.gz'\).*Name the signature after the file it signs/s);
  });
});

describe('ArtifactSignature errors', () => {
  test('a public key that is not PEM, or does not parse', () => {
    expect(() => ArtifactSignature.fromAsset(MODEL_SIG, 'ssh-ed25519 AAAA')).toThrow(/ArtifactSignature\.fromAsset.*publicKeyPem.*is not a PEM public key.*openssl pkey -pubout/s);
    expect(() => ArtifactSignature.fromAsset(MODEL_SIG, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(/publicKeyPem.*does not parse as a public key/s);
    // boundary: a private key is not accepted as the verifying key
    const priv = signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => ArtifactSignature.fromAsset(MODEL_SIG, priv)).toThrow(/is not a PEM public key/);
    // an RSA key is accepted as well as EC
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(ArtifactSignature.fromAsset(MODEL_SIG, rsa).publicKeyPem).toBe(rsa.trim() + '\n');
    expect(() => ArtifactSignature.fromAsset(MODEL_SIG, OTHER_PUB)).not.toThrow();
  });

  test('a signature file that does not exist, and an S3 key that is a prefix', () => {
    expect(() => ArtifactSignature.fromAsset(path.join(tmp, 'nope.sig'), PUB)).toThrow(/signaturePath.*is not a file that exists at synth time/s);
    const bucket = s3.Bucket.fromBucketName(new Stack(), 'B', 'models');
    expect(() => ArtifactSignature.fromBucket(bucket, 'sigs/', PUB)).toThrow(/ArtifactSignature\.fromBucket.*key.*must be the key of one object/s);
    expect(() => ArtifactSignature.fromBucket(bucket, 'sigs/a.sig', PUB)).not.toThrow();
  });

  test('a signature on a model package, a prefix or a directory asset is rejected', () => {
    const sig = ArtifactSignature.fromAsset(MODEL_SIG, PUB);
    expect(() => ModelArtifact.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/recsys/3', { name: 'recsys', version: '3', signature: sig }))
      .toThrow(/ModelArtifact\(recsys\).*signature.*is set on a SageMaker model package.*Sign a single model file/s);
    const bucket = s3.Bucket.fromBucketName(new Stack(), 'B', 'models');
    expect(() => new ModelArtifact({ name: 'recsys', version: '3', weights: ModelWeights.fromBucketPrefix(bucket, 'm/'), signature: sig }))
      .toThrow(/signature.*is set on an S3 prefix/s);
    const dir = path.join(tmp, 'src', 'v14');
    expect(() => new ModelArtifact({ name: 'recsys', version: '3', weights: ModelWeights.fromAsset(MODEL), variants: [{ target: HardwareTarget.EDGE_ARM64, weights: ModelWeights.fromAsset(dir), signature: sig }] }))
      .toThrow(/variants\[0\]\.signature.*is set on a directory asset/s);
    expect(() => new ModelArtifact({ name: 'recsys', version: '3', weights: ModelWeights.fromAsset(MODEL), signature: {} as any }))
      .toThrow(/signature.*is not an ArtifactSignature/s);
  });

  test('the binding carries the signature (what the delivery pipeline verifies)', () => {
    const stack = new Stack(new App(), 'S');
    const a = new ModelArtifact({ name: 'recsys', version: '3', weights: ModelWeights.fromAsset(MODEL), signature: ArtifactSignature.fromAsset(MODEL_SIG, PUB) });
    const b = a.bind(stack);
    expect(b.signature).toMatchObject({ publicKeyPem: PUB.trim() + '\n', digestAlgorithm: 'sha256' });
    expect(JSON.stringify(stack.resolve(b.signature!.s3Uri))).toMatch(/\.sig"\}$/);
    expect(new ModelArtifact({ name: 'recsys', version: '3', weights: ModelWeights.fromAsset(MODEL) }).bind(stack).signature).toBeUndefined();
  });
});
