import * as fs from 'fs';
import * as path from 'path';

/**
 * The layers (README, Development): a lane never imports another lane, and core never imports a lane
 * (nor the topology, routing, planning, simulation or testing above it).
 */
const LIB = path.join(__dirname, '..', '..', 'lib');
const LANES = ['managed-endpoint', 'gpu-cluster', 'serverless', 'batch-workers', 'edge-fleet'];
const ABOVE_CORE = [...LANES, 'topology', 'routing', 'planning', 'simulation', 'testing', 'operations', 'delivery'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { return sources(p); }
    return /\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') && !(e.name.endsWith('.js') && fs.existsSync(p.replace(/\.js$/, '.ts'))) ? [p] : [];
  });
}

/** The lib folders a file imports from (relative imports only). */
function importedFolders(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|require\()\s*'(\.[^']+)'/g)].map(m => m[1]);
  return specs.map(s => path.relative(LIB, path.resolve(path.dirname(file), s)).split(path.sep)[0]);
}

describe('layering', () => {
  test.each(LANES)('lib/%s imports no other lane', lane => {
    const offending = sources(path.join(LIB, lane)).flatMap(f => importedFolders(f)
      .filter(folder => LANES.includes(folder) && folder !== lane).map(folder => `${path.relative(LIB, f)} -> ${folder}`));
    expect(offending).toEqual([]);
  });

  test('lib/core imports nothing above it', () => {
    const offending = sources(path.join(LIB, 'core')).flatMap(f => importedFolders(f)
      .filter(folder => ABOVE_CORE.includes(folder)).map(folder => `${path.relative(LIB, f)} -> ${folder}`));
    expect(offending).toEqual([]);
  });

  test('the scan reads the lanes (it cannot pass by reading nothing)', () => {
    expect(sources(path.join(LIB, 'batch-workers')).length).toBeGreaterThan(5);
    expect(importedFolders(path.join(LIB, 'batch-workers', 'queue-drained-workers.ts'))).toContain('core');
  });
});
