import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HardwareTarget, HybridTopology, LaneValidationError, Rollout } from '../../lib';
import { EdgeFleetChannel, EdgeFleetChannelProps, EdgeRing, FleetRelease, JobFailureType } from '../../lib/edge-fleet';
import { demoArtifact } from '../../examples/shared/artifact';

const RINGS: EdgeRing[] = [
  { name: 'pilot', percent: 1, bake: Duration.days(1) },
  { name: 'early', percent: 10, bake: Duration.days(3) },
  { name: 'fleet', percent: 100 },
];

function channel(props: Partial<EdgeFleetChannelProps> = {}): { stack: Stack; edge: EdgeFleetChannel; t: Template } {
  const stack = new Stack(new App(), 'S');
  const edge = new EdgeFleetChannel(stack, 'Edge', {
    artifact: demoArtifact(),
    deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }],
    fleetHealth: false,
    ...props,
  });
  return { stack, edge, t: Template.fromStack(stack) };
}

/** Deployments by ring name (from DeploymentName `<component>-<class>-<ring>`), with their logical IDs. */
function deployments(t: Template): { [ring: string]: { id: string; version: string; dependsOn: string[]; job: any; target: string } } {
  const out: { [ring: string]: any } = {};
  for (const [id, d] of Object.entries(t.findResources('AWS::GreengrassV2::Deployment')) as [string, any][]) {
    const ring = d.Properties.DeploymentName.split('-').pop();
    out[ring] = {
      id,
      version: d.Properties.Components['models.assistant'].ComponentVersion,
      dependsOn: d.DependsOn ?? [],
      job: d.Properties.IotJobConfiguration,
      target: d.Properties.TargetArn['Fn::Join'][1].slice(-1)[0],
    };
  }
  return out;
}

