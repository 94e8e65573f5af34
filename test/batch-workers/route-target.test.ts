import { App, Duration, Stack } from 'aws-cdk-lib';
import { AutoscalingPolicy, RouteTargetKind, ScalingTrigger } from '../../lib/core';
import { QueueDrainedWorkers } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';
import { routeProbe } from '../routing/route-probe';

function workers(props: { resultsPrefix?: string; failuresPrefix?: string } = {}) {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const w = new QueueDrainedWorkers(stack, 'W', {
    artifact: demoArtifact(), jobTimeout: Duration.seconds(60),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    ...props,
  });
  return { stack, w };
}

describe('QueueDrainedWorkers.routeTarget()', () => {
  test('the job queue and the lane\'s own results bucket: SendMessage on that queue, GetObject under results/ and failures/ (defaults)', () => {
    const { stack, w } = workers();
    const target = w.routeTarget();
    expect(target?.kind).toBe(RouteTargetKind.QUEUE);
    expect(target?.alarms).toEqual([]);
    const p = routeProbe(stack, target, 'jobs');
    expect(p.statements).toContainEqual({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: p.resolve(w.queue.queueArn) });
    const bucketArn = p.resolve(w.resultsBucket.bucketArn);
    expect(p.statements).toContainEqual({
      Action: 's3:GetObject', Effect: 'Allow',
      Resource: [{ 'Fn::Join': ['', [bucketArn, '/results/*']] }, { 'Fn::Join': ['', [bucketArn, '/failures/*']] }],
    });
    expect(p.config).toContain('"prefix":"results/","failuresPrefix":"failures/"');
    expect(p.config).toContain(`"queueUrl":"",${JSON.stringify(p.resolve(w.queue.queueUrl))}`);
    expect(p.config).toContain(`"bucket":"",${JSON.stringify(p.resolve(w.resultsBucket.bucketName))}`);
  });

  test('custom prefixes are what the router reads', () => {
    const { stack, w } = workers({ resultsPrefix: 'out/', failuresPrefix: 'errors/' });
    const p = routeProbe(stack, w.routeTarget(), 'jobs');
    const bucketArn = p.resolve(w.resultsBucket.bucketArn);
    expect(p.statements).toContainEqual({
      Action: 's3:GetObject', Effect: 'Allow',
      Resource: [{ 'Fn::Join': ['', [bucketArn, '/out/*']] }, { 'Fn::Join': ['', [bucketArn, '/errors/*']] }],
    });
    expect(p.config).toContain('"prefix":"out/","failuresPrefix":"errors/"');
  });
});
