/**
 * Offline check of the integration tests' snapshots (no deploy, no network, no AWS account).
 *
 * Every test/integ/integ.<example>.ts app is synthesized in this process (each into its own
 * temporary CDK_OUTDIR) and every `*.template.json` plus `integ.json` it writes must equal the
 * committed file in test/integ/integ.<example>.ts.snapshot/ (asset hashes included, as synthesized;
 * only the assertions' per-synth `salt` is masked).
 * Re-record after an intended change with `npm run integ:snapshot` (INTEG_SNAPSHOT_UPDATE=1).
 *
 * Why not integ-runner's own snapshot mode: @aws-cdk/integ-runner 2.197.10 (the latest) bundles a
 * cloud-assembly reader that stops at schema 53, and aws-cdk-lib 2.276.0 writes schema 55, so it
 * fails with AssemblyVersionMismatch before comparing anything.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const INTEG_DIR = __dirname;
const UPDATE = process.env.INTEG_SNAPSHOT_UPDATE === '1';
const EXAMPLES = ['managed-endpoint', 'serverless-burst', 'document-batch', 'edge-privacy', 'existing-app', 'gpu-cluster', 'hybrid', 'delivery'];

/**
 * integ-tests-alpha stamps every assertion custom resource with `salt: Date.now()` so that it
 * re-runs on each deploy; the only value that changes from one synth to the next, so it is masked.
 */
const SALT = /"salt": "\d+"/g;
function readNormalized(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8').replace(SALT, '"salt": "<Date.now() at synth>"'));
}

function snapshotFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json') || f === 'integ.json').sort();
}

describe('integration test snapshots (offline)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snap-'));
  const savedOutdir = process.env.CDK_OUTDIR;
  afterAll(() => {
    if (savedOutdir === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = savedOutdir;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('every example app under examples/ has an integ test', () => {
    const examples = fs.readdirSync(path.join(INTEG_DIR, '..', '..', 'examples'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'shared').map((d) => d.name).sort();
    expect([...EXAMPLES].sort()).toEqual(examples);
  });

  test.each(EXAMPLES)('integ.%s.ts synthesizes to its committed snapshot', (example) => {
    const file = `integ.${example}.ts`;
    const outdir = path.join(tmp, example);
    process.env.CDK_OUTDIR = outdir;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(INTEG_DIR, file));
    const produced = snapshotFiles(outdir);
    // An IntegTest app has the stack under test and its DeployAssert stack with the assertions.
    expect(produced.filter((f) => f.includes('DeployAssert')).length).toBe(1);
    expect(produced.length).toBeGreaterThanOrEqual(3);
    const snapDir = path.join(INTEG_DIR, `${file}.snapshot`);
    if (UPDATE) {
      fs.rmSync(snapDir, { recursive: true, force: true });
      fs.mkdirSync(snapDir, { recursive: true });
      for (const f of produced) fs.writeFileSync(path.join(snapDir, f), JSON.stringify(readNormalized(path.join(outdir, f)), undefined, 1) + '\n');
    }
    expect(fs.existsSync(snapDir) ? snapshotFiles(snapDir) : `missing ${snapDir}: run npm run integ:snapshot`).toEqual(produced);
    for (const f of produced) {
      const actual = readNormalized(path.join(outdir, f));
      const committed = readNormalized(path.join(snapDir, f));
      expect({ file: f, template: actual }).toEqual({ file: f, template: committed });
    }
  });
});
