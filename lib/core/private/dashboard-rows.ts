import { Duration, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IInferenceLane } from '../inference-lane';
import { describeDuration } from './describe';
import { errorRatePercent as errorRateMath } from './metric-math';

/**
 * # Core API for lanes: dashboards
 *
 * Not exported from the package. The one place dashboards are drawn: `LaneDashboard` (one lane) and
 * `HybridTopology` (every lane of a topology, one graph per signal) both build their widgets here, from
 * the lanes' `IInferenceLane` metrics, with the same error-rate and cost-per-1,000 metric math.
 */

/** Options of {@link addLaneWidgets}. */
export interface LaneWidgetOptions {
  /** Hourly price of one unit of the lane's capacity: adds the cost graph. */
  readonly hourlyPrice?: number;
  /** Show the lane's SLO alarms in an alarm-status widget. */
  readonly alarmStatusWidget: boolean;
}

/**
 * The widgets of one lane's dashboard: latency p50/p95/p99, error rate, inferences; saturation and
 * capacity in service against the lane's bounds; cost per 1,000 inferences; the SLO alarms.
 */
export function addLaneWidgets(dashboard: cloudwatch.Dashboard, lane: IInferenceLane, options: LaneWidgetOptions): void {
  const price = options.hourlyPrice;
  dashboard.addWidgets(new cloudwatch.TextWidget({
    markdown: `# ${lane.node.path} (${lane.laneKind}): ${lane.artifactName}@${lane.artifactVersion}\n${lane.capacity.description}${leadTimeLine(lane)}`,
    width: 24, height: 2,
  }));

  const first: cloudwatch.IWidget[] = [];
  const latency = PERCENTILES.map(p => latencyAt(lane, p, p)).filter(isMetric);
  if (latency.length > 0) { first.push(graph('Latency p50 / p95 / p99', latency)); }
  const errorRate = errorRatePercent(lane, 0, 'Error rate (%)');
  if (errorRate) { first.push(graph('Error rate (%)', [errorRate])); }
  const invocations = lane.metricInvocations({ statistic: 'Sum', label: 'Inferences' });
  if (invocations) { first.push(graph('Inferences', [invocations])); }
  if (first.length > 0) { dashboard.addWidgets(...first); }

  const saturation = lane.saturationMetrics.map(m => graph(`Saturation: ${labelOf(m)}`, [m]));
  const capacity = lane.metricCapacityInService();
  const second: cloudwatch.IWidget[] = [...saturation];
  if (capacity) {
    second.push(new cloudwatch.GraphWidget({
      title: 'Capacity in service',
      left: [capacity],
      leftAnnotations: [
        { value: lane.capacity.minInstances, label: `min ${lane.capacity.minInstances}` },
        { value: lane.capacity.maxInstances, label: `max ${lane.capacity.maxInstances}` },
      ],
      width: 8, height: 6,
    }));
  }
  const lag = lane.metricCapacityLag();
  if (lag) {
    const lead = lane.scaleOutLeadTime;
    second.push(new cloudwatch.GraphWidget({
      title: lead.isStated ? `Capacity lag (expected to clear within ${describeDuration(lead.total)})` : 'Capacity lag',
      left: [lag],
      leftYAxis: { min: 0 },
      width: 8, height: 6,
    }));
  }
  if (second.length > 0) { dashboard.addWidgets(...second); }

  if (price !== undefined) {
    dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Cost per 1,000 inferences', left: [costPerThousand(lane, price, 0)!], width: 24, height: 6 }));
  }
  const paging = lane.sloPagingAlarms ?? [];
  const alarms = [...lane.sloAlarms, ...paging, ...lane.sloBurnRateAlarms];
  if (options.alarmStatusWidget && alarms.length > 0) {
    const title = paging.length > 0
      ? 'SLO alarms (rollback), time-in-queue and burn-rate alarms (page)'
      : 'SLO alarms (rollback) and burn-rate alarms (page)';
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title, alarms, width: 24 }));
  }
}

/** Options of {@link addLaneComparisonWidgets}. */
export interface LaneComparisonOptions {
  /** Hourly prices by instance type: adds the cost graph for the lanes that have one. */
  readonly prices: { [instanceType: string]: number };
  /** Show the lanes' SLO alarms in alarm-status widgets. */
  readonly alarmStatusWidget: boolean;
}

