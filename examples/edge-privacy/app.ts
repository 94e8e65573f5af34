import { App } from 'aws-cdk-lib';
import { createEdgePrivacyStack } from './index';

const app = new App();
createEdgePrivacyStack(app, 'EdgePrivacy');
app.synth();
