import { CfnParameter, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AutoscalingPolicy, LaneValidationError, Rollout, ScalingTrigger, ServiceLevelObjective } from '../../lib';
import { ProvisionedConcurrencyStatistic, WarmServerlessFunction, WarmServerlessFunctionProps } from '../../lib/serverless';
import { baseProps, newStack, only } from './fixtures';

const build = (overrides: Partial<WarmServerlessFunctionProps>, stack: Stack = newStack()) => () => new WarmServerlessFunction(stack, 'Pool', baseProps(overrides));
const fn = (overrides: Partial<WarmServerlessFunctionProps>) => {
  const stack = newStack();
  new WarmServerlessFunction(stack, 'Pool', baseProps(overrides));
  return only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties;
};

describe('class 1: durations in whole seconds, in range, named', () => {
  test.each([
    ['timeout', { timeout: Duration.millis(1500) }, /S\/Pool: 'timeout' \(1 second 500 millis\) must be a whole number of seconds .*Fix: Pass a whole number of seconds from 1 second to 15 minutes/],
    ['timeout', { timeout: Duration.millis(999) }, /'timeout' \(999 millis\) must be a whole number of seconds/],
    ['timeout', { timeout: Duration.seconds(0) }, /'timeout' \(0 seconds\) must be from 1 second to 15 minutes/],
    ['timeout', { timeout: Duration.seconds(901) }, /'timeout' \(15 minutes 1 second\) must be from 1 second to 15 minutes/],
    ['maxEventAge', { maxEventAge: Duration.seconds(59) }, /'maxEventAge' \(59 seconds\) must be from 1 minute to 6 hours/],
    ['maxEventAge', { maxEventAge: Duration.seconds(21601) }, /'maxEventAge' \(6 hours 1 second\) must be from 1 minute to 6 hours/],
    ['maxEventAge', { maxEventAge: Duration.millis(90500) }, /'maxEventAge' \(.*\) must be a whole number of seconds .*Duration\.seconds\(91\)/],
  ])('%s: %p is rejected with a LaneValidationError', (_prop, overrides, message) => {
    expect(build(overrides as Partial<WarmServerlessFunctionProps>)).toThrow(LaneValidationError);
    expect(build(overrides as Partial<WarmServerlessFunctionProps>)).toThrow(message);
  });

  test('timeout boundaries 1 s and 15 min are rendered as given', () => {
    expect(fn({ timeout: Duration.seconds(1) }).Timeout).toBe(1);
    expect(fn({ timeout: Duration.minutes(15) }).Timeout).toBe(900);
  });

  test('maxEventAge boundaries 1 min and 6 h are rendered as given; the default is 6 h', () => {
    for (const [age, seconds] of [[Duration.minutes(1), 60], [Duration.hours(6), 21600], [undefined, 21600]] as Array<[Duration | undefined, number]>) {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', baseProps({ maxEventAge: age }));
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: seconds, MaximumRetryAttempts: 2 });
    }
  });

  test.each(['scaleOutCooldown', 'scaleInCooldown'])('a fractional %s names the prop (the policy or the lane rejects it, never aws-cdk-lib)', (prop) => {
    const make = () => new WarmServerlessFunction(newStack(), 'Pool', baseProps({
      autoscaling: new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2, triggers: [ScalingTrigger.inFlightPerInstance(0.7)], [prop]: Duration.millis(1500) }),
    }));
    expect(make).toThrow(LaneValidationError);
    expect(make).toThrow(new RegExp(`'(autoscaling\\.)?${prop}' \\("?1.5 seconds"?\\)|'(autoscaling\\.)?${prop}' .*whole`));
  });
});

