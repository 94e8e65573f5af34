import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { createHybridApp } from '../../examples/hybrid';
import {
  AutoscalingPolicy, EndpointMode, IInferenceLane, LaneValidationError, ManagedEndpoint, Rollout, RouteTarget, ScalingTrigger,
  ScaleOutLeadTime, ServiceLevelObjective, WarmServerlessFunction,
} from '../../lib';

/*
 * HybridTopology.addFrontDoor over the hybrid example's lanes (examples/hybrid calls
 * `topology.addFrontDoor('FrontDoor', { primary: baseline, burst, jobs: summaries })`).
 */

function routerStatements(t: Template, prefix: string): any[] {
  return Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(`${prefix}Role`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

function dashboardBody(stack: any, t: Template, idPrefix: string): string {
  const [body] = Object.entries(t.findResources('AWS::CloudWatch::Dashboard')).filter(([id]) => id.startsWith(idPrefix)).map(([, d]) => d.Properties.DashboardBody);
  return JSON.stringify(stack.resolve(body));
}

describe('the hybrid example\'s front door', () => {
  const h = createHybridApp();
  const t = Template.fromStack(h.stack);
  const resolve = (x: any) => h.stack.resolve(x);

  test('routes to each lane\'s routeTarget(): the baseline endpoint, the burst alias, the summaries queue; nothing else', () => {
    const statements = routerStatements(t, 'AssistantFrontDoor');
    expect(statements).toContainEqual({ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: resolve(h.baseline.endpointArn) });
    expect(statements).toContainEqual({ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: resolve(h.burst.alias.functionArn) });
    expect(statements).toContainEqual({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: resolve(h.summaries.queue.queueArn) });
    const bucketArn = resolve(h.summaries.resultsBucket.bucketArn);
    expect(statements).toContainEqual({
      Action: 's3:GetObject', Effect: 'Allow',
      Resource: [{ 'Fn::Join': ['', [bucketArn, `/${h.summaries.resultsPrefix}*`]] }, { 'Fn::Join': ['', [bucketArn, `/${h.summaries.failuresPrefix}*`]] }],
    });
    expect(h.frontDoor.node.path).toBe('InferenceLanesHybrid/Assistant/FrontDoor');
    expect(h.topology.frontDoors).toEqual([h.frontDoor]);
  });

  test('fails over on the baseline\'s rollback alarms only (the burst lane\'s own alarms are not watched)', () => {
    expect(h.burst.sloAlarms.length).toBeGreaterThan(0);
    const rules = Object.entries(t.findResources('AWS::Events::Rule')).filter(([id]) => id.startsWith('AssistantFrontDoor'));
    expect(rules).toHaveLength(1);
    expect(rules[0][1].Properties.EventPattern.resources).toEqual(h.baseline.sloAlarms.map(a => resolve(a.alarmArn)));
  });

  test('the topology dashboard lists the front door and shows its routed requests, overhead and spillover alarm', () => {
    const body = dashboardBody(h.stack, t, 'AssistantDashboard');
    expect(body).toContain('- **FrontDoor** (front door): primary Baseline, burst Burst, jobs Summaries');
    expect(body).toContain('Front door InferenceLanesHybrid/Assistant/FrontDoor: requests');
    expect(body).toContain('Front door InferenceLanesHybrid/Assistant/FrontDoor: router overhead (ms)');
    expect(body).toContain('Spillover to the burst lane');
  });

  test('the lane dashboards of the routed lanes show the route too; the edge lane has none', () => {
    for (const id of ['AssistantBaselineLaneDashboard', 'AssistantBurstLaneDashboard', 'AssistantSummariesLaneDashboard']) {
      const body = dashboardBody(h.stack, t, id);
      expect([id, body.includes('Front door InferenceLanesHybrid/Assistant/FrontDoor: requests')]).toEqual([id, true]);
    }
    expect(Object.keys(t.findResources('AWS::CloudWatch::Dashboard')).filter(id => id.startsWith('AssistantKiosks'))).toEqual([]);
  });

  test('describeLanes says which front door routes each lane; describeFrontDoors lists the roles', () => {
    const rows = Object.fromEntries(h.topology.describeLanes().map(r => [r.id, r.routedBy]));
    expect(rows).toEqual({ Baseline: ['FrontDoor (primary)'], Burst: ['FrontDoor (burst)'], Summaries: ['FrontDoor (jobs)'], Kiosks: [] });
    expect(h.topology.describeFrontDoors()).toEqual([{
      path: 'InferenceLanesHybrid/Assistant/FrontDoor', id: 'FrontDoor',
      primary: 'InferenceLanesHybrid/Assistant/Baseline', burst: 'InferenceLanesHybrid/Assistant/Burst',
      jobs: 'InferenceLanesHybrid/Assistant/Summaries', canary: undefined,
    }]);
  });
});

describe('addFrontDoor settings', () => {
  test('the SLO defaults to the topology\'s: hedgeAfter 299 ms is accepted, 300 ms (its p95 threshold) is not', () => {
    const h = createHybridApp();
    expect(() => h.topology.addFrontDoor('Hedged', { primary: h.baseline, burst: h.burst, hedgeAfter: Duration.millis(299) })).not.toThrow();
    expect(() => h.topology.addFrontDoor('TooLate', { primary: h.baseline, burst: h.burst, hedgeAfter: Duration.millis(300) }))
      .toThrow(/InferenceLanesHybrid\/Assistant\/TooLate: 'hedgeAfter' .* is not below the SLO latency threshold \(300 millis\)/);
  });

  test('an SLO passed to addFrontDoor wins over the topology\'s', () => {
    const h = createHybridApp();
    expect(() => h.topology.addFrontDoor('Own', {
      primary: h.baseline, burst: h.burst, hedgeAfter: Duration.millis(400), slo: ServiceLevelObjective.latency(99, Duration.millis(800)),
    })).not.toThrow();
  });

  test('failover: false drops the failover rule and state table (the primary keeps spilling over)', () => {
    const h = createHybridApp();
    const fd = h.topology.addFrontDoor('NoFailover', { primary: h.baseline, burst: h.burst, failover: false });
    const t = Template.fromStack(h.stack);
    expect(Object.keys(t.findResources('AWS::Events::Rule')).filter(id => id.startsWith('AssistantNoFailover'))).toEqual([]);
    expect(Object.keys(t.findResources('AWS::DynamoDB::Table')).filter(id => id.startsWith('AssistantNoFailover'))).toEqual([]);
    expect(fd.failoverTable).toBeUndefined();
    expect(fd.spilloverAlarm).toBeDefined();
    expect(h.frontDoor.failoverTable).toBeDefined(); // the default is on
  });

  test('without alarm widgets on the topology dashboard (alarmStatusWidget: false), the spillover alarm widget goes too', () => {
    const h = createHybridApp({ alarmStatusWidget: false });
    const body = dashboardBody(h.stack, Template.fromStack(h.stack), 'AssistantDashboard');
    expect(body).toContain('Front door InferenceLanesHybrid/Assistant/FrontDoor: requests');
    expect(body).not.toContain('Spillover to the burst lane');
  });

  test('a canary lane: its alias is invoked for canaryPercent of requests; its own SLO alarms are not passed on (canaries do not fail over)', () => {
    const h = createHybridApp();
    const candidate = new WarmServerlessFunction(h.topology, 'Candidate', {
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'examples', 'serverless-burst', 'handler')),
      handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X,
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
    });
    expect(candidate.sloAlarms.length).toBeGreaterThan(0); // inherited from the topology's SLO
    h.topology.addFrontDoor('Split', { primary: h.baseline, burst: h.burst, canary: candidate, canaryPercent: 5 });
    const t = Template.fromStack(h.stack);
    expect(routerStatements(t, 'AssistantSplit')).toContainEqual({ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: h.stack.resolve(candidate.alias.functionArn) });
    const [router] = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => /^AssistantSplit[0-9A-F]{8}$/.test(id)).map(([, r]) => r);
    expect(JSON.stringify(router.Properties.Environment.Variables.ROUTER_CONFIG).replace(/\\/g, '')).toContain('"canary":{"percent":5,"target":{"kind":"lambda"');
    expect(h.topology.describeLanes().find(l => l.id === 'Candidate')?.routedBy).toEqual(['Split (canary)']);
  });

  test('a primary without a burst lane: no failover (its alarms are not passed on), jobs only when given', () => {
    const h = createHybridApp();
    const fd = h.topology.addFrontDoor('Solo', { primary: h.baseline });
    expect(fd.failoverTable).toBeUndefined();
    expect(fd.spilloverAlarm).toBeUndefined();
  });
});

