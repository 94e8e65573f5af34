// A Stryker reporter that writes every surviving / uncovered / timed-out mutant to
// reports/mutation/<scope>/live-survivors.txt as soon as it is tested, and keeps
// reports/mutation/<scope>/live-summary.txt (counts and score per file so far, mutants per minute),
// so a long run can be read (and tests written) before it ends, and a run stopped before its end
// still says what it measured. Loaded by stryker.config.mjs (`appendPlugins`).
import fs from 'fs';
import path from 'path';

// The plugin shape of @stryker-mutator/api/plugin (declareClassPlugin(PluginKind.Reporter, name, class) with
// commonTokens.options injected), written out: this file is loaded from the project, and the stryker that loads it
// may be installed elsewhere (e.g. PATH=/some/dir/node_modules/.bin:$PATH npm run mutate -- core).
const PluginKind = { Reporter: 'Reporter' };
const commonTokens = { options: 'options' };
const declareClassPlugin = (kind, name, injectableClass) => ({ kind, name, injectableClass });

class LiveSurvivorsReporter {
  static inject = [commonTokens.options];

  constructor(options) {
    const html = options.htmlReporter?.fileName ?? 'reports/mutation/index.html';
    this.file = path.join(path.dirname(html), 'live-survivors.txt');
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, '');
    this.summaryFile = path.join(path.dirname(html), 'live-summary.txt');
    this.counts = new Map(); // file -> { Killed, Survived, Timeout, NoCoverage, Ignored, ... }
    this.started = undefined; // set at the first mutant result (after the initial test run)
    this.run = 0; // mutants that ran tests (killed, survived, timed out)
  }

  onMutantTested(result) {
    this.started ??= Date.now();
    const file = path.relative(process.cwd(), result.fileName);
    const c = this.counts.get(file) ?? {};
    c[result.status] = (c[result.status] ?? 0) + 1;
    this.counts.set(file, c);
    if (['Killed', 'Survived', 'Timeout'].includes(result.status)) { this.run++; }
    this.writeSummary();
    if (!['Survived', 'NoCoverage', 'Timeout'].includes(result.status)) { return; }
    // mutant locations in reporter events are 1-based (line and column), as an editor shows them
    const { start } = result.location;
    const replacement = (result.replacement ?? '').replace(/\s+/g, ' ').slice(0, 160);
    fs.appendFileSync(this.file, `${result.status}\t${result.fileName}:${start.line}:${start.column}\t${result.mutatorName}\t${replacement}\n`);
  }

  writeSummary() {
    const minutes = (Date.now() - this.started) / 60_000;
    const row = (name, c) => {
      const k = c.Killed ?? 0, t = c.Timeout ?? 0, s = c.Survived ?? 0, n = c.NoCoverage ?? 0;
      const scored = k + t + s + n;
      const score = scored ? `${(100 * (k + t) / scored).toFixed(1)}%` : '-';
      return `${name}\tkilled ${k}\ttimeout ${t}\tsurvived ${s}\tno coverage ${n}\tignored ${c.Ignored ?? 0}\terrors ${(c.RuntimeError ?? 0) + (c.CompileError ?? 0)}\tscore ${score}`;
    };
    const total = {};
    for (const c of this.counts.values()) { for (const [k, v] of Object.entries(c)) { total[k] = (total[k] ?? 0) + v; } }
    const lines = [...this.counts.entries()].sort().map(([f, c]) => row(f, c));
    lines.push(row('ALL (tested so far)', total));
    lines.push(`${minutes.toFixed(1)} min since the first mutant result; ${this.run} mutants ran tests: ${(this.run / Math.max(minutes, 0.01)).toFixed(1)} per minute`);
    fs.writeFileSync(this.summaryFile, lines.join('\n') + '\n');
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'live-survivors', LiveSurvivorsReporter)];
