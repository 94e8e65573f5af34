// The model object the lane's MODEL_* environment points at, read from S3 (shared by index.mjs and stream.mjs).
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** The bytes of MODEL_S3_BUCKET/MODEL_S3_KEY (a single object: this demo loads no prefix). */
export async function fetchArtifact(env = process.env) {
  if (env.MODEL_S3_IS_PREFIX === 'true') {
    throw new Error('this demo handler loads a single model object, not a prefix');
  }
  const s3 = new S3Client({});
  const res = await s3.send(new GetObjectCommand({ Bucket: env.MODEL_S3_BUCKET, Key: env.MODEL_S3_KEY }));
  return Buffer.from(await res.Body.transformToByteArray());
}
