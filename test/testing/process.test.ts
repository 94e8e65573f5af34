import { spawnSync } from 'child_process';
import { sleepSync, TIED_TO_PARENT_LAUNCHER } from '../../lib/testing/private/process';

/**
 * LocalDeploy's moto server must not outlive the process that started it (issue 12 item 25: jest
 * workers and orphaned servers). Under jest, `process.on('exit')` in test code registers on a sandbox
 * copy of `process` and never fires, so the kernel does it: the launcher sets PR_SET_PDEATHSIG.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0: look at its state.
    const stat = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf-8');
    return !/^\d+ \([^)]*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Starts a parent node process that spawns `sleep 30` (detached, unref'd, like moto) and exits at once. */
function orphanSleep(withLauncher: boolean): number {
  const args = withLauncher ? ['python3', ['-c', TIED_TO_PARENT_LAUNCHER, '/bin/sleep', '30']] : ['/bin/sleep', ['30']];
  const script = `const c = require('child_process').spawn(${JSON.stringify(args[0])}, ${JSON.stringify(args[1])}, { detached: true, stdio: 'ignore' });
c.unref(); setTimeout(() => { console.log(c.pid); process.exit(0); }, 500);`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf-8', timeout: 20_000 });
  return Number(run.stdout.trim());
}

function waitGone(pid: number, ms: number): boolean {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) { return true; }
    sleepSync(100);
  }
  return !alive(pid);
}

test('a process started through the launcher ends when its parent exits', () => {
  const pid = orphanSleep(true);
  expect(pid).toBeGreaterThan(0);
  expect(waitGone(pid, 5_000)).toBe(true);
});

test('without the launcher the same child outlives its parent (what leaked moto servers)', () => {
  const pid = orphanSleep(false);
  try {
    expect(pid).toBeGreaterThan(0);
    expect(waitGone(pid, 1_000)).toBe(false);
  } finally {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
});
