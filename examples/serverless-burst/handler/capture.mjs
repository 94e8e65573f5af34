// Sampled request capture in SageMaker data capture's format, so a Model Monitor job reads these
// captures like an endpoint's. The lane (requestCapture) sets REQUEST_CAPTURE_BUCKET,
// REQUEST_CAPTURE_PREFIX, REQUEST_CAPTURE_SAMPLING_PERCENT and REQUEST_CAPTURE_KMS_KEY_ARN and grants
// s3:PutObject on exactly the prefix; without them this module does nothing.
//
// One line per request (JSON Lines), as SageMaker writes under <DestinationS3Uri>/.../yyyy/mm/dd/hh/:
// {"captureData":{"endpointInput":{"observedContentType":"application/json","mode":"INPUT","data":"...","encoding":"JSON"},
//                 "endpointOutput":{"observedContentType":"application/json","mode":"OUTPUT","data":"...","encoding":"JSON"}},
//  "eventMetadata":{"eventId":"<uuid>","inferenceTime":"2026-12-01T18:00:00Z"},"eventVersion":"0"}
import { randomUUID } from 'node:crypto';

const env = process.env;
const percent = Number(env.REQUEST_CAPTURE_SAMPLING_PERCENT ?? '0');
let s3;
let PutObject;

/** One capture record (`captureData` format); `input`/`output` are the JSON bodies as strings. */
export function captureRecord({ input, output, contentType = 'application/json', eventId = randomUUID(), inferenceTime = new Date() }) {
  const part = (data, mode) => ({ observedContentType: contentType, mode, data, encoding: contentType.includes('csv') ? 'CSV' : 'JSON' });
  return {
    captureData: { endpointInput: part(input, 'INPUT'), endpointOutput: part(output, 'OUTPUT') },
    eventMetadata: { eventId, inferenceTime: inferenceTime.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    eventVersion: '0',
  };
}

/** The object key of a capture: `<prefix>yyyy/mm/dd/hh/<id>.jsonl` (UTC hour of the inference). */
export function captureKey(prefix, when, id) {
  const p2 = (n) => String(n).padStart(2, '0');
  return `${prefix}${when.getUTCFullYear()}/${p2(when.getUTCMonth() + 1)}/${p2(when.getUTCDate())}/${p2(when.getUTCHours())}/${id}.jsonl`;
}

/**
 * Capture this request with probability REQUEST_CAPTURE_SAMPLING_PERCENT / 100. One object per
 * captured request keeps the demo simple; at high volume, buffer lines and put one object per batch.
 */
export async function maybeCapture(input, output) {
  if (!env.REQUEST_CAPTURE_BUCKET || !(Math.random() * 100 < percent)) { return; }
  const when = new Date();
  const id = randomUUID();
  const line = JSON.stringify(captureRecord({ input, output, eventId: id, inferenceTime: when }));
  if (!s3) {
    // Loaded on first capture only (the SDK ships with the Lambda Node.js runtimes).
    const sdk = await import('@aws-sdk/client-s3');
    [s3, PutObject] = [new sdk.S3Client({}), sdk.PutObjectCommand];
  }
  await s3.send(new PutObject({
    Bucket: env.REQUEST_CAPTURE_BUCKET,
    Key: captureKey(env.REQUEST_CAPTURE_PREFIX ?? '', when, id),
    Body: `${line}\n`,
    ContentType: 'application/jsonlines',
    ...(env.REQUEST_CAPTURE_KMS_KEY_ARN ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: env.REQUEST_CAPTURE_KMS_KEY_ARN } : {}),
  }));
}
