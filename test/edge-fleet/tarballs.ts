import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A .tar.gz model build holding weights.txt = `content`, written under `dir` (the edge tests run the recipe on it). */
export function weightsTarball(dir: string, name: string, content: string): string {
  const src = path.join(dir, 'src', name);
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'weights.txt'), content);
  const file = path.join(dir, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', src, 'weights.txt']);
  return file;
}
