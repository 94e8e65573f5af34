import { App } from 'aws-cdk-lib';
import { createDocumentBatchStack } from './index';

const app = new App();
createDocumentBatchStack(app, 'DocumentBatch');
app.synth();
