/** Integration test of examples/serverless-burst (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createServerlessBurstStack } from '../../examples/serverless-burst';
import { assertLaneResources } from './lane-assertions';

const app = new App();
const stack = createServerlessBurstStack(app, 'IntegServerlessBurst');
const test = new IntegTest(app, 'IntegServerlessBurstInteg', { testCases: [stack] });
if (assertLaneResources(test, stack) === 0) throw new Error('no lane resource to assert');
app.synth();
