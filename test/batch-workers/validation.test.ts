import { App, CfnParameter, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AutoscalingPolicy, HardwareTarget, ScalingTrigger } from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { LaneValidationError } from '../../lib/core/errors';
import { demoArtifact } from '../../examples/shared/artifact';

// Issue 13 for the batch lane: every class of bad input gets a LaneValidationError naming the prop
// (never a crash inside aws-cdk-lib), valid edge values are accepted and rendered unchanged.

const ENV = { account: '111122223333', region: 'us-east-1' };
const policy = (over: Partial<ConstructorParameters<typeof AutoscalingPolicy>[0]> = {}) =>
  new AutoscalingPolicy({ maxCapacity: 4, triggers: [ScalingTrigger.queueBacklogPerInstance(5)], ...over });

function build(over: Partial<QueueDrainedWorkersProps>, setup?: (s: Stack) => Partial<QueueDrainedWorkersProps>): { t: Template; w: QueueDrainedWorkers } {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const w = new QueueDrainedWorkers(stack, 'W', {
    artifact: demoArtifact(), jobTimeout: Duration.seconds(60), autoscaling: policy(), ...over, ...(setup ? setup(stack) : {}),
  });
  return { t: Template.fromStack(stack), w };
}

/** Throws a LaneValidationError (not another error type) whose message matches. */
function rejects(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try { fn(); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(LaneValidationError);
  expect((error as Error).message).toMatch(message);
}

const gpu = (over: Partial<QueueDrainedWorkersProps> = {}): Partial<QueueDrainedWorkersProps> => ({
  hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.autoScalingGroup(), jobTimeout: Duration.minutes(15), ...over,
});

function taskDef(t: Template): any {
  return (Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0] as any).Properties;
}

describe('class 1: durations in whole seconds and in range', () => {
  test.each([
    ['jobTimeout 1.5 s', { jobTimeout: Duration.seconds(1.5) }, /S\/W: 'jobTimeout' \(1.5 seconds\) must be whole seconds from 1 second to 12 hours/],
    ['jobTimeout 0', { jobTimeout: Duration.seconds(0) }, /'jobTimeout' \(0 seconds\) must be whole seconds/],
    ['jobTimeout 12 h + 1 s', { jobTimeout: Duration.seconds(12 * 3600 + 1), inFlightJobs: InFlightJobHandling.RETURN_TO_QUEUE }, /'jobTimeout' .* must be whole seconds from 1 second to 12 hours/],
    ['jobTimeout NaN', { jobTimeout: Duration.seconds(NaN) }, /'jobTimeout' \(NaN seconds\) must be whole seconds/],
    ['jobTimeout missing', { jobTimeout: undefined }, /'jobTimeout' is required \(a Duration\)/],
    ['visibilityTimeout 90.5 s', { jobTimeout: Duration.seconds(60), visibilityTimeout: Duration.seconds(90.5) }, /'visibilityTimeout' \(90.5 seconds\) must be a whole number of seconds/],
    ['visibilityTimeout one second under jobTimeout', { jobTimeout: Duration.seconds(60), visibilityTimeout: Duration.seconds(59) }, /'visibilityTimeout' \(59 seconds\) is shorter than jobTimeout/],
    ['visibilityTimeout 12 h + 1 s', { visibilityTimeout: Duration.seconds(12 * 3600 + 1) }, /'visibilityTimeout' .* exceeds the SQS maximum of 12 hours/],
    ['retentionPeriod 59 s', { retentionPeriod: Duration.seconds(59) }, /'retentionPeriod' \(59 seconds\) must be between 60 seconds and 14 days/],
    ['retentionPeriod 14 d + 1 s', { retentionPeriod: Duration.seconds(14 * 86400 + 1) }, /'retentionPeriod' .* must be between 60 seconds and 14 days/],
    ['retentionPeriod 90.5 s', { retentionPeriod: Duration.seconds(90.5) }, /'retentionPeriod' \(90.5 seconds\) must be a whole number of seconds/],
    ['Fargate FINISH job of 121 s', { jobTimeout: Duration.seconds(121) }, /'jobTimeout' \(2 minutes 1 second\) exceeds Fargate's 120-second stopTimeout/],
    ['jobTimeout Infinity', { jobTimeout: Duration.seconds(Infinity) }, /'jobTimeout' \(Infinity seconds\) must be whole seconds/],
  ] as Array<[string, Partial<QueueDrainedWorkersProps>, RegExp]>)('%s is rejected', (_name, props, message) => {
    rejects(() => build(props), message);
  });

  test.each([
    ['scaleOutCooldown 1.5 s', { scaleOutCooldown: Duration.seconds(1.5) }, /scaleOutCooldown' \(1.5 seconds\) must be a whole number of seconds/],
    ['scaleInCooldown 90.5 s', { scaleInCooldown: Duration.seconds(90.5) }, /scaleInCooldown' \(90.5 seconds\) must be a whole number of seconds/],
  ] as Array<[string, object, RegExp]>)('a cooldown of %s is rejected naming the prop', (_name, over, message) => {
    rejects(() => build({ autoscaling: policy(over) }), message);
  });

  test('edge values are accepted and rendered unchanged', () => {
    // visibility = jobTimeout, 12 hours; retention 60 s and 14 days; a 120 s Fargate job with FINISH
    let t = build({ jobTimeout: Duration.seconds(120), visibilityTimeout: Duration.seconds(120), retentionPeriod: Duration.seconds(60) }).t;
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 120, MessageRetentionPeriod: 60 });
    expect(taskDef(t).ContainerDefinitions[0].StopTimeout).toBe(120);
    t = build({ jobTimeout: Duration.seconds(90), visibilityTimeout: Duration.hours(12), retentionPeriod: Duration.days(14) }).t;
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 43200, MessageRetentionPeriod: 1209600 });
    // the longest job: 12 hours on EC2 GPU capacity, visibility capped at 12 hours
    t = build(gpu({ jobTimeout: Duration.hours(12) })).t;
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 43200 });
    expect(taskDef(t).ContainerDefinitions[0].StopTimeout).toBe(43200);
    // a whole-second cooldown
    t = build({ autoscaling: policy({ scaleOutCooldown: Duration.seconds(1), scaleInCooldown: Duration.seconds(0) }) }).t;
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ ScaleOutCooldown: 1, ScaleInCooldown: 0, TargetValue: 5 }),
    });
  });
});

