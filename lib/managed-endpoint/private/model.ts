import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import { ModelArtifactBinding, ShadowTraffic } from '../../core';
import { invalid } from '../../core/private/errors';
import { parseEcrImageUri } from '../../core/private/image-uri';
import { modelEnvironment } from '../../core/private/model-environment';
import { checkOneOf } from '../../core/private/validation';
import { EndpointMode, EndpointModeKind } from '../endpoint-mode';
import { ModelHosting } from '../model-hosting';
import { checkEnvironment, checkImageRegion, warnIfImageTagMoves } from './checks';
import { EndpointNagNotes } from './nag';

/**
 * The SageMaker model of the managed endpoint: hosting (single or multi-model), the container
 * (image, weights, environment), the VPC it runs in, and the execution role's grants for the image,
 * the network interfaces, logs and metrics. Internal.
 */

/** The props the model depends on. */
export interface ModelProps {
  readonly hosting?: ModelHosting;
  readonly shadow?: ShadowTraffic;
  readonly environment?: { [key: string]: string };
  readonly networkIsolation?: boolean;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly endpointName?: string;
}

/** Single-model or multi-model hosting for `binding` (explicit, else multi-model for an S3 prefix). */
export function resolveHosting(scope: IConstruct, mode: EndpointMode, props: ModelProps, binding: ModelArtifactBinding): ModelHosting {
  checkOneOf(scope, 'hosting', props.hosting, Object.values(ModelHosting), 'Use ModelHosting.SINGLE_MODEL or ModelHosting.MULTI_MODEL.');
  const hosting = props.hosting ?? (binding.isPrefix ? ModelHosting.MULTI_MODEL : ModelHosting.SINGLE_MODEL);
  if (hosting === ModelHosting.MULTI_MODEL) {
    if (!binding.isPrefix) {
      throw invalid(scope, 'hosting', 'MULTI_MODEL', `needs the weights to be an S3 prefix of model archives, but ${binding.name}@${binding.version} is ${binding.modelPackageArn ? 'a model package' : 'a single object'}`, 'Use ModelWeights.fromBucketPrefix(bucket, prefix), or ModelHosting.SINGLE_MODEL.');
    }
    if (mode.kind === EndpointModeKind.SERVERLESS) {
      throw invalid(scope, 'hosting', 'MULTI_MODEL', 'is not supported on serverless endpoints', 'Use EndpointMode.realTime(...) for multi-model hosting.');
    }
    if (props.shadow) {
      throw invalid(scope, 'shadow', `${props.shadow.candidate.name}@${props.shadow.candidate.version}`, 'is not supported on multi-model endpoints (SageMaker shadow variants exclude them)', 'Drop the shadow variant, or host a single model.');
    }
  }
  if (mode.kind === EndpointModeKind.SERVERLESS && !binding.modelPackageArn && (binding.isPrefix || !binding.compressed)) {
    throw invalid(scope, 'artifact', `${binding.name}@${binding.version}`, 'has uncompressed weights, which serverless endpoints cannot load (they need ModelDataUrl to a .tar.gz)', 'Package the weights as model.tar.gz, or use EndpointMode.realTime(...).');
  }
  return hosting;
}

/** The security groups and `VpcConfig` of the containers (none without a VPC). */
export interface ModelNetwork {
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly vpcConfig?: sagemaker.CfnModel.VpcConfigProperty;
}

/** Security groups (given, or one with no inbound rules), subnets, and the role's ENI actions. */
export function createNetworking(scope: Construct, props: ModelProps, role: iam.IRole, nag: EndpointNagNotes): ModelNetwork {
  if (!props.vpc) { return { securityGroups: [] }; }
  const securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.vpc,
    description: `Model containers of ${scope.node.path}`,
    allowAllOutbound: true,
  })];
  // SageMaker attaches ENIs in the subnets on the role's behalf. Network interface actions have no
  // resource-level scoping for the create call; describe calls never do.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
      'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
      'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
    ],
    resources: ['*'],
  }));
  nag.unscopedActions.push('ec2 network-interface actions (SageMaker attaches ENIs in your subnets)');
  return {
    securityGroups,
    vpcConfig: {
      subnets: selectSubnets(scope, props.vpc, props.vpcSubnets),
      securityGroupIds: securityGroups.map(sg => sg.securityGroupId),
    },
  };
}

