import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoscalingPolicy, HardwareTarget, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { demoArtifact } from '../../examples/shared/artifact';
import { AlarmEvaluator, SeriesStore } from '../../lib/simulation/metrics';
import { AlarmSpec } from '../../lib/simulation/stack-model';
import { readStack } from '../../lib/simulation/template-reader';

// Issue 12 (items 8-11, 13) and the same classes swept through the lane: what lints clean but fails
// to deploy or misbehaves in a real account. Every assertion reads the emitted template.

const ENV = { account: '111122223333', region: 'us-east-1' };

function synth(props: Partial<QueueDrainedWorkersProps>): { t: Template; w: QueueDrainedWorkers } {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const w = new QueueDrainedWorkers(stack, 'W', {
    artifact: demoArtifact(),
    jobTimeout: Duration.seconds(60),
    autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    ...props,
  });
  return { t: Template.fromStack(stack), w };
}

function logicalIdOf(t: Template, type: string): string {
  const ids = Object.keys(t.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function policyNamed(t: Template, name: string): any {
  const found = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
    .filter((r: any) => JSON.stringify(r.Properties.PolicyName).includes(name));
  expect(found).toHaveLength(1);
  return (found[0] as any).Properties;
}

/**
 * The emitted error-rate alarm as the simulator's {@link AlarmSpec}. The template reader takes one level
 * of metric math and has no S3 request-metric series, so the nested `inv` expression is inlined and the
 * two PutRequests filters are read from the store's count series: failure reports from `errors`, result
 * reports from `requests`. Everything else (expression, window, threshold, datapoints) is as emitted.
 */
function replayable(alarm: any): AlarmSpec {
  const ret = alarm.Metrics.find((m: any) => m.ReturnData !== false);
  const inv = alarm.Metrics.find((m: any) => m.Id === 'inv');
  const metrics: Record<string, any> = {};
  for (const m of alarm.Metrics.filter((x: any) => x.MetricStat)) {
    const stat = m.MetricStat;
    expect([stat.Metric.Namespace, stat.Metric.MetricName, stat.Stat]).toEqual(['AWS/S3', 'PutRequests', 'Sum']);
    const filter = stat.Metric.Dimensions.find((d: any) => d.Name === 'FilterId').Value;
    const series = { failures: 'Errors', results: 'Invocations' }[filter as 'failures' | 'results'];
    expect(series).toBeDefined();
    metrics[m.Id] = { namespace: 'AWS/Lambda', metricName: series, stat: 'Sum', period: stat.Period };
  }
  const period = alarm.Metrics.find((x: any) => x.MetricStat).MetricStat.Period;
  return {
    logicalId: 'ErrorRate',
    math: { expression: ret.Expression.replace(/\binv\b/g, `(${inv.Expression})`), metrics, period },
    period, evaluationPeriods: alarm.EvaluationPeriods, datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
    threshold: alarm.Threshold, comparison: alarm.ComparisonOperator, treatMissingData: alarm.TreatMissingData,
  };
}

const gpuScaleToZero = (): Partial<QueueDrainedWorkersProps> => ({
  hardware: HardwareTarget.NVIDIA_GPU,
  gpuCapacity: GpuCapacity.autoScalingGroup(),
  jobTimeout: Duration.minutes(15),
  inFlightJobs: InFlightJobHandling.PROTECT_TASK,
  autoscaling: new AutoscalingPolicy({
    maxCapacity: 4, scaleToZero: true,
    triggers: [ScalingTrigger.queueBacklogPerInstance(5), ScalingTrigger.timeInQueue(Duration.minutes(5))],
  }),
});

describe('item 8: the GPU service depends on the cluster capacity-provider association', () => {
  test('AWS::ECS::Service DependsOn the AWS::ECS::ClusterCapacityProviderAssociations', () => {
    const { t } = synth(gpuScaleToZero());
    const association = logicalIdOf(t, 'AWS::ECS::ClusterCapacityProviderAssociations');
    const service = Object.values(t.findResources('AWS::ECS::Service'))[0] as any;
    expect(service.DependsOn).toEqual(expect.arrayContaining([association]));
    // and only on it: a dependency on the cluster itself is already enforced by Ref (cfn-lint W3005)
    expect(service.DependsOn).not.toContain(logicalIdOf(t, 'AWS::ECS::Cluster'));
  });
});

describe('item 9: scale-out from zero cannot add a worker per cooldown while tasks are PROVISIONING', () => {
  test('the wake-up alarm is gated on the service\'s desired count, not on running + pending tasks', () => {
    const { t } = synth(gpuScaleToZero());
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmActions: [{ Ref: Match.stringLikeRegexp('^WScaleOutFromZero') }] },
    })) as any[];
    expect(alarms).toHaveLength(1);
    const metrics = alarms[0].Properties.Metrics;
    expect(metrics.find((m: any) => m.ReturnData !== false).Expression).toBe('IF(visible > 0 AND FILL(desired, 0) == 0, 1, 0)');
    expect(metrics.map((m: any) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort())
      .toEqual(['ApproximateNumberOfMessagesVisible', 'DesiredTaskCount']);
    const desired = metrics.find((m: any) => m.Id === 'desired').MetricStat.Metric;
    expect(desired.Namespace).toBe('ECS/ContainerInsights');
    expect(desired.Dimensions.map((d: any) => d.Name)).toEqual(['ClusterName', 'ServiceName']);
    // one worker per wake-up
    expect(policyNamed(t, 'ScaleOutFromZero').StepScalingPolicyConfiguration.StepAdjustments)
      .toEqual([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]);
  });
});

