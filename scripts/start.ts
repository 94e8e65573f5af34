/**
 * `npm start`: the main job on the embedded default.
 *
 * 1. synthesize the hybrid app (bin/ → examples/hybrid),
 * 2. validate it for real: cfn-lint (AWS resource schemas), cdk-nag AwsSolutions, Kubernetes schema
 *    validation of the GPU lane's manifests,
 * 3. deploy it to a moto server on localhost,
 * 4. print, per lane, what was really created, what the emulator skipped, and the validation results.
 *
 * Exit code 1 if a validator finds an error or the deploy fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createHybridApp } from '../examples/hybrid';
import { CfnLint, KubernetesSchema, LocalDeploy, NagCheck } from '../lib/testing';

process.env.CDK_VALIDATION = process.env.CDK_VALIDATION ?? 'false';

function main(): number {
  const t0 = Date.now();
  const manifestsDir = path.join(process.cwd(), 'cdk.out', 'manifests');
  const { stack, topology, charts } = createHybridApp({ manifestsDir, localEmulator: true });
  const template = Template.fromStack(stack).toJSON();
  const resources: { [id: string]: { Type: string } } = template.Resources ?? {};
  console.log(`Synthesized ${stack.stackName}: ${Object.keys(resources).length} resources, ${topology.lanes.length} lanes (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  let failed = false;
  const lint = CfnLint.lintStack(stack);
  console.log(`cfn-lint: ${lint.errors.length} errors, ${lint.warnings.length} warnings (${(lint.durationMs / 1000).toFixed(1)} s)`);
  if (lint.errors.length > 0) { failed = true; console.log(CfnLint.format(lint.errors)); }

  const nag = NagCheck.check(stack);
  console.log(`cdk-nag AwsSolutions: ${nag.errors.length} unsuppressed errors, ${nag.warnings.length} warnings (every suppression carries a reason)`);
  if (nag.errors.length > 0) { failed = true; console.log(NagCheck.format(nag.errors)); }

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
  const deploy = LocalDeploy.deployStack(stack);
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
      return p.startsWith(topology.node.path + '/') ? `${topology.node.id} (topology)` : 'stack (assets, custom resources)';
    };
    const rows = new Map<string, { created: string[]; skipped: string[] }>();
    const row = (k: string) => rows.get(k) ?? rows.set(k, { created: [], skipped: [] }).get(k)!;
    for (const c of r.created) { row(laneOf(c.logicalId)).created.push(c.resourceType.replace(/^AWS::/, '')); }
    for (const s of r.skipped) { row(laneOf(s.logicalId)).skipped.push(s.resourceType.replace(/^AWS::/, '')); }
    console.log('');
    console.log(pad('lane', 34) + pad('created', 9) + pad('skipped', 9) + 'what');
    for (const [lane, v] of [...rows.entries()].sort()) {
      console.log(pad(lane, 34) + pad(String(v.created.length), 9) + pad(String(v.skipped.length), 9) + summarize(v.created) + (v.skipped.length ? `  | skipped: ${summarize(v.skipped)}` : ''));
    }
    console.log('');
    for (const chart of charts) {
      console.log(pad(`${chart.node.id} (gpu-cluster, Kubernetes)`, 34) + pad('-', 9) + pad('-', 9) + `${chart.toJson().length} manifests in ${path.relative(process.cwd(), manifestsDir)}/ (schema-validated; no Kubernetes server here: kubectl apply -f on your cluster)`);
    }
    console.log('');
    console.log(`Created ${r.created.length} resources; the emulator skipped ${r.skipped.length} of types it does not implement (${r.unsupportedTypes.join(', ') || 'none'}).`);
    console.log('Skipped types are validated by cfn-lint and cdk-nag above but exist only in real AWS.');
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
