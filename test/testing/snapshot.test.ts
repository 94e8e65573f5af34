import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import './fixtures';
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
