import * as fs from 'fs';
import * as path from 'path';
import { App as Cdk8sApp, Chart, Yaml } from 'cdk8s';
import { runSync, tail } from './private/process';

/**
 * What kind of problem a Kubernetes manifest has.
 */
export enum KubernetesProblemType {
  /** The object violates its JSON schema (wrong type, missing required field, bad enum...). */
  SCHEMA = 'SCHEMA',
  /** The object has a field its schema does not define (the API server would drop or reject it). */
  UNKNOWN_FIELD = 'UNKNOWN_FIELD',
  /** No schema is known for the object's apiVersion/kind and it was not explicitly allowed. */
  NO_SCHEMA = 'NO_SCHEMA',
  /** The object is not a Kubernetes object at all (no apiVersion/kind, not an object). */
  INVALID_OBJECT = 'INVALID_OBJECT',
}

/**
 * Options for validating Kubernetes manifests.
 */
export interface KubernetesSchemaOptions {
  /**
   * Kinds that may be emitted without a known schema. Each entry is `apiVersion/Kind`
   * (`keda.sh/v1alpha1/ScaledObject`), `group/*` (`keda.sh/*`) or a bare `Kind`.
   * Allowed objects are still checked for apiVersion/kind/metadata.name.
   *
   * @default - every object must have a schema
   */
  readonly allowKindsWithoutSchema?: string[];

  /**
   * JSON-pointer prefixes (per object) under which fields unknown to the schema are tolerated,
   * e.g. `/spec/template/spec/containers/0/someVendorField`.
   *
   * @default - no unknown field is tolerated
   */
  readonly ignoreUnknownFieldsUnder?: string[];

  /**
   * Extra npm packages laid out like `kubernetes-models` (`<pkg>/<group>/<version>/<Kind>`)
   * to search for schemas of custom resources, tried after the built-in mapping.
   *
   * @default - only `kubernetes-models` and the well-known `@kubernetes-models/*` CRD packages
   */
  readonly modelPackages?: string[];

  /**
   * Maximum run time of the validator child process, in seconds.
   *
   * @default 120
   */
  readonly timeoutSeconds?: number;
}

/**
 * One problem found in a Kubernetes manifest.
 */
export interface KubernetesProblem {
  /**
   * What kind of problem this is.
   */
  readonly problemType: KubernetesProblemType;

  /**
   * apiVersion of the object (empty when missing).
   */
  readonly apiVersion: string;

  /**
   * kind of the object (empty when missing).
   */
  readonly kind: string;

  /**
   * metadata.name of the object (`<unnamed>` when missing).
   */
  readonly name: string;

  /**
   * JSON pointer inside the object, e.g. `/spec/replicas` (empty for the object itself).
   */
  readonly path: string;

  /**
   * What is wrong.
   */
  readonly message: string;

  /**
   * Index of the object in the validated list.
   */
  readonly index: number;
}

/**
 * How one object was validated.
 */
export interface KubernetesObjectReport {
  /** apiVersion of the object. */
  readonly apiVersion: string;
  /** kind of the object. */
  readonly kind: string;
  /** metadata.name of the object. */
  readonly name: string;
  /**
   * Module whose schema validated the object, e.g. `kubernetes-models/apps/v1/Deployment`.
   *
   * @default - no schema was found (the object was allowed without one, or is a problem)
   */
  readonly schemaModule?: string;
}

/**
 * Result of validating a list of Kubernetes objects.
 */
export interface KubernetesValidationResult {
  /**
   * True when there is no problem.
   */
  readonly valid: boolean;

  /**
   * Every problem, in object order.
   */
  readonly problems: KubernetesProblem[];

  /**
   * One entry per validated object.
   */
  readonly objects: KubernetesObjectReport[];
}

/**
 * Validates Kubernetes manifests (cdk8s charts, JSON or YAML files) against the OpenAPI schemas
 * compiled into `kubernetes-models` (and `@kubernetes-models/*` packages for custom resources),
 * and also reports fields the schema does not define, which the schema validators alone accept.
 *
 * `kubernetes-models` is ESM-only, so validation runs in a `node` child process.
 * Objects whose apiVersion/kind has no schema fail unless allowed with `allowKindsWithoutSchema`.
 */
export class KubernetesSchema {
  /**
   * Known CRD groups and the `@kubernetes-models/*` package that models them.
   * Used when an object's group is not part of `kubernetes-models`.
   */
  public static crdPackageForGroup(group: string): string | undefined {
    return CRD_PACKAGES[group];
  }

