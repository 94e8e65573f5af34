import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ManifestInput, readStack, TemplateInput } from './template-reader';
import { StackModel } from './stack-model';

/** Anything with cdk8s' `toJson()` (a cdk8s Chart). */
export interface ChartLike {
  toJson(): any[];
  readonly node: { readonly path: string };
}

/** The template of a stack with the construct path of every resource. */
export function templateInput(stack: Stack): TemplateInput {
  const template = Template.fromStack(stack).toJSON();
  const paths: Record<string, string> = {};
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
      paths[stack.resolve((c as CfnResource).logicalId)] = c.node.path;
    }
  }
  return { stackName: stack.stackName, template, paths };
}

/** Read a synthesized stack (and cdk8s charts) into the simulator's lane model. */
export function modelFromConstructs(stacks: Stack[], charts: ChartLike[] = []): StackModel {
  const manifests: ManifestInput[] = charts.map(c => ({ source: c.node.path, objects: c.toJson() }));
  return readStack(stacks.map(templateInput), manifests);
}
