import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { checkReason, findExecutable, PYTHON_TOOLS_INSTALL_HINT, runSync, tail } from './private/process';
import { synthStack } from './private/synth';

/**
 * A finding to accept, with the reason it is safe.
 */
/** The ApiContract validator: reads {templates: [{name, template, paths}]} on stdin, prints {botocoreVersion, results}. */
const API_CONTRACT_SCRIPT = path.join(__dirname, 'private', 'api-contract.py');

export interface ApiContractIgnoredFinding {
  /**
   * The rule id of the finding, e.g. `required` or `alarm-metric-exclusive`.
   */
  readonly ruleId: string;

  /**
   * Only accept the finding on this resource (logical id).
   *
   * @default - on every resource
   */
  readonly logicalId?: string;

  /**
   * Why the finding is acceptable. At least 10 characters.
   */
  readonly reason: string;
}

/**
 * Options for validating API contracts.
 */
export interface ApiContractOptions {
  /**
   * The Python interpreter that has botocore (installed with moto and with the AWS CLI v1).
   *
   * @default 'python3'
   */
  readonly pythonExecutable?: string;

  /**
   * Fail `assert*` methods on warnings too, not only on errors.
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;

  /**
   * Findings to accept, each with a reason. They move from `errors`/`warnings` to `ignored`.
   *
   * @default - none
   */
  readonly ignoreFindings?: ApiContractIgnoredFinding[];

  /**
   * Maximum run time of the validator child process, in seconds.
   *
   * @default 120
   */
  readonly timeoutSeconds?: number;
}

/**
 * One violation of a service API contract.
 */
export interface ApiContractFinding {
  /**
   * `error` (the API rejects the request, or the resource cannot work) or `warning`.
   */
  readonly level: string;

  /**
   * Rule id: a botocore check (`required`, `type`, `enum`, `range`, `length`, `pattern`, `size`) or a
   * service rule (`alarm-metric-exclusive`, `autoscaling-dimension-namespace`, `greengrass-platform`, ...).
   */
  readonly ruleId: string;

  /**
   * Name of the validated template (the stack's name for stacks).
   */
  readonly template: string;

  /**
   * Logical id of the resource.
   */
  readonly logicalId: string;

  /**
   * CloudFormation type of the resource.
   */
  readonly resourceType: string;

  /**
   * Construct path of the resource (from the construct tree, or the `aws:cdk:path` metadata);
   * empty when unknown.
   */
  readonly constructPath: string;

  /**
   * CloudFormation property path, e.g. `DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration`.
   */
  readonly propertyPath: string;

  /**
   * The API request member checked, e.g. `sagemaker CreateEndpoint DeploymentConfig.BlueGreenUpdatePolicy...`.
   */
  readonly apiMember: string;

  /**
   * The value found (JSON, shortened), or `<absent>`.
   */
  readonly value: string;

  /**
   * The API rule, e.g. `sagemaker CreateEndpoint requires ... (TrafficRoutingConfig.WaitIntervalInSeconds)`.
   */
  readonly rule: string;

  /**
   * What is wrong.
   */
  readonly message: string;

  /**
   * How to fix it.
   */
  readonly fix: string;
}

/**
 * A field that was not checked, and why (a token, a property with no API counterpart, a name
 * CloudFormation generates...).
 */
export interface ApiContractSkip {
  /** Name of the validated template. */
  readonly template: string;
  /** Logical id of the resource. */
  readonly logicalId: string;
  /** CloudFormation type of the resource. */
  readonly resourceType: string;
  /** Construct path of the resource (empty when unknown). */
  readonly constructPath: string;
  /** CloudFormation property path of the skipped field. */
  readonly propertyPath: string;
  /** Why it was not checked. */
  readonly reason: string;
}

/**
 * How one covered resource was checked.
 */