describe('item 10: time-in-queue steps and backlog tracking compose instead of fighting', () => {
  test('with an age trigger, backlog tracking only scales out; scale-in is a step policy on backlog AND age', () => {
    const { t } = synth(gpuScaleToZero());
    const tracking = policyNamed(t, 'BacklogPerWorker').TargetTrackingScalingPolicyConfiguration;
    expect(tracking.DisableScaleIn).toBe(true);
    expect(tracking.TargetValue).toBe(5);

    const scaleIn = policyNamed(t, 'BacklogScaleIn').StepScalingPolicyConfiguration;
    expect(scaleIn).toEqual({
      AdjustmentType: 'ChangeInCapacity', Cooldown: 300, MetricAggregationType: 'Maximum',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: -1 }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^WBacklogScaleIn') }],
      // the default scale-in cooldown (300 s) in consecutive one-minute datapoints
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, EvaluationPeriods: 5,
      // jobs wait, one worker fewer still meets 5 jobs/worker, and the oldest job is under half of 300 s
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(FILL(visible, 0) > 0 AND FILL(age, 0) < 150 AND FILL(visible, 0) < 5 * (running - 1), 1, 0)', ReturnData: true })]),
    });
    // the queue drained: release workers down to the minimum
    expect(policyNamed(t, 'IdleScaleIn').StepScalingPolicyConfiguration.StepAdjustments)
      .toEqual([{ MetricIntervalUpperBound: 0, ScalingAdjustment: -4 }]);
    // the time-in-queue steps still add workers at T, 2T, 4T
    expect(policyNamed(t, 'TimeInQueueScaleOut').StepScalingPolicyConfiguration.StepAdjustments.map((s: any) => s.ScalingAdjustment)).toEqual([1, 2, 4]);
  });

  test('replayed with the simulator\'s alarm evaluator: the backlog scale-in stays quiet on an empty queue and fires on a thin backlog', () => {
    const { t } = synth(gpuScaleToZero());
    const lanes = readStack([{ stackName: 'S', template: t.toJSON() }]).lanes;
    const spec = lanes.flatMap(l => l.alarms).find(a => a.logicalId.startsWith('WBacklogScaleInAlarm'))!;
    expect(spec.math!.expression).toMatch(/^IF\(FILL\(visible, 0\) > 0 AND /);
    /** 10 minutes of 4 running workers with `visible` jobs waiting, the oldest `age` s old; ALARM at any evaluation? */
    const fires = (a: AlarmSpec, visible: number, age: number) => {
      const store = new SeriesStore(600);
      store.data.running.fill(4); store.data.visible.fill(visible); store.data.oldestAge.fill(age);
      const evaluator = new AlarmEvaluator(a);
      let alarmed = false;
      for (let s = 60; s <= 600; s += 60) { alarmed = evaluator.evaluate(store, s) || alarmed; }
      return alarmed;
    };
    // an empty queue (the burst is done, 4 workers left): the idle scale-in's job, not one worker per cooldown
    expect(fires(spec, 0, 0)).toBe(false);
    // a thin backlog: 3 jobs for 4 workers (3 < 5 × 3), young: one worker fewer is enough
    expect(fires(spec, 3, 30)).toBe(true);
    // the boundary: 15 jobs need 4 workers at 5 per worker (15 < 5 × 3 is false); 14 do not
    expect(fires(spec, 15, 30)).toBe(false);
    expect(fires(spec, 14, 30)).toBe(true);
    // a thin backlog with an old job (150 s = half the 300 s age threshold) keeps its workers
    expect(fires(spec, 3, 150)).toBe(false);
    // the previous gate (no `visible > 0`) removed workers from an idle service: what this test guards against
    const previous = { ...spec, math: { ...spec.math!, expression: 'IF(FILL(age, 0) < 150 AND FILL(visible, 0) < 5 * (running - 1), 1, 0)' } };
    expect(fires(previous, 0, 0)).toBe(true);
  });

  test('without an age trigger, backlog tracking scales in itself; the only scale-in step is the idle one', () => {
    const { t } = synth({});
    const tracking = policyNamed(t, 'BacklogPerWorker').TargetTrackingScalingPolicyConfiguration;
    expect(tracking.DisableScaleIn).toBeUndefined();
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2);
    expect(policyNamed(t, 'IdleScaleIn').PolicyType).toBe('StepScaling');
  });

  test('CPU tracking next to an age trigger only scales out too; the idle step scales in', () => {
    const { t } = synth({
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 4, triggers: [ScalingTrigger.cpuUtilization(70), ScalingTrigger.timeInQueue(Duration.minutes(2))] }),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, DisableScaleIn: true,
      }),
    });
    expect(policyNamed(t, 'IdleScaleIn').StepScalingPolicyConfiguration.StepAdjustments).toEqual([{ MetricIntervalUpperBound: 0, ScalingAdjustment: -4 }]);
    expect(Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map((r: any) => r.Properties.PolicyName)
      .filter((n: unknown) => JSON.stringify(n).includes('BacklogScaleIn'))).toEqual([]);
  });
});

