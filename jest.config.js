/** Jest on native ESM: ts-jest compiles TypeScript per file, `.js` specifiers map to sources. */
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testMatch: ['<rootDir>/test/unit/**/*.spec.ts', '<rootDir>/test/e2e/**/*.spec.ts'],
  testTimeout: 60_000,
  // One file at a time: the end-to-end suites share one PostgreSQL server, and some of what they
  // check is server-wide (a kept report is reused only while no transaction commits anywhere).
  maxWorkers: 1,
};