/**
 * The rows of a dashboard that compares lanes (HybridTopology's): one graph per signal with a line per
 * lane (latency p50/p95/p99; errors, error rate, invocations; saturation per lane and capacity in
 * service), the rollback, paging and burn-rate alarms, and cost per 1,000 inferences.
 */
export function addLaneComparisonWidgets(dashboard: cloudwatch.Dashboard, lanes: IInferenceLane[], options: LaneComparisonOptions): void {
  const row = (title: string, pick: (l: IInferenceLane, i: number) => cloudwatch.IMetric | undefined) => {
    const metrics = lanes.map(pick).filter((m): m is cloudwatch.IMetric => m !== undefined);
    return metrics.length > 0 ? new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6 }) : undefined;
  };
  const present = (ws: Array<cloudwatch.IWidget | undefined>) => ws.filter((w): w is cloudwatch.IWidget => w !== undefined);
  const latencyRow = present([
    row('Latency p50', l => latencyAt(l, 'p50', `${l.node.id} p50`)),
    row('Latency p95', l => latencyAt(l, 'p95', `${l.node.id} p95`)),
    row('Latency p99', l => latencyAt(l, 'p99', `${l.node.id} p99`)),
  ]);
  if (latencyRow.length > 0) { dashboard.addWidgets(...latencyRow); }
  const trafficRow = present([
    row('Errors', l => l.metricErrors()),
    row('Error rate (%)', (l, i) => errorRatePercent(l, i, `${l.node.id} error rate (%)`)),
    row('Invocations', l => l.metricInvocations()),
  ]);
  if (trafficRow.length > 0) { dashboard.addWidgets(...trafficRow); }
  // Saturation: one graph per lane (each lane measures fullness in its own units).
  const saturation = lanes.filter(l => l.saturationMetrics.length > 0)
    .map(l => new cloudwatch.GraphWidget({ title: `Saturation: ${l.node.id}`, left: l.saturationMetrics, width: 8, height: 6 }));
  const capacity = row('Capacity in service', l => {
    const m = l.metricCapacityInService();
    return m ? relabel(m, `${l.node.id} (${l.capacity.instanceType})`) : undefined;
  });
  const lag = row('Capacity lag (asked for - in service)', l => {
    const m = l.metricCapacityLag();
    const lead = l.scaleOutLeadTime;
    return m ? relabel(m, lead.isStated ? `${l.node.id} (lead time ${describeDuration(lead.total)})` : l.node.id) : undefined;
  });
  const saturationRow = present([...saturation, capacity, lag]);
  if (saturationRow.length > 0) { dashboard.addWidgets(...saturationRow); }
  const alarms = lanes.flatMap(l => l.sloAlarms);
  if (alarms.length > 0 && options.alarmStatusWidget) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'SLO alarms (rollouts roll back on these)', alarms, width: 24 }));
  }
  const paging = lanes.flatMap(l => l.sloPagingAlarms ?? []);
  if (paging.length > 0 && options.alarmStatusWidget) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'SLO time-in-queue alarms (these page; no rollback)', alarms: paging, width: 24 }));
  }
  const burn = lanes.flatMap(l => l.sloBurnRateAlarms);
  if (burn.length > 0 && options.alarmStatusWidget) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'SLO burn-rate alarms (these page)', alarms: burn, width: 24 }));
  }
  const cost: cloudwatch.IMetric[] = [];
  for (const [i, l] of lanes.entries()) {
    const price = options.prices[l.capacity.instanceType];
    const m = price !== undefined ? costPerThousand(l, price, i) : undefined;
    if (m) { cost.push(m); }
  }
  if (cost.length > 0) {
    dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Cost per 1,000 inferences', left: cost, width: 24, height: 6 }));
  }
}

const PERCENTILES = ['p50', 'p95', 'p99'];

function graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, height: 6 });
}

function isMetric(m: cloudwatch.IMetric | undefined): m is cloudwatch.IMetric {
  return m !== undefined;
}

/**
 * True when the lane publishes at least one CloudWatch metric.
 */
export function hasCloudWatchMetrics(lane: IInferenceLane): boolean {
  return lane.metricLatency() !== undefined || lane.metricErrors() !== undefined || lane.metricInvocations() !== undefined
    || lane.saturationMetrics.length > 0 || lane.metricCapacityInService() !== undefined;
}

