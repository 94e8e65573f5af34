import { Construct } from 'constructs';
import { AutoscalingPolicy } from '../../core/autoscaling';
import { ServiceLevelObjective } from '../../core/service-level-objective';
import { PrometheusRule, PrometheusRuleSpecGroupsRules, ServiceMonitor } from '../imports/monitoring.coreos.com';
import { withMinimumRequests, promSelector, quantileOf, renderQuery, ResolvedQueries, secondsOf } from './util';

/**
 * The Prometheus Operator objects of a GpuServingChart: the ServiceMonitor that scrapes the model
 * servers and the SLO alerts (PrometheusRule).
 * @internal
 */
export interface MonitoringContext {
  readonly base: string;
  readonly namespace?: string;
  /** Labels of the objects (the app's labels and the monitoring stack's selector labels). */
  readonly labels: { [key: string]: string };
  /** The label the Services carry for scraping. */
  readonly scrapeLabel: { [key: string]: string };
  readonly queries: ResolvedQueries;
  readonly policy: AutoscalingPolicy;
  readonly modelName: string;
  readonly slo?: ServiceLevelObjective;
  /** The Service port that serves `/metrics`. */
  readonly metricsPortName: string;
}

/** @internal */
export function renderMonitoring(scope: Construct, ctx: MonitoringContext): { serviceMonitor: ServiceMonitor; prometheusRule?: PrometheusRule } {
  const serviceMonitor = new ServiceMonitor(scope, 'ServiceMonitor', {
    metadata: { name: ctx.base, labels: ctx.labels },
    spec: {
      selector: { matchLabels: ctx.scrapeLabel },
      endpoints: [{ port: ctx.metricsPortName, path: '/metrics', interval: '15s' }],
      podTargetLabels: ['app.kubernetes.io/version', 'inference.cdk/track', 'rollouts-pod-template-hash'],
    },
  });
  if (!ctx.slo) { return { serviceMonitor }; }
  const prometheusRule = new PrometheusRule(scope, 'SloAlerts', {
    metadata: { name: `${ctx.base}-slo`, labels: ctx.labels },
    spec: { groups: [{ name: `${ctx.base}-slo`, rules: alertRules(ctx, ctx.slo) }] },
  });
  return { serviceMonitor, prometheusRule };
}

function alertRules(ctx: MonitoringContext, slo: ServiceLevelObjective): PrometheusRuleSpecGroupsRules[] {
  const { base, queries: q } = ctx;
  const selector = promSelector({ ...(ctx.namespace ? { namespace: ctx.namespace } : {}), service: base });
  const step = Math.round(secondsOf(slo.period));
  const window = step * slo.evaluationPeriods;
  // Fires when at least `datapointsToAlarm` of the last `evaluationPeriods` periods breach — the
  // same rule as the CloudWatch alarms of the AWS lanes.
  const breaches = (expr: string, threshold: number) => `sum_over_time(((${expr}) > bool ${threshold})[${window}s:${step}s]) >= ${slo.datapointsToAlarm}`;
  const labels = { severity: 'page', lane: 'gpu-cluster', model: ctx.modelName };
  const rules: PrometheusRuleSpecGroupsRules[] = [];
  if (slo.latencyThreshold) {
    rules.push({
      alert: 'ModelLatencySloBreached',
      expr: breaches(renderQuery(q.latencyMilliseconds, selector, quantileOf(slo.latencyPercentile)), slo.latencyThreshold.toMilliseconds()),
      labels,
      annotations: { summary: `${base}: p${slo.latencyPercentile} latency over ${slo.latencyThreshold.toMilliseconds()} ms in ${slo.datapointsToAlarm} of ${slo.evaluationPeriods} periods (SLO ${slo.toString()})` },
    });
  }
  if (slo.maxErrorRatePercent !== undefined) {
    rules.push({
      alert: 'ModelErrorRateSloBreached',
      expr: breaches(withMinimumRequests(renderQuery(q.errorRatePercent, selector), renderQuery(q.allRequestsPerSecond, selector), step, slo.minRequestsPerPeriod!), slo.maxErrorRatePercent),
      labels,
      annotations: { summary: `${base}: error rate over ${slo.maxErrorRatePercent}% (SLO ${slo.toString()})` },
    });
  }
  if (slo.maxTimeInQueue) {
    rules.push({
      alert: 'ModelTimeInQueueSloBreached',
      expr: breaches(renderQuery(q.queueTimeSeconds, selector), slo.maxTimeInQueue.toSeconds({ integral: false })),
      labels,
      annotations: { summary: `${base}: requests wait longer than ${slo.maxTimeInQueue.toHumanString()} in the batching queue` },
    });
  }
  if (!ctx.policy.scaleToZero) {
    // The SLO alerts read nothing when no pod is scraped: say so instead of staying silent.
    rules.push({
      alert: 'ModelMetricsAbsent',
      expr: `absent(up{${selector}} == 1)`,
      for: `${window}s`,
      labels,
      annotations: { summary: `${base}: no model-server pod has been scraped for ${window} s; the SLO alerts cannot fire without data` },
    });
  }
  return rules;
}
