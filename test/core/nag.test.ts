import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledgeNagFindings } from '../../lib/core/private/nag';
import { NagCheck } from '../../lib/testing/nag';

/** GIVEN a role with a wildcard-resource policy and a queue without a DLQ. */
function build() {
  const app = new App();
  const stack = new Stack(app, 'S');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'] }));
  const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
  const policy = role.node.findChild('DefaultPolicy') as iam.Policy;
  return { app, stack, role, queue, policy };
}

function findingIds(stack: Stack): string[] {
  const r = NagCheck.check(stack);
  return [...r.errors, ...r.warnings].map(f => `${f.resourcePath} ${f.ruleId}`);
}

describe('acknowledgeNagFindings (no cdk-nag import at run time)', () => {
  test('without acknowledgements the findings are reported (the check can fail)', () => {
    const { stack } = build();
    expect(findingIds(stack)).toEqual(expect.arrayContaining([
      'S/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
      'S/Queue/Resource AwsSolutions-SQS3',
    ]));
  });

  test('a rule-level finding and a granular finding are suppressed for cdk-nag 3, and the cdk_nag template metadata is written', () => {
    const { stack, queue, policy } = build();
    // WHEN
    acknowledgeNagFindings(queue, [{ id: 'AwsSolutions-SQS3', reason: 'The queue is itself a dead-letter queue.' }]);
    acknowledgeNagFindings(policy.node.defaultChild as CfnResource, [
      { id: 'AwsSolutions-IAM5', reason: 'PutMetricData has no resource-level permissions.', appliesTo: ['Resource::*'] },
    ]);
    // THEN cdk-nag reports neither
    const ids = findingIds(stack);
    expect(ids).not.toContain('S/Queue/Resource AwsSolutions-SQS3');
    expect(ids).not.toContain('S/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]');
    // and the template carries the cdk-nag 2 format
    const t = Template.fromStack(stack);
    const queues = t.findResources('AWS::SQS::Queue');
    expect(Object.values(queues)[0].Metadata).toEqual({
      cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-SQS3', reason: 'The queue is itself a dead-letter queue.' }] },
    });
    const policies = t.findResources('AWS::IAM::Policy');
    expect(Object.values(policies)[0].Metadata).toEqual({
      cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason: 'PutMetricData has no resource-level permissions.', applies_to: ['Resource::*'] }] },
    });
  });

  test('a granular acknowledgement covers only the findings it lists', () => {
    const { stack, policy } = build();
    acknowledgeNagFindings(policy, [{ id: 'AwsSolutions-IAM5', reason: 'Only the action wildcard is acceptable here.', appliesTo: ['Action::s3:*'] }]);
    expect(findingIds(stack)).toContain('S/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]');
  });

  test('merges with metadata already there (same id: applies_to merged; other ids kept)', () => {
    const { stack, policy } = build();
    const cfn = policy.node.defaultChild as CfnResource;
    cfn.addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason: 'Earlier acknowledgement.', applies_to: ['Action::kms:*'] }, { id: 'Other-1', reason: 'kept as it was' }] });
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-IAM5', reason: 'PutMetricData has no resource-level permissions.', appliesTo: ['Resource::*', 'Action::kms:*'] }]);
    acknowledgeNagFindings(cfn, [{ id: 'AwsSolutions-IAM4', reason: 'The managed policy is scoped by AWS.', appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/X'] }]);
    expect(Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Metadata.cdk_nag.rules_to_suppress).toEqual([
      { id: 'AwsSolutions-IAM5', reason: 'Earlier acknowledgement.', applies_to: ['Action::kms:*', 'Resource::*'] },
      { id: 'Other-1', reason: 'kept as it was' },
      { id: 'AwsSolutions-IAM4', reason: 'The managed policy is scoped by AWS.', applies_to: ['Policy::arn:<AWS::Partition>:iam::aws:policy/X'] },
    ]);
  });

  test.each([
    [{ id: '', reason: 'long enough reason' }, /'findings\[0\]\.id' \(""\) is empty/],
    [{ id: 'AwsSolutions-SQS3', reason: 'short' }, /'findings\[0\]\.reason' \("short"\) is shorter than 10 characters/],
    [{ id: 'AwsSolutions-IAM5', reason: 'long enough reason' }, /'findings\[0\]\.appliesTo' is required for AwsSolutions-IAM5: its findings are granular.*Fix: List the findings, e\.g\. appliesTo: \['Resource::\*'\]\./],
    [{ id: 'AwsSolutions-IAM5', reason: 'long enough reason', appliesTo: [] }, /'findings\[0\]\.appliesTo' \(\[\]\) is empty or has an empty entry/],
  ])('rejects %j', (finding, msg) => {
    const { queue } = build();
    expect(() => acknowledgeNagFindings(queue, [finding])).toThrow(msg);
  });

  test('lib/core does not import cdk-nag', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('fs') as typeof import('fs');
    const path = require('path') as typeof import('path');
    const root = path.join(__dirname, '..', '..', 'lib', 'core');
    const files: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach(e => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && files.push(path.join(d, e.name)));
    walk(root);
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter(f => /from 'cdk-nag'|require\('cdk-nag'\)/.test(fs.readFileSync(f, 'utf8')))).toEqual([]);
  });
});
