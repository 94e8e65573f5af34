import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fc from 'fast-check';
import {
  AutoscalingPolicy, DynamicBatching, HardwareTarget, LaneValidationError, Rollout, ScalingTrigger, ServiceLevelObjective,
} from '../../lib';
import { GpuCapacity, InFlightJobHandling, QueueDrainedWorkers, QueueDrainedWorkersProps } from '../../lib/batch-workers';
import { CfnLint } from '../../lib/testing';
import { demoArtifact } from '../../examples/shared/artifact';

// Property tests for the batch lane (issue 13 and 21): random valid props always synthesize (and
// lint clean), random invalid props always raise LaneValidationError and never another error type.
// Fixed seeds and a bounded number of runs keep `npm test` short; raise FC_RUNS (as in the other
// property tests; BATCH_PROPERTY_RUNS still works) for a longer exploration.

const RUNS = Number(process.env.FC_RUNS ?? process.env.BATCH_PROPERTY_RUNS ?? 0) || undefined;
const ENV = { account: '111122223333', region: 'us-east-1' };

/** Valid Fargate (cpu, memory) pairs: the lowest and highest memory of each size, and one step. */
const FARGATE: Array<[number, number]> = [
  [256, 512], [256, 2048], [512, 1024], [512, 4096], [1024, 2048], [1024, 8192], [2048, 4096], [2048, 16384],
  [4096, 8192], [4096, 30720], [8192, 16384], [8192, 61440], [16384, 32768], [16384, 122880],
];
/** GPU instance types with their GPUs and memory (MiB). */
const GPU: Array<[string, number, number]> = [['g4dn.xlarge', 1, 16384], ['g5.xlarge', 1, 16384], ['g5.12xlarge', 4, 196608], ['g6.2xlarge', 1, 32768], ['p3.8xlarge', 4, 249856]];

/** A description of valid props, turned into props inside a stack (constructs need a scope). */
interface Spec {
  readonly hardware: HardwareTarget;
  readonly fargate: [number, number];
  readonly gpu: [string, number, number];
  readonly gpuCount: number;
  readonly gpuMemory: number;
  readonly inFlightJobs: InFlightJobHandling;
  readonly jobSeconds: number;
  readonly extraVisibility?: number;
  readonly maxReceiveCount?: number;
  readonly retentionSeconds?: number;
  readonly maxCapacity: number;
  readonly triggers: string[];
  readonly scaleToZero: boolean;
  readonly warmBufferPercent: number;
  readonly outCooldown: number;
  readonly inCooldown: number;
  readonly schedule?: { minute: number; hour: number; timeZone?: string };
  readonly slo: 'none' | 'timeInQueue' | 'errorRate';
  readonly logRetention?: logs.RetentionDays;
  readonly idleMinutes?: number;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  hardware: fc.constantFrom(HardwareTarget.CPU_X86_64, HardwareTarget.CPU_ARM64, HardwareTarget.NVIDIA_GPU),
  fargate: fc.constantFrom(...FARGATE),
  gpu: fc.constantFrom(...GPU),
  gpuCount: fc.integer({ min: 1, max: 8 }),
  gpuMemory: fc.integer({ min: 512, max: 196608 }),
  inFlightJobs: fc.constantFrom(...Object.values(InFlightJobHandling)),
  jobSeconds: fc.integer({ min: 1, max: 43200 }),
  extraVisibility: fc.option(fc.integer({ min: 0, max: 43200 }), { nil: undefined }),
  maxReceiveCount: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  retentionSeconds: fc.option(fc.integer({ min: 60, max: 1209600 }), { nil: undefined }),
  maxCapacity: fc.integer({ min: 1, max: 40 }),
  triggers: fc.subarray(['backlog', 'age', 'cpu'], { minLength: 1 }),
  scaleToZero: fc.boolean(),
  warmBufferPercent: fc.integer({ min: 0, max: 90 }),
  outCooldown: fc.integer({ min: 0, max: 3600 }),
  inCooldown: fc.integer({ min: 0, max: 3600 }),
  schedule: fc.option(fc.record({ minute: fc.integer({ min: 0, max: 59 }), hour: fc.integer({ min: 0, max: 23 }), timeZone: fc.constantFrom(undefined, 'UTC', 'Europe/Berlin', 'America/New_York') }), { nil: undefined }),
  slo: fc.constantFrom('none' as const, 'timeInQueue' as const, 'errorRate' as const),
  logRetention: fc.option(fc.constantFrom(logs.RetentionDays.ONE_DAY, logs.RetentionDays.ONE_MONTH, logs.RetentionDays.TEN_YEARS), { nil: undefined }),
  idleMinutes: fc.option(fc.integer({ min: 1, max: 1440 }), { nil: undefined }),
});

