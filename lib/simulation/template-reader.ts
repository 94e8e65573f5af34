import * as fs from 'fs';
import * as path from 'path';
import { compileMetricMath, MetricMathError } from './metric-math';
import { isSupportedMetric } from './metrics';
import { readFrontDoor } from './front-door-reader';
import { ManifestInput, num, readManifests } from './manifest-reader';
import { DEFAULT_COOLDOWN_SECONDS } from './platform';
import {
  AlarmSpec, FrontDoorSpec, LaneSpec, MetricMath, MetricRef, ReaderFinding,
  RolloutSpec, ScalableTargetSpec, ScheduledActionSpec, SloSpec, StackModel, StepScalingSpec, TargetTrackingSpec,
} from './stack-model';

/** One synthesized CloudFormation template. */
export interface TemplateInput {
  readonly stackName: string;
  readonly template: { [key: string]: any };
  /** Construct path by logical id (from the cloud assembly metadata or the construct tree). */
  readonly paths?: Record<string, string>;
}

export { ManifestInput } from './manifest-reader';

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any; UpdatePolicy?: any; DependsOn?: string | string[] }>;

const LANE_ANCHORS: Record<string, string> = {
  'AWS::SageMaker::Endpoint': 'managed-endpoint',
  'AWS::Lambda::Function': 'serverless',
  'AWS::ECS::Service': 'batch-workers',
  'AWS::GreengrassV2::Deployment': 'edge-fleet',
};

/** Resource types whose references tie them to one lane (shared VPCs, keys and roles do not). */
const LANE_MEMBER_TYPES = new Set([
  'AWS::SageMaker::Endpoint', 'AWS::SageMaker::EndpointConfig', 'AWS::Lambda::Function', 'AWS::Lambda::Alias',
  'AWS::Lambda::Version', 'AWS::ECS::Service', 'AWS::ECS::Cluster', 'AWS::SQS::Queue',
  'AWS::CodeDeploy::DeploymentGroup', 'AWS::CodeDeploy::Application', 'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::CloudWatch::Alarm', 'AWS::GreengrassV2::Deployment',
  'AWS::GreengrassV2::ComponentVersion', 'AWS::ApplicationSignals::ServiceLevelObjective', 'Custom::AWS',
  'AWS::Lambda::EventSourceMapping',
]);

/**
 * Read the lanes of an app from its synthesized templates and Kubernetes manifests: scalable targets,
 * target tracking and step policies with their alarms, scheduled actions, rollback alarms and
 * deployment configs, KEDA ScaledObjects / HPAs and Argo analysis. Whatever changes runtime behaviour
 * and is not modelled is returned in `findings` (never dropped silently).
 */
export function readStack(templates: TemplateInput[], manifests: ManifestInput[] = []): StackModel {
  const lanes: LaneSpec[] = [];
  const findings: ReaderFinding[] = [];
  const frontDoors: FrontDoorSpec[] = [];
  for (const t of templates) {
    const r = readTemplate(t, findings, frontDoors);
    lanes.push(...r);
    // Kubernetes manifests applied by EKS through the template (cluster.addCdk8sChart / addManifest).
    for (const [id, res] of Object.entries((t.template.Resources ?? {}) as Resources)) {
      if (res.Type === 'Custom::AWSCDK-EKS-KubernetesResource') {
        const objects = embeddedManifest(res.Properties?.Manifest);
        if (objects) {
          manifests = [...manifests, { source: `${t.stackName}/${id}`, objects }];
        } else {
          findings.push({ resource: id, type: res.Type, severity: 'unsupported', message: 'manifest is not readable JSON at synth time; its Kubernetes objects are not simulated' });
        }
      }
    }
  }
  for (const m of manifests) {
    lanes.push(...readManifests(m, findings));
  }
  return { lanes, findings, frontDoors };
}