describe('N rings with shares and bakes in days', () => {
  test('three rings: one group and one deployment each, each deployment after the previous ring\'s', () => {
    // GIVEN pilot (1%, 1 day), early (10%, 3 days), fleet; WHEN promoted
    const { t, edge } = channel({ rings: RINGS, release: FleetRelease.promote() });
    const d = deployments(t);
    // THEN
    expect(Object.keys(d)).toEqual(['pilot', 'early', 'fleet']);
    expect(d.pilot.target).toBe(':thinggroup/assistant-gateways-pilot');
    expect(d.early.target).toBe(':thinggroup/assistant-gateways-early');
    expect(d.fleet.target).toBe(':thinggroup/assistant-gateways');
    expect(d.early.dependsOn).toContain(d.pilot.id);
    expect(d.fleet.dependsOn).toContain(d.early.id);
    expect(d.fleet.dependsOn).not.toContain(d.pilot.id);
    expect(d.pilot.dependsOn).not.toContain(d.early.id);
    expect(edge.ringNames).toEqual(['pilot', 'early', 'fleet']);
    expect(edge.ringBake('early')?.toDays()).toBe(3);
    expect(edge.ringBake('fleet')).toBeUndefined();
    expect(edge.canaryBakeTime?.toDays()).toBe(1);
  });

  test('created groups say how many devices to place there (share minus the previous ring\'s) and the bake', () => {
    const { t } = channel({ rings: RINGS, release: FleetRelease.promote() });
    t.hasResourceProperties('AWS::IoT::ThingGroup', {
      ThingGroupName: 'assistant-gateways-pilot',
      ThingGroupProperties: { ThingGroupDescription: 'Pilot ring of gateways devices (edge-arm64) for assistant: put about 1% of the class here and bake 1 day before promoting. A device belongs to one ring group only.' },
    });
    t.hasResourceProperties('AWS::IoT::ThingGroup', {
      ThingGroupName: 'assistant-gateways-early',
      ThingGroupProperties: { ThingGroupDescription: 'Early ring of gateways devices (edge-arm64) for assistant: put about 9% of the class here and bake 3 days before promoting. A device belongs to one ring group only.' },
    });
    t.resourceCountIs('AWS::IoT::ThingGroup', 3);
  });

  test('defaults: the last ring is 100%, other rings bake 1 day, the first ring gets the canary job, later rings the fleet job', () => {
    const { t, edge } = channel({ rings: [{ name: 'pilot' }, { name: 'early' }, { name: 'rest' }], release: FleetRelease.promote() });
    expect(edge.ringBake('pilot')?.toDays()).toBe(1);
    expect(edge.ringBake('early')?.toDays()).toBe(1);
    const d = deployments(t);
    expect(d.pilot.job).toEqual({
      AbortConfig: { CriteriaList: [{ FailureType: 'ALL', Action: 'CANCEL', ThresholdPercentage: 10, MinNumberOfExecutedThings: 1 }] },
      TimeoutConfig: { InProgressTimeoutInMinutes: 60 },
    });
    for (const ring of ['early', 'rest']) {
      expect(d[ring].job.JobExecutionsRolloutConfig).toEqual({ ExponentialRate: { BaseRatePerMinute: 5, IncrementFactor: 2, RateIncreaseCriteria: { NumberOfSucceededThings: 5 } }, MaximumPerMinute: 50 });
    }
    // no share stated: the description says only the bake; a ring not named 'fleet' gets a suffixed group
    t.hasResourceProperties('AWS::IoT::ThingGroup', {
      ThingGroupName: 'assistant-gateways-pilot',
      ThingGroupProperties: { ThingGroupDescription: 'Pilot ring of gateways devices (edge-arm64) for assistant: bake 1 day before promoting. A device belongs to one ring group only.' },
    });
    expect(d.rest.target).toBe(':thinggroup/assistant-gateways-rest');
  });

  test('a ring\'s own job settings are rendered for that ring only', () => {
    const rings: EdgeRing[] = [
      { name: 'pilot', bake: Duration.hours(12), job: { maximumPerMinute: 2, abortCriteria: [{ failureType: JobFailureType.FAILED, thresholdPercent: 1, minExecutedDevices: 1 }] } },
      { name: 'fleet' },
    ];
    const d = deployments(channel({ rings, release: FleetRelease.promote() }).t);
    expect(d.pilot.job.JobExecutionsRolloutConfig).toEqual({ MaximumPerMinute: 2 });
    expect(d.pilot.job.AbortConfig.CriteriaList).toEqual([{ FailureType: 'FAILED', Action: 'CANCEL', ThresholdPercentage: 1, MinNumberOfExecutedThings: 1 }]);
    expect(d.fleet.job.AbortConfig.CriteriaList[0].ThresholdPercentage).toBe(5);
  });

  test('FleetRelease.through moves the candidate ring by ring; later rings stay or are not deployed yet', () => {
    const first = deployments(channel({ rings: RINGS, release: FleetRelease.through('pilot') }).t);
    expect(Object.keys(first)).toEqual(['pilot']);
    expect(first.pilot.version).toBe('1.4.0');
    const second = deployments(channel({ rings: RINGS, release: FleetRelease.through('early', '1.3.0') }).t);
    expect([second.pilot.version, second.early.version, second.fleet.version]).toEqual(['1.4.0', '1.4.0', '1.3.0']);
    // the legacy stages work on N rings too: canary = the first ring only
    const legacy = deployments(channel({ rings: RINGS, release: FleetRelease.canary('1.3.0') }).t);
    expect([legacy.pilot.version, legacy.early.version, legacy.fleet.version]).toEqual(['1.4.0', '1.3.0', '1.3.0']);
  });

  test('freezeRings pins every ring exactly; the deployments render as before whatever the artifact', () => {
    const before = channel({ artifact: demoArtifact('1.4.0'), rings: RINGS, release: FleetRelease.through('early', '1.3.0') }).t;
    const frozen = channel({ artifact: demoArtifact('1.5.0'), rings: RINGS, release: FleetRelease.freezeRings({ pilot: '1.4.0', early: '1.4.0', fleet: '1.3.0' }) }).t;
    expect(frozen.findResources('AWS::GreengrassV2::Deployment')).toEqual(before.findResources('AWS::GreengrassV2::Deployment'));
    // the legacy freeze on N rings: the last ring on fleetVersion, the others on canaryVersion
    const legacy = deployments(channel({ rings: RINGS, release: FleetRelease.freeze('1.3.0', '1.4.0') }).t);
    expect([legacy.pilot.version, legacy.early.version, legacy.fleet.version]).toEqual(['1.4.0', '1.4.0', '1.3.0']);
  });

  test('an inherited or all-at-once rollout only sets the failure policy', () => {
    const d = channel({ rings: RINGS, rollout: Rollout.allAtOnce({ autoRollback: false }), release: FleetRelease.promote() }).t;
    for (const dep of Object.values(d.findResources('AWS::GreengrassV2::Deployment')) as any[]) {
      expect(dep.Properties.DeploymentPolicies.FailureHandlingPolicy).toBe('DO_NOTHING');
    }
  });

  test('inside a topology with a canary rollout, rings win and only the inherited autoRollback is used', () => {
    const stack = new Stack(new App(), 'S');
    const topology = new HybridTopology(stack, 'T', { artifact: demoArtifact(), rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5), autoRollback: false }) });
    const edge = new EdgeFleetChannel(topology, 'Edge', { deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], rings: RINGS, release: FleetRelease.promote(), fleetHealth: false });
    expect(edge.ringNames).toEqual(['pilot', 'early', 'fleet']);
    const all = Object.values(Template.fromStack(stack).findResources('AWS::GreengrassV2::Deployment')) as any[];
    expect(all.map(d => d.Properties.DeploymentPolicies.FailureHandlingPolicy)).toEqual(['DO_NOTHING', 'DO_NOTHING', 'DO_NOTHING']);
  });

  test('existing groups per ring', () => {
    const { t } = channel({
      rings: RINGS,
      release: FleetRelease.promote(),
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64, ringThingGroupNames: { early: 'store-early' }, keepComponents: {} }],
    });
    expect(deployments(t).early.target).toBe(':thinggroup/store-early');
    t.resourceCountIs('AWS::IoT::ThingGroup', 2);
  });
});

