/**
 * `npm start`: the main job on the embedded default.
 *
 * 1. synthesize the hybrid app (bin/ → examples/hybrid),
 * 2. validate it for real: cfn-lint (AWS resource schemas), cdk-nag AwsSolutions, the service API contracts
 *    (ApiContract: botocore's request models), Kubernetes schema validation of the GPU lane's manifests,
 * 3. deploy it to a moto server on localhost,
 * 4. print, per lane, what CloudFormation created on the emulator, what LocalDeploy then created through
 *    the service APIs, what exists nowhere locally (with the reason), and every adaptation LocalDeploy
 *    made to the template for the emulator (the real template is unchanged).
 *
 * Exit code 1 if a validator finds an error or the deploy fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createHybridApp } from '../examples/hybrid';
import { ApiContract, CfnLint, KubernetesSchema, LocalDeploy, NagCheck } from '../lib/testing';

process.env.CDK_VALIDATION = process.env.CDK_VALIDATION ?? 'false';

function main(): number {
  const t0 = Date.now();
  const manifestsDir = path.join(process.cwd(), 'cdk.out', 'manifests');
  // No localEmulator switch: LocalDeploy adapts the synthesized template itself and lists what it changed.
  const { stack, topology, charts } = createHybridApp({ manifestsDir });
  const template = Template.fromStack(stack).toJSON();
  const resources: { [id: string]: { Type: string } } = template.Resources ?? {};
  console.log(`Synthesized ${stack.stackName}: ${Object.keys(resources).length} resources, ${topology.lanes.length} lanes (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  let failed = false;
  const lint = CfnLint.lintStack(stack);
  console.log(`cfn-lint: ${lint.errors.length} errors, ${lint.warnings.length} warnings (${(lint.durationMs / 1000).toFixed(1)} s)`);
  if (lint.errors.length > 0) { failed = true; console.log(CfnLint.format(lint.errors)); }
  if (lint.warnings.length > 0) { console.log(CfnLint.format(lint.warnings)); }

  const nag = NagCheck.check(stack);
  console.log(`cdk-nag AwsSolutions: ${nag.errors.length} unsuppressed errors, ${nag.warnings.length} warnings (every suppression carries a reason)`);
  if (nag.errors.length > 0) { failed = true; console.log(NagCheck.format(nag.errors)); }

  const contract = ApiContract.validate(stack);
  const checkedFields = contract.resources.reduce((n, x) => n + x.checkedFields, 0);
  console.log(`API contracts (botocore ${contract.botocoreVersion}): ${contract.errors.length} errors, ${contract.warnings.length} warnings; `
    + `${contract.resources.length} resources checked against their service API requests (${checkedFields} fields; ${contract.skipped.length} skipped, e.g. tokens)`);
  if (contract.errors.length > 0) { failed = true; console.log(ApiContract.format(contract.errors)); }

  let k8sObjects = 0;
  for (const chart of charts) {
    const res = KubernetesSchema.validateChart(chart);
    k8sObjects += res.objects.length;
    if (res.problems.length > 0) { failed = true; console.log(KubernetesSchema.format(res.problems)); }
  }
  console.log(`Kubernetes schemas: ${k8sObjects} objects in ${charts.length} chart(s), written to ${path.relative(process.cwd(), manifestsDir)}/`);
  if (failed) {
    console.error('Validation failed: not deploying.');
    return 1;
  }

  console.log('Deploying to a local AWS emulator (moto) on localhost ...');
  let deploy: LocalDeploy;
  try {
    deploy = LocalDeploy.deployStack(stack);
  } catch (e) {
    // LocalDeploy's message names the cause and the fix for the emulator's known failures.
    console.error(`Local deploy failed: ${(e as Error).message}`);
    return 1;
  }
  try {
    const r = deploy.result;
    console.log(`Stack ${r.stackName}: ${r.stackStatus} at ${r.endpointUrl} (bootstrap ${(r.timings.bootstrapMs / 1000).toFixed(1)} s, deploy ${(r.timings.deployMs / 1000).toFixed(1)} s)`);
    const pathOf = new Map<string, string>();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c)) { pathOf.set(stack.resolve(c.logicalId), c.node.path); }
    }
    const laneOf = (logicalId: string): string => {
      const p = pathOf.get(logicalId) ?? '';
      const lane = topology.lanes.find(l => p.startsWith(l.node.path + '/'));
      if (lane) { return `${lane.node.id} (${lane.laneKind})`; }
      const frontDoor = topology.frontDoors.find(f => p.startsWith(f.node.path + '/'));
      if (frontDoor) { return `${frontDoor.node.id} (front door)`; }
      return p.startsWith(topology.node.path + '/') ? `${topology.node.id} (topology)` : 'stack (assets, custom resources)';
    };
    const rows = new Map<string, { created: string[]; viaApi: string[]; skipped: string[] }>();
    const row = (k: string) => rows.get(k) ?? rows.set(k, { created: [], viaApi: [], skipped: [] }).get(k)!;
    const short = (t: string) => t.replace(/^AWS::/, '');
    for (const c of [...r.created, ...r.confirmedViaApi]) { row(laneOf(c.logicalId)).created.push(short(c.resourceType)); }
    for (const c of r.createdViaApi) { row(laneOf(c.logicalId)).viaApi.push(short(c.resourceType)); }
    for (const s of r.notCreated) { row(laneOf(s.logicalId)).skipped.push(short(s.resourceType)); }
    console.log('');
    console.log(pad('lane', 34) + pad('by CFN', 8) + pad('via API', 9) + pad('skipped', 9) + 'what');
    for (const [lane, v] of [...rows.entries()].sort()) {
      const what = [v.created.length ? summarize(v.created) : '', v.viaApi.length ? `via API: ${summarize(v.viaApi)}` : '', v.skipped.length ? `skipped: ${summarize(v.skipped)}` : '']
        .filter((x) => x).join('  | ');
      console.log(pad(lane, 34) + pad(String(v.created.length), 8) + pad(String(v.viaApi.length), 9) + pad(String(v.skipped.length), 9) + what);
    }
    console.log('');
    for (const chart of charts) {
      console.log(pad(`${chart.node.id} (gpu-cluster, Kubernetes)`, 34) + pad('-', 8) + pad('-', 9) + pad('-', 9) + `${chart.toJson().length} manifests in ${path.relative(process.cwd(), manifestsDir)}/ (schema-validated; no Kubernetes server here: kubectl apply -f on your cluster)`);
    }
    console.log('');
    const total = Object.keys(resources).length;
    const byCfn = r.created.length + r.confirmedViaApi.length;
    const contractChecked = new Set(contract.resources.map((x) => x.logicalId));
    const unchecked = r.notCreated.filter((n) => !contractChecked.has(n.logicalId));
    console.log(`${total} resources: ${byCfn} created by CloudFormation, ${r.createdViaApi.length} created via the service APIs (read back), `
      + `${r.notCreated.length} exist nowhere locally, of which ${r.notCreated.length - unchecked.length} are contract-checked against their service APIs above `
      + `and ${unchecked.length} (${(100 * unchecked.length / total).toFixed(1)}% of the stack) are neither created nor contract-checked:`);
    for (const n of r.notCreated) { console.log(`  ${n.logicalId} (${n.resourceType}): ${n.reason}${contractChecked.has(n.logicalId) ? ' [contract-checked]' : ' [NOT contract-checked: cfn-lint and cdk-nag only]'}`); }
    for (const c of r.createdViaApi.filter((x) => x.notes.length > 0)) { console.log(`  ${c.logicalId} (${c.resourceType}) created, but: ${c.notes.join('; ')}`); }
    console.log(`Adapted for the emulator (${r.adaptations.length} changes to the local copy of the template; the real template is unchanged):`);
    for (const a of r.adaptations) { console.log(`  ${a.logicalId} (${a.resourceType}): ${clip(a.change, 220)}`); }
    const outputs = Object.entries(r.outputs);
    if (outputs.length) {
      console.log('Outputs:');
      for (const [k, v] of outputs) { console.log(`  ${k} = ${v}`); }
    }
    if (!/COMPLETE/.test(r.stackStatus) || /ROLLBACK|FAILED/.test(r.stackStatus)) { return 1; }
  } finally {
    deploy.stop();
  }
  console.log(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  return 0;
}

function clip(s: string, n: number): string { return s.length <= n ? s : `${s.slice(0, n)}… (${s.length - n} more characters: see LocalDeploy's result.adaptations)`; }

function pad(s: string, n: number): string { return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length); }

function summarize(types: string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) { counts.set(t, (counts.get(t) ?? 0) + 1); }
  return [...counts.entries()].map(([t, n]) => (n > 1 ? `${t}×${n}` : t)).join(', ');
}

if (!fs.existsSync(path.join(process.cwd(), 'package.json'))) {
  console.error('Run npm start from the repository root.');
  process.exit(2);
}
process.exit(main());
