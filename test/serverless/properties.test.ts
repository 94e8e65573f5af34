import { Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fc from 'fast-check';
import { AutoscalingPolicy, LaneValidationError, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { ProvisionedConcurrencyStatistic, WarmServerlessFunction, WarmServerlessFunctionProps } from '../../lib/serverless';
import { demoArtifact } from '../../examples/shared/artifact';
import { baseProps, newStack, only } from './fixtures';

/** Short and reproducible in `npm test`: a fixed seed, at most 30 runs (FC_RUNS raises it for a longer run). */
const RUNS = Number(process.env.FC_RUNS ?? 30);
const OPTIONS = { seed: 20261201, numRuns: RUNS };

// One artifact object for every run (two objects for the same file collide in one stack; each run has its own stack).
const artifact = demoArtifact();

const RETENTIONS = Object.values(logs.RetentionDays).filter(v => typeof v === 'number') as logs.RetentionDays[];

/** Props the lane documents as valid. */
const validProps = fc.record({
  min: fc.integer({ min: 1, max: 50 }),
  extra: fc.integer({ min: 0, max: 200 }),
  utilization: fc.integer({ min: 10, max: 90 }).map(p => p / 100),
  memory: fc.integer({ min: 128, max: 10240 }),
  timeout: fc.integer({ min: 1, max: 900 }),
  ephemeral: fc.integer({ min: 512, max: 10240 }),
  retries: fc.integer({ min: 0, max: 2 }),
  eventAge: fc.integer({ min: 60, max: 21600 }),
  reservedExtra: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  statistic: fc.constantFrom(ProvisionedConcurrencyStatistic.MAXIMUM, ProvisionedConcurrencyStatistic.AVERAGE),
  retention: fc.constantFrom(...RETENTIONS),
  spillover: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  alias: fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/),
  slo: fc.option(fc.constantFrom(95, 99), { nil: undefined }),
  canary: fc.option(fc.record({ percent: fc.integer({ min: 1, max: 99 }), minutes: fc.integer({ min: 1, max: 60 }) }), { nil: undefined }),
}).map(v => {
  const max = v.min + v.extra;
  const props: WarmServerlessFunctionProps = baseProps({
    artifact,
    autoscaling: new AutoscalingPolicy({ minCapacity: v.min, maxCapacity: max, triggers: [ScalingTrigger.inFlightPerInstance(v.utilization)] }),
    memorySize: Size.mebibytes(v.memory),
    timeout: Duration.seconds(v.timeout),
    ephemeralStorageSize: Size.mebibytes(v.ephemeral),
    retryAttempts: v.retries,
    maxEventAge: Duration.seconds(v.eventAge),
    reservedConcurrentExecutions: v.reservedExtra === undefined ? undefined : max + v.reservedExtra,
    utilizationStatistic: v.statistic,
    logRetention: v.retention,
    maxSpilloverPercent: v.spillover,
    aliasName: v.alias,
    // a rollout needs alarms: the SLO brings them
    slo: v.slo === undefined && v.canary === undefined ? undefined : ServiceLevelObjective.latency(v.slo ?? 95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    rollout: v.canary ? Rollout.canary({ percent: v.canary.percent, bakeTime: Duration.minutes(v.canary.minutes) }) : undefined,
  });
  return { props, expected: { memory: v.memory, timeout: v.timeout, ephemeral: v.ephemeral, max, reserved: v.reservedExtra === undefined ? 2 * max : max + v.reservedExtra } };
});

/** One invalid value in otherwise valid props (a thunk: contracts such as AutoscalingPolicy reject when built). */
const invalidOverride: fc.Arbitrary<() => Partial<WarmServerlessFunctionProps>> = fc.oneof(
  fc.oneof(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 10241, max: 100_000 })).map(m => () => ({ memorySize: Size.mebibytes(m) })),
  fc.integer({ min: 1, max: 999 }).filter(k => k % 1024 !== 0).map(k => () => ({ memorySize: Size.kibibytes(131072 + k) })),
  fc.oneof(fc.integer({ min: 901, max: 100_000 }), fc.constant(0)).map(s => () => ({ timeout: Duration.seconds(s) })),
  fc.integer({ min: 1001, max: 899_999 }).filter(ms => ms % 1000 !== 0).map(ms => () => ({ timeout: Duration.millis(ms) })),
  fc.oneof(fc.integer({ min: 1, max: 511 }), fc.integer({ min: 10241, max: 100_000 })).map(m => () => ({ ephemeralStorageSize: Size.mebibytes(m) })),
  fc.oneof(fc.integer({ min: -10, max: -1 }), fc.integer({ min: 3, max: 100 }), fc.constant(0.5), fc.constant(Number.NaN)).map(r => () => ({ retryAttempts: r })),
  fc.oneof(fc.integer({ min: 1, max: 59 }), fc.integer({ min: 21601, max: 1_000_000 })).map(s => () => ({ maxEventAge: Duration.seconds(s) })),
  fc.oneof(fc.integer({ min: 0, max: 19 }), fc.constant(2 ** 31), fc.constant(Number.NaN)).map(r => () => ({ reservedConcurrentExecutions: r })),
  fc.string({ minLength: 1, maxLength: 12 }).filter(s => s !== 'Maximum' && s !== 'Average').map(s => () => ({ utilizationStatistic: s as ProvisionedConcurrencyStatistic })),
  fc.integer({ min: -5, max: 10_000 }).filter(d => !(RETENTIONS as number[]).includes(d)).map(d => () => ({ logRetention: d as logs.RetentionDays })),
  fc.oneof(fc.integer({ min: -100, max: -1 }), fc.integer({ min: 101, max: 1000 })).map(p => () => ({ maxSpilloverPercent: p })),
  fc.stringMatching(/^[0-9]{1,8}$/).map(a => () => ({ aliasName: a })),
  fc.constantFrom('MODEL_S3_URI', 'MODEL_VERSION', 'MODEL_DIGEST').map(k => () => ({ environment: { [k]: 'x' } })),
  fc.record({ minute: fc.integer({ min: 60, max: 99 }), hour: fc.integer({ min: 24, max: 99 }), zone: fc.constantFrom('UTC', 'Mars/Olympus', '', '+01:00') })
    .chain(v => fc.constantFrom(
      { start: { minute: String(v.minute), hour: '17' }, timeZone: 'UTC' },
      { start: { minute: '0', hour: String(v.hour) }, timeZone: 'UTC' },
      { start: { minute: '0', hour: '17' }, timeZone: v.zone === 'UTC' ? 'utc' : v.zone },
    ))
    .map(bad => () => ({
      autoscaling: new AutoscalingPolicy({
        minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)],
        schedules: [{ name: 'surge', end: { minute: '0', hour: '22' }, minCapacity: 5, ...bad }],
      }),
    })),
  fc.integer({ min: 1, max: 999 }).map(ms => () => ({
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)], scaleInCooldown: Duration.millis(60_000 + ms) }),
  })),
);

describe('WarmServerlessFunction properties (fast-check, fixed seed)', () => {
  test('random valid props synthesize and are rendered as given', () => {
    fc.assert(fc.property(validProps, ({ props, expected }) => {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', props);
      const t = Template.fromStack(stack);
      const fnProps = only(t, 'AWS::Lambda::Function').Properties;
      expect([fnProps.MemorySize, fnProps.Timeout, fnProps.EphemeralStorage.Size, fnProps.ReservedConcurrentExecutions])
        .toEqual([expected.memory, expected.timeout, expected.ephemeral, expected.reserved]);
      expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties.MaxCapacity).toBe(expected.max);
    }), OPTIONS);
  });

  test('random invalid props raise LaneValidationError, never another error', () => {
    fc.assert(fc.property(invalidOverride, (override) => {
      let thrown: unknown;
      try {
        new WarmServerlessFunction(newStack(), 'Pool', baseProps({ artifact, ...override() }));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(LaneValidationError);
      expect((thrown as LaneValidationError).message).toMatch(/^(S\/Pool|AutoscalingPolicy): '[^']+' .* Fix: /);
    }), OPTIONS);
  });
});
