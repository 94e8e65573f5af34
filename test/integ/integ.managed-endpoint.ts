/** Integration test of examples/managed-endpoint (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createManagedEndpointStack } from '../../examples/managed-endpoint';
import { assertLaneResources } from './lane-assertions';

const app = new App();
const stack = createManagedEndpointStack(app, 'IntegManagedEndpoint');
const test = new IntegTest(app, 'IntegManagedEndpointInteg', { testCases: [stack] });
if (assertLaneResources(test, stack) === 0) throw new Error('no lane resource to assert');
app.synth();
