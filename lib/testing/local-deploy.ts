import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { API_CREATE_SCRIPT, ApiCreateOutcome, ApiCreateRequest } from './private/api-create';
import { adaptTemplate, AdaptResult, collectReferences, REF_OUTPUT_PREFIX } from './private/emulator-adapter';
import { explainEmulatorFailure, lastMotoException } from './private/emulator-failures';
import { emulatorProfile } from './private/emulator-profile';
import { findExecutable, makeTempDir, PYTHON_TOOLS_INSTALL_HINT, removeDir, runSync, sleepSync, tail, TIED_TO_PARENT_LAUNCHER } from './private/process';
import { synthStack } from './private/synth';

/**
 * Options for a local deployment to moto.
 */
export interface LocalDeployOptions {
  /**
   * Maximum duration of each phase (bootstrap, deploy, read-back), in seconds.
   *
   * @default 300
   */
  readonly timeoutSeconds?: number;

  /**
   * Maximum time to wait for moto_server to answer after it is started, in seconds.
   *
   * @default 30
   */
  readonly startupTimeoutSeconds?: number;

  /**
   * Path of the AWS CDK CLI entry point (`node_modules/.bin/cdk` or `aws-cdk/bin/cdk`).
   *
   * @default - the `aws-cdk` package resolved from this library, then `cdk` on PATH
   */
  readonly cdkCliPath?: string;

  /**
   * `cdk deploy --method`. `direct` uses CreateStack, which is the only way moto returns stack
   * Outputs (moto drops Outputs of stacks created from a change set).
   *
   * @default 'direct'
   */
  readonly deployMethod?: string;

  /**
   * Deploy only the requested stack, not the stacks it depends on (`cdk deploy --exclusively`).
   *
   * @default false
   */
  readonly exclusively?: boolean;

  /**
   * Bootstrap with `cdk bootstrap` (a CLI start-up, ~5 s) instead of creating the same bootstrap
   * template's stack with one boto3 call (~1 s).
   *
   * @default false
   */
  readonly cliBootstrap?: boolean;

  /**
   * Python interpreter with boto3, used to read back what was deployed.
   *
   * @default 'python3'
   */
  readonly python?: string;

  /**
   * Adapt the synthesized template for the emulator before deploying it (the user's constructs and
   * the cloud assembly are never changed): remove Tags from KMS keys (moto crashes on them), swap
   * SageMaker instance types moto does not know for the nearest one it knows, drop Lambda-backed
   * custom resources (moto would run their provider in Docker), and replace references to resources
   * moto's CloudFormation skips. Every change is listed in `result.adaptations`.
   *
   * @default true
   */
  readonly adaptForEmulator?: boolean;

  /**
   * After the stack is deployed, create each resource moto's CloudFormation skipped through the
   * service's own API on the same moto server, where moto implements it (Application Auto Scaling,
   * CloudWatch alarms, Lambda aliases/versions, CodeDeploy, IoT thing groups, log metric filters,
   * bucket and queue policies), and read it back. Listed in `result.createdViaApi`.
   *
   * @default true
   */
  readonly createSkippedViaApi?: boolean;

  /**
   * Deploy onto the moto server of a running deployment instead of starting a new one (saves the
   * server start and the bootstrap; several different stacks can share a server, but the same stack
   * cannot be deployed twice: moto hangs on updates). The stack must target the same account and
   * region. `stop()` on the new deployment leaves that server running; stop the first one.
   *
   * @default - a fresh moto server for this deployment
   */
  readonly onServerOf?: LocalDeploy;
}

/**
 * One change LocalDeploy made to the synthesized template so the emulator can deploy it.
 */
export interface LocalDeployAdaptation {
  /** Logical id of the changed resource (or `Outputs/<key>`). */
  readonly logicalId: string;
  /** Its resource type (`Output` for an output). */
  readonly resourceType: string;
  /** What was changed. */
  readonly change: string;
  /** Why the emulator needs it (real AWS gets the unchanged template). */
  readonly reason: string;
}

/**
 * A resource moto's CloudFormation skipped that LocalDeploy created through the service API.
 */
export interface LocalApiCreatedResource {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type. */
  readonly resourceType: string;
  /** Physical id (name or ARN) of what was created. */
  readonly physicalId: string;
  /** The API calls that created it, e.g. `RegisterScalableTarget`, `PutScheduledAction marketing-event`. */
  readonly apiCalls: string[];
  /** What reading it back through the API returned, in one line. */
  readonly readBack: string;
  /** Properties that could not be applied (moto lacks the API), e.g. provisioned concurrency. */
  readonly notes: string[];
}

/**
 * Time spent in each phase of a local deployment, in milliseconds.
 */
export interface LocalDeployTimings {
  /** Starting moto_server until it answers HTTP. */
  readonly serverStartMs: number;
  /** Synthesizing the app and copying the cloud assembly to a temp dir. */
  readonly synthMs: number;
  /** Bootstrapping (the bootstrap template's stack, or `cdk bootstrap` with `cliBootstrap`). */
  readonly bootstrapMs: number;
  /** `cdk deploy`. */
  readonly deployMs: number;
  /** Reading back stack resources and outputs with boto3. */
  readonly readBackMs: number;
  /** Creating and reading back the skipped resources through the service APIs. */
  readonly apiCreateMs: number;
  /** Everything. */
  readonly totalMs: number;
}

