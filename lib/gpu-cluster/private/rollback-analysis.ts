import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';
import { Rollout, RolloutStrategy } from '../../core/rollout';
import { ServiceLevelObjective } from '../../core/service-level-objective';
import { AnalysisTemplate, AnalysisTemplateSpecMetrics, RolloutSpecStrategyCanaryAnalysis, RolloutSpecStrategyCanarySteps } from '../imports/argoproj.io';
import { defaultMinRequests } from '../../core/private/metric-math';
import { promSelector, quantileOf, renderQuery, ResolvedQueries, secondsOf, withMinimumRequests } from './util';

/**
 * # What rolls a GPU-lane canary back
 *
 * Everything that decides whether Argo Rollouts aborts (rolls back) a new version: the canary steps
 * and pauses the analysis runs during, and the AnalysisTemplate that measures the SLO on the canary's
 * pods. Kept in one file so the rollback design can change without touching the rest of the lane.
 * @internal
 */

/** The Argo canary steps of a rollout: weights and pauses, then 100% and the final bake. */
export function argoSteps(rollout: Rollout): RolloutSpecStrategyCanarySteps[] {
  const steps: RolloutSpecStrategyCanarySteps[] = [];
  const pause = (d: Duration) => ({ pause: { duration: `${pauseSeconds(d)}s` } });
  if (rollout.strategy === RolloutStrategy.CANARY) {
    steps.push({ setWeight: rollout.percent }, pause(rollout.stepInterval!));
  } else if (rollout.strategy === RolloutStrategy.LINEAR) {
    for (let w = rollout.percent; w < 100; w += rollout.percent) {
      steps.push({ setWeight: w }, pause(rollout.stepInterval!));
    }
  }
  steps.push({ setWeight: 100 });
  if (secondsOf(rollout.finalBakeTime) > 0) { steps.push(pause(rollout.finalBakeTime)); }
  return steps;
}

function pauseSeconds(d: Duration): number {
  return Math.round(secondsOf(d));
}

/**
 * The analysis runs in the background during the pauses; after the last one the rollout is complete.
 * It must be able to fail before that: the initial delay plus the one-minute p95s a latency failure
 * needs ({@link latencyBreachMinutes}).
 */
export function checkAnalysisCanFail(scope: Construct, rollout: Rollout, slo: ServiceLevelObjective): void {
  const observed = argoSteps(rollout).reduce((sum, st) => sum + (st.pause ? Number(String(st.pause.duration).replace(/s$/, '')) : 0), 0);
  const breaching = slo.latencyThreshold ? latencyBreachMinutes(slo) : 1;
  const needed = MEASUREMENT_SECONDS * (1 + breaching);
  if (observed < needed) {
    throw invalid(scope, 'rollout', rollout.toString(),
      `pauses ${observed} s in all, but the SLO analysis needs ${needed} s (a ${MEASUREMENT_SECONDS} s initial delay and ${breaching} measurement(s) of ${MEASUREMENT_SECONDS} s) before it can fail: the new version would be promoted unwatched`,
      `Make the bake times add up to at least ${needed} s (e.g. finalBakeTime: Duration.seconds(${needed})).`);
  }
}

/** Argo measures every minute, as CloudWatch evaluates the other lanes' rollback alarms. */
const MEASUREMENT_SECONDS = 60;

/** Minutes of the rollback window (`slo.rollbackWindow`, 5 by default). @internal */
export function rollbackWindowMinutes(slo: ServiceLevelObjective): number {
  return Math.max(1, Math.round(secondsOf(slo.rollbackWindow) / 60));
}

/**
 * One-minute percentiles over the threshold, within the window, that fail the latency metric: two
 * (one with a one-minute window). A single overloaded minute (a traffic spike the whole fleet sees,
 * the old version as much as the new) cannot fail a healthy canary; a version that is slow in most
 * minutes fails at its second slow minute.
 * @internal
 */
export function latencyBreachMinutes(slo: ServiceLevelObjective): number {
  return Math.min(2, rollbackWindowMinutes(slo));
}

/** Where the analysis reads and what it is named. */
export interface AnalysisContext {
  readonly base: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly prometheusUrl: string;
  readonly queries: ResolvedQueries;
  readonly slo: ServiceLevelObjective;
}

/**
 * The SLO AnalysisTemplate (`<base>-slo`) and the background analysis of the Rollout that runs it
 * from the first step, with the canary's pod-template hash as its argument.
 */
export function renderRollbackAnalysis(scope: Construct, ctx: AnalysisContext): { template: AnalysisTemplate; analysis: RolloutSpecStrategyCanaryAnalysis } {
  const template = new AnalysisTemplate(scope, 'SloAnalysis', {
    metadata: { name: `${ctx.base}-slo`, labels: ctx.labels },
    spec: {
      args: [{ name: 'canary-hash' }],
      metrics: analysisMetrics(ctx),
    },
  });
  const analysis = {
    templates: [{ templateName: `${ctx.base}-slo` }],
    args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
    startingStep: 1,
  };
  return { template, analysis };
}

/**
 * Fewest canary requests in a period for its latency percentile (and queue time) to be judged: enough
 * that one slow request cannot be the percentile by itself (20 for p95, 100 for p99; at least 10).
 * @internal
 */
export function latencyMinRequests(slo: ServiceLevelObjective): number {
  return defaultMinRequests(100 - slo.latencyPercentile) ?? 10;
}

