import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AutoscalingPolicy, ScalingTrigger } from '../../lib';
import { WarmMode, WarmServerlessFunctionProps } from '../../lib/serverless';
import { demoArtifact } from '../../examples/shared/artifact';

export const HANDLER_DIR = path.join(__dirname, '..', '..', 'examples', 'serverless-burst', 'handler');
export const FP32 = path.join(__dirname, '..', '..', 'examples', 'shared', 'model', 'fp32', 'model.tar.gz');

/** A stack with a concrete environment (so Region checks run). */
export function newStack(id: string = 'S', region: string = 'us-east-1'): Stack {
  return new Stack(new App(), id, { env: { account: '123456789012', region } });
}

/** Minimal valid props: zip code, the demo artifact, a 2-20 pool tracking 0.7 utilization. */
export function baseProps(overrides: Partial<WarmServerlessFunctionProps> = {}): WarmServerlessFunctionProps {
  return {
    artifact: demoArtifact(),
    code: lambda.Code.fromAsset(HANDLER_DIR),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    autoscaling: new AutoscalingPolicy({
      minCapacity: 2,
      maxCapacity: 20,
      triggers: [ScalingTrigger.inFlightPerInstance(0.7)],
      scaleOutCooldown: Duration.seconds(30),
      scaleInCooldown: Duration.minutes(10),
    }),
    ...overrides,
  };
}

/** Every IAM policy statement in a template. */
export function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** The one resource of a type (fails if there are several). */
export function only(template: Template, type: string): any {
  const all = Object.values(template.findResources(type));
  if (all.length !== 1) { throw new Error(`expected one ${type}, found ${all.length}`); }
  return all[0];
}

/** SnapStart props: a Python 3.13 zip package, an explicit cap, no policy. */
export function snapProps(overrides: Partial<WarmServerlessFunctionProps> = {}): WarmServerlessFunctionProps {
  return {
    artifact: demoArtifact(),
    code: lambda.Code.fromInline('def handler(event, context):\n    return {}\n'),
    handler: 'index.handler',
    runtime: lambda.Runtime.PYTHON_3_13,
    warmMode: WarmMode.snapStart(),
    reservedConcurrentExecutions: 50,
    ...overrides,
  };
}