/**
 * A resource that moto really created.
 */
export interface LocalDeployedResource {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type, e.g. `AWS::SQS::Queue`. */
  readonly resourceType: string;
  /** Physical id reported by moto (queue URL, bucket name, ARN...). */
  readonly physicalId: string;
  /** Resource status, e.g. `CREATE_COMPLETE`. */
  readonly status: string;
}

/**
 * A template resource that moto did not create (moto skips unsupported types but still
 * reports the stack as CREATE_COMPLETE).
 */
export interface LocalSkippedResource {
  /** Logical id in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type, e.g. `AWS::CloudWatch::Alarm`. */
  readonly resourceType: string;
  /** Why it is considered skipped. */
  readonly reason: string;
}

/**
 * What a local deployment produced.
 */
export interface LocalDeployResult {
  /** CloudFormation stack name. */
  readonly stackName: string;
  /** Stack status reported by moto, e.g. `CREATE_COMPLETE`. */
  readonly stackStatus: string;
  /** Account the stack was deployed to (moto's account). */
  readonly account: string;
  /** Region the stack was deployed to. */
  readonly region: string;
  /** The moto endpoint, e.g. `http://localhost:5123`. */
  readonly endpointUrl: string;
  /** Template resources moto created. */
  readonly created: LocalDeployedResource[];
  /**
   * Template resources moto's CloudFormation did not create (including those LocalDeploy then
   * created through the API: see `createdViaApi` and `notCreated`).
   */
  readonly skipped: LocalSkippedResource[];
  /** Skipped resources LocalDeploy created through the service APIs on the same moto server. */
  readonly createdViaApi: LocalApiCreatedResource[];
  /** Skipped resources that exist nowhere locally, each with the reason (e.g. moto lacks the API). */
  readonly notCreated: LocalSkippedResource[];
  /**
   * Skipped resources moto's CloudFormation did create but lists without a physical id (Lambda
   * versions, IoT role aliases and policies), found through the service API; their `status` says how.
   */
  readonly confirmedViaApi: LocalDeployedResource[];
  /** Changes made to the template for the emulator (the real template is unchanged). */
  readonly adaptations: LocalDeployAdaptation[];
  /** Resource types moto logged as "not supported by moto's CloudFormation implementation". */
  readonly unsupportedTypes: string[];
  /** Stack outputs (key to value). */
  readonly outputs: { [key: string]: string };
  /** Time spent per phase. */
  readonly timings: LocalDeployTimings;
}

/**
 * Deploys a synthesized CDK stack for real to a local moto server (`moto_server`) with the
 * repo's AWS CDK CLI (bootstrap stack + `cdk deploy`), then reads back what exists.
 *
 * A fresh moto server is started for every deployment (moto handles a first deploy well,
 * stack updates hang). The server keeps running after `deployStack` so tests can query it
 * with `describeViaBoto3`; call `stop()` (e.g. in `afterAll`). If anything fails during
 * the deployment the server is stopped before the error is thrown.
 *
 * Requires `moto_server` and `python3` with boto3 (`pip install 'moto[server]'`). No Docker:
 * container image assets cannot be deployed; file assets are uploaded to moto's S3.
 */
export class LocalDeploy {
  /**
   * Whether `moto_server` and `python3` can be found on PATH.
   */
  public static isInstalled(): boolean {
    return findExecutable('moto_server') !== undefined && findExecutable('python3') !== undefined;
  }

  /**
   * The CloudFormation resource types moto's CloudFormation implementation can create
   * (asks the installed moto, ~3 s, cached per process; no server needed). Other types are
   * skipped silently on deploy.
   *
   * @param python the Python interpreter with moto installed
   */
  public static supportedResourceTypes(python?: string): string[] {
    return [...emulatorProfile(python ?? 'python3').profile.supportedTypes];
  }

  /**
   * The resource types of the stack's template that moto would skip (no deployment needed).
   * Lane tests can assert on this list to know what a local deploy cannot prove.
   *
   * @param stack the stack to inspect
   * @param python the Python interpreter with moto installed
   */
  public static unsupportedResourceTypes(stack: Stack, python?: string): string[] {
    const supported = new Set(LocalDeploy.supportedResourceTypes(python));
    const template = synthStack(stack).template;
    const types = Object.values<any>(template.Resources ?? {}).map((r) => String(r?.Type ?? ''));
    return Array.from(new Set(types.filter((t) => !supported.has(t)))).sort();
  }

  /**
   * Renders what a deployment did beyond CloudFormation, for logs: every adaptation made to the
   * template for the emulator, every resource created through the service APIs (with what was
   * read back), and every resource that exists nowhere locally (with the reason).
   *
   * @param result a deployment result
   */
  public static formatResult(result: LocalDeployResult): string {
    const lines: string[] = [];
    lines.push(`${result.stackName}: ${result.stackStatus}; ${result.created.length + result.confirmedViaApi.length} created by CloudFormation, ${result.createdViaApi.length} created via API, ${result.notCreated.length} not created`);
    if (result.adaptations.length > 0) {
      lines.push(`Adapted for the emulator (${result.adaptations.length}; the real template is unchanged):`);
      for (const a of result.adaptations) {
        lines.push(`  ${a.logicalId} (${a.resourceType}): ${a.change} — ${a.reason}`);
      }
    }
    if (result.createdViaApi.length > 0) {
      lines.push(`Created via API (${result.createdViaApi.length}):`);
      for (const c of result.createdViaApi) {
        lines.push(`  ${c.logicalId} (${c.resourceType}): ${c.apiCalls.join(', ')} -> ${c.readBack}${c.notes.length ? ` [${c.notes.join('; ')}]` : ''}`);
      }
    }
    if (result.notCreated.length > 0) {
      lines.push(`Not created locally (${result.notCreated.length}):`);
      for (const n of result.notCreated) {
        lines.push(`  ${n.logicalId} (${n.resourceType}): ${n.reason}`);
      }
    }
    return lines.join('\n');
  }

