import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The CLI as a real process: shebang, exit code and stderr. In its own file so jest runs it in
 * parallel with the in-process CLI tests (cli.test.ts); one spawn only, since loading TypeScript and
 * aws-cdk-lib in a fresh node takes a second or two.
 */
const CLI = path.join(__dirname, '..', '..', 'lib', 'cli.ts');

describe('as a process', () => {
  test('has a node shebang', () => {
    expect(fs.readFileSync(CLI, 'utf-8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('exits 2 with the message on stderr (real process, ts-node transpile-only)', () => {
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'recommend', '--latency-ms', '300', '--traffic', 'bursty'], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf-8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/'--traffic' \("bursty"\) is not a traffic shape/);
  });
});
