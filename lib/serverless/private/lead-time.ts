import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { TriggerKind } from '../../core/autoscaling';
import { LeadTimeStep, ScaleOutLeadTime } from '../../core/lead-time';
import { uniqueMetricId } from '../../core/private/metric-ids';
import { ResolvedProps } from './resolve-props';

/** Sources of the figures (AWS documentation pages). */
const DOCS = {
  targetTracking: 'https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html (scale-out alarm: 3 of 3 one-minute data points)',
  provisioned: 'https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html (allocation takes a few minutes)',
  init: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (on-demand Init phase limited to 10 seconds)',
  scaling: 'https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html (1,000 execution environments every 10 seconds per function)',
  snapStart: 'https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html ("as low as sub-second startup")',
};

/** The target tracking scale-out alarm of Application Auto Scaling: 3 one-minute data points. @internal */
export const TARGET_TRACKING_DETECTION = Duration.minutes(3);
/** Stated allocation time of new provisioned concurrency when the user states none. @internal */
export const DEFAULT_ALLOCATION_TIME = Duration.minutes(2);
/** The on-demand Init phase limit, the default model load. @internal */
export const DEFAULT_MODEL_LOAD = Duration.seconds(10);
/** Stated snapshot restore time when the user states none. @internal */
export const DEFAULT_RESTORE_TIME = Duration.seconds(1);
/** Lambda's scaling rate per function. @internal */
export const ENVIRONMENTS_PER_10_SECONDS = 1000;

/**
 * The lane's lead time from the trigger to warm capacity in service, derived from its props.
 *
 * - Provisioned concurrency with a utilization trigger: the target tracking alarm (3 one-minute data
 *   points), Lambda's allocation of the new provisioned concurrency (`warmMode` `allocationTime`), and
 *   the Init of each new environment, i.e. the model load (`modelLoadTime`; environments initialize in
 *   parallel). Without a trigger (a fixed pool, or schedules only) the pool does not grow on load:
 *   extra requests are on-demand cold starts, so the lead time is one Init.
 * - SnapStart: no alarm and no pool; Lambda creates environments per request at 1,000 per 10 seconds
 *   per function (so a burst to the reserved cap R waits ceil(R / 1000) - 1 ten-second steps), each
 *   resumed from the snapshot (`warmMode` `restoreTime`).
 * @internal
 */
export function serverlessLeadTime(r: ResolvedProps, modelLoadTime: Duration | undefined): ScaleOutLeadTime {
  const load = modelLoadTime ?? DEFAULT_MODEL_LOAD;
  const loadSource = modelLoadTime ? 'props.modelLoadTime (measured)' : `default: ${DOCS.init}`;
  if (r.warmMode.isSnapStart) {
    const steps: LeadTimeStep[] = [];
    const waves = Math.max(0, Math.ceil(r.reserved / ENVIRONMENTS_PER_10_SECONDS) - 1);
    steps.push({
      step: `on-demand scaling to reservedConcurrentExecutions ${r.reserved}`,
      duration: Duration.seconds(10 * waves),
      source: DOCS.scaling,
    });
    const restore = r.warmMode.restoreTime;
    steps.push({
      step: 'snapshot restore of each new environment',
      duration: restore ?? DEFAULT_RESTORE_TIME,
      source: restore ? 'props.warmMode restoreTime (measured)' : `default: ${DOCS.snapStart}`,
    });
    return ScaleOutLeadTime.of(steps);
  }
  const tracks = r.policy?.trigger(TriggerKind.IN_FLIGHT_PER_INSTANCE) !== undefined;
  if (!tracks) {
    return ScaleOutLeadTime.of([{ step: 'on-demand cold start beyond the pool: Init (model load)', duration: load, source: loadSource }]);
  }
  const allocation = r.warmMode.allocationTime;
  return ScaleOutLeadTime.of([
    { step: 'target tracking scale-out alarm on ProvisionedConcurrencyUtilization', duration: TARGET_TRACKING_DETECTION, source: DOCS.targetTracking },
    { step: 'provisioned concurrency allocation', duration: allocation ?? DEFAULT_ALLOCATION_TIME, source: allocation ? 'props.warmMode allocationTime (measured)' : `default: ${DOCS.provisioned}` },
    { step: 'Init of each new environment (model load)', duration: load, source: loadSource },
  ]);
}

/**
 * Warm capacity still on its way, in environments: the on-demand environments serving requests the
 * warm pool could not take (`ConcurrentExecutions - ProvisionedConcurrentExecutions` of the alias,
 * per-minute Maximum, never below 0), capped at what the pool may still grow by (largest pool minus the
 * allocated pool, `ProvisionedConcurrentExecutions ÷ ProvisionedConcurrencyUtilization`), so that
 * demand beyond the pool's maximum, which no scale-out will bring, is not counted as lag.
 * Lambda publishes neither the desired nor the allocated provisioned concurrency; this is the closest
 * signal: every on-demand environment is one the scaler has not (yet) provided warm.
 * @internal
 */
export function provisionedCapacityLag(scope: IConstruct, metric: (name: string, props: cloudwatch.MetricOptions) => cloudwatch.IMetric,
  peakWarm: number | undefined, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
  const period = props?.period ?? Duration.minutes(1);
  const [conc, busy, util, onDemand, headroom] = ['conc', 'busy', 'util', 'ondemand', 'headroom'].map(n => uniqueMetricId(scope, n));
  const aliasMetrics: Record<string, cloudwatch.IMetric> = {
    [conc]: metric('ConcurrentExecutions', { statistic: 'Maximum', period }),
    [busy]: metric('ProvisionedConcurrentExecutions', { statistic: 'Maximum', period }),
  };
  const onDemandExpr = new cloudwatch.MathExpression({
    expression: `IF(FILL(${conc}, 0) > FILL(${busy}, 0), FILL(${conc}, 0) - FILL(${busy}, 0), 0)`,
    usingMetrics: aliasMetrics, period, label: 'On-demand environments',
  });
  let expression = onDemand;
  const usingMetrics: Record<string, cloudwatch.IMetric> = { [onDemand]: onDemandExpr };
  if (peakWarm !== undefined) {
    const allocated = `IF(FILL(${util}, 0) > 0, FILL(${busy}, 0) / FILL(${util}, 0), 0)`;
    usingMetrics[headroom] = new cloudwatch.MathExpression({
      expression: `IF(${peakWarm} > ${allocated}, ${peakWarm} - ${allocated}, 0)`,
      usingMetrics: { [busy]: aliasMetrics[busy], [util]: metric('ProvisionedConcurrencyUtilization', { statistic: 'Maximum', period }) },
      period, label: 'Room left to grow the pool',
    });
    expression = `MIN([${onDemand}, ${headroom}])`;
  }
  return new cloudwatch.MathExpression({
    expression,
    usingMetrics,
    period,
    label: props?.label ?? 'Warm capacity on its way (on-demand environments the pool has not yet covered)',
  });
}
