import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { HardwareTarget, LaneKind } from '../../core/hardware';
import { ModelArtifact, ModelArtifactBinding } from '../../core/model-artifact';
import { buildRecipe, RecipeBuild } from './recipe';

/** Inputs of {@link addComponent}. @internal */
export interface ComponentInput {
  readonly artifact: ModelArtifact;
  /** The device classes' bindings, in class order (one manifest per distinct target). */
  readonly bindings: ModelArtifactBinding[];
  readonly componentName: string;
  readonly componentVersion: string;
  readonly configuration?: { [key: string]: string };
  readonly runCommand?: string;
  readonly installTimeout: Duration;
}

/**
 * The candidate component version (`Component`): the recipe with one manifest per edge platform the
 * classes run, the model identity as default configuration, kept when it leaves the stack (rings pinned
 * to older versions and device rollbacks need it), tagged with the model identity and the lane kind.
 * @internal
 */
export function addComponent(channel: Construct, input: ComponentInput): greengrassv2.CfnComponentVersion {
  const { artifact } = input;
  const builds = new Map<HardwareTarget, RecipeBuild>();
  for (const b of input.bindings) {
    if (!builds.has(b.target)) {
      builds.set(b.target, { binding: b, sha256Hex: b.digest!.slice('sha256:'.length) });
    }
  }
  const recipe = buildRecipe({
    componentName: input.componentName,
    componentVersion: input.componentVersion,
    publisher: artifact.card?.owner ?? 'cdk-inference-lanes',
    description: `${artifact.name} ${artifact.version} for edge devices (${[...builds.values()].map(b => `${b.binding.target} ${b.binding.precision}`).join(', ')}); the Install step verifies the SHA-256 of the download.`,
    defaultConfiguration: {
      ModelName: artifact.name,
      ModelVersion: artifact.version,
      Framework: artifact.framework,
      ModelCard: artifact.cardJson(),
      ...(input.configuration ?? {}),
    },
    builds: [...builds.values()],
    runCommand: input.runCommand,
    installTimeout: input.installTimeout,
  });
  const component = new greengrassv2.CfnComponentVersion(channel, 'Component', {
    inlineRecipe: Stack.of(channel).toJsonString(recipe),
  });
  component.applyRemovalPolicy(RemovalPolicy.RETAIN);
  // The model identity without a target: one component version serves every class's platform.
  for (const [k, v] of Object.entries(artifact.tags())) {
    Tags.of(component).add(k, v);
  }
  Tags.of(component).add('inference:lane', LaneKind.EDGE_FLEET);
  return component;
}