describe('class 2: schedules as Application Auto Scaling parses them', () => {
  const withSchedule = (start: object, end: object = { minute: '0', hour: '20' }, timeZone?: string) => (): Partial<QueueDrainedWorkersProps> => ({
    autoscaling: policy({ schedules: [{ name: 'burst', start, end, minCapacity: 2, timeZone }] }),
  });
  test.each([
    ['minute 60', withSchedule({ minute: '60', hour: '6' }), /'(autoscaling.)?schedules\[0\].start.minute' \("60"\)/],
    ['hour 25', withSchedule({ minute: '0', hour: '25' }), /'(autoscaling.)?schedules\[0\].start.hour' \("25"\)/],
    ['day 32', withSchedule({ minute: '0', hour: '6', day: '32' }), /'(autoscaling.)?schedules\[0\].start.day' \("32"\)/],
    ['month 13', withSchedule({ minute: '0', hour: '6', month: '13' }), /'(autoscaling.)?schedules\[0\].start.month' \("13"\)/],
    ['an unknown week day', withSchedule({ minute: '0', hour: '6', weekDay: 'FUNDAY' }), /'(autoscaling.)?schedules\[0\].start.weekDay' \("FUNDAY"\)/],
    ['a non-numeric end hour', withSchedule({ minute: '0', hour: '6' }, { minute: '0', hour: 'noon' }), /'(autoscaling.)?schedules\[0\].end.hour' \("noon"\)/],
    ['an unknown time zone', withSchedule({ minute: '0', hour: '6' }, undefined, 'Mars/Olympus'), /'(autoscaling.)?schedules\[0\].timeZone' \("Mars\/Olympus"\)/],
    ['an empty time zone (never dropped to UTC)', withSchedule({ minute: '0', hour: '6' }, undefined, ''), /'(autoscaling.)?schedules\[0\].timeZone' \(""\)/],
  ] as Array<[string, () => Partial<QueueDrainedWorkersProps>, RegExp]>)('%s is rejected', (_name, props, message) => {
    // the policy rejects it where it is built (AutoscalingPolicy), or the lane when it renders it
    rejects(() => build(props()), message);
  });

  test('edge values are accepted and rendered unchanged', () => {
    const { t } = build(withSchedule({ minute: '59', hour: '23', day: '31', month: '12' }, { minute: '0', hour: '0', day: 'L' }, 'Europe/Berlin')());
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        { ScheduledActionName: 'burst-start', Schedule: 'cron(59 23 31 12 ? *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 } },
        { ScheduledActionName: 'burst-end', Schedule: 'cron(0 0 L * ? *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 4 } },
      ],
    });
  });
});

