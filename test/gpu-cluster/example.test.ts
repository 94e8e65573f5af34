import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import { createGpuClusterStack } from '../../examples/gpu-cluster';
import { createGpuServingChart, createLlmServingChart } from '../../examples/gpu-cluster/chart';
import { GpuClusterService } from '../../lib/gpu-cluster';
import { CfnLint, KubernetesSchema, NagCheck } from '../../lib/testing';
import { crdProblems } from './karpenter-crd';

// GIVEN the example stack (recommendation model, 1,000 RPS midday, 5x flash sale) and the same
// model as a standalone chart, each built once for every check
let stack: Stack;
let template: Template;
let service: GpuClusterService;
let standaloneYaml: string;
let standaloneObjects: any[];
let llmYaml: string;
let llmObjects: any[];
beforeAll(() => {
  stack = createGpuClusterStack(new App(), 'GpuClusterExample');
  template = Template.fromStack(stack);
  service = stack.node.findChild('Recsys') as GpuClusterService;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-cluster-example-'));
  const app = new cdk8s.App({ outdir });
  createGpuServingChart(app);
  createLlmServingChart(app);
  app.synth();
  standaloneYaml = fs.readFileSync(path.join(outdir, 'recsys.k8s.yaml'), 'utf-8');
  standaloneObjects = cdk8s.Yaml.load(path.join(outdir, 'recsys.k8s.yaml'));
  llmYaml = fs.readFileSync(path.join(outdir, 'assistant.k8s.yaml'), 'utf-8');
  llmObjects = cdk8s.Yaml.load(path.join(outdir, 'assistant.k8s.yaml'));
});

test('serves the fp16 GPU build with Triton dynamic batching, scales on in-flight requests with a warm buffer and pre-warms the flash sale', () => {
  const objs = service.chart.toJson();
  const deployment = objs.find((o: any) => o.kind === 'Deployment');
  expect(deployment.spec.template.spec.containers[0].image).toBe('nvcr.io/nvidia/tritonserver:24.08-py3');
  expect(deployment.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  expect(deployment.spec.template.metadata.annotations['inference.cdk/precision']).toBe('fp16');
  expect(objs.find((o: any) => o.kind === 'ConfigMap').data['config.pbtxt']).toContain('max_queue_delay_microseconds: 2000');
  const so = objs.find((o: any) => o.kind === 'ScaledObject');
  expect(so.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 40, pollingInterval: 15, scaleTargetRef: { kind: 'Rollout', name: 'recsys' } });
  expect(so.spec.triggers.map((t: any) => [t.name, t.metadata.threshold ?? t.metadata.desiredReplicas])).toEqual([['in-flight-per-pod', '7'], ['schedule-flash-sale', '28']]);
  expect(objs.find((o: any) => o.kind === 'Rollout').spec.strategy.canary.steps[0]).toEqual({ setWeight: 75 });
  template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'keda', Namespace: 'keda' });
  template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'recsys', ServiceAccount: 'recsys' });
  // The applied manifest is the chart: every object kind of it, on the example's cluster.
  const applied = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource', { Properties: { ClusterName: 'recsys-gpu' } }))
    .filter(([id]) => id.startsWith('RecsysManifests')).map(([, r]) => r) as any[];
  expect(applied.length).toBe(1);
  const text = JSON.stringify(applied[0].Properties.Manifest);
  for (const kind of ['Namespace', 'Deployment', 'ScaledObject', 'Rollout', 'AnalysisTemplate', 'HTTPRoute', 'ServiceMonitor', 'PrometheusRule']) {
    expect(text).toContain(`\\"kind\\":\\"${kind}\\"`);
  }
});

