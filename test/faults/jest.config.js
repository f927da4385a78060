// @ts-check
// The fault suite (`pnpm test:faults`): whole-system scenarios against private Redis and Postgres
// servers that each test file starts, stops and restarts itself. Files run one at a time, since
// every scenario already keeps a machine's two cores busy with real processes.
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads its config as CommonJS */
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const [unit] = require('../../jest.config.js').projects;

/** @type {import('jest').Config} */
module.exports = {
  rootDir: root,
  transform: unit.transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/faults/**/*.faults.test.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  maxWorkers: 1,
  testTimeout: 600_000,
};