describe('class 4: capacity and hardware sanity', () => {
  test.each([
    ['2 GPUs per task on a 1-GPU g5.xlarge', () => (gpu({ gpuCount: 2 })), /'gpuCount' \(2\) exceeds the 1 GPU\(s\) of one g5.xlarge: the tasks would never be placed/],
    ['8 GPUs per task on a 4-GPU g5.12xlarge', () => (gpu({ gpuCount: 8, instanceType: new ec2.InstanceType('g5.12xlarge') })), /'gpuCount' \(8\) exceeds the 4 GPU\(s\) of one g5.12xlarge/],
    ['a task larger than the instance memory', () => (gpu({ memoryLimitMiB: 16385 })), /'memoryLimitMiB' \(16385\) exceeds the 16384 MiB of one g5.xlarge/],
    ['an instance cap below maxCapacity', () => (gpu({ maxInstances: 3 })), /'maxInstances' \(3\) is below the 4 instance\(s\) that autoscaling.maxCapacity \(4\) workers need at 1 worker\(s\) per g5.xlarge.*Raise maxInstances to at least 4 \(8 leaves room/],
    ['an instance cap below maxCapacity with 4 workers per instance', () => (gpu({ instanceType: new ec2.InstanceType('g5.12xlarge'), maxInstances: 1, autoscaling: policy({ maxCapacity: 8 }) })), /'maxInstances' \(1\) is below the 2 instance\(s\)/],
    ['an AMD GPU instance', () => (gpu({ instanceType: new ec2.InstanceType('g4ad.xlarge') })), /'instanceType' \("g4ad.xlarge"\) is not an x86_64 NVIDIA GPU instance type the ECS GPU AMI supports \(it has AMD Radeon GPUs/],
    ['a K80 instance', () => (gpu({ instanceType: new ec2.InstanceType('p2.xlarge') })), /'instanceType' \("p2.xlarge"\) .*K80/],
    ['maxCapacity above 2^31-1', () => ({ autoscaling: policy({ maxCapacity: 2 ** 31 }) }), /'maxCapacity' \(2147483648\) must be .*1 to 2147483647/],
    ['Fargate 1024 CPU with 1536 MiB', () => ({ cpu: 1024, memoryLimitMiB: 1536 }), /'memoryLimitMiB' \(1536\) is not valid for a Fargate task of 1024 CPU units. Fix: Use 2048 to 8192 MiB in steps of 1024/],
    ['Fargate 1024 CPU with 9216 MiB', () => ({ cpu: 1024, memoryLimitMiB: 9216 }), /'memoryLimitMiB' \(9216\) is not valid for a Fargate task of 1024 CPU units/],
    ['Fargate 16384 CPU with 36864 MiB (8 GiB steps)', () => ({ cpu: 16384, memoryLimitMiB: 36864 }), /'memoryLimitMiB' \(36864\) is not valid for a Fargate task of 16384 CPU units. Fix: Use 32768 to 122880 MiB in steps of 8192/],
    ['Fargate 1000 CPU', () => ({ cpu: 1000 }), /'cpu' \(1000\) is not a Fargate task size/],
    ['Fargate NaN CPU', () => ({ cpu: NaN }), /'cpu' \(NaN\) is not a Fargate task size/],
  ] as Array<[string, () => Partial<QueueDrainedWorkersProps>, RegExp]>)('%s is rejected', (_name, props, message) => {
    rejects(() => build(props()), message);
  });

  test('edge values: 4 GPUs on a g5.12xlarge, memory equal to the instance, instance cap equal to the need', () => {
    let t = build(gpu({ gpuCount: 4, instanceType: new ec2.InstanceType('g5.12xlarge') })).t;
    expect(taskDef(t).ContainerDefinitions[0].ResourceRequirements).toEqual([{ Type: 'GPU', Value: '4' }]);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: '8' });
    t = build(gpu({ memoryLimitMiB: 16384, maxInstances: 4 })).t;
    expect(taskDef(t).ContainerDefinitions[0].Memory).toBe(16384);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: '4' });
    // 4 workers per g5.12xlarge: 8 workers need 2 instances, 4 by default (rolling deployment room)
    t = build(gpu({ instanceType: new ec2.InstanceType('g5.12xlarge'), autoscaling: policy({ maxCapacity: 8 }) })).t;
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: '4' });
    t = build({ autoscaling: policy({ maxCapacity: 2 ** 31 - 1 }) }).t;
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: 2147483647 });
    for (const [cpu, memory] of [[256, 512], [1024, 2048], [1024, 8192], [16384, 122880]]) {
      t = build({ cpu, memoryLimitMiB: memory }).t;
      expect([taskDef(t).Cpu, taskDef(t).Memory]).toEqual([String(cpu), String(memory)]);
    }
  });
});

