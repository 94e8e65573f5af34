import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { LaneCapacity, HardwareTarget, RouteTargetKind, ServiceLevelObjective } from '../../lib/core';
import { WarmServerlessFunction } from '../../lib/serverless';
import { routeProbe } from '../routing/route-probe';
import { baseProps, newStack } from './fixtures';

describe('WarmServerlessFunction.routeTarget()', () => {
  test('the alias (owner of the warm pool): InvokeFunction on the alias ARN only, failover on its SLO alarms', () => {
    const stack = newStack();
    const fn = new WarmServerlessFunction(stack, 'Burst', baseProps({ slo: ServiceLevelObjective.latency(95, Duration.millis(300)) }));
    const target = fn.routeTarget();
    expect(target?.kind).toBe(RouteTargetKind.LAMBDA);
    expect(fn.sloAlarms.length).toBeGreaterThan(0);
    const p = routeProbe(stack, target);
    const invoke = p.statements.filter(s => s.Action === 'lambda:InvokeFunction');
    expect(invoke).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: p.resolve(fn.alias.functionArn) }]);
    expect(p.resolve(fn.alias.functionArn)).toEqual({ Ref: expect.stringMatching(/^BurstAlias/) });
    expect(p.watchedAlarms).toEqual(fn.sloAlarms.map(a => p.resolve(a.alarmArn)));
  });

  test('an imported alias routes to its alias ARN; calling routeTarget() twice reuses one reference', () => {
    const stack = newStack();
    const capacity: LaneCapacity = { minInstances: 1, maxInstances: 5, instanceType: 'lambda-2048MB-arm64', hardware: HardwareTarget.CPU_ARM64, priceClass: 'per-request', description: '1-5 warm' };
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'A', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:warm-latency');
    const fn = WarmServerlessFunction.fromFunctionAttributes(stack, 'Imported', {
      functionName: 'assistant-warm', aliasName: 'live', artifactName: 'assistant', artifactVersion: '1.4.0', capacity, sloAlarms: [alarm],
    });
    expect(fn.routeTarget()?.identity).toBe(fn.routeTarget()?.identity);
    const p = routeProbe(stack, fn.routeTarget());
    expect(p.statements).toContainEqual({
      Action: 'lambda:InvokeFunction', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:us-east-1:123456789012:function:assistant-warm:live']] },
    });
    expect(p.watchedAlarms).toEqual(['arn:aws:cloudwatch:us-east-1:123456789012:alarm:warm-latency']);
  });
});
