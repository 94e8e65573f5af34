import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as root from '../../lib';
import * as core from '../../lib/core';
import * as testing from '../../lib/testing';
import * as pkg from '../../package.json';

/**
 * What the package root exports is decided by explicit lists (lib/index.ts and each folder's index.ts,
 * no `export *`). Helpers a module keeps for the library (marked `@internal`, or living in a `private/`
 * folder) must not be reachable from the root, or users start depending on them.
 */

const LIB = path.join(__dirname, '..', '..', 'lib');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { return e.name === 'handler' ? [] : sourceFiles(p); }
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Names declared at the top level of a file, with whether they are exported and marked @internal. */
function declarations(file: string): Array<{ name: string; exported: boolean; internal: boolean }> {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Array<{ name: string; exported: boolean; internal: boolean }> = [];
  for (const st of sf.statements) {
    const exported = (ts.canHaveModifiers(st) ? ts.getModifiers(st) ?? [] : []).some(m => m.kind === ts.SyntaxKind.ExportKeyword);
    const internal = ts.getJSDocTags(st).some(t => t.tagName.text === 'internal');
    const names: string[] = [];
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      names.push(st.name.text);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) { if (ts.isIdentifier(d.name)) { names.push(d.name.text); } }
    }
    for (const name of names) { out.push({ name, exported, internal }); }
  }
  return out;
}

const files = sourceFiles(LIB);
const privateFiles = files.filter(f => f.split(path.sep).includes('private'));
const PRIVATE_HELPERS = [...new Set(privateFiles.flatMap(f => declarations(f).filter(d => d.exported).map(d => d.name)))].sort();
const INTERNAL_HELPERS = [...new Set(files.flatMap(f => declarations(f).filter(d => d.exported && d.internal).map(d => d.name)))].sort();
const PUBLIC = new Set(Object.keys(root));

describe('package exports', () => {
  test('the scan finds the private helpers (the test cannot pass by finding nothing)', () => {
    expect(privateFiles.length).toBeGreaterThan(20);
    expect(PRIVATE_HELPERS).toEqual(expect.arrayContaining(['invalid', 'withLaneDefaults', 'checkCron', 'tagLane', 'addScheduledActions', 'modelEnvironment', 'parseEcrImageUri']));
  });

  test('no export of a private/ file is reachable from the package root', () => {
    expect(PRIVATE_HELPERS.filter(n => PUBLIC.has(n))).toEqual([]);
  });

  test('no @internal export is reachable from the package root', () => {
    expect(INTERNAL_HELPERS.filter(n => PUBLIC.has(n))).toEqual([]);
  });

  test('no index.ts re-exports with export *', () => {
    const star = files.filter(f => path.basename(f) === 'index.ts' && /^export \* from/m.test(fs.readFileSync(f, 'utf8')));
    expect(star.map(f => path.relative(LIB, f))).toEqual([]);
  });

  test('the root exports the core contracts, the same objects as lib/core', () => {
    const contracts = ['LaneValidationError', 'InferenceLaneBase', 'ModelArtifact', 'AutoscalingPolicy', 'ScalingTrigger', 'Rollout',
      'ServiceLevelObjective', 'LaneDashboard', 'RouteTarget'];
    for (const name of contracts) {
      expect((root as Record<string, unknown>)[name]).toBe((core as Record<string, unknown>)[name]);
    }
    expect(Object.keys(core)).not.toContain('invalid');
  });

  test('the test helpers are the `cdk-inference-lanes/testing` entry point, not part of the root', () => {
    expect(pkg.exports['./testing']).toEqual({ types: './lib/testing/index.d.ts', default: './lib/testing/index.js' });
    expect(pkg.typesVersions['*'].testing).toEqual(['lib/testing/index.d.ts']);
    expect(Object.keys(testing)).toEqual(expect.arrayContaining(['CfnLint', 'NagCheck', 'LocalDeploy', 'Snapshot', 'ApiContract', 'KubernetesSchema']));
    expect(Object.keys(root)).not.toContain('NagCheck');
  });

  test('cdk-nag is an optional peer (only NagCheck needs it)', () => {
    expect(pkg.peerDependencies['cdk-nag']).toBeDefined();
    expect(pkg.peerDependenciesMeta['cdk-nag']).toEqual({ optional: true });
  });
});
