import { createHybridApp } from '../../examples/hybrid';
import { LocalDeploy } from '../../lib/testing';

/**
 * The hybrid stack deployed for real to a moto server on localhost (as `npm start` does). moto
 * implements SageMaker, Lambda, SQS, S3, IAM, KMS, ECS, EC2 and CloudWatch dashboard resources; it
 * silently skips alarms, Application Signals SLOs, Application Auto Scaling, CodeDeploy, Lambda
 * aliases, Greengrass and IoT thing groups,
 * which this test lists as skipped rather than pretending they exist.
 */
let deployment: LocalDeploy;

beforeAll(() => {
  const { stack } = createHybridApp({ localEmulator: true });
  deployment = LocalDeploy.deployStack(stack);
}, 600_000);

afterAll(() => deployment?.stop());

/** Runs `read` once, on first use, and shares its answer; if it throws, every test that uses it fails with that error. */
function once<T>(read: () => T): () => T {
  let done: { value: T } | { error: unknown } | undefined;
  return () => {
    if (done === undefined) {
      try {
        done = { value: read() };
      } catch (error) {
        done = { error };
      }
    }
    if ('error' in done) { throw done.error; }
    return done.value;
  };
}

/** What the tests read back, in ONE boto3 process when the first of them runs (each process costs 1-2 s). */
const read = once((): any[] => {
  const out = deployment.result.outputs;
  return JSON.parse(JSON.stringify(deployment.describeAllViaBoto3(JSON.stringify([
    { service: 'sagemaker', operation: 'describe_endpoint', params: { EndpointName: out.BaselineEndpointName } },
    { service: 'lambda', operation: 'get_function', params: { FunctionName: out.BurstFunctionName } },
    { service: 'sqs', operation: 'get_queue_attributes', params: { QueueUrl: out.SummariesQueueUrl, AttributeNames: ['All'] } },
    { service: 'cloudwatch', operation: 'list_dashboards', params: {} },
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

test('what the emulator could not create is reported, not hidden', () => {
  const skipped = new Set(deployment.result.skipped.map(r => r.resourceType));
  for (const type of ['AWS::CloudWatch::Alarm', 'AWS::ApplicationSignals::ServiceLevelObjective', 'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::Lambda::Alias', 'AWS::GreengrassV2::Deployment']) {
    expect([type, skipped.has(type)]).toEqual([type, true]);
  }
});

test('the topology dashboard and the three lane dashboards exist (their alarm widgets are off for the emulator)', () => {
  expect(deployment.result.created.filter(r => r.resourceType === 'AWS::CloudWatch::Dashboard')).toHaveLength(4);
  const list = read()[3];
  expect(list.DashboardEntries).toHaveLength(4);
});
