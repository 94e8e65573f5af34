import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { AutoscalingPolicy, LaneValidationError, Rollout, ScalingTrigger, ServiceLevelObjective, ShadowTraffic } from '../../lib';
import { EndpointMode, ManagedEndpoint, ManagedEndpointProps } from '../../lib/managed-endpoint';
import { ApiContract, CfnLint } from '../../lib/testing';
import { artifact, newStack } from './helpers';

/*
 * Property tests (issue 13): random valid props always synthesize into SageMaker requests botocore's
 * API model accepts (ApiContract); random invalid props always fail with a LaneValidationError, never another error.
 * Fixed seed and 30 runs each, so `npm test` stays fast and repeatable; `npm run test:properties`
 * runs 1,000 (FC_RUNS, FC_SEED as in the core property tests).
 */

const SEED = Number(process.env.FC_SEED ?? 20261201);
const NUM_RUNS = Number(process.env.FC_RUNS ?? 30);

/** A recipe for props; built inside a fresh stack (artifacts need one). */
interface Recipe {
  readonly describe: string;
  readonly build: (stack: ReturnType<typeof newStack>) => Partial<ManagedEndpointProps> & { mode: EndpointMode };
}

const INSTANCE_TYPES = ['ml.m5.large', 'ml.c5.xlarge', 'ml.c6i.2xlarge', 'ml.r5.large', 'ml.m6i.4xlarge', 'ml.g5.xlarge', 'ml.g4dn.2xlarge'];

const slo = fc.record({
  p: fc.constantFrom(50, 90, 95, 99),
  ms: fc.integer({ min: 1, max: 5000 }),
  errors: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
}).map(s => ServiceLevelObjective.latency(s.p, Duration.millis(s.ms), { maxErrorRatePercent: s.errors }));

/** A rollout valid for an instance fleet of `min` instances. */
const rollout = (min: number): fc.Arbitrary<Partial<ManagedEndpointProps>> => fc.oneof<fc.Arbitrary<Partial<ManagedEndpointProps>>[]>(
  fc.constant<Partial<ManagedEndpointProps>>({}),
  fc.integer({ min: 0, max: 60 }).map(bake => ({ rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(bake) }) })),
  ...(min >= 2 ? [
    fc.record({ percent: fc.integer({ min: 1, max: 50 }), bake: fc.integer({ min: 1, max: 60 }) })
      .map(r => ({ rollout: Rollout.canary({ percent: r.percent, bakeTime: Duration.minutes(r.bake) }) })),
    fc.record({ step: fc.integer({ min: 10, max: 50 }), every: fc.integer({ min: 1, max: 20 }) })
      .map(r => ({ rollout: Rollout.linear({ stepPercent: r.step, interval: Duration.minutes(r.every) }) })),
  ] : []),
  fc.record({ batch: fc.integer({ min: 5, max: 50 }), wait: fc.integer({ min: 0, max: 3600 }), back: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }) })
    .map(r => ({ rollingUpdate: { maximumBatchPercent: r.batch, waitInterval: Duration.seconds(r.wait), rollbackMaximumBatchPercent: r.back } })),
);

const realTime: fc.Arbitrary<Recipe> = fc.record({
  type: fc.constantFrom(...INSTANCE_TYPES),
  min: fc.integer({ min: 1, max: 4 }),
  extra: fc.integer({ min: 0, max: 8 }),
  trigger: fc.constantFrom('inflight', 'requests', 'cpu'),
  target: fc.integer({ min: 1, max: 90 }),
  startup: fc.option(fc.integer({ min: 60, max: 3600 }), { nil: undefined }),
  capture: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  shadow: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  slo,
}).chain(r => rollout(r.min).map(ro => ({ ...r, ro }))).map(r => ({
  describe: JSON.stringify({ ...r, slo: r.slo.toString(), ro: Object.keys(r.ro) }),
  build: (stack: ReturnType<typeof newStack>) => {
    const trigger = r.trigger === 'inflight' ? ScalingTrigger.inFlightPerInstance(r.target) : r.trigger === 'requests' ? ScalingTrigger.requestsPerInstance(r.target) : ScalingTrigger.cpuUtilization(r.target);
    const rolling = r.ro.rollingUpdate !== undefined;
    return {
      mode: EndpointMode.realTime({ instanceType: r.type, containerStartupHealthCheckTimeout: r.startup !== undefined ? Duration.seconds(r.startup) : undefined }),
      autoscaling: new AutoscalingPolicy({ minCapacity: r.min, maxCapacity: r.min + r.extra, triggers: [trigger] }),
      slo: r.slo,
      dataCapture: r.capture !== undefined ? { samplingPercent: r.capture } : undefined,
      // SageMaker rolling updates exclude multi-variant endpoints: no shadow with a rolling update
      shadow: r.shadow !== undefined && !rolling ? ShadowTraffic.mirror(artifact(stack, '1.5.0'), r.shadow) : undefined,
      ...r.ro,
    };
  },
}));

