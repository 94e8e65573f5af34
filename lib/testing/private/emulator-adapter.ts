/**
 * Adapts a synthesized template for moto (the local emulator) — on the template only, never on
 * the user's constructs — and records every change so LocalDeploy can list it.
 */

/** One change made to the template for the emulator. */
export interface Adaptation {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly change: string;
  readonly reason: string;
}

/** A value LocalDeploy needs after the deploy to create a skipped resource through the API. */
export interface RefOutput {
  readonly outputKey: string;
  readonly logicalId: string;
  /** undefined for `Ref`. */
  readonly attribute?: string;
}

export interface AdaptContext {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly supportedTypes: ReadonlySet<string>;
  readonly sageMakerInstanceTypes: readonly string[];
  /** Whether moto resolves Fn::GetAtt of (type, attribute). */
  readonly attrSupported: (type: string, attr: string) => boolean;
}

export interface AdaptResult {
  readonly template: { [key: string]: any };
  readonly adaptations: Adaptation[];
  /** Outputs added so the Ref/GetAtt values skipped resources need come back from moto. */
  readonly refOutputs: RefOutput[];
  /** Logical ids of resources removed from the template (custom resources). */
  readonly removed: string[];
  /** Planned physical names of skipped resources (LocalDeploy creates them with these names). */
  readonly plannedNames: { [logicalId: string]: string };
  /**
   * Lambda versions whose Ref/attributes skipped resources need, by version logical id -> function
   * logical id: moto cannot output them (one `Fn::GetAtt Version.Version` output makes it drop every
   * output of the stack), so LocalDeploy reads them with ListVersionsByFunction instead.
   */
  readonly lambdaVersions: { [versionLogicalId: string]: string };
}

/**
 * Types moto's CloudFormation creates but lists without a physical id: LocalDeploy looks them up
 * through the service API instead (so it needs the values their properties reference).
 */
export const CONFIRM_TYPES = new Set(['AWS::Lambda::Version', 'AWS::IoT::RoleAlias', 'AWS::IoT::Policy', 'AWS::Lambda::Permission']);

/** Output keys LocalDeploy adds start with this (they are not returned as stack outputs). */
export const REF_OUTPUT_PREFIX = 'LocalDeployRef';

/** The name property of the skipped types LocalDeploy creates by name, and its length limit. */
const NAME_PROPERTY: { [type: string]: [string, number, RegExp] } = {
  'AWS::CloudWatch::Alarm': ['AlarmName', 255, /[^\x20-\x7e]/g],
  'AWS::IoT::ThingGroup': ['ThingGroupName', 128, /[^a-zA-Z0-9:_-]/g],
  'AWS::CodeDeploy::Application': ['ApplicationName', 100, /[^a-zA-Z0-9._+@=,-]/g],
  'AWS::CodeDeploy::DeploymentGroup': ['DeploymentGroupName', 100, /[^a-zA-Z0-9._+@=,-]/g],
  'AWS::CodeDeploy::DeploymentConfig': ['DeploymentConfigName', 100, /[^a-zA-Z0-9._+@=,-]/g],
  'AWS::ApplicationAutoScaling::ScalingPolicy': ['PolicyName', 256, /[^\x20-\x7e]/g],
  'AWS::Logs::MetricFilter': ['FilterName', 512, /[:*]/g],
  'AWS::IoT::Policy': ['PolicyName', 128, /[^\w+=,.@-]/g],
  'AWS::IoT::RoleAlias': ['RoleAlias', 128, /[^\w=,@-]/g],
};

/** Types whose `Ref` is an ARN (placeholders must look like ARNs: IAM policies validate them). */
const REF_IS_ARN = new Set(['AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::Lambda::Alias', 'AWS::Lambda::Version', 'AWS::SNS::Topic', 'AWS::GreengrassV2::Deployment']);

const isCustom = (type: string) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

/** The physical name LocalDeploy gives a skipped resource it creates by name. */
export function plannedName(type: string, logicalId: string, props: any, stackName: string): string | undefined {
  const spec = NAME_PROPERTY[type];
  if (!spec) {
    return undefined;
  }
  const [prop, max, bad] = spec;
  const given = props?.[prop];
  if (typeof given === 'string') {
    return given;
  }
  if (given !== undefined) {
    return undefined; // an intrinsic: resolved after the deploy
  }
  return `${stackName}-${logicalId}`.replace(bad, '-').slice(0, max);
}

