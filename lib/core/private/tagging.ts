import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LaneKind } from '../hardware';
import { ModelArtifactBinding } from '../model-artifact';

/**
 * # Core API for lanes: tagging
 *
 * Not exported from the package. Every lane tags what it creates with the model identity and its kind.
 */

/**
 * Resource types that aws-cdk-lib tags but CloudFormation (and cfn-lint) do not accept Tags on.
 */
export const UNTAGGABLE_TYPES = ['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::CloudWatch::Dashboard'];

/**
 * Tag everything under `scope` with the model identity and the lane kind.
 */
export function tagLane(scope: IConstruct, binding: ModelArtifactBinding, kind: LaneKind): void {
  // cfn-lint (E3002) rejects Tags on scalable targets and dashboards even though the L2s render them.
  const options = { excludeResourceTypes: UNTAGGABLE_TYPES };
  for (const [k, v] of Object.entries(binding.tags)) {
    Tags.of(scope).add(k, v, options);
  }
  Tags.of(scope).add('inference:lane', kind, options);
}
