/**
 * Core plumbing every lane calls but no core test reached (found by `npm run mutate -- core`: these
 * mutants had no coverage in test/core): lane defaults inherited from a provider (a HybridTopology),
 * the "inherited from the topology" wording of errors, lane tags, schedule bounds, metric ids.
 */
import * as path from 'path';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, InferenceLaneBase, LaneDefaults, LaneKind, LaneValidationError, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective,
} from '../../lib';
import { tagLane, UNTAGGABLE_TYPES } from '../../lib/core/private/tagging';
import { scheduleBounds } from '../../lib/core/private/scheduling';
import { invalid, isConcreteNumber, isConcreteString, recordInherited, whereOf } from '../../lib/core/private/errors';
import { uniqueMetricId } from '../../lib/core/private/metric-ids';
import { rejectFinalBakeTime } from '../../lib/core/private/rollout-checks';
import { inheritedDefaults, registerDefaultsProvider, withLaneDefaults } from '../../lib/core/private/lane-defaults';

const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');

/** A construct offering lane defaults, as HybridTopology does. */
class Provider extends Construct {
  constructor(scope: Construct, id: string, public readonly laneDefaults: LaneDefaults) { super(scope, id); registerDefaultsProvider(this); }
}

interface Props {
  readonly artifact?: ModelArtifact;
  readonly autoscaling?: AutoscalingPolicy;
  readonly slo?: ServiceLevelObjective;
  readonly rollout?: Rollout;
}

function thrown(fn: () => unknown): LaneValidationError {
  try { fn(); } catch (e) { return e as LaneValidationError; }
  throw new Error('did not throw');
}

