import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import './fixtures';
import { createDocumentBatchStack, createDocumentGpuBatchStack } from '../../examples/document-batch';
import { createEdgePrivacyStack } from '../../examples/edge-privacy';
import { createExistingAppStack } from '../../examples/existing-app';
import { createGpuClusterStack } from '../../examples/gpu-cluster';
import { createHybridApp } from '../../examples/hybrid';
import { createManagedEndpointStack } from '../../examples/managed-endpoint';
import { createInferenceComponentStack } from '../../examples/managed-endpoint/inference-components';
import { createServerlessBurstStack, createStreamingChatStack } from '../../examples/serverless-burst';
import { demoArtifact } from '../../examples/shared/artifact';
import { AutoscalingPolicy, HardwareTarget, ModelArtifact, Rollout, ScalingTrigger, ServiceLevelObjective, ServingImage } from '../../lib';
import { GpuClusterService } from '../../lib/gpu-cluster';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { WarmMode, WarmServerlessFunction } from '../../lib/serverless';
import { ApiContract, ApiContractResult } from '../../lib/testing';

/**
 * Findings ApiContract may report on the examples and probes. Format: `template logicalId ruleId propertyPath`.
 */
// Every example app, bin/ (the hybrid) and the lane probes are clean: the issue 12 fixes (WaitIntervalInSeconds on
// ALL_AT_ONCE, cloudwatch:DescribeAlarms on the rollback alarms, no guardrails on serverless endpoints) removed the
// findings this list held before integration.
const EXPECTED_FINDINGS: string[] = [];

let results: ApiContractResult[];
let examples: Stack[];

beforeAll(() => {
  const manifestsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-contract-manifests-'));
  examples = [
    createDocumentBatchStack(new App(), 'DocumentBatch'),
    createEdgePrivacyStack(new App(), 'EdgePrivacy'),
    createExistingAppStack(new App(), 'ExistingApp'),
    createGpuClusterStack(new App(), 'GpuCluster'),
    createManagedEndpointStack(new App(), 'ManagedEndpoint'),
    createServerlessBurstStack(new App(), 'ServerlessBurst'),
    // Issue 19: inference components, ECS Managed Instances GPU workers, the streaming chat function.
    createInferenceComponentStack(new App(), 'InferenceComponents'),
    createDocumentGpuBatchStack(new App(), 'DocumentGpuBatch'),
    createStreamingChatStack(new App(), 'StreamingChat'),
    // bin/app.ts deploys exactly this app (with the CLI's account/region).
    createHybridApp({ manifestsDir }).stack,
  ];
  const probes = [
    probe('ProbeAllAtOnce', EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), Rollout.allAtOnce()),
    // Issue 19's SnapStart warm mode, which no example uses (the lane itself rejects streaming from a Python runtime).
    karpenterProbe(),
    serverlessProbe('ProbeSnapStart', lambda.Runtime.PYTHON_3_12, { warmMode: WarmMode.snapStart(), reservedConcurrentExecutions: 50, functionUrl: true }),
  ];
  // One child process for all of them.
  results = ApiContract.validateStacks([...examples, ...probes]);
});

/** GPU lane on an eks.Cluster of the app: Karpenter (controller role, interruption queue and its EventBridge rules). */
function karpenterProbe(): Stack {
  const stack = new Stack(new App(), 'ProbeKarpenter', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33, defaultCapacity: 2,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl:1'),
  });
  const artifact = ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Models', 'models-bucket'), 'recsys/1.4.0/model.tar.gz', {
    name: 'recsys', version: '1.4.0', targets: [HardwareTarget.NVIDIA_GPU], digest: 'sha256:' + 'cd'.repeat(32),
    image: ServingImage.fromRegistry('nvcr.io/nvidia/tritonserver:24.08-py3'),
  });
  new GpuClusterService(stack, 'Recsys', {
    cluster, artifact, installKeda: true,
    autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(8)] }),
  });
  return stack;
}

function serverlessProbe(id: string, runtime: lambda.Runtime, extra: { [key: string]: unknown }): Stack {
  const stack = new Stack(new App(), id);
  new WarmServerlessFunction(stack, 'F', {
    artifact: demoArtifact('1.4.0'),
    code: lambda.Code.fromInline('def handler(event, context):\n    return {"statusCode": 200}\n'),
    handler: 'index.handler',
    runtime,
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
    ...extra,
  } as ConstructorParameters<typeof WarmServerlessFunction>[2]);
  return stack;
}

