import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { ManifestInput, readStack, TemplateInput } from './template-reader';
import { LaneBatchingSpec, LaneLeadTimeSpec, LaneSpec, StackModel } from './stack-model';

/** Anything with cdk8s' `toJson()` (a cdk8s Chart). */
export interface ChartLike {
  toJson(): any[];
  readonly node: { readonly path: string };
}

/** The template of a stack with the construct path of every resource. */
export function templateInput(stack: Stack): TemplateInput {
  const template = Template.fromStack(stack).toJSON();
  const paths: Record<string, string> = {};
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
      paths[stack.resolve((c as CfnResource).logicalId)] = c.node.path;
    }
  }
  return { stackName: stack.stackName, template, paths };
}

/**
 * Read a synthesized stack (and cdk8s charts) into the simulator's lane model, with what each lane
 * construct states that no template carries: its `dynamicBatching` and its `scaleOutLeadTime`.
 */
export function modelFromConstructs(stacks: Stack[], charts: ChartLike[] = []): StackModel {
  const manifests: ManifestInput[] = charts.map(c => ({ source: c.node.path, objects: c.toJson() }));
  const model = readStack(stacks.map(templateInput), manifests);
  const statements = [...stacks, ...charts].flatMap(root => laneStatements(root as unknown as IConstruct));
  if (statements.length === 0) { return model; }
  const chartPaths = charts.map(c => c.node.path);
  return { ...model, lanes: model.lanes.map(l => withStatements(l, statements, chartPaths)) };
}

/** What one lane construct states (duck-typed: lanes may not declare it yet). */
interface LaneStatement {
  readonly path: string;
  /** The path of the cdk8s chart the construct renders into (`construct.chart`, e.g. GpuClusterService). */
  readonly chartPath?: string;
  readonly batching?: LaneBatchingSpec;
  readonly leadTime?: LaneLeadTimeSpec;
}

/**
 * Every construct under `root` (itself included) that states a lead time or declares batching:
 * `scaleOutLeadTime` with `isStated` and `steps` (core ScaleOutLeadTime), `dynamicBatching` with
 * `maxBatchSize` and `maxQueueDelay` (core DynamicBatching; a boolean flag such as Triton's is not one).
 */
export function laneStatements(root: IConstruct): LaneStatement[] {
  const out: LaneStatement[] = [];
  const all = (root as any).node?.findAll ? root.node.findAll() : [];
  for (const c of all) {
    const batching = readBatching((c as any).dynamicBatching);
    let leadTime: LaneLeadTimeSpec | undefined;
    try { leadTime = readLeadTime((c as any).scaleOutLeadTime); } catch { leadTime = undefined; }
    const chart = (c as any).chart;
    const chartPath = chart && typeof chart.toJson === 'function' && typeof chart.node?.path === 'string' ? chart.node.path as string : undefined;
    if (batching || leadTime) { out.push({ path: c.node.path, chartPath, batching, leadTime }); }
  }
  return out;
}

function readBatching(b: any): LaneBatchingSpec | undefined {
  if (!b || typeof b !== 'object' || typeof b.maxBatchSize !== 'number' || !b.maxQueueDelay || typeof b.maxQueueDelay.toMilliseconds !== 'function') { return undefined; }
  if (b.maxQueueDelay.isUnresolved?.()) { return undefined; }
  const gain = typeof b.throughputGainPercent === 'number' && Number.isFinite(b.throughputGainPercent) ? b.throughputGainPercent : undefined;
  return { maxBatchSize: b.maxBatchSize, maxQueueDelayMs: b.maxQueueDelay.toMilliseconds({ integral: false }), throughputGainPercent: gain };
}

function readLeadTime(l: any): LaneLeadTimeSpec | undefined {
  if (!l || typeof l !== 'object' || l.isStated !== true || !Array.isArray(l.steps)) { return undefined; }
  const steps = l.steps.map((s: any) => ({ step: String(s.step), seconds: s.duration.toSeconds({ integral: false }), source: String(s.source) }));
  return { totalSeconds: steps.reduce((a: number, s: { seconds: number }) => a + s.seconds, 0), steps };
}

/**
 * Attach the statement of the deepest lane construct that contains the lane (a CloudFormation lane's path
 * is its construct's path or below), or, for a Kubernetes lane (path `<chart>/<namespace>/<name>`), of the
 * only stating construct in its chart.
 */
function withStatements(lane: LaneSpec, statements: LaneStatement[], chartPaths: string[]): LaneSpec {
  const within = (p: string, root: string) => p === root || p.startsWith(`${root}/`);
  // The deepest stating construct that contains the lane decides each item it states.
  const containing = statements.filter(s => within(lane.path, s.path)).sort((a, b) => b.path.length - a.path.length);
  let batching = containing.find(s => s.batching)?.batching;
  let leadTime = containing.find(s => s.leadTime)?.leadTime;
  const chart = chartPaths.filter(c => within(lane.path, c)).sort((a, b) => b.length - a.length)[0];
  if (chart !== undefined) {
    // A Kubernetes lane: constructs inside its chart and a lane that owns the chart (GpuClusterService.chart),
    // for each item stated by one of them only (the same statement twice counts once).
    const related = statements.filter(x => within(x.path, chart) || x.chartPath === chart);
    const only = <T>(xs: Array<T | undefined>) => {
      const d = [...new Map(xs.filter((x): x is T => x !== undefined).map(x => [JSON.stringify(x), x])).values()];
      return d.length === 1 ? d[0] : undefined;
    };
    batching = batching ?? only(related.map(x => x.batching));
    leadTime = leadTime ?? only(related.map(x => x.leadTime));
  }
  if (!batching && !leadTime) { return lane; }
  return { ...lane, batching: batching ?? lane.batching, leadTime: leadTime ?? lane.leadTime };
}
