/** Integration test of examples/existing-app (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createExistingAppStack } from '../../examples/existing-app';
import { assertLaneResources } from './lane-assertions';

const app = new App();
const stack = createExistingAppStack(app, 'IntegExistingApp');
const test = new IntegTest(app, 'IntegExistingAppInteg', { testCases: [stack] });
if (assertLaneResources(test, stack) === 0) throw new Error('no lane resource to assert');
app.synth();