  /**
   * Synthesizes the stack's app, starts moto, bootstraps and deploys the stack.
   *
   * The stack may be environment-agnostic (deployed to 123456789012/us-east-1) or have a
   * concrete account and region (moto is started with that account).
   *
   * @param stack the stack to deploy
   * @param options deployment options
   */
  public static deployStack(stack: Stack, options?: LocalDeployOptions): LocalDeploy {
    const started = Date.now();
    const synth = synthStack(stack);
    return LocalDeploy.deploy(synth.rootAssemblyDir, stack.artifactId, options ?? {}, Date.now() - started);
  }

  /**
   * Starts moto, bootstraps and deploys one stack of an existing cloud assembly directory
   * (a `cdk.out`). The directory is copied to a temp dir first and left untouched.
   *
   * @param assemblyDir the cloud assembly directory
   * @param stack the stack's artifact id, display name (`Stage/Stack`) or CloudFormation name
   * @param options deployment options
   */
  public static deployAssembly(assemblyDir: string, stack: string, options?: LocalDeployOptions): LocalDeploy {
    return LocalDeploy.deploy(assemblyDir, stack, options ?? {}, 0);
  }

  private static deploy(assemblyDir: string, stack: string, options: LocalDeployOptions, synthMs: number): LocalDeploy {
    const deployment = new LocalDeploy(options);
    try {
      deployment.run(path.resolve(assemblyDir), stack, synthMs);
    } catch (e) {
      deployment.stop();
      throw e;
    }
    return deployment;
  }

  private readonly options: LocalDeployOptions;
  private readonly workDir: string;
  private logFile: string;
  private server?: ChildProcess;
  /** The deployment whose server this one borrows (`onServerOf`). */
  private host?: LocalDeploy;
  private port = 0;
  private account = '123456789012';
  private region = 'us-east-1';
  private deployResult?: LocalDeployResult;
  private stopped = false;
  private readonly onExit = () => this.stop();

  private constructor(options: LocalDeployOptions) {
    this.options = options;
    this.workDir = makeTempDir('local-deploy-');
    this.logFile = path.join(this.workDir, 'moto.log');
  }

  /**
   * What the deployment produced.
   */
  public get result(): LocalDeployResult {
    if (!this.deployResult) {
      throw new Error('LocalDeploy: no deployment result (the deployment failed)');
    }
    return this.deployResult;
  }

  /**
   * The moto endpoint URL, e.g. `http://localhost:5123`.
   */
  public get endpointUrl(): string {
    return `http://localhost:${this.port}`;
  }

  /**
   * Whether the moto server is still running.
   */
  public get running(): boolean {
    return this.host ? this.host.running && !this.stopped : this.server !== undefined;
  }

