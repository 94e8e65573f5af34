import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { LocalDeployResult, LocalSkippedResource } from './local-deploy-result';
import { API_CREATE_SCRIPT, ApiCreateOutcome, ApiCreateRequest } from './private/api-create';
import { boto3Calls, Boto3Call, boto3Params, runBoto3 } from './private/boto3';
import { bootstrapTemplatePath, findStackArtifact, localCliEnv, resolveCdkCli, StackArtifact, stackTarget } from './private/cloud-assembly';
import { apiCreateRequests, classifyResources, deployFailureMessage, failedEvents, formatResult, referenceValues, sortOutcomes, splitOutputs, unsupportedTypesIn } from './private/deploy-result';
import { adaptTemplate, AdaptResult, collectReferences } from './private/emulator-adapter';
import { acceptProfileAnswer, emulatorProfile, EmulatorAnswer, profileRequest, startEmulatorProfile } from './private/emulator-profile';
import { killProcessGroup, readLog, startMotoServer } from './private/moto-server';
import { findExecutable, makeTempDir, PYTHON_TOOLS_INSTALL_HINT, removeDir, runSync, RunResult, tail } from './private/process';
import { synthStack } from './private/synth';

export * from './local-deploy-result';
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
    return formatResult(result);
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
      deployment.settleProfile();
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
  /** moto's answer about the template, still being computed in the background (see `locate`). */
  private pendingProfile?: () => EmulatorAnswer;
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
    return readLog(this.logFile);
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
    return this.boto3([{ service, operation, params: boto3Params(service, operation, paramsJson) }])[0];
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
    return this.boto3(boto3Calls(callsJson));
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
      killProcessGroup(server.pid, true);
    }
    removeDir(this.workDir);
  }

  /** Waits for a background profile query a failed deployment left (so its process and files are gone). */
  private settleProfile(): void {
    const pending = this.pendingProfile;
    this.pendingProfile = undefined;
    try {
      pending?.();
    } catch {
      // the deployment's own error is the one to report
    }
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
    const cdkCli = resolveCdkCli(this.options.cdkCliPath, [__dirname, process.cwd()]);

    // 1. Copy the assembly and find the stack.
    let t = Date.now();
    const located = this.locate(assemblyDir, stackSelector);
    let copyMs = Date.now() - t;

    // 2. Start moto on a free localhost port (or borrow a running deployment's server). What moto
    //    supports (~2 s of Python importing every moto backend) is asked from the launcher of the new
    //    server, whose CloudFormation needs those imports anyway; on a borrowed server (or when the
    //    per-process cache lacks nothing, asked in the background while the server starts).
    t = Date.now();
    const request = this.options.onServerOf ? undefined : profileRequest(python, located.getAttPairs);
    let emulator: () => EmulatorAnswer;
    if (request) {
      const profileOut = path.join(this.workDir, 'moto-profile.json');
      this.attachServer(located.artifact.stackName, { profileRequest: JSON.stringify(request), profileOut });
      emulator = () => this.launcherAnswer(python, profileOut, located.getAttPairs);
    } else {
      this.pendingProfile = startEmulatorProfile(python, located.getAttPairs);
      emulator = this.pendingProfile;
      this.attachServer(located.artifact.stackName);
    }
    const serverStartMs = Date.now() - t;

    // 3. Bootstrap (unless the borrowed server's deployment did).
    const env = this.cliEnv();
    t = Date.now();
    this.bootstrap(cdkCli, env, timeoutMs);
    const bootstrapMs = Date.now() - t;

    // 4. Adapt the stack's template for the emulator (the copy only), with moto's answer.
    t = Date.now();
    const prepared = this.adapt(located, emulator);
    const { artifact, template, adapted } = prepared;
    copyMs += Date.now() - t;

    // 5. Deploy. A failed deploy is an error that says why (known emulator failures are translated).
    const logOffset = this.serverLog().length;
    t = Date.now();
    const deploy = this.cdkDeploy(cdkCli, prepared, env, timeoutMs, logOffset);
    const deployMs = Date.now() - t;

    // 6. Read back what CloudFormation created.
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
        `${stackStatus}\n${deploy.stdout}`, logOffset, prepared));
    }
    const unsupportedTypes = unsupportedTypesIn(this.serverLog().slice(logOffset));
    const removed = new Set(adapted?.removed ?? []);
    const { created, skipped } = classifyResources(template.Resources ?? {}, resources.StackResourceSummaries ?? [], unsupportedTypes, removed);
    const { outputs, refValues } = splitOutputs(stackInfo.Outputs ?? [], adapted?.refOutputs ?? []);

    // 7. Create what moto's CloudFormation skipped through the service APIs, and read it back.
    t = Date.now();
    // Resources moto created but lists without a physical id exist: they are looked up, not created again.
    const isMissing = (sk: LocalSkippedResource) => unsupportedTypes.includes(sk.resourceType) || removed.has(sk.logicalId) || !prepared.supported.has(sk.resourceType);
    const viaApi = this.createSkipped(prepared, skipped, isMissing, refValues, timeoutMs);
    const apiCreateMs = Date.now() - t;

    this.deployResult = {
      stackName: artifact.stackName,
      stackStatus,
      account: this.account,
      region: this.region,
      endpointUrl: this.endpointUrl,
      created,
      skipped,
      ...viaApi,
      adaptations: adapted?.adaptations ?? [],
      unsupportedTypes,
      outputs,
      timings: { serverStartMs, synthMs: synthMs + copyMs, bootstrapMs, deployMs, readBackMs, apiCreateMs, totalMs: Date.now() - t0 },
    };
  }

  /** Copies the assembly, finds the stack and its target, and lists the attributes the template reads with Fn::GetAtt. */
  private locate(assemblyDir: string, stackSelector: string): LocatedStack {
    const asmCopy = path.join(this.workDir, 'cdk.out');
    fs.cpSync(assemblyDir, asmCopy, { recursive: true });
    const artifact = findStackArtifact(asmCopy, stackSelector);
    const target = stackTarget(artifact.environment);
    this.account = target.account ?? this.account;
    this.region = target.region ?? this.region;
    const templatePath = path.join(artifact.assemblyDir, artifact.templateFile);
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
    const typeOf = (id: string): string => String(template.Resources?.[id]?.Type ?? '');
    const getAttPairs: [string, string][] = [];
    collectReferences(template.Resources ?? {}, (id, attr) => {
      if (attr !== undefined && typeOf(id)) { getAttPairs.push([typeOf(id), attr]); }
    });
    return { asmCopy, artifact, template, typeOf, templatePath, getAttPairs };
  }

  /**
   * The profile the new server's launcher answered; when it could not (its interpreter has no moto,
   * or the query failed), asked on its own, which reports why.
   */
  private launcherAnswer(python: string, profileOut: string, getAttPairs: [string, string][]): EmulatorAnswer {
    if (fs.existsSync(profileOut)) {
      return acceptProfileAnswer(python, { status: 0, stdout: fs.readFileSync(profileOut, 'utf-8'), stderr: '', durationMs: 0 });
    }
    return emulatorProfile(python, getAttPairs);
  }

  /** Adapts the copy's template for the emulator (waits for moto's answer). */
  private adapt(located: LocatedStack, emulator: () => EmulatorAnswer): PreparedStack {
    const { asmCopy, artifact, template, typeOf, templatePath } = located;
    const { profile, attrSupported } = emulator();
    this.pendingProfile = undefined;
    const supported = new Set(profile.supportedTypes);
    let adapted: AdaptResult | undefined;
    if (this.options.adaptForEmulator ?? true) {
      adapted = adaptTemplate(template, {
        stackName: artifact.stackName, account: this.account, region: this.region,
        supportedTypes: supported, sageMakerInstanceTypes: profile.sageMakerInstanceTypes, attrSupported,
      });
      fs.writeFileSync(templatePath, JSON.stringify(adapted.template, undefined, 1));
    }
    return { asmCopy, artifact, template, typeOf, supported, adapted, motoFacts: profile.motoFacts };
  }

  /** Starts moto, or borrows the running server of `onServerOf` (same account and region). */
  private attachServer(stackName: string, profile?: { profileRequest: string; profileOut: string }): void {
    const host = this.options.onServerOf;
    if (!host) {
      const started = startMotoServer({
        motoServer: findExecutable('moto_server')!, python: this.options.python ?? 'python3', account: this.account,
        logFile: this.logFile, startupMs: (this.options.startupTimeoutSeconds ?? 30) * 1000, onExit: this.onExit, ...profile,
      });
      this.server = started.process;
      this.port = started.port;
      return;
    }
    if (!host.running) {
      throw new Error('LocalDeploy: onServerOf is a deployment whose moto server is stopped');
    }
    if (host.account !== this.account || host.region !== this.region) {
      throw new Error(`LocalDeploy: onServerOf runs account ${host.account} in ${host.region}, but stack '${stackName}' targets ${this.account} in ${this.region}`);
    }
    this.host = host;
    this.port = host.port;
    this.logFile = host.logFile;
  }

  /**
   * Creates the CDK's own bootstrap stack (the template `cdk bootstrap` deploys) with one boto3 call,
   * which saves a CDK CLI start-up per deploy; `cliBootstrap` runs the CLI instead. Nothing on a
   * borrowed server (its deployment bootstrapped it).
   */
  private bootstrap(cdkCli: string, env: NodeJS.ProcessEnv, timeoutMs: number): void {
    if (this.host) {
      return;
    }
    if (this.options.cliBootstrap) {
      const boot = runSync(process.execPath, {
        args: [cdkCli, 'bootstrap', `aws://${this.account}/${this.region}`, '--no-notices', '--no-color', '--progress', 'events'],
        env, cwd: this.workDir, timeoutMs, label: 'cdk bootstrap (moto)',
      });
      if (boot.status !== 0) {
        throw new Error(`cdk bootstrap against moto failed (exit code ${boot.status}):\n${tail(boot.stderr)}${tail(boot.stdout)}moto log:\n${tail(this.serverLog(), 20)}`);
      }
      return;
    }
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

  /** `cdk deploy` of the copied assembly's stack; a non-zero exit is an error that says why. */
  private cdkDeploy(cdkCli: string, prepared: PreparedStack, env: NodeJS.ProcessEnv, timeoutMs: number, logOffset: number): RunResult {
    const { artifact, asmCopy } = prepared;
    const deployArgs = [cdkCli, 'deploy', artifact.displayName, '--app', asmCopy, '--require-approval', 'never',
      '--method', this.options.deployMethod ?? 'direct', '--no-notices', '--no-color', '--progress', 'events'];
    if (this.options.exclusively) {
      deployArgs.push('--exclusively');
    }
    const deploy = runSync(process.execPath, { args: deployArgs, env, cwd: this.workDir, timeoutMs, label: 'cdk deploy (moto)' });
    if (deploy.status !== 0) {
      throw new Error(this.failureMessage(`cdk deploy of '${artifact.displayName}' against moto failed (exit code ${deploy.status})`,
        `${deploy.stderr}\n${deploy.stdout}`, logOffset, prepared));
    }
    return deploy;
  }

  /** Creates (or, for `confirm` requests, finds) the skipped resources through the service APIs; with `createSkippedViaApi` off, lists them as not created. */
  private createSkipped(prepared: PreparedStack, skipped: LocalSkippedResource[], isMissing: (sk: LocalSkippedResource) => boolean,
    refValues: { [key: string]: string }, timeoutMs: number): Pick<LocalDeployResult, 'createdViaApi' | 'notCreated' | 'confirmedViaApi'> {
    const { artifact, template, adapted } = prepared;
    if (!(this.options.createSkippedViaApi ?? true) || skipped.length === 0) {
      return {
        createdViaApi: [],
        notCreated: skipped.filter(isMissing).map((sk) => ({ ...sk, reason: `${sk.reason}; createSkippedViaApi is off` })),
        confirmedViaApi: [],
      };
    }
    const values = referenceValues(adapted?.refOutputs ?? [], refValues);
    const requests = apiCreateRequests(template.Resources, skipped, isMissing, adapted?.plannedNames ?? {}, artifact.stackName);
    const outcomes = this.createViaApi(requests, {
      values, lambdaVersions: adapted?.lambdaVersions ?? {}, placeholders: adapted?.removed ?? [], mappings: template.Mappings ?? {}, moto: prepared.motoFacts ?? {},
    },
      artifact.stackName, timeoutMs);
    return sortOutcomes(outcomes, requests);
  }

  /**
   * The deploy failure with the stack's failed events, moto's last exception and, for the
   * emulator's known failures, the cause and the fix.
   */
  private failureMessage(headline: string, cliOutput: string, logOffset: number, prepared: PreparedStack): string {
    const log = this.serverLog().slice(logOffset);
    let events = '';
    try {
      const [ev] = this.boto3([{ service: 'cloudformation', operation: 'describe_stack_events', params: { StackName: prepared.artifact.stackName } }], 60_000);
      events = failedEvents(ev.StackEvents ?? []);
    } catch {
      // the stack was never created: the CLI output says why
    }
    return deployFailureMessage({ headline, cliOutput, events, log, typeOf: prepared.typeOf, adaptations: prepared.adapted?.adaptations });
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

  private cliEnv(): NodeJS.ProcessEnv {
    return localCliEnv(this.workDir, this.endpointUrl, this.region);
  }

  private boto3(calls: Boto3Call[], timeoutMs?: number): any[] {
    return runBoto3({ python: this.options.python ?? 'python3', endpoint: this.endpointUrl, region: this.region, env: this.cliEnv() }, calls, timeoutMs);
  }
}

/** A stack of the copied assembly, found, with moto's answer about its template on the way. */
interface LocatedStack {
  readonly asmCopy: string;
  readonly artifact: StackArtifact;
  readonly template: { [key: string]: any };
  readonly typeOf: (logicalId: string) => string;
  readonly templatePath: string;
  /** (type, attribute) of every Fn::GetAtt of the template. */
  readonly getAttPairs: [string, string][];
}

/** A stack of the copied assembly, ready to deploy: its template (as deployed) and what the emulator adaptation did. */
interface PreparedStack {
  readonly asmCopy: string;
  readonly artifact: StackArtifact;
  /** The synthesized template (before the adaptation). */
  readonly template: { [key: string]: any };
  readonly typeOf: (logicalId: string) => string;
  readonly supported: ReadonlySet<string>;
  readonly adapted?: AdaptResult;
  /** What moto's profile says for the API-create step (it imports moto for what is missing). */
  readonly motoFacts?: { [key: string]: any };
}
