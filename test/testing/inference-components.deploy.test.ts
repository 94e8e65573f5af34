import { App } from 'aws-cdk-lib';
import './fixtures';
import { createInferenceComponentStack } from '../../examples/managed-endpoint/inference-components';
import { LocalDeploy, LocalDeployResult } from '../../lib/testing';

/*
 * The inference-component example on moto (about 15 s): before LocalDeploy adapted the endpoint config,
 * moto's SageMaker crashed on it (KeyError: 'ModelName': an endpoint config for inference components
 * names no model on its variants) and the whole stack failed. Now the stack completes, the endpoint
 * config and endpoint exist, and what moto cannot do is listed with its reason: the components
 * (no CreateInferenceComponent) and their copy-count scaling (no such dimension in moto).
 */
let deployment: LocalDeploy | undefined;
let result: LocalDeployResult;

beforeAll(() => {
  if (!LocalDeploy.isInstalled()) {
    throw new Error("moto_server/python3 not found: pip install 'moto[server]' boto3");
  }
  deployment = LocalDeploy.deployStack(createInferenceComponentStack(new App(), 'InferenceComponentsLocal'), { timeoutSeconds: 300 });
  result = deployment.result;
}, 600_000);

afterAll(() => {
  deployment?.stop();
});

test('CREATE_COMPLETE: the endpoint config (adapted, and said so) and the endpoint exist on moto', () => {
  expect(result.stackStatus).toBe('CREATE_COMPLETE');
  const created = result.created.map((c) => c.resourceType);
  expect(created).toEqual(expect.arrayContaining(['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint']));
  expect(result.adaptations.map((a) => a.change)).toContainEqual(expect.stringMatching(/^variant primary names the model of inference component AssistantInferenceComponent/));
});

test('the components and their copy-count scaling are not created, each with moto\'s gap as the reason', () => {
  const notCreated = (type: string) => result.notCreated.filter((n) => n.resourceType === type);
  expect(notCreated('AWS::SageMaker::InferenceComponent')).toHaveLength(2);
  for (const n of notCreated('AWS::SageMaker::InferenceComponent')) {
    expect(n.reason).toMatch(/^moto lacks the API: CreateInferenceComponent is not implemented by moto/);
  }
  expect(notCreated('AWS::ApplicationAutoScaling::ScalableTarget').map((n) => n.reason)).toEqual([
    expect.stringMatching(/does not know the scalable dimension sagemaker:inference-component:DesiredCopyCount/),
    expect.stringMatching(/does not know the scalable dimension sagemaker:inference-component:DesiredCopyCount/),
  ]);
  // The SLO alarms do not depend on the components: created through the API.
  expect(result.createdViaApi.filter((c) => c.resourceType === 'AWS::CloudWatch::Alarm').length).toBeGreaterThanOrEqual(4);
});
