/** Integration test of examples/edge-privacy (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createEdgePrivacyStack } from '../../examples/edge-privacy';
import { assertLaneResources } from './lane-assertions';

const app = new App();
const stack = createEdgePrivacyStack(app, 'IntegEdgePrivacy');
const test = new IntegTest(app, 'IntegEdgePrivacyInteg', { testCases: [stack] });
if (assertLaneResources(test, stack) === 0) throw new Error('no lane resource to assert');
app.synth();
