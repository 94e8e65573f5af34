import { App } from 'aws-cdk-lib';
import { createServerlessBurstStack } from './index';

const app = new App();
createServerlessBurstStack(app, 'ServerlessBurst');
app.synth();
