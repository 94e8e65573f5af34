import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The text cdk-nag uses for a value in a granular finding id (`AwsSolutions-IAM5[Resource::<text>]`):
 * the value resolved in its stack, then flattened the way cdk-nag's `flattenCfnReference` does
 * (`Ref` → `<Name>`, `Fn::GetAtt` → `<Name.Attr>`, `Fn::Join` joined, `${X}` in `Fn::Sub` → `<X>`).
 *
 * Lanes use it to acknowledge exactly the granular findings their own statements produce (an ARN
 * built with `Stack.formatArn` or a bucket's `arnForObjects`), whatever the stack's environment
 * (`<AWS::Region>` for an environment-agnostic stack, `eu-west-1` for a concrete one) and whatever
 * logical IDs the resources get. Resolve at construction time: the value must not depend on later
 * `overrideLogicalId` calls.
 */
export function nagText(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

/** `Resource::<text>` of an ARN for a granular IAM5 acknowledgement. */
export function nagResource(scope: IConstruct, arn: string): string {
  return `Resource::${nagText(scope, arn)}`;
}

function flatten(node: unknown): string {
  if (node === undefined) { return ''; }
  if (typeof node === 'string') { return node.replace(/\$\{/g, '<').replace(/\}/g, '>'); }
  const o = node as Record<string, any>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (o['Fn::Sub']) { return flatten(o['Fn::Sub']); }
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (o['Fn::ImportValue']) { return flatten(o['Fn::ImportValue']); }
  if (o.Ref) { return `<${flatten(o.Ref)}>`; }
  return JSON.stringify(node);
}