/** What the adaptation steps share: the copy being adapted and what was done to it so far. */
interface AdaptState {
  readonly input: { [key: string]: any };
  readonly ctx: AdaptContext;
  readonly template: { [key: string]: any };
  readonly resources: { [id: string]: any };
  readonly adaptations: Adaptation[];
  /** Resources moto's CloudFormation does not create (unsupported types and custom resources). */
  readonly skipped: ReadonlySet<string>;
  /** Resources removed from the emulator template. */
  readonly removed: string[];
  readonly typeOf: (id: string) => string;
  /** Whether moto's CloudFormation creates the resource. */
  readonly emulated: (id: string) => boolean;
}

/** Adapts the template; see the module comment. */
export function adaptTemplate(input: { [key: string]: any }, ctx: AdaptContext): AdaptResult {
  const template = JSON.parse(JSON.stringify(input));
  const resources: { [id: string]: any } = template.Resources ?? {};
  const typeOf = (id: string): string => String(resources[id]?.Type ?? '');
  const emulated = (id: string): boolean => id in resources && ctx.supportedTypes.has(typeOf(id)) && !isCustom(typeOf(id));
  const s: AdaptState = {
    input, ctx, template, resources, adaptations: [], removed: [], typeOf, emulated,
    skipped: new Set(Object.keys(resources).filter((id) => !emulated(id))),
  };
  // 1. Properties moto cannot take.
  for (const [id, res] of Object.entries<any>(resources)) {
    removeKmsKeyTags(s, id, res);
    nameSsmParameter(s, id, res);
    replacePlaceholderZones(s, id, res);
    swapUnknownInstanceTypes(s, id, res);
    nameModelOfComponentVariants(s, id, res);
  }
  // 2. Lambda-backed custom resources, and Lambda permissions on functions moto skips.
  removeCustomResources(s);
  removePermissionsOnSkippedFunctions(s);
  // 3. References from what moto creates (and from Outputs) to what it skips.
  const plannedNames = replaceReferencesToSkipped(s);
  // 4. Values the skipped resources need, returned by moto as extra stack Outputs.
  const { refOutputs, lambdaVersions } = addReferenceOutputs(s);
  return { template, adaptations: s.adaptations, refOutputs, removed: s.removed, plannedNames, lambdaVersions };
}

/** moto's KMS CloudFormation handler crashes on tagged keys: the emulator's copy has none. */
function removeKmsKeyTags(s: AdaptState, id: string, res: any): void {
  const props = res?.Properties;
  if (res?.Type === 'AWS::KMS::Key' && props?.Tags !== undefined) {
    const keys = Array.isArray(props.Tags) ? props.Tags.map((t: any) => (typeof t?.Key === 'string' ? t.Key : '?')) : [];
    delete props.Tags;
    s.adaptations.push({
      logicalId: id, resourceType: res.Type,
      change: `removed Tags (${keys.length}: ${keys.join(', ')})`,
      reason: "moto's KMS CloudFormation handler crashes on tagged keys (KeyError: 'TagKey'); real AWS keeps the tags",
    });
  }
}

/** moto's SSM handler does not generate a parameter name: the emulator's copy gets /<stack>/<id>. */
function nameSsmParameter(s: AdaptState, id: string, res: any): void {
  const props = res?.Properties;
  if (res?.Type === 'AWS::SSM::Parameter' && (props?.Name === undefined)) {
    const name = `/${s.ctx.stackName}/${id}`;
    res.Properties = { ...(props ?? {}), Name: name };
    s.adaptations.push({
      logicalId: id, resourceType: res.Type,
      change: `Name set to ${name}`,
      reason: "moto's SSM CloudFormation handler does not generate a name and crashes on a parameter without Name (AttributeError: 'NoneType' object has no attribute 'lower'); real AWS generates one",
    });
  }
}

