import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import { checkReason, findExecutable, makeTempDir, PYTHON_TOOLS_INSTALL_HINT, removeDir, runSync, tail } from './private/process';
import { synthStack } from './private/synth';

/**
 * A cfn-lint rule to skip, with the reason it is safe to skip.
 */
export interface CfnLintIgnoredCheck {
  /**
   * The cfn-lint rule id (or prefix) to skip, e.g. `W3005` or `E3002`.
   */
  readonly ruleId: string;

  /**
   * Why skipping this rule is safe. At least 10 characters.
   */
  readonly reason: string;
}

/**
 * Options for running cfn-lint.
 */
export interface CfnLintOptions {
  /**
   * Rules to skip, each with a reason (passed as `--ignore-checks`).
   *
   * @default - no rule is skipped
   */
  readonly ignoreChecks?: CfnLintIgnoredCheck[];

  /**
   * Regions to validate the template against (passed as `--regions`).
   *
   * @default - `lintStack`/`assertNoErrors`: the stack's region, or `us-east-1` when the stack is
   * region-agnostic; `lintFile`/`lintTemplateJson`: `us-east-1`
   */
  readonly regions?: string[];

  /**
   * Fail `assert*` methods on warnings (W...) too, not only on errors (E...).
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;

  /**
   * Maximum run time of one cfn-lint invocation, in seconds.
   *
   * @default 180
   */
  readonly timeoutSeconds?: number;

  /**
   * The cfn-lint executable (a name looked up on PATH or an absolute path).
   *
   * @default - the `CFN_LINT_EXECUTABLE` environment variable, else `cfn-lint`
   */
  readonly executable?: string;
}

/**
 * One cfn-lint finding.
 */
export interface CfnLintFinding {
  /**
   * Rule id, e.g. `E3002`.
   */
  readonly rule: string;

  /**
   * cfn-lint level: `Error`, `Warning` or `Informational`.
   */
  readonly level: string;

  /**
   * The finding's message.
   */
  readonly message: string;

  /**
   * Location in the template, `/`-joined, e.g. `Resources/MyBucket/Properties/Bogus`.
   */
  readonly path: string;

  /**
   * The resource logical id when the finding is under `Resources`.
   *
   * @default - the finding is not about a resource
   */
  readonly logicalId?: string;

  /**
   * Line in the linted template file.
   *
   * @default - unknown
   */
  readonly line?: number;
}

/**
 * Result of one cfn-lint run.
 */
export interface CfnLintResult {
  /**
   * The template file that was linted.
   */
  readonly templatePath: string;

  /**
   * Findings of level `Error` (rule ids starting with E).
   */
  readonly errors: CfnLintFinding[];

  /**
   * Findings of level `Warning` (rule ids starting with W).
   */
  readonly warnings: CfnLintFinding[];

  /**
   * Findings of level `Informational` (rule ids starting with I).
   */
  readonly informational: CfnLintFinding[];

  /**
   * cfn-lint's exit code (bit flags: 2 error, 4 warning, 8 informational). Any other bit (1, 16,
   * 32, ...) is a cfn-lint crash and throws instead of returning a result; so does an error bit
   * that disagrees with the findings, and an empty output (cfn-lint prints `[]` when clean).
   */
  readonly exitCode: number;

  /**
   * The regions the template was linted against.
   */
  readonly regions: string[];

  /**
   * Wall-clock duration of the cfn-lint run, in milliseconds.
   */
  readonly durationMs: number;
}

/**
 * Runs the real `cfn-lint` (the AWS CloudFormation linter, a Python tool) on synthesized templates.
 *
 * Requires `cfn-lint` on PATH (`pip install cfn-lint`).
 *
 * @example
 * const result = CfnLint.lintStack(stack);
 * expect(result.errors).toEqual([]);
 * CfnLint.assertNoErrors(stack, { ignoreChecks: [{ ruleId: 'W3005', reason: 'explicit DependsOn kept on purpose' }] });
 */
export class CfnLint {
  /**
   * Whether `cfn-lint` can be found on PATH.
   *
   * @param executable the executable name or path
   */
  public static isInstalled(executable?: string): boolean {
    return findExecutable(executable ?? defaultExecutable()) !== undefined;
  }

  /**
   * Lints a template file (JSON or YAML).
   *
   * @param templatePath path of the template file
   * @param options run options
   */
  public static lintFile(templatePath: string, options?: CfnLintOptions): CfnLintResult {
    return CfnLint.lintFiles([templatePath], options)[0];
  }