export interface ApiContractResourceReport {
  /** Logical id of the resource. */
  readonly logicalId: string;
  /** CloudFormation type of the resource. */
  readonly resourceType: string;
  /** Construct path of the resource (empty when unknown). */
  readonly constructPath: string;
  /** The API operations its properties were checked against, e.g. `lambda:CreateAlias`. */
  readonly operations: string[];
  /** Number of leaf values checked against the model. */
  readonly checkedFields: number;
  /** Number of fields skipped (see `skipped`). */
  readonly skippedFields: number;
}

/**
 * A resource whose type ApiContract does not cover (IAM, KMS, EC2, custom resources...).
 */
export interface ApiContractUncoveredResource {
  /** Logical id of the resource. */
  readonly logicalId: string;
  /** CloudFormation type of the resource. */
  readonly resourceType: string;
  /** Construct path of the resource (empty when unknown). */
  readonly constructPath: string;
}

/**
 * A template to validate, given as JSON text.
 */
export interface ApiContractTemplate {
  /** A name for messages, e.g. the stack name. */
  readonly name: string;
  /** The template as JSON text. */
  readonly templateJson: string;
}

/**
 * Result of validating one template.
 */
export interface ApiContractResult {
  /** Name of the validated template. */
  readonly template: string;
  /** True when there is no error (warnings allowed). */
  readonly valid: boolean;
  /** Findings of level `error`. */
  readonly errors: ApiContractFinding[];
  /** Findings of level `warning`. */
  readonly warnings: ApiContractFinding[];
  /** Findings accepted through `ignoreFindings`. */
  readonly ignored: ApiContractFinding[];
  /** Every field that was not checked, with the reason. */
  readonly skipped: ApiContractSkip[];
  /** One entry per covered resource. */
  readonly resources: ApiContractResourceReport[];
  /** Resources whose type is not covered. */
  readonly uncovered: ApiContractUncoveredResource[];
  /** Version of the botocore models used. */
  readonly botocoreVersion: string;
  /** Wall-clock duration of the validator run (shared by every template of one call), in milliseconds. */
  readonly durationMs: number;
}

/**
 * Resource types ApiContract maps onto their service API requests.
 */
const COVERED_TYPES = [
  'AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint', 'AWS::SageMaker::InferenceComponent',
  'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::CloudWatch::Alarm',
  'AWS::Lambda::Function', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::CodeSigningConfig',
  'AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::SQS::Queue',
  'AWS::GreengrassV2::ComponentVersion', 'AWS::GreengrassV2::Deployment', 'AWS::IoT::ThingGroup', 'AWS::IoT::RoleAlias', 'AWS::IoT::Policy',
  'AWS::ApplicationSignals::ServiceLevelObjective', 'AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter', 'AWS::Lambda::Url', 'AWS::ECS::Cluster',
  'AWS::KMS::Key', 'AWS::CloudWatch::Dashboard', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Role', 'AWS::IAM::Policy',
  'AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy', 'AWS::ECS::CapacityProvider',
  'AWS::Events::Rule',
];

/**
 * Validates synthesized resources against the service APIs behind them, which are stricter than the
 * CloudFormation schemas cfn-lint checks (a SageMaker `ALL_AT_ONCE` traffic routing config without
 * `WaitIntervalInSeconds` lints clean and fails CreateEndpoint).
 *
 * Each covered resource is mapped onto the request(s) its CloudFormation handler sends (for example
 * an `AWS::Lambda::Alias` onto `CreateAlias` and `PutProvisionedConcurrencyConfig`) and checked
 * against the service's own botocore model: required members, types, enums, ranges, string lengths
 * and patterns, list sizes. Then service rules the model does not encode (an alarm with both
 * `MetricName` and `Metrics`, a scalable dimension of another namespace, a Greengrass recipe platform
 * no device reports...) and rules across the template's resources (provisioned concurrency above the
 * function's reserved concurrency). Tokens (`Ref`, `Fn::GetAtt`, `Fn::Join` with a token) are valid
 * placeholders; every field not checked is listed in `skipped`, every resource type not covered in
 * `uncovered`.
 *
 * Requires Python 3 with botocore (`pip install cfn-lint 'moto[server]'` installs it). One child
 * process validates every template of a call.
 *
 * @example
 * ApiContract.assertValid(stack);
 * const [a, b] = ApiContract.validateStacks([stackA, stackB]);
 */