/** The CDK's placeholder zones (dummy1a...) become the region's zones (<region>a...). */
function replacePlaceholderZones(s: AdaptState, id: string, res: any): void {
  const props = res?.Properties;
  const dummyAzs: string[] = [];
  const fixAzs = (node: any, key?: string): any => {
    if (typeof node === 'string' && (key === 'AvailabilityZone' || key === 'AvailabilityZones')) {
      const m = /^dummy1([a-z])$/.exec(node);
      if (m) {
        dummyAzs.push(`${node} -> ${s.ctx.region}${m[1]}`);
        return `${s.ctx.region}${m[1]}`;
      }
      return node;
    }
    if (Array.isArray(node)) { return node.map((n) => fixAzs(n, key)); }
    if (node && typeof node === 'object') {
      for (const k of Object.keys(node)) { node[k] = fixAzs(node[k], k); }
    }
    return node;
  };
  if (props && typeof props === 'object') {
    fixAzs(props);
  }
  if (dummyAzs.length > 0) {
    s.adaptations.push({
      logicalId: id, resourceType: res.Type,
      change: `availability zones ${dummyAzs.join(', ')}`,
      reason: 'the stack has a concrete region but no availability-zone lookup in its context (cdk.context.json), so the CDK synthesized its '
        + "placeholder zones; moto accepts the region's real zone names only (a real cdk deploy looks the zones up)",
    });
  }
}

/** The logical id a `Ref` / `Fn::GetAtt` points at. */
function refTarget(v: any): string | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (typeof v.Ref === 'string') { return v.Ref; }
    const g = v['Fn::GetAtt'];
    if (Array.isArray(g) && typeof g[0] === 'string') { return g[0]; }
    if (typeof g === 'string') { return g.split('.')[0]; }
  }
  return undefined;
}

/**
 * An endpoint config for inference components has variants without `ModelName` (the components name
 * the models), and moto's SageMaker crashes on it (`KeyError: 'ModelName'`, in its CloudFormation handler
 * and in CreateEndpointConfig alike). The emulator's copy names, on each such variant, the model of the
 * first inference component of the template hosted on it, so the endpoint config and the endpoint exist
 * locally. The component itself is not created (moto lacks CreateInferenceComponent) and LocalDeploy says so.
 */
function nameModelOfComponentVariants(s: AdaptState, id: string, res: any): void {
  const variants = res?.Properties?.ProductionVariants;
  if (res?.Type !== 'AWS::SageMaker::EndpointConfig' || !Array.isArray(variants)) {
    return;
  }
  const endpoints = Object.keys(s.resources).filter((e) => s.typeOf(e) === 'AWS::SageMaker::Endpoint' && refTarget(s.resources[e].Properties?.EndpointConfigName) === id);
  const components = Object.keys(s.resources).filter((c) => s.typeOf(c) === 'AWS::SageMaker::InferenceComponent'
    && endpoints.includes(refTarget(s.resources[c].Properties?.EndpointName) ?? ''));
  for (const v of variants) {
    if (!v || typeof v !== 'object' || v.ModelName !== undefined || v.ServerlessConfig !== undefined) {
      continue;
    }
    const component = components.find((c) => {
      const p = s.resources[c].Properties ?? {};
      return (p.VariantName === undefined || p.VariantName === v.VariantName) && p.Specification?.ModelName !== undefined;
    });
    if (!component) {
      continue;
    }
    v.ModelName = JSON.parse(JSON.stringify(s.resources[component].Properties.Specification.ModelName));
    s.adaptations.push({
      logicalId: id, resourceType: res.Type,
      change: `variant ${typeof v.VariantName === 'string' ? v.VariantName : '?'} names the model of inference component ${component}`,
      reason: "moto's SageMaker crashes on an endpoint config whose variants name no model (KeyError: 'ModelName'), which is how an endpoint "
        + 'for inference components is configured; real AWS hosts the model through the component, which moto does not create',
    });
  }
}

/** SageMaker instance types moto does not know become the nearest one it knows. */
function swapUnknownInstanceTypes(s: AdaptState, id: string, res: any): void {
  const props = res?.Properties;
  const known = s.ctx.sageMakerInstanceTypes;
  if (res?.Type !== 'AWS::SageMaker::EndpointConfig' || known.length === 0) {
    return;
  }
  for (const listName of ['ProductionVariants', 'ShadowProductionVariants']) {
    for (const [i, variant] of (Array.isArray(props?.[listName]) ? props[listName] : []).entries()) {
      const it = variant?.InstanceType;
      if (typeof it === 'string' && !known.includes(it)) {
        const swap = substituteInstanceType(it, known);
        variant.InstanceType = swap;
        s.adaptations.push({
          logicalId: id, resourceType: res.Type,
          change: `${listName}[${i}].InstanceType ${it} -> ${swap}`,
          reason: `moto's SageMaker does not know ${it} (it accepts ${known.length} older types); real AWS gets ${it}`,
        });
      }
    }
  }
}

