/** Integration test of examples/hybrid (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createHybridApp } from '../../examples/hybrid';
import { assertLaneResources } from './lane-assertions';

const app = new App();
const { stack } = createHybridApp({ app });
const test = new IntegTest(app, 'IntegHybridInteg', { testCases: [stack] });
if (assertLaneResources(test, stack) === 0) throw new Error('no lane resource to assert');
app.synth();