/** PromQL literal (6 significant digits). */
function lit(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/**
 * The SLO as measurements on the canary's pods only (the `rollouts-pod-template-hash` Argo puts on
 * them, which the ServiceMonitor copies to every series): the old version's traffic never dilutes or
 * masks the new one. The design of the other lanes' rollback alarms (lib/core ServiceLevelObjective):
 * measured every minute over the last `rollbackWindow` (sliding), `failureLimit: 0` (the first failed
 * measurement aborts the rollout).
 *
 * - **error-rate**: the one-sided test of the rollback alarms, on the window's request and error
 *   counts `N`, `E` (Prometheus subqueries of the per-second queries, one sample a minute × 60):
 *   `(E − p·N)² ÷ (p(1−p)·N)` when `N >= minRequestsPerPeriod` and `E > p·N`, else 0 (no sample when
 *   the window saw no request); fails above `z²` (`rollbackErrorTestThreshold`, 9.5495 at 99.9%).
 *   A version at the objective fails about 0.1% of measurements, a 5x worse one as soon as the window
 *   holds a few hundred requests.
 * - **latency-p…**: the number of the window's minutes whose p95 (from at least
 *   {@link latencyMinRequests} canary requests in that minute) was over the threshold; fails at
 *   {@link latencyBreachMinutes} (two). Triton's latency is a summary (quantiles per pod, no
 *   buckets), so counts of requests over the threshold are not available; counting slow minutes is
 *   what keeps a one-minute overload (which a healthy version shares with the old one) from rolling back.
 * - **time-in-queue**: the window's mean queue time (guarded by {@link latencyMinRequests} requests).
 */
function analysisMetrics(ctx: AnalysisContext): AnalysisTemplateSpecMetrics[] {
  const { slo, queries: q, prometheusUrl: address } = ctx;
  const selector = promSelector({ ...(ctx.namespace ? { namespace: ctx.namespace } : {}), service: ctx.base }) + ',rollouts_pod_template_hash="{{args.canary-hash}}"';
  const minutes = rollbackWindowMinutes(slo);
  const range = `[${minutes}m:1m]`;
  const common = {
    interval: `${MEASUREMENT_SECONDS}s`,
    // The canary's pods need one scrape and one rate window before a measurement means anything.
    initialDelay: `${MEASUREMENT_SECONDS}s`,
    // Argo counts failed measurements over the whole run: the first failed one aborts the rollout.
    failureLimit: 0,
    // No sample (no canary request in the whole window, no scrape) is neither a success nor a failure:
    // inconclusive. Argo counts them over the run; past a window's worth it pauses the rollout for a person.
    inconclusiveLimit: minutes,
  };
  // Fail closed: an empty result never satisfies the success condition (no `or vector(0)`).
  const conditions = (threshold: number, strict: boolean) => ({
    successCondition: `len(result) > 0 && result[0] ${strict ? '<' : '<='} ${threshold}`,
    failureCondition: `len(result) > 0 && result[0] ${strict ? '>=' : '>'} ${threshold}`,
  });
  const all = renderQuery(q.allRequestsPerSecond, selector);
  // Requests in the window: one per-second sample a minute, times 60, summed over the window's minutes.
  const requests = `(sum_over_time((${all})${range}) * 60)`;
  const metrics: AnalysisTemplateSpecMetrics[] = [];
  if (slo.latencyThreshold) {
    const perMinuteP95 = renderQuery(q.latencyMilliseconds, selector, quantileOf(slo.latencyPercentile));
    const thresholdMs = slo.latencyThreshold.toMilliseconds();
    // 1 for a minute whose percentile is over the threshold, 0 under it, nothing for a minute with fewer requests.
    const breach = `((${perMinuteP95}) > bool ${thresholdMs}) and on() ((${all}) * 60 >= ${latencyMinRequests(slo)})`;
    metrics.push({
      ...common,
      name: `latency-p${slo.latencyPercentile}`,
      ...conditions(latencyBreachMinutes(slo), true),
      provider: { prometheus: { address, query: `sum_over_time((${breach})${range})` } },
    });
  }
  if (slo.maxErrorRatePercent !== undefined) {
    const p = slo.maxErrorRatePercent / 100;
    const errors = `(sum_over_time(((${renderQuery(q.errorRatePercent, selector)}) / 100 * (${all}))${range}) * 60)`;
    const expected = `${lit(p)} * ${requests}`;
    const test = `((${errors} - ${expected}) ^ 2 / (${lit(p * (1 - p))} * ${requests}))`;
    const guard = `(${requests} >= ${Math.max(1, slo.minRequestsPerPeriod!)}) and on() (${errors} > ${expected})`;
    metrics.push({
      ...common,
      name: 'error-rate',
      ...conditions(slo.rollbackErrorTestThreshold, false),
      provider: { prometheus: { address, query: `(${test} and on() ${guard}) or on() (0 * (${requests} > 0))` } },
    });
  }
  if (slo.maxTimeInQueue) {
    // The queue-time query reads 0 while idle (it also drives KEDA): the guard judges it only with traffic.
    metrics.push({
      ...common,
      name: 'time-in-queue',
      ...conditions(slo.maxTimeInQueue.toSeconds({ integral: false }), false),
      provider: { prometheus: { address, query: withMinimumRequests(`avg_over_time((${renderQuery(q.queueTimeSeconds, selector)})${range})`, `avg_over_time((${all})${range})`, minutes * 60, latencyMinRequests(slo)) } },
    });
  }
  return metrics;
}