describe('lane defaults (withLaneDefaults / inheritedDefaults)', () => {
  const artifact = ModelArtifact.fromAsset(FP32, { name: 'm', version: '1' });
  const own = ModelArtifact.fromAsset(FP32, { name: 'own', version: '2' });
  const policy = new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(50)] });
  const slo = new ServiceLevelObjective({ latencyThreshold: Duration.millis(200) });
  const rollout = Rollout.allAtOnce();

  test('outside any provider nothing is inherited and a missing artifact is required, with the lane named', () => {
    const stack = new Stack(new App(), 'S');
    const lane = new Construct(stack, 'Lane');
    expect(inheritedDefaults(lane)).toEqual({});
    expect(() => withLaneDefaults<Props>(lane, {}, 'ManagedEndpoint', ['artifact'])).toThrow(
      "S/Lane: 'artifact' is required. Fix: Pass the ModelArtifact it serves to the ManagedEndpoint, or create it inside a HybridTopology that has one.",
    );
    expect(() => withLaneDefaults<Props, 'artifact' | 'autoscaling'>(lane, { artifact }, 'QueueDrainedWorkers', ['artifact', 'autoscaling'], ['artifact', 'autoscaling'])).toThrow(
      "S/Lane: 'autoscaling' is required. Fix: Pass an AutoscalingPolicy (AutoscalingPolicy.fixed(n) for a fixed fleet) to the QueueDrainedWorkers, or create it inside a HybridTopology that has one.",
    );
    // autoscaling is not required by default
    expect(withLaneDefaults<Props>(lane, { artifact }, 'ManagedEndpoint', ['artifact', 'autoscaling'])).toEqual({ artifact });
  });

  test('a lane inside a provider takes only the listed keys it was not given; its own values win; props are copied', () => {
    const stack = new Stack(new App(), 'S');
    const topo = new Provider(stack, 'Topo', { artifact, autoscaling: policy, slo, rollout });
    const lane = new Construct(topo, 'Lane');
    expect(inheritedDefaults(lane)).toBe(topo.laneDefaults);
    const given: Props = { artifact: own };
    const filled = withLaneDefaults<Props>(lane, given, 'EdgeFleetChannel', ['artifact', 'rollout']);
    expect(filled).toEqual({ artifact: own, rollout });
    expect(filled.artifact).toBe(own);
    expect(filled.rollout).toBe(rollout);
    expect(filled).not.toBe(given);
    expect(given).toEqual({ artifact: own });
    const all = withLaneDefaults<Props, 'artifact' | 'autoscaling'>(lane, {}, 'ManagedEndpoint', ['artifact', 'autoscaling', 'slo', 'rollout'], ['artifact', 'autoscaling']);
    expect(all).toEqual({ artifact, autoscaling: policy, slo, rollout });
  });

  test('InferenceLaneBase.provideDefaults registers a construct of your own as a provider (kills its emptied body)', () => {
    const stack = new Stack(new App(), 'S');
    class Team extends Construct {
      public readonly laneDefaults: LaneDefaults = { artifact, rollout };
      constructor(scope: Construct, id: string) { super(scope, id); InferenceLaneBase.provideDefaults(this); }
    }
    const team = new Team(stack, 'Team');
    const lane = new Construct(team, 'Lane');
    expect(inheritedDefaults(lane)).toBe(team.laneDefaults);
    expect(withLaneDefaults<Props>(lane, {}, 'EdgeFleetChannel', ['artifact', 'rollout'])).toEqual({ artifact, rollout });
    class Unregistered extends Construct { public readonly laneDefaults: LaneDefaults = { artifact }; }
    expect(inheritedDefaults(new Construct(new Unregistered(stack, 'Other'), 'Lane'))).toEqual({});
  });

  test('the nearest provider wins; the lane itself is not its own provider; deeper scopes inherit', () => {
    const stack = new Stack(new App(), 'S');
    const outer = new Provider(stack, 'Outer', { artifact });
    const inner = new Provider(outer, 'Inner', { artifact: own });
    expect(inheritedDefaults(new Construct(inner, 'Lane'))).toBe(inner.laneDefaults);
    expect(inheritedDefaults(new Construct(new Construct(outer, 'Group'), 'Lane'))).toBe(outer.laneDefaults);
    // A provider asking for its own defaults gets its parent's, not its own.
    expect(inheritedDefaults(inner)).toBe(outer.laneDefaults);
    expect(inheritedDefaults(outer)).toEqual({});
    // A provider at the root of the tree counts too (kills i > 0).
    const rootProvider = new Provider(undefined as unknown as Construct, 'Root', { rollout });
    expect(inheritedDefaults(new Construct(rootProvider, 'Lane'))).toBe(rootProvider.laneDefaults);
    // A construct whose laneDefaults is undefined is not a provider.
    const notProvider = new Provider(stack, 'NotProvider', undefined as unknown as LaneDefaults);
    expect(inheritedDefaults(new Construct(notProvider, 'Lane'))).toEqual({});
  });

  test('an error about an inherited prop says where the value came from; a given prop gets the plain message', () => {
    const stack = new Stack(new App(), 'S');
    const topo = new Provider(stack, 'Topo', { artifact, autoscaling: policy });
    const lane = new Construct(topo, 'Lane');
    withLaneDefaults<Props>(lane, {}, 'ManagedEndpoint', ['artifact', 'autoscaling']);
    const child = new Construct(lane, 'Scaling');
    const e = thrown(() => { throw invalid(child, 'autoscaling.maxCapacity', 40, 'must be at most 10', 'Lower maxCapacity.'); });
    expect(e.message).toBe(
      "S/Topo/Lane/Scaling: 'autoscaling.maxCapacity' (40) must be at most 10. Fix: Lower maxCapacity. (The 'autoscaling' was not passed to S/Topo/Lane: "
      + "it was inherited from the topology S/Topo. Pass 'autoscaling' to the lane to override it there.)",
    );
    expect(e.fix).toContain('inherited from the topology S/Topo');
    // the key is the prop's first segment for '.', '[' and ' ' paths
    expect(invalid(lane, 'artifact[0]', 1, 'p', 'f.').fix).toContain("The 'artifact' was not passed to S/Topo/Lane");
    expect(invalid(lane, 'artifact (platform)', 1, 'p', 'f.').fix).toContain("The 'artifact' was not passed");
    // not inherited: slo was not listed; a string scope never says inherited
    expect(invalid(lane, 'slo', 1, 'p', 'f.').fix).toBe('f.');
    expect(invalid('S/Topo/Lane', 'autoscaling', 1, 'p', 'f.').fix).toBe('f.');
    // a lane given its own value does not record inheritance
    const own2 = new Construct(topo, 'Own');
    withLaneDefaults<Props>(own2, { autoscaling: policy, artifact }, 'ManagedEndpoint', ['artifact', 'autoscaling']);
    expect(invalid(own2, 'autoscaling', 1, 'p', 'f.').fix).toBe('f.');
  });

  test('the search for an inherited prop reaches the root scope (kills i > 0)', () => {
    const app = new App();
    recordInherited(app, 'rollout', 'Topo');
    expect(invalid(app, 'rollout', 1, 'p', 'f.').fix).toBe(
      "f. (The 'rollout' was not passed to : it was inherited from the topology Topo. Pass 'rollout' to the lane to override it there.)",
    );
  });
});

