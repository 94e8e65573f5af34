import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DeliveryAppSource, DeliveryStage, ModelDeliveryPipeline, ModelDeliverySource } from '../../lib/delivery';

/*
 * The CodeBuild scripts, run for real in bash (as CodeBuild runs a phase: one shell, stop at the first failing
 * command) against a fake `aws` CLI that serves an S3 object, its metadata and card, and the freeze parameter.
 * Proves the checks fail and pass on the right inputs, not only that the text is there.
 */

function buildSpecs(source: 's3' | 'registry' = 's3'): { [name: string]: { commands: string[]; env: { [k: string]: string } } } {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models');
  new ModelDeliveryPipeline(stack, 'P', {
    source: source === 's3' ? ModelDeliverySource.s3Object(bucket, 'm/model.tar.gz') : ModelDeliverySource.modelPackageGroup('g', { modelDataBucket: bucket }),
    app: DeliveryAppSource.s3Zip(bucket, 'app.zip'),
    stages: [DeliveryStage.canary({ rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'A', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:R')] }), DeliveryStage.promote()],
  });
  const out: { [name: string]: { commands: string[]; env: { [k: string]: string } } } = {};
  for (const [id, r] of Object.entries<any>(Template.fromStack(stack).findResources('AWS::CodeBuild::Project'))) {
    const spec = JSON.parse(r.Properties.Source.BuildSpec);
    const env = Object.fromEntries((r.Properties.Environment.EnvironmentVariables ?? []).map((v: any) => [v.Name, typeof v.Value === 'string' ? v.Value : 'param']));
    out[id.replace(/^P/, '').replace(/[0-9A-F]{8}$/, '')] = { commands: spec.phases.build.commands, env };
  }
  return out;
}

const FAKE_AWS = `#!/bin/bash
# A fake aws CLI: serves files of $FAKE_DIR and values from FAKE_* variables.
args="$*"
case "$1 $2" in
  "ssm get-parameter") case "$args" in *"--name /released"*) echo "$FAKE_RELEASED" ;; *) echo "$FAKE_FREEZE" ;; esac ;;
  "ssm put-parameter") echo "$args" >> "$FAKE_DIR/calls.log" ;;
  "cloudwatch describe-alarms") echo "$FAKE_IN_ALARM" ;;
  "s3api head-object") echo "$FAKE_HEAD" ;;
  "s3api get-object")
    key=""; out=""; prev=""
    for a in "$@"; do [ "$prev" = "--key" ] && key="$a"; prev="$a"; out="$a"; done
    [ -f "$FAKE_DIR/$(basename "$key")" ] || { echo "NoSuchKey $key" >&2; exit 255; }
    cp "$FAKE_DIR/$(basename "$key")" "$out"; echo '{}' ;;
  "kms verify") echo "$FAKE_VERIFY" ;;
  "sagemaker list-model-packages") echo "$FAKE_PACKAGE_ARN" ;;
  "sagemaker describe-model-package") echo "$FAKE_DESCRIBE" ;;
  "s3 cp") cp "$FAKE_DIR/model.tar.gz" "\${@: -1}" ;;
  *) echo "fake aws: unexpected $args" >&2; exit 2 ;;
esac
`;

let dir: string;
let bin: string;
let data: string;
const MODEL = Buffer.from('model weights v1.5.0');
const SHA = crypto.createHash('sha256').update(MODEL).digest('hex');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-'));
  bin = path.join(dir, 'bin');
  data = path.join(dir, 'data');
  fs.mkdirSync(bin);
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(bin, 'aws'), FAKE_AWS, { mode: 0o755 });
  // A fake npx: records each cdk deploy, fails when FAKE_DEPLOY_FAILS is set.
  fs.writeFileSync(path.join(bin, 'npx'), '#!/bin/bash\necho "npx $*" >> "$FAKE_DIR/calls.log"\n[ -z "$FAKE_DEPLOY_FAILS" ]\n', { mode: 0o755 });
  fs.writeFileSync(path.join(data, 'model.tar.gz'), MODEL);
  fs.writeFileSync(path.join(data, 'model.tar.gz.card.json'), JSON.stringify({ intendedUse: 'answers' }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(commands: string[], env: { [k: string]: string }): { status: number; out: string; vars: { [k: string]: string } } {
  const work = fs.mkdtempSync(path.join(dir, 'work-'));
  const script = [...commands, 'echo "::VARS::MODEL_VERSION=$MODEL_VERSION MODEL_URI=$MODEL_URI MODEL_DIGEST=$MODEL_DIGEST MODEL_PACKAGE_ARN=$MODEL_PACKAGE_ARN"'].join('\n');
  const r = spawnSync('bash', ['-e', '-c', script], { cwd: work, encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}`, FAKE_DIR: data, ...env } });
  const out = `${r.stdout}${r.stderr}`;
  const m = /::VARS::(.*)/.exec(out);
  const vars = m ? Object.fromEntries(m[1].split(' ').map((kv) => kv.split('=') as [string, string])) : {};
  return { status: r.status ?? -1, out, vars };
}

describe('the freeze check script', () => {
  const specs = buildSpecs();
  test('passes when the parameter is off', () => {
    const r = run(specs.FreezeCheck.commands, { ...specs.FreezeCheck.env, FREEZE_PARAMETER: '/f', FAKE_FREEZE: 'off' });
    expect(r.out).toContain('not frozen');
    expect(r.status).toBe(0);
  });
  test('fails with the runbook link and the lift command while frozen', () => {
    const r = run(specs.FreezeCheck.commands, { ...specs.FreezeCheck.env, FREEZE_PARAMETER: '/f', FAKE_FREEZE: 'frozen at 1.4.0 (incident 4711)' });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/MODEL DELIVERY: model delivery is frozen \(\/f = frozen at 1.4.0 \(incident 4711\)\)\. Runbook: https:\/\/\S+#emergency-freeze-runbook\. Lift: aws ssm put-parameter --name \/f --value off --overwrite/);
  });
});

describe('the S3 artifact check script', () => {
  const specs = buildSpecs();
  const env = (meta: { [k: string]: string }) => ({ ...specs.ArtifactCheck.env, MODEL_OBJECT_VERSION: 'v1', FAKE_HEAD: JSON.stringify({ Metadata: meta }) });

  test('passes on a matching digest with a card, and sets the candidate variables', () => {
    const r = run(specs.ArtifactCheck.commands, env({ 'model-version': '1.5.0', 'sha256': `sha256:${SHA}` }));
    expect(r.out).toContain('digest matches');
    expect(r.status).toBe(0);
    expect(r.vars).toEqual({ MODEL_VERSION: '1.5.0', MODEL_URI: 's3://models/m/model.tar.gz', MODEL_DIGEST: `sha256:${SHA}`, MODEL_PACKAGE_ARN: 'none' });
  });

  test('a bare hex digest is accepted too', () => {
    expect(run(specs.ArtifactCheck.commands, env({ 'model-version': '1.5.0', 'sha256': SHA })).status).toBe(0);
  });

  test('fails on a digest mismatch, naming both digests', () => {
    const wrong = '0'.repeat(64);
    const r = run(specs.ArtifactCheck.commands, env({ 'model-version': '1.5.0', 'sha256': wrong }));
    expect(r.status).toBe(1);
    expect(r.out).toContain(`digest mismatch: expected sha256:${wrong}, the model data is sha256:${SHA}`);
  });

  test('fails without a digest or a version', () => {
    expect(run(specs.ArtifactCheck.commands, env({ 'model-version': '1.5.0' })).out).toContain('the model carries no sha256 digest');
    expect(run(specs.ArtifactCheck.commands, env({ sha256: SHA })).out).toContain('the object has no x-amz-meta-model-version');
  });

  test('fails without a model card, passes with the card check off', () => {
    const card = path.join(data, 'model.tar.gz.card.json');
    fs.renameSync(card, `${card}.bak`);
    try {
      const r = run(specs.ArtifactCheck.commands, env({ 'model-version': '1.5.0', 'sha256': SHA }));
      expect(r.status).toBe(1);
      expect(r.out).toContain('no model card: s3://models/m/model.tar.gz.card.json');
      expect(run(specs.ArtifactCheck.commands, { ...env({ 'model-version': '1.5.0', 'sha256': SHA }), REQUIRE_MODEL_CARD: 'false' }).status).toBe(0);
    } finally {
      fs.renameSync(`${card}.bak`, card);
    }
  });

  test('with a signing key: fails when KMS says the signature is invalid or it is missing, passes when valid', () => {
    const base = { ...env({ 'model-version': '1.5.0', 'sha256': SHA }), SIGNING_KEY_ARN: 'arn:aws:kms:us-east-1:1:key/k', SIGNING_ALGORITHM: 'ECDSA_SHA_256' };
    expect(run(specs.ArtifactCheck.commands, { ...base, FAKE_VERIFY: 'True' }).out).toContain('the signature over');
    fs.writeFileSync(path.join(data, 'model.tar.gz.sig'), 'sig');
    try {
      expect(run(specs.ArtifactCheck.commands, { ...base, FAKE_VERIFY: 'True' }).status).toBe(0);
      const bad = run(specs.ArtifactCheck.commands, { ...base, FAKE_VERIFY: 'False' });
      expect(bad.status).toBe(1);
      expect(bad.out).toContain(`the signature over sha256:${SHA} does not verify with arn:aws:kms:us-east-1:1:key/k`);
    } finally {
      fs.rmSync(path.join(data, 'model.tar.gz.sig'));
    }
  });
});

describe('the registry artifact check script', () => {
  const specs = buildSpecs('registry');
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/3';
  const describe_ = (extra: object) => JSON.stringify({ ModelPackageVersion: 3, InferenceSpecification: { Containers: [{ ModelDataUrl: 's3://models/pkgs/model.tar.gz' }] },
    ModelCard: { ModelCardContent: '{"intended_uses":{}}' }, ...extra });

  test('passes on the newest approved package and takes its version from the metadata, else ModelPackageVersion', () => {
    const base = { ...specs.ArtifactCheck.env, FAKE_PACKAGE_ARN: arn };
    const a = run(specs.ArtifactCheck.commands, { ...base, FAKE_DESCRIBE: describe_({ CustomerMetadataProperties: { 'sha256': SHA, 'model-version': '1.5.0' } }) });
    expect(a.status).toBe(0);
    expect(a.vars).toEqual({ MODEL_VERSION: '1.5.0', MODEL_URI: 's3://models/pkgs/model.tar.gz', MODEL_DIGEST: `sha256:${SHA}`, MODEL_PACKAGE_ARN: arn });
    expect(run(specs.ArtifactCheck.commands, { ...base, FAKE_DESCRIBE: describe_({ CustomerMetadataProperties: { sha256: SHA } }) }).vars.MODEL_VERSION).toBe('3');
  });

  test('fails with no approved package, model data in another bucket, or no model card', () => {
    expect(run(specs.ArtifactCheck.commands, { ...specs.ArtifactCheck.env, FAKE_PACKAGE_ARN: 'None' }).out).toContain('no approved model package in g');
    const other = describe_({ CustomerMetadataProperties: { sha256: SHA }, InferenceSpecification: { Containers: [{ ModelDataUrl: 's3://elsewhere/model.tar.gz' }] } });
    expect(run(specs.ArtifactCheck.commands, { ...specs.ArtifactCheck.env, FAKE_PACKAGE_ARN: arn, FAKE_DESCRIBE: other }).out).toContain('is not an object in s3://models/');
    const noCard = JSON.stringify({ ...JSON.parse(describe_({ CustomerMetadataProperties: { sha256: SHA } })), ModelCard: undefined });
    expect(run(specs.ArtifactCheck.commands, { ...specs.ArtifactCheck.env, FAKE_PACKAGE_ARN: arn, FAKE_DESCRIBE: noCard }).out).toContain(`${arn} has no ModelCard`);
  });
});

describe('the canary and promote scripts', () => {
  const specs = buildSpecs();
  const log = () => path.join(data, 'calls.log');
  const candidate = { MODEL_VERSION: '1.5.0', MODEL_URI: 's3://models/m/model.tar.gz', MODEL_DIGEST: `sha256:${SHA}`, MODEL_PACKAGE_ARN: 'none' };
  const released = JSON.stringify({ version: '1.4.0', uri: 's3://models/m/model-1.4.0.tar.gz', digest: 'sha256:aa', modelPackageArn: 'none' });
  const canaryEnv = (extra: { [k: string]: string }) => ({ ...specs.CanaryDeploy.env, ...candidate, FREEZE_PARAMETER: '/freeze', RELEASED_PARAMETER: '/released',
    FAKE_FREEZE: 'off', FAKE_RELEASED: released, BAKE_SECONDS: '0', ...extra });
  beforeEach(() => fs.rmSync(log(), { force: true }));

  test('healthy canary: one deploy of the candidate in the canary role, no rollback', () => {
    const r = run(specs.CanaryDeploy.commands, canaryEnv({ FAKE_IN_ALARM: '' }));
    expect(r.status).toBe(0);
    const calls = fs.readFileSync(log(), 'utf8').trim().split('\n');
    expect(calls).toEqual(['npx cdk deploy --all --require-approval never -c inference-lanes:model-version=1.5.0 -c inference-lanes:model-uri=s3://models/m/model.tar.gz'
      + ` -c inference-lanes:model-digest=sha256:${SHA} -c inference-lanes:delivery-role=canary`]);
  });

  test('a rollback alarm in ALARM after the bake: redeploys the released version in the rollback role and fails', () => {
    const r = run(specs.CanaryDeploy.commands, canaryEnv({ FAKE_IN_ALARM: 'R' }));
    expect(r.status).toBe(1);
    expect(r.out).toContain('canary rolled back to 1.4.0: R in ALARM');
    const calls = fs.readFileSync(log(), 'utf8').trim().split('\n');
    expect(calls[1]).toBe('npx cdk deploy --all --require-approval never -c inference-lanes:model-version=1.4.0 -c inference-lanes:model-uri=s3://models/m/model-1.4.0.tar.gz'
      + ' -c inference-lanes:model-digest=sha256:aa -c inference-lanes:delivery-role=rollback');
  });

  test('no released version yet: fails without a redeploy; a failed cdk deploy fails the stage; a freeze stops it before deploying', () => {
    const first = run(specs.CanaryDeploy.commands, canaryEnv({ FAKE_IN_ALARM: 'R', FAKE_RELEASED: 'none' }));
    expect(first.out).toContain('no released version to roll back to');
    expect(fs.readFileSync(log(), 'utf8').trim().split('\n')).toHaveLength(1);
    fs.rmSync(log(), { force: true });
    const failed = run(specs.CanaryDeploy.commands, canaryEnv({ FAKE_IN_ALARM: '', FAKE_DEPLOY_FAILS: '1' }));
    expect(failed.status).toBe(1);
    expect(failed.out).toContain("cdk deploy of 1.5.0 (canary) failed");
    fs.rmSync(log(), { force: true });
    const frozen = run(specs.CanaryDeploy.commands, canaryEnv({ FAKE_FREEZE: 'frozen at 1.4.0 (x)' }));
    expect(frozen.status).toBe(1);
    expect(fs.existsSync(log())).toBe(false);
  });

  test('promote deploys in the promote role and records the released version as JSON', () => {
    const r = run(specs.PromoteDeploy.commands, { ...specs.PromoteDeploy.env, ...candidate, FREEZE_PARAMETER: '/freeze', RELEASED_PARAMETER: '/released', FAKE_FREEZE: 'off' });
    expect(r.status).toBe(0);
    const calls = fs.readFileSync(log(), 'utf8').trim().split('\n');
    expect(calls[0]).toContain('-c inference-lanes:delivery-role=promote');
    expect(calls[1]).toBe(`ssm put-parameter --name /released --value {"version":"1.5.0","uri":"s3://models/m/model.tar.gz","digest":"sha256:${SHA}","modelPackageArn":"none"} --overwrite`);
  });
});

describe('every buildspec is valid bash', () => {
  test.each(['s3', 'registry'] as const)('%s source', (source) => {
    for (const [name, spec] of Object.entries(buildSpecs(source))) {
      expect(() => execFileSync('bash', ['-n', '-c', spec.commands.join('\n')], { stdio: 'pipe' })).not.toThrow();
      expect(name).toBeTruthy();
    }
  });
});
