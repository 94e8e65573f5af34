import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { IConstruct } from 'constructs';
import { checkRange, invalid, isConcreteNumber } from './private/errors';
import { checkCapacity, checkDuration, checkIsDuration, checkPropsObject, checkTimeZone, describeDuration, durationMillis } from './private/validation';
import { checkCron } from './private/cron';

/**
 * What a scaling trigger measures.
 */
export enum TriggerKind {
  /** Requests per second per instance. */
  REQUESTS_PER_INSTANCE = 'requestsPerInstance',
  /** Requests being processed at once per instance (concurrency). */
  IN_FLIGHT_PER_INSTANCE = 'inFlightPerInstance',
  /** CPU utilization, percent. */
  CPU_UTILIZATION = 'cpuUtilization',
  /** GPU (accelerator) utilization, percent. */
  GPU_UTILIZATION = 'gpuUtilization',
  /** Queued jobs per instance (backlog ÷ workers). */
  QUEUE_BACKLOG_PER_INSTANCE = 'queueBacklogPerInstance',
  /** Age of the oldest queued job. */
  TIME_IN_QUEUE = 'timeInQueue',
  /** LLM servers: requests admitted but waiting for a batch slot, per instance (vLLM `num_requests_waiting`). */
  REQUESTS_WAITING_PER_INSTANCE = 'requestsWaitingPerInstance',
  /** LLM servers: KV-cache utilization, percent of the cache blocks in use. */
  KV_CACHE_UTILIZATION = 'kvCacheUtilization',
  /** LLM servers: generated tokens per second per instance. */
  TOKENS_PER_SECOND_PER_INSTANCE = 'tokensPerSecondPerInstance',
}

/**
 * The triggers only an LLM server (continuous batching over a KV cache) can report. Lanes accept them
 * only where they run such a server.
 */
export const LLM_TRIGGER_KINDS: readonly TriggerKind[] = [
  TriggerKind.REQUESTS_WAITING_PER_INSTANCE, TriggerKind.KV_CACHE_UTILIZATION, TriggerKind.TOKENS_PER_SECOND_PER_INSTANCE,
];

/**
 * A signal a lane scales on, and its target. Lanes render it into their native mechanism
 * (target tracking, HPA, KEDA, step scaling) or reject it with the list of triggers they support.
 *
 * Utilization misleads for batching workloads: prefer queue backlog or time in queue there.
 */
export class ScalingTrigger {
  /**
   * Requests per second per instance.
   *
   * @param requestsPerSecond target load per instance at your SLO (measure it; see the capacity planner)
   */
  public static requestsPerInstance(requestsPerSecond: number): ScalingTrigger {
    checkPositive('ScalingTrigger.requestsPerInstance', 'requestsPerSecond', requestsPerSecond);
    return new ScalingTrigger(TriggerKind.REQUESTS_PER_INSTANCE, requestsPerSecond);
  }

  /**
   * Requests in flight per instance (concurrency). The most direct signal for latency-bound models.
   */
  public static inFlightPerInstance(concurrentRequests: number): ScalingTrigger {
    checkPositive('ScalingTrigger.inFlightPerInstance', 'concurrentRequests', concurrentRequests);
    return new ScalingTrigger(TriggerKind.IN_FLIGHT_PER_INSTANCE, concurrentRequests);
  }

  /** CPU utilization target, percent (1-100). */
  public static cpuUtilization(targetPercent: number): ScalingTrigger {
    checkRange('ScalingTrigger.cpuUtilization', 'targetPercent', targetPercent, 1, 100);
    return new ScalingTrigger(TriggerKind.CPU_UTILIZATION, targetPercent);
  }

  /**
   * GPU utilization target, percent (1-100). A vision model with dynamic batching typically runs
   * well at 60-75%.
   */
  public static gpuUtilization(targetPercent: number): ScalingTrigger {
    checkRange('ScalingTrigger.gpuUtilization', 'targetPercent', targetPercent, 1, 100);
    return new ScalingTrigger(TriggerKind.GPU_UTILIZATION, targetPercent);
  }

  /** Queued jobs per instance (visible messages ÷ running workers). */
  public static queueBacklogPerInstance(jobsPerInstance: number): ScalingTrigger {
    checkPositive('ScalingTrigger.queueBacklogPerInstance', 'jobsPerInstance', jobsPerInstance);
    return new ScalingTrigger(TriggerKind.QUEUE_BACKLOG_PER_INSTANCE, jobsPerInstance);
  }

