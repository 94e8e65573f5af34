import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { LocalDeploy } from '../../lib/testing';
import { API_CREATE_SCRIPT, ApiCreateOutcome, ApiCreateRequest } from '../../lib/testing/private/api-create';
import { FakeEmulator, writeAssembly } from './fake-emulator';

/**
 * What LocalDeploy does with the resources issue 19 added that moto's CloudFormation skips
 * (AWS::SageMaker::InferenceComponent, AWS::ECS::CapacityProvider, AWS::ECS::ClusterCapacityProviderAssociations).
 *
 * 1. The API-create script itself (the Python that runs after the stack is on moto), against moto's API
 *    served in-process (ThreadedMotoServer: no moto_server, no cdk deploy, a few seconds): which of them it
 *    creates through the API and read back, and the reason for the ones it cannot.
 * 2. LocalDeploy's report with the fake emulator fed those very outcomes: the skipped resources, the
 *    requests it hands the script, and formatResult's "Not created locally" lines.
 */

const REQUESTS: ApiCreateRequest[] = [
  {
    logicalId: 'Component', resourceType: 'AWS::SageMaker::InferenceComponent', dependsOn: [], plannedName: 'S-Component', mode: 'create',
    properties: { EndpointName: 'ep', VariantName: 'primary', Specification: { ComputeResourceRequirements: { MinMemoryRequiredInMb: 1024 } }, RuntimeConfig: { CopyCount: 1 } },
  },
  {
    logicalId: 'GpuCapacity', resourceType: 'AWS::ECS::CapacityProvider', dependsOn: [], plannedName: 'S-GpuCapacity', mode: 'create',
    properties: {
      ClusterName: 'workers',
      ManagedInstancesProvider: {
        InfrastructureRoleArn: 'arn:aws:iam::123456789012:role/infra',
        InstanceLaunchTemplate: { Ec2InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/p', NetworkConfiguration: { Subnets: ['subnet-1'] } },
      },
    },
  },
  {
    logicalId: 'AsgCapacity', resourceType: 'AWS::ECS::CapacityProvider', dependsOn: [], plannedName: 'S-AsgCapacity', mode: 'create',
    properties: {
      AutoScalingGroupProvider: {
        AutoScalingGroupArn: 'gpu-asg',
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
        ManagedTerminationProtection: 'DISABLED',
      },
      Tags: [{ Key: 'inference:lane', Value: 'batch-workers' }],
    },
  },
  {
    logicalId: 'Associations', resourceType: 'AWS::ECS::ClusterCapacityProviderAssociations', dependsOn: [], plannedName: 'S-Associations', mode: 'create',
    properties: {
      Cluster: { Ref: 'Cluster' },
      CapacityProviders: [{ Ref: 'AsgCapacity' }],
      DefaultCapacityProviderStrategy: [{ CapacityProvider: { Ref: 'AsgCapacity' }, Weight: 1 }],
    },
  },
  {
    logicalId: 'CopyTarget', resourceType: 'AWS::ApplicationAutoScaling::ScalableTarget', dependsOn: ['Component'], plannedName: 'S-CopyTarget', mode: 'create',
    properties: { ServiceNamespace: 'sagemaker', ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', ResourceId: 'inference-component/assistant', MinCapacity: 0, MaxCapacity: 2 },
  },
];

/** Starts moto's API in-process on a free port, creates the cluster moto's CloudFormation would have, runs the script. */
const RUNNER = `
import io, json, sys, warnings
warnings.simplefilter('ignore')
from moto.server import ThreadedMotoServer
import boto3
srv = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
srv.start()
host, port = srv.get_host_and_port()
endpoint = 'http://%s:%d' % (host, port)
boto3.client('ecs', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing').create_cluster(clusterName='workers')
req = json.load(sys.stdin)
req['endpoint'] = endpoint
script = open(sys.argv[1]).read()
sys.stdin = io.StringIO(json.dumps(req))
try:
    exec(compile(script, 'api-create', 'exec'), {'__name__': '__main__'})
finally:
    srv.stop()
`;

let outcomes: ApiCreateOutcome[];
let outcomeOf: (id: string) => ApiCreateOutcome;

beforeAll(() => {
  const scriptFile = `${fs.mkdtempSync('/tmp/api-create-')}/script.py`;
  fs.writeFileSync(scriptFile, API_CREATE_SCRIPT);
  const run = spawnSync('python3', ['-c', RUNNER, scriptFile], {
    input: JSON.stringify({
      region: 'us-east-1', account: '123456789012', stackName: 'S',
      values: { Cluster: { ref: 'workers', attrs: {} } },
      resources: REQUESTS,
    }),
    encoding: 'utf-8',
    timeout: 120_000,
  });
  fs.rmSync(scriptFile, { force: true });
  if (run.status !== 0) { throw new Error(`API-create script failed (${run.status}):\n${run.stderr}\n${run.stdout}`); }
  outcomes = JSON.parse(run.stdout).outcomes;
  outcomeOf = (id) => outcomes.find((o) => o.logicalId === id)!;
});

describe('the API-create script on moto', () => {
  test('an inference component is not created: moto lacks CreateInferenceComponent (said, with what is missing locally)', () => {
    expect(outcomeOf('Component')).toEqual({
      logicalId: 'Component', resourceType: 'AWS::SageMaker::InferenceComponent', created: false,
      reason: 'moto lacks the API: CreateInferenceComponent is not implemented by moto, so the component (its model copies, compute '
        + 'reservation and DeploymentConfig) is not created locally; the endpoint is created without it',
    });
  });

  test('a copy-count scalable target is not created: moto does not know the inference-component dimension (said before calling it)', () => {
    expect(outcomeOf('CopyTarget')).toEqual({
      logicalId: 'CopyTarget', resourceType: 'AWS::ApplicationAutoScaling::ScalableTarget', created: false,
      reason: "moto lacks the API: moto's RegisterScalableTarget does not know the scalable dimension sagemaker:inference-component:DesiredCopyCount, "
        + 'so the target (and its scaling policies) is not created locally',
    });
  });

  test('an ECS Managed Instances capacity provider is not created: moto models Auto Scaling group providers only', () => {
    expect(outcomeOf('GpuCapacity').created).toBe(false);
    expect(outcomeOf('GpuCapacity').reason).toBe("moto lacks the API: moto's CreateCapacityProvider models Auto Scaling group providers only, "
      + 'not managedInstancesProvider (ECS Managed Instances), so LocalDeploy has no API mapping for AWS::ECS::CapacityProvider with a managed instances provider: '
      + 'it is not created locally and a service whose strategy names it has no capacity there');
  });

  test('an Auto Scaling group capacity provider is created via CreateCapacityProvider and read back; its cluster association via PutClusterCapacityProviders', () => {
    expect(outcomeOf('AsgCapacity')).toMatchObject({
      created: true, physicalId: 'S-AsgCapacity', apiCalls: ['CreateCapacityProvider'],
      readBack: 'DescribeCapacityProviders: S-AsgCapacity ACTIVE (Auto Scaling group gpu-asg, managed scaling ENABLED)',
    });
    // The association resolved Ref AsgCapacity to the provider created just before (dependency order).
    expect(outcomeOf('Associations')).toMatchObject({
      created: true, physicalId: 'workers', apiCalls: ['PutClusterCapacityProviders'],
      readBack: 'DescribeClusters: workers with capacity providers S-AsgCapacity',
    });
  });
});

describe('LocalDeploy\'s report (fake emulator fed the outcomes above)', () => {
  const fake = new FakeEmulator();
  let dir = '';
  afterAll(() => {
    fake.dispose();
    if (dir) { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  test('both skipped types are listed as skipped by moto\'s CloudFormation, sent to the API-create script, and reported as not created with the reason', () => {
    fake.onPath();
    const template = { Resources: Object.fromEntries(REQUESTS.map((r) => [r.logicalId, { Type: r.resourceType, Properties: r.properties }])) };
    template.Resources.Cluster = { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'workers' } } as any;
    dir = writeAssembly(template, { stackName: 'S', environment: 'aws://123456789012/us-east-1' });
    fake.use({
      profile: { types: ['AWS::ECS::Cluster'] },
      boto3: {
        'describe_stacks:CDKToolkit': { Stacks: [{ StackStatus: 'CREATE_COMPLETE' }] },
        'list_stack_resources': { StackResourceSummaries: [{ LogicalResourceId: 'Cluster', PhysicalResourceId: 'workers', ResourceStatus: 'CREATE_COMPLETE' }] },
        'describe_stacks:S': { Stacks: [{ StackStatus: 'CREATE_COMPLETE', Outputs: [] }] },
      },
      motoLog: ['AWS::SageMaker::InferenceComponent', 'AWS::ECS::CapacityProvider', 'AWS::ECS::ClusterCapacityProviderAssociations', 'AWS::ApplicationAutoScaling::ScalableTarget']
        .map((t) => `Tried to parse ${t} but it's not supported by moto's CloudFormation implementation\n`).join(''),
      outcomes,
    });
    const d = LocalDeploy.deployAssembly(dir, 'S', { python: fake.python, cdkCliPath: fake.cdkCli });
    try {
      const result = d.result;
      expect(result.unsupportedTypes).toEqual(['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ECS::CapacityProvider', 'AWS::ECS::ClusterCapacityProviderAssociations', 'AWS::SageMaker::InferenceComponent']);
      expect(result.skipped.find((s) => s.logicalId === 'GpuCapacity')?.reason).toBe('moto does not support AWS::ECS::CapacityProvider in CloudFormation');
      const sent = fake.calls().filter((c) => c.kind === 'api-create')[0].input.resources.map((r: ApiCreateRequest) => `${r.logicalId} ${r.mode}`);
      expect(sent.sort()).toEqual(['AsgCapacity create', 'Associations create', 'Component create', 'CopyTarget create', 'GpuCapacity create']);
      expect(result.notCreated.map((n) => n.logicalId).sort()).toEqual(['Component', 'CopyTarget', 'GpuCapacity']);
      expect(result.createdViaApi.map((n) => n.logicalId).sort()).toEqual(['AsgCapacity', 'Associations']);
      const text = LocalDeploy.formatResult(result);
      expect(text).toMatch(/Not created locally \(3\):/);
      expect(text).toContain('moto lacks the API: CreateInferenceComponent is not implemented by moto');
      expect(text).toContain("moto's CreateCapacityProvider models Auto Scaling group providers only, not managedInstancesProvider");
    } finally {
      d.stop();
    }
  });
});