/** Load every stack template (with construct paths) and every Kubernetes YAML of a cdk.out directory. */
export function readCloudAssembly(dir: string): { templates: TemplateInput[]; manifests: ManifestInput[] } {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${dir} is not a cloud assembly (no manifest.json): pass the cdk.out directory of 'cdk synth'`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  const templates: TemplateInput[] = [];
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') { continue; }
    const template = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf-8'));
    const paths: Record<string, string> = {};
    for (const [p, entries] of Object.entries<any[]>(artifact.metadata ?? {})) {
      for (const e of entries) {
        if (e.type === 'aws:cdk:logicalId') { paths[e.data] = p.replace(/^\//, ''); }
      }
    }
    templates.push({ stackName: artifact.displayName ?? name, template, paths });
  }
  const manifests: ManifestInput[] = [];
  for (const file of findYaml(dir)) {
    manifests.push({ source: path.relative(dir, file), objects: parseYamlDocuments(fs.readFileSync(file, 'utf-8')) });
  }
  return { templates, manifests };
}

function findYaml(dir: string, depth = 0): string[] {
  if (depth > 2) { return []; }
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('asset.')) { out.push(...findYaml(p, depth + 1)); }
    if (e.isFile() && /\.ya?ml$/.test(e.name)) { out.push(p); }
  }
  return out.sort();
}

/** Parse multi-document YAML with cdk8s' bundled parser (a peer dependency already). */
export function parseYamlDocuments(text: string): Array<{ [key: string]: any }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdk8s = require('cdk8s');
  const tmp = path.join(require('os').tmpdir(), `sim-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(tmp, text);
  try {
    return (cdk8s.Yaml.load(tmp) as any[]).filter(d => d && typeof d === 'object');
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function embeddedManifest(value: any): any[] | undefined {
  let text: string | undefined;
  if (typeof value === 'string') { text = value; }
  if (value && Array.isArray(value['Fn::Join']) && value['Fn::Join'][0] === '') {
    text = (value['Fn::Join'][1] as any[]).map(p => typeof p === 'string' ? p : 'TOKEN').join('');
  }
  if (text === undefined) { return undefined; }
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// CloudFormation

function refsOf(value: any, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) { value.forEach(v => refsOf(v, out)); return out; }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') { out.add(v); } else if (k === 'Fn::GetAtt') {
        const target = Array.isArray(v) ? v[0] : String(v).split('.')[0];
        out.add(target);
      } else if (k === 'Fn::Sub') {
        const s = Array.isArray(v) ? v[0] : v;
        for (const m of String(s).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) { out.add(m[1]); }
        if (Array.isArray(v)) { refsOf(v[1], out); }
      } else {
        refsOf(v, out);
      }
    }
  }
  return out;
}

