// StrykerJS mutation testing, scoped by folder: `npm run mutate -- core` or `npm run mutate -- testing`
// (extra arguments go to `stryker run`, e.g. `npm run mutate -- core --concurrency 1 --incremental`).
// Not part of `npm test`. See README.md "Mutation testing" for how to read the report.
//
// Each scope mutates one folder of lib/ and runs only that folder's tests (per-test coverage, so a
// mutant runs only the tests that execute it).
const scopes = {
  core: {
    mutate: ['lib/core/**/*.ts', '!lib/core/index.ts'],
    tests: ['test/core'],
    // builds the hybrid and GPU example apps to check every lane is on InferenceLaneBase: a lane test, tens of
    // seconds per core mutant it covers (nearly all of core), and what it checks is the lanes' class, not core logic
    excludeTests: ['test/core/inference-lane-base.lanes.test.ts'],
  },
  testing: {
    // Excluded: the real-deploy path. LocalDeploy.deployStack/deployAssembly start moto_server and run
    // `cdk deploy` (10-60 s per deployment on this machine, so minutes per mutant), so its test
    // (test/testing/local-deploy.test.ts) is not run and the code only it reaches is not mutated:
    // lib/testing/local-deploy.ts and lib/testing/private/api-create.ts (resources created through the
    // emulator's API). Everything else runs its real tool (cfn-lint, cdk-nag, the kubernetes-models
    // schemas) or is pure logic (the emulator's template adapter, snapshot masking, process helpers).
    mutate: ['lib/testing/**/*.ts', '!lib/testing/index.ts'],
    tests: ['test/testing'],
    excludeTests: ['test/testing/local-deploy.test.ts', 'test/testing/*.deploy.test.ts'],
    // Simulation.assertMeetsSlo (lib/testing/simulation.ts) is tested with the simulator's tests: this one file of them
    // runs too (4 tests, ~4 s), the rest of test/simulation does not.
    extraTests: ['test/simulation/assert-meets-slo.test.ts'],
  },
};

// Property tests (test/core/*.property.test.ts, fixed seed) run 10 cases per property in a mutation run
// instead of 40: a surviving mutant runs every test that covers it, and these cover most of core.
process.env.FC_RUNS ??= '10';

const scope = process.env.MUTATE_SCOPE;
if (!scope || !scopes[scope]) {
  throw new Error(`MUTATE_SCOPE must be one of ${Object.keys(scopes).join(', ')} (got '${scope ?? ''}'): run \`npm run mutate -- core\``);
}
const { mutate, tests, excludeTests = [], extraTests = [] } = scopes[scope];
// An extra test file's folder becomes a root, with every other file of that folder ignored.
const extraDirs = [...new Set(extraTests.map((t) => t.slice(0, t.lastIndexOf('/'))))];
const escape = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const extraIgnores = extraDirs.map((d) => {
  const keep = extraTests.filter((t) => t.startsWith(`${d}/`)).map((t) => escape(t.slice(d.length + 1)));
  return `<rootDir>/${d}/(?!(${keep.join('|')})$)`;
});
// Reports (and the incremental file) per scope; MUTATE_REPORT_DIR gives a run of a part of a folder
// (`-m lib/core/rollout.ts`) its own, so it does not replace the folder's incremental results.
const reportDir = process.env.MUTATE_REPORT_DIR ?? `reports/mutation/${scope}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  coverageAnalysis: 'perTest',
  // A static mutant (one executed only while modules and test tables load, e.g. the cron field tables) would
  // run every test of the folder (~25 s each on this machine; 1,213 of 3,185 core mutants, 93% of the time).
  // Ignored here, and counted separately in the report ("Ignored"); mutants that are also covered by a test
  // ("hybrid") still run, against the tests that cover them. MUTATE_STATIC=1 runs them too (hours).
  ignoreStatic: process.env.MUTATE_STATIC !== '1',
  mutate,
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      roots: [...tests, ...extraDirs].map((t) => `<rootDir>/${t}`),
      testPathIgnorePatterns: ['/node_modules/', ...excludeTests.map((t) => `<rootDir>/${t}`.replace('*', '[^/]*')), ...extraIgnores],
    },
    // every test of the folder may cover a mutant; perTest coverage already picks the ones that do
    enableFindRelatedTests: false,
  },
  // The TypeScript checker drops mutants that do not compile (CompileError, not counted in the score)
  // before they reach jest (ts-jest transpiles without type checks, so they would run). Off by default:
  // it takes one of the two concurrency slots and, measured on this shared 2-core machine, used about
  // twice the CPU of the test runner beside it (type-checking lib/ against aws-cdk-lib's types per mutant
  // group). MUTATE_TYPECHECK=1 turns it on (tsconfig.json: lib/ only, what a mutant can break).
  checkers: process.env.MUTATE_TYPECHECK === '1' ? ['typescript'] : [],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  concurrency: 2,
  // the machine is shared and the CDK synth per test is slow: give a mutant 3x its covering tests' time + 20 s
  timeoutFactor: 3,
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 15,
  incremental: true,
  // A whole-folder run keeps its results in mutation/<scope>.incremental.json, which is committed: a whole folder
  // takes hours on the shared 2-core machine and reports/ does not outlive a session's work tree, so the next run
  // (any session) retests only the mutants whose code or covering tests changed. A partial run (MUTATE_REPORT_DIR)
  // keeps its own in its report dir (git-ignored), so it never replaces the folder's file with a subset.
  incrementalFile: process.env.MUTATE_REPORT_DIR ? `${reportDir}/stryker-incremental.json` : `mutation/${scope}.incremental.json`,
  appendPlugins: ['./stryker.live-survivors.mjs'],
  reporters: ['clear-text', 'progress', 'html', 'json', 'live-survivors'],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['cdk.out', 'cdk.out.*', '.moto-*', 'dist', 'coverage', 'reports', 'mutation', 'manifests', '.ci'],
};