describe('class 2: schedules as Application Auto Scaling parses them', () => {
  // the policy is built inside the thunk: AutoscalingPolicy itself rejects a bad schedule
  const withSchedule = (over: Record<string, unknown>, stack: Stack = newStack()) => () => new WarmServerlessFunction(stack, 'Pool', baseProps({
    autoscaling: new AutoscalingPolicy({
      minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(0.7)],
      schedules: [{ name: 'launch', start: { minute: '0', hour: '17', day: '2', month: '3' }, end: { minute: '0', hour: '22', day: '2', month: '3' }, minCapacity: 30, timeZone: 'America/New_York', ...over }],
    }),
    reservedConcurrentExecutions: 100,
  }));
  test.each([
    [{ start: { minute: '60', hour: '17' } }, /'(autoscaling\.)?schedules\[0\].start.minute' \("60"\)/],
    [{ start: { minute: '0', hour: '25' } }, /'(autoscaling\.)?schedules\[0\].start.hour' \("25"\)/],
    [{ end: { minute: '0', hour: '22', day: '32' } }, /'(autoscaling\.)?schedules\[0\].end.day' \("32"\)/],
    [{ end: { minute: '0', hour: '22', month: '13' } }, /'(autoscaling\.)?schedules\[0\].end.month' \("13"\)/],
    [{ start: { minute: '0', hour: '17', weekDay: 'FUNDAY' } }, /'(autoscaling\.)?schedules\[0\].start.weekDay' \("FUNDAY"\)/],
    [{ timeZone: 'Mars/Olympus' }, /'(autoscaling\.)?schedules\[0\].timeZone' \("Mars\/Olympus"\)/],
    [{ timeZone: '' }, /'(autoscaling\.)?schedules\[0\].timeZone' \(""\)/],
  ])('%p is rejected, naming the field', (over, message) => {
    expect(withSchedule(over)).toThrow(LaneValidationError);
    expect(withSchedule(over)).toThrow(message);
  });

  test('edge values minute 59, hour 23, day 31, month 12 and a zone link are accepted and rendered', () => {
    const stack = newStack();
    withSchedule({ start: { minute: '59', hour: '23', day: '31', month: '12' }, timeZone: 'US/Eastern' }, stack)();
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: Match.arrayWith([Match.objectLike({ Schedule: 'cron(59 23 31 12 ? *)', Timezone: 'US/Eastern' })]),
    });
  });
});

describe('class 4: sizes and capacity', () => {
  test.each([
    [{ memorySize: Size.mebibytes(127) }, /'memorySize \(MiB\)' \(127\) must be an integer from 128 to 10240/],
    [{ memorySize: Size.mebibytes(10241) }, /'memorySize \(MiB\)' \(10241\) must be an integer from 128 to 10240/],
    [{ memorySize: Size.kibibytes(200_000) }, /'memorySize \(MiB\)' \(195.3125\) must be an integer from 128 to 10240\. Fix: Pass Size\.mebibytes\(128\)/],
    [{ ephemeralStorageSize: Size.mebibytes(511) }, /'ephemeralStorageSize \(MiB\)' \(511\) must be an integer from 512 to 10240/],
    [{ ephemeralStorageSize: Size.mebibytes(10241) }, /'ephemeralStorageSize \(MiB\)' \(10241\) must be an integer from 512 to 10240/],
    [{ ephemeralStorageSize: Size.kibibytes(600_000) }, /'ephemeralStorageSize \(MiB\)' \(585.9375\) must be an integer from 512 to 10240/],
  ])('%p is rejected', (overrides, message) => {
    expect(build(overrides)).toThrow(message);
  });

  test('size boundaries are rendered as given; defaults 2048 MiB and 512 MiB', () => {
    expect(fn({ memorySize: Size.mebibytes(128), ephemeralStorageSize: Size.mebibytes(512) })).toMatchObject({ MemorySize: 128, EphemeralStorage: { Size: 512 } });
    expect(fn({ memorySize: Size.mebibytes(10240), ephemeralStorageSize: Size.mebibytes(10240) })).toMatchObject({ MemorySize: 10240, EphemeralStorage: { Size: 10240 } });
    expect(fn({})).toMatchObject({ MemorySize: 2048, EphemeralStorage: { Size: 512 }, Timeout: 30 });
  });

  test('the default reserved concurrency (2 x pool) above the 32-bit limit is rejected, naming the prop', () => {
    const huge = new AutoscalingPolicy({ minCapacity: 1, maxCapacity: 2 ** 30, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] });
    expect(build({ autoscaling: huge })).toThrow(/'reservedConcurrentExecutions' defaults to twice the largest warm pool \(2147483648\), above the 32-bit limit 2147483647/);
  });

  test.each([
    [{ retryAttempts: -1 }, /'retryAttempts' \(-1\) must be an integer from 0 to 2/],
    [{ retryAttempts: 3 }, /'retryAttempts' \(3\)/],
    [{ retryAttempts: 1.5 }, /'retryAttempts' \(1.5\)/],
    [{ retryAttempts: NaN }, /'retryAttempts' \(NaN\)/],
    [{ reservedConcurrentExecutions: NaN }, /'reservedConcurrentExecutions' \(NaN\)/],
    [{ maxSpilloverPercent: NaN }, /'maxSpilloverPercent' \(NaN\)/],
    [{ aliasName: '' }, /'aliasName' \(""\) is not a Lambda alias name/],
    [{ aliasName: 'a'.repeat(129) }, /'aliasName' .* is not a Lambda alias name/],
  ])('%p is rejected', (overrides, message) => {
    expect(build(overrides)).toThrow(message);
  });

  test('retryAttempts 0 and 2, an alias name of 128 characters are rendered as given', () => {
    for (const retries of [0, 2]) {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', baseProps({ retryAttempts: retries }));
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: retries });
    }
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ aliasName: 'a'.repeat(128) }));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Alias', { Name: 'a'.repeat(128) });
  });
});

