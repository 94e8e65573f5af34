import { App } from 'aws-cdk-lib';
import { createInferenceComponentStack, createManagedEndpointStack } from './index';

const app = new App();
createManagedEndpointStack(app, 'ManagedEndpointExample');
createInferenceComponentStack(app, 'InferenceComponentExample');
app.synth();