  /**
   * Everything moto_server logged so far.
   */
  public serverLog(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf-8');
    } catch {
      return '';
    }
  }

  /**
   * Calls any boto3 client operation against the moto server and returns the parsed response
   * (without `ResponseMetadata`; dates as strings, streaming bodies read as text).
   *
   * @param service boto3 service name, e.g. `sqs`, `sagemaker`, `s3`
   * @param operation operation in snake_case (`get_queue_attributes`) or PascalCase (`GetQueueAttributes`)
   * @param paramsJson the operation parameters as a JSON object text
   */
  public describeViaBoto3(service: string, operation: string, paramsJson?: string): { [key: string]: any } {
    if (!this.running) {
      throw new Error('LocalDeploy: the moto server is stopped; describeViaBoto3 needs a running deployment');
    }
    let params: unknown = {};
    if (paramsJson !== undefined && paramsJson.trim() !== '') {
      try {
        params = JSON.parse(paramsJson);
      } catch (e) {
        throw new Error(`LocalDeploy.describeViaBoto3(${service}, ${operation}): params are not valid JSON: ${(e as Error).message}`);
      }
      if (params === null || typeof params !== 'object' || Array.isArray(params)) {
        throw new Error(`LocalDeploy.describeViaBoto3(${service}, ${operation}): params must be a JSON object`);
      }
    }
    return this.boto3([{ service, operation, params }])[0];
  }

  /**
   * Runs several boto3 calls in one Python process (each call costs ~0.5-2 s of interpreter and
   * boto3 start-up) and returns their responses in order. Stops at the first failing call and throws.
   *
   * @param callsJson a JSON array of `{"service": "sqs", "operation": "list_queues", "params": {...}}`
   */
  public describeAllViaBoto3(callsJson: string): { [key: string]: any }[] {
    if (!this.running) {
      throw new Error('LocalDeploy: the moto server is stopped; describeAllViaBoto3 needs a running deployment');
    }
    let calls: unknown;
    try {
      calls = JSON.parse(callsJson);
    } catch (e) {
      throw new Error(`LocalDeploy.describeAllViaBoto3: calls are not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(calls) || calls.some((c) => c === null || typeof c !== 'object' || typeof c.service !== 'string' || typeof c.operation !== 'string'
      || (c.params !== undefined && (c.params === null || typeof c.params !== 'object' || Array.isArray(c.params))))) {
      throw new Error('LocalDeploy.describeAllViaBoto3: calls must be a JSON array of {service, operation, params?} with params a JSON object');
    }
    return this.boto3(calls.map((c) => ({ service: c.service, operation: c.operation, params: c.params ?? {} })));
  }

  /**
   * Stops the moto server (idempotent) and removes the temp directory.
   */
  public stop(): void {
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    const server = this.server;
    this.server = undefined;
    if (server && server.pid !== undefined) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        try {
          // Negative pid: the process group created for this server only (spawned detached).
          process.kill(-server.pid, signal);
        } catch {
          break; // already gone
        }
        if (signal === 'SIGTERM') {
          sleepSync(300);
        }
      }
    }
    removeDir(this.workDir);
  }

  private run(assemblyDir: string, stackSelector: string, synthMs: number): void {
    const t0 = Date.now() - synthMs;
    const timeoutMs = (this.options.timeoutSeconds ?? 300) * 1000;
    const python = this.options.python ?? 'python3';
    if (!findExecutable('moto_server')) {
      throw new Error(`moto is not installed: run \`${PYTHON_TOOLS_INSTALL_HINT}\``);
    }
    if (!findExecutable(python)) {
      throw new Error(`${python} is not installed: LocalDeploy needs python3 with boto3 (\`${PYTHON_TOOLS_INSTALL_HINT}\`)`);
    }
    const cdkCli = this.resolveCdkCli();

    // 1. Copy the assembly, find the stack, adapt its template for the emulator (the copy only).
    let t = Date.now();
    const asmCopy = path.join(this.workDir, 'cdk.out');
    fs.cpSync(assemblyDir, asmCopy, { recursive: true });
    const artifact = findStackArtifact(asmCopy, stackSelector);
    const envMatch = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    if (envMatch && /^\d{12}$/.test(envMatch[1])) {
      this.account = envMatch[1];
    }
    if (envMatch && envMatch[2] !== 'unknown-region') {
      this.region = envMatch[2];
    }
    const templatePath = path.join(artifact.assemblyDir, artifact.templateFile);
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
    const typeOf = (id: string): string => String(template.Resources?.[id]?.Type ?? '');
    const getAttPairs: [string, string][] = [];
    collectReferences(template.Resources ?? {}, (id, attr) => {
      if (attr !== undefined && typeOf(id)) { getAttPairs.push([typeOf(id), attr]); }
    });
    const { profile, attrSupported } = emulatorProfile(python, getAttPairs);
    const supported = new Set(profile.supportedTypes);
    let adapted: AdaptResult | undefined;
    if (this.options.adaptForEmulator ?? true) {
      adapted = adaptTemplate(template, {
        stackName: artifact.stackName, account: this.account, region: this.region,
        supportedTypes: supported, sageMakerInstanceTypes: profile.sageMakerInstanceTypes, attrSupported,
      });
      fs.writeFileSync(templatePath, JSON.stringify(adapted.template, undefined, 1));
    }
    const copyMs = Date.now() - t;

    // 2. Start moto on a free localhost port (or borrow a running deployment's server).
    t = Date.now();
    const host = this.options.onServerOf;
    if (host) {
      if (!host.running) {
        throw new Error('LocalDeploy: onServerOf is a deployment whose moto server is stopped');
      }
      if (host.account !== this.account || host.region !== this.region) {
        throw new Error(`LocalDeploy: onServerOf runs account ${host.account} in ${host.region}, but stack '${artifact.stackName}' targets ${this.account} in ${this.region}`);
      }
      this.host = host;
      this.port = host.port;
      this.logFile = host.logFile;
    } else {
      this.startServer();
    }
    const serverStartMs = Date.now() - t;

    const env = this.cliEnv();
    // 3. Bootstrap: create the CDK's own bootstrap stack (the template `cdk bootstrap` deploys) with
    // one boto3 call, which saves a CDK CLI start-up per deploy; `cliBootstrap` runs the CLI instead.
    t = Date.now();
    if (host) {
      // the host deployment bootstrapped this server
    } else if (this.options.cliBootstrap) {
      const boot = runSync(process.execPath, {
        args: [cdkCli, 'bootstrap', `aws://${this.account}/${this.region}`, '--no-notices', '--no-color', '--progress', 'events'],
        env, cwd: this.workDir, timeoutMs, label: 'cdk bootstrap (moto)',
      });
      if (boot.status !== 0) {
        throw new Error(`cdk bootstrap against moto failed (exit code ${boot.status}):\n${tail(boot.stderr)}${tail(boot.stdout)}moto log:\n${tail(this.serverLog(), 20)}`);
      }
    } else {
      const templateBody = fs.readFileSync(bootstrapTemplatePath(cdkCli), 'utf-8');
      const [, created] = this.boto3([
        { service: 'cloudformation', operation: 'create_stack', params: { StackName: 'CDKToolkit', TemplateBody: templateBody, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] } },
        { service: 'cloudformation', operation: 'describe_stacks', params: { StackName: 'CDKToolkit' } },
      ], timeoutMs);
      const status = created?.Stacks?.[0]?.StackStatus;
      if (status !== 'CREATE_COMPLETE') {
        throw new Error(`bootstrap stack against moto ended in ${status}; moto log:\n${tail(this.serverLog(), 20)}`);
      }
    }
    const bootstrapMs = Date.now() - t;

    // 4. Deploy. A failed deploy is an error that says why (known emulator failures are translated).
    const logOffset = this.serverLog().length;
    t = Date.now();
    const deployArgs = [cdkCli, 'deploy', artifact.displayName, '--app', asmCopy, '--require-approval', 'never',
      '--method', this.options.deployMethod ?? 'direct', '--no-notices', '--no-color', '--progress', 'events'];
    if (this.options.exclusively) {
      deployArgs.push('--exclusively');
    }
    const deploy = runSync(process.execPath, { args: deployArgs, env, cwd: this.workDir, timeoutMs, label: 'cdk deploy (moto)' });
    if (deploy.status !== 0) {
      throw new Error(this.failureMessage(`cdk deploy of '${artifact.displayName}' against moto failed (exit code ${deploy.status})`,
        `${deploy.stderr}\n${deploy.stdout}`, artifact.stackName, logOffset, typeOf, adapted));
    }
    const deployMs = Date.now() - t;

    // 5. Read back.
    t = Date.now();
    const [resources, stacks] = this.boto3([
      { service: 'cloudformation', operation: 'list_stack_resources', params: { StackName: artifact.stackName }, paginate: true },
      { service: 'cloudformation', operation: 'describe_stacks', params: { StackName: artifact.stackName } },
    ], timeoutMs);
    const readBackMs = Date.now() - t;
    const stackInfo = (stacks.Stacks ?? [])[0] ?? {};
    const stackStatus = String(stackInfo.StackStatus ?? 'UNKNOWN');
    if (stackStatus !== 'CREATE_COMPLETE' && stackStatus !== 'UPDATE_COMPLETE') {
      throw new Error(this.failureMessage(`cdk deploy of '${artifact.stackName}' exited 0 but the stack is ${stackStatus}${stackInfo.StackStatusReason ? ` (${stackInfo.StackStatusReason})` : ''}`,
        `${stackStatus}\n${deploy.stdout}`, artifact.stackName, logOffset, typeOf, adapted));
    }

    const unsupportedTypes = Array.from(new Set(
      Array.from(this.serverLog().slice(logOffset).matchAll(/Tried to parse (\S+) but it's not supported/g)).map((m) => m[1]),
    )).sort();
    const summaries: any[] = resources.StackResourceSummaries ?? [];
    const byLogicalId = new Map<string, any>();
    for (const s of summaries) {
      if (s.LogicalResourceId) {
        byLogicalId.set(s.LogicalResourceId, s);
      }
    }
    const removed = new Set(adapted?.removed ?? []);
    const created: LocalDeployedResource[] = [];
    const skipped: LocalSkippedResource[] = [];
    for (const [logicalId, res] of Object.entries<any>(template.Resources ?? {})) {
      const type = String(res?.Type ?? '');
      const summary = byLogicalId.get(logicalId);
      if (summary && summary.PhysicalResourceId) {
        created.push({ logicalId, resourceType: type, physicalId: String(summary.PhysicalResourceId), status: String(summary.ResourceStatus ?? '') });
        continue;
      }
      const reasons: string[] = [];
      if (unsupportedTypes.includes(type)) {
        reasons.push(`moto does not support ${type} in CloudFormation`);
      } else if (removed.has(logicalId)) {
        reasons.push(type === 'AWS::Lambda::Permission'
          ? 'removed from the emulator template: a permission on a Lambda alias or version the emulator\'s CloudFormation does not create'
          : 'removed from the emulator template: a Lambda-backed custom resource (its provider would have to run in Docker)');
      } else if (summary) {
        reasons.push('moto lists it without a physical id');
      } else {
        reasons.push('not in list-stack-resources');
      }
      if (res?.Condition) {
        reasons.push(`it has Condition '${res.Condition}', which may have been false`);
      }
      skipped.push({ logicalId, resourceType: type, reason: reasons.join('; ') });
    }
    const outputs: { [key: string]: string } = {};
    const refValues: { [key: string]: string } = {};
    for (const o of stackInfo.Outputs ?? []) {
      if (String(o.OutputKey).startsWith(REF_OUTPUT_PREFIX) && adapted?.refOutputs.some((r) => r.outputKey === o.OutputKey)) {
        refValues[String(o.OutputKey)] = o.OutputValue;
      } else {
        outputs[String(o.OutputKey)] = String(o.OutputValue);
      }
    }

    // 6. Create what moto's CloudFormation skipped through the service APIs, and read it back.
    t = Date.now();
    const createdViaApi: LocalApiCreatedResource[] = [];
    const notCreated: LocalSkippedResource[] = [];
    const confirmedViaApi: LocalDeployedResource[] = [];
    // Resources moto created but lists without a physical id exist: they are looked up, not created again.
    const isMissing = (sk: LocalSkippedResource) => unsupportedTypes.includes(sk.resourceType) || removed.has(sk.logicalId) || !supported.has(sk.resourceType);
    const toCreate = skipped;
    if ((this.options.createSkippedViaApi ?? true) && toCreate.length > 0) {
      const values: { [id: string]: { ref?: string; attrs: { [a: string]: string } } } = {};
      for (const r of adapted?.refOutputs ?? []) {
        const v = refValues[r.outputKey];
        if (v === undefined || v === 'None' || /^<moto\./.test(String(v))) { continue; }
        const entry = values[r.logicalId] ?? (values[r.logicalId] = { attrs: {} });
        if (r.attribute === undefined) { entry.ref = v; } else { entry.attrs[r.attribute] = v; }
      }
      const requests: ApiCreateRequest[] = toCreate.map((sk) => {
        const res = template.Resources[sk.logicalId];
        const deps = typeof res.DependsOn === 'string' ? [res.DependsOn] : Array.isArray(res.DependsOn) ? res.DependsOn : [];
        return {
          logicalId: sk.logicalId, resourceType: sk.resourceType, properties: res.Properties ?? {}, dependsOn: deps,
          condition: res.Condition, plannedName: adapted?.plannedNames[sk.logicalId] ?? `${artifact.stackName}-${sk.logicalId}`,
          mode: isMissing(sk) ? 'create' : 'confirm',
        };
      });
      const outcomes = this.createViaApi(requests, { values, lambdaVersions: adapted?.lambdaVersions ?? {}, placeholders: adapted?.removed ?? [], mappings: template.Mappings ?? {} },
        artifact.stackName, timeoutMs);
      const confirming = new Set(requests.filter((q) => q.mode === 'confirm').map((q) => q.logicalId));
      for (const o of outcomes) {
        if (o.created && confirming.has(o.logicalId)) {
          confirmedViaApi.push({ logicalId: o.logicalId, resourceType: o.resourceType, physicalId: o.physicalId ?? '', status: `created by CloudFormation, found with ${(o.apiCalls ?? []).join(', ')}` });
        } else if (o.created) {
          createdViaApi.push({ logicalId: o.logicalId, resourceType: o.resourceType, physicalId: o.physicalId ?? '', apiCalls: o.apiCalls ?? [], readBack: o.readBack ?? '', notes: o.notes ?? [] });
        } else {
          notCreated.push({ logicalId: o.logicalId, resourceType: o.resourceType, reason: o.reason ?? 'not created' });
        }
      }
    } else {
      notCreated.push(...toCreate.filter(isMissing).map((sk) => ({ ...sk, reason: `${sk.reason}; createSkippedViaApi is off` })));
    }
    const apiCreateMs = Date.now() - t;

    this.deployResult = {
      stackName: artifact.stackName,
      stackStatus,
      account: this.account,
      region: this.region,
      endpointUrl: this.endpointUrl,
      created,
      skipped,
      createdViaApi,
      notCreated,
      confirmedViaApi,
      adaptations: adapted?.adaptations ?? [],
      unsupportedTypes,
      outputs,
      timings: {
        serverStartMs,
        synthMs: synthMs + copyMs,
        bootstrapMs,
        deployMs,
        readBackMs,
        apiCreateMs,
        totalMs: Date.now() - t0,
      },
    };
  }

  /**
   * The deploy failure with the stack's failed events, moto's last exception and, for the
   * emulator's known failures, the cause and the fix.
   */
  private failureMessage(headline: string, cliOutput: string, stackName: string, logOffset: number, typeOf: (id: string) => string, adapted?: AdaptResult): string {
    const log = this.serverLog().slice(logOffset);
    let events = '';
    try {
      const [ev] = this.boto3([{ service: 'cloudformation', operation: 'describe_stack_events', params: { StackName: stackName } }], 60_000);
      events = (ev.StackEvents ?? []).filter((e: any) => /FAILED/.test(String(e.ResourceStatus)))
        .map((e: any) => `  ${e.LogicalResourceId} (${e.ResourceType}) ${e.ResourceStatus}: ${e.ResourceStatusReason ?? ''}`).join('\n');
    } catch {
      // the stack was never created: the CLI output says why
    }
    const exception = lastMotoException(log);
    const explanations = explainEmulatorFailure(`${cliOutput}\n${events}\n${log}`, typeOf);
    // The CLI's own error lines (❌, ‣, ...Error/Exception) first: the tail of its output is progress lines.
    const cliErrors = cliOutput.split('\n').filter((l) => /❌|‣|Error\b|Exception\b|failed/i.test(l) && !/^\s*$/.test(l)).slice(0, 10);
    const parts = [headline + '.'];
    if (cliErrors.length > 0) { parts.push(`cdk said:\n${cliErrors.map((l) => `  ${l.trim()}`).join('\n')}`); }
    if (explanations.length > 0) { parts.push(explanations.join('\n')); }
    if (exception) { parts.push(`moto raised: ${exception}`); }
    if (events) { parts.push(`Failed stack events:\n${events}`); }
    if (adapted && adapted.adaptations.length > 0) { parts.push(`Adaptations applied before the deploy: ${adapted.adaptations.length} (${[...new Set(adapted.adaptations.map((a) => a.resourceType))].join(', ')})`); }
    parts.push(`cdk output:\n${tail(cliOutput, 25)}moto log:\n${tail(log, 20)}`);
    return parts.join('\n');
  }

  private createViaApi(resources: ApiCreateRequest[], context: object, stackName: string, timeoutMs: number): ApiCreateOutcome[] {
    const python = this.options.python ?? 'python3';
    const run = runSync(python, {
      args: ['-c', API_CREATE_SCRIPT],
      input: JSON.stringify({ ...context, endpoint: this.endpointUrl, region: this.region, account: this.account, stackName, resources }),
      env: { ...this.cliEnv(), PYTHONWARNINGS: 'ignore' },
      timeoutMs,
      label: 'creating skipped resources through the service APIs (boto3)',
    });
    try {
      return JSON.parse(run.stdout).outcomes;
    } catch {
      throw new Error(`LocalDeploy: creating the skipped resources through the APIs failed (exit code ${run.status}):\n${tail(run.stderr)}${tail(run.stdout)}`);
    }
  }

  private resolveCdkCli(): string {
    if (this.options.cdkCliPath) {
      if (!fs.existsSync(this.options.cdkCliPath)) {
        throw new Error(`LocalDeploy: cdkCliPath ${this.options.cdkCliPath} does not exist`);
      }
      return fs.realpathSync(this.options.cdkCliPath);
    }
    const searchPaths = [__dirname, process.cwd()];
    try {
      const pkg = require.resolve('aws-cdk/package.json', { paths: searchPaths });
      const bin = path.join(path.dirname(pkg), 'bin', 'cdk');
      if (fs.existsSync(bin)) {
        return bin;
      }
    } catch {
      // fall through to PATH
    }
    const onPath = findExecutable('cdk');
    if (onPath) {
      return fs.realpathSync(onPath);
    }
    throw new Error('LocalDeploy: the AWS CDK CLI was not found: add the `aws-cdk` npm package or pass cdkCliPath');
  }

  private cliEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) {
      // Never let real credentials, profiles or endpoints leak into the local deployment.
      if (/^AWS_/.test(k) || /^CDK_/.test(k)) {
        delete env[k];
      }
    }
    const emptyConfig = path.join(this.workDir, 'aws-config');
    fs.writeFileSync(emptyConfig, '');
    return {
      ...env,
      AWS_ENDPOINT_URL: this.endpointUrl,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_CONFIG_FILE: emptyConfig,
      AWS_SHARED_CREDENTIALS_FILE: emptyConfig,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CI: 'true',
      NODE_NO_WARNINGS: '1',
      FORCE_COLOR: '0',
    };
  }

  private startServer(): void {
    const startupMs = (this.options.startupTimeoutSeconds ?? 30) * 1000;
    const motoServer = findExecutable('moto_server')!;
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = freePort();
      fs.writeFileSync(this.logFile, '');
      const logFd = fs.openSync(this.logFile, 'a');
      try {
        // Output goes to a file, never to a pipe: nobody drains pipes while we block in spawnSync.
        // Through a launcher that makes the kernel stop moto when this process exits, whatever the reason.
        this.server = spawn(this.options.python ?? 'python3', ['-c', TIED_TO_PARENT_LAUNCHER, motoServer, '-H', 'localhost', '-p', String(this.port)], {
          detached: true,
          stdio: ['ignore', logFd, logFd],
          // 'always': moto's "not supported" UserWarning must be logged for every stack, not once per process.
          env: { ...process.env, MOTO_ACCOUNT_ID: this.account, PYTHONWARNINGS: 'always' },
        });
      } finally {
        fs.closeSync(logFd);
      }
      this.server.unref();
      process.once('exit', this.onExit);
      const wait = runSync(process.execPath, {
        args: ['-e', WAIT_FOR_SERVER_SCRIPT, String(this.port), this.logFile, String(startupMs)],
        timeoutMs: startupMs + 10_000,
        label: 'waiting for moto_server',
      });
      if (wait.status === 0) {
        return;
      }
      lastError = `${wait.stdout}${wait.stderr}\nmoto log:\n${tail(this.serverLog(), 20)}`;
      const pid = this.server.pid;
      this.server = undefined;
      process.removeListener('exit', this.onExit);
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    throw new Error(`moto_server did not start on localhost after 3 attempts: ${lastError}`);
  }

  private boto3(calls: Boto3Call[], timeoutMs?: number): any[] {
    const python = this.options.python ?? 'python3';
    const run = runSync(python, {
      args: ['-c', BOTO3_SCRIPT],
      input: JSON.stringify({ endpoint: this.endpointUrl, region: this.region, calls }),
      env: { ...this.cliEnv(), PYTHONWARNINGS: 'ignore' },
      timeoutMs: timeoutMs ?? 120_000,
      label: 'boto3',
    });
    let parsed: any;
    try {
      parsed = JSON.parse(run.stdout);
    } catch {
      if (/No module named 'boto3'/.test(run.stderr)) {
        throw new Error(`boto3 is not installed for ${python}: run \`pip install boto3 'moto[server]'\``);
      }
      throw new Error(`boto3 call failed (exit code ${run.status}):\n${tail(run.stderr)}${tail(run.stdout)}`);
    }
    if (parsed.error) {
      const c = parsed.error;
      throw new Error(`boto3 ${c.service}.${c.operation} failed: ${c.code ? `${c.code}: ` : ''}${c.message}`);
    }
    return parsed.results;
  }
}

