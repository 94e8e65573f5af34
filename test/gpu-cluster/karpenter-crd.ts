import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';

/**
 * A strict check of emitted Karpenter objects against the CRDs of the PINNED version (1.14.1,
 * test/gpu-cluster/fixtures, from aws/karpenter-provider-aws pkg/apis/crds): every field the CRD
 * defines, its type, enum and pattern (Karpenter durations, budgets, volume sizes, ids), unknown
 * fields rejected. @kubernetes-models/karpenter 2.0.0 models an older 1.12 CRD; this catches a field
 * the pinned version renamed or dropped. CEL rules (x-kubernetes-validations) are not evaluated by a
 * JSON-schema validator: the ones that concern what the lane emits are checked by hand below.
 */
const FIXTURES: { [kind: string]: string } = {
  NodePool: 'karpenter.sh_v1_nodepool.schema.json',
  EC2NodeClass: 'karpenter.k8s.aws_v1_ec2nodeclass.schema.json',
};

function strict(schema: any): any {
  if (Array.isArray(schema)) { return schema.map(strict); }
  if (schema === null || typeof schema !== 'object') { return schema; }
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-') || k === 'description') { continue; }
    out[k] = (k === 'properties') ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
  }
  if (schema['x-kubernetes-int-or-string']) { return { anyOf: [{ type: 'string' }, { type: 'integer' }] }; }
  if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, any>();

/** Problems of one object against the pinned CRD (empty when valid). */
export function crdProblems(obj: any): string[] {
  const file = FIXTURES[obj.kind];
  if (!file) { return [`no CRD fixture for ${obj.kind}`]; }
  if (!validators.has(file)) {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', file), 'utf-8')).openAPIV3Schema;
    validators.set(file, ajv.compile(strict(schema)));
  }
  const validate = validators.get(file);
  const problems: string[] = validate(obj) ? [] : (validate.errors ?? []).map((e: any) => `${obj.kind} ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  return [...problems, ...celProblems(obj)];
}

/** The CRDs' CEL rules that concern the fields the lane renders. */
function celProblems(obj: any): string[] {
  const out: string[] = [];
  if (obj.kind === 'NodePool') {
    const spec = obj.spec.template.spec;
    for (const b of obj.spec.disruption?.budgets ?? []) {
      if (('schedule' in b) !== ('duration' in b)) { out.push('budget: schedule and duration go together'); }
    }
    for (const r of spec.requirements) {
      if (r.key === 'kubernetes.io/hostname' || r.key === 'karpenter.sh/nodepool') { out.push(`requirement ${r.key} is restricted`); }
      if (r.key.split('/')[0].endsWith('karpenter.sh') && r.key !== 'karpenter.sh/capacity-type') { out.push(`requirement ${r.key} is restricted`); }
      if (r.operator === 'In' && !(r.values?.length)) { out.push(`requirement ${r.key}: In needs values`); }
    }
    for (const key of Object.keys(obj.spec.template.metadata?.labels ?? {})) {
      const domain = key.includes('/') ? key.split('/')[0] : '';
      if (/(^|\.)karpenter\.sh$|(^|\.)karpenter\.k8s\.aws$|(^|\.)kubernetes\.io$|(^|\.)k8s\.io$/.test(domain)) { out.push(`label ${key} is in a restricted domain`); }
    }
  }
  if (obj.kind === 'EC2NodeClass') {
    const s = obj.spec;
    if (('role' in s) === ('instanceProfile' in s)) { out.push('exactly one of role and instanceProfile'); }
    if (s.amiSelectorTerms.some((t: any) => t.alias) && s.amiSelectorTerms.length !== 1) { out.push('an alias term must be the only amiSelectorTerm'); }
    for (const t of s.amiSelectorTerms) {
      if (t.alias && !['al2', 'al2023', 'bottlerocket'].includes(t.alias.split('@')[0])) { out.push(`unknown alias family ${t.alias}`); }
    }
    for (const list of ['subnetSelectorTerms', 'securityGroupSelectorTerms', 'capacityReservationSelectorTerms']) {
      for (const t of s[list] ?? []) {
        if (t.id && t.tags) { out.push(`${list}: id and tags are exclusive`); }
        if (!t.id && !t.tags) { out.push(`${list}: a term needs id or tags`); }
      }
    }
    if ((s.blockDeviceMappings ?? []).filter((b: any) => b.rootVolume).length > 1) { out.push('at most one rootVolume'); }
    for (const key of Object.keys(s.tags ?? {})) {
      if (key === 'eks:eks-cluster-name' || key.startsWith('kubernetes.io/cluster') || ['karpenter.sh/nodepool', 'karpenter.sh/nodeclaim', 'karpenter.k8s.aws/ec2nodeclass'].includes(key)) {
        out.push(`tag ${key} is restricted`);
      }
    }
  }
  return out;
}