const asynchronous: fc.Arbitrary<Recipe> = fc.record({
  type: fc.constantFrom(...INSTANCE_TYPES),
  toZero: fc.boolean(),
  min: fc.integer({ min: 1, max: 3 }),
  extra: fc.integer({ min: 1, max: 8 }),
  backlog: fc.integer({ min: 1, max: 50 }),
  concurrency: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  slo,
}).chain(r => rollout(r.toZero ? 1 : r.min).map(ro => ({ ...r, ro }))).map(r => ({
  describe: JSON.stringify({ ...r, slo: r.slo.toString(), ro: Object.keys(r.ro) }),
  build: () => ({
    mode: EndpointMode.asynchronous({ instanceType: r.type, maxConcurrentInvocationsPerInstance: r.concurrency }),
    autoscaling: r.toZero
      ? new AutoscalingPolicy({ scaleToZero: true, maxCapacity: r.extra, triggers: [ScalingTrigger.queueBacklogPerInstance(r.backlog)] })
      : new AutoscalingPolicy({ minCapacity: r.min, maxCapacity: r.min + r.extra, triggers: [ScalingTrigger.queueBacklogPerInstance(r.backlog)] }),
    slo: r.slo,
    ...r.ro,
  }),
}));

const serverless: fc.Arbitrary<Recipe> = fc.record({
  gib: fc.integer({ min: 1, max: 6 }),
  max: fc.integer({ min: 1, max: 200 }),
  scaled: fc.boolean(),
  utilization: fc.integer({ min: 1, max: 10 }),
}).map(r => ({
  describe: JSON.stringify(r),
  build: () => ({
    mode: EndpointMode.serverless({ memorySize: Size.gibibytes(r.gib), maxConcurrency: r.max }),
    autoscaling: r.scaled ? new AutoscalingPolicy({ minCapacity: 1, maxCapacity: r.max, triggers: [ScalingTrigger.inFlightPerInstance(r.utilization / 10)] }) : undefined,
  }),
}));

const valid = fc.oneof(realTime, asynchronous, serverless);

test('random valid props synthesize into SageMaker requests the API model accepts (ApiContract)', () => {
  const cases: { describe: string; stack: Stack }[] = [];
  fc.assert(fc.property(valid, recipe => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), ...recipe.build(stack) });
    cases.push({ describe: recipe.describe, stack });
  }), { seed: SEED, numRuns: NUM_RUNS });
  const results = ApiContract.validateStacks(cases.map(c => c.stack));
  for (const [i, result] of results.entries()) {
    const sageMaker = result.resources.filter(r => r.resourceType.startsWith('AWS::SageMaker::'));
    expect({ recipe: cases[i].describe, covered: sageMaker.length >= 3, errors: ApiContract.format(result.errors) }).toEqual({ recipe: cases[i].describe, covered: true, errors: '' });
  }
});

test('a sample of 10 valid recipes, side by side in one stack, passes cfn-lint', () => {
  const stack = newStack();
  fc.sample(valid, { seed: SEED, numRuns: 10 }).forEach((recipe, i) => {
    new ManagedEndpoint(stack, `Endpoint${i}`, { artifact: artifact(stack), ...recipe.build(stack) });
  });
  expect(CfnLint.assertNoErrors(stack).errors).toEqual([]);
});

