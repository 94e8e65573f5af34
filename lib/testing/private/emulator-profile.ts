import { AsyncRun, findExecutable, PYTHON_TOOLS_INSTALL_HINT, RunResult, startAsync, tail } from './process';

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
  /**
   * What the API-create step asks moto itself when absent: `services` (moto's backends),
   * `scalableDimensions` (Application Auto Scaling), `lacksCreateInferenceComponent`.
   */
  readonly motoFacts?: { [key: string]: any };
}

const PROFILE_CACHE = new Map<string, EmulatorProfile>();
/** `${python}\0${type}\0${attr}` -> whether moto can resolve Fn::GetAtt of that attribute. */
const ATTR_CACHE = new Map<string, boolean>();

/**
 * A Python function `profile_answer(req)`: what the installed moto supports ({profile, attrs} asked,
 * {types, sageMakerInstanceTypes, motoVersion, attrs} answered). Shared by the stand-alone query and
 * the moto launcher, which answers it with the imports the server needs anyway.
 */
export const PROFILE_FUNCTION = `
def profile_answer(req):
    import ast
    import moto
    from moto.cloudformation.parsing import get_model_map
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
        # What the API-create step would otherwise import moto for (~1.5 s): moto's services, the scalable
        # dimensions its Application Auto Scaling knows, whether its SageMaker has CreateInferenceComponent.
        facts = {}
        try:
            from moto.backend_index import backend_url_patterns
            facts['services'] = sorted(set(n for n, _ in backend_url_patterns))
        except Exception:
            pass
        try:
            from moto.applicationautoscaling.models import ScalableDimensionValueSet
            facts['scalableDimensions'] = sorted(d.value for d in ScalableDimensionValueSet)
        except Exception:
            pass
        try:
            from moto.sagemaker.responses import SageMakerResponse
            facts['lacksCreateInferenceComponent'] = not hasattr(SageMakerResponse, 'create_inference_component')
        except Exception:
            pass
        out['motoFacts'] = facts
    for t, a in req.get('attrs', []):
        m = models.get(t)
        ok = False
        if m is not None:
            try:
                ok = bool(m.has_cfn_attr(a))
            except Exception:
                ok = False
        out['attrs'][t + '\\u0000' + a] = ok
    return out
`;

const PROFILE_SCRIPT = `
import json, sys, warnings
warnings.simplefilter('ignore')
${PROFILE_FUNCTION}
print(json.dumps(profile_answer(json.load(sys.stdin))))
`;

/** Starts asking moto (in the background). */
function ask(python: string, request: ProfileRequest): AsyncRun {
  if (!findExecutable(python)) {
    throw new Error(`${python} is not installed: LocalDeploy needs python3 with moto (\`${PYTHON_TOOLS_INSTALL_HINT}\`)`);
  }
  return startAsync(python, {
    args: ['-W', 'ignore', '-c', PROFILE_SCRIPT],
    input: JSON.stringify(request),
    timeoutMs: 120_000,
    label: 'asking moto what it supports',
  });
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

/** A profile query: the whole profile (first time for this interpreter) and/or the attributes not known yet. */
export interface ProfileRequest {
  readonly profile: boolean;
  readonly attrs: [string, string][];
}

const attrKey = (python: string, t: string, a: string) => `${python}\0${t}\0${a}`;

function cached(python: string): EmulatorAnswer {
  return { profile: PROFILE_CACHE.get(python)!, attrSupported: (t, a) => ATTR_CACHE.get(attrKey(python, t, a)) === true };
}

/** What moto must still be asked for these attributes, or undefined when the per-process cache answers. */
export function profileRequest(python: string, attrs: [string, string][] = []): ProfileRequest | undefined {
  const missing = attrs.filter(([t, a]) => !ATTR_CACHE.has(attrKey(python, t, a)));
  if (PROFILE_CACHE.has(python) && missing.length === 0) {
    return undefined;
  }
  return { profile: !PROFILE_CACHE.has(python), attrs: missing };
}

/**
 * Takes moto's answer to a {@link profileRequest} (the printed output of `profile_answer`, asked by
 * this module or by the moto launcher), remembers it for the process and returns the full answer.
 */
export function acceptProfileAnswer(python: string, run: RunResult): EmulatorAnswer {
  const res = answerOf(run);
  if (!PROFILE_CACHE.has(python)) {
    PROFILE_CACHE.set(python, { supportedTypes: res.types, sageMakerInstanceTypes: res.sageMakerInstanceTypes, motoVersion: res.motoVersion, motoFacts: res.motoFacts });
  }
  for (const [k, ok] of Object.entries<boolean>(res.attrs ?? {})) {
    const [t, a] = k.split('\0');
    ATTR_CACHE.set(attrKey(python, t, a), ok);
  }
  return cached(python);
}

/**
 * {@link emulatorProfile} in the background: the Python process (~2 s of importing moto's backends)
 * starts now, and the returned function waits for it (nothing runs when the cache already answers).
 */
export function startEmulatorProfile(python: string, attrs: [string, string][] = []): () => EmulatorAnswer {
  const request = profileRequest(python, attrs);
  if (!request) {
    return () => cached(python);
  }
  const pending = ask(python, request);
  let answer: EmulatorAnswer | undefined;
  return () => {
    answer = answer ?? acceptProfileAnswer(python, pending.wait());
    return answer;
  };
}