  /** Target age of the oldest queued job: scale out when jobs wait longer. */
  public static timeInQueue(maxAge: Duration): ScalingTrigger {
    if (maxAge === undefined) { throw invalid('ScalingTrigger.timeInQueue', 'maxAge', maxAge, 'is required', 'Pass e.g. Duration.minutes(5).'); }
    checkIsDuration('ScalingTrigger.timeInQueue', 'maxAge', maxAge);
    if (!maxAge.isUnresolved() && durationMillis(maxAge) < 1000) {
      throw invalid('ScalingTrigger.timeInQueue', 'maxAge', maxAge, 'must be at least 1 second', 'Pass e.g. Duration.minutes(5).');
    }
    checkDuration('ScalingTrigger.timeInQueue', 'maxAge', maxAge, { unit: 'milliseconds', min: Duration.seconds(1), fix: 'Pass e.g. Duration.minutes(5).' });
    return new ScalingTrigger(TriggerKind.TIME_IN_QUEUE, maxAge.toSeconds({ integral: false }), maxAge);
  }

  /**
   * LLM servers: requests admitted but waiting for a slot in the running batch, per instance (vLLM's
   * `vllm:num_requests_waiting`). The earliest sign that an LLM replica is full: waiting requests mean
   * time to first token is growing. A small target (1-5) keeps time to first token flat.
   *
   * @param waitingRequests target waiting requests per instance
   */
  public static requestsWaitingPerInstance(waitingRequests: number): ScalingTrigger {
    checkPositive('ScalingTrigger.requestsWaitingPerInstance', 'waitingRequests', waitingRequests);
    return new ScalingTrigger(TriggerKind.REQUESTS_WAITING_PER_INSTANCE, waitingRequests);
  }

  /**
   * LLM servers: KV-cache utilization target, percent (1-100). When the cache is full the server
   * preempts running sequences (recomputing them later), so throughput drops: 70-85% is a common target.
   */
  public static kvCacheUtilization(targetPercent: number): ScalingTrigger {
    checkRange('ScalingTrigger.kvCacheUtilization', 'targetPercent', targetPercent, 1, 100);
    return new ScalingTrigger(TriggerKind.KV_CACHE_UTILIZATION, targetPercent);
  }

  /**
   * LLM servers: generated tokens per second per instance (the rate of the server's generation-token
   * counter). Measure the rate one instance sustains at your SLO and target a share of it.
   *
   * @param tokensPerSecond target generated tokens per second per instance
   */
  public static tokensPerSecondPerInstance(tokensPerSecond: number): ScalingTrigger {
    checkPositive('ScalingTrigger.tokensPerSecondPerInstance', 'tokensPerSecond', tokensPerSecond);
    return new ScalingTrigger(TriggerKind.TOKENS_PER_SECOND_PER_INSTANCE, tokensPerSecond);
  }

  private constructor(
    /** What this trigger measures. */
    public readonly kind: TriggerKind,
    /** Target value (requests/s, in-flight or waiting requests, percent, jobs, tokens/s, or seconds for time in queue). */
    public readonly target: number,
    /** Target age, for time in queue. */
    public readonly maxAge?: Duration,
  ) {}

  /** Short text, e.g. `inFlightPerInstance(8)`. */
  public toString(): string {
    return this.maxAge ? `${this.kind}(${describeDuration(this.maxAge)})` : `${this.kind}(${this.target})`;
  }
}

/**
 * Capacity held during a window: raise the floor before a known surge and restore it after.
 */
export interface ScheduledCapacity {
  /** Name of the schedule (DNS-safe; used in resource names). */
  readonly name: string;

  /**
   * When the window starts (UTC unless `timeZone`). Unset fields mean "every". Write week days as
   * names (`MON-FRI`): numbers mean different days on Application Auto Scaling (1 = SUN) and KEDA
   * (0 = SUN). Set `day` or `weekDay`, not both.
   */
  readonly start: appscaling.CronOptions;

  /** When the window ends; the policy's own bounds come back. */
  readonly end: appscaling.CronOptions;

  /** Minimum capacity during the window. */
  readonly minCapacity: number;

  /**
   * Maximum capacity during the window.
   *
   * @default - the policy's maxCapacity, or minCapacity if that is higher
   */
  readonly maxCapacity?: number;

