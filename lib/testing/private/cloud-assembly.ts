import * as fs from 'fs';
import * as path from 'path';
import { findExecutable } from './process';

/** A stack of a cloud assembly, as its manifest names it. */
export interface StackArtifact {
  readonly assemblyDir: string;
  readonly artifactId: string;
  readonly displayName: string;
  readonly stackName: string;
  readonly templateFile: string;
  readonly environment?: string;
}

/** Finds a stack artifact in a cloud assembly (recursing into nested Stage assemblies). */
export function findStackArtifact(assemblyDir: string, selector: string): StackArtifact {
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

/**
 * The account and region a stack artifact's environment (`aws://<account>/<region>`) names; each is
 * undefined when the stack is environment-agnostic in it (`unknown-account`, `unknown-region`).
 */
export function stackTarget(environment: string | undefined): { account?: string; region?: string } {
  const envMatch = /^aws:\/\/([^/]+)\/(.+)$/.exec(environment ?? '');
  return {
    account: envMatch && /^\d{12}$/.test(envMatch[1]) ? envMatch[1] : undefined,
    region: envMatch && envMatch[2] !== 'unknown-region' ? envMatch[2] : undefined,
  };
}

/** The bootstrap template shipped with the aws-cdk CLI that `cdkCli` belongs to. */
export function bootstrapTemplatePath(cdkCli: string): string {
  let dir = path.dirname(fs.realpathSync(cdkCli));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml');
    if (fs.existsSync(candidate)) { return candidate; }
    dir = path.dirname(dir);
  }
  throw new Error(`LocalDeploy: cannot find the CDK bootstrap template next to ${cdkCli}; pass cliBootstrap: true`);
}

/**
 * The AWS CDK CLI entry point: `cdkCliPath` when given (it must exist), else the `aws-cdk` package
 * resolved from `searchPaths`, else `cdk` on PATH.
 */
export function resolveCdkCli(cdkCliPath: string | undefined, searchPaths: string[]): string {
  if (cdkCliPath) {
    if (!fs.existsSync(cdkCliPath)) {
      throw new Error(`LocalDeploy: cdkCliPath ${cdkCliPath} does not exist`);
    }
    return fs.realpathSync(cdkCliPath);
  }
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

/**
 * The environment for the CDK CLI and boto3 against the emulator: this process's environment
 * without any AWS_* or CDK_* variable (real credentials, profiles and endpoints never leak into a
 * local deployment), then the endpoint, dummy credentials and an empty config file (in `workDir`).
 */
export function localCliEnv(workDir: string, endpointUrl: string, region: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^AWS_/.test(k) || /^CDK_/.test(k)) {
      delete env[k];
    }
  }
  const emptyConfig = path.join(workDir, 'aws-config');
  fs.writeFileSync(emptyConfig, '');
  return {
    ...env,
    AWS_ENDPOINT_URL: endpointUrl,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
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
