import * as fs from 'fs';
import * as path from 'path';
import { LocalDeploy, LocalDeployOptions } from '../../lib/testing';
import { FakeEmulator, FakeScenario, writeAssembly } from './fake-emulator';
import { storageStack } from './fixtures';

/**
 * LocalDeploy against stub executables (test/testing/fake-emulator.ts: a fake moto server, boto3 and CDK
 * CLI, about 1 s per deployment): what it runs, what it reports and how it fails (issue 21 class 1: a
 * validator that cannot fail makes every test built on it unable to fail). The real deployment to moto
 * is test/testing/local-deploy.test.ts.
 */
const fake = new FakeEmulator();
const assemblies: string[] = [];
beforeAll(() => fake.onPath());
afterAll(() => {
  fake.dispose();
  for (const a of assemblies) { fs.rmSync(a, { recursive: true, force: true }); }
});

const TEMPLATE = {
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue' },
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'depth', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }] }, DependsOn: 'Queue' },
    Policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: {} }, Condition: 'IsProd' },
    Lookup: { Type: 'Custom::Lookup', Properties: { ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:f' } },
  },
  Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] } },
  Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
};

const OK_STACK = (outputs: object[] = [{ OutputKey: 'QueueUrl', OutputValue: 'https://q' }]) => ({ Stacks: [{ StackStatus: 'CREATE_COMPLETE', Outputs: outputs }] });

const HAPPY: FakeScenario = {
  profile: { types: ['AWS::SQS::Queue', 'AWS::IoT::Policy'] },
  boto3: {
    'describe_stacks:CDKToolkit': { Stacks: [{ StackStatus: 'CREATE_COMPLETE' }] },
    'list_stack_resources': { StackResourceSummaries: [{ LogicalResourceId: 'Queue', PhysicalResourceId: 'https://q', ResourceStatus: 'CREATE_COMPLETE' }, { LogicalResourceId: 'Policy', ResourceStatus: 'CREATE_COMPLETE' }] },
    'describe_stacks:FakeStack': OK_STACK(),
  },
  motoLog: "Tried to parse AWS::CloudWatch::Alarm but it's not supported by moto's CloudFormation implementation\n",
  outcomes: [
    { logicalId: 'Alarm', resourceType: 'AWS::CloudWatch::Alarm', created: true, physicalId: 'depth', apiCalls: ['PutMetricAlarm'], readBack: 'depth OK', notes: ['no actions'] },
    { logicalId: 'Policy', resourceType: 'AWS::IoT::Policy', created: true, physicalId: 'p', apiCalls: ['GetPolicy'] },
    { logicalId: 'Lookup', resourceType: 'Custom::Lookup', created: false, reason: 'a custom resource' },
  ],
};

function assembly(template: object = TEMPLATE, opts: Parameters<typeof writeAssembly>[1] = { stackName: 'FakeStack', environment: 'aws://111122223333/eu-west-1' }): string {
  const dir = writeAssembly(template, opts);
  assemblies.push(dir);
  return dir;
}

function deploy(scenario: FakeScenario, options: LocalDeployOptions = {}, dir: string = assembly(), stack = 'Stack'): LocalDeploy {
  fake.use(scenario);
  return LocalDeploy.deployAssembly(dir, stack, { python: fake.python, cdkCliPath: fake.cdkCli, ...options });
}