describe('class 5: the same mistake, the same answer as the other lanes', () => {
  test('overlapping prefixes are rejected with the managed endpoint\'s wording', () => {
    rejects(() => build({ resultsPrefix: 'out/', failuresPrefix: 'out/failed/' }), /'failuresPrefix' \("out\/failed\/"\) overlaps resultsPrefix \("out\/"\). Fix: Use separate prefixes/);
    rejects(() => build({ resultsPrefix: 'out/', failuresPrefix: 'out/' }), /'failuresPrefix' \("out\/"\) overlaps resultsPrefix/);
  });

  test('a user variable overriding MODEL_* is rejected with the core wording (checkNoModelEnvOverride, every lane)', () => {
    rejects(() => build({ environment: { MODEL_S3_URI: 's3://other/model.tar.gz' } }),
      /'environment.MODEL_S3_URI' \("s3:\/\/other\/model.tar.gz"\) is set by the lane from the artifact. Fix: Drop MODEL_S3_URI; the lane sets MODEL_NAME, MODEL_VERSION, MODEL_FRAMEWORK, MODEL_PRECISION, MODEL_TARGET, MODEL_S3_URI, /);
    // Every name of the contract is reserved, also one this lane leaves unset (MODEL_LOCAL_DIR).
    rejects(() => build({ environment: { MODEL_LOCAL_DIR: '/tmp/model' } }), /'environment.MODEL_LOCAL_DIR' \("\/tmp\/model"\) is set by the lane from the artifact/);
  });

  test('the retired MODEL_DATA_URL is an ordinary user variable now', () => {
    const env = taskDef(build({ environment: { MODEL_DATA_URL: 'legacy' } }).t).ContainerDefinitions[0].Environment;
    expect(env).toEqual(expect.arrayContaining([{ Name: 'MODEL_DATA_URL', Value: 'legacy' }]));
  });
});

