import { Duration, Token } from 'aws-cdk-lib';
import { DynamicBatching } from '../../core/dynamic-batching';
import { invalid } from '../../core/private/errors';
import { ServiceLevelObjective } from '../../core/service-level-objective';

/** What the planner takes from a lane's {@link DynamicBatching}. */
export interface PlannedBatching {
  /** Throughput gain applied, percent (0 when not stated or no batching). */
  readonly gainPercent: number;
  /** Per-instance requests/s after the gain: `perInstance × (1 + gain/100)`. */
  readonly servedPerInstance: number;
  /** Longest a request waits for a batch, ms (0 without batching; undefined when a token). */
  readonly queueDelayMs?: number;
  /** Notes for the plan. */
  readonly notes: string[];
}

const r = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/**
 * Apply a lane's dynamic batching to a plan: its stated throughput gain (none when not stated), and
 * its queue delay against the SLO's latency budget. Each request waits up to `maxQueueDelay` for a
 * batch to fill, so `latencyAtSlo + maxQueueDelay` must stay within the SLO threshold: over it the plan
 * is rejected; without the figures to check it, the notes say what to check.
 */
export function planBatching(where: string, perInstance: number, batch: boolean, batching: DynamicBatching | undefined,
  latencyAtSlo: Duration | undefined, slo: ServiceLevelObjective | undefined): PlannedBatching {
  const notes: string[] = [];
  const latencyMs = concreteMillis(where, 'latencyAtSlo', latencyAtSlo);
  const threshold = slo?.latencyThreshold;
  const thresholdMs = threshold && !threshold.isUnresolved() ? threshold.toMilliseconds({ integral: false }) : undefined;
  const pct = slo ? `p${slo.latencyPercentile}` : 'the SLO percentile';
  if (!batch && latencyMs !== undefined && thresholdMs !== undefined && latencyMs > thresholdMs) {
    throw invalid(where, 'latencyAtSlo', latencyAtSlo, `is over the SLO's ${pct} threshold (${r(latencyMs)} ms > ${r(thresholdMs)} ms): one instance at ${perInstance} requests/s already misses it`,
      'Measure the requests/s one instance serves with its latency under the threshold, and plan with that.');
  }
  if (!batching) {
    notes.push(`Batching: none (no dynamicBatching): planned at ${perInstance} requests/s per instance, no throughput gain assumed.`);
    return { gainPercent: 0, servedPerInstance: perInstance, queueDelayMs: 0, notes };
  }
  const stated = batching.throughputGainPercent;
  let gain = 0;
  if (stated === undefined) {
    notes.push(`Batching: no throughput gain stated (${batching}): planned at the unbatched ${perInstance} requests/s per instance; measure the gain and pass it as dynamicBatching.throughputGainPercent.`);
  } else if (Token.isUnresolved(stated)) {
    notes.push(`Batching: the stated throughput gain is a token (unknown at synth): planned at the unbatched ${perInstance} requests/s per instance.`);
  } else {
    gain = stated;
    notes.push(`Batching: +${r(gain, 1)}% throughput as stated (${batching}): each instance serves ${perInstance} × ${r(1 + gain / 100, 4)} = ${r(perInstance * (1 + gain / 100), 3)} requests/s at the SLO; instance counts, cost per 1,000 and the trigger use that.`);
  }
  const served = perInstance * (1 + gain / 100);
  const delay = batching.maxQueueDelay;
  const delayMs = delay.isUnresolved() ? undefined : delay.toMilliseconds({ integral: false });
  if (batch) {
    notes.push(`Batching adds up to ${delayMs ?? 'an unknown number of'} ms per job, negligible against the time-in-queue objective.`);
    return { gainPercent: gain, servedPerInstance: served, queueDelayMs: delayMs, notes };
  }
  if (delayMs === undefined) {
    notes.push(`SLO budget: maxQueueDelay is a token; check that latency at the SLO plus the queue delay stays under ${thresholdMs !== undefined ? `${r(thresholdMs)} ms` : 'the SLO threshold'}.`);
  } else if (thresholdMs === undefined) {
    notes.push(`SLO budget not checked (no slo with a latency threshold): batching adds up to ${r(delayMs)} ms to each request; keep latency at the SLO + ${r(delayMs)} ms under your threshold.`);
  } else if (latencyMs === undefined) {
    notes.push(`Warning: SLO budget not checked (no latencyAtSlo): batching adds up to ${r(delayMs)} ms to each request, so latency at the SLO must stay under ${r(thresholdMs - delayMs)} ms for the ${pct} < ${r(thresholdMs)} ms objective.`);
  } else if (latencyMs + delayMs > thresholdMs) {
    throw invalid(where, 'dynamicBatching.maxQueueDelay', `${r(delayMs)} ms`,
      `adds up to ${r(delayMs)} ms to each request: ${r(latencyMs)} ms at the SLO + ${r(delayMs)} ms = ${r(latencyMs + delayMs)} ms is over the SLO's ${pct} threshold (${r(thresholdMs)} ms)`,
      thresholdMs - latencyMs >= 1
        ? `Pass a maxQueueDelay of at most ${Math.floor(thresholdMs - latencyMs)} ms, or plan a lower load per instance so its latency leaves room for the delay.`
        : 'Plan a lower load per instance so its latency leaves room for the queue delay, or serve without batching.');
  } else {
    notes.push(`SLO budget: ${r(latencyMs)} ms at the SLO + up to ${r(delayMs)} ms of batch queue delay = ${r(latencyMs + delayMs)} ms, within the ${pct} < ${r(thresholdMs)} ms objective (${r(thresholdMs - latencyMs - delayMs)} ms to spare).`);
  }
  return { gainPercent: gain, servedPerInstance: served, queueDelayMs: delayMs, notes };
}

function concreteMillis(where: string, prop: string, d: Duration | undefined): number | undefined {
  if (d === undefined || d.isUnresolved()) { return undefined; }
  const ms = d.toMilliseconds({ integral: false });
  if (!(ms > 0)) {
    throw invalid(where, prop, d, 'must be greater than 0', 'Pass the latency at the SLO percentile your load test measured, e.g. Duration.millis(80).');
  }
  return ms;
}
