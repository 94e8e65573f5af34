// Demo inference handler for the serverless-burst example (Node.js 24, no bundled dependencies:
// the AWS SDK for JavaScript v3 ships with the Lambda Node.js runtimes).
//
// The model is fetched and parsed with top-level await, i.e. during the INIT phase. For the warm
// pool (provisioned concurrency) Lambda runs INIT ahead of traffic, so requests served by the pool
// never wait for the download; requests that spill over to on-demand environments pay it once.
import { fetchArtifact } from './artifact.mjs';
import { maybeCapture } from './capture.mjs';
import { loadModel, predict } from './model.mjs';

const env = process.env;
const initStarted = Date.now();
// 'provisioned-concurrency' for the warm pool, 'on-demand' for spillover (cold starts).
const initializationType = env.AWS_LAMBDA_INITIALIZATION_TYPE ?? 'unknown';


const model = loadModel(await fetchArtifact(), {
  digest: env.MODEL_DIGEST,
  compressed: env.MODEL_COMPRESSED === 'true',
});
const initMs = Date.now() - initStarted;
console.log(JSON.stringify({ level: 'INFO', message: 'model loaded', model: `${env.MODEL_NAME}@${env.MODEL_VERSION}`, initializationType, initMs }));

let served = 0;

/** Accepts `{ "text": "..." }` directly or as a function URL (HTTP) request body. */
export const handler = async (event) => {
  let body = event ?? {};
  if (typeof body.body === 'string') {
    const raw = body.isBase64Encoded ? Buffer.from(body.body, 'base64').toString('utf8') : body.body;
    body = JSON.parse(raw || '{}');
  }
  const text = String(body.text ?? '');
  if (text.length === 0) {
    return { statusCode: 400, body: JSON.stringify({ error: "send { \"text\": \"...\" }" }) };
  }
  served += 1;
  const result = predict(model, text);
  // Sampled request capture for drift monitoring (a no-op unless the lane sets requestCapture).
  await maybeCapture(JSON.stringify({ text }), JSON.stringify(result));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...result,
      model: `${env.MODEL_NAME}@${env.MODEL_VERSION}`,
      precision: env.MODEL_PRECISION,
      // First request of an on-demand environment = a cold start the warm pool did not absorb.
      coldStart: served === 1 && initializationType === 'on-demand',
      initializationType,
    }),
  };
};