describe('item 11: GPU workers run the Amazon Linux 2023 ECS GPU AMI', () => {
  test('the launch template reads the AL2023 GPU recommended image parameter', () => {
    const { t } = synth(gpuScaleToZero());
    const params = Object.keys(t.toJSON().Parameters).filter(p => p.startsWith('SsmParameterValue'));
    expect(params).toHaveLength(1);
    expect(params[0]).toMatch(/^SsmParameterValueawsserviceecsoptimizedamiamazonlinux2023gpurecommendedimageid/);
    expect(t.toJSON().Parameters[params[0]].Default).toBe('/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id');
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: { Ref: params[0] } }),
    });
  });
});

describe('item 13: time-in-queue alarms page but never roll a deployment back', () => {
  test('a time-in-queue SLO alone: the deployment has no alarms (the circuit breaker judges it), the SLO alarm still exists', () => {
    const { t, w } = synth({ slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)) });
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: [], Enable: false, Rollback: false },
      }),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800 });
    expect(w.sloAlarms).toEqual([]);
    expect(w.sloPagingAlarms!.map(a => a.node.id)).toEqual(['SloTimeInQueue']);
    expect(w.deploymentAlarms).toEqual([]);
  });

  test('rollout alarms (version health) stay deployment alarms next to a time-in-queue SLO', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const failures = new cloudwatch.Alarm(stack, 'WorkerFailures', {
      metric: new cloudwatch.Metric({ namespace: 'Docs', metricName: 'FailedJobs' }), threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2,
    });
    new QueueDrainedWorkers(stack, 'W', {
      artifact: demoArtifact(), jobTimeout: Duration.seconds(60),
      autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
      slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)),
      rollout: Rollout.allAtOnce({ alarms: [failures] }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('^WorkerFailures') }], Enable: true, Rollback: true } }),
    });
  });
});

