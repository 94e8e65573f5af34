import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The install hint shared by every tool that needs the Python validators.
 */
export const PYTHON_TOOLS_INSTALL_HINT = "pip install cfn-lint 'moto[server]'";

/**
 * Finds an executable on PATH (or checks an explicit path). Returns undefined when absent.
 */
export function findExecutable(name: string): string | undefined {
  if (name.includes(path.sep)) {
    return isExecutable(name) ? name : undefined;
  }
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d.length > 0);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Options for {@link runSync}. */
export interface RunOptions {
  readonly args: string[];
  readonly timeoutMs: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Human label used in error messages, e.g. `cfn-lint`. */
  readonly label: string;
}

/** What a finished child process returned. */
export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/**
 * Runs a command synchronously with a hard timeout. Throws a clear Error when the
 * command cannot be started or runs past its timeout. A non-zero exit is NOT an
 * error here: callers decide.
 */
export function runSync(command: string, options: RunOptions): RunResult {
  const started = Date.now();
  const res: SpawnSyncReturns<string> = spawnSync(command, options.args, {
    input: options.input,
    env: options.env ?? process.env,
    cwd: options.cwd,
    encoding: 'utf-8',
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  const durationMs = Date.now() - started;
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') {
      throw new Error(`${options.label} timed out after ${Math.round(options.timeoutMs / 1000)}s: ${command} ${options.args.join(' ')}\n${tail(res.stderr)}${tail(res.stdout)}`);
    }
    throw new Error(`${options.label} could not be started (${command}): ${res.error.message}`);
  }
  if (res.status === null) {
    throw new Error(`${options.label} was killed by signal ${res.signal} after ${durationMs}ms: ${command} ${options.args.join(' ')}\n${tail(res.stderr)}`);
  }
  return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '', durationMs };
}

/** The last lines of a (possibly long) output, for error messages. */
export function tail(text: string | undefined | null, maxLines: number = 40): string {
  if (!text) {
    return '';
  }
  const lines = text.trimEnd().split('\n');
  const kept = lines.slice(-maxLines).join('\n');
  return lines.length > maxLines ? `...(${lines.length - maxLines} lines cut)\n${kept}\n` : `${kept}\n`;
}

/** Creates a fresh temp directory with the given prefix. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Removes a directory tree, ignoring errors. */
export function removeDir(dir: string | undefined): void {
  if (!dir) {
    return;
  }
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

const SLEEP_BUFFER = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the current thread for `ms` milliseconds (synchronous sleep). */
export function sleepSync(ms: number): void {
  Atomics.wait(SLEEP_BUFFER, 0, 0, ms);
}

/** Validates a suppression reason: trimmed, at least 10 characters. */
export function checkReason(what: string, id: string, reason: string | undefined): void {
  if (reason === undefined || reason === null || reason.trim().length < 10) {
    throw new Error(`${what} '${id}' needs a reason of at least 10 characters explaining why it is safe to ignore (got ${JSON.stringify(reason ?? '')})`);
  }
}

/**
 * A Python launcher that ties the program it execs to the life of its parent: on Linux it sets
 * PR_SET_PDEATHSIG (SIGTERM), which survives exec, so the program is terminated when the process that
 * started it exits for any reason: a test that never calls `stop()`, a jest worker that is
 * force-killed. `process.on('exit')` is no safety net under jest, whose sandbox gives test code a
 * copy of `process` whose exit listeners never fire. argv: the program, then its arguments.
 */
export const TIED_TO_PARENT_PRELUDE = [
  'import ctypes, os, signal, sys',
  'try:',
  "    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG",
  'except Exception:',
  '    pass  # not Linux: stop() and the exit listener remain the only cleanup',
  'if os.getppid() == 1:',
  '    sys.exit(0)  # the parent died before prctl: do not start orphaned',
].join('\n');

/** {@link TIED_TO_PARENT_PRELUDE}, then exec of the program (argv: the program, then its arguments). */
export const TIED_TO_PARENT_LAUNCHER = `${TIED_TO_PARENT_PRELUDE}\nos.execv(sys.argv[1], sys.argv[1:])`;

/** A command started by {@link startAsync}: `wait()` blocks until it exits and returns what it printed. */
export interface AsyncRun {
  wait(): RunResult;
}

/**
 * Starts a command in the background (so the caller can do other synchronous work meanwhile, e.g.
 * start moto while Python imports moto's backends) and returns a handle whose `wait()` blocks until
 * it exits, with the same result and errors as {@link runSync}. Input, output and the exit code go
 * through files (node cannot observe a child's exit while it blocks): a shell runs the command and
 * writes its exit code last, by rename, so a present code means complete output.
 */
export function startAsync(command: string, options: RunOptions): AsyncRun {
  const dir = makeTempDir('local-deploy-run-');
  const file = (name: string) => path.join(dir, name);
  fs.writeFileSync(file('in'), options.input ?? '');
  const started = Date.now();
  const child = spawn('/bin/sh', ['-c', 'cd "$1" 2>/dev/null; shift; "$@" <"$D/in" >"$D/out" 2>"$D/err"; echo $? >"$D/rc.tmp"; mv "$D/rc.tmp" "$D/rc"',
    'sh', options.cwd ?? process.cwd(), command, ...options.args], {
    env: { ...(options.env ?? process.env), D: dir },
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  const read = (name: string) => {
    try { return fs.readFileSync(file(name), 'utf-8'); } catch { return ''; }
  };
  return {
    wait: () => {
      try {
        while (!fs.existsSync(file('rc'))) {
          if (Date.now() - started > options.timeoutMs) {
            try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
            throw new Error(`${options.label} timed out after ${Math.round(options.timeoutMs / 1000)}s: ${command} ${options.args.join(' ')}\n${tail(read('err'))}${tail(read('out'))}`);
          }
          sleepSync(20);
        }
        const status = Number(read('rc').trim());
        if (status === 127 && /not found|No such file/.test(read('err'))) {
          throw new Error(`${options.label} could not be started (${command}): ${tail(read('err')).trim()}`);
        }
        return { status, stdout: read('out'), stderr: read('err'), durationMs: Date.now() - started };
      } finally {
        removeDir(dir);
      }
    },
  };
}
