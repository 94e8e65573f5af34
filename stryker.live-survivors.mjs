// A Stryker reporter that writes every surviving / uncovered / timed-out mutant to
// reports/mutation/<scope>/live-survivors.txt as soon as it is tested, so a long run can be read
// (and tests written) before it ends. Loaded by stryker.config.mjs (`appendPlugins`).
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
  }

  onMutantTested(result) {
    if (!['Survived', 'NoCoverage', 'Timeout'].includes(result.status)) { return; }
    // mutant locations in reporter events are 1-based (line and column), as an editor shows them
    const { start } = result.location;
    const replacement = (result.replacement ?? '').replace(/\s+/g, ' ').slice(0, 160);
    fs.appendFileSync(this.file, `${result.status}\t${result.fileName}:${start.line}:${start.column}\t${result.mutatorName}\t${replacement}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'live-survivors', LiveSurvivorsReporter)];
