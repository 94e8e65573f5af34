import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { execFileSync } from 'child_process';
import './fixtures';
import {
  AutoscalingPolicy, EdgeFleetChannel, EndpointMode, FleetRelease, HardwareTarget, HybridTopology, InFlightJobHandling, ManagedEndpoint,
  ModelArtifact, ModelPrecision, ModelWeights, QueueDrainedWorkers, Rollout, ServingImage, WarmServerlessFunction,
} from '../../lib';
import { Snapshot } from '../../lib/testing';
import * as serializer from '../snapshot-serializer';

const HASH = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

const assetDirs: string[] = [];
afterAll(() => assetDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A stack with a Lambda file asset whose content is `code`, plus a version and an alias. */
function lambdaStack(code: string): cdk.Stack {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-asset-'));
  assetDirs.push(dir);
  fs.writeFileSync(path.join(dir, 'index.py'), code);
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'Fn', { env: { account: '123456789012', region: 'us-east-1' } });
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(dir),
  });
  new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
  return stack;
}

/** A .tar.gz holding one file with `content`. */
function tarball(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-model-'));
  assetDirs.push(dir);
  fs.writeFileSync(path.join(dir, 'weights.json'), content);
  const file = path.join(dir, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, 'weights.json']);
  return file;
}

/**
 * Every CloudFormation lane in one topology, built from model files and a handler whose bytes are
 * `seed`-dependent, at the same paths' shapes (temp folders), for the "changed model file" check.
 */
function allLanesStack(seed: string): cdk.Stack {
  const stack = new cdk.Stack(new cdk.App(), 'Lanes', { env: { account: '123456789012', region: 'us-east-1' } });
  const int8 = ModelWeights.fromAsset(tarball('int8', `{"int8":"${seed}"}`));
  const artifact = ModelArtifact.fromAsset(tarball('fp32', `{"fp32":"${seed}"}`), {
    name: 'assistant',
    version: '1.4.0',
    framework: 'pytorch',
    image: ServingImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker'),
    targets: [HardwareTarget.CPU_X86_64],
    variants: [
      { target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: int8 },
      { target: HardwareTarget.EDGE_X86_64, precision: ModelPrecision.INT8, weights: int8 },
    ],
  });
  const topology = new HybridTopology(stack, 'Assistant', { artifact });
  new ManagedEndpoint(topology, 'Baseline', {
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }),
    autoscaling: AutoscalingPolicy.fixed(2),
  });
  const handler = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-handler-'));
  assetDirs.push(handler);
  fs.writeFileSync(path.join(handler, 'index.js'), `exports.handler = async () => '${seed}';\n`);
  new WarmServerlessFunction(topology, 'Burst', {
    code: lambda.Code.fromAsset(handler),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    autoscaling: AutoscalingPolicy.fixed(1),
  });
  new QueueDrainedWorkers(topology, 'Summaries', {
    jobTimeout: Duration.minutes(2),
    inFlightJobs: InFlightJobHandling.FINISH,
    autoscaling: AutoscalingPolicy.fixed(1),
    rollout: Rollout.allAtOnce(),
  });
  new EdgeFleetChannel(topology, 'Edge', {
    deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }, { name: 'kiosks', target: HardwareTarget.EDGE_X86_64 }],
    rollout: Rollout.canary({ percent: 5, bakeTime: Duration.hours(1) }),
    release: FleetRelease.canary('1.3.0'),
    runCommand: 'serve --model "$MODEL_LOCAL_DIR"',
  });
  return stack;
}

