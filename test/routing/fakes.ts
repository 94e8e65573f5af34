/* Fake clients for the router handler (lib/routing/handler/router.js): every call is recorded, every
 * answer is scripted per call, so each routing branch is driven without the network. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const routerModule = require('../../lib/routing/handler/router.js');

export const createRouter: (config: any, deps: any) => { handle(event: any, context?: any): Promise<any>; bucket: any; state: any; admission?: any } = routerModule.createRouter;
export const classify: (err: any) => { kind: string; status: number; errorName: string } = routerModule.classify;

/** An AWS SDK v3-shaped error. */
export function sdkError(name: string, status: number): Error {
  const e = new Error(`${name}: payload-echo SECRET-PAYLOAD`) as any;
  e.name = name;
  e.$metadata = { httpStatusCode: status };
  return e;
}

export type Script = Array<(input: any, options?: any) => any>;

/** A recorded fake: `calls` has every input; answers come from `script` in order (the last repeats). */
export function fake(script: Script) {
  const calls: Array<{ input: any; options?: any }> = [];
  const fn = async (input: any, options?: any) => {
    calls.push({ input, options });
    const step = script[Math.min(calls.length - 1, script.length - 1)];
    return step(input, options);
  };
  return { fn, calls };
}

export const ok = (text: string, contentType = 'application/json') => () => ({ Body: Buffer.from(text), ContentType: contentType });
export const fail = (name: string, status: number) => () => { throw sdkError(name, status); };

export const BASE_CONFIG = {
  route: 'Test/FrontDoor',
  namespace: 'InferenceLanes/FrontDoor',
  primary: { kind: 'sagemaker', endpointName: 'baseline' },
  burst: { kind: 'lambda', functionName: 'arn:aws:lambda:us-east-1:111111111111:function:burst:live' },
  maxBodyBytes: 6_291_456,
  hedgeAfterMs: 0,
  retryAfterSeconds: 5,
  retry: { budgetPercent: 10, bucketSize: 10, jitterMs: 25 },
};

/** Deps with a manual clock, recorded metrics/logs, no real sleeps or timers. */
export function deps(overrides: { [key: string]: any } = {}) {
  let clock = 1000;
  const emitted: any[] = [];
  const logs: any[] = [];
  const sleeps: number[] = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const d: { [key: string]: any } = {
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms: number) => { sleeps.push(ms); },
    emit: (line: string) => emitted.push(JSON.parse(line)),
    log: (obj: any) => logs.push(obj),
    uuid: () => '0b7c6f1e-2d4a-4c3b-9e8f-1a2b3c4d5e6f',
    setTimer: (fn: () => void, ms: number) => { const t = { fn, ms, cleared: false }; timers.push(t); return t; },
    clearTimer: (t: any) => { t.cleared = true; },
    ...overrides,
  };
  return {
    deps: d,
    emitted,
    logs,
    sleeps,
    timers,
    advance: (ms: number) => { clock += ms; },
  };
}

/** A function URL (payload format 2.0) event. */
export function httpEvent(method: string, path: string, body?: string, headers: { [k: string]: string } = { 'content-type': 'application/json' }) {
  return {
    version: '2.0',
    rawPath: path,
    headers,
    requestContext: { http: { method, path } },
    body,
    isBase64Encoded: false,
  };
}

/** A Lambda Invoke answer with a JSON payload. */
export const lambdaOk = (payload: any) => () => ({ StatusCode: 200, Payload: Buffer.from(JSON.stringify(payload)) });

/** A fetch Response stand-in. */
export function httpAnswer(status: number, text = '{"ok":true}', contentType = 'application/json') {
  return () => ({
    status,
    headers: { get: (k: string) => (k.toLowerCase() === 'content-type' ? contentType : null) },
    arrayBuffer: async () => Buffer.from(text),
  });
}