/** Whether a process is running (a killed child not yet reaped by node is a zombie: not running). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf-8'));
  } catch {
    return false;
  }
}

describe('a deployment the emulator accepts', () => {
  let d: LocalDeploy;
  let serverPid = 0;
  let workDir = '';
  beforeAll(() => {
    process.env.AWS_SECRET_ACCESS_KEY = 'a-real-secret';
    process.env.CDK_DEFAULT_ACCOUNT = '999999999999';
    try {
      d = deploy(HAPPY);
    } finally {
      delete process.env.AWS_SECRET_ACCESS_KEY;
      delete process.env.CDK_DEFAULT_ACCOUNT;
    }
    serverPid = fake.calls('server')[0].pid;
    workDir = fake.calls('cdk deploy')[0].cwd;
  });
  afterAll(() => d?.stop());

  test('the stack, its target (from the artifact environment) and the endpoint of the started server', () => {
    const server = fake.calls('server');
    expect(server).toHaveLength(1);
    const port = Number(server[0].argv[server[0].argv.indexOf('-p') + 1]);
    expect(d.result).toMatchObject({ stackName: 'FakeStack', stackStatus: 'CREATE_COMPLETE', account: '111122223333', region: 'eu-west-1', endpointUrl: `http://localhost:${port}` });
    expect(d.endpointUrl).toBe(`http://localhost:${port}`);
    expect(server[0].argv).toEqual(['-c', path.join(fake.binDir, 'moto_server'), '-H', 'localhost', '-p', String(port)]);
    expect(server[0].env).toMatchObject({ MOTO_ACCOUNT_ID: '111122223333', PYTHONWARNINGS: 'always' });
    expect(d.running).toBe(true);
    expect(d.serverLog()).toContain(`fake moto on ${port}`);
  });

  test('created (listed with a physical id) and skipped, each skipped resource with its reason', () => {
    expect(d.result.created).toEqual([{ logicalId: 'Queue', resourceType: 'AWS::SQS::Queue', physicalId: 'https://q', status: 'CREATE_COMPLETE' }]);
    expect(d.result.skipped).toEqual([
      { logicalId: 'Alarm', resourceType: 'AWS::CloudWatch::Alarm', reason: 'moto does not support AWS::CloudWatch::Alarm in CloudFormation' },
      { logicalId: 'Policy', resourceType: 'AWS::IoT::Policy', reason: "moto lists it without a physical id; it has Condition 'IsProd', which may have been false" },
      { logicalId: 'Lookup', resourceType: 'Custom::Lookup', reason: 'removed from the emulator template: a Lambda-backed custom resource (its provider would have to run in Docker)' },
    ]);
    expect(d.result.unsupportedTypes).toEqual(['AWS::CloudWatch::Alarm']);
    expect(d.result.outputs).toEqual({ QueueUrl: 'https://q' });
  });

  test('skipped resources go to the API-create script: create for those that exist nowhere, confirm for those moto lists without an id', () => {
    const [run] = fake.calls('api-create');
    expect(run.input).toMatchObject({ endpoint: d.endpointUrl, region: 'eu-west-1', account: '111122223333', stackName: 'FakeStack', placeholders: ['Lookup'], values: {}, lambdaVersions: {}, mappings: {} });
    expect(run.input.resources).toEqual([
      { logicalId: 'Alarm', resourceType: 'AWS::CloudWatch::Alarm', properties: TEMPLATE.Resources.Alarm.Properties, dependsOn: ['Queue'], plannedName: 'depth', mode: 'create' },
      { logicalId: 'Policy', resourceType: 'AWS::IoT::Policy', properties: { PolicyDocument: {} }, dependsOn: [], condition: 'IsProd', plannedName: 'FakeStack-Policy', mode: 'confirm' },
      { logicalId: 'Lookup', resourceType: 'Custom::Lookup', properties: TEMPLATE.Resources.Lookup.Properties, dependsOn: [], plannedName: 'FakeStack-Lookup', mode: 'create' },
    ]);
    expect(run.env.PYTHONWARNINGS).toBe('ignore');
    expect(d.result.createdViaApi).toEqual([{ logicalId: 'Alarm', resourceType: 'AWS::CloudWatch::Alarm', physicalId: 'depth', apiCalls: ['PutMetricAlarm'], readBack: 'depth OK', notes: ['no actions'] }]);
    expect(d.result.confirmedViaApi).toEqual([{ logicalId: 'Policy', resourceType: 'AWS::IoT::Policy', physicalId: 'p', status: 'created by CloudFormation, found with GetPolicy' }]);
    expect(d.result.notCreated).toEqual([{ logicalId: 'Lookup', resourceType: 'Custom::Lookup', reason: 'a custom resource' }]);
    expect(d.result.adaptations.map((a) => [a.logicalId, a.change])).toEqual([['Lookup', 'removed from the emulator template; references to it get placeholder values']]);
  });

  test('bootstrap is one boto3 create_stack of the CLI\'s bootstrap template, then cdk deploy --method direct of the copied assembly', () => {
    const ops = fake.boto3Calls();
    expect(ops.map((o) => o.op)).toEqual(['cloudformation.create_stack', 'cloudformation.describe_stacks', 'cloudformation.list_stack_resources', 'cloudformation.describe_stacks']);
    expect(ops[0].params).toEqual({ StackName: 'CDKToolkit', TemplateBody: 'Description: fake bootstrap template\n', Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] });
    expect(fake.calls('boto3')[1].input.calls[0]).toMatchObject({ paginate: true, params: { StackName: 'FakeStack' } });
    const [cdk] = fake.calls('cdk deploy');
    expect(cdk.argv).toEqual(['deploy', 'Stack', '--app', path.join(cdk.cwd, 'cdk.out'), '--require-approval', 'never', '--method', 'direct', '--no-notices', '--no-color', '--progress', 'events']);
    expect(fake.calls('cdk bootstrap')).toEqual([]);
  });

  test('the CLI and boto3 get the emulator endpoint and dummy credentials, never the caller\'s AWS_* / CDK_* variables', () => {
    for (const run of [...fake.calls('cdk deploy'), ...fake.calls('boto3'), ...fake.calls('api-create')]) {
      expect(run.env).toMatchObject({
        AWS_ENDPOINT_URL: d.endpointUrl, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: 'testing',
        AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true',
      });
      expect(run.env.CDK_DEFAULT_ACCOUNT).toBeUndefined();
      expect(run.env.AWS_CONFIG_FILE).toBe(run.env.AWS_SHARED_CREDENTIALS_FILE);
      expect(path.basename(run.env.AWS_CONFIG_FILE)).toBe('aws-config');
    }
  });

  test('timings: each phase measured, the total covers them', () => {
    const t = d.result.timings;
    for (const v of [t.serverStartMs, t.synthMs, t.bootstrapMs, t.deployMs, t.readBackMs, t.apiCreateMs]) {
      expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(t.serverStartMs).toBeGreaterThan(0);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.serverStartMs + t.bootstrapMs + t.deployMs + t.readBackMs + t.apiCreateMs);
  });

  test('formatResult lists the adaptations, what was created via the API (with notes) and what was not created', () => {
    expect(LocalDeploy.formatResult(d.result)).toBe([
      'FakeStack: CREATE_COMPLETE; 2 created by CloudFormation, 1 created via API, 1 not created',
      'Adapted for the emulator (1; the real template is unchanged):',
      `  Lookup (Custom::Lookup): removed from the emulator template; references to it get placeholder values — ${d.result.adaptations[0].reason}`,
      'Created via API (1):',
      '  Alarm (AWS::CloudWatch::Alarm): PutMetricAlarm -> depth OK [no actions]',
      'Not created locally (1):',
      '  Lookup (Custom::Lookup): a custom resource',
    ].join('\n'));
  });

  test('describeViaBoto3 / describeAllViaBoto3 call the running server; stop() ends it and removes the work dir', () => {
    fake.use({ boto3: { list_queues: { QueueUrls: ['https://q'] }, get_queue_attributes: { Attributes: { A: '1' } } } });
    expect(d.describeViaBoto3('sqs', 'list_queues')).toEqual({ QueueUrls: ['https://q'] });
    expect(d.describeViaBoto3('sqs', 'get_queue_attributes', '  ')).toEqual({ Attributes: { A: '1' } });
    expect(fake.boto3Calls()).toEqual([{ op: 'sqs.list_queues', params: {} }, { op: 'sqs.get_queue_attributes', params: {} }]);
    expect(d.describeAllViaBoto3('[{"service":"sqs","operation":"list_queues"},{"service":"sqs","operation":"get_queue_attributes","params":{"QueueUrl":"https://q"}}]'))
      .toEqual([{ QueueUrls: ['https://q'] }, { Attributes: { A: '1' } }]);
    expect(fake.boto3Calls().slice(2)).toEqual([{ op: 'sqs.list_queues', params: {} }, { op: 'sqs.get_queue_attributes', params: { QueueUrl: 'https://q' } }]);

    expect(alive(serverPid)).toBe(true);
    expect(fs.existsSync(workDir)).toBe(true);
    d.stop();
    expect(d.running).toBe(false);
    expect(alive(serverPid)).toBe(false);
    expect(fs.existsSync(workDir)).toBe(false);
    expect(() => d.describeViaBoto3('sqs', 'list_queues')).toThrow('LocalDeploy: the moto server is stopped; describeViaBoto3 needs a running deployment');
    expect(() => d.describeAllViaBoto3('[]')).toThrow('LocalDeploy: the moto server is stopped; describeAllViaBoto3 needs a running deployment');
    d.stop(); // idempotent
  });

});

describe('failures LocalDeploy reports (and the server it stops)', () => {
  test('cdk deploy exits 1: the error has the CLI\'s error lines, the explained cause, moto\'s exception, the failed events and the adaptations; the server is stopped', () => {
    const scenario: FakeScenario = {
      ...HAPPY,
      deploy: { status: 1, stdout: 'FakeStack: deploying... [1/1]\n', stderr: '❌  FakeStack failed: Error: The stack named FakeStack failed creation\n   progress 3/4\n' },
      motoLog: "Traceback (most recent call last):\nKeyError: 'TagKey'\n",
      boto3: { ...HAPPY.boto3, describe_stack_events: { StackEvents: [
        { LogicalResourceId: 'Queue', ResourceType: 'AWS::SQS::Queue', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'bad queue' },
        { LogicalResourceId: 'Policy', ResourceType: 'AWS::IoT::Policy', ResourceStatus: 'CREATE_COMPLETE' },
        { LogicalResourceId: 'FakeStack', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'ROLLBACK_FAILED' },
      ] } },
    };
    let message = '';
    try {
      deploy(scenario);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').slice(0, 3)).toEqual([
      "cdk deploy of 'Stack' against moto failed (exit code 1).",
      'cdk said:',
      '  ❌  FakeStack failed: Error: The stack named FakeStack failed creation',
    ]);
    expect(message).toContain("Cause: moto's KMS CloudFormation handler crashes on an AWS::KMS::Key with Tags");
    expect(message).toContain("moto raised: KeyError: 'TagKey'");
    expect(message).toContain('Failed stack events:\n  Queue (AWS::SQS::Queue) CREATE_FAILED: bad queue\n  FakeStack (AWS::CloudFormation::Stack) ROLLBACK_FAILED: \n');
    expect(message).not.toContain('Policy (AWS::IoT::Policy)');
    expect(message).toContain('Adaptations applied before the deploy: 1 (Custom::Lookup)');
    expect(message).toMatch(/cdk output:\n❌ {2}FakeStack failed[^]*progress 3\/4[^]*FakeStack: deploying\.\.\. \[1\/1\]\nmoto log:\n[^]*KeyError: 'TagKey'/);
    expect(message).not.toContain('fake moto on');
    expect(fake.boto3Calls().map((c) => c.op)).toEqual(['cloudformation.create_stack', 'cloudformation.describe_stacks', 'cloudformation.describe_stack_events']);
    expect(fake.boto3Calls()[2].params).toEqual({ StackName: 'FakeStack' });
    expect(alive(fake.calls('server')[0].pid)).toBe(false);
    expect(fs.existsSync(fake.calls('cdk deploy')[0].cwd)).toBe(false);
  });

  test('cdk deploy fails before the stack exists: no events section, nothing adapted said when nothing was adapted', () => {
    const scenario: FakeScenario = { ...HAPPY, deploy: { status: 2, stderr: 'boom\n' }, boto3Error: { operation: 'describe_stack_events', code: 'ValidationError', message: 'Stack does not exist' } };
    expect(() => deploy(scenario, { adaptForEmulator: false })).toThrow(/^cdk deploy of 'Stack' against moto failed \(exit code 2\)\.\ncdk output:\nboom\n/);
  });

  test('cdk deploy exits 0 but the stack is not complete: an error with the status and its reason', () => {
    const rolledBack = { ...HAPPY, boto3: { ...HAPPY.boto3, 'describe_stacks:FakeStack': { Stacks: [{ StackStatus: 'ROLLBACK_COMPLETE', StackStatusReason: 'Queue failed' }] } } };
    expect(() => deploy(rolledBack)).toThrow(/^cdk deploy of 'FakeStack' exited 0 but the stack is ROLLBACK_COMPLETE \(Queue failed\)\.\n[^]*Cause: moto rejected a resource during creation/);
    const missing = { ...HAPPY, boto3: { ...HAPPY.boto3, 'describe_stacks:FakeStack': { Stacks: [] } } };
    expect(() => deploy(missing)).toThrow(/^cdk deploy of 'FakeStack' exited 0 but the stack is UNKNOWN\.\n/);
    const none = { ...HAPPY, boto3: { ...HAPPY.boto3, 'describe_stacks:FakeStack': {} } };
    expect(() => deploy(none)).toThrow(/^cdk deploy of 'FakeStack' exited 0 but the stack is UNKNOWN\.\n/);
    const updated = { ...HAPPY, boto3: { ...HAPPY.boto3, 'describe_stacks:FakeStack': { Stacks: [{ StackStatus: 'UPDATE_COMPLETE' }] } } };
    const d = deploy(updated);
    expect(d.result.stackStatus).toBe('UPDATE_COMPLETE');
    expect(d.result.outputs).toEqual({});
    d.stop();
  });

  test('the bootstrap stack does not complete: an error with its status and moto\'s log', () => {
    const scenario = { ...HAPPY, boto3: { ...HAPPY.boto3, 'describe_stacks:CDKToolkit': { Stacks: [{ StackStatus: 'CREATE_FAILED' }] } } };
    expect(() => deploy(scenario)).toThrow(/^bootstrap stack against moto ended in CREATE_FAILED; moto log:\nfake moto on \d+\n$/);
    expect(fake.calls('cdk deploy')).toEqual([]);
  });

  test('cliBootstrap runs `cdk bootstrap aws://<account>/<region>` instead, and its failure is an error', () => {
    const d = deploy(HAPPY, { cliBootstrap: true });
    expect(fake.calls('cdk bootstrap').map((c) => c.argv)).toEqual([['bootstrap', 'aws://111122223333/eu-west-1', '--no-notices', '--no-color', '--progress', 'events']]);
    expect(fake.boto3Calls().map((c) => c.op)).not.toContain('cloudformation.create_stack');
    d.stop();
    expect(() => deploy({ ...HAPPY, bootstrap: { status: 1, stdout: 'out\n', stderr: 'no bootstrap\n' } }, { cliBootstrap: true }))
      .toThrow(/^cdk bootstrap against moto failed \(exit code 1\):\nno bootstrap\nout\nmoto log:\nfake moto on \d+\n$/);
  });

  test('moto_server crashes at start-up: three attempts on three ports, then an error with its log', () => {
    expect(() => deploy({ ...HAPPY, serverCrash: 'Traceback (most recent call last):\nOSError: [Errno 98] Address already in use' }))
      .toThrow(/^moto_server did not start on localhost after 3 attempts: moto_server exited during startup\n\nmoto log:\nTraceback[^]*Address already in use\n$/);
    expect(fake.calls('server')).toHaveLength(3);
    expect(fake.calls('cdk deploy')).toEqual([]);
  });

  test('the API-create script crashes: an error with its exit code and output', () => {
    expect(() => deploy({ ...HAPPY, outcomesRaw: 'not json' })).toThrow(/^LocalDeploy: creating the skipped resources through the APIs failed \(exit code 3\):\napi-create crashed\nnot json\n$/);
  });

  test('createSkippedViaApi off: no API-create run; what exists nowhere is not created, what moto lists without an id is not listed', () => {
    const d = deploy(HAPPY, { createSkippedViaApi: false });
    expect(fake.calls('api-create')).toEqual([]);
    expect(d.result.createdViaApi).toEqual([]);
    expect(d.result.confirmedViaApi).toEqual([]);
    expect(d.result.notCreated).toEqual([
      { logicalId: 'Alarm', resourceType: 'AWS::CloudWatch::Alarm', reason: 'moto does not support AWS::CloudWatch::Alarm in CloudFormation; createSkippedViaApi is off' },
      { logicalId: 'Lookup', resourceType: 'Custom::Lookup', reason: 'removed from the emulator template: a Lambda-backed custom resource (its provider would have to run in Docker); createSkippedViaApi is off' },
    ]);
    d.stop();
  });

  test('nothing skipped: no API-create run', () => {
    const only = { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } };
    const d = deploy({ ...HAPPY, motoLog: '' }, {}, assembly(only));
    expect(fake.calls('api-create')).toEqual([]);
    expect(d.result.skipped).toEqual([]);
    expect(d.result.notCreated).toEqual([]);
    d.stop();
  });

  test('adaptForEmulator off: the template is deployed as synthesized; a custom resource is then simply not listed', () => {
    const d = deploy(HAPPY, { adaptForEmulator: false, createSkippedViaApi: false });
    expect(d.result.adaptations).toEqual([]);
    expect(d.result.skipped.find((s) => s.logicalId === 'Lookup')).toEqual({ logicalId: 'Lookup', resourceType: 'Custom::Lookup', reason: 'not in list-stack-resources' });
    const deployed = JSON.parse(fs.readFileSync(path.join(fake.calls('cdk deploy')[0].cwd, 'cdk.out', 'Stack.template.json'), 'utf-8'));
    expect(deployed).toEqual(TEMPLATE);
    d.stop();
  });

  test('deployMethod and exclusively reach cdk deploy', () => {
    const d = deploy(HAPPY, { deployMethod: 'change-set', exclusively: true, createSkippedViaApi: false });
    const argv = fake.calls('cdk deploy')[0].argv;
    expect(argv.slice(argv.indexOf('--method'), argv.indexOf('--method') + 2)).toEqual(['--method', 'change-set']);
    expect(argv[argv.length - 1]).toBe('--exclusively');
    d.stop();
  });

  test('missing tools and a wrong stack are errors that name the fix', () => {
    expect(() => deploy(HAPPY, { python: '/nonexistent/python3' })).toThrow("/nonexistent/python3 is not installed: LocalDeploy needs python3 with boto3 (`pip install cfn-lint 'moto[server]'`)");
    expect(() => deploy(HAPPY, { cdkCliPath: '/nonexistent/cdk' })).toThrow('LocalDeploy: cdkCliPath /nonexistent/cdk does not exist');
    const dir = assembly();
    expect(() => deploy(HAPPY, {}, dir, 'Nope')).toThrow(/^LocalDeploy: stack 'Nope' not found in \/.*\/cdk\.out; stacks: Stack$/);
    const saved = process.env.PATH;
    process.env.PATH = path.join(fake.dir, 'empty');
    try {
      expect(() => deploy(HAPPY)).toThrow("moto is not installed: run `pip install cfn-lint 'moto[server]'`");
    } finally {
      process.env.PATH = saved;
    }
    expect(fake.calls('server')).toEqual([]);
  });

  test('an environment-agnostic stack goes to 123456789012 in us-east-1; a stack in a Stage is found by display name', () => {
    const d = deploy({ ...HAPPY, boto3: { ...HAPPY.boto3, 'describe_stacks:Stage-Stack': OK_STACK([]) } }, { createSkippedViaApi: false },
      assembly(TEMPLATE, { nested: true, displayName: 'Stage/Stack', stackName: 'Stage-Stack' }), 'Stage/Stack');
    expect(d.result).toMatchObject({ stackName: 'Stage-Stack', account: '123456789012', region: 'us-east-1' });
    expect(fake.calls('server')[0].env.MOTO_ACCOUNT_ID).toBe('123456789012');
    expect(fake.calls('cdk deploy')[0].argv[1]).toBe('Stage/Stack');
    d.stop();
  });
});

describe('the exit listener', () => {
  test('a running deployment stops its server when the process exits; stop() and a failed start remove the listener', () => {
    const before = process.listenerCount('exit');
    const d = deploy(HAPPY, { createSkippedViaApi: false });
    const pid = fake.calls('server')[0].pid;
    expect(process.listenerCount('exit')).toBe(before + 1);
    process.listeners('exit').slice(-1)[0].call(process, 0);
    expect(d.running).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(process.listenerCount('exit')).toBe(before);
    expect(() => deploy({ ...HAPPY, serverCrash: 'Traceback: no' })).toThrow(/after 3 attempts/);
    expect(process.listenerCount('exit')).toBe(before);
  });
});

describe('onServerOf: a second stack on a running deployment\'s server', () => {
  test('borrows the port, starts no server, does not bootstrap; stopping it leaves the host running', () => {
    const host = deploy(HAPPY, { createSkippedViaApi: false });
    try {
      const second = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
      const guest = deploy({ ...HAPPY, motoLog: '', boto3: { ...HAPPY.boto3, 'describe_stacks:Second': OK_STACK([]) } }, { onServerOf: host, createSkippedViaApi: false },
        assembly(second, { stackName: 'Second', environment: 'aws://111122223333/eu-west-1' }));
      expect(guest.endpointUrl).toBe(host.endpointUrl);
      expect(fake.calls('server')).toEqual([]);
      expect(fake.boto3Calls().map((c) => c.op)).toEqual(['cloudformation.list_stack_resources', 'cloudformation.describe_stacks']);
      expect(guest.serverLog()).toBe(host.serverLog());
      expect(guest.running).toBe(true);
      guest.stop();
      expect(guest.running).toBe(false);
      expect(host.running).toBe(true);

      const elsewhere = assembly(second, { stackName: 'Second', environment: 'aws://111122223333/us-west-2' });
      expect(() => deploy(HAPPY, { onServerOf: host }, elsewhere)).toThrow("LocalDeploy: onServerOf runs account 111122223333 in eu-west-1, but stack 'Second' targets 111122223333 in us-west-2");
      const otherAccount = assembly(second, { stackName: 'Second', environment: 'aws://444455556666/eu-west-1' });
      expect(() => deploy(HAPPY, { onServerOf: host }, otherAccount)).toThrow("LocalDeploy: onServerOf runs account 111122223333 in eu-west-1, but stack 'Second' targets 444455556666 in eu-west-1");
    } finally {
      host.stop();
    }
    expect(host.running).toBe(false);
    expect(() => deploy(HAPPY, { onServerOf: host })).toThrow('LocalDeploy: onServerOf is a deployment whose moto server is stopped');
  });
});

describe('what moto supports is asked from the launcher of the new server (one Python start-up and one import of every moto backend fewer)', () => {
  const reading = (attr: string) => JSON.parse(JSON.stringify(TEMPLATE).replace('["Queue","QueueName"]', JSON.stringify(['Queue', attr])));
  test('the launcher answers the query before it serves; no separate profile run', () => {
    const d = deploy(HAPPY, {}, assembly(reading('Arn')));
    expect(fake.calls('server').map((c) => c.input)).toEqual([{ profile: expect.any(Boolean), attrs: [['AWS::SQS::Queue', 'Arn']] }]);
    expect(fake.calls('profile')).toEqual([]);
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    d.stop();
  });

  test('a launcher that cannot answer (its interpreter lacks moto): the query runs on its own, for what is not known yet', () => {
    const d = deploy({ ...HAPPY, launcherProfileFails: true }, {}, assembly(reading('QueueUrl')));
    expect(fake.calls('server').map((c) => c.input)).toEqual([{ profile: false, attrs: [['AWS::SQS::Queue', 'QueueUrl']] }]);
    expect(fake.calls('profile').map((c) => c.input)).toEqual([{ profile: false, attrs: [['AWS::SQS::Queue', 'QueueUrl']] }]);
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    d.stop();
  });

  test('on a borrowed server (onServerOf) the query runs on its own; nothing is asked when the process already knows', () => {
    const host = deploy(HAPPY, {}, assembly(reading('QueueName')));
    const guestOn = (stackName: string) => LocalDeploy.deployAssembly(assembly(reading('Id'), { stackName, environment: 'aws://111122223333/eu-west-1' }), 'Stack',
      { python: fake.python, cdkCliPath: fake.cdkCli, onServerOf: host });
    const anyStack = { ...HAPPY, boto3: { ...HAPPY.boto3, describe_stacks: OK_STACK() } };
    fake.use(anyStack);
    const guest = guestOn('Guest');
    expect(fake.calls('server')).toEqual([]);
    expect(fake.calls('profile').map((c) => c.input)).toEqual([{ profile: false, attrs: [['AWS::SQS::Queue', 'Id']] }]);
    fake.use(anyStack);
    const again = guestOn('Again');
    expect(fake.calls('profile')).toEqual([]);
    expect([guest.result.stackStatus, again.result.stackStatus]).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE']);
    again.stop();
    guest.stop();
    host.stop();
  });
});

describe('what the emulator supports (asked from the installed moto, here the fake)', () => {
  test('supportedResourceTypes; isInstalled looks for moto_server and python3 on PATH', () => {
    fake.use({ profile: { types: ['AWS::SQS::Queue', 'AWS::S3::Bucket'] } });
    // cached per interpreter for the process: the first answer for fake.python was HAPPY's
    expect(LocalDeploy.supportedResourceTypes(fake.python)).toEqual(['AWS::SQS::Queue', 'AWS::IoT::Policy']);
    const fresh = path.join(fake.dir, 'python-fresh');
    fs.copyFileSync(fake.python, fresh);
    fs.chmodSync(fresh, 0o755);
    expect(LocalDeploy.supportedResourceTypes(fresh)).toEqual(['AWS::SQS::Queue', 'AWS::S3::Bucket']);
    const saved = process.env.PATH;
    try {
      process.env.PATH = fake.binDir;
      expect(LocalDeploy.isInstalled()).toBe(false); // moto_server, no python3
      fs.copyFileSync(fake.python, path.join(fake.binDir, 'python3'));
      fs.chmodSync(path.join(fake.binDir, 'python3'), 0o755);
      expect(LocalDeploy.isInstalled()).toBe(true);
      fs.rmSync(path.join(fake.binDir, 'moto_server'));
      expect(LocalDeploy.isInstalled()).toBe(false); // python3, no moto_server
    } finally {
      process.env.PATH = saved;
      fs.rmSync(path.join(fake.binDir, 'python3'), { force: true });
      fs.writeFileSync(path.join(fake.binDir, 'moto_server'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    }
  });
});

describe('deployStack and the interpreter by default', () => {
  test('deployStack synthesizes the stack and deploys its artifact; python3 on PATH is the default interpreter', () => {
    const { stack } = storageStack({ stackName: 'Storage' });
    const python3 = path.join(fake.binDir, 'python3');
    fs.copyFileSync(fake.python, python3);
    fs.chmodSync(python3, 0o755);
    try {
      fake.use({ ...HAPPY, motoLog: '', boto3: { ...HAPPY.boto3, 'describe_stacks:Storage': OK_STACK([]), 'list_stack_resources': {} } });
      const d = LocalDeploy.deployStack(stack, { cdkCliPath: fake.cdkCli, createSkippedViaApi: false });
      try {
        expect(fake.calls('cdk deploy')[0].argv[1]).toBe('Storage');
        expect(fake.calls('server')).toHaveLength(1);
        expect(d.result.stackName).toBe('Storage');
        expect(d.result.created).toEqual([]);
        expect(d.result.timings.synthMs).toBeGreaterThan(0);
        expect(d.result.timings.totalMs).toBeGreaterThanOrEqual(d.result.timings.synthMs);
      } finally {
        d.stop();
      }
      // asked from python3 on PATH (the fake), cached per interpreter
      expect(LocalDeploy.supportedResourceTypes()).toEqual(['AWS::SQS::Queue', 'AWS::IoT::Policy']);
      expect(LocalDeploy.unsupportedResourceTypes(stack)).toEqual(['AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy']);
      expect(LocalDeploy.unsupportedResourceTypes(stack, fake.python)).toEqual(['AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy']);
    } finally {
      fs.rmSync(python3, { force: true });
    }
  });
});