function probe(id: string, mode: EndpointMode, rollout: Rollout): Stack {
  const stack = new Stack(new App(), id);
  new ManagedEndpoint(stack, 'E', {
    artifact: demoArtifact('1.4.0'),
    mode,
    rollout,
    slo: ServiceLevelObjective.latency(95, Duration.millis(300), { maxErrorRatePercent: 1 }),
  });
  return stack;
}

test('every example, bin/ and the lane probes report exactly the expected findings', () => {
  const found = results.flatMap((r) => [...r.errors, ...r.warnings].map((f) => `${f.template} ${f.logicalId} ${f.ruleId} ${f.propertyPath}`));
  expect(found.sort()).toEqual([...EXPECTED_FINDINGS].sort());
});

test('every example has its runtime-bearing resources contract-checked, and says what it could not check', () => {
  const summary = results.slice(0, examples.length).map((r) => ({
    template: r.template,
    covered: r.resources.length,
    checkedFields: r.resources.reduce((n, x) => n + x.checkedFields, 0),
    skipped: r.skipped.length,
  }));
  for (const s of summary) {
    // gpu-cluster only holds the EKS attachment (custom resources and IAM): nothing ApiContract covers.
    if (s.template !== 'GpuCluster') {
      expect([s.template, s.covered > 0, s.checkedFields > s.skipped]).toEqual([s.template, true, true]);
    }
  }
  const hybrid = results.find((r) => r.template === 'InferenceLanesHybrid')!;
  const coveredTypes = new Set(hybrid.resources.map((r) => r.resourceType));
  for (const type of ['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::CloudWatch::Alarm', 'AWS::Lambda::Alias', 'AWS::CodeDeploy::DeploymentGroup',
    'AWS::GreengrassV2::ComponentVersion', 'AWS::GreengrassV2::Deployment', 'AWS::IoT::ThingGroup', 'AWS::ApplicationSignals::ServiceLevelObjective']) {
    expect([type, coveredTypes.has(type)]).toEqual([type, true]);
  }
  // Nothing is hidden: every resource is either covered or listed as uncovered.
  expect(hybrid.resources.length + hybrid.uncovered.length).toBe(Object.keys(hybridResources()).length);
});

test('the issue 19 examples: each new resource is checked against the API requests that receive it', () => {
  const ops = (template: string) => {
    const r = results.find((x) => x.template === template)!;
    const out: { [type: string]: string[] } = {};
    for (const x of r.resources) { out[x.resourceType] = x.operations; }
    return out;
  };
  expect(ops('InferenceComponents')['AWS::SageMaker::InferenceComponent']).toEqual(['sagemaker:CreateInferenceComponent', 'sagemaker:UpdateInferenceComponent']);
  expect(ops('InferenceComponents')['AWS::SageMaker::EndpointConfig']).toEqual(['sagemaker:CreateEndpointConfig']);
  expect(ops('DocumentGpuBatch')['AWS::ECS::CapacityProvider']).toEqual(['ecs:CreateCapacityProvider']);
  expect(ops('DocumentGpuBatch')['AWS::ECS::TaskDefinition']).toEqual(['ecs:RegisterTaskDefinition']);
  expect(ops('DocumentGpuBatch')['AWS::ECS::Service']).toEqual(['ecs:CreateService']);
  expect(ops('StreamingChat')['AWS::Lambda::Url']).toEqual(['lambda:CreateFunctionUrlConfig']);
  // Karpenter's interruption rules deliver to its queue (PutRule, PutTargets, and the queue policy for each rule).
  const karpenter = results.find((x) => x.template === 'ProbeKarpenter')!;
  const rules = karpenter.resources.filter((x) => x.resourceType === 'AWS::Events::Rule');
  expect(rules.length).toBeGreaterThanOrEqual(4);
  expect(rules.every((x) => x.operations.join() === 'events:PutRule,events:PutTargets')).toBe(true);
  // The SnapStart probe's function went through the SnapStart rules (runtime, storage, no provisioned concurrency).
  const snap = results.find((x) => x.template === 'ProbeSnapStart')!;
  expect(snap.resources.filter((x) => x.resourceType === 'AWS::Lambda::Alias' || x.resourceType === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(2);
  // Nothing of the new types is left uncovered.
  const uncovered = results.flatMap((r) => r.uncovered.map((u) => u.resourceType));
  for (const type of ['AWS::SageMaker::InferenceComponent', 'AWS::ECS::CapacityProvider', 'AWS::Lambda::Url']) {
    expect([type, uncovered.includes(type)]).toEqual([type, false]);
  }
});

function hybridResources(): { [id: string]: unknown } {
  const stack = examples[examples.length - 1];
  const app = stack.node.root as App;
  return app.synth().getStackByName(stack.stackName).template.Resources;
}
