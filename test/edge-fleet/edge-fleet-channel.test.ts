import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HardwareTarget, InferenceLaneBase, LaneKind, ModelArtifact, ModelPrecision, ModelWeights, Rollout } from '../../lib';
import {
  EdgeFleetChannel, EdgeFleetChannelProps, FleetJobOptions, FleetRelease, FleetRing, JobExecutionStatus, JobFailureType, ReleaseStage,
} from '../../lib/edge-fleet';
import { MODEL_ENV_NAMES } from '../../lib/core/private/model-environment';
import { edgeArtifact } from '../../examples/edge-privacy';
import { demoArtifact } from '../../examples/shared/artifact';

const INT8 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'int8', 'model.tar.gz');
const INT8_HEX = crypto.createHash('sha256').update(fs.readFileSync(INT8)).digest('hex');
const CANARY = Rollout.canary({ percent: 10, bakeTime: Duration.minutes(60) });

function channel(props: Partial<EdgeFleetChannelProps> = {}, id: string = 'Edge'): { stack: Stack; edge: EdgeFleetChannel } {
  const stack = new Stack(new App(), 'S');
  const edge = new EdgeFleetChannel(stack, id, {
    artifact: demoArtifact(),
    deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }],
    ...props,
  });
  return { stack, edge };
}

function resourcesOf(t: Template, type: string): { [id: string]: any } {
  return t.findResources(type);
}

