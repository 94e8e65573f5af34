import { RunResult, runSync, tail } from './process';

/** One boto3 client call: `operation` in snake_case or PascalCase, `params` a JSON object. */
export interface Boto3Call {
  readonly service: string;
  readonly operation: string;
  readonly params: unknown;
  readonly paginate?: boolean;
}

/** Where boto3 calls go: the interpreter with boto3, the moto endpoint and the environment to run it in. */
export interface Boto3Target {
  readonly python: string;
  readonly endpoint: string;
  readonly region: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the calls in one Python process against the endpoint and returns their responses in order. */
export function runBoto3(target: Boto3Target, calls: Boto3Call[], timeoutMs?: number): any[] {
  const run = runSync(target.python, {
    args: ['-c', BOTO3_SCRIPT],
    input: JSON.stringify({ endpoint: target.endpoint, region: target.region, calls }),
    env: { ...target.env, PYTHONWARNINGS: 'ignore' },
    timeoutMs: timeoutMs ?? 120_000,
    label: 'boto3',
  });
  return boto3Results(target.python, run);
}

/** The responses printed by BOTO3_SCRIPT, or an error that says what failed (a missing boto3, a crash, a failed call). */
export function boto3Results(python: string, run: RunResult): any[] {
  let parsed: any;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    if (/No module named 'boto3'/.test(run.stderr)) {
      throw new Error(`boto3 is not installed for ${python}: run \`pip install boto3 'moto[server]'\``);
    }
    throw new Error(`boto3 call failed (exit code ${run.status}):\n${tail(run.stderr)}${tail(run.stdout)}`);
  }
  if (parsed.error) {
    const c = parsed.error;
    throw new Error(`boto3 ${c.service}.${c.operation} failed: ${c.code ? `${c.code}: ` : ''}${c.message}`);
  }
  return parsed.results;
}

/** `LocalDeploy.describeViaBoto3`'s params: a JSON object text, or nothing (`{}`). */
export function boto3Params(service: string, operation: string, paramsJson?: string): unknown {
  let params: unknown = {};
  if (paramsJson !== undefined && paramsJson.trim() !== '') {
    try {
      params = JSON.parse(paramsJson);
    } catch (e) {
      throw new Error(`LocalDeploy.describeViaBoto3(${service}, ${operation}): params are not valid JSON: ${(e as Error).message}`);
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new Error(`LocalDeploy.describeViaBoto3(${service}, ${operation}): params must be a JSON object`);
    }
  }
  return params;
}

/** `LocalDeploy.describeAllViaBoto3`'s calls: a JSON array of `{service, operation, params?}`. */
export function boto3Calls(callsJson: string): Boto3Call[] {
  let calls: unknown;
  try {
    calls = JSON.parse(callsJson);
  } catch (e) {
    throw new Error(`LocalDeploy.describeAllViaBoto3: calls are not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(calls) || calls.some((c) => c === null || typeof c !== 'object' || typeof c.service !== 'string' || typeof c.operation !== 'string'
    || (c.params !== undefined && (c.params === null || typeof c.params !== 'object' || Array.isArray(c.params))))) {
    throw new Error('LocalDeploy.describeAllViaBoto3: calls must be a JSON array of {service, operation, params?} with params a JSON object');
  }
  return calls.map((c) => ({ service: c.service, operation: c.operation, params: c.params ?? {} }));
}

/**
 * Reads {endpoint, region, calls: [{service, operation, params, paginate}]} on stdin and prints
 * {results: [...]} or {error: {service, operation, code, message}}.
 */
const BOTO3_SCRIPT = `
import base64, datetime, decimal, json, sys
import boto3, botocore
req = json.load(sys.stdin)

def default(o):
    if isinstance(o, (datetime.datetime, datetime.date)):
        return o.isoformat()
    if isinstance(o, decimal.Decimal):
        return float(o)
    if hasattr(o, 'read'):
        data = o.read()
        try:
            return data.decode('utf-8')
        except Exception:
            return base64.b64encode(data).decode('ascii')
    if isinstance(o, (bytes, bytearray)):
        return base64.b64encode(bytes(o)).decode('ascii')
    if isinstance(o, set):
        return sorted(o)
    return str(o)

results = []
for call in req['calls']:
    op = botocore.xform_name(call['operation'])
    try:
        client = boto3.client(call['service'], endpoint_url=req['endpoint'], region_name=req['region'],
                              aws_access_key_id='testing', aws_secret_access_key='testing', aws_session_token='testing')
        if not hasattr(client, op):
            raise ValueError('unknown operation %s for service %s' % (op, call['service']))
        params = call.get('params') or {}
        if call.get('paginate') and client.can_paginate(op):
            res = client.get_paginator(op).paginate(**params).build_full_result()
        else:
            res = getattr(client, op)(**params)
        res.pop('ResponseMetadata', None)
        results.append(res)
    except botocore.exceptions.ClientError as e:
        err = e.response.get('Error', {})
        print(json.dumps({'error': {'service': call['service'], 'operation': op, 'code': err.get('Code', ''), 'message': err.get('Message', str(e))}}))
        sys.exit(0)
    except Exception as e:
        print(json.dumps({'error': {'service': call['service'], 'operation': op, 'code': type(e).__name__, 'message': str(e)}}))
        sys.exit(0)
print(json.dumps({'results': results}, default=default))
`;