function readTemplate(input: TemplateInput, findings: ReaderFinding[], frontDoors: FrontDoorSpec[]): LaneSpec[] {
  const R = (input.template.Resources ?? {}) as Resources;
  const pathOf = (id: string) => input.paths?.[id] ?? R[id]?.Metadata?.['aws:cdk:path'] as string | undefined;

  // Union-find over lane members, along references and alarm names.
  const parent: Record<string, string> = {};
  const find = (x: string): string => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  const union = (a: string, b: string) => { parent[find(a)] = find(b); };
  const members = Object.keys(R).filter(id => LANE_MEMBER_TYPES.has(R[id].Type));
  for (const id of members) { parent[id] = id; }
  const alarmByName: Record<string, string> = {};
  for (const id of members) {
    if (R[id].Type === 'AWS::CloudWatch::Alarm' && typeof R[id].Properties?.AlarmName === 'string') {
      alarmByName[R[id].Properties.AlarmName] = id;
    }
  }
  // A front door's router (InferenceFrontDoor) references every lane it routes to: it must not tie them into one lane.
  const isRouter = (id: string) => R[id].Type === 'AWS::Lambda::Function' && R[id].Properties?.Environment?.Variables?.ROUTER_CONFIG !== undefined;
  const isFrontDoorAlarm = (id: string) => R[id].Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(R[id].Properties ?? {}).includes('"InferenceLanes/FrontDoor"');
  for (const id of members) {
    const res = R[id];
    if (isRouter(id)) { continue; }
    const dependsOn = res.DependsOn === undefined ? [] : Array.isArray(res.DependsOn) ? res.DependsOn : [res.DependsOn];
    // A custom resource's provider (ServiceToken) is shared infrastructure, not part of the lane.
    const { ServiceToken: _provider, ...props } = res.Properties ?? {};
    void _provider;
    for (const ref of [...refsOf([props, res.UpdatePolicy]), ...dependsOn]) {
      if (parent[ref] !== undefined && !(res.Type === 'AWS::SQS::Queue' && R[ref]?.Type === 'AWS::SQS::Queue')) { union(id, ref); }
    }
    for (const name of namedAlarms(res)) {
      if (alarmByName[name]) { union(id, alarmByName[name]); }
    }
  }
  // Dead-letter queues belong to the lane whose queue redrives into them.
  for (const id of members) {
    const dlq = R[id].Type === 'AWS::SQS::Queue' ? R[id].Properties?.RedrivePolicy?.deadLetterTargetArn : undefined;
    for (const ref of refsOf(dlq)) { if (parent[ref] !== undefined) { union(id, ref); } }
  }

  const anchors = members.filter(id => LANE_ANCHORS[R[id].Type] !== undefined);
  const lanes: LaneSpec[] = [];
  const claimed = new Set<string>();
  const groups: Record<string, string[]> = {};
  for (const id of members) { (groups[find(id)] ??= []).push(id); }
  const laneOfMember: Record<string, string> = {};
  const routers: string[] = [];

  for (const anchor of anchors) {
    const group = groups[find(anchor)];
    if (group.some(id => claimed.has(id))) { continue; } // one lane per group (e.g. Function + Alias)
    if (isRouter(anchor)) {
      group.forEach(id => claimed.add(id));
      routers.push(anchor);
      continue;
    }
    if (R[anchor].Type === 'AWS::Lambda::Function' && !group.some(id => R[id].Type === 'AWS::Lambda::Alias' || R[id].Type === 'AWS::ApplicationAutoScaling::ScalableTarget')) {
      continue; // helper functions (custom resource providers) are not lanes
    }
    group.forEach(id => claimed.add(id));
    const tag = tagValue(R[anchor].Properties?.Tags, 'inference:lane');
    const kind = tag ?? LANE_ANCHORS[R[anchor].Type];
    const memberPaths = group.map(pathOf).filter((p): p is string => p !== undefined);
    const lanePath = memberPaths.length ? lanePathOf(memberPaths) : `${input.stackName}/${anchor}`;
    lanes.push(buildLane(R, group, anchor, kind, lanePath, findings));
    group.forEach(id => { laneOfMember[id] = lanePath; });
    if (kind === 'edge-fleet') {
      findings.push({ lane: lanePath, resource: anchor, type: R[anchor].Type, severity: 'info', message: 'edge fleets serve on devices: no cloud capacity or request path to simulate; the lane is read and skipped' });
    }
  }
  // Front doors: the router's ROUTER_CONFIG mapped onto the lanes (a reference to any resource of a lane names it).
  for (const id of routers) {
    const fd = readFrontDoor(R, id, x => laneOfMember[x], alarmByName, findings);
    if (fd) { frontDoors.push(fd); }
  }
  // Scaling and alarms outside any lane are reported, never silently dropped.
  for (const id of members) {
    if (claimed.has(id)) { continue; }
    const type = R[id].Type;
    if (isFrontDoorAlarm(id)) {
      findings.push({ resource: id, type, severity: 'info', message: 'front door alarm (InferenceLanes/FrontDoor metrics, e.g. spillover): pages only; not simulated' });
      continue;
    }
    if (type === 'AWS::ApplicationAutoScaling::ScalableTarget' || type === 'AWS::ApplicationAutoScaling::ScalingPolicy' || type === 'AWS::CloudWatch::Alarm') {
      findings.push({ resource: id, type, severity: 'unsupported', message: 'not attached to any lane the simulator recognises; not simulated' });
    }
  }
  for (const [id, res] of Object.entries(R)) {
    if (res.Type === 'AWS::AutoScaling::AutoScalingGroup' || res.Type === 'AWS::AutoScaling::ScalingPolicy' || res.Type === 'AWS::EKS::Nodegroup') {
      findings.push({ resource: id, type: res.Type, severity: 'unsupported', message: 'EC2 Auto Scaling of nodes is not simulated; GPU pods use a fixed node-arrival delay instead' });
    }
  }
  return lanes;
}

/**
 * The lane's construct path: the deepest path all its resources share (the lane construct), or, for a
 * lane of one resource, that resource's path without its `Resource`/`Default` leaf.
 */
function lanePathOf(paths: string[]): string {
  const split = paths.map(p => p.split('/'));
  const common: string[] = [];
  for (let i = 0; i < split[0].length; i++) {
    if (split.every(s => s[i] === split[0][i])) { common.push(split[0][i]); } else { break; }
  }
  while (common.length > 1 && (common.length === split[0].length || paths.length === 1) && ['Resource', 'Default'].includes(common[common.length - 1])) { common.pop(); }
  return common.join('/');
}

