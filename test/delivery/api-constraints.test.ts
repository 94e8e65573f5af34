import { execFileSync } from 'child_process';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeliveryAppSource, DeliveryStage, ModelDeliveryPipeline, ModelDeliverySource } from '../../lib/delivery';

/*
 * The emitted pipeline and projects against the service APIs' own limits (botocore's codepipeline and codebuild
 * models), which the CloudFormation schemas only partly repeat: name patterns and lengths, run orders, action
 * configuration values of at most 1,000 characters, CodeBuild timeouts of 5-2,160 minutes, enums. The largest
 * settings are used (bakes and deploy timeout up to the 8 hours CodePipeline waits for a CodeBuild action, a
 * 1,000-character approval comment).
 */

const LIMITS = JSON.parse(execFileSync('python3', ['-c', `
import json, botocore.session as s
cp = s.get_session().get_service_model('codepipeline'); cb = s.get_session().get_service_model('codebuild')
m = lambda svc, n: svc.shape_for(n).metadata
print(json.dumps({
  'stage': m(cp, 'StageName'), 'action': m(cp, 'ActionName'), 'namespace': m(cp, 'ActionNamespace'), 'runOrder': m(cp, 'ActionRunOrder'),
  'configValue': m(cp, 'ActionConfigurationValue'), 'pipelineTypes': cp.shape_for('PipelineType').enum, 'executionModes': cp.shape_for('ExecutionMode').enum,
  'timeout': cb.shape_for('CreateProjectInput').members['timeoutInMinutes'].metadata, 'computeTypes': cb.shape_for('ComputeType').enum,
  'envTypes': cb.shape_for('EnvironmentVariableType').enum,
}))`], { encoding: 'utf8' }));

function fits(value: string, limits: { min?: number; max?: number; pattern?: string }): boolean {
  return value.length >= (limits.min ?? 0) && value.length <= (limits.max ?? Infinity) && (!limits.pattern || new RegExp(`^(${limits.pattern})$`).test(value));
}

test('the largest pipeline fits the CodePipeline and CodeBuild API limits', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models');
  const alarms = Array.from({ length: 10 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, `arn:aws:cloudwatch:us-east-1:123456789012:alarm:Assistant-Baseline-Rollback-${i}`));
  new ModelDeliveryPipeline(stack, 'P', {
    pipelineName: 'assistant-model-delivery',
    source: ModelDeliverySource.s3Object(bucket, 'models/assistant/model.tar.gz'),
    app: DeliveryAppSource.s3Zip(bucket, 'apps/app.zip'),
    deployTimeout: Duration.hours(3),
    stages: [
      DeliveryStage.shadow({ alarms, bakeTime: Duration.hours(5) }),
      DeliveryStage.canary({ rollbackAlarms: alarms, bakeTime: Duration.hours(2), stacks: ['InferenceLanesHybrid', 'InferenceLanesEdge*'] }),
      DeliveryStage.approval({ notificationTopic: sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:123456789012:t'), comment: 'x'.repeat(1000) }),
      DeliveryStage.promote(),
    ],
  });
  const t = Template.fromStack(stack);
  const [pipeline] = Object.values<any>(t.findResources('AWS::CodePipeline::Pipeline'));
  const p = pipeline.Properties;
  expect(LIMITS.pipelineTypes).toContain(p.PipelineType);
  expect(LIMITS.executionModes).toContain(p.ExecutionMode);
  const problems: string[] = [];
  for (const stage of p.Stages) {
    if (!fits(stage.Name, LIMITS.stage)) { problems.push(`stage ${stage.Name}`); }
    for (const action of stage.Actions) {
      if (!fits(action.Name, LIMITS.action)) { problems.push(`action ${action.Name}`); }
      if (action.Namespace !== undefined && !fits(action.Namespace, LIMITS.namespace)) { problems.push(`namespace ${action.Namespace}`); }
      if (action.RunOrder < LIMITS.runOrder.min || action.RunOrder > LIMITS.runOrder.max) { problems.push(`runOrder ${action.RunOrder}`); }
      for (const [k, v] of Object.entries<any>(action.Configuration ?? {})) {
        const text = typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : undefined;
        if (text !== undefined && !fits(text, LIMITS.configValue)) { problems.push(`${action.Name}.${k} is ${text.length} characters`); }
      }
    }
  }
  for (const [id, r] of Object.entries<any>(t.findResources('AWS::CodeBuild::Project'))) {
    const minutes = r.Properties.TimeoutInMinutes;
    if (minutes < LIMITS.timeout.min || minutes > LIMITS.timeout.max) { problems.push(`${id} timeout ${minutes}`); }
    if (!LIMITS.computeTypes.includes(r.Properties.Environment.ComputeType)) { problems.push(`${id} compute type`); }
    for (const v of r.Properties.Environment.EnvironmentVariables ?? []) {
      if (!LIMITS.envTypes.includes(v.Type)) { problems.push(`${id} env type ${v.Type}`); }
    }
  }
  expect(problems).toEqual([]);
  // The largest timeouts: shadow = 3 h + 5 h, canary = 2 x 3 h + 2 h: 480 minutes, CodePipeline's 8 hours.
  expect(Math.max(...Object.values<any>(t.findResources('AWS::CodeBuild::Project')).map((r) => r.Properties.TimeoutInMinutes))).toBe(480);
});