/** Lambda-backed custom resources: moto would invoke the provider function in Docker. */
function removeCustomResources(s: AdaptState): void {
  for (const id of Object.keys(s.resources)) {
    if (isCustom(s.typeOf(id))) {
      s.adaptations.push({
        logicalId: id, resourceType: s.typeOf(id),
        change: 'removed from the emulator template; references to it get placeholder values',
        reason: 'a Lambda-backed custom resource: moto runs the provider function only in Docker, and without it the stack never completes',
      });
      delete s.resources[id];
      s.removed.push(id);
    }
  }
}

/**
 * Lambda permissions on a function moto skips (an alias or a version): moto's AddPermission answers
 * 404 for the placeholder and the whole stack fails. LocalDeploy adds them through the API afterwards.
 */
function removePermissionsOnSkippedFunctions(s: AdaptState): void {
  for (const id of Object.keys(s.resources)) {
    if (s.typeOf(id) !== 'AWS::Lambda::Permission') { continue; }
    const fn = s.resources[id]?.Properties?.FunctionName;
    const target = typeof fn?.Ref === 'string' ? fn.Ref : fn?.['Fn::GetAtt'] ? getAttParts(fn['Fn::GetAtt'])[0] : undefined;
    if (target && s.skipped.has(target)) {
      s.adaptations.push({
        logicalId: id, resourceType: s.typeOf(id),
        change: 'removed from the emulator template; added through the Lambda API after the deploy',
        reason: `its function ${target} (${s.typeOf(target)}) is not created by moto's CloudFormation, and AddPermission on it answers 404, which fails the stack`,
      });
      delete s.resources[id];
      s.removed.push(id);
    }
  }
}

/**
 * References from what moto creates (and from Outputs) to what it skips: moto resolves a Ref to a
 * skipped resource to nothing (and crashes on the hole) and a GetAtt to "references undefined resource".
 * They get the names LocalDeploy then creates (or placeholders). Returns the planned names.
 */
function replaceReferencesToSkipped(s: AdaptState): { [logicalId: string]: string } {
  const { input, resources, template } = s;
  const plannedNames: { [logicalId: string]: string } = {};
  for (const id of s.skipped) {
    const name = plannedName(s.typeOf(id) || String(input.Resources?.[id]?.Type ?? ''), id, (input.Resources?.[id] ?? {}).Properties, s.ctx.stackName);
    if (name !== undefined) {
      plannedNames[id] = name;
    }
  }
  const replaced = new Map<string, Set<string>>();
  const note = (consumer: string, text: string) => {
    (replaced.get(consumer) ?? replaced.set(consumer, new Set()).get(consumer)!).add(text);
  };
  const rewrite = referenceRewriter(s.skipped, (id, attr) => placeholderValue(s, plannedNames, id, attr), note);
  for (const [id, res] of Object.entries<any>(resources)) {
    if (!s.emulated(id)) {
      continue;
    }
    for (const field of ['Properties', 'Metadata']) {
      if (res[field] !== undefined) {
        res[field] = rewrite(res[field], id);
      }
    }
    const deps: string[] = typeof res.DependsOn === 'string' ? [res.DependsOn] : Array.isArray(res.DependsOn) ? res.DependsOn : [];
    const kept = deps.filter((d) => !s.removed.includes(d));
    if (kept.length !== deps.length) {
      note(id, `DependsOn without ${deps.filter((d) => s.removed.includes(d)).join(', ')}`);
      if (kept.length === 0) { delete res.DependsOn; } else { res.DependsOn = kept; }
    }
  }
  for (const [key, out] of Object.entries<any>(template.Outputs ?? {})) {
    template.Outputs[key] = rewrite(out, `Outputs/${key}`);
  }
  for (const [consumer, changes] of replaced) {
    const isOutput = consumer.startsWith('Outputs/');
    s.adaptations.push({
      logicalId: consumer,
      resourceType: isOutput ? 'Output' : s.typeOf(consumer),
      change: `references to resources the emulator's CloudFormation does not create replaced: ${[...changes].join('; ')}`,
      reason: "moto resolves Fn::GetAtt of a resource it skipped to 'Template error: instance of Fn::GetAtt references undefined resource' and a Ref to nothing; "
        + 'named values are the names LocalDeploy then creates through the service API',
    });
  }
  return plannedNames;
}

