import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createHybridApp } from '../../examples/hybrid';
import { createDeliveryApp, deliveredArtifact } from '../../examples/delivery';
import { demoArtifact } from '../../examples/shared/artifact';
import { CfnLint, NagCheck } from '../../lib/testing';

describe('examples/delivery', () => {
  test('synthesizes the pipeline stack: five stages after the sources, cfn-lint and cdk-nag clean', () => {
    const { stack } = createDeliveryApp();
    const t = Template.fromStack(stack);
    const [pipeline] = Object.values<any>(t.findResources('AWS::CodePipeline::Pipeline'));
    expect(pipeline.Properties.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Checks', 'Gates', 'Shadow', 'Canary', 'Approval', 'Promote']);
    t.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    // The bucket's EventBridge notifications come from aws-cdk-lib's notifications handler (a Lambda of the
    // user's bucket, not of the pipeline): its managed-policy and runtime findings are the example's to own.
    const nag = NagCheck.check(stack);
    expect(NagCheck.format([...nag.errors, ...nag.warnings].filter((f) => !f.resourcePath.includes('BucketNotificationsHandler')))).toBe('');
    expect(CfnLint.format(CfnLint.lintStack(stack).errors)).toBe('');
  });

  test('deliveredArtifact: the released artifact outside the pipeline and in the shadow role, the candidate otherwise', () => {
    const released = demoArtifact('1.4.0');
    const options = { name: 'assistant', version: 'ignored' };
    expect(deliveredArtifact(new Stack(new App(), 'A'), released, options)).toBe(released);
    const ctx = { 'inference-lanes:model-version': '1.5.0', 'inference-lanes:model-uri': 's3://models/m/model.tar.gz', 'inference-lanes:model-digest': `sha256:${'a'.repeat(64)}` };
    expect(deliveredArtifact(new Stack(new App({ context: { ...ctx, 'inference-lanes:delivery-role': 'shadow' } }), 'B'), released, options)).toBe(released);
    const candidate = deliveredArtifact(new Stack(new App({ context: ctx }), 'C'), released, options);
    expect(candidate.version).toBe('1.5.0');
    expect(candidate.name).toBe('assistant');
  });
});

describe('examples/delivery next to the hybrid (same app)', () => {
  const ENV = { account: '123456789012', region: 'us-east-1' };

  test('unfrozen: the canary describes the baseline and burst SLO alarms (imported from the hybrid stack); the freeze parameter is off', () => {
    const hybrid = createHybridApp({ stackProps: { env: ENV } });
    const { stack } = createDeliveryApp({ hybrid });
    const t = Template.fromStack(stack);
    const alarms = [...hybrid.baseline.sloAlarms, ...hybrid.burst.sloAlarms];
    expect(alarms.length).toBeGreaterThan(0);
    const canary = Object.entries<any>(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('DeliveryCanaryDeployRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement).find((s: any) => s.Action === 'cloudwatch:DescribeAlarms');
    expect([canary.Resource].flat()).toHaveLength(alarms.length);
    expect(JSON.stringify(canary.Resource)).toContain('Fn::ImportValue');
    t.hasResourceProperties('AWS::SSM::Parameter', { Value: 'off', Description: Match.stringLikeRegexp('freeze') });
    Template.fromStack(hybrid.stack); // the hybrid still synthesizes
  });

  test('frozen at the served version (-c inference-lanes:freeze=1.4.0): both stacks synthesize, the pipeline is frozen', () => {
    const app = new App({ context: { 'inference-lanes:freeze': '1.4.0', 'inference-lanes:freeze-reason': 'Black Friday' } });
    const hybrid = createHybridApp({ app, stackProps: { env: ENV } });
    const { stack } = createDeliveryApp({ hybrid });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', { Value: 'frozen at 1.4.0 (Black Friday)' });
    expect(() => Template.fromStack(hybrid.stack)).not.toThrow();
  });

  test('frozen at another version: the hybrid fails to synthesize (the lanes refuse), so every gate and deploy of a candidate fails', () => {
    const app = new App({ context: { 'inference-lanes:freeze': '1.3.0', 'inference-lanes:freeze-reason': 'incident 4711' } });
    const hybrid = createHybridApp({ app, stackProps: { env: ENV } });
    createDeliveryApp({ hybrid });
    expect(() => app.synth()).toThrow(/would be deployed while versions are frozen at 1.3.0/);
  });
});
