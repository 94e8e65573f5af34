// Streaming variant of the demo handler (Node.js 24): token-by-token output through the function URL
// with InvokeMode RESPONSE_STREAM (WarmServerlessFunction `responseStreaming: true`).
//
// `awslambda.streamifyResponse` is a global of the Node.js managed runtimes: the handler gets a
// writable `responseStream` and Lambda sends each write to the caller as it happens (up to 200 MB).
// `awslambda.HttpResponseStream.from` sets the HTTP status and headers before the first byte.
// The model loads at INIT exactly as in index.mjs, so the warm pool absorbs the download.
import { fetchArtifact } from './artifact.mjs';
import { loadModel, predict } from './model.mjs';
import { replyTokens, streamTokens } from './tokens.mjs';

const env = process.env;


const model = loadModel(await fetchArtifact(), { digest: env.MODEL_DIGEST, compressed: env.MODEL_COMPRESSED === 'true' });

/* global awslambda */
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  let body = event ?? {};
  if (typeof body.body === 'string') {
    const raw = body.isBase64Encoded ? Buffer.from(body.body, 'base64').toString('utf8') : body.body;
    body = JSON.parse(raw || '{}');
  }
  const text = String(body.text ?? '');
  const status = text.length === 0 ? 400 : 200;
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: status,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
  if (status === 400) {
    stream.write('data: {"error":"send { \\"text\\": \\"...\\" }"}\n\n');
    stream.end();
    return;
  }
  await streamTokens(stream, replyTokens(predict(model, text)));
});
