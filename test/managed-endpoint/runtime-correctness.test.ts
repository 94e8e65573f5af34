import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  AutoscalingPolicy, InferenceLaneBase, LaneDefaults, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage, ShadowTraffic,
} from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { modelFromConstructs } from '../../lib/simulation';
import { AlarmEvaluator, SeriesStore } from '../../lib/simulation/metrics';
import { ApiContract } from '../../lib/testing';
import {
  artifact, bucketOf, construct, endpointStack, newStack, only, statementsWith,
} from './helpers';

/*
 * Issue 12 (managed endpoint): what lints clean but fails in a real account. Each test asserts the
 * emitted template and fails on the code before the fix.
 */

const SLO = ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 });
const SCALING = new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 6, triggers: [ScalingTrigger.inFlightPerInstance(4)] });

function routing(template: Template): any {
  return only(template, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration;
}

describe('1. every emitted SageMaker shape satisfies the API model (required members, ranges, enums, patterns)', () => {
  test('ALL_AT_ONCE carries WaitIntervalInSeconds (TrafficRoutingConfig requires Type and WaitIntervalInSeconds)', () => {
    // the default 10-minute final bake is the all-at-once baking period (alarms watched)
    const { stack } = endpointStack({ slo: SLO, rollout: Rollout.allAtOnce() });
    expect(routing(Template.fromStack(stack))).toEqual({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 });
  });

  test('canary, linear, all at once, rolling, serverless, async with data capture, shadow, VPC, multi-model: no API problem', () => {
    const cases: [string, () => Stack][] = [
      ['canary', () => (endpointStack({ autoscaling: SCALING, slo: SLO, rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(10) }) }).stack)],
      ['linear', () => (endpointStack({ autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(5) }) }).stack)],
      ['all-at-once', () => (endpointStack({ slo: SLO, rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(0) }) }).stack)],
      ['rolling', () => (endpointStack({
        autoscaling: SCALING, slo: SLO,
        rollingUpdate: { maximumBatchPercent: 5, waitInterval: Duration.seconds(0), rollbackMaximumBatchPercent: 100, maximumExecutionTimeout: Duration.hours(8) },
      }).stack)],
      ['shadow+capture', () => {
        const { stack } = endpointStack({ autoscaling: SCALING, slo: SLO, dataCapture: { samplingPercent: 100, jsonContentTypes: ['application/json'] } });
        return stack;
      }],
      ['serverless', () => {
        const stack = newStack();
        new ManagedEndpoint(stack, 'Endpoint', {
          artifact: artifact(stack), mode: EndpointMode.serverless({ memorySize: Size.gibibytes(6), maxConcurrency: 200, provisionedConcurrency: 200 }),
        });
        return stack;
      }],
      ['async', () => {
        const stack = newStack();
        new ManagedEndpoint(stack, 'Endpoint', {
          artifact: artifact(stack),
          mode: EndpointMode.asynchronous({ instanceType: 'ml.g5.xlarge', successTopic: new sns.Topic(stack, 'Ok'), errorTopic: new sns.Topic(stack, 'Err'), includeResponseInSuccessTopic: true, maxConcurrentInvocationsPerInstance: 1000 }),
          autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
          dataCapture: { samplingPercent: 0 },
          slo: SLO,
          rollout: Rollout.allAtOnce(),
        });
        return stack;
      }],
      ['shadow+vpc', () => {
        const stack = newStack();
        const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'm', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
        new ManagedEndpoint(stack, 'Endpoint', {
          artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large', containerStartupHealthCheckTimeout: Duration.seconds(60), modelDataDownloadTimeout: Duration.hours(1), volumeSize: Size.gibibytes(512) }),
          autoscaling: SCALING, slo: SLO, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, networkIsolation: true,
          shadow: ShadowTraffic.mirror(artifact(stack, '1.5.0'), 100),
          environment: { LOG_LEVEL: 'info' },
        });
        return stack;
      }],
    ];
    const results = ApiContract.validateStacks(cases.map(([, make]) => make()));
    for (const [i, result] of results.entries()) {
      // Model, endpoint config and endpoint are mapped onto CreateModel / CreateEndpointConfig / CreateEndpoint.
      const sageMaker = result.resources.filter(r => r.resourceType.startsWith('AWS::SageMaker::'));
      expect({ case: cases[i][0], covered: sageMaker.length >= 3, errors: ApiContract.format(result.errors) }).toEqual({ case: cases[i][0], covered: true, errors: '' });
    }
  });

  test('ApiContract catches what the old code emitted (a missing WaitIntervalInSeconds, a timeout above 28,800 s)', () => {
    const template = {
      Resources: {
        Endpoint: {
          Type: 'AWS::SageMaker::Endpoint',
          Properties: {
            EndpointConfigName: 'c',
            DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' }, MaximumExecutionTimeoutInSeconds: 28801 } },
          },
        },
      },
    };
    const result = ApiContract.validateTemplate(JSON.stringify(template));
    const found = result.errors.map(e => `${e.ruleId} ${e.propertyPath}`);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^required DeploymentConfig\.BlueGreenUpdatePolicy\.TrafficRoutingConfiguration/),
      'range DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds',
    ]));
  });
});

