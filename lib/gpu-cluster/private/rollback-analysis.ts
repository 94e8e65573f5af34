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
 * It must be able to fail (initial delay + datapointsToAlarm periods) before that.
 */
export function checkAnalysisCanFail(scope: Construct, rollout: Rollout, slo: ServiceLevelObjective): void {
  const observed = argoSteps(rollout).reduce((sum, st) => sum + (st.pause ? Number(String(st.pause.duration).replace(/s$/, '')) : 0), 0);
  const period = Math.round(secondsOf(slo.period));
  const needed = period * (1 + slo.datapointsToAlarm);
  if (observed < needed) {
    throw invalid(scope, 'rollout', rollout.toString(),
      `pauses ${observed} s in all, but the SLO analysis needs ${needed} s (a ${period} s initial delay and ${slo.datapointsToAlarm} breaching period(s) of ${period} s) before it can fail: the new version would be promoted unwatched`,
      `Make the bake times add up to at least ${needed} s (e.g. finalBakeTime: Duration.seconds(${needed})), or shorten the SLO period.`);
  }
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

/**
 * The SLO as measurements on the canary's pods only (the `rollouts-pod-template-hash` Argo puts on
 * them, which the ServiceMonitor copies to every series): the old version's traffic never dilutes or
 * masks the new one. Every metric is guarded by a minimum request count in the period (the error rate
 * by the SLO's `minRequestsPerPeriod`, latency and queue time by {@link latencyMinRequests}): a
 * period with fewer canary requests reads 0 (not judged), so a few requests on a fresh pod (CUDA
 * warm-up, a single slow request) cannot fail the run; a period with none reads nothing (inconclusive).
 */
function analysisMetrics(ctx: AnalysisContext): AnalysisTemplateSpecMetrics[] {
  const { slo, queries: q, prometheusUrl: address } = ctx;
  const selector = promSelector({ ...(ctx.namespace ? { namespace: ctx.namespace } : {}), service: ctx.base }) + ',rollouts_pod_template_hash="{{args.canary-hash}}"';
  const period = Math.round(secondsOf(slo.period));
  const common = {
    interval: `${period}s`,
    // The canary's pods need one scrape and one rate window before a measurement means anything.
    initialDelay: `${period}s`,
    // Argo counts failed measurements over the whole run (not M of the last N): the run fails at
    // the `datapointsToAlarm`-th breaching period.
    failureLimit: slo.datapointsToAlarm - 1,
    // No sample (no traffic, no scrape, NaN) is neither a success nor a failure: inconclusive. Past
    // the same allowance the run is Inconclusive and Argo pauses the rollout for a person.
    inconclusiveLimit: slo.datapointsToAlarm - 1,
  };
  // Fail closed: an empty result never satisfies the success condition (no `or vector(0)`).
  const conditions = (threshold: number) => ({
    successCondition: `len(result) > 0 && result[0] <= ${threshold}`,
    failureCondition: `len(result) > 0 && result[0] > ${threshold}`,
  });
  const all = renderQuery(q.allRequestsPerSecond, selector);
  const guarded = (query: string, minRequests: number) => withMinimumRequests(query, all, period, minRequests);
  const metrics: AnalysisTemplateSpecMetrics[] = [];
  if (slo.latencyThreshold) {
    metrics.push({
      ...common,
      name: `latency-p${slo.latencyPercentile}`,
      ...conditions(slo.latencyThreshold.toMilliseconds()),
      provider: { prometheus: { address, query: guarded(renderQuery(q.latencyMilliseconds, selector, quantileOf(slo.latencyPercentile)), latencyMinRequests(slo)) } },
    });
  }
  if (slo.maxErrorRatePercent !== undefined) {
    metrics.push({
      ...common,
      name: 'error-rate',
      ...conditions(slo.maxErrorRatePercent),
      provider: { prometheus: { address, query: guarded(renderQuery(q.errorRatePercent, selector), slo.minRequestsPerPeriod!) } },
    });
  }
  if (slo.maxTimeInQueue) {
    // The queue-time query reads 0 while idle (it also drives KEDA): the guard judges it only with traffic.
    metrics.push({
      ...common,
      name: 'time-in-queue',
      ...conditions(slo.maxTimeInQueue.toSeconds({ integral: false })),
      provider: { prometheus: { address, query: guarded(renderQuery(q.queueTimeSeconds, selector), latencyMinRequests(slo)) } },
    });
  }
  return metrics;
}
