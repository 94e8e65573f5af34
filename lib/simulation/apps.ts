import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { modelFromConstructs } from './from-construct';
import { StackModel } from './stack-model';
import { readCloudAssembly, readStack } from './template-reader';

/**
 * The lane model of a user's app: a `cdk.out` directory (from `cdk synth`), or an app command that
 * is run with CDK_OUTDIR set to a temporary directory (like `cdk synth --app "<command>"` does).
 */
export function loadApp(app: string): StackModel {
  if (fs.existsSync(app) && fs.statSync(app).isDirectory()) {
    const { templates, manifests } = readCloudAssembly(app);
    return readStack(templates, manifests);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-'));
  try {
    const res = spawnSync(app, {
      shell: true, encoding: 'utf-8',
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-path-metadata': true }) },
    });
    if (res.status !== 0) {
      throw new Error(`--app '${app}' is neither a cdk.out directory nor an app command that synthesizes (exit ${res.status}): ${(res.stderr || res.error?.message || '').trim().split('\n').slice(-3).join(' ')}`);
    }
    const { templates, manifests } = readCloudAssembly(outdir);
    return readStack(templates, manifests);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The example apps of this repository, synthesized in this process (only available in the
 * repository: the examples are not part of the published package).
 */
export function loadExampleApp(name: 'hybrid' | 'gpu-cluster' | 'document-batch'): StackModel {
  const root = path.join(__dirname, '..', '..', 'examples');
  if (!fs.existsSync(root)) {
    throw new Error(`the example stacks are only in the cdk-inference-lanes repository (${root} not found): pass --app <cdk.out dir or app command>`);
  }
  const load = (m: string) => require(path.join(root, m)); // eslint-disable-line @typescript-eslint/no-require-imports
  const cdk = require('aws-cdk-lib'); // eslint-disable-line @typescript-eslint/no-require-imports
  const cdk8s = require('cdk8s'); // eslint-disable-line @typescript-eslint/no-require-imports
  const env = { account: '123456789012', region: 'us-east-1' };
  const prev = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    if (name === 'hybrid') {
      const h = load('hybrid').createHybridApp({ stackProps: { env } });
      return modelFromConstructs([h.stack], h.charts);
    }
    if (name === 'gpu-cluster') {
      const chart = load(path.join('gpu-cluster', 'chart')).createGpuServingChart(new cdk8s.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sim-k8s-')) }), 'recsys');
      return modelFromConstructs([], [chart]);
    }
    const stack = load('document-batch').createDocumentBatchStack(new cdk.App(), 'DocumentBatch', { env });
    return modelFromConstructs([stack]);
  } finally {
    if (prev === undefined) { delete process.env.CDK_VALIDATION; } else { process.env.CDK_VALIDATION = prev; }
  }
}
