import { Aws, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { LaneKind } from '../../core';
import { acknowledgeNagFindings } from '../../core/private/nag';
import type { ExperimentSummary, KubernetesFaultTarget, LambdaFaultConfigLocation } from '../resilience-experiments';
import { renderForNag } from './lambda-config';
import { LANE_PATH_TAG } from './validate-props';

/**
 * # Resilience experiments: one lane's templates and role
 *
 * Not exported from the package. For one lane (or front door): the experiment role, allowed only what
 * the lane's FIS actions need and only on the lane's resources, and one `AWS::FIS::ExperimentTemplate`
 * per fault, each stopped by the lane's alarms. Parameters and permissions follow the AWS FIS actions
 * reference; the template shape follows botocore `fis` `CreateExperimentTemplate`.
 */

/** Settings within the FIS limits, defaults applied. */
export interface ExperimentSettings {
  readonly duration: Duration;
  readonly invocationPercent: number;
  readonly invocationDelay: Duration;
  readonly targetPercent: number;
  readonly cpuStressPercent: number;
  readonly networkLatency: Duration;
}

/** A lane or a front door to inject faults into. */
export interface FaultTarget {
  readonly kind: LaneKind | 'front-door';
  /** Construct ID of its group inside ResilienceExperiments. */
  readonly id: string;
  readonly path: string;
  readonly construct: IConstruct;
  /** Value of the `inference:lane-path` tag (lanes). */
  readonly lanePathTag?: string;
  /** The front door's router (front doors). */
  readonly routerFunction?: lambda.IFunction;
  /** The alarms that stop its experiments. */
  readonly alarms: cloudwatch.IAlarm[];
  readonly kubernetes?: KubernetesFaultTarget;
}

/** FIS quota: stop conditions per experiment template. */
export const MAX_STOP_CONDITIONS = 5;

interface Fault {
  readonly name: string;
  readonly actionId: string;
  readonly targetKey: string;
  readonly parameters?: { [key: string]: string };
  readonly description: string;
  readonly prerequisites: string[];
}

const LAMBDA_PREREQUISITES = [
  'the AWS FIS Lambda extension layer on the function (ARN per Region and architecture: SSM public parameters under /aws/service/fis/lambda-extension/)',
  'function environment AWS_LAMBDA_EXEC_WRAPPER=/opt/aws-fis/bootstrap and AWS_FIS_CONFIGURATION_LOCATION=<the config bucket ARN>/<prefix>',
  'function role: s3:ListBucket on the config bucket (prefix condition) and s3:GetObject on <bucket>/<prefix>*',
];
const ECS_PREREQUISITES = [
  'an SSM agent sidecar container in the task definition that registers the task as an SSM managed instance (FIS ECS task actions script), MANAGED_INSTANCE_ROLE_NAME in its environment',
  'task role: ssm:CreateActivation, ssm:AddTagsToResource, iam:PassRole on the managed instance role; the managed instance role: AmazonSSMManagedInstanceCore, ssm:DeleteActivation, ssm:DeregisterManagedInstance',
  'ECS Exec (enableExecuteCommand) turned off while the experiment runs',
];
const ECS_NETWORK_PREREQUISITES = [
  ...ECS_PREREQUISITES,
  'task definition: enableFaultInjection true and pidMode task (awsvpc network mode, as the lane uses)',
];
const EKS_PREREQUISITES = [
  'the experiment role mapped to the Kubernetes user fis-experiment (EKS access entry or aws-auth)',
  'the service account bound to an RBAC role that may create/get/list/delete pods, create pods/ephemeralcontainers and get pods/exec in the namespace, and the fis-experiment user allowed to use it',
];

/** What one group builds. */
export interface ExperimentGroup {
  readonly role: iam.IRole;
  /** The role's policy (its config-location statement is acknowledged for cdk-nag at synth). */
  readonly policy: iam.Policy;
  readonly experiments: ExperimentSummary[];
}

/** The role and the experiment templates of one lane or front door. */
export function buildExperimentGroup(owner: Construct, target: FaultTarget, settings: ExperimentSettings, location: LambdaFaultConfigLocation | undefined): ExperimentGroup {
  const group = new Construct(owner, target.id);
  const role = new iam.Role(group, 'Role', {
    assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:fis:${Aws.REGION}:${Aws.ACCOUNT_ID}:experiment/*` },
      },
    }),
    description: truncate(`AWS FIS experiments on ${target.path}: only its own ${target.kind} resources`, 1000),
  });
  const policy = new iam.Policy(group, 'Policy', { roles: [role], statements: permissions(target, location) });
  acknowledgeRoleFindings(policy, target);

  const stopConditions = stopConditionAlarms(group, target);
  const faults = faultsOf(target, settings);
  const fisTargets = targetsOf(target, settings);
  if (target.lanePathTag !== undefined) { tagTargets(target); }

  const experiments: ExperimentSummary[] = faults.map(fault => {
    const template = new fis.CfnExperimentTemplate(group, fault.name, {
      description: truncate(fault.description, 512),
      roleArn: role.roleArn,
      stopConditions: stopConditions.map(a => ({ source: 'aws:cloudwatch:alarm', value: a.alarmArn })),
      targets: { [fault.targetKey]: fisTargets },
      actions: {
        [fault.name]: {
          actionId: fault.actionId,
          description: truncate(fault.description, 512),
          parameters: fault.parameters,
          targets: { [fault.targetKey]: fault.targetKey },
        },
      },
      experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
      tags: { Name: truncate(`${target.path}/${fault.name}`, 256) },
    });
    // The template may be created only once its role may act (FIS checks the role when an experiment starts).
    template.node.addDependency(policy);
    return {
      targetPath: target.path,
      targetKind: target.kind,
      fault: fault.name,
      actionId: fault.actionId,
      experimentTemplateId: template.ref,
      stopConditionAlarmArns: stopConditions.map(a => a.alarmArn),
      prerequisites: fault.prerequisites,
    };
  });
  return { role, policy, experiments };
}

/** The lane's alarms, or one composite alarm of them when there are more than FIS allows per template. */
function stopConditionAlarms(group: Construct, target: FaultTarget): cloudwatch.IAlarm[] {
  if (target.alarms.length <= MAX_STOP_CONDITIONS) { return target.alarms; }
  const composite = new cloudwatch.CompositeAlarm(group, 'StopCondition', {
    alarmRule: cloudwatch.AlarmRule.anyOf(...target.alarms.map(a => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
    alarmDescription: truncate(`Stops AWS FIS experiments on ${target.path}: any of its ${target.alarms.length} SLO alarms (FIS takes ${MAX_STOP_CONDITIONS} stop conditions per template)`, 1024),
  });
  return [composite];
}

function iso(d: Duration): string {
  return d.toIsoString();
}

function faultsOf(target: FaultTarget, s: ExperimentSettings): Fault[] {
  const duration = iso(s.duration);
  const minutes = s.duration.toHumanString();
  const delayMs = String(s.invocationDelay.toMilliseconds());
  const latencyMs = String(s.networkLatency.toMilliseconds());
  const stops = `stops on the SLO alarms of ${target.path}`;
  switch (target.kind) {
    case LaneKind.SERVERLESS:
    case 'front-door':
      return [
        {
          name: 'InvocationDelay', actionId: 'aws:lambda:invocation-add-delay', targetKey: 'Functions',
          parameters: { duration, invocationPercentage: String(s.invocationPercent), startupDelayMilliseconds: delayMs },
          description: `Delay ${s.invocationPercent}% of the invocations of ${target.kind === 'front-door' ? 'the router of ' : ''}${target.path} by ${delayMs} ms for ${minutes}; ${stops}`,
          prerequisites: LAMBDA_PREREQUISITES,
        },
        ...(target.kind === LaneKind.SERVERLESS ? [{
          name: 'InvocationErrors', actionId: 'aws:lambda:invocation-error', targetKey: 'Functions',
          parameters: { duration, invocationPercentage: String(s.invocationPercent), preventExecution: 'true' },
          description: `Fail ${s.invocationPercent}% of the invocations of ${target.path} (without running them) for ${minutes}; ${stops}`,
          prerequisites: [...LAMBDA_PREREQUISITES, 'function environment AWS_FIS_POLL_MAX_WAIT_MILLISECONDS (e.g. 2000), so the extension has the fault before the invocation is judged'],
        }] : []),
      ];
    case LaneKind.BATCH_WORKERS:
      return [
        {
          name: 'StopTasks', actionId: 'aws:ecs:stop-task', targetKey: 'Tasks',
          description: `Stop ${s.targetPercent}% of the worker tasks of ${target.path} (ECS starts replacements; their jobs return to the queue); ${stops}`,
          prerequisites: [],
        },
        {
          name: 'CpuStress', actionId: 'aws:ecs:task-cpu-stress', targetKey: 'Tasks',
          parameters: { duration, percent: String(s.cpuStressPercent) },
          description: `Load the CPUs of ${s.targetPercent}% of the worker tasks of ${target.path} to ${s.cpuStressPercent}% for ${minutes}; ${stops}`,
          prerequisites: ECS_PREREQUISITES,
        },
        {
          name: 'NetworkLatency', actionId: 'aws:ecs:task-network-latency', targetKey: 'Tasks',
          parameters: { duration, delayMilliseconds: latencyMs, useEcsFaultInjectionEndpoints: 'true' },
          description: `Add ${latencyMs} ms to the outbound traffic of ${s.targetPercent}% of the worker tasks of ${target.path} for ${minutes} (ECS fault injection endpoints); ${stops}`,
          prerequisites: ECS_NETWORK_PREREQUISITES,
        },
      ];
    case LaneKind.GPU_CLUSTER: {
      const sa = target.kubernetes!.serviceAccountName;
      return [
        {
          name: 'PodDelete', actionId: 'aws:eks:pod-delete', targetKey: 'Pods',
          parameters: { kubernetesServiceAccount: sa },
          description: `Delete ${s.targetPercent}% of the serving pods of ${target.path} (the Deployment replaces them); ${stops}`,
          prerequisites: EKS_PREREQUISITES,
        },
        {
          name: 'PodNetworkLatency', actionId: 'aws:eks:pod-network-latency', targetKey: 'Pods',
          parameters: { duration, delayMilliseconds: latencyMs, kubernetesServiceAccount: sa },
          description: `Add ${latencyMs} ms to the network of ${s.targetPercent}% of the serving pods of ${target.path} for ${minutes}; ${stops}`,
          prerequisites: [...EKS_PREREQUISITES, 'pods not on Fargate and not in the host network; the privileged Pod Security Standard in the namespace (tc runs in an ephemeral container)'],
        },
      ];
    }
    default:
      return [];
  }
}

/** The FIS target: the lane's resources by tag, the router by ARN, the pods by cluster, namespace and label. */
function targetsOf(target: FaultTarget, s: ExperimentSettings): fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty {
  switch (target.kind) {
    case 'front-door':
      return { resourceType: 'aws:lambda:function', resourceArns: [target.routerFunction!.functionArn], selectionMode: 'ALL' };
    case LaneKind.SERVERLESS:
      return { resourceType: 'aws:lambda:function', resourceTags: laneTags(target), selectionMode: 'ALL' };
    case LaneKind.BATCH_WORKERS:
      return { resourceType: 'aws:ecs:task', resourceTags: laneTags(target), selectionMode: `PERCENT(${s.targetPercent})` };
    default: {
      const k = target.kubernetes!;
      return {
        resourceType: 'aws:eks:pod',
        parameters: { clusterIdentifier: k.clusterName, namespace: k.namespace, selectorType: 'labelSelector', selectorValue: k.labelSelector },
        selectionMode: `PERCENT(${s.targetPercent})`,
      };
    }
  }
}

function laneTags(target: FaultTarget): { [key: string]: string } {
  return { 'inference:lane': target.kind, [LANE_PATH_TAG]: target.lanePathTag! };
}

/** Put the per-lane tag on what the lane's experiments target (ECS propagates the service's tags to its tasks). */
function tagTargets(target: FaultTarget): void {
  const types = target.kind === LaneKind.SERVERLESS ? ['AWS::Lambda::Function'] : ['AWS::ECS::Service'];
  Tags.of(target.construct).add(LANE_PATH_TAG, target.lanePathTag!, { includeResourceTypes: types });
}

/** What the experiment role may do: the FIS actions reference's permissions, on the lane's resources only. */
function permissions(target: FaultTarget, location: LambdaFaultConfigLocation | undefined): iam.PolicyStatement[] {
  const stack = Stack.of(target.construct);
  const arn = (service: string, resource: string, account = stack.account) => `arn:${stack.partition}:${service}:${stack.region}:${account}:${resource}`;
  const tagged = target.lanePathTag === undefined ? undefined : { StringEquals: { [`aws:ResourceTag/${LANE_PATH_TAG}`]: target.lanePathTag } };
  const tagLookup = new iam.PolicyStatement({ sid: 'ResolveTargetsByTag', actions: ['tag:GetResources'], resources: ['*'] });
  switch (target.kind) {
    case LaneKind.SERVERLESS:
    case 'front-door': {
      const config = new iam.PolicyStatement({
        sid: 'WriteFaultConfiguration',
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [location!.bucket.arnForObjects(`${location!.prefix}*`)],
      });
      const inspect = target.kind === 'front-door'
        ? new iam.PolicyStatement({ sid: 'InspectTargetFunctions', actions: ['lambda:GetFunction'], resources: [target.routerFunction!.functionArn] })
        : new iam.PolicyStatement({ sid: 'InspectTargetFunctions', actions: ['lambda:GetFunction'], resources: [arn('lambda', 'function:*')], conditions: tagged });
      return [config, inspect, tagLookup];
    }
    case LaneKind.BATCH_WORKERS:
      return [
        new iam.PolicyStatement({ sid: 'StopAndDescribeLaneTasks', actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [arn('ecs', 'task/*')], conditions: tagged }),
        new iam.PolicyStatement({ sid: 'ListTasks', actions: ['ecs:ListTasks', 'ecs:DescribeContainerInstances'], resources: [arn('ecs', 'container-instance/*')] }),
        new iam.PolicyStatement({ sid: 'DescribeNetwork', actions: ['ec2:DescribeInstances', 'ec2:DescribeSubnets'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'RunFaultDocumentsInTasks',
          actions: ['ssm:SendCommand'],
          resources: [arn('ssm', 'managed-instance/*'), arn('ssm', 'document/AWSFIS-Run-*', '')],
        }),
        new iam.PolicyStatement({ sid: 'TrackFaultCommands', actions: ['ssm:ListCommands', 'ssm:CancelCommand'], resources: ['*'] }),
        tagLookup,
      ];
    default:
      return [
        new iam.PolicyStatement({ sid: 'DescribeCluster', actions: ['eks:DescribeCluster'], resources: [arn('eks', `cluster/${target.kubernetes!.clusterName}`)] }),
        new iam.PolicyStatement({ sid: 'DescribeSubnets', actions: ['ec2:DescribeSubnets'], resources: ['*'] }),
        tagLookup,
      ];
  }
}

/** cdk-nag IAM5 findings of the role's design, each with its reason (README "Experiment role"). */
function acknowledgeRoleFindings(policy: iam.Policy, target: FaultTarget): void {
  const stack = Stack.of(policy);
  const arn = (service: string, resource: string, account: string = stack.account) => renderForNag(stack.resolve(`arn:${stack.partition}:${service}:${stack.region}:${account}:${resource}`));
  const reasons: { [finding: string]: string } = {
    '*': 'tag:GetResources, ec2:DescribeSubnets/DescribeInstances, ssm:ListCommands and ssm:CancelCommand have no resource-level permissions (AWS FIS actions reference)',
  };
  if (target.kind === LaneKind.SERVERLESS) {
    reasons[arn('lambda', 'function:*')!] = 'lambda:GetFunction is limited by an aws:ResourceTag condition to the functions carrying this lane\'s inference:lane-path tag';
  }
  if (target.kind === LaneKind.BATCH_WORKERS) {
    reasons[arn('ecs', 'task/*')!] = 'ecs:StopTask/DescribeTasks are limited by an aws:ResourceTag condition to the tasks carrying this lane\'s inference:lane-path tag; task IDs are not known before the experiment';
    reasons[arn('ecs', 'container-instance/*')!] = 'ecs:ListTasks and DescribeContainerInstances only read; container instances are not known before the experiment';
    reasons[arn('ssm', 'managed-instance/*')!] = 'the SSM managed instances are the lane\'s tasks, registered by their SSM agent sidecar when they start: not known before the experiment';
    reasons[arn('ssm', 'document/AWSFIS-Run-*', '')!] = 'only the AWS-owned AWSFIS-Run-* fault documents that the ECS task actions run';
  }
  for (const [resource, reason] of Object.entries(reasons)) {
    acknowledgeNagFindings(policy, [{ id: 'AwsSolutions-IAM5', reason, appliesTo: [`Resource::${resource}`] }]);
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}
