import { App } from 'aws-cdk-lib';
import { createGpuClusterStack } from './index';

const app = new App();
createGpuClusterStack(app, 'GpuClusterExample');
app.synth();
