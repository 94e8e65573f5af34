import { App } from 'aws-cdk-lib';
import { createServerlessBurstStack, createSnapStartStack, createStreamingChatStack } from './index';

const app = new App();
createServerlessBurstStack(app, 'ServerlessBurst');
createStreamingChatStack(app, 'StreamingChat');
createSnapStartStack(app, 'SnapStartAssistant');
app.synth();
