import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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