  /**
   * IANA time zone of start and end.
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/**
 * Props of {@link AutoscalingPolicy}.
 */
export interface AutoscalingPolicyProps {
  /**
   * Fewest instances (workers, provisioned environments, replicas). 0 needs `scaleToZero`.
   *
   * @default 1, or 0 with scaleToZero
   */
  readonly minCapacity?: number;

  /** Most instances. */
  readonly maxCapacity: number;

  /**
   * What to scale on. Several triggers: the lane scales to satisfy the most demanding one.
   *
   * @default - none: capacity stays at minCapacity (only valid when minCapacity equals maxCapacity)
   */
  readonly triggers?: ScalingTrigger[];

  /**
   * Spare capacity kept warm to absorb bursts, as a percent of the trigger targets: with 25 and an
   * in-flight target of 8, lanes scale out at 6 in flight.
   *
   * @default 0
   */
  readonly warmBufferPercent?: number;

  /**
   * Allow scaling to zero when idle (and back out on demand). Only lanes that can scale out from
   * zero accept it.
   *
   * @default false
   */
  readonly scaleToZero?: boolean;

  /**
   * Wait after a scale-out before scaling out again. Whole seconds, at most 1 hour in every lane (an
   * HPA stabilization window is at most 1 hour; Application Auto Scaling counts whole seconds).
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;

  /**
   * Wait after a scale-in before scaling in again (longer than scale-out to prevent oscillation).
   * Whole seconds, at most 1 hour in every lane.
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * Most instances added per scale-out step. Lanes whose platform cannot cap step size reject it.
   *
   * @default - no cap
   */
  readonly maxScaleOutStep?: number;

  /**
   * Most instances removed per scale-in step. Lanes whose platform cannot cap step size reject it.
   *
   * @default - no cap
   */
  readonly maxScaleInStep?: number;

  /**
   * Capacity windows for known surges (flash sales, marketing events).
   *
   * @default - none
   */
  readonly schedules?: ScheduledCapacity[];
}

/**
 * How a lane renders schedules, so {@link AutoscalingPolicy.validateFor} checks them the way that
 * platform parses them.
 */
export enum ScheduleFormat {
  /** Application Auto Scaling scheduled actions: `cron(minute hour day month day-of-week year)`. */
  APPLICATION_AUTO_SCALING = 'application-autoscaling',
  /** KEDA's cron scaler: standard 5-field cron (no year, no `L`/`W`/`#`). */
  KEDA = 'keda',
}

/**
 * What a lane can render from an {@link AutoscalingPolicy}; passed to {@link AutoscalingPolicy.validateFor}.
 */
export interface LaneScalingSupport {
  /** Lane name for messages, e.g. `ManagedEndpoint (real-time)`. */
  readonly lane: string;
  /** Triggers the lane can render. */
  readonly triggers: TriggerKind[];
  /** Whether the lane can scale to zero and back. */
  readonly scaleToZero: boolean;
  /** Whether the lane can render schedules. */
  readonly schedules: boolean;
  /** Whether the lane can cap scale step sizes. */
  readonly stepLimits: boolean;
  /**
   * How many triggers the lane can render at once.
   *
   * @default - any number
   */
  readonly maxTriggers?: number;

  /**
   * How the lane renders schedules: their cron fields are checked the way that platform parses them.
   *
   * @default ScheduleFormat.APPLICATION_AUTO_SCALING
   */
  readonly scheduleFormat?: ScheduleFormat;
}

/**
 * One autoscaling policy for every lane: bounds, triggers, warm buffer, cooldowns, scale-to-zero,
 * step caps and schedules. Each lane renders it into its native mechanism; what a lane cannot honour
 * is a {@link LaneValidationError}, never silently dropped.
 *
 * @example
 * const policy = new AutoscalingPolicy({
 *   minCapacity: 2, maxCapacity: 20,
 *   triggers: [ScalingTrigger.inFlightPerInstance(8)],
 *   warmBufferPercent: 20,
 *   scaleOutCooldown: Duration.seconds(60), scaleInCooldown: Duration.minutes(10),
 * });
 */
export class AutoscalingPolicy {
  /** A fixed number of instances: cost certainty, no triggers. */
  public static fixed(count: number): AutoscalingPolicy {
    return new AutoscalingPolicy({ minCapacity: count, maxCapacity: count });
  }

