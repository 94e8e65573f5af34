import { App, Stack } from 'aws-cdk-lib';
import { HardwareTarget } from '../../lib/core';
import { EdgeFleetChannel } from '../../lib/edge-fleet';
import { demoArtifact } from '../../examples/shared/artifact';

test('EdgeFleetChannel.routeTarget(): none (devices serve locally; nothing in the cloud takes requests)', () => {
  const stack = new Stack(new App(), 'S');
  const edge = new EdgeFleetChannel(stack, 'Edge', { artifact: demoArtifact(), deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], fleetHealth: false });
  expect(edge.routeTarget()).toBeUndefined();
});