describe('Snapshot masking', () => {
  test('masks hashes, CurrentVersion ids, bootstrap account/region and analytics', () => {
    expect(Snapshot.mask(`${HASH}.zip`)).toBe('[HASH].zip');
    expect(Snapshot.mask(`123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:${HASH}`))
      .toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-[ACCOUNT]-[REGION]:[HASH]');
    expect(Snapshot.mask('HandlerCurrentVersion17A89ABBd9fb2c338a61e9404033bfad693b09eb')).toBe('HandlerCurrentVersion[HASH]');
    expect(Snapshot.mask(`AssetParameters${HASH}S3BucketB1A2C3D4`)).toBe('AssetParameters[HASH]S3Bucket');
    expect(Snapshot.mask('cdk-hnb659fds-assets-123456789012-eu-west-1')).toBe('cdk-hnb659fds-assets-[ACCOUNT]-[REGION]');
    expect(Snapshot.mask('v2:deflate64:H4sIAAAAAAAA/zPSMzTVM1BMLC/WTU7J1s3JTNKr9sxLSa3QCyjKzEutCMnMzSxJzS/OzM3U') ).toBe('v2:deflate64:[MASKED]');
    // Deterministic, path-derived ids are left alone.
    expect(Snapshot.mask('HandlerServiceRole1A2B3C4D')).toBe('HandlerServiceRole1A2B3C4D');
    expect(Snapshot.mask('lane-web-deployment-c8f1a2b3')).toBe('lane-web-deployment-c8f1a2b3');
    expect(Snapshot.needsMasking('nothing to see')).toBe(false);
    expect(Snapshot.needsMasking(HASH)).toBe(true);
    expect(Snapshot.needsMasking(HASH)).toBe(true); // global regex state does not leak between calls
  });

  test('templates that differ only by asset content mask to the same value', () => {
    const a = Template.fromStack(lambdaStack('def handler(e, c):\n    return 1\n')).toJSON();
    const b = Template.fromStack(lambdaStack('def handler(e, c):\n    return 2\n')).toJSON();
    expect(JSON.stringify(a)).not.toEqual(JSON.stringify(b));
    const maskedA = Snapshot.maskTemplate(a);
    expect(maskedA).toEqual(Snapshot.maskTemplate(b));
    const text = JSON.stringify(maskedA);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(Object.keys(maskedA.Resources)).toContain('HandlerCurrentVersion[HASH]');
    expect(text).toContain('"S3Key":"[HASH].zip"');
    expect(text).toContain('cdk-hnb659fds-assets-[ACCOUNT]-[REGION]');
    expect(JSON.parse(Snapshot.mask(JSON.stringify(a)))).toEqual(maskedA);
  });

  test('two synths with different model files and handler code give equal masked snapshots, in every lane', () => {
    // GIVEN the same app built from model files (and a handler) with different bytes
    const a = Template.fromStack(allLanesStack('one')).toJSON();
    const b = Template.fromStack(allLanesStack('two')).toJSON();
    // THEN the raw templates differ (the edge recipe's digests, S3 keys, MODEL_DIGEST, Lambda version ids)...
    const raw = (t: object) => JSON.stringify(t);
    expect(raw(a)).not.toEqual(raw(b));
    // ...and the masked ones are equal
    expect(Snapshot.maskTemplate(a)).toEqual(Snapshot.maskTemplate(b));
    // the edge recipe keeps its structure: digests and install markers are masked, not removed
    const recipe = raw(Snapshot.maskTemplate(a));
    expect(recipe).toContain('\\"Digest\\":\\"[SHA256-BASE64]\\"');
    expect(recipe).toContain('{work:path}/model-[HASH]/.verified');
    expect(recipe).toContain('\\"MODEL_DIGEST\\":\\"sha256:[HASH]\\"');
    expect(recipe).not.toMatch(/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=/);
  });

  test('base64 digests and short install markers are masked; look-alikes are left alone', () => {
    const digest = Buffer.from('ab'.repeat(32), 'hex').toString('base64');
    expect(digest).toHaveLength(44);
    expect(Snapshot.mask(`{"Digest":"${digest}","Algorithm":"SHA-256"}`)).toBe('{"Digest":"[SHA256-BASE64]","Algorithm":"SHA-256"}');
    expect(Snapshot.mask(`exists {work:path}/.verified-0123456789abcdef`)).toBe('exists {work:path}/.verified-[HASH]');
    expect(Snapshot.needsMasking(digest)).toBe(true);
    // 43 or 45 characters, or part of a longer base64 text, is not a SHA-256 digest
    expect(Snapshot.mask(`${'A'.repeat(42)}=`)).toBe(`${'A'.repeat(42)}=`);
    expect(Snapshot.mask(`${'A'.repeat(44)}=`)).toBe(`${'A'.repeat(44)}=`);
    expect(Snapshot.mask(`x${digest}`)).toBe(`x${digest}`);
    expect(Snapshot.mask('.verified-0123456')).toBe('.verified-0123456');
  });

  test('the jest serializer masks strings and object keys of snapshotted values', () => {
    expect(serializer.test(HASH)).toBe(true);
    expect(serializer.test('plain')).toBe(false);
    expect(serializer.test({ key: HASH })).toBe(false); // objects are walked by pretty-format, strings come back here
    const template = Template.fromStack(lambdaStack('def handler(e, c):\n    return 3\n')).toJSON();
    expect(template).toMatchSnapshot();
    expect({ [`FnCurrentVersion17A89ABB${'d'.repeat(32)}`]: { S3Key: `${HASH}.zip` } }).toMatchInlineSnapshot(`
{
  "FnCurrentVersion[HASH]": {
    "S3Key": "[HASH].zip",
  },
}
`);
  });
});
