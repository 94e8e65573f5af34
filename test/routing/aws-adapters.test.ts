/*
 * The router's AWS SDK v3 adapters (lib/routing/handler/aws.js) with a fake SDK: the SDK is not installed in
 * this repository (the Lambda Node.js runtime ships it), so `load` returns modules that record the client
 * construction and the commands sent. What is checked: the package, client and command names the router
 * uses in Lambda, one client per Region, the abort signal passed through, S3 bodies read to a Buffer.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createAwsClients } = require('../../lib/routing/handler/aws.js');

function fakeSdk() {
  const sent: any[] = [];
  const clients: any[] = [];
  const mod = (pkg: string, clientName: string, commands: string[]) => {
    const m: any = {};
    m[clientName] = class {
      constructor(public config: any) { clients.push({ pkg, clientName, config }); }
      async send(command: any, options: any) {
        sent.push({ pkg, command: command.name, input: command.input, options });
        if (command.name === 'GetObjectCommand') { return { ContentType: 'text/plain', Body: { transformToByteArray: async () => new Uint8Array([104, 105]) } }; }
        return { ok: true };
      }
    };
    for (const c of commands) {
      m[c] = class { name = c; constructor(public input: any) {} };
    }
    return m;
  };
  const modules: any = {
    '@aws-sdk/client-sagemaker-runtime': mod('@aws-sdk/client-sagemaker-runtime', 'SageMakerRuntimeClient', ['InvokeEndpointCommand']),
    '@aws-sdk/client-lambda': mod('@aws-sdk/client-lambda', 'LambdaClient', ['InvokeCommand']),
    '@aws-sdk/client-sqs': mod('@aws-sdk/client-sqs', 'SQSClient', ['SendMessageCommand']),
    '@aws-sdk/client-s3': mod('@aws-sdk/client-s3', 'S3Client', ['GetObjectCommand']),
    '@aws-sdk/client-dynamodb': mod('@aws-sdk/client-dynamodb', 'DynamoDBClient', ['QueryCommand', 'PutItemCommand']),
  };
  const loaded: string[] = [];
  const load = (pkg: string) => { loaded.push(pkg); if (!modules[pkg]) { throw new Error(`no ${pkg}`); } return modules[pkg]; };
  return { load, sent, clients, loaded };
}

test('each call maps to the SDK v3 command of the Lambda runtime, clients created lazily and once', async () => {
  const sdk = fakeSdk();
  const c = createAwsClients(sdk.load);
  expect(sdk.loaded).toEqual([]); // nothing loaded before the first call
  const abort = new AbortController();
  await c.sagemaker.invokeEndpoint({ EndpointName: 'e' }, { abortSignal: abort.signal });
  await c.sagemaker.invokeEndpoint({ EndpointName: 'e2' }, {});
  await c.sagemaker.invokeEndpoint({ EndpointName: 'west' }, { region: 'us-west-2' });
  await c.lambda.invoke({ FunctionName: 'f' });
  await c.sqs.sendMessage({ QueueUrl: 'q' });
  const obj = await c.s3.getObject({ Bucket: 'b', Key: 'k' });
  await c.dynamodb.query({ TableName: 't' });
  await c.dynamodb.putItem({ TableName: 't' });
  expect(sdk.sent.map(s => `${s.pkg} ${s.command}`)).toEqual([
    '@aws-sdk/client-sagemaker-runtime InvokeEndpointCommand',
    '@aws-sdk/client-sagemaker-runtime InvokeEndpointCommand',
    '@aws-sdk/client-sagemaker-runtime InvokeEndpointCommand',
    '@aws-sdk/client-lambda InvokeCommand',
    '@aws-sdk/client-sqs SendMessageCommand',
    '@aws-sdk/client-s3 GetObjectCommand',
    '@aws-sdk/client-dynamodb QueryCommand',
    '@aws-sdk/client-dynamodb PutItemCommand',
  ]);
  expect(sdk.sent[0].options).toEqual({ abortSignal: abort.signal });
  expect(sdk.sent[1].options).toBeUndefined();
  expect(sdk.sent[0].input).toEqual({ EndpointName: 'e' });
  // One SageMaker client for the home Region, one for us-west-2; one per other service.
  expect(sdk.clients.map(x => [x.clientName, x.config])).toEqual([
    ['SageMakerRuntimeClient', {}], ['SageMakerRuntimeClient', { region: 'us-west-2' }],
    ['LambdaClient', {}], ['SQSClient', {}], ['S3Client', {}], ['DynamoDBClient', {}],
  ]);
  expect(obj).toEqual({ ContentType: 'text/plain', Body: Buffer.from('hi') });
});

test('the Lambda entry point builds the router from ROUTER_CONFIG once', async () => {
  jest.resetModules();
  process.env.ROUTER_CONFIG = JSON.stringify({ route: 'r', namespace: 'n', maxBodyBytes: 10, hedgeAfterMs: 0, retryAfterSeconds: 5, retry: { budgetPercent: 10, bucketSize: 10, jitterMs: 0 } });
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: any) => { writes.push(String(s)); return true; });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../lib/routing/handler/index.js');
    const res = await handler({ rawPath: '/nowhere', requestContext: { http: { method: 'GET' } } });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(writes[0])).toMatchObject({ Route: 'r', Requests: 1 });
  } finally {
    spy.mockRestore();
    delete process.env.ROUTER_CONFIG;
  }
});