/** Props from a spec, made valid: every constraint the lane documents is respected. */
function propsOf(spec: Spec): QueueDrainedWorkersProps {
  const onGpu = spec.hardware === HardwareTarget.NVIDIA_GPU;
  const jobSeconds = !onGpu && spec.inFlightJobs === InFlightJobHandling.FINISH ? Math.min(spec.jobSeconds, 120) : spec.jobSeconds;
  const queueTrigger = spec.triggers.includes('backlog') || spec.triggers.includes('age');
  const scaleToZero = spec.scaleToZero && queueTrigger;
  const triggers = spec.triggers.map(t => t === 'backlog' ? ScalingTrigger.queueBacklogPerInstance(10)
    : t === 'age' ? ScalingTrigger.timeInQueue(Duration.seconds(300)) : ScalingTrigger.cpuUtilization(70));
  const [instanceType, gpus, instanceMemory] = spec.gpu;
  return {
    artifact: demoArtifact(),
    hardware: spec.hardware,
    jobTimeout: Duration.seconds(jobSeconds),
    inFlightJobs: spec.inFlightJobs,
    visibilityTimeout: spec.extraVisibility === undefined ? undefined : Duration.seconds(Math.min(jobSeconds + spec.extraVisibility, 43200)),
    maxReceiveCount: spec.maxReceiveCount,
    retentionPeriod: spec.retentionSeconds === undefined ? undefined : Duration.seconds(spec.retentionSeconds),
    cpu: onGpu ? undefined : spec.fargate[0],
    memoryLimitMiB: onGpu ? Math.min(spec.gpuMemory, instanceMemory) : spec.fargate[1],
    gpuCount: onGpu ? Math.min(spec.gpuCount, gpus) : undefined,
    instanceType: onGpu ? new ec2.InstanceType(instanceType) : undefined,
    // issue 19: both GPU capacities, and batching (sizes 2-64, delays 0-60 s) where no explicit visibility is drawn
    gpuCapacity: onGpu && spec.maxCapacity % 2 === 0 ? GpuCapacity.autoScalingGroup() : undefined,
    dynamicBatching: spec.extraVisibility === undefined && spec.outCooldown % 2 === 0
      ? new DynamicBatching({ maxBatchSize: 2 + (spec.inCooldown % 63), maxQueueDelay: Duration.millis((spec.outCooldown * 997) % 60_001) }) : undefined,
    logRetention: spec.logRetention,
    idleScaleInAfter: spec.idleMinutes === undefined ? undefined : Duration.minutes(spec.idleMinutes),
    autoscaling: new AutoscalingPolicy({
      maxCapacity: spec.maxCapacity,
      minCapacity: scaleToZero ? undefined : 1,
      scaleToZero,
      triggers,
      warmBufferPercent: spec.warmBufferPercent,
      scaleOutCooldown: Duration.seconds(spec.outCooldown),
      scaleInCooldown: Duration.seconds(spec.inCooldown),
      schedules: spec.schedule ? [{
        name: 'burst', minCapacity: 1, timeZone: spec.schedule.timeZone,
        start: { minute: String(spec.schedule.minute), hour: String(spec.schedule.hour) }, end: { minute: '0', hour: '0' },
      }] : undefined,
    }),
    slo: spec.slo === 'none' ? undefined
      : ServiceLevelObjective.timeInQueue(Duration.minutes(30), spec.slo === 'errorRate' ? { maxErrorRatePercent: 5 } : {}),
  };
}