export class ApiContract {
  /**
   * Resource types ApiContract covers.
   */
  public static coveredResourceTypes(): string[] {
    return [...COVERED_TYPES];
  }

  /**
   * Whether the Python interpreter can be found (botocore itself is checked when validating).
   *
   * @param pythonExecutable the interpreter name or path
   */
  public static isInstalled(pythonExecutable?: string): boolean {
    return findExecutable(pythonExecutable ?? 'python3') !== undefined;
  }

  /**
   * Synthesizes the stack (through its App, like `Template.fromStack`) and validates its template.
   *
   * @param stack the stack to validate
   * @param options run options
   */
  public static validate(stack: Stack, options?: ApiContractOptions): ApiContractResult {
    return ApiContract.validateStacks([stack], options)[0];
  }

  /**
   * Validates several stacks in one validator run.
   *
   * @param stacks the stacks to validate
   * @param options run options
   */
  public static validateStacks(stacks: Stack[], options?: ApiContractOptions): ApiContractResult[] {
    const inputs = stacks.map((stack) => ({
      name: stack.stackName,
      template: synthStack(stack).template,
      paths: constructPaths(stack),
    }));
    return ApiContract.run(inputs, options);
  }

  /**
   * Validates a template given as JSON text. Construct paths come from `aws:cdk:path` metadata when present.
   *
   * @param templateJson the template as JSON text
   * @param options run options
   */
  public static validateTemplate(templateJson: string, options?: ApiContractOptions): ApiContractResult {
    return ApiContract.validateTemplates([{ name: 'template', templateJson }], options)[0];
  }

  /**
   * Validates several templates given as JSON text in one validator run.
   *
   * @param templates the templates
   * @param options run options
   */
  public static validateTemplates(templates: ApiContractTemplate[], options?: ApiContractOptions): ApiContractResult[] {
    const inputs = templates.map((t) => {
      let template: unknown;
      try {
        template = JSON.parse(t.templateJson);
      } catch (e) {
        throw new Error(`ApiContract: template '${t.name}' is not valid JSON: ${(e as Error).message}`);
      }
      return { name: t.name, template, paths: {} };
    });
    return ApiContract.run(inputs, options);
  }

  /**
   * Validates the stack and throws an Error listing every error (and warning when `failOnWarnings`
   * is set) with construct path, property, value, rule and fix. Returns the result when valid.
   *
   * @param stack the stack to validate
   * @param options run options
   */
  public static assertValid(stack: Stack, options?: ApiContractOptions): ApiContractResult {
    return ApiContract.throwOnFindings(`stack '${stack.node.path}'`, ApiContract.validate(stack, options), options);
  }

  /**
   * Validates a template given as JSON text and throws an Error listing every error (and warning
   * when `failOnWarnings` is set). Returns the result when valid.
   *
   * @param templateJson the template as JSON text
   * @param options run options
   */
  public static assertTemplateValid(templateJson: string, options?: ApiContractOptions): ApiContractResult {
    return ApiContract.throwOnFindings('template', ApiContract.validateTemplate(templateJson, options), options);
  }

  /**
   * Renders findings one per line:
   * `[error] required MyStack/Endpoint/Resource (Endpoint1234 AWS::SageMaker::Endpoint) DeploymentConfig...: message. Fix: ...`.
   *
   * @param findings the findings to render
   */
  public static format(findings: ApiContractFinding[]): string {
    return findings.map((f) => `  [${f.level}] ${f.ruleId} ${f.constructPath || f.logicalId} (${f.logicalId} ${f.resourceType}) `
      + `${f.propertyPath || '<resource>'} = ${f.value}: ${f.message}. Rule: ${f.rule}. Fix: ${f.fix}.`).join('\n');
  }

