/**
 * NagCheck against a stub pack that reports exactly what a test needs (errors, warnings, findings
 * without a construct path), written against the survivors of `npm run mutate -- testing`: the
 * `failOnWarnings` path of assertCompliant, the error/warning split, ordering, the `<unknown>` and
 * `<root>` fallbacks, verbose messages, and the synth that finalizes the tree before checking.
 */
import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import './fixtures';
import { NagCheck } from '../../lib/testing';

interface StubViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity?: string;
  readonly violatingResources: Array<{ constructPath?: string; resourceLogicalId?: string }>;
}

/** A pack with cdk-nag 3's shape (name + validateScope) returning fixed violations. */
function stubPack(name: string, violations: StubViolation[], seen?: (scope: IConstruct) => void): any {
  return {
    name,
    validate: () => ({ success: violations.length === 0, violations: [] }),
    validateScope: (scope: IConstruct) => {
      seen?.(scope);
      return { success: violations.length === 0, violations };
    },
  };
}

const VIOLATIONS: StubViolation[] = [
  { ruleName: 'Stub-W1', description: 'a warning', severity: 'warning', violatingResources: [{ constructPath: 'S/B/Resource' }] },
  { ruleName: 'Stub-E2', description: 'second error', severity: 'error', violatingResources: [{ constructPath: 'S/B/Resource' }, { resourceLogicalId: 'LogicalOnly' }] },
  { ruleName: 'Stub-E1', description: 'first error', severity: 'error', violatingResources: [{ constructPath: 'S/A/Resource' }, {}] },
  { ruleName: 'Stub-I1', description: 'informational', severity: 'info', violatingResources: [{ constructPath: 'S/A/Resource' }] },
];

function stack(): cdk.Stack {
  return new cdk.Stack(new cdk.App(), 'S');
}