/** One mistake applied to otherwise valid props. */
const mistakes: fc.Arbitrary<[string, (stack: ReturnType<typeof newStack>) => unknown]>[] = [
  fc.integer({ min: 51, max: 99 }).map(p => [`canary ${p}%`, () => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }), rollout: Rollout.canary({ percent: p, bakeTime: Duration.minutes(5) }) })]),
  fc.integer({ min: 1, max: 9 }).map(p => [`linear ${p}%`, () => ({ rollout: Rollout.linear({ stepPercent: p, interval: Duration.minutes(5) }) })]),
  fc.stringMatching(/^ml\.[a-z]{1,3}[0-9]{2}\.(huge|[0-9]{3}xlarge)$/).map(t => [`instance type ${t}`, () => ({ mode: EndpointMode.realTime({ instanceType: t }) })]),
  fc.constantFrom('MODEL_NAME', 'MODEL_VERSION', 'MODEL_S3_URI', 'MODEL_DIGEST', 'MODEL_CARD', 'MODEL_LOCAL_DIR').map(k => [`environment ${k}`, () => ({ environment: { [k]: 'x' } })]),
  fc.oneof(fc.integer({ min: 101, max: 10_000 }), fc.double({ min: 0.01, max: 99.99, noInteger: true, noNaN: true })).map(p => [`sampling ${p}`, () => ({ dataCapture: { samplingPercent: p } })]),
  fc.oneof(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 3601, max: 100_000 }), fc.double({ min: 60.01, max: 3599.99, noInteger: true, noNaN: true }))
    .map(sec => [`startup ${sec} s`, () => ({ mode: EndpointMode.realTime({ instanceType: 'ml.m5.large', containerStartupHealthCheckTimeout: Duration.seconds(sec) }) })]),
  fc.constantFrom('allAtOnce', 'canary').map(kind => [`${kind} on serverless`, () => ({
    mode: EndpointMode.serverless({ memorySize: Size.gibibytes(2), maxConcurrency: 10 }),
    rollout: kind === 'canary' ? Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) : Rollout.allAtOnce({ alarms: [] }),
  })]),
  fc.constantFrom('a/', 'async-inputs/', 'async-inputs/x/').map(p => [`async output prefix ${p}`, () => ({ mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large', inputPrefix: 'async-inputs/', outputPrefix: p === 'a/' ? 'a/' : p, failurePrefix: p === 'a/' ? 'a/b/' : undefined }) })]),
  fc.integer({ min: 2 ** 31, max: 2 ** 40 }).map(m => [`max capacity ${m}`, () => ({ autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: m, triggers: [ScalingTrigger.inFlightPerInstance(4)] }) })]),
  fc.integer({ min: 513, max: 4096 }).map(g => [`volume ${g} GiB`, () => ({ mode: EndpointMode.realTime({ instanceType: 'ml.m5.large', volumeSize: Size.gibibytes(g) }) })]),
  fc.constant<[string, (s: ReturnType<typeof newStack>) => unknown]>(['canary on one instance', () => ({ rollout: Rollout.canary({ percent: 25, bakeTime: Duration.minutes(5) }) })]),
  fc.constant<[string, (s: ReturnType<typeof newStack>) => unknown]>(['serverless without maxConcurrency', () => ({ mode: EndpointMode.serverless({ memorySize: Size.gibibytes(2) } as any) })]),
  fc.constant<[string, (s: ReturnType<typeof newStack>) => unknown]>(['shadow of the live version', s => ({ shadow: ShadowTraffic.mirror(artifact(s, '1.4.0'), 10) })]),
];

test('random invalid props always raise LaneValidationError (never another error)', () => {
  fc.assert(fc.property(fc.oneof(...mistakes), ([name, mistake]) => {
    const stack = newStack();
    let error: unknown;
    try {
      new ManagedEndpoint(stack, 'Endpoint', {
        artifact: artifact(stack),
        mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
        slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
        ...(mistake(stack) as Partial<ManagedEndpointProps>),
      });
      Template.fromStack(stack);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof LaneValidationError)) {
      throw new Error(`${name}: expected a LaneValidationError, got ${error === undefined ? 'no error' : String(error)}`);
    }
    expect(error.message).toMatch(/^Test\/Endpoint: '[^']+'.* Fix: |^[A-Za-z.]+: '[^']+'.* Fix: /);
  }), { seed: SEED, numRuns: NUM_RUNS });
});