  /** Fewest instances. */
  public readonly minCapacity: number;
  /** Most instances. */
  public readonly maxCapacity: number;
  /** Triggers. */
  public readonly triggers: ScalingTrigger[];
  /** Warm buffer percent. */
  public readonly warmBufferPercent: number;
  /** Scale to zero allowed. */
  public readonly scaleToZero: boolean;
  /** Scale-out cooldown. */
  public readonly scaleOutCooldown: Duration;
  /** Scale-in cooldown. */
  public readonly scaleInCooldown: Duration;
  /** Scale-out step cap. */
  public readonly maxScaleOutStep?: number;
  /** Scale-in step cap. */
  public readonly maxScaleInStep?: number;
  /** Schedules. */
  public readonly schedules: ScheduledCapacity[];

  constructor(props: AutoscalingPolicyProps) {
    const where = 'AutoscalingPolicy';
    checkPropsObject(where, 'props', props, 'Pass { maxCapacity, triggers }, e.g. { maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(8)] }.');
    const scaleToZero = props.scaleToZero ?? false;
    const min = props.minCapacity ?? (scaleToZero ? 0 : 1);
    checkCapacity(where, 'minCapacity', min, 0);
    checkCapacity(where, 'maxCapacity', props.maxCapacity, 1);
    if (isConcreteNumber(min) && isConcreteNumber(props.maxCapacity) && min > props.maxCapacity) {
      throw invalid(where, 'minCapacity', min, `must be less than or equal to 'maxCapacity' (${props.maxCapacity})`, 'Raise maxCapacity or lower minCapacity.');
    }
    if (min === 0 && !scaleToZero) {
      throw invalid(where, 'minCapacity', 0, 'is 0 but scaleToZero is not set', 'Set scaleToZero: true to allow scaling to zero, or use minCapacity >= 1.');
    }
    if (scaleToZero && props.minCapacity !== undefined && isConcreteNumber(props.minCapacity) && props.minCapacity !== 0) {
      throw invalid(where, 'scaleToZero', true, `conflicts with minCapacity ${props.minCapacity}`, 'Drop minCapacity (it becomes 0) or drop scaleToZero.');
    }
    const triggers = props.triggers ?? [];
    if (!Array.isArray(triggers)) {
      throw invalid(where, 'triggers', triggers, 'is not a list of ScalingTrigger', 'Pass e.g. [ScalingTrigger.inFlightPerInstance(8)].');
    }
    const knownKinds = Object.values(TriggerKind) as string[];
    for (const [i, t] of triggers.entries()) {
      if (typeof t !== 'object' || t === null || !knownKinds.includes((t as { kind?: unknown }).kind as string)) {
        throw invalid(where, `triggers[${i}]`, t, 'is not a ScalingTrigger', 'Build triggers with the ScalingTrigger factories, e.g. ScalingTrigger.inFlightPerInstance(8).');
      }
    }
    if (triggers.length === 0 && isConcreteNumber(min) && isConcreteNumber(props.maxCapacity) && min !== props.maxCapacity) {
      throw invalid(where, 'triggers', [], `is empty while capacity may range from ${min} to ${props.maxCapacity}`, 'Add a ScalingTrigger, or use AutoscalingPolicy.fixed(n) for a fixed fleet.');
    }
    const kinds = triggers.map(t => t.kind);
    const dup = kinds.find((k, i) => kinds.indexOf(k) !== i);
    if (dup) {
      throw invalid(where, 'triggers', triggers.map(t => t.toString()), `lists '${dup}' twice`, 'Keep one trigger per signal.');
    }
    if (scaleToZero && triggers.length === 0) {
      throw invalid(where, 'scaleToZero', true, 'needs a trigger to scale back out from zero', 'Add a trigger such as ScalingTrigger.queueBacklogPerInstance(n).');
    }
    checkRange(where, 'warmBufferPercent', props.warmBufferPercent, 0, 90, 'Pass a percent from 0 to 90 (the share of capacity kept idle).');
    const out = props.scaleOutCooldown ?? Duration.minutes(1);
    const inn = props.scaleInCooldown ?? Duration.minutes(5);
    for (const [prop, d] of [['scaleOutCooldown', out], ['scaleInCooldown', inn]] as const) {
      // One rule for every lane: whole seconds (Application Auto Scaling, HPA) up to 1 hour (an HPA
      // stabilization window is at most 3,600 s).
      checkDuration(where, prop, d, { unit: 'seconds', max: MAX_COOLDOWN });
    }
    checkCapacity(where, 'maxScaleOutStep', props.maxScaleOutStep, 1);
    checkCapacity(where, 'maxScaleInStep', props.maxScaleInStep, 1);
    const names = new Set<string>();
    if (!Array.isArray(props.schedules ?? [])) {
      throw invalid(where, 'schedules', props.schedules, 'is not a list of scheduled capacities', "Pass e.g. [{ name: 'flash-sale', minCapacity: 10, start: { hour: '7', minute: '0' }, end: { hour: '9', minute: '0' } }].");
    }
    for (const [i, s] of (props.schedules ?? []).entries()) {
      const p = `schedules[${i}]`;
      if (typeof s !== 'object' || s === null) {
        throw invalid(where, p, s, 'is not a scheduled capacity', "Pass e.g. { name: 'flash-sale', minCapacity: 10, start: { hour: '7', minute: '0' }, end: { hour: '9', minute: '0' } }.");
      }
      if (typeof s.name !== 'string') {
        throw invalid(where, `${p}.name`, s.name, 'is not a string', "Use e.g. 'flash-sale'.");
      }
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s.name) || s.name.length > 40) {
        throw invalid(where, `${p}.name`, s.name, 'is not DNS-safe (lowercase letters, digits, hyphens; at most 40)', "Use e.g. 'flash-sale'.");
      }
      if (names.has(s.name)) {
        throw invalid(where, `${p}.name`, s.name, 'is used by another schedule', 'Give each schedule its own name.');
      }
      names.add(s.name);
      checkCapacity(where, `${p}.minCapacity`, s.minCapacity, 0);
      checkCapacity(where, `${p}.maxCapacity`, s.maxCapacity, 1);
      if (s.maxCapacity === undefined && (!isConcreteNumber(s.minCapacity) || !isConcreteNumber(props.maxCapacity))) {
        throw invalid(where, `${p}.maxCapacity`, undefined, 'cannot default to the larger of the policy maxCapacity and the schedule minCapacity: one of them is a token (unknown until deploy)',
          'Pass the schedule maxCapacity explicitly.');
      }
      const sMax = s.maxCapacity ?? Math.max(props.maxCapacity, s.minCapacity);
      for (const [edge, cron] of [['start', s.start], ['end', s.end]] as const) {
        if (cron === undefined || cron === null) {
          throw invalid(where, `${p}.${edge}`, cron, 'is required', "Pass cron options, e.g. { minute: '0', hour: '7', weekDay: 'MON-FRI' }.");
        }
        // The shared contract: fields as Application Auto Scaling parses them (the widest parser of
        // the lanes); validateFor checks again for the lane's platform.
        checkCron(where, `${p}.${edge}`, cron, 'application-autoscaling');
        if (cron.weekDay !== undefined && /\d/.test(cron.weekDay) && !/#/.test(cron.weekDay)) {
          throw invalid(where, `${p}.${edge}.weekDay`, cron.weekDay, 'uses day numbers, which mean different days on Application Auto Scaling (1 = SUN) and KEDA (0 = SUN)',
            "Write week days as names, e.g. 'MON-FRI' or 'SAT,SUN'.");
        }
      }
      checkTimeZone(where, `${p}.timeZone`, s.timeZone);
      if (isConcreteNumber(s.minCapacity) && isConcreteNumber(sMax) && s.minCapacity > sMax) {
        throw invalid(where, `${p}.minCapacity`, s.minCapacity, `must be less than or equal to the schedule's maxCapacity (${sMax})`, 'Raise the schedule maxCapacity or lower its minCapacity.');
      }
      if (s.minCapacity === 0 && !scaleToZero) {
        throw invalid(where, `${p}.minCapacity`, 0, 'is 0 but the policy does not allow scaleToZero', 'Set scaleToZero: true or use minCapacity >= 1.');
      }
    }
    this.minCapacity = min;
    this.maxCapacity = props.maxCapacity;
    this.triggers = [...triggers];
    this.warmBufferPercent = props.warmBufferPercent ?? 0;
    this.scaleToZero = scaleToZero;
    this.scaleOutCooldown = out;
    this.scaleInCooldown = inn;
    this.maxScaleOutStep = props.maxScaleOutStep;
    this.maxScaleInStep = props.maxScaleInStep;
    this.schedules = [...(props.schedules ?? [])];
  }

  /** True if min equals max (nothing to scale). */
  public get isFixed(): boolean {
    return this.minCapacity === this.maxCapacity && this.triggers.length === 0;
  }

  /** The trigger of a kind, if the policy has one. */
  public trigger(kind: TriggerKind): ScalingTrigger | undefined {
    return this.triggers.find(t => t.kind === kind);
  }

  /**
   * The value a lane should track for a trigger, after the warm buffer: `target × (1 - buffer/100)`.
   * Time-in-queue targets are in seconds.
   */
  public effectiveTarget(trigger: ScalingTrigger): number {
    if (Token.isUnresolved(trigger.target) || Token.isUnresolved(this.warmBufferPercent)) {
      // A token cannot be multiplied at synth time; without a buffer it passes through unchanged.
      if (this.warmBufferPercent === 0) { return trigger.target; }
      throw invalid('AutoscalingPolicy', 'warmBufferPercent', this.warmBufferPercent, `cannot be applied to ${trigger.toString()}: the target or the buffer is a token (unknown until deploy)`,
        'Pass a concrete trigger target and warmBufferPercent, or drop warmBufferPercent and lower the target yourself.');
    }
    const v = trigger.target * (1 - this.warmBufferPercent / 100);
    return Math.round(v * 1000) / 1000;
  }

  /**
   * Throw a LaneValidationError for anything in this policy the lane cannot render: an unsupported
   * trigger (the message lists the supported ones), scale-to-zero, schedules, step caps.
   */
  public validateFor(scope: IConstruct, support: LaneScalingSupport): void {
    const supported = support.triggers.length > 0
      ? support.triggers.map(k => `ScalingTrigger.${k}`).join(', ')
      : 'none (use AutoscalingPolicy.fixed(n))';
    for (const t of this.triggers) {
      if (!support.triggers.includes(t.kind)) {
        const why = LLM_TRIGGER_KINDS.includes(t.kind) ? ' (it is reported only by an LLM server, e.g. vLLM on GpuClusterService)' : '';
        throw invalid(scope, 'autoscaling.triggers', t.toString(), `cannot be rendered by ${support.lane}${why}`, `Use one of the triggers it supports: ${supported}.`);
      }
    }
    if (support.maxTriggers !== undefined && this.triggers.length > support.maxTriggers) {
      throw invalid(scope, 'autoscaling.triggers', this.triggers.map(t => t.toString()), `has ${this.triggers.length} triggers but ${support.lane} renders at most ${support.maxTriggers}`, `Keep ${support.maxTriggers} trigger(s).`);
    }
    if (this.scaleToZero && !support.scaleToZero) {
      throw invalid(scope, 'autoscaling.scaleToZero', true, `is not possible on ${support.lane}`, 'Use minCapacity >= 1 on this lane, or move the workload to a lane that scales to zero.');
    }
    if (this.schedules.length > 0 && !support.schedules) {
      throw invalid(scope, 'autoscaling.schedules', this.schedules.map(s => s.name), `cannot be rendered by ${support.lane}`, 'Remove the schedules for this lane.');
    }
    const format = support.scheduleFormat ?? ScheduleFormat.APPLICATION_AUTO_SCALING;
    for (const [i, s] of this.schedules.entries()) {
      checkCron(scope, `autoscaling.schedules[${i}].start`, s.start, format);
      checkCron(scope, `autoscaling.schedules[${i}].end`, s.end, format);
    }
    if (!support.stepLimits) {
      if (this.maxScaleOutStep !== undefined) {
        throw invalid(scope, 'autoscaling.maxScaleOutStep', this.maxScaleOutStep, `cannot be honoured by ${support.lane} (its target tracking sets step sizes itself)`, 'Remove maxScaleOutStep for this lane; tune scaleOutCooldown instead.');
      }
      if (this.maxScaleInStep !== undefined) {
        throw invalid(scope, 'autoscaling.maxScaleInStep', this.maxScaleInStep, `cannot be honoured by ${support.lane} (its target tracking sets step sizes itself)`, 'Remove maxScaleInStep for this lane; tune scaleInCooldown instead.');
      }
    }
  }
}

function checkPositive(where: string, prop: string, value: number): void {
  if (Token.isUnresolved(value)) { return; }
  if (!Number.isFinite(value) || value <= 0) {
    throw invalid(where, prop, value, 'must be greater than 0', 'Pass a positive target.');
  }
}

/** The longest cooldown any lane renders: an HPA stabilization window is at most 3,600 s. */
const MAX_COOLDOWN = Duration.hours(1);
