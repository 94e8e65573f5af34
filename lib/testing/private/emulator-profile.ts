import { findExecutable, PYTHON_TOOLS_INSTALL_HINT, RunResult, startAsync, tail } from './process';

/**
 * What the installed moto can do, asked from moto itself (importing every moto backend takes
 * ~3 s, so answers are cached per interpreter for the process).
 */
export interface EmulatorProfile {
  /** CloudFormation resource types moto's CloudFormation can create. */
  readonly supportedTypes: string[];
  /** SageMaker endpoint-config instance types moto accepts (it rejects any other). */
  readonly sageMakerInstanceTypes: string[];
  /** moto's version. */
  readonly motoVersion: string;
}

const PROFILE_CACHE = new Map<string, EmulatorProfile>();
/** `${python}\0${type}\0${attr}` -> whether moto can resolve Fn::GetAtt of that attribute. */
const ATTR_CACHE = new Map<string, boolean>();

const PROFILE_SCRIPT = `
import ast, json, sys, warnings
warnings.simplefilter('ignore')
import moto
from moto.cloudformation.parsing import get_model_map
req = json.load(sys.stdin)
models = get_model_map()
out = {'attrs': {}}
if req.get('profile'):
    out['types'] = sorted(t for t in models if t.startswith('AWS::') and t != 'AWS::SERVICE::RESOURCE')
    out['motoVersion'] = moto.__version__
    types = []
    try:
        from moto.sagemaker.models import FakeEndpointConfig
        FakeEndpointConfig.validate_instance_type(None, '__probe__')
    except Exception as e:
        msg = str(getattr(e, 'message', '') or e)
        i = msg.find('[')
        if i >= 0:
            try:
                types = ast.literal_eval(msg[i:msg.rindex(']') + 1])
            except Exception:
                types = []
    out['sageMakerInstanceTypes'] = sorted(types)
for t, a in req.get('attrs', []):
    m = models.get(t)
    ok = False
    if m is not None:
        try:
            ok = bool(m.has_cfn_attr(a))
        except Exception:
            ok = False
    out['attrs'][t + '\\u0000' + a] = ok
print(json.dumps(out))
`;

/** Starts asking moto (in the background); the returned function waits for the answer. */
function ask(python: string, profile: boolean, attrs: [string, string][]): () => any {
  if (!findExecutable(python)) {
    throw new Error(`${python} is not installed: LocalDeploy needs python3 with moto (\`${PYTHON_TOOLS_INSTALL_HINT}\`)`);
  }
  const pending = startAsync(python, {
    args: ['-W', 'ignore', '-c', PROFILE_SCRIPT],
    input: JSON.stringify({ profile, attrs }),
    timeoutMs: 120_000,
    label: 'asking moto what it supports',
  });
  return () => answerOf(pending.wait());
}

function answerOf(run: RunResult): any {
  if (run.status !== 0) {
    if (/No module named 'moto'/.test(run.stderr)) {
      throw new Error(`moto is not installed: run \`${PYTHON_TOOLS_INSTALL_HINT}\``);
    }
    throw new Error(`Could not list moto's CloudFormation resource types (exit code ${run.status}):\n${tail(run.stderr)}`);
  }
  return JSON.parse(run.stdout);
}

/** What {@link emulatorProfile} answers. */
export interface EmulatorAnswer {
  readonly profile: EmulatorProfile;
  readonly attrSupported: (type: string, attr: string) => boolean;
}

/**
 * The emulator's profile; also answers, in the same Python start-up, which `Fn::GetAtt`
 * attributes moto can resolve for the given (type, attribute) pairs.
 */
export function emulatorProfile(python: string, attrs: [string, string][] = []): EmulatorAnswer {
  return startEmulatorProfile(python, attrs)();
}

/**
 * {@link emulatorProfile} in the background: the Python process (~2 s of importing moto's backends)
 * starts now, and the returned function waits for it (nothing runs when the cache already answers).
 * LocalDeploy starts moto and bootstraps meanwhile.
 */
export function startEmulatorProfile(python: string, attrs: [string, string][] = []): () => EmulatorAnswer {
  const key = (t: string, a: string) => `${python}\0${t}\0${a}`;
  const answer = (): EmulatorAnswer => ({ profile: PROFILE_CACHE.get(python)!, attrSupported: (t, a) => ATTR_CACHE.get(key(t, a)) === true });
  const missing = attrs.filter(([t, a]) => !ATTR_CACHE.has(key(t, a)));
  if (PROFILE_CACHE.has(python) && missing.length === 0) {
    return answer;
  }
  const pending = ask(python, !PROFILE_CACHE.has(python), missing);
  let done = false;
  return () => {
    if (!done) {
      const res = pending();
      done = true;
      if (!PROFILE_CACHE.has(python)) {
        PROFILE_CACHE.set(python, { supportedTypes: res.types, sageMakerInstanceTypes: res.sageMakerInstanceTypes, motoVersion: res.motoVersion });
      }
      for (const [k, ok] of Object.entries<boolean>(res.attrs ?? {})) {
        const [t, a] = k.split('\0');
        ATTR_CACHE.set(key(t, a), ok);
      }
    }
    return answer();
  };
}
