// Pure model code of the serverless-burst demo handler: no AWS SDK, no external dependencies,
// so it can be exercised locally (test/serverless/handler.test.ts) and in Lambda alike.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** `sha256:<hex>` of a buffer, the digest format of ModelArtifact. */
export function digestOf(bytes) {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

/** Files of a (ustar) tar archive: [{ name, content }]. Regular files only. */
export function untar(buffer) {
  const files = [];
  let offset = 0;
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break; // end of archive
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '').trim();
    const prefix = field(345, 155);
    const name = (prefix ? prefix + '/' : '') + field(0, 100);
    const size = parseInt(field(124, 12) || '0', 8);
    const type = field(156, 1) || '0';
    const start = offset + 512;
    if (type === '0') files.push({ name: name.replace(/^\.\//, ''), content: buffer.subarray(start, start + size) });
    offset = start + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * Parse the artifact bytes into a model: verify the digest (when known), unpack `.tar.gz`, read
 * `model.json` (`{ format: 'demo-linear', weights: number[], bias: number }`).
 */
export function loadModel(bytes, { digest, compressed }) {
  if (digest) {
    const actual = digestOf(bytes);
    if (actual !== digest) {
      throw new Error(`model digest mismatch: expected ${digest}, got ${actual}; refusing to serve an artifact that is not the deployed one`);
    }
  }
  let json;
  if (compressed) {
    const entry = untar(gunzipSync(bytes)).find((f) => f.name.endsWith('model.json'));
    if (!entry) throw new Error('model.json not found in the model archive');
    json = entry.content.toString('utf8');
  } else {
    json = bytes.toString('utf8');
  }
  const model = JSON.parse(json);
  if (model.format !== 'demo-linear' || !Array.isArray(model.weights)) {
    throw new Error(`unsupported model format ${JSON.stringify(model.format)}`);
  }
  return model;
}

/** Features of a chat message: a stand-in for a tokenizer + encoder. */
export function featuresOf(text) {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return [Math.min(text.length / 200, 1), Math.min(words / 40, 1), text.includes('?') ? 1 : 0];
}

/** Score a request: sigmoid(w·x + b), plus an intent label. */
export function predict(model, text) {
  const x = featuresOf(text);
  const z = model.weights.reduce((acc, w, i) => acc + w * (x[i] ?? 0), model.bias ?? 0);
  const score = 1 / (1 + Math.exp(-z));
  return { score: Math.round(score * 1e4) / 1e4, intent: score >= 0.5 ? 'question' : 'statement' };
}