describe('environment names Lambda rejects at deploy', () => {
  test.each([
    ['AWS_REGION', /'environment.AWS_REGION' \("x"\) is reserved by the Lambda runtime: CreateFunction rejects it/],
    ['_HANDLER', /'environment._HANDLER' \("x"\) is reserved by the Lambda runtime/],
    ['LAMBDA_TASK_ROOT', /'environment.LAMBDA_TASK_ROOT' \("x"\) is reserved/],
    ['MY-VAR', /'environment' \("MY-VAR"\) is not a Lambda environment variable name.*Fix: Rename it, e.g. 'MY_VAR'/],
    ['1ST', /'environment' \("1ST"\) is not a Lambda environment variable name.*e.g. 'V_1ST'/],
    ['X', /'environment' \("X"\) is not a Lambda environment variable name .*at least 2 characters.*e.g. 'X_VAR'/],
  ])('%s is rejected', (key, message) => {
    expect(build({ environment: { [key]: 'x' } })).toThrow(message);
  });

  test('a non-string value from plain JavaScript is rejected', () => {
    expect(build({ environment: { WORKERS: 4 as unknown as string } })).toThrow(/'environment.WORKERS' \(4\) is not a string/);
  });

  test('accepted names are rendered as given; OMP_NUM_THREADS may override the lane\'s default', () => {
    const env = fn({ environment: { AB: '1', Log_Level_2: 'debug', OMP_NUM_THREADS: '4', AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper' } }).Environment.Variables;
    expect(env).toMatchObject({ AB: '1', Log_Level_2: 'debug', OMP_NUM_THREADS: '4', AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper' });
    expect(fn({}).Environment.Variables.OMP_NUM_THREADS).toBe('1');
  });
});

describe('class 6: enum-like values from other languages are checked at run time', () => {
  test('an unknown utilization statistic is rejected, not rendered as Maximum', () => {
    expect(build({ utilizationStatistic: 'Minimum' as ProvisionedConcurrencyStatistic }))
      .toThrow(/'utilizationStatistic' \("Minimum"\) is not one of 'Maximum', 'Average'\. Fix: Pass ProvisionedConcurrencyStatistic\.MAXIMUM/);
  });

  test('the plain strings of the enum work like the enum', () => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ utilizationStatistic: 'Average' as ProvisionedConcurrencyStatistic }));
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' } }),
    });
  });

  test('an out-of-range log retention is rejected', () => {
    expect(build({ logRetention: 42 as logs.RetentionDays })).toThrow(/'logRetention' \(42\) is not one of 1, 3, 5, 7, 14, 30, 60, 90, .*9999\. Fix: Pass a logs\.RetentionDays value/);
  });

  test('log retention: the default is 30 days, ONE_DAY renders 1, INFINITE renders no retention', () => {
    const retention = (r?: logs.RetentionDays) => {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', baseProps({ logRetention: r }));
      return only(Template.fromStack(stack), 'AWS::Logs::LogGroup').Properties.RetentionInDays;
    };
    expect(retention()).toBe(30);
    expect(retention(logs.RetentionDays.ONE_DAY)).toBe(1);
    expect(retention(logs.RetentionDays.INFINITE)).toBeUndefined();
  });
});

