// @ts-check
// Sources are TypeScript with ESM syntax; jest runs them as CommonJS, transpiled file by file
// (types are checked by `pnpm typecheck`, not here, which keeps the test run fast).
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: {
        module: 'commonjs',
        moduleResolution: 'node10',
        verbatimModuleSyntax: false,
        isolatedModules: true,
        esModuleInterop: true,
        target: 'ES2023',
        rootDir: __dirname,
        ignoreDeprecations: '6.0',
      },
    },
  ],
};

const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  // Integration tests start processes and databases on a 2-core machine; jest 30 reads the
  // timeout here, not per project.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.int.test.ts', '<rootDir>/test/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
};
