import { Duration, Size } from 'aws-cdk-lib';
import { RouteTargetKind, ServiceLevelObjective } from '../../lib/core';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { routeProbe } from '../routing/route-probe';
import { artifact, newStack } from './helpers';

const SLO = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });

describe('ManagedEndpoint.routeTarget()', () => {
  test('real-time: InvokeEndpoint on exactly this endpoint\'s ARN, its name in the router config, failover on its rollback alarms', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), slo: SLO });
    const target = endpoint.routeTarget();
    expect(target?.kind).toBe(RouteTargetKind.SAGEMAKER_ENDPOINT);
    expect(endpoint.sloAlarms.length).toBeGreaterThan(0);
    const p = routeProbe(stack, target);
    expect(p.statements).toContainEqual({ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: p.resolve(endpoint.endpointArn) });
    expect(p.statements.filter(s => String(s.Action).startsWith('sagemaker:'))).toHaveLength(1);
    expect(p.config).toContain(`"endpointName":"",${JSON.stringify(p.resolve(endpoint.endpointName))}`);
    expect(p.watchedAlarms).toEqual(endpoint.sloAlarms.map(a => p.resolve(a.alarmArn)));
  });

  test('serverless: a SageMaker target too; without an SLO there are no alarms and so no failover rule', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.serverless({ memorySize: Size.gibibytes(2), maxConcurrency: 5 }),
    });
    const target = endpoint.routeTarget();
    expect(target?.kind).toBe(RouteTargetKind.SAGEMAKER_ENDPOINT);
    expect(target?.alarms).toEqual([]);
    const p = routeProbe(stack, target);
    expect(p.statements).toContainEqual({ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: p.resolve(endpoint.endpointArn) });
    expect(p.watchedAlarms).toEqual([]);
  });

  test('asynchronous: no route target (requests go through S3 and InvokeEndpointAsync)', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }) });
    expect(endpoint.routeTarget()).toBeUndefined();
  });
});
