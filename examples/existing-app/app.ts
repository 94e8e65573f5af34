import { App } from 'aws-cdk-lib';
import { createExistingAppStack } from './index';

const app = new App();
createExistingAppStack(app, 'ExistingAppWithLanes');
app.synth();
