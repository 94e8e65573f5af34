import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { LaneKind } from '../../core';
import type { LambdaFaultConfigLocation } from '../resilience-experiments';
import { FaultTarget } from './experiment-group';

/**
 * # Resilience experiments: is each target ready for its faults?
 *
 * Not exported from the package. What FIS needs inside a lane (the Lambda extension layer and its
 * environment, the SSM agent sidecar and ECS fault injection) is the lane's to add, so synth warns,
 * naming the function or task definition and what is missing; the experiment templates are created
 * either way (they fail at start, not at deploy, until the lane is ready). Reads the synthesized
 * properties of the L1 resources under the lane, never the lane's private fields.
 */

const EXEC_WRAPPER = '/opt/aws-fis/bootstrap';

/** Add a warning per target that is not ready. */
export function readinessWarnings(owner: IConstruct, targets: FaultTarget[], location?: LambdaFaultConfigLocation): void {
  for (const target of targets) {
    if (target.kind === LaneKind.SERVERLESS || target.kind === 'front-door') {
      const fns = cfnUnder(target.kind === 'front-door' ? target.routerFunction! : target.construct, 'AWS::Lambda::Function');
      for (const fn of fns) {
        const missing = lambdaGaps(fn, location);
        if (missing.length > 0) {
          Annotations.of(owner).addWarningV2('cdk-inference-lanes:fisLambdaNotReady',
            `The Lambda experiments on ${target.path} will fail when started: function ${fn.node.path} lacks ${missing.join('; ')} (see lib/operations/README.md).`);
        }
      }
    }
    if (target.kind === LaneKind.BATCH_WORKERS) {
      for (const td of cfnUnder(target.construct, 'AWS::ECS::TaskDefinition')) {
        const missing = ecsGaps(td);
        if (missing.length > 0) {
          Annotations.of(owner).addWarningV2('cdk-inference-lanes:fisEcsNotReady',
            `The CpuStress and NetworkLatency experiments on ${target.path} will fail when started: task definition ${td.node.path} lacks ${missing.join('; ')} (StopTasks needs none of it; see lib/operations/README.md).`);
        }
      }
    }
  }
}

function cfnUnder(scope: IConstruct, type: string): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type);
}

function resolved(r: CfnResource, value: unknown): any {
  return Stack.of(r).resolve(value);
}

function lambdaGaps(fn: CfnResource, location?: LambdaFaultConfigLocation): string[] {
  const cfn = fn as lambda.CfnFunction;
  const env: { [key: string]: unknown } = resolved(fn, cfn.environment)?.variables ?? {};
  const missing: string[] = [];
  if (env.AWS_LAMBDA_EXEC_WRAPPER !== EXEC_WRAPPER) { missing.push(`AWS_LAMBDA_EXEC_WRAPPER=${EXEC_WRAPPER}`); }
  if (env.AWS_FIS_CONFIGURATION_LOCATION === undefined) {
    missing.push(`AWS_FIS_CONFIGURATION_LOCATION (the config location${location ? `, prefix ${location.prefix}` : ''})`);
  }
  const layers: unknown[] = resolved(fn, cfn.layers) ?? [];
  if (!layers.some(l => JSON.stringify(l).includes('fis') || JSON.stringify(l).includes('FIS'))) {
    missing.push('the AWS FIS Lambda extension layer');
  }
  return missing;
}

function ecsGaps(td: CfnResource): string[] {
  const cfn = td as ecs.CfnTaskDefinition;
  const missing: string[] = [];
  const containers: { image?: unknown }[] = resolved(td, cfn.containerDefinitions) ?? [];
  if (!containers.some(c => JSON.stringify(c.image ?? '').includes('amazon-ssm-agent'))) { missing.push('an SSM agent sidecar container (amazon-ssm-agent image)'); }
  if (resolved(td, cfn.enableFaultInjection) !== true) { missing.push('EnableFaultInjection: true'); }
  if (resolved(td, cfn.pidMode) !== 'task') { missing.push('PidMode: task'); }
  return missing;
}