  /**
   * Validates manifests given as JSON text: one object, an array of objects, or a `List`.
   *
   * @param manifestsJson the manifests as JSON text
   * @param options validation options
   */
  public static validateManifests(manifestsJson: string, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(manifestsJson);
    } catch (e) {
      throw new Error(`KubernetesSchema: manifests are not valid JSON: ${(e as Error).message}`);
    }
    return KubernetesSchema.validateObjects(flatten(parsed), options);
  }

  /**
   * Validates a manifest file: `.json` (object, array or List) or YAML (multi-document allowed).
   *
   * @param filePath path of the manifest file
   * @param options validation options
   */
  public static validateFile(filePath: string, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    const absolute = path.resolve(filePath);
    if (!fs.existsSync(absolute)) {
      throw new Error(`KubernetesSchema: manifest file not found: ${absolute}`);
    }
    if (absolute.endsWith('.json')) {
      return KubernetesSchema.validateManifests(fs.readFileSync(absolute, 'utf-8'), options);
    }
    return KubernetesSchema.validateObjects(flatten(Yaml.load(absolute)), options);
  }

  /**
   * Validates every object a cdk8s chart renders (`chart.toJson()`).
   *
   * @param chart the chart
   * @param options validation options
   */
  public static validateChart(chart: Chart, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    return KubernetesSchema.validateObjects(chart.toJson(), options);
  }

  /**
   * Validates every object of every chart of a cdk8s App.
   *
   * @param app the cdk8s app
   * @param options validation options
   */
  public static validateApp(app: Cdk8sApp, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    const objects: unknown[] = [];
    for (const chart of app.charts) {
      objects.push(...chart.toJson());
    }
    return KubernetesSchema.validateObjects(objects, options);
  }

  /**
   * Validates manifests given as JSON text and throws an Error listing every problem
   * (kind/name, path, message). Returns the result when valid.
   *
   * @param manifestsJson the manifests as JSON text
   * @param options validation options
   */
  public static assertValid(manifestsJson: string, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    return KubernetesSchema.throwOnProblems(KubernetesSchema.validateManifests(manifestsJson, options));
  }

  /**
   * Validates a cdk8s chart and throws an Error listing every problem. Returns the result when valid.
   *
   * @param chart the chart
   * @param options validation options
   */
  public static assertChartValid(chart: Chart, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    return KubernetesSchema.throwOnProblems(KubernetesSchema.validateChart(chart, options));
  }

  /**
   * Validates a manifest file and throws an Error listing every problem. Returns the result when valid.
   *
   * @param filePath path of the manifest file
   * @param options validation options
   */
  public static assertFileValid(filePath: string, options?: KubernetesSchemaOptions): KubernetesValidationResult {
    return KubernetesSchema.throwOnProblems(KubernetesSchema.validateFile(filePath, options));
  }

  /**
   * Renders problems one per line: `Deployment/web /spec/replicas: must be integer`.
   *
   * @param problems the problems to render
   */
  public static format(problems: KubernetesProblem[]): string {
    return problems
      .map((p) => `  [${p.problemType}] ${p.apiVersion} ${p.kind}/${p.name} ${p.path || '/'}: ${p.message}`)
      .join('\n');
  }

  private static throwOnProblems(result: KubernetesValidationResult): KubernetesValidationResult {
    if (!result.valid) {
      throw new Error(`Kubernetes manifests have ${result.problems.length} problem(s):\n${KubernetesSchema.format(result.problems)}`);
    }
    return result;
  }

  private static validateObjects(objects: unknown[], options?: KubernetesSchemaOptions): KubernetesValidationResult {
    const opts = options ?? {};
    const request = {
      objects,
      allow: opts.allowKindsWithoutSchema ?? [],
      ignoreUnder: opts.ignoreUnknownFieldsUnder ?? [],
      crdPackages: CRD_PACKAGES,
      extraPackages: opts.modelPackages ?? [],
    };
    // cwd decides where bare ESM specifiers resolve from for `-e` scripts: resolve next to this file
    // (this package's node_modules chain) so kubernetes-models is found wherever the tests run.
    const run = runSync(process.execPath, {
      args: ['--input-type=module', '--no-warnings', '-e', VALIDATOR_SCRIPT],
      input: JSON.stringify(request),
      cwd: __dirname,
      label: 'Kubernetes schema validator',
      timeoutMs: (opts.timeoutSeconds ?? 120) * 1000,
    });
    if (run.status !== 0) {
      throw new Error(`Kubernetes schema validator failed (exit code ${run.status}):\n${tail(run.stderr)}${tail(run.stdout)}`);
    }
    let response: { problems: KubernetesProblem[]; objects: KubernetesObjectReport[]; fatal?: string };
    try {
      response = JSON.parse(run.stdout);
    } catch {
      throw new Error(`Kubernetes schema validator printed something that is not JSON:\n${tail(run.stdout)}${tail(run.stderr)}`);
    }
    if (response.fatal) {
      throw new Error(`Kubernetes schema validator: ${response.fatal}`);
    }
    return { valid: response.problems.length === 0, problems: response.problems, objects: response.objects };
  }
}