describe('sweep: API-required members and limits of what the lane emits', () => {
  // botocore: ecs DeploymentAlarms requires alarmNames, rollback, enable; DeploymentCircuitBreaker
  // requires enable, rollback; CapacityProviderStrategyItem requires capacityProvider (weight 0-1000);
  // application-autoscaling StepAdjustment requires ScalingAdjustment; TargetTrackingScalingPolicyConfiguration
  // requires TargetValue; TargetTrackingMetricDataQuery requires Id; CloudWatch: Period × EvaluationPeriods <= 1 day.
  test('every ECS deployment, capacity-provider and scaling member the APIs require is present', () => {
    for (const props of [{}, gpuScaleToZero(), { slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)) }]) {
      const { t } = synth(props);
      const svc = (Object.values(t.findResources('AWS::ECS::Service'))[0] as any).Properties;
      expect(Object.keys(svc.DeploymentConfiguration.Alarms).sort()).toEqual(['AlarmNames', 'Enable', 'Rollback']);
      expect(Object.keys(svc.DeploymentConfiguration.DeploymentCircuitBreaker).sort()).toEqual(['Enable', 'Rollback']);
      for (const item of svc.CapacityProviderStrategy ?? []) {
        expect(item.CapacityProvider).toBeTruthy();
        expect(item.Weight).toBeGreaterThanOrEqual(0);
        expect(item.Weight).toBeLessThanOrEqual(1000);
      }
      for (const r of Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')) as any[]) {
        const step = r.Properties.StepScalingPolicyConfiguration;
        const tracking = r.Properties.TargetTrackingScalingPolicyConfiguration;
        if (step) {
          expect(step.AdjustmentType).toMatch(/^(ChangeInCapacity|ExactCapacity|PercentChangeInCapacity)$/);
          for (const a of step.StepAdjustments) { expect(Number.isInteger(a.ScalingAdjustment)).toBe(true); }
        } else {
          expect(typeof tracking.TargetValue).toBe('number');
          for (const q of tracking.CustomizedMetricSpecification?.Metrics ?? []) { expect(q.Id).toMatch(/^[a-z][A-Za-z0-9_]*$/); }
        }
      }
      for (const r of Object.values(t.findResources('AWS::CloudWatch::Alarm')) as any[]) {
        const period = r.Properties.Period ?? r.Properties.Metrics?.find((m: any) => m.MetricStat)?.MetricStat.Period;
        expect(period * r.Properties.EvaluationPeriods).toBeLessThanOrEqual(86400);
      }
    }
  });
});

describe('sweep: run-time permissions of the workers', () => {
  test('the task role consumes exactly the job queue, decrypts with exactly its key and writes only the two prefixes', () => {
    const { t } = synth({});
    const policies = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^WTaskRole') }] } })) as any[];
    expect(policies).toHaveLength(1);
    const statements: any[] = policies[0].Properties.PolicyDocument.Statement;
    const sqs = statements.find(s => [s.Action].flat().includes('sqs:ReceiveMessage'));
    expect([sqs.Action].flat()).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(sqs.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WQueue/), 'Arn'] });
    const decrypt = statements.filter(s => [s.Action].flat().includes('kms:Decrypt'));
    expect(decrypt.length).toBeGreaterThan(0);
    for (const s of decrypt) { expect(s.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WKey/), 'Arn'] }); }
    const puts = statements.filter(s => [s.Action].flat().includes('s3:PutObject'));
    expect(puts.map(s => s.Resource['Fn::Join'][1][1]).sort()).toEqual(['/failures/*', '/results/*']);
    // no wildcard resource except what the actions require (none here)
    expect(statements.filter(s => s.Resource === '*')).toEqual([]);
  });
});

