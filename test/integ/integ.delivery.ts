/** Integration test of examples/delivery (`npm run integ` deploys it and asserts; `npm test` checks its snapshot offline). */
import { Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { createDeliveryApp } from '../../examples/delivery';

const { app, stack } = createDeliveryApp();
// The assertions live in the pipeline's own environment (the example's stack has an explicit account and Region).
const assertionStack = new Stack(app, 'IntegDeliveryDeployAssert', { env: { account: stack.account, region: stack.region } });
const test = new IntegTest(app, 'IntegDeliveryInteg', { testCases: [stack], assertionStack });
// The pipeline exists as a CodePipeline V2 pipeline.
test.assertions.awsApiCall('CodePipeline', 'getPipeline', { name: stack.delivery.pipeline.pipelineName })
  .expect(ExpectedResult.objectLike({ pipeline: { pipelineType: 'V2' } }));
app.synth();
