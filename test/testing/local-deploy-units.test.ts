import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { boto3Calls, boto3Params, boto3Results } from '../../lib/testing/private/boto3';
import { bootstrapTemplatePath, findStackArtifact, localCliEnv, resolveCdkCli, stackTarget } from '../../lib/testing/private/cloud-assembly';
import {
  apiCreateRequests, classifyResources, deployFailureMessage, failedEvents, formatResult, referenceValues, sortOutcomes, splitOutputs, unsupportedTypesIn,
} from '../../lib/testing/private/deploy-result';
import { collectReferences, substituteInstanceType } from '../../lib/testing/private/emulator-adapter';
import { explainEmulatorFailure } from '../../lib/testing/private/emulator-failures';
import { emulatorProfile } from '../../lib/testing/private/emulator-profile';
import { freePort, killProcessGroup, readLog } from '../../lib/testing/private/moto-server';
import * as processHelpers from '../../lib/testing/private/process';

/**
 * The rules of LocalDeploy's private modules on made-up inputs (no process, no CDK): what a deployment
 * reports from what moto says. test/testing/local-deploy-fake.test.ts runs them together against stubs.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'local-deploy-units-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deploy-result', () => {
  test('unsupportedTypesIn: every type moto said it skipped, once, sorted', () => {
    const log = "Tried to parse AWS::Z::Z but it's not supported\nother\nTried to parse AWS::A::A but it's not supported\nTried to parse AWS::Z::Z but it's not supported\n";
    expect(unsupportedTypesIn(log)).toEqual(['AWS::A::A', 'AWS::Z::Z']);
    expect(unsupportedTypesIn('Tried to parse AWS::A::A but it is supported')).toEqual([]);
  });

  test('classifyResources: the reason of each skipped resource, unsupported first', () => {
    const resources = {
      Made: { Type: 'AWS::SQS::Queue' },
      NoStatus: { Type: 'AWS::SNS::Topic' },
      Perm: { Type: 'AWS::Lambda::Permission' },
      Custom: { Type: 'Custom::X' },
      Both: { Type: 'AWS::CloudWatch::Alarm' },
      Listed: { Type: 'AWS::IoT::Policy' },
      Absent: { Condition: 'C' },
    };
    const summaries = [
      { LogicalResourceId: 'Made', PhysicalResourceId: 'q', ResourceStatus: 'CREATE_COMPLETE' },
      { LogicalResourceId: 'NoStatus', PhysicalResourceId: 't' },
      { LogicalResourceId: 'Listed', PhysicalResourceId: '' },
      { PhysicalResourceId: 'orphan' },
    ];
    const { created, skipped } = classifyResources(resources, summaries, ['AWS::CloudWatch::Alarm'], new Set(['Perm', 'Custom', 'Both']));
    expect(created).toEqual([
      { logicalId: 'Made', resourceType: 'AWS::SQS::Queue', physicalId: 'q', status: 'CREATE_COMPLETE' },
      { logicalId: 'NoStatus', resourceType: 'AWS::SNS::Topic', physicalId: 't', status: '' },
    ]);
    expect(skipped).toEqual([
      { logicalId: 'Perm', resourceType: 'AWS::Lambda::Permission', reason: "removed from the emulator template: a permission on a Lambda alias or version the emulator's CloudFormation does not create" },
      { logicalId: 'Custom', resourceType: 'Custom::X', reason: 'removed from the emulator template: a Lambda-backed custom resource (its provider would have to run in Docker)' },
      { logicalId: 'Both', resourceType: 'AWS::CloudWatch::Alarm', reason: 'moto does not support AWS::CloudWatch::Alarm in CloudFormation' },
      { logicalId: 'Listed', resourceType: 'AWS::IoT::Policy', reason: 'moto lists it without a physical id' },
      { logicalId: 'Absent', resourceType: '', reason: "not in list-stack-resources; it has Condition 'C', which may have been false" },
    ]);
  });

  test('splitOutputs: only the LocalDeployRef outputs the adaptation added are reference values (kept raw); the rest are outputs (as text)', () => {
    const refs = [{ outputKey: 'LocalDeployRef0', logicalId: 'Queue' }];
    const { outputs, refValues } = splitOutputs([
      { OutputKey: 'LocalDeployRef0', OutputValue: 'q-url' },
      { OutputKey: 'LocalDeployRef1', OutputValue: 'user output with the prefix' },
      { OutputKey: 'Count', OutputValue: 3 },
      { OutputKey: 'MyLocalDeployRef0', OutputValue: 'x' },
    ], [...refs, { outputKey: 'MyLocalDeployRef0', logicalId: 'Q' }]);
    expect(refValues).toEqual({ LocalDeployRef0: 'q-url' });
    expect(outputs).toEqual({ LocalDeployRef1: 'user output with the prefix', Count: '3', MyLocalDeployRef0: 'x' });
  });

  test('referenceValues: Ref and GetAtt values by logical id; moto placeholders, None and missing outputs left out', () => {
    const refOutputs = [
      { outputKey: 'R0', logicalId: 'Queue' },
      { outputKey: 'R1', logicalId: 'Queue', attribute: 'Arn' },
      { outputKey: 'R2', logicalId: 'Fn', attribute: 'Arn' },
      { outputKey: 'R3', logicalId: 'Topic' },
      { outputKey: 'R4', logicalId: 'Missing' },
      { outputKey: 'R5', logicalId: 'Role', attribute: 'Arn' },
    ];
    expect(referenceValues(refOutputs, { R0: 'url', R1: 'arn:q', R2: '<moto.lambda.Fn object>', R3: 'None', R5: 'x<moto.y' })).toEqual({
      Queue: { ref: 'url', attrs: { Arn: 'arn:q' } },
      Role: { attrs: { Arn: 'x<moto.y' } },
    });
  });

  test('apiCreateRequests: DependsOn as text or list, properties default {}, planned name or <stack>-<id>, create vs confirm', () => {
    const resources = {
      A: { Type: 'T::A', DependsOn: 'B', Properties: { P: 1 } },
      B: { Type: 'T::B', DependsOn: ['C', 'D'], Condition: 'IsProd' },
      C: { Type: 'T::C' },
    };
    const skipped = ['A', 'B', 'C'].map((id) => ({ logicalId: id, resourceType: `T::${id}`, reason: 'r' }));
    expect(apiCreateRequests(resources, skipped, (sk) => sk.logicalId !== 'C', { A: 'planned-a' }, 'S')).toEqual([
      { logicalId: 'A', resourceType: 'T::A', properties: { P: 1 }, dependsOn: ['B'], condition: undefined, plannedName: 'planned-a', mode: 'create' },
      { logicalId: 'B', resourceType: 'T::B', properties: {}, dependsOn: ['C', 'D'], condition: 'IsProd', plannedName: 'S-B', mode: 'create' },
      { logicalId: 'C', resourceType: 'T::C', properties: {}, dependsOn: [], condition: undefined, plannedName: 'S-C', mode: 'confirm' },
    ]);
  });

  test('sortOutcomes: a found confirm request is confirmed, a created one created via API, the rest not created (defaults filled in)', () => {
    const requests = [
      { logicalId: 'V', resourceType: 'AWS::Lambda::Version', properties: {}, dependsOn: [], mode: 'confirm' },
      { logicalId: 'W', resourceType: 'AWS::Lambda::Version', properties: {}, dependsOn: [], mode: 'confirm' },
      { logicalId: 'A', resourceType: 'AWS::CloudWatch::Alarm', properties: {}, dependsOn: [], mode: 'create' },
    ];
    expect(sortOutcomes([
      { logicalId: 'V', resourceType: 'AWS::Lambda::Version', created: true, physicalId: 'arn:v:1', apiCalls: ['ListVersionsByFunction', 'GetFunction'] },
      { logicalId: 'W', resourceType: 'AWS::Lambda::Version', created: true },
      { logicalId: 'A', resourceType: 'AWS::CloudWatch::Alarm', created: true },
      { logicalId: 'X', resourceType: 'AWS::X::Y', created: false },
      { logicalId: 'Y', resourceType: 'AWS::X::Y', created: false, reason: 'moto lacks the API' },
    ], requests)).toEqual({
      confirmedViaApi: [
        { logicalId: 'V', resourceType: 'AWS::Lambda::Version', physicalId: 'arn:v:1', status: 'created by CloudFormation, found with ListVersionsByFunction, GetFunction' },
        { logicalId: 'W', resourceType: 'AWS::Lambda::Version', physicalId: '', status: 'created by CloudFormation, found with ' },
      ],
      createdViaApi: [{ logicalId: 'A', resourceType: 'AWS::CloudWatch::Alarm', physicalId: '', apiCalls: [], readBack: '', notes: [] }],
      notCreated: [
        { logicalId: 'X', resourceType: 'AWS::X::Y', reason: 'not created' },
        { logicalId: 'Y', resourceType: 'AWS::X::Y', reason: 'moto lacks the API' },
      ],
    });
  });

  test('formatResult: only the headline when nothing was adapted, created via API or left out; no brackets without notes', () => {
    const base = {
      stackName: 'S', stackStatus: 'CREATE_COMPLETE', account: '1', region: 'r', endpointUrl: 'e', created: [{ logicalId: 'Q', resourceType: 'T', physicalId: 'p', status: 's' }],
      skipped: [], createdViaApi: [], notCreated: [], confirmedViaApi: [], adaptations: [], unsupportedTypes: [], outputs: {},
      timings: { serverStartMs: 0, synthMs: 0, bootstrapMs: 0, deployMs: 0, readBackMs: 0, apiCreateMs: 0, totalMs: 0 },
    };
    expect(formatResult(base)).toBe('S: CREATE_COMPLETE; 1 created by CloudFormation, 0 created via API, 0 not created');
    expect(formatResult({ ...base, createdViaApi: [{ logicalId: 'A', resourceType: 'T', physicalId: 'a', apiCalls: ['Put', 'Get'], readBack: 'ok', notes: [] }] }))
      .toBe('S: CREATE_COMPLETE; 1 created by CloudFormation, 1 created via API, 0 not created\nCreated via API (1):\n  A (T): Put, Get -> ok');
    expect(formatResult({ ...base, createdViaApi: [{ logicalId: 'A', resourceType: 'T', physicalId: 'a', apiCalls: ['Put'], readBack: 'ok', notes: ['no actions', 'no SNS'] }] }))
      .toContain('  A (T): Put -> ok [no actions; no SNS]');
  });

  test('failedEvents: only FAILED statuses, one line each, a missing reason empty', () => {
    expect(failedEvents([
      { LogicalResourceId: 'A', ResourceType: 'T', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'why' },
      { LogicalResourceId: 'B', ResourceType: 'T', ResourceStatus: 'CREATE_COMPLETE', ResourceStatusReason: 'fine' },
      { LogicalResourceId: 'C', ResourceType: 'T', ResourceStatus: 'UPDATE_ROLLBACK_FAILED' },
    ])).toBe('  A (T) CREATE_FAILED: why\n  C (T) UPDATE_ROLLBACK_FAILED: ');
    expect(failedEvents([])).toBe('');
  });

  test('deployFailureMessage: at most 10 CLI error lines, trimmed; the sections in order; the adaptation types once each', () => {
    const cli = ['progress 1', ...Array.from({ length: 12 }, (_, i) => `  Error line ${i}  `), '   ', 'ValidationException thrown', '‣ hint', '❌ failed'].join('\n');
    const message = deployFailureMessage({
      headline: 'H', cliOutput: cli, events: '  A (T) CREATE_FAILED: why', log: 'x\nbotocore.exceptions.ClientError: denied\n127.0.0.1 - - GET',
      typeOf: () => 'AWS::SQS::Queue',
      adaptations: [
        { logicalId: 'K1', resourceType: 'AWS::KMS::Key', change: 'c', reason: 'r' },
        { logicalId: 'K2', resourceType: 'AWS::KMS::Key', change: 'c', reason: 'r' },
        { logicalId: 'E', resourceType: 'AWS::SageMaker::EndpointConfig', change: 'c', reason: 'r' },
      ],
    });
    const lines = message.split('\n');
    expect(lines.slice(0, 12)).toEqual(['H.', 'cdk said:', ...Array.from({ length: 10 }, (_, i) => `  Error line ${i}`)]);
    expect(lines[12]).toMatch(/^Cause: moto rejected a resource during creation/);
    expect(message).toContain('\nmoto raised: botocore.exceptions.ClientError: denied\nFailed stack events:\n  A (T) CREATE_FAILED: why\nAdaptations applied before the deploy: 3 (AWS::KMS::Key, AWS::SageMaker::EndpointConfig)\ncdk output:\n');
    expect(message.endsWith('moto log:\nx\nbotocore.exceptions.ClientError: denied\n127.0.0.1 - - GET\n')).toBe(true);
    expect(deployFailureMessage({ headline: 'H', cliOutput: 'all good', events: '', log: '', typeOf: () => '' })).toBe('H.\ncdk output:\nall good\nmoto log:\n');
    // a CLI error line without spaces counts; two known failures are explained on two lines
    const two = deployFailureMessage({ headline: 'H', cliOutput: 'ValidationError', events: '', log: "KeyError: 'TagKey'\nROLLBACK_COMPLETE", typeOf: () => '' });
    expect(two.split('\n').slice(0, 5)).toEqual(['H.', 'cdk said:', '  ValidationError', expect.stringMatching(/^Cause: moto's KMS CloudFormation handler crashes/), expect.stringMatching(/^Cause: moto rejected a resource during creation/)]);
    expect(deployFailureMessage({ headline: 'H', cliOutput: 'x', events: '', log: '', typeOf: () => '', adaptations: [] })).toBe('H.\ncdk output:\nx\nmoto log:\n');
  });
});

describe('boto3', () => {
  const run = (stdout: string, stderr = '', status = 0) => ({ status, stdout, stderr, durationMs: 1 });

  test('boto3Results: the results, a failed call with and without an error code, a missing boto3, a crash', () => {
    expect(boto3Results('py', run('{"results":[{"a":1},{}]}'))).toEqual([{ a: 1 }, {}]);
    expect(() => boto3Results('py', run('{"error":{"service":"sqs","operation":"get_queue_url","code":"QueueDoesNotExist","message":"gone"}}')))
      .toThrow(/^boto3 sqs\.get_queue_url failed: QueueDoesNotExist: gone$/);
    expect(() => boto3Results('py', run('{"error":{"service":"sqs","operation":"x","code":"","message":"no code"}}'))).toThrow(/^boto3 sqs\.x failed: no code$/);
    expect(() => boto3Results('/usr/bin/py', run('', "ModuleNotFoundError: No module named 'boto3'", 1)))
      .toThrow("boto3 is not installed for /usr/bin/py: run `pip install boto3 'moto[server]'`");
    expect(() => boto3Results('py', run('half', 'Traceback: boom', 1))).toThrow(/^boto3 call failed \(exit code 1\):\nTraceback: boom\nhalf\n$/);
  });

  test('boto3Params: nothing or blank is {}; anything but a JSON object is an error naming the call', () => {
    expect(boto3Params('sqs', 'list_queues')).toEqual({});
    expect(boto3Params('sqs', 'list_queues', '')).toEqual({});
    expect(boto3Params('sqs', 'list_queues', ' \n')).toEqual({});
    expect(boto3Params('sqs', 'list_queues', '{"QueueNamePrefix":"a"}')).toEqual({ QueueNamePrefix: 'a' });
    expect(() => boto3Params('sqs', 'list_queues', '{nope')).toThrow(/^LocalDeploy\.describeViaBoto3\(sqs, list_queues\): params are not valid JSON: /);
    for (const bad of ['null', '[]', '3', '"text"']) {
      expect(() => boto3Params('s3', 'list_buckets', bad)).toThrow(/^LocalDeploy\.describeViaBoto3\(s3, list_buckets\): params must be a JSON object$/);
    }
  });

  test('boto3Calls: a JSON array of {service, operation, params?}; params default {}; other keys dropped', () => {
    expect(boto3Calls('[{"service":"sqs","operation":"list_queues","paginate":true},{"service":"s3","operation":"x","params":{"A":1}}]'))
      .toEqual([{ service: 'sqs', operation: 'list_queues', params: {} }, { service: 's3', operation: 'x', params: { A: 1 } }]);
    expect(boto3Calls('[]')).toEqual([]);
    expect(() => boto3Calls('[')).toThrow(/^LocalDeploy\.describeAllViaBoto3: calls are not valid JSON: /);
    const shape = 'LocalDeploy.describeAllViaBoto3: calls must be a JSON array of {service, operation, params?} with params a JSON object';
    for (const bad of ['{}', '[null]', '[3]', '[{"operation":"x"}]', '[{"service":"s","operation":1}]', '[{"service":"s"}]',
      '[{"service":"s","operation":"o","params":null}]', '[{"service":"s","operation":"o","params":[]}]', '[{"service":"s","operation":"o","params":"p"}]',
      '[{"service":"s","operation":"o"},{"service":"s"}]']) {
      expect(() => boto3Calls(bad)).toThrow(shape);
    }
  });
});

describe('cloud-assembly', () => {
  test('stackTarget: a 12-digit account and a region, each only when the environment names one', () => {
    expect(stackTarget('aws://111122223333/eu-west-1')).toEqual({ account: '111122223333', region: 'eu-west-1' });
    expect(stackTarget('aws://unknown-account/unknown-region')).toEqual({ account: undefined, region: undefined });
    expect(stackTarget('aws://11112222333/us-east-2')).toEqual({ account: undefined, region: 'us-east-2' });
    expect(stackTarget('aws://1111222233334/us-east-2')).toEqual({ account: undefined, region: 'us-east-2' });
    expect(stackTarget('xaws://111122223333/eu-west-1')).toEqual({ account: undefined, region: undefined });
    expect(stackTarget('aws://111122223333/')).toEqual({ account: undefined, region: undefined });
    expect(stackTarget(undefined)).toEqual({ account: undefined, region: undefined });
  });

  test('bootstrapTemplatePath: next to the CLI or up to four folders above it', () => {
    const make = (name: string, levelsUp: number) => {
      const root = path.join(tmp, name);
      const bin = path.join(root, 'a', 'b', 'c', 'd', 'e', 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'cdk'), '');
      let dir = bin;
      for (let i = 0; i < levelsUp; i++) { dir = path.dirname(dir); }
      const t = path.join(dir, 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml');
      fs.mkdirSync(path.dirname(t), { recursive: true });
      fs.writeFileSync(t, '');
      return { cli: path.join(bin, 'cdk'), template: t };
    };
    for (const up of [0, 1, 4]) {
      const { cli, template } = make(`up${up}`, up);
      expect(bootstrapTemplatePath(cli)).toBe(template);
    }
    const far = make('up5', 5);
    expect(() => bootstrapTemplatePath(far.cli)).toThrow(`LocalDeploy: cannot find the CDK bootstrap template next to ${far.cli}; pass cliBootstrap: true`);
  });

  test('resolveCdkCli: the given path (resolved), else aws-cdk from the search paths, else cdk on PATH, else an error', () => {
    const real = path.join(tmp, 'real-cdk');
    fs.writeFileSync(real, '');
    fs.symlinkSync(real, path.join(tmp, 'link-cdk'));
    expect(resolveCdkCli(path.join(tmp, 'link-cdk'), [])).toBe(real);
    expect(() => resolveCdkCli(path.join(tmp, 'none'), [])).toThrow(`LocalDeploy: cdkCliPath ${path.join(tmp, 'none')} does not exist`);
    const fromPackage = resolveCdkCli(undefined, [process.cwd()]);
    expect(fromPackage).toBe(path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'bin', 'cdk'));

    const bin = path.join(tmp, 'path-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(tmp, 'cdk-target'), '', { mode: 0o755 });
    fs.symlinkSync(path.join(tmp, 'cdk-target'), path.join(bin, 'cdk'));
    const saved = process.env.PATH;
    try {
      process.env.PATH = bin;
      expect(resolveCdkCli(undefined, [tmp])).toBe(path.join(tmp, 'cdk-target'));
      process.env.PATH = path.join(tmp, 'nothing-here');
      expect(() => resolveCdkCli(undefined, [tmp])).toThrow('LocalDeploy: the AWS CDK CLI was not found: add the `aws-cdk` npm package or pass cdkCliPath');
      // a package without bin/cdk falls through to PATH
      const pkg = path.join(tmp, 'pkgroot', 'node_modules', 'aws-cdk');
      fs.mkdirSync(pkg, { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"aws-cdk","version":"0.0.0"}');
      process.env.PATH = bin;
      expect(resolveCdkCli(undefined, [path.join(tmp, 'pkgroot')])).toBe(path.join(tmp, 'cdk-target'));
      fs.mkdirSync(path.join(pkg, 'bin'));
      fs.writeFileSync(path.join(pkg, 'bin', 'cdk'), '');
      expect(resolveCdkCli(undefined, [path.join(tmp, 'pkgroot')])).toBe(path.join(pkg, 'bin', 'cdk'));
    } finally {
      process.env.PATH = saved;
    }
  });

  test('localCliEnv: no AWS_* or CDK_* variable of the caller, the rest kept, an empty config file', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { AWS_PROFILE: 'prod', AWS_CA_BUNDLE: '/ca', CDK_DEFAULT_REGION: 'ap-south-1', MY_AWS_THING: 'kept', XCDK_Y: 'kept' });
      fs.writeFileSync(path.join(tmp, 'aws-config'), 'stale');
      const env = localCliEnv(tmp, 'http://localhost:1', 'eu-central-1');
      expect(env.AWS_PROFILE).toBeUndefined();
      expect(env.AWS_CA_BUNDLE).toBeUndefined();
      expect(env.CDK_DEFAULT_REGION).toBeUndefined();
      expect(env.MY_AWS_THING).toBe('kept');
      expect(env.XCDK_Y).toBe('kept');
      expect(env).toMatchObject({ AWS_ENDPOINT_URL: 'http://localhost:1', AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-central-1', CI: 'true', NODE_NO_WARNINGS: '1', FORCE_COLOR: '0' });
      expect(env.AWS_CONFIG_FILE).toBe(path.join(tmp, 'aws-config'));
      expect(fs.readFileSync(path.join(tmp, 'aws-config'), 'utf-8')).toBe('');
      expect(process.env.AWS_PROFILE).toBe('prod');
    } finally {
      for (const k of Object.keys(process.env)) { if (!(k in saved)) { delete process.env[k]; } }
    }
  });

  test('findStackArtifact: by artifact id first, then display name, then stack name; nested assemblies; the errors', () => {
    const dir = path.join(tmp, 'asm');
    fs.mkdirSync(path.join(dir, 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      artifacts: {
        B: { type: 'aws:cloudformation:stack', properties: { templateFile: 'B.json' } },
        A: { type: 'aws:cloudformation:stack', displayName: 'B', properties: { templateFile: 'A.json', stackName: 'StackA' }, environment: 'aws://1/r' },
        Tree: { type: 'cdk:tree' },
        NoDir: { type: 'cdk:cloud-assembly', properties: {} },
        NoProps: { type: 'cdk:cloud-assembly' },
        // only nested cloud assemblies are entered, whatever else names a directory
        Assets: { type: 'cdk:asset-manifest', properties: { directoryName: 'not-an-assembly' } },
        Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'nested' } },
      },
    }));
    fs.writeFileSync(path.join(dir, 'nested', 'manifest.json'), JSON.stringify({ artifacts: { C: { type: 'aws:cloudformation:stack', displayName: 'Stage/C', properties: { templateFile: 'C.json', stackName: 'Stage-C' } } } }));
    expect(findStackArtifact(dir, 'B')).toEqual({ assemblyDir: dir, artifactId: 'B', displayName: 'B', stackName: 'B', templateFile: 'B.json', environment: undefined });
    expect(findStackArtifact(dir, 'StackA')).toEqual({ assemblyDir: dir, artifactId: 'A', displayName: 'B', stackName: 'StackA', templateFile: 'A.json', environment: 'aws://1/r' });
    expect(findStackArtifact(dir, 'Stage/C')).toMatchObject({ assemblyDir: path.join(dir, 'nested'), artifactId: 'C', stackName: 'Stage-C' });
    expect(findStackArtifact(dir, 'Stage-C').artifactId).toBe('C');
    expect(() => findStackArtifact(dir, 'Z')).toThrow(`LocalDeploy: stack 'Z' not found in ${dir}; stacks: B, B, Stage/C`);
    const empty = path.join(tmp, 'empty-asm');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'manifest.json'), '{}');
    expect(() => findStackArtifact(empty, 'Z')).toThrow(`LocalDeploy: stack 'Z' not found in ${empty}; stacks: (none)`);
    expect(() => findStackArtifact(tmp, 'Z')).toThrow(`LocalDeploy: ${tmp} is not a cloud assembly (no manifest.json)`);
  });
});

describe('emulator-adapter references', () => {
  const refs = (node: unknown) => {
    const out: string[] = [];
    collectReferences(node, (id, attr) => out.push(attr === undefined ? id : `${id}.${attr}`));
    return out;
  };

  test('Ref (not pseudo parameters), Fn::GetAtt as a list or a dotted text, nested anywhere', () => {
    expect(refs({ a: { Ref: 'Queue' }, b: [{ Ref: 'AWS::Region' }, { 'Fn::GetAtt': ['Fn', 'Arn'] }], c: { 'Fn::GetAtt': 'Topic.Attr.Deep' } })).toEqual(['Queue', 'Fn.Arn', 'Topic.Attr.Deep']);
    expect(refs({ 'Fn::GetAtt': 'NoDot' })).toEqual([]);
    expect(refs({ 'Fn::GetAtt': ['OnlyOne'] })).toEqual([]);
    expect(refs({ 'Fn::GetAtt': [1, 'Arn'] })).toEqual([]);
    expect(refs({ Ref: 3 })).toEqual([]);
    expect(refs([null, 'text', 7])).toEqual([]);
  });

  test('Fn::Sub: ${Id} and ${Id.Attr}; not ${!Literal}, not pseudo parameters, not the variables it defines', () => {
    expect(refs({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Role.Arn}' })).toEqual(['Bucket', 'Role.Arn']);
    expect(refs({ 'Fn::Sub': ['${Local}-${Queue.QueueName}', { Local: { Ref: 'Param' } }] })).toEqual(['Queue.QueueName', 'Param']);
    expect(refs({ 'Fn::Sub': [{ Ref: 'X' }] })).toEqual(['X']);
  });

  test('substituteInstanceType: the nearest family the emulator knows, else any size of it, else ml.m5.xlarge, else the first known', () => {
    expect(substituteInstanceType('ml.g5.2xlarge', ['ml.g4dn.2xlarge', 'ml.m5.xlarge'])).toBe('ml.g4dn.2xlarge');
    expect(substituteInstanceType('ml.p5.48xlarge', ['ml.p3.2xlarge', 'ml.m5.xlarge'])).toBe('ml.p3.2xlarge');
    expect(substituteInstanceType('ml.inf2.xlarge', ['ml.inf1.6xlarge'])).toBe('ml.inf1.6xlarge');
    expect(substituteInstanceType('ml.c7i.large', ['ml.c4.large', 'ml.c5.large'])).toBe('ml.c5.large');
    expect(substituteInstanceType('ml.r7i.large', ['ml.r5d.large'])).toBe('ml.r5d.large');
    expect(substituteInstanceType('ml.t3.medium', ['ml.m4.xlarge', 'ml.m5.xlarge'])).toBe('ml.m5.xlarge');
    expect(substituteInstanceType('ml.g5.xlarge', ['ml.t2.medium', 'ml.m5.xlarge'])).toBe('ml.m5.xlarge');
    expect(substituteInstanceType('odd', ['ml.t2.medium', 'ml.c4.large'])).toBe('ml.t2.medium');
    expect(substituteInstanceType('odd', ['ml.m4.xlarge'])).toBe('ml.m4.xlarge');
  });
});

describe('moto-server', () => {
  test('readLog: the text, or empty when there is no file', () => {
    fs.writeFileSync(path.join(tmp, 'log'), 'line\n');
    expect(readLog(path.join(tmp, 'log'))).toBe('line\n');
    expect(readLog(path.join(tmp, 'no-log'))).toBe('');
  });

  test('freePort: a port number that can be listened on', () => {
    const port = freePort();
    expect(Number.isInteger(port)).toBe(true);
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });

  test('killProcessGroup: TERM (then KILL) the group a detached process leads; a group already gone is no error', async () => {
    for (const graceful of [true, false]) {
      const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
      const exited = new Promise<string | null>((r) => child.on('exit', (_code, signal) => r(signal)));
      killProcessGroup(child.pid!, graceful);
      expect(await exited).toBe(graceful ? 'SIGTERM' : 'SIGKILL');
      // reaped now: the group no longer exists
      expect(() => killProcessGroup(child.pid!, graceful)).not.toThrow();
    }
  });

  test('freePort: a child that fails or prints no port number is an error', () => {
    for (const reply of [{ status: 1, stdout: '', stderr: 'EADDRNOTAVAIL' }, { status: 0, stdout: '0', stderr: 'zero' }, { status: 0, stdout: '12.5', stderr: 'fraction' }, { status: 0, stdout: 'x', stderr: 'text' }, { status: 0, stdout: '-3', stderr: 'negative' }]) {
      const spy = jest.spyOn(processHelpers, 'runSync').mockReturnValue({ ...reply, durationMs: 1 });
      try {
        expect(() => freePort()).toThrow(`LocalDeploy: could not find a free localhost port: ${reply.stderr}`);
      } finally {
        spy.mockRestore();
      }
    }
    const spy = jest.spyOn(processHelpers, 'runSync').mockReturnValue({ status: 0, stdout: ' 4242\n', stderr: '', durationMs: 1 });
    try {
      expect(freePort()).toBe(4242);
      expect(spy.mock.calls[0][1]).toMatchObject({ timeoutMs: 10_000, label: 'finding a free port' });
    } finally {
      spy.mockRestore();
    }
  });
});

test('explainEmulatorFailure: a GetAtt of a resource of unknown type says so', () => {
  const [text] = explainEmulatorFailure('Template error: instance of Fn::GetAtt references undefined resource Lookup', () => '');
  expect(text).toMatch(/^Cause: a resource moto creates reads an attribute of Lookup \(unknown type\), which moto's CloudFormation does not create, /);
  const [known] = explainEmulatorFailure('Fn::GetAtt references undefined resource Lookup', (id) => (id === 'Lookup' ? 'Custom::Lookup' : ''));
  expect(known).toContain('reads an attribute of Lookup (Custom::Lookup)');
});

describe('emulator-profile (what the installed moto supports)', () => {
  const py = (name: string, body: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, `#!/bin/sh\ncat > /dev/null\n${body}\n`, { mode: 0o755 });
    return file;
  };

  test('a missing interpreter, an interpreter without moto and a crash are errors that name the fix', () => {
    expect(() => emulatorProfile(path.join(tmp, 'no-python'))).toThrow(`${path.join(tmp, 'no-python')} is not installed: LocalDeploy needs python3 with moto (\`pip install cfn-lint 'moto[server]'\`)`);
    expect(() => emulatorProfile(py('no-moto', "echo \"ModuleNotFoundError: No module named 'moto'\" >&2; exit 1")))
      .toThrow("moto is not installed: run `pip install cfn-lint 'moto[server]'`");
    expect(() => emulatorProfile(py('crash', 'echo "ImportError: boom" >&2; exit 2'))).toThrow(/^Could not list moto's CloudFormation resource types \(exit code 2\):\nImportError: boom\n$/);
  });

  test('the profile is asked once per interpreter; attributes are asked only when not known yet, and remembered', () => {
    const log = path.join(tmp, 'profile-asks');
    const attrs = '{"AWS::SQS::Queue\\u0000Arn": true, "AWS::SQS::Queue\\u0000QueueName": false}';
    const p = py('profile', `echo ask >> ${log}\necho '{"types": ["AWS::SQS::Queue"], "sageMakerInstanceTypes": ["ml.m5.xlarge"], "motoVersion": "5.1.0", "attrs": ${attrs}}'`);
    const first = emulatorProfile(p, [['AWS::SQS::Queue', 'Arn'], ['AWS::SQS::Queue', 'QueueName']]);
    expect(first.profile).toEqual({ supportedTypes: ['AWS::SQS::Queue'], sageMakerInstanceTypes: ['ml.m5.xlarge'], motoVersion: '5.1.0' });
    expect(first.attrSupported('AWS::SQS::Queue', 'Arn')).toBe(true);
    expect(first.attrSupported('AWS::SQS::Queue', 'QueueName')).toBe(false);
    expect(first.attrSupported('AWS::SQS::Queue', 'Url')).toBe(false);
    const again = emulatorProfile(p, [['AWS::SQS::Queue', 'Arn']]);
    expect(again.profile).toBe(first.profile);
    expect(fs.readFileSync(log, 'utf-8')).toBe('ask\n');
    emulatorProfile(p, [['AWS::SNS::Topic', 'TopicName']]);
    expect(fs.readFileSync(log, 'utf-8')).toBe('ask\nask\n');
  });
});
