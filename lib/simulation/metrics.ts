import { compileMetricMath, CompiledExpression } from './metric-math';
import { AlarmSpec, MetricMath, MetricRef } from './stack-model';

/** Per-second series a lane records; metrics are aggregated from them over a period. */
export const SERIES = [
  'requests', 'errors', 'over', 'latencyQ', 'inflightPerInstance', 'utilization', 'spill', 'throttles',
  'visible', 'oldestAge', 'running', 'pending', 'cpu', 'capacity', 'invocationsPerInstance', 'cold',
  'notVisible', 'desired', 'received', 'capacityLag', 'capacityLagEmitted',
] as const;
export type SeriesName = typeof SERIES[number];

/** Which series (and how it aggregates over one second) backs a CloudWatch metric. */
const METRIC_SERIES: Record<string, SeriesName> = {
  'AWS/SageMaker:Invocations': 'requests',
  'AWS/SageMaker:Invocation5XXErrors': 'errors',
  'AWS/SageMaker:ModelLatency': 'latencyQ',
  'AWS/SageMaker:InvocationsPerInstance': 'invocationsPerInstance',
  'AWS/SageMaker:ConcurrentRequestsPerModel': 'inflightPerInstance',
  'AWS/SageMaker:CPUUtilization': 'cpu',
  'AWS/Lambda:Invocations': 'requests',
  'AWS/Lambda:Errors': 'errors',
  'AWS/Lambda:Duration': 'latencyQ',
  'AWS/Lambda:ProvisionedConcurrencyUtilization': 'utilization',
  'AWS/Lambda:ProvisionedConcurrencySpilloverInvocations': 'spill',
  'AWS/Lambda:Throttles': 'throttles',
  'AWS/SQS:ApproximateNumberOfMessagesVisible': 'visible',
  'AWS/SQS:ApproximateAgeOfOldestMessage': 'oldestAge',
  'AWS/SQS:ApproximateNumberOfMessagesNotVisible': 'notVisible',
  'AWS/SQS:NumberOfMessagesReceived': 'received',
  'ECS/ContainerInsights:DesiredTaskCount': 'desired',
  'ECS/ContainerInsights:RunningTaskCount': 'running',
  'ECS/ContainerInsights:PendingTaskCount': 'pending',
  'AWS/ECS:CPUUtilization': 'cpu',
};

/** Count series: per-second values add up over a period (Sum); gauges are sampled. */
const COUNTS = new Set<SeriesName>(['requests', 'errors', 'spill', 'throttles', 'invocationsPerInstance', 'cold', 'received']);

/**
 * Predefined target-tracking metrics as CloudWatch metrics.
 * Source: Application Auto Scaling API reference, PredefinedMetricSpecification; SageMaker
 * InvocationsPerInstance is a per-minute Sum; the high-resolution concurrency metric is published
 * every 10 seconds.
 */