describe('ring validation (edge rules)', () => {
  const bad = (rings: EdgeRing[], release: FleetRelease = FleetRelease.promote()) => () => channel({ rings, release });

  test('bake: 1 minute and 30 days are accepted; 59 seconds, 30 days + 1 minute and fractions are not', () => {
    expect(channel({ rings: [{ name: 'a', bake: Duration.minutes(1) }, { name: 'b' }], release: FleetRelease.promote() }).edge.ringBake('a')?.toMinutes()).toBe(1);
    expect(channel({ rings: [{ name: 'a', bake: Duration.days(30) }, { name: 'b' }], release: FleetRelease.promote() }).edge.ringBake('a')?.toDays()).toBe(30);
    expect(bad([{ name: 'a', bake: Duration.seconds(59) }, { name: 'b' }])).toThrow(/'rings\[0\].bake' \(59 seconds\) must be from 1 minute to 30 days: it is how long to watch the ring's devices/);
    expect(bad([{ name: 'a', bake: Duration.minutes(30 * 24 * 60 + 1) }, { name: 'b' }])).toThrow(/'rings\[0\].bake' \(30 days 1 minute\) must be from 1 minute to 30 days/);
    expect(bad([{ name: 'a', bake: Duration.seconds(90) }, { name: 'b' }])).toThrow(/'rings\[0\].bake' \(1 minute 30 seconds\) must be a whole number of minutes.*Duration.minutes\(2\)/);
    // the message is an edge rule: no CodeDeploy or SageMaker in it
    expect(bad([{ name: 'a', bake: Duration.days(31) }, { name: 'b' }])).toThrow(/^(?![\s\S]*(CodeDeploy|SageMaker))[\s\S]*FleetRelease.freeze/);
    expect(bad([{ name: 'a', bake: Duration.hours(1) }, { name: 'b', bake: Duration.hours(1) }])).toThrow(/'rings\[1\].bake' \(1 hour\) is set on the last ring: no ring comes after it/);
  });

  test('percent: increasing, 1-100, the last ring 100', () => {
    expect(bad([{ name: 'a', percent: 10 }, { name: 'b', percent: 10 }])).toThrow(/'rings\[1\].percent' \(10\) must be greater than the previous ring's share \(10%\)/);
    expect(bad([{ name: 'a', percent: 20 }, { name: 'b', percent: 10 }, { name: 'c' }])).toThrow(/'rings\[1\].percent' \(10\) must be greater than the previous ring's share \(20%\)/);
    expect(bad([{ name: 'a', percent: 0 }, { name: 'b' }])).toThrow(/'rings\[0\].percent' \(0\) must be between 1 and 100/);
    expect(bad([{ name: 'a', percent: 100.5 }, { name: 'b' }])).toThrow(/'rings\[0\].percent' \(100.5\) must be between 1 and 100/);
    expect(bad([{ name: 'a', percent: 5 }, { name: 'b', percent: 99 }])).toThrow(/'rings\[1\].percent' \(99\) must be 100 on the last ring/);
    expect(bad([{ name: 'a', percent: NaN }, { name: 'b' }])).toThrow(/'rings\[0\].percent' \(NaN\) is not a finite number/);
    expect(channel({ rings: [{ name: 'a', percent: 1 }, { name: 'b', percent: 100 }], release: FleetRelease.promote() }).edge.ringNames).toEqual(['a', 'b']);
  });

  test('names: unique, lowercase, at most 20 characters; at least one ring', () => {
    expect(bad([{ name: 'a' }, { name: 'a' }])).toThrow(/'rings\[1\].name' \("a"\) is used by another ring/);
    expect(bad([{ name: 'Pilot' }, { name: 'b' }])).toThrow(/'rings\[0\].name' \("Pilot"\) is not a ring name/);
    expect(bad([{ name: 'a'.repeat(21) }])).toThrow(/'rings\[0\].name' \("a{21}"\) is not a ring name/);
    expect(channel({ rings: [{ name: 'a'.repeat(20) }] }).edge.ringNames).toEqual(['a'.repeat(20)]);
    expect(bad([])).toThrow(/'rings' \(\[\]\) is empty/);
  });

  test('rings do not mix with a canary rollout or canaryJob/fleetJob; releases must fit the rings', () => {
    expect(() => channel({ rings: RINGS, rollout: Rollout.canary({ percent: 5, bakeTime: Duration.hours(1) }), release: FleetRelease.promote() }))
      .toThrow(/'rollout' \("CANARY 5% \/ 1 hour"\) defines rings too/);
    expect(() => channel({ rings: RINGS, fleetJob: { maximumPerMinute: 5 }, release: FleetRelease.promote() })).toThrow(/'fleetJob' \(\{"maximumPerMinute":5\}\) is ignored with rings/);
    expect(() => channel({ rings: RINGS })).toThrow(/'release' is required with 3 rings \(pilot, early, fleet\)/);
    expect(() => channel({ rings: RINGS, release: FleetRelease.through('beta') })).toThrow(/'release' \("THROUGH beta \(later rings not deployed\)"\) names a ring the channel does not have/);
    expect(() => channel({ rings: RINGS, release: FleetRelease.freezeRings({ pilot: '1.4.0', fleet: '1.3.0' }) })).toThrow(/must pin exactly the rings pilot, early, fleet \(missing: early\)/);
    expect(() => channel({ rings: RINGS, release: FleetRelease.freezeRings({ pilot: '1.4.0', early: '1.4.0', fleet: '1.3.0', beta: '1.0.0' }) })).toThrow(/\(not rings: beta\)/);
    expect(() => FleetRelease.freezeRings({})).toThrow(/FleetRelease.freezeRings: 'versions' \(\{\}\) lists no ring/);
    expect(() => FleetRelease.freezeRings({ pilot: 'latest' })).toThrow(/'versions.pilot' \("latest"\) is a moving tag, not a version/);
    expect(() => FleetRelease.through('pilot', '1.3')).toThrow(/'laterRingsVersion' \("1.3"\) is not a Greengrass component version/);
    expect(() => channel({ rings: RINGS, release: FleetRelease.promote(), deviceClasses: [{ name: 'g', target: HardwareTarget.EDGE_ARM64, ringThingGroupNames: { beta: 'x' }, keepComponents: {} }] }))
      .toThrow(/'deviceClasses\[0\].ringThingGroupNames.beta' \("x"\) names a group for a ring the channel does not have/);
    expect(() => channel({ rings: RINGS, release: FleetRelease.promote(), deviceClasses: [{ name: 'g', target: HardwareTarget.EDGE_ARM64, ringThingGroupNames: { pilot: 'x', early: 'x' }, keepComponents: {} }] }))
      .toThrow(/'deviceClasses\[0\].ringThingGroupNames.early' \("x"\) is also the group of ring 'pilot'/);
    expect(() => channel({ rings: RINGS, release: FleetRelease.promote() })).not.toThrow();
    expect(() => channel({ rings: [{ name: 'a', percent: 200 }] })).toThrow(LaneValidationError);
  });
});
