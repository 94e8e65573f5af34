import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardwareTarget, Rollout } from '../../lib';
import { EdgeFleetChannel, EdgeFleetChannelProps, FleetRelease } from '../../lib/edge-fleet';
import { NagCheck } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';

// Issue 16 item 1: a stack built from the lane with its defaults has no unsuppressed cdk-nag
// finding and no user suppression; the lane acknowledges only the granular findings of its own design.

function build(props: Partial<EdgeFleetChannelProps> = {}, env?: { account: string; region: string }, extra?: (s: Stack) => void): Stack {
  const stack = new Stack(new App(), 'S', { env });
  new EdgeFleetChannel(stack, 'Edge', {
    artifact: demoArtifact(),
    deviceClasses: [{ name: 'kiosks', target: HardwareTarget.EDGE_ARM64 }],
    ...props,
  });
  extra?.(stack);
  return stack;
}

function findings(stack: Stack): string[] {
  const r = NagCheck.check(stack);
  return [...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`);
}

describe('EdgeFleetChannel: zero unsuppressed cdk-nag findings with defaults, no user suppression', () => {
  test.each([
    ['environment-agnostic', undefined],
    ['eu-west-1', { account: '111122223333', region: 'eu-west-1' }],
  ])('defaults (%s stack): the fleet-health lookup and the provider function are acknowledged', (_, env) => {
    const stack = build({}, env);
    // The fleet-health lookup (AwsCustomResource) is part of the defaults.
    expect(Object.keys(Template.fromStack(stack).findResources('Custom::AWS')).length).toBeGreaterThan(0);
    expect(findings(stack)).toEqual([]);
  });

  test('two rings (canary and fleet release): every lookup is acknowledged', () => {
    const stack = build({ rollout: Rollout.canary({ percent: 10, bakeTime: Duration.hours(1) }), release: FleetRelease.canaryOnly(), deviceClasses: [{ name: 'kiosks', target: HardwareTarget.EDGE_ARM64, expectedDevices: 1200 }] });
    expect(findings(stack)).toEqual([]);
  });
});

describe('the acknowledgements are not blanket', () => {
  test("a user's own wildcard policy (even on IoT jobs) still reports", () => {
    const stack = build({}, undefined, s => {
      new iam.Role(s, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iot:DescribeJob'], resources: [s.formatArn({ service: 'iot', resource: 'job', resourceName: '*' })] }));
    });
    expect(findings(stack)).toEqual(['S/Mine/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:job/*]']);
  });

  test('without the fleet-health lookup there is nothing to acknowledge', () => {
    const stack = build({ fleetHealth: false });
    expect(findings(stack)).toEqual([]);
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('AwsSolutions-');
  });
});
