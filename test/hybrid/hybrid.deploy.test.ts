import { createHybridApp } from '../../examples/hybrid';
import { LocalDeploy } from '../../lib/testing';
import { once } from '../once';

/**
 * The hybrid stack deployed for real to a moto server on localhost (as `npm start` does). moto
 * implements SageMaker, Lambda, SQS, S3, IAM, KMS, ECS, EC2 and CloudWatch dashboard resources; it
 * silently skips alarms, Application Signals SLOs, Application Auto Scaling, CodeDeploy, Lambda
 * aliases, Greengrass and IoT thing groups, which this test lists as skipped rather than pretending
 * they exist. No emulator switch: the stack is the one `cdk deploy` gets (LocalDeploy adapts its copy).
 */
let deployment: LocalDeploy;

beforeAll(() => {
  const { stack } = createHybridApp();
  deployment = LocalDeploy.deployStack(stack);
}, 600_000);

afterAll(() => deployment?.stop());


/** What the tests read back, in ONE boto3 process when the first of them runs (each process costs 1-2 s). */
const read = once((): any[] => {
  const out = deployment.result.outputs;
  return JSON.parse(JSON.stringify(deployment.describeAllViaBoto3(JSON.stringify([
    { service: 'sagemaker', operation: 'describe_endpoint', params: { EndpointName: out.BaselineEndpointName } },
    { service: 'lambda', operation: 'get_function', params: { FunctionName: out.BurstFunctionName } },
    { service: 'sqs', operation: 'get_queue_attributes', params: { QueueUrl: out.SummariesQueueUrl, AttributeNames: ['All'] } },
    { service: 'cloudwatch', operation: 'list_dashboards', params: {} },
    { service: 'lambda', operation: 'list_functions', params: {} },
  ]))));
});

test('the stack is created', () => {
  expect(deployment.result.stackStatus).toBe('CREATE_COMPLETE');
});

test('the resources that must exist really exist in the emulator', () => {
  const created = new Set(deployment.result.created.map(r => r.resourceType));
  for (const type of ['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint',
    'AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::ECS::Service', 'AWS::ECS::TaskDefinition', 'AWS::KMS::Key', 'AWS::S3::Bucket']) {
    expect([type, created.has(type)]).toEqual([type, true]);
  }
  expect(read()[0].EndpointStatus).toBe('InService');
  expect(read()[1].Configuration.Runtime).toBe('nodejs24.x');
  expect(JSON.parse(read()[2].Attributes.RedrivePolicy).maxReceiveCount).toBeGreaterThanOrEqual(1);
  expect(read()[2].Attributes.KmsMasterKeyId).toMatch(/^arn:aws:kms:/);
});

test('what the emulator\'s CloudFormation skips is reported, not hidden (then created via the APIs where moto has them)', () => {
  const skipped = new Set(deployment.result.skipped.map(r => r.resourceType));
  for (const type of ['AWS::CloudWatch::Alarm', 'AWS::ApplicationSignals::ServiceLevelObjective', 'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::Lambda::Alias', 'AWS::GreengrassV2::Deployment']) {
    expect([type, skipped.has(type)]).toEqual([type, true]);
  }
});

test('LocalDeploy adapted its own copy of the template and says so: tagged KMS keys, the fleet-health custom resource', () => {
  const adapted = deployment.result.adaptations.map(a => `${a.resourceType} ${a.change}`);
  expect(adapted.filter(a => a.startsWith('AWS::KMS::Key removed Tags'))).toHaveLength(4);
  expect(adapted.filter(a => a.startsWith('Custom::AWS removed from the emulator template'))).toHaveLength(1);
});

test('the topology dashboard and the three lane dashboards exist, alarm widgets included (LocalDeploy resolves the alarm ARNs)', () => {
  expect(deployment.result.created.filter(r => r.resourceType === 'AWS::CloudWatch::Dashboard')).toHaveLength(4);
  const list = read()[3];
  expect(list.DashboardEntries).toHaveLength(4);
});

test('the front door\'s router is deployed from its plain JavaScript asset (no Docker), with its failover state table and rule permission', () => {
  const routers = deployment.result.created.filter(r => r.resourceType === 'AWS::Lambda::Function' && /^AssistantFrontDoor[0-9A-F]{8}$/.test(r.logicalId));
  expect(routers).toHaveLength(1);
  const list = read()[4];
  const router = list.Functions.find((f: any) => String(f.Description).startsWith('Front door router of InferenceLanesHybrid/Assistant/FrontDoor'));
  // (moto's CloudFormation ignores Architectures; arm64 is asserted on the template in test/routing.)
  expect([router?.Runtime, router?.Handler]).toEqual(['nodejs24.x', 'index.handler']);
  expect(deployment.result.created.filter(r => r.resourceType === 'AWS::DynamoDB::Table').map(r => r.logicalId)).toEqual([expect.stringMatching(/^AssistantFrontDoorFailoverState/)]);
  // The failover rule's permission is on the router's alias, which moto's CloudFormation skips: LocalDeploy adds both through the API.
  expect(deployment.result.notCreated.filter(r => r.logicalId.startsWith('AssistantFrontDoor')).map(r => `${r.logicalId}: ${r.reason}`)).toEqual([]);
  const viaApi = deployment.result.createdViaApi.map(r => `${r.resourceType} ${r.logicalId}`);
  expect(viaApi).toEqual(expect.arrayContaining([expect.stringMatching(/^AWS::Lambda::Alias AssistantFrontDoorAlias/), expect.stringMatching(/^AWS::Lambda::Permission AssistantFrontDoorFailoverRuleAllowEventRule/)]));
});

test('the baseline\'s capacity-lag publisher exists locally: function, schedule rule and its invoke permission (confirmed through GetPolicy)', () => {
  const created = deployment.result.created.map(r => `${r.resourceType} ${r.logicalId}`);
  expect(created).toEqual(expect.arrayContaining([
    expect.stringMatching(/^AWS::Lambda::Function AssistantBaselineCapacityLagFunction/),
    expect.stringMatching(/^AWS::Events::Rule AssistantBaselineCapacityLagSchedule/),
  ]));
  // moto's CloudFormation creates the permission but lists it without a physical id: LocalDeploy finds it with GetPolicy.
  const confirmed = deployment.result.confirmedViaApi.filter(r => r.logicalId.startsWith('AssistantBaselineCapacityLagScheduleAllowEventRule'));
  expect(confirmed.map(r => [r.resourceType, r.status])).toEqual([['AWS::Lambda::Permission', 'created by CloudFormation, found with GetPolicy']]);
  expect(deployment.result.notCreated.filter(r => r.logicalId.startsWith('AssistantBaselineCapacityLag')).map(r => `${r.logicalId}: ${r.reason}`)).toEqual([]);
});
