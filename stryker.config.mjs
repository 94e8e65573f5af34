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
  },
  testing: {
    // The real-deploy path is excluded: LocalDeploy.deployStack/deployAssembly start moto_server and run
    // `cdk bootstrap` + `cdk deploy` (about 10 s per run, minutes per mutant), so lib/testing/local-deploy.ts is
    // mutated only in its pure-logic functions (see the `ignore` ranges below), and its real-deploy test
    // (test/testing/local-deploy.test.ts) is not run. Every other helper runs its real tool (cfn-lint,
    // cdk-nag, the kubernetes-models schemas), which is fast enough per test.
    mutate: ['lib/testing/**/*.ts', '!lib/testing/index.ts'],
    tests: ['test/testing'],
    excludeTests: ['test/testing/local-deploy.test.ts', 'test/testing/*.deploy.test.ts'],
  },
};

const scope = process.env.MUTATE_SCOPE;
if (!scope || !scopes[scope]) {
  throw new Error(`MUTATE_SCOPE must be one of ${Object.keys(scopes).join(', ')} (got '${scope ?? ''}'): run \`npm run mutate -- core\``);
}
const { mutate, tests, excludeTests = [] } = scopes[scope];

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
      roots: tests.map((t) => `<rootDir>/${t}`),
      testPathIgnorePatterns: ['/node_modules/', ...excludeTests.map((t) => `<rootDir>/${t}`.replace('*', '[^/]*'))],
    },
    // every test of the folder may cover a mutant; perTest coverage already picks the ones that do
    enableFindRelatedTests: false,
  },
  checkers: process.env.MUTATE_TYPECHECK === '0' ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  concurrency: 2,
  // the machine is shared and the CDK synth per test is slow: give a mutant 3x its covering tests' time + 20 s
  timeoutFactor: 3,
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 15,
  incremental: true,
  incrementalFile: `reports/mutation/${scope}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['cdk.out', 'cdk.out.*', '.moto-*', 'dist', 'coverage', 'reports', 'manifests', '.ci'],
};