/** Group -> package for custom resources (same layout as kubernetes-models). */
const CRD_PACKAGES: { [group: string]: string } = {
  'keda.sh': '@kubernetes-models/keda',
  'eventing.keda.sh': '@kubernetes-models/keda',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'argoproj.io': '@kubernetes-models/argo-rollouts',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'karpenter.sh': '@kubernetes-models/karpenter',
  'karpenter.k8s.aws': '@kubernetes-models/karpenter',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'acme.cert-manager.io': '@kubernetes-models/cert-manager',
};

function flatten(value: unknown): unknown[] {
  const list = Array.isArray(value) ? value : [value];
  const out: unknown[] = [];
  for (const item of list) {
    if (item === null || item === undefined) {
      continue; // empty YAML documents
    }
    const obj = item as { kind?: unknown; items?: unknown };
    if (typeof obj === 'object' && typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      out.push(...flatten(obj.items));
    } else {
      out.push(item);
    }
  }
  return out;
}

/**
 * The ESM validator run in a child process. Reads `{objects, allow, ignoreUnder, crdPackages,
 * extraPackages}` on stdin and prints `{problems, objects}`.
 *
 * Unknown-field detection: kubernetes-models ships AJV-compiled validators (no raw JSON
 * schema, no `additionalProperties: false`). A compiled validator reads `data.<prop>` for every
 * property its schema defines, and enumerates keys only for map-like schemas. So the object is
 * wrapped in Proxies recording which keys the validator touched; keys never touched are fields
 * the schema does not know. An object of which the validator read no key at all is free-form
 * (no `properties` in its schema, e.g. `x-kubernetes-preserve-unknown-fields`) and is not checked.
 */
