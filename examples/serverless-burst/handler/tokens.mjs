// Token output for the streaming variant (handler/stream.mjs): pure functions, testable without Lambda.

/** The demo model's answer as a short reply, split into tokens (words and trailing spaces). */
export function replyTokens(result) {
  const text = `intent ${result.intent} (score ${result.score.toFixed(3)})`;
  return text.match(/\S+\s*/g) ?? [];
}

/**
 * Write tokens to a writable stream as server-sent events (`data: {"token": ...}`), then `[DONE]`,
 * and end it. Each write leaves the function as soon as it is made: with InvokeMode RESPONSE_STREAM
 * the caller sees the first token before the last one is produced.
 */
export async function streamTokens(stream, tokens, { delayMs = 0 } = {}) {
  for (const token of tokens) {
    stream.write(`data: ${JSON.stringify({ token })}\n\n`);
    if (delayMs > 0) { await new Promise(r => setTimeout(r, delayMs)); }
  }
  stream.write('data: [DONE]\n\n');
  stream.end();
}
