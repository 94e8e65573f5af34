import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
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
    // bin/app.ts deploys exactly this app (with the CLI's account/region).
    createHybridApp({ manifestsDir }).stack,
  ];
  const probes = [
    probe('ProbeAllAtOnce', EndpointMode.realTime({ instanceType: 'ml.m5.xlarge' }), Rollout.allAtOnce()),
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
});

function hybridResources(): { [id: string]: unknown } {
  const stack = examples[examples.length - 1];
  const app = stack.node.root as App;
  return app.synth().getStackByName(stack.stackName).template.Resources;
}