const VALIDATOR_SCRIPT = String.raw`
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf-8'));
const problems = [];
const objects = [];
const moduleCache = new Map();

function groupVersion(apiVersion) {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function candidates(apiVersion, kind) {
  const { group, version } = groupVersion(apiVersion);
  const dir = group === '' ? version : group + '/' + version;
  const pkgs = ['kubernetes-models'];
  if (req.crdPackages[group]) pkgs.push(req.crdPackages[group]);
  for (const p of req.extraPackages) if (!pkgs.includes(p)) pkgs.push(p);
  return pkgs.map((p) => ({ pkg: p, spec: p + '/' + dir + '/' + kind }));
}

async function findModel(apiVersion, kind) {
  const key = apiVersion + ' ' + kind;
  if (moduleCache.has(key)) return moduleCache.get(key);
  let found = { tried: [] };
  for (const c of candidates(apiVersion, kind)) {
    try {
      const mod = await import(c.spec);
      const cls = mod[kind];
      if (typeof cls === 'function' && cls.kind === kind && cls.apiVersion === apiVersion && typeof cls.prototype.validate === 'function') {
        found = { cls, spec: c.spec };
        break;
      }
      found.tried.push(c.spec + ' (no ' + kind + ' model with apiVersion ' + apiVersion + ')');
    } catch (e) {
      const code = e && e.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
        found.tried.push(c.spec + (String(e.message).includes("package '" + c.pkg + "'") ? ' (package ' + c.pkg + ' not installed)' : ' (not found)'));
      } else {
        throw e;
      }
    }
  }
  moduleCache.set(key, found);
  return found;
}

function allowed(apiVersion, kind) {
  const { group } = groupVersion(apiVersion);
  return req.allow.some((a) => a === kind || a === apiVersion + '/' + kind || a === (group || 'core') + '/*');
}

function escapePointer(k) { return String(k).replace(/~/g, '~0').replace(/\//g, '~1'); }

function track(root) {
  const touched = new WeakMap();
  const paths = new WeakMap();
  function wrap(obj, p) {
    if (obj === null || typeof obj !== 'object') return obj;
    if (!touched.has(obj)) { touched.set(obj, new Set()); paths.set(obj, p); }
    const seen = touched.get(obj);
    const cache = new Map();
    return new Proxy(obj, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r);
        if (typeof k !== 'string') return v;
        seen.add(k);
        if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(t, k)) return v;
        if (!cache.has(k)) cache.set(k, wrap(v, p + '/' + escapePointer(k)));
        return cache.get(k);
      },
      has(t, k) { if (typeof k === 'string') seen.add(k); return Reflect.has(t, k); },
      ownKeys(t) { for (const k of Reflect.ownKeys(t)) if (typeof k === 'string') seen.add(k); return Reflect.ownKeys(t); },
    });
  }
  const proxy = wrap(root, '');
  function unknownFields() {
    const out = [];
    (function walk(obj, p) {
      if (obj === null || typeof obj !== 'object') return;
      if (Array.isArray(obj)) { obj.forEach((v, i) => walk(v, p + '/' + i)); return; }
      const seen = touched.get(obj);
      if (!seen) return; // never reached by the validator (e.g. under a field with a type error)
      // Reached but not one key read: the schema defines no properties here (free-form object,
      // x-kubernetes-preserve-unknown-fields), since compiled validators read every defined property.
      if (seen.size === 0) return;
      for (const k of Object.keys(obj)) {
        const kp = p + '/' + escapePointer(k);
        if (!seen.has(k)) out.push(kp);
        else walk(obj[k], kp);
      }
    })(root, '');
    return out.sort();
  }
  return { proxy, unknownFields };
}

function ignored(p) {
  return req.ignoreUnder.some((prefix) => p === prefix || p.startsWith(prefix.endsWith('/') ? prefix : prefix + '/'));
}

for (let index = 0; index < req.objects.length; index++) {
  const obj = req.objects[index];
  const isObj = obj !== null && typeof obj === 'object' && !Array.isArray(obj);
  const apiVersion = isObj && typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = isObj && typeof obj.kind === 'string' ? obj.kind : '';
  const name = isObj && obj.metadata && typeof obj.metadata.name === 'string' ? obj.metadata.name : '<unnamed>';
  const report = { apiVersion, kind, name };
  objects.push(report);
  const add = (problemType, p, message) => problems.push({ problemType, apiVersion, kind, name, path: p, message, index });
  if (!isObj || !apiVersion || !kind) {
    add('INVALID_OBJECT', '', 'not a Kubernetes object: needs string apiVersion and kind');
    continue;
  }
  if (name === '<unnamed>' && !(obj.metadata && typeof obj.metadata.generateName === 'string')) {
    add('SCHEMA', '/metadata/name', 'metadata.name is required');
  }
  const model = await findModel(apiVersion, kind);
  if (!model.cls) {
    if (!allowed(apiVersion, kind)) {
      const { group } = groupVersion(apiVersion);
      const hint = req.crdPackages[group] ? 'add the ' + req.crdPackages[group] + ' package' : 'add a kubernetes-models style package via modelPackages';
      add('NO_SCHEMA', '', 'no schema known for ' + apiVersion + ' ' + kind + ' (tried ' + model.tried.join(', ') + '); ' + hint + ' or allow it with allowKindsWithoutSchema');
    }
    continue;
  }
  report.schemaModule = model.spec;
  const t = track(obj);
  try {
    model.cls.prototype.validate.call(t.proxy);
  } catch (e) {
    if (Array.isArray(e.errors)) {
      for (const err of e.errors) {
        let message = err.message || err.keyword;
        if (err.params && err.params.allowedValues) message += ': ' + JSON.stringify(err.params.allowedValues);
        if (err.params && err.params.missingProperty && !message.includes(err.params.missingProperty)) message += ' (' + err.params.missingProperty + ')';
        add('SCHEMA', err.instancePath || '', message);
      }
    } else {
      add('SCHEMA', '', String(e && e.message || e));
    }
  }
  for (const p of t.unknownFields()) {
    if (!ignored(p)) add('UNKNOWN_FIELD', p, 'field is not defined by the ' + kind + ' schema');
  }
}
process.stdout.write(JSON.stringify({ problems, objects }));
`;
