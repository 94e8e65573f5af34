import { App } from 'aws-cdk-lib';
import { createManagedEndpointStack } from './index';

const app = new App();
createManagedEndpointStack(app, 'ManagedEndpointExample');
app.synth();
