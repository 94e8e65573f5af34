import { App } from 'aws-cdk-lib';
import { createDocumentBatchStack, createDocumentGpuBatchStack } from './index';

const app = new App();
createDocumentBatchStack(app, 'DocumentBatch');
createDocumentGpuBatchStack(app, 'DocumentGpuBatch');
app.synth();
