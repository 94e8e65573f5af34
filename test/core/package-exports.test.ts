import * as root from '../../lib';
import * as core from '../../lib/core';

/**
 * Helpers of lib/core marked `@internal` (or living in lib/core/private) are not API: lanes import them
 * from their module path (`../core/errors`, `../core/private/validation`, ...). The package root must
 * not export them, or users start depending on them.
 */
const INTERNAL = [
  // lib/core/errors.ts
  'describeValue', 'whereOf', 'recordInherited', 'isConcreteNumber', 'isConcreteString', 'checkRange', 'checkInteger',
  // lib/core/model-weights.ts
  'checkDigest',
  // lib/core/inference-lane.ts
  'uniqueMetricId',
  // lib/core/lane-defaults.ts
  'inheritedDefaults', 'withLaneDefaults',
  // lib/core/lane-dashboard.ts
  'hasCloudWatchMetrics', 'labelOf', 'relabel', 'latencyAt', 'errorRatePercent', 'costPerThousand',
  // lib/core/private/*
  'checkDuration', 'checkIsDuration', 'isDuration', 'checkFinite', 'checkWholeNumber', 'checkCapacity', 'checkOneOf', 'checkNonEmpty',
  'checkPinnedVersion', 'checkDnsLabel', 'checkDnsSubdomain', 'checkLabelKey', 'checkLabelValue', 'checkAbsolutePath', 'checkTimeZone',
  'checkCron', 'checkNoModelEnvOverride', 'checkModelDataRegion', 'checkPropsObject', 'checkList', 'describeDuration', 'durationMillis', 'defaultMinRequests', 'acknowledgeNagFindings',
  'MAX_APP_AUTOSCALING_CAPACITY', 'DEFAULT_MIN_REQUESTS_FLOOR', 'DEFAULT_MIN_REQUESTS_CEILING', 'parseEcrImageUri', 'tagOrDigestOf', 'modelEnvironment', 'MODEL_ENV_NAMES',
  // lib/core/app-autoscaling.ts
  'addScheduledActions',
  // lib/core/route-target.ts, lib/core/private/nag-resource-names.ts
  'isQueueTarget', 'httpTargetUrl', 'nagResourceText',
];

/** The public contracts of lib/core (runtime values; interfaces have no runtime presence). */
const CONTRACTS = [
  'LaneValidationError', 'HardwareTarget', 'LaneKind', 'ModelPrecision', 'ModelWeights', 'ServingImage', 'ModelArtifact',
  'AutoscalingPolicy', 'ScalingTrigger', 'ScheduleFormat', 'TriggerKind', 'Rollout', 'RolloutStrategy', 'ShadowTraffic',
  'ServiceLevelObjective', 'LaneDashboard', 'RouteTarget', 'RouteTargetKind',
];

describe('package exports', () => {
  test.each(INTERNAL)('the package root does not export the internal helper %s', name => {
    expect(Object.keys(root)).not.toContain(name);
  });

  test.each(INTERNAL)('lib/core/index.ts does not export the internal helper %s', name => {
    expect(Object.keys(core)).not.toContain(name);
  });

  test.each(CONTRACTS)('the package root exports the contract %s (from lib/core)', name => {
    expect((root as Record<string, unknown>)[name]).toBeDefined();
    expect((root as Record<string, unknown>)[name]).toBe((core as Record<string, unknown>)[name]);
  });

  test('lib/core/index.ts exports exactly the contracts, plus invalid (kept for lib/planning and lib/cli.ts until they import ../core/errors)', () => {
    expect(Object.keys(core).sort()).toEqual([...CONTRACTS, 'invalid'].sort());
  });
});