describe('sweep: a version-health rollback alarm that fires on a bad version and stays quiet on a healthy one', () => {
  const errorSlo = () => ServiceLevelObjective.timeInQueue(Duration.minutes(30), { maxErrorRatePercent: 5 });

  test('an error-rate objective counts job outcomes with S3 request metrics on the two prefixes and rolls back on it', () => {
    const { t, w } = synth({ slo: errorSlo() });
    t.hasResourceProperties('AWS::S3::Bucket', {
      MetricsConfigurations: [{ Id: 'results', Prefix: 'results/' }, { Id: 'failures', Prefix: 'failures/' }],
    });
    const alarm = (Object.entries(t.findResources('AWS::CloudWatch::Alarm')) as Array<[string, any]>).find(([id]) => id.startsWith('WSloErrorRate'))![1].Properties;
    const byId = Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m]));
    // one-sided z-test against 5% once the 5-minute window holds 20 jobs (core's default for 5%: ceil(100 / 5))
    expect(alarm.Metrics.find((m: any) => m.ReturnData !== false).Expression)
      .toBe('IF(inv >= 20 AND err > 0.05 * inv, (err - 0.05 * inv) * (err - 0.05 * inv) / (0.0475 * inv), 0)');
    expect(byId.err.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/S3', MetricName: 'PutRequests', Dimensions: [{ Name: 'BucketName', Value: { Ref: expect.stringMatching(/^WResults/) } }, { Name: 'FilterId', Value: 'failures' }] },
      Period: 300, Stat: 'Sum',
    });
    expect(byId.inv.Expression).toBe('FILL(res, 0) + FILL(fail, 0)');
    expect(byId.res.MetricStat.Metric.Dimensions[1]).toEqual({ Name: 'FilterId', Value: 'results' });
    expect(byId.res.MetricStat.Period).toBe(300);
    // one datapoint over a 5-minute sliding window; z² over 3.09² (99.9% one-sided)
    expect([alarm.Threshold, alarm.ComparisonOperator, alarm.EvaluationPeriods, alarm.DatapointsToAlarm, alarm.TreatMissingData])
      .toEqual([9.5495, 'GreaterThanThreshold', 1, 1, 'notBreaching']);
    // the error-rate alarm is the deployment alarm; the time-in-queue alarm only pages
    const svc = (Object.values(t.findResources('AWS::ECS::Service'))[0] as any).Properties;
    expect(svc.DeploymentConfiguration.Alarms).toEqual({ AlarmNames: [{ Ref: expect.stringMatching(/^WSloErrorRate/) }], Enable: true, Rollback: true });
    expect(w.sloPagingAlarms!.map(a => a.node.id)).toEqual(['SloTimeInQueue']);
    expect(w.sloAlarms.map(a => a.node.id)).toEqual(['SloErrorRate']);
    expect((w.metricErrors() as any).metricName).toBe('PutRequests');
  });

  test('replayed against the emitted alarm with the simulator\'s evaluator: quiet on a healthy version under noise, fires on a bad one', () => {
    const { t } = synth({ slo: errorSlo() });
    const alarm = (Object.entries(t.findResources('AWS::CloudWatch::Alarm')) as Array<[string, any]>).find(([id]) => id.startsWith('WSloErrorRate'))![1].Properties;
    const spec = replayable(alarm);
    /** Per-minute [failed, finished] job counts, evaluated every minute as CloudWatch does; the first minute in ALARM, or -1. */
    const firstAlarm = (minutes: Array<[number, number]>) => {
      const store = new SeriesStore(minutes.length * 60);
      minutes.forEach(([failed, finished], i) => { store.data.errors[i * 60 + 30] = failed; store.data.requests[i * 60 + 30] = finished - failed; });
      const evaluator = new AlarmEvaluator(spec);
      for (let i = 0; i < minutes.length; i++) { if (evaluator.evaluate(store, (i + 1) * 60)) { return i; } }
      return -1;
    };
    // a healthy version: about 1% failures at 30 jobs/minute, one noisy minute (4 of 30), then a quiet
    // stretch where 1 failed of 3 finished jobs (33%) must not count: under 20 jobs in the window
    const healthy: Array<[number, number]> = Array.from({ length: 30 }, (_, i) =>
      (i >= 20 ? [i % 2, 3] : i === 7 ? [4, 30] : [i % 3 === 0 ? 1 : 0, 30]));
    expect(firstAlarm(healthy)).toBe(-1);
    // 8% at 30 jobs/minute is above 5% but not significant over 150 jobs (z² = 2.8): no rollback on noise
    expect(firstAlarm(Array.from({ length: 20 }, (_, i): [number, number] => [i % 5 < 2 ? 3 : 2, 30]))).toBe(-1);
    // a bad version: 40% of jobs fail from minute 3; rolled back within two minutes
    const bad: Array<[number, number]> = Array.from({ length: 10 }, (_, i) => (i < 3 ? [0, 30] : [12, 30]));
    const at = firstAlarm(bad);
    expect(at).toBeGreaterThanOrEqual(3);
    expect(at).toBeLessThanOrEqual(4);
    // the guard's boundary: 19 finished jobs, all failed, read 0; 20 fire
    expect(firstAlarm([[19, 19]])).toBe(-1);
    expect(firstAlarm([[20, 20]])).toBe(0);
  });

  test('no error-rate objective: no request metrics on the bucket (they are billed), no error metric', () => {
    const { t, w } = synth({ slo: ServiceLevelObjective.timeInQueue(Duration.minutes(30)) });
    expect((Object.values(t.findResources('AWS::S3::Bucket'))[0] as any).Properties.MetricsConfigurations).toBeUndefined();
    expect(w.metricErrors()).toBeUndefined();
  });

  test('an error-rate objective with a brought results bucket is rejected: the lane cannot add request metrics to it', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(() => new QueueDrainedWorkers(stack, 'W', {
      artifact: demoArtifact(), jobTimeout: Duration.seconds(60),
      autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
      resultsBucket: s3.Bucket.fromBucketName(stack, 'Out', 'doc-results'),
      slo: errorSlo(),
    })).toThrow(/S\/W: 'slo.maxErrorRatePercent' \(5\) needs S3 request metrics on the results and failures prefixes.*Fix: Drop resultsBucket/);
  });
});

