import { execFileSync } from 'child_process';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createHybridApp } from '../../examples/hybrid';
import { LaneKind } from '../../lib';
import { ResilienceExperiments } from '../../lib/operations';
import { FakeLane } from './fake-lane';

/*
 * The emitted templates as FIS CreateExperimentTemplate requests, checked against botocore's `fis` model
 * (required members, lengths, patterns, map and list sizes, enums): what CloudFormation passes to the API.
 * cfn-lint checks the CloudFormation schema; this checks the service API behind it.
 */

const PLACEHOLDER_ARN = 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:placeholder';

/** CloudFormation intrinsics (unknown until deploy) become a realistic ARN. */
function concrete(v: any): any {
  if (Array.isArray(v)) { return v.map(concrete); }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) { return PLACEHOLDER_ARN; }
    return Object.fromEntries(keys.map(k => [k, concrete(v[k])]));
  }
  return v;
}

const camel = (k: string) => k[0].toLowerCase() + k.slice(1);
/** Members whose values are maps of user keys (not renamed). */
const MAPS = new Set(['Targets', 'Actions', 'Parameters', 'ResourceTags', 'Tags']);

/** CloudFormation PascalCase to API camelCase; map keys kept. */
function toApi(v: any, parentIsMap = false): any {
  if (Array.isArray(v)) { return v.map(x => toApi(x)); }
  if (!v || typeof v !== 'object') { return v; }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => {
    if (parentIsMap) { return [k, toApi(x)]; }
    return [camel(k), MAPS.has(k) ? toApi(x, true) : toApi(x)];
  }));
}

function requests(t: Template): any[] {
  return Object.values(t.findResources('AWS::FIS::ExperimentTemplate')).map((r: any) => ({
    clientToken: 'test', ...toApi(concrete(r.Properties)),
  }));
}

function apiProblems(reqs: any[]): string {
  return execFileSync('python3', [path.join(__dirname, 'fis-api-check.py')], { input: JSON.stringify(reqs), encoding: 'utf8' }).trim();
}

test('the hybrid example\'s 6 experiment templates conform to botocore fis CreateExperimentTemplate', () => {
  const h = createHybridApp();
  const reqs = requests(Template.fromStack(h.stack));
  expect(reqs).toHaveLength(6);
  expect(reqs[0].actions.InvocationDelay.parameters.startupDelayMilliseconds).toBe('1000');
  expect(apiProblems(reqs)).toBe('');
});

test('EKS pod targets and the longest values conform too', () => {
  const app = new App();
  const stack = new Stack(app, 'Ops');
  const gpu = new FakeLane(stack, 'G'.repeat(200), LaneKind.GPU_CLUSTER, 7);
  new ResilienceExperiments(stack, 'X', {
    lanes: [gpu], kubernetes: [{ lane: gpu, clusterName: 'c'.repeat(100), namespace: 'n'.repeat(63), serviceAccountName: 'fis-experiments', labelSelector: 'app.kubernetes.io/name=recsys' }],
  });
  const reqs = requests(Template.fromStack(stack));
  expect(reqs.map(r => Object.keys(r.actions)[0])).toEqual(['PodDelete', 'PodNetworkLatency']);
  expect(apiProblems(reqs)).toBe('');
});

test('the check catches a parameter value FIS rejects (a comma in a target parameter)', () => {
  const app = new App();
  const stack = new Stack(app, 'Ops');
  const gpu = new FakeLane(stack, 'Gpu', LaneKind.GPU_CLUSTER);
  new ResilienceExperiments(stack, 'X', {
    lanes: [gpu], kubernetes: [{ lane: gpu, clusterName: 'gpu', namespace: 'serving', serviceAccountName: 'fis', labelSelector: 'app=recsys' }],
  });
  const [req] = requests(Template.fromStack(stack));
  req.targets.Pods.parameters.selectorValue = 'app=recsys,tier=gpu';
  expect(apiProblems([req])).toMatch(/selectorValue.*does not match/);
});