function selectSubnets(scope: IConstruct, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): string[] {
  let subnets: string[];
  try {
    subnets = vpc.selectSubnets(selection ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
  } catch (e) {
    // aws-cdk-lib's message names no prop (e.g. "There are no 'Private' subnet groups in this VPC").
    throw invalid(scope, 'vpcSubnets', selection === undefined ? 'default: PRIVATE_WITH_EGRESS' : selection, `selects no subnets of ${vpc.node.path} (${(e as Error).message})`,
      'Pass vpcSubnets that exist in the VPC, e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }.');
  }
  // VpcConfig.Subnets holds 1-16 subnets.
  if (!Token.isUnresolved(subnets) && (subnets.length < 1 || subnets.length > 16)) {
    throw invalid(scope, 'vpcSubnets', `${subnets.length} subnets`, 'must select 1 to 16 subnets (SageMaker VpcConfig.Subnets)', 'Select fewer subnets, e.g. { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true }.');
  }
  return subnets;
}

/** Where SageMaker puts the weights of a single-model container (extracted archive, or the object or prefix as is). */
const SAGEMAKER_MODEL_DIR = '/opt/ml/model';
/** ContainerDefinition.Environment: at most 1024 bytes per value. */
const MAX_ENV_VALUE_BYTES = 1024;

/**
 * The lane's container environment: the one `MODEL_*` contract of every lane (core
 * `modelEnvironment`), with `MODEL_LOCAL_DIR` = `/opt/ml/model` for single-model hosting (multi-model
 * containers load each model into a directory of its own). Each value must fit SageMaker's 1024 bytes.
 */
function laneEnvironment(scope: IConstruct, binding: ModelArtifactBinding, hosting: ModelHosting): { [key: string]: string } {
  const env = modelEnvironment(binding, hosting === ModelHosting.SINGLE_MODEL ? SAGEMAKER_MODEL_DIR : undefined);
  for (const [name, value] of Object.entries(env)) {
    const bytes = Token.isUnresolved(value) ? 0 : Buffer.byteLength(value);
    if (bytes > MAX_ENV_VALUE_BYTES) {
      throw invalid(scope, 'artifact', `${binding.name}@${binding.version}: ${name} of ${bytes} bytes`, `exceeds the ${MAX_ENV_VALUE_BYTES} bytes SageMaker allows per environment value (ContainerDefinition.Environment)`,
        name === 'MODEL_CARD' ? 'Shorten the model card (MODEL_CARD carries it as compact JSON).' : 'Use a shorter S3 key for the weights.');
    }
  }
  return env;
}

/**
 * A `CfnModel` serving `binding`: a model package, or the image with its weights (a compressed
 * archive, an uncompressed object or prefix, or a multi-model prefix). It waits for the role's policy.
 */
export function createModel(scope: Construct, id: string, binding: ModelArtifactBinding, hosting: ModelHosting, props: ModelProps,
  role: iam.IRole, vpcConfig: sagemaker.CfnModel.VpcConfigProperty | undefined, batching: { [key: string]: string } = {}): sagemaker.CfnModel {
  // `batching`: the container's batching variables (private/batching.ts), which the user cannot override.
  const lane = { ...laneEnvironment(scope, binding, hosting), ...batching };
  checkEnvironment(scope, props.environment, lane);
  const environment = { ...lane, ...(props.environment ?? {}) };
  const model = new sagemaker.CfnModel(scope, id, {
    executionRoleArn: role.roleArn,
    primaryContainer: containerOf(scope, binding, hosting, environment, role),
    vpcConfig,
    enableNetworkIsolation: props.networkIsolation ? true : undefined,
  });
  // SageMaker checks the role when it creates the model: wait for its policy, not just the role.
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) { model.node.addDependency(policy); }
  return model;
}

function containerOf(scope: IConstruct, binding: ModelArtifactBinding, hosting: ModelHosting, environment: { [key: string]: string },
  role: iam.IRole): sagemaker.CfnModel.ContainerDefinitionProperty {
  if (binding.modelPackageArn) {
    return { modelPackageName: binding.modelPackageArn, environment };
  }
  if (!binding.imageUri) {
    throw invalid(scope, 'artifact', `${binding.name}@${binding.version}`, `has no serving image for hardware target '${binding.target}'`, 'Give the ModelArtifact (or its variant) an image: ServingImage.fromEcrRepository(...) or fromRegistry(...).');
  }
  checkImage(scope, binding, role);
  const s3Uri = binding.modelDataUrl!;
  if (hosting === ModelHosting.MULTI_MODEL) {
    return { image: binding.imageUri, mode: 'MultiModel', modelDataUrl: s3Uri, environment };
  }
  if (binding.compressed) {
    return { image: binding.imageUri, mode: 'SingleModel', modelDataUrl: s3Uri, environment };
  }
  // Uncompressed weights (large models): SageMaker copies the object or prefix as is.
  return {
    image: binding.imageUri,
    mode: 'SingleModel',
    modelDataSource: { s3DataSource: { s3Uri, s3DataType: binding.isPrefix ? 'S3Prefix' : 'S3Object', compressionType: 'None' } },
    environment,
  };
}

/**
 * SageMaker hosting pulls images from ECR only. An ECR URI given as text (e.g. an AWS Deep Learning
 * Container): the role may pull exactly that repository, in the partition of the image's Region.
 */
function checkImage(scope: IConstruct, binding: ModelArtifactBinding, role: iam.IRole): void {
  const uri = binding.imageUri!;
  checkImageRegion(scope, binding);
  warnIfImageTagMoves(scope, binding);
  if (binding.imageRepository || Token.isUnresolved(uri)) { return; }
  const ecr = parseEcrImageUri(uri);
  if (!ecr) {
    throw invalid(scope, 'artifact', `${binding.name}@${binding.version} image ${uri}`, 'is not in Amazon ECR: SageMaker hosting pulls images from ECR only', 'Copy the image to an ECR repository and use ServingImage.fromEcrRepository(...) or an ECR image URI.');
  }
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
    resources: [ecr.repositoryArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
}

/** The role writes the endpoint's logs and its container metrics. */
export function grantLogsAndMetrics(scope: IConstruct, endpointName: string | undefined, role: iam.IRole, nag: EndpointNagNotes): void {
  const stack = Stack.of(scope);
  // Log group names carry the endpoint name; a generated name is only known after the endpoint
  // exists (and the endpoint needs the role first), so scope to SageMaker's endpoint log prefix.
  const scoped = endpointName !== undefined && !Token.isUnresolved(endpointName);
  const group = scoped ? `/aws/sagemaker/Endpoints/${endpointName}` : '/aws/sagemaker/Endpoints/*';
  const logArns = [
    stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: group, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${group}:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
  ];
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: logArns,
  }));
  // With a fixed name only the log-stream wildcard remains (streams are created at run time).
  nag.logGroupArns.push(...(scoped ? [logArns[1]] : logArns));
  // PutMetricData has no resource-level permissions; the namespace condition scopes it.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker*'] } },
  }));
}
