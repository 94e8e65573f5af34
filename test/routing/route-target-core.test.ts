import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as core from '../../lib/core';
import * as routing from '../../lib/routing';

test('RouteTarget lives in lib/core; lib/routing re-exports the same class and enum', () => {
  expect(routing.RouteTarget).toBe(core.RouteTarget);
  expect(routing.RouteTargetKind).toBe(core.RouteTargetKind);
});

test('withAlarms: a copy of the same lane with other alarms; the original keeps its own', () => {
  const stack = new Stack(new App(), 'S');
  const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'A', 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:a');
  const target = core.RouteTarget.sageMakerEndpoint({ endpointName: 'baseline', alarms: [alarm] });
  const copy = target.withAlarms([]);
  expect(copy).toBeInstanceOf(core.RouteTarget);
  expect([copy.kind, copy.identity, copy.description]).toEqual([target.kind, target.identity, target.description]);
  expect(copy.alarms).toEqual([]);
  expect(target.alarms).toEqual([alarm]);
});
