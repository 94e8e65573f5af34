import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { InferenceLaneBase, LaneKind, ModelArtifact } from '../../lib';

/** Tags the lane puts on a taggable resource inside it (a role). */
function tagsOnRole(stack: Stack): Array<{ Key: string; Value: string }> {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  return Object.values(roles)[0].Properties.Tags;
}

/** A minimal lane on the base: only the abstract members, so the defaults show. */
class BareLane extends InferenceLaneBase {
  public readonly laneKind = LaneKind.EDGE_FLEET;
  public readonly artifactName = 'm';
  public readonly artifactVersion = '1';
  public readonly capacity = { minInstances: 0, maxInstances: 0, instanceType: 'device', hardware: 'cpu' as never, priceClass: 'per-device', description: 'x' };
  public bind(artifact: ModelArtifact) {
    new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return this.bindModel(artifact, { modelLocalDir: '/models' });
  }
}

describe('InferenceLaneBase', () => {
  test('isInferenceLane is false for other constructs and values', () => {
    const stack = new Stack();
    expect(InferenceLaneBase.isInferenceLane(new Construct(stack, 'Plain'))).toBe(false);
    expect(InferenceLaneBase.isInferenceLane({ laneKind: 'serverless', capacity: {}, artifactVersion: '1', metricLatency: () => undefined })).toBe(false);
    expect(InferenceLaneBase.isInferenceLane(undefined)).toBe(false);
    expect(InferenceLaneBase.isInferenceLane(null)).toBe(false);
    const lane = new BareLane(stack, 'Bare');
    expect(InferenceLaneBase.isInferenceLane(lane)).toBe(true);
    // the brand is not enumerable: a spread copy of a lane is not a lane
    expect(InferenceLaneBase.isInferenceLane({ ...lane })).toBe(false);
    expect(InferenceLaneBase.isInferenceLane(Object.assign({}, lane))).toBe(false);
  });

  test('defaults: no CloudWatch metrics or alarms, no route target, grantInvoke is a LaneValidationError', () => {
    const lane = new BareLane(new Stack(undefined, 'S'), 'Bare');
    expect(lane.metricLatency()).toBeUndefined();
    expect(lane.metricErrors()).toBeUndefined();
    expect(lane.metricInvocations()).toBeUndefined();
    expect(lane.metricCapacityInService()).toBeUndefined();
    expect(lane.routeTarget()).toBeUndefined();
    expect([lane.sloAlarms, lane.serviceLevelObjectives, lane.sloBurnRateAlarms, lane.saturationMetrics]).toEqual([[], [], [], []]);
    expect(lane.sloPagingAlarms).toBeUndefined();
    const role = new iam.Role(lane, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => lane.grantInvoke(role)).toThrow(
      "S/Bare: 'grantInvoke' is not supported: a edge-fleet lane is not invoked through IAM. Fix: Reach the lane through its own entry point");
  });

  test('bindModel binds, tags the lane and returns the one MODEL_* environment', () => {
    const stack = new Stack(undefined, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const lane = new BareLane(stack, 'Bare');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights');
    const artifact = ModelArtifact.fromBucket(bucket, 'assistant/1.4.0/model.tar.gz', { name: 'assistant', version: '1.4.0' });
    const m = lane.bind(artifact);
    expect(m.binding.name).toBe('assistant');
    expect(m.environment).toMatchObject({
      MODEL_NAME: 'assistant', MODEL_VERSION: '1.4.0', MODEL_S3_URI: 's3://weights/assistant/1.4.0/model.tar.gz', MODEL_LOCAL_DIR: '/models',
    });
    const tags = tagsOnRole(stack);
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'inference:lane', Value: 'edge-fleet' }, { Key: 'model:name', Value: 'assistant' }]));
    expect(Object.keys(m.environment).every(k => k.startsWith('MODEL_'))).toBe(true);
  });
});
