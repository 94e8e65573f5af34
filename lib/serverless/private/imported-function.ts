import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { WarmServerlessFunctionAttributes } from '../warm-serverless-function-base';
import { IWarmServerlessFunction, WarmServerlessFunctionBase } from '../warm-serverless-function-base';

/**
 * An existing function alias adopted as a lane (`WarmServerlessFunction.fromFunctionAttributes`).
 * @internal
 */
export function importFunction(scope: Construct, id: string, attrs: WarmServerlessFunctionAttributes): IWarmServerlessFunction {
  class Import extends WarmServerlessFunctionBase {
    public readonly functionName = attrs.functionName;
    public readonly aliasName = attrs.aliasName;
    public readonly aliasArn = Stack.of(scope).formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: `${attrs.functionName}:${attrs.aliasName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    public readonly artifactName = attrs.artifactName;
    public readonly artifactVersion = attrs.artifactVersion;
    public readonly capacity = attrs.capacity;
    public readonly sloAlarms = [...(attrs.sloAlarms ?? [])];
    public readonly serviceLevelObjectives: applicationsignals.CfnServiceLevelObjective[] = [];
    public readonly sloBurnRateAlarms: cloudwatch.IAlarm[] = [];
  }
  return new Import(scope, id);
}
