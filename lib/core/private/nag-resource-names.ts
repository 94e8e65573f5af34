import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The text cdk-nag 3 shows for a policy resource in a granular finding (`AwsSolutions-IAM5[Resource::<text>]`):
 * the resolved value with `Fn::Join` joined, `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>` (cdk-nag's
 * `flattenCfnReference`). Resolved at construction: a reference to another stack (rendered later as
 * `Fn::ImportValue`) comes out differently, and its finding is then left for the user to see.
 */
export function nagResourceText(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: any): string {
  if (node === undefined) { return ''; }
  if (typeof node === 'string') { return node.replace(/\${/g, '<').replace(/}/g, '>'); }
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return (items as any[]).map(flatten).join(delimiter);
  }
  if (node['Fn::Sub'] !== undefined) { return flatten(node['Fn::Sub']); }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue'] !== undefined) { return flatten(node['Fn::ImportValue']); }
  if (node.Ref !== undefined) { return `<${flatten(node.Ref)}>`; }
  return JSON.stringify(node);
}