  private static throwOnFindings(what: string, result: ApiContractResult, options?: ApiContractOptions): ApiContractResult {
    const failing = options?.failOnWarnings ? [...result.errors, ...result.warnings] : result.errors;
    if (failing.length > 0) {
      throw new Error(`ApiContract found ${failing.length} problem(s) in ${what}:\n${ApiContract.format(failing)}`);
    }
    return result;
  }

  private static run(inputs: Array<{ name: string; template: unknown; paths: { [id: string]: string } }>, options?: ApiContractOptions): ApiContractResult[] {
    const opts = options ?? {};
    const ignore = (opts.ignoreFindings ?? []).map((i) => {
      if (!i.ruleId || !/^[a-z][a-z0-9-]*$/.test(i.ruleId)) {
        throw new Error(`ApiContract: an ignored finding's ruleId must look like 'alarm-metric-exclusive' (got ${JSON.stringify(i.ruleId)})`);
      }
      checkReason('ApiContract ignored finding', i.ruleId, i.reason);
      return i;
    });
    const python = opts.pythonExecutable ?? 'python3';
    const exe = findExecutable(python);
    if (!exe) {
      throw new Error(`ApiContract needs Python 3 with botocore, but '${python}' is not installed: run \`${PYTHON_TOOLS_INSTALL_HINT}\``);
    }
    if (inputs.length === 0) {
      return [];
    }
    const run = runSync(exe, {
      // The validator ships as a Python file beside this module (package.json `files`: lib/**/*.py).
      args: [API_CONTRACT_SCRIPT],
      input: JSON.stringify({ templates: inputs }),
      label: 'ApiContract validator',
      timeoutMs: (opts.timeoutSeconds ?? 120) * 1000,
      env: { ...process.env, PYTHONWARNINGS: 'ignore', PYTHONIOENCODING: 'utf-8' },
    });
    if (run.status !== 0) {
      throw new Error(`ApiContract validator failed (exit code ${run.status}):\n${tail(run.stderr)}${tail(run.stdout)}`);
    }
    let response: { missing?: string; botocoreVersion: string; results: RawResult[] };
    try {
      response = JSON.parse(run.stdout);
    } catch {
      throw new Error(`ApiContract validator printed something that is not JSON:\n${tail(run.stdout)}${tail(run.stderr)}`);
    }
    if (response.missing) {
      throw new Error(`ApiContract needs botocore in '${python}' (${response.missing}): run \`${PYTHON_TOOLS_INSTALL_HINT}\``);
    }
    return response.results.map((r, i) => {
      const isIgnored = (f: ApiContractFinding) => ignore.some((g) => g.ruleId === f.ruleId && (g.logicalId === undefined || g.logicalId === f.logicalId));
      const kept = r.findings.filter((f) => !isIgnored(f));
      const errors = kept.filter((f) => f.level === 'error');
      return {
        template: inputs[i].name,
        valid: errors.length === 0,
        errors,
        warnings: kept.filter((f) => f.level !== 'error'),
        ignored: r.findings.filter(isIgnored),
        skipped: r.skipped,
        resources: r.resources,
        uncovered: r.uncovered,
        botocoreVersion: response.botocoreVersion,
        durationMs: run.durationMs,
      };
    });
  }
}

interface RawResult {
  readonly findings: ApiContractFinding[];
  readonly skipped: ApiContractSkip[];
  readonly resources: ApiContractResourceReport[];
  readonly uncovered: ApiContractUncoveredResource[];
}

/** Logical id -> construct path of every CloudFormation resource defined in `stack`. */
function constructPaths(stack: Stack): { [logicalId: string]: string } {
  const out: { [logicalId: string]: string } = {};
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
      out[stack.resolve(c.logicalId)] = c.node.path;
    }
  }
  return out;
}
