import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import './fixtures';
import { createDocumentBatchStack } from '../../examples/document-batch';
import { createEdgePrivacyStack } from '../../examples/edge-privacy';
import { createExistingAppStack } from '../../examples/existing-app';
import { createGpuClusterStack } from '../../examples/gpu-cluster';
import { createHybridApp } from '../../examples/hybrid';
import { createManagedEndpointStack } from '../../examples/managed-endpoint';
import { createServerlessBurstStack } from '../../examples/serverless-burst';
import { demoArtifact } from '../../examples/shared/artifact';
import { Rollout, ServiceLevelObjective } from '../../lib';
import { EndpointMode, ManagedEndpoint } from '../../lib/managed-endpoint';
import { ApiContract, ApiContractResult } from '../../lib/testing';

/**
 * Findings ApiContract reports today, each with the issue item that fixes it. The lane engineers fix
 * these on their branches; the lead empties this list at integration, and from then on every example
 * and probe must stay at zero findings. Format: `template logicalId ruleId propertyPath`.
 */
const EXPECTED_FINDINGS: string[] = [
  // issue 12 item 2: the SageMaker execution role cannot read the auto-rollback alarms (no cloudwatch:DescribeAlarms),
  // so deployment guardrails never roll back. Every example with a SageMaker rollout, bin/ (the hybrid) included:
  'ExistingApp Assistant1D40D776 sagemaker-rollback-permission DeploymentConfig.AutoRollbackConfiguration.Alarms',
  'InferenceLanesHybrid AssistantBaselineE964D282 sagemaker-rollback-permission DeploymentConfig.AutoRollbackConfiguration.Alarms',
  'ManagedEndpoint Assistant1D40D776 sagemaker-rollback-permission DeploymentConfig.AutoRollbackConfiguration.Alarms',
  'ProbeAllAtOnce E80549084 sagemaker-rollback-permission DeploymentConfig.AutoRollbackConfiguration.Alarms',
  'ProbeServerlessRollout E80549084 sagemaker-rollback-permission DeploymentConfig.AutoRollbackConfiguration.Alarms',
  // The other example apps are clean today.

  // Lane probes (configurations no example uses):
  // issue 12 item 1: Rollout.allAtOnce() renders ALL_AT_ONCE without WaitIntervalInSeconds; CreateEndpoint rejects it.
  'ProbeAllAtOnce E80549084 required DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds',
  'ProbeServerlessRollout E80549084 required DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds',
  // issue 12 item 3: deployment guardrails do not apply to serverless endpoints, but a rollout still renders them.
  'ProbeServerlessRollout E80549084 sagemaker-guardrails-serverless DeploymentConfig.BlueGreenUpdatePolicy',
];

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
    // bin/app.ts deploys exactly this app (with the CLI's account/region).
    createHybridApp({ manifestsDir }).stack,
  ];
  const probes = [
    probe('ProbeAllAtOnce', EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), Rollout.allAtOnce()),
    probe('ProbeServerlessRollout', EndpointMode.serverless({ memorySize: Size.mebibytes(2048), maxConcurrency: 5, provisionedConcurrency: 2 }), Rollout.allAtOnce()),
  ];
  // One child process for all of them.
  results = ApiContract.validateStacks([...examples, ...probes]);
});

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
  // One validator run for the nine stacks: ~0.5 s on an idle machine, 3.5 s measured with both cores busy.
  expect(results[0].durationMs).toBeLessThan(10000);
});

function hybridResources(): { [id: string]: unknown } {
  const stack = examples[examples.length - 1];
  const app = stack.node.root as App;
  return app.synth().getStackByName(stack.stackName).template.Resources;
}
