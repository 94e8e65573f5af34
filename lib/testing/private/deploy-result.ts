/**
 * The pure parts of a local deployment: from what moto reports (list-stack-resources, the stack's
 * outputs, its log, the API-create script's outcomes) to the LocalDeployResult, and the failure text.
 * No process is started here, so every rule is unit-tested against made-up reports.
 */
import type { LocalApiCreatedResource, LocalDeployedResource, LocalDeployResult, LocalSkippedResource } from '../local-deploy-result';
import { ApiCreateOutcome, ApiCreateRequest } from './api-create';
import { Adaptation, RefOutput, REF_OUTPUT_PREFIX } from './emulator-adapter';
import { explainEmulatorFailure, lastMotoException } from './emulator-failures';
import { tail } from './process';

/** The resource types moto logged as not supported by its CloudFormation ("Tried to parse X but it's not supported"), sorted. */
export function unsupportedTypesIn(log: string): string[] {
  return Array.from(new Set(Array.from(log.matchAll(/Tried to parse (\S+) but it's not supported/g)).map((m) => m[1]))).sort();
}

/**
 * Splits the template's resources into those moto created (listed with a physical id) and those it
 * skipped, each skipped one with the reasons: an unsupported type, removed from the emulator's
 * template (a custom resource or a permission on a Lambda alias/version), listed without a physical
 * id, or not listed at all; and a Condition that may have been false.
 */
export function classifyResources(resources: { [id: string]: any }, summaries: any[], unsupportedTypes: string[], removed: ReadonlySet<string>):
{ created: LocalDeployedResource[]; skipped: LocalSkippedResource[] } {
  const byLogicalId = new Map<string, any>();
  for (const s of summaries) {
    if (s.LogicalResourceId) {
      byLogicalId.set(s.LogicalResourceId, s);
    }
  }
  const created: LocalDeployedResource[] = [];
  const skipped: LocalSkippedResource[] = [];
  for (const [logicalId, res] of Object.entries<any>(resources)) {
    const type = String(res?.Type ?? '');
    const summary = byLogicalId.get(logicalId);
    if (summary && summary.PhysicalResourceId) {
      created.push({ logicalId, resourceType: type, physicalId: String(summary.PhysicalResourceId), status: String(summary.ResourceStatus ?? '') });
      continue;
    }
    const reasons: string[] = [];
    if (unsupportedTypes.includes(type)) {
      reasons.push(`moto does not support ${type} in CloudFormation`);
    } else if (removed.has(logicalId)) {
      reasons.push(type === 'AWS::Lambda::Permission'
        ? 'removed from the emulator template: a permission on a Lambda alias or version the emulator\'s CloudFormation does not create'
        : 'removed from the emulator template: a Lambda-backed custom resource (its provider would have to run in Docker)');
    } else if (summary) {
      reasons.push('moto lists it without a physical id');
    } else {
      reasons.push('not in list-stack-resources');
    }
    if (res?.Condition) {
      reasons.push(`it has Condition '${res.Condition}', which may have been false`);
    }
    skipped.push({ logicalId, resourceType: type, reason: reasons.join('; ') });
  }
  return { created, skipped };
}

/**
 * The stack's outputs, without the ones the emulator adaptation added to read references back
 * (`LocalDeployRef*` keys it lists in `refOutputs`), which are returned apart as `refValues`.
 */
export function splitOutputs(stackOutputs: any[], refOutputs: RefOutput[]): { outputs: { [key: string]: string }; refValues: { [key: string]: string } } {
  const outputs: { [key: string]: string } = {};
  const refValues: { [key: string]: string } = {};
  for (const o of stackOutputs) {
    if (String(o.OutputKey).startsWith(REF_OUTPUT_PREFIX) && refOutputs.some((r) => r.outputKey === o.OutputKey)) {
      refValues[String(o.OutputKey)] = o.OutputValue;
    } else {
      outputs[String(o.OutputKey)] = String(o.OutputValue);
    }
  }
  return { outputs, refValues };
}

/** Ref / GetAtt values of created resources, by logical id, for the API-create script (moto's placeholders and `None` left out). */
export function referenceValues(refOutputs: RefOutput[], refValues: { [key: string]: string }): { [id: string]: { ref?: string; attrs: { [a: string]: string } } } {
  const values: { [id: string]: { ref?: string; attrs: { [a: string]: string } } } = {};
  for (const r of refOutputs) {
    const v = refValues[r.outputKey];
    if (v === undefined || v === 'None' || /^<moto\./.test(String(v))) { continue; }
    const entry = values[r.logicalId] ?? (values[r.logicalId] = { attrs: {} });
    if (r.attribute === undefined) { entry.ref = v; } else { entry.attrs[r.attribute] = v; }
  }
  return values;
}

/**
 * One API-create request per skipped resource: `create` for one that exists nowhere (`isMissing`),
 * `confirm` (look it up, create nothing) for one moto created but lists without a physical id.
 */
export function apiCreateRequests(resources: { [id: string]: any }, skipped: LocalSkippedResource[], isMissing: (sk: LocalSkippedResource) => boolean,
  plannedNames: { [id: string]: string }, stackName: string): ApiCreateRequest[] {
  return skipped.map((sk) => {
    const res = resources[sk.logicalId];
    const deps = typeof res.DependsOn === 'string' ? [res.DependsOn] : Array.isArray(res.DependsOn) ? res.DependsOn : [];
    return {
      logicalId: sk.logicalId, resourceType: sk.resourceType, properties: res.Properties ?? {}, dependsOn: deps,
      condition: res.Condition, plannedName: plannedNames[sk.logicalId] ?? `${stackName}-${sk.logicalId}`,
      mode: isMissing(sk) ? 'create' : 'confirm',
    };
  });
}

/** Sorts the API-create outcomes: confirmed (a `confirm` request found), created via the API, or not created (with the reason). */
export function sortOutcomes(outcomes: ApiCreateOutcome[], requests: ApiCreateRequest[]):
{ createdViaApi: LocalApiCreatedResource[]; notCreated: LocalSkippedResource[]; confirmedViaApi: LocalDeployedResource[] } {
  const createdViaApi: LocalApiCreatedResource[] = [];
  const notCreated: LocalSkippedResource[] = [];
  const confirmedViaApi: LocalDeployedResource[] = [];
  const confirming = new Set(requests.filter((q) => q.mode === 'confirm').map((q) => q.logicalId));
  for (const o of outcomes) {
    if (o.created && confirming.has(o.logicalId)) {
      confirmedViaApi.push({ logicalId: o.logicalId, resourceType: o.resourceType, physicalId: o.physicalId ?? '', status: `created by CloudFormation, found with ${(o.apiCalls ?? []).join(', ')}` });
    } else if (o.created) {
      createdViaApi.push({ logicalId: o.logicalId, resourceType: o.resourceType, physicalId: o.physicalId ?? '', apiCalls: o.apiCalls ?? [], readBack: o.readBack ?? '', notes: o.notes ?? [] });
    } else {
      notCreated.push({ logicalId: o.logicalId, resourceType: o.resourceType, reason: o.reason ?? 'not created' });
    }
  }
  return { createdViaApi, notCreated, confirmedViaApi };
}

/** `LocalDeploy.formatResult`: adaptations, resources created via the APIs and resources not created, for logs. */
export function formatResult(result: LocalDeployResult): string {
  const lines: string[] = [];
  lines.push(`${result.stackName}: ${result.stackStatus}; ${result.created.length + result.confirmedViaApi.length} created by CloudFormation, ${result.createdViaApi.length} created via API, ${result.notCreated.length} not created`);
  if (result.adaptations.length > 0) {
    lines.push(`Adapted for the emulator (${result.adaptations.length}; the real template is unchanged):`);
    for (const a of result.adaptations) {
      lines.push(`  ${a.logicalId} (${a.resourceType}): ${a.change} — ${a.reason}`);
    }
  }
  if (result.createdViaApi.length > 0) {
    lines.push(`Created via API (${result.createdViaApi.length}):`);
    for (const c of result.createdViaApi) {
      lines.push(`  ${c.logicalId} (${c.resourceType}): ${c.apiCalls.join(', ')} -> ${c.readBack}${c.notes.length ? ` [${c.notes.join('; ')}]` : ''}`);
    }
  }
  if (result.notCreated.length > 0) {
    lines.push(`Not created locally (${result.notCreated.length}):`);
    for (const n of result.notCreated) {
      lines.push(`  ${n.logicalId} (${n.resourceType}): ${n.reason}`);
    }
  }
  return lines.join('\n');
}

/** The FAILED events of describe-stack-events, one line each. */
export function failedEvents(stackEvents: any[]): string {
  return stackEvents.filter((e: any) => /FAILED/.test(String(e.ResourceStatus)))
    .map((e: any) => `  ${e.LogicalResourceId} (${e.ResourceType}) ${e.ResourceStatus}: ${e.ResourceStatusReason ?? ''}`).join('\n');
}

/** What a failed deploy reports, from the CLI's output, the stack's failed events and moto's log since the deploy started. */
export interface DeployFailure {
  readonly headline: string;
  readonly cliOutput: string;
  readonly events: string;
  readonly log: string;
  readonly typeOf: (logicalId: string) => string;
  readonly adaptations?: Adaptation[];
}

/**
 * The deploy failure with the CLI's own error lines, the emulator's known failures explained (cause
 * and fix), moto's last exception, the failed stack events, the adaptations applied, and the tails
 * of the CLI output and of moto's log.
 */
export function deployFailureMessage(f: DeployFailure): string {
  const exception = lastMotoException(f.log);
  const explanations = explainEmulatorFailure(`${f.cliOutput}\n${f.events}\n${f.log}`, f.typeOf);
  // The CLI's own error lines (❌, ‣, ...Error/Exception) first: the tail of its output is progress lines.
  const cliErrors = f.cliOutput.split('\n').filter((l) => /❌|‣|Error\b|Exception\b|failed/i.test(l) && !/^\s*$/.test(l)).slice(0, 10);
  const parts = [f.headline + '.'];
  if (cliErrors.length > 0) { parts.push(`cdk said:\n${cliErrors.map((l) => `  ${l.trim()}`).join('\n')}`); }
  if (explanations.length > 0) { parts.push(explanations.join('\n')); }
  if (exception) { parts.push(`moto raised: ${exception}`); }
  if (f.events) { parts.push(`Failed stack events:\n${f.events}`); }
  if (f.adaptations && f.adaptations.length > 0) { parts.push(`Adaptations applied before the deploy: ${f.adaptations.length} (${[...new Set(f.adaptations.map((a) => a.resourceType))].join(', ')})`); }
  parts.push(`cdk output:\n${tail(f.cliOutput, 25)}moto log:\n${tail(f.log, 20)}`);
  return parts.join('\n');
}