describe('class 6: enum-like values and numbers checked at run time', () => {
  test.each([
    ['an unknown inFlightJobs', { inFlightJobs: 'finish-later' as InFlightJobHandling }, /'inFlightJobs' \("finish-later"\) is not one of 'finish', 'return-to-queue', 'protect-task'/],
    ['an unknown log retention', { logRetention: 42 as logs.RetentionDays }, /'logRetention' \(42\) is not one of 1, 3, 5, 7/],
    ['an unknown hardware target', { hardware: 'tpu' as HardwareTarget }, /'hardware' \("tpu"\) cannot run ECS queue workers/],
    ['a number as an environment value', { environment: { BATCH: 8 as unknown as string } }, /'environment.BATCH' \(8\) is not a string/],
    ['a command given as one string', { command: 'python -m worker' as unknown as string[] }, /'command' \("python -m worker"\) is not a list of strings/],
    ['NaN maxReceiveCount', { maxReceiveCount: NaN }, /'maxReceiveCount' \(NaN\) must be an integer from 1 to 1000/],
    ['NaN gpuCount', gpu({ gpuCount: NaN }), /'gpuCount' \(NaN\) must be an integer from 1 to 8/],
  ] as Array<[string, Partial<QueueDrainedWorkersProps>, RegExp]>)('%s is rejected', (_name, props, message) => {
    rejects(() => build(props), message);
  });

  test('every InFlightJobHandling and a real retention are accepted and rendered', () => {
    for (const h of Object.values(InFlightJobHandling)) {
      const t = build({ inFlightJobs: h, logRetention: logs.RetentionDays.ONE_WEEK }).t;
      expect(taskDef(t).ContainerDefinitions[0].Environment).toEqual(expect.arrayContaining([{ Name: 'IN_FLIGHT_JOBS', Value: h }]));
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    }
  });
});

describe('class 7: tokens are unknown values, rendered as given and never replaced', () => {
  test('CfnParameters for maxReceiveCount, visibilityTimeout, cpu/memory and prefixes pass through', () => {
    const { t } = build({}, s => {
      const n = (id: string) => new CfnParameter(s, id, { type: 'Number' }).valueAsNumber;
      return {
        maxReceiveCount: n('Receives'),
        visibilityTimeout: Duration.seconds(n('Visibility')),
        cpu: n('Cpu'), memoryLimitMiB: n('Memory'),
        resultsPrefix: new CfnParameter(s, 'Prefix').valueAsString,
      };
    });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: { Ref: 'Visibility' }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WDeadLetterQueue'), 'Arn'] }, maxReceiveCount: { Ref: 'Receives' } } });
    expect([taskDef(t).Cpu, taskDef(t).Memory]).toEqual([{ Ref: 'Cpu' }, { Ref: 'Memory' }]);
  });

  test('a GPU lane whose maxCapacity is a parameter sizes the instance group with that token, not a default', () => {
    const { t } = build(gpu(), s => ({
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: new CfnParameter(s, 'Max', { type: 'Number' }).valueAsNumber, triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }),
    }));
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: { Ref: 'Max' } });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: { Ref: 'Max' } });
  });

  test('GPU workers on managed instances: memory, GPU count, instance type and task volume as parameters reach the instance requirements as given', () => {
    const { t } = build(gpu({ gpuCapacity: undefined }), s => {
      const n = (id: string) => new CfnParameter(s, id, { type: 'Number' }).valueAsNumber;
      return {
        memoryLimitMiB: n('Memory'), gpuCount: n('Gpus'),
        instanceType: new ec2.InstanceType(new CfnParameter(s, 'Type').valueAsString),
        gpuCapacity: GpuCapacity.managedInstances({ taskVolumeSize: Size.gibibytes(n('Volume')) }),
      };
    });
    t.hasResourceProperties('AWS::ECS::CapacityProvider', {
      ManagedInstancesProvider: Match.objectLike({
        InstanceLaunchTemplate: Match.objectLike({
          StorageConfiguration: { StorageSizeGiB: { Ref: 'Volume' } },
          InstanceRequirements: Match.objectLike({ AllowedInstanceTypes: [{ Ref: 'Type' }], AcceleratorCount: { Min: { Ref: 'Gpus' } }, MemoryMiB: { Min: { Ref: 'Memory' } } }),
        }),
      }),
    });
  });

  test('a token jobTimeout is rejected: the visibility and stop timeouts are derived from it at synth time', () => {
    rejects(() => build({}, s => ({ jobTimeout: Duration.seconds(new CfnParameter(s, 'Job', { type: 'Number' }).valueAsNumber) })),
      /'jobTimeout' .* is a token. Fix: Pass a concrete Duration/);
    expect(Token.isUnresolved(Duration.seconds(Token.asNumber({ Ref: 'x' })).toSeconds())).toBe(true);
  });
});