/** The value a reference to a skipped resource gets: its planned name, an ARN built from it, or a placeholder. */
function placeholderValue(s: AdaptState, plannedNames: { [logicalId: string]: string }, id: string, attr?: string): string {
  const { region, account, stackName } = s.ctx;
  const type = String(s.input.Resources?.[id]?.Type ?? '');
  const name = plannedNames[id];
  const svc = (type.split('::')[1] ?? 'local').toLowerCase();
  if (attr === undefined) {
    if (name !== undefined && !REF_IS_ARN.has(type)) {
      return name;
    }
    return REF_IS_ARN.has(type) ? `arn:aws:${svc}:${region}:${account}:local-deploy-placeholder/${id}` : `${stackName}-${id}`;
  }
  if (attr === 'Arn' && name !== undefined && type === 'AWS::CloudWatch::Alarm') {
    return `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
  }
  if (attr === 'Arn' && name !== undefined && type === 'AWS::IoT::ThingGroup') {
    return `arn:aws:iot:${region}:${account}:thinggroup/${name}`;
  }
  return /Arn$/.test(attr) ? `arn:aws:${svc}:${region}:${account}:local-deploy-placeholder/${id}/${attr}` : `local-deploy-placeholder-${id}-${attr}`;
}

/** A function that rewrites Ref / Fn::GetAtt / Fn::Sub references to skipped resources in a JSON value (noting each change per consumer). */
function referenceRewriter(skipped: ReadonlySet<string>, valueFor: (id: string, attr?: string) => string, note: (consumer: string, text: string) => void): (node: any, consumer: string) => any {
  const rewrite = (node: any, consumer: string): any => {
    if (Array.isArray(node)) {
      return node.map((n) => rewrite(n, consumer));
    }
    if (node === null || typeof node !== 'object') {
      return node;
    }
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof node.Ref === 'string' && skipped.has(node.Ref)) {
      const v = valueFor(node.Ref);
      note(consumer, `Ref ${node.Ref} -> '${v}'`);
      return v;
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [target, attr] = getAttParts(node['Fn::GetAtt']);
      if (target && attr && skipped.has(target)) {
        const v = valueFor(target, attr);
        note(consumer, `GetAtt ${target}.${attr} -> '${v}'`);
        return v;
      }
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub') {
      const sub = node['Fn::Sub'];
      const [text, vars] = Array.isArray(sub) ? [sub[0], sub[1]] : [sub, undefined];
      if (typeof text === 'string') {
        const newText = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, expr: string) => {
          if (vars && expr in vars) {
            return whole;
          }
          const [target, ...rest] = expr.split('.');
          if (!skipped.has(target)) {
            return whole;
          }
          const v = valueFor(target, rest.length ? rest.join('.') : undefined);
          note(consumer, `Sub \${${expr}} -> '${v}'`);
          return v;
        });
        return { 'Fn::Sub': vars !== undefined ? [newText, rewrite(vars, consumer)] : newText };
      }
    }
    const out: any = {};
    for (const k of keys) {
      out[k] = rewrite(node[k], consumer);
    }
    return out;
  };
  return rewrite;
}

/** Values the skipped resources need, returned by moto as extra stack Outputs (Lambda versions are read through the API instead). */
function addReferenceOutputs(s: AdaptState): { refOutputs: RefOutput[]; lambdaVersions: { [versionLogicalId: string]: string } } {
  const { input, resources, template, typeOf } = s;
  const refOutputs: RefOutput[] = [];
  const lambdaVersions: { [versionLogicalId: string]: string } = {};
  const seen = new Map<string, string>();
  const need = (logicalId: string, attribute?: string) => {
    const k = `${logicalId}.${attribute ?? ''}`;
    if (seen.has(k) || !s.emulated(logicalId)) {
      return;
    }
    if (typeOf(logicalId) === 'AWS::Lambda::Version') {
      const fn = resources[logicalId]?.Properties?.FunctionName;
      if (fn && typeof fn.Ref === 'string') {
        lambdaVersions[logicalId] = fn.Ref;
        need(fn.Ref);
      }
      return;
    }
    if (attribute !== undefined && !s.ctx.attrSupported(typeOf(logicalId), attribute)) {
      return;
    }
    const outputKey = `${REF_OUTPUT_PREFIX}${refOutputs.length}`;
    seen.set(k, outputKey);
    refOutputs.push({ outputKey, logicalId, attribute });
  };
  for (const id of Object.keys(input.Resources ?? {})) {
    // Removed custom resources are never created; removed Lambda permissions are (through the API), so their references are needed.
    const wanted = s.removed.includes(id) ? !isCustom(String(input.Resources?.[id]?.Type ?? '')) : s.skipped.has(id) || CONFIRM_TYPES.has(typeOf(id));
    if (!wanted) {
      continue;
    }
    collectReferences(input.Resources[id]?.Properties, need);
  }
  if (refOutputs.length > 0) {
    template.Outputs = template.Outputs ?? {};
    for (const r of refOutputs) {
      // Fn::Join makes moto render every value as a string (a number or an object would make it drop
      // every output of the stack).
      const value = r.attribute === undefined ? { Ref: r.logicalId } : { 'Fn::GetAtt': [r.logicalId, r.attribute] };
      template.Outputs[r.outputKey] = { Value: { 'Fn::Join': ['', [value]] } };
    }
  }
  return { refOutputs, lambdaVersions };
}

/** Every (logical id, attribute) a JSON value references by Ref, Fn::GetAtt or Fn::Sub. */
export function collectReferences(node: any, visit: (logicalId: string, attribute?: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n) => collectReferences(n, visit));
    return;
  }
  if (node === null || typeof node !== 'object') {
    return;
  }
  if (typeof node.Ref === 'string' && !node.Ref.startsWith('AWS::')) {
    visit(node.Ref);
  }
  if (node['Fn::GetAtt'] !== undefined) {
    const [target, attr] = getAttParts(node['Fn::GetAtt']);
    if (target && attr) {
      visit(target, attr);
    }
  }
  if (node['Fn::Sub'] !== undefined) {
    const sub = node['Fn::Sub'];
    const [text, vars] = Array.isArray(sub) ? [sub[0], sub[1]] : [sub, undefined];
    if (typeof text === 'string') {
      for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        if (vars && m[1] in vars) { continue; }
        const [target, ...rest] = m[1].split('.');
        if (!target.startsWith('AWS::')) {
          visit(target, rest.length ? rest.join('.') : undefined);
        }
      }
    }
  }
  for (const v of Object.values(node)) {
    collectReferences(v, visit);
  }
}

function getAttParts(v: any): [string | undefined, string | undefined] {
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') {
    return [v[0], v[1]];
  }
  if (typeof v === 'string' && v.includes('.')) {
    const i = v.indexOf('.');
    return [v.slice(0, i), v.slice(i + 1)];
  }
  return [undefined, undefined];
}

/**
 * The emulator-known instance type closest to `wanted`: same size in the nearest family of the same
 * kind (NVIDIA GPU -> g4dn, Inferentia/Trainium -> inf1, else same family letter), else ml.m5.xlarge.
 */
export function substituteInstanceType(wanted: string, known: readonly string[]): string {
  const m = /^ml\.([a-z]+)(\d*)([a-z-]*)\.(.+)$/.exec(wanted);
  const size = m?.[4] ?? 'xlarge';
  const letters = m?.[1] ?? 'm';
  const families = letters === 'g' || letters === 'p' ? ['g4dn', 'p3', 'p2']
    : letters === 'inf' || letters === 'trn' ? ['inf1']
      : letters === 'c' ? ['c5', 'c4'] : letters === 'r' ? ['r5', 'r5d'] : ['m5', 'm4'];
  for (const family of families) {
    const candidate = `ml.${family}.${size}`;
    if (known.includes(candidate)) { return candidate; }
  }
  for (const family of families) {
    const any = known.find((k) => k.startsWith(`ml.${family}.`));
    if (any) { return any; }
  }
  return known.includes('ml.m5.xlarge') ? 'ml.m5.xlarge' : known[0];
}
