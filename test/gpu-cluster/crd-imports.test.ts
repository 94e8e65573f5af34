import * as fs from 'fs';
import * as path from 'path';
import * as lanes from '../../lib';
import * as gpu from '../../lib/gpu-cluster';
import { generate, GROUPS, IMPORTS_DIR } from '../../scripts/gen-crd-imports';

// The generator builds a TypeScript program over the installed @kubernetes-models declarations.
jest.setTimeout(120_000);

describe('generated CRD bindings (lib/gpu-cluster/imports)', () => {
  test('the committed files are exactly the generator output (run scripts/gen-crd-imports.ts after changing a selection)', () => {
    const files = generate();
    // Hand-written bindings (no installed @kubernetes-models package has their CRD) say so on line 1.
    const handWritten = (f: string) => fs.readFileSync(path.join(IMPORTS_DIR, f), 'utf-8').startsWith('// Hand-written binding (not generated)');
    expect(fs.readdirSync(IMPORTS_DIR).filter(handWritten)).toEqual(['kyverno.io.ts']);
    expect(Object.keys(files).sort()).toEqual(fs.readdirSync(IMPORTS_DIR).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts') && !handWritten(f)).sort());
    for (const [file, text] of Object.entries(files)) {
      expect(fs.readFileSync(path.join(IMPORTS_DIR, file), 'utf-8')).toBe(text);
    }
  });

  test('a field that is not in the installed CRD fails the generation', () => {
    const argo = GROUPS.find(g => g.file === 'argoproj.io.ts')!;
    const misspelt = { ...argo, kinds: { AnalysisTemplate: { ...argo.kinds.AnalysisTemplate, spec: { metrics: { name: true, failureLimits: true } } } } } as const;
    expect(() => generate([misspelt])).toThrow(/AnalysisTemplate\.spec\.metrics\.failureLimits is not in the installed CRD/);
  });

  test('an object field must be selected field by field', () => {
    const argo = GROUPS.find(g => g.file === 'argoproj.io.ts')!;
    const whole = { ...argo, kinds: { Rollout: { ...argo.kinds.Rollout, spec: { strategy: true } } } } as const;
    expect(() => generate([whole])).toThrow(/Rollout\.spec\.strategy is an object: select its fields/);
  });

  test('the bindings are not public API: neither the package root nor the lane index exports them', () => {
    for (const name of ['Rollout', 'AnalysisTemplate', 'ScaledObject', 'TriggerAuthentication', 'HTTPRoute', 'ServiceMonitor', 'PrometheusRule',
      'ArgoRollout', 'ArgoAnalysisTemplate', 'KedaScaledObject', 'KedaTriggerAuthentication', 'GatewayHttpRoute', 'ClusterPolicy']) {
      // `Rollout` at the package root is the core rollout contract, not the Argo kind.
      if (name !== 'Rollout') { expect((lanes as { [k: string]: unknown })[name]).toBeUndefined(); }
      expect((gpu as { [k: string]: unknown })[name]).toBeUndefined();
    }
  });
});