describe('addFrontDoor errors (LaneValidationError: path, prop, value, fix)', () => {
  test('a lane that cannot be routed to: the edge fleet', () => {
    const h = createHybridApp();
    const act = () => h.topology.addFrontDoor('Edge', { primary: h.baseline, burst: h.edge });
    expect(act).toThrow(LaneValidationError);
    expect(act).toThrow("InferenceLanesHybrid/Assistant/Edge: 'burst' (\"InferenceLanesHybrid/Assistant/Kiosks\") cannot be routed to: an edge fleet runs the model on devices and takes no requests from the cloud. "
      + 'Fix: Pass a routable lane as burst: a real-time or serverless ManagedEndpoint, a WarmServerlessFunction, or a GpuClusterService with routeUrl.');
  });

  test('a lane that cannot be routed to: an asynchronous endpoint', () => {
    const h = createHybridApp();
    const asyncLane = new ManagedEndpoint(h.topology, 'Async', { mode: EndpointMode.asynchronous({ instanceType: 'ml.m5.large' }), rollout: Rollout.allAtOnce() });
    expect(() => h.topology.addFrontDoor('A', { primary: asyncLane }))
      .toThrow(/Assistant\/A: 'primary' \(".*Assistant\/Async"\) cannot be routed to: an asynchronous endpoint takes requests through S3 \(InvokeEndpointAsync\), not InvokeEndpoint\. Fix: Pass a routable lane as primary/);
  });

  test('a GPU service without routeUrl, and the jobs role, get their own explanation and fix', () => {
    const h = createHybridApp();
    const gpu = new FakeLane(h.topology, 'Gpu', 'gpu-cluster');
    expect(() => h.topology.addFrontDoor('G', { primary: gpu })).toThrow(/cannot be routed to: the Kubernetes service has no URL the front door knows \(routeUrl is not set\)/);
    expect(() => h.topology.addFrontDoor('J', { primary: h.baseline, jobs: gpu })).toThrow(/'jobs' .* Fix: Pass a QueueDrainedWorkers lane as jobs\./);
  });

  test('a lane outside the topology', () => {
    const h = createHybridApp();
    const outside = new FakeLane(h.stack, 'Outside', 'serverless', RouteTarget.http({ url: 'https://outside.example.com' }));
    expect(() => h.topology.addFrontDoor('O', { primary: h.baseline, burst: outside }))
      .toThrow("InferenceLanesHybrid/Assistant/O: 'burst' (\"InferenceLanesHybrid/Outside\") is not a lane of topology InferenceLanesHybrid/Assistant. Fix: Create the lane inside the topology, or register it with topology.addLane(lane) before addFrontDoor.");
  });

  test('wrong types from plain JavaScript: no props, a non-lane, a non-boolean failover', () => {
    const h = createHybridApp();
    expect(() => h.topology.addFrontDoor('N', undefined as any)).toThrow(/Assistant\/N: 'addFrontDoor\(props\)' is required\. Fix: Pass e\.g\. \{ primary: baseline, burst, jobs: summaries \}\./);
    expect(() => h.topology.addFrontDoor('S', { primary: h.baseline, burst: 'Burst' as any }))
      .toThrow(/Assistant\/S: 'burst' \("Burst"\) is not an inference lane \(IInferenceLane with routeTarget\(\)\)\. Fix: Pass a lane construct of this topology/);
    expect(() => h.topology.addFrontDoor('F', { primary: h.baseline, burst: h.burst, failover: 'yes' as any }))
      .toThrow(/Assistant\/F: 'failover' \("yes"\) is not a boolean\. Fix: Pass true \(the default\) or false\./);
  });

  test('no primary (plain JavaScript callers)', () => {
    const h = createHybridApp();
    expect(() => h.topology.addFrontDoor('P', { primary: undefined as any, jobs: h.summaries }))
      .toThrow(/Assistant\/P: 'primary' is required\. Fix: Pass the lane that takes synchronous requests first/);
  });

  test('the front door\'s own checks name the same path: burst is the primary; jobs is not a queue; a queue as primary', () => {
    const h = createHybridApp();
    expect(() => h.topology.addFrontDoor('Same', { primary: h.baseline, burst: h.baseline }))
      .toThrow(/Assistant\/Same: 'burst' .* is the same lane as primary/);
    expect(() => h.topology.addFrontDoor('NotQueue', { primary: h.baseline, jobs: h.burst }))
      .toThrow(/Assistant\/NotQueue: 'jobs' .* is a lambda target: the async route \(POST \/jobs\) needs a queue target/);
    expect(() => h.topology.addFrontDoor('QueuePrimary', { primary: h.summaries }))
      .toThrow(/Assistant\/QueuePrimary: 'primary' .* is a queue: a queue cannot answer a synchronous request/);
  });
});

/** A lane with a chosen kind and route target (the topology only reads these). */
class FakeLane extends Construct implements IInferenceLane {
  public readonly laneKind: any;
  public readonly artifactName = 'assistant';
  public readonly artifactVersion = '1.4.0';
  public readonly capacity = { minInstances: 1, maxInstances: 1, instanceType: 'x', hardware: 'cpu-x86_64' as any, priceClass: 'per-instance-hour', description: 'fake' };
  public readonly sloAlarms: cloudwatch.IAlarm[] = [];
  public readonly serviceLevelObjectives = [];
  public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  public readonly saturationMetrics: cloudwatch.IMetric[] = [];
  constructor(scope: Construct, id: string, kind: string, private readonly target?: RouteTarget) { super(scope, id); this.laneKind = kind; }
  public metricLatency() { return undefined; }
  public metricErrors() { return undefined; }
  public metricInvocations() { return undefined; }
  public metricCapacityInService() { return undefined; }
  public metricCapacityLag() { return undefined; }
  public readonly scaleOutLeadTime = ScaleOutLeadTime.notStated();
  public grantInvoke(): any { throw new Error('not used'); }
  public routeTarget() { return this.target; }
}
