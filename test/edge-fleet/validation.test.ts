import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { HardwareTarget, LaneValidationError } from '../../lib';
import { EdgeDeviceClass, EdgeFleetChannel, EdgeFleetChannelProps, EdgeRing, FleetJobOptions, FleetRelease, JobFailureType } from '../../lib/edge-fleet';
import { demoArtifact } from '../../examples/shared/artifact';
import { edgeArtifact } from '../../examples/edge-privacy';

const INT32_MAX = 2147483647;

function make(props: Partial<EdgeFleetChannelProps> = {}): Template {
  const stack = new Stack(new App(), 'S');
  new EdgeFleetChannel(stack, 'Edge', {
    artifact: demoArtifact(),
    deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }],
    fleetHealth: false,
    ...props,
  });
  return Template.fromStack(stack);
}
const build = (props: Partial<EdgeFleetChannelProps>) => () => make(props);

function onlyDeployment(t: Template): any {
  const all = Object.values(t.findResources('AWS::GreengrassV2::Deployment')) as any[];
  expect(all).toHaveLength(1);
  return all[0].Properties;
}

function recipe(t: Template): any {
  const [c] = Object.values(t.findResources('AWS::GreengrassV2::ComponentVersion')) as any[];
  const inline = c.Properties.InlineRecipe;
  return JSON.parse(inline['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('documented defaults, by omitting the prop', () => {
  test('no rollout: one fleet ring, released at once, rolled back per device', () => {
    const d = onlyDeployment(make());
    expect(d.DeploymentName).toBe('models.assistant-gateways-fleet');
    expect(d.DeploymentPolicies.FailureHandlingPolicy).toBe('ROLLBACK');
    expect(d.Components['models.assistant'].ComponentVersion).toBe('1.4.0');
  });

  test('no configuration: the default configuration is the model identity only; no runCommand: no Run step', () => {
    const r = recipe(make());
    expect(Object.keys(r.ComponentConfiguration.DefaultConfiguration)).toEqual(['ModelName', 'ModelVersion', 'Framework', 'ModelCard']);
    expect(r.Manifests[0].Lifecycle.Run).toBeUndefined();
    expect(r.Manifests[0].Lifecycle.Install.Timeout).toBe(600);
  });

  test('no fleetJob: 5/min doubling after 5 succeeded, at most 50/min, abort at 5% after 20, 60 min in progress', () => {
    expect(onlyDeployment(make()).IotJobConfiguration).toEqual({
      JobExecutionsRolloutConfig: { ExponentialRate: { BaseRatePerMinute: 5, IncrementFactor: 2, RateIncreaseCriteria: { NumberOfSucceededThings: 5 } }, MaximumPerMinute: 50 },
      AbortConfig: { CriteriaList: [{ FailureType: 'ALL', Action: 'CANCEL', ThresholdPercentage: 5, MinNumberOfExecutedThings: 20 }] },
      TimeoutConfig: { InProgressTimeoutInMinutes: 60 },
    });
  });

  test('only maximumPerMinute: no default ramp; only a ramp: no default maximum; empty abortCriteria: no abort config', () => {
    expect(onlyDeployment(make({ fleetJob: { maximumPerMinute: 7 } })).IotJobConfiguration.JobExecutionsRolloutConfig).toEqual({ MaximumPerMinute: 7 });
    expect(onlyDeployment(make({ fleetJob: { exponentialRate: { baseRatePerMinute: 3, incrementFactor: 1.5, increaseAfterNotifiedDevices: 10 } } })).IotJobConfiguration.JobExecutionsRolloutConfig)
      .toEqual({ ExponentialRate: { BaseRatePerMinute: 3, IncrementFactor: 1.5, RateIncreaseCriteria: { NumberOfNotifiedThings: 10 } } });
    expect(onlyDeployment(make({ fleetJob: { abortCriteria: [] } })).IotJobConfiguration.AbortConfig).toBeUndefined();
  });

  test('notifyComponents false renders SKIP_NOTIFY_COMPONENTS; timeouts render in seconds', () => {
    const d = onlyDeployment(make({ notifyComponents: false, componentUpdateTimeout: Duration.minutes(2), configurationValidationTimeout: Duration.seconds(5) }));
    expect(d.DeploymentPolicies).toEqual({
      FailureHandlingPolicy: 'ROLLBACK',
      ComponentUpdatePolicy: { Action: 'SKIP_NOTIFY_COMPONENTS', TimeoutInSeconds: 120 },
      ConfigurationValidationPolicy: { TimeoutInSeconds: 5 },
    });
  });
});

describe('boundaries: the last accepted value and the first rejected one', () => {
  const job = (o: FleetJobOptions) => ({ fleetJob: o });
  const rate = (baseRatePerMinute: number, incrementFactor: number) => job({ exponentialRate: { baseRatePerMinute, incrementFactor, increaseAfterSucceededDevices: 1 }, maximumPerMinute: 1000 });
  const abort = (thresholdPercent: number, minExecutedDevices: number = 1) => job({ abortCriteria: [{ failureType: JobFailureType.FAILED, thresholdPercent, minExecutedDevices }] });

  test.each([
    ['maximumPerMinute 1', job({ maximumPerMinute: 1 })],
    ['maximumPerMinute 1000', job({ maximumPerMinute: 1000 })],
    ['baseRatePerMinute 1000', rate(1000, 2)],
    ['incrementFactor 1.1', rate(5, 1.1)],
    ['incrementFactor 5', rate(5, 5)],
    ['thresholdPercent 0', abort(0)],
    ['thresholdPercent 100', abort(100)],
    ['thresholdPercent 10.99', abort(10.99)],
    ['minExecutedDevices 2^31-1', abort(5, INT32_MAX)],
    ['inProgressTimeout 1 minute', job({ inProgressTimeout: Duration.minutes(1) })],
    ['inProgressTimeout 7 days', job({ inProgressTimeout: Duration.days(7) })],
    ['componentUpdateTimeout 1 s', { componentUpdateTimeout: Duration.seconds(1) }],
    ['componentUpdateTimeout 2^31-1 s', { componentUpdateTimeout: Duration.seconds(INT32_MAX) }],
    ['installTimeout 1 s', { installTimeout: Duration.seconds(1) }],
    ['healthAlarmFailedDevices 1', { healthAlarmFailedDevices: 1, fleetHealth: true }],
    ['namePrefix of 40 characters', { namePrefix: 'a'.repeat(40) }],
    ['componentName of 128 characters', { componentName: 'c'.repeat(128) }],
    ['class name of 40 characters', { deviceClasses: [{ name: 'g'.repeat(40), target: HardwareTarget.EDGE_ARM64 }] }],
  ] as [string, Partial<EdgeFleetChannelProps>][])('accepted: %s', (_name, props) => {
    expect(() => make(props)).not.toThrow();
  });

  test('the accepted values are rendered unchanged', () => {
    const d = onlyDeployment(make({
      fleetJob: { abortCriteria: [{ failureType: JobFailureType.FAILED, thresholdPercent: 10.99, minExecutedDevices: INT32_MAX }], inProgressTimeout: Duration.days(7) },
      componentUpdateTimeout: Duration.seconds(INT32_MAX),
    }));
    expect(d.IotJobConfiguration.AbortConfig.CriteriaList[0]).toMatchObject({ ThresholdPercentage: 10.99, MinNumberOfExecutedThings: INT32_MAX });
    expect(d.IotJobConfiguration.TimeoutConfig).toEqual({ InProgressTimeoutInMinutes: 10080 });
    expect(d.DeploymentPolicies.ComponentUpdatePolicy.TimeoutInSeconds).toBe(INT32_MAX);
  });

  test.each([
    ['maximumPerMinute 0', job({ maximumPerMinute: 0 }), /'fleetJob.maximumPerMinute' \(0\) must be an integer from 1 to 1000/],
    ['maximumPerMinute 1001', job({ maximumPerMinute: 1001 }), /'fleetJob.maximumPerMinute' \(1001\) must be an integer from 1 to 1000/],
    ['baseRatePerMinute 1001', rate(1001, 2), /'fleetJob.exponentialRate.baseRatePerMinute' \(1001\) must be an integer from 1 to 1000/],
    ['incrementFactor 1', rate(5, 1), /'fleetJob.exponentialRate.incrementFactor' \(1\) must be greater than 1/],
    ['incrementFactor 5.1', rate(5, 5.1), /'fleetJob.exponentialRate.incrementFactor' \(5.1\) must be at most 5/],
    ['incrementFactor NaN', rate(5, NaN), /'fleetJob.exponentialRate.incrementFactor' \(NaN\) is not a finite number/],
    ['thresholdPercent -0.01', abort(-0.01), /'fleetJob.abortCriteria\[0\].thresholdPercent' \(-0.01\) must be between 0 and 100/],
    ['thresholdPercent 100.01', abort(100.01), /thresholdPercent' \(100.01\) must be between 0 and 100/],
    ['thresholdPercent Infinity', abort(Infinity), /thresholdPercent' \(Infinity\) is not a finite number/],
    ['minExecutedDevices 2^31', abort(5, INT32_MAX + 1), /minExecutedDevices' \(2147483648\) must be an integer from 1 to 2147483647/],
    ['minExecutedDevices 1.5', abort(5, 1.5), /minExecutedDevices' \(1.5\) must be an integer from 1 to 2147483647\. Fix: Pass an integer from 1 to 2147483647/],
    ['inProgressTimeout 59 s', job({ inProgressTimeout: Duration.seconds(59) }), /'fleetJob.inProgressTimeout' \(59 seconds\) must be a whole number of minutes.*from 1 minute to 7 days/],
    ['inProgressTimeout 7 days 1 minute', job({ inProgressTimeout: Duration.minutes(7 * 24 * 60 + 1) }), /'fleetJob.inProgressTimeout' \(7 days 1 minute\) must be from 1 minute to 7 days/],
    ['componentUpdateTimeout 0', { componentUpdateTimeout: Duration.seconds(0) }, /'componentUpdateTimeout' \(0 seconds\) must be from 1 second to 2147483647 seconds/],
    ['componentUpdateTimeout 2^31 s', { componentUpdateTimeout: Duration.seconds(INT32_MAX + 1) }, /'componentUpdateTimeout' \(2147483648 seconds\) must be from 1 second to 2147483647 seconds.*Duration\.seconds\(2147483647\)/],
    ['configurationValidationTimeout 0.5 s', { configurationValidationTimeout: Duration.millis(500) }, /'configurationValidationTimeout' \(500 millis\) must be a whole number of seconds/],
    ['installTimeout 1.5 s', { installTimeout: Duration.millis(1500) }, /'installTimeout' \(1 second 500 millis\) must be a whole number of seconds/],
    ['healthAlarmFailedDevices 0', { healthAlarmFailedDevices: 0 }, /'healthAlarmFailedDevices' \(0\) must be an integer >= 1/],
    ['namePrefix of 41 characters', { namePrefix: 'a'.repeat(41) }, /'namePrefix' \("a{41}"\) may only hold letters, digits, '-' and '_' \(at most 40 characters\)/],
    ['componentName of 129 characters', { componentName: 'c'.repeat(129) }, /'componentName' \("c{129}"\) is not a Greengrass component name/],
    ['class name of 41 characters', { deviceClasses: [{ name: 'g'.repeat(41), target: HardwareTarget.EDGE_ARM64 }] }, /'deviceClasses\[0\].name' \("g{41}"\) may only hold/],
  ] as [string, Partial<EdgeFleetChannelProps>, RegExp][])('rejected: %s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
    expect(build(props)).toThrow(LaneValidationError);
  });
});

describe('values from JavaScript and other jsii languages are checked at run time', () => {
  const js = (props: object) => build(props as Partial<EdgeFleetChannelProps>);
  test.each([
    ['notifyComponents "yes"', { notifyComponents: 'yes' }, /'notifyComponents' \("yes"\) is not a boolean/],
    ['fleetHealth 1', { fleetHealth: 1 }, /'fleetHealth' \(1\) is not a boolean/],
    ['runCommand blank', { runCommand: '  ' }, /'runCommand' \(" {2}"\) is empty: the Run step would start nothing/],
    ['configuration number', { configuration: { Threads: 4 } }, /'configuration.Threads' \(4\) is not a string.*'4'/],
    ['class configuration number', { deviceClasses: [{ name: 'g', target: HardwareTarget.EDGE_ARM64, configuration: { Threads: 2 } }] }, /'deviceClasses\[0\].configuration.Threads' \(2\) is not a string/],
    ['target "constructor"', { deviceClasses: [{ name: 'g', target: 'constructor' }] }, /'deviceClasses\[0\].target' \("constructor"\) is not one of 'edge-arm64', 'edge-x86_64'.*an edge target/],
    ['failureType "BROKEN"', { fleetJob: { abortCriteria: [{ failureType: 'BROKEN', thresholdPercent: 5, minExecutedDevices: 1 }] } }, /'fleetJob.abortCriteria\[0\].failureType' \("BROKEN"\) is not one of 'FAILED', 'REJECTED', 'TIMED_OUT', 'ALL'/],
    ['deviceClasses not a list', { deviceClasses: { name: 'g' } }, /'deviceClasses' \(\{"name":"g"\}\) is not a list/],
    ['a device class that is not an object', { deviceClasses: ['gateways'] }, /'deviceClasses\[0\]' \("gateways"\) is not a device class/],
    ['class name a number', { deviceClasses: [{ name: 7, target: HardwareTarget.EDGE_ARM64 }] }, /'deviceClasses\[0\].name' \(7\) may only hold/],
    ['componentName a number', { componentName: 42 }, /'componentName' \(42\) is not a Greengrass component name/],
    ['inProgressTimeout a number', { fleetJob: { inProgressTimeout: 30 } }, /'fleetJob.inProgressTimeout' \(30\) is not a Duration/],
    ['componentUpdateTimeout a number', { componentUpdateTimeout: 60 }, /'componentUpdateTimeout' \(60\) is not a Duration/],
    ['abortCriteria not a list', { fleetJob: { abortCriteria: 'ALL' } }, /'fleetJob.abortCriteria' \("ALL"\) is not a list/],
  ])('%s', (_name, props, message) => {
    expect(js(props)).toThrow(message);
  });
});

describe('runCommand reads the one MODEL_* environment (issue 14)', () => {
  test.each([
    ['$MODEL_DIR', 'serve --model "$MODEL_DIR"', /'runCommand' \("serve --model \\"\$MODEL_DIR\\""\) reads \$MODEL_DIR, which the component no longer sets: it passes the one MODEL_\* environment of every lane\. Fix: Read MODEL_LOCAL_DIR instead/],
    ['${MODEL_DIR}', 'serve --model ${MODEL_DIR}/model.onnx', /reads \$MODEL_DIR, which the component no longer sets.*Fix: Read MODEL_LOCAL_DIR instead/],
    ['$MODEL_SHA256', 'verify "$MODEL_SHA256" && serve', /reads \$MODEL_SHA256, which the component no longer sets.*Fix: Read MODEL_DIGEST \(sha256:<hex>\) instead/],
  ])('a Run command reading the retired %s is refused (it would start with an empty value on every device)', (_name, runCommand, message) => {
    expect(build({ runCommand })).toThrow(message);
    expect(build({ runCommand })).toThrow(LaneValidationError);
  });

  test.each([
    ['$MODEL_LOCAL_DIR', 'serve --model "$MODEL_LOCAL_DIR"'],
    ['a longer name that starts like a retired one', 'serve --model "$MODEL_DIRECTORY" --digest "${MODEL_SHA256SUM}"'],
    ['the word without a $', 'echo MODEL_DIR is gone'],
  ])('accepted: %s', (_name, runCommand) => {
    expect(build({ runCommand })).not.toThrow();
  });
});

describe('one thing group per ring of every class', () => {
  test('two classes naming the same existing group are refused (their deployments would replace each other)', () => {
    expect(build({
      artifact: edgeArtifact(),
      deviceClasses: [
        { name: 'gateways', target: HardwareTarget.EDGE_ARM64, thingGroupName: 'store', keepComponents: {} },
        { name: 'kiosks', target: HardwareTarget.EDGE_X86_64, thingGroupName: 'store', keepComponents: {} },
      ],
    })).toThrow(/'deviceClasses\[1\].thingGroupName' \("store"\) is also the thing group of ring 'fleet' of device class 'gateways'/);
  });

  test('an existing group named like a group the channel creates is refused', () => {
    expect(build({
      artifact: edgeArtifact(),
      deviceClasses: [
        { name: 'gateways', target: HardwareTarget.EDGE_ARM64 },
        { name: 'kiosks', target: HardwareTarget.EDGE_X86_64, thingGroupName: 'assistant-gateways', keepComponents: {} },
      ],
    })).toThrow(/'deviceClasses\[1\].thingGroupName' \("assistant-gateways"\) is also the thing group of/);
  });
});

describe('property: valid props synthesize, invalid props throw LaneValidationError only', () => {
  const SEED = 20261201;
  /** `npm test` keeps the runs short; FC_RUNS (e.g. `FC_RUNS=1000`) explores longer, as in the other property tests. */
  const RUNS = process.env.FC_RUNS === undefined ? undefined : Number(process.env.FC_RUNS);
  const classNames = ['gateways', 'kiosks'];

  /** Valid rings: 1-3, increasing shares ending at 100, bakes in whole minutes within 1 minute - 30 days. */
  const ringsArb: fc.Arbitrary<EdgeRing[]> = fc.integer({ min: 1, max: 3 }).chain(n => fc.tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: n - 1, maxLength: n - 1 }),
    fc.array(fc.integer({ min: 1, max: 30 * 24 * 60 }), { minLength: n - 1, maxLength: n - 1 }),
  ).map(([shares, bakes]) => {
    const sorted = [...shares].sort((a, b) => a - b);
    return [...sorted.map((p, i) => ({ name: `r${i}`, percent: p, bake: Duration.minutes(bakes[i]) })), { name: 'fleet', percent: 100 }];
  }));
  const jobArb: fc.Arbitrary<FleetJobOptions> = fc.record({
    maximumPerMinute: fc.integer({ min: 100, max: 1000 }),
    exponentialRate: fc.record({
      baseRatePerMinute: fc.integer({ min: 1, max: 100 }),
      incrementFactor: fc.integer({ min: 11, max: 50 }).map(x => x / 10),
      increaseAfterSucceededDevices: fc.integer({ min: 1, max: INT32_MAX }),
    }),
    abortCriteria: fc.constantFrom(JobFailureType.FAILED, JobFailureType.ALL).chain(failureType => fc.record({
      failureType: fc.constant(failureType),
      thresholdPercent: fc.integer({ min: 0, max: 10000 }).map(x => x / 100),
      minExecutedDevices: fc.integer({ min: 1, max: INT32_MAX }),
    }).map(c => [c])),
    inProgressTimeout: fc.integer({ min: 1, max: 7 * 24 * 60 }).map(m => Duration.minutes(m)),
  });
  const validArb = fc.record({
    rings: ringsArb,
    job: jobArb,
    classes: fc.integer({ min: 1, max: 2 }),
    notify: fc.boolean(),
    updateSeconds: fc.integer({ min: 1, max: 3600 }),
  });
  function props(v: { rings: EdgeRing[]; job: FleetJobOptions; classes: number; notify: boolean; updateSeconds: number }): Partial<EdgeFleetChannelProps> {
    const targets = [HardwareTarget.EDGE_ARM64, HardwareTarget.EDGE_X86_64];
    const deviceClasses: EdgeDeviceClass[] = classNames.slice(0, v.classes).map((name, i) => ({ name, target: targets[i] }));
    return {
      artifact: edgeArtifact(),
      deviceClasses,
      rings: v.rings.map((r, i) => (i === v.rings.length - 1 ? { ...r, job: v.job } : r)),
      release: FleetRelease.promote(),
      notifyComponents: v.notify,
      componentUpdateTimeout: Duration.seconds(v.updateSeconds),
    };
  }

  test('valid props synthesize one deployment per ring and class, in ring order', () => {
    fc.assert(fc.property(validArb, v => {
      const t = make(props(v));
      const deployments = Object.values(t.findResources('AWS::GreengrassV2::Deployment')) as any[];
      expect(deployments).toHaveLength(v.rings.length * v.classes);
      const fleet = deployments.find(d => d.Properties.DeploymentName.endsWith('gateways-fleet'))!;
      expect(fleet.Properties.IotJobConfiguration.TimeoutConfig.InProgressTimeoutInMinutes).toBe(v.job.inProgressTimeout!.toMinutes());
    }), { seed: SEED, numRuns: RUNS ?? 25 });
  });

  /** One mistake at a time on valid props. */
  const mistakes: fc.Arbitrary<(p: Partial<EdgeFleetChannelProps>) => Partial<EdgeFleetChannelProps>> = fc.oneof(
    fc.double({ min: 30 * 24 * 60 + 1, max: 1e7, noNaN: true }).map(m => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, rings: [{ name: 'a', bake: Duration.minutes(m) }, { name: 'b' }] })),
    fc.double({ min: 0, max: 59.9, noNaN: true }).map(s => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, rings: [{ name: 'a', bake: Duration.seconds(s) }, { name: 'b' }] })),
    fc.integer({ min: 1, max: 100 }).map(x => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, rings: [{ name: 'a', percent: x }, { name: 'b', percent: x }, { name: 'c' }] })),
    fc.string({ minLength: 1, maxLength: 30 }).filter(n => !/^[a-z][a-z0-9-]{0,19}$/.test(n)).map(n => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, rings: [{ name: n }, { name: 'fleet' }] })),
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 }), fc.constant(NaN), fc.constant(1.5)).map(n => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, rings: [{ name: 'fleet', job: { maximumPerMinute: n } }] })),
    fc.oneof(fc.double({ min: -1e6, max: -0.001, noNaN: true }), fc.double({ min: 100.001, max: 1e6, noNaN: true }), fc.constant(NaN)).map(t => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, rings: [{ name: 'fleet', job: { abortCriteria: [{ failureType: JobFailureType.ALL, thresholdPercent: t, minExecutedDevices: 1 }] } }] })),
    fc.double({ min: 0.001, max: 0.999, noNaN: true }).map(f => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, componentUpdateTimeout: Duration.seconds(1 + f) })),
    fc.string().filter(s => s !== 'edge-arm64' && s !== 'edge-x86_64').map(t => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, deviceClasses: [{ name: 'g', target: t as HardwareTarget }] })),
    fc.constantFrom('latest', '1.3', 'v1.3.0', '').map(v => (p: Partial<EdgeFleetChannelProps>) => ({ ...p, componentVersion: v })),
    fc.constant((p: Partial<EdgeFleetChannelProps>) => ({ ...p, deviceClasses: [{ name: 'g', target: HardwareTarget.EDGE_ARM64, thingGroupName: 'existing' }] })),
  );

  test('one invalid prop always throws LaneValidationError, never another error', () => {
    fc.assert(fc.property(validArb, mistakes, (v, mistake) => {
      const p = mistake(props(v));
      let error: unknown;
      try { make(p); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(LaneValidationError);
      expect((error as Error).message).toMatch(/^S\/Edge: '[^']+' .* Fix: /s);
    }), { seed: SEED, numRuns: RUNS ?? 30 });
  });
});
