/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  setupFiles: ['<rootDir>/test/setup.ts'],
  // One temporary directory per run, removed at the end (cdk.out of every synth, tool work dirs).
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  snapshotSerializers: ['<rootDir>/test/snapshot-serializer.ts'],
  testTimeout: 120000,
  // One worker per core: measured 113 s with 2 workers vs 130 s with 3 on this 2-core machine
  // (the child processes — cfn-lint, moto, the CDK CLI — already keep both cores busy).
  maxWorkers: 2,
};
