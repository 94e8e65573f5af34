import * as cdk from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { storageStack } from './fixtures';
import { LocalDeploy } from '../../lib/testing';

/**
 * One real deployment to moto, shared by every assertion (bootstrap + deploy take ~10 s).
 */
describe('LocalDeploy (cdk bootstrap + deploy to moto_server)', () => {
  let deployment: LocalDeploy;
  let stack: cdk.Stack;
  let ids: { bucket: string; queue: string; dlq: string; alarm: string; target: string };

  beforeAll(() => {
    const built = storageStack({ stackName: 'LocalDeployProbe' });
    stack = built.stack;
    const alarm = new cloudwatch.Alarm(stack, 'Backlog', {
      metric: built.queue.metricApproximateNumberOfMessagesVisible(), threshold: 10, evaluationPeriods: 1,
    });
    const target = new appscaling.CfnScalableTarget(stack, 'Target', {
      serviceNamespace: 'sagemaker', scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId: 'endpoint/probe/variant/AllTraffic', minCapacity: 1, maxCapacity: 2,
    });
    new cdk.CfnOutput(stack, 'QueueUrl', { value: built.queue.queueUrl });
    new cdk.CfnOutput(stack, 'BucketName', { value: built.bucket.bucketName });
    ids = {
      bucket: stack.getLogicalId(built.bucket.node.defaultChild as cdk.CfnElement),
      queue: stack.getLogicalId(built.queue.node.defaultChild as cdk.CfnElement),
      dlq: stack.getLogicalId(stack.node.findChild('DeadLetters').node.defaultChild as cdk.CfnElement),
      alarm: stack.getLogicalId(alarm.node.defaultChild as cdk.CfnElement),
      target: stack.getLogicalId(target),
    };
    deployment = LocalDeploy.deployStack(stack);
    // eslint-disable-next-line no-console
    console.log(`LocalDeploy timings (ms): ${JSON.stringify(deployment.result.timings)}\nskipped: ${JSON.stringify(deployment.result.skipped)}`);
  }, 600_000);

  afterAll(() => deployment?.stop());

  test('the stack is created and the real resources exist', () => {
    const result = deployment.result;
    expect(result).toMatchObject({ stackName: 'LocalDeployProbe', stackStatus: 'CREATE_COMPLETE', account: '123456789012', region: 'us-east-1' });
    expect(result.endpointUrl).toMatch(/^http:\/\/localhost:\d+$/);
    const created = new Map(result.created.map((r) => [r.logicalId, r]));
    expect(created.get(ids.bucket)).toMatchObject({ resourceType: 'AWS::S3::Bucket', status: 'CREATE_COMPLETE' });
    expect(created.get(ids.queue)).toMatchObject({ resourceType: 'AWS::SQS::Queue', status: 'CREATE_COMPLETE' });
    expect(created.get(ids.dlq)).toMatchObject({ resourceType: 'AWS::SQS::Queue' });

    const bucketName = created.get(ids.bucket)!.physicalId;
    expect(result.outputs.BucketName).toBe(bucketName);
    const [encryption, versioning, buckets, queue] = deployment.describeAllViaBoto3(JSON.stringify([
      { service: 's3', operation: 'get_bucket_encryption', params: { Bucket: bucketName } },
      { service: 's3', operation: 'get_bucket_versioning', params: { Bucket: bucketName } },
      { service: 's3', operation: 'ListBuckets' },
      { service: 'sqs', operation: 'GetQueueAttributes', params: { QueueUrl: result.outputs.QueueUrl, AttributeNames: ['All'] } },
    ]));
    expect(encryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    // moto's CloudFormation S3 bucket applies BucketEncryption and Tags only: VersioningConfiguration is dropped.
    expect(versioning).toEqual({});
    expect(buckets.Buckets.map((b: any) => b.Name)).toEqual(expect.arrayContaining([bucketName, 'cdk-hnb659fds-assets-123456789012-us-east-1']));
    expect(queue.Attributes.SqsManagedSseEnabled).toBe('true');
    expect(JSON.parse(queue.Attributes.RedrivePolicy)).toMatchObject({ maxReceiveCount: 3 });

    // The single-call form.
    const dlqUrl = deployment.describeViaBoto3('sqs', 'get_queue_url', JSON.stringify({ QueueName: created.get(ids.dlq)!.physicalId.split('/').pop() })).QueueUrl;
    expect(dlqUrl).toMatch(/\/123456789012\/LocalDeployProbe-DeadLetters/);
  });

  test('resource types moto does not support are reported as skipped', () => {
    const result = deployment.result;
    const skipped = new Map(result.skipped.map((r) => [r.logicalId, r]));
    expect(skipped.get(ids.alarm)).toEqual({
      logicalId: ids.alarm, resourceType: 'AWS::CloudWatch::Alarm', reason: 'moto does not support AWS::CloudWatch::Alarm in CloudFormation',
    });
    expect(skipped.get(ids.target)).toMatchObject({ resourceType: 'AWS::ApplicationAutoScaling::ScalableTarget' });
    expect(result.unsupportedTypes).toEqual(expect.arrayContaining([
      'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::CloudWatch::Alarm', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy',
    ]));
    // Nothing is both created and skipped, and every template resource is accounted for.
    const template = Object.keys(JSON.parse(JSON.stringify(require('aws-cdk-lib/assertions').Template.fromStack(stack).toJSON())).Resources);
    expect([...result.created.map((r) => r.logicalId), ...result.skipped.map((r) => r.logicalId)].sort()).toEqual(template.sort());
    // The same list is known without deploying.
    expect(LocalDeploy.unsupportedResourceTypes(stack)).toEqual(Array.from(new Set(result.skipped.map((r) => r.resourceType))).sort());
    // And really absent from moto, although the stack says CREATE_COMPLETE.
    expect(deployment.describeViaBoto3('cloudwatch', 'describe_alarms').MetricAlarms).toEqual([]);
  });

  test('phases are timed', () => {
    const t = deployment.result.timings;
    for (const phase of [t.serverStartMs, t.synthMs, t.bootstrapMs, t.deployMs, t.readBackMs]) {
      expect(phase).toBeGreaterThan(0);
    }
    expect(t.totalMs).toBeGreaterThanOrEqual(t.serverStartMs + t.bootstrapMs + t.deployMs + t.readBackMs);
  });

  test('boto3 failures and bad parameters throw clear errors', () => {
    expect(() => deployment.describeViaBoto3('sqs', 'get_queue_attributes', JSON.stringify({ QueueUrl: `${deployment.endpointUrl}/123456789012/nope` })))
      .toThrow(/boto3 sqs.get_queue_attributes failed: AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist/);
    expect(() => deployment.describeViaBoto3('sqs', 'list_queues', '{ nope')).toThrow(/LocalDeploy.describeViaBoto3\(sqs, list_queues\): params are not valid JSON/);
    expect(() => deployment.describeViaBoto3('sqs', 'list_queues', '[1]')).toThrow(/params must be a JSON object/);
    expect(() => deployment.describeViaBoto3('sqs', 'fly_to_the_moon')).toThrow(/boto3 sqs.fly_to_the_moon failed: ValueError: unknown operation fly_to_the_moon for service sqs/);
    expect(() => deployment.describeAllViaBoto3('{"service": "sqs"}')).toThrow(/calls must be a JSON array of \{service, operation, params\?\}/);
    expect(() => deployment.describeAllViaBoto3('[')).toThrow(/describeAllViaBoto3: calls are not valid JSON/);
  });

  test('stop() kills the server and is idempotent', () => {
    const url = deployment.endpointUrl;
    expect(deployment.running).toBe(true);
    deployment.stop();
    deployment.stop();
    expect(deployment.running).toBe(false);
    expect(() => deployment.describeViaBoto3('sqs', 'list_queues')).toThrow(/the moto server is stopped/);
    const probe = require('child_process').spawnSync(process.execPath, ['-e',
      `require('http').get('${url}/moto-api/', () => process.exit(0)).on('error', () => process.exit(3))`], { timeout: 10_000 });
    expect(probe.status).toBe(3);
  });
});

describe('LocalDeploy preconditions', () => {
  test('lists the resource types moto can create', () => {
    const types = LocalDeploy.supportedResourceTypes();
    expect(types).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SageMaker::Endpoint', 'AWS::Lambda::Function']));
    expect(types).not.toContain('AWS::CloudWatch::Alarm');
    expect(() => LocalDeploy.supportedResourceTypes('python-not-here')).toThrow(/python-not-here is not installed/);
  });

  test('a stack that is not in the assembly is reported with the available stacks', () => {
    const { app } = storageStack({ stackName: 'Present' });
    const dir = app.synth().directory;
    expect(() => LocalDeploy.deployAssembly(dir, 'Absent')).toThrow(/LocalDeploy: stack 'Absent' not found in .*; stacks: Present/);
    expect(() => LocalDeploy.deployAssembly('/does/not/exist', 'Present')).toThrow();
  });

  test('missing moto_server gives the install hint', () => {
    const { app } = storageStack();
    const dir = app.synth().directory;
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(LocalDeploy.isInstalled()).toBe(false);
      expect(() => LocalDeploy.deployAssembly(dir, 'Storage')).toThrow(/moto is not installed: run `pip install cfn-lint 'moto\[server\]'`/);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(LocalDeploy.isInstalled()).toBe(true);
  });
});
