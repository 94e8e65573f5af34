import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AutoscalingPolicy, DynamicBatching, HardwareTarget, ScalingTrigger } from '../../lib';
import { QueueDrainedWorkers } from '../../lib/batch-workers';
import { LocalDeploy, LocalDeployResult } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';

/*
 * What a local deploy (moto) proves about GPU workers on ECS Managed Instances, said plainly: moto's
 * CloudFormation has no AWS::ECS::CapacityProvider (skipped silently, stack CREATE_COMPLETE), and its
 * ECS API models only Auto Scaling group providers (CreateCapacityProvider drops
 * managedInstancesProvider), so the capacity provider exists nowhere locally. The roles, instance
 * profile, MANAGED_INSTANCES task definition (with the BATCH_* environment) and the service are
 * created; the service runs no task. The provider is covered by the template tests, cfn-lint and
 * cdk-nag (managed-instances.test.ts). KMS key passed for moto's tagged-key crash (see the other deploy test).
 */

let deployment: LocalDeploy | undefined;
let result: LocalDeployResult;

beforeAll(() => {
  if (!LocalDeploy.isInstalled()) {
    throw new Error("moto_server/python3 not found: pip install 'moto[server]' boto3");
  }
  const stack = new Stack(new App(), 'GpuWorkersLocal');
  new QueueDrainedWorkers(stack, 'Workers', {
    artifact: demoArtifact(),
    hardware: HardwareTarget.NVIDIA_GPU,
    jobTimeout: Duration.minutes(5),
    encryptionKey: new kms.Key(stack, 'JobsKey', { enableKeyRotation: true }),
    dynamicBatching: new DynamicBatching({ maxBatchSize: 16, maxQueueDelay: Duration.seconds(2) }),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 2, scaleToZero: true, triggers: [ScalingTrigger.queueBacklogPerInstance(32)] }),
  });
  deployment = LocalDeploy.deployStack(stack, { timeoutSeconds: 300 });
  result = deployment.result;
  // eslint-disable-next-line no-console
  console.log(LocalDeploy.formatResult(result));
}, 600_000);

afterAll(() => {
  deployment?.stop();
});

test('CREATE_COMPLETE, but the managed-instances capacity provider exists nowhere locally (reported, not silent)', () => {
  expect(result.stackStatus).toBe('CREATE_COMPLETE');
  expect(result.unsupportedTypes).toContain('AWS::ECS::CapacityProvider');
  const provider = result.skipped.filter(s => s.resourceType === 'AWS::ECS::CapacityProvider');
  expect(provider).toHaveLength(1);
  expect(result.notCreated.map(n => n.resourceType)).toEqual(['AWS::ECS::CapacityProvider']);
  expect(result.notCreated[0].reason).toMatch(/no API mapping for AWS::ECS::CapacityProvider/);
  const createdTypes = new Set(result.created.map(c => c.resourceType));
  for (const type of ['AWS::IAM::InstanceProfile', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ECS::Cluster']) {
    expect(createdTypes).toContain(type);
  }
});

test('the real task definition has the GPU and the rendered batching contract (moto does not keep requiresCompatibilities: asserted on the template)', () => {
  const td = result.created.find(c => c.resourceType === 'AWS::ECS::TaskDefinition')!;
  const [described] = deployment!.describeAllViaBoto3(JSON.stringify([{ service: 'ecs', operation: 'describe_task_definition', params: { taskDefinition: td.physicalId } }]));
  const def = described.taskDefinition;
  expect(def.requiresCompatibilities).toBeUndefined();
  const container = def.containerDefinitions[0];
  expect(container.resourceRequirements).toEqual([{ type: 'GPU', value: '1' }]);
  const env = Object.fromEntries((container.environment as Array<{ name: string; value: string }>).map(e => [e.name, e.value]));
  expect([env.BATCH_MAX_SIZE, env.BATCH_RECEIVE_MAX_MESSAGES, env.BATCH_RECEIVE_WAIT_SECONDS, env.BATCH_VISIBILITY_TIMEOUT_SECONDS]).toEqual(['16', '10', '2', '332']);
});
