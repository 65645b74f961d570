// Tests run as native ESM (node --experimental-vm-modules) with SWC stripping types.
// Each test file owns its data: see packages/db/src/testing.ts for per-test databases.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/{apps,packages,prisma,scripts}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/generated/'],
  testTimeout: 60000,
  maxWorkers: 2,
};
