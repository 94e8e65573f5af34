/** Integration test of examples/document-batch (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createDocumentBatchStack } from '../../examples/document-batch';
import { assertLaneResources } from './lane-assertions';

const app = new App();
const stack = createDocumentBatchStack(app, 'IntegDocumentBatch');
const test = new IntegTest(app, 'IntegDocumentBatchInteg', { testCases: [stack] });
if (assertLaneResources(test, stack) === 0) throw new Error('no lane resource to assert');
app.synth();
