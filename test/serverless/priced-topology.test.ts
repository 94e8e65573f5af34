import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AutoscalingPolicy, HardwareTarget, HybridTopology, ModelArtifact, ScalingTrigger, ServingImage } from '../../lib';
import { WarmServerlessFunction } from '../../lib/serverless';
import { FP32 } from './fixtures';

// Issue 16 item 6: pricing a serverless lane in a topology (cost per 1,000 inferences, hourly)
// used to warn "Periods of metrics in 'usingMetrics' ... have been overridden to 3600 seconds":
// the warm-pool capacity expression kept its inputs at 1 minute whatever period was asked for.

function pricedStack(): { stack: Stack; fn: WarmServerlessFunction } {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const artifact = ModelArtifact.fromAsset(FP32, {
    name: 'assistant', version: '1.0.0', framework: 'pytorch', targets: [HardwareTarget.CPU_ARM64],
    image: ServingImage.fromRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com/assistant:1.0.0'),
  });
  const topology = new HybridTopology(stack, 'T', { artifact, hourlyPrices: { 'lambda-2048MB-arm64': 0.1 }, laneDashboards: true });
  const fn = new WarmServerlessFunction(topology, 'Fn', {
    autoscaling: new AutoscalingPolicy({ minCapacity: 2, maxCapacity: 10, triggers: [ScalingTrigger.inFlightPerInstance(0.7)], scaleOutCooldown: Duration.seconds(30), scaleInCooldown: Duration.minutes(5) }),
  });
  return { stack, fn };
}

test('a priced serverless lane synthesizes without a metric-math period warning', () => {
  const { stack } = pricedStack();
  Template.fromStack(stack);
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('have been overridden'))).toEqual([]);
  // The cost widget is there (the warning is gone because the inputs follow the period, not because the widget is).
  expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))).toContain('cost / 1,000 inferences');
});

test('metricCapacityInService renders both inputs at the requested period (default 1 minute)', () => {
  const { fn } = pricedStack();
  const hourly = fn.metricCapacityInService({ period: Duration.hours(1) })!.toMetricConfig().mathExpression!;
  expect(Object.values(hourly.usingMetrics).map(m => m.toMetricConfig().metricStat!.period.toSeconds())).toEqual([3600, 3600]);
  const byDefault = fn.metricCapacityInService()!.toMetricConfig().mathExpression!;
  expect(Object.values(byDefault.usingMetrics).map(m => m.toMetricConfig().metricStat!.period.toSeconds())).toEqual([60, 60]);
});
