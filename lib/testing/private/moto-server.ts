import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { PROFILE_FUNCTION } from './emulator-profile';
import { runSync, sleepSync, tail, TIED_TO_PARENT_PRELUDE } from './process';

/** How to start moto_server for one deployment. */
export interface MotoServerOptions {
  /** The moto_server executable. */
  readonly motoServer: string;
  /** The Python interpreter that runs the launcher (which ties moto to this process's life). */
  readonly python: string;
  /** The account moto reports (MOTO_ACCOUNT_ID). */
  readonly account: string;
  /** moto's stdout and stderr go here (truncated at each attempt). */
  readonly logFile: string;
  /** How long to wait for moto to answer HTTP. */
  readonly startupMs: number;
  /** Called on `process.exit` while the server runs (stops it). */
  readonly onExit: () => void;
  /**
   * A profile query (`profile_answer`'s request, JSON) the launcher answers into `profileOut` before
   * it serves: it imports moto's backends for that, which the server then reuses (one Python start-up
   * and one import of every backend fewer per deployment).
   */
  readonly profileRequest?: string;
  /** Where the launcher writes the profile answer (JSON, complete once the server answers HTTP). */
  readonly profileOut?: string;
}

/** A started moto server: its process (a process group of its own) and port. */
export interface MotoServer {
  readonly process: ChildProcess;
  readonly port: number;
}

/**
 * Starts moto_server on a free localhost port and waits until it answers (3 attempts: a port taken
 * between the lookup and moto's bind, or a crash at start-up, is retried on another port).
 */
export function startMotoServer(opts: MotoServerOptions): MotoServer {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = freePort();
    fs.writeFileSync(opts.logFile, '');
    const logFd = fs.openSync(opts.logFile, 'a');
    let server: ChildProcess;
    try {
      // Output goes to a file, never to a pipe: nobody drains pipes while we block in spawnSync.
      // Through a launcher that makes the kernel stop moto when this process exits, whatever the reason.
      server = spawn(opts.python, ['-c', MOTO_LAUNCHER, opts.motoServer, '-H', 'localhost', '-p', String(port)], {
        detached: true,
        stdio: ['ignore', logFd, logFd],
        // 'always': moto's "not supported" UserWarning must be logged for every stack, not once per process.
        env: {
          ...process.env, MOTO_ACCOUNT_ID: opts.account, PYTHONWARNINGS: 'always',
          ...(opts.profileRequest !== undefined && opts.profileOut ? { LOCAL_DEPLOY_PROFILE_IN: opts.profileRequest, LOCAL_DEPLOY_PROFILE_OUT: opts.profileOut } : {}),
        },
      });
    } finally {
      fs.closeSync(logFd);
    }
    server.unref();
    process.once('exit', opts.onExit);
    const wait = runSync(process.execPath, {
      args: ['-e', WAIT_FOR_SERVER_SCRIPT, String(port), opts.logFile, String(opts.startupMs)],
      timeoutMs: opts.startupMs + 10_000,
      label: 'waiting for moto_server',
    });
    if (wait.status === 0) {
      return { process: server, port };
    }
    lastError = `${wait.stdout}${wait.stderr}\nmoto log:\n${tail(readLog(opts.logFile), 20)}`;
    process.removeListener('exit', opts.onExit);
    if (server.pid !== undefined) {
      killProcessGroup(server.pid, false);
    }
  }
  throw new Error(`moto_server did not start on localhost after 3 attempts: ${lastError}`);
}

/**
 * Stops the process group `pid` leads (a server spawned detached): SIGTERM, 300 ms for it to exit,
 * then SIGKILL; with `graceful` false SIGKILL only. A group that is already gone is not an error.
 */
export function killProcessGroup(pid: number, graceful: boolean): void {
  for (const signal of graceful ? ['SIGTERM', 'SIGKILL'] as const : ['SIGKILL'] as const) {
    try {
      // Negative pid: the process group created for this server only (spawned detached).
      process.kill(-pid, signal);
    } catch {
      return; // already gone
    }
    if (signal === 'SIGTERM') {
      waitForExit(pid, 300);
    }
  }
}

/**
 * Waits up to `ms` for process `pid` to exit (gone, or a zombie its parent has not reaped yet), polling
 * every 10 ms where /proc shows it (Linux); elsewhere sleeps the whole time.
 */
function waitForExit(pid: number, ms: number): void {
  if (!fs.existsSync('/proc/self/stat')) {
    sleepSync(ms);
    return;
  }
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
    } catch {
      return; // gone
    }
    if (/^\d+ \(.*\) Z/.test(stat)) {
      return; // exited, not reaped yet
    }
    sleepSync(10);
  }
}

/** The file's text, or '' when it cannot be read (not created yet, or removed). */
export function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf-8');
  } catch {
    return '';
  }
}

/** Finds a free TCP port on localhost (in a child process, to stay synchronous). */
export function freePort(): number {
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
export const WAIT_FOR_SERVER_SCRIPT = `
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
 * The Python program that runs moto_server (argv: the moto_server executable, then its arguments),
 * tied to the life of its parent ({@link TIED_TO_PARENT_PRELUDE}).
 * With LOCAL_DEPLOY_PROFILE_IN/OUT set, it first answers the profile query (which imports every moto
 * backend, as the server's CloudFormation does on its first stack) and then serves from the same
 * interpreter with `moto.server.main`; without them, or when this interpreter has no moto, it execs
 * moto_server.
 */
export const MOTO_LAUNCHER = `
${TIED_TO_PARENT_PRELUDE}
import json, warnings
${PROFILE_FUNCTION}
req = os.environ.pop('LOCAL_DEPLOY_PROFILE_IN', None)
out = os.environ.pop('LOCAL_DEPLOY_PROFILE_OUT', None)
if req is None or not out:
    os.execv(sys.argv[1], sys.argv[1:])
try:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        answer = json.dumps(profile_answer(json.loads(req)))
        from moto.server import main
except BaseException as e:
    answer = None
    with open(out + '.err', 'w') as f:
        f.write('%s: %s' % (type(e).__name__, e))
if answer is not None:
    with open(out + '.tmp', 'w') as f:
        f.write(answer)
    os.replace(out + '.tmp', out)
    sys.exit(main(sys.argv[2:]))
os.execv(sys.argv[1], sys.argv[1:])
`;
