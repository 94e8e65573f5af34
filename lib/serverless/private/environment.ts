import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid, isConcreteNumber } from '../../core/private/errors';
import { MODEL_ENV_NAMES } from '../../core/private/model-environment';
import { checkNoModelEnvOverride } from '../../core/private/validation';

/**
 * Variables the Lambda runtime reserves: `CreateFunction` rejects them ("Lambda was unable to
 * configure your environment variables because the environment variables you have provided contains
 * reserved keys").
 */
const RESERVED_KEYS = ['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR'];

/** Lambda's environment variable names: a letter, then letters, digits and underscores (botocore `EnvironmentVariableName`). */
const KEY_RE = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

/** Lambda's limit on the total size of a function's environment variables. */
const ENV_LIMIT_BYTES = 4096;

/** Memory per vCPU Lambda allocates (1 vCPU at 1,769 MB, up to 6 vCPUs). */
const MB_PER_VCPU = 1769;

/** Where the function keeps the unpacked weights (`MODEL_LOCAL_DIR`): Lambda's writable `/tmp`. @internal */
export const LAMBDA_MODEL_DIR = '/tmp/model';

/**
 * `OMP_NUM_THREADS`: the vCPUs Lambda allocates for the memory size (one per 1,769 MB, rounded, 1-6),
 * so numeric libraries do not start more threads than there are cores.
 * @internal
 */
export function ompThreads(memoryMiB: number): string {
  if (!isConcreteNumber(memoryMiB)) { return '1'; }
  return String(Math.max(1, Math.min(6, Math.round(memoryMiB / MB_PER_VCPU))));
}

/**
 * The user's variables over the lane's: `MODEL_*` names belong to the lane, runtime-reserved names
 * and malformed names fail at deploy, values must be strings, and the total must fit Lambda's 4 KB.
 * @internal
 */
export function functionEnvironment(scope: Construct, laneEnv: { [key: string]: string }, userEnv: { [key: string]: string } = {}): { [key: string]: string } {
  checkNoModelEnvOverride(scope, 'environment', userEnv, MODEL_ENV_NAMES);
  for (const [key, value] of Object.entries(userEnv)) {
    if (key.startsWith('REQUEST_CAPTURE_') && key in laneEnv) {
      throw invalid(scope, `environment.${key}`, value, 'is set by the lane (requestCapture)', `Drop ${key}; change requestCapture instead.`);
    }
    if (RESERVED_KEYS.includes(key)) {
      throw invalid(scope, `environment.${key}`, value, 'is reserved by the Lambda runtime: CreateFunction rejects it', `Drop ${key}; Lambda sets it (reserved: ${RESERVED_KEYS.join(', ')}).`);
    }
    if (!Token.isUnresolved(key) && !KEY_RE.test(key)) {
      throw invalid(scope, 'environment', key, 'is not a Lambda environment variable name (a letter, then letters, digits and underscores; at least 2 characters)', `Rename it, e.g. '${suggestName(key)}'.`);
    }
    if (typeof value !== 'string') {
      throw invalid(scope, `environment.${key}`, value, 'is not a string; Lambda environment values are strings', `Pass String(${JSON.stringify(value)}).`);
    }
  }
  const environment = { ...laneEnv, ...userEnv };
  checkEnvironmentSize(scope, environment);
  return environment;
}

/** A valid name close to `key`: other characters become `_`, a leading non-letter gets `V_`, one letter gets `_VAR`. */
function suggestName(key: string): string {
  let name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (!/^[a-zA-Z]/.test(name)) { name = `V_${name}`; }
  return name.length < 2 ? `${name}_VAR` : name;
}

function checkEnvironmentSize(scope: Construct, env: { [key: string]: string }): void {
  // Only the parts known at synth time count; tokens (bucket names, keys) resolve at deploy.
  let bytes = 0;
  const sizes: Array<[string, number]> = [];
  for (const [k, v] of Object.entries(env)) {
    const n = Buffer.byteLength(k) + (Token.isUnresolved(v) ? 0 : Buffer.byteLength(v));
    bytes += n;
    sizes.push([k, n]);
  }
  if (bytes > ENV_LIMIT_BYTES) {
    const biggest = sizes.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ${n} B`).join(', ');
    throw invalid(scope, 'environment', `${bytes} bytes`, `exceeds Lambda's ${ENV_LIMIT_BYTES}-byte limit on environment variables (largest: ${biggest})`,
      'Shorten the model card (MODEL_CARD carries it) or move large values to SSM Parameter Store.');
  }
}