test('random valid props synthesize, render what was asked and lint clean', () => {
  const app = new App();
  const stacks: Stack[] = [];
  let n = 0;
  const idleMinutes: number[] = [];
  fc.assert(fc.property(specArb, spec => {
    // five lanes per stack: one cfn-lint run checks five random lanes
    if (n % 5 === 0) { stacks.push(new Stack(app, `Valid${stacks.length}`, { env: ENV })); }
    const stack = stacks[stacks.length - 1];
    const props = propsOf(spec);
    const w = new QueueDrainedWorkers(stack, `W${n++}`, props);
    // invariants on what the lane derived: nothing runs twice, nothing is killed mid-job on Fargate
    expect(w.visibilityTimeout!.toSeconds()).toBeGreaterThanOrEqual(props.jobTimeout.toSeconds() + Math.ceil((props.dynamicBatching?.maxQueueDelayMillis ?? 0) / 1000));
    if (props.hardware !== HardwareTarget.NVIDIA_GPU) { expect(w.stopTimeout.toSeconds()).toBeLessThanOrEqual(120); }
    if (props.inFlightJobs === InFlightJobHandling.FINISH) { expect(w.stopTimeout.toSeconds()).toBe(props.jobTimeout.toSeconds()); }
    idleMinutes.push(spec.idleMinutes ?? 2);
  }), { seed: 20261201, numRuns: RUNS ?? 10 });

  // every lane releases its workers after the idle minutes asked for (default 2)
  const idleAlarms = stacks.flatMap(s => Object.entries(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm')).filter(([id]) => /IdleScaleInAlarm/.test(id)).map(([, a]) => (a as any).Properties.EvaluationPeriods));
  expect(idleAlarms).toEqual(idleMinutes);
  for (const stack of stacks) {
    const t = Template.fromStack(stack);
    // every lane's queue redrives to its DLQ and every scalable target is bounded
    for (const q of Object.values(t.findResources('AWS::SQS::Queue')) as any[]) {
      if (q.Properties.RedrivePolicy) { expect(q.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(1); }
    }
  }
  // every random stack in ONE cfn-lint run (each run costs seconds of Python start-up and schema loading)
  // (about 3 s of schema checks per template: `npm run test:properties` lints hundreds in this one run)
  const lints = CfnLint.lintStacks(stacks, { timeoutSeconds: 180 + 5 * stacks.length });
  expect(lints).toHaveLength(stacks.length);
  stacks.forEach((stack, i) => {
    expect([stack.stackName, CfnLint.format(lints[i].errors)]).toEqual([stack.stackName, '']);
  });
});

/** One mistake applied to valid props; each must be a LaneValidationError. */
const MISTAKES: Array<[string, (p: QueueDrainedWorkersProps) => QueueDrainedWorkersProps]> = [
  ['fractional jobTimeout', p => ({ ...p, jobTimeout: Duration.seconds(1.5) })],
  ['NaN jobTimeout', p => ({ ...p, jobTimeout: Duration.seconds(NaN) })],
  ['visibility under the job', p => ({ ...p, jobTimeout: Duration.seconds(60), inFlightJobs: InFlightJobHandling.RETURN_TO_QUEUE, visibilityTimeout: Duration.seconds(59) })],
  ['fractional visibility', p => ({ ...p, visibilityTimeout: Duration.seconds(43199.5) })],
  ['maxReceiveCount 0', p => ({ ...p, maxReceiveCount: 0 })],
  ['maxReceiveCount 1001', p => ({ ...p, maxReceiveCount: 1001 })],
  ['retention 14 days + 1 s', p => ({ ...p, retentionPeriod: Duration.seconds(1209601) })],
  ['unknown inFlightJobs', p => ({ ...p, inFlightJobs: 'later' as InFlightJobHandling })],
  ['unknown log retention', p => ({ ...p, logRetention: 2 as logs.RetentionDays })],
  ['unknown hardware', p => ({ ...p, hardware: 'quantum' as HardwareTarget })],
  ['env override', p => ({ ...p, environment: { MODEL_NAME: 'other' } })],
  ['overlapping prefixes', p => ({ ...p, resultsPrefix: 'x/', failuresPrefix: 'x/y/' })],
  ['canary rollout', p => ({ ...p, rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }) })],
  ['latency SLO', p => ({ ...p, slo: ServiceLevelObjective.latency(95, Duration.millis(300)) })],
  ['GPUs beyond the instance', p => ({ ...p, hardware: HardwareTarget.NVIDIA_GPU, cpu: undefined, memoryLimitMiB: undefined, instanceType: new ec2.InstanceType('g5.xlarge'), gpuCount: 2 })],
  ['instance cap below maxCapacity', p => ({ ...p, hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.autoScalingGroup(), cpu: undefined, memoryLimitMiB: undefined, gpuCount: 1, instanceType: new ec2.InstanceType('g5.xlarge'), maxInstances: Math.max(1, p.autoscaling!.maxCapacity - 1), autoscaling: new AutoscalingPolicy({ maxCapacity: Math.max(2, p.autoscaling!.maxCapacity), triggers: [ScalingTrigger.queueBacklogPerInstance(5)] }) })],
  ['maxInstances on managed instances', p => ({ ...p, hardware: HardwareTarget.NVIDIA_GPU, gpuCapacity: GpuCapacity.managedInstances(), cpu: undefined, memoryLimitMiB: undefined, gpuCount: 1, instanceType: undefined, maxInstances: 50 })],
  ['preferred batch sizes', p => ({ ...p, dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.millis(10), preferredBatchSizes: [4, 8] }) })],
  ['visibility below job + fill delay', p => ({ ...p, visibilityTimeout: p.jobTimeout, dynamicBatching: new DynamicBatching({ maxBatchSize: 8, maxQueueDelay: Duration.seconds(5) }) })],
  ['GPUs on Fargate', p => ({ ...p, hardware: HardwareTarget.CPU_X86_64, gpuCount: 1, instanceType: undefined })],
  ['Fargate size', p => ({ ...p, hardware: HardwareTarget.CPU_ARM64, gpuCount: undefined, instanceType: undefined, maxInstances: undefined, cpu: 1024, memoryLimitMiB: 1536 })],
  ['Fargate FINISH beyond 120 s', p => ({ ...p, hardware: HardwareTarget.CPU_X86_64, gpuCount: undefined, instanceType: undefined, maxInstances: undefined, cpu: 2048, memoryLimitMiB: 8192, inFlightJobs: InFlightJobHandling.FINISH, jobTimeout: Duration.seconds(121), visibilityTimeout: undefined })],
  ['fractional cooldown', p => ({ ...p, autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.queueBacklogPerInstance(5)], scaleInCooldown: Duration.seconds(0.5) }) })],
  ['schedule minute 60', p => ({ ...p, autoscaling: new AutoscalingPolicy({ maxCapacity: 3, triggers: [ScalingTrigger.queueBacklogPerInstance(5)], schedules: [{ name: 's', minCapacity: 1, start: { minute: '60', hour: '1' }, end: { minute: '0', hour: '2' } }] }) })],
  ['env value not a string', p => ({ ...p, environment: { N: 1 as unknown as string } })],
  ['idle scale-in of 90 s', p => ({ ...p, idleScaleInAfter: Duration.seconds(90) })],
  ['idle scale-in on a fixed fleet', p => ({ ...p, autoscaling: AutoscalingPolicy.fixed(2), idleScaleInAfter: Duration.minutes(5) })],
];

test('random invalid props raise LaneValidationError, never another error', () => {
  let n = 0;
  fc.assert(fc.property(specArb, fc.integer({ min: 0, max: MISTAKES.length - 1 }), (spec, i) => {
    const stack = new Stack(new App(), `Invalid${n++}`, { env: ENV });
    let error: unknown;
    try {
      new QueueDrainedWorkers(stack, 'W', MISTAKES[i][1](propsOf(spec)));
    } catch (e) {
      error = e;
    }
    if (!(error instanceof LaneValidationError)) {
      throw new Error(`mistake '${MISTAKES[i][0]}' gave ${error === undefined ? 'no error' : `${(error as Error).name}: ${(error as Error).message}`}`);
    }
  }), { seed: 20261202, numRuns: RUNS ?? 30 });
});