  /**
   * Lints several template files in ONE cfn-lint run (each run costs seconds of Python start-up and
   * schema loading) and returns one result per file, in order. The exit-code checks apply to the
   * run as a whole.
   *
   * @param templatePaths paths of the template files
   * @param options run options (the same for every file)
   */
  public static lintFiles(templatePaths: string[], options?: CfnLintOptions): CfnLintResult[] {
    const opts = options ?? {};
    if (!templatePaths || templatePaths.length === 0) {
      throw new Error('cfn-lint: give at least one template file');
    }
    const requested = opts.executable ?? defaultExecutable();
    const exe = findExecutable(requested);
    if (!exe) {
      throw new Error(`cfn-lint is not installed${requested === 'cfn-lint' ? '' : ` (looked for ${requested})`}: run \`${PYTHON_TOOLS_INSTALL_HINT}\``);
    }
    const files = templatePaths.map((t) => path.resolve(t));
    for (const absolute of files) {
      if (!fs.existsSync(absolute)) {
        throw new Error(`cfn-lint: template file not found: ${absolute}`);
      }
    }
    if (new Set(files).size !== files.length) {
      throw new Error(`cfn-lint: the same template is given twice: ${files.join(', ')}`);
    }
    const ignored = (opts.ignoreChecks ?? []).map((c) => {
      if (!c.ruleId || !/^[A-Za-z][A-Za-z0-9]*$/.test(c.ruleId)) {
        throw new Error(`cfn-lint: ignored check id must look like 'W3005' (got ${JSON.stringify(c.ruleId)})`);
      }
      checkReason('cfn-lint ignored check', c.ruleId, c.reason);
      return c.ruleId;
    });
    const regions = opts.regions ?? ['us-east-1'];
    if (regions.length === 0 || regions.some((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r))) {
      throw new Error(`cfn-lint: regions must be region names such as 'eu-west-1' (got ${JSON.stringify(regions)})`);
    }
    const args = ['--format', 'json', '--regions', ...regions];
    if (ignored.length > 0) {
      args.push('--ignore-checks', ...ignored);
    }
    args.push('--', ...files);
    const on = files.join(', ');

    const run = runSync(exe, {
      args,
      label: 'cfn-lint',
      timeoutMs: (opts.timeoutSeconds ?? 180) * 1000,
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
    // Exit codes are bit flags 2 (error), 4 (warning), 8 (informational); 1 and any other bit
    // (16, 32, ...) mean cfn-lint itself failed: never a clean lint, whatever it printed.
    const crash = `cfn-lint (${exe}) crashed with exit code ${run.status} on ${on}`;
    if ((run.status & ~(2 | 4 | 8)) !== 0) {
      throw new Error(`${crash} (its exit code is a bit mask: 2 error, 4 warning, 8 informational; anything else is a crash of the linter, not a lint result):\n${tail(run.stderr) || '(no output)\n'}${tail(run.stdout)}`);
    }
    if (run.stdout.trim() === '') {
      // cfn-lint --format json prints `[]` for a clean template: empty output is a linter that died.
      throw new Error(`cfn-lint (${exe}) printed nothing (exit code ${run.status}) on ${on}: a clean lint prints [], so this is treated as a crash, not as a clean template:\n${tail(run.stderr) || '(no stderr)\n'}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(run.stdout);
    } catch (e) {
      throw new Error(`cfn-lint produced output that is not JSON (exit code ${run.status}):\n${tail(run.stdout)}${tail(run.stderr)}`);
    }
    if (!Array.isArray(raw)) {
      throw new Error(`cfn-lint JSON output is not an array: ${tail(run.stdout)}`);
    }
    const byFile = new Map<string, CfnLintFinding[]>(files.map((f) => [f, []]));
    for (const m of raw) {
      const file = files.length === 1 ? files[0] : path.resolve(String((m as any)?.Filename ?? ''));
      const list = byFile.get(file);
      if (!list) {
        throw new Error(`cfn-lint reported a finding for ${file}, which was not linted (${on})`);
      }
      list.push(CfnLint.toFinding(m));
    }
    const allErrors = [...byFile.values()].reduce((n, l) => n + l.filter((f) => f.level === 'Error').length, 0);
    if (((run.status & 2) !== 0) !== (allErrors > 0)) {
      throw new Error(`cfn-lint (${exe}) exit code ${run.status} ${run.status & 2 ? 'reports errors' : 'reports no error'} but its output has ${allErrors} error finding(s) on ${on}: the linter's result cannot be trusted:\n${tail(run.stdout)}${tail(run.stderr)}`);
    }
    return files.map((absolute) => {
      const findings = byFile.get(absolute)!.sort((x, y) => x.path.localeCompare(y.path) || x.rule.localeCompare(y.rule));
      return {
        templatePath: absolute,
        errors: findings.filter((f) => f.level === 'Error'),
        warnings: findings.filter((f) => f.level === 'Warning'),
        informational: findings.filter((f) => f.level !== 'Error' && f.level !== 'Warning'),
        exitCode: run.status,
        regions,
        durationMs: run.durationMs,
      };
    });
  }

  /**
   * Lints a template given as JSON text (written to a temporary file first).
   *
   * @param templateJson the template as JSON text
   * @param options run options
   */
  public static lintTemplateJson(templateJson: string, options?: CfnLintOptions): CfnLintResult {
    try {
      JSON.parse(templateJson);
    } catch (e) {
      throw new Error(`cfn-lint: template is not valid JSON: ${(e as Error).message}`);
    }
    const dir = makeTempDir('cfn-lint-');
    try {
      const file = path.join(dir, 'template.json');
      fs.writeFileSync(file, templateJson);
      return CfnLint.lintFile(file, options);
    } finally {
      removeDir(dir);
    }
  }

  /**
   * Synthesizes the stack (through its App, like `Template.fromStack`) and lints its template
   * against the stack's region (`us-east-1` when the stack is region-agnostic) unless
   * `options.regions` is given.
   *
   * @param stack the stack to lint
   * @param options run options
   */
  public static lintStack(stack: Stack, options?: CfnLintOptions): CfnLintResult {
    const synth = synthStack(stack);
    const regions = options?.regions ?? [Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region];
    return CfnLint.lintTemplateJson(JSON.stringify(synth.template, undefined, 1), { ...options, regions });
  }

  /**
   * Synthesizes several stacks and lints their templates in ONE cfn-lint run; one result per stack,
   * in order. Regions: `options.regions`, else every region the stacks target (`us-east-1` for a
   * region-agnostic stack), so each template is also checked against the others' regions.
   *
   * @param stacks the stacks to lint
   * @param options run options
   */
  public static lintStacks(stacks: Stack[], options?: CfnLintOptions): CfnLintResult[] {
    if (!stacks || stacks.length === 0) {
      throw new Error('cfn-lint: give at least one stack');
    }
    const regions = options?.regions ?? Array.from(new Set(stacks.map((st) => (Token.isUnresolved(st.region) ? 'us-east-1' : st.region))));
    const dir = makeTempDir('cfn-lint-');
    try {
      const files = stacks.map((st, i) => {
        const file = path.join(dir, `${i}-${st.artifactId.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
        fs.writeFileSync(file, JSON.stringify(synthStack(st).template, undefined, 1));
        return file;
      });
      return CfnLint.lintFiles(files, { ...options, regions });
    } finally {
      removeDir(dir);
    }
  }

  /**
   * Lints the stack and throws an Error listing every error (and every warning when
   * `failOnWarnings` is set). Returns the result when clean.
   *
   * @param stack the stack to lint
   * @param options run options
   */
  public static assertNoErrors(stack: Stack, options?: CfnLintOptions): CfnLintResult {
    const result = CfnLint.lintStack(stack, options);
    CfnLint.throwOnFindings(`stack '${stack.node.path}'`, result, options);
    return result;
  }

  /**
   * Lints a template file and throws an Error listing every error (and every warning when
   * `failOnWarnings` is set). Returns the result when clean.
   *
   * @param templatePath path of the template file
   * @param options run options
   */
  public static assertFileHasNoErrors(templatePath: string, options?: CfnLintOptions): CfnLintResult {
    const result = CfnLint.lintFile(templatePath, options);
    CfnLint.throwOnFindings(`template '${templatePath}'`, result, options);
    return result;
  }

  /**
   * Throws an Error listing every error (and every warning when `failOnWarnings` is set) of a
   * result, e.g. one of `lintFiles`/`lintStacks`. Does nothing when the result is clean.
   *
   * @param result a lint result
   * @param options `failOnWarnings` is read
   */
  public static assertResult(result: CfnLintResult, options?: CfnLintOptions): void {
    CfnLint.throwOnFindings(`template '${result.templatePath}'`, result, options);
  }

  /**
   * Renders findings one per line: `E3002 Resources/B/Properties/Bogus: message`.
   *
   * @param findings the findings to render
   */
  public static format(findings: CfnLintFinding[]): string {
    return findings.map((f) => `  ${f.rule} ${f.path}: ${f.message}`).join('\n');
  }

  private static throwOnFindings(what: string, result: CfnLintResult, options?: CfnLintOptions): void {
    const failing = options?.failOnWarnings ? [...result.errors, ...result.warnings] : result.errors;
    if (failing.length > 0) {
      throw new Error(`cfn-lint found ${failing.length} problem(s) in ${what}:\n${CfnLint.format(failing)}`);
    }
  }

  private static toFinding(m: any): CfnLintFinding {
    const rule = String(m?.Rule?.Id ?? 'unknown');
    const pathParts: unknown[] = Array.isArray(m?.Location?.Path) ? m.Location.Path : [];
    const logicalId = pathParts[0] === 'Resources' && typeof pathParts[1] === 'string' ? pathParts[1] : undefined;
    const line = m?.Location?.Start?.LineNumber;
    const level = String(m?.Level ?? (rule.startsWith('E') ? 'Error' : rule.startsWith('W') ? 'Warning' : 'Informational'));
    return {
      rule,
      level,
      message: String(m?.Message ?? ''),
      path: pathParts.map((p) => String(p)).join('/'),
      logicalId,
      line: typeof line === 'number' ? line : undefined,
    };
  }
}

/** `CFN_LINT_EXECUTABLE` (e.g. a wrapper or a stub in tests), else `cfn-lint` on PATH. */
function defaultExecutable(): string {
  const fromEnv = process.env.CFN_LINT_EXECUTABLE;
  return fromEnv && fromEnv.trim() !== '' ? fromEnv.trim() : 'cfn-lint';
}