describe('sweep (item 9 class): time-in-queue steps do not pile up while EC2 GPU tasks are PROVISIONING', () => {
  test('on EC2 capacity the age alarm reads 0 while desired workers are not yet running or pending', () => {
    const { t } = synth(gpuScaleToZero());
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmActions: [{ Ref: Match.stringLikeRegexp('^WTimeInQueueScaleOut') }] },
    })) as any[];
    expect(alarms).toHaveLength(1);
    const metrics = alarms[0].Properties.Metrics;
    expect(metrics.find((m: any) => m.ReturnData !== false).Expression).toBe('IF(FILL(desired, 0) > FILL(running, 0) + FILL(pending, 0), 0, age)');
    expect(Object.fromEntries(metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName]))).toEqual({
      age: 'ApproximateAgeOfOldestMessage', desired: 'DesiredTaskCount', running: 'RunningTaskCount', pending: 'PendingTaskCount',
    });
    expect(alarms[0].Properties.Threshold).toBe(300);
  });

  test('on Fargate (placement takes seconds) the age alarm reads the queue directly', () => {
    const { t } = synth({ autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.timeInQueue(Duration.minutes(5))] }) });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^WTimeInQueueScaleOut') }],
      MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 300, Metrics: Match.absent(),
    });
  });
});