test('GPU nodes come from the cluster\'s Karpenter: a NodePool (g5/g6, on-demand and Spot, no disruption during the sale) and an EC2NodeClass for its node role, schema-valid', () => {
  const [, resource] = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) => id.includes('KarpenterSetupNodePool'))! as [string, any];
  const [nodeClass, nodePool] = JSON.parse(resource.Properties.Manifest);
  expect(nodeClass.spec.role).toBe('KarpenterNodeRole-recsys-gpu');
  expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'recsys-gpu' } }]);
  expect(nodePool.spec.template.spec.requirements.slice(0, 2)).toEqual([
    { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g5', 'g6'] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] },
  ]);
  // 40 pods at the flash sale's peak + 1 surge pod, 1 GPU each.
  expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': 41 });
  expect(nodePool.spec.disruption.budgets).toEqual([{ nodes: '10%' }, { nodes: '0', schedule: '0 15 * * 3', duration: '3h' }]);
  // No Karpenter install on the imported cluster, but the device plugin for its AL2023 nodes.
  expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).not.toContain('"Chart":"karpenter"');
  template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'nvidia-device-plugin' });
  const result = KubernetesSchema.validateManifests(JSON.stringify([nodeClass, nodePool]));
  expect(KubernetesSchema.format(result.problems)).toBe('');
  expect([...crdProblems(nodeClass), ...crdProblems(nodePool)]).toEqual([]);
  expect(service.scaleOutLeadTime.total.toSeconds()).toBe(15 + 30 + 10 + 90 + 20 + 60 + 20 + 30);
});

test('every manifest (EKS chart and standalone YAML) validates against the Kubernetes and CRD schemas, with no unknown fields', () => {
  const eksObjects = service.chart.toJson();
  const result = KubernetesSchema.validateManifests(JSON.stringify([...eksObjects, ...standaloneObjects]));
  expect(KubernetesSchema.format(result.problems)).toBe('');
  const kinds = result.objects.map(o => `${o.kind} ${o.schemaModule}`);
  // CRDs are checked against their own published schemas, not skipped.
  for (const kind of ['ScaledObject', 'HTTPRoute', 'Rollout', 'AnalysisTemplate', 'ServiceMonitor', 'PrometheusRule']) {
    expect(kinds.filter(k => k.startsWith(`${kind} @kubernetes-models/`)).length).toBe(2);
  }
  expect(result.objects.every(o => o.schemaModule !== undefined)).toBe(true);
});

test('the LLM example serves vLLM from the node cache and scales on waiting requests and the KV cache', () => {
  const deployment = llmObjects.find((o: any) => o.kind === 'Deployment');
  const server = deployment.spec.template.spec.containers[0];
  expect(server.command).toEqual([
    'python3', '-m', 'vllm.entrypoints.openai.api_server', '--model=/models/assistant/1', '--served-model-name=assistant', '--host=0.0.0.0', '--port=8000',
    '--tensor-parallel-size=1', '--gpu-memory-utilization=0.9', '--max-model-len=8192', '--max-num-seqs=64', '--enable-prefix-caching',
  ]);
  expect(server.volumeMounts).toEqual(expect.arrayContaining([{ name: 'model-cache', mountPath: '/models/assistant/1', subPath: 'assistant/3.1.0-unverified', readOnly: true }]));
  const so = llmObjects.find((o: any) => o.kind === 'ScaledObject');
  expect(so.spec.triggers.map((t: any) => [t.name, t.metadata.query, t.metadata.threshold])).toEqual([
    ['requests-waiting-per-pod', 'sum(vllm:num_requests_waiting{namespace="assistant",service="assistant"})', '3'],
    ['kv-cache-utilization', 'avg(vllm:kv_cache_usage_perc{namespace="assistant",service="assistant"}) * 100', '63.75'],
  ]);
  const result = KubernetesSchema.validateManifests(JSON.stringify(llmObjects));
  expect(KubernetesSchema.format(result.problems)).toBe('');
  expect(result.objects.every(o => o.schemaModule !== undefined)).toBe(true);
});

test('the LLM chart matches the snapshot', () => {
  expect(llmYaml).toMatchSnapshot();
});

test('the stack matches the snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});

test('the standalone chart matches the snapshot', () => {
  expect(standaloneYaml).toMatchSnapshot();
});

test('passes cdk-nag AwsSolutions (every suppression carries a reason)', () => {
  const result = NagCheck.assertCompliant(stack);
  expect(result.errors).toEqual([]);
});

// No skipping: without cfn-lint, CfnLint throws with the install command.
const lint = test;
lint('passes cfn-lint with no errors', () => {
  const result = CfnLint.lintStack(stack);
  expect(CfnLint.format(result.errors)).toBe('');
});

test('the example states its capacity lag as PromQL on the Argo Rollouts controller (ARGO_ROLLOUTS), and no CloudWatch lag without Container Insights', () => {
  expect(service.capacityLagQuery).toBe(
    'clamp_min(max(rollout_info_replicas_desired{namespace="recsys",name="recsys"}) - max(rollout_info_replicas_available{namespace="recsys",name="recsys"}), 0)');
  expect(service.metricCapacityLag()).toBeUndefined();
});