/** The bootstrap template shipped with the aws-cdk CLI that `cdkCli` belongs to. */
function bootstrapTemplatePath(cdkCli: string): string {
  let dir = path.dirname(fs.realpathSync(cdkCli));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml');
    if (fs.existsSync(candidate)) { return candidate; }
    dir = path.dirname(dir);
  }
  throw new Error(`LocalDeploy: cannot find the CDK bootstrap template next to ${cdkCli}; pass cliBootstrap: true`);
}

interface Boto3Call {
  readonly service: string;
  readonly operation: string;
  readonly params: unknown;
  readonly paginate?: boolean;
}

interface StackArtifact {
  readonly assemblyDir: string;
  readonly artifactId: string;
  readonly displayName: string;
  readonly stackName: string;
  readonly templateFile: string;
  readonly environment?: string;
}

/** Finds a stack artifact in a cloud assembly (recursing into nested Stage assemblies). */
function findStackArtifact(assemblyDir: string, selector: string): StackArtifact {
  const all: StackArtifact[] = [];
  const visit = (dir: string) => {
    const manifestPath = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifestPath)) {
      throw new Error(`LocalDeploy: ${dir} is not a cloud assembly (no manifest.json)`);
    }
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf-8'));
    for (const [id, art] of Object.entries<any>(manifest.artifacts ?? {})) {
      if (art.type === 'aws:cloudformation:stack') {
        all.push({
          assemblyDir: dir,
          artifactId: id,
          displayName: art.displayName ?? id,
          stackName: art.properties?.stackName ?? id,
          templateFile: art.properties?.templateFile,
          environment: art.environment,
        });
      } else if (art.type === 'cdk:cloud-assembly' && art.properties?.directoryName) {
        visit(path.join(dir, art.properties.directoryName));
      }
    }
  };
  visit(assemblyDir);
  const match = all.find((a) => a.artifactId === selector)
    ?? all.find((a) => a.displayName === selector)
    ?? all.find((a) => a.stackName === selector);
  if (!match) {
    throw new Error(`LocalDeploy: stack '${selector}' not found in ${assemblyDir}; stacks: ${all.map((a) => a.displayName).join(', ') || '(none)'}`);
  }
  return match;
}

