import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnLint, NagCheck } from '../../lib/testing';
import { createServerlessBurstStack, createStreamingChatStack } from '../../examples/serverless-burst';
import { once } from '../once';
import { FP32, HANDLER_DIR } from './fixtures';

const burstStack = once(() => createServerlessBurstStack(new App(), 'ServerlessBurst'));
const streamingStack = once(() => createStreamingChatStack(new App(), 'StreamingChat'));
/** Both example stacks in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading). */
const lints = once(() => CfnLint.lintStacks([burstStack(), streamingStack()]));

/*
 * The serverless-burst example: a pre-warmed pool for the conversational model with a marketing-event
 * schedule. Synthesized once; checked with the real validators (cfn-lint, cdk-nag AwsSolutions), a
 * snapshot, and the demo handler's model code run for real on the demo artifact.
 */
describe('examples/serverless-burst', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = burstStack();
    template = Template.fromStack(stack);
  });

  test('the marketing event raises the warm floor to 80 before the announcement and restores 10-60 after', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 10,
      MaxCapacity: 60,
      ScheduledActions: [
        Match.objectLike({ ScheduledActionName: 'spring-launch-start', Schedule: 'cron(0 17 2 3 ? 2027)', Timezone: 'America/New_York', ScalableTargetAction: { MinCapacity: 80, MaxCapacity: 200 } }),
        Match.objectLike({ ScheduledActionName: 'spring-launch-end', Schedule: 'cron(0 22 2 3 ? 2027)', ScalableTargetAction: { MinCapacity: 10, MaxCapacity: 60 } }),
      ],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.6, CustomizedMetricSpecification: Match.objectLike({ Statistic: 'Maximum' }) }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 400, Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
  });

  test('the example synthesizes without lane warnings (reserved = twice the launch pool, under the default account quota)', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toEqual([]);
  });

  test('passes cfn-lint with no errors', () => {
    const result = lints()[0];
    expect(CfnLint.format(result.errors)).toBe('');
  });

  test('passes cdk-nag AwsSolutions; every acknowledged finding carries its reason in the example', () => {
    const result = NagCheck.check(stack);
    expect(NagCheck.format(result.errors)).toBe('');
    expect(NagCheck.format(result.warnings)).toBe('');
  });

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the demo handler verifies the digest, unpacks the real artifact and predicts', () => {
    const digest = 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(FP32)).digest('hex');
    const script = `
      import { readFileSync } from 'node:fs';
      import { loadModel, predict } from ${JSON.stringify(path.join(HANDLER_DIR, 'model.mjs'))};
      const bytes = readFileSync(${JSON.stringify(FP32)});
      const model = loadModel(bytes, { digest: ${JSON.stringify(digest)}, compressed: true });
      let mismatch = '';
      try { loadModel(bytes, { digest: 'sha256:' + '0'.repeat(64), compressed: true }); } catch (e) { mismatch = e.message; }
      console.log(JSON.stringify({ model, prediction: predict(model, 'Where is my order?'), mismatch }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf-8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out.model).toEqual({ format: 'demo-linear', precision: 'fp32', weights: [0.12, -0.4, 0.93], bias: 0.05 });
    expect(out.prediction.score).toBeGreaterThan(0.5);
    expect(out.prediction.intent).toBe('question');
    expect(out.mismatch).toMatch(/model digest mismatch/);
    // the Lambda entry point (top-level await at INIT, AWS SDK from the runtime) is valid syntax
    const check = spawnSync(process.execPath, ['--check', path.join(HANDLER_DIR, 'index.mjs')], { encoding: 'utf-8' });
    expect(check.status).toBe(0);
  });
});

/*
 * The streaming variant: token output through the function URL (InvokeMode RESPONSE_STREAM, AWS_IAM),
 * with the real validators and the handler's token stream run for real.
 */
describe('examples/serverless-burst: streaming variant', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = streamingStack();
    template = Template.fromStack(stack);
  });

  test('the alias URL streams (RESPONSE_STREAM) and stays AWS_IAM; the handler is the streamified entry point', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM', Qualifier: 'live' });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'stream.handler', Runtime: 'nodejs24.x', Timeout: 60 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 5, MaxCapacity: 30 });
  });

  test('states its lead time from the props: 3 min alarm + 90 s allocation (measured) + 4 s model load', () => {
    expect(template.findOutputs('ScaleOutLeadTime').ScaleOutLeadTime.Value).toBe(
      '4 minutes 34 seconds: target tracking scale-out alarm on ProvisionedConcurrencyUtilization 3 minutes + provisioned concurrency allocation 1 minute 30 seconds + Init of each new environment (model load) 4 seconds');
  });

  test('passes cfn-lint and cdk-nag AwsSolutions with no findings, and synthesizes without warnings', () => {
    expect(CfnLint.format(lints()[1].errors)).toBe('');
    const nag = NagCheck.check(stack);
    expect(NagCheck.format(nag.errors)).toBe('');
    expect(NagCheck.format(nag.warnings)).toBe('');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toEqual([]);
  });

  test('the handler streams server-sent events token by token, each write reaching the stream before the end', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { loadModel, predict } from ${JSON.stringify(path.join(HANDLER_DIR, 'model.mjs'))};
      import { replyTokens, streamTokens } from ${JSON.stringify(path.join(HANDLER_DIR, 'tokens.mjs'))};
      const model = loadModel(readFileSync(${JSON.stringify(FP32)}), { compressed: true });
      const writes = []; let ended = false;
      const stream = { write: (c) => { if (ended) throw new Error('write after end'); writes.push(c); }, end: () => { ended = true; } };
      await streamTokens(stream, replyTokens(predict(model, 'Where is my order?')), { delayMs: 1 });
      console.log(JSON.stringify({ writes, ended }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf-8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out.ended).toBe(true);
    expect(out.writes.length).toBeGreaterThanOrEqual(4);
    expect(out.writes[0]).toBe('data: {"token":"intent "}\n\n');
    expect(out.writes[out.writes.length - 1]).toBe('data: [DONE]\n\n');
    expect(out.writes.slice(0, -1).map((w: string) => JSON.parse(w.slice(6)).token).join('')).toMatch(/^intent question \(score 0\.\d{3}\)$/);
    const check = spawnSync(process.execPath, ['--check', path.join(HANDLER_DIR, 'stream.mjs')], { encoding: 'utf-8' });
    expect(check.status).toBe(0);
  });
});