describe('NagCheck with a stub pack', () => {
  test('errors are severity error only; every other severity is a warning; paths fall back to the logical id, then <unknown>; sorted by path then rule', () => {
    const result = NagCheck.check(stack(), { packs: [stubPack('Stub', VIOLATIONS)] });
    expect(result.errors).toEqual([
      { ruleId: 'Stub-E1', resourcePath: '<unknown>', message: 'first error', severity: 'error', pack: 'Stub' },
      { ruleId: 'Stub-E2', resourcePath: 'LogicalOnly', message: 'second error', severity: 'error', pack: 'Stub' },
      { ruleId: 'Stub-E1', resourcePath: 'S/A/Resource', message: 'first error', severity: 'error', pack: 'Stub' },
      { ruleId: 'Stub-E2', resourcePath: 'S/B/Resource', message: 'second error', severity: 'error', pack: 'Stub' },
    ]);
    expect(result.warnings).toEqual([
      { ruleId: 'Stub-I1', resourcePath: 'S/A/Resource', message: 'informational', severity: 'warning', pack: 'Stub' },
      { ruleId: 'Stub-W1', resourcePath: 'S/B/Resource', message: 'a warning', severity: 'warning', pack: 'Stub' },
    ]);
  });

  test('findings of several packs are merged and sorted', () => {
    const a = stubPack('A', [{ ruleName: 'A-1', description: 'x', severity: 'error', violatingResources: [{ constructPath: 'S/Z' }] }]);
    const b = stubPack('B', [{ ruleName: 'B-1', description: 'y', severity: 'error', violatingResources: [{ constructPath: 'S/Y' }] }]);
    expect(NagCheck.check(stack(), { packs: [a, b] }).errors.map((f) => `${f.pack} ${f.resourcePath}`)).toEqual(['B S/Y', 'A S/Z']);
  });

  test('assertCompliant passes on warnings only, and fails on them with failOnWarnings (message lists them)', () => {
    const warningsOnly = stubPack('Stub', VIOLATIONS.filter((v) => v.severity !== 'error'));
    const s = stack();
    expect(NagCheck.assertCompliant(s, { packs: [warningsOnly] }).warnings).toHaveLength(2);
    expect(NagCheck.assertCompliant(s, { packs: [warningsOnly], failOnWarnings: false }).errors).toEqual([]);
    expect(() => NagCheck.assertCompliant(s, { packs: [warningsOnly], failOnWarnings: true })).toThrow(
      "cdk-nag found 2 unsuppressed finding(s) under 'S':\n"
      + '  [warning] Stub-I1 S/A/Resource: informational\n'
      + '  [warning] Stub-W1 S/B/Resource: a warning\n'
      + 'Fix the resource or suppress with NagCheck.suppress(construct, [{ id, reason }]).',
    );
  });

  test('errors and warnings both listed with failOnWarnings; a clean pack returns the empty result', () => {
    const s = stack();
    expect(() => NagCheck.assertCompliant(s, { packs: [stubPack('Stub', VIOLATIONS)], failOnWarnings: true })).toThrow(/^cdk-nag found 6 unsuppressed finding\(s\) under 'S':\n {2}\[error\] Stub-E1 <unknown>: first error\n {2}\[error\] Stub-E2 LogicalOnly: second error\n/);
    expect(() => NagCheck.assertCompliant(s, { packs: [stubPack('Stub', VIOLATIONS)] })).toThrow(/^cdk-nag found 4 unsuppressed finding\(s\)/);
    expect(NagCheck.assertCompliant(s, { packs: [stubPack('Clean', [])], failOnWarnings: true })).toEqual({ errors: [], warnings: [] });
  });

  test("the App itself is named '<root>'", () => {
    const app = new cdk.App();
    new cdk.Stack(app, 'S');
    const pack = stubPack('Stub', [VIOLATIONS[2]]);
    expect(() => NagCheck.assertCompliant(app, { packs: [pack] })).toThrow(/^cdk-nag found 2 unsuppressed finding\(s\) under '<root>':/);
  });

  test('format renders one line per finding', () => {
    expect(NagCheck.format([
      { ruleId: 'R-1', resourcePath: 'S/Q', message: 'm1', severity: 'error', pack: 'P' },
      { ruleId: 'R-2', resourcePath: 'S/T', message: 'm2', severity: 'warning', pack: 'P' },
    ])).toBe('  [error] R-1 S/Q: m1\n  [warning] R-2 S/T: m2');
    expect(NagCheck.format([])).toBe('');
  });

  test('the owning App is synthesized first (aspects have run when the pack looks); a tree whose root is not a Stage is checked as it is', () => {
    const s = stack();
    let aspectRan = false;
    cdk.Aspects.of(s).add({ visit: () => { aspectRan = true; } });
    let seenAfterAspects: boolean | undefined;
    NagCheck.check(s, { packs: [stubPack('Stub', [], () => { seenAfterAspects = aspectRan; })] });
    expect(seenAfterAspects).toBe(true);

    const root = new Construct(undefined as unknown as Construct, 'Root');
    const child = new Construct(root, 'Child');
    let seen: IConstruct | undefined;
    expect(NagCheck.check(child, { packs: [stubPack('Stub', [], (sc) => { seen = sc; })] })).toEqual({ errors: [], warnings: [] });
    expect(seen).toBe(child);
  });

  test('suppress trims the id and the reason it records (a padded id still suppresses)', () => {
    const s = stack();
    const q = new sqs.Queue(s, 'Q', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    NagCheck.suppress(q, [{ id: ' AwsSolutions-SQS2 ', reason: '  Test queue holds no data  ' }]);
    const acks = q.node.metadata.filter((m) => m.type === cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data);
    expect(acks).toEqual([{ 'Annotation::AwsSolutions-SQS2': 'Test queue holds no data' }]);
    expect(NagCheck.check(s).errors.map((f) => f.ruleId)).not.toContain('AwsSolutions-SQS2');
  });

  test('a rule-level suppression covers the granular findings of that rule below it, and nothing else', () => {
    const s = stack();
    const b = new sqs.Queue(s, 'B');
    const other = new sqs.Queue(s, 'Other');
    const granular = (rule: string, at: string): StubViolation => ({ ruleName: rule, description: 'granular', severity: 'error', violatingResources: [{ constructPath: at }] });
    const pack = stubPack('Stub', [
      granular('Stub-R1[Resource::*]', 'S/B/Resource'),
      granular('Stub-R1[Resource::*]', 'S/Other/Resource'),
      granular('Stub-R1[a]tail', 'S/B/Resource'), // not a granular id: the rule-level id does not cover it
      granular('Stub-R2[Action::x]', 'S/B/Resource'),
    ]);
    NagCheck.suppress(b, [{ id: 'Stub-R1', reason: 'rule-level acknowledgement' }]);
    // metadata of another type keyed by the rule id is not an acknowledgement
    other.node.addMetadata('custom:notes', { 'Stub-R1': 'not an acknowledgement' });
    expect(NagCheck.check(s, { packs: [pack] }).errors.map((f) => `${f.ruleId} ${f.resourcePath}`)).toEqual([
      'Stub-R1[a]tail S/B/Resource',
      'Stub-R2[Action::x] S/B/Resource',
      'Stub-R1[Resource::*] S/Other/Resource',
    ]);
  });

  test('verbose adds the rule explanation to the message; the default is the short message', () => {
    const s = stack();
    new sqs.Queue(s, 'Q', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const short = 'The SQS Queue does not have server-side encryption enabled.';
    const byRule = (r: { errors: { ruleId: string; message: string }[] }) => r.errors.find((f) => f.ruleId === 'AwsSolutions-SQS2')!.message;
    expect(byRule(NagCheck.check(s))).toBe(short);
    expect(byRule(NagCheck.check(s, { verbose: false }))).toBe(short);
    expect(byRule(NagCheck.check(s, { verbose: true }))).toBe(`${short} Server side encryption adds additional protection of sensitive data delivered as messages to subscribers.`);
  });
});
