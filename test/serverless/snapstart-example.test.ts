import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createSnapStartStack, SNAPSTART_HANDLER_DIR } from '../../examples/serverless-burst';
import { WarmServerlessFunction } from '../../lib/serverless';
import { CfnLint, NagCheck } from '../../lib/testing';
import { FP32, HANDLER_DIR } from './fixtures';

/*
 * The SnapStart example (examples/serverless-burst, createSnapStartStack): what it emits, what it
 * states, and its Python handler's model code, run here on the demo weights and compared with the
 * Node.js handler's answers.
 */
const app = new App();
const stack = createSnapStartStack(app, 'SnapStartAssistant', { env: { account: '123456789012', region: 'us-east-1' } });
const template = Template.fromStack(stack);
const lane = stack.node.findChild('Assistant') as WarmServerlessFunction;

test('SnapStart on published versions, Python 3.14 arm64, no provisioned concurrency and no scaling policy', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'python3.14', Architectures: ['arm64'], Handler: 'handler.handler', ReservedConcurrentExecutions: 100,
    SnapStart: { ApplyOn: 'PublishedVersions' },
  });
  const aliases = Object.values(template.findResources('AWS::Lambda::Alias')) as any[];
  expect(aliases).toHaveLength(1);
  expect(aliases[0].Properties.ProvisionedConcurrencyConfig).toBeUndefined();
  template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  // canary rollouts between published (snapshotted) versions still roll back on the SLO
  template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { AutoRollbackConfiguration: { Enabled: true } });
});

test('its lead time is the stated restore: no alarm, no allocation', () => {
  expect(lane.scaleOutLeadTime.total.toMilliseconds()).toBe(800);
  expect(lane.scaleOutLeadTime.steps.map(s => s.step)).toEqual(['on-demand scaling to reservedConcurrentExecutions 100', 'snapshot restore of each new environment']);
  expect(lane.metricCapacityLag()).toBeUndefined();
});

test('cfn-lint: no error (only aws-cdk-lib\'s redundant DependsOn on the function role, W3005); cdk-nag: nothing beyond the one acknowledged L1 (python3.15 not deployable yet)', () => {
  const lint = CfnLint.lintStack(stack);
  expect(CfnLint.format(lint.errors)).toBe('');
  expect(lint.warnings.map(w => w.rule)).toEqual(lint.warnings.map(() => 'W3005'));
  const nag = NagCheck.check(stack);
  expect(NagCheck.format([...nag.errors, ...nag.warnings])).toBe('');
});

test('the Python handler loads the demo weights, checks the digest, and answers like the Node.js handler', () => {
  const bytes = fs.readFileSync(FP32);
  const digest = 'sha256:' + crypto.createHash('sha256').update(bytes).digest('hex');
  const texts = ['Where is my order?', 'thanks, that is all', 'x'.repeat(250)];
  const py = execFileSync('python3', ['-c', [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(SNAPSTART_HANDLER_DIR)})`,
    'import handler',
    `m = handler.load_model(open(${JSON.stringify(FP32)}, 'rb').read(), ${JSON.stringify(digest)}, True)`,
    `print(json.dumps([handler.predict(m, t) for t in ${JSON.stringify(texts)}]))`,
  ].join('\n')], { encoding: 'utf8' });
  const js = execFileSync('node', ['--input-type=module', '-e', [
    `import { loadModel, predict } from ${JSON.stringify(path.join(HANDLER_DIR, 'model.mjs'))};`,
    "import { readFileSync } from 'node:fs';",
    `const m = loadModel(readFileSync(${JSON.stringify(FP32)}), { digest: ${JSON.stringify(digest)}, compressed: true });`,
    `console.log(JSON.stringify(${JSON.stringify(texts)}.map(t => predict(m, t))));`,
  ].join('\n')], { encoding: 'utf8' });
  expect(JSON.parse(py)).toEqual(JSON.parse(js));
  expect(JSON.parse(py)[0].intent).toBe('question');
});

test('the Python handler refuses weights that are not the deployed ones', () => {
  const run = () => execFileSync('python3', ['-c', [
    'import sys',
    `sys.path.insert(0, ${JSON.stringify(SNAPSTART_HANDLER_DIR)})`,
    'import handler',
    `handler.load_model(open(${JSON.stringify(FP32)}, 'rb').read(), 'sha256:' + '0' * 64, True)`,
  ].join('\n')], { encoding: 'utf8', stdio: 'pipe' });
  expect(run).toThrow(/model digest mismatch: expected sha256:0{64}/);
});