/** Finds a free TCP port on localhost (in a child process, to stay synchronous). */
function freePort(): number {
  const run = runSync(process.execPath, {
    args: ['-e', "const s=require('net').createServer();s.listen(0,'localhost',()=>{process.stdout.write(String(s.address().port));s.close();});"],
    timeoutMs: 10_000,
    label: 'finding a free port',
  });
  const port = Number(run.stdout.trim());
  if (run.status !== 0 || !Number.isInteger(port) || port <= 0) {
    throw new Error(`LocalDeploy: could not find a free localhost port: ${run.stderr}`);
  }
  return port;
}

/** argv: port, log file, timeout ms. Exit 0 when moto answers, 2 when its log shows a crash, 1 on timeout. */
const WAIT_FOR_SERVER_SCRIPT = `
const http = require('http'); const fs = require('fs');
const [port, logFile, timeoutMs] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
function crashed() {
  try { const log = fs.readFileSync(logFile, 'utf-8'); return /Traceback|Address already in use|error while attempting to bind/i.test(log); } catch { return false; }
}
function attempt() {
  if (crashed()) { console.log('moto_server exited during startup'); process.exit(2); }
  if (Date.now() > deadline) { console.log('moto_server did not answer within ' + timeoutMs + 'ms'); process.exit(1); }
  const req = http.get({ host: 'localhost', port: Number(port), path: '/moto-api/', timeout: 2000 }, (res) => { res.resume(); process.exit(0); });
  req.on('error', () => setTimeout(attempt, 100));
  req.on('timeout', () => { req.destroy(); });
}
attempt();
`;