describe('class 7: tokens skip checks and are rendered, never replaced by a default', () => {
  test('capacity from CfnParameters: bounds rendered as Refs; reserved concurrency must then be explicit', () => {
    const stack = newStack();
    const min = new CfnParameter(stack, 'MinPool', { type: 'Number', default: 2 });
    const max = new CfnParameter(stack, 'MaxPool', { type: 'Number', default: 20 });
    const reserved = new CfnParameter(stack, 'Reserved', { type: 'Number', default: 40 });
    const autoscaling = new AutoscalingPolicy({ minCapacity: min.valueAsNumber, maxCapacity: max.valueAsNumber, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] });
    new WarmServerlessFunction(stack, 'Pool', baseProps({
      autoscaling, reservedConcurrentExecutions: reserved.valueAsNumber,
      slo: ServiceLevelObjective.latency(95, Duration.millis(300)), rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
    }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: { Ref: 'MinPool' }, MaxCapacity: { Ref: 'MaxPool' } });
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: { Ref: 'Reserved' } });
    // the cold-canary check needs minCapacity: skipped, no warning
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('splits the alias'))).toEqual([]);
    expect(() => new WarmServerlessFunction(stack, 'Pool2', baseProps({ autoscaling })))
      .toThrow(/'reservedConcurrentExecutions' is needed when the pool's maxCapacity .* is a token/);
  });

  test('a token spillover threshold is an error with a fix, not a made-up request floor', () => {
    const stack = newStack();
    const pct = new CfnParameter(stack, 'Spill', { type: 'Number' });
    expect(build({ maxSpilloverPercent: pct.valueAsNumber }, stack)).toThrow(/'maxSpilloverPercent' \("<token>"\) must be known at synth.*Fix: Pass a number from 0 to 100/);
  });

  test('a token timeout and memory size are rendered as given', () => {
    const stack = newStack();
    const seconds = new CfnParameter(stack, 'Timeout', { type: 'Number' });
    const mib = new CfnParameter(stack, 'Memory', { type: 'Number' });
    new WarmServerlessFunction(stack, 'Pool', baseProps({ timeout: Duration.seconds(seconds.valueAsNumber), memorySize: Size.mebibytes(mib.valueAsNumber) }));
    const props = only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties;
    expect(props.Timeout).toEqual({ Ref: 'Timeout' });
    expect(props.MemorySize).toEqual({ Ref: 'Memory' });
    expect(Token.isUnresolved(props.Environment.Variables.OMP_NUM_THREADS)).toBe(false);
  });
});

describe('boundaries of the lane\'s own comparisons (accepted edge, first rejected value)', () => {
  const policy = (target: number, warmBufferPercent?: number) => new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 20, triggers: [ScalingTrigger.inFlightPerInstance(target)], warmBufferPercent });
  const tracked = (target: number, warmBufferPercent?: number) => {
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ autoscaling: policy(target, warmBufferPercent) }));
    return only(Template.fromStack(stack), 'AWS::ApplicationAutoScaling::ScalingPolicy').Properties.TargetTrackingScalingPolicyConfiguration.TargetValue;
  };

  test('utilization target: 0.1 and 0.9 are tracked as given; 0.09 and 0.91 are rejected', () => {
    expect(tracked(0.1)).toBe(0.1);
    expect(tracked(0.9)).toBe(0.9);
    expect(build({ autoscaling: policy(0.09) })).toThrow(/utilization target of 0.09, outside 0.1-0.9/);
    expect(build({ autoscaling: policy(0.91) })).toThrow(/utilization target of 0.91, outside 0.1-0.9/);
  });

  test('in flight per environment: 1 (with a 50% buffer, tracking 0.5) is accepted; 1.01 is rejected', () => {
    expect(tracked(1, 50)).toBe(0.5);
    expect(build({ autoscaling: policy(1.01, 50) })).toThrow(/inFlightPerInstance\(1.01\).*a Lambda environment serves one request at a time/);
  });

  test('cold canary warning: 10 warm x 10% = 1 environment is quiet; 9 x 10% = 0.9 warns', () => {
    const warned = (min: number) => {
      const stack = newStack();
      new WarmServerlessFunction(stack, 'Pool', baseProps({
        autoscaling: new AutoscalingPolicy({ minCapacity: min, maxCapacity: 40, triggers: [ScalingTrigger.inFlightPerInstance(0.7)] }),
        slo: ServiceLevelObjective.latency(95, Duration.millis(300)),
        rollout: Rollout.canary({ percent: 10, bakeTime: Duration.minutes(5) }),
      }));
      return Annotations.fromStack(stack).findWarning('/S/Pool', Match.stringLikeRegexp('splits the alias')).length;
    };
    expect(warned(10)).toBe(0);
    expect(warned(9)).toBe(1);
  });

  test('environment: exactly 4,096 bytes (the parts known at synth) is accepted; 4,097 is rejected', () => {
    // measure the lane's own variables once, then pad a user variable to the limit
    const probe = newStack();
    const lane = new WarmServerlessFunction(probe, 'Pool', baseProps()).laneEnvironment;
    const used = Object.entries(lane).reduce((n, [k, v]) => n + Buffer.byteLength(k) + (Token.isUnresolved(v) ? 0 : Buffer.byteLength(v)), 0);
    const pad = (bytes: number) => ({ PAD: 'x'.repeat(bytes - used - Buffer.byteLength('PAD')) });
    const stack = newStack();
    new WarmServerlessFunction(stack, 'Pool', baseProps({ environment: pad(4096) }));
    expect(only(Template.fromStack(stack), 'AWS::Lambda::Function').Properties.Environment.Variables.PAD).toHaveLength(4096 - used - 3);
    expect(build({ environment: pad(4097) })).toThrow(/'environment' \("4097 bytes"\) exceeds Lambda's 4096-byte limit/);
  });
});