export const PREDEFINED: Record<string, MetricRef> = {
  SageMakerVariantInvocationsPerInstance: { namespace: 'AWS/SageMaker', metricName: 'InvocationsPerInstance', stat: 'Sum', period: 60 },
  SageMakerVariantConcurrentRequestsPerModelHighResolution: { namespace: 'AWS/SageMaker', metricName: 'ConcurrentRequestsPerModel', stat: 'Average', period: 10 },
  LambdaProvisionedConcurrencyUtilization: { namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencyUtilization', stat: 'Maximum', period: 60 },
  ECSServiceAverageCPUUtilization: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', stat: 'Average', period: 60 },
};

/**
 * Job outcomes of the batch lane as S3 request metrics: `AWS/S3 PutRequests` (Sum) of a request-metrics
 * filter (dimension `FilterId`) on the results bucket. A worker writes one object per finished job: a
 * result under the `results` filter's prefix, a failure report under the `failures` filter's prefix, so
 * `failures` counts failed jobs and `results` the jobs that succeeded (finished − failed). Any other
 * filter is not simulated. Source: Amazon S3 User Guide, "Monitoring metrics with Amazon CloudWatch"
 * (request metrics per filter, 1-minute granularity, PutRequests).
 */
export function s3JobOutcome(m: MetricRef): 'failures' | 'results' | undefined {
  if (m.namespace !== 'AWS/S3' || m.metricName !== 'PutRequests') { return undefined; }
  const f = m.dimensions?.FilterId;
  return f === 'failures' || f === 'results' ? f : undefined;
}

/** Whether the simulator produces this metric. */
export function isSupportedMetric(m: MetricRef): boolean {
  return METRIC_SERIES[`${m.namespace}:${m.metricName}`] !== undefined || s3JobOutcome(m) !== undefined;
}

/** Recorded per-second series of one lane. */
export class SeriesStore {
  public readonly data: Record<SeriesName, Float64Array>;
  constructor(public readonly seconds: number) {
    this.data = {} as Record<SeriesName, Float64Array>;
    for (const s of SERIES) { this.data[s] = new Float64Array(seconds); }
  }

  /** Sum of a series over the period ending (exclusive) at `end`. */
  public sum(name: SeriesName, end: number, period: number): number {
    const xs = this.data[name];
    let total = 0;
    for (let i = Math.max(0, end - period); i < Math.min(end, this.seconds); i++) { total += xs[i]; }
    return total;
  }

  /**
   * The value of a metric over the period ending (exclusive) at `end`, or undefined when the period
   * has no data (a count series with no requests still reads 0).
   */
  public metric(m: MetricRef, end: number, period = m.period): number | undefined {
    const outcome = s3JobOutcome(m);
    if (outcome) {
      // Finished jobs are `requests`, failed ones `errors`; a period without a put reads 0 (as a count).
      if (Math.min(end, this.seconds) <= Math.max(0, end - period)) { return undefined; }
      const failed = this.sum('errors', end, period);
      return outcome === 'failures' ? failed : this.sum('requests', end, period) - failed;
    }
    const name = METRIC_SERIES[`${m.namespace}:${m.metricName}`];
    if (!name) { return undefined; }
    const from = Math.max(0, end - period);
    const to = Math.min(end, this.seconds);
    if (to <= from) { return undefined; }
    const xs = this.data[name];
    const stat = m.stat;
    if (name === 'latencyQ') {
      // Request-weighted percentile of the per-second percentiles (approximation of the true mixture).
      const w = this.data.requests;
      let total = 0;
      const pts: Array<[number, number]> = [];
      for (let i = from; i < to; i++) { if (w[i] > 0) { pts.push([xs[i], w[i]]); total += w[i]; } }
      if (total === 0) { return undefined; }
      pts.sort((a, b) => a[0] - b[0]);
      const q = /^p(\d+(?:\.\d+)?)$/.exec(stat) ? Number(stat.slice(1)) / 100 : 0.5;
      let acc = 0;
      let v = pts[pts.length - 1][0];
      for (const [x, wt] of pts) { acc += wt; if (acc >= q * total) { v = x; break; } }
      const ms = Number.isFinite(v) ? v * 1000 : 1e9;
      return m.unit === 'Microseconds' ? ms * 1000 : ms;
    }
    let sum = 0;
    let max = -Infinity;
    let min = Infinity;
    for (let i = from; i < to; i++) { sum += xs[i]; if (xs[i] > max) { max = xs[i]; } if (xs[i] < min) { min = xs[i]; } }
    const n = to - from;
    if (COUNTS.has(name)) {
      return stat === 'Sum' ? sum : stat === 'Maximum' ? max : stat === 'Minimum' ? min : stat === 'SampleCount' ? n : sum / n;
    }
    return stat === 'Maximum' ? max : stat === 'Minimum' ? min : stat === 'Sum' ? sum : sum / n;
  }
}

/** Evaluates a metric or metric-math expression over a store. */
export class MetricReader {
  private readonly compiled?: CompiledExpression;
  constructor(private readonly metric: MetricRef | undefined, private readonly math: MetricMath | undefined) {
    if (math) { this.compiled = compileMetricMath(math.expression).evaluate; }
  }
  public read(store: SeriesStore, end: number, period: number): number | undefined {
    if (this.metric) { return store.metric(this.metric, end, period); }
    const values: Record<string, number | undefined> = {};
    for (const [id, ref] of Object.entries(this.math!.metrics)) { values[id] = store.metric(ref, end, period); }
    return this.compiled!(values);
  }
}

/**
 * How often CloudWatch evaluates a metric alarm: every 10 seconds for 10- and 30-second (high-resolution)
 * periods, every minute otherwise (CloudWatch User Guide, "Evaluating an alarm").
 */
export function evaluationInterval(period: number): number {
  return period < 60 ? 10 : 60;
}

/**
 * A CloudWatch alarm: every evaluation interval ({@link evaluationInterval}) the alarm reads its last N
 * (EvaluationPeriods) datapoints over a **sliding window** ending now (the default `EvaluationWindow`,
 * CloudWatch User Guide "Alarm evaluation window": the window advances each time the alarm is
 * evaluated), datapoint i aggregating `(now - (i + 1)·Period, now - i·Period]`, and is in ALARM when at
 * least M (DatapointsToAlarm) of them breach. Missing datapoints follow TreatMissingData (notBreaching /
 * breaching; `missing` and `ignore` are treated as not breaching here). For a one-minute period this is
 * the same as judging each minute as it ends; for a 5-minute period it judges the last 5 minutes every
 * minute.
 */
export class AlarmEvaluator {
  private readonly reader: MetricReader;
  private readonly interval: number;
  public state = false;
  public lastValue: number | undefined;
  private readonly lowSamples?: number;
  constructor(public readonly spec: AlarmSpec) {
    this.reader = new MetricReader(spec.metric, spec.math);
    this.interval = evaluationInterval(spec.period);
    this.lowSamples = lowSampleThreshold(spec);
  }

  /** Evaluate at second `t` when an evaluation is due; returns the state. */
  public evaluate(store: SeriesStore, t: number): boolean {
    if (t % this.interval !== 0 || t === 0) { return this.state; }
    const P = this.spec.period;
    let breaching = 0;
    for (let i = 0; i < this.spec.evaluationPeriods; i++) {
      const end = t - i * P;
      if (end <= 0) { break; }
      if (i === 0 && this.lowSamples !== undefined) {
        // EvaluateLowSampleCountPercentile: ignore: 1 to 10/(1-p) - 1 samples leave the state as it is; no
        // sample at all is a missing datapoint (TreatMissingData decides).
        const samples = store.sum('requests', end, P);
        if (samples > 0 && samples < this.lowSamples) { return this.state; }
      }
      const v = this.reader.read(store, end, P);
      if (i === 0) { this.lastValue = v; }
      const breach = v === undefined ? this.spec.treatMissingData === 'breaching' : compare(v, this.spec.comparison, this.spec.threshold);
      if (breach) { breaching++; }
    }
    this.state = breaching >= this.spec.datapointsToAlarm;
    return this.state;
  }
}

/**
 * Fewest samples a percentile alarm with `EvaluateLowSampleCountPercentile: ignore` evaluates:
 * `10 / (1 - p)` for p >= 0.5, `10 / p` below (CloudWatch User Guide, "Percentile-based alarms and low
 * data samples"); undefined when the rule does not apply.
 */
export function lowSampleThreshold(a: AlarmSpec): number | undefined {
  if (a.evaluateLowSampleCountPercentile !== 'ignore' || !a.metric) { return undefined; }
  const m = /^p(\d+(?:\.\d+)?)$/.exec(a.metric.stat);
  if (!m) { return undefined; }
  const p = Number(m[1]) / 100;
  return Math.ceil((p >= 0.5 ? 10 / (1 - p) : 10 / p) - 1e-9);
}

export function compare(v: number, op: string, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanThreshold': return v > threshold;
    case 'GreaterThanOrEqualToThreshold': return v >= threshold;
    case 'LessThanThreshold': return v < threshold;
    case 'LessThanOrEqualToThreshold': return v <= threshold;
    default: return false;
  }
}
