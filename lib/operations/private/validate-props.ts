import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { IInferenceLane, InferenceLaneBase, LaneKind } from '../../core';
import { invalid } from '../../core/private/errors';
import { checkDnsLabel, checkDnsSubdomain, checkDuration, checkList, checkOneOf, checkPropsObject, checkWholeNumber } from '../../core/private/validation';
import { HybridTopology } from '../../topology';
import type { KubernetesFaultTarget, ResilienceExperimentsProps, UnsupportedLane } from '../resilience-experiments';
import { ExperimentSettings, FaultTarget } from './experiment-group';

/**
 * # Resilience experiments: props and targets
 *
 * Not exported from the package. Turns the props into settings within the AWS FIS limits, and the lanes
 * (and front doors) into fault targets, rejecting what FIS could not run: a lane without alarms to stop
 * on, a GPU lane without its Kubernetes side, anything that is not a lane.
 */

/** FIS action durations: from one minute to 12 hours (FIS action reference). */
export const MIN_DURATION = Duration.minutes(1);
export const MAX_DURATION = Duration.hours(12);
/** Lambda's longest timeout: a longer startup delay only times the invocation out. */
export const MAX_INVOCATION_DELAY = Duration.minutes(15);
export const MAX_NETWORK_LATENCY = Duration.minutes(1);

/** The tag this construct adds to a lane's Lambda functions and ECS services (ECS propagates it to tasks). */
export const LANE_PATH_TAG = 'inference:lane-path';

const SUPPORTED_PROPS = [
  'lanes', 'duration', 'invocationPercent', 'invocationDelay', 'targetPercent', 'cpuStressPercent',
  'networkLatency', 'lambdaConfigLocation', 'kubernetes', 'frontDoors',
];

