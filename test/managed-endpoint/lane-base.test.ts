import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { App } from 'aws-cdk-lib';
import { AutoscalingPolicy, InferenceLaneBase, LaneKind, ScalingTrigger, ShadowTraffic, VersionFreeze } from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { artifact, endpointStack, newStack } from './helpers';

/*
 * Issue 14: ManagedEndpoint is a lane built on InferenceLaneBase; an imported endpoint is an
 * IManagedEndpoint (invoke it, read its metrics) but not a lane. Both share one copy of the endpoint
 * members (lib/managed-endpoint/private/endpoint-members.ts).
 */

test('new ManagedEndpoint(...) is an InferenceLaneBase and InferenceLaneBase.isInferenceLane recognises it', () => {
  const { endpoint } = endpointStack();
  expect(endpoint).toBeInstanceOf(InferenceLaneBase);
  expect(InferenceLaneBase.isInferenceLane(endpoint)).toBe(true);
  expect(endpoint.laneKind).toBe(LaneKind.MANAGED_ENDPOINT);
});

test('an imported endpoint is not a lane, and reads the same metrics as a created one', () => {
  const { stack, endpoint } = endpointStack();
  const imported = ManagedEndpoint.fromEndpointAttributes(stack, 'Legacy', { endpointName: 'Legacy-Chat' });
  expect(InferenceLaneBase.isInferenceLane(imported)).toBe(false);
  expect(imported).not.toBeInstanceOf(InferenceLaneBase);
  const shape = (m: cloudwatch.IMetric | undefined) => {
    const { namespace, metricName, statistic, unit } = m as cloudwatch.Metric;
    return { namespace, metricName, statistic, unit };
  };
  for (const read of [(e: typeof imported) => e.metricLatency(), (e: typeof imported) => e.metricErrors(), (e: typeof imported) => e.metricInvocations()]) {
    expect(shape(read(imported))).toEqual(shape(read(endpoint)));
  }
  expect(shape(imported.metricLatency())).toEqual({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency', statistic: 'Average', unit: cloudwatch.Unit.MICROSECONDS });
  expect((imported.metricErrors() as cloudwatch.Metric).dimensions).toEqual({ EndpointName: 'Legacy-Chat', VariantName: 'primary' });
});

test('bindModel tags every emitted resource with the live model and the lane; the shadow model keeps its own version', () => {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack),
    mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    shadow: ShadowTraffic.mirror(artifact(stack, '1.5.0'), 20),
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.inFlightPerInstance(4)] }),
  });
  const t = Template.fromStack(stack);
  const tagsOf = (type: string) => Object.values(t.findResources(type)).map((r: any) => Object.fromEntries((r.Properties.Tags ?? []).map((x: any) => [x.Key, x.Value])));
  for (const type of ['AWS::SageMaker::Endpoint', 'AWS::SageMaker::EndpointConfig', 'AWS::IAM::Role', 'AWS::KMS::Key']) {
    for (const tags of tagsOf(type)) {
      expect(tags).toEqual(expect.objectContaining({ 'inference:lane': LaneKind.MANAGED_ENDPOINT, 'model:name': 'assistant', 'model:version': '1.4.0' }));
    }
  }
  const models = tagsOf('AWS::SageMaker::Model').map(tags => tags['model:version']).sort();
  expect(models).toEqual(['1.4.0', '1.5.0']);
  // Scalable targets take no Tags in CloudFormation (tagLane excludes them).
  const targets = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
  expect(targets).toHaveLength(1);
  expect((targets[0] as any).Properties.Tags).toBeUndefined();
});

test('an emergency freeze (InferenceLaneBase) stops the synth of an endpoint serving another version, not of one serving the locked version', () => {
  const synth = (version: string) => {
    const stack = newStack();
    VersionFreeze.lock('1.4.0', { reason: 'incident 4711' }).applyTo(stack);
    new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack, version), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
    return () => (stack.node.root as App).synth();
  };
  expect(synth('1.5.0')).toThrow(/Test\/Endpoint: 'artifact.version' \("1.5.0"\) would be deployed while versions are frozen at 1.4.0 \(incident 4711/);
  expect(synth('1.4.0')).not.toThrow();
});
