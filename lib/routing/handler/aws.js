'use strict';
// Adapters from the router's small client interface to the AWS SDK for JavaScript v3 that the Lambda
// Node.js runtime ships (no dependency is bundled). `load` is `require` in Lambda; tests pass a fake.
// Clients are created once per execution environment, on first use, so a front door without a job
// route never loads the SQS or S3 client.

function createAwsClients(load = require) {
  const cache = new Map();
  const client = (pkg, ctor, region) => {
    const key = `${pkg}:${region || ''}`;
    if (!cache.has(key)) {
      const mod = load(pkg);
      cache.set(key, { mod, client: new mod[ctor](region ? { region } : {}) });
    }
    return cache.get(key);
  };
  const send = async (pkg, ctor, command, input, options = {}) => {
    const { mod, client: c } = client(pkg, ctor, options.region);
    return c.send(new mod[command](input), options.abortSignal ? { abortSignal: options.abortSignal } : undefined);
  };
  return {
    sagemaker: {
      invokeEndpoint: (input, options) => send('@aws-sdk/client-sagemaker-runtime', 'SageMakerRuntimeClient', 'InvokeEndpointCommand', input, options),
    },
    lambda: {
      invoke: (input, options) => send('@aws-sdk/client-lambda', 'LambdaClient', 'InvokeCommand', input, options),
    },
    sqs: {
      sendMessage: (input, options) => send('@aws-sdk/client-sqs', 'SQSClient', 'SendMessageCommand', input, options),
    },
    s3: {
      getObject: async (input, options) => {
        const out = await send('@aws-sdk/client-s3', 'S3Client', 'GetObjectCommand', input, options);
        return { ...out, Body: out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0) };
      },
    },
    dynamodb: {
      query: (input, options) => send('@aws-sdk/client-dynamodb', 'DynamoDBClient', 'QueryCommand', input, options),
      putItem: (input, options) => send('@aws-sdk/client-dynamodb', 'DynamoDBClient', 'PutItemCommand', input, options),
    },
    fetch: (url, init) => fetch(url, init),
  };
}

module.exports = { createAwsClients };