/**
 * Reads {endpoint, region, calls: [{service, operation, params, paginate}]} on stdin and prints
 * {results: [...]} or {error: {service, operation, code, message}}.
 */
const BOTO3_SCRIPT = `
import base64, datetime, decimal, json, sys
import boto3, botocore
req = json.load(sys.stdin)

def default(o):
    if isinstance(o, (datetime.datetime, datetime.date)):
        return o.isoformat()
    if isinstance(o, decimal.Decimal):
        return float(o)
    if hasattr(o, 'read'):
        data = o.read()
        try:
            return data.decode('utf-8')
        except Exception:
            return base64.b64encode(data).decode('ascii')
    if isinstance(o, (bytes, bytearray)):
        return base64.b64encode(bytes(o)).decode('ascii')
    if isinstance(o, set):
        return sorted(o)
    return str(o)

results = []
for call in req['calls']:
    op = botocore.xform_name(call['operation'])
    try:
        client = boto3.client(call['service'], endpoint_url=req['endpoint'], region_name=req['region'],
                              aws_access_key_id='testing', aws_secret_access_key='testing', aws_session_token='testing')
        if not hasattr(client, op):
            raise ValueError('unknown operation %s for service %s' % (op, call['service']))
        params = call.get('params') or {}
        if call.get('paginate') and client.can_paginate(op):
            res = client.get_paginator(op).paginate(**params).build_full_result()
        else:
            res = getattr(client, op)(**params)
        res.pop('ResponseMetadata', None)
        results.append(res)
    except botocore.exceptions.ClientError as e:
        err = e.response.get('Error', {})
        print(json.dumps({'error': {'service': call['service'], 'operation': op, 'code': err.get('Code', ''), 'message': err.get('Message', str(e))}}))
        sys.exit(0)
    except Exception as e:
        print(json.dumps({'error': {'service': call['service'], 'operation': op, 'code': type(e).__name__, 'message': str(e)}}))
        sys.exit(0)
print(json.dumps({'results': results}, default=default))
`;