/**
 * A metric's label (or its name).
 */
export function labelOf(m: cloudwatch.IMetric): string {
  if (m instanceof cloudwatch.Metric) { return m.label ?? m.metricName; }
  if (m instanceof cloudwatch.MathExpression) { return m.label ?? m.expression; }
  return m.toString();
}

/**
 * The same metric with another label (metrics and expressions; others unchanged).
 */
export function relabel(m: cloudwatch.IMetric, label: string): cloudwatch.IMetric {
  if (m instanceof cloudwatch.Metric || m instanceof cloudwatch.MathExpression) { return m.with({ label }); }
  return m;
}

/**
 * The lane's latency at a percentile (`p95`), labelled `<prefix>` plus the unit. A latency that is not
 * a plain metric (an expression) cannot change statistic: it is shown once, for `p50` only.
 */
export function latencyAt(lane: IInferenceLane, statistic: string, prefix: string): cloudwatch.IMetric | undefined {
  const m = lane.metricLatency();
  if (!m) { return undefined; }
  if (m instanceof cloudwatch.Metric) {
    return m.with({ statistic, label: m.unit ? `${prefix} (${m.unit})` : prefix });
  }
  return statistic === 'p50' ? m : undefined;
}

/**
 * `100 × errors ÷ inferences` per period (0 without inferences), IDs suffixed with `index`.
 */
export function errorRatePercent(lane: IInferenceLane, index: number, label: string): cloudwatch.IMetric | undefined {
  const errors = lane.metricErrors({ statistic: 'Sum' });
  const invocations = lane.metricInvocations({ statistic: 'Sum' });
  if (!errors || !invocations) { return undefined; }
  // The plain rate (no minimum request count): a dashboard shows what happened.
  return errorRateMath({ errors, requests: invocations, minRequests: 0, period: Duration.minutes(1), label, idSuffix: String(index) });
}

/**
 * Cost per 1,000 inferences per hour: `1000 × price × capacity in service ÷ inferences`, or with
 * `capacity.minInstances` when the lane has no capacity metric (the label says which). IDs suffixed
 * with `index`.
 *
 * @returns undefined when the lane has no inference-count metric
 */
export function costPerThousand(lane: IInferenceLane, price: number, index: number): cloudwatch.IMetric | undefined {
  const period = Duration.hours(1);
  const inv = lane.metricInvocations({ statistic: 'Sum', period });
  if (!inv) { return undefined; }
  const capacity = lane.metricCapacityInService({ period });
  if (capacity) {
    return new cloudwatch.MathExpression({
      expression: `IF(inv${index} > 0, 1000 * ${numberText(price)} * cap${index} / inv${index}, 0)`,
      usingMetrics: { [`inv${index}`]: inv, [`cap${index}`]: capacity },
      period,
      label: `${lane.node.id} cost / 1,000 inferences (capacity in service × ${numberText(price)}/h per ${lane.capacity.instanceType})`,
    });
  }
  const units = Token.isUnresolved(lane.capacity.minInstances) ? undefined : Math.max(1, lane.capacity.minInstances);
  // A token (a CfnParameter price or capacity) cannot be multiplied at synth: CloudWatch multiplies it.
  const hourly = Token.isUnresolved(price) || units === undefined
    ? `${numberText(price)} * ${units ?? numberText(lane.capacity.minInstances)}`
    : String(Number((price * units).toPrecision(12)));
  return new cloudwatch.MathExpression({
    expression: `IF(inv${index} > 0, 1000 * ${hourly} / inv${index}, 0)`,
    usingMetrics: { [`inv${index}`]: inv },
    period,
    label: `${lane.node.id} cost / 1,000 inferences (at min capacity ${units ?? numberText(lane.capacity.minInstances)} × ${lane.capacity.instanceType}: no capacity metric)`,
  });
}

/** A number as metric-math text; a token stays a token (resolved in the dashboard body). */
function numberText(n: number): string {
  return Token.isUnresolved(n) ? Tokenization.stringifyNumber(n) : String(n);
}

/** The header line that states a lane's scale-out lead time (empty when it states none). */
function leadTimeLine(lane: IInferenceLane): string {
  const lead = lane.scaleOutLeadTime;
  return lead.isStated ? `\nScale-out lead time: ${lead.describe()}` : '';
}