/** Settings within the FIS limits, defaults applied. */
export function resolveSettings(scope: IConstruct, props: ResilienceExperimentsProps): ExperimentSettings {
  checkPropsObject(scope, 'props', props, 'Pass e.g. { duration: Duration.minutes(5) }, or nothing.');
  for (const key of Object.keys(props)) {
    if (!SUPPORTED_PROPS.includes(key)) {
      throw invalid(scope, key, (props as Record<string, unknown>)[key], 'is not a prop of ResilienceExperiments', `Use one of: ${SUPPORTED_PROPS.join(', ')}.`);
    }
  }
  checkDuration(scope, 'duration', props.duration, {
    unit: 'seconds', min: MIN_DURATION, max: MAX_DURATION,
    fix: 'Pass a whole number of seconds from 1 minute to 12 hours (the AWS FIS action limits), e.g. Duration.minutes(5).',
  });
  checkPercent(scope, 'invocationPercent', props.invocationPercent);
  checkPercent(scope, 'targetPercent', props.targetPercent);
  checkPercent(scope, 'cpuStressPercent', props.cpuStressPercent);
  checkDuration(scope, 'invocationDelay', props.invocationDelay, {
    unit: 'milliseconds', max: MAX_INVOCATION_DELAY,
    fix: 'Pass whole milliseconds from 0 to 15 minutes (Lambda\'s longest timeout), e.g. Duration.seconds(1).',
  });
  checkDuration(scope, 'networkLatency', props.networkLatency, {
    unit: 'milliseconds', min: Duration.millis(1), max: MAX_NETWORK_LATENCY,
    fix: 'Pass whole milliseconds from 1 ms to 1 minute, e.g. Duration.millis(200).',
  });
  checkOneOf(scope, 'frontDoors', props.frontDoors, [true, false]);
  if (props.lambdaConfigLocation !== undefined) {
    checkPropsObject(scope, 'lambdaConfigLocation', props.lambdaConfigLocation, "Pass { bucket, prefix: 'fis-configs/' }, or omit it.");
    const { bucket, prefix } = props.lambdaConfigLocation;
    if (typeof bucket !== 'object' || bucket === null || typeof (bucket as { bucketArn?: unknown }).bucketArn !== 'string') {
      throw invalid(scope, 'lambdaConfigLocation.bucket', bucket, 'is not an S3 bucket (IBucket)', 'Pass s3.Bucket.fromBucketName(this, "FisConfig", "my-fis-configs") or a Bucket of this app.');
    }
    if (prefix !== undefined && !Token.isUnresolved(prefix) && (typeof prefix !== 'string' || !/^[A-Za-z0-9!_.*'()/-]+\/$/.test(prefix) || prefix.startsWith('/'))) {
      throw invalid(scope, 'lambdaConfigLocation.prefix', prefix, 'is not a key prefix ending in "/" (letters, digits, !_.*\'()-/, not starting with "/")',
        "Pass e.g. 'fis-configs/', or omit it.");
    }
  }
  return {
    duration: props.duration ?? Duration.minutes(5),
    invocationPercent: props.invocationPercent ?? 25,
    invocationDelay: props.invocationDelay ?? Duration.seconds(1),
    targetPercent: props.targetPercent ?? 50,
    cpuStressPercent: props.cpuStressPercent ?? 80,
    networkLatency: props.networkLatency ?? Duration.millis(200),
  };
}

function checkPercent(scope: IConstruct, prop: string, value: number | undefined): void {
  checkWholeNumber(scope, prop, value, 1, 100, 'Pass a whole percentage from 1 to 100.');
}

/** A lane: built on InferenceLaneBase, or a user's own IInferenceLane (recognised by its members). */
function isLane(x: unknown): x is IInferenceLane {
  if (InferenceLaneBase.isInferenceLane(x)) { return true; }
  const l = x as Partial<IInferenceLane> | null;
  return typeof l === 'object' && l !== null && typeof l.laneKind === 'string' && typeof l.artifactVersion === 'string'
    && Array.isArray(l.sloAlarms) && typeof (l as { node?: unknown }).node === 'object';
}

const UNSUPPORTED: Partial<Record<LaneKind, string>> = {
  [LaneKind.MANAGED_ENDPOINT]: 'AWS FIS has no actions for SageMaker endpoints (no aws:sagemaker:* fault actions): it cannot slow, fail or stop an endpoint\'s instances. '
    + 'Test the lanes around it instead (the front door\'s router delay exercises failover to the burst lane), or rehearse a failover by setting the endpoint\'s rollback alarm to ALARM (aws cloudwatch set-alarm-state).',
  [LaneKind.EDGE_FLEET]: 'AWS FIS has no actions for AWS IoT Greengrass or the devices of an edge fleet (they run outside AWS): '
    + 'inject faults on a test device with local tooling, and rehearse a bad release with the channel\'s canary ring and abort criteria.',
};

/** The lanes (and front doors) to build experiments for, and the lanes FIS cannot serve. */
export function resolveTargets(scope: IConstruct, props: ResilienceExperimentsProps, topology: HybridTopology | undefined): { targets: FaultTarget[]; unsupported: UnsupportedLane[] } {
  let lanes: IInferenceLane[];
  if (props.lanes !== undefined) {
    checkList(scope, 'lanes', props.lanes, 'Pass a list of lanes, e.g. [burst, summaries].');
    lanes = props.lanes;
    if (lanes.length === 0) {
      throw invalid(scope, 'lanes', [], 'is empty', 'Pass at least one lane, or omit lanes inside a HybridTopology to take all of its lanes.');
    }
  } else if (topology) {
    lanes = topology.lanes;
    if (lanes.length === 0) {
      throw invalid(scope, 'lanes', [], `is empty: the topology ${topology.node.path} has no lanes yet`, 'Create ResilienceExperiments after the lanes, or pass lanes.');
    }
  } else {
    throw invalid(scope, 'lanes', undefined, 'is required outside a HybridTopology', 'Pass the lanes, e.g. { lanes: [burst, summaries] }, or create ResilienceExperiments inside the topology.');
  }
  lanes.forEach((lane, i) => {
    if (!isLane(lane)) {
      throw invalid(scope, `lanes[${i}]`, lane, 'is not an inference lane (IInferenceLane)', 'Pass lane constructs such as a WarmServerlessFunction or a QueueDrainedWorkers.');
    }
    if (lanes.indexOf(lane) !== i) {
      throw invalid(scope, `lanes[${i}]`, lane.node.path, 'is listed twice', 'List each lane once.');
    }
  });
  const kubernetes = checkKubernetes(scope, props.kubernetes, lanes);

  const targets: FaultTarget[] = [];
  const unsupported: UnsupportedLane[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base; let n = 2;
    while (ids.has(id)) { id = `${base}${n++}`; }
    ids.add(id);
    return id;
  };
  for (const [i, lane] of lanes.entries()) {
    const reason = UNSUPPORTED[lane.laneKind];
    if (reason !== undefined) {
      unsupported.push({ lanePath: lane.node.path, laneKind: lane.laneKind, reason });
      continue;
    }
    if (![LaneKind.SERVERLESS, LaneKind.BATCH_WORKERS, LaneKind.GPU_CLUSTER].includes(lane.laneKind)) {
      throw invalid(scope, props.lanes ? `lanes[${i}].laneKind` : 'lanes', lane.laneKind, `of lane ${lane.node.path} is not a lane kind ResilienceExperiments knows (${Object.values(LaneKind).join(', ')})`,
        'Leave the lane out (pass lanes without it), or give it one of those kinds.');
    }
    const alarms = stopAlarms(lane);
    if (alarms.length === 0) {
      throw invalid(scope, props.lanes ? `lanes[${i}]` : 'lanes', lane.node.path,
        'has no SLO alarms (sloAlarms and sloPagingAlarms are empty), so its experiments would have no stop condition',
        'Give the lane an SLO (slo: ServiceLevelObjective.latency(...) or .timeInQueue(...)), or leave it out: pass lanes without it.');
    }
    const k8s = kubernetes.get(lane);
    if (lane.laneKind === LaneKind.GPU_CLUSTER && k8s === undefined) {
      throw invalid(scope, 'kubernetes', props.kubernetes === undefined ? undefined : `${props.kubernetes.length} target(s), none for ${lane.node.path}`,
        `has no entry for the GPU lane ${lane.node.path}: FIS pod actions need the EKS cluster, namespace, pod selector and a Kubernetes service account, which IInferenceLane does not expose`,
        `Add { lane: <that lane>, clusterName: 'my-cluster', namespace: 'serving', labelSelector: 'app=recsys', serviceAccountName: 'fis-experiments' } to kubernetes, or leave the lane out of lanes.`);
    }
    targets.push({
      kind: lane.laneKind,
      id: uniqueId(sanitizeId(lane.node.id)),
      path: lane.node.path,
      construct: lane,
      lanePathTag: lanePathTagValue(lane),
      alarms,
      kubernetes: k8s,
    });
  }
  if (topology && props.frontDoors !== false) {
    for (const frontDoor of topology.frontDoors) {
      const summary = topology.describeFrontDoors().find(s => s.path === frontDoor.node.path)!;
      const routed = [summary.primary, summary.burst, summary.canary].filter((p): p is string => p !== undefined);
      const routedLanes = topology.lanes.filter(l => routed.includes(l.node.path));
      const alarms = uniqueAlarms([...routedLanes.flatMap(stopAlarms), ...(frontDoor.spilloverAlarm ? [frontDoor.spilloverAlarm] : [])]);
      if (alarms.length === 0) {
        throw invalid(scope, 'frontDoors', true, `cannot stop an experiment on the router of ${frontDoor.node.path}: none of the lanes it routes to has SLO alarms and it has no spillover alarm`,
          'Give the primary lane an SLO, or pass frontDoors: false.');
      }
      targets.push({
        kind: 'front-door',
        id: uniqueId(sanitizeId(frontDoor.node.id)),
        path: frontDoor.node.path,
        construct: frontDoor,
        routerFunction: frontDoor.routerFunction,
        alarms,
      });
    }
  }
  return { targets, unsupported };
}

function checkKubernetes(scope: IConstruct, value: KubernetesFaultTarget[] | undefined, lanes: IInferenceLane[]): Map<IInferenceLane, KubernetesFaultTarget> {
  const byLane = new Map<IInferenceLane, KubernetesFaultTarget>();
  if (value === undefined) { return byLane; }
  checkList(scope, 'kubernetes', value, "Pass e.g. [{ lane: recommender, clusterName: 'gpu', namespace: 'serving', labelSelector: 'app=recsys', serviceAccountName: 'fis-experiments' }].");
  value.forEach((k, i) => {
    const at = `kubernetes[${i}]`;
    checkPropsObject(scope, at, k, "Pass { lane, clusterName, namespace, labelSelector, serviceAccountName }.");
    if (!isLane(k.lane)) {
      throw invalid(scope, `${at}.lane`, k.lane, 'is not an inference lane (IInferenceLane)', 'Pass the GPU lane construct these pods serve.');
    }
    if (!lanes.includes(k.lane)) {
      throw invalid(scope, `${at}.lane`, k.lane.node.path, 'is not one of the lanes the experiments are for', 'Pass a lane of the topology (or of lanes), or drop this entry.');
    }
    if (k.lane.laneKind !== LaneKind.GPU_CLUSTER) {
      throw invalid(scope, `${at}.lane`, k.lane.node.path, `is a ${k.lane.laneKind} lane, not a gpu-cluster lane`, 'Pass only GPU lanes here; the other lanes are targeted by their tags.');
    }
    if (byLane.has(k.lane)) {
      throw invalid(scope, `${at}.lane`, k.lane.node.path, 'has a second entry', 'Give each GPU lane one entry.');
    }
    for (const [prop, example] of [['clusterName', 'gpu-serving'], ['namespace', 'serving'], ['serviceAccountName', 'fis-experiments'], ['labelSelector', 'app=recsys']] as const) {
      if (k[prop] === undefined || k[prop] === null) {
        throw invalid(scope, `${at}.${prop}`, k[prop], 'is required', `Pass it, e.g. ${prop}: '${example}'.`);
      }
    }
    // EKS cluster names: 1-100 characters, letters, digits, '-' and '_', starting with a letter or digit (EKS CreateCluster).
    if (!Token.isUnresolved(k.clusterName) && (typeof k.clusterName !== 'string' || !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(k.clusterName))) {
      throw invalid(scope, `${at}.clusterName`, k.clusterName, 'is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)', "Pass the cluster's name, e.g. 'gpu-serving'.");
    }
    checkDnsLabel(scope, `${at}.namespace`, k.namespace);
    checkDnsSubdomain(scope, `${at}.serviceAccountName`, k.serviceAccountName);
    // FIS target parameter values allow letters, spaces, digits and _.:/=+-@ only (botocore fis
    // ExperimentTemplateTargetParameterValue): no commas, so one label.
    const sel = k.labelSelector;
    if (!Token.isUnresolved(sel) && (typeof sel !== 'string' || !/^([A-Za-z0-9][-A-Za-z0-9_.]*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?=([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(sel))) {
      throw invalid(scope, `${at}.labelSelector`, sel, 'is not one key=value label selector (FIS target parameters allow no commas, so one label only)',
        "Pass the pods' label as 'key=value', e.g. 'app=recsys'.");
    }
    byLane.set(k.lane, k);
  });
  return byLane;
}

/** The alarms that stop a lane's experiments: its rollback alarms and its paging alarms, each once. */
export function stopAlarms(lane: IInferenceLane): cloudwatch.IAlarm[] {
  return uniqueAlarms([...(lane.sloAlarms ?? []), ...(lane.sloPagingAlarms ?? [])]);
}

function uniqueAlarms(alarms: cloudwatch.IAlarm[]): cloudwatch.IAlarm[] {
  return alarms.filter((a, i) => alarms.indexOf(a) === i);
}

/** `<stack name>/<path inside the stack>`: unique per account and Region, readable, within the 256-character tag limit. */
function lanePathTagValue(lane: IInferenceLane): string {
  const stack = Stack.of(lane);
  const inStack = lane.node.scopes.slice(lane.node.scopes.indexOf(stack) + 1).map(s => s.node.id).join('/');
  const name = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  // Lambda and ECS tag values allow letters, digits, spaces and _.:/=+-@ only.
  const value = `${name}/${inStack}`.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_');
  return value.length <= 256 ? value : `${value.slice(0, 240)}-${lane.node.addr.slice(0, 15)}`;
}

function sanitizeId(id: string): string {
  const clean = id.replace(/[^A-Za-z0-9]/g, '');
  return clean.length > 0 ? clean : 'Lane';
}
