import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import {
  AutoscalingPolicy, DynamicBatching, EdgeFleetChannel, EndpointMode, GpuServingChart, HardwareTarget, LaneValidationError, ManagedEndpoint,
  QueueDrainedWorkers, ScalingTrigger, WarmServerlessFunction,
} from '../../lib';
import { CapacityPlanner } from '../../lib/planning';
import { demoArtifact } from '../../examples/shared/artifact';

/*
 * The same mistake gets the same answer in every lane: a `dynamicBatching` that is not a
 * DynamicBatching (plain JavaScript, another jsii language) is one LaneValidationError, never a TypeError.
 */
const stack = () => new Stack(new App(), 'S');
const LANES: Array<[string, (b: unknown) => void, string]> = [
  ['ManagedEndpoint', b => new ManagedEndpoint(stack(), 'Lane', { artifact: demoArtifact(), mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), dynamicBatching: b as DynamicBatching }), 'S/Lane'],
  ['GpuServingChart', b => new GpuServingChart(new cdk8s.App(), 'Lane', { model: { name: 'm', version: '1', s3Uri: 's3://b/k' }, dynamicBatching: b as DynamicBatching } as any), 'Lane'],
  ['WarmServerlessFunction', b => new WarmServerlessFunction(stack(), 'Lane', {
    artifact: demoArtifact(), code: lambda.Code.fromInline('x'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X,
    autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }), dynamicBatching: b as DynamicBatching,
  }), 'S/Lane'],
  ['QueueDrainedWorkers', b => new QueueDrainedWorkers(stack(), 'Lane', { artifact: demoArtifact(), jobTimeout: Duration.minutes(1), autoscaling: AutoscalingPolicy.fixed(1), dynamicBatching: b as DynamicBatching }), 'S/Lane'],
  ['EdgeFleetChannel', b => new EdgeFleetChannel(stack(), 'Lane', { artifact: demoArtifact(), deviceClasses: [{ name: 'kiosks', target: HardwareTarget.EDGE_ARM64 }], dynamicBatching: b as DynamicBatching } as any), 'S/Lane'],
];

describe.each(LANES)('%s', (_lane, make, path) => {
  test.each<[string, unknown]>([
    ['a plain object', { maxBatchSize: 8, maxQueueDelay: Duration.millis(5) }],
    ['a number', 8],
    ['null', null],
  ])('rejects %s with the one wording', (_what, value) => {
    expect(() => make(value)).toThrow(LaneValidationError);
    expect(() => make(value)).toThrow(new RegExp(`^${path.replace('/', '\\/')}: 'dynamicBatching' \\(.*\\) is not a DynamicBatching\\. Fix: Pass new DynamicBatching\\(\\{ maxBatchSize: 16, maxQueueDelay: Duration\\.millis\\(5\\) \\}\\), or omit it\\.$`));
  });
});

test('a DynamicBatching is recognised by brand, also from another copy of the library', () => {
  const b = new DynamicBatching({ maxBatchSize: 4, maxQueueDelay: Duration.millis(1) });
  expect(DynamicBatching.isDynamicBatching(b)).toBe(true);
  expect(DynamicBatching.isDynamicBatching({ ...b })).toBe(false);
  const foreign = Object.create(null);
  Object.defineProperty(foreign, Symbol.for('cdk-inference-lanes.DynamicBatching'), { value: true });
  expect(DynamicBatching.isDynamicBatching(foreign)).toBe(true);
});

test('the capacity planner takes only a DynamicBatching too', () => {
  expect(() => CapacityPlanner.plan({ perInstanceRequestsPerSecond: 10, pricePerInstanceHour: 1, traffic: { baselineRequestsPerSecond: 100 }, dynamicBatching: {} as DynamicBatching }))
    .toThrow(/'dynamicBatching' \(\{\}\) is not a DynamicBatching/);
});