/** The InlineRecipe (an Fn::Join of strings and tokens) as an object, tokens replaced by `<token>`. */
function recipeOf(t: Template): any {
  const [component] = Object.values(resourcesOf(t, 'AWS::GreengrassV2::ComponentVersion'));
  const inline = component.Properties.InlineRecipe;
  const text = typeof inline === 'string' ? inline
    : inline['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join('');
  return JSON.parse(text);
}

function deploymentOf(t: Template, klass: string, ring: 'Canary' | 'Fleet'): any {
  const found = Object.entries(resourcesOf(t, 'AWS::GreengrassV2::Deployment')).filter(([id]) => id.startsWith(`Edge${klass}${ring}Deployment`));
  return found.length === 1 ? found[0][1] : undefined;
}

describe('a canary channel for arm64 gateways (canary stage)', () => {
  let t: Template;
  let edge: EdgeFleetChannel;
  beforeAll(() => {
    // GIVEN the demo model (int8 arm64 variant), a canary rollout, the fleet on 1.3.0
    const c = channel({
      rollout: CANARY,
      release: FleetRelease.canary('1.3.0'),
      runCommand: 'python3 -u serve.py --model "$MODEL_LOCAL_DIR"',
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64, expectedDevices: 200, configuration: { Threads: '2' } }],
    });
    edge = c.edge;
    t = Template.fromStack(c.stack);
  });

  test('the recipe ships the int8 arm64 build with its S3 URI and base64 SHA-256 digest', () => {
    const recipe = recipeOf(t);
    expect(recipe).toMatchObject({
      RecipeFormatVersion: '2020-01-25',
      ComponentName: 'models.assistant',
      ComponentVersion: '1.4.0',
      ComponentPublisher: 'ml-platform',
    });
    expect(recipe.Manifests).toHaveLength(1);
    const [m] = recipe.Manifests;
    expect(m.Platform).toEqual({ os: 'linux', architecture: 'aarch64' });
    expect(m.Artifacts).toEqual([{
      Uri: expect.stringMatching(/^<token>|^\{'Fn::Sub':'s3:\/\/cdk-hnb659fds-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.gz'\}$/),
      Digest: Buffer.from(INT8_HEX, 'hex').toString('base64'),
      Algorithm: 'SHA-256',
      Unarchive: 'NONE',
      Permission: { Read: 'OWNER', Execute: 'NONE' },
    }]);
  });

  test('the component gets the one MODEL_* environment of every lane (Lifecycle.Setenv), for its platform\'s build', () => {
    const [m] = recipeOf(t).Manifests;
    // THEN exactly the contract's names, in its order (an asset build with a digest sets every one)...
    expect(Object.keys(m.Lifecycle.Setenv)).toEqual([...MODEL_ENV_NAMES]);
    // ...with the int8 arm64 build's values and MODEL_LOCAL_DIR the verified, unpacked weights
    expect(m.Lifecycle.Setenv).toMatchObject({
      MODEL_NAME: 'assistant', MODEL_VERSION: '1.4.0', MODEL_FRAMEWORK: 'pytorch', MODEL_PRECISION: 'int8', MODEL_TARGET: 'edge-arm64',
      MODEL_S3_URI: m.Artifacts[0].Uri,
      MODEL_S3_BUCKET: "{'Fn::Sub':'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}'}",
      MODEL_S3_KEY: expect.stringMatching(/^[0-9a-f]{64}\.gz$/),
      MODEL_S3_IS_PREFIX: 'false', MODEL_COMPRESSED: 'true', MODEL_DIGEST: `sha256:${INT8_HEX}`,
      MODEL_LOCAL_DIR: `{work:path}/model-${INT8_HEX}`,
    });
    expect(JSON.parse(m.Lifecycle.Setenv.MODEL_CARD)).toEqual(JSON.parse(demoArtifact().cardJson()));
    // the edge-only names are retired
    expect(m.Lifecycle.Setenv.MODEL_DIR).toBeUndefined();
    expect(m.Lifecycle.Setenv.MODEL_SHA256).toBeUndefined();
  });

  test('the Install step verifies the synth-time SHA-256 before unpacking, and Run starts the model', () => {
    const m = recipeOf(t).Manifests[0];
    const script: string = m.Lifecycle.Install.Script;
    expect(script).toMatch(new RegExp(`^set -eu\\necho "${INT8_HEX}  \\{artifacts:path\\}/[0-9a-f]{64}\\.gz" \\| sha256sum -c -\\n`));
    expect(script.indexOf('sha256sum -c')).toBeLessThan(script.indexOf('tar -xzf'));
    expect(m.Lifecycle.Install).toMatchObject({ Timeout: 600, RequiresPrivilege: false, Skipif: `exists {work:path}/model-${INT8_HEX}/.verified` });
    expect(m.Lifecycle.Run).toEqual({ Script: 'python3 -u serve.py --model "$MODEL_LOCAL_DIR"', RequiresPrivilege: false });
    expect(recipeOf(t).ComponentConfiguration.DefaultConfiguration).toMatchObject({ ModelName: 'assistant', ModelVersion: '1.4.0', Framework: 'pytorch' });
  });

  test('component versions are retained: pinned rings and device rollbacks need them', () => {
    t.hasResource('AWS::GreengrassV2::ComponentVersion', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the canary ring gets the candidate, the fleet ring stays on 1.3.0', () => {
    expect(deploymentOf(t, 'gateways', 'Canary').Properties.Components).toEqual({ 'models.assistant': { ComponentVersion: '1.4.0', ConfigurationUpdate: { Merge: '{"Threads":"2"}' } } });
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.Components).toEqual({ 'models.assistant': { ComponentVersion: '1.3.0', ConfigurationUpdate: { Merge: '{"Threads":"2"}' } } });
    expect(edge.deployedVersion('gateways', FleetRing.CANARY)).toBe('1.4.0');
    expect(edge.deployedVersion('gateways', FleetRing.FLEET)).toBe('1.3.0');
    expect(edge.release.stage).toBe(ReleaseStage.CANARY);
  });

  test('each ring targets its own created thing group', () => {
    t.resourceCountIs('AWS::IoT::ThingGroup', 2);
    t.hasResourceProperties('AWS::IoT::ThingGroup', { ThingGroupName: 'assistant-gateways' });
    t.hasResourceProperties('AWS::IoT::ThingGroup', {
      ThingGroupName: 'assistant-gateways-canary',
      ThingGroupProperties: { ThingGroupDescription: Match.stringLikeRegexp('about 10% of the class.*bake 1 hour') },
    });
    const arn = (group: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:thinggroup/${group}`]] });
    expect(deploymentOf(t, 'gateways', 'Canary').Properties.TargetArn).toEqual(arn('assistant-gateways-canary'));
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.TargetArn).toEqual(arn('assistant-gateways'));
  });

  test('ring order: the fleet deployment depends on the canary deployment; both on the component', () => {
    const canaryId = Object.keys(resourcesOf(t, 'AWS::GreengrassV2::Deployment')).find(id => id.startsWith('EdgegatewaysCanary'))!;
    const componentId = Object.keys(resourcesOf(t, 'AWS::GreengrassV2::ComponentVersion'))[0];
    expect(deploymentOf(t, 'gateways', 'Fleet').DependsOn).toEqual(expect.arrayContaining([canaryId, componentId]));
    expect(deploymentOf(t, 'gateways', 'Canary').DependsOn).toEqual(expect.arrayContaining([componentId]));
    expect(deploymentOf(t, 'gateways', 'Canary').DependsOn).not.toContain(Object.keys(resourcesOf(t, 'AWS::GreengrassV2::Deployment')).find(id => id.startsWith('EdgegatewaysFleet')));
  });

  test('deployment policies: ROLLBACK, notify components with a timeout, configuration validation timeout', () => {
    for (const ring of ['Canary', 'Fleet'] as const) {
      expect(deploymentOf(t, 'gateways', ring).Properties.DeploymentPolicies).toEqual({
        FailureHandlingPolicy: 'ROLLBACK',
        ComponentUpdatePolicy: { Action: 'NOTIFY_COMPONENTS', TimeoutInSeconds: 60 },
        ConfigurationValidationPolicy: { TimeoutInSeconds: 30 },
      });
    }
  });

  test('IoT job configuration in PascalCase: exponential rate, abort criteria, in-progress timeout', () => {
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.IotJobConfiguration).toEqual({
      JobExecutionsRolloutConfig: {
        ExponentialRate: { BaseRatePerMinute: 5, IncrementFactor: 2, RateIncreaseCriteria: { NumberOfSucceededThings: 5 } },
        MaximumPerMinute: 50,
      },
      AbortConfig: { CriteriaList: [{ FailureType: 'ALL', Action: 'CANCEL', ThresholdPercentage: 5, MinNumberOfExecutedThings: 20 }] },
      TimeoutConfig: { InProgressTimeoutInMinutes: 60 },
    });
    expect(deploymentOf(t, 'gateways', 'Canary').Properties.IotJobConfiguration).toEqual({
      AbortConfig: { CriteriaList: [{ FailureType: 'ALL', Action: 'CANCEL', ThresholdPercentage: 10, MinNumberOfExecutedThings: 1 }] },
      TimeoutConfig: { InProgressTimeoutInMinutes: 60 },
    });
  });

  test('the device role reads exactly the build object and its bucket location, nothing else', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'credentials.iot.amazonaws.com' } }] },
    });
    const [policy] = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles[0].Ref.startsWith('EdgegatewaysDeviceRole'));
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0].Action).toBe('s3:GetObject');
    expect(statements[0].Resource['Fn::Join'][1].slice(-1)[0]).toMatch(/^\/[0-9a-f]{64}\.gz$/);
    expect(statements[1].Action).toBe('s3:GetBucketLocation');
    expect(statements[1].Resource['Fn::Join'][1].slice(-1)[0]).toEqual({ 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' });
    expect(JSON.stringify(statements)).not.toMatch(/s3:\*|s3:List|"\*"/);
  });

  test('a role alias and an IoT policy letting device certificates assume exactly that alias', () => {
    t.hasResourceProperties('AWS::IoT::RoleAlias', { RoleAlias: 'assistant-gateways-tes', CredentialDurationSeconds: 3600, RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgegatewaysDeviceRole'), 'Arn'] } });
    t.hasResourceProperties('AWS::IoT::Policy', {
      PolicyName: 'assistant-gateways-tes-alias',
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'iot:AssumeRoleWithCertificate',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rolealias/assistant-gateways-tes']] },
        }],
      },
    });
    expect(edge.roleAliasName('gateways')).toBe('assistant-gateways-tes');
  });

  test('fleet health: a job lookup per deployment and an alarm on failed + rejected executions', () => {
    t.resourceCountIs('Custom::AWS', 2);
    t.hasResourceProperties('Custom::AWS', {
      Create: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"service":"GreengrassV2","action":"GetDeployment"'), { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgegatewaysCanaryDeployment'), 'DeploymentId'] }])] },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'greengrass:GetDeployment', Resource: { 'Fn::Join': ['', Match.arrayWith([':deployments:', { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgegatewaysFleetDeployment'), 'DeploymentId'] }])] } })]) },
    });
    expect(edge.healthAlarms).toHaveLength(2);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(rejected, 0)' }),
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/IoT', MetricName: 'FailedJobExecutionTotalCount', Dimensions: [{ Name: 'JobId', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgegatewaysCanaryJobLookup'), 'iotJobId'] } }] },
          }),
        }),
        Match.objectLike({ Id: 'rejected', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RejectedJobExecutionTotalCount' }) }) }),
      ]),
    });
  });

  test('job execution metrics use the AWS/IoT names (including AWS\'s "Succeded")', () => {
    const m = edge.metricJobExecutions('gateways', FleetRing.FLEET, JobExecutionStatus.SUCCEEDED);
    expect(m.namespace).toBe('AWS/IoT');
    expect(m.metricName).toBe('SuccededJobExecutionTotalCount');
    expect(m.statistic).toBe('Maximum');
    expect(Object.keys(m.dimensions!)).toEqual(['JobId']);
  });

  test('deployments carry the version they deploy, not the candidate model version', () => {
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.Tags).toMatchObject({ 'edge:component-version': '1.3.0', 'inference:lane': 'edge-fleet', 'model:target': 'edge-arm64' });
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.Tags['model:version']).toBeUndefined();
    t.hasResourceProperties('AWS::IoT::ThingGroup', { Tags: Match.arrayWith([{ Key: 'model:version', Value: '1.4.0' }]) });
  });

  test('lane contract: kind, versions, capacity; no inference metrics, no IAM invocation', () => {
    expect(edge.laneKind).toBe(LaneKind.EDGE_FLEET);
    expect(edge.artifactVersion).toBe('1.4.0');
    expect(edge.capacity).toMatchObject({ minInstances: 200, maxInstances: 200, hardware: HardwareTarget.EDGE_ARM64, priceClass: 'per-device' });
    // InferenceLaneBase's defaults: devices report no inference metrics to CloudWatch, no route target
    expect(edge).toBeInstanceOf(InferenceLaneBase);
    expect([edge.metricLatency(), edge.metricErrors(), edge.metricInvocations(), edge.routeTarget()]).toEqual([undefined, undefined, undefined, undefined]);
    expect(edge.sloAlarms).toEqual([]);
    // watched outside CloudWatch: no Application Signals SLOs, burn-rate alarms, saturation or capacity metrics
    expect([edge.serviceLevelObjectives, edge.sloBurnRateAlarms, edge.saturationMetrics, edge.metricCapacityInService()]).toEqual([[], [], [], undefined]);
    // the lane's own grantInvoke says more than the base's: where the model runs and how to call it
    expect(() => edge.grantInvoke(new iam.AccountRootPrincipal())).toThrow(
      /S\/Edge: 'grantInvoke' .* is not possible: the model runs on the devices and is not invoked through IAM\. Fix: Call the local inference component on the device \(e\.g\. over Greengrass IPC\) instead\./);
    expect(edge.canaryBakeTime?.toMinutes()).toBe(60);
  });
});

describe('release stages', () => {
  test('canaryOnly: the first release deploys the canary ring only', () => {
    const t = Template.fromStack(channel({ rollout: CANARY, release: FleetRelease.canaryOnly(), fleetHealth: false }).stack);
    t.resourceCountIs('AWS::GreengrassV2::Deployment', 1);
    expect(deploymentOf(t, 'gateways', 'Canary').Properties.Components['models.assistant'].ComponentVersion).toBe('1.4.0');
    // the fleet group exists so devices can be placed in it before promotion
    t.resourceCountIs('AWS::IoT::ThingGroup', 2);
  });

  test('promote: every ring runs the candidate, fleet after canary', () => {
    const t = Template.fromStack(channel({ rollout: CANARY, release: FleetRelease.promote(), fleetHealth: false }).stack);
    expect(deploymentOf(t, 'gateways', 'Canary').Properties.Components['models.assistant'].ComponentVersion).toBe('1.4.0');
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.Components['models.assistant'].ComponentVersion).toBe('1.4.0');
    t.resourceCountIs('Custom::AWS', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('all at once: one fleet ring, no canary group; autoRollback false renders DO_NOTHING', () => {
    const { stack, edge } = channel({ rollout: Rollout.allAtOnce({ autoRollback: false }), fleetHealth: false });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::GreengrassV2::Deployment', 1);
    t.resourceCountIs('AWS::IoT::ThingGroup', 1);
    expect(deploymentOf(t, 'gateways', 'Fleet').Properties.DeploymentPolicies.FailureHandlingPolicy).toBe('DO_NOTHING');
    expect(edge.release.stage).toBe(ReleaseStage.PROMOTED);
    expect(() => edge.thingGroupName('gateways', FleetRing.CANARY)).toThrow(/is not a ring of device class 'gateways'/);
    expect(() => edge.metricJobExecutions('gateways', FleetRing.FLEET, JobExecutionStatus.FAILED)).toThrow(/gives no IoT job ID/);
  });
});

describe('emergency freeze', () => {
  /** Everything a device fleet sees: deployments, their job lookups and alarms. */
  function deployed(t: Template): { [id: string]: unknown } {
    return {
      ...resourcesOf(t, 'AWS::GreengrassV2::Deployment'),
      ...resourcesOf(t, 'Custom::AWS'),
      ...resourcesOf(t, 'AWS::CloudWatch::Alarm'),
    };
  }

  test('a frozen channel renders the deployed resources exactly as before, whatever artifact it is given', () => {
    // GIVEN 1.4.0 promoted to every ring
    const before = Template.fromStack(channel({ artifact: demoArtifact('1.4.0'), rollout: CANARY, release: FleetRelease.promote() }).stack);
    // WHEN the stack gets 1.5.0 but the channel is frozen on 1.4.0
    const frozen = Template.fromStack(channel({ artifact: demoArtifact('1.5.0'), rollout: CANARY, release: FleetRelease.freeze('1.4.0') }).stack);
    // THEN deployments, job lookups and alarms are identical (no new deployment revision)...
    expect(Object.keys(deployed(before))).toHaveLength(6);
    expect(deployed(frozen)).toEqual(deployed(before));
    // ...while the candidate component version is registered, not deployed
    expect(recipeOf(frozen).ComponentVersion).toBe('1.5.0');
    // AND lifting the freeze (promote) does change them
    const lifted = Template.fromStack(channel({ artifact: demoArtifact('1.5.0'), rollout: CANARY, release: FleetRelease.promote() }).stack);
    expect(deployed(lifted)).not.toEqual(deployed(before));
  });

  test('freezing mid-rollout keeps each ring on its own version', () => {
    const before = Template.fromStack(channel({ artifact: demoArtifact('1.4.0'), rollout: CANARY, release: FleetRelease.canary('1.3.0'), fleetHealth: false }).stack);
    const frozen = Template.fromStack(channel({ artifact: demoArtifact('1.5.0'), rollout: CANARY, release: FleetRelease.freeze('1.3.0', '1.4.0'), fleetHealth: false }).stack);
    expect(resourcesOf(frozen, 'AWS::GreengrassV2::Deployment')).toEqual(resourcesOf(before, 'AWS::GreengrassV2::Deployment'));
  });

  test('freeze with the wrong version does change the deployment (the pin is what decides)', () => {
    const before = Template.fromStack(channel({ artifact: demoArtifact('1.4.0'), fleetHealth: false }).stack);
    const frozen = Template.fromStack(channel({ artifact: demoArtifact('1.5.0'), release: FleetRelease.freeze('1.3.0'), fleetHealth: false }).stack);
    expect(resourcesOf(frozen, 'AWS::GreengrassV2::Deployment')).not.toEqual(resourcesOf(before, 'AWS::GreengrassV2::Deployment'));
  });
});

describe('two device classes on two platforms', () => {
  test('one manifest per platform, one role per class, each reading its build', () => {
    const { stack, edge } = channel({
      artifact: edgeArtifact('1.4.0'),
      deviceClasses: [
        { name: 'gateways', target: HardwareTarget.EDGE_ARM64 },
        { name: 'kiosks', target: HardwareTarget.EDGE_X86_64 },
      ],
      fleetHealth: false,
    });
    const t = Template.fromStack(stack);
    expect(recipeOf(t).Manifests.map((m: any) => m.Platform.architecture)).toEqual(['aarch64', 'amd64']);
    t.resourceCountIs('AWS::IAM::Role', 2);
    t.resourceCountIs('AWS::IoT::RoleAlias', 2);
    expect(edge.deviceClassNames).toEqual(['gateways', 'kiosks']);
    expect(deploymentOf(t, 'kiosks', 'Fleet').Properties.TargetArn['Fn::Join'][1].slice(-1)[0]).toBe(':thinggroup/assistant-kiosks');
  });

  test('existing thing groups and an existing device role are used as they are', () => {
    const stack = new Stack(new App(), 'S');
    const role = iam.Role.fromRoleName(stack, 'Tes', 'GreengrassV2TokenExchangeRole');
    const edge = new EdgeFleetChannel(stack, 'Edge', {
      artifact: demoArtifact(),
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64, thingGroupName: 'store-gateways', canaryThingGroupName: 'store-gateways-pilot', deviceRole: role, keepComponents: {} }],
      rollout: CANARY,
      release: FleetRelease.promote(),
      fleetHealth: false,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IoT::ThingGroup', 0);
    t.resourceCountIs('AWS::IoT::RoleAlias', 0);
    t.resourceCountIs('AWS::IAM::Role', 0);
    t.hasResourceProperties('AWS::IAM::Policy', { Roles: ['GreengrassV2TokenExchangeRole'], PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject' })]) } });
    expect(edge.thingGroupName('gateways', FleetRing.CANARY)).toBe('store-gateways-pilot');
    expect(deploymentOf(t, 'gateways', 'Canary').Properties.TargetArn['Fn::Join'][1].slice(-1)[0]).toBe(':thinggroup/store-gateways-pilot');
    expect(edge.roleAliasName('gateways')).toBeUndefined();
  });

  test('weights in a bucket are granted through the source: exactly the key', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket');
    const artifact = new ModelArtifact({
      name: 'assistant', version: '2.0.0', weights: ModelWeights.fromBucket(bucket, 'assistant/2.0.0/fp32.tar.gz'),
      variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: ModelWeights.fromBucket(bucket, 'assistant/2.0.0/int8.tar.gz', { digest: `sha256:${INT8_HEX}` }) }],
    });
    new EdgeFleetChannel(stack, 'Edge', { artifact, deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], fleetHealth: false });
    const t = Template.fromStack(stack);
    const [policy] = Object.values(resourcesOf(t, 'AWS::IAM::Policy')) as any[];
    const resources = JSON.stringify(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Resource));
    expect(resources).toContain('models-bucket/assistant/2.0.0/int8.tar.gz');
    expect(resources).not.toContain('fp32');
    expect(resources).not.toMatch(/models-bucket\/\*/);
    expect(recipeOf(t).Manifests[0].Artifacts[0].Uri).toBe('s3://models-bucket/assistant/2.0.0/int8.tar.gz');
  });
});

describe('tags', () => {
  test('the component version has the model identity and the lane kind, each class its own build\'s target', () => {
    // GIVEN two classes on two targets: one component version serves both platforms
    const { stack } = channel({
      artifact: edgeArtifact(),
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }, { name: 'kiosks', target: HardwareTarget.EDGE_X86_64 }],
      fleetHealth: false,
    });
    const t = Template.fromStack(stack);
    const [component] = Object.values(resourcesOf(t, 'AWS::GreengrassV2::ComponentVersion'));
    expect(component.Properties.Tags).toEqual({
      'model:name': 'assistant', 'model:version': '1.4.0', 'model:framework': 'pytorch', 'model:owner': 'ml-platform', 'inference:lane': 'edge-fleet',
    });
    const roles = resourcesOf(t, 'AWS::IAM::Role');
    const targetOf = (prefix: string) => Object.entries(roles).find(([id]) => id.startsWith(prefix))![1].Properties.Tags.find((x: any) => x.Key === 'model:target').Value;
    expect([targetOf('EdgegatewaysDeviceRole'), targetOf('EdgekiosksDeviceRole')]).toEqual(['edge-arm64', 'edge-x86_64']);
  });
});

describe('archive formats', () => {
  test('a .zip build is unpacked by Greengrass, a plain file is used where it lands', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket');
    const artifact = new ModelArtifact({
      name: 'assistant', version: '2.0.0', weights: ModelWeights.fromBucket(bucket, 'assistant/fp32.tar.gz'),
      variants: [
        { target: HardwareTarget.EDGE_ARM64, weights: ModelWeights.fromBucket(bucket, 'assistant/arm64.zip', { digest: `sha256:${INT8_HEX}` }) },
        { target: HardwareTarget.EDGE_X86_64, weights: ModelWeights.fromBucket(bucket, 'assistant/x86.onnx', { digest: `sha256:${INT8_HEX}` }) },
      ],
    });
    new EdgeFleetChannel(stack, 'Edge', {
      artifact,
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }, { name: 'kiosks', target: HardwareTarget.EDGE_X86_64 }],
      fleetHealth: false,
    });
    const [zip, onnx] = recipeOf(Template.fromStack(stack)).Manifests;
    expect(zip.Artifacts[0].Unarchive).toBe('ZIP');
    expect(zip.Lifecycle.Setenv).toEqual({
      MODEL_NAME: 'assistant', MODEL_VERSION: '2.0.0', MODEL_FRAMEWORK: 'unknown', MODEL_PRECISION: 'fp32', MODEL_TARGET: 'edge-arm64',
      MODEL_S3_URI: 's3://models-bucket/assistant/arm64.zip', MODEL_S3_BUCKET: 'models-bucket', MODEL_S3_KEY: 'assistant/arm64.zip',
      MODEL_S3_IS_PREFIX: 'false', MODEL_COMPRESSED: 'false', MODEL_DIGEST: `sha256:${INT8_HEX}`,
      MODEL_CARD: '{"name":"assistant","version":"2.0.0","framework":"unknown"}',
      MODEL_LOCAL_DIR: '{artifacts:decompressedPath}/arm64',
    });
    expect(zip.Lifecycle.Install.Script).not.toMatch(/tar /);
    expect(onnx.Artifacts[0].Unarchive).toBe('NONE');
    expect(onnx.Lifecycle.Setenv).toMatchObject({ MODEL_TARGET: 'edge-x86_64', MODEL_S3_URI: 's3://models-bucket/assistant/x86.onnx', MODEL_LOCAL_DIR: '{artifacts:path}' });
    expect(onnx.Lifecycle.Install.Script).toMatch(new RegExp(`echo "${INT8_HEX}  \\{artifacts:path\\}/x86.onnx" \\| sha256sum -c -`));
    expect(onnx.Lifecycle.Run).toBeUndefined();
  });
});

describe('rejections', () => {
  test('a device class with no matching build', () => {
    expect(() => channel({ deviceClasses: [{ name: 'kiosks', target: HardwareTarget.EDGE_X86_64 }] }))
      .toThrow(/device class 'kiosks': 'artifact' \(assistant@1.4.0\) has no build for hardware target 'edge-x86_64' \(it has: cpu-x86_64, cpu-arm64, nvidia-gpu, edge-arm64\)/);
  });

  test('an empty device class list', () => {
    expect(() => channel({ deviceClasses: [] })).toThrow(/S\/Edge: 'deviceClasses' \(\[\]\) is empty/);
  });

  test('duplicate class names, bad names, non-edge targets', () => {
    const g = { name: 'gateways', target: HardwareTarget.EDGE_ARM64 };
    expect(() => channel({ deviceClasses: [g, g] })).toThrow(/'deviceClasses\[1\].name' \("gateways"\) is used by another device class/);
    expect(() => channel({ deviceClasses: [{ name: 'store gateways', target: HardwareTarget.EDGE_ARM64 }] })).toThrow(/'deviceClasses\[0\].name' \("store gateways"\) may only hold/);
    expect(() => channel({ deviceClasses: [{ name: 'cloud', target: HardwareTarget.CPU_ARM64 }] })).toThrow(/'deviceClasses\[0\].target' \("cpu-arm64"\) is not one of 'edge-arm64', 'edge-x86_64'.*an edge target/);
  });

  test('abort threshold outside 0-100, or with three decimals', () => {
    const job = (thresholdPercent: number): FleetJobOptions => ({ abortCriteria: [{ failureType: JobFailureType.FAILED, thresholdPercent, minExecutedDevices: 10 }] });
    expect(() => channel({ fleetJob: job(150) })).toThrow(/'fleetJob.abortCriteria\[0\].thresholdPercent' \(150\) must be between 0 and 100/);
    expect(() => channel({ fleetJob: job(-1) })).toThrow(/thresholdPercent' \(-1\) must be between 0 and 100/);
    expect(() => channel({ fleetJob: job(10.999) })).toThrow(/has more than two decimals/);
    expect(() => channel({ fleetJob: { abortCriteria: [{ failureType: JobFailureType.FAILED, thresholdPercent: 5, minExecutedDevices: 0 }] } })).toThrow(/minExecutedDevices' \(0\) must be an integer from 1 to 2147483647/);
    expect(() => channel({ fleetJob: { abortCriteria: [job(5).abortCriteria![0], job(6).abortCriteria![0]] } })).toThrow(/failureType' \("FAILED"\) is listed twice/);
  });

  test('rate increment of 1 or less, or above 5', () => {
    const rate = (incrementFactor: number): FleetJobOptions => ({ exponentialRate: { baseRatePerMinute: 5, incrementFactor, increaseAfterSucceededDevices: 5 } });
    expect(() => channel({ fleetJob: rate(1) })).toThrow(/'fleetJob.exponentialRate.incrementFactor' \(1\) must be greater than 1/);
    expect(() => channel({ fleetJob: rate(0.5) })).toThrow(/incrementFactor' \(0.5\) must be greater than 1/);
    expect(() => channel({ fleetJob: rate(6) })).toThrow(/incrementFactor' \(6\) must be at most 5 with at most one decimal/);
    expect(() => channel({ fleetJob: rate(1.25) })).toThrow(/incrementFactor' \(1.25\) must be at most 5 with at most one decimal/);
  });

  test('rate criteria: exactly one, base within the maximum, timeouts in whole minutes', () => {
    expect(() => channel({ fleetJob: { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2 } } })).toThrow(/must set exactly one of increaseAfterNotifiedDevices and increaseAfterSucceededDevices/);
    expect(() => channel({ fleetJob: { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, increaseAfterNotifiedDevices: 1, increaseAfterSucceededDevices: 1 } } })).toThrow(/must set exactly one/);
    expect(() => channel({ fleetJob: { maximumPerMinute: 10, exponentialRate: { baseRatePerMinute: 20, incrementFactor: 2, increaseAfterSucceededDevices: 1 } } })).toThrow(/baseRatePerMinute' \(20\) must be less than or equal to 'maximumPerMinute' \(10\)/);
    expect(() => channel({ fleetJob: { maximumPerMinute: 5000 } })).toThrow(/'fleetJob.maximumPerMinute' \(5000\) must be an integer from 1 to 1000/);
    expect(() => channel({ fleetJob: { inProgressTimeout: Duration.seconds(90) } })).toThrow(/'fleetJob.inProgressTimeout' \(1 minute 30 seconds\) must be a whole number of minutes \(the platform stores minutes\)\. Fix: Pass a whole number of minutes, from 1 minute to 7 days, e\.g\. Duration\.minutes\(2\)/);
    expect(() => channel({ componentUpdateTimeout: Duration.millis(1500) })).toThrow(/'componentUpdateTimeout' \(1 second 500 millis\) must be a whole number of seconds/);
  });

  test('rollouts Greengrass cannot render', () => {
    expect(() => channel({ rollout: Rollout.linear({ stepPercent: 10, interval: Duration.minutes(5) }) })).toThrow(/'rollout' \("LINEAR 10% \/ 5 minutes"\) cannot be rendered: Greengrass ramps/);
    const alarm = cloudwatch.Alarm.fromAlarmArn(new Stack(), 'A', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:x');
    expect(() => channel({ rollout: Rollout.canary({ percent: 5, bakeTime: Duration.minutes(30), alarms: [alarm] }), release: FleetRelease.promote() })).toThrow(/'rollout.alarms' \(1\) cannot be watched: Greengrass deployments stop on IoT job abort criteria/);
  });

  test('release stages that do not fit the rollout', () => {
    expect(() => channel({ rollout: CANARY })).toThrow(/'release' is required with 2 rings \(canary, fleet\)/);
    expect(() => channel({ release: FleetRelease.canary('1.3.0') })).toThrow(/'release' \("CANARY \(fleet on 1.3.0\)"\) needs a canary ring, but the rollout is not a canary/);
    expect(() => channel({ release: FleetRelease.freeze('1.3.0', '1.4.0') })).toThrow(/pins a canary ring, but the rollout is not a canary/);
    expect(() => channel({ canaryJob: { maximumPerMinute: 5 } })).toThrow(/'canaryJob' \(\{"maximumPerMinute":5\}\) has no canary ring to configure/);
    expect(() => channel({ deviceClasses: [{ name: 'g', target: HardwareTarget.EDGE_ARM64, canaryThingGroupName: 'pilot' }] })).toThrow(/canaryThingGroupName' \("pilot"\) has no canary ring to hold/);
    expect(() => FleetRelease.freeze('latest')).toThrow(/FleetRelease.freeze: 'fleetVersion' \("latest"\) is a moving tag, not a version/);
    expect(() => FleetRelease.canary('1.3')).toThrow(/'fleetVersion' \("1.3"\) is not a Greengrass component version/);
  });

  test('component names and versions', () => {
    expect(() => channel({ artifact: demoArtifact('2026-11-28.1') })).toThrow(/'artifact.version' \("2026-11-28.1"\) is not a Greengrass component version.*Pass componentVersion/);
    expect(channel({ artifact: demoArtifact('2026-11-28.1'), componentVersion: '26.11.2801', fleetHealth: false }).edge.componentVersion).toBe('26.11.2801');
    expect(() => channel({ componentName: 'aws.greengrass.Model' })).toThrow(/'componentName' \("aws.greengrass.Model"\) is not a Greengrass component name.*reserved/);
    expect(() => channel({ namePrefix: 'a/b' })).toThrow(/'namePrefix' \("a\/b"\) may only hold/);
  });

  test('builds devices could not download or verify', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'models');
    const make = (weights: ModelWeights) => () => new EdgeFleetChannel(stack, `E${Math.random().toString(36).slice(2, 8)}`, {
      artifact: new ModelArtifact({ name: 'm', version: '1.0.0', weights: ModelWeights.fromBucket(bucket, 'm/fp32.tar.gz'), variants: [{ target: HardwareTarget.EDGE_ARM64, weights }] }),
      deviceClasses: [{ name: 'g', target: HardwareTarget.EDGE_ARM64 }],
    });
    expect(make(ModelWeights.fromBucket(bucket, 'm/int8.tar.gz'))).toThrow(/'deviceClasses\[0\].target' \("edge-arm64"\) selects a build without a SHA-256 digest known at synth/);
    expect(make(ModelWeights.fromBucketPrefix(bucket, 'm/int8/'))).toThrow(/selects a build stored under an S3 prefix/);
    expect(make(ModelWeights.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/m/1'))).toThrow(/selects a build with no S3 object/);
    expect(make(ModelWeights.fromAsset(path.dirname(INT8)))).toThrow(/selects a build without a SHA-256 digest known at synth \(local asset .*int8\)/);
  });
});

describe('existing thing groups keep the components their deployment runs (issue 12 item 22)', () => {
  const existing = (extra: object) => ({ name: 'gateways', target: HardwareTarget.EDGE_ARM64, thingGroupName: 'store-gateways', ...extra });

  test('an existing group without keepComponents is refused: the deployment would uninstall the group\'s other components', () => {
    expect(() => channel({ deviceClasses: [existing({})] }))
      .toThrow(/'deviceClasses\[0\].thingGroupName' \("store-gateways"\) is an existing thing group: a deployment to a thing group replaces the group's current deployment, and Greengrass then removes from its devices every component the new deployment does not list.*Fix: List what its devices must keep in deviceClasses\[0\].keepComponents/);
    expect(() => channel({ rollout: CANARY, release: FleetRelease.promote(), deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64, canaryThingGroupName: 'pilots' }] }))
      .toThrow(/'deviceClasses\[0\].canaryThingGroupName' \("pilots"\) is an existing thing group/);
  });

  test('kept components are merged into every ring\'s deployment of the class, beside the model', () => {
    const t = Template.fromStack(channel({
      rollout: CANARY,
      release: FleetRelease.canary('1.3.0'),
      fleetHealth: false,
      deviceClasses: [existing({ keepComponents: { 'com.example.Kiosk': '3.1.0', 'aws.greengrass.Nucleus': '2.14.0' } })],
    }).stack);
    for (const [ring, version] of [['Canary', '1.4.0'], ['Fleet', '1.3.0']] as const) {
      expect(deploymentOf(t, 'gateways', ring).Properties.Components).toEqual({
        'aws.greengrass.Nucleus': { ComponentVersion: '2.14.0' },
        'com.example.Kiosk': { ComponentVersion: '3.1.0' },
        'models.assistant': { ComponentVersion: version },
      });
    }
  });

  test('an empty keepComponents acknowledges a group without a deployment; created groups need nothing', () => {
    const t = Template.fromStack(channel({ deviceClasses: [existing({ keepComponents: {} })], fleetHealth: false }).stack);
    expect(Object.keys(deploymentOf(t, 'gateways', 'Fleet').Properties.Components)).toEqual(['models.assistant']);
    expect(() => channel({ fleetHealth: false })).not.toThrow();
  });

  test('kept components must be component names and versions, and not the channel\'s own component', () => {
    expect(() => channel({ deviceClasses: [existing({ keepComponents: { 'models.assistant': '1.2.0' } })] })).toThrow(/'deviceClasses\[0\].keepComponents' \("models.assistant"\) lists the component this channel deploys/);
    expect(() => channel({ deviceClasses: [existing({ keepComponents: { 'com.example.Kiosk': 'latest' } })] })).toThrow(/'deviceClasses\[0\].keepComponents.com.example.Kiosk' \("latest"\) is a moving tag, not a version/);
    expect(() => channel({ deviceClasses: [existing({ keepComponents: { 'bad name': '1.0.0' } })] })).toThrow(/'deviceClasses\[0\].keepComponents' \("bad name"\) names something that is not a Greengrass component name/);
  });
});

describe('the device role: one per core device (issue 12 item 23)', () => {
  test('addToDeviceRolePolicy extends the created token exchange role', () => {
    const { stack, edge } = channel({ fleetHealth: false });
    edge.addToDeviceRolePolicy('gateways', new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/greengrass/*'] }));
    const t = Template.fromStack(stack);
    const [policy] = Object.values(resourcesOf(t, 'AWS::IAM::Policy')) as any[];
    expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^EdgegatewaysDeviceRole/) }]);
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).toEqual(['s3:GetObject', 's3:GetBucketLocation', 'logs:PutLogEvents']);
    expect(() => edge.addToDeviceRolePolicy('kiosks', new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }))).toThrow(/'deviceClass' \("kiosks"\) is not a device class of this channel/);
  });

  test('two channels on the same devices share one role: the second extends the first channel\'s role', () => {
    const stack = new Stack(new App(), 'S');
    const first = new EdgeFleetChannel(stack, 'Edge', { artifact: demoArtifact(), deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], fleetHealth: false });
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket');
    new EdgeFleetChannel(stack, 'Second', {
      artifact: new ModelArtifact({
        name: 'second', version: '2.0.0', weights: ModelWeights.fromBucket(bucket, 'second/fp32.tar.gz'),
        variants: [{ target: HardwareTarget.EDGE_ARM64, weights: ModelWeights.fromBucket(bucket, 'second/int8.tar.gz', { digest: `sha256:${INT8_HEX}` }) }],
      }),
      namePrefix: 'second',
      componentName: 'models.second',
      deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64, deviceRole: first.deviceRole('gateways') }],
      fleetHealth: false,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.resourceCountIs('AWS::IoT::RoleAlias', 1);
    // one role, one policy, reading both channels' builds
    const [policy, ...more] = Object.values(resourcesOf(t, 'AWS::IAM::Policy')) as any[];
    expect(more).toEqual([]);
    expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^EdgegatewaysDeviceRole/) }]);
    const objects = JSON.stringify(policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 's3:GetObject' || s.Action?.includes?.('s3:GetObject')));
    expect(objects).toMatch(/[0-9a-f]{64}\.gz/);
    expect(objects).toContain('models-bucket/second/int8.tar.gz');
  });
});

describe('grant paths (once per lane)', () => {
  test('weights in a KMS-encrypted bucket: the device role gets kms:Decrypt on exactly that key, and s3:GetObject on exactly the object', () => {
    const stack = new Stack(new App(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Models', { bucketName: 'models-bucket', encryptionKey: key });
    const artifact = new ModelArtifact({
      name: 'assistant', version: '2.0.0', weights: ModelWeights.fromBucket(bucket, 'assistant/fp32.tar.gz'),
      variants: [{ target: HardwareTarget.EDGE_ARM64, precision: ModelPrecision.INT8, weights: ModelWeights.fromBucket(bucket, 'assistant/int8.tar.gz', { digest: `sha256:${INT8_HEX}` }) }],
    });
    new EdgeFleetChannel(stack, 'Edge', { artifact, deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], fleetHealth: false });
    const [policy] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::IAM::Policy')) as any[];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    const object = statements.find((s: any) => s.Action === 's3:GetObject');
    expect(JSON.stringify(object.Resource)).toMatch(/:s3:::models-bucket\/assistant\/int8.tar.gz"/);
    // no write, no other key
    expect(JSON.stringify(statements)).not.toMatch(/kms:Encrypt|kms:GenerateDataKey|s3:Put/);
  });

  test('weights in an unencrypted bucket: no KMS statement at all', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket');
    const artifact = new ModelArtifact({
      name: 'assistant', version: '2.0.0', weights: ModelWeights.fromBucket(bucket, 'assistant/fp32.tar.gz'),
      variants: [{ target: HardwareTarget.EDGE_ARM64, weights: ModelWeights.fromBucket(bucket, 'assistant/int8.tar.gz', { digest: `sha256:${INT8_HEX}` }) }],
    });
    new EdgeFleetChannel(stack, 'Edge', { artifact, deviceClasses: [{ name: 'gateways', target: HardwareTarget.EDGE_ARM64 }], fleetHealth: false });
    const [policy] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::IAM::Policy')) as any[];
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).toEqual(['s3:GetObject', 's3:GetBucketLocation']);
  });
});