function namedAlarms(res: { Type: string; Properties?: any }): string[] {
  const p = res.Properties ?? {};
  if (res.Type === 'AWS::SageMaker::Endpoint') {
    return (p.DeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a: any) => a.AlarmName).filter((n: any) => typeof n === 'string');
  }
  if (res.Type === 'AWS::ECS::Service') {
    return (p.DeploymentConfiguration?.Alarms?.AlarmNames ?? []).filter((n: any) => typeof n === 'string');
  }
  if (res.Type === 'AWS::CodeDeploy::DeploymentGroup') {
    return (p.AlarmConfiguration?.Alarms ?? []).map((a: any) => a.Name).filter((n: any) => typeof n === 'string');
  }
  return [];
}

function tagValue(tags: any, key: string): string | undefined {
  if (Array.isArray(tags)) { return tags.find((t: any) => t.Key === key)?.Value; }
  if (tags && typeof tags === 'object') { return tags[key]; }
  return undefined;
}


function buildLane(R: Resources, group: string[], anchor: string, kind: string, lanePath: string, findings: ReaderFinding[]): LaneSpec {
  const alarms: Record<string, AlarmSpec> = {};
  for (const id of group.filter(i => R[i].Type === 'AWS::CloudWatch::Alarm')) {
    const a = readAlarm(id, R[id].Properties ?? {});
    if ('problem' in a) {
      findings.push({ lane: lanePath, resource: id, type: 'AWS::CloudWatch::Alarm', severity: 'unsupported', message: a.problem });
    } else {
      alarms[id] = a;
    }
  }
  const policies = group.filter(i => R[i].Type === 'AWS::ApplicationAutoScaling::ScalingPolicy');
  const targets: ScalableTargetSpec[] = [];
  const usedAlarms = new Set<string>();
  for (const tid of group.filter(i => R[i].Type === 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const p = R[tid].Properties ?? {};
    const ns = String(p.ServiceNamespace);
    const dflt = DEFAULT_COOLDOWN_SECONDS[ns] ?? 300;
    const tt: TargetTrackingSpec[] = [];
    const steps: StepScalingSpec[] = [];
    for (const pid of policies.filter(i => refsOf(R[i].Properties?.ScalingTargetId).has(tid))) {
      const pp = R[pid].Properties ?? {};
      if (pp.PolicyType === 'TargetTrackingScaling') {
        const c = pp.TargetTrackingScalingPolicyConfiguration ?? {};
        const spec: TargetTrackingSpec = {
          logicalId: pid,
          predefined: c.PredefinedMetricSpecification?.PredefinedMetricType,
          customized: c.CustomizedMetricSpecification && !c.CustomizedMetricSpecification.Metrics ? {
            namespace: c.CustomizedMetricSpecification.Namespace, metricName: c.CustomizedMetricSpecification.MetricName,
            stat: c.CustomizedMetricSpecification.Statistic ?? 'Average', period: 60, unit: c.CustomizedMetricSpecification.Unit,
          } : undefined,
          math: c.CustomizedMetricSpecification?.Metrics ? targetTrackingMath(c.CustomizedMetricSpecification.Metrics) : undefined,
          targetValue: num(c.TargetValue) ?? NaN,
          scaleOutCooldown: num(c.ScaleOutCooldown) ?? dflt,
          scaleInCooldown: num(c.ScaleInCooldown) ?? dflt,
          disableScaleIn: c.DisableScaleIn === true,
        };
        if (!Number.isFinite(spec.targetValue)) {
          findings.push({ lane: lanePath, resource: pid, type: 'TargetTrackingScaling', severity: 'unsupported', message: 'target value is not a number at synth time; policy not simulated' });
          continue;
        }
        tt.push(spec);
      } else if (pp.PolicyType === 'StepScaling') {
        const c = pp.StepScalingPolicyConfiguration ?? {};
        const invoking = Object.values(alarms).filter(a => refsOf(R[a.logicalId].Properties?.AlarmActions).has(pid));
        invoking.forEach(a => usedAlarms.add(a.logicalId));
        if (invoking.length === 0) {
          findings.push({ lane: lanePath, resource: pid, type: 'StepScaling', severity: 'unsupported', message: 'no alarm in the stack invokes this step policy; it never runs' });
        }
        steps.push({
          logicalId: pid,
          adjustmentType: c.AdjustmentType ?? 'ChangeInCapacity',
          cooldown: num(c.Cooldown) ?? dflt,
          minAdjustmentMagnitude: num(c.MinAdjustmentMagnitude),
          steps: (c.StepAdjustments ?? []).map((s: any) => ({ lower: num(s.MetricIntervalLowerBound), upper: num(s.MetricIntervalUpperBound), adjustment: num(s.ScalingAdjustment) ?? 0 })),
          alarms: invoking,
        });
        if (c.MetricAggregationType && c.MetricAggregationType !== 'Maximum' && c.MetricAggregationType !== 'Average') {
          findings.push({ lane: lanePath, resource: pid, type: 'StepScaling', severity: 'info', message: `MetricAggregationType ${c.MetricAggregationType}: the simulator evaluates the alarm's own statistic` });
        }
      } else {
        findings.push({ lane: lanePath, resource: pid, type: String(pp.PolicyType), severity: 'unsupported', message: `policy type ${pp.PolicyType} is not simulated` });
      }
    }
    const scheduled: ScheduledActionSpec[] = (p.ScheduledActions ?? []).map((s: any) => ({
      name: s.ScheduledActionName, schedule: s.Schedule, timeZone: s.Timezone,
      minCapacity: num(s.ScalableTargetAction?.MinCapacity), maxCapacity: num(s.ScalableTargetAction?.MaxCapacity),
    }));
    targets.push({
      logicalId: tid, serviceNamespace: ns, scalableDimension: String(p.ScalableDimension),
      minCapacity: num(p.MinCapacity) ?? 0, maxCapacity: num(p.MaxCapacity) ?? 0, targetTracking: tt, stepScaling: steps, scheduled,
    });
  }
  for (const pid of policies) {
    if (!targets.some(t => t.targetTracking.some(x => x.logicalId === pid) || t.stepScaling.some(x => x.logicalId === pid))
      && !findings.some(f => f.resource === pid)) {
      findings.push({ lane: lanePath, resource: pid, type: 'AWS::ApplicationAutoScaling::ScalingPolicy', severity: 'unsupported', message: 'scaling policy of a scalable target outside the lane; not simulated' });
    }
  }

  const rollout = readRollout(R, group, alarms, lanePath, findings);
  rollout?.alarms.forEach(a => usedAlarms.add(a.logicalId));
  // An alarm that scales or rolls back on a metric the simulator does not produce would read as missing data.
  for (const a of Object.values(alarms).filter(x => usedAlarms.has(x.logicalId))) {
    const unknown = (a.metric ? [a.metric] : Object.values(a.math?.metrics ?? {})).filter(m => !isSupportedMetric(m));
    if (unknown.length) {
      findings.push({ lane: lanePath, resource: a.logicalId, type: 'AWS::CloudWatch::Alarm', severity: 'unsupported', message: `metric ${unknown.map(m => `${m.namespace} ${m.metricName}`).join(', ')} is not simulated: it reads as missing data (${a.treatMissingData})` });
    }
  }
  for (const a of Object.values(alarms)) {
    if (!usedAlarms.has(a.logicalId) && a.metric?.namespace === 'AWS/ApplicationSignals') {
      findings.push({ lane: lanePath, resource: a.logicalId, type: 'AWS::CloudWatch::Alarm', severity: 'info', message: `Application Signals burn-rate alarm (${a.metric.metricName}) pages only; not simulated` });
    } else if (!usedAlarms.has(a.logicalId)) {
      findings.push({ lane: lanePath, resource: a.logicalId, type: 'AWS::CloudWatch::Alarm', severity: 'info', message: `alarm on ${describeAlarmMetric(a)} pages only (no scaling or rollback action); evaluated, not acted on` });
    }
  }
  const anchorProps = R[anchor].Properties ?? {};
  const endpointConfig = group.find(i => R[i].Type === 'AWS::SageMaker::EndpointConfig');
  const variant = endpointConfig ? R[endpointConfig].Properties?.ProductionVariants?.[0] : undefined;
  if (endpointConfig && (R[endpointConfig].Properties?.ProductionVariants ?? []).length > 1) {
    findings.push({ lane: lanePath, resource: endpointConfig, type: 'AWS::SageMaker::EndpointConfig', severity: 'unsupported', message: 'several production variants: only the first is simulated' });
  }
  if (variant?.ServerlessConfig) {
    findings.push({ lane: lanePath, resource: endpointConfig!, type: 'AWS::SageMaker::EndpointConfig', severity: 'unsupported', message: 'SageMaker serverless inference is not simulated' });
  }
  const queue = group.find(i => R[i].Type === 'AWS::SQS::Queue' && R[i].Properties?.RedrivePolicy);
  return {
    path: lanePath,
    kind,
    anchor,
    instanceType: variant?.InstanceType,
    scalableTargets: targets,
    kubernetesScalers: [],
    rollout,
    alarms: Object.values(alarms),
    reservedConcurrency: num(anchorProps.ReservedConcurrentExecutions),
    initialCapacity: num(variant?.InitialInstanceCount) ?? num(anchorProps.DesiredCount),
    visibilityTimeout: queue ? num(R[queue].Properties?.VisibilityTimeout) : undefined,
    // The SLO as the rollback alarms judge it; time in queue pages and never rolls back (batch lane), so it is
    // read from all alarms of the lane.
    slo: { ...sloFromAlarms(rollout?.alarms.length ? rollout.alarms : Object.values(alarms)), maxTimeInQueue: sloFromAlarms(Object.values(alarms)).maxTimeInQueue },
  };
}

function targetTrackingMath(metrics: any[]): MetricMath | undefined {
  const ret = metrics.find(m => m.ReturnData !== false && m.Expression);
  const refs: Record<string, MetricRef> = {};
  for (const m of metrics) {
    if (m.MetricStat) {
      refs[m.Id] = { namespace: m.MetricStat.Metric.Namespace, metricName: m.MetricStat.Metric.MetricName, stat: m.MetricStat.Stat, period: 60 };
    }
  }
  return ret ? { expression: ret.Expression, metrics: refs, period: 60 } : undefined;
}

function readAlarm(id: string, p: any): AlarmSpec | { problem: string } {
  const threshold = num(p.Threshold);
  if (threshold === undefined) { return { problem: 'threshold is not a number at synth time (anomaly detection or a token); not simulated' }; }
  const evaluationPeriods = num(p.EvaluationPeriods) ?? 1;
  const base = {
    logicalId: id, alarmName: typeof p.AlarmName === 'string' ? p.AlarmName : undefined,
    evaluationPeriods, datapointsToAlarm: num(p.DatapointsToAlarm) ?? evaluationPeriods, threshold,
    comparison: String(p.ComparisonOperator), treatMissingData: p.TreatMissingData ?? 'missing',
    evaluateLowSampleCountPercentile: typeof p.EvaluateLowSampleCountPercentile === 'string' ? p.EvaluateLowSampleCountPercentile : undefined,
  };
  if (p.Metrics) {
    const ret = (p.Metrics as any[]).filter(m => m.ReturnData !== false);
    if (ret.length !== 1) { return { problem: `${ret.length} returned series; the simulator needs exactly one` }; }
    const refs: Record<string, MetricRef> = {};
    let period = 60;
    for (const m of p.Metrics as any[]) {
      if (m.MetricStat) {
        period = num(m.MetricStat.Period) ?? 60;
        refs[m.Id] = { namespace: m.MetricStat.Metric.Namespace, metricName: m.MetricStat.Metric.MetricName, stat: m.MetricStat.Stat, period, unit: m.MetricStat.Unit, dimensions: dimensionsOf(m.MetricStat.Metric.Dimensions) };
      }
    }
    if (ret[0].MetricStat) {
      return { ...base, metric: refs[ret[0].Id], period };
    }
    // Nested metric math (an expression referencing another expression of the alarm, e.g. `inv` =
    // `FILL(res, 0) + FILL(fail, 0)`) is inlined in parentheses, so the returned expression reads metrics only.
    let expression: string = ret[0].Expression;
    const inner = new Map<string, string>((p.Metrics as any[]).filter(m => m.Expression && m !== ret[0]).map(m => [String(m.Id), String(m.Expression)]));
    for (let depth = 0; depth < 10 && [...inner.keys()].some(k => new RegExp(`\\b${k}\\b`).test(expression)); depth++) {
      for (const [k, e] of inner) { expression = expression.replace(new RegExp(`\\b${k}\\b`, 'g'), `(${e})`); }
    }
    try {
      const compiled = compileMetricMath(expression);
      const missing = compiled.ids.filter(i => !refs[i]);
      if (missing.length) { return { problem: `metric math references ${missing.join(', ')}, which are not metrics of the alarm` }; }
    } catch (e) {
      if (e instanceof MetricMathError) { return { problem: e.message }; }
      throw e;
    }
    return { ...base, math: { expression, metrics: refs, period }, period };
  }
  const stat = p.ExtendedStatistic ?? p.Statistic ?? 'Average';
  const period = num(p.Period) ?? 60;
  return { ...base, period, metric: { namespace: p.Namespace, metricName: p.MetricName, stat, period, unit: p.Unit, dimensions: dimensionsOf(p.Dimensions) } };
}

/** `[{ Name, Value }]` → `{ Name: Value }`; a value that is not a literal string reads `<token>`. */
function dimensionsOf(dims: any): Record<string, string> | undefined {
  if (!Array.isArray(dims) || dims.length === 0) { return undefined; }
  const out: Record<string, string> = {};
  for (const d of dims) { if (d && typeof d.Name === 'string') { out[d.Name] = typeof d.Value === 'string' ? d.Value : '<token>'; } }
  return out;
}

function describeAlarmMetric(a: AlarmSpec): string {
  return a.metric ? `${a.metric.namespace} ${a.metric.metricName} (${a.metric.stat})` : `'${a.math!.expression}'`;
}

function readRollout(R: Resources, group: string[], alarms: Record<string, AlarmSpec>, lanePath: string, findings: ReaderFinding[]): RolloutSpec | undefined {
  const byName = (n: string) => Object.values(alarms).find(a => a.alarmName === n);
  const endpoint = group.find(i => R[i].Type === 'AWS::SageMaker::Endpoint');
  if (endpoint) {
    const dc = R[endpoint].Properties?.DeploymentConfig;
    if (!dc) { return undefined; }
    const bg = dc.BlueGreenUpdatePolicy;
    const rolling = dc.RollingUpdatePolicy;
    const rb = (dc.AutoRollbackConfiguration?.Alarms ?? []).map((a: any) => byName(a.AlarmName)).filter((a: any) => a) as AlarmSpec[];
    if (rolling) {
      findings.push({ lane: lanePath, resource: endpoint, type: 'RollingUpdatePolicy', severity: 'info', message: 'rolling update simulated as a canary of one batch' });
    }
    const trc = bg?.TrafficRoutingConfiguration ?? {};
    const size = trc.CanarySize ?? trc.LinearStepSize ?? rolling?.MaximumBatchSize;
    return {
      mechanism: 'sagemaker-blue-green',
      type: rolling ? 'CANARY' : trc.Type ?? 'ALL_AT_ONCE',
      canaryPercent: size?.Type === 'CAPACITY_PERCENT' ? num(size.Value) ?? 100 : 100,
      sizeType: size?.Type,
      linearStepPercent: trc.Type === 'LINEAR' ? num(trc.LinearStepSize?.Value) : undefined,
      waitSeconds: num(trc.WaitIntervalInSeconds ?? rolling?.WaitIntervalInSeconds) ?? 0,
      finalBakeSeconds: num(bg?.TerminationWaitInSeconds) ?? 0,
      alarms: rb,
      analysis: [],
      configName: trc.Type,
    };
  }
  const dg = group.find(i => R[i].Type === 'AWS::CodeDeploy::DeploymentGroup');
  if (dg) {
    const p = R[dg].Properties ?? {};
    const rb: AlarmSpec[] = (p.AlarmConfiguration?.Alarms ?? []).map((a: any) => {
      const refs = [...refsOf(a.Name)];
      return refs.length ? alarms[refs[0]] : byName(a.Name);
    }).filter((a: any) => a);
    // A custom config (AWS::CodeDeploy::DeploymentConfig, referenced) reads as its predefined-style name.
    const customId = [...refsOf(p.DeploymentConfigName)].find(i => R[i]?.Type === 'AWS::CodeDeploy::DeploymentConfig');
    const trc = customId ? R[customId].Properties?.TrafficRoutingConfig : undefined;
    const cfg = trc?.TimeBasedCanary ? `Custom.LambdaCanary${num(trc.TimeBasedCanary.CanaryPercentage)}Percent${num(trc.TimeBasedCanary.CanaryInterval)}Minutes`
      : trc?.TimeBasedLinear ? `Custom.LambdaLinear${num(trc.TimeBasedLinear.LinearPercentage)}PercentEvery${num(trc.TimeBasedLinear.LinearInterval)}Minutes`
        : trc?.Type === 'AllAtOnce' ? 'Custom.LambdaAllAtOnce'
          : String(p.DeploymentConfigName ?? 'CodeDeployDefault.LambdaAllAtOnce');
    const m = /Lambda(Canary|Linear)(\d+)Percent(?:Every)?(\d+)Minutes?/.exec(cfg);
    if (!m && !/AllAtOnce/.test(cfg)) {
      findings.push({ lane: lanePath, resource: dg, type: 'AWS::CodeDeploy::DeploymentGroup', severity: 'unsupported', message: `deployment config ${cfg} is not a predefined Lambda config; simulated as all-at-once` });
    }
    return {
      mechanism: 'codedeploy-lambda',
      type: m ? m[1].toUpperCase() : 'ALL_AT_ONCE',
      canaryPercent: m ? Number(m[2]) : 100,
      linearStepPercent: m && m[1] === 'Linear' ? Number(m[2]) : undefined,
      waitSeconds: m ? Number(m[3]) * 60 : 0,
      finalBakeSeconds: 0,
      alarms: p.AlarmConfiguration?.Enabled === false ? [] : rb,
      analysis: [],
      configName: cfg,
    };
  }
  const svc = group.find(i => R[i].Type === 'AWS::ECS::Service');
  if (svc) {
    const dc = R[svc].Properties?.DeploymentConfiguration ?? {};
    const names: any[] = dc.Alarms?.Enable ? dc.Alarms.AlarmNames ?? [] : [];
    // An alarm name is a literal or a `Ref` to the alarm (CDK renders `alarm.alarmName` as a Ref).
    const ecsAlarms = names.map(n => { const refs = [...refsOf(n)]; return refs.length ? alarms[refs[0]] : byName(n); }).filter(a => a) as AlarmSpec[];
    // ECS rolling update (DeploymentController ECS): the new tasks replace the old ones (the new version then
    // serves every job), and the deployment alarms are watched during the deployment and a bake time after it
    // ("a period of time after a new service version has scaled out and the old service version has scaled in,
    // during which Amazon ECS continues to monitor the alarm ... computed based on the alarm configuration",
    // ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment failures"). The formula is not
    // published: the simulator takes the longest alarm's evaluation window (period × EvaluationPeriods).
    const bake = Math.max(0, ...ecsAlarms.map(a => a.period * a.evaluationPeriods));
    return {
      mechanism: 'ecs', type: 'ALL_AT_ONCE', canaryPercent: 100, waitSeconds: 0, finalBakeSeconds: bake,
      alarms: ecsAlarms, analysis: [], configName: dc.DeploymentCircuitBreaker?.Enable ? 'circuit breaker' : undefined,
    };
  }
  return undefined;
}

function sloFromAlarms(alarms: AlarmSpec[]): SloSpec {
  let latencyPercentile: number | undefined;
  let latencyMs: number | undefined;
  let maxErrorRatePercent: number | undefined;
  let maxTimeInQueue: number | undefined;
  for (const a of alarms) {
    const m = a.metric;
    if (m && /^p\d+(\.\d+)?$/.test(m.stat) && /Latency|Duration/.test(m.metricName)) {
      latencyPercentile = Number(m.stat.slice(1));
      latencyMs = m.unit === 'Microseconds' ? a.threshold / 1000 : m.unit === 'Seconds' ? a.threshold * 1000 : a.threshold;
    } else if (m && m.metricName === 'ApproximateAgeOfOldestMessage' && maxTimeInQueue === undefined) {
      maxTimeInQueue = a.threshold;
    } else if (a.math && /err/i.test(a.math.expression) && maxErrorRatePercent === undefined) {
      // The SLO's one-sided test (`err > p * inv`, threshold z²) names the objective's rate p; a plain rate alarm's threshold is the rate.
      // (`inv` may be inlined as a parenthesised expression: nested metric math).
      const tested = /err\s*>\s*([0-9.eE-]+)\s*\*\s*(?:inv\b|\()/.exec(a.math.expression);
      maxErrorRatePercent = tested ? Math.round(Number(tested[1]) * 100 * 1e6) / 1e6 : a.threshold;
    }
  }
  return { latencyPercentile, latencyMs, maxErrorRatePercent, maxTimeInQueue };
}