describe('errors helpers', () => {
  test('whereOf: a string as is, a construct by path, the root (empty path and id) as <root>', () => {
    const app = new App();
    expect(whereOf('Rollout.canary')).toBe('Rollout.canary');
    expect(whereOf(new Stack(app, 'S'))).toBe('S');
    expect(whereOf(app)).toBe('<root>');
    expect(invalid(app, 'p', undefined, 'is required', 'Pass it.').message).toBe("<root>: 'p' is required. Fix: Pass it.");
  });

  test('LaneValidationError carries every part; a value of undefined is not quoted', () => {
    const e = invalid('W', 'prop', 'v', 'is bad', 'Fix it.');
    expect(e).toBeInstanceOf(LaneValidationError);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.where, e.prop, e.value, e.problem, e.fix]).toEqual(['LaneValidationError', 'W', 'prop', '"v"', 'is bad', 'Fix it.']);
    expect(e.message).toBe(`W: 'prop' ("v") is bad. Fix: Fix it.`);
    const u = invalid('W', 'prop', undefined, 'is required', 'Pass it.');
    expect(u.value).toBeUndefined();
    expect(u.message).toBe("W: 'prop' is required. Fix: Pass it.");
    expect(new LaneValidationError({ where: 'W', prop: 'p', problem: 'x', fix: 'y' }).message).toBe("W: 'p' x. Fix: y");
  });

  test('isConcreteNumber / isConcreteString: tokens and undefined are not concrete', () => {
    expect(isConcreteNumber(0)).toBe(true);
    expect(isConcreteNumber(undefined)).toBe(false);
    expect(isConcreteNumber(Token.asNumber({ Ref: 'X' }))).toBe(false);
    expect(isConcreteString('')).toBe(true);
    expect(isConcreteString(undefined)).toBe(false);
    expect(isConcreteString(Token.asString({ Ref: 'X' }))).toBe(false);
  });
});