describe('issue 17: scale in to the minimum in one step once the queue has been idle', () => {
  /** The idle scale-in alarm and its metrics by id. */
  function idleAlarm(t: Template): { alarm: any; byId: { [id: string]: any } } {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmActions: [{ Ref: Match.stringLikeRegexp('^WIdleScaleIn') }] },
    })) as any[];
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0].Properties;
    return { alarm, byId: Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m])) };
  }

  test('default (idleScaleInAfter omitted): 2 consecutive idle minutes, decoupled from the 10-minute scale-in cooldown', () => {
    const { t } = synth({
      autoscaling: new AutoscalingPolicy({
        maxCapacity: 6, scaleToZero: true, scaleInCooldown: Duration.minutes(10),
        triggers: [ScalingTrigger.queueBacklogPerInstance(10), ScalingTrigger.timeInQueue(Duration.minutes(5))],
      }),
    });
    const { alarm, byId } = idleAlarm(t);
    expect([alarm.ComparisonOperator, alarm.Threshold, alarm.EvaluationPeriods, alarm.DatapointsToAlarm, alarm.TreatMissingData])
      .toEqual(['LessThanThreshold', 1, 2, 2, 'notBreaching']);
    const result = alarm.Metrics.find((m: any) => m.ReturnData !== false);
    expect(result.Expression).toBe('visible + inFlight + received');
    expect(Object.fromEntries(['visible', 'inFlight', 'received'].map(id => [id, [byId[id].MetricStat.Metric.MetricName, byId[id].MetricStat.Stat, byId[id].MetricStat.Period]]))).toEqual({
      visible: ['ApproximateNumberOfMessagesVisible', 'Maximum', 60],
      inFlight: ['ApproximateNumberOfMessagesNotVisible', 'Maximum', 60],
      received: ['NumberOfMessagesReceived', 'Sum', 60],
    });
    // one step to the minimum: remove maxCapacity workers (Application Auto Scaling stops at the minimum)
    expect(policyNamed(t, 'IdleScaleIn').StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: 'ChangeInCapacity', Cooldown: 600, MetricAggregationType: 'Maximum',
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -6 }],
    });
  });

  test.each([
    ['backlog tracking alone', [ScalingTrigger.queueBacklogPerInstance(5)]],
    ['CPU tracking alone', [ScalingTrigger.cpuUtilization(60)]],
  ])('rendered with %s too (target tracking alone would wait 15 minutes below target)', (_name, triggers) => {
    const { t } = synth({ autoscaling: new AutoscalingPolicy({ maxCapacity: 4, triggers }) });
    expect(idleAlarm(t).alarm.EvaluationPeriods).toBe(2);
    expect(policyNamed(t, 'IdleScaleIn').StepScalingPolicyConfiguration.StepAdjustments).toEqual([{ MetricIntervalUpperBound: 0, ScalingAdjustment: -4 }]);
  });

  test.each([
    [Duration.minutes(1), 1], [Duration.minutes(3), 3], [Duration.days(1), 1440],
  ])('idleScaleInAfter %s renders %d evaluation periods (accepted edges: 1 minute, 1 day)', (d, periods) => {
    const { alarm } = idleAlarm(synth({ idleScaleInAfter: d }).t);
    expect([alarm.EvaluationPeriods, alarm.DatapointsToAlarm]).toEqual([periods, periods]);
  });

  test.each([
    ['0 minutes', { idleScaleInAfter: Duration.minutes(0) }, /'idleScaleInAfter' \(0 minutes\) must be from 1 minute to 1 day/],
    ['90 seconds', { idleScaleInAfter: Duration.seconds(90) }, /'idleScaleInAfter' \(1 minute 30 seconds\) must be a whole number of minutes/],
    ['1 day + 1 minute', { idleScaleInAfter: Duration.minutes(1441) }, /'idleScaleInAfter' .* must be from 1 minute to 1 day/],
    ['a fixed fleet', { idleScaleInAfter: Duration.minutes(3), autoscaling: AutoscalingPolicy.fixed(2) }, /'idleScaleInAfter' \(3 minutes\) configures the idle scale-in, but AutoscalingPolicy.fixed\(n\) renders no scaling/],
    ['a number', { idleScaleInAfter: 3 as unknown as Duration }, /'idleScaleInAfter' \(3\) is not a Duration/],
    ['a token', { idleScaleInAfter: Duration.minutes(Lazy.number({ produce: () => 3 })) }, /'idleScaleInAfter' .* is a token. Fix: Pass a concrete Duration/],
  ] as Array<[string, Partial<QueueDrainedWorkersProps>, RegExp]>)('idleScaleInAfter of %s is rejected', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('replayed against the emitted alarm: never while a job is in flight or was received, once after 2 idle minutes', () => {
    const { alarm } = idleAlarm(synth({}).t);
    const expr: string = alarm.Metrics.find((m: any) => m.ReturnData !== false).Expression;
    /** The first minute (1-based) the alarm is in ALARM, evaluating the emitted expression M of N. */
    const firesAt = (minutes: Array<{ visible: number; inFlight: number; received: number }>) => {
      const value = (m: { [id: string]: number }) => expr.split('+').map(id => m[id.trim()]).reduce((a, b) => a + b, 0);
      const breaching = minutes.map(m => value(m) < alarm.Threshold);
      for (let end = alarm.EvaluationPeriods; end <= breaching.length; end++) {
        if (breaching.slice(end - alarm.EvaluationPeriods, end).filter(Boolean).length >= alarm.DatapointsToAlarm) { return end; }
      }
      return undefined;
    };
    const idle = { visible: 0, inFlight: 0, received: 0 };
    // the backlog is gone but a 10-minute job is still being processed: no scale-in while it runs
    const longJob = [...Array(10).fill({ ...idle, inFlight: 1 }), idle, idle, idle];
    expect(firesAt(longJob)).toBe(12);
    // short jobs between the gauges' samples still count through NumberOfMessagesReceived
    expect(firesAt([idle, { ...idle, received: 1 }, idle, { ...idle, received: 2 }, idle])).toBeUndefined();
    expect(firesAt([idle, { ...idle, visible: 1 }, idle, idle])).toBe(4);
  });
});