describe('2. the execution role may DescribeAlarms on exactly the rollback alarms', () => {
  test('the SLO alarms (by their literal names) and the rollout\'s own alarms, nothing else', () => {
    const stack = newStack();
    const business = new cloudwatch.Alarm(stack, 'Business', {
      alarmName: 'checkout-conversion-drop', metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Conversion' }), threshold: 1, evaluationPeriods: 1,
    });
    const imported = cloudwatch.Alarm.fromAlarmArn(stack, 'Imported', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:legacy-5xx');
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      slo: SLO, rollout: Rollout.allAtOnce({ alarms: [business, imported] }),
    });
    const t = Template.fromStack(stack);
    const statements = statementsWith(t, 'cloudwatch:DescribeAlarms');
    expect(statements).toHaveLength(1);
    const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:eu-west-1:111122223333:alarm:${name}`]] });
    const sloNames = only(t, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms.map((a: any) => a.AlarmName);
    expect(sloNames).toEqual([expect.stringMatching(/SloLatency/), expect.stringMatching(/SloErrorRate/), 'checkout-conversion-drop', 'legacy-5xx']);
    expect(statements[0]).toEqual({
      Action: 'cloudwatch:DescribeAlarms',
      Effect: 'Allow',
      Resource: [arn(sloNames[0]), arn(sloNames[1]), arn('checkout-conversion-drop'), 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:legacy-5xx'],
    });
  });

  test('rolling updates too; no grant without auto rollback', () => {
    const rolling = Template.fromStack(endpointStack({ autoscaling: SCALING, slo: SLO, rollingUpdate: { maximumBatchPercent: 25, waitInterval: Duration.minutes(1) } }).stack);
    expect(statementsWith(rolling, 'cloudwatch:DescribeAlarms')[0].Resource).toHaveLength(2);
    const noRollback = Template.fromStack(endpointStack({ slo: SLO, rollout: Rollout.allAtOnce({ autoRollback: false }) }).stack);
    expect(statementsWith(noRollback, 'cloudwatch:DescribeAlarms')).toEqual([]);
    expect(only(noRollback, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.AutoRollbackConfiguration).toBeUndefined();
  });
});

describe('3. deployment guardrails only on real-time and async', () => {
  const serverless = () => EndpointMode.serverless({ memorySize: Size.gibibytes(2), maxConcurrency: 10 });

  test.each([
    ['all at once', () => Rollout.allAtOnce({ alarms: [] })],
    ['canary', () => Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) })],
    ['linear', () => Rollout.linear({ stepPercent: 20, interval: Duration.minutes(5) })],
  ])('a %s rollout on serverless is rejected', (_name, rollout) => {
    expect(construct(() => ({ mode: serverless(), slo: SLO, rollout: rollout() }))).toThrow(
      /Test\/Endpoint: 'rollout' \(".*"\) cannot be honoured on a serverless endpoint: SageMaker deployment guardrails \(blue\/green traffic shifting, baking and alarm rollback\) apply to real-time and asynchronous endpoints only\. Fix: Drop rollout/);
  });

  test('a serverless endpoint in a topology does not inherit its rollout; a real-time one does', () => {
    class Provider extends Construct {
      public readonly laneDefaults: LaneDefaults;
      constructor(scope: Construct, id: string, defaults: LaneDefaults) { super(scope, id); this.laneDefaults = defaults; InferenceLaneBase.provideDefaults(this); }
    }
    const stack = newStack();
    const group = new Provider(stack, 'Group', { artifact: artifact(stack), slo: SLO, rollout: Rollout.allAtOnce() });
    new ManagedEndpoint(group, 'Burst', { mode: serverless() });
    new ManagedEndpoint(group, 'Baseline', { mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
    const endpoints = Object.entries(Template.fromStack(stack).findResources('AWS::SageMaker::Endpoint'));
    const byId = (prefix: string) => endpoints.find(([id]) => id.startsWith(prefix))![1] as any;
    expect(byId('GroupBurst').Properties.DeploymentConfig).toBeUndefined();
    expect(byId('GroupBaseline').Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 });
  });

  test('async endpoints keep guardrails (canary on 2 instances)', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
      slo: SLO, rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(5) }),
    });
    expect(routing(Template.fromStack(stack))).toEqual({ Type: 'CANARY', WaitIntervalInSeconds: 300, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 50 } });
  });
});

describe('4. the serving image must be in the endpoint\'s Region', () => {
  const dlc = (region: string) => `763104351884.dkr.ecr.${region}.amazonaws.com/pytorch-inference:2.3.0-cpu-py311`;
  const withImage = (stack: Stack, image: ServingImage) => ModelArtifact.fromBucket(bucketOf(stack), 'm/model.tar.gz', { name: 'assistant', version: '1', image });

  test('an ECR image URI in another Region is rejected', () => {
    expect(construct(s => ({ artifact: withImage(s, ServingImage.fromRegistry(dlc('us-east-1'))) }))).toThrow(
      /Test\/Endpoint: 'artifact' \("assistant@1 image 763104351884.dkr.ecr.us-east-1.amazonaws.com\/pytorch-inference:2.3.0-cpu-py311"\) is in us-east-1, but the endpoint is in eu-west-1: SageMaker pulls serving images from ECR in the endpoint's Region only\. Fix: Replicate the image to eu-west-1/);
  });

  test('an imported ECR repository in another Region is rejected', () => {
    expect(construct(s => ({
      artifact: withImage(s, ServingImage.fromEcrRepository(ecr.Repository.fromRepositoryArn(s, 'Far', 'arn:aws:ecr:us-west-2:111122223333:repository/serving'), '1')),
    }))).toThrow(/'artifact' \("assistant@1 image Test\/Far \(us-west-2\)"\) is in us-west-2, but the endpoint is in eu-west-1/);
  });

  test('the same Region is accepted without a warning', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', { artifact: withImage(stack, ServingImage.fromRegistry(dlc('eu-west-1'))), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
    only(Template.fromStack(stack), 'AWS::SageMaker::Model');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('pulls images'))).toEqual([]);
  });

  test('a region-agnostic stack gets a synth warning naming the image Region', () => {
    const stack = newStack({});
    new ManagedEndpoint(stack, 'Endpoint', { artifact: withImage(stack, ServingImage.fromRegistry(dlc('us-east-1'))), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }) });
    Annotations.fromStack(stack).hasWarning('/Test/Endpoint', Match.stringLikeRegexp(
      "The serving image of assistant@1 is in us-east-1 .*SageMaker pulls images from the endpoint's Region only, and this stack is region-agnostic: deploy it to us-east-1"));
  });
});

describe('5. changing the instance type of an autoscaled variant replaces the endpoint instead of failing the update', () => {
  function synth(instanceType: string, autoscaling: AutoscalingPolicy | undefined, version = '1.4.0'): Template {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', { artifact: artifact(stack, version), mode: EndpointMode.realTime({ instanceType }), autoscaling, slo: SLO, rollout: Rollout.allAtOnce() });
    return Template.fromStack(stack);
  }

  test('instance type A vs B: a new endpoint logical ID, and the scalable target and its policy move to it', () => {
    const a = synth('ml.m5.large', SCALING);
    const b = synth('ml.m5.xlarge', SCALING);
    const endpointA = only(a, 'AWS::SageMaker::Endpoint').logicalId;
    const endpointB = only(b, 'AWS::SageMaker::Endpoint').logicalId;
    expect(endpointA).toMatch(/^Endpoint[0-9A-F]{8}mlm5large$/);
    expect(endpointB).toMatch(/^Endpoint[0-9A-F]{8}mlm5xlarge$/);
    // B's scalable target registers the variant of B's endpoint: ResourceId changes, so CloudFormation
    // registers a new target and deregisters A's with A's endpoint during cleanup.
    for (const [t, id] of [[a, endpointA], [b, endpointB]] as const) {
      expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties.ResourceId).toEqual({ 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': [id, 'EndpointName'] }, '/variant/primary']] });
    }
    expect(only(b, 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].InstanceType).toBe('ml.m5.xlarge');
  });

  test('a new model version on the same instance type keeps the endpoint (a guarded blue/green update)', () => {
    expect(only(synth('ml.m5.large', SCALING, '1.5.0'), 'AWS::SageMaker::Endpoint').logicalId).toBe(only(synth('ml.m5.large', SCALING), 'AWS::SageMaker::Endpoint').logicalId);
  });

  test('a fixed fleet (no scalable target) keeps its endpoint across instance types', () => {
    const a = only(synth('ml.m5.large', undefined), 'AWS::SageMaker::Endpoint').logicalId;
    expect(only(synth('ml.m5.xlarge', undefined), 'AWS::SageMaker::Endpoint').logicalId).toBe(a);
    expect(a).toMatch(/^Endpoint[0-9A-F]{8}$/);
  });
});

describe('6. MaximumExecutionTimeoutInSeconds uses the API limit of 28,800 s', () => {
  test('waits of exactly 7 hours (+ 1 hour to provision) are accepted and emitted as 28,800', () => {
    // 10 linear steps of 40 minutes + a 20-minute final bake = 25,200 s; + 3,600 s = 28,800 s
    const { stack } = endpointStack({ autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(40), finalBakeTime: Duration.minutes(20) }) });
    const policy = only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy;
    expect(policy.MaximumExecutionTimeoutInSeconds).toBe(28800);
    expect(policy.TerminationWaitInSeconds).toBe(1200);
  });

  test('one more minute of bake is rejected', () => {
    expect(construct(() => ({ autoscaling: SCALING, slo: SLO, rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(40), finalBakeTime: Duration.minutes(21) }) })))
      .toThrow(/'rollout' \("LINEAR 10% \/ 40 minutes"\) waits 7 hours 1 minute in total; with an hour to provision the new fleet that exceeds SageMaker's 8-hour deployment limit/);
  });

  test('a rollout without waits gets an hour to provision the new fleet (3,600 s, inside 600-28,800)', () => {
    const { stack } = endpointStack({ slo: SLO, rollout: Rollout.allAtOnce({ finalBakeTime: Duration.minutes(0) }) });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds).toBe(3600);
  });
});

describe('6b. the final bake: watched all at once (baking period), a termination wait after canary/linear', () => {
  const policyOf = (rollout: Rollout) => only(Template.fromStack(endpointStack({ autoscaling: SCALING, slo: SLO, rollout }).stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy;

  test('ALL_AT_ONCE: finalBakeTime is WaitIntervalInSeconds (alarms watched), TerminationWaitInSeconds 0; timeout = bake + 1 h', () => {
    expect(policyOf(Rollout.allAtOnce({ finalBakeTime: Duration.minutes(15) }))).toEqual({
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 900 },
      TerminationWaitInSeconds: 0,
      MaximumExecutionTimeoutInSeconds: 900 + 3600,
    });
  });

  test('ALL_AT_ONCE: 3,600 s (the API maximum of WaitIntervalInSeconds) is accepted; 3,601 s is rejected', () => {
    expect(policyOf(Rollout.allAtOnce({ finalBakeTime: Duration.seconds(3600) }))).toEqual({
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 3600 },
      TerminationWaitInSeconds: 0,
      MaximumExecutionTimeoutInSeconds: 7200,
    });
    expect(() => Rollout.allAtOnce({ finalBakeTime: Duration.seconds(3601) }))
      .toThrow(/Rollout\.ALL_AT_ONCE: 'finalBakeTime' \(1 hour 1 second\) must be at most 1 hour\. Fix: Pass Duration\.minutes\(60\) or less\./);
  });

  test('CANARY: bakeTime is WaitIntervalInSeconds (watched), finalBakeTime TerminationWaitInSeconds (not watched); timeout = bake + final + 1 h', () => {
    expect(policyOf(Rollout.canary({ percent: 25, bakeTime: Duration.minutes(7), finalBakeTime: Duration.seconds(3600) }))).toEqual({
      TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 420, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 25 } },
      TerminationWaitInSeconds: 3600,
      MaximumExecutionTimeoutInSeconds: 420 + 3600 + 3600,
    });
  });

  test('LINEAR: every step waits WaitIntervalInSeconds; timeout = ceil(100 / step) × interval + final + 1 h', () => {
    // 30% steps: ceil(100 / 30) = 4 shifts of 5 minutes, 2-minute final bake
    expect(policyOf(Rollout.linear({ stepPercent: 30, interval: Duration.minutes(5), finalBakeTime: Duration.minutes(2) }))).toEqual({
      TrafficRoutingConfiguration: { Type: 'LINEAR', WaitIntervalInSeconds: 300, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 30 } },
      TerminationWaitInSeconds: 120,
      MaximumExecutionTimeoutInSeconds: 4 * 300 + 120 + 3600,
    });
  });

  test('a token final bake is rendered as given and leaves the timeout to SageMaker (no arithmetic on a token)', () => {
    const stack = newStack();
    const bake = new CfnParameter(stack, 'BakeSeconds', { type: 'Number', default: 600 });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }), slo: SLO,
      rollout: Rollout.allAtOnce({ finalBakeTime: Duration.seconds(bake.valueAsNumber) }),
    });
    const policy = only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.BlueGreenUpdatePolicy;
    expect(policy).toEqual({ TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: { Ref: 'BakeSeconds' } }, TerminationWaitInSeconds: 0 });
  });
});

test('7. the shadow model is tagged with its own version, the live model with the live one', () => {
  const stack = newStack();
  new ManagedEndpoint(stack, 'Endpoint', {
    artifact: artifact(stack), mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    autoscaling: SCALING, shadow: ShadowTraffic.mirror(artifact(stack, '1.5.0'), 20),
  });
  const models = Template.fromStack(stack).findResources('AWS::SageMaker::Model');
  const versionOf = (prefix: string) => {
    const [, model] = Object.entries(models).find(([id]) => id.startsWith(prefix))! as [string, any];
    return model.Properties.Tags.find((t: any) => t.Key === 'model:version').Value;
  };
  expect(versionOf('EndpointModel')).toBe('1.4.0');
  expect(versionOf('EndpointShadowModel')).toBe('1.5.0');
  // the rest of the lane carries the live version
  const config = only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties;
  expect(config.Tags).toEqual(expect.arrayContaining([{ Key: 'model:version', Value: '1.4.0' }]));
});

describe('sweep: permissions SageMaker needs at run time', () => {
  test('async notifications to KMS-encrypted topics: the role may use exactly those topic keys', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'TopicKey');
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack),
      mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large', successTopic: new sns.Topic(stack, 'Ok', { masterKey: key }) }),
    });
    const t = Template.fromStack(stack);
    const keyStatements = statementsWith(t, 'kms:GenerateDataKey*').filter(s => JSON.stringify(s.Resource).includes('TopicKey'));
    expect(keyStatements).toEqual([expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] } })]);
  });

  test('async scale from zero: HasBacklogWithoutCapacity (endpoint level, exists with zero instances) adds one instance', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ scaleToZero: true, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    });
    const t = Template.fromStack(stack);
    const alarm = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties).find(p => p.MetricName === 'HasBacklogWithoutCapacity');
    expect(alarm).toEqual(expect.objectContaining({
      Namespace: 'AWS/SageMaker', Statistic: 'Average', Period: 60, Threshold: 1, EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'EndpointName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointName'] } }],
      AlarmActions: [{ Ref: expect.stringMatching(/^EndpointScaleOutFromZero/) }],
    }));
    // the variant starts with one instance (the API requires InitialInstanceCount >= 1), min 0 lets it scale in
    expect(only(t, 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].InitialInstanceCount).toBe(1);
    expect(only(t, 'AWS::ApplicationAutoScaling::ScalableTarget').Properties.MinCapacity).toBe(0);
  });
});

describe('sweep: API limits the CloudFormation schema does not check', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['more than 5 security groups', construct(s => {
      const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'm', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(s, `Sg${i}`, { vpc })) };
    }), /'securityGroups' \(6\) exceeds the 5 security groups SageMaker accepts/],
    ['a VPC without the default private subnets', construct(s => ({
      vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'm', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    })), /'vpcSubnets' \("default: PRIVATE_WITH_EGRESS"\) selects no subnets of Test\/Vpc .*Fix: Pass vpcSubnets that exist/],
    ['a data-capture prefix among the async outputs (same bucket)', construct(() => ({
      mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }), dataCapture: { samplingPercent: 5, prefix: 'async-outputs/capture/' },
    })), /'dataCapture.prefix' \("async-outputs\/capture\/"\) overlaps mode.outputPrefix \("async-outputs\/"\) in the same bucket/],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  test('a data-capture prefix in another bucket may equal an async prefix', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }),
      dataCapture: { samplingPercent: 5, prefix: 'async-outputs/', bucket: bucketOf(stack) },
    });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.DataCaptureConfig.DestinationS3Uri).toBe('s3://model-bucket/async-outputs/');
  });

  test('ECR pull of an image URI in this Region is granted on exactly that repository', () => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: ModelArtifact.fromBucket(bucketOf(stack), 'm/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromRegistry('763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.3.0') }),
      mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    });
    const t = Template.fromStack(stack);
    expect(statementsWith(t, 'ecr:BatchGetImage')).toEqual([{
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Effect: 'Allow',
      // The partition of the image's own Region (core parseEcrImageUri), not the stack's AWS::Partition.
      Resource: 'arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference',
    }]);
    expect(statementsWith(t, 'ecr:GetAuthorizationToken')).toEqual([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]);
  });

  test.each([
    ['China', 'cn-north-1', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/serving:1.0', 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/serving'],
    ['GovCloud', 'us-gov-west-1', '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/team/serving:1.0', 'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/team/serving'],
    ['a FIPS endpoint', 'us-east-1', '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/serving@sha256:' + 'a'.repeat(64), 'arn:aws:ecr:us-east-1:123456789012:repository/serving'],
  ])('ECR pull of an image URI in %s is granted in the partition of the image\'s Region', (_where, region, uri, arn) => {
    const stack = newStack({ env: { account: '123456789012', region } });
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: ModelArtifact.fromBucket(bucketOf(stack), 'm/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromRegistry(uri) }),
      mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    });
    expect(statementsWith(Template.fromStack(stack), 'ecr:BatchGetImage').map(s => s.Resource)).toEqual([arn]);
  });

  test('an image outside ECR (another registry, ECR Public) is rejected: SageMaker hosting pulls from ECR only', () => {
    for (const uri of ['docker.io/library/nginx:1.27', 'public.ecr.aws/lambda/python:3.12']) {
      expect(construct(s => ({ artifact: ModelArtifact.fromBucket(bucketOf(s), 'm/model.tar.gz', { name: 'assistant', version: '1', image: ServingImage.fromRegistry(uri) }) })))
        .toThrow(/is not in Amazon ECR: SageMaker hosting pulls images from ECR only/);
    }
  });
});

describe('sweep: rollback alarms fire on a bad version, not on capacity or a quiet minute', () => {
  test('async: the time-in-queue alarm pages but is not a rollback alarm (and the role may not read it)', () => {
    const stack = newStack();
    const endpoint = new ManagedEndpoint(stack, 'Endpoint', {
      artifact: artifact(stack), mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }),
      autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
      slo: ServiceLevelObjective.latency(95, Duration.seconds(20), { maxErrorRatePercent: 2, maxTimeInQueue: Duration.minutes(15) }),
      rollout: Rollout.canary({ percent: 50, bakeTime: Duration.minutes(5) }),
    });
    const t = Template.fromStack(stack);
    const names = only(t, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms.map((a: any) => a.AlarmName);
    expect(names).toEqual([expect.stringMatching(/^Test-Endpoint-SloLatency-/), expect.stringMatching(/^Test-Endpoint-SloErrorRate-/)]);
    expect(statementsWith(t, 'cloudwatch:DescribeAlarms')[0].Resource).toHaveLength(2);
    expect(endpoint.sloPagingAlarms).toHaveLength(1);
    const queue = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties).filter(p => p.MetricName === 'ApproximateAgeOfOldestRequest' && p.Threshold === 900);
    expect(queue).toHaveLength(1);
    expect(queue[0].AlarmName).toBeUndefined();
  });

  test('the 5xx rollback alarm judges the last 5 minutes once they hold minRequestsPerPeriod requests: a bad version fires, a healthy one and a quiet window do not', () => {
    const { stack } = endpointStack({ slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 5, minRequestsPerPeriod: 30 }), rollout: Rollout.allAtOnce() });
    const alarm = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties).find(p => /SloErrorRate/.test(p.AlarmName ?? ''));
    // THEN emitted: a one-sided test of the window's 5xx count against 5% (z² > 3.09²), guarded by 30 requests;
    // one datapoint of 5-minute sums, judged every minute (sliding)
    expect(alarm.Metrics[0]).toEqual({ Id: 'expr_1', Expression: 'IF(inv >= 30 AND err > 0.05 * inv, (err - 0.05 * inv) * (err - 0.05 * inv) / (0.0475 * inv), 0)', Label: expect.any(String), ReturnData: true });
    expect(alarm.Metrics.slice(1).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period])).toEqual([['err', 'Invocation5XXErrors', 'Sum', 300], ['inv', 'Invocations', 'Sum', 300]]);
    expect([alarm.DatapointsToAlarm, alarm.EvaluationPeriods, alarm.Threshold, alarm.ComparisonOperator, alarm.TreatMissingData]).toEqual([1, 1, 9.5495, 'GreaterThanThreshold', 'notBreaching']);

    // AND replayed by the simulator's CloudWatch evaluator on the alarm as read back from the template
    const spec = modelFromConstructs([stack]).lanes[0].rollout!.alarms.find(a => /SloErrorRate/.test(a.alarmName ?? ''))!;
    const replay = (fill: (store: SeriesStore) => void): boolean => {
      const store = new SeriesStore(900);
      fill(store);
      const evaluator = new AlarmEvaluator(spec);
      let fired = false;
      for (let t = 60; t <= 900; t += 60) { fired = evaluator.evaluate(store, t) || fired; }
      return fired;
    };
    const steady = (rps: number, errorShare: number) => replay(store => {
      for (let t = 0; t < 900; t++) { store.data.requests[t] = rps; store.data.errors[t] = rps * errorShare; }
    });
    // a bad version, 1 RPS at 20% errors: 60 of 300 requests, (60 - 15)² / 14.25 = 142 > 9.5495
    expect(steady(1, 0.2)).toBe(true);
    // a healthy one: 1 RPS at 3% errors and 10 RPS at 4% (below the objective: the test reads 0)
    expect(steady(1, 0.03)).toBe(false);
    expect(steady(10, 0.04)).toBe(false);
    // a quiet window: 29 requests, all failing, stay under the 30-request guard; with 30 the window is judged
    const burst = (n: number) => replay(store => { store.data.requests[10] = n; store.data.errors[10] = n; });
    expect(burst(29)).toBe(false);
    expect(burst(30)).toBe(true);
  });
});

describe('sweep: a rollback restores the old bits', () => {
  const warnings = (key: string, version: string) => {
    const stack = newStack();
    new ManagedEndpoint(stack, 'Endpoint', {
      artifact: ModelArtifact.fromBucket(bucketOf(stack), key, { name: 'assistant', version, image: ServingImage.fromRegistry('763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.3.0') }),
      mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
    });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('a rollback'));
  };

  test('weights under a key without the version warn that a rollback could load overwritten weights', () => {
    expect(warnings('assistant/latest/model.tar.gz', '1.4.0').map(w => w.entry.data)).toEqual([expect.stringMatching(
      /^The weights of assistant@1.4.0 are at s3:\/\/…\/assistant\/latest\/model.tar.gz, a key without the version or a content hash: if a later version overwrites it, a rollback .* loads the new weights/)]);
  });

  test('an image by a moving tag (latest, or none) warns; a version tag or digest does not', () => {
    const imageWarnings = (image: (s: Stack) => ServingImage) => {
      const stack = newStack();
      new ManagedEndpoint(stack, 'Endpoint', {
        artifact: ModelArtifact.fromBucket(bucketOf(stack), 'assistant/1.4.0/model.tar.gz', { name: 'assistant', version: '1.4.0', image: image(stack) }),
        mode: EndpointMode.realTime({ instanceType: 'ml.m5.large' }),
      });
      return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('moving tag')).map(w => w.entry.data);
    };
    const dlc = '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference';
    expect(imageWarnings(s => ServingImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'R', 'serving')))).toEqual([
      expect.stringMatching(/^The serving image of assistant@1.4.0 is referenced by a moving tag \(:latest\): instances started later .* Pin a version tag or a sha256 digest\./)]);
    expect(imageWarnings(() => ServingImage.fromRegistry(dlc))).toHaveLength(1);
    expect(imageWarnings(() => ServingImage.fromRegistry(`${dlc}:latest`))).toHaveLength(1);
    expect(imageWarnings(() => ServingImage.fromRegistry(`${dlc}:2.3.0`))).toEqual([]);
    expect(imageWarnings(() => ServingImage.fromRegistry(`${dlc}@sha256:${'b'.repeat(64)}`))).toEqual([]);
    expect(imageWarnings(s => ServingImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'R', 'serving'), '1.4.0'))).toEqual([]);
  });

  test('versioned and content-addressed keys do not warn', () => {
    expect(warnings('assistant/1.4.0/model.tar.gz', '1.4.0')).toEqual([]);
    expect(warnings(`assets/${'a'.repeat(64)}.tar.gz`, '1.4.0')).toEqual([]);
  });
});

describe('sweep: a latency rollback alarm that a small canary cannot trip', () => {
  const warnings = (percent: number, percentile: number) => {
    const { stack } = endpointStack({
      autoscaling: SCALING, slo: ServiceLevelObjective.latency(percentile, Duration.millis(300)),
      rollout: Rollout.canary({ percent, bakeTime: Duration.minutes(5) }),
    });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cannot move')).map(w => w.entry.data);
  };

  test('a 5% canary under a p95 alarm warns (5% of the traffic cannot move p95); 6% does not', () => {
    expect(warnings(5, 95)).toEqual([expect.stringMatching(/^The canary takes 5% of the traffic, but the SLO's latency alarm watches p95 of the whole variant \(old and new fleet\): a share of at most 5% cannot move p95/)]);
    expect(warnings(6, 95)).toEqual([]);
    expect(warnings(1, 99.5)).toEqual([]);
    expect(warnings(1, 99)).toHaveLength(1);
  });
});