describe('lane tags and Application Auto Scaling helpers', () => {
  test('tagLane tags every taggable resource with the model identity and lane kind, never scalable targets or dashboards', () => {
    expect(UNTAGGABLE_TYPES).toEqual(['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::CloudWatch::Dashboard']);
    const stack = new Stack(new App(), 'S');
    const artifact = ModelArtifact.fromAsset(FP32, { name: 'recsys', version: '7' });
    const lane = new Construct(stack, 'Lane');
    new sqs.Queue(lane, 'Queue');
    new appscaling.ScalableTarget(lane, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER, scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId: 'endpoint/e/variant/v', minCapacity: 1, maxCapacity: 2,
    });
    new cloudwatch.Dashboard(lane, 'Dash');
    tagLane(lane, artifact.bind(lane), LaneKind.BATCH_WORKERS);
    const t = Template.fromStack(stack);
    const tags = Object.values(t.findResources('AWS::SQS::Queue'))[0].Properties.Tags;
    expect(tags).toEqual(expect.arrayContaining([
      { Key: 'inference:lane', Value: 'batch-workers' },
      { Key: 'model:name', Value: 'recsys' },
      { Key: 'model:version', Value: '7' },
      { Key: 'model:target', Value: 'cpu-x86_64' },
    ]));
    expect(Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0].Properties.Tags).toBeUndefined();
    expect(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.Tags).toBeUndefined();
  });

  test('scheduleBounds: the window keeps its min and its max (else the larger of the policy max and its min), then restores the policy', () => {
    const policy = new AutoscalingPolicy({
      minCapacity: 2, maxCapacity: 6, triggers: [ScalingTrigger.cpuUtilization(50)],
      schedules: [
        { name: 'peak', start: { hour: '8', minute: '0' }, end: { hour: '18', minute: '0' }, minCapacity: 4 },
        { name: 'burst', start: { hour: '9', minute: '0' }, end: { hour: '10', minute: '0' }, minCapacity: 5, maxCapacity: 9 },
      ],
    });
    expect(scheduleBounds(policy, policy.schedules[0])).toEqual({ startMin: 4, startMax: 6, endMin: 2, endMax: 6 });
    expect(scheduleBounds(policy, policy.schedules[1])).toEqual({ startMin: 5, startMax: 9, endMin: 2, endMax: 6 });
    const big = { name: 'big', start: { hour: '8', minute: '0' }, end: { hour: '9', minute: '0' }, minCapacity: 8 };
    expect(scheduleBounds(policy, big)).toEqual({ startMin: 8, startMax: 8, endMin: 2, endMax: 6 });
  });

  test('rejectFinalBakeTime: an explicit finalBakeTime is a LaneValidationError naming the lane, the value, why and the fix; the default passes', () => {
    const stack = new Stack(new App(), 'S');
    const lane = new Construct(stack, 'Lane');
    const why = 'an ECS rolling deployment has no final bake phase';
    const fix = 'the alarms watch the deployment instead.';
    expect(() => rejectFinalBakeTime(lane, Rollout.allAtOnce({ finalBakeTime: Duration.minutes(5) }), why, fix))
      .toThrow(`S/Lane: 'rollout.finalBakeTime' (5 minutes) cannot be rendered: ${why}. Fix: Drop finalBakeTime; ${fix}`);
    expect(() => rejectFinalBakeTime(lane, Rollout.allAtOnce({ finalBakeTime: Duration.minutes(10) }), why, fix)).toThrow(/cannot be rendered/);
    expect(() => rejectFinalBakeTime(lane, Rollout.allAtOnce(), why, fix)).not.toThrow();
  });

  test('uniqueMetricId: the base plus the last 8 characters of the construct address', () => {
    const stack = new Stack(new App(), 'S');
    const c = new Construct(stack, 'Lane');
    expect(uniqueMetricId(c, 'inv')).toBe(`inv${c.node.addr.slice(-8)}`);
    expect(uniqueMetricId(c, 'inv')).toMatch(/^inv[0-9a-f]{8}$/);
  });
});

describe('defaults providers are registered, not guessed', () => {
  test('a construct that merely has a laneDefaults property provides nothing; a registered one does', () => {
    const stack = new Stack(new App(), 'Unregistered');
    const defaults: LaneDefaults = { rollout: Rollout.allAtOnce() };
    class Lookalike extends Construct {
      constructor(scope: Construct, id: string, public readonly laneDefaults: LaneDefaults) { super(scope, id); }
    }
    const lookalike = new Lookalike(stack, 'Lookalike', defaults);
    expect(inheritedDefaults(new Construct(lookalike, 'Lane'))).toEqual({});
    const registered = new Provider(stack, 'Registered', defaults);
    expect(inheritedDefaults(new Construct(registered, 'Lane')).rollout).toBe(defaults.rollout);
  });
});
