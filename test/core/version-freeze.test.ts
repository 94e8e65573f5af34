import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { createHybridApp } from '../../examples/hybrid';
import { InferenceLaneBase, LaneKind, LaneValidationError, VersionFreeze } from '../../lib';

/** The smallest lane on the base, serving `version`. */
class Lane extends InferenceLaneBase {
  public readonly laneKind = LaneKind.SERVERLESS;
  public readonly artifactName = 'assistant';
  public readonly capacity = { minInstances: 1, maxInstances: 1, instanceType: 't', hardware: 'cpu' as never, priceClass: 'x', description: 'x' };
  constructor(scope: Stack, id: string, public readonly artifactVersion: string) { super(scope, id); }
}

const FREEZE_CONTEXT = { 'inference-lanes:freeze': '1.4.0', 'inference-lanes:freeze-reason': 'incident 4711' };

describe('VersionFreeze.lock', () => {
  test('keeps version, reason, end time; says where it came from', () => {
    const f = VersionFreeze.lock('1.4.0', { reason: 'Black Friday', until: '2026-12-02T08:00:00Z' });
    expect([f.version, f.reason, f.until, f.source]).toEqual(['1.4.0', 'Black Friday', '2026-12-02T08:00:00Z', 'VersionFreeze']);
    expect(f.toString()).toBe('1.4.0 (Black Friday, until 2026-12-02T08:00:00Z)');
  });

  test.each([
    ['', { reason: 'r' }, /VersionFreeze: 'version' \(""\) is not a model version\. Fix: Pass the version every lane must serve/],
    ['  ', { reason: 'r' }, /'version' \(" {2}"\) is not a model version/],
    ['latest', { reason: 'r' }, /'version' \("latest"\) cannot be frozen: it names no fixed version\. Fix: Pass the version every lane serves now/],
    ['1.4.0', { reason: '' }, /'reason' \(""\) is required\. Fix: Say why the versions are locked/],
    ['1.4.0', { reason: ' ' }, /'reason' \(" "\) is required/],
    ['1.4.0', {}, /'reason' is required/],
    ['1.4.0', { reason: 'r', until: '2026-12-02' }, /'until' \("2026-12-02"\) is not an ISO 8601 date-time with a time zone\. Fix: Pass e\.g\. '2026-12-02T08:00:00Z'/],
    ['1.4.0', { reason: 'r', until: '2026-12-02T08:00:00' }, /'until' \("2026-12-02T08:00:00"\) is not an ISO 8601 date-time with a time zone/],
    ['1.4.0', { reason: 'r', until: '2026-13-45T08:00:00Z' }, /'until' \("2026-13-45T08:00:00Z"\) is not an ISO 8601 date-time/],
  ])('rejects version %j with %j', (version, options, message) => {
    expect(() => VersionFreeze.lock(version, options as never)).toThrow(LaneValidationError);
    expect(() => VersionFreeze.lock(version, options as never)).toThrow(message);
  });

  test('the edge rows: an offset time zone and fractional seconds are accepted', () => {
    expect(VersionFreeze.lock('1', { reason: 'r', until: '2026-12-02T08:00:00.5+01:00' }).until).toBe('2026-12-02T08:00:00.5+01:00');
    expect(VersionFreeze.lock('1', { reason: 'r', until: '2026-12-02T08:00Z' }).until).toBe('2026-12-02T08:00Z');
  });

  test('is in force before its end time, not at or after it; forever without one', () => {
    const f = VersionFreeze.lock('1', { reason: 'r', until: '2026-12-02T08:00:00Z' });
    const end = Date.parse('2026-12-02T08:00:00Z');
    expect([f.isInForceAt(end - 1), f.isInForceAt(end), f.isInForceAt(end + 1)]).toEqual([true, false, false]);
    expect(VersionFreeze.lock('1', { reason: 'r' }).isInForceAt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

describe('VersionFreeze from context', () => {
  test('reads version, reason and end time; none without the version key', () => {
    const app = new App({ context: { ...FREEZE_CONTEXT, 'inference-lanes:freeze-until': '2099-01-01T00:00:00Z' } });
    const f = VersionFreeze.fromContext(app)!;
    expect([f.version, f.reason, f.until, f.source]).toEqual(['1.4.0', 'incident 4711', '2099-01-01T00:00:00Z', "context 'inference-lanes:freeze'"]);
    expect(VersionFreeze.fromContext(new App())).toBeUndefined();
    expect(VersionFreeze.fromContext(new App({ context: { 'inference-lanes:freeze': '' } }))).toBeUndefined();
  });

  test('a reason is not required on the command line (on-call freezes first)', () => {
    expect(VersionFreeze.fromContext(new App({ context: { 'inference-lanes:freeze': '1.4.0' } }))!.reason).toBe('frozen from the command line (no reason given)');
  });

  test('a bad end time on the command line is a LaneValidationError naming the context key', () => {
    const app = new App({ context: { 'inference-lanes:freeze': '1.4.0', 'inference-lanes:freeze-until': 'tomorrow' } });
    expect(() => VersionFreeze.fromContext(app)).toThrow(/context 'inference-lanes:freeze': 'until' \("tomorrow"\) is not an ISO 8601 date-time/);
  });

  test('context wins over a freeze applied in code', () => {
    const app = new App({ context: FREEZE_CONTEXT });
    const stack = new Stack(app, 'S');
    VersionFreeze.lock('1.3.0', { reason: 'code' }).applyTo(stack);
    expect(VersionFreeze.of(stack)!.version).toBe('1.4.0');
  });
});

describe('a lane alone under a freeze', () => {
  test('a lane serving another version fails the synth, naming the lane, its version and the locked one', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    VersionFreeze.lock('1.4.0', { reason: 'Black Friday' }).applyTo(stack);
    new Lane(stack, 'Ok', '1.4.0');
    new Lane(stack, 'Burst', '1.5.0');
    new Lane(stack, 'Batch', '1.3.9');
    let message = '';
    try { app.synth(); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/S\/Burst: 'artifact.version' \("1.5.0"\) would be deployed while versions are frozen at 1.4.0 \(Black Friday; set by VersionFreeze\)\. Fix: Serve 1.4.0 on this lane .*or lift the freeze \(remove the VersionFreeze from the code\)/);
    expect(message).toMatch(/S\/Batch: 'artifact.version' \("1.3.9"\) would be deployed while versions are frozen at 1.4.0/);
    expect(message).not.toMatch(/S\/Ok:/);
  });

  test('a lane serving the locked version synthesizes; so does any lane without a freeze', () => {
    const app = new App({ context: FREEZE_CONTEXT });
    new Lane(new Stack(app, 'S'), 'Ok', '1.4.0');
    expect(() => app.synth()).not.toThrow();
    const free = new App();
    new Lane(new Stack(free, 'S'), 'Any', '9.9.9');
    expect(() => free.synth()).not.toThrow();
  });

  test('an expired freeze is not enforced and warns on the lane', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    VersionFreeze.lock('1.4.0', { reason: 'done', until: '2020-01-01T00:00:00Z' }).applyTo(stack);
    new Lane(stack, 'Burst', '1.5.0');
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/S/Burst', Match.stringLikeRegexp('The version freeze 1.4.0 \\(done, until 2020-01-01T00:00:00Z\\) has expired and is no longer enforced'));
  });

  test('the freeze applies below the construct it is applied to, not beside it', () => {
    const app = new App();
    const frozen = new Stack(app, 'Frozen');
    VersionFreeze.lock('1.4.0', { reason: 'r' }).applyTo(frozen);
    new Lane(new Stack(app, 'Other'), 'Lane', '2.0.0');
    expect(() => app.synth()).not.toThrow();
  });
});

describe('the hybrid example under a freeze (cdk deploy -c inference-lanes:freeze=...)', () => {
  test('frozen at another version: the synth fails naming every lane and the version it would deploy', () => {
    const app = new App({ context: { 'inference-lanes:freeze': '1.3.0', 'inference-lanes:freeze-reason': 'incident 4711' } });
    let error: LaneValidationError | undefined;
    try { createHybridApp({ app }); app.synth(); } catch (e) { error = e as LaneValidationError; }
    expect(error).toBeInstanceOf(LaneValidationError);
    for (const lane of ['Baseline', 'Burst', 'Summaries', 'Kiosks']) {
      expect(error!.message).toContain(`InferenceLanesHybrid/Assistant/${lane}: 'artifact.version' ("1.4.0") would be deployed while versions are frozen at 1.3.0 (incident 4711; set by context 'inference-lanes:freeze')`);
    }
    expect(error!.message).toContain('lift the freeze (drop -c inference-lanes:freeze=1.3.0)');
  });

  test('frozen at the version it serves: it synthesizes and the topology dashboard shows the freeze', () => {
    const app = new App({ context: FREEZE_CONTEXT });
    const hybrid = createHybridApp({ app });
    const body = JSON.stringify(Template.fromStack(hybrid.stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain("**FROZEN** at version 1.4.0: incident 4711; set by context 'inference-lanes:freeze'");
  });

  test('unfrozen: no freeze line on the dashboard', () => {
    const hybrid = createHybridApp();
    expect(JSON.stringify(Template.fromStack(hybrid.stack).toJSON())).not.toContain('FROZEN');
  });
});
